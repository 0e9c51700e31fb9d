//! The checks: a run over the register in scope, the findings it keeps, and what an operator
//! does with one (dismiss it, or propose the change it calls for).
//!
//! A run reads one snapshot of the region from the store, applies the domain's catalogue to
//! every household, adds the register-wide checks (the same NIK active twice, the same person
//! twice by the linkage engine, the outside lists in force: see `lists`), and reconciles what it
//! saw with the findings kept from earlier runs: new ones are opened, ones no longer seen are
//! marked fixed, fixed ones seen again reopen, dismissed ones stay dismissed.

use chrono::NaiveDate;
use siks_domain::checks::{Finding, FindingKind, FindingStatus, check_household};
use siks_domain::interchange::{PERSON_COLUMNS, person_row};
use siks_domain::{Actor, HouseholdId, PersonId, RegionCode, RegistryStatus};
use siks_store::findings::{CheckRunWrites, KeptFinding, SeenFinding};
use siks_store::{Result, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

pub use siks_store::findings::{CheckReport, StoredFinding};

/// How the check run compares people for "the same person twice": name, birth, mother and the
/// person's other recorded attributes (not the NIK: a duplicate usually has another one). The
/// benchmarks and the Splink comparison read the same file.
pub const SAME_PERSON: &str = include_str!("same_person.toml");

/// Why two people look like one, as a person reads it: "nama mirip, tanggal lahir sama, nama
/// ibu sama, …; kemiripan 98,7 %". Columns left empty on either side are not mentioned.
pub fn duplicate_evidence(model: &siks_match::Model, pair: &siks_match::Scored) -> String {
    use siks_match::Kind;
    let mut parts: Vec<String> = Vec::new();
    for (name, kind, level) in model.agreement(pair) {
        if level == 0 {
            continue;
        }
        let exact = level == siks_match::exact_level(kind);
        let how = match (kind, level) {
            _ if exact => "sama",
            (_, 1) => "berbeda",
            (Kind::PersonName | Kind::GivenName | Kind::Surname | Kind::AddressText, _) => "mirip",
            (Kind::Date, 2) => "tahunnya sama",
            (Kind::Date, _) => "hampir sama",
            (Kind::Code, _) => "awalannya sama",
            _ => "mirip",
        };
        parts.push(format!("{} {how}", column_words(name)));
    }
    format!(
        "{}; kemiripan {}",
        parts.join(", "),
        siks_domain::show::percent(100.0 * pair.score)
    )
}

/// A column of [`SAME_PERSON`] as the register's forms name it.
fn column_words(name: &str) -> &str {
    match name {
        "full_name" => "nama",
        "birth_date" => "tanggal lahir",
        "sex" => "jenis kelamin",
        "birth_place" => "tempat lahir",
        "mother_name" => "nama ibu",
        "marital_status" => "status perkawinan",
        "education" => "pendidikan",
        "work_status" => "status bekerja",
        "occupation_sector" => "lapangan usaha",
        "relation_to_head" => "hubungan dengan kepala",
        "disability" => "disabilitas",
        "chronic_illness" => "penyakit kronis",
        "school_participation" => "partisipasi sekolah",
        "pregnant" => "kehamilan",
        "dukcapil" => "status Dukcapil",
        "pmks" => "kategori PPKS",
        other => other,
    }
}

/// The register's active people in the checked region as the run gathers them, column by
/// column as the linkage engine reads them.
pub(crate) struct People {
    pub ids: Vec<PersonId>,
    /// (village, household) per person.
    pub at: Vec<(RegionCode, HouseholdId)>,
    pub niks: Vec<String>,
    /// Whether the person's NIK is well formed.
    pub nik_valid: Vec<bool>,
    /// The columns of [`SAME_PERSON`], in its order.
    pub columns: Vec<Vec<String>>,
}

use crate::Service;

impl Service {
    /// Runs every check on the households of `region` (default: the actor's scope) as of
    /// `today`, on one read snapshot, and reconciles the findings (written in short
    /// transactions afterwards). Regency level and above, and the command line.
    pub async fn run_checks(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        today: NaiveDate,
    ) -> Result<CheckReport> {
        let (report, writes) = self.check_without_writing(actor, region, today).await?;
        self.write_checks(actor, region, report, writes).await
    }

    /// What a check run finds and what it would write, read on one snapshot; nothing written.
    pub(crate) async fn check_without_writing(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        today: NaiveDate,
    ) -> Result<(CheckReport, CheckRunWrites)> {
        let mut snapshot = self.store.open_check_snapshot(actor, region).await?;
        let scope = snapshot.scope().clone();
        let same_person = siks_match::Config::parse(SAME_PERSON)
            .map_err(|e| StoreError::Corrupt(format!("same-person config: {e}")))?;
        let wanted: Vec<usize> = same_person
            .columns
            .iter()
            .map(|c| {
                PERSON_COLUMNS
                    .iter()
                    .position(|p| *p == c.name)
                    .ok_or_else(|| StoreError::Corrupt(format!("no person column {}", c.name)))
            })
            .collect::<Result<_>>()?;
        let mut report = CheckReport::default();
        let mut seen: Vec<SeenFinding> = Vec::new();
        // Who might be the same person twice: every active member, as the matcher reads them.
        let mut people = People {
            ids: Vec::new(),
            at: Vec::new(),
            niks: Vec::new(),
            nik_valid: Vec::new(),
            columns: vec![Vec::new(); wanted.len()],
        };
        let to_seen = |f: Finding, village: &RegionCode, household: HouseholdId| SeenFinding {
            kind: f.kind,
            village: village.clone(),
            household,
            person: f.person,
            other: None,
            fields: f.fields.join(","),
            detail: f.detail,
        };
        // Village by village: a whole province never sits in memory at once.
        for village in snapshot.villages().await? {
            let (households, persons) = snapshot.village_records(&village).await?;
            let mut members: HashMap<_, Vec<_>> = HashMap::new();
            for p in persons {
                members.entry(p.household_id).or_default().push(p);
            }
            for h in &households {
                let list = members.remove(&h.id).unwrap_or_default();
                report.households += 1;
                report.persons += list.len() as u64;
                for p in list.iter().filter(|p| p.status == RegistryStatus::Active) {
                    let row = person_row(p);
                    for (column, &i) in people.columns.iter_mut().zip(&wanted) {
                        column.push(row[i].clone());
                    }
                    people.ids.push(p.id);
                    people.nik_valid.push(p.nik.valid().is_some());
                    people.niks.push(p.nik.raw());
                    people.at.push((village.clone(), h.id));
                }
                for f in check_household(h, &list, today) {
                    seen.push(to_seen(f, &village, h.id));
                }
            }
        }
        // The outside lists in force: deaths, civil servants, exclusions, the civil registry.
        let listed = crate::lists::match_lists(&mut snapshot, &people, &same_person).await?;
        report.padan = listed.padan;
        seen.extend(listed.seen);
        // The same person twice (under another NIK, a name spelt otherwise): the matcher's pairs
        // at its recommended threshold, each with its evidence in words (no values: the page
        // shows both people's names as they stand when it is read).
        if people.ids.len() > 1 {
            let ids: Vec<String> = people.ids.iter().map(|p| p.to_string()).collect();
            let table = siks_match::Table::from_columns(ids, people.columns, &same_person);
            let outcome = siks_match::dedupe(&table, &same_person);
            log_model_warnings("same person twice", &outcome);
            // Two people under one NIK are already "the same NIK active twice".
            for pair in outcome.pairs.iter().filter(|p| {
                p.score >= outcome.threshold
                    && (people.niks[p.left as usize].is_empty()
                        || people.niks[p.left as usize] != people.niks[p.right as usize])
            }) {
                let (l, r) = (pair.left as usize, pair.right as usize);
                seen.push(SeenFinding {
                    kind: FindingKind::DuplicatePerson,
                    village: people.at[l].0.clone(),
                    household: people.at[l].1,
                    person: Some(people.ids[l]),
                    other: Some(people.ids[r]),
                    fields: "full_name,birth_date,sex,mother_name".into(),
                    detail: duplicate_evidence(&outcome.model, pair),
                });
            }
        }
        // The same valid NIK active on two people.
        let shared = snapshot.shared_active_niks().await?;
        let mut by_nik: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for holder in &shared {
            by_nik
                .entry(holder.nik_key.as_str())
                .or_default()
                .push(holder);
        }
        for holders in by_nik.values() {
            for holder in holders.iter() {
                let Some(village) = holder.village.as_ref().filter(|v| scope.contains(v)) else {
                    continue;
                };
                let other = holders
                    .iter()
                    .find(|o| o.person != holder.person)
                    .map(|o| o.person);
                seen.push(SeenFinding {
                    kind: FindingKind::DuplicateNik,
                    village: village.clone(),
                    household: holder.household,
                    person: Some(holder.person),
                    other,
                    fields: "nik".into(),
                    detail: format!("NIK yang sama aktif pada {} orang", holders.len()),
                });
            }
        }
        // Reconcile with the findings kept in scope, read on the same snapshot; the changes are
        // written afterwards in short transactions (see `Store::write_check_run`).
        let kept: HashMap<String, KeptFinding> = snapshot
            .kept_findings()
            .await?
            .into_iter()
            .map(|k| (k.key.clone(), k))
            .collect();
        snapshot.finish().await?;
        let writes = reconcile(seen, &kept, &mut report);
        Ok((report, writes))
    }

    /// Writes what a check run decided (the store checks the scope again).
    pub(crate) async fn write_checks(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        report: CheckReport,
        writes: CheckRunWrites,
    ) -> Result<CheckReport> {
        self.store
            .write_check_run(actor, region, &report, writes)
            .await?;
        Ok(report)
    }

    /// Findings in scope (of `region`, a kind, a status), newest first.
    pub async fn findings(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        kind: Option<FindingKind>,
        status: Option<FindingStatus>,
        limit: u32,
    ) -> Result<Vec<StoredFinding>> {
        self.store
            .findings(actor, region, kind, status, limit)
            .await
    }

    /// A page of findings in scope with the names of the people found (see
    /// [`siks_store::Store::findings_from`]).
    pub async fn findings_from(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        kind: Option<FindingKind>,
        status: Option<FindingStatus>,
        limit: u32,
        skip: u64,
    ) -> Result<Vec<StoredFinding>> {
        self.store
            .findings_from(actor, region, kind, status, limit, skip)
            .await
    }

    /// How many findings of each kind (by code) a status has in `region` (default: the scope).
    pub async fn finding_counts(
        &self,
        actor: &Actor,
        region: Option<&RegionCode>,
        status: FindingStatus,
    ) -> Result<BTreeMap<u8, u64>> {
        self.store.finding_counts(actor, region, status).await
    }

    /// Dismisses an open finding with the reason (it stays dismissed in later runs).
    pub async fn dismiss_finding(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<()> {
        self.store.dismiss_finding(actor, id, reason).await
    }

    /// The follow-up of a finding that a removal settles (the same NIK or person twice, a death,
    /// a civil servant): the matching removal proposal, entered as the actor's draft.
    pub async fn propose_from_finding(&self, actor: &Actor, id: Uuid) -> Result<Uuid> {
        self.store.propose_from_finding(actor, id).await
    }
}

/// What a run's findings change among those kept: the new ones, the open ones no longer seen
/// (fixed), the fixed ones seen again (reopened); dismissed ones stay dismissed. A kept one seen
/// again whose evidence this run words otherwise gets the new words. Counts the open findings per
/// kind, the opened and the fixed into `report`.
fn reconcile(
    seen: Vec<SeenFinding>,
    kept: &HashMap<String, KeptFinding>,
    report: &mut CheckReport,
) -> CheckRunWrites {
    let mut still: HashSet<String> = HashSet::new();
    let mut writes = CheckRunWrites::default();
    let mut reopened = Vec::new();
    let mut done: HashSet<String> = HashSet::new();
    for s in seen {
        let key = s.key();
        // Two lists may say the same (a death in the register and in the civil registry).
        if !done.insert(key.clone()) {
            continue;
        }
        let kind = s.kind;
        if let Some(k) = kept.get(&key)
            && k.detail != s.detail
        {
            writes.reworded.push((k.id, s.detail.clone()));
        }
        let status = match kept.get(&key).map(|k| (k.id, k.status)) {
            Some((_, FindingStatus::Dismissed)) => FindingStatus::Dismissed,
            Some((id, status)) => {
                if status == FindingStatus::Fixed {
                    reopened.push(id);
                }
                FindingStatus::Open
            }
            None => {
                writes.new.push(s);
                FindingStatus::Open
            }
        };
        if status == FindingStatus::Open && still.insert(key) {
            *report.open.entry(kind.code()).or_default() += 1;
        }
    }
    report.opened = writes.new.len() as u64;
    let gone: Vec<Uuid> = kept
        .iter()
        .filter(|(key, k)| k.status == FindingStatus::Open && !still.contains(*key))
        .map(|(_, k)| k.id)
        .collect();
    report.fixed = gone.len() as u64;
    writes.changes = gone
        .into_iter()
        .map(|id| (id, FindingStatus::Open, FindingStatus::Fixed))
        .chain(
            reopened
                .into_iter()
                .map(|id| (id, FindingStatus::Fixed, FindingStatus::Open)),
        )
        .collect();
    writes
}

/// The matcher's warnings about its own model (a rule that taught nothing, a column whose m is
/// a guess) into the server's log: they name rules and columns, never a person, and an operator
/// reading the log is who can act on them.
pub(crate) fn log_model_warnings(what: &str, outcome: &siks_match::Outcome) {
    for warning in &outcome.warnings {
        tracing::warn!(linkage = what, "{}", warning.english);
    }
}
