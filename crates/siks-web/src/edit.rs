//! The pages that propose a change of the register: a new household with its members, a
//! correction of a household or of a member (shown field by field, old → new, before it is
//! saved), a member joining. Each is entered as a draft proposal of the village (ADR 0016); the
//! register changes only when a period close applies it. A draft or returned proposal opens
//! the same form again, filled in, and saving it revises the proposal. Every field is checked at
//! entry and a refusal shows the message next to the field; an edit based on a version that
//! changed meanwhile is refused, not merged.

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use siks_domain::codes::Relation;
use siks_domain::interchange::column_label;
use siks_domain::workflow::ProposalContent;
use siks_domain::{HouseholdId, Person, PersonId, RegionCode, RegionLevel, Regions, Scope};
use siks_service::ServiceError;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::{
    Errors, Section, Values, blank_household, blank_person, blank_person_values,
    household_sections, household_values, member_section, parse_household, parse_person,
    person_values, slot_used,
};
use crate::pages::see;
use crate::pages::{Nav, render};

pub(crate) const JOINING_TITLE: &str = "Usulkan anggota masuk (lahir, menikah, pindah masuk)";

/// Member slots on the new-household form.
pub const NEW_MEMBER_SLOTS: usize = 4;

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    nav: Option<Nav>,
    title: String,
    action: String,
    csrf: String,
    hidden: Vec<(String, String)>,
    sections: Vec<Section>,
    errors: Vec<(String, String)>,
    reason: String,
    submit: &'static str,
    guide: &'static str,
}

/// A field name as the operator knows it, in the request's language: `m1.nik` is
/// "Anggota 2 — NIK".
fn field_label(name: &str) -> String {
    use crate::lang::{t, tf};
    match name.split_once('.') {
        Some((slot, column)) if slot.starts_with('m') => {
            let n: usize = slot[1..].parse().unwrap_or(0);
            tf("Anggota {} — {}", &[&(n + 1), &t(column_label(column))])
        }
        _ if name == "alasan" => t("Alasan").to_string(),
        _ => {
            t(crate::requests::field_label(name).unwrap_or_else(|| column_label(name))).to_string()
        }
    }
}

pub(crate) struct FormSpec {
    pub(crate) title: String,
    pub(crate) action: String,
    pub(crate) hidden: Vec<(String, String)>,
    pub(crate) sections: Vec<Section>,
    pub(crate) submit: &'static str,
    pub(crate) guide: &'static str,
}

pub(crate) fn form_response(
    user: &PageUser,
    spec: FormSpec,
    values: &Values,
    errors: &Errors,
    general: Option<String>,
) -> Result<Response, WebError> {
    let mut listed: Vec<(String, String)> = errors
        .iter()
        .map(|(f, m)| (field_label(f), m.clone()))
        .collect();
    if let Some(message) = general {
        listed.insert(0, (crate::lang::t("Data").to_string(), message));
    }
    let status = if listed.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(FormPage {
        nav: Nav::of(user),
        title: spec.title,
        action: spec.action,
        csrf: user.session.csrf_token.clone(),
        hidden: spec.hidden,
        sections: spec.sections,
        errors: listed,
        reason: values.get("alasan").cloned().unwrap_or_default(),
        submit: spec.submit,
        // A guide is handed to the page in the request's language (its text is the key).
        guide: crate::lang::t(spec.guide),
    })?;
    Ok((status, page).into_response())
}

/// Store refusals that belong on the form, in the request's language (the rest are error pages).
pub(crate) fn form_message(e: ServiceError) -> Result<String, WebError> {
    match e {
        ServiceError::Invalid { .. }
        | ServiceError::Conflict { .. }
        | ServiceError::Stale { .. } => Ok(crate::lang::say(&e)),
        other => Err(other.into()),
    }
}

pub(crate) fn values_of(form: Vec<(String, String)>) -> Values {
    form.into_iter().collect()
}

/// The village a new household starts in: the operator's own, else the first of the scope.
fn default_village(scope: &Scope) -> RegionCode {
    let regions = Regions::embedded();
    match scope {
        Scope::Region(code) if code.level() == RegionLevel::Village => code.clone(),
        Scope::Region(code) => regions
            .descendants_at(Some(code), RegionLevel::Village)
            .next()
            .map(|r| r.code.clone())
            .unwrap_or_else(|| code.clone()),
        Scope::Nation => regions
            .iter()
            .find(|r| r.level() == RegionLevel::Village)
            .map(|r| r.code.clone())
            .unwrap_or_else(|| RegionCode::parse("11.01.01.2001").expect("a village code")),
    }
}

/// How many member slots a new-household form carries: four, or as many as a draft being
/// revised already has.
fn member_slots(values: &Values) -> usize {
    (0..)
        .take_while(|i| values.contains_key(&format!("m{i}.id")))
        .count()
        .max(NEW_MEMBER_SLOTS)
}

/// The hidden fields that tie a form to the draft it revises (none for a new proposal).
pub(crate) fn revision_hidden(values: &Values) -> Vec<(String, String)> {
    // `permintaan`: the citizen's request the proposal is made from (marked when it is saved).
    ["usulan", "versi_usulan", "permintaan"]
        .iter()
        .filter_map(|k| values.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect()
}

/// The draft a form revises, with the version loaded: `None` for a new proposal.
fn revising(values: &Values) -> Option<(uuid::Uuid, i64)> {
    Some((
        values.get("usulan")?.parse().ok()?,
        values.get("versi_usulan")?.parse().ok()?,
    ))
}

/// Enters `content` as a new proposal, or revises the draft the form was opened from; the
/// proposal's id either way.
pub(crate) async fn propose_or_revise(
    state: &AppState,
    actor: &siks_domain::Actor,
    values: &Values,
    content: ProposalContent,
    note: &str,
) -> Result<uuid::Uuid, ServiceError> {
    match revising(values) {
        Some((id, version)) => {
            state
                .service
                .revise_proposal(actor, id, version, &content, note)
                .await?;
            Ok(id)
        }
        None => {
            // From a citizen's request: one another operator handled meanwhile makes no second
            // proposal.
            if let Some(request) = values.get("permintaan").and_then(|v| v.parse().ok())
                && state
                    .service
                    .request(actor, request)
                    .await?
                    .is_some_and(|r| r.status != siks_domain::citizen::RequestStatus::New)
            {
                return Err(ServiceError::Invalid {
                    indonesian: "permintaan warga ini sudah ditangani operator lain; buka antreannya lagi".into(),
                    english: "this citizen's request was handled by another operator; open the queue again".into(),
                });
            }
            let id = state.service.propose(actor, &content, note).await?;
            // Made from a citizen's request: the request is marked (one handled meanwhile is
            // left as it is; the proposal stands either way).
            if let Some(request) = values.get("permintaan").and_then(|v| v.parse().ok()) {
                match state
                    .service
                    .mark_request_proposed(actor, request, id)
                    .await
                {
                    Ok(()) | Err(ServiceError::Invalid { .. } | ServiceError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(id)
        }
    }
}

/// Where a saved proposal is shown.
pub(crate) fn saved(id: uuid::Uuid) -> Response {
    see(format!("/usulan/{id}?pesan=tersimpan"))
}

pub(crate) fn new_household_spec(values: &Values, errors: &Errors) -> FormSpec {
    let mut sections = household_sections(values, errors);
    for i in 0..member_slots(values) {
        let title = if i == 0 {
            crate::lang::t("Anggota 1 (kepala rumah tangga)").to_string()
        } else {
            crate::lang::tf("Anggota {} (kosongkan bila tidak ada)", &[&(i + 1)])
        };
        sections.push(member_section(i, &title, values, errors));
    }
    let mut hidden = vec![(
        "id".to_string(),
        values.get("id").cloned().unwrap_or_default(),
    )];
    for i in 0..member_slots(values) {
        let key = format!("m{i}.id");
        hidden.push((key.clone(), values.get(&key).cloned().unwrap_or_default()));
    }
    hidden.extend(revision_hidden(values));
    FormSpec {
        title: crate::lang::t("Usulkan rumah tangga baru").into(),
        guide: crate::guide::NEW_HOUSEHOLD,
        action: "/rumah-tangga/baru".into(),
        hidden,
        sections,
        submit: crate::lang::t("Simpan sebagai usulan"),
    }
}

/// A form opened from a citizen's request (`?permintaan=ID`).
#[derive(serde::Deserialize, Default)]
pub struct FromRequest {
    #[serde(default)]
    permintaan: String,
}

impl FromRequest {
    pub(crate) fn permintaan(&self) -> &str {
        &self.permintaan
    }
}

pub async fn new_household_form(
    State(state): State<AppState>,
    user: PageUser,
    crate::extract::Query(from): crate::extract::Query<FromRequest>,
) -> Result<Response, WebError> {
    let request = crate::citizens::waiting_request(&state, &user, Some(from.permintaan())).await?;
    let village = request
        .as_ref()
        .map(|r| r.village.clone())
        .unwrap_or_else(|| default_village(&user.session.actor.scope));
    let base = blank_household(village);
    let mut values = household_values(&base);
    for column in crate::forms::CHOOSE_ON_NEW {
        values.insert(column.to_string(), String::new());
    }
    for i in 0..NEW_MEMBER_SLOTS {
        let relation = if i == 0 {
            Relation::Head
        } else {
            Relation::Child
        };
        values.extend(blank_person_values(i, relation));
        // Ids are minted with the form, so that a double submit cannot register twice.
        values.insert(format!("m{i}.id"), PersonId::new().to_string());
    }
    // An usul fills in its head, numbers, address and reason, to be checked and completed.
    if let Some(r) = request.filter(|r| r.kind == siks_domain::citizen::RequestKind::Usul) {
        values.insert("m0.full_name".into(), r.content.subject_name.clone());
        values.insert("m0.nik".into(), r.content.nik.clone());
        values.insert("m0.no_kk".into(), r.content.no_kk.clone());
        values.insert("street".into(), r.content.address.clone());
        values.insert("alasan".into(), crate::citizens::proposal_reason(&r));
        values.insert("permintaan".into(), r.id.to_string());
    }
    form_response(
        &user,
        new_household_spec(&values, &Vec::new()),
        &values,
        &Vec::new(),
        None,
    )
}

fn parse_id<T: std::str::FromStr>(values: &Values, key: &str) -> Option<T> {
    values.get(key).and_then(|v| v.parse().ok())
}

pub async fn create_household(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let actor = &user.session.actor;
    let mut base = blank_household(default_village(&actor.scope));
    base.id = parse_id(&values, "id").unwrap_or_else(HouseholdId::new);
    let mut errors = Vec::new();
    let household = parse_household(&values, &base, &mut errors);
    let mut members = Vec::new();
    for i in (0..member_slots(&values)).filter(|i| slot_used(*i, &values)) {
        let mut blank = blank_person(base.id, Relation::Other);
        blank.id = parse_id(&values, &format!("m{i}.id")).unwrap_or_else(PersonId::new);
        if let Some(p) = parse_person(i, &values, &blank, &mut errors) {
            members.push(p);
        }
    }
    if !slot_used(0, &values) {
        errors.push((
            "m0.full_name".into(),
            crate::lang::t("anggota pertama (kepala rumah tangga) wajib diisi").into(),
        ));
    } else if errors.is_empty()
        && members
            .iter()
            .filter(|p| p.relation_to_head == Relation::Head)
            .count()
            != 1
    {
        errors.push((
            "m0.relation_to_head".into(),
            crate::lang::t("harus ada tepat satu kepala rumah tangga").into(),
        ));
    }
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            crate::lang::t("alasan wajib diisi (mis. pendataan baru hasil musdes)").into(),
        ));
    }
    let Some(household) = household.filter(|_| errors.is_empty()) else {
        return form_response(
            &user,
            new_household_spec(&values, &errors),
            &values,
            &errors,
            None,
        );
    };
    let content = ProposalContent::NewHousehold { household, members };
    match propose_or_revise(&state, actor, &values, content, &reason).await {
        Ok(id) => Ok(saved(id)),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                new_household_spec(&values, &errors),
                &values,
                &errors,
                Some(message),
            )
        }
    }
}

pub(crate) fn edit_household_spec(id: &str, values: &Values, errors: &Errors) -> FormSpec {
    let mut hidden = vec![(
        "versi".to_string(),
        values.get("versi").cloned().unwrap_or_default(),
    )];
    hidden.extend(revision_hidden(values));
    FormSpec {
        title: crate::lang::t("Usulkan perbaikan data rumah tangga").into(),
        guide: crate::guide::HOUSEHOLD_CORRECTION,
        action: format!("/rumah-tangga/{id}/ubah"),
        hidden,
        sections: household_sections(values, errors),
        submit: crate::lang::t("Periksa perubahan"),
    }
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage {
    nav: Option<Nav>,
    title: String,
    action: String,
    hidden: Vec<(String, String)>,
    changes: Vec<(String, String, String)>,
    guide: &'static str,
}

/// The correction about to be proposed, field by field (old → new), with every entered value
/// carried along so that "Simpan" proposes exactly what was checked and "Kembali" reopens the
/// form as it was typed.
fn preview_response(
    user: &PageUser,
    title: String,
    action: String,
    values: &Values,
    changes: Vec<siks_domain::workflow::FieldChange>,
) -> Result<Response, WebError> {
    let mut hidden: Vec<(String, String)> = values
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "konfirmasi" | "kembali" | "csrf"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    hidden.push(("csrf".into(), user.session.csrf_token.clone()));
    let page = render(PreviewPage {
        nav: Nav::of(user),
        title,
        action,
        hidden,
        guide: crate::lang::t(crate::guide::PREVIEW),
        changes: changes.iter().map(change_row).collect(),
    })?;
    Ok(page.into_response())
}

/// A changed field as the preview and the proposal page show it, in the request's language:
/// (field, before, after).
pub(crate) fn change_row(c: &siks_domain::workflow::FieldChange) -> (String, String, String) {
    use crate::lang::{t, tf};
    use siks_domain::workflow::{PHOTO_FIELD, change_label, change_value};
    let photo = c.field.starts_with(PHOTO_FIELD);
    // A photo's field names its kind by code, as `change_label` reads it.
    let kind = c
        .field
        .strip_prefix(PHOTO_FIELD)
        .and_then(|code| code.parse::<u8>().ok())
        .and_then(<siks_domain::record::EvidenceKind as siks_domain::Coded>::from_code);
    let label = match kind {
        Some(kind) => tf("Foto bukti: {}", &[&t(siks_domain::Coded::label(kind))]),
        None => t(&change_label(&c.field)).to_string(),
    };
    let value = |v: &str| {
        if photo && !v.is_empty() {
            // "foto <start of its SHA-256>…"
            tf("foto {}…", &[&v.chars().take(12).collect::<String>()])
        } else {
            change_value(&c.field, v)
        }
    };
    (label, value(&c.before), value(&c.after))
}

/// What a correction form does with a parsed change: back to the form (`kembali`), the
/// preview (first post), or the proposal (`konfirmasi`).
enum CorrectionStep {
    Form(Option<String>),
    Preview(Vec<siks_domain::workflow::FieldChange>),
    Propose,
}

fn correction_step(
    values: &Values,
    changes: Vec<siks_domain::workflow::FieldChange>,
) -> CorrectionStep {
    if values.contains_key("kembali") {
        CorrectionStep::Form(None)
    } else if changes.is_empty() {
        CorrectionStep::Form(Some(
            crate::lang::t("tidak ada kolom yang berubah; ubah isian yang salah lalu periksa lagi")
                .into(),
        ))
    } else if values.get("konfirmasi").map(String::as_str) == Some("ya") {
        CorrectionStep::Propose
    } else {
        CorrectionStep::Preview(changes)
    }
}

pub async fn edit_household_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let view = state
        .service
        .household(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut values = household_values(&view.household.record);
    values.insert("versi".into(), view.household.version.to_string());
    form_response(
        &user,
        edit_household_spec(&id.to_string(), &values, &Vec::new()),
        &values,
        &Vec::new(),
        None,
    )
}

pub async fn update_household(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let view = state
        .service
        .household(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut errors = Vec::new();
    let changed = parse_household(&values, &view.household.record, &mut errors);
    let version: i64 = parse_id(&values, "versi").unwrap_or(0);
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            crate::lang::t("alasan perubahan wajib diisi").into(),
        ));
    }
    let Some(changed) = changed.filter(|_| errors.is_empty()) else {
        return form_response(
            &user,
            edit_household_spec(&id.to_string(), &values, &errors),
            &values,
            &errors,
            None,
        );
    };
    let changes = siks_domain::workflow::household_diff(&view.household.record, &changed);
    match correction_step(&values, changes) {
        CorrectionStep::Form(message) => {
            return form_response(
                &user,
                edit_household_spec(&id.to_string(), &values, &errors),
                &values,
                &errors,
                message,
            );
        }
        CorrectionStep::Preview(changes) => {
            return preview_response(
                &user,
                crate::lang::t("Periksa perbaikan data rumah tangga").into(),
                format!("/rumah-tangga/{id}/ubah"),
                &values,
                changes,
            );
        }
        CorrectionStep::Propose => {}
    }
    let content = ProposalContent::HouseholdCorrection {
        household: changed,
        base_version: version,
    };
    match propose_or_revise(&state, actor, &values, content, &reason).await {
        Ok(proposal) => Ok(saved(proposal)),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                edit_household_spec(&id.to_string(), &values, &errors),
                &values,
                &errors,
                Some(message),
            )
        }
    }
}

/// The form proposing a correction of `person` (its first post shows the changes).
pub(crate) fn member_correction_spec(
    person: &Person,
    values: &Values,
    errors: &Errors,
) -> FormSpec {
    let mut spec = member_spec(
        crate::lang::tf("Usulkan perbaikan anggota {}", &[&person.full_name]),
        format!("/anggota/{}/ubah", person.id),
        values,
        errors,
    );
    spec.submit = crate::lang::t("Periksa perubahan");
    spec
}

pub(crate) fn member_spec(
    title: String,
    action: String,
    values: &Values,
    errors: &Errors,
) -> FormSpec {
    let mut hidden = vec![
        (
            "versi".to_string(),
            values.get("versi").cloned().unwrap_or_default(),
        ),
        (
            "m0.id".to_string(),
            values.get("m0.id").cloned().unwrap_or_default(),
        ),
    ];
    hidden.extend(revision_hidden(values));
    FormSpec {
        title,
        action,
        hidden,
        sections: vec![member_section(
            0,
            crate::lang::tc("satu", "Anggota"),
            values,
            errors,
        )],
        submit: crate::lang::t("Simpan sebagai usulan"),
        guide: crate::guide::MEMBER,
    }
}

pub async fn edit_member_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    crate::extract::Query(from): crate::extract::Query<FromRequest>,
) -> Result<Response, WebError> {
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let person = state
        .service
        .person(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    // The form holds every field whole, to be changed: opening it reveals them, on the record.
    crate::reveal::reveal_for_correction(&state, &user, id).await?;
    let mut values = person_values(0, &person.record);
    values.insert("versi".into(), person.version.to_string());
    // A data subject's correction request: its reason carried into the proposal's.
    if let Some(r) = crate::citizens::waiting_request(&state, &user, Some(from.permintaan()))
        .await?
        .filter(|r| r.person == Some(id))
    {
        values.insert("alasan".into(), crate::citizens::proposal_reason(&r));
        values.insert("permintaan".into(), r.id.to_string());
    }
    let spec = member_correction_spec(&person.record, &values, &Vec::new());
    form_response(&user, spec, &values, &Vec::new(), None)
}

pub async fn update_member(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let current = state
        .service
        .person(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut errors = Vec::new();
    let changed = parse_person(0, &values, &current.record, &mut errors);
    let version: i64 = parse_id(&values, "versi").unwrap_or(0);
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            crate::lang::t("alasan perubahan wajib diisi").into(),
        ));
    }
    let action = format!("/anggota/{id}/ubah");
    let spec =
        |values: &Values, errors: &Errors| member_correction_spec(&current.record, values, errors);
    let Some(changed) = changed.filter(|_| errors.is_empty()) else {
        return form_response(&user, spec(&values, &errors), &values, &errors, None);
    };
    let changes = siks_domain::workflow::person_diff(&current.record, &changed);
    match correction_step(&values, changes) {
        CorrectionStep::Form(message) => {
            return form_response(&user, spec(&values, &errors), &values, &errors, message);
        }
        CorrectionStep::Preview(changes) => {
            return preview_response(
                &user,
                crate::lang::tf("Periksa perbaikan anggota {}", &[&current.record.full_name]),
                action,
                &values,
                changes,
            );
        }
        CorrectionStep::Propose => {}
    }
    let content = ProposalContent::PersonCorrection {
        person: changed,
        base_version: version,
    };
    match propose_or_revise(&state, actor, &values, content, &reason).await {
        Ok(proposal) => Ok(saved(proposal)),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                spec(&values, &errors),
                &values,
                &errors,
                Some(message),
            )
        }
    }
}

pub async fn new_member_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .service
        .household(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut values = blank_person_values(0, Relation::Child);
    values.insert("m0.id".into(), PersonId::new().to_string());
    let spec = member_spec(
        crate::lang::t(JOINING_TITLE).into(),
        format!("/rumah-tangga/{id}/anggota-baru"),
        &values,
        &Vec::new(),
    );
    form_response(&user, spec, &values, &Vec::new(), None)
}

pub async fn add_member(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    state
        .service
        .household(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut blank = blank_person(id, Relation::Child);
    blank.id = parse_id(&values, "m0.id").unwrap_or_else(PersonId::new);
    let mut errors = Vec::new();
    let person = parse_person(0, &values, &blank, &mut errors);
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            crate::lang::t("alasan wajib diisi (mis. kelahiran)").into(),
        ));
    }
    let action = format!("/rumah-tangga/{id}/anggota-baru");
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return form_response(
            &user,
            member_spec(
                crate::lang::t(JOINING_TITLE).into(),
                action,
                &values,
                &errors,
            ),
            &values,
            &errors,
            None,
        );
    };
    let content = ProposalContent::MemberJoins { person };
    match propose_or_revise(&state, actor, &values, content, &reason).await {
        Ok(proposal) => Ok(saved(proposal)),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                member_spec(
                    crate::lang::t(JOINING_TITLE).into(),
                    action,
                    &values,
                    &errors,
                ),
                &values,
                &errors,
                Some(message),
            )
        }
    }
}

/// The evidence photo upload of the household page (multipart: csrf, versi, jenis, foto): the
/// photo is kept and proposed as a correction of the household's evidence.
pub async fn upload_photo(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let (fields, photo) = crate::workflow::read_multipart(
        multipart,
        "foto",
        siks_service::records::MAX_PHOTO_BYTES / 1024,
    )
    .await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (csrf, version, kind) = (field("csrf"), field("versi"), field("jenis"));
    user.check_csrf(&csrf)?;
    let kind = <siks_domain::record::EvidenceKind as siks_domain::Coded>::parse_code(&kind)
        .map_err(|e| WebError::field("jenis", crate::lang::say(&e)))?;
    let version: i64 = version.parse().map_err(|_| {
        WebError::field(
            "versi",
            crate::lang::t("versi data tidak sah; muat ulang halaman"),
        )
    })?;
    let photo =
        photo.ok_or_else(|| WebError::field("foto", crate::lang::t("pilih berkas foto")))?;
    let reason = format!("foto bukti: {}", kind.label());
    let proposal = state
        .service
        .propose_evidence_photo(&user.session.actor, id, version, kind, &photo, &reason)
        .await?;
    Ok(saved(proposal))
}
