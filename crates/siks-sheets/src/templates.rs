//! The upload templates a village operator fills in: new households with their members,
//! corrections, removals and verivali results. The columns, their Indonesian headers and their
//! allowed codes come from the domain's interchange format, so a template always matches what
//! the register accepts.

use siks_domain::Coded;
use siks_domain::codes::InactiveReason;
use siks_domain::interchange::{
    FLAG_COLUMNS, HOUSEHOLD_COLUMNS, HOUSEHOLD_SERVER_COLUMNS, NUMBER_COLUMNS, PERSON_COLUMNS,
    PERSON_SERVER_COLUMNS, column_choices, column_label,
};

use crate::{TemplateColumn, TemplateSheet};

/// The templates there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    NewHouseholds,
    Corrections,
    Removals,
    VerivaliResults,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 4] = [
        TemplateKind::NewHouseholds,
        TemplateKind::Corrections,
        TemplateKind::Removals,
        TemplateKind::VerivaliResults,
    ];

    /// The key in URLs and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            TemplateKind::NewHouseholds => "rumah-tangga-baru",
            TemplateKind::Corrections => "perbaikan",
            TemplateKind::Removals => "penghapusan",
            TemplateKind::VerivaliResults => "hasil-verivali",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::NewHouseholds => "Rumah tangga baru dengan anggotanya",
            TemplateKind::Corrections => "Perbaikan data rumah tangga dan anggota",
            TemplateKind::Removals => "Usulan penghapusan",
            TemplateKind::VerivaliResults => "Hasil verivali (tindak lanjut temuan)",
        }
    }

    pub fn from_key(key: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The template's sheets.
    pub fn sheets(self) -> Vec<TemplateSheet> {
        let household_key = free(
            siks_domain::entry::HOUSEHOLD_NO.1,
            "nomor rumah tangga di berkas ini (1, 2, 3, ...); setiap anggota menunjuk ke nomor ini",
            true,
        );
        match self {
            TemplateKind::NewHouseholds => vec![
                sheet(
                    "Rumah tangga",
                    Some(household_key.clone()),
                    HOUSEHOLD_COLUMNS,
                    HOUSEHOLD_SERVER_COLUMNS,
                ),
                sheet(
                    "Anggota",
                    Some(household_key),
                    PERSON_COLUMNS,
                    PERSON_SERVER_COLUMNS,
                ),
            ],
            TemplateKind::Corrections => vec![
                sheet(
                    "Rumah tangga",
                    Some(free(
                        "Id",
                        "id rumah tangga dari ekspor siks (jangan diubah)",
                        true,
                    )),
                    HOUSEHOLD_COLUMNS,
                    HOUSEHOLD_SERVER_COLUMNS,
                ),
                sheet(
                    "Anggota",
                    Some(free(
                        "Id",
                        "id anggota dari ekspor siks (jangan diubah)",
                        true,
                    )),
                    PERSON_COLUMNS,
                    PERSON_SERVER_COLUMNS,
                ),
            ],
            TemplateKind::Removals => vec![TemplateSheet {
                name: "Penghapusan".into(),
                columns: vec![
                    free("Id rumah tangga", "id rumah tangga dari ekspor siks", true),
                    free(
                        "Id anggota",
                        "kosongkan untuk menghapus seluruh rumah tangga",
                        false,
                    ),
                    TemplateColumn {
                        label: "Alasan".into(),
                        help: "pilih dari daftar".into(),
                        required: true,
                        choices: <InactiveReason as Coded>::ALL
                            .iter()
                            .map(|r| format!("{} - {}", r.code(), r.label()))
                            .collect(),
                    },
                    free("Keterangan", "penjelasan singkat untuk pemeriksa", true),
                ],
            }],
            TemplateKind::VerivaliResults => vec![TemplateSheet {
                name: "Hasil verivali".into(),
                columns: vec![
                    free("Id temuan", "id temuan dari ekspor temuan siks", true),
                    TemplateColumn {
                        label: "Hasil".into(),
                        help: "sudah diperbaiki di register, atau ditolak (bukan masalah)".into(),
                        required: true,
                        choices: vec!["1 - Sudah diperbaiki".into(), "2 - Ditolak".into()],
                    },
                    free(
                        "Alasan",
                        "wajib bila ditolak: mengapa temuan ini bukan masalah (paling sedikit 5 huruf)",
                        false,
                    ),
                ],
            }],
        }
    }
}

fn free(label: &str, help: &str, required: bool) -> TemplateColumn {
    TemplateColumn {
        label: label.into(),
        help: help.into(),
        required,
        choices: Vec::new(),
    }
}

fn sheet(
    name: &str,
    first: Option<TemplateColumn>,
    columns: &[&'static str],
    server: &[&str],
) -> TemplateSheet {
    let columns = first
        .into_iter()
        .chain(
            columns
                .iter()
                .filter(|c| !server.contains(c) && **c != "household_id")
                .map(|c| column(c)),
        )
        .collect();
    TemplateSheet {
        name: name.into(),
        columns,
    }
}

fn column(c: &str) -> TemplateColumn {
    let choices = column_choices(c).unwrap_or_default();
    let optional = choices.first().is_some_and(|(code, _)| code.is_empty());
    let (help, required) = match c {
        "nik" | "no_kk" => (
            "16 angka; kolom ini berformat teks agar tidak ada angka yang hilang",
            true,
        ),
        "birth_date" => ("tanggal TTTT-BB-HH, mis. 1985-03-12", true),
        "village_code" => ("kode desa/kelurahan Kemendagri, mis. 35.23.01.2001", true),
        "full_name" | "mother_name" | "birth_place" => ("teks", c == "full_name"),
        "latitude" | "longitude" => (
            "angka desimal dengan titik, mis. -6.89; boleh kosong",
            false,
        ),
        _ if FLAG_COLUMNS.contains(&c) => ("1 = ya, 0 = tidak", true),
        _ if NUMBER_COLUMNS.contains(&c) => ("bilangan bulat", true),
        _ if !choices.is_empty() => (
            if optional {
                "pilih dari daftar; boleh kosong"
            } else {
                "pilih dari daftar"
            },
            !optional,
        ),
        _ => ("teks", false),
    };
    TemplateColumn {
        label: column_label(c).to_string(),
        help: help.to_string(),
        required,
        choices: choices
            .into_iter()
            .filter(|(code, _)| !code.is_empty())
            .map(|(code, label)| format!("{code} - {label}"))
            .collect(),
    }
}
