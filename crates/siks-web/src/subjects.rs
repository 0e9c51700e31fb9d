//! The data subject's report (UU 27/2022 Pasal 32) as an admin produces it: for a NIK, the
//! person's data, their household as they may see it, every change and proposal, and every
//! audited processing of their record, on a page and as an XLSX to hand over; a correction the
//! person asks for is recorded below the report into the village's queue (`citizens.rs`).

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::subject::person_fields;
use siks_domain::{Bilingual, Nik};
use siks_service::subjects::SubjectReport;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::Query;
use crate::lang::{t, tf1};
use crate::pages::{Nav, render};

#[derive(Deserialize, Default)]
pub struct SubjectQuery {
    #[serde(default)]
    nik: String,
    /// After a correction request was filed: its receipt code, or why it was refused.
    #[serde(default)]
    tanda_terima: String,
    #[serde(default)]
    koreksi_salah: String,
}

/// One line of a section of the report.
struct Line {
    cells: Vec<String>,
}

struct Section {
    id: &'static str,
    title: &'static str,
    header: Vec<&'static str>,
    lines: Vec<Line>,
    empty: &'static str,
}

#[derive(Template)]
#[template(path = "subject_report.html")]
struct SubjectPage {
    nav: Option<Nav>,
    nik: String,
    error: Option<String>,
    /// The person's name, their member page, and the sections.
    found: Option<(String, String, Vec<Section>)>,
    csrf: String,
    /// The person's id, for the correction request.
    person: String,
    receipt: Option<String>,
    correction_error: Option<String>,
}

/// The report's sections, as the page and the XLSX show them, in the reader's language.
fn sections(report: &SubjectReport) -> Vec<Section> {
    let person = &report.person.record;
    // Times in the household's own zone (WIB, WITA or WIT), as its pages show them.
    let zone = report.household.record.address.village.time_zone();
    vec![
        Section {
            id: "data-pribadi",
            title: "Data pribadi",
            header: vec!["Kolom", "Isi"],
            lines: person_fields(person)
                .into_iter()
                .map(|(label, value)| Line {
                    cells: vec![t(label).to_string(), t(&value).to_string()],
                })
                .collect(),
            empty: "",
        },
        Section {
            id: "anggota-lain",
            title: "Anggota rumah tangga lainnya (data spesifik disamarkan)",
            header: vec!["Nama", "Hubungan dengan kepala rumah tangga"],
            lines: report
                .co_members
                .iter()
                .map(|m| Line {
                    cells: vec![m.name.clone(), t(m.relation).to_string()],
                })
                .collect(),
            empty: "Tidak ada anggota lain.",
        },
        Section {
            id: "riwayat",
            title: "Riwayat perubahan data",
            header: vec!["Waktu", "Perubahan", "Peran", "Alasan"],
            lines: report
                .history
                .iter()
                .map(|h| Line {
                    cells: vec![
                        zone.at(h.at),
                        t(match h.change_kind {
                            siks_domain::ChangeKind::Created => "Dibuat",
                            siks_domain::ChangeKind::Imported => "Diimpor",
                            siks_domain::ChangeKind::Updated => "Diubah",
                        })
                        .to_string(),
                        t(h.actor_role.label()).to_string(),
                        h.reason.clone(),
                    ],
                })
                .collect(),
            empty: "Belum ada perubahan.",
        },
        Section {
            id: "usulan",
            title: "Usulan tentang rumah tangga ini",
            header: vec!["Usulan", "Jenis", "Tahap"],
            lines: report
                .proposals
                .iter()
                .map(|p| Line {
                    cells: vec![
                        p.id.to_string(),
                        t(p.content.kind().label()).to_string(),
                        t(p.stage.label()).to_string(),
                    ],
                })
                .collect(),
            empty: "Belum ada usulan.",
        },
        Section {
            id: "pemrosesan",
            title: "Rekam jejak pemrosesan (siapa melihat, mengubah atau mengusulkan)",
            header: vec!["Waktu", "Akun", "Peran", "Tindakan", "Dari alamat"],
            lines: report
                .processing
                .iter()
                .map(|e| Line {
                    cells: vec![
                        siks_domain::clock::Stamp::parse(&e.at)
                            .map_or_else(|| e.at.clone(), |at| zone.at(at)),
                        e.actor_username.clone(),
                        siks_domain::Role::parse(&e.actor_role)
                            .map_or_else(|_| e.actor_role.clone(), |r| t(r.label()).to_string()),
                        crate::words::action(&e.action),
                        e.origin.clone(),
                    ],
                })
                .collect(),
            empty: "Belum ada pemrosesan tercatat.",
        },
    ]
}

/// Reads the report for `nik`; the page's message when there is none to show.
async fn report_of(
    state: &AppState,
    user: &PageUser,
    nik: &str,
) -> Result<Result<SubjectReport, String>, WebError> {
    let nik = match Nik::parse(nik.trim()) {
        Ok(nik) => nik,
        Err(e) => return Ok(Err(tf1("NIK: {}", e.indonesian()))),
    };
    match state
        .service
        .subject_report(&user.session.actor, &nik)
        .await?
    {
        Some(report) => Ok(Ok(report)),
        None => Ok(Err(t(
            "Tidak ada orang dengan NIK itu di wilayah kerja Anda.",
        )
        .to_string())),
    }
}

/// `GET /subjek?nik=`: the form, and the report of the NIK given.
pub async fn subject_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<SubjectQuery>,
) -> Result<Response, WebError> {
    let (error, found, person) = if q.nik.trim().is_empty() {
        (None, None, String::new())
    } else {
        match report_of(&state, &user, &q.nik).await? {
            Ok(report) => (
                None,
                Some((
                    report.person.record.full_name.clone(),
                    format!("/anggota/{}", report.person.record.id),
                    sections(&report),
                )),
                report.person.record.id.to_string(),
            ),
            Err(message) => (Some(message), None, String::new()),
        }
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let html = render(SubjectPage {
        nav: Nav::of(&user),
        nik: q.nik.trim().to_string(),
        error,
        found,
        csrf: user.session.csrf_token.clone(),
        person,
        receipt: siks_domain::citizen::parse_receipt(&q.tanda_terima),
        correction_error: Some(q.koreksi_salah.trim().chars().take(300).collect::<String>())
            .filter(|m| !m.is_empty()),
    })?;
    Ok((status, html).into_response())
}

/// `GET /subjek/unduh?nik=`: the same report as an XLSX, a sheet per section.
pub async fn subject_download(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<SubjectQuery>,
) -> Result<Response, WebError> {
    let report = match report_of(&state, &user, &q.nik).await? {
        Ok(report) => report,
        Err(message) => return Err(WebError::field("nik", &message)),
    };
    let sections = sections(&report);
    let sheets: Vec<siks_sheets::PlainSheet<'_>> = sections
        .iter()
        .map(|s| siks_sheets::PlainSheet {
            name: s.id,
            header: s.header.iter().map(|h| t(h).to_string()).collect(),
            rows: s.lines.iter().map(|l| l.cells.clone()).collect(),
        })
        .collect();
    let bytes =
        siks_sheets::workbook_bytes(&sheets).map_err(|e| WebError::Internal(e.english()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                siks_sheets::Format::Xlsx.content_type().to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"laporan-subjek-data.xlsx\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /subjek/pdf?nik=`: the same report as a PDF to hand to the person: their data at the
/// head, the other members by name and relation only, then every change, proposal and
/// processing in one table, and a line for the officer to sign.
pub async fn subject_pdf(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<SubjectQuery>,
) -> Result<Response, WebError> {
    let report = match report_of(&state, &user, &q.nik).await? {
        Ok(report) => report,
        Err(message) => return Err(WebError::field("nik", &message)),
    };
    let zone = report.household.record.address.village.time_zone();
    let made = zone.at(siks_domain::clock::Stamp(state.service.now()));
    let sections = sections(&report);
    let others = sections
        .iter()
        .find(|s| s.id == "anggota-lain")
        .map(|s| {
            s.lines
                .iter()
                .map(|l| format!("{} ({})", l.cells[0], l.cells[1]))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    for section in sections
        .iter()
        .filter(|s| s.id != "data-pribadi" && s.id != "anggota-lain")
    {
        for line in &section.lines {
            let cells = &line.cells;
            rows.push(match section.id {
                "riwayat" => vec![
                    t("Perubahan").to_string(),
                    cells[0].clone(),
                    format!("{}: {}", cells[1], cells[3]),
                    cells[2].clone(),
                ],
                "usulan" => vec![
                    t("Usulan").to_string(),
                    cells[0].chars().take(8).collect(),
                    cells[1].clone(),
                    cells[2].clone(),
                ],
                _ => vec![
                    t("Pemrosesan").to_string(),
                    cells[0].clone(),
                    cells[3].clone(),
                    format!("{} ({}), {}", cells[1], cells[2], cells[4]),
                ],
            });
        }
    }
    let paper = crate::pdf::Paper {
        title: t("Laporan Data Pribadi dan Rekam Jejak Pemrosesannya").to_string(),
        number: String::new(),
        head: sections
            .iter()
            .find(|s| s.id == "data-pribadi")
            .map(|s| {
                s.lines
                    .iter()
                    .map(|l| (l.cells[0].clone(), l.cells[1].clone()))
                    .collect()
            })
            .unwrap_or_default(),
        opening: format!(
            "{} {}",
            tf1(
                "Laporan ini diserahkan kepada subjek data menurut UU 27/2022 Pasal 32, dibuat {}.",
                &made
            ),
            if others.is_empty() {
                t("Tidak ada anggota rumah tangga lainnya.").to_string()
            } else {
                tf1(
                    "Anggota rumah tangga lainnya, hanya nama dan hubungan (data pribadi mereka tidak dimuat, Pasal 33): {}.",
                    &others,
                )
            }
        ),
        columns: vec![
            (t("Jenis").to_string(), 1.4),
            (t("Waktu").to_string(), 2.2),
            (t("Uraian").to_string(), 3.2),
            (t("Oleh").to_string(), 3.0),
        ],
        rows,
        place_date: made,
        signatures: vec![
            (
                t("Petugas yang menyerahkan").to_string(),
                user.session.display_name.clone(),
            ),
            (
                t("Yang menerima").to_string(),
                report.person.record.full_name.clone(),
            ),
        ],
    };
    crate::workflow::pdf_response(&state, &paper, "laporan-subjek-data").await
}
