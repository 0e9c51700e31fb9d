//! The papers a person signs along the way up: the berita acara (BA) of a village's musdes, the
//! SPTJM a village head signs when no musdes was held, and a regency's numbered ratification
//! list. This module holds what such a paper must say and how its rows are shown; the store keeps
//! them and the web prints them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::message::Bilingual;
use crate::region::RegionCode;
use crate::workflow::Backing;

/// The details of a musdes berita acara or an SPTJM, as the village enters them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackingDocument {
    pub kind: Backing,
    pub village: RegionCode,
    /// The day the musdes was held or the SPTJM signed.
    pub held_on: NaiveDate,
    /// Where the musdes was held (empty for an SPTJM).
    #[serde(default)]
    pub place: String,
    /// How many attended the musdes (0 for an SPTJM).
    #[serde(default)]
    pub attendees: u32,
    /// Who chaired the musdes, or who signs the SPTJM.
    pub chair: String,
    /// Their position, e.g. "Kepala Desa".
    pub chair_title: String,
}

/// Why a document's details are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub enum DocumentError {
    PlaceRequired,
    NoAttendees,
    ChairRequired(Backing),
    TitleRequired,
    InTheFuture(NaiveDate),
    TooLong(&'static str),
}

impl Bilingual for DocumentError {
    fn indonesian(&self) -> String {
        match self {
            DocumentError::PlaceRequired => "tempat musdes wajib diisi".into(),
            DocumentError::NoAttendees => "jumlah peserta musdes harus lebih dari 0".into(),
            DocumentError::ChairRequired(Backing::Musdes) => {
                "nama pimpinan musdes wajib diisi".into()
            }
            DocumentError::ChairRequired(Backing::Sptjm) => {
                "nama penanda tangan SPTJM wajib diisi".into()
            }
            DocumentError::TitleRequired => "jabatan penanda tangan wajib diisi".into(),
            DocumentError::InTheFuture(d) => {
                format!("tanggal {d} belum terjadi; isi tanggal pelaksanaan yang sebenarnya")
            }
            DocumentError::TooLong(what) => {
                format!("{what} terlalu panjang (paling banyak 200 huruf)")
            }
        }
    }

    fn english(&self) -> String {
        match self {
            DocumentError::PlaceRequired => "the musdes place is required".into(),
            DocumentError::NoAttendees => "a musdes needs more than 0 attendees".into(),
            DocumentError::ChairRequired(Backing::Musdes) => "the musdes chair is required".into(),
            DocumentError::ChairRequired(Backing::Sptjm) => "the SPTJM signer is required".into(),
            DocumentError::TitleRequired => "the signer's position is required".into(),
            DocumentError::InTheFuture(d) => format!("date {d} is in the future"),
            DocumentError::TooLong(what) => format!("{what} is too long (at most 200 letters)"),
        }
    }
}

impl BackingDocument {
    /// Checks the details against `today` (the village's own date), trimming the texts.
    pub fn checked(mut self, today: NaiveDate) -> Result<BackingDocument, DocumentError> {
        for (value, what) in [
            (&mut self.place, "tempat"),
            (&mut self.chair, "nama"),
            (&mut self.chair_title, "jabatan"),
        ] {
            *value = value.trim().to_string();
            if value.chars().count() > 200 {
                return Err(DocumentError::TooLong(what));
            }
        }
        if self.held_on > today {
            return Err(DocumentError::InTheFuture(self.held_on));
        }
        if self.chair.is_empty() {
            return Err(DocumentError::ChairRequired(self.kind));
        }
        if self.chair_title.is_empty() {
            return Err(DocumentError::TitleRequired);
        }
        match self.kind {
            Backing::Musdes => {
                if self.place.is_empty() {
                    return Err(DocumentError::PlaceRequired);
                }
                if self.attendees == 0 {
                    return Err(DocumentError::NoAttendees);
                }
            }
            Backing::Sptjm => {
                self.place.clear();
                self.attendees = 0;
            }
        }
        Ok(self)
    }
}

/// The number printed on a regency's ratification list: its sequence within the regency and
/// year, the regency, and the year, e.g. `0007/PENGESAHAN-DTSEN/35.23/2026`.
pub fn ratification_number(regency: &RegionCode, year: i32, seq: i64) -> String {
    format!("{seq:04}/PENGESAHAN-DTSEN/{regency}/{year}")
}

/// An identity number as printed on lists that leave the office: the first four and last two
/// characters only, whatever was recorded (a malformed legacy value is masked the same way).
pub fn masked_number(raw: &str) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn musdes() -> BackingDocument {
        BackingDocument {
            kind: Backing::Musdes,
            village: RegionCode::parse("35.23.01.2001").unwrap(),
            held_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            place: " Balai Desa ".into(),
            attendees: 41,
            chair: "Sutrisno".into(),
            chair_title: "Kepala Desa".into(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn a_musdes_needs_place_attendees_and_chair() {
        assert_eq!(musdes().checked(today()).unwrap().place, "Balai Desa");
        let mut d = musdes();
        d.place = "  ".into();
        assert_eq!(d.checked(today()), Err(DocumentError::PlaceRequired));
        let mut d = musdes();
        d.attendees = 0;
        assert_eq!(d.checked(today()), Err(DocumentError::NoAttendees));
        let mut d = musdes();
        d.chair = String::new();
        let err = d.checked(today()).unwrap_err();
        assert_eq!(err.indonesian(), "nama pimpinan musdes wajib diisi");
    }

    #[test]
    fn an_sptjm_needs_a_signer_and_no_meeting() {
        let mut d = musdes();
        d.kind = Backing::Sptjm;
        let d = d.checked(today()).unwrap();
        assert_eq!((d.place.as_str(), d.attendees), ("", 0));
    }

    #[test]
    fn a_date_in_the_future_is_refused() {
        let mut d = musdes();
        d.held_on = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert!(matches!(
            d.checked(today()),
            Err(DocumentError::InTheFuture(_))
        ));
    }

    #[test]
    fn numbers_are_masked_whatever_their_shape() {
        assert_eq!(masked_number("3523014107880002"), "3523**********02");
        assert_eq!(masked_number("3.52301E+15"), "3.52*****15");
        assert_eq!(masked_number("123"), "***");
    }

    #[test]
    fn ratification_numbers_sort_within_a_regency_and_year() {
        let r = RegionCode::parse("35.23").unwrap();
        assert_eq!(
            ratification_number(&r, 2026, 7),
            "0007/PENGESAHAN-DTSEN/35.23/2026"
        );
    }
}
