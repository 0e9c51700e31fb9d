//! The system's own keys as a person reads them on a page: audit actions, the kinds of data an
//! entry is about, and the keys of an entry's details. The log keeps its keys (scripts and the
//! hash chain read them); only the page speaks, in the request's language (`crate::lang`).

use siks_domain::Role;

use crate::lang::t;

/// An audit action in the request's language; a key this list does not know is shown as it is.
pub fn action(key: &str) -> String {
    let known = match key {
        "login" => "masuk",
        "logout" => "keluar",
        "login.failed" => "gagal masuk",
        "login.locked" => "akun dikunci",
        "login.throttled" => "masuk ditahan (terlalu banyak gagal)",
        "access.refused" => "ditolak atau tidak ditemukan",
        "audit.key_created" => "kunci audit baru",
        "backup.made" => "cadangan dibuat",
        "password.change" => "ganti kata sandi",
        "second_factor.enrol" => "faktor kedua didaftarkan",
        "second_factor.ok" => "faktor kedua diberikan",
        "second_factor.failed" => "kode faktor kedua salah",
        "second_factor.reset" => "faktor kedua diatur ulang",
        "token.create" => "token API dibuat",
        "token.revoke" => "token API dicabut",
        "token.use" => "token API dipakai",
        "token.refused" => "token API ditolak",
        "password.reset" => "atur ulang kata sandi",
        "user.create" => "buat akun",
        "user.activate" => "aktifkan akun",
        "user.deactivate" => "nonaktifkan akun",
        "household.list" => "lihat daftar rumah tangga",
        "household.view" => "lihat rumah tangga",
        "household.create" => "rumah tangga dicatat",
        "household.import" => "rumah tangga diimpor",
        "household.update" => "rumah tangga diubah",
        "person.view" => "lihat anggota",
        "person.reveal" => "buka data pribadi anggota",
        "person.create" => "anggota dicatat",
        "person.import" => "anggota diimpor",
        "person.update" => "anggota diubah",
        "history.view" => "lihat riwayat",
        "photo.keep" => "simpan foto",
        "photo.view" => "lihat foto",
        "finding.list" => "lihat daftar temuan",
        "proposal.create" => "buat usulan",
        "proposal.step" => "langkah usulan",
        "proposal.list" => "lihat daftar usulan",
        "proposal.view" => "lihat usulan",
        "document.create" => "buat dokumen",
        "document.view" => "lihat dokumen",
        "document.scan" => "unggah pindaian",
        "document.scan.view" => "lihat pindaian",
        "ratification.create" => "pengesahan",
        "ratification.view" => "lihat pengesahan",
        "period.close" => "tutup periode",
        "period.close_undone" => "penutupan periode dibatalkan seluruhnya",
        "finding.fixed" => "temuan diselesaikan",
        "finding.dismiss" => "temuan diabaikan",
        "import" => "impor data",
        "import.begin" => "impor data dimulai",
        "import.undone" => "impor data dibatalkan",
        "list.import" => "impor daftar luar",
        "upload.read_persons" => "unggahan membaca anggota",
        "upload.read_households" => "unggahan membaca rumah tangga",
        "export.households" => "unduh rumah tangga",
        "export.persons" => "unduh anggota",
        "export.findings" => "unduh temuan",
        "export.proposals" => "unduh usulan",
        "job.create" => "proses dibuat",
        "job.run" => "proses berjalan",
        "job.finish" => "proses selesai",
        "job.interrupt" => "proses terputus",
        "job.requeue" => "proses diulang",
        "programme.build" => "bangun daftar penerima",
        "programme.list_view" => "lihat daftar penerima",
        "programme.quota" => "atur kuota",
        "programme.save" => "simpan aturan program",
        "welfare.rank" => "pemeringkatan kesejahteraan",
        "check.run" => "pemeriksaan verivali",
        "check.run.part" => "pemeriksaan verivali (sebagian)",
        "programme.departures_view" => "lihat yang keluar dari daftar",
        _ => return key.to_string(),
    };
    t(known).to_string()
}

/// The kind of data an entry is about, in the request's language.
pub fn target(kind: &str) -> &str {
    let known = match kind {
        "household" => "rumah tangga",
        "person" => "anggota",
        "proposal" => "usulan",
        "document" => "dokumen",
        "ratification" => "pengesahan",
        "user" => "akun",
        "region" => "wilayah",
        "period" => "periode",
        "job" => "proses",
        "finding" => "temuan",
        "programme" => "program",
        "beneficiary_list" => "daftar penerima",
        "import_batch" => "impor",
        "outside_list" => "daftar luar",
        "rank_run" => "pemeringkatan",
        "musdes" => "Berita acara musdes",
        "sptjm" => "SPTJM",
        "username" => "nama pengguna",
        "path" => "alamat halaman",
        "audit" => "log audit",
        "token" => "token API",
        other => return other,
    };
    t(known)
}

/// The entry's id as a short reference ([`siks_domain::show::reference`]; the full one is the
/// filter's value and the cell's title), a region code as it is, `*` as the whole country.
pub fn short_id(id: &str) -> String {
    if id == "*" {
        return t("seluruh wilayah").into();
    }
    siks_domain::show::reference(id)
}

/// A role key (`operator_desa`) as its label; an unknown key as it is.
pub fn role(key: &str) -> String {
    Role::parse(key)
        .map(|r| t(r.label()).to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// An entry's details (`rows=51 stage=draft`) with their keys and stage labels in the request's
/// language.
pub fn detail(text: &str) -> String {
    text.split_whitespace()
        .map(|part| match part.split_once('=') {
            Some((key, value)) => {
                let value = match (key, value) {
                    (_, "true") => t("ya").to_string(),
                    (_, "false") => t("tidak").to_string(),
                    _ => value.to_string(),
                };
                let value = match key {
                    "stage" => siks_domain::workflow::Stage::parse(&value)
                        .map(|s| t(s.label()).to_string())
                        .unwrap_or(value),
                    "role" => role(&value),
                    // Why an import was undone.
                    "reason" => match value.as_str() {
                        "rejected" => t("ditolak karena baris bermasalah").to_string(),
                        "failed" => t("gagal ditulis").to_string(),
                        "abandoned" => t("terhenti di tengah jalan").to_string(),
                        _ => value,
                    },
                    // A reveal's fields and purpose (issue 19).
                    "fields" => value
                        .split(',')
                        .map(|f| {
                            siks_domain::disclosure::SpecificField::from_key(f)
                                .map(|f| t(f.label()).to_string())
                                .unwrap_or_else(|| f.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    "numbers" => match value.as_str() {
                        "masked" => t("disamarkan").to_string(),
                        "full" => t("utuh").to_string(),
                        _ => value,
                    },
                    "purpose" => siks_domain::disclosure::RevealPurpose::from_key(&value)
                        .map(|p| t(p.label()).to_string())
                        .unwrap_or(value),
                    "for" => match value.as_str() {
                        "sign_in" => t("masuk").to_string(),
                        "step_up" => t("konfirmasi ulang").to_string(),
                        "close" => t("tutup periode").to_string(),
                        "rules" => t("ubah aturan program").to_string(),
                        "enrol" => t("pendaftaran").to_string(),
                        _ => value,
                    },
                    "by" => match value.as_str() {
                        "totp" => t("kode aplikasi").to_string(),
                        "recovery" => t("kode pemulihan").to_string(),
                        _ => value,
                    },
                    "access" => match value.as_str() {
                        "baca" => t("Baca").to_string(),
                        "tulis" => t("Baca dan tulis").to_string(),
                        _ => value,
                    },
                    "why" => match value.as_str() {
                        "unknown" => t("tidak dikenal").to_string(),
                        "expired" => t("kedaluwarsa").to_string(),
                        "revoked" => t("dicabut").to_string(),
                        "inactive" => t("akun nonaktif").to_string(),
                        "out_of_scope" => t("di luar wilayah akun").to_string(),
                        _ => value,
                    },
                    "search" => match value.as_str() {
                        "id_number" => t("NIK atau No KK").to_string(),
                        "name" => t("nama anggota").to_string(),
                        "address" => t("alamat jalan").to_string(),
                        "rt_rw" => "RT/RW".to_string(),
                        _ => value,
                    },
                    _ => value,
                };
                format!("{} {value}", detail_key(key))
            }
            None => step(part).unwrap_or_else(|| part.to_string()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A step's detail (`submit:draft->musdes`) as the step and the stages it joined.
fn step(part: &str) -> Option<String> {
    use siks_domain::workflow::{Stage, StepKind};
    let (kind, stages) = part.split_once(':')?;
    let (from, to) = stages.split_once("->")?;
    Some(format!(
        "{}: {} → {}",
        t(StepKind::parse(kind)?.label()).to_lowercase(),
        t(Stage::parse(from)?.label()),
        t(Stage::parse(to)?.label())
    ))
}

fn detail_key(key: &str) -> &str {
    let known = match key {
        "rows" => "baris:",
        "search" => "mencari menurut",
        "term" => "sidik kata kunci:",
        "members" => "anggota:",
        "entries" => "entri:",
        "records" => "catatan:",
        "stage" => "tahap:",
        "from" => "dari",
        "applied" => "ditetapkan:",
        "sent_back" => "dikembalikan:",
        "attempt" => "percobaan ke-",
        "code" => "kode:",
        "period" => "periode:",
        "units" => "penerima:",
        "household" => "rumah tangga:",
        "kind" => "jenis:",
        "source" => "sumber:",
        "model" => "model:",
        "households" => "rumah tangga:",
        "persons" => "orang:",
        "reason" => "alasan:",
        "number" => "nomor:",
        "proposals" => "usulan:",
        "quota" => "kuota:",
        "role" => "peran:",
        "scan" => "pindaian:",
        "state" => "keadaan:",
        "version" => "versi:",
        "sha256" => "sidik berkas:",
        "opened" => "dibuka:",
        "part" => "bagian:",
        "inserted" => "ditulis:",
        "status_changes" => "perubahan status:",
        "fixed" => "selesai:",
        "fields" => "kolom:",
        "purpose" => "tujuan:",
        "numbers" => "NIK dan No KK:",
        "for" => "untuk:",
        "by" => "dengan:",
        "left" => "kode pemulihan tersisa:",
        "recovery_codes" => "kode pemulihan:",
        "access" => "akses:",
        "days" => "hari:",
        "owner" => "pemilik:",
        "why" => "sebab:",
        other => return other,
    };
    t(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_in_indonesian_and_unknown_ones_stay_as_they_are() {
        assert_eq!(action("household.list"), "lihat daftar rumah tangga");
        assert_eq!(action("something.new"), "something.new");
        assert_eq!(target("household"), "rumah tangga");
        assert_eq!(role("operator_provinsi"), "Operator Dinas Sosial provinsi");
        assert_eq!(
            detail("submit:draft->musdes"),
            "diajukan: Draf desa/kelurahan → Musyawarah desa/kelurahan"
        );
        assert_eq!(
            detail("stage=draft rows=2"),
            "tahap: Draf desa/kelurahan, baris: 2"
        );
        assert_eq!(
            detail("households=40 reason=rejected"),
            "rumah tangga: 40, alasan: ditolak karena baris bermasalah"
        );
        assert_eq!(
            detail("households=4000 persons=14849"),
            "rumah tangga: 4000, orang: 14849"
        );
        assert_eq!(
            short_id("019b76da-b256-7e8b-b0df-f72ab534acb8"),
            "B534-ACB8"
        );
        // Two ids made the same month are told apart.
        assert_ne!(
            short_id("019b76da-b256-7e8b-b0df-f72ab534acb8"),
            short_id("019b76da-b3e9-792f-b531-80105704b02b")
        );
        assert_eq!(short_id("*"), "seluruh wilayah");
        assert_eq!(short_id("35.23"), "35.23");
        // Whatever the log holds, it is shown, never cut inside a letter.
        assert_eq!(short_id("nama-pengguna-ñandú-é"), "nama-pengguna-ñandú-é");
    }
}
