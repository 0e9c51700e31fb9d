//! Spreadsheet files for siks: the lists the pages show, written as CSV or XLSX one row at a
//! time, so that a province's million people never sit in memory (XLSX rows go to a temporary
//! file as they are written). Every text cell that a spreadsheet program could take for a
//! formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a plain
//! number) is neutralised: in CSV by a leading apostrophe, in XLSX by Excel's "quote prefix",
//! which shows the text as typed and keeps it text when edited.
#![forbid(unsafe_code)]

pub mod read;
pub mod templates;
pub mod upload;

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
                // Pages write 4 Des 2026 and 1.234.567; a file written for machines says how it
                // writes instead, on a sheet of its own after the data.
                let note = workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| fail(e.to_string()))?
                    .set_name(FORMAT_SHEET)
                    .map_err(|e| fail(e.to_string()))?;
                for (row, line) in FORMAT_NOTE.iter().enumerate() {
                    note.write_string(row as u32, 0, *line)
                        .map_err(|e| fail(e.to_string()))?;
                }
                workbook.save(&self.path).map_err(|e| fail(e.to_string()))?;
            }
        }
        Ok(u64::from(self.rows.saturating_sub(1)))
    }
}

/// One column of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateColumn {
    /// The header, in Indonesian.
    pub label: String,
    /// What to write, for the explanation sheet.
    pub help: String,
    pub required: bool,
    /// The allowed values of a coded column, each as `code - label` (empty: free text).
    pub choices: Vec<String>,
}

/// One sheet of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSheet {
    pub name: String,
    pub columns: Vec<TemplateColumn>,
}

/// Rows of a template sheet that carry the drop-down lists and the text format.
pub const TEMPLATE_ROWS: u32 = 50_000;

/// The sheet after an export's data that says how its values are written.
pub const FORMAT_SHEET: &str = "Format";

/// What [`FORMAT_SHEET`] says.
pub const FORMAT_NOTE: &[&str] = &[
    "Berkas ini ditulis untuk diolah mesin, tidak seperti halaman siks:",
    "Tanggal ditulis TTTT-BB-HH (ISO 8601), mis. 2026-12-04; waktu dalam UTC (RFC 3339).",
    "Angka ditulis tanpa pemisah ribuan dan desimal dengan titik, mis. 1234567 dan 95.8.",
    "NIK, No KK dan kode wilayah ditulis sebagai teks agar setiap angkanya utuh.",
    "Kolom berkode berisi kodenya; artinya ada di templat unggahan (lembar Kode).",
];

/// The name of the explanation sheet and of the sheet holding the lists of codes.
pub const GUIDE_SHEET: &str = "Petunjuk";
pub const CODES_SHEET: &str = "Kode";

/// Writes a template. XLSX: one sheet per [`TemplateSheet`] with its header row, every column
/// formatted as text (so a NIK keeps its 16 digits), a drop-down on every coded column; then
/// the explanation sheet (every column: sheet, header, required, what to write, allowed codes)
/// and the sheet of codes the drop-downs read. CSV: the header row of `sheets[0]` only.
pub fn write_template(
    format: Format,
    path: &Path,
    sheets: &[TemplateSheet],
) -> Result<(), SheetError> {
    let fail = |e: &dyn std::fmt::Display| SheetError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if format == Format::Csv {
        let labels: Vec<&str> = sheets
            .first()
            .map(|s| s.columns.iter().map(|c| c.label.as_str()).collect())
            .unwrap_or_default();
        return SheetWriter::create(Format::Csv, path, "", &labels)?
            .finish()
            .map(|_| ());
    }
    use rust_xlsxwriter::{DataValidation, Formula};
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let text = CellFormat::new().set_num_format("@");
    let wrap = CellFormat::new().set_text_wrap();
    // The drop-downs read the codes from the codes sheet, one column per coded column, in the
    // order they appear.
    let column_letter = |mut n: usize| {
        let mut s = String::new();
        n += 1;
        while n > 0 {
            let r = (n - 1) % 26;
            s.insert(0, char::from(b'A' + r as u8));
            n = (n - 1) / 26;
        }
        s
    };
    let mut list_no = 0usize;
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(|e| fail(&e))?;
        for (i, c) in sheet.columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(|e| fail(&e))?;
            ws.write_string_with_format(0, col, &c.label, &bold)
                .map_err(|e| fail(&e))?;
            ws.set_column_format(col, &text).map_err(|e| fail(&e))?;
            ws.set_column_width(
                col,
                (c.label.chars().count() as f64 + 2.0).clamp(10.0, 40.0),
            )
            .map_err(|e| fail(&e))?;
            if !c.choices.is_empty() {
                let letter = column_letter(list_no);
                list_no += 1;
                let range = format!(
                    "={CODES_SHEET}!${letter}$2:${letter}${}",
                    c.choices.len() + 1
                );
                let validation = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_message(format!("Pilih salah satu kode untuk {}", c.label))
                    .map_err(|e| fail(&e))?;
                ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &validation)
                    .map_err(|e| fail(&e))?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| fail(&e))?;
    }
    let guide = workbook.add_worksheet();
    guide.set_name(GUIDE_SHEET).map_err(|e| fail(&e))?;
    for (col, (title, width)) in [
        ("Lembar", 16.0),
        ("Kolom", 32.0),
        ("Wajib", 8.0),
        ("Isi", 60.0),
        ("Kode yang boleh", 60.0),
    ]
    .into_iter()
    .enumerate()
    {
        let col = col as u16;
        guide
            .write_string_with_format(0, col, title, &bold)
            .map_err(|e| fail(&e))?;
        guide.set_column_width(col, width).map_err(|e| fail(&e))?;
    }
    let mut row = 1u32;
    for sheet in sheets {
        for c in &sheet.columns {
            let cells = [
                sheet.name.clone(),
                c.label.clone(),
                if c.required { "ya" } else { "tidak" }.to_string(),
                c.help.clone(),
                c.choices.join("; "),
            ];
            for (col, cell) in cells.iter().enumerate() {
                guide
                    .write_string_with_format(row, col as u16, cell, &wrap)
                    .map_err(|e| fail(&e))?;
            }
            row += 1;
        }
    }
    let codes = workbook.add_worksheet();
    codes.set_name(CODES_SHEET).map_err(|e| fail(&e))?;
    let mut col = 0u16;
    for sheet in sheets {
        for c in sheet.columns.iter().filter(|c| !c.choices.is_empty()) {
            codes
                .write_string_with_format(0, col, format!("{} / {}", sheet.name, c.label), &bold)
                .map_err(|e| fail(&e))?;
            codes.set_column_width(col, 30.0).map_err(|e| fail(&e))?;
            for (i, choice) in c.choices.iter().enumerate() {
                codes
                    .write_string(i as u32 + 1, col, choice)
                    .map_err(|e| fail(&e))?;
            }
            col += 1;
        }
    }
    workbook.save(path).map_err(|e| fail(&e))?;
    Ok(())
}

/// One problem for the error report: the row as the uploaded sheet numbers it, the column's
/// header, and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportProblem {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// The headers the error report adds around the uploaded columns; an upload of a report
/// passes over them, so the operator may fix the report in place and upload it again.
pub const REPORT_ROW: &str = "Baris asal";
pub const REPORT_PROBLEMS: &str = "Masalah";

/// One sheet of the error report: an uploaded sheet as read, and its problems.
pub struct ReportSheet<'a> {
    /// The uploaded sheet's name (empty for a CSV: the report's sheet is `Laporan galat`).
    pub name: &'a str,
    pub header: &'a [String],
    pub rows: &'a [(u32, read::TextRow)],
    pub problems: Vec<ReportProblem>,
}

/// The error report: for each uploaded sheet, under its own name, a copy of its rows with
/// their original row number first, every faulty cell highlighted, and a last column `Masalah`
/// with the reasons of its row. Rows without problems are copied too, so the operator fixes
/// the file in place and uploads it again.
pub fn write_error_report(path: &Path, sheets: &[ReportSheet<'_>]) -> Result<(), SheetError> {
    use rust_xlsxwriter::Color;
    let fail = |e: &dyn std::fmt::Display| SheetError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let bad = CellFormat::new()
        .set_background_color(Color::RGB(0xF4B6B6))
        .set_quote_prefix();
    let plain = CellFormat::new().set_quote_prefix();
    let row_problem = CellFormat::new().set_font_color(Color::RGB(0x9C0006));
    for sheet in sheets {
        let (header, rows, problems) = (sheet.header, sheet.rows, &sheet.problems);
        // Written row by row to a temporary file, not held: a report copies every row of a
        // sheet of up to 200,000.
        let ws = workbook
            .add_worksheet_with_constant_memory()
            .map_err(|e| fail(&e))?;
        ws.set_name(if sheet.name.is_empty() {
            "Laporan galat"
        } else {
            sheet.name
        })
        .map_err(|e| fail(&e))?;
        ws.write_string_with_format(0, 0, REPORT_ROW, &bold)
            .map_err(|e| fail(&e))?;
        for (i, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16 + 1, h, &bold)
                .map_err(|e| fail(&e))?;
        }
        let last = header.len() as u16 + 1;
        ws.write_string_with_format(0, last, REPORT_PROBLEMS, &bold)
            .map_err(|e| fail(&e))?;
        ws.set_column_width(last, 80).map_err(|e| fail(&e))?;
        ws.set_freeze_panes(1, 1).map_err(|e| fail(&e))?;
        let mut by_row: std::collections::HashMap<u32, Vec<&ReportProblem>> =
            std::collections::HashMap::new();
        for p in problems {
            by_row.entry(p.row).or_default().push(p);
        }
        for (n, (row, cells)) in rows.iter().enumerate() {
            let at = n as u32 + 1;
            let here: &[&ReportProblem] = by_row.get(row).map_or(&[], Vec::as_slice);
            ws.write_number(at, 0, f64::from(*row))
                .map_err(|e| fail(&e))?;
            for (i, cell) in cells.iter().enumerate() {
                let faulty = here
                    .iter()
                    .any(|p| header.get(i).is_some_and(|h| *h == p.column));
                let format = if faulty { &bad } else { &plain };
                if faulty || !cell.is_empty() {
                    ws.write_string_with_format(at, i as u16 + 1, cell, format)
                        .map_err(|e| fail(&e))?;
                }
            }
            if !here.is_empty() {
                let text: Vec<String> = here
                    .iter()
                    .map(|p| {
                        if p.column.is_empty() {
                            p.reason.clone()
                        } else {
                            format!("{}: {}", p.column, p.reason)
                        }
                    })
                    .collect();
                ws.write_string_with_format(at, last, text.join("; "), &row_problem)
                    .map_err(|e| fail(&e))?;
            }
        }
    }
    workbook.save(path).map_err(|e| fail(&e))?;
    Ok(())
}

/// One sheet of a small workbook: its name, header and rows of text.
pub struct PlainSheet<'a> {
    pub name: &'a str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A small workbook of text sheets (a report of one person, not a register: held whole), every
/// cell text with the quote prefix so that nothing in it is taken as a formula; its bytes.
pub fn workbook_bytes(sheets: &[PlainSheet<'_>]) -> Result<Vec<u8>, SheetError> {
    let fail = |e: &dyn std::fmt::Display| SheetError::Write {
        path: std::path::PathBuf::from("-"),
        reason: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let text = CellFormat::new().set_quote_prefix();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name).map_err(|e| fail(&e))?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(|e| fail(&e))?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string_with_format(r as u32 + 1, c as u16, cell, &text)
                    .map_err(|e| fail(&e))?;
            }
        }
        ws.autofit();
    }
    workbook.save_to_buffer().map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xlsx_export_says_how_it_writes_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ekspor.xlsx");
        let mut writer =
            SheetWriter::create(Format::Xlsx, &path, "Anggota", &["nik", "tanggal_lahir"]).unwrap();
        writer.row(&["3523011203850001", "1985-03-12"]).unwrap();
        assert_eq!(writer.finish().unwrap(), 1);
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(&path).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["Anggota".to_string(), FORMAT_SHEET.into()]
        );
        let note = book.worksheet_range(FORMAT_SHEET).unwrap();
        let text: Vec<String> = note.rows().map(|r| r[0].to_string()).collect();
        assert_eq!(text, FORMAT_NOTE);
        let data = book.worksheet_range("Anggota").unwrap();
        assert_eq!(data.get((1, 0)).unwrap().to_string(), "3523011203850001");
    }
}
