//! Record linkage for siks and for any CSV: find the same person twice in one table (dedupe) or
//! across two (link). Names and dates are normalised for Indonesian registers (`normalise`);
//! blocking rules (crosswise too, each capped) keep the number of compared pairs near-linear; each
//! compared column gives a level of agreement; Fellegi–Sunter weights for those levels are learnt
//! without labels (`model`: u from truly random pairs, m by EM over each rule's pairs, the prior
//! from the rules' shares of matches), exact agreement is weighed by how common the value is;
//! pairs above a threshold are clustered into one person. Every score explains itself: which
//! columns agreed how, with what weight; every doubtful fit is a warning.
#![forbid(unsafe_code)]

mod blocking;
mod compare;
pub mod config;
mod model;
pub mod normalise;
mod table;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;

use blocking::{Keyed, Rule, rule_pairs};
use compare::{Comparator, level_count, levels, value_shares};
pub use config::{Config, Kind};
pub use model::{ColumnModel, Model, Session, Warning};
pub use table::Table;

/// Why a run cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("configuration, line {line}, column {column}: {reason}")]
    ConfigAt {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("{file}: no column '{column}' in the header")]
    MissingColumn { file: String, column: String },
    #[error("{file}, line {line}: {reason}")]
    Csv {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl MatchError {
    /// The same message in Indonesian, for the command line (`Display` is English).
    pub fn indonesian(&self) -> String {
        match self {
            MatchError::Config(why) => format!("konfigurasi: {why}"),
            MatchError::ConfigAt {
                line,
                column,
                reason,
            } => format!("konfigurasi, baris {line}, kolom {column}: {reason}"),
            MatchError::MissingColumn { file, column } => {
                format!("{file}: tidak ada kolom '{column}' di baris judul")
            }
            MatchError::Csv { file, line, reason } => format!("{file}, baris {line}: {reason}"),
            MatchError::Io(e) => format!("berkas tidak dapat dibaca atau ditulis: {e}"),
        }
    }
}

/// Pairs a rule may give per record before its biggest blocks are skipped (and at least
/// [`MIN_PAIR_CAP`]).
const PAIRS_PER_RECORD: u64 = 3;
const MIN_PAIR_CAP: u64 = 200_000;

/// The pairs of each rule EM learns from: a spread sample when a rule has more.
const SESSION_SAMPLE: usize = 400_000;

/// A pair of records compared: `left` and `right` index the tables (the same table in a dedupe).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub left: u32,
    pub right: u32,
    /// Match probability, 0 to 1.
    pub score: f64,
    pattern: u32,
    /// Bits added for how rare (or taken away for how common) the exactly agreeing values are.
    adjustment: f32,
}

/// What one blocking rule gave.
#[derive(Debug, Clone)]
pub struct RuleReport {
    pub rule: String,
    /// Only trains the model.
    pub training_only: bool,
    /// Its pairs (after the cap), and those no earlier rule had found.
    pub pairs: u64,
    pub new_pairs: u64,
    /// Blocks skipped for being too big, and the pairs in them.
    pub skipped_blocks: usize,
    pub skipped_pairs: u64,
}

/// What a run found.
pub struct Outcome {
    pub pairs: Vec<Scored>,
    pub model: Model,
    /// The threshold that maximises the expected F0.5 under the model (or the configured one).
    pub threshold: f64,
    /// Blocks skipped for being larger than the limit, over all rules.
    pub skipped_blocks: usize,
    pub rules: Vec<RuleReport>,
    /// Doubts about the fit, each naming its rule or column.
    pub warnings: Vec<Warning>,
    /// Seconds per step: blocking, u, EM, scoring.
    pub timings: Vec<(&'static str, f64)>,
}

impl Outcome {
    /// How many compared pairs score at or above the threshold.
    pub fn above_threshold(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.score >= self.threshold)
            .count()
    }

    /// Clusters of one person (dedupe): a cluster number per record, pairs at or above the
    /// threshold joined.
    pub fn clusters(&self, records: usize) -> Vec<u32> {
        let mut parent: Vec<u32> = (0..records as u32).collect();
        fn root(parent: &mut [u32], mut i: u32) -> u32 {
            while parent[i as usize] != i {
                parent[i as usize] = parent[parent[i as usize] as usize];
                i = parent[i as usize];
            }
            i
        }
        for p in self.pairs.iter().filter(|p| p.score >= self.threshold) {
            let (a, b) = (root(&mut parent, p.left), root(&mut parent, p.right));
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
        (0..records as u32).map(|i| root(&mut parent, i)).collect()
    }

    /// Writes `id_l,id_r,score` for every compared pair at or above `min_score`, with an
    /// explanation column when asked.
    pub fn write_pairs(
        &self,
        out: impl Write,
        left: &Table,
        right: &Table,
        min_score: f64,
        explain: bool,
    ) -> Result<u64, MatchError> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        out.write_all(if explain {
            b"id_l,id_r,score,why\n"
        } else {
            b"id_l,id_r,score\n"
        })?;
        let mut written = 0;
        for p in self.pairs.iter().filter(|p| p.score >= min_score) {
            write_cell(&mut out, &left.ids[p.left as usize])?;
            out.write_all(b",")?;
            write_cell(&mut out, &right.ids[p.right as usize])?;
            write!(out, ",{:.6}", p.score)?;
            if explain {
                out.write_all(b",")?;
                write_cell(&mut out, &self.model.explain(p))?;
            }
            out.write_all(b"\n")?;
            written += 1;
        }
        out.flush()?;
        Ok(written)
    }
}

fn write_cell(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    if text.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", text.replace('"', "\"\""))
    } else {
        out.write_all(text.as_bytes())
    }
}

/// How alike two people's names are, 0 to 1, after normalisation (titles dropped, spelling
/// variants unified, word order ignored): Jaro–Winkler on the sorted words. For checking that a
/// NIK found on a list belongs to the same person, where no model is needed.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (
        normalise::sorted_tokens(&normalise::name(a)),
        normalise::sorted_tokens(&normalise::name(b)),
    );
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::jaro_winkler(&a, &b)
}

/// The level of full agreement in a column of `kind` (0 is missing, 1 differs).
pub fn exact_level(kind: Kind) -> u8 {
    level_count(kind)
}

/// The same person twice within one table.
pub fn dedupe(table: &Table, config: &Config) -> Outcome {
    run(table, table, config, true)
}

/// The same person in `left` and `right`.
pub fn link(left: &Table, right: &Table, config: &Config) -> Outcome {
    run(left, right, config, false)
}

fn split(pair: u64) -> (usize, usize) {
    ((pair >> 32) as usize, pair as u32 as usize)
}

/// At most `limit` of `pairs`, spread evenly over them.
fn spread(pairs: &[u64], limit: usize) -> Vec<u64> {
    if pairs.len() <= limit {
        return pairs.to_vec();
    }
    let step = pairs.len() as f64 / limit as f64;
    (0..limit)
        .map(|i| pairs[(i as f64 * step) as usize])
        .collect()
}

fn run(left: &Table, right: &Table, config: &Config, same_table: bool) -> Outcome {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, f64)>| {
        timings.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    let cmp = Comparator::new(left, right, config);
    let kinds = cmp.kinds.clone();
    let columns = kinds.len();
    let residence: Vec<bool> = config.columns.iter().map(|c| c.residence).collect();
    let records = left.len().max(right.len()) as u64;
    let cap = (PAIRS_PER_RECORD * records).max(MIN_PAIR_CAP);
    let rules: Vec<Rule> = config
        .blocking_rules()
        .iter()
        .map(|r| Rule::new(r, config, false))
        .chain(
            config
                .training_rules()
                .iter()
                .map(|r| Rule::new(r, config, true)),
        )
        .collect();
    let mut warnings = Vec::new();

    // Candidate pairs, each once: a rule's pairs that no earlier rule compared.
    let mut all: Vec<u64> = Vec::new();
    let mut keyed: Vec<Keyed> = Vec::new();
    let mut samples: Vec<Vec<u64>> = Vec::new();
    let mut reports = Vec::new();
    for rule in &rules {
        let got = rule_pairs(
            rule,
            left,
            (!same_table).then_some(right),
            &kinds,
            cap,
            SESSION_SAMPLE,
        );
        let mut new_pairs = 0;
        if !rule.training_only {
            let earlier = &keyed;
            let fresh: Vec<u64> = got
                .pairs
                .par_iter()
                .copied()
                .filter(|p| {
                    let (a, b) = split(*p);
                    !earlier.iter().any(|k: &Keyed| k.compared(a, b))
                })
                .collect();
            new_pairs = fresh.len() as u64;
            all.extend(fresh);
        }
        if got.skipped_blocks > 0 {
            warnings.push(Warning::new(
                format!(
                    "rule {}: {} blocks too big to compare were skipped ({} pairs; the cap is {cap} pairs a rule and {} records a block)",
                    rule.text, got.skipped_blocks, got.skipped_pairs, blocking::MAX_BLOCK
                ),
                format!(
                    "aturan {}: {} blok terlalu besar dilewati ({} pasangan; batasnya {cap} pasangan per aturan dan {} baris per blok)",
                    rule.text, got.skipped_blocks, got.skipped_pairs, blocking::MAX_BLOCK
                ),
            ));
        }
        reports.push(RuleReport {
            rule: rule.text.clone(),
            training_only: rule.training_only,
            pairs: got.total,
            new_pairs,
            skipped_blocks: got.skipped_blocks,
            skipped_pairs: got.skipped_pairs,
        });
        samples.push(spread(&got.pairs, SESSION_SAMPLE));
        keyed.push(got.keyed);
    }
    all.par_sort_unstable();
    lap("blocking", &mut timings);

    // Two or more residence columns are weighed together.
    let grouped = residence.iter().filter(|r| **r).count() >= 2;
    let (u, group_u, u_pairs) = model::random_pair_u(&cmp, same_table, &residence, grouped);
    let level_counts: Vec<usize> = kinds.iter().map(|k| usize::from(level_count(*k))).collect();
    let mut model = Model {
        kinds: kinds.clone(),
        names: config.columns.iter().map(|c| c.name.clone()).collect(),
        residence: residence.clone(),
        m: model::starting_m(&level_counts),
        u,
        ignored: vec![false; columns],
        lambda: 0.0,
        group: group_u.map(|u| model::Group {
            m: model::starting_m(&[u.len() - 1]).remove(0),
            u,
        }),
        u_pairs,
        sessions: Vec::new(),
    };
    lap("u", &mut timings);

    // EM over each rule's pairs.
    let mut session_counts: Vec<HashMap<u32, u64>> = Vec::new();
    let mut session_patterns: Vec<Vec<u32>> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let patterns: Vec<u32> = samples[i]
            .par_iter()
            .map(|p| {
                let (a, b) = split(*p);
                cmp.pattern(a as u32, b as u32)
            })
            .collect();
        let mut counts: HashMap<u32, u64> = HashMap::new();
        for p in &patterns {
            *counts.entry(*p).or_default() += 1;
        }
        // A rule blocking on one residence column leaves them all out: they go together.
        let blocks_residence = (0..columns).any(|c| rule.blocked[c] && residence[c]);
        // EM first with the random pairs' u. A rule whose pairs are scored then learns its
        // strangers' u among its own pairs when they hold many strangers (the strangers it puts
        // together are not random pairs: people born on one day are of one age), or when the
        // random pairs' u does not fit them at all (the share of matches is pinned, or more
        // matches than records: NIKs one digit apart are people of one region, birth date and
        // sex). Where strangers are few
        // (a rule on a random id) the random pairs' u stands: strangers learnt there would be
        // the most modified matches. Learning u, a column the rule fixes only in part (a name's
        // sound, a date's year) learns how often matches agree on it given that part agrees.
        let active_for = |learn_u: bool| -> (Vec<bool>, Vec<bool>) {
            let partly: Vec<bool> = (0..columns)
                .map(|c| {
                    learn_u
                        && !(grouped && residence[c])
                        && rule.parts.iter().any(|part| part.fixes_part_of(c))
                        && !rule.parts.iter().any(|part| part.fixes_all_of(c))
                })
                .collect();
            let active = (0..columns)
                .map(|c| {
                    partly[c] || !(rule.blocked[c] || (grouped && blocks_residence && residence[c]))
                })
                .collect();
            (active, partly)
        };
        // More matching pairs than records: EM separated something else (a family, an age
        // group, people of one name and sex), not persons.
        let implausible = |share: f64| share * reports[i].pairs as f64 > records as f64;
        let unusable = |share: f64| model::pinned(share, reports[i].pairs) || implausible(share);
        let (mut active, mut partly) = active_for(false);
        let mut fit = model::em(&model, &counts, &active, false);
        if !rule.training_only && (fit.share < 0.5 || unusable(fit.share)) {
            let (learnt_active, learnt_partly) = active_for(true);
            let learnt = model::em(&model, &counts, &learnt_active, true);
            // Kept unless it is no better than the first fit at separating persons.
            if !unusable(learnt.share) || unusable(fit.share) {
                (active, partly, fit) = (learnt_active, learnt_partly, learnt);
            }
        }
        let share = fit.share;
        let learns = active.iter().any(|a| *a);
        let matches = share * reports[i].pairs as f64;
        let implausible = implausible(share);
        let pinned = !learns || unusable(share);
        if !learns {
            warnings.push(Warning::new(
                format!("rule {}: it blocks on every compared column, so its pairs teach nothing", rule.text),
                format!("aturan {}: semua kolom yang dibandingkan dipakai untuk blocking, jadi pasangannya tidak mengajarkan apa pun", rule.text),
            ));
        } else if implausible {
            warnings.push(Warning::new(
                format!(
                    "rule {}: EM took {matches:.0} of its pairs for matches, more than there are records, so it separated something other than persons; its estimates are not used",
                    rule.text
                ),
                format!(
                    "aturan {}: EM menganggap {matches:.0} pasangannya cocok, lebih banyak dari jumlah baris, jadi yang dipisahkan bukan orang; perkiraannya tidak dipakai",
                    rule.text
                ),
            ));
        } else if pinned {
            warnings.push(Warning::new(
                format!(
                    "rule {}: the share of matches among its pairs is pinned at {share:.6}, so EM separated nothing there; its estimates are not used",
                    rule.text
                ),
                format!(
                    "aturan {}: bagian pasangan yang cocok terkunci di {share:.6}, jadi EM tidak memisahkan apa pun di sana; perkiraannya tidak dipakai",
                    rule.text
                ),
            ));
        }
        model.sessions.push(Session {
            rule: rule.text.clone(),
            training_only: rule.training_only,
            pairs: reports[i].pairs,
            sampled: samples[i].len() as u64,
            share,
            recall: None,
            pinned,
            active,
            partly,
            m: fit.m,
            u: fit.u,
            group_m: fit.group_m,
            matches: fit.matches,
        });
        session_counts.push(counts);
        session_patterns.push(patterns);
    }

    // Each column's m: the mean over the rules that leave it free (and did not pin), each rule
    // weighed by the matches it learnt from.
    for c in 0..columns {
        let usable = |s: &&Session| s.active[c] && !s.pinned;
        let free: Vec<&Session> = model
            .sessions
            .iter()
            .filter(usable)
            .filter(|s| !s.partly[c])
            .collect();
        let given_part: Vec<&Session> = model
            .sessions
            .iter()
            .filter(usable)
            .filter(|s| s.partly[c])
            .collect();
        if free.is_empty() && !given_part.is_empty() {
            // Learnt only among pairs agreeing on its sound or year: how the matches spread
            // over its levels is learnt, how often a match differs altogether stays the guess.
            let weight: f64 = given_part.iter().map(|s| s.matches.max(1e-9)).sum();
            let guess = model.m[c][1];
            for l in 1..model.m[c].len() {
                let learnt = given_part
                    .iter()
                    .map(|s| s.m[c][l] * s.matches.max(1e-9))
                    .sum::<f64>()
                    / weight;
                model.m[c][l] = (1.0 - guess) * learnt + if l == 1 { guess } else { 0.0 };
            }
            warnings.push(Warning::new(
                format!(
                    "column {}: learnt only among pairs that agree on part of it (its sound or year), so how often a match's {} differs altogether is partly a guess ({:.1} % taken to differ so; add a rule without it)",
                    model.names[c], model.names[c], guess * 100.0
                ),
                format!(
                    "kolom {}: dipelajari hanya dari pasangan yang sama pada sebagiannya (bunyi atau tahunnya), jadi seberapa sering pasangan yang cocok berbeda sama sekali di {} sebagian tebakan ({:.1} % dianggap berbeda sama sekali; tambahkan aturan tanpa kolom itu)",
                    model.names[c], model.names[c], guess * 100.0
                ),
            ));
            continue;
        }
        let from = free;
        if from.is_empty() {
            warnings.push(Warning::new(
                format!(
                    "column {}: no usable rule leaves it free, so its m is a guess (90 % exact; add a rule without it)",
                    model.names[c]
                ),
                format!(
                    "kolom {}: tidak ada aturan yang dapat dipakai tanpa kolom ini, jadi m-nya tebakan (90 % sama persis; tambahkan aturan tanpa kolom itu)",
                    model.names[c]
                ),
            ));
            continue;
        }
        let weight: f64 = from.iter().map(|s| s.matches.max(1e-9)).sum();
        for l in 1..model.m[c].len() {
            model.m[c][l] = from
                .iter()
                .map(|s| s.m[c][l] * s.matches.max(1e-9))
                .sum::<f64>()
                / weight;
        }
    }
    let group_fits: Vec<(&Vec<f64>, f64)> = model
        .sessions
        .iter()
        .filter(|s| !s.pinned)
        .filter_map(|s| s.group_m.as_ref().map(|m| (m, s.matches.max(1e-9))))
        .collect();
    if let Some(group) = model.group.as_mut() {
        let weight: f64 = group_fits.iter().map(|(_, w)| w).sum();
        if group_fits.is_empty() {
            warnings.push(Warning::new(
                "the residence columns are blocked on by every rule, so how often matches agree on them is a guess".into(),
                "kolom tempat tinggal dipakai untuk blocking oleh semua aturan, jadi seberapa sering pasangan yang cocok sama di sana adalah tebakan".into(),
            ));
        } else {
            for l in 1..group.m.len() {
                group.m[l] = group_fits.iter().map(|(m, w)| m[l] * w).sum::<f64>() / weight;
            }
        }
    }
    // Guard: exact agreement no more common among matches than among strangers.
    for c in (0..columns).filter(|c| !(grouped && residence[*c])) {
        let exact = usize::from(level_count(kinds[c]));
        if model.m[c][exact] <= model.u[c][exact] {
            model.ignored[c] = true;
            warnings.push(Warning::new(
                format!(
                    "column {}: matches agree on it no more often than strangers do (m {:.4}, u {:.4}), so it is left out of the score",
                    model.names[c], model.m[c][exact], model.u[c][exact]
                ),
                format!(
                    "kolom {}: pasangan yang cocok tidak lebih sering sama di kolom ini daripada orang asing (m {:.4}, u {:.4}), jadi kolom ini tidak dihitung",
                    model.names[c], model.m[c][exact], model.u[c][exact]
                ),
            ));
        }
    }

    // The prior: each prediction rule's matches (its share of its pairs) over the share of all
    // matches it finds, measured on another rule's likely matches.
    let total_pairs = if same_table {
        let n = left.len() as f64;
        n * (n - 1.0) / 2.0
    } else {
        left.len() as f64 * right.len() as f64
    };
    let mut estimates = Vec::new();
    for r in 0..rules.len() {
        if rules[r].training_only || model.sessions[r].pinned {
            continue;
        }
        let witness = (0..rules.len())
            .filter(|s| *s != r && !model.sessions[*s].pinned && !samples[*s].is_empty())
            .min_by_key(|s| {
                let overlap = (0..columns)
                    .filter(|c| rules[*s].blocked[*c] && rules[r].blocked[*c])
                    .count();
                (overlap, std::cmp::Reverse(samples[*s].len()))
            });
        let Some(s) = witness else { continue };
        let posterior = model.session_posterior(s, &session_counts[s]);
        let (found, matches) = samples[s]
            .par_iter()
            .zip(session_patterns[s].par_iter())
            .map(|(pair, pattern)| {
                let (a, b) = split(*pair);
                let p = posterior[pattern];
                (if keyed[r].compared(a, b) { p } else { 0.0 }, p)
            })
            .reduce(|| (0.0, 0.0), |x, y| (x.0 + y.0, x.1 + y.1));
        if matches < 1.0 {
            continue;
        }
        let recall = found / matches;
        model.sessions[r].recall = Some(recall);
        // A rule that finds almost none of the matches says little about how many there are.
        if recall < 0.02 {
            continue;
        }
        estimates.push(model.sessions[r].share * model.sessions[r].pairs as f64 / recall);
    }
    estimates.sort_by(f64::total_cmp);
    let matches = if estimates.is_empty() {
        // No rule could be measured against another: take each usable rule's matches as all
        // there are (and say so).
        let found: Vec<f64> = model
            .sessions
            .iter()
            .filter(|s| !s.training_only && !s.pinned)
            .map(|s| s.share * s.pairs as f64)
            .collect();
        warnings.push(Warning::new(
            "no blocking rule could be measured against another, so the chance that two records are one person assumes the rules find every match".into(),
            "tidak ada aturan blocking yang dapat diukur terhadap aturan lain, jadi peluang dua baris adalah satu orang menganggap aturan menemukan semua pasangan".into(),
        ));
        found.iter().copied().fold(0.0, f64::max).max(1.0)
    } else {
        estimates[estimates.len() / 2]
    };
    model.lambda = (matches / total_pairs.max(1.0)).clamp(1e-15, 0.5);
    // How often random pairs agree exactly on each column, matches included: the scale a
    // value's share is measured against in the term-frequency adjustment below.
    let exact: Vec<u8> = kinds.iter().map(|k| level_count(*k)).collect();
    let exact_u: Vec<f64> = (0..columns)
        .map(|c| model.u[c][usize::from(exact[c])])
        .collect();
    model.remove_matches_from_u();
    exact_id_u_from_its_rule(&mut model, &rules, &session_counts, total_pairs);
    lap("em", &mut timings);

    // Scoring: the model's weights, the prior, and how common each exactly agreeing value is.
    let shares = value_shares(right, same_table);
    let patterns: Vec<u32> = all
        .par_iter()
        .map(|&pair| {
            let (a, b) = split(pair);
            cmp.pattern(a as u32, b as u32)
        })
        .collect();
    let weights = model.weights();
    let mut log_odds: HashMap<u32, f64> = HashMap::new();
    for p in &patterns {
        log_odds
            .entry(*p)
            .or_insert_with(|| weights.log_odds(&levels(&kinds, *p)));
    }
    let radices: Vec<u32> = kinds.iter().map(|k| compare::radix(*k)).collect();
    let pairs: Vec<Scored> = all
        .par_iter()
        .zip(patterns.par_iter())
        .map(|(&pair, &pattern)| {
            let (a, b) = split(pair);
            let mut adjustment = 0.0;
            let mut rest = pattern;
            for c in 0..columns {
                let level = (rest % radices[c]) as u8;
                rest /= radices[c];
                if level == exact[c]
                    && !model.ignored[c]
                    && let Some(share) = shares[c][b]
                {
                    adjustment += (exact_u[c] / f64::from(share)).log2();
                }
            }
            Scored {
                left: a as u32,
                right: b as u32,
                score: 1.0 / (1.0 + (-(log_odds[&pattern] + adjustment)).exp2()),
                pattern,
                adjustment: adjustment as f32,
            }
        })
        .collect();
    let threshold = config.threshold.unwrap_or_else(|| best_threshold(&pairs));
    lap("scoring", &mut timings);

    let above = pairs.iter().filter(|p| p.score >= threshold).count();
    let records = if same_table {
        left.len()
    } else {
        left.len().min(right.len())
    };
    if above > records.max(1) {
        warnings.push(Warning::new(
            format!("the model accepts {above} pairs among {records} records, more than one per record: look at the columns and rules"),
            format!("model menerima {above} pasangan di antara {records} baris, lebih dari satu per baris: periksa kolom dan aturannya"),
        ));
    } else if pairs.len() >= 100 && above * 10 >= pairs.len() * 9 {
        warnings.push(Warning::new(
            format!("the model accepts {above} of {} compared pairs: nearly every pair, which the columns cannot tell apart", pairs.len()),
            format!("model menerima {above} dari {} pasangan yang dibandingkan: hampir semuanya, yang tidak dapat dibedakan oleh kolomnya", pairs.len()),
        ));
    }
    Outcome {
        skipped_blocks: reports.iter().map(|r| r.skipped_blocks).sum(),
        pairs,
        model,
        threshold,
        rules: reports,
        warnings,
        timings,
    }
}

/// How much more precision weighs than recall in the recommended threshold (F-beta's beta):
/// a false match removes someone's aid or merges two people, a missed one is found at the next
/// run or in the field. With F1 a pattern the model rates at 0.74 was taken in, and on the
/// generated province only 41 % of its pairs were true (ADR 0008).
const F_BETA: f64 = 0.5;

/// The score that maximises the expected F-beta ([`F_BETA`]) when pairs at or above it are
/// taken as matches.
fn best_threshold(pairs: &[Scored]) -> f64 {
    let mut scores: Vec<f64> = pairs.iter().map(|p| p.score).collect();
    scores.par_sort_unstable_by(|a, b| b.total_cmp(a));
    let positives: f64 = scores.iter().sum();
    let (mut tp, mut taken) = (0.0, 0.0);
    let beta2 = F_BETA * F_BETA;
    let (mut best, mut best_f) = (0.5, -1.0);
    let mut i = 0;
    while i < scores.len() {
        // Pairs with the same score are taken or left together.
        let p = scores[i];
        while i < scores.len() && scores[i] == p {
            tp += p;
            taken += 1.0;
            i += 1;
        }
        // (1 + b²)·tp / ((1 + b²)·tp + b²·fn + fp), with fn = positives − tp, fp = taken − tp.
        let f = (1.0 + beta2) * tp / (beta2 * positives + taken);
        if f > best_f {
            best_f = f;
            best = p;
        }
    }
    best
}

/// A per-person id's u for agreeing exactly (and, for a rule within a slip, for one character
/// apart), counted on the rule that blocks on the id alone: that rule holds every pair agreeing
/// so, and its EM, which leaves the id out, says how many of them are strangers. The random
/// pairs cannot see below one in the pairs they counted (about 21 bits at two million), while a
/// million records hold half a million million pairs. At least one stranger pair is assumed.
/// (A short id's near rule misses two ids transposed across the edge of a third: so few that
/// the count is kept for them too.)
fn exact_id_u_from_its_rule(
    model: &mut Model,
    rules: &[Rule],
    session_counts: &[HashMap<u32, u64>],
    total_pairs: f64,
) {
    let exact = level_count(Kind::ExactId);
    for (r, rule) in rules.iter().enumerate() {
        let session = &model.sessions[r];
        let (c, covered): (usize, &[u8]) = match rule.parts.as_slice() {
            [blocking::Part::Whole(c)] => (*c, &[exact]),
            [blocking::Part::Near(c)] => (*c, &[exact - 1, exact]),
            _ => continue,
        };
        if model.kinds[c] != Kind::ExactId || session.pinned || session.sampled == 0 {
            continue;
        }
        let posterior = model.session_posterior(r, &session_counts[r]);
        let scale = session.pairs as f64 / session.sampled as f64;
        for level in covered {
            let strangers: f64 = session_counts[r]
                .iter()
                .filter(|(p, _)| model.levels(**p)[c] == *level)
                .map(|(p, n)| *n as f64 * (1.0 - posterior[p]))
                .sum();
            model.u[c][usize::from(*level)] = (strangers * scale).max(1.0) / total_pairs.max(1.0);
        }
        let u = &mut model.u[c];
        let total: f64 = u[1..].iter().sum();
        for v in u.iter_mut().skip(1) {
            *v /= total;
        }
    }
}
