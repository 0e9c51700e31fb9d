//! The PPKS and PSKS registries' pages (issue 20 items 3–4, docs/adr/0025): each registry's
//! list in the user's scope with its counts per region and category, a record's page with its
//! form, a new record, a download of the registry (behind the fresh second factor, as every
//! bulk download of personal data) and, for the PPKS, an upload of a filled-in template. A
//! PKH companion's page links the households she accompanies.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::codes::{Coded, PmksCategory, Sex};
use siks_domain::social::{
    PpksDetails, PpksRecord, PpksService, PpksUnit, PsksDetails, PsksKind, PsksRecord,
};
use siks_domain::{RegionCode, Regions};
use siks_service::social::{SOCIAL_BULK, SOCIAL_PAGE, SocialCount, StoredPpks, StoredPsks};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::{Form, Path, Query};
use crate::lang::t;
use crate::pages::{Nav, render, see};

/// The choices of a coded value: (code, label).
fn choices<T: Coded>() -> Vec<(String, &'static str)> {
    T::ALL
        .iter()
        .map(|c| (c.code().to_string(), t(c.label())))
        .collect()
}

fn region_name(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|c| Regions::embedded().get(&c).map(|r| r.name.clone()))
        .map_or_else(|| code.to_string(), |name| format!("{name} ({code})"))
}

/// A count table: one row per region, one column per category that has any.
pub struct CountTable {
    header: Vec<&'static str>,
    rows: Vec<(String, Vec<i64>)>,
}

fn count_table<T: Coded>(counts: &[SocialCount]) -> CountTable {
    let used: Vec<T> = T::ALL
        .iter()
        .copied()
        .filter(|c| counts.iter().any(|n| n.code == c.code()))
        .collect();
    let mut regions: Vec<String> = counts.iter().map(|c| c.region.clone()).collect();
    regions.dedup();
    CountTable {
        header: used.iter().map(|c| t(c.label())).collect(),
        rows: regions
            .into_iter()
            .map(|region| {
                let cells = used
                    .iter()
                    .map(|c| {
                        counts
                            .iter()
                            .find(|n| n.region == region && n.code == c.code())
                            .map_or(0, |n| n.count)
                    })
                    .collect();
                (region_name(&region), cells)
            })
            .collect(),
    }
}

/// The values of a PPKS form, as typed (what comes back with an error).
#[derive(Deserialize, Default, Clone)]
pub struct PpksForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    versi: String,
    #[serde(default)]
    desa: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    satuan: String,
    #[serde(default)]
    layanan: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    no_kk: String,
    #[serde(default)]
    tanggal_lahir: String,
    #[serde(default)]
    jenis_kelamin: String,
    #[serde(default)]
    alamat: String,
    #[serde(default)]
    lembaga: String,
    #[serde(default)]
    kebutuhan: String,
    #[serde(default)]
    aktif: String,
    /// The registered member the record is about (opened from the member's page), if any.
    #[serde(default)]
    anggota: String,
}

impl PpksForm {
    fn of(r: &StoredPpks) -> PpksForm {
        let d = &r.record.details;
        PpksForm {
            csrf: String::new(),
            versi: r.version.to_string(),
            desa: r.record.village.to_string(),
            kategori: r.record.category.code().to_string(),
            satuan: r.record.unit.code().to_string(),
            layanan: r.record.service.code().to_string(),
            nama: d.name.clone(),
            nik: d.nik.clone(),
            no_kk: d.no_kk.clone(),
            tanggal_lahir: d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
            jenis_kelamin: d.sex.map(|s| s.to_string()).unwrap_or_default(),
            alamat: d.address.clone(),
            lembaga: d.institution.clone(),
            kebutuhan: d.need.clone(),
            aktif: if r.active { "1".into() } else { String::new() },
            anggota: r.record.person.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    /// The record the form holds; the field at fault and why otherwise.
    fn record(&self) -> Result<PpksRecord, (String, String)> {
        fn field<E: siks_domain::Bilingual>(name: &str, e: &E) -> (String, String) {
            (name.to_string(), crate::lang::say(e))
        }
        let village = RegionCode::parse(self.desa.trim()).map_err(|e| field("desa", &e))?;
        let category =
            PmksCategory::parse_code(&self.kategori).map_err(|e| field("kategori", &e))?;
        let unit = PpksUnit::parse_code(&self.satuan).map_err(|e| field("satuan", &e))?;
        let service = PpksService::parse_code(&self.layanan).map_err(|e| field("layanan", &e))?;
        let birth_date = match self.tanggal_lahir.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                (
                    "tanggal_lahir".to_string(),
                    t("tanggal lahir: tulis TTTT-BB-HH, mis. 1985-03-12").to_string(),
                )
            })?),
        };
        let sex = match self.jenis_kelamin.trim() {
            "" => None,
            text => Some(
                Sex::parse_code(text)
                    .map_err(|e| field("jenis_kelamin", &e))?
                    .code(),
            ),
        };
        let person = match self.anggota.trim() {
            "" => None,
            id => Some(id.parse().map_err(|_| {
                (
                    String::new(),
                    t("anggota terdaftar yang dirujuk tidak dikenal").to_string(),
                )
            })?),
        };
        Ok(PpksRecord {
            village,
            category,
            unit,
            service,
            person,
            details: PpksDetails {
                name: self.nama.clone(),
                nik: self.nik.clone(),
                no_kk: self.no_kk.clone(),
                birth_date,
                sex,
                address: self.alamat.clone(),
                institution: self.lembaga.clone(),
                need: self.kebutuhan.clone(),
            },
        })
    }
}

/// Where a domain refusal's field shows on the PPKS form.
fn ppks_field(field: &str) -> &'static str {
    match field {
        "name" => "nama",
        "nik" => "nik",
        "no_kk" => "no_kk",
        "birth_date" => "tanggal_lahir",
        "sex" => "jenis_kelamin",
        "address" => "alamat",
        "institution" => "lembaga",
        "need" => "kebutuhan",
        _ => "",
    }
}

/// One row of a registry's list.
pub struct Listed {
    id: String,
    name: String,
    kind: &'static str,
    region: String,
    extra: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "ppks_list.html")]
struct PpksListPage {
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<Listed>,
    counts: CountTable,
    categories: Vec<(String, &'static str)>,
    category: String,
    may_write: bool,
    may_export: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    pesan: String,
    #[serde(default)]
    halaman: String,
}

fn may_write(user: &PageUser) -> bool {
    user.session
        .actor
        .may(siks_domain::access::Action::WriteRegister)
}

fn may_export(user: &PageUser) -> bool {
    user.session
        .actor
        .may(siks_domain::access::Action::ExportPersonalData)
}

/// The page asked (from 0), bounded so that its offset cannot overflow.
fn page_of(q: &ListQuery) -> i64 {
    q.halaman.parse::<i64>().unwrap_or(1).clamp(1, 100_000) - 1
}

async fn ppks_list_page(
    state: &AppState,
    user: &PageUser,
    q: &ListQuery,
    error: Option<String>,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let category = match q.kategori.trim() {
        "" => None,
        code => Some(
            PmksCategory::parse_code(code)
                .map_err(|e| WebError::field("kategori", crate::lang::say(&e)))?,
        ),
    };
    let listed = state
        .service
        .ppks_list(actor, None, category, SOCIAL_PAGE, page_of(q) * SOCIAL_PAGE)
        .await?;
    let counts = state.service.ppks_counts(actor).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(PpksListPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        rows: listed
            .iter()
            .map(|r| Listed {
                id: r.id.to_string(),
                name: r.record.details.name.clone(),
                kind: t(r.record.category.label()),
                region: region_name(r.record.village.as_str()),
                extra: t(r.record.service.label()),
                active: r.active,
            })
            .collect(),
        counts: count_table::<PmksCategory>(&counts),
        categories: choices::<PmksCategory>(),
        category: category.map(|c| c.code().to_string()).unwrap_or_default(),
        may_write: may_write(user),
        may_export: may_export(user),
        notice: (q.pesan == "tersimpan").then(|| t("Tersimpan.").to_string()),
        error,
    })?;
    Ok((status, html).into_response())
}

/// `GET /ppks`: the PPKS of the user's scope, its counts per region and category.
pub async fn ppks_list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    ppks_list_page(&state, &user, &q, None).await
}

#[derive(Template)]
#[template(path = "ppks_form.html")]
struct PpksFormPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    title: String,
    form: PpksForm,
    editing: bool,
    categories: Vec<(String, &'static str)>,
    units: Vec<(String, &'static str)>,
    services: Vec<(String, &'static str)>,
    sexes: Vec<(String, &'static str)>,
    error: Option<String>,
    error_field: String,
    may_write: bool,
}

fn ppks_form_page(
    user: &PageUser,
    action: String,
    title: String,
    form: PpksForm,
    editing: bool,
    error: Option<(String, String)>,
) -> Result<Response, WebError> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error, error_field) = error.map_or((None, String::new()), |(f, m)| (Some(m), f));
    let html = render(PpksFormPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        action,
        title,
        form,
        editing,
        categories: choices::<PmksCategory>(),
        units: choices::<PpksUnit>(),
        services: choices::<PpksService>(),
        sexes: choices::<Sex>(),
        error,
        error_field,
        may_write: may_write(user),
    })?;
    Ok((status, html).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewPpksQuery {
    /// A registered member to record as PPKS: the form is filled in from the register.
    #[serde(default)]
    anggota: String,
}

/// `GET /ppks/baru[?anggota=ID]`: the form of a new PPKS record (the user's village filled in,
/// or a registered member's details when opened from the member's page).
pub async fn new_ppks_form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<NewPpksQuery>,
) -> Result<Response, WebError> {
    let desa = match user.session.actor.scope.region() {
        Some(code) if code.level() == siks_domain::RegionLevel::Village => code.to_string(),
        _ => String::new(),
    };
    let mut form = PpksForm {
        desa,
        satuan: PpksUnit::Person.code().to_string(),
        layanan: PpksService::NotYet.code().to_string(),
        aktif: "1".into(),
        ..PpksForm::default()
    };
    if !q.anggota.is_empty() {
        let id: siks_domain::PersonId = q.anggota.parse().map_err(|_| WebError::NotFound)?;
        let actor = &user.session.actor;
        let person = state
            .service
            .person(actor, id)
            .await?
            .ok_or(WebError::NotFound)?
            .record;
        let household = state
            .service
            .household(actor, person.household_id)
            .await?
            .ok_or(WebError::NotFound)?
            .household
            .record;
        let a = &household.address;
        form = PpksForm {
            desa: a.village.to_string(),
            kategori: person
                .pmks
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            nama: person.full_name.clone(),
            // Not the NIK and No KK: the register shows them only through its audited reveal,
            // and the link already says who the person is.
            tanggal_lahir: person.birth_date.to_string(),
            jenis_kelamin: person.sex.code().to_string(),
            alamat: format!("{}, RT {} RW {}", a.street, a.rt, a.rw),
            anggota: id.to_string(),
            ..form
        };
    }
    ppks_form_page(
        &user,
        "/ppks/baru".into(),
        t("Data PPKS baru").into(),
        form,
        false,
        None,
    )
}

/// A refusal of the service on a form: the field at fault (when the domain named it) and why.
fn refusal(e: &siks_service::ServiceError, field_of: fn(&str) -> &'static str) -> (String, String) {
    let message = crate::lang::say(e);
    // The domain's message starts with the field's label; the field itself is not carried
    // through the service's error, so it is found by the label.
    let field = [
        ("Nama", "name"),
        ("NIK", "nik"),
        ("No KK", "no_kk"),
        ("Tanggal lahir", "birth_date"),
        ("Jenis kelamin", "sex"),
        ("Alamat", "address"),
        ("Lembaga", "institution"),
        ("Kebutuhan", "need"),
        ("Nomor tanda daftar", "registration"),
        ("Nomor telepon", "phone"),
        ("Nama pimpinan", "leader"),
        ("Berlaku sampai", "valid_until"),
        ("Wilayah kerja", "area"),
        ("TKSK", "area"),
        ("Lembaga tidak ber-NIK", "nik"),
    ]
    .iter()
    .find(|(label, _)| message.starts_with(label))
    .map_or("", |(_, f)| field_of(f));
    (field.to_string(), message)
}

/// `POST /ppks/baru`: registers a PPKS record.
pub async fn create_ppks(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<PpksForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let again = |form: PpksForm, error| {
        ppks_form_page(
            &user,
            "/ppks/baru".into(),
            t("Data PPKS baru").into(),
            form,
            false,
            Some(error),
        )
    };
    let record = match form.record() {
        Ok(r) => r,
        Err(e) => return again(form, e),
    };
    match state.service.add_ppks(&user.session.actor, record).await {
        Ok(id) => Ok(see(format!("/ppks/{id}?pesan=tersimpan"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => again(form, refusal(&e, ppks_field)),
        Err(siks_service::ServiceError::NotFound) => again(
            form,
            (
                "desa".into(),
                t("desa/kelurahan di luar wilayah kerja Anda").into(),
            ),
        ),
        Err(e) => Err(e.into()),
    }
}

fn record_id(id: &str) -> Result<uuid::Uuid, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// `GET /ppks/{id}`: one PPKS record, in its form.
pub async fn ppks_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    let found = state
        .service
        .ppks(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut form = PpksForm::of(&found);
    // Whole only to whom may change them (the view is audited); masked to every other role.
    if !may_write(&user) {
        form.nik = masked_or_empty(&form.nik);
        form.no_kk = masked_or_empty(&form.no_kk);
    }
    ppks_form_page(
        &user,
        format!("/ppks/{id}"),
        found.record.details.name.clone(),
        form,
        true,
        None,
    )
}

/// A number masked as the register masks it (empty stays empty).
fn masked_or_empty(raw: &str) -> String {
    if raw.is_empty() {
        String::new()
    } else {
        siks_domain::disclosure::masked(raw)
    }
}

/// `POST /ppks/{id}`: changes a PPKS record (its service after an assessment; ends it).
pub async fn update_ppks(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<PpksForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id = record_id(&id)?;
    let again = |form: PpksForm, error| {
        ppks_form_page(
            &user,
            format!("/ppks/{id}"),
            form.nama.clone(),
            form,
            true,
            Some(error),
        )
    };
    let record = match form.record() {
        Ok(r) => r,
        Err(e) => return again(form, e),
    };
    let version = form.versi.parse().unwrap_or(0);
    match state
        .service
        .update_ppks(&user.session.actor, id, version, record, form.aktif == "1")
        .await
    {
        Ok(()) => Ok(see(format!("/ppks/{id}?pesan=tersimpan"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => again(form, refusal(&e, ppks_field)),
        Err(e) => Err(e.into()),
    }
}

/// The PSKS form's values, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PsksForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    versi: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    nomor: String,
    #[serde(default)]
    telepon: String,
    #[serde(default)]
    alamat: String,
    #[serde(default)]
    pimpinan: String,
    #[serde(default)]
    mulai: String,
    #[serde(default)]
    sampai: String,
    #[serde(default)]
    aktif: String,
}

impl PsksForm {
    fn of(r: &StoredPsks) -> PsksForm {
        let d = &r.record.details;
        PsksForm {
            csrf: String::new(),
            versi: r.version.to_string(),
            wilayah: r.record.area.to_string(),
            jenis: r.record.kind.code().to_string(),
            nama: d.name.clone(),
            nik: d.nik.clone(),
            nomor: d.registration.clone(),
            telepon: d.phone.clone(),
            alamat: d.address.clone(),
            pimpinan: d.leader.clone(),
            mulai: r.record.valid_from.to_string(),
            sampai: r
                .record
                .valid_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
            aktif: if r.active { "1".into() } else { String::new() },
        }
    }

    fn record(&self) -> Result<PsksRecord, (String, String)> {
        let area = RegionCode::parse(self.wilayah.trim())
            .map_err(|e| ("wilayah".to_string(), crate::lang::say(&e)))?;
        let kind = PsksKind::parse_code(&self.jenis)
            .map_err(|e| ("jenis".to_string(), crate::lang::say(&e)))?;
        let date =
            |field: &str, text: &str| -> Result<Option<chrono::NaiveDate>, (String, String)> {
                match text.trim() {
                    "" => Ok(None),
                    text => text.parse().map(Some).map_err(|_| {
                        (
                            field.to_string(),
                            t("tanggal: tulis TTTT-BB-HH, mis. 2026-01-01").to_string(),
                        )
                    }),
                }
            };
        let valid_from = date("mulai", &self.mulai)?.ok_or_else(|| {
            (
                "mulai".to_string(),
                t("berlaku mulai wajib diisi").to_string(),
            )
        })?;
        Ok(PsksRecord {
            area,
            kind,
            valid_from,
            valid_until: date("sampai", &self.sampai)?,
            details: PsksDetails {
                name: self.nama.clone(),
                nik: self.nik.clone(),
                registration: self.nomor.clone(),
                phone: self.telepon.clone(),
                address: self.alamat.clone(),
                leader: self.pimpinan.clone(),
            },
        })
    }
}

fn psks_field(field: &str) -> &'static str {
    match field {
        "name" => "nama",
        "nik" => "nik",
        "registration" => "nomor",
        "phone" => "telepon",
        "address" => "alamat",
        "leader" => "pimpinan",
        "valid_until" => "sampai",
        "area" => "wilayah",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "psks_list.html")]
struct PsksListPage {
    nav: Option<Nav>,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    rows: Vec<Listed>,
    counts: CountTable,
    kinds: Vec<(String, &'static str)>,
    kind: String,
    may_write: bool,
    may_export: bool,
}

/// `GET /psks`: the PSKS working in or over the user's scope, and the counts inside it.
pub async fn psks_list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    psks_list_page(&state, &user, &q, None).await
}

async fn psks_list_page(
    state: &AppState,
    user: &PageUser,
    q: &ListQuery,
    error: Option<String>,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let kind = match q.jenis.trim() {
        "" => None,
        code => Some(
            PsksKind::parse_code(code)
                .map_err(|e| WebError::field("jenis", crate::lang::say(&e)))?,
        ),
    };
    let today = state.service.today();
    let listed = state
        .service
        .psks_list(actor, kind, SOCIAL_PAGE, page_of(q) * SOCIAL_PAGE)
        .await?;
    let counts = state.service.psks_counts(actor).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(PsksListPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        notice: (q.pesan == "tersimpan").then(|| t("Tersimpan.").to_string()),
        error,
        rows: listed
            .iter()
            .map(|r| Listed {
                id: r.id.to_string(),
                name: r.record.details.name.clone(),
                kind: t(r.record.kind.label()),
                region: region_name(r.record.area.as_str()),
                extra: if r.record.valid_on(today) {
                    t("Berlaku")
                } else {
                    t("Tidak berlaku")
                },
                active: r.active,
            })
            .collect(),
        counts: count_table::<PsksKind>(&counts),
        kinds: choices::<PsksKind>(),
        kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
        may_write: may_write(user),
        may_export: may_export(user),
    })?;
    Ok((status, html).into_response())
}

#[derive(Template)]
#[template(path = "psks_form.html")]
struct PsksFormPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    title: String,
    form: PsksForm,
    editing: bool,
    kinds: Vec<(String, &'static str)>,
    error: Option<String>,
    error_field: String,
    /// The households she accompanies: (link, head's name or the id).
    households: Vec<(String, String)>,
    may_link: bool,
    may_write: bool,
    notice: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn psks_form_page(
    user: &PageUser,
    action: String,
    title: String,
    form: PsksForm,
    editing: bool,
    error: Option<(String, String)>,
    households: Vec<(String, String)>,
    may_link: bool,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error, error_field) = error.map_or((None, String::new()), |(f, m)| (Some(m), f));
    let html = render(PsksFormPage {
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        action,
        title,
        form,
        editing,
        kinds: choices::<PsksKind>(),
        error,
        error_field,
        households,
        may_link,
        may_write: may_write(user),
        notice,
    })?;
    Ok((status, html).into_response())
}

/// `GET /psks/baru`.
pub async fn new_psks_form(user: PageUser) -> Result<Response, WebError> {
    let wilayah = user
        .session
        .actor
        .scope
        .region()
        .map(|c| c.to_string())
        .unwrap_or_default();
    psks_form_page(
        &user,
        "/psks/baru".into(),
        t("Data PSKS baru").into(),
        PsksForm {
            wilayah,
            aktif: "1".into(),
            ..PsksForm::default()
        },
        false,
        None,
        Vec::new(),
        false,
        None,
    )
}

/// `POST /psks/baru`.
pub async fn create_psks(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<PsksForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let again = |form: PsksForm, error| {
        psks_form_page(
            &user,
            "/psks/baru".into(),
            t("Data PSKS baru").into(),
            form,
            false,
            Some(error),
            Vec::new(),
            false,
            None,
        )
    };
    let record = match form.record() {
        Ok(r) => r,
        Err(e) => return again(form, e),
    };
    match state.service.add_psks(&user.session.actor, record).await {
        Ok(id) => Ok(see(format!("/psks/{id}?pesan=tersimpan"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => again(form, refusal(&e, psks_field)),
        Err(siks_service::ServiceError::NotFound) => again(
            form,
            (
                "wilayah".into(),
                t("wilayah kerja di luar wilayah kerja Anda").into(),
            ),
        ),
        Err(e) => Err(e.into()),
    }
}

async fn psks_households(
    state: &AppState,
    user: &PageUser,
    found: &StoredPsks,
) -> Result<Vec<(String, String)>, WebError> {
    let mut out = Vec::new();
    for h in &found.households {
        let name = state
            .service
            .household(&user.session.actor, *h)
            .await?
            .and_then(|v| {
                v.members
                    .iter()
                    .find(|m| m.record.relation_to_head == siks_domain::codes::Relation::Head)
                    .map(|m| m.record.full_name.clone())
            })
            .unwrap_or_else(|| siks_domain::show::reference(&h.to_string()));
        out.push((format!("/rumah-tangga/{h}"), name));
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct MessageQuery {
    #[serde(default)]
    pesan: String,
}

/// `GET /psks/{id}`: one PSKS record, in its form, with the households she accompanies.
pub async fn psks_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<MessageQuery>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    let found = state
        .service
        .psks(&user.session.actor, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let households = psks_households(&state, &user, &found).await?;
    let mut form = PsksForm::of(&found);
    // Whole only to whom may change the record (inside its area); masked otherwise.
    if !(may_write(&user) && user.session.actor.scope.contains(&found.record.area)) {
        form.nik = masked_or_empty(&form.nik);
    }
    psks_form_page(
        &user,
        format!("/psks/{id}"),
        found.record.details.name.clone(),
        form,
        true,
        None,
        households,
        !found.record.kind.is_organisation() && may_write(&user),
        (!q.pesan.is_empty()).then(|| t("Tersimpan.").to_string()),
    )
}

/// `POST /psks/{id}`.
pub async fn update_psks(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<PsksForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id = record_id(&id)?;
    let record = form.record();
    let result = match record {
        Ok(record) => state
            .service
            .update_psks(
                &user.session.actor,
                id,
                form.versi.parse().unwrap_or(0),
                record,
                form.aktif == "1",
            )
            .await
            .map_err(|e| match e {
                e @ siks_service::ServiceError::Invalid { .. } => Ok(refusal(&e, psks_field)),
                e => Err(e),
            }),
        Err(e) => Err(Ok(e)),
    };
    match result {
        Ok(()) => Ok(see(format!("/psks/{id}?pesan=tersimpan"))),
        Err(Ok(error)) => psks_form_page(
            &user,
            format!("/psks/{id}"),
            form.nama.clone(),
            form,
            true,
            Some(error),
            Vec::new(),
            false,
            None,
        ),
        Err(Err(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    #[serde(default)]
    rumah_tangga: String,
}

/// `POST /psks/{id}/dampingan`: links a household she accompanies (its id, or its address
/// page's link pasted).
pub async fn link_household(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id = record_id(&id)?;
    let typed = form.rumah_tangga.trim();
    let typed = typed.rsplit('/').next().unwrap_or(typed);
    let Ok(household) = typed.parse() else {
        return Err(WebError::field(
            "rumah_tangga",
            t("rumah tangga: tempel tautan atau kode rumah tangga dari halamannya").to_string(),
        ));
    };
    match state
        .service
        .link_psks_household(&user.session.actor, id, household)
        .await
    {
        Ok(()) => Ok(see(format!("/psks/{id}?pesan=terhubung"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => {
            Err(WebError::field("rumah_tangga", crate::lang::say(&e)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The registries' downloads: the columns of each.
const PPKS_COLUMNS: &[&str] = &[
    "desa",
    "kategori",
    "satuan",
    "layanan",
    "nama",
    "nik",
    "no_kk",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "lembaga",
    "kebutuhan",
    "status",
];
const PSKS_COLUMNS: &[&str] = &[
    "wilayah", "jenis", "nama", "nik", "nomor", "telepon", "alamat", "pimpinan", "mulai", "sampai",
    "status",
];

fn ppks_row(r: &StoredPpks) -> Vec<String> {
    let d = &r.record.details;
    vec![
        r.record.village.to_string(),
        r.record.category.code().to_string(),
        r.record.unit.code().to_string(),
        r.record.service.code().to_string(),
        d.name.clone(),
        d.nik.clone(),
        d.no_kk.clone(),
        d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
        d.sex.map(|s| s.to_string()).unwrap_or_default(),
        d.address.clone(),
        d.institution.clone(),
        d.need.clone(),
        if r.active { "aktif" } else { "selesai" }.into(),
    ]
}

fn psks_row(r: &StoredPsks) -> Vec<String> {
    let d = &r.record.details;
    vec![
        r.record.area.to_string(),
        r.record.kind.code().to_string(),
        d.name.clone(),
        d.nik.clone(),
        d.registration.clone(),
        d.phone.clone(),
        d.address.clone(),
        d.leader.clone(),
        r.record.valid_from.to_string(),
        r.record
            .valid_until
            .map(|u| u.to_string())
            .unwrap_or_default(),
        if r.active { "aktif" } else { "selesai" }.into(),
    ]
}

fn csv_bytes(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, WebError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    for row in rows {
        let cells: Vec<std::borrow::Cow<'_, str>> =
            row.iter().map(|c| siks_sheets::neutralise(c)).collect();
        out.write_record(cells.iter().map(|c| c.as_ref()))
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    out.into_inner()
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn file_response(name: &str, format: siks_sheets::Format, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.extension()),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn sheet_bytes(
    name: &str,
    format: siks_sheets::Format,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Vec<u8>, WebError> {
    match format {
        siks_sheets::Format::Csv => csv_bytes(header, &rows),
        _ => siks_sheets::workbook_bytes(&[siks_sheets::PlainSheet {
            name,
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }])
        .map_err(|e| WebError::Internal(e.english())),
    }
}

fn export_format(file: &str, stem: &str) -> Result<siks_sheets::Format, WebError> {
    file.strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(siks_sheets::Format::parse)
        .ok_or(WebError::NotFound)
}

/// `GET /ppks/unduh/{file}` (`ppks.xlsx`, `ppks.csv`): the registry of the scope, behind a
/// fresh second factor for the roles that have one.
pub async fn ppks_download(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let format = export_format(&file, "ppks")?;
    if !may_export(&user) {
        return Err(WebError::Forbidden);
    }
    user.require_fresh_factor(&state, &format!("/ppks/unduh/{file}"))?;
    let rows: Vec<Vec<String>> = state
        .service
        .ppks_list(&user.session.actor, None, None, SOCIAL_BULK, 0)
        .await?
        .iter()
        .map(ppks_row)
        .collect();
    Ok(file_response(
        "ppks",
        format,
        sheet_bytes("PPKS", format, PPKS_COLUMNS, rows)?,
    ))
}

/// `GET /psks/unduh/{file}`.
pub async fn psks_download(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let format = export_format(&file, "psks")?;
    if !may_export(&user) {
        return Err(WebError::Forbidden);
    }
    user.require_fresh_factor(&state, &format!("/psks/unduh/{file}"))?;
    let rows: Vec<Vec<String>> = state
        .service
        .psks_list(&user.session.actor, None, SOCIAL_BULK, 0)
        .await?
        .iter()
        .map(psks_row)
        .collect();
    Ok(file_response(
        "psks",
        format,
        sheet_bytes("PSKS", format, PSKS_COLUMNS, rows)?,
    ))
}

/// `GET /ppks/templat.xlsx`: the upload template (the download's columns, one example row).
pub async fn ppks_template(_user: PageUser) -> Result<Response, WebError> {
    let example = vec![
        "35.23.01.2001",
        "11",
        "1",
        "1",
        "Paimin",
        "",
        "",
        "",
        "1",
        "Kolong jembatan Jl. Veteran",
        "",
        "Tempat tinggal, makan, KTP",
        "aktif",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    Ok(file_response(
        "templat-ppks",
        siks_sheets::Format::Xlsx,
        sheet_bytes(
            "PPKS",
            siks_sheets::Format::Xlsx,
            PPKS_COLUMNS,
            vec![example],
        )?,
    ))
}

/// The most rows an upload of the registry takes at once.
const UPLOAD_ROWS: usize = 5_000;

/// An upload form's CSRF token and file (its name and bytes; `None` when none was chosen).
async fn upload_form(
    multipart: &mut axum::extract::Multipart,
) -> Result<(String, Option<(String, Vec<u8>)>), WebError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::field("berkas", e.body_text()))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("berkas") => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| WebError::field("berkas", e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok((csrf, file.filter(|(_, b)| !b.is_empty())))
}

/// A registry template's rows read into records by `record`, which is handed each row's cell
/// reader; the first refusal (a file that does not read, a bad cell, a row ending a record, a
/// row twice in the file) comes back as the message to show, naming the row and column.
fn upload_records<R>(
    (name, bytes): (String, Vec<u8>),
    text_columns: &[&str],
    date_columns: &[&str],
    same: impl Fn(&R) -> String,
    record: impl Fn(&dyn Fn(&str) -> String) -> Result<R, (String, String)>,
) -> Result<Vec<R>, String> {
    let Some(format) = name.rsplit('.').next().and_then(siks_sheets::Format::parse) else {
        return Err(t("berkas harus .xlsx atau .csv").into());
    };
    let limits = siks_sheets::read::Limits {
        rows: UPLOAD_ROWS,
        ..Default::default()
    };
    // The reader's own message (Indonesian), naming the row or cell.
    let table =
        siks_sheets::read::read_table(&bytes, format, None, text_columns, date_columns, limits)
            .map_err(|e| e.to_string())?;
    let mut records = Vec::with_capacity(table.rows.len());
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    for (line, row) in &table.rows {
        let cell = |column: &str| -> String {
            table
                .header
                .iter()
                .position(|h| h == column)
                .map(|c| row.get(c).to_string())
                .unwrap_or_default()
        };
        let at = |column: &str, why: &str| {
            crate::lang::tf("baris {}, kolom {}: {}", &[line, &column, &why])
        };
        // An upload adds records; one is ended on its own page, where its history stays.
        if !matches!(cell("status").trim().to_lowercase().as_str(), "" | "aktif") {
            return Err(at(
                "status",
                t("unggahan hanya menambah catatan aktif; akhiri catatan dari halamannya"),
            ));
        }
        let r = record(&cell).map_err(|(column, why)| at(&column, &why))?;
        if let Some(first) = seen.insert(same(&r), *line) {
            return Err(at(
                "nama",
                &crate::lang::tf("sama dengan baris {}", &[&first]),
            ));
        }
        records.push(r);
    }
    Ok(records)
}

/// `POST /ppks/unggah`: a filled-in template (XLSX or CSV), every row checked, all written or
/// none, the first refusal named by its row and column.
pub async fn ppks_upload(
    State(state): State<AppState>,
    user: PageUser,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let (csrf, file) = upload_form(&mut multipart).await?;
    user.check_csrf(&csrf)?;
    let fail = |message: String| async {
        ppks_list_page(&state, &user, &ListQuery::default(), Some(message)).await
    };
    let Some(file) = file else {
        return fail(t("pilih berkas XLSX atau CSV hasil templat PPKS").into()).await;
    };
    let read = upload_records(
        file,
        &["nik", "no_kk"],
        &["tanggal_lahir"],
        PpksRecord::sameness,
        |cell| {
            PpksForm {
                desa: cell("desa"),
                kategori: cell("kategori"),
                satuan: cell("satuan"),
                layanan: cell("layanan"),
                nama: cell("nama"),
                nik: cell("nik"),
                no_kk: cell("no_kk"),
                tanggal_lahir: cell("tanggal_lahir"),
                jenis_kelamin: cell("jenis_kelamin"),
                alamat: cell("alamat"),
                lembaga: cell("lembaga"),
                kebutuhan: cell("kebutuhan"),
                ..PpksForm::default()
            }
            .record()
        },
    );
    let records = match read {
        Ok(records) => records,
        Err(message) => return fail(message).await,
    };
    match state
        .service
        .add_ppks_all(&user.session.actor, records)
        .await
    {
        Ok(n) => Ok(see(format!("/ppks?pesan=tersimpan&jumlah={n}"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => fail(crate::lang::say(&e)).await,
        Err(e) => Err(e.into()),
    }
}

/// `GET /psks/templat.xlsx`: the PSKS upload template (the download's columns, one example).
pub async fn psks_template(_user: PageUser) -> Result<Response, WebError> {
    let example = vec![
        "35.23.01.2001",
        "7",
        "Karang Taruna Tunas Muda",
        "",
        "KT/12/2025",
        "",
        "Balai desa",
        "Andi Saputra",
        "2025-06-01",
        "",
        "aktif",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    Ok(file_response(
        "templat-psks",
        siks_sheets::Format::Xlsx,
        sheet_bytes(
            "PSKS",
            siks_sheets::Format::Xlsx,
            PSKS_COLUMNS,
            vec![example],
        )?,
    ))
}

/// `POST /psks/unggah`: a filled-in PSKS template, every row checked, all written or none.
pub async fn psks_upload(
    State(state): State<AppState>,
    user: PageUser,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let (csrf, file) = upload_form(&mut multipart).await?;
    user.check_csrf(&csrf)?;
    let fail = |message: String| async {
        psks_list_page(&state, &user, &ListQuery::default(), Some(message)).await
    };
    let Some(file) = file else {
        return fail(t("pilih berkas XLSX atau CSV hasil templat PSKS").into()).await;
    };
    let read = upload_records(
        file,
        &["nik", "nomor", "telepon"],
        &["mulai", "sampai"],
        PsksRecord::sameness,
        |cell| {
            PsksForm {
                wilayah: cell("wilayah"),
                jenis: cell("jenis"),
                nama: cell("nama"),
                nik: cell("nik"),
                nomor: cell("nomor"),
                telepon: cell("telepon"),
                alamat: cell("alamat"),
                pimpinan: cell("pimpinan"),
                mulai: cell("mulai"),
                sampai: cell("sampai"),
                ..PsksForm::default()
            }
            .record()
        },
    );
    let records = match read {
        Ok(records) => records,
        Err(message) => return fail(message).await,
    };
    match state
        .service
        .add_psks_all(&user.session.actor, records)
        .await
    {
        Ok(n) => Ok(see(format!("/psks?pesan=tersimpan&jumlah={n}"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => fail(crate::lang::say(&e)).await,
        Err(e) => Err(e.into()),
    }
}

/// The registries through the JSON API: the same records, the same scope and checks; NIK and
/// No KK masked in every answer (the pages' forms show them whole to whom may change them).
pub mod api {
    use axum::Json;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use serde::{Deserialize, Serialize};
    use siks_domain::RegionCode;
    use siks_domain::codes::{Coded, PmksCategory};
    use siks_domain::disclosure::masked;
    use siks_domain::social::{
        PpksDetails, PpksRecord, PpksService, PpksUnit, PsksDetails, PsksKind, PsksRecord,
    };
    use siks_service::social::{SOCIAL_PAGE, StoredPpks, StoredPsks};

    use crate::AppState;
    use crate::auth::ApiUser;
    use crate::error::{ApiError, WebError};
    use crate::extract::{ApiJson, Path, Query};

    type ApiResult = Result<Response, ApiError>;

    /// A PPKS record as the API takes it.
    #[derive(Deserialize, utoipa::ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PpksBody {
        /// The village's code, e.g. 35.23.01.2001.
        village: String,
        /// PPKS category code (1–26, Permensos 8/2012).
        category: u8,
        /// 1 a person, 2 a family.
        unit: u8,
        /// Service code (1 none yet … 6 done).
        service: u8,
        name: String,
        #[serde(default)]
        nik: String,
        #[serde(default)]
        no_kk: String,
        /// YYYY-MM-DD.
        #[serde(default)]
        birth_date: Option<String>,
        /// 1 male, 2 female.
        #[serde(default)]
        sex: Option<u8>,
        address: String,
        #[serde(default)]
        institution: String,
        need: String,
    }

    /// A PPKS record as the API answers it.
    #[derive(Serialize, utoipa::ToSchema)]
    pub struct PpksAnswer {
        id: uuid::Uuid,
        village: String,
        category: u8,
        unit: u8,
        service: u8,
        name: String,
        /// Masked.
        nik: String,
        /// Masked.
        no_kk: String,
        birth_date: Option<String>,
        sex: Option<u8>,
        address: String,
        institution: String,
        need: String,
        active: bool,
        version: i64,
    }

    fn mask(raw: &str) -> String {
        if raw.is_empty() {
            String::new()
        } else {
            masked(raw)
        }
    }

    fn ppks_answer(r: &StoredPpks) -> PpksAnswer {
        let d = &r.record.details;
        PpksAnswer {
            id: r.id,
            village: r.record.village.to_string(),
            category: r.record.category.code(),
            unit: r.record.unit.code(),
            service: r.record.service.code(),
            name: d.name.clone(),
            nik: mask(&d.nik),
            no_kk: mask(&d.no_kk),
            birth_date: d.birth_date.map(|b| b.to_string()),
            sex: d.sex,
            address: d.address.clone(),
            institution: d.institution.clone(),
            need: d.need.clone(),
            active: r.active,
            version: r.version,
        }
    }

    fn code<T: Coded>(field: &str, code: u8) -> Result<T, WebError> {
        T::from_code(code).ok_or_else(|| {
            WebError::field(
                field,
                format!("kode {code} tidak dikenal untuk {}", T::WHAT),
            )
        })
    }

    fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, WebError> {
        text.parse()
            .map_err(|_| WebError::field(field, "tulis TTTT-BB-HH, mis. 2026-01-01"))
    }

    fn ppks_record(b: PpksBody) -> Result<PpksRecord, WebError> {
        Ok(PpksRecord {
            village: RegionCode::parse(b.village.trim())
                .map_err(|e| WebError::field("village", crate::lang::say(&e)))?,
            category: code::<PmksCategory>("category", b.category)?,
            unit: code::<PpksUnit>("unit", b.unit)?,
            service: code::<PpksService>("service", b.service)?,
            person: None,
            details: PpksDetails {
                name: b.name,
                nik: b.nik,
                no_kk: b.no_kk,
                birth_date: b
                    .birth_date
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| date("birth_date", &d))
                    .transpose()?,
                sex: b.sex,
                address: b.address,
                institution: b.institution,
                need: b.need,
            },
        })
    }

    /// What a list of the API asks.
    #[derive(Deserialize, Default, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    #[serde(deny_unknown_fields)]
    pub struct SocialQuery {
        /// A PPKS category or PSKS kind code; all when absent.
        #[serde(default)]
        code: Option<u8>,
        /// At most 200.
        #[serde(default)]
        limit: Option<i64>,
        #[serde(default)]
        offset: Option<i64>,
    }

    fn page(q: &SocialQuery) -> (i64, i64) {
        (
            q.limit.unwrap_or(SOCIAL_PAGE).clamp(1, SOCIAL_PAGE),
            q.offset.unwrap_or(0).max(0),
        )
    }

    /// `GET /api/v1/ppks`.
    pub async fn ppks_list(
        State(state): State<AppState>,
        user: ApiUser,
        Query(q): Query<SocialQuery>,
    ) -> ApiResult {
        let category = q
            .code
            .map(|c| code::<PmksCategory>("code", c))
            .transpose()?;
        let (limit, offset) = page(&q);
        let listed = state
            .service
            .ppks_list(&user.session.actor, None, category, limit, offset)
            .await?;
        Ok(Json(listed.iter().map(ppks_answer).collect::<Vec<_>>()).into_response())
    }

    /// `GET /api/v1/ppks/{id}`.
    pub async fn ppks(
        State(state): State<AppState>,
        user: ApiUser,
        Path(id): Path<String>,
    ) -> ApiResult {
        let id = id.parse().map_err(|_| WebError::NotFound)?;
        let found = state
            .service
            .ppks(&user.session.actor, id)
            .await?
            .ok_or(WebError::NotFound)?;
        Ok(Json(ppks_answer(&found)).into_response())
    }

    /// `POST /api/v1/ppks`: 201 with the record.
    pub async fn create_ppks(
        State(state): State<AppState>,
        user: ApiUser,
        headers: HeaderMap,
        ApiJson(body): ApiJson<PpksBody>,
    ) -> ApiResult {
        user.check_csrf(&headers)?;
        let actor = &user.session.actor;
        let id = state.service.add_ppks(actor, ppks_record(body)?).await?;
        let found = state
            .service
            .ppks(actor, id)
            .await?
            .ok_or(WebError::NotFound)?;
        Ok((StatusCode::CREATED, Json(ppks_answer(&found))).into_response())
    }

    /// A PSKS record as the API takes it.
    #[derive(Deserialize, utoipa::ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PsksBody {
        /// The area of work: a regency, district or village code.
        area: String,
        /// PSKS kind code (1 TKSK … 9 panti).
        kind: u8,
        name: String,
        /// A worker's NIK; empty for an organisation.
        #[serde(default)]
        nik: String,
        registration: String,
        #[serde(default)]
        phone: String,
        address: String,
        /// An organisation's leader.
        #[serde(default)]
        leader: String,
        /// YYYY-MM-DD.
        valid_from: String,
        #[serde(default)]
        valid_until: Option<String>,
    }

    /// A PSKS record as the API answers it.
    #[derive(Serialize, utoipa::ToSchema)]
    pub struct PsksAnswer {
        id: uuid::Uuid,
        area: String,
        kind: u8,
        name: String,
        /// Masked.
        nik: String,
        registration: String,
        phone: String,
        address: String,
        leader: String,
        valid_from: String,
        valid_until: Option<String>,
        active: bool,
        version: i64,
        /// The households she accompanies, within the caller's scope (on one record; a list
        /// leaves them out).
        households: Vec<uuid::Uuid>,
    }

    fn psks_answer(r: &StoredPsks) -> PsksAnswer {
        let d = &r.record.details;
        PsksAnswer {
            id: r.id,
            area: r.record.area.to_string(),
            kind: r.record.kind.code(),
            name: d.name.clone(),
            nik: mask(&d.nik),
            registration: d.registration.clone(),
            phone: d.phone.clone(),
            address: d.address.clone(),
            leader: d.leader.clone(),
            valid_from: r.record.valid_from.to_string(),
            valid_until: r.record.valid_until.map(|u| u.to_string()),
            active: r.active,
            version: r.version,
            households: r.households.iter().map(|h| h.0).collect(),
        }
    }

    /// `GET /api/v1/psks`.
    pub async fn psks_list(
        State(state): State<AppState>,
        user: ApiUser,
        Query(q): Query<SocialQuery>,
    ) -> ApiResult {
        let kind = q.code.map(|c| code::<PsksKind>("code", c)).transpose()?;
        let (limit, offset) = page(&q);
        let listed = state
            .service
            .psks_list(&user.session.actor, kind, limit, offset)
            .await?;
        Ok(Json(listed.iter().map(psks_answer).collect::<Vec<_>>()).into_response())
    }

    /// `GET /api/v1/psks/{id}`.
    pub async fn psks(
        State(state): State<AppState>,
        user: ApiUser,
        Path(id): Path<String>,
    ) -> ApiResult {
        let id = id.parse().map_err(|_| WebError::NotFound)?;
        let found = state
            .service
            .psks(&user.session.actor, id)
            .await?
            .ok_or(WebError::NotFound)?;
        Ok(Json(psks_answer(&found)).into_response())
    }

    /// `POST /api/v1/psks`: 201 with the record.
    pub async fn create_psks(
        State(state): State<AppState>,
        user: ApiUser,
        headers: HeaderMap,
        ApiJson(body): ApiJson<PsksBody>,
    ) -> ApiResult {
        user.check_csrf(&headers)?;
        let actor = &user.session.actor;
        let record = PsksRecord {
            area: RegionCode::parse(body.area.trim())
                .map_err(|e| WebError::field("area", crate::lang::say(&e)))?,
            kind: code::<PsksKind>("kind", body.kind)?,
            valid_from: date("valid_from", &body.valid_from)?,
            valid_until: body
                .valid_until
                .filter(|d| !d.trim().is_empty())
                .map(|d| date("valid_until", &d))
                .transpose()?,
            details: PsksDetails {
                name: body.name,
                nik: body.nik,
                registration: body.registration,
                phone: body.phone,
                address: body.address,
                leader: body.leader,
            },
        };
        let id = state.service.add_psks(actor, record).await?;
        let found = state
            .service
            .psks(actor, id)
            .await?
            .ok_or(WebError::NotFound)?;
        Ok((StatusCode::CREATED, Json(psks_answer(&found))).into_response())
    }
}
