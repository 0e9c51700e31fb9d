//! The two 16-digit identity numbers: NIK (a person's national identity number, which never
//! changes) and No KK (a family card number, which changes when the family does). Both are parsed
//! once at the edge into types that can only hold well-formed numbers.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::Sex;
use crate::message::Bilingual;
use crate::region::{Region, Regions};

/// Which of the two numbers an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdKind {
    Nik,
    NoKk,
}

impl IdKind {
    pub fn label(self) -> &'static str {
        match self {
            IdKind::Nik => "NIK",
            IdKind::NoKk => "No KK",
        }
    }
}

/// What is wrong with a NIK or No KK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    /// Written as a number by a spreadsheet (`3.52301E+15`, `3523014101900001.0`): digits are lost.
    WrittenAsNumber(String),
    WrongLength(usize),
    NotDigits,
    UnknownRegion(String),
    ZeroDistrict,
    BadDay(u32),
    BadMonth(u32),
    NoSuchDate {
        day: u32,
        month: u32,
        year2: u32,
    },
    ZeroSerial,
}

/// A rejected NIK or No KK, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub struct IdNumberError {
    pub kind: IdKind,
    pub problem: IdProblem,
}

impl Bilingual for IdNumberError {
    fn indonesian(&self) -> String {
        let k = self.kind.label();
        match &self.problem {
            IdProblem::Empty => format!("{k} kosong"),
            IdProblem::WrittenAsNumber(v) => format!(
                "{k} '{v}' tertulis sebagai angka: spreadsheet hanya menyimpan 15 digit, sehingga \
                 digit terakhir sudah hilang. Format kolom {k} sebagai teks lalu ketik ulang {k}-nya"
            ),
            IdProblem::WrongLength(n) => format!("{k} harus 16 digit, bukan {n}"),
            IdProblem::NotDigits => format!("{k} hanya boleh berisi angka 0-9"),
            IdProblem::UnknownRegion(p) => {
                format!("kode wilayah {p} di awal {k} tidak dikenal")
            }
            IdProblem::ZeroDistrict => format!("kode kecamatan di awal {k} tidak boleh 00"),
            IdProblem::BadDay(d) if self.kind == IdKind::Nik => format!(
                "tanggal lahir di {k} ({d:02}) harus 01-31 (laki-laki) atau 41-71 (perempuan)"
            ),
            IdProblem::BadDay(d) => format!("tanggal di {k} ({d:02}) harus 01-31"),
            IdProblem::BadMonth(m) => format!("bulan di {k} ({m:02}) harus 01-12"),
            IdProblem::NoSuchDate { day, month, year2 } => {
                format!("tanggal {day:02}-{month:02}-{year2:02} di {k} tidak ada di kalender")
            }
            IdProblem::ZeroSerial => format!("nomor urut di akhir {k} tidak boleh 0000"),
        }
    }

    fn english(&self) -> String {
        let k = self.kind.label();
        match &self.problem {
            IdProblem::Empty => format!("{k} is empty"),
            IdProblem::WrittenAsNumber(v) => format!(
                "{k} '{v}' was written as a number: spreadsheets keep 15 digits, so the last digit \
                 is lost. Format the {k} column as text and type the {k} again"
            ),
            IdProblem::WrongLength(n) => format!("{k} must have 16 digits, not {n}"),
            IdProblem::NotDigits => format!("{k} may only hold the digits 0-9"),
            IdProblem::UnknownRegion(p) => {
                format!("region code {p} at the start of {k} is unknown")
            }
            IdProblem::ZeroDistrict => format!("district code at the start of {k} may not be 00"),
            IdProblem::BadDay(d) if self.kind == IdKind::Nik => {
                format!("birth day in {k} ({d:02}) must be 01-31 (male) or 41-71 (female)")
            }
            IdProblem::BadDay(d) => format!("day in {k} ({d:02}) must be 01-31"),
            IdProblem::BadMonth(m) => format!("month in {k} ({m:02}) must be 01-12"),
            IdProblem::NoSuchDate { day, month, year2 } => {
                format!("date {day:02}-{month:02}-{year2:02} in {k} is not a calendar date")
            }
            IdProblem::ZeroSerial => format!("serial at the end of {k} may not be 0000"),
        }
    }
}

/// Checks the common shape of both numbers and returns the sixteen digits.
fn parse_digits(kind: IdKind, text: &str) -> Result<[u8; 16], IdNumberError> {
    let err = |problem| IdNumberError { kind, problem };
    let text = text.trim();
    if text.is_empty() {
        return Err(err(IdProblem::Empty));
    }
    let looks_numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE,".contains(&b));
    let has_digits = text.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && has_digits && text.bytes().any(|b| b"eE.,".contains(&b)) {
        return Err(err(IdProblem::WrittenAsNumber(text.to_string())));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(IdProblem::NotDigits));
    }
    if text.len() != 16 {
        return Err(err(IdProblem::WrongLength(text.len())));
    }
    let mut digits = [0u8; 16];
    for (slot, b) in digits.iter_mut().zip(text.bytes()) {
        *slot = b - b'0';
    }
    Ok(digits)
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + u32::from(*d))
}

fn region_prefix<'r>(
    kind: IdKind,
    digits: &[u8; 16],
    regions: &'r Regions,
) -> Result<&'r Region, IdNumberError> {
    let text: String = digits[..6].iter().map(|d| char::from(b'0' + d)).collect();
    // Only the regency must exist: district codes of first registration can be historical.
    let regency = regions
        .regency_by_digits(&text[..4])
        .ok_or_else(|| IdNumberError {
            kind,
            problem: IdProblem::UnknownRegion(format!("{}.{}", &text[..2], &text[2..4])),
        })?;
    if &text[4..6] == "00" {
        return Err(IdNumberError {
            kind,
            problem: IdProblem::ZeroDistrict,
        });
    }
    Ok(regency)
}

/// A date written as DDMMYY exists in the 1900s or the 2000s (they differ only for 29 February).
fn date_exists(day: u32, month: u32, year2: u32) -> bool {
    NaiveDate::from_ymd_opt(1900 + year2 as i32, month, day).is_some()
        || NaiveDate::from_ymd_opt(2000 + year2 as i32, month, day).is_some()
}

fn check_date(kind: IdKind, day: u32, month: u32, year2: u32) -> Result<(), IdNumberError> {
    let err = |problem| IdNumberError { kind, problem };
    if !(1..=31).contains(&day) {
        return Err(err(IdProblem::BadDay(day)));
    }
    if !(1..=12).contains(&month) {
        return Err(err(IdProblem::BadMonth(month)));
    }
    if !date_exists(day, month, year2) {
        return Err(err(IdProblem::NoSuchDate { day, month, year2 }));
    }
    Ok(())
}

/// A well-formed NIK: `PPKKCC DDMMYY SSSS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik([u8; 16]);

impl Nik {
    /// Parses a NIK against the shipped region hierarchy.
    pub fn parse(text: &str) -> Result<Nik, IdNumberError> {
        Nik::parse_with(text, Regions::embedded())
    }

    /// Parses a NIK against a given hierarchy.
    pub fn parse_with(text: &str, regions: &Regions) -> Result<Nik, IdNumberError> {
        let kind = IdKind::Nik;
        let digits = parse_digits(kind, text)?;
        region_prefix(kind, &digits, regions)?;
        let raw_day = number(&digits[6..8]);
        let day = if raw_day > 40 { raw_day - 40 } else { raw_day };
        if !(1..=31).contains(&day) {
            return Err(IdNumberError {
                kind,
                problem: IdProblem::BadDay(raw_day),
            });
        }
        check_date(kind, day, number(&digits[8..10]), number(&digits[10..12]))?;
        if number(&digits[12..16]) == 0 {
            return Err(IdNumberError {
                kind,
                problem: IdProblem::ZeroSerial,
            });
        }
        Ok(Nik(digits))
    }

    /// The sex the NIK implies (women have 40 added to the birth day).
    pub fn implied_sex(&self) -> Sex {
        if number(&self.0[6..8]) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Day, month and two-digit year of birth as written in the NIK.
    pub fn birth_parts(&self) -> (u32, u32, u32) {
        let raw_day = number(&self.0[6..8]);
        let day = if raw_day > 40 { raw_day - 40 } else { raw_day };
        (day, number(&self.0[8..10]), number(&self.0[10..12]))
    }

    /// The birth date the NIK implies, choosing the century so that the date is not after `today`.
    pub fn implied_birth_date(&self, today: NaiveDate) -> NaiveDate {
        let (day, month, year2) = self.birth_parts();
        let recent = NaiveDate::from_ymd_opt(2000 + year2 as i32, month, day);
        match recent {
            Some(date) if date <= today => date,
            _ => NaiveDate::from_ymd_opt(1900 + year2 as i32, month, day)
                // 29-02-00 exists only in 2000; parse guaranteed one of the two centuries.
                .or(recent)
                .unwrap_or(today),
        }
    }

    /// The six digits of the district of first registration (`352301`).
    pub fn region_digits(&self) -> String {
        self.to_string()[..6].to_string()
    }

    /// How the NIK disagrees with a person's recorded sex and birth date (empty when it agrees).
    /// The century is not in the NIK, so only day, month and the last two digits of the year count.
    pub fn disagreements(&self, sex: Sex, birth_date: Option<NaiveDate>) -> Vec<NikDisagreement> {
        let mut found = Vec::new();
        if self.implied_sex() != sex {
            found.push(NikDisagreement::Sex {
                implied: self.implied_sex(),
                recorded: sex,
            });
        }
        if let Some(date) = birth_date {
            let (day, month, year2) = self.birth_parts();
            if (date.day(), date.month(), date.year().rem_euclid(100) as u32) != (day, month, year2)
            {
                found.push(NikDisagreement::BirthDate {
                    implied: format!("{day:02}-{month:02}-{year2:02}"),
                    recorded: date,
                });
            }
        }
        found
    }

    pub fn agrees_with(&self, sex: Sex, birth_date: Option<NaiveDate>) -> bool {
        self.disagreements(sex, birth_date).is_empty()
    }

    /// The NIK with all but the first four and last two digits hidden, for public pages and logs.
    pub fn masked(&self) -> String {
        let s = self.to_string();
        format!("{}**********{}", &s[..4], &s[14..])
    }
}

/// How a NIK disagrees with the recorded person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikDisagreement {
    Sex {
        implied: Sex,
        recorded: Sex,
    },
    BirthDate {
        implied: String,
        recorded: NaiveDate,
    },
}

impl Bilingual for NikDisagreement {
    fn indonesian(&self) -> String {
        match self {
            NikDisagreement::Sex { implied, recorded } => format!(
                "NIK menunjukkan jenis kelamin {}, tercatat {}",
                implied.label(),
                recorded.label()
            ),
            NikDisagreement::BirthDate { implied, recorded } => format!(
                "NIK menunjukkan tanggal lahir {implied}, tercatat {}",
                recorded.format("%d-%m-%Y")
            ),
        }
    }
    fn english(&self) -> String {
        match self {
            NikDisagreement::Sex { implied, recorded } => format!(
                "NIK implies sex {}, recorded {}",
                implied.label_en(),
                recorded.label_en()
            ),
            NikDisagreement::BirthDate { implied, recorded } => format!(
                "NIK implies birth date {implied}, recorded {}",
                recorded.format("%d-%m-%Y")
            ),
        }
    }
}

fn write_digits(f: &mut fmt::Formatter<'_>, digits: &[u8; 16]) -> fmt::Result {
    for d in digits {
        write!(f, "{d}")?;
    }
    Ok(())
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_digits(f, &self.0)
    }
}

/// A well-formed family card number: issuing district (6), registration date DDMMYY (6), serial (4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoKk([u8; 16]);

impl NoKk {
    pub fn parse(text: &str) -> Result<NoKk, IdNumberError> {
        NoKk::parse_with(text, Regions::embedded())
    }

    pub fn parse_with(text: &str, regions: &Regions) -> Result<NoKk, IdNumberError> {
        let kind = IdKind::NoKk;
        let digits = parse_digits(kind, text)?;
        region_prefix(kind, &digits, regions)?;
        check_date(
            kind,
            number(&digits[6..8]),
            number(&digits[8..10]),
            number(&digits[10..12]),
        )?;
        if number(&digits[12..16]) == 0 {
            return Err(IdNumberError {
                kind,
                problem: IdProblem::ZeroSerial,
            });
        }
        Ok(NoKk(digits))
    }
}

impl fmt::Display for NoKk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_digits(f, &self.0)
    }
}

/// A NIK or No KK as recorded in the register. Legacy data holds malformed numbers that the
/// registry must keep and report (verivali), so a record carries the text it was given and, when
/// that text is well-formed, the parsed number. New entries through the forms must be `Valid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded<T> {
    Valid(T),
    Invalid { raw: String, error: IdNumberError },
}

impl<T: fmt::Display> Recorded<T> {
    pub fn raw(&self) -> String {
        match self {
            Recorded::Valid(v) => v.to_string(),
            Recorded::Invalid { raw, .. } => raw.clone(),
        }
    }
    pub fn valid(&self) -> Option<&T> {
        match self {
            Recorded::Valid(v) => Some(v),
            Recorded::Invalid { .. } => None,
        }
    }
}

impl Recorded<Nik> {
    /// Keeps what cannot be parsed, but refuses a number a spreadsheet has already destroyed.
    pub fn nik(text: &str) -> Result<Recorded<Nik>, IdNumberError> {
        Recorded::keep(Nik::parse(text), text)
    }
}

impl Recorded<NoKk> {
    pub fn no_kk(text: &str) -> Result<Recorded<NoKk>, IdNumberError> {
        Recorded::keep(NoKk::parse(text), text)
    }
}

impl<T> Recorded<T> {
    fn keep(parsed: Result<T, IdNumberError>, text: &str) -> Result<Recorded<T>, IdNumberError> {
        match parsed {
            Ok(v) => Ok(Recorded::Valid(v)),
            Err(e) if matches!(e.problem, IdProblem::WrittenAsNumber(_) | IdProblem::Empty) => {
                Err(e)
            }
            Err(error) => Ok(Recorded::Invalid {
                raw: text.trim().to_string(),
                error,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problem(text: &str) -> IdProblem {
        Nik::parse(text).unwrap_err().problem
    }

    #[test]
    fn valid_nik_tells_sex_and_birth_date() {
        let man = Nik::parse("3523011203850001").unwrap();
        assert_eq!(man.implied_sex(), Sex::Male);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            man.implied_birth_date(today),
            NaiveDate::from_ymd_opt(1985, 3, 12).unwrap()
        );
        let woman = Nik::parse(" 3523015208150002 ").unwrap();
        assert_eq!(woman.implied_sex(), Sex::Female);
        assert_eq!(
            woman.implied_birth_date(today),
            NaiveDate::from_ymd_opt(2015, 8, 12).unwrap()
        );
        assert_eq!(woman.to_string(), "3523015208150002");
        assert_eq!(woman.masked(), "3523**********02");
        assert_eq!(woman.region_digits(), "352301");
    }

    #[test]
    fn rejections_name_the_reason() {
        assert_eq!(problem(""), IdProblem::Empty);
        assert_eq!(problem("352301120385001"), IdProblem::WrongLength(15));
        assert_eq!(problem("35230112038500a1"), IdProblem::NotDigits);
        assert!(matches!(
            problem("3.52301E+15"),
            IdProblem::WrittenAsNumber(_)
        ));
        assert!(matches!(
            problem("3523011203850000.0"),
            IdProblem::WrittenAsNumber(_)
        ));
        assert!(matches!(
            problem("3599011203850001"),
            IdProblem::UnknownRegion(_)
        ));
        assert_eq!(problem("3523001203850001"), IdProblem::ZeroDistrict);
        assert_eq!(problem("3523013503850001"), IdProblem::BadDay(35));
        assert_eq!(problem("3523017203850001"), IdProblem::BadDay(72));
        assert_eq!(problem("3523010003850001"), IdProblem::BadDay(0));
        assert_eq!(problem("3523011213850001"), IdProblem::BadMonth(13));
        assert_eq!(
            problem("3523013102850001"),
            IdProblem::NoSuchDate {
                day: 31,
                month: 2,
                year2: 85
            }
        );
        assert_eq!(problem("3523011203850000"), IdProblem::ZeroSerial);
        // 29 February exists in 2000 and 1984 but in no year ending in 85.
        assert!(Nik::parse("3523012902000001").is_ok());
        assert!(Nik::parse("3523016902840001").is_ok());
        let err = Nik::parse("3523011213850001").unwrap_err();
        assert!(err.indonesian().contains("bulan"));
        assert!(err.english().contains("month"));
    }

    #[test]
    fn disagreement_with_recorded_person() {
        let nik = Nik::parse("3523015208150002").unwrap();
        let born = NaiveDate::from_ymd_opt(2015, 8, 12);
        assert!(nik.agrees_with(Sex::Female, born));
        let found = nik.disagreements(Sex::Male, NaiveDate::from_ymd_opt(2015, 8, 13));
        assert_eq!(found.len(), 2);
        assert!(found[0].indonesian().contains("jenis kelamin"));
        assert!(nik.agrees_with(Sex::Female, None));
    }

    #[test]
    fn no_kk_rules() {
        assert!(NoKk::parse("3523011203150004").is_ok());
        let e = NoKk::parse("3523015203150004").unwrap_err();
        assert_eq!(e.problem, IdProblem::BadDay(52));
        assert!(e.indonesian().starts_with("tanggal di No KK"));
        assert_eq!(
            NoKk::parse("3523011203150000").unwrap_err().problem,
            IdProblem::ZeroSerial
        );
    }

    #[test]
    fn recorded_keeps_legacy_defects_but_not_destroyed_numbers() {
        assert!(matches!(
            Recorded::nik("3523011213850001"),
            Ok(Recorded::Invalid { .. })
        ));
        assert!(Recorded::nik("3.52301E+15").is_err());
        assert!(Recorded::nik("  ").is_err());
        assert_eq!(
            Recorded::nik("3523011203850001").unwrap().raw(),
            "3523011203850001"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,24}") {
            let _ = Nik::parse(&text);
            let _ = NoKk::parse(&text);
        }

        #[test]
        fn built_niks_round_trip(
            day in 1u32..=28, month in 1u32..=12, year2 in 0u32..=99,
            female: bool, serial in 1u32..=9999,
        ) {
            let written_day = if female { day + 40 } else { day };
            let text = format!("352301{written_day:02}{month:02}{year2:02}{serial:04}");
            let nik = Nik::parse(&text).unwrap();
            prop_assert_eq!(nik.to_string(), text);
            prop_assert_eq!(nik.implied_sex(), if female { Sex::Female } else { Sex::Male });
            prop_assert_eq!(nik.birth_parts(), (day, month, year2));
            let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
            let born = nik.implied_birth_date(today);
            prop_assert!(born <= today);
            prop_assert!(nik.agrees_with(nik.implied_sex(), Some(born)));
        }

        #[test]
        fn any_sixteen_digits_parse_or_give_a_reason(digits in "[0-9]{16}") {
            match Nik::parse(&digits) {
                Ok(nik) => prop_assert_eq!(nik.to_string(), digits),
                Err(e) => prop_assert!(!e.indonesian().is_empty() && !e.english().is_empty()),
            }
        }
    }
}
