//! The household and member forms: which fields they show (with Indonesian labels and the coded
//! values as choices) and how the posted values become domain records. Field names are the
//! interchange columns, and parsing goes through the interchange parser, so the forms check
//! exactly what an import checks; on top of that, new entries must carry well-formed NIK and
//! No KK that agree with the person.

use std::collections::HashMap;

use siks_domain::codes::*;
use siks_domain::interchange::{
    FLAG_COLUMNS, HOUSEHOLD_COLUMNS, HOUSEHOLD_SERVER_COLUMNS, NUMBER_COLUMNS, PERSON_COLUMNS,
    PERSON_SERVER_COLUMNS, column_choices, column_label, household_from_row, household_row,
    person_from_row, person_row,
};
use siks_domain::record::{Address, Assets, Housing};
use siks_domain::{
    Bilingual, Household, HouseholdId, Person, PersonId, Recorded, RegionCode, Regions,
};

/// Posted or initial values by field name.
pub type Values = HashMap<String, String>;
/// Messages by field name.
pub type Errors = Vec<(String, String)>;

/// One form field as the template draws it.
pub struct Field {
    pub name: String,
    pub label: &'static str,
    /// `text`, `number`, `date`, `select` or `check`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
}

/// A titled group of fields.
pub struct Section {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
}

fn field(prefix: &str, column: &'static str, values: &Values, errors: &Errors) -> Field {
    let name = format!("{prefix}{column}");
    let value = values.get(&name).cloned().unwrap_or_default();
    let mut options = column_choices(column).unwrap_or_default();
    if value.is_empty() && options.first().is_some_and(|(v, _)| !v.is_empty()) {
        // Nothing chosen yet: the operator must choose, not accept a default.
        options.insert(0, (String::new(), "— pilih —".to_string()));
    }
    let kind = if FLAG_COLUMNS.contains(&column) {
        "check"
    } else if NUMBER_COLUMNS.contains(&column) {
        "number"
    } else if column == "birth_date" {
        "date"
    } else if !options.is_empty() {
        "select"
    } else {
        "text"
    };
    Field {
        label: column_label(column),
        kind,
        value,
        options,
        error: errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.clone()),
        name,
    }
}

fn section(
    id: &str,
    title: &str,
    prefix: &str,
    columns: &[&'static str],
    values: &Values,
    errors: &Errors,
) -> Section {
    Section {
        id: id.to_string(),
        title: title.to_string(),
        fields: columns
            .iter()
            .map(|c| field(prefix, c, values, errors))
            .collect(),
    }
}

/// The household's sections: address, housing, assets.
pub fn household_sections(values: &Values, errors: &Errors) -> Vec<Section> {
    let visible: Vec<&'static str> = HOUSEHOLD_COLUMNS
        .iter()
        .copied()
        .filter(|c| !HOUSEHOLD_SERVER_COLUMNS.contains(c))
        .collect();
    let split = |from: &str, to: &str| {
        let a = visible.iter().position(|c| *c == from).unwrap_or(0);
        let b = visible
            .iter()
            .position(|c| *c == to)
            .map(|i| i + 1)
            .unwrap_or(visible.len());
        visible[a..b].to_vec()
    };
    vec![
        section(
            "alamat",
            "Alamat",
            "",
            &split("village_code", "longitude"),
            values,
            errors,
        ),
        section(
            "perumahan",
            "Perumahan",
            "",
            &split("building_tenure", "sewage"),
            values,
            errors,
        ),
        section(
            "aset",
            "Aset",
            "",
            &split("gas_cylinder_5kg", "business"),
            values,
            errors,
        ),
    ]
}

/// The section of member slot `i` (field names `m{i}.column`).
pub fn member_section(i: usize, title: &str, values: &Values, errors: &Errors) -> Section {
    let visible: Vec<&'static str> = PERSON_COLUMNS
        .iter()
        .copied()
        .filter(|c| !PERSON_SERVER_COLUMNS.contains(c))
        .collect();
    section(
        &format!("anggota-{}", i + 1),
        title,
        &format!("m{i}."),
        &visible,
        values,
        errors,
    )
}

/// A household every field of which is valid: the base that hidden fields come from.
pub fn blank_household(village: RegionCode) -> Household {
    Household {
        id: HouseholdId::new(),
        address: Address {
            village,
            rt: String::new(),
            rw: String::new(),
            street: String::new(),
            sls_name: String::new(),
            location: None,
        },
        housing: Housing {
            building_tenure: BuildingTenure::Own,
            land_tenure: LandTenure::Own,
            floor_area_m2: 0,
            floor_material: FloorMaterial::Cement,
            wall_material: WallMaterial::PlasteredBrick,
            wall_condition: Condition::Good,
            roof_material: RoofMaterial::ClayTile,
            roof_condition: Condition::Good,
            rooms: 1,
            water_source: WaterSource::ProtectedWell,
            water_acquisition: WaterAcquisition::Free,
            lighting: LightingSource::PlnMetered,
            installed_power: Some(InstalledPower::Va450),
            cooking_fuel: CookingFuel::Lpg3Kg,
            toilet: ToiletFacility::Own,
            sewage: Some(SewageDisposal::SepticTank),
        },
        assets: Assets::default(),
        evidence: Vec::new(),
        status: siks_domain::RegistryStatus::Proposed,
        welfare_score: None,
        desil: None,
        programmes: Vec::new(),
        last_verified: None,
    }
}

/// Well-formed stand-ins for the identity numbers of a blank member: they only fill cells while
/// the other cells of a posted row are checked, and are never shown or stored.
const STAND_IN_NUMBER: &str = "3101011001010001";

/// A member every field of which is valid; its name and numbers are stand-ins the form must replace.
pub fn blank_person(household: HouseholdId, relation: Relation) -> Person {
    Person {
        id: PersonId::new(),
        household_id: household,
        nik: Recorded::nik(STAND_IN_NUMBER).unwrap_or_else(|e| Recorded::Invalid {
            raw: String::new(),
            error: e,
        }),
        no_kk: Recorded::no_kk(STAND_IN_NUMBER).unwrap_or_else(|e| Recorded::Invalid {
            raw: String::new(),
            error: e,
        }),
        family_no: 1,
        full_name: String::new(),
        sex: Sex::Male,
        birth_place: String::new(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default(),
        relation_to_head: relation,
        relation_to_family_head: relation,
        marital_status: MaritalStatus::Married,
        mother_name: String::new(),
        pregnant: false,
        disability: None,
        disability_severity: None,
        chronic_illness: None,
        school_participation: SchoolParticipation::Left,
        education: None,
        work_status: None,
        occupation_sector: None,
        presence: Presence::LivesHere,
        dukcapil: DukcapilStatus::Unchecked,
        pmks: None,
        status: siks_domain::RegistryStatus::Proposed,
    }
}

/// Household fields a new form leaves empty, so that each is chosen rather than defaulted.
pub const CHOOSE_ON_NEW: &[&str] = &[
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
];

/// The values of an empty member slot: no name, no numbers, sex and marital status unchosen.
pub fn blank_person_values(i: usize, relation: Relation) -> Values {
    let mut values = person_values(i, &blank_person(HouseholdId::new(), relation));
    for c in [
        "nik",
        "no_kk",
        "full_name",
        "birth_date",
        "sex",
        "marital_status",
    ] {
        values.insert(format!("m{i}.{c}"), String::new());
    }
    values
}

/// The form values of a household.
pub fn household_values(h: &Household) -> Values {
    HOUSEHOLD_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .zip(household_row(h))
        .collect()
}

/// The form values of a member in slot `i`.
pub fn person_values(i: usize, p: &Person) -> Values {
    PERSON_COLUMNS
        .iter()
        .map(|c| format!("m{i}.{c}"))
        .zip(person_row(p))
        .collect()
}

/// Parses a row through `parse`, collecting every bad cell: a bad cell is reported, replaced by
/// the base row's value, and the row parsed again, until it parses.
fn parse_all<T>(
    columns: &[&str],
    prefix: &str,
    mut row: Vec<String>,
    base: Vec<String>,
    parse: impl Fn(&csv::StringRecord) -> Result<T, siks_domain::interchange::FieldError>,
    errors: &mut Errors,
) -> Option<T> {
    let start = errors.len();
    for _ in 0..=columns.len() {
        match parse(&csv::StringRecord::from(row.clone())) {
            Ok(value) => return (errors.len() == start).then_some(value),
            Err(e) => {
                let Some(i) = columns.iter().position(|c| *c == e.column) else {
                    errors.push((format!("{prefix}{}", e.column), e.reason));
                    return None;
                };
                errors.push((format!("{prefix}{}", e.column), e.reason));
                row[i] = base[i].clone();
            }
        }
    }
    None
}

fn posted_row(
    columns: &[&str],
    fixed: &[&str],
    prefix: &str,
    values: &Values,
    base: &[String],
) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if fixed.contains(c) {
                base[i].clone()
            } else if FLAG_COLUMNS.contains(c) {
                if values.contains_key(&format!("{prefix}{c}")) {
                    "1"
                } else {
                    "0"
                }
                .to_string()
            } else {
                values
                    .get(&format!("{prefix}{c}"))
                    .cloned()
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// The household from posted values; hidden fields come from `base`.
pub fn parse_household(
    values: &Values,
    base: &Household,
    errors: &mut Errors,
) -> Option<Household> {
    let base_row = household_row(base);
    let row = posted_row(
        HOUSEHOLD_COLUMNS,
        HOUSEHOLD_SERVER_COLUMNS,
        "",
        values,
        &base_row,
    );
    parse_all(
        HOUSEHOLD_COLUMNS,
        "",
        row,
        base_row,
        |r| household_from_row(r, Regions::embedded()),
        errors,
    )
}

/// The member of slot `i` from posted values, with the entry checks of new data.
pub fn parse_person(
    i: usize,
    values: &Values,
    base: &Person,
    errors: &mut Errors,
) -> Option<Person> {
    let prefix = format!("m{i}.");
    let base_row = person_row(base);
    let row = posted_row(
        PERSON_COLUMNS,
        PERSON_SERVER_COLUMNS,
        &prefix,
        values,
        &base_row,
    );
    let before = errors.len();
    let parsed = parse_all(
        PERSON_COLUMNS,
        &prefix,
        row,
        base_row,
        person_from_row,
        errors,
    );
    let raw = |column: &str| {
        values
            .get(&format!("{prefix}{column}"))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    // New entries need well-formed numbers, whether or not the rest of the row parsed (the
    // parser keeps malformed legacy numbers as recorded, and reports only damaged ones).
    let reported = |errors: &Errors, column: &str| {
        errors
            .iter()
            .any(|(f, _)| *f == format!("{prefix}{column}"))
    };
    if !reported(errors, "nik")
        && let Err(e) = siks_domain::Nik::parse(&raw("nik"))
    {
        errors.push((format!("{prefix}nik"), e.indonesian()));
    }
    if !reported(errors, "no_kk")
        && let Err(e) = siks_domain::NoKk::parse(&raw("no_kk"))
    {
        errors.push((format!("{prefix}no_kk"), e.indonesian()));
    }
    if raw("full_name").is_empty() {
        errors.push((
            format!("{prefix}full_name"),
            "nama lengkap wajib diisi".into(),
        ));
    }
    let mut person = parsed?;
    person.relation_to_family_head = person.relation_to_head;
    if let Recorded::Valid(nik) = &person.nik {
        for d in nik.disagreements(person.sex, Some(person.birth_date)) {
            errors.push((format!("{prefix}nik"), d.indonesian()));
        }
    }
    (errors.len() == before).then_some(person)
}

/// Whether member slot `i` was filled in at all.
pub fn slot_used(i: usize, values: &Values) -> bool {
    ["nik", "full_name", "no_kk"].iter().any(|c| {
        values
            .get(&format!("m{i}.{c}"))
            .is_some_and(|v| !v.trim().is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn village() -> RegionCode {
        RegionCode::parse("35.23.01.2001").unwrap()
    }

    #[test]
    fn every_bad_cell_is_reported_at_once() {
        let base = blank_household(village());
        let mut values = household_values(&base);
        values.insert("floor_material".into(), "99".into());
        values.insert("rooms".into(), "banyak".into());
        values.insert("village_code".into(), "35.23.01.9999".into());
        let mut errors = Vec::new();
        assert!(parse_household(&values, &base, &mut errors).is_none());
        let names: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, vec!["village_code", "floor_material", "rooms"]);
    }

    #[test]
    fn a_member_needs_a_valid_nik_that_agrees() {
        let household = HouseholdId::new();
        let base = blank_person(household, Relation::Head);
        let mut values = blank_person_values(0, Relation::Head);
        let mut errors = Vec::new();
        assert!(parse_person(0, &values, &base, &mut errors).is_none());
        let names: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "m0.nik",
                "m0.no_kk",
                "m0.sex",
                "m0.birth_date",
                "m0.marital_status",
                "m0.full_name"
            ],
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(_, m)| m == "jenis kelamin wajib dipilih")
        );
        values.insert("m0.sex".into(), "1".into());
        values.insert("m0.marital_status".into(), "2".into());
        values.insert("m0.full_name".into(), "Sutrisno".into());
        values.insert("m0.nik".into(), "3523015203850001".into());
        values.insert("m0.no_kk".into(), "3523011203150004".into());
        values.insert("m0.birth_date".into(), "1985-03-12".into());
        let mut errors = Vec::new();
        assert!(parse_person(0, &values, &base, &mut errors).is_none());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].1.contains("jenis kelamin"), "{errors:?}");
        values.insert("m0.sex".into(), "2".into());
        let mut errors = Vec::new();
        let p = parse_person(0, &values, &base, &mut errors).unwrap();
        assert_eq!(p.full_name, "Sutrisno");
        assert_eq!(p.household_id, household);
        assert!(errors.is_empty());
        // Checkboxes are present only when ticked.
        values.insert("m0.pregnant".into(), "1".into());
        assert!(
            parse_person(0, &values, &base, &mut Vec::new())
                .unwrap()
                .pregnant
        );
    }

    #[test]
    fn a_malformed_nik_is_reported_even_when_other_cells_are_bad_too() {
        let base = blank_person(HouseholdId::new(), Relation::Head);
        let mut values = blank_person_values(0, Relation::Head);
        values.insert("m0.full_name".into(), "Budi".into());
        values.insert("m0.nik".into(), "123".into());
        let mut errors = Vec::new();
        assert!(parse_person(0, &values, &base, &mut errors).is_none());
        let nik = errors
            .iter()
            .find(|(f, _)| f == "m0.nik")
            .unwrap_or_else(|| panic!("the NIK is reported: {errors:?}"));
        assert!(nik.1.contains("16 digit"), "{nik:?}");
    }

    #[test]
    fn sections_cover_every_visible_column_once() {
        let values = household_values(&blank_household(village()));
        let fields: usize = household_sections(&values, &Vec::new())
            .iter()
            .map(|s| s.fields.len())
            .sum();
        assert_eq!(
            fields,
            HOUSEHOLD_COLUMNS.len() - HOUSEHOLD_SERVER_COLUMNS.len()
        );
        let member = member_section(0, "Anggota 1", &Values::new(), &Vec::new());
        assert_eq!(
            member.fields.len(),
            PERSON_COLUMNS.len() - PERSON_SERVER_COLUMNS.len()
        );
        assert!(member.fields.iter().all(|f| !f.label.is_empty()));
        assert_eq!(
            member
                .fields
                .iter()
                .find(|f| f.name == "m0.sex")
                .unwrap()
                .kind,
            "select"
        );
    }
}
