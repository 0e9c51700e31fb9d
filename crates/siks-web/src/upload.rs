//! Uploads of filled-in templates: new households, corrections, removals and verivali results.
//! `siks upload` and the page both come through [`run_upload`]. On the page every upload is a
//! job in the background: the post waits a moment (a small file is done by then), then sends
//! the operator to the job's own page, which shows a progress bar while it runs (and reloads
//! itself, so a reload of the browser loses nothing), can cancel it, and at the end shows the
//! report by cell with the error report to download. Jobs live in the server's memory for
//! [`KEEP_FINISHED`]; a restart forgets them (what was written stays written).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;

use crate::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use siks_domain::UserId;
use siks_service::uploads::{UploadMode, UploadReport, UploadRow, UploadRun};
use siks_sheets::read::Table;
use siks_sheets::upload::Refusal;
use siks_sheets::{Format, ReportProblem, ReportSheet, SheetError};
use tokio::sync::watch;
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::pages::{Nav, form_value, render, see};

/// The kinds of upload: the templates that can come back filled in.
pub const UPLOAD_KINDS: &[(&str, &str)] = &[
    ("rumah-tangga-baru", "Rumah tangga baru dengan anggotanya"),
    ("perbaikan", "Perbaikan anggota"),
    ("perbaikan-ruta", "Perbaikan rumah tangga"),
    ("penghapusan", "Usulan penghapusan"),
    ("hasil-verivali", "Hasil verivali"),
];

/// How long the post waits for a job before it sends the operator to the progress page.
pub const UPLOAD_WAIT: Duration = Duration::from_secs(3);
/// How long a finished job (and its error report) stays to be looked at.
pub const KEEP_FINISHED: Duration = Duration::from_secs(6 * 60 * 60);

/// What an upload came to: refused as a file, or checked row by row against the register.
pub enum UploadOutcome {
    Refused(Refusal),
    Checked {
        report: UploadReport,
        /// The sheets as read (one; two for new households).
        tables: Vec<Table>,
    },
}

/// One problem as the page and the command list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemLine {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl UploadOutcome {
    /// Every problem, sheet by sheet.
    pub fn problems(&self) -> Vec<ProblemLine> {
        match self {
            UploadOutcome::Refused(refusal) => refusal
                .cells()
                .iter()
                .map(|p| ProblemLine {
                    sheet: p.sheet.clone(),
                    row: p.row,
                    column: p.column.clone(),
                    value: p.value.clone(),
                    reason: p.reason.clone(),
                })
                .collect(),
            UploadOutcome::Checked { report, .. } => report
                .problems
                .iter()
                .map(|p| ProblemLine {
                    sheet: p.sheet.to_string(),
                    row: p.row,
                    column: p.column.clone(),
                    value: p.value.clone(),
                    reason: p.reason.clone(),
                })
                .collect(),
        }
    }

    pub fn warnings(&self) -> Vec<String> {
        match self {
            UploadOutcome::Refused(_) => Vec::new(),
            UploadOutcome::Checked { tables, .. } => {
                tables.iter().flat_map(|t| t.warnings.clone()).collect()
            }
        }
    }

    /// Writes the error report to `path` when there is anything to report: a sheet per
    /// uploaded sheet, its rows copied, its faulty cells marked. `false`: nothing to report.
    pub fn write_error_report(&self, path: &std::path::Path) -> Result<bool, SheetError> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(false);
        }
        let tables: Vec<&Table> = match self {
            UploadOutcome::Refused(refusal) => refusal.table().into_iter().collect(),
            UploadOutcome::Checked { tables, .. } => tables.iter().collect(),
        };
        if tables.is_empty() {
            return Ok(false);
        }
        let sheets: Vec<ReportSheet> = tables
            .iter()
            .map(|t| ReportSheet {
                name: &t.sheet,
                header: &t.header,
                rows: &t.rows,
                problems: problems
                    .iter()
                    .filter(|p| p.sheet == t.sheet)
                    .map(|p| ReportProblem {
                        row: p.row,
                        column: p.column.clone(),
                        reason: p.reason.clone(),
                    })
                    .collect(),
            })
            .collect();
        siks_sheets::write_error_report(path, &sheets)?;
        Ok(true)
    }
}

/// Reads an upload of `kind` and hands its rows to the store. `Err` only for an unknown kind or
/// a store failure.
pub async fn run_upload(
    service: &siks_service::Service,
    actor: &siks_domain::Actor,
    kind: &str,
    bytes: &[u8],
    format: Format,
    run: &UploadRun,
) -> Result<UploadOutcome, WebError> {
    use siks_service::uploads::{REMOVAL_COLUMNS, RESULT_COLUMNS};
    use siks_sheets::upload::{households_rows, member_rows, new_households_rows, template_rows};
    // The cells go to the check and come back for the error report: the sheet is held once.
    let rows_of = |rows: &mut siks_sheets::upload::MemberRows| -> Vec<UploadRow> {
        let sheet: Arc<str> = Arc::from(rows.table.sheet.as_str());
        let columns: Arc<[Option<&'static str>]> = rows.columns().into();
        rows.take_rows()
            .into_iter()
            .map(|(row, cells)| UploadRow {
                sheet: sheet.clone(),
                row,
                columns: columns.clone(),
                cells,
            })
            .collect()
    };
    let put_back = |rows: &mut siks_sheets::upload::MemberRows, upload: Vec<UploadRow>| {
        rows.put_back(upload.into_iter().map(|row| row.cells));
    };
    if kind == "rumah-tangga-baru" {
        let (mut households, mut members) = match new_households_rows(bytes, format) {
            Ok(read) => read,
            Err(refusal) => return Ok(UploadOutcome::Refused(refusal)),
        };
        let (household_rows, member_rows) = (rows_of(&mut households), rows_of(&mut members));
        let report = service
            .upload_new_households(actor, &household_rows, &member_rows, run)
            .await;
        put_back(&mut households, household_rows);
        put_back(&mut members, member_rows);
        let report = report?;
        return Ok(UploadOutcome::Checked {
            report,
            tables: vec![households.table, members.table],
        });
    }
    let read = match kind {
        "perbaikan" => member_rows(bytes, format),
        "perbaikan-ruta" => households_rows(bytes, format),
        "penghapusan" => template_rows(bytes, format, "Penghapusan", REMOVAL_COLUMNS),
        "hasil-verivali" => template_rows(bytes, format, "Hasil verivali", RESULT_COLUMNS),
        _ => {
            return Err(WebError::field(
                "jenis",
                "pilih rumah-tangga-baru, perbaikan, perbaikan-ruta, penghapusan atau hasil-verivali",
            ));
        }
    };
    let mut rows = match read {
        Ok(rows) => rows,
        Err(refusal) => return Ok(UploadOutcome::Refused(refusal)),
    };
    let upload = rows_of(&mut rows);
    let report = match kind {
        "perbaikan" => service.upload_person_corrections(actor, &upload, run).await,
        "perbaikan-ruta" => {
            service
                .upload_household_corrections(actor, &upload, run)
                .await
        }
        "penghapusan" => service.upload_removals(actor, &upload, run).await,
        _ => service.upload_results(actor, &upload, run).await,
    };
    put_back(&mut rows, upload);
    let report = report?;
    Ok(UploadOutcome::Checked {
        report,
        tables: vec![rows.table],
    })
}

/// One line on what an upload did, as the page and the command print it (the page in its
/// reader's language; the command, outside any request, in Indonesian).
pub fn summary(kind: &str, report: &UploadReport) -> String {
    Tally::of(report).line(kind)
}

/// The figures of what an upload did, kept with a finished job so that its page words them
/// in the language of whoever reads it (the job runs where no request's language is).
#[derive(Debug, Clone, Copy)]
struct Tally {
    proposed: usize,
    unchanged: u64,
    already_proposed: u64,
    problems: usize,
    written: bool,
    cancelled: bool,
}

impl Tally {
    fn of(report: &UploadReport) -> Tally {
        Tally {
            proposed: report.proposed.len(),
            unchanged: report.unchanged,
            already_proposed: report.already_proposed,
            problems: report.problems.len(),
            written: report.written,
            cancelled: report.cancelled,
        }
    }

    /// See [`summary`].
    fn line(&self, kind: &str) -> String {
        use crate::lang::tf;
        let line = match kind {
            "hasil-verivali" => tf(
                "{} temuan diselesaikan, {} sudah diselesaikan sebelumnya, {} baris bermasalah",
                &[
                    &if self.written { self.unchanged } else { 0 },
                    &self.already_proposed,
                    &self.problems,
                ],
            ),
            "rumah-tangga-baru" => tf(
                "{} usulan rumah tangga baru dibuat (draf), {} sudah terdaftar di register, {} sudah diusulkan, {} baris bermasalah",
                &[
                    &self.proposed,
                    &self.unchanged,
                    &self.already_proposed,
                    &self.problems,
                ],
            ),
            "penghapusan" => tf(
                "{} usulan penghapusan dibuat (draf), {} baris sama dengan register, {} sudah diusulkan, {} baris bermasalah",
                &[
                    &self.proposed,
                    &self.unchanged,
                    &self.already_proposed,
                    &self.problems,
                ],
            ),
            _ => tf(
                "{} usulan perbaikan dibuat (draf), {} baris sama dengan register, {} sudah diusulkan, {} baris bermasalah",
                &[
                    &self.proposed,
                    &self.unchanged,
                    &self.already_proposed,
                    &self.problems,
                ],
            ),
        };
        if self.cancelled {
            tf("{}; dibatalkan", &[&line])
        } else {
            line
        }
    }
}

/// Why a finished job kept nothing, or not all, kept so that its page words it in the language
/// of whoever reads it.
#[derive(Debug, Clone)]
enum Stop {
    /// The server failed midway.
    Failed,
    /// A refusal already worded (Indonesian only).
    Said(String),
    /// The file refused as a whole, for this reason (Indonesian only).
    File(String),
    /// Cancelled after this many proposals were kept.
    CancelledAfter(usize),
    /// Cancelled before anything was kept.
    Cancelled,
    /// Problems, all or nothing: nothing kept.
    NothingKept,
}

impl Stop {
    fn words(&self) -> String {
        use crate::lang::{t, tf};
        match self {
            Stop::Failed => t(
                "Terjadi galat di server; tidak semua baris tersimpan. Unggah lagi: baris yang sudah tersimpan tidak dibuat dua kali.",
            )
            .to_string(),
            Stop::Said(message) => message.clone(),
            Stop::File(reason) => tf("{}; tidak ada yang disimpan", &[reason]),
            Stop::CancelledAfter(n) => tf(
                "Dibatalkan: {} usulan sudah tersimpan sebelum dibatalkan (masing-masing utuh); unggah lagi untuk melanjutkan, yang sudah ada tidak dibuat dua kali.",
                &[n],
            ),
            Stop::Cancelled => t("Dibatalkan: tidak ada yang disimpan.").to_string(),
            Stop::NothingKept => t(
                "Tidak ada yang disimpan: perbaiki baris bermasalah, atau centang \"simpan baris yang sah\".",
            )
            .to_string(),
        }
    }
}

/// The page's uploads: running and recently finished, each its uploader's alone.
#[derive(Default)]
pub struct UploadJobs {
    jobs: Mutex<HashMap<Uuid, Arc<UploadJob>>>,
}

struct UploadJob {
    id: Uuid,
    owner: UserId,
    kind: &'static str,
    file_name: String,
    started: Instant,
    progress: Arc<siks_service::uploads::UploadProgress>,
    done: watch::Sender<Option<Arc<JobResult>>>,
}

/// Problems a job's page lists; the error report holds them all.
pub const PAGE_PROBLEMS: usize = 1_000;

/// What a finished job shows.
struct JobResult {
    summary: Option<Tally>,
    warnings: Vec<String>,
    refusal: Option<Stop>,
    /// The first [`PAGE_PROBLEMS`] problems, and how many there are in all.
    problems: Vec<ProblemLine>,
    problem_count: usize,
    /// The error report (its rows hold NIKs), sealed on disk, while the job is kept.
    report: Option<SealedFile>,
    written: bool,
    finished: Instant,
}

impl UploadJobs {
    fn add(&self, job: Arc<UploadJob>) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.retain(|_, j| {
                j.done
                    .borrow()
                    .as_ref()
                    .is_none_or(|r| r.finished.elapsed() < KEEP_FINISHED)
            });
            jobs.insert(job.id, job);
        }
    }

    /// How many jobs are kept, by kind and state (running, cancelling, done, refused), for
    /// `/metrics`.
    pub fn counts_by_state(&self) -> Vec<(&'static str, &'static str, usize)> {
        let Ok(jobs) = self.jobs.lock() else {
            return Vec::new();
        };
        let mut counts: std::collections::BTreeMap<(&'static str, &'static str), usize> =
            Default::default();
        for job in jobs.values() {
            let state = match job.done.borrow().as_ref() {
                None if job.progress.cancelled() => "cancelling",
                None => "running",
                Some(result) if result.refusal.is_some() => "refused",
                Some(_) => "done",
            };
            *counts.entry((job.kind, state)).or_default() += 1;
        }
        counts.into_iter().map(|((k, s), n)| (k, s, n)).collect()
    }

    /// The job `id` if `owner` started it (anyone else's looks like none).
    fn get(&self, id: Uuid, owner: UserId) -> Option<Arc<UploadJob>> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(&id).filter(|j| j.owner == owner).cloned()
    }

    /// `owner`'s finished uploads that were refused or found problems, newest first.
    pub fn with_problems(&self, owner: UserId) -> Vec<Uuid> {
        self.of(owner)
            .into_iter()
            .filter(|j| {
                j.done
                    .borrow()
                    .as_ref()
                    .is_some_and(|r| r.refusal.is_some() || r.problem_count > 0)
            })
            .map(|j| j.id)
            .collect()
    }

    /// `owner`'s jobs, newest first.
    fn of(&self, owner: UserId) -> Vec<Arc<UploadJob>> {
        let Ok(jobs) = self.jobs.lock() else {
            return Vec::new();
        };
        let mut mine: Vec<Arc<UploadJob>> = jobs
            .values()
            .filter(|j| j.owner == owner)
            .cloned()
            .collect();
        mine.sort_by_key(|j| std::cmp::Reverse(j.started));
        mine
    }
}

#[derive(askama::Template)]
#[template(path = "upload.html")]
struct UploadPage {
    nav: Option<Nav>,
    /// (key, label, chosen).
    kinds: Vec<(&'static str, &'static str, bool)>,
    /// (link, file name, kind label, state).
    recent: Vec<(String, String, &'static str, String)>,
}

pub async fn upload_form(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Html<String>, WebError> {
    let recent = state
        .uploads
        .of(user.session.actor.user_id)
        .iter()
        .take(10)
        .map(|j| {
            (
                format!("/unggah/{}", j.id),
                j.file_name.clone(),
                crate::lang::t(kind_label(j.kind)),
                match j.done.borrow().as_ref() {
                    None => crate::lang::t("berjalan").to_string(),
                    Some(r) => match &r.summary {
                        Some(tally) => tally.line(j.kind),
                        None => crate::lang::t("ditolak").to_string(),
                    },
                },
            )
        })
        .collect();
    render(UploadPage {
        nav: Nav::of(&user),
        kinds: UPLOAD_KINDS
            .iter()
            .map(|(k, l)| (*k, crate::lang::t(l), *k == "perbaikan"))
            .collect(),
        recent,
    })
}

fn kind_label(kind: &str) -> &'static str {
    UPLOAD_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// `POST /unggah`: starts the job, waits a moment for it, and sends the operator to its page.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let (form, file) =
        crate::workflow::read_multipart(multipart, "berkas", crate::LIST_BODY_LIMIT / 1024).await?;
    user.check_csrf(form_value(&form, "csrf"))?;
    let bytes = file
        .ok_or_else(|| WebError::field("berkas", crate::lang::t("pilih berkas .xlsx atau .csv")))?;
    let name = form_value(&form, "berkas:name").to_string();
    let format = name
        .rsplit_once('.')
        .and_then(|(_, e)| Format::parse(e))
        .ok_or_else(|| WebError::field("berkas", crate::lang::t("berkas harus .xlsx atau .csv")))?;
    let chosen = form_value(&form, "jenis");
    let kind = UPLOAD_KINDS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| {
            *k == if chosen.is_empty() {
                "perbaikan"
            } else {
                chosen
            }
        })
        .ok_or_else(|| WebError::field("jenis", crate::lang::t("jenis unggahan tidak dikenal")))?;
    let mode = if form_value(&form, "sebagian") == "1" {
        UploadMode::ValidOnly
    } else {
        UploadMode::AllOrNothing
    };
    let run = UploadRun::new(mode, format!("unggahan {name}"));
    let job = Arc::new(UploadJob {
        id: Uuid::now_v7(),
        owner: user.session.actor.user_id,
        kind,
        file_name: name,
        started: Instant::now(),
        progress: run.progress.clone(),
        done: watch::channel(None).0,
    });
    state.uploads.add(job.clone());
    let mut finished = job.done.subscribe();
    let (service, actor) = (state.service.clone(), user.session.actor.clone());
    let running = job.clone();
    // The job outlives the request: its log lines name the job and the request that started it.
    let span = tracing::info_span!(
        "upload_job",
        job = %job.id,
        kind = job.kind,
        started_by = crate::observe::request_id().as_deref().unwrap_or("-")
    );
    // Parsing and checking a sheet of 100,000 rows is CPU work: off the async workers, and
    // behind the pages of the people waiting.
    let checking = crate::observe::spawn_background_job(tracing::Instrument::instrument(
        async move {
            let result =
                finish(run_upload(&service, &actor, kind, &bytes, format, &run).await).await;
            running.done.send_replace(Some(Arc::new(result)));
        },
        span,
    ));
    // A job whose thread did not start or that panicked ends as failed, never "running" on.
    let watched = job.clone();
    tokio::spawn(async move {
        if let Err(e) = checking.end().await {
            watched
                .done
                .send_replace(Some(Arc::new(finish(Err(e)).await)));
        }
    });
    let wait = state.config.upload_wait.unwrap_or(UPLOAD_WAIT);
    // Done or not, the job's page tells; the wait only spares a small file the progress page.
    let _ = tokio::time::timeout(wait, finished.wait_for(Option::is_some)).await;
    Ok(see(format!("/unggah/{}", job.id)))
}

/// The page's view of an outcome, with its error report written.
async fn finish(outcome: Result<UploadOutcome, WebError>) -> JobResult {
    let mut result = JobResult {
        summary: None,
        warnings: Vec::new(),
        refusal: None,
        problems: Vec::new(),
        problem_count: 0,
        report: None,
        written: false,
        finished: Instant::now(),
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(cause = %crate::observe::mask_digits(&e.message()), "upload job failed");
            result.refusal = Some(match e {
                WebError::Internal(_) => Stop::Failed,
                other => Stop::Said(other.message()),
            });
            return result;
        }
    };
    result.problems = outcome.problems();
    result.problem_count = result.problems.len();
    result.problems.truncate(PAGE_PROBLEMS);
    result.warnings = outcome.warnings();
    match &outcome {
        UploadOutcome::Refused(refusal) => {
            result.refusal = Some(Stop::File(refusal.to_string()));
        }
        UploadOutcome::Checked { report, .. } => {
            result.summary = Some(Tally::of(report));
            result.written = report.written;
            if report.cancelled {
                result.refusal = Some(if report.written {
                    Stop::CancelledAfter(report.proposed.len())
                } else {
                    Stop::Cancelled
                });
            } else if !report.written {
                result.refusal = Some(Stop::NothingKept);
            }
        }
    }
    let written = tokio::task::spawn_blocking(move || {
        let file = tempfile::Builder::new()
            .prefix("siks-laporan-")
            .suffix(".xlsx")
            .tempfile()
            .map_err(|e| e.to_string())?;
        let wrote = outcome
            .write_error_report(file.path())
            .map_err(|e| e.english())?;
        if !wrote {
            return Ok(None);
        }
        // The clear report lives only while it is sealed; `file` is removed on return.
        SealedFile::seal(file.path())
            .map(Some)
            .map_err(|e| e.to_string())
    })
    .await;
    match written {
        Ok(Ok(report)) => result.report = report,
        Ok(Err(e)) => {
            tracing::error!(cause = %crate::observe::mask_digits(&e), "error report not written")
        }
        Err(e) => tracing::error!(cause = %e, "error report task failed"),
    }
    result.finished = Instant::now();
    result
}

#[derive(askama::Template)]
#[template(path = "upload_job.html")]
struct JobPage {
    nav: Option<Nav>,
    id: Uuid,
    file_name: String,
    kind: &'static str,
    /// While running: (phase, done, total).
    running: Option<(&'static str, u64, u64)>,
    cancelling: bool,
    summary: Option<String>,
    warnings: Vec<String>,
    refusal: Option<String>,
    problems: Vec<ProblemLine>,
    /// Problems beyond those listed.
    unlisted: usize,
    report: bool,
}

/// The user's own job `id` (anyone else's is not found).
fn job_of(state: &AppState, user: &PageUser, id: Uuid) -> Result<Arc<UploadJob>, WebError> {
    state
        .uploads
        .get(id, user.session.actor.user_id)
        .ok_or(WebError::NotFound)
}

/// `GET /unggah/{id}`: the job's progress while it runs (the page reloads itself), its report
/// when done (422 when nothing was written).
pub async fn job_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let job = job_of(&state, &user, id)?;
    let done = job.done.borrow().clone();
    let mut page = JobPage {
        nav: Nav::of(&user),
        id,
        file_name: job.file_name.clone(),
        kind: crate::lang::t(kind_label(job.kind)),
        running: None,
        cancelling: job.progress.cancelled(),
        summary: None,
        warnings: Vec::new(),
        refusal: None,
        problems: Vec::new(),
        unlisted: 0,
        report: false,
    };
    let Some(result) = done else {
        let now = job.progress.now();
        page.running = Some((
            crate::lang::t(if now.writing {
                "Menyimpan usulan"
            } else {
                "Memeriksa baris"
            }),
            now.done,
            now.total,
        ));
        return Ok(render(page)?.into_response());
    };
    page.summary = result.summary.map(|tally| tally.line(job.kind));
    page.warnings = result.warnings.clone();
    page.refusal = result.refusal.as_ref().map(Stop::words);
    page.problems = result.problems.clone();
    page.unlisted = result.problem_count - result.problems.len();
    page.report = result.report.is_some();
    let html = render(page)?;
    Ok(if result.written {
        html.into_response()
    } else {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
    })
}

/// `POST /unggah/{id}/batal`: asks a running job to stop (see `UploadProgress::cancel`).
pub async fn cancel(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    crate::extract::Form(form): crate::extract::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let job = job_of(&state, &user, id)?;
    job.progress.cancel();
    Ok(see(format!("/unggah/{id}")))
}

/// `GET /unggah/{id}/laporan.xlsx`: the job's error report.
pub async fn report(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let job = job_of(&state, &user, id)?;
    let done = job.done.borrow().clone();
    let sealed = done
        .as_ref()
        .and_then(|r| r.report.clone())
        .ok_or(WebError::NotFound)?;
    let bytes = tokio::task::spawn_blocking(move || sealed.open())
        .await
        .map_err(|e| WebError::Internal(format!("error report task: {e}")))?
        .map_err(|e| WebError::Internal(format!("open error report: {e}")))?;
    let stem = job
        .file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(&job.file_name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                Format::Xlsx.content_type().to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"laporan-galat-{stem}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A job's file sealed on disk (issue 19 item 1: no NIK in clear in a kept job file):
/// encrypted with XChaCha20-Poly1305 under a key of its own that lives only in this server's
/// memory, so that the file a copy of the disk holds opens for nobody. The report is written in
/// clear first (the sheet writer writes a file), 0600, and removed as soon as it is sealed: a
/// crash in those moments can leave it in the temporary folder. Cheap to clone (the file is
/// shared).
#[derive(Clone)]
pub(crate) struct SealedFile {
    file: Arc<tempfile::NamedTempFile>,
    key: [u8; 32],
    nonce: [u8; 24],
}

impl SealedFile {
    /// Seals the file at `plain` into a new temporary file.
    pub(crate) fn seal(plain: &std::path::Path) -> std::io::Result<SealedFile> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let key: [u8; 32] = rand::random();
        let nonce: [u8; 24] = rand::random();
        let cipher = chacha20poly1305::XChaCha20Poly1305::new((&key).into());
        let sealed = cipher
            .encrypt((&nonce).into(), std::fs::read(plain)?.as_slice())
            .map_err(|_| std::io::Error::other("sealing failed"))?;
        let file = tempfile::Builder::new()
            .prefix("siks-laporan-")
            .suffix(".sealed")
            .tempfile()?;
        std::fs::write(file.path(), sealed)?;
        Ok(SealedFile {
            file: Arc::new(file),
            key,
            nonce,
        })
    }

    /// The file's content, opened.
    pub(crate) fn open(&self) -> std::io::Result<Vec<u8>> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let cipher = chacha20poly1305::XChaCha20Poly1305::new((&self.key).into());
        cipher
            .decrypt(
                (&self.nonce).into(),
                std::fs::read(self.file.path())?.as_slice(),
            )
            .map_err(|_| std::io::Error::other("the sealed file does not open"))
    }
}

#[cfg(test)]
mod sealed_tests {
    use super::SealedFile;

    /// An error report's NIKs are not on disk in clear; it opens whole from memory's key.
    #[test]
    fn a_job_file_is_sealed_on_disk_and_opens_whole() {
        let plain = tempfile::NamedTempFile::new().unwrap();
        let content = b"NIK,Nama\n3523014107990001,Siti Aminah\n".repeat(100);
        std::fs::write(plain.path(), &content).unwrap();
        let sealed = SealedFile::seal(plain.path()).unwrap();
        let on_disk = std::fs::read(sealed.file.path()).unwrap();
        assert!(
            !on_disk.windows(16).any(|w| w == b"3523014107990001"),
            "no NIK in clear"
        );
        assert_eq!(sealed.open().unwrap(), content);
        let copy = sealed.clone();
        drop(sealed);
        assert_eq!(copy.open().unwrap(), content, "clones share the file");
    }
}
