//! Exports: the lists the pages show (households, members by name by address, findings) read
//! row by row from a read snapshot, inside the actor's scope, and handed to a sink that writes
//! them (a CSV or XLSX file). Nothing is collected in memory, so a province streams through. An
//! export of people is a view of each of them: it is audited once, with its region and size.

use futures_util::TryStreamExt;
use siks_domain::interchange::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row};
use siks_domain::{Actor, RegionCode};

use crate::audit::AuditEvent;
use crate::records::{household_from_row, person_from_row};
use crate::sealing::{FieldKeys, NoteColumn};
use crate::sql::{Cells, with_tx};
use crate::{Result, Store, StoreError};
use siks_domain::disclosure::{ExportNumbers, withhold};

/// Which list to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    /// Households in the interchange columns.
    Households,
    /// Members by name by address: the village code, then the interchange columns.
    Persons,
    /// Verivali findings with their evidence.
    Findings,
    /// Proposals with their stage (an inbox on paper).
    Proposals,
}

/// The proposal export's columns.
const PROPOSAL_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "kind_label",
    "village_code",
    "household_id",
    "person_id",
    "stage",
    "stage_label",
    "stage_reason",
    "period",
    "created_at",
    "updated_at",
];

/// The finding export's columns.
const FINDING_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "kind_label",
    "severity",
    "village_code",
    "household_id",
    "person_id",
    "other_person_id",
    "fields",
    "evidence",
    "status",
    "status_reason",
    "found_at",
];

impl ExportList {
    /// The key in URLs and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            ExportList::Households => "rumah-tangga",
            ExportList::Persons => "anggota",
            ExportList::Findings => "temuan",
            ExportList::Proposals => "usulan",
        }
    }

    /// The sheet's name in an XLSX (the upload looks for the same names).
    pub fn sheet_name(self) -> &'static str {
        match self {
            ExportList::Households => "Rumah tangga",
            ExportList::Persons => "Anggota",
            ExportList::Findings => "Temuan",
            ExportList::Proposals => "Usulan",
        }
    }

    pub fn from_key(key: &str) -> Option<ExportList> {
        [
            ExportList::Households,
            ExportList::Persons,
            ExportList::Findings,
            ExportList::Proposals,
        ]
        .into_iter()
        .find(|l| l.key() == key)
    }

    /// The Indonesian header of each column, in order.
    pub fn labels(self) -> Vec<&'static str> {
        self.columns()
            .into_iter()
            .map(|c| match (siks_domain::interchange::column_label(c), c) {
                ("", "kind") => "Kode jenis temuan",
                ("", "kind_label") => "Jenis temuan",
                ("", "severity") => "Tingkat",
                ("", "household_id") => "Id rumah tangga",
                ("", "person_id") => "Id anggota",
                ("", "other_person_id") => "Id anggota lain",
                ("", "fields") => "Kolom",
                ("", "evidence") => "Bukti",
                ("", "status_reason") => "Alasan status",
                ("", "found_at") => "Ditemukan",
                ("", "stage") => "Kode tahap",
                ("", "stage_label") => "Tahap",
                ("", "stage_reason") => "Alasan dikembalikan/ditolak",
                ("", "period") => "Periode penetapan",
                ("", "created_at") => "Dibuat",
                ("", "updated_at") => "Diubah",
                ("", other) => other,
                (label, _) => label,
            })
            .collect()
    }

    /// The column names, in order (interchange names; the caller may label them).
    pub fn columns(self) -> Vec<&'static str> {
        match self {
            ExportList::Households => HOUSEHOLD_COLUMNS.to_vec(),
            ExportList::Persons => std::iter::once("village_code")
                .chain(PERSON_COLUMNS.iter().copied())
                .collect(),
            ExportList::Findings => FINDING_COLUMNS.to_vec(),
            ExportList::Proposals => PROPOSAL_COLUMNS.to_vec(),
        }
    }
}

/// Why an export stopped: the store, or the sink (a full disk, a sheet's row limit).
#[derive(Debug)]
pub enum ExportError<E> {
    Store(StoreError),
    Sink(E),
}

impl<E> From<StoreError> for ExportError<E> {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl<E> From<sqlx::Error> for ExportError<E> {
    fn from(e: sqlx::Error) -> Self {
        ExportError::Store(e.into())
    }
}

impl Store {
    /// Streams `list` for `region` (default: the actor's scope) to `sink`, one row of cells at a
    /// time in the order of [`ExportList::columns`]; the number of rows.
    pub async fn export<E>(
        &self,
        actor: &Actor,
        list: ExportList,
        region: Option<&RegionCode>,
        numbers: ExportNumbers,
        mut sink: impl FnMut(&[String]) -> std::result::Result<(), E> + Send,
    ) -> std::result::Result<u64, ExportError<E>> {
        if !actor.may(siks_domain::Action::ExportPersonalData) {
            return Err(StoreError::Forbidden(siks_domain::Action::ExportPersonalData).into());
        }
        if matches!(numbers, ExportNumbers::Full(_)) && !actor.role.may_export_full_numbers() {
            return Err(StoreError::invalid_text(
                "peran Anda hanya dapat mengunduh NIK dan No KK yang disamarkan",
                "your role may download NIK and No KK only masked",
            )
            .into());
        }
        let role = actor.role;
        let scope = crate::stats::read_scope(actor, region)?;
        let (low, high) = scope.village_range();
        let sql = match list {
            ExportList::Households => {
                "SELECT * FROM households WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code, id"
            }
            ExportList::Persons => {
                "SELECT * FROM persons WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code, household_id, family_no, id"
            }
            ExportList::Findings => {
                "SELECT * FROM findings WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code, household_id, kind, id"
            }
            ExportList::Proposals => {
                "SELECT id, kind, village_code, household_id, person_id, stage, reason, period, \
                 created_at, updated_at FROM proposals WHERE village_code >= $1 AND village_code < $2 \
                 ORDER BY village_code, created_at, id"
            }
        };
        let mut tx = self.begin_read().await?;
        let mut count = 0u64;
        let mut failed: Option<E> = None;
        with_tx!(&mut tx, c => {
            let mut rows = sqlx::query(sql).bind(&low).bind(&high).fetch(&mut **c);
            while let Some(r) = rows.try_next().await? {
                let cells = match list {
                    ExportList::Households => household_row(&household_from_row(&r)?.0),
                    ExportList::Persons => {
                        let mut cells = vec![r.text("village_code")?];
                        let person = person_from_row(&r, &self.keys())?.0;
                        let (person, _) = withhold(&person, |f| numbers.shows(role, f));
                        cells.extend(person_row(&person));
                        cells
                    }
                    ExportList::Findings => finding_cells(&r, &self.keys())?,
                    ExportList::Proposals => proposal_cells(&r, &self.keys())?,
                };
                if let Err(e) = sink(&cells) {
                    failed = Some(e);
                    break;
                }
                count += 1;
            }
        });
        tx.commit().await?;
        if let Some(e) = failed {
            return Err(ExportError::Sink(e));
        }
        self.audit_view(
            actor,
            AuditEvent {
                action: match list {
                    ExportList::Households => "export.households",
                    ExportList::Persons => "export.persons",
                    ExportList::Findings => "export.findings",
                    ExportList::Proposals => "export.proposals",
                },
                target_kind: "region",
                target_id: scope.key(),
                region_code: scope.key(),
                detail: match list {
                    ExportList::Persons => format!("rows={count} {}", numbers.audit_detail()),
                    _ => format!("rows={count}"),
                },
            },
        )
        .await?;
        Ok(count)
    }
}

fn finding_cells(r: &impl Cells, keys: &FieldKeys) -> Result<Vec<String>> {
    use siks_domain::Coded;
    use siks_domain::checks::{FindingKind, Severity};
    let code = r.int("kind")?;
    let kind = u8::try_from(code)
        .ok()
        .and_then(<FindingKind as Coded>::from_code)
        .ok_or_else(|| StoreError::Corrupt("findings.kind".into()))?;
    Ok(vec![
        r.text("id")?,
        code.to_string(),
        kind.label().to_string(),
        match kind.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
        .to_string(),
        r.text("village_code")?,
        r.text("household_id")?,
        r.opt_text("person_id")?.unwrap_or_default(),
        r.opt_text("other_person_id")?.unwrap_or_default(),
        r.text("fields")?,
        r.text("detail")?,
        r.text("status")?,
        keys.open_note(NoteColumn::FindingReason, &r.text("status_reason")?)?,
        r.text("found_at")?,
    ])
}

fn proposal_cells(r: &impl Cells, keys: &FieldKeys) -> Result<Vec<String>> {
    use siks_domain::Coded;
    use siks_domain::workflow::{ProposalKind, Stage};
    let code = r.int("kind")?;
    let kind = u8::try_from(code)
        .ok()
        .and_then(<ProposalKind as Coded>::from_code)
        .ok_or_else(|| StoreError::Corrupt("proposals.kind".into()))?;
    let stage_key = r.text("stage")?;
    let stage =
        Stage::parse(&stage_key).ok_or_else(|| StoreError::Corrupt("proposals.stage".into()))?;
    Ok(vec![
        r.text("id")?,
        code.to_string(),
        kind.label().to_string(),
        r.text("village_code")?,
        r.text("household_id")?,
        r.opt_text("person_id")?.unwrap_or_default(),
        stage_key,
        stage.label().to_string(),
        keys.open_note(NoteColumn::ProposalReason, &r.text("reason")?)?,
        r.opt_text("period")?.unwrap_or_default(),
        r.text("created_at")?,
        r.text("updated_at")?,
    ])
}
