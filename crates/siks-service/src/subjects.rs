//! The data subject's report (UU 27/2022 Pasal 32: the data "beserta rekam jejak pemrosesan"):
//! for one NIK, the person's data, their household as they may see it (the other members by
//! name and relation only, Pasal 33), every kept change of their record and their household's,
//! every proposal about the household, and every audited processing of the person or the
//! household (who viewed, changed or proposed, when, from where). An admin's act, within its
//! scope; each read it makes is audited as a view.

use siks_domain::access::Action;
use siks_domain::subject::{CoMember, co_member};
use siks_domain::{Actor, Household, Nik, Person};
use siks_store::{
    AuditEntry, HistoryEntry, HouseholdFilter, Result, StoreError, Versioned, proposals::Proposal,
};

use crate::Service;

/// Audited processings read per record: a record viewed more often than this in its life shows
/// the newest ones.
pub const PROCESSING_KEPT: u32 = 5_000;

/// What the subject's report holds.
#[derive(Debug, Clone)]
pub struct SubjectReport {
    pub person: Versioned<Person>,
    pub household: Versioned<Household>,
    pub co_members: Vec<CoMember>,
    /// The household's changes and the person's own, oldest first.
    pub history: Vec<HistoryEntry>,
    pub proposals: Vec<Proposal>,
    /// Audit entries about the person or the household, newest first.
    pub processing: Vec<AuditEntry>,
}

impl Service {
    /// The report for the person holding `nik` in the actor's scope (`None`: no such person
    /// there, which is what a person elsewhere looks like too).
    pub async fn subject_report(&self, actor: &Actor, nik: &Nik) -> Result<Option<SubjectReport>> {
        if !actor.role.answers_data_subjects() {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        let filter = HouseholdFilter {
            search: Some(siks_domain::search::SearchQuery::IdNumber(nik.to_string())),
            limit: 20,
            ..HouseholdFilter::default()
        };
        for found in self.store.list_households(actor, &filter).await? {
            let Some(view) = self.store.household(actor, found.id).await? else {
                continue;
            };
            let Some(person) = view
                .members
                .iter()
                .find(|m| m.record.nik.raw() == nik.to_string())
                .cloned()
            else {
                continue;
            };
            let co_members = view
                .members
                .iter()
                .filter(|m| m.record.id != person.record.id)
                .map(|m| co_member(&m.record))
                .collect();
            let household_id = view.household.record.id;
            let history = self
                .store
                .household_history(actor, household_id, &[person.record.id])
                .await?;
            let proposals = self.store.proposals_about(actor, household_id).await?;
            let mut processing = Vec::new();
            for id in [person.record.id.to_string(), household_id.to_string()] {
                processing.extend(
                    self.store
                        .audit_entries(actor, Some(&id), PROCESSING_KEPT)
                        .await?,
                );
            }
            processing.sort_by_key(|e| std::cmp::Reverse(e.seq));
            return Ok(Some(SubjectReport {
                person,
                household: view.household,
                co_members,
                history,
                proposals,
                processing,
            }));
        }
        Ok(None)
    }
}
