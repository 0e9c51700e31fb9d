//! `siks-bench backup`: `siks backup` of a province-sized SQLite register (goal: 1,000,000
//! persons under 60 s) and `siks restore` of it, each a child process, beside a plain copy of
//! the same database file in the same run.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::imported_register;

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (summary, path, url, store) = imported_register(households, dir.path(), "cadangan").await?;
    store.close().await;
    let run = |args: &[&str]| -> Result<(f64, String)> {
        let started = Instant::now();
        let out = crate::siks_command()?.args(args).output()?;
        let secs = started.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            bail!("{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        }
        Ok((secs, stdout))
    };
    // The baseline: the database file copied as it lies (no snapshot, no encryption).
    let copy = dir.path().join("salinan.db");
    let started = Instant::now();
    std::fs::copy(&path, &copy)?;
    let copy_secs = started.elapsed().as_secs_f64();
    std::fs::remove_file(&copy)?;
    let file = dir.path().join("siks.cadangan");
    let (backup_secs, _) = run(&["backup", "--db", &url, "--out", &file.display().to_string()])?;
    let restored = format!("sqlite://{}", dir.path().join("pulih.db").display());
    let key = format!("{}.data-key", path.display());
    let (restore_secs, _) = run(&[
        "restore",
        &file.display().to_string(),
        "--db",
        &restored,
        "--key",
        &key,
    ])?;
    let mib =
        |p: &std::path::Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1048576.0);
    println!(
        "bench backup (SQLite): {} persons, {} households; database {:.0} MiB",
        summary.persons,
        summary.households,
        mib(&path)
    );
    println!(
        "  siks backup: {backup_secs:.1} s (goal: under 60 s), {:.0} MiB encrypted; siks restore with its checks: {restore_secs:.1} s",
        mib(&file)
    );
    println!(
        "  baseline: the file copied as it lies {copy_secs:.1} s; ratio backup/copy {:.1}",
        backup_secs / copy_secs.max(0.001)
    );
    Ok(())
}
