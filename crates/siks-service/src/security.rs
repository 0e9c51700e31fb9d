//! The second factor and API tokens (ADR 0022): enrolment, the code asked at sign-in and again
//! before a bulk export, a close or a rule change, the reset by a higher admin, and the tokens
//! machine clients call the API with. A typed code takes a turn of the sign-in throttle, as a
//! password does, under a name of its own (`kode:NAME`), so that six digits cannot be guessed
//! at speed and a right password, which clears the name's tallies, does not clear the code's.

use siks_domain::totp::Secret;
use siks_domain::{Actor, UserId};
use siks_store::second_factor::{Enrolled, FactorCheck};
use siks_store::tokens::{ApiToken, NewToken, TokenRefusal};
use siks_store::{Result, Session, SessionPolicy, UserRecord};

use crate::Service;

pub use siks_store::tokens::{LONGEST_TOKEN_DAYS, TOKEN_PREFIX, TokenAccess};
pub use siks_store::{Factor, second_factor, tokens};

impl Service {
    /// The live session of a cookie token, open or still waiting for its second factor (the
    /// second factor's own pages only).
    pub async fn any_session(
        &self,
        token: &str,
        policy: &SessionPolicy,
    ) -> Result<Option<Session>> {
        self.store.any_session(token, policy).await
    }

    /// The secret to show for enrolment (the one waiting, or a new one).
    pub async fn begin_enrolment(&self, user: &UserRecord) -> Result<Secret> {
        self.store.begin_enrolment(user).await
    }

    /// Confirms enrolment with a first code (after a turn of the throttle); the recovery codes
    /// to show once, `Ok(None)` for a wrong code, or how long to wait.
    pub async fn confirm_enrolment(
        &self,
        user: &UserRecord,
        session_token: &str,
        typed: &str,
        remote_addr: &str,
    ) -> Result<std::result::Result<Option<Enrolled>, std::time::Duration>> {
        let turn = match self
            .sign_in_turn(&code_tally(&user.username), remote_addr)
            .await?
        {
            Ok(turn) => turn,
            Err(wait) => return Ok(Err(wait)),
        };
        let done = self
            .store
            .confirm_enrolment(user, session_token, typed, remote_addr)
            .await?;
        if done.is_some() {
            self.sign_in_succeeded(turn);
        }
        Ok(Ok(done))
    }

    /// Checks a typed code or recovery code for a session (after a turn of the throttle), at
    /// sign-in or as a step-up for `purpose`; or how long to wait.
    pub async fn check_second_factor(
        &self,
        user: &UserRecord,
        session_token: &str,
        typed: &str,
        purpose: &str,
        remote_addr: &str,
    ) -> Result<std::result::Result<FactorCheck, std::time::Duration>> {
        let turn = match self
            .sign_in_turn(&code_tally(&user.username), remote_addr)
            .await?
        {
            Ok(turn) => turn,
            Err(wait) => return Ok(Err(wait)),
        };
        let check = self
            .store
            .check_second_factor(user, session_token, typed, purpose, remote_addr)
            .await?;
        if matches!(check, FactorCheck::Accepted { .. }) {
            self.sign_in_succeeded(turn);
        }
        Ok(Ok(check))
    }

    /// Takes an account's second factor away (a higher admin only). Audited.
    pub async fn reset_second_factor(&self, admin: &Actor, user: UserId) -> Result<()> {
        self.store.reset_second_factor(admin, user).await
    }

    /// Makes an API token for the actor's account; its secret is shown once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        new: NewToken,
    ) -> Result<(ApiToken, String)> {
        self.store.create_api_token(actor, new).await
    }

    /// The actor's tokens (and an admin's accounts' tokens).
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        self.store.api_tokens(actor).await
    }

    /// Revokes a token. Audited.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> Result<()> {
        self.store.revoke_api_token(actor, id).await
    }

    /// A token by its id, for the breach scope (auditors and admins).
    pub async fn api_token_by_id(&self, actor: &Actor, id: &str) -> Result<Option<ApiToken>> {
        self.store.api_token_by_id(actor, id).await
    }

    /// The actor a bearer token acts as, or why it opens nothing; every use audited.
    pub async fn token_actor(
        &self,
        secret: &str,
        request: &str,
        remote_addr: &str,
    ) -> Result<std::result::Result<(Actor, ApiToken), TokenRefusal>> {
        self.store.token_actor(secret, request, remote_addr).await
    }
}

/// The name a code's tries are tallied under: apart from the password's, so that a right
/// password (which clears its name's tallies) never clears the code's.
fn code_tally(username: &str) -> String {
    format!("kode:{username}")
}
