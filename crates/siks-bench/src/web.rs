//! `siks-bench web`: searches through the household list page under a fixed request rate, and
//! through the HTTP API at a rate its limits allow one client, with the session check and the
//! audit record of each view included, against a server running in a second process on
//! loopback; and the regency dashboard's render time. Printed next to the raw SQLite NIK lookup
//! measured in the same run. (The API allows one client 20 requests a second and all clients
//! 200, issue 18: 500 a second through it would measure the 429s.)

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use siks_domain::{RegionCode, Role, Scope};
use siks_store::{NewUser, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;

/// One keep-alive HTTP/1.1 connection, enough for GET requests with a cookie.
pub(crate) struct Connection {
    stream: BufStream<TcpStream>,
}

impl Connection {
    pub(crate) async fn open(addr: &str) -> Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufStream::new(stream),
        })
    }

    /// Sends a GET and reads the whole answer; returns the status code and body length.
    pub(crate) async fn get(&mut self, path: &str, cookie: &str) -> Result<(u16, usize)> {
        let (status, body) = self.get_body(path, cookie).await?;
        Ok((status, body.len()))
    }

    /// Sends a GET and returns the status code and the body.
    pub(crate) async fn get_body(&mut self, path: &str, cookie: &str) -> Result<(u16, Vec<u8>)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
        self.exchange(request.as_bytes()).await
    }

    /// Sends a GET as a proxy would forward it from `client` (no session); the status code and
    /// body length.
    pub(crate) async fn get_from(&mut self, path: &str, client: &str) -> Result<(u16, usize)> {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: bench\r\nX-Forwarded-For: {client}\r\n\r\n");
        let (status, body) = self.exchange(request.as_bytes()).await?;
        Ok((status, body.len()))
    }

    /// Sends a JSON POST with the session's CSRF token; returns the status code and the body.
    async fn post_json(
        &mut self,
        path: &str,
        cookie: &str,
        csrf: &str,
        body: &str,
    ) -> Result<(u16, Vec<u8>)> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.exchange(request.as_bytes()).await
    }

    async fn exchange(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>)> {
        self.stream.write_all(request).await?;
        self.stream.flush().await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("bad status line {line:?}"))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                }
                if name.eq_ignore_ascii_case("transfer-encoding") {
                    bail!("chunked answers are not expected here");
                }
            }
        }
        let mut body = vec![0u8; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, body))
    }
}

/// Latency percentiles in milliseconds.
pub(crate) struct Latencies {
    pub(crate) sorted: Vec<f64>,
    pub(crate) errors: usize,
}

impl Latencies {
    pub(crate) fn percentile(&self, p: f64) -> f64 {
        if self.sorted.is_empty() {
            return f64::NAN;
        }
        let i = ((self.sorted.len() as f64 - 1.0) * p).round() as usize;
        self.sorted[i]
    }

    fn line(&self) -> String {
        format!(
            "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} requests, {} not 200",
            self.percentile(0.5),
            self.percentile(0.99),
            self.percentile(1.0),
            self.sorted.len(),
            self.errors
        )
    }
}

/// Sends `paths` (cycled) at `rate` per second for `seconds`, open loop: each request's latency
/// counts from when it was due, so a slow server cannot hide behind its own delays.
async fn load(
    addr: &str,
    cookie: &str,
    paths: &[String],
    rate: u32,
    seconds: u32,
    connections: usize,
) -> Result<Latencies> {
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let mut workers = Vec::new();
    for w in 0..connections {
        let addr = addr.to_string();
        let cookie = cookie.to_string();
        let paths = paths.to_vec();
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::open(&addr).await?;
            let mut out = Vec::new();
            let mut errors = 0usize;
            for i in (w..total).step_by(connections) {
                let due = start + interval * i as u32;
                tokio::time::sleep_until(due).await;
                let (status, _) = conn.get(&paths[i % paths.len()], &cookie).await?;
                if status != 200 {
                    errors += 1;
                }
                out.push(due.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok((out, errors))
        }));
    }
    let mut all = Vec::with_capacity(total);
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.await??;
        all.extend(lat);
        errors += e;
    }
    all.sort_by(f64::total_cmp);
    Ok(Latencies {
        sorted: all,
        errors,
    })
}

async fn wait_ready(addr: &str) -> Result<()> {
    for _ in 0..300 {
        if let Ok(mut c) = Connection::open(addr).await
            && let Ok((200, _)) = c.get("/healthz", "").await
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server at {addr} did not become ready")
}

/// `siks serve` on a free loopback port in a second process, once it answers.
pub(crate) async fn serve_in_second_process(url: &str) -> Result<(Server, String)> {
    serve_in_second_process_with(url, &[]).await
}

/// [`serve_in_second_process`] with more of `siks serve`'s options.
pub(crate) async fn serve_in_second_process_with(
    url: &str,
    options: &[&str],
) -> Result<(Server, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = format!("127.0.0.1:{port}");
    // The server logs a line per request, as in production, into a file beside the database
    // rather than over the figures; a server that does not come up has its log shown.
    let log_path =
        std::path::Path::new(url.trim_start_matches("sqlite://")).with_extension("server.log");
    let log = std::fs::File::create(&log_path).context("creating the server's log file")?;
    let server = Server(
        crate::siks_command()?
            .args(["serve", "--db", url, "--listen", &addr])
            .args(options)
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting the server process")?,
    );
    if let Err(e) = wait_ready(&addr).await {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        bail!("{e}; the server's log:\n{log}");
    }
    Ok((server, addr))
}

/// Stops the server process however the benchmark ends.
pub(crate) struct Server(std::process::Child);

impl Server {
    /// The server process's id (for its memory in `/proc`).
    pub(crate) fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn session_for(store: &Store, username: &str, role: Role, scope: &str) -> Result<String> {
    Ok(session_with_csrf(store, username, role, scope).await?.0)
}

/// NIKs and name prefixes to search for, read from the generated persons file.
fn search_terms(persons: &Path, count: usize) -> Result<(Vec<String>, Vec<String>)> {
    let mut reader = csv::Reader::from_path(persons)?;
    let mut niks = Vec::new();
    let mut names = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        if i % 97 != 0 {
            continue;
        }
        niks.push(record[2].to_string());
        let name: String = record[5].chars().take(4).collect();
        names.push(name.to_lowercase().replace(' ', "+"));
        if niks.len() >= count {
            break;
        }
    }
    Ok((niks, names))
}

pub async fn run(households: usize, rate: u32, seconds: u32) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let region = RegionCode::parse("35").map_err(|e| anyhow!("{e}"))?;
    let summary = siks_synth::generate(
        &siks_synth::Config::new(region, households, 7),
        &data,
        &|_| {},
    )
    .map_err(|e| anyhow!("{e}"))?;
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let store = crate::fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;
    let province_cookie =
        session_for(&store, "bench.provinsi", Role::ProvinceOperator, "35").await?;
    let regency_cookie = session_for(&store, "bench.tuban", Role::RegencyOperator, "35.23").await?;
    let (niks, names) = search_terms(&data.join(siks_domain::interchange::PERSONS_FILE), 2000)?;

    // The raw baseline: the same NIK lookups straight on SQLite, in this process.
    let mut raw = Vec::with_capacity(niks.len());
    for nik in &niks {
        let started = Instant::now();
        store
            .baseline_nik_lookup(nik)
            .await
            .map_err(siks::store_error)?;
        raw.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    raw.sort_by(f64::total_cmp);
    let raw = Latencies {
        sorted: raw,
        errors: 0,
    };
    store.close().await;

    let (_server, addr) = serve_in_second_process(&url).await?;

    let nik_paths: Vec<String> = niks
        .iter()
        .map(|n| format!("/rumah-tangga?q={n}"))
        .collect();
    let name_paths: Vec<String> = names
        .iter()
        .map(|n| format!("/rumah-tangga?q={n}"))
        .collect();
    let api_nik_paths: Vec<String> = niks
        .iter()
        .map(|n| format!("/api/v1/households?q={n}&limit=10"))
        .collect();
    // Warm the server, its connections and the page cache at the measured rate first.
    load(&addr, &province_cookie, &nik_paths, rate, 2, 64).await?;
    load(&addr, &province_cookie, &name_paths, rate, 2, 64).await?;
    let by_nik = load(&addr, &province_cookie, &nik_paths, rate, seconds, 64).await?;
    let by_name = load(&addr, &province_cookie, &name_paths, rate, seconds, 64).await?;
    // Under the API's limit for one client (20 a second), for as many requests.
    let api_rate = 15;
    let by_nik_api = load(
        &addr,
        &province_cookie,
        &api_nik_paths,
        api_rate,
        seconds,
        4,
    )
    .await?;
    let mut dashboard = Vec::new();
    let mut conn = Connection::open(&addr).await?;
    for _ in 0..20 {
        let started = Instant::now();
        let (status, _) = conn.get("/", &regency_cookie).await?;
        if status != 200 {
            bail!("dashboard answered {status}");
        }
        dashboard.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    dashboard.sort_by(f64::total_cmp);
    let dashboard = Latencies {
        sorted: dashboard,
        errors: 0,
    };

    println!(
        "bench web (SQLite, {} persons, server in a second process, {rate} requests/s for {seconds} s each):",
        summary.persons
    );
    println!("  raw SQLite NIK lookup (baseline): {}", raw.line());
    println!("  page search by NIK:               {}", by_nik.line());
    println!("  page search by name prefix:       {}", by_name.line());
    println!(
        "  API search by NIK at {api_rate}/s:        {}",
        by_nik_api.line()
    );
    println!(
        "  p99 ratio to the raw lookup: NIK {:.0}x, name {:.0}x (goal: p99 under 20 ms at {rate} requests/s; by NIK with the numbers sealed, issue 19: under 10 ms)",
        by_nik.percentile(0.99) / raw.percentile(0.99),
        by_name.percentile(0.99) / raw.percentile(0.99)
    );
    println!(
        "  regency dashboard (35.23): {} (goal: under 200 ms)",
        dashboard.line()
    );
    Ok(())
}

/// Twenty timed GETs of `path` on one keep-alive connection, after one to warm the cache.
async fn timed_pages(addr: &str, cookie: &str, path: &str) -> Result<Latencies> {
    let mut conn = Connection::open(addr).await?;
    let (status, _) = conn.get(path, cookie).await?;
    if status != 200 {
        bail!("{path} answered {status}");
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let (status, _) = conn.get(path, cookie).await?;
        if status != 200 {
            bail!("{path} answered {status}");
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(Latencies {
        sorted: times,
        errors: 0,
    })
}

/// `siks-bench report`: a regency's report page (every chart and table) over a regency-sized
/// register that is ranked, has a closed period and a period's lists; beside the regency
/// dashboard (counts by status only) in the same run, through a server in a second process.
pub async fn report(households: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let regency = RegionCode::parse("35.23").map_err(|e| anyhow!("{e}"))?;
    let summary = siks_synth::generate(
        &siks_synth::Config::new(regency, households, 7),
        &data,
        &|_| {},
    )
    .map_err(|e| anyhow!("{e}"))?;
    let url = format!("sqlite://{}", dir.path().join("report.db").display());
    let store = crate::fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;
    let admin = store.system_actor().await.map_err(siks::store_error)?;
    let today = siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock).date_naive();
    store
        .rank(&admin, &siks_domain::welfare::Model::default_model(), today)
        .await
        .map_err(siks::store_error)?;
    let period =
        |text: &str| siks_domain::workflow::Period::parse(text).map_err(|e| anyhow!("{}", e.0));
    siks_service::Service::new(store.clone())
        .check_and_close(&admin, period("2026-11")?, today, None)
        .await
        .map_err(siks::store_error)?;
    store
        .build_lists(&admin, period("2099-12")?, today)
        .await
        .map_err(siks::store_error)?;
    let regency_cookie = session_for(&store, "bench.tuban", Role::RegencyOperator, "35.23").await?;
    store.close().await;

    let (_server, addr) = serve_in_second_process(&url).await?;
    let dashboard = timed_pages(&addr, &regency_cookie, "/").await?;
    let report = timed_pages(&addr, &regency_cookie, "/laporan").await?;
    let public = timed_pages(&addr, "", "/publik/35").await?;
    println!(
        "bench report (SQLite, one regency of {} households, {} persons, ranked, a closed period, every programme's list):",
        summary.households, summary.persons
    );
    println!("  regency dashboard (baseline): {}", dashboard.line());
    println!(
        "  regency report page:          {} (goal: under 300 ms)",
        report.line()
    );
    println!("  province public summary:      {}", public.line());
    println!(
        "  p50 ratio report/dashboard: {:.1}",
        report.percentile(0.5) / dashboard.percentile(0.5)
    );
    Ok(())
}

/// `siks-bench responsive`: a check run over the whole register as a job in the server (a
/// second process), while `/healthz` and a household page are asked at a fixed rate each; their
/// latency while the job runs, beside the same requests with no job running (goal: p99 under
/// 100 ms for both while a run over 1,000,000 persons goes on), and the run's own time.
pub async fn responsive(households: usize, rate: u32) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let summary = crate::population(households, &data)?;
    let url = format!("sqlite://{}", dir.path().join("responsive.db").display());
    let store = crate::fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;
    let (pusat_cookie, pusat_csrf) =
        session_with_csrf(&store, "bench.pusat", Role::Pusat, "*").await?;
    let regency_cookie = session_for(&store, "bench.tuban", Role::RegencyOperator, "35.23").await?;
    // A household of the regency, by the generator's id (kept by the import).
    let household = {
        let mut reader =
            csv::Reader::from_path(data.join(siks_domain::interchange::HOUSEHOLDS_FILE))?;
        let headers = reader.headers()?.clone();
        let (id_col, village_col) = (
            headers
                .iter()
                .position(|h| h == "id")
                .context("households.csv has no id")?,
            headers
                .iter()
                .position(|h| h == "village_code")
                .context("households.csv has no village_code")?,
        );
        let mut found = None;
        for record in reader.records() {
            let record = record?;
            if record[village_col].starts_with("35.23") {
                found = Some(record[id_col].to_string());
                break;
            }
        }
        found.context("no household in 35.23")?
    };
    store.close().await;
    let (_server, addr) = serve_in_second_process(&url).await?;
    let healthz = vec!["/healthz".to_string()];
    let page = vec![format!("/rumah-tangga/{household}")];

    // Baseline: the same requests with no job running, after a warm-up.
    load(&addr, &regency_cookie, &page, rate, 2, 8).await?;
    let idle_health = load(&addr, &regency_cookie, &healthz, rate, 5, 8).await?;
    let idle_page = load(&addr, &regency_cookie, &page, rate, 5, 8).await?;

    // The job, started as the ministry would through the API, over the whole register.
    let mut control = Connection::open(&addr).await?;
    let started = Instant::now();
    let (status, body) = control
        .post_json(
            "/api/v1/jobs",
            &pusat_cookie,
            &pusat_csrf,
            r#"{"kind":"check-run"}"#,
        )
        .await?;
    if status != 202 {
        bail!(
            "starting the job answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let job: serde_json::Value = serde_json::from_slice(&body)?;
    let id = job["id"].as_str().context("the job has no id")?.to_string();
    let mut busy_health = Vec::new();
    let mut busy_page = Vec::new();
    let (mut health_errors, mut page_errors) = (0, 0);
    let state = loop {
        // Two-second windows of both loads side by side, until the job has ended.
        let (h, p) = tokio::join!(
            load(&addr, &regency_cookie, &healthz, rate, 2, 8),
            load(&addr, &regency_cookie, &page, rate, 2, 8)
        );
        let (h, p) = (h?, p?);
        busy_health.extend(h.sorted);
        busy_page.extend(p.sorted);
        health_errors += h.errors;
        page_errors += p.errors;
        let (_, body) = control
            .get_body(&format!("/api/v1/jobs/{id}"), &pusat_cookie)
            .await?;
        let job: serde_json::Value = serde_json::from_slice(&body)?;
        let state = job["state"].as_str().unwrap_or_default().to_string();
        if !["queued", "running"].contains(&state.as_str()) {
            break (
                state,
                job["outcome"].as_str().unwrap_or_default().to_string(),
            );
        }
    };
    let job_secs = started.elapsed().as_secs_f64();
    if state.0 != "done" {
        bail!("the check run ended {}: {}", state.0, state.1);
    }
    busy_health.sort_by(f64::total_cmp);
    busy_page.sort_by(f64::total_cmp);
    let busy_health = Latencies {
        sorted: busy_health,
        errors: health_errors,
    };
    let busy_page = Latencies {
        sorted: busy_page,
        errors: page_errors,
    };
    println!(
        "bench responsive (SQLite, {} households, {} persons): the check run as a job took {job_secs:.1} s ({})",
        summary.households, summary.persons, state.1
    );
    println!("  while it ran, {rate}/s each (goal: p99 under 100 ms):");
    println!("    /healthz:       {}", busy_health.line());
    println!("    household page: {}", busy_page.line());
    println!("  baseline with no job running:");
    println!("    /healthz:       {}", idle_health.line());
    println!("    household page: {}", idle_page.line());
    println!(
        "  p99 ratio busy/idle: /healthz {:.1}, household page {:.1}",
        busy_health.percentile(0.99) / idle_health.percentile(0.99).max(0.001),
        busy_page.percentile(0.99) / idle_page.percentile(0.99).max(0.001)
    );
    Ok(())
}

/// A session of a new account, as the cookie to send and its CSRF token.
pub(crate) async fn session_with_csrf(
    store: &Store,
    username: &str,
    role: Role,
    scope: &str,
) -> Result<(String, String)> {
    let admin = store.system_actor().await.map_err(siks::store_error)?;
    let hash = siks_web::auth::hash_password("bench-password-1".into())
        .await
        .map_err(|e| anyhow!("{}", e.message()))?;
    let user = store
        .create_user(
            &admin,
            NewUser {
                username: username.into(),
                display_name: username.into(),
                role,
                scope: Scope::parse(scope).map_err(|e| anyhow!("{e}"))?,
                password_hash: Some(hash),
            },
        )
        .await
        .map_err(siks::store_error)?;
    let session = store
        .start_session(&user, "bench")
        .await
        .map_err(siks::store_error)?;
    // Regency level and up signs in with a second factor: enrolled here, given for this
    // session, as the first sign-in through the pages would.
    if siks_domain::totp::required(user.role, &user.scope) {
        let secret = store
            .begin_enrolment(&user)
            .await
            .map_err(siks::store_error)?;
        let code = secret.code_at(store.now().timestamp());
        store
            .confirm_enrolment(&user, &session.token, &code, "bench")
            .await
            .map_err(siks::store_error)?
            .ok_or_else(|| anyhow!("{username}: the second factor was not taken"))?;
    }
    Ok((format!("siks_sesi={}", session.token), session.csrf_token))
}
