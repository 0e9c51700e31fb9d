//! Proposals (usulan) and their way up: village draft → musdes (or SPTJM) → regency verification
//! → pengesahan → province verification (switchable) → pusat quality control → determination
//! (penetapan) at a monthly period close. This module holds the rules only: which stage follows
//! which action, who may act at each stage, field-level diffs, conflicts between proposals, and
//! periods. The store keeps the proposals and applies them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::interchange::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row};
use crate::message::Bilingual;
use crate::record::{Household, HouseholdId, Person, PersonId};

coded!(
    /// What a proposal asks for.
    ProposalKind, "jenis usulan" {
    NewHousehold = 1, "Rumah tangga baru", "New household";
    Correction = 2, "Perbaikan data", "Correction";
    Removal = 3, "Penghapusan", "Removal";
    Move = 4, "Pindah desa/kelurahan", "Move to another village";
    ProgrammeRequest = 5, "Permohonan program bantuan", "Programme request";
    MemberJoins = 6, "Anggota masuk", "Member joining";
});

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// Entered by the village operator; can be edited.
    Draft,
    /// Put before the village deliberation, waiting for its decision.
    Musdes,
    /// Checked by the regency's Dinas Sosial.
    RegencyVerification,
    /// Waiting for the Bupati/Walikota's ratification of the regency's batch.
    Ratification,
    /// Checked by the province (when the deployment has this stage).
    ProvinceVerification,
    /// Quality control by the ministry.
    PusatQc,
    /// Accepted; takes effect at the next period close.
    Accepted,
    /// Took effect in a period (final).
    Applied,
    /// Sent back to the village with a reason; the village fixes and resubmits.
    Returned,
    /// Refused with a reason (final).
    Rejected,
    /// Withdrawn by the village while still a draft or returned (final).
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 11] = [
        Stage::Draft,
        Stage::Musdes,
        Stage::RegencyVerification,
        Stage::Ratification,
        Stage::ProvinceVerification,
        Stage::PusatQc,
        Stage::Accepted,
        Stage::Applied,
        Stage::Returned,
        Stage::Rejected,
        Stage::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Musdes => "musdes",
            Stage::RegencyVerification => "verifikasi_kabupaten",
            Stage::Ratification => "pengesahan",
            Stage::ProvinceVerification => "verifikasi_provinsi",
            Stage::PusatQc => "pusat",
            Stage::Accepted => "diterima",
            Stage::Applied => "ditetapkan",
            Stage::Returned => "dikembalikan",
            Stage::Rejected => "ditolak",
            Stage::Withdrawn => "dibatalkan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Draf desa/kelurahan",
            Stage::Musdes => "Musyawarah desa/kelurahan",
            Stage::RegencyVerification => "Verifikasi Dinas Sosial kabupaten/kota",
            Stage::Ratification => "Pengesahan Bupati/Walikota",
            Stage::ProvinceVerification => "Verifikasi provinsi",
            Stage::PusatQc => "Pemeriksaan pusat",
            Stage::Accepted => "Diterima, menunggu penetapan",
            Stage::Applied => "Ditetapkan",
            Stage::Returned => "Dikembalikan ke desa/kelurahan",
            Stage::Rejected => "Ditolak",
            Stage::Withdrawn => "Dibatalkan desa/kelurahan",
        }
    }

    /// A short label for table headings.
    pub fn short_label(self) -> &'static str {
        match self {
            Stage::Draft => "Draf",
            Stage::Musdes => "Musdes",
            Stage::RegencyVerification => "Verifikasi kab./kota",
            Stage::Ratification => "Pengesahan",
            Stage::ProvinceVerification => "Verifikasi provinsi",
            Stage::PusatQc => "Pusat",
            Stage::Accepted => "Diterima",
            Stage::Applied => "Ditetapkan",
            Stage::Returned => "Dikembalikan",
            Stage::Rejected => "Ditolak",
            Stage::Withdrawn => "Dibatalkan",
        }
    }

    pub fn parse(key: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether nothing can happen to the proposal any more.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Applied | Stage::Rejected | Stage::Withdrawn)
    }

    /// The roles that act at this stage (admins act anywhere within their scope).
    pub fn actors(self) -> &'static [Role] {
        match self {
            Stage::Draft | Stage::Musdes | Stage::Returned => &[Role::VillageOperator],
            Stage::RegencyVerification => &[Role::RegencyVerifier],
            Stage::Ratification => &[Role::Ratifier],
            Stage::ProvinceVerification => &[Role::ProvinceOperator],
            Stage::PusatQc | Stage::Accepted => &[Role::Pusat],
            Stage::Applied | Stage::Rejected | Stage::Withdrawn => &[],
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a village backs its proposals when they leave draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Backing {
    /// A musdes/muskel will decide (its berita acara is attached then).
    Musdes,
    /// No musdes was held: the village signs an SPTJM.
    Sptjm,
}

impl Backing {
    /// `musdes` or `sptjm`, as the API names them.
    pub fn parse(text: &str) -> Option<Backing> {
        match text {
            "musdes" => Some(Backing::Musdes),
            "sptjm" => Some(Backing::Sptjm),
            _ => None,
        }
    }
}

/// A batch step offered on a form: the key the form sends ([`Step::from_batch_key`] reads it
/// back), its Indonesian label, and whether it needs a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepChoice {
    pub key: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

/// What someone does to a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The village sends a draft (or a fixed, returned proposal) on.
    Submit(Backing),
    /// The musdes decided: approved or not (with the reason).
    MusdesDecision { approved: bool, reason: String },
    /// The regency's verifier accepts.
    Verify,
    /// Sent back to the village with a reason (regency or province).
    Return { reason: String },
    /// The Bupati/Walikota's delegate ratifies (as part of the regency's batch).
    Ratify,
    /// The province forwards to the ministry.
    Forward,
    /// The ministry accepts for the next period close.
    Accept,
    /// The ministry (or a conflict at period close) refuses, with the reason.
    Reject { reason: String },
    /// The period close applied it.
    Apply,
    /// The village withdraws its draft or returned proposal, with the reason.
    Withdraw { reason: String },
}

/// Which step was taken, as a proposal's history keeps it (without the step's reason or paper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Entered as a draft (the first step of every proposal).
    Propose,
    Submit,
    Musdes,
    Verify,
    Return,
    Ratify,
    Forward,
    Accept,
    Reject,
    Apply,
    Withdraw,
    /// The village changed what a draft or returned proposal asks.
    Revise,
}

impl StepKind {
    pub const ALL: [StepKind; 12] = [
        StepKind::Propose,
        StepKind::Submit,
        StepKind::Musdes,
        StepKind::Verify,
        StepKind::Return,
        StepKind::Ratify,
        StepKind::Forward,
        StepKind::Accept,
        StepKind::Reject,
        StepKind::Apply,
        StepKind::Withdraw,
        StepKind::Revise,
    ];

    /// The key stored and shown by the API.
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Propose => "propose",
            StepKind::Submit => "submit",
            StepKind::Musdes => "musdes",
            StepKind::Verify => "verify",
            StepKind::Return => "return",
            StepKind::Ratify => "ratify",
            StepKind::Forward => "forward",
            StepKind::Accept => "accept",
            StepKind::Reject => "reject",
            StepKind::Apply => "apply",
            StepKind::Withdraw => "withdraw",
            StepKind::Revise => "revise",
        }
    }

    pub fn parse(key: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What a page calls it.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Propose => "Diusulkan",
            StepKind::Submit => "Diajukan",
            StepKind::Musdes => "Keputusan musdes",
            StepKind::Verify => "Diverifikasi",
            StepKind::Return => "Dikembalikan",
            StepKind::Ratify => "Disahkan",
            StepKind::Forward => "Diteruskan",
            StepKind::Accept => "Diterima",
            StepKind::Reject => "Ditolak",
            StepKind::Apply => "Ditetapkan",
            StepKind::Withdraw => "Dibatalkan",
            StepKind::Revise => "Diperbaiki desa/kelurahan",
        }
    }
}

impl Step {
    pub fn key(&self) -> &'static str {
        self.kind().key()
    }

    pub fn kind(&self) -> StepKind {
        match self {
            Step::Submit(_) => StepKind::Submit,
            Step::MusdesDecision { .. } => StepKind::Musdes,
            Step::Verify => StepKind::Verify,
            Step::Return { .. } => StepKind::Return,
            Step::Ratify => StepKind::Ratify,
            Step::Forward => StepKind::Forward,
            Step::Accept => StepKind::Accept,
            Step::Reject { .. } => StepKind::Reject,
            Step::Apply => StepKind::Apply,
            Step::Withdraw { .. } => StepKind::Withdraw,
        }
    }

    /// The step a batch form names by `key` (a key of [`Step::offered`]), with the reason typed
    /// beside it; `None` for a key no batch offers. Musdes decisions, SPTJMs and ratification
    /// are taken on their own forms, with their papers.
    pub fn from_batch_key(key: &str, reason: String) -> Option<Step> {
        Some(match key {
            "submit_musdes" => Step::Submit(Backing::Musdes),
            "verify" => Step::Verify,
            "return" => Step::Return { reason },
            "forward" => Step::Forward,
            "accept" => Step::Accept,
            "reject" => Step::Reject { reason },
            "withdraw" => Step::Withdraw { reason },
            _ => return None,
        })
    }

    /// The batch steps offered to `role` on proposals at `stage`, in the order a form lists
    /// them: none for a role that does not act there (admins act everywhere). Submitting with an
    /// SPTJM is not among them: it is taken on the SPTJM form, with the signed paper.
    pub fn offered(stage: Stage, role: Role) -> Vec<StepChoice> {
        if role != Role::Admin && !stage.actors().contains(&role) {
            return Vec::new();
        }
        let choice = |key, label, needs_reason| StepChoice {
            key,
            label,
            needs_reason,
        };
        match stage {
            Stage::Draft | Stage::Returned => vec![
                choice("submit_musdes", "Ajukan ke musdes/muskel", false),
                choice("withdraw", "Batalkan usulan", true),
            ],
            Stage::RegencyVerification => vec![
                choice("verify", "Verifikasi: teruskan ke pengesahan", false),
                choice("return", "Kembalikan ke desa/kelurahan", true),
            ],
            Stage::Ratification => vec![choice(
                "return",
                "Kembalikan ke Dinas Sosial kabupaten/kota",
                true,
            )],
            Stage::ProvinceVerification => vec![
                choice("forward", "Teruskan ke pusat", false),
                choice("return", "Kembalikan ke desa/kelurahan", true),
            ],
            Stage::PusatQc => vec![
                choice("accept", "Terima untuk penetapan", false),
                choice("reject", "Tolak", true),
            ],
            Stage::Accepted => vec![choice("reject", "Tolak", true)],
            _ => Vec::new(),
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Step::Return { reason } | Step::Reject { reason } | Step::Withdraw { reason } => {
                Some(reason)
            }
            Step::MusdesDecision {
                approved: false,
                reason,
            } => Some(reason),
            _ => None,
        }
    }
}

/// Settings of a deployment that change the way up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowConfig {
    /// Whether the province verifies between ratification and the ministry (on by default).
    pub province_stage: bool,
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        WorkflowConfig {
            province_stage: true,
        }
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub enum WorkflowError {
    /// The step does not exist at this stage.
    NotAtThisStage { stage: Stage, step: &'static str },
    /// The role does not act at this stage.
    NotYourStage { stage: Stage, role: Role },
    /// Returning or refusing needs a reason.
    ReasonRequired,
    /// The period close applies proposals; nobody does it by hand.
    OnlyAtPeriodClose,
}

impl Bilingual for WorkflowError {
    fn indonesian(&self) -> String {
        match self {
            WorkflowError::NotAtThisStage { stage, step } => {
                format!(
                    "tindakan '{step}' tidak dapat dilakukan pada tahap {}",
                    stage.label()
                )
            }
            WorkflowError::NotYourStage { stage, role } => {
                format!("tahap {} bukan tahap peran {}", stage.label(), role.label())
            }
            WorkflowError::ReasonRequired => "alasan wajib diisi".into(),
            WorkflowError::OnlyAtPeriodClose => {
                "usulan hanya ditetapkan saat penutupan periode".into()
            }
        }
    }

    fn english(&self) -> String {
        match self {
            WorkflowError::NotAtThisStage { stage, step } => {
                format!("step '{step}' is not possible at stage {}", stage.key())
            }
            WorkflowError::NotYourStage { stage, role } => {
                format!("stage {} is not role {}'s", stage.key(), role.key())
            }
            WorkflowError::ReasonRequired => "a reason is required".into(),
            WorkflowError::OnlyAtPeriodClose => {
                "proposals are applied by the period close only".into()
            }
        }
    }
}

/// The stage a step leads to, if `role` may take it at `stage`. `by_period_close` is true only
/// for the period close itself, which alone applies accepted proposals.
pub fn next_stage(
    stage: Stage,
    step: &Step,
    role: Role,
    config: WorkflowConfig,
    by_period_close: bool,
) -> Result<Stage, WorkflowError> {
    if matches!(step, Step::Apply) && !by_period_close {
        return Err(WorkflowError::OnlyAtPeriodClose);
    }
    if step.reason().is_some_and(|r| r.trim().is_empty()) {
        return Err(WorkflowError::ReasonRequired);
    }
    if !by_period_close && role != Role::Admin && !stage.actors().contains(&role) {
        return Err(WorkflowError::NotYourStage { stage, role });
    }
    let after_ratification = if config.province_stage {
        Stage::ProvinceVerification
    } else {
        Stage::PusatQc
    };
    let next = match (stage, step) {
        (Stage::Draft | Stage::Returned, Step::Submit(Backing::Musdes)) => Stage::Musdes,
        (Stage::Draft | Stage::Returned, Step::Submit(Backing::Sptjm)) => {
            Stage::RegencyVerification
        }
        (Stage::Musdes, Step::MusdesDecision { approved: true, .. }) => Stage::RegencyVerification,
        (
            Stage::Musdes,
            Step::MusdesDecision {
                approved: false, ..
            },
        ) => Stage::Rejected,
        (Stage::RegencyVerification, Step::Verify) => Stage::Ratification,
        (Stage::RegencyVerification | Stage::ProvinceVerification, Step::Return { .. }) => {
            Stage::Returned
        }
        // The regent's delegate sends a proposal back to the regency that verified it (not to the
        // village): what the ratifier doubts is the verification.
        (Stage::Ratification, Step::Return { .. }) => Stage::RegencyVerification,
        (Stage::Ratification, Step::Ratify) => after_ratification,
        (Stage::ProvinceVerification, Step::Forward) => Stage::PusatQc,
        (Stage::PusatQc, Step::Accept) => Stage::Accepted,
        (Stage::PusatQc | Stage::Accepted, Step::Reject { .. }) => Stage::Rejected,
        (Stage::Accepted, Step::Apply) => Stage::Applied,
        (Stage::Draft | Stage::Returned, Step::Withdraw { .. }) => Stage::Withdrawn,
        (stage, step) => {
            return Err(WorkflowError::NotAtThisStage {
                stage,
                step: step.key(),
            });
        }
    };
    Ok(next)
}

/// What a proposal carries: enough to take effect at the period close without the proposer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum ProposalContent {
    /// A household not yet in the register, with its members.
    NewHousehold {
        household: Household,
        members: Vec<Person>,
    },
    /// The household as it should be, based on the version the proposer saw.
    HouseholdCorrection {
        household: Household,
        base_version: i64,
    },
    /// The member as it should be, based on the version the proposer saw.
    PersonCorrection { person: Person, base_version: i64 },
    /// A member joining a registered household (born, married in, moved in).
    MemberJoins { person: Person },
    /// Removal of the household (`person: None`) or of one member.
    Removal {
        household: HouseholdId,
        person: Option<PersonId>,
        reason: crate::codes::InactiveReason,
        /// What backs it where the reason calls for it: the death certificate's number for a
        /// death, the note for "lainnya".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    /// Move of the household to another village.
    Move {
        household: HouseholdId,
        to_village: crate::region::RegionCode,
    },
    /// A request that the household receive a programme.
    ProgrammeRequest {
        household: HouseholdId,
        programme: String,
    },
}

/// Why a removal cannot be proposed as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalRefusal {
    /// A death needs the death certificate's number (akta kematian).
    DeathCertificateRequired,
    /// "Lainnya" needs a note saying what it is.
    NoteRequired,
}

impl Bilingual for RemovalRefusal {
    fn indonesian(&self) -> String {
        match self {
            RemovalRefusal::DeathCertificateRequired => {
                "nomor akta kematian wajib diisi untuk penghapusan karena meninggal".into()
            }
            RemovalRefusal::NoteRequired => {
                "keterangan wajib diisi untuk penghapusan dengan alasan lainnya".into()
            }
        }
    }

    fn english(&self) -> String {
        match self {
            RemovalRefusal::DeathCertificateRequired => {
                "a removal for death needs the death certificate's number".into()
            }
            RemovalRefusal::NoteRequired => "a removal for another reason needs a note".into(),
        }
    }
}

/// Whether a removal carries what its reason calls for: the death certificate's number for a
/// death, a note for "lainnya". The other reasons are backed by the musdes and the verification.
pub fn check_removal(
    reason: crate::codes::InactiveReason,
    evidence: Option<&str>,
) -> Result<(), RemovalRefusal> {
    use crate::codes::InactiveReason;
    let given = evidence.is_some_and(|e| !e.trim().is_empty());
    match reason {
        InactiveReason::Died if !given => Err(RemovalRefusal::DeathCertificateRequired),
        InactiveReason::Other if !given => Err(RemovalRefusal::NoteRequired),
        _ => Ok(()),
    }
}

impl ProposalContent {
    pub fn kind(&self) -> ProposalKind {
        match self {
            ProposalContent::NewHousehold { .. } => ProposalKind::NewHousehold,
            ProposalContent::HouseholdCorrection { .. }
            | ProposalContent::PersonCorrection { .. } => ProposalKind::Correction,
            ProposalContent::Removal { .. } => ProposalKind::Removal,
            ProposalContent::Move { .. } => ProposalKind::Move,
            ProposalContent::ProgrammeRequest { .. } => ProposalKind::ProgrammeRequest,
            ProposalContent::MemberJoins { .. } => ProposalKind::MemberJoins,
        }
    }

    /// The household the proposal is about.
    pub fn household(&self) -> HouseholdId {
        match self {
            ProposalContent::NewHousehold { household, .. }
            | ProposalContent::HouseholdCorrection { household, .. } => household.id,
            ProposalContent::PersonCorrection { person, .. }
            | ProposalContent::MemberJoins { person } => person.household_id,
            ProposalContent::Removal { household, .. }
            | ProposalContent::Move { household, .. }
            | ProposalContent::ProgrammeRequest { household, .. } => *household,
        }
    }

    /// The member the proposal is about, if it is about one.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            ProposalContent::PersonCorrection { person, .. }
            | ProposalContent::MemberJoins { person } => Some(person.id),
            ProposalContent::Removal { person, .. } => *person,
            _ => None,
        }
    }
}

/// What a proposal asks beyond its kind, for the lists that show it in a line (the inbox, the
/// papers' forms): structured, so that each edge words it (a page in its reader's language, the
/// API in Indonesian).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// A new household of this many members.
    NewHousehold { members: usize },
    /// A correction: the fields it changes (none: it changes nothing any more).
    Changes(Vec<FieldChange>),
    /// A member joins.
    MemberJoins {
        name: String,
        relation: crate::codes::Relation,
    },
    /// A removal of a member or of the whole household, with its evidence.
    Removal {
        whole_household: bool,
        reason: crate::codes::InactiveReason,
        evidence: Option<String>,
    },
    /// A move to another village.
    Move { to: crate::RegionCode },
    /// A programme requested (its code).
    Programme(String),
    /// Nothing to say (the record it corrects is gone).
    Nothing,
}

impl Asked {
    /// The line in Indonesian, as the API and the papers say it.
    pub fn indonesian(&self) -> String {
        match self {
            Asked::NewHousehold { members } => format!("{members} anggota"),
            Asked::Changes(list) if list.is_empty() => "tidak ada kolom yang berubah".into(),
            Asked::Changes(list) => list
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} → {}",
                        change_label(&c.field),
                        change_value(&c.field, &c.before),
                        change_value(&c.field, &c.after)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            Asked::MemberJoins { name, relation } => {
                format!("anggota baru: {name} ({})", relation.label())
            }
            Asked::Removal {
                whole_household,
                reason,
                evidence,
            } => {
                let whom = if *whole_household {
                    "seluruh rumah tangga"
                } else {
                    "anggota"
                };
                let mut line = format!("hapus {whom}: {}", reason.label());
                if let Some(e) = evidence.as_deref().filter(|e| !e.trim().is_empty()) {
                    line.push_str(&format!(" ({})", e.trim()));
                }
                line
            }
            Asked::Move { to } => format!("pindah ke {}", region_name(to)),
            Asked::Programme(code) => format!("program {code}"),
            Asked::Nothing => String::new(),
        }
    }
}

/// A region as a line names it: its name and code (the code alone when it is not known).
pub fn region_name(code: &crate::RegionCode) -> String {
    crate::Regions::embedded()
        .get(code)
        .map(|r| format!("{} ({code})", r.name))
        .unwrap_or_else(|| code.to_string())
}

/// One changed field of a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The interchange column name.
    pub field: String,
    pub before: String,
    pub after: String,
}

fn diff(columns: &[&str], before: Vec<String>, after: Vec<String>) -> Vec<FieldChange> {
    columns
        .iter()
        .zip(before.into_iter().zip(after))
        .filter(|(_, (b, a))| b != a)
        .map(|(c, (b, a))| FieldChange {
            field: c.to_string(),
            before: b,
            after: a,
        })
        .collect()
}

/// The fields a household correction changes, as the interchange columns show them, then the
/// evidence photos it adds or replaces (field `foto:CODE`, one per indicator). The system's own
/// fields (status, welfare score, desil, programmes, …) are never a correction's: a ranking or a
/// close that set them after the proposal was made is no change it asks for.
pub fn household_diff(before: &Household, after: &Household) -> Vec<FieldChange> {
    let mut changes = diff(
        HOUSEHOLD_COLUMNS,
        household_row(before),
        household_row(after),
    );
    changes.retain(|c| !crate::entry::HOUSEHOLD_SYSTEM_FIELDS.contains(&c.field.as_str()));
    let photo = |h: &Household, kind| {
        h.evidence
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.sha256.clone())
            .unwrap_or_default()
    };
    for kind in <crate::record::EvidenceKind as crate::Coded>::ALL {
        let (b, a) = (photo(before, *kind), photo(after, *kind));
        if b != a {
            changes.push(FieldChange {
                field: format!("{PHOTO_FIELD}{}", crate::Coded::code(*kind)),
                before: b,
                after: a,
            });
        }
    }
    changes
}

/// How a change of an evidence photo is named among a correction's fields: `foto:CODE`.
pub const PHOTO_FIELD: &str = "foto:";

/// A changed field as a page names it: the interchange column's label, or "Foto bukti:
/// indicator" for a photo.
pub fn change_label(field: &str) -> String {
    match field
        .strip_prefix(PHOTO_FIELD)
        .and_then(|code| code.parse::<u8>().ok())
        .and_then(<crate::record::EvidenceKind as crate::Coded>::from_code)
    {
        Some(kind) => format!("Foto bukti: {}", crate::Coded::label(kind)),
        None => crate::interchange::column_label(field).to_string(),
    }
}

/// A changed value as a page shows it: a photo by the start of its SHA-256, an empty value as
/// a dash.
pub fn change_value(field: &str, value: &str) -> String {
    if value.is_empty() {
        "–".into()
    } else if field.starts_with(PHOTO_FIELD) {
        format!("foto {}…", value.chars().take(12).collect::<String>())
    } else {
        value.to_string()
    }
}

/// The fields a person correction changes.
pub fn person_diff(before: &Person, after: &Person) -> Vec<FieldChange> {
    diff(PERSON_COLUMNS, person_row(before), person_row(after))
}

/// Takes the cells `proposed` changed from `base` over `latest`: the others stay as `latest`.
fn merged(base: Vec<String>, proposed: Vec<String>, latest: Vec<String>) -> csv::StringRecord {
    base.into_iter()
        .zip(proposed)
        .zip(latest)
        .map(|((b, p), l)| if b == p { l } else { p })
        .collect()
}

/// A household correction re-based onto a newer version of the record: the fields it changed
/// from the version it was based on, over `latest` (changed meanwhile by proposals of other
/// fields that took effect first in the same close).
pub fn rebase_household(
    base: &Household,
    proposed: &Household,
    latest: &Household,
    regions: &crate::region::Regions,
) -> Result<Household, crate::interchange::FieldError> {
    let row = merged(
        household_row(base),
        household_row(proposed),
        household_row(latest),
    );
    let mut out = crate::interchange::household_from_row(&row, regions)?;
    // Photos are not a field of the interchange row: the ones the correction adds or replaces,
    // over the latest record's.
    out.evidence = latest.evidence.clone();
    for photo in &proposed.evidence {
        if !base.evidence.contains(photo) {
            out.evidence.retain(|e| e.kind != photo.kind);
            out.evidence.push(photo.clone());
        }
    }
    out.evidence.sort_by_key(|e| e.kind);
    Ok(out)
}

/// `rebase_household` for a member.
pub fn rebase_person(
    base: &Person,
    proposed: &Person,
    latest: &Person,
) -> Result<Person, crate::interchange::FieldError> {
    let row = merged(person_row(base), person_row(proposed), person_row(latest));
    crate::interchange::person_from_row(&row)
}

/// What a proposal touches, for conflict detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// The proposal's id (UUIDv7: sorts by submission time).
    pub proposal: uuid::Uuid,
    pub kind: ProposalKind,
    pub household: HouseholdId,
    /// `None` when the proposal is about the whole household.
    pub person: Option<PersonId>,
    /// For corrections: the fields changed.
    pub fields: Vec<String>,
}

/// Two proposals that cannot both take effect: the later one is sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub keep: uuid::Uuid,
    pub send_back: uuid::Uuid,
    pub reason: String,
}

fn clash(a: &Touch, b: &Touch) -> Option<String> {
    use ProposalKind::*;
    if a.household != b.household {
        return None;
    }
    let same_record = a.person == b.person;
    // A removal clashes with everything on what it removes: the whole household, or that member.
    let removes = |r: &Touch, other: &Touch| {
        r.kind == Removal && (r.person.is_none() || r.person == other.person)
    };
    match (a.kind, b.kind) {
        (Correction, Correction) if same_record => {
            let common: Vec<&String> = a.fields.iter().filter(|f| b.fields.contains(f)).collect();
            (!common.is_empty()).then(|| {
                format!(
                    "usulan lain memperbaiki kolom yang sama ({})",
                    common
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        _ if removes(a, b) || removes(b, a) => {
            Some("data yang sama juga diusulkan dihapus oleh usulan lain".into())
        }
        (Move, Move) => Some("rumah tangga yang sama diusulkan pindah dua kali".into()),
        // A move clashes with a correction only if that correction changes the village too.
        (Move, Correction) | (Correction, Move)
            if [a, b]
                .iter()
                .any(|t| t.kind == Correction && t.fields.iter().any(|f| f == "village_code")) =>
        {
            Some("desa/kelurahan rumah tangga diubah oleh dua usulan".into())
        }
        (NewHousehold, NewHousehold) => Some("rumah tangga yang sama diusulkan dua kali".into()),
        _ => None,
    }
}

/// The conflicts among proposals about to take effect together. Of each clashing pair the one
/// submitted first is kept; a proposal already sent back does not keep others out.
pub fn find_conflicts(touches: &[Touch]) -> Vec<Conflict> {
    let mut ordered: Vec<&Touch> = touches.iter().collect();
    ordered.sort_by_key(|t| t.proposal);
    // Only proposals about the same household can clash: compare within each household.
    let mut kept: std::collections::HashMap<HouseholdId, Vec<&Touch>> =
        std::collections::HashMap::new();
    let mut conflicts = Vec::new();
    for t in ordered {
        let same_household = kept.entry(t.household).or_default();
        match same_household
            .iter()
            .find_map(|k| clash(k, t).map(|r| (k.proposal, r)))
        {
            Some((keep, reason)) => conflicts.push(Conflict {
                keep,
                send_back: t.proposal,
                reason,
            }),
            None => same_household.push(t),
        }
    }
    conflicts
}

/// A monthly period of the register, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: u16,
    pub month: u8,
}

/// A text that is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("periode '{0}' harus berbentuk TTTT-BB, mis. 2026-11")]
pub struct PeriodError(pub String);

impl Bilingual for PeriodError {
    fn indonesian(&self) -> String {
        self.to_string()
    }
    fn english(&self) -> String {
        format!("period '{}' must be shaped YYYY-MM, e.g. 2026-11", self.0)
    }
}

impl Period {
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError(text.trim().to_string());
        let (y, m) = text.trim().split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        let year: u16 = y.parse().map_err(|_| err())?;
        let month: u8 = m.parse().map_err(|_| err())?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(err());
        }
        Ok(Period { year, month })
    }

    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Period {
    /// The period `date` falls in.
    pub fn of(date: chrono::NaiveDate) -> Period {
        use chrono::Datelike;
        Period {
            year: u16::try_from(date.year()).unwrap_or(u16::MAX),
            month: u8::try_from(date.month()).unwrap_or(1),
        }
    }

    /// Whether this period may be closed on `today`, after `last_closed` (the latest period
    /// closed, if any): periods close one after the other, each once its month has begun. A
    /// close of a future month would fix the register for a month not yet lived and block every
    /// month before it; one that skips a month would leave that month never determined. (The
    /// period already closed is not asked here: closing it again changes nothing.)
    pub fn may_close(
        self,
        last_closed: Option<Period>,
        today: chrono::NaiveDate,
    ) -> Result<(), CloseRefusal> {
        if let Some(last) = last_closed {
            if self < last {
                return Err(CloseRefusal::LaterClosed {
                    period: self,
                    later: last,
                });
            }
            if self > last.next() {
                return Err(CloseRefusal::SkipsAhead {
                    period: self,
                    next: last.next(),
                });
            }
        }
        if self > Period::of(today) {
            return Err(CloseRefusal::NotBegun { period: self });
        }
        Ok(())
    }
}

/// Why a period may not be closed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseRefusal {
    /// Its month has not begun.
    NotBegun { period: Period },
    /// An earlier period is still open.
    SkipsAhead { period: Period, next: Period },
    /// A later period is already closed.
    LaterClosed { period: Period, later: Period },
}

impl Bilingual for CloseRefusal {
    fn indonesian(&self) -> String {
        match self {
            CloseRefusal::NotBegun { period } => format!(
                "periode {period} belum dimulai; sebuah periode ditutup setelah bulannya berjalan"
            ),
            CloseRefusal::SkipsAhead { period, next } => format!(
                "periode {period} belum bisa ditutup: periode {next} harus ditutup lebih dulu (periode ditutup berurutan)"
            ),
            CloseRefusal::LaterClosed { later, .. } => {
                format!("periode {later} sudah ditutup; periode ditutup berurutan")
            }
        }
    }
    fn english(&self) -> String {
        match self {
            CloseRefusal::NotBegun { period } => {
                format!("period {period} has not begun; a period closes once its month has begun")
            }
            CloseRefusal::SkipsAhead { period, next } => format!(
                "period {period} cannot close yet: period {next} must close first (periods close in order)"
            ),
            CloseRefusal::LaterClosed { later, .. } => {
                format!("period {later} is already closed; periods close in order")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ON: WorkflowConfig = WorkflowConfig {
        province_stage: true,
    };
    const OFF: WorkflowConfig = WorkflowConfig {
        province_stage: false,
    };

    #[test]
    fn step_kinds_read_back_from_their_keys() {
        for kind in StepKind::ALL {
            assert_eq!(StepKind::parse(kind.key()), Some(kind));
            assert!(!kind.label().is_empty());
        }
        assert_eq!(StepKind::parse("lompat"), None);
        assert_eq!(Step::Return { reason: "x".into() }.kind(), StepKind::Return);
        assert_eq!(Step::Submit(Backing::Musdes).key(), "submit");
    }

    #[test]
    fn periods_close_in_order_once_their_month_has_begun() {
        let p = |t: &str| Period::parse(t).unwrap();
        let day = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let today = day("2026-12-04");
        assert_eq!(Period::of(today), p("2026-12"));
        // The first close: any month that has begun.
        assert_eq!(p("2026-12").may_close(None, today), Ok(()));
        assert_eq!(p("2025-01").may_close(None, today), Ok(()));
        assert_eq!(
            p("2027-01").may_close(None, today),
            Err(CloseRefusal::NotBegun {
                period: p("2027-01")
            })
        );
        // Then only the next one.
        assert_eq!(p("2026-12").may_close(Some(p("2026-11")), today), Ok(()));
        assert_eq!(
            p("2026-12").may_close(Some(p("2026-10")), today),
            Err(CloseRefusal::SkipsAhead {
                period: p("2026-12"),
                next: p("2026-11")
            })
        );
        assert_eq!(
            p("2026-10").may_close(Some(p("2026-11")), today),
            Err(CloseRefusal::LaterClosed {
                period: p("2026-10"),
                later: p("2026-11")
            })
        );
        // The next one, but its month has not begun: the ministry clicked too early.
        assert_eq!(
            p("2027-01").may_close(Some(p("2026-12")), today),
            Err(CloseRefusal::NotBegun {
                period: p("2027-01")
            })
        );
        assert_eq!(
            p("2027-01").may_close(Some(p("2026-12")), day("2027-01-01")),
            Ok(())
        );
        for refusal in [
            CloseRefusal::NotBegun {
                period: p("2027-01"),
            },
            CloseRefusal::SkipsAhead {
                period: p("2026-12"),
                next: p("2026-11"),
            },
        ] {
            assert!(refusal.indonesian().contains("periode"));
            assert!(refusal.english().contains("period"));
        }
    }

    #[test]
    fn every_offered_step_is_one_the_role_may_take_there() {
        // What a form offers reads back as a step, asks for a reason exactly when the step
        // carries one, and is a step the workflow lets that role take at that stage.
        let mut offered = 0;
        for stage in Stage::ALL {
            for role in Role::ALL {
                for choice in Step::offered(stage, role) {
                    offered += 1;
                    let s = Step::from_batch_key(choice.key, "alasan uji".into()).unwrap();
                    assert_eq!(choice.needs_reason, s.reason().is_some(), "{choice:?}");
                    assert!(
                        next_stage(stage, &s, role, ON, false).is_ok(),
                        "{role:?} offered {} at {stage:?}",
                        choice.key
                    );
                }
            }
        }
        assert!(offered >= 8, "{offered}");
        assert_eq!(Step::offered(Stage::PusatQc, Role::VillageOperator), vec![]);
        assert_eq!(Step::from_batch_key("ratify", String::new()), None);
        assert_eq!(Backing::parse("sptjm"), Some(Backing::Sptjm));
        assert_eq!(Backing::parse("SPTJM"), None);
    }

    fn step(stage: Stage, s: Step, role: Role) -> Result<Stage, WorkflowError> {
        next_stage(stage, &s, role, ON, false)
    }

    #[test]
    fn a_proposal_goes_up_tier_by_tier() {
        let mut stage = Stage::Draft;
        for (s, role, expected) in [
            (
                Step::Submit(Backing::Musdes),
                Role::VillageOperator,
                Stage::Musdes,
            ),
            (
                Step::MusdesDecision {
                    approved: true,
                    reason: String::new(),
                },
                Role::VillageOperator,
                Stage::RegencyVerification,
            ),
            (Step::Verify, Role::RegencyVerifier, Stage::Ratification),
            (Step::Ratify, Role::Ratifier, Stage::ProvinceVerification),
            (Step::Forward, Role::ProvinceOperator, Stage::PusatQc),
            (Step::Accept, Role::Pusat, Stage::Accepted),
        ] {
            stage = step(stage, s, role).unwrap();
            assert_eq!(stage, expected);
        }
        assert_eq!(
            step(stage, Step::Apply, Role::Pusat),
            Err(WorkflowError::OnlyAtPeriodClose)
        );
        assert_eq!(
            next_stage(stage, &Step::Apply, Role::Pusat, ON, true),
            Ok(Stage::Applied)
        );
        assert!(Stage::Applied.is_final());
    }

    #[test]
    fn sptjm_skips_musdes_and_the_province_stage_can_be_off() {
        assert_eq!(
            step(
                Stage::Draft,
                Step::Submit(Backing::Sptjm),
                Role::VillageOperator
            ),
            Ok(Stage::RegencyVerification)
        );
        assert_eq!(
            next_stage(
                Stage::Ratification,
                &Step::Ratify,
                Role::Ratifier,
                OFF,
                false
            ),
            Ok(Stage::PusatQc)
        );
    }

    #[test]
    fn returns_need_a_reason_and_come_back_through_the_village() {
        assert_eq!(
            step(
                Stage::RegencyVerification,
                Step::Return { reason: " ".into() },
                Role::RegencyVerifier
            ),
            Err(WorkflowError::ReasonRequired)
        );
        let back = step(
            Stage::RegencyVerification,
            Step::Return {
                reason: "foto kurang".into(),
            },
            Role::RegencyVerifier,
        )
        .unwrap();
        assert_eq!(back, Stage::Returned);
        assert_eq!(
            step(back, Step::Submit(Backing::Sptjm), Role::VillageOperator),
            Ok(Stage::RegencyVerification)
        );
        assert_eq!(
            step(
                Stage::ProvinceVerification,
                Step::Return { reason: "x".into() },
                Role::ProvinceOperator
            ),
            Ok(Stage::Returned)
        );
        assert_eq!(
            step(
                Stage::Musdes,
                Step::MusdesDecision {
                    approved: false,
                    reason: "".into()
                },
                Role::VillageOperator
            ),
            Err(WorkflowError::ReasonRequired)
        );
    }

    #[test]
    fn the_ratifier_returns_a_proposal_to_the_regency_with_a_reason() {
        assert_eq!(
            step(
                Stage::Ratification,
                Step::Return { reason: "".into() },
                Role::Ratifier
            ),
            Err(WorkflowError::ReasonRequired)
        );
        assert_eq!(
            step(
                Stage::Ratification,
                Step::Return {
                    reason: "alamat tidak jelas".into()
                },
                Role::Ratifier
            ),
            Ok(Stage::RegencyVerification)
        );
        // Only the ratifier (or an admin) at that stage; the verifier cannot return it from there.
        assert!(matches!(
            step(
                Stage::Ratification,
                Step::Return { reason: "x".into() },
                Role::RegencyVerifier
            ),
            Err(WorkflowError::NotYourStage { .. })
        ));
        let offered = Step::offered(Stage::Ratification, Role::Ratifier);
        assert_eq!(offered.len(), 1);
        assert!(offered[0].needs_reason && offered[0].key == "return");
    }

    #[test]
    fn each_role_acts_only_at_its_stage() {
        let e = step(
            Stage::RegencyVerification,
            Step::Verify,
            Role::VillageOperator,
        )
        .unwrap_err();
        assert!(matches!(e, WorkflowError::NotYourStage { .. }));
        assert!(e.indonesian().contains("bukan tahap peran"));
        assert!(matches!(
            step(Stage::Draft, Step::Verify, Role::VillageOperator),
            Err(WorkflowError::NotAtThisStage { .. })
        ));
        assert!(step(Stage::PusatQc, Step::Accept, Role::RegencyVerifier).is_err());
        assert_eq!(
            step(Stage::PusatQc, Step::Accept, Role::Admin),
            Ok(Stage::Accepted)
        );
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Submit(Backing::Musdes)),
            Just(Step::Submit(Backing::Sptjm)),
            any::<bool>().prop_map(|a| Step::MusdesDecision {
                approved: a,
                reason: "r".into()
            }),
            Just(Step::Verify),
            Just(Step::Return { reason: "r".into() }),
            Just(Step::Ratify),
            Just(Step::Forward),
            Just(Step::Accept),
            Just(Step::Reject { reason: "r".into() }),
            Just(Step::Apply),
        ]
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// Whatever anyone does, a proposal reaches Applied only through the ministry's
        /// acceptance and the period close, and nothing leaves a final stage.
        #[test]
        fn only_accepted_proposals_are_applied(steps in proptest::collection::vec((any_step(), any_role(), any::<bool>()), 0..40)) {
            let mut stage = Stage::Draft;
            let mut accepted = false;
            for (s, role, close) in steps {
                let before = stage;
                if let Ok(next) = next_stage(stage, &s, role, ON, close) {
                    prop_assert!(!before.is_final());
                    if next == Stage::Accepted { accepted = true; }
                    if next == Stage::Returned || next == Stage::Draft { accepted = false; }
                    if next == Stage::Applied {
                        prop_assert!(accepted && close && before == Stage::Accepted);
                    }
                    stage = next;
                }
            }
        }
    }

    fn touch(
        n: u128,
        kind: ProposalKind,
        household: HouseholdId,
        person: Option<PersonId>,
        fields: &[&str],
    ) -> Touch {
        Touch {
            proposal: uuid::Uuid::from_u128(n),
            kind,
            household,
            person,
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn conflicts_send_back_the_later_proposal() {
        let h = HouseholdId::new();
        let p = PersonId::new();
        let other = HouseholdId::new();
        let touches = vec![
            touch(
                3,
                ProposalKind::Correction,
                h,
                None,
                &["rooms", "floor_material"],
            ),
            touch(1, ProposalKind::Correction, h, None, &["rooms"]),
            touch(2, ProposalKind::Correction, h, Some(p), &["full_name"]),
            touch(4, ProposalKind::Removal, h, Some(p), &[]),
            touch(5, ProposalKind::Correction, other, None, &["rooms"]),
            touch(6, ProposalKind::Removal, other, None, &[]),
        ];
        let conflicts = find_conflicts(&touches);
        let pairs: Vec<(u128, u128)> = conflicts
            .iter()
            .map(|c| (c.keep.as_u128(), c.send_back.as_u128()))
            .collect();
        assert_eq!(pairs, vec![(1, 3), (2, 4), (5, 6)]);
        assert!(conflicts[0].reason.contains("rooms"));
        // Different fields of the same record, or different members, do not clash.
        let fine = vec![
            touch(1, ProposalKind::Correction, h, None, &["rooms"]),
            touch(2, ProposalKind::Correction, h, None, &["toilet"]),
            touch(3, ProposalKind::Correction, h, Some(p), &["rooms"]),
        ];
        assert!(find_conflicts(&fine).is_empty());
        // Removing a member leaves the household's own fields alone; removing the household
        // clashes with everything on it.
        let q = PersonId::new();
        let member_removed = vec![
            touch(1, ProposalKind::Removal, h, Some(q), &[]),
            touch(2, ProposalKind::Correction, h, None, &["rooms"]),
        ];
        assert!(find_conflicts(&member_removed).is_empty());
        let household_removed = vec![
            touch(1, ProposalKind::Correction, h, Some(q), &["full_name"]),
            touch(2, ProposalKind::Removal, h, None, &[]),
        ];
        assert_eq!(find_conflicts(&household_removed).len(), 1);
        // A move and a correction of other fields of the same household both take effect.
        let moved_and_corrected = vec![
            touch(1, ProposalKind::Correction, h, None, &["rooms"]),
            touch(2, ProposalKind::Move, h, None, &["village_code"]),
        ];
        assert!(find_conflicts(&moved_and_corrected).is_empty());
        let moved_twice_over = vec![
            touch(1, ProposalKind::Move, h, None, &["village_code"]),
            touch(
                2,
                ProposalKind::Correction,
                h,
                None,
                &["village_code", "rt"],
            ),
        ];
        assert_eq!(find_conflicts(&moved_twice_over).len(), 1);
    }

    #[test]
    fn diffs_name_each_changed_field() {
        let h = crate::interchange::tests::sample_household();
        let mut changed = h.clone();
        changed.housing.rooms = 4;
        changed.address.rt = "009".into();
        let d = household_diff(&h, &changed);
        assert_eq!(
            d.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            vec!["rt", "rooms"]
        );
        assert_eq!((d[1].before.as_str(), d[1].after.as_str()), ("2", "4"));
        let p = crate::interchange::tests::sample_person(h.id);
        let mut q = p.clone();
        q.full_name = "Sutrisna".into();
        assert_eq!(person_diff(&p, &q).len(), 1);
        // A correction that went through JSON (the API) changes no coordinate by itself.
        let mut located = h.clone();
        located.address.location = Some(crate::record::GeoPoint {
            latitude: -6.897_123_456_789_012,
            longitude: 112.064_123_456_789,
        });
        let back: Household =
            serde_json::from_str(&serde_json::to_string(&located).unwrap()).unwrap();
        assert!(household_diff(&located, &back).is_empty());
        // A score, desil or programme the system set since is not the correction's change.
        let mut ranked = h.clone();
        ranked.welfare_score = Some(379_300.39);
        ranked.desil = Some(1);
        ranked.programmes = vec!["PKH".into()];
        assert!(household_diff(&ranked, &h).is_empty());
    }

    fn photo(kind: crate::record::EvidenceKind, sha: &str) -> crate::record::Evidence {
        crate::record::Evidence {
            kind,
            sha256: sha.into(),
            content_type: "image/png".into(),
            taken_on: None,
        }
    }

    #[test]
    fn a_photo_is_a_named_change_and_survives_a_rebase() {
        use crate::Coded;
        use crate::record::EvidenceKind;
        let regions = crate::region::Regions::embedded();
        let base = crate::interchange::tests::sample_household();
        let floor = *EvidenceKind::ALL.first().unwrap();
        let mut with_photo = base.clone();
        with_photo.evidence = vec![photo(floor, "ab12cd34ef56ab12cd34")];
        let changes = household_diff(&base, &with_photo);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, format!("{PHOTO_FIELD}{}", floor.code()));
        assert_eq!(
            change_label(&changes[0].field),
            format!("Foto bukti: {}", floor.label())
        );
        assert_eq!(change_value(&changes[0].field, &changes[0].before), "–");
        assert_eq!(
            change_value(&changes[0].field, &changes[0].after),
            "foto ab12cd34ef56…"
        );
        assert_eq!(
            change_label("rooms"),
            crate::interchange::column_label("rooms")
        );
        // Another correction took effect first: the photo is laid over it, its fields kept.
        let mut latest = base.clone();
        latest.housing.rooms = 6;
        let rebased = rebase_household(&base, &with_photo, &latest, regions).unwrap();
        assert_eq!(rebased.housing.rooms, 6);
        assert_eq!(rebased.evidence, with_photo.evidence);
        // A correction that did not touch the photos keeps the latest ones.
        let mut latest_photo = base.clone();
        latest_photo.evidence = vec![photo(floor, "ffff")];
        let mut rooms = base.clone();
        rooms.housing.rooms = 3;
        let rebased = rebase_household(&base, &rooms, &latest_photo, regions).unwrap();
        assert_eq!(rebased.evidence, latest_photo.evidence);
    }

    #[test]
    fn removals_carry_what_their_reason_calls_for() {
        use crate::codes::InactiveReason;
        assert_eq!(
            check_removal(InactiveReason::Died, None),
            Err(RemovalRefusal::DeathCertificateRequired)
        );
        assert_eq!(
            check_removal(InactiveReason::Died, Some("  ")),
            Err(RemovalRefusal::DeathCertificateRequired)
        );
        assert_eq!(
            check_removal(InactiveReason::Died, Some("3523-KM-01122026-0001")),
            Ok(())
        );
        assert_eq!(
            check_removal(InactiveReason::Other, None),
            Err(RemovalRefusal::NoteRequired)
        );
        assert_eq!(check_removal(InactiveReason::Moved, None), Ok(()));
        assert!(
            RemovalRefusal::DeathCertificateRequired
                .indonesian()
                .contains("akta kematian")
        );
    }

    #[test]
    fn the_village_withdraws_only_what_it_still_holds() {
        let withdraw = Step::Withdraw {
            reason: "salah input".into(),
        };
        for stage in [Stage::Draft, Stage::Returned] {
            assert_eq!(
                next_stage(stage, &withdraw, Role::VillageOperator, ON, false),
                Ok(Stage::Withdrawn)
            );
        }
        assert!(next_stage(Stage::Musdes, &withdraw, Role::VillageOperator, ON, false).is_err());
        assert!(next_stage(Stage::Draft, &withdraw, Role::RegencyVerifier, ON, false).is_err());
        assert_eq!(
            next_stage(
                Stage::Draft,
                &Step::Withdraw { reason: " ".into() },
                Role::VillageOperator,
                ON,
                false
            ),
            Err(WorkflowError::ReasonRequired)
        );
        assert!(Stage::Withdrawn.is_final());
        assert_eq!(Stage::parse("dibatalkan"), Some(Stage::Withdrawn));
        assert!(
            Step::offered(Stage::Returned, Role::VillageOperator)
                .iter()
                .any(|c| c.key == "withdraw" && c.needs_reason)
        );
    }

    #[test]
    fn a_correction_rebased_keeps_what_others_changed_meanwhile() {
        let regions = crate::region::Regions::embedded();
        let base = crate::interchange::tests::sample_household();
        let mut rooms = base.clone();
        rooms.housing.rooms = 5;
        let mut latest = base.clone();
        latest.address.rt = "007".into();
        latest.programmes = vec!["PKH".into()];
        let rebased = rebase_household(&base, &rooms, &latest, regions).unwrap();
        assert_eq!(rebased.housing.rooms, 5);
        assert_eq!(rebased.address.rt, "007");
        assert_eq!(rebased.programmes, vec!["PKH".to_string()]);
        assert_eq!(household_diff(&latest, &rebased).len(), 1);
        let p = crate::interchange::tests::sample_person(base.id);
        let mut named = p.clone();
        named.full_name = "Sutrisna".into();
        let mut moved_on = p.clone();
        moved_on.mother_name = "Wartini".into();
        let rebased = rebase_person(&p, &named, &moved_on).unwrap();
        assert_eq!(
            (rebased.full_name.as_str(), rebased.mother_name.as_str()),
            ("Sutrisna", "Wartini")
        );
    }

    #[test]
    fn periods_parse_and_step() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.to_string(), "2026-11");
        assert_eq!(p.next().to_string(), "2026-12");
        assert_eq!(p.next().next().to_string(), "2027-01");
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        for bad in ["2026-13", "26-11", "2026/11", "", "2026-1", "abcd-ef"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Period::parse("2026-13")
                .unwrap_err()
                .indonesian()
                .contains("TTTT-BB")
        );
    }
}
