//! How a number, an amount, a share, a date or a moment is written for a person reading a page:
//! one Indonesian format everywhere (`1.234.567`, `Rp1.800.000`, `95,8 %`, `4 Des 2026`,
//! `4 Des 2026 17.24 WIB`). Exports and the API keep machine formats; only pages and papers use
//! these.

use chrono::{Datelike, NaiveDate};

use crate::clock::Stamp;
use crate::region::TimeZone;

/// The months as the ministry's letters abbreviate them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];

/// The months written out, for papers and period names.
const MONTHS_LONG: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A whole number with the Indonesian thousands dots: `1234567` → `1.234.567`.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A count, as [`number`].
pub fn count(n: u64) -> String {
    number(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Rupiah, rounded to the whole rupiah: `1800000.0` → `Rp1.800.000`.
pub fn rupiah(amount: f64) -> String {
    if !amount.is_finite() {
        return "-".into();
    }
    let whole = amount.round() as i64;
    if whole < 0 {
        format!("-Rp{}", number(-whole))
    } else {
        format!("Rp{}", number(whole))
    }
}

/// A decimal with a comma and `places` digits after it: `95.84, 1` → `95,8`.
pub fn decimal(value: f64, places: usize) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let text = format!("{:.*}", places, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{}", number(whole))
    } else {
        format!("{sign}{},{fraction}", number(whole))
    }
}

/// A share in percent with one decimal: `95.84` → `95,8 %`.
pub fn percent(value: f64) -> String {
    format!("{} %", decimal(value, 1))
}

/// A share of a whole: `part` of `whole` in percent, `-` when there is no whole.
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        percent(100.0 * part as f64 / whole as f64)
    }
}

/// A long id (a UUID) as a short reference a person reads out: its last eight characters in two
/// fours, `B534-ACB8` (never taken for a count). The last ones: an id made by time (UUID v7)
/// begins with the moment, alike for everything made that month. Anything else is returned as
/// it is.
pub fn reference(id: &str) -> String {
    if id.len() > 12 && id.contains('-') && id.is_ascii() {
        let last = id[id.len() - 8..].to_uppercase();
        format!("{}-{}", &last[..4], &last[4..])
    } else {
        id.to_string()
    }
}

/// A date: `4 Des 2026`.
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A date written out, as on a paper: `4 Desember 2026`.
pub fn date_long(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS_LONG[d.month0() as usize],
        d.year()
    )
}

/// A period `2026-12` as `Desember 2026`; other text is returned as it is.
pub fn period(code: &str) -> String {
    let Some((year, month)) = code.split_once('-') else {
        return code.to_string();
    };
    match (year.parse::<i32>(), month.parse::<usize>()) {
        (Ok(y), Ok(m)) if (1..=12).contains(&m) && year.len() == 4 => {
            format!("{} {y}", MONTHS_LONG[m - 1])
        }
        _ => code.to_string(),
    }
}

/// A recorded moment in a zone: `4 Des 2026 17.24 WIB`.
pub fn moment(stamp: Stamp, zone: TimeZone) -> String {
    let local = zone.clock(stamp);
    format!(
        "{} {} {}",
        date(local.date_naive()),
        local.format("%H.%M"),
        zone.label()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_amounts_and_shares_are_written_the_indonesian_way() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1.000");
        assert_eq!(number(20000), "20.000");
        assert_eq!(number(1234567), "1.234.567");
        assert_eq!(number(-1234), "-1.234");
        assert_eq!(rupiah(1_800_000.0), "Rp1.800.000");
        assert_eq!(rupiah(564_757.6), "Rp564.758");
        assert_eq!(rupiah(-2500.0), "-Rp2.500");
        assert_eq!(percent(95.84), "95,8 %");
        assert_eq!(percent(100.0), "100,0 %");
        assert_eq!(decimal(12345.678, 2), "12.345,68");
        assert_eq!(decimal(-0.04, 1), "0,0");
        assert_eq!(decimal(-1.25, 1), "-1,2");
        assert_eq!(share(1, 3), "33,3 %");
        assert_eq!(share(1, 0), "-");
        assert_eq!(rupiah(f64::NAN), "-");
    }

    #[test]
    fn references_are_an_ids_last_characters_in_two_fours() {
        assert_eq!(
            reference("019b76da-b256-7e8b-b0df-f72ab534acb8"),
            "B534-ACB8"
        );
        assert_eq!(reference("35.23"), "35.23");
        assert_eq!(reference("nama-pengguna-ñandú-é"), "nama-pengguna-ñandú-é");
    }

    #[test]
    fn dates_and_moments_carry_the_month_name_and_the_zone() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(date(d), "4 Des 2026");
        assert_eq!(date_long(d), "4 Desember 2026");
        assert_eq!(period("2026-08"), "Agustus 2026");
        assert_eq!(period("2026-13"), "2026-13");
        assert_eq!(period("lain"), "lain");
        let at = Stamp::parse("2026-12-04T10:24:00Z").unwrap();
        assert_eq!(moment(at, TimeZone::Wib), "4 Des 2026 17.24 WIB");
        assert_eq!(moment(at, TimeZone::Wita), "4 Des 2026 18.24 WITA");
        // Past midnight in the east the date moves on.
        let late = Stamp::parse("2026-12-04T16:30:00Z").unwrap();
        assert_eq!(moment(late, TimeZone::Wit), "5 Des 2026 01.30 WIT");
    }

    proptest! {
        #[test]
        fn grouping_keeps_the_digits_and_puts_a_dot_every_three(n in any::<i64>()) {
            let text = number(n);
            let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
            prop_assert_eq!(digits, n.unsigned_abs().to_string());
            let body = text.trim_start_matches('-');
            for group in body.split('.').skip(1) {
                prop_assert_eq!(group.len(), 3);
            }
            prop_assert!(body.split('.').next().unwrap().len() <= 3);
        }
    }
}
