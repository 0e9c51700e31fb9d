//! `siks programme …`: the ministry's programmes (PKH, Sembako, PBI-JK, BST, and any other
//! defined as data): the definitions in force, a new version of one, a regency's quota, the
//! beneficiary lists of a period, and a list written to XLSX or CSV.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use siks_domain::Bilingual;
use siks_domain::workflow::Period;
use siks_sheets::SheetWriter;

use crate::{open, parse_region, store_error};

#[derive(Subcommand)]
pub enum ProgrammeAction {
    /// The definitions in force, with their version (0: the one siks ships).
    List {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Save a new version of a programme's definition (TOML); refused with the line and reason
    /// when a rule does not read, and the version in force stays.
    Save {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// Why it changes (kept with the version).
        #[arg(long)]
        note: String,
        file: PathBuf,
    },
    /// Write the definition siks ships for a programme, as a starting point.
    Default {
        /// PKH, SEMBAKO, PBI-JK or BST.
        code: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Set how many units a regency may have in a programme.
    Quota {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        regency: String,
        /// Units (0 or more, at most the regency's households).
        #[arg(long, allow_negative_numbers = true)]
        quota: i64,
    },
    /// Build every programme's beneficiary list for a period (not yet closed).
    Build {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// YYYY-MM.
        #[arg(long)]
        period: String,
    },
    /// Write a programme's list of a period (and region) to XLSX or CSV.
    Export {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

fn period(text: &str) -> Result<Period> {
    Period::parse(text).map_err(|e| anyhow!("periode: {}", e.indonesian()))
}

pub async fn run(action: ProgrammeAction) -> Result<()> {
    match action {
        ProgrammeAction::List { db } => {
            let service = open(&db).await?;
            for p in service.programmes().await.map_err(store_error)? {
                println!(
                    "{:<10} versi {:<3} {} ({})",
                    p.programme.code,
                    p.version,
                    p.programme.name,
                    p.saved_at
                        .map(|at| at.to_string())
                        .unwrap_or_else(|| "bawaan siks".into())
                );
            }
            Ok(())
        }
        ProgrammeAction::Save { db, note, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("tidak dapat membaca {}", file.display()))?;
            let service = open(&db).await?;
            let actor = service.system_actor().await.map_err(store_error)?;
            let version = service
                .save_programme(&actor, &text, &note)
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            println!("versi {version} disimpan dan berlaku");
            Ok(())
        }
        ProgrammeAction::Default { code, out } => {
            let wanted = code.to_uppercase();
            let text = siks_domain::programmes::DEFAULT_PROGRAMMES
                .iter()
                .find(|t| {
                    siks_domain::programmes::Programme::parse(t).is_ok_and(|p| p.code == wanted)
                })
                .ok_or_else(|| {
                    anyhow!("program {code} tidak ada; pilih PKH, SEMBAKO, PBI-JK atau BST")
                })?;
            std::fs::write(&out, text)
                .with_context(|| format!("tidak dapat menulis {}", out.display()))?;
            println!("definisi bawaan {wanted} ditulis ke {}", out.display());
            Ok(())
        }
        ProgrammeAction::Quota {
            db,
            code,
            regency,
            quota,
        } => {
            let regency = parse_region(&regency)?;
            let service = open(&db).await?;
            let actor = service.system_actor().await.map_err(store_error)?;
            service
                .set_quota(&actor, &code.to_uppercase(), &regency, quota)
                .await
                .map_err(store_error)?;
            println!("kuota {} di {regency}: {quota}", code.to_uppercase());
            Ok(())
        }
        ProgrammeAction::Build { db, period: text } => {
            let period = period(&text)?;
            let service = open(&db).await?;
            let actor = service.system_actor().await.map_err(store_error)?;
            let started = Instant::now();
            let built = service
                .build_lists(&actor, period, service.today())
                .await
                .map_err(store_error)?;
            println!(
                "daftar penerima periode {period} dibangun dalam {:.1} s",
                started.elapsed().as_secs_f64()
            );
            for r in built.lists {
                println!(
                    "  {:<10} {} unit, {} rumah tangga, Rp{} setahun; {} di luar kuota; {} masuk, {} keluar",
                    r.code, r.units, r.households, r.amount, r.over_quota, r.entered, r.departed
                );
            }
            for (phase, secs) in &built.phases {
                eprintln!("  {phase}: {secs:.1} s");
            }
            Ok(())
        }
        ProgrammeAction::Export {
            db,
            code,
            period: text,
            region,
            out,
        } => {
            let period = period(&text)?;
            let format = crate::export::format_of(&out)?;
            let region = region.as_deref().map(parse_region).transpose()?;
            let service = open(&db).await?;
            let actor = service.system_actor().await.map_err(store_error)?;
            let rows = service
                .beneficiaries(&actor, period, &code.to_uppercase(), region.as_ref())
                .await
                .map_err(store_error)?;
            let mut sheet = SheetWriter::create(
                format,
                &out,
                "Penerima",
                siks_web::programmes::BENEFICIARY_HEADERS,
            )
            .map_err(|e| anyhow!("{e}"))?;
            for b in &rows {
                sheet
                    .row(&siks_web::programmes::beneficiary_cells(b))
                    .map_err(|e| anyhow!("{e}"))?;
            }
            sheet.finish().map_err(|e| anyhow!("{e}"))?;
            println!(
                "{} penerima {} periode {period} ditulis ke {}",
                rows.len(),
                code.to_uppercase(),
                out.display()
            );
            Ok(())
        }
    }
}
