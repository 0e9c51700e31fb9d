//! Long work as jobs with their own page.

use crate::support::*;

/// A check run as a job: with no wait the post answers at once with the job's page, which
/// reloads while the job runs and shows what it came to; the job is its starter's alone; the API
/// starts and reads jobs too; a refused start keeps nothing; a done job does not run again.
#[tokio::test]
async fn long_work_runs_as_a_job_with_its_own_page() {
    let w = world().await;
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            job_wait: Some(std::time::Duration::ZERO),
            ..Default::default()
        },
    ));
    let dinsos = login(&app, "dinsos").await;
    let started = send(
        &app,
        post_form(
            "/temuan/periksa",
            &format!("siks_sesi={}", dinsos.cookie),
            &format!("csrf={}&wilayah=35.23", encode(&dinsos.csrf)),
        ),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let job_path = started.location.clone().unwrap();
    assert!(job_path.starts_with("/tugas/"), "{job_path}");
    let state_of = |page: &Reply| {
        page.html()
            .select(&Selector::parse("#keadaan").unwrap())
            .next()
            .and_then(|e| e.value().attr("data-keadaan").map(str::to_string))
            .unwrap_or_default()
    };
    let mut page = send(&app, get(&job_path, Some(&dinsos))).await;
    for _ in 0..600 {
        if state_of(&page) == "done" {
            break;
        }
        assert!(
            ["queued", "running"].contains(&state_of(&page).as_str()),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "a running job's page reloads itself"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = send(&app, get(&job_path, Some(&dinsos))).await;
    }
    assert_eq!(state_of(&page), "done", "{}", page.body);
    assert_eq!(
        page.select("#judul"),
        vec!["Pemeriksaan verivali Kabupaten Tuban (35.23)"]
    );
    assert!(
        page.select("#pemberitahuan")[0].contains("rumah tangga diperiksa"),
        "{}",
        page.body
    );
    assert!(
        page.select("#ulang button").is_empty(),
        "a done job does not run again"
    );
    assert!(!page.body.contains("http-equiv=\"refresh\""));
    // The job is its starter's: anyone else finds nothing there.
    let other = login(&app, "verifikator").await;
    assert_eq!(
        send(&app, get(&job_path, Some(&other))).await.status,
        StatusCode::NOT_FOUND
    );
    let list = send(&app, get("/tugas", Some(&dinsos))).await;
    assert_eq!(list.select("tr.tugas").len(), 1);
    assert!(
        send(&app, get("/tugas", Some(&other)))
            .await
            .select("tr.tugas")
            .is_empty()
    );

    // The API: start at once (202), read, refuse what does not fit, keep nothing refused.
    let job_id = job_path.trim_start_matches("/tugas/").to_string();
    let read = send(&app, get(&format!("/api/v1/jobs/{job_id}"), Some(&dinsos))).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["state"], "done");
    assert_eq!(read.json()["kind"], "check-run");
    let again = send(
        &app,
        post_json(
            &format!("/api/v1/jobs/{job_id}/retry"),
            &dinsos,
            true,
            String::new(),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let unknown = send(
        &app,
        post_json(
            "/api/v1/jobs",
            &dinsos,
            true,
            serde_json::json!({ "kind": "hapus-semua" }).to_string(),
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.json()["error"]["fields"]["kind"].is_string());
    let desa = login(&app, "desa.a").await;
    let refused = send(
        &app,
        post_json(
            "/api/v1/jobs",
            &desa,
            true,
            serde_json::json!({ "kind": "period-close", "period": "2026-11" }).to_string(),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let outside = send(
        &app,
        post_json(
            "/api/v1/jobs",
            &dinsos,
            true,
            serde_json::json!({ "kind": "check-run", "region": "35.24" }).to_string(),
        ),
    )
    .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND, "{}", outside.body);
    let mine = send(&app, get("/api/v1/jobs", Some(&desa))).await;
    assert_eq!(
        mine.json()["jobs"],
        serde_json::json!([]),
        "a refused start keeps nothing"
    );
    let accepted = send(
        &app,
        post_json(
            "/api/v1/jobs",
            &dinsos,
            true,
            serde_json::json!({ "kind": "check-run" }).to_string(),
        ),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    // Without a region the job is kept with the starter's own, so it covers the same ground
    // whenever it runs.
    assert_eq!(
        accepted.json()["label"],
        "Pemeriksaan verivali Kabupaten Tuban (35.23)"
    );
    let listed = send(&app, get("/api/v1/jobs", Some(&dinsos))).await;
    assert_eq!(listed.json()["jobs"].as_array().unwrap().len(), 2);
    // It runs to its end (and the test waits for it, rather than leave it running).
    assert_eq!(
        state_when_ended(&app, &dinsos, accepted.json()["id"].as_str().unwrap()).await,
        "done"
    );
}

/// A rules dry run that outlasts the post's wait: the post answers with the job's page, which
/// leads, once done, to the rules page with the table and the definition tried; the API starts
/// one too, and refuses one whose definition does not read, keeping nothing.
#[tokio::test]
async fn a_rules_dry_run_is_a_job_whose_page_leads_to_its_table() {
    let w = world().await;
    w.rank().await;
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            job_wait: Some(std::time::Duration::ZERO),
            ..Default::default()
        },
    ));
    let pusat = login(&app, "pusat").await;
    let definition = "code = \"BST\"\nname = \"Bantuan Sosial Tunai\"\nunit = \"household\"\n\
                      eligible = \"desil <= 10\"\namount = 1800000\n";
    let started = send(
        &app,
        post_form(
            "/program/BST/uji",
            &format!("siks_sesi={}", pusat.cookie),
            &form_body(&[
                ("csrf".into(), pusat.csrf.clone()),
                ("definisi".into(), definition.into()),
                ("catatan".into(), String::new()),
            ]),
        ),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let job_path = started.location.clone().unwrap();
    assert!(job_path.starts_with("/tugas/"), "{job_path}");
    let mut page = send(&app, get(&job_path, Some(&pusat))).await;
    for _ in 0..600 {
        if !page.select("#lanjut").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = send(&app, get(&job_path, Some(&pusat))).await;
    }
    assert_eq!(page.select("#judul"), ["Uji coba aturan program BST"]);
    let link = page
        .html()
        .select(&Selector::parse("#lanjut").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a done job links to its table");
    let id = job_path.trim_start_matches("/tugas/");
    assert_eq!(link, format!("/program/BST/uji/{id}"));
    let table = send(&app, get(&link, Some(&pusat))).await;
    assert_eq!(table.status, StatusCode::OK, "{}", table.body);
    assert!(table.select("#definisi")[0].contains("desil <= 10"));
    assert_eq!(
        table.select("#uji-coba tr").len(),
        3,
        "header, the province, the total"
    );

    let api = |body: serde_json::Value| {
        send(
            &app,
            post_json("/api/v1/jobs", &pusat, true, body.to_string()),
        )
    };
    let accepted = api(serde_json::json!({
        "kind": "rule-dry-run", "programme": "BST", "definition": definition
    }))
    .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    assert_eq!(accepted.json()["kind"], "rule-dry-run");
    let unreadable = api(serde_json::json!({
        "kind": "rule-dry-run", "programme": "BST", "definition": "code = \"BST\"\nunit = 7\n"
    }))
    .await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = api(serde_json::json!({ "kind": "rule-dry-run", "programme": "BST" })).await;
    assert!(missing.json()["error"]["fields"]["definition"].is_string());
    // Let the accepted one end rather than leave it running.
    assert_eq!(
        state_when_ended(&app, &pusat, accepted.json()["id"].as_str().unwrap()).await,
        "done"
    );
    let listed = send(&app, get("/api/v1/jobs", Some(&pusat))).await;
    assert_eq!(
        listed.json()["jobs"].as_array().unwrap().len(),
        2,
        "the refused one kept nothing"
    );
}

/// The state of a job read through the API once it is no longer queued or running (a test waits
/// for its jobs rather than leave them running), polled for at most half a minute.
async fn state_when_ended(app: &Router, session: &Session, id: &str) -> String {
    let path = format!("/api/v1/jobs/{id}");
    let mut state = String::new();
    for _ in 0..600 {
        state = send(app, get(&path, Some(session))).await.json()["state"]
            .as_str()
            .unwrap()
            .to_string();
        if !matches!(state.as_str(), "queued" | "running") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    state
}
