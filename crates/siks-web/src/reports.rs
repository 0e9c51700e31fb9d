//! Report pages: for a region in the user's scope, households and persons by status, active
//! households by desil, each programme's list, data quality, proposals by stage and the register
//! over closed periods, each as a chart drawn on the server with its table below it and the
//! table to download; and the public summary of a province (counts only, no sign-in). The page,
//! the download and the API are built from the same [`Section`]s, so they cannot disagree.

use axum::extract::State;

use crate::extract::{Path, Query};
use axum::response::{Html, Response};
use serde::Deserialize;
use siks_domain::workflow::{Period, Stage};
use siks_domain::{RegionCode, RegionLevel, Regions};
use siks_service::reports::{Breakdown, Report};
use siks_sheets::{Format, SheetWriter};

use crate::AppState;
use crate::auth::PageUser;
use crate::charts::{Chart, Series, Shape, grouped};
use crate::error::WebError;
use crate::pages::{Nav, render};
use crate::programmes::region_of;

/// One cell of a report table: text, or a count shown grouped on pages and plain in downloads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Count(u64),
}

impl Cell {
    /// As the page shows it.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => grouped(*n),
        }
    }

    /// As a sheet holds it.
    fn plain(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
        }
    }

    pub fn is_count(&self) -> bool {
        matches!(self, Cell::Count(_))
    }
}

/// One chart with its table.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Section {
    /// Also the download's name and the element id on the page.
    pub id: &'static str,
    pub title: String,
    #[serde(skip)]
    pub svg: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The region's own total under the rows.
    pub total: Option<Vec<Cell>>,
}

/// What the report pages and the API take from the query string.
#[derive(Deserialize, Default)]
pub struct ReportQuery {
    wilayah: Option<String>,
    periode: Option<String>,
}

/// An optional `periode` field: empty is none.
fn period_of(text: Option<&str>) -> Result<Option<Period>, WebError> {
    text.filter(|p| !p.is_empty())
        .map(crate::programmes::period_of)
        .transpose()
}

/// The words of a report: the page's in its reader's language, the download's and the API's in
/// Indonesian (a sheet's headers and the API's titles stay as they were).
#[derive(Clone, Copy)]
struct Words {
    page: bool,
}

impl Words {
    fn t(self, text: &str) -> String {
        if self.page {
            crate::lang::t(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// [`crate::lang::tc`]: a text that reads otherwise in one context.
    fn tc(self, context: &str, text: &str) -> String {
        if self.page {
            crate::lang::tc(context, text).to_string()
        } else {
            text.to_string()
        }
    }

    /// `text` with its `{}` places filled in order (as [`crate::lang::tf`]).
    fn tf(self, text: &str, args: &[&(dyn std::fmt::Display + Sync)]) -> String {
        if self.page {
            crate::lang::tf(text, args)
        } else {
            crate::lang::fill(text, args)
        }
    }
}

fn child_label(level: Option<RegionLevel>, w: Words) -> String {
    level
        .map(|l| {
            let mut s = w.t(l.label());
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + &s[1..];
            }
            s
        })
        .unwrap_or_else(|| w.t("Wilayah"))
}

fn count(n: u64) -> Cell {
    Cell::Count(n)
}

fn text(t: impl Into<String>) -> Cell {
    Cell::Text(t.into())
}

/// The child regions' rows of a breakdown with one column per key, and the total row.
fn breakdown_rows<K: Ord>(b: &Breakdown<K>, keys: &[K], w: Words) -> (Vec<Vec<Cell>>, Vec<Cell>) {
    let rows = b
        .children
        .iter()
        .map(|(code, name, counts)| {
            let mut row = vec![text(code.as_str()), text(name.as_str())];
            row.extend(
                keys.iter()
                    .map(|k| count(counts.get(k).copied().unwrap_or(0))),
            );
            row
        })
        .collect();
    let mut total = vec![text(""), text(w.t("Jumlah"))];
    total.extend(
        keys.iter()
            .map(|k| count(b.total.get(k).copied().unwrap_or(0))),
    );
    (rows, total)
}

fn series(name: &str, values: Vec<u64>) -> Series {
    Series {
        name: name.to_string(),
        values,
    }
}

/// The categories of a bars chart over child regions: their names, or the region itself when
/// it has no children with counts.
fn region_bars(
    title: String,
    names: Vec<String>,
    region: &str,
    columns: Vec<(String, Vec<u64>)>,
    totals: Vec<u64>,
) -> Chart {
    if names.is_empty() {
        return Chart {
            title,
            shape: Shape::Bars,
            categories: vec![region.to_string()],
            series: columns
                .iter()
                .zip(totals)
                .map(|((name, _), t)| series(name, vec![t]))
                .collect(),
        };
    }
    Chart {
        title,
        shape: Shape::Bars,
        categories: names,
        series: columns
            .into_iter()
            .map(|(name, values)| series(&name, values))
            .collect(),
    }
}

/// The sections of a report, in Indonesian (the downloads and the API); `programmes` are the
/// codes in force, so a programme with nobody on its list in the region still shows its zero.
pub fn sections(report: &Report, programmes: &[String]) -> Vec<Section> {
    build_sections(report, programmes, Words { page: false })
}

/// The sections of a report as the page shows them, in its reader's language.
fn page_sections(report: &Report, programmes: &[String]) -> Vec<Section> {
    build_sections(report, programmes, Words { page: true })
}

fn build_sections(report: &Report, programmes: &[String], w: Words) -> Vec<Section> {
    let level = child_label(report.child_level, w);
    let name = report.name.as_str();
    let mut out = Vec::new();

    // Status.
    let stats = &report.stats;
    let children: Vec<_> = stats.children.iter().filter(|c| c.code.is_some()).collect();
    let status_row = |c: &siks_service::RegionStats| {
        vec![
            count(c.households.active),
            count(c.households.proposed),
            count(c.households.inactive),
            count(c.persons.active),
            count(c.persons.proposed),
            count(c.persons.inactive),
        ]
    };
    let mut rows = Vec::new();
    for c in &children {
        let mut row = vec![
            text(c.code.as_ref().map(|c| c.as_str()).unwrap_or("")),
            text(c.name.as_str()),
        ];
        row.extend(status_row(c));
        rows.push(row);
    }
    let mut total = vec![text(""), text(w.t("Jumlah"))];
    total.extend(status_row(&stats.total));
    let t = &stats.total.households;
    out.push(Section {
        id: "status",
        title: w.tf("Rumah tangga menurut status, {}", &[&name]),
        svg: region_bars(
            w.tf(
                "Rumah tangga menurut status per {}",
                &[&level.to_lowercase()],
            ),
            children.iter().map(|c| c.name.clone()).collect(),
            name,
            vec![
                (
                    w.t("Aktif"),
                    children.iter().map(|c| c.households.active).collect(),
                ),
                (
                    w.tc("status", "Usulan"),
                    children.iter().map(|c| c.households.proposed).collect(),
                ),
                (
                    w.t("Nonaktif"),
                    children.iter().map(|c| c.households.inactive).collect(),
                ),
            ],
            vec![t.active, t.proposed, t.inactive],
        )
        .figure(),
        header: vec![
            w.t("Kode"),
            level.clone(),
            w.t("Rumah tangga aktif"),
            w.t("Rumah tangga usulan"),
            w.t("Rumah tangga nonaktif"),
            w.t("Anggota aktif"),
            w.t("Anggota usulan"),
            w.t("Anggota nonaktif"),
        ],
        rows,
        total: Some(total),
    });

    // Desil.
    let keys: Vec<u8> = (1..=10).chain([0]).collect();
    let (rows, total) = breakdown_rows(&report.desil, &keys, w);
    let mut header = vec![w.t("Kode"), level.clone()];
    header.extend((1..=10).map(|d| w.tf("Desil {}", &[&d])));
    header.push(w.t("Belum diperingkat"));
    out.push(Section {
        id: "desil",
        title: w.tf("Rumah tangga aktif menurut desil, {}", &[&name]),
        svg: Chart {
            title: w.t("Rumah tangga aktif menurut desil (1: termiskin)"),
            shape: Shape::Columns,
            categories: (1..=10)
                .map(|d| d.to_string())
                .chain([w.t("belum")])
                .collect(),
            series: vec![series(
                &w.t("Rumah tangga aktif"),
                keys.iter()
                    .map(|k| report.desil.total.get(k).copied().unwrap_or(0))
                    .collect(),
            )],
        }
        .figure(),
        header,
        rows,
        total: Some(total),
    });

    // Programmes.
    match &report.programmes {
        Some(p) => {
            let mut header = vec![w.t("Kode"), level.clone()];
            for code in programmes {
                header.push(w.tf("{}: rumah tangga", &[code]));
                header.push(w.tf("{}: penerima", &[code]));
                header.push(w.tf("{}: nilai setahun (Rp)", &[code]));
            }
            let cells =
                |households: Option<&std::collections::BTreeMap<String, u64>>,
                 units: Option<&std::collections::BTreeMap<String, u64>>,
                 amount: Option<&std::collections::BTreeMap<String, u64>>| {
                    let get = |m: Option<&std::collections::BTreeMap<String, u64>>, k: &String| {
                        count(m.and_then(|m| m.get(k)).copied().unwrap_or(0))
                    };
                    programmes
                        .iter()
                        .flat_map(|k| [get(households, k), get(units, k), get(amount, k)])
                        .collect::<Vec<_>>()
                };
            let rows = p
                .households
                .children
                .iter()
                .map(|(code, name, households)| {
                    fn find<'a>(
                        b: &'a Breakdown<String>,
                        code: &RegionCode,
                    ) -> Option<&'a std::collections::BTreeMap<String, u64>> {
                        b.children.iter().find(|(c, ..)| c == code).map(|(.., m)| m)
                    }
                    let mut row = vec![text(code.as_str()), text(name.as_str())];
                    row.extend(cells(
                        Some(households),
                        find(&p.units, code),
                        find(&p.amount, code),
                    ));
                    row
                })
                .collect();
            let mut total = vec![text(""), text(w.t("Jumlah"))];
            total.extend(cells(
                Some(&p.households.total),
                Some(&p.units.total),
                Some(&p.amount.total),
            ));
            out.push(Section {
                id: "program",
                title: w.tf("Penerima program periode {}, {}", &[&p.period, &name]),
                svg: Chart {
                    title: w.tf(
                        "Rumah tangga penerima per program, periode {}",
                        &[&p.period],
                    ),
                    shape: Shape::Columns,
                    categories: programmes.to_vec(),
                    series: vec![series(
                        &w.t("Rumah tangga"),
                        programmes
                            .iter()
                            .map(|k| p.households.total.get(k).copied().unwrap_or(0))
                            .collect(),
                    )],
                }
                .figure(),
                header,
                rows,
                total: Some(total),
            });
        }
        None => out.push(Section {
            id: "program",
            title: w.tf("Penerima program, {}", &[&name]),
            svg: String::new(),
            header: vec![w.t("Keterangan")],
            rows: vec![vec![text(w.t(
                "Belum ada daftar penerima untuk periode ini; Kementerian membangunnya di halaman Program.",
            ))]],
            total: None,
        }),
    }

    // Quality.
    if let Some(q) = &report.quality {
        let children: Vec<_> = q.children.iter().filter(|c| c.code.is_some()).collect();
        let quality_row = |c: &siks_service::RegionQuality| {
            vec![
                count(c.households_valid()),
                count(c.households_not_valid),
                count(c.persons_valid()),
                count(c.persons_not_valid),
            ]
        };
        let rows = children
            .iter()
            .map(|c| {
                let mut row = vec![
                    text(c.code.as_ref().map(|c| c.as_str()).unwrap_or("")),
                    text(c.name.as_str()),
                ];
                row.extend(quality_row(c));
                row
            })
            .collect();
        let mut total = vec![text(""), text(w.t("Jumlah"))];
        total.extend(quality_row(&q.total));
        out.push(Section {
            id: "kualitas",
            title: w.tf(
                "Kualitas data: rumah tangga aktif valid dan tidak valid, {}",
                &[&name],
            ),
            svg: region_bars(
                w.t("Rumah tangga aktif valid dan tidak valid (temuan galat terbuka)"),
                children.iter().map(|c| c.name.clone()).collect(),
                name,
                vec![
                    (
                        w.t("Valid"),
                        children.iter().map(|c| c.households_valid()).collect(),
                    ),
                    (
                        w.t("Tidak valid"),
                        children.iter().map(|c| c.households_not_valid).collect(),
                    ),
                ],
                vec![q.total.households_valid(), q.total.households_not_valid],
            )
            .figure(),
            header: vec![
                w.t("Kode"),
                level.clone(),
                w.t("Rumah tangga valid"),
                w.t("Rumah tangga tidak valid"),
                w.t("Anggota valid"),
                w.t("Anggota tidak valid"),
            ],
            rows,
            total: Some(total),
        });

        // Proposals by stage (only where someone sees the workflow).
        let stages: Vec<Stage> = Stage::ALL.to_vec();
        let mut per_region: std::collections::BTreeMap<RegionCode, Vec<u64>> = Default::default();
        let mut totals = vec![0u64; stages.len()];
        for c in &report.pipeline {
            if let Some(i) = stages.iter().position(|s| *s == c.stage) {
                per_region
                    .entry(c.region.clone())
                    .or_insert_with(|| vec![0; stages.len()])[i] += c.count;
                totals[i] += c.count;
            }
        }
        let region_name = |code: &RegionCode| {
            Regions::embedded()
                .get(code)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| code.to_string())
        };
        let names: Vec<String> = per_region.keys().map(region_name).collect();
        let chart = region_bars(
            w.t("Usulan per tahap"),
            names,
            name,
            stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    (
                        w.t(s.short_label()),
                        per_region.values().map(|v| v[i]).collect(),
                    )
                })
                .collect(),
            totals.clone(),
        );
        let mut header = vec![w.t("Kode"), level.clone()];
        header.extend(stages.iter().map(|s| w.t(s.short_label())));
        let rows = per_region
            .iter()
            .map(|(code, counts)| {
                let mut row = vec![text(code.as_str()), text(region_name(code))];
                row.extend(counts.iter().map(|n| count(*n)));
                row
            })
            .collect();
        let mut total = vec![text(""), text(w.t("Jumlah"))];
        total.extend(totals.iter().map(|n| count(*n)));
        out.push(Section {
            id: "usulan",
            title: w.tf("Usulan menurut tahap, {}", &[&name]),
            svg: chart.figure(),
            header,
            rows,
            total: Some(total),
        });
    }

    // Over the periods.
    let mut rows = Vec::new();
    let mut before: Option<u64> = None;
    for p in &report.periods {
        let change = match before {
            Some(b) if p.households >= b => format!("+{}", grouped(p.households - b)),
            Some(b) => format!("-{}", grouped(b - p.households)),
            None => String::new(),
        };
        rows.push(vec![
            text(p.period.to_string()),
            count(p.households),
            count(p.persons),
            text(change),
        ]);
        before = Some(p.households);
    }
    out.push(Section {
        id: "periode",
        title: w.tf("Rumah tangga aktif per periode, {}", &[&name]),
        svg: if report.periods.is_empty() {
            String::new()
        } else {
            Chart {
                title: w.t("Rumah tangga aktif saat periode ditutup"),
                shape: Shape::Columns,
                categories: report
                    .periods
                    .iter()
                    .map(|p| p.period.to_string())
                    .collect(),
                series: vec![series(
                    &w.t("Rumah tangga aktif"),
                    report.periods.iter().map(|p| p.households).collect(),
                )],
            }
            .figure()
        },
        header: vec![
            w.tc("kolom", "Periode"),
            w.t("Rumah tangga aktif"),
            w.t("Anggota aktif"),
            w.t("Perubahan rumah tangga"),
        ],
        rows,
        total: None,
    });
    out
}

#[derive(askama::Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: Option<Nav>,
    public: bool,
    name: String,
    code: String,
    period: String,
    /// `wilayah=..&periode=..` for the download links.
    query: String,
    /// Where the downloads live: `/laporan/unduh` or `/publik/{code}/unduh`.
    download_base: String,
    trail: Vec<(String, String)>,
    /// Child regions that have their own report: (link, name).
    children: Vec<(String, String)>,
    sections: Vec<Section>,
}

pub(crate) async fn programme_codes(state: &AppState) -> Result<Vec<String>, WebError> {
    Ok(state
        .service
        .programmes()
        .await?
        .into_iter()
        .map(|p| p.programme.code)
        .collect())
}

fn child_links(report: &Report, link: impl Fn(&RegionCode) -> String) -> Vec<(String, String)> {
    report
        .stats
        .children
        .iter()
        .filter_map(|c| {
            let code = c.code.as_ref()?;
            Some((link(code), c.name.clone()))
        })
        .collect()
}

/// The period whose lists the report shows (or the one asked for, when it has none).
fn shown_period(report: &Report, asked: Option<Period>) -> String {
    report
        .programmes
        .as_ref()
        .map(|p| p.period)
        .or(asked)
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// `GET /laporan?wilayah=CODE&periode=YYYY-MM`: the report of a region in the user's scope.
pub async fn report_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Html<String>, WebError> {
    let actor = &user.session.actor;
    let region = region_of(q.wilayah.as_deref())?;
    let period = period_of(q.periode.as_deref())?;
    let report = state.service.report(actor, region.as_ref(), period).await?;
    let codes = programme_codes(&state).await?;
    let trail = crate::pages::trail(&actor.scope, report.code.as_ref(), |c| {
        format!("/laporan?wilayah={c}")
    });
    let period_text = shown_period(&report, period);
    let code = report
        .code
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    render(ReportPage {
        nav: Nav::of(&user),
        public: false,
        name: report.name.clone(),
        query: format!("wilayah={code}&periode={period_text}"),
        code,
        period: period_text,
        download_base: "/laporan/unduh".into(),
        trail,
        children: child_links(&report, |c| format!("/laporan?wilayah={c}")),
        sections: page_sections(&report, &codes),
    })
}

/// `GET /laporan/unduh/{section}.{xlsx|csv}?wilayah=CODE&periode=YYYY-MM`: one section's table.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let region = region_of(q.wilayah.as_deref())?;
    let period = period_of(q.periode.as_deref())?;
    let report = state
        .service
        .report(&user.session.actor, region.as_ref(), period)
        .await?;
    send_section(&state, &report, &file).await
}

async fn send_section(state: &AppState, report: &Report, file: &str) -> Result<Response, WebError> {
    let (id, format) = file
        .rsplit_once('.')
        .and_then(|(id, e)| Some((id, Format::parse(e)?)))
        .ok_or(WebError::NotFound)?;
    let codes = programme_codes(state).await?;
    let section = sections(report, &codes)
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(WebError::NotFound)?;
    let temp = tempfile::Builder::new()
        .prefix("siks-laporan-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(|e| WebError::Internal(format!("temporary file: {e}")))?;
    let header: Vec<&str> = section.header.iter().map(String::as_str).collect();
    let mut sheet = SheetWriter::create(format, temp.path(), "Laporan", &header)
        .map_err(|e| WebError::Internal(e.english()))?;
    for row in section.rows.iter().chain(section.total.iter()) {
        let cells: Vec<String> = row.iter().map(Cell::plain).collect();
        sheet
            .row(&cells)
            .map_err(|e| WebError::Internal(e.english()))?;
    }
    crate::export::send_sheet(
        sheet,
        temp,
        &format!("laporan-{}", section.id),
        report.code.as_ref(),
        format,
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "public_index.html")]
struct PublicIndex {
    nav: Option<Nav>,
    provinces: Vec<(String, String)>,
}

/// `GET /publik`: the provinces, each linking to its public summary.
pub async fn public_index() -> Result<Html<String>, WebError> {
    let provinces = Regions::embedded()
        .children(None)
        .map(|r| (r.code.to_string(), r.name.clone()))
        .collect();
    render(PublicIndex {
        nav: None,
        provinces,
    })
}

fn province_of(code: &str) -> Result<RegionCode, WebError> {
    RegionCode::parse_known(code)
        .ok()
        .filter(|c| c.level() == RegionLevel::Province)
        .ok_or(WebError::NotFound)
}

/// `GET /publik/{province}?periode=YYYY-MM`: a province's summary for anyone.
pub async fn public_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Html<String>, WebError> {
    let province = province_of(&code)?;
    let period = period_of(q.periode.as_deref())?;
    let report = state.service.public_report(&province, period).await?;
    let codes = programme_codes(&state).await?;
    let period_text = shown_period(&report, period);
    render(ReportPage {
        nav: None,
        public: true,
        name: report.name.clone(),
        query: format!("periode={period_text}"),
        code: province.to_string(),
        period: period_text,
        download_base: format!("/publik/{province}/unduh"),
        trail: vec![("/publik".into(), "Indonesia".into())],
        children: Vec::new(),
        sections: page_sections(&report, &codes),
    })
}

/// `GET /publik/{province}/unduh/{section}.{xlsx|csv}`: one table of the public summary.
pub async fn public_download(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let province = province_of(&code)?;
    let period = period_of(q.periode.as_deref())?;
    let report = state.service.public_report(&province, period).await?;
    send_section(&state, &report, &file).await
}
