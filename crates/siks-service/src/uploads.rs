//! Spreadsheet uploads: new households, corrections, removals and verification results, each
//! row checked and the good ones proposed, the rest reported by sheet and row.

use siks_domain::Actor;
use siks_store::Result;

pub use siks_store::uploads::{
    REMOVAL_COLUMNS, RESULT_COLUMNS, UploadMode, UploadProgress, UploadReport, UploadRow, UploadRun,
};

use crate::Service;

impl Service {
    /// New households from the `rumah-tangga-baru` template: each row of `households` with the
    /// rows of `members` that carry its `No. ruta` becomes one new-household proposal in draft,
    /// checked with the form's rules (every household field chosen, well-formed NIK and No KK
    /// agreeing with the person, a name, one head). A household is whole or not at all: a bad
    /// member holds its household back. A household whose members' NIKs all stand in one
    /// household of the register is counted unchanged, in one open proposal already proposed,
    /// so uploading the same file twice creates nothing twice; a NIK held anywhere else is a
    /// problem of its row.
    pub async fn upload_new_households(
        &self,
        actor: &Actor,
        households: &[UploadRow],
        members: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        self.store
            .upload_new_households(actor, households, members, run)
            .await
    }

    /// Household corrections from an uploaded sheet (an export of households, or the corrections
    /// template's `Rumah tangga` sheet): each changed row a correction draft. The village stays:
    /// moving a household is a move proposal.
    pub async fn upload_household_corrections(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        self.store
            .upload_household_corrections(actor, rows, run)
            .await
    }

    /// Member corrections from an uploaded sheet (see the module comment).
    pub async fn upload_person_corrections(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        self.store.upload_person_corrections(actor, rows, run).await
    }

    /// Removal proposals from an uploaded sheet ([`REMOVAL_COLUMNS`]), each in draft with its
    /// row's note.
    pub async fn upload_removals(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        self.store.upload_removals(actor, rows, run).await
    }

    /// Verivali results from an uploaded sheet ([`RESULT_COLUMNS`]): `1` marks an open finding
    /// fixed (the next check run reopens it if the record still shows it), `2` dismisses it
    /// with the reason. `proposed` stays empty; `unchanged` counts the findings settled, and
    /// `already_proposed` those settled so before (the same file again).
    pub async fn upload_results(
        &self,
        actor: &Actor,
        rows: &[UploadRow],
        run: &UploadRun,
    ) -> Result<UploadReport> {
        self.store.upload_results(actor, rows, run).await
    }
}
