//! Evidence photos: one photo per indicator (house front, floor, wall, …) for each household.
//! The bytes are kept by household and SHA-256. A village keeps a photo and proposes it as a
//! correction of the household's evidence (ADR 0016): the household's `evidence` list changes
//! when the close applies it, while the verifier can already look at the photo. Viewing one is
//! audited like any view.

use sha2::{Digest, Sha256};
use siks_domain::access::Action;
use siks_domain::record::{Evidence, EvidenceKind};
use siks_domain::{Actor, HouseholdId};

use crate::audit::AuditEvent;
use crate::sql::{Cells, with_tx};
use crate::{Result, Store, StoreError};

/// The largest photo kept.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The image types accepted, told by their first bytes (not by what the browser claims).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Refuses what is not a photo small enough to keep; its content type when it is one.
pub(crate) fn check_photo(bytes: &[u8]) -> Result<&'static str> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(StoreError::invalid_text(
            format!(
                "foto terlalu besar ({} KiB; paling besar {} KiB)",
                bytes.len() / 1024,
                MAX_PHOTO_BYTES / 1024
            ),
            format!(
                "photo too large ({} KiB; at most {} KiB)",
                bytes.len() / 1024,
                MAX_PHOTO_BYTES / 1024
            ),
        ));
    }
    image_type(bytes).ok_or_else(|| {
        StoreError::invalid_text(
            "berkas bukan foto JPEG atau PNG",
            "the file is not a JPEG or PNG photo",
        )
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Keeps the photo of one indicator of a household in scope, without changing the
    /// household: the evidence entry a correction proposal then carries. Kept once per
    /// household and content; audited.
    pub async fn keep_evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        kind: EvidenceKind,
        bytes: &[u8],
    ) -> Result<Evidence> {
        if !actor.may(Action::WriteRegister) {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let content_type = check_photo(bytes)?;
        let sha256 = sha256_hex(bytes);
        let mut tx = self.begin().await?;
        let current = self
            .fetch_household_for_write(&mut tx, actor, household)
            .await?;
        let village = current.record.address.village.clone();
        self.insert_photo(
            &mut tx,
            actor,
            household,
            &village,
            &sha256,
            content_type,
            bytes,
        )
        .await?;
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "photo.keep",
                target_kind: "household",
                target_id: household.to_string(),
                region_code: village.to_string(),
                detail: format!("kind={} sha256={sha256}", kind.code()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Evidence {
            kind,
            sha256,
            content_type: content_type.to_string(),
            taken_on: None,
        })
    }

    /// Whether a photo with this SHA-256 is kept for the household (inside the caller's
    /// transaction): a correction may only carry photos that were uploaded.
    pub(crate) async fn photo_kept(
        &self,
        tx: &mut crate::sql::Tx,
        household: HouseholdId,
        sha256: &str,
    ) -> Result<bool> {
        let found = with_tx!(tx, c => {
            sqlx::query("SELECT 1 AS one FROM evidence_photos WHERE household_id = $1 AND sha256 = $2")
                .bind(household.to_string())
                .bind(sha256)
                .fetch_optional(&mut **c)
                .await?
                .is_some()
        });
        Ok(found)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_photo(
        &self,
        tx: &mut crate::sql::Tx,
        actor: &Actor,
        household: HouseholdId,
        village: &siks_domain::RegionCode,
        sha256: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO evidence_photos (household_id, sha256, village_code, content_type, size_bytes, data, uploaded_at, uploaded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (household_id, sha256) DO NOTHING",
            )
            .bind(household.to_string())
            .bind(sha256)
            .bind(village.to_string())
            .bind(content_type)
            .bind(bytes.len() as i64)
            .bind(bytes.to_vec())
            .bind(self.now_text())
            .bind(actor.user_id.to_string())
            .execute(&mut **c)
            .await?;
        });
        Ok(())
    }

    /// Adds (or replaces) the photo of one indicator at once, outside the workflow: the
    /// loading of a register as found (tests, imports). `expected_version` is the household
    /// version loaded. Returns the new version.
    pub async fn add_evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        expected_version: i64,
        kind: EvidenceKind,
        bytes: &[u8],
        reason: &str,
    ) -> Result<i64> {
        if !actor.may(Action::WriteRegister) {
            return Err(StoreError::Forbidden(Action::WriteRegister));
        }
        let content_type = check_photo(bytes)?;
        let sha256 = sha256_hex(bytes);
        let mut tx = self.begin().await?;
        // Read the current household inside the write transaction: the version check holds.
        let current = self
            .fetch_household_for_write(&mut tx, actor, household)
            .await?;
        if current.version != expected_version {
            return Err(StoreError::Stale {
                expected: expected_version,
                current: current.version,
            });
        }
        let village = current.record.address.village.clone();
        self.insert_photo(
            &mut tx,
            actor,
            household,
            &village,
            &sha256,
            content_type,
            bytes,
        )
        .await?;
        let mut changed = current.record.clone();
        changed.evidence.retain(|e| e.kind != kind);
        changed.evidence.push(Evidence {
            kind,
            sha256: sha256.clone(),
            content_type: content_type.to_string(),
            taken_on: None,
        });
        changed.evidence.sort_by_key(|e| e.kind);
        let version = self
            .write_household_change(
                &mut tx,
                actor,
                &current,
                &changed,
                reason,
                &format!("photo={}", kind.code()),
            )
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The content type and bytes of one evidence photo of a household in scope. Audited.
    pub async fn evidence_photo(
        &self,
        actor: &Actor,
        household: HouseholdId,
        sha256: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let (low, high) = actor.scope.village_range();
        let mut tx = self.begin_read().await?;
        let found = with_tx!(&mut tx, c => {
            let row = sqlx::query(
                "SELECT content_type, data, village_code FROM evidence_photos \
                 WHERE household_id = $1 AND sha256 = $2 AND village_code >= $3 AND village_code < $4",
            )
            .bind(household.to_string())
            .bind(sha256)
            .bind(low)
            .bind(high)
            .fetch_optional(&mut **c)
            .await?;
            match row {
                Some(r) => {
                    use sqlx::Row;
                    Some((r.text("content_type")?, r.try_get::<Vec<u8>, _>("data")?, r.text("village_code")?))
                }
                None => None,
            }
        });
        tx.commit().await?;
        let Some((content_type, data, village)) = found else {
            return Ok(None);
        };
        self.audit_view(
            actor,
            AuditEvent {
                action: "photo.view",
                target_kind: "household",
                target_id: household.to_string(),
                region_code: village,
                detail: format!("sha256={sha256}"),
            },
        )
        .await?;
        Ok(Some((content_type, data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_told_by_their_bytes() {
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"<svg></svg>"), None);
        assert_eq!(image_type(b""), None);
    }
}
