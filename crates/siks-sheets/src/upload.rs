//! An uploaded sheet of members as the register's columns: the sheet read safely
//! ([`crate::read`]), each header mapped back to its interchange column by its Indonesian label
//! (as exports and templates write it) or its own name. A header siks does not know refuses the
//! file: it is how shifted columns and a wrong template show.

use siks_domain::interchange::column_for_label;

use crate::Format;
use crate::read::{CellProblem, Limits, ReadError, read_table};

/// Headers whose cells must be text (a number has lost digits) and those that may be dates.
pub const TEXT_HEADERS: &[&str] = &["NIK", "No KK", "Id", "Id rumah tangga"];
pub const DATE_HEADERS: &[&str] = &["Tanggal lahir"];
/// The sheet an XLSX of members is read from (an export's sheet is `anggota`).
pub const MEMBERS_SHEET: &str = "Anggota";
/// The sheet an XLSX of households is read from.
pub const HOUSEHOLDS_SHEET: &str = "Rumah tangga";

/// An uploaded members sheet: the sheet as read, and the interchange column of each header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRows {
    pub table: crate::read::Table,
    columns: Vec<Option<&'static str>>,
}

impl MemberRows {
    /// The interchange column of each of the sheet's columns (`None`: one passed over).
    pub fn columns(&self) -> &[Option<&'static str>] {
        &self.columns
    }

    /// (row as the spreadsheet numbers it, cells), the cells moved out of the sheet (a sheet
    /// of 200,000 rows is held once, not twice, while it is checked): [`MemberRows::put_back`]
    /// returns them for the error report.
    pub fn take_rows(&mut self) -> Vec<(u32, crate::read::TextRow)> {
        self.table
            .rows
            .iter_mut()
            .map(|(row, cells)| (*row, std::mem::take(cells)))
            .collect()
    }

    /// Puts back the cells [`MemberRows::take_rows`] took, row by row in the same order.
    pub fn put_back(&mut self, rows: impl IntoIterator<Item = crate::read::TextRow>) {
        for ((_, cells), taken) in self.table.rows.iter_mut().zip(rows) {
            *cells = taken;
        }
    }
}

/// Why an upload was refused before any row was checked against the register.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Read(ReadError),
    #[error("kolom tidak dikenal di baris judul: {} (kolom bergeser atau salah templat?)", .0.join(", "))]
    UnknownHeaders(Vec<String>),
    #[error("kolom {0} tidak ada: unggah berkas hasil ekspor atau templat yang sesuai")]
    Missing(&'static str),
    #[error(
        "templat rumah tangga baru berisi dua lembar (Rumah tangga dan Anggota): unggah sebagai .xlsx, bukan .csv"
    )]
    NeedsWorkbook,
}

impl Refusal {
    /// The sheet as read, when its cells were at fault (for the error report).
    pub fn table(&self) -> Option<&crate::read::Table> {
        match self {
            Refusal::Read(ReadError::Cells(_, table)) => Some(table),
            _ => None,
        }
    }

    /// The cells at fault, when the sheet itself had bad cells.
    pub fn cells(&self) -> &[CellProblem] {
        match self {
            Refusal::Read(ReadError::Cells(problems, _)) => problems,
            _ => &[],
        }
    }
}

/// Reads an uploaded members sheet (see the module comment).
pub fn member_rows(bytes: &[u8], format: Format) -> Result<MemberRows, Refusal> {
    rows_by(bytes, format, MEMBERS_SHEET, column_for_label, ("id", "Id"))
}

/// Reads an uploaded households sheet (an export of households, or the corrections template's
/// `Rumah tangga` sheet).
pub fn households_rows(bytes: &[u8], format: Format) -> Result<MemberRows, Refusal> {
    rows_by(
        bytes,
        format,
        HOUSEHOLDS_SHEET,
        column_for_label,
        ("id", "Id"),
    )
}

use siks_domain::entry::HOUSEHOLD_NO;

/// Reads the `rumah-tangga-baru` template: its `Rumah tangga` sheet and its `Anggota` sheet,
/// each under the register's column labels plus `No. ruta`. Only an XLSX holds both.
pub fn new_households_rows(
    bytes: &[u8],
    format: Format,
) -> Result<(MemberRows, MemberRows), Refusal> {
    if format != Format::Xlsx {
        return Err(Refusal::NeedsWorkbook);
    }
    let by_label = |header: &str| {
        if header.trim().eq_ignore_ascii_case(HOUSEHOLD_NO.1) {
            Some(HOUSEHOLD_NO.0)
        } else {
            column_for_label(header)
        }
    };
    let households = rows_by(bytes, format, HOUSEHOLDS_SHEET, by_label, HOUSEHOLD_NO)?;
    let members = rows_by(bytes, format, MEMBERS_SHEET, by_label, HOUSEHOLD_NO)?;
    Ok((households, members))
}

/// Reads an uploaded sheet of a template with its own columns: `columns` gives each key and
/// its header; `sheet` is the template's sheet name (XLSX).
pub fn template_rows(
    bytes: &[u8],
    format: Format,
    sheet: &str,
    columns: &'static [(&'static str, &'static str)],
) -> Result<MemberRows, Refusal> {
    let required = columns[0];
    rows_by(
        bytes,
        format,
        sheet,
        |header| {
            columns
                .iter()
                .find(|(key, label)| {
                    label.eq_ignore_ascii_case(header.trim())
                        || key.eq_ignore_ascii_case(header.trim())
                })
                .map(|(key, _)| *key)
        },
        required,
    )
}

fn rows_by(
    bytes: &[u8],
    format: Format,
    sheet: &str,
    column_for_label: impl Fn(&str) -> Option<&'static str>,
    required: (&'static str, &'static str),
) -> Result<MemberRows, Refusal> {
    let sheet = (format == Format::Xlsx).then_some(sheet);
    let table = read_table(
        bytes,
        format,
        sheet,
        TEXT_HEADERS,
        DATE_HEADERS,
        Limits::default(),
    )
    .map_err(Refusal::Read)?;
    let mut columns = Vec::with_capacity(table.header.len());
    let mut unknown = Vec::new();
    for h in &table.header {
        let column = column_for_label(h);
        let added_by_report = [crate::REPORT_ROW, crate::REPORT_PROBLEMS].contains(&h.trim());
        if column.is_none() && !h.is_empty() && !added_by_report {
            unknown.push(h.clone());
        }
        columns.push(column);
    }
    if !unknown.is_empty() {
        return Err(Refusal::UnknownHeaders(unknown));
    }
    if !columns.contains(&Some(required.0)) {
        return Err(Refusal::Missing(required.1));
    }
    Ok(MemberRows { table, columns })
}
