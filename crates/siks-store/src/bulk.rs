//! How a bulk writer (an import, a list build) shares the one write lock of SQLite with the
//! people working beside it (issue 18): short transactions while others write, longer ones
//! when nobody has for a while, and after each commit a pause in which the writers of other
//! processes get their turn. On PostgreSQL (row locks) there is no pause.

use std::time::Duration;

use crate::Store;
use crate::error::StoreError;

/// How long one of an bulk writer's transactions writes before it commits while others write too.
/// Each commit costs (at a million persons, 100,000 households took 47 s in transactions of
/// 0.1 s, 43 s of 0.25 s, 34 s of 0.5 s, 30 s of 1 s, against 32 s in one transaction), but the
/// longer they are the longer a writer beside it waits, and the bigger the bursts of disk writes
/// the pages' reads and the view journal's syncs queue behind (beside a server under load and
/// an upload, the operators' p95 was 431 ms with transactions of 0.5 s, 141 ms with 0.1 s).
const WRITE_FOR_BESIDE_OTHERS: Duration = Duration::from_millis(200);
/// How long while nobody else has written for [`BESIDE_OTHERS_FOR`]: a writer arriving then
/// waits at most this (and the pause) once, and from its write on the writer is short again.
const WRITE_FOR_ALONE: Duration = Duration::from_secs(1);
/// How long a bulk writer stays short after it last saw another writer.
const BESIDE_OTHERS_FOR: Duration = Duration::from_secs(10);
/// The pause after each commit on SQLite, where writers of other processes wait in SQLite's
/// busy handler, which looks for a free lock every 100 ms once it has waited a third of a
/// second: a shorter pause can fall between two of its looks, time after time.
const SQLITE_PAUSE: Duration = Duration::from_millis(100);

/// The pace of one bulk writer.
pub(crate) struct Pace {
    sqlite: bool,
    /// Until when its transactions are short: others wrote lately.
    beside_others_until: tokio::time::Instant,
}

impl Pace {
    /// Short from the start: a server may be running.
    pub(crate) fn new(store: &Store) -> Pace {
        Pace {
            sqlite: matches!(store.pool, crate::Pool::Sqlite(_)),
            beside_others_until: tokio::time::Instant::now() + BESIDE_OTHERS_FOR,
        }
    }

    /// How long the open transaction may write: short while others write too, on SQLite.
    pub(crate) fn write_for(&self) -> Duration {
        if self.sqlite && tokio::time::Instant::now() < self.beside_others_until {
            WRITE_FOR_BESIDE_OTHERS
        } else {
            WRITE_FOR_ALONE
        }
    }

    /// After a commit: on SQLite the pause, and whether anyone else wrote during it. Nearly
    /// every write is audited (and a server folds its views in every quarter of a second), so
    /// the audit log's last entry tells, in either process.
    pub(crate) async fn after_commit(&mut self, store: &Store) -> Result<(), StoreError> {
        if !self.sqlite {
            return Ok(());
        }
        let before = store.audit_entries_count().await?;
        tokio::time::sleep(SQLITE_PAUSE).await;
        if store.audit_entries_count().await? != before {
            self.beside_others_until = tokio::time::Instant::now() + BESIDE_OTHERS_FOR;
        }
        Ok(())
    }
}

impl Store {
    /// On SQLite, a pause after one of a bulk writer's commits, so that the writers of other
    /// processes get the lock (see [`SQLITE_PAUSE`]).
    pub(crate) async fn pause_after_bulk_commit(&self) {
        if matches!(self.pool, crate::Pool::Sqlite(_)) {
            tokio::time::sleep(SQLITE_PAUSE).await;
        }
    }
}
