//! Reading an uploaded sheet, safely: limits are checked before anything is parsed (the file's
//! size, and for XLSX the uncompressed size of every part, so that a zip bomb is refused unread),
//! then the rows are read as text with every problem named by sheet, row, column and value:
//! a NIK that Excel turned into a number (its last digits are already lost), merged cells,
//! dates as Excel serial numbers (converted), formulas' error values. Empty rows are skipped
//! with a warning. A CSV that is not UTF-8 is read as Windows-1252, with a warning.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use crate::Format;

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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            bytes: 30 * 1024 * 1024,
            rows: 200_000,
            cells: 12_000_000,
            uncompressed: 400 * 1024 * 1024,
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
    /// (row number as the spreadsheet shows it, cells), empty rows left out.
    pub rows: Vec<(u32, Vec<String>)>,
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
        Format::Csv => read_csv(bytes)?,
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

fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(
                "berkas bukan UTF-8: dibaca sebagai Windows-1252 (periksa huruf seperti é); simpan sebagai CSV UTF-8 lain kali".to_string(),
            );
            text.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut header = Vec::new();
    let mut empty = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u32 + 1;
        let record = match record {
            Ok(r) => r,
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
        };
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if row == 1 {
            header = cells;
        } else if cells.iter().all(String::is_empty) {
            empty.push(row);
        } else {
            rows.push((row, cells));
        }
    }
    warn_empty(&mut warnings, &empty, rows.last().map(|r| r.0));
    let table = Table {
        sheet: String::new(),
        header,
        rows,
        warnings,
    };
    if !problems.is_empty() {
        return Err(ReadError::Cells(problems, Box::new(table)));
    }
    Ok(table)
}

/// Empty rows between data rows are worth a word; trailing ones are not.
fn warn_empty(warnings: &mut Vec<String>, empty: &[u32], last: Option<u32>) {
    let inside: Vec<String> = empty
        .iter()
        .filter(|r| last.is_some_and(|l| **r < l))
        .map(u32::to_string)
        .collect();
    if !inside.is_empty() {
        warnings.push(format!(
            "baris kosong dilewati: {}",
            inside.into_iter().take(20).collect::<Vec<_>>().join(", ")
        ));
    }
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
    let range = book
        .worksheet_range(&name)
        .map_err(|e| ReadError::NotXlsx(e.to_string()))?;
    let (height, width) = range.get_size();
    if height.saturating_sub(1) > limits.rows {
        return Err(ReadError::TooManyRows {
            rows: height.saturating_sub(1),
            max: limits.rows,
        });
    }
    if height * width > limits.cells {
        return Err(ReadError::TooManyCells {
            cells: height * width,
            max: limits.cells,
        });
    }
    let start_row = range.start().map(|s| s.0).unwrap_or(0);
    let mut problems = Vec::new();
    if let Ok(merged) = book.merge_cells_by_sheet_name(&name) {
        for m in merged.iter().take(20) {
            problems.push(CellProblem {
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
            });
        }
    }
    let mut header: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut empty = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = start_row + i as u32 + 1;
        if header.is_empty() {
            header = cells.iter().map(|c| plain(c).trim().to_string()).collect();
            continue;
        }
        let mut out = Vec::with_capacity(cells.len());
        for (col, cell) in cells.iter().enumerate() {
            let column = header.get(col).cloned().unwrap_or_default();
            match cell_text(cell, &column, text_columns, date_columns) {
                Ok(text) => out.push(text),
                Err((reason, reason_en)) => {
                    problems.push(CellProblem {
                        sheet: name.clone(),
                        row,
                        column: if column.is_empty() {
                            column_name(col as u32)
                        } else {
                            column
                        },
                        value: plain(cell),
                        reason,
                        reason_en,
                    });
                    out.push(plain(cell));
                }
            }
        }
        if out.iter().all(String::is_empty) {
            empty.push(row);
        } else {
            rows.push((row, out));
        }
    }
    let mut warnings = Vec::new();
    warn_empty(&mut warnings, &empty, rows.last().map(|r| r.0));
    let table = Table {
        sheet: name,
        header,
        rows,
        warnings,
    };
    if !problems.is_empty() {
        return Err(ReadError::Cells(problems, Box::new(table)));
    }
    Ok(table)
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
