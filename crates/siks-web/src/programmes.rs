//! The programmes page: the definitions in force with their rules, and for a period each
//! programme's beneficiary list summed over the user's region, with the households that left
//! since the previous list and why, and each list to download as XLSX or CSV.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use siks_domain::workflow::Period;
use siks_domain::{Bilingual, RegionCode};
use siks_sheets::{Format, SheetWriter};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{Nav, render};

#[derive(Deserialize, Default)]
pub struct ProgrammesQuery {
    periode: Option<String>,
    wilayah: Option<String>,
}

struct Row {
    code: String,
    name: String,
    unit: &'static str,
    version: String,
    rule: String,
    components: Vec<(String, u64, u32)>,
    amount: u64,
    /// In the period, over the region: units, households, yearly amount.
    list: Option<(i64, i64, i64)>,
    /// Households that left, with the reason (the first fifty).
    departures: Vec<(String, String)>,
    departed: usize,
}

#[derive(askama::Template)]
#[template(path = "programmes.html")]
struct ProgrammesPage {
    nav: Option<Nav>,
    period: String,
    region: String,
    query: String,
    rows: Vec<Row>,
}

fn region_of(text: Option<&str>) -> Result<Option<RegionCode>, WebError> {
    text.filter(|w| !w.is_empty())
        .map(|w| RegionCode::parse_known(w).map_err(|e| WebError::field("wilayah", e.indonesian())))
        .transpose()
}

fn period_of(text: &str) -> Result<Period, WebError> {
    Period::parse(text).map_err(|e| WebError::field("periode", e.indonesian()))
}

/// `GET /program?periode=YYYY-MM&wilayah=CODE`.
pub async fn programmes_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProgrammesQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let region = region_of(q.wilayah.as_deref())?;
    let period = q
        .periode
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(period_of)
        .transpose()?;
    let summary = match period {
        Some(p) => state.store.list_summary(actor, p, region.as_ref()).await?,
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for p in state.store.programmes().await? {
        let code = p.programme.code.clone();
        let (departures, departed) = match period {
            Some(period) => {
                let all = state
                    .store
                    .departures(actor, period, &code, region.as_ref())
                    .await?;
                let n = all.len();
                (
                    all.into_iter()
                        .take(50)
                        .map(|(h, why)| (h.to_string(), why))
                        .collect(),
                    n,
                )
            }
            None => (Vec::new(), 0),
        };
        rows.push(Row {
            name: p.programme.name.clone(),
            unit: match p.programme.unit {
                siks_domain::programmes::UnitKind::Household => "rumah tangga",
                siks_domain::programmes::UnitKind::Family => "keluarga",
                siks_domain::programmes::UnitKind::Person => "orang",
            },
            version: if p.version == 0 {
                "bawaan siks".into()
            } else {
                format!("versi {}", p.version)
            },
            rule: p.programme.eligible.source().to_string(),
            components: p
                .programme
                .components
                .iter()
                .map(|c| (c.label.clone(), c.amount, c.cap))
                .collect(),
            amount: p.programme.amount,
            list: summary
                .iter()
                .find(|(c, ..)| *c == code)
                .map(|(_, u, h, a)| (*u, *h, *a)),
            departures,
            departed,
            code,
        });
    }
    render(ProgrammesPage {
        nav: Nav::of(&user),
        period: period.map(|p| p.to_string()).unwrap_or_default(),
        region: region.as_ref().map(|r| r.to_string()).unwrap_or_default(),
        query: format!(
            "periode={}&wilayah={}",
            period.map(|p| p.to_string()).unwrap_or_default(),
            region.as_ref().map(|r| r.as_str()).unwrap_or("")
        ),
        rows,
    })
}

/// `GET /ekspor/penerima/{code}.{xlsx|csv}?periode=YYYY-MM&wilayah=CODE`: a programme's list.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
    Query(q): Query<ProgrammesQuery>,
) -> Result<Response, WebError> {
    let (code, format) = file
        .rsplit_once('.')
        .and_then(|(c, e)| Some((c.to_uppercase(), Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let period = period_of(q.periode.as_deref().unwrap_or(""))?;
    let region = region_of(q.wilayah.as_deref())?;
    let rows = state
        .store
        .beneficiaries(&user.session.actor, period, &code, region.as_ref())
        .await?;
    let temp = tempfile::Builder::new()
        .prefix("siks-penerima-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    let mut sheet = SheetWriter::create(format, temp.path(), "Penerima", BENEFICIARY_HEADERS)
        .map_err(|e| WebError::Internal(e.english()))?;
    for b in &rows {
        sheet
            .row(&beneficiary_cells(b))
            .map_err(|e| WebError::Internal(e.english()))?;
    }
    crate::export::send_sheet(
        sheet,
        temp,
        &format!("penerima-{}-{period}", code.to_lowercase()),
        region.as_ref(),
        format,
    )
    .await
}

/// The headers of a beneficiary list as a sheet.
pub const BENEFICIARY_HEADERS: &[&str] = &[
    "Kode desa/kelurahan",
    "Id rumah tangga",
    "No. keluarga",
    "Id anggota",
    "Desil",
    "Perkiraan pengeluaran per orang",
    "Nilai setahun",
    "Komponen",
    "Urutan di kabupaten/kota",
];

/// One unit of a list as the cells under [`BENEFICIARY_HEADERS`].
pub fn beneficiary_cells(b: &siks_store::programmes::Beneficiary) -> Vec<String> {
    vec![
        b.village_code.clone(),
        b.household_id.to_string(),
        b.family_no.map(|n| n.to_string()).unwrap_or_default(),
        b.person_id.map(|p| p.to_string()).unwrap_or_default(),
        b.desil.to_string(),
        format!("{:.0}", b.score),
        b.amount.to_string(),
        b.components.clone(),
        b.position.to_string(),
    ]
}
