//! The pages' language: Indonesian, or English for whoever switches (a ministry analyst, a donor's
//! auditor, an engineer taking over). The choice is a cookie (`bahasa`), read once per request by
//! [`with_lang`] into a task-local, so that every text on its way to a page — a template's words,
//! a label, a guide, a message — goes through one function, [`t`], keyed by its Indonesian text,
//! and the English catalogue ([`crate::english`]) sits beside the code. A text the catalogue does
//! not hold is shown in Indonesian and recorded ([`misses`]); the English walk of every page
//! fails on any. Papers (berita acara, SPTJM, BNBA) stay Indonesian: they are official documents.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Display;
use std::sync::{LazyLock, Mutex};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The cookie that holds the choice.
pub const LANG_COOKIE: &str = "bahasa";

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Indonesian,
    English,
}

impl Lang {
    /// The code a cookie, a link and `<html lang>` use.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Indonesian => "id",
            Lang::English => "en",
        }
    }

    fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "id" => Some(Lang::Indonesian),
            "en" => Some(Lang::English),
            _ => None,
        }
    }

    /// The language a request asked for (its cookie), Indonesian by default.
    pub fn of(headers: &HeaderMap) -> Lang {
        crate::auth::cookie(headers, LANG_COOKIE)
            .and_then(|c| Lang::parse(&c))
            .unwrap_or_default()
    }
}

/// What a request's answer is written in, and where it was asked (for the switch's way back).
#[derive(Clone)]
struct Asked {
    lang: Lang,
    path: String,
}

tokio::task_local! {
    static ASKED: Asked;
}

/// The language of the request being answered (Indonesian outside one).
pub fn current() -> Lang {
    ASKED.try_with(|a| a.lang).unwrap_or_default()
}

/// Runs `work` in `lang`, for work that leaves the request's task (a blocking thread that
/// renders) and for tests.
pub async fn scoped<F: std::future::Future>(lang: Lang, work: F) -> F::Output {
    let path = ASKED.try_with(|a| a.path.clone()).unwrap_or_default();
    ASKED.scope(Asked { lang, path }, work).await
}

/// Answers every request in the language its cookie asks for.
pub async fn with_lang(request: Request, next: Next) -> Response {
    // A page answered to a post cannot be asked for again: the switch goes to the start page.
    let path = if request.method() == axum::http::Method::GET {
        request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into())
    } else {
        "/".into()
    };
    let asked = Asked {
        lang: Lang::of(request.headers()),
        path,
    };
    ASKED.scope(asked, next.run(request)).await
}

/// The English of each Indonesian text the pages show: the catalogue, and every coded value's
/// own pair.
static CATALOGUE: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut all: HashMap<&'static str, &'static str> = HashMap::new();
    for (indonesian, english) in siks_domain::codes::every_label() {
        all.insert(indonesian, english);
    }
    for (indonesian, english) in crate::english::entries() {
        all.insert(indonesian, english);
    }
    all
});

/// The catalogue's English texts: a text translated twice (by the handler and again by the
/// template) is already English, not a miss.
static ENGLISH: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| CATALOGUE.values().copied().collect());

/// Texts asked for in English that the catalogue does not hold (at most [`MAX_MISSES`]).
static MISSES: LazyLock<Mutex<BTreeSet<String>>> = LazyLock::new(Default::default);
const MAX_MISSES: usize = 10_000;

/// `text` (Indonesian) in the request's language. A text without English is shown as it is and
/// recorded as a miss.
pub fn t(text: &str) -> &str {
    if current() == Lang::Indonesian || text.trim().is_empty() {
        return text;
    }
    match CATALOGUE.get(text) {
        Some(english) => english,
        None if ENGLISH.contains(text) => text,
        None => {
            if let Ok(mut misses) = MISSES.lock()
                && misses.len() < MAX_MISSES
            {
                misses.insert(text.to_string());
            }
            text
        }
    }
}

/// [`t`] of a text that reads otherwise in English in one place (`context`): the catalogue's
/// `"{context}|{text}"` when it has one ("menu|Proses" is the jobs list, "Proses" a button).
pub fn tc<'a>(context: &str, text: &'a str) -> &'a str {
    if current() == Lang::Indonesian {
        return text;
    }
    match CATALOGUE.get(format!("{context}|{text}").as_str()) {
        Some(english) => english,
        None => t(text),
    }
}

/// [`t`] of a text with `{}` places, filled in order with `args` (numbers, names, dates).
pub fn tf(text: &str, args: &[&(dyn Display + Sync)]) -> String {
    fill(t(text), args)
}

/// `text`'s `{}` places filled in order with `args`, as it is (no translation): for the same
/// text bound for a file or the API, which stay Indonesian.
pub fn fill(text: &str, args: &[&(dyn Display + Sync)]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut parts = text.split("{}").peekable();
    while let Some(part) = parts.next() {
        out.push_str(part);
        if parts.peek().is_some()
            && let Some(arg) = args.next()
        {
            out.push_str(&arg.to_string());
        }
    }
    out
}

/// [`tf`] with one value, for templates.
pub fn tf1(text: &str, a: impl Display + Sync) -> String {
    tf(text, &[&a])
}

/// [`tf`] with two values, for templates.
pub fn tf2(text: &str, a: impl Display + Sync, b: impl Display + Sync) -> String {
    tf(text, &[&a, &b])
}

/// [`tf`] with three values, for templates.
pub fn tf3(
    text: &str,
    a: impl Display + Sync,
    b: impl Display + Sync,
    c: impl Display + Sync,
) -> String {
    tf(text, &[&a, &b, &c])
}

/// A bilingual message (a domain's refusal) in the request's language.
pub fn say(message: &impl siks_domain::Bilingual) -> String {
    match current() {
        Lang::Indonesian => message.indonesian(),
        Lang::English => message.english(),
    }
}

/// The texts asked for in English without one, since the process started: the English walk's
/// failure list.
pub fn misses() -> Vec<String> {
    MISSES
        .lock()
        .map(|m| m.iter().cloned().collect())
        .unwrap_or_default()
}

/// The switch link of the footer: to the other language, back to the page it is on (a page
/// answered to a post goes back to the start page).
pub fn switch_link() -> String {
    let (to, _) = other();
    let path = ASKED
        .try_with(|a| a.path.clone())
        .unwrap_or_else(|_| "/".into());
    format!(
        "/bahasa/{}?kembali={}",
        to.code(),
        crate::auth::urlencode(&path)
    )
}

/// `<html lang>` of the page.
pub fn html_lang() -> &'static str {
    current().code()
}

/// The switch link's text: the other language, named in itself.
pub fn switch_label() -> &'static str {
    other().1
}

fn other() -> (Lang, &'static str) {
    match current() {
        Lang::Indonesian => (Lang::English, "English"),
        Lang::English => (Lang::Indonesian, "Bahasa Indonesia"),
    }
}

#[derive(Deserialize, Default)]
pub struct SwitchQuery {
    kembali: Option<String>,
}

/// `GET /bahasa/{code}?kembali=PATH`: keeps the choice for a year and goes back to the page it was
/// made on (a path of this site only; anything else goes to the start page).
pub async fn switch(
    crate::extract::Path(code): crate::extract::Path<String>,
    crate::extract::Query(q): crate::extract::Query<SwitchQuery>,
) -> Result<Response, crate::error::WebError> {
    let lang = Lang::parse(&code).ok_or(crate::error::WebError::NotFound)?;
    let back = q
        .kembali
        .filter(|p| crate::auth::is_local_path(p))
        .unwrap_or_else(|| "/".into());
    let mut response = crate::pages::see(back).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_text_is_english_only_inside_an_english_request() {
        assert_eq!(t("Dasbor"), "Dasbor");
        let inside = scoped(Lang::English, async { (t("Dasbor"), t("Laki-laki")) }).await;
        assert_eq!(inside, ("Dashboard", "Male"));
        let filled = scoped(Lang::English, async {
            tf("Temuan {}–{} dari {}", &[&1, &50, &"21.034"])
        })
        .await;
        assert_eq!(filled, "Findings 1–50 of 21.034");
        let missing = scoped(Lang::English, async { t("kalimat yang tidak ada") }).await;
        assert_eq!(missing, "kalimat yang tidak ada");
        assert!(misses().contains(&"kalimat yang tidak ada".to_string()));
    }
}
