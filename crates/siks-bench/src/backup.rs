//! `siks-bench backup`: `siks backup` of a province-sized SQLite register (goal: 1,000,000
//! persons under 60 s) and `siks restore` of it, each a child process, beside a plain copy of
//! the same database file in the same run; with `--postgres-scratch`, the same register in
//! PostgreSQL backed up (`pg_dump` of one snapshot, sealed) and restored into an empty
//! database, beside a plain `pg_dump` to /dev/null as the baseline.

use std::time::Instant;

use anyhow::{Result, bail};

use siks_store::Store;

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

/// The PostgreSQL leg: the register imported into `from` (wiped), its backup through the store
/// (the same work `siks backup` does: the snapshot, `pg_dump`, the sealing) timed beside a bare
/// `pg_dump` of the same database, then restored into `to` (wiped) and checked.
pub async fn run_postgres(households: usize, from: &str, to: &str) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let summary = crate::population(households, &dir.path().join("data"))?;
    let store = crate::fresh(from, true).await?;
    let started = Instant::now();
    siks::import(
        &siks_service::Service::new(store.clone()),
        &dir.path().join("data"),
    )
    .await?;
    let import_secs = started.elapsed().as_secs_f64();
    let key_path = dir.path().join("data-key");
    let (key, _) = siks_store::backup::DataKey::load_or_create(&key_path).map_err(crate::err)?;
    let system = store.system_actor().await.map_err(crate::err)?;
    // The baseline: pg_dump alone, in the same format, to a file beside the backup's.
    let bare_file = dir.path().join("bare.dump");
    let started = Instant::now();
    let bare = std::process::Command::new("pg_dump")
        .args([
            "--format=custom",
            "--compress=0",
            "--no-owner",
            "--no-sync",
            "--dbname",
            from,
        ])
        .arg(format!("--file={}", bare_file.display()))
        .status()?;
    if !bare.success() {
        bail!("pg_dump failed: {bare}");
    }
    let bare_secs = started.elapsed().as_secs_f64();
    std::fs::remove_file(&bare_file)?;
    let out = dir.path().join("pg.cadangan");
    let started = Instant::now();
    let manifest = store
        .backup(&system, &key, &out, dir.path())
        .await
        .map_err(crate::err)?;
    let backup_secs = started.elapsed().as_secs_f64();
    store.close().await;
    let target = crate::fresh(to, true).await?;
    // Empty for the restore: the schema goes too.
    target.wipe_postgres_scratch().await.map_err(crate::err)?;
    target.close().await;
    let started = Instant::now();
    let restored = siks_store::backup::restore_to(&key, &out, to, dir.path())
        .await
        .map_err(crate::err)?;
    let restore_secs = started.elapsed().as_secs_f64();
    let check = Store::open(to, siks_store::OpenMode::MustExist)
        .await
        .map_err(crate::err)?
        .checkup()
        .await
        .map_err(crate::err)?;
    if check.counts != restored.counts() || check.audit_head != manifest.audit_head {
        bail!("the restored database differs from the manifest");
    }
    let mib = std::fs::metadata(&out).map_or(0.0, |m| m.len() as f64 / 1048576.0);
    println!(
        "bench backup (PostgreSQL): {} persons, {} households (imported in {import_secs:.0} s)",
        summary.persons, summary.households
    );
    println!(
        "  backup (snapshot, pg_dump, sealing): {backup_secs:.1} s (goal: under 60 s), {mib:.0} MiB encrypted; restore into an empty database with its checks: {restore_secs:.1} s"
    );
    println!(
        "  baseline: pg_dump alone to a file {bare_secs:.1} s; ratio backup/pg_dump {:.1}",
        backup_secs / bare_secs.max(0.001)
    );
    Ok(())
}
