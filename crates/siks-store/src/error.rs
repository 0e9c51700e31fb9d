//! The store's one error type. Every variant a person can meet has an Indonesian and an English
//! message; database causes are kept for the log, never shown.

use siks_domain::Bilingual;
use siks_domain::access::Action;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record, or a record outside the actor's scope: the two look exactly alike.
    #[error("data tidak ditemukan")]
    NotFound,
    /// The actor's role may not do this at all.
    #[error("peran Anda tidak berwenang untuk tindakan ini")]
    Forbidden(Action),
    /// The record changed since the actor loaded it.
    #[error(
        "data sudah diubah orang lain (versi {current}, Anda memuat versi {expected}); muat ulang lalu ulangi"
    )]
    Stale { expected: i64, current: i64 },
    /// A database URL that points at nothing, and creation was not asked for.
    #[error("basis data '{0}' tidak ada; jalankan `siks init --db …` untuk membuatnya")]
    DatabaseMissing(String),
    #[error("alamat basis data '{0}' tidak dikenal: pakai sqlite://BERKAS atau postgres://…")]
    BadUrl(String),
    /// The schema is missing or older than this program.
    #[error(
        "skema basis data belum dibuat atau usang (versi {found}, perlu {needed}); jalankan `siks init`"
    )]
    SchemaOutdated { found: i64, needed: i64 },
    /// Input that breaks a rule of the domain.
    #[error("{indonesian}")]
    Invalid { indonesian: String, english: String },
    /// A unique value already taken.
    #[error("{indonesian}")]
    Conflict { indonesian: String, english: String },
    #[error("kesalahan basis data")]
    Database(#[from] sqlx::Error),
    #[error("data tersimpan rusak: {0}")]
    Corrupt(String),
    /// The audit chain's key file cannot be read or made.
    #[error("kunci audit {path}: {reason}")]
    AuditKey { path: String, reason: String },
    /// The field keys' file cannot be read or made.
    #[error("kunci medan {path}: {reason}")]
    FieldKeys { path: String, reason: String },
    /// A sealed value names a key the field keys' file does not hold.
    #[error(
        "data terenkripsi dengan kunci {0} yang tidak ada di berkas kunci medan: pakai berkas kunci basis data ini"
    )]
    FieldKeyMissing(String),
    /// A sealed value does not open with its key: altered, moved, or another deployment's key
    /// of the same name.
    #[error("data terenkripsi (kunci {0}) tidak dapat dibuka: rusak atau kunci salah")]
    FieldKeyWrong(String),
    /// The server's view journal cannot be written or read (a full or failing disk): the
    /// view is refused, since its audit entry could not be kept.
    #[error("jurnal lihat {0} tidak dapat ditulis atau dibaca; tampilan ditolak")]
    ViewJournal(String),
}

impl StoreError {
    /// A rule of the domain broken, in its own words.
    pub fn invalid(e: &dyn Bilingual) -> StoreError {
        StoreError::Invalid {
            indonesian: e.indonesian(),
            english: e.english(),
        }
    }

    pub(crate) fn invalid_text(indonesian: impl Into<String>, english: impl Into<String>) -> Self {
        StoreError::Invalid {
            indonesian: indonesian.into(),
            english: english.into(),
        }
    }

    /// Whether a database error is a unique-key violation.
    pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
    }

    /// SQLite's "database is locked": a writer waited the whole busy timeout behind another
    /// that holds the one write lock (a period close, a list build). Nothing was written; the
    /// same write a moment later goes through, so the edges say "busy, try again", not "error".
    pub fn is_busy(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(d)) = self else {
            return false;
        };
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
        d.code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6))
            && d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl Bilingual for StoreError {
    fn indonesian(&self) -> String {
        self.to_string()
    }

    fn english(&self) -> String {
        match self {
            StoreError::NotFound => "not found".into(),
            StoreError::AuditKey { path, reason } => format!("audit key {path}: {reason}"),
            StoreError::FieldKeys { path, reason } => format!("field keys {path}: {reason}"),
            StoreError::FieldKeyMissing(id) => format!(
                "data sealed with key {id}, which the field keys' file does not hold: use this database's key file"
            ),
            StoreError::FieldKeyWrong(id) => {
                format!("sealed data (key {id}) does not open: damaged, or the wrong key")
            }
            StoreError::ViewJournal(what) => {
                format!("the view journal {what} cannot be written or read; the view is refused")
            }
            StoreError::Forbidden(a) => format!("your role may not do this ({a:?})"),
            StoreError::Stale { expected, current } => format!(
                "the record changed meanwhile (version {current}, you loaded {expected}); reload and retry"
            ),
            StoreError::DatabaseMissing(u) => {
                format!("database '{u}' does not exist; run `siks init --db …` to create it")
            }
            StoreError::BadUrl(u) => {
                format!("unknown database URL '{u}': use sqlite://FILE or postgres://…")
            }
            StoreError::SchemaOutdated { found, needed } => format!(
                "database schema missing or outdated (version {found}, need {needed}); run `siks init`"
            ),
            StoreError::Invalid { english, .. } | StoreError::Conflict { english, .. } => {
                english.clone()
            }
            StoreError::Database(e) => format!("database error: {e}"),
            StoreError::Corrupt(e) => format!("stored data is corrupt: {e}"),
        }
    }
}
