//! Which pairs are compared at all: those agreeing on every part of at least one blocking rule.
//! Each rule is keyed once per record; a crosswise part (`given~surname`) keys a record both
//! ways round, so "Budi Santoso" meets "Santoso Budi". A rule's pairs are capped: when its blocks
//! would give more than the cap, its biggest blocks are skipped and reported. A pair found by an
//! earlier rule is not taken again, so every compared pair is scored once.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::config::{Blocking, Config, Kind};
use crate::table::{Table, Values};

/// The largest block compared in full: a bigger one (a blocking value shared by thousands, such
/// as a placeholder) is skipped and counted whatever the cap.
pub(crate) const MAX_BLOCK: usize = 5_000;

/// One part of a rule, resolved to column indexes.
/// Keys a `near` part gives a record: one per pair of quarters left out.
const NEAR_KEYS: usize = 6;
/// The quarters each `near` key leaves out.
const LEFT_OUT: [(usize, usize); NEAR_KEYS] = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];
/// The shortest id keyed by quarters (two slips); half of it still tells most people apart.
const NEAR_TWO_SLIPS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Whole(usize),
    Year(usize),
    Sound(usize),
    /// An id up to two slips away: an id of twelve or more characters is keyed six times, each
    /// time without two of its four quarters, so two ids differing in at most two quarters share
    /// a key; a shorter id is keyed three times, each time without one third (one slip), as half
    /// of a short id would put strangers together.
    Near(usize),
    /// The record's first column against the other's second, and the other way round.
    Cross(usize, usize),
}

/// A rule with its parts resolved.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub text: String,
    pub parts: Vec<Part>,
    /// Columns this rule fixes wholly or in part (a year, a sound): their agreement is forced
    /// by the rule, so they learn nothing from its pairs.
    pub blocked: Vec<bool>,
    pub training_only: bool,
}

impl Part {
    /// Whether the part fixes only some of column `c`: its year or its sound.
    pub fn fixes_part_of(&self, c: usize) -> bool {
        matches!(self, Part::Year(x) | Part::Sound(x) if *x == c)
    }

    /// Whether the part fixes column `c` whole (or one of its sides crosswise, or within slips).
    pub fn fixes_all_of(&self, c: usize) -> bool {
        match self {
            Part::Whole(x) | Part::Near(x) => *x == c,
            Part::Cross(a, b) => *a == c || *b == c,
            Part::Year(_) | Part::Sound(_) => false,
        }
    }
}

impl Rule {
    pub fn new(rule: &Blocking, config: &Config, training_only: bool) -> Rule {
        let index = |name: &str| {
            config
                .columns
                .iter()
                .position(|c| c.name == name)
                .unwrap_or(0)
        };
        let mut blocked = vec![false; config.columns.len()];
        let parts = rule
            .columns
            .iter()
            .map(|part| {
                if let Some((a, b)) = part.split_once('~') {
                    let (a, b) = (index(a), index(b));
                    blocked[a] = true;
                    blocked[b] = true;
                    return Part::Cross(a, b);
                }
                let (name, how) = part.split_once(':').unwrap_or((part, ""));
                let c = index(name);
                blocked[c] = true;
                match how {
                    "year" => Part::Year(c),
                    "sound" => Part::Sound(c),
                    "near" => Part::Near(c),
                    _ => Part::Whole(c),
                }
            })
            .collect();
        Rule {
            text: rule.columns.join(" + "),
            parts,
            blocked,
            training_only,
        }
    }

    fn crosswise(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Cross(..)))
    }

    /// Keys per record: six for a rule with a `near` part, else one.
    fn width(&self) -> usize {
        if self.parts.iter().any(|p| matches!(p, Part::Near(_))) {
            NEAR_KEYS
        } else {
            1
        }
    }

    /// A record's keys for this rule into `out` (`backward`: crosswise parts read the other way
    /// round); 0 where a part is missing.
    fn keys(&self, table: &Table, kinds: &[Kind], i: usize, backward: bool, out: &mut [u64]) {
        for (variant, slot) in out.iter_mut().enumerate() {
            *slot = self.key(table, kinds, i, backward, variant).unwrap_or(0);
        }
    }

    fn key(
        &self,
        table: &Table,
        kinds: &[Kind],
        i: usize,
        backward: bool,
        variant: usize,
    ) -> Option<u64> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for part in &self.parts {
            match *part {
                Part::Whole(c) => whole(table, kinds[c], c, i, &mut h)?,
                Part::Year(c) => match &table.values[c] {
                    Values::Date(d) => d[i]?.0.hash(&mut h),
                    _ => return None,
                },
                Part::Sound(c) => match &table.values[c] {
                    Values::Name { sound, .. } if !sound[i].is_empty() => sound[i].hash(&mut h),
                    _ => return None,
                },
                Part::Near(c) => match &table.values[c] {
                    Values::Text(t) if !t[i].is_empty() => {
                        let chars: Vec<char> = t[i].chars().collect();
                        let n = chars.len();
                        variant.hash(&mut h);
                        if n >= NEAR_TWO_SLIPS {
                            // Quarters: the two this variant leaves out.
                            let (x, y) = LEFT_OUT[variant];
                            for q in (0..4).filter(|q| *q != x && *q != y) {
                                chars[n * q / 4..n * (q + 1) / 4].hash(&mut h);
                            }
                        } else if variant < 3 {
                            let (from, to) = (n * variant / 3, n * (variant + 1) / 3);
                            chars[..from].hash(&mut h);
                            chars[to..].hash(&mut h);
                        } else {
                            return None;
                        }
                    }
                    _ => return None,
                },
                Part::Cross(a, b) => {
                    let (x, y) = if backward { (b, a) } else { (a, b) };
                    exact(table, x, i, &mut h)?;
                    exact(table, y, i, &mut h)?;
                }
            }
            0xffu8.hash(&mut h);
        }
        // 0 stands for "no key".
        Some(h.finish().max(1))
    }
}

/// A column's whole value into the key: a name word-order-free, so "Aminah Siti" meets "Siti
/// Aminah"; an empty category is a category ("not stated"), an empty id or text is missing.
fn whole(table: &Table, kind: Kind, c: usize, i: usize, h: &mut impl Hasher) -> Option<()> {
    match &table.values[c] {
        Values::Name { sorted, .. } => {
            if sorted[i].is_empty() {
                return None;
            }
            sorted[i].hash(h);
        }
        Values::Date(d) => d[i]?.hash(h),
        Values::Text(t) => {
            if t[i].is_empty() && !matches!(kind, Kind::Categorical | Kind::Code) {
                return None;
            }
            t[i].hash(h);
        }
    }
    Some(())
}

/// A column's value as written (normalised), for crosswise parts: the same text either side.
fn exact(table: &Table, c: usize, i: usize, h: &mut impl Hasher) -> Option<()> {
    match &table.values[c] {
        Values::Name { normalised, .. } if !normalised[i].is_empty() => normalised[i].hash(h),
        Values::Date(d) => d[i]?.hash(h),
        Values::Text(t) if !t[i].is_empty() => t[i].hash(h),
        _ => return None,
    }
    Some(())
}

/// A rule's keys for every record of both tables (`width` per record, 0 for none), and the
/// blocks it skipped.
pub(crate) struct Keyed<'t> {
    width: usize,
    /// A near rule's id column and both tables: a pair sharing a key is compared only when the
    /// ids are within its slips (a NIK's quarters are its region and birth date, which many
    /// people share).
    near: Option<(usize, &'t Table, &'t Table)>,
    left: Vec<u64>,
    left_back: Vec<u64>,
    /// `None` in a dedupe: the same as the left.
    right: Option<Vec<u64>>,
    right_back: Option<Vec<u64>>,
    skipped: HashSet<u64>,
    crosswise: bool,
}

impl Keyed<'_> {
    /// Whether this rule compared `a` (left) and `b` (right): they share a key whose block
    /// was not skipped (and, for a near rule, their ids are within its slips).
    pub fn compared(&self, a: usize, b: usize) -> bool {
        if let Some((c, left, right)) = self.near
            && !within_slips(text(left, c, a), text(right, c, b))
        {
            return false;
        }
        let w = self.width;
        let meets = |x: &[u64], y: &[u64]| {
            x.iter()
                .any(|k| *k != 0 && y.contains(k) && !self.skipped.contains(k))
        };
        let right = self.right.as_ref().unwrap_or(&self.left);
        if self.crosswise {
            let right_back = self.right_back.as_ref().unwrap_or(&self.left_back);
            meets(&self.left[a * w..][..w], &right_back[b * w..][..w])
                || meets(&right[b * w..][..w], &self.left_back[a * w..][..w])
        } else {
            meets(&self.left[a * w..][..w], &right[b * w..][..w])
        }
    }
}

/// A text column's value ("" for another kind).
fn text(table: &Table, c: usize, i: usize) -> &str {
    match &table.values[c] {
        Values::Text(t) => &t[i],
        _ => "",
    }
}

/// Two ids as near as a near rule means: of one length and at most two characters apart, or
/// for an id shorter than [`NEAR_TWO_SLIPS`] one character (or two neighbours swapped).
pub(crate) fn within_slips(x: &str, y: &str) -> bool {
    if x.is_empty() || x.chars().count() != y.chars().count() {
        return false;
    }
    let mut differ = x
        .chars()
        .zip(y.chars())
        .enumerate()
        .filter(|(_, (p, q))| p != q);
    let (first, second) = (differ.next(), differ.next());
    if differ.next().is_some() {
        return false;
    }
    match (first, second) {
        (None, _) | (Some(_), None) => true,
        (Some(_), Some(_)) if x.chars().count() >= NEAR_TWO_SLIPS => true,
        (Some((i, (p1, q1))), Some((j, (p2, q2)))) => j == i + 1 && p1 == q2 && p2 == q1,
    }
}

/// What one rule gave.
pub(crate) struct RulePairs<'t> {
    /// Every pair of the rule, as `left << 32 | right` (left < right in a dedupe), each once;
    /// for a training rule only a sample.
    pub pairs: Vec<u64>,
    /// How many pairs the rule has (more than `pairs` holds for a training rule).
    pub total: u64,
    pub skipped_blocks: usize,
    pub skipped_pairs: u64,
    pub keyed: Keyed<'t>,
}

/// The pairs of `rule`, at most `cap` of them (the biggest blocks skipped first); a training
/// rule with more than `sample` pairs gives that many drawn at random over all its blocks.
pub(crate) fn rule_pairs<'t>(
    rule: &Rule,
    left: &'t Table,
    right: Option<&'t Table>,
    kinds: &[Kind],
    cap: u64,
    sample: usize,
) -> RulePairs<'t> {
    let width = rule.width();
    let keys = |table: &Table, backward: bool| -> Vec<u64> {
        let mut out = vec![0u64; table.len() * width];
        out.par_chunks_mut(width)
            .enumerate()
            .for_each(|(i, slot)| rule.keys(table, kinds, i, backward, slot));
        out
    };
    let crosswise = rule.crosswise();
    let left_keys = keys(left, false);
    let left_back = if crosswise {
        keys(left, true)
    } else {
        Vec::new()
    };
    let (right_keys, right_back) = match right {
        Some(r) => (
            Some(keys(r, false)),
            Some(if crosswise { keys(r, true) } else { Vec::new() }),
        ),
        None => (None, None),
    };
    // Entries (key, side, record): in a crosswise rule the left side is keyed forward and the
    // right side backward; in a plain dedupe every record is on both sides at once (side 0).
    let mut entries: Vec<(u64, u8, u32)> = Vec::new();
    let two_sided = right.is_some() || crosswise;
    for (n, k) in left_keys.iter().enumerate() {
        if *k != 0 {
            entries.push((*k, 0, (n / width) as u32));
        }
    }
    if two_sided {
        let other = if crosswise {
            right_back.as_ref().unwrap_or(&left_back)
        } else {
            right_keys.as_ref().unwrap_or(&left_keys)
        };
        for (n, k) in other.iter().enumerate() {
            if *k != 0 {
                entries.push((*k, 1, (n / width) as u32));
            }
        }
    }
    entries.par_sort_unstable();
    // The keys stay with the pairs, to tell later rules which pairs this one compared.
    let near = rule.parts.iter().find_map(|p| match p {
        Part::Near(c) => Some((*c, left, right.unwrap_or(left))),
        _ => None,
    });
    let keyed = move |skipped| Keyed {
        width,
        near,
        left: left_keys,
        left_back,
        right: right_keys,
        right_back,
        skipped,
        crosswise,
    };
    // Blocks as ranges, with their pair counts.
    let mut blocks: Vec<(usize, usize, u64)> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == entries[start].0 {
            end += 1;
        }
        let block = &entries[start..end];
        let count = if two_sided {
            let split = block.partition_point(|e| e.1 == 0) as u64;
            split * (block.len() as u64 - split)
        } else {
            let n = block.len() as u64;
            n * (n - 1) / 2
        };
        if count > 0 {
            blocks.push((start, end, count));
        }
        start = end;
    }
    if rule.training_only {
        // Training needs a fair sample, not every pair: pairs drawn at random over all blocks
        // (a block as often as it has pairs), however big, so big blocks are not left out.
        let total: u64 = blocks.iter().map(|b| b.2).sum();
        let mut cumulative = Vec::with_capacity(blocks.len());
        let mut sum = 0;
        for b in &blocks {
            sum += b.2;
            cumulative.push(sum);
        }
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut pairs = Vec::new();
        let draws = if total <= sample as u64 { 0 } else { sample };
        for _ in 0..draws {
            let at = next() % total.max(1);
            let (s, e, _) = blocks[cumulative.partition_point(|c| *c <= at)];
            let block = &entries[s..e];
            let (a, b) = if two_sided {
                let split = block.partition_point(|e| e.1 == 0);
                let l = block[(next() % split as u64) as usize].2;
                let r = block[split + (next() % (block.len() - split) as u64) as usize].2;
                (l, r)
            } else {
                let i = (next() % block.len() as u64) as usize;
                let mut j = (next() % (block.len() as u64 - 1)) as usize;
                if j >= i {
                    j += 1;
                }
                (block[i].2, block[j].2)
            };
            if right.is_none() && a == b {
                continue;
            }
            let (a, b) = if right.is_none() {
                (a.min(b), a.max(b))
            } else {
                (a, b)
            };
            pairs.push(u64::from(a) << 32 | u64::from(b));
        }
        if draws > 0 {
            return RulePairs {
                pairs,
                total,
                skipped_blocks: 0,
                skipped_pairs: 0,
                keyed: keyed(HashSet::new()),
            };
        }
    }
    // Skip blocks over MAX_BLOCK, then the biggest until the rule is within its cap. A near
    // rule meets a pair once for every key it shares (up to six), so its cap is counted so.
    let cap = cap * width as u64;
    let mut skipped = HashSet::new();
    let mut skipped_pairs = 0;
    let mut total: u64 = blocks.iter().map(|b| b.2).sum();
    let mut by_size: Vec<usize> = (0..blocks.len()).collect();
    by_size.sort_by_key(|i| std::cmp::Reverse(blocks[*i].2));
    for i in by_size {
        let (s, e, count) = blocks[i];
        if rule.training_only || (e - s <= MAX_BLOCK && total <= cap) {
            break;
        }
        skipped.insert(entries[s].0);
        skipped_pairs += count;
        total -= count;
    }
    blocks.retain(|b| !skipped.contains(&entries[b.0].0));
    let mut pairs: Vec<u64> = blocks
        .par_iter()
        .flat_map_iter(|&(s, e, _)| {
            let block = &entries[s..e];
            let mut out = Vec::new();
            let take = |a: u32, b: u32, out: &mut Vec<u64>| {
                if let Some((c, l, r)) = near
                    && !within_slips(text(l, c, a as usize), text(r, c, b as usize))
                {
                    return;
                }
                out.push(u64::from(a) << 32 | u64::from(b));
            };
            if two_sided {
                let split = block.partition_point(|e| e.1 == 0);
                for l in &block[..split] {
                    for r in &block[split..] {
                        if right.is_some() {
                            take(l.2, r.2, &mut out);
                        } else if l.2 != r.2 {
                            take(l.2.min(r.2), l.2.max(r.2), &mut out);
                        }
                    }
                }
            } else {
                for (n, a) in block.iter().enumerate() {
                    for b in &block[n + 1..] {
                        take(a.2.min(b.2), a.2.max(b.2), &mut out);
                    }
                }
            }
            out
        })
        .collect();
    if (crosswise && right.is_none()) || width > 1 {
        // Both orientations of a pair may meet, and near ids meet in up to six blocks.
        pairs.par_sort_unstable();
        pairs.dedup();
        total = pairs.len() as u64;
    }
    RulePairs {
        pairs,
        total,
        skipped_blocks: skipped.len(),
        skipped_pairs,
        keyed: keyed(skipped),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &str = r#"
id = "id"
[[column]]
name = "given"
kind = "given_name"
[[column]]
name = "surname"
kind = "surname"
[[blocking]]
columns = ["given~surname"]
"#;

    /// The config's kinds and its first blocking rule.
    fn first_rule(config: &Config) -> (Vec<Kind>, Rule) {
        let kinds = config.columns.iter().map(|c| c.kind).collect();
        (kinds, Rule::new(&config.blocking[0], config, false))
    }

    /// A rule's pairs as (left, right) record numbers.
    fn left_right(got: &RulePairs) -> Vec<(u32, u32)> {
        got.pairs
            .iter()
            .map(|p| ((p >> 32) as u32, *p as u32))
            .collect()
    }

    #[test]
    fn a_near_rule_pairs_long_ids_two_slips_apart_and_short_ids_one_slip_apart() {
        let config = Config::parse(
            "id = \"id\"\n[[column]]\nname = \"nik\"\nkind = \"exact_id\"\n[[blocking]]\ncolumns = [\"nik:near\"]\n",
        )
        .unwrap();
        let ids = [
            "3201010101900001", // 0
            "3201010101900009", // 1: one slip from 0
            "9201010101900009", // 2: two slips from 0, in the first and last quarters
            "9201810101900009", // 3: three slips from 0, one in each of three quarters
            "92010101",         // 4
            "92010109",         // 5: one slip from 4
            "82010109",         // 6: two slips from 4, in the first and last thirds
            "",                 // 7: missing
            "3201010101977779", // 8: four slips from 0, in the last two quarters
        ];
        let table = Table::from_columns(
            (0..ids.len()).map(|i| format!("r{i}")).collect(),
            vec![ids.iter().map(|s| s.to_string()).collect()],
            &config,
        );
        let (kinds, rule) = first_rule(&config);
        let got = rule_pairs(&rule, &table, None, &kinds, 1_000, 1_000);
        let pairs = left_right(&got);
        // 1–2 and 2–3 are one slip apart, 1–3 two; 0–3 three slips apart share nothing; 0–8
        // share two quarters (a key) but are four slips apart; the short ids pair one slip
        // apart (4–5, 5–6) but not two (4–6).
        assert_eq!(
            pairs,
            vec![(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (4, 5), (5, 6)]
        );
        assert!(got.keyed.compared(0, 2) && !got.keyed.compared(0, 3));
        assert!(!got.keyed.compared(4, 6) && !got.keyed.compared(7, 0));
        assert!(!got.keyed.compared(0, 8) && !got.keyed.compared(8, 0));
    }

    #[test]
    fn within_slips_is_what_a_near_rule_means() {
        // A long id: up to two characters, anywhere.
        assert!(within_slips("3201010101900009", "3201010101900009"));
        assert!(within_slips("3201010101900009", "9201010101900008"));
        assert!(!within_slips("3201010101900009", "3201010101977779"));
        // A short id: one character, or two neighbours swapped.
        assert!(within_slips("92010101", "92010109"));
        assert!(within_slips("92010101", "92011001"));
        assert!(!within_slips("92010101", "82010109"));
        // Another length, or nothing, is never near.
        assert!(!within_slips("92010101", "920101011"));
        assert!(!within_slips("", ""));
    }

    #[test]
    fn a_crosswise_rule_pairs_names_written_the_other_way_round_and_nothing_else() {
        let config = Config::parse(NAMES).unwrap();
        let ids = (0..5).map(|i| format!("r{i}")).collect();
        let table = Table::from_columns(
            ids,
            vec![
                vec![
                    "Budi".into(),
                    "Santoso".into(),
                    "Budi".into(),
                    "Siti".into(),
                    "Santoso".into(),
                ],
                vec![
                    "Santoso".into(),
                    "Budi".into(),
                    "Santoso".into(),
                    "Aminah".into(),
                    "Budi".into(),
                ],
            ],
            &config,
        );
        let (kinds, rule) = first_rule(&config);
        assert_eq!(rule.blocked, vec![true, true]);
        let got = rule_pairs(&rule, &table, None, &kinds, 1_000, 1_000);
        let pairs = left_right(&got);
        // r0 and r2 are "Budi Santoso", r1 and r4 "Santoso Budi": four crosswise pairs, each
        // once, and neither the same-way pairs (0,2), (1,4) nor Siti Aminah.
        assert_eq!(pairs, vec![(0, 1), (0, 4), (1, 2), (2, 4)]);
        assert_eq!(got.total, 4);
        assert!(got.keyed.compared(0, 1) && got.keyed.compared(4, 2));
        assert!(!got.keyed.compared(0, 2) && !got.keyed.compared(3, 0));

        // Linking: the left's given name is the right's surname and the other way round.
        let right = Table::from_columns(
            vec!["x".into()],
            vec![vec!["Santoso".into()], vec!["Budi".into()]],
            &config,
        );
        let linked = rule_pairs(&rule, &table, Some(&right), &kinds, 1_000, 1_000);
        let lefts: Vec<u32> = linked.pairs.iter().map(|p| (p >> 32) as u32).collect();
        assert_eq!(lefts, vec![0, 2]);
    }

    #[test]
    fn a_rule_over_its_cap_skips_its_biggest_blocks_and_says_so() {
        let config = Config::parse(&NAMES.replace("given~surname", "surname")).unwrap();
        // 30 Santosos (435 pairs), 3 Aminahs (3 pairs).
        let mut given = Vec::new();
        let mut surname = Vec::new();
        for i in 0..33 {
            given.push(format!("G{i}"));
            surname.push(if i < 30 { "Santoso" } else { "Aminah" }.to_string());
        }
        let ids = (0..33).map(|i| format!("r{i}")).collect();
        let table = Table::from_columns(ids, vec![given, surname], &config);
        let (kinds, rule) = first_rule(&config);
        let all = rule_pairs(&rule, &table, None, &kinds, 1_000, 1_000);
        assert_eq!((all.total, all.skipped_blocks), (438, 0));
        let capped = rule_pairs(&rule, &table, None, &kinds, 100, 1_000);
        assert_eq!((capped.total, capped.pairs.len()), (3, 3));
        assert_eq!((capped.skipped_blocks, capped.skipped_pairs), (1, 435));
        assert!(!capped.keyed.compared(0, 1) && capped.keyed.compared(30, 31));
    }
}
