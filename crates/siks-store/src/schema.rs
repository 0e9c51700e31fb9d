//! Migrations (one file per version and engine, applied in order, each in its own transaction)
//! and the reference data every database holds: the region hierarchy and the system account.

use siks_domain::{Actor, Regions, Role, Scope, UserId};
use sqlx::Row;

use crate::sql::{Value, bind_values, multi_row_insert, with_pool, with_tx};
use crate::{Engine, Result, Store, StoreError};

/// `(version, name, SQLite text, PostgreSQL text)`; a test checks both trees stay in step.
pub(crate) const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "sessions_search",
        include_str!("../migrations/sqlite/0002_sessions_search.sql"),
        include_str!("../migrations/postgres/0002_sessions_search.sql"),
    ),
    (
        3,
        "evidence_photos",
        include_str!("../migrations/sqlite/0003_evidence_photos.sql"),
        include_str!("../migrations/postgres/0003_evidence_photos.sql"),
    ),
    (
        4,
        "audit_origin",
        include_str!("../migrations/sqlite/0004_audit_origin.sql"),
        include_str!("../migrations/postgres/0004_audit_origin.sql"),
    ),
    (
        5,
        "proposals",
        include_str!("../migrations/sqlite/0005_proposals.sql"),
        include_str!("../migrations/postgres/0005_proposals.sql"),
    ),
    (
        6,
        "periods",
        include_str!("../migrations/sqlite/0006_periods.sql"),
        include_str!("../migrations/postgres/0006_periods.sql"),
    ),
    (
        7,
        "documents",
        include_str!("../migrations/sqlite/0007_documents.sql"),
        include_str!("../migrations/postgres/0007_documents.sql"),
    ),
    (
        8,
        "findings",
        include_str!("../migrations/sqlite/0008_findings.sql"),
        include_str!("../migrations/postgres/0008_findings.sql"),
    ),
    (
        9,
        "outside lists",
        include_str!("../migrations/sqlite/0009_outside_lists.sql"),
        include_str!("../migrations/postgres/0009_outside_lists.sql"),
    ),
    (
        10,
        "welfare ranks",
        include_str!("../migrations/sqlite/0010_welfare_ranks.sql"),
        include_str!("../migrations/postgres/0010_welfare_ranks.sql"),
    ),
    (
        11,
        "programmes",
        include_str!("../migrations/sqlite/0011_programmes.sql"),
        include_str!("../migrations/postgres/0011_programmes.sql"),
    ),
    (
        12,
        "report counts",
        include_str!("../migrations/sqlite/0012_reports.sql"),
        include_str!("../migrations/postgres/0012_reports.sql"),
    ),
    (
        13,
        "desil in the village index",
        include_str!("../migrations/sqlite/0013_desil_index.sql"),
        include_str!("../migrations/postgres/0013_desil_index.sql"),
    ),
    (
        14,
        "jobs",
        include_str!("../migrations/sqlite/0014_jobs.sql"),
        include_str!("../migrations/postgres/0014_jobs.sql"),
    ),
    (
        15,
        "name_keys",
        include_str!("../migrations/sqlite/0015_name_keys.sql"),
        include_str!("../migrations/postgres/0015_name_keys.sql"),
    ),
    (
        16,
        "findings_newest",
        include_str!("../migrations/sqlite/0016_findings_newest.sql"),
        include_str!("../migrations/postgres/0016_findings_newest.sql"),
    ),
    (
        17,
        "job results and the register's generation",
        include_str!("../migrations/sqlite/0017_job_results.sql"),
        include_str!("../migrations/postgres/0017_job_results.sql"),
    ),
    (
        18,
        "the view journal's folded files",
        include_str!("../migrations/sqlite/0018_view_journal.sql"),
        include_str!("../migrations/postgres/0018_view_journal.sql"),
    ),
    (
        19,
        "region-first name indexes",
        include_str!("../migrations/sqlite/0019_region_name_index.sql"),
        include_str!("../migrations/postgres/0019_region_name_index.sql"),
    ),
    (
        20,
        "an import's batch: running, done or undone",
        include_str!("../migrations/sqlite/0020_import_batch_state.sql"),
        include_str!("../migrations/postgres/0020_import_batch_state.sql"),
    ),
    (
        21,
        "the audit log by account and by address in time",
        include_str!("../migrations/sqlite/0021_audit_scope_index.sql"),
        include_str!("../migrations/postgres/0021_audit_scope_index.sql"),
    ),
    (
        22,
        "a period close that is running",
        include_str!("../migrations/sqlite/0022_close_runs.sql"),
        include_str!("../migrations/postgres/0022_close_runs.sql"),
    ),
    (
        23,
        "sealed fields",
        include_str!("../migrations/sqlite/0023_sealed_fields.sql"),
        include_str!("../migrations/postgres/0023_sealed_fields.sql"),
    ),
    (
        24,
        "second factor and API tokens",
        include_str!("../migrations/sqlite/0024_second_factor_tokens.sql"),
        include_str!("../migrations/postgres/0024_second_factor_tokens.sql"),
    ),
    (
        25,
        "retention of removed persons",
        include_str!("../migrations/sqlite/0025_retention.sql"),
        include_str!("../migrations/postgres/0025_retention.sql"),
    ),
    (
        26,
        "free-text notes sealed",
        include_str!("../migrations/sqlite/0026_sealed_notes.sql"),
        include_str!("../migrations/postgres/0026_sealed_notes.sql"),
    ),
    (
        27,
        "the audit log's retention",
        include_str!("../migrations/sqlite/0027_audit_archive.sql"),
        include_str!("../migrations/postgres/0027_audit_archive.sql"),
    ),
    (
        28,
        "citizens' requests",
        include_str!("../migrations/sqlite/0028_citizen_requests.sql"),
        include_str!("../migrations/postgres/0028_citizen_requests.sql"),
    ),
    (
        29,
        "the PPKS and PSKS registries",
        include_str!("../migrations/sqlite/0029_social_registries.sql"),
        include_str!("../migrations/postgres/0029_social_registries.sql"),
    ),
    (
        30,
        "groups of families and communities on the programmes' lists",
        include_str!("../migrations/sqlite/0030_grouped_units.sql"),
        include_str!("../migrations/postgres/0030_grouped_units.sql"),
    ),
    (
        31,
        "the house photo of a citizen's usul",
        include_str!("../migrations/sqlite/0031_citizen_photos.sql"),
        include_str!("../migrations/postgres/0031_citizen_photos.sql"),
    ),
    (
        32,
        "the public check's reads by index alone",
        include_str!("../migrations/sqlite/0032_public_check_indexes.sql"),
        include_str!("../migrations/postgres/0032_public_check_indexes.sql"),
    ),
];

/// The username of the account the command line acts as.
pub const SYSTEM_USERNAME: &str = "system";

impl Store {
    /// The newest schema version this program knows.
    pub fn schema_version_needed() -> i64 {
        MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
    }

    /// The schema version of the open database (0 when it has none).
    pub async fn schema_version(&self) -> Result<i64> {
        const EXISTS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations \
             (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        with_pool!(self, p => {
            sqlx::query(EXISTS).execute(p).await?;
            let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
                .fetch_one(p)
                .await?;
            Ok(row.try_get::<i64, _>("v")?)
        })
    }

    /// Applies every migration the database lacks.
    pub async fn migrate(&self) -> Result<i64> {
        let current = self.schema_version().await?;
        for (version, name, sqlite, postgres) in MIGRATIONS {
            if *version <= current {
                continue;
            }
            let text = match self.engine() {
                Engine::Sqlite => *sqlite,
                Engine::Postgres => *postgres,
            };
            let mut tx = self.begin().await?;
            with_tx!(&mut tx, c => {
                sqlx::raw_sql(text).execute(&mut **c).await?;
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(*version)
                    .bind(*name)
                    .bind(self.now_text())
                    .execute(&mut **c)
                    .await?;
            });
            tx.commit().await?;
        }
        // At every migration (not only the one that adds the column): a fill cut off part-way
        // goes on the next time. Finding nothing to fill is one look into the index.
        let _ = current;
        self.fill_name_keys().await?;
        Ok(Self::schema_version_needed())
    }

    /// Writes every person's search keys as this program computes them: once, when a database
    /// made before the names were normalised is brought up to date. In batches, each its own
    /// transaction.
    async fn fill_name_keys(&self) -> Result<u64> {
        const BATCH: i64 = 5_000;
        let mut filled = 0u64;
        loop {
            let mut tx = self.begin().await?;
            let done = with_tx!(&mut tx, c => {
                let rows = sqlx::query(
                    "SELECT id, full_name FROM persons WHERE name_sorted = '' AND full_name <> '' \
                     ORDER BY id LIMIT $1",
                )
                .bind(BATCH)
                .fetch_all(&mut **c)
                .await?;
                for r in &rows {
                    let id: String = r.try_get("id")?;
                    let name: String = r.try_get("full_name")?;
                    let sorted = siks_domain::search::name_sorted(&name);
                    // A name with no letters keeps a sorted key that is not empty, so that it
                    // is not read again.
                    sqlx::query("UPDATE persons SET name_key = $1, name_sorted = $2 WHERE id = $3")
                        .bind(siks_domain::search::name_key(&name))
                        .bind(if sorted.is_empty() { " ".to_string() } else { sorted })
                        .bind(&id)
                        .execute(&mut **c)
                        .await?;
                }
                rows.len() as u64
            });
            tx.commit().await?;
            filled += done;
            if done == 0 {
                break;
            }
        }
        Ok(filled)
    }

    /// Refuses to work on a database whose schema is missing or older than this program.
    pub async fn ensure_current(&self) -> Result<()> {
        let found = self.schema_version().await?;
        let needed = Self::schema_version_needed();
        if found != needed {
            return Err(StoreError::SchemaOutdated { found, needed });
        }
        Ok(())
    }

    /// Loads the region hierarchy, updating names of codes already present. Idempotent; a code
    /// never disappears, since households may still point at it.
    pub async fn load_regions(&self, regions: &Regions) -> Result<u64> {
        const COLUMNS: &[&str] = &["code", "level", "parent_code", "name"];
        // Small batches: SQLite binds numbered parameters in time quadratic in their count.
        const BATCH: usize = 100;
        let existing = self.region_count().await?;
        if existing == regions.len() as u64 {
            return Ok(existing);
        }
        let all: Vec<_> = regions.iter().collect();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            for chunk in all.chunks(BATCH) {
                let sql = format!(
                    "{} ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                    multi_row_insert("regions", COLUMNS, chunk.len())
                );
                let values = chunk.iter().flat_map(|r| {
                    [
                        Value::Text(r.code.to_string()),
                        Value::Int(r.code.level().number()),
                        Value::OptText(r.code.parent().map(|p| p.to_string())),
                        Value::Text(r.name.clone()),
                    ]
                });
                bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), values)
                    .execute(&mut **c)
                    .await?;
            }
        });
        tx.commit().await?;
        self.region_count().await
    }

    pub async fn region_count(&self) -> Result<u64> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM regions").fetch_one(p).await?;
            Ok(row.try_get::<i64, _>("n")? as u64)
        })
    }

    /// The account the command line acts as (admin of the whole country, origin `cli`), created
    /// on first use.
    pub async fn system_actor(&self) -> Result<Actor> {
        if let Some(actor) = self.actor_for_username(SYSTEM_USERNAME).await? {
            return Ok(actor.from_origin("cli"));
        }
        let id = UserId::new();
        let result = with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, scope, active, password_hash, created_at, created_by, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, NULL, 1)",
            )
            .bind(id.to_string())
            .bind(SYSTEM_USERNAME)
            .bind("Sistem (baris perintah)")
            .bind(Role::Admin.key())
            .bind(Scope::Nation.key())
            .bind(true)
            .bind(self.now_text())
            .execute(p)
            .await
            .map(|_| ())
        });
        match result {
            Ok(_) => {}
            // Another process created it first.
            Err(e) if StoreError::is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
        self.actor_for_username(SYSTEM_USERNAME)
            .await?
            .map(|a| a.from_origin("cli"))
            .ok_or(StoreError::NotFound)
    }
}
