//! Setting a database up and opening it: migrations, the region list, the system account.

use siks_domain::{Actor, Regions};
use siks_store::{OpenMode, Result, Store};

use crate::Service;

impl Service {
    /// Opens `sqlite://PATH` or `postgres://…` (see [`Store::open`]) as a service.
    pub async fn open(url: &str, mode: OpenMode) -> Result<Service> {
        Ok(Service::new(Store::open(url, mode).await?))
    }

    /// Applies every migration the database lacks.
    pub async fn migrate(&self) -> Result<i64> {
        self.store.migrate().await
    }

    /// Loads the region hierarchy, updating names of codes already present. Idempotent; a code
    /// never disappears, since households may still point at it.
    pub async fn load_regions(&self, regions: &Regions) -> Result<u64> {
        self.store.load_regions(regions).await
    }

    /// Refuses to work on a database whose schema is missing or older than this program.
    pub async fn ensure_current(&self) -> Result<()> {
        self.store.ensure_current().await
    }

    /// The account the command line acts as (admin of the whole country, origin `cli`), created
    /// on first use.
    pub async fn system_actor(&self) -> Result<Actor> {
        self.store.system_actor().await
    }

    /// Closes the pool, waiting for its connections to finish (a stopping server's last step).
    pub async fn close(&self) {
        self.store.close().await
    }
}
