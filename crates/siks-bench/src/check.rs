//! `siks-bench check`: the full verivali run on a generated province in SQLite. It imports about
//! 1,000,000 persons and the generator's outside lists (death register, civil servants and the
//! civil-registry extract, typed with missing and wrong NIKs and misspelt names), runs every
//! check, scores the findings against the generator's ground truth, and prints the time beside a
//! raw scan of the same rows from the same run.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use siks_domain::Nik;
use siks_domain::checks::{FindingKind, FindingStatus};
use siks_domain::lists::{ListKind, read_list};

use crate::{err, fresh, population};

/// Precision and recall of `found` against `truth`.
fn score(found: &HashSet<String>, truth: &HashSet<String>) -> (f64, f64, usize) {
    let hit = found.intersection(truth).count();
    (
        hit as f64 / found.len().max(1) as f64,
        hit as f64 / truth.len().max(1) as f64,
        hit,
    )
}

pub async fn run(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let summary = population(households, &data)?;
    let url = format!("sqlite://{}", dir.path().join("check.db").display());
    let store = fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;
    let actor = store.system_actor().await.map_err(err)?;
    println!(
        "bench check (SQLite): {} households, {} persons; lists: {} deaths, {} civil servants, {} civil-registry rows",
        summary.households,
        summary.persons,
        summary.deaths_listed,
        summary.civil_servants_listed,
        summary.civil_registry_rows
    );
    let truth = ground_truth(&data)?;
    let import = async |kind: ListKind, source: &str, file: &str| -> Result<()> {
        let started = Instant::now();
        let rows = read_list(
            kind,
            std::io::BufReader::new(std::fs::File::open(data.join(file))?),
        )
        .map_err(|e| anyhow!("{file}: {}", e[0]))?;
        let n = rows.len();
        store
            .import_list(&actor, kind, source, file, rows)
            .await
            .map_err(err)?;
        println!(
            "  import {file}: {n} rows in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    // First the lists typed by other offices alone: deaths and civil servants must be found
    // without the civil registry's help (8 % of their rows lack the NIK, 4 % mistype it).
    import(
        ListKind::Deaths,
        "Dukcapil",
        siks_synth::DEATH_REGISTER_FILE,
    )
    .await?;
    import(
        ListKind::CivilServants,
        "BKN",
        siks_synth::CIVIL_SERVANTS_FILE,
    )
    .await?;
    let started = Instant::now();
    siks_service::Service::new(store.clone())
        .run_checks(&actor, None, today)
        .await
        .map_err(err)?;
    println!(
        "  check run with the death register and civil servants: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut ok = score_kinds(
        &store,
        &truth,
        &[
            (FindingKind::Deceased, "deceased_listed", 0.99, 0.99),
            (FindingKind::CivilServant, "civil_servant", 0.99, 0.99),
        ],
    )
    .await?;
    import(
        ListKind::CivilRegistry,
        "Dukcapil",
        siks_synth::CIVIL_REGISTRY_FILE,
    )
    .await?;

    let started = Instant::now();
    let raw = store.baseline_scan().await.map_err(err)?;
    let raw_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let report = siks_service::Service::new(store.clone())
        .run_checks(&actor, None, today)
        .await
        .map_err(err)?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  full check run: {} households, {} persons in {secs:.1} s (goal: 1,000,000 persons under 120 s); raw scan of the same {raw} rows {raw_secs:.1} s; ratio {:.1}",
        report.households,
        report.persons,
        secs / raw_secs.max(0.001)
    );
    if let Some((padan, not)) = report.padan {
        println!("  padan Dukcapil: {padan} people, not padan: {not}");
    }

    ok &= score_kinds(
        &store,
        &truth,
        &[
            (FindingKind::MalformedNik, "invalid_nik", 1.0, 1.0),
            (FindingKind::DuplicatePerson, "duplicate_person", 0.98, 0.95),
            (FindingKind::Deceased, "deceased_listed", 0.99, 0.99),
            (FindingKind::CivilServant, "civil_servant", 0.99, 0.99),
        ],
    )
    .await?;
    // No valid NIK may be called malformed.
    let actor = store.system_actor().await.map_err(err)?;
    let flagged = store
        .findings(
            &actor,
            None,
            Some(FindingKind::MalformedNik),
            Some(FindingStatus::Open),
            5000,
        )
        .await
        .map_err(err)?;
    let mut valid_flagged = 0;
    for f in &flagged {
        let Some(id) = f.person else {
            continue;
        };
        let person = store
            .person(&actor, id)
            .await
            .map_err(err)?
            .ok_or_else(|| anyhow!("a finding names a person the register does not have"))?;
        if Nik::parse(&person.record.nik.raw()).is_ok() {
            valid_flagged += 1;
        }
    }
    println!("  valid NIKs flagged malformed: {valid_flagged} (goal: 0)");
    if !ok || valid_flagged > 0 {
        bail!("bench check: an accuracy goal was not met");
    }
    Ok(())
}

/// The generator's ground truth, by defect: person ids, or `a|b` pairs for duplicates.
fn ground_truth(data: &std::path::Path) -> Result<HashMap<String, HashSet<String>>> {
    let mut truth: HashMap<String, HashSet<String>> = HashMap::new();
    let mut reader = csv::Reader::from_path(data.join(siks_synth::GROUND_TRUTH_FILE))?;
    for row in reader.records() {
        let row = row?;
        let (defect, person, other) = (&row[0], &row[2], &row[3]);
        let key = if defect == "duplicate_person" {
            pair(person, other)
        } else {
            person.to_string()
        };
        truth.entry(defect.to_string()).or_default().insert(key);
    }
    Ok(truth)
}

/// Prints precision and recall of the open findings of each kind; whether all goals were met.
async fn score_kinds(
    store: &siks_store::Store,
    truth: &HashMap<String, HashSet<String>>,
    kinds: &[(FindingKind, &str, f64, f64)],
) -> Result<bool> {
    let actor = store.system_actor().await.map_err(err)?;
    let mut ok = true;
    for &(kind, defect, goal_p, goal_r) in kinds {
        const LIMIT: u32 = 5000;
        let findings = store
            .findings(&actor, None, Some(kind), Some(FindingStatus::Open), LIMIT)
            .await
            .map_err(err)?;
        if findings.len() == LIMIT as usize {
            bail!(
                "{} findings reach the read limit: score with fewer households",
                kind.label_en()
            );
        }
        let found: HashSet<String> = findings
            .iter()
            .map(|f| {
                let person = f.person.map(|p| p.to_string()).unwrap_or_default();
                match (&f.other_person, kind) {
                    (Some(other), FindingKind::DuplicatePerson) => {
                        pair(&person, &other.to_string())
                    }
                    _ => person,
                }
            })
            .collect();
        let empty = HashSet::new();
        let (p, r, hit) = score(&found, truth.get(defect).unwrap_or(&empty));
        let met = p >= goal_p && r >= goal_r;
        ok &= met;
        println!(
            "  {:<36} found {:>5}, true {:>5}, injected {:>5}: precision {p:.4} recall {r:.4} (goal: precision >= {goal_p}, recall >= {goal_r}){}",
            kind.label_en(),
            found.len(),
            hit,
            truth.get(defect).map(HashSet::len).unwrap_or(0),
            if met { "" } else { "  NOT MET" }
        );
    }
    Ok(ok)
}

fn pair(a: &str, b: &str) -> String {
    if a < b {
        format!("{a}|{b}")
    } else {
        format!("{b}|{a}")
    }
}
