//! Sign-in throttling (ASVS 2.2.1): a progressive delay per name and client address, and a
//! gentler one per name over every address, in place of a lock that refused the rightful user's
//! password while anyone kept failing it. The address is the connection's: behind a proxy every
//! client shares the proxy's until trusted proxies' `X-Forwarded-For` is read (issue 18, item 3). A name is throttled whether an account has it or not,
//! so the answers never tell who exists. Taking a turn and counting it happen under one lock, so
//! parallel guesses cannot slip in between (40 threads once had 41 passwords checked instead of
//! 5). The tallies live in the server's memory: one server answers a database's sign-ins (ADR
//! 0014), and a restart forgets them, which gives a guesser nothing a wait would not.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Failures from one address at one name before each next try waits.
pub const FREE_PER_ADDRESS: u32 = 5;
/// The longest wait one address is given for one name.
pub const LONGEST_PER_ADDRESS: Duration = Duration::from_secs(15 * 60);
/// Failures at one name from every address before each next try waits.
pub const FREE_PER_NAME: u32 = 20;
/// The longest wait for a name over every address: never a lockout of its rightful user, and
/// with the waits before it, fewer than 100 failed tries an hour (ASVS 2.2.1).
pub const LONGEST_PER_NAME: Duration = Duration::from_secs(60);
/// A tally is forgotten this long after its last failure.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// Tallies kept at most: beyond, the stale ones go first, then the oldest.
const MOST_TALLIES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// A name (trimmed, lower case) from one address.
    FromAddress(String, String),
    /// A name from every address.
    Name(String),
}

#[derive(Debug, Clone, Copy)]
struct Tally {
    failures: u32,
    /// No try before this.
    not_before: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// A try taken: counted as a failure until [`Throttle::succeeded`] clears it.
#[derive(Debug)]
pub struct Turn {
    name: String,
    address: String,
}

/// The tallies of one server.
#[derive(Default)]
pub struct Throttle {
    tallies: Mutex<HashMap<Key, Tally>>,
}

/// The wait after `failures` failures: none for the first `free`, then 1 s, 2 s, 4 s … up to
/// `longest`.
fn wait_after(failures: u32, free: u32, longest: Duration) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = (failures - free).min(20);
    Duration::from_secs(1u64 << doublings).min(longest)
}

/// The name a tally is kept under: trimmed, lower case, at most 64 characters (a name is never
/// longer, and a long one would make each tally large).
fn normal(name: &str) -> String {
    name.trim()
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase()
}

impl Throttle {
    /// Takes a turn for `name` from `address` at `now`, counted as a failure at once (so that a
    /// parallel try sees it); or how long to wait first.
    pub fn take_turn(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Turn, Duration> {
        let name = normal(name);
        let keys = [
            (
                Key::FromAddress(name.clone(), address.to_string()),
                FREE_PER_ADDRESS,
                LONGEST_PER_ADDRESS,
            ),
            (Key::Name(name.clone()), FREE_PER_NAME, LONGEST_PER_NAME),
        ];
        let mut tallies = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys
            .iter()
            .filter_map(|(key, _, _)| tallies.get(key))
            .map(|t| (t.not_before - now).to_std().unwrap_or_default())
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(wait);
        }
        if tallies.len() >= MOST_TALLIES {
            forget_some(&mut tallies, now);
        }
        for (key, free, longest) in keys {
            let tally = tallies.entry(key).or_insert(Tally {
                failures: 0,
                not_before: now,
                last: now,
            });
            if (now - tally.last).to_std().unwrap_or_default() > FORGET_AFTER {
                tally.failures = 0;
            }
            tally.failures += 1;
            tally.last = now;
            tally.not_before = now
                + chrono::Duration::from_std(wait_after(tally.failures, free, longest))
                    .unwrap_or_default();
        }
        Ok(Turn {
            name,
            address: address.to_string(),
        })
    }

    /// The right password: the name's tallies from this address and overall start again.
    pub fn succeeded(&self, turn: Turn) {
        let mut tallies = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        tallies.remove(&Key::FromAddress(turn.name.clone(), turn.address));
        tallies.remove(&Key::Name(turn.name));
    }
}

/// Makes room: the stale tallies go first, then those that hold nobody back yet (a flood of
/// made-up names, one failure each), and only then the older half of the rest; so a flood cannot
/// wipe the tally that makes a guesser of one name wait.
fn forget_some(tallies: &mut HashMap<Key, Tally>, now: DateTime<Utc>) {
    tallies.retain(|_, t| (now - t.last).to_std().unwrap_or_default() <= FORGET_AFTER);
    if tallies.len() >= MOST_TALLIES {
        tallies.retain(|key, t| {
            let free = match key {
                Key::FromAddress(..) => FREE_PER_ADDRESS,
                Key::Name(_) => FREE_PER_NAME,
            };
            t.failures >= free.saturating_sub(1)
        });
    }
    if tallies.len() >= MOST_TALLIES {
        let mut lasts: Vec<DateTime<Utc>> = tallies.values().map(|t| t.last).collect();
        lasts.sort_unstable();
        let cut = lasts[lasts.len() / 2];
        tallies.retain(|_, t| t.last > cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    /// Five failures from one address, then each next try waits longer; another address is not
    /// held back; the right password starts the tally again.
    #[test]
    fn an_address_waits_longer_after_each_failure_and_others_do_not() {
        let throttle = Throttle::default();
        for _ in 0..FREE_PER_ADDRESS {
            throttle.take_turn("desa.b", "10.0.0.1", at(0)).unwrap();
        }
        assert_eq!(
            throttle.take_turn("desa.b", "10.0.0.1", at(0)).unwrap_err(),
            Duration::from_secs(1),
            "even the right password waits"
        );
        let other = throttle.take_turn("desa.b", "10.0.0.2", at(0));
        assert!(
            other.is_ok(),
            "the rightful user elsewhere is not locked out"
        );
        throttle.take_turn(" DESA.B ", "10.0.0.1", at(1)).unwrap();
        assert_eq!(
            throttle.take_turn("desa.b", "10.0.0.1", at(1)).unwrap_err(),
            Duration::from_secs(2),
            "the same name however typed"
        );
        let turn = throttle.take_turn("desa.b", "10.0.0.1", at(3)).unwrap();
        throttle.succeeded(turn);
        throttle.succeeded(other.unwrap());
        for _ in 0..FREE_PER_ADDRESS {
            throttle.take_turn("desa.b", "10.0.0.1", at(3)).unwrap();
        }
    }

    /// A name nobody has is throttled as one an account has: nothing tells them apart.
    #[test]
    fn an_unknown_name_is_throttled_alike() {
        let throttle = Throttle::default();
        for name in ["desa.b", "tidak.ada"] {
            for _ in 0..FREE_PER_ADDRESS {
                throttle.take_turn(name, "10.0.0.1", at(0)).unwrap();
            }
            assert_eq!(
                throttle.take_turn(name, "10.0.0.1", at(0)).unwrap_err(),
                Duration::from_secs(1)
            );
        }
    }

    /// Many addresses at one name: after twenty failures each next try waits, never more than a
    /// minute, so the rightful user is held back at most that long; fewer than 100 failures an
    /// hour get through.
    #[test]
    fn many_addresses_at_one_name_wait_at_most_a_minute() {
        let throttle = Throttle::default();
        let mut now = at(0);
        let mut tried = 0;
        let mut longest = Duration::ZERO;
        let mut address = 0u32;
        while now < at(3600) {
            address += 1;
            match throttle.take_turn(
                "admin",
                &format!("10.1.{}.{}", address / 250, address % 250),
                now,
            ) {
                Ok(_) => tried += 1,
                Err(wait) => {
                    longest = longest.max(wait);
                    now += chrono::Duration::from_std(wait).unwrap();
                }
            }
        }
        assert!(tried < 100, "{tried} failures in an hour");
        assert_eq!(longest, LONGEST_PER_NAME);
    }

    /// Forty tries at once: the turns are taken under one lock, so five get through.
    #[test]
    fn parallel_tries_cannot_slip_between_the_check_and_the_count() {
        let throttle = std::sync::Arc::new(Throttle::default());
        let taken: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..40)
                .map(|_| {
                    let throttle = throttle.clone();
                    s.spawn(move || throttle.take_turn("admin", "10.0.0.9", at(0)).is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(taken, FREE_PER_ADDRESS as usize);
    }

    /// A flood of made-up names fills the tallies: room is made from theirs, not from the one
    /// that holds a guesser of a real name back.
    #[test]
    fn a_flood_of_names_does_not_wipe_a_guessers_wait() {
        let throttle = Throttle::default();
        for _ in 0..FREE_PER_ADDRESS {
            throttle.take_turn("admin", "10.0.0.1", at(0)).unwrap();
        }
        for i in 0..MOST_TALLIES {
            let _ = throttle.take_turn(&format!("nama-{i}"), "10.0.0.2", at(1));
        }
        assert!(
            throttle.take_turn("admin", "10.0.0.1", at(0)).is_err(),
            "still waiting"
        );
        let kept = throttle.tallies.lock().unwrap().len();
        assert!(kept < MOST_TALLIES, "{kept}");
        let long = "x".repeat(100_000);
        throttle.take_turn(&long, "10.0.0.3", at(1)).unwrap();
        assert!(
            throttle.tallies.lock().unwrap().keys().all(|k| match k {
                Key::FromAddress(name, _) | Key::Name(name) => name.chars().count() <= 64,
            }),
            "names are kept short"
        );
    }

    #[test]
    fn waits_double_up_to_their_longest() {
        assert_eq!(wait_after(4, 5, LONGEST_PER_ADDRESS), Duration::ZERO);
        assert_eq!(
            wait_after(5, 5, LONGEST_PER_ADDRESS),
            Duration::from_secs(1)
        );
        assert_eq!(
            wait_after(8, 5, LONGEST_PER_ADDRESS),
            Duration::from_secs(8)
        );
        assert_eq!(wait_after(60, 5, LONGEST_PER_ADDRESS), LONGEST_PER_ADDRESS);
    }
}
