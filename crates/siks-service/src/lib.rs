//! The use cases of siks, between the edges (pages, API, command line) and the store. The edges
//! hold a [`Service`] and call it; they never name the store (their Cargo.toml does not list
//! it), so every rule a use case follows sits here or below, once. Each area has its file:
//! accounts and sessions (`accounts`), the register's records (`records`), proposals and their
//! steps (`proposals`), the papers of the steps (`documents`), the checks (`checks`), outside
//! lists (`lists`), periods and the close (`periods`), ranking (`ranking`), programmes and their
//! lists (`programmes`), spreadsheet uploads (`uploads`), exports (`export`), reports
//! (`reports`), setting a database up (`setup`, `import`) and jobs (`jobs`).
//!
//! Issue 15 moved the edges here: most use cases still hand their work to one store function
//! (whose body moves up as each is taken apart); those that order several steps (the period
//! close, jobs) already live here. Errors are the store's typed errors, bilingual.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod background;
pub mod backup;
pub mod checks;
pub mod citizens;
pub mod documents;
pub mod export;
pub mod import;
pub mod jobs;
pub mod lists;
pub mod periods;
pub mod programmes;
pub mod proposals;
pub mod ranking;
pub mod records;
pub mod reports;
pub mod retention;
pub mod security;
pub mod setup;
pub mod signin;
pub mod social;
pub mod subjects;
pub mod tasks;
pub mod uploads;

use siks_store::Store;

/// What a use case refuses or fails with: the store's typed, bilingual errors (a rule broken,
/// not found or out of scope, a stale version, a conflict), which the edges turn into pages,
/// JSON errors and exit messages.
pub use siks_store::StoreError as ServiceError;

pub use siks_store::{
    AuditEntry, AuditVerification, HistoryEntry, HouseholdFilter, HouseholdSummary, HouseholdView,
    LoginGate, NewSession, NewUser, OpenMode, Quality, RegionQuality, RegionStats, Result,
    SYSTEM_USERNAME, Session, SessionPolicy, Stats, StatusCounts, UserRecord, Versioned,
    may_manage, random_token, redact_url,
};
pub use siks_store::{audit, audit_key};

/// The registry's use cases over one database; cheap to clone (the store is a pool).
#[derive(Clone)]
pub struct Service {
    store: Store,
    /// Sign-in tries per name and address (one server's memory; see [`signin`]).
    throttle: std::sync::Arc<signin::Throttle>,
}

impl Service {
    /// The use cases over an opened store. The edges open one with [`Service::open`]; the
    /// benchmarks, which hold the store themselves, come in here.
    pub fn new(store: Store) -> Self {
        Service {
            store,
            throttle: Default::default(),
        }
    }

    /// The same service reading the time from `clock` (a test's manual clock).
    pub fn with_clock(self, clock: std::sync::Arc<dyn siks_domain::clock::Clock>) -> Self {
        Service {
            store: self.store.with_clock(clock),
            throttle: self.throttle,
        }
    }

    /// The current time, by the service's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.store.now()
    }

    /// Today's date in UTC, by the service's clock: the `today` of a check run, a ranking or a
    /// list build started now.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }
}
