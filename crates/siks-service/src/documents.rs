//! The papers of the workflow's steps: the musdes berita acara, the SPTJM, the regent's
//! ratification; their scans and the lists of them.

use siks_domain::workflow::WorkflowConfig;
use siks_domain::{Actor, RegionCode};
use siks_store::Result;
use uuid::Uuid;

use siks_domain::documents::BackingDocument;
pub use siks_store::documents::{
    MAX_SCAN_BYTES, MusdesDecision, PaperRow, PaperSummary, Ratification, VillageDocument,
};

use crate::Service;

impl Service {
    /// Records a musdes: its berita acara and its decision on each proposal waiting for it, in
    /// one transaction. The signed scan may come now or later (`attach_scan`).
    pub async fn record_musdes(
        &self,
        actor: &Actor,
        details: BackingDocument,
        decisions: &[MusdesDecision],
        scan: Option<&[u8]>,
        config: WorkflowConfig,
    ) -> Result<Uuid> {
        self.store
            .record_musdes(actor, details, decisions, scan, config)
            .await
    }

    /// Records an SPTJM and submits with it the village's proposals it covers (no musdes held).
    pub async fn sign_sptjm(
        &self,
        actor: &Actor,
        details: BackingDocument,
        proposals: &[Uuid],
        scan: Option<&[u8]>,
        config: WorkflowConfig,
    ) -> Result<Uuid> {
        self.store
            .sign_sptjm(actor, details, proposals, scan, config)
            .await
    }

    /// Ratifies a regency's proposals as one numbered list: those named in `ids`, or (None) all
    /// that wait for ratification. Returns the list's id.
    pub async fn ratify(
        &self,
        actor: &Actor,
        regency: &RegionCode,
        ids: Option<&[Uuid]>,
        config: WorkflowConfig,
    ) -> Result<Uuid> {
        self.store.ratify(actor, regency, ids, config).await
    }

    /// Attaches (or, while the regency has verified nothing it backs, replaces) the signed scan
    /// of a village paper.
    pub async fn attach_scan(&self, actor: &Actor, document: Uuid, bytes: &[u8]) -> Result<()> {
        self.store.attach_scan(actor, document, bytes).await
    }

    /// The signed scan of a village paper, in scope: `(content type, bytes)`. Audited.
    pub async fn document_scan(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<(String, Vec<u8>)>> {
        self.store.document_scan(actor, id).await
    }

    /// The papers in scope, newest first: village papers and ratification lists.
    pub async fn list_papers(&self, actor: &Actor, limit: u32) -> Result<Vec<PaperSummary>> {
        self.store.list_papers(actor, limit).await
    }

    /// A village paper with its rows, in scope. Audited (its rows name people).
    pub async fn village_document(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<VillageDocument>> {
        self.store.village_document(actor, id).await
    }

    /// A ratification list with its rows, in scope. Audited.
    pub async fn ratification(&self, actor: &Actor, id: Uuid) -> Result<Option<Ratification>> {
        self.store.ratification(actor, id).await
    }
}
