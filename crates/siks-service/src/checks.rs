//! The checks: a run over the register in scope, the findings it keeps, and what an operator
//! does with one (dismiss it, or propose the change it calls for).

use chrono::NaiveDate;
use siks_domain::checks::{FindingKind, FindingStatus};
use siks_domain::{Actor, RegionCode};
use siks_store::Result;
use std::collections::BTreeMap;
use uuid::Uuid;

pub use siks_store::findings::{CheckReport, StoredFinding};

use crate::Service;

impl Service {
    /// Runs every check on the households of `region` (default: the actor's scope) as of
    /// `today`, in one transaction, and reconciles the findings. Regency level and above, and
    /// the command line.
    pub async fn run_checks(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        today: NaiveDate,
    ) -> Result<CheckReport> {
        self.store.run_checks(actor, region, today).await
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
        self.store
            .findings(actor, region, kind, status, limit)
            .await
    }

    /// How many findings of each kind (by code) a status has in `region` (default: the scope).
    pub async fn finding_counts(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        status: FindingStatus,
    ) -> Result<BTreeMap<u8, u64>> {
        self.store.finding_counts(actor, region, status).await
    }

    /// Dismisses an open finding with the reason (it stays dismissed in later runs).
    pub async fn dismiss_finding(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<()> {
        self.store.dismiss_finding(actor, id, reason).await
    }

    /// The follow-up of a finding that a removal settles (the same NIK or person twice, a death,
    /// a civil servant): the matching removal proposal, entered as the actor's draft.
    pub async fn propose_from_finding(&self, actor: &Actor, id: Uuid) -> Result<Uuid> {
        self.store.propose_from_finding(actor, id).await
    }
}
