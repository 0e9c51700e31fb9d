//! Proposals and their steps: a change proposed, taken up the workflow step by step, listed
//! and counted per stage.

use siks_domain::workflow::{ProposalContent, Stage, Step, WorkflowConfig};
use siks_domain::{Actor, RegionCode};
use siks_store::Result;
use uuid::Uuid;

pub use siks_store::documents::ProposalSubject;
pub use siks_store::proposals::{PipelineCount, Proposal, ProposalStep};

use crate::Service;

impl Service {
    /// Enters a proposal as a draft of its village (village operators and admins).
    pub async fn propose(
        &self,
        actor: &Actor,
        content: &ProposalContent,
        note: &str,
    ) -> Result<Uuid> {
        self.check_programme_known(content).await?;
        self.store.propose(actor, content, note).await
    }

    /// A programme request names a programme in force.
    async fn check_programme_known(&self, content: &ProposalContent) -> Result<()> {
        let ProposalContent::ProgrammeRequest { programme, .. } = content else {
            return Ok(());
        };
        let known = self.store.programmes().await?;
        if known.iter().any(|p| p.programme.code == *programme) {
            return Ok(());
        }
        let codes: Vec<&str> = known.iter().map(|p| p.programme.code.as_str()).collect();
        Err(siks_store::StoreError::Invalid {
            indonesian: format!(
                "program {programme} tidak dikenal; program yang berlaku: {}",
                codes.join(", ")
            ),
            english: format!(
                "unknown programme {programme}; in force: {}",
                codes.join(", ")
            ),
        })
    }

    /// Changes what a draft or returned proposal asks (same kind, same record), on the version
    /// loaded; the entry checks run again. A returned one goes on when it is resubmitted.
    pub async fn revise_proposal(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        content: &ProposalContent,
        note: &str,
    ) -> Result<()> {
        self.check_programme_known(content).await?;
        self.store
            .revise_proposal(actor, id, expected_version, content, note)
            .await
    }

    /// Every proposal about one household and its members the actor may see, oldest first.
    pub async fn proposals_about(
        &self,
        actor: &Actor,
        household: siks_domain::HouseholdId,
    ) -> Result<Vec<Proposal>> {
        self.store.proposals_about(actor, household).await
    }

    /// Takes one step on many proposals at once (all or none), each by the workflow's rules, as
    /// `actor`. A proposal outside the scope is not found; one at another stage, or not this
    /// role's, refuses the whole batch with the reason. The steps that come with a signed paper
    /// are refused here: see `record_musdes`, `sign_sptjm` and `ratify`.
    pub async fn step_proposals(
        &self,
        actor: &Actor,
        ids: &[Uuid],
        step: &Step,
        config: WorkflowConfig,
    ) -> Result<Vec<Stage>> {
        self.store.step_proposals(actor, ids, step, config).await
    }

    /// Proposals in scope at a stage (or all), oldest first: an inbox. Moves into the scope are
    /// listed too.
    pub async fn list_proposals(
        &self,
        actor: &Actor,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<Proposal>> {
        self.store.list_proposals(actor, stage, limit).await
    }

    /// Who and what one proposal in scope concerns, for its page (`None` out of scope).
    pub async fn proposal_subject(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<ProposalSubject>> {
        self.store.proposal_subject(actor, id).await
    }

    /// [`Service::list_proposals`] with who and what each concerns (the household head, masked
    /// NIK, address, the member concerned, a paper still without its scan): what the inbox and
    /// the paper forms show, so that a musdes sees whom it decides on. Audited.
    pub async fn list_proposals_described(
        &self,
        actor: &Actor,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<(Proposal, ProposalSubject)>> {
        self.store
            .list_proposals_described(actor, stage, limit)
            .await
    }

    /// One proposal in scope with its steps, oldest first. Audited (it may hold personal data).
    pub async fn proposal(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<(Proposal, Vec<ProposalStep>)>> {
        self.store.proposal(actor, id).await
    }

    /// The pipeline of `region` (default: the actor's scope): how many proposals stand at each
    /// stage, per child region. Out of scope looks like an empty region.
    pub async fn pipeline(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
    ) -> Result<Vec<PipelineCount>> {
        self.store.pipeline(actor, region).await
    }
}
