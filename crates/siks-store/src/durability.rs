//! What the database promises to keep after a crash, as a server checks it at its start: on
//! SQLite the journal mode and `synchronous` (the store opens every connection in WAL with
//! `synchronous=FULL`, so this reads what the connections really run with); on PostgreSQL
//! `fsync`, `synchronous_commit` and `full_page_writes`, which its administrator sets. A
//! register that loses acknowledged penetapan or proposals after a power cut is worse than one
//! that does not start, so an unsafe setting stops the server unless it is told otherwise.

use crate::{Result, Store};

/// The settings read, and which of them are unsafe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durability {
    /// (setting, value) as the engine answered.
    pub settings: Vec<(String, String)>,
    /// The settings that may lose acknowledged writes, with why.
    pub unsafe_settings: Vec<String>,
}

impl Durability {
    /// From what SQLite answered: the journal mode and `synchronous` (0 off, 1 normal, 2 full,
    /// 3 extra).
    pub fn of_sqlite(journal_mode: &str, synchronous: i64) -> Durability {
        let mut unsafe_settings = Vec::new();
        if !journal_mode.eq_ignore_ascii_case("wal") {
            unsafe_settings.push(format!("journal_mode={journal_mode} (harus wal)"));
        }
        if synchronous < 2 {
            unsafe_settings.push(format!("synchronous={synchronous} (harus full)"));
        }
        Durability {
            settings: vec![
                ("journal_mode".into(), journal_mode.to_lowercase()),
                (
                    "synchronous".into(),
                    match synchronous {
                        0 => "off",
                        1 => "normal",
                        2 => "full",
                        _ => "extra",
                    }
                    .into(),
                ),
            ],
            unsafe_settings,
        }
    }

    /// From what PostgreSQL answered.
    pub fn of_postgres(
        fsync: &str,
        synchronous_commit: &str,
        full_page_writes: &str,
    ) -> Durability {
        let mut unsafe_settings = Vec::new();
        if fsync != "on" {
            unsafe_settings.push(format!("fsync={fsync} (harus on)"));
        }
        // `local`, `remote_write`, `on`, `remote_apply` wait for the local flush at least.
        if synchronous_commit == "off" {
            unsafe_settings.push("synchronous_commit=off (harus on)".to_string());
        }
        if full_page_writes != "on" {
            unsafe_settings.push(format!("full_page_writes={full_page_writes} (harus on)"));
        }
        Durability {
            settings: vec![
                ("fsync".into(), fsync.into()),
                ("synchronous_commit".into(), synchronous_commit.into()),
                ("full_page_writes".into(), full_page_writes.into()),
            ],
            unsafe_settings,
        }
    }

    pub fn is_safe(&self) -> bool {
        self.unsafe_settings.is_empty()
    }

    /// The settings in one line (`journal_mode=wal synchronous=full`).
    pub fn line(&self) -> String {
        self.settings
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Store {
    /// What the database promises to keep after a crash (see [`Durability`]).
    pub async fn durability(&self) -> Result<Durability> {
        Ok(match &self.pool {
            crate::Pool::Sqlite(p) => {
                let mut c = p.acquire().await?;
                let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(&mut *c)
                    .await?;
                let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *c)
                    .await?;
                Durability::of_sqlite(&journal, synchronous)
            }
            crate::Pool::Postgres(p) => {
                let show =
                    async |name: &str| -> Result<String> {
                        Ok(sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
                            "SHOW {name}"
                        )))
                        .fetch_one(p)
                        .await?)
                    };
                Durability::of_postgres(
                    &show("fsync").await?,
                    &show("synchronous_commit").await?,
                    &show("full_page_writes").await?,
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_settings_are_named() {
        assert!(Durability::of_sqlite("wal", 2).is_safe());
        assert_eq!(
            Durability::of_sqlite("delete", 1).unsafe_settings,
            [
                "journal_mode=delete (harus wal)",
                "synchronous=1 (harus full)"
            ]
        );
        assert_eq!(
            Durability::of_sqlite("WAL", 2).line(),
            "journal_mode=wal synchronous=full"
        );
        assert!(Durability::of_postgres("on", "on", "on").is_safe());
        assert!(Durability::of_postgres("on", "local", "on").is_safe());
        assert_eq!(
            Durability::of_postgres("off", "off", "off")
                .unsafe_settings
                .len(),
            3
        );
    }
}
