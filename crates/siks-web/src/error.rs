//! The web layer's errors: one enum, rendered as an Indonesian HTML page on page routes and as
//! `{"error": {"code", "message", "fields"}}` on `/api/v1`. Internal causes are logged once and
//! never shown.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use siks_domain::Bilingual;
use siks_service::ServiceError;

/// What went wrong, as far as the person asking needs to know.
#[derive(Debug)]
pub enum WebError {
    /// Not there, or not yours: both answer 404.
    NotFound,
    /// Signed in, but the role may not do this.
    Forbidden,
    /// Not signed in.
    Unauthenticated,
    /// A form or token that does not belong to this session.
    BadCsrf,
    /// Input that breaks a rule, with per-field messages when known.
    Invalid {
        message: String,
        fields: Vec<(String, String)>,
    },
    /// The record changed meanwhile.
    Conflict(String),
    /// Too many attempts.
    TooMany(String),
    /// Past a rate limit ([`crate::rate`]): of this client, or of every client together.
    RateLimited { wait_secs: u64, overall: bool },
    /// More work than the server takes at once (password hashing): try again in a moment
    /// (answered 503 with `Retry-After`).
    Busy,
    /// An act that asks a fresh second factor (a bulk export, a close, a rule change): a page
    /// is sent to give it and come back to this path; the API answers 403.
    StepUp(String),
    /// A bearer token that opens nothing (unknown, expired, revoked), with why (401).
    TokenRefused(String),
    /// A failure of ours; the cause is logged, not shown.
    Internal(String),
}

impl WebError {
    pub fn invalid(message: impl Into<String>) -> WebError {
        WebError::Invalid {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> WebError {
        let message = message.into();
        WebError::Invalid {
            message: format!("{field}: {message}"),
            fields: vec![(field.to_string(), message)],
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::BadCsrf | WebError::StepUp(_) => StatusCode::FORBIDDEN,
            WebError::Unauthenticated | WebError::TokenRefused(_) => StatusCode::UNAUTHORIZED,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooMany(_) | WebError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::Forbidden => "forbidden",
            WebError::Unauthenticated => "unauthenticated",
            WebError::TokenRefused(_) => "token_refused",
            WebError::BadCsrf => "bad_csrf",
            WebError::StepUp(_) => "second_factor_needed",
            WebError::Invalid { .. } => "invalid",
            WebError::Conflict(_) => "conflict",
            WebError::TooMany(_) | WebError::RateLimited { .. } => "too_many_requests",
            WebError::Busy => "busy",
            WebError::Internal(_) => "internal",
        }
    }

    /// The Indonesian message shown to the person.
    pub fn message(&self) -> String {
        match self {
            WebError::NotFound => "Data tidak ditemukan.".into(),
            WebError::Forbidden => "Peran Anda tidak berwenang membuka halaman ini.".into(),
            WebError::Unauthenticated => "Silakan masuk terlebih dahulu.".into(),
            WebError::BadCsrf => {
                "Formulir kedaluwarsa atau bukan dari sesi ini. Muat ulang halaman lalu coba lagi."
                    .into()
            }
            WebError::Invalid { message, .. }
            | WebError::Conflict(message)
            | WebError::TooMany(message)
            | WebError::TokenRefused(message) => message.clone(),
            WebError::Busy => "Server sedang sibuk; coba lagi sebentar lagi.".into(),
            WebError::StepUp(_) => "Tindakan ini meminta faktor kedua yang diberikan dalam lima menit terakhir; berikan kodenya di halaman /masuk/kode lalu ulangi.".into(),
            WebError::RateLimited { wait_secs, overall } => {
                rate_message(*overall).replace("{}", &wait_secs.to_string())
            }
            WebError::Internal(_) => {
                "Terjadi kesalahan pada sistem. Coba lagi; bila berulang, hubungi admin.".into()
            }
        }
    }

    /// Adds `Retry-After` to the answer of a busy server or a rate limit: seconds to wait
    /// before trying again.
    fn with_retry_after(&self, mut response: Response) -> Response {
        let wait = match self {
            WebError::Busy => axum::http::HeaderValue::from_static("2"),
            WebError::RateLimited { wait_secs, .. } => axum::http::HeaderValue::from(*wait_secs),
            _ => return response,
        };
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, wait);
        response
    }

    /// The message for a page, in the request's language (the API keeps [`WebError::message`]).
    /// A rule's message was put in the request's language where it was made.
    pub(crate) fn page_message(&self) -> String {
        match self {
            WebError::Invalid { message, .. }
            | WebError::Conflict(message)
            | WebError::TooMany(message) => message.clone(),
            WebError::RateLimited { wait_secs, overall } => {
                crate::lang::tf1(rate_message(*overall), wait_secs)
            }
            fixed => crate::lang::t(&fixed.message()).to_string(),
        }
    }

    /// Logs an internal cause once, inside the request's span (so with its id), long digit runs
    /// masked; the person sees only the message and the request id.
    fn log(&self) {
        if let WebError::Internal(cause) = self {
            tracing::error!(cause = %crate::observe::mask_digits(cause), "internal error");
        }
    }

    /// The JSON form, for `/api/v1`.
    pub fn into_api(self) -> Response {
        self.log();
        let fields: serde_json::Map<String, serde_json::Value> = match &self {
            WebError::Invalid { fields, .. } => {
                fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
            }
            _ => Default::default(),
        };
        let mut error = json!({ "code": self.code(), "message": self.message(), "fields": fields });
        if let Some(id) = crate::observe::request_id() {
            error["request_id"] = json!(id);
        }
        let body = json!({ "error": error });
        self.with_retry_after((self.status(), Json(body)).into_response())
    }
}

/// A rate limit's message (one place `{}` for the seconds).
fn rate_message(overall: bool) -> &'static str {
    if overall {
        "Server sedang menerima terlalu banyak permintaan; coba lagi dalam {} detik."
    } else {
        "Terlalu banyak permintaan dari alamat Anda; coba lagi dalam {} detik."
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::Forbidden(_) => WebError::Forbidden,
            ServiceError::Stale { .. } | ServiceError::Conflict { .. } => {
                WebError::Conflict(crate::lang::say(&e))
            }
            ServiceError::Invalid { .. } => WebError::invalid(crate::lang::say(&e)),
            busy if busy.is_busy() => WebError::Busy,
            other => WebError::Internal(other.english()),
        }
    }
}

#[derive(Template, Clone)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    /// The layout's menu, when the request came from a signed-in session (`with_menu`).
    nav: Option<crate::pages::Nav>,
    status: u16,
    message: String,
    /// The request's id, to quote to the helpdesk (its log line carries the same).
    request_id: Option<String>,
}

impl ErrorPage {
    fn html(&self) -> String {
        self.render()
            .unwrap_or_else(|_| format!("<h1>{}</h1>", crate::lang::t("Kesalahan")))
    }
}

/// The HTML form, for pages. The page is drawn without the menu (an error knows nothing of
/// the session) and kept with the response, so that `with_menu` can draw it again with the
/// signed-in user's menu.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::StepUp(back) = &self {
            return axum::response::Redirect::to(&crate::second_factor::code_page(back))
                .into_response();
        }
        self.log();
        let page = ErrorPage {
            nav: None,
            status: self.status().as_u16(),
            message: self.page_message(),
            request_id: crate::observe::request_id(),
        };
        let mut response =
            self.with_retry_after((self.status(), Html(page.html())).into_response());
        response.extensions_mut().insert(page);
        response
    }
}

/// Draws a page's error again inside the layout with the signed-in user's menu, so that
/// whoever lands on it can go on from there; without a session it stays as it was.
pub(crate) async fn with_menu(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let token = crate::auth::cookie(request.headers(), state.config.session_cookie());
    let response = next.run(request).await;
    let (Some(page), Some(token)) = (response.extensions().get::<ErrorPage>(), token) else {
        return response;
    };
    let Ok(Some(session)) = state.service.session(&token, &state.config.policy).await else {
        return response;
    };
    let page = ErrorPage {
        nav: crate::pages::Nav::of_session(&session),
        ..page.clone()
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(page.html()))
}

/// Audits every request a signed-in user is refused (403) or answered not found (404): trying
/// other regions' ids shows in the log as it happens (a foreign id answers exactly like a
/// missing one, so both are kept). A failure to audit is logged, not shown: the answer was a
/// refusal already.
pub(crate) async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let token = crate::auth::cookie(request.headers(), state.config.session_cookie());
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let (parts, body) = request.into_parts();
    let remote = crate::auth::remote_addr(&parts);
    let response = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    let status = response.status();
    let refused = status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND;
    let Some(token) = token.filter(|_| refused) else {
        return response;
    };
    if let Ok(Some(session)) = state.service.session(&token, &state.config.policy).await {
        let actor = session.actor.from_origin(remote);
        if let Err(e) = state
            .service
            .audit_refused(&actor, &method, &path, status.as_u16())
            .await
        {
            tracing::error!(error = %e, "refusal not audited");
        }
    }
    response
}

/// An API handler's error: the same enum, answered as JSON.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_api()
    }
}
