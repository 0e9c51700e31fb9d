//! Targeting: the welfare ranking and the programmes' beneficiary lists.

use crate::support::*;

/// Welfare ranking: every household scored with the model as the domain scores it (the SQL
/// summary of members agrees with the Rust one), ranked into desil nationally and within the
/// regency, the latest score and desil carried by the household without a new version, the
/// explanation in scope only, and only the ministry may rank.
async fn welfare_ranking(db: &TestDb) {
    use siks_domain::welfare::{MemberSummary, Model};
    let store = &db.store;
    let c = cast(store).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut made = Vec::new();
    for i in 0..10u32 {
        let village = if i < 8 { VILLAGE_A } else { "35.24.01.2001" };
        let (mut h, members) = fake_household(village)
            .members(1 + (i as usize % 4))
            .serials_from(800 + i * 10)
            .build();
        // Richer with each step: a bigger floor, then a fridge, a motorbike, a car.
        h.housing.floor_area_m2 = 20 + 15 * i;
        h.assets.fridge = i >= 3;
        h.assets.motorbike = i >= 5;
        h.assets.car = i >= 8;
        if i >= 6 {
            h.housing.floor_material = FloorMaterial::Ceramic;
            h.housing.wall_material = WallMaterial::PlasteredBrick;
            h.housing.cooking_fuel = CookingFuel::Lpg3Kg;
        }
        store
            .create_household(&c.admin, &h, &members, "baru")
            .await
            .unwrap();
        made.push((h, members));
    }
    let model = Model::default_model();
    assert!(matches!(
        store.rank(&c.village_a, &model, today).await,
        Err(StoreError::Forbidden(_))
    ));
    let report = store.rank(&c.admin, &model, today).await.unwrap();
    assert_eq!(report.households, 10);
    // The village index a run drops for its update (on SQLite) is back, with the desil.
    assert_eq!(
        raw_count(
            db,
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
             AND name = 'households_village_status' AND sql LIKE '%desil%'",
            "SELECT COUNT(*) FROM pg_indexes \
             WHERE indexname = 'households_village_status' AND indexdef LIKE '%desil%'",
        )
        .await,
        1
    );
    assert_eq!(report.by_desil, [1; 10], "ten households, one per desil");
    // The lowest score as the domain computes it is desil 1, the highest 10; the regency has its
    // own ranking.
    let welfare =
        async |actor: &Actor, i: usize| store.household_welfare(actor, made[i].0.id).await.unwrap();
    let expected: Vec<f64> = made
        .iter()
        .map(|(h, members)| model.score(h, &MemberSummary::of(members, today)))
        .collect();
    let order = |pick: fn(f64, f64) -> bool| {
        (0..expected.len())
            .reduce(|a, b| if pick(expected[b], expected[a]) { b } else { a })
            .unwrap()
    };
    let poorest = welfare(&c.admin, order(|a, b| a < b)).await.unwrap();
    let richest = welfare(&c.admin, order(|a, b| a > b)).await.unwrap();
    assert!(poorest.score < richest.score);
    assert_eq!((poorest.desil, richest.desil), (1, 10));
    // Two households: the poorer is the first tenth, the richer the sixth.
    let (richer, poorer) = if expected[8] > expected[9] {
        (8, 9)
    } else {
        (9, 8)
    };
    assert_eq!(
        (
            welfare(&c.admin, poorer).await.unwrap().desil_regency,
            welfare(&c.admin, richer).await.unwrap().desil_regency
        ),
        (1, 6),
        "the two of regency 35.24 ranked among themselves"
    );
    assert_eq!(poorest.model, "siks-ilustratif-2026");
    assert_eq!(poorest.bps.len(), 14);
    assert!(!poorest.reasons.is_empty());
    for (i, (h, members)) in made.iter().enumerate() {
        let expected = model.score(h, &MemberSummary::of(members, today));
        let stored = welfare(&c.admin, i).await.unwrap().score;
        assert!(
            (stored - expected).abs() < 1e-6 * expected,
            "household {i}: stored {stored}, the domain says {expected}"
        );
    }
    // The household carries the latest desil, at the same version.
    let view = store
        .household(&c.admin, made[0].0.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        view.household.record.desil,
        Some(welfare(&c.admin, 0).await.unwrap().desil)
    );
    assert_eq!(view.household.version, 1);
    // A change of the record written after the run keeps the run's score and desil, even when
    // it was made from the record as it stood before the run.
    let mut corrected = made[0].0.clone();
    corrected.address.street = "Jl. Baru 1".into();
    store
        .update_household(&c.village_a, &corrected, 1, "perbaikan alamat")
        .await
        .unwrap();
    let after = store
        .household(&c.admin, made[0].0.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.household.version, 2);
    assert_eq!(after.household.record.desil, view.household.record.desil);
    assert_eq!(
        after.household.record.welfare_score,
        view.household.record.welfare_score
    );
    // In scope only.
    assert!(welfare(&c.village_b, 0).await.is_none());
    assert!(welfare(&c.village_a, 0).await.is_some());
    // A second run with another model: the latest run counts.
    let flat = Model::parse("name = \"datar\"\nintercept = 13.0\n[coefficients]\n").unwrap();
    store.rank(&c.admin, &flat, today).await.unwrap();
    assert_eq!(welfare(&c.admin, 0).await.unwrap().model, "datar");
}

/// Programme lists: built from the register, the latest ranking and the open findings with the
/// definitions in force; PKH amounts from components; an open ASN finding excludes; a regency's
/// quota cuts the list and the household cut is a departure with its reason; a bad definition
/// or quota is refused and the one in force stays; a closed period's lists are fixed.
async fn programme_lists(db: &TestDb) {
    use siks_domain::welfare::Model;
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    // The poorest: a pregnant mother and a child of three; the next, poor but a civil servant;
    // two better off.
    let (poorest, mut poorest_members) = fake_household(VILLAGE_A)
        .members(4)
        .serials_from(900)
        .build();
    poorest_members[0].full_name = "Kartini Poerwanti".into();
    poorest_members[1].pregnant = true;
    poorest_members[2].birth_date = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap();
    for m in &mut poorest_members {
        m.school_participation = SchoolParticipation::Left;
    }
    let (servant, mut servant_members) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(910)
        .build();
    servant_members[0].full_name = "Slamet Abdi Negara".into();
    let mut better = Vec::new();
    for i in 0..2u32 {
        let (mut h, members) = fake_household(VILLAGE_A)
            .members(1)
            .serials_from(920 + i * 10)
            .build();
        h.housing.floor_material = FloorMaterial::Ceramic;
        h.housing.wall_material = WallMaterial::PlasteredBrick;
        h.housing.floor_area_m2 = 120;
        h.assets.car = true;
        h.assets.fridge = true;
        better.push((h, members));
    }
    for (h, m) in [(&poorest, &poorest_members), (&servant, &servant_members)]
        .into_iter()
        .chain(better.iter().map(|(h, m)| (h, m)))
    {
        store
            .create_household(&c.admin, h, m, "baru")
            .await
            .unwrap();
    }
    let finding = format!(
        "INSERT INTO findings (id, finding_key, kind, severity, village_code, household_id, person_id, \
         other_person_id, fields, detail, status, status_reason, status_by, found_at, updated_at) VALUES \
         ('{}', 'uji-asn', 15, 'error', '{VILLAGE_A}', '{}', '{}', NULL, '', '{{}}', 'open', '', NULL, \
         '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
        uuid::Uuid::now_v7(),
        servant.id,
        servant_members[0].id
    );
    raw_exec(db, &finding, &finding).await;
    store
        .rank(&c.admin, &Model::default_model(), today)
        .await
        .unwrap();
    let december = Period::parse("2026-12").unwrap();
    assert!(matches!(
        store.build_lists(&c.village_a, december, today).await,
        Err(StoreError::Forbidden(_))
    ));
    let reports = store
        .build_lists(&c.admin, december, today)
        .await
        .unwrap()
        .lists;
    let codes: Vec<&str> = reports.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "ATENSI", "BST", "KAT", "KUBE", "PBI-JK", "PKH", "PKSA", "SEMBAKO"
        ]
    );
    let list = |actor: &Actor, period: Period, code: &'static str| {
        let actor = actor.clone();
        async move {
            store
                .beneficiaries(&actor, period, code, None)
                .await
                .unwrap()
        }
    };
    let pkh = list(&c.village_a, december, "PKH").await;
    assert_eq!(pkh.len(), 1, "{pkh:?}");
    assert_eq!(pkh[0].household_id, poorest.id.0);
    assert_eq!(pkh[0].amount, 6_000_000, "pregnant and a young child");
    assert!(pkh[0].components.contains("Ibu hamil/nifas x1"));
    let pbi = list(&c.village_a, december, "PBI-JK").await;
    assert_eq!(
        pbi.len(),
        4,
        "every member of the poorest; the civil servant's excluded"
    );
    assert!(
        pbi.iter()
            .all(|b| b.person_id.is_some() && b.amount == 504_000)
    );
    assert!(list(&c.village_b, december, "PKH").await.is_empty());
    // The public check reads the newest lists: the poorest's head is on PKH (her household's)
    // and PBI-JK (her own), found by her name in today's spelling; the civil servant on none.
    let here = RegionCode::parse(VILLAGE_A).unwrap();
    let checked = store.public_check(&here, "kartini purwanti").await.unwrap();
    assert_eq!(checked.len(), 1, "{checked:?}");
    let on: Vec<(&str, bool)> = checked[0]
        .programmes
        .iter()
        .map(|(code, _, yes)| (code.as_str(), *yes))
        .collect();
    assert!(
        on.contains(&("PKH", true)) && on.contains(&("PBI-JK", true)),
        "{on:?}"
    );
    assert!(
        checked[0]
            .programmes
            .iter()
            .all(|(_, period, _)| period == "2026-12")
    );
    let servant_checked = store
        .public_check(&here, "Slamet Abdi Negara")
        .await
        .unwrap();
    assert_eq!(servant_checked.len(), 1);
    assert!(
        servant_checked[0].programmes.iter().all(|(_, _, yes)| !yes),
        "{servant_checked:?}"
    );
    // The household's own benefits on the latest lists: PKH's amount is the list's, PBI-JK's is
    // every member's together; another village sees none of it.
    let village = RegionCode::parse(VILLAGE_A).unwrap();
    let benefits = store
        .household_benefits(&c.village_a, poorest.id.0, &village)
        .await
        .unwrap();
    let pkh_amount = benefits
        .iter()
        .find(|(code, ..)| code == "PKH")
        .map(|(_, period, amount)| (*period, *amount));
    assert_eq!(pkh_amount, Some((december, 6_000_000)), "{benefits:?}");
    let pbi_amount = benefits
        .iter()
        .find(|(code, ..)| code == "PBI-JK")
        .map(|(.., amount)| *amount);
    assert_eq!(pbi_amount, Some(4 * 504_000), "{benefits:?}");
    assert!(
        store
            .household_benefits(&c.village_b, poorest.id.0, &village)
            .await
            .unwrap()
            .is_empty()
    );
    match store
        .beneficiaries(&c.village_a, december, "BLT", None)
        .await
    {
        Err(StoreError::Invalid { indonesian, .. }) => {
            assert!(
                indonesian.contains("tidak dikenal") && indonesian.contains("PKH"),
                "{indonesian}"
            )
        }
        other => panic!("an unknown programme: {other:?}"),
    }
    // A quota of nothing for Sembako in the regency: next period the household is cut.
    let regency = RegionCode::parse("35.23").unwrap();
    for bad in [-1, 5] {
        assert!(matches!(
            store.set_quota(&c.admin, "SEMBAKO", &regency, bad).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    store
        .set_quota(&c.admin, "SEMBAKO", &regency, 0)
        .await
        .unwrap();
    let january = Period::parse("2027-01").unwrap();
    let reports = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    let sembako = reports.iter().find(|r| r.code == "SEMBAKO").unwrap();
    assert_eq!(
        (sembako.units, sembako.over_quota, sembako.departed),
        (0, 1, 1)
    );
    let gone = store
        .departures(&c.village_a, january, "SEMBAKO", None)
        .await
        .unwrap();
    let poorest_head = store
        .household(&c.admin, poorest.id)
        .await
        .unwrap()
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.record.relation_to_head == siks_domain::codes::Relation::Head)
        .unwrap()
        .record
        .full_name;
    assert_eq!(
        gone,
        [siks_store::programmes::Departure {
            household_id: poorest.id.0,
            head: poorest_head,
            reason: "di luar kuota kabupaten/kota".to_string()
        }]
    );
    // Definitions: a bad one is refused with its line; a good one becomes version 1.
    let bad =
        "code = \"BST\"\nname = \"x\"\nunit = \"household\"\namount = 1\neligible = \"yacht\"\n";
    match store.save_programme(&c.admin, bad, "uji salah").await {
        Err(StoreError::Invalid { indonesian, .. }) => {
            assert!(indonesian.contains("baris 5"), "{indonesian}")
        }
        other => panic!("{other:?}"),
    }
    let narrower = "code = \"BST\"\nname = \"BST\"\nunit = \"household\"\namount = 1800000\neligible = \"desil == 1 && members >= 5\"\n";
    // The dry run: the poorest (desil 1, four members) would leave BST; nothing is written.
    let run = store
        .dry_run_programme(&c.admin, narrower, today)
        .await
        .unwrap();
    assert_eq!(run.compared_with, Some(0));
    assert_eq!(
        (
            run.total.before,
            run.total.after,
            run.total.added,
            run.total.dropped
        ),
        (run.total.before, run.total.before - 1, 0, 1),
        "{run:?}"
    );
    assert!(run.total.before >= 1);
    assert_eq!(run.regions[0].code, Some(RegionCode::parse("35").unwrap()));
    assert!(matches!(
        store.dry_run_programme(&c.village_a, narrower, today).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(store.programme_versions("BST").await.unwrap().len(), 1);
    assert_eq!(
        store
            .save_programme(&c.admin, narrower, "hanya keluarga besar")
            .await
            .unwrap(),
        1
    );
    let in_force = store.programmes().await.unwrap();
    let bst = in_force.iter().find(|p| p.programme.code == "BST").unwrap();
    assert_eq!(bst.version, 1);
    let versions = store.programme_versions("BST").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.note.as_str()))
            .collect::<Vec<_>>(),
        [(1, "hanya keluarga besar"), (0, "definisi bawaan siks")]
    );
    assert!(!versions[0].saved_by.is_empty());
    let reports = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    assert_eq!(reports.iter().find(|r| r.code == "BST").unwrap().units, 0);
    // A closed period's lists are fixed.
    checker(store)
        .run_checks(&c.admin, None, today)
        .await
        .unwrap();
    store
        .close_period(&c.admin, Period::parse("2026-11").unwrap())
        .await
        .unwrap();
    assert!(matches!(
        store
            .build_lists(&c.admin, Period::parse("2026-11").unwrap(), today)
            .await,
        Err(StoreError::Invalid { .. })
    ));

    // The report counts what the lists and the register hold, for the region asked.
    let report = store
        .report(&c.regency, None, Some(december))
        .await
        .unwrap();
    let programmes = report.programmes.as_ref().unwrap();
    assert_eq!(programmes.period, december);
    assert_eq!(programmes.households.total.get("PKH"), Some(&1));
    assert_eq!(programmes.amount.total.get("PKH"), Some(&6_000_000));
    assert_eq!(programmes.units.total.get("PBI-JK"), Some(&4));
    let district = RegionCode::parse("35.23.01").unwrap();
    assert_eq!(programmes.households.children[0].0, district);
    let ranked: u64 = report.desil.total.values().sum();
    assert_eq!(ranked, report.stats.total.households.active);
    assert_eq!(
        report.desil.total.get(&1),
        Some(&1),
        "the poorest alone in desil 1"
    );
    assert_eq!(report.periods.len(), 1);
    assert_eq!(
        report.periods[0].households, report.stats.total.households.active,
        "nothing changed since November closed"
    );
    assert!(report.quality.is_some());
    // January's lists are the newest; village B has nobody on them.
    let newest = store.report(&c.village_b, None, None).await.unwrap();
    let january_lists = newest.programmes.unwrap();
    assert_eq!(january_lists.period, january);
    assert!(january_lists.households.total.is_empty());
    let village_a = RegionCode::parse(VILLAGE_A).unwrap();
    assert!(matches!(
        store.report(&c.village_b, Some(&village_a), None).await,
        Err(StoreError::NotFound)
    ));
    // The public summary: a province only, without the workflow's counts.
    let province = RegionCode::parse("35").unwrap();
    let public = store
        .public_report(&province, Some(december))
        .await
        .unwrap();
    assert_eq!(
        public.stats.total,
        store.stats(&c.admin, Some(&province)).await.unwrap().total
    );
    assert!(public.quality.is_none() && public.pipeline.is_empty());
    assert!(matches!(
        store.public_report(&district, None).await,
        Err(StoreError::NotFound)
    ));

    lists_built_aside(db, &c, january, today).await;
}

/// Issue 18: a list is written aside in slices, each its own transaction, and switched in at
/// once; the list it replaced is removed; one a dead build left aside is seen by no reader and
/// removed by the next build.
async fn lists_built_aside(
    db: &TestDb,
    c: &Cast,
    january: siks_domain::workflow::Period,
    today: NaiveDate,
) {
    let store = &db.store;
    let count = async |sql: &str| raw_count(db, sql, sql).await;
    const ASIDE: &str = "SELECT COUNT(*) FROM beneficiary_lists WHERE period LIKE '-%'";
    const ORPHANS: &str = "SELECT COUNT(*) FROM beneficiaries WHERE list_id NOT IN \
         (SELECT id FROM beneficiary_lists WHERE period NOT LIKE '-%')";
    assert_eq!(count(ASIDE).await, 0, "every replaced list removed");
    assert_eq!(count(ORPHANS).await, 0);
    let pkh = |lists: Vec<siks_store::programmes::Beneficiary>| lists.len();
    let before = pkh(store
        .beneficiaries(&c.admin, january, "PKH", None)
        .await
        .unwrap());
    // What a build that died after its first slice leaves: a list aside, begun long ago.
    let dead = "INSERT INTO beneficiary_lists \
         (id, period, code, definition, units, amount, built_by, built_at) \
         VALUES ('mati', '-mati', 'PKH', '', 1, 1, 'x', '2000-01-01T00:00:00Z'); \
         INSERT INTO beneficiaries \
         (list_id, household_id, village_code, desil, score, amount, components, position) \
         VALUES ('mati', 'rumah-tangga', '35.23.01.2001', 1, 0.1, 1, '', 1); \
         INSERT INTO beneficiary_counts (list_id, village_code, units, households, amount) \
         VALUES ('mati', '35.23.01.2001', 1, 1, 1);";
    raw_exec(db, dead, dead).await;
    assert_eq!(
        pkh(store
            .beneficiaries(&c.admin, january, "PKH", None)
            .await
            .unwrap()),
        before
    );
    let newest = store.report(&c.admin, None, None).await.unwrap();
    assert_eq!(newest.programmes.unwrap().period, january);
    store.build_lists(&c.admin, january, today).await.unwrap();
    assert_eq!(count(ASIDE).await, 0, "the dead build's list removed");
    assert_eq!(count(ORPHANS).await, 0);
    assert_eq!(
        pkh(store
            .beneficiaries(&c.admin, january, "PKH", None)
            .await
            .unwrap()),
        before
    );
}

/// Grouped units: KUBE's families of one village formed into groups of ten, a short last group
/// kept from five families and fewer left waiting; KAT's households one community per village.
/// A grouped list counts groups, its rows keep each family's amount, and a village sees only its
/// own groups.
async fn grouped_lists(db: &TestDb) {
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut made = Vec::new();
    // Sixteen poor families in village A, three in village B.
    for i in 0..19u32 {
        let village = if i < 16 { VILLAGE_A } else { VILLAGE_B };
        let (h, members) = fake_household(village)
            .members(2)
            .serials_from(1_000 + i * 10)
            .build();
        store
            .create_household(&c.admin, &h, &members, "baru")
            .await
            .unwrap();
        made.push((h, members));
    }
    // All desil 1, poorer in the order they were made: the ranking is that order.
    for (i, (h, _)) in made.iter().enumerate() {
        let sql = format!(
            "UPDATE households SET desil = 1, desil_regency = 1, welfare_score = {} WHERE id = '{}'",
            400_000 + i * 1_000,
            h.id
        );
        raw_exec(db, &sql, &sql).await;
    }
    // One household of each village belongs to a remote customary community.
    for (h, members) in [&made[3], &made[17]] {
        let sql = format!(
            "UPDATE persons SET pmks = 26 WHERE id = '{}' AND household_id = '{}'",
            members[0].id, h.id
        );
        raw_exec(db, &sql, &sql).await;
    }
    let december = Period::parse("2026-12").unwrap();
    let built = store
        .build_lists(&c.admin, december, today)
        .await
        .unwrap()
        .lists;
    let kube = built.iter().find(|r| r.code == "KUBE").unwrap();
    assert_eq!(
        (kube.units, kube.households, kube.waiting),
        (2, 16, 3),
        "a group of ten and one of six in A; B's three wait: {kube:?}"
    );
    assert_eq!(kube.amount, 16 * 2_000_000);
    let kat = built.iter().find(|r| r.code == "KAT").unwrap();
    assert_eq!(
        (kat.units, kat.households, kat.waiting),
        (2, 2, 0),
        "{kat:?}"
    );
    let atensi = built.iter().find(|r| r.code == "ATENSI").unwrap();
    assert_eq!(atensi.units, 2, "the two heads carry a PPKS category");
    let rows = store
        .beneficiaries(&c.admin, december, "KUBE", None)
        .await
        .unwrap();
    assert_eq!(rows.len(), 16);
    let sizes: BTreeMap<Option<i64>, usize> = rows.iter().fold(BTreeMap::new(), |mut m, b| {
        *m.entry(b.group).or_default() += 1;
        m
    });
    assert_eq!(sizes, BTreeMap::from([(Some(1), 10), (Some(2), 6)]));
    assert!(
        rows.iter()
            .all(|b| b.village_code.as_str() == VILLAGE_A && b.amount == 2_000_000)
    );
    assert!(
        store
            .beneficiaries(&c.village_b, december, "KUBE", None)
            .await
            .unwrap()
            .is_empty(),
        "village B has no group yet"
    );
    let communities = store
        .beneficiaries(&c.village_a, december, "KAT", None)
        .await
        .unwrap();
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0].household_id, made[3].0.id.0);
    assert_eq!(communities[0].group, Some(1));
    // Reports count groups: the region's summary says two KUBE groups of sixteen households.
    let summary = store.list_summary(&c.admin, december, None).await.unwrap();
    let kube_summary = summary.iter().find(|(code, ..)| code == "KUBE").unwrap();
    assert_eq!(
        (kube_summary.1, kube_summary.2, kube_summary.3),
        (2, 16, 32_000_000)
    );
    let january = Period::parse("2027-01").unwrap();
    let again = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    assert_eq!(again.iter().find(|r| r.code == "KUBE").unwrap().units, 2);
    // A regency quota of twelve families (the poorest are A's) cuts A's second group to two: too
    // few, they wait; the families that left December's list say why.
    store
        .set_quota(&c.admin, "KUBE", &RegionCode::parse("35.23").unwrap(), 12)
        .await
        .unwrap();
    let cut = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    let kube = cut.iter().find(|r| r.code == "KUBE").unwrap();
    assert_eq!(
        (kube.units, kube.households, kube.over_quota, kube.waiting),
        (1, 10, 7, 2),
        "{kube:?}"
    );
    let gone = store
        .departures(&c.admin, january, "KUBE", None)
        .await
        .unwrap();
    assert_eq!(gone.len(), 6, "{gone:?}");
    assert_eq!(
        gone.iter()
            .filter(|d| d
                .reason
                .contains("menunggu kelompok: kurang dari 5 keluarga"))
            .count(),
        2,
        "{gone:?}"
    );
    assert_eq!(
        gone.iter()
            .filter(|d| d.reason == "di luar kuota kabupaten/kota")
            .count(),
        4
    );
}

#[tokio::test]
async fn programme_lists_on_both_engines() {
    on_both_engines!(programme_lists);
}

#[tokio::test]
async fn grouped_lists_on_both_engines() {
    on_both_engines!(grouped_lists);
}

#[tokio::test]
async fn welfare_ranking_on_both_engines() {
    on_both_engines!(welfare_ranking);
}
