//! Who is asking: argon2id passwords (hashed off the async workers), the session cookie, the
//! extractors that turn a request into a signed-in session (or a redirect / 401), and CSRF checks.

use std::net::SocketAddr;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use siks_service::Session;

use crate::AppState;
use crate::error::{ApiError, WebError};

pub const SESSION_COOKIE: &str = "siks_sesi";
pub const LOGIN_CSRF_COOKIE: &str = "siks_csrf_masuk";
/// The names when cookies are Secure ([`crate::AppConfig::session_cookie`]).
pub const SECURE_SESSION_COOKIE: &str = "__Host-siks_sesi";
pub const SECURE_LOGIN_CSRF_COOKIE: &str = "__Host-siks_csrf_masuk";

/// argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum).
fn hasher() -> Result<Argon2<'static>, WebError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| WebError::Internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, WebError> {
    in_hash_slot(move || {
        hasher()?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| WebError::Internal(format!("argon2 hash: {e}")))
    })
    .await
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> Result<bool, WebError> {
    in_hash_slot(move || {
        Ok(hasher()?
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok())
    })
    .await
}

/// Password hashing at once: one argon2 run a core (each holds about 19 MiB for tens of
/// milliseconds), at most [`HASH_QUEUE_PER_CORE`] a core waiting for one; beyond that the caller
/// is told the server is busy (503 with `Retry-After`) rather than held in memory. 150 sign-ins
/// with made-up names at once took the server from 202 MB to 1,464 MB before this bound.
struct HashSlots {
    running: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    queue: usize,
}

/// Hashes waiting per core before a sign-in is answered busy.
pub const HASH_QUEUE_PER_CORE: usize = 8;

static HASH_SLOTS: std::sync::LazyLock<HashSlots> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    HashSlots {
        running: tokio::sync::Semaphore::new(cores),
        waiting: std::sync::atomic::AtomicUsize::new(0),
        queue: cores * HASH_QUEUE_PER_CORE,
    }
});

/// Runs `work` (a hash) on a blocking thread once a slot is free, or answers busy when the
/// queue is full.
async fn in_hash_slot<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    use std::sync::atomic::Ordering;
    /// One place in the queue, given back however the wait ends: a sign-in whose client goes
    /// away is dropped while it waits, and a place not given back would fill the queue for good.
    struct Waiting(&'static std::sync::atomic::AtomicUsize);
    impl Drop for Waiting {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let slots: &'static HashSlots = &HASH_SLOTS;
    let place = Waiting(&slots.waiting);
    if slots.waiting.fetch_add(1, Ordering::SeqCst) >= slots.queue {
        return Err(WebError::Busy);
    }
    let permit = slots.running.acquire().await;
    drop(place);
    let permit = permit.map_err(|e| WebError::Internal(format!("hash slots: {e}")))?;
    // The hash holds its slot until it ends, even when the sign-in is dropped meanwhile (the
    // blocking thread runs on): so no more hashes run at once than there are slots.
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| WebError::Internal(format!("hashing task: {e}")))?
}

/// The shortest password accepted (ASVS 2.1.1: at least 12 characters; no rule of composition,
/// ASVS 2.1.9).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Passwords leaked lists hold often (and an office's first picks), refused whatever their case.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Rules a new password must meet: at least [`MIN_PASSWORD_CHARS`] characters, not one character
/// over and over, and not a common password; the message says which.
pub fn check_new_password(password: &str) -> Result<(), WebError> {
    let refuse = |why: &str| Err(WebError::field("sandi_baru", crate::lang::t(why)));
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_PASSWORD_CHARS {
        return refuse("kata sandi baru minimal 12 karakter");
    }
    let lower = password.to_lowercase();
    let common = COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower);
    if common || chars.iter().all(|c| *c == chars[0]) {
        return refuse("kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain");
    }
    Ok(())
}

/// Seconds a throttled sign-in or code is told to wait: rounded up (told to wait 1 s for 1.5 s,
/// an honest retry would be refused again), at least one.
pub(crate) fn wait_seconds(wait: std::time::Duration) -> u128 {
    wait.as_millis().div_ceil(1000).max(1)
}

/// What a throttled sign-in or code is told, in the request's language.
pub(crate) fn wait_message(wait: std::time::Duration) -> String {
    crate::lang::tf(
        "Terlalu banyak percobaan masuk yang gagal; coba lagi setelah {} detik.",
        &[&wait_seconds(wait)],
    )
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, whole site; `Secure` behind HTTPS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: u64) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// The address a request came from (its client behind a trusted proxy, [`crate::rate`]), for
/// the audit log.
pub fn remote_addr(parts: &Parts) -> String {
    remote_addr_of(&parts.extensions)
}

/// [`remote_addr`] from a request's extensions.
pub fn remote_addr_of(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<crate::rate::ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "lokal".to_string())
}

/// The caller's address as an extractor.
pub struct RemoteAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RemoteAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RemoteAddr(remote_addr(parts)))
    }
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A signed-in person on a page route; without a session the page redirects to the login.
pub struct PageUser {
    pub session: Session,
    pub token: String,
    pub remote: String,
}

impl PageUser {
    /// Before a bulk export, a period's close or a programme rule change: a second factor given
    /// in the last five minutes, or a step-up to give one and come back to `back`. An account
    /// without a second factor (one its level asks none of) goes on.
    pub fn require_fresh_factor(&self, state: &AppState, back: &str) -> Result<(), WebError> {
        if self.session.factor.fresh_at(state.service.now()) {
            Ok(())
        } else {
            Err(WebError::StepUp(back.to_string()))
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if same_token(token, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(WebError::BadCsrf)
        }
    }
}

/// A session the access gate already looked up for this request, so that the extractor does not
/// look it up again.
#[derive(Clone)]
pub(crate) struct CheckedSession(pub Session, pub String);

/// The request's session and its token, if it has a live one; the user is named (by id) in the
/// request's log line.
pub(crate) async fn session_of(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(Session, String)>, WebError> {
    if let Some(CheckedSession(session, token)) = parts.extensions.get::<CheckedSession>() {
        crate::observe::note_user(session.actor.user_id);
        return Ok(Some((session.clone(), token.clone())));
    }
    let Some(token) = cookie(&parts.headers, state.config.session_cookie()) else {
        return Ok(None);
    };
    let session = state.service.session(&token, &state.config.policy).await?;
    if let Some(s) = &session {
        crate::observe::note_user(s.actor.user_id);
    }
    Ok(session.map(|s| (s, token)))
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await {
            Ok(Some((mut session, token))) => {
                let remote = remote_addr(parts);
                session.actor = session.actor.from_origin(remote.clone());
                Ok(PageUser {
                    session,
                    token,
                    remote,
                })
            }
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                // A session that waits for its second factor goes to give it; none signs in.
                let token = cookie(&parts.headers, state.config.session_cookie());
                let waiting = match token {
                    Some(token) => state
                        .service
                        .any_session(&token, &state.config.policy)
                        .await
                        .ok()
                        .flatten()
                        .is_some(),
                    None => false,
                };
                let target = if waiting {
                    crate::second_factor::code_page(next)
                } else {
                    format!("/masuk?lanjut={}", urlencode(next))
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Marks a request whose caller is a bearer token rather than a session.
#[derive(Clone, Copy)]
pub(crate) struct ViaToken;

/// The token of `Authorization: Bearer TOKEN`, if the request carries one.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A signed-in caller of `/api/v1`; without a session the answer is 401 JSON.
pub struct ApiUser {
    pub session: Session,
    /// Called with a bearer token, not a browser's session: no CSRF applies (no cookie is sent
    /// by a browser on its own), and no second factor can be asked.
    pub via_token: bool,
}

impl ApiUser {
    /// A close or another act that asks a fresh second factor: a session's given in the last
    /// five minutes (else 403 `second_factor_needed`); never a token's.
    pub fn require_fresh_factor(&self, state: &AppState) -> Result<(), WebError> {
        if self.via_token {
            return Err(WebError::Forbidden);
        }
        if self.session.factor.fresh_at(state.service.now()) {
            Ok(())
        } else {
            Err(WebError::StepUp("/".into()))
        }
    }

    /// State-changing API calls carry the session's CSRF token in `X-CSRF-Token` (a bearer
    /// token's calls need none).
    pub fn check_csrf(&self, headers: &HeaderMap) -> Result<(), WebError> {
        if self.via_token {
            return Ok(());
        }
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if same_token(sent, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(WebError::BadCsrf)
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await? {
            Some((mut session, _)) => {
                session.actor = session.actor.from_origin(remote_addr(parts));
                Ok(ApiUser {
                    session,
                    via_token: parts.extensions.get::<ViaToken>().is_some(),
                })
            }
            None => Err(ApiError(WebError::Unauthenticated)),
        }
    }
}

/// Percent-encodes a text for a query value.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only a local path may be a redirect target after login (no `//host` or scheme).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Whether `path` is a path of this site: it starts with one `/`, and holds no backslash, no
/// space and no control character (a browser drops a tab or a newline, so `/\t/evil.example`
/// would become `//evil.example`, another site).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashing slots are the process's own: the test that fills their queue on purpose and
    /// the tests that hash take turns (run side by side, a hash was answered busy: a CI run
    /// failed so).
    static HASH_SLOTS_IN_USE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    #[tokio::test]
    async fn passwords_hash_as_argon2id_and_verify() {
        let _turn = HASH_SLOTS_IN_USE.lock().await;
        let hash = hash_password("rahasia-12345".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("rahasia-12345".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("salah".into(), hash).await.unwrap());
        assert!(
            !verify_password("x".into(), "not a hash".into())
                .await
                .unwrap()
        );
    }

    /// A sign-in dropped while it waits for a hashing slot (its client went away) gives its
    /// place in the queue back: otherwise the queue would fill for good and every sign-in
    /// after would be answered busy.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sign_in_dropped_while_it_waits_gives_its_place_back() {
        let _turn = HASH_SLOTS_IN_USE.lock().await;
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
        let waits =
            std::thread::available_parallelism().map_or(1, |n| n.get()) * HASH_QUEUE_PER_CORE * 4;
        let dropped = futures_util::future::join_all((0..waits).map(|_| {
            tokio::time::timeout(
                std::time::Duration::ZERO,
                verify_password("salah".into(), hash.into()),
            )
        }))
        .await;
        assert!(
            dropped.iter().any(|d| d.is_err()),
            "some were dropped waiting"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            verify_password("salah".into(), hash.into()).await.is_ok(),
            "the queue is free again"
        );
    }

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(
            safe_next(Some("/rumah-tangga?q=siti")),
            "/rumah-tangga?q=siti"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        // A browser drops a tab or a newline: these would become //evil.example.
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(urlencode("/a b?c=d"), "/a%20b%3Fc%3Dd");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(check_new_password("pendek1").is_err());
        assert!(check_new_password("cukup-panjang-2026").is_ok());
        // The landed rule accepted ten characters of letters and digits.
        assert!(check_new_password("password12").is_err());
        assert!(
            check_new_password("Password1234").is_err(),
            "common, whatever its case"
        );
        assert!(check_new_password("Bismillah123").is_err());
        assert!(check_new_password("aaaaaaaaaaaaaaa").is_err());
        assert!(
            check_new_password("kuda lumping di pasar").is_ok(),
            "a phrase of words"
        );
    }
}
