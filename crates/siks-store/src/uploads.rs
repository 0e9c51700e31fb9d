//! Uploaded sheets. Corrections: rows of members (as an export or the corrections template writes them,
//! each with its id) become correction proposals in draft, in the uploader's scope. Each row is
//! checked with the import's rules on top of the record as the register holds it; a row that
//! changes nothing, or that an open proposal already asks for, creates nothing (so uploading the
//! same file twice creates nothing twice). Removals: each row a removal proposal in draft.
//! Verivali results: each row settles an open finding (fixed, or dismissed with a reason).
//! Either nothing is written unless every row is valid, or only the valid rows are; a row is one
//! proposal or one finding, never half-written.

use siks_domain::interchange::{
    HOUSEHOLD_COLUMNS, HOUSEHOLD_SERVER_COLUMNS, PERSON_COLUMNS, PERSON_SERVER_COLUMNS, TextRow,
    code_of_choice, column_label, household_from_row, household_row, person_from_row, person_row,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use siks_domain::access::Action;
use siks_domain::checks::FindingStatus;
use siks_domain::entry::{
    CHOOSE_ON_NEW, FILL_ON_NEW, blank_household, blank_person, new_member_problems,
    parse_every_cell,
};
use siks_domain::workflow::ProposalContent;
use siks_domain::{Actor, Bilingual, Household, Nik, Person, RegionCode, Regions};
use uuid::Uuid;

use crate::Versioned;
use crate::audit::AuditEvent;
use crate::records::{household_from_row as stored_household, person_from_row as stored_person};
use crate::sealing::Blind;
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// Ids read per query when an upload looks up its rows.
const IDS_PER_QUERY: usize = 500;
/// Rows of a sheet whose records are read from the register at a time.
const ROWS_PER_LOOKUP: usize = 5_000;
/// Drafts written per transaction: a commit per draft would cost a disk sync each, and a
/// cancel stops between two batches (each batch whole).
const PROPOSALS_PER_TRANSACTION: usize = 200;

/// Which records an upload looks up.
#[derive(Clone, Copy)]
enum Records {
    Persons,
    Households,
}

/// A record an upload looked up, with its version.
enum Record {
    Person(Versioned<Person>),
    Household(Versioned<Household>),
}

/// One uploaded row: where it stands in the file (its sheet and row), and its cells, each
/// under its interchange column. A row is its text held compactly ([`TextRow`]) with the
/// sheet's columns shared by every row: a sheet of 200,000 rows is held as about its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub sheet: Arc<str>,
    pub row: u32,
    /// The interchange column of each cell of the sheet (`None`: one the upload passes over).
    pub columns: Arc<[Option<&'static str>]>,
    pub cells: TextRow,
}

impl UploadRow {
    /// A row of these cells by interchange column.
    pub fn new(
        sheet: impl Into<Arc<str>>,
        row: u32,
        cells: impl IntoIterator<Item = (&'static str, String)>,
    ) -> UploadRow {
        let (columns, cells): (Vec<_>, Vec<_>) =
            cells.into_iter().map(|(c, v)| (Some(c), v)).unzip();
        UploadRow {
            sheet: sheet.into(),
            row,
            columns: columns.into(),
            cells: TextRow::new(cells),
        }
    }

    /// Each cell with its interchange column, the columns passed over left out. A row shorter
    /// than the header (a CSV may have one) gives its own cells only: a column it does not
    /// reach is not a cell emptied.
    pub fn cells(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.columns
            .iter()
            .take(self.cells.len())
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (c, self.cells.get(i))))
    }
}

/// How an upload runs: what to do with problems, the note its proposals carry, and the shared
/// progress that shows it and stops it.
#[derive(Debug, Clone)]
pub struct UploadRun {
    pub mode: UploadMode,
    pub note: String,
    pub progress: Arc<UploadProgress>,
}

impl UploadRun {
    pub fn new(mode: UploadMode, note: impl Into<String>) -> UploadRun {
        UploadRun {
            mode,
            note: note.into(),
            progress: Arc::default(),
        }
    }
}

/// Where a running upload stands, read from another task (a progress bar, a page), and its
/// cancel switch. Checking reads every row first; writing starts only after.
#[derive(Debug, Default)]
pub struct UploadProgress {
    total: AtomicU64,
    checked: AtomicU64,
    to_write: AtomicU64,
    written: AtomicU64,
    writing: AtomicBool,
    cancelled: AtomicBool,
}

/// A reading of [`UploadProgress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressNow {
    /// Whether the rows are being written (else checked).
    pub writing: bool,
    pub done: u64,
    pub total: u64,
}

impl UploadProgress {
    /// Asks the upload to stop: while checking, nothing is written; while writing, it stops
    /// between two batches of proposals (each batch one transaction), and the report says how
    /// many were written.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn now(&self) -> ProgressNow {
        let writing = self.writing.load(Ordering::Relaxed);
        let (done, total) = if writing {
            (&self.written, &self.to_write)
        } else {
            (&self.checked, &self.total)
        };
        ProgressNow {
            writing,
            done: done.load(Ordering::Relaxed),
            total: total.load(Ordering::Relaxed),
        }
    }

    fn start(&self, rows: usize) {
        self.total.store(rows as u64, Ordering::Relaxed);
    }

    fn checked(&self, rows: u64) {
        self.checked.fetch_add(rows, Ordering::Relaxed);
    }

    /// Counts one more row checked; `true` when the upload was asked to stop.
    fn next_row(&self) -> bool {
        self.checked(1);
        self.cancelled()
    }

    fn start_writing(&self, count: usize) {
        self.to_write.store(count as u64, Ordering::Relaxed);
        self.writing.store(true, Ordering::Relaxed);
    }

    fn wrote(&self, count: u64) {
        self.written.fetch_add(count, Ordering::Relaxed);
    }
}

/// What to do when some rows are not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadMode {
    /// Nothing is written unless every row is valid.
    AllOrNothing,
    /// The valid rows are written; the others are reported.
    ValidOnly,
}

/// A problem with one row's cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub sheet: Arc<str>,
    pub row: u32,
    /// The column's Indonesian label (empty: the row as a whole).
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// What an upload did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadReport {
    /// The proposals created, in draft.
    pub proposed: Vec<Uuid>,
    /// Rows equal to the register.
    pub unchanged: u64,
    /// Rows an open proposal already asks for.
    pub already_proposed: u64,
    pub problems: Vec<RowProblem>,
    /// Whether anything was written (all-or-nothing with problems: no).
    pub written: bool,
    /// Whether the upload was cancelled (what was written before stays; each proposal whole).
    pub cancelled: bool,
}

impl Store {
    /// Member corrections from an uploaded sheet (see the module comment).
    pub async fn upload_person_corrections(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        let mut seen: HashMap<Uuid, u32> = HashMap::new();
        run.progress.start(rows.len());
        // A few thousand rows at a time: the register's records for all of a big sheet at
        // once would hold as much again as the sheet.
        for chunk in rows.chunks(ROWS_PER_LOOKUP) {
            let known = self.persons_of_rows(actor, chunk).await?;
            for row in chunk {
                if run.progress.next_row() {
                    return Ok(cancelled(report));
                }
                let id_text = cell(row, "id");
                let Ok(id) = id_text.parse::<Uuid>() else {
                    report.problems.push(row_problem(
                        row,
                        "Id",
                        id_text,
                        "id anggota wajib diisi dari ekspor siks (jangan diubah)",
                    ));
                    continue;
                };
                if let Some(first) = seen.insert(id, row.row) {
                    report.problems.push(row_problem(
                        row,
                        "Id",
                        id_text,
                        format!("id yang sama sudah ada di baris {first}; satu baris per anggota"),
                    ));
                    continue;
                }
                let Some(current) = known.get(&id) else {
                    report.problems.push(row_problem(
                        row,
                        "Id",
                        id_text,
                        "anggota tidak ditemukan di wilayah kerja Anda",
                    ));
                    continue;
                };
                let base = person_row(&current.record);
                let cells = unmask(
                    overlay(base.clone(), PERSON_COLUMNS, PERSON_SERVER_COLUMNS, row),
                    &base,
                    actor.role,
                );
                if let Some((column, masked)) = still_masked(&cells) {
                    report.problems.push(row_problem(
                        row,
                        column_label(column),
                        masked,
                        "nomor yang disamarkan tidak dapat diunggah sebagai nomor: unduh anggota dengan NIK dan No KK utuh untuk memperbaikinya",
                    ));
                    continue;
                }
                let nik = person_row_nik(&cells);
                if nik != current.record.nik.raw()
                    && let Err(e) = Nik::parse(nik)
                {
                    report.problems.push(row_problem(
                        row,
                        column_label("nik"),
                        nik,
                        e.indonesian(),
                    ));
                    continue;
                }
                let person = match parse_every_cell(
                    PERSON_COLUMNS,
                    cells.clone(),
                    &person_row(&current.record),
                    person_from_row,
                ) {
                    Ok(p) => p,
                    Err(bad) => {
                        report.problems.extend(
                            bad.iter()
                                .map(|e| field_problem(row, PERSON_COLUMNS, &cells, e)),
                        );
                        continue;
                    }
                };
                if person == current.record {
                    report.unchanged += 1;
                    continue;
                }
                let content = ProposalContent::PersonCorrection {
                    person,
                    base_version: current.version,
                };
                candidates.push((content, run.note.clone()));
            }
        }
        self.write_drafts(actor, report, candidates, run).await
    }

    /// The last step of every proposal upload: candidates an open proposal already asks for are
    /// counted and left out; then, unless problems stop an all-or-nothing upload, each remaining
    /// candidate becomes a draft with its note.
    async fn write_drafts(
        &self,
        actor: &Actor,
        mut report: UploadReport,
        candidates: Vec<(ProposalContent, String)>,
        run: &UploadRun,
    ) -> Result<UploadReport> {
        let mut ready = Vec::with_capacity(candidates.len());
        for (content, note) in candidates {
            if run.progress.cancelled() {
                return Ok(cancelled(report));
            }
            if self.open_proposal_asks(&content).await? {
                report.already_proposed += 1;
            } else {
                ready.push((content, note));
            }
        }
        if run.mode == UploadMode::AllOrNothing && !report.problems.is_empty() {
            return Ok(report);
        }
        run.progress.start_writing(ready.len());
        for batch in ready.chunks(PROPOSALS_PER_TRANSACTION) {
            if run.progress.cancelled() {
                report.cancelled = true;
                break;
            }
            report
                .proposed
                .extend(self.propose_all(actor, batch).await?);
            report.written = true;
            run.progress.wrote(batch.len() as u64);
        }
        if !report.cancelled {
            report.written = true;
        }
        Ok(report)
    }

    /// The members named by `rows` (their `id` cells) that lie in the actor's scope.
    async fn persons_of_rows(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
    ) -> Result<HashMap<Uuid, Versioned<Person>>> {
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| cell(r, "id").parse().ok())
            .collect();
        Ok(self
            .records_in_scope(actor, Records::Persons, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, r)| match r {
                Record::Person(p) => Some((id, p)),
                Record::Household(_) => None,
            })
            .collect())
    }

    /// The households named by `rows` (their `id` cells) that lie in the actor's scope.
    async fn households_of_rows(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
    ) -> Result<HashMap<Uuid, Versioned<Household>>> {
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| cell(r, "id").parse().ok())
            .collect();
        Ok(self
            .records_in_scope(actor, Records::Households, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, r)| match r {
                Record::Household(h) => Some((id, h)),
                Record::Person(_) => None,
            })
            .collect())
    }

    /// The records with these ids that lie in the actor's scope, read in a few queries and
    /// audited as one view (an upload reads every row it names).
    async fn records_in_scope(
        &self,
        actor: &Actor,
        table: Records,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Record>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let mut found = HashMap::new();
        let mut tx = self.begin_read().await?;
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT * FROM {} WHERE id IN ({})",
                match table {
                    Records::Persons => "persons",
                    Records::Households => "households",
                },
                placeholders.join(", ")
            );
            let rows = with_tx!(&mut tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(id.to_string());
                }
                let rows = q.fetch_all(&mut **c).await?;
                rows.iter()
                    .map(|r| {
                        let record = match table {
                            Records::Persons => {
                                let (record, version) = stored_person(r, &self.keys())?;
                                Record::Person(Versioned { record, version })
                            }
                            Records::Households => {
                                let (record, version) = stored_household(r)?;
                                Record::Household(Versioned { record, version })
                            }
                        };
                        Ok((record, r.text("village_code")?))
                    })
                    .collect::<Result<Vec<_>>>()?
            });
            for (record, village) in rows {
                let village = RegionCode::parse(&village)
                    .map_err(|_| StoreError::Corrupt("village_code".into()))?;
                if actor.scope.contains(&village) {
                    let id = match &record {
                        Record::Person(p) => p.record.id.0,
                        Record::Household(h) => h.record.id.0,
                    };
                    found.insert(id, record);
                }
            }
        }
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: match table {
                    Records::Persons => "upload.read_persons",
                    Records::Households => "upload.read_households",
                },
                target_kind: "region",
                target_id: actor.scope.key(),
                region_code: actor.scope.key(),
                detail: format!("rows={}", found.len()),
            },
        )
        .await?;
        Ok(found)
    }

    /// Household corrections from an uploaded sheet (an export of households, or the corrections
    /// template's `Rumah tangga` sheet): each changed row a correction draft. The village stays:
    /// moving a household is a move proposal.
    pub async fn upload_household_corrections(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        let mut seen: HashMap<Uuid, u32> = HashMap::new();
        run.progress.start(rows.len());
        for chunk in rows.chunks(ROWS_PER_LOOKUP) {
            let known = self.households_of_rows(actor, chunk).await?;
            for row in chunk {
                if run.progress.next_row() {
                    return Ok(cancelled(report));
                }
                let id_text = cell(row, "id");
                let id = id_text.parse::<Uuid>().ok();
                if let Some(first) = id.and_then(|id| seen.insert(id, row.row)) {
                    report.problems.push(row_problem(
                        row,
                        "Id",
                        id_text,
                        format!(
                            "id yang sama sudah ada di baris {first}; satu baris per rumah tangga"
                        ),
                    ));
                    continue;
                }
                let Some(current) = id.and_then(|id| known.get(&id)) else {
                    report.problems.push(row_problem(
                    row,
                    "Id",
                    id_text,
                    "rumah tangga tidak ditemukan di wilayah kerja Anda (isi Id dari ekspor siks)",
                ));
                    continue;
                };
                let moved =
                    row.cells()
                        .find(|(c, _)| *c == "village_code")
                        .is_some_and(|(_, v)| {
                            code_of_choice(v.trim()) != current.record.address.village.as_str()
                        });
                if moved {
                    report.problems.push(row_problem(
                        row,
                        column_label("village_code"),
                        "",
                        "pindah desa/kelurahan diajukan sebagai usulan pindah, bukan perbaikan",
                    ));
                    continue;
                }
                let cells = overlay(
                    household_row(&current.record),
                    HOUSEHOLD_COLUMNS,
                    HOUSEHOLD_SERVER_COLUMNS,
                    row,
                );
                let household = match parse_every_cell(
                    HOUSEHOLD_COLUMNS,
                    cells.clone(),
                    &household_row(&current.record),
                    |r| household_from_row(r, Regions::embedded()),
                ) {
                    Ok(h) => h,
                    Err(bad) => {
                        report.problems.extend(
                            bad.iter()
                                .map(|e| field_problem(row, HOUSEHOLD_COLUMNS, &cells, e)),
                        );
                        continue;
                    }
                };
                if household == current.record {
                    report.unchanged += 1;
                    continue;
                }
                let content = ProposalContent::HouseholdCorrection {
                    household,
                    base_version: current.version,
                };
                candidates.push((content, run.note.clone()));
            }
        }
        self.write_drafts(actor, report, candidates, run).await
    }

    /// Whether a proposal still open (not applied, not rejected) asks exactly for `content`.
    async fn open_proposal_asks(&self, content: &ProposalContent) -> Result<bool> {
        let person = content.person().map(|p| p.to_string());
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT content FROM proposals WHERE household_id = $1 \
                 AND stage NOT IN ('ditetapkan', 'ditolak', 'dibatalkan') AND ($2 = '' OR person_id = $2)",
            )
            .bind(content.household().to_string())
            .bind(person.unwrap_or_default())
            .fetch_all(p)
            .await?;
            for r in &rows {
                if crate::proposals::open_content(&self.keys(), &r.text("content")?)? == *content {
                    return Ok(true);
                }
            }
            Ok::<bool, StoreError>(false)
        })
    }
}

/// The record's interchange row with the uploaded cells written over it: every column of
/// `columns` the row carries, except those the server sets; a drop-down's `code - label` gives
/// its code.
fn overlay(
    mut cells: Vec<String>,
    columns: &[&str],
    server: &[&str],
    row: &UploadRow,
) -> Vec<String> {
    for (column, value) in row.cells() {
        if server.contains(&column) {
            continue;
        }
        if let Some(i) = columns.iter().position(|c| *c == column) {
            cells[i] = code_of_choice(value.trim()).to_string();
        }
    }
    cells
}

/// A row from a masked export (issue 19), against the member's row as stored (`current`): a
/// NIK or No KK cell that is exactly the mask of the member's own number stands for that number,
/// unchanged (a mask is never a number: it holds `*`); and the fields `role` does not see (an
/// export left them empty) stay as they are, since nobody corrects what they cannot see.
fn unmask(mut cells: Vec<String>, current: &[String], role: siks_domain::Role) -> Vec<String> {
    use siks_domain::disclosure::SpecificField;
    let at = |column: &str| PERSON_COLUMNS.iter().position(|c| *c == column);
    for column in ["nik", "no_kk"] {
        if let Some(i) = at(column)
            && let (Some(cell), Some(raw)) = (cells.get(i), current.get(i))
            && cell != raw
            && *cell == siks_domain::disclosure::masked(raw)
        {
            cells[i] = raw.clone();
        }
    }
    let kept: &[(SpecificField, &[&str])] = &[
        (SpecificField::MotherName, &["mother_name"]),
        (
            SpecificField::Health,
            &[
                "pregnant",
                "disability",
                "disability_severity",
                "chronic_illness",
            ],
        ),
    ];
    for (field, columns) in kept {
        if field.shown_by_default(role) {
            continue;
        }
        for column in *columns {
            if let Some(i) = at(column)
                && let Some(raw) = current.get(i)
            {
                cells[i] = raw.clone();
            }
        }
    }
    cells
}

/// A NIK or No KK cell still masked after [`unmask`] (the mask of another number, or of one
/// since corrected): never taken for a number.
fn still_masked(cells: &[String]) -> Option<(&'static str, &str)> {
    ["nik", "no_kk"].into_iter().find_map(|column| {
        let i = PERSON_COLUMNS.iter().position(|c| *c == column)?;
        let cell = cells.get(i)?;
        cell.contains('*').then_some((column, cell.as_str()))
    })
}

/// The NIK cell of a row of [`PERSON_COLUMNS`].
fn person_row_nik(cells: &[String]) -> &str {
    PERSON_COLUMNS
        .iter()
        .position(|c| *c == "nik")
        .and_then(|i| cells.get(i))
        .map(String::as_str)
        .unwrap_or("")
}

/// A cell the interchange parser refused, as a problem of the row.
fn field_problem(
    row: &UploadRow,
    columns: &[&str],
    cells: &[String],
    e: &siks_domain::interchange::FieldError,
) -> RowProblem {
    let value = columns
        .iter()
        .position(|c| *c == e.column)
        .and_then(|i| cells.get(i))
        .map(String::as_str)
        .unwrap_or("");
    row_problem(row, column_label(e.column), value, e.reason.clone())
}

/// The report of an upload cancelled before anything was written.
fn cancelled(mut report: UploadReport) -> UploadReport {
    report.cancelled = true;
    report.written = false;
    report
}

fn cell<'a>(row: &'a UploadRow, key: &str) -> &'a str {
    row.cells()
        .find(|(c, _)| *c == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn row_problem(row: &UploadRow, label: &str, value: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
        sheet: row.sheet.clone(),
        row: row.row,
        column: label.to_string(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Removal rows' keys and the headers they come under.
pub const REMOVAL_COLUMNS: &[(&str, &str)] = &[
    ("household_id", "Id rumah tangga"),
    ("person_id", "Id anggota"),
    ("reason", "Alasan"),
    ("note", "Keterangan"),
];

/// Verivali result rows' keys and headers.
pub const RESULT_COLUMNS: &[(&str, &str)] = &[
    ("finding_id", "Id temuan"),
    ("result", "Hasil"),
    ("reason", "Alasan"),
];

impl Store {
    /// Removal proposals from an uploaded sheet ([`REMOVAL_COLUMNS`]), each in draft with its
    /// row's note.
    pub async fn upload_removals(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        use siks_domain::codes::InactiveReason;
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        run.progress.start(rows.len());
        for row in rows {
            if run.progress.next_row() {
                return Ok(cancelled(report));
            }
            let household_text = cell(row, "household_id");
            let Ok(household) = household_text.parse::<Uuid>() else {
                report.problems.push(row_problem(
                    row,
                    "Id rumah tangga",
                    household_text,
                    "id rumah tangga wajib diisi dari ekspor siks",
                ));
                continue;
            };
            let person_text = cell(row, "person_id");
            let person = match person_text {
                "" => None,
                t => match t.parse::<Uuid>() {
                    Ok(p) => Some(siks_domain::PersonId(p)),
                    Err(_) => {
                        report.problems.push(row_problem(
                            row,
                            "Id anggota",
                            t,
                            "bukan id anggota yang sah (kosongkan untuk seluruh rumah tangga)",
                        ));
                        continue;
                    }
                },
            };
            let reason_text = cell(row, "reason");
            let reason = match <InactiveReason as siks_domain::Coded>::parse_code(code_of_choice(
                reason_text,
            )) {
                Ok(r) => r,
                Err(e) => {
                    report
                        .problems
                        .push(row_problem(row, "Alasan", reason_text, e.indonesian()));
                    continue;
                }
            };
            let note = cell(row, "note");
            if note.chars().count() < 5 {
                report.problems.push(row_problem(
                    row,
                    "Keterangan",
                    note,
                    "keterangan wajib diisi (paling sedikit 5 huruf)",
                ));
                continue;
            }
            let content = ProposalContent::Removal {
                household: siks_domain::HouseholdId(household),
                person,
                reason,
                evidence: Some(note.to_string()),
            };
            match self.check_proposal(actor, &content).await {
                Ok(()) => {}
                Err(StoreError::NotFound) => {
                    report.problems.push(row_problem(
                        row,
                        "Id rumah tangga",
                        household_text,
                        "rumah tangga atau anggota tidak ditemukan di wilayah kerja Anda",
                    ));
                    continue;
                }
                Err(e @ (StoreError::Invalid { .. } | StoreError::Forbidden(_))) => {
                    report
                        .problems
                        .push(row_problem(row, "", "", e.indonesian()));
                    continue;
                }
                Err(e) => return Err(e),
            }
            candidates.push((content, note.to_string()));
        }
        self.write_drafts(actor, report, candidates, run).await
    }

    /// Verivali results from an uploaded sheet ([`RESULT_COLUMNS`]): `1` marks an open finding
    /// fixed (the next check run reopens it if the record still shows it), `2` dismisses it
    /// with the reason. `proposed` stays empty; `unchanged` counts the findings settled, and
    /// `already_proposed` those settled so before (the same file again).
    pub async fn upload_results(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut ready = Vec::new();
        run.progress.start(rows.len());
        for row in rows {
            if run.progress.next_row() {
                return Ok(cancelled(report));
            }
            let id_text = cell(row, "finding_id");
            let Ok(id) = id_text.parse::<Uuid>() else {
                report.problems.push(row_problem(
                    row,
                    "Id temuan",
                    id_text,
                    "id temuan wajib diisi dari ekspor temuan siks",
                ));
                continue;
            };
            let result_text = cell(row, "result");
            let fixed = match code_of_choice(result_text) {
                "1" => true,
                "2" => false,
                _ => {
                    report.problems.push(row_problem(
                        row,
                        "Hasil",
                        result_text,
                        "pilih 1 (sudah diperbaiki) atau 2 (ditolak)",
                    ));
                    continue;
                }
            };
            let reason = cell(row, "reason");
            if !fixed && reason.chars().count() < 5 {
                report.problems.push(row_problem(
                    row,
                    "Alasan",
                    reason,
                    "alasan menolak temuan wajib diisi (paling sedikit 5 huruf)",
                ));
                continue;
            }
            match self.finding_status_in_scope(actor, id).await? {
                Some(FindingStatus::Open) => ready.push((id, fixed, reason.to_string())),
                // The same file again: settled as it asks already.
                Some(FindingStatus::Fixed) if fixed => report.already_proposed += 1,
                Some(FindingStatus::Dismissed) if !fixed => report.already_proposed += 1,
                Some(_) => report.problems.push(row_problem(
                    row,
                    "Id temuan",
                    id_text,
                    "temuan ini sudah diselesaikan dengan hasil lain; tidak terbuka lagi",
                )),
                None => report.problems.push(row_problem(
                    row,
                    "Id temuan",
                    id_text,
                    "temuan ini tidak ditemukan di wilayah kerja Anda",
                )),
            }
        }
        if run.mode == UploadMode::AllOrNothing && !report.problems.is_empty() {
            return Ok(report);
        }
        run.progress.start_writing(ready.len());
        for (id, fixed, reason) in &ready {
            if run.progress.cancelled() {
                report.cancelled = true;
                return Ok(report);
            }
            if *fixed {
                self.mark_finding_fixed(actor, *id, reason).await?;
            } else {
                self.dismiss_finding(actor, *id, reason).await?;
            }
            report.written = true;
            report.unchanged += 1;
            run.progress.wrote(1);
        }
        report.written = true;
        Ok(report)
    }
}

pub use siks_domain::entry::HOUSEHOLD_NO;

/// Where a NIK already stands: in the register (a household not inactive) or in an open
/// new-household proposal.
struct NikHolder {
    household: Uuid,
    proposal: bool,
}

impl Store {
    /// New households from the `rumah-tangga-baru` template: each row of `households` with the
    /// rows of `members` that carry its `No. ruta` becomes one new-household proposal in draft,
    /// checked with the form's rules (every household field chosen, well-formed NIK and No KK
    /// agreeing with the person, a name, one head). A household is whole or not at all: a bad
    /// member holds its household back. A household whose members' NIKs all stand in one
    /// household of the register is counted unchanged, in one open proposal already proposed,
    /// so uploading the same file twice creates nothing twice; a NIK held anywhere else is a
    /// problem of its row.
    pub async fn upload_new_households(
        &self,
        actor: &Actor,
        households: &[UploadRow],
        members: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        run.progress.start(households.len() + members.len());
        let mut by_no: HashMap<&str, Vec<&UploadRow>> = HashMap::new();
        let mut in_file: HashMap<String, u32> = HashMap::new();
        for m in members {
            let no = cell(m, HOUSEHOLD_NO.0);
            if no.is_empty() {
                report.problems.push(row_problem(
                    m,
                    HOUSEHOLD_NO.1,
                    "",
                    "No. ruta wajib diisi: nomor rumah tangga anggota ini di lembar Rumah tangga",
                ));
                continue;
            }
            by_no.entry(no).or_default().push(m);
        }
        let niks: Vec<String> = members
            .iter()
            .map(|m| cell(m, "nik").to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let holders = self.nik_holders(actor, &niks).await?;
        let fallback = Regions::embedded()
            .iter()
            .find(|r| r.level() == siks_domain::RegionLevel::Village)
            .map(|r| r.code.clone())
            .ok_or_else(|| StoreError::Corrupt("regions: no village".into()))?;
        let mut seen_no: HashMap<&str, u32> = HashMap::new();
        // Rows the progress has counted.
        let mut counted = 0u64;
        let mut candidates = Vec::new();
        for h in households {
            if run.progress.cancelled() {
                return Ok(cancelled(report));
            }
            let no = cell(h, HOUSEHOLD_NO.0);
            let its_members = by_no.remove(no).unwrap_or_default();
            run.progress.checked(1 + its_members.len() as u64);
            counted += 1 + its_members.len() as u64;
            if no.is_empty() {
                report.problems.push(row_problem(
                    h,
                    HOUSEHOLD_NO.1,
                    "",
                    "No. ruta wajib diisi (1, 2, 3, ...): anggota menunjuk ke nomor ini",
                ));
                continue;
            }
            if let Some(first) = seen_no.insert(no, h.row) {
                report.problems.push(row_problem(
                    h,
                    HOUSEHOLD_NO.1,
                    no,
                    format!(
                        "No. ruta yang sama sudah ada di baris {first}; satu nomor per rumah tangga"
                    ),
                ));
                continue;
            }
            let before = report.problems.len();
            let household = self.new_household_of(actor, h, &fallback, &mut report);
            let mut people = Vec::with_capacity(its_members.len());
            for m in &its_members {
                let household_id = household.as_ref().map(|h| h.id).unwrap_or_default();
                if let Some(p) = new_member_of(m, household_id, &mut in_file, &mut report) {
                    people.push(p);
                }
            }
            if its_members.is_empty() {
                report.problems.push(row_problem(
                    h,
                    HOUSEHOLD_NO.1,
                    no,
                    "rumah tangga ini tidak punya anggota: isi lembar Anggota dengan No. ruta ini",
                ));
            } else {
                let heads = people
                    .iter()
                    .filter(|p| p.relation_to_head == siks_domain::codes::Relation::Head)
                    .count();
                if people.len() == its_members.len() && heads != 1 {
                    report.problems.push(row_problem(
                        h,
                        HOUSEHOLD_NO.1,
                        no,
                        format!(
                            "rumah tangga harus punya tepat satu kepala rumah tangga (ada {heads})"
                        ),
                    ));
                }
            }
            let Some(household) = household else {
                continue;
            };
            if report.problems.len() > before {
                if people.len() < its_members.len() {
                    report.problems.push(row_problem(
                        h,
                        "",
                        "",
                        "anggota rumah tangga ini bermasalah (lihat lembar Anggota); rumah tangga tidak disimpan",
                    ));
                }
                continue;
            }
            match recognised(&people, &holders) {
                Recognised::New => {}
                Recognised::Registered => {
                    report.unchanged += 1;
                    continue;
                }
                Recognised::Proposed => {
                    report.already_proposed += 1;
                    continue;
                }
                Recognised::Elsewhere(held) => {
                    for (i, place) in held {
                        report.problems.push(row_problem(
                            its_members[i],
                            column_label("nik"),
                            cell(its_members[i], "nik"),
                            format!("NIK sudah {place}; ajukan perbaikan atau pindah, bukan rumah tangga baru"),
                        ));
                    }
                    continue;
                }
            }
            candidates.push((
                ProposalContent::NewHousehold {
                    household,
                    members: people,
                },
                run.note.clone(),
            ));
        }
        for rows in by_no.values() {
            for m in rows {
                report.problems.push(row_problem(
                    m,
                    HOUSEHOLD_NO.1,
                    cell(m, HOUSEHOLD_NO.0),
                    "No. ruta ini tidak ada di lembar Rumah tangga",
                ));
            }
        }
        // The members no household row took up: without a number, or with a stray one.
        run.progress
            .checked((households.len() + members.len()) as u64 - counted);
        report
            .problems
            .sort_by(|a, b| (&a.sheet, a.row).cmp(&(&b.sheet, b.row)));
        self.write_drafts(actor, report, candidates, run).await
    }

    /// The household of a new-household row, its problems added to `report`: every field
    /// must be chosen, and its village must be a village in the actor's scope.
    fn new_household_of(
        &self,
        actor: &Actor,
        row: &UploadRow,
        fallback: &RegionCode,
        report: &mut UploadReport,
    ) -> Option<Household> {
        let base = household_row(&blank_household(fallback.clone()));
        let mut blank = base.clone();
        for (i, column) in HOUSEHOLD_COLUMNS.iter().enumerate() {
            if CHOOSE_ON_NEW.contains(column) || *column == "village_code" {
                blank[i].clear();
            }
        }
        let cells = overlay(blank, HOUSEHOLD_COLUMNS, HOUSEHOLD_SERVER_COLUMNS, row);
        match parse_every_cell(HOUSEHOLD_COLUMNS, cells.clone(), &base, |r| {
            household_from_row(r, Regions::embedded())
        }) {
            Ok(h) => {
                let village = &h.address.village;
                if village.level() != siks_domain::RegionLevel::Village {
                    report.problems.push(row_problem(
                        row,
                        column_label("village_code"),
                        village.as_str(),
                        "isi kode desa/kelurahan (10 angka bertitik), bukan kode wilayah di atasnya",
                    ));
                    None
                } else if !actor.scope.contains(village) {
                    report.problems.push(row_problem(
                        row,
                        column_label("village_code"),
                        village.as_str(),
                        format!(
                            "desa/kelurahan di luar wilayah kerja Anda ({})",
                            actor.scope
                        ),
                    ));
                    None
                } else {
                    Some(h)
                }
            }
            Err(bad) => {
                report.problems.extend(
                    bad.iter()
                        .map(|e| field_problem(row, HOUSEHOLD_COLUMNS, &cells, e)),
                );
                None
            }
        }
    }

    /// Where each of these NIKs already stands: a person of the register who is not inactive,
    /// or a member of an open new-household proposal. Read to recognise a file uploaded again;
    /// nobody's record is shown, so this is not a view.
    ///
    /// Only holders inside the uploader's scope are returned: a NIK held elsewhere does not
    /// reveal itself to a village (ADR 0016); its row becomes a draft like any other, and the
    /// clash is the regency's finding and the close's business.
    async fn nik_holders(
        &self,
        actor: &Actor,
        niks: &[String],
    ) -> Result<HashMap<String, NikHolder>> {
        let mut holders = HashMap::new();
        let mut tx = self.begin_read().await?;
        // Asked by their blind indexes, answered by the NIKs they were made from.
        let by_key: HashMap<String, &String> = niks
            .iter()
            .map(|nik| (self.keys().blind(Blind::Nik, nik), nik))
            .collect();
        let keys: Vec<&String> = by_key.keys().collect();
        for chunk in keys.chunks(IDS_PER_QUERY) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT nik_key, household_id, village_code FROM persons \
                 WHERE status <> 'inactive' AND nik_key IN ({})",
                placeholders.join(", ")
            );
            let rows: Vec<(String, String, String)> = with_tx!(&mut tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for key in chunk {
                    q = q.bind((*key).clone());
                }
                q.fetch_all(&mut **c)
                    .await?
                    .iter()
                    .map(|r| Ok((r.text("nik_key")?, r.text("household_id")?, r.text("village_code")?)))
                    .collect::<Result<Vec<_>>>()?
            });
            for (key, household, village) in rows {
                let Some(nik) = by_key.get(&key).map(|n| (*n).clone()) else {
                    continue;
                };
                if !RegionCode::parse(&village).is_ok_and(|v| actor.scope.contains(&v)) {
                    continue;
                }
                let household = household
                    .parse()
                    .map_err(|_| StoreError::Corrupt("persons.household_id".into()))?;
                holders.insert(
                    nik,
                    NikHolder {
                        household,
                        proposal: false,
                    },
                );
            }
        }
        let wanted: HashSet<&str> = niks.iter().map(String::as_str).collect();
        let open: Vec<(String, String)> = with_tx!(&mut tx, c => {
            sqlx::query(
                "SELECT content, village_code FROM proposals WHERE kind = $1 \
                 AND stage NOT IN ('ditetapkan', 'ditolak', 'dibatalkan')",
            )
            .bind(i64::from(siks_domain::workflow::ProposalKind::NewHousehold.code()))
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|r| Ok((r.text("content")?, r.text("village_code")?)))
            .collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        for (content, village) in open {
            if !RegionCode::parse(&village).is_ok_and(|v| actor.scope.contains(&v)) {
                continue;
            }
            if let ProposalContent::NewHousehold { household, members } =
                crate::proposals::open_content(&self.keys(), &content)?
            {
                for m in members {
                    let nik = m.nik.raw();
                    if wanted.contains(nik.as_str()) && !holders.contains_key(&nik) {
                        holders.insert(
                            nik,
                            NikHolder {
                                household: household.id.0,
                                proposal: true,
                            },
                        );
                    }
                }
            }
        }
        Ok(holders)
    }
}

/// What the register already knows of a new household's members.
enum Recognised {
    /// None of their NIKs.
    New,
    /// All of them, in one household of the register.
    Registered,
    /// All of them, in one open new-household proposal.
    Proposed,
    /// Some, elsewhere: (member's index, where, as a message says it).
    Elsewhere(Vec<(usize, String)>),
}

/// `holders` are inside the uploader's scope only (see `nik_holders`).
fn recognised(people: &[Person], holders: &HashMap<String, NikHolder>) -> Recognised {
    let held: Vec<(usize, &NikHolder)> = people
        .iter()
        .enumerate()
        .filter_map(|(i, p)| holders.get(&p.nik.raw()).map(|h| (i, h)))
        .collect();
    let Some((_, first)) = held.first() else {
        return Recognised::New;
    };
    let one = held
        .iter()
        .all(|(_, h)| h.household == first.household && h.proposal == first.proposal);
    if held.len() == people.len() && one {
        return if first.proposal {
            Recognised::Proposed
        } else {
            Recognised::Registered
        };
    }
    Recognised::Elsewhere(
        held.into_iter()
            .map(|(i, h)| {
                let place = if h.proposal {
                    "ada di usulan rumah tangga baru yang masih berjalan".to_string()
                } else {
                    "terdaftar di rumah tangga lain di wilayah kerja Anda".to_string()
                };
                (i, place)
            })
            .collect(),
    )
}

/// The member of a new-household row, its problems added to `report`: the form's rules for
/// new members, and a NIK not twice in the file.
fn new_member_of(
    row: &UploadRow,
    household: siks_domain::HouseholdId,
    in_file: &mut HashMap<String, u32>,
    report: &mut UploadReport,
) -> Option<Person> {
    let base = person_row(&blank_person(household, siks_domain::codes::Relation::Head));
    let mut blank = base.clone();
    for (i, column) in PERSON_COLUMNS.iter().enumerate() {
        if FILL_ON_NEW.contains(column) || *column == "relation_to_head" {
            blank[i].clear();
        }
    }
    let cells = overlay(blank, PERSON_COLUMNS, PERSON_SERVER_COLUMNS, row);
    let before = report.problems.len();
    let parsed = parse_every_cell(PERSON_COLUMNS, cells.clone(), &base, person_from_row);
    let mut reported = Vec::new();
    let person = match parsed {
        Ok(mut p) => {
            p.relation_to_family_head = p.relation_to_head;
            Some(p)
        }
        Err(bad) => {
            for e in &bad {
                reported.push(e.column);
                report
                    .problems
                    .push(field_problem(row, PERSON_COLUMNS, &cells, e));
            }
            None
        }
    };
    let nik = cell(row, "nik");
    for (column, reason) in new_member_problems(
        nik,
        cell(row, "no_kk"),
        cell(row, "full_name"),
        person.as_ref(),
        &reported,
    ) {
        let value = cell(row, column);
        report
            .problems
            .push(row_problem(row, column_label(column), value, reason));
    }
    if !nik.is_empty()
        && let Some(first) = in_file.insert(nik.to_string(), row.row)
    {
        report.problems.push(row_problem(
            row,
            column_label("nik"),
            nik,
            format!("NIK yang sama sudah ada di baris {first} lembar Anggota"),
        ));
    }
    person.filter(|_| report.problems.len() == before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_export_reads_back_as_the_members_own_numbers_and_nothing_else() {
        let mut person = siks_domain::entry::blank_person_as(
            siks_domain::PersonId::new(),
            siks_domain::HouseholdId::new(),
            siks_domain::codes::Relation::Head,
        );
        person.nik = siks_domain::Recorded::nik("3523011203850001").unwrap();
        person.no_kk = siks_domain::Recorded::no_kk("3523011203150004").unwrap();
        person.mother_name = "Siti Aminah".into();
        let current = person_row(&person);
        let at = |c: &str| PERSON_COLUMNS.iter().position(|x| *x == c).unwrap();
        let (shown, _) = siks_domain::disclosure::withhold(&person, |_| false);
        let exported = person_row(&shown);
        assert_eq!(exported[at("nik")], "3523**********01");
        // As a village sends it back: the numbers read as the member's own, the rest as sent.
        let back = unmask(
            exported.clone(),
            &current,
            siks_domain::Role::VillageOperator,
        );
        assert_eq!(back[at("nik")], "3523011203850001");
        assert_eq!(back[at("no_kk")], "3523011203150004");
        assert_eq!(
            back[at("mother_name")],
            "",
            "a village sees it: what it sent stands"
        );
        assert_eq!(still_masked(&back), None);
        // An admin, who does not see the mother's name, does not blank it by sending it back.
        let back = unmask(exported.clone(), &current, siks_domain::Role::Admin);
        assert_eq!(back[at("mother_name")], "Siti Aminah");
        // The mask of another number is no number.
        let mut other = exported;
        other[at("no_kk")] = "3523**********99".into();
        let back = unmask(other, &current, siks_domain::Role::VillageOperator);
        assert_eq!(still_masked(&back), Some(("no_kk", "3523**********99")));
    }

    #[test]
    fn a_short_row_gives_its_own_cells_only() {
        let row = UploadRow {
            sheet: "Anggota".into(),
            row: 2,
            columns: vec![Some("id"), None, Some("full_name"), Some("mother_name")].into(),
            cells: TextRow::new(["a1", "lewat", "Siti"]),
        };
        let cells: Vec<(&str, &str)> = row.cells().collect();
        assert_eq!(cells, [("id", "a1"), ("full_name", "Siti")]);
        assert_eq!(cell(&row, "mother_name"), "");
    }
}
