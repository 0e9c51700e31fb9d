//! `siks-bench abuse`: the server under abuse (issue 18's load benchmark). A register of about
//! 1,000,000 persons served by `siks serve` in a second process, as in production (its audit key,
//! its view journal, its rate limits); a regency operator's mix of pages (the household search,
//! a household's page, the dashboard, the proposal inbox) at a fixed rate, open loop, first
//! alone, then while the public pages are flooded at ten times their overall limit, then while
//! also a 100,000-row upload runs through the page and `siks import` writes 100,000 households
//! into the same database. Printed per phase: throughput, latency percentiles, requests over
//! 2 s and errors; the change of p95 when the flood starts; the server's memory (idle, peak,
//! and above idle during the upload), its own and the database mapped into it apart, sampled
//! from `/proc`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use siks_domain::Role;
use siks_domain::interchange::{HOUSEHOLDS_FILE, PERSONS_FILE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::web::{Connection, Latencies, serve_in_second_process_with, session_with_csrf};
use crate::{fresh, population};

/// The operator's pages, cycled: searches and household pages most, the dashboard and the
/// inbox now and then.
pub(crate) fn operator_mix(names: &[String], households: &[String]) -> Vec<String> {
    let mut paths = Vec::new();
    for i in 0..names.len().min(households.len()) {
        paths.push(format!("/rumah-tangga?q={}", names[i]));
        paths.push(format!("/rumah-tangga/{}", households[i]));
        match i % 4 {
            0 => paths.push("/".into()),
            2 => paths.push("/usulan".into()),
            _ => {}
        }
    }
    paths
}

/// What one phase of the mix measured.
pub(crate) struct Phase {
    pub(crate) name: &'static str,
    pub(crate) seconds: f64,
    pub(crate) latencies: Latencies,
}

impl Phase {
    pub(crate) fn line(&self) -> String {
        let slow = self
            .latencies
            .sorted
            .iter()
            .filter(|ms| **ms > 2000.0)
            .count();
        format!(
            "  {:<34} {:>6.0} req/s  p50 {:>7.1}  p95 {:>7.1}  p99 {:>7.1}  max {:>7.1} ms  over 2 s: {slow}  errors: {}",
            self.name,
            self.latencies.sorted.len() as f64 / self.seconds,
            self.latencies.percentile(0.5),
            self.latencies.percentile(0.95),
            self.latencies.percentile(0.99),
            self.latencies.percentile(1.0),
            self.latencies.errors
        )
    }
}

/// Sends `paths` at `rate` a second for `seconds`, open loop (each latency counted from when the
/// request was due), on `connections` keep-alive connections; a failed connection counts as
/// errors, not as a stop.
pub(crate) async fn mix(
    addr: &str,
    cookie: &str,
    paths: &[String],
    rate: u32,
    seconds: f64,
    connections: usize,
) -> Result<Latencies> {
    let total = (f64::from(rate) * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    // Each call starts elsewhere in the mix, so that a phase does not find the last one's pages
    // in the cache.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let offset = CALLS.fetch_add(1, Ordering::Relaxed) * 7919;
    let mut workers = Vec::new();
    for w in 0..connections {
        let (addr, cookie, paths) = (addr.to_string(), cookie.to_string(), paths.to_vec());
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::open(&addr).await?;
            let mut out = Vec::new();
            let mut errors = 0usize;
            for i in (w..total).step_by(connections) {
                let due = start + interval * i as u32;
                tokio::time::sleep_until(due).await;
                match conn.get(&paths[(offset + i) % paths.len()], &cookie).await {
                    Ok((200, _)) => {}
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        conn = Connection::open(&addr).await?;
                    }
                }
                out.push(due.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok((out, errors))
        }));
    }
    let mut sorted = Vec::with_capacity(total);
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.await??;
        sorted.extend(lat);
        errors += e;
    }
    sorted.sort_by(f64::total_cmp);
    Ok(Latencies { sorted, errors })
}

/// Floods the public pages at `rate` a second until `stop`, from rotating made-up
/// `X-Forwarded-For` addresses (as many clients: the server trusts this machine as its proxy);
/// counts the answers by status.
fn flood(
    addr: String,
    rate: u32,
    stop: Arc<AtomicBool>,
    limited: Arc<AtomicU64>,
    served: Arc<AtomicU64>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let connections = 16;
    let interval = Duration::from_secs_f64(f64::from(connections) / f64::from(rate));
    (0..connections)
        .map(|w| {
            let (addr, stop, limited, served) =
                (addr.clone(), stop.clone(), limited.clone(), served.clone());
            tokio::spawn(async move {
                let mut next = tokio::time::Instant::now();
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    next += interval;
                    tokio::time::sleep_until(next).await;
                    n += 1;
                    let request = format!(
                        "GET /publik HTTP/1.1\r\nHost: bench\r\nX-Forwarded-For: 198.51.{w}.{}\r\nConnection: close\r\n\r\n",
                        n % 250 + 1
                    );
                    let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await else {
                        continue;
                    };
                    if stream.write_all(request.as_bytes()).await.is_err() {
                        continue;
                    }
                    let mut answer = Vec::new();
                    let _ = stream.read_to_end(&mut answer).await;
                    if answer.starts_with(b"HTTP/1.1 429") {
                        limited.fetch_add(1, Ordering::Relaxed);
                    } else if answer.starts_with(b"HTTP/1.1 200") {
                        served.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect()
}

/// The server's resident memory in MiB, from `/proc` (0 where there is none): its own (heap,
/// stacks: `RssAnon`), and the database's pages mapped into it (`RssFile`: SQLite reads
/// through a memory map, and those pages are the kernel's file cache, shared and given back
/// under pressure, not memory the server holds).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Resident {
    pub(crate) own: u64,
    pub(crate) mapped: u64,
}

pub(crate) fn resident_mib(pid: u32) -> Resident {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    Resident {
        own: field("RssAnon:"),
        mapped: field("RssFile:") + field("RssShmem:"),
    }
}

/// A multipart upload of `file` as `kind` through the page; the job's address.
async fn upload(
    addr: &str,
    cookie: &str,
    csrf: &str,
    kind: &str,
    file: &std::path::Path,
) -> Result<String> {
    let bytes = std::fs::read(file)?;
    let boundary = "siksbenchboundary7f3a";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("jenis", kind)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"perbaikan.xlsx\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let head = format!(
        "POST /unggah HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    let location = answer
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(n, _)| n.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v.trim().to_string())
        })
        .ok_or_else(|| {
            anyhow!(
                "the upload was not taken: {}",
                answer.lines().next().unwrap_or("")
            )
        })?;
    Ok(location)
}

pub async fn run(
    households: usize,
    rate: u32,
    flood_rate: u32,
    imported: usize,
    upload_rows: u64,
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let summary = population(households, &data)?;
    let url = format!("sqlite://{}", dir.path().join("abuse.db").display());
    let store = fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;
    let (operator, _) =
        session_with_csrf(&store, "bench.tuban", Role::RegencyOperator, "35.23").await?;
    let (admin, admin_csrf) = session_with_csrf(&store, "bench.admin", Role::Admin, "*").await?;

    // What the operator looks for: households of its regency, and the first letters of their
    // members' names.
    let mut ids = Vec::new();
    let mut reader = csv::Reader::from_path(data.join(HOUSEHOLDS_FILE))?;
    for record in reader.records() {
        let record = record?;
        if record[1].starts_with("35.23") {
            ids.push(record[0].to_string());
        }
        if ids.len() >= 2000 {
            break;
        }
    }
    let mut names = Vec::new();
    let mut reader = csv::Reader::from_path(data.join(PERSONS_FILE))?;
    for (i, record) in reader.records().enumerate() {
        if i % 53 == 0 {
            let name: String = record?[5].chars().take(4).collect();
            names.push(name.to_lowercase().replace(' ', "+"));
        }
        if names.len() >= 2000 {
            break;
        }
    }
    let paths = operator_mix(&names, &ids);

    // The upload: 100,000 members of the export, every hundredth renamed.
    let sheet_path = dir.path().join("perbaikan.xlsx");
    let upload_rows = crate::upload::corrections_sheet(&store, &sheet_path, upload_rows).await?;
    let upload_mib = std::fs::metadata(&sheet_path)?.len() as f64 / 1048576.0;
    // The import: 100,000 households of another province, from another seed.
    let more = dir.path().join("more");
    let region = siks_domain::RegionCode::parse("36").map_err(|e| anyhow!("{e}"))?;
    siks_synth::generate(
        &siks_synth::Config::new(region, imported, 11),
        &more,
        &|_| {},
    )
    .map_err(|e| anyhow!("{e}"))?;
    store.close().await;

    // Behind a proxy it trusts (this machine), so that the flood's rotating X-Forwarded-For
    // are as many clients, and its sum meets the limit over all of them.
    let (server, addr) =
        serve_in_second_process_with(&url, &["--trusted-proxy", "127.0.0.1"]).await?;
    let pid = server.pid();
    // The server's memory, every 100 ms, for the whole run.
    let samples: Arc<std::sync::Mutex<Vec<(Instant, Resident)>>> = Arc::default();
    let sampling = Arc::new(AtomicBool::new(true));
    {
        let (samples, sampling) = (samples.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                samples
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((Instant::now(), resident_mib(pid)));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    let connections = 48;
    // Warm the pages and the connections at the measured rate.
    mix(&addr, &operator, &paths, rate, 3.0, connections).await?;
    let idle = resident_mib(pid);

    let calm = Phase {
        name: "operators alone",
        seconds: 10.0,
        latencies: mix(&addr, &operator, &paths, rate, 10.0, connections).await?,
    };

    let stop = Arc::new(AtomicBool::new(false));
    let (limited, served) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let flooding = flood(
        addr.clone(),
        flood_rate,
        stop.clone(),
        limited.clone(),
        served.clone(),
    );
    let flood_started = Instant::now();
    let flooded = Phase {
        name: "operators + public flood",
        seconds: 10.0,
        latencies: mix(&addr, &operator, &paths, rate, 10.0, connections).await?,
    };

    // The upload through the page and the import beside it.
    let upload_started = Instant::now();
    let upload_rss = resident_mib(pid);
    let job = upload(&addr, &admin, &admin_csrf, "perbaikan", &sheet_path).await?;
    let mut import = crate::siks_command()?
        .args(["import", "--db", &url])
        .arg(&more)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("starting siks import")?;
    let import_started = Instant::now();
    let mut import_secs = None;
    let mut upload_secs = None;
    let mut upload_outcome = String::new();
    let mut busy = Vec::new();
    let mut busy_errors = 0;
    let mut busy_seconds = 0.0;
    let mut poll = Connection::open(&addr).await?;
    while import_secs.is_none() || upload_secs.is_none() || busy_seconds < 10.0 {
        let slice = mix(&addr, &operator, &paths, rate, 5.0, connections).await?;
        busy.extend(slice.sorted);
        busy_errors += slice.errors;
        busy_seconds += 5.0;
        if import_secs.is_none() && import.try_wait()?.is_some() {
            import_secs = Some(import_started.elapsed().as_secs_f64());
        }
        if upload_secs.is_none() {
            let (_, page) = poll_job(&mut poll, &job, &admin).await?;
            if let Some(outcome) = finished_upload(&page) {
                upload_secs = Some(upload_started.elapsed().as_secs_f64());
                upload_outcome = outcome;
            }
        }
        if busy_seconds > 600.0 {
            bail!("the import or the upload did not end in ten minutes");
        }
    }
    let import_status = import.wait()?;
    let mut import_err = String::new();
    if let Some(mut e) = import.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut import_err);
    }
    stop.store(true, Ordering::Relaxed);
    for f in flooding {
        let _ = f.await;
    }
    let flood_secs = flood_started.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    busy.sort_by(f64::total_cmp);
    let heavy = Phase {
        name: "operators + flood + upload + import",
        seconds: busy_seconds,
        latencies: Latencies {
            sorted: busy,
            errors: busy_errors,
        },
    };
    let samples = samples.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let peak = samples.iter().map(|s| s.1.own).max().unwrap_or(0);
    let peak_mapped = samples.iter().map(|s| s.1.mapped).max().unwrap_or(0);
    let upload_end = upload_started + Duration::from_secs_f64(upload_secs.unwrap_or(0.0));
    let upload_peak = samples
        .iter()
        .filter(|(at, _)| *at >= upload_started && *at <= upload_end)
        .map(|s| s.1.own)
        .max()
        .unwrap_or(0);

    println!(
        "bench abuse (SQLite, {} persons, `siks serve` in a second process on loopback, 2 cores shared with this load; operators at {rate} requests/s, open loop, {connections} connections):",
        summary.persons
    );
    for phase in [&calm, &flooded, &heavy] {
        println!("{}", phase.line());
    }
    println!(
        "  p95 when the flood starts: {:.1} → {:.1} ms ({:+.0} %) (goal: under 20 %)",
        calm.latencies.percentile(0.95),
        flooded.latencies.percentile(0.95),
        (flooded.latencies.percentile(0.95) / calm.latencies.percentile(0.95) - 1.0) * 100.0
    );
    let (limited, served) = (
        limited.load(Ordering::Relaxed),
        served.load(Ordering::Relaxed),
    );
    println!(
        "  public flood: {flood_rate} requests/s asked for {flood_secs:.0} s from 4,000 rotating clients (X-Forwarded-For through a trusted proxy): {} answered ({:.0}/s), {served} served, {limited} held back with 429",
        served + limited,
        (served + limited) as f64 / flood_secs
    );
    println!(
        "  upload: {upload_mib:.1} MiB XLSX, {upload_rows} rows of member corrections through the page, {} ({})",
        upload_secs.map_or("not finished".into(), |s| format!("{s:.1} s")),
        upload_outcome.lines().next().unwrap_or("")
    );
    println!(
        "  import: {imported} households by `siks import` into the same database: {} ({})",
        import_secs.map_or("not finished".into(), |s| format!("{s:.1} s")),
        if import_status.success() {
            "ok".to_string()
        } else {
            format!("failed: {}", import_err.lines().last().unwrap_or(""))
        }
    );
    println!(
        "  server memory, its own (RssAnon): idle {} MiB, peak {peak} MiB (goal: under 1,024); during the upload {} MiB above its start (goal: under 300)",
        idle.own,
        upload_peak.saturating_sub(upload_rss.own)
    );
    println!(
        "  and the database's pages mapped into it (RssFile, the kernel's file cache): idle {} MiB, peak {peak_mapped} MiB; all resident at the peak of its own: {} MiB",
        idle.mapped,
        samples
            .iter()
            .max_by_key(|s| s.1.own)
            .map_or(0, |s| s.1.own + s.1.mapped)
    );
    println!(
        "  goals: at least 500 requests/s with p95 under 300 ms, none over 2 s and no error, in every phase"
    );
    Ok(())
}

/// The upload job's page.
async fn poll_job(conn: &mut Connection, job: &str, cookie: &str) -> Result<(u16, String)> {
    let (status, body) = conn.get_body(job, cookie).await?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// What a finished upload job's page says it came to (its summary or its refusal); `None`
/// while it runs.
fn finished_upload(page: &str) -> Option<String> {
    if page.contains("id=\"berjalan\"") {
        return None;
    }
    let said = ["id=\"hasil\"", "id=\"ditolak\""]
        .iter()
        .find_map(|marker| page.find(marker))
        .and_then(|at| {
            let rest = &page[at..];
            let start = rest.find('>')? + 1;
            let end = rest.find("</p>")?;
            Some(rest[start..end].trim().to_string())
        });
    Some(said.unwrap_or_else(|| "selesai".into()))
}
