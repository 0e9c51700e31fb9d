//! Ranking: the welfare model scores every household and places it in its desil.

use siks_domain::Actor;
use siks_domain::welfare::Model;
use siks_store::Result;

pub use siks_store::ranking::RankReport;

use crate::Service;

impl Service {
    /// Scores and ranks the whole register with `model` as of `today` (ministry or admin of the
    /// whole country), as one run. Audited once.
    pub async fn rank(
        &self,
        actor: &Actor,
        model: &Model,
        today: chrono::NaiveDate,
    ) -> Result<RankReport> {
        self.store.rank(actor, model, today).await
    }
}
