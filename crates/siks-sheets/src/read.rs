//! Reading an uploaded sheet, safely: limits are checked before anything is parsed (the file's
//! size, and for XLSX the uncompressed size of every part, so that a zip bomb is refused unread),
//! and while the sheet streams, before anything is allocated for it: an XLSX's cells are read
//! one by one (never a declared or implied range: a sheet holding only A1 and ZZ200000 is
//! refused at its second cell), a CSV's lines are measured before they are split and its rows
//! and fields counted as they come, and no more than [`MAX_PROBLEMS`] problems are kept. Then
//! the rows are read as text with every problem named by sheet, row, column and value:
//! a NIK that Excel turned into a number (its last digits are already lost), merged cells,
//! dates as Excel serial numbers (converted), formulas' error values. Empty rows are skipped
//! with a warning. A CSV that is not UTF-8 is read as Windows-1252, with a warning.

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx};

use crate::Format;
pub use siks_domain::interchange::TextRow;

/// What an upload may be at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file as uploaded.
    pub bytes: u64,
    /// Data rows of the sheet (the header not counted).
    pub rows: usize,
    /// Cells of the sheet (rows × columns).
    pub cells: usize,
    /// Sum of the uncompressed sizes of an XLSX's parts.
    pub uncompressed: u64,
    /// Columns of a row (a template has a few dozen).
    pub columns: usize,
    /// Bytes of one line of a CSV.
    pub line: usize,
    /// Bytes of text in all of an XLSX's cells (one shared string may be referenced by every
    /// cell: a few kilobytes of file would otherwise become gigabytes of text).
    pub text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            bytes: 30 * 1024 * 1024,
            rows: 200_000,
            cells: 12_000_000,
            uncompressed: 400 * 1024 * 1024,
            columns: 256,
            line: 64 * 1024,
            text: 64 * 1024 * 1024,
        }
    }
}

/// One problem of one cell (or row, when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub sheet: String,
    /// The row as the spreadsheet numbers it (the header is row 1).
    pub row: u32,
    pub column: String,
    pub value: String,
    pub reason: String,
    pub reason_en: String,
}

/// A sheet read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub sheet: String,
    pub header: Vec<String>,
    /// (row number as the spreadsheet shows it, cells), empty rows left out; each row held
    /// compactly ([`TextRow`]), as a sheet of 200,000 rows is held while it is checked.
    pub rows: Vec<(u32, TextRow)>,
    /// What was read but should be known (skipped empty rows, an encoding guessed).
    pub warnings: Vec<String>,
}

/// Why an upload was refused before or while reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("berkas {size} bita melebihi batas {max} bita")]
    TooLarge { size: u64, max: u64 },
    #[error(
        "isi XLSX bila dibuka {size} bita melebihi batas {max} bita (berkas ditolak tanpa dibuka)"
    )]
    ZipBomb { size: u64, max: u64 },
    #[error("berkas bukan XLSX yang sah: {0}")]
    NotXlsx(String),
    #[error("lembar '{wanted}' tidak ada; lembar yang ada: {found}")]
    NoSheet { wanted: String, found: String },
    #[error("{rows} baris melebihi batas {max} baris")]
    TooManyRows { rows: usize, max: usize },
    #[error("{cells} sel melebihi batas {max} sel")]
    TooManyCells { cells: usize, max: usize },
    /// A cell beyond the columns a sheet may have (`row` as the spreadsheet numbers it).
    #[error("baris {row} berisi kolom ke-{columns}, melebihi batas {max} kolom")]
    TooManyColumns {
        row: u32,
        columns: usize,
        max: usize,
    },
    #[error("baris {row} sepanjang {bytes} bita melebihi batas {max} bita per baris")]
    LineTooLong { row: u32, bytes: usize, max: usize },
    #[error("teks di sel-sel lembar melebihi batas {max} bita (sampai baris {row})")]
    TooMuchText { row: u32, max: usize },
    #[error("sel {cell} berisi {chars} karakter, melebihi batas Excel {max} karakter")]
    CellTooLong {
        cell: String,
        chars: usize,
        max: usize,
    },
    /// Cells at fault, with the sheet as read (a faulty cell as Excel showed it), for the report.
    #[error("{} masalah pada sel; tidak ada yang disimpan", .0.len())]
    Cells(Vec<CellProblem>, Box<Table>),
}

/// Reads `bytes` of `format`: for XLSX the sheet named `sheet` (default: the first). Columns
/// whose header is in `text_columns` (NIK, No KK) must hold text; columns in `date_columns` may
/// hold Excel dates, which become YYYY-MM-DD.
pub fn read_table(
    bytes: &[u8],
    format: Format,
    sheet: Option<&str>,
    text_columns: &[&str],
    date_columns: &[&str],
    limits: Limits,
) -> Result<Table, ReadError> {
    if bytes.len() as u64 > limits.bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            max: limits.bytes,
        });
    }
    let table = match format {
        Format::Csv => read_csv(bytes, limits)?,
        Format::Xlsx => read_xlsx(bytes, sheet, text_columns, date_columns, limits)?,
    };
    let cells = table.rows.len() * table.header.len().max(1);
    if table.rows.len() > limits.rows {
        return Err(ReadError::TooManyRows {
            rows: table.rows.len(),
            max: limits.rows,
        });
    }
    if cells > limits.cells {
        return Err(ReadError::TooManyCells {
            cells,
            max: limits.cells,
        });
    }
    Ok(table)
}

/// Problems kept of one sheet; more are counted in a warning, not kept (a sheet whose every
/// cell is at fault must not become a list as large as the sheet times its message).
pub const MAX_PROBLEMS: usize = 100_000;

/// The problems of one sheet, at most [`MAX_PROBLEMS`] of them kept.
#[derive(Default)]
struct Problems {
    kept: Vec<CellProblem>,
    more: usize,
}

impl Problems {
    fn push(&mut self, problem: CellProblem) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// The sheet refused by its cells, or kept, once it is read.
    fn settle(self, mut table: Table) -> Result<Table, ReadError> {
        if self.more > 0 {
            table.warnings.push(format!(
                "{} masalah lain tidak dicantumkan: perbaiki yang tercantum lalu unggah lagi",
                self.more
            ));
        }
        if self.kept.is_empty() {
            Ok(table)
        } else {
            Err(ReadError::Cells(self.kept, Box::new(table)))
        }
    }
}

/// The empty rows worth a word (between data rows), found while streaming: at most the first 20
/// are kept, and only once a data row follows them.
#[derive(Default)]
struct EmptyRows {
    waiting: Vec<u32>,
    inside: Vec<u32>,
}

impl EmptyRows {
    const SHOWN: usize = 20;

    fn empty(&mut self, row: u32) {
        if self.inside.len() + self.waiting.len() < Self::SHOWN {
            self.waiting.push(row);
        }
    }

    fn data(&mut self) {
        self.inside.append(&mut self.waiting);
    }

    fn warn(self, warnings: &mut Vec<String>) {
        if !self.inside.is_empty() {
            let rows: Vec<String> = self.inside.iter().map(u32::to_string).collect();
            warnings.push(format!("baris kosong dilewati: {}", rows.join(", ")));
        }
    }
}

/// Refuses a CSV with a line longer than `max` bytes before it is split into fields (one line of
/// fifteen million commas would be fifteen million fields).
fn check_lines(bytes: &[u8], max: usize) -> Result<(), ReadError> {
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        // A lone carriage return ends a line too (old Mac exports), as the CSV reader reads it.
        if let Some(long) = line.split(|b| *b == b'\r').find(|part| part.len() > max) {
            return Err(ReadError::LineTooLong {
                row: i as u32 + 1,
                bytes: long.len(),
                max,
            });
        }
    }
    Ok(())
}

fn read_csv(bytes: &[u8], limits: Limits) -> Result<Table, ReadError> {
    check_lines(bytes, limits.line)?;
    let mut warnings = Vec::new();
    let text: std::borrow::Cow<str> = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').into(),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(
                "berkas bukan UTF-8: dibaca sebagai Windows-1252 (periksa huruf seperti é); simpan sebagai CSV UTF-8 lain kali".to_string(),
            );
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut header = Vec::new();
    let mut empty = EmptyRows::default();
    let mut problems = Problems::default();
    let mut record = csv::StringRecord::new();
    let mut data_rows = 0usize;
    let mut cells = 0usize;
    for row in 1u32.. {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(CellProblem {
                    sheet: String::new(),
                    row,
                    column: String::new(),
                    value: String::new(),
                    reason: format!("baris CSV rusak: {e}"),
                    reason_en: format!("malformed CSV row: {e}"),
                });
                continue;
            }
        }
        if record.len() > limits.columns {
            return Err(ReadError::TooManyColumns {
                row,
                columns: record.len(),
                max: limits.columns,
            });
        }
        if row == 1 {
            header = record.iter().map(|c| c.trim().to_string()).collect();
        } else if record.iter().all(|c| c.trim().is_empty()) {
            empty.empty(row);
        } else {
            empty.data();
            data_rows += 1;
            cells = cells.saturating_add(record.len());
            // Past a limit the rest is only counted, for a message that says how many.
            if data_rows <= limits.rows && cells <= limits.cells {
                rows.push((row, record.iter().map(str::trim).collect()));
            }
        }
    }
    if data_rows > limits.rows {
        return Err(ReadError::TooManyRows {
            rows: data_rows,
            max: limits.rows,
        });
    }
    if cells > limits.cells {
        return Err(ReadError::TooManyCells {
            cells,
            max: limits.cells,
        });
    }
    empty.warn(&mut warnings);
    problems.settle(Table {
        sheet: String::new(),
        header,
        rows,
        warnings,
    })
}

/// The sum of the uncompressed sizes of the zip's parts, read from its directory only.
fn uncompressed_size(bytes: &[u8]) -> Result<u64, ReadError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::NotXlsx(e.to_string()))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| ReadError::NotXlsx(e.to_string()))?;
        total = total.saturating_add(part.size());
    }
    Ok(total)
}

fn read_xlsx(
    bytes: &[u8],
    sheet: Option<&str>,
    text_columns: &[&str],
    date_columns: &[&str],
    limits: Limits,
) -> Result<Table, ReadError> {
    let size = uncompressed_size(bytes)?;
    if size > limits.uncompressed {
        return Err(ReadError::ZipBomb {
            size,
            max: limits.uncompressed,
        });
    }
    // calamine's cell references overflow on absurd ones (`A99999999999`, a range that ends
    // before it starts): with overflow checks (debug builds, the fuzzer) that is a panic, without
    // them a wrapped number. Found by fuzzing (fuzz/regressions/xlsx); a sheet it cannot read
    // is refused as not a valid XLSX, never a panic of the upload.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_xlsx_sheet(bytes, sheet, text_columns, date_columns, limits)
    }))
    .unwrap_or_else(|_| {
        Err(ReadError::NotXlsx(
            "referensi sel atau rentang yang mustahil".into(),
        ))
    })
}

fn read_xlsx_sheet(
    bytes: &[u8],
    sheet: Option<&str>,
    text_columns: &[&str],
    date_columns: &[&str],
    limits: Limits,
) -> Result<Table, ReadError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| ReadError::NotXlsx(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| ReadError::NoSheet {
                wanted: wanted.to_string(),
                found: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| ReadError::NoSheet {
            wanted: "(lembar pertama)".into(),
            found: String::new(),
        })?,
    };
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let merged_problems = || {
        merged.iter().take(20).map(|m| CellProblem {
            sheet: name.clone(),
            row: m.start.0 + 1,
            column: column_name(m.start.1),
            value: String::new(),
            reason: format!(
                "sel digabung ({}{}:{}{}); pisahkan sel (Unmerge) lalu isi setiap sel",
                column_name(m.start.1),
                m.start.0 + 1,
                column_name(m.end.1),
                m.end.0 + 1
            ),
            reason_en: "merged cells; unmerge them and fill every cell".into(),
        })
    };
    let mut rows = RowBuilder::new(&name, text_columns, date_columns);
    merged_problems().for_each(|p| rows.problems.push(p));
    if sheet_cells(&mut book, &name, limits, |row, col, value| {
        rows.cell(row, col, value)
    })? {
        return rows.finish(limits);
    }
    // Cells out of order (no common writer does this): gathered, sorted, then assembled.
    let mut cells = Vec::new();
    sheet_cells(&mut book, &name, limits, |row, col, value| {
        cells.push((row, col, value));
        true
    })?;
    cells.sort_by_key(|c| (c.0, c.1));
    cells.dedup_by_key(|c| (c.0, c.1));
    let mut rows = RowBuilder::new(&name, text_columns, date_columns);
    merged_problems().for_each(|p| rows.problems.push(p));
    for (row, col, value) in cells {
        rows.cell(row, col, value);
    }
    rows.finish(limits)
}

/// A sheet's rows assembled as its cells arrive in order (row by row, left to right, as every
/// writer of XLSX puts them): each cell made text as it comes, so that the sheet is held once,
/// as text, never also as calamine's values. Columns are counted from A while reading and cut
/// to the columns in use at the end.
struct RowBuilder<'a> {
    sheet: &'a str,
    text_columns: &'a [&'a str],
    date_columns: &'a [&'a str],
    /// The header row (zero-based) and its texts, by column from A.
    header_row: Option<u32>,
    header: Vec<String>,
    /// The data row being filled (zero-based) and its cells, by column from A.
    current: Option<(u32, Vec<String>)>,
    /// The last cell taken, to see that they come in order.
    last: Option<(u32, u32)>,
    first_col: u32,
    last_col: u32,
    rows: Vec<(u32, TextRow)>,
    problems: Problems,
    empty: EmptyRows,
}

impl<'a> RowBuilder<'a> {
    fn new(sheet: &'a str, text_columns: &'a [&'a str], date_columns: &'a [&'a str]) -> Self {
        RowBuilder {
            sheet,
            text_columns,
            date_columns,
            header_row: None,
            header: Vec::new(),
            current: None,
            last: None,
            first_col: u32::MAX,
            last_col: 0,
            rows: Vec::new(),
            problems: Problems::default(),
            empty: EmptyRows::default(),
        }
    }

    /// Takes one used cell; `false` if it comes before one already taken (the sheet must then
    /// be read sorted).
    fn cell(&mut self, row: u32, col: u32, value: Data) -> bool {
        if self.last.is_some_and(|last| last >= (row, col)) {
            return false;
        }
        self.last = Some((row, col));
        self.first_col = self.first_col.min(col);
        self.last_col = self.last_col.max(col);
        let col = col as usize;
        if *self.header_row.get_or_insert(row) == row {
            set(&mut self.header, col, plain(&value).trim().to_string());
            return true;
        }
        if self.current.as_ref().is_none_or(|(at, _)| *at != row) {
            let previous = match self.current.take() {
                Some((at, cells)) => {
                    self.finish_row(at, cells);
                    at
                }
                None => self.header_row.unwrap_or(row),
            };
            // Rows without a used cell between two data rows are empty rows too.
            for skipped in previous + 1..row {
                self.empty.empty(skipped + 1);
            }
            self.current = Some((row, Vec::new()));
        }
        let column = self.header.get(col).cloned().unwrap_or_default();
        let text = match cell_text(&value, &column, self.text_columns, self.date_columns) {
            Ok(text) => text,
            Err((reason, reason_en)) => {
                self.problems.push(CellProblem {
                    sheet: self.sheet.to_string(),
                    row: row + 1,
                    column: if column.is_empty() {
                        column_name(col as u32)
                    } else {
                        column
                    },
                    value: plain(&value),
                    reason,
                    reason_en,
                });
                plain(&value)
            }
        };
        if let Some((_, cells)) = self.current.as_mut() {
            set(cells, col, text);
        }
        true
    }

    fn finish_row(&mut self, at: u32, cells: Vec<String>) {
        if cells.iter().all(String::is_empty) {
            self.empty.empty(at + 1);
        } else {
            self.empty.data();
            self.rows.push((at + 1, TextRow::new(cells)));
        }
    }

    /// The sheet as read: the columns in use (from the first used one to the last) in every
    /// row; refused if rows times columns would pass `limits.cells` or a cell was at fault.
    fn finish(mut self, limits: Limits) -> Result<Table, ReadError> {
        if let Some((at, cells)) = self.current.take() {
            self.finish_row(at, cells);
        }
        let (first, width) = if self.first_col == u32::MAX {
            (0, 0)
        } else {
            (
                self.first_col as usize,
                (self.last_col - self.first_col) as usize + 1,
            )
        };
        let dense =
            (self.rows.len() + usize::from(self.header_row.is_some())).saturating_mul(width);
        if dense > limits.cells {
            return Err(ReadError::TooManyCells {
                cells: dense,
                max: limits.cells,
            });
        }
        if self.header_row.is_some() {
            self.header.drain(..first.min(self.header.len()));
            self.header.resize(width, String::new());
        }
        for (_, cells) in &mut self.rows {
            if first != 0 || cells.len() != width {
                *cells = cells.window(first, width);
            }
        }
        let mut warnings = Vec::new();
        self.empty.warn(&mut warnings);
        self.problems.settle(Table {
            sheet: self.sheet.to_string(),
            header: self.header,
            rows: self.rows,
            warnings,
        })
    }
}

/// Puts `text` at `col`, the cells before it empty where not yet filled.
fn set(cells: &mut Vec<String>, col: usize, text: String) {
    if cells.len() <= col {
        cells.resize(col + 1, String::new());
    }
    cells[col] = text;
}

/// Hands each used cell of a sheet to `take` as (row, column, value), zero-based, in the order
/// of its XML, read one by one: a cell past the rows or columns a sheet may have, or more cells
/// than it may hold, refuses the sheet when it is met, so what a sheet declares or implies is
/// never allocated. `Ok(false)`: `take` stopped (the cells are out of order).
fn sheet_cells(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: Limits,
    mut take: impl FnMut(u32, u32, Data) -> bool,
) -> Result<bool, ReadError> {
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| ReadError::NotXlsx(e.to_string()))?;
    let mut taken = 0usize;
    let mut text = 0usize;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| ReadError::NotXlsx(e.to_string()))?
    {
        let (row, col) = cell.get_position();
        // The text a cell would hold, measured before it is copied out of the shared strings.
        let length = match cell.get_value() {
            DataRef::String(t) | DataRef::DateTimeIso(t) | DataRef::DurationIso(t) => t.len(),
            DataRef::SharedString(t) => t.len(),
            _ => 0,
        };
        if length > EXCEL_CELL_CHARS * 4
            || (length > EXCEL_CELL_CHARS && chars_of(&cell) > EXCEL_CELL_CHARS)
        {
            return Err(ReadError::CellTooLong {
                cell: format!("{}{}", column_name(col), row + 1),
                chars: chars_of(&cell),
                max: EXCEL_CELL_CHARS,
            });
        }
        text = text.saturating_add(length);
        if text > limits.text {
            return Err(ReadError::TooMuchText {
                row: row + 1,
                max: limits.text,
            });
        }
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        if col as usize >= limits.columns {
            return Err(ReadError::TooManyColumns {
                row: row + 1,
                columns: col as usize + 1,
                max: limits.columns,
            });
        }
        // The header row and the data rows: a cell below them all is past the limit, however
        // empty the rows above it are.
        if row as usize > limits.rows {
            return Err(ReadError::TooManyRows {
                rows: row as usize,
                max: limits.rows,
            });
        }
        if taken >= limits.cells {
            return Err(ReadError::TooManyCells {
                cells: taken + 1,
                max: limits.cells,
            });
        }
        taken += 1;
        if !take(row, col, value) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The most characters Excel keeps in one cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// The characters of a cell's text.
fn chars_of(cell: &calamine::Cell<DataRef<'_>>) -> usize {
    match cell.get_value() {
        DataRef::String(t) | DataRef::DateTimeIso(t) | DataRef::DurationIso(t) => t.chars().count(),
        DataRef::SharedString(t) => t.chars().count(),
        _ => 0,
    }
}

/// A cell as Excel would show it, for messages.
fn plain(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("{e}"),
    }
}

fn cell_text(
    cell: &Data,
    column: &str,
    text_columns: &[&str],
    date_columns: &[&str],
) -> Result<String, (String, String)> {
    let is_text = text_columns.iter().any(|c| c.eq_ignore_ascii_case(column));
    let is_date = date_columns.iter().any(|c| c.eq_ignore_ascii_case(column));
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.trim().to_string()),
        Data::Float(_) | Data::Int(_) if is_text => Err((
            format!(
                "{column} tertulis sebagai angka: Excel hanya menyimpan 15 angka, jadi angka terakhir sudah hilang; format kolom sebagai Teks (Text) lalu ketik ulang"
            ),
            format!(
                "{column} is stored as a number: Excel keeps only 15 digits, so the last ones are lost; format the column as Text and type it again"
            ),
        )),
        Data::DateTime(d) if is_date || d.is_datetime() => d
            .as_datetime()
            .map(|t| t.date().to_string())
            .ok_or_else(|| {
                (
                    "tanggal Excel tidak sah".to_string(),
                    "invalid Excel date".to_string(),
                )
            }),
        Data::Float(f) if is_date => serial_date(*f),
        Data::Int(i) if is_date => serial_date(*i as f64),
        Data::DateTimeIso(s) => Ok(s.get(..10).unwrap_or(s).to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(format!("{}", *f as i64)),
        Data::Float(f) => Ok(f.to_string()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        Data::DateTime(d) => Ok(d.as_f64().to_string()),
        Data::DurationIso(s) => Ok(s.clone()),
        Data::Error(e) => Err((
            format!("sel berisi galat rumus ({e})"),
            format!("the cell holds a formula error ({e})"),
        )),
    }
}

/// An Excel serial day number (1900 system) as YYYY-MM-DD.
fn serial_date(serial: f64) -> Result<String, (String, String)> {
    // Day 60 is Excel's 29 February 1900, which never was; serials after it count from 1899-12-30.
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
    match base {
        Some(base) if (61.0..2_958_466.0).contains(&serial) => {
            Ok((base + chrono::Days::new(serial.trunc() as u64)).to_string())
        }
        _ => Err((
            format!("{serial} bukan tanggal; tulis TTTT-BB-HH"),
            format!("{serial} is not a date; write YYYY-MM-DD"),
        )),
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a zero-based column.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    s
}

/// Reads at most `limit + 1` bytes, so that an oversized upload is refused without being held.
pub fn read_limited(mut input: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    input.by_ref().take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}
