//! The register's record: a household (rumah tangga) with its address, housing, assets, evidence
//! and status, and its members (ART). Ids are UUIDv7, so an offline village node can mint them
//! without collision and they sort by creation time.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codes::*;
use crate::identity::{Nik, NoKk, Recorded};
use crate::message::Bilingual;
use crate::region::RegionCode;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name)
            }
        }
    };
}

id_type!(
    /// The registry's own stable id of a household.
    HouseholdId
);
id_type!(
    /// The registry's own stable id of a person.
    PersonId
);
id_type!(
    /// The id of a user account.
    UserId
);

/// Which kind of record a kept change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Household,
    Person,
}

impl RecordKind {
    /// `household` or `person`, as stored.
    pub fn key(self) -> &'static str {
        match self {
            RecordKind::Household => "household",
            RecordKind::Person => "person",
        }
    }

    pub fn parse(key: &str) -> Option<RecordKind> {
        [RecordKind::Household, RecordKind::Person]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// How a kept version of a record came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Entered through a page, the API or an upload.
    Created,
    /// Brought in by a bulk import of legacy data.
    Imported,
    /// Changed (a correction, or a proposal applied at a close).
    Updated,
}

impl ChangeKind {
    /// `created`, `imported` or `updated`, as stored.
    pub fn key(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Imported => "imported",
            ChangeKind::Updated => "updated",
        }
    }

    pub fn parse(key: &str) -> Option<ChangeKind> {
        [
            ChangeKind::Created,
            ChangeKind::Imported,
            ChangeKind::Updated,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// Where a record stands in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum RegistryStatus {
    /// Entered, waiting for determination (penetapan).
    Proposed,
    /// Determined in a period.
    Active,
    /// Left the register, with the reason.
    Inactive(InactiveReason),
}

impl RegistryStatus {
    /// The word stored in the database and files.
    pub fn key(self) -> &'static str {
        match self {
            RegistryStatus::Proposed => "proposed",
            RegistryStatus::Active => "active",
            RegistryStatus::Inactive(_) => "inactive",
        }
    }

    pub fn label(self) -> String {
        match self {
            RegistryStatus::Proposed => "Usulan".into(),
            RegistryStatus::Active => "Aktif".into(),
            RegistryStatus::Inactive(r) => format!("Nonaktif ({})", r.label()),
        }
    }

    pub fn reason(self) -> Option<InactiveReason> {
        match self {
            RegistryStatus::Inactive(r) => Some(r),
            _ => None,
        }
    }

    /// Rebuilds a status from its key and, for `inactive`, the reason code.
    pub fn from_parts(key: &str, reason: Option<u8>) -> Result<RegistryStatus, StatusError> {
        match (key.trim(), reason) {
            ("proposed", None) => Ok(RegistryStatus::Proposed),
            ("active", None) => Ok(RegistryStatus::Active),
            ("inactive", Some(code)) => InactiveReason::from_code(code)
                .map(RegistryStatus::Inactive)
                .ok_or(StatusError::UnknownReason(code)),
            ("inactive", None) => Err(StatusError::MissingReason),
            ("proposed" | "active", Some(_)) => Err(StatusError::ReasonWithoutInactive),
            (other, _) => Err(StatusError::UnknownStatus(other.to_string())),
        }
    }
}

/// A status that cannot be rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub enum StatusError {
    UnknownStatus(String),
    MissingReason,
    ReasonWithoutInactive,
    UnknownReason(u8),
}

impl Bilingual for StatusError {
    fn indonesian(&self) -> String {
        match self {
            StatusError::UnknownStatus(s) => {
                format!("status '{s}' tidak dikenal (pilihan: proposed, active, inactive)")
            }
            StatusError::MissingReason => "status inactive wajib disertai alasan nonaktif".into(),
            StatusError::ReasonWithoutInactive => {
                "alasan nonaktif hanya boleh diisi untuk status inactive".into()
            }
            StatusError::UnknownReason(c) => format!("kode alasan nonaktif {c} tidak dikenal"),
        }
    }
    fn english(&self) -> String {
        match self {
            StatusError::UnknownStatus(s) => {
                format!("unknown status '{s}' (choices: proposed, active, inactive)")
            }
            StatusError::MissingReason => "status inactive needs a reason".into(),
            StatusError::ReasonWithoutInactive => {
                "a reason may only be given for status inactive".into()
            }
            StatusError::UnknownReason(c) => format!("unknown inactive reason code {c}"),
        }
    }
}

/// A GPS position (WGS84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

/// Where the household lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The village (desa/kelurahan) code: every household belongs to exactly one.
    pub village: RegionCode,
    /// Rukun tetangga and rukun warga numbers, as written locally (`001`, `12`).
    pub rt: String,
    pub rw: String,
    pub street: String,
    /// The smallest local unit (satuan lingkungan setempat), e.g. a dusun.
    pub sls_name: String,
    pub location: Option<GeoPoint>,
}

/// The dwelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Housing {
    pub building_tenure: BuildingTenure,
    pub land_tenure: LandTenure,
    pub floor_area_m2: u32,
    pub floor_material: FloorMaterial,
    pub wall_material: WallMaterial,
    pub wall_condition: Condition,
    pub roof_material: RoofMaterial,
    pub roof_condition: Condition,
    pub rooms: u8,
    pub water_source: WaterSource,
    pub water_acquisition: WaterAcquisition,
    pub lighting: LightingSource,
    /// Only for PLN electricity.
    pub installed_power: Option<InstalledPower>,
    pub cooking_fuel: CookingFuel,
    pub toilet: ToiletFacility,
    /// `None` when the household has no toilet.
    pub sewage: Option<SewageDisposal>,
}

/// What the household owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    pub gas_cylinder_5kg: bool,
    pub fridge: bool,
    pub air_conditioner: bool,
    pub water_heater: bool,
    pub phone: bool,
    pub television: bool,
    pub gold_10g: bool,
    pub laptop: bool,
    pub bicycle: bool,
    pub motorbike: bool,
    pub car: bool,
    pub boat: bool,
    pub outboard_motor: bool,
    pub motorboat: bool,
    pub ship: bool,
    pub land_m2: u32,
    pub other_house: bool,
    pub cattle: u32,
    pub buffalo: u32,
    pub horses: u32,
    pub pigs: u32,
    pub goats: u32,
    /// A member runs a business.
    pub business: bool,
}

coded!(
    /// Which indicator an evidence photo shows.
    EvidenceKind, "jenis foto bukti" {
    HouseFront = 1, "Tampak depan rumah", "House front";
    Floor = 2, "Lantai", "Floor";
    Wall = 3, "Dinding", "Wall";
    Roof = 4, "Atap", "Roof";
    Water = 5, "Sumber air", "Water source";
    Lighting = 6, "Penerangan", "Lighting";
    Toilet = 7, "Jamban", "Toilet";
});

/// A photo kept as evidence for one indicator; the bytes live in the photo store, found by digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub sha256: String,
    pub content_type: String,
    pub taken_on: Option<NaiveDate>,
}

/// A household in the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub id: HouseholdId,
    pub address: Address,
    pub housing: Housing,
    pub assets: Assets,
    pub evidence: Vec<Evidence>,
    pub status: RegistryStatus,
    pub welfare_score: Option<f64>,
    /// Welfare decile 1 (poorest) to 10.
    pub desil: Option<u8>,
    /// Codes of the programmes it receives (PKH, SEMBAKO, PBI-JK, …): programmes are data.
    pub programmes: Vec<String>,
    pub last_verified: Option<NaiveDate>,
}

/// A household member (ART).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: PersonId,
    pub household_id: HouseholdId,
    /// 16 digits; a malformed legacy number is kept as written (a finding, not a refusal).
    #[serde(with = "recorded_nik")]
    #[schema(value_type = String, pattern = "^[0-9]{16}$")]
    pub nik: Recorded<Nik>,
    #[serde(with = "recorded_no_kk")]
    #[schema(value_type = String, pattern = "^[0-9]{16}$")]
    pub no_kk: Recorded<NoKk>,
    /// Which family (KK) of the household, 1 for the first.
    pub family_no: u8,
    pub full_name: String,
    pub sex: Sex,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    pub relation_to_head: Relation,
    pub relation_to_family_head: Relation,
    pub marital_status: MaritalStatus,
    pub mother_name: String,
    pub pregnant: bool,
    pub disability: Option<DisabilityType>,
    pub disability_severity: Option<Severity>,
    pub chronic_illness: Option<ChronicIllness>,
    pub school_participation: SchoolParticipation,
    pub education: Option<Education>,
    pub work_status: Option<WorkStatus>,
    pub occupation_sector: Option<OccupationSector>,
    pub presence: Presence,
    pub dukcapil: DukcapilStatus,
    pub pmks: Option<PmksCategory>,
    pub status: RegistryStatus,
}

impl Person {
    /// Age in whole years on a date.
    pub fn age_on(&self, date: NaiveDate) -> i32 {
        age_on(self.birth_date, date)
    }
}

/// Age in whole years on `date` of someone born on `birth`.
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> i32 {
    let mut age = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

macro_rules! recorded_serde {
    ($module:ident, $ty:ty, $ctor:path) => {
        mod $module {
            use super::*;
            use serde::{Deserializer, Serializer};

            pub fn serialize<S: Serializer>(v: &Recorded<$ty>, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&v.raw())
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Recorded<$ty>, D::Error> {
                let text = String::deserialize(d)?;
                $ctor(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

recorded_serde!(recorded_nik, Nik, Recorded::<Nik>::nik);
recorded_serde!(recorded_no_kk, NoKk, Recorded::<NoKk>::no_kk);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_through_its_parts() {
        for status in [
            RegistryStatus::Proposed,
            RegistryStatus::Active,
            RegistryStatus::Inactive(InactiveReason::Died),
        ] {
            let back = RegistryStatus::from_parts(status.key(), status.reason().map(|r| r.code()))
                .unwrap();
            assert_eq!(back, status);
        }
        assert_eq!(
            RegistryStatus::from_parts("inactive", None),
            Err(StatusError::MissingReason)
        );
        assert!(RegistryStatus::from_parts("aktif", None).is_err());
    }

    #[test]
    fn ages_count_birthdays() {
        let born = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            25
        );
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            26
        );
    }

    #[test]
    fn ids_are_time_ordered_uuid_v7() {
        let a = HouseholdId::new();
        let b = HouseholdId::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a <= b);
        assert_eq!(a.to_string().parse::<HouseholdId>().unwrap(), a);
    }
}
