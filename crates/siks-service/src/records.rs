//! The register's records: households and their members entered, corrected and read, their
//! history, their evidence photos and their welfare score.

use siks_domain::record::EvidenceKind;
use siks_domain::workflow::Period;
use siks_domain::{Actor, Household, HouseholdId, Person, PersonId};
use siks_store::periods::HouseholdAsOf;
use siks_store::ranking::HouseholdWelfare;
use siks_store::{
    HistoryEntry, HouseholdFilter, HouseholdSummary, HouseholdView, Result, Versioned,
};

pub use siks_store::photos::MAX_PHOTO_BYTES;

use crate::Service;

impl Service {
    /// Creates a household with its members (at least one), as one change.
    pub async fn create_household(
        &self,
        actor: &Actor,
        household: &Household,
        members: &[Person],
        reason: &str,
    ) -> Result<i64> {
        self.store
            .create_household(actor, household, members, reason)
            .await
    }

    /// Changes a household's fields. `expected_version` is the version the actor loaded.
    pub async fn update_household(
        &self,
        actor: &Actor,
        changed: &Household,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        self.store
            .update_household(actor, changed, expected_version, reason)
            .await
    }

    /// Adds a member to a household in scope.
    pub async fn add_person(&self, actor: &Actor, person: &Person, reason: &str) -> Result<i64> {
        self.store.add_person(actor, person, reason).await
    }

    /// Changes a person's fields (not the household: moving a member is a proposal).
    pub async fn update_person(
        &self,
        actor: &Actor,
        changed: &Person,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        self.store
            .update_person(actor, changed, expected_version, reason)
            .await
    }

    /// A household with its members; `None` when missing or outside the scope. Audited.
    pub async fn household(&self, actor: &Actor, id: HouseholdId) -> Result<Option<HouseholdView>> {
        self.store.household(actor, id).await
    }

    /// One person; `None` when missing or outside the scope. Audited.
    pub async fn person(&self, actor: &Actor, id: PersonId) -> Result<Option<Versioned<Person>>> {
        self.store.person(actor, id).await
    }

    /// A page of households inside the scope (and the filter's region), by village and id.
    /// Audited, since the list names each household's head.
    pub async fn list_households(
        &self,
        actor: &Actor,
        filter: &HouseholdFilter,
    ) -> Result<Vec<HouseholdSummary>> {
        self.store.list_households(actor, filter).await
    }

    /// Every kept change of a household or person in scope, oldest first. Audited, since the
    /// before/after texts hold personal data.
    pub async fn history(&self, actor: &Actor, record_id: &str) -> Result<Vec<HistoryEntry>> {
        self.store.history(actor, record_id).await
    }

    /// A household with its members as the register held them when `period` closed, rebuilt
    /// from their history: `None` when the household did not exist yet. Audited like any view.
    pub async fn household_as_of(
        &self,
        actor: &Actor,
        id: siks_domain::HouseholdId,
        period: Period,
    ) -> Result<Option<HouseholdAsOf>> {
        self.store.household_as_of(actor, id, period).await
    }

    /// Adds (or replaces) the photo of one indicator. `expected_version` is the household version
    /// the operator loaded. Returns the new version.
    pub async fn add_evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        expected_version: i64,
        kind: EvidenceKind,
        bytes: &[u8],
        reason: &str,
    ) -> Result<i64> {
        self.store
            .add_evidence_photo(actor, household, expected_version, kind, bytes, reason)
            .await
    }

    /// The content type and bytes of one evidence photo of a household in scope. Audited.
    pub async fn evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        sha256: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        self.store.evidence_photo(actor, household, sha256).await
    }

    /// A household's welfare from the latest run that ranked it, explained with that run's
    /// model; `None` before any run. In scope only; the caller has viewed the household.
    pub async fn household_welfare(
        &self,
        actor: &Actor,
        id: HouseholdId,
    ) -> Result<Option<HouseholdWelfare>> {
        self.store.household_welfare(actor, id).await
    }
}
