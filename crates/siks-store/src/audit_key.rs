//! The audit chain's key, kept outside the database: with it each entry's hash is an
//! HMAC-SHA-256, so that someone who can write the database (but not read this file) cannot
//! forge an entry, rewrite the chain after a deletion, or sign an anchor. The file records the
//! entry from which the key applies, so a database whose log began before the key (an upgrade)
//! keeps its older plain SHA-256 links; a database writer cannot move that point, since it is
//! in the file, not in the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Result, StoreError};

const HEADER: &str = "siks audit key v1";

/// The audit chain's key and the entries it covers.
#[derive(Clone)]
pub struct AuditKey {
    key: [u8; 32],
    /// Entries with a sequence number above this are chained with the key; those at or below
    /// it were written before the key existed.
    keyed_after: i64,
    path: PathBuf,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.debug_struct("AuditKey")
            .field("keyed_after", &self.keyed_after)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl AuditKey {
    /// Reads the key at `path`.
    pub fn load(path: &Path) -> Result<AuditKey> {
        let bad = |why: &str| StoreError::AuditKey {
            path: path.display().to_string(),
            reason: why.to_string(),
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(&e.to_string()))?;
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(bad("bukan berkas kunci audit siks"));
        }
        let mut key = None;
        let mut keyed_after = None;
        for line in lines {
            match line.split_once(": ") {
                Some(("key", hex)) => key = decode_hex(hex).and_then(|k| k.try_into().ok()),
                Some(("keyed-after", seq)) => keyed_after = seq.parse::<i64>().ok(),
                _ => {}
            }
        }
        Ok(AuditKey {
            key: key.ok_or_else(|| bad("kunci tidak terbaca"))?,
            keyed_after: keyed_after.ok_or_else(|| bad("keyed-after tidak terbaca"))?,
            path: path.to_path_buf(),
        })
    }

    /// Creates a new random key at `path` (mode 0600, never over an existing file) for the
    /// entries after `keyed_after`.
    pub fn create(path: &Path, keyed_after: i64) -> Result<AuditKey> {
        let key: [u8; 32] = rand::random();
        let text = format!(
            "{HEADER}\nkey: {}\nkeyed-after: {keyed_after}\n",
            encode_hex(&key)
        );
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let io = |e: std::io::Error| StoreError::AuditKey {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut file = options.open(path).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(AuditKey {
            key,
            keyed_after,
            path: path.to_path_buf(),
        })
    }

    /// A key held in memory only (tests): it covers every entry.
    pub fn ephemeral() -> AuditKey {
        AuditKey {
            key: rand::random(),
            keyed_after: 0,
            path: PathBuf::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn keyed_after(&self) -> i64 {
        self.keyed_after
    }

    /// Whether the entry numbered `seq` is chained with this key.
    pub fn covers(&self, seq: i64) -> bool {
        seq > self.keyed_after
    }

    /// HMAC-SHA-256 of `parts` in order, as lower-case hex.
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            unreachable!("HMAC takes a key of any length")
        };
        for part in parts {
            mac.update(part);
        }
        encode_hex(&mac.finalize().into_bytes())
    }

    /// A search term as the audit log may hold it: its keyed hash, cut to 16 hex digits (enough
    /// to see the same term searched again, never enough to learn it back, even a NIK).
    pub fn term_hash(&self, kind: &str, term: &str) -> String {
        let mut hash = self.sign(&[b"search\0", kind.as_bytes(), b"\0", term.as_bytes()]);
        hash.truncate(16);
        hash
    }
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_private_read_back_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("siks.db.audit-key");
        let made = AuditKey::create(&path, 41).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let read = AuditKey::load(&path).unwrap();
        assert_eq!(read.key, made.key);
        assert_eq!(read.keyed_after(), 41);
        assert!(!read.covers(41) && read.covers(42));
        assert!(AuditKey::create(&path, 0).is_err());
        assert_eq!(AuditKey::load(&path).unwrap().key, made.key);
        assert!(!format!("{made:?}").contains(&encode_hex(&made.key)));
        std::fs::write(&path, "siks audit key v1\nkey: zz\nkeyed-after: 0\n").unwrap();
        let refused = AuditKey::load(&path).unwrap_err().to_string();
        assert!(refused.contains("kunci tidak terbaca"), "{refused}");
    }

    #[test]
    fn term_hashes_are_keyed_and_short() {
        let a = AuditKey::ephemeral();
        let b = AuditKey::ephemeral();
        let nik = "3523011203850001";
        assert_eq!(a.term_hash("nik", nik), a.term_hash("nik", nik));
        assert_ne!(a.term_hash("nik", nik), b.term_hash("nik", nik));
        assert_ne!(a.term_hash("nik", nik), a.term_hash("nama", nik));
        assert_eq!(a.term_hash("nik", nik).len(), 16);
    }
}
