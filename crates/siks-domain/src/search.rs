//! What an operator types into the household search box, parsed once: a 16-digit number (NIK or
//! No KK), an RT/RW, or the start of a name; and the folded form of names that search compares.

/// A parsed search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// Sixteen digits: a NIK or a No KK.
    IdNumber(String),
    /// `RT 3`, `RW 2`, `RT 3 RW 2` or `003/002`, numbers as written locally (padded to 3 digits).
    RtRw {
        rt: Option<String>,
        rw: Option<String>,
    },
    /// The start of a member's name (folded).
    Text(String),
    /// Part of the street address or local unit (folded); built from the address field of a
    /// search form, not by [`SearchQuery::parse`].
    Address(String),
}

/// A name as search compares it: the linkage crate's Indonesian normalisation (lower case,
/// titles dropped, Muhamad = Muhammad = Moh., the old spelling oe/dj/tj modernised, doubled
/// letters single), words in the order written.
pub fn name_key(name: &str) -> String {
    siks_match::normalise::name(name)
}

/// [`name_key`] with its words in alphabetical order: "Aminah Siti" finds "Siti Aminah".
pub fn name_sorted(name: &str) -> String {
    siks_match::normalise::sorted_tokens(&name_key(name))
}

/// Text folded for an address search: lower case, single spaces.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text range `[low, high)` holding every key that starts with `prefix`.
pub fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

fn pad(n: &str) -> Option<String> {
    let n = n.trim();
    (!n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{:0>3}", n))
}

impl SearchQuery {
    /// An address search, `None` for an empty text.
    pub fn address(text: &str) -> Option<SearchQuery> {
        let key = fold(text);
        (!key.is_empty()).then_some(SearchQuery::Address(key))
    }

    /// `None` for an empty text.
    pub fn parse(text: &str) -> Option<SearchQuery> {
        let raw = text;
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 16 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SearchQuery::IdNumber(compact));
        }
        if let Some((rt, rw)) = compact.split_once('/')
            && let (Some(rt), Some(rw)) = (pad(rt), pad(rw))
        {
            return Some(SearchQuery::RtRw {
                rt: Some(rt),
                rw: Some(rw),
            });
        }
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let (mut rt, mut rw, mut ok) = (None, None, !words.is_empty());
        let mut i = 0;
        while i < words.len() && ok {
            let (key, value) = match words[i] {
                w @ ("rt" | "rw") if i + 1 < words.len() => {
                    i += 1;
                    (w, words[i])
                }
                w if (w.starts_with("rt") || w.starts_with("rw")) && w.len() > 2 => {
                    (&w[..2], &w[2..])
                }
                _ => ("", ""),
            };
            match (key, pad(value.trim_start_matches(['.', ':']))) {
                ("rt", Some(v)) => rt = Some(v),
                ("rw", Some(v)) => rw = Some(v),
                _ => ok = false,
            }
            i += 1;
        }
        if ok && (rt.is_some() || rw.is_some()) {
            return Some(SearchQuery::RtRw { rt, rw });
        }
        // The last word may still be being typed ("Siti Am"): it is a start of a word, not an
        // abbreviation to expand. A word ended by a space or a dot ("Moh. ") is whole.
        let whole = raw.ends_with(|c: char| c.is_whitespace() || c == '.');
        let key = match text.rsplit_once(char::is_whitespace) {
            _ if whole => name_key(text),
            Some((before, last)) => {
                let before = name_key(before);
                let last = siks_match::normalise::word_start(last);
                [before, last]
                    .into_iter()
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            None => siks_match::normalise::word_start(text),
        };
        // A text with no letters (a short number) is looked for as written, without LIKE's own
        // wildcards: it matches no name.
        Some(SearchQuery::Text(if key.is_empty() {
            fold(text).replace(['%', '_'], "")
        } else {
            key
        }))
    }

    /// The words of a name search in alphabetical order, when there are two or more: the key of
    /// the search in any word order.
    pub fn sorted_words(&self) -> Option<String> {
        match self {
            SearchQuery::Text(key) if key.contains(' ') => {
                Some(siks_match::normalise::sorted_tokens(key))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_texts_are_told_apart() {
        assert_eq!(
            SearchQuery::parse(" 3523 0112 0385 0001 "),
            Some(SearchQuery::IdNumber("3523011203850001".into()))
        );
        assert_eq!(
            SearchQuery::parse("RT 3 RW 12"),
            Some(SearchQuery::RtRw {
                rt: Some("003".into()),
                rw: Some("012".into())
            })
        );
        assert_eq!(
            SearchQuery::parse("rw.2"),
            Some(SearchQuery::RtRw {
                rt: None,
                rw: Some("002".into())
            })
        );
        assert_eq!(
            SearchQuery::parse("003/002"),
            Some(SearchQuery::RtRw {
                rt: Some("003".into()),
                rw: Some("002".into())
            })
        );
        assert_eq!(
            SearchQuery::parse("  Siti   Aminah "),
            Some(SearchQuery::Text("siti aminah".into()))
        );
        assert_eq!(
            SearchQuery::parse("RT Baru"),
            Some(SearchQuery::Text("rt baru".into()))
        );
        assert_eq!(SearchQuery::parse("   "), None);
        assert_eq!(
            SearchQuery::parse("12345"),
            Some(SearchQuery::Text("12345".into()))
        );
    }

    #[test]
    fn spelling_variants_search_alike() {
        let key = |t: &str| match SearchQuery::parse(t) {
            Some(SearchQuery::Text(k)) => k,
            other => panic!("{t}: {other:?}"),
        };
        // A word still being typed is the start of a word, not an abbreviation: "M" finds
        // Maryam, "Moh" finds Mohtar; ended by a dot or a space it is the abbreviation.
        assert_eq!(key("M"), "m");
        assert_eq!(key("Moh"), "moh");
        assert_eq!(key("Moh. "), key("Muhammad"));
        assert_eq!(key("Siti Am"), "siti am");
        assert_eq!(key("Soe"), "su");
        assert_eq!(key("Muhammad Riz"), format!("{} riz", key("Muhammad ")));
        let muhammad = key("Muhammad Rizki");
        for variant in [
            "Muhamad Rizki",
            "Moh. Rizki",
            "Mohammad  rizki",
            "M. Rizki",
            "H. Muhammad Rizki",
        ] {
            assert_eq!(key(variant), muhammad, "{variant}");
        }
        assert_eq!(key("Soekarno"), key("Sukarno"));
        assert_eq!(key("Djoko Tjahjono"), key("Joko Cahyono"));
        // The same name in either word order has one sorted key.
        assert_eq!(
            SearchQuery::parse("Aminah Siti").unwrap().sorted_words(),
            Some(name_sorted("Siti Aminah"))
        );
        assert_eq!(SearchQuery::parse("Siti").unwrap().sorted_words(), None);
    }

    #[test]
    fn prefix_ranges_hold_their_prefix() {
        let (low, high) = prefix_range("siti");
        for name in ["siti", "siti aminah", "sitiz"] {
            assert!(name >= low.as_str() && name < high.as_str());
        }
        assert!("sitj" >= high.as_str() || "sitj" < low.as_str());
    }
}
