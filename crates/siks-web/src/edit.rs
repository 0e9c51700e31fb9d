//! The pages that change the register: register a new household with its members, change a
//! household, change a member, add a member. Every field is checked at entry and a refusal shows
//! the message next to the field; a stale edit (someone saved first) is refused, not merged.

use askama::Template;
use axum::extract::State;

use crate::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use siks_domain::codes::Relation;
use siks_domain::interchange::column_label;
use siks_domain::{HouseholdId, PersonId, RegionCode, RegionLevel, Regions, Scope};
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
}

/// A field name as the operator knows it: `m1.nik` is "Anggota 2 — NIK".
fn field_label(name: &str) -> String {
    match name.split_once('.') {
        Some((slot, column)) if slot.starts_with('m') => {
            let n: usize = slot[1..].parse().unwrap_or(0);
            format!("Anggota {} — {}", n + 1, column_label(column))
        }
        _ if name == "alasan" => "Alasan".to_string(),
        _ => column_label(name).to_string(),
    }
}

struct FormSpec {
    title: String,
    action: String,
    hidden: Vec<(String, String)>,
    sections: Vec<Section>,
    submit: &'static str,
}

fn form_response(
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
        listed.insert(0, ("Data".to_string(), message));
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
    })?;
    Ok((status, page).into_response())
}

/// Store refusals that belong on the form (the rest are error pages).
fn form_message(e: ServiceError) -> Result<String, WebError> {
    match e {
        ServiceError::Invalid { indonesian, .. } | ServiceError::Conflict { indonesian, .. } => {
            Ok(indonesian)
        }
        ServiceError::Stale { .. } => Ok(siks_domain::Bilingual::indonesian(&e)),
        other => Err(other.into()),
    }
}

fn values_of(form: Vec<(String, String)>) -> Values {
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

fn new_household_spec(values: &Values, errors: &Errors) -> FormSpec {
    let mut sections = household_sections(values, errors);
    for i in 0..NEW_MEMBER_SLOTS {
        let title = if i == 0 {
            "Anggota 1 (kepala rumah tangga)".to_string()
        } else {
            format!("Anggota {} (kosongkan bila tidak ada)", i + 1)
        };
        sections.push(member_section(i, &title, values, errors));
    }
    let mut hidden = vec![(
        "id".to_string(),
        values.get("id").cloned().unwrap_or_default(),
    )];
    for i in 0..NEW_MEMBER_SLOTS {
        let key = format!("m{i}.id");
        hidden.push((key.clone(), values.get(&key).cloned().unwrap_or_default()));
    }
    FormSpec {
        title: "Daftarkan rumah tangga baru".into(),
        action: "/rumah-tangga/baru".into(),
        hidden,
        sections,
        submit: "Simpan sebagai usulan",
    }
}

pub async fn new_household_form(user: PageUser) -> Result<Response, WebError> {
    let base = blank_household(default_village(&user.session.actor.scope));
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
    for i in (0..NEW_MEMBER_SLOTS).filter(|i| slot_used(*i, &values)) {
        let mut blank = blank_person(base.id, Relation::Other);
        blank.id = parse_id(&values, &format!("m{i}.id")).unwrap_or_else(PersonId::new);
        if let Some(p) = parse_person(i, &values, &blank, &mut errors) {
            members.push(p);
        }
    }
    if !slot_used(0, &values) {
        errors.push((
            "m0.full_name".into(),
            "anggota pertama (kepala rumah tangga) wajib diisi".into(),
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
            "harus ada tepat satu kepala rumah tangga".into(),
        ));
    }
    let reason = values
        .get("alasan")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        errors.push((
            "alasan".into(),
            "alasan wajib diisi (mis. pendataan baru hasil musdes)".into(),
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
    match state
        .service
        .create_household(actor, &household, &members, &reason)
        .await
    {
        Ok(_) => Ok(see(format!("/rumah-tangga/{}", household.id))),
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

fn edit_household_spec(id: &str, values: &Values, errors: &Errors) -> FormSpec {
    FormSpec {
        title: "Ubah data rumah tangga".into(),
        action: format!("/rumah-tangga/{id}/ubah"),
        hidden: vec![(
            "versi".to_string(),
            values.get("versi").cloned().unwrap_or_default(),
        )],
        sections: household_sections(values, errors),
        submit: "Simpan perubahan",
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
        errors.push(("alasan".into(), "alasan perubahan wajib diisi".into()));
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
    match state
        .service
        .update_household(actor, &changed, version, &reason)
        .await
    {
        Ok(_) => Ok(see(format!("/rumah-tangga/{id}"))),
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

fn member_spec(title: String, action: String, values: &Values, errors: &Errors) -> FormSpec {
    FormSpec {
        title,
        action,
        hidden: vec![
            (
                "versi".to_string(),
                values.get("versi").cloned().unwrap_or_default(),
            ),
            (
                "m0.id".to_string(),
                values.get("m0.id").cloned().unwrap_or_default(),
            ),
        ],
        sections: vec![member_section(0, "Anggota", values, errors)],
        submit: "Simpan",
    }
}

pub async fn edit_member_form(
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
    let mut values = person_values(0, &person.record);
    values.insert("versi".into(), person.version.to_string());
    let spec = member_spec(
        format!("Ubah anggota {}", person.record.full_name),
        format!("/anggota/{id}/ubah"),
        &values,
        &Vec::new(),
    );
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
        errors.push(("alasan".into(), "alasan perubahan wajib diisi".into()));
    }
    let title = format!("Ubah anggota {}", current.record.full_name);
    let action = format!("/anggota/{id}/ubah");
    let Some(changed) = changed.filter(|_| errors.is_empty()) else {
        return form_response(
            &user,
            member_spec(title, action, &values, &errors),
            &values,
            &errors,
            None,
        );
    };
    match state
        .service
        .update_person(actor, &changed, version, &reason)
        .await
    {
        Ok(_) => Ok(see(format!(
            "/rumah-tangga/{}",
            current.record.household_id
        ))),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                member_spec(title, action, &values, &errors),
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
        "Tambah anggota".into(),
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
            "alasan wajib diisi (mis. kelahiran)".into(),
        ));
    }
    let action = format!("/rumah-tangga/{id}/anggota-baru");
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return form_response(
            &user,
            member_spec("Tambah anggota".into(), action, &values, &errors),
            &values,
            &errors,
            None,
        );
    };
    match state.service.add_person(actor, &person, &reason).await {
        Ok(_) => Ok(see(format!("/rumah-tangga/{id}"))),
        Err(e) => {
            let message = form_message(e)?;
            form_response(
                &user,
                member_spec("Tambah anggota".into(), action, &values, &errors),
                &values,
                &errors,
                Some(message),
            )
        }
    }
}

/// The evidence photo upload of the household page (multipart: csrf, versi, jenis, foto).
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
        .map_err(|e| WebError::field("jenis", siks_domain::Bilingual::indonesian(&e)))?;
    let version: i64 = version
        .parse()
        .map_err(|_| WebError::field("versi", "versi data tidak sah; muat ulang halaman"))?;
    let photo = photo.ok_or_else(|| WebError::field("foto", "pilih berkas foto"))?;
    let reason = format!("foto bukti: {}", kind.label());
    state
        .service
        .add_evidence_photo(&user.session.actor, id, version, kind, &photo, &reason)
        .await?;
    Ok(see(format!("/rumah-tangga/{id}#foto")))
}
