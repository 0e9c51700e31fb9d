//! `siks-bench export`: members by name by address of a province-sized SQLite register written
//! to XLSX by `siks export` in a child process (its own time and peak memory), beside the same
//! rows written to CSV in the same run as the baseline.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::imported_register;

/// Runs `siks export` as a child: wall time and peak memory (MiB).
fn export(db: &str, out: &std::path::Path) -> Result<(f64, f64, String)> {
    let started = Instant::now();
    let child = crate::siks_command()?
        .args(["export", "--db", db, "--list", "anggota", "--out"])
        .arg(out)
        .env("SIKS_REPORT_PEAK_MEMORY", "1")
        .output()?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&child.stdout).into_owned();
    if !child.status.success() {
        bail!(
            "siks export failed: {stdout}{}",
            String::from_utf8_lossy(&child.stderr)
        );
    }
    let peak = stdout
        .lines()
        .find_map(|l| l.strip_prefix("peak memory MiB: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    Ok((secs, peak, stdout))
}

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (summary, _, url, store) = imported_register(households, dir.path(), "export").await?;
    store.close().await;
    let xlsx = dir.path().join("anggota.xlsx");
    let csv = dir.path().join("anggota.csv");
    let (xlsx_secs, xlsx_peak, out) = export(&url, &xlsx)?;
    let (csv_secs, csv_peak, _) = export(&url, &csv)?;
    if !out.contains(&format!("{} baris", summary.persons)) {
        bail!("the export did not write every person: {out}");
    }
    println!(
        "bench export (SQLite): {} persons to XLSX in {xlsx_secs:.1} s, peak {xlsx_peak:.0} MiB, {:.0} MiB file \
         (goals: 1,000,000 persons under 60 s and 500 MiB); baseline the same rows to CSV {csv_secs:.1} s, \
         peak {csv_peak:.0} MiB, {:.0} MiB file; ratio XLSX/CSV time {:.1}",
        summary.persons,
        std::fs::metadata(&xlsx)?.len() as f64 / 1048576.0,
        std::fs::metadata(&csv)?.len() as f64 / 1048576.0,
        xlsx_secs / csv_secs.max(0.001)
    );
    Ok(())
}
