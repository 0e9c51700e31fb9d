//! The specific data sealed at rest (issue 19): a known NIK, No KK, mother's name and
//! disability written through the store's own paths (a household, a correction kept in its
//! history, a proposal, an outside list) read back whole and found by NIK, yet none of them is
//! in any file of the database, its write-ahead log or a backup (both engines; PostgreSQL's
//! through pg_dump, restored whole into an empty database); an older database's plain values
//! sealed; a key rotation; a wrong key refused.
use crate::support::*;
use siks_domain::lists::{ListKind, ListRow};
use siks_domain::search::SearchQuery;
use siks_domain::workflow::ProposalContent;
use siks_store::sealing::FieldKeys;

/// Every file under `dir` (recursively) that holds `needle`.
fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // Other stories drop their databases meanwhile: what vanishes held nothing of ours.
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("cannot read {}: {e}", dir.display()),
        };
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = match std::fs::read(&path) {
                    Ok(bytes) => bytes,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    // Unreadable is a failure, never a pass.
                    Err(e) => panic!("cannot read {}: {e}", path.display()),
                };
                if memchr::memmem::find(&bytes, needle).is_some() {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

/// The households a search by `number` (a NIK or No KK) finds for `actor`.
async fn found_by(store: &Store, actor: &Actor, number: &str) -> Vec<HouseholdId> {
    store
        .list_households(
            actor,
            &HouseholdFilter {
                region: None,
                status: None,
                search: SearchQuery::parse(number),
                limit: 10,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// A text nobody else writes: a mother's name with a random tail.
fn unique_name(first: &str) -> String {
    let tail: String = uuid::Uuid::now_v7()
        .simple()
        .to_string()
        .chars()
        .rev()
        .filter(|c| c.is_ascii_alphabetic())
        .take(8)
        .collect();
    format!("{first} Kusumaningtyas{tail}")
}

/// Where the engine keeps its files: the SQLite database's folder, or PostgreSQL's data
/// directory (read as root, as CI runs; the role may read the setting and checkpoint).
async fn data_files(db: &TestDb) -> std::path::PathBuf {
    match db.store.engine() {
        Engine::Sqlite => std::path::Path::new(db.url.trim_start_matches("sqlite://"))
            .parent()
            .unwrap()
            .to_path_buf(),
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query("CHECKPOINT").execute(&pool).await.expect(
                "CHECKPOINT: grant the test role pg_checkpoint (see .ci/run) so that the write-ahead log is flushed to the files read here",
            );
            let dir: String = sqlx::query_scalar("SHOW data_directory")
                .fetch_one(&pool)
                .await
                .expect(
                    "SHOW data_directory: grant the test role pg_read_all_settings (see .ci/run)",
                );
            pool.close().await;
            std::path::PathBuf::from(dir)
        }
    }
}

async fn sealed_at_rest(db: &TestDb) {
    let keys_dir = tempfile::tempdir().unwrap();
    let (store, made) = db
        .store
        .clone()
        .use_field_keys(&keys_dir.path().join("siks.field-keys"))
        .await
        .unwrap();
    assert!(made, "keys are made for a database without persons");
    let store = &store;
    let c = cast(store).await;

    // A household whose head has a known NIK, mother's name and disability.
    // Numbers of their own (serials above the other stories', a family card of this run), so
    // that a file holding them can only have them from here.
    let serial = 2000 + (uuid::Uuid::now_v7().as_u128() % 7000) as u32;
    let (home, mut members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(serial)
        .build();
    members[0].no_kk =
        Recorded::Valid(NoKk::parse(&format!("35230112031{:05}", serial * 3)).unwrap());
    let mother = unique_name("Zulaikha");
    members[0].mother_name = mother.clone();
    members[0].disability = Some(DisabilityType::Mental);
    members[0].disability_severity = Some(Severity::Severe);
    members[0].pregnant = true;
    let nik = members[0].nik.raw();
    let no_kk = members[0].no_kk.raw();
    store
        .create_household(&c.village_a, &home, &members, "pendataan baru")
        .await
        .unwrap();
    // A correction kept in the history (before and after hold the whole record).
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let mut changed = view.members[1].record.clone();
    changed.mother_name = unique_name("Maimunah");
    // Free text may name an illness or repeat a NIK: the reason typed for a change is sealed.
    let history_reason = unique_name("salah ketik, pasien");
    store
        .update_person(
            &c.village_a,
            &changed,
            view.members[1].version,
            &history_reason,
        )
        .await
        .unwrap();
    // A proposal of a new member with a mother's name of its own.
    let (_, babies) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(serial + 5)
        .build_proposed();
    let mut baby = babies[2].clone();
    baby.household_id = home.id;
    baby.mother_name = mother.clone();
    let baby_nik = baby.nik.raw();
    let step_note = unique_name("kelahiran, ibu penderita");
    let proposal = store
        .propose(
            &c.village_a,
            &ProposalContent::MemberJoins {
                person: baby.clone(),
            },
            &step_note,
        )
        .await
        .unwrap();
    // A second proposal withdrawn with a reason (kept on the proposal and on its step).
    let mut twin = babies[1].clone();
    twin.household_id = home.id;
    let withdrawn = store
        .propose(
            &c.village_a,
            &ProposalContent::MemberJoins { person: twin },
            "",
        )
        .await
        .unwrap();
    let withdraw_reason = unique_name("ditarik, sakit jiwa");
    store
        .step_proposals(
            &c.village_a,
            &[withdrawn],
            &siks_domain::workflow::Step::Withdraw {
                reason: withdraw_reason.clone(),
            },
            Default::default(),
        )
        .await
        .unwrap();
    // An outside list naming the head, its remark giving the cause.
    let list_note = unique_name("meninggal 2026-10-01, sebab");
    store
        .import_list(
            &c.admin,
            ListKind::Deaths,
            "Dukcapil",
            "kematian.csv",
            vec![ListRow {
                line: 2,
                nik: nik.clone(),
                full_name: members[0].full_name.clone(),
                sex: None,
                birth_date: None,
                birth_place: String::new(),
                no_kk: no_kk.clone(),
                status: None,
                note: list_note.clone(),
            }],
        )
        .await
        .unwrap();

    // Everything reads back whole, and the NIK and No KK find the household.
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let head = view
        .members
        .iter()
        .find(|m| m.record.id == members[0].id)
        .unwrap();
    assert_eq!(
        head.record, members[0],
        "the sealed fields read back as written"
    );
    for number in [&nik, &no_kk] {
        let found = found_by(store, &c.village_a, number).await;
        assert_eq!(
            found,
            vec![home.id],
            "a search by {number:.4}… finds the household"
        );
    }
    let history = store
        .history(&c.village_a, &changed.id.to_string())
        .await
        .unwrap();
    assert!(
        history.iter().any(|e| e
            .after_json
            .as_deref()
            .is_some_and(|a| a.contains(&changed.mother_name))),
        "the history opens"
    );
    assert!(
        history.iter().any(|e| e.reason == history_reason),
        "the reason opens"
    );
    let (_, steps) = store
        .proposal(&c.village_a, proposal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(steps[0].note, step_note, "the step's note opens");
    let (taken_back, steps) = store
        .proposal(&c.village_a, withdrawn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        taken_back.reason, withdraw_reason,
        "the proposal's reason opens"
    );
    assert_eq!(steps.last().unwrap().note, withdraw_reason);
    let inbox = store.proposals_about(&c.village_a, home.id).await.unwrap();
    assert!(
        inbox.iter().any(
            |p| matches!(&p.content, ProposalContent::MemberJoins { person } if *person == baby)
        ),
        "the proposal opens"
    );
    // The same NIK again is refused: uniqueness goes through the blind index.
    let (other_home, mut other) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(901)
        .build();
    other[0].nik = members[0].nik.clone();
    assert!(matches!(
        store
            .create_household(&c.village_a, &other_home, &other, "ganda")
            .await,
        Err(StoreError::Conflict { .. })
    ));

    // In no file: the database and its log as they stand, after a checkpoint, and a backup.
    let needles: Vec<(&str, Vec<u8>)> = vec![
        ("NIK", nik.clone().into_bytes()),
        ("No KK", no_kk.clone().into_bytes()),
        ("mother's name", mother.clone().into_bytes()),
        (
            "corrected mother's name",
            changed.mother_name.clone().into_bytes(),
        ),
        ("proposed NIK", baby_nik.into_bytes()),
        ("reason of a change", history_reason.clone().into_bytes()),
        ("note of a step", step_note.clone().into_bytes()),
        (
            "reason of a withdrawal",
            withdraw_reason.clone().into_bytes(),
        ),
    ];
    let dir = data_files(db).await;
    let look = |when: &str| {
        for (what, needle) in &needles {
            let holding = files_holding(&dir, needle);
            assert!(
                holding.is_empty(),
                "the {what} in plain {when}: {holding:?}"
            );
        }
    };
    look("as written");
    if db.store.engine() == Engine::Sqlite {
        raw_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", "").await;
        look("after a checkpoint");
    }
    // A backup (SQLite's snapshot beside the database, PostgreSQL's pg_dump in a scratch
    // folder): in neither the backup nor what the scratch keeps.
    let key_path = keys_dir.path().join("data-key");
    let (key, _) = siks_store::backup::DataKey::load_or_create(&key_path).unwrap();
    let out = keys_dir.path().join("cadangan.siks");
    let scratch = tempfile::tempdir().unwrap();
    let scratch_dir = if db.store.engine() == Engine::Sqlite {
        dir.clone()
    } else {
        scratch.path().to_path_buf()
    };
    store
        .backup(&c.admin, &key, &out, &scratch_dir)
        .await
        .unwrap();
    for (what, needle) in &needles {
        assert!(
            files_holding(keys_dir.path(), needle).is_empty(),
            "the {what} in the backup"
        );
        assert!(
            files_holding(scratch.path(), needle).is_empty(),
            "the {what} in the backup's scratch"
        );
    }
    look("after a backup");
    // Disability, its severity and pregnancy are not in their plain columns either.
    let status = store.sealing_status().await.unwrap();
    assert_eq!(status.plain, 0, "values still plain: {status:?}");
    assert_eq!(status.plain_health, 0, "plain health columns: {status:?}");

    // Another deployment's keys are refused before anything is written.
    let other_keys = tempfile::tempdir().unwrap();
    let wrong = other_keys.path().join("other.field-keys");
    FieldKeys::create(&wrong).unwrap();
    let refused = db.store.clone().use_field_keys(&wrong).await.err();
    assert!(
        matches!(refused, Some(StoreError::FieldKeyMissing(_))),
        "{refused:?}"
    );
    // And keys that are missing for a database with persons are not made.
    let missing = db
        .store
        .clone()
        .use_field_keys(&other_keys.path().join("none"))
        .await
        .err();
    assert!(
        matches!(missing, Some(StoreError::FieldKeys { .. })),
        "{missing:?}"
    );
    assert!(!other_keys.path().join("none").exists());
}

#[tokio::test]
async fn sealed_at_rest_on_both_engines() {
    on_both_engines!(sealed_at_rest);
}

/// A database written before sealing: its plain values sealed and blanked when it is first
/// opened with keys, the old pages gone; then a rotation seals everything anew and drops the
/// old key.
async fn older_plain_data_sealed_and_keys_rotated(db: &TestDb) {
    let keys_dir = tempfile::tempdir().unwrap();
    let path = keys_dir.path().join("siks.field-keys");
    let (store, _) = db.store.clone().use_field_keys(&path).await.unwrap();
    let c = cast(&store).await;
    let (home, mut members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(555)
        .build();
    let mother = unique_name("Rukmini");
    members[0].mother_name = mother.clone();
    members[0].disability = Some(DisabilityType::Physical);
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    // As an older program wrote it: plain columns, nothing sealed, no blind index.
    let nik = members[0].nik.raw();
    let sql = format!(
        "UPDATE persons SET identity = NULL, health = NULL, nik_key = '', no_kk_key = '', \
         nik = '{nik}', no_kk = '{}', mother_name = '{mother}', disability = 1 WHERE id = '{}'",
        members[0].no_kk.raw(),
        members[0].id
    );
    raw_exec(db, &sql, &sql).await;
    let sealed = store.seal_plain_rows().await.unwrap();
    assert_eq!(sealed.columns, vec![("persons".to_string(), 1)]);
    // A note an older program wrote in plain (before schema 26): read as it is, then sealed
    // at the next open with keys; one that only starts like a sealed value is still a note.
    let note = unique_name("catatan lama, TBC");
    let f1_note = unique_name("f1 catatan lama");
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let second = &view
        .members
        .iter()
        .find(|m| m.record.id == members[1].id)
        .unwrap();
    store
        .update_person(&c.village_a, &second.record, second.version, "dibaca ulang")
        .await
        .unwrap();
    for (record, text) in [
        (home.id.to_string(), &note),
        (members[1].id.to_string(), &f1_note),
    ] {
        let sql =
            format!("UPDATE record_history SET reason = '{text}' WHERE record_id = '{record}'");
        raw_exec(db, &sql, &sql).await;
    }
    let reason_of = |record: String| {
        let store = store.clone();
        let actor = c.village_a.clone();
        async move {
            store.history(&actor, &record).await.unwrap()[0]
                .reason
                .clone()
        }
    };
    assert_eq!(
        reason_of(home.id.to_string()).await,
        note,
        "a plain note reads as it is"
    );
    assert_eq!(reason_of(members[1].id.to_string()).await, f1_note);
    // The count reads the prefix only: the note that starts like a sealed value is not in it.
    assert_eq!(store.sealing_status().await.unwrap().plain, 1);
    let sealed = store.seal_plain_notes().await.unwrap();
    assert_eq!(
        sealed.columns,
        vec![("record_history.reason".to_string(), 2)]
    );
    assert_eq!(
        reason_of(home.id.to_string()).await,
        note,
        "the sealed note opens"
    );
    assert_eq!(reason_of(members[1].id.to_string()).await, f1_note);
    assert_eq!(store.sealing_status().await.unwrap().plain, 0);
    if db.store.engine() == Engine::Sqlite {
        let dir = data_files(db).await;
        for text in [&note, &f1_note] {
            assert!(
                files_holding(&dir, text.as_bytes()).is_empty(),
                "the sealing of notes leaves no plain page behind"
            );
        }
    }
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let head = view
        .members
        .iter()
        .find(|m| m.record.id == members[0].id)
        .unwrap();
    assert_eq!(head.record, members[0]);
    assert_eq!(store.sealing_status().await.unwrap().plain_health, 0);
    if db.store.engine() == Engine::Sqlite {
        let dir = data_files(db).await;
        assert!(
            files_holding(&dir, mother.as_bytes()).is_empty(),
            "the sealing leaves no plain page behind"
        );
    }
    // Nothing left to seal the next time.
    assert_eq!(store.seal_plain_rows().await.unwrap().total(), 0);

    // A rotation: every value under the new key, the old key gone from the file, all readable.
    let before = store.field_keys().current_id().to_string();
    let seen = std::sync::Mutex::new(Vec::new());
    let done = store
        .rotate_field_keys(std::time::Duration::ZERO, &|column, n| {
            seen.lock().unwrap().push((column.to_string(), n))
        })
        .await
        .unwrap();
    assert!(done.total() >= 4, "{done:?}");
    let after = store.field_keys();
    assert_ne!(after.current_id(), before);
    assert_eq!(after.ids(), vec![after.current_id().to_string()]);
    assert_eq!(FieldKeys::load(&path).unwrap().ids(), after.ids());
    let status = store.sealing_status().await.unwrap();
    assert_eq!((status.plain, status.old_keys), (0, 0), "{status:?}");
    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        view.members
            .iter()
            .find(|m| m.record.id == members[0].id)
            .unwrap()
            .record,
        members[0]
    );
    // The blind index did not change: the NIK still finds its household.
    assert_eq!(found_by(&store, &c.village_a, &nik).await, vec![home.id]);
}

#[tokio::test]
async fn older_plain_data_sealed_and_keys_rotated_on_both_engines() {
    on_both_engines!(older_plain_data_sealed_and_keys_rotated);
}

/// A PostgreSQL backup while the database is being written (issue 19 item 7): `pg_dump` of one
/// exported snapshot under the data key, whose manifest counts exactly that snapshot; no NIK in
/// the backup or left in the scratch folder; restored into an empty database with its counts,
/// audit head and unbroken chain; a database that has tables, the other engine's target, a
/// wrong key and a changed byte refused with nothing written.
#[tokio::test]
async fn a_postgres_backup_while_writing_restores_whole() {
    let Some(db) = postgres_db().await else {
        return;
    };
    let keys_dir = tempfile::tempdir().unwrap();
    let (store, _) = db
        .store
        .clone()
        .use_field_keys(&keys_dir.path().join("siks.field-keys"))
        .await
        .unwrap();
    let c = cast(&store).await;
    let (home, members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(771)
        .build();
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    let nik = members[0].nik.raw();
    // A writer all along: a failed sign-in is an audit entry each.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (store, writing) = (store.clone(), writing.clone());
        tokio::spawn(async move {
            let mut n = 0u64;
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                store
                    .record_unknown_login(&format!("tamu{n}"), "10.9.0.1")
                    .await
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let key_path = keys_dir.path().join("data-key");
    let (key, _) = siks_store::backup::DataKey::load_or_create(&key_path).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("cadangan.siks");
    let manifest = store
        .backup(&c.admin, &key, &out, scratch.path())
        .await
        .unwrap();
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert!(written > 0, "the writer wrote during the backup");
    assert_eq!(manifest.engine, "postgres");
    assert_eq!((manifest.households, manifest.persons), (1, 2));
    let after = store.checkup().await.unwrap();
    assert!(
        after.counts.audit_entries > manifest.audit_entries,
        "the manifest counts the snapshot, not what came after"
    );
    assert!(files_holding(out_dir.path(), nik.as_bytes()).is_empty());
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "nothing left in clear"
    );

    // Into an empty database: the same counts and head as the manifest, the chain whole.
    let admin_url = postgres_admin_url().unwrap();
    let name = format!("siks_restored_{}", uuid::Uuid::now_v7().simple());
    admin_exec(&store, &format!("CREATE DATABASE {name}")).await;
    let target = with_database(&admin_url, &name);
    let wrong = keys_dir.path().join("other-key");
    let (other, _) = siks_store::backup::DataKey::load_or_create(&wrong).unwrap();
    let refused = siks_store::backup::restore_to(&other, &out, &target, scratch.path()).await;
    assert!(
        format!("{refused:?}").contains("kunci salah"),
        "{refused:?}"
    );
    let sqlite_target = format!("sqlite://{}", out_dir.path().join("x.db").display());
    let refused = siks_store::backup::restore_to(&key, &out, &sqlite_target, scratch.path()).await;
    assert!(format!("{refused:?}").contains("postgres"), "{refused:?}");
    let mut damaged = std::fs::read(&out).unwrap();
    let at = damaged.len() - 100;
    damaged[at] ^= 1;
    let damaged_file = out_dir.path().join("rusak.siks");
    std::fs::write(&damaged_file, damaged).unwrap();
    let refused =
        siks_store::backup::restore_to(&key, &damaged_file, &target, scratch.path()).await;
    assert!(format!("{refused:?}").contains("rusak"), "{refused:?}");
    let restored_manifest = siks_store::backup::restore_to(&key, &out, &target, scratch.path())
        .await
        .unwrap();
    assert_eq!(restored_manifest, manifest);
    let restored = Store::open(&target, OpenMode::MustExist).await.unwrap();
    let (restored, _) = restored
        .use_field_keys(&keys_dir.path().join("siks.field-keys"))
        .await
        .unwrap();
    let checkup = restored.checkup().await.unwrap();
    assert_eq!(checkup.counts, manifest.counts());
    assert_eq!(checkup.audit_head, manifest.audit_head);
    assert_eq!(checkup.schema_version, Store::schema_version_needed());
    let system = restored.system_actor().await.unwrap();
    assert_eq!(
        restored
            .verify_audit_chain(&system)
            .await
            .unwrap()
            .broken_at,
        None
    );
    assert_eq!(
        found_by(&restored, &system, &nik).await,
        vec![home.id],
        "opened with the original's field keys"
    );
    // Never over a database that has tables.
    let again = siks_store::backup::restore_to(&key, &out, &target, scratch.path()).await;
    assert!(format!("{again:?}").contains("sudah ada"), "{again:?}");
    restored.close().await;
    admin_exec(&store, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    db.drop_database().await;
}
