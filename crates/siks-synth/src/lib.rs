//! A deterministic synthetic population for any region: households of the poor and vulnerable
//! with realistic names, family structure, identity numbers consistent with region, sex and birth
//! date, and housing and assets that follow a hidden welfare level. It injects the defects the
//! registry must catch, lists each in a ground-truth file, and writes the external lists (death
//! register, civil servants, civil-registry extract) that the checks match against.
//! The same seed and arguments always give the same files, byte for byte.
#![forbid(unsafe_code)]

pub mod linkage;
pub mod names;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use siks_domain::codes::*;
use siks_domain::interchange::{
    HOUSEHOLD_COLUMNS, HOUSEHOLDS_FILE, PERSON_COLUMNS, PERSONS_FILE, household_row, person_row,
};
use siks_domain::record::{Address, Assets, GeoPoint, Housing};
use siks_domain::{
    Household, HouseholdId, Nik, NoKk, Person, PersonId, Recorded, Region, RegionCode, RegionLevel,
    Regions, RegistryStatus,
};
use uuid::Uuid;

use names::{NameList, names, tradition_for_province};

pub const GROUND_TRUTH_FILE: &str = "ground_truth.csv";
pub const DEATH_REGISTER_FILE: &str = "death_register.csv";
pub const CIVIL_SERVANTS_FILE: &str = "civil_servants.csv";
pub const CIVIL_REGISTRY_FILE: &str = "civil_registry.csv";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub region: RegionCode,
    pub households: usize,
    pub seed: u64,
    /// Share of households that receive each kind of defect (0.0–0.2).
    pub defect_rate: f64,
    /// "Today" of the synthetic world: ages and dates are reckoned from it, so output does not
    /// depend on the day it is generated.
    pub reference_date: NaiveDate,
}

impl Config {
    pub fn new(region: RegionCode, households: usize, seed: u64) -> Config {
        Config {
            region,
            households,
            seed,
            defect_rate: 0.01,
            reference_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("wilayah {0} tidak dikenal atau tidak memiliki desa/kelurahan")]
    NoVillages(String),
    #[error("jumlah rumah tangga harus 1 sampai 10.000.000, bukan {0}")]
    BadCount(usize),
    #[error("tingkat cacat data harus 0 sampai 0,2, bukan {0}")]
    BadRate(f64),
    #[error("tidak dapat menulis {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Kinds of injected defects, as named in the ground-truth file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefectKind {
    DuplicateNik,
    DuplicatePerson,
    InvalidNik,
    NikSexMismatch,
    NikBirthDateMismatch,
    DeceasedListed,
    CivilServant,
    NoHead,
    TwoHeads,
}

impl DefectKind {
    pub const ALL: [DefectKind; 9] = [
        DefectKind::DuplicateNik,
        DefectKind::DuplicatePerson,
        DefectKind::InvalidNik,
        DefectKind::NikSexMismatch,
        DefectKind::NikBirthDateMismatch,
        DefectKind::DeceasedListed,
        DefectKind::CivilServant,
        DefectKind::NoHead,
        DefectKind::TwoHeads,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DefectKind::DuplicateNik => "duplicate_nik",
            DefectKind::DuplicatePerson => "duplicate_person",
            DefectKind::InvalidNik => "invalid_nik",
            DefectKind::NikSexMismatch => "nik_sex_mismatch",
            DefectKind::NikBirthDateMismatch => "nik_birth_date_mismatch",
            DefectKind::DeceasedListed => "deceased_listed",
            DefectKind::CivilServant => "civil_servant",
            DefectKind::NoHead => "no_head",
            DefectKind::TwoHeads => "two_heads",
        }
    }
}

/// One injected defect.
#[derive(Debug, Clone, PartialEq)]
pub struct Defect {
    pub kind: DefectKind,
    pub household_id: HouseholdId,
    pub person_id: Option<PersonId>,
    /// The other record of a pair (the original of a duplicate).
    pub other_person_id: Option<PersonId>,
    pub detail: String,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub households: u64,
    pub persons: u64,
    pub defects: HashMap<&'static str, u64>,
    pub deaths_listed: u64,
    pub civil_servants_listed: u64,
    pub civil_registry_rows: u64,
}

/// A person's truth, kept for the external lists.
struct Truth {
    nik: Nik,
    name: String,
    sex: Sex,
    birth_date: NaiveDate,
    birth_place: String,
    no_kk: String,
}

struct World<'a> {
    rng: ChaCha8Rng,
    config: &'a Config,
    /// Next serial per first twelve digits, so that every generated number is unique.
    serials: HashMap<u64, u16>,
    id_millis: u64,
    districts: Vec<&'a Region>,
}

impl World<'_> {
    fn uuid(&mut self) -> Uuid {
        self.id_millis += 1;
        let bytes: [u8; 10] = self.rng.random();
        uuid::Builder::from_unix_timestamp_millis(self.id_millis, &bytes).into_uuid()
    }

    fn serial(&mut self, prefix12: u64) -> u16 {
        let next = self.serials.entry(prefix12).or_insert(0);
        *next = (*next % 9999) + 1;
        *next
    }

    fn nik(&mut self, district_digits: &str, sex: Sex, birth: NaiveDate) -> Nik {
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        let prefix = format!(
            "{district_digits}{day:02}{:02}{:02}",
            birth.month(),
            birth.year().rem_euclid(100)
        );
        let serial = self.serial(prefix.parse().unwrap_or_default());
        // Built from a real district, a real date and a non-zero serial: always well-formed.
        Nik::parse(&format!("{prefix}{serial:04}")).expect("generated NIK is well-formed")
    }

    fn no_kk(&mut self, district_digits: &str, issued: NaiveDate) -> NoKk {
        let prefix = format!(
            "{district_digits}{:02}{:02}{:02}",
            issued.day(),
            issued.month(),
            issued.year().rem_euclid(100)
        );
        // Family cards count from 5000 so that they never share a number with a NIK.
        let serial = 5000 + self.serial(prefix.parse::<u64>().unwrap_or_default() + 1) % 4999;
        NoKk::parse(&format!("{prefix}{serial:04}")).expect("generated No KK is well-formed")
    }

    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(1) as u64;
        from + Days::new(self.rng.random_range(0..span))
    }

    fn birth_for_age(&mut self, age: i32) -> NaiveDate {
        let today = self.config.reference_date;
        let latest = today.with_year(today.year() - age).unwrap_or(today);
        let earliest = latest - Days::new(364);
        self.date_between(earliest, latest)
    }

    /// A district for a NIK: mostly the household's own, sometimes another of the area.
    fn nik_district(&mut self, own: &str) -> String {
        if self.rng.random_bool(0.85) || self.districts.is_empty() {
            own.to_string()
        } else {
            let d = self.districts[self.rng.random_range(0..self.districts.len())];
            d.code.digits()
        }
    }
}

/// Logistic function: probability from a linear score.
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn full_name(rng: &mut ChaCha8Rng, list: &NameList, sex: Sex, family: Option<&str>) -> String {
    let given = pick(
        rng,
        if sex == Sex::Male {
            list.male
        } else {
            list.female
        },
    );
    match family {
        Some(f) => format!("{given} {f}"),
        None if !list.family.is_empty() && list.family.len() > 10 => {
            // Traditions with a personal second name (Bali) draw it per person.
            format!("{given} {}", pick(rng, list.family))
        }
        // Without family names, most people carry two given names (Sri Wahyuni, Agus
        // Setiawan): one name alone would make namesakes far commoner than in a real register.
        None if rng.random_bool(0.6) => {
            let list = if sex == Sex::Male {
                list.male
            } else {
                list.female
            };
            let second = pick(rng, list);
            if second == given {
                given.to_string()
            } else {
                format!("{given} {second}")
            }
        }
        None => given.to_string(),
    }
}

fn housing(world: &mut World, welfare: f64) -> (Housing, Assets) {
    let r = &mut world.rng;
    let mut p = |bias: f64| r.random_bool(logistic(welfare * 1.6 + bias));
    let good_floor = p(0.3);
    let good_wall = p(0.2);
    let pln = p(2.5);
    let toilet = if p(1.0) {
        ToiletFacility::Own
    } else if p(0.0) {
        ToiletFacility::Shared
    } else {
        ToiletFacility::None
    };
    let housing = Housing {
        building_tenure: if p(1.5) {
            BuildingTenure::Own
        } else {
            BuildingTenure::RentFree
        },
        land_tenure: if p(1.0) {
            LandTenure::Own
        } else {
            LandTenure::OthersLand
        },
        floor_area_m2: (18.0 + 30.0 * logistic(welfare)).round() as u32,
        floor_material: if good_floor {
            FloorMaterial::Ceramic
        } else if p(0.0) {
            FloorMaterial::Cement
        } else {
            FloorMaterial::Earth
        },
        wall_material: if good_wall {
            WallMaterial::PlasteredBrick
        } else if p(0.0) {
            WallMaterial::Wood
        } else {
            WallMaterial::Bamboo
        },
        wall_condition: if p(0.5) {
            Condition::Good
        } else {
            Condition::Poor
        },
        roof_material: if p(0.5) {
            RoofMaterial::ClayTile
        } else if p(0.0) {
            RoofMaterial::Zinc
        } else {
            RoofMaterial::Thatch
        },
        roof_condition: if p(0.5) {
            Condition::Good
        } else {
            Condition::Poor
        },
        rooms: if p(0.0) { 3 } else { 2 },
        water_source: if p(0.5) {
            WaterSource::Refill
        } else if p(0.0) {
            WaterSource::ProtectedWell
        } else {
            WaterSource::UnprotectedWell
        },
        water_acquisition: if p(0.0) {
            WaterAcquisition::Bought
        } else {
            WaterAcquisition::Free
        },
        lighting: if pln {
            LightingSource::PlnMetered
        } else {
            LightingSource::NotElectric
        },
        installed_power: pln.then(|| {
            if p(-0.5) {
                InstalledPower::Va900
            } else {
                InstalledPower::Va450
            }
        }),
        cooking_fuel: if p(0.8) {
            CookingFuel::Lpg3Kg
        } else {
            CookingFuel::Firewood
        },
        toilet,
        sewage: (toilet != ToiletFacility::None).then(|| {
            if p(0.5) {
                SewageDisposal::SepticTank
            } else {
                SewageDisposal::Pit
            }
        }),
    };
    let assets = Assets {
        gas_cylinder_5kg: p(-2.0),
        fridge: p(-1.0),
        air_conditioner: p(-4.0),
        water_heater: p(-4.0),
        phone: p(1.0),
        television: p(0.8),
        gold_10g: p(-2.5),
        laptop: p(-3.0),
        bicycle: p(-0.5),
        motorbike: p(0.0),
        car: p(-4.5),
        boat: p(-3.5),
        outboard_motor: p(-4.0),
        motorboat: p(-5.0),
        ship: false,
        land_m2: if p(-1.0) {
            500 + (welfare.max(0.0) * 1000.0) as u32
        } else {
            0
        },
        other_house: p(-4.0),
        cattle: u32::from(p(-2.0)),
        buffalo: 0,
        horses: 0,
        pigs: 0,
        goats: if p(-1.0) { 2 } else { 0 },
        business: p(-1.5),
    };
    (housing, assets)
}

struct Member {
    relation: Relation,
    sex: Sex,
    age: i32,
}

fn person(
    world: &mut World,
    household: &Household,
    names: &NameList,
    member: &Member,
    family_name: Option<&str>,
    no_kk: NoKk,
    welfare: f64,
) -> (Person, Truth) {
    let birth = world.birth_for_age(member.age);
    let district = household
        .address
        .village
        .at_level(RegionLevel::District)
        .map(|d| d.digits())
        .unwrap_or_default();
    let nik_district = world.nik_district(&district);
    let nik = world.nik(&nik_district, member.sex, birth);
    let r = &mut world.rng;
    let name = full_name(r, names, member.sex, family_name);
    let age = member.age;
    let school_age = (7..=18).contains(&age);
    let education = if age < 7 {
        None
    } else {
        let e = welfare + r.random_range(-1.0..1.0) - if age > 55 { 1.0 } else { 0.0 };
        Some(if e < -1.0 {
            Education::NoSchooling
        } else if e < 0.0 {
            Education::Primary
        } else if e < 0.8 {
            Education::JuniorSecondary
        } else {
            Education::SeniorSecondary
        })
    };
    let working_age = (15..=70).contains(&age) && !school_age;
    let work = if !working_age {
        if school_age {
            Some(WorkStatus::InSchool)
        } else {
            None
        }
    } else if member.sex == Sex::Female && r.random_bool(0.45) {
        Some(WorkStatus::Housekeeping)
    } else if r.random_bool(0.85) {
        Some(WorkStatus::Working)
    } else {
        Some(WorkStatus::NotWorking)
    };
    let sector = (work == Some(WorkStatus::Working)).then(|| {
        *[
            OccupationSector::FoodCrops,
            OccupationSector::FoodCrops,
            OccupationSector::Plantation,
            OccupationSector::Fisheries,
            OccupationSector::Construction,
            OccupationSector::Trade,
            OccupationSector::Manufacturing,
            OccupationSector::Transport,
        ]
        .choose(r)
        .unwrap_or(&OccupationSector::Other)
    });
    let married = matches!(
        member.relation,
        Relation::Head | Relation::Spouse | Relation::Parent
    );
    let disability = r.random_bool(0.03).then(|| {
        *DisabilityType::ALL
            .choose(r)
            .unwrap_or(&DisabilityType::Physical)
    });
    let place = if r.random_bool(0.7) {
        Regions::embedded()
            .get(
                &household
                    .address
                    .village
                    .at_level(RegionLevel::Regency)
                    .unwrap_or(household.address.village.clone()),
            )
            .map(|g| {
                g.name
                    .trim_start_matches("Kabupaten ")
                    .trim_start_matches("Kota ")
                    .to_string()
            })
            .unwrap_or_default()
    } else {
        pick(r, names.places).to_string()
    };
    let p = Person {
        id: PersonId(world.uuid()),
        household_id: household.id,
        nik: Recorded::Valid(nik),
        no_kk: Recorded::Valid(no_kk),
        family_no: 1,
        full_name: name.clone(),
        sex: member.sex,
        birth_place: place.clone(),
        birth_date: birth,
        relation_to_head: member.relation,
        relation_to_family_head: member.relation,
        marital_status: if married {
            if member.relation == Relation::Parent {
                MaritalStatus::Widowed
            } else {
                MaritalStatus::Married
            }
        } else {
            MaritalStatus::Single
        },
        mother_name: full_name(&mut world.rng, names, Sex::Female, None),
        pregnant: member.relation == Relation::Spouse && age < 40 && world.rng.random_bool(0.06),
        disability,
        disability_severity: disability.map(|_| {
            *Severity::ALL
                .choose(&mut world.rng)
                .unwrap_or(&Severity::Mild)
        }),
        chronic_illness: (age > 40 && world.rng.random_bool(0.15)).then(|| {
            *ChronicIllness::ALL
                .choose(&mut world.rng)
                .unwrap_or(&ChronicIllness::Other)
        }),
        school_participation: if school_age {
            SchoolParticipation::Attending
        } else if age < 7 {
            SchoolParticipation::Never
        } else {
            SchoolParticipation::Left
        },
        education,
        work_status: work,
        occupation_sector: sector,
        presence: Presence::LivesHere,
        dukcapil: DukcapilStatus::Unchecked,
        pmks: if age >= 70 && world.rng.random_bool(0.1) {
            Some(PmksCategory::NeglectedElderly)
        } else if welfare < -1.5 && world.rng.random_bool(0.2) {
            Some(PmksCategory::Destitute)
        } else {
            None
        },
        status: RegistryStatus::Active,
    };
    let truth = Truth {
        nik,
        name,
        sex: member.sex,
        birth_date: birth,
        birth_place: place,
        no_kk: no_kk.to_string(),
    };
    (p, truth)
}

fn household(world: &mut World, villages: &[&Region]) -> (Household, Vec<Person>, Vec<Truth>) {
    let village = villages[world.rng.random_range(0..villages.len())];
    let district = village
        .code
        .at_level(RegionLevel::District)
        .map(|d| d.digits())
        .unwrap_or_default();
    let province = &village.code.as_str()[..2];
    let names = names(tradition_for_province(province));
    // The register holds the poor and vulnerable: welfare is skewed low.
    let welfare: f64 = world.rng.random_range(-2.0..1.5) + world.rng.random_range(-0.5..0.5);
    let (housing, assets) = housing(world, welfare);
    let id = HouseholdId(world.uuid());
    let r = &mut world.rng;
    let lat = -6.9 + r.random_range(-0.5..0.5);
    let lon = 112.0 + r.random_range(-0.5..0.5);
    let household = Household {
        id,
        address: Address {
            village: village.code.clone(),
            rt: format!("{:03}", r.random_range(1..=12)),
            rw: format!("{:03}", r.random_range(1..=6)),
            street: format!(
                "{} No. {}",
                pick(
                    r,
                    &[
                        "Jl. Raya",
                        "Jl. Masjid",
                        "Jl. Pasar",
                        "Gg. Mawar",
                        "Dusun",
                        "Jl. Sawah",
                        "Lorong Melati"
                    ]
                ),
                r.random_range(1..=120)
            ),
            sls_name: format!(
                "Dusun {}",
                pick(
                    r,
                    &["Krajan", "Kidul", "Lor", "Wetan", "Kulon", "Tengah", "Baru"]
                )
            ),
            location: r.random_bool(0.6).then_some(GeoPoint {
                latitude: lat,
                longitude: lon,
            }),
        },
        housing,
        assets,
        evidence: Vec::new(),
        status: RegistryStatus::Active,
        welfare_score: None,
        desil: None,
        programmes: Vec::new(),
        last_verified: Some(world.date_between(
            world.config.reference_date - Days::new(700),
            world.config.reference_date,
        )),
    };
    let r = &mut world.rng;
    let head_age = r.random_range(22..=78);
    let married = head_age < 65 && r.random_bool(0.85);
    let head_sex = if married || r.random_bool(0.4) {
        Sex::Male
    } else {
        Sex::Female
    };
    let mut members = vec![Member {
        relation: Relation::Head,
        sex: head_sex,
        age: head_age,
    }];
    if married {
        let spouse_age = (head_age + r.random_range(-8..=3)).clamp(18, 90);
        members.push(Member {
            relation: Relation::Spouse,
            sex: Sex::Female,
            age: spouse_age,
        });
    }
    let mother_age = members.iter().map(|m| m.age).min().unwrap_or(head_age);
    let max_child_age = (mother_age - 17).max(0);
    let children = if max_child_age > 0 {
        r.random_range(0..=4)
    } else {
        0
    };
    for _ in 0..children {
        let age = r.random_range(0..=max_child_age.min(30));
        let sex = if r.random_bool(0.5) {
            Sex::Male
        } else {
            Sex::Female
        };
        members.push(Member {
            relation: Relation::Child,
            sex,
            age,
        });
    }
    if head_age < 55 && r.random_bool(0.15) {
        let age = (head_age + r.random_range(20..=30)).min(95);
        members.push(Member {
            relation: Relation::Parent,
            sex: if r.random_bool(0.7) {
                Sex::Female
            } else {
                Sex::Male
            },
            age,
        });
    }
    let issued = world.date_between(
        NaiveDate::from_ymd_opt(2005, 1, 1).unwrap_or_default(),
        world.config.reference_date,
    );
    let no_kk = world.no_kk(&district, issued);
    let family_name = (!names.family.is_empty() && names.family.len() <= 10
        || matches!(
            province,
            "12" | "71" | "53" | "91" | "92" | "93" | "94" | "95" | "96" | "97" | "81" | "82"
        ))
    .then(|| pick(&mut world.rng, names.family).to_string())
    .filter(|f| !f.is_empty());
    let mut persons = Vec::with_capacity(members.len());
    let mut truths = Vec::with_capacity(members.len());
    for m in &members {
        // Wives keep their own family name; children take the father's.
        let fam = match m.relation {
            Relation::Head | Relation::Child if head_sex == Sex::Male => family_name.as_deref(),
            _ => None,
        };
        let fam_owned = fam.map(str::to_string).or_else(|| {
            (!names.family.is_empty() && names.family.len() <= 15 && family_name.is_some())
                .then(|| pick(&mut world.rng, names.family).to_string())
        });
        let (p, t) = person(
            world,
            &household,
            &names,
            m,
            fam_owned.as_deref(),
            no_kk,
            welfare,
        );
        persons.push(p);
        truths.push(t);
    }
    // A remote customary community (KAT) lives in a few villages: their heads carry the PPKS
    // category, chosen by the village's code so that no random draw (and no other generated
    // value) changes.
    if remote_indigenous_village(household.address.village.as_str())
        && let Some(head) = persons.first_mut()
        && head.pmks.is_none()
    {
        head.pmks = Some(PmksCategory::RemoteIndigenous);
    }
    (household, persons, truths)
}

/// Whether the generator puts a remote customary community in `village` (one village in 25,
/// by an FNV-1a hash of its code).
fn remote_indigenous_village(village: &str) -> bool {
    let hash = village.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % 25 == 0
}

fn create(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>, GenerateError> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|source| GenerateError::Io { path, source })?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        file,
    )))
}

fn io(dir: &Path, name: &str) -> impl Fn(csv::Error) -> GenerateError {
    let path = dir.join(name);
    move |e| GenerateError::Io {
        path: path.clone(),
        source: std::io::Error::other(e),
    }
}

/// Generates the population and writes all files into `dir` (created if missing).
/// `progress` is called with the number of households generated so far.
pub fn generate(
    config: &Config,
    dir: &Path,
    progress: &dyn Fn(u64),
) -> Result<Summary, GenerateError> {
    if config.households == 0 || config.households > 10_000_000 {
        return Err(GenerateError::BadCount(config.households));
    }
    if !(0.0..=0.2).contains(&config.defect_rate) {
        return Err(GenerateError::BadRate(config.defect_rate));
    }
    let regions = Regions::embedded();
    let within = if regions.get(&config.region).is_some() {
        Some(&config.region)
    } else {
        None
    };
    let villages: Vec<&Region> = match within {
        Some(code) => regions
            .descendants_at(Some(code), RegionLevel::Village)
            .collect(),
        None => Vec::new(),
    };
    if villages.is_empty() {
        return Err(GenerateError::NoVillages(config.region.to_string()));
    }
    let area = config
        .region
        .at_level(RegionLevel::Regency)
        .unwrap_or(config.region.clone());
    let districts: Vec<&Region> = regions
        .descendants_at(Some(&area), RegionLevel::District)
        .collect();
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut world = World {
        rng: ChaCha8Rng::seed_from_u64(config.seed),
        config,
        serials: HashMap::new(),
        // Ids are stamped from the synthetic "today", not the clock, for reproducibility.
        id_millis: config
            .reference_date
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis() as u64)
            .unwrap_or(0),
        districts,
    };
    let mut all: Vec<(Household, Vec<Person>, Vec<Truth>)> = Vec::with_capacity(config.households);
    for i in 0..config.households {
        all.push(household(&mut world, &villages));
        if (i + 1) % 10_000 == 0 {
            progress((i + 1) as u64);
        }
    }
    progress(config.households as u64);

    let mut defects = Vec::new();
    let mut deaths: Vec<(usize, usize, NaiveDate)> = Vec::new();
    let mut servants: Vec<(usize, usize, CivilServantKind)> = Vec::new();
    inject_defects(
        &mut world,
        &mut all,
        &mut defects,
        &mut deaths,
        &mut servants,
    );

    let mut summary = Summary::default();
    // Households and persons.
    let mut hw = create(dir, HOUSEHOLDS_FILE)?;
    let mut pw = create(dir, PERSONS_FILE)?;
    hw.write_record(HOUSEHOLD_COLUMNS)
        .map_err(io(dir, HOUSEHOLDS_FILE))?;
    pw.write_record(PERSON_COLUMNS)
        .map_err(io(dir, PERSONS_FILE))?;
    for (h, persons, _) in &all {
        hw.write_record(household_row(h))
            .map_err(io(dir, HOUSEHOLDS_FILE))?;
        summary.households += 1;
        for p in persons {
            pw.write_record(person_row(p))
                .map_err(io(dir, PERSONS_FILE))?;
            summary.persons += 1;
        }
    }
    flush(hw, dir, HOUSEHOLDS_FILE)?;
    flush(pw, dir, PERSONS_FILE)?;

    // Ground truth.
    let mut gw = create(dir, GROUND_TRUTH_FILE)?;
    gw.write_record([
        "defect",
        "household_id",
        "person_id",
        "other_person_id",
        "detail",
    ])
    .map_err(io(dir, GROUND_TRUTH_FILE))?;
    for d in &defects {
        gw.write_record([
            d.kind.key().to_string(),
            d.household_id.to_string(),
            d.person_id.map(|p| p.to_string()).unwrap_or_default(),
            d.other_person_id.map(|p| p.to_string()).unwrap_or_default(),
            d.detail.clone(),
        ])
        .map_err(io(dir, GROUND_TRUTH_FILE))?;
        *summary.defects.entry(d.kind.key()).or_default() += 1;
    }
    flush(gw, dir, GROUND_TRUTH_FILE)?;

    // External lists. Each also holds people who are not in the register, as real lists do.
    let outsiders: Vec<Truth> = (0..deaths.len().max(1))
        .map(|_| outsider(&mut world, &all))
        .collect();
    let mut list = ListWriter::new(dir, DEATH_REGISTER_FILE, &["date_of_death"])?;
    for (hi, pi, died) in &deaths {
        list.typed(&mut world.rng, &all[*hi].2[*pi], &[died.to_string()])?;
    }
    for t in &outsiders {
        let died = world.date_between(
            config.reference_date - Days::new(900),
            config.reference_date,
        );
        list.typed(&mut world.rng, t, &[died.to_string()])?;
    }
    summary.deaths_listed = list.finish()?;

    let institutions = [
        "Pemerintah Kabupaten",
        "Dinas Pendidikan",
        "Kodim",
        "Polres",
        "Puskesmas",
        "Kantor Kecamatan",
    ];
    let mut list = ListWriter::new(dir, CIVIL_SERVANTS_FILE, &["kind", "institution"])?;
    for (hi, pi, kind) in &servants {
        let institution = match kind {
            CivilServantKind::Tni => "Kodim",
            CivilServantKind::Polri => "Polres",
            CivilServantKind::Asn => pick(&mut world.rng, &institutions[..2]),
        };
        list.typed(
            &mut world.rng,
            &all[*hi].2[*pi],
            &[kind.code().to_string(), institution.to_string()],
        )?;
    }
    for t in &outsiders {
        let institution = pick(&mut world.rng, &institutions).to_string();
        list.typed(
            &mut world.rng,
            t,
            &[CivilServantKind::Asn.code().to_string(), institution],
        )?;
    }
    summary.civil_servants_listed = list.finish()?;

    // The civil registry knows every real person by the true NIK, alive or dead.
    let mut list = ListWriter::new(dir, CIVIL_REGISTRY_FILE, &["no_kk", "status"])?;
    let dead: std::collections::HashSet<(usize, usize)> =
        deaths.iter().map(|(h, p, _)| (*h, *p)).collect();
    let status = |dead: bool| {
        if dead {
            CivilRegistryStatus::Dead
        } else {
            CivilRegistryStatus::Alive
        }
        .code()
        .to_string()
    };
    for (hi, (_, _, truths)) in all.iter().enumerate() {
        for (pi, t) in truths.iter().enumerate() {
            list.person(t, &[t.no_kk.clone(), status(dead.contains(&(hi, pi)))])?;
        }
    }
    for t in &outsiders {
        list.person(t, &[t.no_kk.clone(), status(true)])?;
    }
    summary.civil_registry_rows = list.finish()?;
    Ok(summary)
}

/// Someone who is not in the register but appears on the external lists.
fn outsider(world: &mut World, all: &[(Household, Vec<Person>, Vec<Truth>)]) -> Truth {
    let member = Member {
        relation: Relation::Head,
        sex: if world.rng.random_bool(0.5) {
            Sex::Male
        } else {
            Sex::Female
        },
        age: world.rng.random_range(40..90),
    };
    let (h, _, _) = &all[world.rng.random_range(0..all.len())];
    let district = h
        .address
        .village
        .at_level(RegionLevel::District)
        .map(|d| d.digits())
        .unwrap_or_default();
    let list = names(tradition_for_province(&h.address.village.as_str()[..2]));
    let issued = world.config.reference_date - Days::new(1000);
    let no_kk = world.no_kk(&district, issued);
    person(world, h, &list, &member, None, no_kk, 0.0).1
}

/// One external list: the person's NIK, name, sex and birth date, then the list's own columns.
struct ListWriter<'a> {
    writer: csv::Writer<BufWriter<File>>,
    dir: &'a Path,
    name: &'static str,
    rows: u64,
}

impl<'a> ListWriter<'a> {
    fn new(dir: &'a Path, name: &'static str, extra: &[&str]) -> Result<Self, GenerateError> {
        let mut writer = create(dir, name)?;
        let mut header = vec!["nik", "full_name", "sex", "birth_date", "birth_place"];
        header.extend_from_slice(extra);
        writer.write_record(&header).map_err(io(dir, name))?;
        Ok(ListWriter {
            writer,
            dir,
            name,
            rows: 0,
        })
    }

    /// A row as the issuing office holds it (the civil registry: the truth).
    fn person(&mut self, t: &Truth, extra: &[String]) -> Result<(), GenerateError> {
        self.write(
            t.nik.to_string(),
            t.name.clone(),
            t.birth_date,
            t.birth_place.clone(),
            t,
            extra,
        )
    }

    /// A row typed by another office from its own papers: now and then the NIK is missing or
    /// mistyped, the name spelt otherwise, the day and month swapped, the place left out. The
    /// linkage must still find the person.
    fn typed(
        &mut self,
        rng: &mut ChaCha8Rng,
        t: &Truth,
        extra: &[String],
    ) -> Result<(), GenerateError> {
        let nik = match rng.random_range(0..100) {
            0..8 => String::new(),
            8..12 => {
                let mut digits: Vec<u8> = t.nik.to_string().into_bytes();
                let at = rng.random_range(6..16);
                digits[at] = b'0' + (digits[at] - b'0' + rng.random_range(1..10)) % 10;
                String::from_utf8(digits).unwrap_or_default()
            }
            _ => t.nik.to_string(),
        };
        let name = if rng.random_bool(0.15) {
            names::misspell(&t.name, rng.random())
        } else {
            t.name.clone()
        };
        let birth = match (rng.random_bool(0.03), t.birth_date.day()) {
            (true, day @ 1..=12) if day != t.birth_date.month() => {
                NaiveDate::from_ymd_opt(t.birth_date.year(), day, t.birth_date.month())
                    .unwrap_or(t.birth_date)
            }
            _ => t.birth_date,
        };
        let place = if rng.random_bool(0.1) {
            String::new()
        } else {
            t.birth_place.clone()
        };
        self.write(nik, name, birth, place, t, extra)
    }

    fn write(
        &mut self,
        nik: String,
        name: String,
        birth: NaiveDate,
        place: String,
        t: &Truth,
        extra: &[String],
    ) -> Result<(), GenerateError> {
        let mut row = vec![
            nik,
            name,
            t.sex.code().to_string(),
            birth.to_string(),
            place,
        ];
        row.extend_from_slice(extra);
        self.writer
            .write_record(&row)
            .map_err(io(self.dir, self.name))?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self) -> Result<u64, GenerateError> {
        flush(self.writer, self.dir, self.name)?;
        Ok(self.rows)
    }
}

fn flush(w: csv::Writer<BufWriter<File>>, dir: &Path, name: &str) -> Result<(), GenerateError> {
    let path = dir.join(name);
    let mut inner = w.into_inner().map_err(|e| GenerateError::Io {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    inner
        .flush()
        .map_err(|source| GenerateError::Io { path, source })
}

/// Picks `n` distinct household indexes, deterministic for the world's seed.
fn targets(
    world: &mut World,
    total: usize,
    n: usize,
    taken: &mut std::collections::HashSet<usize>,
) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 20 + 100 {
        tries += 1;
        let i = world.rng.random_range(0..total);
        if taken.insert(i) {
            out.push(i);
        }
    }
    out
}

fn inject_defects(
    world: &mut World,
    all: &mut [(Household, Vec<Person>, Vec<Truth>)],
    defects: &mut Vec<Defect>,
    deaths: &mut Vec<(usize, usize, NaiveDate)>,
    servants: &mut Vec<(usize, usize, CivilServantKind)>,
) {
    let total = all.len();
    // At least one of each kind when the population is big enough to hold them all.
    let n =
        ((total as f64 * world.config.defect_rate).round() as usize).max(usize::from(total >= 40));
    let mut taken = std::collections::HashSet::new();
    let today = world.config.reference_date;

    for kind in DefectKind::ALL {
        let picked = targets(world, total, n, &mut taken);
        for hi in picked {
            let household_id = all[hi].0.id;
            // Only original members: a duplicate added earlier has no truth of its own.
            let size = all[hi].2.len();
            let pi = world.rng.random_range(0..size);
            match kind {
                DefectKind::DuplicateNik => {
                    // Another household's person gets this person's NIK.
                    let other = world.rng.random_range(0..total);
                    if other == hi {
                        continue;
                    }
                    let nik = all[hi].1[pi].nik.clone();
                    let oi = world.rng.random_range(0..all[other].1.len());
                    all[other].1[oi].nik = nik.clone();
                    defects.push(Defect {
                        kind,
                        household_id: all[other].0.id,
                        person_id: Some(all[other].1[oi].id),
                        other_person_id: Some(all[hi].1[pi].id),
                        detail: format!("NIK sama dengan anggota rumah tangga {household_id}"),
                    });
                }
                DefectKind::DuplicatePerson => {
                    // The same person registered again elsewhere, under a new NIK, name misspelt.
                    let other = world.rng.random_range(0..total);
                    if other == hi {
                        continue;
                    }
                    let original = all[hi].1[pi].clone();
                    let district = all[other]
                        .0
                        .address
                        .village
                        .at_level(RegionLevel::District)
                        .map(|d| d.digits())
                        .unwrap_or_default();
                    let mut copy = original.clone();
                    copy.id = PersonId(world.uuid());
                    copy.household_id = all[other].0.id;
                    copy.nik =
                        Recorded::Valid(world.nik(&district, original.sex, original.birth_date));
                    copy.no_kk = all[other].1[0].no_kk.clone();
                    copy.full_name = names::misspell(&original.full_name, world.rng.random());
                    copy.relation_to_head = Relation::OtherRelative;
                    copy.relation_to_family_head = Relation::OtherRelative;
                    defects.push(Defect {
                        kind,
                        household_id: all[other].0.id,
                        person_id: Some(copy.id),
                        other_person_id: Some(original.id),
                        detail: format!("orang yang sama dengan anggota rumah tangga {household_id}, NIK lain, nama salah eja"),
                    });
                    // The civil registry knows only the original: the copy's NIK is fresh.
                    all[other].1.push(copy);
                }
                DefectKind::InvalidNik => {
                    let p = &mut all[hi].1[pi];
                    let raw = p.nik.raw();
                    let (bad, why) = match world.rng.random_range(0..5) {
                        0 => (format!("{}13{}", &raw[..8], &raw[10..]), "bulan 13"),
                        1 => (format!("{}00{}", &raw[..6], &raw[8..]), "tanggal 00"),
                        2 => (format!("{}0000", &raw[..12]), "nomor urut 0000"),
                        3 => (format!("9999{}", &raw[4..]), "kode wilayah tidak dikenal"),
                        _ => (raw[..15].to_string(), "15 digit"),
                    };
                    p.nik = Recorded::nik(&bad).unwrap_or_else(|_| p.nik.clone());
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: why.to_string(),
                    });
                }
                DefectKind::NikSexMismatch => {
                    let p = &mut all[hi].1[pi];
                    p.sex = if p.sex == Sex::Male {
                        Sex::Female
                    } else {
                        Sex::Male
                    };
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: format!("tercatat {}", p.sex.label()),
                    });
                }
                DefectKind::NikBirthDateMismatch => {
                    let p = &mut all[hi].1[pi];
                    let shift = world.rng.random_range(1..=400u64);
                    p.birth_date = p
                        .birth_date
                        .checked_sub_days(Days::new(shift))
                        .unwrap_or(p.birth_date);
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: format!("tanggal lahir tercatat bergeser {shift} hari"),
                    });
                }
                DefectKind::DeceasedListed => {
                    let died = world.date_between(today - Days::new(900), today - Days::new(30));
                    let p = &all[hi].1[pi];
                    deaths.push((hi, pi, died));
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: format!("meninggal {died}, masih tercatat tinggal"),
                    });
                }
                DefectKind::CivilServant => {
                    // An adult, if the household has one.
                    let originals = all[hi].2.len();
                    let Some(ai) = all[hi].1[..originals]
                        .iter()
                        .position(|p| siks_domain::record::age_on(p.birth_date, today) >= 21)
                    else {
                        continue;
                    };
                    let kind_cs = *CivilServantKind::ALL
                        .choose(&mut world.rng)
                        .unwrap_or(&CivilServantKind::Asn);
                    servants.push((hi, ai, kind_cs));
                    let p = &all[hi].1[ai];
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: kind_cs.label().to_string(),
                    });
                }
                DefectKind::NoHead => {
                    for p in all[hi]
                        .1
                        .iter_mut()
                        .filter(|p| p.relation_to_head == Relation::Head)
                    {
                        p.relation_to_head = Relation::OtherRelative;
                    }
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: None,
                        other_person_id: None,
                        detail: "tidak ada kepala rumah tangga".into(),
                    });
                }
                DefectKind::TwoHeads => {
                    let Some(other) = all[hi]
                        .1
                        .iter()
                        .position(|p| p.relation_to_head != Relation::Head)
                    else {
                        continue;
                    };
                    all[hi].1[other].relation_to_head = Relation::Head;
                    let p = &all[hi].1[other];
                    defects.push(Defect {
                        kind,
                        household_id,
                        person_id: Some(p.id),
                        other_person_id: None,
                        detail: "dua kepala rumah tangga".into(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn same_seed_same_files_and_every_defect_present() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let config = Config::new(RegionCode::parse("35.23").unwrap(), 400, 7);
        let sa = generate(&config, a.path(), &|_| {}).unwrap();
        let sb = generate(&config, b.path(), &|_| {}).unwrap();
        assert_eq!(sa, sb);
        for f in [
            HOUSEHOLDS_FILE,
            PERSONS_FILE,
            GROUND_TRUTH_FILE,
            DEATH_REGISTER_FILE,
            CIVIL_SERVANTS_FILE,
            CIVIL_REGISTRY_FILE,
        ] {
            assert_eq!(read(a.path(), f), read(b.path(), f), "{f} differs");
        }
        assert_eq!(sa.households, 400);
        assert!(sa.persons > 400);
        for kind in DefectKind::ALL {
            assert!(
                sa.defects.get(kind.key()).copied().unwrap_or(0) >= 1,
                "no {}",
                kind.key()
            );
        }
        let other = generate(
            &Config::new(RegionCode::parse("35.23").unwrap(), 400, 8),
            b.path(),
            &|_| {},
        )
        .unwrap();
        assert_ne!(read(a.path(), PERSONS_FILE), read(b.path(), PERSONS_FILE));
        assert_eq!(other.households, 400);
    }

    #[test]
    fn valid_niks_agree_with_the_person_unless_a_defect_says_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(RegionCode::parse("51.71").unwrap(), 300, 3);
        generate(&config, dir.path(), &|_| {}).unwrap();
        let truth = read(dir.path(), GROUND_TRUTH_FILE);
        let mut reader = csv::Reader::from_path(dir.path().join(PERSONS_FILE)).unwrap();
        let mut checked = 0;
        for record in reader.records() {
            let p = siks_domain::interchange::person_from_row(&record.unwrap()).unwrap();
            assert!(p.birth_date <= config.reference_date);
            if let Some(nik) = p.nik.valid()
                && !truth.contains(&p.id.to_string())
            {
                assert!(nik.agrees_with(p.sex, Some(p.birth_date)), "{}", p.id);
                assert!(
                    p.full_name.starts_with("I ") || p.full_name.starts_with("Ni "),
                    "Balinese name: {}",
                    p.full_name
                );
                checked += 1;
            }
        }
        assert!(checked > 500);
    }

    #[test]
    fn dense_defects_stay_consistent() {
        // Many defects per household: deaths and civil servants must never pick a duplicate
        // added to the same household (it has no entry of its own in the external lists).
        for seed in 0..4 {
            let dir = tempfile::tempdir().unwrap();
            let mut config = Config::new(RegionCode::parse("35.23.01").unwrap(), 400, seed);
            config.defect_rate = 0.1;
            let summary = generate(&config, dir.path(), &|_| {}).unwrap();
            assert_eq!(summary.defects.get("deceased_listed"), Some(&40));
            assert_eq!(
                summary.deaths_listed, 80,
                "40 listed in the register and 40 outsiders"
            );
        }
    }

    #[test]
    fn bad_arguments_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let bad_region = Config::new(RegionCode::parse("35.99").unwrap(), 10, 1);
        assert!(matches!(
            generate(&bad_region, dir.path(), &|_| {}),
            Err(GenerateError::NoVillages(_))
        ));
        let zero = Config::new(RegionCode::parse("35.23").unwrap(), 0, 1);
        assert!(matches!(
            generate(&zero, dir.path(), &|_| {}),
            Err(GenerateError::BadCount(0))
        ));
    }
}
