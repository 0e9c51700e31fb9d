//! `siks match dedupe|link|generate`: the record-linkage engine on any CSV, independent of the
//! registry. The output has the header `id_l,id_r,score` and one row per compared candidate pair
//! (or only those scoring at least `--min-score`); the command prints the threshold it
//! recommends and the learnt model, in English or Indonesian by the user's locale, its warnings
//! on stderr, and with `--summary` all of it as JSON for scripts. `generate` writes a harder
//! test file with its ground truth.

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
        /// Also write the run as JSON: counts, threshold, learnt model, rules, timings, warnings.
        #[arg(long)]
        summary: Option<PathBuf>,
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
        #[arg(long)]
        summary: Option<PathBuf>,
    },
    /// A harder test file: person records with given name, surname, address columns, birth
    /// date and id, duplicates carrying one to nine modifications each; writes `records.csv`,
    /// `truth.csv` (`rec_id,person`) and `config.toml` into DIR.
    Generate {
        #[arg(long)]
        records: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        dir: PathBuf,
    },
}

/// Whether the user's locale is Indonesian (`LC_ALL`, then `LC_MESSAGES`, then `LANG`).
fn indonesian() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .is_some_and(|v| v.starts_with("id"))
}

/// What a run did, for the command's summary and the benchmark.
pub struct Summary {
    /// The rows read: of the one file deduplicated, or of the left and the right file linked.
    pub records: (usize, Option<usize>),
    pub compared: usize,
    pub written: u64,
    pub threshold: f64,
    pub above: usize,
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
        // Rounded down, so that "score >= the printed threshold" selects exactly the pairs
        // counted (scores are written with six decimals too).
        threshold: (outcome.threshold * 1e6).floor() / 1e6,
        above: outcome.above_threshold(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The run as JSON, for scripts: what `print` says and the learnt model, rules and timings.
fn summary_json(s: &Summary, outcome: &Outcome) -> serde_json::Value {
    use serde_json::json;
    let model = &outcome.model;
    let columns: Vec<serde_json::Value> = model
        .columns()
        .into_iter()
        .map(|c| {
            json!({
                "name": c.name,
                "kind": c.kind.key(),
                "residence": c.residence,
                "ignored": c.ignored,
                "levels": c.levels.iter().map(|(label, m, u, w)| json!({
                    "level": label, "m": m, "u": u, "weight": w,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let rules: Vec<serde_json::Value> = outcome
        .rules
        .iter()
        .zip(&model.sessions)
        .map(|(r, session)| {
            json!({
                "rule": r.rule,
                "training_only": r.training_only,
                "pairs": r.pairs,
                "new_pairs": r.new_pairs,
                "skipped_blocks": r.skipped_blocks,
                "skipped_pairs": r.skipped_pairs,
                "share_of_matches": session.share,
                "recall": session.recall,
                "pinned": session.pinned,
            })
        })
        .collect();
    let mut timings = serde_json::Map::new();
    for (step, secs) in &outcome.timings {
        timings.insert((*step).to_string(), json!(secs));
    }
    timings.insert("total".into(), json!(s.seconds));
    json!({
        "records": s.records.0,
        "records_right": s.records.1,
        "compared_pairs": s.compared,
        "written_rows": s.written,
        "threshold": s.threshold,
        "pairs_at_or_above_threshold": s.above,
        "model": {
            "probability_two_random_records_match": model.lambda,
            "random_pairs_for_u": model.u_pairs,
            "columns": columns,
            "residence_group": model.residence_group().map(|g| {
                (1..g.m.len()).map(|l| json!({
                    "agreeing": l - 1, "m": g.m[l], "u": g.u[l], "weight": (g.m[l] / g.u[l]).log2(),
                })).collect::<Vec<_>>()
            }),
        },
        "rules": rules,
        "seconds": timings,
        "warnings": outcome.warnings.iter().map(|w| json!({
            "english": w.english, "indonesian": w.indonesian,
        })).collect::<Vec<_>>(),
    })
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
    // Warnings come as soon as they are known, before the (long) writing.
    warn(&outcome);
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
) -> Result<(Summary, Outcome)> {
    let started = Instant::now();
    let l = read_table(left, config, false)?;
    let r = read_table(right, config, true)?;
    let outcome = siks_match::link(&l, &r, config);
    warn(&outcome);
    let written = write_out(&outcome, &l, &r, out, min_score, explain)?;
    let s = summary(&outcome, (l.len(), Some(r.len())), written, started);
    Ok((s, outcome))
}

fn warn(outcome: &Outcome) {
    let id = indonesian();
    for w in &outcome.warnings {
        if id {
            eprintln!("peringatan: {}", w.indonesian);
        } else {
            eprintln!("warning: {}", w.english);
        }
    }
}

fn print(s: &Summary, outcome: &Outcome, out: &Path) {
    // One file deduplicated reads its rows once; two files linked, each.
    let read = match s.records {
        (left, Some(right)) => format!("{left} + {right}"),
        (rows, None) => rows.to_string(),
    };
    if indonesian() {
        println!(
            "{read} baris dibaca; {} pasangan dibandingkan ({} baris ditulis ke {}); ambang yang disarankan {:.6}: {} pasangan di atasnya ({:.1} s)",
            s.compared,
            s.written,
            out.display(),
            s.threshold,
            s.above,
            s.seconds
        );
        println!(
            "Model yang dipelajari (m: seberapa sering pasangan yang cocok sama; u: seberapa sering orang asing sama; w: bobot dalam bit):"
        );
    } else {
        println!(
            "{read} records read; {} pairs compared ({} rows written to {}); recommended threshold {:.6}: {} pairs at or above it ({:.1} s)",
            s.compared,
            s.written,
            out.display(),
            s.threshold,
            s.above,
            s.seconds
        );
        println!(
            "Learnt model (m: how often matches agree; u: how often strangers do; w: weight in bits):"
        );
    }
    print!("{}", outcome.model.describe());
}

/// The run on standard output, and as JSON into `summary` when asked.
fn report(s: &Summary, outcome: &Outcome, out: &Path, summary: Option<&Path>) -> Result<()> {
    print(s, outcome, out);
    match summary {
        Some(path) => write_summary(path, s, outcome),
        None => Ok(()),
    }
}

fn write_summary(path: &Path, s: &Summary, outcome: &Outcome) -> Result<()> {
    let text = serde_json::to_string_pretty(&summary_json(s, outcome))?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("tidak dapat menulis {}", path.display()))
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
            summary,
        } => {
            let config = read_config(&config)?;
            let (s, outcome, table) = dedupe_file(&input, &config, &out, min_score, explain)?;
            report(&s, &outcome, &out, summary.as_deref())?;
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
            summary,
        } => {
            let config = read_config(&config)?;
            let (s, outcome) = link_files(&left, &right, &config, &out, min_score, explain)?;
            report(&s, &outcome, &out, summary.as_deref())
        }
        MatchAction::Generate { records, seed, dir } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("tidak dapat membuat {}", dir.display()))?;
            let create = |name: &str| {
                let path = dir.join(name);
                std::fs::File::create(&path)
                    .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
                    .with_context(|| format!("tidak dapat menulis {}", path.display()))
            };
            let (mut out, mut truth) = (create("records.csv")?, create("truth.csv")?);
            let persons = siks_synth::linkage::generate(records, seed, &mut out, &mut truth)?;
            std::fs::write(dir.join("config.toml"), siks_synth::linkage::CONFIG)?;
            if indonesian() {
                println!(
                    "{records} baris untuk {persons} orang ditulis ke {} (records.csv, truth.csv, config.toml)",
                    dir.display()
                );
            } else {
                println!(
                    "{records} records of {persons} persons written to {} (records.csv, truth.csv, config.toml)",
                    dir.display()
                );
            }
            Ok(())
        }
    }
}
