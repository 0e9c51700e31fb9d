//! What every test shares: the world (a database with one account per role and a household),
//! requests through the router, replies read with CSS selectors, sign-in, and the captured logs.
pub(crate) use axum::Router;
pub(crate) use axum::body::Body;
pub(crate) use axum::http::{Request, StatusCode, header};
pub(crate) use http_body_util::BodyExt;
pub(crate) use scraper::{Html, Selector};
pub(crate) use siks_domain::{Household, Person, RegionCode, Regions, Role, Scope};
pub(crate) use siks_service::{NewUser, OpenMode, Service};
pub(crate) use siks_web::{AppConfig, ROUTES, Who};
pub(crate) use std::sync::OnceLock;
pub(crate) use tower::ServiceExt;

pub(crate) const VILLAGE_A: &str = "35.23.01.2001";

pub(crate) const VILLAGE_B: &str = "35.23.01.2002";

pub(crate) const PASSWORD: &str = "sandi-uji-2026";

pub(crate) fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    // Hashed once for all tests, on a thread of its own (tests already run inside a runtime).
    HASH.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(siks_web::auth::hash_password(PASSWORD.into()))
                .unwrap()
        })
        .join()
        .unwrap()
    })
    .clone()
}

/// A router over a world's database, with what its accounts' authenticator apps hold: the
/// secret each account enrolled through the page (read off it, as a person's app would) and
/// the last step whose code was given (a code is taken once). Every router of one database
/// shares them. Derefs to the router, so `send(&w.app, …)` reads as before.
#[derive(Clone)]
pub(crate) struct TestApp {
    pub(crate) router: Router,
    factors: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, (siks_domain::totp::Secret, i64)>>,
    >,
    /// The service's clock when the test moves it (codes are made at its time).
    clock: Option<siks_domain::clock::ManualClock>,
}

impl std::ops::Deref for TestApp {
    type Target = Router;
    fn deref(&self) -> &Router {
        &self.router
    }
}

impl TestApp {
    /// Another router over the same database (another configuration), sharing the apps.
    pub(crate) fn with_router(&self, router: Router) -> TestApp {
        TestApp {
            router,
            factors: self.factors.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The secret an account's app holds (enrolled through the page by this test).
    pub(crate) fn secret_of(&self, username: &str) -> siks_domain::totp::Secret {
        self.factors.lock().unwrap()[username].0.clone()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use siks_domain::clock::Clock;
        match &self.clock {
            Some(clock) => clock.now(),
            None => siks_domain::clock::SystemClock.now(),
        }
    }

    /// The code an account's app shows for a step not used yet (waiting, or moving a test's
    /// clock, when the two usable steps were used), and that step.
    async fn next_code(&self, username: &str, secret: &siks_domain::totp::Secret) -> (String, i64) {
        use siks_domain::totp::{STEP_SECONDS, WINDOW, step_of};
        let last = self
            .factors
            .lock()
            .unwrap()
            .get(username)
            .map(|(_, step)| *step);
        loop {
            let now = step_of(self.now().timestamp());
            let step = last.map_or(now, |l| (l + 1).max(now));
            if step <= now + WINDOW {
                return (format!("{:06}", secret.code_at_step(step)), step);
            }
            match &self.clock {
                Some(clock) => clock.advance(chrono::Duration::seconds(STEP_SECONDS)),
                None => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    }
}

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) service: Service,
    pub(crate) household: Household,
    pub(crate) members: Vec<Person>,
    pub(crate) _dir: tempfile::TempDir,
}

impl World {
    /// Ranks the register as the system account on 1 November 2026; that account and date.
    pub(crate) async fn rank(&self) -> (siks_domain::Actor, chrono::NaiveDate) {
        let admin = self.service.system_actor().await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        self.service
            .rank(&admin, &siks_domain::welfare::Model::default_model(), today)
            .await
            .unwrap();
        (admin, today)
    }

    /// Builds every programme's list of December 2026.
    pub(crate) async fn build_december_lists(
        &self,
        admin: &siks_domain::Actor,
        today: chrono::NaiveDate,
    ) {
        self.service
            .build_lists(
                admin,
                siks_domain::workflow::Period::parse("2026-12").unwrap(),
                today,
            )
            .await
            .unwrap();
    }
}

/// Every log line that this test binary's servers write: a global subscriber at debug level
/// (siks, sqlx and the HTTP stack), started by the first [`world`], so that every test of the
/// suite logs into it and [`logs_hold_no_nik_password_or_token`] can read them all.
pub(crate) fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    static LOGS: OnceLock<std::sync::Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct Capture;
        impl std::io::Write for Capture {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                captured_logs().lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // The lock is not held here: the subscriber only writes after this returns.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_ansi(false)
            .with_writer(|| Capture)
            .try_init();
        std::sync::Mutex::new(Vec::new())
    })
}

/// A database with one account per role and one generated household in village A.
pub(crate) async fn world() -> World {
    captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let service = Service::open(&url, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    service.migrate().await.unwrap();
    // Keyed like every database the command line opens.
    let (service, _) = service
        .use_audit_key(&dir.path().join("web.db.audit-key"))
        .await
        .unwrap();
    service.load_regions(Regions::embedded()).await.unwrap();
    let admin = service.system_actor().await.unwrap();
    let hash = password_hash();
    for (username, role, scope) in accounts() {
        service
            .create_user(
                &admin,
                NewUser {
                    username: username.into(),
                    display_name: format!("Uji {username}"),
                    role,
                    scope: Scope::parse(scope).unwrap(),
                    password_hash: Some(hash.clone()),
                },
            )
            .await
            .unwrap();
    }
    // One household from the generator, moved into village A.
    let data = tempfile::tempdir().unwrap();
    let config = siks_synth::Config::new(RegionCode::parse(VILLAGE_A).unwrap(), 3, 5);
    siks_synth::generate(&config, data.path(), &|_| {}).unwrap();
    let mut hh = csv::Reader::from_path(data.path().join("households.csv")).unwrap();
    let household = siks_domain::interchange::household_from_row(
        &hh.records().next().unwrap().unwrap(),
        Regions::embedded(),
    )
    .unwrap();
    let mut pr = csv::Reader::from_path(data.path().join("persons.csv")).unwrap();
    let members: Vec<Person> = pr
        .records()
        .map(|r| siks_domain::interchange::person_from_row(&r.unwrap()).unwrap())
        .filter(|p| p.household_id == household.id)
        .collect();
    service
        .load_household(&admin, &household, &members, "pendataan uji")
        .await
        .unwrap();
    World {
        // The harness is one client asking every role's pages at machine speed: the rate
        // limits would hold it back. The tests of the limits build their own app
        // (`sessions::public_pages_and_the_api_are_rate_limited_per_client_and_overall`).
        app: TestApp {
            router: siks_web::router(
                service.clone(),
                AppConfig {
                    rates: siks_web::rate::Rates::unlimited(),
                    ..AppConfig::default()
                },
            ),
            factors: Default::default(),
            clock: None,
        },
        service,
        household,
        members,
        _dir: dir,
    }
}

/// A copy of a registered household as a village proposes it: the fields only the system sets
/// left blank.
pub(crate) fn proposed_copy(h: &Household) -> Household {
    let mut copy = h.clone();
    copy.status = siks_domain::RegistryStatus::Proposed;
    copy.welfare_score = None;
    copy.desil = None;
    copy.programmes.clear();
    copy.last_verified = None;
    copy.evidence.clear();
    copy
}

/// A household as a client sends it: without the fields only the system sets.
pub(crate) fn client_household(h: &Household) -> serde_json::Value {
    let mut value = serde_json::to_value(h).unwrap();
    for field in siks_domain::entry::HOUSEHOLD_SYSTEM_FIELDS {
        value.as_object_mut().unwrap().remove(field);
    }
    value
}

/// A member as a client sends it: without its status.
pub(crate) fn client_person(p: &Person) -> serde_json::Value {
    let mut value = serde_json::to_value(p).unwrap();
    value.as_object_mut().unwrap().remove("status");
    value
}

pub(crate) fn accounts() -> Vec<(&'static str, Role, &'static str)> {
    vec![
        ("desa.a", Role::VillageOperator, VILLAGE_A),
        ("desa.b", Role::VillageOperator, VILLAGE_B),
        ("kecamatan", Role::DistrictOperator, "35.23.01"),
        ("dinsos", Role::RegencyOperator, "35.23"),
        ("verifikator", Role::RegencyVerifier, "35.23"),
        ("pengesah", Role::Ratifier, "35.23"),
        ("provinsi", Role::ProvinceOperator, "35"),
        ("pusat", Role::Pusat, "*"),
        ("auditor", Role::Auditor, "*"),
        ("dpo", Role::Dpo, "*"),
        ("admin", Role::Admin, "*"),
    ]
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) headers: axum::http::HeaderMap,
}

impl Reply {
    pub(crate) fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub(crate) fn select(&self, selector: &str) -> Vec<String> {
        let sel = Selector::parse(selector).unwrap();
        self.html()
            .select(&sel)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }

    /// An attribute of the first element `selector` finds.
    pub(crate) fn attr(&self, selector: &str, name: &str) -> String {
        self.html()
            .select(&Selector::parse(selector).unwrap())
            .next()
            .and_then(|e| e.value().attr(name).map(str::to_string))
            .unwrap_or_else(|| panic!("no {selector} with {name}: {}", self.body))
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .filter_map(|c| c.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

pub(crate) async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        headers,
        status,
        location,
        cookies,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub(crate) fn get(path: &str, session: Option<&Session>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(s) = session {
        builder = builder.header(header::COOKIE, format!("siks_sesi={}", s.cookie));
    }
    builder.body(Body::empty()).unwrap()
}

pub(crate) fn post_form(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub(crate) fn post_json(path: &str, session: &Session, csrf: bool, body: String) -> Request<Body> {
    json_request("POST", path, session, csrf, body)
}

pub(crate) fn json_request(
    method: &str,
    path: &str,
    session: &Session,
    csrf: bool,
    body: String,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("siks_sesi={}", session.cookie));
    if csrf {
        builder = builder.header("x-csrf-token", &session.csrf);
    }
    builder.body(Body::from(body)).unwrap()
}

pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) fn encode(text: &str) -> String {
    siks_web::auth::urlencode(text).replace('/', "%2F")
}

/// The sign-in form's CSRF pair: the cookie it set (named `cookie`) and the token in the form.
pub(crate) async fn sign_in_form(app: &Router, cookie: &str) -> (String, String) {
    let form = send(app, get("/masuk", None)).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf_cookie = form.cookie(cookie).expect("login CSRF cookie");
    let token = form
        .html()
        .select(&Selector::parse("input[name=csrf]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    (csrf_cookie, token)
}

pub(crate) async fn try_login(app: &Router, username: &str, password: &str) -> Reply {
    sign_in(app, username, password, None).await
}

/// [`try_login`] from another address (the throttle counts per name and address).
pub(crate) async fn try_login_from(
    app: &Router,
    username: &str,
    password: &str,
    address: &str,
) -> Reply {
    sign_in(app, username, password, Some(address)).await
}

async fn sign_in(app: &Router, username: &str, password: &str, address: Option<&str>) -> Reply {
    let (csrf_cookie, token) = sign_in_form(app, "siks_csrf_masuk").await;
    let body = format!(
        "nama={}&sandi={}&csrf={token}&lanjut=%2F",
        encode(username),
        encode(password)
    );
    let mut request = post_form("/masuk", &format!("siks_csrf_masuk={csrf_cookie}"), &body);
    if let Some(address) = address {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo::<std::net::SocketAddr>(
                address.parse().unwrap(),
            ));
    }
    send(app, request).await
}

/// Signs in through the pages: the password, then (regency level and up, admins) the second
/// factor, enrolled at the first sign-in as a person would.
pub(crate) async fn login(app: &TestApp, username: &str) -> Session {
    let reply = try_login(app, username, PASSWORD).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{username}: {}",
        reply.body
    );
    let cookie = reply.cookie("siks_sesi").expect("session cookie");
    if reply
        .location
        .as_deref()
        .is_some_and(|l| l.starts_with("/masuk/kode"))
    {
        give_second_factor(app, username, &cookie).await;
    }
    let page = send(
        app,
        get(
            "/",
            Some(&Session {
                cookie: cookie.clone(),
                csrf: String::new(),
            }),
        ),
    )
    .await;
    let csrf = page
        .html()
        .select(&Selector::parse("form[action='/keluar'] input[name=csrf]").unwrap())
        .next()
        .expect("logout form on every page")
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    Session { cookie, csrf }
}

/// Gives a half-open session its second factor through `/masuk/kode`: enrols the account's
/// app from the secret the page shows (the first time), or types the app's next code.
pub(crate) async fn give_second_factor(app: &TestApp, username: &str, cookie: &str) {
    let session = Session {
        cookie: cookie.to_string(),
        csrf: String::new(),
    };
    let page = send(app, get("/masuk/kode?lanjut=/", Some(&session))).await;
    assert_eq!(page.status, StatusCode::OK, "{username}: {}", page.body);
    let shown = page.select("#rahasia");
    let secret = match shown.first() {
        Some(text) => siks_domain::totp::Secret::from_base32(text).expect("a base32 secret"),
        None => app
            .factors
            .lock()
            .unwrap()
            .get(username)
            .map(|(secret, _)| secret.clone())
            .unwrap_or_else(|| panic!("{username} enrolled, but not by this test")),
    };
    let csrf = page.attr("#form-kode input[name=csrf]", "value");
    let (code, step) = app.next_code(username, &secret).await;
    let given = send(
        app,
        post_form(
            "/masuk/kode",
            &format!("siks_sesi={cookie}"),
            &format!("csrf={}&kode={code}&lanjut=%2F", encode(&csrf)),
        ),
    )
    .await;
    assert!(
        given.status == StatusCode::SEE_OTHER
            || (given.status == StatusCode::OK && !given.select("#kode-pemulihan li").is_empty()),
        "{username}: {} {}",
        given.status,
        given.body
    );
    app.factors
        .lock()
        .unwrap()
        .insert(username.to_string(), (secret, step));
}

/// Fills a route's path parameters with records that exist in village A.
pub(crate) fn concrete(path: &str, w: &World) -> String {
    path.replace(
        "{id}",
        &if path.contains("persons") {
            w.members[0].id.to_string()
        } else {
            w.household.id.to_string()
        },
    )
    .replace("{code}", "35.23.01")
}

/// The new-household form's fields as a browser would post them, with two members filled in.
/// Every field of the form `form` (a CSS selector) as the page holds it, nothing changed but
/// the session's CSRF token.
pub(crate) fn form_as_shown(page: &Reply, form: &str, session: &Session) -> Vec<(String, String)> {
    let html = page.html();
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in html.select(&Selector::parse(&format!("{form} input")).unwrap()) {
        let v = input.value();
        let name = v.attr("name").unwrap_or("").to_string();
        if v.attr("type") == Some("checkbox") {
            if v.attr("checked").is_some() {
                fields.push((name, "1".into()));
            }
        } else if name != "csrf" {
            fields.push((name, v.attr("value").unwrap_or("").to_string()));
        }
    }
    for select in html.select(&Selector::parse(&format!("{form} select")).unwrap()) {
        let chosen = select
            .select(&Selector::parse("option[selected]").unwrap())
            .next()
            .or_else(|| select.select(&Selector::parse("option").unwrap()).next())
            .and_then(|o| o.value().attr("value"))
            .unwrap_or("");
        fields.push((
            select.value().attr("name").unwrap().to_string(),
            chosen.to_string(),
        ));
    }
    fields.push(("csrf".into(), session.csrf.clone()));
    fields
}

/// Sets one field of a form's fields (added when missing).
pub(crate) fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

pub(crate) fn filled_form(page: &Reply, session: &Session) -> Vec<(String, String)> {
    let html = page.html();
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in html.select(&Selector::parse("#form-data input").unwrap()) {
        let v = input.value();
        let name = v.attr("name").unwrap_or("").to_string();
        if v.attr("type") == Some("checkbox") {
            if v.attr("checked").is_some() {
                fields.push((name, "1".into()));
            }
        } else {
            fields.push((name, v.attr("value").unwrap_or("").to_string()));
        }
    }
    for select in html.select(&Selector::parse("#form-data select").unwrap()) {
        let chosen = select
            .select(&Selector::parse("option[selected]").unwrap())
            .next()
            .or_else(|| select.select(&Selector::parse("option").unwrap()).next())
            .and_then(|o| o.value().attr("value"))
            .unwrap_or("");
        fields.push((
            select.value().attr("name").unwrap().to_string(),
            chosen.to_string(),
        ));
    }
    let mut set = |name: &str, value: &str| match fields.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    };
    set("csrf", &session.csrf);
    for column in siks_web::forms::CHOOSE_ON_NEW {
        let value = match *column {
            "floor_area_m2" => "42",
            "rooms" => "2",
            "floor_material" => "6",
            _ => "1",
        };
        set(column, value);
    }
    for slot in ["m0", "m1"] {
        set(&format!("{slot}.marital_status"), "2");
    }
    set("m0.sex", "1");
    set("rt", "004");
    set("rw", "001");
    set("street", "Jl. Kenanga 9");
    set("sls_name", "Dusun Krajan");
    set("m0.full_name", "Bambang Sutrisno");
    set("m0.nik", "3523011203850777");
    set("m0.no_kk", "3523011203150004");
    set("m0.birth_date", "1985-03-12");
    set("m1.full_name", "Sri Wahyuni");
    set("m1.nik", "3523015506880777");
    set("m1.no_kk", "3523011203150004");
    set("m1.sex", "2");
    set("m1.relation_to_head", "2");
    set("m1.birth_date", "1988-06-15");
    set("alasan", "pendataan baru hasil musdes");
    fields
}

pub(crate) fn form_body(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn multipart(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "siks-uji-batas";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if *name == "pindaian" {
            body.extend_from_slice(b"Content-Disposition: form-data; name=\"pindaian\"; filename=\"ba.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
        } else if *name == "berkas.xlsx" {
            body.extend_from_slice(b"Content-Disposition: form-data; name=\"berkas\"; filename=\"rumah-tangga-baru.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        } else if *name == "berkas" {
            body.extend_from_slice(b"Content-Disposition: form-data; name=\"berkas\"; filename=\"kematian-2026-10.csv\"\r\nContent-Type: text/csv\r\n\r\n");
        } else if *name == "foto" {
            body.extend_from_slice(b"Content-Disposition: form-data; name=\"foto\"; filename=\"rumah.png\"\r\nContent-Type: image/png\r\n\r\n");
        } else {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A signed scan as the store recognises one (by its first bytes).
pub(crate) const SCAN: &[u8] = b"%PDF-1.4 berita acara yang ditandatangani";

pub(crate) fn id_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_string()
}

pub(crate) fn paper_json(kind: &str, village: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": kind, "village": village, "held_on": siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock).date_naive(),
        "place": "Balai Desa", "attendees": 41, "chair": "Sutrisno", "chair_title": "Kepala Desa",
    })
}

/// `POST /unggah` of a multipart body.
pub(crate) fn upload_request(
    session: &Session,
    content_type: String,
    body: Vec<u8>,
) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/unggah")
        .header("content-type", content_type)
        .header("cookie", format!("siks_sesi={}", session.cookie))
        .body(Body::from(body))
        .unwrap()
}

/// Posts an upload, follows it to its job's page, and waits there until the job is done.
pub(crate) async fn finished_upload(
    app: &Router,
    session: &Session,
    request: Request<Body>,
) -> Reply {
    let posted = send(app, request).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let job = posted.location.expect("the job's page");
    assert!(job.starts_with("/unggah/"), "{job}");
    for _ in 0..600 {
        let page = send(app, get(&job, Some(session))).await;
        if page.select("#kemajuan").is_empty() {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("upload job {job} still running after a minute");
}

/// The `rumah-tangga-baru` template filled in: `households` each with its members, numbered
/// 1, 2, ... and `extra` member rows as (No. ruta, NIK, sex code) of someone else.
pub(crate) fn new_households_xlsx(
    households: &[(Household, Vec<Person>)],
    extra: &[(&str, &str, &str)],
) -> Vec<u8> {
    use siks_domain::interchange::{
        HOUSEHOLD_COLUMNS, PERSON_COLUMNS, column_for_label, household_row, person_row,
    };
    use siks_sheets::templates::TemplateKind;
    let sheets = TemplateKind::NewHouseholds.sheets();
    let mut book = rust_xlsxwriter::Workbook::new();
    let cell_of = |columns: &[&str], row: &[String], label: &str| {
        column_for_label(label)
            .and_then(|c| columns.iter().position(|x| *x == c))
            .map(|i| row[i].clone())
            .unwrap_or_default()
    };
    for (s, sheet) in sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (c, column) in sheet.columns.iter().enumerate() {
            ws.write_string(0, c as u16, &column.label).unwrap();
        }
        let mut at = 1;
        for (n, (household, members)) in households.iter().enumerate() {
            let rows: Vec<Vec<String>> = if s == 0 {
                vec![household_row(household)]
            } else {
                members.iter().map(person_row).collect()
            };
            let columns = if s == 0 {
                HOUSEHOLD_COLUMNS
            } else {
                PERSON_COLUMNS
            };
            for row in rows {
                for (c, column) in sheet.columns.iter().enumerate() {
                    let value = if column.label == "No. ruta" {
                        (n + 1).to_string()
                    } else {
                        cell_of(columns, &row, &column.label)
                    };
                    ws.write_string(at, c as u16, &value).unwrap();
                }
                at += 1;
            }
        }
        if s == 1 {
            let template = person_row(&households[0].1[0]);
            for (no, nik, sex) in extra {
                for (c, column) in sheet.columns.iter().enumerate() {
                    let value = match column.label.as_str() {
                        "No. ruta" => no.to_string(),
                        "NIK" => nik.to_string(),
                        "Jenis kelamin" => sex.to_string(),
                        label => cell_of(PERSON_COLUMNS, &template, label),
                    };
                    ws.write_string(at, c as u16, &value).unwrap();
                }
                at += 1;
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Households of village A the register does not hold: generated with another seed, no defects.
pub(crate) fn unregistered_households(count: usize) -> Vec<(Household, Vec<Person>)> {
    let data = tempfile::tempdir().unwrap();
    let mut config = siks_synth::Config::new(RegionCode::parse(VILLAGE_A).unwrap(), count, 41);
    config.defect_rate = 0.0;
    siks_synth::generate(&config, data.path(), &|_| {}).unwrap();
    let households: Vec<Household> = csv::Reader::from_path(data.path().join("households.csv"))
        .unwrap()
        .records()
        .map(|r| {
            siks_domain::interchange::household_from_row(&r.unwrap(), Regions::embedded()).unwrap()
        })
        .collect();
    let persons: Vec<Person> = csv::Reader::from_path(data.path().join("persons.csv"))
        .unwrap()
        .records()
        .map(|r| siks_domain::interchange::person_from_row(&r.unwrap()).unwrap())
        .collect();
    households
        .into_iter()
        .map(|h| {
            let members = persons
                .iter()
                .filter(|p| p.household_id == h.id)
                .cloned()
                .collect();
            (h, members)
        })
        .collect()
}

/// The world's service on a clock the test moves, starting at `at`, and a router over it with
/// the default policy.
pub(crate) fn on_manual_clock(
    w: &World,
    at: chrono::DateTime<chrono::Utc>,
) -> (TestApp, siks_domain::clock::ManualClock) {
    let clock = siks_domain::clock::ManualClock::starting_at(at);
    let service = w
        .service
        .clone()
        .with_clock(std::sync::Arc::new(clock.clone()));
    let app = TestApp {
        router: siks_web::router(service, AppConfig::default()),
        factors: w.app.factors.clone(),
        clock: Some(clock.clone()),
    };
    (app, clock)
}

/// The text of a PDF as `pdftotext` reads it (in reading order, one page after another). `None`
/// where pdftotext is not installed, which CI refuses: there the papers' text must be read.
pub(crate) fn pdf_text(bytes: &[u8]) -> Option<String> {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(file.path())
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed: {out:?}");
            // A cell's text wraps onto lines of its own: read as words one space apart.
            let text = String::from_utf8_lossy(&out.stdout);
            Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("pdftotext is not installed under CI=true: the papers' text may not go unread")
        }
        Err(_) => {
            eprintln!("pdftotext is not installed: the PDF's text is not read here");
            None
        }
    }
}
