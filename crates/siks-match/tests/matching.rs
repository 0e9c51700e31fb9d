//! The linkage engine end to end on small CSV tables: duplicates found and explained, links
//! across two files, clusters, and bad input refused with the file, line and reason.

use siks_match::{Config, Table, dedupe, link};

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
