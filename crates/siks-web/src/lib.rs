//! The siks web application: Indonesian HTML pages for operators and the JSON API `/api/v1`.
//! Handlers are thin: they read the request, call the store with the signed-in actor, and render.
//! Every route is declared once in [`routes!`], which builds both the router and the [`ROUTES`]
//! access table, so no endpoint can exist without its entry.
#![forbid(unsafe_code)]

pub mod answers;
pub mod api;
pub mod auth;
pub mod charts;
pub mod citizens;
pub mod edit;
pub mod english;
pub mod error;
pub mod export;
pub mod extract;
pub mod findings;
pub mod forms;
pub mod guide;
pub mod jobs;
pub mod lang;
pub mod notice;
pub mod observe;
pub mod openapi;
pub mod pages;
pub mod pdf;
pub mod programmes;
pub mod public;
pub mod rate;
pub mod reports;
pub mod requests;
pub mod reveal;
pub mod second_factor;
pub mod social;
pub mod subjects;
pub mod tokens;
pub mod upload;
pub mod users;
pub mod words;
pub mod workflow;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use siks_domain::Role;
use siks_service::{Service, SessionPolicy};
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::WebError;

/// Settings of a running server.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    pub policy: SessionPolicy,
    /// The deployment's way up (province stage on or off).
    pub workflow: siks_domain::workflow::WorkflowConfig,
    /// Cookies `Secure` with the `__Host-` prefix (served over HTTPS, or by default anywhere but
    /// plain HTTP on loopback: see `siks serve`).
    pub secure_cookies: bool,
    /// Tell browsers to come back over HTTPS only (`Strict-Transport-Security`): the server is
    /// behind HTTPS.
    pub hsts: bool,
    /// How long an upload's post waits for its job (default [`upload::UPLOAD_WAIT`]).
    pub upload_wait: Option<std::time::Duration>,
    /// How long a check run's or a close's post waits for its job (default [`jobs::JOB_WAIT`]).
    pub job_wait: Option<std::time::Duration>,
    /// The rate limits of the public pages and the API ([`rate`]).
    pub rates: rate::Rates,
    /// Proxies whose `X-Forwarded-For` names the client ([`rate::client_of`]).
    pub trusted_proxies: Vec<rate::Network>,
}

impl AppConfig {
    /// The session cookie's name: `__Host-siks_sesi` when Secure (a browser then takes it only
    /// from this host over HTTPS, for the whole site, never set by a sibling domain).
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies {
            auth::SECURE_SESSION_COOKIE
        } else {
            auth::SESSION_COOKIE
        }
    }

    /// The sign-in form's CSRF cookie's name, prefixed as the session's.
    pub fn login_csrf_cookie(&self) -> &'static str {
        if self.secure_cookies {
            auth::SECURE_LOGIN_CSRF_COOKIE
        } else {
            auth::LOGIN_CSRF_COOKIE
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub config: Arc<AppConfig>,
    /// The page's upload jobs.
    pub uploads: Arc<upload::UploadJobs>,
    /// Requests and latency per route, for `/metrics`.
    pub metrics: Arc<observe::Metrics>,
    /// Slots for jobs running at once ([`jobs::JOB_SLOTS`]).
    pub job_slots: Arc<tokio::sync::Semaphore>,
    /// The rate limits' tallies.
    pub limiter: Arc<rate::Limiter>,
    /// Which specific fields each session has had revealed.
    pub reveals: Arc<reveal::Reveals>,
}

/// Who may call a route (the region is the store's business: out of scope answers 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// No sign-in needed.
    Anyone,
    /// Any signed-in role.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
}

/// Roles that write the register.
pub const WRITERS: &[Role] = &[
    Role::VillageOperator,
    Role::DistrictOperator,
    Role::RegencyOperator,
    Role::ProvinceOperator,
    Role::Pusat,
    Role::Admin,
];
/// Roles that enter proposals.
pub const PROPOSERS: &[Role] = &[Role::VillageOperator, Role::Admin];
/// Roles that act at some stage of a proposal.
pub const STEPPERS: &[Role] = &[
    Role::VillageOperator,
    Role::RegencyVerifier,
    Role::Ratifier,
    Role::ProvinceOperator,
    Role::Pusat,
    Role::Admin,
];
/// Roles that ratify a regency's proposals.
pub const RATIFIERS: &[Role] = &[Role::Ratifier, Role::Admin];
/// Roles that close periods.
pub const DETERMINERS: &[Role] = &[Role::Pusat, Role::Admin];
/// Roles that read the audit log.
pub const AUDITORS: &[Role] = &[Role::Auditor, Role::Dpo, Role::Admin];
/// Roles that answer a data subject's request for their report (UU 27/2022 Pasal 32).
pub const SUBJECT_OFFICERS: &[Role] = &[Role::Dpo, Role::Admin];
/// Who imports the outside lists (civil registry, deaths, civil servants, exclusions).
pub const LISTERS: &[Role] = &[Role::Pusat, Role::Admin];
/// Roles that manage accounts.
pub const ADMINS: &[Role] = &[Role::Admin];

/// One entry of the access table.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub who: Who,
    /// `true` for `/api/v1` routes (JSON answers).
    pub api: bool,
    pub summary: &'static str,
}

impl RouteSpec {
    pub fn allows(&self, role: Option<Role>) -> bool {
        match (self.who, role) {
            (Who::Anyone, _) => true,
            (_, None) => false,
            (Who::SignedIn, Some(_)) => true,
            (Who::Roles(roles), Some(r)) => roles.contains(&r),
        }
    }
}

macro_rules! routes {
    ($( $method:ident $path:literal => $handler:path, $who:expr, $api:literal, $limit:expr, $summary:literal; )+) => {
        /// The access table: every route, who may call it, and what it does.
        pub const ROUTES: &[RouteSpec] = &[
            $( RouteSpec {
                method: routes!(@method $method),
                path: $path,
                who: $who,
                api: $api,
                summary: $summary,
            }, )+
        ];

        fn declared_routes(state: &AppState) -> Router<AppState> {
            Router::new()
                $( .route(
                    $path,
                    $method($handler)
                        .route_layer(axum::middleware::from_fn_with_state(
                            state.clone(),
                            |st: State<AppState>, req: Request, next: Next| gate(st, $who, $api, req, next),
                        ))
                        .route_layer(DefaultBodyLimit::max($limit)),
                ) )+
        }
    };
    (@method get) => { "GET" };
    (@method post) => { "POST" };
    (@method put) => { "PUT" };
}

routes! {
    get "/healthz" => pages::healthz, Who::Anyone, false, BODY_LIMIT, "Server is up";
    get "/metrics" => observe::metrics, Who::Anyone, false, BODY_LIMIT, "Prometheus metrics: requests and latency per route, jobs by kind and state (an admin's session, or a scraper on this machine)";
    get "/static/siks.js" => pages::script, Who::Anyone, false, BODY_LIMIT, "The pages' one small script (select all)";
    get "/panduan" => guide::guide_book, Who::SignedIn, false, BODY_LIMIT, "Each role's guide, its tasks step by step with pictures of the pages";
    get "/panduan/gambar/{name}" => guide::picture, Who::SignedIn, false, BODY_LIMIT, "A picture of a guide (a screenshot the browser walk took)";
    get "/istilah" => guide::glossary, Who::SignedIn, false, BODY_LIMIT, "The glossary of the register's words";
    get "/bahasa/{code}" => lang::switch, Who::Anyone, false, BODY_LIMIT, "Switch the pages' language (id or en), kept in a cookie for a year, back to the page it was asked on";
    get "/static/favicon.svg" => pages::favicon, Who::Anyone, false, BODY_LIMIT, "The tab's icon";
    get "/masuk" => pages::login_form, Who::Anyone, false, BODY_LIMIT, "Sign-in page";
    post "/masuk" => pages::login, Who::Anyone, false, BODY_LIMIT, "Sign in";
    get "/masuk/kode" => second_factor::factor_form, Who::Anyone, false, BODY_LIMIT, "The second factor: enrol an authenticator app (QR code, recovery codes shown once), or type its code at sign-in and again before a bulk export, a close or a rule change";
    post "/masuk/kode" => second_factor::give_factor, Who::Anyone, false, BODY_LIMIT, "Give the second factor (a code or a recovery code; enrolment's first code); throttled and audited";
    post "/keluar" => pages::logout, Who::SignedIn, false, BODY_LIMIT, "Sign out";
    get "/" => pages::dashboard, Who::SignedIn, false, BODY_LIMIT, "Dashboard of the user's scope";
    get "/wilayah/{code}" => pages::region_dashboard, Who::SignedIn, false, BODY_LIMIT, "Dashboard of a region inside the scope";
    get "/rumah-tangga" => pages::household_list, Who::SignedIn, false, BODY_LIMIT, "Household list with search and filters";
    get "/rumah-tangga/baru" => edit::new_household_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose a new household";
    post "/rumah-tangga/baru" => edit::create_household, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose a new household with its members (a draft; or revise the draft the form was opened from)";
    get "/rumah-tangga/{id}" => pages::household_page, Who::SignedIn, false, BODY_LIMIT, "One household with members and history";
    get "/rumah-tangga/{id}/pdf" => pages::household_pdf, Who::SignedIn, false, BODY_LIMIT, "A household's data sheet by name and address as a PDF (NIK and No KK masked)";
    get "/rumah-tangga/{id}/ubah" => edit::edit_household_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose a correction of a household";
    post "/rumah-tangga/{id}/ubah" => edit::update_household, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose a correction of a household: first shown field by field, then saved as a draft";
    get "/rumah-tangga/{id}/anggota-baru" => edit::new_member_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose a member joining";
    post "/rumah-tangga/{id}/anggota-baru" => edit::add_member, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose a member joining (born, married in, moved in)";
    get "/rumah-tangga/{id}/hapus" => requests::household_removal_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose removing a household";
    post "/rumah-tangga/{id}/hapus" => requests::propose_household_removal, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose removing a household, with its reason and evidence";
    get "/rumah-tangga/{id}/pindah" => requests::move_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose moving a household to another village";
    post "/rumah-tangga/{id}/pindah" => requests::propose_move, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose moving a household to a village anywhere in the country (by name or code)";
    get "/rumah-tangga/{id}/program" => requests::programme_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to request a programme for a household";
    post "/rumah-tangga/{id}/program" => requests::propose_programme, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose a programme for a household";
    get "/anggota/{id}/hapus" => requests::member_removal_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose removing a member";
    post "/anggota/{id}/hapus" => requests::propose_member_removal, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose removing a member, with its reason and evidence";
    post "/rumah-tangga/{id}/foto" => edit::upload_photo, Who::Roles(PROPOSERS), false, PHOTO_BODY_LIMIT, "Add an evidence photo";
    get "/rumah-tangga/{id}/foto/{sha}" => pages::photo, Who::SignedIn, false, BODY_LIMIT, "One evidence photo";
    get "/anggota/{id}" => pages::member_page, Who::SignedIn, false, BODY_LIMIT, "One member with every proposal about them and every change";
    post "/anggota/{id}/tampilkan" => reveal::reveal_field, Who::SignedIn, false, BODY_LIMIT, "Reveal one masked field of a member to this session, for a purpose chosen from a list; audited";
    get "/anggota/{id}/ubah" => edit::edit_member_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to propose a correction of a member";
    post "/anggota/{id}/ubah" => edit::update_member, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Propose a correction of a member: first shown field by field, then saved as a draft";
    get "/ppks" => social::ppks_list, Who::SignedIn, false, BODY_LIMIT, "The PPKS registry of the scope: its people and families with social-welfare problems, counts per region and category";
    get "/ppks/baru" => social::new_ppks_form, Who::Roles(WRITERS), false, BODY_LIMIT, "Form of a new PPKS record";
    post "/ppks/baru" => social::create_ppks, Who::Roles(WRITERS), false, BODY_LIMIT, "Register a PPKS record";
    get "/ppks/templat.xlsx" => social::ppks_template, Who::Roles(WRITERS), false, BODY_LIMIT, "The PPKS upload template";
    post "/ppks/unggah" => social::ppks_upload, Who::Roles(WRITERS), false, LIST_BODY_LIMIT, "Upload a filled-in PPKS template: every row checked, all or none";
    get "/ppks/unduh/{file}" => social::ppks_download, Who::SignedIn, false, BODY_LIMIT, "Download the PPKS registry of the scope (ppks.xlsx or ppks.csv)";
    get "/ppks/{id}" => social::ppks_page, Who::SignedIn, false, BODY_LIMIT, "One PPKS record in its form";
    post "/ppks/{id}" => social::update_ppks, Who::Roles(WRITERS), false, BODY_LIMIT, "Change a PPKS record (its service after an assessment), or end it";
    get "/psks" => social::psks_list, Who::SignedIn, false, BODY_LIMIT, "The PSKS registry: social-welfare workers and organisations working in or over the scope, counts per region and kind";
    get "/psks/baru" => social::new_psks_form, Who::Roles(WRITERS), false, BODY_LIMIT, "Form of a new PSKS record";
    post "/psks/baru" => social::create_psks, Who::Roles(WRITERS), false, BODY_LIMIT, "Register a PSKS record";
    get "/psks/templat.xlsx" => social::psks_template, Who::Roles(WRITERS), false, BODY_LIMIT, "The PSKS upload template";
    post "/psks/unggah" => social::psks_upload, Who::Roles(WRITERS), false, LIST_BODY_LIMIT, "Upload a filled-in PSKS template: every row checked, all or none";
    get "/psks/unduh/{file}" => social::psks_download, Who::SignedIn, false, BODY_LIMIT, "Download the PSKS registry of the scope (psks.xlsx or psks.csv)";
    get "/psks/{id}" => social::psks_page, Who::SignedIn, false, BODY_LIMIT, "One PSKS record in its form, with the households she accompanies";
    post "/psks/{id}" => social::update_psks, Who::Roles(WRITERS), false, BODY_LIMIT, "Change a PSKS record, or end it";
    post "/psks/{id}/dampingan" => social::link_household, Who::Roles(WRITERS), false, BODY_LIMIT, "Link a household a PSKS worker (a PKH companion) accompanies";
    get "/permintaan" => citizens::queue, Who::SignedIn, false, BODY_LIMIT, "The queue of citizens' usul, sanggah and data subjects' correction requests of the user's villages";
    get "/permintaan/{id}/foto" => citizens::request_photo, Who::SignedIn, false, BODY_LIMIT, "The photo of the house a citizen's usul carries (audited)";
    get "/permintaan/{id}" => citizens::request, Who::SignedIn, false, BODY_LIMIT, "One citizen's request: what it asks, the proposal to make from it, the answer";
    post "/permintaan/{id}/jawab" => citizens::answer, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Answer a citizen's request without a proposal, with the reason the citizen reads";
    get "/usulan" => workflow::inbox, Who::SignedIn, false, BODY_LIMIT, "Proposals waiting at a stage, with how long they waited and batch steps";
    post "/usulan/langkah" => workflow::step_batch, Who::Roles(STEPPERS), false, BODY_LIMIT, "Take one step on the ticked proposals";
    get "/usulan/{id}/ubah" => requests::revise_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "A draft or returned proposal reopened in its form, to revise";
    get "/usulan/{id}" => workflow::proposal_page, Who::SignedIn, false, BODY_LIMIT, "One proposal with what it asks and its trail";
    get "/musdes" => workflow::musdes_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to record a musdes and its decisions";
    post "/musdes" => workflow::record_musdes, Who::Roles(PROPOSERS), false, SCAN_BODY_LIMIT, "Record a musdes and its decisions";
    get "/sptjm" => workflow::sptjm_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to submit proposals with an SPTJM";
    post "/sptjm" => workflow::sign_sptjm, Who::Roles(PROPOSERS), false, SCAN_BODY_LIMIT, "Submit proposals with an SPTJM";
    get "/dokumen" => workflow::papers, Who::SignedIn, false, BODY_LIMIT, "Berita acara, SPTJM and ratification lists in scope";
    get "/dokumen/{id}" => workflow::paper_page, Who::SignedIn, false, BODY_LIMIT, "A berita acara or SPTJM, ready to print";
    get "/dokumen/{id}/pdf" => workflow::paper_pdf, Who::SignedIn, false, BODY_LIMIT, "A berita acara or SPTJM as a PDF (A4, fonts embedded, NIK masked)";
    get "/dokumen/{id}/pindaian" => workflow::scan, Who::SignedIn, false, BODY_LIMIT, "The signed scan of a berita acara or SPTJM";
    post "/dokumen/{id}/pindaian" => workflow::upload_scan, Who::Roles(PROPOSERS), false, SCAN_BODY_LIMIT, "Upload the signed scan";
    get "/pengesahan" => workflow::ratify_form, Who::Roles(RATIFIERS), false, BODY_LIMIT, "Proposals waiting for the regency's ratification";
    post "/pengesahan" => workflow::ratify, Who::Roles(RATIFIERS), false, BODY_LIMIT, "Ratify the ticked proposals as one numbered list";
    get "/pengesahan/{id}/pdf" => workflow::ratification_pdf, Who::SignedIn, false, BODY_LIMIT, "A ratification list as a PDF";
    get "/pengesahan/{id}" => workflow::ratification_page, Who::SignedIn, false, BODY_LIMIT, "A ratification list, ready to print";
    get "/periode" => workflow::periods_page, Who::SignedIn, false, BODY_LIMIT, "Closed periods, the close and the comparison of two periods";
    get "/periode/tutup" => workflow::close_confirmation, Who::Roles(DETERMINERS), false, BODY_LIMIT, "What closing a period will apply and send back, per regency, before anything is written";
    post "/periode/tutup" => workflow::close_period, Who::Roles(DETERMINERS), false, BODY_LIMIT, "Close a period once its confirmation page was seen (konfirmasi=ya), as a job";
    get "/tugas" => jobs::jobs_page, Who::SignedIn, false, BODY_LIMIT, "The user's jobs (check runs, period closes) with their state";
    get "/tugas/{id}" => jobs::job_page, Who::SignedIn, false, BODY_LIMIT, "One job: its progress while it runs, what it came to, run again when it stopped";
    post "/tugas/{id}/ulang" => jobs::run_again, Who::SignedIn, false, BODY_LIMIT, "Run a failed or interrupted job again";
    get "/temuan" => findings::findings_page, Who::SignedIn, false, BODY_LIMIT, "Verivali findings of the region, with counts per kind";
    post "/temuan/periksa" => findings::run_checks, Who::Roles(findings::CHECKERS), false, BODY_LIMIT, "Run every check on the region's households";
    post "/temuan/{id}/tolak" => findings::dismiss, Who::Roles(WRITERS), false, BODY_LIMIT, "Dismiss a finding with a reason";
    post "/temuan/{id}/usulan" => findings::propose, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Enter the removal proposal a finding calls for";
    get "/ekspor/{file}" => export::download, Who::SignedIn, false, BODY_LIMIT, "Download a list of the region (rumah-tangga, anggota, temuan) as .xlsx or .csv";
    get "/templat/{file}" => export::template, Who::SignedIn, false, BODY_LIMIT, "Download an upload template (rumah-tangga-baru, perbaikan, penghapusan, hasil-verivali) as .xlsx or .csv";
    get "/unggah" => upload::upload_form, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Form to upload a filled-in template, and the user's recent uploads";
    post "/unggah" => upload::upload, Who::Roles(PROPOSERS), false, LIST_BODY_LIMIT, "Upload new households, corrections, removals or verivali results (XLSX or CSV) as a background job";
    get "/unggah/{id}" => upload::job_page, Who::Roles(PROPOSERS), false, BODY_LIMIT, "An upload job: its progress while it runs, its report by cell when done";
    post "/unggah/{id}/batal" => upload::cancel, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Cancel a running upload job";
    get "/unggah/{id}/laporan.xlsx" => upload::report, Who::Roles(PROPOSERS), false, BODY_LIMIT, "Download an upload job's error report";
    get "/kualitas" => findings::quality_page, Who::SignedIn, false, BODY_LIMIT, "Data quality: valid and not valid per region, open findings per kind";
    get "/program" => programmes::programmes_page, Who::SignedIn, false, BODY_LIMIT, "Programmes in force with their rules; a period's beneficiary lists over the region and who left";
    get "/laporan" => reports::report_page, Who::SignedIn, false, BODY_LIMIT, "Report of a region: status, desil, programmes, data quality, proposals by stage and periods, each as a chart with its table";
    get "/laporan/unduh/{file}" => reports::download, Who::SignedIn, false, BODY_LIMIT, "Download one table of a region's report (SECTION.xlsx or SECTION.csv)";
    get "/publik" => reports::public_index, Who::Anyone, false, BODY_LIMIT, "The provinces, each with its public summary";
    get "/cek" => public::check, Who::Anyone, false, BODY_LIMIT, "Cek Bansos: choose the village, write a name as on the KTP; the masked name, the desil and each programme's YA/TIDAK with its period";
    get "/cek/usul" => public::usul_form, Who::Anyone, false, BODY_LIMIT, "A citizen's usul form of a village (a small sum to solve, rate-limited)";
    post "/cek/usul" => public::file_usul, Who::Anyone, false, PHOTO_BODY_LIMIT, "File an usul into the village's queue; answers with a receipt code";
    get "/cek/sanggah" => public::sanggah_form, Who::Anyone, false, BODY_LIMIT, "A citizen's sanggah form against a recipient the check found";
    post "/cek/sanggah" => public::file_sanggah, Who::Anyone, false, BODY_LIMIT, "File a sanggah into the village's queue; answers with a receipt code";
    get "/cek/tanda-terima" => public::receipt_lookup, Who::Anyone, false, BODY_LIMIT, "Type a receipt code to see where an usul or sanggah stands";
    get "/cek/tanda-terima/{code}" => public::receipt, Who::Anyone, false, BODY_LIMIT, "Where an usul or sanggah stands: its status, the operator's answer, the proposal's stage";
    get "/privasi" => pages::privacy_notice, Who::Anyone, false, BODY_LIMIT, "The privacy notice: the lawful basis, what is kept, who sees it, how to ask for one's data or a correction";
    get "/publik/{code}" => reports::public_page, Who::Anyone, false, BODY_LIMIT, "Public summary of a province: counts by status, desil, programme and period, no personal data";
    get "/publik/{code}/unduh/{file}" => reports::public_download, Who::Anyone, false, BODY_LIMIT, "Download one table of a province's public summary";
    get "/program/{code}/aturan" => programmes::rules_page, Who::Roles(programmes::RULE_EDITORS), false, BODY_LIMIT, "A programme's definition to edit, its saved versions and the values a rule may read";
    post "/program/{code}/uji" => programmes::dry_run, Who::Roles(programmes::RULE_EDITORS), false, BODY_LIMIT, "Dry run as a job: households per province a changed definition would add or drop, nothing saved";
    get "/program/{code}/uji/{job}" => programmes::dry_run_result, Who::Roles(programmes::RULE_EDITORS), false, BODY_LIMIT, "A dry run's table per province, the definition it tried back in the editor";
    post "/program/bangun" => programmes::build_lists, Who::Roles(programmes::RULE_EDITORS), false, BODY_LIMIT, "Build every programme's beneficiary list for a period, as a job";
    post "/program/{code}/aturan" => programmes::save_rules, Who::Roles(programmes::RULE_EDITORS), false, BODY_LIMIT, "Save a programme's definition as a new version (refused with line and reason when it does not read)";
    get "/ekspor/penerima/{file}" => programmes::download, Who::SignedIn, false, BODY_LIMIT, "Download a programme's beneficiary list of a period (CODE.xlsx or CODE.csv)";
    get "/daftar" => findings::lists_page, Who::Roles(LISTERS), false, BODY_LIMIT, "Outside lists imported and the form to import one";
    post "/daftar" => findings::import_list, Who::Roles(LISTERS), false, LIST_BODY_LIMIT, "Import an outside list, then run every check";
    get "/akun/sandi" => pages::password_form, Who::SignedIn, false, BODY_LIMIT, "Password change page";
    post "/akun/sandi" => pages::change_password, Who::SignedIn, false, BODY_LIMIT, "Change own password";
    get "/audit" => pages::audit_page, Who::Roles(AUDITORS), false, BODY_LIMIT, "Audit log";
    get "/subjek" => subjects::subject_page, Who::Roles(SUBJECT_OFFICERS), false, BODY_LIMIT, "The data subject's report for a NIK (UU 27/2022 Pasal 32): the person's data, the household without the others' specific data, changes, proposals and every processing";
    post "/subjek/koreksi" => citizens::file_correction, Who::Roles(SUBJECT_OFFICERS), false, BODY_LIMIT, "File the correction a data subject asks for into the village's queue; the report shows the receipt code";
    get "/subjek/unduh" => subjects::subject_download, Who::Roles(SUBJECT_OFFICERS), false, BODY_LIMIT, "The data subject's report as an XLSX";
    get "/subjek/pdf" => subjects::subject_pdf, Who::Roles(SUBJECT_OFFICERS), false, BODY_LIMIT, "The data subject's report as a PDF to hand over (A4, fonts embedded), with a line to sign";
    get "/pengguna" => users::users_page, Who::Roles(ADMINS), false, BODY_LIMIT, "Accounts of the admin's scope";
    post "/pengguna" => users::create_user, Who::Roles(ADMINS), false, BODY_LIMIT, "Create an account";
    post "/pengguna/{id}/status" => users::set_status, Who::Roles(ADMINS), false, BODY_LIMIT, "Deactivate or reactivate an account";
    post "/pengguna/{id}/faktor-kedua" => users::reset_second_factor, Who::Roles(ADMINS), false, BODY_LIMIT, "Reset an account's second factor (a lost phone): it enrols again at its next sign-in; audited";
    get "/akun/token" => tokens::tokens_page, Who::SignedIn, false, BODY_LIMIT, "The account's API tokens: name, scope, access, expiry, last use; make one (shown once) or revoke one";
    post "/akun/token" => tokens::create_token, Who::SignedIn, false, BODY_LIMIT, "Make an API token for this account (scope never wider than the account's)";
    post "/akun/token/{id}/cabut" => tokens::revoke_token, Who::SignedIn, false, BODY_LIMIT, "Revoke an API token";
    get "/api/v1/openapi.json" => openapi::document, Who::Anyone, true, BODY_LIMIT, "This API's OpenAPI 3 document";
    get "/api/v1/public/check" => public::check_json, Who::Anyone, true, BODY_LIMIT, "Cek Bansos without a page: the masked names, desil and programmes of a name in a village (desa, nama)";
    get "/api/v1/ppks" => social::api::ppks_list, Who::SignedIn, true, BODY_LIMIT, "The PPKS registry of the scope (code: a category), NIK and No KK masked";
    post "/api/v1/ppks" => social::api::create_ppks, Who::Roles(WRITERS), true, BODY_LIMIT, "Register a PPKS record";
    get "/api/v1/ppks/{id}" => social::api::ppks, Who::SignedIn, true, BODY_LIMIT, "One PPKS record";
    get "/api/v1/psks" => social::api::psks_list, Who::SignedIn, true, BODY_LIMIT, "The PSKS registry seen from the scope (code: a kind), NIK masked";
    post "/api/v1/psks" => social::api::create_psks, Who::Roles(WRITERS), true, BODY_LIMIT, "Register a PSKS record";
    get "/api/v1/psks/{id}" => social::api::psks, Who::SignedIn, true, BODY_LIMIT, "One PSKS record with the households she accompanies in the scope";
    get "/api/v1/regions" => api::regions, Who::SignedIn, true, BODY_LIMIT, "Search regions by name, or list children of a region";
    get "/api/v1/households" => api::households, Who::SignedIn, true, BODY_LIMIT, "Search households in scope";
    post "/api/v1/households" => api::create_household, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Propose a new household with its members (a draft proposal; the system's fields are refused)";
    get "/api/v1/households/{id}" => api::household, Who::SignedIn, true, BODY_LIMIT, "One household with its members";
    put "/api/v1/households/{id}" => api::update_household, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Propose a correction of a household (send the version it is based on; a draft proposal)";
    post "/api/v1/households/{id}/members" => api::add_member, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Propose a member joining (a draft proposal)";
    get "/api/v1/households/{id}/as-of/{period}" => api::household_as_of, Who::SignedIn, true, BODY_LIMIT, "A household and its members as the register held them when a period closed (null: not yet registered)";
    get "/api/v1/persons/{id}" => api::person, Who::SignedIn, true, BODY_LIMIT, "One person";
    put "/api/v1/persons/{id}" => api::update_person, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Propose a correction of a person (send the version it is based on; a draft proposal)";
    get "/api/v1/stats" => api::stats, Who::SignedIn, true, BODY_LIMIT, "Counts per region";
    get "/api/v1/users" => api::users, Who::Roles(ADMINS), true, BODY_LIMIT, "Accounts in scope";
    post "/api/v1/users" => api::create_user, Who::Roles(ADMINS), true, BODY_LIMIT, "Create an account below the admin";
    post "/api/v1/users/{id}/active" => api::set_user_active, Who::Roles(ADMINS), true, BODY_LIMIT, "Deactivate or reactivate an account";
    get "/api/v1/proposals" => api::proposals, Who::SignedIn, true, BODY_LIMIT, "Proposals in scope, by stage (an inbox)";
    post "/api/v1/proposals" => api::create_proposal, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Enter a proposal as a village draft";
    post "/api/v1/proposals/steps" => api::step_proposals, Who::Roles(STEPPERS), true, BODY_LIMIT, "Take one step on up to 1,000 proposals at once";
    get "/api/v1/proposals/{id}" => api::proposal, Who::SignedIn, true, BODY_LIMIT, "One proposal with its steps";
    post "/api/v1/musdes" => api::record_musdes, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Record a musdes: its berita acara and a decision per proposal";
    post "/api/v1/sptjm" => api::sign_sptjm, Who::Roles(PROPOSERS), true, BODY_LIMIT, "Record an SPTJM and submit the proposals it covers";
    get "/api/v1/documents" => api::papers, Who::SignedIn, true, BODY_LIMIT, "Musdes berita acara, SPTJM and ratification lists in scope";
    get "/api/v1/documents/{id}" => api::document, Who::SignedIn, true, BODY_LIMIT, "A musdes berita acara or SPTJM with its numbered rows";
    put "/api/v1/documents/{id}/scan" => api::upload_scan, Who::Roles(PROPOSERS), true, SCAN_BODY_LIMIT, "Upload the signed scan (raw PDF, JPEG or PNG body)";
    get "/api/v1/documents/{id}/scan" => api::document_scan, Who::SignedIn, true, BODY_LIMIT, "The signed scan";
    post "/api/v1/ratifications" => api::ratify, Who::Roles(RATIFIERS), true, BODY_LIMIT, "Ratify a regency's waiting proposals as one numbered list";
    get "/api/v1/ratifications/{id}" => api::ratification, Who::SignedIn, true, BODY_LIMIT, "A ratification list with its numbered rows";
    get "/api/v1/periods/{period}/preview" => api::close_preview, Who::Roles(DETERMINERS), true, BODY_LIMIT, "What closing a period would apply and send back, per regency (nothing written)";
    post "/api/v1/periods/{period}/close" => api::close_period, Who::Roles(DETERMINERS), true, BODY_LIMIT, "Close a period: apply every accepted proposal";
    get "/api/v1/periods/{period}/counts" => api::period_counts, Who::SignedIn, true, BODY_LIMIT, "Counts per village fixed at a period's close, checked against a recount from the history";
    get "/api/v1/periods/compare" => api::compare_periods, Who::SignedIn, true, BODY_LIMIT, "Compare two closed periods for a region";
    get "/api/v1/findings" => api::findings, Who::SignedIn, true, BODY_LIMIT, "Verivali findings in scope, by region, kind and status, with their evidence";
    get "/api/v1/quality" => api::quality, Who::SignedIn, true, BODY_LIMIT, "Valid and not valid people and households per region, and open findings per kind";
    get "/api/v1/programmes" => api::programmes, Who::SignedIn, true, BODY_LIMIT, "Programmes in force with their rules, components and definition";
    get "/api/v1/programmes/{code}/beneficiaries" => api::beneficiaries, Who::SignedIn, true, BODY_LIMIT, "A programme's beneficiary list of a period in scope, and who left it and why";
    get "/api/v1/reports" => api::report, Who::SignedIn, true, BODY_LIMIT, "A region's report as tables: status, desil, programmes, data quality, proposals by stage, periods";
    get "/api/v1/public/provinces/{code}" => api::public_report, Who::Anyone, true, BODY_LIMIT, "A province's public summary as tables (counts only, no sign-in)";
    get "/api/v1/jobs" => jobs::api_list, Who::SignedIn, true, BODY_LIMIT, "The caller's jobs, newest first";
    post "/api/v1/jobs" => jobs::api_start, Who::SignedIn, true, BODY_LIMIT, "Start a job (check-run with an optional region, or period-close with a period); answers 202 at once";
    get "/api/v1/jobs/{id}" => jobs::api_job, Who::SignedIn, true, BODY_LIMIT, "One of the caller's jobs: state, phase, steps done, outcome";
    post "/api/v1/jobs/{id}/retry" => jobs::api_run_again, Who::SignedIn, true, BODY_LIMIT, "Run a failed or interrupted job again; answers 202";
    get "/api/v1/audit" => api::audit, Who::Roles(AUDITORS), true, BODY_LIMIT, "Audit entries in scope";
}

/// Enforces the access table's roles before the handler runs (and before its body is read);
/// the store checks again. Sign-in itself is the extractors' business.
async fn gate(
    State(state): State<AppState>,
    who: Who,
    api: bool,
    mut req: Request,
    next: Next,
) -> Response {
    let client = req
        .extensions()
        .get::<rate::ClientAddr>()
        .map_or(rate::NO_CLIENT, |c| c.0);
    let door = rate::door(who == Who::Anyone, api, req.uri().path());
    // The public doors count before anything else; the signed-in API only once its session is
    // known to be one (a request without one counts as public), so that made-up requests
    // cannot use up the signed-in callers' share.
    if let Some(
        door @ (rate::Door::Public
        | rate::Door::SignIn
        | rate::Door::CitizenForm
        | rate::Door::Check),
    ) = door
        && let Err(e) = state.limiter.check(door, client)
    {
        return reject(api, e);
    }
    let roles = match who {
        Who::Roles(roles) => Some(roles),
        Who::SignedIn if door == Some(rate::Door::Api) => None,
        _ => return next.run(req).await,
    };
    // A machine client's bearer token, on the API only (ADR 0022).
    if api && let Some(secret) = auth::bearer(req.headers()) {
        let request = format!("{} {}", req.method(), req.uri().path());
        let origin = auth::remote_addr_of(req.extensions());
        let method = req.method().clone();
        let session = match tokens_gate(&state, who, &method, &secret, &request, &origin).await {
            Ok(s) => s,
            // A refused token counts as a public request, so that made-up tokens use up the
            // public share, not the signed-in callers'; past it the answer is 429.
            Err(e) => {
                let counted = state.limiter.check(rate::Door::Public, client);
                return reject(api, counted.err().unwrap_or(e));
            }
        };
        if let Err(e) = state.limiter.check(rate::Door::Api, client) {
            return reject(api, e);
        }
        req.extensions_mut()
            .insert(auth::CheckedSession(session, String::new()));
        req.extensions_mut().insert(auth::ViaToken);
        return next.run(req).await;
    }
    let token = auth::cookie(req.headers(), state.config.session_cookie()).unwrap_or_default();
    let session = match state.service.session(&token, &state.config.policy).await {
        Ok(s) => s,
        Err(e) => return reject(api, e.into()),
    };
    if door == Some(rate::Door::Api) {
        let counted = if session.is_some() {
            state.limiter.check(rate::Door::Api, client)
        } else {
            state.limiter.check(rate::Door::Public, client)
        };
        if let Err(e) = counted {
            return reject(api, e);
        }
    }
    match session {
        Some(s) if roles.is_none_or(|roles| roles.contains(&s.actor.role)) => {
            req.extensions_mut().insert(auth::CheckedSession(s, token));
            next.run(req).await
        }
        Some(_) => reject(api, WebError::Forbidden),
        None if api => reject(api, WebError::Unauthenticated),
        // Pages let the extractor send the visitor to the sign-in page.
        None => next.run(req).await,
    }
}

/// The session a bearer token stands for, or why it is refused: unknown, expired, revoked or
/// of an inactive account (401); read-only on a write, or on a route no token may call (the
/// accounts', a period's close: a person with a fresh second factor does those) (403).
async fn tokens_gate(
    state: &AppState,
    who: Who,
    method: &axum::http::Method,
    secret: &str,
    request: &str,
    origin: &str,
) -> Result<siks_service::Session, WebError> {
    use siks_service::security::tokens::TokenRefusal;
    let (actor, token) = match state.service.token_actor(secret, request, origin).await? {
        Ok(found) => found,
        Err(refusal) => {
            return Err(WebError::TokenRefused(
                match refusal {
                    TokenRefusal::Unknown => "token tidak dikenal",
                    TokenRefusal::Expired => {
                        "token sudah kedaluwarsa; buat token baru di halaman Token API"
                    }
                    TokenRefusal::Revoked => "token sudah dicabut",
                    TokenRefusal::AccountInactive => "akun pemilik token tidak aktif",
                    TokenRefusal::OutOfScope => {
                        "wilayah token di luar wilayah kerja akunnya sekarang; buat token baru"
                    }
                }
                .to_string(),
            ));
        }
    };
    let barred = matches!(who, Who::Roles(roles) if roles == ADMINS || roles == DETERMINERS);
    if barred {
        return Err(WebError::Forbidden);
    }
    if token.access == siks_service::security::TokenAccess::Read
        && *method != axum::http::Method::GET
    {
        return Err(WebError::invalid(
            "token ini hanya untuk membaca (akses baca); buat token dengan akses tulis untuk mengubah",
        ));
    }
    if let Who::Roles(roles) = who
        && !roles.contains(&actor.role)
    {
        return Err(WebError::Forbidden);
    }
    Ok(siks_service::Session {
        display_name: actor.username.clone(),
        actor,
        csrf_token: String::new(),
        created_at: token.created_at,
        factor: siks_service::security::Factor {
            required: false,
            enrolled: false,
            given_at: None,
        },
    })
}

fn reject(api: bool, e: WebError) -> Response {
    if api { e.into_api() } else { e.into_response() }
}

/// Request bodies larger than this are refused before they are read.
pub const BODY_LIMIT: usize = 256 * 1024;
/// The photo upload's limit: the largest photo plus the form around it.
pub const PHOTO_BODY_LIMIT: usize = siks_service::records::MAX_PHOTO_BYTES + 64 * 1024;

/// Largest outside list the page takes (the national extract goes through `siks list import`).
pub const LIST_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// The scan upload's limit: the largest scan plus the form around it.
pub const SCAN_BODY_LIMIT: usize = siks_service::documents::MAX_SCAN_BYTES + 64 * 1024;

/// Behind HTTPS: every answer tells the browser to come back over HTTPS only, for a year.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    if state.config.hsts {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The whole application.
pub fn router(service: Service, config: AppConfig) -> Router {
    let state = AppState {
        service,
        limiter: Arc::new(rate::Limiter::new(config.rates)),
        config: Arc::new(config),
        uploads: Arc::default(),
        reveals: Arc::default(),
        metrics: Arc::default(),
        job_slots: Arc::new(tokio::sync::Semaphore::new(jobs::JOB_SLOTS)),
    };
    declared_routes(&state)
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'"),
        ))
        // Pages, JSON, downloads and photos carry personal data: no cache (a browser's, a
        // proxy's, a shared computer's in a village office) keeps them. The few static assets
        // (script, icon, the guide's pictures) say otherwise themselves.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            strict_transport,
        ))
        // A link out of siks tells nobody which page (a household's id) it was followed from.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::with_menu,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::audit_refusals,
        ))
        // Outside the error pages' layer, so that they speak the request's language too.
        .layer(axum::middleware::from_fn(lang::with_lang))
        // Outermost, so that its request id and log line cover every other layer's answer too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::track,
        ))
        // Before everything: who the client is, behind a trusted proxy too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate::find_client,
        ))
        .with_state(state)
}

/// Keeps one core for the requests: the parallel parts of long calls (the linkage of a check
/// run, above all) run on rayon's global pool, which by default takes every core. Sizes that
/// pool to one thread fewer than the cores (at least one), so that one job never holds every
/// core while pages wait (ADR 0015 has the measurements: it lowered the worst case more than
/// the p99). Call it before anything in the process has used rayon; afterwards it changes
/// nothing (and says so in the log).
pub fn leave_a_core_for_requests() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.saturating_sub(1).max(1);
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("siks-parallel-{i}"))
        .build_global()
    {
        Ok(()) => tracing::debug!(threads, cores, "parallel work bounded"),
        Err(e) => tracing::debug!(cause = %e, "parallel pool already set up"),
    }
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
