//! Welfare ranking runs: every household in the register (not inactive) scored with a PMT
//! model (`siks_domain::welfare`), ranked into desil 1–10 nationally and within its regency, and
//! kept as a run (the model's text with it). The households table then carries the latest
//! run's score and national desil: derived values, not an operator's change, so they do not
//! bump a record's version or its history; `household_ranks` is their history.

use siks_domain::clock::Stamp;
use std::collections::HashMap;

use futures_util::TryStreamExt;
use siks_domain::record::{Assets, Housing};
use siks_domain::welfare::{MemberSummary, Model, bps_count_of, desils};
use siks_domain::{Actor, Coded, HouseholdId, Role, Scope};
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::sql::{Cells, Value, insert_rows, with_tx};
use crate::{Result, Store, StoreError};

const RANK_COLUMNS: &[&str] = &[
    "run_id",
    "household_id",
    "village_code",
    "score",
    "bps_met",
    "desil",
    "desil_regency",
];

/// The members of households summarised in SQL as `MemberSummary::of` does in Rust; `$1` and
/// `$2` are the birth dates 15 and 60 years before the reference date. Disability is sealed, so
/// the members' sealed health comes along and is counted once opened.
macro_rules! member_summary {
    ($filter:literal) => {
        concat!(
            "SELECT household_id, CAST(COUNT(*) AS BIGINT) AS size, \
     CAST(SUM(CASE WHEN birth_date > $1 THEN 1 ELSE 0 END) AS BIGINT) AS children, \
     CAST(SUM(CASE WHEN birth_date <= $2 THEN 1 ELSE 0 END) AS BIGINT) AS elderly, \
     CAST(SUM(CASE WHEN work_status = 1 THEN 1 ELSE 0 END) AS BIGINT) AS working, \
     string_agg(health, ';') AS healths, \
     CAST(MAX(CASE WHEN relation_to_head = 1 AND sex = 2 THEN 1 ELSE 0 END) AS BIGINT) AS head_female, \
     CAST(MAX(CASE WHEN relation_to_head = 1 THEN education END) AS BIGINT) AS head_education, \
     CAST(MAX(CASE WHEN relation_to_head = 1 THEN occupation_sector END) AS BIGINT) AS head_sector \
     FROM persons WHERE status <> 'inactive' ",
            $filter,
            " GROUP BY household_id"
        )
    };
}
/// Every household's members.
const EVERY_MEMBER_SUMMARY: &str = member_summary!("");
/// One household's (`$3`).
const ONE_MEMBER_SUMMARY: &str = member_summary!("AND household_id = $3");

/// What a ranking run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RankReport {
    pub run: Uuid,
    pub model: String,
    pub households: u64,
    /// Households per national desil, 1 to 10.
    pub by_desil: [u64; 10],
    /// Households with at least 9 of the BPS criteria holding.
    pub bps_poor: u64,
    /// Seconds spent in each phase: (phase, seconds), in order.
    pub phases: Vec<(&'static str, f64)>,
}

/// A household's welfare as the latest run saw it, with the reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdWelfare {
    pub run_at: Stamp,
    pub model: String,
    /// Estimated monthly spending per person, rupiah.
    pub score: f64,
    pub desil: u8,
    pub desil_regency: u8,
    /// (criterion, holds; `None`: not recorded).
    pub bps: Vec<(&'static str, Option<bool>)>,
    pub bps_met: u8,
    /// (indicator label, value, effect on the log of spending), strongest first.
    pub reasons: Vec<(&'static str, f64, f64)>,
}

fn summary_from(r: &impl Cells, keys: &crate::sealing::FieldKeys) -> Result<MemberSummary> {
    let count = |c: &str| -> Result<u32> { Ok(u32::try_from(r.int(c)?).unwrap_or(u32::MAX)) };
    let mut disabled = 0u32;
    for health in r.opt_text("healths")?.unwrap_or_default().split(';') {
        if !health.is_empty()
            && crate::records::open_health(keys, health)?
                .disability
                .is_some()
        {
            disabled += 1;
        }
    }
    let code =
        |c: &str| -> Result<Option<u8>> { Ok(r.opt_int(c)?.and_then(|v| u8::try_from(v).ok())) };
    Ok(MemberSummary {
        size: count("size")?,
        children: count("children")?,
        elderly: count("elderly")?,
        working: count("working")?,
        disabled,
        head_female: r.int("head_female")? == 1,
        head_education: code("head_education")?.and_then(siks_domain::codes::Education::from_code),
        head_sector: code("head_sector")?.and_then(siks_domain::codes::OccupationSector::from_code),
    })
}

/// The birth dates that make someone 15 and 60 on `today`.
fn age_cutoffs(today: chrono::NaiveDate) -> (String, String) {
    let back = |years: i32| {
        chrono::Datelike::with_year(&today, chrono::Datelike::year(&today) - years)
            .unwrap_or(today)
            .to_string()
    };
    (back(15), back(60))
}

impl Store {
    /// Every household's member summary (see [`MEMBER_SUMMARY`](member_summary)).
    async fn member_summaries(
        &self,
        young: &str,
        old: &str,
    ) -> Result<HashMap<Uuid, MemberSummary>> {
        let mut tx = self.begin_read().await?;
        let mut members = HashMap::new();
        with_tx!(&mut tx, c => {
            let mut rows = sqlx::query(EVERY_MEMBER_SUMMARY)
                .bind(young)
                .bind(old)
                .fetch(&mut **c);
            while let Some(r) = rows.try_next().await? {
                let id = r
                    .text("household_id")?
                    .parse()
                    .map_err(|_| StoreError::Corrupt("persons.household_id".into()))?;
                members.insert(id, summary_from(&r, &self.keys())?);
            }
        });
        tx.commit().await?;
        Ok(members)
    }

    /// What scoring reads of every household not inactive: two JSON columns rather than the
    /// whole record. One row per village, its households' id, housing and assets joined by tabs
    /// and newlines (neither stands bare in JSON): a row per household cost more in the hand-off
    /// between the database thread and this one than SQLite spent reading them.
    async fn households_to_score(&self) -> Result<Vec<(Uuid, String, Housing, Assets)>> {
        let mut tx = self.begin_read().await?;
        let mut out = Vec::new();
        let corrupt = || StoreError::Corrupt("households".into());
        with_tx!(&mut tx, c => {
            let mut rows = sqlx::query(
                "SELECT village_code, string_agg(id || '\t' || housing || '\t' || assets, '\n') AS households \
                 FROM households WHERE status <> 'inactive' GROUP BY village_code",
            )
            .fetch(&mut **c);
            while let Some(r) = rows.try_next().await? {
                let village = r.text("village_code")?;
                for line in r.text("households")?.split('\n') {
                    let mut fields = line.split('\t');
                    let (Some(id), Some(housing), Some(assets), None) =
                        (fields.next(), fields.next(), fields.next(), fields.next())
                    else {
                        return Err(corrupt());
                    };
                    let id: Uuid = id.parse().map_err(|_| corrupt())?;
                    let housing: Housing = serde_json::from_str(housing)?;
                    let assets: Assets = serde_json::from_str(assets)?;
                    out.push((id, village.clone(), housing, assets));
                }
            }
        });
        tx.commit().await?;
        Ok(out)
    }

    /// Scores and ranks the whole register with `model` as of `today` (ministry or admin of the
    /// whole country), as one run. Audited once.
    pub async fn rank(
        &self,
        actor: &Actor,
        model: &Model,
        today: chrono::NaiveDate,
    ) -> Result<RankReport> {
        if !matches!(actor.role, Role::Pusat | Role::Admin) || actor.scope != Scope::Nation {
            return Err(StoreError::Forbidden(siks_domain::Action::WriteRegister));
        }
        let (young, old) = age_cutoffs(today);
        let mut phases = Vec::new();
        let mut clock = std::time::Instant::now();
        let mut lap = |name: &'static str, phases: &mut Vec<(&'static str, f64)>| {
            phases.push((name, clock.elapsed().as_secs_f64()));
            clock = std::time::Instant::now();
        };
        // Two read snapshots side by side, each on its own worker and connection (one after
        // the other, they were half the run with a core idle): a change landing between them is
        // seen by the second only, as if it had come a moment earlier for it.
        let reading_members = {
            let store = self.clone();
            tokio::spawn(async move { store.member_summaries(&young, &old).await })
        };
        let households = self.households_to_score().await?;
        // A read task only fails to join when it panicked.
        let mut members = reading_members
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))??;
        lap("anggota dan rumah tangga dibaca", &mut phases);
        // (household, village, score, BPS criteria met)
        let mut scored: Vec<(HouseholdId, String, f64, u8)> = Vec::with_capacity(households.len());
        for (id, village, housing, assets) in households {
            let summary = members.remove(&id).unwrap_or_default();
            // The model's weights go by province: its code is the village code's first part.
            let province = siks_domain::RegionCode::parse(village.get(..2).unwrap_or(""))
                .map_err(|_| StoreError::Corrupt("households.village_code".into()))?;
            let score = model.score_of(&province, &housing, &assets, &summary);
            let bps = bps_count_of(&housing, &assets, &summary);
            scored.push((HouseholdId(id), village, score, bps));
        }
        drop(members);
        lap("skor dihitung", &mut phases);
        let scores: Vec<f64> = scored.iter().map(|s| s.2).collect();
        let national = desils(&scores);
        let mut regency = vec![0u8; scored.len()];
        let mut by_regency: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in scored.iter().enumerate() {
            by_regency
                .entry(&s.1[..5.min(s.1.len())])
                .or_default()
                .push(i);
        }
        for indices in by_regency.values() {
            let local: Vec<f64> = indices.iter().map(|i| scores[*i]).collect();
            for (i, d) in indices.iter().zip(desils(&local)) {
                regency[*i] = d;
            }
        }
        lap("desil dihitung", &mut phases);
        let run = Uuid::now_v7();
        let mut report = RankReport {
            run,
            model: model.name.clone(),
            households: scored.len() as u64,
            by_desil: [0; 10],
            bps_poor: 0,
            phases: Vec::new(),
        };
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO rank_runs (id, model_name, model_text, reference_date, households, ran_by, ran_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(run.to_string())
            .bind(&model.name)
            .bind(&model.text)
            .bind(today.to_string())
            .bind(scored.len() as i64)
            .bind(actor.user_id.to_string())
            .bind(self.now_text())
            .execute(&mut **c)
            .await?;
        });
        for (i, (_, _, _, bps)) in scored.iter().enumerate() {
            report.by_desil[usize::from(national[i].max(1) - 1)] += 1;
            report.bps_poor += u64::from(*bps >= 9);
        }
        // In household order, the order of the table's key and index: rows that come in it are
        // appended to them instead of slotted in all over (households are read village by
        // village, and a million slotted in cost ten seconds more).
        let mut order: Vec<usize> = (0..scored.len()).collect();
        order.sort_unstable_by_key(|i| scored[*i].0.0);
        let rows = order.into_iter().map(|i| (i, &scored[i])).map(
            |(i, (household, village, score, bps))| {
                vec![
                    Value::Text(run.to_string()),
                    Value::Text(household.to_string()),
                    Value::Text(village.clone()),
                    Value::OptFloat(Some(*score)),
                    Value::Int(i64::from(*bps)),
                    Value::Int(i64::from(national[i])),
                    Value::Int(i64::from(regency[i])),
                ]
            },
        );
        insert_rows(&mut tx, "household_ranks", RANK_COLUMNS, rows).await?;
        lap("peringkat ditulis", &mut phases);
        // The village index carries the desil (reports count by it). SQLite would move a
        // million entries of it one by one, 4 to 6 s of a first ranking; building it again from
        // the table afterwards takes about 1 s.
        let village_index =
            crate::sql::drop_index_for_bulk_update(&mut tx, "households_village_status").await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE households SET welfare_score = r.score, desil = r.desil, \
                 desil_regency = r.desil_regency, bps_met = r.bps_met \
                 FROM household_ranks r WHERE r.run_id = $1 AND r.household_id = households.id",
            )
            .bind(run.to_string())
            .execute(&mut **c)
            .await?;
        });
        lap("rumah tangga diperbarui", &mut phases);
        crate::sql::rebuild_index(&mut tx, village_index).await?;
        lap("indeks desa dibangun ulang", &mut phases);
        crate::audit::append(
            &mut tx,
            actor,
            AuditEvent {
                action: "welfare.rank",
                target_kind: "rank_run",
                target_id: run.to_string(),
                region_code: "*".into(),
                detail: format!("model={} households={}", model.name, scored.len()),
            },
        )
        .await?;
        tx.register_changes();
        tx.commit().await?;
        lap("disimpan (commit)", &mut phases);
        self.settle_after_bulk_write().await?;
        lap("log tulis dilipat (checkpoint)", &mut phases);
        report.phases = phases;
        Ok(report)
    }

    /// A household's welfare from the latest run that ranked it, explained with that run's
    /// model; `None` before any run. In scope only; the caller has viewed the household.
    pub async fn household_welfare(
        &self,
        actor: &Actor,
        id: HouseholdId,
    ) -> Result<Option<HouseholdWelfare>> {
        if !actor.may(siks_domain::Action::ReadRegister) {
            return Err(StoreError::Forbidden(siks_domain::Action::ReadRegister));
        }
        let (view, latest) = {
            let mut tx = self.begin_read().await?;
            let Some(view) = self.fetch_household(&mut tx, actor, id).await? else {
                tx.commit().await?;
                return Ok(None);
            };
            let found = with_tx!(&mut tx, c => {
                sqlx::query(
                    "SELECT r.score, r.bps_met, r.desil, r.desil_regency, u.model_text, u.reference_date, u.ran_at \
                     FROM household_ranks r JOIN rank_runs u ON u.id = r.run_id \
                     WHERE r.household_id = $1 ORDER BY u.ran_at DESC, u.id DESC LIMIT 1",
                )
                .bind(id.to_string())
                .fetch_optional(&mut **c)
                .await?
                .map(|r| {
                    Ok::<_, StoreError>((
                        r.opt_float("score")?.unwrap_or(0.0),
                        r.int("bps_met")?,
                        r.int("desil")?,
                        r.int("desil_regency")?,
                        r.text("model_text")?,
                        r.text("reference_date")?,
                        r.text("ran_at")?,
                    ))
                })
                .transpose()?
            });
            let Some(found) = found else {
                tx.commit().await?;
                return Ok(None);
            };
            let (young, old) = age_cutoffs(
                chrono::NaiveDate::parse_from_str(&found.5, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt("rank_runs.reference_date".into()))?,
            );
            let summary = with_tx!(&mut tx, c => {
                sqlx::query(ONE_MEMBER_SUMMARY)
                    .bind(&young)
                    .bind(&old)
                    .bind(id.to_string())
                    .fetch_optional(&mut **c)
                    .await?
                    .as_ref()
                    .map(|r| summary_from(r, &self.keys()))
                    .transpose()?
                    .unwrap_or_default()
            });
            tx.commit().await?;
            (view, (found, summary))
        };
        let ((score, bps_met, desil, desil_regency, text, _, ran_at), summary) = latest;
        let model =
            Model::parse(&text).map_err(|_| StoreError::Corrupt("rank_runs.model_text".into()))?;
        let household = &view.record;
        Ok(Some(HouseholdWelfare {
            run_at: crate::sql::stamp(&ran_at, "rank_runs.ran_at")?,
            model: model.name.clone(),
            score,
            desil: u8::try_from(desil).unwrap_or(0),
            desil_regency: u8::try_from(desil_regency).unwrap_or(0),
            bps: siks_domain::welfare::bps_criteria(household, &summary).to_vec(),
            bps_met: u8::try_from(bps_met).unwrap_or(0),
            reasons: model
                .explain(household, &summary, 5)
                .into_iter()
                .map(|(k, v, t)| (siks_domain::welfare::indicator_label(k), v, t))
                .collect(),
        }))
    }
}
