//! Signing in and out: failed attempts counted and audited per account (a guesser is made to
//! wait by the service's throttle, never the account locked), server-side sessions with idle and absolute timeouts and a CSRF token each, and password
//! changes. Password hashing itself happens in the web layer, off the async workers; the store
//! only keeps the hash.

use siks_domain::clock::Stamp;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use siks_domain::{Actor, UserId};

use crate::audit::{self, AuditEvent};
use crate::sql::{Cells, with_pool, with_tx};
use crate::users::UserRecord;
use crate::{Result, Store, StoreError};

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(15 * 60),
            absolute: Duration::from_secs(8 * 60 * 60),
        }
    }
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub actor: Actor,
    pub display_name: String,
    pub csrf_token: String,
    pub created_at: Stamp,
    /// Where the session stands with its second factor.
    pub factor: Factor,
}

/// A session's second factor: whether its account must give one (its level) or has one (it
/// enrolled), and when it was last given in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    pub required: bool,
    pub enrolled: bool,
    pub given_at: Option<Stamp>,
}

impl Factor {
    /// Whether the session is open: no second factor is asked of it, or it was given.
    pub fn open(&self) -> bool {
        self.given_at.is_some() || !(self.required || self.enrolled)
    }

    /// Whether an act that asks a fresh second factor (a bulk export, a close, a rule change)
    /// may go on at `now`: an account without one goes on (its level asks none), one with one
    /// gave it within [`siks_domain::totp::FRESH_SECONDS`].
    pub fn fresh_at(&self, now: chrono::DateTime<Utc>) -> bool {
        if !self.enrolled {
            return !self.required;
        }
        self.given_at
            .is_some_and(|at| (now - at.0).num_seconds() < siks_domain::totp::FRESH_SECONDS)
    }
}

/// A new session: the token goes into the cookie, the CSRF token into forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// Whether an account may try a password now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGate {
    /// No such account, or it is deactivated (the caller answers as for a wrong password).
    Unknown,
    /// May try: here is the stored account with its hash.
    Open(Box<UserRecord>),
}

/// 32 random bytes from a cryptographically secure generator seeded by the operating system
/// (`rand`'s thread generator), as hex.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// The account behind a username, if it may try a password now.
    pub async fn login_gate(&self, username: &str) -> Result<LoginGate> {
        let Some(user) = self.user_by_username(username.trim()).await? else {
            return Ok(LoginGate::Unknown);
        };
        if !user.active || user.password_hash.is_none() {
            return Ok(LoginGate::Unknown);
        }
        Ok(LoginGate::Open(Box::new(user)))
    }

    /// Counts a wrong password (the count is cleared by the next sign-in). Audited.
    pub async fn record_login_failure(&self, user: &UserRecord, remote_addr: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
                .bind(user.id.to_string())
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            &user.actor().from_origin(remote_addr),
            AuditEvent {
                action: "login.failed",
                target_kind: "user",
                target_id: user.id.to_string(),
                region_code: user.scope.key(),
                detail: format!("from={remote_addr}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Audits a sign-in with a name no active account has (as the system, from the address it
    /// came from): the name as typed, cut to 64 characters without control characters, so that
    /// a guessing run over names shows in the log as one over passwords does.
    pub async fn record_unknown_login(&self, username: &str, remote_addr: &str) -> Result<()> {
        self.audit_sign_in(username, remote_addr, "login.failed", "account=unknown")
            .await
    }

    /// Audits a sign-in the throttle made wait (no password was checked), for any name.
    pub async fn record_throttled_login(&self, username: &str, remote_addr: &str) -> Result<()> {
        self.audit_sign_in(username, remote_addr, "login.throttled", "")
            .await
    }

    async fn audit_sign_in(
        &self,
        username: &str,
        remote_addr: &str,
        action: &'static str,
        note: &str,
    ) -> Result<()> {
        let system = self.system_actor().await?;
        let typed: String = username
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let mut tx = self.begin().await?;
        audit::append(
            &mut tx,
            &system.from_origin(remote_addr),
            AuditEvent {
                action,
                target_kind: "username",
                target_id: typed,
                region_code: "*".into(),
                detail: format!("from={remote_addr} {note}").trim_end().to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a session after a right password, clearing the failure count. Audited.
    pub async fn start_session(&self, user: &UserRecord, remote_addr: &str) -> Result<NewSession> {
        self.open_session(user, remote_addr, None).await
    }

    /// The session that follows a password change (which ended every session of the account):
    /// it keeps the moment the changing session gave its second factor, so that the account is
    /// not sent to give it again for having typed its password. Only for that.
    pub async fn start_session_after_password_change(
        &self,
        user: &UserRecord,
        remote_addr: &str,
        second_factor_at: Option<Stamp>,
    ) -> Result<NewSession> {
        self.open_session(user, remote_addr, second_factor_at).await
    }

    async fn open_session(
        &self,
        user: &UserRecord,
        remote_addr: &str,
        second_factor_at: Option<Stamp>,
    ) -> Result<NewSession> {
        let session = NewSession {
            token: random_token(),
            csrf_token: random_token(),
        };
        let now = self.now_text();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                .bind(user.id.to_string())
                .execute(&mut **c)
                .await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, remote_addr, second_factor_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token_hash(&session.token))
            .bind(user.id.to_string())
            .bind(&session.csrf_token)
            .bind(&now)
            .bind(&now)
            .bind(remote_addr)
            .bind(second_factor_at.map(|at| at.text()))
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            &user.actor().from_origin(remote_addr),
            AuditEvent {
                action: "login",
                target_kind: "user",
                target_id: user.id.to_string(),
                region_code: user.scope.key(),
                detail: format!("from={remote_addr}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The live, open session of a cookie token; an expired one is removed and answers
    /// `None`, and so does one whose second factor is not given yet.
    pub async fn session(&self, token: &str, policy: &SessionPolicy) -> Result<Option<Session>> {
        Ok(self
            .any_session(token, policy)
            .await?
            .filter(|s| s.factor.open()))
    }

    /// The live session of a cookie token, open or still waiting for its second factor (for
    /// the second factor's own pages only).
    pub async fn any_session(
        &self,
        token: &str,
        policy: &SessionPolicy,
    ) -> Result<Option<Session>> {
        let hash = token_hash(token);
        // One query gives the session and its account (every request comes through here).
        let row = with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, \
                 s.second_factor_at, u.* \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            )
            .bind(&hash)
            .fetch_optional(p)
            .await?;
            match row {
                Some(r) => Some((
                    r.text("csrf_token")?,
                    r.text("session_created_at")?,
                    r.text("last_seen_at")?,
                    UserRecord::from_row(&r)?,
                    r.opt_text("second_factor_at")?,
                )),
                None => None,
            }
        });
        let Some((csrf_token, created_at, last_seen_at, user, second_factor_at)) = row else {
            return Ok(None);
        };
        let now = self.now();
        let within = |since: &str, limit: Duration| {
            parse_time(since)
                .is_some_and(|t| now.signed_duration_since(t).to_std().unwrap_or_default() < limit)
        };
        if !user.active
            || !within(&created_at, policy.absolute)
            || !within(&last_seen_at, policy.idle)
        {
            self.delete_session_hash(&hash).await?;
            return Ok(None);
        }
        // Refresh the idle clock at most once a minute: most requests then only read. The
        // request waits for it only a moment (behind a bulk write it may wait for the write
        // lock; it goes on by itself): a refresh that comes late can only end a session
        // sooner, never later.
        let first = || {
            self.refreshing
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(hash.clone())
        };
        if !within(&last_seen_at, Duration::from_secs(60)) && first() {
            let store = self.clone();
            let now = self.now_text();
            let refresh = tokio::spawn(async move {
                let touched: Result<()> = async {
                    crate::sql::with_writers!(store, p => {
                        // Never back over a newer refresh.
                        sqlx::query(
                            "UPDATE sessions SET last_seen_at = $1 \
                             WHERE token_hash = $2 AND last_seen_at < $1",
                        )
                        .bind(now)
                        .bind(&hash)
                        .execute(p)
                        .await?;
                    });
                    Ok(())
                }
                .await;
                if let Err(e) = touched {
                    tracing::warn!(error = %e, "session not refreshed");
                }
                store
                    .refreshing
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&hash);
            });
            let _ = tokio::time::timeout(Duration::from_millis(250), refresh).await;
        }
        let factor = Factor {
            required: siks_domain::totp::required(user.role, &user.scope),
            enrolled: user.second_factor,
            given_at: second_factor_at
                .as_deref()
                .map(|t| crate::sql::stamp(t, "sessions.second_factor_at"))
                .transpose()?,
        };
        Ok(Some(Session {
            actor: user.actor(),
            display_name: user.display_name,
            csrf_token,
            created_at: crate::sql::stamp(&created_at, "sessions.created_at")?,
            factor,
        }))
    }

    async fn delete_session_hash(&self, hash: &str) -> Result<()> {
        crate::sql::with_writers!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Ends a session (logout). Audited.
    pub async fn end_session(&self, actor: &Actor, token: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash(token))
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "logout",
                target_kind: "user",
                target_id: actor.user_id.to_string(),
                region_code: actor.scope.key(),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the actor's own password hash (argon2id PHC string) and ends its other sessions.
    /// All its sessions end, the current one included: the caller starts a new one.
    pub async fn change_own_password(&self, actor: &Actor, password_hash: &str) -> Result<()> {
        self.set_password_hash(actor, actor.user_id, password_hash, "password.change")
            .await
    }

    /// Sets another account's password inside an admin's scope (a reset). Audited.
    pub async fn reset_password(
        &self,
        admin: &Actor,
        user: UserId,
        password_hash: &str,
    ) -> Result<()> {
        self.user_by_id(admin, user)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.set_password_hash(admin, user, password_hash, "password.reset")
            .await
    }

    async fn set_password_hash(
        &self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
        action: &str,
    ) -> Result<()> {
        if !password_hash.starts_with("$argon2id$") {
            return Err(StoreError::invalid_text(
                "hash kata sandi harus argon2id",
                "the password hash must be argon2id",
            ));
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
                .bind(password_hash)
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
            // An admin's reset answers a lost or stolen password: the account's API tokens go
            // too (its own change keeps them: the machine clients go on).
            if action == "password.reset" {
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                )
                .bind(self.now_text())
                .bind(user.to_string())
                .execute(&mut **c)
                .await?;
            }
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action,
                target_kind: "user",
                target_id: user.to_string(),
                region_code: actor.scope.key(),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
