//! Counts of a province or of the nation kept between register writes. The quality page and the
//! report of a wide scope add up every village's people, households, desil and open findings:
//! hundreds of milliseconds at a million persons, for numbers that change only when the register
//! or a finding does. Every such write moves the register's generation (a row of
//! `data_generations`, in the write's own transaction, see `Tx::register_changes`), and a count
//! is kept here under the generation read before it was counted: a reader that finds another
//! generation counts again. The generation lives in the database, so a command line's import or
//! check run against a running server's database is seen too (ADR 0017).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use siks_domain::{RegionLevel, Scope};

use crate::sql::with_pool;
use crate::{Result, Store};

/// What is kept: per (what, scope) a count, all of one generation.
#[derive(Default)]
pub(crate) struct KeptCounts {
    /// `None` until the first count is kept.
    generation: Option<i64>,
    counts: HashMap<(&'static str, String), Arc<dyn Any + Send + Sync>>,
}

/// Scopes whose counts are kept: the nation and provinces (a regency's read fast enough, and
/// keeping every village's would only hold memory).
fn is_wide(scope: &Scope) -> bool {
    match scope {
        Scope::Nation => true,
        Scope::Region(code) => code.level() == RegionLevel::Province,
    }
}

impl Store {
    /// The register's generation, moved by every write that changes its counts.
    pub(crate) async fn register_generation(&self) -> Result<i64> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT value FROM data_generations WHERE name = 'register'",
            )
            .fetch_one(p)
            .await?
        }))
    }

    /// `count` of `scope`, kept under the register's generation for a wide scope: counted once
    /// per generation, however many pages ask.
    pub(crate) async fn kept<T, F, Fut>(
        &self,
        what: &'static str,
        scope: &Scope,
        count: F,
    ) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if !is_wide(scope) {
            return Ok(Arc::new(count().await?));
        }
        // Read before counting: a write that lands while counting moves the generation past
        // this one, so what is kept under it is counted again by the next reader.
        let generation = self.register_generation().await?;
        let key = (what, scope.key());
        {
            let kept = lock(&self.kept);
            if kept.generation == Some(generation)
                && let Some(hit) = kept.counts.get(&key)
                && let Ok(hit) = Arc::clone(hit).downcast::<T>()
            {
                return Ok(hit);
            }
        }
        let counted = Arc::new(count().await?);
        let mut kept = lock(&self.kept);
        match kept.generation {
            // Counted under an older generation than one kept meanwhile: answer, keep nothing.
            Some(newer) if newer > generation => {}
            Some(same) if same == generation => {
                kept.counts.insert(key, counted.clone());
            }
            _ => {
                kept.generation = Some(generation);
                kept.counts.clear();
                kept.counts.insert(key, counted.clone());
            }
        }
        Ok(counted)
    }
}

/// The lock, even after a panic elsewhere held it: what it guards is a cache, rebuilt from the
/// database whenever in doubt.
fn lock(kept: &Mutex<KeptCounts>) -> std::sync::MutexGuard<'_, KeptCounts> {
    kept.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        *guard = KeptCounts::default();
        guard
    })
}
