//! Outside lists in the store: the pusat role imports them (civil-registry extract, death
//! register, civil servants, exclusion lists), they are kept row by row, and every check run
//! matches the register against the lists in force: exactly on the NIK where the NIK is known to
//! the register, and with the linkage engine on name, birth date, sex and place where it is
//! missing or wrong. What matches becomes a finding (deceased, civil servant, excluded, not
//! matching the civil registry).

use std::collections::{HashMap, HashSet};

use siks_domain::access::Action;
use siks_domain::checks::FindingKind;
use siks_domain::codes::CivilRegistryStatus;
use siks_domain::lists::{ListKind, ListRow};
use siks_domain::{Actor, Coded};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::findings::Seen;
use crate::sql::{Cells, Tx, Value, insert_rows, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// One imported list, as the list page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideList {
    pub id: Uuid,
    pub kind: ListKind,
    pub source: String,
    pub file_name: String,
    pub rows: u64,
    /// False once a newer list of the same kind and source replaced it.
    pub in_force: bool,
    pub imported_at: String,
    pub imported_by: String,
}

const ROW_COLUMNS: &[&str] = &[
    "list_id",
    "line",
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "no_kk",
    "status",
    "note",
];

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
pub(crate) const LINK_COLUMNS: [&str; 4] = ["full_name", "birth_date", "sex", "birth_place"];

/// A NIK found on a list belongs to the register's person only if the name is this alike, or
/// the birth date is the same: a NIK typed on someone else must not make a living person dead.
const SAME_NAME: f64 = 0.85;

impl Store {
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
        if !actor.may(Action::ImportLists) {
            return Err(StoreError::Forbidden(Action::ImportLists));
        }
        let source = source.trim();
        if source.is_empty() || source.chars().count() > 80 {
            return Err(StoreError::invalid_text(
                "sumber daftar wajib diisi (1–80 huruf, mis. Dukcapil, BKN, PLN)",
                "the list's source is required (1–80 letters, e.g. Dukcapil, BKN, PLN)",
            ));
        }
        let id = Uuid::now_v7();
        let now = self.now_text();
        let count = rows.len() as u64;
        let mut tx = self.begin().await?;
        if !kind.accumulates() {
            with_tx!(&mut tx, c => {
                sqlx::query("UPDATE outside_lists SET in_force = $1 WHERE kind = $2 AND source = $3")
                    .bind(false)
                    .bind(kind.key())
                    .bind(source)
                    .execute(&mut **c)
                    .await?;
            });
        }
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO outside_lists (id, kind, source, file_name, row_count, in_force, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id.to_string())
            .bind(kind.key())
            .bind(source)
            .bind(file_name)
            .bind(count as i64)
            .bind(true)
            .bind(&now)
            .bind(&actor.username)
            .execute(&mut **c)
            .await?;
        });
        let list_id = id.to_string();
        let values = rows.into_iter().map(|r| {
            vec![
                Value::Text(list_id.clone()),
                Value::Int(r.line as i64),
                Value::Text(r.nik),
                Value::Text(r.full_name),
                Value::Text(r.sex.map(|s| s.code().to_string()).unwrap_or_default()),
                Value::Text(r.birth_date.map(|d| d.to_string()).unwrap_or_default()),
                Value::Text(r.birth_place),
                Value::Text(r.no_kk),
                Value::Text(r.status.map(|s| s.code().to_string()).unwrap_or_default()),
                Value::Text(r.note),
            ]
        });
        // In slices, so that a national extract never sits twice in memory as bind values.
        let mut values = values.peekable();
        while values.peek().is_some() {
            let slice: Vec<Vec<Value>> = values.by_ref().take(50_000).collect();
            insert_rows(&mut tx, "outside_list_rows", ROW_COLUMNS, slice).await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "list.import",
                target_kind: "outside_list",
                target_id: list_id,
                region_code: String::new(),
                detail: format!("kind={} source={source} rows={count}", kind.key()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(OutsideList {
            id,
            kind,
            source: source.to_string(),
            file_name: file_name.to_string(),
            rows: count,
            in_force: true,
            imported_at: now,
            imported_by: actor.username.clone(),
        })
    }

    /// Every imported list, newest first (what they hold stays with the pusat role; this is
    /// only their names and sizes).
    pub async fn outside_lists(&self, actor: &Actor) -> Result<Vec<OutsideList>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT * FROM outside_lists ORDER BY imported_at DESC, id DESC")
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let bad = || StoreError::Corrupt("outside_lists".into());
                    Ok(OutsideList {
                        id: r.text("id")?.parse().map_err(|_| bad())?,
                        kind: ListKind::from_key(&r.text("kind")?).ok_or_else(bad)?,
                        source: r.text("source")?,
                        file_name: r.text("file_name")?,
                        rows: r.int("row_count")? as u64,
                        in_force: r.flag("in_force")?,
                        imported_at: r.text("imported_at")?,
                        imported_by: r.text("imported_by")?,
                    })
                })
                .collect()
        })
    }
}

/// The register's active people in the checked region, as the check run gathered them.
pub(crate) struct People<'a> {
    pub ids: &'a [String],
    /// (village, household) per person.
    pub at: &'a [(String, String)],
    /// [`LINK_COLUMNS`] per person, column by column.
    pub columns: Vec<Vec<String>>,
    /// Whether the person's NIK is well formed.
    pub nik_valid: &'a [bool],
}

/// What matching against the lists found, and how many people the civil registry confirms.
#[derive(Default)]
pub(crate) struct ListOutcome {
    pub seen: Vec<Seen>,
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

/// Matches the people of the region `[low, high)` against every list in force.
pub(crate) async fn match_lists(
    tx: &mut Tx,
    low: &str,
    high: &str,
    people: People<'_>,
) -> Result<ListOutcome> {
    let mut out = ListOutcome::default();
    let kinds: HashSet<ListKind> = with_tx!(tx, c => {
        let rows = sqlx::query("SELECT DISTINCT kind FROM outside_lists WHERE in_force")
            .fetch_all(&mut **c)
            .await?;
        rows.iter().map(|r| r.text("kind")).collect::<Result<Vec<_>, _>>()?
    })
    .iter()
    .filter_map(|k| ListKind::from_key(k))
    .collect();
    if kinds.is_empty() {
        return Ok(out);
    }
    let index: HashMap<&str, usize> = people
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    // Exactly on the NIK.
    struct Hit {
        person: String,
        kind: ListKind,
        source: String,
        line: i64,
        name_agrees: bool,
        birth_agrees: bool,
        status: String,
        note: String,
    }
    let hits: Vec<Hit> = with_tx!(tx, c => {
        let rows = sqlx::query(
            "SELECT p.id AS person_id, p.full_name AS person_name, p.birth_date AS person_birth, \
                    l.kind, l.source, r.line, r.full_name, r.birth_date, r.status, r.note \
             FROM outside_list_rows r JOIN outside_lists l ON l.id = r.list_id \
             JOIN persons p ON p.nik = r.nik \
             WHERE l.in_force AND r.nik <> '' AND p.status = 'active' \
               AND p.village_code >= $1 AND p.village_code < $2",
        )
        .bind(low)
        .bind(high)
        .fetch_all(&mut **c)
        .await?;
        let mut hits = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(kind) = ListKind::from_key(&r.text("kind")?) else { continue };
            hits.push(Hit {
                person: r.text("person_id")?,
                kind,
                source: r.text("source")?,
                line: r.int("line")?,
                name_agrees: siks_match::name_similarity(&r.text("person_name")?, &r.text("full_name")?) >= SAME_NAME,
                birth_agrees: r.text("person_birth")? == r.text("birth_date")?,
                status: r.text("status")?,
                note: r.text("note")?,
            });
        }
        hits
    });
    let mut confirmed: HashSet<usize> = HashSet::new();
    let mut known_to_registry: HashSet<usize> = HashSet::new();
    for hit in &hits {
        let Some(&i) = index.get(hit.person.as_str()) else {
            continue;
        };
        let (village, household) = people.at[i].clone();
        let mut add = |kind: FindingKind, detail: String| {
            out.seen.push(Seen {
                kind,
                village: village.clone(),
                household: household.clone(),
                person: Some(hit.person.clone()),
                other: None,
                fields: "nik".into(),
                detail,
            })
        };
        let from = format!("{} {} baris {}", hit.kind.label(), hit.source, hit.line);
        if hit.kind == ListKind::CivilRegistry {
            known_to_registry.insert(i);
            let same = hit.name_agrees && hit.birth_agrees;
            match CivilRegistryStatus::parse_code(&hit.status) {
                Ok(CivilRegistryStatus::Dead) if hit.name_agrees || hit.birth_agrees => add(
                    FindingKind::Deceased,
                    format!("{from}: status Meninggal; cocok NIK"),
                ),
                Ok(CivilRegistryStatus::Deactivated) => add(
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
                        match (hit.name_agrees, hit.birth_agrees) {
                            (false, false) => "nama dan tanggal lahir",
                            (false, true) => "nama",
                            _ => "tanggal lahir",
                        }
                    ),
                ),
            }
        } else if hit.name_agrees || hit.birth_agrees {
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
                out.seen.push(Seen {
                    kind: FindingKind::NotInCivilRegistry,
                    village,
                    household,
                    person: Some(people.ids[i].clone()),
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
    struct Listed {
        kind: ListKind,
        source: String,
        line: i64,
        note: String,
        nik_known: bool,
    }
    let (listed, right_columns) = with_tx!(tx, c => {
        let rows = sqlx::query(
            "SELECT l.kind, l.source, r.line, r.full_name, r.birth_date, r.sex, r.birth_place, r.note, \
                    (r.nik <> '' AND EXISTS (SELECT 1 FROM persons p WHERE p.nik = r.nik)) AS nik_known \
             FROM outside_list_rows r JOIN outside_lists l ON l.id = r.list_id \
             WHERE l.in_force AND l.kind <> $1 \
             ORDER BY l.id, r.line",
        )
        .bind(ListKind::CivilRegistry.key())
        .fetch_all(&mut **c)
        .await?;
        let mut listed = Vec::with_capacity(rows.len());
        let mut columns: Vec<Vec<String>> = vec![Vec::with_capacity(rows.len()); LINK_COLUMNS.len()];
        for r in &rows {
            let Some(kind) = ListKind::from_key(&r.text("kind")?) else { continue };
            for (column, name) in columns.iter_mut().zip(LINK_COLUMNS) {
                column.push(r.text(name)?);
            }
            listed.push(Listed {
                kind,
                source: r.text("source")?,
                line: r.int("line")?,
                note: r.text("note")?,
                nik_known: r.flag("nik_known")?,
            });
        }
        (listed, columns)
    });
    if listed.iter().all(|l| l.nik_known) || people.ids.is_empty() {
        return Ok(out);
    }
    let config = siks_match::Config::parse(LIST_LINK)
        .map_err(|e| StoreError::Corrupt(format!("list-link config: {e}")))?;
    let left = siks_match::Table::from_columns(people.ids.to_vec(), people.columns, &config);
    let right_ids = (0..listed.len()).map(|i| i.to_string()).collect();
    let right = siks_match::Table::from_columns(right_ids, right_columns, &config);
    let outcome = siks_match::link(&left, &right, &config);
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
        out.seen.push(Seen {
            kind: kind_of_list(row.kind),
            village,
            household,
            person: Some(people.ids[l].clone()),
            other: None,
            fields: LINK_COLUMNS.join(","),
            detail: format!(
                "{} {} baris {}: {}; cocok tanpa NIK, skor {:.3}; {}",
                row.kind.label(),
                row.source,
                row.line,
                row.note,
                pair.score,
                outcome.model.explain(pair)
            ),
        });
    }
    Ok(out)
}
