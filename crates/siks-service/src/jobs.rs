//! Jobs: a check run or a period close kept in the database and run in the background, with
//! progress a page can show and an end that outlives the request (and the server). Starting one
//! checks what the work itself would check first, so that a refusal comes at once and no job is
//! kept for it; running one claims it, reports each phase and records what it came to.
//!
//! Where a job runs is the edge's business: the server runs it on a blocking thread (so that its
//! CPU work never occupies an async worker), a test or the command line may simply await it.

use chrono::NaiveDate;
use siks_domain::jobs::{JobId, JobRequest};
use siks_domain::{Actor, Bilingual};
use siks_store::jobs::JobRecord;
use siks_store::{Result, Store};

/// Keeps a new job for `actor`, after the checks its work would make first (the role, the
/// region in scope): a refused request keeps nothing.
pub async fn start_job(store: &Store, actor: &Actor, request: &JobRequest) -> Result<JobRecord> {
    match request {
        JobRequest::CheckRun { region } => {
            siks_store::findings::check_may_run_checks(actor, region.as_ref())?;
        }
        JobRequest::PeriodClose { .. } => siks_store::periods::check_may_close(actor)?,
    }
    let job = store.create_job(actor, request).await?;
    tracing::info!(job = %job.id, kind = request.kind_key(), "job kept");
    Ok(job)
}

/// Runs a queued job to its end, as the actor who started it: the store refuses what that actor
/// may not do, as it would have without a job. A job that is not queued (another runner took
/// it) is left alone. The job's own failures end it as failed with their Indonesian message;
/// only a failure to record the job itself is returned.
pub async fn run_job(store: &Store, actor: &Actor, id: JobId, today: NaiveDate) -> Result<()> {
    if !store.claim_job(actor, id).await? {
        return Ok(());
    }
    let job = store.job(actor, id).await?;
    tracing::info!(job = %id, kind = job.request.kind_key(), "job started");
    let outcome = match &job.request {
        JobRequest::CheckRun { region } => {
            store
                .set_job_progress(actor, id, "memeriksa rumah tangga", 0)
                .await?;
            store
                .run_checks(actor, region.as_ref(), today)
                .await
                .map(|r| check_message(r.households, r.opened, r.fixed))
        }
        JobRequest::PeriodClose { period } => {
            store
                .set_job_progress(actor, id, "memeriksa seluruh register", 0)
                .await?;
            match store.run_checks(actor, None, today).await {
                Err(e) => Err(e),
                Ok(_) => {
                    store
                        .set_job_progress(actor, id, "menetapkan usulan", 1)
                        .await?;
                    store
                        .close_period(actor, *period)
                        .await
                        .map(|r| close_message(&r))
                }
            }
        }
    };
    let outcome = outcome.map_err(|e| e.indonesian());
    match &outcome {
        Ok(_) => tracing::info!(job = %id, "job done"),
        Err(_) => tracing::warn!(job = %id, "job failed"),
    }
    store.finish_job(actor, id, outcome).await
}

/// Puts a failed or interrupted job back in the queue; the caller then runs it as it runs any.
pub async fn run_again(store: &Store, actor: &Actor, id: JobId) -> Result<JobRecord> {
    store.requeue_job(actor, id).await
}

/// At a server's start: the jobs its predecessor was running when it stopped are marked
/// interrupted, to be run again by their starters. Returns how many.
pub async fn recover_after_restart(store: &Store) -> Result<u64> {
    let system = store.system_actor().await?;
    let count = store.interrupt_running_jobs(&system).await?;
    if count > 0 {
        tracing::warn!(count, "jobs interrupted by the last stop marked as such");
    }
    Ok(count)
}

/// What a check run came to, as the findings page says it.
pub fn check_message(households: u64, opened: u64, fixed: u64) -> String {
    format!("{households} rumah tangga diperiksa: {opened} temuan baru, {fixed} sudah diperbaiki")
}

/// What a close came to, as the period page says it.
pub fn close_message(report: &siks_store::periods::CloseReport) -> String {
    if report.already_closed {
        format!(
            "Periode {} sudah ditutup sebelumnya; tidak ada yang diubah.",
            report.period
        )
    } else {
        format!(
            "Periode {} ditutup: {} usulan ditetapkan, {} dikembalikan karena bertentangan atau usang.",
            report.period,
            report.applied,
            report.sent_back.len()
        )
    }
}
