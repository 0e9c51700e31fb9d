//! Spreadsheet downloads: the lists the pages show (households, members by name by address,
//! findings, proposals, period comparisons) of a region in the user's scope, as XLSX or CSV,
//! written row by row to a temporary file and streamed from there, so a province never sits in
//! memory; and the upload templates. Uploads are [`crate::upload`]'s.

use axum::body::Body;
use axum::extract::State;

use crate::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::disclosure::{ExportNumbers, RevealPurpose};
use siks_service::export::{ExportError, ExportList};
use siks_sheets::{Format, SheetWriter};
use tokio::io::AsyncReadExt;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    wilayah: Option<String>,
    /// The periods of `perbandingan`.
    sebelum: Option<String>,
    sesudah: Option<String>,
    /// `anggota`: NIK and No KK whole (`1`), for `tujuan` (a purpose's key); masked otherwise.
    lengkap: Option<String>,
    tujuan: Option<String>,
}

/// How the members' list gives its numbers, as the download page asked.
fn numbers_asked(q: &ExportQuery) -> Result<ExportNumbers, WebError> {
    if q.lengkap
        .as_deref()
        .is_none_or(|l| l.is_empty() || l == "0")
    {
        return Ok(ExportNumbers::Masked);
    }
    RevealPurpose::parse(q.tujuan.as_deref().unwrap_or(""))
        .map(ExportNumbers::Full)
        .map_err(|e| WebError::field("tujuan", crate::lang::say(&e)))
}

#[derive(askama::Template)]
#[template(path = "export_members.html")]
struct MembersDownloadPage {
    nav: Option<crate::pages::Nav>,
    region: String,
    /// Whether the role may have NIK and No KK whole.
    full_allowed: bool,
    purposes: Vec<(&'static str, &'static str)>,
}

/// `GET /ekspor/anggota`: the members' download page, with the law's warning, the choice of
/// masked or whole numbers and, for whole numbers, the purpose.
async fn members_page(user: &PageUser, q: &ExportQuery) -> Result<Response, WebError> {
    if !user
        .session
        .actor
        .may(siks_domain::Action::ExportPersonalData)
    {
        return Err(WebError::Forbidden);
    }
    crate::pages::render(MembersDownloadPage {
        nav: crate::pages::Nav::of(user),
        region: q.wilayah.clone().unwrap_or_default(),
        full_allowed: user.session.actor.role.may_export_full_numbers(),
        purposes: crate::reveal::purposes(),
    })
    .map(IntoResponse::into_response)
}

/// `GET /ekspor/{list}.{xlsx|csv}?wilayah=CODE`.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    uri: axum::http::Uri,
    Path(file): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let region = match q.wilayah.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => Some(
            siks_domain::RegionCode::parse_known(w)
                .map_err(|e| WebError::field("wilayah", siks_domain::Bilingual::indonesian(&e)))?,
        ),
        None => None,
    };
    if file == "anggota" {
        return members_page(&user, &q).await;
    }
    // A list of persons is a bulk export: a fresh second factor first (a step-up and back).
    user.require_fresh_factor(&state, &original_uri(&uri))?;
    if let Some(("perbandingan", extension)) = file.rsplit_once('.') {
        let format = Format::parse(extension).ok_or(WebError::NotFound)?;
        return comparison(&state, &user, &q, region, format).await;
    }
    let (list, format) = file
        .rsplit_once('.')
        .and_then(|(l, e)| Some((ExportList::from_key(l)?, Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let temp = tempfile::Builder::new()
        .prefix("siks-ekspor-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    let mut sheet = SheetWriter::create(format, temp.path(), list.sheet_name(), &list.labels())
        .map_err(|e| WebError::Internal(e.english()))?;
    let written = state
        .service
        .export(
            &user.session.actor,
            list,
            region.as_ref(),
            numbers_asked(&q)?,
            |cells| sheet.row(cells),
        )
        .await;
    match written {
        Ok(_) => {}
        Err(ExportError::Store(e)) => return Err(e.into()),
        Err(ExportError::Sink(e)) => return Err(WebError::invalid(e.to_string())),
    }
    send_sheet(sheet, temp, list.key(), region.as_ref(), format).await
}

/// Finishes a sheet written to `temp` and sends it as `{stem}-{region}.{ext}`.
pub(crate) async fn send_sheet(
    sheet: SheetWriter,
    temp: tempfile::NamedTempFile,
    stem: &str,
    region: Option<&siks_domain::RegionCode>,
    format: Format,
) -> Result<Response, WebError> {
    sheet
        .finish()
        .map_err(|e| WebError::Internal(e.english()))?;
    // Open, then let the name go: the open handle keeps the data until the stream ends.
    let file = tokio::fs::File::open(temp.path())
        .await
        .map_err(|e| WebError::Internal(format!("reopen export: {e}")))?;
    drop(temp);
    let name = format!(
        "{stem}-{}.{}",
        region
            .map(|r| r.as_str().replace('.', ""))
            .unwrap_or_else(|| "semua".into()),
        format.extension()
    );
    Ok(attachment(file, &name, format.content_type()))
}

/// `GET /ekspor/perbandingan.{xlsx|csv}?sebelum=P&sesudah=P&wilayah=CODE`: two closed periods
/// compared for the region and each region one level down (counts, no person: a small sheet).
async fn comparison(
    state: &AppState,
    user: &PageUser,
    q: &ExportQuery,
    region: Option<siks_domain::RegionCode>,
    format: Format,
) -> Result<Response, WebError> {
    use siks_domain::workflow::Period;
    let period = |field: &str, text: Option<&str>| {
        Period::parse(text.unwrap_or(""))
            .map_err(|e| WebError::field(field, siks_domain::Bilingual::indonesian(&e)))
    };
    let before = period("sebelum", q.sebelum.as_deref())?;
    let after = period("sesudah", q.sesudah.as_deref())?;
    let all = state
        .service
        .compare_periods_by_region(&user.session.actor, region.as_ref(), before, after)
        .await?;
    let temp = tempfile::Builder::new()
        .prefix("siks-perbandingan-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    let labels = all.labels();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut sheet = SheetWriter::create(format, temp.path(), "Perbandingan", &labels)
        .map_err(|e| WebError::Internal(e.english()))?;
    for row in all.rows() {
        sheet
            .row(&row)
            .map_err(|e| WebError::Internal(e.english()))?;
    }
    send_sheet(
        sheet,
        temp,
        &format!("perbandingan-{before}-{after}"),
        region.as_ref(),
        format,
    )
    .await
}

/// A file sent as a download, 64 KiB at a time.
pub(crate) fn attachment(file: tokio::fs::File, name: &str, content_type: &str) -> Response {
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

/// `GET /templat/{kind}.{xlsx|csv}`: an upload template (see `siks_sheets::templates`).
pub async fn template(_user: PageUser, Path(file): Path<String>) -> Result<Response, WebError> {
    use siks_sheets::templates::TemplateKind;
    let (kind, format) = file
        .rsplit_once('.')
        .and_then(|(k, e)| Some((TemplateKind::from_key(k)?, Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let temp = tempfile::Builder::new()
        .prefix("siks-templat-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    siks_sheets::write_template(format, temp.path(), &kind.sheets())
        .map_err(|e| WebError::Internal(e.english()))?;
    // A template is small: read whole.
    let bytes = tokio::fs::read(temp.path())
        .await
        .map_err(|e| WebError::Internal(format!("read template: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"templat-{}.{}\"",
                    kind.key(),
                    format.extension()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The path and query a request asked for, to come back to after a step-up.
pub(crate) fn original_uri(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}
