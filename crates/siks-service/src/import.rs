//! Importing a generated or exported dataset (households and persons files) as one batch,
//! written in short transactions and undone whole if it fails (see `siks_store::import`).

use siks_domain::Actor;
use std::io::Read;

pub use siks_store::import::{ImportError, ImportFile, ImportReport, ProgressFn};

use crate::Service;

impl Service {
    /// Imports a households file and a persons file as one all-or-nothing batch.
    pub async fn import<H, P>(
        &self,
        actor: &Actor,
        households: ImportFile<H>,
        persons: ImportFile<P>,
        progress: ProgressFn,
    ) -> Result<ImportReport, ImportError>
    where
        H: Read + Send + 'static,
        P: Read + Send + 'static,
    {
        self.store
            .import(actor, households, persons, progress)
            .await
    }

    /// Undoes the batches of imports that died with their process (see
    /// [`siks_store::import::ABANDONED_AFTER`]); the number undone.
    pub async fn undo_abandoned_imports(&self) -> Result<u64, ImportError> {
        Ok(self.store.undo_abandoned_imports().await?)
    }
}
