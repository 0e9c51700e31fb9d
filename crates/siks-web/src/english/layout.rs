//! The layout's words: the menu, the footer, the guide's fold, the sign-in and error pages.

pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("Dasbor", "Dashboard"),
    ("Rumah tangga", "Households"),
    ("Usulan", "Proposals"),
    ("Pengesahan", "Ratification"),
    ("Dokumen", "Documents"),
    ("Temuan", "Findings"),
    ("Kualitas data", "Data quality"),
    ("Program", "Programmes"),
    ("Laporan", "Reports"),
    ("Daftar luar", "Outside lists"),
    ("Periode", "Periods"),
    ("menu|Proses", "Jobs"),
    ("Proses", "Process"),
    ("Log audit", "Audit log"),
    ("Pengguna", "Users"),
    ("Kata sandi", "Password"),
    ("Panduan", "Guide"),
    ("Istilah", "Glossary"),
    ("Keluar", "Sign out"),
    ("Temuan {}–{} dari {}", "Findings {}–{} of {}"),
];
