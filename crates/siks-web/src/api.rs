//! The JSON API `/api/v1`: the same use cases as the pages, answered as JSON, each answer one of
//! the types of `answers`. Coded values travel as their numeric codes (listed in the OpenAPI
//! document); errors as `{"error": {"code", "message", "fields", "request_id"}}`. Bodies refuse
//! unknown fields.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use siks_domain::{
    Bilingual, Household, HouseholdId, Person, PersonId, RegionCode, RegionLevel, Regions,
};
use siks_service::Versioned;

use crate::AppState;
use crate::answers::*;
use crate::auth::ApiUser;
use crate::error::{ApiError, WebError};
pub use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::pages::{ListQuery, list_filter};
use siks_domain::disclosure::{RevealPurpose, SpecificField, withhold};

type ApiResult = Result<Response, ApiError>;

/// 200 with the answer.
fn ok<T: Serialize>(answer: T) -> ApiResult {
    Ok(Json(answer).into_response())
}

/// 201 with what was created.
fn created<T: Serialize>(answer: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegionsQuery {
    /// Part of a name.
    q: Option<String>,
    /// A parent code: list its children.
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    parent: Option<String>,
    /// `province`, `regency`, `district` or `village`, with `q`.
    #[param(pattern = "^$|^(province|regency|district|village)$")]
    level: Option<String>,
}

pub async fn regions(_user: ApiUser, ApiQuery(q): ApiQuery<RegionsQuery>) -> ApiResult {
    let regions = Regions::embedded();
    let level = match q.level.as_deref() {
        None | Some("") => None,
        Some("province") => Some(RegionLevel::Province),
        Some("regency") => Some(RegionLevel::Regency),
        Some("district") => Some(RegionLevel::District),
        Some("village") => Some(RegionLevel::Village),
        Some(other) => {
            return Err(WebError::field(
                "level",
                format!("tingkat '{other}' tidak dikenal (province, regency, district, village)"),
            )
            .into());
        }
    };
    let found: Vec<_> = match (
        q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()),
        q.parent.as_deref(),
    ) {
        (Some(text), _) => regions.search(text, level, 50),
        (None, Some(parent)) => {
            let code = RegionCode::parse_known(parent)
                .map_err(|e| WebError::field("parent", e.indonesian()))?;
            regions.children(Some(&code)).collect()
        }
        (None, None) => regions.children(None).collect(),
    };
    ok(found
        .iter()
        .map(|r| RegionAnswer {
            code: r.code.as_str().to_string(),
            name: r.name.to_string(),
            level: r.level().label().to_string(),
        })
        .collect::<Vec<_>>())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HouseholdsQuery {
    q: Option<String>,
    address: Option<String>,
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
    #[param(pattern = "^$|^(proposed|active|inactive)$")]
    status: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    offset: Option<u32>,
}

pub async fn households(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<HouseholdsQuery>,
) -> ApiResult {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(WebError::field("limit", "harus 1 sampai 500").into());
    }
    let mut filter = list_filter(
        &ListQuery::from_api(q.q, q.address, q.region, q.status),
        limit,
    )
    .map_err(|e| match e {
        // The page's field names are Indonesian; the API's are English.
        WebError::Invalid { message, fields } => WebError::Invalid {
            message,
            fields: fields
                .into_iter()
                .map(|(f, m)| (if f == "wilayah" { "region".into() } else { f }, m))
                .collect(),
        },
        other => other,
    })?;
    filter.offset = q.offset.unwrap_or(0);
    let rows = state
        .service
        .list_households(&user.session.actor, &filter)
        .await?;
    ok(rows
        .into_iter()
        .map(|r| HouseholdRow {
            id: r.id,
            village_code: r.village.as_str().to_string(),
            rt: r.rt,
            rw: r.rw,
            street: r.street,
            status: r.status.key().to_string(),
            members: r.members,
            head_name: r.head_name,
        })
        .collect::<Vec<_>>())
}

/// A member as `actor` may see it: the specific fields its role does not see, and `revealed`
/// does not name, kept back.
fn versioned(
    v: Versioned<Person>,
    actor: &siks_domain::Actor,
    revealed: &[SpecificField],
) -> VersionedPerson {
    let (person, withheld) = withhold(&v.record, |f| {
        f.shown_by_default(actor.role) || revealed.contains(&f)
    });
    VersionedPerson {
        person,
        version: v.version,
        withheld: withheld.into_iter().map(SpecificField::key).collect(),
    }
}

/// What `GET /api/v1/persons/{id}` may reveal of the person, and why.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RevealQuery {
    /// Fields to reveal, comma-separated: `nik`, `no_kk`, `nama_ibu`, `kesehatan`.
    tampilkan: Option<String>,
    /// Why (required with `tampilkan`): `cocok_kk`, `perbaikan`, `pengaduan`,
    /// `permintaan_subjek`, `data_ganda`. Audited as `person.reveal`.
    tujuan: Option<String>,
}

pub async fn household(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let view = state
        .service
        .household(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    ok(HouseholdAnswer {
        household: view.household.record,
        version: view.household.version,
        members: view
            .members
            .into_iter()
            .map(|m| versioned(m, &user.session.actor, &[]))
            .collect(),
    })
}

pub async fn person(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> ApiResult {
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let invalid = |e: siks_domain::disclosure::RevealError| WebError::Invalid {
        message: crate::lang::say(&e),
        fields: vec![],
    };
    let fields = siks_domain::disclosure::parse_fields(q.tampilkan.as_deref().unwrap_or(""))
        .map_err(invalid)?;
    let person = state
        .service
        .person(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !fields.is_empty() {
        let purpose = RevealPurpose::parse(q.tujuan.as_deref().unwrap_or("")).map_err(invalid)?;
        state
            .service
            .reveal(&user.session.actor, id, &fields, purpose)
            .await?;
    }
    ok(versioned(person, &user.session.actor, &fields))
}

/// A new household proposed with its members. The household and members are the records'
/// shapes without the fields only the system sets (`status`, `welfare_score`, `desil`,
/// `programmes`, `last_verified`, `evidence`; a member's `status`): a body that carries one is
/// refused, naming it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHousehold {
    #[schema(value_type = Household)]
    household: serde_json::Value,
    #[schema(value_type = Vec<Person>)]
    members: Vec<serde_json::Value>,
    reason: String,
}

/// Reads a record a client sent (`path` names it in messages): refuses the fields only the
/// system sets, naming the first, and takes them from `base` (the record as registered, or a
/// blank one for a new record) so that the client never sets them.
fn entry_of<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: serde_json::Value,
    base: &T,
    system_fields: &[&'static str],
    path: &str,
) -> Result<T, WebError> {
    let serde_json::Value::Object(mut map) = value else {
        return Err(WebError::field(path, "harus berupa objek JSON"));
    };
    if let Some(field) = system_fields.iter().find(|f| map.contains_key(**f)) {
        return Err(WebError::field(
            &format!("{path}.{field}"),
            siks_domain::Bilingual::indonesian(&siks_domain::entry::SystemField(field)),
        ));
    }
    let serde_json::Value::Object(base) = serde_json::to_value(base).map_err(anyhow_error)? else {
        return Err(WebError::Internal("record is not an object".into()));
    };
    for field in system_fields {
        if let Some(v) = base.get(*field) {
            map.insert(field.to_string(), v.clone());
        }
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| WebError::Invalid {
        message: format!("{path}: {e}"),
        fields: vec![(path.to_string(), e.to_string())],
    })
}

fn anyhow_error(e: serde_json::Error) -> WebError {
    WebError::Internal(e.to_string())
}

fn household_entry(
    value: serde_json::Value,
    base: &Household,
    path: &str,
) -> Result<Household, WebError> {
    entry_of(
        value,
        base,
        &siks_domain::entry::HOUSEHOLD_SYSTEM_FIELDS,
        path,
    )
}

fn person_entry(value: serde_json::Value, base: &Person, path: &str) -> Result<Person, WebError> {
    entry_of(value, base, &siks_domain::entry::PERSON_SYSTEM_FIELDS, path)
}

/// The id a record body names, for finding its base before it is read whole.
fn body_id<T: std::str::FromStr>(value: &serde_json::Value, path: &str) -> Result<T, WebError> {
    value
        .get("id")
        .and_then(|v| v.as_str())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| WebError::field(&format!("{path}.id"), "id wajib diisi (UUID)"))
}

fn proposal_created(id: uuid::Uuid) -> ApiResult {
    created(ProposalCreated {
        id,
        stage: siks_domain::workflow::Stage::Draft.key().to_string(),
    })
}

/// The same checks for one person (`person.…` in messages).
fn check_person(p: &Person) -> Result<(), WebError> {
    let mut fields = Vec::new();
    person_problems("person", p, &mut fields);
    problems(fields)
}

fn problems(fields: Vec<(String, String)>) -> Result<(), WebError> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(WebError::Invalid {
            message: format!("{} isian tidak sah", fields.len()),
            fields,
        })
    }
}

/// `prefix` names the person in messages: `members[0]` or `person`.
fn person_problems(prefix: &str, p: &Person, fields: &mut Vec<(String, String)>) {
    for (field, reason) in siks_domain::entry::parsed_member_problems(p) {
        fields.push((format!("{prefix}.{field}"), reason));
    }
}

pub async fn create_household(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewHousehold>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id: HouseholdId = body_id(&new.household, "household")?;
    let village = new
        .household
        .get("address")
        .and_then(|a| a.get("village"))
        .and_then(|v| v.as_str())
        .and_then(|v| RegionCode::parse(v).ok())
        .ok_or_else(|| {
            WebError::field("household.address.village", "kode desa/kelurahan tidak sah")
        })?;
    let household = household_entry(
        new.household,
        &siks_domain::entry::blank_household_as(id, village),
        "household",
    )?;
    let mut members = Vec::with_capacity(new.members.len());
    let mut fields = Vec::new();
    for (i, value) in new.members.into_iter().enumerate() {
        let path = format!("members[{i}]");
        let person_id = body_id(&value, &path)?;
        let relation = value
            .get("relation_to_head")
            .cloned()
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or(siks_domain::codes::Relation::Other);
        let person = person_entry(
            value,
            &siks_domain::entry::blank_person_as(person_id, household.id, relation),
            &path,
        )?;
        person_problems(&path, &person, &mut fields);
        members.push(person);
    }
    problems(fields)?;
    let id = state
        .service
        .propose_new_household(&user.session.actor, &household, &members, &new.reason)
        .await?;
    proposal_created(id)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
}

pub async fn stats(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult {
    let region = region_query(q.region.as_deref())?;
    let stats = state
        .service
        .stats(&user.session.actor, region.as_ref())
        .await?;
    let region_counts = |r: &siks_service::RegionStats| RegionCounts {
        code: r.code.as_ref().map(|c| c.as_str().to_string()),
        name: r.name.clone(),
        households: Counts::from(&r.households),
        persons: Counts::from(&r.persons),
    };
    ok(StatsAnswer {
        total: region_counts(&stats.total),
        child_level: stats.child_level.map(|l| l.label().to_string()),
        children: stats.children.iter().map(region_counts).collect(),
    })
}

pub async fn users(State(state): State<AppState>, user: ApiUser) -> ApiResult {
    let list = state.service.list_users(&user.session.actor).await?;
    ok(list
        .into_iter()
        .map(|u| UserAnswer {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.key().to_string(),
            scope: u.scope.key(),
            active: u.active,
            created_at: u.created_at,
        })
        .collect::<Vec<_>>())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    target: Option<String>,
    limit: Option<u32>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let target = q.target.as_deref().filter(|t| !t.is_empty());
    let entries = state
        .service
        .audit_entries(&user.session.actor, target, limit)
        .await?;
    ok(entries
        .into_iter()
        .map(|e| AuditAnswer {
            seq: e.seq,
            at: e.at,
            actor_id: e.actor_id,
            actor_username: e.actor_username,
            actor_role: e.actor_role,
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            region_code: e.region_code,
            detail: e.detail,
            origin: e.origin,
            hash: e.hash,
        })
        .collect::<Vec<_>>())
}

/// A correction of a household: the household as it should be, without the system's fields.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangedHousehold {
    #[schema(value_type = Household)]
    household: serde_json::Value,
    /// The version the change is based on.
    version: i64,
    reason: String,
}

pub async fn update_household(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ChangedHousehold>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    if body_id::<HouseholdId>(&body.household, "household")? != id {
        return Err(WebError::field(
            "household.id",
            "id di isi permintaan berbeda dengan id di alamat",
        )
        .into());
    }
    let current = state
        .service
        .household(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let household = household_entry(body.household, &current.household.record, "household")?;
    let proposal = state
        .service
        .propose_household_correction(actor, &household, body.version, &body.reason)
        .await?;
    proposal_created(proposal)
}

/// A member joining a household: the member without the system's `status`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    #[schema(value_type = Person)]
    person: serde_json::Value,
    reason: String,
}

pub async fn add_member(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<NewMember>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let person_id = body_id(&body.person, "person")?;
    let person = person_entry(
        body.person,
        &siks_domain::entry::blank_person_as(person_id, id, siks_domain::codes::Relation::Other),
        "person",
    )?;
    if person.household_id != id {
        return Err(WebError::field(
            "person.household_id",
            "rumah tangga di isi permintaan berbeda dengan di alamat",
        )
        .into());
    }
    check_person(&person).map_err(ApiError)?;
    let proposal = state
        .service
        .propose_member_joining(&user.session.actor, &person, &body.reason)
        .await?;
    proposal_created(proposal)
}

/// A correction of a member: the member as it should be, without the system's `status`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangedPerson {
    #[schema(value_type = Person)]
    person: serde_json::Value,
    version: i64,
    reason: String,
}

pub async fn update_person(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ChangedPerson>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let actor = &user.session.actor;
    if body_id::<PersonId>(&body.person, "person")? != id {
        return Err(WebError::field(
            "person.id",
            "id di isi permintaan berbeda dengan id di alamat",
        )
        .into());
    }
    let current = state
        .service
        .person(actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let person = person_entry(body.person, &current.record, "person")?;
    check_person(&person).map_err(ApiError)?;
    let proposal = state
        .service
        .propose_member_correction(actor, &person, body.version, &body.reason)
        .await?;
    proposal_created(proposal)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    username: String,
    display_name: String,
    /// The role's key.
    #[schema(schema_with = crate::openapi::role_keys)]
    role: String,
    /// `*` for the whole country, or a region code inside the admin's own.
    #[schema(pattern = r"^(\*|[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?)$")]
    scope: String,
    password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewAccount>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let role = siks_domain::Role::parse(&body.role)
        .map_err(|e| WebError::field("role", e.indonesian()))?;
    let scope = siks_domain::Scope::parse(&body.scope)
        .map_err(|e| WebError::field("scope", e.indonesian()))?;
    crate::auth::check_new_password(&body.password).map_err(|e| match e {
        WebError::Invalid { message, .. } => WebError::field("password", message),
        other => other,
    })?;
    let hash = crate::auth::hash_password(body.password).await?;
    let account = state
        .service
        .create_user(
            &user.session.actor,
            siks_service::NewUser {
                username: body.username,
                display_name: body.display_name,
                role,
                scope,
                password_hash: Some(hash),
            },
        )
        .await?;
    created(UserCreated {
        id: account.id,
        username: account.username,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountStatus {
    active: bool,
}

pub async fn set_user_active(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AccountStatus>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id: siks_domain::UserId = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .service
        .set_user_active(&user.session.actor, id, body.active)
        .await?;
    ok(UserActive {
        id,
        active: body.active,
    })
}

// ------------------------------------------------------------------ proposals and periods

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProposalsQuery {
    #[param(schema_with = crate::openapi::stage_keys)]
    stage: Option<String>,
    limit: Option<u32>,
}

fn stage_param(text: Option<&str>) -> Result<Option<siks_domain::workflow::Stage>, WebError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => siks_domain::workflow::Stage::parse(t)
            .map(Some)
            .ok_or_else(|| {
                WebError::field(
                    "stage",
                    format!(
                        "tahap '{t}' tidak dikenal (pilihan: {})",
                        siks_domain::workflow::Stage::ALL
                            .map(|s| s.key())
                            .join(", ")
                    ),
                )
            }),
    }
}

fn proposal_answer(
    role: siks_domain::Role,
    p: siks_service::proposals::Proposal,
    subject: Option<siks_service::proposals::ProposalSubject>,
) -> ProposalAnswer {
    let (content, withheld) = siks_domain::disclosure::guarded_content(role, &p.content);
    ProposalAnswer {
        id: p.id,
        village_code: p.village.as_str().to_string(),
        stage: p.stage.key().to_string(),
        kind: p.content.kind().code(),
        content,
        withheld: withheld.iter().map(|f| f.key().to_string()).collect(),
        reason: p.reason,
        created_by: p.created_by,
        created_at: p.created_at,
        version: p.version,
        subject: subject.map(SubjectAnswer::from),
    }
}

pub async fn proposals(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProposalsQuery>,
) -> ApiResult {
    let stage = stage_param(q.stage.as_deref())?;
    let list = state
        .service
        .list_proposals_described(&user.session.actor, stage, q.limit.unwrap_or(100))
        .await?;
    ok(list
        .into_iter()
        .map(|(p, subject)| proposal_answer(user.session.actor.role, p, Some(subject)))
        .collect::<Vec<_>>())
}

pub async fn proposal(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let id: uuid::Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let (p, steps) = state
        .service
        .proposal(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let subject = state
        .service
        .proposal_subject(&user.session.actor, id)
        .await?;
    ok(ProposalWithSteps {
        proposal: proposal_answer(user.session.actor.role, p, subject),
        steps: steps
            .into_iter()
            .map(|s| StepAnswer {
                step: s.step.key().to_string(),
                from: s.from.key().to_string(),
                to: s.to.key().to_string(),
                actor_id: s.actor_id,
                actor_role: s.actor_role.key().to_string(),
                at: s.at,
                note: s.note,
            })
            .collect(),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    content: siks_domain::workflow::ProposalContent,
    note: String,
}

pub async fn create_proposal(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewProposal>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    if let siks_domain::workflow::ProposalContent::NewHousehold { members, .. } = &body.content {
        for (i, p) in members.iter().enumerate() {
            let mut fields = Vec::new();
            person_problems(&format!("content.members[{i}]"), p, &mut fields);
            problems(fields)?;
        }
    }
    let id = state
        .service
        .propose(&user.session.actor, &body.content, &body.note)
        .await?;
    proposal_created(id)
}

/// A step as the API takes it: `{"step": "return", "reason": "…"}`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StepBody {
    Submit {
        backing: String,
    },
    Musdes {
        approved: bool,
        reason: Option<String>,
    },
    Verify,
    Return {
        reason: String,
    },
    Ratify,
    Forward,
    Accept,
    Reject {
        reason: String,
    },
}

/// The body of `POST /api/v1/proposals/steps` as the document describes it: the proposals and
/// one step with its own fields. The handler reads it field by field, so that a field another
/// step takes is refused by name (serde cannot refuse it through a tag).
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct StepsRequest {
    /// 1 to 1,000 proposals.
    ids: Vec<uuid::Uuid>,
    #[serde(flatten)]
    step: StepBody,
}

impl StepBody {
    fn into_step(self) -> Result<siks_domain::workflow::Step, WebError> {
        use siks_domain::workflow::{Backing, Step};
        Ok(match self {
            StepBody::Submit { backing } => {
                Step::Submit(Backing::parse(&backing).ok_or_else(|| {
                    WebError::field("backing", format!("'{backing}' bukan musdes atau sptjm"))
                })?)
            }
            StepBody::Musdes { approved, reason } => Step::MusdesDecision {
                approved,
                reason: reason.unwrap_or_default(),
            },
            StepBody::Verify => Step::Verify,
            StepBody::Return { reason } => Step::Return { reason },
            StepBody::Ratify => Step::Ratify,
            StepBody::Forward => Step::Forward,
            StepBody::Accept => Step::Accept,
            StepBody::Reject { reason } => Step::Reject { reason },
        })
    }
}

pub async fn step_proposals(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(mut body): ApiJson<serde_json::Map<String, Value>>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let ids: Vec<uuid::Uuid> = serde_json::from_value(body.remove("ids").unwrap_or(Value::Null))
        .map_err(|_| WebError::field("ids", "daftar id usulan (UUID) wajib diisi"))?;
    if ids.is_empty() || ids.len() > 1000 {
        return Err(WebError::field("ids", "kirim 1 sampai 1.000 usulan sekaligus").into());
    }
    // Each step takes its own fields and no others (serde cannot refuse them through a tag).
    let allowed: &[&str] = match body.get("step").and_then(Value::as_str).unwrap_or("") {
        "submit" => &["step", "backing"],
        "musdes" => &["step", "approved", "reason"],
        "return" | "reject" => &["step", "reason"],
        _ => &["step"],
    };
    if let Some(unknown) = body.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(WebError::field(
            unknown,
            format!("kolom '{unknown}' tidak dikenal untuk langkah ini"),
        )
        .into());
    }
    let step: StepBody = serde_json::from_value(Value::Object(body))
        .map_err(|e| WebError::field("step", format!("langkah tidak sah: {e}")))?;
    let stages = state
        .service
        .step_proposals(
            &user.session.actor,
            &ids,
            &step.into_step()?,
            state.config.workflow,
        )
        .await?;
    ok(StepsTaken {
        stages: stages.iter().map(|s| s.key().to_string()).collect(),
    })
}

fn period_param(field: &str, text: &str) -> Result<siks_domain::workflow::Period, WebError> {
    siks_domain::workflow::Period::parse(text).map_err(|e| WebError::field(field, e.indonesian()))
}

pub async fn close_preview(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(period): ApiPath<String>,
) -> ApiResult {
    let period = period_param("period", &period)?;
    let preview = state
        .service
        .close_preview(&user.session.actor, period)
        .await?;
    ok(ClosePreviewAnswer {
        period: preview.period.to_string(),
        applies: preview.applies(),
        regencies: preview
            .regencies
            .iter()
            .map(|r| RegencyPreviewAnswer {
                regency: r.regency.to_string(),
                applies: r.applies.clone(),
                sent_back: r.sent_back,
            })
            .collect(),
        sent_back: preview
            .sent_back
            .into_iter()
            .map(|(id, village, kind, reason)| PreviewSentBack {
                id,
                village: village.to_string(),
                kind: kind.code(),
                reason,
            })
            .collect(),
    })
}

pub async fn close_period(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(period): ApiPath<String>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    user.require_fresh_factor(&state)?;
    let period = period_param("period", &period)?;
    let (service, actor) = (state.service.clone(), user.session.actor.clone());
    let (checks, report) = crate::observe::off_workers(async move {
        service
            .check_and_close(&actor, period, service.today(), None)
            .await
    })
    .await??;
    ok(CloseAnswer {
        checks: CheckCounts {
            opened: checks.opened,
            fixed: checks.fixed,
        },
        period: report.period.to_string(),
        already_closed: report.already_closed,
        applied: report.applied,
        sent_back: report
            .sent_back
            .into_iter()
            .map(|(id, reason)| SentBack { id, reason })
            .collect(),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CompareQuery {
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    before: String,
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    after: String,
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
}

pub async fn compare_periods(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult {
    let before = period_param("before", &q.before)?;
    let after = period_param("after", &q.after)?;
    let region = region_query(q.region.as_deref())?;
    let c = state
        .service
        .compare_periods(&user.session.actor, region.as_ref(), before, after)
        .await?;
    ok(ComparisonAnswer {
        before: before.to_string(),
        after: after.to_string(),
        households: BeforeAfter {
            before: c.households_before,
            after: c.households_after,
        },
        persons: BeforeAfter {
            before: c.persons_before,
            after: c.persons_after,
        },
        entered: c.entered,
        left: c.left,
        changed: c.changed,
    })
}

pub async fn household_as_of(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, period)): ApiPath<(String, String)>,
) -> ApiResult {
    let id: HouseholdId = id.parse().map_err(|_| WebError::NotFound)?;
    let period = period_param("period", &period)?;
    let then = state
        .service
        .household_as_of(&user.session.actor, id, period)
        .await?;
    let role = user.session.actor.role;
    let shown = |f: SpecificField| f.shown_by_default(role);
    let (household, members) = match then {
        Some(t) => (
            Some(t.household),
            Some(t.members.iter().map(|m| withhold(m, shown).0).collect()),
        ),
        None => (None, None),
    };
    ok(AsOfAnswer {
        period: period.to_string(),
        household,
        members,
        withheld: SpecificField::ALL
            .into_iter()
            .filter(|f| !shown(*f))
            .map(SpecificField::key)
            .collect(),
    })
}

/// What a musdes decided about one proposal, as the API takes it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    proposal: uuid::Uuid,
    approved: bool,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MusdesBody {
    document: siks_domain::documents::BackingDocument,
    decisions: Vec<DecisionBody>,
}

pub async fn record_musdes(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MusdesBody>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let decisions: Vec<_> = body
        .decisions
        .into_iter()
        .map(|d| siks_service::documents::MusdesDecision {
            proposal: d.proposal,
            approved: d.approved,
            reason: d.reason,
        })
        .collect();
    let id = state
        .service
        .record_musdes(
            &user.session.actor,
            body.document,
            &decisions,
            None,
            state.config.workflow,
        )
        .await?;
    created(Created { id })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SptjmBody {
    document: siks_domain::documents::BackingDocument,
    proposals: Vec<uuid::Uuid>,
}

pub async fn sign_sptjm(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SptjmBody>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let id = state
        .service
        .sign_sptjm(
            &user.session.actor,
            body.document,
            &body.proposals,
            None,
            state.config.workflow,
        )
        .await?;
    created(Created { id })
}

fn paper_id(id: &str) -> Result<uuid::Uuid, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

fn paper_rows(rows: Vec<siks_service::documents::PaperRow>) -> Vec<PaperRowAnswer> {
    rows.into_iter()
        .map(|r| PaperRowAnswer {
            row: r.row,
            proposal: r.proposal,
            kind: r.kind.code(),
            name: r.name,
            nik_masked: r.nik_masked,
            address: r.address,
            village_code: r.village.as_str().to_string(),
            approved: r.approved,
            note: r.note,
        })
        .collect()
}

pub async fn document(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let doc = state
        .service
        .village_document(&user.session.actor, paper_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    ok(DocumentAnswer {
        id: doc.id,
        document: doc.details,
        scan_type: doc.scan_type,
        scan_sha256: doc.scan_sha256,
        created_at: doc.created_at,
        rows: paper_rows(doc.rows),
    })
}

/// The signed scan, sent as the raw body (PDF, JPEG or PNG).
pub async fn upload_scan(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    body: axum::body::Bytes,
) -> ApiResult {
    user.check_csrf(&headers)?;
    state
        .service
        .attach_scan(&user.session.actor, paper_id(&id)?, &body)
        .await?;
    ok(ScanReceived { id, scanned: true })
}

pub async fn document_scan(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let (content_type, bytes) = state
        .service
        .document_scan(&user.session.actor, paper_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatifyBody {
    #[schema(pattern = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    regency: String,
    /// The proposals the ratifier saw; all waiting ones when left out.
    ids: Option<Vec<uuid::Uuid>>,
}

pub async fn ratify(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RatifyBody>,
) -> ApiResult {
    user.check_csrf(&headers)?;
    let regency = RegionCode::parse_known(&body.regency)
        .map_err(|e| WebError::field("regency", e.indonesian()))?;
    let id = state
        .service
        .ratify(
            &user.session.actor,
            &regency,
            body.ids.as_deref(),
            state.config.workflow,
        )
        .await?;
    let list = state
        .service
        .ratification(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    created(RatificationCreated {
        id,
        proposals: list.rows.len(),
        number: list.number,
    })
}

pub async fn ratification(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult {
    let list = state
        .service
        .ratification(&user.session.actor, paper_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    ok(RatificationAnswer {
        id: list.id,
        number: list.number,
        regency_code: list.regency.as_str().to_string(),
        ratified_by: list.ratified_by,
        ratified_at: list.ratified_at,
        rows: paper_rows(list.rows),
    })
}

pub async fn papers(State(state): State<AppState>, user: ApiUser) -> ApiResult {
    let list = state.service.list_papers(&user.session.actor, 200).await?;
    ok(list
        .into_iter()
        .map(|p| PaperAnswer {
            id: p.id,
            kind: p.kind,
            region_code: p.region.as_str().to_string(),
            title: p.title,
            created_at: p.created_at,
            rows: p.rows,
            scanned: p.scanned,
        })
        .collect::<Vec<_>>())
}

/// The counts fixed at a period's close, per village in scope, and whether a recount from the
/// register's history gives the same.
pub async fn period_counts(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(period): ApiPath<String>,
) -> ApiResult {
    let period = period_param("period", &period)?;
    let actor = &user.session.actor;
    let fixed = state.service.period_counts(actor, period).await?;
    let recount = state.service.recount_period(actor, period).await?;
    ok(PeriodCountsAnswer {
        period: period.to_string(),
        recount_agrees: fixed == recount,
        villages: fixed
            .into_iter()
            .map(|(v, (households, persons))| {
                (
                    v,
                    VillageCount {
                        households,
                        persons,
                    },
                )
            })
            .collect(),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FindingsApiQuery {
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
    /// The finding kind's code (1–18).
    kind: Option<u8>,
    /// open (default), fixed or dismissed.
    #[param(schema_with = crate::openapi::finding_status_keys)]
    status: Option<String>,
    limit: Option<u32>,
}

fn region_query(text: Option<&str>) -> Result<Option<RegionCode>, WebError> {
    text.filter(|r| !r.is_empty())
        .map(|r| RegionCode::parse_known(r).map_err(|e| WebError::field("region", e.indonesian())))
        .transpose()
}

pub async fn findings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<FindingsApiQuery>,
) -> ApiResult {
    use siks_domain::Coded;
    use siks_domain::checks::FindingKind;
    let region = region_query(q.region.as_deref())?;
    let status = crate::findings::status_param(q.status.as_deref(), "status")?;
    let kind = q
        .kind
        .map(|code| {
            FindingKind::from_code(code).ok_or_else(|| {
                WebError::field("kind", format!("jenis temuan {code} tidak dikenal"))
            })
        })
        .transpose()?;
    let found = state
        .service
        .findings(
            &user.session.actor,
            region.as_ref(),
            kind,
            Some(status),
            q.limit.unwrap_or(500),
        )
        .await?;
    ok(FindingsAnswer {
        findings: found
            .into_iter()
            .map(|f| FindingAnswer {
                id: f.id,
                kind: f.kind.code(),
                kind_label: f.kind.label().to_string(),
                severity: match f.severity {
                    siks_domain::checks::Severity::Error => "error",
                    siks_domain::checks::Severity::Warning => "warning",
                }
                .to_string(),
                village_code: f.village.as_str().to_string(),
                household_id: f.household,
                person_id: f.person,
                other_person_id: f.other_person,
                fields: f
                    .fields
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
                evidence: f.detail,
                status: f.status.key().to_string(),
                status_reason: f.status_reason,
                found_at: f.found_at,
                removal_reason: f.kind.removal_reason().map(|r| r.code()),
            })
            .collect(),
    })
}

pub async fn quality(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult {
    let region = region_query(q.region.as_deref())?;
    let quality = state
        .service
        .quality(&user.session.actor, region.as_ref())
        .await?;
    let region_quality = |r: &siks_service::RegionQuality| RegionQualityAnswer {
        code: r.code.as_ref().map(|c| c.as_str().to_string()),
        name: r.name.clone(),
        persons: ValidCounts {
            valid: r.persons_valid(),
            not_valid: r.persons_not_valid,
        },
        households: ValidCounts {
            valid: r.households_valid(),
            not_valid: r.households_not_valid,
        },
        open_findings: r.open.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
    };
    ok(QualityAnswer {
        total: region_quality(&quality.total),
        child_level: quality.child_level.map(|l| l.label().to_string()),
        children: quality.children.iter().map(region_quality).collect(),
    })
}

/// `GET /api/v1/programmes`: the programmes in force with their rules.
pub async fn programmes(State(state): State<AppState>, _user: ApiUser) -> ApiResult {
    let programmes = state
        .service
        .programmes()
        .await?
        .iter()
        .map(|p| ProgrammeAnswer {
            code: p.programme.code.clone(),
            name: p.programme.name.clone(),
            unit: p.programme.unit.key().to_string(),
            version: p.version,
            saved_at: p.saved_at,
            eligible: p.programme.eligible.source().to_string(),
            member: p.programme.member.as_ref().map(|m| m.source().to_string()),
            group_size: (p.programme.group_size > 0).then_some(p.programme.group_size),
            group_min: (p.programme.group_size > 0).then_some(p.programme.group_min),
            amount: p.programme.amount,
            max_components: p.programme.max_components,
            components: p
                .programme
                .components
                .iter()
                .map(|c| ComponentAnswer {
                    label: c.label.clone(),
                    member: c.member.source().to_string(),
                    amount: c.amount,
                    cap: c.cap,
                })
                .collect(),
            exclude_findings: p
                .programme
                .exclude_findings
                .iter()
                .map(|k| siks_domain::Coded::code(*k))
                .collect(),
            definition: p.programme.text.clone(),
        })
        .collect();
    ok(ProgrammesAnswer { programmes })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BeneficiariesQuery {
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    period: String,
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
}

/// `GET /api/v1/programmes/{code}/beneficiaries?period=YYYY-MM&region=CODE`: a programme's list
/// of a period in scope, and the households that left it since the previous list with the reason.
pub async fn beneficiaries(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<BeneficiariesQuery>,
) -> ApiResult {
    let period = siks_domain::workflow::Period::parse(&q.period)
        .map_err(|e| WebError::field("period", e.indonesian()))?;
    let region = region_query(q.region.as_deref())?;
    let code = code.to_uppercase();
    let actor = &user.session.actor;
    let rows = state
        .service
        .beneficiaries(actor, period, &code, region.as_ref())
        .await?;
    let departures = state
        .service
        .departures(actor, period, &code, region.as_ref())
        .await?;
    ok(BeneficiariesAnswer {
        code,
        period: period.to_string(),
        beneficiaries: rows
            .into_iter()
            .map(|b| BeneficiaryAnswer {
                household_id: b.household_id,
                village_code: b.village_code.to_string(),
                family_no: b.family_no,
                person_id: b.person_id,
                desil: b.desil,
                score: b.score,
                amount: b.amount,
                components: b.components,
                position: b.position,
                group: b.group,
            })
            .collect(),
        departures: departures
            .into_iter()
            .map(|d| Departure {
                household_id: d.household_id,
                reason: d.reason,
            })
            .collect(),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    #[param(pattern = r"^$|^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    region: Option<String>,
    #[param(pattern = "^$|^[0-9]{4}-(0[1-9]|1[0-2])$")]
    period: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicReportQuery {
    #[param(pattern = "^$|^[0-9]{4}-(0[1-9]|1[0-2])$")]
    period: Option<String>,
}

fn report_answer(
    report: &siks_service::reports::Report,
    sections: Vec<crate::reports::Section>,
) -> ReportAnswer {
    ReportAnswer {
        region: report.code.as_ref().map(|c| c.as_str().to_string()),
        name: report.name.clone(),
        child_level: report.child_level.map(|l| l.label().to_string()),
        period: report.programmes.as_ref().map(|p| p.period.to_string()),
        sections,
    }
}

fn optional_period(text: Option<&str>) -> Result<Option<siks_domain::workflow::Period>, WebError> {
    text.filter(|p| !p.is_empty())
        .map(|p| period_param("period", p))
        .transpose()
}

/// `GET /api/v1/reports?region=CODE&period=YYYY-MM`: the report page's tables.
pub async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult {
    let region = region_query(q.region.as_deref())?;
    let period = optional_period(q.period.as_deref())?;
    let report = state
        .service
        .report(&user.session.actor, region.as_ref(), period)
        .await?;
    let codes = crate::reports::programme_codes(&state).await?;
    let sections = crate::reports::sections(&report, &codes);
    ok(report_answer(&report, sections))
}

/// `GET /api/v1/public/provinces/{code}?period=YYYY-MM`: a province's public summary.
pub async fn public_report(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<PublicReportQuery>,
) -> ApiResult {
    let province = RegionCode::parse_known(&code)
        .ok()
        .filter(|c| c.level() == siks_domain::RegionLevel::Province)
        .ok_or(WebError::NotFound)?;
    let period = optional_period(q.period.as_deref())?;
    let report = state.service.public_report(&province, period).await?;
    let codes = crate::reports::programme_codes(&state).await?;
    let sections = crate::reports::sections(&report, &codes);
    ok(report_answer(&report, sections))
}
