//! The Fellegi–Sunter model and how it is learnt without labels:
//! - **u** (how often two strangers agree, per column and level) from truly random pairs over
//!   the whole input, drawn apart from any blocking, so a record's own duplicates hardly ever
//!   count as strangers;
//! - **m** (how often one person's two records agree) by EM over the pairs of each blocking rule
//!   in turn, with u fixed and the rule's own columns left out (its pairs agree on them by
//!   construction), and each column's m the mean over the rules that leave it free;
//! - **the prior**, the chance that two random records are one person, from each rule's learnt
//!   share of matches and the share of all matches that rule finds (measured on another rule's
//!   likely matches);
//! - **residence together**: where a person lives is several columns that go together (a
//!   postcode names its village and province), so they count as one comparison, by how many of
//!   them agree, from none (the person moved) to all; a rule blocking on any of them leaves the
//!   whole group out of its EM;
//! - **guards**: a rule whose share of matches is pinned near 0 or 1, a column whose agreement is
//!   no more common among matches than among strangers, a column no rule leaves free: each named
//!   in a warning, none silently trusted.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compare::{Comparator, level_count, level_label, levels};
use crate::config::Kind;

/// Random pairs drawn for u: enough that a level seen once in ten thousand stranger pairs is
/// counted about 200 times.
pub(crate) const RANDOM_PAIRS: u64 = 2_000_000;

/// The weight, in pairs, of the starting m when EM re-estimates it.
const PRIOR_PAIRS: f64 = 2.0;

/// A share of matches this close to 1 (or fewer than one expected match) is a fit that
/// separated nothing.
const PINNED: f64 = 1e-4;

/// Something about the model a user must know: the fit is doubtful, or a column is ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub english: String,
    pub indonesian: String,
}

impl Warning {
    pub(crate) fn new(english: String, indonesian: String) -> Warning {
        Warning {
            english,
            indonesian,
        }
    }
}

/// What EM learnt from one rule's pairs.
#[derive(Debug, Clone)]
pub struct Session {
    pub rule: String,
    /// Only trains the model; its pairs are not scored.
    pub training_only: bool,
    /// The rule's pairs, and how many of them EM saw.
    pub pairs: u64,
    pub sampled: u64,
    /// The learnt share of matches among the rule's pairs.
    pub share: f64,
    /// The estimated share of all matching pairs the rule finds.
    pub recall: Option<f64>,
    /// Its fit separated nothing (share pinned near 0 or 1).
    pub pinned: bool,
    pub(crate) active: Vec<bool>,
    /// Free columns the rule fixes in part (a sound, a year): their m is learnt given that
    /// part agrees.
    pub(crate) partly: Vec<bool>,
    pub(crate) m: Vec<Vec<f64>>,
    /// How often the strangers among the rule's pairs agree: the random pairs' u, or (for a
    /// rule whose pairs are scored) u learnt among the rule's own pairs.
    pub(crate) u: Vec<Vec<f64>>,
    /// m of the residence group, when the rule leaves it free.
    pub(crate) group_m: Option<Vec<f64>>,
    /// The matches EM found among the pairs it saw: how much the session's m weighs.
    pub(crate) matches: f64,
}

/// The residence columns compared as one: level 0 when none is known on both sides, else 1 +
/// how many agree (level 1: none agrees, the person moved).
#[derive(Debug, Clone)]
pub struct Group {
    pub m: Vec<f64>,
    pub u: Vec<f64>,
}

/// The group level of a pattern's levels.
pub(crate) fn group_level(residence: &[bool], levels: &[u8]) -> usize {
    let mut known = false;
    let mut agree = 0;
    for (c, l) in levels.iter().enumerate() {
        if residence[c] && *l != 0 {
            known = true;
            agree += usize::from(*l >= 2);
        }
    }
    if known { 1 + agree } else { 0 }
}

/// The learnt model: per column and level m (how often matches show it) and u (how often
/// strangers do), and the chance that two random records are one person.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) kinds: Vec<Kind>,
    pub(crate) names: Vec<String>,
    pub(crate) residence: Vec<bool>,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// Columns left out of the score: their exact agreement was no more common among matches
    /// than among strangers.
    pub(crate) ignored: Vec<bool>,
    /// The probability that two records drawn at random are one person.
    pub lambda: f64,
    /// The residence columns compared as one (when there are two or more); their own levels
    /// are then shown, not weighed.
    pub(crate) group: Option<Group>,
    /// The random pairs u was counted on.
    pub u_pairs: u64,
    pub sessions: Vec<Session>,
}

/// One column of the learnt model, for a machine-readable summary.
#[derive(Debug, Clone)]
pub struct ColumnModel {
    pub name: String,
    pub kind: Kind,
    pub residence: bool,
    pub ignored: bool,
    /// Per level from "differ" to "exact": (label, m, u, weight in bits).
    pub levels: Vec<(&'static str, f64, f64, f64)>,
}

impl Model {
    /// Every column's learnt m, u and weight per level.
    pub fn columns(&self) -> Vec<ColumnModel> {
        (0..self.names.len())
            .map(|c| ColumnModel {
                name: self.names[c].clone(),
                kind: self.kinds[c],
                residence: self.residence[c],
                ignored: self.ignored[c],
                levels: (1..self.m[c].len())
                    .map(|l| {
                        (
                            level_label(self.kinds[c], l as u8),
                            self.m[c][l],
                            self.u[c][l],
                            self.weight(c, l as u8),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// The residence group's m and u per level (0 unused; 1 none agrees; k + 1 k agree).
    pub fn residence_group(&self) -> Option<&Group> {
        self.group.as_ref()
    }

    /// Whether column `c` is weighed in the residence group rather than on its own.
    fn grouped(&self, c: usize) -> bool {
        self.group.is_some() && self.residence[c]
    }

    fn group_weight(&self, level: usize) -> f64 {
        match &self.group {
            Some(g) if level > 0 => (g.m[level] / g.u[level]).log2(),
            _ => 0.0,
        }
    }

    /// The weight of `level` in `column`: log2 m/u, positive for evidence of a match.
    pub fn weight(&self, column: usize, level: u8) -> f64 {
        if level == 0 || self.ignored[column] || self.grouped(column) {
            return 0.0;
        }
        (self.m[column][level as usize] / self.u[column][level as usize]).log2()
    }

    /// Random pairs hold matches too (a share `lambda` of them), so what u counted was
    /// `lambda·m + (1 − lambda)·u`: this takes the matches' part out. A rare agreement (a
    /// per-person id agreeing exactly) is then seen to be mostly the matches' doing; what is left
    /// is floored at one in the random pairs counted, below which the sample cannot see.
    pub(crate) fn remove_matches_from_u(&mut self) {
        let lambda = self.lambda;
        let floor = 1.0 / self.u_pairs.max(1) as f64;
        let strangers = |u: &mut [f64], m: &[f64]| {
            for l in 1..u.len() {
                u[l] = ((u[l] - lambda * m[l]) / (1.0 - lambda)).max(floor);
            }
            let total: f64 = u[1..].iter().sum();
            for v in u.iter_mut().skip(1) {
                *v /= total;
            }
        };
        for c in 0..self.u.len() {
            strangers(&mut self.u[c], &self.m[c]);
        }
        if let Some(g) = self.group.as_mut() {
            strangers(&mut g.u, &g.m);
        }
    }

    /// The chance each of a rule's patterns is a match, as that rule's own EM fit it: its m,
    /// its strangers' u, its share of matches, its free columns only.
    pub(crate) fn session_posterior(
        &self,
        session: usize,
        counts: &HashMap<u32, u64>,
    ) -> HashMap<u32, f64> {
        let session = &self.sessions[session];
        let mut fit = self.clone();
        fit.m = session.m.clone();
        fit.u = session.u.clone();
        fit.lambda = session.share;
        fit.ignored = session.active.iter().map(|a| !a).collect();
        fit.group = match (&self.group, &session.group_m) {
            (Some(g), Some(m)) => Some(Group {
                m: m.clone(),
                u: g.u.clone(),
            }),
            _ => None,
        };
        let weights = fit.weights();
        counts
            .keys()
            .map(|p| {
                let odds = weights.log_odds(&self.levels(*p));
                (*p, 1.0 / (1.0 + (-odds).exp2()))
            })
            .collect()
    }

    /// The weights as a table, to score many patterns.
    pub(crate) fn weights(&self) -> Weights {
        Weights {
            prior: (self.lambda / (1.0 - self.lambda)).log2(),
            table: (0..self.m.len())
                .map(|c| {
                    (0..self.m[c].len())
                        .map(|l| self.weight(c, l as u8))
                        .collect()
                })
                .collect(),
            residence: self.residence.clone(),
            group: self
                .group
                .as_ref()
                .map(|g| (0..g.m.len()).map(|l| self.group_weight(l)).collect()),
        }
    }

    /// How a pair compared, column by column: (column name, kind, level), where level 0 is
    /// missing, 1 differs and the highest is exact agreement; the levels between are the kind's
    /// near agreements (a similar name, a date one digit apart).
    pub fn agreement(&self, pair: &crate::Scored) -> Vec<(&str, Kind, u8)> {
        self.levels(pair.pattern)
            .into_iter()
            .enumerate()
            .map(|(c, level)| (self.names[c].as_str(), self.kinds[c], level))
            .collect()
    }

    /// The levels of a pattern, first column first.
    pub(crate) fn levels(&self, pattern: u32) -> Vec<u8> {
        levels(&self.kinds, pattern)
    }

    /// The learnt model in words: the prior, per column and level m, u and the weight, and what
    /// each rule's EM learnt.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "probability that two random records are one person: {:.3e} (u from {} random pairs)\n",
            self.lambda, self.u_pairs
        );
        for (c, name) in self.names.iter().enumerate() {
            out.push_str(name);
            if self.grouped(c) {
                out.push_str(" (residence: weighed together below)");
            }
            if self.ignored[c] {
                out.push_str(" (ignored)");
            }
            out.push(':');
            for l in 1..self.m[c].len() {
                out.push_str(&format!(
                    " {} m={:.4} u={:.6}{};",
                    level_label(self.kinds[c], l as u8),
                    self.m[c][l],
                    self.u[c][l],
                    if self.grouped(c) {
                        String::new()
                    } else {
                        format!(" w={:+.1}", self.weight(c, l as u8))
                    }
                ));
            }
            out.push('\n');
        }
        if let Some(g) = &self.group {
            out.push_str("residence columns together:");
            for l in 1..g.m.len() {
                out.push_str(&format!(
                    " {} m={:.4} u={:.6} w={:+.1};",
                    group_label(l),
                    g.m[l],
                    g.u[l],
                    self.group_weight(l)
                ));
            }
            out.push('\n');
        }
        for s in &self.sessions {
            out.push_str(&format!(
                "rule {}{}: {} pairs ({} used by EM), share of matches {:.6}{}{}\n",
                s.rule,
                if s.training_only {
                    " (training only)"
                } else {
                    ""
                },
                s.pairs,
                s.sampled,
                s.share,
                s.recall
                    .map(|r| format!(", finds {:.1} % of matches", 100.0 * r))
                    .unwrap_or_default(),
                if s.pinned { " (pinned: not used)" } else { "" }
            ));
        }
        out
    }

    /// Why a pair scored what it did: each column with its level and weight, and how much the
    /// agreeing values' frequency moved the score.
    pub fn explain(&self, pair: &crate::Scored) -> String {
        let levels = self.levels(pair.pattern);
        let mut parts: Vec<String> = levels
            .iter()
            .enumerate()
            .map(|(c, level)| {
                let label = level_label(self.kinds[c], *level);
                if self.grouped(c) {
                    format!("{}={label}", self.names[c])
                } else {
                    format!("{}={label} ({:+.1})", self.names[c], self.weight(c, *level))
                }
            })
            .collect();
        if self.group.is_some() {
            let g = group_level(&self.residence, &levels);
            parts.push(format!(
                "residence: {} ({:+.1})",
                group_label(g),
                self.group_weight(g)
            ));
        }
        if pair.adjustment.abs() >= 0.05 {
            parts.push(format!("common or rare values ({:+.1})", pair.adjustment));
        }
        parts.join("; ")
    }
}

/// A residence group level in words.
pub(crate) fn group_label(level: usize) -> String {
    match level {
        0 => "unknown".into(),
        1 => "none agrees (moved)".into(),
        2 => "1 agrees".into(),
        l => format!("{} agree", l - 1),
    }
}

/// A model's weights looked up, not recomputed, for each pattern.
pub(crate) struct Weights {
    prior: f64,
    table: Vec<Vec<f64>>,
    residence: Vec<bool>,
    group: Option<Vec<f64>>,
}

impl Weights {
    pub(crate) fn log_odds(&self, levels: &[u8]) -> f64 {
        let mut odds = self.prior;
        // Grouped columns weigh 0 in the table; the group weighs for them.
        for (c, l) in levels.iter().enumerate() {
            odds += self.table[c][usize::from(*l)];
        }
        if let Some(group) = &self.group {
            odds += group[group_level(&self.residence, levels)];
        }
        odds
    }
}

/// A fixed-seed xorshift: the same file gives the same model.
fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Counts of levels per column among random pairs, and of the residence group's levels.
struct LevelCounts {
    levels: Vec<Vec<f64>>,
    group: Vec<f64>,
}

impl LevelCounts {
    fn new(kinds: &[Kind], group_levels: usize, start: f64) -> LevelCounts {
        LevelCounts {
            levels: kinds
                .iter()
                .map(|k| vec![start; usize::from(level_count(*k)) + 1])
                .collect(),
            group: vec![start; group_levels],
        }
    }

    fn add(&mut self, other: LevelCounts) {
        for (a, b) in self.levels.iter_mut().zip(other.levels) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (x, y) in self.group.iter_mut().zip(other.group) {
            *x += y;
        }
    }
}

/// u by truly random pairs: `RANDOM_PAIRS` of them (every pair, in a table small enough), drawn
/// apart from any blocking. Each draw takes a run of neighbouring records against a run at a
/// random distance, so that the reads stay in memory order; a file's order (by household, say)
/// only makes neighbouring draws alike, never the pair a duplicate.
/// Categorical columns that are not residence are counted among random pairs born the same
/// year when there is a date: marital status, schooling and work follow age, and nearly every
/// compared pair shares the year, so agreement on them says little more than that.
pub(crate) fn random_pair_u(
    cmp: &Comparator,
    same_table: bool,
    residence: &[bool],
    grouped: bool,
) -> (Vec<Vec<f64>>, Option<Vec<f64>>, u64) {
    let (nl, nr) = (cmp.left.len() as u64, cmp.right.len() as u64);
    let kinds = &cmp.kinds;
    let all_pairs = if same_table {
        nl * nl.saturating_sub(1) / 2
    } else {
        nl * nr
    };
    let group_levels = if grouped {
        residence.iter().filter(|r| **r).count() + 2
    } else {
        0
    };
    let mut buffer = [0u8; 32];
    let count = |counts: &mut LevelCounts,
                 a: usize,
                 b: usize,
                 columns: &dyn Fn(usize) -> bool,
                 buffer: &mut [u8; 32]| {
        for c in 0..kinds.len() {
            let counted = columns(c);
            let l = if counted || (grouped && residence[c]) {
                cmp.level(c, a, b)
            } else {
                0
            };
            buffer[c] = l;
            if counted {
                counts.levels[c][usize::from(l)] += 1.0;
            }
        }
        if grouped {
            counts.group[group_level(residence, &buffer[..kinds.len()])] += 1.0;
        }
    };
    // One pseudo-count per level, so that a level never seen is rare, not impossible.
    let mut counts = LevelCounts::new(kinds, group_levels, 1.0);
    let by_year = kinds.iter().position(|k| *k == Kind::Date);
    let conditioned =
        |c: usize| by_year.is_some() && kinds[c] == Kind::Categorical && !residence[c];
    let free = |c: usize| !conditioned(c);
    if all_pairs == 0 {
        return finish(counts, 0);
    }
    if all_pairs <= RANDOM_PAIRS {
        for a in 0..nl as usize {
            let from = if same_table { a + 1 } else { 0 };
            for b in from..nr as usize {
                count(&mut counts, a, b, &|_| true, &mut buffer);
            }
        }
        return finish(counts, all_pairs);
    }
    const RUN: u64 = 64;
    const RUNS_PER_TASK: u64 = 256;
    let tasks = RANDOM_PAIRS / RUN / RUNS_PER_TASK;
    let parts: Vec<LevelCounts> = (0..tasks)
        .into_par_iter()
        .map(|task| {
            let mut next = xorshift(task + 1);
            let mut part = LevelCounts::new(kinds, group_levels, 0.0);
            let mut buffer = [0u8; 32];
            for _ in 0..RUNS_PER_TASK {
                let a0 = next() % nl;
                let b0 = next() % nr;
                for k in 0..RUN {
                    let (a, b) = ((a0 + k) % nl, (b0 + k) % nr);
                    if same_table && a == b {
                        continue;
                    }
                    count(&mut part, a as usize, b as usize, &free, &mut buffer);
                }
            }
            part
        })
        .collect();
    for p in parts {
        counts.add(p);
    }
    // The conditioned columns: pairs born the same year.
    if let Some(date) = by_year
        && (0..kinds.len()).any(conditioned)
    {
        let years = |t: &crate::Table| -> Vec<Option<u16>> {
            match &t.values[date] {
                crate::table::Values::Date(d) => d.iter().map(|d| d.map(|d| d.0)).collect(),
                _ => Vec::new(),
            }
        };
        let (left_years, right_years) = (years(cmp.left), years(cmp.right));
        let mut by: HashMap<u16, Vec<u32>> = HashMap::new();
        for (i, y) in right_years.iter().enumerate() {
            if let Some(y) = y {
                by.entry(*y).or_default().push(i as u32);
            }
        }
        let mut next = xorshift(0xC0FFEE);
        let mut drawn = 0;
        let mut tries = 0;
        while drawn < RANDOM_PAIRS / 4 && tries < RANDOM_PAIRS {
            tries += 1;
            let a = (next() % nl) as usize;
            let Some(group) = left_years[a].and_then(|y| by.get(&y)) else {
                continue;
            };
            let b = group[(next() % group.len() as u64) as usize] as usize;
            if same_table && a == b {
                continue;
            }
            for c in 0..kinds.len() {
                if conditioned(c) {
                    counts.levels[c][usize::from(cmp.level(c, a, b))] += 1.0;
                }
            }
            drawn += 1;
        }
    }
    finish(counts, tasks * RUNS_PER_TASK * RUN)
}

/// Counts per level into shares of the known levels (level 0, missing, is not a share).
fn finish(counts: LevelCounts, pairs: u64) -> (Vec<Vec<f64>>, Option<Vec<f64>>, u64) {
    let shares = |mut levels: Vec<f64>| {
        levels[0] = 0.0;
        let total: f64 = levels.iter().sum();
        for v in levels.iter_mut().skip(1) {
            *v = (*v / total.max(1.0)).max(1e-12);
        }
        levels[0] = 1.0;
        levels
    };
    let u = counts.levels.into_iter().map(shares).collect();
    let group = (!counts.group.is_empty()).then(|| shares(counts.group));
    (u, group, pairs)
}

/// The starting m: matches mostly agree exactly (a residence group: all but one agree).
pub(crate) fn starting_m(levels: &[usize]) -> Vec<Vec<f64>> {
    levels
        .iter()
        .map(|&n| {
            let top = 0.9;
            let mut m = vec![1.0; n + 1];
            for (l, v) in m.iter_mut().enumerate().skip(1) {
                *v = if l == n {
                    top
                } else {
                    (1.0 - top) / (n - 1).max(1) as f64
                };
            }
            m
        })
        .collect()
}

/// What one session's EM learnt.
pub(crate) struct Fit {
    pub share: f64,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub group_m: Option<Vec<f64>>,
    pub matches: f64,
}

/// EM over one rule's pattern counts, the rule's blocked columns left out (and the residence
/// group, when the rule blocks on any residence column).
///
/// With `learn_u`, each free column's u is learnt too, among the strangers in the rule's own
/// pairs (from two starts, the likelier fit kept). The strangers a rule puts together are
/// not random pairs: people born on one day are of one age, so they agree on
/// marital status, schooling and work far more often than random pairs do, and with the
/// random pairs' u EM would take such namesakes for matches (and learn that a match's mother's
/// name often differs). Without it u stays the random pairs': a training rule's blocks are
/// broad (everyone born on one day), and with u free there EM separates age groups or
/// families instead of persons; `dedupe` says which rules learn u.
pub(crate) fn em(base: &Model, counts: &HashMap<u32, u64>, active: &[bool], learn_u: bool) -> Fit {
    if !learn_u {
        return em_from(base, counts, active, false, false).0;
    }
    // Two starts, the likelier fit kept: u as if every pair were a stranger (most of a rule's
    // pairs are; started from the random pairs' u, which does not fit them, EM can put nearly
    // every pair among the matches, whose m is free to fit them), and u from the random pairs
    // (a rule on an id holds mostly matches, and strangers as its pairs stand are no start).
    let (from_pairs, likelihood_pairs) = em_from(base, counts, active, true, true);
    let (from_random, likelihood_random) = em_from(base, counts, active, true, false);
    if likelihood_random > likelihood_pairs {
        from_random
    } else {
        from_pairs
    }
}

/// One EM run from one start (`u_from_pairs`: u as the rule's own pairs' levels), with the
/// log-likelihood of the pattern counts under its fit.
fn em_from(
    base: &Model,
    counts: &HashMap<u32, u64>,
    active: &[bool],
    learn_u: bool,
    u_from_pairs: bool,
) -> (Fit, f64) {
    let level_counts: Vec<usize> = base
        .kinds
        .iter()
        .map(|k| usize::from(level_count(*k)))
        .collect();
    let prior = starting_m(&level_counts);
    let mut model = base.clone();
    model.m = prior.clone();
    model.lambda = 0.1;
    let group_free = base.residence.iter().zip(active).all(|(r, a)| !r || *a);
    for (c, a) in active.iter().enumerate() {
        model.ignored[c] = !a;
    }
    let group_prior = base
        .group
        .as_ref()
        .map(|g| starting_m(&[g.u.len() - 1]).remove(0));
    if !group_free {
        model.group = None;
    } else if let (Some(g), Some(start)) = (model.group.as_mut(), &group_prior) {
        g.m = start.clone();
    }
    let patterns: Vec<(Vec<u8>, usize, f64)> = counts
        .iter()
        .map(|(p, n)| {
            let levels = model.levels(*p);
            let group = group_level(&model.residence, &levels);
            (levels, group, *n as f64)
        })
        .collect();
    let total: f64 = patterns.iter().map(|(_, _, n)| n).sum();
    if total == 0.0 {
        let fit = Fit {
            share: 0.0,
            m: model.m,
            u: model.u,
            group_m: None,
            matches: 0.0,
        };
        return (fit, 0.0);
    }
    let mut matched = 0.0;
    if u_from_pairs {
        for (c, u) in model.u.iter_mut().enumerate() {
            if !active[c] {
                continue;
            }
            let mut seen = vec![0.0; u.len()];
            for (levels, _, n) in &patterns {
                seen[usize::from(levels[c])] += n;
            }
            let known: f64 = seen[1..].iter().sum();
            if known > 0.0 {
                for l in 1..u.len() {
                    u[l] =
                        ((seen[l] + PRIOR_PAIRS * base.u[c][l]) / (known + PRIOR_PAIRS)).max(1e-9);
                }
            }
        }
    }
    for _ in 0..200 {
        let mut m_sum: Vec<Vec<f64>> = model.m.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut u_sum: Vec<Vec<f64>> = model.u.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut group_sum = vec![0.0; group_prior.as_ref().map_or(0, Vec::len)];
        matched = 0.0;
        let weights = model.weights();
        for (levels, group, n) in &patterns {
            let p = 1.0 / (1.0 + (-weights.log_odds(levels)).exp2());
            matched += p * n;
            for (c, l) in levels.iter().enumerate() {
                m_sum[c][usize::from(*l)] += p * n;
                u_sum[c][usize::from(*l)] += (1.0 - p) * n;
            }
            if !group_sum.is_empty() {
                group_sum[*group] += p * n;
            }
        }
        let lambda = (matched / total).clamp(1e-12, 1.0 - 1e-12);
        let mut change = (lambda - model.lambda).abs() / model.lambda.max(1e-9);
        // A few pseudo-pairs at the starting m keep a level never seen among a small table's
        // matches from ruling matches out for ever.
        let update = |sums: &[f64], prior: &[f64], m: &mut [f64], change: &mut f64| {
            let known: f64 = sums.iter().skip(1).sum();
            if known <= 0.0 {
                return;
            }
            for l in 1..sums.len() {
                let new = ((sums[l] + PRIOR_PAIRS * prior[l]) / (known + PRIOR_PAIRS)).max(1e-9);
                *change = change.max((new - m[l]).abs());
                m[l] = new;
            }
        };
        for (c, sums) in m_sum.iter().enumerate() {
            if active[c] {
                update(sums, &prior[c], &mut model.m[c], &mut change);
                if learn_u {
                    update(&u_sum[c], &base.u[c], &mut model.u[c], &mut change);
                }
            }
        }
        if let (Some(g), Some(start)) = (model.group.as_mut(), &group_prior) {
            update(&group_sum, start, &mut g.m, &mut change);
        }
        model.lambda = lambda;
        if change < 1e-6 {
            break;
        }
    }
    let likelihood = patterns
        .iter()
        .map(|(levels, group, n)| {
            let (mut m, mut u) = (1.0, 1.0);
            for (c, l) in levels.iter().enumerate() {
                if model.ignored[c] || model.grouped(c) || *l == 0 {
                    continue;
                }
                m *= model.m[c][usize::from(*l)];
                u *= model.u[c][usize::from(*l)];
            }
            if let Some(g) = model.group.as_ref().filter(|_| *group > 0) {
                m *= g.m[*group];
                u *= g.u[*group];
            }
            n * (model.lambda * m + (1.0 - model.lambda) * u)
                .max(f64::MIN_POSITIVE)
                .ln()
        })
        .sum();
    let fit = Fit {
        share: model.lambda,
        m: model.m,
        u: model.u,
        group_m: model.group.map(|g| g.m),
        matches: matched,
    };
    (fit, likelihood)
}

/// Whether a session's share of matches says it separated nothing.
pub(crate) fn pinned(share: f64, pairs: u64) -> bool {
    share > 1.0 - PINNED || share * pairs as f64 <= 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rule's pairs: people born on one day, 1,000 matches among 100,000 pairs. Strangers
    /// born on one day are of one age, so they agree on two age-bound columns (schooling, work)
    /// one time in two where random pairs agree one time in five; matches agree on them always,
    /// and on the mother's name, which strangers share once in a hundred.
    fn one_day() -> (Model, HashMap<u32, u64>) {
        let kinds = vec![Kind::Categorical, Kind::Categorical, Kind::PersonName];
        let levels: Vec<usize> = kinds.iter().map(|k| usize::from(level_count(*k))).collect();
        let model = Model {
            kinds: kinds.clone(),
            names: vec!["schooling".into(), "work".into(), "mother".into()],
            residence: vec![false; 3],
            m: starting_m(&levels),
            u: vec![
                vec![0.0, 0.8, 0.2],
                vec![0.0, 0.8, 0.2],
                vec![0.0, 0.969, 0.01, 0.01, 0.001, 0.01],
            ],
            ignored: vec![false; 3],
            lambda: 0.0,
            group: None,
            u_pairs: 1_000_000,
            sessions: Vec::new(),
        };
        // Pattern: schooling + 3·work + 9·mother (levels 1 differ, 2 exact; mother 1 or 5).
        let pattern = |school: u32, work: u32, mother: u32| school + 3 * work + 9 * mother;
        let mut counts = HashMap::new();
        counts.insert(pattern(2, 2, 5), 1_000);
        let strangers = 99_000.0;
        for (school, ps) in [(2, 0.5), (1, 0.5)] {
            for (work, pw) in [(2, 0.5), (1, 0.5)] {
                for (mother, pm) in [(5, 0.01), (1, 0.99)] {
                    let n = (strangers * ps * pw * pm) as u64;
                    *counts.entry(pattern(school, work, mother)).or_default() += n;
                }
            }
        }
        (model, counts)
    }

    #[test]
    fn strangers_of_one_age_are_not_taken_for_matches_when_u_is_learnt_among_the_rules_pairs() {
        let (model, counts) = one_day();
        let active = [true, true, true];
        let learnt = em(&model, &counts, &active, true);
        let fixed = em(&model, &counts, &active, false);
        // Learnt among the rule's pairs, the strangers' u of an age-bound column is theirs.
        assert!((learnt.u[0][2] - 0.5).abs() < 0.05, "{:?}", learnt.u[0]);
        // About the 1,000 matches are found (strangers agreeing on all three, some 250 of
        // them, look like matches), and they share a mother.
        assert!(
            (900.0..1_500.0).contains(&learnt.matches),
            "{}",
            learnt.matches
        );
        assert!(learnt.m[2][5] > 0.8, "mother: {:?}", learnt.m[2]);
        assert!(learnt.m[2][1] < 0.2, "mother: {:?}", learnt.m[2]);
        // With the random pairs' u, which does not fit these strangers, EM takes nearly every
        // pair for a match.
        assert!(fixed.share > 0.9, "{}", fixed.share);
        // Of the two starts, the likelier fit is the one kept.
        let (from_pairs, likelihood_pairs) = em_from(&model, &counts, &active, true, true);
        let (from_random, likelihood_random) = em_from(&model, &counts, &active, true, false);
        let likelier = if likelihood_random > likelihood_pairs {
            from_random.share
        } else {
            from_pairs.share
        };
        assert_eq!(learnt.share, likelier);
    }
}
