//! The period close as every edge runs it (page job, API, command line): quality control over the
//! whole register, then the penetapan. The one place that orders the two.

use chrono::NaiveDate;
use siks_domain::Actor;
use siks_domain::RegionCode;
use siks_domain::jobs::JobId;
use siks_domain::workflow::{CloseRefusal, Period};
use siks_store::Result;
use siks_store::findings::CheckReport;
use siks_store::periods::check_may_close;

pub use siks_store::periods::{
    ClosePreview, CloseReport, HouseholdAsOf, PeriodComparison, PeriodComparisons, RegencyPreview,
    RegionComparison, VillageCounts,
};

use crate::Service;

impl Service {
    /// Every check on the whole register as of `today` (so the findings and the quality counts are
    /// current when the register is fixed), and the close of `period`. Findings do not hold the
    /// close back: they are settled through proposals. The two run side by side: the check run
    /// reads the register as it stood when the close began (one read snapshot, as before) and
    /// writes its findings once the close has committed (never while the close holds the write lock), so a
    /// close costs the longer of the two, not their sum. Refused before either starts for anyone who may not close, or a period that
    /// may not close. With `job`, each phase is recorded as that job's progress.
    ///
    /// Should the check run fail after the close committed, the error is returned and the period
    /// stays closed: running the job again finds it closed, changes nothing, and checks again.
    pub async fn check_and_close(
        &self,
        actor: &Actor,
        period: Period,
        today: NaiveDate,
        job: Option<JobId>,
    ) -> Result<(CheckReport, CloseReport)> {
        check_may_close(actor)?;
        // Refused before the nation-wide run, not after it.
        self.check_period_may_close(period).await?;
        if let Some(id) = job {
            self.store
                .set_job_progress(
                    actor,
                    id,
                    "memeriksa seluruh register dan menetapkan usulan",
                    0,
                )
                .await?;
        }
        let close = {
            let store = self.store.clone();
            let actor = actor.clone();
            tokio::spawn(async move { store.close_period(&actor, period).await })
        };
        // The findings are worked out beside the close, and written after it committed.
        let checked = self.check_without_writing(actor, None, today).await;
        let closed = close
            .await
            .map_err(|e| siks_store::StoreError::Corrupt(format!("the close stopped: {e}")))??;
        if let Some(id) = job {
            self.store
                .set_job_progress(actor, id, "periode ditutup; menyimpan temuan", 1)
                .await?;
        }
        let (report, writes) = checked?;
        let checks = self.write_checks(actor, None, report, writes).await?;
        Ok((checks, closed))
    }

    /// Takes back the period closes whose process died while they wrote (see
    /// `Store::close_period`); the periods taken back.
    pub async fn undo_abandoned_closes(&self) -> Result<Vec<Period>> {
        self.store.undo_abandoned_closes().await
    }

    /// What closing `period` would apply and send back, per regency, without writing anything:
    /// the confirmation the close waits for. Refused as the close would be.
    pub async fn close_preview(&self, actor: &Actor, period: Period) -> Result<ClosePreview> {
        self.store.close_preview(actor, period).await
    }

    /// The closed periods, oldest first.
    pub async fn closed_periods(&self) -> Result<Vec<Period>> {
        self.store.closed_periods().await
    }

    /// The period the close form offers (the one after the last closed; this month when none
    /// is) and, if it may not close today, why (its month has not begun).
    pub async fn next_period_to_close(&self) -> Result<(Period, Option<CloseRefusal>)> {
        let last = self.store.closed_periods().await?.last().copied();
        let today = self.store.ministry_today();
        let next = last.map(Period::next).unwrap_or_else(|| Period::of(today));
        Ok((next, next.may_close(last, today).err()))
    }

    /// Whether `period` may be closed now (the store asks again when it closes): periods close
    /// in order once their month has begun. A period already closed passes (closing it again
    /// changes nothing).
    pub async fn check_period_may_close(&self, period: Period) -> Result<()> {
        let closed = self.store.closed_periods().await?;
        if closed.contains(&period) {
            return Ok(());
        }
        period
            .may_close(closed.last().copied(), self.store.ministry_today())
            .map_err(|refusal| siks_store::StoreError::invalid(&refusal))
    }

    /// Two closed periods compared for `region` (default: the actor's scope): counts then and
    /// now, and what entered, left and changed in the later one.
    pub async fn compare_periods(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        before: Period,
        after: Period,
    ) -> Result<PeriodComparison> {
        self.store
            .compare_periods(actor, region, before, after)
            .await
    }

    /// [`Store::compare_periods`] for the region and for each region one level down that had
    /// households in either period or proposals determined in the later one.
    pub async fn compare_periods_by_region(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        before: Period,
        after: Period,
    ) -> Result<PeriodComparisons> {
        self.store
            .compare_periods_by_region(actor, region, before, after)
            .await
    }

    /// The counts fixed when `period` closed, per village in the actor's scope.
    pub async fn period_counts(&self, actor: &Actor, period: Period) -> Result<VillageCounts> {
        self.store.period_counts(actor, period).await
    }

    /// The same counts recomputed from the register as it is now and its history: every change
    /// made after the close is undone, newest first. A verification of the fixed counts (they
    /// must be equal) and of the history (every change must be undoable).
    pub async fn recount_period(&self, actor: &Actor, period: Period) -> Result<VillageCounts> {
        self.store.recount_period(actor, period).await
    }
}
