//! Record linkage for siks and for any CSV: find the same person twice in one table (dedupe) or
//! across two (link). Names and dates are normalised for Indonesian registers (`normalise`);
//! blocking rules keep the number of compared pairs near-linear; each compared column gives a
//! level of agreement; Fellegi–Sunter weights for those levels are learnt without labels (u from
//! random pairs, m and the share of matches by EM); pairs above a threshold are clustered into
//! one person. Every score explains itself: which columns agreed how, with what weight.
#![forbid(unsafe_code)]

pub mod config;
pub mod normalise;
mod table;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;

use rayon::prelude::*;

pub use config::{Config, Kind};
pub use table::Table;
use table::Values;

/// Why a run cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("configuration: {0}")]
    Config(String),
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

/// The mean group size (as a record sees it) below which u is sampled with fewer conditions.
const MIN_SAMPLING_GROUP: f64 = 4.0;

impl MatchError {
    /// The same message in Indonesian, for the command line (`Display` is English).
    pub fn indonesian(&self) -> String {
        match self {
            MatchError::Config(why) => format!("konfigurasi: {why}"),
            MatchError::MissingColumn { file, column } => {
                format!("{file}: tidak ada kolom '{column}' di baris judul")
            }
            MatchError::Csv { file, line, reason } => format!("{file}, baris {line}: {reason}"),
            MatchError::Io(e) => format!("berkas tidak dapat dibaca atau ditulis: {e}"),
        }
    }
}

/// The weight, in pairs, of the starting m when EM re-estimates it.
const PRIOR_PAIRS: f64 = 2.0;

/// The largest block compared in full: a bigger one (a blocking value shared by thousands, such
/// as an empty-looking placeholder) is skipped and counted.
const MAX_BLOCK: usize = 5_000;

/// Levels of agreement: 0 is "missing" (no evidence either way); 1 is disagreement; higher is
/// closer agreement.
/// The level of full agreement in a column of `kind` (0 is missing, 1 differs).
pub fn exact_level(kind: Kind) -> u8 {
    level_count(kind)
}

fn level_count(kind: Kind) -> u8 {
    match kind {
        Kind::PersonName | Kind::GivenName | Kind::Surname | Kind::Date => 4,
        Kind::AddressText | Kind::Code => 3,
        Kind::ExactId | Kind::Categorical => 2,
    }
}

fn level_label(kind: Kind, level: u8) -> &'static str {
    match (kind, level) {
        (_, 0) => "missing",
        (_, 1) => "differ",
        (Kind::PersonName | Kind::GivenName | Kind::Surname, 2) => "similar",
        (Kind::PersonName | Kind::GivenName | Kind::Surname, 3) => "close",
        (Kind::Date, 2) => "same year",
        (Kind::Date, 3) => "near (swapped or one digit)",
        (Kind::AddressText, 2) => "similar",
        (Kind::Code, 2) => "same prefix",
        _ => "exact",
    }
}

/// A pair of records compared: `left` and `right` index the tables (the same table in a dedupe).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub left: u32,
    pub right: u32,
    /// Match probability, 0 to 1.
    pub score: f64,
    pattern: u32,
}

/// The learnt model: per column and level, m (how often matches show it), u (how often
/// non-matches do), and the share of matches among compared pairs.
#[derive(Debug, Clone)]
pub struct Model {
    kinds: Vec<Kind>,
    names: Vec<String>,
    /// Columns the training pairs always agree on (the first blocking rule's whole columns):
    /// their m is a prior, and they count relative to full agreement.
    fixed: Vec<bool>,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub lambda: f64,
}

impl Model {
    /// The weight of `level` in `column`: log2 m/u, positive for evidence of a match. For a
    /// column of the first blocking rule it is relative to full agreement (which every training
    /// pair has, so it is already in the share of matches).
    pub fn weight(&self, column: usize, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let raw = |l: usize| (self.m[column][l] / self.u[column][l]).log2();
        if self.fixed[column] {
            raw(level as usize) - raw(self.m[column].len() - 1)
        } else {
            raw(level as usize)
        }
    }

    /// How a pair compared, column by column: (column name, kind, level), where level 0 is
    /// missing, 1 differs and the highest is exact agreement; the levels between are the kind's
    /// near agreements (a similar name, a date one digit apart).
    pub fn agreement(&self, pair: &Scored) -> Vec<(&str, Kind, u8)> {
        self.levels(pair.pattern)
            .into_iter()
            .enumerate()
            .map(|(c, level)| (self.names[c].as_str(), self.kinds[c], level))
            .collect()
    }

    fn levels(&self, pattern: u32) -> Vec<u8> {
        let mut p = pattern;
        let mut out = Vec::with_capacity(self.kinds.len());
        for kind in &self.kinds {
            let radix = u32::from(level_count(*kind)) + 1;
            out.push((p % radix) as u8);
            p /= radix;
        }
        out
    }

    fn probability(&self, pattern: u32) -> f64 {
        let mut log_odds = (self.lambda / (1.0 - self.lambda)).log2();
        for (c, level) in self.levels(pattern).into_iter().enumerate() {
            log_odds += self.weight(c, level);
        }
        1.0 / (1.0 + (-log_odds).exp2())
    }

    /// The learnt model in words: the share of matches among the first rule's pairs, and per
    /// column and level m, u and the weight.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "share of matches among the first rule's pairs: {:.6}\n",
            self.lambda
        );
        for (c, name) in self.names.iter().enumerate() {
            out.push_str(&format!(
                "{name}{}:",
                if self.fixed[c] { " (blocked on)" } else { "" }
            ));
            for l in 1..self.m[c].len() {
                out.push_str(&format!(
                    " {} m={:.4} u={:.4} w={:+.1};",
                    level_label(self.kinds[c], l as u8),
                    self.m[c][l],
                    self.u[c][l],
                    self.weight(c, l as u8)
                ));
            }
            out.push('\n');
        }
        out
    }

    /// Why a pair scored what it did: each column with its level and weight.
    pub fn explain(&self, pair: &Scored) -> String {
        self.levels(pair.pattern)
            .into_iter()
            .enumerate()
            .map(|(c, level)| {
                format!(
                    "{}={} ({:+.1})",
                    self.names[c],
                    level_label(self.kinds[c], level),
                    self.weight(c, level)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What a run found.
pub struct Outcome {
    pub pairs: Vec<Scored>,
    pub model: Model,
    /// The threshold that maximises the expected F0.5 under the model (or the configured one).
    pub threshold: f64,
    /// Blocks skipped for being larger than the limit, and the records in them.
    pub skipped_blocks: usize,
}

impl Outcome {
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

/// The same person twice within one table.
pub fn dedupe(table: &Table, config: &Config) -> Outcome {
    let candidates = candidate_pairs(table, None, config);
    run(table, table, candidates, config, true)
}

/// The same person in `left` and `right`.
pub fn link(left: &Table, right: &Table, config: &Config) -> Outcome {
    let candidates = candidate_pairs(left, Some(right), config);
    run(left, right, candidates, config, false)
}

fn run(
    left: &Table,
    right: &Table,
    candidates: Candidates,
    config: &Config,
    same_table: bool,
) -> Outcome {
    let Candidates {
        all: pairs,
        training,
        skipped: skipped_blocks,
    } = candidates;
    let kinds: Vec<Kind> = config.columns.iter().map(|c| c.kind).collect();
    let first_rule = config.blocking_rules().into_iter().next();
    let patterns: Vec<u32> = pairs
        .par_iter()
        .map(|&pair| pattern(left, right, &kinds, (pair >> 32) as u32, pair as u32))
        .collect();
    // Sample u among pairs that share what the training pairs share, a date only by its year
    // (pairs sharing a day are too few to sample; the year carries the age, on which marital
    // status, schooling and work depend).
    let conditioned: Vec<(usize, Kind, &str)> = first_rule
        .iter()
        .flat_map(|r| r.columns.iter())
        .filter_map(|part| {
            let (name, how) = part.split_once(':').unwrap_or((part, ""));
            let column = config.columns.iter().position(|c| c.name == name)?;
            let kind = config.columns[column].kind;
            Some((column, kind, if kind == Kind::Date { "year" } else { how }))
        })
        .collect();
    let mut u = random_pair_levels(left, right, &kinds, same_table, &conditioned);
    // A column the sampling is conditioned on always agrees in the sample: take its u from
    // pairs drawn without condition.
    if !conditioned.is_empty() {
        let free = random_pair_levels(left, right, &kinds, same_table, &[]);
        for (column, kind, how) in &conditioned {
            if how.is_empty() || *kind == Kind::Date {
                u[*column] = free[*column].clone();
            }
        }
    }
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for p in &patterns {
        *counts.entry(*p).or_default() += 1;
    }
    // The model is learnt on the first rule's pairs, where its whole columns always agree.
    let mut trained: HashMap<u32, u64> = HashMap::new();
    let mut at = 0;
    for pair in &training {
        while pairs[at] < *pair {
            at += 1;
        }
        *trained.entry(patterns[at]).or_default() += 1;
    }
    let fixed: Vec<bool> = config
        .columns
        .iter()
        .map(|c| {
            first_rule
                .as_ref()
                .is_some_and(|rule| rule.columns.contains(&c.name))
        })
        .collect();
    let model = estimate(&kinds, config, u, fixed, &trained);
    let probability: HashMap<u32, f64> =
        counts.keys().map(|p| (*p, model.probability(*p))).collect();
    let threshold = config
        .threshold
        .unwrap_or_else(|| best_threshold(&counts, &probability));
    let pairs = pairs
        .into_iter()
        .zip(patterns)
        .map(|(pair, pattern)| Scored {
            left: (pair >> 32) as u32,
            right: pair as u32,
            score: probability[&pattern],
            pattern,
        })
        .collect();
    Outcome {
        pairs,
        model,
        threshold,
        skipped_blocks,
    }
}

/// The blocking key of record `i` for one rule; `None` when a part is missing.
fn key(table: &Table, parts: &[(usize, Kind, &str)], i: usize) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for &(column, kind, how) in parts {
        match (&table.values[column], how) {
            // The word-order-free form, so "Aminah Siti" meets "Siti Aminah".
            (Values::Name { sorted, .. }, "") => {
                if sorted[i].is_empty() {
                    return None;
                }
                sorted[i].hash(&mut h);
            }
            (Values::Name { sound, .. }, _) => {
                if sound[i].is_empty() {
                    return None;
                }
                sound[i].hash(&mut h);
            }
            (Values::Date(dates), "year") => dates[i]?.0.hash(&mut h),
            (Values::Date(dates), _) => dates[i]?.hash(&mut h),
            (Values::Text(texts), _) => {
                // An empty category is a category ("not stated"); an empty id or text is not.
                if texts[i].is_empty() && !matches!(kind, Kind::Categorical | Kind::Code) {
                    return None;
                }
                texts[i].hash(&mut h);
            }
        }
        0xffu8.hash(&mut h);
    }
    Some(h.finish())
}

/// The pairs to compare.
struct Candidates {
    /// Every pair that agrees on all parts of at least one blocking rule, as
    /// `left << 32 | right` (left < right in a dedupe), each once.
    all: Vec<u64>,
    /// The pairs of the first rule: the model is learnt on them.
    training: Vec<u64>,
    /// Blocks too big to compare.
    skipped: usize,
}

fn candidate_pairs(left: &Table, right: Option<&Table>, config: &Config) -> Candidates {
    let mut pairs: Vec<u64> = Vec::new();
    let mut training: Vec<u64> = Vec::new();
    let mut skipped = 0;
    for (n, rule) in config.blocking_rules().into_iter().enumerate() {
        let parts: Vec<(usize, Kind, &str)> = rule
            .columns
            .iter()
            .map(|part| {
                let (name, how) = part.split_once(':').unwrap_or((part, ""));
                let column = config
                    .columns
                    .iter()
                    .position(|c| c.name == name)
                    .unwrap_or(0);
                (column, config.columns[column].kind, how)
            })
            .collect();
        let keyed = |table: &Table, side: u8| -> Vec<(u64, u8, u32)> {
            (0..table.len())
                .into_par_iter()
                .filter_map(|i| key(table, &parts, i).map(|k| (k, side, i as u32)))
                .collect()
        };
        let mut all = keyed(left, 0);
        if let Some(right) = right {
            all.extend(keyed(right, 1));
        }
        all.par_sort_unstable();
        let mut start = 0;
        while start < all.len() {
            let mut end = start + 1;
            while end < all.len() && all[end].0 == all[start].0 {
                end += 1;
            }
            let block = &all[start..end];
            if block.len() > MAX_BLOCK {
                skipped += 1;
            } else if right.is_some() {
                let split = block.partition_point(|e| e.1 == 0);
                for l in &block[..split] {
                    for r in &block[split..] {
                        pairs.push(u64::from(l.2) << 32 | u64::from(r.2));
                    }
                }
            } else {
                for (n, a) in block.iter().enumerate() {
                    for b in &block[n + 1..] {
                        pairs.push(u64::from(a.2) << 32 | u64::from(b.2));
                    }
                }
            }
            start = end;
        }
        if n == 0 {
            training = pairs.clone();
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    training.par_sort_unstable();
    training.dedup();
    Candidates {
        all: pairs,
        training,
        skipped,
    }
}

/// The level of agreement of one column for records `a` (left) and `b` (right).
fn level(left: &Values, right: &Values, kind: Kind, a: usize, b: usize) -> u8 {
    match (left, right) {
        (
            Values::Name {
                normalised: ln,
                sorted: ls,
                ..
            },
            Values::Name {
                normalised: rn,
                sorted: rs,
                ..
            },
        ) => {
            let (x, y) = (&ln[a], &rn[b]);
            if x.is_empty() || y.is_empty() {
                return 0;
            }
            if x == y {
                return 4;
            }
            if ls[a] == rs[b] {
                return 3;
            }
            let jw = strsim::jaro_winkler(x, y);
            if jw >= 0.95 {
                3
            } else if jw >= 0.88 {
                2
            } else {
                1
            }
        }
        (Values::Date(l), Values::Date(r)) => match (l[a], r[b]) {
            (Some(x), Some(y)) if x == y => 4,
            (Some(x), Some(y)) => {
                let swapped = x.0 == y.0 && x.1 == y.2 && x.2 == y.1;
                let digits = |d: (u16, u8, u8)| format!("{:04}{:02}{:02}", d.0, d.1, d.2);
                if swapped || strsim::hamming(&digits(x), &digits(y)) == Ok(1) {
                    3
                } else if x.0 == y.0 {
                    2
                } else {
                    1
                }
            }
            _ => 0,
        },
        (Values::Text(l), Values::Text(r)) => {
            let (x, y) = (&l[a], &r[b]);
            if x.is_empty() || y.is_empty() {
                return 0;
            }
            if x == y {
                return level_count(kind);
            }
            match kind {
                Kind::AddressText if strsim::jaro_winkler(x, y) >= 0.9 => 2,
                Kind::Code => {
                    let common = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
                    if common * 2 >= x.len().max(y.len()) {
                        2
                    } else {
                        1
                    }
                }
                _ => 1,
            }
        }
        _ => 0,
    }
}

/// All columns' levels of a pair as one number (mixed radix, first column lowest).
fn pattern(left: &Table, right: &Table, kinds: &[Kind], a: u32, b: u32) -> u32 {
    let mut p = 0u32;
    let mut scale = 1u32;
    for (c, kind) in kinds.iter().enumerate() {
        let l = level(
            &left.values[c],
            &right.values[c],
            *kind,
            a as usize,
            b as usize,
        );
        p += u32::from(l) * scale;
        scale *= u32::from(level_count(*kind)) + 1;
    }
    p
}

/// u: how often each level shows among random pairs (nearly all non-matches), per column. The
/// pairs are drawn among records that share the first rule's parts but the date (e.g. sex and
/// the sound of the name), as every training pair does, since other columns depend on them
/// (names on sex; the whole name on the sound of its first word).
fn random_pair_levels(
    left: &Table,
    right: &Table,
    kinds: &[Kind],
    same_table: bool,
    conditioned: &[(usize, Kind, &str)],
) -> Vec<Vec<f64>> {
    let mut counts: Vec<Vec<f64>> = kinds
        .iter()
        .map(|k| vec![1.0; usize::from(level_count(*k)) + 1])
        .collect();
    if left.is_empty() || right.is_empty() {
        return normalised_levels(counts);
    }
    // A fixed-seed xorshift: the same file gives the same model.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Conditioning needs groups big enough to sample strangers from: in a tiny table, drop the
    // name's sound, then the year, until a record's group holds a few on average.
    let mut conditions: Vec<(usize, Kind, &str)> = conditioned.to_vec();
    let groups = loop {
        let mut groups: HashMap<u64, Vec<u32>> = HashMap::new();
        for i in 0..right.len() {
            if let Some(k) = key(right, &conditions, i) {
                groups.entry(k).or_default().push(i as u32);
            }
        }
        let members: f64 = groups.values().map(|g| g.len() as f64).sum();
        let mean = groups
            .values()
            .map(|g| (g.len() as f64).powi(2))
            .sum::<f64>()
            / members.max(1.0);
        if mean >= MIN_SAMPLING_GROUP || conditions.is_empty() {
            break groups;
        }
        let drop = conditions
            .iter()
            .position(|c| c.2 == "sound")
            .or_else(|| conditions.iter().position(|c| c.2 == "year"))
            .unwrap_or(conditions.len() - 1);
        conditions.remove(drop);
    };
    let samples = 200_000.min(left.len() * right.len());
    for _ in 0..samples {
        let a = (next() % left.len() as u64) as usize;
        let Some(group) = key(left, &conditions, a).and_then(|k| groups.get(&k)) else {
            continue;
        };
        let b = group[(next() % group.len() as u64) as usize] as usize;
        if same_table && a == b {
            continue;
        }
        for (c, kind) in kinds.iter().enumerate() {
            let l = level(&left.values[c], &right.values[c], *kind, a, b);
            counts[c][usize::from(l)] += 1.0;
        }
    }
    normalised_levels(counts)
}

/// Turns counts per level into probabilities over the non-missing levels (index 0 unused).
fn normalised_levels(mut counts: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    for levels in &mut counts {
        levels[0] = 0.0;
        let total: f64 = levels.iter().sum();
        for v in levels.iter_mut().skip(1) {
            *v = (*v / total).max(1e-9);
        }
        levels[0] = 1.0;
    }
    counts
}

/// m and the match share by EM over the compared pairs' patterns, with u fixed.
fn estimate(
    kinds: &[Kind],
    config: &Config,
    u: Vec<Vec<f64>>,
    fixed: Vec<bool>,
    counts: &HashMap<u32, u64>,
) -> Model {
    let mut model = Model {
        kinds: kinds.to_vec(),
        names: config.columns.iter().map(|c| c.name.clone()).collect(),
        // Start from "matches mostly agree exactly" (and keep it for the fixed columns: a
        // person's date of birth or sex is recorded differently in a few per cent of records).
        m: kinds
            .iter()
            .zip(&fixed)
            .map(|(k, fixed)| {
                let n = usize::from(level_count(*k));
                let top = if *fixed { 0.97 } else { 0.9 };
                let mut levels = vec![1.0; n + 1];
                for (l, v) in levels.iter_mut().enumerate().skip(1) {
                    *v = if l == n {
                        top
                    } else {
                        (1.0 - top) / (n - 1) as f64
                    };
                }
                levels
            })
            .collect(),
        fixed,
        u,
        lambda: 0.01,
    };
    let prior = model.m.clone();
    let patterns: Vec<(Vec<u8>, f64)> = counts
        .iter()
        .map(|(p, n)| (model.levels(*p), *n as f64))
        .collect();
    let total: f64 = patterns.iter().map(|(_, n)| n).sum();
    if total == 0.0 {
        return model;
    }
    for _ in 0..60 {
        let mut m_sum: Vec<Vec<f64>> = model.m.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut matched = 0.0;
        for (levels, n) in &patterns {
            let mut log_odds = (model.lambda / (1.0 - model.lambda)).log2();
            for (c, l) in levels.iter().enumerate() {
                log_odds += model.weight(c, *l);
            }
            let p = 1.0 / (1.0 + (-log_odds).exp2());
            matched += p * n;
            for (c, l) in levels.iter().enumerate() {
                m_sum[c][usize::from(*l)] += p * n;
            }
        }
        let lambda = (matched / total).clamp(1e-9, 1.0 - 1e-9);
        let mut change = (lambda - model.lambda).abs();
        for (c, sums) in m_sum.iter().enumerate() {
            let known: f64 = sums.iter().skip(1).sum();
            if known <= 0.0 || model.fixed[c] {
                continue;
            }
            for l in 1..sums.len() {
                // A prior of a few pseudo-pairs at the starting m keeps a level never seen among
                // the matches of a small table from ruling matches out for ever.
                let m = ((sums[l] + PRIOR_PAIRS * prior[c][l]) / (known + PRIOR_PAIRS)).max(1e-9);
                change = change.max((m - model.m[c][l]).abs());
                model.m[c][l] = m;
            }
        }
        model.lambda = lambda;
        if change < 1e-7 {
            break;
        }
    }
    model
}

/// How much more precision weighs than recall in the recommended threshold (F-beta's beta):
/// a false match removes someone's aid or merges two people, a missed one is found at the next
/// run or in the field. With F1 a pattern the model rates at 0.74 was taken in, and on the
/// generated province only 41 % of its pairs were true (ADR 0008).
const F_BETA: f64 = 0.5;

/// The score that maximises the expected F-beta ([`F_BETA`]) when pairs at or above it are
/// taken as matches.
fn best_threshold(counts: &HashMap<u32, u64>, probability: &HashMap<u32, f64>) -> f64 {
    let mut by_score: Vec<(f64, f64)> = counts
        .iter()
        .map(|(p, n)| (probability[p], *n as f64))
        .collect();
    by_score.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives: f64 = by_score.iter().map(|(p, n)| p * n).sum();
    let (mut tp, mut taken) = (0.0, 0.0);
    let beta2 = F_BETA * F_BETA;
    let (mut best, mut best_f) = (0.5, -1.0);
    for (p, n) in by_score {
        tp += p * n;
        taken += n;
        // (1 + b²)·tp / ((1 + b²)·tp + b²·fn + fp), with fn = positives − tp, fp = taken − tp.
        let f = (1.0 + beta2) * tp / (beta2 * positives + taken);
        if f > best_f {
            best_f = f;
            best = p;
        }
    }
    best
}
