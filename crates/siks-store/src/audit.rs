//! The audit log: append-only (refused by triggers on both engines), one entry per write and per
//! view of a person's record, each entry's hash covering the previous one so that any edit or
//! removal breaks the chain. Entries name records by id; no NIK or name is ever written here.

use sha2::{Digest, Sha256};
use siks_domain::{Action, Actor};
use sqlx::Row;

use crate::sql::{Cells, Tx, Value, insert_rows, with_pool, with_tx};
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

const COLUMNS: &[&str] = &[
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "target_kind",
    "target_id",
    "region_code",
    "detail",
    "prev_hash",
    "hash",
    "origin",
];

/// An entry appended in a transaction that has not committed yet: everything but its place in
/// the chain.
pub(crate) struct PendingEntry(AuditEntry);

/// Appends an entry inside the caller's transaction, so that it lands exactly when the change
/// does: the transaction chains and writes its entries together when it commits (`flush`).
pub(crate) async fn append(tx: &mut Tx, actor: &Actor, event: AuditEvent<'_>) -> Result<()> {
    tx.audit.push(PendingEntry(AuditEntry {
        seq: 0,
        at: tx.now_text(),
        actor_id: actor.user_id.to_string(),
        actor_username: actor.username.clone(),
        actor_role: actor.role.key().to_string(),
        action: event.action.to_string(),
        target_kind: event.target_kind.to_string(),
        target_id: event.target_id,
        region_code: event.region_code,
        detail: event.detail,
        origin: actor.origin.clone(),
        prev_hash: String::new(),
        hash: String::new(),
    }));
    Ok(())
}

/// Chains and writes a transaction's pending entries, just before it commits. Bumping the head
/// by all of them at once takes its row lock (PostgreSQL) inside the write lock (SQLite), so
/// concurrent transactions' entries line up one batch after another.
pub(crate) async fn flush(tx: &mut Tx, pending: Vec<PendingEntry>) -> Result<(), sqlx::Error> {
    if pending.is_empty() {
        return Ok(());
    }
    let count = pending.len() as i64;
    let (last_seq, mut prev_hash): (i64, String) = with_tx!(tx, c => {
        let row = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(count)
            .fetch_one(&mut **c)
            .await?;
        (row.try_get("seq")?, row.try_get("hash")?)
    });
    let mut rows = Vec::with_capacity(pending.len());
    for (n, PendingEntry(mut entry)) in pending.into_iter().enumerate() {
        entry.seq = last_seq - count + 1 + n as i64;
        entry.hash = entry.expected_hash(&prev_hash);
        entry.prev_hash = std::mem::replace(&mut prev_hash, entry.hash.clone());
        rows.push(vec![
            Value::Int(entry.seq),
            Value::Text(entry.at),
            Value::Text(entry.actor_id),
            Value::Text(entry.actor_username),
            Value::Text(entry.actor_role),
            Value::Text(entry.action),
            Value::Text(entry.target_kind),
            Value::Text(entry.target_id),
            Value::Text(entry.region_code),
            Value::Text(entry.detail),
            Value::Text(entry.prev_hash),
            Value::Text(entry.hash),
            Value::Text(entry.origin),
        ]);
    }
    insert_rows(tx, "audit_log", COLUMNS, rows).await?;
    with_tx!(tx, c => {
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&prev_hash)
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
