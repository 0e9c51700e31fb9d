//! The English switch: every page of every role, crawled through the router in English, has
//! no text the catalogue lacks and no Indonesian sentence outside what is data (names, places,
//! what people typed, what the system recorded: marked `lang="id"` on the page).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::browser::{followed, lived_in, shape_of};
use crate::support::*;

/// Indonesian words that no English sentence holds: a page that shows one outside data speaks
/// Indonesian there.
const INDONESIAN: &[&str] = &[
    "dan",
    "yang",
    "untuk",
    "dari",
    "tidak",
    "belum",
    "sudah",
    "dengan",
    "ini",
    "itu",
    "atau",
    "pada",
    "oleh",
    "akan",
    "dalam",
    "dapat",
    "harus",
    "wajib",
    "setiap",
    "semua",
    "halaman",
    "klik",
    "pilih",
    "unduh",
    "simpan",
    "kirim",
    "lihat",
    "tanggal",
    "nama",
    "usulan",
    "temuan",
    "anggota",
    "periode",
    "daftar",
    "akun",
    "sandi",
    "isi",
    "ubah",
    "buat",
    "hapus",
    "jumlah",
    "kembali",
    "alasan",
    "perbaikan",
    "bukti",
    "menunggu",
    "selesai",
    "tugas",
    "rumah",
    "tangga",
    "keluar",
    "masuk",
    "cari",
    "tahap",
    "keadaan",
    "diperiksa",
    "dikembalikan",
];

/// The words of a page a reader sees as the interface's: its text without scripts, styles,
/// typed text, code, and whatever is marked Indonesian as data (`lang="id"`).
fn interface_words(html: &Html) -> Vec<String> {
    use scraper::Node;
    let mut out = Vec::new();
    let root = html.root_element();
    let mut stack = vec![*root];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Element(e) => {
                if matches!(
                    e.name(),
                    "script" | "style" | "textarea" | "code" | "pre" | "title"
                ) || (e.attr("lang") == Some("id") && e.name() != "html")
                {
                    continue;
                }
                for attribute in ["title", "placeholder", "alt", "aria-label"] {
                    if let Some(v) = e.attr(attribute) {
                        out.push(v.to_string());
                    }
                }
                if e.name() == "input"
                    && matches!(e.attr("type"), Some("submit") | Some("button"))
                    && let Some(v) = e.attr("value")
                {
                    out.push(v.to_string());
                }
            }
            Node::Text(t) => out.push(t.to_string()),
            _ => {}
        }
        stack.extend(node.children());
    }
    out
}

#[tokio::test]
async fn every_page_of_every_role_reads_in_english() {
    let w = world().await;
    lived_in(&w).await;
    let mut problems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pages = 0;
    for (username, _, _) in accounts() {
        let session = login(&w.app, username).await;
        let cookie = format!("siks_sesi={}; bahasa=en", session.cookie);
        let mut seen_shapes = BTreeSet::new();
        let mut queue = VecDeque::from(["/".to_string(), "/tidak-ada".to_string()]);
        while let Some(path) = queue.pop_front() {
            if !seen_shapes.insert(shape_of(&path)) {
                continue;
            }
            let request = axum::http::Request::get(&path)
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .unwrap();
            let page = send(&w.app, request).await;
            if !page.status.is_success() && page.status != StatusCode::NOT_FOUND {
                continue;
            }
            if !page
                .headers
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
            {
                continue;
            }
            pages += 1;
            let html = page.html();
            let lang = html
                .select(&Selector::parse("html").unwrap())
                .next()
                .and_then(|e| e.value().attr("lang").map(str::to_string));
            if lang.as_deref() != Some("en") {
                problems
                    .entry(format!("{username} {path}"))
                    .or_default()
                    .insert(format!("<html lang={lang:?}>"));
            }
            for text in interface_words(&html) {
                let words: BTreeSet<String> = text
                    .split(|c: char| !c.is_alphabetic())
                    .map(str::to_lowercase)
                    .collect();
                if INDONESIAN.iter().any(|w| words.contains(*w)) {
                    problems
                        .entry(format!("{username} {}", shape_of(&path)))
                        .or_default()
                        .insert(text.trim().chars().take(120).collect());
                }
            }
            for link in html.select(&Selector::parse("a[href]").unwrap()) {
                let href = link.value().attr("href").unwrap_or_default();
                if href.starts_with('/') && followed(href) && !href.starts_with("/bahasa/") {
                    queue.push_back(href.to_string());
                }
            }
        }
    }
    // What a proposal asks is worded by the page, in English too.
    let desa = login(&w.app, "desa.a").await;
    let inbox = axum::http::Request::get("/usulan?tahap=musdes")
        .header("cookie", format!("siks_sesi={}; bahasa=en", desa.cookie))
        .body(axum::body::Body::empty())
        .unwrap();
    let asked = send(&w.app, inbox).await.select(".diminta");
    assert!(
        asked.iter().any(|a| a.contains("Bedrooms: 2 → 9")),
        "{asked:?}"
    );
    let missing = siks_web::lang::misses();
    assert!(pages > 100, "the crawl reached {pages} pages only");
    assert!(
        missing.is_empty() && problems.is_empty(),
        "{} texts without English: {missing:#?}\nIndonesian on English pages ({} pages): {problems:#?}",
        missing.len(),
        problems.len()
    );
}

/// The switch: a link in every page's footer, kept in a cookie, back to the page it was on; a
/// way back elsewhere than this site is refused.
#[tokio::test]
async fn the_footer_switches_the_language_and_comes_back() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let page = send(&w.app, get("/rumah-tangga", Some(&desa))).await;
    let link = page
        .html()
        .select(&Selector::parse("#bahasa").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .unwrap();
    assert_eq!(link, "/bahasa/en?kembali=/rumah-tangga");
    let switched = send(&w.app, get(&link, Some(&desa))).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location.as_deref(), Some("/rumah-tangga"));
    assert!(
        switched.cookies.iter().any(|c| c.starts_with("bahasa=en;")),
        "{:?}",
        switched.cookies
    );
    let english = axum::http::Request::get("/rumah-tangga")
        .header("cookie", format!("siks_sesi={}; bahasa=en", desa.cookie))
        .body(axum::body::Body::empty())
        .unwrap();
    let english = send(&w.app, english).await;
    assert_eq!(english.select("nav a")[0], "Dashboard");
    assert_eq!(english.select("#bahasa"), ["Bahasa Indonesia"]);
    let signed_out = send(&w.app, get("/masuk", None)).await;
    assert_eq!(
        signed_out.select("#bahasa"),
        ["English"],
        "the sign-in page too"
    );
    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil",
        "/\t/evil.example",
        "/ /evil.example",
    ] {
        let answer = send(
            &w.app,
            get(
                &format!("/bahasa/en?kembali={}", encode(elsewhere)),
                Some(&desa),
            ),
        )
        .await;
        assert_eq!(answer.location.as_deref(), Some("/"), "{elsewhere}");
    }
    assert_eq!(
        send(&w.app, get("/bahasa/fr", Some(&desa))).await.status,
        StatusCode::NOT_FOUND
    );
    // A page answered to a post cannot be asked for again: its switch leads to the start page.
    let admin = login(&w.app, "admin").await;
    let posted = send(
        &w.app,
        post_form(
            "/pengguna",
            &format!("siks_sesi={}", admin.cookie),
            &format!(
                "csrf={}&nama_pengguna=Bukan%20Nama!&nama=X&peran=operator_desa&wilayah={VILLAGE_A}&sandi=x",
                encode(&admin.csrf)
            ),
        ),
    )
    .await;
    assert_eq!(
        posted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        posted.body
    );
    assert_eq!(posted.select("#bahasa"), ["English"]);
    let link = posted
        .html()
        .select(&Selector::parse("#bahasa").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .unwrap();
    assert_eq!(link, "/bahasa/en?kembali=/");
}
