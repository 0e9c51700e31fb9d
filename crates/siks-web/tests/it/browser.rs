//! A real browser (Chromium through chromedriver) doing a village operator's main task.

use crate::support::*;

/// Where Debian puts the driver; `None` when it is not installed.
fn chromedriver() -> Option<std::path::PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops the driver however the test ends.
struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server on a free port over the world's router, chromedriver, and a headless Chromium
/// session; `close` ends them in order.
struct Browser {
    client: fantoccini::Client,
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn open(w: &World, driver_path: &std::path::Path) -> Browser {
        use fantoccini::ClientBuilder;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(siks_web::serve(listener, w.app.router.clone(), async {
            let _ = stopped.await;
        }));

        let port = free_port();
        let _driver = Driver(
            std::process::Command::new(driver_path)
                .arg(format!("--port={port}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
                "goog:chromeOptions".into(),
                serde_json::json!({
                        "binary": "/usr/bin/chromium",
                        "args": [
                                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                "--disable-quic", "--no-first-run", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync",
                                format!("--user-data-dir={}", profile.path().display()),
                        ]
                }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver session");
        Browser {
            client,
            base,
            stop,
            server,
            _driver,
            _profile: profile,
        }
    }

    async fn close(self) {
        self.client.close().await.unwrap();
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn real_browser_registers_a_household_and_cannot_open_another_village() {
    use fantoccini::Locator;
    let Some(driver_path) = chromedriver() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "chromedriver is not installed under CI=true: the browser test may not be skipped"
            );
        }
        eprintln!(
            "\n*** SKIPPED: real-browser test (apt-get install chromium chromium-driver to run it) ***\n"
        );
        return;
    };
    let w = world().await;
    // A household in village B that A's operator must not open.
    let system = w.service.system_actor().await.unwrap();
    let mut other = w.household.clone();
    other.id = siks_domain::HouseholdId::new();
    other.address.village = RegionCode::parse(VILLAGE_B).unwrap();
    let mut other_member = w.members[0].clone();
    other_member.id = siks_domain::PersonId::new();
    other_member.household_id = other.id;
    other_member.nik =
        siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850555").unwrap());
    other_member.sex = siks_domain::codes::Sex::Male;
    other_member.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    w.service
        .load_household(&system, &other, &[other_member], "uji")
        .await
        .unwrap();

    let browser = Browser::open(&w, &driver_path).await;
    let (client, base) = (&browser.client, browser.base.clone());
    let set = async |id: &str, value: &str| {
        client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![serde_json::json!(id), serde_json::json!(value)],
            )
            .await
            .unwrap();
    };

    // Sign in as village A's operator.
    client.goto(&format!("{base}/rumah-tangga")).await.unwrap();
    client
        .find(Locator::Id("nama"))
        .await
        .unwrap()
        .send_keys("desa.a")
        .await
        .unwrap();
    client
        .find(Locator::Id("sandi"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("#form-masuk button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("baru"))
        .await
        .unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/rumah-tangga"),
        "back where the login began"
    );

    // Register a household with two members.
    client
        .find(Locator::Id("baru"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("form-data"))
        .await
        .unwrap();
    for (id, value) in [
        ("rt", "007"),
        ("rw", "003"),
        ("street", "Jl. Melati 12"),
        ("sls_name", "Dusun Lor"),
        ("floor_area_m2", "36"),
        ("m0.full_name", "Joko Susilo"),
        ("m0.nik", "3523011203850888"),
        ("m0.no_kk", "3523011203150004"),
        ("m0.birth_date", "1985-03-12"),
        ("m1.full_name", "Suparmi"),
        ("m1.nik", "3523015506880888"),
        ("m1.no_kk", "3523011203150004"),
        ("m1.birth_date", "1988-06-15"),
        ("alasan", "pendataan baru"),
        ("m0.sex", "1"),
        ("m0.marital_status", "2"),
        ("m1.marital_status", "2"),
    ] {
        set(id, value).await;
    }
    for column in siks_web::forms::CHOOSE_ON_NEW
        .iter()
        .filter(|c| !["floor_area_m2", "rooms"].contains(c))
    {
        set(column, "1").await;
    }
    set("rooms", "2").await;
    client
        .find(Locator::Id("m1.sex"))
        .await
        .unwrap()
        .select_by_value("2")
        .await
        .unwrap();
    client
        .find(Locator::Id("m1.relation_to_head"))
        .await
        .unwrap()
        .select_by_value("2")
        .await
        .unwrap();
    client
        .find(Locator::Id("simpan"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = client
        .wait()
        .for_element(Locator::Id("judul"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Saved as the village's draft proposal, named by its head; the register does not hold it
    // until a period close applies it.
    assert_eq!(title, "Rumah tangga baru");
    let subject = client
        .find(Locator::Css("#usulan td.subjek"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(subject.contains("Joko Susilo"), "{subject}");
    let members = client.find_all(Locator::Css("#isi tr")).await.unwrap();
    assert_eq!(members.len(), 1 + 2, "two members proposed");
    client
        .goto(&format!("{base}/rumah-tangga?q=joko"))
        .await
        .unwrap();
    assert!(
        client
            .find_all(Locator::Css("tr.rumah-tangga"))
            .await
            .unwrap()
            .is_empty(),
        "not in the register before the close"
    );

    // Another village's household is not found.
    client
        .goto(&format!("{base}/rumah-tangga/{}", other.id))
        .await
        .unwrap();
    let message = client
        .find(Locator::Id("pesan"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(message, "Data tidak ditemukan.");

    // The inbox: "select all" ticks every proposal, and one batch step moves them all.
    let a_actor = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    for programme in ["PKH", "SEMBAKO"] {
        w.service
            .propose(
                &a_actor,
                &siks_domain::workflow::ProposalContent::ProgrammeRequest {
                    household: w.household.id,
                    programme: programme.into(),
                },
                "usul",
            )
            .await
            .unwrap();
    }
    client.goto(&format!("{base}/usulan")).await.unwrap();
    client
        .find(Locator::Id("pilih-semua"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for row in client
        .find_all(Locator::Css("tr.usulan input[name=id]"))
        .await
        .unwrap()
    {
        assert!(
            row.is_selected().await.unwrap(),
            "select all ticked every row"
        );
    }
    client
        .find(Locator::Css("#langkah-massal button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("pemberitahuan"))
        .await
        .unwrap();
    client
        .goto(&format!("{base}/usulan?tahap=musdes"))
        .await
        .unwrap();
    // The new household and the two programme requests.
    assert_eq!(
        client
            .find_all(Locator::Css("tr.usulan"))
            .await
            .unwrap()
            .len(),
        3
    );

    browser.close().await;
}

/// Signs `user` in on the sign-in page (after signing out whoever was signed in).
async fn sign_in(client: &fantoccini::Client, base: &str, user: &str) {
    use fantoccini::Locator;
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/masuk")).await.unwrap();
    client
        .find(Locator::Id("nama"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    client
        .find(Locator::Id("sandi"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("#form-masuk button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The second factor's page (regency level and up, admins), or the page asked for.
    let landed = client
        .wait()
        .for_element(Locator::Css("#form-kode, header form[action='/keluar']"))
        .await
        .unwrap();
    if landed.attr("id").await.unwrap().as_deref() == Some("form-kode") {
        give_second_factor(client, base, user).await;
    }
    if client
        .wait()
        .for_element(Locator::Css("header form[action='/keluar']"))
        .await
        .is_err()
    {
        panic!(
            "{user} not signed in at {}: {}",
            client.current_url().await.unwrap(),
            client.source().await.unwrap()
        );
    }
}

/// What each account's authenticator app holds, by server and account: the secret read off the
/// enrolment page, and the last step whose code was typed (a code is taken once).
static APPS: std::sync::Mutex<Vec<(String, siks_domain::totp::Secret, i64)>> =
    std::sync::Mutex::new(Vec::new());

/// The second factor on `/masuk/kode`, as a person with an authenticator app gives it: enrols
/// from the secret the page shows the first time (and goes on past the recovery codes), or
/// types the app's next code.
async fn give_second_factor(client: &fantoccini::Client, base: &str, user: &str) {
    use fantoccini::Locator;
    use siks_domain::totp::{Secret, WINDOW, step_of};
    let key = format!("{base} {user}");
    let shown = match client.find(Locator::Id("rahasia")).await {
        Ok(element) => Some(element.text().await.unwrap()),
        Err(_) => None,
    };
    let (secret, last) = match shown {
        Some(text) => (Secret::from_base32(&text).expect("base32 secret"), None),
        None => {
            let apps = APPS.lock().unwrap();
            let (_, secret, last) = apps
                .iter()
                .find(|(k, _, _)| *k == key)
                .unwrap_or_else(|| panic!("{user} enrolled elsewhere"));
            (secret.clone(), Some(*last))
        }
    };
    let step = loop {
        use siks_domain::clock::Clock;
        let now = step_of(siks_domain::clock::SystemClock.now().timestamp());
        let step = last.map_or(now, |l: i64| (l + 1).max(now));
        if step <= now + WINDOW {
            break step;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    client
        .find(Locator::Id("kode"))
        .await
        .unwrap()
        .send_keys(&format!("{:06}", secret.code_at_step(step)))
        .await
        .unwrap();
    click(client, "#form-kode button").await;
    {
        let mut apps = APPS.lock().unwrap();
        apps.retain(|(k, _, _)| *k != key);
        apps.push((key, secret, step));
    }
    // The recovery codes after enrolment, or the page asked for.
    let landed = client
        .wait()
        .for_element(Locator::Css("#lanjut, header form[action='/keluar']"))
        .await
        .unwrap();
    if landed.attr("id").await.unwrap().as_deref() == Some("lanjut") {
        landed.click().await.unwrap();
    }
}

/// Sets form fields by id (selects and inputs alike), as a person would fill them.
async fn fill(client: &fantoccini::Client, fields: &[(&str, &str)]) {
    for (id, value) in fields {
        client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![serde_json::json!(id), serde_json::json!(value)],
            )
            .await
            .unwrap();
    }
}

async fn click(client: &fantoccini::Client, css: &str) {
    client
        .wait()
        .for_element(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text_of(client: &fantoccini::Client, css: &str) -> String {
    client
        .wait()
        .for_element(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// The inbox of the signed-in role at its own stage: every row ticked, `step` taken (with
/// `reason`), or only the rows `only` names.
async fn batch_step(
    client: &fantoccini::Client,
    base: &str,
    stage: &str,
    only: Option<&[String]>,
    step: &str,
    reason: &str,
) {
    use fantoccini::Locator;
    client
        .goto(&format!("{base}/usulan?tahap={stage}"))
        .await
        .unwrap();
    match only {
        None => click(client, "#pilih-semua").await,
        Some(ids) => {
            for id in ids {
                click(client, &format!("tr.usulan input[value='{id}']")).await;
            }
        }
    }
    client
        .find(Locator::Id("langkah"))
        .await
        .unwrap()
        .select_by_value(step)
        .await
        .unwrap();
    fill(client, &[("alasan", reason)]).await;
    click(client, "#langkah-massal button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Id("pemberitahuan"))
        .await
        .unwrap();
}

/// The village's musdes form for every proposal waiting for it, with its signed scan; the
/// berita acara it prints. Both must name the people decided on.
async fn musdes(client: &fantoccini::Client, base: &str, scan: &std::path::Path, names: &[&str]) {
    use fantoccini::Locator;
    client.goto(&format!("{base}/musdes")).await.unwrap();
    let form = text_of(client, "#usulan").await;
    for name in names {
        assert!(form.contains(name), "the musdes form names {name}: {form}");
    }
    fill(
        client,
        &[
            ("tempat", "Balai Desa"),
            ("peserta", "41"),
            ("nama", "Sutrisno"),
        ],
    )
    .await;
    client
        .find(Locator::Id("pindaian"))
        .await
        .unwrap()
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    click(client, "#dokumen button[type=submit]").await;
    let paper = text_of(client, "#baris").await;
    for name in names {
        assert!(
            paper.contains(name),
            "the berita acara names {name}: {paper}"
        );
    }
}

/// Every kind of change a village proposes, each from the household's pages, through musdes,
/// the regency's verification (one returned, revised by the village and resubmitted), the
/// ratification, the province, the ministry and the close, in a real browser; then the
/// register holds every change and nothing before.
#[tokio::test]
async fn real_browser_takes_every_kind_of_change_from_the_household_page_to_the_close() {
    use fantoccini::Locator;
    use siks_domain::workflow::ProposalContent;
    let Some(driver_path) = chromedriver() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "chromedriver is not installed under CI=true: the browser test may not be skipped"
            );
        }
        eprintln!(
            "\n*** SKIPPED: real-browser walk (apt-get install chromium chromium-driver) ***\n"
        );
        return;
    };
    let w = world().await;
    let system = w.service.system_actor().await.unwrap();
    let browser = Browser::open(&w, &driver_path).await;
    let (client, base) = (&browser.client, browser.base.clone());
    let scan_dir = tempfile::tempdir().unwrap();
    let scan = scan_dir.path().join("berita-acara.pdf");
    std::fs::write(&scan, SCAN).unwrap();
    let head = w
        .members
        .iter()
        .find(|m| m.relation_to_head == siks_domain::codes::Relation::Head)
        .unwrap_or(&w.members[0])
        .full_name
        .clone();
    let leaving = w
        .members
        .iter()
        .find(|m| m.relation_to_head != siks_domain::codes::Relation::Head)
        .unwrap()
        .clone();
    let far_village = Regions::embedded()
        .iter()
        .find(|r| {
            r.level() == siks_domain::RegionLevel::Village && r.code.as_str().starts_with("35.24.")
        })
        .unwrap()
        .code
        .clone();
    let programme = ["PKH", "SEMBAKO", "PBI-JK", "BST"]
        .into_iter()
        .find(|p| !w.household.programmes.iter().any(|h| h == p))
        .unwrap();
    let household = format!("{base}/rumah-tangga/{}", w.household.id);

    sign_in(client, &base, "desa.a").await;
    // A new household, from the household list.
    client.goto(&format!("{base}/rumah-tangga")).await.unwrap();
    click(client, "#baru").await;
    let mut fields = vec![
        ("rt", "007"),
        ("rw", "003"),
        ("street", "Jl. Melati 12"),
        ("sls_name", "Dusun Lor"),
        ("floor_area_m2", "36"),
        ("rooms", "2"),
        ("m0.full_name", "Joko Susilo"),
        ("m0.nik", "3523011203850888"),
        ("m0.no_kk", "3523011203150004"),
        ("m0.birth_date", "1985-03-12"),
        ("m0.sex", "1"),
        ("m0.marital_status", "2"),
        ("alasan", "pendataan baru hasil musdes"),
    ];
    let chosen: Vec<(&str, &str)> = siks_web::forms::CHOOSE_ON_NEW
        .iter()
        .filter(|c| !["floor_area_m2", "rooms"].contains(c))
        .map(|c| (*c, "1"))
        .collect();
    fields.extend(chosen);
    fill(client, &fields).await;
    click(client, "#simpan").await;
    assert!(
        text_of(client, "#usulan td.subjek")
            .await
            .contains("Joko Susilo")
    );

    // A correction: shown field by field before it is saved.
    client.goto(&household).await.unwrap();
    click(client, "#ubah").await;
    let rooms = if w.household.housing.rooms == 4 {
        "5"
    } else {
        "4"
    };
    fill(client, &[("rooms", rooms), ("alasan", "kamar bertambah")]).await;
    click(client, "#simpan").await;
    let changes = text_of(client, "#perubahan").await;
    assert!(changes.contains("kamar"), "{changes}");
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();

    // A member joining: a baby.
    client.goto(&household).await.unwrap();
    click(client, "#tambah-anggota").await;
    let no_kk = w.members[0].no_kk.raw();
    fill(
        client,
        &[
            ("m0.full_name", "Putri Lestari"),
            ("m0.nik", "3523015506250321"),
            ("m0.no_kk", &no_kk),
            ("m0.sex", "2"),
            ("m0.birth_place", "Tuban"),
            ("m0.birth_date", "2025-06-15"),
            ("m0.mother_name", "Sri"),
            ("m0.marital_status", "1"),
            ("m0.relation_to_head", "3"),
            ("alasan", "kelahiran"),
        ],
    )
    .await;
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();

    // A member's removal, with the death certificate's number.
    client.goto(&household).await.unwrap();
    click(
        client,
        &format!("a.hapus-anggota[href='/anggota/{}/hapus']", leaving.id),
    )
    .await;
    fill(
        client,
        &[
            ("jenis_alasan", "1"),
            ("bukti", "3523-KM-01112026-0007"),
            ("alasan", "meninggal dunia"),
        ],
    )
    .await;
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();

    // A move to another regency, by the destination's code.
    client.goto(&household).await.unwrap();
    click(client, "#pindah").await;
    fill(
        client,
        &[
            ("tujuan", far_village.as_str()),
            ("alasan", "pindah domisili sesuai surat pindah"),
        ],
    )
    .await;
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();

    // A programme request.
    client.goto(&household).await.unwrap();
    click(client, "#program").await;
    fill(
        client,
        &[("program", programme), ("alasan", "ada ibu hamil")],
    )
    .await;
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();

    // Nothing of it is in the register yet.
    let registered = w
        .service
        .household(&system, w.household.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(registered.household.version, 1);
    assert_eq!(registered.members.len(), w.members.len());

    // To the musdes, which names whom it decides on.
    batch_step(client, &base, "draft", None, "submit_musdes", "").await;
    musdes(
        client,
        &base,
        &scan,
        &["Joko Susilo", &head, "Putri Lestari", &leaving.full_name],
    )
    .await;

    // The regency returns the correction and verifies the rest.
    let ids = |kind: fn(&ProposalContent) -> bool| {
        let service = w.service.clone();
        let system = system.clone();
        async move {
            service
                .list_proposals(&system, None, 100)
                .await
                .unwrap()
                .into_iter()
                .filter(|p| kind(&p.content))
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
        }
    };
    let correction = ids(|c| matches!(c, ProposalContent::HouseholdCorrection { .. })).await;
    assert_eq!(correction.len(), 1);
    sign_in(client, &base, "verifikator").await;
    batch_step(
        client,
        &base,
        "verifikasi_kabupaten",
        Some(&correction),
        "return",
        "jumlah kamar tidak sesuai foto; periksa lagi",
    )
    .await;
    batch_step(client, &base, "verifikasi_kabupaten", None, "verify", "").await;

    // The village revises the returned correction and sends it again.
    sign_in(client, &base, "desa.a").await;
    client
        .goto(&format!("{base}/usulan/{}", correction[0]))
        .await
        .unwrap();
    assert!(text_of(client, "#alasan").await.contains("jumlah kamar"));
    click(client, "#ubah-usulan").await;
    let rooms = if w.household.housing.rooms == 3 {
        "6"
    } else {
        "3"
    };
    fill(client, &[("rooms", rooms)]).await;
    click(client, "#simpan").await;
    assert!(text_of(client, "#perubahan").await.contains(rooms));
    click(client, "#simpan").await;
    client
        .wait()
        .for_element(Locator::Id("tersimpan"))
        .await
        .unwrap();
    click(client, "#ajukan").await;
    client
        .wait()
        .for_element(Locator::Id("pemberitahuan"))
        .await
        .unwrap();
    musdes(client, &base, &scan, &[&head]).await;
    sign_in(client, &base, "verifikator").await;
    batch_step(client, &base, "verifikasi_kabupaten", None, "verify", "").await;

    // Ratification, province, ministry.
    sign_in(client, &base, "pengesah").await;
    client.goto(&format!("{base}/pengesahan")).await.unwrap();
    click(client, "#sahkan button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Id("nomor"))
        .await
        .unwrap();
    sign_in(client, &base, "provinsi").await;
    batch_step(client, &base, "verifikasi_provinsi", None, "forward", "").await;
    sign_in(client, &base, "pusat").await;
    batch_step(client, &base, "pusat", None, "accept", "").await;

    // The close: its confirmation first, then the close itself.
    client.goto(&format!("{base}/periode")).await.unwrap();
    click(client, "#tutup button").await;
    assert_eq!(text_of(client, "#ditetapkan").await, "6");
    assert_eq!(text_of(client, "#dikembalikan").await, "0");
    click(client, "#tutup-periode").await;
    let notice = text_of(client, "#pemberitahuan").await;
    assert!(notice.contains("6 usulan ditetapkan"), "{notice}");

    // The register holds every change.
    let now = w
        .service
        .household(&system, w.household.id)
        .await
        .unwrap()
        .unwrap();
    let record = &now.household.record;
    assert_eq!(
        record.housing.rooms.to_string(),
        rooms,
        "the revised correction"
    );
    assert_eq!(record.address.village, far_village, "moved");
    assert!(record.programmes.iter().any(|p| p == programme));
    assert_eq!(now.members.len(), w.members.len() + 1, "the baby joined");
    let gone = now
        .members
        .iter()
        .find(|m| m.record.id == leaving.id)
        .unwrap();
    assert!(
        matches!(gone.record.status, siks_domain::RegistryStatus::Inactive(_)),
        "{:?}",
        gone.record.status
    );
    let new_one = w
        .service
        .list_households(
            &system,
            &siks_service::HouseholdFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.head_name.as_deref() == Some("Joko Susilo"))
        .expect("the new household is registered");
    assert_eq!(new_one.status, siks_domain::RegistryStatus::Active);
    browser.close().await;
}

/// The public side in a real browser (issue 20): a citizen checks a registered name and one
/// that is nobody's, files an usul and a sanggah; the village operator finds both, turns the
/// usul into a new household from the form filled in from it and answers the sanggah; the
/// proposal goes through the musdes, the regency, the ratification, the province and the
/// ministry to the close; the citizen's receipts show the outcome.
#[tokio::test]
async fn real_browser_a_citizens_usul_goes_to_the_close_and_the_receipt_shows_it() {
    use fantoccini::Locator;
    let Some(driver_path) = chromedriver() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "chromedriver is not installed under CI=true: the browser test may not be skipped"
            );
        }
        eprintln!(
            "\n*** SKIPPED: real-browser walk (apt-get install chromium chromium-driver) ***\n"
        );
        return;
    };
    let w = world().await;
    // The month's lists hold the world's household: its head is a recipient.
    let (admin, today) = w.rank().await;
    w.build_december_lists(&admin, today).await;
    let browser = Browser::open(&w, &driver_path).await;
    let (client, base) = (&browser.client, browser.base.clone());
    let scan_dir = tempfile::tempdir().unwrap();
    let scan = scan_dir.path().join("berita-acara.pdf");
    std::fs::write(&scan, SCAN).unwrap();
    let registered = &w.members[0];

    // The check, level by level, as a visitor with no account.
    client.goto(&format!("{base}/cek")).await.unwrap();
    for (id, code) in [
        ("prov", "35"),
        ("kab", "35.23"),
        ("kec", "35.23.01"),
        ("desa", VILLAGE_A),
    ] {
        fill(client, &[(id, code)]).await;
        click(client, "#cari").await;
        client.wait().for_element(Locator::Id(id)).await.unwrap();
    }
    fill(client, &[("nama", &registered.full_name)]).await;
    click(client, "#cari").await;
    let found = text_of(client, "#hasil-cek .nama").await;
    assert_eq!(
        found,
        siks_domain::citizen::masked_name(&registered.full_name)
    );
    let page = client.source().await.unwrap();
    assert!(!page.contains(&registered.nik.raw()), "no NIK on the check");
    assert!(
        !text_of(client, "#hasil-cek .ya").await.is_empty(),
        "a recipient: YA on the month's lists"
    );
    let sanggah = client
        .find(Locator::Css("#hasil-cek a.sanggah"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    fill(client, &[("nama", "Nama Yang Tidak Ada")]).await;
    click(client, "#cari").await;
    client
        .wait()
        .for_element(Locator::Id("tidak-ditemukan"))
        .await
        .unwrap();

    // The usul, its sum solved as a person reads it.
    click(client, "#usul-warga a").await;
    let sum = |question: String| -> String {
        let n: Vec<u32> = question
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        (n[0] + n[1]).to_string()
    };
    let answer = sum(text_of(client, "label[for=jawaban]").await);
    fill(
        client,
        &[
            ("pengirim", "Warsini"),
            ("nama", "Bambang Sutrisno"),
            ("nik", "3523011203850777"),
            ("no_kk", "3523011203150004"),
            ("alamat", "Jl. Kenanga 9"),
            ("bantuan", "Sembako"),
            ("alasan", "Buruh tani, istri sakit, belum pernah didata"),
            ("jawaban", &answer),
        ],
    )
    .await;
    click(client, "#form-warga button").await;
    let usul_code = text_of(client, "#kode").await;
    assert!(text_of(client, "#status").await.contains("Baru"));

    // The sanggah, from the check's link.
    client.goto(&format!("{base}{sanggah}")).await.unwrap();
    let answer = sum(text_of(client, "label[for=jawaban]").await);
    fill(
        client,
        &[
            ("pengirim", "Tetangga"),
            ("alasan", "Punya toko besar dan dua mobil"),
            ("jawaban", &answer),
        ],
    )
    .await;
    click(client, "#form-warga button").await;
    let sanggah_code = text_of(client, "#kode").await;

    // The village's operator: the usul becomes a new household, the sanggah is answered.
    sign_in(client, &base, "desa.a").await;
    click(client, "#nav-permintaan").await;
    let queue = text_of(client, "#daftar-permintaan").await;
    assert!(
        queue.contains(&usul_code) && queue.contains(&sanggah_code),
        "{queue}"
    );
    click(client, "#daftar-permintaan a[href^='/permintaan/']").await;
    let first = text_of(client, "#tanda-terima").await;
    if first != usul_code {
        client.goto(&format!("{base}/permintaan")).await.unwrap();
        let links = client
            .find_all(Locator::Css("#daftar-permintaan tr.permintaan a"))
            .await
            .unwrap();
        for link in links {
            if link.text().await.unwrap() == usul_code {
                link.click().await.unwrap();
                break;
            }
        }
    }
    assert_eq!(text_of(client, "#tanda-terima").await, usul_code);
    click(client, "#buat-usulan").await;
    let prefilled = client
        .find(Locator::Id("m0.nik"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(prefilled.as_deref(), Some("3523011203850777"));
    let mut fields = vec![
        ("rt", "004"),
        ("rw", "001"),
        ("sls_name", "Dusun Krajan"),
        ("floor_area_m2", "36"),
        ("rooms", "2"),
        ("m0.birth_date", "1985-03-12"),
        ("m0.sex", "1"),
        ("m0.marital_status", "2"),
    ];
    fields.extend(
        siks_web::forms::CHOOSE_ON_NEW
            .iter()
            .filter(|c| !["floor_area_m2", "rooms"].contains(c))
            .map(|c| (*c, "1")),
    );
    fill(client, &fields).await;
    click(client, "#simpan").await;
    assert!(
        text_of(client, "#usulan td.subjek")
            .await
            .contains("Bambang Sutrisno")
    );
    client.goto(&format!("{base}/permintaan")).await.unwrap();
    click(client, "#daftar-permintaan a[href^='/permintaan/']").await;
    assert_eq!(text_of(client, "#tanda-terima").await, sanggah_code);
    let reply = "Sudah diperiksa di lapangan: toko milik saudaranya.";
    fill(client, &[("jawaban-baru", reply)]).await;
    click(client, "#form-jawab button").await;
    assert!(
        text_of(client, "#jawaban")
            .await
            .contains("toko milik saudaranya")
    );

    // Through the workflow to the close.
    batch_step(client, &base, "draft", None, "submit_musdes", "").await;
    musdes(client, &base, &scan, &["Bambang Sutrisno"]).await;
    sign_in(client, &base, "verifikator").await;
    batch_step(client, &base, "verifikasi_kabupaten", None, "verify", "").await;
    sign_in(client, &base, "pengesah").await;
    client.goto(&format!("{base}/pengesahan")).await.unwrap();
    click(client, "#sahkan button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Id("nomor"))
        .await
        .unwrap();
    sign_in(client, &base, "provinsi").await;
    batch_step(client, &base, "verifikasi_provinsi", None, "forward", "").await;
    sign_in(client, &base, "pusat").await;
    batch_step(client, &base, "pusat", None, "accept", "").await;
    client.goto(&format!("{base}/periode")).await.unwrap();
    click(client, "#tutup button").await;
    click(client, "#tutup-periode").await;
    let notice = text_of(client, "#pemberitahuan").await;
    assert!(notice.contains("1 usulan ditetapkan"), "{notice}");

    // The citizen's receipts, signed out.
    client.delete_all_cookies().await.unwrap();
    client
        .goto(&format!("{base}/cek/tanda-terima"))
        .await
        .unwrap();
    fill(client, &[("kode-tanda-terima", &usul_code)]).await;
    click(client, "#form-tanda-terima button").await;
    assert!(text_of(client, "#status").await.contains("diusulkan"));
    assert_eq!(
        text_of(client, "#tahap").await,
        siks_domain::workflow::Stage::Applied.label()
    );
    client
        .goto(&format!("{base}/cek/tanda-terima/{sanggah_code}"))
        .await
        .unwrap();
    assert_eq!(text_of(client, "#jawaban").await, reply);
    browser.close().await;
}

/// What a page holds that no page may show: English words of the system, identifiers, commands,
/// raw ISO times, numbers and amounts not written the Indonesian way. Returned by the walk's
/// script as `{word, near}` pairs.
const LEAK_CHECK: &str = r#"
const clone = document.body.cloneNode(true);
// A code is read out verbatim (a request's id for the admin): it is no word and no count.
clone.querySelectorAll('textarea, script, style, code').forEach(e => e.remove());
document.body.appendChild(clone); clone.style.position = 'absolute'; clone.style.left = '-99999px';
const text = clone.innerText; clone.remove();
const english = ['propose','submit','verify','ratify','forward','reject','open','dismissed','fixed',
  'pending','draft','household','member','person','proposal','finding','list','view','none','null',
  'undefined','true','false','error','page','next','previous','created','updated','region','stage',
  'rows','batch','import','export','job','running','done','failed','queued','interrupted','build',
  'programme','period','upload','score','weight','login','logout','user','role','opened','closed'];
const found = [];
const near = (i) => text.slice(Math.max(0, i - 30), i + 30).replace(/\s+/g, ' ');
for (const w of english) {
  const re = new RegExp('(^|[^A-Za-z])' + w + '(?![A-Za-z])', 'g');
  let m; while ((m = re.exec(text))) found.push({word: w, near: near(m.index)});
}
const patterns = [
  [/\b[a-z]+_[a-z_]+\b/g, 'snake_case'],
  [/\b(household|person|proposal|document|ratification|period|finding|programme|job|user|login|check|export|upload|welfare|history|photo|list|password)\.[a-z_]+/g, 'dotted identifier'],
  [/\bsiks (demo|serve|user|period|audit|generate|init|import|stats|rank|programme|check|export|template|upload|list|match)\b/g, 'command'],
  [/\b\d{4}-\d{2}-\d{2}(T|\b)/g, 'ISO date'],
  [/\bUTC\b/g, 'UTC'],
  [/Rp\s?\d{4,}/g, 'rupiah without dots'],
  [/(^|[^\w.*])\d{5,15}(?![\w*])/g, 'number without dots'],
  [/\b\d+\.\d+ ?%/g, 'decimal point'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UUID'],
  [/\(-?\+?\d+\.\d\)/g, 'model weight'],
];
for (const [re, what] of patterns) {
  let m; while ((m = re.exec(text))) found.push({word: what + ': ' + m[0].trim(), near: near(m.index)});
}
const guide = document.querySelector('details.panduan');
const header = document.querySelector('header.top');
return {
  leaks: found,
  guide: guide ? guide.innerText.replace('Panduan', '').trim().length : 0,
  styled: !!header && getComputedStyle(header).backgroundColor !== 'rgba(0, 0, 0, 0)',
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  links: Array.from(document.querySelectorAll('a[href^="/"]')).map(a => a.getAttribute('href')),
  title: document.title,
};
"#;

/// The walk's screenshots the repository keeps: (taken, kept as).
const SCREENSHOTS_KEPT: &[(&str, &str)] = &[
    ("desa.a-1280.png", "dasbor.png"),
    ("desa.a-rumah-tangga--id-1280.png", "rumah-tangga.png"),
    ("desa.a-musdes-1280.png", "musdes.png"),
    ("dinsos-laporan-1280.png", "laporan.png"),
    ("desa.a-rumah-tangga--id-390.png", "rumah-tangga-ponsel.png"),
    ("desa.a-rumah-tangga-baru-1280.png", "rumah-tangga-baru.png"),
    ("desa.a-usulan-tahap-draft-1280.png", "usulan-draf.png"),
    (
        "verifikator-usulan-tahap-verifikasi_kabupaten-1280.png",
        "verifikasi.png",
    ),
    ("pengesah-pengesahan-1280.png", "pengesahan.png"),
    (
        "provinsi-usulan-tahap-verifikasi_provinsi-1280.png",
        "provinsi.png",
    ),
    ("pusat-program-1280.png", "program.png"),
    ("pusat-periode-1280.png", "periode.png"),
    ("dinsos-temuan-1280.png", "temuan.png"),
    ("auditor-audit-1280.png", "audit.png"),
    ("admin-pengguna-1280.png", "pengguna.png"),
];

/// A URL's shape: ids, codes and numbers in its path replaced, its query's keys kept (with the
/// value of a tab's key: each stage of the inbox is a page of its own).
pub(crate) fn shape_of(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let path: Vec<String> = path
        .split('/')
        .map(|part| {
            if part.len() >= 8 && part.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                "{id}".to_string()
            } else if !part.is_empty() && part.chars().all(|c| c.is_ascii_digit() || c == '.') {
                "{kode}".to_string()
            } else {
                part.to_string()
            }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, _)| if k == "tahap" { kv } else { k })
        })
        .filter(|k| !matches!(*k, "pesan" | "halaman"))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{}?{}", path.join("/"), keys.join("&"))
}

/// Links the walk does not follow: leaving, switching language, files, and the same page with
/// another message.
pub(crate) fn followed(href: &str) -> bool {
    let path = href.split('?').next().unwrap_or("");
    !(path == "/keluar"
        || path.starts_with("/bahasa")
        || path.starts_with("/ekspor")
        || path.starts_with("/templat")
        || path.starts_with("/static")
        || path.starts_with("/api")
        || path.ends_with("/pdf")
        || path.ends_with("/pindaian")
        || path.contains("/unduh")
        || path.contains("/foto/")
        || path.ends_with(".xlsx")
        || path.ends_with(".csv")
        || href.contains("pesan="))
}

/// A register lived in: ranked, this period's lists built, proposals at several stages (drafts,
/// one backed by an SPTJM and verified, one ratified), a check run with its findings.
pub(crate) async fn lived_in(w: &World) {
    use siks_domain::documents::BackingDocument;
    use siks_domain::workflow::{Backing, ProposalContent, Step, WorkflowConfig};
    let system = w.service.system_actor().await.unwrap();
    let village = w
        .service
        .actor_for_username("desa.a")
        .await
        .unwrap()
        .unwrap();
    let config = WorkflowConfig::default();
    let mut ids = Vec::new();
    for rooms in [7, 8, 9] {
        let mut changed = w.household.clone();
        changed.housing.rooms = rooms;
        ids.push(
            w.service
                .propose(
                    &village,
                    &ProposalContent::HouseholdCorrection {
                        household: changed,
                        base_version: 1,
                    },
                    "kamar bertambah",
                )
                .await
                .unwrap(),
        );
    }
    w.service
        .propose(
            &village,
            &ProposalContent::ProgrammeRequest {
                household: w.household.id,
                programme: "PBI-JK".into(),
            },
            "sakit menahun",
        )
        .await
        .unwrap();
    let paper = BackingDocument {
        kind: Backing::Sptjm,
        village: RegionCode::parse(VILLAGE_A).unwrap(),
        held_on: w.service.today(),
        place: "Balai Desa".into(),
        attendees: 0,
        chair: "Sutrisno".into(),
        chair_title: "Kepala Desa".into(),
    };
    w.service
        .sign_sptjm(&village, paper, &ids[..2], Some(SCAN), config)
        .await
        .unwrap();
    w.service
        .step_proposals(&system, &ids[..2], &Step::Verify, config)
        .await
        .unwrap();
    w.service
        .ratify(
            &system,
            &RegionCode::parse("35.23").unwrap(),
            Some(&ids[..1]),
            config,
        )
        .await
        .unwrap();
    // One waits for its musdes, so that the musdes form has something to decide.
    w.service
        .step_proposals(&village, &ids[2..3], &Step::Submit(Backing::Musdes), config)
        .await
        .unwrap();
    // Ranked after the proposals were made (a correction carries the record as it stood).
    let (_, today) = w.rank().await;
    w.build_december_lists(&system, today).await;
    w.service
        .run_checks(&system, None, w.service.today())
        .await
        .unwrap();
}

/// Every page each role may see, in a real browser at 1280 and at 390 px wide: no English or
/// technical word, no id as text, a Panduan on each, the layout's menu and style even on an
/// error page, and nothing wider than a phone. The screenshots it takes are kept (see
/// `docs/screenshots`).
#[tokio::test]
async fn real_browser_walks_every_page_of_every_role_at_desk_and_phone_width() {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    let Some(driver_path) = chromedriver() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "chromedriver is not installed under CI=true: the browser test may not be skipped"
            );
        }
        eprintln!(
            "\n*** SKIPPED: real-browser page walk (apt-get install chromium chromium-driver) ***\n"
        );
        return;
    };
    let w = world().await;
    lived_in(&w).await;
    let browser = Browser::open(&w, &driver_path).await;
    let (client, base) = (&browser.client, browser.base.clone());
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut problems: Vec<String> = Vec::new();
    let mut visited = 0usize;
    for (user, _, _) in accounts() {
        if user == "desa.b" {
            continue;
        }
        client.set_window_size(1280, 900).await.unwrap();
        sign_in(client, &base, user).await;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
        // A page that does not exist, to see the error page in the layout.
        queue.push_back("/halaman-yang-tidak-ada".into());
        let mut by_shape: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(href) = queue.pop_front() {
            let shape = shape_of(&href);
            if !seen.insert(shape.clone()) || seen.len() > 90 {
                continue;
            }
            *by_shape.entry(shape.clone()).or_default() += 1;
            visited += 1;
            let name = format!(
                "{user}{}",
                shape
                    .replace(['/', '?', '&', '{', '}', '='], "-")
                    .trim_end_matches('-')
            );
            for width in [1280u32, 390] {
                client.set_window_size(width, 900).await.unwrap();
                client.goto(&format!("{base}{href}")).await.unwrap();
                let page = client.execute(LEAK_CHECK, vec![]).await.unwrap();
                let at = format!("{user} {href} @{width}px");
                if width == 1280 {
                    for leak in page["leaks"].as_array().unwrap() {
                        problems.push(format!("{at}: {} «{}»", leak["word"], leak["near"]));
                    }
                    if page["guide"].as_u64().unwrap_or(0) < 40 {
                        problems.push(format!("{at}: no Panduan"));
                    }
                    if !page["styled"].as_bool().unwrap_or(false) {
                        problems.push(format!("{at}: not in the styled layout"));
                    }
                    for link in page["links"].as_array().unwrap() {
                        let link = link.as_str().unwrap().to_string();
                        if followed(&link) && !seen.contains(&shape_of(&link)) {
                            queue.push_back(link);
                        }
                    }
                } else if page["overflow"].as_i64().unwrap_or(0) > 1 {
                    problems.push(format!(
                        "{at}: the page is {} px wider than the screen",
                        page["overflow"]
                    ));
                }
                let png = client.screenshot().await.unwrap();
                std::fs::write(shots.join(format!("{name}-{width}.png")), png).unwrap();
            }
        }
    }
    browser.close().await;
    // The README's pictures and the guide's are these screenshots: `SIKS_UPDATE_SCREENSHOTS=1`
    // copies them into the repository.
    if std::env::var("SIKS_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&docs).unwrap();
        for (taken, kept) in SCREENSHOTS_KEPT {
            std::fs::copy(shots.join(taken), docs.join(kept)).unwrap();
        }
    }
    assert!(visited > 100, "the walk saw {visited} pages");
    assert!(
        problems.is_empty(),
        "{} problems on the pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
