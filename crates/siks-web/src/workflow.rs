//! The pages of the way up: each role's inbox with waiting times and batch steps, one proposal
//! with its trail, the village's musdes and SPTJM forms, the regency's ratification, the printable
//! papers (berita acara, SPTJM, ratification list) and the ministry's period page. Handlers read
//! the form, call the store as the signed-in actor and render; the rules live in the store.

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path, Query};
use axum::extract::Multipart;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use siks_domain::clock::Stamp;
use siks_domain::documents::BackingDocument;
use siks_domain::jobs::JobRequest;
use siks_domain::workflow::{Backing, Period, ProposalContent, Stage, Step};
use siks_domain::{RegionCode, RegionLevel, Regions, Role};
use siks_service::documents::{MusdesDecision, PaperRow};
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{Nav, form_value, render, see};

fn region_name(code: &RegionCode) -> String {
    Regions::embedded()
        .get(code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn local(user: &PageUser, at: Stamp) -> String {
    crate::pages::zone_of(&user.session.actor.scope).at(at)
}

/// How long from `then` to `now`, in words of the request's language: "3 hari 4 jam", "5 jam",
/// "12 menit".
fn waited(then: Stamp, now: chrono::DateTime<chrono::Utc>) -> String {
    use crate::lang::tf;
    let minutes = (now - then.0).num_minutes().max(0);
    let (days, hours) = (minutes / 1440, (minutes % 1440) / 60);
    match (days, hours) {
        (0, 0) => tf("{} menit", &[&minutes]),
        (0, h) => tf("{} jam", &[&h]),
        (d, 0) => tf("{} hari", &[&d]),
        (d, h) => tf("{} hari {} jam", &[&d, &h]),
    }
}

/// The stage a role works at first (its inbox's default).
fn own_stage(role: Role) -> Option<Stage> {
    match role {
        Role::VillageOperator => Some(Stage::Draft),
        Role::RegencyVerifier => Some(Stage::RegencyVerification),
        Role::Ratifier => Some(Stage::Ratification),
        Role::ProvinceOperator => Some(Stage::ProvinceVerification),
        Role::Pusat => Some(Stage::PusatQc),
        _ => None,
    }
}

/// The step a batch form names, or the form's own complaint.
fn step_from_form(key: &str, reason: String) -> Result<Step, WebError> {
    Step::from_batch_key(key, reason).ok_or_else(|| {
        WebError::field("langkah", crate::lang::t("pilih langkah yang akan diambil"))
    })
}

fn ids_from_form(form: &[(String, String)]) -> Result<Vec<Uuid>, WebError> {
    form.iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| {
            v.parse().map_err(|_| {
                WebError::field(
                    "id",
                    crate::lang::t("id usulan tidak sah; muat ulang halaman"),
                )
            })
        })
        .collect()
}

// ------------------------------------------------------------------ inbox

struct InboxRow {
    id: String,
    kind: String,
    asked: Option<String>,
    village: String,
    household: String,
    subject: Subject,
    waited: String,
    reason: String,
    incoming: bool,
    /// Ticked when a refused batch step comes back to the page.
    ticked: bool,
}

/// What a proposal asks beyond its kind, from its content, in the request's language: the
/// fields a correction changes, the programme, the reason for a removal, the village a move goes
/// to, the member who joins.
fn asked(subject: &siks_service::proposals::ProposalSubject) -> Option<String> {
    use crate::lang::{t, tf};
    use siks_domain::workflow::Asked;
    Some(match &subject.what {
        Asked::NewHousehold { members } => tf("{} anggota", &[members]),
        Asked::Changes(list) if list.is_empty() => t("tidak ada kolom yang berubah").to_string(),
        Asked::Changes(list) => list
            .iter()
            .map(|c| {
                let (label, before, after) = crate::edit::change_row(c);
                tf("{}: {} → {}", &[&label, &before, &after])
            })
            .collect::<Vec<_>>()
            .join("; "),
        Asked::MemberJoins { name, relation } => {
            tf("anggota baru: {} ({})", &[name, &t(relation.label())])
        }
        Asked::Removal {
            whole_household,
            reason,
            evidence,
        } => {
            let whom = t(if *whole_household {
                "seluruh rumah tangga"
            } else {
                "anggota"
            });
            let mut line = tf("hapus {}: {}", &[&whom, &t(reason.label())]);
            if let Some(e) = evidence.as_deref().filter(|e| !e.trim().is_empty()) {
                line.push_str(&format!(" ({})", e.trim()));
            }
            line
        }
        Asked::Move { to } => tf("pindah ke {}", &[&siks_domain::workflow::region_name(to)]),
        Asked::Programme(code) => tf("program {}", &[code]),
        Asked::Nothing => return None,
    })
}

/// Who and what a proposal concerns, as a list row shows it (never a bare id).
struct Subject {
    head: String,
    nik: String,
    address: String,
    member: Option<String>,
    scan_missing: bool,
    /// NIKs already registered elsewhere (shown above the village only).
    clashes: Vec<String>,
}

impl Subject {
    fn of(s: siks_service::proposals::ProposalSubject) -> Subject {
        Subject {
            head: if s.head_name.is_empty() {
                crate::lang::t("(tanpa nama)").into()
            } else {
                s.head_name
            },
            nik: s.head_nik_masked,
            address: s.address,
            member: s.member,
            scan_missing: s.scan_missing,
            clashes: s.clashes,
        }
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    stage_key: String,
    stage_label: String,
    tabs: Vec<(String, String, u64, bool)>,
    rows: Vec<InboxRow>,
    steps: Vec<siks_domain::workflow::StepChoice>,
    notice: Option<String>,
    musdes_link: bool,
    sptjm_link: bool,
    ratify_link: bool,
    /// Why the batch step was refused (the ticks, the step and the reason kept).
    refusal: Option<String>,
    chosen_step: String,
    typed_reason: String,
}

/// What a refused batch step brings back to the inbox: what was ticked and typed, and why.
#[derive(Default)]
struct Kept {
    ticked: std::collections::HashSet<String>,
    step: String,
    reason: String,
    refusal: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    tahap: Option<String>,
    /// How many the last batch step moved (shown once after the redirect).
    selesai: Option<u64>,
}

/// Most proposals listed (and stepped) at once on the page.
const INBOX_LIMIT: u32 = 500;
/// Most proposals on one ratification list made from the page.
const RATIFY_LIMIT: u32 = 5000;

fn stage_of(actor: &siks_domain::Actor, key: Option<&str>) -> Result<Stage, WebError> {
    Ok(match key.filter(|t| !t.is_empty()) {
        Some(key) => Stage::parse(key).ok_or_else(|| {
            WebError::field(
                "tahap",
                crate::lang::tf("tahap '{}' tidak dikenal", &[&key]),
            )
        })?,
        None => own_stage(actor.role).unwrap_or(Stage::RegencyVerification),
    })
}

pub async fn inbox(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<InboxQuery>,
) -> Result<Html<String>, WebError> {
    let stage = stage_of(&user.session.actor, q.tahap.as_deref())?;
    let notice = q
        .selesai
        .map(|n| crate::lang::tf("{} usulan sudah diproses.", &[&n]));
    inbox_page(&state, &user, stage, notice, Kept::default()).await
}

async fn inbox_page(
    state: &AppState,
    user: &PageUser,
    stage: Stage,
    notice: Option<String>,
    kept: Kept,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let pipeline = state.service.pipeline(actor, None).await?;
    let tabs = Stage::ALL
        .iter()
        .map(|s| {
            let n = pipeline
                .iter()
                .filter(|c| c.stage == *s)
                .map(|c| c.count)
                .sum();
            (s.key().to_string(), s.label().to_string(), n, *s == stage)
        })
        .collect();
    let list = state
        .service
        .list_proposals_described(actor, Some(stage), INBOX_LIMIT)
        .await?;
    let now = state.service.now();
    let rows: Vec<InboxRow> = list
        .into_iter()
        .map(|(p, subject)| InboxRow {
            id: p.id.to_string(),
            kind: p.content.kind().label().to_string(),
            asked: asked(&subject),
            village: format!("{} ({})", region_name(&p.village), p.village),
            household: p.content.household().to_string(),
            subject: Subject::of(subject),
            waited: waited(p.updated_at, now),
            reason: p.reason.clone(),
            incoming: !actor.scope.contains(&p.village),
            ticked: kept.ticked.contains(&p.id.to_string()),
        })
        .collect();
    let role = actor.role;
    let village_role = matches!(role, Role::VillageOperator | Role::Admin);
    let refusal = kept.refusal.map(|r| {
        by_name(
            r,
            rows.iter().map(|row| {
                (
                    row.id.as_str(),
                    row.kind.as_str(),
                    row.subject.head.as_str(),
                )
            }),
        )
    });
    render(InboxPage {
        refusal,
        chosen_step: kept.step,
        typed_reason: kept.reason,
        nav: Nav::of(user),
        stage_key: stage.key().to_string(),
        stage_label: stage.label().to_string(),
        tabs,
        rows,
        steps: Step::offered(stage, role),
        notice,
        musdes_link: village_role && stage == Stage::Musdes,
        sptjm_link: village_role && matches!(stage, Stage::Draft | Stage::Returned),
        ratify_link: matches!(role, Role::Ratifier | Role::Admin) && stage == Stage::Ratification,
    })
}

/// A refusal that names a proposal by its id, said instead by its kind (in the request's
/// language) and whom it concerns (the operator knows the household, not the number).
fn by_name<'a>(message: String, rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> String {
    let mut message = message;
    for (id, kind, head) in rows {
        if message.contains(id) {
            let kind = crate::lang::t(kind);
            message = message.replace(&format!("usulan {id}"), &format!("usulan {kind} ({head})"));
            message = message.replace(id, &format!("{kind} ({head})"));
        }
    }
    message
}

/// A batch step from the inbox: every ticked proposal, one step, all or none.
pub async fn step_batch(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let stage = stage_of(&user.session.actor, Some(form_value(&form, "tahap")))?;
    match take_batch_step(&state, &user, &form).await {
        Ok(n) => Ok(see(format!("/usulan?tahap={}&selesai={n}", stage.key()))),
        // A refusal comes back on the same page, with what was ticked and typed.
        Err(WebError::Invalid { message, .. } | WebError::Conflict(message)) => {
            let kept = Kept {
                ticked: form
                    .iter()
                    .filter(|(k, _)| k == "id")
                    .map(|(_, v)| v.clone())
                    .collect(),
                step: form_value(&form, "langkah").to_string(),
                reason: form_value(&form, "alasan").to_string(),
                refusal: Some(message),
            };
            let page = inbox_page(&state, &user, stage, None, kept).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(WebError::NotFound) => {
            let kept = Kept {
                step: form_value(&form, "langkah").to_string(),
                reason: form_value(&form, "alasan").to_string(),
                refusal: Some(
                    crate::lang::t(
                        "usulan yang dicentang tidak ditemukan lagi di tahap ini; muat ulang lalu ulangi",
                    )
                    .into(),
                ),
                ..Kept::default()
            };
            let page = inbox_page(&state, &user, stage, None, kept).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

/// The batch step itself: how many proposals it moved, or why it moved none.
async fn take_batch_step(
    state: &AppState,
    user: &PageUser,
    form: &[(String, String)],
) -> Result<usize, WebError> {
    let ids = ids_from_form(form)?;
    if ids.is_empty() {
        return Err(WebError::field(
            "id",
            crate::lang::t("centang paling sedikit satu usulan"),
        ));
    }
    if ids.len() > INBOX_LIMIT as usize {
        return Err(WebError::field(
            "id",
            crate::lang::tf("paling banyak {} usulan sekaligus", &[&INBOX_LIMIT]),
        ));
    }
    let step = step_from_form(
        form_value(form, "langkah"),
        form_value(form, "alasan").to_string(),
    )?;
    state
        .service
        .step_proposals(&user.session.actor, &ids, &step, state.config.workflow)
        .await?;
    Ok(ids.len())
}

// ------------------------------------------------------------------ one proposal

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    nav: Option<Nav>,
    id: String,
    /// The proposal's short number, as a person reads it out.
    reference: String,
    kind: String,
    stage: String,
    village: String,
    household: String,
    subject: Option<Subject>,
    reason: String,
    document: Option<String>,
    details: Vec<(String, String, String)>,
    steps: Vec<(String, String, String, String, String)>,
    /// The photos a correction adds: (household, SHA-256, indicator), for the verifier to see.
    photos: Vec<(String, String, String)>,
    /// "Saved" after a form saved it.
    saved: bool,
    /// The village may still revise, submit or withdraw it (a draft or returned proposal).
    editable: bool,
    stage_key: String,
    csrf: String,
}

/// The photos a household correction carries, to be shown beside its fields.
fn details_photos(household: &siks_domain::Household) -> Vec<(String, String, String)> {
    household
        .evidence
        .iter()
        .map(|e| {
            (
                household.id.to_string(),
                e.sha256.clone(),
                e.kind.label().to_string(),
            )
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalQuery {
    pesan: Option<String>,
}

pub async fn proposal_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<ProposalQuery>,
) -> Result<Html<String>, WebError> {
    use crate::lang::{t, tf};
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let (p, steps) = state
        .service
        .proposal(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    // What it asks, field by field against the register as it stands now.
    let change_row = crate::edit::change_row;
    let details = match &p.content {
        ProposalContent::HouseholdCorrection { household, .. } => {
            match state.service.household(actor, household.id).await? {
                Some(now) => {
                    siks_domain::workflow::household_diff(&now.household.record, household)
                        .into_iter()
                        .map(|c| change_row(&c))
                        .collect()
                }
                None => Vec::new(),
            }
        }
        ProposalContent::PersonCorrection { person, .. } => {
            match state.service.person(actor, person.id).await? {
                // Masked and kept back as on the member's page (ADR 0021): the numbers masked,
                // a mother's name and health only for the roles that collect them.
                Some(now) => siks_domain::workflow::person_diff(&now.record, person)
                    .into_iter()
                    .map(
                        |c| match siks_domain::disclosure::guarded_change(actor.role, &c) {
                            Some(shown) => change_row(&shown),
                            None => {
                                let (label, _, _) = change_row(&c);
                                let kept = t("(disembunyikan)").to_string();
                                (label, kept.clone(), kept)
                            }
                        },
                    )
                    .collect(),
                None => Vec::new(),
            }
        }
        ProposalContent::NewHousehold { members, .. } => members
            .iter()
            .map(|m| {
                (
                    crate::lang::tc("satu", "Anggota").to_string(),
                    String::new(),
                    format!("{} ({})", m.full_name, t(m.relation_to_head.label())),
                )
            })
            .collect(),
        ProposalContent::Removal { person, reason, .. } => vec![(
            if person.is_some() {
                t("Anggota dihapus").into()
            } else {
                t("Rumah tangga dihapus").into()
            },
            String::new(),
            t(reason.label()).to_string(),
        )],
        ProposalContent::Move { to_village, .. } => vec![(
            t("Desa/kelurahan").into(),
            region_name(&p.village),
            format!("{} ({to_village})", region_name(to_village)),
        )],
        ProposalContent::ProgrammeRequest { programme, .. } => {
            vec![(
                crate::lang::tc("satu", "Program").into(),
                String::new(),
                programme.clone(),
            )]
        }
        ProposalContent::MemberJoins { person } => vec![(
            t("Anggota masuk").into(),
            String::new(),
            tf(
                "{} ({}, lahir {})",
                &[
                    &person.full_name,
                    &t(person.relation_to_head.label()),
                    &siks_domain::show::date(person.birth_date),
                ],
            ),
        )],
    };
    let subject = state
        .service
        .proposal_subject(actor, p.id)
        .await?
        .map(Subject::of);
    let photos = match &p.content {
        ProposalContent::HouseholdCorrection { household, .. } => details_photos(household),
        _ => Vec::new(),
    };
    let editable = matches!(p.stage, Stage::Draft | Stage::Returned)
        && crate::PROPOSERS.contains(&actor.role)
        && actor.scope.contains(&p.village);
    render(ProposalPage {
        reference: crate::words::short_id(&p.id.to_string()),
        saved: q.pesan.as_deref() == Some("tersimpan"),
        stage_key: p.stage.key().to_string(),
        photos,
        editable,
        csrf: user.session.csrf_token.clone(),
        nav: Nav::of(&user),
        id: p.id.to_string(),
        kind: p.content.kind().label().to_string(),
        stage: p.stage.label().to_string(),
        village: format!("{} ({})", region_name(&p.village), p.village),
        household: p.content.household().to_string(),
        subject,
        reason: p.reason.clone(),
        document: p.document.map(|d| d.to_string()),
        details,
        steps: steps
            .iter()
            .map(|s| {
                (
                    local(&user, s.at),
                    s.step.label().to_string(),
                    // A step that stays (the proposal entered, revised) names its stage once.
                    if s.from == s.to {
                        t(s.to.label()).to_string()
                    } else {
                        format!("{} → {}", t(s.from.label()), t(s.to.label()))
                    },
                    s.actor_role.label().to_string(),
                    s.note.clone(),
                )
            })
            .collect(),
    })
}

// ------------------------------------------------------------------ musdes and SPTJM

struct Candidate {
    id: String,
    kind: String,
    asked: Option<String>,
    household: String,
    subject: Subject,
    village: String,
}

#[derive(Template)]
#[template(path = "paper_form.html")]
struct PaperFormPage {
    nav: Option<Nav>,
    musdes: bool,
    candidates: Vec<Candidate>,
    today: String,
    /// What was typed and ticked, when a refusal brings the form back (empty otherwise).
    typed: Vec<(String, String)>,
    refusal: Option<String>,
}

impl PaperFormPage {
    /// A typed field as posted, or `default` on a fresh form.
    fn typed_or(&self, key: &str, default: &str) -> String {
        if self.refusal.is_none() {
            return default.to_string();
        }
        form_value(&self.typed, key).to_string()
    }

    /// Whether a proposal's row is ticked: all on a fresh form, as posted after a refusal.
    fn ticked(&self, id: &str) -> bool {
        self.refusal.is_none() || self.typed.iter().any(|(k, v)| k == "id" && v == id)
    }

    /// Whether a musdes row was posted as not approved.
    fn refused_row(&self, id: &str) -> bool {
        form_value(&self.typed, &format!("keputusan-{id}")) == "tolak"
    }
}

async fn paper_form(
    state: &AppState,
    user: &PageUser,
    musdes: bool,
) -> Result<Html<String>, WebError> {
    paper_form_with(state, user, musdes, Vec::new(), None).await
}

async fn paper_form_with(
    state: &AppState,
    user: &PageUser,
    musdes: bool,
    typed: Vec<(String, String)>,
    refusal: Option<String>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let stages: &[Stage] = if musdes {
        &[Stage::Musdes]
    } else {
        &[Stage::Draft, Stage::Returned]
    };
    let mut candidates = Vec::new();
    for stage in stages {
        for (p, subject) in state
            .service
            .list_proposals_described(actor, Some(*stage), INBOX_LIMIT)
            .await?
        {
            if actor.scope.contains(&p.village) {
                candidates.push(Candidate {
                    id: p.id.to_string(),
                    kind: p.content.kind().label().to_string(),
                    asked: asked(&subject),
                    household: p.content.household().to_string(),
                    subject: Subject::of(subject),
                    village: format!("{} ({})", region_name(&p.village), p.village),
                });
            }
        }
    }
    let refusal = refusal.map(|r| {
        by_name(
            r,
            candidates
                .iter()
                .map(|c| (c.id.as_str(), c.kind.as_str(), c.subject.head.as_str())),
        )
    });
    render(PaperFormPage {
        nav: Nav::of(user),
        musdes,
        candidates,
        today: state.service.today().to_string(),
        typed,
        refusal,
    })
}

pub async fn musdes_form(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Html<String>, WebError> {
    paper_form(&state, &user, true).await
}

pub async fn sptjm_form(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Html<String>, WebError> {
    paper_form(&state, &user, false).await
}

/// A multipart form's text fields (in order, repeated keys kept) and its one file.
pub(crate) async fn read_multipart(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    file_field: &str,
    limit_kib: usize,
) -> Result<(Vec<(String, String)>, Option<Vec<u8>>), WebError> {
    use crate::lang::tf;
    let mut multipart = multipart
        .map_err(|e| WebError::invalid(tf("unggahan tidak sah: {}", &[&e.body_text()])))?;
    let too_large = || {
        WebError::field(
            file_field,
            tf("berkas terlalu besar: paling besar {} KiB", &[&limit_kib]),
        )
    };
    let (mut fields, mut file) = (Vec::new(), None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => {
                return Err(WebError::field(
                    file_field,
                    tf("unggahan tidak sah: {}", &[&e.body_text()]),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        // The uploaded file's own name, for the record (`<field>:name`).
        if name == file_field
            && let Some(file_name) = field.file_name().filter(|n| !n.is_empty())
        {
            fields.push((format!("{file_field}:name"), file_name.to_string()));
        }
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                WebError::field(file_field, tf("unggahan tidak sah: {}", &[&e.body_text()]))
            }
        })?;
        if name == file_field {
            file = Some(bytes.to_vec()).filter(|b| !b.is_empty());
        } else {
            fields.push((name, String::from_utf8_lossy(&bytes).trim().to_string()));
        }
    }
    Ok((fields, file))
}

/// The details of a village paper from its form.
fn paper_details(
    form: &[(String, String)],
    kind: Backing,
    village: RegionCode,
) -> Result<BackingDocument, WebError> {
    let held_on =
        NaiveDate::parse_from_str(form_value(form, "tanggal"), "%Y-%m-%d").map_err(|_| {
            WebError::field(
                "tanggal",
                crate::lang::t("isi tanggal dengan benar (TTTT-BB-HH)"),
            )
        })?;
    let attendees = match kind {
        Backing::Musdes => form_value(form, "peserta").parse().map_err(|_| {
            WebError::field("peserta", crate::lang::t("isi jumlah peserta dengan angka"))
        })?,
        Backing::Sptjm => 0,
    };
    Ok(BackingDocument {
        kind,
        village,
        held_on,
        place: form_value(form, "tempat").to_string(),
        attendees,
        chair: form_value(form, "nama").to_string(),
        chair_title: form_value(form, "jabatan").to_string(),
    })
}

/// The village of the proposals a paper covers (all of them must share it).
async fn village_of(
    state: &AppState,
    user: &PageUser,
    ids: &[Uuid],
) -> Result<RegionCode, WebError> {
    let first = ids.first().ok_or_else(|| {
        WebError::field("id", crate::lang::t("centang paling sedikit satu usulan"))
    })?;
    let (p, _) = state
        .service
        .proposal(&user.session.actor, *first)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(p.village)
}

/// A musdes or SPTJM form as posted: its text fields (the ticked proposals among them) and the
/// scan.
struct PaperForm {
    fields: Vec<(String, String)>,
    scan: Option<Vec<u8>>,
}

async fn read_paper_form(
    user: &PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<PaperForm, WebError> {
    let (fields, scan) = read_multipart(
        multipart,
        "pindaian",
        siks_service::documents::MAX_SCAN_BYTES / 1024,
    )
    .await?;
    user.check_csrf(form_value(&fields, "csrf"))?;
    Ok(PaperForm { fields, scan })
}

/// A refused musdes or SPTJM comes back on its form with what was ticked and typed, and why
/// (the scan must be chosen again: a browser does not send a file back).
async fn paper_refused(
    state: &AppState,
    user: &PageUser,
    musdes: bool,
    form: PaperForm,
    result: Result<Uuid, WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(id) => Ok(see(format!("/dokumen/{id}"))),
        Err(WebError::Invalid { message, .. } | WebError::Conflict(message)) => {
            let message = if form.scan.is_some() {
                crate::lang::tf("{} (pilih lagi berkas pindaiannya)", &[&message])
            } else {
                message
            };
            let page = paper_form_with(state, user, musdes, form.fields, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn record_musdes(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let form = read_paper_form(&user, multipart).await?;
    let result = async {
        let ids = ids_from_form(&form.fields)?;
        let village = village_of(&state, &user, &ids).await?;
        let details = paper_details(&form.fields, Backing::Musdes, village)?;
        let decisions: Vec<MusdesDecision> = ids
            .iter()
            .map(|id| MusdesDecision {
                proposal: *id,
                approved: form_value(&form.fields, &format!("keputusan-{id}")) != "tolak",
                reason: form_value(&form.fields, &format!("alasan-{id}")).to_string(),
            })
            .collect();
        Ok::<_, WebError>(
            state
                .service
                .record_musdes(
                    &user.session.actor,
                    details,
                    &decisions,
                    form.scan.as_deref(),
                    state.config.workflow,
                )
                .await?,
        )
    }
    .await;
    paper_refused(&state, &user, true, form, result).await
}

pub async fn sign_sptjm(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let form = read_paper_form(&user, multipart).await?;
    let result = async {
        let ids = ids_from_form(&form.fields)?;
        let village = village_of(&state, &user, &ids).await?;
        let details = paper_details(&form.fields, Backing::Sptjm, village)?;
        Ok::<_, WebError>(
            state
                .service
                .sign_sptjm(
                    &user.session.actor,
                    details,
                    &ids,
                    form.scan.as_deref(),
                    state.config.workflow,
                )
                .await?,
        )
    }
    .await;
    paper_refused(&state, &user, false, form, result).await
}

// ------------------------------------------------------------------ papers

struct PrintRow {
    row: i64,
    kind: String,
    name: String,
    nik: String,
    address: String,
    decision: String,
}

fn print_rows(rows: &[PaperRow], decisions: bool) -> Vec<PrintRow> {
    rows.iter()
        .map(|r| PrintRow {
            row: r.row,
            kind: r.kind.label().to_string(),
            name: r.name.clone(),
            nik: r.nik_masked.clone(),
            address: r.address.clone(),
            decision: match (decisions, r.approved) {
                (false, _) => String::new(),
                (true, true) => "Disetujui".into(),
                (true, false) => format!("Tidak disetujui: {}", r.note),
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "paper.html")]
struct PaperPage {
    nav: Option<Nav>,
    id: String,
    title: String,
    number: String,
    region_lines: Vec<(String, String)>,
    facts: Vec<(String, String)>,
    opening: String,
    rows: Vec<PrintRow>,
    decisions: bool,
    signatures: Vec<(String, String)>,
    place_date: String,
    scan: Option<String>,
    can_upload: bool,
    /// This paper as a PDF.
    pdf_link: String,
}

/// The region lines printed at the head of a paper: province down to the region itself.
pub(crate) fn region_lines(code: &RegionCode) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    let mut at = Some(code.clone());
    while let Some(c) = at {
        let level = match c.level() {
            RegionLevel::Province => "Provinsi",
            RegionLevel::Regency => "Kabupaten/Kota",
            RegionLevel::District => "Kecamatan",
            RegionLevel::Village => "Desa/Kelurahan",
        };
        lines.push((level.to_string(), format!("{} ({c})", region_name(&c))));
        at = c.parent();
    }
    lines.reverse();
    lines
}

fn long_date(d: NaiveDate) -> String {
    siks_domain::show::date_long(d)
}

pub async fn paper_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    render(village_paper(&state, &user, &id).await?)
}

/// `GET /dokumen/{id}/pdf`: the berita acara or SPTJM as a PDF.
pub async fn paper_pdf(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = village_paper(&state, &user, &id).await?;
    pdf_response(
        &state,
        &page.paper(),
        &format!("dokumen-{}", crate::words::short_id(&page.id)),
    )
    .await
}

/// `GET /pengesahan/{id}/pdf`: the ratification list as a PDF.
pub async fn ratification_pdf(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = ratification_paper(&state, &user, &id).await?;
    pdf_response(
        &state,
        &page.paper(),
        &format!("pengesahan-{}", crate::words::short_id(&page.id)),
    )
    .await
}

/// A paper as a PDF download, made off the async workers.
pub(crate) async fn pdf_response(
    state: &AppState,
    paper: &crate::pdf::Paper,
    file_stem: &str,
) -> Result<Response, WebError> {
    let paper = paper.clone();
    let made = state.service.now().timestamp();
    let bytes = tokio::task::spawn_blocking(move || crate::pdf::render(&paper, made))
        .await
        .map_err(|e| WebError::Internal(format!("PDF task failed: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

impl PaperPage {
    /// The print page's content for its PDF.
    fn paper(&self) -> crate::pdf::Paper {
        let mut columns: Vec<(String, f32)> = vec![
            ("No.".into(), 0.8),
            ("Nama".into(), 3.0),
            ("NIK".into(), 2.6),
            ("Alamat".into(), 3.6),
            ("Jenis usulan".into(), 2.4),
        ];
        if self.decisions {
            columns.push(("Keputusan".into(), 2.2));
        }
        crate::pdf::Paper {
            title: self.title.clone(),
            number: self.number.clone(),
            head: self
                .region_lines
                .iter()
                .chain(&self.facts)
                .cloned()
                .collect(),
            opening: self.opening.clone(),
            columns,
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let mut cells = vec![
                        r.row.to_string(),
                        r.name.clone(),
                        r.nik.clone(),
                        r.address.clone(),
                        r.kind.clone(),
                    ];
                    if self.decisions {
                        cells.push(r.decision.clone());
                    }
                    cells
                })
                .collect(),
            place_date: self.place_date.clone(),
            signatures: self.signatures.clone(),
        }
    }
}

/// A berita acara or SPTJM as its print page shows it.
async fn village_paper(state: &AppState, user: &PageUser, id: &str) -> Result<PaperPage, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let doc = state
        .service
        .village_document(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let d = &doc.details;
    let village = region_name(&d.village);
    let period = siks_domain::show::period(&format!(
        "{:04}-{:02}",
        chrono::Datelike::year(&d.held_on),
        chrono::Datelike::month(&d.held_on)
    ));
    let (title, facts, opening, signatures, decisions) = match d.kind {
        Backing::Musdes => (
            "Berita Acara Musyawarah Desa/Kelurahan".to_string(),
            vec![
                ("Hari, tanggal".to_string(), long_date(d.held_on)),
                ("Tempat".to_string(), d.place.clone()),
                (
                    "Jumlah peserta".to_string(),
                    format!("{} orang", d.attendees),
                ),
                (
                    "Pimpinan musyawarah".to_string(),
                    format!("{} ({})", d.chair, d.chair_title),
                ),
                ("Periode".to_string(), period),
            ],
            format!(
                "Pada hari ini, {}, bertempat di {}, telah dilaksanakan musyawarah desa/kelurahan {village} \
                 untuk membahas usulan perubahan Data Terpadu Sosial Ekonomi Nasional (DTSEN) berikut, dengan keputusan \
                 sebagaimana tercantum pada setiap baris.",
                long_date(d.held_on),
                d.place
            ),
            vec![
                ("Pimpinan musyawarah".to_string(), d.chair.clone()),
                ("Notulis".to_string(), String::new()),
                ("Wakil masyarakat".to_string(), String::new()),
            ],
            true,
        ),
        Backing::Sptjm => (
            "Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)".to_string(),
            vec![
                ("Nama".to_string(), d.chair.clone()),
                (
                    "Jabatan".to_string(),
                    format!("{} {village}", d.chair_title),
                ),
                ("Tanggal".to_string(), long_date(d.held_on)),
                ("Periode".to_string(), period),
            ],
            format!(
                "Yang bertanda tangan di bawah ini menyatakan bertanggung jawab penuh atas kebenaran usulan perubahan \
                 data berikut dari desa/kelurahan {village}, yang diajukan tanpa musyawarah desa/kelurahan. Apabila di \
                 kemudian hari ternyata data ini tidak benar, saya bersedia menanggung akibatnya sesuai ketentuan \
                 peraturan perundang-undangan."
            ),
            vec![(d.chair_title.clone(), d.chair.clone())],
            false,
        ),
    };
    let actor = &user.session.actor;
    Ok(PaperPage {
        nav: Nav::of(user),
        id: doc.id.to_string(),
        title,
        number: String::new(),
        region_lines: region_lines(&d.village),
        facts,
        opening,
        rows: print_rows(&doc.rows, decisions),
        decisions,
        signatures,
        place_date: format!("{village}, {}", long_date(d.held_on)),
        scan: doc.scan_type.as_deref().map(|t| {
            match t {
                "application/pdf" => "PDF",
                "image/jpeg" => "foto JPEG",
                "image/png" => "gambar PNG",
                _ => "berkas",
            }
            .to_string()
        }),
        can_upload: matches!(actor.role, Role::VillageOperator | Role::Admin),
        pdf_link: format!("/dokumen/{}/pdf", doc.id),
    })
}

pub async fn upload_scan(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let (form, scan) = read_multipart(
        multipart,
        "pindaian",
        siks_service::documents::MAX_SCAN_BYTES / 1024,
    )
    .await?;
    user.check_csrf(form_value(&form, "csrf"))?;
    let scan =
        scan.ok_or_else(|| WebError::field("pindaian", crate::lang::t("pilih berkas pindaian")))?;
    state
        .service
        .attach_scan(&user.session.actor, id, &scan)
        .await?;
    Ok(see(format!("/dokumen/{id}")))
}

pub async fn scan(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let (content_type, bytes) = state
        .service
        .document_scan(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

struct PaperLine {
    link: String,
    kind: String,
    region: String,
    title: String,
    at: String,
    rows: i64,
    scanned: bool,
}

#[derive(Template)]
#[template(path = "papers.html")]
struct PapersPage {
    nav: Option<Nav>,
    papers: Vec<PaperLine>,
}

pub async fn papers(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Html<String>, WebError> {
    let list = state.service.list_papers(&user.session.actor, 200).await?;
    let papers = list
        .into_iter()
        .map(|p| PaperLine {
            link: if p.kind == "pengesahan" {
                format!("/pengesahan/{}", p.id)
            } else {
                format!("/dokumen/{}", p.id)
            },
            kind: crate::lang::t(match p.kind.as_str() {
                "musdes" => "Berita acara musdes",
                "sptjm" => "SPTJM",
                _ => "Daftar pengesahan",
            })
            .into(),
            region: format!("{} ({})", region_name(&p.region), p.region),
            // A meeting or signing day is stored as a date; a ratification's title is its number.
            title: chrono::NaiveDate::parse_from_str(&p.title, "%Y-%m-%d")
                .map(siks_domain::show::date)
                .unwrap_or(p.title),
            at: local(&user, p.created_at),
            rows: p.rows,
            scanned: p.scanned,
        })
        .collect();
    render(PapersPage {
        nav: Nav::of(&user),
        papers,
    })
}

// ------------------------------------------------------------------ ratification

#[derive(Template)]
#[template(path = "ratify.html")]
struct RatifyPage {
    nav: Option<Nav>,
    regency: String,
    regency_name: String,
    candidates: Vec<Candidate>,
    /// For a scope wider than a regency with none chosen: the regencies with proposals waiting,
    /// (code, name, how many).
    choices: Vec<(String, String, usize)>,
}

/// The ratifier's regency (an admin of a wider scope names it with `?wilayah=`).
fn ratifier_regency(user: &PageUser, asked: Option<&str>) -> Result<RegionCode, WebError> {
    let scope = &user.session.actor.scope;
    let code = match (asked.filter(|a| !a.is_empty()), scope.region()) {
        (Some(a), _) => RegionCode::parse_known(a)
            .map_err(|e| WebError::field("wilayah", crate::lang::say(&e)))?,
        (None, Some(r)) => r.clone(),
        (None, None) => {
            return Err(WebError::field(
                "wilayah",
                crate::lang::t("pilih kabupaten/kota (?wilayah=KODE)"),
            ));
        }
    };
    code.at_level(RegionLevel::Regency)
        .ok_or_else(|| WebError::field("wilayah", crate::lang::t("pilih kabupaten/kota")))
}

#[derive(Deserialize, Default)]
pub struct RegionQuery {
    wilayah: Option<String>,
}

pub async fn ratify_form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<RegionQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let chosen = q.wilayah.as_deref().filter(|w| !w.is_empty());
    let inside_a_regency = actor
        .scope
        .region()
        .is_some_and(|r| r.at_level(RegionLevel::Regency).is_some());
    if chosen.is_none() && !inside_a_regency {
        // A wider scope first chooses the regency whose list it ratifies.
        let mut choices: Vec<(String, String, usize)> = Vec::new();
        for (p, _) in state
            .service
            .list_proposals_described(actor, Some(Stage::Ratification), RATIFY_LIMIT)
            .await?
        {
            let Some(regency) = p.village.at_level(RegionLevel::Regency) else {
                continue;
            };
            let code = regency.to_string();
            match choices.iter_mut().find(|c| c.0 == code) {
                Some(c) => c.2 += 1,
                None => choices.push((code, region_name(&regency), 1)),
            }
        }
        choices.sort();
        return render(RatifyPage {
            nav: Nav::of(&user),
            regency_name: String::new(),
            regency: String::new(),
            candidates: Vec::new(),
            choices,
        });
    }
    let regency = ratifier_regency(&user, chosen)?;
    let candidates = state
        .service
        .list_proposals_described(actor, Some(Stage::Ratification), RATIFY_LIMIT)
        .await?
        .into_iter()
        .filter(|(p, _)| regency.contains(&p.village))
        .map(|(p, subject)| Candidate {
            id: p.id.to_string(),
            kind: p.content.kind().label().to_string(),
            asked: asked(&subject),
            household: p.content.household().to_string(),
            subject: Subject::of(subject),
            village: format!("{} ({})", region_name(&p.village), p.village),
        })
        .collect();
    render(RatifyPage {
        nav: Nav::of(&user),
        regency_name: region_name(&regency),
        regency: regency.to_string(),
        candidates,
        choices: Vec::new(),
    })
}

pub async fn ratify(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let regency = ratifier_regency(&user, Some(form_value(&form, "wilayah")))?;
    let ids = ids_from_form(&form)?;
    let id = state
        .service
        .ratify(
            &user.session.actor,
            &regency,
            Some(&ids),
            state.config.workflow,
        )
        .await?;
    Ok(see(format!("/pengesahan/{id}")))
}

pub async fn ratification_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    render(ratification_paper(&state, &user, &id).await?)
}

/// A ratification list as its print page shows it.
async fn ratification_paper(
    state: &AppState,
    user: &PageUser,
    id: &str,
) -> Result<PaperPage, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let list = state
        .service
        .ratification(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let name = region_name(&list.regency);
    let at = local(user, list.ratified_at);
    Ok(PaperPage {
        nav: Nav::of(user),
        id: list.id.to_string(),
        title: "Daftar Pengesahan Usulan Perubahan DTSEN".into(),
        number: list.number.clone(),
        region_lines: region_lines(&list.regency),
        facts: vec![
            ("Nomor".into(), list.number.clone()),
            ("Disahkan".into(), at.clone()),
            ("Jumlah usulan".into(), list.rows.len().to_string()),
        ],
        opening: format!(
            "Usulan perubahan data berikut, yang telah diverifikasi Dinas Sosial {name}, disahkan oleh \
             Bupati/Walikota atau pejabat yang ditunjuk untuk diteruskan ke tahap berikutnya."
        ),
        rows: print_rows(&list.rows, false),
        decisions: false,
        signatures: vec![(
            "Bupati/Walikota atau pejabat yang ditunjuk".into(),
            list.ratified_by.clone(),
        )],
        place_date: format!(
            "{name}, {}",
            long_date(
                crate::pages::zone_of(&user.session.actor.scope)
                    .clock(list.ratified_at)
                    .date_naive()
            )
        ),
        scan: None,
        can_upload: false,
        pdf_link: format!("/pengesahan/{}/pdf", list.id),
    })
}

// ------------------------------------------------------------------ periods

#[derive(Template)]
#[template(path = "periods.html")]
struct PeriodsPage {
    nav: Option<Nav>,
    closed: Vec<String>,
    suggested: String,
    /// Why the next period may not close yet (its month has not begun): no form then.
    not_yet: Option<String>,
    accepted: u64,
    comparison: Option<Comparison>,
    can_close: bool,
    notice: Option<String>,
}

struct Comparison {
    before: String,
    after: String,
    region: String,
    households: (u64, u64),
    persons: (u64, u64),
    entered: u64,
    left: u64,
    changed: u64,
    /// The query that asks the download for the same comparison.
    query: String,
    children: Vec<siks_service::periods::RegionComparison>,
}

#[derive(Deserialize, Default)]
pub struct PeriodsQuery {
    /// What a close that ran as a job came to.
    pesan: Option<String>,
    /// The notice's signature ([`crate::notice`]).
    tanda: Option<String>,
    ditutup: Option<String>,
    diterapkan: Option<u64>,
    dikembalikan: Option<u64>,
    sebelum: Option<String>,
    sesudah: Option<String>,
    wilayah: Option<String>,
}

fn period_field(field: &str, text: &str) -> Result<Period, WebError> {
    Period::parse(text).map_err(|e| WebError::field(field, crate::lang::say(&e)))
}

pub async fn periods_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PeriodsQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let closed = state.service.closed_periods().await?;
    let (next, not_yet) = state.service.next_period_to_close().await?;
    let accepted = state
        .service
        .pipeline(actor, None)
        .await?
        .iter()
        .filter(|c| c.stage == Stage::Accepted)
        .map(|c| c.count)
        .sum();
    let comparison = match (q.sebelum.as_deref(), q.sesudah.as_deref()) {
        (Some(b), Some(a)) if !b.is_empty() && !a.is_empty() => {
            let (before, after) = (period_field("sebelum", b)?, period_field("sesudah", a)?);
            let region = match q.wilayah.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => Some(
                    RegionCode::parse_known(r)
                        .map_err(|e| WebError::field("wilayah", crate::lang::say(&e)))?,
                ),
                None => None,
            };
            let all = state
                .service
                .compare_periods_by_region(actor, region.as_ref(), before, after)
                .await?;
            let c = all.total.comparison;
            Some(Comparison {
                query: format!(
                    "sebelum={before}&sesudah={after}&wilayah={}",
                    region.as_ref().map(|r| r.as_str()).unwrap_or("")
                ),
                children: all.children,
                before: before.to_string(),
                after: after.to_string(),
                region: region
                    .map(|r| format!("{} ({r})", region_name(&r)))
                    .unwrap_or_else(|| crate::lang::t("seluruh wilayah kerja").into()),
                households: (c.households_before, c.households_after),
                persons: (c.persons_before, c.persons_after),
                entered: c.entered,
                left: c.left,
                changed: c.changed,
            })
        }
        _ => None,
    };
    render(PeriodsPage {
        nav: Nav::of(&user),
        closed: closed.iter().map(|p| p.to_string()).collect(),
        suggested: next.to_string(),
        not_yet: not_yet.map(|refusal| crate::lang::say(&refusal)),
        accepted,
        comparison,
        can_close: crate::DETERMINERS.contains(&actor.role),
        // A period that does not read says nothing: the page repeats no text from a link.
        notice: crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref()).or(q
            .ditutup
            .as_deref()
            .and_then(|p| siks_domain::workflow::Period::parse(p).ok())
            .map(|p| {
            crate::lang::tf(
                "Periode {} ditutup: {} usulan ditetapkan, {} dikembalikan karena bertentangan atau usang.",
                &[
                    &p,
                    &q.diterapkan.unwrap_or(0),
                    &q.dikembalikan.unwrap_or(0),
                ],
            )
        })),
    })
}

#[derive(Template)]
#[template(path = "close_confirm.html")]
struct CloseConfirmPage {
    nav: Option<Nav>,
    /// A second factor's code is asked with the confirmation (the step-up).
    asks_code: bool,
    period: String,
    regencies: Vec<RegencyRow>,
    applies: u64,
    sent_back_total: usize,
    /// The first proposals it sends back: id, village, kind, reason.
    sent_back: Vec<(String, String, String, String)>,
}

/// One regency on the close's confirmation.
struct RegencyRow {
    /// Name with code.
    name: String,
    /// Applied by kind: label, count.
    kinds: Vec<(String, u64)>,
    applies: u64,
    sent_back: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseQuery {
    periode: String,
}

/// How many sent-back proposals the confirmation lists by name (the counts cover them all).
const SENT_BACK_LISTED: usize = 200;

/// The close's confirmation: what it will apply and send back, per regency, read without
/// writing; the close runs only from this page's button.
pub async fn close_confirmation(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<CloseQuery>,
) -> Result<Html<String>, WebError> {
    let period = period_field("periode", &q.periode)?;
    let preview = state
        .service
        .close_preview(&user.session.actor, period)
        .await?;
    render(CloseConfirmPage {
        nav: Nav::of(&user),
        asks_code: crate::second_factor::asks_code(&state, &user),
        period: period.to_string(),
        applies: preview.applies(),
        sent_back_total: preview.sent_back.len(),
        regencies: preview
            .regencies
            .iter()
            .map(|r| RegencyRow {
                name: format!("{} ({})", region_name(&r.regency), r.regency),
                kinds: r
                    .applies
                    .iter()
                    .filter_map(|(code, n)| {
                        <siks_domain::workflow::ProposalKind as siks_domain::Coded>::from_code(
                            *code,
                        )
                        .map(|k| (crate::lang::t(k.label()).to_string(), *n))
                    })
                    .collect(),
                applies: r.applies_total(),
                sent_back: r.sent_back,
            })
            .collect(),
        sent_back: preview
            .sent_back
            .iter()
            .take(SENT_BACK_LISTED)
            .map(|(id, village, kind, why)| {
                (
                    id.to_string(),
                    format!("{} ({village})", region_name(village)),
                    crate::lang::t(kind.label()).to_string(),
                    why.clone(),
                )
            })
            .collect(),
    })
}

pub async fn close_period(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let period = period_field("periode", form_value(&form, "periode"))?;
    // Nothing runs before the confirmation page was seen and its button pressed.
    if form_value(&form, "konfirmasi") != "ya" {
        return Ok(see(format!("/periode/tutup?periode={period}")));
    }
    crate::second_factor::step_up(&state, &user, form_value(&form, "kode"), "close").await?;
    crate::jobs::start_and_wait(&state, &user, JobRequest::PeriodClose { period }).await
}
