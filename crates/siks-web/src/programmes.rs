//! The programmes page: the definitions in force with their rules, and for a period each
//! programme's beneficiary list summed over the user's region, with the households that left
//! since the previous list and why, and each list to download as XLSX or CSV.

use axum::extract::State;

use crate::extract::{Form, Path, Query};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use siks_domain::RegionCode;
use siks_domain::show;
use siks_domain::workflow::Period;
use siks_sheets::{Format, SheetWriter};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{Nav, form_value, render, see};

#[derive(Deserialize, Default)]
pub struct ProgrammesQuery {
    periode: Option<String>,
    wilayah: Option<String>,
    pesan: Option<String>,
    /// The notice's signature ([`crate::notice`]).
    tanda: Option<String>,
}

struct Row {
    code: String,
    name: String,
    unit: &'static str,
    /// Whom the amount is per (a group's family, a community's household).
    amount_per: &'static str,
    version: String,
    rule: String,
    /// The member rule, written for people ("" when none).
    member: String,
    /// How a group programme forms its groups ("" for others).
    groups: String,
    /// (label, yearly amount, cap), written for people.
    components: Vec<(String, String, String)>,
    /// Yearly amount per unit ("" when the components decide).
    amount: String,
    /// In the period, over the region: units, households, yearly amount, written for people.
    list: Option<(String, String, String)>,
    /// Households that left, with the head's name and the reason (the first fifty).
    departures: Vec<(String, String, String)>,
    departed: String,
}

#[derive(askama::Template)]
#[template(path = "programmes.html")]
struct ProgrammesPage {
    nav: Option<Nav>,
    period: String,
    region: String,
    query: String,
    rows: Vec<Row>,
    /// Links to each programme's rules page.
    edit_rules: bool,
    /// The ministry may build the period's lists from here.
    can_build: bool,
    /// The period as people read it ("Desember 2026").
    period_name: String,
    notice: Option<String>,
}

/// A rule as a person reads it: the operators of the expression as words and signs
/// (`desil >= 1 && desil <= 3` → `desil ≥ 1 dan desil ≤ 3`).
fn rule_in_words(rule: &str) -> String {
    let not = format!("{} ", crate::lang::t("bukan"));
    [
        ("&&", crate::lang::t("dan")),
        ("||", crate::lang::t("atau")),
        (">=", "≥"),
        ("<=", "≤"),
        ("!=", "≠"),
        ("==", "="),
        ("!", not.as_str()),
    ]
    .iter()
    .fold(rule.to_string(), |text, (sign, word)| {
        text.replace(sign, word)
    })
}

pub(crate) fn region_of(text: Option<&str>) -> Result<Option<RegionCode>, WebError> {
    text.filter(|w| !w.is_empty())
        .map(|w| {
            RegionCode::parse_known(w).map_err(|e| WebError::field("wilayah", crate::lang::say(&e)))
        })
        .transpose()
}

pub(crate) fn period_of(text: &str) -> Result<Period, WebError> {
    Period::parse(text).map_err(|e| WebError::field("periode", crate::lang::say(&e)))
}

/// `GET /program?periode=YYYY-MM&wilayah=CODE`.
pub async fn programmes_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ProgrammesQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let region = region_of(q.wilayah.as_deref())?;
    // Without a period asked for, the month we are in: its lists are the ones a person looks for.
    let period = Some(
        q.periode
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(period_of)
            .transpose()?
            .unwrap_or_else(|| Period::of(state.service.today())),
    );
    let summary = match period {
        Some(p) => {
            state
                .service
                .list_summary(actor, p, region.as_ref())
                .await?
        }
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for p in state.service.programmes().await? {
        let code = p.programme.code.clone();
        let (departures, departed) = match period {
            Some(period) => {
                let all = state
                    .service
                    .departures(actor, period, &code, region.as_ref())
                    .await?;
                let n = all.len();
                (
                    all.into_iter()
                        .take(50)
                        .map(|d| {
                            let head = if d.head.is_empty() {
                                crate::lang::t("(sudah keluar dari register)").to_string()
                            } else {
                                d.head
                            };
                            (d.household_id.to_string(), head, d.reason)
                        })
                        .collect(),
                    n,
                )
            }
            None => (Vec::new(), 0),
        };
        rows.push(Row {
            name: p.programme.name.clone(),
            unit: crate::lang::t(p.programme.unit.label()),
            amount_per: crate::lang::t(p.programme.unit.amount_per()),
            member: p
                .programme
                .member
                .as_ref()
                .map(|m| rule_in_words(m.source()))
                .unwrap_or_default(),
            groups: if p.programme.group_size > 0 {
                crate::lang::tf(
                    "{} keluarga satu desa per kelompok; kelompok terakhir paling sedikit {}",
                    &[&p.programme.group_size, &p.programme.group_min],
                )
            } else {
                String::new()
            },
            version: if p.version == 0 {
                crate::lang::t("bawaan siks").to_string()
            } else {
                crate::lang::tf("versi {}", &[&p.version])
            },
            rule: rule_in_words(p.programme.eligible.source()),
            components: p
                .programme
                .components
                .iter()
                .map(|c| {
                    (
                        c.label.clone(),
                        show::rupiah(c.amount as f64),
                        if c.cap > 0 {
                            show::count(u64::from(c.cap))
                        } else {
                            "-".into()
                        },
                    )
                })
                .collect(),
            amount: if p.programme.amount > 0 {
                show::rupiah(p.programme.amount as f64)
            } else {
                String::new()
            },
            list: summary
                .iter()
                .find(|(c, ..)| *c == code)
                .map(|(_, u, h, a)| (show::number(*u), show::number(*h), show::rupiah(*a as f64))),
            departures,
            departed: if departed > 0 {
                show::count(departed as u64)
            } else {
                String::new()
            },
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
        edit_rules: RULE_EDITORS.contains(&user.session.actor.role)
            && user.session.actor.scope == siks_domain::Scope::Nation,
        can_build: siks_service::programmes::may_build_lists(&user.session.actor),
        period_name: period
            .map(|p| show::period(&p.to_string()))
            .unwrap_or_default(),
        notice: crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref()),
    })
}

/// `POST /program/bangun`: builds every programme's list for the period, as a job with
/// progress; a small register's build ends before the page would show progress.
pub async fn build_lists(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let period = period_of(form_value(&form, "periode"))?;
    crate::jobs::start_and_wait(
        &state,
        &user,
        siks_domain::jobs::JobRequest::ListBuild { period },
    )
    .await
}

/// `GET /ekspor/penerima/{code}.{xlsx|csv}?periode=YYYY-MM&wilayah=CODE`: a programme's list.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    uri: axum::http::Uri,
    Path(file): Path<String>,
    Query(q): Query<ProgrammesQuery>,
) -> Result<Response, WebError> {
    // A beneficiary list is a bulk export: a fresh second factor first.
    user.require_fresh_factor(&state, &crate::export::original_uri(&uri))?;
    let (code, format) = file
        .rsplit_once('.')
        .and_then(|(c, e)| Some((c.to_uppercase(), Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let period = period_of(q.periode.as_deref().unwrap_or(""))?;
    let region = region_of(q.wilayah.as_deref())?;
    let rows = state
        .service
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
    "Kelompok di desa",
];

/// One unit of a list as the cells under [`BENEFICIARY_HEADERS`].
pub fn beneficiary_cells(b: &siks_service::programmes::Beneficiary) -> Vec<String> {
    vec![
        b.village_code.to_string(),
        b.household_id.to_string(),
        b.family_no.map(|n| n.to_string()).unwrap_or_default(),
        b.person_id.map(|p| p.to_string()).unwrap_or_default(),
        b.desil.to_string(),
        format!("{:.0}", b.score),
        b.amount.to_string(),
        b.components.clone(),
        b.position.to_string(),
        b.group.map(|g| g.to_string()).unwrap_or_default(),
    ]
}

/// Who may change a programme's rules (the store checks again: the whole country only).
pub const RULE_EDITORS: &[siks_domain::Role] =
    &[siks_domain::Role::Pusat, siks_domain::Role::Admin];

struct VersionRow {
    version: i64,
    saved_at: String,
    saved_by: String,
    note: String,
    definition: String,
}

/// One province (or the total) of a dry run, its counts written for people.
struct DryRunRow {
    code: String,
    name: String,
    before: String,
    after: String,
    added: String,
    dropped: String,
}

impl DryRunRow {
    fn of(r: &siks_service::programmes::DryRunRegion) -> DryRunRow {
        DryRunRow {
            code: r.code.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            name: r.name.clone(),
            before: show::count(r.before),
            after: show::count(r.after),
            added: show::count(r.added),
            dropped: show::count(r.dropped),
        }
    }
}

/// A dry run as the rules page shows it: what it was compared with, the households assessed, the
/// total and each province.
fn dry_run_table(run: &siks_service::programmes::DryRun) -> DryRunTable {
    (
        match run.compared_with {
            Some(0) => crate::lang::t("definisi bawaan siks").to_string(),
            Some(v) => crate::lang::tf("versi {}", &[&v]),
            None => crate::lang::t("(program baru)").to_string(),
        },
        show::count(run.households),
        DryRunRow::of(&run.total),
        run.regions.iter().map(DryRunRow::of).collect(),
    )
}

/// (compared with, households assessed, total, per province).
type DryRunTable = (String, String, DryRunRow, Vec<DryRunRow>);

#[derive(askama::Template)]
#[template(path = "programme_rules.html")]
struct RulesPage {
    nav: Option<Nav>,
    /// A second factor's code is asked with the save (the step-up).
    asks_code: bool,
    code: String,
    name: String,
    in_force: i64,
    text: String,
    note: String,
    notice: String,
    error: String,
    household_values: &'static [(&'static str, &'static str)],
    member_values: &'static [(&'static str, &'static str)],
    dry_run: Option<DryRunTable>,
    versions: Vec<VersionRow>,
}

#[derive(Deserialize, Default)]
pub struct RulesQuery {
    pesan: Option<String>,
    /// The notice's signature ([`crate::notice`]).
    tanda: Option<String>,
}

async fn rules_page_for(
    state: &AppState,
    user: &PageUser,
    code: &str,
    text: Option<String>,
    note: String,
) -> Result<RulesPage, WebError> {
    let code = code.to_uppercase();
    let versions = state.service.programme_versions(&code).await?;
    let zone = crate::pages::zone_of(&user.session.actor.scope);
    let in_force = state
        .service
        .programmes()
        .await?
        .into_iter()
        .find(|p| p.programme.code == code)
        .ok_or(WebError::NotFound)?;
    Ok(RulesPage {
        nav: Nav::of(user),
        asks_code: crate::second_factor::asks_code(state, user),
        name: in_force.programme.name.clone(),
        in_force: in_force.version,
        text: text.unwrap_or_else(|| in_force.programme.text.clone()),
        note,
        notice: String::new(),
        error: String::new(),
        household_values: siks_domain::programmes::HOUSEHOLD_VALUES,
        member_values: siks_domain::programmes::MEMBER_VALUES,
        dry_run: None,
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                saved_at: v
                    .saved_at
                    .map(|at| zone.at(at))
                    .unwrap_or_else(|| "-".into()),
                saved_by: v.saved_by,
                note: v.note,
                definition: v.definition,
            })
            .collect(),
        code,
    })
}

/// `GET /program/{code}/aturan`: the definition in force to edit, its versions, the values a
/// rule may read.
pub async fn rules_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
    Query(q): Query<RulesQuery>,
) -> Result<Html<String>, WebError> {
    let mut page = rules_page_for(&state, &user, &code, None, String::new()).await?;
    page.notice = crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref())
        .unwrap_or_default();
    render(page)
}

/// The page again with the text as typed and the store's refusal (in the page's language),
/// answered 422.
fn refused(mut page: RulesPage, e: siks_service::ServiceError) -> Result<Response, WebError> {
    match e {
        siks_service::ServiceError::Invalid { .. } => {
            page.error = crate::lang::say(&e);
            let html = render(page)?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        other => Err(other.into()),
    }
}

/// The definition posted must be the programme the page is for.
fn same_code(code: &str, text: &str) -> Result<(), siks_service::ServiceError> {
    match siks_domain::programmes::Programme::parse(text) {
        Ok(p) if !p.code.eq_ignore_ascii_case(code) => Err(siks_service::ServiceError::Invalid {
            indonesian: format!(
                "kode di definisi ({}) tidak sama dengan program yang dibuka ({})",
                p.code,
                code.to_uppercase()
            ),
            english: format!(
                "the definition's code ({}) is not the programme opened ({})",
                p.code,
                code.to_uppercase()
            ),
        }),
        _ => Ok(()),
    }
}

/// The rules form after its CSRF check: the definition (browsers send CRLF line ends) and the
/// note.
fn rules_form(user: &PageUser, form: &[(String, String)]) -> Result<(String, String), WebError> {
    user.check_csrf(form_value(form, "csrf"))?;
    Ok((
        form_value(form, "definisi").replace("\r\n", "\n"),
        form_value(form, "catatan").to_string(),
    ))
}

/// `POST /program/{code}/uji`: what the definition typed would change, per province, without
/// saving it: a job (it assesses every household twice), whose table the page below shows. A
/// definition that does not read is refused here, on the page, with the text kept.
pub async fn dry_run(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (text, note) = rules_form(&user, &form)?;
    let page = rules_page_for(&state, &user, &code, Some(text.clone()), note).await?;
    if let Err(e) = same_code(&code, &text).and_then(|()| {
        state
            .service
            .check_rules_may_be_tried(&user.session.actor, &text)
    }) {
        return refused(page, e);
    }
    let request = siks_domain::jobs::JobRequest::RuleDryRun {
        programme: page.code.clone(),
        definition: text,
    };
    match crate::jobs::start_and_wait(&state, &user, request).await {
        // One dry run of the user's at a time: the page again, the text kept, saying so.
        Err(WebError::Conflict(why)) => refused(
            page,
            siks_service::ServiceError::Invalid {
                indonesian: why.clone(),
                english: why,
            },
        ),
        other => other,
    }
}

/// `GET /program/{code}/uji/{job}`: the table of a rules dry run the user started, with the
/// definition it tried back in the editor (to change further or save). Until the job has ended,
/// its progress page.
pub async fn dry_run_result(
    State(state): State<AppState>,
    user: PageUser,
    Path((code, job)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id: siks_domain::jobs::JobId = job.parse().map_err(|_| WebError::NotFound)?;
    let job = state.service.job(&user.session.actor, id).await?;
    let siks_domain::jobs::JobRequest::RuleDryRun {
        programme,
        definition,
    } = &job.request
    else {
        return Err(WebError::NotFound);
    };
    if !programme.eq_ignore_ascii_case(&code) {
        return Err(WebError::NotFound);
    }
    if job.state != siks_domain::jobs::JobState::Done {
        return Ok(see(format!("/tugas/{id}")));
    }
    let run: siks_service::programmes::DryRun =
        serde_json::from_str(job.result.as_deref().unwrap_or_default())
            .map_err(|e| WebError::Internal(format!("dry run {id} result unreadable: {e}")))?;
    let mut page = rules_page_for(
        &state,
        &user,
        &code,
        Some(definition.clone()),
        String::new(),
    )
    .await?;
    page.notice = job.outcome.clone().unwrap_or_default();
    page.dry_run = Some(dry_run_table(&run));
    Ok(render(page)?.into_response())
}

/// `POST /program/{code}/aturan`: saves the definition as a new version; refused with the line
/// and reason, the running rules unchanged, when it does not read.
pub async fn save_rules(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (text, note) = rules_form(&user, &form)?;
    // A rule change asks a fresh second factor; a wrong or missing code keeps the text.
    if let Err(e) =
        crate::second_factor::step_up(&state, &user, form_value(&form, "kode"), "rules").await
    {
        let mut page = rules_page_for(&state, &user, &code, Some(text), note).await?;
        page.error = e.page_message();
        let status = match e {
            WebError::TooMany(_) => axum::http::StatusCode::TOO_MANY_REQUESTS,
            _ => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok((status, render(page)?).into_response());
    }
    let saved = match same_code(&code, &text) {
        Ok(()) => {
            state
                .service
                .save_programme(&user.session.actor, &text, &note)
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(version) => Ok(see(crate::notice::to(
            &user.session.actor,
            &format!("/program/{}/aturan", code.to_uppercase()),
            &crate::lang::tf("Versi {} disimpan dan berlaku", &[&version]),
        ))),
        Err(e) => {
            let page = rules_page_for(&state, &user, &code, Some(text), note).await?;
            refused(page, e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rule_in_words;

    #[test]
    fn a_rule_reads_in_words() {
        assert_eq!(
            rule_in_words("desil >= 1 && desil <= 3"),
            "desil ≥ 1 dan desil ≤ 3"
        );
        assert_eq!(
            rule_in_words("!(anak == 0) || lansia != 2"),
            "bukan (anak = 0) atau lansia ≠ 2"
        );
    }
}
