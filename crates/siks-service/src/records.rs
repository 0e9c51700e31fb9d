//! The register's records: households and their members read, their history, their evidence
//! photos and their welfare score; and every change a proposer asks of them, each entered as a
//! proposal (ADR 0016): only the period close changes the register.

use siks_domain::record::EvidenceKind;
use siks_domain::workflow::{Period, ProposalContent};
use siks_domain::{Actor, Household, HouseholdId, Person, PersonId};
use siks_store::periods::HouseholdAsOf;
use siks_store::ranking::HouseholdWelfare;
use uuid::Uuid;

use siks_store::{
    HistoryEntry, HouseholdFilter, HouseholdSummary, HouseholdView, Result, Versioned,
};

pub use siks_store::photos::MAX_PHOTO_BYTES;

use crate::{Service, ServiceError};

impl Service {
    /// Proposes a household not yet in the register, with its members (at least one): a draft
    /// of its village, which changes the register only when a period close applies it.
    pub async fn propose_new_household(
        &self,
        actor: &Actor,
        household: &Household,
        members: &[Person],
        note: &str,
    ) -> Result<Uuid> {
        let content = ProposalContent::NewHousehold {
            household: household.clone(),
            members: members.to_vec(),
        };
        self.propose(actor, &content, note).await
    }

    /// Proposes a correction of a household: `changed` is the household as it should be,
    /// based on `base_version`, the version the proposer loaded.
    pub async fn propose_household_correction(
        &self,
        actor: &Actor,
        changed: &Household,
        base_version: i64,
        note: &str,
    ) -> Result<Uuid> {
        let content = ProposalContent::HouseholdCorrection {
            household: changed.clone(),
            base_version,
        };
        self.propose(actor, &content, note).await
    }

    /// Proposes a correction of a member (never its household: moving is a proposal of its own).
    pub async fn propose_member_correction(
        &self,
        actor: &Actor,
        changed: &Person,
        base_version: i64,
        note: &str,
    ) -> Result<Uuid> {
        let content = ProposalContent::PersonCorrection {
            person: changed.clone(),
            base_version,
        };
        self.propose(actor, &content, note).await
    }

    /// Proposes a member joining a registered household (born, married in, moved in).
    pub async fn propose_member_joining(
        &self,
        actor: &Actor,
        person: &Person,
        note: &str,
    ) -> Result<Uuid> {
        let content = ProposalContent::MemberJoins {
            person: person.clone(),
        };
        self.propose(actor, &content, note).await
    }

    /// Loads a household as found into the register, outside the workflow: for the command
    /// line's system account only (seeding a demo or a test world, one household of an
    /// import). Every account that signs in changes the register by proposals.
    pub async fn load_household(
        &self,
        actor: &Actor,
        household: &Household,
        members: &[Person],
        reason: &str,
    ) -> Result<i64> {
        if actor.username != siks_store::SYSTEM_USERNAME {
            return Err(ServiceError::Forbidden(
                siks_domain::access::Action::WriteRegister,
            ));
        }
        self.store
            .create_household(actor, household, members, reason)
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

    /// Records that `fields` of a person were revealed to `actor` for `purpose` (audited as
    /// `person.reveal`); a page shows them only after this succeeded.
    pub async fn reveal(
        &self,
        actor: &Actor,
        id: PersonId,
        fields: &[siks_domain::disclosure::SpecificField],
        purpose: siks_domain::disclosure::RevealPurpose,
    ) -> Result<()> {
        self.store.record_reveal(actor, id, fields, purpose).await
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

    /// Every kept change of a household in scope and of the members named, oldest first, in one
    /// read: the household page's history. Audited once, for the household.
    pub async fn household_history(
        &self,
        actor: &Actor,
        household: HouseholdId,
        members: &[PersonId],
    ) -> Result<Vec<HistoryEntry>> {
        self.store
            .household_history(actor, household, members)
            .await
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

    /// Keeps the photo of one indicator and proposes it as a correction of the household's
    /// evidence, based on `expected_version`, the version the operator loaded: the verifier
    /// sees the photo at once, the household carries it from the close that applies it.
    pub async fn propose_evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        expected_version: i64,
        kind: EvidenceKind,
        bytes: &[u8],
        note: &str,
    ) -> Result<Uuid> {
        let current = self
            .store
            .household(actor, household)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.household.version != expected_version {
            return Err(ServiceError::Stale {
                expected: expected_version,
                current: current.household.version,
            });
        }
        let photo = self
            .store
            .keep_evidence_photo(actor, household, kind, bytes)
            .await?;
        let mut changed = current.household.record;
        changed.evidence.retain(|e| e.kind != kind);
        changed.evidence.push(photo);
        changed.evidence.sort_by_key(|e| e.kind);
        self.propose_household_correction(actor, &changed, expected_version, note)
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
