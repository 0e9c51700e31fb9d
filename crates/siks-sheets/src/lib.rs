//! Spreadsheet files for siks: the lists the pages show, written as CSV or XLSX one row at a
//! time, so that a province's million people never sit in memory (XLSX rows go to a temporary
//! file as they are written). Every text cell that a spreadsheet program could take for a
//! formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a plain
//! number) is neutralised: in CSV by a leading apostrophe, in XLSX by Excel's "quote prefix",
//! which shows the text as typed and keeps it text when edited.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

/// The two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx` (any case).
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("tidak dapat menulis {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error("lembar XLSX paling banyak {max} baris; pilih wilayah yang lebih kecil atau CSV")]
    TooManyRows { max: u32 },
}

impl SheetError {
    pub fn english(&self) -> String {
        match self {
            SheetError::Write { path, reason } => {
                format!("cannot write {}: {reason}", path.display())
            }
            SheetError::TooManyRows { max } => {
                format!("an XLSX sheet holds at most {max} rows; choose a smaller region or CSV")
            }
        }
    }
}

/// Excel's limit of rows in one sheet.
pub const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Whether a spreadsheet program could read the cell as a formula.
pub fn is_risky(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err()
}

/// The cell as written to CSV: a risky one gets a leading apostrophe.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_risky(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

enum Inner {
    Csv(csv::Writer<BufWriter<File>>),
    Xlsx {
        workbook: Box<Workbook>,
        header: CellFormat,
        quoted: CellFormat,
    },
}

/// One sheet being written, row by row; [`SheetWriter::finish`] completes the file.
pub struct SheetWriter {
    inner: Inner,
    path: PathBuf,
    rows: u32,
}

impl SheetWriter {
    /// Starts a file at `path` with one sheet named `sheet` (XLSX) and its header row.
    pub fn create(
        format: Format,
        path: &Path,
        sheet: &str,
        header: &[&str],
    ) -> Result<SheetWriter, SheetError> {
        let fail = |reason: String| SheetError::Write {
            path: path.to_path_buf(),
            reason,
        };
        let inner = match format {
            Format::Csv => {
                let file = File::create(path).map_err(|e| fail(e.to_string()))?;
                let mut out = BufWriter::new(file);
                // A byte-order mark, so that Excel opens the UTF-8 file with its letters intact.
                out.write_all("\u{feff}".as_bytes())
                    .map_err(|e| fail(e.to_string()))?;
                Inner::Csv(csv::Writer::from_writer(out))
            }
            Format::Xlsx => {
                let mut workbook = Box::new(Workbook::new());
                workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| fail(e.to_string()))?
                    .set_name(sheet)
                    .map_err(|e| fail(e.to_string()))?;
                Inner::Xlsx {
                    workbook,
                    header: CellFormat::new().set_bold(),
                    quoted: CellFormat::new().set_quote_prefix(),
                }
            }
        };
        let mut writer = SheetWriter {
            inner,
            path: path.to_path_buf(),
            rows: 0,
        };
        writer.write(header, true)?;
        Ok(writer)
    }

    /// Appends one row (every cell as text: NIKs and No KKs keep all their digits).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), SheetError> {
        self.write(cells, false)
    }

    fn write<S: AsRef<str>>(&mut self, cells: &[S], is_header: bool) -> Result<(), SheetError> {
        let path = &self.path;
        let fail = |reason: String| SheetError::Write {
            path: path.clone(),
            reason,
        };
        match &mut self.inner {
            Inner::Csv(w) => w
                .write_record(cells.iter().map(|c| neutralise(c.as_ref()).into_owned()))
                .map_err(|e| fail(e.to_string()))?,
            Inner::Xlsx {
                workbook,
                header,
                quoted,
            } => {
                if self.rows >= XLSX_MAX_ROWS {
                    return Err(SheetError::TooManyRows { max: XLSX_MAX_ROWS });
                }
                let sheet = workbook
                    .worksheet_from_index(0)
                    .map_err(|e| fail(e.to_string()))?;
                for (col, cell) in cells.iter().enumerate() {
                    let text = cell.as_ref();
                    if text.is_empty() {
                        continue;
                    }
                    let col = u16::try_from(col).map_err(|e| fail(e.to_string()))?;
                    let written: Result<_, XlsxError> = if is_header {
                        sheet.write_string_with_format(self.rows, col, text, header)
                    } else if is_risky(text) {
                        sheet.write_string_with_format(self.rows, col, text, quoted)
                    } else {
                        sheet.write_string(self.rows, col, text)
                    };
                    written.map_err(|e| fail(e.to_string()))?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Completes the file; the number of data rows written (the header not counted).
    pub fn finish(self) -> Result<u64, SheetError> {
        let fail = |reason: String| SheetError::Write {
            path: self.path.clone(),
            reason,
        };
        match self.inner {
            Inner::Csv(w) => {
                let mut out = w.into_inner().map_err(|e| fail(e.to_string()))?;
                out.flush().map_err(|e| fail(e.to_string()))?;
            }
            Inner::Xlsx { mut workbook, .. } => {
                workbook.save(&self.path).map_err(|e| fail(e.to_string()))?;
            }
        }
        Ok(u64::from(self.rows.saturating_sub(1)))
    }
}
