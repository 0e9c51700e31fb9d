//! Reports: counts, the quality of the data, the report per region and period, and the public
//! report by province.

use siks_domain::workflow::Period;
use siks_domain::{Actor, RegionCode};
use siks_store::{Quality, Result, Stats};

pub use siks_store::reports::{Breakdown, Report};

use crate::Service;

impl Service {
    /// The report of `region` (default: the actor's scope; outside it: not found), with the
    /// programme lists of `period` (default: the newest period that has lists).
    pub async fn report(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        period: Option<Period>,
    ) -> Result<Report> {
        self.store.report(actor, region, period).await
    }

    /// The public summary of a province: counts by status, desil and programme per regency and
    /// over the periods, for anyone, signed in or not. Anything but a province is not found.
    pub async fn public_report(
        &self,
        province: &RegionCode,
        period: Option<Period>,
    ) -> Result<Report> {
        self.store.public_report(province, period).await
    }

    /// Counts for `region` (default: the actor's scope). A region outside the scope is not found.
    pub async fn stats(&self, actor: &Actor, region: Option<&RegionCode>) -> Result<Stats> {
        self.store.stats(actor, region).await
    }

    /// Valid and not valid per region (`region`, default the actor's scope, and each region one
    /// level down), as of the last check run: a person is not valid while an open error finding
    /// names them or their household as a whole.
    pub async fn quality(&self, actor: &Actor, region: Option<&RegionCode>) -> Result<Quality> {
        self.store.quality(actor, region).await
    }
}
