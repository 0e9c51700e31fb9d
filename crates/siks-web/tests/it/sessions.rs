//! Sign-in, sessions, password change, and what the logs may hold.

use crate::support::*;

/// The server's logs, with every request of the suite so far and a tour of this test's own
/// (sign-in, a NIK searched for in a page and the API, a household's members, a refused body,
/// error pages): no 16-digit number, no password, no session token; and the request id that an
/// error page and a JSON error show is in the log.
#[tokio::test]
async fn logs_hold_no_nik_password_or_token() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let nik = w.members[0].nik.raw().to_string();
    for path in [
        format!("/rumah-tangga?q={nik}"),
        format!("/rumah-tangga/{}", w.household.id),
        format!("/api/v1/households?q={nik}"),
        format!("/api/v1/households/{}", w.household.id),
    ] {
        let reply = send(&w.app, get(&path, Some(&desa))).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
    }
    // The NIK revealed on the member's page (masked until then, issue 19), so that it has
    // gone through the server whole.
    let revealed = send(
        &w.app,
        post_form(
            &format!("/anggota/{}/tampilkan", w.members[0].id),
            &format!("siks_sesi={}", desa.cookie),
            &format!("csrf={}&field=nik&purpose=cocok_kk", desa.csrf),
        ),
    )
    .await;
    assert_eq!(revealed.status, StatusCode::SEE_OTHER);
    let page = send(
        &w.app,
        get(&format!("/anggota/{}", w.members[0].id), Some(&desa)),
    )
    .await;
    assert!(
        page.body.contains(&nik),
        "the member page shows the NIK revealed"
    );
    // A member whose NIK is taken: refused, with the NIK in the body sent.
    let refused = send(
        &w.app,
        post_json(
            &format!("/api/v1/households/{}/members", w.household.id),
            &desa,
            true,
            serde_json::json!({ "nik": nik, "name": "Uji Log" }).to_string(),
        ),
    )
    .await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    let api_id = refused.json()["error"]["request_id"]
        .as_str()
        .expect("a JSON error names its request")
        .to_string();

    let missing = send(
        &w.app,
        get(
            &format!("/rumah-tangga/{}", uuid::Uuid::now_v7()),
            Some(&desa),
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let page_id = missing.select("#kode-permintaan code");
    assert_eq!(
        page_id.len(),
        1,
        "the error page shows its request id: {}",
        missing.body
    );
    let page_id = page_id[0].clone();
    assert_eq!(page_id.len(), 12);

    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    let request_line = logs
        .lines()
        .find(|l| l.contains(&page_id) && l.contains("status=404"))
        .unwrap_or_else(|| panic!("no request line for {page_id} in the log"));
    assert!(
        request_line.contains("route=/rumah-tangga/{id}"),
        "{request_line}"
    );
    assert!(
        !request_line.contains("user=-"),
        "the user is named by id: {request_line}"
    );
    assert!(
        logs.contains(&api_id),
        "the JSON error's request {api_id} is in the log"
    );
    // A number of exactly sixteen digits, as a NIK or No KK is (the schema's 64-zero genesis
    // hash, in the migration text sqlx logs at debug level, is none).
    let digits = logs
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 16);
    assert_eq!(
        digits,
        None,
        "a 16-digit number reached the log: {}",
        logs.lines()
            .find(|l| digits.is_some_and(|d| l.contains(d)))
            .unwrap_or_default()
    );
    assert!(!logs.contains(PASSWORD), "a password reached the log");
    assert!(
        !logs.contains(&desa.cookie),
        "a session token reached the log"
    );
    assert!(!logs.contains(&desa.csrf), "a CSRF token reached the log");
}

#[tokio::test]
async fn sign_in_sessions_and_lockout() {
    let w = world().await;
    let anonymous = send(&w.app, get("/", None)).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location.as_deref(), Some("/masuk?lanjut=/"));

    let wrong = try_login(&w.app, "desa.a", "bukan-sandinya-1").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.select("#pesan"),
        vec!["Nama pengguna atau kata sandi salah."]
    );
    let unknown = try_login(&w.app, "tidak.ada", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.select("#pesan"),
        wrong.select("#pesan"),
        "unknown accounts look like wrong passwords"
    );

    // A login form without its CSRF cookie is refused.
    let forged = send(
        &w.app,
        post_form(
            "/masuk",
            "",
            &format!("nama=desa.a&sandi={PASSWORD}&csrf=x"),
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let session = login(&w.app, "desa.a").await;
    let home = send(&w.app, get("/", Some(&session))).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(
        home.select("#judul"),
        vec![Regions::embedded().lookup(VILLAGE_A).unwrap().name.clone()]
    );
    assert!(home.select("#pengguna")[0].contains("Operator desa/kelurahan"));
    let cookie = send(&w.app, get("/masuk", None)).await.cookies.join(";");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

    // Logout needs the session's CSRF token, then the session is gone.
    let cookie_header = format!("siks_sesi={}", session.cookie);
    let bad = send(&w.app, post_form("/keluar", &cookie_header, "csrf=salah")).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let out = send(
        &w.app,
        post_form("/keluar", &cookie_header, &format!("csrf={}", session.csrf)),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&w.app, get("/", Some(&session))).await.status,
        StatusCode::SEE_OTHER
    );

    // Five wrong passwords from one address make its next try wait, even with the right
    // password (429 with Retry-After); a name nobody has is held back alike, so nothing tells
    // who exists; the rightful user elsewhere is not locked out.
    for name in ["desa.b", "belum.pernah.ada"] {
        for _ in 0..5 {
            assert_eq!(
                try_login(&w.app, name, "salah-sekali-9").await.status,
                StatusCode::UNAUTHORIZED,
                "{name}"
            );
        }
        let held = try_login(&w.app, name, PASSWORD).await;
        assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{name}");
        assert!(held.select("#pesan")[0].contains("coba lagi setelah"));
        assert!(held.headers.get("retry-after").is_some());
    }
    let elsewhere = try_login_from(&w.app, "desa.b", PASSWORD, "10.9.9.9:50000").await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "{}",
        elsewhere.body
    );
    let auditor = w
        .service
        .actor_for_username("auditor")
        .await
        .unwrap()
        .unwrap();
    let entries = w.service.audit_entries(&auditor, None, 100).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "login.throttled"));
    assert!(entries.iter().any(|e| e.action == "logout"));
}

#[tokio::test]
async fn idle_sessions_expire() {
    // The default policy: 15 minutes idle. Each request within them keeps the session alive.
    let w = world().await;
    let (app, clock) = on_manual_clock(&w, w.service.now());
    let session = login(&app, "dinsos").await;
    for _ in 0..2 {
        clock.advance(chrono::Duration::minutes(14));
        assert_eq!(
            send(&app, get("/", Some(&session))).await.status,
            StatusCode::OK,
            "used within the idle limit"
        );
    }
    clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        send(&app, get("/", Some(&session))).await.status,
        StatusCode::SEE_OTHER,
        "idle past the limit"
    );
}

/// The absolute limit (SECURITY.md item 15): however busy, a session ends eight hours after its
/// sign-in, and the next sign-in is a new session (a new token, the old one dead).
#[tokio::test]
async fn sessions_end_eight_hours_after_sign_in_however_busy() {
    let w = world().await;
    let (app, clock) = on_manual_clock(&w, w.service.now());
    let session = login(&app, "dinsos").await;
    // Used every 14 minutes: the idle limit never ends it.
    for step in 1..=34 {
        clock.advance(chrono::Duration::minutes(14));
        assert_eq!(
            send(&app, get("/", Some(&session))).await.status,
            StatusCode::OK,
            "{} minutes in",
            step * 14
        );
    }
    // 476 minutes in; past 480 it is over.
    clock.advance(chrono::Duration::minutes(5));
    assert_eq!(
        send(&app, get("/", Some(&session))).await.status,
        StatusCode::SEE_OTHER,
        "past eight hours"
    );
    let again = login(&app, "dinsos").await;
    assert_ne!(again.cookie, session.cookie);
    assert_eq!(
        send(&app, get("/", Some(&again))).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, get("/", Some(&session))).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_wait_ends_when_its_time_is_up() {
    let w = world().await;
    let (app, clock) = on_manual_clock(&w, w.service.now());
    for _ in 0..6 {
        let tried = try_login(&app, "desa.b", "salah-sekali-9").await.status;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&tried),
            "{tried}"
        );
        clock.advance(chrono::Duration::seconds(1));
    }
    // Six failures, the last after a second's wait: the next try waits two seconds.
    assert_eq!(
        try_login(&app, "desa.b", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "still waiting a second before the end"
    );
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(
        try_login(&app, "desa.b", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "the right password works once the wait is over"
    );
}

#[tokio::test]
async fn password_change_and_audit_page() {
    let w = world().await;
    let a = login(&w.app, "desa.a").await;
    let cookie = format!("siks_sesi={}", a.cookie);
    let mismatch = send(
        &w.app,
        post_form(
            "/akun/sandi",
            &cookie,
            &format!(
                "csrf={}&sandi_lama={PASSWORD}&sandi_baru=baru-sekali-77&ulangi=lain-sekali-77",
                a.csrf
            ),
        ),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        mismatch.select("#pesan"),
        vec!["Ulangan kata sandi baru tidak sama."]
    );
    let weak = send(
        &w.app,
        post_form(
            "/akun/sandi",
            &cookie,
            &format!(
                "csrf={}&sandi_lama={PASSWORD}&sandi_baru=pendek&ulangi=pendek",
                a.csrf
            ),
        ),
    )
    .await;
    assert!(weak.select("#pesan")[0].contains("minimal 12 karakter"));
    let done = send(
        &w.app,
        post_form(
            "/akun/sandi",
            &cookie,
            &format!(
                "csrf={}&sandi_lama={PASSWORD}&sandi_baru=baru-sekali-77&ulangi=baru-sekali-77",
                a.csrf
            ),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.select("#berhasil").len(), 1);
    assert!(
        done.cookie("siks_sesi").is_some(),
        "a new session replaces the old ones"
    );
    assert_eq!(
        send(&w.app, get("/", Some(&a))).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        try_login(&w.app, "desa.a", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        try_login(&w.app, "desa.a", "baru-sekali-77").await.status,
        StatusCode::SEE_OTHER
    );

    // The household page view was audited; the auditor sees it and the chain holds.
    let dinsos = login(&w.app, "dinsos").await;
    send(
        &w.app,
        get(&format!("/rumah-tangga/{}", w.household.id), Some(&dinsos)),
    )
    .await;
    let auditor = login(&w.app, "auditor").await;
    let page = send(
        &w.app,
        get(&format!("/audit?target={}", w.household.id), Some(&auditor)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let actions: Vec<String> = page.select("tr.entri td:nth-child(5)");
    // The page names the actions in Indonesian (the log keeps household.view, household.create).
    assert!(
        actions.contains(&"lihat rumah tangga".to_string()),
        "{actions:?}"
    );
    assert!(actions.contains(&"rumah tangga dicatat".to_string()));
    assert!(page.select("#rantai")[0].contains("utuh"));
    // Entries made through the web say where they came from (router tests have no socket
    // address: "lokal"); the fixture's own store call has none.
    let origins = page.select("tr.entri td:nth-child(9)");
    for (action, origin) in actions.iter().zip(&origins) {
        if action == "lihat rumah tangga" {
            assert_eq!(origin, "lokal");
        }
    }
    assert!(
        !page.body.contains(&w.members[0].nik.raw()),
        "no NIK in the audit log"
    );
}

/// Served over HTTPS (and by default anywhere but loopback): the session and the sign-in form's
/// cookies are `Secure` with the `__Host-` prefix (only this host, the whole site, never a
/// sibling domain's), a cookie of the plain name is no session, and every answer asks for HTTPS
/// only (HSTS).
#[tokio::test]
async fn behind_https_the_cookies_are_host_only_and_secure() {
    let w = world().await;
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            secure_cookies: true,
            hsts: true,
            ..Default::default()
        },
    ));
    let form = send(&app, get("/masuk", None)).await;
    assert_eq!(
        form.headers["strict-transport-security"],
        "max-age=31536000"
    );
    let set = form
        .cookies
        .iter()
        .find(|c| c.starts_with("__Host-siks_csrf_masuk="))
        .expect("the sign-in form's cookie, prefixed");
    assert!(set.contains("; Secure") && set.contains("Path=/") && !set.contains("Domain"));
    let (csrf_cookie, token) = sign_in_form(&app, "__Host-siks_csrf_masuk").await;
    let signed_in = send(
        &app,
        post_form(
            "/masuk",
            &format!("__Host-siks_csrf_masuk={csrf_cookie}"),
            &format!(
                "nama=desa.a&sandi={}&csrf={token}&lanjut=%2F",
                encode(PASSWORD)
            ),
        ),
    )
    .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let session = signed_in
        .cookies
        .iter()
        .find(|c| c.starts_with("__Host-siks_sesi="))
        .expect("the session cookie, prefixed");
    assert!(
        session.contains("; Secure")
            && session.contains("Path=/")
            && session.contains("HttpOnly")
            && !session.contains("Domain"),
        "{session}"
    );
    let token = signed_in.cookie("__Host-siks_sesi").unwrap();
    let page = |cookie: String| {
        let request = axum::http::Request::get("/")
            .header("cookie", cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        send(&app, request)
    };
    let home = page(format!("__Host-siks_sesi={token}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.select("#pengguna").len(), 1);
    let plain = page(format!("siks_sesi={token}")).await;
    assert_eq!(
        plain.status,
        StatusCode::SEE_OTHER,
        "a plain cookie is no session"
    );
}

/// Sign-ins with made-up names at once: password hashing is bounded (one a core, a short queue),
/// and what does not fit is answered 503 with Retry-After at once instead of held in memory;
/// nothing fails otherwise.
#[tokio::test]
async fn parallel_sign_ins_beyond_the_hashing_queue_are_told_to_retry() {
    let w = world().await;
    let (csrf_cookie, token) = sign_in_form(&w.app, "siks_csrf_masuk").await;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let attempts = cores * siks_web::auth::HASH_QUEUE_PER_CORE * 4;
    let answers = futures_util::future::join_all((0..attempts).map(|i| {
        send(
            &w.app,
            post_form(
                "/masuk",
                &format!("siks_csrf_masuk={csrf_cookie}"),
                &format!("nama=tidak-ada-{i}&sandi=salah-sekali-{i}&csrf={token}&lanjut=%2F"),
            ),
        )
    }))
    .await;
    let busy: Vec<&Reply> = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    let wrong = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(busy.len() + wrong, attempts, "only busy or wrong");
    assert!(
        !busy.is_empty() && wrong > 0,
        "{} busy, {wrong} wrong",
        busy.len()
    );
    assert!(busy.iter().all(|b| b.headers.get("retry-after").is_some()));
    // Every sign-in that was checked is audited, the name unknown or not.
    let system = w.service.system_actor().await.unwrap();
    let audited = w
        .service
        .audit_entries(&system, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "login.failed" && e.target_kind == "username")
        .count();
    assert_eq!(
        audited, wrong,
        "each unknown name's failure is in the audit log"
    );
    // Once the queue drains, a sign-in goes through as before.
    login(&w.app, "desa.a").await;
}

/// Forty wrong passwords at once for one account from one address: the turns are taken before
/// any password is checked, under one lock, so five are checked and the rest told to wait (the
/// landed lockout had 41 of 150 checked from 40 threads).
#[tokio::test]
async fn parallel_wrong_passwords_cannot_slip_past_the_throttle() {
    let w = world().await;
    let answers = futures_util::future::join_all((0..40).map(|i| {
        try_login(
            &w.app,
            "desa.a",
            if i % 2 == 0 { "salah-1" } else { "salah-2" },
        )
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNAUTHORIZED)
        .count();
    let held = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, held), (5, 35));
}

/// A request from `peer`, with `X-Forwarded-For` when given.
fn from(mut request: Request<Body>, peer: &str, forwarded: Option<&str>) -> Request<Body> {
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo::<std::net::SocketAddr>(
            peer.parse().unwrap(),
        ));
    if let Some(f) = forwarded {
        request
            .headers_mut()
            .insert("x-forwarded-for", f.parse().unwrap());
    }
    request
}

/// Rate limits (issue 18): the public pages and the API, per client and over all clients,
/// answered 429 with `Retry-After` and a message; `X-Forwarded-For` believed only from a
/// trusted proxy (400 public requests with rotating addresses all got 200 before).
#[tokio::test]
async fn public_pages_and_the_api_are_rate_limited_per_client_and_overall() {
    use siks_web::rate::{Rate, Rates};
    let w = world().await;
    // The default burst, refilled at one a minute so that a slow machine's loop cannot earn
    // another (the steady rates are the limiter's unit tests).
    let burst = Rates::default().public_per_client.unwrap().burst;
    let slow = |burst| {
        Some(Rate {
            per_minute: 1,
            burst,
        })
    };
    let rates = Rates {
        public_per_client: slow(burst),
        api_per_client: slow(Rates::default().api_per_client.unwrap().burst),
        ..Rates::default()
    };
    let burst = burst as usize;
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            rates,
            ..AppConfig::default()
        },
    ));
    // One client, its X-Forwarded-For rotating: the server is not behind a proxy it trusts, so
    // the address is the connection's, and the burst is all it gets.
    let mut statuses = Vec::new();
    let started = std::time::Instant::now();
    for n in 0..400 {
        let forwarded = format!("198.51.100.{}", n % 250);
        let reply = send(
            &app,
            from(get("/publik", None), "203.0.113.7:4000", Some(&forwarded)),
        )
        .await;
        statuses.push(reply.status);
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = reply.headers["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            assert_eq!(
                reply.select("#pesan"),
                vec![format!(
                    "Terlalu banyak permintaan dari alamat Anda; coba lagi dalam {wait} detik."
                )]
            );
        }
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(statuses[..burst].iter().all(|s| *s == StatusCode::OK));
    assert!(
        statuses[burst..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Sign-in is a door of its own: the client that flooded the public pages still signs in,
    // until it floods the sign-in page too; another client is not held back by the first.
    for n in 0..=burst {
        let reply = send(&app, from(get("/masuk", None), "203.0.113.7:4001", None)).await;
        let expected = if n < burst {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(reply.status, expected, "sign-in page {n}");
    }
    let other = send(&app, from(get("/masuk", None), "203.0.113.8:4000", None)).await;
    assert_eq!(other.status, StatusCode::OK);
    // The API without a session counts as a public door, not the signed-in callers' share.
    let anonymous = send(
        &app,
        from(get("/api/v1/households", None), "203.0.113.7:4004", None),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::TOO_MANY_REQUESTS);
    // The public API answers the limit in JSON.
    let api = send(
        &app,
        from(
            get("/api/v1/public/provinces/35", None),
            "203.0.113.7:4002",
            None,
        ),
    )
    .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.json()["error"]["code"], "too_many_requests");
    assert!(api.headers.get("retry-after").is_some());
    // The signed-in API has its own, larger burst per client.
    let desa = login(&app, "desa.a").await;
    let api_burst = Rates::default().api_per_client.unwrap().burst as usize;
    for n in 0..=api_burst {
        let reply = send(
            &app,
            from(
                get("/api/v1/households", Some(&desa)),
                "203.0.113.9:4000",
                None,
            ),
        )
        .await;
        let expected = if n < api_burst {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(reply.status, expected, "call {n}");
    }
    // Static files and the health answer are not counted.
    let health = send(&app, from(get("/healthz", None), "203.0.113.7:4003", None)).await;
    assert_eq!(health.status, StatusCode::OK);

    // Many clients together meet the limit over all of them: behind a trusted proxy each
    // forwarded address is its own client, until their sum passes the overall burst.
    let proxied = siks_web::router(
        w.service.clone(),
        AppConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            rates: Rates {
                public_overall: slow(100),
                ..Rates::default()
            },
            ..AppConfig::default()
        },
    );
    let mut clients_passed = 0;
    let mut overall = None;
    for n in 0..150u32 {
        let client = format!("198.51.{}.{}", n / 200, n % 200 + 1);
        let reply = send(
            &proxied,
            from(
                get("/publik", None),
                "10.0.0.2:5000",
                Some(&format!("6.6.6.6, {client}")),
            ),
        )
        .await;
        match reply.status {
            StatusCode::OK => clients_passed += 1,
            StatusCode::TOO_MANY_REQUESTS => overall = Some(reply),
            other => panic!("{other}"),
        }
    }
    assert_eq!(clients_passed, 100);
    let overall = overall.unwrap();
    assert!(
        overall.select("#pesan")[0].starts_with("Server sedang menerima terlalu banyak permintaan"),
        "{:?}",
        overall.select("#pesan")
    );
    // The forwarded client, not the proxy, is who the sign-in throttle counts and the audit
    // log names.
    let behind = siks_web::router(
        w.service.clone(),
        AppConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            ..AppConfig::default()
        },
    );
    let (cookie, token) = sign_in_form(&behind, "siks_csrf_masuk").await;
    let wrong = post_form(
        "/masuk",
        &format!("siks_csrf_masuk={cookie}"),
        &format!("nama=desa.a&sandi=salah-sekali-123&csrf={token}&lanjut=%2F"),
    );
    let failed = send(&behind, from(wrong, "10.0.0.2:5001", Some("192.0.2.44"))).await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "{}", failed.body);
    let system = w.service.system_actor().await.unwrap();
    let entry = w
        .service
        .audit_entries(&system, None, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (entry.action.as_str(), entry.origin.as_str()),
        ("login.failed", "192.0.2.44")
    );
}
