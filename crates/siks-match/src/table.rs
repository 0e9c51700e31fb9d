//! A CSV file read once into the columns a run compares, each value already normalised for its
//! kind, so that comparing a pair is only looking up and scoring.

use std::io::Read;

use crate::config::{Config, Kind};
use crate::{MatchError, normalise};

/// The prepared values of one compared column (an empty text is a missing value).
pub(crate) enum Values {
    Name {
        normalised: Vec<Box<str>>,
        sorted: Vec<Box<str>>,
        sound: Vec<Box<str>>,
    },
    Date(Vec<Option<(u16, u8, u8)>>),
    Text(Vec<Box<str>>),
}

/// A table ready to match: ids and the compared columns in the config's order.
pub struct Table {
    pub ids: Vec<String>,
    pub(crate) values: Vec<Values>,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Table({} records, {} columns)",
            self.ids.len(),
            self.values.len()
        )
    }
}

impl Table {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reads `input` (CSV with a header row) as `file` for messages. An empty file is an empty
    /// table; a missing column, a short row or bytes that are not UTF-8 are refused with the line.
    pub fn from_csv(input: impl Read, file: &str, config: &Config) -> Result<Table, MatchError> {
        Table::read(input, file, config, &config.id)
    }

    /// A table from values already in memory: `columns` in the config's order, each as long as
    /// `ids` (a short column is padded with missing values).
    pub fn from_columns(ids: Vec<String>, columns: Vec<Vec<String>>, config: &Config) -> Table {
        let n = ids.len();
        let values = config
            .columns
            .iter()
            .zip(columns.into_iter().chain(std::iter::repeat_with(Vec::new)))
            .map(|(c, mut texts)| {
                texts.resize(n, String::new());
                prepare(c.kind, texts.into_iter().map(|t| t.trim().into()).collect())
            })
            .collect();
        Table { ids, values }
    }

    /// The right-hand table of a link: its id column may be named apart (`id_right`).
    pub fn from_csv_right(
        input: impl Read,
        file: &str,
        config: &Config,
    ) -> Result<Table, MatchError> {
        Table::read(
            input,
            file,
            config,
            config.id_right.as_deref().unwrap_or(&config.id),
        )
    }

    fn read(input: impl Read, file: &str, config: &Config, id: &str) -> Result<Table, MatchError> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) if is_empty_input(&e) => return Ok(empty(config)),
            Err(e) => return Err(csv_error(file, e)),
        };
        if headers.is_empty() {
            return Ok(empty(config));
        }
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| MatchError::MissingColumn {
                    file: file.to_string(),
                    column: name.to_string(),
                })
        };
        let id_at = find(id)?;
        let at: Vec<usize> = config
            .columns
            .iter()
            .map(|c| find(&c.name))
            .collect::<Result<_, _>>()?;
        let mut ids = Vec::new();
        let mut raw: Vec<Vec<Box<str>>> = vec![Vec::new(); at.len()];
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(file, e)),
            }
            ids.push(record.get(id_at).unwrap_or("").trim().to_string());
            for (column, &i) in raw.iter_mut().zip(&at) {
                column.push(record.get(i).unwrap_or("").trim().into());
            }
        }
        let values = config
            .columns
            .iter()
            .zip(raw)
            .map(|(c, texts)| prepare(c.kind, texts))
            .collect();
        Ok(Table { ids, values })
    }
}

fn empty(config: &Config) -> Table {
    Table {
        ids: Vec::new(),
        values: config
            .columns
            .iter()
            .map(|c| prepare(c.kind, Vec::new()))
            .collect(),
    }
}

fn is_empty_input(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof)
}

fn csv_error(file: &str, e: csv::Error) -> MatchError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text (save the file as UTF-8)".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    };
    MatchError::Csv {
        file: file.to_string(),
        line,
        reason,
    }
}

fn prepare(kind: Kind, texts: Vec<Box<str>>) -> Values {
    match kind {
        Kind::PersonName | Kind::GivenName | Kind::Surname => {
            let normalised: Vec<Box<str>> = texts
                .iter()
                .map(|t| normalise::name(t).into_boxed_str())
                .collect();
            let sorted: Vec<Box<str>> = normalised
                .iter()
                .map(|n| normalise::sorted_tokens(n).into_boxed_str())
                .collect();
            // The first word in alphabetical order, so that word order does not split a block.
            let sound = sorted
                .iter()
                .map(|n| normalise::sound_key(n.split(' ').next().unwrap_or("")).into_boxed_str())
                .collect();
            Values::Name {
                normalised,
                sorted,
                sound,
            }
        }
        Kind::Date => Values::Date(
            texts
                .iter()
                .map(|t| normalise::date_as_written(t))
                .collect(),
        ),
        Kind::AddressText => Values::Text(
            texts
                .iter()
                .map(|t| {
                    t.to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .into_boxed_str()
                })
                .collect(),
        ),
        Kind::ExactId | Kind::Code | Kind::Categorical => Values::Text(
            texts
                .iter()
                .map(|t| t.to_lowercase().into_boxed_str())
                .collect(),
        ),
    }
}
