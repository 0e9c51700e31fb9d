//! Rate limits on the doors anyone can knock on: the public pages (sign-in, the public
//! summaries, the language switch) and the JSON API, each per client address and over all
//! clients together, answered 429 with `Retry-After` beyond them. And the client's address
//! itself: the connection's, or, when the connection comes from a proxy this server was told
//! to trust, the nearest untrusted address of its `X-Forwarded-For` (anyone else's
//! `X-Forwarded-For` is ignored: a client could write any address there).
//!
//! Each limit is a generic cell rate algorithm (GCRA): a steady rate with a burst on top, one
//! instant kept per client, checked and moved under one lock so that parallel requests cannot
//! slip past it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::WebError;

/// A steady rate and the burst allowed above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

/// The limits of a server. `None`: no limit (a test that floods on purpose elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub public_per_client: Option<Rate>,
    pub public_overall: Option<Rate>,
    pub api_per_client: Option<Rate>,
    pub api_overall: Option<Rate>,
}

impl Default for Rates {
    /// A person reading the public pages or signing in makes a few requests a minute; a script
    /// on the API a few a second. Over all clients the public pages get a fifth of what the
    /// server serves its operators, so a flood of them leaves room for the work.
    fn default() -> Self {
        Rates {
            public_per_client: Some(Rate {
                per_minute: 120,
                burst: 60,
            }),
            public_overall: Some(Rate {
                per_minute: 6_000,
                burst: 300,
            }),
            api_per_client: Some(Rate {
                per_minute: 1_200,
                burst: 200,
            }),
            api_overall: Some(Rate {
                per_minute: 12_000,
                burst: 1_000,
            }),
        }
    }
}

impl Rates {
    pub fn unlimited() -> Rates {
        Rates {
            public_per_client: None,
            public_overall: None,
            api_per_client: None,
            api_overall: None,
        }
    }
}

/// The door a request comes through, as the limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// A page or answer anyone may ask for.
    Public,
    /// The sign-in page: per client only, so that a flood of the public pages over many
    /// addresses cannot keep the operators from signing in (the sign-in throttle and the
    /// bound on password hashing hold it besides).
    SignIn,
    /// The JSON API of signed-in callers.
    Api,
    /// The citizens' usul and sanggah forms: a tenth of the public pages' rates, per client
    /// and over all, since each one filed lands in an operator's queue.
    CitizenForm,
    /// Cek Bansos (the page and its JSON): a person's pace per client like the public pages,
    /// but over all clients [`CHECK_OVERALL_TIMES`] the public pages' rate: the whole country
    /// asks it when a payment is announced, and each answer is a few indexed reads.
    Check,
}

/// How many times the public pages' overall rate Cek Bansos takes over all clients (at the
/// default, 2,500 a second).
pub const CHECK_OVERALL_TIMES: u32 = 25;

/// The door of a route (`anyone`: no sign-in needed; `api`: under `/api/v1`); `None` for what
/// is not limited here: the signed-in pages (sessions and their own throttles hold those), the
/// static files and the health and metrics answers (a load balancer's and a scraper's).
pub fn door(anyone: bool, api: bool, path: &str) -> Option<Door> {
    let unlimited = path.starts_with("/static/") || path == "/healthz" || path == "/metrics";
    match (anyone, api) {
        _ if unlimited => None,
        _ if path == "/masuk" || path == "/masuk/kode" => Some(Door::SignIn),
        _ if path == "/cek/usul" || path == "/cek/sanggah" => Some(Door::CitizenForm),
        _ if path == "/cek" || path == "/api/v1/public/check" => Some(Door::Check),
        (true, _) => Some(Door::Public),
        (false, true) => Some(Door::Api),
        (false, false) => None,
    }
}

/// The clients remembered at most per door; past it the forgotten ones start afresh (the limit
/// over all clients still holds).
const MAX_CLIENTS: usize = 100_000;

/// One GCRA limit: the theoretical arrival time of the next request.
#[derive(Debug)]
struct Cell {
    interval: Duration,
    tolerance: Duration,
}

impl Cell {
    fn of(rate: Rate) -> Cell {
        let interval = Duration::from_secs(60) / rate.per_minute.max(1);
        Cell {
            interval,
            tolerance: interval * rate.burst.saturating_sub(1),
        }
    }

    /// Lets a request at `now` through, moving `arrival`, or says how long to wait.
    fn take(&self, arrival: &mut Instant, now: Instant) -> Result<(), Duration> {
        let at = (*arrival).max(now);
        let ahead = at - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        *arrival = at + self.interval;
        Ok(())
    }
}

/// What a limit remembers.
struct Tally {
    overall: Instant,
    clients: HashMap<IpAddr, Instant>,
}

/// The limits of one door.
struct DoorLimits {
    per_client: Option<Cell>,
    overall: Option<Cell>,
    tally: Mutex<Tally>,
}

impl DoorLimits {
    fn new(per_client: Option<Rate>, overall: Option<Rate>) -> DoorLimits {
        DoorLimits {
            per_client: per_client.map(Cell::of),
            overall: overall.map(Cell::of),
            tally: Mutex::new(Tally {
                overall: Instant::now(),
                clients: HashMap::new(),
            }),
        }
    }

    fn check(&self, client: IpAddr, now: Instant) -> Result<(), WebError> {
        if self.per_client.is_none() && self.overall.is_none() {
            return Ok(());
        }
        let mut tally = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        let held = |overall: bool| {
            move |wait| WebError::RateLimited {
                wait_secs: seconds(wait),
                overall,
            }
        };
        // The client first: one client's flood is its own, and does not use up everyone's
        // share. Both limits are taken before either is moved: a request held back by one
        // counts against neither.
        let mut arrival = None;
        if let Some(cell) = &self.per_client {
            if tally.clients.len() >= MAX_CLIENTS && !tally.clients.contains_key(&client) {
                tally.clients.retain(|_, arrival| *arrival > now);
                if tally.clients.len() >= MAX_CLIENTS {
                    tally.clients.clear();
                }
            }
            let mut moved = tally.clients.get(&client).copied().unwrap_or(now);
            cell.take(&mut moved, now).map_err(held(false))?;
            arrival = Some(moved);
        }
        if let Some(overall) = &self.overall {
            let mut shared = tally.overall;
            overall.take(&mut shared, now).map_err(held(true))?;
            tally.overall = shared;
        }
        if let Some(moved) = arrival {
            tally.clients.insert(client, moved);
        }
        Ok(())
    }
}

/// A wait as whole seconds, rounded up (at least one).
fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// The limits of a server, per door.
pub struct Limiter {
    public: DoorLimits,
    sign_in: DoorLimits,
    api: DoorLimits,
    citizen_form: DoorLimits,
    check: DoorLimits,
}

impl Limiter {
    pub fn new(rates: Rates) -> Limiter {
        Limiter {
            public: DoorLimits::new(rates.public_per_client, rates.public_overall),
            sign_in: DoorLimits::new(rates.public_per_client, None),
            api: DoorLimits::new(rates.api_per_client, rates.api_overall),
            citizen_form: DoorLimits::new(
                rates.public_per_client.map(tenth),
                rates.public_overall.map(tenth),
            ),
            check: DoorLimits::new(
                rates.public_per_client,
                rates.public_overall.map(|r| Rate {
                    per_minute: r.per_minute.saturating_mul(CHECK_OVERALL_TIMES),
                    burst: r.burst.saturating_mul(CHECK_OVERALL_TIMES),
                }),
            ),
        }
    }

    /// Lets a request of `client` through `door`, or says how long to wait.
    pub fn check(&self, door: Door, client: IpAddr) -> Result<(), WebError> {
        self.check_at(door, client, Instant::now())
    }

    fn check_at(&self, door: Door, client: IpAddr, now: Instant) -> Result<(), WebError> {
        let client = counted_as(client);
        match door {
            Door::Public => self.public.check(client, now),
            Door::SignIn => self.sign_in.check(client, now),
            Door::Api => self.api.check(client, now),
            Door::CitizenForm => self.citizen_form.check(client, now),
            Door::Check => self.check.check(client, now),
        }
    }
}

/// A tenth of a rate (never below one a minute and a burst of one).
fn tenth(rate: Rate) -> Rate {
    Rate {
        per_minute: (rate.per_minute / 10).max(1),
        burst: (rate.burst / 10).max(1),
    }
}

/// The client as the limits count it: an IPv6 host has a whole /64 to itself (counting each of
/// its addresses would give it 2^64 allowances); an IPv4 address seen as IPv6 is itself.
fn counted_as(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
        v4 => v4,
    }
}

/// A network (an address, or a CIDR block such as `10.0.0.0/8`) a proxy may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let bad = || format!("'{text}' bukan alamat IP atau blok CIDR (mis. 10.0.0.0/8)");
        let (address, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address.parse().map_err(|_| bad())?;
        let most = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= most)
                .ok_or_else(bad)?,
            None => most,
        };
        Ok(Network { address, prefix })
    }
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match (self.address, ip) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            _ => ip,
        };
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client of a request: the connection's address, or behind a trusted proxy the nearest
/// address in `X-Forwarded-For` that is not a trusted proxy (read from the right: the left
/// part is what the client itself wrote).
pub fn client_of(peer: IpAddr, forwarded: &[&str], trusted: &[Network]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev().flat_map(|h| h.rsplit(',')) {
        // An address, or one with its port as some balancers write it (`[v6]:port` too).
        let hop = hop.trim();
        let read = hop
            .parse::<IpAddr>()
            .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()));
        let Ok(ip) = read else {
            // What a trusted proxy passed on unreadable: stop at the last address known.
            return client;
        };
        client = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    client
}

/// The client's address as the layers after this one see it (the audit log, the sign-in
/// throttle, the limits).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Finds the request's client (see [`client_of`]) and keeps it in the request.
pub(crate) async fn find_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        // Read whatever bytes a hop holds (a client may have written anything at the left):
        // a header that is not all ASCII is not thereby dropped whole.
        let forwarded: Vec<String> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
        let client = client_of(peer, &forwarded, &state.config.trusted_proxies);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// The client of a request whose layer found none (a test without a connection).
pub const NO_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_client_gets_its_burst_then_its_rate_and_others_are_not_held() {
        let limiter = Limiter::new(Rates {
            public_per_client: Some(Rate {
                per_minute: 60,
                burst: 5,
            }),
            public_overall: None,
            ..Rates::unlimited()
        });
        let start = Instant::now();
        let a = ip("10.1.1.1");
        for _ in 0..5 {
            limiter.check_at(Door::Public, a, start).unwrap();
        }
        let Err(WebError::RateLimited { wait_secs, overall }) =
            limiter.check_at(Door::Public, a, start)
        else {
            panic!("the sixth at once is held back");
        };
        assert_eq!((wait_secs, overall), (1, false));
        limiter
            .check_at(Door::Public, ip("10.1.1.2"), start)
            .unwrap();
        // One a second after that.
        limiter
            .check_at(Door::Public, a, start + Duration::from_secs(1))
            .unwrap();
        assert!(
            limiter
                .check_at(Door::Public, a, start + Duration::from_secs(1))
                .is_err()
        );
        // The API is another door.
        limiter.check_at(Door::Api, a, start).unwrap();
    }

    #[test]
    fn an_ipv6_host_is_one_client_and_sign_in_has_no_shared_budget() {
        let limiter = Limiter::new(Rates {
            public_per_client: Some(Rate {
                per_minute: 60,
                burst: 2,
            }),
            public_overall: Some(Rate {
                per_minute: 60,
                burst: 3,
            }),
            ..Rates::unlimited()
        });
        let now = Instant::now();
        limiter
            .check_at(Door::Public, ip("2001:db8::1"), now)
            .unwrap();
        limiter
            .check_at(Door::Public, ip("2001:db8::2"), now)
            .unwrap();
        assert!(
            limiter
                .check_at(Door::Public, ip("2001:db8::ffff:3"), now)
                .is_err(),
            "another address of the same /64 is the same client"
        );
        limiter
            .check_at(Door::Public, ip("2001:db8:0:1::1"), now)
            .unwrap();
        // The public pages' shared budget is spent; signing in still goes, per client.
        assert!(limiter.check_at(Door::Public, ip("10.0.0.1"), now).is_err());
        limiter.check_at(Door::SignIn, ip("10.0.0.1"), now).unwrap();
        limiter.check_at(Door::SignIn, ip("10.0.0.1"), now).unwrap();
        assert!(limiter.check_at(Door::SignIn, ip("10.0.0.1"), now).is_err());
        assert_eq!(door(true, false, "/masuk"), Some(Door::SignIn));
        assert_eq!(door(true, false, "/publik"), Some(Door::Public));
        assert_eq!(door(false, true, "/api/v1/households"), Some(Door::Api));
        assert_eq!(door(true, false, "/static/siks.js"), None);
    }

    #[test]
    fn many_clients_together_meet_the_overall_limit() {
        let limiter = Limiter::new(Rates {
            public_per_client: Some(Rate {
                per_minute: 60,
                burst: 5,
            }),
            public_overall: Some(Rate {
                per_minute: 600,
                burst: 10,
            }),
            ..Rates::unlimited()
        });
        let now = Instant::now();
        let passed = (0..100u8)
            .filter(|n| {
                limiter
                    .check_at(Door::Public, IpAddr::from([10, 0, 0, *n]), now)
                    .is_ok()
            })
            .count();
        assert_eq!(passed, 10);
        let Err(WebError::RateLimited { overall, .. }) =
            limiter.check_at(Door::Public, ip("10.9.9.9"), now)
        else {
            panic!("held back");
        };
        assert!(overall);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()];
        let proxy = ip("10.0.0.5");
        // A client's own X-Forwarded-For, straight to the server: ignored.
        assert_eq!(
            client_of(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the nearest untrusted hop, not what the client wrote at the left.
        assert_eq!(
            client_of(proxy, &["6.6.6.6, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_of(proxy, &["6.6.6.6", "203.0.113.9, 10.0.0.7"], &trusted),
            ip("203.0.113.9")
        );
        // A hop with its port; a client's own bytes at the left do not hide the right hop.
        assert_eq!(
            client_of(proxy, &["203.0.113.9:4431"], &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_of(proxy, &["[2001:db8::7]:80"], &trusted),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_of(proxy, &["\u{fffd}\u{fffd}, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // Nothing forwarded, or only proxies: the last address known.
        assert_eq!(client_of(proxy, &[], &trusted), proxy);
        assert_eq!(client_of(proxy, &["10.0.0.9"], &trusted), ip("10.0.0.9"));
        assert_eq!(client_of(proxy, &["bukan-ip"], &trusted), proxy);
        assert_eq!(
            client_of(ip("::1"), &["198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
        // IPv4 seen as IPv6 by a dual-stack socket.
        assert!(trusted[0].contains(ip("::ffff:10.1.2.3")));
        assert!(!trusted[0].contains(ip("11.0.0.1")));
        for bad in ["10.0.0.0/33", "semua", "10.0.0/8", ""] {
            assert!(bad.parse::<Network>().is_err(), "{bad}");
        }
        assert!(
            "0.0.0.0/0"
                .parse::<Network>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
    }
}
