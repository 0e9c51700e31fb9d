//! Bilingual messages: every error a person can see has an Indonesian text (shown on pages and
//! in the CLI by default) and an English one (for logs read by engineers and the English switch).

/// A message in Indonesian and English.
pub trait Bilingual {
    /// The Indonesian text, for operators.
    fn indonesian(&self) -> String;
    /// The English text.
    fn english(&self) -> String;
}

/// Masks every run of eight or more digits, for text bound for a log: a cause from deep down (a
/// database message, a parser's complaint) may quote a NIK or a No KK.
pub fn mask_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 8 {
            out.extend(std::iter::repeat_n('#', run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_digits;

    #[test]
    fn long_digit_runs_are_masked() {
        assert_eq!(
            mask_digits("NIK 3523010101900001 sudah ada (baris 12)"),
            "NIK ################ sudah ada (baris 12)"
        );
        assert_eq!(
            mask_digits("tahun 2026, kode 1234567"),
            "tahun 2026, kode 1234567"
        );
        assert_eq!(mask_digits("12345678"), "########");
    }
}
