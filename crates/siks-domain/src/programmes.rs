//! Programmes as data: who receives PKH, Sembako, PBI-JK, BST, KUBE, PKSA, KAT or ATENSI is
//! decided by a definition file (TOML) with eligibility rules written as expressions, not by
//! code. A definition names its unit (the household, each family in it, each person, each
//! child, a group of families of one village, or a village's community), the household rule, the member
//! rules of its components with their yearly amounts and caps, the findings that exclude a
//! household, and the yearly amount per unit. Expressions are CEL, behind our own [`Condition`]
//! trait so that the engine can be swapped; a definition is refused on reading, with the line,
//! when an expression does not parse, names a value that does not exist, divides by zero or
//! does not give yes or no on sample households.

use std::collections::BTreeMap;

use crate::checks::FindingKind;
use crate::codes::*;
use crate::{Coded, Household, Person, PersonId, RegistryStatus};

/// A value a rule may read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

/// Named values a rule is evaluated over.
pub type Facts = BTreeMap<&'static str, Fact>;

/// What a household rule may read, with its meaning.
pub const HOUSEHOLD_VALUES: &[(&str, &str)] = &[
    (
        "desil",
        "desil nasional dari pemeringkatan terakhir (0: belum diperingkat)",
    ),
    (
        "desil_regency",
        "desil di kabupaten/kota (0: belum diperingkat)",
    ),
    (
        "score",
        "perkiraan pengeluaran per orang per bulan (rupiah)",
    ),
    ("bps_met", "jumlah kriteria kemiskinan BPS yang terpenuhi"),
    (
        "members",
        "anggota yang dihitung (hidup, tinggal di rumah tangga)",
    ),
    ("families", "jumlah keluarga"),
    ("pregnant", "anggota hamil"),
    ("children_0_6", "anak usia 0-6 tahun"),
    (
        "school_children",
        "anak 6-21 tahun yang masih sekolah dan belum 12 tahun sekolah",
    ),
    ("severe_disability", "anggota dengan disabilitas berat"),
    ("elderly_60", "anggota 60 tahun ke atas"),
    ("elderly_70", "anggota 70 tahun ke atas"),
    ("province", "kode provinsi, mis. \"35\""),
    ("regency", "kode kabupaten/kota, mis. \"35.23\""),
    (
        "status",
        "\"active\" (ditetapkan) atau \"proposed\" (diusulkan)",
    ),
    ("village", "kode desa/kelurahan, mis. \"35.23.01.2001\""),
    ("ppks_members", "anggota dengan kategori PPKS"),
    (
        "kat",
        "anggota dengan kategori PPKS komunitas adat terpencil (KAT)",
    ),
];

/// What a component's member rule may read.
pub const MEMBER_VALUES: &[(&str, &str)] = &[
    ("age", "umur dalam tahun"),
    ("sex", "1 laki-laki, 2 perempuan"),
    ("pregnant", "hamil"),
    ("severe_disability", "disabilitas berat"),
    ("in_school", "masih sekolah"),
    (
        "schooling_years",
        "lama sekolah dari pendidikan tertinggi yang ditamatkan",
    ),
    (
        "relation",
        "hubungan dengan kepala rumah tangga (1 kepala, 2 istri/suami, 3 anak, ...)",
    ),
    ("working", "bekerja"),
    (
        "disability",
        "penyandang disabilitas (ringan, sedang atau berat)",
    ),
    (
        "ppks",
        "kode kategori PPKS (1-26, Permensos 8/2012; 0: bukan PPKS)",
    ),
];

/// Why a rule could not be read or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct RuleError {
    pub reason: String,
}

/// A yes/no rule over named values, compiled once.
pub trait Condition: Send + Sync + std::fmt::Debug {
    /// The names the rule reads.
    fn names(&self) -> Vec<String>;
    fn holds(&self, facts: &Facts) -> Result<bool, RuleError>;
    /// The rule as written.
    fn source(&self) -> &str;
}

/// A [`Condition`] written in CEL.
pub struct CelCondition {
    program: cel::Program,
    source: String,
    /// The names it reads: only these are handed to an evaluation.
    names: Vec<String>,
}

impl std::fmt::Debug for CelCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CelCondition({:?})", self.source)
    }
}

/// The longest rule, and its deepest nesting of brackets, that a definition may hold: a rule
/// reads a household's values, it is never a program (found by fuzzing: the CEL parser
/// recurses deeply, and a rule nested or long enough overflows a thread's stack).
pub const RULE_MAX_CHARS: usize = 2_000;
pub const RULE_MAX_NESTING: usize = 16;

/// The stack the CEL parser runs on (it recurses through many frames per bracket).
const PARSE_STACK: usize = 64 * 1024 * 1024;

impl CelCondition {
    pub fn compile(source: &str) -> Result<CelCondition, RuleError> {
        if source.chars().count() > RULE_MAX_CHARS {
            return Err(RuleError {
                reason: format!("aturan lebih dari {RULE_MAX_CHARS} karakter"),
            });
        }
        let mut depth = 0usize;
        let mut deepest = 0usize;
        for c in source.chars() {
            match c {
                '(' | '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if deepest > RULE_MAX_NESTING {
            return Err(RuleError {
                reason: format!("aturan bersarang lebih dari {RULE_MAX_NESTING} tingkat kurung"),
            });
        }
        // On a thread of its own with a stack to spare, whatever thread asks.
        let parsed = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("siks-cel-parse".into())
                .stack_size(PARSE_STACK)
                .spawn_scoped(scope, || {
                    cel::Program::compile(source).map_err(|e| e.to_string())
                })
                .map(|parsing| parsing.join())
        });
        let program = match parsed {
            Ok(Ok(Ok(program))) => program,
            Ok(Ok(Err(e))) => {
                return Err(RuleError {
                    reason: format!("ungkapan tidak dapat dibaca: {e}"),
                });
            }
            _ => {
                return Err(RuleError {
                    reason: "ungkapan tidak dapat dibaca".into(),
                });
            }
        };
        let names = program
            .references()
            .variables()
            .into_iter()
            .map(str::to_string)
            .collect();
        Ok(CelCondition {
            program,
            source: source.to_string(),
            names,
        })
    }
}

impl Condition for CelCondition {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn holds(&self, facts: &Facts) -> Result<bool, RuleError> {
        ROOT_CONTEXT.with(|root| self.holds_in(root, facts))
    }

    fn source(&self) -> &str {
        &self.source
    }
}

thread_local! {
    /// CEL's standard library, built once per thread: building it per evaluation cost more
    /// than the evaluation itself.
    static ROOT_CONTEXT: cel::Context<'static, 'static> = cel::Context::default();
}

impl CelCondition {
    fn holds_in(
        &self,
        root: &cel::Context<'static, 'static>,
        facts: &Facts,
    ) -> Result<bool, RuleError> {
        let mut context = root.new_inner_scope();
        for (name, fact) in self
            .names
            .iter()
            .filter_map(|n| facts.get_key_value(n.as_str()))
        {
            match fact {
                Fact::Int(v) => context.add_variable_from_value(*name, *v),
                Fact::Float(v) => context.add_variable_from_value(*name, *v),
                Fact::Bool(v) => context.add_variable_from_value(*name, *v),
                Fact::Text(v) => context.add_variable_from_value(*name, v.clone()),
            }
        }
        match self.program.execute(&context) {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(RuleError {
                reason: format!("hasil harus ya/tidak (true/false), bukan {other:?}"),
            }),
            Err(e) => Err(RuleError {
                reason: format!("gagal dihitung: {e}"),
            }),
        }
    }
}

/// Whom a programme's amount goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Household,
    Family,
    Person,
    /// A person under [`CHILD_AGE`] (PKSA): a person unit that no member rule can widen.
    Child,
    /// Families of one village formed into groups of `group_size` (KUBE): each family is
    /// assessed as a family unit, and the list forms the groups (see [`form_groups`]).
    Group,
    /// The households of one village that meet the rule, as one community (KAT): each
    /// household is assessed as a household unit, and the list counts one unit per village.
    Community,
}

impl UnitKind {
    /// The key written in a definition and answered by the API.
    pub fn key(self) -> &'static str {
        match self {
            UnitKind::Household => "household",
            UnitKind::Family => "family",
            UnitKind::Person => "person",
            UnitKind::Child => "child",
            UnitKind::Group => "group",
            UnitKind::Community => "community",
        }
    }

    /// What a unit is called on pages.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Household => "rumah tangga",
            UnitKind::Family => "keluarga",
            UnitKind::Person => "orang",
            UnitKind::Child => "anak",
            UnitKind::Group => "kelompok keluarga",
            UnitKind::Community => "komunitas (desa)",
        }
    }

    /// Whom the yearly amount is written per: a group's family, a community's household, else
    /// the unit itself.
    pub fn amount_per(self) -> &'static str {
        match self {
            UnitKind::Group => "keluarga",
            UnitKind::Community => "rumah tangga",
            other => other.label(),
        }
    }

    /// Whether the list gathers its assessed units into units of a village (groups or the
    /// community), so that a list's unit is not one row.
    pub fn gathered(self) -> bool {
        matches!(self, UnitKind::Group | UnitKind::Community)
    }
}

/// Below this age a member counts for a `child` unit (UU 35/2014: a child is under 18).
pub const CHILD_AGE: i64 = 18;

/// The largest group a definition may ask for.
pub const GROUP_MAX: u32 = 100;

/// How the units of one village, in their ranking order, form groups of `size`: whole groups
/// in order, then the rest as a smaller group when it has at least `min` units. Answers each
/// unit's group number (from 1) in the same order, `None` for a unit left waiting for a group.
pub fn form_groups(units: usize, size: u32, min: u32) -> Vec<Option<u32>> {
    let size = size.max(1) as usize;
    let whole = units / size;
    let rest = units % size;
    (0..units)
        .map(|i| {
            let group = i / size;
            if group < whole || (rest > 0 && rest >= min as usize) {
                Some(group as u32 + 1)
            } else {
                None
            }
        })
        .collect()
}

/// One component (PKH): a member rule, a yearly amount per member it counts, and a cap per unit.
#[derive(Debug)]
pub struct Component {
    pub label: String,
    pub member: Box<dyn Condition>,
    pub amount: u64,
    pub cap: u32,
}

/// A programme definition.
#[derive(Debug)]
pub struct Programme {
    pub code: String,
    pub name: String,
    pub unit: UnitKind,
    /// The household rule.
    pub eligible: Box<dyn Condition>,
    /// For `person` and `child` units: who among the members (default everyone counted); for
    /// `group` units: a family joins when one of its members holds it.
    pub member: Option<Box<dyn Condition>>,
    pub components: Vec<Component>,
    /// At most this many component members per unit (0: no limit).
    pub max_components: u32,
    /// Yearly amount per unit on top of its components.
    pub amount: u64,
    /// A household with an open finding of one of these kinds receives nothing.
    pub exclude_findings: Vec<FindingKind>,
    /// `group` units: the families a group holds, and the fewest a village's last group may
    /// hold (fewer wait for the next list); 0 for other units.
    pub group_size: u32,
    pub group_min: u32,
    /// Whether the public check (Cek Bansos) may say who is on its lists. A programme chosen by
    /// PPKS category or disability may not: its YA would disclose specific personal data.
    pub public_check: bool,
    /// The file as given.
    pub text: String,
}

/// Why a definition file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("definisi program baris {line}: {reason}")]
pub struct DefinitionError {
    pub line: usize,
    pub reason: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeFile {
    code: String,
    name: String,
    unit: UnitKind,
    eligible: toml::Spanned<String>,
    member: Option<toml::Spanned<String>>,
    #[serde(default)]
    components: Vec<ComponentFile>,
    #[serde(default)]
    max_components: u32,
    #[serde(default)]
    amount: u64,
    #[serde(default)]
    exclude_findings: Vec<toml::Spanned<u8>>,
    group_size: Option<toml::Spanned<u32>>,
    group_min: Option<toml::Spanned<u32>>,
    public_check: Option<bool>,
}

/// Values whose use makes a programme's list say something specific about its people (a PPKS
/// category, a disability): such a programme must not be shown on the public check.
pub const SPECIFIC_VALUES: &[&str] = &["ppks", "ppks_members", "kat", "disability"];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentFile {
    label: String,
    member: toml::Spanned<String>,
    amount: u64,
    #[serde(default)]
    cap: u32,
}

/// The definitions siks ships: PKH, Sembako, PBI-JK and BST with the shape the ministry
/// publishes, and KUBE, PKSA, KAT and ATENSI, the other programmes the ministry's menus name,
/// whose figures are illustrative (each file says which). Amounts and rules change yearly: a
/// deployment saves its own versions.
pub const DEFAULT_PROGRAMMES: &[&str] = &[
    include_str!("programmes/pkh.toml"),
    include_str!("programmes/sembako.toml"),
    include_str!("programmes/pbi-jk.toml"),
    include_str!("programmes/bst.toml"),
    include_str!("programmes/kube.toml"),
    include_str!("programmes/pksa.toml"),
    include_str!("programmes/kat.toml"),
    include_str!("programmes/atensi.toml"),
];

/// Sample values every rule is tried on before a definition is accepted: a rule that fails
/// on one of these (division by zero, a wrong type) would fail on real households too.
fn sample_households() -> Vec<Facts> {
    let with = |desil: i64, members: i64, zero: bool| -> Facts {
        let n = if zero { 0 } else { 1 };
        BTreeMap::from([
            ("desil", Fact::Int(desil)),
            ("desil_regency", Fact::Int(desil)),
            ("score", Fact::Float(if zero { 0.0 } else { 650_000.0 })),
            ("bps_met", Fact::Int(if zero { 0 } else { 9 })),
            ("members", Fact::Int(members)),
            ("families", Fact::Int(members.min(1))),
            ("pregnant", Fact::Int(n)),
            ("children_0_6", Fact::Int(n)),
            ("school_children", Fact::Int(n)),
            ("severe_disability", Fact::Int(n)),
            ("elderly_60", Fact::Int(n)),
            ("elderly_70", Fact::Int(n)),
            ("province", Fact::Text("35".into())),
            ("regency", Fact::Text("35.23".into())),
            ("status", Fact::Text("active".into())),
            ("village", Fact::Text("35.23.01.2001".into())),
            ("ppks_members", Fact::Int(n)),
            ("kat", Fact::Int(n)),
        ])
    };
    vec![with(0, 0, true), with(1, 4, false), with(10, 1, true)]
}

fn sample_members() -> Vec<Facts> {
    let with = |age: i64, yes: bool| -> Facts {
        BTreeMap::from([
            ("age", Fact::Int(age)),
            ("sex", Fact::Int(if yes { 2 } else { 1 })),
            ("pregnant", Fact::Bool(yes)),
            ("severe_disability", Fact::Bool(yes)),
            ("in_school", Fact::Bool(yes)),
            ("schooling_years", Fact::Int(if yes { 6 } else { 0 })),
            ("relation", Fact::Int(1)),
            ("working", Fact::Bool(!yes)),
            ("disability", Fact::Bool(yes)),
            ("ppks", Fact::Int(if yes { 1 } else { 0 })),
        ])
    };
    vec![with(0, false), with(8, true), with(75, false)]
}

impl Programme {
    /// Reads a definition; every problem names its line.
    pub fn parse(text: &str) -> Result<Programme, DefinitionError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: ProgrammeFile = toml::from_str(text).map_err(|e| DefinitionError {
            line: e.span().map(|s| line_of(s.start)).unwrap_or(1),
            reason: e.message().to_string(),
        })?;
        let rule = |source: &toml::Spanned<String>,
                    allowed: &[(&str, &str)],
                    samples: &[Facts]|
         -> Result<Box<dyn Condition>, DefinitionError> {
            let at = |reason: String| DefinitionError {
                line: line_of(source.span().start),
                reason,
            };
            let condition = CelCondition::compile(source.get_ref()).map_err(|e| at(e.reason))?;
            for name in condition.names() {
                if !allowed.iter().any(|(n, _)| *n == name) {
                    return Err(at(format!(
                        "nilai '{name}' tidak ada; yang ada: {}",
                        allowed
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            for sample in samples {
                condition.holds(sample).map_err(|e| at(e.reason))?;
            }
            Ok(Box::new(condition))
        };
        let (households, members) = (sample_households(), sample_members());
        let code = file.code.trim().to_uppercase();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(DefinitionError {
                line: 1,
                reason: "kode program wajib diisi: huruf, angka, - atau _".into(),
            });
        }
        let mut exclude_findings = Vec::new();
        for kind in &file.exclude_findings {
            exclude_findings.push(FindingKind::from_code(*kind.get_ref()).ok_or_else(|| {
                DefinitionError {
                    line: line_of(kind.span().start),
                    reason: format!("kode temuan {} tidak dikenal", kind.get_ref()),
                }
            })?);
        }
        let components = file
            .components
            .iter()
            .map(|c| {
                Ok(Component {
                    label: c.label.clone(),
                    member: rule(&c.member, MEMBER_VALUES, &members)?,
                    amount: c.amount,
                    cap: c.cap,
                })
            })
            .collect::<Result<Vec<_>, DefinitionError>>()?;
        let (group_size, group_min) = match (file.unit, &file.group_size, &file.group_min) {
            (UnitKind::Group, Some(size), min) => {
                let at = |span: std::ops::Range<usize>, reason: String| DefinitionError {
                    line: line_of(span.start),
                    reason,
                };
                let n = *size.get_ref();
                if !(2..=GROUP_MAX).contains(&n) {
                    return Err(at(
                        size.span(),
                        format!("group_size harus 2 sampai {GROUP_MAX} keluarga"),
                    ));
                }
                let least = min.as_ref().map(|m| *m.get_ref()).unwrap_or(n);
                if least == 0 || least > n {
                    let span = min.as_ref().map(|m| m.span()).unwrap_or(size.span());
                    return Err(at(
                        span,
                        format!("group_min harus 1 sampai {n} (group_size)"),
                    ));
                }
                (n, least)
            }
            (UnitKind::Group, None, _) => {
                return Err(DefinitionError {
                    line: 1,
                    reason: "unit \"group\" memerlukan group_size (keluarga per kelompok)".into(),
                });
            }
            (_, Some(v), _) | (_, None, Some(v)) => {
                return Err(DefinitionError {
                    line: line_of(v.span().start),
                    reason: "group_size dan group_min hanya untuk unit \"group\"".into(),
                });
            }
            (_, None, None) => (0, 0),
        };
        let eligible = rule(&file.eligible, HOUSEHOLD_VALUES, &households)?;
        let member = file
            .member
            .as_ref()
            .map(|m| rule(m, MEMBER_VALUES, &members))
            .transpose()?;
        let public_check = file.public_check.unwrap_or(true);
        let reads_specific = std::iter::once(&eligible)
            .chain(member.as_ref())
            .chain(components.iter().map(|c| &c.member))
            .flat_map(|r| r.names())
            .any(|n| SPECIFIC_VALUES.contains(&n.as_str()));
        if public_check && reads_specific {
            return Err(DefinitionError {
                line: line_of(file.eligible.span().start),
                reason: format!(
                    "program yang memilih menurut {} menyebut data pribadi spesifik: tulis \
                     public_check = false agar tidak tampil di Cek Bansos",
                    SPECIFIC_VALUES.join(", ")
                ),
            });
        }
        if file.amount == 0 && components.is_empty() {
            return Err(DefinitionError {
                line: 1,
                reason: "program tanpa nilai bantuan: isi amount atau components".into(),
            });
        }
        Ok(Programme {
            code,
            name: file.name,
            unit: file.unit,
            eligible,
            member,
            components,
            max_components: file.max_components,
            amount: file.amount,
            exclude_findings,
            group_size,
            group_min,
            public_check,
            text: text.to_string(),
        })
    }
}

/// What a programme assesses a household on: the household, its members, its latest ranking,
/// and the open findings on it (`None`: the household's own; `Some`: a member's).
pub struct Assessed<'a> {
    pub household: &'a Household,
    pub members: &'a [Person],
    pub desil: Option<u8>,
    pub desil_regency: Option<u8>,
    pub score: Option<f64>,
    pub bps_met: u8,
    pub open_findings: &'a [(Option<PersonId>, FindingKind)],
    pub today: chrono::NaiveDate,
}

/// One recipient unit and what it receives a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The family (`family` units).
    pub family_no: Option<u8>,
    /// The person (`person` units).
    pub person: Option<PersonId>,
    /// (component, members counted), after caps.
    pub components: Vec<(String, u32)>,
    pub amount: u64,
}

/// A programme's verdict on one household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Receives(Vec<Unit>),
    /// Not eligible; [`Programme::explain`] says why in Indonesian. A reason, not its words:
    /// most households of a register are not eligible for a programme, and the words are only
    /// wanted for the few that leave a list.
    NotEligible(Ineligible),
    /// Excluded by an open finding, with its kind.
    Excluded(FindingKind),
}

/// Why a household is not eligible for a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The household is not active.
    Inactive,
    /// The programme's eligibility rule does not hold.
    Rule,
    /// No member counts for any of the programme's components.
    NoComponent,
}

fn age_on(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> i64 {
    let years = chrono::Datelike::year(&today) - chrono::Datelike::year(&birth);
    let before_birthday = (
        chrono::Datelike::month(&today),
        chrono::Datelike::day(&today),
    ) < (
        chrono::Datelike::month(&birth),
        chrono::Datelike::day(&birth),
    );
    i64::from(years - i32::from(before_birthday))
}

fn schooling(e: Option<Education>) -> i64 {
    match e {
        None | Some(Education::NoSchooling) => 0,
        Some(Education::Primary) => 6,
        Some(Education::JuniorSecondary) => 9,
        Some(Education::SeniorSecondary) => 12,
        Some(Education::Diploma) => 14,
        Some(Education::Bachelor) => 16,
        Some(Education::Postgraduate) => 18,
    }
}

/// A member's values for member rules.
pub fn member_facts(p: &Person, today: chrono::NaiveDate) -> Facts {
    BTreeMap::from([
        ("age", Fact::Int(age_on(p.birth_date, today))),
        ("sex", Fact::Int(i64::from(p.sex.code()))),
        ("pregnant", Fact::Bool(p.pregnant)),
        (
            "severe_disability",
            Fact::Bool(p.disability_severity == Some(Severity::Severe)),
        ),
        (
            "in_school",
            Fact::Bool(p.school_participation == SchoolParticipation::Attending),
        ),
        ("schooling_years", Fact::Int(schooling(p.education))),
        ("relation", Fact::Int(i64::from(p.relation_to_head.code()))),
        (
            "working",
            Fact::Bool(p.work_status == Some(WorkStatus::Working)),
        ),
        ("disability", Fact::Bool(p.disability.is_some())),
        (
            "ppks",
            Fact::Int(p.pmks.map(|c| i64::from(c.code())).unwrap_or(0)),
        ),
    ])
}

/// The members of one unit: its family or person, and the members with their values.
type Group<'p, 'a> = (Option<u8>, Option<PersonId>, Vec<&'p (&'a Person, Facts)>);

/// A household made ready for every programme once: the members programmes count, their
/// values for member rules, and the household's values for household rules.
pub struct Prepared<'a> {
    assessed: &'a Assessed<'a>,
    /// The members counted: in the register, living in the household, not found dead by an
    /// open finding; with their values.
    members: Vec<(&'a Person, Facts)>,
    household: Facts,
}

impl<'a> Prepared<'a> {
    pub fn new(a: &'a Assessed<'a>) -> Prepared<'a> {
        let members: Vec<(&Person, Facts)> = a
            .members
            .iter()
            .filter(|p| !matches!(p.status, RegistryStatus::Inactive(_)))
            .filter(|p| matches!(p.presence, Presence::LivesHere | Presence::NewMember))
            .filter(|p| {
                !a.open_findings
                    .iter()
                    .any(|(who, kind)| *who == Some(p.id) && *kind == FindingKind::Deceased)
            })
            .map(|p| (p, member_facts(p, a.today)))
            .collect();
        let household = household_facts_of(a, &members);
        Prepared {
            assessed: a,
            members,
            household,
        }
    }

    /// The household's values for the household rule.
    pub fn household_facts(&self) -> &Facts {
        &self.household
    }
}

fn household_facts_of(a: &Assessed<'_>, members: &[(&Person, Facts)]) -> Facts {
    let count =
        |test: &dyn Fn(&Facts) -> bool| members.iter().filter(|(_, f)| test(f)).count() as i64;
    let int = |f: &Facts, k: &str| match f.get(k) {
        Some(Fact::Int(v)) => *v,
        _ => 0,
    };
    let yes = |f: &Facts, k: &str| matches!(f.get(k), Some(Fact::Bool(true)));
    let mut families: Vec<u8> = members.iter().map(|(p, _)| p.family_no).collect();
    families.sort_unstable();
    families.dedup();
    let village = a.household.address.village.as_str();
    BTreeMap::from([
        ("desil", Fact::Int(i64::from(a.desil.unwrap_or(0)))),
        (
            "desil_regency",
            Fact::Int(i64::from(a.desil_regency.unwrap_or(0))),
        ),
        ("score", Fact::Float(a.score.unwrap_or(0.0))),
        ("bps_met", Fact::Int(i64::from(a.bps_met))),
        ("members", Fact::Int(members.len() as i64)),
        ("families", Fact::Int(families.len() as i64)),
        ("pregnant", Fact::Int(count(&|f| yes(f, "pregnant")))),
        ("children_0_6", Fact::Int(count(&|f| int(f, "age") <= 6))),
        (
            "school_children",
            Fact::Int(count(&|f| {
                (6..=21).contains(&int(f, "age"))
                    && yes(f, "in_school")
                    && int(f, "schooling_years") < 12
            })),
        ),
        (
            "severe_disability",
            Fact::Int(count(&|f| yes(f, "severe_disability"))),
        ),
        ("elderly_60", Fact::Int(count(&|f| int(f, "age") >= 60))),
        ("elderly_70", Fact::Int(count(&|f| int(f, "age") >= 70))),
        (
            "province",
            Fact::Text(village.get(..2).unwrap_or("").to_string()),
        ),
        (
            "regency",
            Fact::Text(village.get(..5).unwrap_or("").to_string()),
        ),
        ("village", Fact::Text(village.to_string())),
        ("ppks_members", Fact::Int(count(&|f| int(f, "ppks") > 0))),
        (
            "kat",
            Fact::Int(count(&|f| {
                int(f, "ppks") == i64::from(PmksCategory::RemoteIndigenous.code())
            })),
        ),
        (
            "status",
            Fact::Text(
                match a.household.status {
                    RegistryStatus::Active => "active",
                    RegistryStatus::Proposed => "proposed",
                    RegistryStatus::Inactive(_) => "inactive",
                }
                .into(),
            ),
        ),
    ])
}

impl Programme {
    /// Why a household is not eligible, in Indonesian.
    pub fn explain(&self, why: Ineligible) -> String {
        match why {
            Ineligible::Inactive => "rumah tangga tidak aktif".into(),
            Ineligible::Rule => format!("tidak memenuhi syarat: {}", self.eligible.source()),
            Ineligible::NoComponent => "tidak ada anggota yang memenuhi komponen program".into(),
        }
    }

    /// What the household receives from this programme, and why not when it does not.
    pub fn assess(&self, a: &Assessed<'_>) -> Result<Verdict, RuleError> {
        self.assess_prepared(&Prepared::new(a))
    }

    /// [`Programme::assess`] of a household made ready once for every programme.
    pub fn assess_prepared(&self, prepared: &Prepared<'_>) -> Result<Verdict, RuleError> {
        let a = prepared.assessed;
        if matches!(a.household.status, RegistryStatus::Inactive(_)) {
            return Ok(Verdict::NotEligible(Ineligible::Inactive));
        }
        if let Some((_, kind)) = a
            .open_findings
            .iter()
            .find(|(_, kind)| self.exclude_findings.contains(kind))
        {
            return Ok(Verdict::Excluded(*kind));
        }
        if !self.eligible.holds(&prepared.household)? {
            return Ok(Verdict::NotEligible(Ineligible::Rule));
        }
        let members: Vec<&(&Person, Facts)> = prepared.members.iter().collect();
        let groups: Vec<Group<'_, '_>> = match self.unit {
            UnitKind::Household | UnitKind::Community => vec![(None, None, members.clone())],
            UnitKind::Family | UnitKind::Group => {
                let mut by_family: BTreeMap<u8, Vec<&(&Person, Facts)>> = BTreeMap::new();
                for m in &members {
                    by_family.entry(m.0.family_no).or_default().push(m);
                }
                let mut families = Vec::new();
                for (no, ps) in by_family {
                    // A group's family joins through one member the rule names (KUBE: one of
                    // working age to run the business).
                    let joins = match (&self.member, self.unit) {
                        (Some(rule), UnitKind::Group) => {
                            let mut any = false;
                            for m in &ps {
                                if rule.holds(&m.1)? {
                                    any = true;
                                    break;
                                }
                            }
                            any
                        }
                        _ => true,
                    };
                    if joins {
                        families.push((Some(no), None, ps));
                    }
                }
                families
            }
            UnitKind::Person | UnitKind::Child => {
                let mut chosen = Vec::new();
                for m in &members {
                    let age = match m.1.get("age") {
                        Some(Fact::Int(age)) => *age,
                        _ => 0,
                    };
                    if self.unit == UnitKind::Child && age >= CHILD_AGE {
                        continue;
                    }
                    let take = match &self.member {
                        Some(rule) => rule.holds(&m.1)?,
                        None => true,
                    };
                    if take {
                        chosen.push((None, Some(m.0.id), vec![*m]));
                    }
                }
                chosen
            }
        };
        let mut units = Vec::new();
        for (family_no, person, people) in groups {
            let facts: Vec<&Facts> = people.iter().map(|m| &m.1).collect();
            let mut counted = Vec::new();
            let mut amount = self.amount;
            let mut room = if self.max_components == 0 {
                u32::MAX
            } else {
                self.max_components
            };
            for component in &self.components {
                let mut n = 0u32;
                for f in &facts {
                    if component.member.holds(f)? {
                        n += 1;
                    }
                }
                if component.cap > 0 {
                    n = n.min(component.cap);
                }
                n = n.min(room);
                room -= n;
                if n > 0 {
                    amount += component.amount * u64::from(n);
                    counted.push((component.label.clone(), n));
                }
            }
            if !self.components.is_empty() && counted.is_empty() {
                continue;
            }
            units.push(Unit {
                family_no,
                person,
                components: counted,
                amount,
            });
        }
        if units.is_empty() {
            return Ok(Verdict::NotEligible(Ineligible::NoComponent));
        }
        Ok(Verdict::Receives(units))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing: the CEL parser recursed past a thread's stack on a rule nested a few
    /// brackets deep in a debug build. A rule is parsed on a stack of its own, and one too long
    /// or too deeply nested is refused with its reason.
    #[test]
    fn rules_too_long_or_too_deeply_nested_are_refused_and_parsing_has_a_stack_of_its_own() {
        let nested = format!("{}desil <= 4{}", "(".repeat(17), ")".repeat(17));
        let refused = CelCondition::compile(&nested).unwrap_err().reason;
        assert!(refused.contains("16 tingkat"), "{refused}");
        let long = format!("desil <= 4{}", " && desil <= 4".repeat(200));
        assert!(
            CelCondition::compile(&long)
                .unwrap_err()
                .reason
                .contains("2000 karakter")
        );
        let fuzzed =
            "desi&)(&&&&{{{{}}}}{{{{ill >= 1 &&&&&@&&&&&&&&'%&&&)%$&&&&&&&{{{{}}{{{{il <= 5";
        assert!(CelCondition::compile(fuzzed).is_err());
        let deep_enough = format!("{}desil <= 4{}", "(".repeat(16), ")".repeat(16));
        assert!(CelCondition::compile(&deep_enough).is_ok());
    }
    use crate::entry::{blank_household, blank_person};
    use crate::{HouseholdId, RegionCode};

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    fn programme(code: &str) -> Programme {
        DEFAULT_PROGRAMMES
            .iter()
            .map(|t| Programme::parse(t).unwrap())
            .find(|p| p.code == code)
            .unwrap()
    }

    fn member(h: HouseholdId, relation: Relation, born: (i32, u32, u32)) -> Person {
        let mut p = blank_person(h, relation);
        p.birth_date = chrono::NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap();
        p.status = RegistryStatus::Active;
        p
    }

    /// A household of village 35.23.01.2001 with a mother (pregnant), a father, a child of 3,
    /// a child of 4, a child of 5 in no school, a child of 10 at primary school and a
    /// grandmother of 72.
    fn family() -> (Household, Vec<Person>) {
        let mut h = blank_household(RegionCode::parse("35.23.01.2001").unwrap());
        h.status = RegistryStatus::Active;
        let mut mother = member(h.id, Relation::Spouse, (1990, 5, 1));
        mother.sex = Sex::Female;
        mother.pregnant = true;
        let mut pupil = member(h.id, Relation::Child, (2016, 2, 1));
        pupil.school_participation = SchoolParticipation::Attending;
        pupil.education = None;
        let members = vec![
            member(h.id, Relation::Head, (1988, 1, 1)),
            mother,
            member(h.id, Relation::Child, (2023, 6, 1)),
            member(h.id, Relation::Child, (2022, 6, 1)),
            member(h.id, Relation::Child, (2021, 6, 1)),
            pupil,
            member(h.id, Relation::Parent, (1954, 1, 1)),
        ];
        (h, members)
    }

    fn assessed<'a>(
        h: &'a Household,
        members: &'a [Person],
        desil: u8,
        findings: &'a [(Option<PersonId>, FindingKind)],
    ) -> Assessed<'a> {
        Assessed {
            household: h,
            members,
            desil: Some(desil),
            desil_regency: Some(desil),
            score: Some(500_000.0),
            bps_met: 9,
            open_findings: findings,
            today: today(),
        }
    }

    #[test]
    fn the_shipped_programmes_parse() {
        for text in DEFAULT_PROGRAMMES {
            Programme::parse(text).unwrap();
        }
    }

    #[test]
    fn pkh_counts_components_with_their_caps_and_the_family_limit() {
        let (h, members) = family();
        let pkh = programme("PKH");
        let Verdict::Receives(units) = pkh.assess(&assessed(&h, &members, 3, &[])).unwrap() else {
            panic!("desil 3 with children receives PKH");
        };
        assert_eq!(units.len(), 1, "one family");
        // Pregnant 1 (3,000,000) + young children capped at 2 (2 x 3,000,000); the family limit of
        // 4 leaves room for one more: the primary pupil (900,000). The elderly is left out.
        assert_eq!(
            units[0].components,
            [
                ("Ibu hamil/nifas".to_string(), 1),
                ("Anak usia dini 0-6 tahun".to_string(), 2),
                ("Anak SD/sederajat".to_string(), 1)
            ]
        );
        assert_eq!(units[0].amount, 3_000_000 + 6_000_000 + 900_000);
        // Desil 5 is beyond PKH.
        assert!(matches!(
            pkh.assess(&assessed(&h, &members, 5, &[])).unwrap(),
            Verdict::NotEligible(Ineligible::Rule)
        ));
        assert_eq!(
            pkh.explain(Ineligible::Rule),
            format!("tidak memenuhi syarat: {}", pkh.eligible.source())
        );
    }

    #[test]
    fn exclusions_and_deaths() {
        let (h, members) = family();
        let pkh = programme("PKH");
        let asn = [(Some(members[0].id), FindingKind::CivilServant)];
        assert_eq!(
            pkh.assess(&assessed(&h, &members, 1, &asn)).unwrap(),
            Verdict::Excluded(FindingKind::CivilServant)
        );
        // The pregnant mother found dead is not counted: the pupil and the elderly move up.
        let died = [(Some(members[1].id), FindingKind::Deceased)];
        let Verdict::Receives(units) = pkh.assess(&assessed(&h, &members, 1, &died)).unwrap()
        else {
            panic!("still eligible");
        };
        assert!(
            !units[0]
                .components
                .iter()
                .any(|(c, _)| c == "Ibu hamil/nifas")
        );
        assert_eq!(units[0].amount, 6_000_000 + 900_000 + 2_400_000);
    }

    #[test]
    fn sembako_goes_per_family_and_pbi_per_person() {
        let (h, mut members) = family();
        members[6].family_no = 2;
        let sembako = programme("SEMBAKO");
        let Verdict::Receives(units) = sembako.assess(&assessed(&h, &members, 5, &[])).unwrap()
        else {
            panic!("desil 5 receives Sembako");
        };
        assert_eq!(units.len(), 2, "two families");
        assert!(units.iter().all(|u| u.amount == 2_400_000));
        let pbi = programme("PBI-JK");
        let Verdict::Receives(units) = pbi.assess(&assessed(&h, &members, 4, &[])).unwrap() else {
            panic!("desil 4 receives PBI-JK");
        };
        assert_eq!(units.len(), 7);
        assert!(units.iter().all(|u| u.person.is_some()));
        assert!(matches!(
            pbi.assess(&assessed(&h, &members, 6, &[])).unwrap(),
            Verdict::NotEligible(_)
        ));
    }

    #[test]
    fn groups_fill_in_order_and_a_short_last_group_waits_below_its_least() {
        assert_eq!(form_groups(0, 10, 5), Vec::<Option<u32>>::new());
        let g = form_groups(23, 10, 5);
        assert_eq!(g[..10], [Some(1); 10]);
        assert_eq!(g[10..20], [Some(2); 10]);
        assert_eq!(
            g[20..],
            [None; 3],
            "three families are too few for a group of their own"
        );
        let g = form_groups(16, 10, 5);
        assert_eq!(g[10..], [Some(2); 6], "six form a smaller group");
        assert_eq!(form_groups(4, 10, 5), vec![None; 4]);
        assert_eq!(form_groups(10, 10, 10), vec![Some(1); 10]);
    }

    #[test]
    fn pksa_counts_children_only_and_kube_families_with_a_working_age_member() {
        let (h, mut members) = family();
        // The pupil (10) has a disability; the grandmother (72) has one too but is no child;
        // the child of 3 is a neglected toddler.
        members[5].disability = Some(DisabilityType::Physical);
        members[6].disability = Some(DisabilityType::Physical);
        members[2].pmks = Some(PmksCategory::NeglectedToddler);
        let pksa = programme("PKSA");
        assert_eq!(pksa.unit, UnitKind::Child);
        let Verdict::Receives(units) = pksa.assess(&assessed(&h, &members, 2, &[])).unwrap() else {
            panic!("two children qualify");
        };
        let persons: Vec<_> = units.iter().filter_map(|u| u.person).collect();
        assert_eq!(persons, [members[2].id, members[5].id]);
        // A child unit never takes an adult, whatever its member rule says.
        let everyone = "code = \"C\"\nname = \"Anak\"\nunit = \"child\"\n\
                        eligible = \"true\"\nmember = \"age >= 0\"\namount = 1\n";
        let Verdict::Receives(units) = Programme::parse(everyone)
            .unwrap()
            .assess(&assessed(&h, &members, 2, &[]))
            .unwrap()
        else {
            panic!("children");
        };
        assert_eq!(units.len(), 4, "the four children of seven members");

        let kube = programme("KUBE");
        assert_eq!((kube.group_size, kube.group_min), (10, 5));
        let Verdict::Receives(units) = kube.assess(&assessed(&h, &members, 1, &[])).unwrap() else {
            panic!("a family with working-age parents joins");
        };
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].family_no, Some(1));
        // A family of the grandmother alone (72) has nobody to run the business.
        members[6].family_no = 2;
        let Verdict::Receives(units) = kube.assess(&assessed(&h, &members, 1, &[])).unwrap() else {
            panic!("family 1 still joins");
        };
        assert_eq!(units.len(), 1, "family 2 does not join");
        assert!(matches!(
            kube.assess(&assessed(&h, &members, 4, &[])).unwrap(),
            Verdict::NotEligible(Ineligible::Rule)
        ));
    }

    #[test]
    fn kat_reads_the_remote_indigenous_category_and_atensi_every_ppks() {
        let (h, mut members) = family();
        let kat = programme("KAT");
        let atensi = programme("ATENSI");
        assert_eq!(kat.unit, UnitKind::Community);
        assert!(matches!(
            kat.assess(&assessed(&h, &members, 7, &[])).unwrap(),
            Verdict::NotEligible(Ineligible::Rule)
        ));
        assert_eq!(
            atensi.assess(&assessed(&h, &members, 7, &[])).unwrap(),
            Verdict::NotEligible(Ineligible::NoComponent),
            "nobody with a PPKS category"
        );
        members[0].pmks = Some(PmksCategory::RemoteIndigenous);
        members[6].pmks = Some(PmksCategory::NeglectedElderly);
        let Verdict::Receives(units) = kat.assess(&assessed(&h, &members, 7, &[])).unwrap() else {
            panic!("a KAT household at any desil");
        };
        assert_eq!(units.len(), 1, "one household unit");
        assert_eq!(units[0].amount, 3_600_000);
        let Verdict::Receives(units) = atensi.assess(&assessed(&h, &members, 7, &[])).unwrap()
        else {
            panic!("two PPKS members");
        };
        let persons: Vec<_> = units.iter().filter_map(|u| u.person).collect();
        assert_eq!(persons, [members[0].id, members[6].id]);
        let facts = Prepared::new(&assessed(&h, &members, 7, &[]))
            .household_facts()
            .clone();
        assert_eq!(facts.get("ppks_members"), Some(&Fact::Int(2)));
        assert_eq!(facts.get("kat"), Some(&Fact::Int(1)));
        assert_eq!(
            facts.get("village"),
            Some(&Fact::Text("35.23.01.2001".into()))
        );
    }

    #[test]
    fn a_programme_chosen_by_ppks_or_disability_stays_off_the_public_check() {
        let shown: Vec<(String, bool)> = DEFAULT_PROGRAMMES
            .iter()
            .map(|t| Programme::parse(t).unwrap())
            .map(|p| (p.code, p.public_check))
            .collect();
        for (code, public) in &shown {
            let expected = !["ATENSI", "PKSA", "KAT"].contains(&code.as_str());
            assert_eq!(*public, expected, "{code}");
        }
        let base = "code = \"X\"\nname = \"Uji\"\nunit = \"person\"\namount = 1\n";
        let e = Programme::parse(&format!(
            "{base}eligible = \"true\"\nmember = \"ppks == 16\"\n"
        ))
        .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.reason.contains("public_check = false"), "{e}");
        let e = Programme::parse(&format!("{base}eligible = \"kat > 0\"\n")).unwrap_err();
        assert!(e.reason.contains("public_check"), "{e}");
        let kept = Programme::parse(&format!(
            "{base}eligible = \"true\"\nmember = \"ppks == 16\"\npublic_check = false\n"
        ))
        .unwrap();
        assert!(!kept.public_check);
        // PKH's component for severe disability counts a family's members, it names nobody.
        assert!(programme("PKH").public_check);
    }

    #[test]
    fn group_sizes_are_asked_of_groups_only() {
        let base = "code = \"G\"\nname = \"Uji\"\neligible = \"true\"\namount = 1\n";
        let e = Programme::parse(&format!("{base}unit = \"group\"\n")).unwrap_err();
        assert!(e.reason.contains("group_size"), "{e}");
        let e = Programme::parse(&format!("{base}unit = \"group\"\ngroup_size = 1\n")).unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        let e = Programme::parse(&format!(
            "{base}unit = \"group\"\ngroup_size = 10\ngroup_min = 11\n"
        ))
        .unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        let e =
            Programme::parse(&format!("{base}unit = \"family\"\ngroup_size = 10\n")).unwrap_err();
        assert!(e.reason.contains("hanya untuk unit"), "{e}");
        let ok = Programme::parse(&format!("{base}unit = \"group\"\ngroup_size = 8\n")).unwrap();
        assert_eq!(
            (ok.group_size, ok.group_min),
            (8, 8),
            "the least defaults to the size"
        );
    }

    #[test]
    fn bad_definitions_are_refused_with_their_line() {
        let base = "code = \"X\"\nname = \"Uji\"\nunit = \"household\"\namount = 100\n";
        let unknown = format!("{base}eligible = \"desil <= 4 && yacht\"\n");
        let e = Programme::parse(&unknown).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.reason.contains("yacht"), "{e}");
        let zero = format!("{base}eligible = \"members / (desil - desil) > 1\"\n");
        let e = Programme::parse(&zero).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.reason.contains("gagal dihitung"), "{e}");
        let not_bool = format!("{base}eligible = \"desil + 1\"\n");
        assert!(
            Programme::parse(&not_bool)
                .unwrap_err()
                .reason
                .contains("ya/tidak")
        );
        let broken = format!("{base}eligible = \"desil <=\"\n");
        assert_eq!(Programme::parse(&broken).unwrap_err().line, 5);
        let finding = format!("{base}eligible = \"true\"\nexclude_findings = [15, 99]\n");
        assert_eq!(Programme::parse(&finding).unwrap_err().line, 6);
        let member = "code = \"X\"\nname = \"Uji\"\nunit = \"household\"\neligible = \"true\"\n\
                      [[components]]\nlabel = \"a\"\namount = 1\nmember = \"desil > 1\"\n";
        let e = Programme::parse(member).unwrap_err();
        assert_eq!(
            e.line, 8,
            "a member rule cannot read the household's desil: {e}"
        );
    }
}
