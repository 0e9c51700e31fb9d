//! Uploaded sheets. Corrections: rows of members (as an export or the corrections template writes them,
//! each with its id) become correction proposals in draft, in the uploader's scope. Each row is
//! checked with the import's rules on top of the record as the register holds it; a row that
//! changes nothing, or that an open proposal already asks for, creates nothing (so uploading the
//! same file twice creates nothing twice). Removals: each row a removal proposal in draft.
//! Verivali results: each row settles an open finding (fixed, or dismissed with a reason).
//! Either nothing is written unless every row is valid, or only the valid rows are; a row is one
//! proposal or one finding, never half-written.

use siks_domain::interchange::{
    HOUSEHOLD_COLUMNS, HOUSEHOLD_SERVER_COLUMNS, PERSON_COLUMNS, PERSON_SERVER_COLUMNS,
    code_of_choice, column_label, household_from_row, household_row, person_from_row, person_row,
};
use std::collections::HashMap;

use siks_domain::access::Action;
use siks_domain::workflow::ProposalContent;
use siks_domain::{Actor, Bilingual, Household, Nik, Person, RegionCode, Regions};
use uuid::Uuid;

use crate::Versioned;
use crate::audit::AuditEvent;
use crate::records::{household_from_row as stored_household, person_from_row as stored_person};
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// Ids read per query when an upload looks up its rows.
const IDS_PER_QUERY: usize = 500;

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

/// One uploaded row: where it stands in the file, and its cells by interchange column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub row: u32,
    pub cells: Vec<(&'static str, String)>,
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
}

impl Store {
    /// Member corrections from an uploaded sheet (see the module comment).
    pub async fn upload_person_corrections(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        mode: UploadMode,
        note: &str,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| cell(r, "id").parse().ok())
            .collect();
        let mut seen: HashMap<Uuid, u32> = HashMap::new();
        let known: HashMap<Uuid, Versioned<Person>> = self
            .records_in_scope(actor, Records::Persons, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, r)| match r {
                Record::Person(p) => Some((id, p)),
                Record::Household(_) => None,
            })
            .collect();
        for row in rows {
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
            let cells = overlay(
                person_row(&current.record),
                PERSON_COLUMNS,
                PERSON_SERVER_COLUMNS,
                row,
            );
            let nik = person_row_nik(&cells);
            if nik != current.record.nik.raw()
                && let Err(e) = Nik::parse(nik)
            {
                report
                    .problems
                    .push(row_problem(row, column_label("nik"), nik, e.indonesian()));
                continue;
            }
            let person = match person_from_row(&csv::StringRecord::from(cells.clone())) {
                Ok(p) => p,
                Err(e) => {
                    report
                        .problems
                        .push(field_problem(row, PERSON_COLUMNS, &cells, &e));
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
            candidates.push((content, note.to_string()));
        }
        self.write_drafts(actor, report, candidates, mode).await
    }

    /// The last step of every proposal upload: candidates an open proposal already asks for are
    /// counted and left out; then, unless problems stop an all-or-nothing upload, each remaining
    /// candidate becomes a draft with its note.
    async fn write_drafts(
        &self,
        actor: &Actor,
        mut report: UploadReport,
        candidates: Vec<(ProposalContent, String)>,
        mode: UploadMode,
    ) -> Result<UploadReport> {
        let mut ready = Vec::with_capacity(candidates.len());
        for (content, note) in candidates {
            if self.open_proposal_asks(&content).await? {
                report.already_proposed += 1;
            } else {
                ready.push((content, note));
            }
        }
        if mode == UploadMode::AllOrNothing && !report.problems.is_empty() {
            return Ok(report);
        }
        for (content, note) in &ready {
            report
                .proposed
                .push(self.propose(actor, content, note).await?);
        }
        report.written = true;
        Ok(report)
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
                                let (record, version) = stored_person(r)?;
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
        mode: UploadMode,
        note: &str,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| cell(r, "id").parse().ok())
            .collect();
        let mut seen: HashMap<Uuid, u32> = HashMap::new();
        let known: HashMap<Uuid, Versioned<Household>> = self
            .records_in_scope(actor, Records::Households, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, r)| match r {
                Record::Household(h) => Some((id, h)),
                Record::Person(_) => None,
            })
            .collect();
        for row in rows {
            let id_text = cell(row, "id");
            let id = id_text.parse::<Uuid>().ok();
            if let Some(first) = id.and_then(|id| seen.insert(id, row.row)) {
                report.problems.push(row_problem(
                    row,
                    "Id",
                    id_text,
                    format!("id yang sama sudah ada di baris {first}; satu baris per rumah tangga"),
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
            let moved = row
                .cells
                .iter()
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
            let household = match household_from_row(
                &csv::StringRecord::from(cells.clone()),
                Regions::embedded(),
            ) {
                Ok(h) => h,
                Err(e) => {
                    report
                        .problems
                        .push(field_problem(row, HOUSEHOLD_COLUMNS, &cells, &e));
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
            candidates.push((content, note.to_string()));
        }
        self.write_drafts(actor, report, candidates, mode).await
    }

    /// Whether a proposal still open (not applied, not rejected) asks exactly for `content`.
    async fn open_proposal_asks(&self, content: &ProposalContent) -> Result<bool> {
        let json = serde_json::to_string(content)?;
        let person = content.person().map(|p| p.to_string());
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT content FROM proposals WHERE household_id = $1 AND stage <> 'ditetapkan' \
                 AND stage <> 'ditolak' AND ($2 = '' OR person_id = $2)",
            )
            .bind(content.household().to_string())
            .bind(person.unwrap_or_default())
            .fetch_all(p)
            .await?;
            for r in &rows {
                if r.text("content")? == json {
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
    for (column, value) in &row.cells {
        if server.contains(column) {
            continue;
        }
        if let Some(i) = columns.iter().position(|c| c == column) {
            cells[i] = code_of_choice(value.trim()).to_string();
        }
    }
    cells
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

fn cell<'a>(row: &'a UploadRow, key: &str) -> &'a str {
    row.cells
        .iter()
        .find(|(c, _)| *c == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn row_problem(row: &UploadRow, label: &str, value: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
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
        mode: UploadMode,
    ) -> Result<UploadReport> {
        use siks_domain::codes::InactiveReason;
        let mut report = UploadReport::default();
        let mut candidates = Vec::new();
        for row in rows {
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
        self.write_drafts(actor, report, candidates, mode).await
    }

    /// Verivali results from an uploaded sheet ([`RESULT_COLUMNS`]): `1` marks an open finding
    /// fixed (the next check run reopens it if the record still shows it), `2` dismisses it
    /// with the reason. `proposed` stays empty; `unchanged` counts the findings settled.
    pub async fn upload_results(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        mode: UploadMode,
    ) -> Result<UploadReport> {
        let mut report = UploadReport::default();
        let mut ready = Vec::new();
        for row in rows {
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
            if !self.finding_open_in_scope(actor, id).await? {
                report.problems.push(row_problem(
                    row,
                    "Id temuan",
                    id_text,
                    "temuan terbuka ini tidak ditemukan di wilayah kerja Anda",
                ));
                continue;
            }
            ready.push((id, fixed, reason.to_string()));
        }
        if mode == UploadMode::AllOrNothing && !report.problems.is_empty() {
            return Ok(report);
        }
        for (id, fixed, reason) in &ready {
            if *fixed {
                self.mark_finding_fixed(actor, *id, reason).await?;
            } else {
                self.dismiss_finding(actor, *id, reason).await?;
            }
            report.unchanged += 1;
        }
        report.written = true;
        Ok(report)
    }
}
