//! The store's conformance story: every store function, run on SQLite always and on PostgreSQL
//! whenever `SIKS_TEST_POSTGRES_URL` names a server where this user may create databases.
//! Under `CI=true` a missing PostgreSQL is a failure, not a skip.
//!
//! One binary of modules: `support` (fixtures, engines, actors) and a file per concern.

#[macro_use]
mod support;

mod audit;
mod checks;
mod citizens;
mod import;
mod jobs;
mod programmes;
mod records;
mod retention;
mod schema;
mod sealing;
mod social;
mod uploads;
mod users;
mod workflow;
