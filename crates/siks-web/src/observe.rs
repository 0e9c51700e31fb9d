//! Observability: a request id on every request (in each log line, on the error page, in the
//! JSON error and in the `x-request-id` header, so that a user can quote it), one log line per
//! request, and the Prometheus counters behind `/metrics`.
//!
//! Logs never carry a NIK, a name, a password or a session token: the request line names the
//! route template (`/rumah-tangga/{id}`), never the path or query a person typed, the user is
//! named by id, and an internal cause has every long run of digits masked before it is logged.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use tracing::Instrument;

use crate::AppState;
use crate::error::WebError;

/// The header that carries a request's id back to the client.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the handlers of one request share with the request's log line.
struct RequestContext {
    id: String,
    user: Mutex<Option<String>>,
}

tokio::task_local! {
    static CONTEXT: Arc<RequestContext>;
}

/// The id of the request being served, if any (outside a request, e.g. in a CLI: none).
pub fn request_id() -> Option<String> {
    CONTEXT.try_with(|c| c.id.clone()).ok()
}

/// Names the signed-in user (by id) in this request's log line.
pub(crate) fn note_user(user_id: impl std::fmt::Display) {
    let _ = CONTEXT.try_with(|c| {
        if let Ok(mut user) = c.user.lock() {
            *user = Some(user_id.to_string());
        }
    });
}

/// A fresh request id: twelve hexadecimal characters, short enough to read out over the phone,
/// and never a run of sixteen digits that a log scan would take for a NIK.
fn new_request_id() -> String {
    let n: u64 = rand::rng().random::<u64>() & 0xffff_ffff_ffff;
    format!("{n:012x}")
}

/// Masks every run of eight or more digits (see [`siks_domain::message::mask_digits`]).
pub use siks_domain::message::mask_digits;

/// The outermost middleware: gives the request its id, runs it inside a span that carries the
/// id, writes the request's one log line and counts it for `/metrics`.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = new_request_id();
    let method = req.method().clone();
    // The template, never the path: a path or query may hold a NIK or a name.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(tidak dikenal)".to_owned());
    let context = Arc::new(RequestContext {
        id: id.clone(),
        user: Mutex::new(None),
    });
    let span = tracing::info_span!("request", id = %id);
    let started = Instant::now();
    let mut response = CONTEXT
        .scope(context.clone(), next.run(req).instrument(span.clone()))
        .await;
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status();
    let user = context
        .user
        .lock()
        .ok()
        .and_then(|u| u.clone())
        .unwrap_or_else(|| "-".to_owned());
    span.in_scope(|| {
        tracing::info!(
            target: "siks_web::request",
            method = %method,
            route = %route,
            status = status.as_u16(),
            duration_ms = (elapsed.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            user = %user,
            "request"
        );
    });
    state.metrics.observe(&method, &route, status, elapsed);
    response
}

/// Runs a long call (a check run, a close, a dry run over the register) on a blocking thread,
/// under this request's id and span: its CPU work (linkage, rules, dedupe) then never occupies
/// one of the few async workers that answer every other request (this machine has two).
pub async fn off_workers<F>(work: F) -> Result<F::Output, WebError>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let running = spawn_off_workers(work);
    running
        .await
        .map_err(|e| WebError::Internal(format!("blocking task failed: {e}")))
}

/// Starts `work` on a blocking thread (under the request's id and span, if any), at the
/// priority of requests: what a person waits for (see [`spawn_background_job`] for what they
/// do not).
fn spawn_off_workers<F>(work: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    let context = CONTEXT.try_with(Arc::clone).ok();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let work = work.instrument(span);
        match context {
            Some(context) => runtime.block_on(CONTEXT.scope(context, work)),
            None => runtime.block_on(work),
        }
    })
}

/// Starts `work` as a background job (an upload's checking, a job of the job page) on a thread
/// of its own at bulk work's lower CPU priority (`siks_service::background`), under the
/// request's id and span: on two cores the pages of the people waiting go first. A thread of
/// its own because a thread's priority cannot be raised back: a pooled one would serve requests
/// at the lower priority afterwards. The job runs whether or not its end is waited for.
pub fn spawn_background_job<F>(work: F) -> BackgroundJob<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    let context = CONTEXT.try_with(Arc::clone).ok();
    let span = tracing::Span::current();
    let (done, output) = tokio::sync::oneshot::channel();
    let started = std::thread::Builder::new()
        .name("siks-job".into())
        .spawn(move || {
            siks_service::background::lower_this_thread();
            let work = work.instrument(span);
            let result = match context {
                Some(context) => runtime.block_on(CONTEXT.scope(context, work)),
                None => runtime.block_on(work),
            };
            let _ = done.send(result);
        })
        .map(drop);
    BackgroundJob { started, output }
}

/// A job started by [`spawn_background_job`].
pub struct BackgroundJob<T> {
    started: std::io::Result<()>,
    output: tokio::sync::oneshot::Receiver<T>,
}

impl<T> BackgroundJob<T> {
    /// The job's output once it ends; an error if its thread could not start or it panicked.
    pub async fn end(self) -> Result<T, WebError> {
        self.started
            .map_err(|e| WebError::Internal(format!("job thread not started: {e}")))?;
        self.output
            .await
            .map_err(|_| WebError::Internal("background job stopped before its end".into()))
    }
}

/// Latency buckets of the request histogram, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    /// Observations at or under each of [`BUCKETS`] (not cumulative here; summed on output).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Requests and their latency per route, since the server started.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &Method, route: &str, status: StatusCode, elapsed: Duration) {
        let method = method_label(method);
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status.as_u16()))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let h = latency
                .entry((method.to_owned(), route.to_owned()))
                .or_default();
            let secs = elapsed.as_secs_f64();
            if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
                h.buckets[i] += 1;
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    /// The Prometheus text exposition: requests and latency per route, jobs by kind and state.
    pub fn render(&self, jobs: &[(String, String, u64)]) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP siks_http_requests_total Requests answered, by method, route template and status.\n\
             # TYPE siks_http_requests_total counter\n",
        );
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "siks_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    label(method),
                    label(route)
                );
            }
        }
        out.push_str(
            "# HELP siks_http_request_duration_seconds Time to answer a request, by method and route template.\n\
             # TYPE siks_http_request_duration_seconds histogram\n",
        );
        if let Ok(latency) = self.latency.lock() {
            for ((method, route), h) in latency.iter() {
                let (method, route) = (label(method), label(route));
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "siks_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "siks_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"+Inf\"}} {}\n\
                     siks_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {}\n\
                     siks_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\"}} {}",
                    h.count, h.sum, h.count
                );
            }
        }
        out.push_str(
            "# HELP siks_jobs Background jobs this server holds, by kind and state.\n\
             # TYPE siks_jobs gauge\n",
        );
        for (kind, state, n) in jobs {
            let _ = writeln!(
                out,
                "siks_jobs{{kind=\"{}\",state=\"{}\"}} {n}",
                label(kind),
                label(state)
            );
        }
        out
    }
}

/// A method as counted: the standard ones by name, anything else as `OTHER`, so that a client
/// inventing methods cannot grow the counters without end (routes are bounded by the table).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// A label value with Prometheus's three escapes.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Whether the request came straight from this machine: from a loopback address and not
/// forwarded by a proxy (which would make every visitor look local).
fn from_loopback(req: &axum::http::request::Parts) -> bool {
    let direct =
        !req.headers.contains_key("x-forwarded-for") && !req.headers.contains_key("forwarded");
    direct
        && req
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .is_some_and(|c| match c.0.ip() {
                IpAddr::V4(ip) => ip.is_loopback(),
                IpAddr::V6(ip) => ip.is_loopback(),
            })
}

/// `GET /metrics`: the Prometheus text, for an admin's session or a scraper on this machine;
/// anyone else is answered 404.
pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    if !from_loopback(&parts) {
        // Anyone else finds nothing here, as with anything out of their reach.
        match crate::auth::session_of(&parts, &state).await {
            Ok(Some((session, _))) if session.actor.role == siks_domain::Role::Admin => {}
            Ok(_) => return WebError::NotFound.into_response(),
            Err(e) => return e.into_response(),
        }
    }
    let mut jobs: Vec<(String, String, u64)> = state
        .uploads
        .counts_by_state()
        .into_iter()
        .map(|(kind, state, n)| (format!("upload-{kind}"), state.to_string(), n as u64))
        .collect();
    match state.service.job_counts().await {
        Ok(counts) => jobs.extend(
            counts
                .into_iter()
                .map(|(kind, state, n)| (kind, state.key().to_string(), n)),
        ),
        Err(e) => return WebError::from(e).into_response(),
    }
    let body = state.metrics.render(&jobs);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_short_and_never_sixteen_digits() {
        for _ in 0..1000 {
            let id = new_request_id();
            assert_eq!(id.len(), 12);
            assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn metrics_render_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe(
            &Method::GET,
            "/rumah-tangga/{id}",
            StatusCode::OK,
            Duration::from_millis(3),
        );
        m.observe(
            &Method::GET,
            "/rumah-tangga/{id}",
            StatusCode::NOT_FOUND,
            Duration::from_millis(30),
        );
        let text = m.render(&[("upload-perbaikan".into(), "running".into(), 1)]);
        assert!(text.contains(
            "siks_http_requests_total{method=\"GET\",route=\"/rumah-tangga/{id}\",status=\"200\"} 1"
        ));
        assert!(text.contains(
            "siks_http_request_duration_seconds_bucket{method=\"GET\",route=\"/rumah-tangga/{id}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "siks_http_request_duration_seconds_bucket{method=\"GET\",route=\"/rumah-tangga/{id}\",le=\"0.05\"} 2"
        ));
        assert!(text.contains(
            "siks_http_request_duration_seconds_count{method=\"GET\",route=\"/rumah-tangga/{id}\"} 2"
        ));
        assert!(text.contains("siks_jobs{kind=\"upload-perbaikan\",state=\"running\"} 1"));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
        let made_up = Method::from_bytes(b"FOO1").unwrap();
        m.observe(
            &made_up,
            "/",
            StatusCode::METHOD_NOT_ALLOWED,
            Duration::ZERO,
        );
        let text = m.render(&[]);
        assert!(text.contains("method=\"OTHER\",route=\"/\",status=\"405\""));
        assert!(!text.contains("FOO1"));
    }
}
