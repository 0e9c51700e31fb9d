//! Masked by default, revealed on purpose (issue 19 item 2, ADR 0021): which fields of which
//! persons a session has had revealed, and the form that reveals one. A NIK or No KK shows as
//! `3523**********77` until its "Tampilkan" is pressed with a purpose chosen; the reveal is
//! audited (`person.reveal`) before the page shows the field, and lasts as long as the session
//! (kept in this server's memory: a restart masks everything again, the safe way to forget).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::Response;
use siks_domain::PersonId;
use siks_domain::disclosure::{RevealPurpose, SpecificField, parse_reveal};

use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::{Form, Path};
use crate::{AppState, pages};

/// How long a reveal is kept at most: a session's own longest life.
const KEPT_FOR: Duration = Duration::from_secs(8 * 60 * 60);
/// At most this many fields revealed in one session: a page at a time, never a whole register.
const MOST_PER_SESSION: usize = 2_000;

/// The reveals of every session, by session token.
#[derive(Default)]
pub struct Reveals {
    sessions: Mutex<HashMap<String, Revealed>>,
}

struct Revealed {
    since: Instant,
    fields: HashSet<(PersonId, SpecificField)>,
}

impl Reveals {
    /// `fields` of `person` revealed to the session of `token` from now on.
    pub fn grant(&self, token: &str, person: PersonId, fields: &[SpecificField]) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, r| r.since.elapsed() < KEPT_FOR);
        let revealed = sessions
            .entry(token.to_string())
            .or_insert_with(|| Revealed {
                since: Instant::now(),
                fields: HashSet::new(),
            });
        if revealed.fields.len() + fields.len() > MOST_PER_SESSION {
            revealed.fields.clear();
        }
        revealed.fields.extend(fields.iter().map(|f| (person, *f)));
    }

    /// Whether `field` of `person` was revealed to the session of `token`.
    pub fn shown(&self, token: &str, person: PersonId, field: SpecificField) -> bool {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .is_some_and(|r| r.since.elapsed() < KEPT_FOR && r.fields.contains(&(person, field)))
    }

    /// Forgets a session's reveals (it signed out).
    pub fn forget(&self, token: &str) {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }
}

/// What a page shows of one field: the value, or its mask and the field to reveal.
pub struct Shown {
    pub value: String,
    /// The field's key when the value is kept back (a reveal form goes beside it).
    pub reveal: Option<&'static str>,
}

impl Shown {
    /// `value` as `user` sees it: itself when the role sees the field or the session revealed
    /// it, else `kept` (a mask, or words saying it is kept back).
    pub fn of(
        state: &AppState,
        user: &PageUser,
        person: PersonId,
        field: SpecificField,
        value: String,
    ) -> Shown {
        if field.shown_by_default(user.session.actor.role)
            || state.reveals.shown(&user.token, person, field)
        {
            return Shown {
                value,
                reveal: None,
            };
        }
        let kept = match field {
            SpecificField::Nik | SpecificField::NoKk => siks_domain::disclosure::masked(&value),
            SpecificField::MotherName | SpecificField::Health => {
                crate::lang::t("(disembunyikan)").to_string()
            }
        };
        Shown {
            value: kept,
            reveal: Some(field.key()),
        }
    }
}

/// The purposes a reveal form offers: (key, label in the page's language).
pub fn purposes() -> Vec<(&'static str, &'static str)> {
    RevealPurpose::ALL
        .iter()
        .map(|p| (p.key(), crate::lang::t(p.label())))
        .collect()
}

/// `POST /anggota/{id}/tampilkan`: one field of one member revealed to this session, for the
/// purpose chosen; audited before it is shown.
pub async fn reveal_field(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id: PersonId = id.parse().map_err(|_| WebError::NotFound)?;
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    user.check_csrf(get("csrf"))?;
    let (field, purpose) =
        parse_reveal(get("field"), get("purpose")).map_err(|e| WebError::Invalid {
            message: crate::lang::say(&e),
            fields: vec![],
        })?;
    state
        .service
        .reveal(&user.session.actor, id, &[field], purpose)
        .await?;
    state.reveals.grant(&user.token, id, &[field]);
    Ok(pages::see(format!("/anggota/{id}#kolom-{}", field.key())))
}

/// Every field of a member revealed for a correction: opening the correction form shows them
/// all (it must, to change them), so opening it is a reveal of them all, audited as such.
pub async fn reveal_for_correction(
    state: &AppState,
    user: &PageUser,
    id: PersonId,
) -> Result<(), WebError> {
    state
        .service
        .reveal(
            &user.session.actor,
            id,
            &SpecificField::ALL,
            RevealPurpose::Correction,
        )
        .await?;
    state.reveals.grant(&user.token, id, &SpecificField::ALL);
    Ok(())
}
