//! User accounts: role, region scope, active flag, password hash. An admin creates and
//! deactivates accounts inside its own scope; an account is never deleted, so that everything it
//! did stays attributable (an operator who changes job is deactivated and a new account created).

use siks_domain::access::{Action, check_scope_fits};
use siks_domain::clock::Stamp;
use siks_domain::{Actor, Role, Scope, UserId};

use crate::audit::{self, AuditEvent};
use crate::sql::{Cells, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// An argon2id PHC string, hashed by the caller (off the async workers).
    pub password_hash: Option<String>,
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub password_hash: Option<String>,
    pub created_at: Stamp,
    /// Whether the account has enrolled a second factor.
    pub second_factor: bool,
}

impl UserRecord {
    /// Whether signing in asks a second factor: the account's level asks one, or it enrolled.
    pub fn needs_second_factor(&self) -> bool {
        self.second_factor || siks_domain::totp::required(self.role, &self.scope)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            scope: self.scope.clone(),
            origin: String::new(),
        }
    }

    pub(crate) fn from_row(row: &impl Cells) -> Result<UserRecord> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("users.{what}"));
        Ok(UserRecord {
            id: row.text("id")?.parse().map_err(|_| corrupt("id"))?,
            username: row.text("username")?,
            display_name: row.text("display_name")?,
            role: Role::parse(&row.text("role")?).map_err(|_| corrupt("role"))?,
            scope: Scope::parse(&row.text("scope")?).map_err(|_| corrupt("scope"))?,
            active: row.flag("active")?,
            password_hash: row.opt_text("password_hash")?,
            created_at: crate::sql::stamp(&row.text("created_at")?, "users.created_at")?,
            second_factor: row.opt_text("totp_secret")?.is_some(),
        })
    }
}

/// A username: 3–32 of a–z, 0–9, `.`, `_`, `-`.
fn check_username(name: &str) -> Result<()> {
    let ok = (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid_text(
            format!(
                "nama pengguna '{name}' harus 3-32 huruf kecil, angka, titik, garis bawah atau tanda hubung"
            ),
            format!("username '{name}' must be 3-32 lower-case letters, digits, '.', '_' or '-'"),
        ))
    }
}

impl Store {
    /// Creates an account inside the admin's scope.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<UserRecord> {
        if !actor.may(Action::ManageUsers) {
            return Err(StoreError::Forbidden(Action::ManageUsers));
        }
        check_username(&new.username)?;
        check_scope_fits(new.role, &new.scope).map_err(|e| StoreError::invalid(&e))?;
        if actor.scope.covers(&new.scope) && !may_manage(actor, new.role, &new.scope) {
            return Err(StoreError::invalid_text(
                format!(
                    "akun admin wilayah {} hanya dapat dibuat oleh admin wilayah yang lebih luas",
                    new.scope
                ),
                format!(
                    "an admin account over {} is created only by an admin of a wider scope",
                    new.scope
                ),
            ));
        }
        if !actor.scope.covers(&new.scope) {
            return Err(StoreError::invalid_text(
                format!(
                    "wilayah {} di luar wilayah kerja Anda ({})",
                    new.scope, actor.scope
                ),
                format!(
                    "scope {} is outside your scope ({})",
                    new.scope, actor.scope
                ),
            ));
        }
        let id = UserId::new();
        let mut tx = self.begin().await?;
        let inserted = with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, scope, active, password_hash, created_at, created_by, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
            )
            .bind(id.to_string())
            .bind(&new.username)
            .bind(new.display_name.trim())
            .bind(new.role.key())
            .bind(new.scope.key())
            .bind(true)
            .bind(&new.password_hash)
            .bind(self.now_text())
            .bind(actor.user_id.to_string())
            .execute(&mut **c)
            .await
            .map(|_| ())
        });
        match inserted {
            Ok(_) => {}
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    indonesian: format!("nama pengguna '{}' sudah dipakai", new.username),
                    english: format!("username '{}' is already taken", new.username),
                });
            }
            Err(e) => return Err(e.into()),
        }
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "user.create",
                target_kind: "user",
                target_id: id.to_string(),
                region_code: new.scope.key(),
                detail: format!("role={}", new.role.key()),
            },
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(actor, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The account behind a username, for signing in (no actor yet) and for the command line.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT * FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(UserRecord::from_row).transpose()
        })
    }

    /// The actor of an active account.
    pub async fn actor_for_username(&self, username: &str) -> Result<Option<Actor>> {
        Ok(self
            .user_by_username(username)
            .await?
            .filter(|u| u.active)
            .map(|u| u.actor()))
    }

    /// An account inside the actor's scope (admins only).
    pub async fn user_by_id(&self, actor: &Actor, id: UserId) -> Result<Option<UserRecord>> {
        if !actor.may(Action::ManageUsers) {
            return Err(StoreError::Forbidden(Action::ManageUsers));
        }
        let user = with_pool!(self, p => {
            let row = sqlx::query("SELECT * FROM users WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(p)
                .await?;
            row.as_ref().map(UserRecord::from_row).transpose()?
        });
        Ok(user.filter(|u| actor.scope.covers(&u.scope)))
    }

    /// Accounts inside the actor's scope, by username (admins only).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserRecord>> {
        if !actor.may(Action::ManageUsers) {
            return Err(StoreError::Forbidden(Action::ManageUsers));
        }
        let all = with_pool!(self, p => {
            let rows = sqlx::query("SELECT * FROM users ORDER BY username")
                .fetch_all(p)
                .await?;
            rows.iter().map(UserRecord::from_row).collect::<Result<Vec<_>>>()?
        });
        Ok(all
            .into_iter()
            .filter(|u| actor.scope.covers(&u.scope))
            .collect())
    }

    /// Activates or deactivates an account inside the admin's scope (another admin only of a
    /// strictly narrower scope).
    pub async fn set_user_active(&self, actor: &Actor, id: UserId, active: bool) -> Result<()> {
        let user = self
            .user_by_id(actor, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if user.id == actor.user_id && !active {
            return Err(StoreError::invalid_text(
                "Anda tidak dapat menonaktifkan akun Anda sendiri",
                "you cannot deactivate your own account",
            ));
        }
        if !may_manage(actor, user.role, &user.scope) {
            return Err(StoreError::invalid_text(
                "akun admin dengan wilayah kerja yang sama atau lebih luas dikelola oleh admin di atasnya",
                "an admin of the same or a wider scope is managed from above",
            ));
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE users SET active = $1, version = version + 1 WHERE id = $2")
                .bind(active)
                .bind(id.to_string())
                .execute(&mut **c)
                .await?;
        });
        audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: if active {
                    "user.activate"
                } else {
                    "user.deactivate"
                },
                target_kind: "user",
                target_id: id.to_string(),
                region_code: user.scope.key(),
                detail: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Whether `actor` may manage an account of `role` over `scope`: the domain's rule, and the
/// command line's system account above every admin (it holds the database itself).
pub fn may_manage(actor: &Actor, role: siks_domain::Role, scope: &siks_domain::Scope) -> bool {
    actor.may_manage(role, scope)
        || (actor.username == crate::schema::SYSTEM_USERNAME && actor.may(Action::ManageUsers))
}
