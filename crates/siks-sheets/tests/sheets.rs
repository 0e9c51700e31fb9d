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
