//! Counts of households and persons by status for a region and each region one level down.
//! The database groups by village (a range scan of the village index); the roll-up to the
//! requested level happens here, so one SQL text serves every level and both engines.

use std::collections::BTreeMap;

use siks_domain::access::Action;
use siks_domain::{Actor, RegionCode, RegionLevel, Regions, Scope};

use crate::sql::{Cells, with_pool};
use crate::{Result, Store, StoreError};

/// Records by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub proposed: u64,
    pub active: u64,
    pub inactive: u64,
}

impl StatusCounts {
    pub fn total(&self) -> u64 {
        self.proposed + self.active + self.inactive
    }

    fn add(&mut self, status: &str, n: u64) {
        match status {
            "proposed" => self.proposed += n,
            "active" => self.active += n,
            _ => self.inactive += n,
        }
    }

    fn merge(&mut self, other: &StatusCounts) {
        self.proposed += other.proposed;
        self.active += other.active;
        self.inactive += other.inactive;
    }
}

/// The counts of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionStats {
    /// `None` for the whole country.
    pub code: Option<RegionCode>,
    pub name: String,
    pub households: StatusCounts,
    pub persons: StatusCounts,
}

/// The counts of a region and of each region one level down that has records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub total: RegionStats,
    pub child_level: Option<RegionLevel>,
    pub children: Vec<RegionStats>,
}

pub(crate) fn region_name(code: Option<&RegionCode>) -> String {
    match code {
        None => "Indonesia".to_string(),
        Some(c) => Regions::embedded()
            .get(c)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| c.to_string()),
    }
}

/// The scope a reader asks about: `region` if it lies in the actor's scope (else not found, as
/// if it did not exist), or the actor's whole scope.
pub(crate) fn read_scope(actor: &Actor, region: Option<&RegionCode>) -> Result<Scope> {
    if !actor.may(Action::ReadRegister) {
        return Err(StoreError::Forbidden(Action::ReadRegister));
    }
    match region {
        Some(code) if actor.scope.contains(code) => Ok(Scope::Region(code.clone())),
        Some(_) => Err(StoreError::NotFound),
        None => Ok(actor.scope.clone()),
    }
}

/// The scope's region (`None`: the country) and the level one down.
pub(crate) fn levels(scope: &Scope) -> (Option<RegionCode>, Option<RegionLevel>) {
    match scope {
        Scope::Nation => (None, Some(RegionLevel::Province)),
        Scope::Region(c) => (Some(c.clone()), c.level().child()),
    }
}

impl Store {
    /// Counts for `region` (default: the actor's scope). A region outside the scope is not found.
    pub async fn stats(&self, actor: &Actor, region: Option<&RegionCode>) -> Result<Stats> {
        self.stats_in(&read_scope(actor, region)?).await
    }

    /// Counts for a scope already checked (or public: counts are no view of anyone).
    pub(crate) async fn stats_in(&self, scope: &Scope) -> Result<Stats> {
        Ok(stats_from(scope, &*self.village_status(scope).await?))
    }

    /// Households and persons by status per village of the scope: what both the counts and the
    /// quality start from, read once when a page shows both.
    /// Kept between register writes for a province or the nation.
    pub(crate) async fn village_status(
        &self,
        scope: &Scope,
    ) -> Result<std::sync::Arc<VillageStatus>> {
        let (low, high) = scope.village_range();
        self.kept("village status", scope, || async {
            Ok(VillageStatus {
                households: self.count_by_village("households", &low, &high).await?,
                persons: self.count_by_village("persons", &low, &high).await?,
            })
        })
        .await
    }

    async fn count_by_village(
        &self,
        table: &'static str,
        low: &str,
        high: &str,
    ) -> Result<BTreeMap<RegionCode, StatusCounts>> {
        let sql = match table {
            "households" => {
                "SELECT village_code, status, COUNT(*) AS n FROM households \
                 WHERE village_code >= $1 AND village_code < $2 GROUP BY village_code, status"
            }
            _ => {
                "SELECT village_code, status, COUNT(*) AS n FROM persons \
                 WHERE village_code >= $1 AND village_code < $2 GROUP BY village_code, status"
            }
        };
        let rows: Vec<(String, String, i64)> = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(low).bind(high).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok((r.text("village_code")?, r.text("status")?, r.int("n")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut out: BTreeMap<RegionCode, StatusCounts> = BTreeMap::new();
        for (village, status, n) in rows {
            let code = RegionCode::parse(&village)
                .map_err(|_| StoreError::Corrupt(format!("{table}.village_code")))?;
            out.entry(code).or_default().add(&status, n as u64);
        }
        Ok(out)
    }
}

/// Households and persons by status per village.
pub(crate) struct VillageStatus {
    households: BTreeMap<RegionCode, StatusCounts>,
    persons: BTreeMap<RegionCode, StatusCounts>,
}

/// The counts of a scope rolled up from its villages.
pub(crate) fn stats_from(scope: &Scope, villages: &VillageStatus) -> Stats {
    let (code, child_level) = levels(scope);
    let mut total = RegionStats {
        name: region_name(code.as_ref()),
        code: code.clone(),
        households: StatusCounts::default(),
        persons: StatusCounts::default(),
    };
    let mut children: BTreeMap<RegionCode, RegionStats> = BTreeMap::new();
    for (is_person, rows) in [(false, &villages.households), (true, &villages.persons)] {
        for (village, counts) in rows {
            let slot = if is_person {
                &mut total.persons
            } else {
                &mut total.households
            };
            slot.merge(counts);
            let Some(level) = child_level else { continue };
            let Some(child) = village.at_level(level) else {
                continue;
            };
            let entry = children
                .entry(child.clone())
                .or_insert_with(|| RegionStats {
                    name: region_name(Some(&child)),
                    code: Some(child),
                    households: StatusCounts::default(),
                    persons: StatusCounts::default(),
                });
            if is_person {
                entry.persons.merge(counts);
            } else {
                entry.households.merge(counts);
            }
        }
    }
    Stats {
        total,
        child_level,
        children: children.into_values().collect(),
    }
}

/// Data quality of one region: how many active people and households have no open error
/// finding (valid) and how many have one (not valid), and the open findings per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionQuality {
    /// `None` for the whole country.
    pub code: Option<RegionCode>,
    pub name: String,
    pub persons: u64,
    pub persons_not_valid: u64,
    pub households: u64,
    pub households_not_valid: u64,
    /// Open findings by kind code.
    pub open: BTreeMap<u8, u64>,
}

impl RegionQuality {
    fn new(code: Option<RegionCode>) -> RegionQuality {
        RegionQuality {
            name: region_name(code.as_ref()),
            code,
            persons: 0,
            persons_not_valid: 0,
            households: 0,
            households_not_valid: 0,
            open: BTreeMap::new(),
        }
    }

    pub fn persons_valid(&self) -> u64 {
        self.persons.saturating_sub(self.persons_not_valid)
    }

    pub fn households_valid(&self) -> u64 {
        self.households.saturating_sub(self.households_not_valid)
    }
}

/// Quality of a region and of each region one level down that has records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quality {
    pub total: RegionQuality,
    pub child_level: Option<RegionLevel>,
    pub children: Vec<RegionQuality>,
}

/// Which per-village count a quality row adds to.
#[derive(Clone, Copy)]
enum Measure {
    Persons,
    PersonsNotValid,
    Households,
    HouseholdsNotValid,
    Kind(u8),
}

impl Store {
    /// Valid and not valid per region (`region`, default the actor's scope, and each region one
    /// level down), as of the last check run: a person is not valid while an open error finding
    /// names them or their household as a whole.
    pub async fn quality(&self, actor: &Actor, region: Option<&RegionCode>) -> Result<Quality> {
        self.quality_in(&read_scope(actor, region)?).await
    }

    /// Quality of a scope already checked.
    pub(crate) async fn quality_in(&self, scope: &Scope) -> Result<Quality> {
        let (villages, findings) = tokio::try_join!(
            self.village_status(scope),
            self.quality_findings(scope, true)
        )?;
        quality_from(scope, &villages, &findings)
    }

    /// Per village: people and households not valid, and (with `kinds`) open findings per kind.
    /// Kept between register writes for a province or the nation.
    pub(crate) async fn quality_findings(
        &self,
        scope: &Scope,
        kinds: bool,
    ) -> Result<std::sync::Arc<FindingCounts>> {
        let what = if kinds {
            "findings with kinds"
        } else {
            "findings"
        };
        self.kept(what, scope, || self.count_findings(scope, kinds))
            .await
    }

    async fn count_findings(&self, scope: &Scope, kinds: bool) -> Result<FindingCounts> {
        let (low, high) = scope.village_range();
        let counts: Vec<(String, Measure, i64)> = with_pool!(self, p => {
            let mut out = Vec::new();
            for (measure, sql) in [
                // Not valid: read from the open findings (few) and their households' members,
                // not by probing every person for a finding. CROSS JOIN keeps SQLite from
                // turning the join round; PostgreSQL plans it like any inner join.
                (Measure::PersonsNotValid, "SELECT p.village_code, COUNT(DISTINCT p.id) AS n \
                    FROM findings f CROSS JOIN persons p \
                    WHERE p.household_id = f.household_id AND f.status = 'open' AND f.severity = 'error' \
                    AND f.village_code >= $1 AND f.village_code < $2 \
                    AND (f.person_id IS NULL OR f.person_id = p.id) \
                    AND p.status = 'active' AND p.village_code >= $1 AND p.village_code < $2 \
                    GROUP BY p.village_code"),
                (Measure::HouseholdsNotValid, "SELECT h.village_code, COUNT(DISTINCT h.id) AS n \
                    FROM findings f CROSS JOIN households h \
                    WHERE h.id = f.household_id AND f.status = 'open' AND f.severity = 'error' \
                    AND f.village_code >= $1 AND f.village_code < $2 \
                    AND h.status = 'active' AND h.village_code >= $1 AND h.village_code < $2 \
                    GROUP BY h.village_code"),
                (Measure::Kind(0), "SELECT village_code, kind, COUNT(*) AS n FROM findings \
                    WHERE status = 'open' AND village_code >= $1 AND village_code < $2 GROUP BY village_code, kind"),
            ] {
                if matches!(measure, Measure::Kind(_)) && !kinds {
                    continue;
                }
                let rows = sqlx::query(sql).bind(&low).bind(&high).fetch_all(p).await?;
                for r in &rows {
                    let measure = match measure {
                        Measure::Kind(_) => Measure::Kind(
                            u8::try_from(r.int("kind")?).map_err(|_| StoreError::Corrupt("findings.kind".into()))?,
                        ),
                        m => m,
                    };
                    out.push((r.text("village_code")?, measure, r.int("n")?));
                }
            }
            out
        });
        Ok(FindingCounts(counts))
    }
}

/// What [`Store::quality_findings`] read: (village, measure, count).
pub(crate) struct FindingCounts(Vec<(String, Measure, i64)>);

/// Quality of a scope from its counts by status (the active people and households) and its
/// finding counts.
pub(crate) fn quality_from(
    scope: &Scope,
    villages: &VillageStatus,
    findings: &FindingCounts,
) -> Result<Quality> {
    let mut counts: Vec<(RegionCode, Measure, i64)> = Vec::with_capacity(findings.0.len());
    for (village, measure, n) in &findings.0 {
        let village =
            RegionCode::parse(village).map_err(|_| StoreError::Corrupt("village_code".into()))?;
        counts.push((village, *measure, *n));
    }
    for (measure, rows) in [
        (Measure::Persons, &villages.persons),
        (Measure::Households, &villages.households),
    ] {
        counts.extend(
            rows.iter()
                .filter(|(_, c)| c.active > 0)
                .map(|(village, c)| (village.clone(), measure, c.active as i64)),
        );
    }
    let (code, child_level) = levels(scope);
    let mut total = RegionQuality::new(code);
    let mut children: BTreeMap<RegionCode, RegionQuality> = BTreeMap::new();
    for (village, measure, n) in counts {
        let child = child_level.and_then(|level| village.at_level(level));
        let n = n as u64;
        let add = |q: &mut RegionQuality| match measure {
            Measure::Persons => q.persons += n,
            Measure::PersonsNotValid => q.persons_not_valid += n,
            Measure::Households => q.households += n,
            Measure::HouseholdsNotValid => q.households_not_valid += n,
            Measure::Kind(k) => *q.open.entry(k).or_default() += n,
        };
        add(&mut total);
        if let Some(child) = child {
            add(children
                .entry(child.clone())
                .or_insert_with(|| RegionQuality::new(Some(child))));
        }
    }
    Ok(Quality {
        total,
        child_level,
        children: children.into_values().collect(),
    })
}
