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

fn region_name(code: Option<&RegionCode>) -> String {
    match code {
        None => "Indonesia".to_string(),
        Some(c) => Regions::embedded()
            .get(c)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| c.to_string()),
    }
}

impl Store {
    /// Counts for `region` (default: the actor's scope). A region outside the scope is not found.
    pub async fn stats(&self, actor: &Actor, region: Option<&RegionCode>) -> Result<Stats> {
        if !actor.may(Action::ReadRegister) {
            return Err(StoreError::Forbidden(Action::ReadRegister));
        }
        let scope = match region {
            Some(code) if actor.scope.contains(code) => Scope::Region(code.clone()),
            Some(_) => return Err(StoreError::NotFound),
            None => actor.scope.clone(),
        };
        let (low, high) = scope.village_range();
        let households = self.count_by_village("households", &low, &high).await?;
        let persons = self.count_by_village("persons", &low, &high).await?;

        let code = match &scope {
            Scope::Nation => None,
            Scope::Region(c) => Some(c.clone()),
        };
        let child_level = match &code {
            None => Some(RegionLevel::Province),
            Some(c) => c.level().child(),
        };
        let mut total = RegionStats {
            name: region_name(code.as_ref()),
            code: code.clone(),
            households: StatusCounts::default(),
            persons: StatusCounts::default(),
        };
        let mut children: BTreeMap<RegionCode, RegionStats> = BTreeMap::new();
        for (is_person, rows) in [(false, households), (true, persons)] {
            for (village, counts) in rows {
                let slot = if is_person {
                    &mut total.persons
                } else {
                    &mut total.households
                };
                slot.merge(&counts);
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
                    entry.persons.merge(&counts);
                } else {
                    entry.households.merge(&counts);
                }
            }
        }
        Ok(Stats {
            total,
            child_level,
            children: children.into_values().collect(),
        })
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
