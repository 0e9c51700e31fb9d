//! Retention (issue 19 item 8, ADR 0023): a person removed longer ago than the retention keeps
//! their row and counts but loses what identifies them, in the record and its kept versions;
//! one removed since, and the active, are untouched; a second run finds nothing; audited. The
//! audit log's own retention: archived, sealed, dropped, still verified.
use crate::support::*;
use siks_domain::search::SearchQuery;
use siks_store::retention::ANONYMISED_NAME;

async fn removed_persons_are_anonymised_after_their_retention(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let (home, mut members) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(901)
        .build();
    members[1].mother_name = "Sumirah Retensi".into();
    members[1].disability = Some(DisabilityType::Physical);
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    // A correction of member 1 is kept as a version of its record.
    let mut corrected = members[1].clone();
    corrected.mother_name = "Sumirah Retensi Dua".into();
    store
        .update_person(&c.village_a, &corrected, 1, "perbaikan nama ibu")
        .await
        .unwrap();
    // Member 1 left the register in 2018, member 2 last month.
    for (member, at) in [
        (&members[1], "2018-03-01T00:00:00.000000Z"),
        (&members[2], "2026-11-01T00:00:00.000000Z"),
    ] {
        let sql = format!(
            "UPDATE persons SET status = 'inactive', inactive_reason = 1, updated_at = '{at}' \
             WHERE id = '{}'",
            member.id
        );
        raw_exec(db, &sql, &sql).await;
    }
    // A household removed as a whole in 2019: its members' rows stay active.
    let (gone_home, gone_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(951)
        .build();
    store
        .create_household(&c.village_a, &gone_home, &gone_members, "pendataan")
        .await
        .unwrap();
    let sql = format!(
        "UPDATE households SET status = 'inactive', inactive_reason = 1, \
         updated_at = '2019-01-01T00:00:00.000000Z' WHERE id = '{}'",
        gone_home.id
    );
    raw_exec(db, &sql, &sql).await;
    let pmks = format!("UPDATE persons SET pmks = 1 WHERE id = '{}'", members[1].id);
    raw_exec(db, &pmks, &pmks).await;
    let count_all = "SELECT COUNT(*) FROM persons";
    let before = raw_count(db, count_all, count_all).await;
    let cutoff = siks_domain::clock::Stamp::parse("2021-12-05T00:00:00Z").unwrap();

    let dry = store
        .anonymise_removed(&c.admin, cutoff, true, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        dry.persons, 3,
        "one alone, two with their household: {dry:?}"
    );
    assert!(
        store
            .anonymise_removed(&c.regency, cutoff, true, &|_| {})
            .await
            .is_err(),
        "the nation's admin only"
    );
    let seen = std::sync::Mutex::new(Vec::new());
    let done = store
        .anonymise_removed(&c.admin, cutoff, false, &|n| seen.lock().unwrap().push(n))
        .await
        .unwrap();
    assert_eq!(done.persons, 3);
    assert_eq!(done.villages.get(VILLAGE_A), Some(&3));
    assert_eq!(*seen.lock().unwrap(), vec![3]);
    let plain_left = format!(
        "SELECT COUNT(*) FROM persons WHERE pmks IS NOT NULL AND id = '{}'",
        members[1].id
    );
    assert_eq!(
        raw_count(db, &plain_left, &plain_left).await,
        0,
        "PMKS dropped"
    );
    let whole = store
        .household(&c.admin, gone_home.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        whole
            .members
            .iter()
            .all(|m| m.record.full_name == ANONYMISED_NAME),
        "a household removed as a whole"
    );
    assert_eq!(
        raw_count(db, count_all, count_all).await,
        before,
        "rows kept"
    );

    let view = store
        .household(&c.village_a, home.id)
        .await
        .unwrap()
        .unwrap();
    let record = |i: usize| {
        view.members
            .iter()
            .find(|m| m.record.id == members[i].id)
            .unwrap()
            .record
            .clone()
    };
    let gone = record(1);
    assert_eq!(gone.full_name, ANONYMISED_NAME);
    assert_eq!(gone.nik.raw(), siks_store::retention::ANONYMISED_NUMBER);
    assert_eq!(gone.no_kk.raw(), siks_store::retention::ANONYMISED_NUMBER);
    assert_eq!(gone.mother_name, "");
    assert_eq!(gone.disability, None);
    assert_eq!(gone.sex, members[1].sex, "what counts are made of stays");
    assert_eq!(
        chrono::Datelike::year(&gone.birth_date),
        chrono::Datelike::year(&members[1].birth_date)
    );
    assert!(
        matches!(gone.status, RegistryStatus::Inactive(_)),
        "still removed"
    );
    assert_eq!(record(2).full_name, members[2].full_name, "removed since");
    assert_eq!(record(0), members[0], "active");
    // Not found by the old NIK or name; its kept versions hold neither.
    let by_nik = store
        .list_households(
            &c.village_a,
            &HouseholdFilter {
                search: SearchQuery::parse(&members[1].nik.raw()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(by_nik.is_empty(), "{by_nik:?}");
    let history = store
        .household_history(&c.village_a, home.id, &[members[1].id])
        .await
        .unwrap();
    let kept: String = history
        .iter()
        .filter(|h| h.record_id == members[1].id.0)
        .flat_map(|h| [h.before_json.clone(), h.after_json.clone()])
        .flatten()
        .collect();
    assert!(!kept.is_empty());
    for old in [
        &members[1].full_name,
        &members[1].mother_name,
        &members[1].nik.raw(),
    ] {
        assert!(!kept.contains(old.as_str()), "{old} in the kept versions");
    }
    // Done once; audited.
    let again = store
        .anonymise_removed(&c.admin, cutoff, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(again.persons, 0);
    let entries = store.audit_entries(&c.admin, None, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "retention.anonymise"
        && e.region_code == VILLAGE_A
        && e.detail.starts_with("persons=3 ")));
}

#[tokio::test]
async fn removed_persons_are_anonymised_after_their_retention_on_both_engines() {
    on_both_engines!(removed_persons_are_anonymised_after_their_retention);
}

/// The audit log's retention (ADR 0023): the entries before the cutoff go into an archive
/// sealed with the data key, checked as a chain, and only then leave the database; the chain
/// there begins at a signed start and still verifies; an anchor over archived entries says
/// so; the archive checks on its own and ends where the database's chain begins; the entries
/// after the start stay append-only.
async fn the_audit_log_is_archived_after_its_retention(db: &TestDb) {
    let keys = tempfile::tempdir().unwrap();
    let (store, _) = db
        .store
        .clone()
        .use_audit_key(&keys.path().join("siks.audit-key"))
        .await
        .unwrap();
    let store = &store;
    let c = cast(store).await;
    let (home, members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(971)
        .build();
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    store.household(&c.village_a, home.id).await.unwrap();
    let early_anchor = store.audit_anchor(&c.auditor).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let cutoff = siks_domain::clock::Stamp(store.now()).text();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.household(&c.village_a, home.id).await.unwrap();
    let count_all = "SELECT COUNT(*) FROM audit_log";
    let before = raw_count(db, count_all, count_all).await;
    let (data_key, _) =
        siks_store::backup::DataKey::load_or_create(&keys.path().join("data-key")).unwrap();
    let out = keys.path().join("arsip-audit.siks");
    let scratch = tempfile::tempdir().unwrap();

    let trial = store
        .archive_audit(&c.admin, &cutoff, &data_key, &out, scratch.path(), true)
        .await
        .unwrap();
    assert_eq!(trial.from_seq, 0);
    assert!(
        trial.entries >= early_anchor.entries,
        "{trial:?} {early_anchor:?}"
    );
    assert!(!out.exists(), "a trial writes nothing");
    assert!(
        store
            .archive_audit(&c.regency, &cutoff, &data_key, &out, scratch.path(), false)
            .await
            .is_err(),
        "the nation's admin only"
    );
    let done = store
        .archive_audit(&c.admin, &cutoff, &data_key, &out, scratch.path(), false)
        .await
        .unwrap();
    assert_eq!(done.entries, trial.entries);
    let manifest = done.manifest.clone().unwrap();
    assert_eq!(manifest.audit_entries, done.entries);
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "no clear copy left in the scratch folder"
    );
    // Gone from the database; the rest (and the run's own entry) still chains from the start.
    let older = format!(
        "SELECT COUNT(*) FROM audit_log WHERE seq <= {}",
        done.to_seq
    );
    assert_eq!(raw_count(db, &older, &older).await, 0);
    assert_eq!(
        raw_count(db, count_all, count_all).await,
        before - done.entries + 1
    );
    let verified = store.verify_audit_chain(&c.auditor).await.unwrap();
    assert_eq!(verified.broken_at, None, "{verified:?}");
    let start = store.audit_start().await.unwrap();
    assert_eq!(
        (start.seq, start.archive.as_str()),
        (done.to_seq, manifest.sha256.as_str())
    );
    let latest = store.audit_entries(&c.auditor, None, 1).await.unwrap();
    assert_eq!(latest[0].action, "audit.archived");
    // An anchor made before: its entries are archived, said so, not taken for a truncation.
    assert_eq!(
        store
            .check_audit_anchor(&c.auditor, &early_anchor)
            .await
            .unwrap(),
        siks_store::audit::AnchorCheck::Archived {
            archived_to: done.to_seq
        }
    );
    // The archive opens with the data key and chains from the genesis to the start.
    let check = store
        .check_audit_archive(&data_key, &out, scratch.path())
        .await
        .unwrap();
    assert_eq!(
        (check.entries, check.from_seq, check.to_seq, check.broken_at),
        (done.entries, 0, done.to_seq, None)
    );
    assert_eq!(check.last_hash, start.hash);
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
    // Another data key does not open it.
    let (other_key, _) =
        siks_store::backup::DataKey::load_or_create(&keys.path().join("other-key")).unwrap();
    assert!(
        store
            .check_audit_archive(&other_key, &out, scratch.path())
            .await
            .is_err()
    );
    // A start written by hand does not verify.
    let forged = format!(
        "UPDATE audit_start SET seq = {} WHERE id = 1",
        done.to_seq + 1
    );
    raw_exec(db, &forged, &forged).await;
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(done.to_seq + 2)
    );
    let honest = format!("UPDATE audit_start SET seq = {} WHERE id = 1", done.to_seq);
    raw_exec(db, &honest, &honest).await;
    // Nothing older is left: a second run archives nothing and writes no file.
    let again = store
        .archive_audit(
            &c.admin,
            &cutoff,
            &data_key,
            &keys.path().join("kedua.siks"),
            scratch.path(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(again.entries, 0);
    assert!(!keys.path().join("kedua.siks").exists());
    // The entries after the start are still append-only.
    let remove = format!("DELETE FROM audit_log WHERE seq = {}", done.to_seq + 1);
    assert!(raw_try(db, &remove, &remove).await.is_err());
}

#[tokio::test]
async fn the_audit_log_is_archived_after_its_retention_on_both_engines() {
    on_both_engines!(the_audit_log_is_archived_after_its_retention);
}

/// Archived before the deployment had an audit key, then a key made (`siks audit new-key`):
/// the unsigned start is as unkeyed as the links it ends, so the chain still verifies and the
/// next run goes on (the review of the first version found it refused for good).
async fn an_archive_made_before_the_audit_key_still_verifies_after_it(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    store
        .household(&c.village_a, siks_domain::HouseholdId::new())
        .await
        .unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (data_key, _) =
        siks_store::backup::DataKey::load_or_create(&keys.path().join("data-key")).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let cutoff = siks_domain::clock::Stamp(store.now()).text();
    let scratch = tempfile::tempdir().unwrap();
    let done = store
        .archive_audit(
            &c.admin,
            &cutoff,
            &data_key,
            &keys.path().join("a.siks"),
            scratch.path(),
            false,
        )
        .await
        .unwrap();
    assert!(done.entries > 0);
    assert_eq!(
        store.audit_start().await.unwrap().signature,
        "",
        "no key, no signature"
    );
    let (keyed, made) = db
        .store
        .clone()
        .use_audit_key(&keys.path().join("siks.audit-key"))
        .await
        .unwrap();
    assert!(made);
    assert_eq!(
        keyed
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
    let again = keyed
        .archive_audit(
            &c.admin,
            &siks_domain::clock::Stamp(keyed.now()).text(),
            &data_key,
            &keys.path().join("b.siks"),
            scratch.path(),
            false,
        )
        .await
        .unwrap();
    assert!(again.entries > 0, "the next run goes on");
    assert_eq!(
        keyed
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
}

#[tokio::test]
async fn an_archive_made_before_the_audit_key_still_verifies_after_it_on_both_engines() {
    on_both_engines!(an_archive_made_before_the_audit_key_still_verifies_after_it);
}
