//! What a page shows of a person's specific data (UU 27/2022 Pasal 4(2)): NIK and No KK masked
//! for every role, mother's name and health left out for the roles whose work does not need
//! them; one field of one person revealed for a session, for a purpose chosen from a list and
//! audited (issue 19 item 2, ADR 0021).

use crate::access::Role;
use crate::message::Bilingual;

/// A field a page keeps back until it is revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpecificField {
    Nik,
    NoKk,
    MotherName,
    /// Pregnancy, disability and its severity, chronic illness.
    Health,
}

impl SpecificField {
    pub const ALL: [SpecificField; 4] = [
        SpecificField::Nik,
        SpecificField::NoKk,
        SpecificField::MotherName,
        SpecificField::Health,
    ];

    /// Its name in forms, links and audit entries.
    pub fn key(self) -> &'static str {
        match self {
            SpecificField::Nik => "nik",
            SpecificField::NoKk => "no_kk",
            SpecificField::MotherName => "nama_ibu",
            SpecificField::Health => "kesehatan",
        }
    }

    pub fn from_key(key: &str) -> Option<SpecificField> {
        SpecificField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Its name on a page.
    pub fn label(self) -> &'static str {
        match self {
            SpecificField::Nik => "NIK",
            SpecificField::NoKk => "No KK",
            SpecificField::MotherName => "Nama ibu kandung",
            SpecificField::Health => "Kesehatan",
        }
    }

    /// Whether `role` sees it without revealing it: never a NIK or No KK (masked for all, so
    /// that a screen, a screenshot or a shoulder does not give the number away); mother's name
    /// and health for the roles that collect and verify them.
    pub fn shown_by_default(self, role: Role) -> bool {
        match self {
            SpecificField::Nik | SpecificField::NoKk => false,
            SpecificField::MotherName | SpecificField::Health => role.works_with_specific_data(),
        }
    }
}

impl Role {
    /// The roles that collect and verify a person's data in the field and at the regency: the
    /// ones that see a mother's name and health without asking.
    pub fn works_with_specific_data(self) -> bool {
        matches!(
            self,
            Role::VillageOperator
                | Role::DistrictOperator
                | Role::RegencyOperator
                | Role::RegencyVerifier
        )
    }
}

/// Why a field is revealed: chosen from this list, so that the audit log can be read and
/// counted by purpose, and never holds free text that could itself be personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevealPurpose {
    /// Comparing with the family card or KTP the household shows.
    CheckAgainstCard,
    /// Preparing a correction of the record.
    Correction,
    /// Following up a complaint or an objection (sanggah).
    Complaint,
    /// The person asked for their own data.
    SubjectRequest,
    /// Checking a possible duplicate or a finding.
    Duplicate,
}

impl RevealPurpose {
    pub const ALL: [RevealPurpose; 5] = [
        RevealPurpose::CheckAgainstCard,
        RevealPurpose::Correction,
        RevealPurpose::Complaint,
        RevealPurpose::SubjectRequest,
        RevealPurpose::Duplicate,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RevealPurpose::CheckAgainstCard => "cocok_kk",
            RevealPurpose::Correction => "perbaikan",
            RevealPurpose::Complaint => "pengaduan",
            RevealPurpose::SubjectRequest => "permintaan_subjek",
            RevealPurpose::Duplicate => "data_ganda",
        }
    }

    pub fn from_key(key: &str) -> Option<RevealPurpose> {
        RevealPurpose::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The purpose a form, a query or the command line names; none or an unknown one is
    /// refused, since data is shown only for a recorded purpose.
    pub fn parse(text: &str) -> Result<RevealPurpose, RevealError> {
        RevealPurpose::from_key(text.trim()).ok_or(RevealError::NoPurpose)
    }

    pub fn label(self) -> &'static str {
        match self {
            RevealPurpose::CheckAgainstCard => "Mencocokkan dengan KK/KTP",
            RevealPurpose::Correction => "Menyiapkan perbaikan data",
            RevealPurpose::Complaint => "Menindaklanjuti pengaduan atau sanggahan",
            RevealPurpose::SubjectRequest => "Permintaan pemilik data",
            RevealPurpose::Duplicate => "Memeriksa data ganda atau temuan",
        }
    }
}

/// How a members' list gives NIK and No KK: masked (anyone who may export), or whole for a
/// purpose (only the roles whose work needs them, [`Role::may_export_full_numbers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportNumbers {
    Masked,
    Full(RevealPurpose),
}

impl ExportNumbers {
    /// Whether a list of this kind, exported by `role`, shows `field` of every person.
    pub fn shows(self, role: Role, field: SpecificField) -> bool {
        match (field, self) {
            (SpecificField::Nik | SpecificField::NoKk, ExportNumbers::Full(_)) => true,
            (SpecificField::Nik | SpecificField::NoKk, ExportNumbers::Masked) => false,
            (SpecificField::MotherName | SpecificField::Health, numbers) => {
                field.shown_by_default(role)
                    || (matches!(numbers, ExportNumbers::Full(_)) && role.may_export_full_numbers())
            }
        }
    }

    /// The audit entry's words: `numbers=masked` or `numbers=full purpose=perbaikan`.
    pub fn audit_detail(self) -> String {
        match self {
            ExportNumbers::Masked => "numbers=masked".into(),
            ExportNumbers::Full(p) => format!("numbers=full purpose={}", p.key()),
        }
    }
}

impl Role {
    /// Who may download NIK and No KK whole: the roles that correct records by spreadsheet
    /// (download, change a cell, upload) and the admin who runs the deployment.
    pub fn may_export_full_numbers(self) -> bool {
        self.works_with_specific_data() || self == Role::Admin
    }
}

/// A reveal asked without its field or purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevealError {
    UnknownField(String),
    NoPurpose,
}

impl std::fmt::Display for RevealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.indonesian())
    }
}

impl Bilingual for RevealError {
    fn indonesian(&self) -> String {
        match self {
            RevealError::UnknownField(key) => {
                format!("kolom '{key}' tidak dapat ditampilkan: pilih NIK, No KK, nama ibu kandung atau kesehatan")
            }
            RevealError::NoPurpose => {
                "tujuan membuka data wajib dipilih: data ini hanya ditampilkan untuk tujuan yang dicatat".into()
            }
        }
    }

    fn english(&self) -> String {
        match self {
            RevealError::UnknownField(key) => format!(
                "field '{key}' cannot be revealed: choose the NIK, No KK, mother's name or health"
            ),
            RevealError::NoPurpose => {
                "the purpose is required: this data is shown only for a recorded purpose".into()
            }
        }
    }
}

/// A field and purpose as a form sends them.
pub fn parse_reveal(
    field: &str,
    purpose: &str,
) -> Result<(SpecificField, RevealPurpose), RevealError> {
    let field = SpecificField::from_key(field.trim())
        .ok_or_else(|| RevealError::UnknownField(field.trim().chars().take(40).collect()))?;
    Ok((field, RevealPurpose::parse(purpose)?))
}

/// A NIK or No KK as a page shows it before it is revealed: the first four and the last two
/// characters.
pub fn masked(raw: &str) -> String {
    crate::documents::masked_number(raw)
}

/// The specific field an interchange column of a person holds, if any (`nik`, `no_kk`,
/// `mother_name`, and the health columns).
pub fn column_field(column: &str) -> Option<SpecificField> {
    match column {
        "nik" => Some(SpecificField::Nik),
        "no_kk" => Some(SpecificField::NoKk),
        "mother_name" => Some(SpecificField::MotherName),
        "pregnant" | "disability" | "disability_severity" | "chronic_illness" => {
            Some(SpecificField::Health)
        }
        _ => None,
    }
}

/// A change of a person's field as `role` sees it on a proposal: a NIK or No KK masked on both
/// sides (the row still says the number changed, computed on the whole numbers, even where the
/// two masked forms look alike), a mother's name or health field the role does not see
/// without asking kept back (`None`); any other field as it is.
pub fn guarded_change(
    role: Role,
    change: &crate::workflow::FieldChange,
) -> Option<crate::workflow::FieldChange> {
    match column_field(&change.field) {
        Some(SpecificField::Nik | SpecificField::NoKk) => Some(crate::workflow::FieldChange {
            field: change.field.clone(),
            before: masked(&change.before),
            after: masked(&change.after),
        }),
        Some(field) if !field.shown_by_default(role) => None,
        _ => Some(change.clone()),
    }
}

/// A proposal's content as `role` sees it by default: every person in it withheld as on the
/// member's page (numbers masked; mother's name and health for the roles that collect them),
/// with the fields kept back.
pub fn guarded_content(
    role: Role,
    content: &crate::workflow::ProposalContent,
) -> (crate::workflow::ProposalContent, Vec<SpecificField>) {
    use crate::workflow::ProposalContent;
    let shown = |f: SpecificField| f.shown_by_default(role);
    let mut kept = std::collections::BTreeSet::new();
    let mut guard = |p: &crate::Person| {
        let (p, withheld) = withhold(p, shown);
        kept.extend(withheld);
        p
    };
    let content = match content {
        ProposalContent::PersonCorrection {
            person,
            base_version,
        } => ProposalContent::PersonCorrection {
            person: guard(person),
            base_version: *base_version,
        },
        ProposalContent::MemberJoins { person } => ProposalContent::MemberJoins {
            person: guard(person),
        },
        ProposalContent::NewHousehold { household, members } => ProposalContent::NewHousehold {
            household: household.clone(),
            members: members.iter().map(&mut guard).collect(),
        },
        other => other.clone(),
    };
    (content, kept.into_iter().collect())
}

/// `person` as someone sees it who was shown only the fields `shown` says: a NIK and No KK
/// kept back are masked, a mother's name emptied, health cleared (not pregnant, no disability,
/// no illness: which is why the fields kept back are returned too, for the answer to say so).
pub fn withhold(
    person: &crate::Person,
    shown: impl Fn(SpecificField) -> bool,
) -> (crate::Person, Vec<SpecificField>) {
    use crate::identity::Recorded;
    let mut p = person.clone();
    let mut kept = Vec::new();
    for field in SpecificField::ALL {
        if shown(field) {
            continue;
        }
        kept.push(field);
        match field {
            SpecificField::Nik => {
                let mask = masked(&p.nik.raw());
                p.nik = match Recorded::nik(&mask) {
                    Ok(r) => r,
                    Err(error) => Recorded::Invalid { raw: mask, error },
                };
            }
            SpecificField::NoKk => {
                let mask = masked(&p.no_kk.raw());
                p.no_kk = match Recorded::no_kk(&mask) {
                    Ok(r) => r,
                    Err(error) => Recorded::Invalid { raw: mask, error },
                };
            }
            SpecificField::MotherName => p.mother_name = String::new(),
            SpecificField::Health => {
                p.pregnant = false;
                p.disability = None;
                p.disability_severity = None;
                p.chronic_illness = None;
            }
        }
    }
    (p, kept)
}

/// Fields a request names to reveal (`nik,no_kk`), each known.
pub fn parse_fields(text: &str) -> Result<Vec<SpecificField>, RevealError> {
    text.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| {
            SpecificField::from_key(f)
                .ok_or_else(|| RevealError::UnknownField(f.chars().take(40).collect()))
        })
        .collect()
}

#[cfg(test)]
mod guarded_tests {
    use super::*;
    use crate::workflow::FieldChange;

    fn change(field: &str, before: &str, after: &str) -> FieldChange {
        FieldChange {
            field: field.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    /// A proposal's changes: numbers masked for everyone, yet a change in their middle still
    /// has its row (the masked forms may look alike); a mother's name and health kept back
    /// from the roles that do not collect them.
    #[test]
    fn a_proposals_changes_show_what_the_role_sees() {
        let nik = change("nik", "3523014107990001", "3523014107890001");
        let shown = guarded_change(Role::Pusat, &nik).expect("the row stays");
        assert!(!shown.before.contains("41079"), "{shown:?}");
        assert_eq!(shown.field, "nik");
        assert!(shown.before.starts_with("3523") && shown.after.starts_with("3523"));
        let mother = change("mother_name", "Siti", "Sitti");
        assert_eq!(guarded_change(Role::Pusat, &mother), None);
        assert_eq!(guarded_change(Role::Ratifier, &mother), None);
        assert_eq!(
            guarded_change(Role::VillageOperator, &mother),
            Some(mother.clone())
        );
        assert_eq!(
            guarded_change(Role::Pusat, &change("disability", "", "1")),
            None
        );
        let name = change("full_name", "Siti", "Sitti");
        assert_eq!(guarded_change(Role::Pusat, &name), Some(name.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_for_every_role_and_health_shown_only_to_field_work() {
        for role in Role::ALL {
            assert!(!SpecificField::Nik.shown_by_default(role), "{role:?}");
            assert!(!SpecificField::NoKk.shown_by_default(role), "{role:?}");
        }
        for (role, shown) in [
            (Role::VillageOperator, true),
            (Role::DistrictOperator, true),
            (Role::RegencyOperator, true),
            (Role::RegencyVerifier, true),
            (Role::Ratifier, false),
            (Role::ProvinceOperator, false),
            (Role::Pusat, false),
            (Role::Auditor, false),
            (Role::Admin, false),
        ] {
            assert_eq!(
                SpecificField::MotherName.shown_by_default(role),
                shown,
                "{role:?}"
            );
            assert_eq!(
                SpecificField::Health.shown_by_default(role),
                shown,
                "{role:?}"
            );
        }
        assert_eq!(masked("3523011203850001"), "3523**********01");
    }

    #[test]
    fn what_is_withheld_is_masked_or_cleared_and_named() {
        let mut person = crate::entry::blank_person_as(
            crate::PersonId::new(),
            crate::HouseholdId::new(),
            crate::codes::Relation::Head,
        );
        person.nik = crate::identity::Recorded::nik("3523011203850001").unwrap();
        person.no_kk = crate::identity::Recorded::no_kk("3523011203150004").unwrap();
        person.mother_name = "Siti Aminah".into();
        person.pregnant = true;
        person.disability = Some(crate::codes::DisabilityType::Physical);
        let (all, kept) = withhold(&person, |_| false);
        assert_eq!(kept, SpecificField::ALL.to_vec());
        assert_eq!(all.nik.raw(), "3523**********01");
        assert_eq!(all.no_kk.raw(), "3523**********04");
        assert_eq!(all.mother_name, "");
        assert!(!all.pregnant && all.disability.is_none());
        let (some, kept) = withhold(&person, |f| f == SpecificField::Nik);
        assert_eq!(some.nik, person.nik);
        assert_eq!(kept.len(), 3);
        let (none, kept) = withhold(&person, |_| true);
        assert_eq!(none, person);
        assert!(kept.is_empty());
        assert_eq!(
            parse_fields("nik, kesehatan"),
            Ok(vec![SpecificField::Nik, SpecificField::Health])
        );
        assert!(parse_fields("nik,sandi").is_err());
    }

    #[test]
    fn full_numbers_are_exported_only_by_the_roles_that_correct_records() {
        let full = ExportNumbers::Full(RevealPurpose::Correction);
        for role in Role::ALL {
            assert!(
                !ExportNumbers::Masked.shows(role, SpecificField::Nik),
                "{role:?}"
            );
            assert_eq!(
                role.may_export_full_numbers(),
                matches!(
                    role,
                    Role::VillageOperator
                        | Role::DistrictOperator
                        | Role::RegencyOperator
                        | Role::RegencyVerifier
                        | Role::Admin
                ),
                "{role:?}"
            );
        }
        assert!(full.shows(Role::Admin, SpecificField::MotherName));
        assert!(!ExportNumbers::Masked.shows(Role::Pusat, SpecificField::Health));
        assert!(ExportNumbers::Masked.shows(Role::VillageOperator, SpecificField::Health));
        assert_eq!(full.audit_detail(), "numbers=full purpose=perbaikan");
    }

    #[test]
    fn a_reveal_names_a_known_field_and_a_purpose_from_the_list() {
        assert_eq!(
            parse_reveal("nik", "cocok_kk"),
            Ok((SpecificField::Nik, RevealPurpose::CheckAgainstCard))
        );
        assert_eq!(parse_reveal("nik", ""), Err(RevealError::NoPurpose));
        assert_eq!(parse_reveal("nik", "iseng"), Err(RevealError::NoPurpose));
        assert!(matches!(
            parse_reveal("password_hash", "perbaikan"),
            Err(RevealError::UnknownField(_))
        ));
        for f in SpecificField::ALL {
            assert_eq!(SpecificField::from_key(f.key()), Some(f));
        }
        for p in RevealPurpose::ALL {
            assert_eq!(RevealPurpose::from_key(p.key()), Some(p));
        }
    }
}
