//! Bulk import of the interchange files (`households.csv`, `persons.csv`) with full validation,
//! all or nothing: a bad row is reported with file, line, column and reason, and the database is
//! left as it was. Parsing runs on its own thread while the database writes (2 cores: one
//! parses, one writes); SQLite gets multi-row inserts, PostgreSQL gets COPY.
//!
//! The rows go in in short transactions (a fifth of a second of writing each while others
//! write too, a second when nobody else has for a while; on SQLite each followed by a pause),
//! never one that holds the write lock for the whole import: a server's writers (a sign-in, a
//! proposal, an upload) get their turn between two of them (issue 18). All or nothing
//! is kept by the batch: it is recorded as running before its first row, every row carries its
//! id (`households.import_batch`), and a batch that fails is undone, row by row in short
//! transactions too; one that died with its process (nobody kept it alive for
//! [`ABANDONED_AFTER`]) is undone by the next import or the next server start. While a batch
//! runs its households are visible as they arrive.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use siks_domain::access::Action;
use siks_domain::interchange::{
    HOUSEHOLD_COLUMNS as FILE_HOUSEHOLD_COLUMNS, PERSON_COLUMNS as FILE_PERSON_COLUMNS,
    check_header, household_from_row, person_from_row,
};
use siks_domain::{Actor, Bilingual, HouseholdId, PersonId, RegionCode, Regions};
use tokio::sync::mpsc;

use crate::audit::{self, AuditEvent};
use crate::bulk::Pace;
use crate::records::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_values, person_values};
use crate::sql::{
    Conn, Tx, Value, bind_values, copy_csv_row, insert_rows_with, sqlite_bulk_insert, with_pool,
    with_tx,
};
use crate::{Store, StoreError};

/// Rows per multi-row insert (SQLite allows 32,766 bound values per statement).
const BATCH_ROWS: usize = 400;
/// Problems collected before the import stops reading.
pub const MAX_PROBLEMS: usize = 100;
/// Households undone per transaction (with their members, photos and history).
const UNDO_HOUSEHOLDS: usize = 500;
/// A running batch not kept alive for this long belongs to an import that died.
pub const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// One input file: a name for messages and its bytes.
pub struct ImportFile<R> {
    pub name: String,
    pub reader: R,
}

/// A row that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub file: String,
    /// 1-based line of the file where the row starts.
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub reason_en: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, baris {}, kolom {}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub batch_id: uuid::Uuid,
    pub households: u64,
    pub persons: u64,
    /// Malformed NIKs kept as recorded, for verivali to report.
    pub invalid_niks: u64,
    pub invalid_no_kks: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Nothing was written; the problems say why.
    #[error("impor ditolak karena {} masalah (ditampilkan paling banyak {MAX_PROBLEMS}); basis data tidak diubah", .0.len())]
    Rejected(Vec<RowProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Database(e))
    }
}

/// Called with the number of rows read so far.
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

enum Msg {
    Households(Vec<Vec<Value>>),
    Persons(Vec<Vec<Value>>),
    Problem(RowProblem),
}

#[derive(Default)]
struct ParseOutcome {
    households: HashMap<HouseholdId, (RegionCode, u64)>,
    persons: HashMap<PersonId, u64>,
    invalid_niks: u64,
    invalid_no_kks: u64,
    problems: usize,
}

struct Parser {
    tx: mpsc::Sender<Msg>,
    actor: Actor,
    batch_id: String,
    now: String,
    keys: std::sync::Arc<crate::sealing::FieldKeys>,
    progress: ProgressFn,
    rows: u64,
    out: ParseOutcome,
}

impl Parser {
    fn problem(&mut self, file: &str, line: u64, column: &str, reason: String, reason_en: String) {
        self.out.problems += 1;
        let _ = self.tx.blocking_send(Msg::Problem(RowProblem {
            file: file.to_string(),
            line,
            column: column.to_string(),
            reason,
            reason_en,
        }));
    }

    fn full(&self) -> bool {
        self.out.problems >= MAX_PROBLEMS
    }

    fn tick(&mut self) {
        self.rows += 1;
        if self.rows.is_multiple_of(10_000) {
            (self.progress)(self.rows);
        }
    }

    /// Reads one file, handing each good row to `row`, which returns its values or a problem.
    fn read_file<R: Read>(
        &mut self,
        file: ImportFile<R>,
        expected: &[&str],
        mut row: impl FnMut(&mut Parser, &csv::StringRecord, u64) -> Option<Vec<Value>>,
        wrap: fn(Vec<Vec<Value>>) -> Msg,
    ) {
        let name = file.name;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(file.reader);
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let (id, en) = csv_error_text(&e);
                self.problem(&name, 1, "(judul)", id, en);
                return;
            }
        };
        if let Err(e) = check_header(expected, &header) {
            self.problem(&name, 1, "(judul)", e.indonesian(), e.english());
            return;
        }
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut record = csv::StringRecord::new();
        loop {
            if self.full() {
                return;
            }
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        self.problem(
                            &name,
                            line,
                            "(baris)",
                            "baris kosong".into(),
                            "empty row".into(),
                        );
                        continue;
                    }
                    if let Some(values) = row(self, &record, line)
                        && self.out.problems == 0
                    {
                        batch.push(values);
                    }
                    self.tick();
                    if batch.len() == BATCH_ROWS {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                        if self.tx.blocking_send(wrap(full)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    let (id, en) = csv_error_text(&e);
                    let column = match e.kind() {
                        csv::ErrorKind::Utf8 { err, .. } => expected
                            .get(err.field())
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| format!("ke-{}", err.field() + 1)),
                        _ => "(baris)".to_string(),
                    };
                    self.problem(&name, line, &column, id, en);
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        return;
                    }
                }
            }
        }
        if !batch.is_empty() && self.out.problems == 0 {
            let _ = self.tx.blocking_send(wrap(batch));
        }
    }

    fn household(
        &mut self,
        file: &str,
        record: &csv::StringRecord,
        line: u64,
    ) -> Option<Vec<Value>> {
        let household = match household_from_row(record, Regions::embedded()) {
            Ok(h) => h,
            Err(e) => {
                self.problem(file, line, e.column, e.reason, e.reason_en);
                return None;
            }
        };
        let village = household.address.village.clone();
        if !self.actor.scope.contains(&village) {
            self.problem(
                file,
                line,
                "village_code",
                format!(
                    "desa/kelurahan {village} di luar wilayah kerja Anda ({})",
                    self.actor.scope
                ),
                format!(
                    "village {village} is outside your scope ({})",
                    self.actor.scope
                ),
            );
            return None;
        }
        if let Some((_, first)) = self.out.households.get(&household.id) {
            let first = *first;
            self.problem(
                file,
                line,
                "id",
                format!("id {} sudah dipakai di baris {first}", household.id),
                format!("id {} already used on line {first}", household.id),
            );
            return None;
        }
        self.out.households.insert(household.id, (village, line));
        match household_values(&household, 1, &self.now, Some(&self.batch_id)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(file, line, "(baris)", e.indonesian(), e.english());
                None
            }
        }
    }

    fn person(&mut self, file: &str, record: &csv::StringRecord, line: u64) -> Option<Vec<Value>> {
        let person = match person_from_row(record) {
            Ok(p) => p,
            Err(e) => {
                self.problem(file, line, e.column, e.reason, e.reason_en);
                return None;
            }
        };
        let Some((village, _)) = self.out.households.get(&person.household_id) else {
            self.problem(
                file,
                line,
                "household_id",
                format!(
                    "rumah tangga {} tidak ada di berkas rumah tangga impor ini",
                    person.household_id
                ),
                format!(
                    "household {} is not in this import's households file",
                    person.household_id
                ),
            );
            return None;
        };
        let village = village.clone();
        if let Some(first) = self.out.persons.get(&person.id) {
            let first = *first;
            self.problem(
                file,
                line,
                "id",
                format!("id {} sudah dipakai di baris {first}", person.id),
                format!("id {} already used on line {first}", person.id),
            );
            return None;
        }
        self.out.persons.insert(person.id, line);
        self.out.invalid_niks += u64::from(person.nik.valid().is_none());
        self.out.invalid_no_kks += u64::from(person.no_kk.valid().is_none());
        Some(person_values(&person, &village, 1, &self.now, &self.keys))
    }
}

fn csv_error_text(e: &csv::Error) -> (String, String) {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            "berisi byte yang bukan UTF-8; simpan berkas sebagai CSV UTF-8".into(),
            "holds bytes that are not UTF-8; save the file as UTF-8 CSV".into(),
        ),
        csv::ErrorKind::Io(io) => (
            format!("berkas tidak dapat dibaca: {io}"),
            format!("file cannot be read: {io}"),
        ),
        _ => (format!("CSV rusak: {e}"), format!("malformed CSV: {e}")),
    }
}

impl Store {
    /// Imports a households file and a persons file as one all-or-nothing batch.
    pub async fn import<H, P>(
        &self,
        actor: &Actor,
        households: ImportFile<H>,
        persons: ImportFile<P>,
        progress: ProgressFn,
    ) -> Result<ImportReport, ImportError>
    where
        H: Read + Send + 'static,
        P: Read + Send + 'static,
    {
        if !actor.may(Action::WriteRegister) {
            return Err(StoreError::Forbidden(Action::WriteRegister).into());
        }
        let batch = uuid::Uuid::now_v7();
        let batch_id = batch.to_string();
        let now = self.now_text();
        let (sender, mut receiver) = mpsc::channel::<Msg>(8);
        let mut parser = Parser {
            tx: sender,
            actor: actor.clone(),
            batch_id: batch_id.clone(),
            now: now.clone(),
            keys: self.keys(),
            progress: progress.clone(),
            rows: 0,
            out: ParseOutcome::default(),
        };
        let parsing = tokio::task::spawn_blocking(move || {
            let hh_name = households.name.clone();
            parser.read_file(
                households,
                FILE_HOUSEHOLD_COLUMNS,
                |p, r, l| p.household(&hh_name, r, l),
                Msg::Households,
            );
            if !parser.full() {
                let p_name = persons.name.clone();
                parser.read_file(
                    persons,
                    FILE_PERSON_COLUMNS,
                    |p, r, l| p.person(&p_name, r, l),
                    Msg::Persons,
                );
            }
            (parser.rows, parser.out)
        });

        self.undo_abandoned_imports().await?;
        self.start_batch(actor, &batch_id, &now).await?;
        let mut writer = Writer::new(self, actor, &batch_id, &now);
        let mut problems = Vec::new();
        let write_result = writer.write_all(&mut receiver, &mut problems).await;
        let (rows, outcome) = parsing
            .await
            .map_err(|e| StoreError::Corrupt(format!("import parser stopped: {e}")))?;
        progress(rows);
        if let Err(e) = write_result {
            writer.abandon();
            let taken = matches!(&e, StoreError::Database(d) if StoreError::is_unique_violation(d));
            // What this batch wrote goes first: a look-up of ids already stored must not find
            // the batch's own.
            let why = if taken { "rejected" } else { "failed" };
            self.undo_batch(actor, &batch_id, why).await?;
            if !taken {
                return Err(e.into());
            }
            problems.extend(self.already_stored(&outcome).await?);
            if problems.is_empty() {
                return Err(e.into());
            }
        }
        if !problems.is_empty() {
            writer.abandon();
            self.undo_batch(actor, &batch_id, "rejected").await?;
            problems.truncate(MAX_PROBLEMS);
            return Err(ImportError::Rejected(problems));
        }
        let report = ImportReport {
            batch_id: batch,
            households: outcome.households.len() as u64,
            persons: outcome.persons.len() as u64,
            invalid_niks: outcome.invalid_niks,
            invalid_no_kks: outcome.invalid_no_kks,
        };
        if let Err(e) = writer.finish(&report, &households_source(&outcome)).await {
            self.undo_batch(actor, &batch_id, "failed").await?;
            return Err(e.into());
        }
        self.settle_after_bulk_write().await?;
        Ok(report)
    }

    /// Records the batch as running (its first sign of life now), in a transaction of its own,
    /// before any of its rows.
    async fn start_batch(
        &self,
        actor: &Actor,
        batch_id: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO import_batches (id, actor_id, at, source, households, persons, state, alive_at) \
                 VALUES ($1, $2, $3, 'csv', 0, 0, 'running', $3)",
            )
            .bind(batch_id)
            .bind(actor.user_id.to_string())
            .bind(now)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "import.begin",
                target_kind: "import_batch",
                target_id: batch_id.to_string(),
                region_code: actor.scope.key(),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Undoes a batch that did not finish: its households with their members, their photos and
    /// their history, [`UNDO_HOUSEHOLDS`] per transaction (pausing between them on SQLite like
    /// the writing did); then the batch is marked undone and the undoing audited with `why`.
    /// Undoing a batch already undone changes nothing. Returns the households removed.
    async fn undo_batch(
        &self,
        actor: &Actor,
        batch_id: &str,
        why: &str,
    ) -> Result<u64, StoreError> {
        let mut undone = 0u64;
        loop {
            let mut tx = self.begin_bulk().await?;
            let ids: Vec<String> = with_tx!(&mut tx, c => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM households WHERE import_batch = $1 LIMIT {UNDO_HOUSEHOLDS}"
                )))
                .bind(batch_id)
                .fetch_all(&mut **c)
                .await?
            });
            if ids.is_empty() {
                let marked = with_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE import_batches SET state = 'undone', alive_at = $1 \
                         WHERE id = $2 AND state = 'running'",
                    )
                    .bind(self.now_text())
                    .bind(batch_id)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
                });
                if marked == 1 {
                    audit::append(
                        &mut tx,
                        actor,
                        AuditEvent {
                            action: "import.undone",
                            target_kind: "import_batch",
                            target_id: batch_id.to_string(),
                            region_code: actor.scope.key(),
                            detail: format!("households={undone} reason={why}"),
                        },
                    )
                    .await?;
                }
                tx.commit().await?;
                return Ok(undone);
            }
            let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
            let list = list.join(", ");
            // Members' history first, while the members still say whose they are.
            for sql in [
                format!(
                    "DELETE FROM record_history WHERE record_id IN \
                     (SELECT id FROM persons WHERE household_id IN ({list}))"
                ),
                format!("DELETE FROM record_history WHERE record_id IN ({list})"),
                format!("DELETE FROM evidence_photos WHERE household_id IN ({list})"),
                format!("DELETE FROM persons WHERE household_id IN ({list})"),
                format!("DELETE FROM households WHERE id IN ({list})"),
            ] {
                with_tx!(&mut tx, c => {
                    bind_values(
                        sqlx::query(sqlx::AssertSqlSafe(sql)),
                        ids.iter().cloned().map(Value::Text),
                    )
                    .execute(&mut **c)
                    .await?;
                });
            }
            tx.register_changes();
            tx.commit().await?;
            undone += ids.len() as u64;
            self.pause_after_bulk_commit().await;
        }
    }

    /// Undoes every batch whose import died with its process: running, and not kept alive for
    /// [`ABANDONED_AFTER`]. Every import does this first, and so does a server as it starts.
    /// Returns the batches undone.
    pub async fn undo_abandoned_imports(&self) -> Result<u64, StoreError> {
        let before = crate::sql::time_text(self.now() - ABANDONED_AFTER);
        let ids: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT id FROM import_batches WHERE state = 'running' AND alive_at < $1",
            )
            .bind(&before)
            .fetch_all(p)
            .await?
        });
        if ids.is_empty() {
            return Ok(0);
        }
        let system = self.system_actor().await?;
        for id in &ids {
            self.undo_batch(&system, id, "abandoned").await?;
        }
        Ok(ids.len() as u64)
    }

    /// After a unique-key violation: which of the batch's ids the database already holds.
    async fn already_stored(&self, outcome: &ParseOutcome) -> Result<Vec<RowProblem>, StoreError> {
        let mut problems = Vec::new();
        let households: Vec<(String, u64)> = outcome
            .households
            .iter()
            .map(|(id, (_, line))| (id.to_string(), *line))
            .collect();
        let persons: Vec<(String, u64)> = outcome
            .persons
            .iter()
            .map(|(id, line)| (id.to_string(), *line))
            .collect();
        for (table, file, ids) in [
            ("households", "households.csv", households),
            ("persons", "persons.csv", persons),
        ] {
            for chunk in ids.chunks(500) {
                let placeholders: Vec<String> =
                    (1..=chunk.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT id FROM {table} WHERE id IN ({})",
                    placeholders.join(", ")
                );
                let found: Vec<String> = with_pool!(self, p => {
                    let values = chunk.iter().map(|(id, _)| Value::Text(id.clone()));
                    let rows = bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), values)
                        .fetch_all(p)
                        .await?;
                    use sqlx::Row;
                    rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<Result<_, _>>()?
                });
                for id in found {
                    let line = chunk
                        .iter()
                        .find(|(i, _)| *i == id)
                        .map(|(_, l)| *l)
                        .unwrap_or(0);
                    problems.push(RowProblem {
                        file: file.to_string(),
                        line,
                        column: "id".into(),
                        reason: format!("id {id} sudah ada di basis data (impor ulang?)"),
                        reason_en: format!(
                            "id {id} already exists in the database (imported before?)"
                        ),
                    });
                    if problems.len() >= MAX_PROBLEMS {
                        return Ok(problems);
                    }
                }
            }
        }
        problems.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
        Ok(problems)
    }
}

/// The writing side of an import: the parser's rows into the transaction open now, committed
/// once it has written as long as its [`Pace`] says (or waited that long for the parser), with
/// the history of its households and the batch kept alive.
struct Writer<'a> {
    store: &'a Store,
    actor: &'a Actor,
    batch_id: &'a str,
    now: &'a str,
    /// The history entry's reason (sealed), the same for every household of the batch.
    reason: String,
    /// Where `id` and `village_code` stand in a household's values.
    id_at: usize,
    village_at: usize,
    sink: Sink,
    open: Option<Chunk>,
    /// How long its transactions write, and the pause after each.
    pace: Pace,
}

/// One transaction of an import's and what it wrote.
struct Chunk {
    tx: Tx,
    began: tokio::time::Instant,
    /// The history rows of the households written in it.
    history: Vec<Vec<Value>>,
}

const HISTORY_COLUMNS: &[&str] = &[
    "id",
    "record_kind",
    "record_id",
    "village_code",
    "version",
    "change_kind",
    "actor_id",
    "actor_role",
    "at",
    "reason",
    "before_json",
    "after_json",
];

impl<'a> Writer<'a> {
    fn new(store: &'a Store, actor: &'a Actor, batch_id: &'a str, now: &'a str) -> Writer<'a> {
        let at = |column: &str| {
            HOUSEHOLD_COLUMNS
                .iter()
                .position(|c| *c == column)
                .expect("a household column")
        };
        Writer {
            store,
            actor,
            batch_id,
            now,
            // Sealed once for the whole batch (the same text on every household's entry).
            reason: store.keys().seal_note(
                crate::sealing::NoteColumn::HistoryReason,
                &format!(
                    "impor data (kelompok {})",
                    siks_domain::show::reference(batch_id)
                ),
            ),
            id_at: at("id"),
            village_at: at("village_code"),
            sink: Sink::default(),
            open: None,
            pace: Pace::new(store),
        }
    }

    fn write_for(&self) -> Duration {
        self.pace.write_for()
    }

    /// Writes the parser's rows as they come; after the first problem or failure it only
    /// collects problems, so that the report is complete and nothing more is sent.
    async fn write_all(
        &mut self,
        receiver: &mut mpsc::Receiver<Msg>,
        problems: &mut Vec<RowProblem>,
    ) -> Result<(), StoreError> {
        let mut failed: Option<StoreError> = None;
        loop {
            let next = match self.open.as_ref().map(|c| c.began + self.write_for()) {
                Some(due) => match tokio::time::timeout_at(due, receiver.recv()).await {
                    Ok(next) => next,
                    Err(_) => {
                        // The parser is slower than the writing: what is written is committed
                        // rather than held while it reads on.
                        if let Err(e) = self.commit().await {
                            failed = Some(e);
                        }
                        continue;
                    }
                },
                None => receiver.recv().await,
            };
            let Some(msg) = next else { break };
            let (persons, rows) = match msg {
                Msg::Problem(p) => {
                    problems.push(p);
                    self.abandon();
                    continue;
                }
                Msg::Households(rows) => (false, rows),
                Msg::Persons(rows) => (true, rows),
            };
            if failed.is_none()
                && problems.is_empty()
                && let Err(e) = self.write(persons, rows).await
            {
                self.abandon();
                failed = Some(e);
            }
        }
        failed.map_or(Ok(()), Err)
    }

    async fn write(&mut self, persons: bool, rows: Vec<Vec<Value>>) -> Result<(), StoreError> {
        if self.open.is_none() {
            self.open = Some(Chunk {
                tx: self.store.begin_bulk().await?,
                began: tokio::time::Instant::now(),
                history: Vec::new(),
            });
        }
        let history: Vec<Vec<Value>> = if persons {
            Vec::new()
        } else {
            rows.iter().map(|h| self.history_row(h)).collect()
        };
        let write_for = self.write_for();
        let Some(chunk) = self.open.as_mut() else {
            return Err(StoreError::Corrupt("import transaction not open".into()));
        };
        chunk.history.extend(history);
        self.sink.write(&mut chunk.tx, persons, rows).await?;
        if chunk.began.elapsed() >= write_for {
            self.commit().await?;
        }
        Ok(())
    }

    /// The `imported` entry of a household's history.
    fn history_row(&self, household: &[Value]) -> Vec<Value> {
        let text = |at: usize| match household.get(at) {
            Some(Value::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let id = text(self.id_at);
        vec![
            Value::Text(format!("import:{id}")),
            Value::Text("household".into()),
            Value::Text(id),
            Value::Text(text(self.village_at)),
            Value::Int(1),
            Value::Text("imported".into()),
            Value::Text(self.actor.user_id.to_string()),
            Value::Text(self.actor.role.key().into()),
            Value::Text(self.now.into()),
            Value::Text(self.reason.clone()),
            Value::OptText(None),
            Value::OptText(None),
        ]
    }

    /// Drops the open transaction: what it wrote is rolled back.
    fn abandon(&mut self) {
        self.open = None;
    }

    /// Completes the open transaction (see [`Writer::close`]) and commits it; on SQLite pauses.
    async fn commit(&mut self) -> Result<(), StoreError> {
        let Some(mut chunk) = self.open.take() else {
            return Ok(());
        };
        self.close(&mut chunk).await?;
        chunk.tx.commit().await?;
        self.pace.after_commit(self.store).await
    }

    /// What every transaction of the batch ends with: the rows still gathered sent, the history
    /// of its households, and the batch kept alive, which fails if the batch was undone as
    /// abandoned meanwhile (the import then stops and undoes what it wrote since).
    async fn close(&mut self, chunk: &mut Chunk) -> Result<(), StoreError> {
        self.sink.finish(&mut chunk.tx).await?;
        insert_rows_with(
            &mut chunk.tx,
            "record_history",
            HISTORY_COLUMNS,
            "",
            std::mem::take(&mut chunk.history),
        )
        .await?;
        let alive = with_tx!(&mut chunk.tx, c => {
            sqlx::query(
                "UPDATE import_batches SET alive_at = $1 WHERE id = $2 AND state = 'running'",
            )
            .bind(self.store.now_text())
            .bind(self.batch_id)
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        if alive != 1 {
            return Err(StoreError::Corrupt(format!(
                "import batch {} was undone while it ran (no sign of life for {} minutes)",
                self.batch_id,
                ABANDONED_AFTER.num_minutes()
            )));
        }
        chunk.tx.register_changes();
        Ok(())
    }

    /// The batch's last transaction: the rest of its rows, the batch marked done with its
    /// counts, and the import audited.
    async fn finish(mut self, report: &ImportReport, region: &str) -> Result<(), StoreError> {
        let mut chunk = match self.open.take() {
            Some(chunk) => chunk,
            None => Chunk {
                tx: self.store.begin_bulk().await?,
                began: tokio::time::Instant::now(),
                history: Vec::new(),
            },
        };
        self.close(&mut chunk).await?;
        with_tx!(&mut chunk.tx, c => {
            sqlx::query(
                "UPDATE import_batches SET state = 'done', households = $1, persons = $2 \
                 WHERE id = $3",
            )
            .bind(report.households as i64)
            .bind(report.persons as i64)
            .bind(self.batch_id)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut chunk.tx,
            self.actor,
            AuditEvent {
                action: "import",
                target_kind: "import_batch",
                target_id: self.batch_id.to_string(),
                region_code: region.to_string(),
                detail: format!(
                    "households={} persons={}",
                    report.households, report.persons
                ),
            },
        )
        .await?;
        chunk.tx.commit().await?;
        Ok(())
    }
}

/// Where parsed rows go: multi-row inserts on SQLite; on PostgreSQL, CSV gathered per table
/// (households arrive first, then persons) and sent by COPY a few megabytes at a time.
#[derive(Default)]
struct Sink {
    statements: HashMap<(bool, usize), String>,
    pending: Option<bool>,
    buffer: Vec<u8>,
}

impl Sink {
    async fn write(
        &mut self,
        tx: &mut Tx,
        persons: bool,
        rows: Vec<Vec<Value>>,
    ) -> Result<(), StoreError> {
        let (table, columns) = table_of(persons);
        match &mut tx.conn {
            Conn::Sqlite(t) => {
                let sql = self
                    .statements
                    .entry((persons, rows.len()))
                    .or_insert_with(|| sqlite_bulk_insert(table, columns, rows.len()))
                    .clone();
                bind_values(
                    sqlx::query(sqlx::AssertSqlSafe(sql)),
                    rows.into_iter().flatten(),
                )
                .execute(&mut **t)
                .await?;
            }
            Conn::Postgres(t) => {
                if self.pending.is_some_and(|p| p != persons) || self.buffer.len() >= COPY_BYTES {
                    self.flush(t).await?;
                }
                self.pending = Some(persons);
                for row in &rows {
                    copy_csv_row(&mut self.buffer, row);
                }
            }
        }
        Ok(())
    }

    async fn finish(&mut self, tx: &mut Tx) -> Result<(), StoreError> {
        match &mut tx.conn {
            Conn::Sqlite(_) => Ok(()),
            Conn::Postgres(t) => self.flush(t).await,
        }
    }

    async fn flush(&mut self, conn: &mut sqlx::PgConnection) -> Result<(), StoreError> {
        let Some(persons) = self.pending else {
            return Ok(());
        };
        if self.buffer.is_empty() {
            return Ok(());
        }
        let (table, columns) = table_of(persons);
        let statement = format!(
            "COPY {table} ({}) FROM STDIN (FORMAT csv)",
            columns.join(", ")
        );
        let mut copy = conn.copy_in_raw(&statement).await?;
        if let Err(e) = copy.send(self.buffer.as_slice()).await {
            let _ = copy.abort("import failed").await;
            return Err(e.into());
        }
        copy.finish().await?;
        self.buffer.clear();
        Ok(())
    }
}

fn table_of(persons: bool) -> (&'static str, &'static [&'static str]) {
    if persons {
        ("persons", PERSON_COLUMNS)
    } else {
        ("households", HOUSEHOLD_COLUMNS)
    }
}

/// Bytes of CSV gathered before one COPY is sent.
const COPY_BYTES: usize = 4 << 20;

/// The smallest region holding every imported household, for the audit entry.
fn households_source(outcome: &ParseOutcome) -> String {
    let mut codes = outcome.households.values().map(|(v, _)| v.as_str());
    let Some(first) = codes.next() else {
        return "*".into();
    };
    let mut common = first.to_string();
    for code in codes {
        while !code.starts_with(&common)
            || (code.len() > common.len() && code.as_bytes()[common.len()] != b'.')
        {
            match common.rfind('.') {
                Some(i) => common.truncate(i),
                None => return "*".into(),
            }
        }
    }
    common
}
