//! `siks-bench rotate`: `siks key rotate` of a province-sized SQLite register as a child process
//! (goal: every sealed value of 1,000,000 persons sealed anew under 10 minutes), beside one read
//! of every sealed value in the same run (the floor of any re-sealing), and how many values it
//! sealed anew.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::{err, imported_register};

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (summary, path, url, store) = imported_register(households, dir.path(), "kunci").await?;
    // The baseline: every sealed column read once (counted by key), in this process.
    let started = Instant::now();
    let before = store.sealing_status().await.map_err(err)?;
    let scan_secs = started.elapsed().as_secs_f64();
    store.close().await;

    let started = Instant::now();
    let out = crate::siks_command()?
        .args(["key", "rotate", "--db", &url])
        .output()?;
    let rotate_secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "siks key rotate: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = siks_store::Store::open(&url, siks_store::OpenMode::MustExist)
        .await
        .map_err(err)?
        .use_field_keys(&std::path::PathBuf::from(format!(
            "{}.field-keys",
            path.display()
        )))
        .await
        .map_err(err)?
        .0;
    let after = store.sealing_status().await.map_err(err)?;
    store.close().await;
    println!(
        "bench rotate (SQLite): {} persons, {} households; {} sealed values",
        summary.persons, summary.households, before.sealed
    );
    println!(
        "  siks key rotate: {rotate_secs:.1} s (goal: under 600 s, of which 10 s waiting for servers to read the new key), afterwards {} under an old key, {} plain",
        after.old_keys, after.plain
    );
    for line in stdout.lines() {
        println!("    {line}");
    }
    println!(
        "  baseline: every sealed value read once {scan_secs:.1} s; ratio rotate/read {:.1}",
        rotate_secs / scan_secs.max(0.001)
    );
    if after.old_keys != 0 || after.plain != 0 || after.sealed != before.sealed {
        bail!("the rotation left values behind: {after:?} (before {before:?})");
    }
    Ok(())
}
