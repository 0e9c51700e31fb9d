//! Outside lists (deaths, civil servants, other registries) brought in to be matched against the
//! register by the checks. Every check run matches the register's people against the lists in
//! force: exactly on the NIK where the register knows the NIK, and with the linkage engine on
//! name, birth date, sex and place where it is missing or wrong. What matches becomes a finding
//! (deceased, civil servant, excluded, not matching the civil registry).

use std::collections::{HashMap, HashSet};

use siks_domain::Actor;
use siks_domain::checks::FindingKind;
use siks_domain::codes::CivilRegistryStatus;
use siks_domain::lists::{ListKind, ListRow};
use siks_store::findings::{CheckSnapshot, SeenFinding};
use siks_store::{Result, StoreError};

use crate::checks::People;

pub use siks_store::lists::OutsideList;

use crate::Service;

impl Service {
    /// Imports a list of `kind` from `source` (who issued it: "Dukcapil", "BKN", "PLN"). A
    /// snapshot kind replaces the list in force of the same kind and source; death registers add
    /// up. The rows are matched at the next check run, which the caller normally starts at once.
    pub async fn import_list(
        &self,
        actor: &Actor,
        kind: ListKind,
        source: &str,
        file_name: &str,
        rows: Vec<ListRow>,
    ) -> Result<OutsideList> {
        self.store
            .import_list(actor, kind, source, file_name, rows)
            .await
    }

    /// Every imported list, newest first (what they hold stays with the pusat role; this is
    /// only their names and sizes).
    pub async fn outside_lists(&self, actor: &Actor) -> Result<Vec<OutsideList>> {
        self.store.outside_lists(actor).await
    }
}

/// How a list row and a person without a shared NIK are compared: the identity a list carries.
const LIST_LINK: &str = r#"id = "id"
[[column]]
name = "full_name"
kind = "person_name"
[[column]]
name = "birth_date"
kind = "date"
[[column]]
name = "sex"
kind = "categorical"
[[column]]
name = "birth_place"
kind = "address_text"
# A list is small beside the register, so its rows may be compared broadly: everyone born the
# same day of the same sex, and everyone of the same birth year whose name sounds the same
# (a swapped day and month, a missing sex).
[[blocking]]
columns = ["birth_date", "sex"]
[[blocking]]
columns = ["birth_date:year", "full_name:sound"]
"#;

/// The register columns [`LIST_LINK`] reads, in its order (the check run gathers them).
const LINK_COLUMNS: [&str; 4] = ["full_name", "birth_date", "sex", "birth_place"];

/// A NIK found on a list belongs to the register's person only if the name is this alike, or
/// the birth date is the same: a NIK typed on someone else must not make a living person dead.
const SAME_NAME: f64 = 0.85;

/// What matching against the lists found, and how many people the civil registry confirms.
#[derive(Default)]
pub(crate) struct ListOutcome {
    pub seen: Vec<SeenFinding>,
    /// People whose NIK, name and birth date the civil-registry extract confirms (`None`
    /// without an extract in force).
    pub padan: Option<(u64, u64)>,
}

fn kind_of_list(kind: ListKind) -> FindingKind {
    match kind {
        ListKind::Deaths => FindingKind::Deceased,
        ListKind::CivilServants => FindingKind::CivilServant,
        ListKind::Exclusion => FindingKind::Excluded,
        ListKind::CivilRegistry => FindingKind::NotInCivilRegistry,
    }
}

/// Matches the people of the snapshot's region against every list in force. `same_person` is
/// the configuration the people's columns were gathered by.
pub(crate) async fn match_lists(
    snapshot: &mut CheckSnapshot,
    people: &People,
    same_person: &siks_match::Config,
) -> Result<ListOutcome> {
    let mut out = ListOutcome::default();
    let kinds = snapshot.list_kinds_in_force().await?;
    if kinds.is_empty() {
        return Ok(out);
    }
    let index: HashMap<_, usize> = people
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();

    // Exactly on the NIK.
    let hits = snapshot.list_nik_hits().await?;
    let mut confirmed: HashSet<usize> = HashSet::new();
    let mut known_to_registry: HashSet<usize> = HashSet::new();
    for hit in &hits {
        let Some(&i) = index.get(&hit.person) else {
            continue;
        };
        let name_agrees =
            siks_match::name_similarity(&hit.person_name, &hit.listed_name) >= SAME_NAME;
        let (village, household) = people.at[i].clone();
        let mut add = |kind: FindingKind, detail: String| {
            out.seen.push(SeenFinding {
                kind,
                village: village.clone(),
                household,
                person: Some(hit.person),
                other: None,
                fields: "nik".into(),
                detail,
            })
        };
        let from = format!("{} {} baris {}", hit.kind.label(), hit.source, hit.line);
        if hit.kind == ListKind::CivilRegistry {
            known_to_registry.insert(i);
            let same = name_agrees && hit.birth_agrees;
            match hit.status {
                Some(CivilRegistryStatus::Dead) if name_agrees || hit.birth_agrees => add(
                    FindingKind::Deceased,
                    format!("{from}: status Meninggal; cocok NIK"),
                ),
                Some(CivilRegistryStatus::Deactivated) => add(
                    FindingKind::NikDeactivated,
                    format!("{from}: NIK dinonaktifkan"),
                ),
                _ if same => {
                    confirmed.insert(i);
                }
                _ => add(
                    FindingKind::NotInCivilRegistry,
                    format!(
                        "{from}: NIK dikenal Dukcapil, tetapi {} berbeda",
                        match (name_agrees, hit.birth_agrees) {
                            (false, false) => "nama dan tanggal lahir",
                            (false, true) => "nama",
                            _ => "tanggal lahir",
                        }
                    ),
                ),
            }
        } else if name_agrees || hit.birth_agrees {
            add(
                kind_of_list(hit.kind),
                format!("{from}: {}; cocok NIK", hit.note),
            );
        }
    }
    if kinds.contains(&ListKind::CivilRegistry) {
        for (i, valid) in people.nik_valid.iter().enumerate() {
            if *valid && !known_to_registry.contains(&i) {
                let (village, household) = people.at[i].clone();
                out.seen.push(SeenFinding {
                    kind: FindingKind::NotInCivilRegistry,
                    village,
                    household,
                    person: Some(people.ids[i]),
                    other: None,
                    fields: "nik".into(),
                    detail: "NIK tidak ditemukan di data Dukcapil".into(),
                });
            }
        }
        let padan = confirmed.len() as u64;
        out.padan = Some((padan, people.ids.len() as u64 - padan));
    }

    // Without a NIK the register knows: the linkage engine on name, birth date, sex and place.
    // The model learns from every row of the lists (most of them are the register's people,
    // which gives EM matches to learn from); it decides only the rows whose NIK the register
    // does not know. Trained on those alone, mostly strangers, it rated "the same day, sex and
    // birthplace, the name misspelt" 0.60 and missed such people.
    let listed = snapshot.list_rows_to_link().await?;
    if listed.iter().all(|l| l.nik_known) || people.ids.is_empty() {
        return Ok(out);
    }
    let left_columns = LINK_COLUMNS
        .iter()
        .map(|name| {
            same_person
                .columns
                .iter()
                .position(|c| c.name == *name)
                .map(|i| people.columns[i].clone())
                .ok_or_else(|| StoreError::Corrupt(format!("same-person config lacks {name}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let right_columns: Vec<Vec<String>> = vec![
        listed.iter().map(|l| l.full_name.clone()).collect(),
        listed.iter().map(|l| l.birth_date.clone()).collect(),
        listed.iter().map(|l| l.sex.clone()).collect(),
        listed.iter().map(|l| l.birth_place.clone()).collect(),
    ];
    let config = siks_match::Config::parse(LIST_LINK)
        .map_err(|e| StoreError::Corrupt(format!("list-link config: {e}")))?;
    let left_ids = people.ids.iter().map(|p| p.to_string()).collect();
    let left = siks_match::Table::from_columns(left_ids, left_columns, &config);
    let right_ids = (0..listed.len()).map(|i| i.to_string()).collect();
    let right = siks_match::Table::from_columns(right_ids, right_columns, &config);
    let outcome = siks_match::link(&left, &right, &config);
    crate::checks::log_model_warnings("outside lists", &outcome);
    // Each list row names one person: its best pair at or above the threshold.
    let mut best: HashMap<u32, &siks_match::Scored> = HashMap::new();
    for pair in outcome
        .pairs
        .iter()
        .filter(|p| p.score >= outcome.threshold && !listed[p.right as usize].nik_known)
    {
        let slot = best.entry(pair.right).or_insert(pair);
        if pair.score > slot.score {
            *slot = pair;
        }
    }
    let mut best: Vec<&siks_match::Scored> = best.into_values().collect();
    best.sort_by_key(|p| (p.right, p.left));
    for pair in best {
        let (l, r) = (pair.left as usize, pair.right as usize);
        let row = &listed[r];
        let (village, household) = people.at[l].clone();
        out.seen.push(SeenFinding {
            kind: kind_of_list(row.kind),
            village,
            household,
            person: Some(people.ids[l]),
            other: None,
            fields: LINK_COLUMNS.join(","),
            detail: format!(
                "{} {} baris {}: {}; cocok tanpa NIK: {}",
                row.kind.label(),
                row.source,
                row.line,
                row.note,
                crate::checks::duplicate_evidence(&outcome.model, pair)
            ),
        });
    }
    Ok(out)
}
