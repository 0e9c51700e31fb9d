//! The `siks` command line: each subcommand is a thin wrapper over the library crates. A library
//! so that `siks-bench` can run the very same commands in its child processes; `main.rs` only
//! picks the allocator and calls [`main_with_args`].
#![forbid(unsafe_code)]

mod backup;
mod export;
mod lists;
mod matching;
mod programmes;
mod progress;
mod web;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use siks_domain::interchange::{HOUSEHOLDS_FILE, PERSONS_FILE};
use siks_domain::{Bilingual, RegionCode, Regions};
use siks_service::import::{ImportError, ImportFile};
use siks_service::{OpenMode, Service, Stats};

#[derive(Parser)]
#[command(
    name = "siks",
    version,
    about = "siks: registri kesejahteraan sosial (DTKS) / social-welfare registry"
)]
struct Cli {
    /// How log lines are written to standard error: `human` (default) or `json` (one object a
    /// line, for a server's log collector). `SIKS_LOG` picks what is logged (default `info`).
    #[arg(long, global = true, env = "SIKS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// The database every command opens unless `--db` or `SIKS_DB` says otherwise. `SIKS_DB` keeps a
/// PostgreSQL password off the command line (and out of the process list).
pub const DEFAULT_DB: &str = "sqlite://siks.db";
/// Where `serve` and `demo` listen unless `--listen` or `SIKS_LISTEN` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The two shapes of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// Starts logging to standard error. What is logged comes from `SIKS_LOG` (an `EnvFilter`), by
/// default every request line and error of siks and only sqlx's warnings (slow statements). Never
/// fails: a second call (a test that runs two commands) keeps the first.
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("SIKS_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

#[derive(Subcommand)]
enum PeriodAction {
    /// Close YYYY-MM: apply every accepted proposal in one transaction (closing twice is harmless).
    Close {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// The period, e.g. 2026-11.
        period: String,
    },
    /// Recount a closed period from the register and its history, and compare with the counts
    /// fixed at its close (exit status 1 when they differ).
    Verify {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// The period, e.g. 2026-11.
        period: String,
    },
}

#[derive(Subcommand)]
enum Command {
    /// One command from a fresh clone: a running system with a demo regency and one account per role.
    Demo {
        /// Folder for the generated files, the database and the demo accounts.
        #[arg(long, default_value = "demo")]
        dir: PathBuf,
        #[arg(long, default_value = "35.23")]
        region: String,
        #[arg(long, default_value_t = 20_000)]
        households: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        #[arg(long, env = "SIKS_LISTEN", default_value = crate::DEFAULT_LISTEN)]
        listen: String,
        /// Prepare the demo and print its accounts, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the web application and the JSON API.
    Serve {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long, env = "SIKS_LISTEN", default_value = crate::DEFAULT_LISTEN)]
        listen: String,
        /// Served behind HTTPS (a proxy that ends TLS): cookies Secure with the `__Host-` prefix,
        /// and browsers told to come back over HTTPS only (HSTS).
        #[arg(long)]
        behind_https: bool,
        /// Cookies Secure with the `__Host-` prefix (the default anywhere but on loopback).
        #[arg(long)]
        secure_cookies: bool,
        /// Plain HTTP on an address that is not loopback (a test network): cookies without
        /// `Secure`, which browsers would not send back over HTTP. Never for real data.
        #[arg(long, conflicts_with_all = ["behind_https", "secure_cookies"])]
        plain_http: bool,
        /// Start even when the database may lose acknowledged writes after a crash (SQLite not
        /// in WAL with synchronous=full; PostgreSQL with fsync, synchronous_commit or
        /// full_page_writes off). Never for real data.
        #[arg(long)]
        unsafe_durability: bool,
        /// Where the server anchors the audit log (its signed head) every 15 minutes; by
        /// default beside a SQLite database (`PATH.anchors`).
        #[arg(long, env = "SIKS_ANCHOR_DIR")]
        anchor_dir: Option<PathBuf>,
        /// A proxy (address or CIDR block) whose X-Forwarded-For names the client, for the
        /// rate limits, the sign-in throttle and the audit log; repeat, or separate by commas.
        /// Anyone else's X-Forwarded-For is ignored.
        #[arg(
            long = "trusted-proxy",
            env = "SIKS_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<siks_web::rate::Network>,
        /// Back the database up into this folder on a schedule (as `siks backup --dir`): at
        /// start, then every --backup-every-hours, keeping the newest --backup-keep.
        #[arg(long, env = "SIKS_BACKUP_DIR")]
        backup_dir: Option<PathBuf>,
        #[arg(long, default_value_t = 24, requires = "backup_dir")]
        backup_every_hours: u64,
        #[arg(long, default_value_t = 7, requires = "backup_dir")]
        backup_keep: usize,
        /// Anonymise, once a day, the persons removed from the register more than this many
        /// years ago (as `siks retention`).
        #[arg(long, env = "SIKS_REMOVED_RETENTION_YEARS")]
        removed_retention_years: Option<u32>,
    },
    /// Retention (UU 27/2022): anonymise the persons removed from the register more than
    /// --removed-after-years ago (their rows and counts stay, what identifies them goes, in
    /// their kept versions too); audited per village. For a timer, or see `serve
    /// --removed-retention-years`.
    Retention {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        removed_after_years: u32,
        /// Only count who would be anonymised.
        #[arg(long)]
        dry_run: bool,
    },
    /// Accounts: add, list, disable.
    User {
        #[command(subcommand)]
        action: web::UserAction,
    },
    /// API tokens of machine clients: list them, revoke one.
    Token {
        #[command(subcommand)]
        action: web::TokenAction,
    },
    /// Monthly periods: close one (penetapan), applying every accepted proposal together.
    Period {
        #[command(subcommand)]
        action: PeriodAction,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: web::AuditAction,
    },
    /// Write a deterministic synthetic population with injected defects and external lists.
    Generate {
        /// Region code (province, regency, district or village), e.g. 35.23.
        #[arg(long)]
        region: String,
        #[arg(long)]
        households: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Share of households given each kind of defect.
        #[arg(long, default_value_t = 0.01)]
        defect_rate: f64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Create the database (if missing), its schema, and load all regions.
    Init {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Import households.csv and persons.csv from a folder, all or nothing (at a lower CPU
    /// priority than a server's requests, in short transactions).
    Import {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        dir: PathBuf,
    },
    /// An encrypted backup of the whole database while the server runs (SQLite), with the data
    /// key beside the database (`PATH.data-key`, or `SIKS_DATA_KEY`); its manifest printed.
    Backup {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// The backup file to write (must not exist).
        #[arg(long, required_unless_present = "dir", conflicts_with = "dir")]
        out: Option<PathBuf>,
        /// Or a folder of dated backups (`siks-YYYYMMDDTHHMMSSmmmZ.siks`), for a timer: the
        /// newest --keep are kept, the older ones removed.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// How many dated backups --dir keeps.
        #[arg(long, default_value_t = 7, requires = "dir")]
        keep: usize,
    },
    /// Restore a backup into a new SQLite database (never over one), checked against its
    /// manifest; a wrong key or a damaged file writes nothing.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The new database (sqlite://PATH; must not exist).
        #[arg(long)]
        db: String,
        /// The data key the backup was made with (default: `SIKS_DATA_KEY`, or the one beside
        /// the new database).
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// The keys that seal NIK, No KK, mother's name and health (`PATH.field-keys`, or
    /// `SIKS_FIELD_KEYS`).
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Check a database: schema version, integrity, counts and the audit chain.
    Doctor {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
    /// Households and persons per region level.
    Stats {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// A region code; default the whole country.
        #[arg(long)]
        region: Option<String>,
        /// Data quality instead: valid and not valid people and households, and the open
        /// findings of each kind, as of the last check run.
        #[arg(long)]
        quality: bool,
    },
    /// Welfare ranking: score every household with a PMT model and rank it into desil 1-10,
    /// nationally and within its regency (default model: siks's illustrative one).
    Rank {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// A model file (TOML: name, intercept, [coefficients], optional [provinces."CODE"]).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Write the default model to this file and stop (a starting point for your own).
        #[arg(long)]
        write_default: Option<PathBuf>,
    },
    /// Programmes as data: definitions, quotas, and the beneficiary lists of a period.
    Programme {
        #[command(subcommand)]
        action: programmes::ProgrammeAction,
    },
    /// Verivali: run every check on a region's households and keep the findings.
    Check {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// Region code (default: the whole register).
        #[arg(long)]
        region: Option<String>,
    },
    /// Write a list of a region to XLSX or CSV: rumah-tangga (households), anggota (members by
    /// name by address), temuan (findings), usulan (proposals with their stage) or perbandingan
    /// (two closed periods compared, per region one level down); the format follows the file's
    /// extension.
    Export {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        /// rumah-tangga, anggota, temuan, usulan or perbandingan.
        #[arg(long)]
        list: String,
        /// Region code (default: the whole register).
        #[arg(long)]
        region: Option<String>,
        /// perbandingan: the earlier closed period (YYYY-MM).
        #[arg(long)]
        before: Option<String>,
        /// perbandingan: the later closed period (YYYY-MM).
        #[arg(long)]
        after: Option<String>,
        /// The file to write: NAME.xlsx or NAME.csv.
        #[arg(long)]
        out: PathBuf,
        /// anggota: NIK and No KK whole rather than masked, for this purpose (audited):
        /// cocok_kk, perbaikan, pengaduan, permintaan_subjek or data_ganda.
        #[arg(long, value_name = "PURPOSE")]
        full_numbers: Option<String>,
    },
    /// Write an upload template: rumah-tangga-baru, perbaikan, penghapusan or hasil-verivali
    /// (XLSX: drop-downs for coded columns, NIK columns as text, an explanation sheet).
    Template {
        #[arg(long)]
        kind: String,
        /// NAME.xlsx or NAME.csv (CSV: the header row of the first sheet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Upload a filled-in sheet: perbaikan (member corrections, from an export of members or the
    /// corrections template) becomes correction proposals in draft.
    Upload {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
        #[arg(long)]
        kind: String,
        /// Write the valid rows even when others have problems (default: nothing unless all
        /// rows are valid).
        #[arg(long)]
        valid_only: bool,
        /// Write the error report here (XLSX: the uploaded rows, faulty cells highlighted, a
        /// column with the reasons) when any row has a problem.
        #[arg(long)]
        report: Option<PathBuf>,
        file: PathBuf,
    },
    /// Outside lists: the civil registry, deaths, civil servants and exclusions.
    List {
        #[command(subcommand)]
        action: lists::ListAction,
    },
    /// Record linkage on any CSV: the same person twice in one file, or across two.
    Match {
        #[command(subcommand)]
        action: matching::MatchAction,
    },
}

/// Parses `args` (the program's name first) as the `siks` command line and runs it.
pub fn main_with_args<I, T>(args: I) -> std::process::ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    init_logging(cli.log_format);
    // A panic's message may quote the data it choked on: logged with long digit runs masked.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at = %place, message = %siks_domain::message::mask_digits(&message), "panic");
    }));
    run_to_exit(run(cli.command))
}

/// Runs `work` on a multi-threaded runtime and turns its end into the process's exit code, the
/// error on standard error. A job still on a blocking thread when the work ends (a server
/// stopped with Ctrl-C marks it interrupted) is not waited for.
pub fn run_to_exit(work: impl std::future::Future<Output = Result<()>>) -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("galat: tidak dapat memulai runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(work);
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("galat: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Demo {
            dir,
            region,
            households,
            seed,
            listen,
            no_serve,
        } => {
            if !no_serve {
                siks_web::leave_a_core_for_requests();
            }
            web::demo(
                &dir,
                &region,
                households,
                seed,
                (!no_serve).then_some(listen.as_str()),
            )
            .await
        }
        Command::Serve {
            db,
            listen,
            behind_https,
            secure_cookies,
            plain_http,
            unsafe_durability,
            anchor_dir,
            trusted_proxies,
            backup_dir,
            backup_every_hours,
            backup_keep,
            removed_retention_years,
        } => {
            siks_web::leave_a_core_for_requests();
            let service = open(&db).await?;
            web::start_up_check(&service, &db, unsafe_durability).await?;
            if let Some(years) = removed_retention_years {
                schedule_retention(&service, years)?;
            }
            if let Some(dir) = backup_dir {
                backup::schedule(
                    &service,
                    &db,
                    dir,
                    std::time::Duration::from_secs(backup_every_hours.max(1) * 3600),
                    backup_keep,
                )?;
            }
            let transport = web::Transport {
                behind_https,
                secure_cookies,
                plain_http,
            };
            let anchors = anchor_dir.or_else(|| web::anchor_dir(&db));
            let views = web::view_journal_dir(&db);
            web::serve(service, &listen, transport, anchors, trusted_proxies, views).await
        }
        Command::Retention {
            db,
            removed_after_years,
            dry_run,
        } => retention(&db, removed_after_years, dry_run).await,
        Command::User { action } => web::user(action).await,
        Command::Token { action } => web::token(action).await,
        Command::Audit { action } => web::audit(action).await,
        Command::Period {
            action: PeriodAction::Close { db, period },
        } => close_period(&db, &period).await,
        Command::Period {
            action: PeriodAction::Verify { db, period },
        } => verify_period(&db, &period).await,
        Command::Generate {
            region,
            households,
            seed,
            defect_rate,
            out,
        } => {
            let region = parse_region(&region)?;
            let mut config = siks_synth::Config::new(region, households, seed);
            config.defect_rate = defect_rate;
            generate(&config, &out)
        }
        Command::Init { db } => init(&db).await,
        Command::Backup { db, out, dir, keep } => match (out, dir) {
            (Some(out), _) => backup::backup(&db, &out).await,
            (None, Some(dir)) => backup::dated_backup(&db, &dir, keep).await,
            (None, None) => anyhow::bail!("sebutkan --out BERKAS atau --dir FOLDER"),
        },
        Command::Restore { file, db, key } => backup::restore(&file, &db, key.as_deref()).await,
        Command::Doctor { db } => backup::doctor(&db).await,
        Command::Key {
            action: KeyAction::Rotate { db },
        } => rotate_field_keys(&db).await,
        Command::Import { db, dir } => {
            // Bulk work as a whole: a server on the same machine answers its pages first.
            siks_service::background::lower_this_process();
            let service = open(&db).await?;
            import(&service, &dir).await
        }
        Command::Stats {
            db,
            region,
            quality: true,
        } => {
            let service = open(&db).await?;
            let region = region.as_deref().map(parse_region).transpose()?;
            let actor = service.system_actor().await.map_err(store_error)?;
            let quality = service
                .quality(&actor, region.as_ref())
                .await
                .map_err(store_error)?;
            print_quality(&quality);
            Ok(())
        }
        Command::Stats { db, region, .. } => {
            let service = open(&db).await?;
            let region = region.as_deref().map(parse_region).transpose()?;
            let started = Instant::now();
            let stats = stats(&service, region.as_ref()).await?;
            print_stats(&stats);
            eprintln!("({} ms)", started.elapsed().as_millis());
            Ok(())
        }
        Command::Match { action } => matching::run(action),
        Command::List { action } => lists::run(action).await,
        Command::Programme { action } => programmes::run(action).await,
        Command::Template { kind, out } => export::template(&kind, &out),
        Command::Upload {
            db,
            kind,
            valid_only,
            report,
            file,
        } => export::upload(&db, &kind, &file, valid_only, report.as_deref()).await,
        Command::Export {
            db,
            list,
            region,
            before,
            after,
            out,
            ..
        } if list == "perbandingan" => {
            export::comparison(
                &db,
                region.as_deref(),
                before.as_deref(),
                after.as_deref(),
                &out,
            )
            .await
        }
        Command::Export {
            db,
            list,
            region,
            out,
            full_numbers,
            ..
        } => export::run(&db, &list, region.as_deref(), &out, full_numbers.as_deref())
            .await
            .map(|_| ()),
        Command::Check { db, region } => check(&db, region.as_deref()).await,
        Command::Rank {
            db,
            model,
            write_default,
        } => rank(&db, model.as_deref(), write_default.as_deref()).await,
    }
}

async fn close_period(db: &str, period: &str) -> Result<()> {
    let period = siks_domain::workflow::Period::parse(period)
        .map_err(|e| anyhow::anyhow!("{}", e.indonesian()))?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let (checks, report) = service
        .check_and_close(&actor, period, service.today(), None)
        .await
        .map_err(store_error)?;
    println!(
        "pemeriksaan sebelum penetapan: {} rumah tangga, {} temuan baru, {} sudah diperbaiki",
        checks.households, checks.opened, checks.fixed
    );
    if report.already_closed {
        println!("periode {period} sudah ditutup sebelumnya; tidak ada yang diubah");
        return Ok(());
    }
    println!(
        "periode {period} ditutup: {} usulan ditetapkan, {} dikembalikan",
        report.applied,
        report.sent_back.len()
    );
    for (id, why) in &report.sent_back {
        println!("  usulan {id}: {why}");
    }
    Ok(())
}

pub(crate) async fn check(db: &str, region: Option<&str>) -> Result<()> {
    use siks_domain::Coded;
    use siks_domain::checks::FindingKind;
    let region = region.map(parse_region).transpose()?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let started = Instant::now();
    let today = service.today();
    let report = service
        .run_checks(&actor, region.as_ref(), today)
        .await
        .map_err(store_error)?;
    println!(
        "{} rumah tangga, {} orang diperiksa dalam {:.1} s: {} temuan baru, {} sudah diperbaiki",
        report.households,
        report.persons,
        started.elapsed().as_secs_f64(),
        report.opened,
        report.fixed
    );
    if let Some((padan, not)) = report.padan {
        println!("  padan Dukcapil: {padan} orang, tidak padan: {not} orang");
    }
    for kind in FindingKind::ALL {
        if let Some(n) = report.open.get(&kind.code()) {
            println!("  {:<45} {n}", kind.label());
        }
    }
    Ok(())
}

/// `siks rank`: one ranking run over the whole register.
pub(crate) async fn rank(
    db: &str,
    model: Option<&std::path::Path>,
    write_default: Option<&std::path::Path>,
) -> Result<()> {
    use siks_domain::welfare::{DEFAULT_MODEL, Model};
    if let Some(out) = write_default {
        std::fs::write(out, DEFAULT_MODEL)
            .with_context(|| format!("tidak dapat menulis {}", out.display()))?;
        println!("model bawaan ditulis ke {}", out.display());
        return Ok(());
    }
    let model = match model {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("tidak dapat membaca {}", path.display()))?;
            Model::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Model::default_model(),
    };
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let started = Instant::now();
    let report = service
        .rank(&actor, &model, service.today())
        .await
        .map_err(store_error)?;
    println!(
        "{} rumah tangga diperingkat dengan model {} dalam {:.1} s (run {})",
        report.households,
        report.model,
        started.elapsed().as_secs_f64(),
        report.run
    );
    for (i, n) in report.by_desil.iter().enumerate() {
        println!("  desil {:>2}: {n}", i + 1);
    }
    println!(
        "  miskin menurut 14 kriteria BPS (paling sedikit 9): {}",
        report.bps_poor
    );
    for (phase, secs) in &report.phases {
        eprintln!("  {phase}: {secs:.1} s");
    }
    Ok(())
}

async fn verify_period(db: &str, period: &str) -> Result<()> {
    let period = siks_domain::workflow::Period::parse(period)
        .map_err(|e| anyhow::anyhow!("{}", e.indonesian()))?;
    let service = open(db).await?;
    let actor = service.system_actor().await.map_err(store_error)?;
    let fixed = service
        .period_counts(&actor, period)
        .await
        .map_err(store_error)?;
    let recount = service
        .recount_period(&actor, period)
        .await
        .map_err(store_error)?;
    let total = |c: &siks_service::periods::VillageCounts| {
        c.values().fold((0, 0), |(h, p), (dh, dp)| (h + dh, p + dp))
    };
    let ((h, p), (rh, rp)) = (total(&fixed), total(&recount));
    println!(
        "periode {period}: tercatat {h} rumah tangga dan {p} orang aktif di {} desa/kelurahan; hitung ulang dari riwayat: {rh} rumah tangga, {rp} orang",
        fixed.len()
    );
    let villages: std::collections::BTreeSet<&String> =
        fixed.keys().chain(recount.keys()).collect();
    let mut differ = 0;
    for village in villages {
        let (a, b) = (fixed.get(village), recount.get(village));
        if a != b {
            differ += 1;
            println!("  {village}: tercatat {a:?}, hitung ulang {b:?}");
        }
    }
    if differ > 0 {
        anyhow::bail!("{differ} desa/kelurahan berbeda antara hitungan tercatat dan hitung ulang");
    }
    println!("sama: hitungan periode {period} cocok dengan riwayat");
    Ok(())
}

pub(crate) fn parse_region(text: &str) -> Result<RegionCode> {
    Regions::embedded()
        .lookup(text)
        .map(|r| r.code.clone())
        .map_err(|e| anyhow::anyhow!("--region: {}", e.indonesian()))
}

pub fn store_error(e: siks_service::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.indonesian())
}

pub(crate) async fn open(db: &str) -> Result<Service> {
    let service = Service::open(db, OpenMode::MustExist)
        .await
        .map_err(store_error)?;
    service.ensure_current().await.map_err(store_error)?;
    let service = with_audit_key(service, db).await?;
    with_field_keys(service, db).await
}

/// `siks key …`.
#[derive(Debug, clap::Subcommand)]
pub enum KeyAction {
    /// A new sealing key, and every sealed value sealed anew with it in short transactions
    /// while the server runs (it reads the key file again within seconds); the old key is
    /// dropped from the file at the end. Cut off, it is finished by running it again.
    Rotate {
        #[arg(long, env = "SIKS_DB", default_value = crate::DEFAULT_DB)]
        db: String,
    },
}

/// Where the field keys of `db` are kept: `SIKS_FIELD_KEYS` when set, else beside a SQLite
/// database (`PATH.field-keys`). PostgreSQL must be told: its keys live on the server that runs
/// siks, never with the database.
pub(crate) fn field_keys_path(db: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SIKS_FIELD_KEYS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    sqlite_path(db).map(|path| PathBuf::from(format!("{path}.field-keys")))
}

/// The service sealing with the database's field keys: made for a database without persons
/// (a new one), refused when missing for one with persons, checked against what the database
/// holds, and sealing what an older database still holds in plain. A database in memory keeps
/// this process's own keys.
pub(crate) async fn with_field_keys(service: Service, db: &str) -> Result<Service> {
    let Some(path) = field_keys_path(db) else {
        if db.starts_with("postgres") {
            bail!(
                "PostgreSQL: sebutkan berkas kunci medan (NIK, No KK, nama ibu, kesehatan) di SIKS_FIELD_KEYS"
            );
        }
        return Ok(service);
    };
    let (service, made) = service.use_field_keys(&path).await.map_err(store_error)?;
    if made {
        eprintln!(
            "kunci medan dibuat: {} (mode 600); simpan salinannya di tempat lain: tanpa kunci ini NIK, No KK, nama ibu dan data kesehatan tidak dapat dibaca",
            path.display()
        );
    }
    Ok(service)
}

/// `siks key rotate`.
async fn rotate_field_keys(db: &str) -> Result<()> {
    let service = open(db).await?;
    let started = Instant::now();
    let from = service.field_keys().ids();
    let done = service
        .rotate_field_keys(&|column, n| println!("  {column}: {n} nilai dienkripsi ulang"))
        .await
        .map_err(store_error)?;
    println!(
        "kunci medan diganti: {} → {} ({} nilai dienkripsi ulang dalam {:.1} s); simpan salinan berkas kunci yang baru di tempat lain",
        from.join(", "),
        service.field_keys().current_id(),
        done.total(),
        started.elapsed().as_secs_f64()
    );
    if done.left_under_old_keys > 0 {
        bail!(
            "{} nilai masih terenkripsi dengan kunci lama (ditulis proses yang belum membaca berkas kunci baru), jadi kunci lama tetap di berkas: jalankan `siks key rotate` lagi setelah server membaca berkasnya",
            done.left_under_old_keys
        );
    }
    Ok(())
}

/// Where the audit chain's key of `db` is kept: `SIKS_AUDIT_KEY` when set, else beside a SQLite
/// database (`PATH.audit-key`). A PostgreSQL database has none unless told: its key must live
/// on the server that runs siks, not with the database.
pub(crate) fn audit_key_path(db: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SIKS_AUDIT_KEY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    sqlite_path(db).map(|path| PathBuf::from(format!("{path}.audit-key")))
}

/// The file of a SQLite database URL (`None` for PostgreSQL and in-memory databases).
pub(crate) fn sqlite_path(db: &str) -> Option<&str> {
    db.strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|path| !path.is_empty() && !path.starts_with(':'))
}

/// The service chaining its audit entries with the database's key. A key is made here only
/// for a log still empty (a new database): for a log with entries a missing key is an error,
/// since a key made silently would split the chain (a command run without `SIKS_AUDIT_KEY`)
/// or let someone who deleted the key file pass off a log rewritten without it. An older
/// database gets its first key by `siks audit new-key`, on purpose.
pub(crate) async fn with_audit_key(service: Service, db: &str) -> Result<Service> {
    let Some(path) = audit_key_path(db) else {
        return Ok(service);
    };
    if !path.exists() {
        let entries = service.audit_entries_count().await.map_err(store_error)?;
        if entries > 0 {
            bail!(
                "kunci audit {} tidak ada, padahal log audit berisi {entries} entri: pulihkan salinan kuncinya (atau sebutkan tempatnya di SIKS_AUDIT_KEY); untuk basis data yang belum pernah berkunci jalankan `siks audit new-key`",
                path.display()
            );
        }
    }
    let (service, made) = service.use_audit_key(&path).await.map_err(store_error)?;
    if made {
        eprintln!(
            "kunci audit dibuat: {} (mode 600); simpan salinannya di tempat lain: tanpa kunci ini rantai log audit tidak dapat diperiksa",
            path.display()
        );
    }
    Ok(service)
}

/// `siks audit new-key`: a first key for a database whose log has none (made before keys, or
/// its key lost), keyed from the entry after the current head; its first entry says so.
pub(crate) async fn new_audit_key(db: &str) -> Result<()> {
    let path = audit_key_path(db).ok_or_else(|| {
        anyhow::anyhow!("PostgreSQL: sebutkan berkas kunci audit di SIKS_AUDIT_KEY")
    })?;
    if path.exists() {
        bail!(
            "kunci audit {} sudah ada: kunci yang ada tidak pernah ditimpa",
            path.display()
        );
    }
    let service = Service::open(db, OpenMode::MustExist)
        .await
        .map_err(store_error)?;
    service.ensure_current().await.map_err(store_error)?;
    let entries = service.audit_entries_count().await.map_err(store_error)?;
    let (service, _) = service.use_audit_key(&path).await.map_err(store_error)?;
    let system = service.system_actor().await.map_err(store_error)?;
    service
        .record_new_audit_key(&system)
        .await
        .map_err(store_error)?;
    println!(
        "kunci audit baru {} (mode 600): entri 1–{entries} tetap dengan rantai lamanya, entri berikutnya berkunci; simpan salinan kunci ini di tempat lain",
        path.display()
    );
    Ok(())
}

pub(crate) fn generate(config: &siks_synth::Config, out: &Path) -> Result<()> {
    let bar = progress::Progress::new("membuat rumah tangga", config.households as u64);
    let started = Instant::now();
    let summary =
        siks_synth::generate(config, out, &|n| bar.set(n)).map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} rumah tangga, {} orang ditulis ke {} dalam {secs:.1} s",
        summary.households,
        summary.persons,
        out.display()
    );
    let mut defects: Vec<_> = summary.defects.iter().collect();
    defects.sort();
    for (kind, n) in defects {
        println!("  cacat data {kind}: {n}");
    }
    println!(
        "  daftar luar: {} kematian, {} ASN/TNI/Polri, {} baris Dukcapil",
        summary.deaths_listed, summary.civil_servants_listed, summary.civil_registry_rows
    );
    Ok(())
}

async fn init(db: &str) -> Result<()> {
    let service = Service::open(db, OpenMode::CreateIfMissing)
        .await
        .map_err(store_error)?;
    let version = service.migrate().await.map_err(store_error)?;
    let service = with_audit_key(service, db).await?;
    let service = with_field_keys(service, db).await?;
    if backup::data_key_path(db).is_some() {
        backup::data_key(db)?;
    }
    let regions = service
        .load_regions(Regions::embedded())
        .await
        .map_err(store_error)?;
    service.system_actor().await.map_err(store_error)?;
    println!(
        "basis data {} siap: skema versi {version}, {regions} wilayah",
        siks_service::redact_url(db)
    );
    Ok(())
}

pub async fn import(service: &Service, dir: &Path) -> Result<()> {
    let actor = service.system_actor().await.map_err(store_error)?;
    let open_file = |name: &str| -> Result<ImportFile<BufReader<File>>> {
        let path = dir.join(name);
        let file =
            File::open(&path).with_context(|| format!("tidak dapat membuka {}", path.display()))?;
        Ok(ImportFile {
            name: path.display().to_string(),
            reader: BufReader::with_capacity(1 << 20, file),
        })
    };
    let households = open_file(HOUSEHOLDS_FILE)?;
    let persons = open_file(PERSONS_FILE)?;
    let bar = Arc::new(progress::Progress::new("mengimpor baris", 0));
    let started = Instant::now();
    let tick = bar.clone();
    let result = service
        .import(&actor, households, persons, Arc::new(move |n| tick.set(n)))
        .await;
    bar.finish();
    match result {
        Ok(report) => {
            let secs = started.elapsed().as_secs_f64();
            let rows = report.households + report.persons;
            println!(
                "impor selesai: {} rumah tangga, {} orang dalam {secs:.1} s ({:.0} baris/s), batch {}",
                report.households,
                report.persons,
                rows as f64 / secs.max(1e-9),
                report.batch_id
            );
            if report.invalid_niks + report.invalid_no_kks > 0 {
                println!(
                    "  disimpan apa adanya untuk verivali: {} NIK tidak valid, {} No KK tidak valid",
                    report.invalid_niks, report.invalid_no_kks
                );
            }
            Ok(())
        }
        Err(ImportError::Rejected(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!("{}", ImportError::Rejected(problems))
        }
        Err(ImportError::Store(e)) => Err(store_error(e)),
    }
}

pub async fn stats(service: &Service, region: Option<&RegionCode>) -> Result<Stats> {
    let actor = service.system_actor().await.map_err(store_error)?;
    service.stats(&actor, region).await.map_err(store_error)
}

fn print_stats(stats: &Stats) {
    let t = &stats.total;
    println!(
        "{} {}: {} rumah tangga ({} aktif, {} usulan, {} nonaktif), {} orang",
        t.code.as_ref().map(|c| c.as_str()).unwrap_or("*"),
        t.name,
        t.households.total(),
        t.households.active,
        t.households.proposed,
        t.households.inactive,
        t.persons.total()
    );
    if let Some(level) = stats.child_level {
        println!("per {}:", level.label());
        println!(
            "  {:<14} {:<32} {:>12} {:>12}",
            "kode", "nama", "rumah tangga", "orang"
        );
        for c in &stats.children {
            println!(
                "  {:<14} {:<32} {:>12} {:>12}",
                c.code.as_ref().map(|c| c.as_str()).unwrap_or(""),
                c.name,
                c.households.total(),
                c.persons.total()
            );
        }
    }
}

fn print_quality(q: &siks_service::Quality) {
    use siks_domain::Coded;
    use siks_domain::checks::FindingKind;
    let line = |r: &siks_service::RegionQuality| {
        println!(
            "  {:<14} {:<32} {:>10} {:>10} {:>10} {:>10}",
            r.code.as_ref().map(|c| c.as_str()).unwrap_or("*"),
            r.name,
            r.persons_valid(),
            r.persons_not_valid,
            r.households_valid(),
            r.households_not_valid
        )
    };
    println!(
        "  {:<14} {:<32} {:>10} {:>10} {:>10} {:>10}",
        "kode", "nama", "orang sah", "tidak sah", "ruta sah", "tidak sah"
    );
    line(&q.total);
    if let Some(level) = q.child_level {
        println!("per {}:", level.label());
        for c in &q.children {
            line(c);
        }
    }
    println!("temuan terbuka per jenis:");
    for kind in FindingKind::ALL {
        let total = q.total.open.get(&kind.code()).copied().unwrap_or(0);
        if total > 0 {
            println!("  {:<45} {total}", kind.label());
        }
    }
}

/// Generates, creates and imports the demo database; `false` when it was already there.
pub(crate) async fn prepare_demo(
    dir: &Path,
    region: &RegionCode,
    households: usize,
    seed: u64,
) -> Result<(String, bool)> {
    let data = dir.join("data");
    let db_path = dir.join("siks.db");
    let url = format!("sqlite://{}", db_path.display());
    if db_path.exists() {
        return Ok((url, false));
    }
    let config = siks_synth::Config::new(region.clone(), households, seed);
    generate(&config, &data)?;
    init(&url).await?;
    let service = open(&url).await?;
    import(&service, &data).await?;
    let stats = stats(&service, Some(region)).await?;
    print_stats(&stats);
    service.close().await;
    Ok((url, true))
}

/// `siks retention`: see [`Command::Retention`].
async fn retention(db: &str, years: u32, dry_run: bool) -> Result<()> {
    if years == 0 {
        bail!("--removed-after-years harus sedikitnya 1");
    }
    let service = open(db).await?;
    let system = service.system_actor().await.map_err(store_error)?;
    let cutoff = service.retention_cutoff(years);
    let progress = progress::Progress::new("anonimisasi", 0);
    let done = service
        .anonymise_removed(&system, cutoff, dry_run, &|n| progress.set(n))
        .await
        .map_err(store_error)?;
    progress.finish();
    println!(
        "{} {} orang yang keluar dari register sebelum {cutoff} ({years} tahun), di {} desa/kelurahan{}",
        if dry_run {
            "akan dianonimkan:"
        } else {
            "dianonimkan:"
        },
        done.persons,
        done.villages.len(),
        if dry_run {
            " (uji, tidak ada yang diubah)"
        } else {
            ""
        }
    );
    Ok(())
}

/// A server's daily retention turn (the first at start); a failed one is logged and tried at
/// the next.
fn schedule_retention(service: &Service, years: u32) -> Result<()> {
    if years == 0 {
        bail!("--removed-retention-years harus sedikitnya 1");
    }
    println!("anonimisasi orang yang keluar lebih dari {years} tahun lalu: setiap hari");
    let service = service.clone();
    tokio::spawn(async move {
        let mut turns = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
        loop {
            turns.tick().await;
            let run = async {
                let system = service.system_actor().await?;
                let cutoff = service.retention_cutoff(years);
                service
                    .anonymise_removed(&system, cutoff, false, &|_| {})
                    .await
            };
            match run.await {
                Ok(done) => tracing::info!(persons = done.persons, "retention run"),
                Err(e) => tracing::error!(error = %e.english(), "retention run failed"),
            }
        }
    });
    Ok(())
}
