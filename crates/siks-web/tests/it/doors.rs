//! Every door a village operator has to the register (ADR 0016): each register-changing
//! request of the pages and the API, each upload kind. The register's rows stay exactly as
//! they were, and a draft proposal stands for each request, until a period close applies them.

use crate::support::*;

/// What a village operator's POST or PUT does to the register: every such route is named
/// here, so that a new one cannot open a way around the workflow unnoticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    /// Asks a change of the register: enters a proposal (sent below).
    Proposes,
    /// Moves proposals on or records their papers: the workflow itself, which changes the
    /// register only through the close.
    Workflow,
    /// Touches no record of the register (sign-in, password, findings' status, jobs, a
    /// masked field revealed to the session, citizens' requests).
    Elsewhere,
}

fn door(method: &str, path: &str) -> Option<Door> {
    use Door::*;
    Some(match (method, path) {
        ("POST", "/rumah-tangga/baru")
        | ("POST", "/rumah-tangga/{id}/ubah")
        | ("POST", "/rumah-tangga/{id}/anggota-baru")
        | ("POST", "/rumah-tangga/{id}/foto")
        | ("POST", "/rumah-tangga/{id}/hapus")
        | ("POST", "/rumah-tangga/{id}/pindah")
        | ("POST", "/rumah-tangga/{id}/program")
        | ("POST", "/anggota/{id}/ubah")
        | ("POST", "/anggota/{id}/hapus")
        | ("POST", "/temuan/{id}/usulan")
        | ("POST", "/unggah")
        | ("POST", "/api/v1/households")
        | ("PUT", "/api/v1/households/{id}")
        | ("POST", "/api/v1/households/{id}/members")
        | ("PUT", "/api/v1/persons/{id}")
        | ("POST", "/api/v1/proposals") => Proposes,
        ("POST", "/usulan/langkah")
        | ("POST", "/musdes")
        | ("POST", "/sptjm")
        | ("POST", "/dokumen/{id}/pindaian")
        | ("POST", "/api/v1/proposals/steps")
        | ("POST", "/api/v1/musdes")
        | ("POST", "/api/v1/sptjm")
        | ("PUT", "/api/v1/documents/{id}/scan") => Workflow,
        ("POST", "/masuk")
        | ("POST", "/masuk/kode")
        | ("POST", "/akun/token")
        | ("POST", "/akun/token/{id}/cabut")
        | ("POST", "/keluar")
        | ("POST", "/akun/sandi")
        | ("POST", "/temuan/{id}/tolak")
        | ("POST", "/unggah/{id}/batal")
        | ("POST", "/tugas/{id}/ulang")
        | ("POST", "/api/v1/jobs")
        | ("POST", "/api/v1/jobs/{id}/retry")
        | ("POST", "/anggota/{id}/tampilkan")
        // A citizen's request answered, and the public forms (which anyone may post): the
        // queue, not the register (a proposal made from a request goes through the forms
        // above).
        | ("POST", "/permintaan/{id}/jawab")
        | ("POST", "/cek/usul")
        | ("POST", "/cek/sanggah")
        // The PPKS and PSKS registries: kept beside the register, not in it (ADR 0025).
        | ("POST", "/ppks/baru")
        | ("POST", "/ppks/unggah")
        | ("POST", "/ppks/{id}")
        | ("POST", "/psks/baru")
        | ("POST", "/psks/unggah")
        | ("POST", "/psks/{id}")
        | ("POST", "/psks/{id}/dampingan")
        | ("POST", "/api/v1/ppks")
        | ("POST", "/api/v1/psks") => Elsewhere,
        _ => return None,
    })
}

/// The register's rows, every household with its members and versions, as the system sees
/// them; compared whole.
async fn register_rows(w: &World) -> Vec<String> {
    let system = w.service.system_actor().await.unwrap();
    let list = w
        .service
        .list_households(
            &system,
            &siks_service::HouseholdFilter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut rows = Vec::new();
    for h in list {
        let view = w.service.household(&system, h.id).await.unwrap().unwrap();
        rows.push(format!("{view:?}"));
    }
    rows.sort();
    rows
}

async fn proposal_count(w: &World) -> usize {
    let system = w.service.system_actor().await.unwrap();
    w.service
        .list_proposals(&system, None, 5000)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn every_door_of_a_village_proposes_and_the_register_waits_for_the_close() {
    let w = world().await;
    let village = Role::VillageOperator;
    let unnamed: Vec<String> = ROUTES
        .iter()
        .filter(|r| matches!(r.method, "POST" | "PUT") && r.allows(Some(village)))
        .filter(|r| door(r.method, r.path).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        unnamed.is_empty(),
        "a village operator's write route not named in doors.rs: {unnamed:?}"
    );

    // A second household (a twin of a member under another NIK) and the checks that find it:
    // a finding that calls for a removal.
    let system = w.service.system_actor().await.unwrap();
    let mut twin_home = w.household.clone();
    twin_home.id = siks_domain::HouseholdId::new();
    let mut twin = w.members[0].clone();
    twin.id = siks_domain::PersonId::new();
    twin.household_id = twin_home.id;
    twin.relation_to_head = siks_domain::codes::Relation::Head;
    twin.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850333").unwrap());
    twin.sex = siks_domain::codes::Sex::Male;
    twin.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    w.service
        .load_household(&system, &twin_home, &[twin.clone()], "uji")
        .await
        .unwrap();
    let mut copy = twin.clone();
    copy.id = siks_domain::PersonId::new();
    let mut copy_home = twin_home.clone();
    copy_home.id = siks_domain::HouseholdId::new();
    copy.household_id = copy_home.id;
    copy.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850334").unwrap());
    w.service
        .load_household(&system, &copy_home, &[copy], "uji")
        .await
        .unwrap();
    w.service
        .run_checks(
            &system,
            None,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        )
        .await
        .unwrap();
    let finding = w
        .service
        .findings(
            &system,
            None,
            Some(siks_domain::checks::FindingKind::DuplicatePerson),
            None,
            10,
        )
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a duplicate-person finding");

    let before = register_rows(&w).await;
    let proposals_before = proposal_count(&w).await;
    let a = login(&w.app, "desa.a").await;
    let cookie = format!("siks_sesi={}", a.cookie);
    let household = format!("/rumah-tangga/{}", w.household.id);
    let member = format!("/anggota/{}", w.members[1].id);
    let mut sent: Vec<&'static str> = Vec::new();

    // The pages.
    let page = send(&w.app, get("/rumah-tangga/baru", Some(&a))).await;
    let fields = filled_form(&page, &a);
    let r = send(
        &w.app,
        post_form("/rumah-tangga/baru", &cookie, &form_body(&fields)),
    )
    .await;
    expect_proposal(&mut sent, &r, "halaman: rumah tangga baru");
    let form = send(&w.app, get(&format!("{household}/ubah"), Some(&a))).await;
    let mut fields = form_as_shown(&form, "#form-data", &a);
    set_field(&mut fields, "rooms", "9");
    set_field(&mut fields, "alasan", "kamar bertambah");
    set_field(&mut fields, "konfirmasi", "ya");
    let r = send(
        &w.app,
        post_form(&format!("{household}/ubah"), &cookie, &form_body(&fields)),
    )
    .await;
    expect_proposal(&mut sent, &r, "halaman: perbaikan rumah tangga");
    let form = send(&w.app, get(&format!("{member}/ubah"), Some(&a))).await;
    let mut fields = form_as_shown(&form, "#form-data", &a);
    set_field(&mut fields, "m0.mother_name", "Siti Aminah");
    set_field(&mut fields, "alasan", "nama ibu salah");
    set_field(&mut fields, "konfirmasi", "ya");
    let r = send(
        &w.app,
        post_form(&format!("{member}/ubah"), &cookie, &form_body(&fields)),
    )
    .await;
    expect_proposal(&mut sent, &r, "halaman: perbaikan anggota");
    let form = send(&w.app, get(&format!("{household}/anggota-baru"), Some(&a))).await;
    let mut fields = form_as_shown(&form, "#form-data", &a);
    for (k, v) in [
        ("m0.full_name", "Bayi Lestari"),
        ("m0.nik", "3523015506250888"),
        ("m0.no_kk", &w.members[0].no_kk.raw()),
        ("m0.sex", "2"),
        ("m0.birth_place", "Tuban"),
        ("m0.birth_date", "2025-06-15"),
        ("m0.mother_name", "Sri"),
        ("m0.marital_status", "1"),
        ("alasan", "kelahiran"),
    ] {
        set_field(&mut fields, k, v);
    }
    let r = send(
        &w.app,
        post_form(
            &format!("{household}/anggota-baru"),
            &cookie,
            &form_body(&fields),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "halaman: anggota masuk");
    let (kind, body) = multipart(&[
        ("csrf", a.csrf.as_bytes()),
        ("versi", b"1"),
        ("jenis", b"1"),
        (
            "foto",
            &[&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 200][..]].concat(),
        ),
    ]);
    let r = send(
        &w.app,
        Request::post(format!("{household}/foto"))
            .header(header::CONTENT_TYPE, kind)
            .header(header::COOKIE, &cookie)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    expect_proposal(&mut sent, &r, "halaman: foto bukti");
    for (path, body, name) in [
        (
            format!("{household}/hapus"),
            "jenis_alasan=5&alasan=sudah+mampu+hasil+musdes".to_string(),
            "halaman: hapus rumah tangga",
        ),
        (
            format!("{member}/hapus"),
            "jenis_alasan=1&bukti=AKTA-3523-0001&alasan=meninggal".to_string(),
            "halaman: hapus anggota",
        ),
        (
            format!("{household}/pindah"),
            format!("tujuan={VILLAGE_B}&alasan=pindah+domisili"),
            "halaman: pindah",
        ),
        (
            format!("{household}/program"),
            "program=PKH&alasan=ada+ibu+hamil".to_string(),
            "halaman: program",
        ),
        (
            format!("/temuan/{}/usulan", finding.id),
            String::new(),
            "halaman: usulan dari temuan",
        ),
    ] {
        let body = format!("csrf={}&{body}", encode(&a.csrf));
        let r = send(&w.app, post_form(&path, &cookie, &body)).await;
        expect_proposal(&mut sent, &r, name);
    }

    // The uploads, every kind that proposes.
    let exported = send(
        &w.app,
        get(
            &format!("/ekspor/anggota.csv?wilayah={VILLAGE_A}&lengkap=1&tujuan=perbaikan"),
            Some(&a),
        ),
    )
    .await
    .body;
    let renamed = rename_first(&exported, "Nama lengkap", "Nama Unggahan");
    let households_csv = send(
        &w.app,
        get(
            &format!("/ekspor/rumah-tangga.csv?wilayah={VILLAGE_A}"),
            Some(&a),
        ),
    )
    .await
    .body;
    let recounted = rename_first(&households_csv, "Jumlah kamar tidur", "7");
    let removal_csv = format!(
        "Id rumah tangga,Id anggota,Alasan,Keterangan\n{},{},4,tidak ditemukan di alamat\n",
        w.household.id, w.members[1].id
    );
    let new_households = new_households_xlsx(&unregistered_households(1), &[]);
    for (kind, file, name) in [
        ("perbaikan", renamed.into_bytes(), "berkas"),
        ("perbaikan-ruta", recounted.into_bytes(), "berkas"),
        ("penghapusan", removal_csv.into_bytes(), "berkas"),
        ("rumah-tangga-baru", new_households, "berkas.xlsx"),
    ] {
        let (content_type, body) = multipart(&[
            ("csrf", a.csrf.as_bytes()),
            ("jenis", kind.as_bytes()),
            (name, &file),
        ]);
        let done = finished_upload(&w.app, &a, upload_request(&a, content_type, body)).await;
        assert_eq!(done.status, StatusCode::OK, "{kind}: {}", done.body);
        assert!(
            done.select("#hasil")[0].starts_with('1'),
            "{kind}: {:?} {:?}",
            done.select("#hasil"),
            done.select("#masalah tr.masalah")
        );
        sent.push(kind);
    }

    // The API.
    let mut new_home = proposed_copy(&w.household);
    new_home.id = siks_domain::HouseholdId::new();
    let mut head = w.members[0].clone();
    head.status = siks_domain::RegistryStatus::Proposed;
    head.id = siks_domain::PersonId::new();
    head.household_id = new_home.id;
    head.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850666").unwrap());
    head.sex = siks_domain::codes::Sex::Male;
    head.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let r = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            true,
            serde_json::json!({ "household": client_household(&new_home), "members": [client_person(&head)], "reason": "baru" }).to_string(),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "API: rumah tangga baru");
    let mut roomier = w.household.clone();
    roomier.housing.rooms = 8;
    let r = send(
        &w.app,
        json_request(
            "PUT",
            &format!("/api/v1/households/{}", w.household.id),
            &a,
            true,
            serde_json::json!({ "household": client_household(&roomier), "version": 1, "reason": "kamar" }).to_string(),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "API: perbaikan rumah tangga");
    let mut renamed_member = w.members[1].clone();
    renamed_member.full_name = "Nama Dari API".into();
    let r = send(
        &w.app,
        json_request(
            "PUT",
            &format!("/api/v1/persons/{}", w.members[1].id),
            &a,
            true,
            serde_json::json!({ "person": client_person(&renamed_member), "version": 1, "reason": "ejaan" }).to_string(),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "API: perbaikan anggota");
    let mut baby = w.members[0].clone();
    baby.id = siks_domain::PersonId::new();
    baby.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523015506250999").unwrap());
    baby.sex = siks_domain::codes::Sex::Female;
    baby.birth_date = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
    baby.relation_to_head = siks_domain::codes::Relation::Child;
    let r = send(
        &w.app,
        post_json(
            &format!("/api/v1/households/{}/members", w.household.id),
            &a,
            true,
            serde_json::json!({ "person": client_person(&baby), "reason": "kelahiran" })
                .to_string(),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "API: anggota masuk");
    let r = send(
        &w.app,
        post_json(
            "/api/v1/proposals",
            &a,
            true,
            serde_json::json!({ "content": { "move": { "household": w.household.id, "to_village": VILLAGE_B } }, "note": "pindah" }).to_string(),
        ),
    )
    .await;
    expect_proposal(&mut sent, &r, "API: usulan");

    // Nothing of the register changed; a proposal stands for every request.
    assert_eq!(
        register_rows(&w).await,
        before,
        "the register changed before a close"
    );
    assert_eq!(
        proposal_count(&w).await - proposals_before,
        sent.len(),
        "one proposal per request: {sent:?}"
    );
    // Every proposing door was sent (the uploads count as one door, sent once per kind).
    for route in ROUTES
        .iter()
        .filter(|r| door(r.method, r.path) == Some(Door::Proposes))
    {
        assert!(
            r_was_sent(route.path, &sent),
            "{} {} not sent",
            route.method,
            route.path
        );
    }
}

/// A request that entered a proposal: a redirect to it (pages) or 201 (API).
fn expect_proposal(sent: &mut Vec<&'static str>, reply: &Reply, door: &'static str) {
    assert!(
        reply.status == StatusCode::SEE_OTHER || reply.status == StatusCode::CREATED,
        "{door}: {} {}",
        reply.status,
        reply.body
    );
    sent.push(door);
}

/// Whether a proposing route was among the requests sent (named by the labels above).
fn r_was_sent(path: &str, sent: &[&str]) -> bool {
    let label = match path {
        "/rumah-tangga/baru" => "halaman: rumah tangga baru",
        "/rumah-tangga/{id}/ubah" => "halaman: perbaikan rumah tangga",
        "/rumah-tangga/{id}/anggota-baru" => "halaman: anggota masuk",
        "/rumah-tangga/{id}/foto" => "halaman: foto bukti",
        "/rumah-tangga/{id}/hapus" => "halaman: hapus rumah tangga",
        "/rumah-tangga/{id}/pindah" => "halaman: pindah",
        "/rumah-tangga/{id}/program" => "halaman: program",
        "/anggota/{id}/ubah" => "halaman: perbaikan anggota",
        "/anggota/{id}/hapus" => "halaman: hapus anggota",
        "/temuan/{id}/usulan" => "halaman: usulan dari temuan",
        "/unggah" => "rumah-tangga-baru",
        "/api/v1/households" => "API: rumah tangga baru",
        "/api/v1/households/{id}" => "API: perbaikan rumah tangga",
        "/api/v1/households/{id}/members" => "API: anggota masuk",
        "/api/v1/persons/{id}" => "API: perbaikan anggota",
        "/api/v1/proposals" => "API: usulan",
        _ => return false,
    };
    sent.contains(&label)
}

/// A CSV export with the first data row's `column` set to `value`.
fn rename_first(text: &str, column: &str, value: &str) -> String {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {headers:?}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for (n, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if n == 0 {
            cells[at] = value.to_string();
        }
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// A NIK registered in another regency answers the village exactly as a fresh one (status and
/// body shape, by the API and the page); the regency sees the clash as a finding on the
/// proposal, the village does not.
#[tokio::test]
async fn a_nik_registered_elsewhere_answers_the_village_as_a_fresh_one() {
    let w = world().await;
    let system = w.service.system_actor().await.unwrap();
    // Someone registered in another regency (Lamongan, 35.24).
    let elsewhere_village = Regions::embedded()
        .iter()
        .find(|r| {
            r.level() == siks_domain::RegionLevel::Village && r.code.as_str().starts_with("35.24.")
        })
        .expect("a village of another regency")
        .code
        .clone();
    let mut far = w.household.clone();
    far.id = siks_domain::HouseholdId::new();
    far.address.village = elsewhere_village;
    let mut far_head = w.members[0].clone();
    far_head.id = siks_domain::PersonId::new();
    far_head.household_id = far.id;
    far_head.nik =
        siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850123").unwrap());
    far_head.sex = siks_domain::codes::Sex::Male;
    far_head.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    w.service
        .load_household(&system, &far, &[far_head.clone()], "uji")
        .await
        .unwrap();

    let a = login(&w.app, "desa.a").await;
    let entry = |nik: &str| {
        let mut home = proposed_copy(&w.household);
        home.id = siks_domain::HouseholdId::new();
        let mut head = far_head.clone();
        head.status = siks_domain::RegistryStatus::Proposed;
        head.id = siks_domain::PersonId::new();
        head.household_id = home.id;
        head.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse(nik).unwrap());
        serde_json::json!({ "household": client_household(&home), "members": [client_person(&head)], "reason": "pendataan baru" })
            .to_string()
    };
    let registered = send(
        &w.app,
        post_json("/api/v1/households", &a, true, entry("3523011203850123")),
    )
    .await;
    let fresh = send(
        &w.app,
        post_json("/api/v1/households", &a, true, entry("3523011203850124")),
    )
    .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    assert_eq!(registered.status, fresh.status);
    let keys = |r: &Reply| {
        let mut k: Vec<String> = r.json().as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&registered), keys(&fresh));
    assert_eq!(registered.json()["stage"], fresh.json()["stage"]);
    let clash_id = registered.json()["id"].as_str().unwrap().to_string();
    let fresh_id = fresh.json()["id"].as_str().unwrap().to_string();

    // The page's form too: both are saved as drafts the same way.
    let page = send(&w.app, get("/rumah-tangga/baru", Some(&a))).await;
    let cookie = format!("siks_sesi={}", a.cookie);
    let mut answers = Vec::new();
    for nik in ["3523011203850123", "3523011203850125"] {
        let mut fields = filled_form(&page, &a);
        set_field(&mut fields, "m0.nik", nik);
        set_field(
            &mut fields,
            "id",
            &siks_domain::HouseholdId::new().to_string(),
        );
        for slot in 0..siks_web::edit::NEW_MEMBER_SLOTS {
            set_field(
                &mut fields,
                &format!("m{slot}.id"),
                &siks_domain::PersonId::new().to_string(),
            );
        }
        let r = send(
            &w.app,
            post_form("/rumah-tangga/baru", &cookie, &form_body(&fields)),
        )
        .await;
        answers.push((
            r.status,
            r.location
                .map(|l| l.split('?').nth(1).unwrap_or("").to_string()),
        ));
    }
    assert_eq!(answers[0].0, StatusCode::SEE_OTHER);
    assert_eq!(answers[0], answers[1]);

    // Nothing of it shows to the village; the regency's verifier sees the finding.
    for id in [&clash_id, &fresh_id] {
        let seen = send(&w.app, get(&format!("/usulan/{id}"), Some(&a))).await;
        assert!(seen.select(".temuan-nik").is_empty());
        let api = send(&w.app, get(&format!("/api/v1/proposals/{id}"), Some(&a))).await;
        assert_eq!(
            api.json()["proposal"]["subject"]["clashes"],
            serde_json::json!([])
        );
    }
    let verifier = login(&w.app, "verifikator").await;
    let seen = send(&w.app, get(&format!("/usulan/{clash_id}"), Some(&verifier))).await;
    let findings = seen.select(".temuan-nik");
    assert_eq!(findings.len(), 1, "{}", seen.body);
    assert!(
        findings[0].contains("sudah terdaftar aktif"),
        "{findings:?}"
    );
    assert!(
        !findings[0].contains("3523011203850123"),
        "masked: {findings:?}"
    );
    let clean = send(&w.app, get(&format!("/usulan/{fresh_id}"), Some(&verifier))).await;
    assert!(clean.select(".temuan-nik").is_empty());
}

/// Every answer with personal data (pages, JSON, downloads, errors) is kept by no cache, and no
/// answer tells another site the page it was followed from; static assets are cached.
#[tokio::test]
async fn no_cache_keeps_an_answer_with_personal_data() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let household = format!("/rumah-tangga/{}", w.household.id);
    for path in [
        "/",
        "/rumah-tangga",
        household.as_str(),
        "/api/v1/households",
        "/ekspor/anggota.csv",
        "/ekspor/rumah-tangga.xlsx",
        "/tidak-ada",
        "/masuk",
    ] {
        let answer = send(&w.app, get(path, Some(&desa))).await;
        assert_eq!(
            answer
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path} ({})",
            answer.status
        );
        assert_eq!(
            answer
                .headers
                .get("referrer-policy")
                .map(|v| v.to_str().unwrap()),
            Some("same-origin"),
            "{path}"
        );
        // The browser's own defences on every answer (SECURITY.md item 16): only this site's
        // scripts, never sniffed into another type, never framed by another site.
        for (name, value) in [
            (
                "content-security-policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'",
            ),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
        ] {
            assert_eq!(
                answer.headers.get(name).map(|v| v.to_str().unwrap()),
                Some(value),
                "{path}: {name}"
            );
        }
    }
    let script = send(&w.app, get("/static/siks.js", None)).await;
    assert!(
        script.headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"),
        "static assets are cached"
    );
}
