//! Programmes, their rules and dry runs, and the report pages.

use crate::support::*;

#[tokio::test]
async fn the_programmes_page_shows_rules_lists_and_downloads() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let page = send(&w.app, get("/program", Some(&desa))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.select(".program").len(),
        8,
        "PKH, Sembako, PBI-JK, BST, KUBE, PKSA, KAT, ATENSI"
    );
    assert!(page.select("#program-PKH .aturan")[0].contains("desil"));
    assert_eq!(page.select("#program-PKH .komponen tr").len(), 8);
    // The grouped and per-child programmes say whom they count and how groups form.
    let kube = page.select("#program-KUBE p").join(" ");
    assert!(
        kube.contains("Per kelompok keluarga")
            && kube.contains("setahun per keluarga")
            && kube.contains("age ≥ 18"),
        "{kube}"
    );
    assert_eq!(
        page.select("#program-KUBE .kelompok"),
        ["10 keluarga satu desa per kelompok; kelompok terakhir paling sedikit 5"]
    );
    assert!(
        page.select("#program-PKSA p")
            .join(" ")
            .contains("Per anak")
    );
    assert!(
        page.select("#program-KAT p")
            .join(" ")
            .contains("setahun per rumah tangga")
    );
    assert!(page.select("#program-ATENSI .aturan-anggota")[0].contains("ppks > 0"));
    // The world's one household, ranked desil 1, is on every list of December.
    let (admin, today) = w.rank().await;
    w.build_december_lists(&admin, today).await;
    // The household's page says which lists hold it.
    let home = send(
        &w.app,
        get(&format!("/rumah-tangga/{}", w.household.id), Some(&desa)),
    )
    .await;
    let line = home.select("#penerima");
    assert!(
        line[0].starts_with("Penerima program menurut daftar Desember 2026:")
            && line[0].contains("SEMBAKO (Rp"),
        "{line:?}"
    );
    let listed = send(&w.app, get("/program?periode=2026-12", Some(&desa))).await;
    let sembako = listed.select("#program-SEMBAKO .daftar");
    assert!(
        sembako[0].starts_with("Periode Desember 2026: 1 penerima"),
        "{sembako:?}"
    );
    let csv = send(
        &w.app,
        get("/ekspor/penerima/sembako.csv?periode=2026-12", Some(&desa)),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains(&w.household.id.to_string()),
        "{}",
        csv.body
    );
    // Another village sees none of it.
    let desa_b = login(&w.app, "desa.b").await;
    let other = send(&w.app, get("/program?periode=2026-12", Some(&desa_b))).await;
    assert!(other.select("#program-SEMBAKO .daftar")[0].starts_with("Belum ada daftar"));
    let bad = send(&w.app, get("/program?periode=Desember", Some(&desa))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same through the API.
    let defined = send(&w.app, get("/api/v1/programmes", Some(&desa)))
        .await
        .json();
    assert_eq!(defined["programmes"].as_array().unwrap().len(), 8);
    assert_eq!(defined["programmes"][5]["code"], "PKH");
    assert_eq!(defined["programmes"][5]["unit"], "family");
    assert_eq!(defined["programmes"][3]["code"], "KUBE");
    assert_eq!(defined["programmes"][3]["unit"], "group");
    assert_eq!(defined["programmes"][3]["group_size"], 10);
    assert_eq!(defined["programmes"][3]["member"], "age >= 18 && age <= 60");
    assert_eq!(defined["programmes"][6]["unit"], "child");
    assert_eq!(defined["programmes"][2]["unit"], "community");
    let list = send(
        &w.app,
        get(
            "/api/v1/programmes/sembako/beneficiaries?period=2026-12",
            Some(&desa),
        ),
    )
    .await
    .json();
    assert_eq!(list["beneficiaries"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        list["beneficiaries"][0]["household_id"],
        w.household.id.to_string()
    );
    let elsewhere = send(
        &w.app,
        get(
            "/api/v1/programmes/sembako/beneficiaries?period=2026-12",
            Some(&desa_b),
        ),
    )
    .await
    .json();
    assert!(elsewhere["beneficiaries"].as_array().unwrap().is_empty());
    let bad = send(
        &w.app,
        get(
            "/api/v1/programmes/pkh/beneficiaries?period=13",
            Some(&desa),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_ministry_builds_a_periods_lists_from_the_page_and_nobody_else_is_offered_it() {
    let w = world().await;
    let (_, _) = w.rank().await;
    let pusat = login(&w.app, "pusat").await;
    let page = send(&w.app, get("/program?periode=2026-12", Some(&pusat))).await;
    assert!(
        page.select("#program-SEMBAKO .daftar")[0].starts_with("Belum ada daftar"),
        "no list before the build"
    );
    let form = form_as_shown(&page, "#bangun", &pusat);
    assert!(page.select("#bangun button")[0].contains("Desember 2026"));
    let cookie = format!("siks_sesi={}", pusat.cookie);
    let built = send(
        &w.app,
        post_form("/program/bangun", &cookie, &form_body(&form)),
    )
    .await;
    assert_eq!(built.status, StatusCode::SEE_OTHER, "{}", built.body);
    let to = built.location.clone().unwrap();
    assert!(to.starts_with("/program?periode=2026-12&pesan="), "{to}");
    let after = send(&w.app, get(&to, Some(&pusat))).await;
    let notice = after.select("#pemberitahuan");
    assert!(
        notice[0].contains("Daftar penerima periode Desember 2026 dibangun")
            && notice[0].contains("SEMBAKO 1 rumah tangga"),
        "{notice:?}"
    );
    assert!(
        after.select("#program-SEMBAKO .daftar")[0]
            .starts_with("Periode Desember 2026: 1 penerima"),
        "{:?}",
        after.select("#program-SEMBAKO .daftar")
    );
    // A village operator is offered no build, and a post of it is refused.
    let desa = login(&w.app, "desa.a").await;
    let village = send(&w.app, get("/program?periode=2026-12", Some(&desa))).await;
    assert!(village.select("#bangun").is_empty());
    let refused = send(
        &w.app,
        post_form(
            "/program/bangun",
            &format!("siks_sesi={}", desa.cookie),
            &format!("csrf={}&periode=2026-12", desa.csrf),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A period that does not read is refused on the page.
    let bad = send(
        &w.app,
        post_form(
            "/program/bangun",
            &cookie,
            &format!("csrf={}&periode=Desember", pusat.csrf),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_rules_page_dry_runs_a_change_per_province_and_keeps_every_version() {
    let w = world().await;
    w.rank().await;
    let pusat = login(&w.app, "pusat").await;
    let cookie = format!("siks_sesi={}", pusat.cookie);
    let page = send(&w.app, get("/program/bst/aturan", Some(&pusat))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.select("#definisi")[0].contains("code = \"BST\""));
    assert_eq!(
        page.select("#riwayat tr").len(),
        2,
        "the header and the shipped version"
    );
    let listed = send(&w.app, get("/program", Some(&pusat))).await;
    assert_eq!(listed.select(".ubah-aturan").len(), 8, "one per programme");
    // Only the ministry edits rules.
    let desa = login(&w.app, "desa.a").await;
    assert_eq!(
        send(&w.app, get("/program/bst/aturan", Some(&desa)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(
        send(&w.app, get("/program", Some(&desa)))
            .await
            .select(".ubah-aturan")
            .is_empty()
    );
    let form = |text: &str, note: &str| {
        form_body(&[
            ("csrf".into(), pusat.csrf.clone()),
            ("definisi".into(), text.into()),
            ("catatan".into(), note.into()),
        ])
    };
    // A dry run of a rule nobody meets: the world's one household (desil 1) would leave.
    let narrower = "code = \"BST\"\nname = \"Bantuan Sosial Tunai\"\nunit = \"household\"\n\
                    eligible = \"desil == 1 && members >= 99\"\namount = 1800000\n";
    let run = send(
        &w.app,
        post_form("/program/bst/uji", &cookie, &form(narrower, "")),
    )
    .await;
    // A job (every household is assessed twice); a small one ends within the post's wait and
    // the answer is its table, the definition tried back in the editor.
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.body);
    let table_at = run.location.clone().unwrap();
    assert!(table_at.starts_with("/program/BST/uji/"), "{table_at}");
    assert!(
        !table_at.contains("pesan="),
        "the page says it from the job: {table_at}"
    );
    let run = send(&w.app, get(&table_at, Some(&pusat))).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    assert!(
        run.select("#pesan")[0].contains("Uji coba aturan BST: 1 rumah tangga dinilai"),
        "{:?}",
        run.select("#pesan")
    );
    let jobs = send(&w.app, get("/tugas", Some(&pusat))).await;
    assert!(
        jobs.body.contains("Uji coba aturan program BST"),
        "the job is listed"
    );
    // The table is its starter's: a job id of another programme's page is not found.
    assert_eq!(
        send(
            &w.app,
            get(&table_at.replace("/BST/", "/PKH/"), Some(&pusat))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let rows = run.select("#uji-coba tr");
    assert_eq!(rows.len(), 3, "header, East Java, total: {rows:?}");
    let cells = run.select("#uji-coba tr:nth-child(2) td");
    assert_eq!(cells, ["35", "Jawa Timur", "1", "0", "0", "1"], "{rows:?}");
    assert!(
        run.select("#definisi")[0].contains("members >= 99"),
        "the text is kept"
    );
    assert_eq!(
        w.service.programme_versions("BST").await.unwrap().len(),
        1,
        "a dry run saves nothing"
    );
    // Bad input: the line and the reason; nothing saved.
    let bad = send(
        &w.app,
        post_form(
            "/program/bst/uji",
            &cookie,
            &form("code = \"BST\"\nname = \"x\"\nunit = \"household\"\namount = 1\neligible = \"yacht\"\n", ""),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.select("#galat")[0].contains("baris 5"),
        "{:?}",
        bad.select("#galat")
    );
    let other = send(
        &w.app,
        post_form("/program/pkh/aturan", &cookie, &form(narrower, "kode lain")),
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other.select("#galat")[0].contains("tidak sama"),
        "{:?}",
        other.select("#galat")
    );
    let no_note = send(
        &w.app,
        post_form("/program/bst/aturan", &cookie, &form(narrower, "")),
    )
    .await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_note.select("#galat")[0].contains("catatan"));
    assert_eq!(w.service.programme_versions("BST").await.unwrap().len(), 1);
    // Saved: version 1 in force, both versions listed.
    let saved = send(
        &w.app,
        post_form(
            "/program/bst/aturan",
            &cookie,
            &form(narrower, "hanya keluarga sangat besar"),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = send(
        &w.app,
        get(saved.location.as_deref().unwrap(), Some(&pusat)),
    )
    .await;
    assert!(after.select("#pesan")[0].contains("Versi 1"));
    let history = after.select("#riwayat tr td:nth-child(4)");
    assert_eq!(
        history,
        ["hanya keluarga sangat besar", "definisi bawaan siks"]
    );
    assert!(after.select("#definisi")[0].contains("members >= 99"));
}

#[tokio::test]
async fn report_pages_draw_each_chart_over_its_table_and_the_public_sees_counts_only() {
    let w = world().await;
    let (admin, today) = w.rank().await;
    w.service
        .check_and_close(
            &admin,
            siks_domain::workflow::Period::parse("2026-11").unwrap(),
            today,
            None,
        )
        .await
        .unwrap();
    w.build_december_lists(&admin, today).await;
    let dinsos = login(&w.app, "dinsos").await;
    let page = send(&w.app, get("/laporan", Some(&dinsos))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for id in [
        "status", "desil", "program", "kualitas", "usulan", "periode",
    ] {
        let section = format!("#laporan-{id}");
        assert_eq!(page.select(&format!("{section} svg")).len(), 1, "{id}");
        assert!(
            !page.select(&format!("{section} table tr")).is_empty(),
            "{id}"
        );
        assert_eq!(
            page.select(&format!("{section} a[href^='/laporan/unduh/{id}.']"))
                .len(),
            2,
            "{id}"
        );
    }
    // The world's one household: active, in the district, desil 1, on December's lists.
    let status = page.select("#laporan-status table tr");
    assert!(status[1].starts_with("35.23.01"), "{status:?}");
    assert_eq!(page.select("#laporan-status tr.total td")[2], "1");
    assert_eq!(page.select("#laporan-desil tr.total td")[2], "1", "desil 1");
    assert!(
        page.body.contains("1: Rumah tangga aktif: 1"),
        "the desil 1 column has its figure"
    );
    let programme_header = page.select("#laporan-program th");
    let sembako = programme_header
        .iter()
        .position(|h| h == "SEMBAKO: rumah tangga")
        .unwrap();
    assert_eq!(page.select("#laporan-program tr.total td")[sembako], "1");
    assert_eq!(page.select("#laporan-periode table tr").len(), 2);
    assert!(page.select("#laporan-periode table tr")[1].starts_with("2026-11"));
    // The same table downloads.
    let csv = send(&w.app, get("/laporan/unduh/desil.csv", Some(&dinsos))).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .trim_start_matches('\u{feff}')
            .starts_with("Kode,Kecamatan,Desil 1"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("35.23.01,"), "{}", csv.body);
    let xlsx = send(&w.app, get("/laporan/unduh/status.xlsx", Some(&dinsos))).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    assert_eq!(
        send(&w.app, get("/laporan/unduh/tidak-ada.csv", Some(&dinsos)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Out of scope looks like not found; bad input gets a message.
    let desa_b = login(&w.app, "desa.b").await;
    let other = send(
        &w.app,
        get(&format!("/laporan?wilayah={VILLAGE_A}"), Some(&desa_b)),
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let own = send(&w.app, get("/laporan", Some(&desa_b))).await;
    assert_eq!(own.select("#laporan-status tr.total td")[2], "0");
    let bad = send(&w.app, get("/laporan?periode=Desember", Some(&dinsos))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("periode"), "{}", bad.body);
    // The public summary: no sign-in, counts only, no workflow, no names.
    let index = send(&w.app, get("/publik", None)).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.select("#provinsi li").len(), 38);
    let public = send(&w.app, get("/publik/35", None)).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.select("#laporan-status svg").len(), 1);
    assert!(public.select("#laporan-kualitas").is_empty());
    assert!(public.select("#laporan-usulan").is_empty());
    assert_eq!(public.select("#laporan-status tr.total td")[2], "1");
    for m in &w.members {
        assert!(!public.body.contains(&m.nik.raw()));
        assert!(!public.body.contains(&m.full_name));
    }
    assert!(!public.body.contains(&w.household.id.to_string()));
    let public_csv = send(&w.app, get("/publik/35/unduh/program.csv", None)).await;
    assert_eq!(public_csv.status, StatusCode::OK);
    assert_eq!(
        send(&w.app, get("/publik/35.23", None)).await.status,
        StatusCode::NOT_FOUND
    );
    // And through the API.
    let api = send(
        &w.app,
        get("/api/v1/reports?region=35.23.01", Some(&dinsos)),
    )
    .await
    .json();
    assert_eq!(api["region"], "35.23.01");
    assert_eq!(api["period"], "2026-12");
    assert_eq!(api["sections"][1]["id"], "desil");
    assert_eq!(api["sections"][1]["total"][2], 1);
    let public_api = send(&w.app, get("/api/v1/public/provinces/35", None))
        .await
        .json();
    assert_eq!(public_api["sections"].as_array().unwrap().len(), 4);
}
