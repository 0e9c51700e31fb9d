//! Welfare scoring: a proxy means test (PMT) that estimates a household's monthly spending per
//! person from its recorded indicators, the 14 BPS poverty criteria as a second, transparent
//! score, and the ranking of scored households into desil 1–10. The model is data (a TOML file:
//! an intercept and a coefficient per named indicator, optionally per province); the official
//! weights are not public, so the default model shipped here is illustrative.

use std::collections::BTreeMap;

use crate::codes::*;
use crate::record::{Assets, Housing};
use crate::{Household, Person, RegionCode};

/// What the members of a household come to, as scoring needs it: counted over the members
/// still in the register, with ages as of the reference date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberSummary {
    pub size: u32,
    /// Under 15 years.
    pub children: u32,
    /// 60 years and over.
    pub elderly: u32,
    pub working: u32,
    pub disabled: u32,
    pub head_female: bool,
    pub head_education: Option<Education>,
    pub head_sector: Option<OccupationSector>,
}

impl MemberSummary {
    /// The summary of `members` (inactive ones left out) as of `today`.
    pub fn of(members: &[Person], today: chrono::NaiveDate) -> MemberSummary {
        let cutoff = |years: i32| {
            chrono::Datelike::with_year(&today, chrono::Datelike::year(&today) - years)
                .unwrap_or(today)
        };
        let (young, old) = (cutoff(15), cutoff(60));
        let mut s = MemberSummary::default();
        for p in members
            .iter()
            .filter(|p| !matches!(p.status, crate::RegistryStatus::Inactive(_)))
        {
            s.size += 1;
            s.children += u32::from(p.birth_date > young);
            s.elderly += u32::from(p.birth_date <= old);
            s.working += u32::from(p.work_status == Some(WorkStatus::Working));
            s.disabled += u32::from(p.disability.is_some());
            if p.relation_to_head == Relation::Head {
                s.head_female = p.sex == Sex::Female;
                s.head_education = p.education;
                s.head_sector = p.occupation_sector;
            }
        }
        s
    }
}

/// The indicators a model may weigh: key (as the model file names it) and Indonesian label.
pub const INDICATORS: &[(&str, &str)] = &[
    ("household_size_log", "Jumlah anggota (logaritma)"),
    ("children_share", "Bagian anak di bawah 15 tahun"),
    ("elderly", "Jumlah lansia (60+)"),
    ("working_share", "Bagian anggota yang bekerja"),
    ("disabled", "Jumlah anggota dengan disabilitas"),
    ("head_female", "Kepala rumah tangga perempuan"),
    (
        "head_schooling_years",
        "Lama sekolah kepala rumah tangga (tahun)",
    ),
    (
        "head_farming_or_labour",
        "Kepala bekerja di pertanian/perikanan/bangunan",
    ),
    (
        "floor_area_per_person",
        "Luas lantai per orang (m², paling banyak 100)",
    ),
    ("floor_poor", "Lantai tanah/bambu/kayu murah"),
    (
        "wall_poor",
        "Dinding bambu/rumbia/kayu murah/tembok tanpa plester",
    ),
    ("roof_poor", "Atap bambu/jerami/ijuk/rumbia"),
    ("toilet_none_or_shared", "Tidak punya jamban sendiri"),
    ("water_unprotected", "Air minum tidak terlindung"),
    ("lighting_not_pln", "Penerangan bukan listrik PLN"),
    ("power_900", "Daya listrik 900 VA"),
    ("power_1300_plus", "Daya listrik 1.300 VA atau lebih"),
    (
        "cooking_solid_fuel",
        "Memasak dengan kayu/arang/minyak tanah/briket",
    ),
    ("owns_house", "Rumah milik sendiri"),
    ("gas_large", "Tabung gas 5,5 kg atau lebih"),
    ("fridge", "Lemari es"),
    ("air_conditioner", "AC"),
    ("water_heater", "Pemanas air"),
    ("television", "Televisi"),
    ("laptop", "Komputer/laptop"),
    ("gold", "Emas/perhiasan 10 gram atau lebih"),
    ("motorbike", "Sepeda motor"),
    ("car", "Mobil"),
    ("boat_or_motor", "Perahu/motor tempel/kapal"),
    ("land_hectares", "Lahan dimiliki (ha, paling banyak 10)"),
    ("other_house", "Rumah lain"),
    ("livestock_units", "Ternak (satuan ternak besar)"),
    ("business", "Anggota punya usaha"),
];

/// The Indonesian label of an indicator.
pub fn indicator_label(key: &str) -> &'static str {
    INDICATORS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Years of school a level of education stands for.
fn schooling_years(e: Option<Education>) -> f64 {
    match e {
        None | Some(Education::NoSchooling) => 0.0,
        Some(Education::Primary) => 6.0,
        Some(Education::JuniorSecondary) => 9.0,
        Some(Education::SeniorSecondary) => 12.0,
        Some(Education::Diploma) => 14.0,
        Some(Education::Bachelor) => 16.0,
        Some(Education::Postgraduate) => 18.0,
    }
}

fn farming_or_labour(sector: Option<OccupationSector>) -> bool {
    use OccupationSector::*;
    matches!(
        sector,
        Some(
            FoodCrops | Horticulture | Plantation | Fisheries | Livestock | Forestry | Construction
        )
    )
}

/// The indicators of one household, in the order of [`INDICATORS`].
pub fn indicators(h: &Household, m: &MemberSummary) -> [f64; INDICATORS.len()] {
    indicators_of(&h.housing, &h.assets, m)
}

/// The indicators from the parts of a household that count.
pub fn indicators_of(x: &Housing, a: &Assets, m: &MemberSummary) -> [f64; INDICATORS.len()] {
    let size = f64::from(m.size.max(1));
    [
        size.ln(),
        f64::from(m.children) / size,
        f64::from(m.elderly),
        f64::from(m.working) / size,
        f64::from(m.disabled),
        flag(m.head_female),
        schooling_years(m.head_education),
        flag(farming_or_labour(m.head_sector)),
        (f64::from(x.floor_area_m2) / size).min(100.0),
        flag(matches!(
            x.floor_material,
            FloorMaterial::Earth | FloorMaterial::Bamboo | FloorMaterial::CheapWood
        )),
        flag(matches!(
            x.wall_material,
            WallMaterial::Bamboo
                | WallMaterial::Thatch
                | WallMaterial::CheapWood
                | WallMaterial::UnplasteredBrick
        )),
        flag(matches!(
            x.roof_material,
            RoofMaterial::Bamboo | RoofMaterial::Thatch
        )),
        flag(x.toilet != ToiletFacility::Own),
        flag(matches!(
            x.water_source,
            WaterSource::UnprotectedWell
                | WaterSource::UnprotectedSpring
                | WaterSource::River
                | WaterSource::Rain
        )),
        flag(!matches!(
            x.lighting,
            LightingSource::PlnMetered | LightingSource::PlnUnmetered
        )),
        flag(x.installed_power == Some(InstalledPower::Va900)),
        flag(matches!(
            x.installed_power,
            Some(InstalledPower::Va1300 | InstalledPower::Va2200 | InstalledPower::Above2200)
        )),
        flag(matches!(
            x.cooking_fuel,
            CookingFuel::Firewood
                | CookingFuel::Charcoal
                | CookingFuel::Kerosene
                | CookingFuel::Briquette
        )),
        flag(x.building_tenure == BuildingTenure::Own),
        flag(a.gas_cylinder_5kg),
        flag(a.fridge),
        flag(a.air_conditioner),
        flag(a.water_heater),
        flag(a.television),
        flag(a.laptop),
        flag(a.gold_10g),
        flag(a.motorbike),
        flag(a.car),
        flag(a.boat || a.outboard_motor || a.motorboat || a.ship),
        (f64::from(a.land_m2) / 10_000.0).min(10.0),
        flag(a.other_house),
        f64::from(a.cattle + a.buffalo + a.horses) + 0.2 * f64::from(a.goats + a.pigs),
        flag(a.business),
    ]
}

/// A PMT model: log monthly spending per person = intercept + Σ coefficient × indicator, with
/// optional per-province intercepts and coefficients.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub description: String,
    intercept: f64,
    /// By indicator index.
    coefficients: Vec<f64>,
    /// Province code → (intercept, coefficients), the national ones where not given.
    provinces: BTreeMap<String, (f64, Vec<f64>)>,
    /// The file as given (kept with each ranking run, so a score can be explained later).
    pub text: String,
}

/// Why a model file was refused: the line and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("model baris {line}: {reason}")]
pub struct ModelError {
    pub line: usize,
    pub reason: String,
}

/// The default model: illustrative weights with the signs the literature reports, not the
/// ministry's (which are not public).
pub const DEFAULT_MODEL: &str = include_str!("welfare_default.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    name: String,
    #[serde(default)]
    description: String,
    intercept: toml::Spanned<f64>,
    coefficients: BTreeMap<toml::Spanned<String>, toml::Spanned<f64>>,
    #[serde(default)]
    provinces: BTreeMap<toml::Spanned<String>, ProvinceFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceFile {
    intercept: Option<toml::Spanned<f64>>,
    #[serde(default)]
    coefficients: BTreeMap<toml::Spanned<String>, toml::Spanned<f64>>,
}

impl Model {
    /// Reads a model file; every problem names its line.
    pub fn parse(text: &str) -> Result<Model, ModelError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: ModelFile = toml::from_str(text).map_err(|e| ModelError {
            line: e.span().map(|s| line_of(s.start)).unwrap_or(1),
            reason: e.message().to_string(),
        })?;
        let finite = |v: &toml::Spanned<f64>, what: &str| {
            if v.get_ref().is_finite() {
                Ok(*v.get_ref())
            } else {
                Err(ModelError {
                    line: line_of(v.span().start),
                    reason: format!("{what} harus bilangan terhingga"),
                })
            }
        };
        let read = |given: &BTreeMap<toml::Spanned<String>, toml::Spanned<f64>>,
                    into: &mut Vec<f64>|
         -> Result<(), ModelError> {
            for (key, value) in given {
                let Some(i) = INDICATORS.iter().position(|(k, _)| k == key.get_ref()) else {
                    return Err(ModelError {
                        line: line_of(key.span().start),
                        reason: format!(
                            "indikator '{}' tidak dikenal; yang ada: {}",
                            key.get_ref(),
                            INDICATORS
                                .iter()
                                .map(|(k, _)| *k)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                };
                into[i] = finite(value, "koefisien")?;
            }
            Ok(())
        };
        let intercept = finite(&file.intercept, "intercept")?;
        let mut coefficients = vec![0.0; INDICATORS.len()];
        read(&file.coefficients, &mut coefficients)?;
        let mut provinces = BTreeMap::new();
        for (code, p) in &file.provinces {
            let valid = RegionCode::parse_known(code.get_ref())
                .ok()
                .filter(|c| c.level() == crate::RegionLevel::Province);
            if valid.is_none() {
                return Err(ModelError {
                    line: line_of(code.span().start),
                    reason: format!("'{}' bukan kode provinsi yang dikenal", code.get_ref()),
                });
            }
            let mut own = coefficients.clone();
            read(&p.coefficients, &mut own)?;
            let own_intercept = match &p.intercept {
                Some(v) => finite(v, "intercept")?,
                None => intercept,
            };
            provinces.insert(code.get_ref().clone(), (own_intercept, own));
        }
        if file.name.trim().is_empty() {
            return Err(ModelError {
                line: 1,
                reason: "nama model wajib diisi".into(),
            });
        }
        Ok(Model {
            name: file.name,
            description: file.description,
            intercept,
            coefficients,
            provinces,
            text: text.to_string(),
        })
    }

    pub fn default_model() -> Model {
        // The shipped file is tested to parse; an empty model is the fallback of last resort.
        Model::parse(DEFAULT_MODEL).unwrap_or_else(|_| Model {
            name: "kosong".into(),
            description: String::new(),
            intercept: 0.0,
            coefficients: vec![0.0; INDICATORS.len()],
            provinces: BTreeMap::new(),
            text: String::new(),
        })
    }

    fn weights(&self, village: &RegionCode) -> (f64, &[f64]) {
        let province = &village.as_str()[..2.min(village.as_str().len())];
        match self.provinces.get(province) {
            Some((i, c)) => (*i, c),
            None => (self.intercept, &self.coefficients),
        }
    }

    /// The estimated monthly spending per person, in rupiah.
    pub fn score(&self, h: &Household, m: &MemberSummary) -> f64 {
        self.score_of(&h.address.village, &h.housing, &h.assets, m)
    }

    /// [`Model::score`] from the parts of a household that count (a ranking run reads no more).
    pub fn score_of(
        &self,
        village: &RegionCode,
        housing: &Housing,
        assets: &Assets,
        m: &MemberSummary,
    ) -> f64 {
        let (intercept, coefficients) = self.weights(village);
        let x = indicators_of(housing, assets, m);
        let log = intercept
            + coefficients
                .iter()
                .zip(x.iter())
                .map(|(c, v)| c * v)
                .sum::<f64>();
        log.exp()
    }

    /// The indicators that moved the score most, largest first: (key, value, coefficient ×
    /// value on the log scale; negative lowers the estimated spending).
    pub fn explain(
        &self,
        h: &Household,
        m: &MemberSummary,
        top: usize,
    ) -> Vec<(&'static str, f64, f64)> {
        let (_, coefficients) = self.weights(&h.address.village);
        let x = indicators(h, m);
        let mut terms: Vec<(&'static str, f64, f64)> = INDICATORS
            .iter()
            .zip(coefficients.iter().zip(x.iter()))
            .map(|((k, _), (c, v))| (*k, *v, c * v))
            .filter(|(_, _, t)| *t != 0.0)
            .collect();
        terms.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()));
        terms.truncate(top);
        terms
    }
}

/// The 14 BPS poverty criteria; those the register does not record are `None`.
pub fn bps_criteria(h: &Household, m: &MemberSummary) -> [(&'static str, Option<bool>); 14] {
    bps_criteria_of(&h.housing, &h.assets, m)
}

/// [`bps_criteria`] from the parts of a household that count.
pub fn bps_criteria_of(
    x: &Housing,
    a: &Assets,
    m: &MemberSummary,
) -> [(&'static str, Option<bool>); 14] {
    let size = m.size.max(1);
    [
        (
            "Luas lantai kurang dari 8 m² per orang",
            Some(x.floor_area_m2 < 8 * size),
        ),
        (
            "Lantai tanah/bambu/kayu murahan",
            Some(matches!(
                x.floor_material,
                FloorMaterial::Earth | FloorMaterial::Bamboo | FloorMaterial::CheapWood
            )),
        ),
        (
            "Dinding bambu/rumbia/kayu murahan/tembok tanpa plester",
            Some(matches!(
                x.wall_material,
                WallMaterial::Bamboo
                    | WallMaterial::Thatch
                    | WallMaterial::CheapWood
                    | WallMaterial::UnplasteredBrick
            )),
        ),
        (
            "Tidak punya jamban atau bersama",
            Some(x.toilet != ToiletFacility::Own),
        ),
        (
            "Penerangan bukan listrik",
            Some(x.lighting == LightingSource::NotElectric),
        ),
        (
            "Air minum dari sumur/mata air tak terlindung, sungai atau hujan",
            Some(matches!(
                x.water_source,
                WaterSource::UnprotectedWell
                    | WaterSource::UnprotectedSpring
                    | WaterSource::River
                    | WaterSource::Rain
            )),
        ),
        (
            "Memasak dengan kayu bakar/arang/minyak tanah",
            Some(matches!(
                x.cooking_fuel,
                CookingFuel::Firewood | CookingFuel::Charcoal | CookingFuel::Kerosene
            )),
        ),
        ("Daging/susu/ayam hanya sekali seminggu", None),
        ("Satu stel pakaian baru setahun", None),
        ("Makan satu atau dua kali sehari", None),
        ("Tidak sanggup membayar puskesmas/poliklinik", None),
        (
            "Kepala bekerja sebagai petani kecil/buruh/nelayan/bangunan",
            Some(farming_or_labour(m.head_sector)),
        ),
        (
            "Kepala berpendidikan paling tinggi SD",
            Some(schooling_years(m.head_education) <= 6.0),
        ),
        (
            "Tidak punya tabungan/barang senilai Rp500.000 (dari aset tercatat)",
            Some(
                !(a.gold_10g
                    || a.motorbike
                    || a.car
                    || a.fridge
                    || a.laptop
                    || a.boat
                    || a.motorboat
                    || a.ship
                    || a.other_house
                    || a.cattle + a.buffalo + a.horses > 0),
            ),
        ),
    ]
}

/// How many of the recorded criteria hold. BPS counts a household poor when at least 9 of the
/// 14 hold; the four the register does not record count as not holding.
pub fn bps_count(h: &Household, m: &MemberSummary) -> u8 {
    bps_count_of(&h.housing, &h.assets, m)
}

/// [`bps_count`] from the parts of a household that count.
pub fn bps_count_of(x: &Housing, a: &Assets, m: &MemberSummary) -> u8 {
    bps_criteria_of(x, a, m)
        .iter()
        .filter(|(_, v)| *v == Some(true))
        .count() as u8
}

/// Desil 1–10 of each score, poorest (lowest spending) first: the position in the sorted
/// scores, in tenths. Equal scores share the desil of the first of them.
pub fn desils(scores: &[f64]) -> Vec<u8> {
    let n = scores.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut out = vec![0u8; n];
    let mut tier = 1u8;
    for (rank, &i) in order.iter().enumerate() {
        let same_as_before = rank > 0 && scores[order[rank - 1]] == scores[i];
        if !same_as_before {
            tier = ((rank * 10) / n.max(1) + 1).min(10) as u8;
        }
        out[i] = tier;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{blank_household, blank_person};

    fn village() -> RegionCode {
        RegionCode::parse("35.23.01.2001").unwrap()
    }

    fn summary(size: u32) -> MemberSummary {
        MemberSummary {
            size,
            working: 1,
            head_education: Some(Education::Primary),
            ..MemberSummary::default()
        }
    }

    #[test]
    fn the_default_model_parses_and_names_every_indicator_once() {
        let model = Model::parse(DEFAULT_MODEL).unwrap();
        assert!(model.coefficients.iter().all(|c| c.is_finite()));
        assert!(model.coefficients.iter().filter(|c| **c != 0.0).count() >= 25);
    }

    #[test]
    fn poorer_housing_and_more_people_score_lower() {
        let model = Model::default_model();
        let good = blank_household(village());
        let mut poor = good.clone();
        poor.housing.floor_material = FloorMaterial::Earth;
        poor.housing.wall_material = WallMaterial::Bamboo;
        poor.housing.cooking_fuel = CookingFuel::Firewood;
        poor.housing.toilet = ToiletFacility::None;
        assert!(model.score(&poor, &summary(4)) < model.score(&good, &summary(4)));
        assert!(model.score(&good, &summary(7)) < model.score(&good, &summary(2)));
        let mut rich = good.clone();
        rich.assets.car = true;
        rich.assets.air_conditioner = true;
        assert!(model.score(&rich, &summary(4)) > model.score(&good, &summary(4)));
        let why = model.explain(&poor, &summary(4), 3);
        assert_eq!(why.len(), 3);
        assert!(why[0].2.abs() >= why[1].2.abs() && why[1].2.abs() >= why[2].2.abs());
    }

    #[test]
    fn bad_models_are_refused_with_their_line() {
        let unknown = "name = \"x\"\nintercept = 13.0\n[coefficients]\nfridge = 0.1\nyacht = 0.5\n";
        let e = Model::parse(unknown).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.reason.contains("yacht"), "{e}");
        let no_intercept = "name = \"x\"\n[coefficients]\nfridge = 0.1\n";
        assert!(Model::parse(no_intercept).is_err());
        let infinite = "name = \"x\"\nintercept = 13.0\n[coefficients]\nfridge = inf\n";
        assert_eq!(Model::parse(infinite).unwrap_err().line, 4);
        let province =
            "name = \"x\"\nintercept = 13.0\n[coefficients]\n[provinces.\"99\"]\nintercept = 1.0\n";
        let e = Model::parse(province).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn a_province_may_have_its_own_weights() {
        let text = "name = \"x\"\nintercept = 13.0\n[coefficients]\nfridge = 0.1\n\
                    [provinces.\"35\"]\nintercept = 12.0\n[provinces.\"35\".coefficients]\nfridge = 0.3\n";
        let model = Model::parse(text).unwrap();
        let mut h = blank_household(village());
        h.assets.fridge = true;
        let east_java = model.score(&h, &summary(1)).ln();
        assert!((east_java - 12.3).abs() < 1e-9, "{east_java}");
        h.address.village = RegionCode::parse("11.01.01.2001").unwrap();
        assert!((model.score(&h, &summary(1)).ln() - 13.1).abs() < 1e-9);
    }

    #[test]
    fn desils_split_the_ranking_in_tenths() {
        let scores: Vec<f64> = (0..100).map(|i| f64::from(100 - i)).collect();
        let d = desils(&scores);
        assert_eq!(d[99], 1, "the lowest spending is desil 1");
        assert_eq!(d[0], 10);
        for tier in 1..=10 {
            assert_eq!(d.iter().filter(|x| **x == tier).count(), 10);
        }
        assert_eq!(desils(&[5.0, 5.0, 5.0]), [1, 1, 1], "ties share a desil");
        assert!(desils(&[]).is_empty());
        assert_eq!(desils(&[1.0]), [1]);
    }

    proptest::proptest! {
        #[test]
        fn desils_follow_the_scores(scores in proptest::collection::vec(0.0f64..1e7, 0..300)) {
            let d = desils(&scores);
            proptest::prop_assert_eq!(d.len(), scores.len());
            for (i, a) in scores.iter().enumerate() {
                proptest::prop_assert!((1..=10).contains(&d[i]));
                for (j, b) in scores.iter().enumerate() {
                    if a < b {
                        proptest::prop_assert!(d[i] <= d[j], "{} < {} but desil {} > {}", a, b, d[i], d[j]);
                    }
                }
            }
        }
    }

    #[test]
    fn the_bps_criteria_count_what_the_register_records() {
        let mut h = blank_household(village());
        let m = MemberSummary::of(
            &[blank_person(h.id, Relation::Head)],
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        );
        assert_eq!(m.size, 1);
        let before = bps_count(&h, &m);
        h.housing.floor_material = FloorMaterial::Earth;
        h.housing.lighting = LightingSource::NotElectric;
        assert_eq!(bps_count(&h, &m), before + 2);
        assert_eq!(
            bps_criteria(&h, &m)
                .iter()
                .filter(|(_, v)| v.is_none())
                .count(),
            4
        );
    }
}
