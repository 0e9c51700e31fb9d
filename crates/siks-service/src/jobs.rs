//! Jobs: a check run or a period close kept in the database and run in the background, with
//! progress a page can show and an end that outlives the request (and the server). Starting one
//! checks what the work itself would check first, so that a refusal comes at once and no job is
//! kept for it; running one claims it, reports each phase and records what it came to.
//!
//! Where a job runs is the edge's business: the server runs it on a blocking thread (so that its
//! CPU work never occupies an async worker), a test or the command line may simply await it.

use chrono::NaiveDate;
use siks_domain::jobs::{JobId, JobRequest, JobState};
use siks_domain::message::mask_digits;
use siks_domain::{Actor, Bilingual};
pub use siks_store::jobs::JobRecord;
use siks_store::{Result, StoreError};

use crate::Service;

impl Service {
    /// Keeps a new job for `actor`, after the checks its work would make first (the role, the
    /// region in scope): a refused request keeps nothing. A check run without a region is kept with
    /// the actor's own region, so that it covers the same ground whenever it runs. One job of a kind
    /// at a time per person: another while one is queued or running is refused.
    pub async fn start_job(&self, actor: &Actor, request: &JobRequest) -> Result<JobRecord> {
        let request = match request {
            JobRequest::CheckRun { region } => {
                siks_store::findings::check_may_run_checks(actor, region.as_ref())?;
                JobRequest::CheckRun {
                    region: region.clone().or_else(|| actor.scope.region().cloned()),
                }
            }
            JobRequest::PeriodClose { period } => {
                siks_store::periods::check_may_close(actor)?;
                self.check_period_may_close(*period).await?;
                request.clone()
            }
            JobRequest::ListBuild { period } => {
                self.store.check_lists_may_be_built(actor, *period).await?;
                request.clone()
            }
            JobRequest::RuleDryRun {
                programme,
                definition,
            } => {
                let read = siks_store::programmes::check_rules_may_be_tried(actor, definition)?;
                if !read.code.eq_ignore_ascii_case(programme) {
                    return Err(StoreError::Invalid {
                        indonesian: format!(
                            "kode di definisi ({}) tidak sama dengan program yang diuji ({programme})",
                            read.code
                        ),
                        english: format!(
                            "the definition's code ({}) is not the programme tried ({programme})",
                            read.code
                        ),
                    });
                }
                JobRequest::RuleDryRun {
                    programme: read.code,
                    definition: definition.clone(),
                }
            }
        };
        if let Some(running) = self.store.active_job_of(actor, request.kind_key()).await? {
            return Err(StoreError::Conflict {
                indonesian: format!(
                    "{} Anda yang dimulai {} belum selesai; tunggu sampai selesai (lihat /tugas/{})",
                    running.request.label(),
                    running.created_at,
                    running.id
                ),
                english: format!(
                    "your {} job {} has not ended yet; wait for it",
                    request.kind_key(),
                    running.id
                ),
            });
        }
        let request = &request;
        let job = self.store.create_job(actor, request).await?;
        tracing::info!(job = %job.id, kind = request.kind_key(), "job kept");
        Ok(job)
    }

    /// Runs a queued job to its end, as the actor who started it: the store refuses what that actor
    /// may not do, as it would have without a job. A job that is not queued (another runner took
    /// it) is left alone. The job's own failures end it as failed with their Indonesian message;
    /// only a failure to record the job itself is returned.
    pub async fn run_job(&self, actor: &Actor, id: JobId, today: NaiveDate) -> Result<()> {
        if !self.store.claim_job(actor, id).await? {
            return Ok(());
        }
        let job = self.store.job(actor, id).await?;
        tracing::info!(job = %id, kind = job.request.kind_key(), "job started");
        let outcome = match &job.request {
            JobRequest::CheckRun { region } => {
                self.store
                    .set_job_progress(actor, id, "memeriksa rumah tangga", 0)
                    .await?;
                self.run_checks(actor, region.as_ref(), today)
                    .await
                    .map(|r| (check_message(r.households, r.opened, r.fixed), None))
            }
            JobRequest::PeriodClose { period } => self
                .check_and_close(actor, *period, today, Some(id))
                .await
                .map(|(_, closed)| (close_message(&closed), None)),
            JobRequest::ListBuild { period } => {
                self.store
                    .set_job_progress(actor, id, "membangun daftar penerima", 0)
                    .await?;
                self.build_lists(actor, *period, today)
                    .await
                    .map(|built| (lists_message(*period, &built), None))
            }
            JobRequest::RuleDryRun { definition, .. } => {
                self.store
                    .set_job_progress(actor, id, "menilai setiap rumah tangga", 0)
                    .await?;
                match self.dry_run_programme(actor, definition, today).await {
                    Ok(run) => serde_json::to_string(&run)
                        .map(|table| (dry_run_message(&run), Some(table)))
                        .map_err(|e| StoreError::Corrupt(format!("dry run result: {e}"))),
                    Err(e) => Err(e),
                }
            }
        };
        let outcome = outcome.map_err(|e| {
            tracing::warn!(job = %id, cause = %mask_digits(&e.english()), "job failed");
            e.indonesian()
        });
        if outcome.is_ok() {
            tracing::info!(job = %id, "job done");
        }
        self.store.finish_job_with(actor, id, outcome).await
    }

    /// Ends a job that could not run to its end for a reason outside the work itself (its runner
    /// failed to record a step, or panicked): failed, so that its starter can run it again. Best
    /// effort: if even this cannot be recorded, the next server start marks it interrupted.
    pub async fn give_up(&self, actor: &Actor, id: JobId) {
        let why =
            "Terjadi kesalahan pada sistem ketika tugas ini berjalan; jalankan lagi.".to_string();
        if let Err(e) = self.store.finish_job(actor, id, Err(why)).await {
            tracing::error!(job = %id, cause = %mask_digits(&e.english()), "job could not be ended");
        }
    }

    /// Puts a failed or interrupted job back in the queue; the caller then runs it as it runs any.
    pub async fn run_again(&self, actor: &Actor, id: JobId) -> Result<JobRecord> {
        self.store.requeue_job(actor, id).await
    }

    /// At a server's start: the jobs its predecessor was running when it stopped are marked
    /// interrupted, to be run again by their starters. Returns how many.
    pub async fn recover_after_restart(&self) -> Result<u64> {
        let system = self.store.system_actor().await?;
        let count = self.store.interrupt_running_jobs(&system).await?;
        if count > 0 {
            tracing::warn!(count, "jobs interrupted by the last stop marked as such");
        }
        Ok(count)
    }

    /// A job of the actor's (an admin sees every job); anyone else's answers not found.
    pub async fn job(&self, actor: &Actor, id: JobId) -> Result<JobRecord> {
        self.store.job(actor, id).await
    }

    /// The actor's jobs, newest first.
    pub async fn jobs_of(&self, actor: &Actor, limit: u32) -> Result<Vec<JobRecord>> {
        self.store.jobs_of(actor, limit).await
    }

    /// How many jobs there are of each kind and state, for `/metrics` (counts only).
    pub async fn job_counts(&self) -> Result<Vec<(String, JobState, u64)>> {
        self.store.job_counts().await
    }

    /// At a server's start: every job still marked running or queued was cut off when the server
    /// before it stopped, so it is marked interrupted (one server runs a database's jobs; ADR
    /// 0014). Returns how many.
    pub async fn interrupt_running_jobs(&self, actor: &Actor) -> Result<u64> {
        self.store.interrupt_running_jobs(actor).await
    }
}

/// What a check run came to, as the findings page says it.
pub fn check_message(households: u64, opened: u64, fixed: u64) -> String {
    use siks_domain::show::count;
    format!(
        "{} rumah tangga diperiksa: {} temuan baru, {} sudah diperbaiki",
        count(households),
        count(opened),
        count(fixed)
    )
}

/// What a rules dry run came to, in one sentence (its page shows the table per province).
pub fn dry_run_message(run: &siks_store::programmes::DryRun) -> String {
    use siks_domain::show::count;
    format!(
        "Uji coba aturan {}: {} rumah tangga dinilai; {} akan menerima (sekarang {}), {} bertambah dan {} berkurang. Belum ada yang disimpan.",
        run.code,
        count(run.households),
        count(run.total.after),
        count(run.total.before),
        count(run.total.added),
        count(run.total.dropped)
    )
}

/// What a list build came to, for its job's page: each programme's households and amount.
pub fn lists_message(
    period: siks_domain::workflow::Period,
    built: &siks_store::programmes::ListsBuilt,
) -> String {
    use siks_domain::show::count;
    let lists: Vec<String> = built
        .lists
        .iter()
        .map(|l| {
            let groups = if l.unit.gathered() {
                format!("{} {}, ", count(l.units), l.unit.label())
            } else {
                String::new()
            };
            let waiting = if l.waiting > 0 {
                format!(", {} keluarga menunggu kelompok", count(l.waiting))
            } else {
                String::new()
            };
            format!(
                "{} {groups}{} rumah tangga (Rp{} setahun{waiting})",
                l.code,
                count(l.households),
                count(l.amount)
            )
        })
        .collect();
    format!(
        "Daftar penerima periode {} dibangun: {}.",
        siks_domain::show::period(&period.to_string()),
        lists.join("; ")
    )
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
