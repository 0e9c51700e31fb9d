//! The verivali pages: findings of the user's region with counts per kind, filters, dismissal
//! with a reason, the removal proposal a finding calls for, and (regency and above) a check run.

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path, Query};
use axum::response::{Html, Response};
use serde::Deserialize;
use siks_domain::checks::{FindingKind, FindingStatus, Severity};
use siks_domain::{Coded, RegionCode, Regions};
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
    /// The person found (and the other of a pair), as the register names them now.
    who: String,
    nik: String,
    detail: String,
    status: String,
    /// Still open: the operator may act on it.
    open: bool,
    reason: String,
    removable: bool,
}

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPage {
    nav: Option<Nav>,
    kinds: Vec<(u8, String, String, bool)>,
    status: String,
    lines: Vec<Line>,
    /// "1–50 dari 21.034".
    shown: String,
    previous: Option<String>,
    next: Option<String>,
    /// The filters as a query, carried by every action so that the page comes back as it was.
    back: String,
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
    halaman: Option<u64>,
    pesan: Option<String>,
    /// The notice's signature ([`crate::notice`]).
    tanda: Option<String>,
}

/// Findings on one page.
const FINDINGS_PER_PAGE: u32 = 50;

/// The findings page an action came from (its filters and page), or the first page: only a
/// path of this page is followed.
fn back_to(form: &[(String, String)]) -> String {
    let back = form_value(form, "kembali");
    if back.starts_with("/temuan?") || back == "/temuan" {
        back.to_string()
    } else {
        "/temuan".into()
    }
}

/// Roles that start a check run (regency level and above).
pub const CHECKERS: &[siks_domain::Role] = &[
    siks_domain::Role::RegencyOperator,
    siks_domain::Role::ProvinceOperator,
    siks_domain::Role::Pusat,
    siks_domain::Role::Admin,
];

/// The status asked for (`open` when none), or the complaint naming `field` (in Indonesian: the
/// API's; the page words its own).
pub(crate) fn status_param(text: Option<&str>, field: &str) -> Result<FindingStatus, WebError> {
    match text {
        None => Ok(FindingStatus::Open),
        Some(t) => FindingStatus::parse(t)
            .ok_or_else(|| WebError::field(field, "pilih open, fixed atau dismissed")),
    }
}

fn region_param(text: Option<&str>) -> Result<Option<RegionCode>, WebError> {
    match text.filter(|t| !t.is_empty()) {
        Some(t) => RegionCode::parse_known(t)
            .map(Some)
            .map_err(|e| WebError::field("wilayah", crate::lang::say(&e))),
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
    let status = status_param(q.status.as_deref(), "status").map_err(|_| {
        WebError::field("status", crate::lang::t("pilih open, fixed atau dismissed"))
    })?;
    let kind = match q.jenis {
        Some(code) => Some(FindingKind::from_code(code).ok_or_else(|| {
            WebError::field(
                "jenis",
                crate::lang::tf("jenis temuan {} tidak dikenal", &[&code]),
            )
        })?),
        None => None,
    };
    let counts = state
        .service
        .finding_counts(actor, region.as_ref(), status)
        .await?;
    let kinds = FindingKind::ALL
        .iter()
        .filter_map(|k| {
            counts.get(&k.code()).map(|n| {
                (
                    k.code(),
                    crate::lang::t(k.label()).to_string(),
                    siks_domain::show::count(*n),
                    Some(*k) == kind,
                )
            })
        })
        .collect();
    let total: u64 = match kind {
        Some(k) => counts.get(&k.code()).copied().unwrap_or(0),
        None => counts.values().sum(),
    };
    let pages = total.div_ceil(u64::from(FINDINGS_PER_PAGE)).max(1);
    let page = q.halaman.unwrap_or(1).clamp(1, pages);
    let skip = (page - 1) * u64::from(FINDINGS_PER_PAGE);
    let lines: Vec<Line> = state
        .service
        .findings_from(
            actor,
            region.as_ref(),
            kind,
            Some(status),
            FINDINGS_PER_PAGE,
            skip,
        )
        .await?
        .into_iter()
        .map(|f| Line {
            id: f.id.to_string(),
            kind: crate::lang::t(f.kind.label()).to_string(),
            error: f.severity == Severity::Error,
            village: Regions::embedded()
                .get(&f.village)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| f.village.to_string()),
            household: f.household.to_string(),
            who: match (&f.person_name, &f.other_name) {
                (Some(a), Some(b)) => format!("{a} / {b}"),
                (Some(a), None) => a.clone(),
                _ => match &f.head_name {
                    Some(head) => crate::lang::tf("Rumah tangga {}", &[head]),
                    None => crate::lang::tc("satu", "Rumah tangga").to_string(),
                },
            },
            nik: f
                .person_nik
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(siks_domain::documents::masked_number)
                .unwrap_or_default(),
            detail: f.detail,
            status: crate::lang::t(f.status.label()).to_string(),
            open: f.status == FindingStatus::Open,
            reason: f.status_reason,
            removable: f.kind.removal_reason().is_some(),
        })
        .collect();
    let query = |page: u64| {
        let mut q = format!("/temuan?status={}", status.key());
        if let Some(k) = kind {
            q.push_str(&format!("&jenis={}", k.code()));
        }
        if let Some(r) = &region {
            q.push_str(&format!("&wilayah={r}"));
        }
        if page > 1 {
            q.push_str(&format!("&halaman={page}"));
        }
        q
    };
    let shown = if lines.is_empty() {
        "0".to_string()
    } else {
        crate::lang::tf(
            "{}–{} dari {}",
            &[
                &siks_domain::show::count(skip + 1),
                &siks_domain::show::count(skip + lines.len() as u64),
                &siks_domain::show::count(total),
            ],
        )
    };
    render(FindingsPage {
        nav: Nav::of(&user),
        kinds,
        status: status.key().to_string(),
        lines,
        shown,
        previous: (page > 1).then(|| query(page - 1)),
        next: (page < pages).then(|| query(page + 1)),
        back: query(page),
        can_run: CHECKERS.contains(&actor.role),
        can_act: crate::WRITERS.contains(&actor.role),
        can_propose: crate::PROPOSERS.contains(&actor.role),
        notice: crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref()),
    })
}

pub async fn run_checks(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let region = region_param(Some(form_value(&form, "wilayah")))?;
    crate::jobs::start_and_wait(
        &state,
        &user,
        siks_domain::jobs::JobRequest::CheckRun { region },
    )
    .await
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
        .service
        .dismiss_finding(&user.session.actor, id, form_value(&form, "alasan"))
        .await?;
    let back = back_to(&form);
    Ok(see(crate::notice::to(
        &user.session.actor,
        &back,
        crate::lang::t("Temuan diabaikan"),
    )))
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
        .service
        .propose_from_finding(&user.session.actor, id)
        .await?;
    Ok(see(format!("/usulan/{proposal}")))
}

struct QualityRow {
    name: String,
    link: Option<String>,
    total: bool,
    valid: String,
    not_valid: String,
    share: String,
    households_valid: String,
    households_not_valid: String,
    counts: Vec<String>,
}

#[derive(Template)]
#[template(path = "quality.html")]
struct QualityPage {
    nav: Option<Nav>,
    name: String,
    kinds: Vec<(u8, String)>,
    rows: Vec<QualityRow>,
}

/// Valid and not valid per region one level down, with the open findings of each kind that
/// occurs; each region links to its own breakdown.
pub async fn quality_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<FindingsQuery>,
) -> Result<Html<String>, WebError> {
    let region = region_param(q.wilayah.as_deref())?;
    let quality = state
        .service
        .quality(&user.session.actor, region.as_ref())
        .await?;
    let kinds: Vec<FindingKind> = FindingKind::ALL
        .iter()
        .copied()
        .filter(|k| quality.total.open.contains_key(&k.code()))
        .collect();
    let row = |r: &siks_service::RegionQuality, total: bool| QualityRow {
        name: match &r.code {
            Some(c) => format!("{} ({c})", r.name),
            None => r.name.clone(),
        },
        link: (!total)
            .then(|| r.code.as_ref().map(|c| format!("/kualitas?wilayah={c}")))
            .flatten(),
        total,
        valid: siks_domain::show::count(r.persons_valid()),
        not_valid: siks_domain::show::count(r.persons_not_valid),
        share: siks_domain::show::share(r.persons_valid(), r.persons),
        households_valid: siks_domain::show::count(r.households_valid()),
        households_not_valid: siks_domain::show::count(r.households_not_valid),
        counts: kinds
            .iter()
            .map(|k| siks_domain::show::count(r.open.get(&k.code()).copied().unwrap_or(0)))
            .collect(),
    };
    let mut rows = vec![row(&quality.total, true)];
    rows.extend(quality.children.iter().map(|c| row(c, false)));
    render(QualityPage {
        nav: Nav::of(&user),
        name: quality.total.name.clone(),
        kinds: kinds
            .iter()
            .map(|k| (k.code(), crate::lang::t(k.label()).to_string()))
            .collect(),
        rows,
    })
}

struct ListLine {
    imported_at: String,
    kind: String,
    source: String,
    file_name: String,
    rows: u64,
    in_force: bool,
    imported_by: String,
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    nav: Option<Nav>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    source: String,
    lists: Vec<ListLine>,
    errors: Vec<String>,
    notice: Option<String>,
}

async fn lists_view(
    state: &AppState,
    user: &PageUser,
    kind: String,
    source: String,
    errors: Vec<String>,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    use siks_domain::lists::ListKind;
    let zone = crate::pages::zone_of(&user.session.actor.scope);
    let lists = state
        .service
        .outside_lists(&user.session.actor)
        .await?
        .into_iter()
        .map(|l| ListLine {
            imported_at: zone.at(l.imported_at),
            kind: crate::lang::t(l.kind.label()).to_string(),
            source: l.source,
            file_name: l.file_name,
            rows: l.rows,
            in_force: l.in_force,
            imported_by: l.imported_by,
        })
        .collect();
    render(ListsPage {
        nav: Nav::of(user),
        kinds: <ListKind as Coded>::ALL
            .iter()
            .map(|k| (k.key(), crate::lang::t(k.label()), k.key() == kind))
            .collect(),
        source,
        lists,
        errors,
        notice,
    })
}

pub async fn lists_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<FindingsQuery>,
) -> Result<Html<String>, WebError> {
    lists_view(
        &state,
        &user,
        String::new(),
        String::new(),
        Vec::new(),
        crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref()),
    )
    .await
}

/// Reads the uploaded list; a refused file comes back on the page with every reason by line,
/// and nothing is kept. A kept list is matched at once by a check run over the whole scope, run
/// as a job.
pub async fn import_list(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    use axum::response::IntoResponse;
    use siks_domain::lists::{ListKind, read_list};
    let (form, file) =
        crate::workflow::read_multipart(multipart, "berkas", crate::LIST_BODY_LIMIT / 1024).await?;
    user.check_csrf(form_value(&form, "csrf"))?;
    let kind_key = form_value(&form, "jenis").to_string();
    let source = form_value(&form, "sumber").to_string();
    let kind = ListKind::from_key(&kind_key)
        .ok_or_else(|| WebError::field("jenis", crate::lang::t("pilih jenis daftar")))?;
    let file = file.ok_or_else(|| WebError::field("berkas", crate::lang::t("pilih berkas CSV")))?;
    let rows = match read_list(kind, file.as_slice()) {
        Ok(rows) => rows,
        Err(errors) => {
            let errors = errors.iter().map(crate::lang::say).collect();
            let page = lists_view(&state, &user, kind_key, source, errors, None).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (service, actor) = (state.service.clone(), user.session.actor.clone());
    let file_name = form_value(&form, "berkas:name").to_string();
    let list = crate::observe::off_workers(async move {
        service
            .import_list(&actor, kind, &source, &file_name, rows)
            .await
    })
    .await??;
    let lead = crate::lang::tf(
        "{} dari {} diimpor ({} baris)",
        &[&crate::lang::t(kind.label()), &list.source, &list.rows],
    );
    // The matching is a check run over the whole scope: a national one takes most of a minute,
    // so it is a job like any other run (its page shows it; a short one comes back here).
    match crate::jobs::start_and_wait_from(
        &state,
        &user,
        siks_domain::jobs::JobRequest::CheckRun { region: None },
        Some("/daftar"),
        &lead,
    )
    .await
    {
        // The list is kept either way; a run of the user's still going may have read the
        // register before it, so the user is told to run the checks again once that one ends.
        Err(WebError::Conflict(why)) => Ok(see(crate::notice::to(
            &user.session.actor,
            "/daftar",
            &crate::lang::tf(
                "{}; belum dicocokkan: {}, lalu jalankan pemeriksaan lagi",
                &[&lead, &why],
            ),
        ))),
        other => other,
    }
}
