//! Citizens' requests (issue 20 item 2; issue 19 item 5): an usul or a sanggah filed on the
//! public side by anyone, a data subject's correction request filed by a data protection
//! officer from the subject's report; the village operator's queue, where each is turned into
//! a proposal or answered; the receipt a citizen follows it by.

use siks_domain::citizen::{RequestContent, RequestKind, RequestStatus, parse_receipt};
use siks_domain::{Actor, HouseholdId, PersonId, RegionCode, RegionLevel, Regions};
use siks_store::{Result, StoreError};
use uuid::Uuid;

pub use siks_store::citizen_requests::{CitizenRequest, NewRequest, ReceiptView};

use crate::Service;

/// A village of the country's region list, or not found (as a village nobody knows would be).
fn known_village(village: &str) -> Result<RegionCode> {
    RegionCode::parse(village.trim())
        .ok()
        .filter(|code| {
            Regions::embedded()
                .get(code)
                .is_some_and(|r| r.level() == RegionLevel::Village)
        })
        .ok_or(StoreError::NotFound)
}

impl Service {
    /// Files an usul or a sanggah from the public side, from `origin` (the citizen's address,
    /// for the audit): its receipt code. A sanggah names a household of the village on the
    /// newest lists; an usul may carry a photo of the house.
    pub async fn file_public_request(
        &self,
        origin: &str,
        kind: RequestKind,
        village: &str,
        household: Option<HouseholdId>,
        content: RequestContent,
        photo: Option<Vec<u8>>,
    ) -> Result<String> {
        if kind == RequestKind::Correction {
            return Err(StoreError::NotFound);
        }
        let village = known_village(village)?;
        let system = self.store.system_actor().await?.from_origin(origin);
        let (_, receipt) = self
            .store
            .file_request(
                &system,
                true,
                NewRequest {
                    kind,
                    village,
                    household: if kind == RequestKind::Sanggah {
                        household
                    } else {
                        None
                    },
                    person: None,
                    content,
                    photo,
                },
            )
            .await?;
        Ok(receipt)
    }

    /// The photo of the house an usul carries, for the village's operator. Audited.
    pub async fn request_photo(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
    ) -> Result<Option<(String, Vec<u8>)>> {
        self.store.request_photo(actor, id).await
    }

    /// Files the correction a data subject asks for, in their village's queue: who asked
    /// (`requester`: the person, or whoever brought it), what is wrong and what is right. Its
    /// receipt code, for the subject to follow.
    pub async fn file_correction_request(
        &self,
        actor: &Actor,
        person: PersonId,
        requester: &str,
        phone: &str,
        reason: &str,
    ) -> Result<String> {
        let found = self
            .store
            .person(actor, person)
            .await?
            .ok_or(StoreError::NotFound)?;
        let village = self
            .store
            .household(actor, found.record.household_id)
            .await?
            .ok_or(StoreError::NotFound)?
            .household
            .record
            .address
            .village
            .clone();
        let (_, receipt) = self
            .store
            .file_request(
                actor,
                false,
                NewRequest {
                    kind: RequestKind::Correction,
                    village,
                    household: Some(found.record.household_id),
                    person: Some(person),
                    content: RequestContent {
                        requester: requester.to_string(),
                        phone: phone.to_string(),
                        subject_name: found.record.full_name.clone(),
                        reason: reason.to_string(),
                        ..RequestContent::default()
                    },
                    photo: None,
                },
            )
            .await?;
        Ok(receipt)
    }

    /// The queue of the actor's villages (`status`: all when none).
    pub async fn requests_in(
        &self,
        actor: &Actor,
        status: Option<RequestStatus>,
    ) -> Result<Vec<CitizenRequest>> {
        self.store.requests_in(actor, status).await
    }

    /// Requests waiting in the actor's villages.
    pub async fn requests_waiting(&self, actor: &Actor) -> Result<i64> {
        self.store.requests_waiting(actor).await
    }

    /// One request in scope.
    pub async fn request(&self, actor: &Actor, id: Uuid) -> Result<Option<CitizenRequest>> {
        self.store.request(actor, id).await
    }

    /// Answers a waiting request without a proposal.
    pub async fn answer_request(&self, actor: &Actor, id: Uuid, answer: &str) -> Result<()> {
        self.store.answer_request(actor, id, answer).await
    }

    /// Marks a waiting request as turned into `proposal`.
    pub async fn mark_request_proposed(
        &self,
        actor: &Actor,
        id: Uuid,
        proposal: Uuid,
    ) -> Result<()> {
        self.store.mark_request_proposed(actor, id, proposal).await
    }

    /// What a receipt code shows (none: not a code given, which a mistyped one looks like).
    pub async fn receipt(&self, typed: &str) -> Result<Option<ReceiptView>> {
        match parse_receipt(typed) {
            Some(code) => self.store.receipt(&code).await,
            None => Ok(None),
        }
    }
}

pub use siks_store::citizen_requests::PublicMatch;

impl Service {
    /// The public check of `name` (a whole name, see `checked_check_name`) in `village` (Cek
    /// Bansos), audited as the system's read
    /// from `origin` with the village and a keyed hash of the name (never the name).
    pub async fn public_check(
        &self,
        origin: &str,
        village: &str,
        name: &str,
    ) -> Result<Vec<PublicMatch>> {
        let village = known_village(village)?;
        let name =
            siks_domain::citizen::checked_check_name(name).map_err(|e| StoreError::Invalid {
                indonesian: siks_domain::Bilingual::indonesian(&e),
                english: siks_domain::Bilingual::english(&e),
            })?;
        let found = self.store.public_check(&village, &name).await?;
        self.store
            .audit_public_check(origin, &village, &name, found.len())
            .await?;
        Ok(found)
    }
}
