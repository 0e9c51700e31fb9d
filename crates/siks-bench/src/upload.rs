//! `siks-bench upload`: a 100,000-row XLSX of member corrections (an export of a generated
//! register with every hundredth name changed) checked and turned into drafts by `siks upload`
//! in a child process, beside the bare reading of the same file from the same run; then the
//! same generated households as a `rumah-tangga-baru` template (two sheets, about 100,000
//! rows with the members) uploaded into an empty register, its valid households proposed.

use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use siks_sheets::{Format, SheetWriter};
use siks_store::export::ExportList;

use crate::{err, fresh, imported_register};

/// The register's members exported to `path` as an XLSX (at most `rows` of them), every
/// hundredth renamed as an operator would correct it: a `perbaikan` upload. The rows written.
pub(crate) async fn corrections_sheet(
    store: &siks_store::Store,
    path: &std::path::Path,
    rows: u64,
) -> Result<u64> {
    let actor = store.system_actor().await.map_err(err)?;
    let list = ExportList::Persons;
    let name_at = list
        .columns()
        .iter()
        .position(|c| *c == "full_name")
        .ok_or_else(|| anyhow!("no full_name column"))?;
    let mut sheet = SheetWriter::create(Format::Xlsx, path, "Anggota", &list.labels())
        .map_err(|e| anyhow!("{e}"))?;
    let mut n = 0u64;
    store
        // Whole numbers, as a village downloads its members to correct them.
        .export(
            &actor,
            list,
            None,
            siks_domain::disclosure::ExportNumbers::Full(
                siks_domain::disclosure::RevealPurpose::Correction,
            ),
            |cells| {
                n += 1;
                match n {
                    n if n > rows => Ok(()),
                    n if n.is_multiple_of(100) => {
                        let mut cells = cells.to_vec();
                        cells[name_at].push_str(" Perbaikan");
                        sheet.row(&cells)
                    }
                    _ => sheet.row(cells),
                }
            },
        )
        .await
        .map_err(|e| match e {
            siks_store::export::ExportError::Store(e) => err(e),
            siks_store::export::ExportError::Sink(e) => anyhow!("{e}"),
        })?;
    sheet.finish().map_err(|e| anyhow!("{e}"))?;
    Ok(n.min(rows))
}

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (summary, _, url, store) = imported_register(households, dir.path(), "upload").await?;
    // The export, with every hundredth member renamed, as an operator would edit it.
    let path = dir.path().join("perbaikan.xlsx");
    corrections_sheet(&store, &path, u64::MAX).await?;
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

    let corrections = siks_upload(&url, &["--kind", "perbaikan"], &path)?;
    let (secs, stdout) = (corrections.secs, &corrections.stdout);
    let expected = summary.persons / 100;
    if !stdout.starts_with(&format!("{expected} usulan perbaikan dibuat")) {
        bail!("expected {expected} drafts: {stdout}");
    }
    println!(
        "bench upload (SQLite): {} rows of member corrections in XLSX ({:.1} MiB), {expected} changed: checked and proposed in {secs:.1} s \
         (goal: 100,000 rows under 30 s); baseline reading the same sheet alone {read_secs:.1} s; ratio {:.1}",
        table.rows.len(),
        bytes.len() as f64 / 1048576.0,
        secs / read_secs.max(0.001)
    );
    println!(
        "  memory of `siks upload` (RssAnon, its own): peak {} MiB (goal: under 300 MiB above idle for an upload of up to 30 MiB)",
        corrections.peak_mib
    );
    new_households(dir.path(), read_secs, table.rows.len()).await
}

/// The generated households as the new-households template, uploaded into an empty register.
async fn new_households(dir: &std::path::Path, read_secs: f64, read_rows: usize) -> Result<()> {
    use siks_sheets::templates::TemplateKind;
    let url = format!("sqlite://{}", dir.join("baru.db").display());
    fresh(&url, false).await?.close().await;
    let path = dir.join("rumah-tangga-baru.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut rows = 0usize;
    let mut number_of: std::collections::HashMap<String, usize> = Default::default();
    for (sheet, file) in TemplateKind::NewHouseholds
        .sheets()
        .iter()
        .zip(["households.csv", "persons.csv"])
    {
        let ws = book
            .add_worksheet_with_constant_memory()
            .map_err(|e| anyhow!("{e}"))?;
        ws.set_name(&sheet.name).map_err(|e| anyhow!("{e}"))?;
        let mut reader = csv::Reader::from_path(dir.join("data").join(file))?;
        let header = reader.headers()?.clone();
        let at: Vec<Option<usize>> = sheet
            .columns
            .iter()
            .map(|c| {
                siks_domain::interchange::column_for_label(&c.label)
                    .and_then(|key| header.iter().position(|h| h == key))
            })
            .collect();
        for (c, column) in sheet.columns.iter().enumerate() {
            ws.write_string(0, c as u16, &column.label)
                .map_err(|e| anyhow!("{e}"))?;
        }
        let own = header.iter().position(|h| h == "id");
        let parent = header.iter().position(|h| h == "household_id");
        for (r, record) in reader.records().enumerate() {
            let record = record?;
            let household = match (parent, own) {
                (Some(p), _) => record.get(p),
                (None, Some(o)) => record.get(o),
                _ => None,
            }
            .unwrap_or("")
            .to_string();
            let next = number_of.len() + 1;
            let number = *number_of.entry(household).or_insert(next);
            for (c, index) in at.iter().enumerate() {
                let value = match index {
                    Some(i) => record.get(*i).unwrap_or("").to_string(),
                    None => number.to_string(),
                };
                ws.write_string(r as u32 + 1, c as u16, &value)
                    .map_err(|e| anyhow!("{e}"))?;
            }
            rows += 1;
        }
    }
    book.save(&path).map_err(|e| anyhow!("{e}"))?;
    let size = std::fs::metadata(&path)?.len();
    let Uploaded {
        secs,
        stdout,
        stderr,
        peak_mib,
    } = siks_upload(
        &url,
        &["--kind", "rumah-tangga-baru", "--valid-only"],
        &path,
    )?;
    println!(
        "bench upload (SQLite): {rows} rows of new households with their members in XLSX ({:.1} MiB), \
         checked and proposed in {secs:.1} s (goal: 100,000 rows under 30 s): {}",
        size as f64 / 1048576.0,
        stdout.trim()
    );
    println!("  memory of `siks upload` (RssAnon, its own): peak {peak_mib} MiB");
    // The generator's injected defects, as the report names them.
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for line in stderr.lines() {
        if let Some((_, rest)) = line.split_once(" kolom ") {
            let column = rest.split(" '").next().unwrap_or("");
            let reason = rest.rsplit_once("': ").map(|(_, r)| r).unwrap_or("");
            let reason: String = reason.chars().take(60).collect();
            *reasons.entry(format!("{column}: {reason}")).or_default() += 1;
        }
    }
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    reasons.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (reason, n) in reasons.iter().take(8) {
        println!("  {n:>6}  {reason}");
    }
    println!(
        "  baseline: reading {read_rows} rows of one sheet alone took {read_secs:.1} s in this run; ratio {:.1} per row",
        (secs / rows.max(1) as f64) / (read_secs / read_rows.max(1) as f64).max(1e-9)
    );
    Ok(())
}

/// What a `siks upload` child did: its time in seconds, its output and its messages, and the
/// peak of its own memory (RssAnon, sampled every 10 ms) in MiB.
struct Uploaded {
    secs: f64,
    stdout: String,
    stderr: String,
    peak_mib: u64,
}

/// Runs `siks upload` in a child process, watching its memory.
fn siks_upload(url: &str, args: &[&str], file: &std::path::Path) -> Result<Uploaded> {
    use std::io::Read;
    let started = Instant::now();
    let mut child = crate::siks_command()?
        .args(["upload", "--db", url])
        .args(args)
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    // The pipes are drained beside the sampling, so that a long report never blocks the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut peak_mib = 0;
    let status = loop {
        peak_mib = peak_mib.max(crate::abuse::resident_mib(child.id()).own);
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let secs = started.elapsed().as_secs_f64();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        bail!("siks upload failed: {stdout}{stderr}");
    }
    Ok(Uploaded {
        secs,
        stdout,
        stderr,
        peak_mib,
    })
}
