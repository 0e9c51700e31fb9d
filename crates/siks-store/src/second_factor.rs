//! The second factor of an account (ADR 0022): a TOTP secret sealed like a person's specific
//! data, enrolled by a first right code, each code taken once; recovery codes kept as hashes
//! and used once; a session half open until its second factor is given, and the moment it was
//! last given for the step-up before a bulk export, a close or a rule change; a reset by a
//! higher admin. Every enrolment, code, failure and reset is audited.

use rand::Rng;
use siks_domain::totp::{self, Secret};
use siks_domain::{Actor, UserId};

use crate::audit::{self, AuditEvent};
use crate::sealing::Sealed;
use crate::sessions::token_hash;
use crate::sql::{Cells, with_pool, with_tx};
use crate::users::UserRecord;
use crate::{Result, Store, StoreError};

/// What a typed second factor came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactorCheck {
    /// A right code: the session's second factor is given now.
    Accepted {
        /// Recovery codes left when one was used (then the account should make new ones).
        recovery_left: Option<usize>,
    },
    /// A wrong, used or expired code, or a used recovery code (audited).
    Refused,
}

/// What enrolment shows once: the recovery codes (kept as keyed hashes, see `recovery_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub recovery_codes: Vec<String>,
}

impl Store {
    /// The secret to show for enrolment: the one already waiting, or a new one kept waiting
    /// (sealed) until a first code confirms it. Refused when the account has a second factor.
    pub async fn begin_enrolment(&self, user: &UserRecord) -> Result<Secret> {
        let row = self.totp_columns(user.id).await?;
        if row.0.is_some() {
            return Err(StoreError::invalid_text(
                "akun ini sudah memakai faktor kedua; minta admin di atas Anda untuk mengaturnya ulang",
                "this account already has a second factor; ask an admin above you to reset it",
            ));
        }
        if let Some(pending) = row.1 {
            return secret_of(&self.keys().open(Sealed::TotpSecret, &pending)?);
        }
        let secret = Secret::from_bytes(rand::rng().random());
        let sealed = self
            .keys()
            .seal(Sealed::TotpSecret, secret.base32().as_bytes());
        crate::sql::with_writers!(self, p => {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2 AND totp_secret IS NULL")
                .bind(sealed)
                .bind(user.id.to_string())
                .execute(p)
                .await?;
        });
        Ok(secret)
    }

    /// Confirms enrolment with the first code from the app: the waiting secret becomes the
    /// account's, ten recovery codes are made (shown once, kept hashed) and the session's second
    /// factor is given. A wrong code is audited and changes nothing (`None`).
    pub async fn confirm_enrolment(
        &self,
        user: &UserRecord,
        session_token: &str,
        typed: &str,
        remote_addr: &str,
    ) -> Result<Option<Enrolled>> {
        let (active, pending, _) = self.totp_columns(user.id).await?;
        let (None, Some(pending)) = (active, pending) else {
            return Err(StoreError::invalid_text(
                "tidak ada pendaftaran faktor kedua yang menunggu",
                "no second-factor enrolment is waiting",
            ));
        };
        let secret = secret_of(&self.keys().open(Sealed::TotpSecret, &pending)?)?;
        let Some(step) = secret.matching_step(typed, self.now().timestamp()) else {
            self.factor_failed(user, remote_addr, "enrol").await?;
            return Ok(None);
        };
        let codes: Vec<String> = (0..totp::RECOVERY_CODES)
            .map(|_| totp::recovery_code(rand::rng().random()))
            .collect();
        let now = self.now_text();
        let mut tx = self.begin().await?;
        let moved = with_tx!(&mut tx, c => {
            let moved = sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
                 totp_last_step = $1, totp_enrolled_at = $2, version = version + 1 \
                 WHERE id = $3 AND totp_secret IS NULL AND totp_pending = $4",
            )
            .bind(step)
            .bind(&now)
            .bind(user.id.to_string())
            .bind(&pending)
            .execute(&mut **c)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user.id.to_string())
                .execute(&mut **c)
                .await?;
            for code in &codes {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user.id.to_string())
                    .bind(recovery_key(&self.keys(), code))
                    .execute(&mut **c)
                    .await?;
            }
            sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE token_hash = $2 AND user_id = $3")
                .bind(&now)
                .bind(token_hash(session_token))
                .bind(user.id.to_string())
                .execute(&mut **c)
                .await?;
            moved
        });
        if moved != 1 {
            // Another tab confirmed first: nothing of this one is kept.
            return Err(StoreError::Conflict {
                indonesian: "pendaftaran faktor kedua sudah diselesaikan di tempat lain".into(),
                english: "the second-factor enrolment was completed elsewhere".into(),
            });
        }
        audit::append(
            &mut tx,
            &user.actor().from_origin(remote_addr),
            AuditEvent {
                action: "second_factor.enrol",
                target_kind: "user",
                target_id: user.id.to_string(),
                region_code: user.scope.key(),
                detail: format!("from={remote_addr} recovery_codes={}", codes.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Enrolled {
            recovery_codes: codes,
        }))
    }

    /// Checks a second factor typed for a session: a TOTP code not used before, or an unused
    /// recovery code. On success the session's second factor is given now (a sign-in's, or a
    /// step-up's `purpose`); either way audited.
    pub async fn check_second_factor(
        &self,
        user: &UserRecord,
        session_token: &str,
        typed: &str,
        purpose: &str,
        remote_addr: &str,
    ) -> Result<FactorCheck> {
        let (active, _, last_step) = self.totp_columns(user.id).await?;
        let Some(active) = active else {
            return Err(StoreError::invalid_text(
                "akun ini belum memakai faktor kedua",
                "this account has no second factor yet",
            ));
        };
        let now = self.now_text();
        let mut tx = self.begin().await?;
        let (taken, recovery_left) = if totp::looks_like_recovery(typed) {
            let kept_as = recovery_key(&tx.keys, typed);
            let used = with_tx!(&mut tx, c => {
                let used = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 \
                     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(&now)
                .bind(user.id.to_string())
                .bind(&kept_as)
                .execute(&mut **c)
                .await?
                .rows_affected();
                let left: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user.id.to_string())
                .fetch_one(&mut **c)
                .await?;
                (used == 1, left)
            });
            (used.0, used.0.then_some(used.1 as usize))
        } else {
            let secret = secret_of(&tx.keys.open(Sealed::TotpSecret, &active)?)?;
            match secret.matching_step(typed, self.now().timestamp()) {
                // A code is taken once: its step must be after the last one taken.
                Some(step) if last_step.is_none_or(|last| step > last) => {
                    let moved = with_tx!(&mut tx, c => {
                        sqlx::query(
                            "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                             AND (totp_last_step IS NULL OR totp_last_step < $1)",
                        )
                        .bind(step)
                        .bind(user.id.to_string())
                        .execute(&mut **c)
                        .await?
                        .rows_affected()
                    });
                    (moved == 1, None)
                }
                _ => (false, None),
            }
        };
        if !taken {
            drop(tx);
            self.factor_failed(user, remote_addr, purpose).await?;
            return Ok(FactorCheck::Refused);
        }
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE token_hash = $2 AND user_id = $3")
                .bind(&now)
                .bind(token_hash(session_token))
                .bind(user.id.to_string())
                .execute(&mut **c)
                .await?;
        });
        let how = if recovery_left.is_some() {
            "recovery"
        } else {
            "totp"
        };
        audit::append(
            &mut tx,
            &user.actor().from_origin(remote_addr),
            AuditEvent {
                action: "second_factor.ok",
                target_kind: "user",
                target_id: user.id.to_string(),
                region_code: user.scope.key(),
                detail: match recovery_left {
                    Some(left) => {
                        format!("from={remote_addr} for={purpose} by={how} left={left}")
                    }
                    None => format!("from={remote_addr} for={purpose} by={how}"),
                },
            },
        )
        .await?;
        tx.commit().await?;
        Ok(FactorCheck::Accepted { recovery_left })
    }

    /// Takes an account's second factor away (a lost phone): only an admin who may manage the
    /// account, never its own; its recovery codes, sessions and API tokens go with it, and it
    /// enrols again at its next sign-in. Audited.
    pub async fn reset_second_factor(&self, admin: &Actor, user: UserId) -> Result<()> {
        let record = self
            .user_by_id(admin, user)
            .await?
            .ok_or(StoreError::NotFound)?;
        if record.id == admin.user_id
            || !crate::users::may_manage(admin, record.role, &record.scope)
        {
            return Err(StoreError::invalid_text(
                "faktor kedua akun ini diatur ulang oleh admin di atasnya",
                "this account's second factor is reset by an admin above it",
            ));
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, \
                 totp_enrolled_at = NULL, version = version + 1 WHERE id = $1",
            )
            .bind(user.to_string())
            .execute(&mut **c)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
            // A lost phone may be a stolen one: the tokens its sessions made go with it.
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(self.now_text())
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            admin,
            AuditEvent {
                action: "second_factor.reset",
                target_kind: "user",
                target_id: user.to_string(),
                region_code: record.scope.key(),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An account's secret in use, the one waiting for enrolment, and the last step taken.
    async fn totp_columns(
        &self,
        user: UserId,
    ) -> Result<(Option<String>, Option<String>, Option<i64>)> {
        with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1",
            )
            .bind(user.to_string())
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound)?;
            Ok((
                row.opt_text("totp_secret")?,
                row.opt_text("totp_pending")?,
                row.opt_int("totp_last_step")?,
            ))
        })
    }

    async fn factor_failed(
        &self,
        user: &UserRecord,
        remote_addr: &str,
        purpose: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        audit::append(
            &mut tx,
            &user.actor().from_origin(remote_addr),
            AuditEvent {
                action: "second_factor.failed",
                target_kind: "user",
                target_id: user.id.to_string(),
                region_code: user.scope.key(),
                detail: format!("from={remote_addr} for={purpose}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What a recovery code is kept and looked up as: its normal form's hash, keyed with the
/// deployment's blind-index key.
fn recovery_key(keys: &crate::sealing::FieldKeys, code: &str) -> String {
    keys.blind(
        crate::sealing::Blind::RecoveryCode,
        &totp::recovery_hash(code),
    )
}

fn secret_of(plain: &[u8]) -> Result<Secret> {
    std::str::from_utf8(plain)
        .ok()
        .and_then(Secret::from_base32)
        .ok_or_else(|| StoreError::Corrupt("users.totp_secret".into()))
}
