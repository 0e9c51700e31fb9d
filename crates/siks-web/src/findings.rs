//! The verivali pages: findings of the user's region with counts per kind, filters, dismissal
//! with a reason, the removal proposal a finding calls for, and (regency and above) a check run.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use siks_domain::checks::{FindingKind, Severity};
use siks_domain::{Bilingual, Coded, RegionCode, Regions};
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{Nav, form_value, render, see};

struct Line {
    id: String,
    kind: String,
    error: bool,
    village: String,
    household: String,
    detail: String,
    status: String,
    reason: String,
    removable: bool,
}

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPage {
    nav: Option<Nav>,
    kinds: Vec<(u8, String, u64, bool)>,
    status: String,
    lines: Vec<Line>,
    can_run: bool,
    can_act: bool,
    can_propose: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct FindingsQuery {
    jenis: Option<u8>,
    status: Option<String>,
    wilayah: Option<String>,
    pesan: Option<String>,
}

/// Roles that start a check run (regency level and above).
pub const CHECKERS: &[siks_domain::Role] = &[
    siks_domain::Role::RegencyOperator,
    siks_domain::Role::ProvinceOperator,
    siks_domain::Role::Pusat,
    siks_domain::Role::Admin,
];

fn region_param(text: Option<&str>) -> Result<Option<RegionCode>, WebError> {
    match text.filter(|t| !t.is_empty()) {
        Some(t) => RegionCode::parse_known(t)
            .map(Some)
            .map_err(|e| WebError::field("wilayah", e.indonesian())),
        None => Ok(None),
    }
}

pub async fn findings_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<FindingsQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let region = region_param(q.wilayah.as_deref())?;
    let status = q.status.clone().unwrap_or_else(|| "open".into());
    if !["open", "fixed", "dismissed"].contains(&status.as_str()) {
        return Err(WebError::field(
            "status",
            "pilih open, fixed atau dismissed",
        ));
    }
    let kind = match q.jenis {
        Some(code) => Some(FindingKind::from_code(code).ok_or_else(|| {
            WebError::field("jenis", format!("jenis temuan {code} tidak dikenal"))
        })?),
        None => None,
    };
    let counts = state
        .store
        .finding_counts(actor, region.as_ref(), &status)
        .await?;
    let kinds = FindingKind::ALL
        .iter()
        .filter_map(|k| {
            counts
                .get(&k.code())
                .map(|n| (k.code(), k.label().to_string(), *n, Some(*k) == kind))
        })
        .collect();
    let lines = state
        .store
        .findings(actor, region.as_ref(), kind, Some(&status), 500)
        .await?
        .into_iter()
        .map(|f| Line {
            id: f.id.to_string(),
            kind: f.kind.label().to_string(),
            error: f.severity == Severity::Error,
            village: Regions::embedded()
                .get(&f.village)
                .map(|r| format!("{} ({})", r.name, f.village))
                .unwrap_or_else(|| f.village.to_string()),
            household: f.household,
            detail: f.detail,
            status: f.status,
            reason: f.status_reason,
            removable: matches!(
                f.kind,
                FindingKind::DuplicateNik
                    | FindingKind::DuplicatePerson
                    | FindingKind::Deceased
                    | FindingKind::CivilServant
            ),
        })
        .collect();
    render(FindingsPage {
        nav: Nav::of(&user),
        kinds,
        status,
        lines,
        can_run: CHECKERS.contains(&actor.role),
        can_act: crate::WRITERS.contains(&actor.role),
        can_propose: crate::PROPOSERS.contains(&actor.role),
        notice: q.pesan,
    })
}

pub async fn run_checks(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let region = region_param(Some(form_value(&form, "wilayah")))?;
    let today = chrono::Utc::now().date_naive();
    let report = state
        .store
        .run_checks(&user.session.actor, region.as_ref(), today)
        .await?;
    let message = format!(
        "{} rumah tangga diperiksa: {} temuan baru, {} sudah diperbaiki",
        report.households, report.opened, report.fixed
    );
    Ok(see(format!(
        "/temuan?pesan={}",
        crate::auth::urlencode(&message)
    )))
}

pub async fn dismiss(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .store
        .dismiss_finding(&user.session.actor, id, form_value(&form, "alasan"))
        .await?;
    Ok(see("/temuan?pesan=Temuan%20ditolak".into()))
}

pub async fn propose(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let proposal = state
        .store
        .propose_from_finding(&user.session.actor, id)
        .await?;
    Ok(see(format!("/usulan/{proposal}")))
}
