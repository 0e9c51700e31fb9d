//! The PPKS and PSKS registries (issue 20 items 3–4, docs/adr/0025): every use case the pages,
//! the API and the uploads share; the rules are the domain's, the scope the store's.

use siks_domain::codes::PmksCategory;
use siks_domain::social::{PpksRecord, PsksKind, PsksRecord};
use siks_domain::{Actor, HouseholdId, RegionCode};
use siks_store::Result;
use uuid::Uuid;

pub use siks_store::social::{SOCIAL_PAGE, SocialCount, StoredPpks, StoredPsks};

use crate::Service;

/// The most one download or upload of a registry holds.
pub const SOCIAL_BULK: i64 = 50_000;

impl Service {
    pub async fn add_ppks(&self, actor: &Actor, record: PpksRecord) -> Result<Uuid> {
        self.store.add_ppks(actor, record).await
    }

    /// Many PPKS records at once (an upload), all or none: each checked before any is written.
    pub async fn add_ppks_all(&self, actor: &Actor, records: Vec<PpksRecord>) -> Result<usize> {
        self.store.add_ppks_all(actor, records).await
    }

    /// Many PSKS records at once (an upload), all or none: each checked before any is written.
    pub async fn add_psks_all(&self, actor: &Actor, records: Vec<PsksRecord>) -> Result<usize> {
        self.store.add_psks_all(actor, records).await
    }

    pub async fn update_ppks(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        record: PpksRecord,
        active: bool,
    ) -> Result<()> {
        self.store
            .update_ppks(actor, id, version, record, active)
            .await
    }

    pub async fn ppks(&self, actor: &Actor, id: Uuid) -> Result<Option<StoredPpks>> {
        self.store.ppks(actor, id).await
    }

    pub async fn ppks_list(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        category: Option<PmksCategory>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredPpks>> {
        self.store
            .ppks_list(actor, region, category, limit, offset)
            .await
    }

    pub async fn ppks_counts(&self, actor: &Actor) -> Result<Vec<SocialCount>> {
        self.store.ppks_counts(actor).await
    }

    pub async fn add_psks(&self, actor: &Actor, record: PsksRecord) -> Result<Uuid> {
        self.store.add_psks(actor, record).await
    }

    pub async fn update_psks(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        record: PsksRecord,
        active: bool,
    ) -> Result<()> {
        self.store
            .update_psks(actor, id, version, record, active)
            .await
    }

    pub async fn psks(&self, actor: &Actor, id: Uuid) -> Result<Option<StoredPsks>> {
        self.store.psks(actor, id).await
    }

    pub async fn psks_list(
        &self,
        actor: &Actor,
        kind: Option<PsksKind>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredPsks>> {
        self.store.psks_list(actor, kind, limit, offset).await
    }

    pub async fn psks_counts(&self, actor: &Actor) -> Result<Vec<SocialCount>> {
        self.store.psks_counts(actor).await
    }

    pub async fn link_psks_household(
        &self,
        actor: &Actor,
        id: Uuid,
        household: HouseholdId,
    ) -> Result<()> {
        self.store.link_psks_household(actor, id, household).await
    }
}
