//! The data subject's report (issue 19, checklist item 22): an admin hands a person their data
//! and its processing trail, the other members' specific data withheld, on the page and as an
//! XLSX; nobody else may.

use crate::support::*;

#[tokio::test]
async fn an_admin_hands_a_person_their_data_with_the_others_withheld() {
    let w = world().await;
    assert!(w.members.len() >= 2, "a household of several members");
    let (subject, other) = (&w.members[0], &w.members[1]);
    // Someone processes the record first: the trail must name them.
    let village = login(&w.app, "desa.a").await;
    let viewed = send(
        &w.app,
        get(&format!("/rumah-tangga/{}", w.household.id), Some(&village)),
    )
    .await;
    assert_eq!(viewed.status, StatusCode::OK);

    let admin = login(&w.app, "admin").await;
    let form = send(&w.app, get("/subjek", Some(&admin))).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.select("#form-subjek").len(), 1);
    let dashboard = send(&w.app, get("/", Some(&admin))).await;
    assert_eq!(
        dashboard.select("#nav-subjek").len(),
        1,
        "the admin's menu leads there"
    );

    let path = format!("/subjek?nik={}", subject.nik.raw());
    // The view reaches the audit log from the journal within a fold.
    let started = std::time::Instant::now();
    let page = loop {
        let page = send(&w.app, get(&path, Some(&admin))).await;
        let trail = page.select("#pemrosesan td").join(" ");
        if trail.contains("desa.a") || started.elapsed().as_secs() > 10 {
            break page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(page.status, StatusCode::OK);
    let own = page.select("#data-pribadi td").join(" | ");
    assert!(own.contains(&subject.nik.raw()), "{own}");
    assert!(own.contains(&subject.mother_name), "{own}");
    let others = page.select("#anggota-lain td").join(" | ");
    assert!(others.contains(&other.full_name), "{others}");
    let whole = page.select("#anggota-lain").join(" ");
    assert!(
        !whole.contains(&other.nik.raw()) && !whole.contains(&other.mother_name),
        "another member's specific data withheld: {whole}"
    );
    let trail = page.select("#pemrosesan td").join(" | ");
    assert!(trail.contains("desa.a"), "{trail}");
    assert!(trail.contains("lihat rumah tangga"), "{trail}");
    assert_eq!(page.select("#unduh-xlsx").len(), 1);
    assert_eq!(page.select("#ajukan-perbaikan").len(), 1);
    assert!(
        page.body
            .contains(&format!("href=\"/anggota/{}\"", subject.id)),
        "a correction is proposed from the member's page"
    );

    // The same report as an XLSX: a sheet per section, the others withheld there too.
    let file = send(
        &w.app,
        get(
            &format!("/subjek/unduh?nik={}", subject.nik.raw()),
            Some(&admin),
        ),
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    let text_of = |sheet: &str| -> String {
        let table = siks_sheets::read::read_table(
            &file.bytes,
            siks_sheets::Format::Xlsx,
            Some(sheet),
            &[],
            &[],
            siks_sheets::read::Limits::default(),
        )
        .unwrap();
        table
            .rows
            .iter()
            .flat_map(|(_, row)| row.to_vec())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let own = text_of("data-pribadi");
    assert!(own.contains(&subject.nik.raw()), "{own}");
    let others = text_of("anggota-lain");
    assert!(others.contains(&other.full_name) && !others.contains(&other.nik.raw()));
    assert!(text_of("pemrosesan").contains("desa.a"));

    // A malformed NIK and one nobody in scope holds are told apart, in Indonesian.
    let bad = send(&w.app, get("/subjek?nik=12345", Some(&admin))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.select("#pesan")[0].starts_with("NIK:"),
        "{:?}",
        bad.select("#pesan")
    );
    let unknown = send(&w.app, get("/subjek?nik=3523014107990099", Some(&admin))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.select("#pesan")[0].contains("Tidak ada orang"));
    // The data protection officer hands over the same report as a PDF, with the others by
    // name and relation only, and a line for each to sign; it manages no account.
    let dpo = login(&w.app, "dpo").await;
    let officer_page = send(&w.app, get(&path, Some(&dpo))).await;
    assert_eq!(officer_page.status, StatusCode::OK);
    assert_eq!(officer_page.select("#unduh-pdf").len(), 1);
    let pdf = send(
        &w.app,
        get(
            &format!("/subjek/pdf?nik={}", subject.nik.raw()),
            Some(&dpo),
        ),
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&pdf.bytes) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Pasal 32"), "{text}");
        assert!(text.contains(&subject.nik.raw()), "their own NIK whole");
        assert!(text.contains(&other.full_name), "{text}");
        assert!(!text.contains(&other.nik.raw()), "not another's NIK");
        assert!(text.contains("desa.a"), "the processing trail");
    }
    assert_eq!(
        send(&w.app, get("/pengguna", Some(&dpo))).await.status,
        StatusCode::FORBIDDEN
    );
    // Nobody but an admin and the data protection officer.
    for role in ["desa.a", "auditor", "pusat"] {
        let session = login(&w.app, role).await;
        let refused = send(&w.app, get(&path, Some(&session))).await;
        assert_ne!(refused.status, StatusCode::OK, "{role}");
        assert!(!refused.body.contains(&subject.mother_name), "{role}");
    }
}
