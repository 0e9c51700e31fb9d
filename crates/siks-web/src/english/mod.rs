//! The pages' English, keyed by their Indonesian text (see [`crate::lang`]). One part per area of
//! the pages, so that a page's words sit together; a coded value's English is its own
//! (`siks_domain::codes::every_label`).

mod domain;
mod layout;
mod rust_guide;
mod rust_reports;
mod rust_words;
mod rust_workflow;
mod templates_a;
mod templates_b;
mod templates_c;

/// Every (Indonesian, English) pair of the catalogue.
pub fn entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    [
        layout::ENTRIES,
        domain::ENTRIES,
        rust_guide::ENTRIES,
        rust_words::ENTRIES,
        rust_reports::ENTRIES,
        rust_workflow::ENTRIES,
        templates_a::ENTRIES,
        templates_b::ENTRIES,
        templates_c::ENTRIES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    /// One Indonesian text, one English: a key written in two parts must say the same, and
    /// a text with `{}` places keeps their number.
    #[test]
    fn every_key_has_one_english_with_its_places() {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut clashes = Vec::new();
        for (indonesian, english) in super::entries() {
            if let Some(before) = seen.insert(indonesian, english)
                && before != english
            {
                clashes.push(format!("{indonesian:?}: {before:?} / {english:?}"));
            }
            assert_eq!(
                indonesian.matches("{}").count(),
                english.matches("{}").count(),
                "{indonesian:?} → {english:?}"
            );
            assert!(!english.trim().is_empty(), "{indonesian:?} has no English");
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }
}
