//! Outside lists the ministry matches the register against: the civil-registry extract
//! (Dukcapil), the death register, civil servants (ASN/TNI/Polri) and exclusion lists (company
//! officers, wage earners above the minimum wage, non-subsidised electricity, car owners). This
//! module reads such a file into rows, refusing wrong columns, encodings and values with the line
//! and the reason; matching the rows to people is the store's and the linkage engine's.

use std::io::Read;

use chrono::NaiveDate;

use crate::codes::{CivilRegistryStatus, CivilServantKind, Coded, Sex};
use crate::identity::Nik;
use crate::message::Bilingual;

coded!(
    /// Which outside list a file is.
    ListKind, "jenis daftar" {
    CivilRegistry = 1, "Data kependudukan Dukcapil", "Civil-registry extract";
    Deaths = 2, "Daftar kematian", "Death register";
    CivilServants = 3, "Daftar ASN/TNI/Polri", "Civil servants, military and police";
    Exclusion = 4, "Daftar pengecualian", "Exclusion list";
});

impl ListKind {
    /// The key typed on the command line and stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            ListKind::CivilRegistry => "dukcapil",
            ListKind::Deaths => "kematian",
            ListKind::CivilServants => "asn",
            ListKind::Exclusion => "pengecualian",
        }
    }

    pub fn from_key(key: &str) -> Option<ListKind> {
        <ListKind as Coded>::ALL
            .iter()
            .copied()
            .find(|k| k.key() == key.trim())
    }

    /// Death registers add up (each names the deaths of its months); every other list is a
    /// snapshot that replaces the previous one from the same source.
    pub fn accumulates(self) -> bool {
        self == ListKind::Deaths
    }

    /// The columns a file of this kind must have (others are optional, see [`COLUMNS`]).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            ListKind::CivilRegistry => &["nik", "full_name", "birth_date", "status"],
            _ => &["nik", "full_name", "birth_date"],
        }
    }
}

/// Every column a list file may have: the name siks writes, then the Indonesian names accepted
/// for it (headers are compared without case, spaces and underscores).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("nik", &["nik"]),
    ("full_name", &["nama", "namalengkap"]),
    ("sex", &["jeniskelamin", "jk"]),
    ("birth_date", &["tanggallahir", "tgllahir"]),
    ("birth_place", &["tempatlahir"]),
    ("no_kk", &["nokk", "nomorkk"]),
    ("status", &["statuskependudukan"]),
    ("date_of_death", &["tanggalmeninggal", "tglmeninggal"]),
    ("kind", &["jenis", "jenisaparatur"]),
    ("institution", &["instansi"]),
    ("reason", &["alasan"]),
];

/// One row of an outside list, as written (a NIK may be missing or wrong: that is what the
/// fuzzy match is for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The NIK as written, trimmed; empty when missing.
    pub nik: String,
    pub full_name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: String,
    pub no_kk: String,
    /// The civil registry's status of the person (civil-registry extracts only).
    pub status: Option<CivilRegistryStatus>,
    /// What the list says beyond identity, in Indonesian: the date of death, the service and
    /// institution, the reason for exclusion.
    pub note: String,
}

impl ListRow {
    /// The NIK when it is well formed.
    pub fn valid_nik(&self) -> Option<Nik> {
        Nik::parse(&self.nik).ok()
    }
}

/// Why a list file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("kolom wajib '{column}' tidak ada di baris judul (baris 1)")]
    MissingColumn { column: &'static str },
    #[error("kolom '{column}' muncul dua kali di baris judul (baris 1)")]
    RepeatedColumn { column: String },
    #[error("baris {line}: isi berkas bukan UTF-8 (simpan ulang sebagai CSV UTF-8)")]
    Encoding { line: u64 },
    #[error("baris {line}: {reason}")]
    Row {
        line: u64,
        reason: String,
        reason_en: String,
    },
}

impl Bilingual for ListError {
    fn indonesian(&self) -> String {
        self.to_string()
    }
    fn english(&self) -> String {
        match self {
            ListError::MissingColumn { column } => {
                format!("required column '{column}' is missing from the header (line 1)")
            }
            ListError::RepeatedColumn { column } => {
                format!("column '{column}' appears twice in the header (line 1)")
            }
            ListError::Encoding { line } => {
                format!("line {line}: the file is not UTF-8 (save it again as CSV UTF-8)")
            }
            ListError::Row {
                line, reason_en, ..
            } => format!("line {line}: {reason_en}"),
        }
    }
}

/// At most this many row errors are reported for one file (the first ones).
pub const MAX_REPORTED: usize = 20;

/// Reads a list file of `kind`: a header naming its columns (in any order, siks's or the
/// Indonesian names), then one person per line. An empty file is an empty list. Any error
/// refuses the whole file; up to [`MAX_REPORTED`] are returned, first line first.
pub fn read_list(kind: ListKind, input: impl Read) -> Result<Vec<ListRow>, Vec<ListError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Ok(Vec::new()),
        Some(Err(_)) => return Err(vec![ListError::Encoding { line: 1 }]),
        Some(Ok(h)) => h,
    };
    let Ok(header) = csv::StringRecord::from_byte_record(header) else {
        return Err(vec![ListError::Encoding { line: 1 }]);
    };
    let mut at: [Option<usize>; 11] = [None; 11];
    for (i, cell) in header.iter().enumerate() {
        let folded: String = cell
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        let known = COLUMNS.iter().position(|(name, aliases)| {
            name.replace('_', "") == folded || aliases.contains(&folded.as_str())
        });
        if let Some(c) = known {
            if at[c].is_some() {
                return Err(vec![ListError::RepeatedColumn {
                    column: COLUMNS[c].0.to_string(),
                }]);
            }
            at[c] = Some(i);
        }
    }
    let missing: Vec<ListError> = kind
        .required()
        .iter()
        .filter(|name| {
            COLUMNS
                .iter()
                .position(|(n, _)| n == *name)
                .is_none_or(|c| at[c].is_none())
        })
        .map(|column| ListError::MissingColumn { column })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in records.enumerate() {
        let line = n as u64 + 2;
        let record = match record
            .ok()
            .and_then(|r| csv::StringRecord::from_byte_record(r).ok())
        {
            Some(r) => r,
            None => {
                errors.push(ListError::Encoding { line });
                break;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: usize| at[c].and_then(|i| record.get(i)).unwrap_or("").trim();
        match row(kind, line, &cell) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
        if errors.len() >= MAX_REPORTED {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn row<'a>(
    kind: ListKind,
    line: u64,
    cell: &dyn Fn(usize) -> &'a str,
) -> Result<ListRow, ListError> {
    let bad = |reason: String, reason_en: String| ListError::Row {
        line,
        reason,
        reason_en,
    };
    let full_name = cell(1).to_string();
    if full_name.is_empty() {
        return Err(bad(
            "kolom full_name (nama) kosong".into(),
            "column full_name (name) is empty".into(),
        ));
    }
    let nik = cell(0).to_string();
    if kind == ListKind::CivilRegistry
        && let Err(e) = Nik::parse(&nik)
    {
        return Err(bad(
            format!(
                "kolom nik: data Dukcapil wajib ber-NIK sah: {}",
                e.indonesian()
            ),
            format!(
                "column nik: a civil-registry row needs a valid NIK: {}",
                e.english()
            ),
        ));
    }
    let sex = match cell(2) {
        "" => None,
        t => Some(parse_coded::<Sex>(t).ok_or_else(|| {
            bad(
                format!("kolom sex: '{t}' bukan jenis kelamin (1=Laki-laki, 2=Perempuan, L, P)"),
                format!("column sex: '{t}' is not a sex (1=male, 2=female, L, P)"),
            )
        })?),
    };
    let date = |i: usize, column: &str| -> Result<Option<NaiveDate>, ListError> {
        let t = cell(i);
        if t.is_empty() {
            return Ok(None);
        }
        ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
            .map(Some)
            .ok_or_else(|| {
                bad(
                    format!("kolom {column}: '{t}' bukan tanggal (TTTT-BB-HH atau HH-BB-TTTT)"),
                    format!("column {column}: '{t}' is not a date (YYYY-MM-DD or DD-MM-YYYY)"),
                )
            })
    };
    let birth_date = date(3, "birth_date")?;
    let status = match (kind, cell(6)) {
        (ListKind::CivilRegistry, t) => Some(parse_coded::<CivilRegistryStatus>(t).ok_or_else(|| {
            bad(
                format!("kolom status: '{t}' bukan status kependudukan (1=Hidup, 2=Meninggal, 3=NIK dinonaktifkan)"),
                format!("column status: '{t}' is not a civil-registry status (1=alive, 2=dead, 3=deactivated)"),
            )
        })?),
        _ => None,
    };
    let note = match kind {
        ListKind::CivilRegistry => String::new(),
        ListKind::Deaths => match date(7, "date_of_death")? {
            Some(d) => format!("meninggal {d}"),
            None => "meninggal".into(),
        },
        ListKind::CivilServants => {
            let service = match cell(8) {
                "" => None,
                t => Some(parse_coded::<CivilServantKind>(t).ok_or_else(|| {
                    bad(
                        format!("kolom kind: '{t}' bukan jenis aparatur (1=ASN, 2=TNI, 3=Polri)"),
                        format!("column kind: '{t}' is not a service (1=ASN, 2=TNI, 3=Polri)"),
                    )
                })?),
            };
            let service = service.map(|s| s.label()).unwrap_or("ASN/TNI/Polri");
            match cell(9) {
                "" => service.to_string(),
                institution => format!("{service}, {institution}"),
            }
        }
        ListKind::Exclusion => cell(10).to_string(),
    };
    Ok(ListRow {
        line,
        nik,
        full_name,
        sex,
        birth_date,
        birth_place: cell(4).to_string(),
        no_kk: cell(5).to_string(),
        status,
        note,
    })
}

/// A coded value by its number or its label (`2`, `Perempuan`, `P` for sex; `TNI`).
fn parse_coded<T: Coded>(text: &str) -> Option<T> {
    if let Ok(v) = T::parse_code(text) {
        return Some(v);
    }
    let folded = text.trim().to_lowercase();
    T::ALL.iter().copied().find(|v| {
        let label = v.label().to_lowercase();
        label == folded
            || (folded.len() == 1 && label.starts_with(&folded))
            || label.split('/').any(|part| part == folded)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: ListKind, text: &str) -> Result<Vec<ListRow>, Vec<ListError>> {
        read_list(kind, text.as_bytes())
    }

    #[test]
    fn columns_in_any_order_and_in_indonesian() {
        let rows = read(
            ListKind::Deaths,
            "Nama,Tanggal Lahir,NIK,Jenis Kelamin,tanggal_meninggal\n\
             Siti Aminah,12-03-1950,,P,2026-02-01\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.line, r.full_name.as_str()), (2, "Siti Aminah"));
        assert_eq!(r.birth_date, NaiveDate::from_ymd_opt(1950, 3, 12));
        assert_eq!(r.sex, Some(Sex::Female));
        assert_eq!(r.nik, "");
        assert_eq!(r.note, "meninggal 2026-02-01");
    }

    #[test]
    fn an_empty_file_is_an_empty_list() {
        assert_eq!(read(ListKind::Exclusion, ""), Ok(Vec::new()));
        assert_eq!(
            read(ListKind::Exclusion, "nik,full_name,birth_date\n"),
            Ok(Vec::new())
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = read(ListKind::CivilRegistry, "nik,full_name,birth_date\n").unwrap_err();
        assert_eq!(err, vec![ListError::MissingColumn { column: "status" }]);
        assert!(err[0].indonesian().contains("'status'"));
        assert!(err[0].english().contains("missing"));
    }

    #[test]
    fn bad_values_name_the_line_and_column() {
        let err = read(
            ListKind::CivilServants,
            "nik,full_name,birth_date,kind\n\
             3523011203500001,Budi,1950-03-12,1\n\
             ,Ani,1950-13-40,2\n\
             ,,1950-01-01,1\n\
             ,Wati,1950-01-01,Satpam\n",
        )
        .unwrap_err();
        let text: Vec<String> = err.iter().map(|e| e.indonesian()).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with("baris 3: kolom birth_date"), "{text:?}");
        assert!(text[1].starts_with("baris 4: kolom full_name"), "{text:?}");
        assert!(text[2].contains("baris 5: kolom kind"), "{text:?}");
    }

    #[test]
    fn civil_registry_rows_need_a_valid_nik_and_a_status() {
        let err = read(
            ListKind::CivilRegistry,
            "nik,full_name,birth_date,status\n123,Budi,1950-03-12,1\n",
        )
        .unwrap_err();
        assert!(err[0].indonesian().contains("baris 2: kolom nik"));
        let rows = read(
            ListKind::CivilRegistry,
            "nik,full_name,birth_date,status\n3523011203500001,Budi,1950-03-12,Meninggal\n",
        )
        .unwrap();
        assert_eq!(rows[0].status, Some(CivilRegistryStatus::Dead));
        assert!(rows[0].valid_nik().is_some());
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_at_its_line() {
        let mut bytes = b"nik,full_name,birth_date\n,Budi,1950-01-01\n,".to_vec();
        bytes.extend_from_slice(&[0xC0, 0xFF]);
        bytes.extend_from_slice(b"x,1950-01-01\n");
        let err = read_list(ListKind::Deaths, bytes.as_slice()).unwrap_err();
        assert_eq!(err, vec![ListError::Encoding { line: 3 }]);
    }

    #[test]
    fn list_kinds_round_trip_their_keys() {
        for &k in <ListKind as Coded>::ALL {
            assert_eq!(ListKind::from_key(k.key()), Some(k));
        }
        assert!(ListKind::Deaths.accumulates());
        assert!(!ListKind::CivilServants.accumulates());
    }
}
