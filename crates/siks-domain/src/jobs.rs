//! Jobs: work that takes longer than a person waits for, kept in the database with its request,
//! state and progress. This module holds what a job is (its kinds, requests and states, and the
//! way a state may change); the store keeps them and the service runs them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::RegionCode;
use crate::workflow::Period;

/// The id of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobId(pub Uuid);

impl JobId {
    /// A new id, ordered by time.
    pub fn new() -> JobId {
        JobId(Uuid::now_v7())
    }
}

impl Default for JobId {
    fn default() -> Self {
        JobId::new()
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for JobId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim()).map(JobId)
    }
}

/// What a job is asked to do, with everything it needs to run again after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum JobRequest {
    /// Every check on a region's households (the starter's whole scope when `None`).
    CheckRun { region: Option<RegionCode> },
    /// Quality control over the whole register, then the penetapan of a period.
    PeriodClose { period: Period },
    /// Every programme's list of beneficiaries for a period, built anew from the register.
    ListBuild { period: Period },
    /// What a programme's definition as typed would change, per province, if it were saved:
    /// every household assessed under it and under the one in force. Nothing is saved.
    RuleDryRun {
        /// The programme's code, as the page it was typed on names it.
        programme: String,
        /// The definition (TOML) as typed.
        definition: String,
    },
}

impl JobRequest {
    /// The kind's key, as stored and as the API names it.
    pub fn kind_key(&self) -> &'static str {
        match self {
            JobRequest::CheckRun { .. } => "check-run",
            JobRequest::PeriodClose { .. } => "period-close",
            JobRequest::ListBuild { .. } => "list-build",
            JobRequest::RuleDryRun { .. } => "rule-dry-run",
        }
    }

    /// What the job does, in Indonesian, for its page.
    pub fn label(&self) -> String {
        match self {
            JobRequest::CheckRun { region: Some(r) } => format!(
                "Pemeriksaan verivali {}",
                crate::Regions::embedded()
                    .get(r)
                    .map(|region| format!("{} ({r})", region.name))
                    .unwrap_or_else(|| format!("wilayah {r}"))
            ),
            JobRequest::CheckRun { region: None } => {
                "Pemeriksaan verivali seluruh wilayah kerja".to_string()
            }
            JobRequest::PeriodClose { period } => {
                format!(
                    "Penutupan periode {}",
                    crate::show::period(&period.to_string())
                )
            }
            JobRequest::ListBuild { period } => format!(
                "Pembangunan daftar penerima periode {}",
                crate::show::period(&period.to_string())
            ),
            JobRequest::RuleDryRun { programme, .. } => {
                format!("Uji coba aturan program {programme}")
            }
        }
    }

    /// How many steps the job reports progress in.
    pub fn total_steps(&self) -> u64 {
        match self {
            JobRequest::CheckRun { .. } => 1,
            JobRequest::PeriodClose { .. } => 2,
            JobRequest::ListBuild { .. } => 1,
            JobRequest::RuleDryRun { .. } => 1,
        }
    }

    /// The request as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored request; `None` for one this program cannot read.
    pub fn from_json(text: &str) -> Option<JobRequest> {
        serde_json::from_str(text).ok()
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// Kept, not started yet.
    Queued,
    /// Being run by the server.
    Running,
    /// Ran to its end; the outcome says what it came to.
    Done,
    /// Stopped by an error; the outcome says which. It can be run again.
    Failed,
    /// The server stopped while it ran. It can be run again.
    Interrupted,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
        JobState::Interrupted,
    ];

    /// The key stored in the database and shown by the API.
    pub fn key(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
        }
    }

    pub fn parse(key: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The Indonesian word a page shows.
    pub fn label(self) -> &'static str {
        match self {
            JobState::Queued => "Menunggu",
            JobState::Running => "Berjalan",
            JobState::Done => "Selesai",
            JobState::Failed => "Gagal",
            JobState::Interrupted => "Terputus",
        }
    }

    /// Whether the job has stopped and may be run again.
    pub fn may_run_again(self) -> bool {
        matches!(self, JobState::Failed | JobState::Interrupted)
    }

    /// Whether the job is still under way (a page keeps reloading).
    pub fn is_active(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_through_their_stored_form() {
        for request in [
            JobRequest::CheckRun { region: None },
            JobRequest::CheckRun {
                region: Some(RegionCode::parse("35.23").unwrap()),
            },
            JobRequest::PeriodClose {
                period: Period::parse("2026-11").unwrap(),
            },
            JobRequest::ListBuild {
                period: Period::parse("2026-12").unwrap(),
            },
            JobRequest::RuleDryRun {
                programme: "PKH".into(),
                definition: "code = \"PKH\"\n# baris \"kutipan\"\n".into(),
            },
        ] {
            let text = request.to_json();
            assert!(text.contains(request.kind_key()), "{text}");
            assert_eq!(JobRequest::from_json(&text), Some(request));
        }
        assert_eq!(JobRequest::from_json("{\"kind\":\"unknown\"}"), None);
    }

    #[test]
    fn states_parse_from_their_keys_and_only_stopped_ones_run_again() {
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.key()), Some(state));
        }
        assert_eq!(JobState::parse("berjalan"), None);
        let again: Vec<_> = JobState::ALL
            .into_iter()
            .filter(|s| s.may_run_again())
            .collect();
        assert_eq!(again, vec![JobState::Failed, JobState::Interrupted]);
        assert!(JobState::Running.is_active() && !JobState::Done.is_active());
    }
}
