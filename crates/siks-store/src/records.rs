//! How households and persons map to table rows, both ways. The indicator blocks of a household
//! (housing, assets, evidence) are JSON texts of numeric codes: they are read and written whole
//! and typed in the domain (see docs/adr/0003).

use chrono::NaiveDate;
use siks_domain::codes::Coded;
use siks_domain::record::{Address, GeoPoint};
use siks_domain::{Household, Person, Recorded, RegionCode, RegistryStatus};

use crate::sealing::{Blind, FieldKeys, Sealed};
use crate::sql::{Cells, Value};
use crate::{Result, StoreError};

pub(crate) const HOUSEHOLD_COLUMNS: &[&str] = &[
    "id",
    "village_code",
    "rt",
    "rw",
    "street",
    "sls_name",
    "latitude",
    "longitude",
    "housing",
    "assets",
    "evidence",
    "status",
    "inactive_reason",
    "welfare_score",
    "desil",
    "programmes",
    "last_verified",
    "version",
    "created_at",
    "updated_at",
    "import_batch",
];

pub(crate) const PERSON_COLUMNS: &[&str] = &[
    "id",
    "household_id",
    "village_code",
    "nik",
    "nik_valid",
    "no_kk",
    "no_kk_valid",
    "family_no",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "relation_to_head",
    "relation_to_family_head",
    "marital_status",
    "mother_name",
    "pregnant",
    "disability",
    "disability_severity",
    "chronic_illness",
    "school_participation",
    "education",
    "work_status",
    "occupation_sector",
    "presence",
    "dukcapil",
    "pmks",
    "status",
    "inactive_reason",
    "version",
    "created_at",
    "updated_at",
    "name_key",
    "name_sorted",
    "identity",
    "health",
    "nik_key",
    "no_kk_key",
];

/// A person's NIK, No KK and mother's name as sealed together in `persons.identity`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Identity {
    #[serde(rename = "n")]
    nik: String,
    #[serde(rename = "k")]
    no_kk: String,
    #[serde(rename = "m")]
    mother_name: String,
}

/// A person's health as sealed together in `persons.health` (codes).
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Health {
    #[serde(rename = "p")]
    pub(crate) pregnant: bool,
    #[serde(rename = "d")]
    pub(crate) disability: Option<u8>,
    #[serde(rename = "s")]
    severity: Option<u8>,
    #[serde(rename = "c")]
    illness: Option<u8>,
}

/// `persons.identity` of a person.
pub(crate) fn seal_identity(keys: &FieldKeys, nik: &str, no_kk: &str, mother_name: &str) -> String {
    let identity = Identity {
        nik: nik.to_string(),
        no_kk: no_kk.to_string(),
        mother_name: mother_name.to_string(),
    };
    // A struct of three strings always serialises.
    keys.seal(
        Sealed::PersonIdentity,
        &serde_json::to_vec(&identity).unwrap_or_default(),
    )
}

/// `persons.health` of a person.
pub(crate) fn seal_health(keys: &FieldKeys, p: &Person) -> String {
    let health = Health {
        pregnant: p.pregnant,
        disability: p.disability.map(|c| c.code()),
        severity: p.disability_severity.map(|c| c.code()),
        illness: p.chronic_illness.map(|c| c.code()),
    };
    keys.seal(
        Sealed::PersonHealth,
        &serde_json::to_vec(&health).unwrap_or_default(),
    )
}

/// The NIK, No KK and mother's name in `persons.identity`.
pub(crate) fn open_identity(keys: &FieldKeys, sealed: &str) -> Result<(String, String, String)> {
    let identity: Identity = serde_json::from_slice(&keys.open(Sealed::PersonIdentity, sealed)?)
        .map_err(|_| corrupt("persons", "identity"))?;
    Ok((identity.nik, identity.no_kk, identity.mother_name))
}

/// The pregnancy, disability, its severity and chronic illness in `persons.health`.
pub(crate) fn open_health(keys: &FieldKeys, sealed: &str) -> Result<Health> {
    serde_json::from_slice(&keys.open(Sealed::PersonHealth, sealed)?)
        .map_err(|_| corrupt("persons", "health"))
}

fn coded_opt<T: Coded>(code: Option<u8>, col: &str) -> Result<Option<T>> {
    code.map(|n| T::from_code(n).ok_or_else(|| corrupt("persons", col)))
        .transpose()
}

fn code<T: Coded>(v: T) -> Value {
    Value::Int(i64::from(v.code()))
}

fn opt_code<T: Coded>(v: Option<T>) -> Value {
    Value::OptInt(v.map(|c| i64::from(c.code())))
}

/// The row of a household, in [`HOUSEHOLD_COLUMNS`] order.
pub(crate) fn household_values(
    h: &Household,
    version: i64,
    now: &str,
    import_batch: Option<&str>,
) -> Result<Vec<Value>> {
    let a = &h.address;
    Ok(vec![
        Value::Text(h.id.to_string()),
        Value::Text(a.village.to_string()),
        Value::Text(a.rt.clone()),
        Value::Text(a.rw.clone()),
        Value::Text(a.street.clone()),
        Value::Text(a.sls_name.clone()),
        Value::OptFloat(a.location.map(|p| p.latitude)),
        Value::OptFloat(a.location.map(|p| p.longitude)),
        Value::Text(serde_json::to_string(&h.housing)?),
        Value::Text(serde_json::to_string(&h.assets)?),
        Value::Text(serde_json::to_string(&h.evidence)?),
        Value::Text(h.status.key().to_string()),
        opt_code(h.status.reason()),
        Value::OptFloat(h.welfare_score),
        Value::OptInt(h.desil.map(i64::from)),
        Value::Text(h.programmes.join(";")),
        Value::OptText(h.last_verified.map(|d| d.to_string())),
        Value::Int(version),
        Value::Text(now.to_string()),
        Value::Text(now.to_string()),
        Value::OptText(import_batch.map(str::to_string)),
    ])
}

/// The row of a person, in [`PERSON_COLUMNS`] order; `village` is the household's. The
/// specific data go sealed into `identity` and `health`; their plain columns are written blank.
pub(crate) fn person_values(
    p: &Person,
    village: &RegionCode,
    version: i64,
    now: &str,
    keys: &FieldKeys,
) -> Vec<Value> {
    let (nik, no_kk) = (p.nik.raw(), p.no_kk.raw());
    vec![
        Value::Text(p.id.to_string()),
        Value::Text(p.household_id.to_string()),
        Value::Text(village.to_string()),
        Value::Text(String::new()),
        Value::Bool(p.nik.valid().is_some()),
        Value::Text(String::new()),
        Value::Bool(p.no_kk.valid().is_some()),
        Value::Int(i64::from(p.family_no)),
        Value::Text(p.full_name.clone()),
        code(p.sex),
        Value::Text(p.birth_place.clone()),
        Value::Text(p.birth_date.to_string()),
        code(p.relation_to_head),
        code(p.relation_to_family_head),
        code(p.marital_status),
        Value::Text(String::new()),
        Value::Bool(false),
        Value::OptInt(None),
        Value::OptInt(None),
        Value::OptInt(None),
        code(p.school_participation),
        opt_code(p.education),
        opt_code(p.work_status),
        opt_code(p.occupation_sector),
        code(p.presence),
        code(p.dukcapil),
        opt_code(p.pmks),
        Value::Text(p.status.key().to_string()),
        opt_code(p.status.reason()),
        Value::Int(version),
        Value::Text(now.to_string()),
        Value::Text(now.to_string()),
        Value::Text(siks_domain::search::name_key(&p.full_name)),
        // Never empty: an empty sorted key marks a person whose keys are still to be written.
        Value::Text({
            let sorted = siks_domain::search::name_sorted(&p.full_name);
            if sorted.is_empty() {
                " ".into()
            } else {
                sorted
            }
        }),
        Value::Text(seal_identity(keys, &nik, &no_kk, &p.mother_name)),
        Value::Text(seal_health(keys, p)),
        Value::Text(keys.blind(Blind::Nik, &nik)),
        Value::Text(keys.blind(Blind::NoKk, &no_kk)),
    ]
}

fn corrupt(table: &str, column: &str) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column}"))
}

fn stored_code<T: Coded>(row: &impl Cells, table: &str, col: &str) -> Result<T> {
    let n = row.int(col)?;
    u8::try_from(n)
        .ok()
        .and_then(T::from_code)
        .ok_or_else(|| corrupt(table, col))
}

fn stored_opt_code<T: Coded>(row: &impl Cells, table: &str, col: &str) -> Result<Option<T>> {
    match row.opt_int(col)? {
        None => Ok(None),
        Some(_) => stored_code(row, table, col).map(Some),
    }
}

fn stored_status(row: &impl Cells, table: &str) -> Result<RegistryStatus> {
    let reason = row
        .opt_int("inactive_reason")?
        .map(|n| u8::try_from(n).map_err(|_| corrupt(table, "inactive_reason")))
        .transpose()?;
    RegistryStatus::from_parts(&row.text("status")?, reason).map_err(|_| corrupt(table, "status"))
}

fn stored_date(text: &str, table: &str, col: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt(table, col))
}

/// The columns of a household that programme rules read (see [`lean_household_from_row`]).
pub(crate) const LEAN_HOUSEHOLD_COLUMNS: &str = "h.id, h.village_code, h.status, h.inactive_reason, h.welfare_score, h.desil, \
     h.desil_regency, h.bps_met";

/// A household for the programmes' rules, read from [`LEAN_HOUSEHOLD_COLUMNS`] alone: every
/// other field is the blank household's, so the value is only ever assessed, never shown or
/// written back. Building lists over a whole register reads a million of these.
pub(crate) fn lean_household_from_row(row: &impl Cells) -> Result<Household> {
    let t = "households";
    let village =
        RegionCode::parse(&row.text("village_code")?).map_err(|_| corrupt(t, "village_code"))?;
    let id = row.text("id")?.parse().map_err(|_| corrupt(t, "id"))?;
    let mut household = siks_domain::entry::blank_household_as(id, village);
    household.status = stored_status(row, t)?;
    household.welfare_score = row.opt_float("welfare_score")?;
    household.desil = row
        .opt_int("desil")?
        .map(|d| u8::try_from(d).map_err(|_| corrupt(t, "desil")))
        .transpose()?;
    Ok(household)
}

/// A household's members as one text, for [`lean_members_from_text`]: per member, the fields
/// programme rules read joined by `|`, members joined by `;`. Reading one row per household
/// instead of one per person is what makes a list over a whole register quick: the row-by-row
/// hand-off between the database thread and the program costs far more than SQLite's reading.
/// `string_agg` is in both engines (SQLite since 3.44).
pub(crate) const LEAN_MEMBERS: &str = "string_agg(\
     p.id || '|' || CAST(p.family_no AS TEXT) || '|' || CAST(p.sex AS TEXT) || '|' || \
     p.birth_date || '|' || CAST(p.relation_to_head AS TEXT) || '|' || \
     p.health || '|' || \
     CAST(p.school_participation AS TEXT) || '|' || COALESCE(CAST(p.education AS TEXT), '') || '|' || \
     COALESCE(CAST(p.work_status AS TEXT), '') || '|' || CAST(p.presence AS TEXT) || '|' || \
     p.status || '|' || COALESCE(CAST(p.inactive_reason AS TEXT), '') || '|' || \
     COALESCE(CAST(p.pmks AS TEXT), ''), \
     ';' ORDER BY p.id)";

/// The members of one household from [`LEAN_MEMBERS`], as blank persons with the fields rules
/// read; like [`lean_household_from_row`], never shown or written back.
pub(crate) fn lean_members_from_text(
    household: siks_domain::HouseholdId,
    text: &str,
    keys: &FieldKeys,
) -> Result<Vec<Person>> {
    let t = "persons";
    let code = |s: &str, col: &str| s.parse::<u8>().map_err(|_| corrupt(t, col));
    fn coded<T: Coded>(n: u8, col: &str) -> Result<T> {
        T::from_code(n).ok_or_else(|| corrupt("persons", col))
    }
    let opt = |s: &str, col: &str| -> Result<Option<u8>> {
        if s.is_empty() {
            Ok(None)
        } else {
            code(s, col).map(Some)
        }
    };
    let mut members = Vec::new();
    for member in text.split(';').filter(|m| !m.is_empty()) {
        let f: Vec<&str> = member.split('|').collect();
        let [
            id,
            family_no,
            sex,
            birth_date,
            relation,
            health,
            school,
            education,
            work,
            presence,
            status,
            reason,
            pmks,
        ] = f[..]
        else {
            return Err(corrupt(t, "members"));
        };
        let mut p = siks_domain::entry::blank_person_as(
            id.parse().map_err(|_| corrupt(t, "id"))?,
            household,
            coded(code(relation, "relation_to_head")?, "relation_to_head")?,
        );
        p.family_no = code(family_no, "family_no")?;
        p.sex = coded(code(sex, "sex")?, "sex")?;
        p.birth_date = stored_date(birth_date, t, "birth_date")?;
        let health = open_health(keys, health)?;
        p.pregnant = health.pregnant;
        p.disability = coded_opt(health.disability, "disability")?;
        p.disability_severity = coded_opt(health.severity, "disability_severity")?;
        p.pmks = opt(pmks, "pmks")?.map(|n| coded(n, "pmks")).transpose()?;
        p.school_participation = coded(
            code(school, "school_participation")?,
            "school_participation",
        )?;
        p.education = opt(education, "education")?
            .map(|n| coded(n, "education"))
            .transpose()?;
        p.work_status = opt(work, "work_status")?
            .map(|n| coded(n, "work_status"))
            .transpose()?;
        p.presence = coded(code(presence, "presence")?, "presence")?;
        p.status = RegistryStatus::from_parts(status, opt(reason, "inactive_reason")?)
            .map_err(|_| corrupt(t, "status"))?;
        members.push(p);
    }
    Ok(members)
}

/// A household and its version from a `SELECT *` row.
pub(crate) fn household_from_row(row: &impl Cells) -> Result<(Household, i64)> {
    let t = "households";
    let location = match (row.opt_float("latitude")?, row.opt_float("longitude")?) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint {
            latitude,
            longitude,
        }),
        _ => None,
    };
    let household = Household {
        id: row.text("id")?.parse().map_err(|_| corrupt(t, "id"))?,
        address: Address {
            village: RegionCode::parse(&row.text("village_code")?)
                .map_err(|_| corrupt(t, "village_code"))?,
            rt: row.text("rt")?,
            rw: row.text("rw")?,
            street: row.text("street")?,
            sls_name: row.text("sls_name")?,
            location,
        },
        housing: serde_json::from_str(&row.text("housing")?)?,
        assets: serde_json::from_str(&row.text("assets")?)?,
        evidence: serde_json::from_str(&row.text("evidence")?)?,
        status: stored_status(row, t)?,
        welfare_score: row.opt_float("welfare_score")?,
        desil: row
            .opt_int("desil")?
            .map(|d| u8::try_from(d).map_err(|_| corrupt(t, "desil")))
            .transpose()?,
        programmes: row
            .text("programmes")?
            .split(';')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        last_verified: row
            .opt_text("last_verified")?
            .map(|d| stored_date(&d, t, "last_verified"))
            .transpose()?,
    };
    Ok((household, row.int("version")?))
}

/// A person and its version from a `SELECT *` row.
pub(crate) fn person_from_row(row: &impl Cells, keys: &FieldKeys) -> Result<(Person, i64)> {
    let t = "persons";
    let sealed = row
        .opt_text("identity")?
        .ok_or_else(|| corrupt(t, "identity"))?;
    let (nik, no_kk, mother_name) = open_identity(keys, &sealed)?;
    let health = open_health(
        keys,
        &row.opt_text("health")?
            .ok_or_else(|| corrupt(t, "health"))?,
    )?;
    // Stored numbers were parsed once on the way in; re-reading only re-classifies them.
    let nik = Recorded::nik(&nik).map_err(|_| corrupt(t, "nik"))?;
    let no_kk = Recorded::no_kk(&no_kk).map_err(|_| corrupt(t, "no_kk"))?;
    let person = Person {
        id: row.text("id")?.parse().map_err(|_| corrupt(t, "id"))?,
        household_id: row
            .text("household_id")?
            .parse()
            .map_err(|_| corrupt(t, "household_id"))?,
        nik,
        no_kk,
        family_no: u8::try_from(row.int("family_no")?).map_err(|_| corrupt(t, "family_no"))?,
        full_name: row.text("full_name")?,
        sex: stored_code(row, t, "sex")?,
        birth_place: row.text("birth_place")?,
        birth_date: stored_date(&row.text("birth_date")?, t, "birth_date")?,
        relation_to_head: stored_code(row, t, "relation_to_head")?,
        relation_to_family_head: stored_code(row, t, "relation_to_family_head")?,
        marital_status: stored_code(row, t, "marital_status")?,
        mother_name,
        pregnant: health.pregnant,
        disability: coded_opt(health.disability, "disability")?,
        disability_severity: coded_opt(health.severity, "disability_severity")?,
        chronic_illness: coded_opt(health.illness, "chronic_illness")?,
        school_participation: stored_code(row, t, "school_participation")?,
        education: stored_opt_code(row, t, "education")?,
        work_status: stored_opt_code(row, t, "work_status")?,
        occupation_sector: stored_opt_code(row, t, "occupation_sector")?,
        presence: stored_code(row, t, "presence")?,
        dukcapil: stored_code(row, t, "dukcapil")?,
        pmks: stored_opt_code(row, t, "pmks")?,
        status: stored_status(row, t)?,
    };
    Ok((person, row.int("version")?))
}
