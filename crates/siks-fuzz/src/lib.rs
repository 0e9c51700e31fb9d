//! The fuzz targets: each parser that reads what a person or a file hands in, given any bytes.
//! A target must never panic; where a parser accepts, what it made must read back the same
//! (a NIK or region code printed and parsed again is the same value), so a wrong acceptance
//! shows as a crash too. `fuzz/` (outside the workspace) runs these under AFL++ with
//! coverage (`scripts/fuzz.sh`); the tests below replay the corpus in `fuzz/corpus` and every
//! input that once crashed (`fuzz/regressions`), so a fixed crash stays fixed.

use siks_domain::programmes::Programme;
use siks_domain::welfare::Model;
use siks_domain::{Nik, NoKk, RegionCode, Regions};
use siks_sheets::Format;
use siks_sheets::read::{Limits, read_table};
use siks_sheets::upload::{DATE_HEADERS, TEXT_HEADERS};

/// A fuzz target: any bytes in, a panic the only failure.
pub type Target = fn(&[u8]);

/// Every target by name, as `SIKS_FUZZ_TARGET` and the corpus folders name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("nik", nik),
    ("region", region),
    ("csv", csv),
    ("xlsx", xlsx),
    ("programme", programme),
    ("pmt", pmt),
    ("linkage", linkage),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// NIK and No KK, alone and against the region table; what parses prints back the same.
pub fn nik(data: &[u8]) {
    let text = text(data);
    if let Ok(nik) = Nik::parse(&text) {
        assert_eq!(Nik::parse(&nik.to_string()).as_ref(), Ok(&nik));
    }
    if let Ok(kk) = NoKk::parse(&text) {
        assert_eq!(NoKk::parse(&kk.to_string()).as_ref(), Ok(&kk));
    }
    let _ = Nik::parse_with(&text, Regions::embedded());
    let _ = NoKk::parse_with(&text, Regions::embedded());
}

/// Region codes, and a region looked up by code or name.
pub fn region(data: &[u8]) {
    let text = text(data);
    if let Ok(code) = RegionCode::parse(&text) {
        assert_eq!(RegionCode::parse(&code.to_string()).as_ref(), Ok(&code));
        let _ = code.level();
    }
    let _ = RegionCode::parse_known(&text);
    let _ = Regions::embedded().lookup(&text);
}

/// Limits small enough that a fuzzer's input cannot spend its time on size alone.
fn small() -> Limits {
    Limits {
        bytes: 1 << 20,
        rows: 2_000,
        cells: 50_000,
        uncompressed: 8 << 20,
        columns: 256,
        line: 64 * 1024,
        text: 4 << 20,
    }
}

/// An uploaded CSV, as a sheet and as members.
pub fn csv(data: &[u8]) {
    let _ = read_table(data, Format::Csv, None, TEXT_HEADERS, DATE_HEADERS, small());
    if data.len() <= 1 << 16 {
        let _ = siks_sheets::upload::member_rows(data, Format::Csv);
    }
}

/// An uploaded XLSX: its first sheet, and the sheet of members by name.
pub fn xlsx(data: &[u8]) {
    let _ = read_table(
        data,
        Format::Xlsx,
        None,
        TEXT_HEADERS,
        DATE_HEADERS,
        small(),
    );
    let _ = read_table(
        data,
        Format::Xlsx,
        Some("Anggota"),
        TEXT_HEADERS,
        DATE_HEADERS,
        small(),
    );
}

/// A programme definition: TOML, its CEL rules compiled and tried on sample households.
pub fn programme(data: &[u8]) {
    let _ = Programme::parse(&text(data));
}

/// A proxy-means-test model.
pub fn pmt(data: &[u8]) {
    let _ = Model::parse(&text(data));
}

/// A linkage configuration.
pub fn linkage(data: &[u8]) {
    let _ = siks_match::Config::parse(&text(data));
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn inputs(folder: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz")
            .join(folder)
            .join(target);
        let Ok(files) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut found: Vec<_> = files
            .flatten()
            .map(|f| f.path())
            .filter(|p| p.is_file())
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        found.sort();
        found
    }

    /// Every target has seeds, and every seed and every input that once crashed runs clean.
    #[test]
    fn the_corpus_and_every_crash_found_run_clean() {
        for (name, target) in TARGETS {
            let corpus = inputs("corpus", name);
            assert!(!corpus.is_empty(), "fuzz/corpus/{name} has no seed");
            for (path, bytes) in corpus.iter().chain(inputs("regressions", name).iter()) {
                let ran = std::panic::catch_unwind(|| target(bytes));
                assert!(ran.is_ok(), "{name}: {} panics", path.display());
            }
        }
        // The crashes found are kept (a folder moved would make this replay pass on nothing).
        assert!(inputs("regressions", "xlsx").len() >= 38);
        assert!(!inputs("regressions", "programme").is_empty());
        assert_eq!(TARGETS.len(), 7);
        assert!(TARGETS.iter().all(|(n, _)| target(n).is_some()));
        assert!(target("nothing").is_none());
    }

    /// Inputs every target must take without panicking, whatever they are.
    #[test]
    fn odd_inputs_do_not_panic() {
        let odd: &[&[u8]] = &[
            b"",
            b"\xff\xfe\x00",
            b"PK\x03\x04",
            b"\"",
            b"a,b\n\"unclosed",
            b"[x]\n= =",
            "३५२३०११२०३८५०००१".as_bytes(),
            b"35.23.01.2001.9",
            &[b'9'; 40],
        ];
        for (_, target) in TARGETS {
            for input in odd {
                target(input);
            }
        }
    }
}
