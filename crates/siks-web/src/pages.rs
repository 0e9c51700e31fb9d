//! The HTML pages, in Indonesian: sign-in, dashboard with drill-down, household list and search,
//! household page, password change and the audit log. Each handler reads its input, calls the
//! store as the signed-in actor, and fills a template.

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use siks_domain::codes::Coded;
use siks_domain::disclosure::SpecificField;
use siks_domain::region::TimeZone;
use siks_domain::search::SearchQuery;
use siks_domain::show::{self, rupiah};
use siks_domain::workflow::Stage;
use siks_domain::{HouseholdId, RegionCode, RegionLevel, Regions, Scope};
use siks_service::{HouseholdFilter, LoginGate, Stats};

use crate::AppState;
use crate::auth::{
    PageUser, RemoteAddr, check_new_password, cookie, hash_password, safe_next, same_token,
    set_cookie, urlencode, verify_password,
};
use crate::error::WebError;

/// What the header bar shows of the signed-in person.
#[derive(Clone)]
pub struct Nav {
    // Fields are read by the templates.
    pub name: String,
    pub role: String,
    pub scope: String,
    pub csrf: String,
    pub audit: bool,
    pub admin: bool,
    pub ratify: bool,
    pub lists: bool,
    /// Offered the downloads of record lists (bulk personal data): not the auditor.
    pub export: bool,
    /// Offered the data subject's report (the data protection officer and admins).
    pub subjects: bool,
}

impl Nav {
    pub(crate) fn of(user: &PageUser) -> Option<Nav> {
        Nav::of_session(&user.session)
    }

    /// The menu of a signed-in session.
    pub(crate) fn of_session(session: &siks_service::Session) -> Option<Nav> {
        let actor = &session.actor;
        Some(Nav {
            name: session.display_name.clone(),
            role: actor.role.label().to_string(),
            scope: scope_name(&actor.scope),
            csrf: session.csrf_token.clone(),
            audit: crate::AUDITORS.contains(&actor.role),
            admin: crate::ADMINS.contains(&actor.role),
            subjects: crate::SUBJECT_OFFICERS.contains(&actor.role),
            ratify: crate::RATIFIERS.contains(&actor.role),
            lists: crate::LISTERS.contains(&actor.role),
            export: actor.may(siks_domain::Action::ExportPersonalData),
        })
    }
}

fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Nation => crate::lang::t("Seluruh Indonesia").into(),
        Scope::Region(code) => Regions::embedded()
            .get(code)
            .map(|r| format!("{} ({code})", r.name))
            .unwrap_or_else(|| code.to_string()),
    }
}

pub(crate) fn zone_of(scope: &Scope) -> TimeZone {
    match scope {
        Scope::Nation => TimeZone::Wib,
        Scope::Region(code) => code.time_zone(),
    }
}

pub(crate) fn render(t: impl Template) -> Result<Html<String>, WebError> {
    t.render()
        .map(Html)
        .map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// The pages work without it; it only ticks every box of a list at once (`#pilih-semua`).
const SCRIPT: &str = r#"document.addEventListener("DOMContentLoaded", function () {
  // A guide folded away stays folded on every page until it is opened again.
  var guide = document.getElementById("panduan");
  if (guide) {
    try {
      if (localStorage.getItem("panduan-dilipat") === "1") guide.open = false;
      guide.addEventListener("toggle", function () {
        localStorage.setItem("panduan-dilipat", guide.open ? "0" : "1");
      });
    } catch (e) {}
  }
  var all = document.getElementById("pilih-semua");
  if (!all) return;
  all.addEventListener("change", function () {
    var form = all.closest("form");
    form.querySelectorAll("input[name=id]").forEach(function (box) { box.checked = all.checked; });
  });
});
"#;

/// The tab's icon: the header bar's green with the brand's "s".
const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5c4a"/><text x="16" y="23" font-family="sans-serif" font-size="22" font-weight="700" fill="#fff" text-anchor="middle">s</text></svg>"##;

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The answer to a form that worked: go to `path` (303, so a reload does not post again).
pub(crate) fn see(path: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, path)]).into_response()
}

/// The trimmed value of a form field ('' when absent), from a form read as pairs so that
/// repeated fields (ticked boxes) are kept.
pub(crate) fn form_value<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

// ------------------------------------------------------------------ sign in and out

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    lanjut: Option<String>,
}

fn login_page(
    state: &AppState,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let csrf = siks_service::random_token();
    let page = LoginPage {
        nav: None,
        csrf: csrf.clone(),
        next,
        username,
        error,
    };
    match render(page) {
        Ok(html) => (
            status,
            [(
                header::SET_COOKIE,
                set_cookie(state, state.config.login_csrf_cookie(), &csrf, 3600),
            )],
            html,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn login_form(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    login_page(
        &state,
        safe_next(q.lanjut.as_deref()),
        String::new(),
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    nama: String,
    sandi: String,
    csrf: String,
    lanjut: Option<String>,
}

/// A hash to verify against when the account does not exist, so that the answer takes as long
/// as for a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lrcy1kdW1teS1zYWx0$ZEr7lCP8Z2UkH0UO7ZCw5c4bDWjLWcMZK9h6pHzl6gQ";

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    RemoteAddr(remote): RemoteAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.lanjut.as_deref());
    let expected = cookie(&headers, state.config.login_csrf_cookie()).unwrap_or_default();
    if expected.is_empty() || !same_token(&form.csrf, &expected) {
        return login_page(
            &state,
            next,
            form.nama,
            Some(WebError::BadCsrf.page_message()),
            StatusCode::FORBIDDEN,
        );
    }
    let wrong = crate::lang::t("Nama pengguna atau kata sandi salah.").to_string();
    // The throttle first, for any name: a guesser waits whether the account exists or not.
    let turn = match state.service.sign_in_turn(&form.nama, &remote).await {
        Ok(Ok(turn)) => turn,
        Ok(Err(wait)) => {
            let seconds = crate::auth::wait_seconds(wait);
            let mut page = login_page(
                &state,
                next,
                form.nama,
                Some(crate::auth::wait_message(wait)),
                StatusCode::TOO_MANY_REQUESTS,
            );
            if let Ok(value) = seconds.to_string().parse() {
                page.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return page;
        }
        Err(e) => return WebError::from(e).into_response(),
    };
    let gate = match state.service.login_gate(&form.nama).await {
        Ok(g) => g,
        Err(e) => return WebError::from(e).into_response(),
    };
    match gate {
        LoginGate::Unknown => {
            // As long as a wrong password takes, and as busy: an unknown name answers alike.
            if let Err(e) = verify_password(form.sandi, DUMMY_HASH.to_string()).await {
                return e.into_response();
            }
            if let Err(e) = state
                .service
                .record_unknown_login(&form.nama, &remote)
                .await
            {
                return WebError::from(e).into_response();
            }
            login_page(
                &state,
                next,
                form.nama,
                Some(wrong),
                StatusCode::UNAUTHORIZED,
            )
        }
        LoginGate::Open(user) => {
            let hash = user.password_hash.clone().unwrap_or_default();
            match verify_password(form.sandi, hash).await {
                Ok(true) => match state.service.start_session(&user, &remote).await {
                    Ok(session) => {
                        state.service.sign_in_succeeded(turn);
                        // A second factor next, where the account has or needs one.
                        let next = if user.needs_second_factor() {
                            crate::second_factor::code_page(&next)
                        } else {
                            next
                        };
                        let max_age = state.config.policy.absolute.as_secs();
                        (
                            StatusCode::SEE_OTHER,
                            [
                                (
                                    header::SET_COOKIE,
                                    set_cookie(
                                        &state,
                                        state.config.session_cookie(),
                                        &session.token,
                                        max_age,
                                    ),
                                ),
                                (header::LOCATION, next),
                            ],
                        )
                            .into_response()
                    }
                    Err(e) => WebError::from(e).into_response(),
                },
                Ok(false) => {
                    if let Err(e) = state.service.record_login_failure(&user, &remote).await {
                        return WebError::from(e).into_response();
                    }
                    login_page(
                        &state,
                        next,
                        form.nama,
                        Some(wrong),
                        StatusCode::UNAUTHORIZED,
                    )
                }
                Err(e) => e.into_response(),
            }
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Signs out, also a session still waiting for its second factor (a shared office computer
/// must not keep one open until it expires).
pub async fn logout(
    State(state): State<AppState>,
    user: crate::second_factor::AnySessionUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if !same_token(&form.csrf, &user.session.csrf_token) {
        return Err(WebError::BadCsrf);
    }
    let actor = user.session.actor.clone().from_origin(user.remote.clone());
    state.service.end_session(&actor, &user.token).await?;
    state.reveals.forget(&user.token);
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                set_cookie(&state, state.config.session_cookie(), "", 0),
            ),
            (header::LOCATION, "/masuk".to_string()),
        ],
    )
        .into_response())
}

// ------------------------------------------------------------------ dashboard

pub struct ChildRow {
    code: String,
    name: String,
    link: String,
    active: String,
    proposed: String,
    inactive: String,
    persons: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Option<Nav>,
    name: String,
    trail: Vec<(String, String)>,
    households: (String, String, String, String),
    persons: (String, String, String, String),
    list_query: String,
    child_level: Option<&'static str>,
    children: Vec<ChildRow>,
    pipeline_stages: Vec<(&'static str, &'static str)>,
    pipeline_rows: Vec<(String, String, Vec<String>)>,
    pipeline_total: Vec<String>,
    /// "Tugas Anda": (what, how many, where); on the user's own dashboard only.
    tasks: Option<Vec<(String, String, String)>>,
}

/// One line of "Tugas Anda" as the dashboard shows it: what (in the request's language), and
/// the page where it is done.
fn task_line(kind: siks_service::tasks::TaskKind) -> (String, String) {
    use crate::lang::{t, tf};
    use siks_service::tasks::TaskKind;
    match kind {
        TaskKind::AtStage(stage) => {
            let what = match stage {
                Stage::Draft => t("Draf usulan untuk dibawa ke musdes/muskel").to_string(),
                Stage::Musdes => t("Usulan menunggu hasil musdes dicatat").to_string(),
                Stage::Returned => t("Usulan dikembalikan untuk diperbaiki").to_string(),
                Stage::RegencyVerification => t("Usulan menunggu verifikasi Anda").to_string(),
                Stage::Ratification => t("Usulan menunggu pengesahan").to_string(),
                Stage::ProvinceVerification => t("Usulan menunggu verifikasi provinsi").to_string(),
                Stage::PusatQc => t("Usulan menunggu pemeriksaan Kementerian").to_string(),
                other => tf("Usulan pada tahap {}", &[&t(other.label())]),
            };
            let link = match stage {
                Stage::Ratification => "/pengesahan".to_string(),
                _ => format!("/usulan?tahap={}", stage.key()),
            };
            (what, link)
        }
        TaskKind::PapersWithoutScan => (
            t("Berita acara atau SPTJM yang belum diunggah pindaiannya").into(),
            "/dokumen".into(),
        ),
        TaskKind::OpenFindings => (
            t("Temuan verivali yang belum diselesaikan").into(),
            "/temuan".into(),
        ),
        TaskKind::ListsToBuild(period) => (
            tf(
                "Daftar penerima {} belum dibangun",
                &[&show::period(&period.to_string())],
            ),
            format!("/program?periode={period}"),
        ),
        TaskKind::PeriodToClose(period) => (
            tf(
                "Usulan diterima menunggu penetapan; periode {} siap ditutup",
                &[&show::period(&period.to_string())],
            ),
            "/periode".into(),
        ),
    }
}

/// The stages the dashboard's pipeline shows: every one where a proposal waits for someone.
const PIPELINE_STAGES: [Stage; 8] = [
    Stage::Draft,
    Stage::Musdes,
    Stage::RegencyVerification,
    Stage::Ratification,
    Stage::ProvinceVerification,
    Stage::PusatQc,
    Stage::Accepted,
    Stage::Returned,
];

/// Proposals per child region and waiting stage, with the totals.
type PipelineTable = (Vec<(String, String, Vec<u64>)>, Vec<u64>);

fn pipeline_table(counts: &[siks_service::proposals::PipelineCount]) -> PipelineTable {
    let mut rows: Vec<(String, String, Vec<u64>)> = Vec::new();
    let mut total = vec![0u64; PIPELINE_STAGES.len()];
    for c in counts {
        let Some(column) = PIPELINE_STAGES.iter().position(|s| *s == c.stage) else {
            continue;
        };
        let code = c.region.to_string();
        if rows.last().is_none_or(|r| r.0 != code) {
            let name = Regions::embedded()
                .get(&c.region)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            rows.push((code, name, vec![0; PIPELINE_STAGES.len()]));
        }
        if let Some(row) = rows.last_mut() {
            row.2[column] += c.count;
        }
        total[column] += c.count;
    }
    (rows, total)
}

/// The regions above `code` inside `scope`, top first, each as (link made by `link`, name): the
/// breadcrumb of a region's pages.
pub(crate) fn trail(
    scope: &Scope,
    code: Option<&RegionCode>,
    link: impl Fn(&RegionCode) -> String,
) -> Vec<(String, String)> {
    let mut trail = Vec::new();
    let mut up = code.and_then(RegionCode::parent);
    while let Some(parent) = up {
        if scope.contains(&parent) {
            let name = Regions::embedded()
                .get(&parent)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            trail.push((link(&parent), name));
        }
        up = parent.parent();
    }
    trail.reverse();
    trail
}

fn dashboard_page(
    user: &PageUser,
    stats: Stats,
    pipeline: &[siks_service::proposals::PipelineCount],
    tasks: Option<Vec<(String, String, String)>>,
) -> Result<Html<String>, WebError> {
    let t = &stats.total;
    let trail = trail(&user.session.actor.scope, t.code.as_ref(), |c| {
        c.to_string()
    });
    let children = stats
        .children
        .iter()
        .filter_map(|c| {
            let code = c.code.clone()?;
            let link = if code.level() == RegionLevel::Village {
                format!("/rumah-tangga?wilayah={code}")
            } else {
                format!("/wilayah/{code}")
            };
            Some(ChildRow {
                code: code.to_string(),
                name: c.name.clone(),
                link,
                active: show::count(c.households.active),
                proposed: show::count(c.households.proposed),
                inactive: show::count(c.households.inactive),
                persons: show::count(c.persons.total()),
            })
        })
        .collect();
    let counts = |s: &siks_service::StatusCounts| {
        (
            show::count(s.active),
            show::count(s.proposed),
            show::count(s.inactive),
            show::count(s.total()),
        )
    };
    let (pipeline_rows, pipeline_total) = pipeline_table(pipeline);
    let written = |counts: Vec<u64>| counts.into_iter().map(show::count).collect::<Vec<_>>();
    let pipeline_rows = pipeline_rows
        .into_iter()
        .map(|(code, name, counts)| (code, name, written(counts)))
        .collect();
    let pipeline_total = written(pipeline_total);
    render(DashboardPage {
        nav: Nav::of(user),
        name: t.name.clone(),
        trail,
        households: counts(&t.households),
        persons: counts(&t.persons),
        list_query: t
            .code
            .as_ref()
            .map(|c| format!("?wilayah={c}"))
            .unwrap_or_default(),
        child_level: stats.child_level.map(|l| l.label()),
        children,
        pipeline_stages: PIPELINE_STAGES
            .iter()
            .map(|s| (s.key(), s.short_label()))
            .collect(),
        pipeline_rows,
        pipeline_total,
        tasks,
    })
}

pub async fn dashboard(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let stats = state.service.stats(actor, None).await?;
    let pipeline = state.service.pipeline(actor, None).await?;
    let mut tasks: Vec<(String, String, String)> = state
        .service
        .tasks(actor)
        .await?
        .into_iter()
        .map(|t| {
            let (what, link) = task_line(t.kind);
            (what, show::count(t.count), link)
        })
        .collect();
    let troubled = state.uploads.with_problems(actor.user_id);
    if let Some(newest) = troubled.first() {
        tasks.push((
            crate::lang::t("Unggahan yang bermasalah").into(),
            show::count(troubled.len() as u64),
            format!("/unggah/{newest}"),
        ));
    }
    dashboard_page(&user, stats, &pipeline, Some(tasks))
}

pub async fn region_dashboard(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let code = RegionCode::parse_known(&code).map_err(|_| WebError::NotFound)?;
    let stats = state
        .service
        .stats(&user.session.actor, Some(&code))
        .await?;
    let pipeline = state
        .service
        .pipeline(&user.session.actor, Some(&code))
        .await?;
    dashboard_page(&user, stats, &pipeline, None)
}

// ------------------------------------------------------------------ household list

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    alamat: Option<String>,
    wilayah: Option<String>,
    status: Option<String>,
    halaman: Option<u32>,
}

impl ListQuery {
    /// The same filter from the API's English parameter names.
    pub fn from_api(
        q: Option<String>,
        address: Option<String>,
        region: Option<String>,
        status: Option<String>,
    ) -> ListQuery {
        ListQuery {
            q,
            alamat: address,
            wilayah: region,
            status,
            halaman: None,
        }
    }
}

pub struct ListRow {
    id: String,
    head: String,
    street: String,
    rt: String,
    rw: String,
    village: String,
    status: String,
    members: i64,
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage {
    nav: Option<Nav>,
    can_create: bool,
    can_upload: bool,
    q: String,
    address: String,
    region: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    rows: Vec<ListRow>,
    page: u32,
    previous: Option<String>,
    next: Option<String>,
}

const PAGE_SIZE: u32 = 50;

/// A record's status in a list, in the request's language ("Usulan" reads "Proposed" there).
fn status_label(key: &str) -> &'static str {
    crate::lang::tc(
        "status",
        match key {
            "proposed" => "Usulan",
            "active" => "Aktif",
            _ => "Nonaktif",
        },
    )
}

/// Turns the list's query into a store filter, or says which field is wrong (in Indonesian: the
/// API's words).
pub fn list_filter(q: &ListQuery, limit: u32) -> Result<HouseholdFilter, WebError> {
    filter_of(q, limit, false)
}

/// [`list_filter`], saying what is wrong in the request's language on a `page`.
fn filter_of(q: &ListQuery, limit: u32, page: bool) -> Result<HouseholdFilter, WebError> {
    let region = match q
        .wilayah
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => Some(RegionCode::parse_known(text).map_err(|e| {
            WebError::field(
                "wilayah",
                if page {
                    crate::lang::say(&e)
                } else {
                    siks_domain::Bilingual::indonesian(&e)
                },
            )
        })?),
        None => None,
    };
    let status = match q.status.as_deref().unwrap_or("") {
        "" => None,
        s @ ("proposed" | "active" | "inactive") => Some(s.to_string()),
        other => {
            return Err(WebError::field(
                "status",
                if page {
                    crate::lang::tf("status '{}' tidak dikenal", &[&other])
                } else {
                    format!("status '{other}' tidak dikenal")
                },
            ));
        }
    };
    let search = SearchQuery::parse(q.q.as_deref().unwrap_or(""))
        .or_else(|| SearchQuery::address(q.alamat.as_deref().unwrap_or("")));
    let page = q.halaman.unwrap_or(1).max(1);
    Ok(HouseholdFilter {
        region,
        status,
        search,
        limit,
        offset: (page - 1).saturating_mul(limit),
    })
}

pub async fn household_list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = q.halaman.unwrap_or(1).max(1);
    let (rows, error) = match filter_of(&q, PAGE_SIZE + 1, true) {
        Ok(filter) => (
            state
                .service
                .list_households(&user.session.actor, &filter)
                .await?,
            None,
        ),
        Err(e) => (Vec::new(), Some(e.page_message())),
    };
    let more = rows.len() > PAGE_SIZE as usize;
    let link = |p: u32| {
        format!(
            "/rumah-tangga?q={}&alamat={}&wilayah={}&status={}&halaman={p}",
            urlencode(q.q.as_deref().unwrap_or("")),
            urlencode(q.alamat.as_deref().unwrap_or("")),
            urlencode(q.wilayah.as_deref().unwrap_or("")),
            urlencode(q.status.as_deref().unwrap_or("")),
        )
    };
    let regions = Regions::embedded();
    let html = render(ListPage {
        nav: Nav::of(&user),
        can_create: crate::PROPOSERS.contains(&user.session.actor.role),
        can_upload: crate::PROPOSERS.contains(&user.session.actor.role),
        q: q.q.clone().unwrap_or_default(),
        address: q.alamat.clone().unwrap_or_default(),
        region: q.wilayah.clone().unwrap_or_default(),
        status: q.status.clone().unwrap_or_default(),
        statuses: vec![
            ("", crate::lang::t("Semua")),
            ("active", crate::lang::t("Aktif")),
            ("proposed", crate::lang::tc("status", "Usulan")),
            ("inactive", crate::lang::t("Nonaktif")),
        ],
        rows: rows
            .into_iter()
            .take(PAGE_SIZE as usize)
            .map(|r| ListRow {
                id: r.id.to_string(),
                head: r
                    .head_name
                    .unwrap_or_else(|| crate::lang::t("(tanpa kepala)").into()),
                street: r.street,
                rt: r.rt,
                rw: r.rw,
                village: regions
                    .get(&r.village)
                    .map(|v| v.name.clone())
                    .unwrap_or_else(|| r.village.to_string()),
                status: status_label(r.status.key()).to_string(),
                members: r.members,
            })
            .collect(),
        error: error.clone(),
        page,
        previous: (page > 1).then(|| link(page - 1)),
        next: more.then(|| link(page + 1)),
    })?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, html).into_response())
}

// ------------------------------------------------------------------ household page

pub struct MemberRow {
    id: String,
    name: String,
    nik: String,
    nik_valid: bool,
    no_kk: String,
    relation: &'static str,
    sex: &'static str,
    birth: String,
    presence: &'static str,
}

pub struct HistoryRow {
    version: i64,
    at: String,
    change: &'static str,
    role: String,
    reason: String,
    /// Whose change: the household, or a member by name.
    record: String,
}

/// One proposal about a household or member, as its page lists it.
pub struct ProposalRow {
    id: String,
    entered: String,
    kind: &'static str,
    /// The member concerned, by name.
    member: String,
    stage: &'static str,
    /// The last return, rejection or withdrawal reason, or the period that applied it.
    decision: String,
}

/// The household and its members as a closed period left them.
pub struct AsOf {
    period: String,
    /// `None`: the household was not registered yet.
    status: Option<String>,
    /// (name, relation, status then).
    members: Vec<(String, &'static str, String)>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HouseholdQuery {
    /// A closed period to see the household as it stood then (`YYYY-MM`).
    periode: Option<String>,
}

fn history_rows(
    entries: &[siks_service::HistoryEntry],
    zone: TimeZone,
    record: &str,
) -> Vec<HistoryRow> {
    entries
        .iter()
        .map(|e| HistoryRow {
            version: e.version,
            at: zone.at(e.at),
            change: crate::lang::t(match e.change_kind {
                siks_domain::ChangeKind::Created => "Dibuat",
                siks_domain::ChangeKind::Imported => "Diimpor",
                siks_domain::ChangeKind::Updated => "Diubah",
            }),
            role: e.actor_role.label().to_string(),
            reason: e.reason.clone(),
            record: record.to_string(),
        })
        .collect()
}

fn proposal_rows(
    proposals: &[siks_service::proposals::Proposal],
    zone: TimeZone,
    name_of: &dyn Fn(siks_domain::PersonId) -> String,
) -> Vec<ProposalRow> {
    use siks_domain::workflow::ProposalContent;
    proposals
        .iter()
        .map(|p| ProposalRow {
            id: p.id.to_string(),
            entered: zone.at(p.created_at),
            kind: p.content.kind().label(),
            member: match &p.content {
                ProposalContent::MemberJoins { person } => person.full_name.clone(),
                other => other.person().map(name_of).unwrap_or_default(),
            },
            stage: p.stage.label(),
            decision: p.reason.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    nav: Option<Nav>,
    id: String,
    can_edit: bool,
    csrf: String,
    photos: Vec<(String, &'static str)>,
    photo_kinds: Vec<(u8, &'static str)>,
    head: String,
    street: String,
    rt: String,
    rw: String,
    sls: String,
    village: String,
    status: String,
    version: i64,
    last_verified: Option<String>,
    programmes: String,
    /// "BST (Rp2.160.000 setahun), PBI-JK (…)" from the latest built lists, and their period.
    benefits: Option<(String, String)>,
    members: Vec<MemberRow>,
    housing: Vec<(&'static str, String)>,
    assets: Vec<(&'static str, String)>,
    history: Vec<HistoryRow>,
    proposals: Vec<ProposalRow>,
    as_of: Option<AsOf>,
    closed_periods: Vec<String>,
    welfare: Option<Welfare>,
}

/// The welfare block of the household page.
struct Welfare {
    spending: String,
    desil: u8,
    desil_regency: u8,
    model: String,
    ran_at: String,
    bps_met: u8,
    /// (criterion, "Ya"/"Tidak"/"tidak tercatat").
    bps: Vec<(&'static str, &'static str)>,
    /// (indicator, value, "menaikkan"/"menurunkan", effect in percent).
    reasons: Vec<(&'static str, String, &'static str, String)>,
}

fn yes_no(b: bool) -> String {
    crate::lang::t(if b { "Ya" } else { "Tidak" }).to_string()
}

/// A coded value's label in the request's language.
fn label<T: Coded>(v: T) -> String {
    crate::lang::t(v.label()).to_string()
}

fn opt_label<T: Coded>(v: Option<T>) -> String {
    v.map(label).unwrap_or_else(|| "-".into())
}

/// The name of a household's head, if it has one.
fn head_of(view: &siks_service::HouseholdView) -> Option<String> {
    view.members
        .iter()
        .find(|m| m.record.relation_to_head == siks_domain::codes::Relation::Head)
        .map(|m| m.record.full_name.clone())
}

/// The programmes of the latest lists that hold a household, as a line, with their period: on a
/// `page` in the request's language, else (the PDF) in Indonesian.
fn benefits_line(
    benefits: &[(String, siks_domain::workflow::Period, i64)],
    page: bool,
) -> Option<(String, String)> {
    let period = benefits.first()?.1;
    let line = benefits
        .iter()
        .map(|(code, _, amount)| {
            let amount = rupiah(*amount as f64);
            if page {
                crate::lang::tf("{} ({} setahun)", &[code, &amount])
            } else {
                format!("{code} ({amount} setahun)")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some((line, show::period(&period.to_string())))
}

/// `GET /rumah-tangga/{id}/pdf`: the household's data sheet by name and address (BNBA), with
/// the identity numbers masked, as a PDF.
pub async fn household_pdf(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let view = state
        .service
        .household(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let h = &view.household.record;
    let masked = |raw: String| {
        if raw.is_empty() {
            "-".to_string()
        } else {
            siks_domain::documents::masked_number(&raw)
        }
    };
    let head_name = head_of(&view).unwrap_or_default();
    let mut head = crate::workflow::region_lines(&h.address.village);
    head.extend([
        (
            "Alamat".to_string(),
            format!(
                "{}, RT {}/RW {}, {}",
                h.address.street, h.address.rt, h.address.rw, h.address.sls_name
            ),
        ),
        ("Status".to_string(), h.status.label().to_string()),
        (
            "Program".to_string(),
            match benefits_line(
                &state
                    .service
                    .household_benefits(actor, id.0, &h.address.village)
                    .await?,
                false,
            ) {
                Some((line, period)) => format!("{line}; daftar {period}"),
                None if h.programmes.is_empty() => "-".to_string(),
                None => h.programmes.join(", "),
            },
        ),
        (
            "Desil".to_string(),
            h.desil.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        ),
    ]);
    let zone = zone_of(&actor.scope);
    let paper = crate::pdf::Paper {
        title: "Data Rumah Tangga Menurut Nama dan Alamat".into(),
        number: String::new(),
        head,
        opening: format!(
            "Data rumah tangga {head_name} dan anggotanya seperti tercatat di register (versi {}), \
             dicetak {}. NIK dan No KK ditulis tersamar.",
            view.household.version,
            zone.at(siks_domain::clock::Stamp(state.service.now()))
        ),
        columns: vec![
            ("No.".into(), 0.8),
            ("Nama".into(), 3.0),
            ("NIK".into(), 3.0),
            ("No KK".into(), 3.0),
            ("Hubungan".into(), 2.1),
            ("Jenis kelamin".into(), 2.0),
            ("Tempat, tanggal lahir".into(), 2.5),
        ],
        rows: view
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let p = &m.record;
                vec![
                    (i + 1).to_string(),
                    p.full_name.clone(),
                    masked(p.nik.raw()),
                    masked(p.no_kk.raw()),
                    p.relation_to_head.label().to_string(),
                    p.sex.label().to_string(),
                    format!("{}, {}", p.birth_place, show::date(p.birth_date)),
                ]
            })
            .collect(),
        place_date: String::new(),
        signatures: vec![
            ("Petugas pendata".into(), String::new()),
            ("Kepala rumah tangga".into(), head_name),
        ],
    };
    crate::workflow::pdf_response(
        &state,
        &paper,
        &format!("rumah-tangga-{}", crate::words::short_id(&id.to_string())),
    )
    .await
}

pub async fn household_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<HouseholdQuery>,
) -> Result<Html<String>, WebError> {
    use crate::lang::t;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let view = state
        .service
        .household(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let id_zone = view.household.record.address.village.time_zone();
    let names: std::collections::HashMap<siks_domain::PersonId, String> = view
        .members
        .iter()
        .map(|m| (m.record.id, m.record.full_name.clone()))
        .collect();
    // Every change of the household and of each member, oldest first, in one read.
    let member_ids: Vec<siks_domain::PersonId> = names.keys().copied().collect();
    let mut entries = state
        .service
        .household_history(actor, id, &member_ids)
        .await?;
    entries.sort_by_key(|e| e.at);
    let history: Vec<HistoryRow> = entries
        .iter()
        .flat_map(|e| {
            let whose = match names.get(&siks_domain::PersonId(e.record_id)) {
                Some(name) => crate::lang::tf("Anggota {}", &[name]),
                None => crate::lang::tc("satu", "Rumah tangga").to_string(),
            };
            history_rows(std::slice::from_ref(e), id_zone, &whose)
        })
        .collect();
    let proposals = proposal_rows(
        &state.service.proposals_about(actor, id).await?,
        id_zone,
        &|p| names.get(&p).cloned().unwrap_or_default(),
    );
    let closed_periods: Vec<String> = state
        .service
        .closed_periods()
        .await?
        .iter()
        .map(|p| p.to_string())
        .collect();
    let as_of = match q.periode.as_deref().filter(|p| !p.is_empty()) {
        Some(text) => {
            let period = siks_domain::workflow::Period::parse(text)
                .map_err(|e| WebError::field("periode", crate::lang::say(&e)))?;
            let then = state.service.household_as_of(actor, id, period).await?;
            Some(AsOf {
                period: period.to_string(),
                status: then.as_ref().map(|t| t.household.status.label()),
                members: then
                    .map(|t| {
                        t.members
                            .iter()
                            .map(|m| {
                                (
                                    m.full_name.clone(),
                                    m.relation_to_head.label(),
                                    m.status.label(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        }
        None => None,
    };
    let welfare = state
        .service
        .household_welfare(actor, id)
        .await?
        .map(|w| Welfare {
            spending: rupiah(w.score),
            desil: w.desil,
            desil_regency: w.desil_regency,
            model: w.model,
            ran_at: id_zone.at(w.run_at),
            bps_met: w.bps_met,
            bps: w
                .bps
                .iter()
                .map(|(c, v)| {
                    (
                        *c,
                        crate::lang::t(match v {
                            Some(true) => "Ya",
                            Some(false) => "Tidak",
                            None => "tidak tercatat",
                        }),
                    )
                })
                .collect(),
            reasons: w
                .reasons
                .iter()
                .map(|(label, value, effect)| {
                    (
                        *label,
                        format!("{value:.2}")
                            .trim_end_matches('0')
                            .trim_end_matches('.')
                            .replace('.', ","),
                        crate::lang::t(if *effect < 0.0 {
                            "menurunkan"
                        } else {
                            "menaikkan"
                        }),
                        format!("{:.0} %", (effect.exp() - 1.0).abs() * 100.0),
                    )
                })
                .collect(),
        });
    let h = &view.household.record;
    let s = &h.housing;
    let a = &h.assets;
    let regions = Regions::embedded();
    let place = |code: Option<RegionCode>| {
        code.and_then(|c| regions.get(&c).map(|r| r.name.clone()))
            .unwrap_or_default()
    };
    let village = crate::lang::tf(
        "{}, Kec. {}, {}",
        &[
            &place(Some(h.address.village.clone())),
            &place(h.address.village.at_level(RegionLevel::District)),
            &place(h.address.village.at_level(RegionLevel::Regency)),
        ],
    );
    let head = head_of(&view).unwrap_or_else(|| crate::lang::t("(tanpa kepala)").into());
    render(HouseholdPage {
        welfare,
        nav: Nav::of(&user),
        id: id.to_string(),
        can_edit: crate::PROPOSERS.contains(&actor.role),
        csrf: user.session.csrf_token.clone(),
        photos: h
            .evidence
            .iter()
            .map(|e| (e.sha256.clone(), e.kind.label()))
            .collect(),
        photo_kinds: <siks_domain::record::EvidenceKind as Coded>::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        head,
        street: h.address.street.clone(),
        rt: h.address.rt.clone(),
        rw: h.address.rw.clone(),
        sls: h.address.sls_name.clone(),
        village,
        status: h.status.label(),
        version: view.household.version,
        last_verified: h.last_verified.map(siks_domain::show::date),
        programmes: h.programmes.join(", "),
        benefits: benefits_line(
            &state
                .service
                .household_benefits(actor, id.0, &h.address.village)
                .await?,
            true,
        ),
        members: view
            .members
            .iter()
            .map(|m| {
                let p = &m.record;
                // Masked unless this session revealed them on the member's page.
                let shown = |field, value| {
                    crate::reveal::Shown::of(&state, &user, p.id, field, value).value
                };
                MemberRow {
                    id: p.id.to_string(),
                    name: p.full_name.clone(),
                    nik: shown(SpecificField::Nik, p.nik.raw()),
                    nik_valid: p.nik.valid().is_some(),
                    no_kk: shown(SpecificField::NoKk, p.no_kk.raw()),
                    relation: p.relation_to_head.label(),
                    sex: p.sex.label(),
                    birth: format!(
                        "{}, {}",
                        p.birth_place,
                        siks_domain::show::date(p.birth_date)
                    ),
                    presence: p.presence.label(),
                }
            })
            .collect(),
        housing: vec![
            (t("Status bangunan"), label(s.building_tenure)),
            (t("Status lahan"), label(s.land_tenure)),
            (t("Luas lantai"), format!("{} m²", s.floor_area_m2)),
            (t("Lantai"), label(s.floor_material)),
            (
                t("Dinding"),
                format!("{} ({})", label(s.wall_material), label(s.wall_condition)),
            ),
            (
                t("Atap"),
                format!("{} ({})", label(s.roof_material), label(s.roof_condition)),
            ),
            (t("Jumlah kamar"), s.rooms.to_string()),
            (
                t("Sumber air minum"),
                format!("{} ({})", label(s.water_source), label(s.water_acquisition)),
            ),
            (t("Penerangan"), label(s.lighting)),
            (t("Daya terpasang"), opt_label(s.installed_power)),
            (t("Bahan bakar memasak"), label(s.cooking_fuel)),
            (t("Fasilitas BAB"), label(s.toilet)),
            (t("Pembuangan tinja"), opt_label(s.sewage)),
        ],
        assets: vec![
            (
                t("Tabung gas 5,5 kg atau lebih"),
                yes_no(a.gas_cylinder_5kg),
            ),
            (t("Lemari es"), yes_no(a.fridge)),
            (t("AC"), yes_no(a.air_conditioner)),
            (t("Pemanas air"), yes_no(a.water_heater)),
            (t("Telepon/HP"), yes_no(a.phone)),
            (t("Televisi"), yes_no(a.television)),
            (t("Emas/perhiasan ≥10 gram"), yes_no(a.gold_10g)),
            (t("Komputer/laptop"), yes_no(a.laptop)),
            (t("Sepeda"), yes_no(a.bicycle)),
            (t("Sepeda motor"), yes_no(a.motorbike)),
            (t("Mobil"), yes_no(a.car)),
            (t("Perahu"), yes_no(a.boat)),
            (t("Motor tempel"), yes_no(a.outboard_motor)),
            (t("Perahu motor"), yes_no(a.motorboat)),
            (t("Kapal"), yes_no(a.ship)),
            (t("Lahan"), format!("{} m²", a.land_m2)),
            (t("Rumah di tempat lain"), yes_no(a.other_house)),
            (
                t("Sapi / kerbau / kuda / babi / kambing"),
                format!(
                    "{} / {} / {} / {} / {}",
                    a.cattle, a.buffalo, a.horses, a.pigs, a.goats
                ),
            ),
            (t("Anggota memiliki usaha"), yes_no(a.business)),
        ],
        history,
        proposals,
        as_of,
        closed_periods,
    })
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    nav: Option<Nav>,
    id: String,
    household: String,
    name: String,
    /// The member's fields as registered, the specific ones masked or kept back until revealed.
    fields: Vec<FieldRow>,
    /// The purposes a reveal may be asked for: (key, label).
    purposes: Vec<(&'static str, &'static str)>,
    csrf: String,
    version: i64,
    can_edit: bool,
    proposals: Vec<ProposalRow>,
    history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyNotice {
    nav: Option<Nav>,
}

/// `GET /privasi`: the privacy notice, for anyone (UU 27/2022: the lawful basis, what is kept,
/// who sees it, how to ask for one's data or a correction).
pub async fn privacy_notice() -> Result<Html<String>, WebError> {
    render(PrivacyNotice { nav: None })
}

/// One field of a member's page; a specific one comes with the field to reveal while it is
/// kept back.
pub struct FieldRow {
    key: &'static str,
    label: &'static str,
    value: String,
    reveal: Option<&'static str>,
}

/// A member's pregnancy, disability and chronic illness in one line.
fn health_line(p: &siks_domain::Person) -> String {
    use crate::lang::t;
    let mut parts = Vec::new();
    if p.pregnant {
        parts.push(t("hamil").to_string());
    }
    if let Some(d) = p.disability {
        let mut text = label(d);
        if let Some(s) = p.disability_severity {
            text = format!("{text} ({})", label(s));
        }
        parts.push(text);
    }
    if let Some(c) = p.chronic_illness {
        parts.push(label(c));
    }
    if parts.is_empty() {
        t("tidak ada catatan").to_string()
    } else {
        parts.join("; ")
    }
}

/// One member: the fields as registered, every proposal about them and every change.
pub async fn member_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    use crate::lang::{t, tf};
    let id: siks_domain::PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let person = state
        .service
        .person(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let p = &person.record;
    let view = state
        .service
        .household(actor, p.household_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let zone = view.household.record.address.village.time_zone();
    let entries = state.service.history(actor, &id.to_string()).await?;
    let about: Vec<siks_service::proposals::Proposal> = state
        .service
        .proposals_about(actor, p.household_id)
        .await?
        .into_iter()
        .filter(|proposal| proposal.content.person() == Some(id))
        .collect();
    let name = p.full_name.clone();
    let plain = |label: &'static str, value: String| FieldRow {
        key: "",
        label,
        value,
        reveal: None,
    };
    let specific = |field: SpecificField, value: String| {
        let shown = crate::reveal::Shown::of(&state, &user, id, field, value);
        FieldRow {
            key: field.key(),
            label: t(field.label()),
            value: shown.value,
            reveal: shown.reveal,
        }
    };
    render(MemberPage {
        nav: Nav::of(&user),
        id: id.to_string(),
        household: p.household_id.to_string(),
        name: name.clone(),
        fields: vec![
            specific(SpecificField::Nik, p.nik.raw()),
            specific(SpecificField::NoKk, p.no_kk.raw()),
            plain(
                t("Hubungan dengan kepala rumah tangga"),
                label(p.relation_to_head),
            ),
            plain(t("Jenis kelamin"), label(p.sex)),
            plain(
                t("Tempat, tanggal lahir"),
                format!(
                    "{}, {}",
                    p.birth_place,
                    siks_domain::show::date(p.birth_date)
                ),
            ),
            specific(SpecificField::MotherName, p.mother_name.clone()),
            specific(SpecificField::Health, health_line(p)),
            plain(t("Status perkawinan"), label(p.marital_status)),
            plain(t("Keberadaan"), label(p.presence)),
            plain(
                t("Status di register"),
                crate::lang::tc("status", &p.status.label()).to_string(),
            ),
        ],
        purposes: crate::reveal::purposes(),
        csrf: user.session.csrf_token.clone(),
        version: person.version,
        can_edit: crate::PROPOSERS.contains(&actor.role),
        proposals: proposal_rows(&about, zone, &|_| name.clone()),
        history: history_rows(&entries, zone, &tf("Anggota {}", &[&name])),
    })
}

// ------------------------------------------------------------------ password

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Option<Nav>,
    csrf: String,
    error: Option<String>,
    done: bool,
}

pub async fn password_form(user: PageUser) -> Result<Html<String>, WebError> {
    render(PasswordPage {
        nav: Nav::of(&user),
        csrf: user.session.csrf_token.clone(),
        error: None,
        done: false,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    sandi_lama: String,
    sandi_baru: String,
    ulangi: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let actor = user.session.actor.clone();
    let fail = |message: String| -> Result<Response, WebError> {
        let page = render(PasswordPage {
            nav: Nav::of(&user),
            csrf: user.session.csrf_token.clone(),
            error: Some(message),
            done: false,
        })?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let stored = state
        .service
        .user_by_username(&actor.username)
        .await?
        .and_then(|u| u.password_hash)
        .unwrap_or_default();
    if !verify_password(form.sandi_lama, stored).await? {
        return fail(crate::lang::t("Kata sandi sekarang salah.").into());
    }
    if form.sandi_baru != form.ulangi {
        return fail(crate::lang::t("Ulangan kata sandi baru tidak sama.").into());
    }
    if let Err(e) = check_new_password(&form.sandi_baru) {
        return fail(e.page_message());
    }
    let hash = hash_password(form.sandi_baru).await?;
    state.service.change_own_password(&actor, &hash).await?;
    // Every session of the account ended; this one continues as a new session.
    let record = state
        .service
        .user_by_username(&actor.username)
        .await?
        .ok_or(WebError::NotFound)?;
    // The new session keeps the second factor this one gave (the password was just typed).
    let session = state
        .service
        .start_session_after_password_change(&record, &user.remote, user.session.factor.given_at)
        .await?;
    let page = render(PasswordPage {
        nav: Nav::of(&user).map(|mut n| {
            n.csrf = session.csrf_token.clone();
            n
        }),
        csrf: session.csrf_token.clone(),
        error: None,
        done: true,
    })?;
    let max_age = state.config.policy.absolute.as_secs();
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(
                &state,
                state.config.session_cookie(),
                &session.token,
                max_age,
            ),
        )],
        page,
    )
        .into_response())
}

// ------------------------------------------------------------------ audit

pub struct AuditRow {
    seq: i64,
    at: String,
    actor_username: String,
    actor_role: String,
    action: String,
    target_kind: String,
    target_id: String,
    target_short: String,
    region_code: String,
    detail: String,
    origin: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    target: String,
    chain: String,
    entries: Vec<AuditRow>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    target: Option<String>,
}

pub async fn audit_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let target = q.target.clone().unwrap_or_default();
    let target_filter = Some(target.trim()).filter(|t| !t.is_empty());
    let entries = state
        .service
        .audit_entries(actor, target_filter, 200)
        .await?;
    let chain = match state.service.verify_audit_chain(actor).await? {
        siks_service::AuditVerification {
            entries,
            broken_at: None,
        } => crate::lang::tf(
            "Rantai hash log audit utuh ({} entri diperiksa).",
            &[&entries],
        ),
        siks_service::AuditVerification {
            broken_at: Some(seq),
            ..
        } => crate::lang::tf(
            "PERINGATAN: rantai hash log audit rusak mulai entri {}.",
            &[&seq],
        ),
    };
    let zone = zone_of(&actor.scope);
    render(AuditPage {
        nav: Nav::of(&user),
        target,
        chain,
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: zone.local(&e.at),
                actor_username: e.actor_username,
                actor_role: crate::words::role(&e.actor_role),
                action: crate::words::action(&e.action),
                target_kind: crate::words::target(&e.target_kind).to_string(),
                // A refused request's path is shown whole: it is what was tried.
                target_short: if e.target_kind == "path" {
                    e.target_id.clone()
                } else {
                    crate::words::short_id(&e.target_id)
                },
                target_id: e.target_id,
                region_code: crate::words::short_id(&e.region_code),
                detail: crate::words::detail(&e.detail),
                origin: e.origin,
            })
            .collect(),
    })
}

// ------------------------------------------------------------------ photos

pub async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, sha)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let (content_type, bytes) = state
        .service
        .evidence_photo(&user.session.actor, id, &sha)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // A photo of a house is personal data: kept by no cache, as every page.
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        // An unparsable hash would answer unknown accounts without the argon2 work, and so tell
        // them apart from wrong passwords by timing.
        let hash = argon2::PasswordHash::new(super::DUMMY_HASH).unwrap();
        assert_eq!(hash.algorithm.as_str(), "argon2id");
        assert!(hash.hash.is_some() && hash.salt.is_some());
    }
}
