//! The period close as every edge runs it (page job, API, command line): quality control over the
//! whole register, then the penetapan. The one place that orders the two.

use chrono::NaiveDate;
use siks_domain::Actor;
use siks_domain::jobs::JobId;
use siks_domain::workflow::Period;
use siks_store::findings::CheckReport;
use siks_store::periods::{CloseReport, check_may_close};
use siks_store::{Result, Store};

/// Every check on the whole register as of `today` (so the findings and the quality counts are
/// current when the register is fixed), then the close of `period`. Findings do not hold the
/// close back: they are settled through proposals. Refused before the nation-wide run for anyone
/// who may not close. With `job`, each phase is recorded as that job's progress.
pub async fn check_and_close(
    store: &Store,
    actor: &Actor,
    period: Period,
    today: NaiveDate,
    job: Option<JobId>,
) -> Result<(CheckReport, CloseReport)> {
    check_may_close(actor)?;
    if let Some(id) = job {
        store
            .set_job_progress(actor, id, "memeriksa seluruh register", 0)
            .await?;
    }
    let checks = store.run_checks(actor, None, today).await?;
    if let Some(id) = job {
        store
            .set_job_progress(actor, id, "menetapkan usulan", 1)
            .await?;
    }
    let closed = store.close_period(actor, period).await?;
    Ok((checks, closed))
}
