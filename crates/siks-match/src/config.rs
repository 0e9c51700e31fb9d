//! What a matching run compares, read from a TOML file so that `siks match` works on any CSV:
//! the id column, each compared column with its kind, and (optionally) the blocking rules and
//! a fixed threshold.
//!
//! ```toml
//! id = "id"
//! [[column]]
//! name = "full_name"
//! kind = "person_name"
//! [[column]]
//! name = "birth_date"
//! kind = "date"
//! [[column]]
//! name = "sex"
//! kind = "categorical"
//! # Optional: pairs are compared when they agree on every column of at least one rule.
//! # `COLUMN:year` is the year of a date; `COLUMN:sound` the sound key of a name's first word;
//! # `A~B` pairs whose A is the other's B and whose B is the other's A (names swapped);
//! # `COLUMN:near` an id or code that agrees but for two slips in different quarters (twelve
//! # characters or more) or one slip (shorter).
//! [[blocking]]
//! columns = ["birth_date", "sex"]
//! ```

use serde::Deserialize;

use crate::MatchError;

/// How a column is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole name: normalised (titles, spelling variants), compared by Jaro–Winkler and
    /// word-order-free.
    PersonName,
    /// One part of a name.
    GivenName,
    Surname,
    /// A date in any usual form; day and month swapped count as nearly equal.
    Date,
    /// An identifier that either agrees or not (NIK, No KK).
    ExactId,
    /// A free address or place text, compared by Jaro–Winkler.
    AddressText,
    /// A code whose leading characters mean something (postcode, region code).
    Code,
    /// A value from a short list (sex, status).
    Categorical,
}

impl Kind {
    /// The kind as the configuration writes it.
    pub fn key(self) -> &'static str {
        match self {
            Kind::PersonName => "person_name",
            Kind::GivenName => "given_name",
            Kind::Surname => "surname",
            Kind::Date => "date",
            Kind::ExactId => "exact_id",
            Kind::AddressText => "address_text",
            Kind::Code => "code",
            Kind::Categorical => "categorical",
        }
    }
}

/// One compared column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// Part of where a person lives (street, village, postcode): when every such column of a
    /// pair differs, the person may have moved, and that counts once, as learnt, not once per
    /// column.
    #[serde(default)]
    pub residence: bool,
}

/// One blocking rule: the columns (with optional `:year` / `:sound`, or `A~B` crosswise) a pair
/// must agree on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blocking {
    pub columns: Vec<String>,
}

/// A whole configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub id: String,
    /// The right file's id column in a link, when it is not called like the left one's.
    pub id_right: Option<String>,
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub blocking: Vec<Blocking>,
    /// A fixed threshold for clusters; the recommended one when left out.
    pub threshold: Option<f64>,
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, MatchError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            // The place first, as an editor shows it: line and column, counted from 1.
            let place = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                (line, column)
            });
            match place {
                Some((line, column)) => MatchError::ConfigAt {
                    line,
                    column,
                    reason: e.message().to_string(),
                },
                None => MatchError::Config(e.message().to_string()),
            }
        })?;
        if config.columns.is_empty() {
            return Err(MatchError::Config(
                "name at least one [[column]] to compare".into(),
            ));
        }
        if let Some(t) = config.threshold
            && !(0.0..=1.0).contains(&t)
        {
            return Err(MatchError::Config(format!(
                "threshold {t} must lie between 0 and 1"
            )));
        }
        let radix: u64 = config
            .columns
            .iter()
            .map(|c| u64::from(crate::compare::radix(c.kind)))
            .product();
        if radix > u64::from(u32::MAX) {
            return Err(MatchError::Config(format!(
                "{} columns are too many to compare at once: leave out some categorical ones",
                config.columns.len()
            )));
        }
        for rule in &config.blocking {
            if rule.columns.is_empty() {
                return Err(MatchError::Config(
                    "a [[blocking]] rule needs at least one column".into(),
                ));
            }
            let near = rule.columns.iter().filter(|p| p.ends_with(":near")).count();
            let crosswise = rule.columns.iter().any(|p| p.contains('~'));
            if near > 1 || (near == 1 && crosswise) {
                return Err(MatchError::Config(format!(
                    "blocking rule [{}]: at most one ':near' part, and not with a crosswise one",
                    rule.columns.join(", ")
                )));
            }
            for part in &rule.columns {
                if let Some((a, b)) = part.split_once('~') {
                    for name in [a, b] {
                        if !config.columns.iter().any(|c| c.name == name) {
                            return Err(MatchError::Config(format!(
                                "blocking column '{name}' (in '{part}') is not one of the [[column]] entries"
                            )));
                        }
                    }
                    if a == b {
                        return Err(MatchError::Config(format!(
                            "blocking part '{part}': crosswise needs two different columns"
                        )));
                    }
                    continue;
                }
                let (name, how) = part.split_once(':').unwrap_or((part, ""));
                let column = config
                    .columns
                    .iter()
                    .find(|c| c.name == name)
                    .ok_or_else(|| {
                        MatchError::Config(format!(
                            "blocking column '{name}' is not one of the [[column]] entries"
                        ))
                    })?;
                let fits = match how {
                    "" => true,
                    "year" => column.kind == Kind::Date,
                    "sound" => matches!(
                        column.kind,
                        Kind::PersonName | Kind::GivenName | Kind::Surname
                    ),
                    "near" => matches!(column.kind, Kind::ExactId | Kind::Code),
                    _ => false,
                };
                if !fits {
                    return Err(MatchError::Config(format!(
                        "blocking part '{part}': ':{how}' does not apply to a {:?} column",
                        column.kind
                    )));
                }
            }
        }
        Ok(config)
    }

    /// The blocking rules to use: the configured ones, or rules made from the kinds:
    /// - the first date with the first categorical column that is not a residence (typically
    ///   sex) and the sound of the first name column's first word;
    /// - with a given name and a surname: the date with the surname's sound, both names
    ///   exactly, both names crosswise (written the other way round), a residence code
    ///   (postcode) with the given name's sound, and the first residence address text (the
    ///   street) with that code;
    /// - each exact id alone.
    pub fn blocking_rules(&self) -> Vec<Blocking> {
        if !self.blocking.is_empty() {
            return self.blocking.clone();
        }
        let first = |kind: Kind| self.columns.iter().find(|c| c.kind == kind);
        let categorical = self
            .columns
            .iter()
            .find(|c| c.kind == Kind::Categorical && !c.residence);
        let person = first(Kind::PersonName);
        let given = first(Kind::GivenName);
        let surname = first(Kind::Surname);
        let name = person.or(given).or(surname);
        let mut rules = Vec::new();
        if let Some(date) = first(Kind::Date) {
            // More than these would lose every pair with a slip in any of them; a name with
            // the year instead of the day would also find mistyped dates, but where names
            // repeat (a village's few common names) it compares hundreds of millions of pairs.
            let mut columns = vec![date.name.clone()];
            columns.extend(categorical.map(|c| c.name.clone()));
            if let Some(name) = name {
                columns.push(format!("{}:sound", name.name));
            }
            rules.push(Blocking { columns });
            if let (Some(_), Some(surname)) = (given, surname) {
                rules.push(Blocking {
                    columns: vec![date.name.clone(), format!("{}:sound", surname.name)],
                });
            }
        } else if let Some(name) = name {
            rules.push(Blocking {
                columns: vec![format!("{}:sound", name.name)],
            });
        }
        if let (Some(given), Some(surname)) = (given, surname) {
            rules.push(Blocking {
                columns: vec![given.name.clone(), surname.name.clone()],
            });
            rules.push(Blocking {
                columns: vec![format!("{}~{}", given.name, surname.name)],
            });
            if let Some(code) = self
                .columns
                .iter()
                .find(|c| c.kind == Kind::Code && c.residence)
            {
                rules.push(Blocking {
                    columns: vec![code.name.clone(), format!("{}:sound", given.name)],
                });
                // One household's address (street and postcode): a record re-typed where the
                // person still lives, whose id went missing and whose names and date slipped.
                if let Some(street) = self
                    .columns
                    .iter()
                    .find(|c| c.kind == Kind::AddressText && c.residence)
                {
                    rules.push(Blocking {
                        columns: vec![street.name.clone(), code.name.clone()],
                    });
                }
            }
        }
        // An id, or one slip away from it.
        for id in self.columns.iter().filter(|c| c.kind == Kind::ExactId) {
            rules.push(Blocking {
                columns: vec![format!("{}:near", id.name)],
            });
        }
        if rules.is_empty() {
            // Nothing to block on: the first column, exactly.
            rules.push(Blocking {
                columns: vec![self.columns[0].name.clone()],
            });
        }
        rules
    }

    /// Extra rules whose pairs only train the model, never scored: each compared column must
    /// be free (not blocked on, not even by its year or sound) in at least one rule to learn how
    /// often matches agree on it. For a column every rule blocks on, a rule on the first name
    /// column (the person's own), or else on the first date, whichever leaves it free.
    pub fn training_rules(&self) -> Vec<Blocking> {
        let mut rules = self.blocking_rules();
        let mut extra = Vec::new();
        for column in &self.columns {
            let free_somewhere = rules
                .iter()
                .any(|r| !r.columns.iter().any(|part| blocks(part, &column.name)));
            if free_somewhere {
                continue;
            }
            // The person's own name (the first name column, not a mother's), else the date.
            let name = self
                .columns
                .iter()
                .find(|c| matches!(c.kind, Kind::PersonName | Kind::GivenName | Kind::Surname));
            let date = self.columns.iter().find(|c| c.kind == Kind::Date);
            let candidate = [name, date]
                .into_iter()
                .flatten()
                .find(|c| c.name != column.name);
            if let Some(c) = candidate {
                let rule = Blocking {
                    columns: vec![c.name.clone()],
                };
                rules.push(rule.clone());
                extra.push(rule);
            }
        }
        extra
    }
}

/// Whether a blocking part fixes column `name`, wholly or in part (`name`, `name:year`,
/// `name:sound`, or a side of `a~b`).
pub(crate) fn blocks(part: &str, name: &str) -> bool {
    match part.split_once('~') {
        Some((a, b)) => a == name || b == name,
        None => part.split(':').next() == Some(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSONS: &str = r#"
id = "id"
[[column]]
name = "full_name"
kind = "person_name"
[[column]]
name = "birth_date"
kind = "date"
[[column]]
name = "sex"
kind = "categorical"
"#;

    #[test]
    fn rules_come_from_the_kinds_when_none_are_given() {
        let config = Config::parse(PERSONS).unwrap();
        let rules: Vec<Vec<String>> = config
            .blocking_rules()
            .into_iter()
            .map(|r| r.columns)
            .collect();
        assert_eq!(
            rules,
            vec![vec![
                "birth_date".to_string(),
                "sex".to_string(),
                "full_name:sound".to_string()
            ],]
        );
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let unknown_kind = PERSONS.replace("categorical", "colour");
        assert!(
            Config::parse(&unknown_kind)
                .unwrap_err()
                .to_string()
                .contains("colour")
        );
        let bad_rule = format!("{PERSONS}\n[[blocking]]\ncolumns = [\"nik\"]\n");
        assert!(
            Config::parse(&bad_rule)
                .unwrap_err()
                .to_string()
                .contains("'nik'")
        );
        let bad_part = format!("{PERSONS}\n[[blocking]]\ncolumns = [\"sex:year\"]\n");
        assert!(Config::parse(&bad_part).is_err());
        assert!(Config::parse("id = \"id\"\ncolumn = []\n").is_err());
    }

    #[test]
    fn a_toml_error_names_its_line_and_column() {
        let broken = PERSONS.replace("kind = \"date\"", "kind = date");
        let err = Config::parse(&broken).unwrap_err();
        match &err {
            MatchError::ConfigAt { line, column, .. } => {
                assert_eq!((*line, *column), (8, 8), "{err}");
            }
            other => panic!("no place: {other}"),
        }
        assert!(
            err.to_string()
                .starts_with("configuration, line 8, column 8: "),
            "{err}"
        );
        assert!(
            err.indonesian()
                .starts_with("konfigurasi, baris 8, kolom 8: ")
        );
    }

    #[test]
    fn crosswise_and_near_parts_are_checked() {
        let names = "id = \"id\"\n[[column]]\nname = \"given\"\nkind = \"given_name\"\n\
                     [[column]]\nname = \"surname\"\nkind = \"surname\"\n\
                     [[column]]\nname = \"nik\"\nkind = \"exact_id\"\n";
        let with = |rule: &str| Config::parse(&format!("{names}[[blocking]]\ncolumns = {rule}\n"));
        assert!(with("[\"given~surname\"]").is_ok());
        assert!(with("[\"nik:near\"]").is_ok());
        for (rule, says) in [
            ("[\"given~nama\"]", "'nama'"),
            ("[\"given~given\"]", "two different"),
            ("[\"given:near\"]", "':near'"),
            ("[\"nik:near\", \"given~surname\"]", "at most one"),
            ("[]", "at least one column"),
        ] {
            let err = with(rule).unwrap_err().to_string();
            assert!(err.contains(says), "{rule}: {err}");
        }
        // Without rules (and without a date): the given name's sound, both names exactly, both
        // crosswise, and the id within one slip.
        let rules: Vec<Vec<String>> = Config::parse(names)
            .unwrap()
            .blocking_rules()
            .into_iter()
            .map(|r| r.columns)
            .collect();
        assert_eq!(
            rules,
            vec![
                vec!["given:sound".to_string()],
                vec!["given".to_string(), "surname".to_string()],
                vec!["given~surname".to_string()],
                vec!["nik:near".to_string()],
            ]
        );
    }

    #[test]
    fn a_column_every_rule_blocks_on_gets_a_training_rule() {
        let config = Config::parse(PERSONS).unwrap();
        // The one rule blocks on the date, sex and the name's sound: the date alone trains the
        // name, the name alone the date and sex.
        let training: Vec<Vec<String>> = config
            .training_rules()
            .into_iter()
            .map(|r| r.columns)
            .collect();
        assert_eq!(
            training,
            vec![
                vec!["birth_date".to_string()],
                vec!["full_name".to_string()]
            ]
        );
    }
}
