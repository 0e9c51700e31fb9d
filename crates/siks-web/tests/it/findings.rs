//! Outside lists, data quality and the findings page.

use crate::support::*;

#[tokio::test]
async fn outside_lists_page_imports_and_the_quality_page_counts() {
    let w = world().await;
    let pusat = login(&w.app, "pusat").await;
    let dinsos = login(&w.app, "dinsos").await;
    let desa = login(&w.app, "desa.a").await;
    let upload = |session: &Session, fields: &[(&str, &[u8])]| {
        let (content_type, body) = multipart(fields);
        Request::builder()
            .method("POST")
            .uri("/daftar")
            .header("content-type", content_type)
            .header("cookie", format!("siks_sesi={}", session.cookie))
            .body(Body::from(body))
            .unwrap()
    };
    // The lists are the pusat role's.
    assert_eq!(
        send(&w.app, get("/daftar", Some(&dinsos))).await.status,
        StatusCode::FORBIDDEN
    );
    let page = send(&w.app, get("/daftar", Some(&pusat))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("#impor").len(), 1);
    assert_eq!(page.select("#kosong").len(), 1);
    assert!(
        page.select("header nav a")
            .iter()
            .any(|a| a == "Daftar luar")
    );

    // A file without a required column comes back with the reason; nothing is kept.
    let refused = send(
        &w.app,
        upload(
            &pusat,
            &[
                ("csrf", pusat.csrf.as_bytes()),
                ("jenis", b"kematian"),
                ("sumber", b"Dukcapil"),
                ("berkas", b"nik,nama\n3523011203850001,Budi\n"),
            ],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reasons = refused.select("#galat li");
    assert!(
        reasons[0].contains("kolom wajib 'birth_date'"),
        "{reasons:?}"
    );
    assert_eq!(refused.select("#kosong").len(), 1, "nothing kept");

    // A death register naming the village's first member by NIK.
    let dead = &w.members[0];
    let list = format!(
        "nik,full_name,sex,birth_date,date_of_death\n{},{},{},{},2026-10-02\n",
        dead.nik.raw(),
        dead.full_name,
        dead.sex.code(),
        dead.birth_date
    );
    let done = send(
        &w.app,
        upload(
            &pusat,
            &[
                ("csrf", pusat.csrf.as_bytes()),
                ("jenis", b"kematian"),
                ("sumber", b"Dukcapil"),
                ("berkas", list.as_bytes()),
            ],
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = send(&w.app, get(done.location.as_deref().unwrap(), Some(&pusat))).await;
    assert!(
        shown.select("#pemberitahuan")[0].contains("1 baris"),
        "{:?}",
        shown.select("#pemberitahuan")
    );
    // The matching ran as a job (kept, with its outcome), and a short one comes back here.
    assert!(
        shown.select("#pemberitahuan")[0].contains("rumah tangga diperiksa"),
        "{:?}",
        shown.select("#pemberitahuan")
    );
    let jobs = send(&w.app, get("/api/v1/jobs", Some(&pusat))).await.json();
    let jobs = jobs["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "one check run kept: {jobs:?}");
    assert_eq!(jobs[0]["kind"], "check-run");
    assert_eq!(jobs[0]["state"], "done");
    let row = shown.select("#daftar tr.daftar td");
    assert!(row.contains(&"Daftar kematian".to_string()), "{row:?}");
    assert!(row.contains(&"kematian-2026-10.csv".to_string()), "{row:?}");

    // The village sees the finding with its evidence and the removal it calls for.
    let findings = send(&w.app, get("/temuan?jenis=14", Some(&desa))).await;
    let cells = findings.select("tr.temuan td");
    assert!(cells.iter().any(|t| t.contains("cocok NIK")), "{cells:?}");
    assert!(
        !cells.iter().any(|t| t.contains(&dead.nik.raw())),
        "no NIK shown"
    );
    // Each row names the person, with the NIK masked, and the page says how many there are.
    let who = findings.select("tr.temuan td.orang");
    let raw = dead.nik.raw();
    assert!(
        who[0].contains(&dead.full_name)
            && who[0].contains(&format!("{}**********{}", &raw[..4], &raw[14..])),
        "{who:?}"
    );
    assert_eq!(findings.select("#jumlah-temuan"), vec!["Temuan 1–1 dari 1"]);
    assert_eq!(
        findings.select("tr.temuan form[action$='/usulan'] button"),
        vec!["Buat usulan penghapusan".to_string()]
    );

    // The quality page counts them as not valid, region by region.
    let quality = send(&w.app, get("/kualitas", Some(&dinsos))).await;
    assert_eq!(quality.status, StatusCode::OK);
    let not_valid: u64 = quality.select("#kualitas tr.total td.tidak-sah")[0]
        .parse()
        .unwrap();
    assert!(not_valid >= 1);
    assert!(
        quality
            .select("#kualitas th a")
            .iter()
            .any(|k| k.starts_with("Sudah meninggal")),
        "{:?}",
        quality.select("#kualitas th")
    );
    assert_eq!(
        quality.select("#kualitas tr.wilayah").len(),
        1,
        "one district"
    );
    let outside = send(&w.app, get("/kualitas?wilayah=35.24", Some(&dinsos))).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);

    // The same through the API.
    let api = send(&w.app, get("/api/v1/findings?kind=14", Some(&desa)))
        .await
        .json();
    assert_eq!(api["findings"].as_array().unwrap().len(), 1, "{api}");
    assert_eq!(api["findings"][0]["person_id"], dead.id.to_string());
    assert_eq!(api["findings"][0]["removal_reason"], 1);
    let api = send(&w.app, get("/api/v1/quality?region=35.23", Some(&dinsos)))
        .await
        .json();
    assert_eq!(api["total"]["persons"]["not_valid"], not_valid, "{api}");
    let bad = send(&w.app, get("/api/v1/findings?status=lain", Some(&desa))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn findings_page_runs_checks_and_dismisses() {
    let w = world().await;
    let system = w.service.system_actor().await.unwrap();
    let mut odd = w.household.clone();
    odd.id = siks_domain::HouseholdId::new();
    let mut member = w.members[0].clone();
    member.id = siks_domain::PersonId::new();
    member.household_id = odd.id;
    member.full_name = "Budi 2".into();
    member.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850555").unwrap());
    member.sex = siks_domain::codes::Sex::Male;
    member.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    member.relation_to_head = siks_domain::codes::Relation::Head;
    w.service
        .load_household(&system, &odd, &[member], "uji")
        .await
        .unwrap();
    let desa = login(&w.app, "desa.a").await;
    let dinsos = login(&w.app, "dinsos").await;
    let cookie = |s: &Session| format!("siks_sesi={}", s.cookie);
    // Village operators see findings but do not start a run.
    let page = send(&w.app, get("/temuan", Some(&desa))).await;
    assert!(page.select("#periksa").is_empty());
    let refused = send(
        &w.app,
        post_form(
            "/temuan/periksa",
            &cookie(&desa),
            &format!("csrf={}", encode(&desa.csrf)),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let ran = send(
        &w.app,
        post_form(
            "/temuan/periksa",
            &cookie(&dinsos),
            &format!("csrf={}&wilayah=35.23", encode(&dinsos.csrf)),
        ),
    )
    .await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    let shown = send(&w.app, get(ran.location.as_deref().unwrap(), Some(&dinsos))).await;
    assert!(shown.select("#pemberitahuan")[0].contains("temuan baru"));
    assert!(
        shown
            .select("#jenis td a")
            .iter()
            .any(|k| k == "Nama tidak wajar"),
        "{:?}",
        shown.select("#jenis td")
    );
    // The village dismisses the odd name with a reason; without one it is refused.
    let page = send(&w.app, get("/temuan?jenis=6", Some(&desa))).await;
    let action = page
        .html()
        .select(&Selector::parse("tr.temuan form[action$='/tolak']").unwrap())
        .next()
        .expect("a dismiss form")
        .value()
        .attr("action")
        .unwrap()
        .to_string();
    let bare = send(
        &w.app,
        post_form(
            &action,
            &cookie(&desa),
            &format!("csrf={}&alasan=", encode(&desa.csrf)),
        ),
    )
    .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare.body.contains("alasan"), "{}", bare.body);
    let propose = action.replace("/tolak", "/usulan");
    let not_removable = send(
        &w.app,
        post_form(
            &propose,
            &cookie(&desa),
            &format!("csrf={}", encode(&desa.csrf)),
        ),
    )
    .await;
    assert_eq!(not_removable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = send(
        &w.app,
        post_form(
            &action,
            &cookie(&desa),
            &format!(
                "csrf={}&alasan={}&kembali={}",
                encode(&desa.csrf),
                encode("nama sudah benar menurut KK"),
                encode("/temuan?status=open&jenis=6")
            ),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // Back to the page as it was filtered, with the outcome (signed by the server).
    let back = done.location.clone().unwrap();
    assert!(
        back.starts_with("/temuan?status=open&jenis=6&pesan=Temuan%20diabaikan&tanda="),
        "{back}"
    );
    let shown = send(&w.app, get(&back, Some(&desa))).await;
    assert_eq!(shown.select("#pemberitahuan"), ["Temuan diabaikan"]);
    // A notice nobody signed, or another sentence under the signature, is not shown: a link
    // cannot put its own words on the register's pages.
    let signature = back.split("tanda=").nth(1).unwrap();
    for forged in [
        "/temuan?pesan=Akun%20Anda%20diblokir%2C%20hubungi%200812".to_string(),
        format!("/temuan?pesan=Akun%20Anda%20diblokir&tanda={signature}"),
    ] {
        let page = send(&w.app, get(&forged, Some(&desa))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.select("#pemberitahuan").is_empty(), "{forged}");
        assert!(
            !page.select("main").concat().contains("diblokir"),
            "{forged}: no text of the link on the page"
        );
    }
    let dismissed = send(&w.app, get("/temuan?status=dismissed", Some(&desa))).await;
    assert!(
        dismissed
            .select("tr.temuan td")
            .iter()
            .any(|t| t.contains("nama sudah benar menurut KK"))
    );
}

/// A list whose matching is not done in time: the user lands on the job's page, which says the
/// list was kept (the notice is not lost with the redirect).
#[tokio::test]
async fn a_list_whose_matching_takes_long_shows_the_job_and_the_list_kept() {
    let w = world().await;
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            job_wait: Some(std::time::Duration::ZERO),
            ..Default::default()
        },
    ));
    let pusat = login(&app, "pusat").await;
    let (content_type, body) = multipart(&[
        ("csrf", pusat.csrf.as_bytes()),
        ("jenis", b"kematian"),
        ("sumber", b"Dukcapil"),
        (
            "berkas",
            b"nik,full_name,sex,birth_date,date_of_death\n3523011203850001,Budi,1,1985-03-12,2026-10-02\n",
        ),
    ]);
    let request = Request::builder()
        .method("POST")
        .uri("/daftar")
        .header("content-type", content_type)
        .header("cookie", format!("siks_sesi={}", pusat.cookie))
        .body(Body::from(body))
        .unwrap();
    let sent = send(&app, request).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let to = sent.location.unwrap();
    assert!(to.starts_with("/tugas/"), "{to}");
    let page = send(&app, get(&to, Some(&pusat))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.select("#sebelumnya")[0].contains("Daftar kematian dari Dukcapil diimpor (1 baris)"),
        "{:?}",
        page.select("#sebelumnya")
    );
}
