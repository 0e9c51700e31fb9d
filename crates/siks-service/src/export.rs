//! Exports: the register's lists streamed row by row to a CSV or XLSX writer.

use siks_domain::{Actor, RegionCode};

pub use siks_store::export::{ExportError, ExportList};

use crate::Service;

impl Service {
    /// Streams `list` for `region` (default: the actor's scope) to `sink`, one row of cells at a
    /// time in the order of [`ExportList::columns`]; the number of rows.
    pub async fn export<E>(
        &self,
        actor: &Actor,
        list: ExportList,
        region: Option<&RegionCode>,
        numbers: siks_domain::disclosure::ExportNumbers,
        sink: impl FnMut(&[String]) -> std::result::Result<(), E> + Send,
    ) -> std::result::Result<u64, ExportError<E>> {
        self.store.export(actor, list, region, numbers, sink).await
    }
}
