//! Indonesia's administrative regions (kode wilayah Kemendagri): the code type, its four levels,
//! and the full hierarchy of 38 provinces, 514 regencies/cities, 7,285 districts and 83,762
//! villages shipped inside this crate (ODbL data, see `data/wilayah/README.md`).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::message::Bilingual;

/// The four levels of the hierarchy, top down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RegionLevel {
    Province,
    Regency,
    District,
    Village,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 4] = [
        RegionLevel::Province,
        RegionLevel::Regency,
        RegionLevel::District,
        RegionLevel::Village,
    ];

    /// Indonesian name of the level.
    pub fn label(self) -> &'static str {
        match self {
            RegionLevel::Province => "provinsi",
            RegionLevel::Regency => "kabupaten/kota",
            RegionLevel::District => "kecamatan",
            RegionLevel::Village => "desa/kelurahan",
        }
    }

    /// The level below this one, if any.
    pub fn child(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::Regency),
            RegionLevel::Regency => Some(RegionLevel::District),
            RegionLevel::District => Some(RegionLevel::Village),
            RegionLevel::Village => None,
        }
    }

    /// Stable small number used in the database (1 = province … 4 = village).
    pub fn number(self) -> i64 {
        self as i64 + 1
    }
}

/// Why a text is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("kode wilayah kosong")]
    Empty,
    #[error("kode wilayah '{0}' tidak berbentuk 35, 35.23, 35.23.01 atau 35.23.01.2001")]
    Malformed(String),
    #[error("kode wilayah '{0}' tidak dikenal")]
    Unknown(String),
}

impl Bilingual for RegionCodeError {
    fn indonesian(&self) -> String {
        self.to_string()
    }
    fn english(&self) -> String {
        match self {
            RegionCodeError::Empty => "empty region code".into(),
            RegionCodeError::Malformed(s) => {
                format!("region code '{s}' is not shaped like 35, 35.23, 35.23.01 or 35.23.01.2001")
            }
            RegionCodeError::Unknown(s) => format!("region code '{s}' is not known"),
        }
    }
}

/// A well-formed dotted region code (`35`, `35.23`, `35.23.01`, `35.23.01.2001`).
///
/// Well-formed is not the same as existing: [`Regions::get`] and [`RegionCode::parse_known`] tell
/// whether the code is in the shipped hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

// In the API's document: a Kemendagri code of a province, regency, district or village.
impl utoipa::PartialSchema for RegionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        utoipa::openapi::RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"))
                .examples([serde_json::json!("35.23.01.2001")])
                .description(Some(
                    "Kode wilayah Kemendagri: provinsi 35, kabupaten/kota 35.23, kecamatan 35.23.01, desa/kelurahan 35.23.01.2001",
                ))
                .build(),
        ))
    }
}

impl utoipa::ToSchema for RegionCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("RegionCode")
    }
}

impl RegionCode {
    /// Parses the shape of a code (digits in groups of 2, 2, 2, 4 joined by dots).
    pub fn parse(text: &str) -> Result<RegionCode, RegionCodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        let widths = [2usize, 2, 2, 4];
        let parts: Vec<&str> = text.split('.').collect();
        let well_formed = parts.len() <= 4
            && parts
                .iter()
                .zip(widths)
                .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(RegionCodeError::Malformed(text.to_string()));
        }
        Ok(RegionCode(text.to_string()))
    }

    /// Parses a code and requires it to exist in the shipped hierarchy.
    pub fn parse_known(text: &str) -> Result<RegionCode, RegionCodeError> {
        let code = RegionCode::parse(text)?;
        if Regions::embedded().get(&code).is_none() {
            return Err(RegionCodeError::Unknown(code.0));
        }
        Ok(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            2 => RegionLevel::Province,
            5 => RegionLevel::Regency,
            8 => RegionLevel::District,
            _ => RegionLevel::Village,
        }
    }

    /// The code of the region one level up, `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        self.0
            .rfind('.')
            .map(|i| RegionCode(self.0[..i].to_string()))
    }

    /// The ancestor (or self) at a given level, `None` when `level` is below this code's level.
    pub fn at_level(&self, level: RegionLevel) -> Option<RegionCode> {
        let len = match level {
            RegionLevel::Province => 2,
            RegionLevel::Regency => 5,
            RegionLevel::District => 8,
            RegionLevel::Village => 13,
        };
        (self.0.len() >= len).then(|| RegionCode(self.0[..len].to_string()))
    }

    /// Whether `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0 == self.0
            || (other.0.len() > self.0.len()
                && other.0.starts_with(&self.0)
                && other.0.as_bytes()[self.0.len()] == b'.')
    }

    /// The code without dots, as it appears at the start of a NIK (`352301`).
    pub fn digits(&self) -> String {
        self.0.chars().filter(|c| *c != '.').collect()
    }

    /// The time zone of the region: WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9).
    pub fn time_zone(&self) -> TimeZone {
        match &self.0[..2] {
            "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76" => {
                TimeZone::Wita
            }
            "81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" | "97" => TimeZone::Wit,
            _ => TimeZone::Wib,
        }
    }

    /// The half-open text range `[low, high)` that holds every village code inside this region.
    ///
    /// Dotted codes have fixed widths per level, so every code inside `35.23` sorts at or after
    /// `35.23` and before `35.23/` (`/` follows `.` in ASCII). The store scopes queries with this
    /// range, which uses the ordinary index on the village code in both engines.
    pub fn village_range(&self) -> (String, String) {
        (self.0.clone(), format!("{}/", self.0))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = RegionCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(value: RegionCode) -> Self {
        value.0
    }
}

/// Indonesia's three time zones: dates shown to a user are in the zone of its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZone {
    Wib,
    Wita,
    Wit,
}

impl TimeZone {
    pub fn label(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    pub fn offset_hours(self) -> i32 {
        match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        }
    }

    /// A stored UTC time (RFC 3339) as a person reads it (`4 Des 2026 17.24 WIB`); unreadable
    /// text is returned as is.
    pub fn local(self, utc: &str) -> String {
        match crate::clock::Stamp::parse(utc) {
            Some(t) => self.at(t),
            None => utc.to_string(),
        }
    }

    /// A recorded moment as a person reads it, with the zone: `4 Des 2026 17.24 WIB`.
    pub fn at(self, stamp: crate::clock::Stamp) -> String {
        crate::show::moment(stamp, self)
    }

    /// The wall clock of this zone at a recorded moment.
    pub fn clock(self, stamp: crate::clock::Stamp) -> chrono::DateTime<chrono::FixedOffset> {
        let offset = chrono::FixedOffset::east_opt(self.offset_hours() * 3600)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
        stamp.0.with_timezone(&offset)
    }
}

/// One region of the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
}

impl Region {
    pub fn level(&self) -> RegionLevel {
        self.code.level()
    }

    /// A village whose code's last part starts with 1 is a kelurahan (urban), with 2 a desa.
    pub fn is_kelurahan(&self) -> bool {
        self.level() == RegionLevel::Village && self.code.as_str().as_bytes()[9] == b'1'
    }
}

/// The whole region hierarchy, indexed by code, parent and name.
#[derive(Debug)]
pub struct Regions {
    all: Vec<Region>,
    by_code: HashMap<RegionCode, usize>,
    children: HashMap<Option<RegionCode>, Vec<usize>>,
    /// Lower-cased names, in the same order as `all`, for search.
    folded_names: Vec<String>,
}

const PROVINCES_CSV: &str = include_str!("../data/wilayah/provinces.csv");
const REGENCIES_CSV: &str = include_str!("../data/wilayah/regencies.csv");
const DISTRICTS_CSV: &str = include_str!("../data/wilayah/districts.csv");
const VILLAGES_CSV: &str = include_str!("../data/wilayah/villages.csv");

impl Regions {
    /// The hierarchy shipped with siks, parsed once on first use.
    pub fn embedded() -> &'static Regions {
        static REGIONS: OnceLock<Regions> = OnceLock::new();
        REGIONS.get_or_init(|| {
            let mut all = Vec::with_capacity(91_600);
            for text in [PROVINCES_CSV, REGENCIES_CSV, DISTRICTS_CSV, VILLAGES_CSV] {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                for record in reader.records() {
                    // The shipped files are checked by this crate's tests, so a failure here is
                    // a broken build, not bad input.
                    let record = record.expect("embedded region CSV is well-formed");
                    let code = RegionCode::parse(&record[0]).expect("embedded region code");
                    let name = record[record.len() - 1].to_string();
                    all.push(Region { code, name });
                }
            }
            Regions::from_regions(all)
        })
    }

    /// Builds an index over a list of regions (parents must be listed too, except for provinces).
    pub fn from_regions(all: Vec<Region>) -> Regions {
        let mut by_code = HashMap::with_capacity(all.len());
        let mut children: HashMap<Option<RegionCode>, Vec<usize>> = HashMap::new();
        for (i, region) in all.iter().enumerate() {
            by_code.insert(region.code.clone(), i);
            children.entry(region.code.parent()).or_default().push(i);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| all[*a].code.cmp(&all[*b].code));
        }
        let folded_names = all.iter().map(|r| r.name.to_lowercase()).collect();
        Regions {
            all,
            by_code,
            children,
            folded_names,
        }
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.all.iter()
    }

    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.by_code.get(code).map(|i| &self.all[*i])
    }

    /// Looks a code up from text; a malformed or unknown code is an error.
    pub fn lookup(&self, text: &str) -> Result<&Region, RegionCodeError> {
        let code = RegionCode::parse(text)?;
        self.get(&code)
            .ok_or_else(|| RegionCodeError::Unknown(code.0.clone()))
    }

    /// The regions directly below `code` (`None` for the provinces), ordered by code.
    pub fn children(&self, code: Option<&RegionCode>) -> impl Iterator<Item = &Region> {
        self.children
            .get(&code.cloned())
            .into_iter()
            .flatten()
            .map(|i| &self.all[*i])
    }

    /// Every region of `level` inside `within` (or the whole country).
    pub fn descendants_at<'a>(
        &'a self,
        within: Option<&'a RegionCode>,
        level: RegionLevel,
    ) -> impl Iterator<Item = &'a Region> + 'a {
        self.all
            .iter()
            .filter(move |r| r.level() == level && within.is_none_or(|w| w.contains(&r.code)))
    }

    /// Case-insensitive search by part of the name, optionally at one level, best matches first
    /// (exact name, then names starting with the query, then names containing it).
    pub fn search(&self, query: &str, level: Option<RegionLevel>, limit: usize) -> Vec<&Region> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize)> = self
            .folded_names
            .iter()
            .enumerate()
            .filter(|(i, _)| level.is_none_or(|l| self.all[*i].level() == l))
            .filter_map(|(i, name)| {
                let rank = if *name == query {
                    0
                } else if name.starts_with(&query) {
                    1
                } else if name.contains(&query) {
                    2
                } else {
                    return None;
                };
                Some((rank, i))
            })
            .collect();
        hits.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(self.all[a.1].code.cmp(&self.all[b.1].code))
        });
        hits.into_iter()
            .take(limit)
            .map(|(_, i)| &self.all[i])
            .collect()
    }

    /// The district whose code's digits are the first six digits of a NIK or No KK.
    pub fn district_by_digits(&self, digits: &str) -> Option<&Region> {
        if digits.len() != 6 {
            return None;
        }
        let code = format!("{}.{}.{}", &digits[0..2], &digits[2..4], &digits[4..6]);
        self.get(&RegionCode(code))
    }

    /// The regency whose code's digits are the first four digits of a NIK or No KK.
    pub fn regency_by_digits(&self, digits: &str) -> Option<&Region> {
        if digits.len() != 4 {
            return None;
        }
        self.get(&RegionCode(format!("{}.{}", &digits[0..2], &digits[2..4])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_hierarchy_has_every_region() {
        let regions = Regions::embedded();
        let count = |level| regions.iter().filter(|r| r.level() == level).count();
        assert_eq!(count(RegionLevel::Province), 38);
        assert_eq!(count(RegionLevel::Regency), 514);
        assert_eq!(count(RegionLevel::District), 7_285);
        assert_eq!(count(RegionLevel::Village), 83_762);
        // Every region below a province has its parent in the hierarchy.
        for region in regions.iter() {
            if let Some(parent) = region.code.parent() {
                assert!(regions.get(&parent).is_some(), "orphan {}", region.code);
            }
        }
    }

    #[test]
    fn lookup_children_and_search() {
        let regions = Regions::embedded();
        let tuban = regions.lookup("35.23").unwrap();
        assert_eq!(tuban.name, "Kabupaten Tuban");
        let districts: Vec<_> = regions.children(Some(&tuban.code)).collect();
        assert!(districts.len() >= 19, "Tuban has 20 districts");
        assert!(
            districts
                .iter()
                .all(|d| d.code.parent().as_ref() == Some(&tuban.code))
        );
        assert_eq!(regions.children(None).count(), 38);
        let hits = regions.search("tuban", Some(RegionLevel::Regency), 5);
        assert_eq!(hits[0].code.as_str(), "35.23");
        let quoted = regions.lookup("35.13.15.2017").unwrap();
        assert_eq!(quoted.name, "Soka\"an");
        assert!(matches!(
            regions.lookup("35.99"),
            Err(RegionCodeError::Unknown(_))
        ));
        assert!(matches!(
            regions.lookup("35.2"),
            Err(RegionCodeError::Malformed(_))
        ));
        assert!(matches!(regions.lookup(""), Err(RegionCodeError::Empty)));
    }

    #[test]
    fn time_zones_follow_the_province() {
        let zone = |c: &str| RegionCode::parse(c).unwrap().time_zone();
        assert_eq!(zone("35.23"), TimeZone::Wib);
        assert_eq!(zone("51.71"), TimeZone::Wita);
        assert_eq!(zone("94.01"), TimeZone::Wit);
        assert_eq!(
            TimeZone::Wita.local("2026-11-23T20:05:00.000000Z"),
            "24 Nov 2026 04.05 WITA"
        );
        assert_eq!(TimeZone::Wib.local("bukan waktu"), "bukan waktu");
    }

    #[test]
    fn containment_and_ranges() {
        let tuban = RegionCode::parse("35.23").unwrap();
        let village = RegionCode::parse("35.23.01.2001").unwrap();
        let elsewhere = RegionCode::parse("35.24.01.2001").unwrap();
        assert!(tuban.contains(&village));
        assert!(!tuban.contains(&elsewhere));
        assert!(village.contains(&village));
        assert!(!village.contains(&tuban));
        let (low, high) = tuban.village_range();
        assert!(village.as_str() >= low.as_str() && village.as_str() < high.as_str());
        assert!(elsewhere.as_str() >= high.as_str());
        let (low, high) = village.village_range();
        assert!(village.as_str() >= low.as_str() && village.as_str() < high.as_str());
        assert!("35.23.01.2002" >= high.as_str());
        assert_eq!(village.at_level(RegionLevel::Regency), Some(tuban.clone()));
        assert_eq!(village.digits(), "3523012001");
    }
}
