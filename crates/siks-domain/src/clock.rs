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

/// A moment the register recorded (a record's creation, a step, a job's start): UTC, written
/// and shown as RFC 3339 with microseconds (`2026-12-04T10:00:00.000000Z`), so that the text's
/// order is the time's order. Read models carry this, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub DateTime<Utc>);

impl Stamp {
    /// The stored text of a moment; `None` for text that is not RFC 3339.
    pub fn parse(text: &str) -> Option<Stamp> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| Stamp(t.to_utc()))
    }

    /// The moment as stored and as the API shows it.
    pub fn text(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl utoipa::PartialSchema for Stamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .description(Some("RFC 3339, UTC, microseconds"))
            .into()
    }
}

impl utoipa::ToSchema for Stamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_as_it_was_written_and_sorts_as_its_text() {
        let text = "2026-12-04T10:00:00.000001Z";
        let stamp = Stamp::parse(text).unwrap();
        assert_eq!(stamp.text(), text);
        assert_eq!(stamp.to_string(), text);
        assert_eq!(
            serde_json::to_value(stamp).unwrap(),
            serde_json::json!(text)
        );
        let later = Stamp::parse("2026-12-04T10:00:00.000002Z").unwrap();
        assert!(later > stamp && later.text() > stamp.text());
        assert_eq!(Stamp::parse("4 Desember 2026"), None);
        // Another offset is the same moment, written back in UTC.
        assert_eq!(
            Stamp::parse("2026-12-04T17:00:00+07:00").unwrap().text(),
            "2026-12-04T10:00:00.000000Z"
        );
    }

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
