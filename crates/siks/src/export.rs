//! `siks export`: a list of the register (households, members by name by address, findings) of
//! a region, streamed to an XLSX or CSV file.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use siks_domain::disclosure::{ExportNumbers, RevealPurpose};
use siks_service::export::{ExportError, ExportList};
use siks_sheets::{Format, SheetWriter};

use crate::progress::Progress;
use crate::{open, parse_region, store_error};

/// Writes `list` of `region` to `out` (the format from its extension); the rows written.
pub async fn run(
    db: &str,
    list: &str,
    region: Option<&str>,
    out: &Path,
    full_numbers: Option<&str>,
) -> Result<u64> {
    let Some(list) = ExportList::from_key(list) else {
        bail!(
            "daftar '{list}' tidak dikenal; pilih rumah-tangga, anggota, temuan, usulan atau perbandingan (unknown list)"
        );
    };
    let numbers = match full_numbers {
        None => ExportNumbers::Masked,
        Some(purpose) => ExportNumbers::Full(RevealPurpose::parse(purpose).map_err(|e| {
            anyhow!(
                "--full-numbers '{purpose}': {e}; pilih cocok_kk, perbaikan, pengaduan, permintaan_subjek atau data_ganda"
            )
        })?),
    };
    let format = format_of(out)?;
    let region = region.map(parse_region).transpose()?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let started = Instant::now();
    let mut sheet = SheetWriter::create(format, out, list.sheet_name(), &list.labels())
        .map_err(|e| anyhow!("{e}"))?;
    let progress = Progress::new("menulis baris", 0);
    let mut n = 0u64;
    let written = service
        .export(&actor, list, region.as_ref(), numbers, |cells| {
            n += 1;
            if n.is_multiple_of(10_000) {
                progress.set(n);
            }
            sheet.row(cells)
        })
        .await;
    progress.finish();
    let rows = match written {
        Ok(rows) => rows,
        Err(ExportError::Store(e)) => return Err(store_error(e)),
        Err(ExportError::Sink(e)) => bail!("{e} ({})", e.english()),
    };
    sheet.finish().map_err(|e| anyhow!("{e}"))?;
    println!(
        "{rows} baris {} ditulis ke {} dalam {:.1} s",
        list.key(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    if std::env::var_os("SIKS_REPORT_PEAK_MEMORY").is_some()
        && let Some(peak) = crate::matching::peak_memory_mib()
    {
        println!("peak memory MiB: {peak:.0}");
    }
    Ok(rows)
}

/// `siks export --list perbandingan`: two closed periods compared for a region and each region
/// one level down.
pub async fn comparison(
    db: &str,
    region: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    out: &Path,
) -> Result<()> {
    use siks_domain::workflow::Period;
    let period = |flag: &str, text: Option<&str>| -> Result<Period> {
        let text = text.ok_or_else(|| {
            anyhow!("perbandingan perlu --{flag} YYYY-MM (comparison needs --{flag})")
        })?;
        Period::parse(text)
            .map_err(|e| anyhow!("--{flag}: {}", siks_domain::Bilingual::indonesian(&e)))
    };
    let (before, after) = (period("before", before)?, period("after", after)?);
    let format = format_of(out)?;
    let region = region.map(parse_region).transpose()?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let all = service
        .compare_periods_by_region(&actor, region.as_ref(), before, after)
        .await
        .map_err(store_error)?;
    let labels = all.labels();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut sheet =
        SheetWriter::create(format, out, "Perbandingan", &labels).map_err(|e| anyhow!("{e}"))?;
    let rows = all.rows();
    for row in &rows {
        sheet.row(row).map_err(|e| anyhow!("{e}"))?;
    }
    sheet.finish().map_err(|e| anyhow!("{e}"))?;
    println!(
        "perbandingan {before} dan {after}: {} baris ditulis ke {}",
        rows.len(),
        out.display()
    );
    Ok(())
}

/// `siks template`: writes an upload template.
pub fn template(kind: &str, out: &Path) -> Result<()> {
    use siks_sheets::templates::TemplateKind;
    let Some(kind) = TemplateKind::from_key(kind) else {
        bail!(
            "templat '{kind}' tidak dikenal; pilih {} (unknown template)",
            TemplateKind::ALL.map(|k| k.key()).join(", ")
        );
    };
    let format = format_of(out)?;
    siks_sheets::write_template(format, out, &kind.sheets()).map_err(|e| anyhow!("{e}"))?;
    println!(
        "templat {} ({}) ditulis ke {}",
        kind.key(),
        kind.label(),
        out.display()
    );
    Ok(())
}

/// The format a file's extension names.
pub(crate) fn format_of(out: &Path) -> Result<Format> {
    out.extension()
        .and_then(|e| Format::parse(&e.to_string_lossy()))
        .ok_or_else(|| {
            anyhow!(
                "{}: akhiri nama berkas dengan .xlsx atau .csv (name the file .xlsx or .csv)",
                out.display()
            )
        })
}

/// `siks upload`: a filled-in template (rumah-tangga-baru, perbaikan, perbaikan-ruta,
/// penghapusan, hasil-verivali) checked row by row; the valid rows become drafts or settle
/// findings (see `siks_web::upload::run_upload`). Progress shows while it runs.
pub async fn upload(
    db: &str,
    kind: &str,
    file: &Path,
    valid_only: bool,
    report_to: Option<&Path>,
) -> Result<()> {
    use siks_service::uploads::{UploadMode, UploadRun};
    use siks_sheets::read::{Limits, read_limited};
    use siks_web::upload::{UploadOutcome, run_upload, summary};
    let format = format_of(file)?;
    let bytes = read_limited(
        std::fs::File::open(file)
            .with_context(|| format!("tidak dapat membuka {}", file.display()))?,
        Limits::default().bytes,
    )?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let mode = if valid_only {
        UploadMode::ValidOnly
    } else {
        UploadMode::AllOrNothing
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let run = UploadRun::new(mode, format!("unggahan {name}"));
    let shown = run.progress.clone();
    let watcher = tokio::spawn(async move {
        let mut bar: Option<(bool, crate::progress::Progress)> = None;
        loop {
            let now = shown.now();
            if now.total > 0
                && bar
                    .as_ref()
                    .is_none_or(|(writing, _)| *writing != now.writing)
            {
                if let Some((_, old)) = &bar {
                    old.finish();
                }
                let label = if now.writing {
                    "menyimpan usulan"
                } else {
                    "memeriksa baris"
                };
                bar = Some((
                    now.writing,
                    crate::progress::Progress::new(label, now.total),
                ));
            }
            if let Some((_, b)) = &bar {
                b.set(now.done);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    let outcome = run_upload(&service, &actor, kind, &bytes, format, &run).await;
    watcher.abort();
    let outcome = outcome.map_err(|e| anyhow!("{}", e.message()))?;
    for p in outcome.problems() {
        eprintln!(
            "{} baris {} kolom {} '{}': {}",
            if p.sheet.is_empty() {
                file.display().to_string()
            } else {
                p.sheet.clone()
            },
            p.row,
            p.column,
            p.value,
            p.reason
        );
    }
    for w in outcome.warnings() {
        eprintln!("peringatan: {w}");
    }
    if let Some(out) = report_to
        && outcome
            .write_error_report(out)
            .map_err(|e| anyhow!("{e}"))?
    {
        eprintln!(
            "laporan galat (salinan unggahan, sel bermasalah ditandai) ditulis ke {}",
            out.display()
        );
    }
    match outcome {
        UploadOutcome::Refused(refusal) => {
            bail!("{}: {refusal}; tidak ada yang disimpan", file.display());
        }
        UploadOutcome::Checked { report, .. } => {
            println!("{}", summary(kind, &report));
            if !report.written {
                bail!(
                    "tidak ada yang disimpan: perbaiki baris bermasalah, atau pakai --valid-only"
                );
            }
        }
    }
    Ok(())
}
