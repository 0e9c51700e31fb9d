//! The monthly period close (penetapan): every accepted proposal takes effect together, in one
//! transaction, or none does. Conflicting or outdated proposals are sent back to their village
//! with the reason; the register's counts per village are then fixed for the period. Closing a
//! period twice is harmless.

use std::collections::{BTreeMap, HashMap};

use siks_domain::workflow::{
    Period, ProposalContent, Stage, Step, Touch, WorkflowConfig, find_conflicts, household_diff,
    next_stage, person_diff, rebase_household, rebase_person,
};
use siks_domain::{Actor, ChangeKind, RegionCode, RegistryStatus, Role, Scope};
use sqlx::Row;
use uuid::Uuid;

use crate::Versioned;
use crate::audit::{self, AuditEvent};
use crate::proposals::{Proposal, audit_step};
use crate::register::KeptChange;
use crate::sealing::{Blind, NoteColumn, Sealed};
use crate::sql::{Cells, Tx, Value, bind_values, insert_rows, with_pool, with_tx};
use siks_domain::{Household, HouseholdId, Person, PersonId};

const STEP_COLUMNS: &[&str] = &[
    "id",
    "proposal_id",
    "step",
    "from_stage",
    "to_stage",
    "actor_id",
    "actor_role",
    "at",
    "note",
];
use crate::{Result, Store, StoreError};

/// A running close that has not written for this long is one whose process died.
pub const CLOSE_ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The version a correction is based on, as the close read it before applying anything.
struct Known {
    household: Option<Versioned<Household>>,
    person: Option<(Versioned<Person>, RegionCode)>,
}

/// The records the close has written so far: a correction of one of them is re-based onto
/// its newest version (the conflict check already made sure the fields differ).
#[derive(Default)]
struct Touched {
    households: std::collections::HashSet<HouseholdId>,
    persons: std::collections::HashSet<PersonId>,
}

fn rebase_failed(e: siks_domain::interchange::FieldError) -> StoreError {
    StoreError::invalid_text(
        format!("usulan tidak dapat digabung dengan perubahan lain: {e}"),
        format!("the proposal cannot be merged with other changes: {e}"),
    )
}

/// Ids or NIKs read per query by the close's plan.
const ROWS_PER_READ: usize = 500;

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the close sends back a proposal entering `people`: a NIK an active person already holds
/// (`held`), or one an earlier proposal of this close enters (which keeps it). Names no
/// household: the village reads it.
fn held_nik(
    people: &[Person],
    held: &std::collections::HashSet<String>,
    entering: &mut std::collections::HashSet<String>,
) -> Option<String> {
    let mut own = std::collections::HashSet::new();
    for person in people {
        let Some(nik) = person.nik.valid() else {
            continue;
        };
        let text = nik.to_string();
        if held.contains(&text) {
            return Some(nik_held_reason(person));
        }
        if entering.contains(&text) || !own.insert(text.clone()) {
            return Some(format!(
                "NIK {} ({}) juga diusulkan oleh usulan lain yang ditetapkan lebih dulu pada penetapan ini",
                nik.masked(),
                person.full_name
            ));
        }
    }
    for nik in people.iter().filter_map(|p| p.nik.valid()) {
        entering.insert(nik.to_string());
    }
    None
}

/// The reason a proposal entering a NIK an active person holds goes back.
fn nik_held_reason(person: &Person) -> String {
    format!(
        "NIK {} ({}) sudah terdaftar aktif di rumah tangga lain; selesaikan dengan Dinas Sosial kabupaten/kota",
        person.nik.valid().map(|n| n.masked()).unwrap_or_default(),
        person.full_name
    )
}

/// What the close decides before applying anything (see `plan_close`).
struct ClosePlan {
    sent_back: Vec<(Uuid, String)>,
    households: HashMap<Uuid, Versioned<Household>>,
    persons: HashMap<Uuid, (Versioned<Person>, RegionCode)>,
}

/// What closing a period would do in one regency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegencyPreview {
    pub regency: RegionCode,
    /// Proposals it would apply, by kind code.
    pub applies: BTreeMap<u8, u64>,
    pub sent_back: u64,
}

impl RegencyPreview {
    /// Every proposal it would apply, whatever the kind.
    pub fn applies_total(&self) -> u64 {
        self.applies.values().sum()
    }
}

/// What closing a period would do, read before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosePreview {
    pub period: Period,
    /// One row per regency with accepted proposals, by code.
    pub regencies: Vec<RegencyPreview>,
    /// The proposals it would send back: id, village, kind and reason.
    pub sent_back: Vec<(
        Uuid,
        RegionCode,
        siks_domain::workflow::ProposalKind,
        String,
    )>,
}

impl ClosePreview {
    pub fn applies(&self) -> u64 {
        self.regencies
            .iter()
            .map(RegencyPreview::applies_total)
            .sum()
    }
}

/// What a close did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReport {
    pub period: Period,
    /// `true` when the period was closed before: nothing was done again.
    pub already_closed: bool,
    pub applied: u64,
    /// Proposals sent back to their village, with the reason.
    pub sent_back: Vec<(Uuid, String)>,
}

/// The counts of one region in two periods, and what happened between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodComparison {
    pub households_before: u64,
    pub households_after: u64,
    pub persons_before: u64,
    pub persons_after: u64,
    /// New households determined in the later period.
    pub entered: u64,
    /// Households removed in the later period.
    pub left: u64,
    /// Corrections, member removals, moves and programme requests applied in the later period.
    pub changed: u64,
}

/// Only the ministry (or an admin) over the whole country closes a period.
pub fn check_may_close(actor: &Actor) -> Result<()> {
    if !matches!(actor.role, Role::Pusat | Role::Admin) || actor.scope != Scope::Nation {
        return Err(StoreError::Forbidden(siks_domain::Action::WriteRegister));
    }
    Ok(())
}

/// The reason a close writes on each change it applies: the period and the proposal.
fn close_reason(period: Period, proposal: Uuid) -> String {
    format!("{CLOSE_REASON_PREFIX}{period}, usulan {proposal}")
}

const CLOSE_REASON_PREFIX: &str = "penetapan ";

/// The period of a reason a close wrote ([`close_reason`]), kept beside the change so that a
/// close that did not finish can be taken back (the reason itself is sealed). Any other reason
/// has none.
pub(crate) fn close_period_of(reason: &str) -> Option<String> {
    let rest = reason.strip_prefix(CLOSE_REASON_PREFIX)?;
    let (period, proposal) = rest.split_once(", usulan ")?;
    (Period::parse(period).is_ok() && proposal.parse::<Uuid>().is_ok()).then(|| period.to_string())
}

impl Store {
    /// Closes `period`: applies every accepted proposal (ministry or admin of the whole country).
    ///
    /// All or nothing, in short transactions (issue 18): the plan is read, the run recorded
    /// (`close_runs`: a second close of the period is refused meanwhile), then the proposals
    /// are applied and marked in transactions of a fraction of a second, each a pause for the
    /// writers beside it ([`crate::bulk::Pace`]), their audit entries held back; the last
    /// transaction sends back what does not fit, records the period and its counts, writes
    /// every held audit entry and ends the run. A close that fails takes back what its earlier
    /// transactions wrote (from the kept changes, newest first) and leaves no audit entry of
    /// its changes; one whose process died is taken back by the next close or server start.
    pub async fn close_period(&self, actor: &Actor, period: Period) -> Result<CloseReport> {
        check_may_close(actor)?;
        self.undo_abandoned_closes().await?;
        // The checks and the plan read in a read transaction: the write lock is not held while
        // a hundred thousand proposals are planned.
        let mut tx = self.begin_read().await?;
        let closed: Vec<String> = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT period FROM periods ORDER BY period")
                .fetch_all(&mut **c)
                .await?;
            rows.iter().map(|r| r.text("period")).collect::<Result<Vec<_>, _>>()?
        });
        if closed.contains(&period.to_string()) {
            return Ok(CloseReport {
                period,
                already_closed: true,
                applied: 0,
                sent_back: Vec::new(),
            });
        }
        let last_closed = closed
            .last()
            .map(|t| Period::parse(t).map_err(|_| StoreError::Corrupt("periods.period".into())))
            .transpose()?;
        period
            .may_close(last_closed, self.ministry_today())
            .map_err(|refusal| StoreError::invalid(&refusal))?;
        let accepted = self.accepted_proposals(&mut tx).await?;
        let plan = self.plan_close(&mut tx, actor, &accepted).await?;
        tx.commit().await?;
        // The run recorded, then the period checked again: a close of it that finished since
        // the plan was read is seen here (on PostgreSQL the insert waits for one that is
        // ending), and this one changes nothing.
        let mut tx = self.begin().await?;
        let now = self.now_text();
        let started = with_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO close_runs (period, started_at, alive_at) VALUES ($1, $2, $2)")
                .bind(period.to_string())
                .bind(&now)
                .execute(&mut **c)
                .await
                .map(|_| ())
        });
        match started {
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    indonesian: format!("penutupan periode {period} sedang berjalan"),
                    english: format!("the close of {period} is running"),
                });
            }
            other => other?,
        };
        let closed_since = with_tx!(&mut tx, c => {
            sqlx::query("SELECT period FROM periods WHERE period = $1")
                .bind(period.to_string())
                .fetch_optional(&mut **c)
                .await?
                .is_some()
        });
        if closed_since {
            // Dropped: the run's row goes with the transaction.
            return Ok(CloseReport {
                period,
                already_closed: true,
                applied: 0,
                sent_back: Vec::new(),
            });
        }
        tx.commit().await?;
        match self.apply_plan(actor, period, &accepted, plan).await {
            Ok(report) => Ok(report),
            Err(e) => {
                // What the earlier transactions wrote is taken back; the failure is what the
                // caller hears (a failed take-back leaves the run for the next start).
                if let Err(undo) = self.take_back_close(period).await {
                    tracing::error!(error = %undo, %period, "a failed close could not be taken back yet");
                }
                Err(e)
            }
        }
    }

    /// The close's writing, in short transactions (see [`Store::close_period`]).
    async fn apply_plan(
        &self,
        actor: &Actor,
        period: Period,
        accepted: &[Proposal],
        plan: ClosePlan,
    ) -> Result<CloseReport> {
        let ClosePlan {
            mut sent_back,
            mut households,
            mut persons,
        } = plan;
        let reason = |p: &Proposal| close_reason(period, p.id);
        let mut applied_count = 0u64;
        let mut slice: Vec<&Proposal> = Vec::new();
        let mut touched = Touched::default();
        let mut held_back: std::collections::HashSet<Uuid> =
            sent_back.iter().map(|(id, _)| *id).collect();
        let mut pace = crate::bulk::Pace::new(self);
        // The audit entries of the transactions already committed, written by the last one.
        let mut held_audit = Vec::new();
        let mut tx = self.begin_bulk().await?;
        let mut began = std::time::Instant::now();
        for p in accepted {
            if held_back.contains(&p.id) {
                continue;
            }
            let known = Known {
                household: households.remove(&p.id),
                person: persons.remove(&p.id),
            };
            match self
                .apply(&mut tx, actor, p, &reason(p), known, &mut touched)
                .await
            {
                Ok(()) => {}
                // A proposal that no longer fits the register goes back; nothing else stops.
                Err(StoreError::Stale { .. }) => {
                    sent_back.push((
                        p.id,
                        "data sudah berubah sejak usulan dibuat; usulkan ulang".into(),
                    ));
                    held_back.insert(p.id);
                    continue;
                }
                Err(
                    StoreError::Invalid { indonesian, .. }
                    | StoreError::Conflict { indonesian, .. },
                ) => {
                    sent_back.push((p.id, indonesian));
                    held_back.insert(p.id);
                    continue;
                }
                Err(e) => return Err(e),
            }
            slice.push(p);
            if began.elapsed() >= pace.write_for().min(self.close_slice_time()) {
                self.mark_applied(&mut tx, actor, &slice, period).await?;
                applied_count += slice.len() as u64;
                slice.clear();
                held_audit.append(&mut tx.audit);
                self.close_alive(&mut tx, period).await?;
                tx.commit().await?;
                pace.after_commit(self).await?;
                tx = self.begin_bulk().await?;
                began = std::time::Instant::now();
            }
        }
        self.mark_applied(&mut tx, actor, &slice, period).await?;
        applied_count += slice.len() as u64;
        let applied = applied_count;
        let by_id: std::collections::HashMap<Uuid, &Proposal> =
            accepted.iter().map(|p| (p.id, p)).collect();
        for (id, why) in &sent_back {
            let p = by_id
                .get(id)
                .ok_or_else(|| StoreError::Corrupt("sent-back proposal".into()))?;
            self.move_proposal(
                &mut tx,
                actor,
                p,
                &Step::Reject {
                    reason: why.clone(),
                },
                None,
                why,
            )
            .await?;
        }
        let now = self.now_text();
        with_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO periods (period, closed_at, closed_by, applied, sent_back) VALUES ($1, $2, $3, $4, $5)")
                .bind(period.to_string())
                .bind(&now)
                .bind(actor.user_id.to_string())
                .bind(applied as i64)
                .bind(sent_back.len() as i64)
                .execute(&mut **c)
                .await?;
            sqlx::query(
                "INSERT INTO period_counts (period, village_code, households, persons) \
                 SELECT $1, h.village_code, COUNT(*), \
                   (SELECT COUNT(*) FROM persons p WHERE p.village_code = h.village_code AND p.status = 'active') \
                 FROM households h WHERE h.status = 'active' GROUP BY h.village_code",
            )
            .bind(period.to_string())
            .execute(&mut **c)
            .await?;
            sqlx::query("DELETE FROM close_runs WHERE period = $1")
                .bind(period.to_string())
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "period.close",
                target_kind: "period",
                target_id: period.to_string(),
                region_code: Scope::Nation.key(),
                detail: format!("applied={applied} sent_back={}", sent_back.len()),
            },
        )
        .await?;
        // The held entries first, in the order they were made.
        held_audit.append(&mut tx.audit);
        tx.audit = held_audit;
        tx.register_changes();
        tx.commit().await?;
        Ok(CloseReport {
            period,
            already_closed: false,
            applied,
            sent_back,
        })
    }

    /// The running close of `period` wrote a moment ago.
    async fn close_alive(&self, tx: &mut Tx, period: Period) -> Result<()> {
        let now = self.now_text();
        with_tx!(tx, c => {
            sqlx::query("UPDATE close_runs SET alive_at = $1 WHERE period = $2")
                .bind(&now)
                .bind(period.to_string())
                .execute(&mut **c)
                .await?;
        });
        Ok(())
    }

    /// Takes back what a close of `period` that did not finish wrote, a few hundred changes
    /// per transaction: its kept changes newest first (a created record removed, a changed one
    /// put back), its proposals back to accepted without their apply step, and its run. Audited
    /// (`period.close_undone`). Only for a period not closed.
    async fn take_back_close(&self, period: Period) -> Result<u64> {
        let mut taken = 0u64;
        loop {
            let mut tx = self.begin_bulk().await?;
            let rows: Vec<KeptChange> = with_tx!(&mut tx, c => {
                sqlx::query(
                    "SELECT id, record_kind, record_id, version, change_kind, before_json \
                     FROM record_history WHERE close_period = $1 ORDER BY version DESC, id DESC LIMIT 500",
                )
                .bind(period.to_string())
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r| -> Result<KeptChange> {
                    Ok(KeptChange {
                        id: r.text("id")?,
                        kind: r.text("record_kind")?,
                        record_id: r.text("record_id")?,
                        version: r.try_get::<i64, _>("version")?,
                        change: ChangeKind::parse(&r.text("change_kind")?).ok_or_else(|| {
                            StoreError::Corrupt("record_history.change_kind".into())
                        })?,
                        before: r
                            .try_get::<Option<String>, _>("before_json")?
                            .map(|b| self.keys().open_text(Sealed::History, &b))
                            .transpose()?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
            });
            if rows.is_empty() {
                let period_text = period.to_string();
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "DELETE FROM proposal_steps WHERE step = $1 AND proposal_id IN \
                         (SELECT id FROM proposals WHERE stage = $2 AND period = $3)",
                    )
                    .bind(Step::Apply.key())
                    .bind(Stage::Applied.key())
                    .bind(&period_text)
                    .execute(&mut **c)
                    .await?;
                    sqlx::query(
                        "UPDATE proposals SET stage = $1, period = NULL, version = version - 1 \
                         WHERE stage = $2 AND period = $3",
                    )
                    .bind(Stage::Accepted.key())
                    .bind(Stage::Applied.key())
                    .bind(&period_text)
                    .execute(&mut **c)
                    .await?;
                    sqlx::query("DELETE FROM close_runs WHERE period = $1")
                        .bind(&period_text)
                        .execute(&mut **c)
                        .await?;
                });
                let system = self.system_actor().await?;
                audit::append(
                    &mut tx,
                    &system,
                    AuditEvent {
                        action: "period.close_undone",
                        target_kind: "period",
                        target_id: period_text,
                        region_code: Scope::Nation.key(),
                        detail: format!("changes={taken}"),
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(taken);
            }
            for r in &rows {
                self.take_back_change(&mut tx, r).await?;
            }
            taken += rows.len() as u64;
            tx.commit().await?;
            self.pause_after_bulk_commit().await;
        }
    }

    /// Takes back the closes whose process died while they ran (no write for
    /// [`CLOSE_ABANDONED_AFTER`]); the periods taken back.
    pub async fn undo_abandoned_closes(&self) -> Result<Vec<Period>> {
        let cutoff = crate::sql::time_text(
            self.clock.now()
                - chrono::Duration::from_std(CLOSE_ABANDONED_AFTER).unwrap_or_default(),
        );
        let stale: Vec<String> = with_pool!(self, p => {
            sqlx::query("SELECT period FROM close_runs WHERE alive_at < $1")
                .bind(&cutoff)
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| r.text("period"))
                .collect::<Result<Vec<_>, _>>()?
        });
        let mut undone = Vec::new();
        for text in stale {
            let period = Period::parse(&text)
                .map_err(|_| StoreError::Corrupt("close_runs.period".into()))?;
            self.take_back_close(period).await?;
            undone.push(period);
        }
        Ok(undone)
    }

    /// How long one of the close's transactions writes at most (see `close_in_slices_of`).
    fn close_slice_time(&self) -> std::time::Duration {
        self.close_slice.unwrap_or(std::time::Duration::MAX)
    }

    /// Every accepted proposal, oldest first.
    async fn accepted_proposals(&self, tx: &mut Tx) -> Result<Vec<Proposal>> {
        let accepted = with_tx!(tx, c => {
            let rows = sqlx::query("SELECT * FROM proposals WHERE stage = $1 ORDER BY id")
                .bind(Stage::Accepted.key())
                .fetch_all(&mut **c)
                .await?;
            rows.iter().map(|r| crate::proposals::proposal_from_row(r, &self.keys())).collect::<Result<Vec<_>>>()?
        });
        Ok(accepted)
    }

    /// What the close will send back before it applies anything, and the version each
    /// correction is based on as read here (`apply` takes it from these maps instead of reading
    /// it again): outdated corrections, a NIK an active person already holds (or that an
    /// earlier proposal of the same close enters), then the conflicts among the rest. The
    /// confirmation page shows exactly this.
    async fn plan_close(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        accepted: &[Proposal],
    ) -> Result<ClosePlan> {
        let mut sent_back: Vec<(Uuid, String)> = Vec::new();
        let mut touches = Vec::new();
        let mut households: HashMap<Uuid, Versioned<Household>> = HashMap::new();
        let mut persons: HashMap<Uuid, (Versioned<Person>, RegionCode)> = HashMap::new();
        let mut entering: std::collections::HashSet<String> = std::collections::HashSet::new();
        // Everything the plan compares against, read in a few batched queries (a close may
        // hold 100,000 proposals): the records corrections are based on, and which of the
        // entering NIKs an active person already holds.
        let registered_households = self
            .households_by_id(
                tx,
                accepted.iter().filter_map(|p| match &p.content {
                    ProposalContent::HouseholdCorrection { household, .. } => Some(household.id),
                    _ => None,
                }),
            )
            .await?;
        let registered_persons = self
            .persons_by_id(
                tx,
                accepted.iter().filter_map(|p| match &p.content {
                    ProposalContent::PersonCorrection { person, .. } => Some(person.id),
                    _ => None,
                }),
            )
            .await?;
        // A person correction enters a NIK only when it changes it.
        let changes_nik = |person: &Person| {
            registered_persons
                .get(&person.id)
                .is_some_and(|(current, _)| current.record.nik != person.nik)
        };
        fn people_entering<'a>(
            p: &'a Proposal,
            changes_nik: &dyn Fn(&Person) -> bool,
        ) -> Vec<&'a Person> {
            match &p.content {
                ProposalContent::NewHousehold { members, .. } => members.iter().collect(),
                ProposalContent::MemberJoins { person } => vec![person],
                ProposalContent::PersonCorrection { person, .. } if changes_nik(person) => {
                    vec![person]
                }
                _ => Vec::new(),
            }
        }
        let held = self
            .held_niks(
                tx,
                accepted
                    .iter()
                    .flat_map(|p| people_entering(p, &changes_nik))
                    .filter_map(|m| m.nik.valid().map(|n| n.to_string())),
            )
            .await?;
        // Records a proposal would create whose id the register already has (an API client
        // chooses the ids): sent back here, since the insert would fail the whole close.
        let new_people: Vec<PersonId> = accepted
            .iter()
            .flat_map(|p| match &p.content {
                ProposalContent::NewHousehold { members, .. } => {
                    members.iter().map(|m| m.id).collect()
                }
                ProposalContent::MemberJoins { person } => vec![person.id],
                _ => Vec::new(),
            })
            .collect();
        let taken_people = self.persons_by_id(tx, new_people.into_iter()).await?;
        let taken_households = self
            .households_by_id(
                tx,
                accepted.iter().filter_map(|p| match &p.content {
                    ProposalContent::NewHousehold { household, .. } => Some(household.id),
                    _ => None,
                }),
            )
            .await?;
        let mut created: std::collections::HashSet<PersonId> = std::collections::HashSet::new();
        let id_taken = "data ini sudah terdaftar (id rumah tangga atau anggota sudah dipakai); usulkan ulang dari formulir baru";
        for p in accepted {
            let fields = match &p.content {
                ProposalContent::HouseholdCorrection {
                    household,
                    base_version,
                } => match registered_households
                    .get(&household.id)
                    .filter(|c| actor.scope.contains(&c.record.address.village))
                {
                    Some(current) if current.version == *base_version => {
                        let fields = household_diff(&current.record, household)
                            .into_iter()
                            .map(|c| c.field)
                            .collect();
                        households.insert(p.id, current.clone());
                        fields
                    }
                    _ => {
                        sent_back.push((
                            p.id,
                            "data rumah tangga sudah berubah sejak usulan dibuat; usulkan ulang"
                                .into(),
                        ));
                        continue;
                    }
                },
                ProposalContent::PersonCorrection {
                    person,
                    base_version,
                } => match registered_persons
                    .get(&person.id)
                    .filter(|(_, village)| actor.scope.contains(village))
                {
                    Some(current) if current.0.version == *base_version => {
                        if current.0.record.nik != person.nik
                            && let Some(why) =
                                held_nik(std::slice::from_ref(person), &held, &mut entering)
                        {
                            sent_back.push((p.id, why));
                            continue;
                        }
                        let fields = person_diff(&current.0.record, person)
                            .into_iter()
                            .map(|c| c.field)
                            .collect();
                        persons.insert(p.id, current.clone());
                        fields
                    }
                    _ => {
                        sent_back.push((
                            p.id,
                            "data anggota sudah berubah sejak usulan dibuat; usulkan ulang".into(),
                        ));
                        continue;
                    }
                },
                ProposalContent::NewHousehold { household, members } => {
                    if taken_households.contains_key(&household.id)
                        || members
                            .iter()
                            .any(|m| taken_people.contains_key(&m.id) || created.contains(&m.id))
                    {
                        sent_back.push((p.id, id_taken.into()));
                        continue;
                    }
                    if let Some(why) = held_nik(members, &held, &mut entering) {
                        sent_back.push((p.id, why));
                        continue;
                    }
                    created.extend(members.iter().map(|m| m.id));
                    Vec::new()
                }
                ProposalContent::MemberJoins { person } => {
                    if taken_people.contains_key(&person.id) || created.contains(&person.id) {
                        sent_back.push((p.id, id_taken.into()));
                        continue;
                    }
                    if let Some(why) = held_nik(std::slice::from_ref(person), &held, &mut entering)
                    {
                        sent_back.push((p.id, why));
                        continue;
                    }
                    created.insert(person.id);
                    Vec::new()
                }
                ProposalContent::Move { .. } => vec!["village_code".to_string()],
                _ => Vec::new(),
            };
            touches.push(Touch {
                proposal: p.id,
                kind: p.content.kind(),
                household: p.content.household(),
                person: p.content.person(),
                fields,
            });
        }
        for conflict in find_conflicts(&touches) {
            sent_back.push((conflict.send_back, conflict.reason));
        }
        Ok(ClosePlan {
            sent_back,
            households,
            persons,
        })
    }

    /// The households with these ids, by id, as stored (the caller checks the scope).
    async fn households_by_id(
        &self,
        tx: &mut Tx,
        ids: impl Iterator<Item = HouseholdId>,
    ) -> Result<HashMap<HouseholdId, Versioned<Household>>> {
        let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_READ) {
            let sql = format!(
                "SELECT * FROM households WHERE id IN ({})",
                placeholders(chunk.len())
            );
            with_tx!(tx, c => {
                let rows = bind_values(
                    sqlx::query(sqlx::AssertSqlSafe(sql)),
                    chunk.iter().map(|id| Value::Text(id.clone())),
                )
                .fetch_all(&mut **c)
                .await?;
                for row in &rows {
                    let (record, version) = crate::records::household_from_row(row)?;
                    out.insert(record.id, Versioned { record, version });
                }
            });
        }
        Ok(out)
    }

    /// The persons with these ids, by id, with their village, as stored (the caller checks the
    /// scope).
    async fn persons_by_id(
        &self,
        tx: &mut Tx,
        ids: impl Iterator<Item = PersonId>,
    ) -> Result<HashMap<PersonId, (Versioned<Person>, RegionCode)>> {
        let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_READ) {
            let sql = format!(
                "SELECT * FROM persons WHERE id IN ({})",
                placeholders(chunk.len())
            );
            with_tx!(tx, c => {
                let rows = bind_values(
                    sqlx::query(sqlx::AssertSqlSafe(sql)),
                    chunk.iter().map(|id| Value::Text(id.clone())),
                )
                .fetch_all(&mut **c)
                .await?;
                for row in &rows {
                    let (record, version) = crate::records::person_from_row(row, &self.keys())?;
                    let village = RegionCode::parse(&row.text("village_code")?)
                        .map_err(|_| StoreError::Corrupt("persons.village_code".into()))?;
                    out.insert(record.id, (Versioned { record, version }, village));
                }
            });
        }
        Ok(out)
    }

    /// Which of these NIKs an active (not inactive) person of the register holds.
    async fn held_niks(
        &self,
        tx: &mut Tx,
        niks: impl Iterator<Item = String>,
    ) -> Result<std::collections::HashSet<String>> {
        // Asked by their blind indexes, answered by the NIKs they were made from.
        let by_key: std::collections::HashMap<String, String> = niks
            .map(|nik| (self.keys().blind(Blind::Nik, &nik), nik))
            .collect();
        let keys: Vec<&String> = by_key.keys().collect();
        let mut held = std::collections::HashSet::new();
        for chunk in keys.chunks(ROWS_PER_READ) {
            let sql = format!(
                "SELECT nik_key FROM persons WHERE status <> 'inactive' AND nik_key IN ({})",
                placeholders(chunk.len())
            );
            with_tx!(tx, c => {
                let rows = bind_values(
                    sqlx::query(sqlx::AssertSqlSafe(sql)),
                    chunk.iter().map(|key| Value::Text((*key).clone())),
                )
                .fetch_all(&mut **c)
                .await?;
                for row in &rows {
                    if let Some(nik) = by_key.get(&row.text("nik_key")?) {
                        held.insert(nik.clone());
                    }
                }
            });
        }
        Ok(held)
    }

    /// What closing `period` would apply and send back, per regency, read without writing
    /// anything (the confirmation page): the same plan the close makes before applying. The
    /// same rules as the close refuse a period that may not close.
    pub async fn close_preview(&self, actor: &Actor, period: Period) -> Result<ClosePreview> {
        check_may_close(actor)?;
        let mut tx = self.begin_read().await?;
        let closed: Vec<Period> = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT period FROM periods ORDER BY period")
                .fetch_all(&mut **c)
                .await?;
            rows.iter()
                .map(|r| {
                    Period::parse(&r.text("period")?)
                        .map_err(|_| StoreError::Corrupt("periods.period".into()))
                })
                .collect::<Result<Vec<_>>>()?
        });
        if closed.contains(&period) {
            return Err(StoreError::invalid_text(
                format!("periode {period} sudah ditutup"),
                format!("period {period} is already closed"),
            ));
        }
        period
            .may_close(closed.last().copied(), self.ministry_today())
            .map_err(|refusal| StoreError::invalid(&refusal))?;
        let accepted = self.accepted_proposals(&mut tx).await?;
        let plan = self.plan_close(&mut tx, actor, &accepted).await?;
        tx.commit().await?;
        let back: HashMap<Uuid, &String> =
            plan.sent_back.iter().map(|(id, why)| (*id, why)).collect();
        let mut regencies: BTreeMap<String, RegencyPreview> = BTreeMap::new();
        let mut sent_back = Vec::new();
        for p in &accepted {
            let regency = p
                .village
                .at_level(siks_domain::RegionLevel::Regency)
                .unwrap_or_else(|| p.village.clone());
            let row = regencies
                .entry(regency.to_string())
                .or_insert_with(|| RegencyPreview {
                    regency: regency.clone(),
                    applies: BTreeMap::new(),
                    sent_back: 0,
                });
            match back.get(&p.id) {
                Some(why) => {
                    row.sent_back += 1;
                    sent_back.push((p.id, p.village.clone(), p.content.kind(), (*why).clone()));
                }
                None => *row.applies.entry(p.content.kind().code()).or_insert(0) += 1,
            }
        }
        Ok(ClosePreview {
            period,
            regencies: regencies.into_values().collect(),
            sent_back,
        })
    }

    /// Makes one accepted proposal take effect. `known` is its household as already read in
    /// this transaction, if it was.
    async fn apply(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        p: &Proposal,
        reason: &str,
        known: Known,
        touched: &mut Touched,
    ) -> Result<()> {
        let household_id = p.content.household();
        match &p.content {
            ProposalContent::NewHousehold { household, members } => {
                let mut household = household.clone();
                household.status = RegistryStatus::Active;
                let members: Vec<_> = members
                    .iter()
                    .cloned()
                    .map(|mut m| {
                        m.status = RegistryStatus::Active;
                        m
                    })
                    .collect();
                for m in &members {
                    self.refuse_held_nik(tx, m).await?;
                }
                self.create_household_in(tx, actor, &household, &members, reason)
                    .await?;
            }
            ProposalContent::MemberJoins { person } => {
                let mut person = person.clone();
                person.status = RegistryStatus::Active;
                self.refuse_held_nik(tx, &person).await?;
                self.add_person_in(tx, actor, &person, reason).await?;
                touched.persons.insert(person.id);
            }
            ProposalContent::HouseholdCorrection {
                household,
                base_version,
            } => {
                let base = match known.household {
                    Some(base) => base,
                    None => {
                        self.fetch_household_for_write(tx, actor, household.id)
                            .await?
                    }
                };
                if base.version != *base_version {
                    return Err(StoreError::Stale {
                        expected: *base_version,
                        current: base.version,
                    });
                }
                if touched.households.contains(&household.id) {
                    let latest = self
                        .fetch_household_for_write(tx, actor, household.id)
                        .await?;
                    let changed = rebase_household(
                        &base.record,
                        household,
                        &latest.record,
                        siks_domain::Regions::embedded(),
                    )
                    .map_err(rebase_failed)?;
                    self.write_household_change(tx, actor, &latest, &changed, reason, "")
                        .await?;
                } else {
                    self.write_household_change(tx, actor, &base, household, reason, "")
                        .await?;
                }
            }
            ProposalContent::PersonCorrection {
                person,
                base_version,
            } => {
                let (base, village) = match known.person {
                    Some(known) => known,
                    None => self.person_for_write(tx, actor, person.id).await?,
                };
                if touched.persons.contains(&person.id) {
                    if base.version != *base_version {
                        return Err(StoreError::Stale {
                            expected: *base_version,
                            current: base.version,
                        });
                    }
                    let (latest, village) = self.person_for_write(tx, actor, person.id).await?;
                    let changed = rebase_person(&base.record, person, &latest.record)
                        .map_err(rebase_failed)?;
                    let version = latest.version;
                    self.change_person_from(tx, actor, latest, &village, &changed, version, reason)
                        .await?;
                } else {
                    self.change_person_from(
                        tx,
                        actor,
                        base,
                        &village,
                        person,
                        *base_version,
                        reason,
                    )
                    .await?;
                }
                touched.persons.insert(person.id);
            }
            ProposalContent::Removal {
                person: None,
                reason: why,
                ..
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, household_id)
                    .await?;
                let mut changed = current.record.clone();
                changed.status = RegistryStatus::Inactive(*why);
                self.write_household_change(tx, actor, &current, &changed, reason, "")
                    .await?;
            }
            ProposalContent::Removal {
                person: Some(id),
                reason: why,
                ..
            } => {
                let (current, village) = self.person_for_write(tx, actor, *id).await?;
                let mut changed = current.record.clone();
                changed.status = RegistryStatus::Inactive(*why);
                if *why == siks_domain::codes::InactiveReason::Died {
                    changed.presence = siks_domain::codes::Presence::Died;
                }
                let version = current.version;
                self.change_person_from(tx, actor, current, &village, &changed, version, reason)
                    .await?;
                touched.persons.insert(*id);
            }
            ProposalContent::Move { to_village, .. } => {
                let current = self
                    .fetch_household_for_write(tx, actor, household_id)
                    .await?;
                let mut changed = current.record.clone();
                changed.address.village = to_village.clone();
                self.write_household_change(tx, actor, &current, &changed, reason, "")
                    .await?;
            }
            ProposalContent::ProgrammeRequest { programme, .. } => {
                let current = self
                    .fetch_household_for_write(tx, actor, household_id)
                    .await?;
                let mut changed = current.record.clone();
                if !changed.programmes.contains(programme) {
                    changed.programmes.push(programme.clone());
                    changed.programmes.sort();
                    self.write_household_change(tx, actor, &current, &changed, reason, "")
                        .await?;
                }
            }
        }
        // Every kind but a member's own change writes the household row.
        if !matches!(
            p.content,
            ProposalContent::PersonCorrection { .. }
                | ProposalContent::MemberJoins { .. }
                | ProposalContent::Removal {
                    person: Some(_),
                    ..
                }
        ) {
            touched.households.insert(household_id);
        }
        Ok(())
    }

    /// The close's refusal of a NIK an active person already holds: the reason the village
    /// reads when its proposal comes back, so it names no household.
    async fn refuse_held_nik(&self, tx: &mut Tx, person: &Person) -> Result<()> {
        match self.nik_holder(tx, person).await? {
            Some(_) => Err(StoreError::Conflict {
                indonesian: nik_held_reason(person),
                english: "the NIK is already held by an active person".into(),
            }),
            None => Ok(()),
        }
    }

    /// Marks the applied proposals as determined in `period`, with their steps and audit entries,
    /// a few hundred per statement.
    async fn mark_applied(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        applied: &[&Proposal],
        period: Period,
    ) -> Result<()> {
        let now = self.now_text();
        for chunk in applied.chunks(400) {
            let ids: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 4)).collect();
            let sql = format!(
                "UPDATE proposals SET stage = $1, period = $2, updated_at = $3, version = version + 1 WHERE id IN ({})",
                ids.join(", ")
            );
            let values = [
                Value::Text(Stage::Applied.key().into()),
                Value::Text(period.to_string()),
                Value::Text(now.clone()),
            ]
            .into_iter()
            .chain(chunk.iter().map(|p| Value::Text(p.id.to_string())));
            with_tx!(tx, c => {
                bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), values)
                    .execute(&mut **c)
                    .await?;
            });
        }
        let mut steps = Vec::with_capacity(applied.len());
        for p in applied {
            steps.push(vec![
                Value::Text(Uuid::now_v7().to_string()),
                Value::Text(p.id.to_string()),
                Value::Text(Step::Apply.key().into()),
                Value::Text(p.stage.key().into()),
                Value::Text(Stage::Applied.key().into()),
                Value::Text(actor.user_id.to_string()),
                Value::Text(actor.role.key().into()),
                Value::Text(now.clone()),
                Value::Text(String::new()),
            ]);
            audit_step(tx, actor, p, Step::Apply.key(), Stage::Applied).await?;
        }
        insert_rows(tx, "proposal_steps", STEP_COLUMNS, steps).await?;
        Ok(())
    }

    /// Moves a proposal on by a step of the period close, keeping the step and its audit entry.
    async fn move_proposal(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        p: &Proposal,
        step: &Step,
        period: Option<Period>,
        note: &str,
    ) -> Result<()> {
        let next = next_stage(p.stage, step, actor.role, WorkflowConfig::default(), true)
            .map_err(|e| StoreError::Corrupt(format!("period close step: {e}")))?;
        with_tx!(tx, c => {
            sqlx::query(
                "UPDATE proposals SET stage = $1, period = $2, reason = $3, updated_at = $4, version = version + 1 WHERE id = $5",
            )
            .bind(next.key())
            .bind(period.map(|p| p.to_string()))
            .bind(self.keys().seal_note(
                NoteColumn::ProposalReason,
                if note.is_empty() { &p.reason } else { note },
            ))
            .bind(self.now_text())
            .bind(p.id.to_string())
            .execute(&mut **c)
            .await?;
        });
        self.keep_step(tx, actor, p.id, step.kind(), p.stage, next, note)
            .await?;
        audit_step(tx, actor, p, step.key(), next).await
    }

    /// When `period` closed; refused if it has not.
    async fn closed_at(&self, period: Period) -> Result<String> {
        let closed_at: Option<String> = with_pool!(self, p => {
            sqlx::query("SELECT closed_at FROM periods WHERE period = $1")
                .bind(period.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| r.text("closed_at"))
                .transpose()?
        });
        closed_at.ok_or_else(|| {
            StoreError::invalid_text(
                format!("periode {period} belum ditutup"),
                format!("period {period} is not closed"),
            )
        })
    }

    /// The closed periods, oldest first.
    pub async fn closed_periods(&self) -> Result<Vec<Period>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT period FROM periods ORDER BY period").fetch_all(p).await?;
            rows.iter()
                .map(|r| Period::parse(&r.text("period")?).map_err(|_| StoreError::Corrupt("periods.period".into())))
                .collect()
        })
    }

    /// Two closed periods compared for `region` (default: the actor's scope): counts then and
    /// now, and what entered, left and changed in the later one.
    pub async fn compare_periods(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        before: Period,
        after: Period,
    ) -> Result<PeriodComparison> {
        Ok(self
            .compare_periods_by_region(actor, region, before, after)
            .await?
            .total
            .comparison)
    }

    /// [`Store::compare_periods`] for the region and for each region one level down that had
    /// households in either period or proposals determined in the later one.
    pub async fn compare_periods_by_region(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        before: Period,
        after: Period,
    ) -> Result<PeriodComparisons> {
        let scope = crate::stats::read_scope(actor, region)?;
        let (low, high) = scope.village_range();
        let (code, child_level) = crate::stats::levels(&scope);
        let counts: Vec<(String, String, i64, i64)> = with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT period, village_code, households, persons FROM period_counts \
                 WHERE period IN ($1, $2) AND village_code >= $3 AND village_code < $4",
            )
            .bind(before.to_string())
            .bind(after.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("period")?, r.text("village_code")?, r.int("households")?, r.int("persons")?)))
                .collect::<Result<_, sqlx::Error>>()?
        });
        let kinds: Vec<(String, i64, bool, i64)> = with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT village_code, kind, person_id IS NULL AS whole, COUNT(*) AS n FROM proposals \
                 WHERE period = $1 AND village_code >= $2 AND village_code < $3 \
                 GROUP BY village_code, kind, person_id IS NULL",
            )
            .bind(after.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("village_code")?, r.int("kind")?, r.flag("whole")?, r.int("n")?)))
                .collect::<Result<_, sqlx::Error>>()?
        });
        let mut total = PeriodComparison::default();
        let mut children: BTreeMap<RegionCode, PeriodComparison> = BTreeMap::new();
        let child_of = |village: &str| -> Result<Option<RegionCode>> {
            let village = RegionCode::parse(village)
                .map_err(|_| StoreError::Corrupt("village_code".into()))?;
            Ok(child_level.and_then(|level| village.at_level(level)))
        };
        let before_key = before.to_string();
        for (period, village, households, persons) in counts {
            let (h, p) = (households as u64, persons as u64);
            let child = child_of(&village)?;
            for c in
                std::iter::once(&mut total).chain(child.map(|c| children.entry(c).or_default()))
            {
                if period == before_key {
                    c.households_before += h;
                    c.persons_before += p;
                } else {
                    c.households_after += h;
                    c.persons_after += p;
                }
            }
        }
        for (village, kind, whole, n) in kinds {
            let child = child_of(&village)?;
            for c in
                std::iter::once(&mut total).chain(child.map(|c| children.entry(c).or_default()))
            {
                match (kind, whole) {
                    (1, _) => c.entered += n as u64,
                    (3, true) => c.left += n as u64,
                    _ => c.changed += n as u64,
                }
            }
        }
        Ok(PeriodComparisons {
            before,
            after,
            total: RegionComparison {
                name: crate::stats::region_name(code.as_ref()),
                code,
                comparison: total,
            },
            children: children
                .into_iter()
                .map(|(code, comparison)| RegionComparison {
                    name: crate::stats::region_name(Some(&code)),
                    code: Some(code),
                    comparison,
                })
                .collect(),
        })
    }
}

/// One region's [`PeriodComparison`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionComparison {
    /// `None` for the whole country.
    pub code: Option<RegionCode>,
    pub name: String,
    pub comparison: PeriodComparison,
}

/// Two periods compared for a region and each region one level down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodComparisons {
    pub before: Period,
    pub after: Period,
    pub total: RegionComparison,
    pub children: Vec<RegionComparison>,
}

impl PeriodComparisons {
    /// The headers of the comparison as a sheet.
    pub fn labels(&self) -> Vec<String> {
        let (b, a) = (self.before, self.after);
        vec![
            "Kode wilayah".into(),
            "Wilayah".into(),
            format!("Rumah tangga {b}"),
            format!("Rumah tangga {a}"),
            "Selisih rumah tangga".into(),
            format!("Jiwa {b}"),
            format!("Jiwa {a}"),
            "Selisih jiwa".into(),
            format!("Rumah tangga baru ditetapkan {a}"),
            format!("Rumah tangga dihapus {a}"),
            format!("Perubahan lain ditetapkan {a}"),
        ]
    }

    /// The rows of the sheet: the region first, then each region one level down.
    pub fn rows(&self) -> Vec<Vec<String>> {
        std::iter::once(&self.total)
            .chain(&self.children)
            .map(|r| {
                let c = &r.comparison;
                let change = |before: u64, after: u64| (after as i64 - before as i64).to_string();
                vec![
                    r.code.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                    r.name.clone(),
                    c.households_before.to_string(),
                    c.households_after.to_string(),
                    change(c.households_before, c.households_after),
                    c.persons_before.to_string(),
                    c.persons_after.to_string(),
                    change(c.persons_before, c.persons_after),
                    c.entered.to_string(),
                    c.left.to_string(),
                    c.changed.to_string(),
                ]
            })
            .collect()
    }
}

/// A household and its members as the register held them when a period closed.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdAsOf {
    pub household: Household,
    /// Every member it had then, with their status then (members added later are left out).
    pub members: Vec<Person>,
}

/// `state` with every change made after `closed_at` undone, newest first: `None` when the
/// record was created after it.
fn undo_after<T: serde::de::DeserializeOwned>(
    mut state: T,
    history: &[crate::HistoryEntry],
    closed_at: &str,
) -> Result<Option<T>> {
    for entry in history
        .iter()
        .rev()
        .filter(|e| e.at.text().as_str() > closed_at)
    {
        match entry.change_kind {
            siks_domain::ChangeKind::Created | siks_domain::ChangeKind::Imported => {
                return Ok(None);
            }
            siks_domain::ChangeKind::Updated => {
                let before = entry
                    .before_json
                    .as_deref()
                    .ok_or_else(|| StoreError::Corrupt("record_history.before_json".into()))?;
                state = serde_json::from_str(before)?;
            }
        }
    }
    Ok(Some(state))
}

impl Store {
    /// A household with its members as the register held them when `period` closed, rebuilt
    /// from their history: `None` when the household did not exist yet. Audited like any view.
    pub async fn household_as_of(
        &self,
        actor: &Actor,
        id: siks_domain::HouseholdId,
        period: Period,
    ) -> Result<Option<HouseholdAsOf>> {
        let closed_at = self.closed_at(period).await?;
        let Some(view) = self.household(actor, id).await? else {
            return Err(StoreError::NotFound);
        };
        let history = self.history(actor, &id.to_string()).await?;
        let Some(household) = undo_after(view.household.record, &history, &closed_at)? else {
            return Ok(None);
        };
        let mut members = Vec::with_capacity(view.members.len());
        for member in view.members {
            let history = self.history(actor, &member.record.id.to_string()).await?;
            if let Some(then) = undo_after(member.record, &history, &closed_at)? {
                members.push(then);
            }
        }
        Ok(Some(HouseholdAsOf { household, members }))
    }
}

/// Active households and persons per village code.
pub type VillageCounts = BTreeMap<String, (u64, u64)>;

impl Store {
    /// The counts fixed when `period` closed, per village in the actor's scope.
    pub async fn period_counts(&self, actor: &Actor, period: Period) -> Result<VillageCounts> {
        let (low, high) = actor.scope.village_range();
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT village_code, households, persons FROM period_counts \
                 WHERE period = $1 AND village_code >= $2 AND village_code < $3",
            )
            .bind(period.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("village_code")?, (r.int("households")? as u64, r.int("persons")? as u64))))
                .collect()
        })
    }

    /// The same counts recomputed from the register as it is now and its history: every change
    /// made after the close is undone, newest first. A verification of the fixed counts (they
    /// must be equal) and of the history (every change must be undoable).
    pub async fn recount_period(&self, actor: &Actor, period: Period) -> Result<VillageCounts> {
        let closed_at = self.closed_at(period).await?;
        // id -> (village, active) for households; id -> (household, active) for persons.
        let mut households: HashMap<String, (String, bool)> = HashMap::new();
        let mut persons: HashMap<String, (String, bool)> = HashMap::new();
        let later: Vec<(String, String, String, Option<String>)> = with_pool!(self, p => {
            for r in sqlx::query("SELECT id, village_code, status FROM households").fetch_all(p).await? {
                households.insert(r.text("id")?, (r.text("village_code")?, r.text("status")? == "active"));
            }
            for r in sqlx::query("SELECT id, household_id, status FROM persons").fetch_all(p).await? {
                persons.insert(r.text("id")?, (r.text("household_id")?, r.text("status")? == "active"));
            }
            let rows = sqlx::query(
                "SELECT record_kind, record_id, change_kind, before_json FROM record_history \
                 WHERE at > $1 ORDER BY at DESC, id DESC",
            )
            .bind(&closed_at)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("record_kind")?, r.text("record_id")?, r.text("change_kind")?, r.opt_text("before_json")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        for (kind, id, change, before) in later {
            let before = before
                .map(|b| self.keys().open_text(Sealed::History, &b))
                .transpose()?;
            let undone = match (change.as_str(), before) {
                ("created" | "imported", _) => None,
                (_, Some(before)) => Some(before),
                (_, None) => return Err(StoreError::Corrupt("record_history.before_json".into())),
            };
            match (kind.as_str(), undone) {
                ("household", None) => {
                    households.remove(&id);
                }
                ("household", Some(json)) => {
                    let h: Household = serde_json::from_str(&json)?;
                    households.insert(
                        id,
                        (
                            h.address.village.to_string(),
                            h.status == RegistryStatus::Active,
                        ),
                    );
                }
                (_, None) => {
                    persons.remove(&id);
                }
                (_, Some(json)) => {
                    let p: Person = serde_json::from_str(&json)?;
                    persons.insert(
                        id,
                        (
                            p.household_id.to_string(),
                            p.status == RegistryStatus::Active,
                        ),
                    );
                }
            }
        }
        let mut counts = VillageCounts::new();
        for (village, active) in households.values() {
            if *active {
                counts.entry(village.clone()).or_default().0 += 1;
            }
        }
        for (household, active) in persons.values() {
            if let (true, Some((village, _))) = (*active, households.get(household)) {
                counts.entry(village.clone()).or_default().1 += 1;
            }
        }
        // The fixed counts list villages with active households; keep the same shape.
        counts.retain(|village, (h, _)| {
            *h > 0 && RegionCode::parse(village).is_ok_and(|v| actor.scope.contains(&v))
        });
        Ok(counts)
    }
}
