//! The public side and the village's queue (issue 20 items 1–2, issue 19 item 5): anyone checks
//! a name in a village and sees only the masked name, the desil and the programmes; files an
//! usul and a sanggah behind a small sum, gets a receipt; the village operator (and no other
//! village's) finds both in the queue, turns the usul into a proposal from a form filled in
//! from it and answers the sanggah; the receipt page follows. A data protection officer files
//! a subject's correction from the report. Bad input is refused naming its field, markup is
//! escaped, and no answer of a public door holds a NIK, a No KK, a birth date, an address or a
//! mother's name.

use crate::support::*;

/// The sum a public form asks, solved from its label ("Berapa 3 tambah 4?").
fn solved(page: &Reply) -> (String, String) {
    let question = page.select("label[for=jawaban]").join("");
    let numbers: Vec<u32> = question
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2, "{question}");
    let token = page
        .html()
        .select(&Selector::parse("input[name=tantangan]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    (token, (numbers[0] + numbers[1]).to_string())
}

fn body_of(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What no public answer may hold about the household checked.
fn secrets(w: &World) -> Vec<(String, String)> {
    let mut secrets = Vec::new();
    for m in &w.members {
        secrets.push(("NIK".to_string(), m.nik.raw()));
        secrets.push(("No KK".to_string(), m.no_kk.raw()));
        secrets.push(("birth date".to_string(), m.birth_date.to_string()));
        if !m.mother_name.trim().is_empty() {
            secrets.push(("mother's name".to_string(), m.mother_name.clone()));
        }
    }
    if w.household.address.street.trim().len() > 3 {
        secrets.push(("address".to_string(), w.household.address.street.clone()));
    }
    secrets
}

fn holds_none(w: &World, what: &str, body: &str) {
    for (kind, secret) in secrets(w) {
        assert!(!body.contains(&secret), "{what} holds a {kind}: {secret}");
    }
}

const USUL_NIK: &str = "3523011203850777";
const USUL_KK: &str = "3523011203150004";

#[tokio::test]
async fn a_citizen_checks_files_an_usul_and_a_sanggah_and_the_village_handles_them() {
    let w = world().await;
    let head = &w.members[0];
    let masked = siks_domain::citizen::masked_name(&head.full_name);

    // Cek Bansos, region by region, then the name.
    let start = send(&w.app, get("/cek", None)).await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.select("#prov option").len() > 30, "the provinces");
    assert!(start.bytes.len() < 50_000, "{} bytes", start.bytes.len());
    let chosen = send(&w.app, get("/cek?prov=35&kab=35.23&kec=35.23.01", None)).await;
    assert!(
        chosen.select("#desa option").len() > 1,
        "the district's villages"
    );
    assert!(
        chosen.select("#nama").is_empty(),
        "a name once a village is chosen"
    );
    let path = format!(
        "/cek?prov=35&kab=35.23&kec=35.23.01&desa={VILLAGE_A}&nama={}",
        encode(&head.full_name.to_lowercase())
    );
    let found = send(&w.app, get(&path, None)).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.bytes.len() < 50_000, "{} bytes", found.bytes.len());
    assert_eq!(found.select("#hasil-cek .nama"), vec![masked.clone()]);
    assert_eq!(found.select("#hasil-cek .desil"), vec!["belum diperingkat"]);
    assert!(!found.body.contains(&head.full_name), "the name is masked");
    holds_none(&w, "the check", &found.body);
    assert!(
        found.select("#hasil-cek a.sanggah").is_empty(),
        "on no list yet: no recipient to object to"
    );
    // A name that is nobody's, and one too short to be a name.
    let nobody = send(
        &w.app,
        get(
            &format!(
                "/cek?prov=35&kab=35.23&kec=35.23.01&desa={VILLAGE_A}&nama=Tidak+Ada+Orangnya"
            ),
            None,
        ),
    )
    .await;
    assert_eq!(nobody.select("#tidak-ditemukan").len(), 1);
    let short = send(
        &w.app,
        get(
            &format!("/cek?prov=35&kab=35.23&kec=35.23.01&desa={VILLAGE_A}&nama=ab"),
            None,
        ),
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.select("#pesan").join("").contains("3 huruf"));
    // A village under another district is not taken for this one.
    let stray = send(
        &w.app,
        get(
            &format!("/cek?prov=35&kab=35.23&kec=35.23.02&desa={VILLAGE_A}&nama=x"),
            None,
        ),
    )
    .await;
    assert!(stray.select("#nama").is_empty());
    // The same as JSON.
    let json = send(
        &w.app,
        get(
            &format!(
                "/api/v1/public/check?desa={VILLAGE_A}&nama={}",
                encode(&head.full_name)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let answer: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(answer["found"][0]["name"], masked.as_str());
    holds_none(&w, "the JSON check", &json.body);
    let refused = send(&w.app, get("/api/v1/public/check?desa=99&nama=Siti", None)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // An usul: refused while a field is wrong or the sum unsolved, then filed.
    let form = send(&w.app, get(&format!("/cek/usul?desa={VILLAGE_A}"), None)).await;
    assert_eq!(form.status, StatusCode::OK);
    let (token, sum) = solved(&form);
    let usul = |nik: &'static str, token: String, sum: String| {
        body_of(&[
            ("desa", VILLAGE_A),
            ("tantangan", &token),
            ("jawaban", &sum),
            ("pengirim", "<script>alert('pengirim')</script>"),
            ("telepon", "0812 3456 7890"),
            ("nama", "Bambang Sutrisno"),
            ("nik", nik),
            ("no_kk", USUL_KK),
            ("alamat", "Dusun Krajan RT 04 RW 01"),
            ("bantuan", "Sembako"),
            ("alasan", "Buruh tani, istri sakit, belum pernah didata"),
        ])
    };
    let bad = send(
        &w.app,
        post_form("/cek/usul", "", &usul("12345", token.clone(), sum.clone())),
    )
    .await;
    // A solved sum files at most once: the same one again is refused even with a good NIK.
    let replayed = send(
        &w.app,
        post_form("/cek/usul", "", &usul(USUL_NIK, token.clone(), sum.clone())),
    )
    .await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replayed.select("#pesan").join("").contains("hitungan"));
    // Each refused form asks a new sum.
    let (token, sum) = solved(&replayed);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.select("#pesan").join("").contains("NIK"),
        "{}",
        bad.body
    );
    assert_eq!(
        bad.html()
            .select(&Selector::parse("#pesan").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("data-field"),
        Some("nik")
    );
    let wrong_sum = send(
        &w.app,
        post_form("/cek/usul", "", &usul(USUL_NIK, token.clone(), "99".into())),
    )
    .await;
    assert_eq!(wrong_sum.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_sum.select("#pesan").join("").contains("hitungan"));
    let forged = send(
        &w.app,
        post_form(
            "/cek/usul",
            "",
            &usul(USUL_NIK, format!("{}0", token), sum.clone()),
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (token, sum) = solved(&forged);
    let filed = send(
        &w.app,
        post_form("/cek/usul", "", &usul(USUL_NIK, token, sum)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let receipt_path = filed.location.clone().unwrap();
    assert!(
        receipt_path.starts_with("/cek/tanda-terima/"),
        "{receipt_path}"
    );
    let receipt = send(&w.app, get(&receipt_path, None)).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let usul_code = receipt.select("#kode").join("");
    assert_eq!(usul_code.len(), 10);
    assert!(receipt.select("#status").join("").contains("Baru"));
    assert!(!receipt.body.contains(USUL_NIK), "the receipt holds no NIK");
    // Typed with spaces and in lower case, it is found too; a made-up one is not.
    let typed = send(
        &w.app,
        get(
            &format!(
                "/cek/tanda-terima?kode={}+{}",
                usul_code[..5].to_lowercase(),
                &usul_code[5..]
            ),
            None,
        ),
    )
    .await;
    assert_eq!(typed.select("#status-tanda-terima").len(), 1);
    let unknown = send(
        &w.app,
        get(
            &format!("/cek/tanda-terima?kode={}", encode("<b>ZZZZ</b>")),
            None,
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(!unknown.body.contains("<b>ZZZZ"), "typed markup is escaped");

    // Once the month's lists hold the household, the check says which, and offers a sanggah
    // from its own link.
    let (admin, today) = w.rank().await;
    w.build_december_lists(&admin, today).await;
    let found = send(&w.app, get(&path, None)).await;
    assert!(!found.select("#hasil-cek .ya").is_empty(), "{}", found.body);
    // Only the programmes the check may show: never one chosen by PPKS category or disability.
    let shown = found.select("#hasil-cek .program").join(" ");
    assert!(shown.contains("PKH:") && shown.contains("KUBE:"), "{shown}");
    for kept_back in ["ATENSI", "PKSA", "KAT:"] {
        assert!(!shown.contains(kept_back), "{kept_back} in {shown}");
    }
    holds_none(&w, "the check of a recipient", &found.body);
    let link = found
        .html()
        .select(&Selector::parse("#hasil-cek a.sanggah").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .replace("&amp;", "&");
    let form = send(&w.app, get(&link, None)).await;
    assert_eq!(form.status, StatusCode::OK, "{link}");
    assert_eq!(form.select("#yang-disanggah strong"), vec![masked.clone()]);
    holds_none(&w, "the sanggah form", &form.body);
    let (token, sum) = solved(&form);
    let household = w.household.id.to_string();
    let filed = send(
        &w.app,
        post_form(
            "/cek/sanggah",
            "",
            &body_of(&[
                ("desa", VILLAGE_A),
                ("rt", &household),
                ("nama", &masked),
                ("tantangan", &token),
                ("jawaban", &sum),
                ("pengirim", "Tetangga"),
                ("alasan", "Punya toko besar dan dua mobil"),
            ]),
        ),
    )
    .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let sanggah_receipt = filed.location.clone().unwrap();
    // Against a household of another village, or none: not found.
    let (token, sum) = solved(&send(&w.app, get(&link, None)).await);
    let elsewhere = send(
        &w.app,
        post_form(
            "/cek/sanggah",
            "",
            &body_of(&[
                ("desa", VILLAGE_B),
                ("rt", &household),
                ("tantangan", &token),
                ("jawaban", &sum),
                ("pengirim", "Tetangga"),
                ("nama", &masked),
                ("alasan", "Punya toko besar dan dua mobil"),
            ]),
        ),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    // The village's operator finds both; another village's finds neither.
    let other = login(&w.app, "desa.b").await;
    let queue = send(&w.app, get("/permintaan", Some(&other))).await;
    assert_eq!(queue.select("#daftar-permintaan tr.permintaan").len(), 0);
    let operator = login(&w.app, "desa.a").await;
    let dashboard = send(&w.app, get("/", Some(&operator))).await;
    assert_eq!(dashboard.select("#nav-permintaan").len(), 1);
    let queue = send(&w.app, get("/permintaan", Some(&operator))).await;
    assert_eq!(queue.status, StatusCode::OK);
    let rows = queue.select("#daftar-permintaan tr.permintaan");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let links: Vec<String> = queue
        .html()
        .select(&Selector::parse("#daftar-permintaan tr.permintaan a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let mut usul_page = None;
    let mut sanggah_page = None;
    for link in &links {
        let page = send(&w.app, get(link, Some(&operator))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("<script>alert("),
            "what a citizen wrote is escaped"
        );
        if page.select("#tanda-terima").join("") == usul_code {
            usul_page = Some((link.clone(), page));
        } else {
            sanggah_page = Some((link.clone(), page));
        }
    }
    let (usul_link, usul_page) = usul_page.unwrap();
    let (sanggah_link, sanggah_page) = sanggah_page.unwrap();
    assert!(
        !usul_page.body.contains(USUL_NIK),
        "the NIK is masked on the request's page"
    );
    let denied = send(&w.app, get(&usul_link, Some(&other))).await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);

    // The usul becomes a proposal from a form filled in from it.
    let propose = usul_page
        .html()
        .select(&Selector::parse("#buat-usulan").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let form = send(&w.app, get(&propose, Some(&operator))).await;
    assert_eq!(form.status, StatusCode::OK, "{propose}");
    let shown = form_as_shown(&form, "#form-data", &operator);
    let value = |name: &str| {
        shown
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(value("m0.full_name"), "Bambang Sutrisno");
    assert_eq!(value("m0.nik"), USUL_NIK);
    assert_eq!(value("m0.no_kk"), USUL_KK);
    assert_eq!(value("street"), "Dusun Krajan RT 04 RW 01");
    assert!(value("alasan").contains(&usul_code), "{}", value("alasan"));
    let request_id = usul_link.trim_start_matches("/permintaan/").to_string();
    assert_eq!(value("permintaan"), request_id);
    let mut fields = filled_form(&form, &operator);
    set_field(&mut fields, "alasan", &value("alasan"));
    let saved = send(
        &w.app,
        post_form(
            "/rumah-tangga/baru",
            &format!("siks_sesi={}", operator.cookie),
            &form_body(&fields),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location.as_deref().unwrap().starts_with("/usulan/"));
    let handled = send(&w.app, get(&usul_link, Some(&operator))).await;
    assert!(
        handled
            .select("#status-permintaan")
            .join("")
            .contains("diusulkan")
    );
    assert_eq!(handled.select("#usulan-dari-permintaan").len(), 1);
    assert!(handled.select("#buat-usulan").is_empty(), "handled once");
    let receipt = send(&w.app, get(&receipt_path, None)).await;
    assert!(receipt.select("#status").join("").contains("diusulkan"));
    assert!(
        !receipt.select("#tahap").join("").is_empty(),
        "the proposal's stage"
    );

    // The sanggah is answered: too short refused, then kept and shown to the citizen.
    assert_eq!(
        sanggah_page
            .html()
            .select(&Selector::parse("#buat-usulan").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap(),
        format!(
            "/rumah-tangga/{}/hapus?permintaan={}",
            w.household.id,
            sanggah_link.trim_start_matches("/permintaan/")
        )
    );
    let short = send(
        &w.app,
        post_form(
            &format!("{sanggah_link}/jawab"),
            &format!("siks_sesi={}", operator.cookie),
            &body_of(&[("csrf", &operator.csrf), ("jawaban", "tidak")]),
        ),
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = "Sudah diperiksa di lapangan: toko milik saudaranya, bukan miliknya.";
    let answered = send(
        &w.app,
        post_form(
            &format!("{sanggah_link}/jawab"),
            &format!("siks_sesi={}", operator.cookie),
            &body_of(&[("csrf", &operator.csrf), ("jawaban", answer)]),
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let receipt = send(&w.app, get(&sanggah_receipt, None)).await;
    assert_eq!(receipt.select("#jawaban"), vec![answer.to_string()]);
    holds_none(&w, "the receipt", &receipt.body);
    // Another village's operator cannot answer it.
    let again = send(
        &w.app,
        post_form(
            &format!("{sanggah_link}/jawab"),
            &format!("siks_sesi={}", other.cookie),
            &body_of(&[("csrf", &other.csrf), ("jawaban", answer)]),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // An usul with a photo of the house: the form is multipart; a photo too large is refused in
    // plain words, and one that is not a photo too; the operator sees the photo, another
    // village does not.
    let photo_usul = |page: &Reply, photo: Vec<u8>| {
        let (token, sum) = solved(page);
        let (content_type, body) = multipart(&[
            ("desa", VILLAGE_A.as_bytes()),
            ("tantangan", token.as_bytes()),
            ("jawaban", sum.as_bytes()),
            ("pengirim", b"Warsini"),
            ("nama", b"Sumiati Rahayu"),
            ("nik", b"3523014512800003"),
            ("no_kk", USUL_KK.as_bytes()),
            ("alamat", b"Dusun Kidul RT 02"),
            ("alasan", b"Janda, rumah berdinding bambu, belum terdata"),
            ("foto", &photo),
        ]);
        Request::post("/cek/usul")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let form = send(&w.app, get(&format!("/cek/usul?desa={VILLAGE_A}"), None)).await;
    assert_eq!(
        form.html()
            .select(&Selector::parse("#form-warga").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("enctype"),
        Some("multipart/form-data")
    );
    assert_eq!(form.select("#foto").len(), 1);
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[1u8; 300][..]].concat();
    let big = [&png[..], &vec![0u8; 2 * 1024 * 1024 - 100][..]].concat();
    let refused = send(&w.app, photo_usul(&form, big)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.select("#pesan").join("").contains("terlalu besar"),
        "{}",
        refused.body
    );
    let refused = send(
        &w.app,
        photo_usul(&refused, b"<svg onload=alert(1)>".to_vec()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.select("#pesan").join("").contains("bukan foto"));
    let filed = send(&w.app, photo_usul(&refused, png.clone())).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let queue = send(&w.app, get("/permintaan", Some(&operator))).await;
    let links: Vec<String> = queue
        .html()
        .select(&Selector::parse("#daftar-permintaan tr.permintaan a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let mut with_photo = Vec::new();
    for link in &links {
        let page = send(&w.app, get(link, Some(&operator))).await;
        if !page.select("#foto-rumah").is_empty() {
            with_photo.push(link.clone());
        }
    }
    assert_eq!(
        with_photo.len(),
        1,
        "only the last usul has a photo: {links:?}"
    );
    let shown = send(
        &w.app,
        get(&format!("{}/foto", with_photo[0]), Some(&operator)),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.bytes, png);
    let hidden = send(
        &w.app,
        get(&format!("{}/foto", with_photo[0]), Some(&other)),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_data_protection_officer_files_a_subjects_correction_for_the_village() {
    let w = world().await;
    let subject = &w.members[0];
    let dpo = login(&w.app, "dpo").await;
    let report = send(
        &w.app,
        get(&format!("/subjek?nik={}", subject.nik.raw()), Some(&dpo)),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.select("#form-koreksi").len(), 1);
    let body = |reason: &str| {
        body_of(&[
            ("csrf", &dpo.csrf),
            ("orang", &subject.id.to_string()),
            ("nik", &subject.nik.raw()),
            ("pemohon", &subject.full_name),
            ("koreksi", reason),
        ])
    };
    let cookie = format!("siks_sesi={}", dpo.cookie);
    let short = send(
        &w.app,
        post_form("/subjek/koreksi", &cookie, &body("salah")),
    )
    .await;
    assert_eq!(short.status, StatusCode::SEE_OTHER);
    let page = send(&w.app, get(short.location.as_deref().unwrap(), Some(&dpo))).await;
    assert!(page.select("#koreksi-salah").join("").contains("10 huruf"));
    let filed = send(
        &w.app,
        post_form(
            "/subjek/koreksi",
            &cookie,
            &body("Pekerjaan tertulis petani, sebenarnya buruh harian lepas"),
        ),
    )
    .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER);
    let page = send(&w.app, get(filed.location.as_deref().unwrap(), Some(&dpo))).await;
    let code = page.select("#kode-koreksi").join("");
    assert_eq!(code.len(), 10, "{}", page.body);
    // In the village's queue, leading to the member's correction form.
    let operator = login(&w.app, "desa.a").await;
    let queue = send(&w.app, get("/permintaan", Some(&operator))).await;
    let row = queue.select("#daftar-permintaan tr.permintaan").join(" ");
    assert!(row.contains("koreksi subjek data"), "{row}");
    let link = queue
        .html()
        .select(&Selector::parse("#daftar-permintaan tr.permintaan a").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let request = send(&w.app, get(&link, Some(&operator))).await;
    let propose = request
        .html()
        .select(&Selector::parse("#buat-usulan").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(
        propose.starts_with(&format!("/anggota/{}/ubah?permintaan=", subject.id)),
        "{propose}"
    );
    let form = send(&w.app, get(&propose, Some(&operator))).await;
    assert_eq!(form.status, StatusCode::OK);
    let shown = form_as_shown(&form, "#form-data", &operator);
    assert!(
        shown
            .iter()
            .any(|(n, v)| n == "alasan" && v.contains(&code)),
        "the correction's reason carried in"
    );
    // Another person's correction is not filed through a village operator.
    let refused = send(
        &w.app,
        post_form(
            "/subjek/koreksi",
            &format!("siks_sesi={}", operator.cookie),
            &body_of(&[
                ("csrf", &operator.csrf),
                ("orang", &subject.id.to_string()),
                ("pemohon", "x"),
                ("koreksi", "Pekerjaan tertulis petani"),
            ]),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn no_public_door_gives_away_personal_data_or_unescaped_markup() {
    let w = world().await;
    let head = &w.members[0];
    let payloads = [
        head.full_name.clone(),
        head.nik.raw(),
        head.no_kk.raw(),
        "<img src=x onerror=alert(1)>".to_string(),
        "\"><script>alert(1)</script>".to_string(),
        "' OR 1=1 --".to_string(),
        "%00%ff".to_string(),
        "a".repeat(5_000),
    ];
    for payload in &payloads {
        let p = encode(payload);
        for path in [
            format!("/cek?prov=35&kab=35.23&kec=35.23.01&desa={VILLAGE_A}&nama={p}"),
            format!("/cek?prov={p}&kab={p}&kec={p}&desa={p}&nama={p}"),
            format!("/api/v1/public/check?desa={VILLAGE_A}&nama={p}"),
            format!("/cek/usul?desa={p}"),
            format!("/cek/usul?desa={VILLAGE_A}&nama={p}&alasan={p}"),
            format!("/cek/sanggah?desa={VILLAGE_A}&rt={p}&nama={p}"),
            format!("/cek/tanda-terima?kode={p}"),
            format!("/cek/tanda-terima/{p}"),
        ] {
            let reply = send(&w.app, get(&path, None)).await;
            assert!(
                reply.status.is_success() || reply.status.is_client_error(),
                "{path}: {} {}",
                reply.status,
                String::from_utf8_lossy(&captured_logs().lock().unwrap())
                    .lines()
                    .rev()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            // A page may echo what the visitor typed; nothing else of the register.
            for (kind, secret) in secrets(&w) {
                if payload != &secret {
                    assert!(!reply.body.contains(&secret), "{path} holds a {kind}");
                }
            }
            assert!(
                !reply.body.contains("<img src=x") && !reply.body.contains("<script>alert"),
                "{path}: markup unescaped"
            );
        }
        let reply = send(
            &w.app,
            post_form(
                "/cek/usul",
                "",
                &body_of(&[
                    ("desa", VILLAGE_A),
                    ("pengirim", payload),
                    ("nama", payload),
                    ("nik", payload),
                    ("no_kk", payload),
                    ("alamat", payload),
                    ("alasan", payload),
                    ("tantangan", payload),
                    ("jawaban", payload),
                ]),
            ),
        )
        .await;
        assert!(reply.status.is_client_error(), "{}", reply.status);
        assert!(
            !reply.body.contains("<img src=x") && !reply.body.contains("<script>alert"),
            "the usul form echoes markup unescaped"
        );
        for (kind, secret) in secrets(&w) {
            // The form echoes what the visitor typed; nothing else of the register.
            if payload != &secret {
                assert!(
                    !reply.body.contains(&secret),
                    "the usul form holds a {kind}"
                );
            }
        }
    }
}
