//! `siks match dedupe|link`: the record-linkage engine on any CSV, independent of the registry.
//! The output has the header `id_l,id_r,score` and one row per compared candidate pair (or only
//! those scoring at least `--min-score`); the command prints the threshold it recommends.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Subcommand;
use siks_match::{Config, Outcome, Table};

#[derive(Subcommand)]
pub enum MatchAction {
    /// The same person twice within one file.
    Dedupe {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Write only pairs scoring at least this (default: every compared pair).
        #[arg(long, default_value_t = 0.0)]
        min_score: f64,
        /// Add a `why` column: each compared column's agreement and weight.
        #[arg(long)]
        explain: bool,
        /// Also write `id,cluster`: records joined by pairs at or above the threshold.
        #[arg(long)]
        clusters: Option<PathBuf>,
    },
    /// The same person in two files.
    Link {
        #[arg(long)]
        left: PathBuf,
        #[arg(long)]
        right: PathBuf,
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 0.0)]
        min_score: f64,
        #[arg(long)]
        explain: bool,
    },
}

/// What a run did, for the command's summary and the benchmark.
pub struct Summary {
    /// The rows read: of the one file deduplicated, or of the left and the right file linked.
    pub records: (usize, Option<usize>),
    pub compared: usize,
    pub written: u64,
    pub threshold: f64,
    pub above: usize,
    pub skipped_blocks: usize,
    pub seconds: f64,
}

pub fn read_config(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("tidak dapat membaca konfigurasi {}", path.display()))?;
    Config::parse(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), both(&e)))
}

/// A matching error as the command shows it: Indonesian, then the English in brackets.
fn both(e: &siks_match::MatchError) -> String {
    format!("{} ({e})", e.indonesian())
}

fn read_table(path: &Path, config: &Config, right: bool) -> Result<Table> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("tidak dapat membuka {}", path.display()))?;
    let name = path.display().to_string();
    let input = std::io::BufReader::with_capacity(1 << 20, file);
    let table = if right {
        Table::from_csv_right(input, &name, config)
    } else {
        Table::from_csv(input, &name, config)
    };
    table.map_err(|e| anyhow::anyhow!(both(&e)))
}

fn write_out(
    outcome: &Outcome,
    left: &Table,
    right: &Table,
    out: &Path,
    min_score: f64,
    explain: bool,
) -> Result<u64> {
    let file = std::fs::File::create(out)
        .with_context(|| format!("tidak dapat menulis {}", out.display()))?;
    outcome
        .write_pairs(file, left, right, min_score, explain)
        .map_err(|e| anyhow::anyhow!(both(&e)))
}

fn summary(
    outcome: &Outcome,
    records: (usize, Option<usize>),
    written: u64,
    started: Instant,
) -> Summary {
    Summary {
        records,
        compared: outcome.pairs.len(),
        written,
        threshold: outcome.threshold,
        above: outcome
            .pairs
            .iter()
            .filter(|p| p.score >= outcome.threshold)
            .count(),
        skipped_blocks: outcome.skipped_blocks,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Reads, dedupes and writes: the whole command, timed.
pub fn dedupe_file(
    input: &Path,
    config: &Config,
    out: &Path,
    min_score: f64,
    explain: bool,
) -> Result<(Summary, Outcome, Table)> {
    let started = Instant::now();
    let table = read_table(input, config, false)?;
    let outcome = siks_match::dedupe(&table, config);
    let written = write_out(&outcome, &table, &table, out, min_score, explain)?;
    let s = summary(&outcome, (table.len(), None), written, started);
    Ok((s, outcome, table))
}

/// Reads both files, links and writes, timed.
pub fn link_files(
    left: &Path,
    right: &Path,
    config: &Config,
    out: &Path,
    min_score: f64,
    explain: bool,
) -> Result<Summary> {
    let started = Instant::now();
    let l = read_table(left, config, false)?;
    let r = read_table(right, config, true)?;
    let outcome = siks_match::link(&l, &r, config);
    let written = write_out(&outcome, &l, &r, out, min_score, explain)?;
    Ok(summary(
        &outcome,
        (l.len(), Some(r.len())),
        written,
        started,
    ))
}

fn print(s: &Summary, out: &Path) {
    // One file deduplicated reads its rows once; two files linked, each.
    let read = match s.records {
        (left, Some(right)) => format!("{left} + {right}"),
        (rows, None) => rows.to_string(),
    };
    println!(
        "{read} baris dibaca; {} pasangan dibandingkan ({} baris ditulis ke {}); ambang yang disarankan {:.6}: {} pasangan di atasnya",
        s.compared,
        s.written,
        out.display(),
        // Rounded down, so that "score >= the printed threshold" selects exactly the pairs
        // counted (scores are written with six decimals too).
        (s.threshold * 1e6).floor() / 1e6,
        s.above
    );
    if s.skipped_blocks > 0 {
        println!(
            "peringatan: {} blok terlalu besar (lebih dari 5.000 baris dengan nilai blocking sama) dilewati",
            s.skipped_blocks
        );
    }
    println!("({:.1} s)", s.seconds);
}

/// The process's peak resident memory in MiB (Linux), for the benchmark that runs this command.
pub(crate) fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn run(action: MatchAction) -> Result<()> {
    let result = run_action(action);
    if std::env::var_os("SIKS_REPORT_PEAK_MEMORY").is_some()
        && let Some(peak) = peak_memory_mib()
    {
        println!("peak memory MiB: {peak:.0}");
    }
    result
}

fn run_action(action: MatchAction) -> Result<()> {
    match action {
        MatchAction::Dedupe {
            input,
            config,
            out,
            min_score,
            explain,
            clusters,
        } => {
            let config = read_config(&config)?;
            let (s, outcome, table) = dedupe_file(&input, &config, &out, min_score, explain)?;
            print(&s, &out);
            if explain {
                print!("{}", outcome.model.describe());
            }
            if let Some(path) = clusters {
                let mut w = csv::Writer::from_path(&path)
                    .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
                w.write_record(["id", "cluster"])?;
                for (i, c) in outcome.clusters(table.len()).into_iter().enumerate() {
                    w.write_record([&table.ids[i], &table.ids[c as usize]])?;
                }
                w.flush()?;
            }
            Ok(())
        }
        MatchAction::Link {
            left,
            right,
            config,
            out,
            min_score,
            explain,
        } => {
            let config = read_config(&config)?;
            let s = link_files(&left, &right, &config, &out, min_score, explain)?;
            print(&s, &out);
            Ok(())
        }
    }
}
