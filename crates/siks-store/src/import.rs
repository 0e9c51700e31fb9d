//! Bulk import of the interchange files (`households.csv`, `persons.csv`) with full validation,
//! all or nothing: a bad row is reported with file, line, column and reason, and the database is
//! left exactly as it was. Parsing runs on its own thread while the database writes (2 cores:
//! one parses, one writes); SQLite gets multi-row inserts, PostgreSQL gets COPY.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::sync::Arc;

use siks_domain::access::Action;
use siks_domain::interchange::{
    HOUSEHOLD_COLUMNS as FILE_HOUSEHOLD_COLUMNS, PERSON_COLUMNS as FILE_PERSON_COLUMNS,
    check_header, household_from_row, person_from_row,
};
use siks_domain::{Actor, Bilingual, HouseholdId, PersonId, RegionCode, Regions};
use tokio::sync::mpsc;

use crate::audit::{self, AuditEvent};
use crate::records::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_values, person_values};
use crate::sql::{
    Conn, Tx, Value, bind_values, copy_csv_row, sqlite_bulk_insert, with_pool, with_tx,
};
use crate::{Store, StoreError};

/// Rows per multi-row insert (SQLite allows 32,766 bound values per statement).
const BATCH_ROWS: usize = 400;
/// Problems collected before the import stops reading.
pub const MAX_PROBLEMS: usize = 100;

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
        Some(person_values(&person, &village, 1, &self.now))
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

        let mut tx = Some(self.begin().await?);
        let mut problems = Vec::new();
        let write_result = match tx.as_mut() {
            Some(t) => self.write_rows(t, &mut receiver, &mut problems).await,
            None => Ok(()),
        };
        let (rows, outcome) = parsing
            .await
            .map_err(|e| StoreError::Corrupt(format!("import parser stopped: {e}")))?;
        progress(rows);
        match write_result {
            Ok(()) => {}
            Err(e) if matches!(&e, StoreError::Database(d) if StoreError::is_unique_violation(d)) =>
            {
                // Roll back first: the aborted transaction may hold locks the look-up needs.
                tx = None;
                problems.extend(self.already_stored(&outcome).await?);
                if problems.is_empty() {
                    return Err(e.into());
                }
            }
            Err(e) => return Err(e.into()),
        }
        if !problems.is_empty() {
            // Dropping the transaction rolls it back: nothing of the batch stays.
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
        let Some(tx) = tx else {
            // Only a unique-key failure drops the transaction, and it always yields problems.
            return Err(
                StoreError::Corrupt("import transaction closed without problems".into()).into(),
            );
        };
        self.finish_import(tx, actor, &report, &households_source(&outcome), &now)
            .await?;
        self.settle_after_bulk_write().await?;
        Ok(report)
    }

    /// Writes the parser's rows as they come; after the first problem or failure it only
    /// collects problems, so that the report is complete and nothing more is sent.
    async fn write_rows(
        &self,
        tx: &mut Tx,
        receiver: &mut mpsc::Receiver<Msg>,
        problems: &mut Vec<RowProblem>,
    ) -> Result<(), StoreError> {
        let mut sink = Sink::default();
        let mut failed: Option<StoreError> = None;
        while let Some(msg) = receiver.recv().await {
            let (persons, rows) = match msg {
                Msg::Problem(p) => {
                    problems.push(p);
                    continue;
                }
                Msg::Households(rows) => (false, rows),
                Msg::Persons(rows) => (true, rows),
            };
            if failed.is_none()
                && problems.is_empty()
                && let Err(e) = sink.write(tx, persons, rows).await
            {
                failed = Some(e);
            }
        }
        if failed.is_none()
            && problems.is_empty()
            && let Err(e) = sink.finish(tx).await
        {
            failed = Some(e);
        }
        failed.map_or(Ok(()), Err)
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

    async fn finish_import(
        &self,
        mut tx: Tx,
        actor: &Actor,
        report: &ImportReport,
        region: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO record_history (id, record_kind, record_id, village_code, version, \
                 change_kind, actor_id, actor_role, at, reason, before_json, after_json) \
                 SELECT 'import:' || id, 'household', id, village_code, 1, 'imported', $1, $2, $3, $4, NULL, NULL \
                 FROM households WHERE import_batch = $5",
            )
            .bind(actor.user_id.to_string())
            .bind(actor.role.key())
            .bind(now)
            .bind(format!(
                "impor data (kelompok {})",
                siks_domain::show::reference(&report.batch_id.to_string())
            ))
            .bind(report.batch_id.to_string())
            .execute(&mut **c)
            .await?;
            sqlx::query(
                "INSERT INTO import_batches (id, actor_id, at, source, households, persons) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(report.batch_id.to_string())
            .bind(actor.user_id.to_string())
            .bind(now)
            .bind("csv")
            .bind(report.households as i64)
            .bind(report.persons as i64)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "import",
                target_kind: "import_batch",
                target_id: report.batch_id.to_string(),
                region_code: region.to_string(),
                detail: format!(
                    "households={} persons={}",
                    report.households, report.persons
                ),
            },
        )
        .await?;
        tx.register_changes();
        tx.commit().await?;
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
