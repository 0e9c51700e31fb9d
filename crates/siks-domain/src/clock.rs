//! What time it is, as something the store and the service are given rather than ask the
//! operating system for: a server runs on [`SystemClock`]; a test moves a [`ManualClock`] past a
//! session's idle limit or a lockout's end instead of sleeping through it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place that reads the operating system's clock (clippy refuses it elsewhere).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands where it is set and moves only when told, for tests. Each reading is a
/// microsecond after the last, so that records written one after another still sort in order.
#[derive(Debug, Clone)]
pub struct ManualClock {
    at: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        ManualClock {
            at: Arc::new(Mutex::new(at)),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
        *at += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
        *at += chrono::Duration::microseconds(1);
        *at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_when_told_and_never_back() {
        let start = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .to_utc();
        let clock = ManualClock::starting_at(start);
        let first = clock.now();
        let second = clock.now();
        assert!(first > start && second > first);
        assert!(second - start < chrono::Duration::milliseconds(1));
        clock.advance(chrono::Duration::minutes(16));
        assert!(clock.now() - start > chrono::Duration::minutes(16));
        let shared = clock.clone();
        shared.advance(chrono::Duration::hours(1));
        assert!(
            clock.now() - start > chrono::Duration::hours(1),
            "clones share the time"
        );
    }
}
