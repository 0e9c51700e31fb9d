//! The PPKS and PSKS registries through the pages (issue 20 items 3–4): a village operator
//! registers a homeless man with no KTP, refused first for a bad NIK (named on the form), sees
//! him counted; the regency changes his service; another village sees nothing of him; the
//! registry downloads as CSV and XLSX; an upload is all or none, only adds, and refuses a row
//! twice or already registered; the regency registers a PKH companion of the district, seen
//! from the village, who is linked to a household she accompanies, and uploads PSKS the same way.

use crate::support::*;

fn body_of(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn post(path: &str, session: &Session, fields: &[(&str, &str)]) -> Request<Body> {
    let mut all = vec![("csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    post_form(
        path,
        &format!("siks_sesi={}", session.cookie),
        &body_of(&all),
    )
}

const PPKS: &[(&str, &str)] = &[
    ("desa", VILLAGE_A),
    ("kategori", "11"),
    ("satuan", "1"),
    ("layanan", "1"),
    ("nama", "Paimin Gelandangan"),
    ("nik", ""),
    ("no_kk", ""),
    ("tanggal_lahir", ""),
    ("jenis_kelamin", "1"),
    ("alamat", "Kolong jembatan Jl. Veteran"),
    ("lembaga", ""),
    ("kebutuhan", "Tempat tinggal, makan, KTP"),
    ("aktif", "1"),
];

#[tokio::test]
async fn the_ppks_and_psks_registries_go_through_the_pages() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let list = send(&w.app, get("/ppks", Some(&desa))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.select("#nav-ppks").len(), 1);
    assert_eq!(list.select("#tidak-ada-ppks").len(), 1);
    let form = send(&w.app, get("/ppks/baru", Some(&desa))).await;
    assert_eq!(form.status, StatusCode::OK);
    // A bad NIK is refused on the form, named, and what was typed is kept.
    let mut bad = PPKS.to_vec();
    bad.retain(|(k, _)| *k != "nik");
    bad.push(("nik", "12345"));
    let refused = send(&w.app, post("/ppks/baru", &desa, &bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.select("#pesan").join("").contains("NIK"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Paimin Gelandangan"),
        "what was typed is kept"
    );
    let saved = send(&w.app, post("/ppks/baru", &desa, PPKS)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let record = saved.location.clone().unwrap();
    let record = record.split('?').next().unwrap().to_string();
    let list = send(&w.app, get("/ppks", Some(&desa))).await;
    assert_eq!(list.select("#daftar-ppks tr.ppks").len(), 1);
    assert!(list.select("#jumlah-ppks").join(" ").contains('1'));
    // Another village sees nothing of him; the regency does and gives him ATENSI.
    let other = login(&w.app, "desa.b").await;
    assert_eq!(
        send(&w.app, get(&record, Some(&other))).await.status,
        StatusCode::NOT_FOUND
    );
    let other_list = send(&w.app, get("/ppks", Some(&other))).await;
    assert!(!other_list.body.contains("Paimin"));
    let dinsos = login(&w.app, "dinsos").await;
    let page = send(&w.app, get(&record, Some(&dinsos))).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = form_as_shown(&page, "#form-ppks", &dinsos);
    let mut changed: Vec<(&str, &str)> = shown
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| *k != "layanan" && *k != "csrf")
        .collect();
    changed.push(("layanan", "2"));
    // A textarea the helper does not read.
    changed.push(("kebutuhan", "Tempat tinggal, makan, KTP"));
    let updated = send(&w.app, post(&record, &dinsos, &changed)).await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    let page = send(&w.app, get(&record, Some(&dinsos))).await;
    assert!(
        page.body
            .contains("selected>Asistensi Rehabilitasi Sosial (ATENSI)"),
        "{}",
        page.body
    );
    // The same form again, with the old version: refused.
    let stale = send(&w.app, post(&record, &dinsos, &changed)).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The download (the village has no second factor to give; the regency gave it at sign-in).
    let csv = send(&w.app, get("/ppks/unduh/ppks.csv", Some(&desa))).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.starts_with("desa,kategori"), "{}", csv.body);
    assert!(csv.body.contains("Paimin Gelandangan"));
    let xlsx = send(&w.app, get("/ppks/unduh/ppks.xlsx", Some(&dinsos))).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX");
    let auditor = login(&w.app, "auditor").await;
    assert_ne!(
        send(&w.app, get("/ppks/unduh/ppks.csv", Some(&auditor)))
            .await
            .status,
        StatusCode::OK,
        "the auditor downloads no personal data"
    );

    // An upload: one bad row refuses the whole file, named by its row and column.
    let template = send(&w.app, get("/ppks/templat.xlsx", Some(&desa))).await;
    assert_eq!(template.status, StatusCode::OK);
    let upload_to = |path: &str, session: &Session, csv: &str| {
        let (content_type, body) = multipart(&[
            ("csrf", session.csrf.as_bytes()),
            ("berkas", csv.as_bytes()),
        ]);
        Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, format!("siks_sesi={}", session.cookie))
            .body(Body::from(body))
            .unwrap()
    };
    let upload = |csv: &str| upload_to("/ppks/unggah", &desa, csv);
    let header_line = "desa,kategori,satuan,layanan,nama,nik,no_kk,tanggal_lahir,jenis_kelamin,alamat,lembaga,kebutuhan,status";
    let good = format!(
        "{VILLAGE_A},8,1,1,Mbah Karto,,,1940-01-01,1,Gubuk di tepi sawah,,Makan dan perawatan,aktif"
    );
    let wrong = format!("{VILLAGE_A},99,1,1,Salah Kategori,,,,1,Di pasar,,Makan,aktif");
    let refused = send(&w.app, upload(&format!("{header_line}\n{good}\n{wrong}\n"))).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let message = refused.select("#pesan").join("");
    assert!(
        message.contains("baris 3") && message.contains("kategori"),
        "{message}"
    );
    let list = send(&w.app, get("/ppks", Some(&desa))).await;
    assert_eq!(list.select("#daftar-ppks tr.ppks").len(), 1, "none written");
    let elsewhere = format!("{VILLAGE_B},8,1,1,Di Desa Lain,,,,1,Gubuk,,Makan,aktif");
    let refused = send(
        &w.app,
        upload(&format!("{header_line}\n{good}\n{elsewhere}\n")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An upload only adds: a row ending a record is refused (it is ended on its page, where
    // its history stays), and so is the same person twice in one file.
    let ended = format!("{VILLAGE_A},8,1,1,Mbah Sarmi,,,,2,Gubuk,,Makan,selesai");
    let refused = send(&w.app, upload(&format!("{header_line}\n{good}\n{ended}\n"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.select("#pesan").join("");
    assert!(
        message.contains("baris 3") && message.contains("status"),
        "{message}"
    );
    let refused = send(&w.app, upload(&format!("{header_line}\n{good}\n{good}\n"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.select("#pesan").join("");
    assert!(
        message.contains("baris 3") && message.contains("sama dengan baris 2"),
        "{message}"
    );
    let taken = send(&w.app, upload(&format!("{header_line}\n{good}\n"))).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    // The same file again: Mbah Karto is registered already.
    let again = send(&w.app, upload(&format!("{header_line}\n{good}\n"))).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = again.select("#pesan").join("");
    assert!(
        message.contains("baris data ke-1") && message.contains("sudah terdaftar"),
        "{message}"
    );
    let list = send(&w.app, get("/ppks?kategori=8", Some(&desa))).await;
    assert_eq!(list.select("#daftar-ppks tr.ppks").len(), 1);
    assert!(list.body.contains("Mbah Karto"));

    // A PKH companion of the district, registered by the regency, seen from the village.
    let companion = [
        ("jenis", "3"),
        ("wilayah", "35.23.01"),
        ("nama", "Sri Rahayu Pendamping"),
        ("nik", "3523014501850002"),
        ("pimpinan", ""),
        ("nomor", "SK 460/123/2026"),
        ("telepon", "0812 1111 2222"),
        ("alamat", "Jl. Kenanga 2"),
        ("mulai", "2026-01-01"),
        ("sampai", "2026-12-31"),
        ("aktif", "1"),
    ];
    let refused = send(&w.app, post("/psks/baru", &desa, &companion)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the village cannot register the district's worker"
    );
    let mut no_nik = companion.to_vec();
    no_nik.retain(|(k, _)| *k != "nik");
    no_nik.push(("nik", ""));
    let refused = send(&w.app, post("/psks/baru", &dinsos, &no_nik)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.select("#pesan").join("").contains("NIK"));
    let saved = send(&w.app, post("/psks/baru", &dinsos, &companion)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let worker = saved.location.clone().unwrap();
    let worker = worker.split('?').next().unwrap().to_string();
    let list = send(&w.app, get("/psks", Some(&desa))).await;
    assert_eq!(list.select("#daftar-psks tr.psks").len(), 1);
    // The village links a household she accompanies, by its page's link.
    let linked = send(
        &w.app,
        post(
            &format!("{worker}/dampingan"),
            &desa,
            &[(
                "rumah_tangga",
                &format!("http://siks/rumah-tangga/{}", w.household.id),
            )],
        ),
    )
    .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    let page = send(&w.app, get(&worker, Some(&desa))).await;
    assert_eq!(page.select("#dampingan li").len(), 1);
    let csv = send(&w.app, get("/psks/unduh/psks.csv", Some(&dinsos))).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Sri Rahayu Pendamping"));

    // The PSKS upload: its template, all or none, the row and column named; the village
    // cannot upload the district's workers; the regency can.
    let template = send(&w.app, get("/psks/templat.xlsx", Some(&dinsos))).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.bytes.starts_with(b"PK"), "an XLSX");
    let header_line = "wilayah,jenis,nama,nik,nomor,telepon,alamat,pimpinan,mulai,sampai,status";
    let tksk = "35.23.01,1,Bambang TKSK,3523011203800001,TKSK/35.23.01/1,,Jl. Pahlawan 1,,2026-01-01,2028-12-31,aktif";
    let karang = "35.23.01.2001,7,Karang Taruna Tunas Muda,,KT/12/2025,,Balai desa,Andi Saputra,2025-06-01,,aktif";
    let bad_date =
        "35.23.01.2001,7,Karang Taruna Lain,,KT/13/2025,,Balai desa,Budi,1 Juni 2025,,aktif";
    let psks_upload = |session: &Session, csv: String| upload_to("/psks/unggah", session, &csv);
    let refused = send(
        &w.app,
        psks_upload(&dinsos, format!("{header_line}\n{tksk}\n{bad_date}\n")),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let message = refused.select("#pesan").join("");
    assert!(
        message.contains("baris 3") && message.contains("mulai"),
        "{message}"
    );
    let refused = send(
        &w.app,
        psks_upload(&desa, format!("{header_line}\n{karang}\n{tksk}\n")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.select("#pesan").join("");
    assert!(
        message.contains("baris data ke-2") && message.contains("di luar wilayah kerja"),
        "{message}"
    );
    assert_eq!(
        send(&w.app, get("/psks", Some(&desa)))
            .await
            .select("#daftar-psks tr.psks")
            .len(),
        1,
        "none written"
    );
    let taken = send(
        &w.app,
        psks_upload(&dinsos, format!("{header_line}\n{tksk}\n{karang}\n")),
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let again = send(
        &w.app,
        psks_upload(&dinsos, format!("{header_line}\n{karang}\n")),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.select("#pesan").join("").contains("sudah terdaftar"),
        "uploaded twice: {}",
        again.body
    );
    let list = send(&w.app, get("/psks", Some(&desa))).await;
    assert_eq!(list.select("#daftar-psks tr.psks").len(), 3);
    assert!(list.body.contains("Karang Taruna Tunas Muda"));
    assert!(
        send(&w.app, get("/psks", Some(&other)))
            .await
            .select("#daftar-psks tr.psks")
            .len()
            == 2,
        "the other village sees the district's workers, not village A's Karang Taruna"
    );
    // The API: the same records, the numbers masked, the same checks.
    let created = send(
        &w.app,
        post_json(
            "/api/v1/ppks",
            &desa,
            true,
            serde_json::json!({
                "village": VILLAGE_A, "category": 9, "unit": 1, "service": 1,
                "name": "Tuminah Disabilitas", "nik": "3523014501850002",
                "address": "Dusun Krajan", "need": "Kursi roda"
            })
            .to_string(),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let answer: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(answer["name"], "Tuminah Disabilitas");
    assert_ne!(answer["nik"], "3523014501850002", "masked");
    let refused = send(
        &w.app,
        post_json(
            "/api/v1/ppks",
            &desa,
            true,
            serde_json::json!({
                "village": VILLAGE_A, "category": 40, "unit": 1, "service": 1,
                "name": "X", "address": "Y", "need": "Z"
            })
            .to_string(),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("category"), "{}", refused.body);
    // Whole on the form of whom may change it; masked to the auditor, who may not.
    let record = format!("/ppks/{}", answer["id"].as_str().unwrap());
    let own = send(&w.app, get(&record, Some(&desa))).await;
    assert!(own.body.contains("3523014501850002"));
    let audited = send(&w.app, get(&record, Some(&auditor))).await;
    assert_eq!(audited.status, StatusCode::OK);
    assert!(
        !audited.body.contains("3523014501850002"),
        "masked to the auditor"
    );
    assert!(audited.select("#simpan").is_empty(), "nothing to save");
    let listed = send(&w.app, get("/api/v1/ppks?code=9", Some(&desa))).await;
    let listed: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let elsewhere = send(&w.app, get("/api/v1/ppks", Some(&other))).await;
    assert_eq!(elsewhere.body, "[]");
    let workers = send(&w.app, get("/api/v1/psks", Some(&desa))).await;
    let workers: serde_json::Value = serde_json::from_str(&workers.body).unwrap();
    assert!(!workers.to_string().contains("3523014501850002"), "masked");
    let one = send(
        &w.app,
        get(
            &format!("/api/v1/psks/{}", workers[0]["id"].as_str().unwrap()),
            Some(&desa),
        ),
    )
    .await;
    let one: serde_json::Value = serde_json::from_str(&one.body).unwrap();
    assert_eq!(one["households"][0], w.household.id.to_string());

    // The district's other village sees her (she works there too), not the household of
    // village A she accompanies.
    let seen = send(&w.app, get(&worker, Some(&other))).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.select("#dampingan li").is_empty());

    // A registered member recorded as PPKS from her page: the form is filled in from the
    // register and the record keeps the link, through a later change too.
    let member = &w.members[0];
    let page = send(&w.app, get(&format!("/anggota/{}", member.id), Some(&desa))).await;
    let link = page
        .html()
        .select(&Selector::parse("#catat-ppks").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let form = send(&w.app, get(&link, Some(&desa))).await;
    assert_eq!(form.status, StatusCode::OK, "{link}");
    let shown = form_as_shown(&form, "#form-ppks", &desa);
    let value = |name: &str| {
        shown
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(value("nama"), member.full_name);
    // The numbers stay behind the register's audited reveal: the link names the person.
    assert_eq!(value("nik"), "");
    assert!(!form.body.contains(&member.nik.raw()));
    assert_eq!(value("anggota"), member.id.to_string());
    assert_eq!(form.select("#anggota-terdaftar").len(), 1);
    let mut fields = shown.clone();
    set_field(&mut fields, "kategori", "9");
    set_field(&mut fields, "kebutuhan", "Alat bantu dengar");
    let saved = send(
        &w.app,
        post_form(
            "/ppks/baru",
            &format!("siks_sesi={}", desa.cookie),
            &form_body(&fields),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let record = saved.location.unwrap();
    let record = record.split('?').next().unwrap().to_string();
    let opened = send(&w.app, get(&record, Some(&desa))).await;
    assert_eq!(
        opened.select("#anggota-terdaftar").len(),
        1,
        "{}",
        opened.body
    );
    let mut fields = form_as_shown(&opened, "#form-ppks", &desa);
    set_field(&mut fields, "layanan", "2");
    set_field(&mut fields, "kebutuhan", "Alat bantu dengar");
    let changed = send(
        &w.app,
        post_form(
            &record,
            &format!("siks_sesi={}", desa.cookie),
            &form_body(&fields),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let reopened = send(&w.app, get(&record, Some(&desa))).await;
    assert_eq!(
        reopened.select("#anggota-terdaftar").len(),
        1,
        "a change keeps the link"
    );
    // A member of another village cannot be named.
    let refused = send(
        &w.app,
        get(&format!("/ppks/baru?anggota={}", member.id), Some(&other)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}
