//! The second factor and API tokens (issue 19 items 3 and 4, ADR 0022): enrolment and sign-in
//! with TOTP, codes taken once, recovery codes, the reset by a higher admin, the step-up before
//! a bulk export, a close and a rule change; tokens made, used, expired and revoked.

use crate::support::*;

fn cookie_of(s: &Session) -> String {
    format!("siks_sesi={}", s.cookie)
}

/// The session cookie of a password sign-in that waits for its second factor.
async fn half_signed_in(app: &TestApp, username: &str) -> String {
    let reply = try_login(app, username, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location.as_deref(), Some("/masuk/kode?lanjut=/"));
    reply.cookie("siks_sesi").unwrap()
}

async fn give_code(app: &TestApp, cookie: &str, code: &str) -> Reply {
    let page = send(
        app,
        get(
            "/masuk/kode",
            Some(&Session {
                cookie: cookie.to_string(),
                csrf: String::new(),
            }),
        ),
    )
    .await;
    let csrf = page.attr("#form-kode input[name=csrf]", "value");
    send(
        app,
        post_form(
            "/masuk/kode",
            &format!("siks_sesi={cookie}"),
            &format!("csrf={}&kode={}&lanjut=%2F", encode(&csrf), encode(code)),
        ),
    )
    .await
}

fn now_seconds() -> i64 {
    siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock).timestamp()
}

async fn actions(w: &World) -> Vec<(String, String)> {
    let system = w.service.system_actor().await.unwrap();
    w.service
        .audit_entries(&system, None, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

/// A regency operator's first sign-in: after the password no page opens until an
/// authenticator app is enrolled from the QR code drawn here; a wrong code is refused and
/// audited; the right one shows ten recovery codes once. Later sign-ins ask a code, take each
/// code once, and take a recovery code once. A village operator is asked nothing. The secret is
/// in no file of the database in clear.
#[tokio::test]
async fn a_regency_account_enrols_a_second_factor_and_signs_in_with_it() {
    let w = world().await;
    let desa = try_login(&w.app, "desa.a", PASSWORD).await;
    assert_eq!(
        desa.location.as_deref(),
        Some("/"),
        "no second factor asked"
    );

    let half = half_signed_in(&w.app, "dinsos").await;
    let half_session = Session {
        cookie: half.clone(),
        csrf: String::new(),
    };
    let closed = send(&w.app, get("/rumah-tangga", Some(&half_session))).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        closed.location.as_deref(),
        Some("/masuk/kode?lanjut=/rumah-tangga")
    );
    let api = send(&w.app, get("/api/v1/stats", Some(&half_session))).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED, "the API neither");

    let enrol = send(&w.app, get("/masuk/kode", Some(&half_session))).await;
    assert_eq!(enrol.status, StatusCode::OK);
    assert_eq!(enrol.select("svg#kode-qr").len(), 1, "a QR code drawn here");
    let secret =
        siks_domain::totp::Secret::from_base32(&enrol.select("#rahasia")[0]).expect("base32");
    let right = secret.code_at(now_seconds());
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    let refused = give_code(&w.app, &half, wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.select("#pesan")[0].starts_with("Kode salah"));
    assert_eq!(
        refused.select("#rahasia"),
        enrol.select("#rahasia"),
        "the same secret until it is confirmed"
    );
    let enrolled = give_code(&w.app, &half, &right).await;
    assert_eq!(enrolled.status, StatusCode::OK, "{}", enrolled.body);
    let recovery = enrolled.select("#kode-pemulihan li");
    assert_eq!(recovery.len(), 10);
    let open = send(&w.app, get("/rumah-tangga", Some(&half_session))).await;
    assert_eq!(open.status, StatusCode::OK, "the session is open now");

    // The next sign-in: the code just used is refused (taken once), the next step's is taken.
    let again = half_signed_in(&w.app, "dinsos").await;
    let page = send(
        &w.app,
        get(
            "/masuk/kode",
            Some(&Session {
                cookie: again.clone(),
                csrf: String::new(),
            }),
        ),
    )
    .await;
    assert!(page.select("#rahasia").is_empty(), "no second enrolment");
    let replay = give_code(&w.app, &again, &right).await;
    assert_eq!(
        replay.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code once"
    );
    let next = give_code(&w.app, &again, &secret.code_at(now_seconds() + 30)).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
    assert_eq!(next.location.as_deref(), Some("/"));

    // A recovery code, once.
    let third = half_signed_in(&w.app, "dinsos").await;
    let used = give_code(&w.app, &third, &recovery[0].to_uppercase()).await;
    assert_eq!(used.status, StatusCode::OK, "{}", used.body);
    assert!(used.select("#pemulihan-dipakai")[0].contains("tersisa 9"));
    let fourth = half_signed_in(&w.app, "dinsos").await;
    let reused = give_code(&w.app, &fourth, &recovery[0]).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Codes are throttled apart from the password: a right password does not clear them.
    let guesser = half_signed_in(&w.app, "dinsos").await;
    let mut refused_codes = 0;
    loop {
        let wrong = give_code(&w.app, &guesser, "000000").await;
        if wrong.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused_codes += 1;
        assert!(refused_codes <= 5, "held back after five failures");
    }
    let again = half_signed_in(&w.app, "dinsos").await;
    let held = give_code(&w.app, &again, "000000").await;
    assert_eq!(
        held.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the password's success did not clear the code's tries"
    );
    // A session waiting for its code can sign out.
    let waiting = Session {
        cookie: again.clone(),
        csrf: String::new(),
    };
    let page = send(&w.app, get("/masuk/kode", Some(&waiting))).await;
    let csrf = page.attr("#keluar-kode input[name=csrf]", "value");
    let out = send(
        &w.app,
        post_form(
            "/keluar",
            &format!("siks_sesi={again}"),
            &format!("csrf={}", encode(&csrf)),
        ),
    )
    .await;
    assert_eq!(out.location.as_deref(), Some("/masuk"));
    let gone = send(&w.app, get("/masuk/kode", Some(&waiting))).await;
    assert_eq!(gone.location.as_deref(), Some("/masuk"), "signed out");

    let log = actions(&w).await;
    let count = |action: &str| log.iter().filter(|(a, _)| a == action).count();
    assert_eq!(count("second_factor.enrol"), 1);
    assert_eq!(count("second_factor.ok"), 2, "{log:?}");
    assert_eq!(
        count("second_factor.failed"),
        3 + refused_codes,
        "each checked failure, not the held-back ones: {log:?}"
    );
    assert!(
        log.iter()
            .any(|(a, d)| a == "second_factor.ok" && d.contains("by=recovery left=9"))
    );

    // Sealed like a NIK: the secret is in no file of the database.
    let plain = secret.base32();
    for name in ["web.db", "web.db-wal"] {
        let path = w._dir.path().join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes
                    .windows(plain.len())
                    .any(|window| window == plain.as_bytes()),
                "{name} holds the secret in clear"
            );
        }
    }
}

/// A lost phone: an admin above the account resets its second factor (audited); its sessions
/// end and it enrols anew at its next sign-in. Nobody resets their own.
#[tokio::test]
async fn an_admin_resets_a_lost_second_factor() {
    let w = world().await;
    let dinsos = login(&w.app, "dinsos").await;
    let admin = login(&w.app, "admin").await;
    let users = send(&w.app, get("/pengguna", Some(&admin))).await;
    let rows = users.select("tr.akun");
    let row = |name: &str| rows.iter().find(|r| r.starts_with(name)).unwrap().clone();
    assert!(row("dinsos").contains("Aktif"), "{}", row("dinsos"));
    assert!(row("desa.a").contains("Tidak wajib"));
    assert!(row("provinsi").contains("Belum didaftarkan"));
    let target = w.service.user_by_username("dinsos").await.unwrap().unwrap();
    let me = w.service.user_by_username("admin").await.unwrap().unwrap();
    assert!(
        users
            .body
            .contains(&format!("/pengguna/{}/faktor-kedua", target.id))
            && !users
                .body
                .contains(&format!("/pengguna/{}/faktor-kedua", me.id)),
        "a reset for others, never one's own"
    );
    // A password change keeps the second factor this session gave.
    let changed = send(
        &w.app,
        post_form(
            "/akun/sandi",
            &cookie_of(&dinsos),
            &format!(
                "csrf={}&sandi_lama={}&sandi_baru=kuda+lumping+di+pasar&ulangi=kuda+lumping+di+pasar",
                encode(&dinsos.csrf),
                encode(PASSWORD)
            ),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let dinsos = Session {
        cookie: changed.cookie("siks_sesi").unwrap(),
        csrf: changed.attr("#form-sandi input[name=csrf]", "value"),
    };
    assert_eq!(
        send(&w.app, get("/rumah-tangga", Some(&dinsos)))
            .await
            .status,
        StatusCode::OK,
        "not sent to give the code again"
    );
    let token = send(
        &w.app,
        post_form(
            "/akun/token",
            &cookie_of(&dinsos),
            &format!(
                "csrf={}&nama=ponsel&wilayah=35.23&akses=baca&hari=30",
                encode(&dinsos.csrf)
            ),
        ),
    )
    .await
    .select("#token-baru code")[0]
        .clone();
    let reset = send(
        &w.app,
        post_form(
            &format!("/pengguna/{}/faktor-kedua", target.id),
            &cookie_of(&admin),
            &format!("csrf={}", encode(&admin.csrf)),
        ),
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert!(reset.select("#berhasil")[0].contains("diatur ulang"));
    let gone = send(&w.app, get("/", Some(&dinsos))).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(gone.location.unwrap().starts_with("/masuk?"), "signed out");
    let revoked = send(
        &w.app,
        Request::builder()
            .uri("/api/v1/stats")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        revoked.status,
        StatusCode::UNAUTHORIZED,
        "its tokens went too"
    );
    let renewed = try_login(&w.app, "dinsos", "kuda lumping di pasar").await;
    assert_eq!(
        renewed.location.as_deref(),
        Some("/masuk/kode?lanjut=/"),
        "{}",
        renewed.body
    );
    let half = renewed.cookie("siks_sesi").unwrap();
    let enrol = send(
        &w.app,
        get(
            "/masuk/kode",
            Some(&Session {
                cookie: half,
                csrf: String::new(),
            }),
        ),
    )
    .await;
    assert_eq!(enrol.select("#rahasia").len(), 1, "enrols again");
    let own = w.service.reset_second_factor(&me.actor(), me.id).await;
    assert!(own.is_err(), "not one's own");
    assert!(
        actions(&w)
            .await
            .iter()
            .any(|(a, _)| a == "second_factor.reset")
    );
}

/// A bulk export, a period's close and a programme rule change ask a second factor given in the
/// last five minutes: the export sends the page to give it and back to the file; the close and
/// the rule change take the code with the form (the edited rules are kept when it is missing);
/// the API's close answers 403 second_factor_needed.
#[tokio::test]
async fn a_bulk_export_a_close_and_a_rule_change_ask_a_fresh_second_factor() {
    let w = world().await;
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
        .unwrap()
        .to_utc();
    let (app, clock) = on_manual_clock(&w, start);
    let pusat = login(&app, "pusat").await;
    let fresh = send(&app, get("/ekspor/rumah-tangga.csv", Some(&pusat))).await;
    assert_eq!(fresh.status, StatusCode::OK, "fresh from the sign-in");

    clock.advance(chrono::Duration::minutes(6));
    let stale = send(&app, get("/ekspor/rumah-tangga.csv", Some(&pusat))).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    let step_up = stale.location.unwrap();
    assert_eq!(step_up, "/masuk/kode?lanjut=/ekspor/rumah-tangga.csv");
    let page = send(&app, get(&step_up, Some(&pusat))).await;
    assert_eq!(page.select("#ulang").len(), 1, "{}", page.body);
    give_second_factor(&app, "pusat", &pusat.cookie).await;
    let again = send(&app, get("/ekspor/rumah-tangga.csv", Some(&pusat))).await;
    assert_eq!(again.status, StatusCode::OK);

    clock.advance(chrono::Duration::minutes(6));
    // A token outlives the session: making one asks the code too.
    let token = send(
        &app,
        post_form(
            "/akun/token",
            &cookie_of(&pusat),
            &format!(
                "csrf={}&nama=x&wilayah=*&akses=baca&hari=1",
                encode(&pusat.csrf)
            ),
        ),
    )
    .await;
    assert_eq!(
        token.location.as_deref(),
        Some("/masuk/kode?lanjut=/akun/token")
    );
    let rules = send(&app, get("/program/bst/aturan", Some(&pusat))).await;
    assert_eq!(
        rules.select("#kode").len(),
        1,
        "the code asked with the form"
    );
    let text = rules.select("#definisi")[0].replace("Bantuan Sosial Tunai", "BST diubah");
    let save = |code: String| {
        let text = text.clone();
        let pusat = &pusat;
        let app = &app;
        async move {
            send(
                app,
                post_form(
                    "/program/bst/aturan",
                    &cookie_of(pusat),
                    &form_body(&[
                        ("csrf".into(), pusat.csrf.clone()),
                        ("definisi".into(), text),
                        ("catatan".into(), "uji faktor kedua".into()),
                        ("kode".into(), code),
                    ]),
                ),
            )
            .await
        }
    };
    let refused = save(String::new()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.select("#galat")[0].contains("kode faktor kedua"));
    assert!(
        refused.select("#definisi")[0].contains("BST diubah"),
        "the edit is kept"
    );
    let wrong = save("000000".into()).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let secret = app.secret_of("pusat");
    let now = siks_domain::clock::Clock::now(&clock).timestamp();
    let saved = save(secret.code_at(now + 30)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    clock.advance(chrono::Duration::minutes(6));
    let close = send(
        &app,
        post_form(
            "/periode/tutup",
            &cookie_of(&pusat),
            &format!("csrf={}&periode=2026-11&konfirmasi=ya", encode(&pusat.csrf)),
        ),
    )
    .await;
    assert_eq!(close.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(close.body.contains("kode faktor kedua"));
    assert!(w.service.closed_periods().await.unwrap().is_empty());
    let api = send(
        &app,
        json_request(
            "POST",
            "/api/v1/periods/2026-11/close",
            &pusat,
            true,
            String::new(),
        ),
    )
    .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    assert_eq!(api.json()["error"]["code"], "second_factor_needed");
}

/// A token for a machine client: made on the page (shown once, never wider than the account),
/// used with `Authorization: Bearer` within its scope and access (no CSRF; accounts and closes
/// barred), its last use shown, every use audited and found by the breach scope; an expired,
/// revoked or unknown token is refused with why.
#[tokio::test]
async fn api_tokens_are_made_used_expired_and_revoked() {
    let w = world().await;
    let dinsos = login(&w.app, "dinsos").await;
    let make = |scope: &str, access: &str, days: &str| {
        post_form(
            "/akun/token",
            &cookie_of(&dinsos),
            &format!(
                "csrf={}&nama=sinkron+dtks&wilayah={scope}&akses={access}&hari={days}",
                encode(&dinsos.csrf)
            ),
        )
    };
    let wider = send(&w.app, make("35", "baca", "30")).await;
    assert_eq!(wider.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wider.select("#pesan")[0].contains("di luar wilayah kerja"));
    let too_long = send(&w.app, make("35.23", "baca", "400")).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let made = send(&w.app, make("35.23", "baca", "30")).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let secret = made.select("#token-baru code")[0].clone();
    assert!(secret.starts_with("siks_"), "{secret}");
    let listed = send(&w.app, get("/akun/token", Some(&dinsos))).await;
    assert!(listed.select("#token-baru").is_empty(), "shown once");
    assert!(!listed.body.contains(&secret));

    let bearer = |method: &str, path: &str, token: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap()
    };
    let households = send(&w.app, bearer("GET", "/api/v1/households", &secret)).await;
    assert_eq!(households.status, StatusCode::OK, "{}", households.body);
    assert!(households.body.contains(&w.household.id.to_string()));
    let write = send(&w.app, bearer("POST", "/api/v1/jobs", &secret)).await;
    assert_eq!(write.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        write.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("hanya untuk membaca")
    );
    let page = send(&w.app, bearer("GET", "/rumah-tangga", &secret)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "pages are for sessions");

    // A narrower token sees only its part; a read-write one writes without CSRF.
    let narrow = send(&w.app, make(VILLAGE_B, "tulis", "30")).await;
    let narrow = narrow.select("#token-baru code")[0].clone();
    let none = send(&w.app, bearer("GET", "/api/v1/households", &narrow)).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(
        !none.body.contains(&w.household.id.to_string()),
        "{}",
        none.body
    );
    let started = send(&w.app, bearer("POST", "/api/v1/jobs", &narrow)).await;
    assert_ne!(started.status, StatusCode::FORBIDDEN, "{}", started.body);
    assert_ne!(started.json()["error"]["code"], "bad_csrf");

    let admin = login(&w.app, "admin").await;
    let admin_token = send(
        &w.app,
        post_form(
            "/akun/token",
            &cookie_of(&admin),
            &format!(
                "csrf={}&nama=admin&wilayah=*&akses=tulis&hari=1",
                encode(&admin.csrf)
            ),
        ),
    )
    .await
    .select("#token-baru code")[0]
        .clone();
    let users = send(&w.app, bearer("GET", "/api/v1/users", &admin_token)).await;
    assert_eq!(
        users.status,
        StatusCode::FORBIDDEN,
        "accounts need a person"
    );
    let close = send(
        &w.app,
        bearer("POST", "/api/v1/periods/2026-11/close", &admin_token),
    )
    .await;
    assert_eq!(
        close.status,
        StatusCode::FORBIDDEN,
        "a close needs a person"
    );
    let close_job = Request::builder()
        .method("POST")
        .uri("/api/v1/jobs")
        .header(header::AUTHORIZATION, format!("Bearer {admin_token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"kind":"period-close","period":"2026-11"}"#))
        .unwrap();
    assert_eq!(send(&w.app, close_job).await.status, StatusCode::FORBIDDEN);
    assert!(w.service.closed_periods().await.unwrap().is_empty());

    let listed = send(&w.app, get("/akun/token", Some(&dinsos))).await;
    assert!(
        !listed.select("tr.token")[1].contains("belum pernah"),
        "the last use shown: {:?}",
        listed.select("tr.token")
    );
    let tokens = w
        .service
        .api_tokens(
            &w.service
                .actor_for_username("dinsos")
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let first = tokens.iter().find(|t| t.scope.key() == "35.23").unwrap();
    let revoked = send(
        &w.app,
        post_form(
            &format!("/akun/token/{}/cabut", first.id),
            &cookie_of(&dinsos),
            &format!("csrf={}", encode(&dinsos.csrf)),
        ),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let refused = send(&w.app, bearer("GET", "/api/v1/households", &secret)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.json()["error"]["code"], "token_refused");
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("dicabut")
    );
    let unknown = send(&w.app, bearer("GET", "/api/v1/households", "siks_00")).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    // Made-up tokens count as public requests: past the public share, 429.
    let limited = w
        .app
        .with_router(siks_web::router(w.service.clone(), AppConfig::default()));
    let burst = siks_web::rate::Rates::default()
        .public_per_client
        .unwrap()
        .burst as usize;
    let mut statuses = Vec::new();
    for n in 0..=burst {
        statuses.push(
            send(
                &limited,
                bearer("GET", "/api/v1/stats", &format!("siks_bogus{n}")),
            )
            .await
            .status,
        );
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );

    // A day and a bit later the admin's one-day token has expired.
    let (later, _clock) = on_manual_clock(
        &w,
        siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock)
            + chrono::Duration::hours(25),
    );
    let expired = send(&later, bearer("GET", "/api/v1/stats", &admin_token)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(
        expired.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("kedaluwarsa")
    );

    w.service.fold_views_now().await.unwrap();
    let log = actions(&w).await;
    for action in ["token.create", "token.use", "token.revoke", "token.refused"] {
        assert!(log.iter().any(|(a, _)| a == action), "{action}: {log:?}");
    }
    // The breach scope of the leaked token: what its requests showed, under its account.
    let system = w.service.system_actor().await.unwrap();
    let scope = w
        .service
        .breach_scope(
            &system,
            siks_service::accounts::BreachActor::Token(&first.id),
            &siks_domain::clock::Stamp::parse("2000-01-01T00:00:00Z").unwrap(),
            &siks_domain::clock::Stamp::parse("2999-01-01T00:00:00Z").unwrap(),
        )
        .await
        .unwrap();
    assert!(scope.exposing >= 1, "{scope:?}");
    assert!(scope.regions.keys().any(|code| code.starts_with("35.23")));
}
