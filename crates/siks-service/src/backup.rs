//! Backups of the whole database, encrypted with the deployment's data key, taken while the
//! server runs; their restore elsewhere; and the checkup of a database (`siks doctor`).

use std::path::Path;

use siks_domain::Actor;
use siks_store::Result;

pub use siks_store::backup::{
    BackupError, Checkup, Counts, DataKey, Manifest, read_manifest, remove_leftovers, restore,
    restore_to,
};

use crate::Service;

impl Service {
    /// Writes an encrypted backup to `out` (a new file); audited. The manifest. (`siks backup`
    /// runs it at a lower CPU priority than a server's requests.)
    pub async fn backup(
        &self,
        actor: &Actor,
        key: &DataKey,
        out: &Path,
        scratch: &Path,
    ) -> Result<Manifest> {
        self.store.backup(actor, key, out, scratch).await
    }

    /// The database's schema version, integrity, counts and audit head.
    pub async fn checkup(&self) -> Result<Checkup> {
        self.store.checkup().await
    }
}
