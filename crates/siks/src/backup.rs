//! `siks backup`, `siks restore` and `siks doctor`: an encrypted backup while the server runs,
//! its restore elsewhere checked against its manifest, and the checkup of a database.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use siks_service::OpenMode;
use siks_service::backup::{Checkup, DataKey, Manifest};

use crate::{open, sqlite_path, store_error};

/// Where the data key of `db` is kept: `SIKS_DATA_KEY` when set, else beside a SQLite
/// database (`PATH.data-key`). A PostgreSQL database has none unless told.
pub(crate) fn data_key_path(db: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SIKS_DATA_KEY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    sqlite_path(db).map(|path| PathBuf::from(format!("{path}.data-key")))
}

/// The data key of `db`, made when missing (at `init`, or at the first backup of an older
/// database), with a word to keep a copy elsewhere.
pub(crate) fn data_key(db: &str) -> Result<DataKey> {
    let Some(path) = data_key_path(db) else {
        bail!("PostgreSQL: sebutkan berkas kunci data di SIKS_DATA_KEY");
    };
    let (key, made) = DataKey::load_or_create(&path).map_err(store_error)?;
    if made {
        eprintln!(
            "kunci data dibuat: {} (mode 600, id {}); simpan salinannya di tempat lain: tanpa kunci ini cadangan tidak dapat dipulihkan",
            path.display(),
            key.id()
        );
    }
    Ok(key)
}

/// The key a restore or a backup is told to use: `--key FILE`, else the database's own.
fn key_from(file: Option<&Path>, db: &str) -> Result<DataKey> {
    match file {
        Some(file) => DataKey::load(file).map_err(store_error),
        None => data_key(db),
    }
}

/// Where a backup's snapshot (and a restore's decrypted dump) stands in clear for the moment it
/// is hashed and encrypted: beside a SQLite database (which is in clear there already), else
/// `SIKS_BACKUP_SCRATCH` or the system's temporary folder on this machine; never beside the
/// output, which may be a removable or shared disk.
fn scratch_for(db: &str) -> PathBuf {
    if let Some(file) = sqlite_path(db) {
        return Path::new(file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
    }
    std::env::var_os("SIKS_BACKUP_SCRATCH")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

pub(crate) async fn backup(db: &str, out: &Path) -> Result<()> {
    // Refusals first, before a key is made.
    if out.exists() {
        bail!(
            "{} sudah ada: cadangan tidak pernah menimpa berkas; pilih nama lain",
            out.display()
        );
    }
    let scratch = scratch_for(db);
    // A backup reads the whole database: a server on the same machine answers first.
    siks_service::background::lower_this_process();
    let service = open(db).await?;
    let key = data_key(db)?;
    let system = service.system_actor().await.map_err(store_error)?;
    let started = std::time::Instant::now();
    let manifest = tokio::select! {
        made = service.backup(&system, &key, out, &scratch) => made.map_err(store_error)?,
        _ = tokio::signal::ctrl_c() => {
            siks_service::backup::remove_leftovers(&scratch);
            bail!("cadangan dihentikan; tidak ada yang ditulis");
        }
    };
    println!(
        "cadangan {} dibuat dalam {:.1} s: {} bita terenkripsi dengan kunci {}",
        out.display(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(out).map(|m| m.len()).unwrap_or(0),
        manifest.key_id
    );
    print_manifest(&manifest);
    Ok(())
}

/// The dated backups' names: `siks-` and the moment, so that they sort by time.
const DATED_PREFIX: &str = "siks-";
const DATED_SUFFIX: &str = ".siks";

/// One dated backup into `dir` (made 0700 when missing), then the older ones beyond the newest
/// `keep` removed (only files of this naming: nothing else in the folder is touched). The file
/// written and the ones removed.
pub(crate) async fn backup_into(
    service: &siks_service::Service,
    key: &DataKey,
    dir: &Path,
    keep: usize,
    scratch: &Path,
) -> Result<(PathBuf, Manifest, Vec<PathBuf>)> {
    if keep == 0 {
        bail!("--keep harus sedikitnya 1");
    }
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .with_context(|| format!("tidak dapat membuat {}", dir.display()))?;
    }
    let name = format!(
        "{DATED_PREFIX}{}{DATED_SUFFIX}",
        service.now().format("%Y%m%dT%H%M%S%3fZ")
    );
    let out = dir.join(name);
    let system = service.system_actor().await.map_err(store_error)?;
    let manifest = service
        .backup(&system, key, &out, scratch)
        .await
        .map_err(store_error)?;
    let removed = prune(dir, keep)?;
    Ok((out, manifest, removed))
}

/// Removes the oldest dated backups of `dir` beyond the newest `keep`.
fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let mut dated: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("tidak dapat membaca {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_dated))
        .collect();
    dated.sort();
    let cut = dated.len().saturating_sub(keep);
    let old: Vec<PathBuf> = dated.drain(..cut).collect();
    for path in &old {
        std::fs::remove_file(path)
            .with_context(|| format!("tidak dapat menghapus {}", path.display()))?;
    }
    Ok(old)
}

/// Whether a file name is a dated backup's: `siks-` and a moment as `backup_into` writes it
/// (a `siks-before-upgrade.siks` kept by hand is not, and is never pruned).
fn is_dated(name: &str) -> bool {
    name.strip_prefix(DATED_PREFIX)
        .and_then(|n| n.strip_suffix(DATED_SUFFIX))
        .is_some_and(|moment| {
            chrono::NaiveDateTime::parse_from_str(moment, "%Y%m%dT%H%M%S%3fZ").is_ok()
        })
}

/// `siks backup --dir DIR --keep N`: one dated backup, the older beyond N removed.
pub(crate) async fn dated_backup(db: &str, dir: &Path, keep: usize) -> Result<()> {
    siks_service::background::lower_this_process();
    let service = open(db).await?;
    let key = data_key(db)?;
    let started = std::time::Instant::now();
    let (out, manifest, removed) = backup_into(&service, &key, dir, keep, &scratch_for(db)).await?;
    println!(
        "cadangan {} dibuat dalam {:.1} s dengan kunci {}; {} cadangan lama dihapus (disimpan {keep} terbaru)",
        out.display(),
        started.elapsed().as_secs_f64(),
        manifest.key_id,
        removed.len()
    );
    print_manifest(&manifest);
    Ok(())
}

/// A server's scheduled backups: at start, then every `every`, into `dir`, keeping `keep`. A
/// failed one is logged and tried again at the next turn.
pub(crate) fn schedule(
    service: &siks_service::Service,
    db: &str,
    dir: PathBuf,
    every: std::time::Duration,
    keep: usize,
) -> Result<()> {
    if keep == 0 {
        bail!("--backup-keep harus sedikitnya 1");
    }
    let key = data_key(db)?;
    let scratch = scratch_for(db);
    println!(
        "cadangan terjadwal setiap {} jam di {} ({keep} terbaru disimpan)",
        every.as_secs() / 3600,
        dir.display()
    );
    let service = service.clone();
    tokio::spawn(async move {
        let mut turns = tokio::time::interval(every);
        loop {
            turns.tick().await;
            match backup_into(&service, &key, &dir, keep, &scratch).await {
                Ok((out, manifest, removed)) => tracing::info!(
                    file = %out.display(),
                    persons = manifest.persons,
                    removed = removed.len(),
                    "scheduled backup made"
                ),
                Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
            }
        }
    });
    Ok(())
}

fn print_manifest(m: &Manifest) {
    println!(
        "  manifes: dibuat {}, skema versi {}, {} rumah tangga, {} orang, {} usulan, {} entri audit (ujung {}), {} bita, sha256 {}",
        m.made_at,
        m.schema_version,
        m.households,
        m.persons,
        m.proposals,
        m.audit_entries,
        short(&m.audit_head),
        m.bytes,
        short(&m.sha256)
    );
}

fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

/// `siks restore FILE --db URL`: a new SQLite database, or an empty PostgreSQL one, from the
/// backup, then its checkup against the manifest.
pub(crate) async fn restore(file: &Path, db: &str, key: Option<&Path>) -> Result<()> {
    let to = siks_service::redact_url(db);
    let key = match key {
        Some(_) => key_from(key, db)?,
        None => {
            let Some(path) = data_key_path(db).filter(|p| p.exists()) else {
                bail!("sebutkan kunci data cadangan ini dengan --key BERKAS (atau SIKS_DATA_KEY)");
            };
            DataKey::load(&path).map_err(store_error)?
        }
    };
    let started = std::time::Instant::now();
    let manifest = siks_service::backup::restore_to(&key, file, db, &scratch_for(db))
        .await
        .map_err(store_error)?;
    println!(
        "dipulihkan ke {to} dalam {:.1} s (ukuran dan sha256 sesuai manifes)",
        started.elapsed().as_secs_f64()
    );
    print_manifest(&manifest);
    let service = siks_service::Service::open(db, OpenMode::MustExist)
        .await
        .map_err(store_error)?;
    let checkup = service.checkup().await.map_err(store_error)?;
    service.close().await;
    if checkup.counts != manifest.counts() || checkup.audit_head != manifest.audit_head {
        bail!(
            "salinan yang dipulihkan tidak sama dengan manifes: {:?} / {:?}",
            checkup.counts,
            manifest.counts()
        );
    }
    println!(
        "  isi sama dengan manifes; salin kunci medan basis data asalnya ke {to}.field-keys (atau sebutkan di SIKS_FIELD_KEYS), lalu periksa dengan `siks doctor --db {to}` (dengan kunci audit di SIKS_AUDIT_KEY)"
    );
    Ok(())
}

/// `siks doctor`: schema, integrity, counts and the audit chain; an error when any fails.
pub(crate) async fn doctor(db: &str) -> Result<()> {
    // Not `open`: a database of an older schema is reported, not refused.
    let service = siks_service::Service::open(db, OpenMode::MustExist)
        .await
        .map_err(store_error)?;
    let service = crate::with_audit_key(service, db).await?;
    // The field keys open what the database holds (a restored copy needs its original's).
    let service = crate::with_field_keys(service, db).await?;
    let Checkup {
        schema_version,
        schema_needed,
        integrity,
        counts,
        audit_head,
    } = service.checkup().await.map_err(store_error)?;
    let system = service.system_actor().await.map_err(store_error)?;
    let chain = service
        .verify_audit_chain(&system)
        .await
        .map_err(store_error)?;
    println!(
        "skema versi {schema_version} (perlu {schema_needed}); integritas: {integrity}; {} rumah tangga, {} orang, {} usulan; log audit {} entri, ujung {}: {}",
        counts.households,
        counts.persons,
        counts.proposals,
        chain.entries,
        short(&audit_head),
        match chain.broken_at {
            None => "rantai utuh".to_string(),
            Some(at) => format!("rantai putus di entri {at}"),
        }
    );
    let sealing = service.sealing_status().await.map_err(store_error)?;
    println!(
        "enkripsi medan: {} nilai terenkripsi dengan kunci {} (terbuka dengan berkas kunci ini), {} belum terenkripsi, {} dengan kunci lama",
        sealing.sealed,
        service.field_keys().current_id(),
        sealing.plain,
        sealing.old_keys
    );
    let mut problems = Vec::new();
    if sealing.plain > 0 || sealing.plain_health > 0 {
        problems.push(format!(
            "{} nilai NIK, No KK, nama ibu atau kesehatan belum terenkripsi",
            sealing.plain + sealing.plain_health
        ));
    }
    if schema_version != schema_needed {
        problems.push(format!(
            "skema versi {schema_version}, perlu {schema_needed}"
        ));
    }
    if integrity != "ok" && integrity != "-" {
        problems.push(format!("integritas: {integrity}"));
    }
    if let Some(at) = chain.broken_at {
        problems.push(format!("rantai audit putus di entri {at}"));
    }
    if !problems.is_empty() {
        bail!("basis data bermasalah: {}", problems.join("; "));
    }
    Ok(())
}

/// `siks audit archive`: see `AuditAction::Archive`.
pub(crate) async fn archive_audit(db: &str, years: u32, dir: &Path, dry_run: bool) -> Result<()> {
    if years == 0 {
        bail!("--older-than-years harus sedikitnya 1");
    }
    let service = open(db).await?;
    let system = service.system_actor().await.map_err(store_error)?;
    let cutoff = service.retention_cutoff(years);
    let key = data_key(db)?;
    if !dry_run {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("tidak dapat membuat folder {}", dir.display()))?;
    }
    let out = dir.join(format!(
        "siks-audit-{}.siks",
        cutoff.text().replace([':', '.'], "")
    ));
    let done = service
        .archive_audit(&system, cutoff, &key, &out, &scratch_for(db), dry_run)
        .await
        .map_err(store_error)?;
    match (&done.manifest, dry_run) {
        (_, true) => println!(
            "akan diarsipkan: {} entri log audit sebelum {cutoff} ({years} tahun), entri {} sampai {} (uji, tidak ada yang diubah)",
            done.entries,
            done.from_seq + 1,
            done.to_seq
        ),
        (None, false) => println!("tidak ada entri log audit sebelum {cutoff} ({years} tahun)"),
        (Some(manifest), false) => println!(
            "diarsipkan: {} entri log audit (entri {} sampai {}) ke {} (kunci {}, sha256 {}); rantai di basis data kini mulai setelah entri {}. Simpan arsip ini selama yang diwajibkan.",
            done.entries,
            done.from_seq + 1,
            done.to_seq,
            out.display(),
            manifest.key_id,
            manifest.sha256,
            done.to_seq
        ),
    }
    service.close().await;
    Ok(())
}

/// `siks audit archive-check`: see `AuditAction::ArchiveCheck`.
pub(crate) async fn check_audit_archive(db: &str, file: &Path) -> Result<()> {
    let service = open(db).await?;
    let key = data_key(db)?;
    let check = service
        .check_audit_archive(&key, file, &scratch_for(db))
        .await
        .map_err(store_error)?;
    let start = service.audit_start().await.map_err(store_error)?;
    service.close().await;
    if let Some(seq) = check.broken_at {
        bail!(
            "arsip {} RUSAK mulai entri {seq} ({} entri, {} sampai {})",
            file.display(),
            check.entries,
            check.from_seq + 1,
            check.to_seq
        );
    }
    println!(
        "arsip {} utuh: {} entri, {} sampai {}{}",
        file.display(),
        check.entries,
        check.from_seq + 1,
        check.to_seq,
        if start.seq == check.to_seq && start.hash == check.last_hash {
            "; rantai di basis data bersambung dari arsip ini"
        } else {
            ""
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oldest dated backups beyond the count go; other files in the folder stay, a backup
    /// named by hand too (it would sort after every date and push the new one out).
    #[test]
    fn pruning_keeps_the_newest_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "siks-20261201T000000000Z.siks",
            "siks-20261203T000000000Z.siks",
            "siks-20261202T000000000Z.siks",
            "catatan.txt",
            "siks-lain.txt",
            "siks-sebelum-peningkatan.siks",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.path().join("siks-20261201T000000000Z.siks")]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                "catatan.txt",
                "siks-20261202T000000000Z.siks",
                "siks-20261203T000000000Z.siks",
                "siks-lain.txt",
                "siks-sebelum-peningkatan.siks"
            ]
        );
        assert!(prune(dir.path(), 5).unwrap().is_empty());
    }
}
