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
use siks_domain::{Household, HouseholdId, Person, Regions};

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
    let mut options: Vec<(String, String)> = column_choices(column)
        .unwrap_or_default()
        .into_iter()
        .map(|(code, label)| {
            let label = crate::lang::t(&label).to_string();
            (code, label)
        })
        .collect();
    if value.is_empty() && options.first().is_some_and(|(v, _)| !v.is_empty()) {
        // Nothing chosen yet: the operator must choose, not accept a default.
        options.insert(0, (String::new(), crate::lang::t("— pilih —").to_string()));
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
        label: crate::lang::t(column_label(column)),
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
            crate::lang::t("Alamat"),
            "",
            &split("village_code", "longitude"),
            values,
            errors,
        ),
        section(
            "perumahan",
            crate::lang::t("Perumahan"),
            "",
            &split("building_tenure", "sewage"),
            values,
            errors,
        ),
        section(
            "aset",
            crate::lang::t("Aset"),
            "",
            &split("gas_cylinder_5kg", "business"),
            values,
            errors,
        ),
    ]
}

/// The section of member slot `i` (field names `m{i}.column`); `title` in the request's language.
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

pub use siks_domain::entry::{CHOOSE_ON_NEW, blank_household, blank_person};

/// The values of an empty member slot: no name, no numbers, sex and marital status unchosen.
pub fn blank_person_values(i: usize, relation: Relation) -> Values {
    let mut values = person_values(i, &blank_person(HouseholdId::new(), relation));
    for c in siks_domain::entry::FILL_ON_NEW {
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

/// Parses a row through `parse`, every bad cell reported under `prefix` in the request's
/// language (see [`siks_domain::entry::parse_every_cell`]).
fn parse_all<T>(
    columns: &[&str],
    prefix: &str,
    row: Vec<String>,
    base: Vec<String>,
    parse: impl Fn(&csv::StringRecord) -> Result<T, siks_domain::interchange::FieldError>,
    errors: &mut Errors,
) -> Option<T> {
    match siks_domain::entry::parse_every_cell(columns, row, &base, parse) {
        Ok(value) => Some(value),
        Err(bad) => {
            let english = crate::lang::current() == crate::lang::Lang::English;
            errors.extend(bad.into_iter().map(|e| {
                let reason = if english { e.reason_en } else { e.reason };
                (format!("{prefix}{}", e.column), reason)
            }));
            None
        }
    }
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
    let reported: Vec<&str> = ["nik", "no_kk"]
        .into_iter()
        .filter(|c| {
            errors[before..]
                .iter()
                .any(|(f, _)| *f == format!("{prefix}{c}"))
        })
        .collect();
    let mut person = parsed;
    if let Some(p) = person.as_mut() {
        p.relation_to_family_head = p.relation_to_head;
    }
    for (column, reason) in member_problems(
        &raw("nik"),
        &raw("no_kk"),
        &raw("full_name"),
        person.as_ref(),
        &reported,
    ) {
        errors.push((format!("{prefix}{column}"), reason));
    }
    person.filter(|_| errors.len() == before)
}

/// [`siks_domain::entry::new_member_problems`] in the request's language. The domain says them in
/// Indonesian only; in English the same checks are said again from their own bilingual messages,
/// and kept only when they name the same fields in the same order (else the domain's words).
fn member_problems(
    nik: &str,
    no_kk: &str,
    full_name: &str,
    person: Option<&Person>,
    reported: &[&str],
) -> Vec<(&'static str, String)> {
    use siks_domain::{Nik, NoKk, Recorded};
    let problems = siks_domain::entry::new_member_problems(nik, no_kk, full_name, person, reported);
    if crate::lang::current() != crate::lang::Lang::English {
        return problems;
    }
    let mut english: Vec<(&'static str, String)> = Vec::new();
    if !reported.contains(&"nik")
        && let Err(e) = Nik::parse(nik.trim())
    {
        english.push(("nik", crate::lang::say(&e)));
    }
    if !reported.contains(&"no_kk")
        && let Err(e) = NoKk::parse(no_kk.trim())
    {
        english.push(("no_kk", crate::lang::say(&e)));
    }
    if full_name.trim().is_empty() {
        english.push((
            "full_name",
            crate::lang::t("nama lengkap wajib diisi").to_string(),
        ));
    }
    if let Some(p) = person
        && let Recorded::Valid(n) = &p.nik
    {
        english.extend(
            n.disagreements(p.sex, Some(p.birth_date))
                .iter()
                .map(|d| ("nik", crate::lang::say(d))),
        );
    }
    let same = english
        .iter()
        .map(|(c, _)| *c)
        .eq(problems.iter().map(|(c, _)| *c));
    if same { english } else { problems }
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
    use siks_domain::RegionCode;

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
