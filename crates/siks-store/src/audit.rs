//! The audit log: append-only (refused by triggers on both engines), one entry per write and per
//! view of a person's record, each entry's hash covering the previous one so that any edit or
//! removal breaks the chain. Entries name records by id; no NIK or name is ever written here.

use sha2::{Digest, Sha256};
use siks_domain::{Action, Actor};
use sqlx::Row;

use crate::sql::{Cells, Tx, now_text, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_username: String,
    pub actor_role: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub region_code: String,
    pub detail: String,
    /// Where the action came from (address or `cli`).
    pub origin: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry, given the previous one.
    pub fn expected_hash(&self, prev_hash: &str) -> String {
        let fields = [
            self.seq.to_string(),
            self.at.clone(),
            self.actor_id.clone(),
            self.actor_username.clone(),
            self.actor_role.clone(),
            self.action.clone(),
            self.target_kind.clone(),
            self.target_id.clone(),
            self.region_code.clone(),
            self.detail.clone(),
            self.origin.clone(),
        ];
        // A JSON array is an unambiguous encoding of the fields.
        let canonical = serde_json::to_string(&fields).unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(canonical.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn from_row(row: &impl Cells) -> Result<AuditEntry, sqlx::Error> {
        Ok(AuditEntry {
            seq: row.int("seq")?,
            at: row.text("at")?,
            actor_id: row.text("actor_id")?,
            actor_username: row.text("actor_username")?,
            actor_role: row.text("actor_role")?,
            action: row.text("action")?,
            target_kind: row.text("target_kind")?,
            target_id: row.text("target_id")?,
            region_code: row.text("region_code")?,
            detail: row.text("detail")?,
            origin: row.text("origin")?,
            prev_hash: row.text("prev_hash")?,
            hash: row.text("hash")?,
        })
    }
}

/// What is audited: the action, the record and its region, and a detail without personal data.
pub(crate) struct AuditEvent<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: String,
    pub region_code: String,
    pub detail: String,
}

const INSERT: &str = "INSERT INTO audit_log (seq, at, actor_id, actor_username, actor_role, action, \
     target_kind, target_id, region_code, detail, prev_hash, hash, origin) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// Appends an entry inside the caller's transaction, so that it lands exactly when the change does.
pub(crate) async fn append(tx: &mut Tx, actor: &Actor, event: AuditEvent<'_>) -> Result<()> {
    // Bumping the head first takes its row lock (PostgreSQL) inside the write lock (SQLite), so
    // concurrent appends line up one after another.
    let (seq, prev_hash): (i64, String) = with_tx!(tx, c => {
        let row = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **c)
            .await?;
        (row.try_get("seq")?, row.try_get("hash")?)
    });
    let mut entry = AuditEntry {
        seq,
        at: now_text(),
        actor_id: actor.user_id.to_string(),
        actor_username: actor.username.clone(),
        actor_role: actor.role.key().to_string(),
        action: event.action.to_string(),
        target_kind: event.target_kind.to_string(),
        target_id: event.target_id,
        region_code: event.region_code,
        detail: event.detail,
        origin: actor.origin.clone(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash(&entry.prev_hash);
    with_tx!(tx, c => {
        sqlx::query(INSERT)
            .bind(entry.seq)
            .bind(&entry.at)
            .bind(&entry.actor_id)
            .bind(&entry.actor_username)
            .bind(&entry.actor_role)
            .bind(&entry.action)
            .bind(&entry.target_kind)
            .bind(&entry.target_id)
            .bind(&entry.region_code)
            .bind(&entry.detail)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .bind(&entry.origin)
            .execute(&mut **c)
            .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&entry.hash)
            .execute(&mut **c)
            .await?;
    });
    Ok(())
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    pub entries: u64,
    /// The first entry whose hash, sequence or link does not hold, if any.
    pub broken_at: Option<i64>,
}

impl Store {
    /// The newest audit entries inside the actor's scope (auditors and admins only).
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        target_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        let (low, high) = actor.scope.village_range();
        const SQL: &str = "SELECT * FROM audit_log \
             WHERE ((region_code >= $1 AND region_code < $2) OR $3) \
             AND ($4 = '' OR target_id = $4) ORDER BY seq DESC LIMIT $5";
        let nation = actor.scope == siks_domain::Scope::Nation;
        with_pool!(self, p => {
            let rows = sqlx::query(SQL)
                .bind(low)
                .bind(high)
                .bind(nation)
                .bind(target_id.unwrap_or(""))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| AuditEntry::from_row(r).map_err(StoreError::from)).collect()
        })
    }

    /// Recomputes the whole chain (auditors and admins only), streaming it in pages.
    pub async fn verify_audit_chain(&self, actor: &Actor) -> Result<AuditVerification> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        const PAGE: &str = "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000";
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut last_seq = 0i64;
        let mut entries = 0u64;
        loop {
            let page: Vec<AuditEntry> = with_pool!(self, p => {
                let rows = sqlx::query(PAGE).bind(last_seq).fetch_all(p).await?;
                rows.iter().map(AuditEntry::from_row).collect::<Result<_, _>>()?
            });
            if page.is_empty() {
                break;
            }
            for entry in page {
                let linked = entry.seq == last_seq + 1 && entry.prev_hash == prev_hash;
                if !linked || entry.expected_hash(&prev_hash) != entry.hash {
                    return Ok(AuditVerification {
                        entries,
                        broken_at: Some(entry.seq),
                    });
                }
                entries += 1;
                last_seq = entry.seq;
                prev_hash = entry.hash;
            }
        }
        // The head must point at the last entry: a removed tail shows here.
        let (head_seq, head_hash): (i64, String) = with_pool!(self, p => {
            let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await?;
            (row.try_get("seq")?, row.try_get("hash")?)
        });
        let broken_at = (head_seq != last_seq || head_hash != prev_hash).then_some(last_seq + 1);
        Ok(AuditVerification { entries, broken_at })
    }
}
