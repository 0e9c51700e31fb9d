//! Citizens' requests in their villages' queues (issue 20 item 2, issue 19 item 5): an usul or
//! a sanggah filed on the public side, a data subject's correction request filed by a data
//! protection officer. Each has a receipt code; the village operator turns it into a proposal
//! or answers it. What the citizen wrote is sealed (it holds a NIK), the answer too; the
//! receipt page reads only the kind, the village, the dates, the status, the answer and the
//! proposal's stage.

use siks_domain::access::Action;
use siks_domain::citizen::{RequestContent, RequestKind, RequestStatus, receipt_code};
use siks_domain::clock::Stamp;
use siks_domain::workflow::Stage;
use siks_domain::{Actor, HouseholdId, PersonId, RegionCode, Role};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::sealing::{FieldKeys, NoteColumn, Sealed};
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// A request to file.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub village: RegionCode,
    pub household: Option<HouseholdId>,
    pub person: Option<PersonId>,
    pub content: RequestContent,
    /// An usul's photo of the house (JPEG or PNG bytes), when the citizen added one.
    pub photo: Option<Vec<u8>>,
}

/// A request as the village operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenRequest {
    pub id: Uuid,
    pub receipt: String,
    pub kind: RequestKind,
    pub village: RegionCode,
    pub household: Option<HouseholdId>,
    pub person: Option<PersonId>,
    pub content: RequestContent,
    pub status: RequestStatus,
    pub answer: String,
    pub proposal: Option<Uuid>,
    /// The proposal's stage now (it goes its own way to the close).
    pub proposal_stage: Option<Stage>,
    /// Filed by an officer (a correction) rather than on the public side.
    pub from_officer: bool,
    /// The citizen added a photo of the house ([`Store::request_photo`]).
    pub has_photo: bool,
    pub created_at: Stamp,
    pub updated_at: Stamp,
}

/// What the receipt page shows: nothing the citizen did not know, nothing of anyone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    pub kind: RequestKind,
    pub village: RegionCode,
    pub status: RequestStatus,
    pub answer: String,
    pub proposal_stage: Option<Stage>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
}

/// A queue is read a page at a time.
pub const QUEUE_PAGE: i64 = 200;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("citizen_requests.{what}"))
}

const SELECT: &str = "SELECT r.*, p.stage AS proposal_stage, \
     EXISTS (SELECT 1 FROM citizen_request_photos ph WHERE ph.request_id = r.id) AS has_photo \
     FROM citizen_requests r LEFT JOIN proposals p ON p.id = r.proposal_id";

fn request_from_row(r: &impl Cells, keys: &FieldKeys) -> Result<CitizenRequest> {
    let content: RequestContent =
        serde_json::from_str(&keys.open_text(Sealed::CitizenRequest, &r.text("content")?)?)?;
    Ok(CitizenRequest {
        id: r.text("id")?.parse().map_err(|_| corrupt("id"))?,
        receipt: r.text("receipt")?,
        kind: RequestKind::parse(&r.text("kind")?).ok_or_else(|| corrupt("kind"))?,
        village: RegionCode::parse(&r.text("village_code")?)
            .map_err(|_| corrupt("village_code"))?,
        household: r
            .opt_text("household_id")?
            .map(|t| t.parse().map_err(|_| corrupt("household_id")))
            .transpose()?,
        person: r
            .opt_text("person_id")?
            .map(|t| t.parse().map_err(|_| corrupt("person_id")))
            .transpose()?,
        content,
        status: RequestStatus::parse(&r.text("status")?).ok_or_else(|| corrupt("status"))?,
        answer: keys.open_note(NoteColumn::RequestAnswer, &r.text("answer")?)?,
        proposal: r
            .opt_text("proposal_id")?
            .map(|t| t.parse().map_err(|_| corrupt("proposal_id")))
            .transpose()?,
        proposal_stage: r
            .opt_text("proposal_stage")?
            .map(|s| Stage::parse(&s).ok_or_else(|| corrupt("proposal_stage")))
            .transpose()?,
        from_officer: r.opt_text("filed_by")?.is_some(),
        has_photo: r.flag("has_photo")?,
        created_at: crate::sql::stamp(&r.text("created_at")?, "citizen_requests.created_at")?,
        updated_at: crate::sql::stamp(&r.text("updated_at")?, "citizen_requests.updated_at")?,
    })
}

/// Who works a village's queue: its operator (and an admin above it).
fn may_handle(actor: &Actor) -> Result<()> {
    if actor.may(Action::WriteRegister) && matches!(actor.role, Role::VillageOperator | Role::Admin)
    {
        Ok(())
    } else {
        Err(StoreError::Forbidden(Action::WriteRegister))
    }
}

impl Store {
    /// Files a request in its village's queue; its id and receipt code. On the public side
    /// `actor` is the system's, acting from the citizen's address (`filed_by` stays empty); a
    /// correction is filed by a data protection officer or an admin for a person in their
    /// scope. A sanggah names a household of the village, active and on one of the newest
    /// lists (a recipient); an usul may carry a photo of the house. Audited
    /// (`request.file`, without what it says).
    pub async fn file_request(
        &self,
        actor: &Actor,
        public: bool,
        new: NewRequest,
    ) -> Result<(Uuid, String)> {
        if !actor.scope.contains(&new.village) {
            return Err(StoreError::NotFound);
        }
        match new.kind {
            RequestKind::Correction => {
                if !matches!(actor.role, Role::Dpo | Role::Admin) || public {
                    return Err(StoreError::Forbidden(Action::ReadAudit));
                }
                let person = new.person.ok_or(StoreError::NotFound)?;
                let Some(found) = self.person(actor, person).await? else {
                    return Err(StoreError::NotFound);
                };
                if Some(found.record.household_id) != new.household {
                    return Err(StoreError::NotFound);
                }
            }
            RequestKind::Sanggah => {
                let household = new.household.ok_or(StoreError::NotFound)?;
                // A sanggah objects to a recipient: the household must be on one of the
                // newest lists the public check shows (each programme's newest, as the check
                // reads them). Any other looks the same as no household at all, so a sanggah
                // cannot probe a list the check keeps back.
                let active: Option<String> = with_pool!(self, p => {
                    sqlx::query_scalar(
                        "SELECT h.village_code FROM households h WHERE h.id = $1 AND h.status = 'active' \
                         AND EXISTS (SELECT 1 FROM beneficiary_lists l CROSS JOIN beneficiaries b \
                         WHERE l.public_check = 1 AND l.period = (SELECT MAX(n.period) FROM beneficiary_lists n \
                         WHERE n.code = l.code AND n.period NOT LIKE '-%') \
                         AND b.list_id = l.id AND b.village_code = h.village_code AND b.household_id = h.id)",
                    )
                    .bind(household.to_string())
                    .fetch_optional(p)
                    .await?
                });
                if active.as_deref() != Some(new.village.as_str()) {
                    return Err(StoreError::NotFound);
                }
            }
            RequestKind::Usul => {}
        }
        let photo = match (&new.photo, new.kind) {
            (None, _) => None,
            (Some(bytes), RequestKind::Usul) => {
                Some((crate::photos::check_photo(bytes)?, bytes.as_slice()))
            }
            (Some(_), _) => {
                return Err(StoreError::invalid_text(
                    "foto rumah hanya untuk usulan warga",
                    "a house photo goes with a citizen's usul only",
                ));
            }
        };
        let content = new.content.checked(new.kind).map_err(|e| {
            StoreError::invalid_text(
                siks_domain::Bilingual::indonesian(&e),
                siks_domain::Bilingual::english(&e),
            )
        })?;
        let id = Uuid::now_v7();
        let now = self.now_text();
        let sealed = self
            .keys()
            .seal_text(Sealed::CitizenRequest, &serde_json::to_string(&content)?);
        // A receipt drawn again on the (rare) clash with one already given.
        for _ in 0..5 {
            let receipt = receipt_code(rand::random());
            let mut tx = self.begin().await?;
            let inserted = with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO citizen_requests (id, receipt, kind, village_code, household_id, person_id, \
                     content, status, answer, proposal_id, filed_by, handled_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', NULL, $9, NULL, $10, $10) \
                     ON CONFLICT (receipt) DO NOTHING",
                )
                .bind(id.to_string())
                .bind(&receipt)
                .bind(new.kind.key())
                .bind(new.village.to_string())
                .bind(new.household.map(|h| h.to_string()))
                .bind(new.person.map(|p| p.to_string()))
                .bind(&sealed)
                .bind(RequestStatus::New.key())
                .bind((!public).then(|| actor.user_id.to_string()))
                .bind(&now)
                .execute(&mut **c)
                .await?
                .rows_affected()
            });
            if inserted == 0 {
                continue;
            }
            if let Some((content_type, bytes)) = photo {
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "INSERT INTO citizen_request_photos (request_id, content_type, size_bytes, data) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id.to_string())
                    .bind(content_type)
                    .bind(bytes.len() as i64)
                    .bind(bytes.to_vec())
                    .execute(&mut **c)
                    .await?;
                });
            }
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action: "request.file",
                    target_kind: "request",
                    target_id: id.to_string(),
                    region_code: new.village.to_string(),
                    detail: format!(
                        "kind={} channel={}",
                        new.kind.key(),
                        if public { "public" } else { "officer" }
                    ),
                },
            )
            .await?;
            tx.commit().await?;
            return Ok((id, receipt));
        }
        Err(StoreError::Corrupt("citizen_requests.receipt".into()))
    }

    /// The queue of the actor's villages: `status` (all when none), a page; the waiting ones
    /// oldest first.
    pub async fn requests_in(
        &self,
        actor: &Actor,
        status: Option<RequestStatus>,
    ) -> Result<Vec<CitizenRequest>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let (low, high) = actor.scope.village_range();
        // Those waiting, oldest first (none is pushed off the page by newer ones); the
        // handled ones newest first.
        let order = if status == Some(RequestStatus::New) {
            "r.created_at, r.id"
        } else {
            "r.created_at DESC, r.id"
        };
        let sql = format!(
            "{SELECT} WHERE r.village_code >= $1 AND r.village_code < $2 AND ($3 = '' OR r.status = $3) \
             ORDER BY {order} LIMIT {QUEUE_PAGE}"
        );
        let keys = self.keys();
        let listed = with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(low)
                .bind(high)
                .bind(status.map_or("", RequestStatus::key))
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| request_from_row(r, &keys))
                .collect::<Result<Vec<_>>>()?
        });
        if !listed.is_empty() {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "request.list",
                    target_kind: "request",
                    target_id: String::new(),
                    region_code: actor.scope.key(),
                    detail: format!("rows={}", listed.len()),
                },
            )
            .await?;
        }
        Ok(listed)
    }

    /// Requests waiting in the actor's villages (for the dashboard and the menu).
    pub async fn requests_waiting(&self, actor: &Actor) -> Result<i64> {
        let (low, high) = actor.scope.village_range();
        Ok(with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM citizen_requests WHERE village_code >= $1 AND village_code < $2 \
                 AND status = 'baru'",
            )
            .bind(low)
            .bind(high)
            .fetch_one(p)
            .await?
        }))
    }

    /// One request in scope (audited: it names a person).
    pub async fn request(&self, actor: &Actor, id: Uuid) -> Result<Option<CitizenRequest>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let keys = self.keys();
        let found = with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| request_from_row(&r, &keys))
                .transpose()?
        })
        .filter(|r| actor.scope.contains(&r.village));
        if let Some(request) = &found {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "request.view",
                    target_kind: "request",
                    target_id: id.to_string(),
                    region_code: request.village.to_string(),
                    detail: format!("kind={}", request.kind.key()),
                },
            )
            .await?;
        }
        Ok(found)
    }

    /// The photo of the house an usul carries (content type, bytes), for whom may see the
    /// request: the village's scope. Audited as a view.
    pub async fn request_photo(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<(String, Vec<u8>)>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let found = with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT r.village_code, ph.content_type, ph.data FROM citizen_request_photos ph \
                 JOIN citizen_requests r ON r.id = ph.request_id WHERE ph.request_id = $1",
            )
            .bind(id.to_string())
            .fetch_optional(p)
            .await?;
            match row {
                Some(r) => {
                    use sqlx::Row;
                    Some((r.text("village_code")?, r.text("content_type")?, r.try_get::<Vec<u8>, _>("data")?))
                }
                None => None,
            }
        });
        let Some((village, content_type, data)) = found else {
            return Ok(None);
        };
        let in_scope = RegionCode::parse(&village)
            .map(|v| actor.scope.contains(&v))
            .unwrap_or(false);
        if !in_scope {
            return Ok(None);
        }
        self.audit_view(
            actor,
            AuditEvent {
                action: "request.photo_view",
                target_kind: "request",
                target_id: id.to_string(),
                region_code: village,
                detail: String::new(),
            },
        )
        .await?;
        Ok(Some((content_type, data)))
    }

    /// Answers a waiting request without a proposal, with the reason the citizen will read.
    pub async fn answer_request(&self, actor: &Actor, id: Uuid, answer: &str) -> Result<()> {
        may_handle(actor)?;
        let answer = answer.trim();
        if answer.chars().count() < 10 || answer.chars().count() > 1_000 {
            return Err(StoreError::invalid_text(
                "jawaban untuk warga wajib diisi, 10 sampai 1.000 huruf",
                "the answer to the citizen is required, 10 to 1,000 characters",
            ));
        }
        self.settle_request(
            actor,
            id,
            RequestStatus::Answered,
            answer,
            None,
            "request.answer",
        )
        .await
    }

    /// Marks a waiting request as turned into `proposal` (entered from it just now).
    pub async fn mark_request_proposed(
        &self,
        actor: &Actor,
        id: Uuid,
        proposal: Uuid,
    ) -> Result<()> {
        may_handle(actor)?;
        self.settle_request(
            actor,
            id,
            RequestStatus::Proposed,
            "",
            Some(proposal),
            "request.propose",
        )
        .await
    }

    async fn settle_request(
        &self,
        actor: &Actor,
        id: Uuid,
        status: RequestStatus,
        answer: &str,
        proposal: Option<Uuid>,
        action: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let village: Option<String> = with_tx!(&mut tx, c => {
            sqlx::query_scalar("SELECT village_code FROM citizen_requests WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?
        });
        let village = village
            .and_then(|v| RegionCode::parse(&v).ok())
            .filter(|v| actor.scope.contains(v))
            .ok_or(StoreError::NotFound)?;
        if let Some(proposal) = proposal {
            let of: Option<String> = with_tx!(&mut tx, c => {
                sqlx::query_scalar("SELECT village_code FROM proposals WHERE id = $1")
                    .bind(proposal.to_string())
                    .fetch_optional(&mut **c)
                    .await?
            });
            if of.as_deref() != Some(village.as_str()) {
                return Err(StoreError::NotFound);
            }
        }
        let changed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE citizen_requests SET status = $1, answer = $2, proposal_id = $3, handled_by = $4, \
                 updated_at = $5 WHERE id = $6 AND status = 'baru'",
            )
            .bind(status.key())
            .bind(self.keys().seal_note(NoteColumn::RequestAnswer, answer))
            .bind(proposal.map(|p| p.to_string()))
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .bind(id.to_string())
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(StoreError::invalid_text(
                "permintaan ini sudah ditangani; muat ulang halaman",
                "this request was already handled; reload the page",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action,
                target_kind: "request",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: proposal.map_or(String::new(), |p| format!("proposal={p}")),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the receipt page shows for a code (none: no such code). Not audited here: the
    /// public side audits its own reads.
    pub async fn receipt(&self, receipt: &str) -> Result<Option<ReceiptView>> {
        let keys = self.keys();
        Ok(with_pool!(self, p => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.receipt = $1")))
                .bind(receipt)
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<ReceiptView> {
                    let request = request_from_row(&r, &keys)?;
                    Ok(ReceiptView {
                        kind: request.kind,
                        village: request.village,
                        status: request.status,
                        answer: request.answer,
                        proposal_stage: request.proposal_stage,
                        created_at: request.created_at,
                        updated_at: request.updated_at,
                    })
                })
                .transpose()?
        }))
    }
}

/// One person the public check found: what the ministry's own page shows, no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMatch {
    /// The name as registered (the page masks it).
    pub full_name: String,
    /// The household, for a sanggah against it (an opaque id, no data).
    pub household: HouseholdId,
    /// The household's national desil (none: not ranked yet).
    pub desil: Option<u8>,
    /// Per programme with a list: its code, the list's period, and whether this person (or
    /// their household, for a programme that counts households) is on it.
    pub programmes: Vec<(String, String, bool)>,
}

/// The most the public check lists for one name in one village.
pub const PUBLIC_MATCHES: i64 = 20;

impl Store {
    /// The system's account acting from `origin` for the public side: read once (it never
    /// changes; the public check asks for it at every query).
    pub async fn public_actor(&self, origin: &str) -> Result<Actor> {
        if let Some(actor) = self.public_actor.get() {
            return Ok(actor.clone().from_origin(origin));
        }
        let actor = self.system_actor().await?;
        let _ = self.public_actor.set(actor.clone());
        Ok(actor.from_origin(origin))
    }

    /// Audits one public check as the system's read from `origin`: the village, a keyed hash
    /// of the normalised name (the same name asked again shows, never the name), the count.
    pub async fn audit_public_check(
        &self,
        origin: &str,
        village: &RegionCode,
        name: &str,
        found: usize,
    ) -> Result<()> {
        let system = self.public_actor(origin).await?;
        let term = self.audit_term("name", &siks_domain::search::name_key(name));
        self.audit_view(
            &system,
            AuditEvent {
                action: "public.check",
                target_kind: "region",
                target_id: village.to_string(),
                region_code: village.to_string(),
                detail: format!("name={term} found={found}"),
            },
        )
        .await
    }

    /// The public check (Cek Bansos): the registered, active persons of `village` whose name
    /// is `name` (compared as search compares names, whole: never a prefix), each with the
    /// household's desil and, per programme, whether they are on its newest list. Not audited
    /// here: the public side audits each query with a keyed hash of the name.
    pub async fn public_check(&self, village: &RegionCode, name: &str) -> Result<Vec<PublicMatch>> {
        let key = siks_domain::search::name_key(name);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let persons = sqlx::query(
                "SELECT pr.id, pr.full_name, pr.household_id, h.desil FROM persons pr \
                 JOIN households h ON h.id = pr.household_id \
                 WHERE pr.village_code = $2 AND pr.name_key = $1 AND pr.status = 'active' \
                 AND h.status = 'active' ORDER BY pr.id LIMIT $3",
            )
            .bind(&key)
            .bind(village.to_string())
            .bind(PUBLIC_MATCHES)
            // The village and the name: its own index (migration 32) holds just the matches,
            // however many share the name in the regency.
            .fetch_all(p)
            .await?;
            if persons.is_empty() {
                return Ok(Vec::new());
            }
            // Per match, each programme's newest list and whether the person (or, for a
            // programme of households and families, the household) is on it, in one query:
            // looked up by list and village (the lists' own index: a household is never looked
            // up alone, see migration 12).
            let on_lists = "SELECT l.code, l.period, EXISTS (SELECT 1 FROM beneficiaries b \
                 WHERE b.list_id = l.id AND b.village_code = $1 AND b.household_id = $2 \
                 AND (b.person_ids IS NULL OR b.person_ids = '' \
                 OR (' ' || b.person_ids || ' ') LIKE ('% ' || $3 || ' %'))) AS on_list \
                 FROM beneficiary_lists l WHERE l.public_check = 1 AND l.period = \
                 (SELECT MAX(n.period) FROM beneficiary_lists n WHERE n.code = l.code \
                 AND n.period NOT LIKE '-%') ORDER BY l.code";
            let mut found = Vec::with_capacity(persons.len());
            for person in &persons {
                let household: HouseholdId =
                    person.text("household_id")?.parse().map_err(|_| corrupt("household_id"))?;
                let person_id = person.text("id")?;
                let rows = sqlx::query(on_lists)
                    .bind(village.to_string())
                    .bind(household.to_string())
                    .bind(person_id.clone())
                    .fetch_all(p)
                    .await?;
                let programmes = rows
                    .iter()
                    .map(|l| -> Result<(String, String, bool)> {
                        Ok((l.text("code")?, l.text("period")?, l.flag("on_list")?))
                    })
                    .collect::<Result<Vec<_>>>()?;
                found.push(PublicMatch {
                    full_name: person.text("full_name")?,
                    household,
                    desil: person.opt_int("desil")?.and_then(|d| u8::try_from(d).ok()),
                    programmes,
                });
            }
            Ok(found)
        })
    }
}
