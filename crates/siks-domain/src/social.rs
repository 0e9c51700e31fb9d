//! The two registries beside the register of poor households (issue 20 items 3–4, docs/adr/0025):
//! the PPKS (people and families with social-welfare problems, the 26 categories of Permensos
//! 8/2012), including those outside any registered household (a panti's residents, homeless
//! people with no KK), with their need and the service given; and the PSKS (the region's
//! social-welfare resources: workers such as TKSK, PSM, PKH companions, Tagana, social workers,
//! and organisations such as LKS, Karang Taruna, LK3, panti), with their registration, validity
//! and area of work, a PKH companion linked to the households she accompanies.

use chrono::NaiveDate;

use crate::codes::{Coded, PmksCategory, Sex};
use crate::identity::{Nik, NoKk};
use crate::message::Bilingual;

coded!(
    /// Whom a PPKS record is about.
    PpksUnit, "satuan PPKS" {
    Person = 1, "Perorangan", "A person";
    Family = 2, "Keluarga", "A family";
});

coded!(
    /// The service a PPKS record's person or family is given.
    PpksService, "layanan PPKS" {
    NotYet = 1, "Belum mendapat layanan", "No service yet";
    Atensi = 2, "Asistensi Rehabilitasi Sosial (ATENSI)", "Social rehabilitation assistance (ATENSI)";
    Rehabilitation = 3, "Rehabilitasi sosial di balai", "Social rehabilitation in a centre";
    Panti = 4, "Pengasuhan di panti", "Care in a residential home (panti)";
    Referral = 5, "Dirujuk ke lembaga lain", "Referred to another institution";
    Done = 6, "Selesai, kembali ke keluarga/masyarakat", "Done, back to family or community";
});

coded!(
    /// A social-welfare resource (PSKS).
    PsksKind, "jenis PSKS" {
    Tksk = 1, "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)", "District social welfare worker (TKSK)";
    Psm = 2, "Pekerja Sosial Masyarakat (PSM)", "Community social worker (PSM)";
    PkhCompanion = 3, "Pendamping PKH", "PKH companion";
    Tagana = 4, "Taruna Siaga Bencana (Tagana)", "Disaster response volunteer (Tagana)";
    SocialWorker = 5, "Pekerja sosial profesional", "Professional social worker";
    Lks = 6, "Lembaga Kesejahteraan Sosial (LKS)", "Social welfare institution (LKS)";
    KarangTaruna = 7, "Karang Taruna", "Youth organisation (Karang Taruna)";
    Lk3 = 8, "Lembaga Konsultasi Kesejahteraan Keluarga (LK3)", "Family welfare consultation centre (LK3)";
    Panti = 9, "Panti sosial", "Residential care home (panti)";
});

impl PsksKind {
    /// An organisation rather than a person (no NIK, a leader instead).
    pub fn is_organisation(self) -> bool {
        matches!(
            self,
            PsksKind::Lks | PsksKind::KarangTaruna | PsksKind::Lk3 | PsksKind::Panti
        )
    }
}

/// A field of a record that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialError {
    pub field: &'static str,
    pub indonesian: String,
    pub english: String,
}

impl Bilingual for SocialError {
    fn indonesian(&self) -> String {
        self.indonesian.clone()
    }
    fn english(&self) -> String {
        self.english.clone()
    }
}

fn refuse(field: &'static str, id: String, en: String) -> SocialError {
    SocialError {
        field,
        indonesian: id,
        english: en,
    }
}

/// A text trimmed, required or not, bounded, without control characters.
fn text(
    field: &'static str,
    label: &str,
    value: &str,
    required: bool,
    max: usize,
) -> Result<String, SocialError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(refuse(
            field,
            format!("{label} wajib diisi"),
            format!("{label} is required"),
        ));
    }
    if value.chars().count() > max {
        return Err(refuse(
            field,
            format!("{label} terlalu panjang (paling banyak {max} huruf)"),
            format!("{label} is too long (at most {max} characters)"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(refuse(
            field,
            format!("{label} berisi karakter yang tidak dapat dibaca"),
            format!("{label} holds unreadable characters"),
        ));
    }
    Ok(value.to_string())
}

/// An optional number as on the card: empty, or valid.
fn optional_number(
    field: &'static str,
    label: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<(), String>,
) -> Result<String, SocialError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    parse(value)
        .map_err(|why| refuse(field, format!("{label}: {why}"), format!("{label}: {why}")))?;
    Ok(value.to_string())
}

/// What a PPKS record holds about its person or family (sealed at rest: the category may be
/// health or a crime, the identity is theirs).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PpksDetails {
    /// The person's name, or the family's head.
    pub name: String,
    /// As on the KTP and KK; empty for someone without (a homeless person, a neglected child).
    #[serde(default)]
    pub nik: String,
    #[serde(default)]
    pub no_kk: String,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub sex: Option<u8>,
    /// Where they are found or live (street, RT/RW, or the panti's address).
    pub address: String,
    /// The panti or institution caring for them, if any.
    #[serde(default)]
    pub institution: String,
    /// The need found by the assessment.
    pub need: String,
}

/// A PPKS record as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PpksRecord {
    pub village: crate::RegionCode,
    pub category: PmksCategory,
    pub unit: PpksUnit,
    pub service: PpksService,
    /// The registered person it is (when they are in the register).
    pub person: Option<crate::PersonId>,
    pub details: PpksDetails,
}

/// Who a record is, to tell the same one entered twice: the place, the category or kind, the
/// name without case or extra spaces, and the NIK when given.
fn sameness(place: &crate::RegionCode, code: u8, name: &str, nik: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{place}|{code}|{}|{}", name.to_lowercase(), nik.trim())
}

impl PpksRecord {
    /// Equal for the same person or family entered twice (an upload refuses the second).
    pub fn sameness(&self) -> String {
        sameness(
            &self.village,
            self.category.code(),
            &self.details.name,
            &self.details.nik,
        )
    }
}

impl PpksDetails {
    /// The details checked: a name, an address and a need; numbers valid when given; a birth
    /// date not in the future.
    pub fn checked(self, today: NaiveDate) -> Result<PpksDetails, SocialError> {
        let details = PpksDetails {
            name: text("name", "Nama", &self.name, true, 120)?,
            nik: optional_number("nik", "NIK", &self.nik, |v| {
                Nik::parse(v).map(drop).map_err(|e| e.indonesian())
            })?,
            no_kk: optional_number("no_kk", "No KK", &self.no_kk, |v| {
                NoKk::parse(v).map(drop).map_err(|e| e.indonesian())
            })?,
            birth_date: self.birth_date,
            sex: self.sex,
            address: text(
                "address",
                "Alamat atau tempat ditemukan",
                &self.address,
                true,
                200,
            )?,
            institution: text(
                "institution",
                "Lembaga/panti",
                &self.institution,
                false,
                120,
            )?,
            need: text("need", "Kebutuhan hasil asesmen", &self.need, true, 1_000)?,
        };
        if details.birth_date.is_some_and(|d| d > today) {
            return Err(refuse(
                "birth_date",
                "Tanggal lahir tidak boleh di masa depan".into(),
                "The birth date cannot be in the future".into(),
            ));
        }
        if let Some(code) = details.sex
            && Sex::from_code(code).is_none()
        {
            return Err(refuse(
                "sex",
                "Jenis kelamin tidak dikenal".into(),
                "Unknown sex".into(),
            ));
        }
        Ok(details)
    }
}

/// What a PSKS record holds (sealed at rest: a worker's NIK and phone).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PsksDetails {
    /// The worker's or the organisation's name.
    pub name: String,
    /// A worker's NIK (none for an organisation).
    #[serde(default)]
    pub nik: String,
    /// The registration or decree number (SK, tanda daftar).
    pub registration: String,
    #[serde(default)]
    pub phone: String,
    pub address: String,
    /// An organisation's leader.
    #[serde(default)]
    pub leader: String,
}

impl PsksDetails {
    pub fn checked(self, kind: PsksKind) -> Result<PsksDetails, SocialError> {
        let details = PsksDetails {
            name: text("name", "Nama", &self.name, true, 120)?,
            nik: optional_number("nik", "NIK", &self.nik, |v| {
                Nik::parse(v).map(drop).map_err(|e| e.indonesian())
            })?,
            registration: text(
                "registration",
                "Nomor tanda daftar/SK",
                &self.registration,
                true,
                80,
            )?,
            phone: text("phone", "Nomor telepon", &self.phone, false, 20)?,
            address: text("address", "Alamat", &self.address, true, 200)?,
            leader: text(
                "leader",
                "Nama pimpinan",
                &self.leader,
                kind.is_organisation(),
                120,
            )?,
        };
        if !kind.is_organisation() && details.nik.is_empty() {
            return Err(refuse(
                "nik",
                "NIK wajib diisi untuk tenaga kesejahteraan sosial".into(),
                "A social welfare worker's NIK is required".into(),
            ));
        }
        if kind.is_organisation() && !details.nik.is_empty() {
            return Err(refuse(
                "nik",
                "Lembaga tidak ber-NIK: kosongkan NIK, isi nama pimpinan".into(),
                "An organisation has no NIK: leave it empty, give its leader".into(),
            ));
        }
        if !details
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'))
        {
            return Err(refuse(
                "phone",
                "Nomor telepon hanya boleh berisi angka, spasi, + dan -".into(),
                "The phone number may hold only digits, spaces, + and -".into(),
            ));
        }
        Ok(details)
    }
}

/// A PSKS record as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsksRecord {
    /// Where they work: a village, a district or a regency.
    pub area: crate::RegionCode,
    pub kind: PsksKind,
    pub valid_from: NaiveDate,
    /// When the registration ends (none: no end).
    pub valid_until: Option<NaiveDate>,
    pub details: PsksDetails,
}

impl PsksRecord {
    /// Equal for the same worker or organisation entered twice (an upload refuses the second).
    pub fn sameness(&self) -> String {
        sameness(
            &self.area,
            self.kind.code(),
            &self.details.name,
            &self.details.nik,
        )
    }

    /// The record checked whole: its details, an area at district level or below for a
    /// district worker, a validity that does not end before it starts.
    pub fn checked(self) -> Result<PsksRecord, SocialError> {
        if self.valid_until.is_some_and(|u| u < self.valid_from) {
            return Err(refuse(
                "valid_until",
                "Berlaku sampai tidak boleh sebelum berlaku mulai".into(),
                "The end of validity cannot be before its start".into(),
            ));
        }
        if self.area.level() == crate::RegionLevel::Province {
            return Err(refuse(
                "area",
                "Wilayah kerja: kabupaten/kota, kecamatan atau desa/kelurahan".into(),
                "Area of work: a regency, a district or a village".into(),
            ));
        }
        if self.kind == PsksKind::Tksk && self.area.level() != crate::RegionLevel::District {
            return Err(refuse(
                "area",
                "TKSK bertugas di satu kecamatan: pilih kecamatannya".into(),
                "A TKSK works in one district: choose the district".into(),
            ));
        }
        Ok(PsksRecord {
            details: self.details.checked(self.kind)?,
            ..self
        })
    }

    /// Whether the registration is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_until.is_none_or(|u| day <= u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionCode;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn homeless() -> PpksDetails {
        PpksDetails {
            name: "Paimin".into(),
            nik: String::new(),
            no_kk: String::new(),
            birth_date: None,
            sex: Some(1),
            address: "Kolong jembatan Jl. Veteran".into(),
            institution: String::new(),
            need: "Tempat tinggal, makan, KTP".into(),
        }
    }

    #[test]
    fn a_ppks_record_needs_no_card_but_a_card_given_must_be_valid() {
        let today = day("2026-12-05");
        assert!(
            homeless().checked(today).is_ok(),
            "a homeless man with no KTP"
        );
        let mut bad = homeless();
        bad.nik = "12345".into();
        assert_eq!(bad.checked(today).unwrap_err().field, "nik");
        let mut bad = homeless();
        bad.need = " ".into();
        assert_eq!(bad.checked(today).unwrap_err().field, "need");
        let mut bad = homeless();
        bad.birth_date = Some(day("2027-01-01"));
        assert_eq!(bad.checked(today).unwrap_err().field, "birth_date");
        let mut bad = homeless();
        bad.sex = Some(7);
        assert_eq!(bad.checked(today).unwrap_err().field, "sex");
    }

    fn companion() -> PsksRecord {
        PsksRecord {
            area: RegionCode::parse("35.23.01").unwrap(),
            kind: PsksKind::PkhCompanion,
            valid_from: day("2026-01-01"),
            valid_until: Some(day("2026-12-31")),
            details: PsksDetails {
                name: "Sri Rahayu".into(),
                nik: "3523014501850002".into(),
                registration: "SK 460/123/2026".into(),
                phone: "0812 1111 2222".into(),
                address: "Jl. Kenanga 2".into(),
                leader: String::new(),
            },
        }
    }

    #[test]
    fn a_psks_record_is_a_worker_with_a_nik_or_an_organisation_with_a_leader() {
        let ok = companion().checked().unwrap();
        assert!(ok.valid_on(day("2026-06-01")));
        assert!(!ok.valid_on(day("2027-01-01")));
        let mut bad = companion();
        bad.details.nik = String::new();
        assert_eq!(bad.checked().unwrap_err().field, "nik");
        let mut org = companion();
        org.kind = PsksKind::KarangTaruna;
        assert_eq!(org.clone().checked().unwrap_err().field, "leader");
        org.details.leader = "Budi".into();
        assert_eq!(org.clone().checked().unwrap_err().field, "nik");
        org.details.nik = String::new();
        assert!(org.checked().is_ok());
        let mut bad = companion();
        bad.valid_until = Some(day("2025-01-01"));
        assert_eq!(bad.checked().unwrap_err().field, "valid_until");
        let mut tksk = companion();
        tksk.kind = PsksKind::Tksk;
        assert!(tksk.clone().checked().is_ok(), "a district");
        tksk.area = RegionCode::parse("35.23").unwrap();
        assert_eq!(tksk.checked().unwrap_err().field, "area");
        let mut bad = companion();
        bad.area = RegionCode::parse("35").unwrap();
        assert_eq!(bad.checked().unwrap_err().field, "area");
    }
}
