//! Accounts, sessions and the audit trail: who may sign in, who is signed in, the accounts an
//! admin keeps, and what the audit chain holds.

use siks_domain::{Actor, UserId};
use siks_store::{
    AuditEntry, AuditVerification, LoginGate, NewSession, NewUser, Result, Session, SessionPolicy,
    UserRecord,
};

use crate::Service;

pub use siks_store::audit::{BreachActor, BreachScope};

/// How often a server reads the field keys' file again, and so how long a rotation waits
/// for it after changing the file.
pub const FIELD_KEYS_RELOAD: std::time::Duration = std::time::Duration::from_secs(2);
const FIELD_KEYS_SETTLE: std::time::Duration = std::time::Duration::from_secs(5);

impl Service {
    /// The actor of an active account.
    pub async fn actor_for_username(&self, username: &str) -> Result<Option<Actor>> {
        self.store.actor_for_username(username).await
    }

    /// Creates an account inside the admin's scope.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<UserRecord> {
        self.store.create_user(actor, new).await
    }

    /// Accounts inside the actor's scope, by username (admins only).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserRecord>> {
        self.store.list_users(actor).await
    }

    /// Activates or deactivates an account inside the admin's scope.
    pub async fn set_user_active(&self, actor: &Actor, id: UserId, active: bool) -> Result<()> {
        self.store.set_user_active(actor, id, active).await
    }

    /// The account behind a username, for signing in (no actor yet) and for the command line.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        self.store.user_by_username(username).await
    }

    /// Sets the actor's own password hash (argon2id PHC string) and ends its other sessions.
    /// All its sessions end, the current one included: the caller starts a new one.
    pub async fn change_own_password(&self, actor: &Actor, password_hash: &str) -> Result<()> {
        self.store.change_own_password(actor, password_hash).await
    }

    /// Opens a session after a right password, clearing the failure count. Audited.
    pub async fn start_session(&self, user: &UserRecord, remote_addr: &str) -> Result<NewSession> {
        self.store.start_session(user, remote_addr).await
    }

    /// The session after a password change, keeping the second factor the changing session
    /// gave. Audited as a sign-in.
    pub async fn start_session_after_password_change(
        &self,
        user: &UserRecord,
        remote_addr: &str,
        second_factor_at: Option<siks_domain::clock::Stamp>,
    ) -> Result<NewSession> {
        self.store
            .start_session_after_password_change(user, remote_addr, second_factor_at)
            .await
    }

    /// The live session of a cookie token; an expired one is removed and answers `None`.
    pub async fn session(&self, token: &str, policy: &SessionPolicy) -> Result<Option<Session>> {
        self.store.session(token, policy).await
    }

    /// Ends a session (logout). Audited.
    pub async fn end_session(&self, actor: &Actor, token: &str) -> Result<()> {
        self.store.end_session(actor, token).await
    }

    /// The account behind a username, if it may try a password now.
    pub async fn login_gate(&self, username: &str) -> Result<LoginGate> {
        self.store.login_gate(username).await
    }

    /// What the database promises to keep after a crash, for the server's start-up check.
    pub async fn durability(&self) -> Result<siks_store::durability::Durability> {
        self.store.durability().await
    }

    /// Audits a sign-in with a name no active account has.
    pub async fn record_unknown_login(&self, username: &str, remote_addr: &str) -> Result<()> {
        self.store.record_unknown_login(username, remote_addr).await
    }

    /// Counts a wrong password. Audited.
    pub async fn record_login_failure(&self, user: &UserRecord, remote_addr: &str) -> Result<()> {
        self.store.record_login_failure(user, remote_addr).await
    }

    /// Takes a turn to try a password for `username` from `address`, counted as a failure
    /// until [`Service::sign_in_succeeded`]; or how long to wait first (the try is audited
    /// then). A name is throttled whether an account has it or not.
    pub async fn sign_in_turn(
        &self,
        username: &str,
        address: &str,
    ) -> Result<std::result::Result<crate::signin::Turn, std::time::Duration>> {
        match self.throttle.take_turn(username, address, self.now()) {
            Ok(turn) => Ok(Ok(turn)),
            Err(wait) => {
                self.store.record_throttled_login(username, address).await?;
                Ok(Err(wait))
            }
        }
    }

    /// The right password: the name's tries start again.
    pub fn sign_in_succeeded(&self, turn: crate::signin::Turn) {
        self.throttle.succeeded(turn);
    }

    /// The newest audit entries inside the actor's scope (auditors and admins only).
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        target_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        self.store.audit_entries(actor, target_id, limit).await
    }

    /// What the actions of one account or one address between two moments exposed (breach
    /// scoping, Pasal 46): auditors and admins, within their scope.
    pub async fn breach_scope(
        &self,
        actor: &Actor,
        who: BreachActor<'_>,
        from: &siks_domain::clock::Stamp,
        to: &siks_domain::clock::Stamp,
    ) -> Result<BreachScope> {
        self.store.breach_scope(actor, who, from, to).await
    }

    /// Recomputes the whole chain (auditors and admins only), streaming it in pages.
    pub async fn verify_audit_chain(&self, actor: &Actor) -> Result<AuditVerification> {
        self.store.verify_audit_chain(actor).await
    }

    /// The same service sealing with the field keys at `path` (see
    /// [`Store::use_field_keys`](siks_store::Store::use_field_keys)); `true` when made now.
    pub async fn use_field_keys(self, path: &std::path::Path) -> Result<(Self, bool)> {
        let (store, made) = self.store.use_field_keys(path).await?;
        Ok((
            Service {
                store,
                throttle: self.throttle,
            },
            made,
        ))
    }

    /// The field keys in use.
    pub fn field_keys(&self) -> std::sync::Arc<siks_store::sealing::FieldKeys> {
        self.store.field_keys()
    }

    /// Every sealed value sealed anew with a new key (`siks key rotate`); a server reads the
    /// key file again every few seconds ([`Service::reload_field_keys`]).
    pub async fn rotate_field_keys(
        &self,
        progress: &(dyn Fn(&str, u64) + Sync),
    ) -> Result<siks_store::sealing::Resealed> {
        self.store
            .rotate_field_keys(FIELD_KEYS_SETTLE, progress)
            .await
    }

    /// How much of the database is sealed (`siks doctor`).
    pub async fn sealing_status(&self) -> Result<siks_store::sealing::SealingStatus> {
        self.store.sealing_status().await
    }

    /// Reads the field keys' file again if a rotation changed it.
    pub fn reload_field_keys(&self) -> Result<bool> {
        self.store.reload_field_keys()
    }

    /// The same service chaining its audit entries with the key at `path`, made (0600) when
    /// missing; `true` when it was made now.
    pub async fn use_audit_key(self, path: &std::path::Path) -> Result<(Self, bool)> {
        let (store, made) = self.store.use_audit_key(path).await?;
        Ok((
            Service {
                store,
                throttle: self.throttle,
            },
            made,
        ))
    }

    /// Records a request refused to `actor` (403) or answered not found (404).
    pub async fn audit_refused(
        &self,
        actor: &Actor,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<()> {
        self.store.audit_refused(actor, method, path, status).await
    }

    /// The same service recording views and searches in a journal in `dir` first, folded
    /// into the audit log a moment later (SQLite; see `siks_store::view_journal`), so that no
    /// view waits for a bulk writer.
    pub async fn with_view_journal(self, dir: &std::path::Path) -> Result<Self> {
        let store = self.store.with_view_journal(dir).await?;
        Ok(Service {
            store,
            throttle: self.throttle,
        })
    }

    /// Folds every view recorded so far into the audit log (a server stopping).
    pub async fn fold_views_now(&self) -> Result<()> {
        self.store.fold_views_now().await
    }

    /// Records that the audit key in use was made now for a log that had entries.
    pub async fn record_new_audit_key(&self, actor: &Actor) -> Result<()> {
        self.store.record_new_audit_key(actor).await
    }

    /// Entries in the audit log so far.
    pub async fn audit_entries_count(&self) -> Result<i64> {
        self.store.audit_entries_count().await
    }

    /// The audit key in use, if any.
    pub fn audit_key(&self) -> Option<&siks_store::audit_key::AuditKey> {
        self.store.audit_key()
    }

    /// The chain's head signed with the audit key, to be kept elsewhere.
    pub async fn audit_anchor(&self, actor: &Actor) -> Result<siks_store::audit::AuditAnchor> {
        self.store.audit_anchor(actor).await
    }

    /// The log against an anchor kept elsewhere (see [`Service::verify_audit_chain`] too).
    pub async fn check_audit_anchor(
        &self,
        actor: &Actor,
        anchor: &siks_store::audit::AuditAnchor,
    ) -> Result<siks_store::audit::AnchorCheck> {
        self.store.check_audit_anchor(actor, anchor).await
    }
}
