//! The sheets as a spreadsheet program receives them.

/// One test of this binary at a time: the bombs' memory is counted by an allocator that sees
/// every test's allocations, so none may run beside a measurement (the rest are quick).
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

use siks_sheets::{Format, SheetWriter, is_risky, neutralise};

#[test]
fn formulas_are_neutralised_and_numbers_are_not() {
    let _alone = crate::alone();
    for risky in [
        "=1+1",
        "+62 812",
        "-1+1",
        "@SUM(A1)",
        "\tx",
        "=HYPERLINK(\"http://x\")",
    ] {
        assert!(is_risky(risky), "{risky}");
        assert_eq!(neutralise(risky), format!("'{risky}"));
    }
    for plain in ["-6.89", "+3", "Budi", "3523011203850001", "", "a=b"] {
        assert!(!is_risky(plain), "{plain}");
        assert_eq!(neutralise(plain), plain);
    }
}

#[test]
fn csv_keeps_every_digit_and_neutralises() {
    let _alone = crate::alone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    let mut w = SheetWriter::create(Format::Csv, &path, "x", &["NIK", "Nama"]).unwrap();
    w.row(&["3523011203850001", "=cmd|' /C calc'!A0"]).unwrap();
    w.row(&["", "Siti, \"Ani\""]).unwrap();
    assert_eq!(w.finish().unwrap(), 2);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "\u{feff}NIK,Nama\n3523011203850001,'=cmd|' /C calc'!A0\n,\"Siti, \"\"Ani\"\"\"\n"
    );
}

#[test]
fn xlsx_is_a_zip_with_the_rows_as_text() {
    let _alone = crate::alone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    let mut w = SheetWriter::create(Format::Xlsx, &path, "Anggota", &["NIK", "Nama"]).unwrap();
    for i in 0..1000 {
        w.row(&[format!("35230112038{i:05}"), "=1+1".to_string()])
            .unwrap();
    }
    assert_eq!(w.finish().unwrap(), 1000);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    assert!(Format::parse("XLSX") == Some(Format::Xlsx) && Format::parse("ods").is_none());
    // Read back (SECURITY.md item 9): no formula anywhere; every risky name a text cell in
    // the quote-prefix style (Excel shows it as typed and keeps it text when it is edited),
    // the others without it.
    assert!(!part(&path, "xl/worksheets/sheet1.xml").contains("<f>"));
    let mut risky = SheetWriter::create(Format::Xlsx, &path, "Anggota", &["Nama"]).unwrap();
    for name in [
        "=1+1", "+62 812", "-1+1", "@SUM(A1)", "\tx", "-6.89", "Budi",
    ] {
        risky.row(&[name.to_string()]).unwrap();
    }
    risky.finish().unwrap();
    assert!(!part(&path, "xl/worksheets/sheet1.xml").contains("<f>"));
    let table = siks_sheets::read::read_table(
        &std::fs::read(&path).unwrap(),
        Format::Xlsx,
        None,
        &["Nama"],
        &[],
        siks_sheets::read::Limits::default(),
    )
    .unwrap();
    let names: Vec<&str> = table.rows.iter().map(|(_, r)| &r[0]).collect();
    // (The reader trims the tab.)
    assert_eq!(
        names,
        ["=1+1", "+62 812", "-1+1", "@SUM(A1)", "x", "-6.89", "Budi"]
    );
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    let styles = part(&path, "xl/styles.xml");
    let style_of = |cell: &str| {
        let at = sheet.find(&format!("<c r=\"{cell}\"")).unwrap();
        let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
        tag.split(" s=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|n| n.parse::<usize>().ok())
    };
    let quoted = |cell: &str| {
        style_of(cell).is_some_and(|n| {
            let xfs = &styles[styles.find("<cellXfs").unwrap()..];
            xfs.split("<xf ")
                .nth(n + 1)
                .is_some_and(|xf| xf.split('>').next().unwrap().contains("quotePrefix=\"1\""))
        })
    };
    for cell in ["A2", "A3", "A4", "A5", "A6"] {
        assert!(quoted(cell), "{cell} is quoted");
    }
    for cell in ["A7", "A8"] {
        assert!(!quoted(cell), "{cell} is plain");
    }
}

fn part(path: &std::path::Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_template_has_text_columns_drop_downs_and_an_explanation() {
    let _alone = crate::alone();
    use siks_sheets::{TemplateColumn, TemplateSheet, write_template};
    let column = |label: &str, choices: &[&str]| TemplateColumn {
        label: label.into(),
        help: format!("isi {label}"),
        required: true,
        choices: choices.iter().map(|c| c.to_string()).collect(),
    };
    let sheets = vec![
        TemplateSheet {
            name: "Anggota".into(),
            columns: vec![
                column("NIK", &[]),
                column("Jenis kelamin", &["1 - Laki-laki", "2 - Perempuan"]),
            ],
        },
        TemplateSheet {
            name: "Rumah tangga".into(),
            columns: vec![column("Lantai", &["1 - Tanah", "2 - Bambu", "3 - Kayu"])],
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    write_template(Format::Xlsx, &path, &sheets).unwrap();
    let workbook = part(&path, "xl/workbook.xml");
    for name in ["Anggota", "Rumah tangga", "Petunjuk", "Kode"] {
        assert!(workbook.contains(&format!("name=\"{name}\"")), "{workbook}");
    }
    let first = part(&path, "xl/worksheets/sheet1.xml");
    assert!(first.contains("<dataValidation"), "{first}");
    assert!(first.contains("Kode!$A$2:$A$3"), "{first}");
    assert!(part(&path, "xl/worksheets/sheet2.xml").contains("Kode!$B$2:$B$4"));
    assert!(
        part(&path, "xl/styles.xml").contains("formatCode=\"@\""),
        "NIK as text"
    );
    let strings = part(&path, "xl/sharedStrings.xml");
    assert!(strings.contains("2 - Perempuan") && strings.contains("isi NIK"));

    let csv = dir.path().join("t.csv");
    write_template(Format::Csv, &csv, &sheets).unwrap();
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "\u{feff}NIK,Jenis kelamin\n"
    );
}

#[test]
fn every_template_matches_the_register_columns() {
    let _alone = crate::alone();
    use siks_sheets::templates::TemplateKind;
    let dir = tempfile::tempdir().unwrap();
    for kind in TemplateKind::ALL {
        assert_eq!(TemplateKind::from_key(kind.key()), Some(kind));
        let sheets = kind.sheets();
        for sheet in &sheets {
            let labels: Vec<&str> = sheet.columns.iter().map(|c| c.label.as_str()).collect();
            let unique: std::collections::HashSet<&&str> = labels.iter().collect();
            assert_eq!(
                unique.len(),
                labels.len(),
                "{} has a header twice",
                sheet.name
            );
            assert!(
                labels.iter().all(|l| !l.is_empty()),
                "{}: {labels:?}",
                sheet.name
            );
        }
        let path = dir.path().join(format!("{}.xlsx", kind.key()));
        write_checked(&path, &sheets);
    }
    let new = TemplateKind::NewHouseholds.sheets();
    let members = &new[1];
    let sex = members
        .columns
        .iter()
        .find(|c| c.label == "Jenis kelamin")
        .unwrap();
    assert_eq!(sex.choices, vec!["1 - Laki-laki", "2 - Perempuan"]);
    assert!(
        members
            .columns
            .iter()
            .any(|c| c.label == "NIK" && c.required)
    );
    assert!(
        !members
            .columns
            .iter()
            .any(|c| c.label == "Status padan Dukcapil"),
        "server-set"
    );
}

fn write_checked(path: &std::path::Path, sheets: &[siks_sheets::TemplateSheet]) {
    siks_sheets::write_template(Format::Xlsx, path, sheets).unwrap();
    assert!(std::fs::read(path).unwrap().starts_with(b"PK"));
}

mod reading {
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
    use siks_sheets::Format;
    use siks_sheets::read::{Limits, ReadError, read_table};

    fn book(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Anggota").unwrap();
        fill(sheet);
        workbook.save_to_buffer().unwrap()
    }

    const TEXT: &[&str] = &["NIK"];
    const DATES: &[&str] = &["Tanggal lahir"];

    #[test]
    fn text_dates_and_empty_rows_are_read_as_the_register_wants() {
        let _alone = crate::alone();
        let bytes = book(|s| {
            for (c, h) in ["NIK", "Nama", "Tanggal lahir", "Anak"].iter().enumerate() {
                s.write_string(0, c as u16, *h).unwrap();
            }
            s.write_string(1, 0, "3523011203850001").unwrap();
            s.write_string(1, 1, "Budi").unwrap();
            s.write_number(1, 2, 31118.0).unwrap(); // 1985-03-12 as a serial number
            s.write_number(1, 3, 2.0).unwrap();
            // Row 3 left empty.
            s.write_string(3, 0, "3523015503850002").unwrap();
            s.write_string(3, 1, "Siti").unwrap();
            let date = ExcelDateTime::from_ymd(1985, 3, 15).unwrap();
            s.write_datetime_with_format(3, 2, &date, &XFormat::new().set_num_format("dd/mm/yyyy"))
                .unwrap();
        });
        let table = read_table(
            &bytes,
            Format::Xlsx,
            Some("anggota"),
            TEXT,
            DATES,
            Limits::default(),
        )
        .unwrap();
        assert_eq!(table.header, ["NIK", "Nama", "Tanggal lahir", "Anak"]);
        assert_eq!(
            (table.rows[0].0, table.rows[0].1.to_vec()),
            (
                2,
                vec![
                    "3523011203850001".to_string(),
                    "Budi".into(),
                    "1985-03-12".into(),
                    "2".into()
                ]
            )
        );
        assert_eq!(table.rows[1].0, 4);
        assert_eq!(&table.rows[1].1[2], "1985-03-15");
        assert_eq!(table.warnings, ["baris kosong dilewati: 3"]);
    }

    #[test]
    fn a_nik_as_a_number_and_merged_cells_are_refused_by_cell() {
        let _alone = crate::alone();
        let bytes = book(|s| {
            s.write_string(0, 0, "NIK").unwrap();
            s.write_string(0, 1, "Nama").unwrap();
            s.write_number(1, 0, 3523011203850001.0).unwrap();
            s.write_string(1, 1, "Budi").unwrap();
            s.merge_range(2, 0, 2, 1, "Siti", &XFormat::new()).unwrap();
        });
        let Err(ReadError::Cells(problems, _)) =
            read_table(&bytes, Format::Xlsx, None, TEXT, DATES, Limits::default())
        else {
            panic!("refused by cell");
        };
        let merged = problems
            .iter()
            .find(|p| p.reason.contains("digabung"))
            .unwrap();
        assert_eq!((merged.row, merged.column.as_str()), (3, "A"));
        let nik = problems.iter().find(|p| p.column == "NIK").unwrap();
        assert_eq!((nik.sheet.as_str(), nik.row), ("Anggota", 2));
        assert!(
            nik.reason.contains("format kolom sebagai Teks"),
            "{}",
            nik.reason
        );
    }

    #[test]
    fn wrong_sheets_big_files_and_zip_bombs_are_refused_before_reading() {
        let _alone = crate::alone();
        let bytes = book(|s| {
            s.write_string(0, 0, "NIK").unwrap();
        });
        let err = read_table(
            &bytes,
            Format::Xlsx,
            Some("Rumah tangga"),
            TEXT,
            DATES,
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "lembar 'Rumah tangga' tidak ada; lembar yang ada: Anggota"
        );
        let small = Limits {
            bytes: 100,
            ..Limits::default()
        };
        assert!(matches!(
            read_table(&bytes, Format::Xlsx, None, TEXT, DATES, small),
            Err(ReadError::TooLarge { .. })
        ));
        // A part that unpacks to 4 MiB of zeros from a few KiB.
        let mut zipped = std::io::Cursor::new(Vec::new());
        {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new(&mut zipped);
            zip.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&vec![0u8; 4 << 20]).unwrap();
            zip.finish().unwrap();
        }
        let bomb = zipped.into_inner();
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let tight = Limits {
            uncompressed: 1 << 20,
            ..Limits::default()
        };
        assert!(matches!(
            read_table(&bomb, Format::Xlsx, None, TEXT, DATES, tight),
            Err(ReadError::ZipBomb { .. })
        ));
        assert!(matches!(
            read_table(
                b"not a zip",
                Format::Xlsx,
                None,
                TEXT,
                DATES,
                Limits::default()
            ),
            Err(ReadError::NotXlsx(_))
        ));
        let rows = Limits {
            rows: 1,
            ..Limits::default()
        };
        assert!(matches!(
            read_table(b"NIK\n1\n2\n", Format::Csv, None, TEXT, DATES, rows),
            Err(ReadError::TooManyRows { rows: 2, max: 1 })
        ));
    }

    #[test]
    fn a_windows_1252_csv_is_read_with_a_warning() {
        let _alone = crate::alone();
        let bytes = b"Nama,Alamat\nJos\xe9,Jl. Caf\xe9 3\n";
        let table = read_table(bytes, Format::Csv, None, TEXT, DATES, Limits::default()).unwrap();
        assert_eq!(table.rows[0].1.to_vec(), ["José", "Jl. Café 3"]);
        assert!(table.warnings[0].contains("Windows-1252"));
    }
}

#[test]
fn the_error_report_copies_the_rows_and_marks_the_faulty_cells() {
    let _alone = crate::alone();
    use siks_sheets::read::TextRow;
    use siks_sheets::{ReportProblem, ReportSheet, write_error_report};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laporan.xlsx");
    let header = vec!["NIK".to_string(), "Jenis kelamin".to_string()];
    let rows = vec![
        (2, TextRow::new(["3523011203850001", "1"])),
        (4, TextRow::new(["3523015503850002", "9"])),
    ];
    let problems = vec![ReportProblem {
        row: 4,
        column: "Jenis kelamin".into(),
        reason: "'9' bukan kode jenis kelamin".into(),
    }];
    let other = vec![(3, TextRow::new(["x"]))];
    let other_header = vec!["No. ruta".to_string()];
    write_error_report(
        &path,
        &[
            ReportSheet {
                name: "Anggota",
                header: &header,
                rows: &rows,
                problems,
            },
            ReportSheet {
                name: "Rumah tangga",
                header: &other_header,
                rows: &other,
                problems: Vec::new(),
            },
        ],
    )
    .unwrap();
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    let book = part(&path, "xl/workbook.xml");
    assert!(
        book.contains("name=\"Anggota\"") && book.contains("name=\"Rumah tangga\""),
        "a sheet of the report per uploaded sheet, under its name: {book}"
    );
    // The report is written row by row (constant memory): its texts stand in the sheet itself.
    let strings = &sheet;
    assert!(strings.contains("Baris asal") && strings.contains("Masalah"));
    assert!(
        strings.contains("Jenis kelamin: &apos;9&apos; bukan kode jenis kelamin")
            || strings.contains("Jenis kelamin: '9' bukan kode jenis kelamin"),
        "{strings}"
    );
    assert!(
        part(&path, "xl/styles.xml").contains("F4B6B6"),
        "the faulty cell is highlighted"
    );
    assert!(
        sheet.contains("<c r=\"A3\""),
        "original row numbers are kept: {sheet}"
    );
}

/// Upload bombs (issue 18): each refused while it streams, before the memory it asks for is
/// allocated. The allocator counts every byte this binary holds, so the bound is measured, not
/// assumed; the bombs take gigabytes to a reader that materialises what the file declares.
mod bombs {
    use peak_alloc::PeakAlloc;
    use rust_xlsxwriter::Workbook;
    use siks_sheets::Format;
    use siks_sheets::read::{Limits, MAX_PROBLEMS, ReadError, read_table};

    #[global_allocator]
    static MEMORY: PeakAlloc = PeakAlloc;

    /// What `read` returns, and the most memory it held above what was held before it.
    fn peak_during<T>(read: impl FnOnce() -> T) -> (T, usize) {
        let before = MEMORY.current_usage();
        MEMORY.reset_peak_usage();
        let out = read();
        (out, MEMORY.peak_usage().saturating_sub(before))
    }

    const MIB: usize = 1024 * 1024;

    fn sparse_book(last_row: u32, last_col: u16) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Anggota").unwrap();
        sheet.write_string(0, 0, "NIK").unwrap();
        sheet.write_string(last_row, last_col, "x").unwrap();
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_declaring_a_vast_range_is_refused_without_allocating_it() {
        let _alone = crate::alone();
        // A1 and ZZ200000: 1.5 KB that spans 140 million cells.
        let bomb = sparse_book(199_999, 701);
        assert!(bomb.len() < 10_000, "{}", bomb.len());
        let (read, peak) =
            peak_during(|| read_table(&bomb, Format::Xlsx, None, &[], &[], Limits::default()));
        assert_eq!(
            read.unwrap_err(),
            ReadError::TooManyColumns {
                row: 200_000,
                columns: 702,
                max: 256
            }
        );
        assert!(peak < 16 * MIB, "{} MiB", peak / MIB);
        // Within every limit, the empty rows between are never made either.
        let wide = sparse_book(199_999, 255);
        let (read, peak) =
            peak_during(|| read_table(&wide, Format::Xlsx, None, &[], &[], Limits::default()));
        let table = read.unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!((table.rows[0].0, &table.rows[0].1[255]), (200_000, "x"));
        assert_eq!(table.header.len(), 256);
        assert!(peak < 16 * MIB, "{} MiB", peak / MIB);
        // A cell below the last row a sheet may have.
        let deep = sparse_book(300_000, 1);
        let (read, _) =
            peak_during(|| read_table(&deep, Format::Xlsx, None, &[], &[], Limits::default()));
        assert!(matches!(
            read,
            Err(ReadError::TooManyRows {
                rows: 300_000,
                max: 200_000
            })
        ));
    }

    /// A full sheet within every limit is held as about its text, not as a string per cell
    /// (a `String` per cell held a sheet of 200,000 members three times over: 552 MiB in
    /// `siks upload`).
    #[test]
    fn a_full_sheet_is_held_as_about_its_text() {
        let _alone = crate::alone();
        let (rows, columns) = (20_000u32, 25u16);
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().unwrap();
        sheet.set_name("Anggota").unwrap();
        for c in 0..columns {
            sheet.write_string(0, c, format!("K{c}")).unwrap();
        }
        for r in 1..=rows {
            for c in 0..columns {
                sheet.write_string(r, c, format!("{r:08}-{c:03}")).unwrap();
            }
        }
        let book = workbook.save_to_buffer().unwrap();
        let text = rows as usize * columns as usize * 12;
        let before = MEMORY.current_usage();
        let table = read_table(&book, Format::Xlsx, None, &[], &[], Limits::default()).unwrap();
        let held = MEMORY.current_usage().saturating_sub(before);
        assert_eq!(table.rows.len(), rows as usize);
        assert_eq!(&table.rows[19_999].1[24], "00020000-024");
        assert!(
            held < text * 2,
            "{} MiB held for {} MiB of text",
            held / MIB,
            text / MIB
        );
    }

    /// An XLSX made by hand: one shared string, and a sheet whose cells all point at it.
    fn shared_string_book(string: &str, cells: usize) -> Vec<u8> {
        use std::io::Write;
        let mut zipped = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut zipped);
        let options = zip::write::SimpleFileOptions::default();
        let mut part = |name: &str, text: &str| {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        };
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        );
        part(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        part(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Anggota" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        part(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        );
        part(
            "xl/sharedStrings.xml",
            &format!(
                r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>NIK</t></si><si><t>{string}</t></si></sst>"#
            ),
        );
        let mut sheet = String::from(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        );
        for n in 0..cells {
            let row = n / 100 + 2;
            let col = siks_sheets::read::column_name((n % 100) as u32);
            sheet.push_str(&format!(r#"<c r="{col}{row}" t="s"><v>1</v></c>"#));
        }
        sheet.push_str("</sheetData></worksheet>");
        part("xl/worksheets/sheet1.xml", &sheet);
        zip.finish().unwrap();
        zipped.into_inner()
    }

    #[test]
    fn one_shared_string_in_every_cell_is_refused_by_its_text() {
        let _alone = crate::alone();
        // One string of a megabyte, pointed at by 12,000 cells: 12 GB of text from a few KB.
        let bomb = shared_string_book(&"x".repeat(1 << 20), 12_000);
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        let (read, peak) =
            peak_during(|| read_table(&bomb, Format::Xlsx, None, &[], &[], Limits::default()));
        assert!(
            matches!(read, Err(ReadError::CellTooLong { ref cell, max: 32_767, .. }) if cell == "A2"),
            "{read:?}"
        );
        assert!(peak < 32 * MIB, "{} MiB", peak / MIB);
        // Strings Excel could hold, still too much text together.
        let many = shared_string_book(&"y".repeat(30_000), 12_000);
        let (read, peak) =
            peak_during(|| read_table(&many, Format::Xlsx, None, &[], &[], Limits::default()));
        assert!(
            matches!(read, Err(ReadError::TooMuchText { .. })),
            "{read:?}"
        );
        assert!(peak < 160 * MIB, "{} MiB", peak / MIB);
    }

    #[test]
    fn a_csv_of_millions_of_rows_or_fields_is_refused_as_it_streams() {
        let _alone = crate::alone();
        // Fifteen million rows in 30 MB.
        let rows = "NIK\n".to_string() + &"1\n".repeat(15_000_000);
        assert!(rows.len() < 30 * MIB);
        let (read, peak) = peak_during(|| {
            read_table(
                rows.as_bytes(),
                Format::Csv,
                None,
                &[],
                &[],
                Limits::default(),
            )
        });
        assert_eq!(
            read.unwrap_err().to_string(),
            "15000000 baris melebihi batas 200000 baris"
        );
        assert!(peak < 64 * MIB, "{} MiB", peak / MIB);
        // One line of fifteen million commas.
        let fields = ",".repeat(15_000_000);
        let (read, peak) = peak_during(|| {
            read_table(
                fields.as_bytes(),
                Format::Csv,
                None,
                &[],
                &[],
                Limits::default(),
            )
        });
        assert_eq!(
            read.unwrap_err().to_string(),
            "baris 1 sepanjang 15000000 bita melebihi batas 65536 bita per baris"
        );
        assert!(peak < MIB, "{} KiB", peak / 1024);
        // Fields within the line length, beyond the columns a row may have.
        let wide = format!("NIK\n{}\n", ",".repeat(300));
        let read = read_table(
            wide.as_bytes(),
            Format::Csv,
            None,
            &[],
            &[],
            Limits::default(),
        );
        assert_eq!(
            read.unwrap_err(),
            ReadError::TooManyColumns {
                row: 2,
                columns: 301,
                max: 256
            }
        );
    }

    #[test]
    fn a_sheet_of_faults_keeps_the_first_problems_and_counts_the_rest() {
        let _alone = crate::alone();
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "NIK").unwrap();
        for row in 1..=(MAX_PROBLEMS as u32 + 50) {
            sheet.write_number(row, 0, 3523011203850001.0).unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        let Err(ReadError::Cells(problems, table)) =
            read_table(&bytes, Format::Xlsx, None, &["NIK"], &[], Limits::default())
        else {
            panic!("refused by cell");
        };
        assert_eq!(problems.len(), MAX_PROBLEMS);
        assert_eq!(problems[0].row, 2);
        assert_eq!(
            table.warnings,
            ["50 masalah lain tidak dicantumkan: perbaiki yang tercantum lalu unggah lagi"]
        );
    }
}
