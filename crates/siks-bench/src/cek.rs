//! `siks-bench cek`: Cek Bansos under a crowd (issue 20). A register of about 1,000,000 persons,
//! ranked and with this month's programme lists, behind `siks serve` in a second process; a
//! regency operator's mix of pages alone, then with the public check asked at a fixed rate
//! from many addresses (through a proxy the server trusts, so that each address is a client of
//! its own). Prints the check's percentiles and the operators' p95 in both phases (goals: the
//! check at 2,000 requests/s with p99 under 50 ms; the operators' p95 up by less than 20 %).

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use siks_domain::Role;

use crate::abuse::{Phase, mix, operator_mix};
use crate::web::{Connection, Latencies, serve_in_second_process_with, session_with_csrf};

/// Asks `/cek` for `names` (village, name) at `rate` a second for `seconds`, open loop, each
/// request from the next of many made-up addresses; a 429 or any other answer than 200 counts
/// as an error.
async fn checks(
    addr: &str,
    names: &[(String, String)],
    rate: u32,
    seconds: f64,
    connections: usize,
) -> Result<Latencies> {
    let total = (f64::from(rate) * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut workers = Vec::new();
    for w in 0..connections {
        let (addr, names) = (addr.to_string(), names.to_vec());
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::open(&addr).await?;
            let mut out = Vec::new();
            let mut errors = 0usize;
            for i in (w..total).step_by(connections) {
                let due = start + interval * i as u32;
                tokio::time::sleep_until(due).await;
                let (village, name) = &names[i % names.len()];
                let (kab, kec) = (&village[..5], &village[..8]);
                let path = format!(
                    "/cek?prov={}&kab={kab}&kec={kec}&desa={village}&nama={}",
                    &village[..2],
                    name.replace(' ', "+")
                );
                let from = format!("10.{}.{}.{}", i % 200, (i / 200) % 250, w % 250 + 1);
                match conn.get_from(&path, &from).await {
                    Ok((200, _)) => {}
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        conn = Connection::open(&addr).await?;
                    }
                }
                out.push(due.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok((out, errors))
        }));
    }
    let mut sorted = Vec::with_capacity(total);
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.await??;
        sorted.extend(lat);
        errors += e;
    }
    sorted.sort_by(f64::total_cmp);
    Ok(Latencies { sorted, errors })
}

pub async fn run(households: usize, rate: u32, operators: u32) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let (summary, _, url, store) = crate::imported_register(households, dir.path(), "cek").await?;
    let service = siks_service::Service::new(store.clone());
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
    service
        .build_lists(&system, siks_domain::workflow::Period::of(today), today)
        .await
        .map_err(crate::err)?;
    let (operator, _) =
        session_with_csrf(&store, "bench.tuban", Role::RegencyOperator, "35.23").await?;
    // Registered heads to look up (each page lists their village's matches), and the
    // operator's pages over the same regency.
    let listed = store
        .list_households(
            &system,
            &siks_store::HouseholdFilter {
                region: Some(siks_domain::RegionCode::parse("35.23").map_err(|e| anyhow!("{e}"))?),
                limit: 4000,
                ..Default::default()
            },
        )
        .await
        .map_err(crate::err)?;
    let names: Vec<(String, String)> = listed
        .iter()
        .filter_map(|h| Some((h.village.to_string(), h.head_name.clone()?)))
        .collect();
    let ids: Vec<String> = listed.iter().map(|h| h.id.to_string()).take(2000).collect();
    let words: Vec<String> = names
        .iter()
        .map(|(_, n)| {
            n.chars()
                .take(4)
                .collect::<String>()
                .to_lowercase()
                .replace(' ', "+")
        })
        .take(2000)
        .collect();
    let paths = operator_mix(&words, &ids);
    if names.is_empty() || paths.is_empty() {
        return Err(anyhow!(
            "nothing to ask for: {} households listed in 35.23",
            listed.len()
        ));
    }
    store.close().await;
    let prepared = started.elapsed().as_secs_f64();

    let (_server, addr) =
        serve_in_second_process_with(&url, &["--trusted-proxy", "127.0.0.1"]).await?;
    let connections = 32;
    // Warm both at their rates.
    mix(&addr, &operator, &paths, operators, 3.0, connections).await?;
    checks(&addr, &names, rate, 3.0, 64).await?;

    let calm = Phase {
        name: "operators alone",
        seconds: 10.0,
        latencies: mix(&addr, &operator, &paths, operators, 10.0, connections).await?,
    };
    let (crowded, asked) = tokio::join!(
        mix(&addr, &operator, &paths, operators, 10.0, connections),
        checks(&addr, &names, rate, 10.0, 64)
    );
    let crowded = Phase {
        name: "operators + Cek Bansos",
        seconds: 10.0,
        latencies: crowded?,
    };
    let asked = Phase {
        name: "Cek Bansos",
        seconds: 10.0,
        latencies: asked?,
    };
    println!(
        "bench cek (SQLite, {} households, {} persons, ranked, this month's lists; prepared in {prepared:.0} s; `siks serve` in a second process on loopback, 2 cores shared with this load; open loop; the check from many addresses through a trusted proxy):",
        summary.households, summary.persons
    );
    println!("{}", calm.line());
    println!("{}", crowded.line());
    println!("{}", asked.line());
    let (before, after) = (
        calm.latencies.percentile(0.95),
        crowded.latencies.percentile(0.95),
    );
    println!(
        "  operators' p95 with the check beside them: {before:.1} → {after:.1} ms ({:+.0} %) (goal: under +20 %)",
        (after / before - 1.0) * 100.0
    );
    println!(
        "  the check at {rate} requests/s: p99 {:.1} ms, errors {} (goal: p99 under 50 ms at 2,000 requests/s)",
        asked.latencies.percentile(0.99),
        asked.latencies.errors
    );
    Ok(())
}
