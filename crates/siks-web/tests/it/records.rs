//! Household pages and forms, evidence photos, the desil on the household page.

use crate::support::*;

#[tokio::test]
async fn pages_show_the_scope_and_the_household() {
    let w = world().await;
    let dinsos = login(&w.app, "dinsos").await;
    let home = send(&w.app, get("/", Some(&dinsos))).await;
    assert_eq!(home.select("#judul"), vec!["Kabupaten Tuban"]);
    let rows = home.select("#per-wilayah td a");
    assert_eq!(
        rows,
        vec!["Kenduruan"],
        "only districts with data are listed"
    );
    let district = send(&w.app, get("/wilayah/35.23.01", Some(&dinsos))).await;
    assert_eq!(district.status, StatusCode::OK);
    assert!(
        district
            .select("#per-wilayah td a")
            .iter()
            .all(|n| !n.is_empty())
    );
    let outside = send(&w.app, get("/wilayah/35.24", Some(&dinsos))).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert_eq!(outside.select("#pesan"), vec!["Data tidak ditemukan."]);

    let head = w
        .members
        .iter()
        .find(|m| m.relation_to_head == siks_domain::codes::Relation::Head)
        .unwrap();
    let list = send(&w.app, get("/rumah-tangga", Some(&dinsos))).await;
    assert_eq!(
        list.select("tr.rumah-tangga td:first-child a"),
        vec![head.full_name.clone()]
    );
    let by_nik = send(
        &w.app,
        get(
            &format!("/rumah-tangga?q={}", head.nik.raw()),
            Some(&dinsos),
        ),
    )
    .await;
    assert_eq!(by_nik.select("tr.rumah-tangga").len(), 1);
    let prefix: String = head.full_name.chars().take(3).collect();
    let by_name = send(
        &w.app,
        get(
            &format!("/rumah-tangga?q={}", encode(&prefix)),
            Some(&dinsos),
        ),
    )
    .await;
    assert_eq!(by_name.select("tr.rumah-tangga").len(), 1);
    let rt = send(
        &w.app,
        get(
            &format!("/rumah-tangga?q=RT+{}", w.household.address.rt),
            Some(&dinsos),
        ),
    )
    .await;
    assert_eq!(rt.select("tr.rumah-tangga").len(), 1);
    let nothing = send(&w.app, get("/rumah-tangga?q=zzzz", Some(&dinsos))).await;
    assert_eq!(nothing.select("#kosong").len(), 1);
    let bad = send(&w.app, get("/rumah-tangga?wilayah=99.99", Some(&dinsos))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.select("#pesan")[0].starts_with("wilayah:"));

    let page = send(
        &w.app,
        get(&format!("/rumah-tangga/{}", w.household.id), Some(&dinsos)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.select("#judul"),
        vec![format!("Rumah tangga {}", head.full_name)]
    );
    assert_eq!(page.select("#anggota tr.anggota").len(), w.members.len());
    let housing = page.select("#perumahan tr");
    assert!(housing.iter().any(|r| r.contains("Lantai") && r.contains(w.household.housing.floor_material.label())));
    assert_eq!(page.select("#riwayat td:nth-child(4)"), vec!["Dibuat"]);
}

#[tokio::test]
async fn forms_register_change_and_refuse_with_messages_by_the_field() {
    let w = world().await;
    let a = login(&w.app, "desa.a").await;
    let cookie = format!("siks_sesi={}", a.cookie);
    let list = send(&w.app, get("/rumah-tangga", Some(&a))).await;
    assert_eq!(
        list.select("#baru").len(),
        1,
        "writers see the register link"
    );
    let page = send(&w.app, get("/rumah-tangga/baru", Some(&a))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.select("#form-data fieldset").len(),
        3 + siks_web::edit::NEW_MEMBER_SLOTS
    );
    let village = page
        .html()
        .select(&Selector::parse("input[name=village_code]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert_eq!(village, VILLAGE_A, "the operator's village is the default");

    // A bad NIK and a missing birth date: nothing is saved, messages stand by their fields.
    let mut fields = filled_form(&page, &a);
    for (k, v) in fields.iter_mut() {
        if k == "m1.nik" {
            *v = "3.52301E+15".into();
        }
        if k == "m0.birth_date" {
            *v = String::new();
        }
    }
    let refused = send(
        &w.app,
        post_form("/rumah-tangga/baru", &cookie, &form_body(&fields)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages = refused.select("#pesan li");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Anggota 2 — NIK:") && m.contains("sebagai teks")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Anggota 1 — Tanggal lahir:")),
        "{messages:?}"
    );
    assert_eq!(refused.select("#anggota-2 .field-error").len(), 1);
    let kept = refused
        .html()
        .select(&Selector::parse("input[name='m1.full_name']").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert_eq!(kept, "Sri Wahyuni", "what was typed is kept");

    // Filled in properly, it is saved as a draft proposal and shown by whom it concerns; the
    // register does not hold it until a period close applies it.
    let fields = filled_form(&page, &a);
    let saved = send(
        &w.app,
        post_form("/rumah-tangga/baru", &cookie, &form_body(&fields)),
    )
    .await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        saved.select("#pesan").join(" | ")
    );
    let location = saved.location.unwrap();
    assert!(location.starts_with("/usulan/"), "{location}");
    let shown = send(&w.app, get(&location, Some(&a))).await;
    assert_eq!(shown.select("#judul"), vec!["Rumah tangga baru"]);
    assert_eq!(shown.select("#tersimpan").len(), 1);
    assert!(shown.select("#tahap")[0].starts_with("Draf"));
    assert!(shown.select("#usulan td.subjek")[0].contains("Bambang Sutrisno"));
    assert_eq!(shown.select("#isi tr").len(), 1 + 2, "two members");
    let household_id = fields
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(
        send(
            &w.app,
            get(&format!("/rumah-tangga/{household_id}"), Some(&a))
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "not in the register before the close"
    );
    // Posting the same form again enters nothing twice.
    let twice = send(
        &w.app,
        post_form("/rumah-tangga/baru", &cookie, &form_body(&fields)),
    )
    .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.select("#pesan li")[0].contains("sudah diusulkan"),
        "{:?}",
        twice.select("#pesan li")
    );

    // A correction of a registered household: shown field by field before it is saved, then
    // a draft proposal; the register keeps its values.
    let location = format!("/rumah-tangga/{}", w.household.id);
    let edit_path = format!("{location}/ubah");
    let edit = send(&w.app, get(&edit_path, Some(&a))).await;
    assert_eq!(edit.status, StatusCode::OK);
    let mut fields = form_as_shown(&edit, "#form-data", &a);
    let before_floor = fields
        .iter()
        .find(|(k, _)| k == "floor_material")
        .map(|(_, v)| v.clone())
        .unwrap();
    let new_floor = if before_floor == "9" { "1" } else { "9" };
    set_field(&mut fields, "floor_material", new_floor);
    set_field(&mut fields, "alasan", "verifikasi lapangan");
    let unchanged = {
        let mut same = form_as_shown(&edit, "#form-data", &a);
        set_field(&mut same, "alasan", "tidak ada");
        send(&w.app, post_form(&edit_path, &cookie, &form_body(&same))).await
    };
    assert_eq!(unchanged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchanged.select("#pesan li")[0].contains("tidak ada kolom yang berubah"));
    let preview = send(&w.app, post_form(&edit_path, &cookie, &form_body(&fields))).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let changes = preview.select("#perubahan tr.perubahan");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(
        changes[0].starts_with("Lantai") || changes[0].contains("lantai"),
        "{changes:?}"
    );
    // "Kembali" reopens the form as typed.
    let mut back = form_as_shown(&preview, "#form-konfirmasi", &a);
    back.push(("kembali".into(), "ya".into()));
    let reopened = send(&w.app, post_form(&edit_path, &cookie, &form_body(&back))).await;
    assert_eq!(reopened.status, StatusCode::OK);
    assert_eq!(
        form_as_shown(&reopened, "#form-data", &a)
            .iter()
            .find(|(k, _)| k == "floor_material")
            .map(|(_, v)| v.as_str()),
        Some(new_floor)
    );
    let mut confirm = form_as_shown(&preview, "#form-konfirmasi", &a);
    confirm.push(("konfirmasi".into(), "ya".into()));
    let changed = send(&w.app, post_form(&edit_path, &cookie, &form_body(&confirm))).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert!(changed.location.unwrap().starts_with("/usulan/"));
    // Based on a version that is no longer the register's: refused with the reason.
    let mut stale_fields = fields.clone();
    set_field(&mut stale_fields, "versi", "7");
    set_field(&mut stale_fields, "konfirmasi", "ya");
    let stale = send(
        &w.app,
        post_form(&edit_path, &cookie, &form_body(&stale_fields)),
    )
    .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stale.select("#pesan li")[0].contains("sudah diubah"),
        "{:?}",
        stale.select("#pesan li")
    );
    let shown = send(&w.app, get(&location, Some(&a))).await;
    let registered = send(
        &w.app,
        get(&format!("/api/v1/households/{}", w.household.id), Some(&a)),
    )
    .await
    .json();
    assert_eq!(registered["version"], 1);
    assert_eq!(
        registered["household"]["housing"]["floor_material"].to_string(),
        before_floor
    );
    assert_eq!(
        shown.select("#riwayat td:nth-child(4)"),
        vec!["Dibuat"],
        "the register did not change"
    );

    // Another village's operator can neither see nor change it.
    let b = login(&w.app, "desa.b").await;
    assert_eq!(
        send(&w.app, get(&edit_path, Some(&b))).await.status,
        StatusCode::NOT_FOUND
    );
    let other = send(
        &w.app,
        post_form(
            &edit_path,
            &format!("siks_sesi={}", b.cookie),
            &format!("csrf={}", b.csrf),
        ),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // Read-only roles do not get the forms.
    let verifier = login(&w.app, "verifikator").await;
    assert_eq!(
        send(&w.app, get("/rumah-tangga/baru", Some(&verifier)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn evidence_photos_upload_show_and_stay_in_scope() {
    let w = world().await;
    let a = login(&w.app, "desa.a").await;
    let path = format!("/rumah-tangga/{}/foto", w.household.id);
    let upload = |session: &Session, version: &str, photo: &[u8]| {
        let (kind, body) = multipart(&[
            ("csrf", session.csrf.as_bytes()),
            ("versi", version.as_bytes()),
            ("jenis", b"1"),
            ("foto", photo),
        ]);
        Request::post(&path)
            .header(header::CONTENT_TYPE, kind)
            .header(header::COOKIE, format!("siks_sesi={}", session.cookie))
            .body(Body::from(body))
            .unwrap()
    };
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[3u8; 1000][..]].concat();
    let not_image = send(&w.app, upload(&a, "1", b"#!/bin/sh\necho")).await;
    assert_eq!(not_image.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_image.select("#pesan")[0].contains("bukan foto JPEG atau PNG"));
    let too_big = [
        &b"\x89PNG\r\n\x1a\n"[..],
        &vec![0u8; siks_web::PHOTO_BODY_LIMIT][..],
    ]
    .concat();
    let refused = send(&w.app, upload(&a, "1", &too_big)).await;
    assert!(refused.status.is_client_error());
    assert!(
        refused.select("#pesan")[0].contains("terlalu besar"),
        "{:?}",
        refused.select("#pesan")
    );
    // Kept and proposed as a correction of the household's evidence: the verifier sees it on
    // the proposal's page at once; the household carries it from the close.
    let saved = send(&w.app, upload(&a, "1", &png)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let proposal = saved.location.clone().unwrap();
    assert!(proposal.starts_with("/usulan/"), "{proposal}");
    let stale = send(&w.app, upload(&a, "2", &png)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let page = send(
        &w.app,
        get(&format!("/rumah-tangga/{}", w.household.id), Some(&a)),
    )
    .await;
    assert!(
        page.select("#foto-bukti img").is_empty(),
        "not before the close"
    );
    let shown = send(&w.app, get(&proposal, Some(&a))).await;
    assert!(
        shown
            .select("#isi td")
            .iter()
            .any(|t| t.starts_with("Foto bukti")),
        "{:?}",
        shown.select("#isi td")
    );
    let src = shown
        .html()
        .select(&Selector::parse("#foto-usulan img").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    let image = send(&w.app, get(&src, Some(&a))).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.body.len(), String::from_utf8_lossy(&png).len());
    let b = login(&w.app, "desa.b").await;
    assert_eq!(
        send(&w.app, get(&src, Some(&b))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&w.app, upload(&b, "2", &png)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_household_page_shows_its_desil_and_why() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let page = format!("/rumah-tangga/{}", w.household.id);
    let before = send(&w.app, get(&page, Some(&desa))).await;
    assert!(
        before.select("#kesejahteraan")[0].starts_with("Belum diperingkat"),
        "{:?}",
        before.select("#kesejahteraan")
    );
    let admin = w.service.system_actor().await.unwrap();
    w.service
        .rank(
            &admin,
            &siks_domain::welfare::Model::default_model(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        )
        .await
        .unwrap();
    let after = send(&w.app, get(&page, Some(&desa))).await;
    assert_eq!(
        after.select("#desil"),
        ["1"],
        "the only household is the first tenth"
    );
    assert!(after.select("#pengeluaran")[0].starts_with("Rp"));
    assert_eq!(
        after.select("#alasan tr").len(),
        6,
        "a header and five indicators"
    );
    assert_eq!(after.select("#kriteria-bps tr").len(), 14);
}
