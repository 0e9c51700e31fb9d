//! Indonesian names and dates as written in registers, brought to one form before comparing:
//! case, punctuation and spacing; titles and honorifics (H., Hj., Drs., S.Pd., Ir., …); the
//! spelling variants of the old and new orthography (oe/u, dj/j, tj/c, ch/kh, sj/sy, nj/ny) and of
//! common names (Muhammad/Muhamad/Mohammad/Moh./M., Siti/St., Abdul/Abd., Achmad/Ahmad); dates
//! written in several ways. Word order is kept apart: `sorted_tokens` gives an order-free key.

/// Titles and honorifics that say nothing about who a person is. Compared after lowercasing and
/// removing dots, so `S.Pd.` is `spd`. `st` is not here: before a name it abbreviates Siti,
/// after one it is the title S.T.
const TITLES: &[&str] = &[
    "h",
    "hj",
    "hajjah",
    "haji",
    "kh",
    "drs",
    "dra",
    "dr",
    "ir",
    "prof",
    "spd",
    "spdi",
    "sag",
    "se",
    "sh",
    "sos",
    "ssos",
    "skom",
    "sip",
    "sk",
    "skm",
    "sked",
    "sp",
    "ssi",
    "amd",
    "amk",
    "mpd",
    "mm",
    "msi",
    "mag",
    "mh",
    "mt",
    "bsc",
    "ba",
    "raden",
    "rr",
    "ny",
    "nn",
    "tn",
    "bpk",
    "ibu",
    "bapak",
    "almarhum",
    "alm",
    "almh",
    "almarhumah",
];

/// Whole-word variants and abbreviations, to the form used here.
const WORDS: &[(&str, &str)] = &[
    ("muhamad", "muhammad"),
    ("muhammad", "muhammad"),
    ("mohammad", "muhammad"),
    ("mohamad", "muhammad"),
    ("mochammad", "muhammad"),
    ("mochamad", "muhammad"),
    ("mokhammad", "muhammad"),
    ("muchammad", "muhammad"),
    ("muchamad", "muhammad"),
    ("moh", "muhammad"),
    ("muh", "muhammad"),
    ("mhd", "muhammad"),
    ("mhmd", "muhammad"),
    ("m", "muhammad"),
    ("siti", "siti"),
    ("sitti", "siti"),
    ("abd", "abdul"),
    ("abdul", "abdul"),
    ("achmad", "ahmad"),
    ("akhmad", "ahmad"),
    ("ahmad", "ahmad"),
    ("nur", "nur"),
    ("noer", "nur"),
    ("nurul", "nurul"),
];

/// Letters of the old spelling (before 1972) and their modern form, applied inside words.
const SPELLING: &[(&str, &str)] = &[
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    // The old j was the modern y; after h it cannot be the modern j (Wahjudi, Tjahjono).
    ("hj", "hy"),
    ("ch", "kh"),
    ("sj", "sy"),
    ("nj", "ny"),
];

/// A name in one form: lowercase ASCII words of letters, titles dropped, variants unified,
/// old spelling modernised, doubled letters and a final `h` kept out of the way of typos.
pub fn name(raw: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    // Letters and spaces only; dots and commas separate words ("H.Ahmad" is two words), but a
    // title written with dots (`S.Pd.`) is one word first.
    let lowered = raw.to_lowercase();
    for chunk in lowered.split(|c: char| c.is_whitespace() || c == ',') {
        let undotted: String = chunk.chars().filter(|c| c.is_alphabetic()).collect();
        if undotted.is_empty() {
            continue;
        }
        // `S.T.` (with the inner dot) is the title; `St.` is Siti.
        if chunk.contains('.')
            && (TITLES.contains(&undotted.as_str()) || chunk.trim_end_matches('.') == "s.t")
        {
            continue;
        }
        for part in chunk.split(|c: char| !c.is_alphabetic()) {
            let part: String = part.chars().map(fold_letter).collect();
            if part.is_empty() {
                continue;
            }
            words.push(part);
        }
    }
    let count = words.len();
    let mut out = String::with_capacity(raw.len());
    for (i, word) in words.iter().enumerate() {
        // A title word is dropped unless it is the whole name.
        if count > 1 && TITLES.contains(&word.as_str()) {
            continue;
        }
        let word = match (word.as_str(), i + 1 < count) {
            ("st", true) => "siti".to_string(),
            ("st", false) if count > 1 => continue,
            _ => word.clone(),
        };
        let word = WORDS
            .iter()
            .find(|(from, _)| *from == word)
            .map(|(_, to)| to.to_string())
            .unwrap_or(word);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&modern_spelling(&word));
    }
    out
}

/// Accented letters to their base letter; anything else kept.
fn fold_letter(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        other => other,
    }
}

fn modern_spelling(word: &str) -> String {
    let mut w = word.to_string();
    for (old, new) in SPELLING {
        if w.contains(old) {
            w = w.replace(old, new);
        }
    }
    // Doubled letters are a common typo and a common variant (Sitti, Mohammad).
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// The start of a word still being typed, in the form [`name`] gives whole words, as far as its
/// letters go: lower case, accents dropped, the old spelling modernised and doubled letters single
/// ("Soe" → "su", "Muhamm" → "muham"), but no abbreviation expanded ("M" stays "m", so that it
/// still finds Maryam).
pub fn word_start(partial: &str) -> String {
    let letters: String = partial
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(fold_letter)
        .collect();
    modern_spelling(&letters)
}

/// The same name with its words in alphabetical order: "Aminah Siti" and "Siti Aminah" agree.
pub fn sorted_tokens(normalised: &str) -> String {
    let mut words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.join(" ")
}

/// A short sound key of a word for blocking: first letter, then consonant classes with vowels,
/// `h`, `w` and `y` dropped and repeats merged (a Soundex for Indonesian spelling).
pub fn sound_key(word: &str) -> String {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let class = |c: char| match c {
        'b' | 'f' | 'p' | 'v' => Some('1'),
        'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => Some('2'),
        'd' | 't' => Some('3'),
        'l' => Some('4'),
        'm' | 'n' => Some('5'),
        'r' => Some('6'),
        _ => None,
    };
    let mut key = String::with_capacity(4);
    key.push(first);
    let mut last = class(first);
    for c in chars {
        let k = class(c);
        if let Some(digit) = k
            && k != last
        {
            key.push(digit);
            if key.len() == 4 {
                break;
            }
        }
        last = k;
    }
    key
}

/// A calendar date read from the usual ways of writing one: `YYYY-MM-DD`, `DD-MM-YYYY`,
/// `DD/MM/YYYY`, `YYYYMMDD`. `None` when it is none of those or not a date.
pub fn date(raw: &str) -> Option<(u16, u8, u8)> {
    date_as_written(raw).filter(|(y, m, d)| {
        (1800..=2200).contains(y) && (1..=12).contains(m) && (1..=31).contains(d)
    })
}

/// A date's year, month and day as written, in the same shapes as [`date`], kept even when no
/// calendar has it: a month 26 or a year 4987 is one mistyped digit, and the other seven still
/// say whose date it was. `None` when it is not written as a date at all.
pub fn date_as_written(raw: &str) -> Option<(u16, u8, u8)> {
    let t = raw.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        [d, m, y] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        [one] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => (
            one[..4].parse().ok()?,
            one[4..6].parse().ok()?,
            one[6..].parse().ok()?,
        ),
        _ => return None,
    };
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_case_and_punctuation_go() {
        assert_eq!(name("H. Ahmad Sutrisno, S.Pd."), "ahmad sutrisno");
        assert_eq!(name("Hj. SITI   Aminah"), "siti aminah");
        assert_eq!(name("Drs. Bambang  Ir"), "bambang");
        assert_eq!(name("dr. Wayan"), "wayan");
        assert_eq!(name("Budi Santoso, S.T."), "budi santoso");
    }

    #[test]
    fn spelling_variants_meet() {
        for (a, b) in [
            ("Muhammad Nur", "Muhamad Nur"),
            ("Mohammad Noer", "Moh. Nur"),
            ("M. Nur", "Muhammad Nur"),
            ("Siti Aminah", "St. Aminah"),
            ("Soekarno", "Sukarno"),
            ("Djoko", "Joko"),
            ("Tjahjono", "Cahyono"),
            ("Achmad", "Ahmad"),
            ("Sitti Nurhaliza", "Siti Nurhaliza"),
        ] {
            assert_eq!(name(a), name(b), "{a} / {b}");
        }
        assert_ne!(name("Siti Aminah"), name("Siti Aisyah"));
    }

    #[test]
    fn word_order_is_a_separate_key() {
        assert_eq!(
            sorted_tokens(&name("Aminah Siti")),
            sorted_tokens(&name("Siti Aminah"))
        );
    }

    #[test]
    fn sound_keys_forgive_vowels_and_doubling() {
        assert_eq!(sound_key("sutrisno"), sound_key("sutresno"));
        assert_eq!(sound_key("wahyudi"), sound_key("wahyudy"));
        assert_ne!(sound_key("budi"), sound_key("joko"));
    }

    #[test]
    fn dates_are_read_in_the_usual_ways() {
        assert_eq!(date("1985-03-12"), Some((1985, 3, 12)));
        assert_eq!(date("12-03-1985"), Some((1985, 3, 12)));
        assert_eq!(date("12/03/1985"), Some((1985, 3, 12)));
        assert_eq!(date("19850312"), Some((1985, 3, 12)));
        assert_eq!(date("1985-13-12"), None);
        assert_eq!(date(""), None);
    }

    #[test]
    fn a_date_with_a_slipped_digit_is_kept_as_written() {
        assert_eq!(date_as_written("19852612"), Some((1985, 26, 12)));
        assert_eq!(date_as_written("49850312"), Some((4985, 3, 12)));
        assert_eq!(date_as_written("12-13-1985"), Some((1985, 13, 12)));
        assert_eq!(date_as_written("1985-3-12"), Some((1985, 3, 12)));
        assert_eq!(date_as_written("1985312"), None);
        assert_eq!(date_as_written("1985-312-1"), None);
        assert_eq!(date_as_written("not a date"), None);
        assert_eq!(date_as_written(""), None);
    }
}
