//! `siks-bench scope`: the breach scope (`siks audit scope`) of one planted credential over a
//! year of audit at a province-sized register (goal: 1,000,000 persons and a year of audit
//! under 10 minutes), by account and by address, beside one plain read of the whole log.

use std::time::Instant;

use anyhow::Result;
use siks_store::audit::BreachActor;
use siks_store::bench::AuditYear;

use crate::imported_register;

pub async fn run(households: usize, accounts: usize, per_day: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (summary, _path, _url, store) =
        imported_register(households, dir.path(), "lingkup").await?;
    let year = AuditYear {
        accounts,
        days: 365,
        per_account_day: per_day,
    };
    let started = Instant::now();
    let written = store
        .seed_audit_year(year, "bocor.tuban", "203.0.113.50", &|n| {
            if n % 1_000_000 < (accounts * per_day) as u64 {
                eprintln!("  audit entries written: {n}");
            }
        })
        .await
        .map_err(crate::err)?;
    let seeded = started.elapsed().as_secs_f64();
    let system = store.system_actor().await.map_err(crate::err)?;
    let now = store.now();
    let (from, to) = (
        siks_domain::clock::Stamp(now - chrono::Duration::days(366)),
        siks_domain::clock::Stamp(now + chrono::Duration::days(1)),
    );
    // The baseline: one plain read of the whole log.
    let started = Instant::now();
    let all = store.baseline_audit_scan().await.map_err(crate::err)?;
    let count_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let by_account = store
        .breach_scope(&system, BreachActor::Account("bocor.tuban"), &from, &to)
        .await
        .map_err(crate::err)?;
    let account_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let by_origin = store
        .breach_scope(&system, BreachActor::Origin("203.0.113.50"), &from, &to)
        .await
        .map_err(crate::err)?;
    let origin_secs = started.elapsed().as_secs_f64();
    let (persons, households_seen, _) = by_account.totals();
    println!(
        "bench scope (SQLite): {} persons, {} households; a year of audit: {written} entries ({accounts} accounts x {per_day} a day x 365 days) written in {seeded:.0} s, {all} in the log in all",
        summary.persons, summary.households
    );
    println!(
        "  scope by account: {account_secs:.2} s (goal: under 600 s): {} entries read, {} exposing, {persons} persons, {households_seen} households, {} regions",
        by_account.entries,
        by_account.exposing,
        by_account.regions.len()
    );
    println!(
        "  scope by address: {origin_secs:.2} s: {} entries read, {} exposing",
        by_origin.entries, by_origin.exposing
    );
    println!(
        "  baseline: one plain read of the whole log {count_secs:.2} s; ratio scope/read {:.2}",
        account_secs / count_secs.max(0.000_001)
    );
    Ok(())
}
