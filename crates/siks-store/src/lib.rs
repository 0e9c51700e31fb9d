//! The siks database: one SQL text for embedded SQLite and PostgreSQL, chosen at start-up by URL.
//! Every read and write takes the acting user and is scoped to its region in here, not in the
//! callers; every change of a record is kept in `record_history`; every write and every view of a
//! person is appended to the hash-chained `audit_log`.
#![forbid(unsafe_code)]

pub mod audit;
pub mod audit_archive;
pub mod audit_key;
pub mod backup;
#[cfg(feature = "bench")]
pub mod bench;
mod bulk;
pub mod citizen_requests;
pub mod documents;
pub mod durability;
mod error;
pub mod export;
pub mod findings;
pub mod import;
pub mod jobs;
mod kept;
pub mod lists;
pub mod periods;
pub mod photos;
pub mod programmes;
pub mod proposals;
pub mod ranking;
mod records;
mod register;
pub mod reports;
pub mod retention;
mod schema;
pub mod sealing;
pub mod second_factor;
mod sessions;
pub mod social;
mod sql;
pub mod stats;
pub mod tokens;
pub mod uploads;
mod users;
pub mod view_journal;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use audit::{AuditEntry, AuditVerification};
pub use error::StoreError;
pub use register::{HistoryEntry, HouseholdFilter, HouseholdSummary, HouseholdView, Versioned};
pub use schema::SYSTEM_USERNAME;
pub use sessions::{Factor, LoginGate, NewSession, Session, SessionPolicy, random_token};
pub use sql::Value;
pub use stats::{Quality, RegionQuality, RegionStats, Stats, StatusCounts};
pub use users::{NewUser, UserRecord, may_manage};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Whether opening may create a new, empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Refuse a database that does not exist: a typo must not create an empty registry.
    MustExist,
    /// Create the SQLite file if missing (`siks init`). PostgreSQL databases are created by
    /// their administrator; this mode only connects.
    CreateIfMissing,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Creates a missing database file readable and writable by its owner only (0600): it holds the
/// register's personal data. SQLite gives its journal and WAL the database file's mode. A file
/// that exists keeps its mode (a start-up check that says so is issue 18's item 7).
fn create_private(path: &std::path::Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Database(sqlx::Error::Io(e))),
    }
}

/// How long a SQLite writer waits for the one write lock before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// SQLite has one writer at a time, and its busy handler lets a waiting writer in only when
    /// its polling happens to fall between two transactions: a bulk writer's long run of short
    /// transactions (a check run's findings, chunk by chunk) would starve a page's one-line
    /// audit write for seconds. A bulk writer takes this lock exclusively for each of its
    /// transactions and every other writer takes it shared: the lock is fair, so the writers
    /// that arrive during a chunk go before the next chunk, while ordinary writers among
    /// themselves meet only at SQLite's own lock, as before (queueing them all one by one here
    /// cost a search's p99 5 ms → 88 ms at 500 requests a second). PostgreSQL locks rows, not
    /// the database, and needs none of this.
    write_queue: std::sync::Arc<tokio::sync::RwLock<()>>,
    /// What time it is: the system's, or a test's [`ManualClock`](siks_domain::clock::ManualClock).
    clock: std::sync::Arc<dyn siks_domain::clock::Clock>,
    /// Counts of provinces and the nation, kept until the register's generation moves.
    kept: std::sync::Arc<std::sync::Mutex<kept::KeptCounts>>,
    /// The audit chain's key (`None`: plain SHA-256 links, as before the key; the command line
    /// always gives one, see [`Store::use_audit_key`]).
    audit_key: Option<std::sync::Arc<audit_key::AuditKey>>,
    /// The keys that seal a person's specific data and index their numbers (this process's own
    /// until told the deployment's file, see [`Store::use_field_keys`]).
    field_keys: std::sync::Arc<std::sync::RwLock<std::sync::Arc<sealing::FieldKeys>>>,
    /// SQLite's writers' own connections: a writer waiting for the one write lock (behind a
    /// bulk write) holds one of these, never one of the readers' (`pool`), so reads go on.
    /// `None` on PostgreSQL and for a database in memory (each connection its own database).
    sqlite_writers: Option<SqlitePool>,
    /// Where the server records views first (see [`view_journal`]); `None`: straight into the
    /// audit log.
    view_journal: Option<std::sync::Arc<view_journal::ViewJournal>>,
    /// The account the public side acts as (the system's), once read: the public check asks
    /// for it at every query.
    public_actor: std::sync::Arc<std::sync::OnceLock<siks_domain::Actor>>,
    /// Sessions whose idle clock is being refreshed now: one refresh a session at a time, so
    /// that a bulk write holding the lock does not pile them up.
    refreshing: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// At most how long one of a period close's transactions writes, below its pace (`None`:
    /// the pace alone; see [`Store::with_close_slice`]).
    close_slice: Option<Duration>,
    /// The PostgreSQL database's URL, for `pg_dump` (a backup); `None` on SQLite.
    postgres_url: Option<std::sync::Arc<String>>,
}

impl Store {
    /// Opens `sqlite://PATH` (also `sqlite:PATH`) or `postgres://…`/`postgresql://…`.
    pub async fn open(url: &str, mode: OpenMode) -> Result<Store> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            let exists = std::path::Path::new(path).exists();
            if !exists && mode == OpenMode::MustExist {
                return Err(StoreError::DatabaseMissing(url.to_string()));
            }
            // `:memory:` and the like are no file.
            if !exists && mode == OpenMode::CreateIfMissing && !path.starts_with(':') {
                create_private(std::path::Path::new(path))?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(mode == OpenMode::CreateIfMissing)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                .pragma("cache_size", "-65536")
                // Reads through a memory map instead of a system call per page: lists, rankings
                // and reports read a register of gigabytes.
                .pragma("mmap_size", "17179869184");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options.clone())
                .await?;
            // Two: one writing, one waiting its turn; more would only wait longer.
            let sqlite_writers = if path.starts_with(':') {
                None
            } else {
                Some(
                    SqlitePoolOptions::new()
                        .max_connections(2)
                        .acquire_timeout(SQLITE_BUSY_TIMEOUT)
                        .connect_with(options)
                        .await?,
                )
            };
            return Ok(Store {
                pool: Pool::Sqlite(pool),
                write_queue: Default::default(),
                clock: std::sync::Arc::new(siks_domain::clock::SystemClock),
                kept: Default::default(),
                audit_key: None,
                field_keys: std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(
                    sealing::FieldKeys::of_this_process(),
                ))),
                sqlite_writers,
                view_journal: None,
                public_actor: Default::default(),
                refreshing: Default::default(),
                close_slice: None,
                postgres_url: None,
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options =
                PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(15))
                .connect_with(options)
                .await
                .map_err(|e| match &e {
                    // 3D000: invalid_catalog_name, the database does not exist.
                    sqlx::Error::Database(d) if d.code().as_deref() == Some("3D000") => {
                        StoreError::DatabaseMissing(redact_url(url))
                    }
                    _ => StoreError::Database(e),
                })?;
            return Ok(Store {
                pool: Pool::Postgres(pool),
                write_queue: Default::default(),
                clock: std::sync::Arc::new(siks_domain::clock::SystemClock),
                kept: Default::default(),
                audit_key: None,
                field_keys: std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(
                    sealing::FieldKeys::of_this_process(),
                ))),
                sqlite_writers: None,
                view_journal: None,
                public_actor: Default::default(),
                refreshing: Default::default(),
                close_slice: None,
                postgres_url: Some(std::sync::Arc::new(url.to_string())),
            });
        }
        Err(StoreError::BadUrl(redact_url(url)))
    }

    /// The same store cutting a period close's transactions after `time` at most (a story's
    /// zero cuts after every proposal, so that a failure after committed transactions shows
    /// that they are taken back).
    pub fn with_close_slice(mut self, time: Duration) -> Store {
        self.close_slice = Some(time);
        self
    }

    /// The keys sealing the specific data this store writes.
    pub fn field_keys(&self) -> std::sync::Arc<sealing::FieldKeys> {
        self.keys()
    }

    /// The field keys in use now (a rotation may replace them while the store is open).
    pub(crate) fn keys(&self) -> std::sync::Arc<sealing::FieldKeys> {
        // A writer never panics while holding the lock (it only swaps an Arc).
        self.field_keys
            .read()
            .map(|k| k.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The NIK in a person's sealed `identity`.
    pub(crate) fn sealed_nik(&self, identity: &str) -> Result<String> {
        Ok(records::open_identity(&self.keys(), identity)?.0)
    }

    /// The same store reading the time from `clock` (a test's manual clock).
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn siks_domain::clock::Clock>) -> Store {
        self.clock = clock;
        self
    }

    /// The current time, by the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today's date at the ministry (WIB, UTC+7): the date that says whether a period's month
    /// has begun.
    pub fn ministry_today(&self) -> chrono::NaiveDate {
        (self.clock.now() + chrono::Duration::hours(7)).date_naive()
    }

    /// The current time as stored (RFC 3339, microseconds, UTC).
    pub(crate) fn now_text(&self) -> String {
        sql::time_text(self.clock.now())
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn close(&self) {
        if let Some(writers) = &self.sqlite_writers {
            writers.close().await;
        }
        with_pool!(self, p => p.close().await)
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite, so that writers queue at the
    /// start instead of failing at their first write).
    pub(crate) async fn begin(&self) -> Result<sql::Tx> {
        self.begin_write(false).await
    }

    /// Begins one transaction of a bulk writer's run of many (see `write_queue`).
    pub(crate) async fn begin_bulk(&self) -> Result<sql::Tx> {
        self.begin_write(true).await
    }

    async fn begin_write(&self, bulk: bool) -> Result<sql::Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                // Past the busy timeout, go to SQLite's own waiting as before: the lock only
                // orders writers, it must never be what a writer waits on for ever.
                let queue = self.write_queue.clone();
                let turn = if bulk {
                    tokio::time::timeout(SQLITE_BUSY_TIMEOUT, queue.write_owned())
                        .await
                        .ok()
                        .map(sql::WriteTurn::Exclusive)
                } else {
                    tokio::time::timeout(SQLITE_BUSY_TIMEOUT, queue.read_owned())
                        .await
                        .ok()
                        .map(sql::WriteTurn::Shared)
                };
                let writers = self.sqlite_writers.as_ref().unwrap_or(p);
                let mut tx = sql::Tx::new(
                    sql::Conn::Sqlite(writers.begin_with("BEGIN IMMEDIATE").await?),
                    self.clock.clone(),
                    self.audit_key.clone(),
                    self.keys(),
                );
                tx.write_turn = turn;
                tx
            }
            Pool::Postgres(p) => sql::Tx::new(
                sql::Conn::Postgres(p.begin().await?),
                self.clock.clone(),
                self.audit_key.clone(),
                self.keys(),
            ),
        })
    }
}

impl Store {
    /// Begins a read-only transaction: a consistent snapshot that never takes the write lock, so
    /// that reads run side by side (SQLite WAL) while writers queue.
    pub(crate) async fn begin_read(&self) -> Result<sql::Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => sql::Tx::new(
                sql::Conn::Sqlite(p.begin().await?),
                self.clock.clone(),
                self.audit_key.clone(),
                self.keys(),
            ),
            Pool::Postgres(p) => sql::Tx::new(
                sql::Conn::Postgres(p.begin().await?),
                self.clock.clone(),
                self.audit_key.clone(),
                self.keys(),
            ),
        })
    }

    /// After a write of millions of rows: folds SQLite's write-ahead log back into the database
    /// and empties it. Until the log restarts, every page a reader looks up is searched for in
    /// the log's index first, and with a log of a gigabyte that search was a sixth of building
    /// the lists that follow a ranking. Best effort: a reader still on an old snapshot makes the
    /// checkpoint stop short, which is harmless. Nothing to do on PostgreSQL.
    pub(crate) async fn settle_after_bulk_write(&self) -> Result<()> {
        if let Pool::Sqlite(p) = &self.pool {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// Records a view in the audit log in a short write transaction of its own; the caller
    /// returns the data only after this succeeded.
    pub(crate) async fn audit_view(
        &self,
        actor: &siks_domain::Actor,
        event: audit::AuditEvent<'_>,
    ) -> Result<()> {
        if let Some(journal) = &self.view_journal {
            return journal
                .record(&audit::entry_of(actor, event, self.now_text()))
                .await;
        }
        let mut tx = self.begin().await?;
        audit::append(&mut tx, actor, event).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(crate) use sql::with_pool;

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_do_not_reach_messages() {
        assert_eq!(
            super::redact_url("postgres://siks:secret@localhost/db"),
            "postgres://siks:***@localhost/db"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
