//! Spreadsheets on the pages. Downloads: the lists the pages show (households, members by name
//! by address, findings) of a region in the user's scope, as XLSX or CSV, written row by row to
//! a temporary file and streamed from there, so a province never sits in memory; and the upload
//! templates. Upload: member corrections, with the report by cell on the page.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_sheets::{Format, SheetWriter};
use siks_store::export::{ExportError, ExportList};
use tokio::io::AsyncReadExt;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    wilayah: Option<String>,
}

/// `GET /ekspor/{list}.{xlsx|csv}?wilayah=CODE`.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let (list, format) = file
        .rsplit_once('.')
        .and_then(|(l, e)| Some((ExportList::from_key(l)?, Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let region = match q.wilayah.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => Some(
            siks_domain::RegionCode::parse_known(w)
                .map_err(|e| WebError::field("wilayah", siks_domain::Bilingual::indonesian(&e)))?,
        ),
        None => None,
    };
    let temp = tempfile::Builder::new()
        .prefix("siks-ekspor-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    let mut sheet = SheetWriter::create(format, temp.path(), list.sheet_name(), &list.labels())
        .map_err(|e| WebError::Internal(e.english()))?;
    let written = state
        .store
        .export(&user.session.actor, list, region.as_ref(), |cells| {
            sheet.row(cells)
        })
        .await;
    match written {
        Ok(_) => {}
        Err(ExportError::Store(e)) => return Err(e.into()),
        Err(ExportError::Sink(e)) => return Err(WebError::invalid(e.to_string())),
    }
    sheet
        .finish()
        .map_err(|e| WebError::Internal(e.english()))?;
    // Open, then let the name go: the open handle keeps the data until the stream ends.
    let file = tokio::fs::File::open(temp.path())
        .await
        .map_err(|e| WebError::Internal(format!("reopen export: {e}")))?;
    drop(temp);
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
    let name = format!(
        "{}-{}.{}",
        list.key(),
        region
            .as_ref()
            .map(|r| r.as_str().replace('.', ""))
            .unwrap_or_else(|| "semua".into()),
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
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

#[derive(askama::Template)]
#[template(path = "upload.html")]
struct UploadPage {
    nav: Option<crate::pages::Nav>,
    summary: Option<String>,
    warnings: Vec<String>,
    refusal: Option<String>,
    /// (sheet, row, column, value, reason).
    problems: Vec<(String, u32, String, String, String)>,
    /// (key, label, chosen).
    kinds: Vec<(&'static str, &'static str, bool)>,
}

pub async fn upload_form(user: PageUser) -> Result<axum::response::Html<String>, WebError> {
    crate::pages::render(upload_page(&user, "perbaikan"))
}

/// `POST /unggah`: a filled-in template (member corrections, removals, verivali results); the
/// report comes back on the page (422 when nothing was written).
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    use siks_store::uploads::UploadMode;
    let (form, file) =
        crate::workflow::read_multipart(multipart, "berkas", crate::LIST_BODY_LIMIT / 1024).await?;
    user.check_csrf(crate::pages::form_value(&form, "csrf"))?;
    let bytes = file.ok_or_else(|| WebError::field("berkas", "pilih berkas .xlsx atau .csv"))?;
    let name = crate::pages::form_value(&form, "berkas:name").to_string();
    let format = name
        .rsplit_once('.')
        .and_then(|(_, e)| Format::parse(e))
        .ok_or_else(|| WebError::field("berkas", "berkas harus .xlsx atau .csv"))?;
    let kind = crate::pages::form_value(&form, "jenis");
    let kind = if kind.is_empty() { "perbaikan" } else { kind };
    let mode = if crate::pages::form_value(&form, "sebagian") == "1" {
        UploadMode::ValidOnly
    } else {
        UploadMode::AllOrNothing
    };
    let mut page = upload_page(&user, kind);
    let outcome = run_upload(
        &state.store,
        &user.session.actor,
        kind,
        &bytes,
        format,
        mode,
        &format!("unggahan {name}"),
    )
    .await?;
    let written = match outcome {
        UploadOutcome::Refused(refusal) => {
            page.problems = refusal
                .cells()
                .iter()
                .map(|p| {
                    (
                        p.sheet.clone(),
                        p.row,
                        p.column.clone(),
                        p.value.clone(),
                        p.reason.clone(),
                    )
                })
                .collect();
            page.refusal = Some(format!("{refusal}; tidak ada yang disimpan"));
            false
        }
        UploadOutcome::Checked { report, sheet } => {
            page.warnings = sheet.warnings;
            page.problems = report
                .problems
                .iter()
                .map(|p| {
                    (
                        sheet.sheet.clone(),
                        p.row,
                        p.column.clone(),
                        p.value.clone(),
                        p.reason.clone(),
                    )
                })
                .collect();
            page.summary = Some(summary(kind, &report));
            if !report.written {
                page.refusal = Some(
                    "Tidak ada yang disimpan: perbaiki baris bermasalah, atau centang \"simpan baris yang sah\"."
                        .into(),
                );
            }
            report.written
        }
    };
    let html = crate::pages::render(page)?;
    Ok(if written {
        html.into_response()
    } else {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
    })
}

/// One line on what an upload did, as the page and the command print it.
pub fn summary(kind: &str, report: &siks_store::uploads::UploadReport) -> String {
    if kind == "hasil-verivali" {
        format!(
            "{} temuan diselesaikan, {} baris bermasalah",
            if report.written { report.unchanged } else { 0 },
            report.problems.len()
        )
    } else {
        format!(
            "{} usulan {} dibuat (draf), {} baris sama dengan register, {} sudah diusulkan, {} baris bermasalah",
            report.proposed.len(),
            if kind == "penghapusan" {
                "penghapusan"
            } else {
                "perbaikan"
            },
            report.unchanged,
            report.already_proposed,
            report.problems.len()
        )
    }
}

fn upload_page(user: &PageUser, kind: &str) -> UploadPage {
    UploadPage {
        nav: crate::pages::Nav::of(user),
        summary: None,
        warnings: Vec::new(),
        refusal: None,
        problems: Vec::new(),
        kinds: UPLOAD_KINDS
            .iter()
            .map(|(k, l)| (*k, *l, *k == kind))
            .collect(),
    }
}

/// The kinds of upload: the templates that can come back filled in.
pub const UPLOAD_KINDS: &[(&str, &str)] = &[
    ("perbaikan", "Perbaikan anggota"),
    ("perbaikan-ruta", "Perbaikan rumah tangga"),
    ("penghapusan", "Usulan penghapusan"),
    ("hasil-verivali", "Hasil verivali"),
];

/// What an upload came to: refused as a file, or checked row by row against the register.
pub enum UploadOutcome {
    Refused(siks_sheets::upload::Refusal),
    Checked {
        report: siks_store::uploads::UploadReport,
        sheet: siks_sheets::read::Table,
    },
}

/// Reads an upload of `kind` and hands its rows to the store (the page and `siks upload` both
/// come through here). `Err` only for an unknown kind or a store failure.
pub async fn run_upload(
    store: &siks_store::Store,
    actor: &siks_domain::Actor,
    kind: &str,
    bytes: &[u8],
    format: Format,
    mode: siks_store::uploads::UploadMode,
    note: &str,
) -> Result<UploadOutcome, WebError> {
    use siks_sheets::upload::{households_rows, member_rows, template_rows};
    use siks_store::uploads::{REMOVAL_COLUMNS, RESULT_COLUMNS, UploadRow};
    let read = match kind {
        "perbaikan" => member_rows(bytes, format),
        "perbaikan-ruta" => households_rows(bytes, format),
        "penghapusan" => template_rows(bytes, format, "Penghapusan", REMOVAL_COLUMNS),
        "hasil-verivali" => template_rows(bytes, format, "Hasil verivali", RESULT_COLUMNS),
        _ => {
            return Err(WebError::field(
                "jenis",
                "pilih perbaikan, perbaikan-ruta, penghapusan atau hasil-verivali",
            ));
        }
    };
    let rows = match read {
        Ok(rows) => rows,
        Err(refusal) => return Ok(UploadOutcome::Refused(refusal)),
    };
    let upload: Vec<UploadRow> = rows
        .rows()
        .into_iter()
        .map(|(row, cells)| UploadRow { row, cells })
        .collect();
    let report = match kind {
        "perbaikan" => {
            store
                .upload_person_corrections(actor, &upload, mode, note)
                .await?
        }
        "perbaikan-ruta" => {
            store
                .upload_household_corrections(actor, &upload, mode, note)
                .await?
        }
        "penghapusan" => store.upload_removals(actor, &upload, mode).await?,
        _ => store.upload_results(actor, &upload, mode).await?,
    };
    Ok(UploadOutcome::Checked {
        report,
        sheet: rows.table,
    })
}
