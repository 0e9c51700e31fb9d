//! The `siks` command end to end: the README's main command on a small population, and the
//! messages and exit codes of bad input.

use std::process::Command;

fn siks(args: &[&str]) -> (bool, String, String) {
    siks_in("C.UTF-8", args)
}

/// `siks` run under the locale `lang` (`siks match` speaks the user's language).
fn siks_in(lang: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_siks"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_generates_imports_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let d = demo.to_str().unwrap();
    let (ok, out, err) = siks(&["demo", "--dir", d, "--households", "300", "--no-serve"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("300 rumah tangga"), "{out}");
    assert!(out.contains("Kabupaten Tuban"), "{out}");
    assert!(out.contains("12 usulan contoh"), "{out}");
    assert!(
        out.contains("300 rumah tangga diperingkat"),
        "the demo is ranked: {out}"
    );
    assert!(out.contains("kecamatan"), "{out}");
    for role in [
        "operator_desa",
        "operator_kabupaten",
        "pengesah",
        "pusat",
        "auditor",
        "pejabat_pdp",
        "admin",
    ] {
        assert!(out.contains(role), "no demo account for {role}: {out}");
    }
    // Running it again keeps the database and shows the same accounts.
    let (ok, again, _) = siks(&["demo", "--dir", d, "--households", "300", "--no-serve"]);
    assert!(ok);
    assert!(!again.contains("300 rumah tangga"), "{again}");
    let account = |text: &str| {
        text.lines()
            .find(|l| l.contains("operator_desa"))
            .map(str::to_string)
    };
    assert_eq!(account(&again), account(&out));
    // The database (and its WAL) and the passwords are for their owner only.
    #[cfg(unix)]
    for file in ["siks.db", "siks.db-wal", "akun-demo.txt"] {
        use std::os::unix::fs::PermissionsExt;
        let path = demo.join(file);
        if file.ends_with("-wal") && !path.exists() {
            continue;
        }
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} is {mode:o}");
    }
    let db = format!("sqlite://{}", demo.join("siks.db").display());
    let (ok, listed, _) = siks(&["user", "list", "--db", &db]);
    assert!(
        ok && listed.contains("desa") && listed.contains("aktif"),
        "{listed}"
    );
    let (ok, _, _) = siks(&["user", "disable", "--db", &db, "--username", "desa"]);
    assert!(ok);
    let (_, listed, _) = siks(&["user", "list", "--db", &db]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("desa ") && l.ends_with("nonaktif")),
        "{listed}"
    );
    let (ok, added, _) = siks(&[
        "user",
        "add",
        "--db",
        &db,
        "--username",
        "op.baru",
        "--role",
        "operator_desa",
        "--scope",
        "35.23.01.2002",
    ]);
    assert!(ok && added.contains("kata sandi awal"), "{added}");
    let (ok, _, err) = siks(&[
        "user",
        "add",
        "--db",
        &db,
        "--username",
        "op.salah",
        "--role",
        "operator_desa",
        "--scope",
        "35.23",
    ]);
    assert!(!ok && err.contains("wilayah kerja"), "{err}");
    let (ok, closed, _) = siks(&["period", "close", "--db", &db, "2026-11"]);
    assert!(ok && closed.contains("0 usulan ditetapkan"), "{closed}");
    assert!(closed.contains("pemeriksaan sebelum penetapan"), "{closed}");
    let (ok, again, _) = siks(&["period", "close", "--db", &db, "2026-11"]);
    assert!(ok && again.contains("sudah ditutup"), "{again}");
    let (ok, _, err) = siks(&["period", "close", "--db", &db, "2026-13"]);
    assert!(!ok && err.contains("TTTT-BB"), "{err}");
    // A skipped month is refused before the nation-wide check run.
    let (ok, skipped, err) = siks(&["period", "close", "--db", &db, "2027-02"]);
    assert!(
        !ok && err.contains("2026-12 harus ditutup lebih dulu"),
        "{err}"
    );
    assert!(!skipped.contains("pemeriksaan"), "{skipped}");
    let (ok, counted, _) = siks(&["period", "verify", "--db", &db, "2026-11"]);
    assert!(ok && counted.contains("sama:"), "{counted}");
    let (ok, _, err) = siks(&["period", "verify", "--db", &db, "2026-12"]);
    assert!(!ok && err.contains("belum ditutup"), "{err}");
    let (ok, verified, _) = siks(&["audit", "verify", "--db", &db]);
    assert!(ok && verified.contains("utuh"), "{verified}");
    // The chain's key was made beside the database at init, its owner's only; an anchor signed
    // with it is checked, and an anchor altered by hand is called forged.
    let key = demo.join("siks.db.audit-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(verified.contains("berkunci setelah entri 0"), "{verified}");
    let anchor = dir.path().join("jangkar.txt");
    let a = anchor.to_str().unwrap();
    let (ok, written, err) = siks(&["audit", "anchor", "--db", &db, "--out", a]);
    assert!(ok && written.contains("jangkar ditulis"), "{written}{err}");
    let (ok, printed, _) = siks(&["audit", "anchor", "--db", &db]);
    assert!(
        ok && printed.starts_with("siks audit anchor v1\nentries: "),
        "{printed}"
    );
    let (ok, checked, err) = siks(&["audit", "verify", "--db", &db, "--anchor", a]);
    assert!(ok && checked.contains("sesuai jangkar"), "{checked}{err}");
    let text = std::fs::read_to_string(&anchor).unwrap();
    let entries: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("entries: "))
        .unwrap()
        .parse()
        .unwrap();
    std::fs::write(
        &anchor,
        text.replace(
            &format!("entries: {entries}"),
            &format!("entries: {}", entries - 5),
        ),
    )
    .unwrap();
    let (ok, _, err) = siks(&["audit", "verify", "--db", &db, "--anchor", a]);
    assert!(!ok && err.contains("PALSU"), "{err}");
    // The audit log's retention: nothing in a new register is a year old (the store's story
    // archives and checks a chain: retention.rs).
    let archives = dir.path().join("arsip-audit");
    let ar = archives.to_str().unwrap();
    let (ok, counted, err) = siks(&[
        "audit",
        "archive",
        "--db",
        &db,
        "--older-than-years",
        "1",
        "--dir",
        ar,
        "--dry-run",
    ]);
    assert!(
        ok && counted.contains("akan diarsipkan: 0 entri"),
        "{counted}{err}"
    );
    let (ok, none, err) = siks(&[
        "audit",
        "archive",
        "--db",
        &db,
        "--older-than-years",
        "1",
        "--dir",
        ar,
    ]);
    assert!(
        ok && none.contains("tidak ada entri log audit"),
        "{none}{err}"
    );
    assert_eq!(std::fs::read_dir(&archives).unwrap().count(), 0);
    let (ok, _, err) = siks(&[
        "audit",
        "archive",
        "--db",
        &db,
        "--older-than-years",
        "0",
        "--dir",
        ar,
    ]);
    assert!(!ok && err.contains("sedikitnya 1"), "{err}");

    // Welfare ranking with the default model, and a model that names an unknown indicator.
    let (ok, ranked, err) = siks(&["rank", "--db", &db]);
    assert!(ok, "{ranked}{err}");
    assert!(ranked.contains("300 rumah tangga diperingkat"), "{ranked}");
    assert!(ranked.contains("desil 10:"), "{ranked}");
    let bad_model = dir.path().join("model.toml");
    std::fs::write(
        &bad_model,
        "name = \"x\"\nintercept = 13.0\n[coefficients]\nyacht = 1.0\n",
    )
    .unwrap();
    let (ok, _, err) = siks(&["rank", "--db", &db, "--model", bad_model.to_str().unwrap()]);
    assert!(
        !ok && err.contains("baris 4") && err.contains("yacht"),
        "{err}"
    );

    // Programmes: the lists of an open period, one written out; bad quotas and definitions.
    let (ok, built, err) = siks(&["programme", "build", "--db", &db, "--period", "2026-12"]);
    assert!(ok, "{built}{err}");
    for code in [
        "PKH", "SEMBAKO", "PBI-JK", "BST", "KUBE", "PKSA", "KAT", "ATENSI",
    ] {
        assert!(built.contains(code), "{built}");
    }
    let pkh = dir.path().join("pkh.csv");
    let (ok, out, err) = siks(&[
        "programme",
        "export",
        "--db",
        &db,
        "--code",
        "pkh",
        "--period",
        "2026-12",
        "--out",
        pkh.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let sheet = std::fs::read_to_string(&pkh).unwrap();
    assert!(sheet.contains("Nilai setahun"), "{sheet}");
    assert!(
        sheet.lines().count() > 1,
        "PKH has recipients in the demo: {sheet}"
    );
    let (ok, _, err) = siks(&[
        "programme",
        "export",
        "--db",
        &db,
        "--code",
        "blt",
        "--period",
        "2026-12",
        "--out",
        pkh.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("tidak dikenal"), "{err}");
    let (ok, _, err) = siks(&[
        "programme",
        "quota",
        "--db",
        &db,
        "--code",
        "SEMBAKO",
        "--regency",
        "35.23",
        "--quota",
        "-1",
    ]);
    assert!(!ok && err.contains("di luar batas"), "{err}");
    let (ok, _, err) = siks(&[
        "programme",
        "save",
        "--db",
        &db,
        "--note",
        "uji salah",
        bad_model.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("definisi program baris"), "{err}");
    let (ok, _, err) = siks(&["programme", "build", "--db", &db, "--period", "2026-11"]);
    assert!(!ok && err.contains("sudah ditutup"), "{err}");

    // Verivali on the demo: the generator's injected defects are found.
    let (ok, checked, err) = siks(&["check", "--db", &db, "--region", "35.23"]);
    assert!(ok, "{checked}{err}");
    assert!(checked.contains("300 rumah tangga"), "{checked}");
    assert!(checked.contains("NIK ganda"), "{checked}");
    assert!(checked.contains("NIK tidak valid"), "{checked}");
    let (ok, again, _) = siks(&["check", "--db", &db]);
    assert!(
        ok && again.contains(": 0 temuan baru, 0 sudah diperbaiki"),
        "{again}"
    );

    // Outside lists: a refused file names the line and changes nothing; the generator's lists
    // are imported and matched; the quality count follows.
    let data = demo.join("data");
    let bad = dir.path().join("kematian.csv");
    std::fs::write(&bad, "nik,full_name,birth_date\n,Budi,1950-02-30\n").unwrap();
    let (ok, _, err) = siks(&[
        "list",
        "import",
        "--db",
        &db,
        "--kind",
        "kematian",
        "--source",
        "Dukcapil",
        bad.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("baris 2: kolom birth_date"), "{err}");
    let (ok, _, err) = siks(&[
        "list",
        "import",
        "--db",
        &db,
        "--kind",
        "mobil",
        "--source",
        "Samsat",
        bad.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("dukcapil, kematian, asn atau pengecualian"),
        "{err}"
    );
    for (kind, source, file) in [
        ("kematian", "Dukcapil", "death_register.csv"),
        ("asn", "BKN", "civil_servants.csv"),
        ("dukcapil", "Dukcapil", "civil_registry.csv"),
    ] {
        let (ok, out, err) = siks(&[
            "list",
            "import",
            "--db",
            &db,
            "--kind",
            kind,
            "--source",
            source,
            data.join(file).to_str().unwrap(),
        ]);
        assert!(ok, "{out}{err}");
        assert!(out.contains("diimpor"), "{out}");
    }
    let (ok, out, _) = siks(&["check", "--db", &db]);
    assert!(ok && out.contains("padan Dukcapil:"), "{out}");
    assert!(
        out.contains("Sudah meninggal") && out.contains("ASN/TNI/Polri"),
        "{out}"
    );
    let (ok, shown, _) = siks(&["list", "show", "--db", &db]);
    assert_eq!(shown.matches("berlaku").count(), 3, "{shown}");
    assert!(ok);
    let (ok, quality, err) = siks(&["stats", "--db", &db, "--region", "35.23", "--quality"]);
    assert!(ok, "{err}");
    assert!(
        quality.contains("tidak sah") && quality.contains("per kecamatan"),
        "{quality}"
    );
    assert!(quality.contains("Tidak padan Dukcapil"), "{quality}");

    // Exports of a region, to XLSX and CSV; a wrong extension is refused.
    let xlsx = dir.path().join("anggota.xlsx");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "anggota",
        "--region",
        "35.23",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(ok && out.contains("baris anggota ditulis"), "{out}{err}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let findings_csv = dir.path().join("temuan.csv");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "temuan",
        "--out",
        findings_csv.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&findings_csv).unwrap();
    assert!(
        text.starts_with("\u{feff}Id,Kode jenis temuan,Jenis temuan"),
        "{text}"
    );
    // The round trip: export a village's members, change one name, upload as corrections.
    let village_csv = dir.path().join("desa.csv");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "anggota",
        "--region",
        "35.23",
        "--out",
        village_csv.to_str().unwrap(),
        // Whole numbers: the file comes back as corrections (issue 19: masked otherwise).
        "--full-numbers",
        "perbaikan",
    ]);
    assert!(ok, "{out}{err}");
    let exported = std::fs::read_to_string(&village_csv).unwrap();
    let mut lines: Vec<String> = exported.lines().map(str::to_string).collect();
    let name_at = lines[0]
        .split(',')
        .position(|h| h == "Nama lengkap")
        .unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[name_at] = format!("{} Perbaikan", cells[name_at]);
    lines[1] = cells.join(",");
    let edited = dir.path().join("desa-edit.csv");
    std::fs::write(&edited, lines.join("\n") + "\n").unwrap();
    let (ok, out, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        edited.to_str().unwrap(),
    ]);
    assert!(
        ok && out.starts_with("1 usulan perbaikan dibuat"),
        "{out}{err}"
    );
    // A draft proposal: the register's members are exported exactly as before (ADR 0016).
    let again_csv = dir.path().join("desa-lagi.csv");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "anggota",
        "--region",
        "35.23",
        "--out",
        again_csv.to_str().unwrap(),
        // Whole numbers: the file comes back as corrections (issue 19: masked otherwise).
        "--full-numbers",
        "perbaikan",
    ]);
    assert!(ok, "{out}{err}");
    assert!(
        std::fs::read_to_string(&again_csv).unwrap() == exported,
        "the upload changed the register before a close"
    );
    let (ok, out, _) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        edited.to_str().unwrap(),
    ]);
    assert!(
        ok && out.contains("0 usulan perbaikan dibuat") && out.contains("1 sudah diusulkan"),
        "{out}"
    );
    let shifted = dir.path().join("geser.csv");
    std::fs::write(&shifted, exported.replacen("Nama lengkap", "Nama", 1)).unwrap();
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        shifted.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("kolom tidak dikenal di baris judul: Nama"),
        "{err}"
    );
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        xlsx.to_str().unwrap(),
    ]);
    assert!(ok, "an unchanged export uploads as nothing: {err}");

    // A sheet with the bad input spreadsheets bring: a NIK Excel turned into a number, merged
    // cells, an empty row between data rows, a date as an Excel serial number. It is refused,
    // and the error report marks the cells.
    let bad_xlsx = dir.path().join("buruk.xlsx");
    {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let s = book.add_worksheet();
        s.set_name("Anggota").unwrap();
        for (c, h) in ["Id", "NIK", "Nama lengkap", "Tanggal lahir"]
            .iter()
            .enumerate()
        {
            s.write_string(0, c as u16, *h).unwrap();
        }
        s.write_string(1, 0, "019b76da-0000-7000-8000-000000000001")
            .unwrap();
        s.write_number(1, 1, 3523011203850001.0).unwrap();
        s.write_string(1, 2, "Budi").unwrap();
        s.write_number(1, 3, 31118.0).unwrap();
        s.merge_range(3, 0, 3, 2, "Siti", &Format::new()).unwrap();
        book.save(&bad_xlsx).unwrap();
    }
    let report = dir.path().join("laporan.xlsx");
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        "--report",
        report.to_str().unwrap(),
        bad_xlsx.to_str().unwrap(),
    ]);
    assert!(!ok, "{err}");
    assert!(err.contains("Anggota baris 2 kolom NIK"), "{err}");
    assert!(err.contains("format kolom sebagai Teks"), "{err}");
    assert!(
        err.contains("baris 4 kolom A") && err.contains("digabung"),
        "{err}"
    );
    assert!(err.contains("tidak ada yang disimpan"), "{err}");
    assert!(
        std::fs::read(&report).unwrap().starts_with(b"PK"),
        "the report is written"
    );
    // A bad code is found against the register's rules, and reported the same way.
    let bad_code = dir.path().join("kode.csv");
    let mut lines: Vec<String> = exported.lines().map(str::to_string).collect();
    let sex_at = lines[0]
        .split(',')
        .position(|h| h == "Jenis kelamin")
        .unwrap();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[sex_at] = "7".into();
    lines[2] = cells.join(",");
    std::fs::write(&bad_code, lines.join("\n") + "\n").unwrap();
    let code_report = dir.path().join("laporan-kode.xlsx");
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan",
        "--report",
        code_report.to_str().unwrap(),
        bad_code.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("baris 3 kolom Jenis kelamin '7'"),
        "{err}"
    );
    assert!(code_report.exists());

    // Households too: an export of households, one floor area changed.
    let households_csv = dir.path().join("ruta.csv");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "rumah-tangga",
        "--region",
        "35.23",
        "--out",
        households_csv.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    // Parsed and written with a CSV library: addresses may hold commas.
    let mut rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&households_csv)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect();
    let area_at = rows[0]
        .iter()
        .position(|h| siks_domain::interchange::column_for_label(h) == Some("floor_area_m2"))
        .unwrap();
    let mut first: Vec<String> = rows[1].iter().map(str::to_string).collect();
    first[area_at] = "77".into();
    rows[1] = csv::StringRecord::from(first);
    let mut out = csv::Writer::from_path(&households_csv).unwrap();
    for r in &rows {
        out.write_record(r).unwrap();
    }
    out.flush().unwrap();
    let (ok, out, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "perbaikan-ruta",
        households_csv.to_str().unwrap(),
    ]);
    assert!(
        ok && out.starts_with("1 usulan perbaikan dibuat"),
        "{out}{err}"
    );

    // Removals and verivali results come back through their templates' columns.
    let removals = dir.path().join("hapus.csv");
    std::fs::write(
        &removals,
        "Id rumah tangga,Id anggota,Alasan,Keterangan\n019b76da-0000-7000-8000-000000000009,,1 - Meninggal,meninggal dunia\n",
    )
    .unwrap();
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "penghapusan",
        removals.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("baris 2 kolom Id rumah tangga") && err.contains("tidak ditemukan"),
        "{err}"
    );
    let results = dir.path().join("hasil.csv");
    std::fs::write(&results, "Id temuan,Hasil\nbukan-id,1\n").unwrap();
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "hasil-verivali",
        results.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("baris 2 kolom Id temuan"), "{err}");
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "mobil",
        results.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("perbaikan-ruta, penghapusan atau hasil-verivali"),
        "{err}"
    );

    let (ok, _, err) = siks(&["export", "--db", &db, "--list", "anggota", "--out", "x.ods"]);
    assert!(!ok && err.contains(".xlsx atau .csv"), "{err}");
    let (ok, _, err) = siks(&[
        "upload",
        "--db",
        &db,
        "--kind",
        "rumah-tangga-baru",
        results.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("unggah sebagai .xlsx"), "{err}");

    // Period comparisons per region, as a sheet.
    let compared = dir.path().join("perbandingan.csv");
    let (ok, out, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "perbandingan",
        "--before",
        "2026-11",
        "--after",
        "2026-11",
        "--region",
        "35.23",
        "--out",
        compared.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let sheet = std::fs::read_to_string(&compared).unwrap();
    let lines: Vec<&str> = sheet.lines().collect();
    assert!(lines[0].contains("Rumah tangga 2026-11"), "{sheet}");
    assert!(lines[1].starts_with("35.23,"), "the regency first: {sheet}");
    assert!(lines.len() > 2, "then its districts: {sheet}");
    let (ok, _, err) = siks(&[
        "export",
        "--db",
        &db,
        "--list",
        "perbandingan",
        "--before",
        "2026-11",
        "--out",
        compared.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("--after"), "{err}");

    // Record linkage on the generated persons file, and a config that names a missing column.
    let config = dir.path().join("match.toml");
    std::fs::write(
        &config,
        "id = \"id\"\n[[column]]\nname = \"full_name\"\nkind = \"person_name\"\n\
         [[column]]\nname = \"birth_date\"\nkind = \"date\"\n[[column]]\nname = \"sex\"\nkind = \"categorical\"\n",
    )
    .unwrap();
    let persons = demo.join("data").join("persons.csv");
    let pairs = dir.path().join("pairs.csv");
    let clusters = dir.path().join("clusters.csv");
    let summary = dir.path().join("summary.json");
    let dedupe = [
        "match",
        "dedupe",
        "--input",
        persons.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--out",
        pairs.to_str().unwrap(),
        "--clusters",
        clusters.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ];
    // In English where the locale is not Indonesian, with the learnt model printed.
    let (ok, out, err) = siks(&dedupe);
    assert!(ok && out.contains("recommended threshold"), "{out}{err}");
    assert!(
        out.contains("Learnt model") && out.contains("birth_date:"),
        "{out}"
    );
    let (ok, out, err) = siks_in("id_ID.UTF-8", &dedupe);
    assert!(ok && out.contains("ambang yang disarankan"), "{out}{err}");
    assert!(out.contains("Model yang dipelajari"), "{out}");
    // One file's rows, counted once (it said "N + N" before).
    let rows = std::fs::read_to_string(&persons).unwrap().lines().count() - 1;
    assert!(out.starts_with(&format!("{rows} baris dibaca; ")), "{out}");
    let written = std::fs::read_to_string(&pairs).unwrap();
    assert!(written.starts_with("id_l,id_r,score\n"), "{written}");
    // The printed threshold selects exactly the pairs the command counted above it.
    let (threshold, above) = out
        .split("ambang yang disarankan ")
        .nth(1)
        .and_then(|t| t.split_once(": "))
        .map(|(t, rest)| {
            let n = rest.split(' ').next().unwrap_or("");
            (t.parse::<f64>().unwrap(), n.parse::<usize>().unwrap())
        })
        .unwrap();
    let selected = written
        .lines()
        .skip(1)
        .filter(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap() >= threshold)
        .count();
    assert_eq!(selected, above, "{out}");
    // The summary for scripts says the same, with the model and the rules.
    let json = std::fs::read_to_string(&summary).unwrap();
    assert!(
        json.contains(&format!("\"pairs_at_or_above_threshold\": {above}")),
        "{json}"
    );
    assert!(json.contains(&format!("\"records\": {rows}")), "{json}");
    for key in [
        "\"threshold\"",
        "\"probability_two_random_records_match\"",
        "\"rules\"",
        "\"warnings\"",
        "\"scoring\"",
    ] {
        assert!(json.contains(key), "{key} in {json}");
    }
    assert!(
        std::fs::read_to_string(&clusters)
            .unwrap()
            .starts_with("id,cluster\n")
    );
    std::fs::write(
        &config,
        "id = \"id\"\n[[column]]\nname = \"nama_lengkap\"\nkind = \"person_name\"\n",
    )
    .unwrap();
    let (ok, _, err) = siks(&[
        "match",
        "dedupe",
        "--input",
        persons.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--out",
        pairs.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("no column 'nama_lengkap'"), "{err}");

    let (ok, out, _) = siks(&["stats", "--db", &db, "--region", "35.23.01"]);
    assert!(ok);
    assert!(out.starts_with("35.23.01 "), "{out}");
    assert!(out.contains("desa/kelurahan"), "{out}");
    // Importing the same files again is refused and changes nothing.
    let (ok, _, err) = siks(&["import", "--db", &db, demo.join("data").to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("sudah ada di basis data"), "{err}");
}

#[test]
fn bad_input_gets_a_clear_message_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
    let (ok, _, err) = siks(&["stats", "--db", &missing]);
    assert!(!ok);
    assert!(
        err.contains("tidak ada") && err.contains("siks init"),
        "{err}"
    );
    assert!(!dir.path().join("typo.db").exists());

    let out = dir.path().join("gen");
    let (ok, _, err) = siks(&[
        "generate",
        "--region",
        "35.99",
        "--households",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("35.99") && err.contains("tidak dikenal"),
        "{err}"
    );

    let db = format!("sqlite://{}", dir.path().join("siks.db").display());
    let (ok, stdout, _) = siks(&["init", "--db", &db]);
    assert!(ok);
    assert!(stdout.contains("91599 wilayah"), "{stdout}");
    let (ok, _, err) = siks(&[
        "import",
        "--db",
        &db,
        dir.path().join("nowhere").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("tidak dapat membuka"), "{err}");

    let (ok, _, _) = siks(&[
        "generate",
        "--region",
        "35.23.01",
        "--households",
        "40",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok);
    let persons = out.join("persons.csv");
    let text = std::fs::read_to_string(&persons).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[3].split(',').collect();
    let nik = cells[2].to_string();
    lines[3] = lines[3].replacen(&nik, "3.52301E+15", 1);
    std::fs::write(&persons, lines.join("\n") + "\n").unwrap();
    let (ok, _, err) = siks(&["import", "--db", &db, out.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("persons.csv, baris 4, kolom nik"), "{err}");
    assert!(err.contains("basis data tidak diubah"), "{err}");
    let (ok, stdout, _) = siks(&["stats", "--db", &db]);
    assert!(ok);
    assert!(stdout.contains(": 0 rumah tangga"), "{stdout}");
}

/// A `siks serve` child on a free loopback port, killed (SIGKILL, as a crash or a power cut
/// would) when dropped.
struct Server {
    child: std::process::Child,
    addr: String,
    /// What the server printed before it was ready.
    banner: String,
    /// Its log (standard error), kept to be searched.
    log: tempfile::NamedTempFile,
}

impl Server {
    fn start(db: &str) -> Server {
        Server::start_with(db, &[])
    }

    fn start_with(db: &str, extra: &[&str]) -> Server {
        use std::io::BufRead;
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_siks"))
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = String::new();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server stopped before it was ready")
                .unwrap();
            banner.push_str(&line);
            banner.push('\n');
            if let Some(rest) = line.strip_prefix("siks siap di http://") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        Server {
            child,
            addr,
            banner,
            log,
        }
    }

    /// Signs in through the page as a browser does: the form, then the post. The post's status
    /// and cookies; `None` when the form itself was not served (a rate limit).
    fn sign_in(&self, name: &str, password: &str) -> Option<(u16, Vec<String>)> {
        let (status, cookies, page) = self.send("GET", "/masuk", &[], "");
        if status != 200 {
            return None;
        }
        let body = format!(
            "nama={name}&sandi={password}&csrf={}&lanjut=%2F",
            csrf_in(&page, "<form")
        );
        let (status, cookies, _) = self.send(
            "POST",
            "/masuk",
            &[
                ("Cookie", &cookies[0]),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &body,
        );
        Some((status, cookies))
    }

    /// Gives a signed-in session its second factor on `/masuk/kode` with the code of the
    /// account's key (base32, as the demo's accounts file has it): the next step's, since the
    /// demo's enrolment took this step's (a code is taken once).
    fn give_second_factor(&self, session: &str, key: &str) {
        let (_, _, page) = self.send("GET", "/masuk/kode", &[("Cookie", session)], "");
        let secret = siks_domain::totp::Secret::from_base32(key).unwrap();
        let now = siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock).timestamp();
        let (status, _, body) = self.send(
            "POST",
            "/masuk/kode",
            &[
                ("Cookie", session),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &format!(
                "csrf={}&kode={}&lanjut=%2F",
                csrf_in(&page, "id=\"form-kode\""),
                secret.code_at(now + 30)
            ),
        );
        assert_eq!(status, 303, "{body}");
    }

    /// What the server has logged so far.
    fn log_text(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap()
    }

    /// One HTTP/1.1 request: the status, the `Set-Cookie` values and the body.
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Vec<String>, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let cookies = head
            .lines()
            .filter_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("set-cookie")
                    .then(|| value.trim().split(';').next().unwrap().to_string())
            })
            .collect();
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        let body = if chunked {
            let mut out = String::new();
            let mut rest = body;
            while let Some((size, after)) = rest.split_once("\r\n") {
                let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                if size == 0 {
                    break;
                }
                out.push_str(&after[..size]);
                rest = &after[size + 2..];
            }
            out
        } else {
            body.to_string()
        };
        (status, cookies, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of the first `name="csrf"` input after `after` in a page.
fn csrf_in(page: &str, after: &str) -> String {
    let from = page
        .find(after)
        .unwrap_or_else(|| panic!("{after} in {page}"));
    let rest = &page[from..];
    let start = rest.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    rest[start..].split('"').next().unwrap().to_string()
}

/// A JSON field's text value, read plainly (the test crate has no JSON parser).
fn json_text(body: &str, field: &str) -> String {
    let key = format!("\"{field}\":");
    let start = body
        .find(&key)
        .unwrap_or_else(|| panic!("{field} in {body}"))
        + key.len();
    let value = body[start..].trim_start();
    match value.strip_prefix('"') {
        Some(text) => text.split('"').next().unwrap().to_string(),
        None => value.split([',', '}']).next().unwrap().trim().to_string(),
    }
}

/// A job survives its server: a check run started through the API is cut off by killing the
/// server; the next server marks it interrupted, its page says so and offers to run it again,
/// and run again it completes.
#[test]
fn a_job_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, _, err) = siks(&["demo", "--dir", d, "--households", "2000", "--no-serve"]);
    assert!(ok, "{err}");
    let accounts = std::fs::read_to_string(dir.path().join("akun-demo.txt")).unwrap();
    let line: Vec<String> = accounts
        .lines()
        .find_map(|l| l.strip_prefix("dinsos "))
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let (password, key) = (line[0].clone(), line[3].clone());
    let db = format!("sqlite://{}/siks.db", d);

    let server = Server::start(&db);
    // The start-up self-check, in one line: durable settings, the file, the audit key and the
    // field keys for their owner only; then where the audit log is anchored.
    assert!(
        server.banner.contains(
            "pemeriksaan awal: journal_mode=wal synchronous=full; berkas 600; kunci audit 600; kunci medan 600\n"
        ),
        "{}",
        server.banner
    );
    assert!(
        server
            .banner
            .contains("jangkar log audit setiap 15 menit di "),
        "{}",
        server.banner
    );
    let (status, cookies, page) = server.send("GET", "/masuk", &[], "");
    assert_eq!(status, 200);
    let login_cookie = cookies[0].clone();
    let body = format!(
        "nama=dinsos&sandi={password}&csrf={}&lanjut=%2F",
        csrf_in(&page, "<form")
    );
    let (status, cookies, _) = server.send(
        "POST",
        "/masuk",
        &[
            ("Cookie", &login_cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &body,
    );
    assert_eq!(status, 303);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("siks_sesi="))
        .unwrap()
        .clone();
    server.give_second_factor(&session, &key);
    let (_, _, dashboard) = server.send("GET", "/", &[("Cookie", &session)], "");
    let csrf = csrf_in(&dashboard, "action=\"/keluar\"");
    let api = |server: &Server, method: &str, path: &str, body: &str| {
        server.send(
            method,
            path,
            &[
                ("Cookie", &session),
                ("X-CSRF-Token", &csrf),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    };

    let (status, _, started) = api(
        &server,
        "POST",
        "/api/v1/jobs",
        r#"{"kind":"check-run","region":"35.23"}"#,
    );
    assert_eq!(status, 202, "{started}");
    let id = json_text(&started, "id");
    let job = format!("/api/v1/jobs/{id}");
    let mut state = json_text(&started, "state");
    for _ in 0..2_000 {
        if state == "running" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        state = json_text(&api(&server, "GET", &job, "").2, "state");
    }
    assert_eq!(
        state, "running",
        "the job should still be running when the server is killed"
    );
    let first_log = server.log_text();
    drop(server);

    let server = Server::start(&db);
    assert!(
        server.banner.contains("1 tugas terputus"),
        "{}",
        server.banner
    );
    let (status, _, body) = api(&server, "GET", &job, "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_text(&body, "state"), "interrupted", "{body}");
    let (_, _, page) = server.send("GET", &format!("/tugas/{id}"), &[("Cookie", &session)], "");
    assert!(page.contains("data-keadaan=\"interrupted\""), "{page}");
    assert!(
        page.contains("Terputus") && page.contains("Jalankan lagi"),
        "{page}"
    );

    let (status, _, body) = api(&server, "POST", &format!("{job}/retry"), "");
    assert_eq!(status, 202, "{body}");
    // One job of a kind at a time per person: another check run waits for this one's end.
    let (status, _, refused) = api(
        &server,
        "POST",
        "/api/v1/jobs",
        r#"{"kind":"check-run","region":"35.23"}"#,
    );
    assert_eq!(status, 409, "{refused}");
    assert!(refused.contains("belum selesai"), "{refused}");
    let mut body = body;
    for _ in 0..1_200 {
        if json_text(&body, "state") == "done" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        body = api(&server, "GET", &job, "").2;
    }
    assert_eq!(json_text(&body, "state"), "done", "{body}");
    assert_eq!(json_text(&body, "attempts"), "2", "{body}");
    assert!(
        json_text(&body, "outcome").contains("rumah tangga diperiksa"),
        "{body}"
    );
    // The server's own log (SECURITY.md item 19): a line per request, and in it no NIK (no
    // run of sixteen digits), no password and no session token.
    let log = first_log + &server.log_text();
    assert!(
        log.contains("/masuk") && log.contains("/api/v1/jobs"),
        "{log}"
    );
    let token = session.trim_start_matches("siks_sesi=");
    assert!(!log.contains(&password) && !log.contains(token) && !log.contains(&csrf));
    let longest_digits = log
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest_digits < 16,
        "a run of {longest_digits} digits in the log"
    );
}

/// The server's resident memory and its peak so far, in MiB (Linux).
fn memory_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap()
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// 150 sign-ins at once with made-up names, each from its own address (SECURITY.md item 13):
/// argon2 holds ~19 MiB a run, and 150 at once took the server from 202 MB to 1,464 MB. Now at
/// most one runs a core, a few wait, the rest are told to come back (503 with Retry-After),
/// and the server's peak memory grows by little. Behind a trusted proxy, so that the per-client
/// rate limit (which would hold most of them back first) is not what is measured.
#[test]
#[cfg(target_os = "linux")]
fn a_flood_of_sign_ins_holds_the_servers_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("siks.db").display());
    let (ok, _, err) = siks(&["init", "--db", &db]);
    assert!(ok, "{err}");
    let server = Server::start_with(&db, &["--trusted-proxy", "127.0.0.1"]);
    let form = |client: &str| {
        let (status, cookies, page) =
            server.send("GET", "/masuk", &[("X-Forwarded-For", client)], "");
        assert_eq!(status, 200, "{page}");
        let token = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_string();
        (cookies.join("; "), token)
    };
    let sign_in = |client: &str, cookie: &str, token: &str, name: &str| {
        let body = format!("nama={name}&sandi=salah-sekali-123&csrf={token}&lanjut=%2F");
        server
            .send(
                "POST",
                "/masuk",
                &[
                    ("X-Forwarded-For", client),
                    ("Cookie", cookie),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ],
                &body,
            )
            .0
    };
    // One sign-in first: the server as it runs, one hash made.
    let (cookie, token) = form("10.8.0.1");
    assert_eq!(sign_in("10.8.0.1", &cookie, &token, "pemanasan"), 401);
    let (before, _) = memory_mib(server.child.id());
    let forms: Vec<(String, String, String)> = (0..150)
        .map(|n| {
            let client = format!("10.9.{}.{}", n / 200, n % 200 + 1);
            let (cookie, token) = form(&client);
            (client, cookie, token)
        })
        .collect();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let sign_in = &sign_in;
        let handles: Vec<_> = forms
            .iter()
            .enumerate()
            .map(|(n, (client, cookie, token))| {
                scope.spawn(move || sign_in(client, cookie, token, &format!("tamu{n}")))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (_, peak) = memory_mib(server.child.id());
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let busy = statuses.iter().filter(|s| **s == 503).count();
    assert_eq!(checked + busy, 150, "{statuses:?}");
    assert!(checked >= 2, "{statuses:?}");
    eprintln!(
        "150 sign-ins at once: {checked} checked, {busy} told to retry; memory {before} MiB before, peak {peak} MiB"
    );
    assert!(
        peak.saturating_sub(before) < 200,
        "peak {peak} MiB after {before} MiB"
    );
    drop(server);

    // The failed sign-ins are in the log, chained with the key made at init. A lost key is not
    // made again behind anyone's back: every command refuses the log until one is restored or
    // made on purpose, and the entries chained with the lost one no longer verify.
    let (ok, verified, err) = siks(&["audit", "verify", "--db", &db]);
    assert!(
        ok && verified.contains("berkunci setelah entri 0"),
        "{verified}{err}"
    );
    std::fs::remove_file(dir.path().join("siks.db.audit-key")).unwrap();
    let (ok, _, err) = siks(&["audit", "verify", "--db", &db]);
    assert!(
        !ok && err.contains("kunci audit") && err.contains("tidak ada"),
        "{err}"
    );
    let (ok, made, err) = siks(&["audit", "new-key", "--db", &db]);
    assert!(ok && made.contains("kunci audit baru"), "{made}{err}");
    let (ok, _, err) = siks(&["audit", "new-key", "--db", &db]);
    assert!(!ok && err.contains("sudah ada"), "{err}");
    let (ok, _, err) = siks(&["audit", "verify", "--db", &db]);
    assert!(!ok && err.contains("RUSAK mulai entri 1"), "{err}");
}

/// Checklist item 12 (issue 19): an encrypted backup taken while the server writes, restored
/// elsewhere and checked; a wrong key, a damaged file and a cut-off file write nothing, and no
/// NIK stands in the backup as bytes.
#[test]
fn a_backup_while_the_server_writes_restores_whole_and_a_breach_is_scoped() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, _, err) = siks(&["demo", "--dir", d, "--households", "2000", "--no-serve"]);
    assert!(ok, "{err}");
    let db = format!("sqlite://{d}/siks.db");
    assert!(
        dir.path().join("siks.db.data-key").exists(),
        "init makes the data key beside the database"
    );

    // The server writes all along: failed sign-ins, each one an audit entry. It also backs the
    // database up on a schedule, the first at start.
    let scheduled = dir.path().join("terjadwal");
    let server = Arc::new(Server::start_with(
        &db,
        &[
            "--backup-dir",
            scheduled.to_str().unwrap(),
            "--backup-keep",
            "3",
        ],
    ));
    assert!(
        server
            .banner
            .contains("cadangan terjadwal setiap 24 jam di"),
        "{}",
        server.banner
    );
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let (server, stop, written) = (server.clone(), stop.clone(), written.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                // Gently: the public pages' rate limit holds back a client in a hurry.
                std::thread::sleep(std::time::Duration::from_millis(250));
                let Some((status, _)) = server.sign_in(&format!("tamu{i}"), "bukan-sandinya")
                else {
                    continue;
                };
                // Refused (401), or held back by the sign-in throttle (429): audited alike.
                if status == 401 || status == 429 {
                    written.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let wait_for = |n: u64| {
        let started = std::time::Instant::now();
        while written.load(Ordering::Relaxed) < n {
            assert!(
                started.elapsed().as_secs() < 60,
                "the server stopped writing"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait_for(3);
    let backup = dir.path().join("siks.cadangan");
    let b = backup.to_str().unwrap();
    let (ok, out, err) = siks(&["backup", "--db", &db, "--out", b]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("cadangan ") && out.contains(" dibuat dalam "),
        "{out}"
    );
    wait_for(written.load(Ordering::Relaxed) + 3);
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let manifest_entries = |text: &str| -> u64 {
        let at = text
            .find(" entri audit")
            .expect("the manifest's audit entries");
        text[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(
        out.contains("2000 rumah tangga"),
        "the manifest counts the snapshot: {out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is its owner's only");
    }
    // Nothing but the backup is left beside it (its snapshot in clear is gone).
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("siks.cadangan"))
        .collect();
    assert_eq!(beside, ["siks.cadangan"]);

    // No NIK of the register stands in the backup; the restored database holds them.
    let persons = walk(dir.path())
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "persons.csv"))
        .expect("the demo's generated persons");
    let niks = generated_niks(&persons, 200);
    assert_eq!(niks.len(), 200);
    let sealed = std::fs::read(&backup).unwrap();
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    for nik in &niks {
        assert!(!holds(&sealed, nik), "a NIK in clear in the backup");
    }

    // A wrong key writes nothing.
    let other = format!("sqlite://{d}/lain.db");
    assert!(siks(&["init", "--db", &other]).0);
    let restored = dir.path().join("pulih.db");
    let restored_db = format!("sqlite://{}", restored.display());
    let (ok, _, err) = siks(&[
        "restore",
        b,
        "--db",
        &restored_db,
        "--key",
        &format!("{d}/lain.db.data-key"),
    ]);
    assert!(!ok);
    assert!(err.contains("kunci salah"), "{err}");
    assert!(!restored.exists());

    // A damaged byte, and a file cut at a chunk's end, write nothing either.
    let key = format!("{d}/siks.db.data-key");
    let header = sealed
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(
        sealed.len() > header + 2 * (1024 * 1024 + 16),
        "a backup of several chunks"
    );
    let mut damaged = sealed.clone();
    damaged[header + 1024 * 1024 + 100] ^= 0x40;
    let cut = sealed[..header + 1024 * 1024 + 16].to_vec();
    for (name, bytes, why) in [
        ("rusak.cadangan", damaged, "rusak atau diubah (bagian ke-2"),
        ("potong.cadangan", cut, "terpotong"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let (ok, _, err) = siks(&[
            "restore",
            file.to_str().unwrap(),
            "--db",
            &restored_db,
            "--key",
            &key,
        ]);
        assert!(!ok, "{name}");
        assert!(err.contains(why), "{name}: {err}");
        assert!(!restored.exists(), "{name}");
        assert!(
            !dir.path().join("pulih.db.restoring").exists(),
            "{name}: no half-restored file is left"
        );
    }

    // The backup restores whole elsewhere: what its manifest says, its chain intact with the
    // original's audit key, and the NIKs there.
    let (ok, restored_out, err) = siks(&["restore", b, "--db", &restored_db, "--key", &key]);
    assert!(ok, "{restored_out}\n{err}");
    assert!(
        restored_out.contains("isi sama dengan manifes"),
        "{restored_out}"
    );
    // Its NIKs are sealed there as in the original (issue 19): without the original's field
    // keys the copy is refused, with them it opens.
    let plain = std::fs::read(&restored).unwrap();
    assert!(
        !niks.iter().any(|nik| holds(&plain, nik)),
        "a NIK in clear in the restored copy"
    );
    let field_keys = format!("{d}/siks.db.field-keys");
    let without = Command::new(env!("CARGO_BIN_EXE_siks"))
        .args(["doctor", "--db", &restored_db])
        .env("SIKS_AUDIT_KEY", format!("{d}/siks.db.audit-key"))
        .output()
        .unwrap();
    assert!(!without.status.success());
    assert!(
        String::from_utf8_lossy(&without.stderr).contains("kunci medan"),
        "{}",
        String::from_utf8_lossy(&without.stderr)
    );
    let doctor = Command::new(env!("CARGO_BIN_EXE_siks"))
        .args(["doctor", "--db", &restored_db])
        .env("SIKS_AUDIT_KEY", format!("{d}/siks.db.audit-key"))
        .env("SIKS_FIELD_KEYS", &field_keys)
        .output()
        .unwrap();
    let doctor_out = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        doctor.status.success(),
        "{doctor_out}{}",
        String::from_utf8_lossy(&doctor.stderr)
    );
    assert!(
        doctor_out.contains("integritas: ok") && doctor_out.contains("rantai utuh"),
        "{doctor_out}"
    );
    assert!(doctor_out.contains("2000 rumah tangga"), "{doctor_out}");
    // The live log went on past the snapshot: the backup holds what was there when it began.
    let entries = manifest_entries(&out);
    let (ok, live, _) = siks(&["doctor", "--db", &db]);
    assert!(ok, "{live}");
    let live_entries: u64 = live
        .split(" entri, ujung")
        .next()
        .and_then(|t| t.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(live_entries > entries, "{live_entries} > {entries}");
    assert!(
        doctor_out.contains(&format!("log audit {entries} entri")),
        "{doctor_out}"
    );
    // (After the doctor: an export is audited, and the copy's log grows.)
    let listed = dir.path().join("anggota-pulih.csv");
    let export = Command::new(env!("CARGO_BIN_EXE_siks"))
        .args(["export", "--db", &restored_db, "--list", "anggota", "--out"])
        .arg(&listed)
        .args(["--full-numbers", "data_ganda"])
        .env("SIKS_AUDIT_KEY", format!("{d}/siks.db.audit-key"))
        .env("SIKS_FIELD_KEYS", &field_keys)
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let listed = std::fs::read(&listed).unwrap();
    assert!(
        niks.iter().all(|nik| holds(&listed, nik)),
        "the restored copy holds the register, opened with the original's field keys"
    );
    // A restore never overwrites a database.
    let (ok, _, err) = siks(&["restore", b, "--db", &restored_db, "--key", &key]);
    assert!(!ok);
    assert!(err.contains("sudah ada"), "{err}");

    // The scheduled backup the server made at its start, and dated backups for a timer: the
    // newest --keep stay.
    let dated = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("siks-") && n.ends_with(".siks"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let started = std::time::Instant::now();
    while dated(&scheduled).is_empty() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(dated(&scheduled).len(), 1, "the first scheduled backup");
    let timer = dir.path().join("harian");
    for _ in 0..3 {
        let (ok, out, err) = siks(&[
            "backup",
            "--db",
            &db,
            "--dir",
            timer.to_str().unwrap(),
            "--keep",
            "2",
        ]);
        assert!(ok, "{out}\n{err}");
    }
    let kept = dated(&timer);
    assert_eq!(kept.len(), 2, "{kept:?}");
    let (ok, _, err) = siks(&[
        "restore",
        timer.join(&kept[1]).to_str().unwrap(),
        "--db",
        &format!("sqlite://{d}/dari-jadwal.db"),
        "--key",
        &key,
    ]);
    assert!(ok, "{err}");

    // Breach scoping (checklist item 23): the regency operator's credential opens the
    // household list; `siks audit scope` names what it showed, through which channel, and
    // writes the notice.
    let accounts = std::fs::read_to_string(dir.path().join("akun-demo.txt")).unwrap();
    let line: Vec<&str> = accounts
        .lines()
        .find_map(|l| l.strip_prefix("dinsos "))
        .unwrap()
        .split_whitespace()
        .collect();
    let (password, key) = (line[0], line[3]);
    let (status, signed_in) = server.sign_in("dinsos", password).unwrap();
    assert_eq!(status, 303);
    let session = signed_in
        .iter()
        .find(|c| c.starts_with("siks_sesi="))
        .unwrap()
        .clone();
    // A regency account gives its second factor: the demo enrolled it, its key is in the file.
    let (status, _, _) = server.send("GET", "/rumah-tangga", &[("Cookie", &session)], "");
    assert_eq!(status, 303, "no page before the second factor");
    server.give_second_factor(&session, key);
    let (status, _, _) = server.send("GET", "/rumah-tangga", &[("Cookie", &session)], "");
    assert_eq!(status, 200);
    let letter = dir.path().join("pemberitahuan.txt");
    let scope = || {
        siks(&[
            "audit",
            "scope",
            "--db",
            &db,
            "--actor",
            "dinsos",
            "--from",
            "2000-01-01",
            "--to",
            "2999-01-01",
            "--letter",
            letter.to_str().unwrap(),
        ])
    };
    // A view reaches the audit log from the server's journal within a fold (250 ms).
    let started = std::time::Instant::now();
    let (ok, scoped, err) = loop {
        let (ok, scoped, err) = scope();
        if !ok || !scoped.contains(" 0 menampilkan") || started.elapsed().as_secs() > 10 {
            break (ok, scoped, err);
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    assert!(ok, "{scoped}\n{err}");
    assert!(scoped.contains("melalui halaman atau API: 1"), "{scoped}");
    assert!(scoped.contains("Kabupaten Tuban"), "{scoped}");
    let notice = std::fs::read_to_string(&letter).unwrap();
    for part in [
        "Pasal 46",
        "a. Data pribadi yang terungkap",
        "b. Kapan dan bagaimana data pribadi terungkap",
        "c. Upaya penanganan dan pemulihan",
        "akun dinsos",
    ] {
        assert!(notice.contains(part), "{part}: {notice}");
    }
    let (ok, _, err) = siks(&[
        "audit",
        "scope",
        "--db",
        &db,
        "--actor",
        "dinsos",
        "--from",
        "2026-13-01",
        "--to",
        "2027-01-01",
    ]);
    assert!(!ok);
    assert!(err.contains("--from '2026-13-01' bukan tanggal"), "{err}");
    // A mistyped account would scope nothing and write that nothing was exposed: refused.
    let (ok, _, err) = siks(&[
        "audit",
        "scope",
        "--db",
        &db,
        "--actor",
        "dinsoss",
        "--from",
        "2026-01-01",
        "--to",
        "2027-01-01",
    ]);
    assert!(!ok);
    assert!(err.contains("akun 'dinsoss' tidak ada"), "{err}");
    // No clear snapshot is left beside the database either.
    assert!(
        walk(dir.path())
            .iter()
            .all(|p| !p.to_string_lossy().contains("snapshot")),
        "a clear snapshot left behind"
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The first `n` well-formed NIKs of a generated `persons.csv`.
fn generated_niks(persons: &std::path::Path, n: usize) -> Vec<String> {
    std::fs::read_to_string(persons)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split(',')
                .find(|c| c.len() == 16 && c.bytes().all(|b| b.is_ascii_digit()))
        })
        .take(n)
        .map(str::to_string)
        .collect()
}

/// The ids of the sealing keys in a field keys' file, and the current one.
fn field_key_ids(path: &std::path::Path) -> (Vec<String>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let ids = text
        .lines()
        .filter_map(|l| l.strip_prefix("key "))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    let current = text
        .lines()
        .find_map(|l| l.strip_prefix("current: "))
        .unwrap()
        .to_string();
    (ids, current)
}

/// `siks key rotate` killed (`kill -9`) once it has written its new key, and again part-way:
/// every value still opens in between, and running it once more finishes, leaving
/// one new key and every value under it (issue 19).
#[test]
fn a_key_rotation_killed_part_way_finishes_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let d = demo.to_str().unwrap();
    let (ok, out, err) = siks(&["demo", "--dir", d, "--households", "300", "--no-serve"]);
    assert!(ok, "{out}\n{err}");
    let db = format!("sqlite://{d}/siks.db");
    let keys = demo.join("siks.db.field-keys");
    let (first_ids, first) = field_key_ids(&keys);
    assert_eq!(first_ids, vec![first.clone()]);
    let niks = generated_niks(&demo.join("data").join("persons.csv"), 50);
    assert_eq!(niks.len(), 50);
    // Every member listed (each identity opened), with the NIKs as generated.
    let every_member_opens = |when: &str| {
        let out = dir.path().join(format!("anggota-{when}.csv"));
        let (ok, stdout, err) = siks(&[
            "export",
            "--db",
            &db,
            "--list",
            "anggota",
            "--out",
            out.to_str().unwrap(),
            "--full-numbers",
            "data_ganda",
        ]);
        assert!(ok, "{when}: {stdout}\n{err}");
        let listed = std::fs::read_to_string(&out).unwrap();
        assert!(
            niks.iter().all(|nik| listed.contains(nik.as_str())),
            "{when}: the NIKs read back"
        );
    };
    let rotate = || {
        Command::new(env!("CARGO_BIN_EXE_siks"))
            .args(["key", "rotate", "--db", &db])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };

    // Killed once the new key is in the file (it then waits for servers to read it).
    let mut child = rotate();
    let started = std::time::Instant::now();
    while field_key_ids(&keys).0.len() < 2 {
        assert!(started.elapsed().as_secs() < 60, "no new key written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let (ids, second) = field_key_ids(&keys);
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first) && second != first);
    every_member_opens("after the first kill");

    // Run again: it goes on with the same new key (no third one); killed again part-way (it
    // re-seals, then waits for servers before its last look and the dropping of the old key).
    let mut child = rotate();
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    child.kill().unwrap();
    child.wait().unwrap();
    let (ids, current) = field_key_ids(&keys);
    assert_eq!(
        current, second,
        "a cut-off rotation is finished, not begun again"
    );
    if ids.len() == 2 {
        every_member_opens("after the second kill");
    }

    // And once more, to the end.
    let (ok, out, err) = siks(&["key", "rotate", "--db", &db]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("kunci medan diganti"), "{out}");
    let (ids, last) = field_key_ids(&keys);
    assert_eq!(ids, vec![last.clone()], "only the new key is left");
    assert_ne!(last, first);
    every_member_opens("after the rotation");
    let (ok, doctor, err) = siks(&["doctor", "--db", &db]);
    assert!(ok, "{doctor}\n{err}");
    assert!(
        doctor.contains(&format!("dengan kunci {last}"))
            && doctor.contains("0 belum terenkripsi, 0 dengan kunci lama"),
        "{doctor}"
    );
}
