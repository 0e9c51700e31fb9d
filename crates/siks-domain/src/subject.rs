//! The data subject's report (UU 27/2022 Pasal 32–33): a person's own data as the register
//! holds it, field by field in words, and the other members of the household as the person
//! may see them: name and relation only, their identity numbers, mother's name and health
//! (specific data, Pasal 4(2)) left out.

use crate::interchange::{PERSON_COLUMNS, column_choices, column_label, person_row};
use crate::record::Person;

/// Columns the report never shows: the register's internal ids.
const INTERNAL: &[&str] = &["id", "household_id"];

/// A person's fields as (label, value in words), in the register's column order.
pub fn person_fields(person: &Person) -> Vec<(&'static str, String)> {
    PERSON_COLUMNS
        .iter()
        .zip(person_row(person))
        .filter(|(column, _)| !INTERNAL.contains(column))
        .map(|(column, value)| (column_label(column), in_words(column, value)))
        .collect()
}

/// A coded value as its label (`2` → `Perempuan`), a flag as ya/tidak, the status as its
/// word; other text as it is.
fn in_words(column: &str, value: String) -> String {
    let coded_as = match column {
        "relation_to_family_head" => "relation_to_head",
        other => other,
    };
    if column == "status" {
        return match value.as_str() {
            "proposed" => "Usulan".into(),
            "active" => "Aktif".into(),
            "inactive" => "Nonaktif".into(),
            _ => value,
        };
    }
    if column == "dukcapil" {
        use crate::codes::Coded;
        return crate::codes::DukcapilStatus::from_code(value.parse().unwrap_or(u8::MAX))
            .map_or(value, |d| d.label().to_string());
    }
    if let Some(choices) = column_choices(coded_as) {
        return choices
            .into_iter()
            .find(|(code, _)| *code == value)
            .map(|(_, label)| label)
            .unwrap_or(value);
    }
    match (column, value.as_str()) {
        ("pregnant", "1") => "ya".into(),
        ("pregnant", "0") => "tidak".into(),
        _ => value,
    }
}

/// Another member of the subject's household, as the subject's report shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoMember {
    pub name: String,
    pub relation: &'static str,
}

/// `other` as the subject may see them (Pasal 33): name and relation to the head only.
pub fn co_member(other: &Person) -> CoMember {
    CoMember {
        name: other.full_name.clone(),
        relation: other.relation_to_head.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::tests::{sample_household, sample_person};

    #[test]
    fn the_subject_sees_all_of_their_own_and_only_names_of_the_others() {
        let household = sample_household();
        let person = sample_person(household.id);
        let fields = person_fields(&person);
        let value = |label: &str| {
            fields
                .iter()
                .find(|(l, _)| *l == label)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(value(column_label("nik")), person.nik.raw());
        assert_eq!(value(column_label("mother_name")), person.mother_name);
        assert_eq!(value(column_label("sex")), person.sex.label());
        assert!(fields.iter().all(|(l, _)| *l != "Id"), "no internal id");
        let other = co_member(&person);
        assert_eq!(other.name, person.full_name);
        let shown = format!("{other:?}");
        assert!(!shown.contains(&person.nik.raw()) && !shown.contains(&person.mother_name));
    }
}
