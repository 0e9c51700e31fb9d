//! Backups of the database, encrypted with the deployment's data key, taken while the server
//! runs, and their restore elsewhere.
//!
//! A backup is the database as one consistent snapshot (SQLite: `VACUUM INTO`, which reads in
//! one transaction while writers go on in the WAL; PostgreSQL: `pg_dump --snapshot` of a
//! repeatable-read transaction's exported snapshot, in its custom format), its manifest read
//! from that very snapshot
//! (schema version, counts, the audit log's head, the snapshot's size and SHA-256), and the
//! snapshot encrypted in chunks of 1 MiB with XChaCha20-Poly1305 in the STREAM construction
//! (each chunk authenticated with its place and whether it is the last, so chunks can be
//! neither changed, reordered, dropped nor cut off), the manifest authenticated with every
//! chunk. The file: a line `SIKS-BACKUP-1`, the manifest as one JSON line, the chunks.
//!
//! The data key lives outside the database (`PATH.data-key` beside a SQLite database, or the
//! file `SIKS_DATA_KEY` names), created 0600 and never overwritten; a backup names its key by
//! an id (a hash of the key, not the key), so a restore with another key says so instead of
//! "damaged". A PostgreSQL backup is restored into an empty database with `pg_restore` in one
//! transaction.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{ConnectOptions, Row};

use siks_domain::access::Action;
use siks_domain::{Actor, Bilingual, Role, Scope};

use crate::audit_key::{decode_hex, encode_hex};
use crate::{Pool, Result, Store, StoreError};

const MAGIC: &str = "SIKS-BACKUP-1";
const KEY_HEADER: &str = "siks data key v1";
/// Plaintext bytes per encrypted chunk.
const CHUNK: usize = 1024 * 1024;
/// The tag each chunk carries.
const TAG: usize = 16;
/// STREAM's nonce prefix for a 24-byte XChaCha20 nonce and a 32-bit counter with its flag.
const NONCE_PREFIX: usize = 19;

/// Why a backup or a restore was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The data key's file cannot be read as one.
    Key {
        path: String,
        reason: String,
    },
    /// The file is not a siks backup (or its first lines are damaged).
    NotABackup,
    /// The backup was made with another key.
    WrongKey {
        expected: String,
        found: String,
    },
    /// A chunk does not authenticate under the right key: the file was changed or damaged.
    Damaged {
        chunk: u64,
    },
    /// The file ends before its last chunk.
    Truncated,
    /// The decrypted snapshot is not the one the manifest describes.
    Mismatch,
    /// The restore's target already exists.
    TargetExists(String),
    /// A backup of one engine restored into the other.
    OtherEngine {
        backup: String,
        target: String,
    },
    /// `pg_dump` or `pg_restore` could not be run, or failed.
    Tool {
        tool: String,
        reason: String,
    },
    Io(String),
}

impl Bilingual for BackupError {
    fn indonesian(&self) -> String {
        match self {
            BackupError::Key { path, reason } => format!("kunci data {path}: {reason}"),
            BackupError::NotABackup => {
                "berkas ini bukan cadangan siks (atau bagian awalnya rusak)".into()
            }
            BackupError::WrongKey { expected, found } => format!(
                "kunci salah: cadangan ini dibuat dengan kunci {expected}, kunci yang dipakai {found}; tidak ada yang ditulis"
            ),
            BackupError::Damaged { chunk } => format!(
                "berkas cadangan rusak atau diubah (bagian ke-{chunk} tidak sah); tidak ada yang ditulis"
            ),
            BackupError::Truncated => {
                "berkas cadangan terpotong (bagian terakhirnya tidak ada); tidak ada yang ditulis"
                    .into()
            }
            BackupError::Mismatch => {
                "isi cadangan tidak sama dengan manifesnya; tidak ada yang ditulis".into()
            }
            BackupError::TargetExists(path) => format!(
                "{path} sudah ada: pemulihan tidak pernah menimpa basis data; pilih tempat lain"
            ),
            BackupError::OtherEngine { backup, target } => format!(
                "cadangan ini dari basis data {backup}; pulihkan ke basis data {backup}, bukan {target}"
            ),
            BackupError::Tool { tool, reason } => format!(
                "{tool} gagal: {reason} (pasang klien PostgreSQL versi server, atau sebutkan programnya di SIKS_{})",
                tool.to_uppercase().replace('-', "_")
            ),
            BackupError::Io(e) => format!("berkas: {e}"),
        }
    }

    fn english(&self) -> String {
        match self {
            BackupError::Key { path, reason } => format!("data key {path}: {reason}"),
            BackupError::NotABackup => "not a siks backup (or its first lines are damaged)".into(),
            BackupError::WrongKey { expected, found } => format!(
                "wrong key: this backup was made with key {expected}, the key given is {found}; nothing written"
            ),
            BackupError::Damaged { chunk } => {
                format!(
                    "backup damaged or altered (chunk {chunk} does not authenticate); nothing written"
                )
            }
            BackupError::Truncated => {
                "backup cut off (its last chunk is missing); nothing written".into()
            }
            BackupError::Mismatch => {
                "the backup's content is not what its manifest says; nothing written".into()
            }
            BackupError::TargetExists(path) => {
                format!("{path} exists: a restore never overwrites a database")
            }
            BackupError::OtherEngine { backup, target } => format!(
                "this backup is of a {backup} database; restore it into {backup}, not {target}"
            ),
            BackupError::Tool { tool, reason } => format!(
                "{tool} failed: {reason} (install the server's PostgreSQL client, or name the program in SIKS_{})",
                tool.to_uppercase().replace('-', "_")
            ),
            BackupError::Io(e) => format!("file: {e}"),
        }
    }
}

impl From<BackupError> for StoreError {
    fn from(e: BackupError) -> StoreError {
        StoreError::invalid(&e)
    }
}

fn io(e: std::io::Error) -> StoreError {
    BackupError::Io(e.to_string()).into()
}

/// The deployment's data key: 32 random bytes in a file of its owner's only.
#[derive(Clone)]
pub struct DataKey {
    key: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.debug_struct("DataKey")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

impl DataKey {
    /// Reads the key at `path`.
    pub fn load(path: &Path) -> Result<DataKey> {
        let bad = |why: &str| -> StoreError {
            BackupError::Key {
                path: path.display().to_string(),
                reason: why.to_string(),
            }
            .into()
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(&e.to_string()))?;
        let mut lines = text.lines();
        if lines.next() != Some(KEY_HEADER) {
            return Err(bad("bukan berkas kunci data siks"));
        }
        let key = lines
            .find_map(|l| l.strip_prefix("key: "))
            .and_then(decode_hex)
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .ok_or_else(|| bad("kunci tidak terbaca"))?;
        Ok(DataKey { key })
    }

    /// Creates a new key at `path` (0600); an existing file is never overwritten. `true` when
    /// made here, `false` when one was there (and is read).
    pub fn load_or_create(path: &Path) -> Result<(DataKey, bool)> {
        let key: [u8; 32] = rand::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                let text = format!("{KEY_HEADER}\nkey: {}\n", encode_hex(&key));
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(io)?;
                Ok((DataKey { key }, true))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((DataKey::load(path)?, false))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// The key's name in a backup's manifest: the first 8 bytes of a hash of it, which say
    /// which key it is without saying anything of the key.
    pub fn id(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(b"siks data key id\n");
        hash.update(self.key);
        encode_hex(&hash.finalize()[..8])
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(GenericArray::from_slice(&self.key))
    }
}

/// What a backup holds, read from the snapshot itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub made_at: String,
    pub engine: String,
    pub schema_version: i64,
    pub households: i64,
    pub persons: i64,
    pub proposals: i64,
    pub audit_entries: i64,
    /// The hash of the audit log's newest entry (empty for an empty log).
    pub audit_head: String,
    /// The snapshot's size and SHA-256 (hex), before encryption.
    pub bytes: u64,
    pub sha256: String,
    pub key_id: String,
    /// STREAM's nonce prefix (hex), random for each backup.
    pub nonce: String,
}

/// The counts a manifest holds and a doctor reports, as read from one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub households: i64,
    pub persons: i64,
    pub proposals: i64,
    pub audit_entries: i64,
}

impl Manifest {
    pub fn counts(&self) -> Counts {
        Counts {
            households: self.households,
            persons: self.persons,
            proposals: self.proposals,
            audit_entries: self.audit_entries,
        }
    }
}

/// Reads the counts and the audit head of the database behind `conn`.
async fn counts_and_head(conn: &mut sqlx::SqliteConnection) -> Result<(Counts, String)> {
    let count = async |conn: &mut sqlx::SqliteConnection, table: &str| -> Result<i64> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {table}"
        )))
        .fetch_one(&mut *conn)
        .await?;
        Ok(row.try_get::<i64, _>("n")?)
    };
    let counts = Counts {
        households: count(conn, "households").await?,
        persons: count(conn, "persons").await?,
        proposals: count(conn, "proposals").await?,
        audit_entries: count(conn, "audit_log").await?,
    };
    let head = sqlx::query("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<String, _>("hash"))
        .transpose()?
        .unwrap_or_default();
    Ok((counts, head))
}

/// [`counts_and_head`] on PostgreSQL.
async fn pg_counts_and_head(conn: &mut sqlx::PgConnection) -> Result<(Counts, String)> {
    let count = async |conn: &mut sqlx::PgConnection, table: &str| -> Result<i64> {
        Ok(
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await?,
        )
    };
    let counts = Counts {
        households: count(conn, "households").await?,
        persons: count(conn, "persons").await?,
        proposals: count(conn, "proposals").await?,
        audit_entries: count(conn, "audit_log").await?,
    };
    let head: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok((counts, head.unwrap_or_default()))
}

/// A PostgreSQL client program: `SIKS_PG_DUMP` / `SIKS_PG_RESTORE` when set, else on the path.
fn pg_program(tool: &str) -> String {
    std::env::var(format!("SIKS_{}", tool.to_uppercase().replace('-', "_")))
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| tool.to_string())
}

/// Runs a PostgreSQL client on `url`: the password goes in its environment, never on its
/// command line (where `ps` would show it).
fn pg_tool(tool: &str, url: &str, args: &[&str]) -> Result<()> {
    // A URL that does not parse is refused before any tool sees it.
    url.parse::<sqlx::postgres::PgConnectOptions>()
        .map_err(|_| StoreError::BadUrl(crate::redact_url(url)))?;
    // The whole URL but its password, so that its TLS settings (`sslmode`, `sslrootcert`) hold
    // for the tool as for the server.
    let mut command = std::process::Command::new(pg_program(tool));
    command
        .args(args)
        .arg("--dbname")
        .arg(url_without_password(url))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Some(password) = password_of(url) {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|e| BackupError::Tool {
        tool: tool.into(),
        reason: e.to_string(),
    })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(BackupError::Tool {
            tool: tool.into(),
            reason: said.lines().next().unwrap_or("").trim().to_string(),
        }
        .into());
    }
    Ok(())
}

/// The password of a `postgres://user:password@host/db` URL (or its `password=` query
/// parameter), percent-decoded.
fn password_of(url: &str) -> Option<String> {
    let in_query = url
        .split_once('?')
        .map(|(_, q)| q)
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|p| p.strip_prefix("password="));
    let rest = url.split_once("://")?.1;
    let raw = match rest.split('?').next().and_then(|r| r.rsplit_once('@')) {
        Some((userinfo, _)) => userinfo.split_once(':').map(|(_, p)| p).or(in_query)?,
        None => in_query?,
    };
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `pg_dump` of an exported snapshot into `file` (custom format, without owners or grants, so
/// that it restores under another role).
fn pg_dump(url: &str, snapshot: &str, file: &Path) -> Result<()> {
    let file = file.display().to_string();
    pg_tool(
        "pg_dump",
        url,
        &[
            "--format=custom",
            // The specific fields are sealed already and barely compress; the envelope does
            // not either. Compressing would only cost the one core the dump has.
            "--compress=0",
            // A scratch file read at once and removed: the sealed output is what is kept.
            "--no-sync",
            "--no-owner",
            "--no-privileges",
            "--snapshot",
            snapshot,
            "--file",
            &file,
        ],
    )
}

/// Restores a PostgreSQL backup into the empty database at `url`: decrypted and checked into a
/// file of `scratch` (0600, removed however it ends), then `pg_restore` in one transaction, so
/// that a failure leaves the database empty. A database that has tables is refused.
pub async fn restore_postgres(
    key: &DataKey,
    file: &Path,
    url: &str,
    scratch: &Path,
) -> Result<Manifest> {
    let manifest = read_manifest(file)?;
    if manifest.engine != "postgres" {
        return Err(BackupError::OtherEngine {
            backup: manifest.engine,
            target: "postgres".into(),
        }
        .into());
    }
    let target = Store::open(url, crate::OpenMode::MustExist).await?;
    let tables: i64 = match &target.pool {
        Pool::Postgres(pool) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_one(pool)
            .await?
        }
        Pool::Sqlite(_) => return Err(StoreError::BadUrl(crate::redact_url(url))),
    };
    target.close().await;
    if tables > 0 {
        return Err(BackupError::TargetExists(crate::redact_url(url)).into());
    }
    remove_leftovers(scratch);
    let dump = scratch.join(format!("{SNAPSHOT_PREFIX}{}", uuid::Uuid::now_v7()));
    let guard = Removed(dump.clone(), false);
    let (key, file, url) = (key.clone(), file.to_path_buf(), url.to_string());
    let manifest = tokio::task::spawn_blocking(move || -> Result<Manifest> {
        let manifest = restore(&key, &file, &dump)?;
        let path = dump.display().to_string();
        pg_tool(
            "pg_restore",
            &url,
            &[
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                &path,
            ],
        )?;
        Ok(manifest)
    })
    .await
    .map_err(|e| BackupError::Io(e.to_string()))??;
    drop(guard);
    Ok(manifest)
}

/// Restores a backup into the database at `url`: a new SQLite file, or an empty PostgreSQL
/// database; a backup of the other engine is refused. The manifest.
pub async fn restore_to(key: &DataKey, file: &Path, url: &str, scratch: &Path) -> Result<Manifest> {
    let manifest = read_manifest(file)?;
    let sqlite = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default().to_string());
    match sqlite {
        Some(path) => {
            if manifest.engine != "sqlite" {
                return Err(BackupError::OtherEngine {
                    backup: manifest.engine,
                    target: "sqlite".into(),
                }
                .into());
            }
            let (key, file) = (key.clone(), file.to_path_buf());
            tokio::task::spawn_blocking(move || restore(&key, &file, Path::new(&path)))
                .await
                .map_err(|e| BackupError::Io(e.to_string()))?
        }
        None => restore_postgres(key, file, url, scratch).await,
    }
}

/// A URL with its password left out, in its user part and in its query (the password goes in
/// the environment).
fn url_without_password(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &base[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}{}", &base[..scheme + 3], &base[at..]),
                None => base.to_string(),
            }
        }
        _ => base.to_string(),
    };
    let kept: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("password="))
        .collect();
    if kept.is_empty() {
        base
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// A file removed when dropped unless kept: the snapshot in clear, and a half-written output.
pub(crate) struct Removed(pub(crate) PathBuf, pub(crate) bool);

impl Drop for Removed {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// A new file of its owner's only, or an error if it exists.
pub(crate) fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            BackupError::TargetExists(path.display().to_string()).into()
        }
        _ => io(e),
    })
}

/// Moves the finished `partial` to `to`, never over a file that appeared there meanwhile (a
/// link fails if `to` exists; the partial is then left to its guard).
fn place(partial: &Path, to: &Path) -> Result<()> {
    std::fs::hard_link(partial, to).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            StoreError::from(BackupError::TargetExists(to.display().to_string()))
        }
        _ => io(e),
    })?;
    std::fs::remove_file(partial).map_err(io)
}

/// The clear snapshot's name in the scratch folder.
pub(crate) const SNAPSHOT_PREFIX: &str = ".siks-backup-snapshot-";

/// Removes the clear snapshots a backup that was killed left in `scratch` (a snapshot's guard
/// removes it on every way out a process survives).
pub fn remove_leftovers(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(SNAPSHOT_PREFIX)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `path` with `suffix` added to its file name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

impl Store {
    /// Writes an encrypted backup of the database to `out` (see the module comment), while
    /// other connections go on writing; `out` must not exist. The snapshot stands in clear in
    /// `scratch` (the database's own folder, which holds the database in clear already: never
    /// beside `out`, which may be a removable or shared disk), 0600, only while it is hashed
    /// and encrypted; its guard removes it on every way out, and a snapshot a killed backup
    /// left there is removed by the next one.
    /// Audited (`backup.made`, with its counts and checksum); the system's act, as the
    /// register's own writes are.
    pub async fn backup(
        &self,
        actor: &Actor,
        key: &DataKey,
        out: &Path,
        scratch: &Path,
    ) -> Result<Manifest> {
        // The whole database: the nation's admin (the system's actor) only.
        if actor.role != Role::Admin || actor.scope != Scope::Nation {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let manifest = self.write_backup(key, out, scratch).await?;
        let mut tx = self.begin().await?;
        crate::audit::append(
            &mut tx,
            actor,
            crate::audit::AuditEvent {
                action: "backup.made",
                target_kind: "backup",
                target_id: manifest.sha256.clone(),
                region_code: actor.scope.key(),
                detail: format!(
                    "rumah_tangga={} orang={} usulan={} audit={} bita={} kunci={}",
                    manifest.households,
                    manifest.persons,
                    manifest.proposals,
                    manifest.audit_entries,
                    manifest.bytes,
                    manifest.key_id
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(manifest)
    }

    async fn write_backup(&self, key: &DataKey, out: &Path, scratch: &Path) -> Result<Manifest> {
        if out.exists() {
            return Err(BackupError::TargetExists(out.display().to_string()).into());
        }
        remove_leftovers(scratch);
        let snapshot = scratch.join(format!("{SNAPSHOT_PREFIX}{}", uuid::Uuid::now_v7()));
        drop(create_private(&snapshot)?);
        let snapshot_guard = Removed(snapshot.clone(), false);
        let (engine, schema_version, counts, audit_head) = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(snapshot.display().to_string())
                    .execute(pool)
                    .await?;
                let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&snapshot)
                    .read_only(true)
                    .connect()
                    .await?;
                let schema_version =
                    sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
                        .fetch_one(&mut conn)
                        .await?
                        .try_get::<i64, _>("v")?;
                let (counts, audit_head) = counts_and_head(&mut conn).await?;
                sqlx::Connection::close(conn).await?;
                ("sqlite", schema_version, counts, audit_head)
            }
            Pool::Postgres(pool) => {
                let url = self
                    .postgres_url
                    .as_deref()
                    .ok_or_else(|| StoreError::BadUrl("postgres".into()))?
                    .clone();
                // One repeatable-read transaction: its snapshot is what pg_dump reads and what
                // the manifest counts, while the server goes on writing.
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                let exported: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
                    .fetch_one(&mut *tx)
                    .await?;
                let schema_version: i64 =
                    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                        .fetch_one(&mut *tx)
                        .await?;
                let (counts, audit_head) = pg_counts_and_head(&mut tx).await?;
                let file = snapshot.clone();
                tokio::task::spawn_blocking(move || pg_dump(&url, &exported, &file))
                    .await
                    .map_err(|e| BackupError::Io(e.to_string()))??;
                tx.rollback().await?;
                ("postgres", schema_version, counts, audit_head)
            }
        };
        let key = key.clone();
        let out = out.to_path_buf();
        let made_at = self.now_text();
        tokio::task::spawn_blocking(move || {
            let manifest = seal_snapshot(
                &key,
                Manifest {
                    made_at,
                    engine: engine.into(),
                    schema_version,
                    households: counts.households,
                    persons: counts.persons,
                    proposals: counts.proposals,
                    audit_entries: counts.audit_entries,
                    audit_head,
                    ..Manifest::default()
                },
                &snapshot,
                &out,
            )?;
            drop(snapshot_guard);
            Ok(manifest)
        })
        .await
        .map_err(|e| BackupError::Io(e.to_string()))?
    }
}

/// Seals the clear file `snapshot` into `out` (which must not exist) under `key`, with
/// `manifest` completed by the file's size, hash, the key's id and a fresh nonce: written
/// beside `out` and moved there only when whole. Blocking. The manifest as written.
pub(crate) fn seal_snapshot(
    key: &DataKey,
    manifest: Manifest,
    snapshot: &Path,
    out: &Path,
) -> Result<Manifest> {
    let (bytes, sha256) = hash_file(snapshot)?;
    let nonce: [u8; NONCE_PREFIX] = rand::random();
    let manifest = Manifest {
        bytes,
        sha256,
        key_id: key.id(),
        nonce: encode_hex(&nonce),
        ..manifest
    };
    let partial = beside(out, ".partial");
    let output = create_private(&partial)?;
    let mut partial_guard = Removed(partial.clone(), false);
    encrypt(key, &manifest, &nonce, snapshot, output)?;
    place(&partial, out)?;
    partial_guard.1 = true;
    Ok(manifest)
}

/// The size and SHA-256 (hex) of a file.
fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((bytes, encode_hex(&hash.finalize())))
}

/// Fills `buffer` from `reader` as far as it goes; the bytes read.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn encrypt(
    key: &DataKey,
    manifest: &Manifest,
    nonce: &[u8; NONCE_PREFIX],
    snapshot: &Path,
    out: std::fs::File,
) -> Result<()> {
    let header = serde_json::to_string(manifest)?;
    let mut input = std::fs::File::open(snapshot).map_err(io)?;
    let mut output = std::io::BufWriter::new(out);
    writeln!(output, "{MAGIC}").map_err(io)?;
    writeln!(output, "{header}").map_err(io)?;
    let mut stream = EncryptorBE32::from_aead(key.cipher(), GenericArray::from_slice(nonce));
    let mut current = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut filled = read_full(&mut input, &mut current).map_err(io)?;
    loop {
        // One chunk read ahead: the last one is sealed as the last.
        let ahead = if filled == CHUNK {
            read_full(&mut input, &mut next).map_err(io)?
        } else {
            0
        };
        let payload = Payload {
            msg: &current[..filled],
            aad: header.as_bytes(),
        };
        if ahead == 0 {
            let sealed = stream
                .encrypt_last(payload)
                .map_err(|_| BackupError::Io("encryption failed".into()))?;
            output.write_all(&sealed).map_err(io)?;
            break;
        }
        let sealed = stream
            .encrypt_next(payload)
            .map_err(|_| BackupError::Io("encryption failed".into()))?;
        output.write_all(&sealed).map_err(io)?;
        std::mem::swap(&mut current, &mut next);
        filled = ahead;
    }
    let file = output
        .into_inner()
        .map_err(|e| BackupError::Io(e.to_string()))?;
    file.sync_all().map_err(io)?;
    Ok(())
}

/// The manifest of the backup at `file`, read without the key (it holds no personal data; a
/// restore authenticates it with every chunk).
pub fn read_manifest(file: &Path) -> Result<Manifest> {
    let mut reader = BufReader::new(std::fs::File::open(file).map_err(io)?);
    Ok(manifest_of(&mut reader)?.0)
}

/// The manifest, and its line as written (what every chunk authenticates: a later version's
/// added fields are authenticated as they stand).
fn manifest_of(reader: &mut BufReader<std::fs::File>) -> Result<(Manifest, String)> {
    // Lines read with a bound: a file that is not a backup may hold no newline at all.
    let mut line = |limit: u64| -> Result<String> {
        let mut text = String::new();
        (&mut *reader)
            .take(limit)
            .read_line(&mut text)
            .map_err(|_| BackupError::NotABackup)?;
        Ok(text.trim_end_matches('\n').to_string())
    };
    if line(64)? != MAGIC {
        return Err(BackupError::NotABackup.into());
    }
    let header = line(64 * 1024)?;
    let manifest = serde_json::from_str(&header).map_err(|_| BackupError::NotABackup)?;
    Ok((manifest, header))
}

/// Restores the backup at `file` into a new SQLite database at `to` with `key`: every chunk
/// authenticated, the snapshot's size and SHA-256 checked against the manifest, written to a
/// file beside `to` and moved there only when whole. A wrong key, a damaged or cut-off file
/// writes nothing. The manifest.
pub fn restore(key: &DataKey, file: &Path, to: &Path) -> Result<Manifest> {
    // A database there, or the journal of one that was there (which opening the restored
    // file would replay into it), refuses the restore.
    for taken in [
        to.to_path_buf(),
        beside(to, "-wal"),
        beside(to, "-shm"),
        beside(to, "-journal"),
    ] {
        if taken.exists() {
            return Err(BackupError::TargetExists(taken.display().to_string()).into());
        }
    }
    let mut reader = BufReader::new(std::fs::File::open(file).map_err(io)?);
    let (manifest, header) = manifest_of(&mut reader)?;
    if manifest.key_id != key.id() {
        return Err(BackupError::WrongKey {
            expected: manifest.key_id.clone(),
            found: key.id(),
        }
        .into());
    }
    let nonce: [u8; NONCE_PREFIX] = decode_hex(&manifest.nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or(BackupError::NotABackup)?;
    let partial = beside(to, ".restoring");
    let mut output = std::io::BufWriter::new(create_private(&partial)?);
    let mut partial_guard = Removed(partial.clone(), false);
    // Taken by the last chunk (STREAM's last decryption consumes it).
    let mut stream = Some(DecryptorBE32::from_aead(
        key.cipher(),
        GenericArray::from_slice(&nonce),
    ));
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    let mut current = vec![0u8; CHUNK + TAG];
    let mut next = vec![0u8; CHUNK + TAG];
    let mut filled = read_full(&mut reader, &mut current).map_err(io)?;
    let mut chunk = 1u64;
    loop {
        if filled < TAG {
            return Err(BackupError::Truncated.into());
        }
        let ahead = if filled == CHUNK + TAG {
            read_full(&mut reader, &mut next).map_err(io)?
        } else {
            0
        };
        let payload = Payload {
            msg: &current[..filled],
            aad: header.as_bytes(),
        };
        let last = ahead == 0;
        let plain = match (last, stream.as_mut()) {
            (false, Some(stream)) => stream.decrypt_next(payload),
            (true, Some(_)) => stream
                .take()
                .ok_or(BackupError::Truncated)?
                .decrypt_last(payload),
            (_, None) => return Err(BackupError::Truncated.into()),
        };
        let plain = match plain {
            Ok(plain) => plain,
            // A file cut at a chunk's end: its last whole chunk was not sealed as the last.
            Err(_) if last && filled == CHUNK + TAG => return Err(BackupError::Truncated.into()),
            Err(_) => return Err(BackupError::Damaged { chunk }.into()),
        };
        hash.update(&plain);
        bytes += plain.len() as u64;
        output.write_all(&plain).map_err(io)?;
        if last {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        filled = ahead;
        chunk += 1;
    }
    if bytes != manifest.bytes || encode_hex(&hash.finalize()) != manifest.sha256 {
        return Err(BackupError::Mismatch.into());
    }
    let file = output
        .into_inner()
        .map_err(|e| BackupError::Io(e.to_string()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    place(&partial, to)?;
    partial_guard.1 = true;
    Ok(manifest)
}

/// What `siks doctor` finds in a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkup {
    pub schema_version: i64,
    pub schema_needed: i64,
    /// SQLite's `PRAGMA integrity_check` ("ok"), or "-" on PostgreSQL.
    pub integrity: String,
    pub counts: Counts,
    pub audit_head: String,
}

impl Store {
    /// The database's schema version, its integrity as the engine sees it, its counts and its
    /// audit head (the audit chain is verified apart, with its key).
    pub async fn checkup(&self) -> Result<Checkup> {
        let schema_version = self.schema_version().await?;
        let (integrity, counts, audit_head) = match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                let integrity = sqlx::query("PRAGMA integrity_check")
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<String, _>(0))
                    .collect::<std::result::Result<Vec<_>, _>>()?
                    .join("; ");
                let (counts, head) = counts_and_head(&mut conn).await?;
                (integrity, counts, head)
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                let (counts, head) = pg_counts_and_head(&mut conn).await?;
                ("-".to_string(), counts, head)
            }
        };
        Ok(Checkup {
            schema_version,
            schema_needed: Self::schema_version_needed(),
            integrity,
            counts,
            audit_head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tools get the URL without its password, whichever way it was written, and the
    /// password apart.
    #[test]
    fn the_password_is_kept_off_the_command_line() {
        let url = "postgres://siks:rah%40sia@db.example:5432/siks?sslmode=verify-full";
        assert_eq!(
            url_without_password(url),
            "postgres://siks@db.example:5432/siks?sslmode=verify-full"
        );
        assert_eq!(password_of(url).as_deref(), Some("rah@sia"));
        let query = "postgres://siks@db/siks?password=abc&sslmode=require";
        assert_eq!(
            url_without_password(query),
            "postgres://siks@db/siks?sslmode=require"
        );
        assert_eq!(password_of(query).as_deref(), Some("abc"));
        assert_eq!(password_of("postgres://siks@db/siks"), None);
    }

    #[test]
    fn a_key_is_made_private_read_back_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("siks.db.data-key");
        let (made, new) = DataKey::load_or_create(&path).unwrap();
        assert!(new);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let (again, new) = DataKey::load_or_create(&path).unwrap();
        assert!(!new);
        assert_eq!(made.id(), again.id());
        assert_eq!(made.id().len(), 16);
        assert!(!format!("{made:?}").contains(&encode_hex(&made.key)));
        std::fs::write(&path, "bukan kunci").unwrap();
        assert!(DataKey::load(&path).is_err());
    }
}
