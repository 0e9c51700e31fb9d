//! The village's queue of what citizens brought (issue 20 item 2; issue 19 item 5): usul and
//! sanggah from the public side, a data subject's correction request from the data protection
//! officer. The operator opens one, turns it into a proposal (the proposal form opens filled
//! in from it, and saving it marks the request) or answers it with the reason the citizen
//! reads on the receipt page. The officer files a correction from the subject's report.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use siks_domain::citizen::{RequestKind, RequestStatus};
use siks_service::citizens::CitizenRequest;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::{Form, Path, Query};
use crate::lang::t;
use crate::pages::{Nav, render, see};

/// One row of the queue.
pub struct QueueRow {
    id: String,
    receipt: String,
    kind: &'static str,
    name: String,
    village: String,
    status: &'static str,
    waiting: bool,
    filed: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct QueuePage {
    nav: Option<Nav>,
    rows: Vec<QueueRow>,
    /// The status shown ('' for all) and the choices.
    status: String,
    choices: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
}

fn village_name(code: &siks_domain::RegionCode) -> String {
    siks_domain::Regions::embedded()
        .get(code)
        .map(|r| format!("{} ({code})", r.name))
        .unwrap_or_else(|| code.to_string())
}

/// `GET /permintaan`: the queue of the user's villages (waiting first by default).
pub async fn queue(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let status = match q.status.as_str() {
        "" => Some(RequestStatus::New),
        "semua" => None,
        key => Some(RequestStatus::parse(key).ok_or_else(|| WebError::Invalid {
            message: t("status permintaan tidak dikenal").into(),
            fields: Vec::new(),
        })?),
    };
    let listed = state
        .service
        .requests_in(&user.session.actor, status)
        .await?;
    let rows = listed
        .iter()
        .map(|r| QueueRow {
            id: r.id.to_string(),
            receipt: r.receipt.clone(),
            kind: t(r.kind.label()),
            name: r.content.subject_name.clone(),
            village: village_name(&r.village),
            status: t(r.status.label()),
            waiting: r.status == RequestStatus::New,
            filed: siks_domain::show::moment(r.created_at, r.village.time_zone()),
        })
        .collect();
    let html = render(QueuePage {
        nav: Nav::of(&user),
        rows,
        status: status.map_or("semua", RequestStatus::key).to_string(),
        choices: vec![
            ("baru", t("Menunggu")),
            ("diusulkan", t("Sudah diusulkan")),
            ("dijawab", t("Sudah dijawab")),
            ("semua", t("Semua")),
        ],
    })?;
    Ok(html.into_response())
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    nav: Option<Nav>,
    csrf: String,
    id: String,
    receipt: String,
    kind: &'static str,
    status: &'static str,
    waiting: bool,
    village: String,
    filed: String,
    /// (label, value) of what the citizen wrote, the numbers masked.
    fields: Vec<(&'static str, String)>,
    answer: String,
    /// The proposal it became, and its stage.
    proposal: Option<(String, &'static str)>,
    /// Where the operator enters the proposal it calls for, and the button's words.
    propose: Option<(String, &'static str)>,
    /// The record it is about (a sanggah's household, a correction's member), to look at.
    record: Option<(String, &'static str)>,
    error: Option<String>,
    form_answer: String,
    may_handle: bool,
    /// The usul carries a photo of the house.
    photo: bool,
}

fn request_page(
    user: &PageUser,
    r: &CitizenRequest,
    error: Option<String>,
    form_answer: String,
) -> Result<Response, WebError> {
    let masked = |raw: &str| {
        if raw.is_empty() {
            String::new()
        } else {
            siks_domain::disclosure::masked(raw)
        }
    };
    let c = &r.content;
    let mut fields = vec![
        (t("Pengirim"), c.requester.clone()),
        (t("Telepon"), c.phone.clone()),
        (
            match r.kind {
                RequestKind::Usul => t("Nama yang diusulkan"),
                _ => t("Nama yang dimaksud"),
            },
            c.subject_name.clone(),
        ),
    ];
    if r.kind == RequestKind::Usul {
        fields.push((t("NIK"), masked(&c.nik)));
        fields.push((t("No KK"), masked(&c.no_kk)));
        fields.push((t("Alamat"), c.address.clone()));
        fields.push((t("Bantuan yang diminta"), c.aid.clone()));
    }
    fields.push((t("Alasan"), c.reason.clone()));
    let waiting = r.status == RequestStatus::New;
    let may_handle = matches!(
        user.session.actor.role,
        siks_domain::Role::VillageOperator | siks_domain::Role::Admin
    );
    let propose = (waiting && may_handle).then(|| match (r.kind, r.household, r.person) {
        (RequestKind::Usul, _, _) => Some((
            format!("/rumah-tangga/baru?permintaan={}", r.id),
            t("Buat usulan rumah tangga baru dari permintaan ini"),
        )),
        (RequestKind::Sanggah, Some(h), _) => Some((
            format!("/rumah-tangga/{h}/hapus?permintaan={}", r.id),
            t("Buat usulan penghapusan rumah tangga ini"),
        )),
        (RequestKind::Correction, _, Some(p)) => Some((
            format!("/anggota/{p}/ubah?permintaan={}", r.id),
            t("Buat usulan perbaikan data orang ini"),
        )),
        _ => None,
    });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(RequestPage {
        photo: r.has_photo,
        nav: Nav::of(user),
        csrf: user.session.csrf_token.clone(),
        id: r.id.to_string(),
        receipt: r.receipt.clone(),
        kind: t(r.kind.label()),
        status: t(r.status.label()),
        waiting,
        village: village_name(&r.village),
        filed: siks_domain::show::moment(r.created_at, r.village.time_zone()),
        fields,
        answer: r.answer.clone(),
        proposal: r
            .proposal
            .map(|p| (p.to_string(), r.proposal_stage.map_or("", |s| t(s.label())))),
        propose: propose.flatten(),
        record: match (r.kind, r.household, r.person) {
            (RequestKind::Correction, _, Some(p)) => {
                Some((format!("/anggota/{p}"), t("Lihat data orang ini")))
            }
            (_, Some(h), _) => Some((
                format!("/rumah-tangga/{h}"),
                t("Lihat rumah tangga yang dimaksud"),
            )),
            _ => None,
        },
        error,
        form_answer,
        may_handle,
    })?;
    Ok((status, html).into_response())
}

fn request_id(id: &str) -> Result<uuid::Uuid, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// `GET /permintaan/{id}`: one request, what it asks, and what the operator can do with it.
pub async fn request(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let found = state
        .service
        .request(&user.session.actor, request_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    request_page(&user, &found, None, String::new())
}

/// `GET /permintaan/{id}/foto`: the photo of the house an usul carries. Audited.
pub async fn request_photo(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (content_type, bytes) = state
        .service
        .request_photo(&user.session.actor, request_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            // A photo of a house is personal data: kept by no cache, as every page.
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    #[serde(default)]
    jawaban: String,
}

/// `POST /permintaan/{id}/jawab`: answers the request without a proposal.
pub async fn answer(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let id = request_id(&id)?;
    let actor = &user.session.actor;
    match state.service.answer_request(actor, id, &form.jawaban).await {
        Ok(()) => Ok(see(format!("/permintaan/{id}?pesan=dijawab"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => {
            let found = state
                .service
                .request(actor, id)
                .await?
                .ok_or(WebError::NotFound)?;
            request_page(&user, &found, Some(crate::lang::say(&e)), form.jawaban)
        }
        Err(e) => Err(e.into()),
    }
}

/// The request a proposal form was opened from (`?permintaan=`), if it is one in scope still
/// waiting: the form fills itself from it and carries its id, and saving the proposal marks it.
pub(crate) async fn waiting_request(
    state: &AppState,
    user: &PageUser,
    id: Option<&str>,
) -> Result<Option<CitizenRequest>, WebError> {
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    Ok(state
        .service
        .request(&user.session.actor, request_id(id)?)
        .await?
        .filter(|r| r.status == RequestStatus::New))
}

/// The reason a proposal made from a request starts with.
pub(crate) fn proposal_reason(r: &CitizenRequest) -> String {
    // Kept with the proposal in the register's language, whoever reads the page.
    format!("{} {}: {}", r.kind.label(), r.receipt, r.content.reason)
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    csrf: String,
    orang: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    pemohon: String,
    #[serde(default)]
    telepon: String,
    #[serde(default)]
    koreksi: String,
}

/// `POST /subjek/koreksi`: the officer files the correction the data subject asks for, into
/// the village's queue; the report shows the receipt code to hand over.
pub async fn file_correction(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<CorrectionForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&form.csrf)?;
    let person = form.orang.parse().map_err(|_| WebError::NotFound)?;
    let back = |extra: String| {
        see(format!(
            "/subjek?nik={}&{extra}",
            crate::auth::urlencode(&form.nik)
        ))
    };
    match state
        .service
        .file_correction_request(
            &user.session.actor,
            person,
            &form.pemohon,
            &form.telepon,
            &form.koreksi,
        )
        .await
    {
        Ok(receipt) => Ok(back(format!("tanda_terima={receipt}"))),
        Err(e @ siks_service::ServiceError::Invalid { .. }) => Ok(back(format!(
            "koreksi_salah={}",
            crate::auth::urlencode(&crate::lang::say(&e))
        ))),
        Err(e) => Err(e.into()),
    }
}
