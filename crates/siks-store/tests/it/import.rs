//! Bulk import, all or nothing, and the benchmarks' raw baselines.

use crate::support::*;

pub(crate) fn generated(region: &str, households: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = siks_synth::Config::new(RegionCode::parse(region).unwrap(), households, 11);
    siks_synth::generate(&config, dir.path(), &|_| {}).unwrap();
    dir
}

pub(crate) async fn import_dir(
    store: &Store,
    actor: &Actor,
    dir: &std::path::Path,
) -> Result<siks_store::import::ImportReport, ImportError> {
    let open = |name: &str| ImportFile {
        name: name.to_string(),
        reader: std::io::BufReader::new(std::fs::File::open(dir.join(name)).unwrap()),
    };
    store
        .import(
            actor,
            open(HOUSEHOLDS_FILE),
            open(PERSONS_FILE),
            Arc::new(|_| {}),
        )
        .await
}

fn rejected(
    result: Result<siks_store::import::ImportReport, ImportError>,
) -> Vec<siks_store::import::RowProblem> {
    match result {
        Err(ImportError::Rejected(problems)) => problems,
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

/// Rewrites one cell of a CSV file (line is 1-based and counts the header).
fn edit_cell(path: &std::path::Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let index = header.iter().position(|h| h == column).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if i + 2 == line {
            cells[index] = value.to_string();
        }
        writer.write_record(&cells).unwrap();
    }
    std::fs::write(path, writer.into_inner().unwrap()).unwrap();
}

async fn bulk_import(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let data = generated("35.23.01", 120);
    let report = import_dir(store, &c.regency, data.path()).await.unwrap();
    assert_eq!(report.households, 120);
    assert!(report.persons > 300);
    assert!(
        report.invalid_niks >= 1,
        "the generator injects invalid NIKs"
    );
    let stats = store.stats(&c.regency, None).await.unwrap();
    assert_eq!(stats.total.households.total(), 120);
    assert_eq!(stats.total.persons.total(), report.persons);
    let before = (stats.total.households.total(), stats.total.persons.total());
    let counts = || async {
        let s = store.stats(&c.regency, None).await.unwrap();
        (s.total.households.total(), s.total.persons.total())
    };

    // Every imported household has its creation in the history.
    let any = store
        .list_households(
            &c.regency,
            &HouseholdFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let history = store
        .history(&c.regency, &any[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(history[0].change_kind, ChangeKind::Imported);

    // The same files again: every id is already there; nothing changes.
    let problems = rejected(import_dir(store, &c.regency, data.path()).await);
    assert!(
        problems.iter().all(|p| p.reason.contains("sudah ada")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.file == HOUSEHOLDS_FILE && p.line >= 2)
    );
    assert_eq!(counts().await, before);

    // A village operator may not import another village's households.
    let fresh = generated("35.23.01", 30);
    let problems = rejected(import_dir(store, &c.village_a, fresh.path()).await);
    assert!(
        problems
            .iter()
            .any(|p| p.column == "village_code" && p.reason.contains("di luar wilayah kerja"))
    );
    assert_eq!(counts().await, before);

    // Each kind of bad input names file, line and column, and writes nothing.
    let cases: Vec<(&str, usize, &str, &str, &str)> = vec![
        (PERSONS_FILE, 5, "nik", "3.52301E+15", "sebagai teks"),
        (
            HOUSEHOLDS_FILE,
            3,
            "village_code",
            "35.99.01.2001",
            "tidak dikenal",
        ),
        (PERSONS_FILE, 4, "birth_date", "31/02/1990", "TTTT-BB-HH"),
        (PERSONS_FILE, 6, "sex", "3", "jenis kelamin"),
    ];
    for (file, line, column, value, expect) in cases {
        let bad = generated("35.23.01", 30);
        edit_cell(&bad.path().join(file), line, column, value);
        let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
        let p = &problems[0];
        assert_eq!(
            (p.file.as_str(), p.line, p.column.as_str()),
            (file, line as u64, column),
            "{p}"
        );
        assert!(p.reason.contains(expect), "{p}");
        assert_eq!(counts().await, before);
    }

    // Duplicated id within a file.
    let bad = generated("35.23.01", 30);
    let path = bad.path().join(HOUSEHOLDS_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(1).unwrap().to_string();
    std::fs::write(&path, format!("{text}{second}\n")).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems
            .iter()
            .any(|p| p.column == "id" && p.reason.contains("baris 2")),
        "{problems:?}"
    );

    // Wrong column count, malformed header, non-UTF-8 bytes.
    let bad = generated("35.23.01", 30);
    let path = bad.path().join(PERSONS_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("a,b,c\n");
    std::fs::write(&path, &text).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems.iter().any(|p| p.reason.contains("3 kolom")),
        "{problems:?}"
    );

    let bad = generated("35.23.01", 30);
    let path = bad.path().join(HOUSEHOLDS_FILE);
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("village_code,rt", "rt,village_code", 1);
    std::fs::write(&path, text).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert_eq!(problems[0].line, 1);
    assert!(problems[0].reason.contains("baris judul"));

    let bad = generated("35.23.01", 30);
    let path = bad.path().join(PERSONS_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 40;
    bytes[at] = 0xFF;
    std::fs::write(&path, bytes).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems[0].reason.contains("UTF-8") && problems[0].line == 4,
        "{problems:?}"
    );
    assert_eq!(counts().await, before);

    // Roles that may not write cannot import.
    assert!(matches!(
        import_dir(store, &c.auditor, data.path()).await,
        Err(ImportError::Store(StoreError::Forbidden(_)))
    ));
}

async fn benchmark_baselines(db: &TestDb) {
    let store = &db.store;
    let data = generated("35.23.01", 20);
    let rows = RawRows::from_files(
        std::fs::File::open(data.path().join(HOUSEHOLDS_FILE)).unwrap(),
        std::fs::File::open(data.path().join(PERSONS_FILE)).unwrap(),
    )
    .unwrap();
    assert_eq!(rows.households.len(), 20);
    assert_eq!(
        store.baseline_insert(&rows).await.unwrap(),
        rows.len() as u64
    );
    assert_eq!(store.baseline_count(false).await.unwrap(), 20);
    assert_eq!(
        store.baseline_count(true).await.unwrap(),
        rows.persons.len() as u64
    );
    match store.engine() {
        Engine::Sqlite => assert!(store.wipe_postgres_scratch().await.is_err()),
        Engine::Postgres => {
            store.wipe_postgres_scratch().await.unwrap();
            assert_eq!(store.schema_version().await.unwrap(), 0);
        }
    }
}

#[tokio::test]
async fn bulk_import_on_both_engines() {
    on_both_engines!(bulk_import);
}

#[tokio::test]
async fn benchmark_baselines_on_both_engines() {
    on_both_engines!(benchmark_baselines);
}
