//! New records as an operator enters them, on a form or in an uploaded sheet: the blank
//! household and member every cell of which is valid (the entered cells are written over them),
//! the household fields that must be chosen rather than defaulted, every bad cell of a row at
//! once, and the checks new data passes beyond what an import of legacy data passes (well-formed
//! NIK and No KK that agree with the person, a name). One place, so a form and a template cannot
//! disagree about what a new household needs.

use crate::codes::*;
use crate::interchange::FieldError;
use crate::record::{Address, Assets, Housing};
use crate::{Bilingual, Household, HouseholdId, Nik, NoKk, Person, PersonId, Recorded, RegionCode};

/// The key of the column that ties a new household's members to it in an uploaded
/// `rumah-tangga-baru` template, and its header.
pub const HOUSEHOLD_NO: (&str, &str) = ("household_no", "No. ruta");

/// A household in `village` every field of which is valid; the entry writes over it.
pub fn blank_household(village: RegionCode) -> Household {
    blank_household_as(HouseholdId::new(), village)
}

/// [`blank_household`] with a known id: a reader that fills a household from a stored row
/// needs no fresh id (drawing one is a system call, a million times over a register).
pub fn blank_household_as(id: HouseholdId, village: RegionCode) -> Household {
    Household {
        id,
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
        status: crate::RegistryStatus::Proposed,
        welfare_score: None,
        desil: None,
        programmes: Vec::new(),
        last_verified: None,
    }
}

/// Well-formed stand-ins for the identity numbers of a blank member: they only fill cells while
/// the other cells of an entered row are checked, and are never shown or stored.
const STAND_IN_NUMBER: &str = "3101011001010001";

/// A member every field of which is valid; its name and numbers are stand-ins the entry must
/// replace (the entry checks see to it).
pub fn blank_person(household: HouseholdId, relation: Relation) -> Person {
    blank_person_as(PersonId::new(), household, relation)
}

/// [`blank_person`] with a known id, as [`blank_household_as`].
pub fn blank_person_as(id: PersonId, household: HouseholdId, relation: Relation) -> Person {
    // Parsed once: a stand-in is the same for every member.
    static STAND_INS: std::sync::LazyLock<(Recorded<Nik>, Recorded<NoKk>)> =
        std::sync::LazyLock::new(|| {
            let nik = Recorded::nik(STAND_IN_NUMBER).unwrap_or_else(|error| Recorded::Invalid {
                raw: String::new(),
                error,
            });
            let no_kk =
                Recorded::no_kk(STAND_IN_NUMBER).unwrap_or_else(|error| Recorded::Invalid {
                    raw: String::new(),
                    error,
                });
            (nik, no_kk)
        });
    Person {
        id,
        household_id: household,
        nik: STAND_INS.0.clone(),
        no_kk: STAND_INS.1.clone(),
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
        status: crate::RegistryStatus::Proposed,
    }
}

/// Household fields a new entry leaves empty until chosen, so that none is defaulted.
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

/// Member cells a new entry must fill itself (the blank member's stand-ins are not data).
pub const FILL_ON_NEW: &[&str] = &[
    "nik",
    "no_kk",
    "full_name",
    "birth_date",
    "sex",
    "marital_status",
];

/// Parses a row of `columns` through `parse`, collecting every bad cell: a bad cell is reported,
/// replaced by the base row's value, and the row parsed again, until it parses. `Err` holds
/// every bad cell, in column order of discovery.
pub fn parse_every_cell<T>(
    columns: &[&str],
    mut row: Vec<String>,
    base: &[String],
    parse: impl Fn(&csv::StringRecord) -> Result<T, FieldError>,
) -> Result<T, Vec<FieldError>> {
    let mut errors = Vec::new();
    for _ in 0..=columns.len() {
        match parse(&csv::StringRecord::from(row.clone())) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(errors),
            Err(e) => {
                let at = columns.iter().position(|c| *c == e.column);
                errors.push(e);
                match (at, base.get(at.unwrap_or(usize::MAX))) {
                    (Some(i), Some(b)) if row[i] != *b => row[i] = b.clone(),
                    _ => return Err(errors),
                }
            }
        }
    }
    Err(errors)
}

/// What a new member needs beyond what the parser checks: a NIK and a No KK that are
/// well-formed (the parser keeps malformed legacy numbers as recorded), a name, and a NIK that
/// agrees with the sex and birth date. `nik`, `no_kk` and `full_name` are the cells as entered;
/// `person` the parsed member, when the row parsed; columns in `reported` already have a problem
/// and get no second one. Each problem is (column, reason in Indonesian).
pub fn new_member_problems(
    nik: &str,
    no_kk: &str,
    full_name: &str,
    person: Option<&Person>,
    reported: &[&str],
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !reported.contains(&"nik")
        && let Err(e) = Nik::parse(nik.trim())
    {
        problems.push(("nik", e.indonesian()));
    }
    if !reported.contains(&"no_kk")
        && let Err(e) = NoKk::parse(no_kk.trim())
    {
        problems.push(("no_kk", e.indonesian()));
    }
    problems.extend(name_problem(full_name));
    if let Some(p) = person {
        problems.extend(nik_disagreements(p));
    }
    problems
}

/// The same checks for a member that arrives parsed, as a JSON body does: the NIK and No KK as
/// recorded (a malformed one kept as `Recorded::Invalid` is refused here), a name, and a NIK
/// that agrees with the sex and birth date. Each problem is (field, reason in Indonesian).
pub fn parsed_member_problems(person: &Person) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    match &person.nik {
        Recorded::Invalid { error, .. } => problems.push(("nik", error.indonesian())),
        Recorded::Valid(_) => problems.extend(nik_disagreements(person)),
    }
    if let Recorded::Invalid { error, .. } = &person.no_kk {
        problems.push(("no_kk", error.indonesian()));
    }
    problems.extend(name_problem(&person.full_name));
    problems
}

/// A new member needs a name.
fn name_problem(full_name: &str) -> Option<(&'static str, String)> {
    full_name
        .trim()
        .is_empty()
        .then(|| ("full_name", "nama lengkap wajib diisi".to_string()))
}

/// Where a valid NIK disagrees with the member's sex or birth date.
fn nik_disagreements(person: &Person) -> Vec<(&'static str, String)> {
    match &person.nik {
        Recorded::Valid(nik) => nik
            .disagreements(person.sex, Some(person.birth_date))
            .into_iter()
            .map(|d| ("nik", d.indonesian()))
            .collect(),
        Recorded::Invalid { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::{
        HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_from_row, household_row, person_from_row,
        person_row,
    };

    fn village() -> RegionCode {
        RegionCode::parse("35.23.01.2001").unwrap()
    }

    #[test]
    fn blanks_are_valid_records() {
        let h = blank_household(village());
        let row = household_row(&h);
        let back =
            household_from_row(&csv::StringRecord::from(row), crate::Regions::embedded()).unwrap();
        assert_eq!(back, h);
        let p = blank_person(h.id, Relation::Head);
        let back = person_from_row(&csv::StringRecord::from(person_row(&p))).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn every_bad_cell_is_reported() {
        let base = person_row(&blank_person(HouseholdId::new(), Relation::Head));
        let mut row = base.clone();
        let at = |c: &str| PERSON_COLUMNS.iter().position(|x| *x == c).unwrap();
        row[at("sex")] = "9".into();
        row[at("birth_date")] = "31-02-1990".into();
        row[at("education")] = "zz".into();
        let errors = parse_every_cell(PERSON_COLUMNS, row, &base, person_from_row).unwrap_err();
        let mut columns: Vec<&str> = errors.iter().map(|e| e.column).collect();
        columns.sort();
        assert_eq!(columns, ["birth_date", "education", "sex"]);
        assert!(parse_every_cell(PERSON_COLUMNS, base.clone(), &base, person_from_row).is_ok());
    }

    #[test]
    fn a_bad_cell_equal_to_the_base_stops_rather_than_loops() {
        let mut base = household_row(&blank_household(village()));
        let at = HOUSEHOLD_COLUMNS
            .iter()
            .position(|c| *c == "rooms")
            .unwrap();
        base[at] = "x".into();
        let errors = parse_every_cell(HOUSEHOLD_COLUMNS, base.clone(), &base, |r| {
            household_from_row(r, crate::Regions::embedded())
        })
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, "rooms");
    }

    #[test]
    fn new_members_need_numbers_a_name_and_agreement() {
        let problems = new_member_problems("123", "", " ", None, &[]);
        let columns: Vec<&str> = problems.iter().map(|(c, _)| *c).collect();
        assert_eq!(columns, ["nik", "no_kk", "full_name"]);
        assert!(new_member_problems("123", "", "x", None, &["nik", "no_kk"]).is_empty());
        // The stand-in NIK says a man (day of birth under 40); the member is a woman.
        let mut p = blank_person(HouseholdId::new(), Relation::Head);
        p.sex = Sex::Female;
        let problems = new_member_problems(
            "3101011001010001",
            "3101011001010001",
            "Siti",
            Some(&p),
            &[],
        );
        assert!(problems.iter().any(|(c, _)| *c == "nik"), "{problems:?}");
    }

    #[test]
    fn parsed_members_are_held_to_the_same_rules() {
        // A named man born on the day the stand-in NIK says passes; a woman under that (male)
        // NIK, a malformed No KK and an empty name each get their problem, in the order the
        // API reports them.
        let mut p = blank_person(HouseholdId::new(), Relation::Head);
        p.full_name = "Budi".into();
        p.sex = Sex::Male;
        p.birth_date = chrono::NaiveDate::from_ymd_opt(2001, 1, 10).unwrap();
        assert!(
            parsed_member_problems(&p).is_empty(),
            "{:?}",
            parsed_member_problems(&p)
        );
        p.sex = Sex::Female;
        p.no_kk = Recorded::Invalid {
            raw: "12".into(),
            error: NoKk::parse("12").unwrap_err(),
        };
        p.full_name = " ".into();
        let columns: Vec<&str> = parsed_member_problems(&p).iter().map(|(c, _)| *c).collect();
        assert_eq!(columns, ["nik", "no_kk", "full_name"]);
        p.nik = Recorded::Invalid {
            raw: "1".into(),
            error: Nik::parse("1").unwrap_err(),
        };
        let problems = parsed_member_problems(&p);
        assert_eq!(
            problems[0],
            ("nik", Nik::parse("1").unwrap_err().indonesian())
        );
    }

    #[test]
    fn the_system_fields_are_named_when_an_entry_sets_them() {
        let village = RegionCode::parse("35.23.01.2001").unwrap();
        let base = blank_household(village);
        let mut granted = base.clone();
        granted.programmes = vec!["PKH".into()];
        assert_eq!(
            household_system_field_changed(&base, &granted),
            Some(SystemField("programmes"))
        );
        let mut active = base.clone();
        active.status = crate::RegistryStatus::Active;
        assert_eq!(
            household_system_field_changed(&base, &active),
            Some(SystemField("status"))
        );
        let mut ranked = base.clone();
        ranked.desil = Some(1);
        assert_eq!(
            household_system_field_changed(&base, &ranked),
            Some(SystemField("desil"))
        );
        // A photo is not one: a correction may carry an uploaded photo.
        let mut photo = base.clone();
        photo.evidence.push(crate::record::Evidence {
            kind: *<crate::record::EvidenceKind as crate::Coded>::ALL
                .first()
                .unwrap(),
            sha256: "ab".into(),
            content_type: "image/png".into(),
            taken_on: None,
        });
        assert_eq!(household_system_field_changed(&base, &photo), None);
        let person = blank_person(base.id, Relation::Head);
        let mut gone = person.clone();
        gone.status = crate::RegistryStatus::Inactive(InactiveReason::Died);
        assert_eq!(
            person_system_field_changed(&person, &gone),
            Some(SystemField("status"))
        );
        assert!(SystemField("status").indonesian().contains("status"));
    }
}

/// A field of the record that only the system sets (the period close, the ranking, the
/// verification), which an entry or a correction tried to set: its name as a client sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemField(pub &'static str);

/// The fields of a household a client body may never carry, as a JSON body names them: the
/// five only the system sets, and the evidence photos, which come by their own upload.
pub const HOUSEHOLD_SYSTEM_FIELDS: [&str; 6] = [
    "status",
    "welfare_score",
    "desil",
    "programmes",
    "last_verified",
    "evidence",
];

/// The fields of a member a client may never set.
pub const PERSON_SYSTEM_FIELDS: [&str; 1] = ["status"];

impl Bilingual for SystemField {
    fn indonesian(&self) -> String {
        format!(
            "kolom {} tidak dapat diisi atau diubah: hanya penetapan periode (atau pemeringkatan dan verifikasi) yang mengaturnya",
            self.0
        )
    }

    fn english(&self) -> String {
        format!(
            "field {} cannot be set: only the period close (or the ranking and verification) sets it",
            self.0
        )
    }
}

/// The first system field in which `proposed` differs from `base` (the record as registered,
/// or a blank one for a new household): an entry keeps them all as they are. The evidence
/// photos are not among them: a correction may carry a photo kept by the photo upload (the
/// store checks that it was).
pub fn household_system_field_changed(
    base: &Household,
    proposed: &Household,
) -> Option<SystemField> {
    let changed = [
        base.status != proposed.status,
        base.welfare_score != proposed.welfare_score,
        base.desil != proposed.desil,
        base.programmes != proposed.programmes,
        base.last_verified != proposed.last_verified,
    ];
    HOUSEHOLD_SYSTEM_FIELDS
        .iter()
        .zip(changed)
        .find(|(_, c)| *c)
        .map(|(f, _)| SystemField(f))
}

/// [`household_system_field_changed`] for a member.
pub fn person_system_field_changed(base: &Person, proposed: &Person) -> Option<SystemField> {
    (base.status != proposed.status).then_some(SystemField(PERSON_SYSTEM_FIELDS[0]))
}
