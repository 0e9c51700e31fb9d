//! The signed papers of the way up, kept with the steps they carry: a musdes berita acara (its
//! meeting details and a decision per proposal), an SPTJM (the village head's statement when no
//! musdes was held), and a regency's numbered ratification list. Each paper keeps its numbered
//! rows as signed, so a proposal that comes round again lands on a new paper and the old one is
//! unchanged. The signed scan of a village paper may follow its decisions; the regency verifies
//! nothing backed by a paper without its scan.

use siks_domain::clock::Stamp;
use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use siks_domain::access::Action;
use siks_domain::documents::{BackingDocument, masked_number, ratification_number};
use siks_domain::workflow::{
    Asked, Backing, ProposalContent, ProposalKind, Stage, Step, WorkflowConfig,
};
use siks_domain::{Actor, RegionCode, RegionLevel, Regions, Role};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::proposals::{Proposal, proposal_from_row};
use crate::sealing::NoteColumn;
use crate::sql::{Cells, Tx, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// The largest scan kept (a few pages photographed or scanned to PDF).
pub const MAX_SCAN_BYTES: usize = 4 * 1024 * 1024;

/// The scan types accepted, told by their first bytes.
pub fn scan_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        crate::photos::image_type(bytes)
    }
}

/// What the musdes decided about one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MusdesDecision {
    pub proposal: Uuid,
    pub approved: bool,
    /// Why it was not approved ('' when approved).
    pub reason: String,
}

/// One numbered row of a paper: who and what, with the subject's NIK masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRow {
    pub row: i64,
    pub proposal: Uuid,
    pub kind: ProposalKind,
    /// The person the proposal is about (the head, for a whole household).
    pub name: String,
    pub nik_masked: String,
    pub address: String,
    pub village: RegionCode,
    pub approved: bool,
    pub note: String,
}

/// A musdes berita acara or an SPTJM with its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct VillageDocument {
    pub id: Uuid,
    pub details: BackingDocument,
    pub scan_type: Option<String>,
    pub scan_sha256: Option<String>,
    pub created_by: String,
    pub created_at: Stamp,
    pub rows: Vec<PaperRow>,
}

/// A regency's numbered ratification list with its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratification {
    pub id: Uuid,
    pub regency: RegionCode,
    pub number: String,
    /// The name of the account that ratified (its display name, as it signs).
    pub ratified_by: String,
    pub ratified_at: Stamp,
    pub rows: Vec<PaperRow>,
}

/// Who and what a proposal concerns, as the inbox and the paper forms show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSubject {
    /// The household head's name (as proposed, for a new household).
    pub head_name: String,
    /// The head's NIK with its middle digits hidden.
    pub head_nik_masked: String,
    /// Street, RT/RW and village.
    pub address: String,
    /// The member a member-level proposal concerns (a correction or removal of one member).
    pub member: Option<String>,
    /// Whether the paper backing it (berita acara or SPTJM) still lacks its signed scan.
    pub scan_missing: bool,
    /// What it asks: the fields a correction changes (old → new), the reason of a removal, the
    /// destination of a move, the programme requested, the member who joins.
    pub what: Asked,
    /// For the tiers above the village only: NIKs it would enter that an active person of the
    /// register already holds, with where (the regency's finding; never shown to a village,
    /// so that a draft does not reveal who is registered elsewhere).
    pub clashes: Vec<String>,
}

/// Whom a proposal concerns, unmasked (the store's own; see [`ProposalSubject`]).
struct Who {
    head_name: String,
    head_nik: String,
    address: String,
    /// The member a member-level proposal names: name and NIK.
    member: Option<(String, String)>,
}

/// A paper in a list: enough to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperSummary {
    pub id: Uuid,
    /// `musdes`, `sptjm` or `pengesahan`.
    pub kind: String,
    pub region: RegionCode,
    /// The meeting or signing day, or the ratification number.
    pub title: String,
    pub created_at: Stamp,
    pub rows: i64,
    pub scanned: bool,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("documents.{what}"))
}

/// Today in the village's own time zone: a musdes held "today" in Papua is not in the future.
fn today_in(now: chrono::DateTime<Utc>, village: &RegionCode) -> NaiveDate {
    (now.naive_utc() + Duration::hours(i64::from(village.time_zone().offset_hours()))).date()
}

fn check_scan(bytes: &[u8]) -> Result<(&'static str, String)> {
    if bytes.len() > MAX_SCAN_BYTES {
        return Err(StoreError::invalid_text(
            format!(
                "pindaian terlalu besar ({} KiB; paling besar {} KiB)",
                bytes.len() / 1024,
                MAX_SCAN_BYTES / 1024
            ),
            format!(
                "scan too large ({} KiB; at most {} KiB)",
                bytes.len() / 1024,
                MAX_SCAN_BYTES / 1024
            ),
        ));
    }
    let kind = scan_type(bytes).ok_or_else(|| {
        StoreError::invalid_text(
            "berkas pindaian harus PDF, JPEG atau PNG",
            "the scan must be a PDF, JPEG or PNG file",
        )
    })?;
    let sha: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((kind, sha))
}

fn proposals_listed(ids: impl Iterator<Item = Uuid>) -> Result<Vec<Uuid>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(StoreError::invalid_text(
                format!("usulan {id} tercantum dua kali"),
                format!("proposal {id} is listed twice"),
            ));
        }
        out.push(id);
    }
    if out.is_empty() {
        return Err(StoreError::invalid_text(
            "pilih paling sedikit satu usulan",
            "choose at least one proposal",
        ));
    }
    Ok(out)
}

impl Store {
    /// Checks a village paper's details and that the actor keeps that village's proposals.
    fn check_village_paper(
        &self,
        actor: &Actor,
        details: BackingDocument,
        kind: Backing,
    ) -> Result<BackingDocument> {
        if !actor.may(Action::WriteRegister)
            || !matches!(actor.role, Role::VillageOperator | Role::Admin)
        {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        if details.kind != kind {
            return Err(StoreError::invalid_text(
                "jenis dokumen tidak sesuai",
                "wrong kind of document",
            ));
        }
        let village = details.village.clone();
        if village.level() != RegionLevel::Village || Regions::embedded().get(&village).is_none() {
            return Err(StoreError::invalid_text(
                format!("desa/kelurahan {village} tidak dikenal"),
                format!("unknown village {village}"),
            ));
        }
        if !actor.scope.contains(&village) {
            return Err(StoreError::NotFound);
        }
        details
            .checked(today_in(self.now(), &village))
            .map_err(|e| StoreError::invalid(&e))
    }

    async fn insert_village_paper(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        details: &BackingDocument,
        scan: Option<&[u8]>,
    ) -> Result<Uuid> {
        let scan = scan.map(|b| check_scan(b).map(|(t, sha)| (t, sha, b)));
        let scan = scan.transpose()?;
        let id = Uuid::now_v7();
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO village_documents (id, kind, village_code, held_on, place, attendees, chair, \
                 chair_title, scan_type, scan_sha256, scan, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(id.to_string())
            .bind(backing_key(details.kind))
            .bind(details.village.to_string())
            .bind(details.held_on.to_string())
            .bind(&details.place)
            .bind(i64::from(details.attendees))
            .bind(&details.chair)
            .bind(&details.chair_title)
            .bind(scan.as_ref().map(|s| s.0))
            .bind(scan.as_ref().map(|s| s.1.clone()))
            .bind(scan.as_ref().map(|s| s.2.to_vec()))
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            tx,
            actor,
            AuditEvent {
                action: "document.create",
                target_kind: backing_key(details.kind),
                target_id: id.to_string(),
                region_code: details.village.to_string(),
                detail: format!("scan={}", scan.is_some()),
            },
        )
        .await?;
        Ok(id)
    }

    async fn keep_paper_row(
        &self,
        tx: &mut Tx,
        paper: Uuid,
        row: usize,
        proposal: Uuid,
        approved: bool,
        note: &str,
    ) -> Result<()> {
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO document_rows (document_id, row_no, proposal_id, approved, note) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(paper.to_string())
            .bind(row as i64 + 1)
            .bind(proposal.to_string())
            .bind(approved)
            .bind(self.keys().seal_note(NoteColumn::PaperRowNote, note))
            .execute(&mut **c)
            .await?;
        });
        Ok(())
    }

    /// A proposal of `village` the actor may act on.
    async fn village_proposal(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        village: &RegionCode,
    ) -> Result<Proposal> {
        let p = self
            .fetch_proposal(tx, actor, id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if &p.village != village {
            return Err(StoreError::invalid_text(
                format!("usulan {id} bukan usulan desa/kelurahan {village}"),
                format!("proposal {id} is not village {village}'s"),
            ));
        }
        Ok(p)
    }

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
        let details = self.check_village_paper(actor, details, Backing::Musdes)?;
        proposals_listed(decisions.iter().map(|d| d.proposal))?;
        let mut tx = self.begin().await?;
        let id = self
            .insert_village_paper(&mut tx, actor, &details, scan)
            .await?;
        for (row, d) in decisions.iter().enumerate() {
            let p = self
                .village_proposal(&mut tx, actor, d.proposal, &details.village)
                .await?;
            let step = Step::MusdesDecision {
                approved: d.approved,
                reason: d.reason.trim().to_string(),
            };
            self.advance(&mut tx, actor, &p, &step, config, Some(id))
                .await?;
            self.keep_paper_row(&mut tx, id, row, p.id, d.approved, &d.reason)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
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
        let details = self.check_village_paper(actor, details, Backing::Sptjm)?;
        let ids = proposals_listed(proposals.iter().copied())?;
        let mut tx = self.begin().await?;
        let id = self
            .insert_village_paper(&mut tx, actor, &details, scan)
            .await?;
        for (row, pid) in ids.into_iter().enumerate() {
            let p = self
                .village_proposal(&mut tx, actor, pid, &details.village)
                .await?;
            self.advance(
                &mut tx,
                actor,
                &p,
                &Step::Submit(Backing::Sptjm),
                config,
                Some(id),
            )
            .await?;
            self.keep_paper_row(&mut tx, id, row, p.id, true, "")
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Attaches (or, while the regency has verified nothing it backs, replaces) the signed scan
    /// of a village paper.
    pub async fn attach_scan(&self, actor: &Actor, document: Uuid, bytes: &[u8]) -> Result<()> {
        if !actor.may(Action::WriteRegister)
            || !matches!(actor.role, Role::VillageOperator | Role::Admin)
        {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let (kind, sha) = check_scan(bytes)?;
        let mut tx = self.begin().await?;
        let (village, moved_on): (RegionCode, i64) = with_tx!(&mut tx, c => {
            let row = sqlx::query(
                "SELECT d.village_code, (SELECT COUNT(*) FROM document_rows r JOIN proposals p ON p.id = r.proposal_id \
                   WHERE r.document_id = d.id AND p.document_id = d.id AND p.stage NOT IN ($2, $3, $4, $5, $6, $7)) AS moved_on \
                 FROM village_documents d WHERE d.id = $1",
            )
            .bind(document.to_string())
            .bind(Stage::Draft.key())
            .bind(Stage::Musdes.key())
            .bind(Stage::RegencyVerification.key())
            .bind(Stage::Returned.key())
            .bind(Stage::Rejected.key())
            .bind(Stage::Withdrawn.key())
            .fetch_optional(&mut **c)
            .await?
            .ok_or(StoreError::NotFound)?;
            (
                RegionCode::parse(&row.text("village_code")?).map_err(|_| corrupt("village_code"))?,
                row.int("moved_on")?,
            )
        });
        if !actor.scope.contains(&village) {
            return Err(StoreError::NotFound);
        }
        if moved_on > 0 {
            return Err(StoreError::invalid_text(
                format!(
                    "pindaian tidak dapat diganti: {moved_on} usulan yang didukungnya sudah diverifikasi kabupaten/kota"
                ),
                format!(
                    "the scan cannot be replaced: the regency verified {moved_on} proposals it backs"
                ),
            ));
        }
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE village_documents SET scan_type = $1, scan_sha256 = $2, scan = $3 WHERE id = $4")
                .bind(kind)
                .bind(&sha)
                .bind(bytes)
                .bind(document.to_string())
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "document.scan",
                target_kind: "document",
                target_id: document.to_string(),
                region_code: village.to_string(),
                detail: format!("sha256={sha}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refuses to verify a proposal whose backing paper has no signed scan yet.
    pub(crate) async fn check_backing_scanned(&self, tx: &mut Tx, p: &Proposal) -> Result<()> {
        let scanned = match p.document {
            None => false,
            Some(doc) => with_tx!(tx, c => {
                sqlx::query("SELECT scan_type FROM village_documents WHERE id = $1")
                    .bind(doc.to_string())
                    .fetch_optional(&mut **c)
                    .await?
                    .map(|r| r.opt_text("scan_type"))
                    .transpose()?
                    .flatten()
                    .is_some()
            }),
        };
        if scanned {
            return Ok(());
        }
        let paper = match p.backing {
            Some(Backing::Sptjm) => "SPTJM",
            _ => "berita acara musdes",
        };
        Err(StoreError::invalid_text(
            format!(
                "usulan {}: pindaian {paper} yang ditandatangani belum diunggah desa/kelurahan",
                p.id
            ),
            format!(
                "proposal {}: the village has not uploaded the signed scan of its backing paper",
                p.id
            ),
        ))
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
        // Ratifying moves proposals on; it does not write the register itself.
        if !matches!(actor.role, Role::Ratifier | Role::Admin) {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        if regency.level() != RegionLevel::Regency || !actor.scope.contains(regency) {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin().await?;
        let (low, high) = regency.village_range();
        let mut waiting: Vec<Proposal> = match ids {
            Some(ids) => {
                let mut list = Vec::with_capacity(ids.len());
                for id in proposals_listed(ids.iter().copied())? {
                    let p = self
                        .fetch_proposal(&mut tx, actor, id, true)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    if !regency.contains(&p.village) {
                        return Err(StoreError::invalid_text(
                            format!("usulan {id} bukan usulan kabupaten/kota {regency}"),
                            format!("proposal {id} is not regency {regency}'s"),
                        ));
                    }
                    list.push(p);
                }
                list
            }
            None => with_tx!(&mut tx, c => {
                let rows = sqlx::query(
                    "SELECT * FROM proposals WHERE stage = $1 AND village_code >= $2 AND village_code < $3",
                )
                .bind(Stage::Ratification.key())
                .bind(&low)
                .bind(&high)
                .fetch_all(&mut **c)
                .await?;
                rows.iter().map(|r| proposal_from_row(r, &self.keys())).collect::<Result<Vec<_>>>()?
            }),
        };
        if waiting.is_empty() {
            return Err(StoreError::invalid_text(
                format!("tidak ada usulan kabupaten/kota {regency} yang menunggu pengesahan"),
                format!("no proposal of regency {regency} waits for ratification"),
            ));
        }
        // Numbered by village, then by when each was proposed: the order a reader checks by.
        waiting.sort_by(|a, b| (&a.village, a.id).cmp(&(&b.village, b.id)));
        let seq: i64 = with_tx!(&mut tx, c => {
            sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM ratifications WHERE regency_code = $1")
                .bind(regency.to_string())
                .fetch_one(&mut **c)
                .await?
                .int("next")?
        });
        let id = Uuid::now_v7();
        let year = today_in(self.now(), regency).year();
        let number = ratification_number(regency, year, seq);
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO ratifications (id, regency_code, seq, number, proposals, ratified_by, ratified_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.to_string())
            .bind(regency.to_string())
            .bind(seq)
            .bind(&number)
            .bind(waiting.len() as i64)
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
        });
        for (row, p) in waiting.iter().enumerate() {
            self.advance(&mut tx, actor, p, &Step::Ratify, config, None)
                .await?;
            self.keep_paper_row(&mut tx, id, row, p.id, true, "")
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "ratification.create",
                target_kind: "ratification",
                target_id: id.to_string(),
                region_code: regency.to_string(),
                detail: format!("number={number} proposals={}", waiting.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The rows of a paper, as signed.
    async fn paper_rows(&self, tx: &mut Tx, paper: Uuid) -> Result<Vec<PaperRow>> {
        let listed: Vec<(i64, bool, String, Proposal)> = with_tx!(tx, c => {
            let rows = sqlx::query(
                "SELECT r.row_no, r.approved, r.note AS row_note, p.* FROM document_rows r \
                 JOIN proposals p ON p.id = r.proposal_id WHERE r.document_id = $1 ORDER BY r.row_no",
            )
            .bind(paper.to_string())
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| Ok((r.int("row_no")?, r.flag("approved")?, self.keys().open_note(NoteColumn::PaperRowNote, &r.text("row_note")?)?, proposal_from_row(r, &self.keys())?)))
                .collect::<Result<Vec<_>>>()?
        });
        let mut out = Vec::with_capacity(listed.len());
        for (row, approved, note, p) in listed {
            // A paper row names the member it concerns, else the head.
            let who = self.who(tx, &p).await?;
            let (name, nik) = who.member.unwrap_or((who.head_name, who.head_nik));
            out.push(PaperRow {
                row,
                proposal: p.id,
                kind: p.content.kind(),
                name,
                nik_masked: masked_number(&nik),
                address: who.address,
                village: p.village.clone(),
                approved,
                note,
            });
        }
        Ok(out)
    }

    /// Whom a proposal concerns, as the register holds them: the household head (as proposed,
    /// for a new household), the address, and the member a member-level proposal names (name
    /// and NIK, unmasked: callers mask).
    async fn who(&self, tx: &mut Tx, p: &Proposal) -> Result<Who> {
        let village = Regions::embedded()
            .get(&p.village)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| p.village.to_string());
        let address = |street: &str, rt: &str, rw: &str| {
            let street = street.trim();
            if street.is_empty() {
                format!("RT {rt}/RW {rw}, {village}")
            } else {
                format!("{street}, RT {rt}/RW {rw}, {village}")
            }
        };
        let household = p.content.household().to_string();
        let (head_name, head_nik, address) = match &p.content {
            ProposalContent::NewHousehold { household, members } => {
                let head = members
                    .iter()
                    .find(|m| m.relation_to_head == siks_domain::codes::Relation::Head)
                    .or(members.first());
                let a = &household.address;
                (
                    head.map(|m| m.full_name.clone()).unwrap_or_default(),
                    head.map(|m| m.nik.raw()).unwrap_or_default(),
                    address(&a.street, &a.rt, &a.rw),
                )
            }
            _ => with_tx!(tx, c => {
                // The head first: relation code 1 sorts before every other.
                let head = sqlx::query(
                    "SELECT full_name, identity FROM persons WHERE household_id = $1 \
                     ORDER BY relation_to_head, family_no, id LIMIT 1",
                )
                .bind(&household)
                .fetch_optional(&mut **c)
                .await?;
                let home = sqlx::query("SELECT street, rt, rw FROM households WHERE id = $1")
                    .bind(&household)
                    .fetch_optional(&mut **c)
                    .await?;
                let (name, nik) = match head {
                    Some(r) => (r.text("full_name")?, self.sealed_nik(&r.text("identity")?)?),
                    None => (String::new(), String::new()),
                };
                let place = match home {
                    Some(r) => address(&r.text("street")?, &r.text("rt")?, &r.text("rw")?),
                    None => village.clone(),
                };
                (name, nik, place)
            }),
        };
        let member = match (&p.content, p.content.person()) {
            (ProposalContent::MemberJoins { person }, _) => {
                Some((person.full_name.clone(), person.nik.raw()))
            }
            (_, Some(person)) => with_tx!(tx, c => {
                sqlx::query("SELECT full_name, identity FROM persons WHERE id = $1")
                    .bind(person.to_string())
                    .fetch_optional(&mut **c)
                    .await?
                    .map(|r| Ok::<_, StoreError>((r.text("full_name")?, self.sealed_nik(&r.text("identity")?)?)))
                    .transpose()?
            }),
            (_, None) => None,
        };
        Ok(Who {
            head_name,
            head_nik,
            address,
            member,
        })
    }

    /// Who and what a proposal concerns, for a list of proposals: `who`, masked, and
    /// whether the paper backing it still lacks its scan.
    async fn describe(&self, tx: &mut Tx, actor: &Actor, p: &Proposal) -> Result<ProposalSubject> {
        let who = self.who(tx, p).await?;
        let what = self.what(tx, p).await?;
        // Never to a village's own account (whatever its role): the clash would tell it who is
        // registered elsewhere.
        let clashes = if actor.role == Role::VillageOperator
            || actor.scope.level() == Some(RegionLevel::Village)
        {
            Vec::new()
        } else {
            self.nik_clashes(tx, p).await?
        };
        let scan_missing = match p.document {
            Some(paper) => with_tx!(tx, c => {
                sqlx::query("SELECT scan_sha256 FROM village_documents WHERE id = $1")
                    .bind(paper.to_string())
                    .fetch_optional(&mut **c)
                    .await?
                    .map(|r| r.opt_text("scan_sha256"))
                    .transpose()?
                    .is_some_and(|scan| scan.is_none())
            }),
            None => false,
        };
        Ok(ProposalSubject {
            head_name: who.head_name,
            head_nik_masked: masked_number(&who.head_nik),
            address: who.address,
            member: who.member.map(|(name, _)| name),
            scan_missing,
            what,
            clashes,
        })
    }

    /// What a proposal asks (see [`ProposalSubject::what`]).
    async fn what(&self, tx: &mut Tx, p: &Proposal) -> Result<Asked> {
        Ok(match &p.content {
            ProposalContent::NewHousehold { members, .. } => Asked::NewHousehold {
                members: members.len(),
            },
            ProposalContent::HouseholdCorrection { household, .. } => {
                match self.fetch_household_unscoped(tx, household.id).await? {
                    Some(now) => Asked::Changes(siks_domain::workflow::household_diff(
                        &now.record,
                        household,
                    )),
                    None => Asked::Nothing,
                }
            }
            ProposalContent::PersonCorrection { person, .. } => {
                match self.fetch_person_unscoped(tx, person.id).await? {
                    Some(now) => Asked::Changes(siks_domain::workflow::person_diff(&now, person)),
                    None => Asked::Nothing,
                }
            }
            ProposalContent::MemberJoins { person } => Asked::MemberJoins {
                name: person.full_name.clone(),
                relation: person.relation_to_head,
            },
            ProposalContent::Removal {
                person,
                reason,
                evidence,
                ..
            } => Asked::Removal {
                whole_household: person.is_none(),
                reason: *reason,
                evidence: evidence.clone(),
            },
            ProposalContent::Move { to_village, .. } => Asked::Move {
                to: to_village.clone(),
            },
            ProposalContent::ProgrammeRequest { programme, .. } => {
                Asked::Programme(programme.clone())
            }
        })
    }

    /// NIKs a proposal would enter that an active person of the register already holds
    /// elsewhere, each with its name and place: the finding the regency sees.
    async fn nik_clashes(&self, tx: &mut Tx, p: &Proposal) -> Result<Vec<String>> {
        let entering: Vec<&siks_domain::Person> = match &p.content {
            ProposalContent::NewHousehold { members, .. } => members.iter().collect(),
            ProposalContent::MemberJoins { person }
            | ProposalContent::PersonCorrection { person, .. } => {
                vec![person]
            }
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for person in entering {
            if let Some((_, village)) = self.nik_holder(tx, person).await? {
                let regions = Regions::embedded();
                let place = regions
                    .get(&village)
                    .map(|v| {
                        let regency = village
                            .parent()
                            .and_then(|d| d.parent())
                            .and_then(|r| regions.get(&r))
                            .map(|r| format!(", {}", r.name))
                            .unwrap_or_default();
                        format!("{}{regency}", v.name)
                    })
                    .unwrap_or_else(|| village.to_string());
                out.push(format!(
                    "NIK {} ({}) sudah terdaftar aktif di {place}",
                    masked_number(&person.nik.raw()),
                    person.full_name
                ));
            }
        }
        Ok(out)
    }

    /// Who and what one proposal in scope concerns (`None` when it is not in scope). Not
    /// audited on its own: it belongs to the proposal's page, whose read
    /// ([`Store::proposal`]) is.
    pub async fn proposal_subject(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<ProposalSubject>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let mut tx = self.begin_read().await?;
        let Some(p) = self.fetch_proposal(&mut tx, actor, id, false).await? else {
            return Ok(None);
        };
        let subject = self.describe(&mut tx, actor, &p).await?;
        tx.commit().await?;
        Ok(Some(subject))
    }

    /// [`Store::list_proposals`] with who and what each concerns, read on one snapshot, for the
    /// inbox and the paper forms: people's names, so the view is audited.
    pub async fn list_proposals_described(
        &self,
        actor: &Actor,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<(Proposal, ProposalSubject)>> {
        let list = self.list_proposals(actor, stage, limit).await?;
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_read().await?;
        let mut out = Vec::with_capacity(list.len());
        for p in list {
            let subject = self.describe(&mut tx, actor, &p).await?;
            out.push((p, subject));
        }
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "proposal.list",
                target_kind: "region",
                target_id: actor.scope.key(),
                region_code: actor.scope.key(),
                detail: format!(
                    "stage={} rows={}",
                    stage.map(|s| s.key()).unwrap_or("*"),
                    out.len()
                ),
            },
        )
        .await?;
        Ok(out)
    }

    /// A village paper with its rows, in scope. Audited (its rows name people).
    pub async fn village_document(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<VillageDocument>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let mut tx = self.begin_read().await?;
        let found = with_tx!(&mut tx, c => {
            sqlx::query(
                "SELECT id, kind, village_code, held_on, place, attendees, chair, chair_title, scan_type, \
                 scan_sha256, created_by, created_at FROM village_documents WHERE id = $1",
            )
            .bind(id.to_string())
            .fetch_optional(&mut **c)
            .await?
            .as_ref()
            .map(document_from_row)
            .transpose()?
        });
        let Some(mut doc) = found else {
            return Ok(None);
        };
        doc.id = id;
        let village = doc.details.village.clone();
        if !actor.scope.contains(&village) {
            return Ok(None);
        }
        let rows = self.paper_rows(&mut tx, id).await?;
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "document.view",
                target_kind: "document",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        doc.rows = rows;
        Ok(Some(doc))
    }

    /// The signed scan of a village paper, in scope: `(content type, bytes)`. Audited.
    pub async fn document_scan(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Option<(String, Vec<u8>)>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let found = with_pool!(self, p => {
            sqlx::query("SELECT village_code, scan_type, scan FROM village_documents WHERE id = $1 AND scan IS NOT NULL")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<(String, String, Vec<u8>)> {
                    use sqlx::Row;
                    Ok((r.text("village_code")?, r.text("scan_type")?, r.try_get("scan")?))
                })
                .transpose()?
        });
        let Some((village, kind, bytes)) = found else {
            return Ok(None);
        };
        let village = RegionCode::parse(&village).map_err(|_| corrupt("village_code"))?;
        if !actor.scope.contains(&village) {
            return Ok(None);
        }
        self.audit_view(
            actor,
            AuditEvent {
                action: "document.scan.view",
                target_kind: "document",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        Ok(Some((kind, bytes)))
    }

    /// A ratification list with its rows, in scope. Audited.
    pub async fn ratification(&self, actor: &Actor, id: Uuid) -> Result<Option<Ratification>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let mut tx = self.begin_read().await?;
        let found = with_tx!(&mut tx, c => {
            sqlx::query(
                "SELECT r.regency_code, r.number, r.ratified_at, COALESCE(NULLIF(u.display_name, ''), u.username, r.ratified_by) AS who \
                 FROM ratifications r LEFT JOIN users u ON u.id = r.ratified_by WHERE r.id = $1",
            )
            .bind(id.to_string())
            .fetch_optional(&mut **c)
            .await?
            .map(|row| -> Result<Ratification> {
                Ok(Ratification {
                    id,
                    regency: RegionCode::parse(&row.text("regency_code")?)
                        .map_err(|_| corrupt("regency_code"))?,
                    number: row.text("number")?,
                    ratified_by: row.text("who")?,
                    ratified_at: crate::sql::stamp(&row.text("ratified_at")?, "documents.ratified_at")?,
                    rows: Vec::new(),
                })
            })
            .transpose()?
        });
        let Some(mut list) = found else {
            return Ok(None);
        };
        let regency = list.regency.clone();
        if !actor.scope.contains(&regency) && !regency_within(&actor.scope, &regency) {
            return Ok(None);
        }
        let mut rows = self.paper_rows(&mut tx, id).await?;
        // A village operator sees only their own villages' rows of the regency's list.
        rows.retain(|r| actor.scope.contains(&r.village));
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "ratification.view",
                target_kind: "ratification",
                target_id: id.to_string(),
                region_code: regency.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        list.rows = rows;
        Ok(Some(list))
    }

    /// The papers in scope, newest first: village papers and ratification lists.
    pub async fn list_papers(&self, actor: &Actor, limit: u32) -> Result<Vec<PaperSummary>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let (low, high) = actor.scope.village_range();
        let regency_prefix = actor
            .scope
            .region()
            .and_then(|r| r.at_level(RegionLevel::Regency));
        let (reg_low, reg_high) = match &regency_prefix {
            // Narrower scopes see the list of the regency they belong to.
            Some(r) => r.village_range(),
            None => (low.clone(), high.clone()),
        };
        let limit = i64::from(limit.clamp(1, 1000));
        let mut out: Vec<PaperSummary> = with_pool!(self, p => {
            let docs = sqlx::query(
                "SELECT d.id, d.kind, d.village_code AS region, d.held_on AS title, d.created_at, d.scan_type, \
                 (SELECT COUNT(*) FROM document_rows r WHERE r.document_id = d.id) AS n \
                 FROM village_documents d WHERE d.village_code >= $1 AND d.village_code < $2 \
                 ORDER BY d.created_at DESC LIMIT $3",
            )
            .bind(&low)
            .bind(&high)
            .bind(limit)
            .fetch_all(p)
            .await?;
            let lists = sqlx::query(
                "SELECT id, 'pengesahan' AS kind, regency_code AS region, number AS title, ratified_at AS created_at, \
                 'signed' AS scan_type, proposals AS n FROM ratifications \
                 WHERE regency_code >= $1 AND regency_code < $2 ORDER BY ratified_at DESC LIMIT $3",
            )
            .bind(&reg_low)
            .bind(&reg_high)
            .bind(limit)
            .fetch_all(p)
            .await?;
            docs.iter().chain(lists.iter())
                .map(|r| {
                    Ok(PaperSummary {
                        id: r.text("id")?.parse().map_err(|_| corrupt("id"))?,
                        kind: r.text("kind")?,
                        region: RegionCode::parse(&r.text("region")?).map_err(|_| corrupt("region"))?,
                        title: r.text("title")?,
                        created_at: crate::sql::stamp(&r.text("created_at")?, "documents.created_at")?,
                        rows: r.int("n")?,
                        scanned: r.opt_text("scan_type")?.is_some(),
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        out.sort_by_key(|p| std::cmp::Reverse(p.created_at));
        out.truncate(limit as usize);
        Ok(out)
    }
}

fn document_from_row(row: &impl Cells) -> Result<VillageDocument> {
    let village =
        RegionCode::parse(&row.text("village_code")?).map_err(|_| corrupt("village_code"))?;
    Ok(VillageDocument {
        id: row.text("id")?.parse().map_err(|_| corrupt("id"))?,
        details: BackingDocument {
            kind: match row.text("kind")?.as_str() {
                "musdes" => Backing::Musdes,
                "sptjm" => Backing::Sptjm,
                _ => return Err(corrupt("kind")),
            },
            village,
            held_on: row
                .text("held_on")?
                .parse()
                .map_err(|_| corrupt("held_on"))?,
            place: row.text("place")?,
            attendees: u32::try_from(row.int("attendees")?).map_err(|_| corrupt("attendees"))?,
            chair: row.text("chair")?,
            chair_title: row.text("chair_title")?,
        },
        scan_type: row.opt_text("scan_type")?,
        scan_sha256: row.opt_text("scan_sha256")?,
        created_by: row.text("created_by")?,
        created_at: crate::sql::stamp(&row.text("created_at")?, "documents.created_at")?,
        rows: Vec::new(),
    })
}

/// Whether a regency's list concerns a scope inside that regency (a village or district
/// operator sees their part of it).
fn regency_within(scope: &siks_domain::Scope, regency: &RegionCode) -> bool {
    scope.region().is_some_and(|r| regency.contains(r))
}

pub(crate) fn backing_key(b: Backing) -> &'static str {
    match b {
        Backing::Musdes => "musdes",
        Backing::Sptjm => "sptjm",
    }
}
