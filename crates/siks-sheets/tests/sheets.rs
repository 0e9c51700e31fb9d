//! The sheets as a spreadsheet program receives them.

use siks_sheets::{Format, SheetWriter, is_risky, neutralise};

#[test]
fn formulas_are_neutralised_and_numbers_are_not() {
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
