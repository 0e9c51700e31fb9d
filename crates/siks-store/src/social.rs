//! The PPKS and PSKS registries (issue 20 items 3–4, docs/adr/0025): records kept beside the
//! register, scoped like households (a PPKS record by its village; a PSKS record by its area of
//! work, seen from inside it and from the villages under it), their identifying details
//! sealed, every write and every view audited. A PSKS worker (a PKH companion) is linked to
//! the households she accompanies.

use chrono::NaiveDate;
use siks_domain::access::Action;
use siks_domain::codes::{Coded, PmksCategory};
use siks_domain::social::{
    PpksDetails, PpksRecord, PpksService, PpksUnit, PsksDetails, PsksKind, PsksRecord,
};
use siks_domain::{Actor, HouseholdId, RegionCode, RegionLevel};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::sealing::{FieldKeys, Sealed};
use crate::sql::{Cells, Value, bind_values, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// A registry's page of records.
pub const SOCIAL_PAGE: i64 = 200;

/// A PPKS record as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPpks {
    pub id: Uuid,
    pub record: PpksRecord,
    pub active: bool,
    pub version: i64,
    pub updated_at: String,
}

/// A PSKS record as kept, with the households it accompanies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPsks {
    pub id: Uuid,
    pub record: PsksRecord,
    pub active: bool,
    pub version: i64,
    pub updated_at: String,
    pub households: Vec<HouseholdId>,
}

/// Counts of a registry in a scope: per region one level below it, per category or kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialCount {
    pub region: String,
    pub code: u8,
    pub count: i64,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn invalid(e: siks_domain::social::SocialError) -> StoreError {
    StoreError::invalid_text(
        siks_domain::Bilingual::indonesian(&e),
        siks_domain::Bilingual::english(&e),
    )
}

fn may_write(actor: &Actor, region: &RegionCode) -> Result<()> {
    if !actor.may(Action::WriteRegister) {
        return Err(StoreError::Forbidden(Action::WriteRegister));
    }
    if !actor.scope.contains(region) {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn code_of<T: Coded>(r: &impl Cells, column: &str) -> Result<T> {
    u8::try_from(r.int(column)?)
        .ok()
        .and_then(T::from_code)
        .ok_or_else(|| corrupt(column))
}

fn ppks_from_row(r: &impl Cells, keys: &FieldKeys) -> Result<StoredPpks> {
    let details: PpksDetails =
        serde_json::from_str(&keys.open_text(Sealed::PpksDetails, &r.text("details")?)?)?;
    Ok(StoredPpks {
        id: r
            .text("id")?
            .parse()
            .map_err(|_| corrupt("ppks_records.id"))?,
        record: PpksRecord {
            village: RegionCode::parse(&r.text("village_code")?)
                .map_err(|_| corrupt("ppks_records.village_code"))?,
            category: code_of::<PmksCategory>(r, "category")?,
            unit: code_of::<PpksUnit>(r, "unit")?,
            service: code_of::<PpksService>(r, "service")?,
            person: r
                .opt_text("person_id")?
                .map(|p| p.parse().map_err(|_| corrupt("ppks_records.person_id")))
                .transpose()?,
            details,
        },
        active: r.text("status")? == "active",
        version: r.int("version")?,
        updated_at: r.text("updated_at")?,
    })
}

fn ppks_sameness(r: &impl Cells, keys: &FieldKeys) -> Result<String> {
    let details: PpksDetails =
        serde_json::from_str(&keys.open_text(Sealed::PpksDetails, &r.text("details")?)?)?;
    let place =
        RegionCode::parse(&r.text("place")?).map_err(|_| corrupt("ppks_records.village_code"))?;
    Ok(PpksRecord {
        village: place,
        category: code_of::<PmksCategory>(r, "code")?,
        unit: PpksUnit::Person,
        service: PpksService::NotYet,
        person: None,
        details,
    }
    .sameness())
}

fn psks_sameness(r: &impl Cells, keys: &FieldKeys) -> Result<String> {
    let details: PsksDetails =
        serde_json::from_str(&keys.open_text(Sealed::PsksDetails, &r.text("details")?)?)?;
    let place =
        RegionCode::parse(&r.text("place")?).map_err(|_| corrupt("psks_records.area_code"))?;
    Ok(PsksRecord {
        area: place,
        kind: code_of::<PsksKind>(r, "code")?,
        valid_from: NaiveDate::MIN,
        valid_until: None,
        details,
    }
    .sameness())
}

/// Refuses an upload with a row already in the registry, naming the first such data row.
fn refuse_registered(
    rows: impl Iterator<Item = String>,
    kept: &std::collections::HashSet<String>,
) -> Result<()> {
    for (i, same) in rows.enumerate() {
        if kept.contains(&same) {
            return Err(StoreError::invalid_text(
                format!(
                    "baris data ke-{}: sudah terdaftar (nama, NIK dan jenis yang sama di wilayah yang sama); ubah catatan itu dari halamannya",
                    i + 1
                ),
                format!(
                    "data row {}: already registered (the same name, NIK and kind in the same place); change that record on its page",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn date_of(text: &str, what: &str) -> Result<NaiveDate> {
    text.parse().map_err(|_| corrupt(what))
}

fn psks_from_row(r: &impl Cells, keys: &FieldKeys) -> Result<StoredPsks> {
    let details: PsksDetails =
        serde_json::from_str(&keys.open_text(Sealed::PsksDetails, &r.text("details")?)?)?;
    Ok(StoredPsks {
        id: r
            .text("id")?
            .parse()
            .map_err(|_| corrupt("psks_records.id"))?,
        record: PsksRecord {
            area: RegionCode::parse(&r.text("area_code")?)
                .map_err(|_| corrupt("psks_records.area_code"))?,
            kind: code_of::<PsksKind>(r, "kind")?,
            valid_from: date_of(&r.text("valid_from")?, "psks_records.valid_from")?,
            valid_until: r
                .opt_text("valid_until")?
                .map(|d| date_of(&d, "psks_records.valid_until"))
                .transpose()?,
            details,
        },
        active: r.text("status")? == "active",
        version: r.int("version")?,
        updated_at: r.text("updated_at")?,
        households: Vec::new(),
    })
}

/// The regions above a scope's, by code (a PSKS record of the district is seen from its
/// villages).
fn above(actor: &Actor) -> Vec<String> {
    let Some(code) = actor.scope.region() else {
        return Vec::new();
    };
    [
        RegionLevel::Province,
        RegionLevel::Regency,
        RegionLevel::District,
    ]
    .into_iter()
    .filter_map(|level| code.at_level(level))
    .filter(|c| c != code)
    .map(|c| c.to_string())
    .collect()
}

/// The length of a region code one level below `scope` (a report's rows).
fn child_length(actor: &Actor) -> i64 {
    match actor.scope.level() {
        None => 2,
        Some(RegionLevel::Province) => 5,
        Some(RegionLevel::Regency) => 8,
        _ => 13,
    }
}

impl Store {
    /// Registers a PPKS record (village operators and above, in scope). The village must be
    /// a village; a registered person named must be in it. Audited (`ppks.create`).
    pub async fn add_ppks(&self, actor: &Actor, record: PpksRecord) -> Result<Uuid> {
        let record = self.checked_ppks(actor, record).await?;
        let id = Uuid::now_v7();
        let now = self.now_text();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO ppks_records (id, village_code, category, unit, service, person_id, details, \
                 status, created_by, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9, 1)",
            )
            .bind(id.to_string())
            .bind(record.village.to_string())
            .bind(i64::from(record.category.code()))
            .bind(i64::from(record.unit.code()))
            .bind(i64::from(record.service.code()))
            .bind(record.person.map(|p| p.to_string()))
            .bind(self.keys().seal_text(Sealed::PpksDetails, &serde_json::to_string(&record.details)?))
            .bind(actor.user_id.to_string())
            .bind(&now)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "ppks.create",
                target_kind: "ppks",
                target_id: id.to_string(),
                region_code: record.village.to_string(),
                detail: format!("category={}", record.category.code()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Registers many PPKS records at once (an upload): every one checked first, then all
    /// written in one transaction, or none. Audited once per village (`ppks.upload`). A refusal
    /// names the record by its place in `records` (from 1).
    pub async fn add_ppks_all(&self, actor: &Actor, records: Vec<PpksRecord>) -> Result<usize> {
        let mut checked = Vec::with_capacity(records.len());
        for (i, record) in records.into_iter().enumerate() {
            checked.push(
                self.checked_ppks(actor, record)
                    .await
                    .map_err(|e| match e {
                        StoreError::Invalid {
                            indonesian,
                            english,
                        } => StoreError::invalid_text(
                            format!("baris data ke-{}: {indonesian}", i + 1),
                            format!("data row {}: {english}", i + 1),
                        ),
                        StoreError::NotFound => StoreError::invalid_text(
                            format!(
                                "baris data ke-{}: desa/kelurahan di luar wilayah kerja Anda",
                                i + 1
                            ),
                            format!("data row {}: the village is outside your scope", i + 1),
                        ),
                        other => other,
                    })?,
            );
        }
        let kept = self
            .active_sameness(
                "SELECT village_code AS place, category AS code, details FROM ppks_records \
                 WHERE status = 'active' AND village_code = $1",
                checked.iter().map(|r| r.village.to_string()),
                true,
            )
            .await?;
        refuse_registered(checked.iter().map(PpksRecord::sameness), &kept)?;
        let now = self.now_text();
        let keys = self.keys();
        let mut per_village: std::collections::BTreeMap<String, usize> = Default::default();
        let mut tx = self.begin().await?;
        for record in &checked {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO ppks_records (id, village_code, category, unit, service, person_id, details, \
                     status, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9, 1)",
                )
                .bind(Uuid::now_v7().to_string())
                .bind(record.village.to_string())
                .bind(i64::from(record.category.code()))
                .bind(i64::from(record.unit.code()))
                .bind(i64::from(record.service.code()))
                .bind(record.person.map(|p| p.to_string()))
                .bind(keys.seal_text(Sealed::PpksDetails, &serde_json::to_string(&record.details)?))
                .bind(actor.user_id.to_string())
                .bind(&now)
                .execute(&mut **c)
                .await?;
            });
            *per_village.entry(record.village.to_string()).or_default() += 1;
        }
        for (village, n) in &per_village {
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action: "ppks.upload",
                    target_kind: "ppks",
                    target_id: String::new(),
                    region_code: village.clone(),
                    detail: format!("rows={n}"),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(checked.len())
    }

    /// The sameness of every active record of the places an upload names (each place read
    /// once by `sql`, its records those of the PPKS registry or else the PSKS one).
    async fn active_sameness(
        &self,
        sql: &'static str,
        places: impl Iterator<Item = String>,
        ppks: bool,
    ) -> Result<std::collections::HashSet<String>> {
        let places: std::collections::BTreeSet<String> = places.collect();
        let keys = self.keys();
        let mut kept = std::collections::HashSet::new();
        for place in places {
            with_pool!(self, p => {
                for r in &sqlx::query(sql).bind(place).fetch_all(p).await? {
                    kept.insert(if ppks {
                        ppks_sameness(r, &keys)?
                    } else {
                        psks_sameness(r, &keys)?
                    });
                }
            });
        }
        Ok(kept)
    }

    async fn checked_ppks(&self, actor: &Actor, record: PpksRecord) -> Result<PpksRecord> {
        may_write(actor, &record.village)?;
        if record.village.level() != RegionLevel::Village {
            return Err(StoreError::invalid_text(
                "desa/kelurahan: pilih satu desa atau kelurahan",
                "village: choose one village",
            ));
        }
        if let Some(person) = record.person {
            let found = self.person(actor, person).await?;
            let household = match found {
                Some(p) => self.household(actor, p.record.household_id).await?,
                None => None,
            };
            if household.is_none_or(|h| h.household.record.address.village != record.village) {
                return Err(StoreError::invalid_text(
                    "orang terdaftar yang dirujuk tidak ada di desa/kelurahan ini",
                    "the registered person named is not in this village",
                ));
            }
        }
        Ok(PpksRecord {
            details: record
                .details
                .checked(self.now().date_naive())
                .map_err(invalid)?,
            ..record
        })
    }

    /// Changes a PPKS record (its service after an assessment, its details), if it is still
    /// the version read. `active: false` ends it (a person back with the family, gone).
    pub async fn update_ppks(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        record: PpksRecord,
        active: bool,
    ) -> Result<()> {
        let current = self.ppks(actor, id).await?.ok_or(StoreError::NotFound)?;
        may_write(actor, &current.record.village)?;
        let record = self.checked_ppks(actor, record).await?;
        let mut tx = self.begin().await?;
        let changed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE ppks_records SET village_code = $1, category = $2, unit = $3, service = $4, \
                 person_id = $5, details = $6, status = $7, updated_at = $8, version = version + 1 \
                 WHERE id = $9 AND version = $10",
            )
            .bind(record.village.to_string())
            .bind(i64::from(record.category.code()))
            .bind(i64::from(record.unit.code()))
            .bind(i64::from(record.service.code()))
            .bind(record.person.map(|p| p.to_string()))
            .bind(self.keys().seal_text(Sealed::PpksDetails, &serde_json::to_string(&record.details)?))
            .bind(if active { "active" } else { "ended" })
            .bind(self.now_text())
            .bind(id.to_string())
            .bind(version)
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(StoreError::invalid_text(
                "data PPKS ini sudah berubah sejak dimuat; muat ulang lalu ulangi",
                "this PPKS record changed since it was loaded; reload and retry",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "ppks.update",
                target_kind: "ppks",
                target_id: id.to_string(),
                region_code: record.village.to_string(),
                detail: format!(
                    "category={} service={} active={active}",
                    record.category.code(),
                    record.service.code()
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One PPKS record in scope (audited: it names a person and their problem).
    pub async fn ppks(&self, actor: &Actor, id: Uuid) -> Result<Option<StoredPpks>> {
        let keys = self.keys();
        let found = with_pool!(self, p => {
            sqlx::query("SELECT * FROM ppks_records WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| ppks_from_row(&r, &keys))
                .transpose()?
        })
        .filter(|r| actor.scope.contains(&r.record.village));
        if let Some(r) = &found {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "ppks.view",
                    target_kind: "ppks",
                    target_id: id.to_string(),
                    region_code: r.record.village.to_string(),
                    detail: String::new(),
                },
            )
            .await?;
        }
        Ok(found)
    }

    /// The PPKS records of the actor's scope (or of `region` inside it), of one category or
    /// all, active first, newest first; a page from `offset` (`limit` up to the export's).
    pub async fn ppks_list(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        category: Option<PmksCategory>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredPpks>> {
        let (low, high) = match region {
            Some(r) if actor.scope.contains(r) => r.village_range(),
            Some(_) => return Ok(Vec::new()),
            None => actor.scope.village_range(),
        };
        let keys = self.keys();
        let listed = with_pool!(self, p => {
            sqlx::query(
                "SELECT * FROM ppks_records WHERE village_code >= $1 AND village_code < $2 \
                 AND ($3 = 0 OR category = $3) ORDER BY status, created_at DESC, id LIMIT $4 OFFSET $5",
            )
            .bind(low)
            .bind(high)
            .bind(category.map_or(0, |c| i64::from(c.code())))
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| ppks_from_row(r, &keys))
            .collect::<Result<Vec<_>>>()?
        });
        if !listed.is_empty() {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "ppks.list",
                    target_kind: "ppks",
                    target_id: String::new(),
                    region_code: region.map_or_else(|| actor.scope.key(), |r| r.to_string()),
                    detail: format!("rows={}", listed.len()),
                },
            )
            .await?;
        }
        Ok(listed)
    }

    /// Active PPKS records per region one level below the scope and per category.
    pub async fn ppks_counts(&self, actor: &Actor) -> Result<Vec<SocialCount>> {
        let (low, high) = actor.scope.village_range();
        let sql = format!(
            "SELECT substr(village_code, 1, {len}) AS region, category AS code, COUNT(*) AS n \
             FROM ppks_records WHERE village_code >= $1 AND village_code < $2 AND status = 'active' \
             GROUP BY substr(village_code, 1, {len}), category ORDER BY 1, 2",
            len = child_length(actor)
        );
        self.social_counts(sql, low, high).await
    }

    async fn social_counts(
        &self,
        sql: String,
        low: String,
        high: String,
    ) -> Result<Vec<SocialCount>> {
        Ok(with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(low)
                .bind(high)
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| -> Result<SocialCount> {
                    Ok(SocialCount {
                        region: r.text("region")?,
                        code: u8::try_from(r.int("code")?).map_err(|_| corrupt("code"))?,
                        count: r.int("n")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        }))
    }

    /// Registers a PSKS record (regency operators and above, or anyone who may write whose
    /// scope holds the area). Audited (`psks.create`).
    pub async fn add_psks(&self, actor: &Actor, record: PsksRecord) -> Result<Uuid> {
        may_write(actor, &record.area)?;
        let record = record.checked().map_err(invalid)?;
        let id = Uuid::now_v7();
        let now = self.now_text();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO psks_records (id, area_code, kind, valid_from, valid_until, details, status, \
                 created_by, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8, 1)",
            )
            .bind(id.to_string())
            .bind(record.area.to_string())
            .bind(i64::from(record.kind.code()))
            .bind(record.valid_from.to_string())
            .bind(record.valid_until.map(|d| d.to_string()))
            .bind(self.keys().seal_text(Sealed::PsksDetails, &serde_json::to_string(&record.details)?))
            .bind(actor.user_id.to_string())
            .bind(&now)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "psks.create",
                target_kind: "psks",
                target_id: id.to_string(),
                region_code: record.area.to_string(),
                detail: format!("kind={}", record.kind.code()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds many PSKS records at once (an upload): every record checked first, then all written
    /// in one transaction, or none with the first refusal named by its data row.
    pub async fn add_psks_all(&self, actor: &Actor, records: Vec<PsksRecord>) -> Result<usize> {
        let mut checked = Vec::with_capacity(records.len());
        for (i, record) in records.into_iter().enumerate() {
            let row = |e: StoreError| match e {
                StoreError::Invalid {
                    indonesian,
                    english,
                } => StoreError::invalid_text(
                    format!("baris data ke-{}: {indonesian}", i + 1),
                    format!("data row {}: {english}", i + 1),
                ),
                StoreError::NotFound => StoreError::invalid_text(
                    format!(
                        "baris data ke-{}: wilayah di luar wilayah kerja Anda",
                        i + 1
                    ),
                    format!("data row {}: the area is outside your scope", i + 1),
                ),
                other => other,
            };
            may_write(actor, &record.area).map_err(row)?;
            checked.push(record.checked().map_err(invalid).map_err(row)?);
        }
        let kept = self
            .active_sameness(
                "SELECT area_code AS place, kind AS code, details FROM psks_records \
                 WHERE status = 'active' AND area_code = $1",
                checked.iter().map(|r| r.area.to_string()),
                false,
            )
            .await?;
        refuse_registered(checked.iter().map(PsksRecord::sameness), &kept)?;
        let now = self.now_text();
        let keys = self.keys();
        let mut per_area: std::collections::BTreeMap<String, usize> = Default::default();
        let mut tx = self.begin().await?;
        for record in &checked {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO psks_records (id, area_code, kind, valid_from, valid_until, details, status, \
                     created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8, 1)",
                )
                .bind(Uuid::now_v7().to_string())
                .bind(record.area.to_string())
                .bind(i64::from(record.kind.code()))
                .bind(record.valid_from.to_string())
                .bind(record.valid_until.map(|d| d.to_string()))
                .bind(keys.seal_text(Sealed::PsksDetails, &serde_json::to_string(&record.details)?))
                .bind(actor.user_id.to_string())
                .bind(&now)
                .execute(&mut **c)
                .await?;
            });
            *per_area.entry(record.area.to_string()).or_default() += 1;
        }
        for (area, n) in &per_area {
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action: "psks.upload",
                    target_kind: "psks",
                    target_id: String::new(),
                    region_code: area.clone(),
                    detail: format!("rows={n}"),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(checked.len())
    }

    /// Changes a PSKS record if it is still the version read; `active: false` ends it.
    pub async fn update_psks(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        record: PsksRecord,
        active: bool,
    ) -> Result<()> {
        let current = self.psks(actor, id).await?.ok_or(StoreError::NotFound)?;
        may_write(actor, &current.record.area)?;
        may_write(actor, &record.area)?;
        let record = record.checked().map_err(invalid)?;
        let mut tx = self.begin().await?;
        let changed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE psks_records SET area_code = $1, kind = $2, valid_from = $3, valid_until = $4, \
                 details = $5, status = $6, updated_at = $7, version = version + 1 \
                 WHERE id = $8 AND version = $9",
            )
            .bind(record.area.to_string())
            .bind(i64::from(record.kind.code()))
            .bind(record.valid_from.to_string())
            .bind(record.valid_until.map(|d| d.to_string()))
            .bind(self.keys().seal_text(Sealed::PsksDetails, &serde_json::to_string(&record.details)?))
            .bind(if active { "active" } else { "ended" })
            .bind(self.now_text())
            .bind(id.to_string())
            .bind(version)
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(StoreError::invalid_text(
                "data PSKS ini sudah berubah sejak dimuat; muat ulang lalu ulangi",
                "this PSKS record changed since it was loaded; reload and retry",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "psks.update",
                target_kind: "psks",
                target_id: id.to_string(),
                region_code: record.area.to_string(),
                detail: format!("kind={} active={active}", record.kind.code()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the actor sees a PSKS record of `area`: one inside the scope, or one whose area
    /// holds the scope (the district's TKSK, seen from its villages).
    fn sees_area(actor: &Actor, area: &RegionCode) -> bool {
        actor.scope.contains(area)
            || actor
                .scope
                .region()
                .is_some_and(|scope| area.contains(scope))
    }

    /// One PSKS record the actor sees, with the households it accompanies (those in scope).
    pub async fn psks(&self, actor: &Actor, id: Uuid) -> Result<Option<StoredPsks>> {
        let keys = self.keys();
        let found = with_pool!(self, p => {
            sqlx::query("SELECT * FROM psks_records WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| psks_from_row(&r, &keys))
                .transpose()?
        })
        .filter(|r| Self::sees_area(actor, &r.record.area));
        let Some(mut found) = found else {
            return Ok(None);
        };
        let (low, high) = actor.scope.village_range();
        found.households = with_pool!(self, p => {
            sqlx::query_scalar::<_, String>(
                "SELECT household_id FROM psks_households WHERE psks_id = $1 \
                 AND village_code >= $2 AND village_code < $3 ORDER BY linked_at, household_id",
            )
            .bind(id.to_string())
            .bind(low)
            .bind(high)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|h| h.parse().map_err(|_| corrupt("psks_households.household_id")))
            .collect::<Result<Vec<HouseholdId>>>()?
        });
        self.audit_view(
            actor,
            AuditEvent {
                action: "psks.view",
                target_kind: "psks",
                target_id: id.to_string(),
                region_code: found.record.area.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        Ok(Some(found))
    }

    /// The PSKS records the actor sees (inside the scope, or working over it), of one kind or
    /// all, active first.
    pub async fn psks_list(
        &self,
        actor: &Actor,
        kind: Option<PsksKind>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredPsks>> {
        let (low, high) = actor.scope.village_range();
        let above = above(actor);
        let mut sql =
            String::from("SELECT * FROM psks_records WHERE ((area_code >= $1 AND area_code < $2)");
        for i in 0..above.len() {
            sql.push_str(&format!(" OR area_code = ${}", i + 6));
        }
        sql.push_str(
            ") AND ($3 = 0 OR kind = $3) ORDER BY status, area_code, created_at, id LIMIT $4 OFFSET $5",
        );
        let values = [
            Value::Text(low),
            Value::Text(high),
            Value::Int(kind.map_or(0, |k| i64::from(k.code()))),
            Value::Int(limit),
            Value::Int(offset),
        ]
        .into_iter()
        .chain(above.into_iter().map(Value::Text));
        let keys = self.keys();
        let listed = with_pool!(self, p => {
            bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), values)
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| psks_from_row(r, &keys))
                .collect::<Result<Vec<_>>>()?
        });
        if !listed.is_empty() {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "psks.list",
                    target_kind: "psks",
                    target_id: String::new(),
                    region_code: actor.scope.key(),
                    detail: format!("rows={}", listed.len()),
                },
            )
            .await?;
        }
        Ok(listed)
    }

    /// Active PSKS records inside the scope per region one level below it and per kind.
    pub async fn psks_counts(&self, actor: &Actor) -> Result<Vec<SocialCount>> {
        let (low, high) = actor.scope.village_range();
        let sql = format!(
            "SELECT substr(area_code, 1, {len}) AS region, kind AS code, COUNT(*) AS n \
             FROM psks_records WHERE area_code >= $1 AND area_code < $2 AND status = 'active' \
             GROUP BY substr(area_code, 1, {len}), kind ORDER BY 1, 2",
            len = child_length(actor)
        );
        self.social_counts(sql, low, high).await
    }

    /// Links a household the PSKS worker accompanies (a PKH companion's): the household in
    /// the actor's scope and inside the worker's area. Audited (`psks.link`).
    pub async fn link_psks_household(
        &self,
        actor: &Actor,
        id: Uuid,
        household: HouseholdId,
    ) -> Result<()> {
        let worker = self.psks(actor, id).await?.ok_or(StoreError::NotFound)?;
        if !actor.may(Action::WriteRegister) {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        if worker.record.kind.is_organisation() {
            return Err(StoreError::invalid_text(
                "rumah tangga dampingan hanya untuk tenaga kesejahteraan sosial, bukan lembaga",
                "accompanied households are for workers, not organisations",
            ));
        }
        let village = self
            .household(actor, household)
            .await?
            .ok_or(StoreError::NotFound)?
            .household
            .record
            .address
            .village;
        if !worker.record.area.contains(&village) {
            return Err(StoreError::invalid_text(
                format!(
                    "rumah tangga ini di luar wilayah kerja {} ({})",
                    worker.record.details.name, worker.record.area
                ),
                format!(
                    "this household is outside the worker's area ({})",
                    worker.record.area
                ),
            ));
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO psks_households (psks_id, household_id, village_code, linked_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (psks_id, household_id) DO NOTHING",
            )
            .bind(id.to_string())
            .bind(household.to_string())
            .bind(village.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "psks.link",
                target_kind: "psks",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: format!("household={household}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
