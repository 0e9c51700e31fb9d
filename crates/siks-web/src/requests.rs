//! The pages that propose what is not a field's correction: removing a household or a member
//! (with its reason and, where the reason calls for it, its evidence), moving a household to
//! another village anywhere in the country, and asking for a programme; and the page that
//! reopens a draft or returned proposal in the form it was entered with, to revise it. Each
//! saves a draft proposal of the village (ADR 0016).

use axum::extract::State;
use axum::response::Response;
use siks_domain::codes::{InactiveReason, Relation};
use siks_domain::workflow::{ProposalContent, Stage};
use siks_domain::{Coded, HouseholdId, PersonId, RegionCode, RegionLevel, Regions};
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageUser;
use crate::edit::{
    FormSpec, form_message, form_response, propose_or_revise, revision_hidden, saved, values_of,
};
use crate::error::WebError;
use crate::extract::{Form, Path};
use crate::forms::{Errors, Field, Section, Values, household_values, person_values};

/// The labels of this module's fields, for the refusal list above a form (Indonesian: the list
/// puts them in the request's language).
pub(crate) fn field_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "jenis_alasan" => "Alasan penghapusan",
        "bukti" => "Bukti",
        "tujuan" => "Desa/kelurahan tujuan",
        "program" => "Program",
        _ => return None,
    })
}

fn text_field(name: &str, label: &'static str, values: &Values, errors: &Errors) -> Field {
    Field {
        name: name.to_string(),
        label,
        kind: "text",
        value: values.get(name).cloned().unwrap_or_default(),
        options: Vec::new(),
        error: error_of(name, errors),
    }
}

fn select_field(
    name: &str,
    label: &'static str,
    options: Vec<(String, String)>,
    values: &Values,
    errors: &Errors,
) -> Field {
    Field {
        name: name.to_string(),
        label,
        kind: "select",
        value: values.get(name).cloned().unwrap_or_default(),
        options,
        error: error_of(name, errors),
    }
}

fn error_of(name: &str, errors: &Errors) -> Option<String> {
    errors
        .iter()
        .find(|(f, _)| f == name)
        .map(|(_, m)| m.clone())
}

/// The reason typed, or a refusal of the empty one (`hint` in the request's language).
fn reason_of(values: &Values, errors: &mut Errors, hint: &str) -> String {
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            crate::lang::tf("alasan wajib diisi ({})", &[&hint]),
        ));
    }
    reason
}

/// The household a form is about, read in scope: out of scope is not found.
async fn household_in_scope(
    state: &AppState,
    user: &PageUser,
    id: &str,
) -> Result<HouseholdId, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .service
        .household(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(id)
}

/// Which record a removal form removes: a household, or one member of it.
#[derive(Clone, Copy)]
enum Removing {
    Household(HouseholdId),
    Member(HouseholdId, PersonId),
}

impl Removing {
    fn action(self) -> String {
        match self {
            Removing::Household(h) => format!("/rumah-tangga/{h}/hapus"),
            Removing::Member(_, p) => format!("/anggota/{p}/hapus"),
        }
    }
}

fn removal_spec(title: String, removing: Removing, values: &Values, errors: &Errors) -> FormSpec {
    use crate::lang::t;
    let mut reasons = vec![(String::new(), t("— pilih —").to_string())];
    reasons.extend(
        InactiveReason::ALL
            .iter()
            .map(|r| (r.code().to_string(), t(r.label()).to_string())),
    );
    FormSpec {
        title,
        guide: crate::guide::REMOVAL,
        action: removing.action(),
        hidden: revision_hidden(values),
        sections: vec![Section {
            id: "penghapusan".into(),
            title: t("Penghapusan").into(),
            fields: vec![
                select_field(
                    "jenis_alasan",
                    t("Alasan penghapusan"),
                    reasons,
                    values,
                    errors,
                ),
                text_field(
                    "bukti",
                    t(
                        "Bukti: nomor akta kematian (wajib bila meninggal) atau keterangan (wajib bila lainnya)",
                    ),
                    values,
                    errors,
                ),
            ],
        }],
        submit: t("Simpan sebagai usulan penghapusan"),
    }
}

async fn removal_title(
    state: &AppState,
    user: &PageUser,
    removing: Removing,
) -> Result<String, WebError> {
    let actor = &user.session.actor;
    Ok(match removing {
        Removing::Household(h) => {
            let view = state
                .service
                .household(actor, h)
                .await?
                .ok_or(WebError::NotFound)?;
            let head = view
                .members
                .iter()
                .find(|m| m.record.relation_to_head == Relation::Head)
                .map(|m| m.record.full_name.clone())
                .unwrap_or_default();
            crate::lang::tf("Usulkan penghapusan rumah tangga {}", &[&head])
        }
        Removing::Member(_, p) => {
            let person = state
                .service
                .person(actor, p)
                .await?
                .ok_or(WebError::NotFound)?;
            crate::lang::tf(
                "Usulkan penghapusan anggota {}",
                &[&person.record.full_name],
            )
        }
    })
}

pub async fn household_removal_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    crate::extract::Query(from): crate::extract::Query<crate::edit::FromRequest>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let mut values = Values::new();
    // A sanggah against this household: its reason carried into the proposal's.
    if let Some(r) = crate::citizens::waiting_request(&state, &user, Some(from.permintaan()))
        .await?
        .filter(|r| r.household == Some(id))
    {
        values.insert("alasan".into(), crate::citizens::proposal_reason(&r));
        values.insert("permintaan".into(), r.id.to_string());
    }
    removal_form(&state, &user, Removing::Household(id), values).await
}

pub async fn member_removal_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let person = state
        .service
        .person(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let removing = Removing::Member(person.record.household_id, id);
    removal_form(&state, &user, removing, Values::new()).await
}

async fn removal_form(
    state: &AppState,
    user: &PageUser,
    removing: Removing,
    values: Values,
) -> Result<Response, WebError> {
    let title = removal_title(state, user, removing).await?;
    form_response(
        user,
        removal_spec(title, removing, &values, &Vec::new()),
        &values,
        &Vec::new(),
        None,
    )
}

pub async fn propose_household_removal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    propose_removal(&state, &user, Removing::Household(id), values_of(form)).await
}

pub async fn propose_member_removal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let person = state
        .service
        .person(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let removing = Removing::Member(person.record.household_id, id);
    propose_removal(&state, &user, removing, values_of(form)).await
}

async fn propose_removal(
    state: &AppState,
    user: &PageUser,
    removing: Removing,
    values: Values,
) -> Result<Response, WebError> {
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let title = removal_title(state, user, removing).await?;
    let mut errors = Vec::new();
    let reason = match values.get("jenis_alasan").map(String::as_str) {
        None | Some("") => {
            errors.push((
                "jenis_alasan".into(),
                crate::lang::t("pilih alasan penghapusan").into(),
            ));
            None
        }
        Some(code) => match InactiveReason::parse_code(code) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(("jenis_alasan".into(), crate::lang::say(&e)));
                None
            }
        },
    };
    let evidence = values
        .get("bukti")
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    if let Some(r) = reason
        && let Err(refusal) = siks_domain::workflow::check_removal(r, evidence.as_deref())
    {
        errors.push(("bukti".into(), crate::lang::say(&refusal)));
    }
    let note = reason_of(
        &values,
        &mut errors,
        crate::lang::t("mis. hasil musdes, kunjungan rumah"),
    );
    let refuse = |errors: &Errors, message: Option<String>| {
        form_response(
            user,
            removal_spec(title.clone(), removing, &values, errors),
            &values,
            errors,
            message,
        )
    };
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return refuse(&errors, None);
    };
    let (household, person) = match removing {
        Removing::Household(h) => (h, None),
        Removing::Member(h, p) => (h, Some(p)),
    };
    let content = ProposalContent::Removal {
        household,
        person,
        reason,
        evidence,
    };
    match propose_or_revise(state, &user.session.actor, &values, content, &note).await {
        Ok(id) => Ok(saved(id)),
        Err(e) => refuse(&errors, Some(form_message(e)?)),
    }
}

// ------------------------------------------------------------------ move

fn village_label(code: &RegionCode) -> String {
    let regions = Regions::embedded();
    let name = |c: Option<RegionCode>| {
        c.and_then(|c| regions.get(&c).map(|r| r.name.clone()))
            .unwrap_or_default()
    };
    crate::lang::tf(
        "{}, Kec. {}, {}, {} ({})",
        &[
            &name(Some(code.clone())),
            &name(code.at_level(RegionLevel::District)),
            &name(code.at_level(RegionLevel::Regency)),
            &name(code.at_level(RegionLevel::Province)),
            code,
        ],
    )
}

fn move_spec(
    household: HouseholdId,
    values: &Values,
    errors: &Errors,
    choices: Vec<(String, String)>,
) -> FormSpec {
    use crate::lang::t;
    let field = if choices.is_empty() {
        text_field(
            "tujuan",
            t("Desa/kelurahan tujuan: nama atau kode (mis. 35.23.02.2001), di seluruh Indonesia"),
            values,
            errors,
        )
    } else {
        select_field(
            "tujuan",
            t("Desa/kelurahan tujuan: pilih salah satu"),
            choices,
            values,
            errors,
        )
    };
    FormSpec {
        title: t("Usulkan pindah desa/kelurahan").into(),
        guide: crate::guide::MOVE,
        action: format!("/rumah-tangga/{household}/pindah"),
        hidden: revision_hidden(values),
        sections: vec![Section {
            id: "pindah".into(),
            title: t("Tujuan").into(),
            fields: vec![field],
        }],
        submit: t("Simpan sebagai usulan pindah"),
    }
}

pub async fn move_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = household_in_scope(&state, &user, &id).await?;
    let values = Values::new();
    form_response(
        &user,
        move_spec(id, &values, &Vec::new(), Vec::new()),
        &values,
        &Vec::new(),
        None,
    )
}

/// The village a typed destination names: a code, or a name that only one village has. A
/// name several villages share comes back as the list to choose from (the refusal in the
/// request's language).
fn destination(typed: &str) -> Result<RegionCode, (String, Vec<(String, String)>)> {
    use crate::lang::{t, tf};
    let regions = Regions::embedded();
    let typed = typed.trim();
    if typed.is_empty() {
        return Err((
            t("tulis nama atau kode desa/kelurahan tujuan").into(),
            Vec::new(),
        ));
    }
    if let Ok(code) = RegionCode::parse(typed) {
        return match regions.get(&code) {
            Some(r) if r.level() == RegionLevel::Village => Ok(code),
            _ => Err((
                tf("{} bukan kode desa/kelurahan yang dikenal", &[&typed]),
                Vec::new(),
            )),
        };
    }
    let hits = regions.search(typed, Some(RegionLevel::Village), 50);
    match hits.as_slice() {
        [] => Err((
            tf("tidak ada desa/kelurahan bernama “{}”", &[&typed]),
            Vec::new(),
        )),
        [one] => Ok(one.code.clone()),
        many => Err((
            tf(
                "{} desa/kelurahan cocok dengan “{}”; pilih salah satu",
                &[&many.len(), &typed],
            ),
            many.iter()
                .map(|r| (r.code.to_string(), village_label(&r.code)))
                .collect(),
        )),
    }
}

pub async fn propose_move(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let mut errors = Vec::new();
    let note = reason_of(
        &values,
        &mut errors,
        crate::lang::t("mis. pindah domisili sesuai surat pindah"),
    );
    let target = destination(values.get("tujuan").map(String::as_str).unwrap_or(""));
    let choices = match &target {
        Err((message, choices)) => {
            errors.push(("tujuan".into(), message.clone()));
            choices.clone()
        }
        Ok(_) => Vec::new(),
    };
    let refuse = |errors: &Errors, message: Option<String>| {
        form_response(
            &user,
            move_spec(id, &values, errors, choices.clone()),
            &values,
            errors,
            message,
        )
    };
    let Ok(to_village) = target else {
        return refuse(&errors, None);
    };
    if !errors.is_empty() {
        return refuse(&errors, None);
    }
    let content = ProposalContent::Move {
        household: id,
        to_village,
    };
    match propose_or_revise(&state, &user.session.actor, &values, content, &note).await {
        Ok(proposal) => Ok(saved(proposal)),
        Err(e) => refuse(&errors, Some(form_message(e)?)),
    }
}

// ------------------------------------------------------------------ programme request

async fn programme_choices(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    let mut choices = vec![(String::new(), crate::lang::t("— pilih —").to_string())];
    choices.extend(state.service.programmes().await?.into_iter().map(|p| {
        (
            p.programme.code.clone(),
            format!("{}: {}", p.programme.code, p.programme.name),
        )
    }));
    Ok(choices)
}

fn programme_spec(
    household: HouseholdId,
    values: &Values,
    errors: &Errors,
    choices: Vec<(String, String)>,
) -> FormSpec {
    use crate::lang::t;
    FormSpec {
        title: t("Usulkan program bantuan").into(),
        guide: crate::guide::PROGRAMME,
        action: format!("/rumah-tangga/{household}/program"),
        hidden: revision_hidden(values),
        sections: vec![Section {
            id: "permohonan-program".into(),
            title: crate::lang::tc("satu", "Program").into(),
            fields: vec![select_field(
                "program",
                crate::lang::tc("satu", "Program"),
                choices,
                values,
                errors,
            )],
        }],
        submit: t("Simpan sebagai usulan program"),
    }
}

pub async fn programme_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = household_in_scope(&state, &user, &id).await?;
    let values = Values::new();
    let choices = programme_choices(&state).await?;
    form_response(
        &user,
        programme_spec(id, &values, &Vec::new(), choices),
        &values,
        &Vec::new(),
        None,
    )
}

pub async fn propose_programme(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values = values_of(form);
    user.check_csrf(values.get("csrf").map(String::as_str).unwrap_or(""))?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let choices = programme_choices(&state).await?;
    let mut errors = Vec::new();
    let note = reason_of(
        &values,
        &mut errors,
        crate::lang::t("mis. ada ibu hamil atau anak sekolah"),
    );
    let programme = values.get("program").cloned().unwrap_or_default();
    if programme.is_empty() || !choices.iter().any(|(code, _)| *code == programme) {
        errors.push((
            "program".into(),
            crate::lang::t("pilih program yang berlaku").into(),
        ));
    }
    let refuse = |errors: &Errors, message: Option<String>| {
        form_response(
            &user,
            programme_spec(id, &values, errors, choices.clone()),
            &values,
            errors,
            message,
        )
    };
    if !errors.is_empty() {
        return refuse(&errors, None);
    }
    let content = ProposalContent::ProgrammeRequest {
        household: id,
        programme,
    };
    match propose_or_revise(&state, &user.session.actor, &values, content, &note).await {
        Ok(proposal) => Ok(saved(proposal)),
        Err(e) => refuse(&errors, Some(form_message(e)?)),
    }
}

// ------------------------------------------------------------------ revising a draft

/// A draft or returned proposal, reopened in the form it was entered with and filled in as it
/// stands; saving the form revises it.
pub async fn revise_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    let (p, steps) = state
        .service
        .proposal(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !matches!(p.stage, Stage::Draft | Stage::Returned) || !actor.scope.contains(&p.village) {
        return Err(WebError::field(
            "usulan",
            crate::lang::tf(
                "usulan pada tahap {} tidak dapat diubah; hanya draf atau usulan yang dikembalikan",
                &[&crate::lang::t(p.stage.label())],
            ),
        ));
    }
    let mut values = Values::new();
    values.insert("usulan".into(), p.id.to_string());
    values.insert("versi_usulan".into(), p.version.to_string());
    // The note it was entered with, to keep or change.
    if let Some(first) = steps.first() {
        values.insert("alasan".into(), first.note.clone());
    }
    let none = Vec::new();
    let spec = match &p.content {
        ProposalContent::NewHousehold { household, members } => {
            values.extend(household_values(household));
            values.insert("id".into(), household.id.to_string());
            for (i, m) in members.iter().enumerate() {
                values.extend(person_values(i, m));
                values.insert(format!("m{i}.id"), m.id.to_string());
            }
            crate::edit::new_household_spec(&values, &none)
        }
        ProposalContent::HouseholdCorrection {
            household,
            base_version,
        } => {
            values.extend(household_values(household));
            values.insert("versi".into(), base_version.to_string());
            crate::edit::edit_household_spec(&household.id.to_string(), &values, &none)
        }
        ProposalContent::PersonCorrection {
            person,
            base_version,
        } => {
            values.extend(person_values(0, person));
            values.insert("m0.id".into(), person.id.to_string());
            values.insert("versi".into(), base_version.to_string());
            crate::edit::member_correction_spec(person, &values, &none)
        }
        ProposalContent::MemberJoins { person } => {
            values.extend(person_values(0, person));
            values.insert("m0.id".into(), person.id.to_string());
            crate::edit::member_spec(
                crate::lang::t(crate::edit::JOINING_TITLE).into(),
                format!("/rumah-tangga/{}/anggota-baru", person.household_id),
                &values,
                &none,
            )
        }
        ProposalContent::Removal {
            household,
            person,
            reason,
            evidence,
        } => {
            values.insert("jenis_alasan".into(), reason.code().to_string());
            values.insert("bukti".into(), evidence.clone().unwrap_or_default());
            let removing = match person {
                Some(p) => Removing::Member(*household, *p),
                None => Removing::Household(*household),
            };
            let title = removal_title(&state, &user, removing).await?;
            removal_spec(title, removing, &values, &none)
        }
        ProposalContent::Move {
            household,
            to_village,
        } => {
            values.insert("tujuan".into(), to_village.to_string());
            move_spec(*household, &values, &none, Vec::new())
        }
        ProposalContent::ProgrammeRequest {
            household,
            programme,
        } => {
            values.insert("program".into(), programme.clone());
            let choices = programme_choices(&state).await?;
            programme_spec(*household, &values, &none, choices)
        }
    };
    form_response(&user, spec, &values, &none, None)
}
