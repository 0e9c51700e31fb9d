//! The audit log: append-only (refused by triggers on both engines), one entry per write and per
//! view of a person's record, each entry's hash covering the previous one so that any edit or
//! removal breaks the chain. Entries name records by id; no NIK or name is ever written here.
//!
//! With the store's [`AuditKey`] the links are HMAC-SHA-256 under a key the database does not
//! hold, and an [`AuditAnchor`] (the count and last hash, signed with the key, kept elsewhere)
//! shows a removed tail, which the chain alone cannot: a database writer can delete the newest
//! entries and move the head back.

use sha2::{Digest, Sha256};
use siks_domain::{Action, Actor};
use sqlx::Row;

use crate::audit_key::AuditKey;
use crate::sql::{Cells, Tx, Value, insert_rows, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whose actions a breach scope reads: an account's (by username) or an address's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreachActor<'a> {
    Account(&'a str),
    Origin(&'a str),
    /// An API token by its id: its account's entries while it lived, from the addresses it was
    /// used from (a request's entries carry its account and address, not the token: a person
    /// of the same account at the same address then is counted too: overstated, never missed).
    Token(&'a str),
}

pub use siks_domain::breach::BreachScope;

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
    /// The hash this entry must carry, given the previous one: keyed when `key` covers it.
    pub fn expected_hash(&self, prev_hash: &str, key: Option<&AuditKey>) -> String {
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
        if let Some(key) = key.filter(|k| k.covers(self.seq)) {
            return key.sign(&[b"entry\0", prev_hash.as_bytes(), canonical.as_bytes()]);
        }
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(canonical.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub(crate) fn from_row(row: &impl Cells) -> Result<AuditEntry, sqlx::Error> {
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

pub(crate) const COLUMNS: &[&str] = &[
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

impl PendingEntry {
    /// An entry made elsewhere (the view journal's), to be chained at the commit.
    pub(crate) fn new(entry: AuditEntry) -> PendingEntry {
        PendingEntry(entry)
    }
}

/// Appends an entry inside the caller's transaction, so that it lands exactly when the change
/// does: the transaction chains and writes its entries together when it commits (`flush`).
pub(crate) async fn append(tx: &mut Tx, actor: &Actor, event: AuditEvent<'_>) -> Result<()> {
    let at = tx.now_text();
    tx.audit.push(PendingEntry(entry_of(actor, event, at)));
    Ok(())
}

/// The entry of `event` by `actor` at `at`, before its place in the chain.
pub(crate) fn entry_of(actor: &Actor, event: AuditEvent<'_>, at: String) -> AuditEntry {
    AuditEntry {
        seq: 0,
        at,
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
    }
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
        entry.hash = entry.expected_hash(&prev_hash, tx.audit_key.as_deref());
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

    /// What the actions of one account or one address between `from` (inclusive) and `to`
    /// (exclusive) exposed, read in pages through the account's or the
    /// address's index in time (auditors and admins, within their scope).
    pub async fn breach_scope(
        &self,
        actor: &Actor,
        who: BreachActor<'_>,
        from: &siks_domain::clock::Stamp,
        to: &siks_domain::clock::Stamp,
    ) -> Result<BreachScope> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        const BY_ACCOUNT: &str = "SELECT * FROM audit_log WHERE actor_username = $1 \
             AND at >= $2 AND at < $3 AND (at, seq) > ($4, $5) \
             AND ((region_code >= $6 AND region_code < $7) OR $8) ORDER BY at, seq LIMIT 5000";
        const BY_ORIGIN: &str = "SELECT * FROM audit_log WHERE origin = $1 \
             AND at >= $2 AND at < $3 AND (at, seq) > ($4, $5) \
             AND ((region_code >= $6 AND region_code < $7) OR $8) ORDER BY at, seq LIMIT 5000";
        // As stored: the same moment written otherwise would compare wrongly as text.
        let (mut from, mut to) = (from.text(), to.text());
        let token_owner;
        let mut token_origins: Option<std::collections::BTreeSet<String>> = None;
        let (sql, name) = match who {
            BreachActor::Account(name) => (BY_ACCOUNT, name),
            BreachActor::Origin(address) => (BY_ORIGIN, address),
            BreachActor::Token(id) => {
                let token = self
                    .api_token_by_id(actor, id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                from = from.max(token.created_at.text());
                if let Some(revoked) = token.revoked_at {
                    to = to.min(revoked.text());
                }
                to = to.min(token.expires_at.text());
                let origins: Vec<String> = with_pool!(self, p => {
                    sqlx::query_scalar(
                        "SELECT DISTINCT origin FROM audit_log WHERE target_kind = 'token' \
                         AND target_id = $1 AND action = 'token.use' AND at >= $2 AND at < $3",
                    )
                    .bind(id)
                    .bind(&from)
                    .bind(&to)
                    .fetch_all(p)
                    .await?
                });
                token_origins = Some(origins.into_iter().collect());
                token_owner = token.username;
                (BY_ACCOUNT, token_owner.as_str())
            }
        };
        let (low, high) = actor.scope.village_range();
        let nation = actor.scope == siks_domain::Scope::Nation;
        let mut scope = BreachScope::default();
        let (mut after_at, mut after_seq) = (String::new(), 0i64);
        loop {
            let page: Vec<AuditEntry> = with_pool!(self, p => {
                let rows = sqlx::query(sql)
                    .bind(name)
                    .bind(&from)
                    .bind(&to)
                    .bind(&after_at)
                    .bind(after_seq)
                    .bind(&low)
                    .bind(&high)
                    .bind(nation)
                    .fetch_all(p)
                    .await?;
                rows.iter()
                    .map(|r| AuditEntry::from_row(r).map_err(StoreError::from))
                    .collect::<Result<Vec<_>>>()?
            });
            for e in &page {
                if token_origins
                    .as_ref()
                    .is_some_and(|origins| !origins.contains(&e.origin))
                {
                    continue;
                }
                scope.add(&siks_domain::breach::Entry {
                    at: &e.at,
                    action: &e.action,
                    target_kind: &e.target_kind,
                    target_id: &e.target_id,
                    region_code: &e.region_code,
                    detail: &e.detail,
                    origin: &e.origin,
                });
            }
            match page.last() {
                Some(last) if page.len() == 5000 => {
                    (after_at, after_seq) = (last.at.clone(), last.seq);
                }
                _ => break,
            }
        }
        Ok(scope)
    }

    /// Recomputes the whole chain (auditors and admins only), streaming it in pages.
    pub async fn verify_audit_chain(&self, actor: &Actor) -> Result<AuditVerification> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        const PAGE: &str = "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000";
        // From the genesis, or from where the entries archived by the retention end (its
        // start signed with the key: one written by hand does not check).
        let start = self.audit_start().await?;
        if !start.signed_by(self.audit_key.as_deref()) {
            return Ok(AuditVerification {
                entries: 0,
                broken_at: Some(start.seq + 1),
            });
        }
        let mut prev_hash = start.hash;
        let mut last_seq = start.seq;
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
                if !linked
                    || entry.expected_hash(&prev_hash, self.audit_key.as_deref()) != entry.hash
                {
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

/// The chain's head, signed with the audit key, to be kept where the database's writers cannot
/// reach (a file of the server's own, a printout): whatever is removed, swapped or rewritten in
/// the entries it counts shows against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditAnchor {
    /// Entries in the chain when anchored (the last one's sequence number).
    pub entries: i64,
    pub last_hash: String,
    pub at: String,
    pub signature: String,
}

const ANCHOR_HEADER: &str = "siks audit anchor v1";

impl AuditAnchor {
    /// An anchor of `entries` whose last hash is `last_hash`, signed with `key`.
    pub fn signed(entries: i64, last_hash: String, at: String, key: &AuditKey) -> AuditAnchor {
        let mut anchor = AuditAnchor {
            entries,
            last_hash,
            at,
            signature: String::new(),
        };
        anchor.signature = anchor.signature_with(key);
        anchor
    }

    fn signature_with(&self, key: &AuditKey) -> String {
        key.sign(&[
            b"anchor\0",
            self.entries.to_string().as_bytes(),
            b"\0",
            self.last_hash.as_bytes(),
            b"\0",
            self.at.as_bytes(),
        ])
    }

    /// The anchor as a file or a printout holds it.
    pub fn to_text(&self) -> String {
        format!(
            "{ANCHOR_HEADER}\nentries: {}\nlast-hash: {}\nat: {}\nsignature: {}\n",
            self.entries, self.last_hash, self.at, self.signature
        )
    }

    /// Reads an anchor written by [`AuditAnchor::to_text`] (a person may have typed it back).
    pub fn parse(text: &str) -> Result<AuditAnchor> {
        let bad = |why: &str| {
            StoreError::invalid_text(
                format!("jangkar audit tidak terbaca: {why}"),
                format!("unreadable audit anchor: {why}"),
            )
        };
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next() != Some(ANCHOR_HEADER) {
            return Err(bad("baris pertama bukan 'siks audit anchor v1'"));
        }
        let (mut entries, mut last_hash, mut at, mut signature) = (None, None, None, None);
        for line in lines {
            match line.split_once(':').map(|(k, v)| (k.trim(), v.trim())) {
                Some(("entries", v)) => entries = v.parse::<i64>().ok(),
                Some(("last-hash", v)) => last_hash = Some(v.to_string()),
                Some(("at", v)) => at = Some(v.to_string()),
                Some(("signature", v)) => signature = Some(v.to_string()),
                _ => return Err(bad(&format!("baris '{line}' tidak dikenal"))),
            }
        }
        Ok(AuditAnchor {
            entries: entries.ok_or_else(|| bad("entries"))?,
            last_hash: last_hash.ok_or_else(|| bad("last-hash"))?,
            at: at.ok_or_else(|| bad("at"))?,
            signature: signature.ok_or_else(|| bad("signature"))?,
        })
    }
}

/// What the chain came to against an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorCheck {
    /// The entries the anchor counts are all there, exactly as anchored.
    Holds,
    /// The anchor's signature is not this key's: it was made up or altered.
    Forged,
    /// Entries the anchor counts are gone: the log ends at `present`.
    Truncated { anchored: i64, present: i64 },
    /// The anchored entry is there with another hash: the log before it was rewritten.
    Rewritten { seq: i64 },
    /// The anchored entries were archived by the retention (up to `archived_to`): the log in
    /// the database no longer holds them, and the archive is checked on its own.
    Archived { archived_to: i64 },
}

impl Store {
    /// The same store chaining its audit entries with `key`.
    pub fn with_audit_key(mut self, key: AuditKey) -> Store {
        self.audit_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The audit key at `path`, made (0600) when missing for the entries after the current
    /// head; `true` when it was made now.
    pub async fn use_audit_key(self, path: &std::path::Path) -> Result<(Store, bool)> {
        if path.exists() {
            return Ok((self.with_audit_key(AuditKey::load(path)?), false));
        }
        let head = self.audit_head().await?.map_or(0, |(seq, _)| seq);
        Ok((self.with_audit_key(AuditKey::create(path, head)?), true))
    }

    /// The audit key in use, if any.
    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit_key.as_deref()
    }

    /// A search term as an audit entry may hold it: its keyed hash, or `-` without a key (an
    /// unkeyed hash of a NIK could be found back by trying them all).
    pub(crate) fn audit_term(&self, kind: &str, term: &str) -> String {
        self.audit_key
            .as_deref()
            .map_or_else(|| "-".into(), |k| k.term_hash(kind, term))
    }

    /// The head (last sequence number and hash); `None` before the schema exists (any other
    /// failure, a busy database included, is an error: a key made then would start wrong).
    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        let row = with_pool!(self, p => {
            match sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(p).await {
                Ok(row) => row.map(|r| Ok::<_, sqlx::Error>((r.try_get("seq")?, r.try_get("hash")?))).transpose()?,
                // No table yet (SQLite's message, PostgreSQL's undefined_table): a database
                // being made.
                Err(sqlx::Error::Database(d))
                    if d.message().contains("no such table") || d.code().as_deref() == Some("42P01") =>
                {
                    None
                }
                Err(e) => return Err(e.into()),
            }
        });
        Ok(row)
    }

    /// Entries in the audit log so far (its head's sequence number; 0 before the schema).
    pub async fn audit_entries_count(&self) -> Result<i64> {
        Ok(self.audit_head().await?.map_or(0, |(seq, _)| seq))
    }

    /// Signs the chain's head as it stands (auditors and admins; a key is needed).
    pub async fn audit_anchor(&self, actor: &Actor) -> Result<AuditAnchor> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        let key = self.audit_key.as_deref().ok_or_else(no_key)?;
        let (entries, last_hash) = self
            .audit_head()
            .await?
            .ok_or_else(|| StoreError::Corrupt("audit_head".into()))?;
        let mut anchor = AuditAnchor {
            entries,
            last_hash,
            at: self.now_text(),
            signature: String::new(),
        };
        anchor.signature = anchor.signature_with(key);
        Ok(anchor)
    }

    /// Checks the log against `anchor`; the chain itself is checked by
    /// [`Store::verify_audit_chain`], and both must hold.
    pub async fn check_audit_anchor(
        &self,
        actor: &Actor,
        anchor: &AuditAnchor,
    ) -> Result<AnchorCheck> {
        if !actor.may(Action::ReadAudit) {
            return Err(StoreError::Forbidden(Action::ReadAudit));
        }
        let key = self.audit_key.as_deref().ok_or_else(no_key)?;
        if anchor.signature_with(key) != anchor.signature {
            return Ok(AnchorCheck::Forged);
        }
        if anchor.entries == 0 {
            return Ok(AnchorCheck::Holds);
        }
        // Anchored entries the retention archived: the archive holds them (`siks audit
        // archive-check`); the start it left must be signed, and the anchored entry, if it is
        // the last archived, must be the start's.
        let start = self.audit_start().await?;
        if anchor.entries <= start.seq {
            return Ok(if !start.signed_by(Some(key)) {
                AnchorCheck::Forged
            } else if anchor.entries == start.seq && anchor.last_hash != start.hash {
                AnchorCheck::Rewritten {
                    seq: anchor.entries,
                }
            } else {
                AnchorCheck::Archived {
                    archived_to: start.seq,
                }
            });
        }
        let (present, hash): (i64, Option<String>) = with_pool!(self, p => {
            let row = sqlx::query(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_log) AS present, \
                 (SELECT hash FROM audit_log WHERE seq = $1) AS hash",
            )
            .bind(anchor.entries)
            .fetch_one(p)
            .await?;
            (row.try_get("present")?, row.try_get("hash")?)
        });
        Ok(match hash {
            None => AnchorCheck::Truncated {
                anchored: anchor.entries,
                present,
            },
            Some(hash) if hash != anchor.last_hash => AnchorCheck::Rewritten {
                seq: anchor.entries,
            },
            Some(_) => AnchorCheck::Holds,
        })
    }
}

/// A refused path as the audit keeps it. A path is what someone typed: a NIK typed into one is
/// masked like in the log, but a segment that is a record's id is kept whole: the id of another
/// village's household is the point of the entry, and a UUID's hex can hold eight digits in a
/// row by chance.
fn masked_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if uuid::Uuid::try_parse(segment).is_ok() {
                segment.to_owned()
            } else {
                siks_domain::message::mask_digits(segment)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl Store {
    /// Records that `actor` was refused a request (403) or answered not found (404: a record
    /// outside the scope looks exactly like a missing one, so both are kept): `method` and the
    /// path without its query, its long digit runs outside ids masked (a NIK typed into it), cut to 200
    /// characters.
    pub async fn audit_refused(
        &self,
        actor: &Actor,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<()> {
        let path: String = masked_path(path).chars().take(200).collect();
        let method: String = method.chars().take(10).collect();
        self.audit_view(
            actor,
            AuditEvent {
                action: "access.refused",
                target_kind: "path",
                target_id: path,
                region_code: actor.scope.key(),
                detail: format!("{method} {status}"),
            },
        )
        .await
    }
}

impl Store {
    /// Records that the audit key in use was made now for a log that had entries (`siks audit
    /// new-key`): the first entry under it.
    pub async fn record_new_audit_key(&self, actor: &Actor) -> Result<()> {
        let keyed_after = self.audit_key.as_deref().ok_or_else(no_key)?.keyed_after();
        let mut tx = self.begin().await?;
        append(
            &mut tx,
            actor,
            AuditEvent {
                action: "audit.key_created",
                target_kind: "audit",
                target_id: keyed_after.to_string(),
                region_code: actor.scope.key(),
                detail: format!("keyed_after={keyed_after}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn no_key() -> StoreError {
    StoreError::invalid_text(
        "log audit ini tidak berkunci: jangkar memerlukan kunci audit",
        "this audit log has no key: an anchor needs the audit key",
    )
}

#[cfg(test)]
mod tests {
    use super::masked_path;

    #[test]
    fn a_refused_path_keeps_ids_whole_and_masks_a_typed_nik() {
        // The id that made CI red once: eight digits in a row inside its hex.
        let id = "01a244fe-f0b7-70ab-983e-d1a96597926a";
        assert_eq!(
            masked_path(&format!("/rumah-tangga/{id}")),
            format!("/rumah-tangga/{id}")
        );
        assert_eq!(
            masked_path("/rumah-tangga/3523010101900001/ubah"),
            "/rumah-tangga/################/ubah"
        );
        assert_eq!(
            masked_path("/api/v1/households/12345678-1234-1234-1234-123456789012x"),
            "/api/v1/households/########-1234-1234-1234-############x"
        );
    }
}
