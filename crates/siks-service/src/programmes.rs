//! Programmes: their rules kept as versions, a dry run of new rules, quotas, and the monthly
//! lists of beneficiaries built from the register.

use siks_domain::workflow::Period;
use siks_domain::{Actor, RegionCode};
use siks_store::Result;

pub use siks_store::programmes::{
    Beneficiary, DryRun, DryRunRegion, InForce, ListsBuilt, ProgrammeVersion,
};

use crate::Service;

/// Whether `actor` may build the programmes' lists (pages offer it only then).
pub fn may_build_lists(actor: &siks_domain::Actor) -> bool {
    siks_store::programmes::may_build_lists(actor)
}

impl Service {
    /// Every programme in force: the newest saved version of each code, and the shipped
    /// definitions of codes never saved.
    pub async fn programmes(&self) -> Result<Vec<InForce>> {
        self.store.programmes().await
    }

    /// Every version of a programme's definition, newest first, ending with the shipped one when
    /// siks ships that code. Unknown codes are refused with the codes that exist.
    pub async fn programme_versions(&self, code: &str) -> Result<Vec<ProgrammeVersion>> {
        self.store.programme_versions(code).await
    }

    /// Saves a new version of a programme's definition (ministry or admin): refused, with the
    /// line and reason, when it does not read; the version in force stays as it was.
    pub async fn save_programme(&self, actor: &Actor, text: &str, note: &str) -> Result<i64> {
        self.store.save_programme(actor, text, note).await
    }

    /// Refuses a dry run of `text` at once, before a job is kept for it: the role, a definition
    /// that does not read (with its line).
    pub fn check_rules_may_be_tried(&self, actor: &Actor, text: &str) -> Result<()> {
        siks_store::programmes::check_rules_may_be_tried(actor, text).map(|_| ())
    }

    /// What saving `text` would change (ministry or admin): for every household not inactive,
    /// eligible under the definition in force and under `text`, counted per province. Nothing is
    /// written. A definition that does not read is refused with its line, as on saving.
    pub async fn dry_run_programme(
        &self,
        actor: &Actor,
        text: &str,
        today: chrono::NaiveDate,
    ) -> Result<DryRun> {
        self.store.dry_run_programme(actor, text, today).await
    }

    /// Sets how many units a regency may have in a programme (ministry or admin). Refused below
    /// zero, above the regency's households, or for a code not in force.
    pub async fn set_quota(
        &self,
        actor: &Actor,
        code: &str,
        regency: &RegionCode,
        quota: i64,
    ) -> Result<()> {
        self.store.set_quota(actor, code, regency, quota).await
    }

    /// Builds every programme's list for `period` as of `today` (ministry or admin), replacing
    /// the lists built before for that period. A closed period's lists are fixed.
    pub async fn build_lists(
        &self,
        actor: &Actor,
        period: Period,
        today: chrono::NaiveDate,
    ) -> Result<ListsBuilt> {
        self.store.build_lists(actor, period, today).await
    }

    /// A programme's list for a period in `region` (default the actor's scope), by regency
    /// position. Audited as a view of the region.
    pub async fn beneficiaries(
        &self,
        actor: &Actor,
        period: Period,
        code: &str,
        region: Option<&RegionCode>,
    ) -> Result<Vec<Beneficiary>> {
        self.store.beneficiaries(actor, period, code, region).await
    }

    /// The programmes whose latest lists hold the household (see
    /// [`siks_store::Store::household_benefits`]).
    pub async fn household_benefits(
        &self,
        actor: &Actor,
        household: uuid::Uuid,
        village: &RegionCode,
    ) -> Result<Vec<(String, Period, i64)>> {
        self.store
            .household_benefits(actor, household, village)
            .await
    }

    /// The households that left a programme's list in `period` (in scope), with the reason.
    pub async fn departures(
        &self,
        actor: &Actor,
        period: Period,
        code: &str,
        region: Option<&RegionCode>,
    ) -> Result<Vec<siks_store::programmes::Departure>> {
        self.store.departures(actor, period, code, region).await
    }

    /// Each programme's list for a period summed over `region` (default the actor's scope):
    /// (code, units, households, yearly amount). Counts only, so not a view of anyone.
    pub async fn list_summary(
        &self,
        actor: &Actor,
        period: Period,
        region: Option<&RegionCode>,
    ) -> Result<Vec<(String, i64, i64, i64)>> {
        self.store.list_summary(actor, period, region).await
    }
}
