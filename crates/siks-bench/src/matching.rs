//! `siks-bench match`: the record-linkage engine on a generated province, run as the command a
//! user would run (`siks match …` in a child process, timed from outside, with its peak memory),
//! and scored against the generator's ground truth of duplicate persons.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use crate::population;

/// How persons are compared for duplicates: no NIK (a duplicate has a fresh one), and the
/// person's other recorded attributes besides name and birth. Shared with the Splink script.
pub const PERSONS_CONFIG: &str = siks_service::checks::SAME_PERSON;

/// The register against a civil-registry list: NIK where it agrees, else name and birth.
const LINK_CONFIG: &str = r#"id = "id"
id_right = "nik"
[[column]]
name = "nik"
kind = "exact_id"
[[column]]
name = "full_name"
kind = "person_name"
[[column]]
name = "birth_date"
kind = "date"
[[column]]
name = "sex"
kind = "categorical"
"#;

/// Runs `siks <args>` as a child, returning its output, the wall time and its peak memory.
fn child(args: &[&str]) -> Result<(String, f64, f64)> {
    let started = Instant::now();
    let out = crate::siks_command()?
        .args(args)
        .env("SIKS_REPORT_PEAK_MEMORY", "1")
        .output()?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "siks {} failed: {stdout}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let peak = stdout
        .lines()
        .find_map(|l| l.strip_prefix("peak memory MiB: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    Ok((stdout, secs, peak))
}

fn threshold_of(output: &str) -> Result<f64> {
    output
        .split("ambang yang disarankan ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| anyhow!("no threshold in: {output}"))
}

/// The number of pairs at or above the recommended threshold, as the command printed it.
fn above_of(output: &str) -> Result<u64> {
    output
        .split(" pasangan di atasnya")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| anyhow!("no count of pairs above the threshold in: {output}"))
}

fn unordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Pairwise precision and recall of the pairs at or above `threshold` against the truth.
fn accuracy(
    pairs: &Path,
    truth: &HashSet<(String, String)>,
    threshold: f64,
) -> Result<(f64, f64, u64)> {
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(pairs)?);
    let (mut predicted, mut hit) = (0u64, 0u64);
    for line in reader.lines().skip(1) {
        let line = line?;
        let mut cells = line.split(',');
        let (Some(l), Some(r), Some(score)) = (cells.next(), cells.next(), cells.next()) else {
            continue;
        };
        if score.parse::<f64>().unwrap_or(0.0) >= threshold {
            predicted += 1;
            if truth.contains(&unordered(l, r)) {
                hit += 1;
            }
        }
    }
    let precision = if predicted == 0 {
        0.0
    } else {
        hit as f64 / predicted as f64
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        hit as f64 / truth.len() as f64
    };
    Ok((precision, recall, predicted))
}

pub fn run(households: usize, list_rows: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let summary = population(households, &data)?;
    let persons = data.join("persons.csv");
    let config = dir.path().join("persons.toml");
    std::fs::write(&config, PERSONS_CONFIG)?;
    let mut truth = HashSet::new();
    let mut reader = csv::Reader::from_path(data.join("ground_truth.csv"))?;
    for row in reader.records() {
        let row = row?;
        if &row[0] == "duplicate_person" {
            truth.insert(unordered(&row[2], &row[3]));
        }
    }
    println!(
        "bench match: {} persons in {} households; {} duplicate persons under another NIK in the ground truth",
        summary.persons,
        summary.households,
        truth.len()
    );

    let pairs = dir.path().join("pairs.csv");
    let (out, secs, peak) = child(&[
        "match",
        "dedupe",
        "--input",
        &persons.display().to_string(),
        "--config",
        &config.display().to_string(),
        "--out",
        &pairs.display().to_string(),
    ])?;
    let threshold = threshold_of(&out)?;
    let (precision, recall, predicted) = accuracy(&pairs, &truth, threshold)?;
    // Scored exactly as the command counted: a rounded threshold once dropped a whole pattern
    // of pairs sitting at it from the score (and made the precision look better than it was).
    let above = above_of(&out)?;
    if above != predicted {
        bail!("the printed threshold selects {predicted} pairs, the command counted {above}");
    }
    for t in [0.9, 0.99, 0.999] {
        let (p, r, n) = accuracy(&pairs, &truth, t)?;
        println!("  (at threshold {t}: {n} pairs, precision {p:.4}, recall {r:.4})");
    }
    let compared = out
        .split("; ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .unwrap_or("?");
    println!(
        "  dedupe: {secs:.1} s, peak {peak:.0} MiB (goals: 1,000,000 persons under 15 s and 2048 MiB); {compared} pairs compared and written; \
         threshold {threshold:.4}: {predicted} pairs, precision {precision:.4}, recall {recall:.4} (goals: >= 0.98, >= 0.95)"
    );

    // A list of `list_rows` people from the civil registry, linked to the register.
    let list = dir.path().join("list.csv");
    {
        let source = std::io::BufReader::new(
            std::fs::File::open(data.join("civil_registry.csv")).context("civil_registry.csv")?,
        );
        let mut w = std::io::BufWriter::new(std::fs::File::create(&list)?);
        for line in source.lines().take(list_rows + 1) {
            writeln!(w, "{}", line?)?;
        }
        w.flush()?;
    }
    let link_config = dir.path().join("link.toml");
    std::fs::write(&link_config, LINK_CONFIG)?;
    let linked = dir.path().join("linked.csv");
    let (out, secs, peak) = child(&[
        "match",
        "link",
        "--left",
        &persons.display().to_string(),
        "--right",
        &list.display().to_string(),
        "--config",
        &link_config.display().to_string(),
        "--out",
        &linked.display().to_string(),
    ])?;
    let threshold = threshold_of(&out)?;
    let mut matched_right = HashSet::new();
    let reader = std::io::BufReader::new(std::fs::File::open(&linked)?);
    for line in reader.lines().skip(1) {
        let line = line?;
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() >= 3 && cells[2].parse::<f64>().unwrap_or(0.0) >= threshold {
            matched_right.insert(cells[1].to_string());
        }
    }
    println!(
        "  link: register of {} persons against {list_rows} civil-registry rows in {secs:.1} s, peak {peak:.0} MiB (goal: under 10 s); \
         {} list rows matched at threshold {threshold:.4}",
        summary.persons,
        matched_right.len()
    );
    Ok(())
}
