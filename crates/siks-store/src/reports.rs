//! Reports of a region: households and persons by status, active households by desil, each
//! programme's list, data quality, proposals by stage and the register over closed periods, for
//! the region and each region one level down. Counts only: a report is no view of anyone, so it
//! is not audited, and the public summary of a province is the same counts without the
//! workflow's.
//!
//! Like [`crate::stats`], the database groups by village and the roll-up to the level asked for
//! happens here, so one SQL text serves every level and both engines.

use std::collections::BTreeMap;

use siks_domain::workflow::Period;
use siks_domain::{Actor, RegionCode, RegionLevel, Scope};

use crate::proposals::PipelineCount;
use crate::sql::{Cells, with_pool};
use crate::stats::{
    Quality, Stats, VillageStatus, levels, quality_from, read_scope, region_name, stats_from,
};
use crate::{Result, Store, StoreError};

/// Counts by a key (a desil, a programme code) for a region and each region one level down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown<K: Ord> {
    pub total: BTreeMap<K, u64>,
    /// (code, name, counts), in code order; only regions with counts.
    pub children: Vec<(RegionCode, String, BTreeMap<K, u64>)>,
}

impl<K: Ord + Clone> Breakdown<K> {
    /// Rolls per-village counts up to `child_level`.
    fn roll_up(rows: Vec<(RegionCode, K, u64)>, child_level: Option<RegionLevel>) -> Breakdown<K> {
        let mut total: BTreeMap<K, u64> = BTreeMap::new();
        let mut children: BTreeMap<RegionCode, BTreeMap<K, u64>> = BTreeMap::new();
        for (village, key, n) in rows {
            *total.entry(key.clone()).or_default() += n;
            if let Some(child) = child_level.and_then(|l| village.at_level(l)) {
                *children.entry(child).or_default().entry(key).or_default() += n;
            }
        }
        Breakdown {
            total,
            children: children
                .into_iter()
                .map(|(code, counts)| {
                    let name = region_name(Some(&code));
                    (code, name, counts)
                })
                .collect(),
        }
    }
}

/// Each programme's list of one period over the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeCounts {
    pub period: Period,
    /// Households on each programme's list, by programme code.
    pub households: Breakdown<String>,
    /// Units (households, families or persons as the programme counts) by programme code.
    pub units: Breakdown<String>,
    /// Yearly amounts in rupiah by programme code.
    pub amount: Breakdown<String>,
}

/// The register as it stood when a period closed, over the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodTotal {
    pub period: Period,
    pub households: u64,
    pub persons: u64,
}

/// Everything a report page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The region (`None`: the country).
    pub code: Option<RegionCode>,
    pub name: String,
    pub child_level: Option<RegionLevel>,
    /// Households and persons by status.
    pub stats: Stats,
    /// Active households by desil (0: not ranked yet).
    pub desil: Breakdown<u8>,
    /// The newest period with lists, or the period asked for; `None` when it has none.
    pub programmes: Option<ProgrammeCounts>,
    /// Valid and not valid (without the open findings per kind, which `/kualitas` shows);
    /// `None` in the public summary.
    pub quality: Option<Quality>,
    /// Proposals per child region and stage; empty in the public summary.
    pub pipeline: Vec<PipelineCount>,
    /// Every closed period, oldest first.
    pub periods: Vec<PeriodTotal>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn village(text: &str) -> Result<RegionCode> {
    RegionCode::parse(text).map_err(|_| corrupt("village_code"))
}

impl Store {
    /// The report of `region` (default: the actor's scope; outside it: not found), with the
    /// programme lists of `period` (default: the newest period that has lists).
    pub async fn report(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        period: Option<Period>,
    ) -> Result<Report> {
        let scope = read_scope(actor, region)?;
        // The parts are independent reads: run them side by side on the pool's connections.
        let ((mut report, villages), findings, pipeline) = tokio::try_join!(
            self.report_in(&scope, period),
            self.quality_findings(&scope, false),
            self.pipeline_in(&scope),
        )?;
        report.quality = Some(quality_from(&scope, &villages, &findings)?);
        report.pipeline = pipeline;
        Ok(report)
    }

    /// The public summary of a province: counts by status, desil and programme per regency and
    /// over the periods, for anyone, signed in or not. Anything but a province is not found.
    pub async fn public_report(
        &self,
        province: &RegionCode,
        period: Option<Period>,
    ) -> Result<Report> {
        if province.level() != RegionLevel::Province {
            return Err(StoreError::NotFound);
        }
        let (report, _) = self
            .report_in(&Scope::Region(province.clone()), period)
            .await?;
        Ok(report)
    }

    /// The report without the workflow's parts, and the counts by status it was rolled up from.
    async fn report_in(
        &self,
        scope: &Scope,
        period: Option<Period>,
    ) -> Result<(Report, std::sync::Arc<VillageStatus>)> {
        let (code, child_level) = levels(scope);
        let (low, high) = scope.village_range();
        let (villages, desil, programmes, periods) = tokio::try_join!(
            self.village_status(scope),
            self.desil_counts(scope),
            self.programmes_of(period, &low, &high, child_level),
            self.period_totals(&low, &high),
        )?;
        let report = Report {
            name: region_name(code.as_ref()),
            stats: stats_from(scope, &villages),
            code,
            child_level,
            desil: Breakdown::clone(&desil),
            programmes,
            quality: None,
            pipeline: Vec::new(),
            periods,
        };
        Ok((report, villages))
    }

    /// Active households by desil per village, rolled up; kept between register writes for a
    /// province or the nation.
    async fn desil_counts(&self, scope: &Scope) -> Result<std::sync::Arc<Breakdown<u8>>> {
        let (low, high) = scope.village_range();
        let (_, child_level) = levels(scope);
        self.kept("desil", scope, || self.count_desil(low, high, child_level))
            .await
    }

    async fn count_desil(
        &self,
        low: String,
        high: String,
        child_level: Option<RegionLevel>,
    ) -> Result<Breakdown<u8>> {
        let rows = with_pool!(self, p => {
            sqlx::query(
                "SELECT village_code, desil, COUNT(*) AS n FROM households \
                 WHERE status = 'active' AND village_code >= $1 AND village_code < $2 \
                 GROUP BY village_code, desil",
            )
            .bind(low)
            .bind(high)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                let desil = r.opt_int("desil")?.unwrap_or(0);
                let desil = u8::try_from(desil).ok().filter(|d| *d <= 10).ok_or_else(|| corrupt("households.desil"))?;
                Ok((village(&r.text("village_code")?)?, desil, r.int("n")? as u64))
            })
            .collect::<Result<Vec<_>>>()?
        });
        Ok(Breakdown::roll_up(rows, child_level))
    }

    /// The lists of `period` (default: the newest period with lists) over the range.
    async fn programmes_of(
        &self,
        period: Option<Period>,
        low: &str,
        high: &str,
        child_level: Option<RegionLevel>,
    ) -> Result<Option<ProgrammeCounts>> {
        let period = match period {
            Some(p) => Some(p),
            None => self.newest_list_period().await?,
        };
        match period {
            Some(period) => self.programme_counts(period, low, high, child_level).await,
            None => Ok(None),
        }
    }

    /// The active households and persons fixed at each closed period, summed over the range.
    async fn period_totals(&self, low: &str, high: &str) -> Result<Vec<PeriodTotal>> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "SELECT period, CAST(SUM(households) AS BIGINT) AS households, \
                 CAST(SUM(persons) AS BIGINT) AS persons FROM period_counts \
                 WHERE village_code >= $1 AND village_code < $2 GROUP BY period ORDER BY period",
            )
            .bind(low)
            .bind(high)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                Ok(PeriodTotal {
                    period: Period::parse(&r.text("period")?).map_err(|_| corrupt("period_counts.period"))?,
                    households: r.int("households")? as u64,
                    persons: r.int("persons")? as u64,
                })
            })
            .collect::<Result<Vec<_>>>()?
        }))
    }

    async fn newest_list_period(&self) -> Result<Option<Period>> {
        let newest: Option<String> = with_pool!(self, p => {
            sqlx::query("SELECT MAX(period) AS period FROM beneficiary_lists WHERE period NOT LIKE '-%'")
                .fetch_one(p)
                .await?
                .opt_text("period")?
        });
        newest
            .map(|p| Period::parse(&p).map_err(|_| corrupt("beneficiary_lists.period")))
            .transpose()
    }

    /// `None` when the period has no lists.
    async fn programme_counts(
        &self,
        period: Period,
        low: &str,
        high: &str,
        child_level: Option<RegionLevel>,
    ) -> Result<Option<ProgrammeCounts>> {
        let has_lists = with_pool!(self, p => {
            sqlx::query("SELECT COUNT(*) AS n FROM beneficiary_lists WHERE period = $1")
                .bind(period.to_string())
                .fetch_one(p)
                .await?
                .int("n")?
        });
        if has_lists == 0 {
            return Ok(None);
        }
        let rows = with_pool!(self, p => {
            sqlx::query(
                "SELECT b.village_code, l.code, b.units, b.households, b.amount \
                 FROM beneficiary_counts b JOIN beneficiary_lists l ON l.id = b.list_id \
                 WHERE l.period = $1 AND b.village_code >= $2 AND b.village_code < $3",
            )
            .bind(period.to_string())
            .bind(low)
            .bind(high)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    village(&r.text("village_code")?)?,
                    r.text("code")?,
                    r.int("units")? as u64,
                    r.int("households")? as u64,
                    r.int("amount")? as u64,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        });
        let pick = |i: usize| {
            rows.iter()
                .map(|(v, code, units, households, amount)| {
                    let n = [*units, *households, *amount][i];
                    (v.clone(), code.clone(), n)
                })
                .collect::<Vec<_>>()
        };
        Ok(Some(ProgrammeCounts {
            period,
            units: Breakdown::roll_up(pick(0), child_level),
            households: Breakdown::roll_up(pick(1), child_level),
            amount: Breakdown::roll_up(pick(2), child_level),
        }))
    }
}
