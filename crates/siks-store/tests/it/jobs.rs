//! Jobs kept in the database.

use crate::support::*;

/// Jobs kept in the database: a job is its starter's (anyone else finds nothing, an admin sees
/// it), it is claimed once, advances, ends done or failed; a server's start marks the running and
/// queued ones interrupted, and those (and failed ones) can be queued again, never a done one.
/// Starting, each run, the end and the interruption are audited.
async fn jobs_are_kept_claimed_and_recovered(db: &TestDb) {
    use siks_domain::jobs::{JobRequest, JobState};
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let region = RegionCode::parse("35.23").unwrap();
    let request = JobRequest::CheckRun {
        region: Some(region.clone()),
    };
    let job = store.create_job(&c.regency, &request).await.unwrap();
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.request, request);
    assert_eq!(job.region_code, "35.23");
    assert_eq!((job.done_steps, job.total_steps, job.attempts), (0, 1, 0));
    assert_eq!(job.created_by, c.regency.user_id);
    // Someone else's job looks like no job; an admin sees it.
    assert!(matches!(
        store.job(&c.village_a, job.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.claim_job(&c.village_a, job.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.job(&c.admin, job.id).await.unwrap().id, job.id);
    assert!(store.jobs_of(&c.village_a, 10).await.unwrap().is_empty());
    assert_eq!(
        store.jobs_of(&c.regency, 10).await.unwrap(),
        vec![job.clone()]
    );

    // Only its starter runs it: an admin who sees it may not (it would run with an admin's reach).
    assert!(matches!(
        store.claim_job(&c.admin, job.id).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        store
            .active_job_of(&c.regency, "check-run")
            .await
            .unwrap()
            .map(|j| j.id),
        Some(job.id)
    );
    assert_eq!(
        store
            .active_job_of(&c.regency, "period-close")
            .await
            .unwrap(),
        None
    );
    // Claimed once: a second runner finds it taken.
    assert!(store.claim_job(&c.regency, job.id).await.unwrap());
    assert!(!store.claim_job(&c.regency, job.id).await.unwrap());
    store
        .set_job_progress(&c.regency, job.id, "memeriksa", 0)
        .await
        .unwrap();
    let running = store.job(&c.regency, job.id).await.unwrap();
    assert_eq!(running.state, JobState::Running);
    assert_eq!((running.phase.as_str(), running.attempts), ("memeriksa", 1));
    assert!(running.started_at.is_some() && running.finished_at.is_none());
    // A running or done job is not queued again.
    assert!(matches!(
        store.requeue_job(&c.regency, job.id).await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .finish_job(&c.regency, job.id, Ok("3 rumah tangga diperiksa".into()))
        .await
        .unwrap();
    let done = store.job(&c.regency, job.id).await.unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.outcome.as_deref(), Some("3 rumah tangga diperiksa"));
    assert_eq!(done.done_steps, done.total_steps);
    assert!(done.finished_at.is_some());
    assert!(matches!(
        store.requeue_job(&c.regency, job.id).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.active_job_of(&c.regency, "check-run").await.unwrap(),
        None
    );
    // A job ends once: ending it again is refused and changes nothing.
    assert!(matches!(
        store
            .finish_job(&c.regency, job.id, Err("lagi".into()))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.job(&c.regency, job.id).await.unwrap().state,
        JobState::Done
    );

    // A failed job, one cut off while running and one never started.
    let failed = store.create_job(&c.regency, &request).await.unwrap();
    assert!(store.claim_job(&c.regency, failed.id).await.unwrap());
    store
        .finish_job(&c.regency, failed.id, Err("basis data sibuk".into()))
        .await
        .unwrap();
    let failed = store.job(&c.regency, failed.id).await.unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.outcome.as_deref(), Some("basis data sibuk"));
    let cut = store.create_job(&c.regency, &request).await.unwrap();
    assert!(store.claim_job(&c.regency, cut.id).await.unwrap());
    let waiting = store
        .create_job(
            &c.admin,
            &JobRequest::PeriodClose {
                period: Period::parse("2026-11").unwrap(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (waiting.region_code.as_str(), waiting.total_steps),
        ("*", 2)
    );

    // The next server's start.
    assert_eq!(store.interrupt_running_jobs(&c.admin).await.unwrap(), 2);
    assert_eq!(store.interrupt_running_jobs(&c.admin).await.unwrap(), 0);
    for id in [cut.id, waiting.id] {
        let j = store.job(&c.admin, id).await.unwrap();
        assert_eq!(j.state, JobState::Interrupted, "{id}");
        assert!(j.outcome.unwrap().contains("Server berhenti"));
    }
    assert_eq!(
        store.job(&c.regency, failed.id).await.unwrap().state,
        JobState::Failed
    );
    // A run cut off by the stop cannot record its end afterwards.
    assert!(matches!(
        store
            .finish_job(&c.regency, cut.id, Ok("selesai".into()))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Someone else (even an admin who sees it) does not run another's job again.
    assert!(matches!(
        store.requeue_job(&c.admin, cut.id).await,
        Err(StoreError::Forbidden(_))
    ));
    let counts = store.job_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![
            ("check-run".to_string(), JobState::Done, 1),
            ("check-run".to_string(), JobState::Failed, 1),
            ("check-run".to_string(), JobState::Interrupted, 1),
            ("period-close".to_string(), JobState::Interrupted, 1),
        ]
    );

    // Interrupted and failed ones run again, from the start, counted as another attempt.
    for id in [cut.id, failed.id] {
        let again = store.requeue_job(&c.regency, id).await.unwrap();
        assert_eq!(again.state, JobState::Queued);
        assert!(store.claim_job(&c.regency, id).await.unwrap());
        let j = store.job(&c.regency, id).await.unwrap();
        assert_eq!(
            (j.state, j.attempts, j.outcome),
            (JobState::Running, 2, None)
        );
        store
            .finish_job(&c.regency, id, Ok("selesai".into()))
            .await
            .unwrap();
    }
    assert!(matches!(
        store.requeue_job(&c.village_a, waiting.id).await,
        Err(StoreError::NotFound)
    ));

    let audit = store.audit_entries(&c.admin, None, 1_000).await.unwrap();
    let count = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!(count("job.create"), 4);
    assert_eq!(count("job.run"), 5);
    assert_eq!(count("job.finish"), 4);
    assert_eq!(count("job.interrupt"), 2, "one entry per job cut off");
    assert_eq!(count("job.requeue"), 2);
    assert!(
        audit
            .iter()
            .filter(|e| e.action.starts_with("job."))
            .all(|e| e.target_kind == "job")
    );
}

#[tokio::test]
async fn jobs_on_both_engines() {
    on_both_engines!(jobs_are_kept_claimed_and_recovered);
}
