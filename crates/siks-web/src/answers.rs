//! What the API answers, one type per answer: each route's handler builds one of these and the
//! OpenAPI document describes the same type (`openapi::route_answer`), so the document cannot
//! drift from the answers. The JSON shapes are those the API gave before they were typed.

use std::collections::BTreeMap;

use serde::Serialize;
use siks_domain::clock::Stamp;
use siks_domain::documents::BackingDocument;
use siks_domain::workflow::ProposalContent;
use siks_domain::{Household, HouseholdId, Person, PersonId, UserId};
use siks_service::StatusCounts;
use utoipa::ToSchema;
use uuid::Uuid;

/// A region of the reference list.
#[derive(Serialize, ToSchema)]
pub struct RegionAnswer {
    pub code: String,
    pub name: String,
    /// Provinsi, Kabupaten/Kota, Kecamatan or Desa/Kelurahan.
    pub level: String,
}

/// A household in a list.
#[derive(Serialize, ToSchema)]
pub struct HouseholdRow {
    pub id: HouseholdId,
    pub village_code: String,
    pub rt: String,
    pub rw: String,
    pub street: String,
    /// proposed, active or inactive.
    pub status: String,
    pub members: i64,
    pub head_name: Option<String>,
}

/// A member with the version a change must name. The specific fields the caller's role does
/// not see are kept back (`withheld`): a NIK and No KK masked (`3523**********77`), a mother's
/// name empty, health cleared. `GET /api/v1/persons/{id}?tampilkan=…&tujuan=…` reveals them,
/// audited; a correction sent back with a masked number is refused.
#[derive(Serialize, ToSchema)]
pub struct VersionedPerson {
    pub person: Person,
    pub version: i64,
    /// The fields kept back: `nik`, `no_kk`, `nama_ibu`, `kesehatan`.
    pub withheld: Vec<&'static str>,
}

/// A household with its members, each with the version a change must name.
#[derive(Serialize, ToSchema)]
pub struct HouseholdAnswer {
    pub household: Household,
    pub version: i64,
    pub members: Vec<VersionedPerson>,
}

/// A record written: its id and new version.
#[derive(Serialize, ToSchema)]
pub struct Written {
    pub id: Uuid,
    pub version: i64,
}

/// Records by status.
#[derive(Serialize, ToSchema)]
pub struct Counts {
    pub proposed: u64,
    pub active: u64,
    pub inactive: u64,
    pub total: u64,
}

impl From<&StatusCounts> for Counts {
    fn from(c: &StatusCounts) -> Counts {
        Counts {
            proposed: c.proposed,
            active: c.active,
            inactive: c.inactive,
            total: c.total(),
        }
    }
}

/// A region's counts.
#[derive(Serialize, ToSchema)]
pub struct RegionCounts {
    /// `null` for the whole country.
    pub code: Option<String>,
    pub name: String,
    pub households: Counts,
    pub persons: Counts,
}

/// Counts of a region and of each region one level down.
#[derive(Serialize, ToSchema)]
pub struct StatsAnswer {
    pub total: RegionCounts,
    pub child_level: Option<String>,
    pub children: Vec<RegionCounts>,
}

/// An account.
#[derive(Serialize, ToSchema)]
pub struct UserAnswer {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    /// The role's key.
    pub role: String,
    /// `*` or a region code.
    pub scope: String,
    pub active: bool,
    pub created_at: Stamp,
}

/// An account created.
#[derive(Serialize, ToSchema)]
pub struct UserCreated {
    pub id: UserId,
    pub username: String,
}

/// An account switched on or off.
#[derive(Serialize, ToSchema)]
pub struct UserActive {
    pub id: UserId,
    pub active: bool,
}

/// An entry of the audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditAnswer {
    pub seq: i64,
    /// As recorded (the hash chain covers this text).
    pub at: String,
    pub actor_id: String,
    pub actor_username: String,
    pub actor_role: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub region_code: String,
    pub detail: String,
    pub origin: String,
    pub hash: String,
}

/// A proposal.
#[derive(Serialize, ToSchema)]
pub struct ProposalAnswer {
    pub id: Uuid,
    pub village_code: String,
    /// The stage's key.
    pub stage: String,
    /// The kind's code.
    pub kind: u8,
    /// What it asks, its persons as the caller's role sees them by default: NIK and No KK
    /// masked; mother's name and health only for the roles that collect them.
    pub content: ProposalContent,
    /// The specific fields kept back in `content` (`nik`, `no_kk`, `nama_ibu`, `kesehatan`).
    pub withheld: Vec<String>,
    pub reason: String,
    pub created_by: String,
    pub created_at: Stamp,
    pub version: i64,
    /// Whom it concerns.
    pub subject: Option<SubjectAnswer>,
}

/// Whom a proposal concerns.
#[derive(Serialize, ToSchema)]
pub struct SubjectAnswer {
    /// The household head's name (as proposed, for a new household).
    pub head_name: String,
    /// The head's NIK with its middle digits hidden.
    pub head_nik_masked: String,
    /// Street, RT/RW and village.
    pub address: String,
    /// The member a member-level proposal concerns.
    pub member: Option<String>,
    /// Whether the paper backing it still lacks its signed scan.
    pub scan_missing: bool,
    /// What it asks, in a line: the fields a correction changes (old → new), a removal's
    /// reason, a move's destination, the programme, the member who joins.
    pub what: String,
    /// For the tiers above the village: NIKs it would enter that an active person already
    /// holds, with where (always empty for a village).
    pub clashes: Vec<String>,
}

impl From<siks_service::proposals::ProposalSubject> for SubjectAnswer {
    fn from(s: siks_service::proposals::ProposalSubject) -> SubjectAnswer {
        SubjectAnswer {
            head_name: s.head_name,
            head_nik_masked: s.head_nik_masked,
            address: s.address,
            member: s.member,
            scan_missing: s.scan_missing,
            what: s.what.indonesian(),
            clashes: s.clashes,
        }
    }
}

/// A step a proposal took.
#[derive(Serialize, ToSchema)]
pub struct StepAnswer {
    pub step: String,
    pub from: String,
    pub to: String,
    pub actor_id: UserId,
    pub actor_role: String,
    pub at: Stamp,
    pub note: String,
}

/// A proposal with its steps.
#[derive(Serialize, ToSchema)]
pub struct ProposalWithSteps {
    pub proposal: ProposalAnswer,
    pub steps: Vec<StepAnswer>,
}

/// A proposal entered as a draft.
#[derive(Serialize, ToSchema)]
pub struct ProposalCreated {
    pub id: Uuid,
    /// Always `draft`.
    pub stage: String,
}

/// The stages the proposals moved to, in order.
#[derive(Serialize, ToSchema)]
pub struct StepsTaken {
    pub stages: Vec<String>,
}

/// What a check run before the close came to.
#[derive(Serialize, ToSchema)]
pub struct CheckCounts {
    pub opened: u64,
    pub fixed: u64,
}

/// A proposal the close sent back, with the reason.
#[derive(Serialize, ToSchema)]
pub struct SentBack {
    pub id: Uuid,
    pub reason: String,
}

/// What a period close did.
#[derive(Serialize, ToSchema)]
pub struct CloseAnswer {
    pub checks: CheckCounts,
    pub period: String,
    pub already_closed: bool,
    pub applied: u64,
    pub sent_back: Vec<SentBack>,
}

/// What closing a period would do in one regency.
#[derive(Serialize, ToSchema)]
pub struct RegencyPreviewAnswer {
    pub regency: String,
    /// Proposals it would apply, by kind code.
    pub applies: std::collections::BTreeMap<u8, u64>,
    pub sent_back: u64,
}

/// One proposal the close would send back.
#[derive(Serialize, ToSchema)]
pub struct PreviewSentBack {
    pub id: Uuid,
    pub village: String,
    /// The kind's code.
    pub kind: u8,
    pub reason: String,
}

/// What closing a period would apply and send back, read without writing.
#[derive(Serialize, ToSchema)]
pub struct ClosePreviewAnswer {
    pub period: String,
    pub applies: u64,
    pub regencies: Vec<RegencyPreviewAnswer>,
    pub sent_back: Vec<PreviewSentBack>,
}

/// A count before and after.
#[derive(Serialize, ToSchema)]
pub struct BeforeAfter {
    pub before: u64,
    pub after: u64,
}

/// Two closed periods compared.
#[derive(Serialize, ToSchema)]
pub struct ComparisonAnswer {
    pub before: String,
    pub after: String,
    pub households: BeforeAfter,
    pub persons: BeforeAfter,
    pub entered: u64,
    pub left: u64,
    pub changed: u64,
}

/// A household as a closed period held it (`null`: not registered then).
#[derive(Serialize, ToSchema)]
pub struct AsOfAnswer {
    pub period: String,
    pub household: Option<Household>,
    /// The members then, their specific fields kept back as in [`VersionedPerson`].
    pub members: Option<Vec<Person>>,
    /// The fields kept back of every member: `nik`, `no_kk`, `nama_ibu`, `kesehatan`.
    pub withheld: Vec<&'static str>,
}

/// A paper kept (berita acara, SPTJM).
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// A row of a paper.
#[derive(Serialize, ToSchema)]
pub struct PaperRowAnswer {
    pub row: i64,
    pub proposal: Uuid,
    /// The proposal kind's code.
    pub kind: u8,
    pub name: String,
    pub nik_masked: String,
    pub address: String,
    pub village_code: String,
    pub approved: bool,
    pub note: String,
}

/// A village's paper with its rows.
#[derive(Serialize, ToSchema)]
pub struct DocumentAnswer {
    pub id: Uuid,
    pub document: BackingDocument,
    pub scan_type: Option<String>,
    pub scan_sha256: Option<String>,
    pub created_at: Stamp,
    pub rows: Vec<PaperRowAnswer>,
}

/// A paper's scan received.
#[derive(Serialize, ToSchema)]
pub struct ScanReceived {
    pub id: String,
    pub scanned: bool,
}

/// A ratification list made.
#[derive(Serialize, ToSchema)]
pub struct RatificationCreated {
    pub id: Uuid,
    pub number: String,
    /// How many proposals it ratified.
    pub proposals: usize,
}

/// A ratification list with its rows.
#[derive(Serialize, ToSchema)]
pub struct RatificationAnswer {
    pub id: Uuid,
    pub number: String,
    pub regency_code: String,
    pub ratified_by: String,
    pub ratified_at: Stamp,
    pub rows: Vec<PaperRowAnswer>,
}

/// A paper in the list of papers.
#[derive(Serialize, ToSchema)]
pub struct PaperAnswer {
    pub id: Uuid,
    /// musdes, sptjm or pengesahan (a ratification list).
    pub kind: String,
    pub region_code: String,
    pub title: String,
    pub created_at: Stamp,
    pub rows: i64,
    pub scanned: bool,
}

/// A village's counts fixed at a close.
#[derive(Serialize, ToSchema)]
pub struct VillageCount {
    pub households: u64,
    pub persons: u64,
}

/// The counts fixed at a period's close, per village, and whether a recount agrees.
#[derive(Serialize, ToSchema)]
pub struct PeriodCountsAnswer {
    pub period: String,
    pub villages: BTreeMap<String, VillageCount>,
    pub recount_agrees: bool,
}

/// A finding.
#[derive(Serialize, ToSchema)]
pub struct FindingAnswer {
    pub id: Uuid,
    /// The kind's code.
    pub kind: u8,
    pub kind_label: String,
    /// error or warning.
    pub severity: String,
    pub village_code: String,
    pub household_id: HouseholdId,
    pub person_id: Option<PersonId>,
    pub other_person_id: Option<PersonId>,
    pub fields: Vec<String>,
    pub evidence: String,
    /// open, fixed or dismissed.
    pub status: String,
    pub status_reason: String,
    pub found_at: Stamp,
    /// The removal reason's code, when a removal settles it.
    pub removal_reason: Option<u8>,
}

/// Findings.
#[derive(Serialize, ToSchema)]
pub struct FindingsAnswer {
    pub findings: Vec<FindingAnswer>,
}

/// People or households valid and not.
#[derive(Serialize, ToSchema)]
pub struct ValidCounts {
    pub valid: u64,
    pub not_valid: u64,
}

/// A region's data quality.
#[derive(Serialize, ToSchema)]
pub struct RegionQualityAnswer {
    pub code: Option<String>,
    pub name: String,
    pub persons: ValidCounts,
    pub households: ValidCounts,
    /// Open findings by kind code.
    pub open_findings: BTreeMap<String, u64>,
}

/// The data quality of a region and of each region one level down.
#[derive(Serialize, ToSchema)]
pub struct QualityAnswer {
    pub total: RegionQualityAnswer,
    pub child_level: Option<String>,
    pub children: Vec<RegionQualityAnswer>,
}

/// A programme's component.
#[derive(Serialize, ToSchema)]
pub struct ComponentAnswer {
    pub label: String,
    /// The member rule as written.
    pub member: String,
    pub amount: u64,
    pub cap: u32,
}

/// A programme in force.
#[derive(Serialize, ToSchema)]
pub struct ProgrammeAnswer {
    pub code: String,
    pub name: String,
    /// household, family, person, child, group or community.
    pub unit: String,
    pub version: i64,
    pub saved_at: Option<Stamp>,
    /// The household rule as written.
    pub eligible: String,
    /// The member rule as written (person and child units: who counts; group units: a family
    /// joins through a member who meets it).
    pub member: Option<String>,
    /// Group units: the families a group holds, and the fewest a village's last group may hold.
    pub group_size: Option<u32>,
    pub group_min: Option<u32>,
    pub amount: u64,
    pub max_components: u32,
    pub components: Vec<ComponentAnswer>,
    /// Finding kind codes that exclude a household.
    pub exclude_findings: Vec<u8>,
    pub definition: String,
}

/// The programmes in force.
#[derive(Serialize, ToSchema)]
pub struct ProgrammesAnswer {
    pub programmes: Vec<ProgrammeAnswer>,
}

/// A unit on a programme's list.
#[derive(Serialize, ToSchema)]
pub struct BeneficiaryAnswer {
    pub household_id: Uuid,
    pub village_code: String,
    pub family_no: Option<i64>,
    pub person_id: Option<Uuid>,
    pub desil: i64,
    pub score: f64,
    pub amount: i64,
    pub components: String,
    pub position: i64,
    /// The group within the village (group and community units).
    pub group: Option<i64>,
}

/// A household that left a programme's list, with the reason.
#[derive(Serialize, ToSchema)]
pub struct Departure {
    pub household_id: Uuid,
    pub reason: String,
}

/// A programme's list of a period.
#[derive(Serialize, ToSchema)]
pub struct BeneficiariesAnswer {
    pub code: String,
    pub period: String,
    pub beneficiaries: Vec<BeneficiaryAnswer>,
    pub departures: Vec<Departure>,
}

/// A report's tables.
#[derive(Serialize, ToSchema)]
pub struct ReportAnswer {
    pub region: Option<String>,
    pub name: String,
    pub child_level: Option<String>,
    pub period: Option<String>,
    pub sections: Vec<crate::reports::Section>,
}

/// A job kept in the database.
#[derive(Serialize, ToSchema)]
pub struct JobAnswer {
    pub id: String,
    /// check-run or period-close.
    pub kind: String,
    pub label: String,
    /// queued, running, done, failed or interrupted.
    pub state: String,
    pub phase: String,
    pub done_steps: u64,
    pub total_steps: u64,
    pub outcome: Option<String>,
    pub region: String,
    pub created_at: Stamp,
    pub started_at: Option<Stamp>,
    pub finished_at: Option<Stamp>,
    pub attempts: u64,
}

/// The caller's jobs.
#[derive(Serialize, ToSchema)]
pub struct JobsAnswer {
    pub jobs: Vec<JobAnswer>,
}
