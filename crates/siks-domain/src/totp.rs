//! The second factor: time-based one-time codes (RFC 6238, the codes every authenticator app
//! shows: HMAC-SHA1, 30-second steps, six digits), the enrolment link an app reads from a QR
//! code, recovery codes, and who must have a second factor (regency level and up, and every
//! admin: the accounts whose one stolen password exposes a regency or more).

use hmac::{Hmac, Mac};
use sha2::Digest;

use crate::access::{Role, Scope};
use crate::region::RegionLevel;

/// Seconds a code stands for.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now a code is still taken at (a phone's clock a little off).
pub const WINDOW: i64 = 1;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How recently a second factor must have been given before a bulk export, a period's close
/// or a programme rule change (a step-up), in seconds.
pub const FRESH_SECONDS: i64 = 5 * 60;

/// Whether an account of `role` over `scope` must give a second factor to sign in (the data
/// protection officer too, at any level: it reads every processing of the people it serves).
pub fn required(role: Role, scope: &Scope) -> bool {
    matches!(role, Role::Admin | Role::Dpo)
        || match scope {
            Scope::Nation => true,
            Scope::Region(code) => {
                matches!(code.level(), RegionLevel::Province | RegionLevel::Regency)
            }
        }
}

/// A shared secret: 20 random bytes (160 bits, RFC 4226's recommended length).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; 20]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Secret {
    pub fn from_bytes(bytes: [u8; 20]) -> Secret {
        Secret(bytes)
    }

    /// The secret as an app takes it typed in: base32 without padding (20 bytes are 32
    /// characters exactly).
    pub fn base32(&self) -> String {
        let mut out = String::with_capacity(32);
        for chunk in self.0.chunks(5) {
            let mut buffer = [0u8; 5];
            buffer[..chunk.len()].copy_from_slice(chunk);
            let bits = buffer
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            for i in (0..8).rev() {
                out.push(BASE32[((bits >> (i * 5)) & 31) as usize] as char);
            }
        }
        out
    }

    /// A secret from its base32 text (spaces and case ignored); `None` when it is not 20 bytes
    /// of base32.
    pub fn from_base32(text: &str) -> Option<Secret> {
        let clean: Vec<u8> = text
            .bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if clean.len() != 32 {
            return None;
        }
        let mut bytes = Vec::with_capacity(20);
        for chunk in clean.chunks(8) {
            let mut bits = 0u64;
            for c in chunk {
                let value = BASE32.iter().position(|b| b == c)? as u64;
                bits = (bits << 5) | value;
            }
            for i in (0..5).rev() {
                bytes.push((bits >> (i * 8)) as u8);
            }
        }
        Some(Secret(bytes.try_into().ok()?))
    }

    /// The code of one step (RFC 4226's dynamic truncation to six digits).
    pub fn code_at_step(&self, step: i64) -> u32 {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&self.0).expect("HMAC takes any key");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[19] & 0x0f);
        let value = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        value % 1_000_000
    }

    /// The code shown at `unix_seconds`, as six digits.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        format!("{:06}", self.code_at_step(step_of(unix_seconds)))
    }

    /// The step a typed code belongs to, within [`WINDOW`] steps of `unix_seconds`, if any.
    /// Whether the step was used already is the caller's to check (a code is taken once).
    pub fn matching_step(&self, typed: &str, unix_seconds: i64) -> Option<i64> {
        let code = parse_code(typed)?;
        let now = step_of(unix_seconds);
        // Every step of the window is computed, so that the time taken tells nothing.
        (now - WINDOW..=now + WINDOW).fold(None, |found, step| {
            let same = constant_time_eq(self.code_at_step(step), code);
            found.or(same.then_some(step))
        })
    }

    /// The link an authenticator app reads from the QR code (Google's `otpauth://` format).
    pub fn enrolment_uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
            self.base32(),
            issuer = uri_part(issuer),
            account = uri_part(account),
        )
    }
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// The 30-second step of a moment.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Six digits, spaces allowed between (apps show `123 456`).
pub fn parse_code(typed: &str) -> Option<u32> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

fn uri_part(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Letters a recovery code is made of: no 0/O, 1/l/I, so that one read off paper is typed right.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A recovery code from 8 random bytes: ten letters and digits as `xxxxx-xxxxx`.
pub fn recovery_code(random: [u8; 8]) -> String {
    let mut bits = u64::from_be_bytes(random);
    let mut out = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            out.push('-');
        }
        out.push(RECOVERY_ALPHABET[(bits % RECOVERY_ALPHABET.len() as u64) as usize] as char);
        bits /= RECOVERY_ALPHABET.len() as u64;
    }
    out
}

/// What a recovery code is kept as: SHA-256 of its normal form (lower case, no dash or space).
/// A code is 50 random bits, used once, and tried only through the sign-in throttle: a fast
/// hash is enough.
pub fn recovery_hash(typed: &str) -> String {
    let normal: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha2::Sha256::digest(format!("siks-recovery:{normal}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a typed text looks like a recovery code rather than six digits.
pub fn looks_like_recovery(typed: &str) -> bool {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::RegionCode;

    /// RFC 6238's test vectors for SHA-1 (its secret is the ASCII "12345678901234567890"), cut
    /// to six digits.
    #[test]
    fn codes_are_rfc_6238s() {
        let secret = Secret::from_bytes(*b"12345678901234567890");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(secret.code_at(time), code, "at {time}");
        }
        assert_eq!(
            secret.base32(),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "base32 of the RFC's secret"
        );
        assert_eq!(
            Secret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"),
            Some(secret)
        );
        assert_eq!(Secret::from_base32("GEZDGNBV"), None);
        assert_eq!(
            Secret::from_base32("1EZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            None
        );
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_not_further() {
        let secret = Secret::from_bytes([7; 20]);
        let now = 1_800_000_000;
        let step = step_of(now);
        assert_eq!(secret.matching_step(&secret.code_at(now), now), Some(step));
        assert_eq!(
            secret.matching_step(&secret.code_at(now - 30), now),
            Some(step - 1)
        );
        assert_eq!(
            secret.matching_step(&secret.code_at(now + 30), now),
            Some(step + 1)
        );
        assert_eq!(secret.matching_step(&secret.code_at(now - 90), now), None);
        let spaced = format!(
            "{} {}",
            &secret.code_at(now)[..3],
            &secret.code_at(now)[3..]
        );
        assert_eq!(secret.matching_step(&spaced, now), Some(step));
        assert_eq!(secret.matching_step("12345", now), None);
        assert_eq!(secret.matching_step("abcdef", now), None);
    }

    #[test]
    fn regency_level_and_up_and_every_admin_need_a_second_factor() {
        let region = |code: &str| Scope::Region(RegionCode::parse(code).unwrap());
        assert!(required(Role::RegencyOperator, &region("35.23")));
        assert!(required(Role::ProvinceOperator, &region("35")));
        assert!(required(Role::Pusat, &Scope::Nation));
        assert!(required(Role::Auditor, &Scope::Nation));
        assert!(required(Role::Admin, &region("35.23.01.2001")));
        assert!(!required(Role::VillageOperator, &region("35.23.01.2001")));
        assert!(!required(Role::DistrictOperator, &region("35.23.01")));
    }

    #[test]
    fn recovery_codes_read_plainly_and_hash_in_their_normal_form() {
        let code = recovery_code([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(
            code.chars()
                .all(|c| c == '-' || RECOVERY_ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(code, recovery_code([8, 7, 6, 5, 4, 3, 2, 1]));
        assert_eq!(
            recovery_hash(&code),
            recovery_hash(&code.to_uppercase().replace('-', " "))
        );
        assert!(looks_like_recovery(&code));
        assert!(!looks_like_recovery("123456"));
    }

    #[test]
    fn the_enrolment_link_names_issuer_account_and_secret() {
        let secret = Secret::from_bytes(*b"12345678901234567890");
        assert_eq!(
            secret.enrolment_uri("SIKS Kab Malang", "dinsos"),
            "otpauth://totp/SIKS%20Kab%20Malang:dinsos?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=SIKS%20Kab%20Malang&algorithm=SHA1&digits=6&period=30"
        );
    }
}
