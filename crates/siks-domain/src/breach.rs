//! Breach scoping (UU 27/2022 Pasal 46): what each audited action exposed — through which
//! channel, which kinds of personal data, and whose — and the tally of a set of actions by
//! region with the notice the law asks for (the data exposed; when and how; what is done).
//! Where an entry cannot say exactly whose data it showed (a list, an export) it counts the
//! rows it showed in its region: a notice overstates rather than misses.

use std::collections::{BTreeMap, BTreeSet};

/// How the data left: a page or the API (the audit log does not tell them apart), an export
/// file, or an upload's reading of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    PageOrApi,
    Export,
    Upload,
}

impl Channel {
    pub fn indonesian(self) -> &'static str {
        match self {
            Channel::PageOrApi => "halaman atau API",
            Channel::Export => "ekspor berkas",
            Channel::Upload => "unggahan (pembacaan register)",
        }
    }
}

/// Kinds of personal data an action shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataKind {
    /// NIK, No KK, name, birth date.
    Identity,
    MothersName,
    /// Disability, chronic illness, pregnancy: specific data (Pasal 4(2)).
    Health,
    /// Address and the dwelling's condition.
    Housing,
    Photo,
    Document,
    Findings,
    Proposals,
}

impl DataKind {
    pub fn indonesian(self) -> &'static str {
        match self {
            DataKind::Identity => "identitas (NIK, No KK, nama, tanggal lahir)",
            DataKind::MothersName => "nama ibu kandung",
            DataKind::Health => "disabilitas, penyakit kronis dan kehamilan (data spesifik)",
            DataKind::Housing => "alamat dan kondisi tempat tinggal",
            DataKind::Photo => "foto bukti rumah",
            DataKind::Document => "dokumen (berita acara, surat pengesahan)",
            DataKind::Findings => "temuan verivali",
            DataKind::Proposals => "isi usulan perubahan data",
        }
    }
}

/// Whose data one action showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subjects {
    /// One person, by id.
    Person(String),
    /// One household, by id, with its members shown.
    Household(String),
    /// Rows of a list, an export or an upload in the entry's region, not named one by one.
    Rows(u64),
}

/// What one audited action exposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub channel: Channel,
    pub kinds: &'static [DataKind],
    pub subjects: Subjects,
}

use DataKind::*;
const PERSON: &[DataKind] = &[Identity, MothersName, Health];
const HOUSEHOLD: &[DataKind] = &[Identity, MothersName, Health, Housing];

/// What the audited `action` on `target_kind`/`target_id` with `detail` exposed; `None` for an
/// action that shows no personal data (a sign-in, a write, a job).
pub fn exposure(
    action: &str,
    target_kind: &str,
    target_id: &str,
    detail: &str,
) -> Option<Exposure> {
    let rows = || Subjects::Rows(detail_number(detail, "rows").unwrap_or(0));
    let one = || Subjects::Rows(1);
    let (channel, kinds, subjects) = match action {
        "person.view" => (
            Channel::PageOrApi,
            PERSON,
            Subjects::Person(target_id.into()),
        ),
        "person.reveal" => (
            Channel::PageOrApi,
            PERSON,
            Subjects::Person(target_id.into()),
        ),
        "household.view" => (
            Channel::PageOrApi,
            HOUSEHOLD,
            Subjects::Household(target_id.into()),
        ),
        "history.view" if target_kind == "person" => (
            Channel::PageOrApi,
            PERSON,
            Subjects::Person(target_id.into()),
        ),
        "history.view" => (
            Channel::PageOrApi,
            HOUSEHOLD,
            Subjects::Household(target_id.into()),
        ),
        "photo.view" => (
            Channel::PageOrApi,
            &[Photo, Housing][..],
            Subjects::Household(target_id.into()),
        ),
        "household.list" => (Channel::PageOrApi, &[Identity, Housing][..], rows()),
        "finding.list" => (Channel::PageOrApi, &[Identity, Findings][..], rows()),
        "proposal.list" => (Channel::PageOrApi, &[Identity, Proposals][..], rows()),
        "proposal.view" => (
            Channel::PageOrApi,
            &[Identity, MothersName, Health, Housing, Proposals][..],
            one(),
        ),
        "document.view" | "document.scan.view" | "ratification.view" => {
            (Channel::PageOrApi, &[Identity, Document][..], one())
        }
        "programme.list_view" | "programme.departures_view" => {
            (Channel::PageOrApi, &[Identity][..], rows())
        }
        "export.persons" => (Channel::Export, PERSON, rows()),
        "export.households" => (Channel::Export, &[Identity, Housing][..], rows()),
        "export.findings" => (Channel::Export, &[Identity, Findings][..], rows()),
        "export.proposals" => (Channel::Export, &[Identity, Proposals][..], rows()),
        "upload.read_persons" => (Channel::Upload, PERSON, rows()),
        "upload.read_households" => (Channel::Upload, &[Identity, Housing][..], rows()),
        _ => return None,
    };
    Some(Exposure {
        channel,
        kinds,
        subjects,
    })
}

/// The number after `key=` in an audit detail (`rows=120 …`).
fn detail_number(detail: &str, key: &str) -> Option<u64> {
    detail
        .split_whitespace()
        .find_map(|part| part.strip_prefix(key)?.strip_prefix('='))
        .and_then(|n| n.parse().ok())
}

/// The fields of one audit entry that scoping reads.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub at: &'a str,
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: &'a str,
    pub region_code: &'a str,
    pub detail: &'a str,
    pub origin: &'a str,
}

/// What a set of actions exposed in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionTally {
    pub actions: u64,
    pub persons: BTreeSet<String>,
    pub households: BTreeSet<String>,
    /// Rows shown by lists, exports and uploads (not named one by one).
    pub rows: u64,
}

/// The scope of a breach: what the actions of one credential or address exposed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreachScope {
    /// Entries read, and those that exposed personal data.
    pub entries: u64,
    pub exposing: u64,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
    pub kinds: BTreeSet<DataKind>,
    pub channels: BTreeMap<Channel, u64>,
    /// By the entry's region code.
    pub regions: BTreeMap<String, RegionTally>,
    /// The addresses the actions came from.
    pub origins: BTreeSet<String>,
}

impl BreachScope {
    /// Adds one audit entry.
    pub fn add(&mut self, entry: &Entry<'_>) {
        let Entry {
            at,
            action,
            target_kind,
            target_id,
            region_code,
            detail,
            origin,
        } = *entry;
        self.entries += 1;
        let Some(exposure) = exposure(action, target_kind, target_id, detail) else {
            return;
        };
        self.exposing += 1;
        if self.first_at.as_deref().is_none_or(|first| at < first) {
            self.first_at = Some(at.to_string());
        }
        if self.last_at.as_deref().is_none_or(|last| at > last) {
            self.last_at = Some(at.to_string());
        }
        self.kinds.extend(exposure.kinds.iter().copied());
        *self.channels.entry(exposure.channel).or_default() += 1;
        if !origin.is_empty() {
            self.origins.insert(origin.to_string());
        }
        let region = self.regions.entry(region_code.to_string()).or_default();
        region.actions += 1;
        match exposure.subjects {
            Subjects::Person(id) => {
                region.persons.insert(id);
            }
            Subjects::Household(id) => {
                region.households.insert(id);
            }
            Subjects::Rows(n) => region.rows += n,
        }
    }

    /// Persons and households named, and rows shown, over every region.
    pub fn totals(&self) -> (usize, usize, u64) {
        self.regions.values().fold((0, 0, 0), |(p, h, r), t| {
            (p + t.persons.len(), h + t.households.len(), r + t.rows)
        })
    }

    /// The notice to the data subjects and the supervising authority (Pasal 46(2)): the
    /// personal data exposed; when and how it was exposed; and what is done about it, the last
    /// left for the controller to fill in.
    pub fn notice(
        &self,
        who: &str,
        from: &str,
        to: &str,
        region_name: &dyn Fn(&str) -> String,
    ) -> String {
        let (persons, households, rows) = self.totals();
        let mut text = String::new();
        text.push_str("PEMBERITAHUAN KEGAGALAN PELINDUNGAN DATA PRIBADI\n");
        text.push_str("(Undang-Undang Nomor 27 Tahun 2022, Pasal 46)\n\n");
        text.push_str(&format!(
            "Diperiksa: tindakan {who} antara {from} dan {to}, dari log audit siks.\n\n"
        ));
        text.push_str("a. Data pribadi yang terungkap\n");
        if self.exposing == 0 {
            text.push_str(
                "   Tidak ada tindakan yang menampilkan data pribadi dalam rentang ini.\n",
            );
        } else {
            for kind in &self.kinds {
                text.push_str(&format!("   - {}\n", kind.indonesian()));
            }
            text.push_str(&format!(
                "   Subjek: {persons} orang dan {households} rumah tangga yang dibuka satu per satu, ditambah {rows} baris daftar, ekspor atau unggahan.\n"
            ));
            text.push_str("   Menurut wilayah:\n");
            for (code, tally) in &self.regions {
                text.push_str(&format!(
                    "   - {} ({code}): {} tindakan, {} orang, {} rumah tangga, {} baris\n",
                    region_name(code),
                    tally.actions,
                    tally.persons.len(),
                    tally.households.len(),
                    tally.rows
                ));
            }
        }
        text.push_str("\nb. Kapan dan bagaimana data pribadi terungkap\n");
        if let (Some(first), Some(last)) = (&self.first_at, &self.last_at) {
            text.push_str(&format!("   Pertama {first}, terakhir {last}.\n"));
        }
        for (channel, n) in &self.channels {
            text.push_str(&format!(
                "   - melalui {}: {n} tindakan\n",
                channel.indonesian()
            ));
        }
        if !self.origins.is_empty() {
            let origins: Vec<&str> = self.origins.iter().map(String::as_str).collect();
            text.push_str(&format!("   Dari alamat: {}.\n", origins.join(", ")));
        }
        text.push_str("\nc. Upaya penanganan dan pemulihan\n");
        text.push_str(
            "   [diisi pengendali data: akun dinonaktifkan pada …, kata sandi diganti, …]\n",
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_view_export_and_upload_names_what_it_showed() {
        let mut scope = BreachScope::default();
        let entries = [
            (
                "2026-11-02T08:00:00.000000Z",
                "login",
                "user",
                "u",
                "00",
                "",
                "10.0.0.9",
            ),
            (
                "2026-11-02T08:01:00.000000Z",
                "person.view",
                "person",
                "p1",
                "35.23.01.2001",
                "",
                "10.0.0.9",
            ),
            (
                "2026-11-02T08:02:00.000000Z",
                "household.view",
                "household",
                "h1",
                "35.23.01.2001",
                "members=4",
                "10.0.0.9",
            ),
            (
                "2026-11-02T08:03:00.000000Z",
                "household.view",
                "household",
                "h1",
                "35.23.01.2001",
                "members=4",
                "10.0.0.9",
            ),
            (
                "2026-11-02T08:04:00.000000Z",
                "export.persons",
                "region",
                "35.23",
                "35.23",
                "rows=1200",
                "10.0.0.7",
            ),
            (
                "2026-11-02T08:05:00.000000Z",
                "household.update",
                "household",
                "h1",
                "35.23.01.2001",
                "",
                "10.0.0.9",
            ),
            (
                "2026-11-02T07:59:00.000000Z",
                "upload.read_persons",
                "region",
                "35.23",
                "35.23",
                "rows=30",
                "10.0.0.9",
            ),
        ];
        for (at, action, target_kind, target_id, region_code, detail, origin) in entries {
            scope.add(&Entry {
                at,
                action,
                target_kind,
                target_id,
                region_code,
                detail,
                origin,
            });
        }
        assert_eq!((scope.entries, scope.exposing), (7, 5));
        assert_eq!(
            scope.totals(),
            (1, 1, 1230),
            "the same household twice is one"
        );
        assert_eq!(
            scope.first_at.as_deref(),
            Some("2026-11-02T07:59:00.000000Z")
        );
        assert_eq!(
            scope.last_at.as_deref(),
            Some("2026-11-02T08:04:00.000000Z")
        );
        assert_eq!(scope.channels[&Channel::Export], 1);
        assert_eq!(scope.channels[&Channel::Upload], 1);
        assert_eq!(scope.channels[&Channel::PageOrApi], 3);
        assert!(
            scope.kinds.contains(&DataKind::MothersName) && scope.kinds.contains(&DataKind::Health)
        );
        assert_eq!(scope.regions["35.23"].rows, 1230);
        let notice = scope.notice("akun operator_desa", "2026-11-01", "2026-11-03", &|c| {
            format!("wilayah {c}")
        });
        for part in [
            "a. Data pribadi yang terungkap",
            "b. Kapan dan bagaimana",
            "c. Upaya penanganan",
            "nama ibu kandung",
            "1 orang dan 1 rumah tangga",
            "ekspor berkas: 1 tindakan",
            "10.0.0.7, 10.0.0.9",
        ] {
            assert!(notice.contains(part), "{part}: {notice}");
        }
    }
}
