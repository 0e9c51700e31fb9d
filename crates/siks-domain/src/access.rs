//! Who acts: roles, region scopes and the acting user that every store call takes. What a role
//! may do is decided here, in one table; where it may do it is its scope.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::message::Bilingual;
use crate::record::UserId;
use crate::region::{RegionCode, RegionCodeError, RegionLevel};

/// The roles of the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Operator desa/kelurahan: one village.
    VillageOperator,
    /// Operator kecamatan.
    DistrictOperator,
    /// Operator of a regency's Dinas Sosial.
    RegencyOperator,
    /// Verifier of a regency's Dinas Sosial.
    RegencyVerifier,
    /// The Bupati/Walikota's delegate who ratifies (pengesahan).
    Ratifier,
    /// Operator of a province's Dinas Sosial.
    ProvinceOperator,
    /// The ministry (Kemensos, Pusdatin).
    Pusat,
    /// Read-only, with the audit log.
    Auditor,
    /// The data protection officer (pejabat pelindungan data pribadi, UU 27/2022 Pasal 53):
    /// reads the register and the audit log, answers the data subjects' requests (their
    /// report, Pasal 32) and scopes a breach (Pasal 46); writes and exports nothing.
    Dpo,
    /// Manages accounts below its level; also the role of the command line's system account.
    Admin,
}

/// What a role may do (the region is checked separately, against the scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadRegister,
    WriteRegister,
    ManageUsers,
    ReadAudit,
    /// Import the outside lists (civil registry, deaths, civil servants, exclusions).
    ImportLists,
    /// Download lists of records (households, members, findings, proposals, beneficiaries) as
    /// files: bulk personal data. The auditor reads the audit log and counts, not these.
    ExportPersonalData,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::VillageOperator,
        Role::DistrictOperator,
        Role::RegencyOperator,
        Role::RegencyVerifier,
        Role::Ratifier,
        Role::ProvinceOperator,
        Role::Pusat,
        Role::Auditor,
        Role::Dpo,
        Role::Admin,
    ];

    /// The key stored in the database and typed on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Role::VillageOperator => "operator_desa",
            Role::DistrictOperator => "operator_kecamatan",
            Role::RegencyOperator => "operator_kabupaten",
            Role::RegencyVerifier => "verifikator_kabupaten",
            Role::Ratifier => "pengesah",
            Role::ProvinceOperator => "operator_provinsi",
            Role::Pusat => "pusat",
            Role::Auditor => "auditor",
            Role::Dpo => "pejabat_pdp",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::VillageOperator => "Operator desa/kelurahan",
            Role::DistrictOperator => "Operator kecamatan",
            Role::RegencyOperator => "Operator Dinas Sosial kabupaten/kota",
            Role::RegencyVerifier => "Verifikator Dinas Sosial kabupaten/kota",
            Role::Ratifier => "Pengesah (Bupati/Walikota)",
            Role::ProvinceOperator => "Operator Dinas Sosial provinsi",
            Role::Pusat => "Pusat (Kementerian Sosial)",
            Role::Auditor => "Auditor",
            Role::Dpo => "Pejabat Pelindungan Data Pribadi",
            Role::Admin => "Administrator",
        }
    }

    pub fn parse(text: &str) -> Result<Role, AccessError> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == text.trim())
            .ok_or_else(|| AccessError::UnknownRole(text.trim().to_string()))
    }

    /// The level of scope the role works at (`None`: the whole country).
    pub fn scope_level(self) -> Option<Option<RegionLevel>> {
        match self {
            Role::VillageOperator => Some(Some(RegionLevel::Village)),
            Role::DistrictOperator => Some(Some(RegionLevel::District)),
            Role::RegencyOperator | Role::RegencyVerifier | Role::Ratifier => {
                Some(Some(RegionLevel::Regency))
            }
            Role::ProvinceOperator => Some(Some(RegionLevel::Province)),
            Role::Pusat => Some(None),
            // Auditors and admins work at any level.
            Role::Auditor | Role::Dpo | Role::Admin => None,
        }
    }

    /// The allow table of actions per role.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match action {
            ReadRegister => true,
            WriteRegister => matches!(
                self,
                Role::VillageOperator
                    | Role::DistrictOperator
                    | Role::RegencyOperator
                    | Role::ProvinceOperator
                    | Role::Pusat
                    | Role::Admin
            ),
            ManageUsers => self == Role::Admin,
            ReadAudit => matches!(self, Role::Auditor | Role::Dpo | Role::Admin),
            ImportLists => matches!(self, Role::Pusat | Role::Admin),
            ExportPersonalData => !matches!(self, Role::Auditor | Role::Dpo),
        }
    }
}

impl Role {
    /// Who answers a data subject's request for their report (UU 27/2022 Pasal 32): the data
    /// protection officer and the admins.
    pub fn answers_data_subjects(self) -> bool {
        matches!(self, Role::Dpo | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The part of the country a user works in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    Nation,
    Region(RegionCode),
}

impl Scope {
    /// `*` or an empty text is the whole country; anything else a region code.
    pub fn parse(text: &str) -> Result<Scope, RegionCodeError> {
        match text.trim() {
            "" | "*" => Ok(Scope::Nation),
            code => RegionCode::parse_known(code).map(Scope::Region),
        }
    }

    /// The stored form: `*` or the code.
    pub fn key(&self) -> String {
        match self {
            Scope::Nation => "*".into(),
            Scope::Region(code) => code.to_string(),
        }
    }

    pub fn contains(&self, code: &RegionCode) -> bool {
        match self {
            Scope::Nation => true,
            Scope::Region(own) => own.contains(code),
        }
    }

    /// Whether this scope covers the whole of `other`.
    pub fn covers(&self, other: &Scope) -> bool {
        match other {
            Scope::Nation => *self == Scope::Nation,
            Scope::Region(code) => self.contains(code),
        }
    }

    /// The half-open range of village codes inside the scope (see [`RegionCode::village_range`]).
    pub fn village_range(&self) -> (String, String) {
        match self {
            Scope::Nation => (String::new(), "~".into()),
            Scope::Region(code) => code.village_range(),
        }
    }

    /// The region, unless the scope is the whole country.
    pub fn region(&self) -> Option<&RegionCode> {
        match self {
            Scope::Nation => None,
            Scope::Region(code) => Some(code),
        }
    }

    pub fn level(&self) -> Option<RegionLevel> {
        match self {
            Scope::Nation => None,
            Scope::Region(code) => Some(code.level()),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// The user on whose behalf the store acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    /// Where the request came from (an address, or `cli`), for the audit log; empty if unknown.
    pub origin: String,
}

impl Actor {
    /// The same actor acting from `origin`.
    pub fn from_origin(mut self, origin: impl Into<String>) -> Actor {
        self.origin = origin.into();
        self
    }

    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

    /// Whether this actor may create, activate or deactivate an account of `role` over `scope`:
    /// an admin manages the accounts inside its scope, and another admin only over a strictly
    /// narrower scope. A peer (an admin of the same scope) or a wider one is managed from above,
    /// by an admin of a wider scope or by the command line (the store's system account).
    pub fn may_manage(&self, role: Role, scope: &Scope) -> bool {
        self.may(Action::ManageUsers)
            && self.scope.covers(scope)
            && (role != Role::Admin || self.scope != *scope)
    }
}

/// A role or scope that does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub enum AccessError {
    UnknownRole(String),
    ScopeLevel { role: Role, scope: Scope },
}

impl Bilingual for AccessError {
    fn indonesian(&self) -> String {
        match self {
            AccessError::UnknownRole(r) => format!(
                "peran '{r}' tidak dikenal (pilihan: {})",
                Role::ALL.map(|r| r.key()).join(", ")
            ),
            AccessError::ScopeLevel { role, scope } => format!(
                "peran {} tidak dapat diberi wilayah kerja {}",
                role.label(),
                scope
            ),
        }
    }
    fn english(&self) -> String {
        match self {
            AccessError::UnknownRole(r) => format!(
                "unknown role '{r}' (choices: {})",
                Role::ALL.map(|r| r.key()).join(", ")
            ),
            AccessError::ScopeLevel { role, scope } => {
                format!("role {} cannot have the scope {scope}", role.key())
            }
        }
    }
}

/// Checks that a scope is at the level the role works at.
pub fn check_scope_fits(role: Role, scope: &Scope) -> Result<(), AccessError> {
    match role.scope_level() {
        None => Ok(()),
        Some(level) if level == scope.level() => Ok(()),
        Some(_) => Err(AccessError::ScopeLevel {
            role,
            scope: scope.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_round_trip_and_scope_levels_fit() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.key()), Ok(role));
        }
        assert!(Role::parse("superuser").is_err());
        let village = Scope::parse("35.23.01.2001").unwrap();
        let regency = Scope::parse("35.23").unwrap();
        assert!(check_scope_fits(Role::VillageOperator, &village).is_ok());
        assert!(check_scope_fits(Role::VillageOperator, &regency).is_err());
        assert!(check_scope_fits(Role::Pusat, &Scope::Nation).is_ok());
        assert!(check_scope_fits(Role::Admin, &regency).is_ok());
        assert!(regency.covers(&village));
        assert!(!village.covers(&regency));
        assert!(Scope::Nation.covers(&regency));
        assert!(!regency.covers(&Scope::Nation));
        assert!(Scope::parse("99.99").is_err());
    }

    #[test]
    fn only_operators_write_and_only_admins_manage() {
        assert!(Role::VillageOperator.may(Action::WriteRegister));
        assert!(!Role::Auditor.may(Action::WriteRegister));
        assert!(!Role::RegencyVerifier.may(Action::WriteRegister));
        assert!(Role::Auditor.may(Action::ReadAudit));
        assert!(!Role::VillageOperator.may(Action::ManageUsers));
        assert!(!Role::Auditor.may(Action::ExportPersonalData));
        assert!(Role::Pusat.may(Action::ExportPersonalData));
    }

    /// Who may manage whom: every pair of a manager (role, scope) and an account (role, scope).
    #[test]
    fn admins_manage_only_accounts_below_them() {
        let actor = |role: Role, scope: &str| Actor {
            user_id: UserId::new(),
            username: "x".into(),
            role,
            scope: Scope::parse(scope).unwrap(),
            origin: String::new(),
        };
        let scope = |s: &str| Scope::parse(s).unwrap();
        // (manager, its scope, account's role, account's scope, may)
        let table = [
            (Role::Admin, "*", Role::Admin, "35", true),
            (Role::Admin, "*", Role::Admin, "*", false),
            (Role::Admin, "*", Role::Pusat, "*", true),
            (Role::Admin, "*", Role::Auditor, "*", true),
            (Role::Admin, "35", Role::Admin, "35.23", true),
            (Role::Admin, "35", Role::Admin, "35", false),
            (Role::Admin, "35", Role::Admin, "*", false),
            (Role::Admin, "35", Role::ProvinceOperator, "35", true),
            (Role::Admin, "35.23", Role::Admin, "35.23", false),
            (Role::Admin, "35.23", Role::RegencyOperator, "35.23", true),
            (
                Role::Admin,
                "35.23",
                Role::VillageOperator,
                "35.23.01.2001",
                true,
            ),
            (
                Role::Admin,
                "35.23",
                Role::VillageOperator,
                "35.24.01.2001",
                false,
            ),
            (Role::Admin, "35.23", Role::Admin, "35.23.01", true),
            (
                Role::Pusat,
                "*",
                Role::VillageOperator,
                "35.23.01.2001",
                false,
            ),
            (
                Role::Auditor,
                "*",
                Role::VillageOperator,
                "35.23.01.2001",
                false,
            ),
        ];
        for (role, within, account_role, account_scope, may) in table {
            assert_eq!(
                actor(role, within).may_manage(account_role, &scope(account_scope)),
                may,
                "{role:?} over {within} managing {account_role:?} over {account_scope}"
            );
        }
    }
}
