//! How two records compare, column by column: each column gives a level of agreement (0 missing,
//! 1 differ, higher is closer, the highest exact), and all columns' levels make one pattern
//! number. Also how common each record's value is in its column, for the term-frequency
//! adjustment of exact agreement (two Sitis agreeing say less than two Wiryosentonos).

use std::collections::HashMap;

use crate::config::{Config, Kind};
use crate::table::{Table, Values};

/// The number of levels above "missing" of a column of `kind`; the highest is exact agreement.
pub(crate) fn level_count(kind: Kind) -> u8 {
    match kind {
        Kind::PersonName | Kind::GivenName | Kind::Surname | Kind::Date => 5,
        Kind::ExactId => 4,
        Kind::AddressText | Kind::Code => 3,
        Kind::Categorical => 2,
    }
}

pub(crate) fn level_label(kind: Kind, level: u8) -> &'static str {
    match (kind, level) {
        (_, 0) => "missing",
        (_, 1) => "differ",
        (Kind::PersonName | Kind::GivenName | Kind::Surname, 2) => "alike",
        (Kind::PersonName | Kind::GivenName | Kind::Surname, 3) => "similar",
        (Kind::PersonName | Kind::GivenName | Kind::Surname, 4) => "close",
        (Kind::Date, 2) => "same year",
        (Kind::Date, 3) => "day and month swapped",
        (Kind::Date, 4) => "one digit apart",
        (Kind::ExactId, 2) => "two characters apart",
        (Kind::ExactId, 3) => "one character apart",
        (Kind::AddressText, 2) => "similar",
        (Kind::Code, 2) => "same prefix",
        _ => "exact",
    }
}

/// The radix of a column in the pattern number: its levels and "missing".
pub(crate) fn radix(kind: Kind) -> u32 {
    u32::from(level_count(kind)) + 1
}

/// Compares pairs of two tables (the same table in a dedupe).
pub(crate) struct Comparator<'a> {
    pub left: &'a Table,
    pub right: &'a Table,
    pub kinds: Vec<Kind>,
    /// For a given name, the surname column (and the other way round): a given name written
    /// where the surname belongs, and the surname where the given name, is a close agreement.
    partner: Vec<Option<usize>>,
}

impl<'a> Comparator<'a> {
    pub fn new(left: &'a Table, right: &'a Table, config: &Config) -> Comparator<'a> {
        let kinds: Vec<Kind> = config.columns.iter().map(|c| c.kind).collect();
        let find = |kind: Kind| kinds.iter().position(|k| *k == kind);
        let partner = kinds
            .iter()
            .map(|k| match k {
                Kind::GivenName => find(Kind::Surname),
                Kind::Surname => find(Kind::GivenName),
                _ => None,
            })
            .collect();
        Comparator {
            left,
            right,
            kinds,
            partner,
        }
    }

    /// The level of column `c` for records `a` (left) and `b` (right).
    pub fn level(&self, c: usize, a: usize, b: usize) -> u8 {
        let kind = self.kinds[c];
        match (&self.left.values[c], &self.right.values[c]) {
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
                    return 5;
                }
                if ls[a] == rs[b] {
                    return 4;
                }
                if let Some(p) = self.partner[c]
                    && let (
                        Values::Name { normalised: lp, .. },
                        Values::Name { normalised: rp, .. },
                    ) = (&self.left.values[p], &self.right.values[p])
                    && (*x == rp[b] || lp[a] == *y)
                {
                    return 4;
                }
                let jw = jaro_winkler(x, y);
                if jw >= 0.95 {
                    4
                } else if jw >= 0.88 {
                    3
                } else if jw >= 0.8 {
                    2
                } else if let Some(p) = self.partner[c]
                    && let (
                        Values::Name { normalised: lp, .. },
                        Values::Name { normalised: rp, .. },
                    ) = (&self.left.values[p], &self.right.values[p])
                    && (near_by(x, &rp[b]) || near_by(&lp[a], y))
                {
                    // Written in the other's place, and mistyped.
                    3
                } else if matches!(self.kinds[c], Kind::GivenName | Kind::PersonName)
                    && short_form(x, y)
                {
                    2
                } else {
                    1
                }
            }
            (Values::Date(l), Values::Date(r)) => match (l[a], r[b]) {
                (Some(x), Some(y)) if x == y => 5,
                (Some(x), Some(y)) => {
                    if one_digit_apart(x, y) {
                        4
                    } else if x.0 == y.0 && x.1 == y.2 && x.2 == y.1 {
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
                    Kind::AddressText if jaro_winkler(x, y) >= 0.9 => 2,
                    Kind::ExactId if one_character_apart(x, y) => 3,
                    Kind::ExactId if two_characters_apart(x, y) => 2,
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
    pub fn pattern(&self, a: u32, b: u32) -> u32 {
        let mut p = 0u32;
        let mut scale = 1u32;
        for (c, kind) in self.kinds.iter().enumerate() {
            p += u32::from(self.level(c, a as usize, b as usize)) * scale;
            scale *= radix(*kind);
        }
        p
    }
}

/// Jaro–Winkler similarity, exactly as `strsim::jaro_winkler`, without allocating for the
/// short ASCII texts names and addresses are (it is most of a run's comparing time).
pub(crate) fn jaro_winkler(x: &str, y: &str) -> f64 {
    let (a, b) = (x.as_bytes(), y.as_bytes());
    if a.len() > 64 || b.len() > 64 || !a.is_ascii() || !b.is_ascii() {
        return strsim::jaro_winkler(x, y);
    }
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let low = i.saturating_sub(range);
        let high = lb.min(i + range + 1);
        for (j, cb) in b.iter().enumerate().take(high).skip(low) {
            if b_flags >> j & 1 == 0 && ca == cb {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, ca) in a.iter().enumerate() {
        if a_flags >> i & 1 == 1 {
            while b_flags >> j & 1 == 0 {
                j += 1;
            }
            if *ca != b[j] {
                transpositions += 1;
            }
            j += 1;
        }
    }
    transpositions /= 2;
    let m = matches as f64;
    let jaro = (m / la as f64 + m / lb as f64 + (matches - transpositions) as f64 / m) / 3.0;
    if jaro > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(p, q)| p == q).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

/// Two names alike enough (Jaro–Winkler 0.88) to be one mistyped, tried only when they start
/// alike: most pairs of names are strangers, and this is asked of every one of them.
fn near_by(x: &str, y: &str) -> bool {
    x.as_bytes().first() == y.as_bytes().first() && !x.is_empty() && jaro_winkler(x, y) >= 0.88
}

/// One first name the short form of the other's, as people are called: the first or last
/// three letters or more of it ("Wati" for "Nursubauwati", "Met" for "Slamet", "Joko" for
/// "Jokowiyono").
fn short_form(x: &str, y: &str) -> bool {
    fn first(t: &str) -> &str {
        t.split(' ').next().unwrap_or(t)
    }
    let (x, y) = (first(x), first(y));
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    let letters = short.chars().count();
    letters >= 3
        && long.chars().count() >= letters + 2
        && (long.starts_with(short) || long.ends_with(short))
}

/// Two dates whose eight digits differ in one place.
fn one_digit_apart(x: (u16, u8, u8), y: (u16, u8, u8)) -> bool {
    let digits = |d: (u16, u8, u8)| {
        [
            d.0 / 1000,
            d.0 / 100 % 10,
            d.0 / 10 % 10,
            d.0 % 10,
            u16::from(d.1 / 10),
            u16::from(d.1 % 10),
            u16::from(d.2 / 10),
            u16::from(d.2 % 10),
        ]
    };
    let (a, b) = (digits(x), digits(y));
    a.iter().zip(&b).filter(|(p, q)| p != q).count() == 1
}

/// Two ids one keystroke apart: one character replaced, or two neighbours swapped.
fn one_character_apart(x: &str, y: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|i| a[*i] != b[*i]).collect();
    match differ.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Two ids of one length differing in two places: two slips, or a slip on top of a slip.
fn two_characters_apart(x: &str, y: &str) -> bool {
    x.chars().count() == y.chars().count()
        && x.chars().zip(y.chars()).filter(|(p, q)| p != q).count() == 2
}

/// The levels of a pattern number, first column first.
pub(crate) fn levels(kinds: &[Kind], pattern: u32) -> Vec<u8> {
    let mut p = pattern;
    let mut out = Vec::with_capacity(kinds.len());
    for kind in kinds {
        out.push((p % radix(*kind)) as u8);
        p /= radix(*kind);
    }
    out
}

/// For each column, how often each right-hand record's value occurs among the records a left
/// record is paired with at random: the share of the right table holding it (another record,
/// in a dedupe). `None` for a missing value.
pub(crate) fn value_shares(right: &Table, same_table: bool) -> Vec<Vec<Option<f32>>> {
    let others = if same_table {
        right.len().saturating_sub(1)
    } else {
        right.len()
    }
    .max(1) as f32;
    let own = u32::from(same_table);
    right
        .values
        .iter()
        .map(|values| match values {
            Values::Name { normalised, .. } => shares(normalised, own, others),
            Values::Text(texts) => shares(texts, own, others),
            Values::Date(dates) => {
                let mut counts: HashMap<(u16, u8, u8), u32> = HashMap::new();
                for d in dates.iter().flatten() {
                    *counts.entry(*d).or_default() += 1;
                }
                dates
                    .iter()
                    .map(|d| d.map(|d| ((counts[&d] - own).max(1) as f32) / others))
                    .collect()
            }
        })
        .collect()
}

fn shares(texts: &[Box<str>], own: u32, others: f32) -> Vec<Option<f32>> {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for t in texts.iter().filter(|t| !t.is_empty()) {
        *counts.entry(t).or_default() += 1;
    }
    texts
        .iter()
        .map(|t| (!t.is_empty()).then(|| ((counts[&**t] - own).max(1) as f32) / others))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn jaro_winkler_is_strsims(x in "[a-e ]{0,12}", y in "[a-e ]{0,12}", z in "\\PC{0,5}") {
            prop_assert_eq!(jaro_winkler(&x, &y), strsim::jaro_winkler(&x, &y));
            prop_assert_eq!(jaro_winkler(&z, &x), strsim::jaro_winkler(&z, &x));
        }
    }

    #[test]
    fn dates_and_ids_one_slip_apart() {
        assert!(one_digit_apart((1953, 4, 13), (1953, 4, 18)));
        assert!(one_digit_apart((1953, 4, 13), (1958, 4, 13)));
        assert!(!one_digit_apart((1953, 4, 13), (1953, 13, 4)));
        assert!(one_character_apart("3507123", "3507124"));
        assert!(!one_character_apart("3507123", "3571023"));
        assert!(one_character_apart("3507123", "3570123"));
        assert!(!one_character_apart("3507123", "350712"));
        assert!(short_form("wati", "nursubauwati"));
        assert!(short_form("slamet riyadi", "met"));
        assert!(short_form("joko", "jokowiyono"));
        assert!(!short_form("joko", "jokow"));
        assert!(!short_form("ti", "siti"));
        assert!(!short_form("budi", "joko"));
        assert!(two_characters_apart("3507123", "3517124"));
        assert!(!two_characters_apart("3507123", "3507124"));
        assert!(!two_characters_apart("3507123", "3571023"));
        assert!(!two_characters_apart("3507123", "35071234"));
    }
}
