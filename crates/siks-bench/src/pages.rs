//! `siks-bench pages`: every page each role opens, timed through a server in a second process
//! over a register of about 1,000,000 persons that is ranked, checked (with its findings) and
//! has this month's programme lists; p50 and p95 per page and role (goal: every p95 under
//! 300 ms), beside `/healthz` measured the same way in the same run as the floor.

use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use siks_domain::{RegionCode, RegionLevel, Role};

use crate::web::{Connection, Latencies, serve_in_second_process, session_with_csrf};

/// Timed GETs of each page, after one that warms it.
const TIMES: usize = 20;

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let started = Instant::now();
    let summary = crate::population(households, &data)?;
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let store = crate::fresh(&url, false).await?;
    let service = siks_service::Service::new(store.clone());
    siks::import(&service, &data).await?;
    let system = store.system_actor().await.map_err(crate::err)?;
    let today = service.today();
    store
        .rank(
            &system,
            &siks_domain::welfare::Model::default_model(),
            today,
        )
        .await
        .map_err(crate::err)?;
    let checked = service
        .run_checks(&system, None, today)
        .await
        .map_err(crate::err)?;
    service
        .build_lists(&system, siks_domain::workflow::Period::of(today), today)
        .await
        .map_err(crate::err)?;
    // A household in the first village, and the regions above it: each role's scope.
    let first = store
        .list_households(
            &system,
            &siks_store::HouseholdFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .map_err(crate::err)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the register is empty"))?;
    let village = first.village.clone();
    let up = |level: RegionLevel| -> Result<RegionCode> {
        village
            .at_level(level)
            .ok_or_else(|| anyhow!("{village} has no {level:?}"))
    };
    let (district, regency, province) = (
        up(RegionLevel::District)?,
        up(RegionLevel::Regency)?,
        up(RegionLevel::Province)?,
    );
    let household = format!("/rumah-tangga/{}", first.id);
    let name: String = first
        .head_name
        .clone()
        .unwrap_or_default()
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join("+");
    let prepared = started.elapsed().as_secs_f64();

    let common = [
        "/",
        "/rumah-tangga",
        "/usulan",
        "/dokumen",
        "/temuan",
        "/kualitas",
        "/program",
        "/laporan",
        "/periode",
        "/tugas",
        "/panduan",
        "/istilah",
    ];
    let search = format!("/rumah-tangga?q={name}");
    let roles: Vec<(&str, Role, String, Vec<String>)> = vec![
        (
            "desa",
            Role::VillageOperator,
            village.to_string(),
            vec![household.clone(), search.clone(), "/unggah".into()],
        ),
        (
            "kecamatan",
            Role::DistrictOperator,
            district.to_string(),
            vec![household.clone(), search.clone()],
        ),
        (
            "dinsos",
            Role::RegencyOperator,
            regency.to_string(),
            vec![household.clone(), search.clone()],
        ),
        (
            "verifikator",
            Role::RegencyVerifier,
            regency.to_string(),
            vec![household.clone()],
        ),
        (
            "pengesah",
            Role::Ratifier,
            regency.to_string(),
            vec!["/pengesahan".into()],
        ),
        (
            "provinsi",
            Role::ProvinceOperator,
            province.to_string(),
            vec![household.clone(), search.clone()],
        ),
        (
            "pusat",
            Role::Pusat,
            "*".into(),
            vec![household.clone(), search.clone(), "/daftar".into()],
        ),
        (
            "auditor",
            Role::Auditor,
            "*".into(),
            vec!["/audit".into(), household.clone()],
        ),
        (
            "dpo",
            Role::Dpo,
            "*".into(),
            vec!["/subjek".into(), "/audit".into()],
        ),
        (
            "admin",
            Role::Admin,
            "*".into(),
            vec!["/pengguna".into(), "/pengesahan".into()],
        ),
    ];
    let mut sessions = Vec::new();
    for (user, role, scope, _) in &roles {
        sessions.push(
            session_with_csrf(&store, &format!("bench.{user}"), *role, scope)
                .await?
                .0,
        );
    }
    store.close().await;

    let (_server, addr) = serve_in_second_process(&url).await?;
    let floor = timed(&addr, "", "/healthz").await?;
    println!(
        "bench pages (SQLite, {} households, {} persons, ranked, checked: {} findings open, this month's lists; prepared in {prepared:.0} s; server in a second process, {TIMES} timed GETs per page after one):",
        summary.households,
        summary.persons,
        checked.open.values().sum::<u64>()
    );
    println!(
        "  /healthz (floor): p50 {:.1} ms, p95 {:.1} ms",
        floor.percentile(0.5),
        floor.percentile(0.95)
    );
    println!(
        "  {:<12} {:<44} {:>9} {:>9} {:>9}",
        "role", "page", "p50 ms", "p95 ms", "bytes"
    );
    let mut worst: (f64, String) = (0.0, String::new());
    let mut over = 0usize;
    for ((user, _, _, own), cookie) in roles.iter().zip(&sessions) {
        let pages: Vec<String> = common
            .iter()
            .map(|p| p.to_string())
            .chain(own.iter().cloned())
            .collect();
        for page in pages {
            let (times, bytes) = timed_with_size(&addr, cookie, &page).await?;
            let p95 = times.percentile(0.95);
            if p95 > worst.0 {
                worst = (p95, format!("{user} {page}"));
            }
            if p95 > 300.0 {
                over += 1;
            }
            println!(
                "  {:<12} {:<44} {:>9.1} {:>9.1} {:>9}",
                user,
                page.replace(&household, "/rumah-tangga/{id}"),
                times.percentile(0.5),
                p95,
                bytes
            );
        }
    }
    println!(
        "  slowest p95: {:.1} ms ({}), {:.0}x the floor's p95; pages over 300 ms: {over} (goal: 0)",
        worst.0,
        worst.1,
        worst.0 / floor.percentile(0.95).max(0.001)
    );
    Ok(())
}

async fn timed(addr: &str, cookie: &str, path: &str) -> Result<Latencies> {
    Ok(timed_with_size(addr, cookie, path).await?.0)
}

/// [`TIMES`] timed GETs of `path` on one keep-alive connection after one to warm it; the
/// latencies and the page's size.
async fn timed_with_size(addr: &str, cookie: &str, path: &str) -> Result<(Latencies, usize)> {
    let mut conn = Connection::open(addr).await?;
    let (status, size) = conn.get(path, cookie).await?;
    if status != 200 {
        bail!("{path} answered {status}");
    }
    let mut times = Vec::with_capacity(TIMES);
    for _ in 0..TIMES {
        let started = Instant::now();
        let (status, _) = conn.get(path, cookie).await?;
        if status != 200 {
            bail!("{path} answered {status}");
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((
        Latencies {
            sorted: times,
            errors: 0,
        },
        size,
    ))
}
