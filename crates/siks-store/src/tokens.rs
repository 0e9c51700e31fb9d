//! API tokens for machine clients (ADR 0022): an account's token with a name, a region scope
//! never wider than the account's, read or read-write access and an expiry; shown once, kept as
//! its SHA-256 only, revocable by its account or an admin above it. A request with one acts as
//! its account within the token's scope, and every use is audited under the account
//! (`token.use`, through the view journal like a view).

use siks_domain::access::Action;
use siks_domain::clock::Stamp;
use siks_domain::{Actor, Scope, UserId};

use crate::audit::{self, AuditEvent};
use crate::sessions::{random_token, token_hash};
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// What a token lets its client do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAccess {
    /// GET only.
    Read,
    /// GET and the writes its account's role may make through the API (never an account's,
    /// a period's close or a programme's rules: those ask a person's fresh second factor).
    ReadWrite,
}

impl TokenAccess {
    pub fn key(self) -> &'static str {
        match self {
            TokenAccess::Read => "baca",
            TokenAccess::ReadWrite => "tulis",
        }
    }

    pub fn parse(text: &str) -> Result<TokenAccess> {
        match text.trim() {
            "baca" => Ok(TokenAccess::Read),
            "tulis" => Ok(TokenAccess::ReadWrite),
            other => Err(StoreError::invalid_text(
                format!("akses token '{other}' tidak dikenal; pilih baca atau tulis"),
                format!(
                    "token access '{other}' is unknown; choose baca (read) or tulis (read-write)"
                ),
            )),
        }
    }
}

/// The longest a token lives, in days.
pub const LONGEST_TOKEN_DAYS: i64 = 365;
/// The prefix of every token (so that a leaked one is recognised by secret scanners).
pub const TOKEN_PREFIX: &str = "siks_";

/// A stored token (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub user_id: UserId,
    pub username: String,
    pub name: String,
    pub scope: Scope,
    pub access: TokenAccess,
    pub created_at: Stamp,
    pub expires_at: Stamp,
    pub last_used_at: Option<Stamp>,
    pub revoked_at: Option<Stamp>,
}

impl ApiToken {
    fn from_row(row: &impl Cells) -> Result<ApiToken> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("api_tokens.{what}"));
        let stamp = |col: &str| -> Result<Option<Stamp>> {
            row.opt_text(col)?
                .map(|t| crate::sql::stamp(&t, col))
                .transpose()
        };
        Ok(ApiToken {
            id: row.text("id")?,
            user_id: row
                .text("user_id")?
                .parse()
                .map_err(|_| corrupt("user_id"))?,
            username: row.text("username")?,
            name: row.text("name")?,
            scope: Scope::parse(&row.text("scope")?).map_err(|_| corrupt("scope"))?,
            access: TokenAccess::parse(&row.text("access")?).map_err(|_| corrupt("access"))?,
            created_at: crate::sql::stamp(&row.text("created_at")?, "api_tokens.created_at")?,
            expires_at: crate::sql::stamp(&row.text("expires_at")?, "api_tokens.expires_at")?,
            last_used_at: stamp("last_used_at")?,
            revoked_at: stamp("revoked_at")?,
        })
    }

    /// Whether it still opens the API at `now`.
    pub fn live_at(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at.0
    }
}

/// A token to make.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scope: Scope,
    pub access: TokenAccess,
    pub days: i64,
}

/// Why a bearer token opens nothing (the API says so in words; the use is audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    Unknown,
    Expired,
    Revoked,
    AccountInactive,
    /// The account's scope no longer covers any of the token's.
    OutOfScope,
}

/// What a token request needs of the token's account.
struct Owner {
    role: siks_domain::Role,
    scope: Scope,
    active: bool,
}

impl Owner {
    fn from_row(row: &impl Cells) -> Result<Owner> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("users.{what}"));
        Ok(Owner {
            role: siks_domain::Role::parse(&row.text("owner_role")?)
                .map_err(|_| corrupt("role"))?,
            scope: Scope::parse(&row.text("owner_scope")?).map_err(|_| corrupt("scope"))?,
            active: row.flag("owner_active")?,
        })
    }
}

const SELECT: &str = "SELECT t.*, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id";

impl TokenRefusal {
    /// The key the audit log names it by.
    pub fn key(self) -> &'static str {
        match self {
            TokenRefusal::Unknown => "unknown",
            TokenRefusal::Expired => "expired",
            TokenRefusal::Revoked => "revoked",
            TokenRefusal::AccountInactive => "inactive",
            TokenRefusal::OutOfScope => "out_of_scope",
        }
    }
}

impl Store {
    /// Makes a token for the actor's own account; the secret is in the answer only, once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        new: NewToken,
    ) -> Result<(ApiToken, String)> {
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(StoreError::invalid_text(
                "nama token wajib diisi, paling banyak 60 karakter",
                "a token's name is required, at most 60 characters",
            ));
        }
        if !actor.scope.covers(&new.scope) {
            return Err(StoreError::invalid_text(
                format!(
                    "wilayah token {} di luar wilayah kerja Anda ({})",
                    new.scope, actor.scope
                ),
                format!(
                    "the token's scope {} is outside your scope ({})",
                    new.scope, actor.scope
                ),
            ));
        }
        if !(1..=LONGEST_TOKEN_DAYS).contains(&new.days) {
            return Err(StoreError::invalid_text(
                format!("masa berlaku token 1 sampai {LONGEST_TOKEN_DAYS} hari"),
                format!("a token lives 1 to {LONGEST_TOKEN_DAYS} days"),
            ));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now();
        let expires = crate::sql::time_text(now + chrono::Duration::days(new.days));
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, scope, access, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(actor.user_id.to_string())
            .bind(name)
            .bind(token_hash(&secret))
            .bind(new.scope.key())
            .bind(new.access.key())
            .bind(crate::sql::time_text(now))
            .bind(&expires)
            .execute(&mut **c)
            .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "token.create",
                target_kind: "token",
                target_id: id.clone(),
                region_code: new.scope.key(),
                detail: format!("access={} days={}", new.access.key(), new.days),
            },
        )
        .await?;
        tx.commit().await?;
        let token = self.api_token(&id).await?.ok_or(StoreError::NotFound)?;
        Ok((token, secret))
    }

    async fn api_token(&self, id: &str) -> Result<Option<ApiToken>> {
        with_pool!(self, p => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(ApiToken::from_row).transpose()
        })
    }

    /// The actor's own tokens, newest first; for an admin also every token of the accounts it
    /// manages (to revoke one a leaver left behind).
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let all = with_pool!(self, p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY t.created_at DESC, t.id")))
                .fetch_all(p)
                .await?;
            rows.iter().map(ApiToken::from_row).collect::<Result<Vec<_>>>()?
        });
        let mut mine = Vec::new();
        for token in all {
            if token.user_id == actor.user_id {
                mine.push(token);
            } else if actor.may(Action::ManageUsers)
                && let Some(owner) = self.user_by_id(actor, token.user_id).await?
                && crate::users::may_manage(actor, owner.role, &owner.scope)
            {
                mine.push(token);
            }
        }
        Ok(mine)
    }

    /// Revokes a token: its account's own, or one of an account the admin manages. Audited;
    /// revoking a revoked token changes nothing.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> Result<()> {
        let token = self
            .api_tokens(actor)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::NotFound)?;
        if token.revoked_at.is_some() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(self.now_text())
                .bind(id)
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "token.revoke",
                target_kind: "token",
                target_id: id.to_string(),
                region_code: token.scope.key(),
                detail: format!("owner={}", token.username),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor a bearer token acts as: its account, within the token's scope, or why not.
    /// Every use, and every refused one of a known token, is audited (`token.use`,
    /// `token.refused`) under the account, with the request's method and path.
    pub async fn token_actor(
        &self,
        secret: &str,
        request: &str,
        remote_addr: &str,
    ) -> Result<std::result::Result<(Actor, ApiToken), TokenRefusal>> {
        // The token and its account in one read: this is every token request's path.
        let row = with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT t.*, u.username, u.role AS owner_role, u.scope AS owner_scope, \
                 u.active AS owner_active FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1",
            )
            .bind(token_hash(secret.trim()))
            .fetch_optional(p)
            .await?;
            match row {
                Some(r) => Some((ApiToken::from_row(&r)?, Owner::from_row(&r)?)),
                None => None,
            }
        });
        let Some((token, owner)) = row else {
            return Ok(Err(TokenRefusal::Unknown));
        };
        let now = self.now();
        let refusal = if token.revoked_at.is_some() {
            Some(TokenRefusal::Revoked)
        } else if now >= token.expires_at.0 {
            Some(TokenRefusal::Expired)
        } else if !owner.active {
            Some(TokenRefusal::AccountInactive)
        } else {
            None
        };
        // The account's scope may have changed since: the narrower of the two, and nothing
        // when they no longer overlap (the account moved elsewhere).
        let scope = if owner.scope.covers(&token.scope) {
            Some(token.scope.clone())
        } else if token.scope.covers(&owner.scope) {
            Some(owner.scope.clone())
        } else {
            None
        };
        let refusal = refusal.or(scope.is_none().then_some(TokenRefusal::OutOfScope));
        let scope = scope.unwrap_or_else(|| owner.scope.clone());
        let actor = Actor {
            user_id: token.user_id,
            username: token.username.clone(),
            role: owner.role,
            scope,
            origin: remote_addr.to_string(),
        };
        let request: String = request
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        self.audit_view(
            &actor,
            AuditEvent {
                action: if refusal.is_some() {
                    "token.refused"
                } else {
                    "token.use"
                },
                target_kind: "token",
                target_id: token.id.clone(),
                region_code: token.scope.key(),
                detail: match refusal {
                    Some(r) => format!("from={remote_addr} {request} why={}", r.key()),
                    None => format!("from={remote_addr} {request}"),
                },
            },
        )
        .await?;
        if let Some(r) = refusal {
            return Ok(Err(r));
        }
        // The last use, at most once a minute per token (most requests then only read).
        if token
            .last_used_at
            .is_none_or(|at| (now - at.0).num_seconds() >= 60)
        {
            crate::sql::with_writers!(self, p => {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(crate::sql::time_text(now))
                    .bind(&token.id)
                    .execute(p)
                    .await?;
            });
        }
        Ok(Ok((actor, token)))
    }

    /// A token by its id, for the breach scope (auditors and admins).
    pub async fn api_token_by_id(&self, actor: &Actor, id: &str) -> Result<Option<ApiToken>> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        Ok(self
            .api_token(id)
            .await?
            .filter(|t| actor.scope.covers(&t.scope)))
    }
}
