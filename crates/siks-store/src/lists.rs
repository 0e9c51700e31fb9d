//! Outside lists in the store: the pusat role imports them (civil-registry extract, death
//! register, civil servants, exclusion lists), they are kept row by row, and a check run's
//! snapshot reads the lists in force: the rows whose NIK the register holds, and every row for
//! the linkage on name, birth date, sex and place (which the service runs).

use siks_domain::clock::Stamp;
use std::collections::HashSet;

use siks_domain::access::Action;
use siks_domain::codes::CivilRegistryStatus;
use siks_domain::lists::{ListKind, ListRow};
use siks_domain::{Actor, Coded, PersonId};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::findings::CheckSnapshot;
use crate::sealing::{Blind, NoteColumn, Sealed};
use crate::sql::{Cells, Value, insert_rows, with_pool, with_tx};
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
    pub imported_at: Stamp,
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
    "nik_key",
];

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
        // The NIK and No KK sealed, the NIK matched by its blind index ('' without a NIK).
        let keys = self.keys();
        let values = rows.into_iter().map(|r| {
            let nik_key = if r.nik.is_empty() {
                String::new()
            } else {
                keys.blind(Blind::Nik, &r.nik)
            };
            vec![
                Value::Text(list_id.clone()),
                Value::Int(r.line as i64),
                Value::Text(keys.seal_text(Sealed::OutsideNik, &r.nik)),
                Value::Text(r.full_name),
                Value::Text(r.sex.map(|s| s.code().to_string()).unwrap_or_default()),
                Value::Text(r.birth_date.map(|d| d.to_string()).unwrap_or_default()),
                Value::Text(r.birth_place),
                Value::Text(keys.seal_text(Sealed::OutsideNoKk, &r.no_kk)),
                Value::Text(r.status.map(|s| s.code().to_string()).unwrap_or_default()),
                // The list's own remark (a death list's may give the cause): sealed.
                Value::Text(keys.seal_note(NoteColumn::OutsideRowNote, &r.note)),
                Value::Text(nik_key),
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
            imported_at: crate::sql::stamp(&now, "outside_lists.imported_at")?,
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
                        imported_at: crate::sql::stamp(&r.text("imported_at")?, "lists.imported_at")?,
                        imported_by: r.text("imported_by")?,
                    })
                })
                .collect()
        })
    }
}

/// A row of a list in force whose NIK is that of an active person of the checked region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListNikHit {
    pub person: PersonId,
    pub person_name: String,
    pub kind: ListKind,
    pub source: String,
    pub line: u64,
    /// The name the list gives.
    pub listed_name: String,
    /// Whether the list gives the person's birth date.
    pub birth_agrees: bool,
    /// The civil registry's status of the NIK (its extract only).
    pub status: Option<CivilRegistryStatus>,
    pub note: String,
}

/// A row of a list in force (other than the civil registry's extract), as the linkage compares
/// it with the register's people: its identity as the list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRowToLink {
    pub kind: ListKind,
    pub source: String,
    pub line: u64,
    pub note: String,
    /// Whether the row's NIK is one the register knows (the NIK match decides those rows).
    pub nik_known: bool,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    pub birth_place: String,
}

impl CheckSnapshot {
    /// The kinds of list in force.
    pub async fn list_kinds_in_force(&mut self) -> Result<HashSet<ListKind>> {
        Ok(with_tx!(&mut self.tx, c => {
            let rows = sqlx::query("SELECT DISTINCT kind FROM outside_lists WHERE in_force")
                .fetch_all(&mut **c)
                .await?;
            rows.iter().map(|r| r.text("kind")).collect::<Result<Vec<_>, _>>()?
        })
        .iter()
        .filter_map(|k| ListKind::from_key(k))
        .collect())
    }

    /// The rows of the lists in force whose NIK is an active person's of the scope.
    pub async fn list_nik_hits(&mut self) -> Result<Vec<ListNikHit>> {
        let (low, high) = (&self.low, &self.high);
        let keys = self.tx.keys.clone();
        Ok(with_tx!(&mut self.tx, c => {
            let rows = sqlx::query(
                "SELECT p.id AS person_id, p.full_name AS person_name, \
                        (p.birth_date = r.birth_date) AS birth_agrees, \
                        l.kind, l.source, r.line, r.full_name, r.status, r.note \
                 FROM outside_list_rows r JOIN outside_lists l ON l.id = r.list_id \
                 JOIN persons p ON p.nik_key = r.nik_key \
                 WHERE l.in_force AND r.nik_key <> '' AND p.status = 'active' \
                   AND p.village_code >= $1 AND p.village_code < $2",
            )
            .bind(low)
            .bind(high)
            .fetch_all(&mut **c)
            .await?;
            let mut hits = Vec::with_capacity(rows.len());
            for r in &rows {
                let Some(kind) = ListKind::from_key(&r.text("kind")?) else { continue };
                hits.push(ListNikHit {
                    person: r.text("person_id")?.parse().map_err(|_| corrupt("persons.id"))?,
                    person_name: r.text("person_name")?,
                    kind,
                    source: r.text("source")?,
                    line: u64::try_from(r.int("line")?).map_err(|_| corrupt("outside_list_rows.line"))?,
                    listed_name: r.text("full_name")?,
                    birth_agrees: r.flag("birth_agrees")?,
                    status: CivilRegistryStatus::parse_code(&r.text("status")?).ok(),
                    note: keys.open_note(NoteColumn::OutsideRowNote, &r.text("note")?)?,
                });
            }
            hits
        }))
    }

    /// Every row of the lists in force other than the civil registry's extract, by list and
    /// line, for the linkage: the model learns from all of them and decides those whose NIK
    /// the register does not know.
    pub async fn list_rows_to_link(&mut self) -> Result<Vec<ListRowToLink>> {
        let keys = self.tx.keys.clone();
        Ok(with_tx!(&mut self.tx, c => {
            let rows = sqlx::query(
                "SELECT l.kind, l.source, r.line, r.full_name, r.birth_date, r.sex, r.birth_place, r.note, \
                        (r.nik_key <> '' AND EXISTS (SELECT 1 FROM persons p WHERE p.nik_key = r.nik_key)) AS nik_known \
                 FROM outside_list_rows r JOIN outside_lists l ON l.id = r.list_id \
                 WHERE l.in_force AND l.kind <> $1 \
                 ORDER BY l.id, r.line",
            )
            .bind(ListKind::CivilRegistry.key())
            .fetch_all(&mut **c)
            .await?;
            let mut listed = Vec::with_capacity(rows.len());
            for r in &rows {
                let Some(kind) = ListKind::from_key(&r.text("kind")?) else { continue };
                listed.push(ListRowToLink {
                    kind,
                    source: r.text("source")?,
                    line: u64::try_from(r.int("line")?).map_err(|_| corrupt("outside_list_rows.line"))?,
                    note: keys.open_note(NoteColumn::OutsideRowNote, &r.text("note")?)?,
                    nik_known: r.flag("nik_known")?,
                    full_name: r.text("full_name")?,
                    birth_date: r.text("birth_date")?,
                    sex: r.text("sex")?,
                    birth_place: r.text("birth_place")?,
                });
            }
            listed
        }))
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.into())
}
