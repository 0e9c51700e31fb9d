//! Retention (ADR 0023): removed persons anonymised once their retention has passed, run by
//! `siks retention` (a timer's) or a server's daily turn; the audit log's entries archived and
//! dropped once theirs has (`siks audit archive`).

use siks_domain::Actor;
use siks_domain::clock::Stamp;
use siks_store::Result;

pub use siks_store::audit_archive::{ArchiveCheck, AuditArchived, AuditStart};
pub use siks_store::retention::{ANONYMISED_NAME, Anonymised, anonymised};

use crate::Service;

impl Service {
    /// Anonymises the persons removed before `removed_before` (`dry_run`: counts them).
    pub async fn anonymise_removed(
        &self,
        actor: &Actor,
        removed_before: Stamp,
        dry_run: bool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Anonymised> {
        self.store
            .anonymise_removed(actor, removed_before, dry_run, progress)
            .await
    }

    /// Archives the audit entries written before `cutoff` into `out` (sealed with `key`, its
    /// clear form in `scratch` for the moment it is sealed) and drops them (`dry_run`: counts).
    pub async fn archive_audit(
        &self,
        actor: &Actor,
        cutoff: Stamp,
        key: &siks_store::backup::DataKey,
        out: &std::path::Path,
        scratch: &std::path::Path,
        dry_run: bool,
    ) -> Result<AuditArchived> {
        self.store
            .archive_audit(actor, &cutoff.text(), key, out, scratch, dry_run)
            .await
    }

    /// Opens and checks an audit archive.
    pub async fn check_audit_archive(
        &self,
        key: &siks_store::backup::DataKey,
        file: &std::path::Path,
        scratch: &std::path::Path,
    ) -> Result<ArchiveCheck> {
        self.store.check_audit_archive(key, file, scratch).await
    }

    /// Where the audit log in the database begins (after the archived entries).
    pub async fn audit_start(&self) -> Result<AuditStart> {
        self.store.audit_start().await
    }

    /// The moment `years` before now: persons removed before it are past their retention.
    pub fn retention_cutoff(&self, years: u32) -> Stamp {
        use chrono::Months;
        let now = self.now();
        Stamp(
            now.checked_sub_months(Months::new(years.saturating_mul(12)))
                .unwrap_or(now),
        )
    }
}
