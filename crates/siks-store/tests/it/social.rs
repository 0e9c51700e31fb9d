//! The PPKS and PSKS registries (issue 20 items 3–4): records kept by village or area of work,
//! their details sealed, seen and written only in scope (a district's worker seen from its
//! villages too), changed only from the version read, counted per region and category, a PKH
//! companion linked to households inside her area; an upload all or none (both engines).
use crate::support::*;
use siks_domain::codes::PmksCategory;
use siks_domain::social::{
    PpksDetails, PpksRecord, PpksService, PpksUnit, PsksDetails, PsksKind, PsksRecord,
};

fn homeless(village: &str, name: &str) -> PpksRecord {
    PpksRecord {
        village: RegionCode::parse(village).unwrap(),
        category: PmksCategory::Homeless,
        unit: PpksUnit::Person,
        service: PpksService::NotYet,
        person: None,
        details: PpksDetails {
            name: name.into(),
            nik: String::new(),
            no_kk: String::new(),
            birth_date: None,
            sex: Some(1),
            address: "Kolong jembatan Jl. Veteran".into(),
            institution: String::new(),
            need: "Tempat tinggal, makan, KTP".into(),
        },
    }
}

fn companion(area: &str) -> PsksRecord {
    PsksRecord {
        area: RegionCode::parse(area).unwrap(),
        kind: PsksKind::PkhCompanion,
        valid_from: "2026-01-01".parse().unwrap(),
        valid_until: Some("2026-12-31".parse().unwrap()),
        details: PsksDetails {
            name: "Sri Rahayu Pendamping".into(),
            nik: "3523014501850002".into(),
            registration: "SK 460/123/2026".into(),
            phone: "0812 1111 2222".into(),
            address: "Jl. Kenanga 2".into(),
            leader: String::new(),
        },
    }
}

async fn social_registries(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let id = store
        .add_ppks(&c.village_a, homeless(VILLAGE_A, "Paimin Gelandangan"))
        .await
        .unwrap();
    // Another village's operator cannot write here, nor see it.
    assert!(matches!(
        store.add_ppks(&c.village_b, homeless(VILLAGE_A, "X")).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.ppks(&c.village_b, id).await.unwrap(), None);
    assert!(
        store
            .ppks_list(&c.village_b, None, None, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // A bad NIK given is refused; none is fine.
    let mut bad = homeless(VILLAGE_A, "Y");
    bad.details.nik = "123".into();
    assert!(matches!(
        store.add_ppks(&c.village_a, bad).await,
        Err(StoreError::Invalid { .. })
    ));
    // Sealed: the name is in no row as written.
    let plain = "SELECT COUNT(*) FROM ppks_records WHERE details LIKE '%Paimin%'";
    assert_eq!(raw_count(db, plain, plain).await, 0);
    // The regency sees it, changes its service, then ends it; a stale version is refused.
    let seen = store.ppks(&c.regency, id).await.unwrap().unwrap();
    assert_eq!(seen.record.details.name, "Paimin Gelandangan");
    let mut served = seen.record.clone();
    served.service = PpksService::Atensi;
    store
        .update_ppks(&c.regency, id, seen.version, served.clone(), true)
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_ppks(&c.regency, id, seen.version, served.clone(), true)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let counts = store.ppks_counts(&c.regency).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (counts[0].code, counts[0].count),
        (PmksCategory::Homeless.code(), 1)
    );
    assert_eq!(counts[0].region, "35.23.01");
    // An upload: all or none.
    let mut rows = vec![
        homeless(VILLAGE_A, "Satu"),
        homeless(VILLAGE_A, "Dua"),
        homeless(VILLAGE_B, "Tiga di desa lain"),
    ];
    let refused = store.add_ppks_all(&c.village_a, rows.clone()).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("ke-3")),
        "{refused:?}"
    );
    assert_eq!(
        store
            .ppks_list(&c.village_a, None, None, 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    rows.pop();
    assert_eq!(
        store
            .add_ppks_all(&c.village_a, rows.clone())
            .await
            .unwrap(),
        2
    );
    // The same file again: its first row is registered already (its details are sealed, so
    // the registry's records of the village are opened to compare).
    let again = store.add_ppks_all(&c.village_a, rows).await;
    assert!(
        matches!(&again, Err(StoreError::Invalid { indonesian, .. })
            if indonesian.contains("ke-1") && indonesian.contains("sudah terdaftar")),
        "{again:?}"
    );
    assert_eq!(
        store
            .ppks_list(&c.village_a, None, Some(PmksCategory::Homeless), 10, 0)
            .await
            .unwrap()
            .len(),
        3
    );
    let current = store.ppks(&c.regency, id).await.unwrap().unwrap();
    store
        .update_ppks(&c.regency, id, current.version, served, false)
        .await
        .unwrap();
    assert_eq!(
        store.ppks_counts(&c.regency).await.unwrap()[0].count,
        2,
        "ended, not counted"
    );

    // A PKH companion of the district: written by the regency, seen from the village below.
    assert!(matches!(
        store.add_psks(&c.village_a, companion("35.23.01")).await,
        Err(StoreError::NotFound)
    ));
    let worker = store
        .add_psks(&c.regency, companion("35.23.01"))
        .await
        .unwrap();
    let from_village = store.psks(&c.village_a, worker).await.unwrap().unwrap();
    assert_eq!(from_village.record.details.name, "Sri Rahayu Pendamping");
    assert_eq!(
        store
            .psks_list(&c.village_a, None, 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .psks_list(&c.village_a, Some(PsksKind::Tagana), 10, 0)
            .await
            .unwrap()
            .len(),
        0
    );
    let plain = "SELECT COUNT(*) FROM psks_records WHERE details LIKE '%Rahayu%'";
    assert_eq!(raw_count(db, plain, plain).await, 0);
    // An upload of PSKS: all or none, out of scope named by its row, the same one refused.
    let mut tagana = companion("35.23.01.2001");
    tagana.kind = PsksKind::Tagana;
    tagana.details.name = "Joko Tagana".into();
    let mut outside = tagana.clone();
    outside.area = RegionCode::parse("35.24.01").unwrap();
    let refused = store
        .add_psks_all(&c.village_a, vec![tagana.clone(), outside])
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { indonesian, .. })
            if indonesian.contains("ke-2") && indonesian.contains("di luar wilayah kerja")),
        "{refused:?}"
    );
    assert_eq!(
        store
            .add_psks_all(&c.village_a, vec![tagana.clone()])
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.add_psks_all(&c.village_a, vec![tagana]).await,
        Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("sudah terdaftar")
    ));
    assert!(matches!(
        store
            .add_psks_all(&c.auditor, vec![companion("35.23.01.2001")])
            .await,
        Err(StoreError::Forbidden(_))
    ));
    // She accompanies a household of her district; one elsewhere is refused.
    let (home, members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(631)
        .build();
    store
        .create_household(&c.village_a, &home, &members, "pendataan")
        .await
        .unwrap();
    store
        .link_psks_household(&c.village_a, worker, home.id)
        .await
        .unwrap();
    let linked = store.psks(&c.regency, worker).await.unwrap().unwrap();
    assert_eq!(linked.households, vec![home.id]);
    let elsewhere = store
        .add_psks(&c.regency, companion("35.23.02"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .link_psks_household(&c.regency, elsewhere, home.id)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let counts = store.psks_counts(&c.regency).await.unwrap();
    assert_eq!(
        counts.iter().map(|c| c.count).sum::<i64>(),
        3,
        "two companions and the uploaded Tagana"
    );
}

#[tokio::test]
async fn social_registries_on_both_engines() {
    on_both_engines!(social_registries);
}
