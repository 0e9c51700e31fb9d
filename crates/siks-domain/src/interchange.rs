//! The CSV interchange format of households and persons: the files `siks generate` writes and
//! `siks import` reads. One column list and one conversion each way, so writer and reader cannot
//! drift apart. Coded values are written as their numeric codes, booleans as 0/1, dates as
//! YYYY-MM-DD, optional values as empty cells.

use chrono::NaiveDate;

use crate::codes::*;
use crate::identity::Recorded;
use crate::message::Bilingual;
use crate::record::*;
use crate::region::{RegionCode, RegionLevel, Regions};

pub const HOUSEHOLDS_FILE: &str = "households.csv";
pub const PERSONS_FILE: &str = "persons.csv";

pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "id",
    "village_code",
    "rt",
    "rw",
    "street",
    "sls_name",
    "latitude",
    "longitude",
    "building_tenure",
    "land_tenure",
    "floor_area_m2",
    "floor_material",
    "wall_material",
    "wall_condition",
    "roof_material",
    "roof_condition",
    "rooms",
    "water_source",
    "water_acquisition",
    "lighting",
    "installed_power",
    "cooking_fuel",
    "toilet",
    "sewage",
    "gas_cylinder_5kg",
    "fridge",
    "air_conditioner",
    "water_heater",
    "phone",
    "television",
    "gold_10g",
    "laptop",
    "bicycle",
    "motorbike",
    "car",
    "boat",
    "outboard_motor",
    "motorboat",
    "ship",
    "land_m2",
    "other_house",
    "cattle",
    "buffalo",
    "horses",
    "pigs",
    "goats",
    "business",
    "status",
    "inactive_reason",
    "welfare_score",
    "desil",
    "programmes",
    "last_verified",
];

pub const PERSON_COLUMNS: &[&str] = &[
    "id",
    "household_id",
    "nik",
    "no_kk",
    "family_no",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "relation_to_head",
    "relation_to_family_head",
    "marital_status",
    "mother_name",
    "pregnant",
    "disability",
    "disability_severity",
    "chronic_illness",
    "school_participation",
    "education",
    "work_status",
    "occupation_sector",
    "presence",
    "dukcapil",
    "pmks",
    "status",
    "inactive_reason",
];

/// Columns the server sets, never a form or an uploaded sheet.
pub const HOUSEHOLD_SERVER_COLUMNS: &[&str] = &[
    "id",
    "status",
    "inactive_reason",
    "welfare_score",
    "desil",
    "programmes",
    "last_verified",
];
pub const PERSON_SERVER_COLUMNS: &[&str] = &[
    "id",
    "household_id",
    "family_no",
    "relation_to_family_head",
    "dukcapil",
    "status",
    "inactive_reason",
];

/// Yes/no columns (1 or 0).
pub const FLAG_COLUMNS: &[&str] = &[
    "gas_cylinder_5kg",
    "fridge",
    "air_conditioner",
    "water_heater",
    "phone",
    "television",
    "gold_10g",
    "laptop",
    "bicycle",
    "motorbike",
    "car",
    "boat",
    "outboard_motor",
    "motorboat",
    "ship",
    "other_house",
    "business",
    "pregnant",
];
/// Numeric columns.
pub const NUMBER_COLUMNS: &[&str] = &[
    "floor_area_m2",
    "rooms",
    "land_m2",
    "cattle",
    "buffalo",
    "horses",
    "pigs",
    "goats",
    "latitude",
    "longitude",
];

fn choices<T: Coded>(optional: bool) -> Vec<(String, String)> {
    let none = optional.then(|| (String::new(), "-".to_string()));
    none.into_iter()
        .chain(
            T::ALL
                .iter()
                .map(|v| (v.code().to_string(), v.label().to_string())),
        )
        .collect()
}

/// The choices of a coded column as (code, label), an optional one starting with ("", "-");
/// `None` for other columns.
pub fn column_choices(column: &str) -> Option<Vec<(String, String)>> {
    Some(match column {
        "building_tenure" => choices::<BuildingTenure>(false),
        "land_tenure" => choices::<LandTenure>(false),
        "floor_material" => choices::<FloorMaterial>(false),
        "wall_material" => choices::<WallMaterial>(false),
        "wall_condition" | "roof_condition" => choices::<Condition>(false),
        "roof_material" => choices::<RoofMaterial>(false),
        "water_source" => choices::<WaterSource>(false),
        "water_acquisition" => choices::<WaterAcquisition>(false),
        "lighting" => choices::<LightingSource>(false),
        "installed_power" => choices::<InstalledPower>(true),
        "cooking_fuel" => choices::<CookingFuel>(false),
        "toilet" => choices::<ToiletFacility>(false),
        "sewage" => choices::<SewageDisposal>(true),
        "sex" => choices::<Sex>(false),
        "relation_to_head" => choices::<Relation>(false),
        "marital_status" => choices::<MaritalStatus>(false),
        "disability" => choices::<DisabilityType>(true),
        "disability_severity" => choices::<Severity>(true),
        "chronic_illness" => choices::<ChronicIllness>(true),
        "school_participation" => choices::<SchoolParticipation>(false),
        "education" => choices::<Education>(true),
        "work_status" => choices::<WorkStatus>(true),
        "occupation_sector" => choices::<OccupationSector>(true),
        "presence" => choices::<Presence>(false),
        "pmks" => choices::<PmksCategory>(true),
        _ => return None,
    })
}

/// The column a spreadsheet header names: the Indonesian label (as exports and templates write
/// it) or the column's own name, compared without case; `None` for a header siks does not know.
pub fn column_for_label(header: &str) -> Option<&'static str> {
    let header = header.trim().trim_start_matches('\u{feff}');
    std::iter::once("village_code")
        .chain(HOUSEHOLD_COLUMNS.iter().copied())
        .chain(PERSON_COLUMNS.iter().copied())
        .find(|c| c.eq_ignore_ascii_case(header) || column_label(c).eq_ignore_ascii_case(header))
}

/// A coded cell as a template's drop-down writes it (`2 - Perempuan`) reduced to its code (`2`);
/// other text unchanged.
pub fn code_of_choice(cell: &str) -> &str {
    match cell.split_once(" - ") {
        Some((code, _)) if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) => code,
        _ => cell,
    }
}

/// The Indonesian label of a column of either file, for forms, templates and reports.
pub fn column_label(column: &str) -> &'static str {
    match column {
        "id" => "Id",
        "village_code" => "Kode desa/kelurahan",
        "rt" => "RT",
        "rw" => "RW",
        "street" => "Alamat (jalan, nomor)",
        "sls_name" => "Nama SLS (dusun/lingkungan)",
        "latitude" => "Lintang (GPS)",
        "longitude" => "Bujur (GPS)",
        "building_tenure" => "Status kepemilikan bangunan",
        "land_tenure" => "Status kepemilikan lahan",
        "floor_area_m2" => "Luas lantai (m²)",
        "floor_material" => "Jenis lantai terluas",
        "wall_material" => "Jenis dinding terluas",
        "wall_condition" => "Kondisi dinding",
        "roof_material" => "Jenis atap terluas",
        "roof_condition" => "Kondisi atap",
        "rooms" => "Jumlah kamar tidur",
        "water_source" => "Sumber air minum",
        "water_acquisition" => "Cara memperoleh air minum",
        "lighting" => "Sumber penerangan utama",
        "installed_power" => "Daya terpasang",
        "cooking_fuel" => "Bahan bakar memasak",
        "toilet" => "Fasilitas buang air besar",
        "sewage" => "Tempat pembuangan akhir tinja",
        "gas_cylinder_5kg" => "Tabung gas 5,5 kg atau lebih",
        "fridge" => "Lemari es",
        "air_conditioner" => "AC",
        "water_heater" => "Pemanas air",
        "phone" => "Telepon/HP",
        "television" => "Televisi",
        "gold_10g" => "Emas/perhiasan 10 gram atau lebih",
        "laptop" => "Komputer/laptop",
        "bicycle" => "Sepeda",
        "motorbike" => "Sepeda motor",
        "car" => "Mobil",
        "boat" => "Perahu",
        "outboard_motor" => "Motor tempel",
        "motorboat" => "Perahu motor",
        "ship" => "Kapal",
        "land_m2" => "Luas lahan dimiliki (m²)",
        "other_house" => "Rumah di tempat lain",
        "cattle" => "Jumlah sapi",
        "buffalo" => "Jumlah kerbau",
        "horses" => "Jumlah kuda",
        "pigs" => "Jumlah babi",
        "goats" => "Jumlah kambing/domba",
        "business" => "Anggota memiliki usaha",
        "status" => "Status",
        "inactive_reason" => "Alasan nonaktif",
        "welfare_score" => "Skor kesejahteraan",
        "desil" => "Desil",
        "programmes" => "Program",
        "last_verified" => "Terakhir diverifikasi",
        "household_id" => "Id rumah tangga",
        "nik" => "NIK",
        "no_kk" => "No KK",
        "family_no" => "Nomor urut keluarga",
        "full_name" => "Nama lengkap",
        "sex" => "Jenis kelamin",
        "birth_place" => "Tempat lahir",
        "birth_date" => "Tanggal lahir",
        "relation_to_head" => "Hubungan dengan kepala rumah tangga",
        "relation_to_family_head" => "Hubungan dengan kepala keluarga",
        "marital_status" => "Status perkawinan",
        "mother_name" => "Nama ibu kandung",
        "pregnant" => "Sedang hamil",
        "disability" => "Jenis disabilitas",
        "disability_severity" => "Tingkat disabilitas",
        "chronic_illness" => "Penyakit kronis",
        "school_participation" => "Partisipasi sekolah",
        "education" => "Pendidikan tertinggi",
        "work_status" => "Status bekerja",
        "occupation_sector" => "Lapangan usaha",
        "presence" => "Keberadaan",
        "dukcapil" => "Status padan Dukcapil",
        "pmks" => "Kategori PPKS",
        _ => "",
    }
}

/// One row of cells as text, held in two allocations (the texts end to end, and where each
/// ends) instead of one per cell: an uploaded sheet of 200,000 rows of some thirty cells is
/// held as about its text, not four times that in `String` headers and small allocations.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TextRow {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl TextRow {
    /// The row of these cells, in order.
    pub fn new<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> TextRow {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            // A row is at most a few dozen cells of at most 32,767 characters: far below 4 GiB.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        TextRow {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `i`; empty past the row's end.
    pub fn get(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// The cells as strings of their own.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    /// The `width` cells from `first` on, empty cells added past the row's end.
    pub fn window(&self, first: usize, width: usize) -> TextRow {
        TextRow::new((first..first + width).map(|i| self.get(i)))
    }
}

impl std::fmt::Debug for TextRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `row[i]`: the cell at `i`, empty past the row's end.
impl std::ops::Index<usize> for TextRow {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.get(i)
    }
}

impl<S: AsRef<str>> FromIterator<S> for TextRow {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> TextRow {
        TextRow::new(cells)
    }
}

/// A cell that cannot be read, naming the column and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kolom {column}: {reason}")]
pub struct FieldError {
    pub column: &'static str,
    pub reason: String,
    pub reason_en: String,
}

impl FieldError {
    fn new(column: &'static str, e: &dyn Bilingual) -> FieldError {
        FieldError {
            column,
            reason: e.indonesian(),
            reason_en: e.english(),
        }
    }

    fn plain(column: &'static str, reason: String, reason_en: String) -> FieldError {
        FieldError {
            column,
            reason,
            reason_en,
        }
    }
}

impl Bilingual for FieldError {
    fn indonesian(&self) -> String {
        self.to_string()
    }
    fn english(&self) -> String {
        format!("column {}: {}", self.column, self.reason_en)
    }
}

/// A header that is not the expected one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub struct HeaderError {
    pub expected: Vec<String>,
    pub found: Vec<String>,
}

impl HeaderError {
    fn first_difference(&self) -> (usize, String, String) {
        let n = self.expected.len().max(self.found.len());
        (0..n)
            .map(|i| {
                let get =
                    |v: &Vec<String>| v.get(i).cloned().unwrap_or_else(|| "(tidak ada)".into());
                (i, get(&self.expected), get(&self.found))
            })
            .find(|(_, e, f)| e != f)
            .unwrap_or((0, String::new(), String::new()))
    }
}

impl Bilingual for HeaderError {
    fn indonesian(&self) -> String {
        let (i, e, f) = self.first_difference();
        format!(
            "baris judul tidak sesuai: {} kolom, seharusnya {}; kolom ke-{} berisi '{f}', \
             seharusnya '{e}'",
            self.found.len(),
            self.expected.len(),
            i + 1
        )
    }
    fn english(&self) -> String {
        let (i, e, f) = self.first_difference();
        format!(
            "header does not match: {} columns, expected {}; column {} is '{f}', expected '{e}'",
            self.found.len(),
            self.expected.len(),
            i + 1
        )
    }
}

/// Checks a file's header against the expected column list.
pub fn check_header(expected: &[&str], found: &csv::StringRecord) -> Result<(), HeaderError> {
    let found_cols: Vec<String> = found
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if found_cols
        .iter()
        .map(String::as_str)
        .eq(expected.iter().copied())
    {
        Ok(())
    } else {
        Err(HeaderError {
            expected: expected.iter().map(|s| s.to_string()).collect(),
            found: found_cols,
        })
    }
}

/// Reads the cells of one row by column position.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    columns: &'static [&'static str],
}

impl<'a> Cells<'a> {
    fn text(&self, i: usize) -> &'a str {
        self.record.get(i).unwrap_or("").trim()
    }

    fn col(&self, i: usize) -> &'static str {
        self.columns[i]
    }

    fn code<T: Coded>(&self, i: usize) -> Result<T, FieldError> {
        T::parse_code(self.text(i)).map_err(|e| FieldError::new(self.col(i), &e))
    }

    fn opt_code<T: Coded>(&self, i: usize) -> Result<Option<T>, FieldError> {
        if self.text(i).is_empty() {
            Ok(None)
        } else {
            self.code(i).map(Some)
        }
    }

    fn flag(&self, i: usize) -> Result<bool, FieldError> {
        match self.text(i) {
            "1" => Ok(true),
            "0" => Ok(false),
            other => Err(FieldError::plain(
                self.col(i),
                format!("'{other}' harus 0 (tidak) atau 1 (ya)"),
                format!("'{other}' must be 0 (no) or 1 (yes)"),
            )),
        }
    }

    fn count<N: std::str::FromStr>(&self, i: usize) -> Result<N, FieldError> {
        let t = self.text(i);
        if t.is_empty() {
            return Err(FieldError::plain(
                self.col(i),
                "wajib diisi (isi 0 bila tidak ada)".into(),
                "required (write 0 for none)".into(),
            ));
        }
        t.parse::<N>().map_err(|_| {
            FieldError::plain(
                self.col(i),
                format!("'{t}' bukan bilangan bulat tidak negatif yang sah"),
                format!("'{t}' is not a valid non-negative whole number"),
            )
        })
    }

    fn opt_f64(&self, i: usize) -> Result<Option<f64>, FieldError> {
        let t = self.text(i);
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(FieldError::plain(
                self.col(i),
                format!("'{t}' bukan angka desimal (pakai titik, mis. -6.89)"),
                format!("'{t}' is not a decimal number (use a point, e.g. -6.89)"),
            )),
        }
    }

    fn date(&self, i: usize) -> Result<NaiveDate, FieldError> {
        let t = self.text(i);
        NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            FieldError::plain(
                self.col(i),
                format!("'{t}' bukan tanggal berbentuk TTTT-BB-HH (mis. 1985-03-12)"),
                format!("'{t}' is not a date shaped YYYY-MM-DD (e.g. 1985-03-12)"),
            )
        })
    }

    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, FieldError> {
        if self.text(i).is_empty() {
            Ok(None)
        } else {
            self.date(i).map(Some)
        }
    }

    fn status(&self, i: usize) -> Result<RegistryStatus, FieldError> {
        let reason = self.opt_code::<InactiveReason>(i + 1)?.map(|r| r.code());
        RegistryStatus::from_parts(self.text(i), reason)
            .map_err(|e| FieldError::new(self.col(i), &e))
    }

    fn id<T: std::str::FromStr>(&self, i: usize) -> Result<T, FieldError> {
        let t = self.text(i);
        t.parse::<T>().map_err(|_| {
            FieldError::plain(
                self.col(i),
                format!("'{t}' bukan id (UUID) yang sah"),
                format!("'{t}' is not a valid id (UUID)"),
            )
        })
    }
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

fn opt<T: Coded>(v: Option<T>) -> String {
    v.map(|c| c.code().to_string()).unwrap_or_default()
}

fn code<T: Coded>(v: T) -> String {
    v.code().to_string()
}

/// Writes a household as one row of [`HOUSEHOLD_COLUMNS`].
pub fn household_row(h: &Household) -> Vec<String> {
    let a = &h.address;
    let s = &h.housing;
    let x = &h.assets;
    vec![
        h.id.to_string(),
        a.village.to_string(),
        a.rt.clone(),
        a.rw.clone(),
        a.street.clone(),
        a.sls_name.clone(),
        a.location
            .map(|p| p.latitude.to_string())
            .unwrap_or_default(),
        a.location
            .map(|p| p.longitude.to_string())
            .unwrap_or_default(),
        code(s.building_tenure),
        code(s.land_tenure),
        s.floor_area_m2.to_string(),
        code(s.floor_material),
        code(s.wall_material),
        code(s.wall_condition),
        code(s.roof_material),
        code(s.roof_condition),
        s.rooms.to_string(),
        code(s.water_source),
        code(s.water_acquisition),
        code(s.lighting),
        opt(s.installed_power),
        code(s.cooking_fuel),
        code(s.toilet),
        opt(s.sewage),
        flag(x.gas_cylinder_5kg),
        flag(x.fridge),
        flag(x.air_conditioner),
        flag(x.water_heater),
        flag(x.phone),
        flag(x.television),
        flag(x.gold_10g),
        flag(x.laptop),
        flag(x.bicycle),
        flag(x.motorbike),
        flag(x.car),
        flag(x.boat),
        flag(x.outboard_motor),
        flag(x.motorboat),
        flag(x.ship),
        x.land_m2.to_string(),
        flag(x.other_house),
        x.cattle.to_string(),
        x.buffalo.to_string(),
        x.horses.to_string(),
        x.pigs.to_string(),
        x.goats.to_string(),
        flag(x.business),
        h.status.key().to_string(),
        opt(h.status.reason()),
        h.welfare_score.map(|v| v.to_string()).unwrap_or_default(),
        h.desil.map(|v| v.to_string()).unwrap_or_default(),
        h.programmes.join(";"),
        h.last_verified.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// Reads one row of [`HOUSEHOLD_COLUMNS`]; the village must exist in `regions`.
pub fn household_from_row(
    record: &csv::StringRecord,
    regions: &Regions,
) -> Result<Household, FieldError> {
    let c = Cells {
        record,
        columns: HOUSEHOLD_COLUMNS,
    };
    if record.len() != HOUSEHOLD_COLUMNS.len() {
        return Err(column_count(record.len(), HOUSEHOLD_COLUMNS.len()));
    }
    let village = RegionCode::parse(c.text(1))
        .and_then(|code| {
            regions
                .get(&code)
                .map(|r| r.code.clone())
                .ok_or(crate::region::RegionCodeError::Unknown(code.to_string()))
        })
        .map_err(|e| FieldError::new("village_code", &e))?;
    if village.level() != RegionLevel::Village {
        return Err(FieldError::plain(
            "village_code",
            format!("{village} bukan kode desa/kelurahan (mis. 35.23.01.2001)"),
            format!("{village} is not a village code (e.g. 35.23.01.2001)"),
        ));
    }
    let location = match (c.opt_f64(6)?, c.opt_f64(7)?) {
        (Some(latitude), Some(longitude))
            if (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude) =>
        {
            Some(GeoPoint {
                latitude,
                longitude,
            })
        }
        (None, None) => None,
        _ => {
            return Err(FieldError::plain(
                "latitude",
                "lintang dan bujur harus diisi keduanya, dalam derajat yang sah".into(),
                "latitude and longitude must both be given, as valid degrees".into(),
            ));
        }
    };
    let desil = match c.text(50) {
        "" => None,
        t => match t.parse::<u8>() {
            Ok(d) if (1..=10).contains(&d) => Some(d),
            _ => {
                return Err(FieldError::plain(
                    "desil",
                    format!("'{t}' harus 1 sampai 10"),
                    format!("'{t}' must be 1 to 10"),
                ));
            }
        },
    };
    let programmes = c
        .text(51)
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            {
                Ok(p.to_string())
            } else {
                Err(FieldError::plain(
                    "programmes",
                    format!("kode program '{p}' hanya boleh huruf besar, angka dan '-'"),
                    format!("programme code '{p}' may only hold capitals, digits and '-'"),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Household {
        id: c.id(0)?,
        address: Address {
            village,
            rt: c.text(2).to_string(),
            rw: c.text(3).to_string(),
            street: c.text(4).to_string(),
            sls_name: c.text(5).to_string(),
            location,
        },
        housing: Housing {
            building_tenure: c.code(8)?,
            land_tenure: c.code(9)?,
            floor_area_m2: c.count(10)?,
            floor_material: c.code(11)?,
            wall_material: c.code(12)?,
            wall_condition: c.code(13)?,
            roof_material: c.code(14)?,
            roof_condition: c.code(15)?,
            rooms: c.count(16)?,
            water_source: c.code(17)?,
            water_acquisition: c.code(18)?,
            lighting: c.code(19)?,
            installed_power: c.opt_code(20)?,
            cooking_fuel: c.code(21)?,
            toilet: c.code(22)?,
            sewage: c.opt_code(23)?,
        },
        assets: Assets {
            gas_cylinder_5kg: c.flag(24)?,
            fridge: c.flag(25)?,
            air_conditioner: c.flag(26)?,
            water_heater: c.flag(27)?,
            phone: c.flag(28)?,
            television: c.flag(29)?,
            gold_10g: c.flag(30)?,
            laptop: c.flag(31)?,
            bicycle: c.flag(32)?,
            motorbike: c.flag(33)?,
            car: c.flag(34)?,
            boat: c.flag(35)?,
            outboard_motor: c.flag(36)?,
            motorboat: c.flag(37)?,
            ship: c.flag(38)?,
            land_m2: c.count(39)?,
            other_house: c.flag(40)?,
            cattle: c.count(41)?,
            buffalo: c.count(42)?,
            horses: c.count(43)?,
            pigs: c.count(44)?,
            goats: c.count(45)?,
            business: c.flag(46)?,
        },
        evidence: Vec::new(),
        status: c.status(47)?,
        welfare_score: c.opt_f64(49)?,
        desil,
        programmes,
        last_verified: c.opt_date(52)?,
    })
}

fn column_count(found: usize, expected: usize) -> FieldError {
    FieldError::plain(
        "(baris)",
        format!("baris berisi {found} kolom, seharusnya {expected}"),
        format!("row has {found} columns, expected {expected}"),
    )
}

/// Writes a person as one row of [`PERSON_COLUMNS`].
pub fn person_row(p: &Person) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.household_id.to_string(),
        p.nik.raw(),
        p.no_kk.raw(),
        p.family_no.to_string(),
        p.full_name.clone(),
        code(p.sex),
        p.birth_place.clone(),
        p.birth_date.to_string(),
        code(p.relation_to_head),
        code(p.relation_to_family_head),
        code(p.marital_status),
        p.mother_name.clone(),
        flag(p.pregnant),
        opt(p.disability),
        opt(p.disability_severity),
        opt(p.chronic_illness),
        code(p.school_participation),
        opt(p.education),
        opt(p.work_status),
        opt(p.occupation_sector),
        code(p.presence),
        code(p.dukcapil),
        opt(p.pmks),
        p.status.key().to_string(),
        opt(p.status.reason()),
    ]
}

/// Reads one row of [`PERSON_COLUMNS`]. A malformed NIK or No KK is kept as recorded (verivali
/// reports it); one a spreadsheet wrote as a number is refused, since its digits are already lost.
pub fn person_from_row(record: &csv::StringRecord) -> Result<Person, FieldError> {
    let c = Cells {
        record,
        columns: PERSON_COLUMNS,
    };
    if record.len() != PERSON_COLUMNS.len() {
        return Err(column_count(record.len(), PERSON_COLUMNS.len()));
    }
    let nik = Recorded::nik(c.text(2)).map_err(|e| FieldError::new("nik", &e))?;
    let no_kk = Recorded::no_kk(c.text(3)).map_err(|e| FieldError::new("no_kk", &e))?;
    Ok(Person {
        id: c.id(0)?,
        household_id: c.id(1)?,
        nik,
        no_kk,
        family_no: c.count(4)?,
        full_name: c.text(5).to_string(),
        sex: c.code(6)?,
        birth_place: c.text(7).to_string(),
        birth_date: c.date(8)?,
        relation_to_head: c.code(9)?,
        relation_to_family_head: c.code(10)?,
        marital_status: c.code(11)?,
        mother_name: c.text(12).to_string(),
        pregnant: c.flag(13)?,
        disability: c.opt_code(14)?,
        disability_severity: c.opt_code(15)?,
        chronic_illness: c.opt_code(16)?,
        school_participation: c.code(17)?,
        education: c.opt_code(18)?,
        work_status: c.opt_code(19)?,
        occupation_sector: c.opt_code(20)?,
        presence: c.code(21)?,
        dukcapil: c.code(22)?,
        pmks: c.opt_code(23)?,
        status: c.status(24)?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::identity::{Nik, NoKk};

    pub(crate) fn sample_household() -> Household {
        Household {
            id: HouseholdId::new(),
            address: Address {
                village: RegionCode::parse("35.23.01.2001").unwrap(),
                rt: "001".into(),
                rw: "002".into(),
                street: "Jl. Pahlawan, \"Gang 3\"".into(),
                sls_name: "Dusun Krajan".into(),
                location: Some(GeoPoint {
                    latitude: -6.9,
                    longitude: 112.05,
                }),
            },
            housing: Housing {
                building_tenure: BuildingTenure::Own,
                land_tenure: LandTenure::Own,
                floor_area_m2: 36,
                floor_material: FloorMaterial::Earth,
                wall_material: WallMaterial::Bamboo,
                wall_condition: Condition::Poor,
                roof_material: RoofMaterial::ClayTile,
                roof_condition: Condition::Good,
                rooms: 2,
                water_source: WaterSource::UnprotectedWell,
                water_acquisition: WaterAcquisition::Free,
                lighting: LightingSource::PlnMetered,
                installed_power: Some(InstalledPower::Va450),
                cooking_fuel: CookingFuel::Firewood,
                toilet: ToiletFacility::None,
                sewage: None,
            },
            assets: Assets {
                phone: true,
                goats: 2,
                ..Assets::default()
            },
            evidence: Vec::new(),
            status: RegistryStatus::Inactive(InactiveReason::Moved),
            welfare_score: Some(12.5),
            desil: Some(1),
            programmes: vec!["PKH".into(), "PBI-JK".into()],
            last_verified: NaiveDate::from_ymd_opt(2026, 1, 15),
        }
    }

    pub(crate) fn sample_person(household: HouseholdId) -> Person {
        Person {
            id: PersonId::new(),
            household_id: household,
            nik: Recorded::Valid(Nik::parse("3523011203850001").unwrap()),
            no_kk: Recorded::Valid(NoKk::parse("3523011203150004").unwrap()),
            family_no: 1,
            full_name: "Sutrisno".into(),
            sex: Sex::Male,
            birth_place: "Tuban".into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 3, 12).unwrap(),
            relation_to_head: Relation::Head,
            relation_to_family_head: Relation::Head,
            marital_status: MaritalStatus::Married,
            mother_name: "Sumiati".into(),
            pregnant: false,
            disability: None,
            disability_severity: None,
            chronic_illness: Some(ChronicIllness::Asthma),
            school_participation: SchoolParticipation::Left,
            education: Some(Education::Primary),
            work_status: Some(WorkStatus::Working),
            occupation_sector: Some(OccupationSector::FoodCrops),
            presence: Presence::LivesHere,
            dukcapil: DukcapilStatus::Unchecked,
            pmks: None,
            status: RegistryStatus::Active,
        }
    }

    fn record(cells: Vec<String>) -> csv::StringRecord {
        csv::StringRecord::from(cells)
    }

    #[test]
    fn household_round_trips() {
        let h = sample_household();
        let back = household_from_row(&record(household_row(&h)), Regions::embedded()).unwrap();
        assert_eq!(back, h);
        assert_eq!(household_row(&h).len(), HOUSEHOLD_COLUMNS.len());
    }

    #[test]
    fn person_round_trips_including_invalid_nik() {
        let mut p = sample_person(HouseholdId::new());
        assert_eq!(person_from_row(&record(person_row(&p))).unwrap(), p);
        p.nik = Recorded::nik("3523011213850001").unwrap();
        assert_eq!(person_from_row(&record(person_row(&p))).unwrap(), p);
        assert_eq!(person_row(&p).len(), PERSON_COLUMNS.len());
    }

    #[test]
    fn bad_cells_name_column_and_reason() {
        let h = sample_household();
        let mut row = household_row(&h);
        row[1] = "35.99.01.2001".into();
        let e = household_from_row(&record(row), Regions::embedded()).unwrap_err();
        assert_eq!(e.column, "village_code");
        assert!(e.reason.contains("tidak dikenal"));

        let mut row = household_row(&h);
        row[1] = "35.23".into();
        let e = household_from_row(&record(row), Regions::embedded()).unwrap_err();
        assert_eq!(e.column, "village_code");

        let mut row = household_row(&h);
        row[11] = "42".into();
        let e = household_from_row(&record(row), Regions::embedded()).unwrap_err();
        assert_eq!(e.column, "floor_material");

        let mut row = household_row(&h);
        row.pop();
        let e = household_from_row(&record(row), Regions::embedded()).unwrap_err();
        assert!(e.reason.contains("52 kolom, seharusnya 53"));

        let mut row = person_row(&sample_person(h.id));
        row[2] = "3.52301E+15".into();
        let e = person_from_row(&record(row)).unwrap_err();
        assert_eq!(e.column, "nik");
        assert!(e.reason.contains("sebagai teks"));

        let mut row = person_row(&sample_person(h.id));
        row[8] = "12/03/1985".into();
        assert_eq!(
            person_from_row(&record(row)).unwrap_err().column,
            "birth_date"
        );
    }

    #[test]
    fn every_column_has_an_indonesian_label() {
        for c in HOUSEHOLD_COLUMNS.iter().chain(PERSON_COLUMNS) {
            assert!(!column_label(c).is_empty(), "{c}");
        }
    }

    #[test]
    fn header_mismatch_names_first_difference() {
        let mut cols: Vec<&str> = PERSON_COLUMNS.to_vec();
        assert!(check_header(PERSON_COLUMNS, &csv::StringRecord::from(cols.clone())).is_ok());
        cols.swap(2, 3);
        let e = check_header(PERSON_COLUMNS, &csv::StringRecord::from(cols)).unwrap_err();
        assert!(
            e.indonesian().contains("kolom ke-3 berisi 'no_kk'"),
            "{}",
            e
        );
    }

    proptest::proptest! {
        /// A row gives back exactly the cells it was made of, whatever they hold (empty cells,
        /// multi-byte text), and a window of it the cells it covers, empty past the end.
        #[test]
        fn a_text_row_gives_back_its_cells(
            cells in proptest::collection::vec("[a-zé 0-9\u{1F600}]{0,6}", 0..12),
            first in 0usize..14,
            width in 0usize..6,
        ) {
            let row = TextRow::new(&cells);
            proptest::prop_assert_eq!(row.len(), cells.len());
            proptest::prop_assert_eq!(row.to_vec(), cells.clone());
            proptest::prop_assert_eq!(row.is_blank(), cells.iter().all(String::is_empty));
            proptest::prop_assert_eq!(row.get(cells.len()), "");
            let window = row.window(first, width);
            let expected: Vec<String> = (first..first + width)
                .map(|i| cells.get(i).cloned().unwrap_or_default())
                .collect();
            proptest::prop_assert_eq!(window.to_vec(), expected);
        }
    }
}
