//! The second factor's pages (ADR 0022): after the password, an account at regency level or
//! above, or any admin, enrols a TOTP app (a QR code drawn here, the secret also as text, the
//! recovery codes shown once) or types its code; the same page asks a fresh code again before a
//! bulk export, a period's close or a programme rule change (the step-up). A session waiting
//! for its code opens no other page: the store answers it as no session at all.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use siks_service::Session;
use siks_service::security::second_factor::FactorCheck;

use crate::AppState;
use crate::auth::{PageUser, cookie, remote_addr, safe_next, same_token, urlencode};
use crate::error::WebError;
use crate::extract::{Form, Query};
use crate::pages::{Nav, render};

/// A session, open or waiting for its second factor: only this page takes one that waits.
pub struct AnySessionUser {
    pub(crate) session: Session,
    pub(crate) token: String,
    pub(crate) remote: String,
}

impl FromRequestParts<AppState> for AnySessionUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, state.config.session_cookie()).unwrap_or_default();
        match state
            .service
            .any_session(&token, &state.config.policy)
            .await
        {
            Ok(Some(session)) => Ok(AnySessionUser {
                session,
                token,
                remote: remote_addr(parts),
            }),
            Ok(None) => Err(Redirect::to("/masuk").into_response()),
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

/// Where a page sends a session whose second factor it still waits for, or whose act asks a
/// fresh one, to come back to `back` afterwards.
pub fn code_page(back: &str) -> String {
    format!("/masuk/kode?lanjut={}", urlencode(back))
}

/// Whether a form of a step-up act (a close, a rule change) shows the code field: the account
/// has a second factor and gave it more than five minutes ago.
pub fn asks_code(state: &AppState, user: &PageUser) -> bool {
    let factor = user.session.factor;
    factor.enrolled && !factor.fresh_at(state.service.now())
}

/// The step-up of a form (a close, a rule change): goes on when the session's second factor
/// is fresh (or its account has none and needs none); else the code typed with the form is
/// checked (throttled, audited with `purpose`), and a missing or wrong one refused on the
/// field `kode`.
pub async fn step_up(
    state: &AppState,
    user: &PageUser,
    typed: &str,
    purpose: &str,
) -> Result<(), WebError> {
    let factor = user.session.factor;
    if factor.fresh_at(state.service.now()) {
        return Ok(());
    }
    if typed.trim().is_empty() {
        return Err(WebError::field(
            "kode",
            crate::lang::t(
                "tindakan ini meminta kode faktor kedua: ketik enam angka yang sedang tampil di aplikasi autentikator",
            ),
        ));
    }
    let record = state
        .service
        .user_by_username(&user.session.actor.username)
        .await?
        .ok_or(WebError::NotFound)?;
    match state
        .service
        .check_second_factor(&record, &user.token, typed, purpose, &user.remote)
        .await?
    {
        Ok(FactorCheck::Accepted { .. }) => Ok(()),
        Ok(FactorCheck::Refused) => Err(WebError::field(
            "kode",
            crate::lang::t("kode faktor kedua salah, sudah dipakai, atau sudah lewat"),
        )),
        Err(wait) => Err(WebError::TooMany(crate::auth::wait_message(wait))),
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct FactorPage {
    nav: Option<Nav>,
    csrf: String,
    next: String,
    /// Enrolment: the QR code (an SVG drawn here) and the secret as text in groups of four.
    enrol: Option<(String, String)>,
    /// A fresh code asked of an open session (a step-up).
    again: bool,
    /// The recovery codes, shown once after enrolment.
    recovery: Vec<String>,
    /// A recovery code was used: how many are left, in words.
    recovery_left: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct FactorQuery {
    lanjut: Option<String>,
}

/// A QR code of `text` as an SVG: one path of the dark modules, four modules of quiet zone.
fn qr_svg(text: &str) -> Result<String, WebError> {
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| WebError::Internal(format!("QR: {e}")))?;
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{},{}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" role=\"img\" aria-label=\"QR\" id=\"kode-qr\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn draw(
    state: &AppState,
    user: &AnySessionUser,
    next: String,
    recovery: Vec<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let record = state
        .service
        .user_by_username(&user.session.actor.username)
        .await?
        .ok_or(WebError::NotFound)?;
    let enrol = if !record.second_factor && recovery.is_empty() {
        let secret = state.service.begin_enrolment(&record).await?;
        let uri = secret.enrolment_uri("siks", &record.username);
        Some((qr_svg(&uri)?, grouped(&secret.base32())))
    } else {
        None
    };
    let open = user.session.factor.open();
    let page = render(FactorPage {
        nav: if open {
            Nav::of_session(&user.session)
        } else {
            None
        },
        csrf: user.session.csrf_token.clone(),
        next,
        enrol,
        again: open,
        recovery,
        recovery_left: None,
        error,
    })?;
    Ok((status, page).into_response())
}

pub async fn factor_form(
    State(state): State<AppState>,
    user: AnySessionUser,
    Query(q): Query<FactorQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.lanjut.as_deref());
    let factor = user.session.factor;
    if !factor.required && !factor.enrolled {
        // Nothing is asked of this account: back where it was going.
        return Ok(Redirect::to(&next).into_response());
    }
    draw(&state, &user, next, Vec::new(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct FactorForm {
    csrf: String,
    kode: String,
    lanjut: Option<String>,
}

pub async fn give_factor(
    State(state): State<AppState>,
    user: AnySessionUser,
    Form(form): Form<FactorForm>,
) -> Result<Response, WebError> {
    if !same_token(&form.csrf, &user.session.csrf_token) {
        return Err(WebError::BadCsrf);
    }
    let next = safe_next(form.lanjut.as_deref());
    let record = state
        .service
        .user_by_username(&user.session.actor.username)
        .await?
        .ok_or(WebError::NotFound)?;
    if !record.second_factor {
        return match state
            .service
            .confirm_enrolment(&record, &user.token, &form.kode, &user.remote)
            .await?
        {
            Ok(Some(enrolled)) => {
                draw(
                    &state,
                    &user,
                    next,
                    enrolled.recovery_codes,
                    None,
                    StatusCode::OK,
                )
                .await
            }
            Ok(None) => {
                let message = crate::lang::t(
                    "Kode salah. Ketik enam angka yang sedang tampil di aplikasi autentikator setelah memindai kode QR ini.",
                );
                refuse(&state, &user, next, message.into(), false).await
            }
            Err(wait) => refuse(&state, &user, next, crate::auth::wait_message(wait), true).await,
        };
    }
    let purpose = if user.session.factor.open() {
        "step_up"
    } else {
        "sign_in"
    };
    match state
        .service
        .check_second_factor(&record, &user.token, &form.kode, purpose, &user.remote)
        .await?
    {
        Ok(FactorCheck::Accepted {
            recovery_left: Some(left),
        }) => {
            // A recovery code was used: say how many are left before going on.
            let page = render(FactorPage {
                nav: None,
                csrf: user.session.csrf_token.clone(),
                next,
                enrol: None,
                again: false,
                recovery: Vec::new(),
                recovery_left: Some(crate::lang::tf(
                    "Satu kode pemulihan sudah dipakai; tersisa {}. Bila ponsel Anda hilang, minta admin di atas Anda mengatur ulang faktor kedua agar dapat mendaftar lagi.",
                    &[&left],
                )),
                error: None,
            })?;
            Ok(page.into_response())
        }
        Ok(FactorCheck::Accepted { .. }) => {
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response())
        }
        Ok(FactorCheck::Refused) => {
            let message = crate::lang::t(
                "Kode salah, sudah dipakai, atau sudah lewat. Ketik kode yang sedang tampil di aplikasi, atau satu kode pemulihan.",
            );
            refuse(&state, &user, next, message.into(), false).await
        }
        Err(wait) => refuse(&state, &user, next, crate::auth::wait_message(wait), true).await,
    }
}

/// The code page again with why the code was refused: wrong (422) or held back (429).
async fn refuse(
    state: &AppState,
    user: &AnySessionUser,
    next: String,
    message: String,
    held_back: bool,
) -> Result<Response, WebError> {
    let status = if held_back {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    draw(state, user, next, Vec::new(), Some(message), status).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_of_dark_modules() {
        let svg =
            qr_svg("otpauth://totp/siks:dinsos?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.matches('M').count() > 100, "many dark modules");
        assert_eq!(grouped("ABCDEFGH"), "ABCD EFGH");
    }
}
