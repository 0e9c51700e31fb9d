//! The extractors every handler reads its input with. axum's own `Form`, `Query` and `Path`
//! answer bad input with an English plain-text 400; these answer with the layout's Indonesian
//! error page (pages) or the JSON error (`/api/v1`), both carrying the request id. axum's three
//! are disallowed in handlers by `clippy.toml`, so no handler can slip back to them.
#![allow(clippy::disallowed_types)]

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, WebError};

/// A page form's fields (`application/x-www-form-urlencoded`, or the query of a GET form).
pub struct Form<T>(pub T);

/// A page's query string.
pub struct Query<T>(pub T);

/// A page's path parameters.
pub struct Path<T>(pub T);

/// An API route's path parameters.
pub struct ApiPath<T>(pub T);

/// An API route's query string.
pub struct ApiQuery<T>(pub T);

/// An API route's JSON body (unknown fields, wrong types, too large, not JSON: the JSON error).
pub struct ApiJson<T>(pub T);

/// What serde said, without axum's English lead-in.
fn without_lead_in(text: String) -> String {
    match text.split_once(": ") {
        Some((lead, rest)) if lead.starts_with("Failed to") => rest.to_string(),
        _ => text,
    }
}

/// What serde said, without axum's English lead-in, and in Indonesian where it is one of the
/// usual complaints (the field it names stays as it was).
fn detail(text: String) -> String {
    let text = without_lead_in(text);
    const USUAL: [(&str, &str); 6] = [
        ("invalid digit found in string", "harus berupa angka"),
        (
            "cannot parse integer from empty string",
            "harus berupa angka",
        ),
        (
            "number too large to fit in target type",
            "angkanya terlalu besar",
        ),
        ("missing field", "isian wajib tidak ada:"),
        ("unknown variant", "pilihan tidak dikenal:"),
        ("unknown field", "isian tidak dikenal:"),
    ];
    USUAL.iter().fold(text, |text, (english, indonesian)| {
        text.replace(english, indonesian)
    })
}

/// [`detail`] for a page, in the request's language: in English, serde's own words.
fn page_detail(text: String) -> String {
    if crate::lang::current() == crate::lang::Lang::English {
        without_lead_in(text)
    } else {
        detail(text)
    }
}

fn too_large() -> WebError {
    WebError::invalid(crate::lang::tf(
        "Isian terlalu besar (paling banyak {} KiB).",
        &[&(crate::BODY_LIMIT / 1024)],
    ))
}

fn form_error(e: FormRejection) -> WebError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => WebError::invalid(crate::lang::t(
            "Formulir harus dikirim dari halamannya (application/x-www-form-urlencoded).",
        )),
        _ => WebError::invalid(crate::lang::tf(
            "Isian formulir tidak dapat dibaca: {}.",
            &[&page_detail(e.body_text())],
        )),
    }
}

fn query_error(e: QueryRejection) -> WebError {
    WebError::invalid(crate::lang::tf(
        "Parameter alamat tidak dapat dibaca: {}.",
        &[&page_detail(e.body_text())],
    ))
}

/// A bad path: on a page in the request's language, on the API in Indonesian.
fn path_error(e: PathRejection, page: bool) -> WebError {
    if page {
        WebError::invalid(crate::lang::tf(
            "Alamat halaman tidak sah: {}.",
            &[&page_detail(e.body_text())],
        ))
    } else {
        WebError::invalid(format!(
            "Alamat halaman tidak sah: {}.",
            detail(e.body_text())
        ))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Form::<T>::from_request(req, state)
            .await
            .map(|f| Form(f.0))
            .map_err(form_error)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(query_error)
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| path_error(e, true))
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError(path_error(e, false)))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                ApiError(WebError::invalid(format!(
                    "parameter tidak sah: {}",
                    detail(e.body_text())
                )))
            })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e: JsonRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError(WebError::invalid(format!(
                        "isi permintaan terlalu besar (paling banyak {} KiB)",
                        crate::BODY_LIMIT / 1024
                    )))
                } else {
                    ApiError(WebError::invalid(format!(
                        "JSON tidak sah: {}",
                        detail(e.body_text())
                    )))
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::detail;

    #[test]
    fn axums_english_lead_in_is_dropped() {
        assert_eq!(
            detail("Failed to deserialize query string: unknown variant `x`".into()),
            "pilihan tidak dikenal: `x`"
        );
        assert_eq!(
            detail(
                "Failed to deserialize query string: halaman: invalid digit found in string".into()
            ),
            "halaman: harus berupa angka"
        );
        assert_eq!(detail("something else".into()), "something else");
    }
}
