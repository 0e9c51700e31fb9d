//! The audit log's retention (UU 27/2022 Pasal 43(1)b, docs/adr/0023): the entries older than
//! the retention are written, as a chain, into an archive sealed with the deployment's data key
//! (the backup envelope around a small SQLite database), and only then dropped from the
//! database. The chain in the database then begins at a signed start (`audit_start`: the last
//! archived entry's sequence number and hash), so that it still checks from there, and the
//! archive checks on its own from the start before it up to that hash.

use std::path::Path;

use siks_domain::access::Action;
use siks_domain::{Actor, Role, Scope};
use sqlx::{ConnectOptions, Row};

use crate::audit::{AuditEntry, AuditEvent, COLUMNS, GENESIS_HASH};
use crate::backup::{DataKey, Manifest, Removed, SNAPSHOT_PREFIX, create_private, seal_snapshot};
use crate::sql::{Cells, with_pool, with_tx, with_writers};
use crate::{Result, Store, StoreError};

/// Entries read, written to the archive, or dropped at a time.
const PAGE: i64 = 5_000;

/// Where the chain in the database begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditStart {
    /// The last entry archived and dropped (0: none, the chain begins at the genesis hash).
    pub seq: i64,
    /// Its hash, which the first entry left links to.
    pub hash: String,
    /// When it was archived ('' for the genesis).
    pub at: String,
    /// The archive's SHA-256 (of its clear database), as in its manifest.
    pub archive: String,
    pub signature: String,
}

impl AuditStart {
    fn genesis() -> AuditStart {
        AuditStart {
            seq: 0,
            hash: GENESIS_HASH.to_string(),
            at: String::new(),
            archive: String::new(),
            signature: String::new(),
        }
    }

    fn signature_with(&self, key: &crate::audit_key::AuditKey) -> String {
        key.sign(&[
            b"start\0",
            self.seq.to_string().as_bytes(),
            b"\0",
            self.hash.as_bytes(),
            b"\0",
            self.archive.as_bytes(),
        ])
    }

    /// Whether the start is the one a retention run wrote: signed with the store's audit key
    /// (a start without a key is taken as it stands, as the chain's links are then).
    pub(crate) fn signed_by(&self, key: Option<&crate::audit_key::AuditKey>) -> bool {
        self.seq == 0
            || key.is_none_or(|key| {
                self.signature_with(key) == self.signature
                    // Archived before the key existed (`siks audit new-key` after a run): the
                    // start is as unkeyed as the links it ends, and the key's own start says
                    // from where it covers.
                    || (self.signature.is_empty() && self.seq <= key.keyed_after())
            })
    }
}

/// What a run of the audit log's retention did (or, tried, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditArchived {
    /// Entries archived and dropped (to be, for a trial).
    pub entries: i64,
    /// The chain's start before and after.
    pub from_seq: i64,
    pub to_seq: i64,
    /// The archive's manifest (none for a trial or when nothing was old enough).
    pub manifest: Option<Manifest>,
}

/// What an archive holds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveCheck {
    pub entries: i64,
    /// The start it links from (the previous archive's end, or 0) and its last entry.
    pub from_seq: i64,
    pub to_seq: i64,
    /// The last entry's hash: the database's start after this archive.
    pub last_hash: String,
    /// The first entry whose link does not check (none: the archive is whole).
    pub broken_at: Option<i64>,
}

impl Store {
    /// Where the chain in the database begins.
    pub async fn audit_start(&self) -> Result<AuditStart> {
        if self.schema_version().await? < 27 {
            return Ok(AuditStart::genesis());
        }
        let row = with_pool!(self, p => {
            sqlx::query("SELECT seq, hash, at, archive, signature FROM audit_start WHERE id = 1")
                .fetch_optional(p)
                .await?
                .map(|r| -> Result<AuditStart> {
                    Ok(AuditStart {
                        seq: r.int("seq")?,
                        hash: r.text("hash")?,
                        at: r.text("at")?,
                        archive: r.text("archive")?,
                        signature: r.text("signature")?,
                    })
                })
                .transpose()?
        });
        Ok(row.unwrap_or_else(AuditStart::genesis))
    }

    /// The audit log's retention: the entries written before `cutoff` (an RFC 3339 time) are
    /// written into a sealed archive at `out` (which must not exist; its clear form stands in
    /// `scratch`, 0600, only while it is sealed), checked as a chain on the way, and only then
    /// dropped; the chain in the database then begins after the last of them. A chain that
    /// does not check is refused: an archive would hide the break. `dry_run`: only counts.
    /// The nation's admin only; audited (`audit.archived`).
    pub async fn archive_audit(
        &self,
        actor: &Actor,
        cutoff: &str,
        key: &DataKey,
        out: &Path,
        scratch: &Path,
        dry_run: bool,
    ) -> Result<AuditArchived> {
        if actor.role != Role::Admin || actor.scope != Scope::Nation {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        // A run cut off after its start was written drops what it left first.
        self.drop_archived_entries().await?;
        let start = self.audit_start().await?;
        if !start.signed_by(self.audit_key.as_deref()) {
            return Err(StoreError::Corrupt("audit_start.signature".into()));
        }
        let last: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE seq > $1 AND at < $2")
                .bind(start.seq)
                .bind(cutoff)
                .fetch_one(p)
                .await?
        });
        let Some(to_seq) = last else {
            return Ok(AuditArchived {
                entries: 0,
                from_seq: start.seq,
                to_seq: start.seq,
                manifest: None,
            });
        };
        let entries = to_seq - start.seq;
        if dry_run {
            return Ok(AuditArchived {
                entries,
                from_seq: start.seq,
                to_seq,
                manifest: None,
            });
        }
        if out.exists() {
            return Err(crate::backup::BackupError::TargetExists(out.display().to_string()).into());
        }
        crate::backup::remove_leftovers(scratch);
        let clear = scratch.join(format!("{SNAPSHOT_PREFIX}{}", uuid::Uuid::now_v7()));
        drop(create_private(&clear)?);
        let clear_guard = Removed(clear.clone(), false);
        let last_hash = self.write_archive(&clear, &start, to_seq).await?;
        let manifest = {
            let (key, clear, out) = (key.clone(), clear.clone(), out.to_path_buf());
            let manifest = Manifest {
                made_at: self.now_text(),
                engine: "audit-archive".into(),
                schema_version: self.schema_version().await?,
                audit_entries: entries,
                audit_head: last_hash.clone(),
                ..Manifest::default()
            };
            tokio::task::spawn_blocking(move || seal_snapshot(&key, manifest, &clear, &out))
                .await
                .map_err(|e| StoreError::Corrupt(format!("archive: {e}")))??
        };
        drop(clear_guard);
        // The new start, signed, and the entry saying so, in one transaction; then the drop.
        let mut new_start = AuditStart {
            seq: to_seq,
            hash: last_hash,
            at: self.now_text(),
            archive: manifest.sha256.clone(),
            signature: String::new(),
        };
        if let Some(audit_key) = self.audit_key.as_deref() {
            new_start.signature = new_start.signature_with(audit_key);
        }
        let mut tx = self.begin().await?;
        // Only over the start this run read: two runs at once (a timer's and a person's) must
        // not write an older start back over a newer one.
        let moved = with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO audit_start (id, seq, hash, at, archive, signature) \
                 VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET seq = $1, hash = $2, \
                 at = $3, archive = $4, signature = $5 WHERE audit_start.seq = $6",
            )
            .bind(new_start.seq)
            .bind(&new_start.hash)
            .bind(&new_start.at)
            .bind(&new_start.archive)
            .bind(&new_start.signature)
            .bind(start.seq)
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if moved != 1 {
            return Err(StoreError::invalid_text(
                "arsip log audit lain sedang atau baru saja berjalan; jalankan lagi nanti (arsip ini tidak dipakai)",
                "another audit archive run is going on or just ended; run again later (this archive is not used)",
            ));
        }
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "audit.archived",
                target_kind: "audit",
                target_id: manifest.sha256.clone(),
                region_code: actor.scope.key(),
                detail: format!(
                    "entri={entries} dari={} sampai={to_seq} sebelum={cutoff} kunci={}",
                    start.seq + 1,
                    manifest.key_id
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.drop_archived_entries().await?;
        Ok(AuditArchived {
            entries,
            from_seq: start.seq,
            to_seq,
            manifest: Some(manifest),
        })
    }

    /// Writes the entries after `start` up to `to_seq` into a new SQLite database at `clear`,
    /// checking their links as they are read. The last entry's hash.
    async fn write_archive(&self, clear: &Path, start: &AuditStart, to_seq: i64) -> Result<String> {
        let mut archive = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(clear)
            .connect()
            .await?;
        sqlx::query(
            "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor_id TEXT NOT NULL, \
             actor_username TEXT NOT NULL, actor_role TEXT NOT NULL, action TEXT NOT NULL, \
             target_kind TEXT NOT NULL, target_id TEXT NOT NULL, region_code TEXT NOT NULL, \
             detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, origin TEXT NOT NULL)",
        )
        .execute(&mut archive)
        .await?;
        sqlx::query("CREATE TABLE archive_start (seq INTEGER NOT NULL, hash TEXT NOT NULL)")
            .execute(&mut archive)
            .await?;
        sqlx::query("INSERT INTO archive_start (seq, hash) VALUES ($1, $2)")
            .bind(start.seq)
            .bind(&start.hash)
            .execute(&mut archive)
            .await?;
        let insert = format!(
            "INSERT INTO audit_log ({}) VALUES ({})",
            COLUMNS.join(", "),
            (1..=COLUMNS.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (mut last_seq, mut prev_hash) = (start.seq, start.hash.clone());
        while last_seq < to_seq {
            let page: Vec<AuditEntry> = with_pool!(self, p => {
                let rows = sqlx::query(
                    "SELECT * FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                )
                .bind(last_seq)
                .bind(to_seq)
                .bind(PAGE)
                .fetch_all(p)
                .await?;
                rows.iter().map(AuditEntry::from_row).collect::<Result<_, _>>()?
            });
            if page.is_empty() {
                break;
            }
            let mut tx = sqlx::Connection::begin(&mut archive).await?;
            for entry in page {
                if entry.seq != last_seq + 1
                    || entry.prev_hash != prev_hash
                    || entry.expected_hash(&prev_hash, self.audit_key.as_deref()) != entry.hash
                {
                    return Err(StoreError::invalid_text(
                        format!(
                            "rantai log audit putus pada entri {}: jalankan `siks audit verify`; tidak ada yang diarsipkan",
                            entry.seq
                        ),
                        format!(
                            "the audit chain breaks at entry {}: run `siks audit verify`; nothing was archived",
                            entry.seq
                        ),
                    ));
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
                for column in COLUMNS {
                    query = match *column {
                        "seq" => query.bind(entry.seq),
                        "at" => query.bind(entry.at.clone()),
                        "actor_id" => query.bind(entry.actor_id.clone()),
                        "actor_username" => query.bind(entry.actor_username.clone()),
                        "actor_role" => query.bind(entry.actor_role.clone()),
                        "action" => query.bind(entry.action.clone()),
                        "target_kind" => query.bind(entry.target_kind.clone()),
                        "target_id" => query.bind(entry.target_id.clone()),
                        "region_code" => query.bind(entry.region_code.clone()),
                        "detail" => query.bind(entry.detail.clone()),
                        "prev_hash" => query.bind(entry.prev_hash.clone()),
                        "hash" => query.bind(entry.hash.clone()),
                        "origin" => query.bind(entry.origin.clone()),
                        other => return Err(StoreError::Corrupt(format!("audit_log.{other}"))),
                    };
                }
                query.execute(&mut *tx).await?;
                last_seq = entry.seq;
                prev_hash = entry.hash;
            }
            tx.commit().await?;
        }
        if last_seq != to_seq {
            return Err(StoreError::Corrupt(format!(
                "audit_log: entry {}",
                last_seq + 1
            )));
        }
        sqlx::Connection::close(archive).await?;
        Ok(prev_hash)
    }

    /// Drops the entries the start says were archived, a page per transaction (what a run
    /// cut off after writing its start left, too).
    async fn drop_archived_entries(&self) -> Result<()> {
        let start = self.audit_start().await?;
        if start.seq == 0 {
            return Ok(());
        }
        loop {
            let dropped = with_writers!(self, p => {
                sqlx::query(
                    "DELETE FROM audit_log WHERE seq IN \
                     (SELECT seq FROM audit_log WHERE seq <= $1 ORDER BY seq LIMIT $2)",
                )
                .bind(start.seq)
                .bind(PAGE)
                .execute(p)
                .await?
                .rows_affected()
            });
            if dropped < PAGE as u64 {
                return Ok(());
            }
        }
    }
}

impl Store {
    /// Opens the archive at `file` with `key` (into `scratch`, removed afterwards) and checks
    /// its chain from the start it names to its last entry, with this store's audit key.
    pub async fn check_audit_archive(
        &self,
        key: &DataKey,
        file: &Path,
        scratch: &Path,
    ) -> Result<ArchiveCheck> {
        check_archive(key, file, scratch, self.audit_key.as_deref()).await
    }
}

async fn check_archive(
    key: &DataKey,
    file: &Path,
    scratch: &Path,
    audit_key: Option<&crate::audit_key::AuditKey>,
) -> Result<ArchiveCheck> {
    let clear = scratch.join(format!("{SNAPSHOT_PREFIX}{}", uuid::Uuid::now_v7()));
    let _guard = Removed(clear.clone(), false);
    let manifest = {
        let (key, file, clear) = (key.clone(), file.to_path_buf(), clear.clone());
        tokio::task::spawn_blocking(move || crate::backup::restore(&key, &file, &clear))
            .await
            .map_err(|e| StoreError::Corrupt(format!("archive: {e}")))??
    };
    if manifest.engine != "audit-archive" {
        return Err(StoreError::invalid_text(
            format!("{} bukan arsip log audit", file.display()),
            format!("{} is not an audit archive", file.display()),
        ));
    }
    let mut archive = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&clear)
        .read_only(true)
        .connect()
        .await?;
    let start = sqlx::query("SELECT seq, hash FROM archive_start")
        .fetch_one(&mut archive)
        .await?;
    let (from_seq, mut prev_hash): (i64, String) = (start.try_get("seq")?, start.try_get("hash")?);
    let mut last_seq = from_seq;
    let mut entries = 0i64;
    let mut broken_at = None;
    loop {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(last_seq)
            .bind(PAGE)
            .fetch_all(&mut archive)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let entry = AuditEntry::from_row(row)?;
            if broken_at.is_none()
                && (entry.seq != last_seq + 1
                    || entry.prev_hash != prev_hash
                    || entry.expected_hash(&prev_hash, audit_key) != entry.hash)
            {
                broken_at = Some(entry.seq);
            }
            entries += 1;
            last_seq = entry.seq;
            prev_hash = entry.hash;
        }
    }
    sqlx::Connection::close(archive).await?;
    if manifest.audit_entries != entries || manifest.audit_head != prev_hash {
        broken_at = broken_at.or(Some(last_seq + 1));
    }
    Ok(ArchiveCheck {
        entries,
        from_seq,
        to_seq: last_seq,
        last_hash: prev_hash,
        broken_at,
    })
}
