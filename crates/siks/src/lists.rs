//! `siks list …`: the pusat role's outside lists (civil registry, deaths, civil servants,
//! exclusions) imported from CSV, each followed by a check run that matches the register
//! against them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use siks_domain::Bilingual;
use siks_domain::lists::{ListKind, read_list};

use crate::{open, store_error};

#[derive(Subcommand)]
pub enum ListAction {
    /// Import a list (CSV with a header: nik, full_name, birth_date, and per kind status,
    /// date_of_death, kind and institution, reason), then run every check on the register.
    Import {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// dukcapil (civil-registry extract), kematian (deaths), asn (ASN/TNI/Polri),
        /// pengecualian (exclusion list).
        #[arg(long)]
        kind: String,
        /// Who issued the list, e.g. Dukcapil, BKN, PLN; a newer list from the same source
        /// replaces the older one (death registers add up).
        #[arg(long)]
        source: String,
        /// Store the list without running the checks now.
        #[arg(long)]
        no_check: bool,
        file: PathBuf,
    },
    /// The imported lists, newest first.
    Show {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
}

pub async fn run(action: ListAction) -> Result<()> {
    match action {
        ListAction::Import {
            db,
            kind,
            source,
            no_check,
            file,
        } => import(&db, &kind, &source, no_check, &file).await,
        ListAction::Show { db } => {
            let service = open(&db).await?;
            let actor = service.system_actor().await.map_err(store_error)?;
            let lists = service.outside_lists(&actor).await.map_err(store_error)?;
            if lists.is_empty() {
                println!("belum ada daftar yang diimpor");
            }
            for l in lists {
                println!(
                    "{}  {:<32} {:<12} {:>9} baris  {}  {}",
                    l.imported_at.0.format("%Y-%m-%d %H:%M UTC"),
                    l.kind.label(),
                    l.source,
                    l.rows,
                    if l.in_force { "berlaku" } else { "diganti" },
                    l.file_name
                );
            }
            Ok(())
        }
    }
}

async fn import(db: &str, kind: &str, source: &str, no_check: bool, file: &Path) -> Result<()> {
    let Some(kind) = ListKind::from_key(kind) else {
        bail!(
            "jenis daftar '{kind}' tidak dikenal; pilih dukcapil, kematian, asn atau pengecualian (unknown list kind)"
        );
    };
    let reader = std::fs::File::open(file)
        .map(std::io::BufReader::new)
        .with_context(|| format!("tidak dapat membuka {}", file.display()))?;
    let rows = match read_list(kind, reader) {
        Ok(rows) => rows,
        Err(errors) => {
            for e in &errors {
                eprintln!("{}: {}  ({})", file.display(), e.indonesian(), e.english());
            }
            bail!(
                "{} ditolak: {} kesalahan{}; tidak ada yang disimpan",
                file.display(),
                errors.len(),
                if errors.len() >= siks_domain::lists::MAX_REPORTED {
                    " (hanya yang pertama ditampilkan)"
                } else {
                    ""
                }
            );
        }
    };
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let started = Instant::now();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let list = service
        .import_list(&actor, kind, source, &name, rows)
        .await
        .map_err(store_error)?;
    println!(
        "{} dari {} diimpor: {} baris dalam {:.1} s",
        kind.label(),
        list.source,
        list.rows,
        started.elapsed().as_secs_f64()
    );
    if no_check {
        println!("pemeriksaan belum dijalankan: jalankan `siks check` untuk mencocokkannya");
        return Ok(());
    }
    crate::check(db, None).await
}
