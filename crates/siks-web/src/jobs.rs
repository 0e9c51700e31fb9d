//! The pages and API of jobs kept in the database (ADR 0014): a check run or a period close is
//! started from its page, runs on a blocking thread, and is followed on `/tugas/{id}`, which
//! reloads itself while the job runs. The post waits a moment first: a small run is done by then
//! and goes straight back to its page with what it came to, as before there were jobs.

use std::time::Duration;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::jobs::{JobId, JobRequest, JobState};
use siks_domain::workflow::Period;
use siks_domain::{Actor, Bilingual, RegionCode};
use siks_service::jobs::JobRecord;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::extract::{ApiJson, ApiPath, Form, Path, Query};
use crate::pages::{Nav, form_value, render, see};

/// How long a post waits for its job before showing the job's page.
pub const JOB_WAIT: Duration = Duration::from_secs(3);

/// How many jobs run at once; the rest wait, queued, for a slot. Each takes a blocking thread, a
/// database connection and much of a core, and this machine has two.
pub const JOB_SLOTS: usize = 2;

/// Runs the job as `actor` once a slot is free, on a thread of its own at bulk work's lower CPU
/// priority (a job waiting for its slot holds none). A run that fails to record itself or panics ends the job as failed (best effort),
/// so that no job stays "running" while nothing runs it. Its log lines carry the span, and so the
/// id, of the request that started it.
fn launch(state: &AppState, actor: Actor, id: JobId) -> tokio::task::JoinHandle<()> {
    use tracing::Instrument;
    let (service, slots) = (state.service.clone(), state.job_slots.clone());
    let waiting = async move {
        let Ok(slot) = slots.acquire_owned().await else {
            return;
        };
        let _ = crate::observe::spawn_background_job(run_in_slot(service, actor, id, slot))
            .end()
            .await;
    };
    tokio::spawn(waiting.instrument(tracing::Span::current()))
}

/// The job's run itself, holding its slot until it ends.
async fn run_in_slot(
    service: siks_service::Service,
    actor: Actor,
    id: JobId,
    _slot: tokio::sync::OwnedSemaphorePermit,
) {
    use futures_util::FutureExt;
    let today = service.today();
    let run = std::panic::AssertUnwindSafe(service.run_job(&actor, id, today))
        .catch_unwind()
        .await;
    match run {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(job = %id, cause = %crate::observe::mask_digits(&e.english()), "job could not be recorded");
            service.give_up(&actor, id).await;
        }
        Err(_) => {
            tracing::error!(job = %id, "job panicked");
            service.give_up(&actor, id).await;
        }
    }
}

/// A job kept and launched: its record and the task that runs it.
type Launched = (JobRecord, tokio::task::JoinHandle<()>);

/// Keeps and launches a job in a task of its own, so that a client that goes away between the
/// two cannot leave a job kept and never run. The store's refusal comes back as it is, to be
/// worded on the request's own task (the spawned one has no language): a page and the API say it
/// in the request's language.
async fn keep_and_launch(
    state: &AppState,
    actor: &Actor,
    request: JobRequest,
) -> Result<Result<Launched, siks_service::ServiceError>, WebError> {
    let (task_state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        let job = task_state.service.start_job(&actor, &request).await?;
        let running = launch(&task_state, actor, job.id);
        Ok::<_, siks_service::ServiceError>((job, running))
    })
    .await
    .map_err(|e| WebError::Internal(format!("job start task failed: {e}")))
}

/// A refusal to start a job, as a page shows it: in its reader's language.
fn refused_on_page(e: siks_service::ServiceError) -> WebError {
    match e {
        siks_service::ServiceError::Invalid { .. } => WebError::invalid(crate::lang::say(&e)),
        siks_service::ServiceError::Conflict { .. } => WebError::Conflict(crate::lang::say(&e)),
        other => other.into(),
    }
}

/// A job's name as a page shows it, in its reader's language (the API keeps the domain's
/// [`JobRequest::label`], which this follows).
fn shown_label(request: &JobRequest) -> String {
    use crate::lang::{t, tf};
    match request {
        JobRequest::CheckRun { region: Some(r) } => {
            let place = siks_domain::Regions::embedded()
                .get(r)
                .map(|region| format!("{} ({r})", region.name))
                .unwrap_or_else(|| tf("wilayah {}", &[r]));
            tf("Pemeriksaan verivali {}", &[&place])
        }
        JobRequest::CheckRun { region: None } => {
            t("Pemeriksaan verivali seluruh wilayah kerja").to_string()
        }
        JobRequest::PeriodClose { period } => tf(
            "Penutupan periode {}",
            &[&siks_domain::show::period(&period.to_string())],
        ),
        JobRequest::ListBuild { period } => tf(
            "Pembangunan daftar penerima periode {}",
            &[&siks_domain::show::period(&period.to_string())],
        ),
        JobRequest::RuleDryRun { programme, .. } => tf("Uji coba aturan program {}", &[programme]),
    }
}

/// The page a job's work belongs to, where its outcome is shown when it ends quickly (a rules
/// dry run's page is the job's own table).
fn home_of(id: JobId, request: &JobRequest) -> String {
    match request {
        JobRequest::CheckRun { .. } => "/temuan".into(),
        JobRequest::PeriodClose { .. } => "/periode".into(),
        JobRequest::ListBuild { period } => format!("/program?periode={period}"),
        JobRequest::RuleDryRun { programme, .. } => {
            format!("/program/{}/uji/{id}", crate::auth::urlencode(programme))
        }
    }
}

/// Keeps and starts a job for the page's user, waits up to [`JOB_WAIT`] for it, then answers
/// with its page's outcome (done in time) or the job's own page.
pub(crate) async fn start_and_wait(
    state: &AppState,
    user: &PageUser,
    request: JobRequest,
) -> Result<Response, WebError> {
    start_and_wait_from(state, user, request, None, "").await
}

/// [`start_and_wait`] for a job that follows other work on another page (a list kept, then the
/// check run that matches it): done in time, the answer goes back to `home` (default: the page
/// the job's work belongs to) with `lead` (what that work came to) before the job's outcome; the
/// job's own page otherwise.
pub(crate) async fn start_and_wait_from(
    state: &AppState,
    user: &PageUser,
    request: JobRequest,
    home: Option<&str>,
    lead: &str,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let (job, running) = keep_and_launch(state, actor, request)
        .await?
        .map_err(refused_on_page)?;
    let home = home
        .map(str::to_string)
        .unwrap_or_else(|| home_of(job.id, &job.request));
    let wait = state.config.job_wait.unwrap_or(JOB_WAIT);
    // Done or not, the job's page tells; the wait only spares a small run the progress page.
    if tokio::time::timeout(wait, running).await.is_ok() {
        let ended = state.service.job(actor, job.id).await?;
        // A dry run's page shows its job's own outcome beside the table.
        if ended.state == JobState::Done && matches!(ended.request, JobRequest::RuleDryRun { .. }) {
            return Ok(see(home));
        }
        if ended.state == JobState::Done {
            let outcome = ended.outcome.unwrap_or_default();
            let outcome = if lead.is_empty() {
                outcome
            } else {
                format!("{lead}; {outcome}")
            };
            return Ok(see(crate::notice::to(&user.session.actor, &home, &outcome)));
        }
    }
    // Not done in time: the job's page, which also says what the work before it came to.
    Ok(see(if lead.is_empty() {
        format!("/tugas/{}", job.id)
    } else {
        crate::notice::to(&user.session.actor, &format!("/tugas/{}", job.id), lead)
    }))
}

/// One job as a page shows it.
struct JobLine {
    id: String,
    label: String,
    state: &'static str,
    state_key: &'static str,
    phase: String,
    done_steps: u64,
    total_steps: u64,
    outcome: Option<String>,
    created_at: String,
    finished_at: Option<String>,
    attempts: u64,
    may_run_again: bool,
    active: bool,
    home: String,
}

impl JobLine {
    /// The job as `user` reads it, its times in the user's time zone.
    fn of(user: &PageUser, job: &JobRecord) -> JobLine {
        let zone = crate::pages::zone_of(&user.session.actor.scope);
        JobLine {
            id: job.id.to_string(),
            label: shown_label(&job.request),
            state: crate::lang::t(job.state.label()),
            state_key: job.state.key(),
            phase: job.phase.clone(),
            done_steps: job.done_steps,
            total_steps: job.total_steps,
            outcome: job.outcome.clone(),
            created_at: zone.at(job.created_at),
            finished_at: job.finished_at.map(|t| zone.at(t)),
            attempts: job.attempts,
            may_run_again: job.state.may_run_again(),
            active: job.state.is_active(),
            home: home_of(job.id, &job.request),
        }
    }
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    nav: Option<Nav>,
    job: JobLine,
    /// What the work before the job came to (a list kept before its matching), when the post
    /// sent the user here.
    before: Option<String>,
}

/// The job page's query: what the work before the job came to.
#[derive(Deserialize, Default)]
pub struct JobPageQuery {
    pesan: Option<String>,
    /// The notice's signature ([`crate::notice`]).
    tanda: Option<String>,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    nav: Option<Nav>,
    jobs: Vec<JobLine>,
}

fn job_id(text: &str) -> Result<JobId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// `GET /tugas`: the user's last jobs.
pub async fn jobs_page(
    State(state): State<AppState>,
    user: PageUser,
) -> Result<Response, WebError> {
    let jobs = state.service.jobs_of(&user.session.actor, 50).await?;
    Ok(render(JobsPage {
        nav: Nav::of(&user),
        jobs: jobs.iter().map(|j| JobLine::of(&user, j)).collect(),
    })?
    .into_response())
}

/// `GET /tugas/{id}`: one job, its progress while it runs (the page reloads itself), its outcome
/// when it ends, and "Jalankan lagi" when it failed or was interrupted.
pub async fn job_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<JobPageQuery>,
) -> Result<Response, WebError> {
    let job = state.service.job(&user.session.actor, job_id(&id)?).await?;
    Ok(render(JobPage {
        nav: Nav::of(&user),
        job: JobLine::of(&user, &job),
        before: crate::notice::verified(&user.session.actor, q.pesan, q.tanda.as_deref()),
    })?
    .into_response())
}

/// `POST /tugas/{id}/ulang`: runs a failed or interrupted job again.
pub async fn run_again(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&form, "csrf"))?;
    let actor = &user.session.actor;
    let id = job_id(&id)?;
    // A close run again is a close: a fresh second factor first, then back to its page.
    if matches!(
        state.service.job(actor, id).await?.request,
        JobRequest::PeriodClose { .. }
    ) {
        user.require_fresh_factor(&state, &format!("/tugas/{id}"))?;
    }
    let job = state.service.run_again(actor, id).await?;
    launch(&state, actor.clone(), job.id);
    Ok(see(format!("/tugas/{}", job.id)))
}

/// A job as the API answers it.
pub fn job_answer(job: &JobRecord) -> crate::answers::JobAnswer {
    crate::answers::JobAnswer {
        id: job.id.to_string(),
        kind: job.request.kind_key().to_string(),
        label: job.request.label(),
        state: job.state.key().to_string(),
        phase: job.phase.clone(),
        done_steps: job.done_steps,
        total_steps: job.total_steps,
        outcome: job.outcome.clone(),
        region: job.region_code.clone(),
        created_at: job.created_at,
        started_at: job.started_at,
        finished_at: job.finished_at,
        attempts: job.attempts,
    }
}

/// The body of `POST /api/v1/jobs`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    /// `check-run`, `period-close`, `list-build` or `rule-dry-run`.
    #[schema(pattern = "^(check-run|period-close|list-build|rule-dry-run)$")]
    pub kind: String,
    /// check-run: a region code inside the scope (default the whole scope).
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")]
    pub region: Option<String>,
    /// period-close and list-build: YYYY-MM.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: Option<String>,
    /// rule-dry-run: the programme's code (PKH, SEMBAKO, …).
    #[serde(default)]
    pub programme: Option<String>,
    /// rule-dry-run: the definition to try (TOML), as the rules page edits it.
    #[serde(default)]
    pub definition: Option<String>,
}

impl NewJob {
    fn period(&self) -> Result<Period, WebError> {
        let period = self
            .period
            .as_deref()
            .ok_or_else(|| WebError::field("period", format!("wajib untuk {}", self.kind)))?;
        Period::parse(period).map_err(|e| WebError::field("period", e.indonesian()))
    }

    fn request(&self) -> Result<JobRequest, WebError> {
        match self.kind.as_str() {
            "check-run" => Ok(JobRequest::CheckRun {
                region: self
                    .region
                    .as_deref()
                    .map(|r| {
                        RegionCode::parse_known(r)
                            .map_err(|e| WebError::field("region", e.to_string()))
                    })
                    .transpose()?,
            }),
            "period-close" => Ok(JobRequest::PeriodClose {
                period: self.period()?,
            }),
            "list-build" => Ok(JobRequest::ListBuild {
                period: self.period()?,
            }),
            "rule-dry-run" => {
                let wanted = |field: &'static str, value: &Option<String>| {
                    value
                        .clone()
                        .filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| WebError::field(field, format!("wajib untuk {}", self.kind)))
                };
                Ok(JobRequest::RuleDryRun {
                    programme: wanted("programme", &self.programme)?,
                    definition: wanted("definition", &self.definition)?,
                })
            }
            other => Err(WebError::field(
                "kind",
                format!(
                    "jenis tugas '{other}' tidak dikenal: check-run, period-close, list-build atau rule-dry-run"
                ),
            )),
        }
    }
}

/// `POST /api/v1/jobs`: keeps and starts a job; answers 202 with it at once.
pub async fn api_start(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewJob>,
) -> Result<Response, ApiError> {
    user.check_csrf(&headers)?;
    let request = body.request()?;
    if matches!(request, JobRequest::PeriodClose { .. }) {
        user.require_fresh_factor(&state)?;
    }
    let (job, _) = keep_and_launch(&state, &user.session.actor, request).await??;
    Ok((StatusCode::ACCEPTED, Json(job_answer(&job))).into_response())
}

/// `GET /api/v1/jobs`: the caller's last jobs.
pub async fn api_list(State(state): State<AppState>, user: ApiUser) -> Result<Response, ApiError> {
    let jobs = state.service.jobs_of(&user.session.actor, 50).await?;
    Ok(Json(crate::answers::JobsAnswer {
        jobs: jobs.iter().map(job_answer).collect(),
    })
    .into_response())
}

/// `GET /api/v1/jobs/{id}`: one of the caller's jobs.
pub async fn api_job(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let job = state.service.job(&user.session.actor, job_id(&id)?).await?;
    Ok(Json(job_answer(&job)).into_response())
}

/// `POST /api/v1/jobs/{id}/retry`: runs a failed or interrupted job again; answers 202.
pub async fn api_run_again(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    user.check_csrf(&headers)?;
    let actor = &user.session.actor;
    let id = job_id(&id)?;
    // A close run again is a close: a person's fresh second factor, never a token.
    if matches!(
        state.service.job(actor, id).await?.request,
        JobRequest::PeriodClose { .. }
    ) {
        user.require_fresh_factor(&state)?;
    }
    let job = state.service.run_again(actor, id).await?;
    launch(&state, actor.clone(), job.id);
    Ok((StatusCode::ACCEPTED, Json(job_answer(&job))).into_response())
}
