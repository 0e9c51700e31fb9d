//! Pure domain of siks, the social-welfare registry: regions, identity numbers, coded values,
//! the household and person record, roles and scopes, and the interchange file format.
//! No I/O and no async here; everything is unit- and property-tested.
#![forbid(unsafe_code)]

pub mod message;
#[macro_use]
pub mod codes;
pub mod access;
pub mod breach;
pub mod checks;
pub mod citizen;
pub mod clock;
pub mod disclosure;
pub mod documents;
pub mod entry;
pub mod identity;
pub mod interchange;
pub mod jobs;
pub mod lists;
pub mod programmes;
pub mod record;
pub mod region;
pub mod search;
pub mod show;
pub mod social;
pub mod subject;
pub mod totp;
pub mod welfare;
pub mod workflow;

pub use access::{Action, Actor, Role, Scope};
pub use codes::Coded;
pub use identity::{IdNumberError, Nik, NoKk, Recorded};
pub use message::Bilingual;
pub use record::{
    ChangeKind, Household, HouseholdId, Person, PersonId, RecordKind, RegistryStatus, UserId,
};
pub use region::{Region, RegionCode, RegionLevel, Regions};
