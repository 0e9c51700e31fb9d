//! Proposals in the store: a village operator proposes, and each tier moves proposals on (one or
//! hundreds at once) by the rules of `siks_domain::workflow`. Every step is kept with actor, role,
//! time and note, and audited; a proposal outside the actor's scope is not found (a move is also
//! seen, not acted on, by the receiving region). The steps that produce a signed paper (the musdes
//! decision, the SPTJM, the ratification) go through `documents`; the register itself changes
//! only at the period close (`periods`).

use siks_domain::access::Action;
use siks_domain::clock::Stamp;
use siks_domain::workflow::{Backing, ProposalContent, Stage, Step, WorkflowConfig, next_stage};
use siks_domain::{Actor, Bilingual, RegionCode, Regions, Role, UserId};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::documents::backing_key;
use crate::sealing::{FieldKeys, NoteColumn, Sealed};
use crate::sql::{Cells, Tx, with_tx};
use crate::{Result, Store, StoreError};

/// A stored proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: Uuid,
    pub village: RegionCode,
    pub stage: Stage,
    pub content: ProposalContent,
    pub backing: Option<Backing>,
    /// The last return or rejection reason ('' if none).
    pub reason: String,
    pub created_by: String,
    pub created_at: Stamp,
    /// When it last moved: what an inbox counts the waiting time from.
    pub updated_at: Stamp,
    /// The musdes berita acara or SPTJM currently backing it.
    pub document: Option<Uuid>,
    pub version: i64,
}

/// One kept step of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalStep {
    pub step: siks_domain::workflow::StepKind,
    pub from: Stage,
    pub to: Stage,
    pub actor_id: UserId,
    pub actor_role: Role,
    pub at: Stamp,
    pub note: String,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("proposals.{what}"))
}

/// What a proposal asks as stored: sealed, since it may hold a new member's NIK, mother's name
/// and health.
pub(crate) fn seal_content(keys: &FieldKeys, content: &ProposalContent) -> Result<String> {
    Ok(keys.seal_text(Sealed::ProposalContent, &serde_json::to_string(content)?))
}

/// What a proposal asks, from its stored (sealed) text.
pub(crate) fn open_content(keys: &FieldKeys, stored: &str) -> Result<ProposalContent> {
    Ok(serde_json::from_str(
        &keys.open_text(Sealed::ProposalContent, stored)?,
    )?)
}

pub(crate) fn proposal_from_row(row: &impl Cells, keys: &FieldKeys) -> Result<Proposal> {
    Ok(Proposal {
        id: row.text("id")?.parse().map_err(|_| corrupt("id"))?,
        village: RegionCode::parse(&row.text("village_code")?)
            .map_err(|_| corrupt("village_code"))?,
        stage: Stage::parse(&row.text("stage")?).ok_or_else(|| corrupt("stage"))?,
        content: open_content(keys, &row.text("content")?)?,
        backing: match row.opt_text("backing")?.as_deref() {
            Some("musdes") => Some(Backing::Musdes),
            Some("sptjm") => Some(Backing::Sptjm),
            _ => None,
        },
        reason: keys.open_note(NoteColumn::ProposalReason, &row.text("reason")?)?,
        created_by: row.text("created_by")?,
        created_at: crate::sql::stamp(&row.text("created_at")?, "proposals.created_at")?,
        updated_at: crate::sql::stamp(&row.text("updated_at")?, "proposals.updated_at")?,
        document: row
            .opt_text("document_id")?
            .map(|t| t.parse().map_err(|_| corrupt("document_id")))
            .transpose()?,
        version: row.int("version")?,
    })
}

impl Store {
    /// The village a proposal belongs to, checked against the actor's scope: the household's
    /// village (new households: the proposed one).
    /// Whether `propose` would take `content` from `actor` (its scope and rules), without
    /// writing: an all-or-nothing upload checks every row before it writes any.
    pub(crate) async fn check_proposal(
        &self,
        actor: &Actor,
        content: &ProposalContent,
    ) -> Result<()> {
        let mut tx = self.begin_read().await?;
        self.proposal_village(&mut tx, actor, content).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn proposal_village(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        content: &ProposalContent,
    ) -> Result<RegionCode> {
        let village = match content {
            ProposalContent::NewHousehold { household, members } => {
                if members.is_empty() || members.iter().any(|m| m.household_id != household.id) {
                    return Err(StoreError::invalid_text(
                        "rumah tangga baru harus memiliki anggota yang tercatat di rumah tangga itu",
                        "a new household needs members that belong to it",
                    ));
                }
                // New members need well-formed numbers (legacy defects come only by import).
                let mut niks = std::collections::HashSet::new();
                let mut ids = std::collections::HashSet::new();
                for m in members {
                    if let siks_domain::Recorded::Invalid { error, .. } = &m.nik {
                        return Err(StoreError::invalid(error));
                    }
                    if !niks.insert(m.nik.raw()) || !ids.insert(m.id) {
                        return Err(StoreError::invalid_text(
                            format!(
                                "anggota {} tercantum dua kali dalam rumah tangga ini",
                                m.full_name
                            ),
                            "a member is listed twice in this household",
                        ));
                    }
                    self.check_nik_free_in_scope(tx, actor, m).await?;
                }
                let blank = siks_domain::entry::blank_household_as(
                    household.id,
                    household.address.village.clone(),
                );
                refuse_system_field(siks_domain::entry::household_system_field_changed(
                    &blank, household,
                ))?;
                // Photos come to a registered household, by their own upload.
                if !household.evidence.is_empty() {
                    refuse_system_field(Some(siks_domain::entry::SystemField("evidence")))?;
                }
                for m in members {
                    let blank =
                        siks_domain::entry::blank_person_as(m.id, household.id, m.relation_to_head);
                    refuse_system_field(siks_domain::entry::person_system_field_changed(
                        &blank, m,
                    ))?;
                }
                household.address.village.clone()
            }
            ProposalContent::HouseholdCorrection {
                household,
                base_version,
            } => {
                let current = self
                    .fetch_household_for_write(tx, actor, household.id)
                    .await?;
                check_base(*base_version, current.version)?;
                refuse_system_field(siks_domain::entry::household_system_field_changed(
                    &current.record,
                    household,
                ))?;
                if household.address.village != current.record.address.village {
                    return Err(StoreError::invalid_text(
                        "desa/kelurahan tidak diubah dengan perbaikan data; ajukan usulan pindah",
                        "the village is not changed by a correction; propose a move",
                    ));
                }
                for photo in &household.evidence {
                    if !current.record.evidence.contains(photo)
                        && !self.photo_kept(tx, household.id, &photo.sha256).await?
                    {
                        return Err(StoreError::invalid_text(
                            format!(
                                "foto bukti {} belum diunggah untuk rumah tangga ini",
                                siks_domain::Coded::label(photo.kind)
                            ),
                            "an evidence photo was not uploaded for this household",
                        ));
                    }
                }
                if siks_domain::workflow::household_diff(&current.record, household).is_empty() {
                    return Err(nothing_changes());
                }
                current.record.address.village
            }
            ProposalContent::PersonCorrection {
                person,
                base_version,
            } => {
                let (current, village) = self.person_for_write(tx, actor, person.id).await?;
                check_base(*base_version, current.version)?;
                refuse_system_field(siks_domain::entry::person_system_field_changed(
                    &current.record,
                    person,
                ))?;
                if person.household_id != current.record.household_id {
                    return Err(StoreError::invalid_text(
                        "anggota tidak dapat dipindah rumah tangga dengan perbaikan data; ajukan usulan pindah",
                        "a member cannot change household by a correction; propose a move",
                    ));
                }
                if let siks_domain::Recorded::Invalid { error, .. } = &person.nik
                    && person.nik != current.record.nik
                {
                    return Err(StoreError::invalid(error));
                }
                if person.nik != current.record.nik {
                    self.check_nik_free_in_scope(tx, actor, person).await?;
                }
                if siks_domain::workflow::person_diff(&current.record, person).is_empty() {
                    return Err(nothing_changes());
                }
                village
            }
            ProposalContent::MemberJoins { person } => {
                if let siks_domain::Recorded::Invalid { error, .. } = &person.nik {
                    return Err(StoreError::invalid(error));
                }
                self.check_nik_free_in_scope(tx, actor, person).await?;
                let blank = siks_domain::entry::blank_person_as(
                    person.id,
                    person.household_id,
                    person.relation_to_head,
                );
                refuse_system_field(siks_domain::entry::person_system_field_changed(
                    &blank, person,
                ))?;
                let current = self
                    .fetch_household_for_write(tx, actor, person.household_id)
                    .await?;
                if current.record.status != siks_domain::RegistryStatus::Active {
                    return Err(StoreError::invalid_text(
                        "rumah tangga ini sudah tidak aktif; anggota tidak dapat ditambahkan",
                        "this household is no longer active",
                    ));
                }
                current.record.address.village
            }
            other => {
                let current = self
                    .fetch_household_for_write(tx, actor, other.household())
                    .await?;
                if let ProposalContent::Move { to_village, .. } = other
                    && (Regions::embedded().get(to_village).is_none()
                        || to_village.level() != siks_domain::RegionLevel::Village)
                {
                    return Err(StoreError::invalid_text(
                        format!("desa/kelurahan tujuan {to_village} tidak dikenal"),
                        format!("unknown destination village {to_village}"),
                    ));
                }
                if let ProposalContent::Removal {
                    household,
                    person,
                    reason,
                    evidence,
                } = other
                {
                    siks_domain::workflow::check_removal(*reason, evidence.as_deref())
                        .map_err(|refusal| StoreError::invalid(&refusal))?;
                    if let Some(person) = person {
                        let (member, _) = self.person_for_write(tx, actor, *person).await?;
                        if member.record.household_id != *household {
                            return Err(StoreError::NotFound);
                        }
                    }
                }
                current.record.address.village
            }
        };
        if !actor.scope.contains(&village) {
            return Err(StoreError::invalid_text(
                format!(
                    "desa/kelurahan {village} di luar wilayah kerja Anda ({})",
                    actor.scope
                ),
                format!("village {village} is outside your scope ({})", actor.scope),
            ));
        }
        Ok(village)
    }

    /// Enters a proposal as a draft of its village (village operators and admins).
    pub async fn propose(
        &self,
        actor: &Actor,
        content: &ProposalContent,
        note: &str,
    ) -> Result<Uuid> {
        let mut tx = self.begin().await?;
        let id = self.propose_in(&mut tx, actor, content, note).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Enters many proposals as [`Store::propose`] does, in one transaction: all or none.
    pub(crate) async fn propose_all(
        &self,
        actor: &Actor,
        proposals: &[(ProposalContent, String)],
    ) -> Result<Vec<Uuid>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(proposals.len());
        for (content, note) in proposals {
            ids.push(self.propose_in(&mut tx, actor, content, note).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn propose_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        content: &ProposalContent,
        note: &str,
    ) -> Result<Uuid> {
        if !actor.may(Action::WriteRegister)
            || !(actor.role == Role::VillageOperator || actor.role == Role::Admin)
        {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let id = Uuid::now_v7();
        let now = self.now_text();
        let village = self.proposal_village(tx, actor, content).await?;
        self.check_not_entered_twice(tx, content, None).await?;
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO proposals (id, kind, village_code, household_id, person_id, stage, content, \
                 backing, reason, period, created_by, created_at, updated_at, version, to_village_code) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $12, NULL, $8, $9, $10, 1, $11)",
            )
            .bind(id.to_string())
            .bind(i64::from(content.kind().code()))
            .bind(village.to_string())
            .bind(content.household().to_string())
            .bind(content.person().map(|p| p.to_string()))
            .bind(Stage::Draft.key())
            .bind(seal_content(&self.keys(), content)?)
            .bind(actor.user_id.to_string())
            .bind(&now)
            .bind(&now)
            .bind(match content {
                ProposalContent::Move { to_village, .. } => Some(to_village.to_string()),
                _ => None,
            })
            .bind(self.keys().seal_note(NoteColumn::ProposalReason, ""))
            .execute(&mut **c)
            .await?;
        });
        self.keep_step(
            tx,
            actor,
            id,
            siks_domain::workflow::StepKind::Propose,
            Stage::Draft,
            Stage::Draft,
            note,
        )
        .await?;
        audit::append(
            tx,
            actor,
            AuditEvent {
                action: "proposal.create",
                target_kind: "proposal",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: format!("kind={}", content.kind().code()),
            },
        )
        .await?;
        Ok(id)
    }

    /// Refuses a new household (or a joining member) whose id is already in the register or
    /// in another open proposal: the form mints its ids, so a second submit of the same form
    /// enters nothing twice. `revising` is the proposal being revised (not a second entry).
    async fn check_not_entered_twice(
        &self,
        tx: &mut Tx,
        content: &ProposalContent,
        revising: Option<Uuid>,
    ) -> Result<()> {
        let registered = || StoreError::Conflict {
            indonesian: "data ini sudah terdaftar; muat ulang formulir untuk usulan baru".into(),
            english: "this record is already registered".into(),
        };
        let (kind, column, id) = match content {
            ProposalContent::NewHousehold { household, members } => {
                if self
                    .fetch_household_unscoped(tx, household.id)
                    .await?
                    .is_some()
                {
                    return Err(registered());
                }
                for m in members {
                    if self.fetch_person_unscoped(tx, m.id).await?.is_some() {
                        return Err(registered());
                    }
                }
                (content.kind(), "household_id", household.id.to_string())
            }
            ProposalContent::MemberJoins { person } => {
                if self.fetch_person_unscoped(tx, person.id).await?.is_some() {
                    return Err(registered());
                }
                (content.kind(), "person_id", person.id.to_string())
            }
            _ => return Ok(()),
        };
        let sql = format!(
            "SELECT id FROM proposals WHERE {column} = $1 AND kind = $2 AND id <> $3 \
             AND stage NOT IN ('ditolak', 'dibatalkan') LIMIT 1"
        );
        let open: Option<String> = with_tx!(tx, c => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&id)
                .bind(i64::from(kind.code()))
                .bind(revising.map(|r| r.to_string()).unwrap_or_default())
                .fetch_optional(&mut **c)
                .await?
                .map(|r| r.text("id"))
                .transpose()?
        });
        match open {
            Some(_) => Err(StoreError::Conflict {
                indonesian: "data ini sudah diusulkan dan usulannya masih berjalan".into(),
                english: "this was already proposed and the proposal is still open".into(),
            }),
            None => Ok(()),
        }
    }

    /// Changes what a draft or returned proposal asks (the village operator who may enter it,
    /// on the version loaded): same kind, same household; the entry checks run again. The
    /// stage stays: a returned proposal goes on when the village resubmits it.
    pub async fn revise_proposal(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        content: &ProposalContent,
        note: &str,
    ) -> Result<()> {
        if !actor.may(Action::WriteRegister)
            || !(actor.role == Role::VillageOperator || actor.role == Role::Admin)
        {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let mut tx = self.begin().await?;
        let proposal = self
            .fetch_proposal(&mut tx, actor, id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !matches!(proposal.stage, Stage::Draft | Stage::Returned) {
            return Err(StoreError::invalid_text(
                format!(
                    "usulan pada tahap {} tidak dapat diubah; hanya draf atau usulan yang dikembalikan",
                    proposal.stage.label()
                ),
                format!(
                    "a proposal at stage {} cannot be changed",
                    proposal.stage.key()
                ),
            ));
        }
        if proposal.content.kind() != content.kind()
            || proposal.content.household() != content.household()
            || proposal.content.person() != content.person()
        {
            return Err(StoreError::invalid_text(
                "perubahan usulan harus tetap tentang data dan jenis yang sama; buat usulan baru",
                "a revision must keep the proposal's kind and record",
            ));
        }
        let village = self.proposal_village(&mut tx, actor, content).await?;
        self.check_not_entered_twice(&mut tx, content, Some(id))
            .await?;
        let changed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE proposals SET content = $1, updated_at = $2, version = version + 1, \
                 village_code = $5, to_village_code = $6 WHERE id = $3 AND version = $4",
            )
            .bind(seal_content(&self.keys(), content)?)
            .bind(self.now_text())
            .bind(id.to_string())
            .bind(expected_version)
            .bind(village.to_string())
            .bind(match content {
                ProposalContent::Move { to_village, .. } => Some(to_village.to_string()),
                _ => None,
            })
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(StoreError::invalid_text(
                format!("usulan {id} sudah berubah sejak dimuat; muat ulang lalu ulangi"),
                format!("proposal {id} changed since it was loaded; reload and retry"),
            ));
        }
        self.keep_step(
            &mut tx,
            actor,
            id,
            siks_domain::workflow::StepKind::Revise,
            proposal.stage,
            proposal.stage,
            note,
        )
        .await?;
        audit_step(&mut tx, actor, &proposal, "revise", proposal.stage).await?;
        tx.commit().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn keep_step(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        proposal: Uuid,
        step: siks_domain::workflow::StepKind,
        from: Stage,
        to: Stage,
        note: &str,
    ) -> Result<()> {
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO proposal_steps (id, proposal_id, step, from_stage, to_stage, actor_id, actor_role, at, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(Uuid::now_v7().to_string())
            .bind(proposal.to_string())
            .bind(step.key())
            .bind(from.key())
            .bind(to.key())
            .bind(actor.user_id.to_string())
            .bind(actor.role.key())
            .bind(self.now_text())
            .bind(self.keys().seal_note(NoteColumn::StepNote, note))
            .execute(&mut **c)
            .await?;
        });
        Ok(())
    }

    /// A proposal the actor may see (`to_act: false`: also a move into their region) or act on.
    pub(crate) async fn fetch_proposal(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        to_act: bool,
    ) -> Result<Option<Proposal>> {
        let found = with_tx!(tx, c => {
            let row = sqlx::query("SELECT * FROM proposals WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?;
            row.as_ref().map(|r| proposal_from_row(r, &self.keys())).transpose()?
        });
        Ok(found.filter(|p| {
            actor.scope.contains(&p.village)
                || (!to_act
                    && matches!(&p.content, ProposalContent::Move { to_village, .. }
                        if actor.scope.contains(to_village)))
        }))
    }

    /// One proposal in scope with its steps, oldest first. Audited (it may hold personal data).
    pub async fn proposal(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<(Proposal, Vec<ProposalStep>)>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let mut tx = self.begin_read().await?;
        let Some(proposal) = self.fetch_proposal(&mut tx, actor, id, false).await? else {
            return Ok(None);
        };
        let steps = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT * FROM proposal_steps WHERE proposal_id = $1 ORDER BY at, id")
                .bind(id.to_string())
                .fetch_all(&mut **c)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(ProposalStep {
                        step: siks_domain::workflow::StepKind::parse(&r.text("step")?).ok_or_else(|| corrupt("proposal_steps.step"))?,
                        from: Stage::parse(&r.text("from_stage")?).ok_or_else(|| corrupt("from_stage"))?,
                        to: Stage::parse(&r.text("to_stage")?).ok_or_else(|| corrupt("to_stage"))?,
                        actor_id: r.text("actor_id")?.parse().map_err(|_| corrupt("actor_id"))?,
                        actor_role: Role::parse(&r.text("actor_role")?).map_err(|_| corrupt("actor_role"))?,
                        at: crate::sql::stamp(&r.text("at")?, "proposals.at")?,
                        note: self.keys().open_note(NoteColumn::StepNote, &r.text("note")?)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "proposal.view",
                target_kind: "proposal",
                target_id: id.to_string(),
                region_code: proposal.village.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        Ok(Some((proposal, steps)))
    }

    /// Proposals in scope at a stage (or all), oldest first: an inbox. Moves into the scope are
    /// listed too.
    pub async fn list_proposals(
        &self,
        actor: &Actor,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<Proposal>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let (low, high) = actor.scope.village_range();
        let list = crate::sql::with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT * FROM proposals WHERE ((village_code >= $1 AND village_code < $2) \
                 OR (to_village_code >= $1 AND to_village_code < $2)) \
                 AND ($3 = '' OR stage = $3) ORDER BY id LIMIT $4",
            )
            .bind(low)
            .bind(high)
            .bind(stage.map(|s| s.key()).unwrap_or(""))
            .bind(i64::from(limit.clamp(1, 5000)))
            .fetch_all(p)
            .await?;
            rows.iter().map(|r| proposal_from_row(r, &self.keys())).collect::<Result<Vec<_>>>()?
        });
        Ok(list)
    }

    /// Every proposal about one household (and its members) that the actor may see, oldest
    /// first, whatever its stage: the household's and members' pages list them beside the
    /// register's own history. Not audited on its own: it belongs to those pages, whose read of
    /// the household is.
    pub async fn proposals_about(
        &self,
        actor: &Actor,
        household: siks_domain::HouseholdId,
    ) -> Result<Vec<Proposal>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let list = crate::sql::with_pool!(self, p => {
            let rows = sqlx::query("SELECT * FROM proposals WHERE household_id = $1 ORDER BY id")
                .bind(household.to_string())
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| proposal_from_row(r, &self.keys())).collect::<Result<Vec<_>>>()?
        });
        Ok(list
            .into_iter()
            .filter(|p| {
                actor.scope.contains(&p.village)
                    || matches!(&p.content, ProposalContent::Move { to_village, .. }
                        if actor.scope.contains(to_village))
            })
            .collect())
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
        let paper = match step {
            Step::Apply => Some((
                "usulan hanya ditetapkan saat penutupan periode",
                "proposals are applied by the period close only",
            )),
            Step::Submit(Backing::Sptjm) => Some((
                "pengajuan dengan SPTJM dilakukan bersama SPTJM-nya (tanpa musdes)",
                "submitting with an SPTJM is done together with the SPTJM",
            )),
            Step::MusdesDecision { .. } => Some((
                "keputusan musdes dicatat bersama berita acaranya",
                "musdes decisions are recorded with their berita acara",
            )),
            Step::Ratify => Some((
                "pengesahan dilakukan sekaligus sebagai satu daftar pengesahan kabupaten/kota",
                "ratification is done as one numbered list of the regency",
            )),
            _ => None,
        };
        if let Some((indonesian, english)) = paper {
            return Err(StoreError::invalid_text(indonesian, english));
        }
        let mut tx = self.begin().await?;
        let mut stages = Vec::with_capacity(ids.len());
        for id in ids {
            let proposal = self
                .fetch_proposal(&mut tx, actor, *id, true)
                .await?
                .ok_or(StoreError::NotFound)?;
            if matches!(step, Step::Verify) {
                self.check_backing_scanned(&mut tx, &proposal).await?;
            }
            stages.push(
                self.advance(&mut tx, actor, &proposal, step, config, None)
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(stages)
    }

    /// The entry checks again as the village submits: a draft that no longer fits the register
    /// (the record changed since it was made, a NIK was taken meanwhile, the member already left)
    /// cannot leave draft, and says why.
    async fn check_still_fits(&self, tx: &mut Tx, actor: &Actor, p: &Proposal) -> Result<()> {
        let id = p.id;
        let refuse = |indonesian: String, english: String| {
            Err(StoreError::invalid_text(
                format!("usulan {id}: {indonesian}"),
                format!("proposal {id}: {english}"),
            ))
        };
        match &p.content {
            // A NIK held inside the village's own scope is told (the village sees its own
            // register); one held elsewhere is not: that is the regency's finding.
            ProposalContent::NewHousehold { members, .. } => {
                for m in members {
                    if let Err(StoreError::Conflict {
                        indonesian,
                        english,
                    }) = self.check_nik_free_in_scope(tx, actor, m).await
                    {
                        return refuse(indonesian, english);
                    }
                }
            }
            ProposalContent::MemberJoins { person } => {
                if let Err(StoreError::Conflict {
                    indonesian,
                    english,
                }) = self.check_nik_free_in_scope(tx, actor, person).await
                {
                    return refuse(indonesian, english);
                }
            }
            ProposalContent::HouseholdCorrection {
                household,
                base_version,
            } => {
                let now = self
                    .fetch_household_for_write(tx, actor, household.id)
                    .await?;
                if now.version != *base_version {
                    return refuse(
                        format!(
                            "data rumah tangga sudah berubah sejak usulan dibuat (versi {} kini {}); buat usulan baru dari data terbaru",
                            base_version, now.version
                        ),
                        format!(
                            "the household changed since (version {base_version}, now {})",
                            now.version
                        ),
                    );
                }
            }
            ProposalContent::PersonCorrection {
                person,
                base_version,
            } => {
                let (now, _) = self.person_for_write(tx, actor, person.id).await?;
                if now.version != *base_version {
                    return refuse(
                        format!(
                            "data anggota sudah berubah sejak usulan dibuat (versi {} kini {}); buat usulan baru dari data terbaru",
                            base_version, now.version
                        ),
                        format!(
                            "the member changed since (version {base_version}, now {})",
                            now.version
                        ),
                    );
                }
            }
            ProposalContent::Removal {
                person: Some(person),
                ..
            } => {
                let (now, _) = self.person_for_write(tx, actor, *person).await?;
                if now.record.status != siks_domain::RegistryStatus::Active {
                    return refuse(
                        "anggota ini sudah tidak aktif".into(),
                        "this member is no longer active".into(),
                    );
                }
            }
            ProposalContent::Removal {
                household,
                person: None,
                ..
            } => {
                let now = self
                    .fetch_household_for_write(tx, actor, *household)
                    .await?;
                if now.record.status != siks_domain::RegistryStatus::Active {
                    return refuse(
                        "rumah tangga ini sudah tidak aktif".into(),
                        "this household is no longer active".into(),
                    );
                }
            }
            ProposalContent::Move {
                household,
                to_village,
            } => {
                let now = self
                    .fetch_household_for_write(tx, actor, *household)
                    .await?;
                if &now.record.address.village == to_village {
                    return refuse(
                        format!("rumah tangga sudah berada di desa/kelurahan {to_village}"),
                        format!("the household is already in village {to_village}"),
                    );
                }
            }
            ProposalContent::ProgrammeRequest { .. } => {}
        }
        Ok(())
    }

    /// Moves one proposal on by `step` inside the caller's transaction: the rules, the version
    /// check, the kept step and its audit entry. `document` becomes its backing paper.
    pub(crate) async fn advance(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        proposal: &Proposal,
        step: &Step,
        config: WorkflowConfig,
        document: Option<Uuid>,
    ) -> Result<Stage> {
        let id = proposal.id;
        let note = match step {
            Step::Return { reason } | Step::Reject { reason } | Step::Withdraw { reason } => {
                reason.clone()
            }
            Step::MusdesDecision { reason, .. } => reason.clone(),
            _ => String::new(),
        };
        let next = next_stage(proposal.stage, step, actor.role, config, false).map_err(|e| {
            StoreError::invalid_text(
                format!("usulan {id}: {}", e.indonesian()),
                format!("proposal {id}: {}", e.english()),
            )
        })?;
        if matches!(step, Step::Submit(_)) {
            self.check_still_fits(tx, actor, proposal).await?;
        }
        let backing = match step {
            Step::Submit(b) => Some(backing_key(*b)),
            _ => proposal.backing.map(backing_key),
        };
        let reason = if note.is_empty() {
            proposal.reason.clone()
        } else {
            note.clone()
        };
        let changed = with_tx!(tx, c => {
            sqlx::query(
                "UPDATE proposals SET stage = $1, backing = $2, reason = $3, updated_at = $4, version = version + 1, \
                 document_id = COALESCE($5, document_id) WHERE id = $6 AND version = $7",
            )
            .bind(next.key())
            .bind(backing)
            .bind(self.keys().seal_note(NoteColumn::ProposalReason, &reason))
            .bind(self.now_text())
            .bind(document.map(|d| d.to_string()))
            .bind(id.to_string())
            .bind(proposal.version)
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(StoreError::invalid_text(
                format!("usulan {id} sudah berpindah tahap sejak dimuat; muat ulang lalu ulangi"),
                format!("proposal {id} moved on since it was loaded; reload and retry"),
            ));
        }
        self.keep_step(tx, actor, id, step.kind(), proposal.stage, next, &note)
            .await?;
        audit_step(tx, actor, proposal, step.key(), next).await?;
        Ok(next)
    }
}

/// A field only the system sets, refused by name.
fn refuse_system_field(field: Option<siks_domain::entry::SystemField>) -> Result<()> {
    match field {
        Some(field) => Err(StoreError::invalid(&field)),
        None => Ok(()),
    }
}

/// A correction is based on the version the proposer loaded: a later one means someone's
/// change took effect meanwhile, and the proposer must see it first.
fn check_base(base_version: i64, current: i64) -> Result<()> {
    if base_version == current {
        Ok(())
    } else {
        Err(StoreError::Stale {
            expected: base_version,
            current,
        })
    }
}

fn nothing_changes() -> StoreError {
    StoreError::invalid_text(
        "tidak ada kolom yang berubah; usulan perbaikan tidak dibuat",
        "nothing changes; no correction was proposed",
    )
}

/// The audit entry of one step of a proposal (it names the proposal, never its content).
pub(crate) async fn audit_step(
    tx: &mut Tx,
    actor: &Actor,
    proposal: &Proposal,
    step: &str,
    next: Stage,
) -> Result<()> {
    audit::append(
        tx,
        actor,
        AuditEvent {
            action: "proposal.step",
            target_kind: "proposal",
            target_id: proposal.id.to_string(),
            region_code: proposal.village.to_string(),
            detail: format!("{step}:{}->{}", proposal.stage.key(), next.key()),
        },
    )
    .await
}

/// How many proposals stand at one stage in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineCount {
    /// The child region of the region asked for (a village for a district or village).
    pub region: RegionCode,
    pub stage: Stage,
    pub count: u64,
}

impl Store {
    /// The pipeline of `region` (default: the actor's scope): how many proposals stand at each
    /// stage, per child region. Out of scope looks like an empty region.
    pub async fn pipeline(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
    ) -> Result<Vec<PipelineCount>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let scope = match region {
            Some(code) if actor.scope.contains(code) => siks_domain::Scope::Region(code.clone()),
            Some(_) => return Ok(Vec::new()),
            None => actor.scope.clone(),
        };
        self.pipeline_in(&scope).await
    }

    /// The pipeline of a scope already checked.
    pub(crate) async fn pipeline_in(
        &self,
        scope: &siks_domain::Scope,
    ) -> Result<Vec<PipelineCount>> {
        // Code widths per level: "35", "35.23", "35.23.01", "35.23.01.2001".
        let width: i64 = match scope.level() {
            None => 2,
            Some(siks_domain::RegionLevel::Province) => 5,
            Some(siks_domain::RegionLevel::Regency) => 8,
            Some(_) => 13,
        };
        let (low, high) = scope.village_range();
        let counts = crate::sql::with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT SUBSTR(village_code, 1, CAST($3 AS INTEGER)) AS region, stage, COUNT(*) AS n FROM proposals \
                 WHERE village_code >= $1 AND village_code < $2 GROUP BY 1, 2 ORDER BY 1, 2",
            )
            .bind(&low)
            .bind(&high)
            .bind(width)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(PipelineCount {
                        region: RegionCode::parse(&r.text("region")?).map_err(|_| corrupt("village_code"))?,
                        stage: Stage::parse(&r.text("stage")?).ok_or_else(|| corrupt("stage"))?,
                        count: r.int("n")? as u64,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(counts)
    }
}
