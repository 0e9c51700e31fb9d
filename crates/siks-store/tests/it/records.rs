//! Households and persons with their history, search, and evidence photos.

use crate::support::*;

async fn households_persons_history(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let (household, members) = fake_household(VILLAGE_A).members(3).build();
    assert!(matches!(
        store
            .create_household(&c.village_a, &household, &members, " ")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .create_household(&c.village_b, &household, &members, "pendataan baru")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .create_household(&c.auditor, &household, &members, "pendataan baru")
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .create_household(&c.village_a, &household, &[], "pendataan baru")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store
            .create_household(&c.village_a, &household, &members, "pendataan baru")
            .await
            .unwrap(),
        1
    );

    // The same NIK cannot be registered again while active.
    let (other, mut other_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(500)
        .build();
    other_members[0].nik = members[0].nik.clone();
    let conflict = store
        .create_household(&c.village_b, &other, &other_members, "baru")
        .await;
    match conflict {
        Err(StoreError::Conflict { indonesian, .. }) => {
            assert!(
                indonesian.contains("di luar wilayah kerja Anda"),
                "{indonesian}"
            );
            assert!(
                !indonesian.contains(&members[0].nik.raw()),
                "full NIK leaked: {indonesian}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Views inside the scope; outside it looks exactly like a missing id.
    let view = store
        .household(&c.village_a, household.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.household.record, household);
    assert_eq!(view.household.version, 1);
    assert_eq!(view.members.len(), 3);
    assert_eq!(view.members[0].record, members[0]);
    assert_eq!(
        store.household(&c.village_b, household.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .household(&c.village_a, HouseholdId::new())
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .household(&c.regency, household.id)
            .await
            .unwrap()
            .is_some()
    );
    let person = store
        .person(&c.village_a, members[1].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.record, members[1]);
    assert_eq!(
        store.person(&c.village_b, members[1].id).await.unwrap(),
        None
    );
    assert_eq!(
        store.person(&c.village_a, PersonId::new()).await.unwrap(),
        None
    );

    // Edits: versioned, stale refused, out of scope not found.
    let mut changed = household.clone();
    changed.housing.floor_material = FloorMaterial::Cement;
    changed.assets.phone = true;
    assert_eq!(
        store
            .update_household(&c.village_a, &changed, 1, "lantai sudah disemen")
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        store
            .update_household(&c.village_a, &changed, 1, "lagi")
            .await,
        Err(StoreError::Stale {
            expected: 1,
            current: 2
        })
    ));
    assert!(matches!(
        store
            .update_household(&c.village_b, &changed, 2, "lagi")
            .await,
        Err(StoreError::NotFound)
    ));
    let mut moved = changed.clone();
    moved.address.village = RegionCode::parse(VILLAGE_B).unwrap();
    assert!(matches!(
        store
            .update_household(&c.village_a, &moved, 2, "pindah")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    // The regency may move it between its villages; members follow.
    assert_eq!(
        store
            .update_household(&c.regency, &moved, 2, "salah desa")
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store.person(&c.village_a, members[0].id).await.unwrap(),
        None
    );
    assert!(
        store
            .person(&c.village_b, members[0].id)
            .await
            .unwrap()
            .is_some()
    );

    let mut person = members[2].clone();
    person.full_name = "Anggota Dua".into();
    assert_eq!(
        store
            .update_person(&c.village_b, &person, 1, "salah ketik nama")
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        store.update_person(&c.village_b, &person, 1, "lagi").await,
        Err(StoreError::Stale { .. })
    ));
    assert!(matches!(
        store.update_person(&c.village_a, &person, 2, "lagi").await,
        Err(StoreError::NotFound)
    ));
    let mut elsewhere = person.clone();
    elsewhere.household_id = HouseholdId::new();
    assert!(matches!(
        store
            .update_person(&c.village_b, &elsewhere, 2, "pindah")
            .await,
        Err(StoreError::Invalid { .. })
    ));

    let (_, newborn) = fake_household(VILLAGE_B)
        .members(3)
        .serials_from(900)
        .build();
    let mut newborn = newborn[2].clone();
    newborn.household_id = household.id;
    assert_eq!(
        store
            .add_person(&c.village_b, &newborn, "kelahiran")
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.add_person(&c.village_b, &newborn, "kelahiran").await,
        Err(StoreError::Conflict { .. }) | Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.add_person(&c.village_a, &newborn, "kelahiran").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .household(&c.village_b, household.id)
            .await
            .unwrap()
            .unwrap()
            .members
            .len(),
        4
    );

    // History keeps every change with before and after.
    let history = store
        .history(&c.regency, &household.id.to_string())
        .await
        .unwrap();
    let kinds: Vec<(i64, ChangeKind)> =
        history.iter().map(|h| (h.version, h.change_kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (1, ChangeKind::Created),
            (2, ChangeKind::Updated),
            (3, ChangeKind::Updated)
        ]
    );
    assert!(
        history[1]
            .before_json
            .as_deref()
            .unwrap()
            .contains("\"floor_material\":9")
    );
    assert!(
        history[1]
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"floor_material\":6")
    );
    assert_eq!(history[1].reason, "lantai sudah disemen");
    assert_eq!(history[2].actor_role, Role::RegencyOperator);
    let person_history = store
        .history(&c.village_b, &person.id.to_string())
        .await
        .unwrap();
    assert_eq!(person_history.len(), 1);
    assert!(
        person_history[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains("Anggota 2")
    );
    assert!(
        store
            .history(&c.village_a, &person.id.to_string())
            .await
            .unwrap()
            .is_empty()
    );

    // Lists.
    let all = store
        .list_households(
            &c.regency,
            &HouseholdFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].members, 4);
    assert_eq!(all[0].head_name.as_deref(), Some("Anggota 0"));
    assert!(
        store
            .list_households(
                &c.village_a,
                &HouseholdFilter {
                    limit: 50,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    let none = HouseholdFilter {
        status: Some("proposed".into()),
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.regency, &none)
            .await
            .unwrap()
            .is_empty()
    );
    let foreign = HouseholdFilter {
        region: Some(RegionCode::parse("35.24").unwrap()),
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.regency, &foreign)
            .await
            .unwrap()
            .is_empty()
    );

    // Stats inside the scope only.
    let stats = store.stats(&c.regency, None).await.unwrap();
    assert_eq!(stats.total.households.active, 1);
    assert_eq!(stats.total.persons.total(), 4);
    assert_eq!(stats.children.len(), 1);
    assert_eq!(
        stats.children[0].code.as_ref().map(|c| c.as_str()),
        Some("35.23.01")
    );
    assert!(matches!(
        store
            .stats(&c.village_a, Some(&RegionCode::parse("35.23").unwrap()))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .stats(&c.village_a, None)
            .await
            .unwrap()
            .total
            .households
            .total(),
        0
    );
    let nation = store.stats(&c.admin, None).await.unwrap();
    assert_eq!(nation.total.name, "Indonesia");
    assert_eq!(
        nation.children[0].code.as_ref().map(|c| c.as_str()),
        Some("35")
    );
}

async fn household_search(db: &TestDb) {
    use siks_domain::search::SearchQuery;
    let store = &db.store;
    let c = cast(store).await;
    let (mut household, mut members) = fake_household(VILLAGE_A).members(2).build();
    household.address.street = "Jl. Mawar Merah 7".into();
    household.address.rt = "003".into();
    members[0].full_name = "Siti  Aminah".into();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let (other, other_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(700)
        .build();
    store
        .create_household(&c.village_a, &other, &other_members, "baru")
        .await
        .unwrap();
    let regency = &c.regency;
    let find = async |search: Option<SearchQuery>| {
        let filter = HouseholdFilter {
            search,
            limit: 10,
            ..Default::default()
        };
        store
            .list_households(regency, &filter)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find(SearchQuery::parse(&members[1].nik.raw())).await,
        vec![household.id]
    );
    assert_eq!(
        find(SearchQuery::parse(&members[1].no_kk.raw()))
            .await
            .len(),
        2,
        "both share the fixture's No KK"
    );
    assert_eq!(
        find(SearchQuery::parse("siti am")).await,
        vec![household.id]
    );
    assert_eq!(find(SearchQuery::parse("SITI")).await, vec![household.id]);
    assert!(
        find(SearchQuery::parse("aminah")).await.is_empty(),
        "name search is by prefix"
    );
    assert_eq!(find(SearchQuery::parse("RT 3")).await, vec![household.id]);
    assert_eq!(
        find(SearchQuery::address("mawar")).await,
        vec![household.id]
    );
    assert!(
        find(SearchQuery::address("100%")).await.is_empty(),
        "LIKE wildcards are literal"
    );
    assert_eq!(find(None).await.len(), 2);
    // Names are searched as the linkage crate normalises them: every spelling of a seeded name
    // finds it, and two words find it in either order, the order typed first.
    let (third, mut third_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(800)
        .build();
    third_members[0].full_name = "H. Muhammad Rizki".into();
    third_members[1].full_name = "Soekarno Djojohadikoesoemo".into();
    store
        .create_household(&c.village_a, &third, &third_members, "baru")
        .await
        .unwrap();
    for variant in [
        "Muhammad Rizki",
        "Muhamad Rizki",
        "Moh. Rizki",
        "Mohammad Rizki",
        "M. Rizki",
        "muhammad riz",
        "Rizki Muhammad",
        "Sukarno",
        "Soekarno Djojo",
        "Sukarno Jojohadikusumo",
    ] {
        assert_eq!(
            find(SearchQuery::parse(variant)).await,
            vec![third.id],
            "{variant}"
        );
    }
    let (fourth, mut fourth_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(900)
        .build();
    fourth_members[0].full_name = "Aminah Siti Rahma".into();
    store
        .create_household(&c.village_a, &fourth, &fourth_members, "baru")
        .await
        .unwrap();
    assert_eq!(
        find(SearchQuery::parse("Aminah Siti")).await,
        vec![fourth.id, household.id],
        "the words in the order typed come first"
    );
    // The province's plan and the nation's (the region-first indexes of a province, the
    // national name index) find what the regency's finds, in the same order; a province
    // beside it, nothing.
    for typed in ["Aminah Siti", "siti", "aminah"] {
        let in_regency = find(SearchQuery::parse(typed)).await;
        for (scope, expected) in [
            ("35", in_regency.clone()),
            ("*", in_regency),
            ("36", vec![]),
        ] {
            let wide = Actor {
                scope: Scope::parse(scope).unwrap(),
                ..c.auditor.clone()
            };
            let filter = HouseholdFilter {
                search: SearchQuery::parse(typed),
                limit: 10,
                ..Default::default()
            };
            let found: Vec<_> = store
                .list_households(&wide, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.id)
                .collect();
            assert_eq!(found, expected, "{scope}: {typed}");
        }
    }
    // A village operator's name search reads its own village (the narrow plan) with the same result.
    let by_name = HouseholdFilter {
        search: SearchQuery::parse("siti am"),
        limit: 10,
        ..Default::default()
    };
    let mine: Vec<_> = store
        .list_households(&c.village_a, &by_name)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(mine, vec![household.id]);
    let either_order = HouseholdFilter {
        search: SearchQuery::parse("Aminah Siti"),
        limit: 10,
        ..Default::default()
    };
    let mine: Vec<_> = store
        .list_households(&c.village_a, &either_order)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(mine, vec![fourth.id, household.id]);
    // In a village a later word of a name is found too, after the names that begin with it.
    let later_word = HouseholdFilter {
        search: SearchQuery::parse("Rizki"),
        limit: 10,
        ..Default::default()
    };
    let found: Vec<_> = store
        .list_households(&c.village_a, &later_word)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(found, vec![third.id]);
    assert!(
        store
            .list_households(&c.village_b, &by_name)
            .await
            .unwrap()
            .is_empty()
    );
    // Search stays inside the scope.
    let filter = HouseholdFilter {
        search: SearchQuery::parse(&members[1].nik.raw()),
        limit: 10,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.village_b, &filter)
            .await
            .unwrap()
            .is_empty()
    );
    // A renamed member is found under the new name.
    let mut renamed = members[0].clone();
    renamed.full_name = "Sri Lestari".into();
    store
        .update_person(&c.village_a, &renamed, 1, "salah nama")
        .await
        .unwrap();
    assert_eq!(
        find(SearchQuery::parse("sri les")).await,
        vec![household.id]
    );
    assert!(find(SearchQuery::parse("siti")).await.is_empty());
}

async fn evidence_photos(db: &TestDb) {
    use siks_domain::record::EvidenceKind;
    let store = &db.store;
    let c = cast(store).await;
    let (household, members) = fake_household(VILLAGE_A).members(1).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 500][..]].concat();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[9u8; 300][..]].concat();
    let v2 = store
        .add_evidence_photo(
            &c.village_a,
            household.id,
            1,
            EvidenceKind::HouseFront,
            &jpeg,
            "foto depan",
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                1,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await,
        Err(StoreError::Stale { .. })
    ));
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                b"<svg/>",
                "lantai"
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let huge = [
        &[0xFF, 0xD8, 0xFF][..],
        &vec![0u8; siks_store::photos::MAX_PHOTO_BYTES][..],
    ]
    .concat();
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                &huge,
                "lantai"
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_b,
                household.id,
                2,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await
            .unwrap(),
        3
    );
    // A new photo of the same indicator replaces the old one in the list.
    let jpeg2 = [&[0xFF, 0xD8, 0xFF, 0xE1][..], &[8u8; 100][..]].concat();
    store
        .add_evidence_photo(
            &c.village_a,
            household.id,
            3,
            EvidenceKind::HouseFront,
            &jpeg2,
            "foto baru",
        )
        .await
        .unwrap();
    let view = store
        .household(&c.village_a, household.id)
        .await
        .unwrap()
        .unwrap();
    let evidence = &view.household.record.evidence;
    assert_eq!(
        evidence.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EvidenceKind::HouseFront, EvidenceKind::Floor]
    );
    assert_eq!(evidence[1].content_type, "image/png");
    let (kind, bytes) = store
        .evidence_photo(&c.village_a, household.id, &evidence[0].sha256)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kind.as_str(), bytes), ("image/jpeg", jpeg2.clone()));
    assert_eq!(
        store
            .evidence_photo(&c.village_b, household.id, &evidence[0].sha256)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .evidence_photo(&c.village_a, household.id, "0000")
            .await
            .unwrap(),
        None
    );
    let history = store
        .history(&c.village_a, &household.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 4);
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.auditor,
                household.id,
                4,
                EvidenceKind::Roof,
                &png,
                "atap"
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

#[tokio::test]
async fn households_persons_history_on_both_engines() {
    on_both_engines!(households_persons_history);
}

#[tokio::test]
async fn household_search_on_both_engines() {
    on_both_engines!(household_search);
}

#[tokio::test]
async fn evidence_photos_on_both_engines() {
    on_both_engines!(evidence_photos);
}
