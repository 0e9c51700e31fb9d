//! Notices carried by a redirect (`?pesan=…&tanda=…`): what a post came to, shown on the page it
//! sends the user to. Only a notice this server wrote is shown: it carries a keyed signature
//! (HMAC-SHA-256 under a key made at the server's start), so that a link from anyone cannot put
//! an official-looking sentence of theirs on a page of the register (a phishing line: "your
//! account is suspended, call …"). A notice outlives no restart, which a redirect never needs.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key of this server's notices.
static KEY: LazyLock<[u8; 32]> = LazyLock::new(rand::random);

fn signature(message: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(KEY.as_slice()).expect("HMAC takes a key of any length");
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The query that carries `message` to the next page: `pesan=…&tanda=…`.
pub fn query(message: &str) -> String {
    format!(
        "pesan={}&tanda={}",
        crate::auth::urlencode(message),
        signature(message)
    )
}

/// `path` with `message` as its notice (after its own query, if it has one).
pub fn to(path: &str, message: &str) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{path}{join}{}", query(message))
}

/// The notice a page was sent with, if this server signed it; anything else is not shown.
pub fn verified(message: Option<String>, signed: Option<&str>) -> Option<String> {
    let message = message.filter(|m| !m.is_empty())?;
    let expected = signature(&message);
    let given = signed?;
    // Compared whole, in constant time.
    (crate::auth::same_token(given, &expected)).then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_notice_this_server_signed_is_shown() {
        let link = to("/program?periode=2026-12", "Versi 2 disimpan dan berlaku.");
        assert!(
            link.starts_with("/program?periode=2026-12&pesan=Versi%202"),
            "{link}"
        );
        let signed = link.split("tanda=").nth(1).unwrap();
        assert_eq!(
            verified(Some("Versi 2 disimpan dan berlaku.".into()), Some(signed)),
            Some("Versi 2 disimpan dan berlaku.".into())
        );
        assert_eq!(
            verified(
                Some("Akun Anda diblokir, hubungi 0812…".into()),
                Some(signed)
            ),
            None,
            "another sentence under the same signature"
        );
        assert_eq!(verified(Some("Akun Anda diblokir".into()), None), None);
        assert_eq!(verified(None, Some(signed)), None);
    }
}
