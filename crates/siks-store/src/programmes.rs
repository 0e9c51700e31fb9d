//! Programmes in the store: the definition in force for each programme (the newest saved
//! version, else the one siks ships), quotas per regency, and the beneficiary list (KPM) of each
//! programme for a period. A list is built village by village from the register as it stands,
//! the latest ranking and the open findings, ranked within each regency by desil then score,
//! cut at the regency's quota, and kept with the households that left since the previous
//! period's list and why. A list of a closed period is fixed.

use siks_domain::clock::Stamp;
use std::collections::{BTreeMap, HashMap, HashSet};

use siks_domain::checks::FindingKind;
use siks_domain::programmes::{
    Assessed, DEFAULT_PROGRAMMES, Prepared, Programme, UnitKind, Verdict, form_groups,
};
use siks_domain::workflow::Period;
use siks_domain::{Actor, Coded, Household, Person, PersonId, RegionCode, Role, Scope};
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::bulk::Pace;
use crate::records::{
    LEAN_HOUSEHOLD_COLUMNS, LEAN_MEMBERS, lean_household_from_row, lean_members_from_text,
};
use crate::sql::{Cells, Value, insert_rows, with_pool, with_tx};
use crate::{Result, Store, StoreError};

/// A programme as it is in force.
#[derive(Debug)]
pub struct InForce {
    pub programme: Programme,
    /// 0: the definition siks ships.
    pub version: i64,
    pub saved_at: Option<Stamp>,
}

/// What building one programme's list came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReport {
    pub code: String,
    /// Whom the programme counts: a grouped programme's units are its groups.
    pub unit: UnitKind,
    pub units: u64,
    pub households: u64,
    /// Yearly total, rupiah.
    pub amount: u64,
    /// Eligible units left out by a regency's quota.
    pub over_quota: u64,
    /// Eligible families left waiting because their village had too few for a group.
    pub waiting: u64,
    /// Households on the previous period's list and not on this one.
    pub departed: u64,
    /// Households on this list and not on the previous one.
    pub entered: u64,
}

/// What building every programme's lists for a period came to.
#[derive(Debug, Clone, PartialEq)]
pub struct ListsBuilt {
    /// One per programme, in code order.
    pub lists: Vec<ListReport>,
    /// Seconds spent in each phase: (phase, seconds), in order.
    pub phases: Vec<(&'static str, f64)>,
}

/// A household that left a programme's list, with its head's name (empty when the household
/// left the register) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    pub household_id: Uuid,
    pub head: String,
    pub reason: String,
}

/// One unit of a list as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Beneficiary {
    pub household_id: Uuid,
    pub village_code: RegionCode,
    pub family_no: Option<i64>,
    pub person_id: Option<Uuid>,
    pub desil: i64,
    pub score: f64,
    pub amount: i64,
    pub components: String,
    pub position: i64,
    /// The group within the village, for programmes whose unit is a group or a community.
    pub group: Option<i64>,
}

const BENEFICIARY_COLUMNS: &[&str] = &[
    "list_id",
    "household_id",
    "village_code",
    "family_no",
    "person_ids",
    "units",
    "desil",
    "score",
    "amount",
    "components",
    "position",
    "unit_group",
];

/// A programme's verdict on a prepared household; a rule that fails on it stops the build.
fn assess(programme: &Programme, prepared: &Prepared<'_>) -> Result<Verdict> {
    programme.assess_prepared(prepared).map_err(|e| {
        StoreError::invalid_text(
            format!("program {}: {}", programme.code, e.reason),
            format!("programme {}: {}", programme.code, e.reason),
        )
    })
}

/// One household as the programmes' rules see it.
struct ForRules {
    household: Household,
    members: Vec<Person>,
    findings: Vec<(Option<PersonId>, FindingKind)>,
    /// (regency desil, BPS criteria met) in the latest ranking run.
    rank: Option<(u8, u8)>,
}

/// Villages read at once when assessing the register.
const VILLAGES_PER_READ: usize = 64;
/// Reads under way while households are assessed: with two, both cores stay busy.
const READS_AHEAD: usize = 2;

/// Whether `actor` may build lists (the ministry or the national admin): pages offer it only then.
pub fn may_build_lists(actor: &Actor) -> bool {
    pusat_only(actor).is_ok()
}

/// Refuses a dry run before any work, as [`Store::dry_run_programme`] would: the role, a
/// definition that does not read (with its line). Answers the definition read.
pub fn check_rules_may_be_tried(actor: &Actor, text: &str) -> Result<Programme> {
    pusat_only(actor)?;
    Programme::parse(text).map_err(|e| {
        StoreError::invalid_text(e.to_string(), format!("line {}: {}", e.line, e.reason))
    })
}

fn pusat_only(actor: &Actor) -> Result<()> {
    if matches!(actor.role, Role::Pusat | Role::Admin) && actor.scope == Scope::Nation {
        Ok(())
    } else {
        Err(StoreError::Forbidden(siks_domain::Action::WriteRegister))
    }
}

/// One saved version of a programme's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeVersion {
    /// 0: the definition siks ships.
    pub version: i64,
    pub note: String,
    /// The username of whoever saved it (empty for the shipped one).
    pub saved_by: String,
    pub saved_at: Option<Stamp>,
    pub definition: String,
}

/// How many households of one region a definition would put on its programme's list, beside
/// the definition in force (quotas left aside).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DryRunRegion {
    /// `None`: the whole country.
    pub code: Option<RegionCode>,
    pub name: String,
    pub before: u64,
    pub after: u64,
    /// Eligible under the new definition only.
    pub added: u64,
    /// Eligible under the one in force only.
    pub dropped: u64,
}

/// What saving a definition would change, per province and in total.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DryRun {
    pub code: String,
    /// The version in force it was compared with (0: shipped; `None`: a new programme).
    pub compared_with: Option<i64>,
    /// Households assessed.
    pub households: u64,
    pub total: DryRunRegion,
    pub regions: Vec<DryRunRegion>,
}

/// A candidate unit of a list. Small on purpose: a list over a whole register holds millions
/// (PBI-JK counts persons), so the regency and village are places in [`Places`], not texts.
struct Candidate {
    regency: u32,
    village: u32,
    desil: u8,
    score: f64,
    household: Uuid,
    unit: siks_domain::programmes::Unit,
    /// The group within the village, once formed (grouped programmes only).
    group: Option<u32>,
}

/// The villages seen while the households are visited, each once, with its regency's place.
#[derive(Default)]
struct Places {
    villages: Vec<String>,
    regency_of: Vec<u32>,
    regencies: Vec<String>,
    at: HashMap<String, u32>,
    regency_at: HashMap<String, u32>,
}

impl Places {
    /// The place of `village` and of its regency.
    fn place(&mut self, village: &str) -> (u32, u32) {
        let found = match self.at.get(village) {
            Some(i) => *i,
            None => {
                let regency = village.get(..5).unwrap_or("");
                let next = self.regencies.len() as u32;
                let r = *self
                    .regency_at
                    .entry(regency.to_string())
                    .or_insert_with(|| {
                        self.regencies.push(regency.to_string());
                        next
                    });
                let i = self.villages.len() as u32;
                self.villages.push(village.to_string());
                self.regency_of.push(r);
                self.at.insert(village.to_string(), i);
                i
            }
        };
        (found, self.regency_of[found as usize])
    }
}

impl Store {
    /// Every programme in force: the newest saved version of each code, and the shipped
    /// definitions of codes never saved.
    pub async fn programmes(&self) -> Result<Vec<InForce>> {
        let saved: Vec<(String, i64, String, String)> = with_pool!(self, p => {
            sqlx::query(
                "SELECT v.code, v.version, v.definition, v.saved_at FROM programme_versions v \
                 WHERE v.version = (SELECT MAX(w.version) FROM programme_versions w WHERE w.code = v.code) \
                 ORDER BY v.code",
            )
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok((r.text("code")?, r.int("version")?, r.text("definition")?, r.text("saved_at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut out = Vec::new();
        for (_, version, definition, saved_at) in saved {
            let programme = Programme::parse(&definition)
                .map_err(|_| StoreError::Corrupt("programme_versions.definition".into()))?;
            out.push(InForce {
                programme,
                version,
                saved_at: Some(crate::sql::stamp(&saved_at, "programme_versions.saved_at")?),
            });
        }
        for text in DEFAULT_PROGRAMMES {
            let programme = Programme::parse(text)
                .map_err(|e| StoreError::Corrupt(format!("shipped programme: {e}")))?;
            if !out.iter().any(|p| p.programme.code == programme.code) {
                out.push(InForce {
                    programme,
                    version: 0,
                    saved_at: None,
                });
            }
        }
        out.sort_by(|a, b| a.programme.code.cmp(&b.programme.code));
        Ok(out)
    }

    /// Saves a new version of a programme's definition (ministry or admin): refused, with the
    /// line and reason, when it does not read; the version in force stays as it was.
    pub async fn save_programme(&self, actor: &Actor, text: &str, note: &str) -> Result<i64> {
        pusat_only(actor)?;
        let programme = Programme::parse(text).map_err(|e| {
            StoreError::invalid_text(e.to_string(), format!("line {}: {}", e.line, e.reason))
        })?;
        if note.trim().chars().count() < 5 {
            return Err(StoreError::invalid_text(
                "catatan perubahan wajib diisi (paling sedikit 5 huruf)",
                "a note of at least 5 letters is required",
            ));
        }
        let mut tx = self.begin().await?;
        let version = with_tx!(&mut tx, c => {
            let last: Option<i64> = sqlx::query(
                "SELECT CAST(MAX(version) AS BIGINT) AS v FROM programme_versions WHERE code = $1",
            )
            .bind(&programme.code)
            .fetch_one(&mut **c)
            .await?
            .opt_int("v")?;
            let version = last.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO programme_versions (id, code, version, definition, note, saved_by, saved_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7().to_string())
            .bind(&programme.code)
            .bind(version)
            .bind(text)
            .bind(note.trim())
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
            version
        });
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "programme.save",
                target_kind: "programme",
                target_id: programme.code.clone(),
                region_code: "*".into(),
                detail: format!("version={version}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Every version of a programme's definition, newest first, ending with the shipped one when
    /// siks ships that code. Unknown codes are refused with the codes that exist.
    pub async fn programme_versions(&self, code: &str) -> Result<Vec<ProgrammeVersion>> {
        self.known_programme(code).await?;
        let mut versions: Vec<ProgrammeVersion> = with_pool!(self, p => {
            sqlx::query(
                "SELECT v.version, v.note, v.saved_at, v.definition, COALESCE(u.username, '') AS username \
                 FROM programme_versions v LEFT JOIN users u ON u.id = v.saved_by \
                 WHERE v.code = $1 ORDER BY v.version DESC",
            )
            .bind(code)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                Ok(ProgrammeVersion {
                    version: r.int("version")?,
                    note: r.text("note")?,
                    saved_by: r.text("username")?,
                    saved_at: Some(crate::sql::stamp(&r.text("saved_at")?, "programme_versions.saved_at")?),
                    definition: r.text("definition")?,
                })
            })
            .collect::<Result<Vec<_>>>()?
        });
        for text in DEFAULT_PROGRAMMES {
            let shipped = Programme::parse(text)
                .map_err(|e| StoreError::Corrupt(format!("shipped programme: {e}")))?;
            if shipped.code == code {
                versions.push(ProgrammeVersion {
                    version: 0,
                    note: "definisi bawaan siks".into(),
                    saved_by: String::new(),
                    saved_at: None,
                    definition: text.to_string(),
                });
            }
        }
        Ok(versions)
    }

    /// What saving `text` would change (ministry or admin): for every household not inactive,
    /// eligible under the definition in force and under `text`, counted per province. Nothing is
    /// written. A definition that does not read is refused with its line, as on saving.
    pub async fn dry_run_programme(
        &self,
        actor: &Actor,
        text: &str,
        today: chrono::NaiveDate,
    ) -> Result<DryRun> {
        let proposed = check_rules_may_be_tried(actor, text)?;
        let in_force = self
            .programmes()
            .await?
            .into_iter()
            .find(|p| p.programme.code == proposed.code);
        let mut households = 0u64;
        let mut per_province: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
        let excluding: Vec<FindingKind> = in_force
            .iter()
            .flat_map(|p| p.programme.exclude_findings.iter())
            .chain(&proposed.exclude_findings)
            .copied()
            .collect();
        self.visit_prepared(today, &excluding, |village, _, prepared| {
            households += 1;
            let before = match &in_force {
                Some(p) => matches!(assess(&p.programme, prepared)?, Verdict::Receives(_)),
                None => false,
            };
            let after = matches!(assess(&proposed, prepared)?, Verdict::Receives(_));
            if before || after {
                let slot = per_province
                    .entry(village.get(..2).unwrap_or("").to_string())
                    .or_default();
                slot.0 += u64::from(before);
                slot.1 += u64::from(after);
                slot.2 += u64::from(after && !before);
                slot.3 += u64::from(before && !after);
            }
            Ok(())
        })
        .await?;
        let region = |code: Option<RegionCode>,
                      (before, after, added, dropped): (u64, u64, u64, u64)| {
            DryRunRegion {
                name: crate::stats::region_name(code.as_ref()),
                code,
                before,
                after,
                added,
                dropped,
            }
        };
        let mut sum = (0, 0, 0, 0);
        let mut regions = Vec::new();
        for (code, counts) in per_province {
            sum = (
                sum.0 + counts.0,
                sum.1 + counts.1,
                sum.2 + counts.2,
                sum.3 + counts.3,
            );
            let code =
                RegionCode::parse(&code).map_err(|_| StoreError::Corrupt("village_code".into()))?;
            regions.push(region(Some(code), counts));
        }
        Ok(DryRun {
            code: proposed.code.clone(),
            compared_with: in_force.map(|p| p.version),
            households,
            total: region(None, sum),
            regions,
        })
    }

    /// Sets how many units a regency may have in a programme (ministry or admin). Refused below
    /// zero, above the regency's households, or for a code not in force.
    pub async fn set_quota(
        &self,
        actor: &Actor,
        code: &str,
        regency: &RegionCode,
        quota: i64,
    ) -> Result<()> {
        pusat_only(actor)?;
        if regency.level() != siks_domain::RegionLevel::Regency {
            return Err(StoreError::invalid_text(
                format!("{regency} bukan kode kabupaten/kota"),
                format!("{regency} is not a regency code"),
            ));
        }
        self.known_programme(code).await?;
        let (low, high) = regency.village_range();
        let households: i64 = with_pool!(self, p => {
            sqlx::query(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM households \
                 WHERE village_code >= $1 AND village_code < $2 AND status <> 'inactive'",
            )
            .bind(&low)
            .bind(&high)
            .fetch_one(p)
            .await?
            .int("n")?
        });
        if quota < 0 || quota > households {
            return Err(StoreError::invalid_text(
                format!(
                    "kuota {quota} di luar batas: paling sedikit 0, paling banyak {households} (rumah tangga di {regency})"
                ),
                format!("quota {quota} out of range 0..={households}"),
            ));
        }
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM programme_quotas WHERE code = $1 AND regency_code = $2")
                .bind(code)
                .bind(regency.to_string())
                .execute(&mut **c)
                .await?;
            sqlx::query(
                "INSERT INTO programme_quotas (code, regency_code, quota, set_by, set_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(code)
            .bind(regency.to_string())
            .bind(quota)
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
        });
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "programme.quota",
                target_kind: "programme",
                target_id: code.to_string(),
                region_code: regency.to_string(),
                detail: format!("quota={quota}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refuses a code no programme in force has, naming those that exist.
    async fn known_programme(&self, code: &str) -> Result<()> {
        let codes: Vec<String> = self
            .programmes()
            .await?
            .into_iter()
            .map(|p| p.programme.code)
            .collect();
        if codes.iter().any(|c| c == code) {
            return Ok(());
        }
        Err(StoreError::invalid_text(
            format!(
                "program '{code}' tidak dikenal; yang ada: {}",
                codes.join(", ")
            ),
            format!("unknown programme '{code}'; known: {}", codes.join(", ")),
        ))
    }

    /// Builds every programme's list for `period` as of `today` (ministry or admin), replacing
    /// the lists built before for that period. A closed period's lists are fixed.
    /// Refuses what [`Store::build_lists`] would refuse before any work: the role, a closed period.
    pub async fn check_lists_may_be_built(&self, actor: &Actor, period: Period) -> Result<()> {
        pusat_only(actor)?;
        if self.closed_periods().await?.contains(&period) {
            return Err(StoreError::invalid_text(
                format!("periode {period} sudah ditutup: daftar penerimanya tetap"),
                format!("period {period} is closed: its lists are fixed"),
            ));
        }
        Ok(())
    }

    pub async fn build_lists(
        &self,
        actor: &Actor,
        period: Period,
        today: chrono::NaiveDate,
    ) -> Result<ListsBuilt> {
        self.check_lists_may_be_built(actor, period).await?;
        self.remove_abandoned_lists().await?;
        let started = std::time::Instant::now();
        let programmes = self.programmes().await?;
        let quotas: HashMap<(String, String), i64> = with_pool!(self, p => {
            sqlx::query("SELECT code, regency_code, quota FROM programme_quotas")
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| Ok(((r.text("code")?, r.text("regency_code")?), r.int("quota")?)))
                .collect::<Result<_, sqlx::Error>>()?
        });
        let previous: Vec<HashSet<Uuid>> = {
            let mut out = Vec::new();
            for p in &programmes {
                out.push(self.previous_list(&p.programme.code, period).await?);
            }
            out
        };
        let mut candidates: Vec<Vec<Candidate>> = programmes.iter().map(|_| Vec::new()).collect();
        // Why each household of a previous list is not on this one (filled as households are
        // assessed; those no longer in the register stay unexplained until the end).
        let mut why_not: Vec<HashMap<Uuid, (String, String)>> =
            programmes.iter().map(|_| HashMap::new()).collect();
        let excluding: Vec<FindingKind> = programmes
            .iter()
            .flat_map(|p| p.programme.exclude_findings.iter().copied())
            .collect();
        let mut places = Places::default();
        self.visit_prepared(today, &excluding, |village, household, prepared| {
            let (at, regency) = places.place(village);
            for (i, p) in programmes.iter().enumerate() {
                match assess(&p.programme, prepared)? {
                    Verdict::Receives(units) => {
                        for unit in units {
                            candidates[i].push(Candidate {
                                regency,
                                village: at,
                                desil: household.desil.unwrap_or(0),
                                score: household.welfare_score.unwrap_or(0.0),
                                household: household.id.0,
                                unit,
                                group: None,
                            });
                        }
                    }
                    Verdict::NotEligible(why) if previous[i].contains(&household.id.0) => {
                        why_not[i].insert(
                            household.id.0,
                            (village.to_string(), p.programme.explain(why)),
                        );
                    }
                    Verdict::Excluded(kind) if previous[i].contains(&household.id.0) => {
                        why_not[i].insert(
                            household.id.0,
                            (
                                village.to_string(),
                                format!("dikecualikan: {}", kind.label()),
                            ),
                        );
                    }
                    _ => {}
                }
            }
            Ok(())
        })
        .await?;
        let mut phases = vec![(
            "rumah tangga dibaca dan dinilai",
            started.elapsed().as_secs_f64(),
        )];
        let (mut sorting, mut writing) = (0.0, 0.0);
        let mut reports = Vec::new();
        for (i, p) in programmes.iter().enumerate() {
            let code = &p.programme.code;
            let clock = std::time::Instant::now();
            let mut list = std::mem::take(&mut candidates[i]);
            // Poorest first within each regency: desil, then the estimated spending. Stable, so
            // a household's units keep their order.
            list.sort_by(|a, b| {
                a.regency
                    .cmp(&b.regency)
                    .then(a.desil.cmp(&b.desil))
                    .then(a.score.total_cmp(&b.score))
                    .then(a.household.cmp(&b.household))
            });
            let quota_of: Vec<Option<i64>> = places
                .regencies
                .iter()
                .map(|r| quotas.get(&(code.clone(), r.clone())).copied())
                .collect();
            let mut kept = Vec::with_capacity(list.len());
            let mut over_quota = 0u64;
            let mut position = 0i64;
            let mut regency = None;
            for c in list {
                if Some(c.regency) != regency {
                    regency = Some(c.regency);
                    position = 0;
                }
                position += 1;
                match quota_of[c.regency as usize] {
                    Some(q) if position > q => {
                        over_quota += 1;
                        if previous[i].contains(&c.household) {
                            why_not[i].insert(
                                c.household,
                                (
                                    places.villages[c.village as usize].clone(),
                                    "di luar kuota kabupaten/kota".into(),
                                ),
                            );
                        }
                    }
                    _ => kept.push((position, c)),
                }
            }
            // Written village by village: the list's index is by village, and rows that come in
            // its order are appended to it instead of being slotted in all over it.
            kept.sort_by_key(|(position, c)| (c.village, *position));
            let waiting = gather(&p.programme, &mut kept, |c| {
                if previous[i].contains(&c.household) {
                    why_not[i].insert(
                        c.household,
                        (
                            places.villages[c.village as usize].clone(),
                            format!(
                                "menunggu kelompok: kurang dari {} keluarga di desa",
                                p.programme.group_min
                            ),
                        ),
                    );
                }
            });
            let on_list: HashSet<Uuid> = kept.iter().map(|(_, c)| c.household).collect();
            for gone in previous[i].difference(&on_list) {
                why_not[i]
                    .entry(*gone)
                    .or_insert_with(|| (String::new(), "tidak lagi di register".into()));
            }
            // A household on the list through some unit is not a departure.
            why_not[i].retain(|h, _| !on_list.contains(h));
            sorting += clock.elapsed().as_secs_f64();
            let clock = std::time::Instant::now();
            let report = self
                .write_list(
                    actor,
                    period,
                    p,
                    &kept,
                    &places.villages,
                    &why_not[i],
                    over_quota,
                    waiting,
                    &previous[i],
                )
                .await?;
            reports.push(report);
            writing += clock.elapsed().as_secs_f64();
        }
        phases.push(("diurutkan dalam kuota", sorting));
        phases.push(("ditulis", writing));
        let clock = std::time::Instant::now();
        self.settle_after_bulk_write().await?;
        phases.push((
            "log tulis dilipat (checkpoint)",
            clock.elapsed().as_secs_f64(),
        ));
        Ok(ListsBuilt {
            lists: reports,
            phases,
        })
    }

    /// Visits every household not inactive, village by village, prepared once for the
    /// programmes' rules as of `today` with the latest ranking run's regency desil and BPS count.
    /// Only the open findings of the `excluding` kinds are read (and deaths, which every
    /// programme counts): most open findings are warnings no rule reads.
    async fn visit_prepared(
        &self,
        today: chrono::NaiveDate,
        excluding: &[FindingKind],
        mut visit: impl FnMut(&str, &Household, &Prepared<'_>) -> Result<()>,
    ) -> Result<()> {
        let kinds: std::collections::BTreeSet<u8> = excluding
            .iter()
            .chain([&FindingKind::Deceased])
            .map(|k| k.code())
            .collect();
        // Numbers only.
        let findings_sql = format!(
            "SELECT household_id, person_id, kind FROM findings \
             WHERE village_code >= $1 AND village_code <= $2 AND status = 'open' AND kind IN ({})",
            kinds
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let villages: Vec<String> = with_pool!(self, p => {
            sqlx::query("SELECT DISTINCT village_code FROM households WHERE status <> 'inactive' ORDER BY village_code")
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| r.text("village_code"))
                .collect::<Result<_, sqlx::Error>>()?
        });
        // A few dozen villages a read: one read per village spent most of its time on the
        // round trips, not on the rows. The next reads run on other workers, each on its own
        // connection, while this one's households are assessed.
        let findings_sql: std::sync::Arc<str> = findings_sql.into();
        let read = |chunk: &[String]| {
            let store = self.clone();
            let findings_sql = findings_sql.clone();
            let first = chunk.first().cloned().unwrap_or_default();
            let last = chunk.last().cloned().unwrap_or_default();
            tokio::spawn(
                async move { store.villages_for_lists(&first, &last, &findings_sql).await },
            )
        };
        let mut chunks = villages.chunks(VILLAGES_PER_READ);
        let mut ahead: std::collections::VecDeque<_> =
            chunks.by_ref().take(READS_AHEAD).map(read).collect();
        while let Some(reading) = ahead.pop_front() {
            // A read task only fails to join when it panicked.
            let households = reading
                .await
                .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))??;
            ahead.extend(chunks.next().map(read));
            for h in &households {
                let assessed = Assessed {
                    household: &h.household,
                    members: &h.members,
                    desil: h.household.desil,
                    desil_regency: h.rank.map(|r| r.0),
                    score: h.household.welfare_score,
                    bps_met: h.rank.map(|r| r.1).unwrap_or(0),
                    open_findings: &h.findings,
                    today,
                };
                visit(
                    h.household.address.village.as_str(),
                    &h.household,
                    &Prepared::new(&assessed),
                )?;
            }
        }
        Ok(())
    }

    /// The households on the newest list of `code` before `period`.
    async fn previous_list(&self, code: &str, period: Period) -> Result<HashSet<Uuid>> {
        with_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT DISTINCT b.household_id FROM beneficiaries b WHERE b.list_id = \
                 (SELECT id FROM beneficiary_lists WHERE code = $1 AND period < $2 \
                 AND period NOT LIKE '-%' ORDER BY period DESC LIMIT 1)",
            )
            .bind(code)
            .bind(period.to_string())
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    r.text("household_id")?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("beneficiaries.household_id".into()))
                })
                .collect()
        })
    }

    /// The households (not inactive) of the villages `first..=last` with their members, the
    /// open findings `findings_sql` reads (of the kinds that matter, over a range of villages),
    /// and their place in the latest ranking run, read in one snapshot.
    async fn villages_for_lists(
        &self,
        first: &str,
        last: &str,
        findings_sql: &str,
    ) -> Result<Vec<ForRules>> {
        let mut tx = self.begin_read().await?;
        let households = with_tx!(&mut tx, c => {
            // Built from constants only.
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {LEAN_HOUSEHOLD_COLUMNS}, m.members \
                 FROM households h LEFT JOIN \
                 (SELECT p.household_id, {LEAN_MEMBERS} AS members FROM persons p \
                  WHERE p.village_code >= $1 AND p.village_code <= $2 GROUP BY p.household_id) m \
                 ON m.household_id = h.id \
                 WHERE h.village_code >= $1 AND h.village_code <= $2 AND h.status <> 'inactive' \
                 ORDER BY h.village_code"
            )))
            .bind(first)
            .bind(last)
            .fetch_all(&mut **c)
            .await?;
            let mut households = Vec::with_capacity(rows.len());
            let mut at: HashMap<Uuid, usize> = HashMap::with_capacity(rows.len());
            for r in &rows {
                let household = lean_household_from_row(r)?;
                let text = r.opt_text("members")?.unwrap_or_default();
                let small = |v: Option<i64>| v.map(|v| u8::try_from(v).unwrap_or(0));
                let rank = match (small(r.opt_int("desil_regency")?), small(r.opt_int("bps_met")?)) {
                    (Some(d), Some(b)) => Some((d, b)),
                    _ => None,
                };
                at.insert(household.id.0, households.len());
                households.push(ForRules {
                    members: lean_members_from_text(household.id, &text, &self.keys())?,
                    household,
                    findings: Vec::new(),
                    rank,
                });
            }
            for r in sqlx::query(sqlx::AssertSqlSafe(findings_sql))
            .bind(first)
            .bind(last)
            .fetch_all(&mut **c)
            .await?
            {
                let household: Uuid = r
                    .text("household_id")?
                    .parse()
                    .map_err(|_| StoreError::Corrupt("findings.household_id".into()))?;
                let person = r
                    .opt_text("person_id")?
                    .and_then(|p| p.parse().ok())
                    .map(PersonId);
                let Some(kind) = u8::try_from(r.int("kind")?).ok().and_then(FindingKind::from_code)
                else {
                    continue;
                };
                if let Some(i) = at.get(&household) {
                    households[*i].findings.push((person, kind));
                }
            }
            households
        });
        tx.commit().await?;
        Ok(households)
    }

    /// Replaces the period's list of one programme with `kept`, and its departures, without
    /// holding the write lock for the whole list (issue 18): the new list is written aside (its
    /// `period` is [`ASIDE`] and its id, which no reader asks for) in slices of
    /// [`ROWS_PER_SLICE`], in transactions as long as a bulk writer's [`Pace`] says (a fifth of
    /// a second beside other writers); then one short transaction puts the old
    /// list aside and the new one in its place, so a reader sees the old list whole or the new
    /// one whole; then the old one is removed a province at a time.
    #[allow(clippy::too_many_arguments)]
    async fn write_list(
        &self,
        actor: &Actor,
        period: Period,
        p: &InForce,
        kept: &[(i64, Candidate)],
        villages: &[String],
        why_not: &HashMap<Uuid, (String, String)>,
        over_quota: u64,
        waiting: u64,
        previous: &HashSet<Uuid>,
    ) -> Result<ListReport> {
        let code = &p.programme.code;
        let id = Uuid::now_v7();
        let amount: u64 = kept.iter().map(|(_, c)| c.unit.amount).sum();
        let households: HashSet<Uuid> = kept.iter().map(|(_, c)| c.household).collect();
        let units = list_units(kept);
        let mut tx = self.begin_bulk().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO beneficiary_lists (id, period, code, definition, units, amount, built_by, built_at, public_check) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id.to_string())
            .bind(format!("{ASIDE}{id}"))
            .bind(code)
            .bind(&p.programme.text)
            .bind(units as i64)
            .bind(i64::try_from(amount).unwrap_or(i64::MAX))
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .bind(i64::from(p.programme.public_check))
            .execute(&mut **c)
            .await?;
        });
        tx.commit().await?;
        // Written in slices, walking the groups by index: an iterator with closures over
        // borrowed slices held across the inserts' awaits would make the build's future not
        // `Send`, and a job runs it on another thread.
        let mut aside = AsideWriter::new(self);
        let mut rows: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_SLICE);
        let mut first = 0;
        while first < kept.len() {
            let mut end = first + 1;
            while end < kept.len() && one_row(&kept[end - 1].1, &kept[end].1) {
                end += 1;
            }
            rows.push(beneficiary_row(id, villages, &kept[first..end]));
            first = end;
            if rows.len() >= ROWS_PER_SLICE {
                aside
                    .write(
                        "beneficiaries",
                        BENEFICIARY_COLUMNS,
                        std::mem::take(&mut rows),
                    )
                    .await?;
            }
        }
        aside
            .write("beneficiaries", BENEFICIARY_COLUMNS, rows)
            .await?;
        // Per village: units (a grouped list's groups), distinct households, amount (what
        // reports read).
        let mut per_village: BTreeMap<u32, (i64, HashSet<Uuid>, u64, HashSet<u32>)> =
            BTreeMap::new();
        for (_, c) in kept {
            let slot = per_village.entry(c.village).or_default();
            slot.0 += 1;
            slot.1.insert(c.household);
            slot.2 += c.unit.amount;
            slot.3.extend(c.group);
        }
        let counts: Vec<Vec<Value>> = per_village
            .into_iter()
            .map(|(village, (units, households, amount, groups))| {
                vec![
                    Value::Text(id.to_string()),
                    Value::Text(villages[village as usize].clone()),
                    Value::Int(if p.programme.unit.gathered() {
                        groups.len() as i64
                    } else {
                        units
                    }),
                    Value::Int(households.len() as i64),
                    Value::Int(i64::try_from(amount).unwrap_or(i64::MAX)),
                ]
            })
            .collect();
        aside
            .write(
                "beneficiary_counts",
                &["list_id", "village_code", "units", "households", "amount"],
                counts,
            )
            .await?;
        // Collected before the await, for the same reason as the rows above.
        let departures: Vec<Vec<Value>> = why_not
            .iter()
            .map(|(household, (village, reason))| {
                vec![
                    Value::Text(id.to_string()),
                    Value::Text(household.to_string()),
                    Value::Text(village.clone()),
                    Value::Text(reason.clone()),
                ]
            })
            .collect();
        aside
            .write(
                "beneficiary_departures",
                &["list_id", "household_id", "village_code", "reason"],
                departures,
            )
            .await?;
        aside.finish().await?;
        // The switch: the old list aside under its own id, the new one in its place.
        let mut tx = self.begin_bulk().await?;
        let replaced: Option<String> = with_tx!(&mut tx, c => {
            let old: Option<String> = sqlx::query_scalar(
                "SELECT id FROM beneficiary_lists WHERE period = $1 AND code = $2",
            )
            .bind(period.to_string())
            .bind(code)
            .fetch_optional(&mut **c)
            .await?;
            if let Some(old) = &old {
                sqlx::query("UPDATE beneficiary_lists SET period = $1 WHERE id = $2")
                    .bind(format!("{ASIDE}{old}"))
                    .bind(old)
                    .execute(&mut **c)
                    .await?;
            }
            sqlx::query("UPDATE beneficiary_lists SET period = $1 WHERE id = $2")
                .bind(period.to_string())
                .bind(id.to_string())
                .execute(&mut **c)
                .await?;
            old
        });
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "programme.build",
                target_kind: "beneficiary_list",
                target_id: id.to_string(),
                region_code: "*".into(),
                detail: format!("code={code} period={period} units={units}"),
            },
        )
        .await?;
        tx.commit().await?;
        if let Some(old) = replaced {
            self.remove_list_aside(&old).await?;
        }
        Ok(ListReport {
            code: code.clone(),
            unit: p.programme.unit,
            units,
            households: households.len() as u64,
            amount,
            over_quota,
            waiting,
            departed: why_not.len() as u64,
            entered: households.difference(previous).count() as u64,
        })
    }

    /// Removes a list put aside (replaced, or left half built by a build that died): its rows
    /// a province at a time, each in a transaction of its own, then the list itself.
    async fn remove_list_aside(&self, id: &str) -> Result<()> {
        let provinces: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT DISTINCT substr(village_code, 1, 2) FROM beneficiary_counts WHERE list_id = $1",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        });
        for province in provinces {
            let mut tx = self.begin_bulk().await?;
            with_tx!(&mut tx, c => {
                for table in ["beneficiaries", "beneficiary_departures", "beneficiary_counts"] {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DELETE FROM {table} WHERE list_id = $1 AND village_code >= $2 AND village_code < $3"
                    )))
                    .bind(id)
                    .bind(format!("{province}."))
                    .bind(format!("{province}/"))
                    .execute(&mut **c)
                    .await?;
                }
            });
            tx.commit().await?;
            self.pause_after_bulk_commit().await;
        }
        // What is left: rows outside every counted province (a build that died before its
        // counts), and the list itself.
        let mut tx = self.begin_bulk().await?;
        with_tx!(&mut tx, c => {
            for sql in [
                "DELETE FROM beneficiaries WHERE list_id = $1",
                "DELETE FROM beneficiary_departures WHERE list_id = $1",
                "DELETE FROM beneficiary_counts WHERE list_id = $1",
                "DELETE FROM beneficiary_lists WHERE id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut **c).await?;
            }
        });
        tx.commit().await?;
        Ok(())
    }

    /// Removes the lists a build that died left aside (begun more than an hour ago: a build
    /// running now is left alone). Every build does this first.
    async fn remove_abandoned_lists(&self) -> Result<()> {
        let before = crate::sql::time_text(self.now() - chrono::TimeDelta::hours(1));
        let ids: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT id FROM beneficiary_lists WHERE period LIKE '-%' AND built_at < $1",
            )
            .bind(&before)
            .fetch_all(p)
            .await?
        });
        for id in ids {
            self.remove_list_aside(&id).await?;
        }
        Ok(())
    }

    /// A programme's list for a period in `region` (default the actor's scope), by regency
    /// position. Audited as a view of the region.
    pub async fn beneficiaries(
        &self,
        actor: &Actor,
        period: Period,
        code: &str,
        region: Option<&RegionCode>,
    ) -> Result<Vec<Beneficiary>> {
        if !actor.may(siks_domain::Action::ExportPersonalData) {
            return Err(StoreError::Forbidden(
                siks_domain::Action::ExportPersonalData,
            ));
        }
        let scope = crate::stats::read_scope(actor, region)?;
        self.known_programme(code).await?;
        let (low, high) = scope.village_range();
        let rows: Vec<Beneficiary> = with_pool!(self, p => {
            sqlx::query(
                "SELECT b.* FROM beneficiaries b JOIN beneficiary_lists l ON l.id = b.list_id \
                 WHERE l.period = $1 AND l.code = $2 AND b.village_code >= $3 AND b.village_code < $4 \
                 ORDER BY b.village_code, b.position",
            )
            .bind(period.to_string())
            .bind(code)
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                let one = Beneficiary {
                    household_id: r.text("household_id")?.parse().map_err(|_| StoreError::Corrupt("beneficiaries.household_id".into()))?,
                    village_code: RegionCode::parse(&r.text("village_code")?).map_err(|_| StoreError::Corrupt("beneficiaries.village_code".into()))?,
                    family_no: r.opt_int("family_no")?,
                    person_id: None,
                    desil: r.int("desil")?,
                    score: r.opt_float("score")?.unwrap_or(0.0),
                    amount: r.int("amount")?,
                    components: r.text("components")?,
                    position: r.int("position")?,
                    group: r.opt_int("unit_group")?,
                };
                // A row of person units: one unit per person, in their ranking places.
                match r.opt_text("person_ids")? {
                    None => Ok(vec![one]),
                    Some(ids) => ids
                        .split(' ')
                        .zip(0..)
                        .map(|(id, i)| {
                            Ok(Beneficiary {
                                person_id: Some(id.parse().map_err(|_| StoreError::Corrupt("beneficiaries.person_ids".into()))?),
                                position: one.position + i,
                                ..one.clone()
                            })
                        })
                        .collect::<Result<Vec<_>>>(),
                }
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect()
        });
        self.audit_view(
            actor,
            AuditEvent {
                action: "programme.list_view",
                target_kind: "region",
                target_id: scope.key(),
                region_code: scope.key(),
                detail: format!("code={code} period={period} rows={}", rows.len()),
            },
        )
        .await?;
        Ok(rows)
    }

    /// The programmes whose latest built lists hold a household, with the period and the
    /// household's yearly amount on each: (code, period, amount). Empty outside the actor's scope.
    /// Read through the lists' village index (the lists keep no index by household).
    pub async fn household_benefits(
        &self,
        actor: &Actor,
        household: Uuid,
        village: &RegionCode,
    ) -> Result<Vec<(String, Period, i64)>> {
        if !actor.scope.contains(village) {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            sqlx::query(
                "SELECT l.code, l.period, CAST(SUM(b.amount * b.units) AS BIGINT) AS amount \
                 FROM beneficiary_lists l CROSS JOIN beneficiaries b \
                 WHERE l.period = (SELECT MAX(period) FROM beneficiary_lists WHERE period NOT LIKE '-%') \
                 AND b.list_id = l.id AND b.village_code = $1 AND b.household_id = $2 \
                 GROUP BY l.code, l.period ORDER BY l.code",
            )
            .bind(village.as_str())
            .bind(household.to_string())
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.text("code")?,
                    Period::parse(&r.text("period")?)
                        .map_err(|_| StoreError::Corrupt("beneficiary_lists.period".into()))?,
                    r.int("amount")?,
                ))
            })
            .collect::<Result<Vec<_>>>()
        })
    }

    /// Each programme's list for a period summed over `region` (default the actor's scope):
    /// (code, units, households, yearly amount). Counts only, so not a view of anyone.
    pub async fn list_summary(
        &self,
        actor: &Actor,
        period: Period,
        region: Option<&RegionCode>,
    ) -> Result<Vec<(String, i64, i64, i64)>> {
        let scope = crate::stats::read_scope(actor, region)?;
        let (low, high) = scope.village_range();
        with_pool!(self, p => {
            sqlx::query(
                "SELECT l.code, CAST(SUM(b.units) AS BIGINT) AS units, \
                 CAST(SUM(b.households) AS BIGINT) AS households, \
                 CAST(SUM(b.amount) AS BIGINT) AS amount \
                 FROM beneficiary_counts b JOIN beneficiary_lists l ON l.id = b.list_id \
                 WHERE l.period = $1 AND b.village_code >= $2 AND b.village_code < $3 \
                 GROUP BY l.code ORDER BY l.code",
            )
            .bind(period.to_string())
            .bind(&low)
            .bind(&high)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok((r.text("code")?, r.int("units")?, r.int("households")?, r.int("amount")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
        })
    }

    /// The households that left a programme's list in `period` (in scope), with the reason.
    pub async fn departures(
        &self,
        actor: &Actor,
        period: Period,
        code: &str,
        region: Option<&RegionCode>,
    ) -> Result<Vec<Departure>> {
        let scope = crate::stats::read_scope(actor, region)?;
        self.known_programme(code).await?;
        let (low, high) = scope.village_range();
        let gone: Vec<Departure> = with_pool!(self, p => {
            // A household that left the register has no village any more (''): shown to the
            // whole-country scope only.
            sqlx::query(
                "SELECT d.household_id, d.reason, \
                 (SELECT MIN(hp.full_name) FROM persons hp WHERE hp.household_id = d.household_id \
                  AND hp.relation_to_head = 1 AND hp.status = 'active' \
                  AND hp.village_code >= $3 AND hp.village_code < $4) AS head \
                 FROM beneficiary_departures d \
                 JOIN beneficiary_lists l ON l.id = d.list_id WHERE l.period = $1 AND l.code = $2 \
                 AND ((d.village_code >= $3 AND d.village_code < $4) OR ($5 AND d.village_code = '')) \
                 ORDER BY d.village_code, d.household_id",
            )
            .bind(period.to_string())
            .bind(code)
            .bind(&low)
            .bind(&high)
            .bind(scope == Scope::Nation)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                Ok(Departure {
                    household_id: r.text("household_id")?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("beneficiary_departures.household_id".into()))?,
                    head: r.opt_text("head")?.unwrap_or_default(),
                    reason: r.text("reason")?,
                })
            })
            .collect::<Result<Vec<_>>>()?
        });
        // The heads' names make it a view of people.
        if gone.iter().any(|d| !d.head.is_empty()) {
            self.audit_view(
                actor,
                AuditEvent {
                    action: "programme.departures_view",
                    target_kind: "beneficiary_list",
                    target_id: format!("{code}/{period}"),
                    region_code: scope.key(),
                    detail: format!("rows={}", gone.len()),
                },
            )
            .await?;
        }
        Ok(gone)
    }
}

/// Beneficiary rows kept in memory before they are written.
const ROWS_PER_SLICE: usize = 20_000;
/// Writes the rows of a list being built aside in transactions as long as a bulk writer's
/// [`Pace`] says, each followed by its pause.
struct AsideWriter<'a> {
    store: &'a Store,
    pace: Pace,
    open: Option<(crate::sql::Tx, tokio::time::Instant)>,
}

impl<'a> AsideWriter<'a> {
    fn new(store: &'a Store) -> AsideWriter<'a> {
        AsideWriter {
            store,
            pace: Pace::new(store),
            open: None,
        }
    }

    async fn write(&mut self, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.open.is_none() {
            self.open = Some((self.store.begin_bulk().await?, tokio::time::Instant::now()));
        }
        let write_for = self.pace.write_for();
        let Some((tx, began)) = self.open.as_mut() else {
            return Ok(());
        };
        insert_rows(tx, table, columns, rows).await?;
        if began.elapsed() >= write_for {
            self.finish().await?;
        }
        Ok(())
    }

    /// Commits what is written, then pauses.
    async fn finish(&mut self) -> Result<()> {
        if let Some((tx, _)) = self.open.take() {
            tx.commit().await?;
            self.pace.after_commit(self.store).await?;
        }
        Ok(())
    }
}

/// What a list's `period` starts with while it is built or once it is replaced: no period does,
/// so a reader of a period's lists never meets it, and those reading the newest period or an
/// earlier one leave such lists out (`NOT LIKE '-%'`, whatever the database's collation).
const ASIDE: &str = "-";

/// Whether two neighbouring units of a list are one row: a household's person units sit side by
/// side in the ranking (same desil, score and household) and are alike, so they are written as
/// one row; PBI-JK would otherwise write a row for every member of half the register.
fn one_row(a: &Candidate, b: &Candidate) -> bool {
    a.household == b.household
        && a.unit.person.is_some()
        && b.unit.person.is_some()
        && a.unit.amount == b.unit.amount
        && a.unit.components == b.unit.components
}

/// One row of `beneficiaries` for a group of alike units (see [`one_row`]).
fn beneficiary_row(list: Uuid, villages: &[String], group: &[(i64, Candidate)]) -> Vec<Value> {
    let (position, c) = &group[0];
    let components: Vec<String> = c
        .unit
        .components
        .iter()
        .map(|(label, n)| format!("{label} x{n}"))
        .collect();
    let persons: Vec<String> = group
        .iter()
        .filter_map(|(_, c)| c.unit.person.map(|p| p.to_string()))
        .collect();
    vec![
        Value::Text(list.to_string()),
        Value::Text(c.household.to_string()),
        Value::Text(villages[c.village as usize].clone()),
        Value::OptInt(c.unit.family_no.map(i64::from)),
        Value::OptText((!persons.is_empty()).then(|| persons.join(" "))),
        Value::Int(group.len() as i64),
        Value::Int(i64::from(c.desil)),
        Value::OptFloat(Some(c.score)),
        Value::Int(i64::try_from(c.unit.amount).unwrap_or(i64::MAX)),
        Value::Text(components.join("; ")),
        Value::Int(*position),
        Value::OptInt(c.group.map(i64::from)),
    ]
}

/// Forms the groups of a grouped programme's list, `kept` being in village then ranking order:
/// a group programme's families into groups of its size ([`form_groups`]), a community
/// programme's households into one community per village. Families too few for a group leave
/// the list (each handed to `left_waiting`); answers how many.
fn gather(
    programme: &Programme,
    kept: &mut Vec<(i64, Candidate)>,
    mut left_waiting: impl FnMut(&Candidate),
) -> u64 {
    match programme.unit {
        UnitKind::Community => {
            for (_, c) in kept.iter_mut() {
                c.group = Some(1);
            }
            0
        }
        UnitKind::Group => {
            let mut first = 0;
            while first < kept.len() {
                let village = kept[first].1.village;
                let end = first + kept[first..].partition_point(|(_, c)| c.village == village);
                let groups = form_groups(end - first, programme.group_size, programme.group_min);
                for ((_, c), group) in kept[first..end].iter_mut().zip(groups) {
                    c.group = group;
                }
                first = end;
            }
            let before = kept.len();
            kept.retain(|(_, c)| {
                if c.group.is_none() {
                    left_waiting(c);
                }
                c.group.is_some()
            });
            (before - kept.len()) as u64
        }
        _ => 0,
    }
}

/// How many units a list holds: its rows' units, or a grouped list's groups.
fn list_units(kept: &[(i64, Candidate)]) -> u64 {
    let grouped: HashSet<(u32, u32)> = kept
        .iter()
        .filter_map(|(_, c)| c.group.map(|g| (c.village, g)))
        .collect();
    if grouped.is_empty() {
        kept.len() as u64
    } else {
        grouped.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use siks_domain::interchange::{HOUSEHOLDS_FILE, PERSONS_FILE};
    use siks_domain::programmes::member_facts;
    use siks_domain::{RegionCode, Regions};

    use super::*;
    use crate::OpenMode;
    use crate::import::ImportFile;

    #[test]
    fn a_village_keeps_its_place_and_shares_its_regency_s() {
        let mut places = Places::default();
        let tuban = places.place("35.23.01.2001");
        let kediri = places.place("35.06.03.2003");
        assert_ne!(tuban.1, kediri.1, "two regencies");
        assert_eq!(
            places.place("35.23.01.2001"),
            tuban,
            "seen again, same place"
        );
        let other_village = places.place("35.23.02.2002");
        assert_ne!(other_village.0, tuban.0);
        assert_eq!(other_village.1, tuban.1, "same regency");
        assert_eq!(places.villages[kediri.0 as usize], "35.06.03.2003");
        assert_eq!(places.regencies[tuban.1 as usize], "35.23");
    }

    /// The lists read only some columns into blank records; the rules must not see a
    /// difference. A value a rule reads whose column the lean readers leave out fails here.
    #[tokio::test]
    async fn the_lean_reads_give_the_rules_the_values_of_the_whole_records() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("lean.db").display());
        let store = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
        store.migrate().await.unwrap();
        store.load_regions(Regions::embedded()).await.unwrap();
        let village = "35.23.01.2001";
        let data = dir.path().join("data");
        let config = siks_synth::Config::new(RegionCode::parse(village).unwrap(), 60, 5);
        siks_synth::generate(&config, &data, &|_| {}).unwrap();
        let open = |name: &str| ImportFile {
            name: name.to_string(),
            reader: std::io::BufReader::new(std::fs::File::open(data.join(name)).unwrap()),
        };
        let actor = store.system_actor().await.unwrap();
        store
            .import(
                &actor,
                open(HOUSEHOLDS_FILE),
                open(PERSONS_FILE),
                Arc::new(|_| {}),
            )
            .await
            .unwrap();
        store
            .rank(
                &actor,
                &siks_domain::welfare::Model::default_model(),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            )
            .await
            .unwrap();
        let run: String = with_pool!(store, p => {
            sqlx::query("SELECT id FROM rank_runs")
                .fetch_one(p)
                .await
                .unwrap()
                .text("id")
                .unwrap()
        });
        let households = store
            .villages_for_lists(
                village,
                village,
                "SELECT household_id, person_id, kind FROM findings \
                 WHERE village_code >= $1 AND village_code <= $2",
            )
            .await
            .unwrap();
        assert_eq!(households.len(), 60);
        // The comparison below reaches the values only some members have.
        let members = || households.iter().flat_map(|h| h.members.iter());
        assert!(members().any(|p| p.disability.is_some()));
        assert!(members().any(|p| p.pmks.is_some()));
        assert!(members().any(|p| p.pregnant));
        // The regency desil and BPS count are the run's.
        for h in &households {
            let (desil, bps): (i64, i64) = with_pool!(store, p => {
                let r = sqlx::query(
                    "SELECT desil_regency, bps_met FROM household_ranks \
                     WHERE run_id = $1 AND household_id = $2",
                )
                .bind(&run)
                .bind(h.household.id.to_string())
                .fetch_one(p)
                .await
                .unwrap();
                (r.int("desil_regency").unwrap(), r.int("bps_met").unwrap())
            });
            assert_eq!(h.rank, Some((desil as u8, bps as u8)));
        }
        for today in [
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2031, 2, 28).unwrap(),
        ] {
            for h in &households {
                let lean = &h.household;
                let (full, whole_members) = store.fetch_household_whole(lean.id).await;
                let lean_members = h.members.clone();
                assert_eq!(lean_members.len(), whole_members.len());
                let assessed = |h: &'_ Household, m: &'_ [Person]| -> Facts {
                    let a = Assessed {
                        household: h,
                        members: m,
                        desil: h.desil,
                        desil_regency: None,
                        score: h.welfare_score,
                        bps_met: 0,
                        open_findings: &[],
                        today,
                    };
                    Prepared::new(&a).household_facts().clone()
                };
                assert_eq!(
                    assessed(lean, &lean_members),
                    assessed(&full, &whole_members)
                );
                for p in &lean_members {
                    let whole = whole_members.iter().find(|w| w.id == p.id).unwrap();
                    assert_eq!(member_facts(p, today), member_facts(whole, today));
                    assert_eq!(
                        (p.family_no, p.presence, &p.status),
                        (whole.family_no, whole.presence, &whole.status)
                    );
                }
            }
        }
    }

    type Facts = siks_domain::programmes::Facts;

    impl Store {
        /// A household and its members read whole, as every other page reads them.
        async fn fetch_household_whole(
            &self,
            id: siks_domain::HouseholdId,
        ) -> (Household, Vec<Person>) {
            with_pool!(self, p => {
                let h = sqlx::query("SELECT * FROM households WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_one(p)
                    .await
                    .unwrap();
                let household = crate::records::household_from_row(&h).unwrap().0;
                let members = sqlx::query("SELECT * FROM persons WHERE household_id = $1")
                    .bind(id.to_string())
                    .fetch_all(p)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| crate::records::person_from_row(r, &self.keys()).unwrap().0)
                    .collect();
                Ok::<_, StoreError>((household, members))
            })
            .unwrap()
        }
    }
}
