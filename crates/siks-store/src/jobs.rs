//! Jobs kept in the database (migration 0014): created, claimed, advanced and finished by the
//! runner, read by their starter. A job is its starter's: anyone else finds nothing, as with
//! anything out of scope. Starting, each run, the end and an interruption are audited; progress
//! is the job's own bookkeeping and is not.

use siks_domain::clock::Stamp;
use siks_domain::jobs::{JobId, JobRequest, JobState};
use siks_domain::{Actor, Role, UserId};

use crate::audit::{self, AuditEvent};
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// A kept job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: JobId,
    pub request: JobRequest,
    pub state: JobState,
    /// The region the job works on (`*`: the whole country), for the audit log and the page.
    pub region_code: String,
    pub created_by: UserId,
    pub created_at: Stamp,
    pub started_at: Option<Stamp>,
    pub finished_at: Option<Stamp>,
    /// What the job is doing now, in Indonesian.
    pub phase: String,
    pub done_steps: u64,
    pub total_steps: u64,
    /// What it came to (done) or why it stopped (failed), in Indonesian.
    pub outcome: Option<String>,
    /// What a done job produced for its page to show, as JSON (a rules dry run's table); `None`
    /// for kinds whose outcome says it all.
    pub result: Option<String>,
    /// How many times it was started.
    pub attempts: u64,
}

impl JobRecord {
    fn from_row(row: &impl Cells) -> Result<JobRecord> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("jobs.{what}"));
        let count =
            |col: &str| -> Result<u64> { u64::try_from(row.int(col)?).map_err(|_| corrupt(col)) };
        Ok(JobRecord {
            id: row.text("id")?.parse().map_err(|_| corrupt("id"))?,
            request: JobRequest::from_json(&row.text("request")?)
                .ok_or_else(|| corrupt("request"))?,
            state: JobState::parse(&row.text("state")?).ok_or_else(|| corrupt("state"))?,
            region_code: row.text("region_code")?,
            created_by: row
                .text("created_by")?
                .parse()
                .map_err(|_| corrupt("created_by"))?,
            created_at: crate::sql::stamp(&row.text("created_at")?, "jobs.created_at")?,
            started_at: crate::sql::opt_stamp(row.opt_text("started_at")?, "jobs.started_at")?,
            finished_at: crate::sql::opt_stamp(row.opt_text("finished_at")?, "jobs.finished_at")?,
            phase: row.text("phase")?,
            done_steps: count("done_steps")?,
            total_steps: count("total_steps")?,
            outcome: row.opt_text("outcome")?,
            result: row.opt_text("result")?,
            attempts: count("attempts")?,
        })
    }
}

/// The region a request works on, as stored and audited.
fn region_of(actor: &Actor, request: &JobRequest) -> String {
    match request {
        JobRequest::CheckRun { region: Some(r) } => r.to_string(),
        JobRequest::CheckRun { region: None } => actor.scope.key(),
        JobRequest::PeriodClose { .. }
        | JobRequest::ListBuild { .. }
        | JobRequest::RuleDryRun { .. } => "*".into(),
    }
}

impl Store {
    /// Keeps a new job, queued, as the actor's. What it may do is checked when it runs, with
    /// the same actor, by the use case it runs.
    pub async fn create_job(&self, actor: &Actor, request: &JobRequest) -> Result<JobRecord> {
        let id = JobId::new();
        let region = region_of(actor, request);
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO jobs (id, kind, request, state, region_code, created_by, created_at, \
                 started_at, finished_at, phase, done_steps, total_steps, outcome, attempts, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, 0, $9, NULL, 0, 1)",
            )
            .bind(id.to_string())
            .bind(request.kind_key())
            .bind(request.to_json())
            .bind(JobState::Queued.key())
            .bind(&region)
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .bind("menunggu giliran")
            .bind(request.total_steps() as i64)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "job.create",
                target_kind: "job",
                target_id: id.to_string(),
                region_code: region,
                detail: format!("kind={}", request.kind_key()),
            },
        )
        .await?;
        tx.commit().await?;
        self.job(actor, id).await
    }

    /// A job of the actor's (an admin sees every job); anyone else's answers not found.
    pub async fn job(&self, actor: &Actor, id: JobId) -> Result<JobRecord> {
        let job = with_pool!(self, p => {
            let row = sqlx::query("SELECT * FROM jobs WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?;
            row.as_ref().map(JobRecord::from_row).transpose()?
        });
        job.filter(|j| j.created_by == actor.user_id || actor.role == Role::Admin)
            .ok_or(StoreError::NotFound)
    }

    /// The actor's job of this kind that is still queued or running, if any.
    pub async fn active_job_of(&self, actor: &Actor, kind: &str) -> Result<Option<JobRecord>> {
        with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT * FROM jobs WHERE created_by = $1 AND kind = $2 AND state IN ($3, $4) \
                 ORDER BY created_at DESC LIMIT 1",
            )
            .bind(actor.user_id.to_string())
            .bind(kind)
            .bind(JobState::Queued.key())
            .bind(JobState::Running.key())
            .fetch_optional(p)
            .await?;
            row.as_ref().map(JobRecord::from_row).transpose()
        })
    }

    /// A job the actor started; an admin looking at another's job is refused, anyone else finds
    /// nothing.
    async fn own_job(&self, actor: &Actor, id: JobId) -> Result<JobRecord> {
        let job = self.job(actor, id).await?;
        if job.created_by != actor.user_id {
            return Err(StoreError::Forbidden(siks_domain::Action::WriteRegister));
        }
        Ok(job)
    }

    /// The actor's jobs, newest first.
    pub async fn jobs_of(&self, actor: &Actor, limit: u32) -> Result<Vec<JobRecord>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT * FROM jobs WHERE created_by = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            )
            .bind(actor.user_id.to_string())
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?;
            rows.iter().map(JobRecord::from_row).collect()
        })
    }

    /// Takes a queued job for running, by its starter only (it runs as them): `false` when it is
    /// not queued any more (another runner took it, or it ran already).
    pub async fn claim_job(&self, actor: &Actor, id: JobId) -> Result<bool> {
        let job = self.own_job(actor, id).await?;
        let mut tx = self.begin().await?;
        let claimed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE jobs SET state = $1, started_at = $2, finished_at = NULL, outcome = NULL, \
                 result = NULL, done_steps = 0, phase = $3, attempts = attempts + 1, version = version + 1 \
                 WHERE id = $4 AND state = $5",
            )
            .bind(JobState::Running.key())
            .bind(self.now_text())
            .bind("dimulai")
            .bind(id.to_string())
            .bind(JobState::Queued.key())
            .execute(&mut **c)
            .await?
            .rows_affected()
                == 1
        });
        if claimed {
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action: "job.run",
                    target_kind: "job",
                    target_id: id.to_string(),
                    region_code: job.region_code,
                    detail: format!("attempt={}", job.attempts + 1),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records how far a running job is.
    pub async fn set_job_progress(
        &self,
        actor: &Actor,
        id: JobId,
        phase: &str,
        done_steps: u64,
    ) -> Result<()> {
        self.job(actor, id).await?;
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE jobs SET phase = $1, done_steps = $2, version = version + 1 \
                 WHERE id = $3 AND state = $4",
            )
            .bind(phase)
            .bind(done_steps as i64)
            .bind(id.to_string())
            .bind(JobState::Running.key())
            .execute(&mut **c)
            .await?;
        });
        tx.commit().await?;
        Ok(())
    }

    /// Ends a running job (or one that could not be started): done with what it came to, or
    /// failed with why. A job that is neither any more (interrupted meanwhile) is left as it is
    /// and answers a conflict.
    pub async fn finish_job(
        &self,
        actor: &Actor,
        id: JobId,
        outcome: std::result::Result<String, String>,
    ) -> Result<()> {
        self.finish_job_with(actor, id, outcome.map(|text| (text, None)))
            .await
    }

    /// [`Store::finish_job`] for a job that produced something for its page (JSON), kept with
    /// its outcome in the same write.
    pub async fn finish_job_with(
        &self,
        actor: &Actor,
        id: JobId,
        outcome: std::result::Result<(String, Option<String>), String>,
    ) -> Result<()> {
        let job = self.own_job(actor, id).await?;
        let (state, text, result) = match outcome {
            Ok((text, result)) => (JobState::Done, text, result),
            Err(text) => (JobState::Failed, text, None),
        };
        let done_steps = if state == JobState::Done {
            job.total_steps
        } else {
            job.done_steps
        };
        let mut tx = self.begin().await?;
        let finished = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE jobs SET state = $1, finished_at = $2, outcome = $3, phase = $4, \
                 done_steps = $5, result = $9, version = version + 1 \
                 WHERE id = $6 AND state IN ($7, $8)",
            )
            .bind(state.key())
            .bind(self.now_text())
            .bind(&text)
            .bind(state.label().to_lowercase())
            .bind(done_steps as i64)
            .bind(id.to_string())
            .bind(JobState::Running.key())
            .bind(JobState::Queued.key())
            .bind(result.as_deref())
            .execute(&mut **c)
            .await?
            .rows_affected()
                == 1
        });
        if !finished {
            return Err(StoreError::Conflict {
                indonesian: "tugas ini sudah tidak berjalan (terputus atau selesai)".into(),
                english: "this job is no longer running (interrupted or ended)".into(),
            });
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "job.finish",
                target_kind: "job",
                target_id: id.to_string(),
                region_code: job.region_code,
                detail: format!("state={}", state.key()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a failed or interrupted job back in the queue, to run again as its starter: only the
    /// starter may (an admin who sees the job would otherwise run it with an admin's reach).
    pub async fn requeue_job(&self, actor: &Actor, id: JobId) -> Result<JobRecord> {
        let job = self.own_job(actor, id).await?;
        if !job.state.may_run_again() {
            return Err(StoreError::Conflict {
                indonesian: format!(
                    "tugas ini {} dan tidak dapat dijalankan lagi",
                    job.state.label().to_lowercase()
                ),
                english: format!("this job is {} and cannot be run again", job.state),
            });
        }
        let mut tx = self.begin().await?;
        let requeued = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE jobs SET state = $1, phase = $2, version = version + 1 \
                 WHERE id = $3 AND state = $4",
            )
            .bind(JobState::Queued.key())
            .bind("menunggu giliran")
            .bind(id.to_string())
            .bind(job.state.key())
            .execute(&mut **c)
            .await?
            .rows_affected()
                == 1
        });
        if !requeued {
            return Err(StoreError::Conflict {
                indonesian: "tugas ini berubah sementara itu; muat ulang halamannya".into(),
                english: "this job changed meanwhile; reload its page".into(),
            });
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "job.requeue",
                target_kind: "job",
                target_id: id.to_string(),
                region_code: job.region_code,
                detail: format!("from={}", job.state.key()),
            },
        )
        .await?;
        tx.commit().await?;
        self.job(actor, id).await
    }

    /// At a server's start: every job still marked running or queued was cut off when the server
    /// before it stopped, so it is marked interrupted (one server runs a database's jobs; ADR
    /// 0014). Returns how many.
    pub async fn interrupt_running_jobs(&self, actor: &Actor) -> Result<u64> {
        let mut tx = self.begin().await?;
        let cut: Vec<(String, String)> = with_tx!(&mut tx, c => {
            let rows = sqlx::query("SELECT id, region_code FROM jobs WHERE state IN ($1, $2)")
                .bind(JobState::Running.key())
                .bind(JobState::Queued.key())
                .fetch_all(&mut **c)
                .await?;
            rows.iter()
                .map(|r| Ok::<_, sqlx::Error>((r.text("id")?, r.text("region_code")?)))
                .collect::<Result<Vec<_>, _>>()?
        });
        let count = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE jobs SET state = $1, finished_at = $2, phase = $3, \
                 outcome = $4, version = version + 1 WHERE state IN ($5, $6)",
            )
            .bind(JobState::Interrupted.key())
            .bind(self.now_text())
            .bind("terputus")
            .bind("Server berhenti sebelum tugas ini selesai; jalankan lagi.")
            .bind(JobState::Running.key())
            .bind(JobState::Queued.key())
            .execute(&mut **c)
            .await?
            .rows_affected()
        });
        for (id, region_code) in cut {
            audit::append(
                &mut tx,
                actor,
                AuditEvent {
                    action: "job.interrupt",
                    target_kind: "job",
                    target_id: id,
                    region_code,
                    detail: String::new(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(count)
    }
}

impl Store {
    /// How many jobs there are of each kind and state, for `/metrics` (counts only).
    pub async fn job_counts(&self) -> Result<Vec<(String, JobState, u64)>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state",
            )
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let state = JobState::parse(&r.text("state")?)
                        .ok_or_else(|| StoreError::Corrupt("jobs.state".into()))?;
                    Ok((r.text("kind")?, state, r.int("n")?.max(0) as u64))
                })
                .collect()
        })
    }
}
