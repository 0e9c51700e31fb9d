//! The raw-database baselines that benchmarks compare the store's own paths against: the same
//! rows, already parsed, written with plain one-row prepared inserts in one transaction (SQLite)
//! or with COPY (PostgreSQL), into the same schema.

use std::collections::HashMap;
use std::io::Read;
use std::sync::LazyLock;

use siks_domain::interchange::{household_from_row, person_from_row};
use siks_domain::{HouseholdId, RegionCode, Regions};

use crate::records::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_values, person_values};
use crate::sql::{Conn, Value, bind_values, copy_csv_row, multi_row_insert, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// Rows ready to bind, in table column order.
#[derive(Debug, Default)]
pub struct RawRows {
    pub households: Vec<Vec<Value>>,
    pub persons: Vec<Vec<Value>>,
}

impl RawRows {
    pub fn len(&self) -> usize {
        self.households.len() + self.persons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parses the interchange files into rows (untimed preparation of the baseline).
    pub fn from_files(
        households: impl Read,
        persons: impl Read,
        keys: &crate::sealing::FieldKeys,
    ) -> Result<RawRows> {
        let now = crate::sql::time_text(siks_domain::clock::Clock::now(
            &siks_domain::clock::SystemClock,
        ));
        let bad = |what: String| StoreError::invalid_text(what.clone(), what);
        let mut villages: HashMap<HouseholdId, RegionCode> = HashMap::new();
        let mut rows = RawRows::default();
        let mut reader = csv::Reader::from_reader(households);
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let h =
                household_from_row(&record, Regions::embedded()).map_err(|e| bad(e.to_string()))?;
            villages.insert(h.id, h.address.village.clone());
            rows.households.push(household_values(&h, 1, &now, None)?);
        }
        let mut reader = csv::Reader::from_reader(persons);
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let p = person_from_row(&record).map_err(|e| bad(e.to_string()))?;
            let village = villages
                .get(&p.household_id)
                .ok_or_else(|| bad(format!("unknown household {}", p.household_id)))?;
            rows.persons.push(person_values(&p, village, 1, &now, keys));
        }
        Ok(rows)
    }
}

static ONE_HOUSEHOLD: LazyLock<String> =
    LazyLock::new(|| multi_row_insert("households", HOUSEHOLD_COLUMNS, 1));
static ONE_PERSON: LazyLock<String> =
    LazyLock::new(|| multi_row_insert("persons", PERSON_COLUMNS, 1));

impl Store {
    /// Writes `rows` the plainest way the engine allows, in one transaction: the baseline.
    pub async fn baseline_insert(&self, rows: &RawRows) -> Result<u64> {
        let mut tx = self.begin().await?;
        match &mut tx.conn {
            Conn::Sqlite(t) => {
                for (sql, list) in [
                    (&*ONE_HOUSEHOLD, &rows.households),
                    (&*ONE_PERSON, &rows.persons),
                ] {
                    for row in list {
                        bind_values(
                            sqlx::query(sqlx::AssertSqlSafe(sql.as_str())),
                            row.iter().cloned(),
                        )
                        .execute(&mut **t)
                        .await?;
                    }
                }
            }
            Conn::Postgres(t) => {
                for (table, columns, list) in [
                    ("households", HOUSEHOLD_COLUMNS, &rows.households),
                    ("persons", PERSON_COLUMNS, &rows.persons),
                ] {
                    let statement = format!(
                        "COPY {table} ({}) FROM STDIN (FORMAT csv)",
                        columns.join(", ")
                    );
                    let mut copy = t.copy_in_raw(&statement).await?;
                    let mut buffer = Vec::with_capacity(1 << 20);
                    for row in list {
                        copy_csv_row(&mut buffer, row);
                        if buffer.len() >= 1 << 20 {
                            copy.send(buffer.as_slice()).await?;
                            buffer.clear();
                        }
                    }
                    copy.send(buffer.as_slice()).await?;
                    copy.finish().await?;
                }
            }
        }
        tx.register_changes();
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}

impl Store {
    /// The raw baseline of a count: `SELECT COUNT(*)` over a whole table.
    /// What ranking must read, and no more: every household's housing and assets, and the
    /// number of members of each (the rows read).
    pub async fn baseline_rank_read(&self) -> Result<u64> {
        use futures_util::TryStreamExt;
        crate::sql::with_pool!(self, p => {
            use sqlx::Row;
            let mut n = 0u64;
            let mut rows = sqlx::query("SELECT id, housing, assets FROM households").fetch(p);
            while let Some(r) = rows.try_next().await? {
                n += u64::from(!r.try_get::<String, _>("housing")?.is_empty());
            }
            drop(rows);
            let mut rows = sqlx::query(
                "SELECT household_id, CAST(COUNT(*) AS BIGINT) AS n FROM persons GROUP BY household_id",
            )
            .fetch(p);
            while let Some(r) = rows.try_next().await? {
                n += u64::from(r.try_get::<i64, _>("n")? > 0);
            }
            Ok(n)
        })
    }

    pub async fn baseline_count(&self, persons: bool) -> Result<u64> {
        let sql = if persons {
            "SELECT COUNT(*) AS n FROM persons"
        } else {
            "SELECT COUNT(*) AS n FROM households"
        };
        crate::sql::with_pool!(self, p => {
            use sqlx::Row;
            let row = sqlx::query(sql).fetch_one(p).await?;
            Ok(row.try_get::<i64, _>("n")? as u64)
        })
    }

    /// Drops everything in a PostgreSQL database's public schema, for benchmarks that need a
    /// fresh database on a scratch server. Refused on SQLite (use a new file there).
    pub async fn wipe_postgres_scratch(&self) -> Result<()> {
        match &self.pool {
            crate::Pool::Postgres(p) => {
                sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
                    .execute(p)
                    .await?;
                Ok(())
            }
            crate::Pool::Sqlite(_) => Err(StoreError::invalid_text(
                "hanya untuk PostgreSQL",
                "PostgreSQL only",
            )),
        }
    }
}

impl Store {
    /// Gives `person` the number `nik` as legacy data might (no check, no history, no audit):
    /// what a story needs to plant a NIK held twice, which the store itself refuses.
    pub async fn seed_nik(&self, person: siks_domain::PersonId, nik: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let keys = tx.keys.clone();
        with_tx!(&mut tx, c => {
            use sqlx::Row;
            let row = sqlx::query("SELECT identity FROM persons WHERE id = $1")
                .bind(person.to_string())
                .fetch_one(&mut **c)
                .await?;
            let (_, no_kk, mother) =
                crate::records::open_identity(&keys, &row.try_get::<String, _>("identity")?)?;
            sqlx::query("UPDATE persons SET identity = $1, nik_key = $2 WHERE id = $3")
                .bind(crate::records::seal_identity(&keys, nik, &no_kk, &mother))
                .bind(keys.blind(crate::sealing::Blind::Nik, nik))
                .bind(person.to_string())
                .execute(&mut **c)
                .await?;
        });
        Ok(tx.commit().await?)
    }

    /// The raw baseline of a search by NIK: the indexed lookup alone, no scope, no audit.
    pub async fn baseline_nik_lookup(&self, nik: &str) -> Result<Vec<String>> {
        crate::sql::with_pool!(self, p => {
            use sqlx::Row;
            let rows = sqlx::query("SELECT household_id FROM persons WHERE nik_key = $1")
                .bind(self.keys().blind(crate::sealing::Blind::Nik, nik))
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| r.try_get::<String, _>("household_id").map_err(StoreError::from))
                .collect()
        })
    }
}

impl Store {
    /// Benchmark setup: writes proposals straight into `stage` in one transaction, bypassing
    /// the way up (which the conformance suite covers). Each item is the proposal's village and
    /// content.
    pub async fn seed_proposals(
        &self,
        created_by: &str,
        stage: siks_domain::workflow::Stage,
        items: &[(RegionCode, siks_domain::workflow::ProposalContent)],
    ) -> Result<()> {
        let now = self.now_text();
        let mut tx = self.begin().await?;
        for (village, content) in items {
            let to_village = match content {
                siks_domain::workflow::ProposalContent::Move { to_village, .. } => {
                    Some(to_village.to_string())
                }
                _ => None,
            };
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO proposals (id, kind, village_code, household_id, person_id, stage, content, \
                     backing, reason, period, created_by, created_at, updated_at, version, to_village_code) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'sptjm', '', NULL, $8, $9, $9, 1, $10)",
                )
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(i64::from(content.kind().code()))
                .bind(village.to_string())
                .bind(content.household().to_string())
                .bind(content.person().map(|p| p.to_string()))
                .bind(stage.key())
                .bind(crate::proposals::seal_content(&self.keys(), content)?)
                .bind(created_by)
                .bind(&now)
                .bind(to_village)
                .execute(&mut **c)
                .await?;
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// The raw baseline of a period close: one plain `UPDATE` of each touched household's
    /// version, in one transaction, no checks, history or audit.
    pub async fn baseline_touch(&self, households: &[HouseholdId]) -> Result<u64> {
        let mut tx = self.begin().await?;
        for id in households {
            with_tx!(&mut tx, c => {
                sqlx::query("UPDATE households SET version = version + 1 WHERE id = $1")
                    .bind(id.to_string())
                    .execute(&mut **c)
                    .await?;
            });
        }
        tx.commit().await?;
        Ok(households.len() as u64)
    }
}

impl Store {
    /// The raw baseline of a check run: every household and person row read once, undecoded.
    pub async fn baseline_scan(&self) -> Result<u64> {
        crate::sql::with_pool!(self, p => {
            let mut n = 0u64;
            for sql in ["SELECT * FROM households", "SELECT * FROM persons"] {
                let mut rows = sqlx::query(sql).fetch(p);
                use futures_util::TryStreamExt;
                while rows.try_next().await?.is_some() {
                    n += 1;
                }
            }
            Ok(n)
        })
    }
}

/// A record's id and its village's code.
type IdInVillage = (String, String);

/// What [`Store::seed_audit_year`] writes: a year of views by many accounts, and the planted
/// credential's among them.
#[derive(Debug, Clone, Copy)]
pub struct AuditYear {
    pub accounts: usize,
    pub days: usize,
    pub per_account_day: usize,
}

impl Store {
    /// Benchmark setup: a year of audit entries straight into the log (not chained: the breach
    /// scope reads entries, it does not verify them), `accounts` operators each viewing
    /// `per_account_day` households and persons of the register every day for `days` days,
    /// ending now, from addresses of their own; `planted` (a username) is one of them, from
    /// `planted_origin`. Returns the entries written.
    pub async fn seed_audit_year(
        &self,
        year: AuditYear,
        planted: &str,
        planted_origin: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64> {
        use crate::sql::insert_rows;
        // What there is to view: households with their villages, and persons.
        let (households, persons): (Vec<IdInVillage>, Vec<IdInVillage>) = with_pool!(self, p => {
            let h = sqlx::query("SELECT id, village_code FROM households ORDER BY id LIMIT 200000")
                .fetch_all(p)
                .await?;
            let ps = sqlx::query("SELECT id, village_code FROM persons ORDER BY id LIMIT 200000")
                .fetch_all(p)
                .await?;
            use crate::sql::Cells;
            (
                h.iter()
                    .map(|r| Ok((r.text("id")?, r.text("village_code")?)))
                    .collect::<Result<Vec<_>>>()?,
                ps.iter()
                    .map(|r| Ok((r.text("id")?, r.text("village_code")?)))
                    .collect::<Result<Vec<_>>>()?,
            )
        });
        if households.is_empty() || persons.is_empty() {
            return Ok(0);
        }
        let start_seq: i64 = with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM audit_log")
                .fetch_one(p)
                .await?
        });
        let now = self.now();
        let mut written = 0u64;
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for day in 0..year.days {
            let mut rows = Vec::with_capacity(year.accounts * year.per_account_day);
            let date = now - chrono::Duration::days((year.days - day) as i64);
            for account in 0..year.accounts {
                let username = if account == 0 {
                    planted.to_string()
                } else {
                    format!("operator{account:05}")
                };
                let origin = if account == 0 {
                    planted_origin.to_string()
                } else {
                    format!(
                        "10.{}.{}.{}",
                        account / 65536,
                        (account / 256) % 256,
                        account % 256
                    )
                };
                for n in 0..year.per_account_day {
                    let at =
                        date + chrono::Duration::seconds((8 * 3600 + n * 60 + account % 60) as i64);
                    let (action, kind, (target, village)) = if next() % 3 == 0 {
                        (
                            "person.view",
                            "person",
                            persons[(next() % persons.len() as u64) as usize].clone(),
                        )
                    } else {
                        (
                            "household.view",
                            "household",
                            households[(next() % households.len() as u64) as usize].clone(),
                        )
                    };
                    rows.push(vec![
                        // Numbered below, once the day's rows are in time order.
                        Value::Int(0),
                        Value::Text(crate::sql::time_text(at)),
                        Value::Text(format!("00000000-0000-7000-8000-{account:012}")),
                        Value::Text(username.clone()),
                        Value::Text("operator_kabupaten".into()),
                        Value::Text(action.into()),
                        Value::Text(kind.into()),
                        Value::Text(target),
                        Value::Text(village),
                        Value::Text(String::new()),
                        Value::Text("bench".into()),
                        Value::Text("bench".into()),
                        Value::Text(origin.clone()),
                    ]);
                }
            }
            // The log's order is its time's: rows of a day by their moment.
            rows.sort_by(|a, b| match (&a[1], &b[1]) {
                (Value::Text(x), Value::Text(y)) => x.cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
            let mut next_seq = start_seq + written as i64;
            for row in &mut rows {
                next_seq += 1;
                row[0] = Value::Int(next_seq);
            }
            written += rows.len() as u64;
            let mut tx = self.begin_bulk().await?;
            insert_rows(&mut tx, "audit_log", crate::audit::COLUMNS, rows).await?;
            tx.commit().await?;
            progress(written);
        }
        Ok(written)
    }
}

impl Store {
    /// The raw baseline of a breach scope: every audit entry read once (a scan that cannot use
    /// an index), counted.
    pub async fn baseline_audit_scan(&self) -> Result<i64> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM audit_log WHERE detail <> 'x' OR origin <> 'x'",
            )
            .fetch_one(p)
            .await?
        }))
    }
}
