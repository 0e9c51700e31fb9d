//! Importing a generated or exported dataset (households and persons files) as one batch.

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
}
