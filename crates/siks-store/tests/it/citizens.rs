//! Citizens' requests in their villages' queues (issue 20 item 2, issue 19 item 5): filed
//! with a receipt code, what they say sealed, seen only in their village's scope, handled
//! once (answered, or marked with the proposal made from them), followed by the receipt; the
//! public check finds a registered name whole, never by a prefix (both engines).
use crate::support::*;
use siks_domain::citizen::{RequestContent, RequestKind, RequestStatus};
use siks_domain::workflow::ProposalContent;
use siks_store::citizen_requests::NewRequest;

async fn citizens_requests(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let (home, mut members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(611)
        .build();
    members[0].full_name = "Siti Aminah Zulaikha".into();
    members[1].full_name = "Bambang".into();
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    let village = RegionCode::parse(VILLAGE_A).unwrap();
    let public = store
        .system_actor()
        .await
        .unwrap()
        .from_origin("203.0.113.9");
    let usul_nik = "3523011203850777";
    let usul = RequestContent {
        requester: "Warsini".into(),
        subject_name: "Bambang Sutrisno".into(),
        nik: usul_nik.into(),
        no_kk: "3523011203150004".into(),
        address: "Dusun Krajan RT 04".into(),
        reason: "Buruh tani, belum pernah didata".into(),
        ..RequestContent::default()
    };
    let (usul_id, usul_receipt) = store
        .file_request(
            &public,
            true,
            NewRequest {
                kind: RequestKind::Usul,
                village: village.clone(),
                household: None,
                person: None,
                content: usul.clone(),
                photo: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(usul_receipt.len(), 10);
    // A bad NIK is refused, naming it; a sanggah against no household of the village is not
    // found; a correction is an officer's.
    let mut bad = usul.clone();
    bad.nik = "123".into();
    let refused = store
        .file_request(
            &public,
            true,
            NewRequest {
                kind: RequestKind::Usul,
                village: village.clone(),
                household: None,
                person: None,
                content: bad,
                photo: None,
            },
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("NIK")),
        "{refused:?}"
    );
    let objection = RequestContent {
        requester: "Tetangga".into(),
        subject_name: "S***".into(),
        reason: "Punya toko besar dan dua mobil".into(),
        ..RequestContent::default()
    };
    let elsewhere = store
        .file_request(
            &public,
            true,
            NewRequest {
                kind: RequestKind::Sanggah,
                village: RegionCode::parse(VILLAGE_B).unwrap(),
                household: Some(home.id),
                person: None,
                content: objection.clone(),
                photo: None,
            },
        )
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound)),
        "{elsewhere:?}"
    );
    // A sanggah objects to a recipient: before any list holds the household, it is refused as
    // if the household were not there.
    let sanggah = |content: RequestContent| NewRequest {
        kind: RequestKind::Sanggah,
        village: village.clone(),
        household: Some(home.id),
        person: None,
        content,
        photo: None,
    };
    let not_listed = store
        .file_request(&public, true, sanggah(objection.clone()))
        .await;
    assert!(
        matches!(not_listed, Err(StoreError::NotFound)),
        "{not_listed:?}"
    );
    let poorest = format!(
        "UPDATE households SET desil = 1, desil_regency = 1, welfare_score = 300000 WHERE id = '{}'",
        home.id
    );
    raw_exec(db, &poorest, &poorest).await;
    store
        .build_lists(
            &c.admin,
            siks_domain::workflow::Period::parse("2026-12").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        )
        .await
        .unwrap();
    let (sanggah_id, sanggah_receipt) = store
        .file_request(&public, true, sanggah(objection))
        .await
        .unwrap();
    // An usul may carry a photo of the house (JPEG or PNG, at most 2 MiB); a sanggah may not.
    let mut house = usul.clone();
    house.subject_name = "Rumah Berfoto".into();
    let with_photo = |content: RequestContent, photo: Vec<u8>| NewRequest {
        kind: RequestKind::Usul,
        village: village.clone(),
        household: None,
        person: None,
        content,
        photo: Some(photo),
    };
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 500][..]].concat();
    let not_a_photo = store
        .file_request(&public, true, with_photo(house.clone(), b"<svg/>".to_vec()))
        .await;
    assert!(
        matches!(&not_a_photo, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("bukan foto")),
        "{not_a_photo:?}"
    );
    let too_big = [&jpeg[..], &vec![0u8; 2 * 1024 * 1024][..]].concat();
    assert!(matches!(
        store.file_request(&public, true, with_photo(house.clone(), too_big)).await,
        Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("terlalu besar")
    ));
    let mut objected_with_photo = sanggah(usul.clone());
    objected_with_photo.photo = Some(jpeg.clone());
    assert!(matches!(
        store.file_request(&public, true, objected_with_photo).await,
        Err(StoreError::Invalid { .. })
    ));
    let (photo_id, _) = store
        .file_request(&public, true, with_photo(house, jpeg.clone()))
        .await
        .unwrap();
    assert_eq!(
        store.request_photo(&c.village_a, photo_id).await.unwrap(),
        Some(("image/jpeg".to_string(), jpeg))
    );
    assert!(
        store
            .request(&c.village_a, photo_id)
            .await
            .unwrap()
            .unwrap()
            .has_photo
    );
    assert!(
        !store
            .request(&c.village_a, usul_id)
            .await
            .unwrap()
            .unwrap()
            .has_photo
    );
    assert_eq!(
        store.request_photo(&c.village_b, photo_id).await.unwrap(),
        None,
        "another village sees no photo"
    );
    store
        .answer_request(
            &c.village_a,
            photo_id,
            "Sudah didata pada pemutakhiran bulan lalu, rumah tangganya terdaftar.",
        )
        .await
        .unwrap();
    let by_village = store
        .file_request(
            &c.village_a,
            false,
            NewRequest {
                kind: RequestKind::Correction,
                village: village.clone(),
                household: Some(home.id),
                person: Some(members[0].id),
                content: usul.clone(),
                photo: None,
            },
        )
        .await;
    assert!(
        matches!(by_village, Err(StoreError::Forbidden(_))),
        "{by_village:?}"
    );

    // What the citizen wrote is sealed: the NIK is in no row as written.
    let plain = format!("SELECT COUNT(*) FROM citizen_requests WHERE content LIKE '%{usul_nik}%'");
    assert_eq!(raw_count(db, &plain, &plain).await, 0);

    // The village's queue holds both; another village's neither.
    let queue = store
        .requests_in(&c.village_a, Some(RequestStatus::New))
        .await
        .unwrap();
    assert_eq!(queue.len(), 2);
    assert!(
        queue
            .iter()
            .any(|r| r.content == usul.clone().checked(RequestKind::Usul).unwrap())
    );
    assert_eq!(store.requests_waiting(&c.village_a).await.unwrap(), 2);
    assert!(
        store
            .requests_in(&c.village_b, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.request(&c.village_b, usul_id).await.unwrap(), None);
    assert!(matches!(
        store
            .answer_request(&c.village_b, usul_id, "bukan desa ini, maaf")
            .await,
        Err(StoreError::NotFound)
    ));

    // The usul becomes a proposal; the sanggah is answered. Each once.
    let proposal = store
        .propose(
            &c.village_a,
            &ProposalContent::Removal {
                household: home.id,
                person: None,
                reason: siks_domain::codes::InactiveReason::NoLongerPoor,
                evidence: None,
            },
            "dari permintaan",
        )
        .await
        .unwrap();
    store
        .mark_request_proposed(&c.village_a, usul_id, proposal)
        .await
        .unwrap();
    assert!(matches!(
        store
            .answer_request(&c.village_a, usul_id, "sudah diusulkan tadi")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .answer_request(&c.village_a, sanggah_id, "pendek")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let answer = "Sudah diperiksa: toko milik saudaranya";
    store
        .answer_request(&c.village_a, sanggah_id, answer)
        .await
        .unwrap();
    let answered = "SELECT COUNT(*) FROM citizen_requests WHERE answer LIKE '%toko milik%'";
    assert_eq!(
        raw_count(db, answered, answered).await,
        0,
        "the answer is sealed"
    );

    // The receipts follow.
    let receipt = store.receipt(&usul_receipt).await.unwrap().unwrap();
    assert_eq!(receipt.status, RequestStatus::Proposed);
    assert!(receipt.proposal_stage.is_some());
    let receipt = store.receipt(&sanggah_receipt).await.unwrap().unwrap();
    assert_eq!(
        (receipt.status, receipt.answer.as_str()),
        (RequestStatus::Answered, answer)
    );
    assert_eq!(store.receipt("ZZZZZZZZZZ").await.unwrap(), None);
    assert_eq!(store.requests_waiting(&c.village_a).await.unwrap(), 0);

    // The public check: the whole name in its village, in any case; never a prefix, never
    // another village.
    let name = members[0].full_name.to_uppercase();
    let found = store.public_check(&village, &name).await.unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f.household == home.id), "{found:?}");
    let first_word = members[0]
        .full_name
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    if first_word != members[0].full_name {
        assert!(
            store
                .public_check(&village, &first_word)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let other_village = RegionCode::parse(VILLAGE_B).unwrap();
    assert!(
        store
            .public_check(&other_village, &name)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn citizens_requests_on_both_engines() {
    on_both_engines!(citizens_requests);
}
