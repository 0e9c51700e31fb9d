//! Proposals up every tier, by API and by page, to the period close; the papers.

use crate::support::*;

/// The done-when story of the way up, through the API only: a proposal of every kind goes
/// through every stage with each role's own session, with a musdes (and its scan), an SPTJM,
/// a return and resubmission, two rejections, a conflict, the ratification list, the close,
/// the counts checked against a recount from the history, and the papers rendered.
#[tokio::test]
async fn api_walks_proposals_of_every_kind_through_every_tier_to_the_period_close() {
    let w = world().await;
    assert!(
        w.members.len() >= 2,
        "the fixture household needs two members"
    );
    let mut s = std::collections::HashMap::new();
    for name in [
        "desa.a",
        "desa.b",
        "verifikator",
        "pengesah",
        "provinsi",
        "pusat",
        "dinsos",
    ] {
        s.insert(name, login(&w.app, name).await);
    }
    let post = async |who: &str, path: &str, body: serde_json::Value| {
        send(&w.app, post_json(path, &s[who], true, body.to_string())).await
    };
    let step = async |who: &str, ids: &[&String], body: serde_json::Value| {
        let mut body = body;
        body["ids"] = serde_json::json!(ids);
        send(
            &w.app,
            post_json("/api/v1/proposals/steps", &s[who], true, body.to_string()),
        )
        .await
    };
    let propose = async |content: serde_json::Value, note: &str| {
        post(
            "desa.a",
            "/api/v1/proposals",
            serde_json::json!({ "content": content, "note": note }),
        )
        .await
    };
    let ok = |r: &Reply| assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Every kind: a new household, household and person corrections (two of them clashing),
    // a member's removal, a move, and two programme requests.
    let mut household = proposed_copy(&w.household);
    household.id = siks_domain::HouseholdId::new();
    let mut member = w.members[0].clone();
    member.status = siks_domain::RegistryStatus::Proposed;
    member.id = siks_domain::PersonId::new();
    member.household_id = household.id;
    member.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850444").unwrap());
    member.sex = siks_domain::codes::Sex::Male;
    member.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let new_content =
        serde_json::json!({ "new_household": { "household": household, "members": [member] } });
    let forbidden = send(
        &w.app,
        post_json(
            "/api/v1/proposals",
            &s["dinsos"],
            true,
            serde_json::json!({ "content": new_content, "note": "x" }).to_string(),
        ),
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let new = id_of(&propose(new_content, "hasil pendataan").await);
    let mut fewer_rooms = w.household.clone();
    fewer_rooms.housing.rooms = 1;
    let mut more_rooms = w.household.clone();
    more_rooms.housing.rooms = 6;
    let correct = |h: &Household| serde_json::json!({ "household_correction": { "household": h, "base_version": 1 } });
    let rooms = id_of(&propose(correct(&fewer_rooms), "kamar").await);
    let rooms_again = id_of(&propose(correct(&more_rooms), "kamar lagi").await);
    let mut renamed = w.members[0].clone();
    renamed.mother_name = "Siti Aminah".into();
    let person = id_of(
        &propose(
            serde_json::json!({ "person_correction": { "person": renamed, "base_version": 1 } }),
            "nama ibu",
        )
        .await,
    );
    let removal = id_of(
        &propose(
            serde_json::json!({ "removal": { "household": w.household.id, "person": w.members[1].id, "reason": 1, "evidence": "AKTA-3523-KM-2026-0007" } }),
            "meninggal",
        )
        .await,
    );
    let moved = id_of(
        &propose(
            serde_json::json!({ "move": { "household": w.household.id, "to_village": VILLAGE_B } }),
            "pindah",
        )
        .await,
    );
    let pkh = id_of(
        &propose(
            serde_json::json!({ "programme_request": { "household": w.household.id, "programme": "PKH" } }),
            "usul PKH",
        )
        .await,
    );
    let sembako = id_of(
        &propose(
            serde_json::json!({ "programme_request": { "household": w.household.id, "programme": "SEMBAKO" } }),
            "usul SEMBAKO",
        )
        .await,
    );
    // Another village sees only the move into it.
    let seen = send(&w.app, get("/api/v1/proposals", Some(&s["desa.b"])))
        .await
        .json();
    assert_eq!(
        seen.as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec![moved.as_str()]
    );
    assert_eq!(
        send(
            &w.app,
            get(&format!("/api/v1/proposals/{new}"), Some(&s["desa.b"]))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Draft → musdes for most; the musdes approves them but SEMBAKO, with its berita acara.
    let by_musdes = [&new, &rooms, &rooms_again, &moved, &sembako];
    ok(&step(
        "desa.a",
        &by_musdes,
        serde_json::json!({ "step": "submit", "backing": "musdes" }),
    )
    .await);
    let bare = step(
        "desa.a",
        &by_musdes,
        serde_json::json!({ "step": "musdes", "approved": true }),
    )
    .await;
    assert!(
        bare.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("berita acara")
    );
    let decisions: Vec<serde_json::Value> = by_musdes
        .iter()
        .map(|id| {
            let no = *id == &sembako;
            serde_json::json!({ "proposal": id, "approved": !no, "reason": if no { "sudah menerima bantuan daerah" } else { "" } })
        })
        .collect();
    let no_place = post(
        "desa.a",
        "/api/v1/musdes",
        serde_json::json!({ "document": { "kind": "musdes", "village": VILLAGE_A, "held_on": "2026-11-02", "chair": "Sutrisno", "chair_title": "Kepala Desa" }, "decisions": decisions }),
    )
    .await;
    assert_eq!(no_place.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_place.body.contains("tempat musdes wajib diisi"),
        "{}",
        no_place.body
    );
    let musdes = id_of(
        &post(
            "desa.a",
            "/api/v1/musdes",
            serde_json::json!({ "document": paper_json("musdes", VILLAGE_A), "decisions": decisions }),
        )
        .await,
    );
    // The other three go up with an SPTJM, scanned straight away.
    let sptjm = id_of(
        &post(
            "desa.a",
            "/api/v1/sptjm",
            serde_json::json!({ "document": paper_json("sptjm", VILLAGE_A), "proposals": [&person, &removal, &pkh] }),
        )
        .await,
    );
    let upload = async |who: &str, doc: &str, bytes: &[u8]| {
        let request = Request::builder()
            .method("PUT")
            .uri(format!("/api/v1/documents/{doc}/scan"))
            .header(header::CONTENT_TYPE, "application/pdf")
            .header(header::COOKIE, format!("siks_sesi={}", s[who].cookie))
            .header("x-csrf-token", &s[who].csrf)
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        send(&w.app, request).await
    };
    ok(&upload("desa.a", &sptjm, SCAN).await);

    // The regency cannot verify what the musdes backs until its scan is there.
    let unscanned = step(
        "verifikator",
        &[&rooms],
        serde_json::json!({ "step": "verify" }),
    )
    .await;
    assert_eq!(unscanned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unscanned.body.contains("pindaian"), "{}", unscanned.body);
    assert_eq!(
        upload("desa.a", &musdes, b"bukan pindaian").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload("desa.b", &musdes, SCAN).await.status,
        StatusCode::NOT_FOUND
    );
    ok(&upload("desa.a", &musdes, SCAN).await);
    let ba = send(
        &w.app,
        get(
            &format!("/api/v1/documents/{musdes}"),
            Some(&s["verifikator"]),
        ),
    )
    .await
    .json();
    assert_eq!(ba["rows"].as_array().unwrap().len(), 5);
    assert_eq!(ba["rows"][4]["approved"], false);
    assert_eq!(ba["scan_type"], "application/pdf");

    // Not the village's stage any more; a return needs a reason; the village resubmits.
    let not_yours = step("desa.a", &[&new], serde_json::json!({ "step": "verify" })).await;
    assert!(
        not_yours.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("bukan tahap peran")
    );
    let no_reason = step(
        "verifikator",
        &[&new],
        serde_json::json!({ "step": "return", "reason": " " }),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(&step(
        "verifikator",
        &[&new],
        serde_json::json!({ "step": "return", "reason": "foto rumah belum ada" }),
    )
    .await);
    let resubmitted = id_of(
        &post(
            "desa.a",
            "/api/v1/sptjm",
            serde_json::json!({ "document": paper_json("sptjm", VILLAGE_A), "proposals": [&new] }),
        )
        .await,
    );
    ok(&upload("desa.a", &resubmitted, SCAN).await);
    let all = [&new, &rooms, &rooms_again, &person, &removal, &moved, &pkh];
    ok(&step("verifikator", &all, serde_json::json!({ "step": "verify" })).await);
    // Pengesahan: one numbered list of the regency.
    let bare_ratify = step("pengesah", &all, serde_json::json!({ "step": "ratify" })).await;
    assert_eq!(bare_ratify.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The ratifier doubts one and returns it to the regency with the reason (not to the
    // village); the regency sees it back in its inbox with the reason and verifies it again.
    assert_eq!(
        step(
            "pengesah",
            &[&pkh],
            serde_json::json!({ "step": "return", "reason": "" })
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    ok(&step(
        "pengesah",
        &[&pkh],
        serde_json::json!({ "step": "return", "reason": "cek ulang kepesertaan PKH" }),
    )
    .await);
    let back = send(
        &w.app,
        get(&format!("/api/v1/proposals/{pkh}"), Some(&s["verifikator"])),
    )
    .await
    .json();
    assert_eq!(back["proposal"]["stage"], "verifikasi_kabupaten", "{back}");
    assert_eq!(back["proposal"]["reason"], "cek ulang kepesertaan PKH");
    // The API names whom a proposal concerns, the NIK masked, in the list and one by one.
    let subject = &back["proposal"]["subject"];
    assert!(
        subject["address"].as_str().unwrap().contains("RT "),
        "{back}"
    );
    assert!(
        subject["head_nik_masked"].as_str().unwrap().contains('*'),
        "{back}"
    );
    let listed = send(
        &w.app,
        get(
            "/api/v1/proposals?stage=verifikasi_kabupaten",
            Some(&s["verifikator"]),
        ),
    )
    .await
    .json();
    let listed = listed.as_array().unwrap();
    assert!(!listed.is_empty());
    assert!(
        listed
            .iter()
            .all(|p| !p["subject"]["head_name"].as_str().unwrap().is_empty()),
        "{listed:?}"
    );
    let regency_inbox = send(&w.app, get("/usulan", Some(&s["verifikator"]))).await;
    assert!(
        regency_inbox
            .select("tr.usulan td")
            .iter()
            .any(|t| t == "cek ulang kepesertaan PKH"),
        "{:?}",
        regency_inbox.select("tr.usulan td")
    );
    ok(&step(
        "verifikator",
        &[&pkh],
        serde_json::json!({ "step": "verify" }),
    )
    .await);
    let list = post(
        "pengesah",
        "/api/v1/ratifications",
        serde_json::json!({ "regency": "35.23" }),
    )
    .await;
    assert_eq!(list.status, StatusCode::CREATED, "{}", list.body);
    let list = list.json();
    assert!(
        list["number"]
            .as_str()
            .unwrap()
            .starts_with("0001/PENGESAHAN-DTSEN/35.23/")
    );
    assert_eq!(list["proposals"], 7);
    let list_id = list["id"].as_str().unwrap().to_string();
    ok(&step("provinsi", &all, serde_json::json!({ "step": "forward" })).await);
    let accepted = [&new, &rooms, &rooms_again, &person, &removal, &moved];
    ok(&step("pusat", &accepted, serde_json::json!({ "step": "accept" })).await);
    ok(&step(
        "pusat",
        &[&pkh],
        serde_json::json!({ "step": "reject", "reason": "kuota PKH daerah ini penuh" }),
    )
    .await);
    let inbox = send(
        &w.app,
        get("/api/v1/proposals?stage=diterima", Some(&s["pusat"])),
    )
    .await
    .json();
    assert_eq!(inbox.as_array().unwrap().len(), 6);
    let extra = step(
        "pusat",
        &[&new],
        serde_json::json!({ "step": "accept", "bonus": 1 }),
    )
    .await;
    assert!(
        extra.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("bonus")
    );
    let unknown_stage = send(
        &w.app,
        get("/api/v1/proposals?stage=selesai", Some(&s["pusat"])),
    )
    .await;
    assert!(unknown_stage.json()["error"]["fields"]["stage"].is_string());

    // The close applies five; the clashing correction goes back with the reason.
    let close = async |who: &str| {
        post(
            who,
            "/api/v1/periods/2026-11/close",
            serde_json::json!(null),
        )
        .await
    };
    assert_eq!(close("dinsos").await.status, StatusCode::FORBIDDEN);
    let closed = close("pusat").await;
    ok(&closed);
    let report = closed.json();
    assert_eq!(report["applied"], 5, "{report}");
    assert_eq!(report["sent_back"][0]["id"], rooms_again.as_str());
    assert!(
        report["sent_back"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("rooms")
    );
    assert_eq!(close("pusat").await.json()["already_closed"], true);

    let show = async |path: String| send(&w.app, get(&path, Some(&s["dinsos"]))).await.json();
    let added = show(format!("/api/v1/households/{}", household.id)).await;
    assert_eq!(added["household"]["status"], "Active");
    let fixture = show(format!("/api/v1/households/{}", w.household.id)).await;
    assert_eq!(fixture["household"]["housing"]["rooms"], 1);
    assert_eq!(
        fixture["household"]["address"]["village"], VILLAGE_B,
        "moved"
    );
    let members = fixture["members"].as_array().unwrap();
    let by_id = |id: siks_domain::PersonId| {
        members
            .iter()
            .find(|m| m["person"]["id"] == serde_json::json!(id))
            .unwrap_or_else(|| panic!("member {id} in {fixture}"))
            .clone()
    };
    assert_eq!(
        by_id(w.members[0].id)["person"]["mother_name"],
        "Siti Aminah"
    );
    assert_eq!(
        by_id(w.members[1].id)["person"]["status"],
        serde_json::json!({ "Inactive": 1 })
    );
    assert_eq!(
        send(
            &w.app,
            get(
                &format!("/api/v1/households/{}", w.household.id),
                Some(&s["desa.a"])
            )
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "the household now belongs to village B"
    );
    let detail = show(format!("/api/v1/proposals/{new}")).await;
    assert_eq!(detail["proposal"]["stage"], "ditetapkan");
    let roles: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["actor_role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        vec![
            "operator_desa",
            "operator_desa",
            "operator_desa",
            "verifikator_kabupaten",
            "operator_desa",
            "verifikator_kabupaten",
            "pengesah",
            "operator_provinsi",
            "pusat",
            "pusat"
        ]
    );
    for (id, stage) in [
        (&sembako, "ditolak"),
        (&pkh, "ditolak"),
        (&rooms_again, "ditolak"),
        (&moved, "ditetapkan"),
    ] {
        assert_eq!(
            show(format!("/api/v1/proposals/{id}")).await["proposal"]["stage"],
            stage,
            "{id}"
        );
    }

    // The counts fixed at the close equal a recount from the history; the comparison agrees.
    let counts = show("/api/v1/periods/2026-11/counts".into()).await;
    assert_eq!(counts["recount_agrees"], true, "{counts}");
    assert_eq!(counts["villages"][VILLAGE_A]["households"], 1);
    assert_eq!(counts["villages"][VILLAGE_B]["households"], 1);
    let cmp = show("/api/v1/periods/compare?before=2026-10&after=2026-11".into()).await;
    assert_eq!(
        (
            cmp["entered"].clone(),
            cmp["left"].clone(),
            cmp["changed"].clone()
        ),
        (1.into(), 0.into(), 4.into())
    );
    assert_eq!(cmp["households"]["after"], 2);
    // The same comparison per village on the page, and as a sheet to download.
    let by_village = send(
        &w.app,
        get(
            "/periode?sebelum=2026-10&sesudah=2026-11&wilayah=35.23.01",
            Some(&s["dinsos"]),
        ),
    )
    .await;
    assert_eq!(
        by_village.select("#perbandingan-wilayah tr").len(),
        3,
        "a header and villages A and B: {}",
        by_village.body
    );
    let sheet = send(
        &w.app,
        get(
            "/ekspor/perbandingan.csv?sebelum=2026-10&sesudah=2026-11&wilayah=35.23.01",
            Some(&s["dinsos"]),
        ),
    )
    .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(sheet.body.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
    assert_eq!(rows.len(), 3, "the district, then each village");
    assert_eq!(
        (
            &rows[0][0],
            &rows[0][3],
            &rows[0][8],
            &rows[0][9],
            &rows[0][10]
        ),
        ("35.23.01", "2", "1", "0", "4")
    );
    let village_sums: u64 = rows[1..]
        .iter()
        .map(|r| r[10].parse::<u64>().unwrap())
        .sum();
    assert_eq!(village_sums, 4, "the villages add up to the district");
    let bad = send(
        &w.app,
        get(
            "/api/v1/periods/compare?before=2026-13&after=2026-11",
            Some(&s["dinsos"]),
        ),
    )
    .await;
    assert!(bad.json()["error"]["fields"]["before"].is_string());

    let then = show(format!(
        "/api/v1/households/{}/as-of/2026-11",
        w.household.id
    ))
    .await;
    assert_eq!(then["household"]["address"]["village"], VILLAGE_B);
    assert_eq!(then["members"].as_array().unwrap().len(), w.members.len());
    let open = send(
        &w.app,
        get(
            &format!("/api/v1/households/{}/as-of/2026-12", w.household.id),
            Some(&s["dinsos"]),
        ),
    )
    .await;
    assert_eq!(open.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The household's page lists every proposal about it with its stage and decision, every
    // change of the household and of its members, and the members as a closed period left them.
    let page = send(
        &w.app,
        get(
            &format!("/rumah-tangga/{}?periode=2026-11", w.household.id),
            Some(&s["dinsos"]),
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let stages = page.select("#usulan-rumah-tangga tr.usulan td.tahap");
    assert_eq!(stages.len(), 7, "{stages:?}");
    assert_eq!(
        stages.iter().filter(|s| *s == "Ditetapkan").count(),
        4,
        "{stages:?}"
    );
    assert_eq!(
        stages.iter().filter(|s| *s == "Ditolak").count(),
        3,
        "{stages:?}"
    );
    let whose = page.select("#riwayat td.data");
    assert!(
        whose.contains(&format!("Anggota {}", w.members[1].full_name)),
        "the member's removal is in the history: {whose:?}"
    );
    assert!(whose.iter().any(|d| d == "Rumah tangga"));
    let then = page.select("#anggota-per-periode tr.anggota-periode");
    assert_eq!(then.len(), w.members.len(), "{then:?}");
    assert!(
        then.iter()
            .any(|r| r.contains(&w.members[1].full_name) && r.contains("Nonaktif")),
        "{then:?}"
    );
    let member = send(
        &w.app,
        get(&format!("/anggota/{}", w.members[1].id), Some(&s["dinsos"])),
    )
    .await;
    assert_eq!(member.status, StatusCode::OK, "{}", member.body);
    assert_eq!(
        member.select("#usulan-anggota tr.usulan td.tahap"),
        vec!["Ditetapkan"]
    );
    // The removal (the member was entered with the household's own first entry).
    let changes = member.select("#riwayat tr td:nth-child(3)");
    assert_eq!(changes, vec!["Diubah"], "{changes:?}");

    // The papers render, ready to print, with masked NIKs and signature blocks.
    let page = send(
        &w.app,
        get(&format!("/dokumen/{musdes}"), Some(&s["verifikator"])),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.select("#judul"),
        vec!["Berita Acara Musyawarah Desa/Kelurahan"]
    );
    assert_eq!(page.select("tr.baris").len(), 5);
    assert!(
        page.select("td.nik")
            .iter()
            .all(|n| n.contains("**********"))
    );
    assert!(
        !page.body.contains(&w.members[0].nik.raw()),
        "no whole NIK on a printed list"
    );
    assert_eq!(page.select("#tanda-tangan .signature").len(), 3);
    assert!(
        page.select("#baris td")
            .iter()
            .any(|t| t.contains("Tidak disetujui: sudah menerima bantuan daerah"))
    );
    let statement = send(
        &w.app,
        get(&format!("/dokumen/{sptjm}"), Some(&s["desa.a"])),
    )
    .await;
    assert_eq!(
        statement.select("#judul"),
        vec!["Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)"]
    );
    assert_eq!(statement.select("tr.baris").len(), 3);
    assert_eq!(statement.select("#tanda-tangan .signature").len(), 1);
    assert_eq!(
        send(
            &w.app,
            get(&format!("/dokumen/{sptjm}"), Some(&s["desa.b"]))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let list_page = send(
        &w.app,
        get(&format!("/pengesahan/{list_id}"), Some(&s["dinsos"])),
    )
    .await;
    assert_eq!(list_page.status, StatusCode::OK);
    assert!(list_page.select("#nomor")[0].contains("PENGESAHAN-DTSEN/35.23"));
    assert_eq!(list_page.select("tr.baris").len(), 7);
    let papers = send(&w.app, get("/api/v1/documents", Some(&s["desa.a"])))
        .await
        .json();
    assert_eq!(papers.as_array().unwrap().len(), 4, "{papers}");
}

/// The same way up through the pages: inbox with waiting times and batch steps, the musdes
/// form with its scan, the ratification page, the period page, and the dashboard's pipeline.
#[tokio::test]
async fn pages_take_proposals_up_in_batches_and_print_the_papers() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let cookie = |s: &Session| format!("siks_sesi={}", s.cookie);
    let mut ids = Vec::new();
    for programme in ["PKH", "SEMBAKO", "PBI-JK"] {
        let r = send(
            &w.app,
            post_json(
                "/api/v1/proposals",
                &desa,
                true,
                serde_json::json!({ "content": { "programme_request": { "household": w.household.id, "programme": programme } }, "note": "usul" }).to_string(),
            ),
        )
        .await;
        ids.push(id_of(&r));
    }
    let inbox = send(&w.app, get("/usulan", Some(&desa))).await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert_eq!(inbox.select("tr.usulan").len(), 3);
    // Each row says whom it concerns: the head's name, the NIK masked, the address with RT/RW;
    // never an id's tail.
    let head = w
        .members
        .iter()
        .find(|m| m.relation_to_head == siks_domain::codes::Relation::Head)
        .unwrap_or(&w.members[0]);
    let subjects = inbox.select("tr.usulan td.subjek");
    assert_eq!(subjects.len(), 3, "{}", inbox.body);
    for subject in &subjects {
        assert!(subject.contains(&head.full_name), "{subject}");
        assert!(subject.contains("RT "), "{subject}");
        assert!(
            !subject.contains(&head.nik.raw()),
            "the NIK is masked: {subject}"
        );
    }
    assert!(
        !inbox
            .select("tr.usulan")
            .iter()
            .any(|row| ids.iter().any(|id| row.contains(&id[24..]))),
        "no id tails"
    );
    // and what it asks.
    let mut asked = inbox.select("tr.usulan span.diminta");
    asked.sort();
    assert_eq!(asked, ["program PBI-JK", "program PKH", "program SEMBAKO"]);
    // The proposal's own page names the household the same way, not by its id.
    let page = send(&w.app, get(&format!("/usulan/{}", ids[0]), Some(&desa))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let subject = &page.select("#usulan td.subjek")[0];
    assert!(subject.contains(&head.full_name), "{subject}");
    assert!(!subject.contains(&w.household.id.to_string()), "{subject}");
    assert!(
        inbox
            .select("td.menunggu")
            .iter()
            .all(|t| t.ends_with("menit"))
    );
    assert!(inbox.select("#tahap a.current")[0].starts_with("Draf desa/kelurahan (3)"));
    // Batch: all three to the musdes; nothing ticked is refused with a message.
    let batch = |ids: &[String], step: &str, reason: &str, csrf: &str| {
        let mut body = format!(
            "csrf={}&tahap=draft&langkah={step}&alasan={}",
            encode(csrf),
            encode(reason)
        );
        for id in ids {
            body.push_str(&format!("&id={id}"));
        }
        body
    };
    let none = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&desa),
            &batch(&[], "submit_musdes", "", &desa.csrf),
        ),
    )
    .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("centang paling sedikit satu usulan"));
    let done = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&desa),
            &batch(&ids, "submit_musdes", "", &desa.csrf),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // The musdes form lists them; recording it with the scan goes to the printable BA.
    let form = send(&w.app, get("/musdes", Some(&desa))).await;
    assert_eq!(form.select("#usulan input[name=id]").len(), 3);
    // A village meeting sees whom it decides on.
    assert!(
        form.select("#usulan td.subjek")
            .iter()
            .all(|t| t.contains(&head.full_name)),
        "{:?}",
        form.select("#usulan td.subjek")
    );
    let today = siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock)
        .date_naive()
        .to_string();
    let reject_field = format!("keputusan-{}", ids[2]);
    let reason_field = format!("alasan-{}", ids[2]);
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("csrf", desa.csrf.as_bytes()),
        ("tanggal", today.as_bytes()),
        ("tempat", b"Balai Desa"),
        ("peserta", b"52"),
        ("nama", b"Sutrisno"),
        ("jabatan", b"Kepala Desa"),
        ("pindaian", SCAN),
    ];
    for id in &ids {
        fields.push(("id", id.as_bytes()));
    }
    fields.push((reject_field.as_str(), b"tolak"));
    fields.push((reason_field.as_str(), b"sudah terdaftar PBI daerah"));
    let (content_type, body) = multipart(&fields);
    let recorded = send(
        &w.app,
        Request::post("/musdes")
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, cookie(&desa))
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let ba = send(
        &w.app,
        get(recorded.location.as_deref().unwrap(), Some(&desa)),
    )
    .await;
    assert_eq!(ba.select("tr.baris").len(), 3);
    assert!(ba.select("#keterangan td").iter().any(|t| t == "52 orang"));
    // The scan kept is named as a person says it (the file was a PDF).
    assert!(ba.select("#pindaian a").iter().any(|t| t == "lihat (PDF)"));
    // The same paper as a PDF: every row's name and masked NIK in its text, pages numbered.
    let names = ba.select("tr.baris td:nth-child(2)");
    let niks = ba.select("tr.baris td.nik");
    let pdf = papers_pdf(&w, &ba, &desa, "#unduh-pdf").await;
    if let Some(text) = pdf_text(&pdf) {
        for (name, nik) in names.iter().zip(&niks) {
            assert!(nik.contains("**********"), "masked on the page: {nik}");
            assert!(text.contains(name.as_str()), "{name} in {text}");
            assert!(text.contains(nik.as_str()), "{nik} in {text}");
        }
        assert!(
            text.contains("BERITA ACARA MUSYAWARAH DESA/KELURAHAN"),
            "{text}"
        );
        assert!(text.contains("Halaman 1 dari 1"), "{text}");
        assert!(text.contains("52 orang"), "{text}");
    }
    // And the household's data sheet, its numbers masked.
    let sheet = send(
        &w.app,
        get(
            &format!("/rumah-tangga/{}/pdf", w.household.id),
            Some(&desa),
        ),
    )
    .await;
    assert_eq!(sheet.status, StatusCode::OK);
    if let Some(text) = pdf_text(&sheet.bytes) {
        for m in &w.members {
            let raw = m.nik.raw();
            assert!(text.contains(&m.full_name), "{} in {text}", m.full_name);
            assert!(
                text.contains(&format!("{}**********{}", &raw[..4], &raw[14..])),
                "masked NIK in {text}"
            );
            assert!(!text.contains(&raw), "no full NIK in the sheet");
        }
    }

    // The regency verifies two in one batch from its inbox; the dashboard shows the pipeline.
    let verifier = login(&w.app, "verifikator").await;
    let inbox = send(&w.app, get("/usulan", Some(&verifier))).await;
    assert_eq!(inbox.select("tr.usulan").len(), 2);
    assert!(
        inbox
            .select("#langkah option")
            .iter()
            .any(|o| o.starts_with("Verifikasi"))
    );
    let body = batch(&ids[..2], "verify", "", &verifier.csrf)
        .replace("tahap=draft", "tahap=verifikasi_kabupaten");
    let verified = send(
        &w.app,
        post_form("/usulan/langkah", &cookie(&verifier), &body),
    )
    .await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", verified.body);
    let dashboard = send(&w.app, get("/", Some(&verifier))).await;
    let total = dashboard.select("#alur tr.total td");
    assert_eq!(total[3], "2", "two wait for ratification: {total:?}");

    // The ratifier makes the numbered list and prints it.
    let ratifier = login(&w.app, "pengesah").await;
    let page = send(&w.app, get("/pengesahan", Some(&ratifier))).await;
    assert_eq!(page.select("#usulan input[name=id]").len(), 2);
    let mut body = format!("csrf={}&wilayah=35.23", encode(&ratifier.csrf));
    for id in &ids[..2] {
        body.push_str(&format!("&id={id}"));
    }
    let ratified = send(&w.app, post_form("/pengesahan", &cookie(&ratifier), &body)).await;
    assert_eq!(ratified.status, StatusCode::SEE_OTHER, "{}", ratified.body);
    let list = send(
        &w.app,
        get(ratified.location.as_deref().unwrap(), Some(&ratifier)),
    )
    .await;
    assert!(list.select("#nomor")[0].contains("0001/PENGESAHAN-DTSEN/35.23/"));
    assert_eq!(list.select("tr.baris").len(), 2);
    // Signed with the ratifier's name, not the account's login.
    assert!(
        list.select("#tanda-tangan")[0].contains("( Uji pengesah )"),
        "{:?}",
        list.select("#tanda-tangan")
    );
    let names = list.select("tr.baris td:nth-child(2)");
    let niks = list.select("tr.baris td.nik");
    let pdf = papers_pdf(&w, &list, &ratifier, "#unduh-pdf").await;
    if let Some(text) = pdf_text(&pdf) {
        for (name, nik) in names.iter().zip(&niks) {
            assert!(
                text.contains(name.as_str()) && text.contains(nik.as_str()),
                "{text}"
            );
        }
        assert!(text.contains("0001/PENGESAHAN-DTSEN/35.23/"), "{text}");
    }

    // The period page: only the ministry closes, and the close reports what it did.
    let pusat = login(&w.app, "pusat").await;
    let periods = send(&w.app, get("/periode", Some(&pusat))).await;
    assert_eq!(periods.select("#tutup button").len(), 1);
    let dinsos = login(&w.app, "dinsos").await;
    assert!(
        send(&w.app, get("/periode", Some(&dinsos)))
            .await
            .select("#tutup")
            .is_empty()
    );
    // The period form leads to the confirmation first; nothing closes without it.
    let unconfirmed = send(
        &w.app,
        post_form(
            "/periode/tutup",
            &cookie(&pusat),
            &format!("csrf={}&periode=2026-11", encode(&pusat.csrf)),
        ),
    )
    .await;
    assert_eq!(
        unconfirmed.location.as_deref(),
        Some("/periode/tutup?periode=2026-11")
    );
    assert!(w.service.closed_periods().await.unwrap().is_empty());
    let confirm = send(&w.app, get("/periode/tutup?periode=2026-11", Some(&pusat))).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert_eq!(confirm.select("#ditetapkan"), vec!["0"]);
    let closed = send(
        &w.app,
        post_form(
            "/periode/tutup",
            &cookie(&pusat),
            &format!("csrf={}&periode=2026-11&konfirmasi=ya", encode(&pusat.csrf)),
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let shown = send(
        &w.app,
        get(closed.location.as_deref().unwrap(), Some(&pusat)),
    )
    .await;
    assert!(
        shown.select("#pemberitahuan")[0]
            .starts_with("Periode 2026-11 ditutup: 0 usulan ditetapkan")
    );
    let bad = send(
        &w.app,
        post_form(
            "/periode/tutup",
            &cookie(&pusat),
            &format!("csrf={}&periode=November", encode(&pusat.csrf)),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("TTTT-BB"));
}

/// Periods close one after the other, each once its month has begun at the ministry (WIB): the
/// page offers the next one only then, and a skipped or future month is refused with its reason
/// by the page and the API alike (the ministry once closed 2027-01 on 4 December 2026).
#[tokio::test]
async fn a_period_closes_in_order_once_its_month_has_begun() {
    let w = world().await;
    let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let (app, clock) = on_manual_clock(&w, at("2026-12-04T10:00:00Z"));
    let pusat = login(&app, "pusat").await;
    let close = async |period: &str| {
        send(
            &app,
            post_form(
                "/periode/tutup",
                &format!("siks_sesi={}", pusat.cookie),
                &format!(
                    "csrf={}&periode={period}&konfirmasi=ya",
                    encode(&pusat.csrf)
                ),
            ),
        )
        .await
    };
    // Nothing closed yet: this month is offered.
    let page = send(&app, get("/periode", Some(&pusat))).await;
    assert_eq!(page.select("#tutup #periode").len(), 1);
    assert!(page.body.contains(r#"value="2026-12""#), "{}", page.body);
    let future = close("2027-01").await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Its confirmation page refuses it the same way, before showing anything.
    let confirm = send(&app, get("/periode/tutup?periode=2027-01", Some(&pusat))).await;
    assert_eq!(confirm.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        confirm.body.contains("periode 2027-01 belum dimulai"),
        "{}",
        confirm.body
    );
    assert!(
        future.body.contains("periode 2027-01 belum dimulai"),
        "{}",
        future.body
    );

    let closed = close("2026-11").await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let skipped = close("2027-02").await;
    assert_eq!(skipped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        skipped
            .body
            .contains("periode 2026-12 harus ditutup lebih dulu"),
        "{}",
        skipped.body
    );
    let earlier = close("2026-10").await;
    assert_eq!(earlier.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(earlier.body.contains("periode 2026-11 sudah ditutup"));
    assert_eq!(close("2026-12").await.status, StatusCode::SEE_OTHER);

    // December is closed and January has not begun: no form, the reason instead.
    let page = send(&app, get("/periode", Some(&pusat))).await;
    assert!(page.select("#tutup").is_empty(), "{}", page.body);
    assert!(
        page.select("#belum-bisa-ditutup")[0].contains("periode 2027-01 belum dimulai"),
        "{:?}",
        page.select("#belum-bisa-ditutup")
    );
    let api = send(
        &app,
        post_json("/api/v1/periods/2027-01/close", &pusat, true, "null".into()),
    )
    .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    assert!(
        api.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("belum dimulai"),
        "{}",
        api.body
    );
    let started = send(
        &app,
        post_json(
            "/api/v1/jobs",
            &pusat,
            true,
            r#"{"kind":"period-close","period":"2027-01"}"#.into(),
        ),
    )
    .await;
    assert_eq!(
        started.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        started.body
    );
    assert_eq!(
        w.service.closed_periods().await.unwrap().len(),
        2,
        "nothing closed by a refusal"
    );

    // At midnight in Jakarta (17:00 UTC) January has begun.
    // (Weeks later the session has long expired: a new one.)
    clock.advance(at("2026-12-31T17:00:00Z") - at("2026-12-04T10:00:00Z"));
    let pusat = login(&app, "pusat").await;
    let page = send(&app, get("/periode", Some(&pusat))).await;
    assert!(page.body.contains(r#"value="2027-01""#), "{}", page.body);
    let closed = send(
        &app,
        post_form(
            "/periode/tutup",
            &format!("siks_sesi={}", pusat.cookie),
            &format!("csrf={}&periode=2027-01&konfirmasi=ya", encode(&pusat.csrf)),
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert_eq!(w.service.closed_periods().await.unwrap().len(), 3);
}

/// The close's confirmation page shows, per regency, what the close will apply and send back,
/// writing nothing; the close then applies and sends back exactly that.
#[tokio::test]
async fn the_close_confirmation_counts_what_the_close_then_does() {
    use siks_domain::workflow::{Backing, ProposalContent, Step, WorkflowConfig};
    let w = world().await;
    let system = w.service.system_actor().await.unwrap();
    let village = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    let config = WorkflowConfig::default();
    // Someone registered in another regency, whose NIK a new household then carries.
    let elsewhere = Regions::embedded()
        .iter()
        .find(|r| {
            r.level() == siks_domain::RegionLevel::Village && r.code.as_str().starts_with("35.24.")
        })
        .unwrap()
        .code
        .clone();
    let mut far = w.household.clone();
    far.id = siks_domain::HouseholdId::new();
    far.address.village = elsewhere;
    let mut far_head = w.members[0].clone();
    far_head.id = siks_domain::PersonId::new();
    far_head.household_id = far.id;
    far_head.nik =
        siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850321").unwrap());
    far_head.sex = siks_domain::codes::Sex::Male;
    far_head.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    w.service
        .load_household(&system, &far, &[far_head.clone()], "uji")
        .await
        .unwrap();
    let new_with = |nik: &str| {
        let mut home = proposed_copy(&w.household);
        home.id = siks_domain::HouseholdId::new();
        let mut head = far_head.clone();
        head.status = siks_domain::RegistryStatus::Proposed;
        head.id = siks_domain::PersonId::new();
        head.household_id = home.id;
        head.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse(nik).unwrap());
        ProposalContent::NewHousehold {
            household: home,
            members: vec![head],
        }
    };
    let mut fewer = w.household.clone();
    fewer.housing.rooms = if w.household.housing.rooms == 1 { 2 } else { 1 };
    let mut more = w.household.clone();
    more.housing.rooms = 9;
    let contents = [
        ProposalContent::ProgrammeRequest {
            household: w.household.id,
            programme: "PBI-JK".into(),
        },
        ProposalContent::HouseholdCorrection {
            household: fewer,
            base_version: 1,
        },
        ProposalContent::HouseholdCorrection {
            household: more,
            base_version: 1,
        },
        new_with("3523011203850321"),
        new_with("3523011203850322"),
    ];
    let mut ids = Vec::new();
    for content in &contents {
        ids.push(w.service.propose(&village, content, "uji").await.unwrap());
    }
    let paper = siks_domain::documents::BackingDocument {
        kind: Backing::Sptjm,
        village: RegionCode::parse(VILLAGE_A).unwrap(),
        held_on: w.service.today(),
        place: "Balai Desa".into(),
        attendees: 0,
        chair: "Sutrisno".into(),
        chair_title: "Kepala Desa".into(),
    };
    w.service
        .sign_sptjm(&village, paper, &ids, Some(SCAN), config)
        .await
        .unwrap();
    w.service
        .step_proposals(&system, &ids, &Step::Verify, config)
        .await
        .unwrap();
    w.service
        .ratify(
            &system,
            &RegionCode::parse("35.23").unwrap(),
            Some(&ids),
            config,
        )
        .await
        .unwrap();
    for step in [Step::Forward, Step::Accept] {
        w.service
            .step_proposals(&system, &ids, &step, config)
            .await
            .unwrap();
    }

    let pusat = login(&w.app, "pusat").await;
    let period = w.service.today().format("%Y-%m").to_string();
    let confirm = send(
        &w.app,
        get(&format!("/periode/tutup?periode={period}"), Some(&pusat)),
    )
    .await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert_eq!(confirm.select("#ditetapkan"), vec!["3"]);
    assert_eq!(confirm.select("#dikembalikan"), vec!["2"]);
    let rows = confirm.select("#per-kabupaten tr.kabupaten td");
    assert!(rows[0].contains("35.23"), "{rows:?}");
    assert_eq!((rows[2].as_str(), rows[3].as_str()), ("3", "2"), "{rows:?}");
    let reasons = confirm.select("#akan-dikembalikan td:nth-child(4)");
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons.iter().any(|r| r.contains("sudah terdaftar aktif")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("rooms") || r.contains("kamar")),
        "{reasons:?}"
    );
    let api = send(
        &w.app,
        get(&format!("/api/v1/periods/{period}/preview"), Some(&pusat)),
    )
    .await
    .json();
    assert_eq!(api["applies"], 3, "{api}");
    assert_eq!(api["sent_back"].as_array().unwrap().len(), 2);
    // Nothing was written by looking.
    assert!(w.service.closed_periods().await.unwrap().is_empty());
    for id in &ids {
        let (p, _) = w.service.proposal(&system, *id).await.unwrap().unwrap();
        assert_eq!(p.stage, siks_domain::workflow::Stage::Accepted);
    }

    let closed = send(
        &w.app,
        post_form(
            "/periode/tutup",
            &format!("siks_sesi={}", pusat.cookie),
            &format!(
                "csrf={}&periode={period}&konfirmasi=ya",
                encode(&pusat.csrf)
            ),
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let shown = send(
        &w.app,
        get(closed.location.as_deref().unwrap(), Some(&pusat)),
    )
    .await;
    assert!(
        shown.select("#pemberitahuan")[0].starts_with(&format!(
            "Periode {period} ditutup: 3 usulan ditetapkan, 2 dikembalikan"
        )),
        "{:?}",
        shown.select("#pemberitahuan")
    );
}

/// A refused step comes back on its own page with an Indonesian message and what was ticked
/// and typed: a withdrawal without its reason in the inbox, a musdes form without a number of
/// attendees, a verification while the berita acara's scan is missing.
#[tokio::test]
async fn a_refused_step_keeps_what_was_ticked_and_typed() {
    let w = world().await;
    let village = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    let mut ids = Vec::new();
    for programme in ["PKH", "SEMBAKO", "PBI-JK"] {
        let content = siks_domain::workflow::ProposalContent::ProgrammeRequest {
            household: w.household.id,
            programme: programme.into(),
        };
        ids.push(
            w.service
                .propose(&village, &content, "usul")
                .await
                .unwrap()
                .to_string(),
        );
    }
    let desa = login(&w.app, "desa.a").await;
    let cookie = |s: &Session| format!("siks_sesi={}", s.cookie);
    let batch = |stage: &str, ticked: &[String], step: &str, reason: &str, csrf: &str| {
        let mut body = format!(
            "csrf={}&tahap={stage}&langkah={step}&alasan={}",
            encode(csrf),
            encode(reason)
        );
        for id in ticked {
            body.push_str(&format!("&id={id}"));
        }
        body
    };
    let checked = |page: &Reply| {
        page.html()
            .select(&Selector::parse("tr.usulan input[name=id][checked]").unwrap())
            .map(|e| e.value().attr("value").unwrap().to_string())
            .collect::<Vec<_>>()
    };

    // Withdrawing without a reason.
    let refused = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&desa),
            &batch("draft", &ids[..2], "withdraw", "", &desa.csrf),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = &refused.select("#kesalahan")[0];
    assert!(message.contains("alasan wajib diisi"), "{message}");
    // Named by its kind and household head, never by its id.
    let head = &w
        .members
        .iter()
        .find(|m| m.relation_to_head == siks_domain::codes::Relation::Head)
        .unwrap_or(&w.members[0])
        .full_name;
    assert!(
        message.contains("Permohonan program bantuan") && message.contains(head.as_str()),
        "{message}"
    );
    assert!(
        !ids.iter().any(|id| message.contains(id.as_str())),
        "{message}"
    );
    let mut ticked = checked(&refused);
    ticked.sort();
    let mut expected = ids[..2].to_vec();
    expected.sort();
    assert_eq!(ticked, expected);
    let chosen = refused
        .html()
        .select(&Selector::parse("#langkah option[selected]").unwrap())
        .map(|o| o.value().attr("value").unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(chosen, ["withdraw"]);
    // With the reason it withdraws them; they are final.
    let withdrawn = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&desa),
            &batch("draft", &ids[2..], "withdraw", "salah input", &desa.csrf),
        ),
    )
    .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let page = send(&w.app, get(&format!("/usulan/{}", ids[2]), Some(&desa))).await;
    assert_eq!(page.select("#tahap"), vec!["Dibatalkan desa/kelurahan"]);
    assert!(
        page.select("#tindakan-usulan").is_empty(),
        "no action on a withdrawn one"
    );

    // To the musdes; its form refused for the number of attendees keeps the rest.
    let sent = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&desa),
            &batch("draft", &ids[..2], "submit_musdes", "", &desa.csrf),
        ),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let musdes = |attendees: &[u8], ticked: &[String]| {
        let mut fields: Vec<(&str, Vec<u8>)> = vec![
            ("csrf", desa.csrf.as_bytes().to_vec()),
            ("tanggal", w.service.today().to_string().into_bytes()),
            ("tempat", b"Balai Desa Jlodro".to_vec()),
            ("peserta", attendees.to_vec()),
            ("nama", b"Sutrisno".to_vec()),
            ("jabatan", b"Kepala Desa".to_vec()),
        ];
        // No decision posted: a ticked proposal is approved.
        for id in ticked {
            fields.push(("id", id.as_bytes().to_vec()));
        }
        let borrowed: Vec<(&str, &[u8])> = fields.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        let (kind, body) = multipart(&borrowed);
        Request::post("/musdes")
            .header(header::CONTENT_TYPE, kind)
            .header(header::COOKIE, cookie(&desa))
            .body(Body::from(body))
            .unwrap()
    };
    let refused = send(&w.app, musdes(b"banyak", &ids[..1])).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.select("#kesalahan")[0].contains("jumlah peserta"),
        "{:?}",
        refused.select("#kesalahan")
    );
    let value = |page: &Reply, id: &str| {
        page.html()
            .select(&Selector::parse(&format!("#{id}")).unwrap())
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_string))
    };
    assert_eq!(
        value(&refused, "tempat").as_deref(),
        Some("Balai Desa Jlodro")
    );
    let ticked: Vec<String> = refused
        .html()
        .select(&Selector::parse("#usulan input[name=id][checked]").unwrap())
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(ticked, ids[..1].to_vec(), "only what was ticked");
    // Recorded without its scan (it may follow), the verifier's step is refused for it.
    let recorded = send(&w.app, musdes(b"41", &ids[..2])).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let verifier = login(&w.app, "verifikator").await;
    let refused = send(
        &w.app,
        post_form(
            "/usulan/langkah",
            &cookie(&verifier),
            &batch(
                "verifikasi_kabupaten",
                &ids[..2],
                "verify",
                "",
                &verifier.csrf,
            ),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.select("#kesalahan")[0].contains("pindaian"),
        "{:?}",
        refused.select("#kesalahan")
    );
    assert_eq!(checked(&refused).len(), 2);
}

/// "Tugas Anda": each dashboard opens on what waits for its user, counted, each line a link to
/// where it is done; a region's dashboard seen from above has no such panel.
#[tokio::test]
async fn each_dashboard_opens_on_the_work_waiting_for_its_user() {
    use siks_domain::workflow::ProposalContent;
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let before = send(&w.app, get("/", Some(&desa))).await;
    assert_eq!(before.select("#tugas-anda").len(), 1);
    assert_eq!(before.select("#tanpa-tugas").len(), 1, "nothing waits yet");
    let village = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    let mut more = w.household.clone();
    more.housing.rooms = 9;
    for content in [
        ProposalContent::ProgrammeRequest {
            household: w.household.id,
            programme: "PBI-JK".into(),
        },
        ProposalContent::HouseholdCorrection {
            household: more,
            base_version: 1,
        },
    ] {
        w.service.propose(&village, &content, "uji").await.unwrap();
    }
    let after = send(&w.app, get("/", Some(&desa))).await;
    let lines = after.select("#tugas-anda li.tugas");
    assert!(
        lines
            .iter()
            .any(|l| l == "Draf usulan untuk dibawa ke musdes/muskel: 2"),
        "{lines:?}"
    );
    let html = after.html();
    let link = html
        .select(&scraper::Selector::parse("#tugas-anda li.tugas a").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(link, "/usulan?tahap=draft");
    let inbox = send(&w.app, get(&link, Some(&desa))).await;
    assert_eq!(inbox.status, StatusCode::OK);
    // The verifier of the regency has nothing of it yet: drafts are the village's.
    let verifier = login(&w.app, "verifikator").await;
    let theirs = send(&w.app, get("/", Some(&verifier))).await;
    assert!(
        !theirs
            .select("#tugas-anda li.tugas")
            .iter()
            .any(|l| l.starts_with("Draf")),
        "{:?}",
        theirs.select("#tugas-anda li.tugas")
    );
    // The ministry is told this month's lists are not built.
    let pusat = login(&w.app, "pusat").await;
    let ministry = send(&w.app, get("/", Some(&pusat))).await;
    assert!(
        ministry
            .select("#tugas-anda li.tugas")
            .iter()
            .any(|l| l.starts_with("Daftar penerima") && l.contains("belum dibangun")),
        "{:?}",
        ministry.select("#tugas-anda li.tugas")
    );
    // A region's dashboard is about the region, not the user.
    let region = send(&w.app, get("/wilayah/35.23", Some(&pusat))).await;
    assert!(region.select("#tugas-anda").is_empty());
}

/// The PDF a paper page links to (`link` selects the link), fetched as `session`.
async fn papers_pdf(w: &World, page: &Reply, session: &Session, link: &str) -> Vec<u8> {
    let html = page.html();
    let href = html
        .select(&scraper::Selector::parse(link).unwrap())
        .next()
        .expect("a PDF link")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let pdf = send(&w.app, get(&href, Some(session))).await;
    assert_eq!(pdf.status, StatusCode::OK, "{href}");
    assert_eq!(
        pdf.bytes.get(..5),
        Some(&b"%PDF-"[..]),
        "{href} answers a PDF"
    );
    pdf.bytes
}

/// Each role's guide walks its tasks with pictures of the pages; the glossary explains the words.
#[tokio::test]
async fn the_guide_walks_each_roles_tasks_with_pictures_and_the_glossary_explains_the_words() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let own = send(&w.app, get("/panduan", Some(&desa))).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        own.select("#judul"),
        vec!["Panduan: Operator desa/kelurahan"]
    );
    let tasks = own.select("section.tugas-panduan h2");
    assert!(tasks.len() >= 4, "{tasks:?}");
    assert!(tasks.iter().any(|t| t.contains("musdes")), "{tasks:?}");
    // Every picture it shows is served.
    let html = own.html();
    let pictures: Vec<String> = html
        .select(&scraper::Selector::parse("figure.gambar img").unwrap())
        .map(|i| i.value().attr("src").unwrap().to_string())
        .collect();
    assert!(pictures.len() >= 4, "{pictures:?}");
    for src in &pictures {
        let picture = send(&w.app, get(src, Some(&desa))).await;
        assert_eq!(picture.status, StatusCode::OK, "{src}");
        assert!(picture.bytes.starts_with(b"\x89PNG"), "{src}");
    }
    // Another role's guide, and one that does not exist.
    let ministry = send(&w.app, get("/panduan?peran=pusat", Some(&desa))).await;
    assert_eq!(
        ministry.select("#judul"),
        vec!["Panduan: Kementerian Sosial (pusat)"]
    );
    let unknown = send(&w.app, get("/panduan?peran=raja", Some(&desa))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = send(&w.app, get("/panduan/gambar/tidak-ada.png", Some(&desa))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // The glossary, linked from every page's foot.
    assert!(own.select("#kaki a").contains(&"Istilah".to_string()));
    let glossary = send(&w.app, get("/istilah", Some(&desa))).await;
    let terms = glossary.select("#istilah dt");
    for term in [
        "SPTJM",
        "Desil",
        "Musdes / muskel",
        "Penetapan",
        "Padan",
        "PPKS",
    ] {
        assert!(terms.contains(&term.to_string()), "{term} in {terms:?}");
    }
}
