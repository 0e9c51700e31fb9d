//! Retention (UU 27/2022 Pasal 43(1)b, ADR 0023): a person removed from the register (alone, or
//! with their whole household) longer ago than the configured years keeps their row, so that every count by region, status, reason,
//! sex and year of birth stays as it was, but loses what identifies them: name, NIK, No KK,
//! mother's name, birthplace, day and month of birth, health; and so do the kept versions of
//! their record. Run in short transactions, resumable (a person is done once), and audited per
//! village.

use std::collections::BTreeMap;

use siks_domain::access::Action;
use siks_domain::clock::Stamp;
use siks_domain::{Actor, Role, Scope};

use crate::audit::{self, AuditEvent};
use crate::records::{person_from_row, seal_health, seal_identity};
use crate::sealing::Sealed;
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// The name an anonymised person is shown with.
pub const ANONYMISED_NAME: &str = "Dianonimkan";
/// What stands in an anonymised person's NIK and No KK: kept as a malformed number (a record
/// needs one; the checks leave removed persons out, and no search finds it).
pub const ANONYMISED_NUMBER: &str = "DIANONIMKAN";
/// Persons anonymised per transaction.
const BATCH: i64 = 500;

/// What a retention run did (or, dry, would do): persons by village.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anonymised {
    pub persons: u64,
    pub villages: BTreeMap<String, u64>,
}

impl Store {
    /// Anonymises every person removed (inactive) before `removed_before` and not done yet
    /// (`dry_run`: only counts them). The nation's admin only (the command line's system
    /// account). `progress` hears the persons done so far.
    pub async fn anonymise_removed(
        &self,
        actor: &Actor,
        removed_before: Stamp,
        dry_run: bool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Anonymised> {
        if actor.role != Role::Admin || actor.scope != Scope::Nation {
            return Err(StoreError::Forbidden(Action::ManageUsers));
        }
        let before = removed_before.text();
        let mut done = Anonymised::default();
        let mut after = String::new();
        loop {
            let rows = with_pool!(self, p => {
                // Removed on their own, or with their whole household (whose members stay
                // active in their rows: the household's status speaks for them).
                let rows = sqlx::query(
                    "SELECT p.* FROM persons p JOIN households h ON h.id = p.household_id \
                     WHERE p.anonymised_at IS NULL AND p.id > $2 \
                     AND ((p.status = 'inactive' AND p.updated_at < $1) \
                       OR (h.status = 'inactive' AND h.updated_at < $1)) \
                     ORDER BY p.id LIMIT $3",
                )
                .bind(&before)
                .bind(&after)
                .bind(BATCH)
                .fetch_all(p)
                .await?;
                let keys = self.keys();
                rows.iter()
                    .map(|r| -> Result<(siks_domain::Person, i64, String)> {
                        let (person, version) = person_from_row(r, &keys)?;
                        Ok((person, version, r.text("village_code")?))
                    })
                    .collect::<Result<Vec<_>>>()?
            });
            let Some(last) = rows.last() else {
                break;
            };
            after = last.0.id.to_string();
            let mut batch: BTreeMap<String, u64> = BTreeMap::new();
            if !dry_run {
                let mut tx = self.begin().await?;
                let keys = tx.keys.clone();
                let now = self.now_text();
                for (person, version, village) in &rows {
                    let anonymous = anonymised(person);
                    let record_json = keys.seal(
                        Sealed::History,
                        &serde_json::to_vec(&anonymous).unwrap_or_default(),
                    );
                    let changed = with_tx!(&mut tx, c => {
                        let changed = sqlx::query(
                            "UPDATE persons SET full_name = $1, name_key = '', name_sorted = '', \
                             birth_place = '', birth_date = $2, identity = $3, health = $4, \
                             nik = '', no_kk = '', mother_name = '', pmks = NULL, \
                             nik_key = '', no_kk_key = '', nik_valid = $5, no_kk_valid = $5, \
                             anonymised_at = $6, version = version + 1 \
                             WHERE id = $7 AND anonymised_at IS NULL AND version = $8",
                        )
                        .bind(ANONYMISED_NAME)
                        .bind(anonymous.birth_date.to_string())
                        .bind(seal_identity(
                            &keys,
                            ANONYMISED_NUMBER,
                            ANONYMISED_NUMBER,
                            "",
                        ))
                        .bind(seal_health(&keys, &anonymous))
                        .bind(false)
                        .bind(&now)
                        .bind(person.id.to_string())
                        // Not one changed since it was read (a close beside it, a correction).
                        .bind(version)
                        .execute(&mut **c)
                        .await?
                        .rows_affected();
                        // Every kept version of the record becomes the anonymous one, without
                        // the reason typed for it (which may name the person).
                        sqlx::query(
                            "UPDATE record_history SET \
                             before_json = CASE WHEN before_json IS NULL THEN NULL ELSE $1 END, \
                             after_json = CASE WHEN after_json IS NULL THEN NULL ELSE $1 END, \
                             reason = '' \
                             WHERE record_kind = 'person' AND record_id = $2",
                        )
                        .bind(&record_json)
                        .bind(person.id.to_string())
                        .execute(&mut **c)
                        .await?;
                        changed
                    });
                    if changed == 1 {
                        *batch.entry(village.clone()).or_default() += 1;
                    }
                }
                for (village, n) in &batch {
                    audit::append(
                        &mut tx,
                        actor,
                        AuditEvent {
                            action: "retention.anonymise",
                            target_kind: "region",
                            target_id: village.clone(),
                            region_code: village.clone(),
                            detail: format!("persons={n} removed_before={before}"),
                        },
                    )
                    .await?;
                }
                if !batch.is_empty() {
                    tx.register_changes();
                }
                tx.commit().await?;
            } else {
                for (_, _, village) in &rows {
                    *batch.entry(village.clone()).or_default() += 1;
                }
            }
            for (village, n) in batch {
                done.persons += n;
                *done.villages.entry(village).or_default() += n;
            }
            progress(done.persons);
        }
        Ok(done)
    }
}

/// A person as kept after the retention period: the codes that counts are made of stay
/// (sex, year of birth, relation, status and its reason, schooling, work), what identifies
/// them goes.
pub fn anonymised(person: &siks_domain::Person) -> siks_domain::Person {
    use chrono::Datelike;
    let mut p = person.clone();
    p.full_name = ANONYMISED_NAME.into();
    if let Ok(nik) = siks_domain::identity::Recorded::nik(ANONYMISED_NUMBER) {
        p.nik = nik;
    }
    if let Ok(no_kk) = siks_domain::identity::Recorded::no_kk(ANONYMISED_NUMBER) {
        p.no_kk = no_kk;
    }
    p.mother_name = String::new();
    p.birth_place = String::new();
    p.birth_date =
        chrono::NaiveDate::from_ymd_opt(p.birth_date.year(), 1, 1).unwrap_or(p.birth_date);
    p.pregnant = false;
    p.disability = None;
    p.disability_severity = None;
    p.chronic_illness = None;
    p.pmks = None;
    p
}
