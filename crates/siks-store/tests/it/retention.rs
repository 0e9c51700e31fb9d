//! Retention (issue 19 item 8, ADR 0023): a person removed longer ago than the retention keeps
//! their row and counts but loses what identifies them, in the record and its kept versions;
//! one removed since, and the active, are untouched; a second run finds nothing; audited.
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
