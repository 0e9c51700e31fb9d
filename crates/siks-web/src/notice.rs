//! Notices carried by a redirect (`?pesan=…&tanda=…`): what a post came to, shown on the page it
//! sends the user to. Only a notice this server wrote for this user is shown: it carries a keyed
//! signature (HMAC-SHA-256 under a key made at the server's start, over the user's id and the
//! text), so that a link from anyone — another user included, whose notice may quote what they
//! typed — cannot put an official-looking sentence of theirs on a page of the register (a
//! phishing line: "your account is suspended, call …"). A notice outlives no restart, which a
//! redirect never needs.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use siks_domain::Actor;

/// The key of this server's notices.
static KEY: LazyLock<[u8; 32]> = LazyLock::new(rand::random);

fn signature(reader: &str, message: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(KEY.as_slice()).expect("HMAC takes a key of any length");
    mac.update(reader.as_bytes());
    mac.update(b"\n");
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The query that carries `message` to `reader`'s next page: `pesan=…&tanda=…`.
fn query(reader: &Actor, message: &str) -> String {
    format!(
        "pesan={}&tanda={}",
        crate::auth::urlencode(message),
        signature(&reader.user_id.to_string(), message)
    )
}

/// `path` with `message` as its notice for `reader` (after its own query, if it has one).
pub fn to(reader: &Actor, path: &str, message: &str) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{path}{join}{}", query(reader, message))
}

/// The notice a page was sent with, if this server signed it for `reader`; anything else is not
/// shown.
pub fn verified(reader: &Actor, message: Option<String>, signed: Option<&str>) -> Option<String> {
    let message = message.filter(|m| !m.is_empty())?;
    let expected = signature(&reader.user_id.to_string(), &message);
    let given = signed?;
    // Compared whole, in constant time.
    (crate::auth::same_token(given, &expected)).then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> Actor {
        Actor {
            user_id: siks_domain::UserId::new(),
            username: "pusat".into(),
            role: siks_domain::Role::Pusat,
            scope: siks_domain::Scope::Nation,
            origin: String::new(),
        }
    }

    #[test]
    fn only_a_notice_this_server_signed_for_its_reader_is_shown() {
        let pusat = reader();
        let link = to(
            &pusat,
            "/program?periode=2026-12",
            "Versi 2 disimpan dan berlaku.",
        );
        assert!(
            link.starts_with("/program?periode=2026-12&pesan=Versi%202"),
            "{link}"
        );
        let signed = link.split("tanda=").nth(1).unwrap();
        assert_eq!(
            verified(
                &pusat,
                Some("Versi 2 disimpan dan berlaku.".into()),
                Some(signed)
            ),
            Some("Versi 2 disimpan dan berlaku.".into())
        );
        assert_eq!(
            verified(
                &reader(),
                Some("Versi 2 disimpan dan berlaku.".into()),
                Some(signed)
            ),
            None,
            "another user's notice"
        );
        assert_eq!(
            verified(
                &pusat,
                Some("Akun Anda diblokir, hubungi 0812…".into()),
                Some(signed)
            ),
            None,
            "another sentence under the same signature"
        );
        assert_eq!(
            verified(&pusat, Some("Akun Anda diblokir".into()), None),
            None
        );
        assert_eq!(verified(&pusat, None, Some(signed)), None);
    }
}
