//! Bilingual messages: every error a person can see has an Indonesian text (shown on pages and
//! in the CLI by default) and an English one (for logs read by engineers and the English switch).

/// A message in Indonesian and English.
pub trait Bilingual {
    /// The Indonesian text, for operators.
    fn indonesian(&self) -> String;
    /// The English text.
    fn english(&self) -> String;
}
