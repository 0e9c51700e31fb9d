//! The engine-neutral plumbing: the pool and transaction of either engine, the macros that run
//! one SQL text on whichever engine is open, bind values, and row cells read by column name.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Database, Encode, Postgres, Row, Sqlite, Type};

/// An open transaction on either engine, with the audit entries it has appended so far: they are
/// chained and written together when it commits (see `audit::append`).
pub(crate) struct Tx {
    pub(crate) conn: Conn,
    pub(crate) audit: Vec<crate::audit::PendingEntry>,
    /// A SQLite writer's place at the head of the store's write queue, given up when the
    /// transaction ends (committed or dropped).
    pub(crate) write_turn: Option<WriteTurn>,
    /// The store's clock, for the times this transaction writes.
    clock: std::sync::Arc<dyn siks_domain::clock::Clock>,
    /// Whether it changes who is active where (persons, households, desil) or a finding: the
    /// register's generation moves with its commit, so that the counts a server keeps for a
    /// province or the nation are read afresh (ADR 0017).
    register_changed: bool,
    /// The audit chain's key, for the entries this transaction appends.
    pub(crate) audit_key: Option<std::sync::Arc<crate::audit_key::AuditKey>>,
    /// The keys that seal the specific data this transaction writes or reads.
    pub(crate) keys: std::sync::Arc<crate::sealing::FieldKeys>,
}

/// The engine's own transaction.
pub(crate) enum Conn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the pool of whichever engine the store has open.
macro_rules! with_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$p` bound to the pool a statement that writes outside a transaction
/// takes: SQLite's writers' connections (so that its wait for the write lock holds no reader's
/// connection), or PostgreSQL's one pool.
macro_rules! with_writers {
    ($store:expr, $p:ident => $body:expr) => {
        match (&$store.pool, &$store.sqlite_writers) {
            (_, Some($p)) => $body,
            ($crate::Pool::Sqlite($p), None) => $body,
            ($crate::Pool::Postgres($p), None) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of the open transaction (`&mut **$c`).
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut ($tx).conn {
            $crate::sql::Conn::Sqlite($c) => $body,
            $crate::sql::Conn::Postgres($c) => $body,
        }
    };
}

pub(crate) use {with_pool, with_tx, with_writers};

/// An index dropped for a bulk update by [`drop_index_for_bulk_update`]: the statement that
/// builds it again.
#[must_use = "an index dropped for a bulk update must be built again"]
pub(crate) struct DroppedIndex(Option<String>);

/// On SQLite, drops the index `name` inside `tx` so that a bulk update does not move its entries
/// one by one; [`rebuild_index`] builds it again, as the schema defines it, before the commit.
/// Readers keep the old index until then. On PostgreSQL nothing happens: dropping an index
/// there locks the table against every reader until the commit.
pub(crate) async fn drop_index_for_bulk_update(
    tx: &mut Tx,
    name: &str,
) -> Result<DroppedIndex, sqlx::Error> {
    let Conn::Sqlite(c) = &mut tx.conn else {
        return Ok(DroppedIndex(None));
    };
    let sql: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
            .bind(name)
            .fetch_optional(&mut **c)
            .await?
            .flatten();
    if sql.is_some() {
        // A name from our own code, checked against the schema just above.
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX {name}")))
            .execute(&mut **c)
            .await?;
    }
    Ok(DroppedIndex(sql))
}

/// Builds an index dropped by [`drop_index_for_bulk_update`] again.
pub(crate) async fn rebuild_index(tx: &mut Tx, dropped: DroppedIndex) -> Result<(), sqlx::Error> {
    if let (Conn::Sqlite(c), Some(sql)) = (&mut tx.conn, dropped.0) {
        // The schema's own statement, read from it.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut **c)
            .await?;
    }
    Ok(())
}

/// A SQLite writer's hold on the store's write lock (see `Store::write_queue`), given up when
/// the transaction ends.
pub(crate) enum WriteTurn {
    Shared(#[allow(dead_code)] tokio::sync::OwnedRwLockReadGuard<()>),
    Exclusive(#[allow(dead_code)] tokio::sync::OwnedRwLockWriteGuard<()>),
}

impl Tx {
    pub(crate) fn new(
        conn: Conn,
        clock: std::sync::Arc<dyn siks_domain::clock::Clock>,
        audit_key: Option<std::sync::Arc<crate::audit_key::AuditKey>>,
        keys: std::sync::Arc<crate::sealing::FieldKeys>,
    ) -> Tx {
        Tx {
            conn,
            audit: Vec::new(),
            write_turn: None,
            clock,
            register_changed: false,
            audit_key,
            keys,
        }
    }

    /// Marks the transaction as one that changes the register's counts (see `register_changed`).
    pub(crate) fn register_changes(&mut self) {
        self.register_changed = true;
    }

    /// The current time as stored, by the store's clock.
    pub(crate) fn now_text(&self) -> String {
        time_text(self.clock.now())
    }

    /// Writes the pending audit entries, then commits.
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let pending = std::mem::take(&mut self.audit);
        crate::audit::flush(&mut self, pending).await?;
        if self.register_changed {
            // Last, so that on PostgreSQL the one row every register write shares is locked
            // for the shortest time and always after the rows the write itself locked.
            with_tx!(&mut self, c => {
                sqlx::query(BUMP_REGISTER_GENERATION).execute(&mut **c).await?;
            });
        }
        let committed = match self.conn {
            Conn::Sqlite(t) => t.commit().await,
            Conn::Postgres(t) => t.commit().await,
        };
        drop(self.write_turn);
        committed
    }
}

/// Moves the register's generation on, inside a transaction that changed it.
const BUMP_REGISTER_GENERATION: &str =
    "UPDATE data_generations SET value = value + 1 WHERE name = 'register'";

/// Tables whose rows make the register's counts: a write to one moves its generation.
const REGISTER_TABLES: [&str; 3] = ["persons", "households", "findings"];

/// Rows per multi-row statement of `insert_rows` (under both engines' parameter limits).
const ROWS_PER_INSERT: usize = 400;

/// Inserts many rows with as few statements as the engines allow, inside the transaction. The
/// rows are taken lazily, a statement's worth at a time, so a million need not sit in memory.
pub(crate) async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> Result<(), sqlx::Error> {
    insert_rows_with(tx, table, columns, "", rows).await
}

/// [`insert_rows`] with a clause after each statement's values (`ON CONFLICT … DO NOTHING`).
pub(crate) async fn insert_rows_with(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    clause: &str,
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> Result<(), sqlx::Error> {
    if REGISTER_TABLES.contains(&table) {
        tx.register_changes();
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        let mut sql = match &tx.conn {
            Conn::Sqlite(_) => sqlite_bulk_insert(table, columns, chunk.len()),
            Conn::Postgres(_) => multi_row_insert(table, columns, chunk.len()),
        };
        if !clause.is_empty() {
            sql.push(' ');
            sql.push_str(clause);
        }
        with_tx!(tx, c => {
            bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk.into_iter().flatten())
                .execute(&mut **c)
                .await?;
        });
    }
    Ok(())
}

/// One value to bind; rows are lists of these so that the same list serves single inserts,
/// multi-row inserts and PostgreSQL COPY.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    OptFloat(Option<f64>),
    Bool(bool),
}

/// Binds a list of values, in order, to a query of either engine.
pub(crate) fn bind_values<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments>,
    values: impl IntoIterator<Item = Value>,
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments>
where
    DB: Database,
    String: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
{
    for v in values {
        query = match v {
            Value::Text(s) => query.bind(s),
            Value::OptText(s) => query.bind(s),
            Value::Int(i) => query.bind(i),
            Value::OptInt(i) => query.bind(i),
            Value::OptFloat(f) => query.bind(f),
            Value::Bool(b) => query.bind(b),
        };
    }
    query
}

/// Appends one row in PostgreSQL's COPY CSV format (text always quoted, so that an empty text
/// stays distinct from NULL, which is an unquoted empty field).
pub(crate) fn copy_csv_row(out: &mut Vec<u8>, row: &[Value]) {
    use std::io::Write;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let mut text = |s: &str| {
            out.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        };
        match v {
            Value::Text(s) | Value::OptText(Some(s)) => text(s),
            Value::Int(n) | Value::OptInt(Some(n)) => {
                let _ = write!(out, "{n}");
            }
            Value::OptFloat(Some(f)) => {
                let _ = write!(out, "{f}");
            }
            Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
            Value::OptText(None) | Value::OptInt(None) | Value::OptFloat(None) => {}
        }
    }
    out.push(b'\n');
}

/// `INSERT INTO table (cols) VALUES ($1, …), (…)` for `rows` rows: one text for both engines.
pub(crate) fn multi_row_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
    sql
}

/// The same multi-row insert with anonymous `?` placeholders, for SQLite's bulk path only.
///
/// SQLite looks a numbered parameter's name up by a linear scan, so binding a statement of n
/// `$N` parameters costs n²: 400 rows of 32 columns spent 90 % of an import there. Anonymous
/// parameters bind in constant time. This is the one place the SQL text differs by engine,
/// as bulk loading does anyway (PostgreSQL uses COPY).
pub(crate) fn sqlite_bulk_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

/// Reads cells of a result row by column name, on either engine.
pub(crate) trait Cells {
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    fn opt_float(&self, col: &str) -> Result<Option<f64>, sqlx::Error>;
    fn flag(&self, col: &str) -> Result<bool, sqlx::Error>;
}

macro_rules! impl_cells {
    ($row:ty) => {
        impl Cells for $row {
            fn text(&self, col: &str) -> Result<String, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(col)
            }
            fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_float(&self, col: &str) -> Result<Option<f64>, sqlx::Error> {
                self.try_get(col)
            }
            fn flag(&self, col: &str) -> Result<bool, sqlx::Error> {
                self.try_get(col)
            }
        }
    };
}

impl_cells!(SqliteRow);
impl_cells!(PgRow);

/// The current time as stored: RFC 3339, UTC, microseconds.
/// A time as stored: RFC 3339 in UTC with microseconds, so that text order is time order.
pub(crate) fn time_text(at: chrono::DateTime<chrono::Utc>) -> String {
    siks_domain::clock::Stamp(at).text()
}

/// A stored time read back; text that is not one is a corrupt row (`what` names the column).
pub(crate) fn stamp(text: &str, what: &str) -> crate::Result<siks_domain::clock::Stamp> {
    siks_domain::clock::Stamp::parse(text)
        .ok_or_else(|| crate::StoreError::Corrupt(format!("{what}: not a time")))
}

/// [`stamp`] of a time that may be missing.
pub(crate) fn opt_stamp(
    text: Option<String>,
    what: &str,
) -> crate::Result<Option<siks_domain::clock::Stamp>> {
    text.map(|t| stamp(&t, what)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_keep_empty_text_apart_from_null() {
        let mut out = Vec::new();
        copy_csv_row(
            &mut out,
            &[
                Value::Text(String::new()),
                Value::OptText(None),
                Value::Text("a \"b\", c".into()),
                Value::Int(-3),
                Value::Bool(true),
                Value::OptFloat(Some(1.5)),
            ],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"\",,\"a \"\"b\"\", c\",-3,t,1.5\n"
        );
    }

    #[test]
    fn sqlite_bulk_insert_has_one_anonymous_placeholder_per_cell() {
        assert_eq!(
            sqlite_bulk_insert("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }

    #[test]
    fn multi_row_insert_numbers_every_placeholder() {
        assert_eq!(
            multi_row_insert("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
