//! A harder file for record linkage than the register's own: person records in the shape of the
//! published benchmarks (FEBRL and its successors): given name, surname, five address columns,
//! birth date and an id number, where each duplicate carries one to nine modifications: typos,
//! spelling and phonetic variants, nicknames, given name and surname swapped, a move with every
//! address column different, a date with one digit wrong, day and month swapped or only the year
//! kept, missing values, a mistyped id. Names and places follow long-tailed frequencies, so a few
//! (Siti, Muhammad) are very common and most are rare. The ground truth says which records are one
//! person. The same seed and size always give the same files.

use std::collections::HashSet;
use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{Tradition, misspell, names};

/// The columns written, in order; `rec_id` is the record's id.
pub const COLUMNS: &[&str] = &[
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
];

/// What a user would write for these columns from their meaning alone.
pub const CONFIG: &str = r#"id = "rec_id"
[[column]]
name = "given_name"
kind = "given_name"
[[column]]
name = "surname"
kind = "surname"
[[column]]
name = "date_of_birth"
kind = "date"
[[column]]
name = "soc_sec_id"
kind = "exact_id"
[[column]]
name = "street_number"
kind = "categorical"
residence = true
[[column]]
name = "address_1"
kind = "address_text"
residence = true
[[column]]
name = "address_2"
kind = "address_text"
residence = true
[[column]]
name = "suburb"
kind = "address_text"
residence = true
[[column]]
name = "postcode"
kind = "code"
residence = true
[[column]]
name = "state"
kind = "categorical"
residence = true
"#;

/// One person's record as written.
#[derive(Debug, Clone)]
struct Record {
    given: String,
    surname: String,
    number: String,
    address_1: String,
    address_2: String,
    suburb: String,
    postcode: String,
    state: String,
    birth: String,
    id: String,
}

const SYLLABLES: &[&str] = &[
    "ba", "bu", "di", "du", "ha", "hen", "ja", "ju", "ka", "ko", "kur", "la", "li", "ma", "mi",
    "mul", "na", "ni", "nur", "pu", "pra", "ra", "ri", "ro", "sa", "se", "si", "su", "sur", "ta",
    "ti", "to", "tri", "wa", "wi", "ya", "yu", "dar", "har", "man", "mad", "rin", "tin", "yan",
    "wan", "jo", "gi", "go", "lan", "san", "dan", "rah", "fa", "fi", "zul", "ag", "ar", "in",
];
const ENDINGS: &[&str] = &[
    "", "", "", "o", "i", "a", "ah", "an", "ti", "ni", "wati", "yanto", "yati", "di", "ono",
];
const PROVINCES: &[&str] = &[
    "aceh",
    "sumatera utara",
    "sumatera barat",
    "riau",
    "jambi",
    "sumatera selatan",
    "bengkulu",
    "lampung",
    "bangka belitung",
    "kepulauan riau",
    "dki jakarta",
    "jawa barat",
    "jawa tengah",
    "di yogyakarta",
    "jawa timur",
    "banten",
    "bali",
    "nusa tenggara barat",
    "nusa tenggara timur",
    "kalimantan barat",
    "kalimantan tengah",
    "kalimantan selatan",
    "kalimantan timur",
    "sulawesi utara",
    "sulawesi tengah",
    "sulawesi selatan",
    "sulawesi tenggara",
    "gorontalo",
    "maluku",
    "papua",
];
const STREET_WORDS: &[&str] = &[
    "raya", "baru", "indah", "utara", "selatan", "timur", "barat",
];
const NICKNAMES: &[(&str, &str)] = &[
    ("Muhammad", "Mamat"),
    ("Abdul", "Dul"),
    ("Siti", "Ti"),
    ("Slamet", "Met"),
    ("Bambang", "Bams"),
    ("Agus", "Gus"),
    ("Rahmat", "Amat"),
    ("Sutrisno", "Tris"),
    ("Nurhayati", "Yati"),
    ("Sri", "Sri"),
];

/// A made-up word of two or three syllables, the same for the same `n`.
fn word(n: u64) -> String {
    let mut h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = || {
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 32;
        h
    };
    let parts = 2 + (next() % 2) as usize;
    let mut out = String::new();
    for _ in 0..parts {
        out.push_str(SYLLABLES[(next() % SYLLABLES.len() as u64) as usize]);
    }
    out.push_str(ENDINGS[(next() % ENDINGS.len() as u64) as usize]);
    capitalised(&out)
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A vocabulary with its most common words first: `head` (real names) then made-up ones up to
/// `size`, and a Zipf sampler over it.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(head: &[String], size: usize, salt: u64, exponent: f64) -> Vocabulary {
        let mut seen = HashSet::new();
        let mut words = Vec::with_capacity(size);
        for w in head {
            if seen.insert(w.clone()) {
                words.push(w.clone());
            }
        }
        let mut n = salt;
        while words.len() < size {
            let w = word(n);
            n += 1;
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|i| {
                total += 1.0 / ((i + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

fn real_words(male: bool) -> Vec<String> {
    let mut out = Vec::new();
    for t in [
        Tradition::Javanese,
        Tradition::Sundanese,
        Tradition::Malay,
        Tradition::Bugis,
        Tradition::Banjar,
        Tradition::Batak,
        Tradition::Minangkabau,
        Tradition::Balinese,
        Tradition::Minahasa,
        Tradition::Papuan,
        Tradition::NusaTenggaraChristian,
    ] {
        let list = names(t);
        let given = if male { list.male } else { list.female };
        for name in given {
            out.extend(name.split(' ').map(str::to_string));
        }
    }
    out
}

fn family_words() -> Vec<String> {
    let mut out = Vec::new();
    for t in [
        Tradition::Batak,
        Tradition::Minahasa,
        Tradition::Papuan,
        Tradition::NusaTenggaraChristian,
    ] {
        out.extend(names(t).family.iter().map(|s| s.to_string()));
    }
    out
}

struct Vocabularies {
    male: Vocabulary,
    female: Vocabulary,
    surname: Vocabulary,
    street: Vocabulary,
    suburb: Vocabulary,
}

fn address(
    v: &Vocabularies,
    rng: &mut ChaCha8Rng,
) -> (String, String, String, String, String, String) {
    let number = rng.random_range(1..400u32).to_string();
    let street = format!(
        "jalan {} {}",
        v.street.pick(rng).to_lowercase(),
        if rng.random_bool(0.3) {
            STREET_WORDS[rng.random_range(0..STREET_WORDS.len())]
        } else {
            ""
        }
    )
    .trim()
    .to_string();
    let second = match rng.random_range(0..10) {
        0..=4 => String::new(),
        5..=7 => format!(
            "rt {:02} rw {:02}",
            rng.random_range(1..20),
            rng.random_range(1..12)
        ),
        _ => format!(
            "blok {} no {}",
            (b'a' + rng.random_range(0..8u8)) as char,
            rng.random_range(1..40)
        ),
    };
    let suburb_index = {
        let s = v.suburb.pick(rng).to_string();
        (
            s.to_lowercase(),
            v.suburb.words.iter().position(|w| *w == s).unwrap_or(0),
        )
    };
    // A place's postcode and province follow from the place.
    let postcode = format!("{:05}", 10_000 + (suburb_index.1 * 7_919) % 89_999);
    let state = PROVINCES[(suburb_index.1 * 31) % PROVINCES.len()].to_string();
    (number, street, second, suburb_index.0, postcode, state)
}

/// A person's first record; `id` is random, so two persons almost never share one.
fn original(v: &Vocabularies, rng: &mut ChaCha8Rng, id: u64) -> Record {
    let male = rng.random_bool(0.5);
    let mut given = if male {
        v.male.pick(rng)
    } else {
        v.female.pick(rng)
    }
    .to_string();
    if rng.random_bool(0.25) {
        given = format!(
            "{given} {}",
            if male {
                v.male.pick(rng)
            } else {
                v.female.pick(rng)
            }
        );
    }
    let (number, address_1, address_2, suburb, postcode, state) = address(v, rng);
    let year = rng.random_range(1935..2016);
    let month = rng.random_range(1..=12u32);
    let day = rng.random_range(1..=28u32);
    let mut r = Record {
        given,
        surname: v.surname.pick(rng).to_string(),
        number,
        address_1,
        address_2,
        suburb,
        postcode,
        state,
        birth: format!("{year:04}{month:02}{day:02}"),
        id: id.to_string(),
    };
    // Values missing from the start, as in any register.
    for (field, p) in [
        (0, 0.01),
        (1, 0.03),
        (2, 0.02),
        (3, 0.02),
        (5, 0.02),
        (6, 0.02),
        (7, 0.05),
        (8, 0.02),
        (9, 0.03),
    ] {
        if rng.random_bool(p) {
            *field_mut(&mut r, field) = String::new();
        }
    }
    r
}

fn field_mut(r: &mut Record, field: usize) -> &mut String {
    match field {
        0 => &mut r.given,
        1 => &mut r.surname,
        2 => &mut r.number,
        3 => &mut r.address_1,
        4 => &mut r.address_2,
        5 => &mut r.suburb,
        6 => &mut r.postcode,
        7 => &mut r.state,
        8 => &mut r.birth,
        _ => &mut r.id,
    }
}

/// One keyboard slip: a letter inserted, dropped, replaced or two swapped.
fn typo(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 2 {
        return text.to_string();
    }
    let at = rng.random_range(0..chars.len());
    let letter = (b'a' + rng.random_range(0..26u8)) as char;
    match rng.random_range(0..4) {
        0 => chars.insert(at, letter),
        1 => {
            chars.remove(at);
        }
        2 => chars[at] = letter,
        _ => {
            let b = if at + 1 < chars.len() { at + 1 } else { at - 1 };
            chars.swap(at, b);
        }
    }
    chars.into_iter().collect()
}

fn digit_slip(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let digits: Vec<usize> = (0..chars.len())
        .filter(|i| chars[*i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return text.to_string();
    }
    let at = digits[rng.random_range(0..digits.len())];
    let was = chars[at];
    let mut now = was;
    while now == was {
        now = (b'0' + rng.random_range(0..10u8)) as char;
    }
    chars[at] = now;
    chars.into_iter().collect()
}

fn nickname(given: &str, rng: &mut ChaCha8Rng) -> String {
    let first = given.split(' ').next().unwrap_or(given);
    if let Some((_, short)) = NICKNAMES.iter().find(|(full, _)| *full == first) {
        return short.to_string();
    }
    // The usual Indonesian short form: the last syllables, or the first.
    let chars: Vec<char> = first.chars().collect();
    if chars.len() <= 4 {
        return first.to_string();
    }
    let short: String = if rng.random_bool(0.5) {
        chars[chars.len() - 4..].iter().collect()
    } else {
        chars[..4].iter().collect()
    };
    capitalised(&short.to_lowercase())
}

/// Applies one of the modifications a re-typed or re-collected record shows.
fn modify(r: &mut Record, v: &Vocabularies, rng: &mut ChaCha8Rng) {
    match rng.random_range(0..20) {
        0 | 1 => r.given = typo(&r.given, rng),
        2 | 3 => r.surname = typo(&r.surname, rng),
        4 => r.given = misspell(&r.given, rng.random()),
        5 => r.surname = misspell(&r.surname, rng.random()),
        6 => r.given = nickname(&r.given, rng),
        7 => std::mem::swap(&mut r.given, &mut r.surname),
        8 => {
            let field = rng.random_range(0..10);
            *field_mut(r, field) = String::new();
        }
        9 | 10 => r.birth = digit_slip(&r.birth, rng),
        11 => {
            // Day and month swapped, where both could be a month.
            if r.birth.len() == 8 && r.birth[6..8] <= *"12" {
                r.birth = format!("{}{}{}", &r.birth[..4], &r.birth[6..8], &r.birth[4..6]);
            } else {
                r.birth = digit_slip(&r.birth, rng);
            }
        }
        12 => {
            // Only the year is right (a date guessed from an age).
            if r.birth.len() == 8 {
                r.birth = format!("{}0101", &r.birth[..4]);
            }
        }
        13 | 14 => {
            // Moved: every address column is another.
            let (number, a1, a2, suburb, postcode, state) = address(v, rng);
            r.number = number;
            r.address_1 = a1;
            r.address_2 = a2;
            r.suburb = suburb;
            r.postcode = postcode;
            r.state = state;
        }
        15 => r.address_1 = typo(&r.address_1, rng),
        16 => r.suburb = typo(&r.suburb, rng),
        17 => r.postcode = digit_slip(&r.postcode, rng),
        18 => r.number = rng.random_range(1..400u32).to_string(),
        _ => r.id = digit_slip(&r.id, rng),
    }
}

/// Writes `records` person records to `out` (CSV with [`COLUMNS`]) and the truth (`rec_id,person`)
/// to `truth`. About 40 % of records are duplicates of another person's record, one to five per
/// person. Returns the number of persons.
pub fn generate(
    records: usize,
    seed: u64,
    out: &mut impl Write,
    truth: &mut impl Write,
) -> std::io::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let v = Vocabularies {
        male: Vocabulary::new(&real_words(true), 6_000, 1, 1.1),
        female: Vocabulary::new(&real_words(false), 6_000, 1_000_003, 1.1),
        surname: Vocabulary::new(&family_words(), 40_000, 2_000_003, 0.9),
        street: Vocabulary::new(&[], 8_000, 3_000_003, 0.8),
        suburb: Vocabulary::new(&[], 10_000, 4_000_003, 0.7),
    };
    let originals = (records as f64 * 0.6).ceil() as usize;
    let mut rows: Vec<(usize, Record)> = Vec::with_capacity(records);
    let mut people: Vec<Record> = Vec::with_capacity(originals);
    for p in 0..originals.min(records) {
        let id = rng.random_range(1_000_000_000_000_000..10_000_000_000_000_000);
        let r = original(&v, &mut rng, id);
        people.push(r.clone());
        rows.push((p, r));
    }
    let mut person = 0;
    while rows.len() < records {
        let copies = 1 + (0..4).take_while(|_| rng.random_bool(0.4)).count();
        for _ in 0..copies {
            if rows.len() >= records {
                break;
            }
            let mut r = people[person % people.len()].clone();
            let modifications = [30, 20, 14, 10, 8, 6, 5, 4, 3];
            let total: u32 = modifications.iter().sum();
            let mut x = rng.random_range(0..total);
            let mut k = 1;
            for (i, w) in modifications.iter().enumerate() {
                if x < *w {
                    k = i + 1;
                    break;
                }
                x -= w;
            }
            for _ in 0..k {
                modify(&mut r, &v, &mut rng);
            }
            rows.push((person % people.len(), r));
        }
        person += 1;
    }
    // Shuffled, so that a duplicate is not next to its original.
    for i in (1..rows.len()).rev() {
        let j = rng.random_range(0..=i);
        rows.swap(i, j);
    }
    let mut w = csv_writer(out);
    w.write_record(COLUMNS)?;
    let mut t = csv_writer(truth);
    t.write_record(["rec_id", "person"])?;
    for (n, (p, r)) in rows.iter().enumerate() {
        let rec_id = format!("rec-{n}");
        w.write_record([
            rec_id.as_str(),
            &r.given,
            &r.surname,
            &r.number,
            &r.address_1,
            &r.address_2,
            &r.suburb,
            &r.postcode,
            &r.state,
            &r.birth,
            &r.id,
        ])?;
        t.write_record([rec_id, p.to_string()])?;
    }
    w.flush()?;
    t.flush()?;
    Ok(people.len())
}

fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_files_and_every_duplicate_has_its_person() {
        let (mut a, mut ta, mut b, mut tb) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let persons = generate(2_000, 3, &mut a, &mut ta).unwrap();
        generate(2_000, 3, &mut b, &mut tb).unwrap();
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        assert_eq!(persons, 1_200);
        let text = String::from_utf8(a).unwrap();
        assert_eq!(text.lines().count(), 2_001);
        let truth = String::from_utf8(ta).unwrap();
        let mut per_person = std::collections::HashMap::<&str, usize>::new();
        for line in truth.lines().skip(1) {
            *per_person
                .entry(line.split(',').nth(1).unwrap())
                .or_default() += 1;
        }
        assert_eq!(per_person.len(), 1_200);
        assert_eq!(per_person.values().sum::<usize>(), 2_000);
        assert!(per_person.values().all(|n| (1..=6).contains(n)));
        // Common names are common and most are rare.
        let givens: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        let distinct: HashSet<&&str> = givens.iter().collect();
        assert!(
            distinct.len() > 500,
            "{} distinct given names",
            distinct.len()
        );
    }
}
