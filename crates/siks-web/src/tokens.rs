//! The account's API tokens page (ADR 0022): make a token for a machine client (a name, a
//! region scope never wider than the account's, read or read-write, an expiry), shown once;
//! see each one's last use; revoke one. An admin also sees and revokes the tokens of the
//! accounts it manages.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::Scope;
use siks_service::security::{TokenAccess, tokens::NewToken};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::{Form, Path};
use crate::pages::{Nav, render, zone_of};

pub struct TokenRow {
    id: String,
    owner: String,
    name: String,
    scope: String,
    access: &'static str,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    nav: Option<Nav>,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    /// The new token's secret, shown this once.
    secret: Option<String>,
    tokens: Vec<TokenRow>,
    form_name: String,
    form_scope: String,
    form_access: String,
    form_days: String,
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    csrf: String,
    nama: String,
    wilayah: String,
    akses: String,
    hari: String,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    form: Option<&TokenForm>,
    error: Option<String>,
    notice: Option<String>,
    secret: Option<String>,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let zone = zone_of(&actor.scope);
    let now = state.service.now();
    let tokens = state.service.api_tokens(actor).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(TokensPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        error,
        notice,
        secret,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                live: t.live_at(now),
                state: crate::lang::t(if t.revoked_at.is_some() {
                    "Dicabut"
                } else if !t.live_at(now) {
                    "Kedaluwarsa"
                } else {
                    "Berlaku"
                }),
                id: t.id,
                owner: t.username,
                name: t.name,
                scope: t.scope.key(),
                access: crate::lang::t(match t.access {
                    TokenAccess::Read => "Baca",
                    TokenAccess::ReadWrite => "Baca dan tulis",
                }),
                created: siks_domain::show::moment(t.created_at, zone),
                expires: siks_domain::show::moment(t.expires_at, zone),
                last_used: t
                    .last_used_at
                    .map(|at| siks_domain::show::moment(at, zone))
                    .unwrap_or_else(|| crate::lang::t("belum pernah").into()),
            })
            .collect(),
        form_name: form.map(|f| f.nama.clone()).unwrap_or_default(),
        form_scope: form
            .map(|f| f.wilayah.clone())
            .unwrap_or_else(|| actor.scope.key()),
        form_access: form
            .map(|f| f.akses.clone())
            .unwrap_or_else(|| "baca".into()),
        form_days: form.map(|f| f.hari.clone()).unwrap_or_else(|| "90".into()),
    })?;
    Ok((status, html).into_response())
}

pub async fn tokens_page(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Response, WebError> {
    page(&state, &user, None, None, None, None).await
}

pub async fn create_token(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    // A token outlives the session: a stolen session must not mint one without the code.
    user.require_fresh_factor(&state, "/akun/token")?;
    let fail = |message: String| page(&state, &user, Some(&form), Some(message), None, None);
    let scope = match Scope::parse(&form.wilayah) {
        Ok(s) => s,
        Err(e) => {
            return fail(crate::lang::tf(
                "wilayah token: {}",
                &[&crate::lang::say(&e)],
            ))
            .await;
        }
    };
    let access = match TokenAccess::parse(&form.akses) {
        Ok(a) => a,
        Err(e) => return fail(crate::lang::say(&e)).await,
    };
    let Ok(days) = form.hari.trim().parse::<i64>() else {
        return fail(crate::lang::t("masa berlaku: tulis jumlah hari dengan angka").into()).await;
    };
    match state
        .service
        .create_api_token(
            &user.session.actor,
            NewToken {
                name: form.nama.clone(),
                scope,
                access,
                days,
            },
        )
        .await
    {
        Ok((token, secret)) => {
            let notice = crate::lang::tf(
                "Token {} dibuat. Salin sekarang: token ini tidak akan ditampilkan lagi.",
                &[&token.name],
            );
            page(&state, &user, None, None, Some(notice), Some(secret)).await
        }
        Err(e @ siks_service::ServiceError::Invalid { .. }) => fail(crate::lang::say(&e)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    state
        .service
        .revoke_api_token(&user.session.actor, &id)
        .await?;
    let notice = crate::lang::t("Token dicabut; permintaan dengannya ditolak mulai sekarang.");
    page(&state, &user, None, None, Some(notice.into()), None).await
}
