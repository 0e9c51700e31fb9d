//! The monthly period close (penetapan): every accepted proposal takes effect together, in one
//! transaction, or none does. Conflicting or outdated proposals are sent back to their village
//! with the reason; the register's counts per village are then fixed for the period. Closing a
//! period twice is harmless.

use std::collections::BTreeMap;

use siks_domain::workflow::{
    Period, ProposalContent, Stage, Step, Touch, WorkflowConfig, find_conflicts, household_diff,
    next_stage, person_diff,
};
use siks_domain::{Actor, RegionCode, RegistryStatus, Role, Scope};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::proposals::Proposal;
use crate::sql::{Cells, Tx, now_text, with_pool, with_tx};
use crate::{Result, Store, StoreError};

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

impl Store {
    /// Closes `period`: applies every accepted proposal (ministry or admin of the whole country).
    pub async fn close_period(&self, actor: &Actor, period: Period) -> Result<CloseReport> {
        if !matches!(actor.role, Role::Pusat | Role::Admin) || actor.scope != Scope::Nation {
            return Err(StoreError::Forbidden(siks_domain::Action::WriteRegister));
        }
        let mut tx = self.begin().await?;
        let closed: Vec<String> = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT period FROM periods WHERE period >= $1")
                .bind(period.to_string())
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
        if let Some(later) = closed.first() {
            return Err(StoreError::invalid_text(
                format!("periode {later} sudah ditutup; periode ditutup berurutan"),
                format!("period {later} is already closed; periods close in order"),
            ));
        }
        let accepted: Vec<Proposal> = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT * FROM proposals WHERE stage = $1 ORDER BY id")
                .bind(Stage::Accepted.key())
                .fetch_all(&mut **c)
                .await?;
            rows.iter().map(crate::proposals::proposal_from_row).collect::<Result<Vec<_>>>()?
        });

        // Outdated corrections first, then conflicts among the rest.
        let mut sent_back: Vec<(Uuid, String)> = Vec::new();
        let mut touches = Vec::new();
        for p in &accepted {
            let fields = match &p.content {
                ProposalContent::HouseholdCorrection {
                    household,
                    base_version,
                } => {
                    match self
                        .fetch_household_for_write(&mut tx, actor, household.id)
                        .await
                    {
                        Ok(current) if current.version == *base_version => {
                            household_diff(&current.record, household)
                                .into_iter()
                                .map(|c| c.field)
                                .collect()
                        }
                        _ => {
                            sent_back.push((p.id, "data rumah tangga sudah berubah sejak usulan dibuat; usulkan ulang".into()));
                            continue;
                        }
                    }
                }
                ProposalContent::PersonCorrection {
                    person,
                    base_version,
                } => match self.person_for_write(&mut tx, actor, person.id).await {
                    Ok(current) if current.version == *base_version => {
                        person_diff(&current.record, person)
                            .into_iter()
                            .map(|c| c.field)
                            .collect()
                    }
                    _ => {
                        sent_back.push((
                            p.id,
                            "data anggota sudah berubah sejak usulan dibuat; usulkan ulang".into(),
                        ));
                        continue;
                    }
                },
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
        let reason = |p: &Proposal| format!("penetapan {period}, usulan {}", p.id);
        let mut applied = 0u64;
        for p in &accepted {
            if sent_back.iter().any(|(id, _)| *id == p.id) {
                continue;
            }
            match self.apply(&mut tx, actor, p, &reason(p)).await {
                Ok(()) => {}
                // A proposal that no longer fits the register goes back; nothing else stops.
                Err(
                    StoreError::Invalid { indonesian, .. }
                    | StoreError::Conflict { indonesian, .. },
                ) => {
                    sent_back.push((p.id, indonesian));
                    continue;
                }
                Err(e) => return Err(e),
            }
            self.move_proposal(&mut tx, actor, p, &Step::Apply, Some(period), "")
                .await?;
            applied += 1;
        }
        for (id, why) in &sent_back {
            let p = accepted
                .iter()
                .find(|p| p.id == *id)
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
        let now = now_text();
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
        tx.commit().await?;
        Ok(CloseReport {
            period,
            already_closed: false,
            applied,
            sent_back,
        })
    }

    /// Makes one accepted proposal take effect.
    async fn apply(&self, tx: &mut Tx, actor: &Actor, p: &Proposal, reason: &str) -> Result<()> {
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
                self.create_household_in(tx, actor, &household, &members, reason)
                    .await?;
            }
            ProposalContent::HouseholdCorrection {
                household,
                base_version,
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, household.id)
                    .await?;
                if current.version != *base_version {
                    return Err(StoreError::Stale {
                        expected: *base_version,
                        current: current.version,
                    });
                }
                self.write_household_change(tx, actor, &current, household, reason, "")
                    .await?;
            }
            ProposalContent::PersonCorrection {
                person,
                base_version,
            } => {
                self.change_person_in(tx, actor, person, *base_version, reason)
                    .await?;
            }
            ProposalContent::Removal {
                household,
                person: None,
                reason: why,
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, *household)
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
                let current = self.person_for_write(tx, actor, *id).await?;
                let mut changed = current.record.clone();
                changed.status = RegistryStatus::Inactive(*why);
                if *why == siks_domain::codes::InactiveReason::Died {
                    changed.presence = siks_domain::codes::Presence::Died;
                }
                self.change_person_in(tx, actor, &changed, current.version, reason)
                    .await?;
            }
            ProposalContent::Move {
                household,
                to_village,
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, *household)
                    .await?;
                let mut changed = current.record.clone();
                changed.address.village = to_village.clone();
                self.write_household_change(tx, actor, &current, &changed, reason, "")
                    .await?;
            }
            ProposalContent::ProgrammeRequest {
                household,
                programme,
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, *household)
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
            .bind(if note.is_empty() { p.reason.clone() } else { note.to_string() })
            .bind(now_text())
            .bind(p.id.to_string())
            .execute(&mut **c)
            .await?;
        });
        self.keep_step(tx, actor, p.id, step.key(), p.stage, next, note)
            .await?;
        audit::append(
            tx,
            actor,
            AuditEvent {
                action: "proposal.step",
                target_kind: "proposal",
                target_id: p.id.to_string(),
                region_code: p.village.to_string(),
                detail: format!("{}:{}->{}", step.key(), p.stage.key(), next.key()),
            },
        )
        .await
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
        let scope = match region {
            Some(code) if actor.scope.contains(code) => Scope::Region(code.clone()),
            Some(_) => return Err(StoreError::NotFound),
            None => actor.scope.clone(),
        };
        let (low, high) = scope.village_range();
        let mut out = PeriodComparison::default();
        let counts: BTreeMap<String, (i64, i64)> = with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT period, CAST(SUM(households) AS BIGINT) AS h, CAST(SUM(persons) AS BIGINT) AS p FROM period_counts \
                 WHERE period IN ($1, $2) AND village_code >= $3 AND village_code < $4 GROUP BY period",
            )
            .bind(before.to_string())
            .bind(after.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("period")?, (r.int("h")?, r.int("p")?))))
                .collect::<Result<_, sqlx::Error>>()?
        });
        if let Some((h, p)) = counts.get(&before.to_string()) {
            (out.households_before, out.persons_before) = (*h as u64, *p as u64);
        }
        if let Some((h, p)) = counts.get(&after.to_string()) {
            (out.households_after, out.persons_after) = (*h as u64, *p as u64);
        }
        let kinds: Vec<(i64, bool, i64)> = with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT kind, person_id IS NULL AS whole, COUNT(*) AS n FROM proposals \
                 WHERE period = $1 AND village_code >= $2 AND village_code < $3 GROUP BY kind, person_id IS NULL",
            )
            .bind(after.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.int("kind")?, r.flag("whole")?, r.int("n")?)))
                .collect::<Result<_, sqlx::Error>>()?
        });
        for (kind, whole, n) in kinds {
            let n = n as u64;
            match (kind, whole) {
                (1, _) => out.entered += n,
                (3, true) => out.left += n,
                _ => out.changed += n,
            }
        }
        Ok(out)
    }
}

impl Store {
    /// A household as the register held it when `period` closed, rebuilt from its history:
    /// `None` when it did not exist yet. Audited like any view.
    pub async fn household_as_of(
        &self,
        actor: &Actor,
        id: siks_domain::HouseholdId,
        period: Period,
    ) -> Result<Option<siks_domain::Household>> {
        let closed_at: Option<String> = with_pool!(self, p => {
            sqlx::query("SELECT closed_at FROM periods WHERE period = $1")
                .bind(period.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| r.text("closed_at"))
                .transpose()?
        });
        let Some(closed_at) = closed_at else {
            return Err(StoreError::invalid_text(
                format!("periode {period} belum ditutup"),
                format!("period {period} is not closed"),
            ));
        };
        let Some(view) = self.household(actor, id).await? else {
            return Err(StoreError::NotFound);
        };
        let history = self.history(actor, &id.to_string()).await?;
        let mut state = view.household.record;
        // Undo, newest first, every change made after the close.
        for entry in history
            .iter()
            .rev()
            .filter(|e| e.record_kind == "household" && e.at > closed_at)
        {
            match entry.change_kind.as_str() {
                "created" | "imported" => return Ok(None),
                _ => {
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
}
