//! The public side (issue 20, docs/adr/0024): Cek Bansos, where anyone finds a name in a
//! village chosen from the region lists and sees the masked name, the desil and, per
//! programme, YA or TIDAK with the period, never a number, a date, an address or anyone else
//! of the household; the usul and sanggah forms, each behind a small sum to solve (no
//! third-party captcha) and a rate limit of their own, giving a receipt code; and the receipt
//! page, which shows where the request stands. No sign-in, no script: plain forms.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use siks_domain::citizen::{RequestContent, RequestKind, masked_name};
use siks_domain::{RegionCode, RegionLevel, Regions};
use siks_service::citizens::PublicMatch;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{Form, Path, Query};
use crate::lang::{t, tf};
use crate::pages::{render, see};
use crate::rate::ClientAddr;

/// The region lists a visitor chooses from, the chosen one of each level, and what the check
/// found.
#[derive(Deserialize, Default)]
pub struct CheckQuery {
    #[serde(default)]
    prov: String,
    #[serde(default)]
    kab: String,
    #[serde(default)]
    kec: String,
    #[serde(default)]
    desa: String,
    #[serde(default)]
    nama: String,
}

/// One level's list: its field name, label, the choices and the chosen code.
pub struct Level {
    field: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    chosen: String,
}

/// One person found, as the page shows it.
pub struct Found {
    name: String,
    desil: String,
    programmes: Vec<(String, String, bool)>,
    /// Where to object to this recipient; empty when no list holds the match (a sanggah is
    /// against a recipient only).
    sanggah: String,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    nav: Option<crate::pages::Nav>,
    levels: Vec<Level>,
    village: Option<(String, String)>,
    name: String,
    asked: bool,
    found: Vec<Found>,
    error: Option<String>,
}

/// The chosen code of a level, if it is one of that level under `parent`.
fn chosen(text: &str, level: RegionLevel, parent: Option<&RegionCode>) -> Option<RegionCode> {
    RegionCode::parse(text.trim()).ok().filter(|c| {
        c.level() == level && c.parent().as_ref() == parent && Regions::embedded().get(c).is_some()
    })
}

fn levels_of(q: &CheckQuery) -> (Vec<Level>, Option<RegionCode>) {
    let regions = Regions::embedded();
    let list = |parent: Option<&RegionCode>| -> Vec<(String, String)> {
        regions
            .children(parent)
            .map(|r| (r.code.to_string(), r.name.clone()))
            .collect()
    };
    let mut levels = Vec::new();
    let prov = chosen(&q.prov, RegionLevel::Province, None);
    levels.push(Level {
        field: "prov",
        label: t("Provinsi"),
        choices: list(None),
        chosen: prov.as_ref().map(|c| c.to_string()).unwrap_or_default(),
    });
    let Some(prov) = prov else {
        return (levels, None);
    };
    let kab = chosen(&q.kab, RegionLevel::Regency, Some(&prov));
    levels.push(Level {
        field: "kab",
        label: t("Kabupaten/kota"),
        choices: list(Some(&prov)),
        chosen: kab.as_ref().map(|c| c.to_string()).unwrap_or_default(),
    });
    let Some(kab) = kab else {
        return (levels, None);
    };
    let kec = chosen(&q.kec, RegionLevel::District, Some(&kab));
    levels.push(Level {
        field: "kec",
        label: t("Kecamatan"),
        choices: list(Some(&kab)),
        chosen: kec.as_ref().map(|c| c.to_string()).unwrap_or_default(),
    });
    let Some(kec) = kec else {
        return (levels, None);
    };
    let desa = chosen(&q.desa, RegionLevel::Village, Some(&kec));
    levels.push(Level {
        field: "desa",
        label: t("Desa/kelurahan"),
        choices: list(Some(&kec)),
        chosen: desa.as_ref().map(|c| c.to_string()).unwrap_or_default(),
    });
    (levels, desa)
}

fn origin(client: &Option<axum::Extension<ClientAddr>>) -> String {
    client
        .as_ref()
        .map(|c| c.0.0.to_string())
        .unwrap_or_default()
}

fn found_rows(village: &RegionCode, found: Vec<PublicMatch>) -> Vec<Found> {
    found
        .into_iter()
        .map(|m| Found {
            sanggah: if m.programmes.iter().any(|(_, _, on)| *on) {
                format!(
                    "/cek/sanggah?desa={village}&rt={}&nama={}",
                    m.household,
                    crate::auth::urlencode(&masked_name(&m.full_name))
                )
            } else {
                String::new()
            },
            name: masked_name(&m.full_name),
            desil: m
                .desil
                .map_or_else(|| t("belum diperingkat").to_string(), |d| d.to_string()),
            programmes: m
                .programmes
                .into_iter()
                .map(|(code, period, on)| (code, siks_domain::show::period(&period), on))
                .collect(),
        })
        .collect()
}

/// `GET /cek`: the regions chosen level by level, then a name in the village.
pub async fn check(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientAddr>>,
    Query(q): Query<CheckQuery>,
) -> Result<Response, WebError> {
    let (levels, village) = levels_of(&q);
    let asked = village.is_some() && !q.nama.trim().is_empty();
    let (found, error) = match (&village, asked) {
        (Some(v), true) => match state
            .service
            .public_check(&origin(&client), v.as_str(), &q.nama)
            .await
        {
            Ok(found) => (found_rows(v, found), None),
            Err(e @ siks_service::ServiceError::Invalid { .. }) => {
                (Vec::new(), Some(crate::lang::say(&e)))
            }
            Err(e) => return Err(e.into()),
        },
        _ => (Vec::new(), None),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(CheckPage {
        nav: None,
        levels,
        village: village.as_ref().map(|v| {
            (
                v.to_string(),
                Regions::embedded()
                    .get(v)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
            )
        }),
        name: q
            .nama
            .trim()
            .chars()
            .take(siks_domain::citizen::CHECK_NAME_MAX)
            .collect(),
        asked: asked && error.is_none(),
        found,
        error,
    })?;
    Ok((status, html).into_response())
}

/// The public check's query: a village's code and a name as on the KTP.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicCheckQuery {
    /// The village (desa/kelurahan) code, e.g. 35.23.01.2001.
    desa: String,
    /// The full name as on the KTP (compared whole, never a prefix).
    nama: String,
}

/// The check's answer as JSON: the same masked names, desil and programmes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckAnswer {
    village: String,
    found: Vec<CheckedPerson>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckedPerson {
    name: String,
    desil: Option<u8>,
    programmes: Vec<CheckedProgramme>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckedProgramme {
    code: String,
    period: String,
    recipient: bool,
}

/// `GET /api/v1/public/check?desa=&nama=`: the check without a page, no sign-in.
pub async fn check_json(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientAddr>>,
    Query(q): Query<PublicCheckQuery>,
) -> Result<Json<CheckAnswer>, WebError> {
    let invalid = |message: String, field: &str| WebError::Invalid {
        message: message.clone(),
        fields: vec![(field.to_string(), message)],
    };
    let village = RegionCode::parse(q.desa.trim())
        .ok()
        .filter(|c| c.level() == RegionLevel::Village && Regions::embedded().get(c).is_some())
        .ok_or_else(|| invalid(t("desa: kode desa/kelurahan tidak dikenal").into(), "desa"))?;
    let found = state
        .service
        .public_check(&origin(&client), village.as_str(), &q.nama)
        .await
        .map_err(|e| match e {
            e @ siks_service::ServiceError::Invalid { .. } => invalid(crate::lang::say(&e), "nama"),
            e => e.into(),
        })?;
    Ok(Json(CheckAnswer {
        village: village.to_string(),
        found: found
            .into_iter()
            .map(|m| CheckedPerson {
                name: masked_name(&m.full_name),
                desil: m.desil,
                programmes: m
                    .programmes
                    .into_iter()
                    .map(|(code, period, recipient)| CheckedProgramme {
                        code,
                        period,
                        recipient,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// The sum a form asks before it is taken: two small numbers, the answer's expiry, signed
/// with this process's own key (a form older than a restart asks again).
struct Challenge {
    question: String,
    token: String,
}

fn challenge_key() -> &'static [u8; 32] {
    static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    KEY.get_or_init(rand::random)
}

fn challenge_mac(answer: u32, expires: i64, nonce: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(challenge_key())
        .expect("HMAC takes a key of any length");
    mac.update(format!("{answer}:{expires}:{nonce}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How long a citizen has to fill a form in.
const CHALLENGE_SECONDS: i64 = 60 * 60;

/// Solved sums remembered until they expire, so that one solved sum files one request: (when
/// it expires, its nonce). At most this many; past it the oldest are forgotten first (they
/// expire first too).
const SOLVED_KEPT: usize = 200_000;

fn solved_sums() -> &'static std::sync::Mutex<std::collections::BTreeSet<(i64, String)>> {
    static SOLVED: std::sync::OnceLock<
        std::sync::Mutex<std::collections::BTreeSet<(i64, String)>>,
    > = std::sync::OnceLock::new();
    SOLVED.get_or_init(Default::default)
}

fn new_challenge(state: &AppState) -> Challenge {
    let (a, b) = (rand::random::<u32>() % 9 + 1, rand::random::<u32>() % 9 + 1);
    let expires = state.service.now().timestamp() + CHALLENGE_SECONDS;
    let nonce: String = rand::random::<[u8; 8]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Challenge {
        question: tf("Berapa {} tambah {}?", &[&a, &b]),
        token: format!(
            "{expires}:{nonce}:{}",
            challenge_mac(a + b, expires, &nonce)
        ),
    }
}

/// Whether the sum is solved, with a token this process signed, not expired and not used
/// before (it is used now).
fn challenge_solved(state: &AppState, token: &str, answer: &str) -> bool {
    let mut parts = token.splitn(3, ':');
    let (Some(expires), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(expires), Ok(answer)) = (expires.parse::<i64>(), answer.trim().parse::<u32>()) else {
        return false;
    };
    let now = state.service.now().timestamp();
    if expires < now
        || answer > 18
        || challenge_mac(answer, expires, nonce).as_bytes() != mac.as_bytes()
    {
        return false;
    }
    let mut solved = match solved_sums().lock() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    };
    // Forget what expired (and the oldest past the bound).
    while let Some(first) = solved.first().cloned() {
        if first.0 < now || solved.len() >= SOLVED_KEPT {
            solved.remove(&first);
        } else {
            break;
        }
    }
    solved.insert((expires, nonce.to_string()))
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    desa: String,
    #[serde(default)]
    rt: String,
    #[serde(default)]
    pengirim: String,
    #[serde(default)]
    telepon: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    no_kk: String,
    #[serde(default)]
    alamat: String,
    #[serde(default)]
    bantuan: String,
    #[serde(default)]
    alasan: String,
    #[serde(default)]
    tantangan: String,
    #[serde(default)]
    jawaban: String,
}

#[derive(Template)]
#[template(path = "citizen_form.html")]
struct RequestFormPage {
    nav: Option<crate::pages::Nav>,
    usul: bool,
    action: &'static str,
    village: String,
    village_name: String,
    household: String,
    /// The masked name of the recipient a sanggah is against.
    against: String,
    form: RequestForm,
    question: String,
    token: String,
    error: Option<String>,
    /// The field the error is about.
    error_field: String,
}

/// The village a form is for, known and at village level.
fn form_village(code: &str) -> Result<(RegionCode, String), WebError> {
    let code = RegionCode::parse(code.trim())
        .ok()
        .filter(|c| c.level() == RegionLevel::Village)
        .ok_or(WebError::NotFound)?;
    let name = Regions::embedded()
        .get(&code)
        .map(|r| r.name.clone())
        .ok_or(WebError::NotFound)?;
    Ok((code, name))
}

fn form_page(
    state: &AppState,
    kind: RequestKind,
    form: RequestForm,
    error: Option<(String, String)>,
) -> Result<Response, WebError> {
    let (village, village_name) = form_village(&form.desa)?;
    let challenge = new_challenge(state);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error, error_field) = error.map_or((None, String::new()), |(m, f)| (Some(m), f));
    let html = render(RequestFormPage {
        nav: None,
        usul: kind == RequestKind::Usul,
        action: if kind == RequestKind::Usul {
            "/cek/usul"
        } else {
            "/cek/sanggah"
        },
        village: village.to_string(),
        village_name,
        household: form.rt.clone(),
        against: masked_name(&form.nama),
        form: RequestForm {
            jawaban: String::new(),
            tantangan: String::new(),
            ..form
        },
        question: challenge.question,
        token: challenge.token,
        error,
        error_field,
    })?;
    Ok((status, html).into_response())
}

/// `GET /cek/usul?desa=`: the usul form of a village.
pub async fn usul_form(
    State(state): State<AppState>,
    Query(form): Query<RequestForm>,
) -> Result<Response, WebError> {
    form_page(&state, RequestKind::Usul, form, None)
}

/// `GET /cek/sanggah?desa=&rt=&nama=`: the sanggah form against a recipient the check found.
pub async fn sanggah_form(
    State(state): State<AppState>,
    Query(form): Query<RequestForm>,
) -> Result<Response, WebError> {
    if form.rt.parse::<uuid::Uuid>().is_err() {
        return Err(WebError::NotFound);
    }
    form_page(&state, RequestKind::Sanggah, form, None)
}

async fn file(
    state: AppState,
    client: Option<axum::Extension<ClientAddr>>,
    kind: RequestKind,
    form: RequestForm,
    photo: Option<Vec<u8>>,
) -> Result<Response, WebError> {
    if !challenge_solved(&state, &form.tantangan, &form.jawaban) {
        let message = t("Jawaban hitungan salah atau formulir sudah terlalu lama dibuka: jawab hitungan yang baru.").into();
        return form_page(&state, kind, form, Some((message, "jawaban".into())));
    }
    let household = match kind {
        RequestKind::Sanggah => Some(form.rt.parse().map_err(|_| WebError::NotFound)?),
        _ => None,
    };
    let content = RequestContent {
        requester: form.pengirim.clone(),
        phone: form.telepon.clone(),
        subject_name: form.nama.clone(),
        nik: form.nik.clone(),
        no_kk: form.no_kk.clone(),
        address: form.alamat.clone(),
        aid: form.bantuan.clone(),
        reason: form.alasan.clone(),
    };
    // The fields checked here first, to name the one at fault on the form.
    if let Err(e) = content.clone().checked(kind) {
        let message = crate::lang::say(&e);
        return form_page(&state, kind, form, Some((message, e.field.to_string())));
    }
    match state
        .service
        .file_public_request(
            &origin(&client),
            kind,
            &form.desa,
            household,
            content,
            photo,
        )
        .await
    {
        Ok(receipt) => Ok(see(format!("/cek/tanda-terima/{receipt}?baru=1"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => {
            let message = crate::lang::say(&e);
            form_page(&state, kind, form, Some((message, String::new())))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /cek/usul`: files an usul, with a photo of the house when one is chosen (the form is
/// then multipart; without a photo, a plain form is taken as well); the receipt page follows.
pub async fn file_usul(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientAddr>>,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(form) = Form::<RequestForm>::from_request(request, &state).await?;
        return file(state, client, RequestKind::Usul, form, None).await;
    }
    let mut fields = axum::extract::Multipart::from_request(request, &state)
        .await
        .map_err(|e| WebError::field("foto", e.body_text()))?;
    let mut values = std::collections::BTreeMap::new();
    let mut photo = None;
    while let Some(field) = fields
        .next_field()
        .await
        .map_err(|e| WebError::field("foto", e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "foto" {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError::field("foto", e.body_text()))?;
            // No file chosen: the browser sends an empty part.
            photo = (!bytes.is_empty()).then(|| bytes.to_vec());
        } else {
            values.insert(name, field.text().await.unwrap_or_default());
        }
    }
    let mut value = |name: &str| values.remove(name).unwrap_or_default();
    let form = RequestForm {
        desa: value("desa"),
        rt: value("rt"),
        pengirim: value("pengirim"),
        telepon: value("telepon"),
        nama: value("nama"),
        nik: value("nik"),
        no_kk: value("no_kk"),
        alamat: value("alamat"),
        bantuan: value("bantuan"),
        alasan: value("alasan"),
        tantangan: value("tantangan"),
        jawaban: value("jawaban"),
    };
    file(state, client, RequestKind::Usul, form, photo).await
}

/// `POST /cek/sanggah`: files a sanggah; the receipt page follows.
pub async fn file_sanggah(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientAddr>>,
    Form(form): Form<RequestForm>,
) -> Result<Response, WebError> {
    file(state, client, RequestKind::Sanggah, form, None).await
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    nav: Option<crate::pages::Nav>,
    code: String,
    fresh: bool,
    /// (kind, village, filed, status, answer, proposal's stage, updated)
    found: Option<ReceiptShown>,
    asked: bool,
}

pub struct ReceiptShown {
    kind: &'static str,
    village: String,
    filed: String,
    status: &'static str,
    answer: String,
    stage: String,
    updated: String,
}

#[derive(Deserialize, Default)]
pub struct ReceiptQuery {
    #[serde(default)]
    kode: String,
    #[serde(default)]
    baru: String,
}

async fn receipt_page(state: &AppState, code: &str, fresh: bool) -> Result<Response, WebError> {
    let asked = !code.trim().is_empty();
    let found = if asked {
        state.service.receipt(code).await?.map(|r| {
            let zone = r.village.time_zone();
            ReceiptShown {
                kind: t(r.kind.label()),
                village: Regions::embedded()
                    .get(&r.village)
                    .map(|v| v.name.clone())
                    .unwrap_or_default(),
                filed: siks_domain::show::moment(r.created_at, zone),
                status: t(r.status.label()),
                answer: r.answer,
                stage: r
                    .proposal_stage
                    .map(|s| t(s.label()).to_string())
                    .unwrap_or_default(),
                updated: siks_domain::show::moment(r.updated_at, zone),
            }
        })
    } else {
        None
    };
    let status = if asked && found.is_none() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let html = render(ReceiptPage {
        nav: None,
        code: code.trim().chars().take(20).collect(),
        fresh,
        found,
        asked,
    })?;
    Ok((status, html).into_response())
}

/// `GET /cek/tanda-terima?kode=`: the form to type a receipt code, and its answer.
pub async fn receipt_lookup(
    State(state): State<AppState>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, WebError> {
    receipt_page(&state, &q.kode, false).await
}

/// `GET /cek/tanda-terima/{code}`: where one request stands.
pub async fn receipt(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, WebError> {
    receipt_page(&state, &code, q.baru == "1").await
}
