//! The linkage engine end to end on small CSV tables: duplicates found and explained, links
//! across two files, clusters, and bad input refused with the file, line and reason.

use siks_match::{Config, Kind, Table, dedupe, link};

const CONFIG: &str = r#"
id = "id"
[[column]]
name = "name"
kind = "person_name"
[[column]]
name = "born"
kind = "date"
[[column]]
name = "sex"
kind = "categorical"
[[column]]
name = "mother"
kind = "person_name"
[[column]]
name = "place"
kind = "address_text"
"#;

/// Forty distinct people, then the same person written three other ways, and strangers who
/// share a birthday and sex with someone.
fn people() -> String {
    let given = [
        "Sutrisno", "Wahyudi", "Bambang", "Suparman", "Joko", "Agus", "Budi", "Teguh", "Imam",
        "Slamet",
    ];
    let family = ["Santoso", "Prasetyo", "Hidayat", "Wibowo"];
    let mothers = ["Sulastri", "Sumiati", "Endang", "Kasmini", "Sri Rahayu"];
    let places = ["Tuban", "Lamongan", "Bojonegoro", "Gresik", "Surabaya"];
    let mut rows = String::from("id,name,born,sex,mother,place\n");
    for i in 0..40 {
        rows.push_str(&format!(
            "p{i},{} {},19{:02}-0{}-1{},1,{},{}\n",
            given[i % 10],
            family[i / 10],
            50 + i,
            1 + i % 9,
            i % 10,
            mothers[i % 5],
            places[(i / 5) % 5]
        ));
    }
    // p3 is "Suparman Santoso", 1953-04-13, mother Kasmini, Tuban.
    rows.push_str("d1,\"Soeparman Santoso, S.Pd.\",13-04-1953,1,Kasmini,TUBAN\n");
    rows.push_str("d2,Santoso Suparman,1953-04-13,1,Kasmini,Tuban\n");
    rows.push_str("d3,H. Suparmann Santoso,1953-04-13,1,Kasmini,Tuban\n");
    // Strangers on p3's birthday.
    rows.push_str("s1,Sugeng Riyadi,1953-04-13,1,Wartini,Gresik\n");
    rows.push_str("s2,Suparti,1953-04-13,2,Kasmini,Tuban\n");
    rows
}

fn table(csv: &str, config: &Config) -> Table {
    Table::from_csv(csv.as_bytes(), "uji.csv", config).unwrap()
}

#[test]
fn the_same_person_written_four_ways_is_one_cluster_and_strangers_are_not() {
    let config = Config::parse(CONFIG).unwrap();
    let t = table(&people(), &config);
    let outcome = dedupe(&t, &config);
    let id = |name: &str| t.ids.iter().position(|i| i == name).unwrap();
    let clusters = outcome.clusters(t.len());
    let same = |a: &str, b: &str| clusters[id(a)] == clusters[id(b)];
    for d in ["d1", "d2", "d3"] {
        assert!(same("p3", d), "{d} is p3\n{}", outcome.model.describe());
    }
    for s in ["s1", "s2", "p4", "p13"] {
        assert!(!same("p3", s), "{s} is not p3");
    }
    // Every compared pair is written, and each explains itself.
    let mut out = Vec::new();
    let written = outcome.write_pairs(&mut out, &t, &t, 0.0, true).unwrap();
    assert_eq!(written as usize, outcome.pairs.len());
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("id_l,id_r,score,why\n"));
    let line = text
        .lines()
        .find(|l| l.starts_with("p3,d2,") || l.starts_with("d2,p3,"))
        .unwrap_or_else(|| panic!("p3 and d2 compared:\n{text}"));
    assert!(line.contains("born=exact"), "{line}");
    // Strangers of another sex are never compared (blocked apart).
    assert!(!text.contains("s2,p3") && !text.contains("p3,s2"));
}

#[test]
fn a_list_links_to_the_register() {
    let config = Config::parse(CONFIG).unwrap();
    let register = table(&people(), &config);
    let list = "id,name,born,sex,mother,place\n\
                x1,Bambang Santoso,1952-03-12,1,Endang,Tuban\n\
                x2,Nobody Known,1999-09-09,1,Endang,Tuban\n";
    let list = table(list, &config);
    let outcome = link(&register, &list, &config);
    let matched: Vec<(String, String)> = outcome
        .pairs
        .iter()
        .filter(|p| p.score >= outcome.threshold)
        .map(|p| {
            (
                register.ids[p.left as usize].clone(),
                list.ids[p.right as usize].clone(),
            )
        })
        .collect();
    assert_eq!(matched, vec![("p2".to_string(), "x1".to_string())]);
}

#[test]
fn bad_input_is_refused_with_its_place_and_an_empty_file_is_empty() {
    let config = Config::parse(CONFIG).unwrap();
    let missing = Table::from_csv("id,name,born\n".as_bytes(), "a.csv", &config).unwrap_err();
    assert_eq!(missing.to_string(), "a.csv: no column 'sex' in the header");
    let short = "id,name,born,sex,mother,place\np1,Budi,1970-01-01,1\n";
    let err = Table::from_csv(short.as_bytes(), "b.csv", &config).unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.csv, line 2: 4 fields where the header has 6"
    );
    let latin1: &[u8] = b"id,name,born,sex,mother,place\np1,Jos\xe9,1970-01-01,1,Ani,Tuban\n";
    let err = Table::from_csv(latin1, "c.csv", &config).unwrap_err();
    assert!(
        err.to_string().starts_with("c.csv, line 2: not UTF-8"),
        "{err}"
    );
    let empty = Table::from_csv("".as_bytes(), "d.csv", &config).unwrap();
    assert!(empty.is_empty());
    let outcome = dedupe(&empty, &config);
    assert!(outcome.pairs.is_empty());
    let headers_only = table("id,name,born,sex,mother,place\n", &config);
    assert!(dedupe(&headers_only, &config).pairs.is_empty());
}

#[test]
fn name_similarity_sees_through_titles_spelling_and_order() {
    let same = siks_match::name_similarity("H. Moh. Soekarno", "Sukarno Muhammad");
    assert!(same >= 0.95, "{same}");
    let other = siks_match::name_similarity("Sutrisno Hadi", "Hendra Gunawan");
    assert!(other < 0.85, "{other}");
    assert_eq!(siks_match::name_similarity("", "Budi"), 0.0);
}

const IDS: &str = r#"
id = "id"
[[column]]
name = "name"
kind = "person_name"
[[column]]
name = "born"
kind = "date"
[[column]]
name = "nik"
kind = "exact_id"
"#;

/// A made-up word of `count` syllables: `n` written in base `syllables.len()`, a syllable a
/// digit, lowest first.
fn syllable_word(syllables: &[&str], n: usize, count: u32) -> String {
    (0..count)
        .map(|k| syllables[(n / syllables.len().pow(k)) % syllables.len()])
        .collect()
}

/// `persons` people with unique ids, names and birthdays, every second one twice (same id,
/// name mistyped half the time).
fn with_duplicates(persons: usize) -> String {
    let syllables = [
        "su", "par", "man", "ti", "ah", "wi", "do", "ra", "ni", "ko", "jo", "yo",
    ];
    let mut rows = String::from("id,name,born,nik\n");
    for i in 0..persons {
        let word = |n: usize| syllable_word(&syllables, n, 3);
        let name = format!("{} {}", word(i), word(i * 7 + 3));
        let born = format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28);
        let nik = 3_500_000_000_000_000u64 + (i as u64) * 7_919_813;
        rows.push_str(&format!("p{i},{name},{born},{nik}\n"));
        if i % 2 == 0 {
            let again = if i % 4 == 0 { format!("{name}h") } else { name };
            rows.push_str(&format!("d{i},{again},{born},{nik}\n"));
        }
    }
    rows
}

#[test]
fn u_comes_from_truly_random_pairs_so_a_unique_id_is_strong_evidence() {
    // 4,500 records (a third of them duplicates): more pairs than are drawn for u, so u is
    // sampled, never counted over every pair.
    let config = Config::parse(IDS).unwrap();
    let t = table(&with_duplicates(3_000), &config);
    let outcome = dedupe(&t, &config);
    let exact = siks_match::exact_level(Kind::ExactId) as usize;
    let u = outcome.model.u[2][exact];
    assert!(
        u < 0.001,
        "u of an id unique per person: {u}\n{}",
        outcome.model.describe()
    );
    assert!(
        outcome.model.u_pairs >= 1_000_000,
        "{}",
        outcome.model.u_pairs
    );
    // The id learnt its m from the rules that do not block on it.
    let m = outcome.model.m[2][exact];
    assert!(m > 0.9, "m of the id: {m}\n{}", outcome.model.describe());
    // Every duplicate is found and nothing else.
    let above: Vec<_> = outcome
        .pairs
        .iter()
        .filter(|p| p.score >= outcome.threshold)
        .collect();
    assert_eq!(above.len(), 1_500, "{}", outcome.model.describe());
    assert!(
        above
            .iter()
            .all(|p| t.ids[p.left as usize][1..] == t.ids[p.right as usize][1..])
    );
    // The prior is near the truth: 1,500 matching pairs among all pairs.
    let truth = 1_500.0 / (4_500.0 * 4_499.0 / 2.0);
    let ratio = outcome.model.lambda / truth;
    assert!(
        (0.5..2.0).contains(&ratio),
        "prior {} against {truth}",
        outcome.model.lambda
    );
}

#[test]
fn a_degenerate_fit_is_a_warning_that_names_its_rule_or_column() {
    // Pairs of one rule that are all exact copies: its share of matches is pinned at 1.
    let config = Config::parse(&format!(
        "{IDS}\n[[blocking]]\ncolumns = [\"nik\"]\n[[blocking]]\ncolumns = [\"born\"]\n"
    ))
    .unwrap();
    let mut rows = String::from("id,name,born,nik\n");
    for i in 0..300 {
        let (name, born, nik) = (
            format!("Orang Nomor{i}"),
            format!("1970-01-{:02}", 1 + i % 28),
            1000 + i,
        );
        rows.push_str(&format!(
            "a{i},{name},{born},{nik}\nb{i},{name},{born},{nik}\n"
        ));
    }
    let outcome = dedupe(&table(&rows, &config), &config);
    let said: Vec<&str> = outcome
        .warnings
        .iter()
        .map(|w| w.english.as_str())
        .collect();
    assert!(
        said.iter()
            .any(|w| w.starts_with("rule nik:") && w.contains("pinned")),
        "{said:?}"
    );
    assert!(outcome.warnings.iter().all(|w| !w.indonesian.is_empty()));

    // A column on which matches disagree more often than strangers: left out, and said.
    let config = Config::parse(&format!(
        "{IDS}\n[[column]]\nname = \"flag\"\nkind = \"categorical\"\n\
         [[blocking]]\ncolumns = [\"nik\"]\n[[blocking]]\ncolumns = [\"born\"]\n"
    ))
    .unwrap();
    let mut rows = String::from("id,name,born,nik,flag\n");
    for (n, line) in with_duplicates(1_500).lines().skip(1).enumerate() {
        // Originals say 0 and 1 in turn; each duplicate says the other.
        let flag = if line.starts_with('d') {
            1 - (n + 1) % 2
        } else {
            n % 2
        };
        rows.push_str(&format!("{line},{flag}\n"));
    }
    let outcome = dedupe(&table(&rows, &config), &config);
    let said: Vec<&str> = outcome
        .warnings
        .iter()
        .map(|w| w.english.as_str())
        .collect();
    assert!(
        said.iter()
            .any(|w| w.starts_with("column flag:") && w.contains("left out")),
        "{said:?}\n{}",
        outcome.model.describe()
    );
    assert_eq!(outcome.model.weight(3, 2), 0.0);

    // One column that tells nobody apart: every pair accepted is a warning, not a success.
    let config =
        Config::parse("id = \"id\"\n[[column]]\nname = \"sex\"\nkind = \"categorical\"\n").unwrap();
    let mut rows = String::from("id,sex\n");
    for i in 0..400 {
        rows.push_str(&format!("r{i},{}\n", i % 2));
    }
    let outcome = dedupe(&table(&rows, &config), &config);
    let said: Vec<&str> = outcome
        .warnings
        .iter()
        .map(|w| w.english.as_str())
        .collect();
    assert!(said.iter().any(|w| w.starts_with("rule sex:")), "{said:?}");
    assert!(
        said.iter().any(|w| w.starts_with("column sex:")),
        "{said:?}"
    );
}

#[test]
fn names_written_the_other_way_round_are_compared_and_count_as_close() {
    let config = Config::parse(
        "id = \"id\"\n[[column]]\nname = \"given\"\nkind = \"given_name\"\n\
         [[column]]\nname = \"surname\"\nkind = \"surname\"\n[[column]]\nname = \"born\"\nkind = \"date\"\n",
    )
    .unwrap();
    let rules: Vec<Vec<String>> = config
        .blocking_rules()
        .into_iter()
        .map(|r| r.columns)
        .collect();
    assert!(
        rules.contains(&vec!["given~surname".to_string()]),
        "{rules:?}"
    );
    let rows = "id,given,surname,born\n\
                a,Budi,Santoso,1970-05-06\n\
                b,Santoso,Budi,1971-08-09\n\
                c,Siti,Aminah,1980-01-02\n";
    let t = table(rows, &config);
    let outcome = dedupe(&t, &config);
    let pair = outcome
        .pairs
        .iter()
        .find(|p| (p.left, p.right) == (0, 1))
        .expect("the swapped names are compared, though their birth dates differ");
    let levels: Vec<u8> = outcome.model.agreement(pair).iter().map(|a| a.2).collect();
    assert_eq!(
        levels[..2],
        [4, 4],
        "both names close: {}",
        outcome.model.explain(pair)
    );
}

/// `persons` people with unique ids, each second one again with the name mistyped and a digit
/// of the birthday slipped: the pair agrees exactly on its id alone. Every tenth has a stranger
/// whose id is one slip from theirs.
fn duplicates_agreeing_on_the_id_alone(persons: usize) -> String {
    let mut rows = String::from("id,name,born,nik\n");
    let syllables = ["su", "par", "man", "ti", "ah", "wi", "do", "ra", "ni", "ko"];
    for i in 0..persons {
        let name = syllable_word(&syllables, i, 3);
        let nik = 3_500_000_000_000_000u64 + (i as u64) * 7_919_813;
        let (year, month) = (40 + i % 50, 1 + i % 12);
        rows.push_str(&format!(
            "p{i},{name} {name},19{year:02}-{month:02}-11,{nik}\n"
        ));
        if i % 2 == 0 {
            rows.push_str(&format!(
                "d{i},{name}x {name},19{year:02}-{month:02}-12,{nik}\n"
            ));
        }
        // A stranger whose id is one slip from someone's.
        if i % 10 == 5 {
            let (other, near) = (format!("{name}{name}"), nik + 1);
            rows.push_str(&format!("s{i},{other} wati,1988-08-08,{near}\n"));
        }
    }
    rows
}

#[test]
fn an_id_agreeing_is_weighed_on_every_pair_its_rule_holds_not_on_the_random_pairs() {
    let config = Config::parse(IDS).unwrap();
    let t = table(&duplicates_agreeing_on_the_id_alone(3_000), &config);
    let outcome = dedupe(&t, &config);
    let model = &outcome.model;
    // The id rule holds every pair agreeing on the id: its strangers (only the 300 one slip
    // apart, none agreeing exactly) set u, below the one in two million random pairs can see
    // and no lower than one pair in all of them.
    let exact = siks_match::exact_level(Kind::ExactId) as usize;
    let u = model.u[2][exact];
    let all_pairs = 4_800.0 * 4_799.0 / 2.0;
    assert!(u < 1.0 / model.u_pairs as f64, "{u}\n{}", model.describe());
    assert!(u >= 0.999 / all_pairs, "{u}");
    // These pairs agree exactly on the id alone, and are found.
    // (one person's two records, a pair with a stranger in it)
    let kind = |p: &siks_match::Scored| -> (bool, bool) {
        let (l, r) = (&t.ids[p.left as usize], &t.ids[p.right as usize]);
        let stranger = l.starts_with('s') || r.starts_with('s');
        (l[1..] == r[1..] && !stranger, stranger)
    };
    let duplicates: Vec<_> = outcome.pairs.iter().filter(|p| kind(p).0).collect();
    assert_eq!(duplicates.len(), 1_500);
    // The strangers one slip apart are compared, and not taken for one person.
    let strangers: Vec<_> = outcome.pairs.iter().filter(|p| kind(p).1).collect();
    assert!(strangers.len() >= 300, "{}", strangers.len());
    assert!(strangers.iter().all(|p| p.score < outcome.threshold));
    for pair in &duplicates {
        let why = model.explain(pair);
        assert!(why.contains("nik=exact"), "{why}");
        assert!(pair.score >= outcome.threshold, "{why}");
    }
}

/// Names of a first word from 144 and a second from fourteen, everyone born on one of ten
/// days; every fourth person again with a vowel of the first word misspelt, with the same
/// birthday, sex, mother and place.
fn misspelt_duplicates(persons: usize) -> String {
    let words = [
        "Sutrisno", "Wahyudi", "Bambang", "Suparman", "Joko", "Agus", "Budi", "Teguh", "Imam",
        "Slamet", "Santoso", "Prasetyo", "Hidayat", "Wibowo",
    ];
    let syllables = [
        "su", "par", "mi", "ti", "yah", "wi", "ni", "ra", "ke", "lo", "yem", "sih",
    ];
    let places = [
        "Tuban",
        "Lamongan",
        "Bojonegoro",
        "Gresik",
        "Surabaya",
        "Kediri",
        "Blitar",
    ];
    let word = |n: usize, count: u32| syllable_word(&syllables, n, count);
    let mut rows = String::from("id,name,born,sex,mother,place\n");
    for i in 0..persons {
        let first = word(i * 5 + 1, 2);
        let name = format!("{first} {}", words[(i / 7) % 14]);
        let born = format!("1980-01-{:02}", 1 + i % 10);
        let (sex, mother, place) = (i % 2, word(i * 11 + 5, 3), places[(i / 3) % 7]);
        rows.push_str(&format!("p{i},{name},{born},{sex},{mother},{place}\n"));
        if i % 4 == 0 {
            let vowel = first.rfind(['a', 'i', 'u', 'e', 'o']).unwrap_or(0);
            let other = if &first[vowel..=vowel] == "a" {
                "e"
            } else {
                "a"
            };
            let misspelt = format!(
                "{}{other}{} {}",
                &first[..vowel],
                &first[vowel + 1..],
                words[(i / 7) % 14]
            );
            rows.push_str(&format!("d{i},{misspelt},{born},{sex},{mother},{place}\n"));
        }
    }
    rows
}

#[test]
fn a_name_blocked_on_its_sound_learns_its_levels_among_the_pairs_that_share_it() {
    let config = Config::parse(CONFIG).unwrap();
    let t = table(&misspelt_duplicates(2_000), &config);
    let outcome = dedupe(&t, &config);
    let model = &outcome.model;
    let said: Vec<&str> = outcome
        .warnings
        .iter()
        .map(|w| w.english.as_str())
        .collect();
    // Every duplicate's name is misspelt: the name's m says so, not the guess of 90 % exact.
    let exact = siks_match::exact_level(Kind::PersonName) as usize;
    assert!(model.m[0][exact] < 0.5, "{said:?}\n{}", model.describe());
    let found = outcome
        .pairs
        .iter()
        .filter(|p| p.score >= outcome.threshold)
        .filter(|p| t.ids[p.left as usize][1..] == t.ids[p.right as usize][1..])
        .count();
    assert_eq!(found, 500, "{said:?}\n{}", model.describe());
    assert!(
        said.iter()
            .any(|w| w.starts_with("column name: learnt only among pairs that agree on part of it")),
        "{said:?}"
    );
}
