//! The accounts page: an admin sees the accounts of its scope, creates accounts below it and
//! deactivates or reactivates them (an operator who changes job is deactivated; nothing it did
//! is lost).

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::{Role, Scope, UserId};
use siks_service::NewUser;

use crate::AppState;
use crate::auth::{PageUser, check_new_password, hash_password};
use crate::error::WebError;
use crate::pages::{Nav, render};

pub struct UserRow {
    id: String,
    username: String,
    name: String,
    role: &'static str,
    scope: String,
    status: &'static str,
    can_toggle: bool,
    toggle_to: &'static str,
    toggle_label: &'static str,
    /// "Aktif" or "Belum" (or "Tidak wajib" where its level asks none).
    second_factor: &'static str,
    /// Whether this admin may reset the account's second factor (it has one, and is below).
    can_reset: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Option<Nav>,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    form_username: String,
    form_name: String,
    form_role: String,
    form_scope: String,
}

#[derive(Deserialize, Default)]
pub struct NewAccountForm {
    csrf: String,
    nama_pengguna: String,
    nama: String,
    peran: String,
    wilayah: String,
    sandi: String,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    form: &NewAccountForm,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let users = state.service.list_users(actor).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(UsersPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        error,
        notice,
        users: users
            .into_iter()
            .filter(|u| u.username != siks_service::SYSTEM_USERNAME)
            .map(|u| UserRow {
                id: u.id.to_string(),
                can_toggle: u.id != actor.user_id
                    && siks_service::may_manage(actor, u.role, &u.scope),
                second_factor: crate::lang::t(if u.second_factor {
                    "Aktif"
                } else if siks_domain::totp::required(u.role, &u.scope) {
                    "Belum didaftarkan"
                } else {
                    "Tidak wajib"
                }),
                can_reset: u.second_factor
                    && u.id != actor.user_id
                    && siks_service::may_manage(actor, u.role, &u.scope),
                toggle_to: if u.active { "0" } else { "1" },
                toggle_label: crate::lang::t(if u.active { "Nonaktifkan" } else { "Aktifkan" }),
                status: crate::lang::t(if u.active { "Aktif" } else { "Nonaktif" }),
                username: u.username,
                name: u.display_name,
                role: crate::lang::t(u.role.label()),
                scope: u.scope.key(),
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.key(), crate::lang::t(r.label())))
            .collect(),
        form_username: form.nama_pengguna.clone(),
        form_name: form.nama.clone(),
        form_role: form.peran.clone(),
        form_scope: form.wilayah.clone(),
    })?;
    Ok((status, html).into_response())
}

pub async fn users_page(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Response, WebError> {
    page(&state, &user, &NewAccountForm::default(), None, None).await
}

pub async fn create_user(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<NewAccountForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let role = match Role::parse(&form.peran) {
        Ok(r) => r,
        Err(e) => return page(&state, &user, &form, Some(crate::lang::say(&e)), None).await,
    };
    let scope = match Scope::parse(&form.wilayah) {
        Ok(s) => s,
        Err(e) => {
            return page(
                &state,
                &user,
                &form,
                Some(crate::lang::tf(
                    "wilayah kerja: {}",
                    &[&crate::lang::say(&e)],
                )),
                None,
            )
            .await;
        }
    };
    if let Err(e) = check_new_password(&form.sandi) {
        return page(&state, &user, &form, Some(e.message()), None).await;
    }
    let hash = hash_password(form.sandi.clone()).await?;
    let created = state
        .service
        .create_user(
            &user.session.actor,
            NewUser {
                username: form.nama_pengguna.trim().to_string(),
                display_name: form.nama.clone(),
                role,
                scope,
                password_hash: Some(hash),
            },
        )
        .await;
    match created {
        Ok(u) => {
            page(
                &state,
                &user,
                &NewAccountForm::default(),
                None,
                Some(crate::lang::tf("Akun {} dibuat.", &[&u.username])),
            )
            .await
        }
        Err(
            e @ (siks_service::ServiceError::Invalid { .. }
            | siks_service::ServiceError::Conflict { .. }),
        ) => page(&state, &user, &form, Some(crate::lang::say(&e)), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    aktif: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id: UserId = id.parse().map_err(|_| WebError::NotFound)?;
    let active = form.aktif == "1";
    let done = state
        .service
        .set_user_active(&user.session.actor, id, active)
        .await;
    let notice = if active {
        "Akun diaktifkan."
    } else {
        "Akun dinonaktifkan; sesi-sesinya berakhir."
    };
    answer_act(&state, &user, done, notice).await
}

/// The accounts page after an act on an account: its notice, or the rule it broke.
async fn answer_act(
    state: &AppState,
    user: &PageUser,
    done: siks_service::Result<()>,
    notice: &str,
) -> Result<Response, WebError> {
    let (error, notice) = match done {
        Ok(()) => (None, Some(crate::lang::t(notice).to_string())),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => (Some(crate::lang::say(&e)), None),
        Err(e) => return Err(e.into()),
    };
    page(state, user, &NewAccountForm::default(), error, notice).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
}

/// A higher admin takes an account's second factor away (a lost phone): the account enrols
/// again at its next sign-in. Audited.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id: UserId = id.parse().map_err(|_| WebError::NotFound)?;
    let done = state
        .service
        .reset_second_factor(&user.session.actor, id)
        .await;
    answer_act(
        &state,
        &user,
        done,
        "Faktor kedua akun diatur ulang; sesi-sesinya berakhir dan akun mendaftar lagi saat masuk berikutnya.",
    )
    .await
}
