//! `siks bench upload`: a 100,000-row XLSX of member corrections (an export of a generated
//! register with every hundredth name changed) checked and turned into drafts by `siks upload`
//! in a child process, beside the bare reading of the same file from the same run.

use std::process::Command;
use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use siks_sheets::{Format, SheetWriter};
use siks_store::export::ExportList;

use crate::bench::{err, fresh, population};

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let summary = population(households, &dir.path().join("data"))?;
    let url = format!("sqlite://{}", dir.path().join("upload.db").display());
    let store = fresh(&url, false).await?;
    crate::import(&store, &dir.path().join("data")).await?;
    let actor = store.system_actor().await.map_err(err)?;
    // The export, with every hundredth member renamed, as an operator would edit it.
    let path = dir.path().join("perbaikan.xlsx");
    let list = ExportList::Persons;
    let name_at = list
        .columns()
        .iter()
        .position(|c| *c == "full_name")
        .ok_or_else(|| anyhow!("no full_name column"))?;
    let mut sheet = SheetWriter::create(Format::Xlsx, &path, "Anggota", &list.labels())
        .map_err(|e| anyhow!("{e}"))?;
    let mut n = 0u64;
    store
        .export(&actor, list, None, |cells| {
            n += 1;
            if n.is_multiple_of(100) {
                let mut cells = cells.to_vec();
                cells[name_at].push_str(" Perbaikan");
                sheet.row(&cells)
            } else {
                sheet.row(cells)
            }
        })
        .await
        .map_err(|e| match e {
            siks_store::export::ExportError::Store(e) => err(e),
            siks_store::export::ExportError::Sink(e) => anyhow!("{e}"),
        })?;
    sheet.finish().map_err(|e| anyhow!("{e}"))?;
    store.close().await;

    let bytes = std::fs::read(&path)?;
    let started = Instant::now();
    let table = siks_sheets::read::read_table(
        &bytes,
        Format::Xlsx,
        Some("Anggota"),
        &["NIK", "No KK", "Id", "Id rumah tangga"],
        &["Tanggal lahir"],
        siks_sheets::read::Limits::default(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    let read_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let out = Command::new(std::env::current_exe()?)
        .args(["upload", "--db", &url, "--kind", "perbaikan"])
        .arg(&path)
        .output()?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "siks upload failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let expected = summary.persons / 100;
    if !stdout.starts_with(&format!("{expected} usulan perbaikan dibuat")) {
        bail!("expected {expected} drafts: {stdout}");
    }
    println!(
        "bench upload (SQLite): {} rows of member corrections in XLSX ({:.0} MiB), {expected} changed: checked and proposed in {secs:.1} s \
         (goal: 100,000 rows under 30 s); baseline reading the same sheet alone {read_secs:.1} s; ratio {:.1}",
        table.rows.len(),
        bytes.len() as f64 / 1048576.0,
        secs / read_secs.max(0.001)
    );
    Ok(())
}
