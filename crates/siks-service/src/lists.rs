//! Outside lists (deaths, civil servants, other registries) brought in to be matched against the
//! register by the checks.

use siks_domain::Actor;
use siks_domain::lists::{ListKind, ListRow};
use siks_store::Result;

pub use siks_store::lists::OutsideList;

use crate::Service;

impl Service {
    /// Imports a list of `kind` from `source` (who issued it: "Dukcapil", "BKN", "PLN"). A
    /// snapshot kind replaces the list in force of the same kind and source; death registers add
    /// up. The rows are matched at the next check run, which the caller normally starts at once.
    pub async fn import_list(
        &self,
        actor: &Actor,
        kind: ListKind,
        source: &str,
        file_name: &str,
        rows: Vec<ListRow>,
    ) -> Result<OutsideList> {
        self.store
            .import_list(actor, kind, source, file_name, rows)
            .await
    }

    /// Every imported list, newest first (what they hold stays with the pusat role; this is
    /// only their names and sizes).
    pub async fn outside_lists(&self, actor: &Actor) -> Result<Vec<OutsideList>> {
        self.store.outside_lists(actor).await
    }
}
