//! Verivali: the check catalogue and its findings, and the outside lists that become findings.

use crate::support::*;

/// Verivali: a check run finds what the catalogue looks for and the same NIK active twice, keeps
/// findings across runs (new ones opened, fixed ones closed, dismissed ones left alone), and
/// stays in scope.
async fn checks_find_and_reconcile(db: &TestDb) {
    use siks_domain::checks::FindingKind;
    let store = &db.store;
    let c = cast(store).await;
    wide_counts_follow_the_register(store, &c, "with an empty register").await;
    let (mut odd, mut odd_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(900)
        .build();
    odd.last_verified = None;
    odd_members[0].full_name = "B4mbang".into();
    odd_members[1].relation_to_head = Relation::Head;
    store
        .create_household(&c.village_a, &odd, &odd_members, "baru")
        .await
        .unwrap();
    let (twin, twin_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(910)
        .build();
    store
        .create_household(&c.village_b, &twin, &twin_members, "baru")
        .await
        .unwrap();
    // The same person registered again in another household, under a NIK of its own.
    let (again_home, again_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(920)
        .build();
    let mut copy = odd_members[1].clone();
    copy.id = again_members[0].id;
    copy.household_id = again_home.id;
    copy.nik = again_members[0].nik.clone();
    store
        .create_household(&c.village_b, &again_home, &[copy.clone()], "baru")
        .await
        .unwrap();
    // A NIK shared by two active people (the store refuses it at entry; legacy data has it).
    store
        .seed_nik(twin_members[0].id, &odd_members[0].nik.raw())
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tuban = RegionCode::parse("35.23").unwrap();
    wide_counts_follow_the_register(store, &c, "before any check run").await;
    assert!(matches!(
        checker(store)
            .run_checks(&c.auditor, Some(&tuban), today)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let report = checker(store)
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    assert_eq!(report.households, 3);
    wide_counts_follow_the_register(store, &c, "after a check run").await;
    let open = |k: FindingKind| report.open.get(&k.code()).copied().unwrap_or(0);
    // "B4mbang", and the fixture's "Anggota 1" (twice) and "Anggota 0" (digits in a name).
    assert_eq!(open(FindingKind::ImplausibleName), 4);
    assert_eq!(open(FindingKind::DuplicatePerson), 1, "{report:?}");
    assert_eq!(open(FindingKind::TwoHeads), 1);
    assert_eq!(open(FindingKind::NotVerified), 1);
    assert_eq!(open(FindingKind::DuplicateNik), 2, "one finding per holder");
    assert_eq!(report.opened, report.open.values().sum::<u64>());
    assert_eq!(
        store
            .finding_counts(&c.regency, None, FindingStatus::Open)
            .await
            .unwrap(),
        report.open,
        "the counts the page shows are the run's"
    );

    let in_a = store
        .findings(&c.village_a, None, None, Some(FindingStatus::Open), 100)
        .await
        .unwrap();
    // Paged: the findings after the first are the same ones in the same order; each person
    // found is named as the register names them now.
    assert!(in_a.len() > 1, "{in_a:?}");
    let after_first = store
        .findings_from(&c.village_a, None, None, Some(FindingStatus::Open), 100, 1)
        .await
        .unwrap();
    assert_eq!(
        after_first.iter().map(|f| f.id).collect::<Vec<_>>(),
        in_a[1..].iter().map(|f| f.id).collect::<Vec<_>>()
    );
    assert!(
        in_a.iter()
            .filter(|f| f.person.is_some())
            .all(|f| f.person_name.as_deref().is_some_and(|n| !n.is_empty())),
        "{in_a:?}"
    );
    assert!(
        in_a.iter()
            .all(|f| f.head_name.as_deref().is_some_and(|n| !n.is_empty())),
        "each finding names its household's head: {in_a:?}"
    );
    let same = store
        .findings(
            &c.regency,
            None,
            Some(FindingKind::DuplicatePerson),
            None,
            10,
        )
        .await
        .unwrap();
    let pair = [same[0].person, same[0].other_person];
    assert!(
        pair.contains(&Some(copy.id)) && pair.contains(&Some(odd_members[1].id)),
        "{same:?}"
    );
    // Explained in words, column by column, with the pair's likelihood.
    assert!(
        same[0].detail.contains("nama ") && same[0].detail.contains("tanggal lahir sama"),
        "explained: {}",
        same[0].detail
    );
    assert!(same[0].detail.contains("kemiripan "), "{}", same[0].detail);
    assert!(!same[0].detail.contains("Anggota"), "no name in a finding");
    assert!(in_a.iter().all(|f| f.village.as_str() == VILLAGE_A));
    let dup_b = store
        .findings(
            &c.village_b,
            None,
            Some(FindingKind::DuplicateNik),
            None,
            100,
        )
        .await
        .unwrap();
    assert_eq!(dup_b.len(), 1);
    assert_eq!(dup_b[0].other_person, Some(odd_members[0].id));
    // The other holder lives in village A: village B's operator is not told who it is.
    assert_ne!(odd.address.village.as_str(), dup_b[0].village.as_str());
    assert_eq!(dup_b[0].other_name, None, "{:?}", dup_b[0]);
    let seen_from_regency = store
        .findings(&c.regency, None, Some(FindingKind::DuplicateNik), None, 100)
        .await
        .unwrap();
    assert!(
        seen_from_regency
            .iter()
            .any(|f| f.other_name.as_deref() == Some(odd_members[0].full_name.as_str())),
        "the regency sees both: {seen_from_regency:?}"
    );
    assert!(
        !dup_b[0].detail.contains(&odd_members[0].nik.raw()),
        "no NIK in a finding"
    );

    // Dismiss one (with a reason), fix another, run again.
    let stale = in_a
        .iter()
        .find(|f| f.kind == FindingKind::NotVerified)
        .unwrap();
    assert!(matches!(
        store.dismiss_finding(&c.village_a, stale.id, "").await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .dismiss_finding(&c.village_b, stale.id, "sudah dicek di lapangan")
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .dismiss_finding(&c.village_a, stale.id, "sudah dicek di lapangan")
        .await
        .unwrap();
    wide_counts_follow_the_register(store, &c, "after a dismissal").await;
    let mut renamed = store
        .person(&c.village_a, odd_members[0].id)
        .await
        .unwrap()
        .unwrap();
    renamed.record.full_name = "Bambang".into();
    store
        .update_person(
            &c.village_a,
            &renamed.record,
            renamed.version,
            "salah ketik",
        )
        .await
        .unwrap();
    // A duplicate calls for a removal, entered as the village's draft; a misspelt name does not.
    let proposal = store
        .propose_from_finding(&c.village_b, dup_b[0].id)
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_b, proposal)
        .await
        .unwrap()
        .unwrap();
    let siks_domain::workflow::ProposalContent::Removal {
        household,
        person,
        reason,
        evidence,
    } = &p.content
    else {
        panic!("expected a removal, got {:?}", p.content);
    };
    assert_eq!(
        (*household, *person, *reason),
        (twin.id, Some(twin_members[0].id), InactiveReason::Duplicate)
    );
    // The finding it follows is its evidence (by kind; its id is in the proposal's note).
    assert_eq!(
        evidence.as_deref(),
        Some(format!("temuan verivali: {}", dup_b[0].kind.label()).as_str())
    );
    let misspelt = in_a
        .iter()
        .find(|f| f.kind == FindingKind::ImplausibleName)
        .unwrap();
    assert!(matches!(
        store.propose_from_finding(&c.village_a, misspelt.id).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.propose_from_finding(&c.village_a, dup_b[0].id).await,
        Err(StoreError::NotFound)
    ));
    // Evidence an older run worded otherwise (model weights) is worded anew when seen again;
    // the finding keeps its id, status and time.
    let misspelt_before = store
        .findings(&c.admin, None, Some(FindingKind::ImplausibleName), None, 1)
        .await
        .unwrap()
        .remove(0);
    let old_words = "full_name=differ (-3.1)";
    let reword = format!(
        "UPDATE findings SET detail = '{old_words}' WHERE id = '{}'",
        misspelt_before.id
    );
    raw_exec(db, &reword, &reword).await;
    let again = checker(store)
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    assert_eq!((again.opened, again.fixed), (0, 1), "{again:?}");
    let misspelt_after = store
        .findings(&c.admin, None, Some(FindingKind::ImplausibleName), None, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(misspelt_after.id, misspelt_before.id);
    assert_eq!(misspelt_after.detail, misspelt_before.detail, "worded anew");
    assert_ne!(misspelt_after.detail, old_words);
    assert_eq!(
        (misspelt_after.status, misspelt_after.found_at),
        (misspelt_before.status, misspelt_before.found_at)
    );
    wide_counts_follow_the_register(store, &c, "after a run that fixed one").await;
    assert_eq!(
        again.open.get(&FindingKind::NotVerified.code()),
        None,
        "dismissed stays dismissed"
    );
    let dismissed = store
        .findings(&c.village_a, None, Some(FindingKind::NotVerified), None, 10)
        .await
        .unwrap();
    assert_eq!(
        (dismissed[0].status, dismissed[0].status_reason.as_str()),
        (FindingStatus::Dismissed, "sudah dicek di lapangan")
    );
}

/// The outside lists: imported by the pusat role only, matched at the next check run exactly
/// on the NIK and, where the NIK is missing, by the linkage engine; a NIK typed on someone else
/// makes no finding; the civil registry confirms people (padan) or does not; the quality count
/// follows the findings.
async fn outside_lists_become_findings(db: &TestDb) {
    use siks_domain::checks::FindingKind;
    use siks_domain::lists::{ListKind, read_list};
    let store = &db.store;
    let c = cast(store).await;
    let heads = [
        "Sutrisno Hadi",
        "Wagiman",
        "Slamet Riyadi",
        "Bambang Irawan",
        "Joko Susilo",
        "Agus Salim",
    ];
    let spouses = [
        "Siti Aminah",
        "Rukmini",
        "Sri Wahyuni",
        "Endang Lestari",
        "Tri Handayani",
        "Dewi Sartika",
    ];
    let mut people = Vec::new();
    for (i, (head, spouse)) in heads.iter().zip(spouses).enumerate() {
        let (village, actor) = if i % 2 == 0 {
            (VILLAGE_A, &c.village_a)
        } else {
            (VILLAGE_B, &c.village_b)
        };
        let (h, mut members) = fake_household(village)
            .members(2)
            .serials_from(700 + 2 * i as u32)
            .build();
        members[0].full_name = head.to_string();
        members[1].full_name = spouse.to_string();
        store
            .create_household(actor, &h, &members, "baru")
            .await
            .unwrap();
        people.extend(members);
    }
    let person = |name: &str| people.iter().find(|p| p.full_name == name).unwrap();
    let nik = |name: &str| person(name).nik.raw();
    let row = |p: &Person, birth: &str, status: u8| {
        format!(
            "{},{},{},{birth},{status}\n",
            p.nik.raw(),
            p.full_name,
            p.sex.code()
        )
    };

    let deaths = format!(
        "nik,full_name,sex,birth_date,birth_place,date_of_death\n\
         {},Sutrisno Hadi,1,1985-03-12,Tuban,2026-10-01\n\
         ,Roekmini,2,1985-03-15,Tuban,2026-09-09\n\
         3523010101400999,Paijo,1,1940-01-01,Blora,2026-01-01\n",
        nik("Sutrisno Hadi")
    );
    let servants = format!(
        "nik,full_name,birth_date,kind,institution\n{},Hendra Gunawan,1970-05-05,1,Dinas Pendidikan\n",
        nik("Wagiman")
    );
    let excluded = format!(
        "NIK,Nama,Tanggal Lahir,Alasan\n{},Siti Aminah,15-03-1985,pengurus perusahaan\n",
        nik("Siti Aminah")
    );
    let mut registry = "nik,full_name,sex,birth_date,status\n".to_string();
    for p in &people {
        match p.full_name.as_str() {
            "Rukmini" => {}
            "Sutrisno Hadi" => registry.push_str(&row(p, "1985-03-12", 2)),
            "Wagiman" => registry.push_str(&row(p, "1985-03-13", 1)),
            _ => registry.push_str(&row(p, &p.birth_date.to_string(), 1)),
        }
    }
    let read = |kind, text: &str| read_list(kind, text.as_bytes()).unwrap();

    // Only the pusat role (and admins) import; a source is required.
    assert!(matches!(
        store
            .import_list(
                &c.regency,
                ListKind::Deaths,
                "Dukcapil",
                "d.csv",
                read(ListKind::Deaths, &deaths)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .import_list(
                &c.admin,
                ListKind::Deaths,
                " ",
                "d.csv",
                read(ListKind::Deaths, &deaths)
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    for (kind, source, text) in [
        (ListKind::Deaths, "Dukcapil", &deaths),
        (ListKind::CivilServants, "BKN", &servants),
        (ListKind::Exclusion, "AHU", &excluded),
        (ListKind::CivilRegistry, "Dukcapil", &registry),
    ] {
        let list = store
            .import_list(&c.admin, kind, source, "daftar.csv", read(kind, text))
            .await
            .unwrap();
        assert!(list.in_force && list.rows > 0);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let report = checker(store)
        .run_checks(&c.admin, None, today)
        .await
        .unwrap();
    let open = |k: FindingKind| report.open.get(&k.code()).copied().unwrap_or(0);
    assert_eq!(open(FindingKind::Deceased), 2, "{report:?}");
    assert_eq!(
        open(FindingKind::CivilServant),
        0,
        "a NIK typed on someone else"
    );
    assert_eq!(open(FindingKind::Excluded), 1);
    assert_eq!(open(FindingKind::NotInCivilRegistry), 2);
    assert_eq!(report.padan, Some((9, 3)));

    let deceased = store
        .findings(&c.regency, None, Some(FindingKind::Deceased), None, 10)
        .await
        .unwrap();
    let by_name = |name: &str| {
        deceased
            .iter()
            .find(|f| f.person == Some(person(name).id))
            .unwrap_or_else(|| panic!("{name} not found dead: {deceased:?}"))
    };
    assert!(by_name("Sutrisno Hadi").detail.contains("cocok NIK"));
    let fuzzy = by_name("Rukmini");
    assert!(fuzzy.detail.contains("cocok tanpa NIK"), "{}", fuzzy.detail);
    assert!(
        // Roekmini is Rukmini in the old spelling: the same name once normalised.
        fuzzy.detail.contains("nama sama") && fuzzy.detail.contains("tanggal lahir sama"),
        "explained: {}",
        fuzzy.detail
    );
    assert!(!fuzzy.detail.contains("Roekmini"), "no name in a finding");
    let registry_findings = store
        .findings(
            &c.regency,
            None,
            Some(FindingKind::NotInCivilRegistry),
            None,
            10,
        )
        .await
        .unwrap();
    let reasons: Vec<&str> = registry_findings
        .iter()
        .map(|f| f.detail.as_str())
        .collect();
    assert!(
        reasons.iter().any(|d| d.contains("tanggal lahir berbeda")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|d| d.contains("tidak ditemukan")),
        "{reasons:?}"
    );

    // An exclusion calls for a removal as no longer poor.
    let excluded_finding = store
        .findings(&c.village_a, None, Some(FindingKind::Excluded), None, 10)
        .await
        .unwrap();
    let proposal = store
        .propose_from_finding(&c.village_a, excluded_finding[0].id)
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_a, proposal)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        p.content,
        siks_domain::workflow::ProposalContent::Removal {
            reason: InactiveReason::NoLongerPoor,
            ..
        }
    ));

    // Quality: a person is not valid while an open error finding names them.
    let quality = store.quality(&c.regency, None).await.unwrap();
    assert_eq!(quality.total.persons, 12);
    assert_eq!(quality.total.persons_not_valid, 4, "{quality:?}");
    assert_eq!(quality.children.len(), 1, "one district");
    assert_eq!(quality.children[0].persons_not_valid, 4);
    assert_eq!(
        quality.total.open.get(&FindingKind::Excluded.code()),
        Some(&1)
    );
    let in_a = store.quality(&c.village_a, None).await.unwrap();
    assert_eq!(in_a.total.persons, 6, "scoped");
    assert!(matches!(
        store
            .quality(&c.village_a, Some(&RegionCode::parse(VILLAGE_B).unwrap()))
            .await,
        Err(StoreError::NotFound)
    ));

    // A newer list from the same source replaces the older; the finding it made is fixed.
    store
        .import_list(
            &c.admin,
            ListKind::Exclusion,
            "AHU",
            "kosong.csv",
            Vec::new(),
        )
        .await
        .unwrap();
    let lists = store.outside_lists(&c.regency).await.unwrap();
    assert_eq!(lists.len(), 5);
    assert_eq!(lists.iter().filter(|l| !l.in_force).count(), 1);
    let again = checker(store)
        .run_checks(&c.admin, None, today)
        .await
        .unwrap();
    assert_eq!(
        again.open.get(&FindingKind::Excluded.code()),
        None,
        "{again:?}"
    );
    assert!(again.fixed >= 1);
    let audit = store.audit_entries(&c.admin, None, 200).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "list.import").count(),
        5
    );
    let _ = nik;
}

/// The nation's counts, which the store keeps between register writes, agree with the regency's
/// (read afresh: a regency is not kept) — the whole register lies in the regency. Read twice, so
/// that the second read is the kept one.
async fn wide_counts_follow_the_register(store: &Store, c: &Cast, when: &str) {
    for _ in 0..2 {
        let nation = store.quality(&c.admin, None).await.unwrap().total;
        let regency = store.quality(&c.regency, None).await.unwrap().total;
        assert_eq!(
            (
                nation.persons,
                nation.persons_not_valid,
                nation.households,
                nation.households_not_valid,
                &nation.open
            ),
            (
                regency.persons,
                regency.persons_not_valid,
                regency.households,
                regency.households_not_valid,
                &regency.open
            ),
            "quality {when}"
        );
        let nation = store.report(&c.admin, None, None).await.unwrap();
        let regency = store.report(&c.regency, None, None).await.unwrap();
        assert_eq!(nation.desil.total, regency.desil.total, "desil {when}");
        assert_eq!(
            (&nation.stats.total.households, &nation.stats.total.persons),
            (
                &regency.stats.total.households,
                &regency.stats.total.persons
            ),
            "stats {when}"
        );
        let (nation, regency) = (nation.quality.unwrap(), regency.quality.unwrap());
        assert_eq!(
            nation.total.persons_not_valid, regency.total.persons_not_valid,
            "the report's quality {when}"
        );
    }
}

/// A run with more findings than one write holds writes them in parts, each audited, the last
/// with the run's counts; all of them are kept, and the next run finds the same and changes
/// nothing.
async fn a_large_run_writes_in_audited_parts(db: &TestDb) {
    use siks_store::findings::FINDINGS_PER_WRITE;
    let store = &db.store;
    let c = cast(store).await;
    let data = crate::import::generated("35.23.01", 700);
    crate::import::import_dir(store, &c.admin, data.path())
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let first = checker(store)
        .run_checks(&c.admin, None, today)
        .await
        .unwrap();
    assert!(
        first.opened as usize > 2 * FINDINGS_PER_WRITE,
        "too few findings to need three parts: {first:?}"
    );
    let open = store
        .findings(&c.admin, None, None, Some(FindingStatus::Open), 5000)
        .await
        .unwrap();
    assert_eq!(open.len() as u64, first.opened, "every part was kept");
    let audit = store.audit_entries(&c.admin, None, 5000).await.unwrap();
    let parts = audit
        .iter()
        .filter(|e| e.action == "check.run.part")
        .count();
    assert_eq!(
        parts,
        (first.opened as usize).div_ceil(FINDINGS_PER_WRITE) - 1
    );
    let runs: Vec<_> = audit.iter().filter(|e| e.action == "check.run").collect();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].detail.contains(&format!("opened={}", first.opened)),
        "{}",
        runs[0].detail
    );

    let again = checker(store)
        .run_checks(&c.admin, None, today)
        .await
        .unwrap();
    assert_eq!((again.opened, again.fixed), (0, 0), "{again:?}");
    assert_eq!(again.open, first.open);
}

#[tokio::test]
async fn checks_find_and_reconcile_on_both_engines() {
    on_both_engines!(checks_find_and_reconcile);
}

#[tokio::test]
async fn outside_lists_become_findings_on_both_engines() {
    on_both_engines!(outside_lists_become_findings);
}

#[tokio::test]
async fn a_large_run_writes_in_audited_parts_on_both_engines() {
    on_both_engines!(a_large_run_writes_in_audited_parts);
}
