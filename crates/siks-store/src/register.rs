//! The register itself: households and their members, created, viewed, listed and changed inside
//! the actor's scope. Every change bumps the record's version (a stale edit is refused, never
//! merged), is kept in `record_history` with before and after, and is audited in the same
//! transaction; every view of a person is audited.

use siks_domain::RegistryStatus;
use siks_domain::clock::Stamp;
use std::sync::LazyLock;
use uuid::Uuid;

use serde::Serialize;
use siks_domain::access::Action;
use siks_domain::search::{SearchQuery, prefix_range};
use siks_domain::{
    Actor, ChangeKind, Household, HouseholdId, Person, PersonId, RecordKind, RegionCode,
    RegionLevel, Regions, Role, UserId,
};
use sqlx::Row;

use crate::audit::{self, AuditEvent};
use crate::records::{
    HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_from_row, household_values, person_from_row,
    person_values,
};
use crate::sealing::{Blind, FieldKeys, NoteColumn, Sealed};
use crate::sql::{Cells, Tx, Value, bind_values, multi_row_insert, with_tx};
use crate::{Result, Store, StoreError};

/// A record with the version it was read at (send it back with an edit).
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub record: T,
    pub version: i64,
}

/// A household with its members, as shown on its page.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdView {
    pub household: Versioned<Household>,
    pub members: Vec<Versioned<Person>>,
}

/// One line of a household list.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub village: RegionCode,
    pub rt: String,
    pub rw: String,
    pub street: String,
    pub status: RegistryStatus,
    pub members: i64,
    pub head_name: Option<String>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    /// A region inside the actor's scope; `None` for the whole scope.
    pub region: Option<RegionCode>,
    /// `proposed`, `active` or `inactive`.
    pub status: Option<String>,
    /// What the operator typed: a NIK or No KK, an RT/RW, or the start of a member's name or
    /// of the street address.
    pub search: Option<SearchQuery>,
    pub limit: u32,
    pub offset: u32,
}

/// A kept change read back that does not parse: the row is corrupt.
fn corrupt_history(column: &str) -> StoreError {
    StoreError::Corrupt(format!("record_history.{column}"))
}

/// One kept change as the take-back of a close reads it.
pub(crate) struct KeptChange {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) record_id: String,
    pub(crate) version: i64,
    pub(crate) change: ChangeKind,
    pub(crate) before: Option<String>,
}

/// One kept change of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub record_kind: RecordKind,
    pub record_id: Uuid,
    pub village_code: RegionCode,
    pub version: i64,
    pub change_kind: ChangeKind,
    pub actor_id: UserId,
    pub actor_role: Role,
    pub at: Stamp,
    pub reason: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

const INSERT_HISTORY: &str = "INSERT INTO record_history (id, record_kind, record_id, village_code, \
     version, change_kind, actor_id, actor_role, at, reason, before_json, after_json, close_period) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

static INSERT_HOUSEHOLD: LazyLock<String> =
    LazyLock::new(|| multi_row_insert("households", HOUSEHOLD_COLUMNS, 1));
static INSERT_PERSON: LazyLock<String> =
    LazyLock::new(|| multi_row_insert("persons", PERSON_COLUMNS, 1));

/// Columns an update never sets.
const FIXED: &[&str] = &["id", "household_id", "created_at", "import_batch"];

/// `UPDATE table SET col = $2, … WHERE id = $1 AND version = $N` over the non-fixed columns.
fn update_sql(table: &str, columns: &[&str]) -> String {
    let set: Vec<String> = columns
        .iter()
        .filter(|c| !FIXED.contains(c))
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 2))
        .collect();
    format!(
        "UPDATE {table} SET {} WHERE id = $1 AND version = ${}",
        set.join(", "),
        set.len() + 2
    )
}

static UPDATE_HOUSEHOLD: LazyLock<String> =
    LazyLock::new(|| update_sql("households", HOUSEHOLD_COLUMNS));
static UPDATE_PERSON: LazyLock<String> = LazyLock::new(|| update_sql("persons", PERSON_COLUMNS));

/// The values of an update: id, the non-fixed columns, then the version it was based on.
fn update_values(columns: &[&str], values: Vec<Value>, id: String, expected: i64) -> Vec<Value> {
    let mut out = vec![Value::Text(id)];
    out.extend(
        columns
            .iter()
            .zip(values)
            .filter(|(c, _)| !FIXED.contains(c))
            .map(|(_, v)| v),
    );
    out.push(Value::Int(expected));
    out
}

fn require(actor: &Actor, action: Action) -> Result<()> {
    if actor.may(action) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(action))
    }
}

fn check_reason(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(StoreError::invalid_text(
            "alasan perubahan wajib diisi",
            "a reason for the change is required",
        ));
    }
    Ok(())
}

/// A village the actor may write into: known, at village level, inside the scope.
fn check_village(actor: &Actor, village: &RegionCode) -> Result<()> {
    if Regions::embedded().get(village).is_none()
        || village.level() != siks_domain::RegionLevel::Village
    {
        return Err(StoreError::invalid_text(
            format!("kode desa/kelurahan {village} tidak dikenal"),
            format!("unknown village code {village}"),
        ));
    }
    if !actor.scope.contains(village) {
        return Err(StoreError::invalid_text(
            format!(
                "desa/kelurahan {village} di luar wilayah kerja Anda ({})",
                actor.scope
            ),
            format!("village {village} is outside your scope ({})", actor.scope),
        ));
    }
    Ok(())
}

/// One change of a record: kept in `record_history` and the audit log by [`keep_change`].
struct Change<'a> {
    /// `household` or `person`.
    kind: &'a str,
    record_id: String,
    village: &'a RegionCode,
    version: i64,
    /// Created or updated (imports write their own history).
    change: ChangeKind,
    reason: &'a str,
    before: Option<String>,
    after: Option<String>,
    /// What the audit entry adds, without personal data.
    detail: String,
}

/// Writes the history row and the audit entry of a change, inside the change's transaction.
async fn keep_change(tx: &mut Tx, actor: &Actor, change: Change<'_>) -> Result<()> {
    tx.register_changes();
    let values = vec![
        Value::Text(uuid::Uuid::now_v7().to_string()),
        Value::Text(change.kind.to_string()),
        Value::Text(change.record_id.clone()),
        Value::Text(change.village.to_string()),
        Value::Int(change.version),
        Value::Text(change.change.key().to_string()),
        Value::Text(actor.user_id.to_string()),
        Value::Text(actor.role.key().to_string()),
        Value::Text(tx.now_text()),
        // The reason is free text (it may name an illness): sealed like the states.
        Value::Text(tx.keys.seal_note(NoteColumn::HistoryReason, change.reason)),
        // The record's states hold its specific data: sealed whole.
        Value::OptText(
            change
                .before
                .map(|b| tx.keys.seal_text(Sealed::History, &b)),
        ),
        Value::OptText(change.after.map(|a| tx.keys.seal_text(Sealed::History, &a))),
        // What a close that did not finish is taken back by (the reason is sealed).
        Value::OptText(crate::periods::close_period_of(change.reason)),
    ];
    execute(tx, INSERT_HISTORY, values).await?;
    let verb = if change.change == ChangeKind::Created {
        "create"
    } else {
        "update"
    };
    audit::append(
        tx,
        actor,
        AuditEvent {
            action: &format!("{}.{verb}", change.kind),
            target_kind: change.kind,
            target_id: change.record_id,
            region_code: change.village.to_string(),
            detail: change.detail,
        },
    )
    .await
}

async fn execute(tx: &mut Tx, sql: &str, values: Vec<Value>) -> Result<u64> {
    Ok(with_tx!(tx, c => {
        bind_values(sqlx::query(sqlx::AssertSqlSafe(sql.to_string())), values)
            .execute(&mut **c)
            .await?
            .rows_affected()
    }))
}

fn json<T: Serialize>(value: &T) -> Result<Option<String>> {
    Ok(Some(serde_json::to_string(value)?))
}

/// The columns of a household list line (`h` is the household).
macro_rules! list_select {
    () => {
        "SELECT h.id, h.village_code, h.rt, h.rw, h.street, h.status, h.inactive_reason, \
         (SELECT COUNT(*) FROM persons pc WHERE pc.household_id = h.id) AS members, \
         (SELECT ph.full_name FROM persons ph WHERE ph.household_id = h.id \
            AND ph.relation_to_head = 1 ORDER BY ph.id LIMIT 1) AS head_name "
    };
}

// Parameters of every list text: `$1`/`$2` scope range, `$3` status or '', `$4` limit, `$5`
// offset, `$6`/`$7` the search keys. Searches drive from the persons index that fits
// (`CROSS JOIN` keeps SQLite from starting at the households; PostgreSQL plans it freely).
const LIST_ALL: &str = concat!(
    list_select!(),
    "FROM households h \
     WHERE h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     AND $6 = $7 ORDER BY h.village_code, h.id LIMIT $4 OFFSET $5"
);
const LIST_BY_ID_NUMBER: &str = concat!(
    list_select!(),
    "FROM (SELECT household_id FROM persons WHERE nik_key = $6 \
           UNION SELECT household_id FROM persons WHERE no_kk_key = $7) m \
     CROSS JOIN households h \
     WHERE h.id = m.household_id \
     AND h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     ORDER BY h.village_code, h.id LIMIT $4 OFFSET $5"
);
/// By name over a wide scope: walk the name index in order and stop at the limit.
const LIST_BY_NAME_WIDE: &str = concat!(
    list_select!(),
    "FROM persons p CROSS JOIN households h \
     WHERE p.name_key >= $6 AND p.name_key < $7 AND h.id = p.household_id \
     AND h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     ORDER BY p.name_key, p.id LIMIT $4 OFFSET $5"
);
/// By name in a village or district: read the few persons of the area (the name test is written
/// so that no name index is tempting) and sort them. Here a later word of the name is found too
/// ("Gunawan" finds "Paiman Gunawan"), after the names that begin with it.
const LIST_BY_NAME_NARROW: &str = concat!(
    list_select!(),
    "FROM persons p CROSS JOIN households h \
     WHERE p.village_code >= $1 AND p.village_code < $2 \
     AND (substr(p.name_key, 1, length($6)) = $6 OR p.name_key LIKE '% ' || $6 || '%') AND $7 = $7 \
     AND h.id = p.household_id AND ($3 = '' OR h.status = $3) \
     ORDER BY CASE WHEN substr(p.name_key, 1, length($6)) = $6 THEN 0 ELSE 1 END, p.name_key, p.id \
     LIMIT $4 OFFSET $5"
);
/// By a name of two words or more over a wide scope: the words in the order typed, or in any
/// order (`$8`/`$9`, the sorted words), those in the order typed first.
const LIST_BY_NAME_EITHER_ORDER_WIDE: &str = concat!(
    list_select!(),
    "FROM persons p CROSS JOIN households h \
     WHERE ((p.name_key >= $6 AND p.name_key < $7) OR (p.name_sorted >= $8 AND p.name_sorted < $9)) \
     AND h.id = p.household_id \
     AND h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     ORDER BY CASE WHEN p.name_key >= $6 AND p.name_key < $7 THEN 0 ELSE 1 END, p.name_key, p.id \
     LIMIT $4 OFFSET $5"
);
/// By name within one region (`$8`, or `$10` for either order: its code), its code being the
/// first `$len` characters of a village code: the region-first indexes of migration 19 say
/// exactly `substr(village_code, 1, $len)`, so the length is written into the text, never bound.
macro_rules! by_name_in_region {
    ($len:literal) => {
        concat!(
            list_select!(),
            "FROM persons p CROSS JOIN households h \
             WHERE substr(p.village_code, 1, ",
            $len,
            ") = $8 AND p.name_key >= $6 AND p.name_key < $7 \
             AND h.id = p.household_id \
             AND h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
             ORDER BY p.name_key, p.id LIMIT $4 OFFSET $5"
        )
    };
    (either order, $len:literal) => {
        concat!(
            list_select!(),
            "FROM persons p CROSS JOIN households h \
             WHERE substr(p.village_code, 1, ",
            $len,
            ") = $10 \
             AND ((p.name_key >= $6 AND p.name_key < $7) OR (p.name_sorted >= $8 AND p.name_sorted < $9)) \
             AND h.id = p.household_id \
             AND h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
             ORDER BY CASE WHEN p.name_key >= $6 AND p.name_key < $7 THEN 0 ELSE 1 END, p.name_key, p.id \
             LIMIT $4 OFFSET $5"
        )
    };
}
/// [`LIST_BY_NAME_WIDE`] in a regency: its own persons by name through the region-first index
/// (`persons_regency_name`), never the nation's persons of that name read and sorted out by
/// region afterwards.
const LIST_BY_NAME_REGENCY: &str = by_name_in_region!("5");
/// [`LIST_BY_NAME_REGENCY`] in a province (`persons_province_name`).
const LIST_BY_NAME_PROVINCE: &str = by_name_in_region!("2");
/// [`LIST_BY_NAME_EITHER_ORDER_WIDE`] in a regency, through the region-first indexes of both
/// orders.
const LIST_BY_NAME_EITHER_ORDER_REGENCY: &str = by_name_in_region!(either order, "5");
/// [`LIST_BY_NAME_EITHER_ORDER_REGENCY`] in a province.
const LIST_BY_NAME_EITHER_ORDER_PROVINCE: &str = by_name_in_region!(either order, "2");
/// [`LIST_BY_NAME_EITHER_ORDER_WIDE`] in a village or district.
const LIST_BY_NAME_EITHER_ORDER_NARROW: &str = concat!(
    list_select!(),
    "FROM persons p CROSS JOIN households h \
     WHERE p.village_code >= $1 AND p.village_code < $2 \
     AND (substr(p.name_key, 1, length($6)) = $6 OR substr(p.name_sorted, 1, length($8)) = $8) \
     AND $7 = $7 AND $9 = $9 \
     AND h.id = p.household_id AND ($3 = '' OR h.status = $3) \
     ORDER BY CASE WHEN substr(p.name_key, 1, length($6)) = $6 THEN 0 ELSE 1 END, p.name_key, p.id \
     LIMIT $4 OFFSET $5"
);
const LIST_BY_ADDRESS: &str = concat!(
    list_select!(),
    "FROM households h \
     WHERE h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     AND lower(h.street || ' ' || h.sls_name) LIKE $6 AND $7 = $7 \
     ORDER BY h.village_code, h.id LIMIT $4 OFFSET $5"
);
const LIST_BY_RT_RW: &str = concat!(
    list_select!(),
    "FROM households h \
     WHERE h.village_code >= $1 AND h.village_code < $2 AND ($3 = '' OR h.status = $3) \
     AND ($6 = '' OR h.rt = $6) AND ($7 = '' OR h.rw = $7) \
     ORDER BY h.village_code, h.id LIMIT $4 OFFSET $5"
);

/// One kept change as `record_history` holds it.
fn history_entry(r: &impl Cells, keys: &FieldKeys) -> Result<HistoryEntry> {
    let open = |col: &str| -> Result<Option<String>> {
        r.opt_text(col)?
            .map(|sealed| keys.open_text(Sealed::History, &sealed))
            .transpose()
    };
    Ok(HistoryEntry {
        record_kind: RecordKind::parse(&r.text("record_kind")?)
            .ok_or_else(|| corrupt_history("record_kind"))?,
        record_id: r
            .text("record_id")?
            .parse()
            .map_err(|_| corrupt_history("record_id"))?,
        village_code: RegionCode::parse(&r.text("village_code")?)
            .map_err(|_| corrupt_history("village_code"))?,
        version: r.int("version")?,
        change_kind: ChangeKind::parse(&r.text("change_kind")?)
            .ok_or_else(|| corrupt_history("change_kind"))?,
        actor_id: r
            .text("actor_id")?
            .parse()
            .map_err(|_| corrupt_history("actor_id"))?,
        actor_role: Role::parse(&r.text("actor_role")?)
            .map_err(|_| corrupt_history("actor_role"))?,
        at: crate::sql::stamp(&r.text("at")?, "register.at")?,
        reason: keys.open_note(NoteColumn::HistoryReason, &r.text("reason")?)?,
        before_json: open("before_json")?,
        after_json: open("after_json")?,
    })
}

/// The refusal of a NIK already held `place`, the NIK masked.
fn nik_taken(person: &Person, place: &str) -> StoreError {
    let masked = person.nik.valid().map(|n| n.masked()).unwrap_or_default();
    StoreError::Conflict {
        indonesian: format!("NIK {masked} sudah terdaftar {place}"),
        english: format!("NIK {masked} is already registered to another household"),
    }
}

impl Store {
    /// Who else holds `person`'s NIK: an active (or not yet inactive) person of the register
    /// other than `person`, as its household and village. `None` for a malformed NIK.
    pub(crate) async fn nik_holder(
        &self,
        tx: &mut Tx,
        person: &Person,
    ) -> Result<Option<(String, RegionCode)>> {
        let Some(nik) = person.nik.valid() else {
            return Ok(None);
        };
        let holder: Option<(String, String)> = with_tx!(tx, c => {
            sqlx::query(
                "SELECT household_id, village_code FROM persons \
                 WHERE nik_key = $1 AND status <> 'inactive' AND id <> $2 LIMIT 1",
            )
            .bind(self.keys().blind(Blind::Nik, &nik.to_string()))
            .bind(person.id.to_string())
            .fetch_optional(&mut **c)
            .await?
            .map(|r| (r.try_get("household_id"), r.try_get("village_code")))
            .map(|(a, b)| Ok::<_, sqlx::Error>((a?, b?)))
            .transpose()?
        });
        holder
            .map(|(household, village)| {
                RegionCode::parse(&village)
                    .map(|v| (household, v))
                    .map_err(|_| StoreError::Corrupt("persons.village_code".into()))
            })
            .transpose()
    }

    /// Refuses a well-formed NIK that an active person already has. The message names the
    /// household only inside the actor's scope.
    pub(crate) async fn check_nik_free(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        person: &Person,
    ) -> Result<()> {
        let Some((household, village)) = self.nik_holder(tx, person).await? else {
            return Ok(());
        };
        let place = if actor.scope.contains(&village) {
            format!("di rumah tangga {household}")
        } else {
            "di rumah tangga di luar wilayah kerja Anda".to_string()
        };
        Err(nik_taken(person, &place))
    }

    /// Refuses a NIK that an active person inside the actor's own scope already has, and
    /// says nothing of a holder outside it: a village may be told what it can see in its own
    /// register, never who is registered elsewhere (that clash is the regency's finding and
    /// the close's business). Only holders inside the scope are read, so a NIK held both inside
    /// and outside answers as held inside, and the answer is the same query either way.
    pub(crate) async fn check_nik_free_in_scope(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        person: &Person,
    ) -> Result<()> {
        let Some(nik) = person.nik.valid() else {
            return Ok(());
        };
        let (low, high) = actor.scope.village_range();
        let holder: Option<(String, String, String)> = with_tx!(tx, c => {
            sqlx::query(
                "SELECT p.full_name, h.rt, h.rw FROM persons p JOIN households h ON h.id = p.household_id \
                 WHERE p.nik_key = $1 AND p.status <> 'inactive' AND p.id <> $2 \
                 AND p.village_code >= $3 AND p.village_code < $4 LIMIT 1",
            )
            .bind(self.keys().blind(Blind::Nik, &nik.to_string()))
            .bind(person.id.to_string())
            .bind(low)
            .bind(high)
            .fetch_optional(&mut **c)
            .await?
            .map(|r| Ok::<_, StoreError>((r.text("full_name")?, r.text("rt")?, r.text("rw")?)))
            .transpose()?
        });
        match holder {
            Some((name, rt, rw)) => Err(nik_taken(
                person,
                &format!("atas nama {name} (RT {rt}/RW {rw}) di wilayah kerja Anda"),
            )),
            None => Ok(()),
        }
    }

    /// A household by id whatever the scope: for the store's own descriptions, never a view.
    pub(crate) async fn fetch_household_unscoped(
        &self,
        tx: &mut Tx,
        id: HouseholdId,
    ) -> Result<Option<Versioned<Household>>> {
        let found = with_tx!(tx, c => {
            let row = sqlx::query("SELECT * FROM households WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?;
            row.as_ref().map(household_from_row).transpose()?
        });
        Ok(found.map(|(record, version)| Versioned { record, version }))
    }

    /// A person by id whatever the scope: for the store's own descriptions, never a view.
    pub(crate) async fn fetch_person_unscoped(
        &self,
        tx: &mut Tx,
        id: PersonId,
    ) -> Result<Option<Person>> {
        let found = with_tx!(tx, c => {
            let row = sqlx::query("SELECT * FROM persons WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?;
            row.as_ref().map(|r| person_from_row(r, &self.keys())).transpose()?
        });
        Ok(found.map(|(record, _)| record))
    }

    /// Creates a household with its members (at least one), as one change.
    pub async fn create_household(
        &self,
        actor: &Actor,
        household: &Household,
        members: &[Person],
        reason: &str,
    ) -> Result<i64> {
        require(actor, Action::WriteRegister)?;
        check_reason(reason)?;
        let mut tx = self.begin().await?;
        self.create_household_in(&mut tx, actor, household, members, reason)
            .await?;
        tx.commit().await?;
        Ok(1)
    }

    /// Inserts a household and its members inside the caller's transaction, with history and
    /// audit. Used by direct entry and by the period close.
    pub(crate) async fn create_household_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        household: &Household,
        members: &[Person],
        reason: &str,
    ) -> Result<i64> {
        check_village(actor, &household.address.village)?;
        if members.is_empty() {
            return Err(StoreError::invalid_text(
                "rumah tangga harus memiliki paling sedikit satu anggota",
                "a household needs at least one member",
            ));
        }
        if let Some(p) = members.iter().find(|p| p.household_id != household.id) {
            return Err(StoreError::invalid_text(
                format!("anggota {} tercatat di rumah tangga lain", p.id),
                format!("member {} belongs to another household", p.id),
            ));
        }
        let now = self.now_text();
        let village = &household.address.village;
        for p in members {
            self.check_nik_free(tx, actor, p).await?;
        }
        let inserted = execute(
            tx,
            &INSERT_HOUSEHOLD,
            household_values(household, 1, &now, None)?,
        )
        .await;
        match inserted {
            Err(StoreError::Database(e)) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    indonesian: format!("id rumah tangga {} sudah ada", household.id),
                    english: format!("household id {} already exists", household.id),
                });
            }
            other => other?,
        };
        for p in members {
            execute(
                tx,
                &INSERT_PERSON,
                person_values(p, village, 1, &now, &self.keys()),
            )
            .await?;
        }
        let after = serde_json::json!({ "household": household, "members": members });
        keep_change(
            tx,
            actor,
            Change {
                kind: "household",
                record_id: household.id.to_string(),
                village,
                version: 1,
                change: ChangeKind::Created,
                reason,
                before: None,
                after: json(&after)?,
                detail: format!("members={}", members.len()),
            },
        )
        .await?;
        Ok(1)
    }

    pub(crate) async fn fetch_household(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: HouseholdId,
    ) -> Result<Option<Versioned<Household>>> {
        Ok(self
            .fetch_household_unscoped(tx, id)
            .await?
            .filter(|h| actor.scope.contains(&h.record.address.village)))
    }

    async fn fetch_person(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: PersonId,
    ) -> Result<Option<(Versioned<Person>, RegionCode)>> {
        let found = with_tx!(tx, c => {
            let row = sqlx::query("SELECT * FROM persons WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?;
            match row {
                Some(r) => Some((person_from_row(&r, &self.keys())?, r.text("village_code")?)),
                None => None,
            }
        });
        Ok(match found {
            Some(((record, version), village)) => {
                let village = RegionCode::parse(&village)
                    .map_err(|_| StoreError::Corrupt("persons.village_code".into()))?;
                actor
                    .scope
                    .contains(&village)
                    .then_some((Versioned { record, version }, village))
            }
            None => None,
        })
    }

    /// A household with its members; `None` when missing or outside the scope. Audited.
    pub async fn household(&self, actor: &Actor, id: HouseholdId) -> Result<Option<HouseholdView>> {
        require(actor, Action::ReadRegister)?;
        let mut tx = self.begin_read().await?;
        let Some(household) = self.fetch_household(&mut tx, actor, id).await? else {
            return Ok(None);
        };
        let members = with_tx!(&mut tx, c => {
            let rows = sqlx::query(
                "SELECT * FROM persons WHERE household_id = $1 \
                 ORDER BY family_no, relation_to_head, birth_date, id",
            )
            .bind(id.to_string())
            .fetch_all(&mut **c)
            .await?;
            rows.iter()
                .map(|r| person_from_row(r, &self.keys()).map(|(record, version)| Versioned { record, version }))
                .collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "household.view",
                target_kind: "household",
                target_id: id.to_string(),
                region_code: household.record.address.village.to_string(),
                detail: format!("members={}", members.len()),
            },
        )
        .await?;
        Ok(Some(HouseholdView { household, members }))
    }

    /// One person; `None` when missing or outside the scope. Audited.
    pub async fn person(&self, actor: &Actor, id: PersonId) -> Result<Option<Versioned<Person>>> {
        require(actor, Action::ReadRegister)?;
        let mut tx = self.begin_read().await?;
        let found = self.fetch_person(&mut tx, actor, id).await?;
        tx.commit().await?;
        let Some((person, village)) = found else {
            return Ok(None);
        };
        self.audit_view(
            actor,
            AuditEvent {
                action: "person.view",
                target_kind: "person",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: String::new(),
            },
        )
        .await?;
        Ok(Some(person))
    }

    /// Records that `field` of `person` was revealed to `actor` for `purpose` (a page shows it
    /// only after this succeeded); not found when the person is outside the scope.
    pub async fn record_reveal(
        &self,
        actor: &Actor,
        id: PersonId,
        fields: &[siks_domain::disclosure::SpecificField],
        purpose: siks_domain::disclosure::RevealPurpose,
    ) -> Result<()> {
        require(actor, Action::ReadRegister)?;
        let mut tx = self.begin_read().await?;
        let found = self.fetch_person(&mut tx, actor, id).await?;
        tx.commit().await?;
        let Some((_, village)) = found else {
            return Err(StoreError::NotFound);
        };
        let fields: Vec<&str> = fields.iter().map(|f| f.key()).collect();
        self.audit_view(
            actor,
            AuditEvent {
                action: "person.reveal",
                target_kind: "person",
                target_id: id.to_string(),
                region_code: village.to_string(),
                detail: format!("fields={} purpose={}", fields.join(","), purpose.key()),
            },
        )
        .await
    }

    /// Changes a household's fields. `expected_version` is the version the actor loaded.
    pub async fn update_household(
        &self,
        actor: &Actor,
        changed: &Household,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        require(actor, Action::WriteRegister)?;
        check_reason(reason)?;
        let mut tx = self.begin().await?;
        let current = self
            .fetch_household_for_write(&mut tx, actor, changed.id)
            .await?;
        if current.version != expected_version {
            return Err(StoreError::Stale {
                expected: expected_version,
                current: current.version,
            });
        }
        let version = self
            .write_household_change(&mut tx, actor, &current, changed, reason, "")
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The household to change, inside the write transaction; out of scope is not found.
    pub(crate) async fn fetch_household_for_write(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: HouseholdId,
    ) -> Result<Versioned<Household>> {
        self.fetch_household(tx, actor, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Writes a changed household over `current` (version + 1), moves its members with it, and
    /// keeps the change in history and audit. The caller checked the version it was based on.
    pub(crate) async fn write_household_change(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &Versioned<Household>,
        changed: &Household,
        reason: &str,
        detail: &str,
    ) -> Result<i64> {
        check_reason(reason)?;
        check_village(actor, &changed.address.village)?;
        // The score and desil are the latest ranking run's, not the change's: a correction
        // proposed before a run must not bring the older values back.
        let changed = &Household {
            welfare_score: current.record.welfare_score,
            desil: current.record.desil,
            ..changed.clone()
        };
        let version = current.version + 1;
        let now = self.now_text();
        let values = update_values(
            HOUSEHOLD_COLUMNS,
            household_values(changed, version, &now, None)?,
            changed.id.to_string(),
            current.version,
        );
        if execute(tx, &UPDATE_HOUSEHOLD, values).await? != 1 {
            return Err(StoreError::Stale {
                expected: current.version,
                current: version,
            });
        }
        let village = &changed.address.village;
        if *village != current.record.address.village {
            execute(
                tx,
                "UPDATE persons SET village_code = $1 WHERE household_id = $2",
                vec![
                    Value::Text(village.to_string()),
                    Value::Text(changed.id.to_string()),
                ],
            )
            .await?;
        }
        keep_change(
            tx,
            actor,
            Change {
                kind: "household",
                record_id: changed.id.to_string(),
                village,
                version,
                change: ChangeKind::Updated,
                reason,
                before: json(&current.record)?,
                after: json(changed)?,
                detail: format!("version={version} {detail}").trim().to_string(),
            },
        )
        .await?;
        Ok(version)
    }

    /// Adds a member to a household in scope.
    pub async fn add_person(&self, actor: &Actor, person: &Person, reason: &str) -> Result<i64> {
        require(actor, Action::WriteRegister)?;
        check_reason(reason)?;
        let mut tx = self.begin().await?;
        self.add_person_in(&mut tx, actor, person, reason).await?;
        tx.commit().await?;
        Ok(1)
    }

    /// Inserts a member inside the caller's transaction, with history and audit. Used by
    /// direct entry and by the period close.
    pub(crate) async fn add_person_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        person: &Person,
        reason: &str,
    ) -> Result<()> {
        let household = self
            .fetch_household(tx, actor, person.household_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.check_nik_free(tx, actor, person).await?;
        let village = &household.record.address.village;
        let now = self.now_text();
        match execute(
            tx,
            &INSERT_PERSON,
            person_values(person, village, 1, &now, &self.keys()),
        )
        .await
        {
            Err(StoreError::Database(e)) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    indonesian: format!("id anggota {} sudah ada", person.id),
                    english: format!("person id {} already exists", person.id),
                });
            }
            other => other?,
        };
        keep_change(
            tx,
            actor,
            Change {
                kind: "person",
                record_id: person.id.to_string(),
                village,
                version: 1,
                change: ChangeKind::Created,
                reason,
                before: None,
                after: json(person)?,
                detail: format!("household={}", person.household_id),
            },
        )
        .await?;
        Ok(())
    }

    /// Changes a person's fields (not the household: moving a member is a proposal).
    pub async fn update_person(
        &self,
        actor: &Actor,
        changed: &Person,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        require(actor, Action::WriteRegister)?;
        check_reason(reason)?;
        let mut tx = self.begin().await?;
        let version = self
            .change_person_in(&mut tx, actor, changed, expected_version, reason)
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Changes a person inside the caller's transaction (version checked, NIK kept unique,
    /// history and audit kept). Used by edits and by the period close.
    pub(crate) async fn change_person_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        changed: &Person,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        let (current, village) = self
            .fetch_person(tx, actor, changed.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.change_person_from(
            tx,
            actor,
            current,
            &village,
            changed,
            expected_version,
            reason,
        )
        .await
    }

    /// `change_person_in` for a person already read in this transaction (`current`, living in
    /// `village`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn change_person_from(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: Versioned<Person>,
        village: &RegionCode,
        changed: &Person,
        expected_version: i64,
        reason: &str,
    ) -> Result<i64> {
        check_reason(reason)?;
        if current.version != expected_version {
            return Err(StoreError::Stale {
                expected: expected_version,
                current: current.version,
            });
        }
        if changed.household_id != current.record.household_id {
            return Err(StoreError::invalid_text(
                "anggota tidak dapat dipindah rumah tangga dengan perbaikan data; ajukan usulan pindah",
                "a member cannot change household by an edit; propose a move",
            ));
        }
        // Only a NIK that changes can newly clash (a legacy duplicate is verivali's business).
        if changed.nik != current.record.nik {
            self.check_nik_free(tx, actor, changed).await?;
        }
        let version = current.version + 1;
        let now = self.now_text();
        let values = update_values(
            PERSON_COLUMNS,
            person_values(changed, village, version, &now, &self.keys()),
            changed.id.to_string(),
            expected_version,
        );
        if execute(tx, &UPDATE_PERSON, values).await? != 1 {
            return Err(StoreError::Stale {
                expected: expected_version,
                current: version,
            });
        }
        keep_change(
            tx,
            actor,
            Change {
                kind: "person",
                record_id: changed.id.to_string(),
                village,
                version,
                change: ChangeKind::Updated,
                reason,
                before: json(&current.record)?,
                after: json(changed)?,
                detail: format!("version={version}"),
            },
        )
        .await?;
        Ok(version)
    }

    /// Takes back one kept change inside the caller's transaction (a period close that did not
    /// finish): a record it created is removed (a household with the members created with it),
    /// a record it changed is put back as `before` at the version before, and the kept change
    /// itself is removed. Changes of one record are taken back newest first.
    pub(crate) async fn take_back_change(&self, tx: &mut Tx, kept: &KeptChange) -> Result<()> {
        let (history_id, kind, record_id, version, change, before) = (
            kept.id.as_str(),
            kept.kind.as_str(),
            kept.record_id.as_str(),
            kept.version,
            kept.change,
            kept.before.as_deref(),
        );
        let id = || Value::Text(record_id.to_string());
        let now = self.now_text();
        let corrupt = || StoreError::Corrupt(format!("record_history {history_id}"));
        match (kind, change, before) {
            ("household", ChangeKind::Created, _) => {
                execute(
                    tx,
                    "DELETE FROM persons WHERE household_id = $1",
                    vec![id()],
                )
                .await?;
                execute(
                    tx,
                    "DELETE FROM evidence_photos WHERE household_id = $1",
                    vec![id()],
                )
                .await?;
                execute(tx, "DELETE FROM households WHERE id = $1", vec![id()]).await?;
            }
            ("person", ChangeKind::Created, _) => {
                execute(tx, "DELETE FROM persons WHERE id = $1", vec![id()]).await?;
            }
            ("household", ChangeKind::Updated, Some(before)) => {
                let before: Household = serde_json::from_str(before).map_err(|_| corrupt())?;
                let values = update_values(
                    HOUSEHOLD_COLUMNS,
                    household_values(&before, version - 1, &now, None)?,
                    record_id.to_string(),
                    version,
                );
                if execute(tx, &UPDATE_HOUSEHOLD, values).await? != 1 {
                    return Err(corrupt());
                }
                execute(
                    tx,
                    "UPDATE persons SET village_code = $1 WHERE household_id = $2",
                    vec![Value::Text(before.address.village.to_string()), id()],
                )
                .await?;
            }
            ("person", ChangeKind::Updated, Some(before)) => {
                let before: Person = serde_json::from_str(before).map_err(|_| corrupt())?;
                // The member lives where its household is now (a move taken back after it
                // moves the members back too).
                let village = with_tx!(tx, c => {
                    sqlx::query("SELECT village_code FROM persons WHERE id = $1")
                        .bind(record_id)
                        .fetch_optional(&mut **c)
                        .await?
                        .map(|r| r.text("village_code"))
                        .transpose()?
                });
                let village = village
                    .and_then(|v| RegionCode::parse(&v).ok())
                    .ok_or_else(corrupt)?;
                let values = update_values(
                    PERSON_COLUMNS,
                    person_values(&before, &village, version - 1, &now, &self.keys()),
                    record_id.to_string(),
                    version,
                );
                if execute(tx, &UPDATE_PERSON, values).await? != 1 {
                    return Err(corrupt());
                }
            }
            _ => return Err(corrupt()),
        }
        tx.register_changes();
        execute(
            tx,
            "DELETE FROM record_history WHERE id = $1",
            vec![Value::Text(history_id.to_string())],
        )
        .await?;
        Ok(())
    }

    /// The current version of a person in scope, inside the caller's transaction.
    pub(crate) async fn person_for_write(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: PersonId,
    ) -> Result<(Versioned<Person>, RegionCode)> {
        self.fetch_person(tx, actor, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Every kept change of a household or person in scope, oldest first. Audited, since the
    /// before/after texts hold personal data.
    pub async fn history(&self, actor: &Actor, record_id: &str) -> Result<Vec<HistoryEntry>> {
        require(actor, Action::ReadRegister)?;
        let (low, high) = actor.scope.village_range();
        let mut tx = self.begin_read().await?;
        let entries = with_tx!(&mut tx, c => {
            let rows = sqlx::query(
                "SELECT * FROM record_history WHERE record_id = $1 \
                 AND village_code >= $2 AND village_code < $3 ORDER BY version, at",
            )
            .bind(record_id)
            .bind(low)
            .bind(high)
            .fetch_all(&mut **c)
            .await?;
            rows.iter().map(|r| history_entry(r, &self.keys())).collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        if let Some(last) = entries.last() {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "history.view",
                    target_kind: last.record_kind.key(),
                    target_id: record_id.to_string(),
                    region_code: last.village_code.to_string(),
                    detail: format!("entries={}", entries.len()),
                },
            )
            .await?;
        }
        Ok(entries)
    }

    /// Every kept change of a household in scope and of the members named, oldest first, in
    /// one read: the household page's history. Audited once, for the household, since the
    /// before/after texts hold personal data.
    pub async fn household_history(
        &self,
        actor: &Actor,
        household: HouseholdId,
        members: &[PersonId],
    ) -> Result<Vec<HistoryEntry>> {
        require(actor, Action::ReadRegister)?;
        let (low, high) = actor.scope.village_range();
        let ids: Vec<String> = std::iter::once(household.to_string())
            .chain(members.iter().map(|m| m.to_string()))
            .collect();
        let sql = format!(
            "SELECT * FROM record_history WHERE village_code >= $1 AND village_code < $2 \
             AND record_id IN ({}) ORDER BY at, version",
            (3..3 + ids.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let values = [Value::Text(low), Value::Text(high)]
            .into_iter()
            .chain(ids.into_iter().map(Value::Text));
        let mut tx = self.begin_read().await?;
        let entries = with_tx!(&mut tx, c => {
            let rows = bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), values)
                .fetch_all(&mut **c)
                .await?;
            rows.iter().map(|r| history_entry(r, &self.keys())).collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        if let Some(last) = entries.last() {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "history.view",
                    target_kind: RecordKind::Household.key(),
                    target_id: household.to_string(),
                    region_code: last.village_code.to_string(),
                    detail: format!("records={} entries={}", members.len() + 1, entries.len()),
                },
            )
            .await?;
        }
        Ok(entries)
    }

    /// A page of households inside the scope (and the filter's region), by village and id.
    /// Audited, since the list names each household's head.
    pub async fn list_households(
        &self,
        actor: &Actor,
        filter: &HouseholdFilter,
    ) -> Result<Vec<HouseholdSummary>> {
        require(actor, Action::ReadRegister)?;
        let range = match &filter.region {
            Some(region) if actor.scope.contains(region) => region.village_range(),
            Some(_) => return Ok(Vec::new()),
            None => actor.scope.village_range(),
        };
        // One text per kind of search, so that each uses its own index on both engines.
        let (sql, keys): (&str, Vec<String>) = match &filter.search {
            None => (LIST_ALL, vec![String::new(), String::new()]),
            // Through the blind indexes: the numbers themselves are sealed.
            Some(SearchQuery::IdNumber(n)) => (
                LIST_BY_ID_NUMBER,
                vec![
                    self.keys().blind(Blind::Nik, n),
                    self.keys().blind(Blind::NoKk, n),
                ],
            ),
            Some(search @ SearchQuery::Text(t)) => {
                let (low, high) = prefix_range(t);
                let area = filter.region.clone().or_else(|| match &actor.scope {
                    siks_domain::Scope::Region(code) => Some(code.clone()),
                    siks_domain::Scope::Nation => None,
                });
                let level = area.as_ref().map(|r| r.level());
                let narrow = matches!(level, Some(RegionLevel::Village | RegionLevel::District));
                let code = area.map(|a| a.to_string()).unwrap_or_default();
                match (search.sorted_words(), level) {
                    (Some(sorted), _) => {
                        let (sorted_low, sorted_high) = prefix_range(&sorted);
                        let (sql, code) = match level {
                            _ if narrow => (LIST_BY_NAME_EITHER_ORDER_NARROW, None),
                            Some(RegionLevel::Regency) => {
                                (LIST_BY_NAME_EITHER_ORDER_REGENCY, Some(code))
                            }
                            Some(RegionLevel::Province) => {
                                (LIST_BY_NAME_EITHER_ORDER_PROVINCE, Some(code))
                            }
                            _ => (LIST_BY_NAME_EITHER_ORDER_WIDE, None),
                        };
                        let mut keys = vec![low, high, sorted_low, sorted_high];
                        keys.extend(code);
                        (sql, keys)
                    }
                    _ if narrow => (LIST_BY_NAME_NARROW, vec![low, high]),
                    (None, Some(RegionLevel::Regency)) => {
                        (LIST_BY_NAME_REGENCY, vec![low, high, code])
                    }
                    (None, Some(RegionLevel::Province)) => {
                        (LIST_BY_NAME_PROVINCE, vec![low, high, code])
                    }
                    (None, _) => (LIST_BY_NAME_WIDE, vec![low, high]),
                }
            }
            Some(SearchQuery::Address(a)) => {
                // LIKE's own wildcards in the text are taken literally.
                let literal: String = a.chars().filter(|c| !matches!(c, '%' | '_')).collect();
                (LIST_BY_ADDRESS, vec![format!("%{literal}%"), String::new()])
            }
            Some(SearchQuery::RtRw { rt, rw }) => (
                LIST_BY_RT_RW,
                vec![
                    rt.clone().unwrap_or_default(),
                    rw.clone().unwrap_or_default(),
                ],
            ),
        };
        // What was searched for, as the audit log may hold it: the kind, and the term's keyed
        // hash (the same term searched again shows, the term itself never does).
        let searched = match &filter.search {
            None => String::new(),
            Some(SearchQuery::IdNumber(n)) => {
                format!(" search=id_number term={}", self.audit_term("id_number", n))
            }
            Some(SearchQuery::Text(t)) => {
                format!(" search=name term={}", self.audit_term("name", t))
            }
            Some(SearchQuery::Address(a)) => {
                format!(" search=address term={}", self.audit_term("address", a))
            }
            Some(SearchQuery::RtRw { rt, rw }) => format!(
                " search=rt_rw term={}",
                self.audit_term(
                    "rt_rw",
                    &format!(
                        "{}/{}",
                        rt.as_deref().unwrap_or(""),
                        rw.as_deref().unwrap_or("")
                    )
                )
            ),
        };
        let limit = i64::from(filter.limit.clamp(1, 1000));
        let mut tx = self.begin_read().await?;
        let list = with_tx!(&mut tx, c => {
            let mut query = sqlx::query(sql)
                .bind(range.0)
                .bind(range.1)
                .bind(filter.status.clone().unwrap_or_default())
                .bind(limit)
                .bind(i64::from(filter.offset));
            for key in &keys {
                query = query.bind(key.clone());
            }
            let rows = query.fetch_all(&mut **c).await?;
            rows.iter()
                .map(|r| {
                    let corrupt = || StoreError::Corrupt("households".into());
                    Ok(HouseholdSummary {
                        id: r.text("id")?.parse().map_err(|_| corrupt())?,
                        village: RegionCode::parse(&r.text("village_code")?).map_err(|_| corrupt())?,
                        rt: r.text("rt")?,
                        rw: r.text("rw")?,
                        street: r.text("street")?,
                        status: RegistryStatus::from_parts(
                            &r.text("status")?,
                            r.opt_int("inactive_reason")?.and_then(|c| u8::try_from(c).ok()),
                        )
                        .map_err(|_| corrupt())?,
                        members: r.int("members")?,
                        head_name: r.opt_text("head_name")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        tx.commit().await?;
        self.audit_view(
            actor,
            AuditEvent {
                action: "household.list",
                target_kind: "region",
                target_id: filter
                    .region
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| actor.scope.key()),
                region_code: filter
                    .region
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| actor.scope.key()),
                detail: format!("rows={}{searched}", list.len()),
            },
        )
        .await?;
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_statements_skip_fixed_columns_and_number_in_order() {
        let sql = update_sql("t", &["id", "a", "created_at", "b"]);
        assert_eq!(
            sql,
            "UPDATE t SET a = $2, b = $3 WHERE id = $1 AND version = $4"
        );
        let values = update_values(
            &["id", "a", "created_at", "b"],
            vec![
                Value::Text("x".into()),
                Value::Int(1),
                Value::Text("now".into()),
                Value::Int(2),
            ],
            "x".into(),
            7,
        );
        assert_eq!(
            values,
            vec![
                Value::Text("x".into()),
                Value::Int(1),
                Value::Int(2),
                Value::Int(7)
            ]
        );
    }
}
