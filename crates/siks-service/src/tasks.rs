//! "Tugas Anda": what waits for one user, counted, so that each role's dashboard opens on the
//! work in front of it: proposals at the stages where this role acts, papers still without
//! their signed scan, open findings to settle, a period's lists not built yet, a period ready
//! to close. Counts only (no one's record is read), so nothing here is a view of a person.

use siks_domain::checks::FindingStatus;
use siks_domain::workflow::{Period, Stage};
use siks_domain::{Action, Actor, Role, Scope};
use siks_store::Result;

use crate::Service;

/// One kind of work waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// Proposals at a stage where the user's role takes the next step.
    AtStage(Stage),
    /// Musdes minutes or SPTJM whose signed scan is not uploaded yet (a verifier cannot go on).
    PapersWithoutScan,
    /// Findings of the last check still open in the scope.
    OpenFindings,
    /// No programme list built yet for this period (the ministry).
    ListsToBuild(Period),
    /// The next period may close and proposals wait for it (the ministry).
    PeriodToClose(Period),
}

/// One line of the panel: what, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    pub count: u64,
}

impl Service {
    /// What waits for `actor`, in the order the work goes: only lines with something waiting.
    pub async fn tasks(&self, actor: &Actor) -> Result<Vec<Task>> {
        let mut tasks = Vec::new();
        let role = actor.role;
        let pipeline = self.store.pipeline(actor, None).await?;
        for stage in Stage::ALL {
            if !stage.actors().contains(&role) || stage == Stage::Accepted {
                continue;
            }
            let count: u64 = pipeline
                .iter()
                .filter(|c| c.stage == stage)
                .map(|c| c.count)
                .sum();
            if count > 0 {
                tasks.push(Task {
                    kind: TaskKind::AtStage(stage),
                    count,
                });
            }
        }
        if matches!(role, Role::VillageOperator | Role::RegencyVerifier) {
            let missing = self
                .store
                .list_papers(actor, PAPERS_LOOKED_AT)
                .await?
                .iter()
                .filter(|p| p.kind != "pengesahan" && !p.scanned)
                .count() as u64;
            if missing > 0 {
                tasks.push(Task {
                    kind: TaskKind::PapersWithoutScan,
                    count: missing,
                });
            }
        }
        // Findings are settled where the households are: by the village (a proposal) and the
        // regency (a dismissal); above that, a national count is a statistic, not a task.
        if actor.may(Action::WriteRegister)
            && matches!(
                role,
                Role::VillageOperator | Role::DistrictOperator | Role::RegencyOperator
            )
        {
            let open: u64 = self
                .store
                .finding_counts(actor, None, FindingStatus::Open)
                .await?
                .values()
                .sum();
            if open > 0 {
                tasks.push(Task {
                    kind: TaskKind::OpenFindings,
                    count: open,
                });
            }
        }
        if role == Role::Pusat && actor.scope == Scope::Nation {
            let this_month = Period::of(self.store.ministry_today());
            let closed = self.store.closed_periods().await?;
            if !closed.contains(&this_month)
                && self
                    .store
                    .list_summary(actor, this_month, None)
                    .await?
                    .is_empty()
            {
                tasks.push(Task {
                    kind: TaskKind::ListsToBuild(this_month),
                    count: 1,
                });
            }
            let (next, refusal) = self.next_period_to_close().await?;
            let accepted: u64 = pipeline
                .iter()
                .filter(|c| c.stage == Stage::Accepted)
                .map(|c| c.count)
                .sum();
            if refusal.is_none() && accepted > 0 {
                tasks.push(Task {
                    kind: TaskKind::PeriodToClose(next),
                    count: accepted,
                });
            }
        }
        Ok(tasks)
    }
}

/// The papers looked at for a missing scan: the newest, as the papers page lists them.
const PAPERS_LOOKED_AT: u32 = 200;
