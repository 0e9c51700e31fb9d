//! Exports, uploads of corrections and new households, the upload job.

use crate::support::*;

/// The verivali page: a regency operator runs the checks, sees the findings by kind, and a
/// village operator dismisses one with a reason; a finding a removal does not settle is refused.
#[tokio::test]
async fn exports_stream_the_scope_as_csv_and_xlsx() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let page = send(
        &w.app,
        get(&format!("/rumah-tangga?wilayah={VILLAGE_A}"), Some(&desa)),
    )
    .await;
    assert_eq!(
        page.select("#unduh a").len(),
        3,
        "households as XLSX and CSV, and the members' download page"
    );
    let csv = send(
        &w.app,
        get(
            &format!("/ekspor/anggota.csv?wilayah={VILLAGE_A}&lengkap=1&tujuan=perbaikan"),
            Some(&desa),
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}Kode desa/kelurahan,Id,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), w.members.len() + 1);
    for m in &w.members {
        assert!(csv.body.contains(&m.nik.raw()), "every digit of every NIK");
    }
    let xlsx = send(&w.app, get("/ekspor/rumah-tangga.xlsx", Some(&desa))).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"), "an XLSX is a zip");
    // Outside the scope looks like nothing there; unknown lists and formats are not found.
    for path in [
        "/ekspor/anggota.csv?wilayah=35.24",
        "/ekspor/mobil.csv",
        "/ekspor/anggota.ods",
    ] {
        assert_eq!(
            send(&w.app, get(path, Some(&desa))).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        send(&w.app, get("/ekspor/anggota.csv", None)).await.status,
        StatusCode::SEE_OTHER
    );
    // The auditor reads the audit log and counts, not bulk personal data: no list downloads,
    // none offered, and the beneficiary list through the API neither.
    let auditor = login(&w.app, "auditor").await;
    for path in [
        "/ekspor/anggota.csv?wilayah=35",
        "/ekspor/rumah-tangga.xlsx",
        "/ekspor/temuan.csv",
        "/ekspor/usulan.xlsx",
        "/ekspor/penerima/PKH.csv?periode=2026-12",
        "/api/v1/programmes/PKH/beneficiaries?period=2026-12",
    ] {
        let refused = send(&w.app, get(path, Some(&auditor))).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.body
        );
    }
    for path in ["/rumah-tangga", "/temuan", "/usulan"] {
        let page = send(&w.app, get(path, Some(&auditor))).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.select("#unduh").is_empty(),
            "{path} offers no download"
        );
    }
    // Upload templates, linked from the household list.
    assert_eq!(page.select("#templat a").len(), 4);
    let template = send(&w.app, get("/templat/rumah-tangga-baru.xlsx", Some(&desa))).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.body.starts_with("PK"));
    let header = send(&w.app, get("/templat/penghapusan.csv", Some(&desa))).await;
    assert_eq!(
        header.body,
        "\u{feff}Id rumah tangga,Id anggota,Alasan,Keterangan\n"
    );
    assert_eq!(
        send(&w.app, get("/templat/mobil.xlsx", Some(&desa)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // An export of people is audited once, with its size (and its whole numbers' purpose).
    let admin = w.service.system_actor().await.unwrap();
    let audit = w.service.audit_entries(&admin, None, 50).await.unwrap();
    let exported = audit.iter().find(|e| e.action == "export.persons").unwrap();
    assert_eq!(
        exported.detail,
        format!("rows={} numbers=full purpose=perbaikan", w.members.len())
    );
}

#[tokio::test]
async fn an_uploaded_sheet_becomes_correction_drafts_or_a_report_by_cell() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let dinsos = login(&w.app, "dinsos").await;
    assert_eq!(
        send(&w.app, get("/unggah", Some(&dinsos))).await.status,
        StatusCode::FORBIDDEN
    );
    let form = send(&w.app, get("/unggah", Some(&desa))).await;
    assert_eq!(form.select("#unggah input[type=file]").len(), 1);
    let exported = send(
        &w.app,
        get(
            &format!("/ekspor/anggota.csv?wilayah={VILLAGE_A}&lengkap=1&tujuan=perbaikan"),
            Some(&desa),
        ),
    )
    .await;
    let upload = |session: &Session, file: &str, partial: bool| {
        let mut fields: Vec<(&str, &[u8])> = vec![
            ("csrf", session.csrf.as_bytes()),
            ("berkas", file.as_bytes()),
        ];
        if partial {
            fields.push(("sebagian", b"1"));
        }
        let (content_type, body) = multipart(&fields);
        upload_request(session, content_type, body)
    };
    // One name changed, one sex made impossible.
    let mut lines: Vec<String> = exported.body.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (name_at, sex_at) = (
        header.iter().position(|h| *h == "Nama lengkap").unwrap(),
        header.iter().position(|h| *h == "Jenis kelamin").unwrap(),
    );
    let mut first: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    first[name_at] = "Nama Baru Sekali".into();
    lines[1] = first.join(",");
    let mut second: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    second[sex_at] = "9".into();
    lines[2] = second.join(",");
    let edited = lines.join("\n") + "\n";
    let refused = finished_upload(&w.app, &desa, upload(&desa, &edited, false)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let cells = refused.select("#masalah tr.masalah td");
    assert_eq!(&cells[1..4], ["3", "Jenis kelamin", "9"], "{cells:?}");
    assert!(refused.select("#ditolak")[0].contains("Tidak ada yang disimpan"));
    let partial = finished_upload(&w.app, &desa, upload(&desa, &edited, true)).await;
    assert_eq!(partial.status, StatusCode::OK, "{}", partial.body);
    assert!(
        partial.select("#hasil")[0].starts_with("1 usulan perbaikan dibuat"),
        "{:?}",
        partial.select("#hasil")
    );
    // The draft shows the change field by field.
    let inbox = send(&w.app, get("/usulan?tahap=draft", Some(&desa))).await;
    let link = inbox
        .html()
        .select(&Selector::parse("a[href^='/usulan/']").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .find(|h| h.len() > "/usulan/".len() + 30)
        .map(str::to_string)
        .expect("a draft in the inbox");
    let proposal = send(&w.app, get(&link, Some(&desa))).await;
    assert!(
        proposal.body.contains("Nama Baru Sekali"),
        "the diff shows the new name"
    );
    let listed = send(&w.app, get("/ekspor/usulan.csv", Some(&desa))).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        listed.body.contains("Draf desa/kelurahan"),
        "{}",
        listed.body
    );
    assert_eq!(inbox.select("#unduh a").len(), 2);
    // A shifted header refuses the file.
    let shifted = edited.replacen("Nama lengkap", "Nama", 1);
    let refused = finished_upload(&w.app, &desa, upload(&desa, &shifted, true)).await;
    assert!(
        refused.select("#ditolak")[0].contains("kolom tidak dikenal"),
        "{:?}",
        refused.select("#ditolak")
    );
}

#[tokio::test]
async fn new_households_come_in_as_an_xlsx_through_the_page_with_a_report_to_download() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let mut households = unregistered_households(3);
    let mut third = households.pop().unwrap();
    let upload = |session: &Session, file: &[u8], partial: bool| {
        let mut fields: Vec<(&str, &[u8])> = vec![
            ("csrf", session.csrf.as_bytes()),
            ("jenis", b"rumah-tangga-baru"),
            ("berkas.xlsx", file),
        ];
        if partial {
            fields.push(("sebagian", b"1"));
        }
        let (content_type, body) = multipart(&fields);
        upload_request(session, content_type, body)
    };
    // A third household whose only member's sex disagrees with the NIK, and a member pointing
    // at a household the file does not have.
    let mut with_bad = households.clone();
    third.1.truncate(1);
    third.1[0].sex = match third.1[0].sex {
        siks_domain::codes::Sex::Male => siks_domain::codes::Sex::Female,
        _ => siks_domain::codes::Sex::Male,
    };
    with_bad.push(third);
    let good_rows: usize = households.iter().map(|(_, m)| m.len()).sum();
    let file = new_households_xlsx(&with_bad, &[("9", "3523014107900001", "2")]);
    let refused = finished_upload(&w.app, &desa, upload(&desa, &file, false)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.select("#ditolak")[0].contains("Tidak ada yang disimpan"));
    let problems: Vec<Vec<String>> = refused
        .html()
        .select(&Selector::parse("#masalah tr.masalah").unwrap())
        .map(|tr| {
            tr.text()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    let last_member_row = (good_rows + with_bad[2].1.len() + 2).to_string();
    assert!(
        problems
            .iter()
            .any(|p| p[0] == "Anggota" && p[1] == last_member_row && p[2] == "No. ruta"),
        "the stray member is reported at its row: {problems:?}"
    );
    // The report to download: the uploaded sheets, each row with its problems.
    let report_link = refused
        .html()
        .select(&Selector::parse("#laporan").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a link to the error report");
    let report = send(&w.app, get(&report_link, Some(&desa))).await;
    assert_eq!(report.status, StatusCode::OK);
    let members = siks_sheets::read::read_table(
        &report.bytes,
        siks_sheets::Format::Xlsx,
        Some("Anggota"),
        &[],
        &[],
        siks_sheets::read::Limits::default(),
    )
    .unwrap();
    let masalah = members.header.iter().position(|h| h == "Masalah").unwrap();
    let stray = members.rows.last().unwrap();
    assert_eq!(
        stray.1[0], last_member_row,
        "the original row number comes first"
    );
    assert!(stray.1[masalah].contains("No. ruta"), "{:?}", stray.1);
    // Every row as it was uploaded, every cell: the cells went to the check and came back.
    let uploaded = siks_sheets::read::read_table(
        &file,
        siks_sheets::Format::Xlsx,
        Some("Anggota"),
        &[],
        &[],
        siks_sheets::read::Limits::default(),
    )
    .unwrap();
    assert_eq!(members.rows.len(), uploaded.rows.len());
    for (reported, sent) in members.rows.iter().zip(&uploaded.rows) {
        assert_eq!(
            reported.1.to_vec()[1..=sent.1.len()],
            sent.1.to_vec()[..],
            "row {}",
            sent.0
        );
    }
    // Someone else's upload job is not there for another operator.
    let desa_b = login(&w.app, "desa.b").await;
    assert_eq!(
        send(&w.app, get(&report_link, Some(&desa_b))).await.status,
        StatusCode::NOT_FOUND
    );
    // The valid households only: two drafts; the same file again creates nothing twice.
    let partial = finished_upload(&w.app, &desa, upload(&desa, &file, true)).await;
    assert_eq!(partial.status, StatusCode::OK, "{}", partial.body);
    assert!(
        partial.select("#hasil")[0].starts_with("2 usulan rumah tangga baru dibuat"),
        "{:?}",
        partial.select("#hasil")
    );
    let again = finished_upload(&w.app, &desa, upload(&desa, &file, true)).await;
    assert!(
        again.select("#hasil")[0].starts_with("0 usulan rumah tangga baru dibuat (draf), 0 sudah terdaftar di register, 2 sudah diusulkan"),
        "{:?}",
        again.select("#hasil")
    );
    let inbox = send(&w.app, get("/usulan?tahap=draft", Some(&desa))).await;
    assert!(
        inbox.body.contains("Rumah tangga baru"),
        "the drafts are in the inbox"
    );
    // The form page lists the operator's uploads.
    let form = send(&w.app, get("/unggah", Some(&desa))).await;
    assert_eq!(
        form.select("#unggahan tr").len(),
        4,
        "a header and three uploads"
    );
    // A CSV cannot hold two sheets.
    let (content_type, body) = multipart(&[
        ("csrf", desa.csrf.as_bytes()),
        ("jenis", b"rumah-tangga-baru"),
        ("berkas", b"No. ruta\n1\n"),
    ]);
    let csv = finished_upload(&w.app, &desa, upload_request(&desa, content_type, body)).await;
    assert!(
        csv.select("#ditolak")[0].contains("unggah sebagai .xlsx"),
        "{:?}",
        csv.select("#ditolak")
    );
}

#[tokio::test]
async fn a_long_upload_shows_its_progress_and_can_be_cancelled() {
    let w = world().await;
    // Posts return at once, so the job's page shows it running.
    let app = w.app.with_router(siks_web::router(
        w.service.clone(),
        AppConfig {
            upload_wait: Some(std::time::Duration::ZERO),
            ..AppConfig::default()
        },
    ));
    let desa = login(&app, "desa.a").await;
    let mut file = String::from("Id temuan,Hasil,Alasan\n");
    for _ in 0..20_000 {
        file.push_str(&format!("{},1,\n", uuid::Uuid::now_v7()));
    }
    let (content_type, body) = multipart(&[
        ("csrf", desa.csrf.as_bytes()),
        ("jenis", b"hasil-verivali"),
        ("berkas", file.as_bytes()),
    ]);
    let posted = send(&app, upload_request(&desa, content_type, body)).await;
    let job = posted.location.expect("the job's page");
    let running = send(&app, get(&job, Some(&desa))).await;
    assert_eq!(running.select("#kemajuan").len(), 1, "{}", running.body);
    assert!(
        running.body.contains("http-equiv=\"refresh\""),
        "the page reloads itself"
    );
    let cancelled = send(
        &app,
        post_form(
            &format!("{job}/batal"),
            &format!("siks_sesi={}", desa.cookie),
            &format!("csrf={}", desa.csrf),
        ),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let mut page = send(&app, get(&job, Some(&desa))).await;
    for _ in 0..600 {
        if page.select("#kemajuan").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = send(&app, get(&job, Some(&desa))).await;
    }
    assert!(
        page.select("#ditolak")[0].starts_with("Dibatalkan: tidak ada yang disimpan"),
        "{:?}",
        page.select("#ditolak")
    );
}
