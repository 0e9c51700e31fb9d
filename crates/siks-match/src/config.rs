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
//! # `COLUMN:year` is the year of a date; `COLUMN:sound` the sound key of a name's first word.
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

/// One compared column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One blocking rule: the columns (with optional `:year` / `:sound`) a pair must agree on.
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
        let config: Config =
            toml::from_str(text).map_err(|e| MatchError::Config(e.message().to_string()))?;
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
        for rule in &config.blocking {
            for part in &rule.columns {
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

    /// The blocking rules to use: the configured ones, or rules made from the kinds.
    pub fn blocking_rules(&self) -> Vec<Blocking> {
        if !self.blocking.is_empty() {
            return self.blocking.clone();
        }
        let first = |kind: Kind| self.columns.iter().find(|c| c.kind == kind);
        let categorical: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.kind == Kind::Categorical)
            .map(|c| c.name.clone())
            .collect();
        let mut rules = Vec::new();
        if let Some(date) = first(Kind::Date) {
            // The date and the first categorical column (typically sex): more would lose every
            // pair with a slip in any of them.
            let mut columns = vec![date.name.clone()];
            columns.extend(categorical.first().cloned());
            // The sound of the name's first word keeps blocks small; typical typos keep it.
            if let Some(name) = first(Kind::PersonName) {
                columns.push(format!("{}:sound", name.name));
            }
            // A name with the year instead of the day would also find mistyped dates, but where
            // names repeat (a village's few common names) it compares hundreds of millions of
            // pairs: add it in the configuration where names are diverse.
            rules.push(Blocking { columns });
        } else if let Some(name) = first(Kind::PersonName) {
            rules.push(Blocking {
                columns: vec![format!("{}:sound", name.name)],
            });
        }
        for id in self.columns.iter().filter(|c| c.kind == Kind::ExactId) {
            rules.push(Blocking {
                columns: vec![id.name.clone()],
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
}
