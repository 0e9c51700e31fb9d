//! Verivali in the store: a check run applies the domain's catalogue to every household in a
//! region, adds the register-wide checks (the same NIK active twice), and reconciles the result
//! with the findings kept from earlier runs: new ones are opened, ones no longer seen are marked
//! fixed, dismissed ones stay dismissed. Findings are read, counted and dismissed in scope.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use siks_domain::access::Action;
use siks_domain::checks::{Finding, FindingKind, FindingStatus, Severity, check_household};
use siks_domain::{Actor, Coded, HouseholdId, PersonId, RegionCode, Scope};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::records::{household_from_row, person_from_row};
use crate::sql::{Cells, Value, insert_rows_with, with_pool, with_tx};
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
    pub found_at: String,
}

/// New findings (and, separately, status changes) written per transaction by a check run. A
/// page's write waits at most one such transaction for its turn: at 1,000 that was about
/// 150 ms on SQLite, at 250 about 60 ms (ADR 0015), for some seconds more on a national run.
pub const FINDINGS_PER_WRITE: usize = 250;

/// A finding's status changed by a check run: its id, the status the run read, the new one.
type StatusChange = (String, FindingStatus, FindingStatus);

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

/// How the check run compares people for "the same person twice": name, birth, mother and the
/// person's other recorded attributes (not the NIK: a duplicate usually has another one). The
/// benchmarks and the Splink comparison read the same file.
pub const SAME_PERSON: &str = include_str!("same_person.toml");

/// A finding as the run sees it, before it is reconciled.
pub(crate) struct Seen {
    pub kind: FindingKind,
    pub village: String,
    pub household: String,
    pub person: Option<String>,
    pub other: Option<String>,
    pub fields: String,
    pub detail: String,
}

impl Seen {
    fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.kind.code(),
            self.household,
            self.person.as_deref().unwrap_or(""),
            self.other.as_deref().unwrap_or("")
        )
    }
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
    StoreError::Corrupt(format!("findings.{what}"))
}

/// Whether the actor may run the checks on `region` (default its scope), and the scope they
/// then cover; a region outside the actor's scope answers not found.
pub fn check_may_run_checks(actor: &Actor, region: Option<&RegionCode>) -> Result<Scope> {
    if !actor.may(Action::WriteRegister) {
        return Err(StoreError::Forbidden(Action::WriteRegister));
    }
    scope_of(actor, region).ok_or(StoreError::NotFound)
}

impl Store {
    /// Runs every check on the households of `region` (default: the actor's scope) as of
    /// `today`, on one read snapshot, and reconciles the findings (written in short
    /// transactions afterwards). Regency level and above, and the command line.
    pub async fn run_checks(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        today: NaiveDate,
    ) -> Result<CheckReport> {
        let scope = check_may_run_checks(actor, region)?;
        let (low, high) = scope.village_range();
        // Everything is computed on a read snapshot, which never takes the write lock: a
        // national run takes most of a minute, and the village operators keep working. Only
        // the reconciliation below writes, in a short transaction of its own.
        let mut tx = self.begin_read().await?;
        let villages: Vec<String> = with_tx!(&mut tx, c => {
            let rows = sqlx::query(
                "SELECT DISTINCT village_code FROM households WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code",
            )
            .bind(&low)
            .bind(&high)
            .fetch_all(&mut **c)
            .await?;
            rows.iter().map(|r| r.text("village_code")).collect::<Result<Vec<_>, _>>()?
        });
        let mut report = CheckReport::default();
        let mut seen: Vec<Seen> = Vec::new();
        // Who might be the same person twice: every active member, as the matcher reads them.
        let same_person = siks_match::Config::parse(SAME_PERSON)
            .map_err(|e| StoreError::Corrupt(format!("same-person config: {e}")))?;
        let wanted: Vec<usize> = same_person
            .columns
            .iter()
            .map(|c| {
                siks_domain::interchange::PERSON_COLUMNS
                    .iter()
                    .position(|p| *p == c.name)
                    .ok_or_else(|| StoreError::Corrupt(format!("no person column {}", c.name)))
            })
            .collect::<Result<_>>()?;
        let mut people_ids: Vec<String> = Vec::new();
        let mut people_nik_valid: Vec<bool> = Vec::new();
        let mut people_niks: Vec<String> = Vec::new();
        let mut people_at: Vec<(String, String)> = Vec::new();
        let mut people_columns: Vec<Vec<String>> = vec![Vec::new(); wanted.len()];
        let to_seen = |f: Finding, village: &str, household: &str| Seen {
            kind: f.kind,
            village: village.to_string(),
            household: household.to_string(),
            person: f.person.map(|p| p.to_string()),
            other: None,
            fields: f.fields.join(","),
            detail: f.detail,
        };
        // Village by village: a whole province never sits in memory at once.
        for village in &villages {
            let (households, persons) = with_tx!(&mut tx, c => {
                let h = sqlx::query(
                    "SELECT * FROM households WHERE village_code = $1 AND status <> 'inactive' ORDER BY id",
                )
                .bind(village)
                .fetch_all(&mut **c)
                .await?;
                let p = sqlx::query("SELECT * FROM persons WHERE village_code = $1 ORDER BY household_id")
                    .bind(village)
                    .fetch_all(&mut **c)
                    .await?;
                (
                    h.iter().map(|r| household_from_row(r).map(|x| x.0)).collect::<Result<Vec<_>>>()?,
                    p.iter().map(|r| person_from_row(r).map(|x| x.0)).collect::<Result<Vec<_>>>()?,
                )
            });
            let mut members: HashMap<_, Vec<_>> = HashMap::new();
            for p in persons {
                members.entry(p.household_id).or_default().push(p);
            }
            for h in &households {
                let list = members.remove(&h.id).unwrap_or_default();
                report.households += 1;
                report.persons += list.len() as u64;
                for p in list
                    .iter()
                    .filter(|p| p.status == siks_domain::RegistryStatus::Active)
                {
                    let row = siks_domain::interchange::person_row(p);
                    for (column, &i) in people_columns.iter_mut().zip(&wanted) {
                        column.push(row[i].clone());
                    }
                    people_ids.push(p.id.to_string());
                    people_nik_valid.push(p.nik.valid().is_some());
                    people_niks.push(p.nik.raw());
                    people_at.push((village.clone(), h.id.to_string()));
                }
                for f in check_household(h, &list, today) {
                    seen.push(to_seen(f, village, &h.id.to_string()));
                }
            }
        }
        // The outside lists in force: deaths, civil servants, exclusions, the civil registry.
        let link_columns = crate::lists::LINK_COLUMNS
            .iter()
            .map(|name| {
                same_person
                    .columns
                    .iter()
                    .position(|c| c.name == *name)
                    .map(|i| people_columns[i].clone())
                    .ok_or_else(|| StoreError::Corrupt(format!("same-person config lacks {name}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let listed = crate::lists::match_lists(
            &mut tx,
            &low,
            &high,
            crate::lists::People {
                ids: &people_ids,
                at: &people_at,
                columns: link_columns,
                nik_valid: &people_nik_valid,
            },
        )
        .await?;
        report.padan = listed.padan;
        seen.extend(listed.seen);
        // The same person twice (under another NIK, a name spelt otherwise): the matcher's pairs
        // at its recommended threshold, each with its explanation (levels and weights, no
        // values).
        if people_ids.len() > 1 {
            let table = siks_match::Table::from_columns(people_ids, people_columns, &same_person);
            let outcome = siks_match::dedupe(&table, &same_person);
            // Two people under one NIK are already "the same NIK active twice".
            for pair in outcome.pairs.iter().filter(|p| {
                p.score >= outcome.threshold
                    && (people_niks[p.left as usize].is_empty()
                        || people_niks[p.left as usize] != people_niks[p.right as usize])
            }) {
                let (l, r) = (pair.left as usize, pair.right as usize);
                seen.push(Seen {
                    kind: FindingKind::DuplicatePerson,
                    village: people_at[l].0.clone(),
                    household: people_at[l].1.clone(),
                    person: Some(table.ids[l].clone()),
                    other: Some(table.ids[r].clone()),
                    fields: "full_name,birth_date,sex,mother_name".into(),
                    detail: format!("skor {:.3}; {}", pair.score, outcome.model.explain(pair)),
                });
            }
        }
        // The same valid NIK active on two people.
        let shared: Vec<(String, String, String, String)> = with_tx!(&mut tx, c => {
            let rows = sqlx::query(
                "SELECT p.nik, p.id, p.household_id, p.village_code FROM persons p \
                 JOIN (SELECT nik FROM persons WHERE status = 'active' AND nik_valid \
                       GROUP BY nik HAVING COUNT(*) > 1) d ON d.nik = p.nik \
                 WHERE p.status = 'active' ORDER BY p.nik, p.id",
            )
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("nik")?, r.text("id")?, r.text("household_id")?, r.text("village_code")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut by_nik: BTreeMap<&str, Vec<&(String, String, String, String)>> = BTreeMap::new();
        for row in &shared {
            by_nik.entry(row.0.as_str()).or_default().push(row);
        }
        for holders in by_nik.values() {
            for row in holders {
                let Ok(code) = RegionCode::parse(&row.3) else {
                    continue;
                };
                if !scope.contains(&code) {
                    continue;
                }
                let other = holders.iter().find(|o| o.1 != row.1).map(|o| o.1.clone());
                seen.push(Seen {
                    kind: FindingKind::DuplicateNik,
                    village: row.3.clone(),
                    household: row.2.clone(),
                    person: Some(row.1.clone()),
                    other,
                    fields: "nik".into(),
                    detail: format!("NIK yang sama aktif pada {} orang", holders.len()),
                });
            }
        }

        // Reconcile with the findings kept in scope, read on the same snapshot; the changes are
        // written afterwards in short transactions (see `write_findings`).
        let kept: HashMap<String, (String, FindingStatus)> = with_tx!(&mut tx, c => {
            let rows = sqlx::query(
                "SELECT id, finding_key, status FROM findings WHERE village_code >= $1 AND village_code < $2",
            )
            .bind(&low)
            .bind(&high)
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("finding_key")?, (r.text("id")?, finding_status(&r.text("status")?)?))))
                .collect::<Result<_>>()?
        });
        tx.commit().await?;
        let now = self.now_text();
        let mut still: HashSet<String> = HashSet::new();
        let mut new_rows = Vec::new();
        let mut reopened = Vec::new();
        let mut done: HashSet<String> = HashSet::new();
        for s in &seen {
            let key = s.key();
            // Two lists may say the same (a death in the register and in the civil registry).
            if !done.insert(key.clone()) {
                continue;
            }
            let status = match kept.get(&key) {
                Some((_, FindingStatus::Dismissed)) => FindingStatus::Dismissed,
                Some((id, status)) => {
                    if *status == FindingStatus::Fixed {
                        reopened.push(id.clone());
                    }
                    FindingStatus::Open
                }
                None => {
                    new_rows.push(vec![
                        Value::Text(Uuid::now_v7().to_string()),
                        Value::Text(key.clone()),
                        Value::Int(i64::from(s.kind.code())),
                        Value::Text(severity_key(s.kind.severity()).into()),
                        Value::Text(s.village.clone()),
                        Value::Text(s.household.clone()),
                        Value::OptText(s.person.clone()),
                        Value::OptText(s.other.clone()),
                        Value::Text(s.fields.clone()),
                        Value::Text(s.detail.clone()),
                        Value::Text(FindingStatus::Open.key().into()),
                        Value::Text(String::new()),
                        Value::OptText(None),
                        Value::Text(now.clone()),
                        Value::Text(now.clone()),
                    ]);
                    FindingStatus::Open
                }
            };
            if status == FindingStatus::Open && still.insert(key) {
                *report.open.entry(s.kind.code()).or_default() += 1;
            }
        }
        report.opened = new_rows.len() as u64;
        let gone: Vec<String> = kept
            .iter()
            .filter(|(key, (_, status))| *status == FindingStatus::Open && !still.contains(*key))
            .map(|(_, (id, _))| id.clone())
            .collect();
        report.fixed = gone.len() as u64;
        let changes: Vec<StatusChange> = gone
            .into_iter()
            .map(|id| (id, FindingStatus::Open, FindingStatus::Fixed))
            .chain(
                reopened
                    .into_iter()
                    .map(|id| (id, FindingStatus::Fixed, FindingStatus::Open)),
            )
            .collect();
        self.write_findings(actor, &scope, &report, new_rows, changes, &now)
            .await?;
        Ok(report)
    }

    /// Writes a check run's new findings and status changes, at most [`FINDINGS_PER_WRITE`] of
    /// each per transaction, so that no other writer (a page's audit entry of a view) waits on
    /// a national run for more than a moment. Each transaction stands on its own: a new finding
    /// whose key another run wrote meanwhile is skipped, a status is changed only if it is still
    /// what this run read, and each is audited (`check.run.part` until the last, `check.run`
    /// with the run's counts). A run stopped half-way leaves findings that are each true, and
    /// the next run finishes the reconciliation.
    async fn write_findings(
        &self,
        actor: &Actor,
        scope: &Scope,
        report: &CheckReport,
        new_rows: Vec<Vec<Value>>,
        changes: Vec<StatusChange>,
        now: &str,
    ) -> Result<()> {
        let parts = new_rows
            .len()
            .div_ceil(FINDINGS_PER_WRITE)
            .max(changes.len().div_ceil(FINDINGS_PER_WRITE))
            .max(1);
        let mut new_rows = new_rows.into_iter();
        let mut changes = changes.into_iter();
        for part in 1..=parts {
            let rows: Vec<Vec<Value>> = new_rows.by_ref().take(FINDINGS_PER_WRITE).collect();
            let changed: Vec<StatusChange> = changes.by_ref().take(FINDINGS_PER_WRITE).collect();
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
                        "UPDATE findings SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                    )
                    .bind(to.key())
                    .bind(now)
                    .bind(&id)
                    .bind(from.key())
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
                    format!("part={part}/{parts} inserted={inserted} status_changes={updated}"),
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
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let Some(scope) = scope_of(actor, region) else {
            return Ok(Vec::new());
        };
        let (low, high) = scope.village_range();
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT * FROM findings WHERE village_code >= $1 AND village_code < $2 \
                 AND ($3 = 0 OR kind = $3) AND ($4 = '' OR status = $4) ORDER BY found_at DESC, id LIMIT $5",
            )
            .bind(&low)
            .bind(&high)
            .bind(kind.map(|k| i64::from(k.code())).unwrap_or(0))
            .bind(status.map(FindingStatus::key).unwrap_or(""))
            .bind(i64::from(limit.clamp(1, 5000)))
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
                        status_reason: r.text("status_reason")?,
                        found_at: r.text("found_at")?,
                    })
                })
                .collect()
        })
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
            .bind(reason.trim())
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .bind(id.to_string())
            .execute(&mut **c)
            .await?;
        });
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
    /// How many findings of each kind (by code) a status has in `region` (default: the scope).
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
