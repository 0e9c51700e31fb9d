//! `siks-bench close`: a monthly period close over a province-sized SQLite register. It imports
//! about 1,000,000 persons, writes 100,000 accepted proposals of every kind straight into the
//! store (about 1 % of them deliberately conflicting), closes an empty period for the baseline
//! counts, times the close's confirmation (what it will apply and send back, per regency), then
//! the close as every edge runs it (every check over the whole register, then the penetapan),
//! checks that the confirmation counted what the close did, compares the two periods for every
//! regency, and prints all of it beside a raw baseline from the same run: one plain UPDATE per
//! touched household in one transaction.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Result, anyhow};
use siks_domain::codes::{InactiveReason, Relation};
use siks_domain::interchange::{
    HOUSEHOLDS_FILE, PERSONS_FILE, household_from_row, person_from_row,
};
use siks_domain::workflow::{Period, ProposalContent, Stage};
use siks_domain::{
    Household, HouseholdId, Nik, Person, PersonId, Recorded, RegionCode, RegionLevel, Regions,
};

use crate::{err, fresh, population};

/// Every proposal kind in a fixed mix over distinct households, plus corrections that collide
/// with an earlier one on the same field (the close must send those back).
fn proposals(
    households: &[Household],
    members: &HashMap<HouseholdId, Vec<Person>>,
    count: usize,
) -> Vec<(RegionCode, ProposalContent)> {
    let regions = Regions::embedded();
    let stride = (households.len() / count.max(1)).max(1);
    let conflicts = count / 100;
    let mut out = Vec::with_capacity(count);
    for i in 0..count - conflicts {
        let h = &households[(i * stride) % households.len()];
        let village = h.address.village.clone();
        let people = members.get(&h.id).map(Vec::as_slice).unwrap_or(&[]);
        let content = match (i % 20, people) {
            (0..=5, _) | (_, []) => {
                let mut changed = h.clone();
                changed.housing.floor_area_m2 += 1;
                ProposalContent::HouseholdCorrection {
                    household: changed,
                    base_version: 1,
                }
            }
            (6..=10, [first, ..]) => {
                let mut changed = first.clone();
                changed.mother_name = format!("{} Binti", changed.mother_name);
                ProposalContent::PersonCorrection {
                    person: changed,
                    base_version: 1,
                }
            }
            (11..=13, people) => {
                let member = people
                    .iter()
                    .find(|p| p.relation_to_head != Relation::Head)
                    .unwrap_or(&people[0]);
                ProposalContent::Removal {
                    household: h.id,
                    person: Some(member.id),
                    reason: InactiveReason::Died,
                    evidence: Some("AKTA-KEMATIAN-BENCH".into()),
                }
            }
            (14, _) => ProposalContent::Removal {
                household: h.id,
                person: None,
                reason: InactiveReason::NoLongerPoor,
                evidence: None,
            },
            (15 | 16, _) => {
                let district = village.parent().unwrap_or_else(|| village.clone());
                let to = regions
                    .children(Some(&district))
                    .map(|r| r.code.clone())
                    .find(|c| *c != village && c.level() == RegionLevel::Village)
                    .unwrap_or_else(|| village.clone());
                ProposalContent::Move {
                    household: h.id,
                    to_village: to,
                }
            }
            (17 | 18, _) => ProposalContent::ProgrammeRequest {
                household: h.id,
                programme: "PKH".into(),
            },
            (_, people) => {
                let mut new = h.clone();
                new.id = HouseholdId::new();
                // As a village proposes it: the fields only the system sets left blank.
                new.programmes.clear();
                new.status = siks_domain::RegistryStatus::Proposed;
                new.last_verified = None;
                new.desil = None;
                new.welfare_score = None;
                // New people: the same birth and place, a serial no one in the register has.
                let members = people
                    .iter()
                    .enumerate()
                    .map(|(n, p)| {
                        let mut p = p.clone();
                        p.id = PersonId::new();
                        p.household_id = new.id;
                        p.status = siks_domain::RegistryStatus::Proposed;
                        let serial = p
                            .nik
                            .valid()
                            .map(|v| format!("{}{:04}", &v.to_string()[..12], 9000 + n));
                        if let Some(Ok(nik)) = serial.map(|s| Nik::parse(&s)) {
                            p.nik = Recorded::Valid(nik);
                        }
                        p
                    })
                    .collect();
                ProposalContent::NewHousehold {
                    household: new,
                    members,
                }
            }
        };
        out.push((village, content));
    }
    // Collisions: a second correction of the same field of a household corrected above.
    let corrected: Vec<Household> = out
        .iter()
        .filter_map(|(_, c)| match c {
            ProposalContent::HouseholdCorrection { household, .. } => Some(household.clone()),
            _ => None,
        })
        .take(conflicts)
        .collect();
    for mut h in corrected {
        h.housing.floor_area_m2 += 1;
        out.push((
            h.address.village.clone(),
            ProposalContent::HouseholdCorrection {
                household: h,
                base_version: 1,
            },
        ));
    }
    out
}

pub async fn run(households: usize, count: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let summary = population(households, &data)?;
    let url = format!("sqlite://{}", dir.path().join("close.db").display());
    let store = fresh(&url, false).await?;
    siks::import(&siks_service::Service::new(store.clone()), &data).await?;

    let regions = Regions::embedded();
    let mut all: Vec<Household> = Vec::with_capacity(households);
    for record in csv::Reader::from_path(data.join(HOUSEHOLDS_FILE))?.records() {
        all.push(household_from_row(&record?, regions).map_err(|e| anyhow!("{e}"))?);
    }
    let mut members: HashMap<HouseholdId, Vec<Person>> = HashMap::new();
    for record in csv::Reader::from_path(data.join(PERSONS_FILE))?.records() {
        let p = person_from_row(&record?).map_err(|e| anyhow!("{e}"))?;
        members.entry(p.household_id).or_default().push(p);
    }
    let items = proposals(&all, &members, count);
    drop(members);
    let touched: Vec<HouseholdId> = items.iter().map(|(_, c)| c.household()).collect();
    let actor = store.system_actor().await.map_err(err)?;
    let before = Period::parse("2026-10").map_err(|e| anyhow!("{e}"))?;
    let after = before.next();
    // An empty close first: the counts the comparison starts from, and what counting alone costs.
    let started = Instant::now();
    store.close_period(&actor, before).await.map_err(err)?;
    let counting_secs = started.elapsed().as_secs_f64();
    store
        .seed_proposals(&actor.user_id.to_string(), Stage::Accepted, &items)
        .await
        .map_err(err)?;
    println!(
        "bench close: {} persons, {} households (SQLite); {} accepted proposals of every kind, {} of them conflicting",
        summary.persons,
        summary.households,
        items.len(),
        count / 100
    );

    let service = siks_service::Service::new(store.clone());
    // The register as a close finds it: checked before by the regencies, whose findings the
    // close's own check run then reconciles. The first run on a fresh import opens them all.
    let started = Instant::now();
    let first = service
        .run_checks(&actor, None, service.today())
        .await
        .map_err(err)?;
    println!(
        "  first check run over the whole register (before the close): {} findings opened in {:.1} s",
        first.opened,
        started.elapsed().as_secs_f64()
    );
    // What the close's own check run costs on its own, on a register checked before.
    let started = Instant::now();
    service
        .run_checks(&actor, None, service.today())
        .await
        .map_err(err)?;
    let checks_alone = started.elapsed().as_secs_f64();
    // The confirmation page's read: what the close will apply and send back, per regency.
    let started = Instant::now();
    let preview = service.close_preview(&actor, after).await.map_err(err)?;
    let preview_secs = started.elapsed().as_secs_f64();
    println!(
        "  confirmation of {after}: {} to apply, {} to send back, {} regencies, in {preview_secs:.1} s (goal: under 5 s)",
        preview.applies(),
        preview.sent_back.len(),
        preview.regencies.len()
    );
    // The close as the page, the API and `siks period close` run it: every check over the
    // whole register, then the penetapan. Beside it, an admin's small write every 100 ms (an
    // account switched on, audited), timed: how long a person's write waits for the close.
    let probe_user = store
        .create_user(
            &actor,
            siks_store::NewUser {
                username: "penguji.tulis".into(),
                display_name: "Penguji tulis".into(),
                role: siks_domain::Role::VillageOperator,
                scope: siks_domain::Scope::parse("35.23.01.2001").map_err(|e| anyhow!("{e}"))?,
                password_hash: None,
            },
        )
        .await
        .map_err(err)?;
    let closing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let probe = {
        let (store, actor, closing) = (store.clone(), actor.clone(), closing.clone());
        tokio::spawn(async move {
            let (mut writes, mut failed, mut slowest) = (0u64, 0u64, 0f64);
            while closing.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                match store.set_user_active(&actor, probe_user.id, true).await {
                    Ok(()) => writes += 1,
                    Err(_) => failed += 1,
                }
                slowest = slowest.max(started.elapsed().as_secs_f64());
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            (writes, failed, slowest)
        })
    };
    let started = Instant::now();
    let closed = service
        .check_and_close(&actor, after, service.today(), None)
        .await
        .map_err(err);
    let close_secs = started.elapsed().as_secs_f64();
    closing.store(false, std::sync::atomic::Ordering::Relaxed);
    let (writes, failed, slowest) = probe.await?;
    let (checks, report) = closed?;
    println!(
        "  a write beside the close (every 100 ms): {writes} written, {failed} failed, the slowest took {:.0} ms (before the short transactions the penetapan held the lock for all of its writing)",
        slowest * 1000.0
    );
    let started = Instant::now();
    store.baseline_touch(&touched).await.map_err(err)?;
    let base_secs = started.elapsed().as_secs_f64();
    println!(
        "  close {after} with its checks: {} findings opened and {} fixed, applied {} and sent back {} in {close_secs:.1} s ({:.0} proposals/s; goal: 100,000 under 60 s); \
         the check run alone {checks_alone:.1} s (the close runs it beside the penetapan); empty close (counting only) {counting_secs:.2} s; baseline (one plain UPDATE per touched household, one transaction) {base_secs:.1} s; ratio close/baseline {:.1}",
        checks.opened,
        checks.fixed,
        report.applied,
        report.sent_back.len(),
        items.len() as f64 / close_secs,
        close_secs / base_secs.max(0.001)
    );
    println!(
        "  the confirmation {} what the close did (applied {} / {}, sent back {} / {})",
        if preview.applies() == report.applied && preview.sent_back.len() == report.sent_back.len()
        {
            "counted exactly"
        } else {
            "DID NOT COUNT"
        },
        preview.applies(),
        report.applied,
        preview.sent_back.len(),
        report.sent_back.len()
    );

    let started = Instant::now();
    let recount = store.recount_period(&actor, after).await.map_err(err)?;
    let recount_secs = started.elapsed().as_secs_f64();
    let fixed = store.period_counts(&actor, after).await.map_err(err)?;
    println!(
        "  recount of {after} from the register and its history in {recount_secs:.1} s: {} the counts fixed at the close ({} villages)",
        if recount == fixed {
            "equal to"
        } else {
            "DIFFERENT FROM"
        },
        fixed.len()
    );
    let province = RegionCode::parse("35").map_err(|e| anyhow!("{e}"))?;
    let regencies: Vec<RegionCode> = regions
        .children(Some(&province))
        .map(|r| r.code.clone())
        .collect();
    let started = Instant::now();
    let mut slowest = 0.0f64;
    let (mut entered, mut left, mut changed) = (0, 0, 0);
    for regency in &regencies {
        let one = Instant::now();
        let c = store
            .compare_periods(&actor, Some(regency), before, after)
            .await
            .map_err(err)?;
        slowest = slowest.max(one.elapsed().as_secs_f64());
        (entered, left, changed) = (entered + c.entered, left + c.left, changed + c.changed);
    }
    let all_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let whole = store
        .compare_periods(&actor, Some(&province), before, after)
        .await
        .map_err(err)?;
    let province_secs = started.elapsed().as_secs_f64();
    println!(
        "  compare {before} with {after}: {} regencies in {:.0} ms (slowest {:.1} ms; goal: under 2 s per regency); province in {:.1} ms; \
         entered {entered}, left {left}, changed {changed} (province: {} / {} / {}); households {} -> {}",
        regencies.len(),
        all_secs * 1000.0,
        slowest * 1000.0,
        province_secs * 1000.0,
        whole.entered,
        whole.left,
        whole.changed,
        whole.households_before,
        whole.households_after
    );
    Ok(())
}
