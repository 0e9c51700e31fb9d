//! Every kind of bad input gets a clear message and writes nothing it should not.

use crate::support::*;

#[tokio::test]
async fn every_kind_of_bad_input_gets_a_clear_message_and_writes_nothing_it_should_not() {
    let w = world().await;
    let desa = login(&w.app, "desa.a").await;
    let post = |name: &'static str, file: Vec<u8>| {
        let (content_type, mut body) =
            multipart(&[("csrf", desa.csrf.as_bytes()), ("jenis", b"perbaikan")]);
        // The file goes last, under its own name.
        body.truncate(body.len() - "--siks-uji-batas--\r\n".len());
        body.extend_from_slice(
            format!("--siks-uji-batas\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&file);
        body.extend_from_slice(b"\r\n--siks-uji-batas--\r\n");
        upload_request(&desa, content_type, body)
    };
    let book = |sheet: &str, fill: &dyn Fn(&mut rust_xlsxwriter::Worksheet)| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (c, h) in ["Id", "NIK", "Nama lengkap", "Tanggal lahir"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        fill(ws);
        book.save_to_buffer().unwrap()
    };
    let member = &w.members[0];
    let id = member.id.to_string();
    let nik = member.nik.raw();
    let refusal = |page: &Reply| page.select("#ditolak").first().cloned().unwrap_or_default();

    // The wrong sheet, and shifted columns.
    let wrong = book("Lembar1", &|_| {});
    let page = finished_upload(&w.app, &desa, post("salah-lembar.xlsx", wrong)).await;
    assert!(
        refusal(&page).contains("lembar 'Anggota' tidak ada"),
        "{}",
        refusal(&page)
    );
    let shifted = format!("Id,Nama,NIK\n{id},x,{nik}\n").into_bytes();
    let page = finished_upload(&w.app, &desa, post("bergeser.csv", shifted)).await;
    assert!(
        refusal(&page).contains("kolom tidak dikenal"),
        "{}",
        refusal(&page)
    );

    // A NIK as a number, merged cells, an empty row in the middle, a date as a serial number:
    // refused cell by cell, with the report marking them.
    let cells = book("Anggota", &|ws| {
        ws.write_string(1, 0, &id).unwrap();
        ws.write_number(1, 1, 3523011203850001.0).unwrap();
        ws.write_string(1, 2, "Nama").unwrap();
        ws.write_number(1, 3, 31_000.0).unwrap();
        ws.write_string(2, 0, &id).unwrap();
        ws.merge_range(2, 1, 2, 2, "gabung", &rust_xlsxwriter::Format::new())
            .unwrap();
        ws.write_string(4, 0, &id).unwrap();
        ws.write_string(4, 1, &nik).unwrap();
    });
    let page = finished_upload(&w.app, &desa, post("sel.xlsx", cells)).await;
    assert!(
        refusal(&page).contains("masalah pada sel"),
        "{}",
        refusal(&page)
    );
    let problems = page.select("#masalah tr.masalah");
    assert!(
        problems.iter().any(|p| p.contains("Teks")),
        "the NIK as a number: {problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("gabung")),
        "the merged cells: {problems:?}"
    );
    let link = page
        .html()
        .select(&Selector::parse("#laporan").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("the error report");
    let report = send(&w.app, get(&link, Some(&desa))).await;
    let table = siks_sheets::read::read_table(
        &report.bytes,
        siks_sheets::Format::Xlsx,
        Some("Anggota"),
        &[],
        &[],
        siks_sheets::read::Limits::default(),
    )
    .unwrap();
    let masalah = table.header.iter().position(|h| h == "Masalah").unwrap();
    let marked: Vec<&str> = table
        .rows
        .iter()
        .filter(|(_, cells)| !cells[masalah].is_empty())
        .map(|(_, cells)| &cells[0])
        .collect();
    assert_eq!(marked, ["2", "3"], "rows 2 and 3 carry their problems");
    // A date as text the register cannot read: a problem of its cell, found by the checks.
    let text_date = book("Anggota", &|ws| {
        ws.write_string(1, 0, &id).unwrap();
        ws.write_string(1, 1, &nik).unwrap();
        ws.write_string(1, 3, "31/12/1985").unwrap();
    });
    let page = finished_upload(&w.app, &desa, post("tanggal.xlsx", text_date)).await;
    let problems = page.select("#masalah tr.masalah td");
    assert_eq!(
        &problems[1..4],
        ["2", "Tanggal lahir", "31/12/1985"],
        "{problems:?}"
    );

    // Too big, and a zip bomb: refused before reading.
    let big = vec![b'a'; 31 * 1024 * 1024];
    let page = finished_upload(&w.app, &desa, post("besar.csv", big)).await;
    assert!(
        refusal(&page).contains("melebihi batas"),
        "{}",
        refusal(&page)
    );
    let bomb = {
        use std::io::Write;
        let mut one = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut one);
        zip.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&vec![0u8; 8 << 20]).unwrap();
        zip.finish().unwrap();
        let mut source = zip::ZipArchive::new(std::io::Cursor::new(one.into_inner())).unwrap();
        let mut many = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut many);
        for i in 0..51 {
            let part = source.by_index_raw(0).unwrap();
            zip.raw_copy_file_rename(part, format!("xl/worksheets/sheet{i}.xml"))
                .unwrap();
        }
        zip.finish().unwrap();
        many.into_inner()
    };
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let page = finished_upload(&w.app, &desa, post("bom.xlsx", bomb)).await;
    assert!(
        refusal(&page).contains("ditolak tanpa dibuka"),
        "{}",
        refusal(&page)
    );

    // Windows-1252: read, with a warning; the name changed becomes one draft.
    let mut latin = format!("Id,NIK,Nama lengkap\n{id},{nik},Jos").into_bytes();
    latin.extend_from_slice(b"\xe9 Baru\n");
    let page = finished_upload(&w.app, &desa, post("latin.csv", latin)).await;
    assert!(
        page.select("#peringatan")[0].contains("Windows-1252"),
        "{}",
        page.body
    );
    assert!(
        page.select("#hasil")[0].starts_with("1 usulan perbaikan"),
        "{:?}",
        page.select("#hasil")
    );
    let drafts = w
        .service
        .list_proposals(
            &w.service
                .actor_for_username("desa.a")
                .await
                .unwrap()
                .unwrap(),
            None,
            100,
        )
        .await
        .unwrap();
    assert_eq!(drafts.len(), 1, "only the readable file wrote anything");

    // Many bad rows: the page lists the first thousand and points to the report for the rest.
    let mut many = String::from("Id temuan,Hasil,Alasan\n");
    for _ in 0..1_005 {
        many.push_str(&format!("{},1,\n", uuid::Uuid::now_v7()));
    }
    let (content_type, body) = multipart(&[
        ("csrf", desa.csrf.as_bytes()),
        ("jenis", b"hasil-verivali"),
        ("berkas", many.as_bytes()),
    ]);
    let page = finished_upload(&w.app, &desa, upload_request(&desa, content_type, body)).await;
    assert_eq!(page.select("#masalah tr.masalah").len(), 1_000);
    assert!(
        page.select("#lainnya")[0].starts_with("5 masalah lainnya"),
        "{:?}",
        page.select("#lainnya")
    );
    assert_eq!(page.select("#laporan").len(), 1);
}
