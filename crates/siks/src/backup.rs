//! `siks backup`, `siks restore` and `siks doctor`: an encrypted backup while the server runs,
//! its restore elsewhere checked against its manifest, and the checkup of a database.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
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

pub(crate) async fn backup(db: &str, out: &Path) -> Result<()> {
    // Refusals first, before a key is made.
    let Some(file) = sqlite_path(db) else {
        bail!("cadangan PostgreSQL belum tersedia: gunakan pg_dump dengan enkripsi di luar siks");
    };
    if out.exists() {
        bail!(
            "{} sudah ada: cadangan tidak pernah menimpa berkas; pilih nama lain",
            out.display()
        );
    }
    // The clear snapshot is made beside the database (already in clear there), never beside
    // the output, which may be a removable or shared disk.
    let scratch = Path::new(file)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
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

/// `siks restore FILE --db URL`: a new SQLite database from the backup, then its checkup
/// against the manifest.
pub(crate) async fn restore(file: &Path, db: &str, key: Option<&Path>) -> Result<()> {
    let Some(to) = sqlite_path(db) else {
        bail!("pemulihan ke PostgreSQL belum tersedia: pulihkan ke berkas SQLite (sqlite://PATH)");
    };
    let key = match key {
        Some(_) => key_from(key, db)?,
        None => {
            let Some(path) = data_key_path(db).filter(|p| p.exists()) else {
                bail!("sebutkan kunci data cadangan ini dengan --key BERKAS (atau SIKS_DATA_KEY)");
            };
            DataKey::load(&path).map_err(store_error)?
        }
    };
    let (file, to_path) = (file.to_path_buf(), PathBuf::from(to));
    let started = std::time::Instant::now();
    let manifest =
        tokio::task::spawn_blocking(move || siks_service::backup::restore(&key, &file, &to_path))
            .await?
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
        "  isi sama dengan manifes; salin kunci medan basis data asalnya ke {to}.field-keys (atau sebutkan di SIKS_FIELD_KEYS), lalu periksa dengan `siks doctor --db {db}` (dengan kunci audit di SIKS_AUDIT_KEY)"
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
