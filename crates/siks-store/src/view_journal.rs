//! The server's view journal: every view and search is audited before its data is shown, and on
//! SQLite an audit entry written into the database waits for its one write lock, behind a bulk
//! writer for as long as the bulk write lasts (an import of 100,000 households stopped every
//! page for seconds). So a server writes those entries to files of its own first, one line
//! each, and answers once the line is on disk (`fsync`: an acknowledged view is never lost, and
//! a view whose line cannot be written is refused). A writer thread gathers the lines that
//! arrive together into one write and one `fsync`.
//!
//! Every few hundred milliseconds the current file is sealed and folded into the audit log in
//! one transaction (chained and keyed as any entry), which also records the file's number
//! (`audit_head.views_folded`); then the file is removed. At start the files a crash left are
//! folded, those already in the log (up to `views_folded`) only removed, so nothing is lost and
//! nothing is entered twice. An entry's sequence number is given when it is folded; its time
//! is when it was viewed.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

use crate::audit::{AuditEntry, PendingEntry};
use crate::sql::{with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// How often the current file is sealed and folded into the audit log.
pub const FOLD_EVERY: Duration = Duration::from_millis(250);

/// One journal line: an audit entry before its place in the chain.
#[derive(Serialize, Deserialize)]
struct Line {
    at: String,
    actor_id: String,
    actor_username: String,
    actor_role: String,
    action: String,
    target_kind: String,
    target_id: String,
    region_code: String,
    detail: String,
    origin: String,
}

impl Line {
    fn of(entry: &AuditEntry) -> Line {
        Line {
            at: entry.at.clone(),
            actor_id: entry.actor_id.clone(),
            actor_username: entry.actor_username.clone(),
            actor_role: entry.actor_role.clone(),
            action: entry.action.clone(),
            target_kind: entry.target_kind.clone(),
            target_id: entry.target_id.clone(),
            region_code: entry.region_code.clone(),
            detail: entry.detail.clone(),
            origin: entry.origin.clone(),
        }
    }

    fn entry(self) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at: self.at,
            actor_id: self.actor_id,
            actor_username: self.actor_username,
            actor_role: self.actor_role,
            action: self.action,
            target_kind: self.target_kind,
            target_id: self.target_id,
            region_code: self.region_code,
            detail: self.detail,
            origin: self.origin,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }
}

/// A file the writer no longer writes to, to be folded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sealed {
    number: i64,
    path: PathBuf,
}

enum Request {
    Append {
        line: String,
        done: oneshot::Sender<std::io::Result<()>>,
    },
    Seal {
        done: oneshot::Sender<Vec<Sealed>>,
    },
}

/// The journal of one server.
pub struct ViewJournal {
    dir: PathBuf,
    sender: mpsc::Sender<Request>,
    /// Sealed files not folded yet, oldest first (a fold that failed is tried again). Files are
    /// sealed under this lock, so that they queue in the order they were written.
    sealed: tokio::sync::Mutex<VecDeque<Sealed>>,
    /// An exclusive lock on the folder, held while the journal lives: one server a folder.
    _lock: std::fs::File,
}

impl std::fmt::Debug for ViewJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewJournal")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn file_of(dir: &Path, number: i64) -> PathBuf {
    dir.join(format!("{number:012}.journal"))
}

/// The numbered journal files in `dir`, oldest first.
fn files_in(dir: &Path) -> std::io::Result<Vec<Sealed>> {
    let mut found = Vec::new();
    for file in std::fs::read_dir(dir)? {
        let path = file?.path();
        let number = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".journal"))
            .and_then(|n| n.parse::<i64>().ok());
        if let Some(number) = number {
            found.push(Sealed { number, path });
        }
    }
    found.sort_by_key(|s| s.number);
    Ok(found)
}

/// Makes a file's creation or removal durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// The thread that owns the current file.
struct Writer {
    dir: PathBuf,
    number: i64,
    file: Option<std::fs::File>,
    /// Files left by a failed write: they hold acknowledged lines, and go to the next seal
    /// before the file that followed them.
    abandoned: Vec<Sealed>,
}

impl Writer {
    fn append(&mut self, lines: &[&str]) -> std::io::Result<()> {
        if self.file.is_none() {
            let mut options = std::fs::OpenOptions::new();
            options.append(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            // A number already taken (a file left behind) is passed over, never written into.
            let file = loop {
                match options.open(file_of(&self.dir, self.number)) {
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.number += 1,
                    opened => break opened?,
                }
            };
            self.file = Some(file);
            sync_dir(&self.dir)?;
        }
        let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        let Some(file) = self.file.as_mut() else {
            unreachable!("opened above")
        };
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_data());
        if written.is_err() {
            // A line cut off by the failure is the file's last: later lines go to the next
            // file, and this one is folded before it (its earlier lines were acknowledged).
            self.file = None;
            self.abandoned.push(Sealed {
                number: self.number,
                path: file_of(&self.dir, self.number),
            });
            self.number += 1;
        }
        written
    }

    /// The files to fold now, oldest first: any a failed write left, then the current one.
    fn seal(&mut self) -> Vec<Sealed> {
        let mut sealed = std::mem::take(&mut self.abandoned);
        if self.file.take().is_some() {
            sealed.push(Sealed {
                number: self.number,
                path: file_of(&self.dir, self.number),
            });
            self.number += 1;
        }
        sealed
    }

    fn run(mut self, mut requests: mpsc::Receiver<Request>) {
        while let Some(first) = requests.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < 4096 {
                match requests.try_recv() {
                    Ok(more) => batch.push(more),
                    Err(_) => break,
                }
            }
            let mut appends = Vec::new();
            let mut seals = Vec::new();
            for request in batch {
                match request {
                    Request::Append { line, done } => appends.push((line, done)),
                    Request::Seal { done } => seals.push(done),
                }
            }
            if !appends.is_empty() {
                let lines: Vec<&str> = appends.iter().map(|(l, _)| l.as_str()).collect();
                let written = self.append(&lines);
                for (_, done) in appends {
                    let _ = done.send(match &written {
                        Ok(()) => Ok(()),
                        Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
                    });
                }
            }
            for done in seals {
                let _ = done.send(self.seal());
            }
        }
    }
}

fn journal_error(dir: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::ViewJournal(format!("{} ({e})", dir.display()))
}

impl ViewJournal {
    /// Writes `entry` to the journal; returns once it is on disk.
    pub(crate) async fn record(&self, entry: &AuditEntry) -> Result<()> {
        let line =
            serde_json::to_string(&Line::of(entry)).map_err(|e| journal_error(&self.dir, e))?;
        let (done, written) = oneshot::channel();
        self.sender
            .send(Request::Append { line, done })
            .await
            .map_err(|_| journal_error(&self.dir, "the writer stopped"))?;
        written
            .await
            .map_err(|_| journal_error(&self.dir, "the writer stopped"))?
            .map_err(|e| journal_error(&self.dir, e))
    }

    /// Seals the current file (if it holds anything) and queues what is to be folded, under
    /// the queue's lock (`queue`), so that files queue in the order they were written.
    async fn seal(&self, queue: &mut VecDeque<Sealed>) -> Result<()> {
        let (done, sealed) = oneshot::channel();
        self.sender
            .send(Request::Seal { done })
            .await
            .map_err(|_| journal_error(&self.dir, "the writer stopped"))?;
        let sealed = sealed
            .await
            .map_err(|_| journal_error(&self.dir, "the writer stopped"))?;
        queue.extend(sealed);
        Ok(())
    }
}

/// The entries of a journal file: every complete line up to the first that does not read. A
/// write is one batch ending in a newline, acknowledged only once it is on disk; a crash in the
/// middle of one can leave a torn tail (a last line without its newline, or a damaged block
/// before later bytes of the same batch), and everything from there on was never acknowledged.
fn read_entries(path: &Path) -> Result<Vec<AuditEntry>> {
    let text = std::fs::read(path).map_err(|e| journal_error(path, e))?;
    let complete = match text.iter().rposition(|b| *b == b'\n') {
        Some(end) => &text[..end],
        None => &[][..],
    };
    let mut entries = Vec::new();
    for (n, line) in complete.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Line>(line) {
            Ok(read) => entries.push(read.entry()),
            Err(e) => {
                tracing::warn!(
                    file = %path.display(),
                    line = n + 1,
                    error = %e,
                    "view journal torn; the rest of it was never acknowledged"
                );
                break;
            }
        }
    }
    Ok(entries)
}

impl Store {
    /// The same store recording views and searches in a journal in `dir` (made 0700) first
    /// (see the module comment); the files a crash left there are folded now. SQLite only: on
    /// PostgreSQL writers lock rows, and views go straight into the log.
    pub async fn with_view_journal(self, dir: &Path) -> Result<Store> {
        self.with_view_journal_folded_every(dir, FOLD_EVERY).await
    }

    /// [`Store::with_view_journal`], folding every `every` (a test that plays a crash folds
    /// never by itself).
    pub async fn with_view_journal_folded_every(
        mut self,
        dir: &Path,
        every: Duration,
    ) -> Result<Store> {
        if !matches!(self.pool, crate::Pool::Sqlite(_)) || self.sqlite_writers.is_none() {
            return Ok(self);
        }
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| journal_error(dir, e))?;
        // One server a folder: a second would fold and remove the first one's open file.
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .map_err(|e| journal_error(dir, e))?;
        lock.try_lock().map_err(|_| {
            StoreError::invalid_text(
                format!(
                    "jurnal lihat {} dipakai server lain: satu basis data, satu server",
                    dir.display()
                ),
                format!(
                    "the view journal {} is in use by another server: one server a database",
                    dir.display()
                ),
            )
        })?;
        let mut last = self.views_folded().await?;
        for file in files_in(dir).map_err(|e| journal_error(dir, e))? {
            self.fold_file(&file).await?;
            last = last.max(file.number);
        }
        let (sender, requests) = mpsc::channel(16_384);
        let writer = Writer {
            dir: dir.to_path_buf(),
            number: last + 1,
            file: None,
            abandoned: Vec::new(),
        };
        std::thread::Builder::new()
            .name("siks-view-journal".into())
            .spawn(move || writer.run(requests))
            .map_err(|e| journal_error(dir, e))?;
        let journal = Arc::new(ViewJournal {
            dir: dir.to_path_buf(),
            sender,
            sealed: Default::default(),
            _lock: lock,
        });
        self.view_journal = Some(journal.clone());
        // The folding runs as long as the journal is held (a weak handle: it ends with it).
        let folding = Store {
            view_journal: None,
            ..self.clone()
        };
        let weak = Arc::downgrade(&journal);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(journal) = weak.upgrade() else { break };
                if let Err(e) = folding.fold_journal(&journal).await {
                    tracing::error!(error = %e, "view journal not folded; trying again");
                }
            }
        });
        Ok(self)
    }

    /// Folds every view recorded so far into the audit log (a server stopping, a test).
    pub async fn fold_views_now(&self) -> Result<()> {
        match &self.view_journal {
            Some(journal) => self.fold_journal(journal).await,
            None => Ok(()),
        }
    }

    async fn fold_journal(&self, journal: &ViewJournal) -> Result<()> {
        let mut sealed = journal.sealed.lock().await;
        journal.seal(&mut sealed).await?;
        while let Some(file) = sealed.front() {
            self.fold_file(file).await?;
            sealed.pop_front();
        }
        Ok(())
    }

    async fn views_folded(&self) -> Result<i64> {
        Ok(with_pool!(self, p => {
            sqlx::query("SELECT views_folded FROM audit_head WHERE id = 1")
                .fetch_one(p)
                .await?
                .try_get::<i64, _>("views_folded")?
        }))
    }

    /// Enters one sealed file into the audit log with its number, then removes it; a file the
    /// log already holds (a crash between the two) is only removed.
    async fn fold_file(&self, file: &Sealed) -> Result<()> {
        if self.views_folded().await? >= file.number {
            return remove_folded(file);
        }
        let entries = read_entries(&file.path)?;
        let mut tx = self.begin().await?;
        let folded: i64 = with_tx!(&mut tx, c => {
            sqlx::query("SELECT views_folded FROM audit_head WHERE id = 1")
                .fetch_one(&mut **c)
                .await?
                .try_get("views_folded")?
        });
        if folded < file.number {
            tx.audit.extend(entries.into_iter().map(PendingEntry::new));
            with_tx!(&mut tx, c => {
                sqlx::query("UPDATE audit_head SET views_folded = $1 WHERE id = 1")
                    .bind(file.number)
                    .execute(&mut **c)
                    .await?;
            });
            tx.commit().await?;
        }
        remove_folded(file)
    }
}

/// Removes a file the log holds (gone already: a removal that was not made durable before).
fn remove_folded(file: &Sealed) -> Result<()> {
    match std::fs::remove_file(&file.path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(journal_error(&file.path, e));
        }
        _ => {}
    }
    if let Some(dir) = file.path.parent() {
        sync_dir(dir).map_err(|e| journal_error(dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cut_off_by_a_failed_write_is_left_out_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("000000000001.journal");
        let entry = Line {
            at: "2026-12-05T00:00:00Z".into(),
            actor_id: "a".into(),
            actor_username: "desa".into(),
            actor_role: "operator_desa".into(),
            action: "household.view".into(),
            target_kind: "household".into(),
            target_id: "x".into(),
            region_code: "35.23.01.2001".into(),
            detail: String::new(),
            origin: "10.0.0.1".into(),
        };
        let line = serde_json::to_string(&entry).unwrap();
        std::fs::write(&path, format!("{line}\n{line}\n{}", &line[..20])).unwrap();
        let entries = read_entries(&path).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].action, "household.view");
        // A block torn inside the last batch: what precedes it is read, nothing after it.
        std::fs::write(&path, format!("{line}\n\0\0\0\0\n{line}\n")).unwrap();
        assert_eq!(read_entries(&path).unwrap().len(), 1);
        assert_eq!(
            files_in(dir.path()).unwrap(),
            vec![Sealed {
                number: 1,
                path: path.clone()
            }]
        );
    }
}
