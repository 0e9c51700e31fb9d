//! The verivali check catalogue for one household and its members: what the record itself says is
//! wrong or doubtful (malformed or disagreeing identity numbers, empty or implausible names,
//! household structure, impossible ages, a verification older than a year). Checks that need the
//! whole register (the same NIK active twice, the same person twice) or an outside list (deaths,
//! civil servants) are the store's and the linkage engine's; they share the kinds here.

use chrono::{Datelike, NaiveDate};

use crate::codes::Relation;
use crate::identity::{NikDisagreement, Recorded};
use crate::message::Bilingual;
use crate::record::{Household, Person, PersonId, RegistryStatus};

coded!(
    /// What a check found.
    FindingKind, "jenis temuan" {
    MalformedNik = 1, "NIK tidak valid", "Malformed NIK";
    MalformedNoKk = 2, "No KK tidak valid", "Malformed No KK";
    NikSexMismatch = 3, "NIK tidak sesuai jenis kelamin", "NIK disagrees with sex";
    NikBirthDateMismatch = 4, "NIK tidak sesuai tanggal lahir", "NIK disagrees with birth date";
    EmptyName = 5, "Nama kosong", "Empty name";
    ImplausibleName = 6, "Nama tidak wajar", "Implausible name";
    NoHead = 7, "Tanpa kepala rumah tangga", "No head of household";
    TwoHeads = 8, "Kepala rumah tangga lebih dari satu", "More than one head";
    ChildOlderThanParent = 9, "Anak lebih tua dari orang tua", "Child older than parent";
    ImpossibleAge = 10, "Umur tidak mungkin", "Impossible age";
    NotVerified = 11, "Belum diverifikasi lebih dari setahun", "Not verified for over a year";
    DuplicateNik = 12, "NIK ganda", "Same NIK active twice";
    DuplicatePerson = 13, "Orang yang sama tercatat dua kali", "Same person twice";
    Deceased = 14, "Sudah meninggal (Dukcapil/daftar kematian)", "Deceased (civil registry or death register)";
    CivilServant = 15, "ASN/TNI/Polri", "Civil servant, military or police";
    NotInCivilRegistry = 16, "Tidak padan Dukcapil", "Does not match the civil registry";
    NikDeactivated = 17, "NIK dinonaktifkan Dukcapil", "NIK deactivated by the civil registry";
    Excluded = 18, "Masuk daftar pengecualian", "On an exclusion list";
});

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth a look.
    Warning,
    /// The record is wrong, or someone receives aid who should not.
    Error,
}

/// Where a kept finding stands: open until a later run no longer finds it (fixed) or an operator
/// settles it (fixed through a proposal, or dismissed with a reason). Stored and sent as its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Open,
    Fixed,
    Dismissed,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 3] = [
        FindingStatus::Open,
        FindingStatus::Fixed,
        FindingStatus::Dismissed,
    ];

    /// `open`, `fixed` or `dismissed`: the stored value and the one pages and the API send.
    pub fn key(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Fixed => "fixed",
            FindingStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(key: &str) -> Option<FindingStatus> {
        FindingStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What a page calls it.
    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "Terbuka",
            FindingStatus::Fixed => "Sudah diperbaiki",
            FindingStatus::Dismissed => "Diabaikan",
        }
    }
}

impl FindingKind {
    /// The reason of the removal proposal that settles a finding of this kind (`None`: it is
    /// settled by correcting the record).
    pub fn removal_reason(self) -> Option<crate::codes::InactiveReason> {
        use crate::codes::InactiveReason;
        match self {
            FindingKind::DuplicateNik | FindingKind::DuplicatePerson => {
                Some(InactiveReason::Duplicate)
            }
            FindingKind::Deceased => Some(InactiveReason::Died),
            FindingKind::CivilServant => Some(InactiveReason::CivilServant),
            FindingKind::Excluded => Some(InactiveReason::NoLongerPoor),
            _ => None,
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            FindingKind::NotVerified
            | FindingKind::ImplausibleName
            | FindingKind::ChildOlderThanParent => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One thing a check found about a household or one of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The member concerned (`None`: the household as a whole).
    pub person: Option<PersonId>,
    /// The fields that show it (interchange column names).
    pub fields: Vec<&'static str>,
    /// What was seen, in Indonesian (no NIK in full: the detail may be shown widely).
    pub detail: String,
}

/// People older than this are taken for a typing slip in the birth date.
const MAX_AGE: i32 = 115;
/// A child at least this many years younger than the head is plausible.
const MIN_PARENT_GAP: i32 = 12;
/// Days after which a household counts as not verified.
const VERIFY_WITHIN_DAYS: i64 = 365;

/// The catalogue's checks on one household as of `today`. Inactive members are left out (a
/// removed member is no longer the register's concern).
pub fn check_household(
    household: &Household,
    members: &[Person],
    today: NaiveDate,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let active: Vec<&Person> = members
        .iter()
        .filter(|m| !matches!(m.status, RegistryStatus::Inactive(_)))
        .collect();
    for p in &active {
        check_person(p, today, &mut found);
    }
    let heads: Vec<&&Person> = active
        .iter()
        .filter(|m| m.relation_to_head == Relation::Head)
        .collect();
    match heads.len() {
        0 if !active.is_empty() => found.push(Finding {
            kind: FindingKind::NoHead,
            person: None,
            fields: vec!["relation_to_head"],
            detail: format!(
                "{} anggota, tidak satu pun kepala rumah tangga",
                active.len()
            ),
        }),
        0 | 1 => {}
        n => found.push(Finding {
            kind: FindingKind::TwoHeads,
            person: None,
            fields: vec!["relation_to_head"],
            detail: format!("{n} anggota tercatat sebagai kepala rumah tangga"),
        }),
    }
    if let [head] = heads.as_slice() {
        for child in active
            .iter()
            .filter(|m| m.relation_to_head == Relation::Child)
        {
            let gap = child.birth_date.year() - head.birth_date.year();
            if gap < MIN_PARENT_GAP {
                found.push(Finding {
                    kind: FindingKind::ChildOlderThanParent,
                    person: Some(child.id),
                    fields: vec!["birth_date", "relation_to_head"],
                    detail: format!(
                        "anak lahir {}, kepala rumah tangga lahir {} (selisih {gap} tahun)",
                        child.birth_date, head.birth_date
                    ),
                });
            }
        }
    }
    let stale = match household.last_verified {
        None => Some("belum pernah diverifikasi".to_string()),
        Some(d) if (today - d).num_days() > VERIFY_WITHIN_DAYS => {
            Some(format!("terakhir diverifikasi {}", crate::show::date(d)))
        }
        Some(_) => None,
    };
    if let Some(detail) = stale
        && household.status == RegistryStatus::Active
    {
        found.push(Finding {
            kind: FindingKind::NotVerified,
            person: None,
            fields: vec!["last_verified"],
            detail,
        });
    }
    found
}

fn check_person(p: &Person, today: NaiveDate, found: &mut Vec<Finding>) {
    let mut add = |kind, fields, detail: String| {
        found.push(Finding {
            kind,
            person: Some(p.id),
            fields,
            detail,
        })
    };
    match &p.nik {
        Recorded::Invalid { error, .. } => {
            add(FindingKind::MalformedNik, vec!["nik"], error.indonesian())
        }
        Recorded::Valid(nik) => {
            for d in nik.disagreements(p.sex, Some(p.birth_date)) {
                match d {
                    NikDisagreement::Sex { .. } => add(
                        FindingKind::NikSexMismatch,
                        vec!["nik", "sex"],
                        d.indonesian(),
                    ),
                    NikDisagreement::BirthDate { .. } => add(
                        FindingKind::NikBirthDateMismatch,
                        vec!["nik", "birth_date"],
                        d.indonesian(),
                    ),
                }
            }
        }
    }
    if let Recorded::Invalid { error, .. } = &p.no_kk {
        add(
            FindingKind::MalformedNoKk,
            vec!["no_kk"],
            error.indonesian(),
        );
    }
    let name = p.full_name.trim();
    if name.is_empty() {
        add(
            FindingKind::EmptyName,
            vec!["full_name"],
            "nama lengkap kosong".into(),
        );
    } else if let Some(why) = implausible_name(name) {
        add(FindingKind::ImplausibleName, vec!["full_name"], why);
    }
    let age = crate::record::age_on(p.birth_date, today);
    if p.birth_date > today {
        add(
            FindingKind::ImpossibleAge,
            vec!["birth_date"],
            format!("tanggal lahir {} belum terjadi", p.birth_date),
        );
    } else if age > MAX_AGE {
        add(
            FindingKind::ImpossibleAge,
            vec!["birth_date"],
            format!("umur {age} tahun"),
        );
    }
}

/// Why a name looks wrong, if it does: digits or symbols, a single letter, a placeholder.
fn implausible_name(name: &str) -> Option<String> {
    if name.chars().any(|c| c.is_ascii_digit()) {
        return Some("nama berisi angka".into());
    }
    if name
        .chars()
        .any(|c| !(c.is_alphabetic() || c == ' ' || c == '.' || c == '\'' || c == '-' || c == ','))
    {
        return Some("nama berisi tanda yang tidak lazim".into());
    }
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 {
        return Some("nama hanya satu huruf".into());
    }
    let lower = name.to_lowercase();
    if [
        "tidak ada",
        "tanpa nama",
        "xxx",
        "nn",
        "anonim",
        "belum ada nama",
    ]
    .iter()
    .any(|p| lower == *p)
    {
        return Some(format!("nama pengganti '{name}'"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_statuses_round_trip_their_keys() {
        for status in FindingStatus::ALL {
            assert_eq!(FindingStatus::parse(status.key()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.key())
            );
        }
        assert_eq!(FindingStatus::parse("closed"), None);
        assert_eq!(FindingStatus::parse("Open"), None);
    }
    use crate::interchange::tests::{sample_household, sample_person};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn kinds(found: &[Finding]) -> Vec<FindingKind> {
        let mut k: Vec<FindingKind> = found.iter().map(|f| f.kind).collect();
        k.sort();
        k
    }

    fn fresh() -> (Household, Person) {
        let mut h = sample_household();
        h.status = RegistryStatus::Active;
        h.last_verified = Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        let p = sample_person(h.id);
        (h, p)
    }

    #[test]
    fn a_sound_household_has_no_findings() {
        let (h, p) = fresh();
        assert_eq!(check_household(&h, &[p], today()), vec![]);
    }

    #[test]
    fn names_ages_and_verification_are_checked() {
        let (mut h, mut p) = fresh();
        p.full_name = "Sut1sno".into();
        p.birth_date = NaiveDate::from_ymd_opt(1890, 1, 1).unwrap();
        h.last_verified = Some(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let found = check_household(&h, std::slice::from_ref(&p), today());
        assert!(kinds(&found).contains(&FindingKind::ImplausibleName));
        assert!(kinds(&found).contains(&FindingKind::ImpossibleAge));
        assert!(kinds(&found).contains(&FindingKind::NotVerified));
        assert!(kinds(&found).contains(&FindingKind::NikBirthDateMismatch));
        p.full_name = "  ".into();
        assert!(kinds(&check_household(&h, &[p], today())).contains(&FindingKind::EmptyName));
    }

    #[test]
    fn household_structure_is_checked() {
        let (h, head) = fresh();
        let mut second = head.clone();
        second.id = PersonId::new();
        assert!(
            kinds(&check_household(
                &h,
                &[head.clone(), second.clone()],
                today()
            ))
            .contains(&FindingKind::TwoHeads)
        );
        second.relation_to_head = Relation::Child;
        second.birth_date = head
            .birth_date
            .with_year(head.birth_date.year() - 3)
            .unwrap();
        let found = check_household(&h, &[head.clone(), second.clone()], today());
        assert!(kinds(&found).contains(&FindingKind::ChildOlderThanParent));
        let mut orphan = head.clone();
        orphan.relation_to_head = Relation::Spouse;
        assert!(kinds(&check_household(&h, &[orphan], today())).contains(&FindingKind::NoHead));
        // A removed member is no longer checked.
        let mut gone = second;
        gone.status = RegistryStatus::Inactive(crate::codes::InactiveReason::Died);
        gone.relation_to_head = Relation::Head;
        assert_eq!(check_household(&h, &[head, gone], today()), vec![]);
    }

    #[test]
    fn malformed_numbers_are_findings_with_the_reason() {
        let (h, mut p) = fresh();
        p.nik = Recorded::nik("3523011203850").unwrap();
        let found = check_household(&h, &[p], today());
        let f = found
            .iter()
            .find(|f| f.kind == FindingKind::MalformedNik)
            .unwrap();
        assert!(f.detail.contains("16"), "{}", f.detail);
        assert!(
            !f.detail.contains("3523011203850"),
            "no NIK in a finding's detail"
        );
    }

    #[test]
    fn placeholders_and_symbols_are_implausible_names() {
        for name in ["X", "Tanpa Nama", "Budi#", "Ani 2"] {
            assert!(implausible_name(name).is_some(), "{name}");
        }
        for name in [
            "Siti Aminah",
            "I Gusti Ngurah Rai",
            "Abd. Rahman",
            "Ma'ruf",
            "Siti-Nur",
        ] {
            assert_eq!(implausible_name(name), None, "{name}");
        }
    }
}
