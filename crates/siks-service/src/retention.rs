//! Retention (ADR 0023): removed persons anonymised once their retention has passed, run by
//! `siks retention` (a timer's) or a server's daily turn.

use siks_domain::Actor;
use siks_domain::clock::Stamp;
use siks_store::Result;

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
