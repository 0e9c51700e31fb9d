//! What citizens bring to the register from outside (DOMAIN.md, "The public"): an usul (a
//! household proposed, oneself or another), a sanggah (an objection to a listed recipient of
//! one's own village) and a data subject's correction request (UU 27/2022 Pasal 32, taken by a
//! data protection officer). Each lands in its village's queue, is tracked by a receipt code,
//! and is turned by the village operator into a proposal or answered. Also the masked name the
//! public check shows.

use crate::identity::{Nik, NoKk};
use crate::message::Bilingual;

/// What a citizen brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A household proposed for the register (oneself, one's family, someone else).
    Usul,
    /// An objection to a listed recipient of the objector's own village.
    Sanggah,
    /// A data subject's request to correct their data (through the data protection officer).
    Correction,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::Usul,
        RequestKind::Sanggah,
        RequestKind::Correction,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RequestKind::Usul => "usul",
            RequestKind::Sanggah => "sanggah",
            RequestKind::Correction => "koreksi",
        }
    }

    pub fn parse(key: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Usul => "Usulan warga",
            RequestKind::Sanggah => "Sanggahan",
            RequestKind::Correction => "Permintaan koreksi subjek data",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Waiting for the village operator.
    New,
    /// Turned into a proposal (which then goes its own way to the close).
    Proposed,
    /// Answered without a proposal (not needed, not true, already registered), with the reason.
    Answered,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 3] = [
        RequestStatus::New,
        RequestStatus::Proposed,
        RequestStatus::Answered,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RequestStatus::New => "baru",
            RequestStatus::Proposed => "diusulkan",
            RequestStatus::Answered => "dijawab",
        }
    }

    pub fn parse(key: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::New => "Baru, menunggu operator desa",
            RequestStatus::Proposed => "Sudah diusulkan",
            RequestStatus::Answered => "Sudah dijawab",
        }
    }
}

/// What a request says, as the person wrote it (sealed at rest: it holds a NIK).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestContent {
    /// Who writes (a citizen's own name; the officer's note of who asked, for a correction).
    pub requester: String,
    /// How to reach them (a phone number), optional.
    #[serde(default)]
    pub phone: String,
    /// Whom it is about: the person proposed, the recipient objected to, the data subject.
    pub subject_name: String,
    /// The NIK and No KK as on the KTP and KK (an usul; empty otherwise).
    #[serde(default)]
    pub nik: String,
    #[serde(default)]
    pub no_kk: String,
    /// The address (an usul): street, RT/RW.
    #[serde(default)]
    pub address: String,
    /// The aid asked for (an usul), free words.
    #[serde(default)]
    pub aid: String,
    /// Why: the need (usul), the objection (sanggah), what is wrong and what is right
    /// (correction).
    pub reason: String,
}

/// A field of a request that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub field: &'static str,
    pub indonesian: String,
    pub english: String,
}

impl Bilingual for RequestError {
    fn indonesian(&self) -> String {
        self.indonesian.clone()
    }
    fn english(&self) -> String {
        self.english.clone()
    }
}

/// The longest text a field takes (a reason is longer).
const FIELD_MAX: usize = 120;
const REASON_MAX: usize = 1_000;

fn refuse(field: &'static str, id: &str, en: &str) -> RequestError {
    RequestError {
        field,
        indonesian: id.to_string(),
        english: en.to_string(),
    }
}

/// A text field trimmed, its control characters refused, its length bounded.
fn text(
    field: &'static str,
    label: &str,
    value: &str,
    required: bool,
    max: usize,
) -> Result<String, RequestError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(refuse(
            field,
            &format!("{label} wajib diisi"),
            &format!("{label} is required"),
        ));
    }
    if value.chars().count() > max {
        return Err(refuse(
            field,
            &format!("{label} terlalu panjang (paling banyak {max} huruf)"),
            &format!("{label} is too long (at most {max} characters)"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(refuse(
            field,
            &format!("{label} berisi karakter yang tidak dapat dibaca"),
            &format!("{label} holds unreadable characters"),
        ));
    }
    Ok(value.to_string())
}

impl RequestContent {
    /// Checks what a citizen sent for `kind`: the required fields, lengths, and for an usul the
    /// NIK and No KK as on the cards (valid numbers). The first refusal, naming its field.
    pub fn checked(self, kind: RequestKind) -> Result<RequestContent, RequestError> {
        let usul = kind == RequestKind::Usul;
        let content = RequestContent {
            requester: text(
                "requester",
                "Nama pengirim",
                &self.requester,
                true,
                FIELD_MAX,
            )?,
            phone: text("phone", "Nomor telepon", &self.phone, false, 20)?,
            subject_name: text(
                "subject_name",
                if usul {
                    "Nama yang diusulkan"
                } else {
                    "Nama yang dimaksud"
                },
                &self.subject_name,
                true,
                FIELD_MAX,
            )?,
            // Numbers, an address and the aid asked belong to an usul only; kept for nothing
            // else (a sanggah or a correction does not carry them).
            nik: if usul {
                self.nik.trim().to_string()
            } else {
                String::new()
            },
            no_kk: if usul {
                self.no_kk.trim().to_string()
            } else {
                String::new()
            },
            address: if usul {
                text("address", "Alamat", &self.address, true, FIELD_MAX)?
            } else {
                String::new()
            },
            aid: if usul {
                text("aid", "Bantuan yang diminta", &self.aid, false, FIELD_MAX)?
            } else {
                String::new()
            },
            reason: text("reason", "Alasan", &self.reason, true, REASON_MAX)?,
        };
        if !content.phone.is_empty()
            && !content
                .phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'))
        {
            return Err(refuse(
                "phone",
                "Nomor telepon hanya boleh berisi angka, spasi, + dan -",
                "The phone number may hold only digits, spaces, + and -",
            ));
        }
        if usul {
            if let Err(e) = Nik::parse(&content.nik) {
                return Err(refuse(
                    "nik",
                    &format!("NIK: {}", e.indonesian()),
                    &format!("NIK: {}", e.english()),
                ));
            }
            if let Err(e) = NoKk::parse(&content.no_kk) {
                return Err(refuse(
                    "no_kk",
                    &format!("No KK: {}", e.indonesian()),
                    &format!("Family card number: {}", e.english()),
                ));
            }
        }
        if content.reason.chars().count() < 10 {
            return Err(refuse(
                "reason",
                "Alasan terlalu singkat: tulis sedikitnya 10 huruf",
                "The reason is too short: write at least 10 characters",
            ));
        }
        Ok(content)
    }
}

/// The longest name the public check takes.
pub const CHECK_NAME_MAX: usize = 100;

/// A name as the public check takes it: a whole name as on the KTP (at least three letters),
/// bounded, readable. Never a prefix: the check compares it whole.
pub fn checked_check_name(name: &str) -> Result<String, RequestError> {
    let name = name.trim();
    if name.chars().count() > CHECK_NAME_MAX || name.chars().any(char::is_control) {
        return Err(refuse(
            "name",
            "Nama terlalu panjang atau berisi karakter yang tidak dapat dibaca.",
            "The name is too long or holds unreadable characters.",
        ));
    }
    if name.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return Err(refuse(
            "name",
            "Tulis nama lengkap sesuai KTP (sedikitnya 3 huruf).",
            "Write the full name as on the identity card (at least 3 letters).",
        ));
    }
    Ok(name.to_string())
}

/// The letters of a receipt code: no 0/O, 1/I/L, to be read over the phone.
const RECEIPT_LETTERS: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Letters in a receipt code: 31^10 ≈ 8·10^14, too many to guess one among a few million.
pub const RECEIPT_LEN: usize = 10;

/// A receipt code from random bytes (one per letter).
pub fn receipt_code(random: [u8; RECEIPT_LEN]) -> String {
    random
        .iter()
        .map(|b| RECEIPT_LETTERS[*b as usize % RECEIPT_LETTERS.len()] as char)
        .collect()
}

/// A receipt code as typed (spaces and dashes dropped, upper case), if it could be one.
pub fn parse_receipt(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == RECEIPT_LEN && code.bytes().all(|b| RECEIPT_LETTERS.contains(&b)))
        .then_some(code)
}

/// A name as the public check shows it: the first word whole, each other word's first letter
/// and as many stars as it has letters left ("SITI AMINAH" → "SITI A*****"); a name of one
/// word keeps its first three letters.
pub fn masked_name(name: &str) -> String {
    let words: Vec<String> = name.split_whitespace().map(|w| w.to_uppercase()).collect();
    let star = |word: &str, keep: usize| -> String {
        let chars: Vec<char> = word.chars().collect();
        let kept: String = chars.iter().take(keep).collect();
        format!("{kept}{}", "*".repeat(chars.len().saturating_sub(keep)))
    };
    match words.as_slice() {
        [] => String::new(),
        [only] => star(only, 3),
        [first, rest @ ..] => std::iter::once(first.clone())
            .chain(rest.iter().map(|w| star(w, 1)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_as_the_ministry_does() {
        assert_eq!(masked_name("Siti Aminah"), "SITI A*****");
        assert_eq!(
            masked_name("  budi  santoso wibowo "),
            "BUDI S****** W*****"
        );
        assert_eq!(masked_name("Ponirah"), "PON****");
        assert_eq!(masked_name("Al"), "AL");
        assert_eq!(masked_name(""), "");
    }

    #[test]
    fn the_check_takes_a_whole_readable_name() {
        assert_eq!(checked_check_name("  Siti Aminah ").unwrap(), "Siti Aminah");
        assert!(
            checked_check_name("ab")
                .unwrap_err()
                .indonesian
                .contains("3 huruf")
        );
        assert!(checked_check_name(&"a".repeat(101)).is_err());
        assert!(checked_check_name("Siti\u{0}").is_err());
    }

    #[test]
    fn a_receipt_reads_back_as_typed() {
        let code = receipt_code([7; RECEIPT_LEN]);
        assert_eq!(code.len(), RECEIPT_LEN);
        assert_eq!(parse_receipt(&code.to_lowercase()), Some(code.clone()));
        let spaced = format!("{}-{} ", &code[..5], &code[5..]);
        assert_eq!(parse_receipt(&spaced), Some(code));
        assert_eq!(parse_receipt("O0I1L23456"), None);
        assert_eq!(parse_receipt("ABC"), None);
        assert_eq!(parse_receipt("<script>alert(1)</script>"), None);
    }

    fn usul() -> RequestContent {
        RequestContent {
            requester: "Warsini".into(),
            phone: "0812-3456-7890".into(),
            subject_name: "Warsini".into(),
            nik: "3523014501850002".into(),
            no_kk: "3523011203110001".into(),
            address: "Dusun Krajan RT 02 RW 01".into(),
            aid: "Sembako".into(),
            reason: "Suami meninggal, tidak ada penghasilan tetap".into(),
        }
    }

    #[test]
    fn an_usul_needs_its_numbers_and_a_reason() {
        assert!(usul().checked(RequestKind::Usul).is_ok());
        let mut bad = usul();
        bad.nik = "12345".into();
        assert_eq!(bad.checked(RequestKind::Usul).unwrap_err().field, "nik");
        let mut bad = usul();
        bad.no_kk = "abc".into();
        assert_eq!(bad.checked(RequestKind::Usul).unwrap_err().field, "no_kk");
        let mut bad = usul();
        bad.reason = "miskin".into();
        let refused = bad.checked(RequestKind::Usul).unwrap_err();
        assert_eq!(refused.field, "reason");
        assert!(refused.indonesian.contains("10 huruf"));
        let mut bad = usul();
        bad.address = " ".into();
        assert_eq!(bad.checked(RequestKind::Usul).unwrap_err().field, "address");
        let mut bad = usul();
        bad.phone = "<b>".into();
        assert_eq!(bad.checked(RequestKind::Usul).unwrap_err().field, "phone");
        let mut bad = usul();
        bad.requester = "x".repeat(121);
        assert_eq!(
            bad.checked(RequestKind::Usul).unwrap_err().field,
            "requester"
        );
    }

    #[test]
    fn a_sanggah_needs_no_numbers() {
        let sanggah = RequestContent {
            requester: "Tetangga".into(),
            subject_name: "Suparno".into(),
            reason: "Sudah punya mobil dan toko besar".into(),
            ..RequestContent::default()
        };
        assert!(sanggah.checked(RequestKind::Sanggah).is_ok());
    }
}
