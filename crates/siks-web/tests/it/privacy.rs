//! Masked by default, revealed on purpose (issue 19 item 2): every role sees a member's NIK
//! and No KK masked; mother's name and health only the roles that collect and verify them;
//! "Tampilkan" with a purpose reveals one field of one person to this session alone, audited;
//! opening the correction form is a reveal of every field, audited as one.

use crate::support::*;

/// The member page's value of a field (`#kolom-KEY .nilai`).
fn value_of(page: &Reply, key: &str) -> String {
    page.select(&format!("#kolom-{key} .nilai")).join("")
}

/// The audit entries about a person, folded in from the view journal first.
async fn reveals_of(w: &World, person: &str) -> Vec<String> {
    w.service.fold_views_now().await.unwrap();
    let admin = w.service.system_actor().await.unwrap();
    w.service
        .audit_entries(&admin, Some(person), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "person.reveal")
        .map(|e| format!("{} {}", e.actor_username, e.detail))
        .collect()
}

#[tokio::test]
async fn numbers_masked_for_every_role_and_revealed_one_field_on_purpose() {
    let w = world().await;
    let member = &w.members[0];
    let nik = member.nik.raw();
    let masked = siks_domain::disclosure::masked(&nik);
    assert_ne!(masked, nik);
    let path = format!("/anggota/{}", member.id);

    // Every role: the NIK and No KK masked, on the member page and the household page.
    for (username, role, _) in accounts() {
        if username == "desa.b" {
            continue;
        }
        let session = login(&w.app, username).await;
        let page = send(&w.app, get(&path, Some(&session))).await;
        assert_eq!(page.status, StatusCode::OK, "{username}");
        assert_eq!(value_of(&page, "nik"), masked, "{username}");
        assert_eq!(
            value_of(&page, "no_kk"),
            siks_domain::disclosure::masked(&member.no_kk.raw()),
            "{username}"
        );
        assert!(
            !page.body.contains(&nik),
            "{username}: the NIK nowhere on the page"
        );
        let mother = value_of(&page, "nama_ibu");
        let health = page.select("#kolom-kesehatan form.tampilkan").len();
        if role.works_with_specific_data() {
            assert_eq!(mother, member.mother_name, "{username}");
            assert_eq!(health, 0, "{username}: health shown, nothing to reveal");
        } else {
            assert!(!page.body.contains(&member.mother_name), "{username}");
            assert_eq!(
                health, 1,
                "{username}: health kept back, with its reveal form"
            );
        }
        let home = send(
            &w.app,
            get(&format!("/rumah-tangga/{}", w.household.id), Some(&session)),
        )
        .await;
        assert!(
            !home.body.contains(&nik) && home.body.contains(&masked),
            "{username}: the household page masks it too"
        );
    }

    // A reveal without a purpose is refused, with the reason, and reveals nothing.
    let village = login(&w.app, "desa.a").await;
    let refused = send(
        &w.app,
        post_form(
            &format!("{path}/tampilkan"),
            &format!("siks_sesi={}", village.cookie),
            &format!("csrf={}&field=nik&purpose=", village.csrf),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("tujuan membuka data wajib dipilih"),
        "{}",
        refused.body
    );
    let bad_field = send(
        &w.app,
        post_form(
            &format!("{path}/tampilkan"),
            &format!("siks_sesi={}", village.cookie),
            &format!("csrf={}&field=password_hash&purpose=cocok_kk", village.csrf),
        ),
    )
    .await;
    assert_eq!(bad_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reveals_of(&w, &member.id.to_string()).await.is_empty());

    // With a purpose: the NIK of this member, for this session; not the No KK, not another
    // member, not another session.
    let page = send(&w.app, get(&path, Some(&village))).await;
    let form = form_as_shown(&page, "#kolom-nik form.tampilkan", &village);
    let mut form = form;
    set_field(&mut form, "purpose", "cocok_kk");
    let revealed = send(
        &w.app,
        post_form(
            &format!("{path}/tampilkan"),
            &format!("siks_sesi={}", village.cookie),
            &form_body(&form),
        ),
    )
    .await;
    assert_eq!(revealed.status, StatusCode::SEE_OTHER, "{}", revealed.body);
    assert_eq!(
        revealed.location.as_deref(),
        Some(format!("{path}#kolom-nik").as_str())
    );
    let page = send(&w.app, get(&path, Some(&village))).await;
    assert_eq!(value_of(&page, "nik"), nik);
    assert_eq!(page.select("#kolom-nik form.tampilkan").len(), 0);
    assert_ne!(value_of(&page, "no_kk"), member.no_kk.raw());
    let other = send(
        &w.app,
        get(&format!("/anggota/{}", w.members[1].id), Some(&village)),
    )
    .await;
    assert!(!other.body.contains(&w.members[1].nik.raw()));
    let again = login(&w.app, "desa.a").await;
    let elsewhere = send(&w.app, get(&path, Some(&again))).await;
    assert_eq!(
        value_of(&elsewhere, "nik"),
        masked,
        "another session still masked"
    );
    assert_eq!(
        reveals_of(&w, &member.id.to_string()).await,
        vec!["desa.a fields=nik purpose=cocok_kk".to_string()]
    );

    // Another village's member answers as missing, and nothing is recorded.
    let foreign = login(&w.app, "desa.b").await;
    let page = send(
        &w.app,
        post_form(
            &format!("{path}/tampilkan"),
            &format!("siks_sesi={}", foreign.cookie),
            &format!("csrf={}&field=nik&purpose=cocok_kk", foreign.csrf),
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // The province's operator reveals the mother's name (kept back from that role) on purpose.
    let province = login(&w.app, "provinsi").await;
    let revealed = send(
        &w.app,
        post_form(
            &format!("{path}/tampilkan"),
            &format!("siks_sesi={}", province.cookie),
            &format!("csrf={}&field=nama_ibu&purpose=pengaduan", province.csrf),
        ),
    )
    .await;
    assert_eq!(revealed.status, StatusCode::SEE_OTHER);
    let page = send(&w.app, get(&path, Some(&province))).await;
    assert_eq!(value_of(&page, "nama_ibu"), member.mother_name);

    // The correction form holds every field whole: opening it is a reveal, on the record.
    let form = send(&w.app, get(&format!("{path}/ubah"), Some(&again))).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&nik));
    let entries = reveals_of(&w, &member.id.to_string()).await;
    assert!(
        entries
            .contains(&"desa.a fields=nik,no_kk,nama_ibu,kesehatan purpose=perbaikan".to_string()),
        "{entries:?}"
    );
    assert!(
        entries.contains(&"provinsi fields=nama_ibu purpose=pengaduan".to_string()),
        "{entries:?}"
    );
    let page = send(&w.app, get(&path, Some(&again))).await;
    assert_eq!(
        value_of(&page, "nik"),
        nik,
        "revealed for the rest of that session"
    );

    // Signing out forgets the session's reveals.
    let out = send(
        &w.app,
        post_form(
            "/keluar",
            &format!("siks_sesi={}", village.cookie),
            &format!("csrf={}", village.csrf),
        ),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_api_keeps_back_what_the_role_does_not_see_and_reveals_on_purpose() {
    let w = world().await;
    let member = &w.members[0];
    let nik = member.nik.raw();
    let path = format!("/api/v1/persons/{}", member.id);
    let pusat = login(&w.app, "pusat").await;

    let answer = send(&w.app, get(&path, Some(&pusat))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    assert_eq!(
        json["person"]["nik"],
        siks_domain::disclosure::masked(&nik).as_str()
    );
    assert_eq!(json["person"]["mother_name"], "");
    assert_eq!(
        json["withheld"],
        serde_json::json!(["nik", "no_kk", "nama_ibu", "kesehatan"])
    );
    assert!(!answer.body.contains(&nik) && !answer.body.contains(&member.mother_name));
    // The household's members likewise.
    let home = send(
        &w.app,
        get(
            &format!("/api/v1/households/{}", w.household.id),
            Some(&pusat),
        ),
    )
    .await;
    assert!(!home.body.contains(&nik), "{}", home.body);
    // The village operator sees the mother's name and health, never the number unasked.
    let village = login(&w.app, "desa.a").await;
    let json = send(&w.app, get(&path, Some(&village))).await.json();
    assert_eq!(json["person"]["mother_name"], member.mother_name.as_str());
    assert_eq!(json["withheld"], serde_json::json!(["nik", "no_kk"]));

    // Revealing needs a purpose from the list, and a field that exists.
    for (query, why) in [
        ("?tampilkan=nik", "tujuan membuka data wajib dipilih"),
        (
            "?tampilkan=nik&tujuan=iseng",
            "tujuan membuka data wajib dipilih",
        ),
        (
            "?tampilkan=sandi&tujuan=perbaikan",
            "tidak dapat ditampilkan",
        ),
    ] {
        let refused = send(&w.app, get(&format!("{path}{query}"), Some(&pusat))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(refused.body.contains(why), "{query}: {}", refused.body);
    }
    assert!(reveals_of(&w, &member.id.to_string()).await.is_empty());
    let revealed = send(
        &w.app,
        get(
            &format!("{path}?tampilkan=nik,nama_ibu&tujuan=permintaan_subjek"),
            Some(&pusat),
        ),
    )
    .await;
    assert_eq!(revealed.status, StatusCode::OK, "{}", revealed.body);
    let json = revealed.json();
    assert_eq!(json["person"]["nik"], nik.as_str());
    assert_eq!(json["person"]["mother_name"], member.mother_name.as_str());
    assert_eq!(json["withheld"], serde_json::json!(["no_kk", "kesehatan"]));
    assert_eq!(
        reveals_of(&w, &member.id.to_string()).await,
        vec!["pusat fields=nik,nama_ibu purpose=permintaan_subjek".to_string()]
    );
}

/// The members' download: a page with the law's warning; masked unless a role that corrects
/// records asks for whole numbers with a purpose; the choice audited.
#[tokio::test]
async fn members_download_masked_unless_whole_numbers_are_asked_with_a_purpose() {
    let w = world().await;
    let nik = w.members[0].nik.raw();
    let desa = login(&w.app, "desa.a").await;
    let list = send(&w.app, get("/rumah-tangga", Some(&desa))).await;
    assert_eq!(
        list.select("#unduh-anggota").len(),
        1,
        "the list leads to the page"
    );
    let page = send(&w.app, get("/ekspor/anggota", Some(&desa))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let warning = page.select("#peringatan-pdp").join(" ");
    assert!(
        warning.contains("UU 27/2022")
            && warning.contains("Pasal 65")
            && warning.contains("Pasal 67"),
        "{warning}"
    );
    assert_eq!(page.select("#lengkap").len(), 1);
    assert_eq!(page.select("#tujuan option").len(), 6);

    let masked = send(&w.app, get("/ekspor/anggota.csv", Some(&desa))).await;
    assert_eq!(masked.status, StatusCode::OK);
    assert!(!masked.body.contains(&nik), "masked by default");
    assert!(masked.body.contains(&siks_domain::disclosure::masked(&nik)));
    let no_purpose = send(&w.app, get("/ekspor/anggota.csv?lengkap=1", Some(&desa))).await;
    assert_eq!(no_purpose.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_purpose.body.contains("tujuan"), "{}", no_purpose.body);
    let whole = send(
        &w.app,
        get(
            "/ekspor/anggota.csv?lengkap=1&tujuan=perbaikan",
            Some(&desa),
        ),
    )
    .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert!(whole.body.contains(&nik));

    // The ministry downloads masked only, and is told so; the auditor not at all.
    let pusat = login(&w.app, "pusat").await;
    let page = send(&w.app, get("/ekspor/anggota", Some(&pusat))).await;
    assert_eq!(page.select("#hanya-disamarkan").len(), 1);
    assert_eq!(page.select("#lengkap").len(), 0);
    let refused = send(
        &w.app,
        get(
            "/ekspor/anggota.csv?lengkap=1&tujuan=perbaikan",
            Some(&pusat),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("hanya dapat mengunduh NIK dan No KK yang disamarkan")
    );
    let masked = send(&w.app, get("/ekspor/anggota.csv", Some(&pusat))).await;
    assert!(!masked.body.contains(&nik) && !masked.body.contains(&w.members[0].mother_name));
    let auditor = login(&w.app, "auditor").await;
    assert_eq!(
        send(&w.app, get("/ekspor/anggota", Some(&auditor)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Each download's choice in the audit log.
    w.service.fold_views_now().await.unwrap();
    let admin = w.service.system_actor().await.unwrap();
    let details: Vec<String> = w
        .service
        .audit_entries(&admin, None, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "export.persons")
        .map(|e| format!("{} {}", e.actor_username, e.detail))
        .collect();
    let rows = w.members.len();
    for expected in [
        format!("desa.a rows={rows} numbers=masked"),
        format!("desa.a rows={rows} numbers=full purpose=perbaikan"),
    ] {
        assert!(details.contains(&expected), "{expected} in {details:?}");
    }
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("pusat rows=") && d.ends_with(" numbers=masked")),
        "{details:?}"
    );
}

#[tokio::test]
async fn the_sign_in_page_warns_of_the_law() {
    let w = world().await;
    let page = send(&w.app, get("/masuk", None)).await;
    let warning = page.select("#peringatan-pdp").join(" ");
    assert!(
        warning.contains("UU 27/2022") && warning.contains("Pasal 65 dan 67"),
        "{warning}"
    );
}

/// The privacy notice (issue 19 item 9): for anyone, linked from every page's footer, with the
/// lawful basis, what is kept, who sees it and how to ask for one's data or a correction.
#[tokio::test]
async fn anyone_reads_the_privacy_notice_from_every_footer() {
    let w = world().await;
    let page = send(&w.app, get("/privasi", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    for (section, words) in [
        ("#dasar-hukum", "Pasal 20"),
        ("#data-disimpan", "terenkripsi"),
        ("#siapa-melihat", "disamarkan"),
        ("#hak-anda", "Pasal 32"),
        ("#penyimpanan", "cadangan"),
    ] {
        let text = page.select(section).join(" ");
        assert!(text.contains(words), "{section}: {text}");
    }
    let sign_in = send(&w.app, get("/masuk", None)).await;
    assert_eq!(sign_in.select("#kaki a#privasi").len(), 1);
    let desa = login(&w.app, "desa.a").await;
    let home = send(&w.app, get("/", Some(&desa))).await;
    assert_eq!(home.select("#kaki a#privasi").len(), 1);
}

/// A proposed correction of a mother's name and a NIK, on the proposal's page: the numbers
/// masked for every role (the change still shows), the mother's name kept back from the roles
/// that do not collect it, shown to the village that proposed it.
#[tokio::test]
async fn a_proposal_shows_specific_data_as_the_role_sees_it() {
    let w = world().await;
    let desa = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    let mut person = w.members[0].clone();
    let old_nik = person.nik.raw();
    let new_nik = format!(
        "{}{}",
        &old_nik[..12],
        if &old_nik[12..] == "0099" {
            "0098"
        } else {
            "0099"
        }
    );
    person.nik = siks_domain::identity::Recorded::nik(&new_nik).unwrap();
    person.mother_name = "Kusumawardhani Usulan".into();
    let id = w
        .service
        .propose(
            &desa,
            &siks_domain::workflow::ProposalContent::PersonCorrection {
                person,
                base_version: 1,
            },
            "perbaikan",
        )
        .await
        .unwrap();
    let path = format!("/usulan/{id}");
    let village = login(&w.app, "desa.a").await;
    let own = send(&w.app, get(&path, Some(&village))).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(
        own.body.contains("Kusumawardhani Usulan"),
        "the village collects it"
    );
    assert!(!own.body.contains(&new_nik) && !own.body.contains(&old_nik));
    for role in ["pusat", "verifikator"] {
        let session = login(&w.app, role).await;
        let page = send(&w.app, get(&path, Some(&session))).await;
        assert_eq!(page.status, StatusCode::OK, "{role}");
        assert!(!page.body.contains(&new_nik), "{role}: the NIK masked");
        let withheld_mother = !page.body.contains("Kusumawardhani Usulan");
        assert_eq!(
            withheld_mother,
            !Role::parse(if role == "pusat" {
                "pusat"
            } else {
                "verifikator_kabupaten"
            })
            .unwrap()
            .works_with_specific_data(),
            "{role}"
        );
        if withheld_mother {
            assert!(page.body.contains("(disembunyikan)"), "{role}");
        }
    }
    // The API's answer alike, with what it kept back.
    let pusat = login(&w.app, "pusat").await;
    let answer = send(
        &w.app,
        get(&format!("/api/v1/proposals/{id}"), Some(&pusat)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    let person = &json["proposal"]["content"]["person_correction"]["person"];
    assert_ne!(person["nik"], new_nik.as_str(), "{json}");
    assert_eq!(person["mother_name"], "");
    assert_eq!(
        json["proposal"]["withheld"],
        serde_json::json!(["nik", "no_kk", "nama_ibu", "kesehatan"])
    );
    let answer = send(
        &w.app,
        get(&format!("/api/v1/proposals/{id}"), Some(&village)),
    )
    .await;
    let json = answer.json();
    assert_eq!(
        json["proposal"]["content"]["person_correction"]["person"]["mother_name"],
        "Kusumawardhani Usulan"
    );
    assert_eq!(
        json["proposal"]["withheld"],
        serde_json::json!(["nik", "no_kk"])
    );
}
