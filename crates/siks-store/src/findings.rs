//! Verivali in the store: what a check run reads (one read snapshot over the region: its
//! households and people village by village, the NIKs active twice, the findings kept from
//! earlier runs) and what it writes (new findings and status changes, in short audited
//! transactions). The run itself (the domain's checks, the linkage, the reconciliation) is the
//! service's. Findings are read, counted and dismissed in scope.

use siks_domain::clock::Stamp;
use std::collections::BTreeMap;

use siks_domain::access::Action;
use siks_domain::checks::{FindingKind, FindingStatus, Severity};
use siks_domain::{Actor, Coded, Household, HouseholdId, Person, PersonId, RegionCode, Scope};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::records::{household_from_row, person_from_row};
use crate::sealing::NoteColumn;
use crate::sql::{Cells, Tx, Value, insert_rows_with, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// What a check run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub households: u64,
    pub persons: u64,
    /// Open findings after the run, per kind.
    pub open: BTreeMap<u8, u64>,
    pub opened: u64,
    pub fixed: u64,
    /// Active people the civil-registry extract confirms (NIK, name and birth date) and those
    /// it does not; `None` when no extract is in force.
    pub padan: Option<(u64, u64)>,
}

/// One kept finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub id: Uuid,
    pub kind: FindingKind,
    pub severity: Severity,
    pub village: RegionCode,
    pub household: HouseholdId,
    pub person: Option<PersonId>,
    pub other_person: Option<PersonId>,
    pub fields: String,
    pub detail: String,
    pub status: FindingStatus,
    pub status_reason: String,
    pub found_at: Stamp,
    /// The person found and the other of a pair, as the register names them now (a finding
    /// keeps no name of its own), and the person's NIK as recorded.
    pub person_name: Option<String>,
    pub person_nik: Option<String>,
    pub other_name: Option<String>,
    /// The household's head, for a finding about the household as a whole.
    pub head_name: Option<String>,
}

/// New findings (and, separately, status changes) written per transaction by a check run. A
/// page's write waits at most one such transaction for its turn: at 1,000 that was about
/// 150 ms on SQLite, at 250 about 60 ms (ADR 0015), for some seconds more on a national run.
pub const FINDINGS_PER_WRITE: usize = 250;

const COLUMNS: &[&str] = &[
    "id",
    "finding_key",
    "kind",
    "severity",
    "village_code",
    "household_id",
    "person_id",
    "other_person_id",
    "fields",
    "detail",
    "status",
    "status_reason",
    "status_by",
    "found_at",
    "updated_at",
];

/// A finding as a check run saw it, before it is reconciled with those kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenFinding {
    pub kind: FindingKind,
    pub village: RegionCode,
    pub household: HouseholdId,
    pub person: Option<PersonId>,
    pub other: Option<PersonId>,
    /// The fields concerned, comma-separated as stored.
    pub fields: String,
    pub detail: String,
}

impl SeenFinding {
    /// What makes two runs' findings the same one: the kind, the household and the people.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.kind.code(),
            self.household,
            self.person.map(|p| p.to_string()).unwrap_or_default(),
            self.other.map(|p| p.to_string()).unwrap_or_default()
        )
    }
}

/// A finding kept from earlier runs, as the reconciliation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFinding {
    pub key: String,
    pub id: Uuid,
    pub status: FindingStatus,
    /// Its evidence as last written (an older run may have worded it differently).
    pub detail: String,
}

/// A valid NIK active on more than one person: one of its holders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedNikHolder {
    /// The NIK's blind index: the same for every holder of one NIK, the NIK itself never.
    pub nik_key: String,
    pub person: PersonId,
    pub household: HouseholdId,
    /// `None` for a stored village code that does not read (counted, never reported).
    pub village: Option<RegionCode>,
}

/// What a check run writes: its new findings, the status changes of kept ones (id, the
/// status the run read, the new one), and the kept ones seen again whose evidence now reads
/// otherwise (id, the evidence as this run words it).
#[derive(Debug, Default)]
pub struct CheckRunWrites {
    pub new: Vec<SeenFinding>,
    pub changes: Vec<(Uuid, FindingStatus, FindingStatus)>,
    pub reworded: Vec<(Uuid, String)>,
}

/// Everything a check run reads, on one read snapshot that never takes the write lock: a
/// national run computes for most of a minute while the village operators keep working. It is
/// opened for an actor who may run the checks, over the region they asked for, and reads only
/// that region (the register-wide reads say so).
pub struct CheckSnapshot {
    pub(crate) tx: Tx,
    scope: Scope,
    pub(crate) low: String,
    pub(crate) high: String,
}

fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `region` if it lies in the actor's scope (`None` when it does not), else the whole scope.
fn scope_of(actor: &Actor, region: Option<&RegionCode>) -> Option<Scope> {
    match region {
        Some(code) if actor.scope.contains(code) => Some(Scope::Region(code.clone())),
        Some(_) => None,
        None => Some(actor.scope.clone()),
    }
}

/// A stored status read back; anything else is a corrupt row.
fn finding_status(key: &str) -> Result<FindingStatus> {
    FindingStatus::parse(key).ok_or_else(|| corrupt("status"))
}

fn corrupt(what: &str) -> StoreError {
    corrupt_table("findings", what)
}

fn corrupt_table(table: &str, what: &str) -> StoreError {
    StoreError::Corrupt(format!("{table}.{what}"))
}

/// Whether the actor may run the checks on `region` (default its scope), and the scope they
/// then cover; a region outside the actor's scope answers not found.
pub fn check_may_run_checks(actor: &Actor, region: Option<&RegionCode>) -> Result<Scope> {
    if !actor.may(Action::WriteRegister) {
        return Err(StoreError::Forbidden(Action::WriteRegister));
    }
    scope_of(actor, region).ok_or(StoreError::NotFound)
}

impl CheckSnapshot {
    /// The scope the run covers.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The villages of the scope that have households, in order.
    pub async fn villages(&mut self) -> Result<Vec<RegionCode>> {
        let (low, high) = (&self.low, &self.high);
        Ok(with_tx!(&mut self.tx, c => {
            let rows = sqlx::query(
                "SELECT DISTINCT village_code FROM households WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code",
            )
            .bind(low)
            .bind(high)
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| RegionCode::parse(&r.text("village_code")?).map_err(|_| corrupt_table("households", "village_code")))
                .collect::<Result<Vec<_>>>()?
        }))
    }

    /// A village's households that are not inactive (by id) and all its people (by household):
    /// the run goes village by village, so a whole province never sits in memory at once.
    pub async fn village_records(
        &mut self,
        village: &RegionCode,
    ) -> Result<(Vec<Household>, Vec<Person>)> {
        if !self.scope.contains(village) {
            return Ok((Vec::new(), Vec::new()));
        }
        let village = village.to_string();
        let keys = self.tx.keys.clone();
        Ok(with_tx!(&mut self.tx, c => {
            let h = sqlx::query(
                "SELECT * FROM households WHERE village_code = $1 AND status <> 'inactive' ORDER BY id",
            )
            .bind(&village)
            .fetch_all(&mut **c)
            .await?;
            let p = sqlx::query("SELECT * FROM persons WHERE village_code = $1 ORDER BY household_id")
                .bind(&village)
                .fetch_all(&mut **c)
                .await?;
            (
                h.iter().map(|r| household_from_row(r).map(|x| x.0)).collect::<Result<Vec<_>>>()?,
                p.iter().map(|r| person_from_row(r, &keys).map(|x| x.0)).collect::<Result<Vec<_>>>()?,
            )
        }))
    }

    /// Every holder of a valid NIK that is active on more than one person, across the whole
    /// register (a NIK shared with someone outside the scope is still shared), by NIK. Only the
    /// NIKs and ids: the run reports the holders inside its scope.
    pub async fn shared_active_niks(&mut self) -> Result<Vec<SharedNikHolder>> {
        let rows: Vec<(String, String, String, String)> = with_tx!(&mut self.tx, c => {
            let rows = sqlx::query(
                "SELECT p.nik_key, p.id, p.household_id, p.village_code FROM persons p \
                 JOIN (SELECT nik_key FROM persons WHERE status = 'active' AND nik_valid \
                       GROUP BY nik_key HAVING COUNT(*) > 1) d ON d.nik_key = p.nik_key \
                 WHERE p.status = 'active' ORDER BY p.nik_key, p.id",
            )
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("nik_key")?, r.text("id")?, r.text("household_id")?, r.text("village_code")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        // The whole register is read: a malformed row outside the run's region must not stop
        // it. A holder whose village does not read still counts as a holder (it shares the NIK)
        // but is never reported; one whose ids do not read cannot be named and is left out.
        Ok(rows
            .into_iter()
            .filter_map(|(nik_key, person, household, village)| {
                Some(SharedNikHolder {
                    nik_key,
                    person: person.parse().ok()?,
                    household: household.parse().ok()?,
                    village: RegionCode::parse(&village).ok(),
                })
            })
            .collect())
    }

    /// The findings kept in the scope from earlier runs.
    pub async fn kept_findings(&mut self) -> Result<Vec<KeptFinding>> {
        let (low, high) = (&self.low, &self.high);
        Ok(with_tx!(&mut self.tx, c => {
            let rows = sqlx::query(
                "SELECT id, finding_key, status, detail FROM findings WHERE village_code >= $1 AND village_code < $2",
            )
            .bind(low)
            .bind(high)
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(KeptFinding {
                        key: r.text("finding_key")?,
                        id: r.text("id")?.parse().map_err(|_| corrupt("id"))?,
                        status: finding_status(&r.text("status")?)?,
                        detail: r.text("detail")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        }))
    }

    /// Ends the snapshot (it wrote nothing).
    pub async fn finish(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

impl Store {
    /// Opens a check run's read snapshot over `region` (default: the actor's scope), after
    /// checking that the actor may run the checks there. Regency level and above, and the
    /// command line.
    pub async fn open_check_snapshot(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
    ) -> Result<CheckSnapshot> {
        let scope = check_may_run_checks(actor, region)?;
        let (low, high) = scope.village_range();
        let tx = self.begin_read().await?;
        Ok(CheckSnapshot {
            tx,
            scope,
            low,
            high,
        })
    }

    /// Writes a check run's new findings and status changes, at most [`FINDINGS_PER_WRITE`] of
    /// each per transaction, so that no other writer (a page's audit entry of a view) waits on
    /// a national run for more than a moment. Each transaction stands on its own: a new finding
    /// whose key another run wrote meanwhile is skipped, a status is changed only if it is still
    /// what this run read, and each is audited (`check.run.part` until the last, `check.run`
    /// with the run's counts). A run stopped half-way leaves findings that are each true, and
    /// the next run finishes the reconciliation.
    pub async fn write_check_run(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        report: &CheckReport,
        writes: CheckRunWrites,
    ) -> Result<()> {
        let scope = check_may_run_checks(actor, region)?;
        if let Some(outside) = writes.new.iter().find(|f| !scope.contains(&f.village)) {
            return Err(StoreError::Corrupt(format!(
                "a check run over {} found {} outside it",
                scope.key(),
                outside.village
            )));
        }
        let (low, high) = scope.village_range();
        let now = self.now_text();
        let new_rows: Vec<Vec<Value>> = writes
            .new
            .into_iter()
            .map(|s| {
                vec![
                    Value::Text(Uuid::now_v7().to_string()),
                    Value::Text(s.key()),
                    Value::Int(i64::from(s.kind.code())),
                    Value::Text(severity_key(s.kind.severity()).into()),
                    Value::Text(s.village.to_string()),
                    Value::Text(s.household.to_string()),
                    Value::OptText(s.person.map(|p| p.to_string())),
                    Value::OptText(s.other.map(|p| p.to_string())),
                    Value::Text(s.fields),
                    Value::Text(s.detail),
                    Value::Text(FindingStatus::Open.key().into()),
                    Value::Text(String::new()),
                    Value::OptText(None),
                    Value::Text(now.clone()),
                    Value::Text(now.clone()),
                ]
            })
            .collect();
        let (changes, reworded) = (writes.changes, writes.reworded);
        let parts = [new_rows.len(), changes.len(), reworded.len()]
            .into_iter()
            .map(|n| n.div_ceil(FINDINGS_PER_WRITE))
            .max()
            .unwrap_or(0)
            .max(1);
        let mut new_rows = new_rows.into_iter();
        let mut changes = changes.into_iter();
        let mut reworded = reworded.into_iter();
        for part in 1..=parts {
            let rows: Vec<Vec<Value>> = new_rows.by_ref().take(FINDINGS_PER_WRITE).collect();
            let changed: Vec<(Uuid, FindingStatus, FindingStatus)> =
                changes.by_ref().take(FINDINGS_PER_WRITE).collect();
            let rewords: Vec<(Uuid, String)> = reworded.by_ref().take(FINDINGS_PER_WRITE).collect();
            let mut tx = self.begin_bulk().await?;
            let (inserted, updated) = (rows.len(), changed.len());
            insert_rows_with(
                &mut tx,
                "findings",
                COLUMNS,
                "ON CONFLICT (finding_key) DO NOTHING",
                rows,
            )
            .await?;
            for (id, from, to) in changed {
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE findings SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 \
                         AND village_code >= $5 AND village_code < $6",
                    )
                    .bind(to.key())
                    .bind(&now)
                    .bind(id.to_string())
                    .bind(from.key())
                    .bind(&low)
                    .bind(&high)
                    .execute(&mut **c)
                    .await?;
                });
            }
            // Evidence in the words of this run (older runs wrote model weights and ISO dates);
            // a rewording is no change of the finding, so its time stays.
            for (id, detail) in &rewords {
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE findings SET detail = $1 WHERE id = $2 \
                         AND village_code >= $3 AND village_code < $4",
                    )
                    .bind(detail)
                    .bind(id.to_string())
                    .bind(&low)
                    .bind(&high)
                    .execute(&mut **c)
                    .await?;
                });
            }
            let (action, detail) = if part == parts {
                (
                    "check.run",
                    format!(
                        "households={} opened={} fixed={}",
                        report.households, report.opened, report.fixed
                    ),
                )
            } else {
                (
                    "check.run.part",
                    format!(
                        "part={part}/{parts} inserted={inserted} status_changes={updated} reworded={}",
                        rewords.len()
                    ),
                )
            };
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action,
                    target_kind: "region",
                    target_id: scope.key(),
                    region_code: scope.key(),
                    detail,
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Findings in scope (of `region`, a kind, a status), newest first.
    pub async fn findings(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        kind: Option<FindingKind>,
        status: Option<FindingStatus>,
        limit: u32,
    ) -> Result<Vec<StoredFinding>> {
        self.findings_from(actor, region, kind, status, limit, 0)
            .await
    }

    /// A page of [`Store::findings`]: `limit` of them after the first `skip`, newest first, with
    /// the names of the people found. Audited as a view of the region (the rows read).
    pub async fn findings_from(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        kind: Option<FindingKind>,
        status: Option<FindingStatus>,
        limit: u32,
        skip: u64,
    ) -> Result<Vec<StoredFinding>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let Some(scope) = scope_of(actor, region) else {
            return Ok(Vec::new());
        };
        let (low, high) = scope.village_range();
        let found: Vec<StoredFinding> = with_pool!(self, p => {
            let rows = sqlx::query(
                // A person is named only inside the scope: the other of a pair, or a person who
                // has moved since, may live where the reader may not look.
                "SELECT f.*, \
                 CASE WHEN p.village_code >= $1 AND p.village_code < $2 THEN p.full_name END AS person_name, \
                 CASE WHEN p.village_code >= $1 AND p.village_code < $2 THEN p.identity END AS person_identity, \
                 CASE WHEN o.village_code >= $1 AND o.village_code < $2 THEN o.full_name END AS other_name, \
                 (SELECT MIN(ph.full_name) FROM persons ph WHERE ph.household_id = f.household_id \
                  AND ph.relation_to_head = 1 AND ph.status = 'active' \
                  AND ph.village_code >= $1 AND ph.village_code < $2) AS head_name \
                 FROM findings f LEFT JOIN persons p ON p.id = f.person_id \
                 LEFT JOIN persons o ON o.id = f.other_person_id \
                 WHERE f.village_code >= $1 AND f.village_code < $2 \
                 AND ($3 = 0 OR f.kind = $3) AND ($4 = '' OR f.status = $4) \
                 ORDER BY f.found_at DESC, f.id DESC LIMIT $5 OFFSET $6",
            )
            .bind(&low)
            .bind(&high)
            .bind(kind.map(|k| i64::from(k.code())).unwrap_or(0))
            .bind(status.map(FindingStatus::key).unwrap_or(""))
            .bind(i64::from(limit.clamp(1, 5000)))
            .bind(i64::try_from(skip).unwrap_or(i64::MAX))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let kind = <FindingKind as Coded>::from_code(u8::try_from(r.int("kind")?).map_err(|_| corrupt("kind"))?)
                        .ok_or_else(|| corrupt("kind"))?;
                    Ok(StoredFinding {
                        id: r.text("id")?.parse().map_err(|_| corrupt("id"))?,
                        kind,
                        severity: kind.severity(),
                        village: RegionCode::parse(&r.text("village_code")?).map_err(|_| corrupt("village_code"))?,
                        household: r.text("household_id")?.parse().map_err(|_| corrupt("household_id"))?,
                        person: r.opt_text("person_id")?.map(|t| t.parse()).transpose().map_err(|_| corrupt("person_id"))?,
                        other_person: r.opt_text("other_person_id")?.map(|t| t.parse()).transpose().map_err(|_| corrupt("other_person_id"))?,
                        fields: r.text("fields")?,
                        detail: r.text("detail")?,
                        status: finding_status(&r.text("status")?)?,
                        status_reason: self.keys().open_note(NoteColumn::FindingReason, &r.text("status_reason")?)?,
                        found_at: crate::sql::stamp(&r.text("found_at")?, "findings.found_at")?,
                        person_name: r.opt_text("person_name")?,
                        person_nik: r.opt_text("person_identity")?.map(|i| self.sealed_nik(&i)).transpose()?,
                        other_name: r.opt_text("other_name")?,
                        head_name: r.opt_text("head_name")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        if !found.is_empty() {
            self.audit_view(
                actor,
                crate::audit::AuditEvent {
                    action: "finding.list",
                    target_kind: "region",
                    target_id: scope.key(),
                    region_code: scope.key(),
                    detail: format!("rows={}", found.len()),
                },
            )
            .await?;
        }
        Ok(found)
    }

    /// Whether an open finding with this id lies in the actor's scope.
    pub async fn finding_open_in_scope(&self, actor: &Actor, id: Uuid) -> Result<bool> {
        Ok(self.finding_status_in_scope(actor, id).await? == Some(FindingStatus::Open))
    }

    /// The status of the finding with this id, if it lies in the actor's scope.
    pub async fn finding_status_in_scope(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<FindingStatus>> {
        let found: Option<(String, String)> = with_pool!(self, p => {
            sqlx::query("SELECT village_code, status FROM findings WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((r.text("village_code")?, r.text("status")?)))
                .transpose()?
        });
        found
            .filter(|(v, _)| RegionCode::parse(v).is_ok_and(|v| actor.scope.contains(&v)))
            .map(|(_, status)| finding_status(&status))
            .transpose()
    }

    /// Marks an open finding fixed, as the operator reports (the next check run reopens it if
    /// the record still shows it).
    pub async fn mark_finding_fixed(&self, actor: &Actor, id: Uuid, note: &str) -> Result<()> {
        self.settle_finding(actor, id, FindingStatus::Fixed, note, "finding.fixed")
            .await
    }

    /// Dismisses an open finding with the reason (it stays dismissed in later runs).
    pub async fn dismiss_finding(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<()> {
        if reason.trim().chars().count() < 5 {
            return Err(StoreError::invalid_text(
                "alasan penolakan temuan wajib diisi (paling sedikit 5 huruf)",
                "a reason of at least 5 letters is required to dismiss a finding",
            ));
        }
        self.settle_finding(
            actor,
            id,
            FindingStatus::Dismissed,
            reason,
            "finding.dismiss",
        )
        .await
    }

    /// Sets an open finding's status with its reason, in scope, audited.
    async fn settle_finding(
        &self,
        actor: &Actor,
        id: Uuid,
        status: FindingStatus,
        reason: &str,
        action: &'static str,
    ) -> Result<()> {
        if !actor.may(Action::WriteRegister) {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let mut tx = self.begin().await?;
        let village: String = with_tx!(&mut tx, c => {
            sqlx::query("SELECT village_code FROM findings WHERE id = $1 AND status = 'open'")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?
                .map(|r| r.text("village_code"))
                .transpose()?
                .ok_or(StoreError::NotFound)?
        });
        let code = RegionCode::parse(&village).map_err(|_| corrupt("village_code"))?;
        if !actor.scope.contains(&code) {
            return Err(StoreError::NotFound);
        }
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE findings SET status = $1, status_reason = $2, status_by = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(status.key())
            .bind(self.keys().seal_note(NoteColumn::FindingReason, reason))
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .bind(id.to_string())
            .execute(&mut **c)
            .await?;
        });
        tx.register_changes();
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action,
                target_kind: "finding",
                target_id: id.to_string(),
                region_code: village,
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The follow-up of a finding that a removal settles (the same NIK or person twice, a death,
    /// a civil servant): the matching removal proposal, entered as the actor's draft.
    pub async fn propose_from_finding(&self, actor: &Actor, id: Uuid) -> Result<Uuid> {
        let found = with_pool!(self, p => {
            sqlx::query("SELECT kind, village_code, household_id, person_id FROM findings WHERE id = $1 AND status = 'open'")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<(i64, String, String, Option<String>)> {
                    Ok((r.int("kind")?, r.text("village_code")?, r.text("household_id")?, r.opt_text("person_id")?))
                })
                .transpose()?
        });
        let Some((kind, village, household, person)) = found else {
            return Err(StoreError::NotFound);
        };
        let code = RegionCode::parse(&village).map_err(|_| corrupt("village_code"))?;
        if !actor.scope.contains(&code) {
            return Err(StoreError::NotFound);
        }
        let kind = u8::try_from(kind)
            .ok()
            .and_then(<FindingKind as Coded>::from_code)
            .ok_or_else(|| corrupt("kind"))?;
        let Some(reason) = kind.removal_reason() else {
            return Err(StoreError::invalid_text(
                "temuan ini diselesaikan dengan memperbaiki data, bukan dengan usulan penghapusan",
                "this finding is settled by correcting the record, not by a removal",
            ));
        };
        let household = household.parse().map_err(|_| corrupt("household_id"))?;
        let person = person
            .map(|p| p.parse().map_err(|_| corrupt("person_id")))
            .transpose()?;
        let content = siks_domain::workflow::ProposalContent::Removal {
            household,
            person,
            reason,
            evidence: Some(format!("temuan verivali: {}", kind.label())),
        };
        self.propose(
            actor,
            &content,
            &format!("tindak lanjut temuan {id}: {}", kind.label()),
        )
        .await
    }
}

impl Store {
    /// How many findings of each kind (by code) a status has in `region` (default: the scope);
    /// kept between register writes for a province or the nation.
    pub async fn finding_counts(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        status: FindingStatus,
    ) -> Result<BTreeMap<u8, u64>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let Some(scope) = scope_of(actor, region) else {
            return Ok(BTreeMap::new());
        };
        let what = match status {
            FindingStatus::Open => "open findings by kind",
            FindingStatus::Fixed => "fixed findings by kind",
            FindingStatus::Dismissed => "dismissed findings by kind",
        };
        let counts = self
            .kept(what, &scope, || self.count_findings_by_kind(&scope, status))
            .await?;
        Ok(BTreeMap::clone(&counts))
    }

    async fn count_findings_by_kind(
        &self,
        scope: &Scope,
        status: FindingStatus,
    ) -> Result<BTreeMap<u8, u64>> {
        let (low, high) = scope.village_range();
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT kind, COUNT(*) AS n FROM findings WHERE village_code >= $1 AND village_code < $2 \
                 AND status = $3 GROUP BY kind",
            )
            .bind(&low)
            .bind(&high)
            .bind(status.key())
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        u8::try_from(r.int("kind")?).map_err(|_| corrupt("kind"))?,
                        r.int("n")? as u64,
                    ))
                })
                .collect()
        })
    }
}
