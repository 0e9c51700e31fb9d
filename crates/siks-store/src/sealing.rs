//! Field encryption of the specific personal data UU 27/2022 names (NIK, No KK, mother's name,
//! disability, illness, pregnancy, and the texts that carry them): each value sealed with
//! XChaCha20-Poly1305 under a key kept outside the database, the key's id written with it, and
//! the NIK and No KK found by a keyed blind index (HMAC-SHA-256) so that a search by number stays
//! one exact index look-up. Why fields and not the whole file: docs/adr/0020.
//!
//! The key file (`PATH.field-keys` beside a SQLite database, `SIKS_FIELD_KEYS` for PostgreSQL),
//! mode 0600:
//!
//! ```text
//! siks field keys v1
//! index: <64 hex>            the blind index's key; never rotated (a new one re-indexes all)
//! key 1a2b3c4d: <64 hex>     every sealing key that may still be in use, by id
//! current: 1a2b3c4d          the key new values are sealed with
//! ```
//!
//! A sealed value is `f1` + the key's id (8 hex) + base64url(nonce ‖ ciphertext ‖ tag); what it
//! seals (the table and column) is its associated data, so a value moved to another column does
//! not open.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::audit_key::{decode_hex, encode_hex};
use crate::{Result, StoreError};

const HEADER: &str = "siks field keys v1";
/// What every sealed value starts with: the format's version.
pub(crate) const SEALED_PREFIX: &str = "f1";
const NONCE_LEN: usize = 24;

/// Whether a stored text has the shape of a sealed value: the prefix, a key id of 8 lowercase
/// hex digits, and base64url long enough for a nonce and a tag. A note someone typed that
/// starts with "f1" does not (it would need some 70 random-looking letters after it), so a
/// plain note is never taken for a sealed one.
pub(crate) fn looks_sealed(stored: &str) -> bool {
    let Some(rest) = stored.strip_prefix(SEALED_PREFIX) else {
        return false;
    };
    let (Some(id), Some(body)) = (rest.get(..8), rest.get(8..)) else {
        return false;
    };
    id.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && body.len() >= (NONCE_LEN + 16) * 4 / 3
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Which column a sealed value belongs to (its associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sealed {
    /// A person's NIK, No KK and mother's name.
    PersonIdentity,
    /// A person's pregnancy, disability and chronic illness.
    PersonHealth,
    /// A record's state before or after a change (the whole JSON).
    History,
    /// What a proposal asks (the whole JSON).
    ProposalContent,
    /// A row of an outside list: its NIK.
    OutsideNik,
    /// A row of an outside list: its No KK.
    OutsideNoKk,
    /// An account's second-factor secret (in use or waiting for its first code).
    TotpSecret,
    /// The free text a person types about a change, which may name an illness, a disability
    /// or a NIK: a proposal's reason, a step's note, a kept change's reason, a paper row's
    /// note, a finding's settlement.
    Note(NoteColumn),
    /// What a citizen wrote in a request (names, a NIK, a phone number).
    CitizenRequest,
    /// A PPKS record's details (a name, a NIK, a need).
    PpksDetails,
    /// A PSKS record's details (a name, a NIK, a registration).
    PsksDetails,
}

/// Which free-text column a sealed note belongs to (each its own associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteColumn {
    ProposalReason,
    StepNote,
    HistoryReason,
    PaperRowNote,
    FindingReason,
    /// An outside list row's remark (a death list's may give the cause).
    OutsideRowNote,
    /// The village operator's answer to a citizen's request.
    RequestAnswer,
}

impl Sealed {
    fn label(self) -> &'static [u8] {
        match self {
            Sealed::PersonIdentity => b"persons.identity",
            Sealed::PersonHealth => b"persons.health",
            Sealed::History => b"record_history",
            Sealed::ProposalContent => b"proposals.content",
            Sealed::OutsideNik => b"outside_list_rows.nik",
            Sealed::OutsideNoKk => b"outside_list_rows.no_kk",
            Sealed::TotpSecret => b"users.totp_secret",
            Sealed::Note(NoteColumn::ProposalReason) => b"proposals.reason",
            Sealed::Note(NoteColumn::StepNote) => b"proposal_steps.note",
            Sealed::Note(NoteColumn::HistoryReason) => b"record_history.reason",
            Sealed::Note(NoteColumn::PaperRowNote) => b"document_rows.note",
            Sealed::Note(NoteColumn::FindingReason) => b"findings.status_reason",
            Sealed::Note(NoteColumn::OutsideRowNote) => b"outside_list_rows.note",
            Sealed::Note(NoteColumn::RequestAnswer) => b"citizen_requests.answer",
            Sealed::CitizenRequest => b"citizen_requests.content",
            Sealed::PpksDetails => b"ppks_records.details",
            Sealed::PsksDetails => b"psks_records.details",
        }
    }
}

/// What a blind index finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blind {
    Nik,
    NoKk,
    /// A recovery code of a second factor (its normal form's hash): keyed, so that a copy of
    /// the database does not let its 50 bits be tried offline.
    RecoveryCode,
}

/// The deployment's field keys: the blind index's key and the sealing keys by id.
#[derive(Clone)]
pub struct FieldKeys {
    index: [u8; 32],
    /// `(id, key)`, oldest first.
    keys: Vec<(String, [u8; 32])>,
    current: usize,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for FieldKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        f.debug_struct("FieldKeys")
            .field("current", &self.current_id())
            .field("keys", &self.keys.len())
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn key_id(key: &[u8; 32]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"siks field key id\n");
    hash.update(key);
    encode_hex(&hash.finalize()[..4])
}

impl FieldKeys {
    /// Keys of this process alone, made at random once: what a store uses until told its
    /// deployment's file (tests, a database in memory). Values sealed with them do not open in
    /// another process, which is why the command line always gives the file.
    pub fn of_this_process() -> FieldKeys {
        static KEYS: std::sync::OnceLock<FieldKeys> = std::sync::OnceLock::new();
        KEYS.get_or_init(|| FieldKeys::fresh(None)).clone()
    }

    fn fresh(path: Option<PathBuf>) -> FieldKeys {
        let key: [u8; 32] = rand::random();
        FieldKeys {
            index: rand::random(),
            keys: vec![(key_id(&key), key)],
            current: 0,
            path,
        }
    }

    fn bad(path: &Path, why: impl Into<String>) -> StoreError {
        StoreError::FieldKeys {
            path: path.display().to_string(),
            reason: why.into(),
        }
    }

    /// Reads the keys at `path`.
    pub fn load(path: &Path) -> Result<FieldKeys> {
        let text = std::fs::read_to_string(path).map_err(|e| Self::bad(path, e.to_string()))?;
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(Self::bad(path, "bukan berkas kunci medan siks"));
        }
        let unreadable = || Self::bad(path, "kunci tidak terbaca");
        let mut index = None;
        let mut keys = Vec::new();
        let mut current = None;
        for line in lines {
            match line.split_once(": ") {
                Some(("index", hex)) => {
                    index = Some(
                        decode_hex(hex)
                            .and_then(|k| <[u8; 32]>::try_from(k).ok())
                            .ok_or_else(unreadable)?,
                    )
                }
                Some(("current", id)) => current = Some(id.to_string()),
                Some((name, hex)) if name.starts_with("key ") => {
                    let key = decode_hex(hex)
                        .and_then(|k| <[u8; 32]>::try_from(k).ok())
                        .ok_or_else(unreadable)?;
                    if key_id(&key) != name["key ".len()..] {
                        return Err(Self::bad(path, "nama kunci tidak sesuai dengan kuncinya"));
                    }
                    keys.push((key_id(&key), key));
                }
                _ => {}
            }
        }
        let current = current
            .and_then(|id| keys.iter().position(|(k, _)| *k == id))
            .ok_or_else(|| Self::bad(path, "kunci yang berlaku tidak ada di berkas"))?;
        Ok(FieldKeys {
            index: index.ok_or_else(unreadable)?,
            keys,
            current,
            path: Some(path.to_path_buf()),
        })
    }

    /// New keys at `path` (0600); an existing file is never overwritten.
    pub fn create(path: &Path) -> Result<FieldKeys> {
        let keys = FieldKeys::fresh(Some(path.to_path_buf()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(path)
            .map_err(|e| Self::bad(path, e.to_string()))?;
        file.write_all(keys.text().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| Self::bad(path, e.to_string()))?;
        Ok(keys)
    }

    fn text(&self) -> String {
        let mut text = format!("{HEADER}\nindex: {}\n", encode_hex(&self.index));
        for (id, key) in &self.keys {
            text.push_str(&format!("key {id}: {}\n", encode_hex(key)));
        }
        text.push_str(&format!("current: {}\n", self.current_id()));
        text
    }

    /// A new sealing key made current and written to the file (the old ones stay, since values
    /// sealed with them are re-sealed only bit by bit): the first step of a rotation. The file
    /// is replaced whole (written aside, synced, renamed), so a crash leaves the old file or
    /// the new one, never half of one.
    pub fn with_new_key(&self) -> Result<FieldKeys> {
        let path = self
            .path
            .clone()
            .ok_or_else(|| Self::bad(Path::new("-"), "kunci proses ini tidak berberkas"))?;
        let mut next = self.clone();
        let key: [u8; 32] = rand::random();
        next.keys.push((key_id(&key), key));
        next.current = next.keys.len() - 1;
        next.write_over(&path)?;
        Ok(next)
    }

    /// Drops every key but the current one from the file (after a rotation has re-sealed every
    /// value).
    pub fn without_old_keys(&self) -> Result<FieldKeys> {
        let path = self
            .path
            .clone()
            .ok_or_else(|| Self::bad(Path::new("-"), "kunci proses ini tidak berberkas"))?;
        let mut next = self.clone();
        next.keys = vec![self.keys[self.current].clone()];
        next.current = 0;
        next.write_over(&path)?;
        Ok(next)
    }

    fn write_over(&self, path: &Path) -> Result<()> {
        let aside = path.with_extension("field-keys-new");
        let _ = std::fs::remove_file(&aside);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let io = |e: std::io::Error| Self::bad(path, e.to_string());
        let mut file = options.open(&aside).map_err(io)?;
        file.write_all(self.text().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        std::fs::rename(&aside, path).map_err(io)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself made durable.
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    /// The id of the key new values are sealed with.
    pub fn current_id(&self) -> &str {
        &self.keys[self.current].0
    }

    /// Ids of every key in the file, oldest first.
    pub fn ids(&self) -> Vec<String> {
        self.keys.iter().map(|(id, _)| id.clone()).collect()
    }

    /// Where the keys are kept (`None`: this process's own).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// `plain` sealed for `what` with the current key.
    pub(crate) fn seal(&self, what: Sealed, plain: &[u8]) -> String {
        let (id, key) = &self.keys[self.current];
        let nonce: [u8; NONCE_LEN] = rand::random();
        let cipher = XChaCha20Poly1305::new(key.into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: what.label(),
                },
            )
            // Encryption fails only for a message over 256 GiB.
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        let mut text = String::with_capacity(10 + bytes.len() * 4 / 3 + 4);
        text.push_str(SEALED_PREFIX);
        text.push_str(id);
        URL_SAFE_NO_PAD.encode_string(&bytes, &mut text);
        text
    }

    /// A text sealed for `what`.
    pub(crate) fn seal_text(&self, what: Sealed, plain: &str) -> String {
        self.seal(what, plain.as_bytes())
    }

    /// The value of `sealed`, sealed for `what` with any key in the file. A value that does
    /// not open (another deployment's key, a value altered or moved) is an error, never a
    /// guess.
    pub(crate) fn open(&self, what: Sealed, sealed: &str) -> Result<Vec<u8>> {
        let corrupt = || StoreError::Corrupt(String::from_utf8_lossy(what.label()).into_owned());
        let rest = sealed.strip_prefix(SEALED_PREFIX).ok_or_else(corrupt)?;
        let (id, body) = (rest.get(..8).ok_or_else(corrupt)?, &rest[8..]);
        let Some((_, key)) = self.keys.iter().find(|(k, _)| k == id) else {
            return Err(StoreError::FieldKeyMissing(id.to_string()));
        };
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| corrupt())?;
        if bytes.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        XChaCha20Poly1305::new(key.into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: what.label(),
                },
            )
            .map_err(|_| StoreError::FieldKeyWrong(id.to_string()))
    }

    /// A sealed text's value.
    pub(crate) fn open_text(&self, what: Sealed, sealed: &str) -> Result<String> {
        String::from_utf8(self.open(what, sealed)?)
            .map_err(|_| StoreError::Corrupt(String::from_utf8_lossy(what.label()).into_owned()))
    }

    /// A note sealed for its column (trimmed first, as every note is kept). An empty note
    /// stays empty: it holds nothing, and most steps and findings have none.
    pub(crate) fn seal_note(&self, column: NoteColumn, note: &str) -> String {
        match note.trim() {
            "" => String::new(),
            note => self.seal(Sealed::Note(column), note.as_bytes()),
        }
    }

    /// A note's text: opened when sealed; a note an older program wrote in plain (kept until
    /// the first open with the deployment's keys seals it) is read as it is.
    pub(crate) fn open_note(&self, column: NoteColumn, stored: &str) -> Result<String> {
        if looks_sealed(stored) {
            self.open_text(Sealed::Note(column), stored)
        } else {
            Ok(stored.to_string())
        }
    }

    /// The blind index of a number as written (valid or not): 16 bytes of an HMAC, in hex.
    /// Equal numbers give equal indexes; without the key nobody can compute one, so the index
    /// cannot be reversed by trying every NIK.
    pub(crate) fn blind(&self, kind: Blind, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index)
            .expect("HMAC takes a key of any length");
        mac.update(match kind {
            Blind::Nik => b"nik\n",
            Blind::NoKk => b"kk\n\n",
            Blind::RecoveryCode => b"rec\n",
        });
        mac.update(value.as_bytes());
        encode_hex(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_sealed_for_its_column_and_a_plain_one_reads_as_it_is() {
        let keys = FieldKeys::fresh(None);
        let sealed = keys.seal_note(NoteColumn::StepNote, "  ibu hamil, TBC  ");
        assert!(looks_sealed(&sealed), "{sealed}");
        assert_eq!(
            keys.open_note(NoteColumn::StepNote, &sealed).unwrap(),
            "ibu hamil, TBC"
        );
        // Not for another note column.
        assert!(keys.open_note(NoteColumn::ProposalReason, &sealed).is_err());
        // Nothing to seal in an empty note.
        assert_eq!(keys.seal_note(NoteColumn::StepNote, "   "), "");
        // What an older program wrote, even a note that starts like a sealed value, is text.
        for plain in [
            "",
            "kelahiran",
            "f1 catatan",
            "f1abcdef01",
            "f1ABCDEF01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(!looks_sealed(plain), "{plain}");
            assert_eq!(keys.open_note(NoteColumn::StepNote, plain).unwrap(), plain);
        }
        // A sealed value altered is refused, never read as text.
        let mut altered = sealed.clone();
        altered.replace_range(20..21, if &sealed[20..21] == "A" { "B" } else { "A" });
        assert!(keys.open_note(NoteColumn::StepNote, &altered).is_err());
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_for_its_column() {
        let keys = FieldKeys::fresh(None);
        let sealed = keys.seal_text(Sealed::PersonIdentity, "3523011203850001");
        assert!(sealed.starts_with(&format!("f1{}", keys.current_id())));
        assert!(!sealed.contains("3523011203850001"));
        assert_eq!(
            keys.open_text(Sealed::PersonIdentity, &sealed).unwrap(),
            "3523011203850001"
        );
        // Two sealings of one value differ (a random nonce each): equal NIKs are not visible.
        assert_ne!(
            sealed,
            keys.seal_text(Sealed::PersonIdentity, "3523011203850001")
        );
        // Another column's value does not open here.
        assert!(matches!(
            keys.open(Sealed::PersonHealth, &sealed),
            Err(StoreError::FieldKeyWrong(_))
        ));
        // Another deployment's keys do not know it.
        assert!(matches!(
            FieldKeys::fresh(None).open(Sealed::PersonIdentity, &sealed),
            Err(StoreError::FieldKeyMissing(_))
        ));
        // One character changed: refused.
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert!(
            keys.open(
                Sealed::PersonIdentity,
                std::str::from_utf8(&altered).unwrap()
            )
            .is_err()
        );
        assert!(
            keys.open(Sealed::PersonIdentity, "3523011203850001")
                .is_err()
        );
        assert!(keys.open(Sealed::PersonIdentity, "f1").is_err());
    }

    #[test]
    fn the_blind_index_is_exact_keyed_and_per_kind() {
        let a = FieldKeys::fresh(None);
        let b = FieldKeys::fresh(None);
        let nik = "3523011203850001";
        assert_eq!(a.blind(Blind::Nik, nik), a.blind(Blind::Nik, nik));
        assert_ne!(
            a.blind(Blind::Nik, nik),
            a.blind(Blind::Nik, "3523011203850002")
        );
        assert_ne!(a.blind(Blind::Nik, nik), b.blind(Blind::Nik, nik));
        assert_ne!(a.blind(Blind::Nik, nik), a.blind(Blind::NoKk, nik));
        assert_eq!(a.blind(Blind::Nik, nik).len(), 32);
    }

    #[test]
    fn the_key_file_is_private_and_a_rotation_keeps_the_old_key_until_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("siks.db.field-keys");
        let made = FieldKeys::create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(FieldKeys::create(&path).is_err(), "never over a file");
        let old = made.seal_text(Sealed::History, "{}");
        let loaded = FieldKeys::load(&path).unwrap();
        assert_eq!(loaded.current_id(), made.current_id());
        assert_eq!(loaded.blind(Blind::Nik, "1"), made.blind(Blind::Nik, "1"));

        let rotated = loaded.with_new_key().unwrap();
        assert_ne!(rotated.current_id(), made.current_id());
        let reread = FieldKeys::load(&path).unwrap();
        assert_eq!(reread.current_id(), rotated.current_id());
        assert_eq!(reread.open_text(Sealed::History, &old).unwrap(), "{}");
        assert_eq!(reread.blind(Blind::Nik, "1"), made.blind(Blind::Nik, "1"));
        let new = reread.seal_text(Sealed::History, "[]");

        let trimmed = reread.without_old_keys().unwrap();
        assert_eq!(trimmed.ids(), vec![rotated.current_id().to_string()]);
        assert!(matches!(
            FieldKeys::load(&path).unwrap().open(Sealed::History, &old),
            Err(StoreError::FieldKeyMissing(_))
        ));
        assert_eq!(
            FieldKeys::load(&path)
                .unwrap()
                .open_text(Sealed::History, &new)
                .unwrap(),
            "[]"
        );

        std::fs::write(&path, "siks field keys v1\nindex: 00\n").unwrap();
        assert!(FieldKeys::load(&path).is_err());
    }
}

/// Every sealed column: its table, the columns that name a row (in key order), the column, and
/// what it seals.
const SEALED_COLUMNS: &[(&str, &[&str], &str, Sealed)] = &[
    ("persons", &["id"], "identity", Sealed::PersonIdentity),
    ("persons", &["id"], "health", Sealed::PersonHealth),
    ("record_history", &["id"], "before_json", Sealed::History),
    ("record_history", &["id"], "after_json", Sealed::History),
    ("proposals", &["id"], "content", Sealed::ProposalContent),
    (
        "outside_list_rows",
        &["list_id", "line"],
        "nik",
        Sealed::OutsideNik,
    ),
    (
        "outside_list_rows",
        &["list_id", "line"],
        "no_kk",
        Sealed::OutsideNoKk,
    ),
    ("users", &["id"], "totp_secret", Sealed::TotpSecret),
    ("users", &["id"], "totp_pending", Sealed::TotpSecret),
    (
        "proposals",
        &["id"],
        "reason",
        Sealed::Note(NoteColumn::ProposalReason),
    ),
    (
        "proposal_steps",
        &["id"],
        "note",
        Sealed::Note(NoteColumn::StepNote),
    ),
    (
        "record_history",
        &["id"],
        "reason",
        Sealed::Note(NoteColumn::HistoryReason),
    ),
    (
        "document_rows",
        &["document_id", "row_no"],
        "note",
        Sealed::Note(NoteColumn::PaperRowNote),
    ),
    (
        "findings",
        &["id"],
        "status_reason",
        Sealed::Note(NoteColumn::FindingReason),
    ),
    (
        "outside_list_rows",
        &["list_id", "line"],
        "note",
        Sealed::Note(NoteColumn::OutsideRowNote),
    ),
    (
        "citizen_requests",
        &["id"],
        "content",
        Sealed::CitizenRequest,
    ),
    (
        "citizen_requests",
        &["id"],
        "answer",
        Sealed::Note(NoteColumn::RequestAnswer),
    ),
    ("ppks_records", &["id"], "details", Sealed::PpksDetails),
    ("psks_records", &["id"], "details", Sealed::PsksDetails),
];

/// Whether a sealed column holds notes (sealed since schema 26; an older database's notes are
/// sealed at their own first open, see [`Store::seal_plain_notes`]).
fn is_note(what: Sealed) -> bool {
    matches!(what, Sealed::Note(_))
}

/// The row-naming columns that are numbers (the others are texts).
const INT_NAMES: &[&str] = &["line", "row_no"];

/// Rows read and re-sealed per transaction by a rotation or the sealing of an older database.
const SEAL_BATCH: i64 = 2_000;

/// What a rotation (or the first sealing of an older database) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Values sealed anew, per table and column.
    pub columns: Vec<(String, u64)>,
    /// After a rotation: values still under an old key, which is then kept in the file.
    pub left_under_old_keys: i64,
}

impl Resealed {
    pub fn total(&self) -> u64 {
        self.columns.iter().map(|(_, n)| n).sum()
    }
}

/// How much of a database is sealed, for `siks doctor` and the stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealingStatus {
    /// Sealed values in all (persons count twice: identity and health).
    pub sealed: i64,
    /// Values still plain (a database written before sealing, not yet opened with keys).
    pub plain: i64,
    /// Sealed with a key other than the current one (a rotation not finished).
    pub old_keys: i64,
    /// Persons whose old plain columns still hold a NIK, mother's name or health.
    pub plain_health: i64,
}

/// A row's name as read: its key columns' texts.
type RowName = Vec<crate::sql::Value>;

impl crate::Store {
    /// The same store sealing with `keys` (and opening with any key they hold).
    pub fn with_field_keys(self, keys: FieldKeys) -> crate::Store {
        self.replace_field_keys(keys);
        self
    }

    /// Swaps the keys in use for every clone of this store.
    fn replace_field_keys(&self, keys: FieldKeys) {
        let keys = std::sync::Arc::new(keys);
        match self.field_keys.write() {
            Ok(mut held) => *held = keys,
            Err(poisoned) => *poisoned.into_inner() = keys,
        }
    }

    /// The field keys at `path`: made (0600) when missing, but only for a database that holds
    /// no person yet, since keys made silently beside sealed data would open none of it. Then
    /// checked against what the database holds (a wrong file is refused before anything is
    /// written), and whatever an older database still holds in plain is sealed. `true` when the
    /// keys were made now.
    pub async fn use_field_keys(self, path: &Path) -> Result<(crate::Store, bool)> {
        let made = if path.exists() {
            self.replace_field_keys(FieldKeys::load(path)?);
            false
        } else {
            let persons = self.count_rows("persons").await?;
            if persons > 0 {
                return Err(FieldKeys::bad(
                    path,
                    format!(
                        "berkas tidak ada, padahal basis data berisi {persons} orang: pulihkan salinan berkas kunci (atau sebutkan tempatnya di SIKS_FIELD_KEYS)"
                    ),
                ));
            }
            self.replace_field_keys(FieldKeys::create(path)?);
            true
        };
        self.check_field_keys().await?;
        if !self.generation_done("plain_sealed").await? {
            self.seal_plain_rows().await?;
        } else if !self.generation_done("notes_sealed").await? {
            self.seal_plain_notes().await?;
        }
        Ok((self, made))
    }

    async fn count_rows(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        crate::sql::with_pool!(self, p => {
            use sqlx::Row;
            match sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(p).await {
                Ok(row) => Ok(row.try_get::<i64, _>("n")?),
                // A database being made has no tables yet.
                Err(sqlx::Error::Database(d))
                    if d.message().contains("no such table") || d.code().as_deref() == Some("42P01") =>
                {
                    Ok(0)
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Opens one sealed value (of the first column that holds any, persons first): the keys
    /// are this database's. One is enough to tell another deployment's file, and this runs at
    /// every open: a look into each column could walk a million histories without a value.
    pub async fn check_field_keys(&self) -> Result<()> {
        if self.schema_version().await? < 23 {
            return Ok(());
        }
        let keys = self.keys();
        for (table, _, column, what) in SEALED_COLUMNS {
            let sql =
                format!("SELECT {column} AS v FROM {table} WHERE {column} LIKE 'f1%' LIMIT 1");
            let value: Option<String> = crate::sql::with_pool!(self, p => {
                use sqlx::Row;
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_optional(p)
                    .await?
                    .map(|r| r.try_get::<String, _>("v"))
                    .transpose()?
            });
            if let Some(value) = value {
                keys.open(*what, &value)?;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Seals what a database made before sealing holds in plain (its persons' numbers, mother's
    /// names and health, the histories, the proposals, the outside lists), in short
    /// transactions, and then rewrites the file without the old pages (`VACUUM`), so that no
    /// plain NIK stays behind in free pages. Nothing to do on a database made sealed.
    pub async fn seal_plain_rows(&self) -> Result<Resealed> {
        if self.schema_version().await? < 23 {
            return Ok(Resealed::default());
        }
        let mut done = Resealed::default();
        let persons = self.seal_plain_persons().await?;
        if persons > 0 {
            done.columns.push(("persons".into(), persons));
        }
        // An older outside list's NIKs indexed before they are sealed.
        self.index_plain_outside_niks().await?;
        for (table, names, column, what) in SEALED_COLUMNS
            .iter()
            .filter(|c| c.0 != "persons" && !is_note(c.3))
        {
            let n = self
                .reseal_column(table, names, column, *what, Reseal::Plain)
                .await?;
            if n > 0 {
                done.columns.push((format!("{table}.{column}"), n));
            }
        }
        done.columns
            .extend(self.seal_notes_in_plain().await?.columns);
        if done.total() > 0 {
            self.vacuum_after_sealing().await?;
        }
        // Once done, opening the database does not walk every sealed column again.
        self.mark_generation("plain_sealed").await?;
        self.mark_generation("notes_sealed").await?;
        Ok(done)
    }

    /// Seals the free-text notes a database written before schema 26 holds in plain (its
    /// other specific data already sealed), then rewrites the file as
    /// [`Store::seal_plain_rows`] does. Once.
    pub async fn seal_plain_notes(&self) -> Result<Resealed> {
        if self.schema_version().await? < 26 {
            return Ok(Resealed::default());
        }
        let done = self.seal_notes_in_plain().await?;
        if done.total() > 0 {
            self.vacuum_after_sealing().await?;
        }
        self.mark_generation("notes_sealed").await?;
        Ok(done)
    }

    async fn seal_notes_in_plain(&self) -> Result<Resealed> {
        let mut done = Resealed::default();
        for (table, names, column, what) in SEALED_COLUMNS.iter().filter(|c| is_note(c.3)) {
            let n = self
                .reseal_column(table, names, column, *what, Reseal::Plain)
                .await?;
            if n > 0 {
                done.columns.push((format!("{table}.{column}"), n));
            }
        }
        Ok(done)
    }

    async fn mark_generation(&self, name: &str) -> Result<()> {
        crate::sql::with_writers!(self, p => {
            sqlx::query(
                "INSERT INTO data_generations (name, value) VALUES ($1, 1) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Whether a one-time sealing of what an older program left in plain has run (see
    /// [`Store::seal_plain_rows`], [`Store::seal_plain_notes`]).
    async fn generation_done(&self, name: &str) -> Result<bool> {
        Ok(crate::sql::with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM data_generations WHERE name = $1",
            )
            .bind(name)
            .fetch_one(p)
            .await?
        }) > 0)
    }

    /// Persons whose `identity` is still empty: their plain columns sealed, then blanked.
    async fn seal_plain_persons(&self) -> Result<u64> {
        let mut sealed = 0u64;
        loop {
            let mut tx = self.begin_bulk().await?;
            let keys = tx.keys.clone();
            let n = crate::sql::with_tx!(&mut tx, c => {
                use crate::sql::Cells;
                let rows = sqlx::query(
                    "SELECT id, nik, no_kk, mother_name, pregnant, disability, disability_severity, \
                     chronic_illness FROM persons WHERE identity IS NULL ORDER BY id LIMIT $1",
                )
                .bind(SEAL_BATCH)
                .fetch_all(&mut **c)
                .await?;
                for r in &rows {
                    let (nik, no_kk) = (r.text("nik")?, r.text("no_kk")?);
                    let small = |col: &str| -> Result<Option<u8>> {
                        Ok(r.opt_int(col)?.and_then(|v| u8::try_from(v).ok()))
                    };
                    let health = serde_json::json!({
                        "p": r.flag("pregnant")?,
                        "d": small("disability")?,
                        "s": small("disability_severity")?,
                        "c": small("chronic_illness")?,
                    });
                    sqlx::query(
                        "UPDATE persons SET identity = $1, health = $2, nik_key = $3, no_kk_key = $4, \
                         nik = '', no_kk = '', mother_name = '', pregnant = $5, disability = NULL, \
                         disability_severity = NULL, chronic_illness = NULL WHERE id = $6",
                    )
                    .bind(crate::records::seal_identity(&keys, &nik, &no_kk, &r.text("mother_name")?))
                    .bind(keys.seal(Sealed::PersonHealth, health.to_string().as_bytes()))
                    .bind(keys.blind(Blind::Nik, &nik))
                    .bind(keys.blind(Blind::NoKk, &no_kk))
                    .bind(false)
                    .bind(r.text("id")?)
                    .execute(&mut **c)
                    .await?;
                }
                rows.len() as u64
            });
            tx.commit().await?;
            sealed += n;
            if n < SEAL_BATCH as u64 {
                return Ok(sealed);
            }
            self.pause_after_bulk_commit().await;
        }
    }

    /// The blind index of each outside list row whose NIK is still plain.
    async fn index_plain_outside_niks(&self) -> Result<()> {
        loop {
            let mut tx = self.begin_bulk().await?;
            let keys = tx.keys.clone();
            let n = crate::sql::with_tx!(&mut tx, c => {
                use crate::sql::Cells;
                let rows = sqlx::query(
                    "SELECT list_id, line, nik FROM outside_list_rows \
                     WHERE nik_key = '' AND nik <> '' AND nik NOT LIKE 'f1%' LIMIT $1",
                )
                .bind(SEAL_BATCH)
                .fetch_all(&mut **c)
                .await?;
                for r in &rows {
                    sqlx::query("UPDATE outside_list_rows SET nik_key = $1 WHERE list_id = $2 AND line = $3")
                        .bind(keys.blind(Blind::Nik, &r.text("nik")?))
                        .bind(r.text("list_id")?)
                        .bind(r.int("line")?)
                        .execute(&mut **c)
                        .await?;
                }
                rows.len() as i64
            });
            tx.commit().await?;
            if n < SEAL_BATCH {
                return Ok(());
            }
        }
    }

    /// Walks one sealed column in key order and seals anew each value that is plain
    /// ([`Reseal::Plain`]) or sealed with another key than the current one
    /// ([`Reseal::OldKeys`]): one pass, a batch per transaction, so that a run cut off goes on
    /// where the next one starts (it re-reads from the beginning, but finds the rows done).
    async fn reseal_column(
        &self,
        table: &str,
        names: &[&str],
        column: &str,
        what: Sealed,
        which: Reseal,
    ) -> Result<u64> {
        let name_list = names.join(", ");
        let after = if names.len() == 1 {
            format!("{} > $1", names[0])
        } else {
            format!("({name_list}) > ($1, $2)")
        };
        let select = format!(
            "SELECT {name_list}, {column} AS v FROM {table} WHERE {column} IS NOT NULL AND {after} \
             ORDER BY {name_list} LIMIT {SEAL_BATCH}"
        );
        let update_where: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n} = ${}", i + 2))
            .collect();
        // Only while the value is still the one read: a change committed meanwhile (PostgreSQL
        // reads committed data) is not overwritten with the old value sealed anew; the next
        // pass finds the row again.
        let update = format!(
            "UPDATE {table} SET {column} = $1 WHERE {} AND {column} = ${}",
            update_where.join(" AND "),
            names.len() + 2
        );
        // Below every name: ids are never empty, lines never negative.
        let mut last: RowName = names
            .iter()
            .map(|n| {
                if INT_NAMES.contains(n) {
                    crate::sql::Value::Int(i64::MIN)
                } else {
                    crate::sql::Value::Text(String::new())
                }
            })
            .collect();
        let mut resealed = 0u64;
        loop {
            let mut tx = self.begin_bulk().await?;
            let keys = tx.keys.clone();
            let current = format!("{SEALED_PREFIX}{}", keys.current_id());
            let (read, n) = crate::sql::with_tx!(&mut tx, c => {
                use crate::sql::Cells;
                let rows = crate::sql::bind_values(
                    sqlx::query(sqlx::AssertSqlSafe(select.clone())),
                    last.iter().cloned(),
                )
                .fetch_all(&mut **c)
                .await?;
                let mut n = 0u64;
                for r in &rows {
                    let name: RowName = names
                        .iter()
                        .map(|col| -> Result<crate::sql::Value> {
                            Ok(if INT_NAMES.contains(col) {
                                crate::sql::Value::Int(r.int(col)?)
                            } else {
                                crate::sql::Value::Text(r.text(col)?)
                            })
                        })
                        .collect::<Result<_>>()?;
                    let value = r.text("v")?;
                    let plain = !looks_sealed(&value);
                    let fresh = match which {
                        // An empty note stays empty (see FieldKeys::seal_note).
                        Reseal::Plain if plain && !(is_note(what) && value.is_empty()) => {
                            Some(keys.seal(what, value.as_bytes()))
                        }
                        Reseal::OldKeys if !plain && !value.starts_with(&current) => {
                            Some(keys.seal(what, &keys.open(what, &value)?))
                        }
                        _ => None,
                    };
                    if let Some(fresh) = fresh {
                        let changed = crate::sql::bind_values(
                            sqlx::query(sqlx::AssertSqlSafe(update.clone())),
                            std::iter::once(crate::sql::Value::Text(fresh))
                                .chain(name.iter().cloned())
                                .chain(std::iter::once(crate::sql::Value::Text(value))),
                        )
                        .execute(&mut **c)
                        .await?
                        .rows_affected();
                        n += changed;
                    }
                    last = name;
                }
                (rows.len() as i64, n)
            });
            tx.commit().await?;
            resealed += n;
            if read < SEAL_BATCH {
                return Ok(resealed);
            }
            self.pause_after_bulk_commit().await;
        }
    }

    /// After plain values were sealed: the file rewritten without its free pages and the
    /// write-ahead log emptied (SQLite), the tables rewritten (PostgreSQL), so that the old
    /// values are not left on the disk.
    async fn vacuum_after_sealing(&self) -> Result<()> {
        match &self.pool {
            crate::Pool::Sqlite(p) => {
                sqlx::query("VACUUM").execute(p).await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
            crate::Pool::Postgres(p) => {
                sqlx::query("VACUUM FULL persons, record_history, proposals, proposal_steps, outside_list_rows, \
                     document_rows, findings")
                    .execute(p)
                    .await?;
                sqlx::query("CHECKPOINT").execute(p).await?;
            }
        }
        Ok(())
    }

    /// `siks key rotate`: a new sealing key (unless a rotation cut off is being finished: the
    /// file then already holds more than one), every value sealed with an older key sealed
    /// anew in short transactions while the server goes on, and the old keys dropped from the
    /// file once none is left. `settle` is how long a server takes to read the file again
    /// (see [`Store::reload_field_keys`]): the re-sealing waits that long after the new key is
    /// written, and looks once more that long after its pass, for values a server sealed with
    /// the old key meanwhile.
    pub async fn rotate_field_keys(
        &self,
        settle: std::time::Duration,
        progress: &(dyn Fn(&str, u64) + Sync),
    ) -> Result<Resealed> {
        let Some(path) = self.keys().path().map(Path::to_path_buf) else {
            return Err(FieldKeys::bad(
                Path::new("-"),
                "kunci proses ini tidak berberkas",
            ));
        };
        // As the file stands now (another rotation may have changed it since this opened).
        let keys = FieldKeys::load(&path)?;
        self.replace_field_keys(keys.clone());
        if keys.ids().len() == 1 {
            self.replace_field_keys(keys.with_new_key()?);
            tokio::time::sleep(settle).await;
        }
        let mut done = Resealed::default();
        for pass in 0..2 {
            for (table, names, column, what) in SEALED_COLUMNS {
                let n = self
                    .reseal_column(table, names, column, *what, Reseal::OldKeys)
                    .await?;
                progress(&format!("{table}.{column}"), n);
                if let Some(entry) = done
                    .columns
                    .iter_mut()
                    .find(|(c, _)| *c == format!("{table}.{column}"))
                {
                    entry.1 += n;
                } else {
                    done.columns.push((format!("{table}.{column}"), n));
                }
            }
            if pass == 0 {
                tokio::time::sleep(settle).await;
            }
        }
        // The old keys go only when no value needs them any more; a writer that went on with
        // an old key (a server that could not read the file) leaves them in, said so.
        done.left_under_old_keys = self.sealing_status().await?.old_keys;
        if done.left_under_old_keys == 0 {
            self.replace_field_keys(self.keys().without_old_keys()?);
        }
        Ok(done)
    }

    /// How much is sealed, still plain, or sealed with an older key.
    pub async fn sealing_status(&self) -> Result<SealingStatus> {
        let current = format!("{SEALED_PREFIX}{}%", self.keys().current_id());
        let mut status = SealingStatus::default();
        for (table, _, column, what) in SEALED_COLUMNS {
            // An empty note is not a plain one.
            let empty_note = if is_note(*what) {
                format!(" AND {column} <> ''")
            } else {
                String::new()
            };
            let sql = format!(
                "SELECT \
                 CAST(SUM(CASE WHEN {column} LIKE 'f1%' THEN 1 ELSE 0 END) AS BIGINT) AS sealed, \
                 CAST(SUM(CASE WHEN {column} NOT LIKE 'f1%'{empty_note} THEN 1 ELSE 0 END) AS BIGINT) AS plain, \
                 CAST(SUM(CASE WHEN {column} LIKE 'f1%' AND {column} NOT LIKE $1 THEN 1 ELSE 0 END) AS BIGINT) AS old \
                 FROM {table}"
            );
            let (sealed, plain, old) = crate::sql::with_pool!(self, p => {
                use sqlx::Row;
                let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&current).fetch_one(p).await?;
                (
                    r.try_get::<Option<i64>, _>("sealed")?.unwrap_or(0),
                    r.try_get::<Option<i64>, _>("plain")?.unwrap_or(0),
                    r.try_get::<Option<i64>, _>("old")?.unwrap_or(0),
                )
            });
            status.sealed += sealed;
            status.plain += plain;
            status.old_keys += old;
        }
        status.plain += crate::sql::with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM persons WHERE identity IS NULL OR health IS NULL")
                .fetch_one(p)
                .await?
        });
        status.plain_health = crate::sql::with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM persons WHERE nik <> '' OR no_kk <> '' OR mother_name <> '' \
                 OR pregnant OR disability IS NOT NULL OR disability_severity IS NOT NULL \
                 OR chronic_illness IS NOT NULL",
            )
            .fetch_one(p)
            .await?
        });
        Ok(status)
    }

    /// Reads the key file again if it changed (a rotation added or dropped a key): what a
    /// server does every few seconds. `true` when the keys were replaced.
    pub fn reload_field_keys(&self) -> Result<bool> {
        let keys = self.keys();
        let Some(path) = keys.path() else {
            return Ok(false);
        };
        let fresh = FieldKeys::load(path)?;
        if fresh.ids() == keys.ids() && fresh.current_id() == keys.current_id() {
            return Ok(false);
        }
        self.replace_field_keys(fresh);
        Ok(true)
    }
}

/// Which values a pass over a sealed column seals anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reseal {
    /// Those still plain (an older database).
    Plain,
    /// Those sealed with a key other than the current one (a rotation).
    OldKeys,
}
