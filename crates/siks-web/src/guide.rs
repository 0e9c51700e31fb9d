//! Help: the "Panduan" of the pages drawn from shared templates (forms, the preview of a
//! correction): what the page is for, the steps, and what happens next (pages with a template of
//! their own carry their guide in it); each role's guide at `/panduan`, its pictures taken by the
//! real-browser walk; and the glossary at `/istilah`.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::{Path, Query};
use crate::pages::{Nav, render};

/// The new-household form.
pub const NEW_HOUSEHOLD: &str = "Isi alamat, kondisi rumah dan aset rumah tangga, lalu anggotanya mulai dari kepala rumah tangga; NIK dan No KK diketik seperti di KTP dan KK. Simpan menjadikannya usulan (draf): register belum berubah sampai usulan dibahas di musdes, diverifikasi, disahkan dan ditetapkan. Isian yang salah ditandai di tempatnya dengan alasannya, dan yang sudah diketik tetap ada.";

/// The household correction form.
pub const HOUSEHOLD_CORRECTION: &str = "Ubah hanya isian yang memang berubah dan tulis alasannya. Halaman berikutnya menunjukkan setiap perubahan (lama → baru) sebelum disimpan sebagai usulan; register berubah setelah usulan ditetapkan.";

/// A member's correction or joining.
pub const MEMBER: &str = "Isi data anggota seperti di KTP dan KK, dan tulis alasannya. Simpan menjadikannya usulan; data anggota di register berubah setelah usulan ditetapkan pada penutupan periode.";

/// A removal of a household or a member.
pub const REMOVAL: &str = "Pilih alasan penghapusan. Untuk kematian tulis nomor akta kematian; untuk \"lainnya\" tulis keterangannya. Penghapusan juga diajukan sebagai usulan dan baru berlaku setelah ditetapkan.";

/// A move to another village.
pub const MOVE: &str = "Cari desa/kelurahan tujuan dengan nama atau kode; bila namanya dipakai beberapa desa, pilih dari daftar. Usulan pindah dibahas dan disahkan seperti usulan lain; rumah tangga pindah ke desa tujuan saat ditetapkan.";

/// A programme request.
pub const PROGRAMME: &str = "Pilih program bantuan yang diusulkan untuk rumah tangga ini dan tulis alasannya. Kementerian memutuskan kepesertaan saat daftar penerima periode dibangun.";

/// The preview of a correction.
pub const PREVIEW: &str = "Periksa setiap perubahan (lama → baru). \"Simpan sebagai usulan\" menyimpannya; \"Kembali ke isian\" membuka formulir seperti yang Anda ketik.";

/// One task of a role's guide: what it is, the steps on the pages, and a picture of the page
/// where it is done (a screenshot the real-browser walk took).
pub struct Task {
    pub title: &'static str,
    pub steps: &'static [&'static str],
    /// A file under `docs/screenshots`, served at `/panduan/gambar/{name}`.
    pub picture: Option<&'static str>,
}

/// A role's guide: who it is for, then its tasks in the order the work goes.
pub struct RoleGuide {
    pub key: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub tasks: &'static [Task],
}

/// Every role's guide.
pub const ROLE_GUIDES: &[RoleGuide] = &[
    RoleGuide {
        key: "operator_desa",
        title: "Operator desa/kelurahan",
        intro: "Anda mendata rumah tangga miskin dan rentan di desa/kelurahan Anda dan mengusulkan setiap perubahan datanya. Register tidak berubah karena ketikan Anda: setiap perubahan menjadi usulan yang dibahas di musdes, diverifikasi Dinas Sosial, disahkan bupati/wali kota, lalu ditetapkan Kementerian setiap bulan.",
        tasks: &[
            Task {
                title: "Mulai dari Tugas Anda",
                steps: &[
                    "Buka Dasbor. Kotak Tugas Anda menghitung apa yang menunggu: draf untuk musdes, usulan yang dikembalikan, berita acara tanpa pindaian, temuan verivali.",
                    "Klik satu baris untuk membuka daftarnya, selesaikan, lalu kembali ke Dasbor.",
                ],
                picture: Some("dasbor.png"),
            },
            Task {
                title: "Mengusulkan perubahan data rumah tangga",
                steps: &[
                    "Buka Rumah tangga, cari dengan nama (ejaan boleh berbeda), NIK atau No KK, lalu buka rumah tangganya.",
                    "Pilih perubahan: perbaikan data, anggota masuk, pindah, program bantuan, penghapusan, atau foto bukti. Untuk satu anggota, klik namanya.",
                    "Isi formulir dan alasan. Perbaikan menampilkan setiap perubahan (lama → baru) sebelum disimpan.",
                    "Simpan: usulan tersimpan sebagai draf dan tampil di Tugas Anda.",
                ],
                picture: Some("rumah-tangga.png"),
            },
            Task {
                title: "Mendaftarkan rumah tangga baru",
                steps: &[
                    "Di Rumah tangga, klik Usulkan rumah tangga baru (atau unggah banyak sekaligus dengan templat XLSX).",
                    "Isi alamat, kondisi rumah, aset, lalu anggotanya mulai dari kepala rumah tangga. NIK dan No KK diketik seperti di KTP dan KK.",
                    "Isian yang salah ditandai di tempatnya dengan alasannya; yang sudah diketik tetap ada.",
                ],
                picture: Some("rumah-tangga-baru.png"),
            },
            Task {
                title: "Membawa draf ke musdes dan mencatat hasilnya",
                steps: &[
                    "Di Usulan, tab Draf, centang usulan lalu pilih Ajukan ke musdes/muskel.",
                    "Setelah musyawarah, buka Catat hasil musdes: isi tanggal, tempat, pimpinan dan jumlah peserta, lalu keputusan tiap usulan.",
                    "Cetak berita acara (atau unduh PDF-nya), tandatangani, dan unggah pindaiannya: tanpa pindaian Dinas Sosial tidak dapat memverifikasi.",
                    "Tanpa musdes, usulan dapat diajukan dengan SPTJM yang ditandatangani kepala desa/lurah.",
                ],
                picture: Some("musdes.png"),
            },
            Task {
                title: "Menangani usulan warga, sanggahan dan permintaan koreksi",
                steps: &[
                    "Buka Permintaan warga: usulan dan sanggahan yang dikirim warga lewat Cek Bansos, dan permintaan koreksi dari pejabat pelindungan data, menunggu di sini.",
                    "Buka satu dan periksa di lapangan bila perlu. Bila benar, klik tombol buat usulan: formulirnya terbuka terisi dari permintaan itu; lengkapi lalu simpan.",
                    "Bila tidak perlu diusulkan, tulis jawaban dengan alasannya. Warga membaca jawaban dan tahap usulannya dengan kode tanda terima.",
                ],
                picture: None,
            },
            Task {
                title: "Memperbaiki usulan yang dikembalikan",
                steps: &[
                    "Di Usulan, tab Dikembalikan, baca alasan dari kabupaten/kota atau provinsi.",
                    "Buka usulannya, klik Ubah usulan, perbaiki, lalu ajukan lagi; atau batalkan dengan alasan.",
                ],
                picture: Some("usulan-draf.png"),
            },
        ],
    },
    RoleGuide {
        key: "operator_kecamatan",
        title: "Operator kecamatan",
        intro: "Anda memantau desa/kelurahan di kecamatan Anda: jumlah data, usulan yang berjalan, temuan verivali dan kualitas data. Anda tidak mengubah data.",
        tasks: &[Task {
            title: "Memantau desa/kelurahan",
            steps: &[
                "Dasbor menunjukkan jumlah rumah tangga per desa/kelurahan dan usulan per tahap; klik nama desa untuk membukanya.",
                "Kualitas data dan Temuan menunjukkan desa mana yang datanya perlu diperbaiki; sampaikan kepada operatornya.",
            ],
            picture: None,
        }],
    },
    RoleGuide {
        key: "operator_kabupaten",
        title: "Operator Dinas Sosial kabupaten/kota",
        intro: "Anda menjaga kualitas data kabupaten/kota: menjalankan pemeriksaan verivali, membaca temuannya, dan menyusun laporan.",
        tasks: &[
            Task {
                title: "Mendata PPKS dan PSKS",
                steps: &[
                    "Buka PPKS: catat orang atau keluarga dalam 26 kategori PPKS, termasuk yang tidak punya KK (gelandangan, penghuni panti), kebutuhan hasil asesmen dan layanan yang diberikan (ATENSI, rehabilitasi, panti). Banyak sekaligus dengan templat XLSX.",
                    "Buka PSKS: daftarkan TKSK, PSM, pendamping PKH, Tagana, pekerja sosial, dan lembaga (LKS, Karang Taruna, LK3, panti) dengan nomor SK dan masa berlakunya, satu per satu atau banyak sekaligus dengan templat XLSX; hubungkan pendamping PKH dengan rumah tangga dampingannya.",
                    "Jumlah per wilayah dan kategori tampil di atas setiap daftar; unduh daftarnya sebagai XLSX atau CSV.",
                ],
                picture: None,
            },
            Task {
                title: "Menjalankan pemeriksaan dan membaca temuan",
                steps: &[
                    "Buka Temuan, klik Jalankan pemeriksaan (kosongkan kode wilayah untuk seluruh kabupaten/kota). Pemeriksaan berjalan di server; hasilnya tampil di halaman ini.",
                    "Saring menurut jenis temuan. Setiap baris menyebut orangnya, NIK tersamar, desanya, dan buktinya dalam kata-kata.",
                    "Temuan diselesaikan desa dengan usulan perbaikan atau penghapusan, atau diabaikan dengan alasan.",
                ],
                picture: Some("temuan.png"),
            },
            Task {
                title: "Membaca laporan",
                steps: &[
                    "Buka Laporan: jumlah per status, sebaran desil, penerima program dan usulan per tahap, dengan grafik dan tabel.",
                    "Klik nama wilayah untuk turun satu tingkat; unduh tabel sebagai XLSX atau CSV.",
                ],
                picture: Some("laporan.png"),
            },
        ],
    },
    RoleGuide {
        key: "verifikator_kabupaten",
        title: "Verifikator Dinas Sosial kabupaten/kota",
        intro: "Anda memeriksa usulan desa/kelurahan yang sudah melalui musdes atau SPTJM sebelum diajukan untuk disahkan.",
        tasks: &[Task {
            title: "Memverifikasi usulan",
            steps: &[
                "Buka Usulan: tab Verifikasi kab./kota berisi usulan yang menunggu Anda, dengan lama menunggu.",
                "Buka usulan untuk melihat perubahan dan berita acaranya. Temuan NIK yang sudah terdaftar di tempat lain ditandai.",
                "Centang usulan yang benar dan pilih Verifikasi; kembalikan yang salah dengan alasan yang jelas bagi desa.",
            ],
            picture: Some("verifikasi.png"),
        }],
    },
    RoleGuide {
        key: "pengesah",
        title: "Pengesah (bupati/wali kota atau pejabat yang ditunjuk)",
        intro: "Anda mengesahkan usulan yang sudah diverifikasi Dinas Sosial sebagai satu daftar bernomor.",
        tasks: &[Task {
            title: "Mengesahkan usulan",
            steps: &[
                "Buka Pengesahan: usulan yang menunggu tercantum dengan kepala rumah tangga dan desanya.",
                "Centang yang disahkan lalu klik Sahkan. Daftar pengesahan bernomor dibuat dan dapat dicetak atau diunduh sebagai PDF.",
            ],
            picture: Some("pengesahan.png"),
        }],
    },
    RoleGuide {
        key: "operator_provinsi",
        title: "Operator Dinas Sosial provinsi",
        intro: "Anda meneruskan usulan yang sudah disahkan kabupaten/kota ke Kementerian, atau mengembalikannya.",
        tasks: &[Task {
            title: "Meneruskan usulan",
            steps: &[
                "Buka Usulan, tab Verifikasi provinsi.",
                "Centang usulan lalu pilih Teruskan; kembalikan yang bermasalah dengan alasannya.",
            ],
            picture: Some("provinsi.png"),
        }],
    },
    RoleGuide {
        key: "pusat",
        title: "Kementerian Sosial (pusat)",
        intro: "Anda menerima usulan, menutup periode (penetapan bulanan), menjaga aturan program, dan membangun daftar penerima.",
        tasks: &[
            Task {
                title: "Menutup periode",
                steps: &[
                    "Terima usulan di Usulan, tab Pusat.",
                    "Buka Periode dan klik tutup: halaman berikutnya menunjukkan per kabupaten/kota apa yang akan ditetapkan dan dikembalikan.",
                    "Konfirmasi. Penutupan dan pemeriksaan verivali berjalan di server sebagai proses.",
                ],
                picture: Some("periode.png"),
            },
            Task {
                title: "Membangun daftar penerima program",
                steps: &[
                    "Buka Program, pilih periode, lalu klik Bangun daftar. Pembangunan berjalan di server sebagai proses dengan kemajuannya.",
                    "Setelah selesai, setiap program menunjukkan jumlah penerima dan nilainya; unduh daftarnya sebagai XLSX atau CSV.",
                    "Aturan program diubah di halaman aturannya; uji coba dulu untuk melihat akibatnya per provinsi.",
                ],
                picture: Some("program.png"),
            },
        ],
    },
    RoleGuide {
        key: "auditor",
        title: "Auditor",
        intro: "Anda memeriksa siapa melakukan apa atas data pribadi, dan apakah log audit masih utuh.",
        tasks: &[Task {
            title: "Membaca log audit",
            steps: &[
                "Buka Log audit: setiap baris menyebut waktu, pengguna, perannya, tindakan, data dan asal permintaan.",
                "Klik nomor data untuk melihat jejak satu rumah tangga, anggota atau akun.",
                "Rantai hash di atas tabel menyatakan apakah log masih utuh.",
            ],
            picture: Some("audit.png"),
        }],
    },
    RoleGuide {
        key: "pejabat_pdp",
        title: "Pejabat Pelindungan Data Pribadi",
        intro: "Anda menjawab permintaan warga atas datanya dan memeriksa siapa memproses data pribadi; Anda tidak mengubah atau mengunduh daftar data.",
        tasks: &[
            Task {
                title: "Menyerahkan laporan data kepada warga (Pasal 32)",
                steps: &[
                    "Buka Laporan subjek data, ketik NIK dari KTP warga yang meminta.",
                    "Periksa isinya: data warga itu, anggota rumah tangga lain hanya nama dan hubungannya, setiap perubahan, usulan dan pemrosesan.",
                    "Unduh PDF, tanda tangani bersama warga, dan serahkan dalam 3×24 jam.",
                    "Bila warga meminta datanya diperbaiki, catat di bawah laporan apa yang salah dan yang benar: permintaan masuk ke antrean desanya, dan kode tanda terimanya diserahkan kepada warga untuk diikuti di Cek Bansos.",
                ],
                picture: None,
            },
            Task {
                title: "Memeriksa pemrosesan dan kebocoran (Pasal 46)",
                steps: &[
                    "Buka Log audit untuk melihat siapa melihat, mencari, mengunduh atau mengubah data, kapan dan dari mana.",
                    "Bila sebuah akun, alamat atau token API diduga bocor, minta admin sistem menyusun cakupan kebocoran: data yang terungkap per wilayah dan surat pemberitahuannya.",
                ],
                picture: Some("audit.png"),
            },
        ],
    },
    RoleGuide {
        key: "admin",
        title: "Administrator",
        intro: "Anda mengelola akun di wilayah kerja Anda.",
        tasks: &[
            Task {
                title: "Membuat dan menonaktifkan akun",
                steps: &[
                    "Buka Pengguna, isi nama pengguna, nama, peran dan wilayah kerja; kata sandi pertama tampil sekali.",
                    "Nonaktifkan akun yang tidak dipakai lagi (misalnya karena mutasi); semua yang pernah dilakukannya tetap tercatat.",
                ],
                picture: Some("pengguna.png"),
            },
            Task {
                title: "Mengatur ulang faktor kedua dan mencabut token",
                steps: &[
                    "Ponsel pegawai hilang: di Pengguna tekan Atur ulang faktor kedua pada akunnya; sesinya berakhir dan ia mendaftarkan aplikasi lagi saat masuk.",
                    "Token API yang bocor dicabut di halaman Token API (milik Anda dan akun di bawah Anda).",
                ],
                picture: None,
            },
        ],
    },
];

/// The words of the register, explained.
pub const GLOSSARY: &[(&str, &str)] = &[
    (
        "BNBA",
        "By name by address: data per orang dengan nama dan alamatnya, seperti lembar data rumah tangga.",
    ),
    (
        "Desil",
        "Kelompok kesejahteraan 1 sampai 10 menurut perkiraan pengeluaran; desil 1 adalah 10 % rumah tangga termiskin.",
    ),
    (
        "DTKS / DTSEN",
        "Data Terpadu Kesejahteraan Sosial, kini Data Tunggal Sosial dan Ekonomi Nasional: register rumah tangga miskin dan rentan yang menjadi dasar bantuan sosial.",
    ),
    (
        "Dukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil, pemilik data NIK dan KK; data siks dipadankan dengannya.",
    ),
    (
        "KPM",
        "Keluarga penerima manfaat: rumah tangga atau keluarga yang tercantum dalam daftar penerima suatu program.",
    ),
    (
        "Musdes / muskel",
        "Musyawarah desa atau kelurahan yang membahas dan menyetujui usulan perubahan data; hasilnya dicatat dalam berita acara.",
    ),
    (
        "NIK",
        "Nomor Induk Kependudukan, 16 angka di KTP. Di daftar dan dokumen ditulis tersamar (3523**********01).",
    ),
    ("No KK", "Nomor Kartu Keluarga, 16 angka."),
    (
        "Padan",
        "Cocok dengan data Dukcapil: NIK, nama dan tanggal lahir seseorang sama dengan catatan kependudukan.",
    ),
    (
        "PBI-JK",
        "Penerima Bantuan Iuran Jaminan Kesehatan: iuran JKN dibayar negara.",
    ),
    (
        "Penetapan",
        "Penutupan periode bulanan oleh Kementerian: semua usulan yang diterima berlaku sekaligus dan register berubah.",
    ),
    (
        "Pengesahan",
        "Persetujuan bupati/wali kota (atau pejabat yang ditunjuk) atas usulan yang sudah diverifikasi, dalam satu daftar bernomor.",
    ),
    (
        "PKH",
        "Program Keluarga Harapan: bantuan tunai bersyarat per keluarga menurut komponennya (ibu hamil, anak sekolah, lanjut usia, disabilitas).",
    ),
    (
        "PPKS",
        "Pemerlu Pelayanan Kesejahteraan Sosial, misalnya anak terlantar, lanjut usia terlantar, penyandang disabilitas, gelandangan.",
    ),
    (
        "PSKS",
        "Potensi dan Sumber Kesejahteraan Sosial: pendamping, TKSK, Karang Taruna, LKS dan sebagainya.",
    ),
    (
        "Sembako (BPNT)",
        "Bantuan pangan non-tunai per keluarga setiap bulan.",
    ),
    (
        "SLS",
        "Satuan lingkungan setempat: dusun, lingkungan atau RW tempat rumah tangga tinggal.",
    ),
    (
        "SPTJM",
        "Surat Pernyataan Tanggung Jawab Mutlak: kepala desa/lurah menjamin kebenaran usulan yang diajukan tanpa musdes.",
    ),
    (
        "Usulan",
        "Permintaan perubahan data (rumah tangga baru, perbaikan, anggota masuk, pindah, penghapusan, program) yang berjalan dari desa sampai penetapan.",
    ),
    (
        "Verivali",
        "Verifikasi dan validasi: pemeriksaan data terhadap aturan dan daftar luar (kematian, ASN/TNI/Polri, Dukcapil) yang menghasilkan temuan.",
    ),
];

/// The pictures of the guides, as the walk took them (`docs/screenshots`).
const PICTURES: &[(&str, &[u8])] = &[
    (
        "dasbor.png",
        include_bytes!("../../../docs/screenshots/dasbor.png"),
    ),
    (
        "rumah-tangga.png",
        include_bytes!("../../../docs/screenshots/rumah-tangga.png"),
    ),
    (
        "rumah-tangga-baru.png",
        include_bytes!("../../../docs/screenshots/rumah-tangga-baru.png"),
    ),
    (
        "musdes.png",
        include_bytes!("../../../docs/screenshots/musdes.png"),
    ),
    (
        "usulan-draf.png",
        include_bytes!("../../../docs/screenshots/usulan-draf.png"),
    ),
    (
        "temuan.png",
        include_bytes!("../../../docs/screenshots/temuan.png"),
    ),
    (
        "laporan.png",
        include_bytes!("../../../docs/screenshots/laporan.png"),
    ),
    (
        "verifikasi.png",
        include_bytes!("../../../docs/screenshots/verifikasi.png"),
    ),
    (
        "pengesahan.png",
        include_bytes!("../../../docs/screenshots/pengesahan.png"),
    ),
    (
        "provinsi.png",
        include_bytes!("../../../docs/screenshots/provinsi.png"),
    ),
    (
        "periode.png",
        include_bytes!("../../../docs/screenshots/periode.png"),
    ),
    (
        "program.png",
        include_bytes!("../../../docs/screenshots/program.png"),
    ),
    (
        "audit.png",
        include_bytes!("../../../docs/screenshots/audit.png"),
    ),
    (
        "pengguna.png",
        include_bytes!("../../../docs/screenshots/pengguna.png"),
    ),
];

#[derive(Template)]
#[template(path = "guide_book.html")]
struct GuideBookPage {
    nav: Option<Nav>,
    guide: ShownGuide,
    /// (key, title, shown).
    roles: Vec<(&'static str, &'static str, bool)>,
}

/// A role's guide as the page shows it: its texts in the request's language.
struct ShownGuide {
    title: &'static str,
    intro: &'static str,
    tasks: Vec<ShownTask>,
}

/// A task of [`ShownGuide`].
struct ShownTask {
    title: &'static str,
    steps: Vec<&'static str>,
    picture: Option<&'static str>,
}

impl ShownGuide {
    fn of(guide: &'static RoleGuide) -> ShownGuide {
        use crate::lang::t;
        ShownGuide {
            title: t(guide.title),
            intro: t(guide.intro),
            tasks: guide
                .tasks
                .iter()
                .map(|task| ShownTask {
                    title: t(task.title),
                    steps: task.steps.iter().map(|&step| t(step)).collect(),
                    picture: task.picture,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct GuideQuery {
    peran: Option<String>,
}

/// `GET /panduan?peran=KEY`: a role's guide; without one, the signed-in user's own.
pub async fn guide_book(
    user: PageUser,
    Query(q): Query<GuideQuery>,
) -> Result<Html<String>, WebError> {
    let key = q
        .peran
        .as_deref()
        .filter(|k| !k.is_empty())
        .unwrap_or(user.session.actor.role.key());
    let guide = ROLE_GUIDES.iter().find(|g| g.key == key).ok_or_else(|| {
        WebError::field(
            "peran",
            crate::lang::tf("peran '{}' tidak dikenal", &[&key]),
        )
    })?;
    render(GuideBookPage {
        nav: Nav::of(&user),
        guide: ShownGuide::of(guide),
        roles: ROLE_GUIDES
            .iter()
            .map(|g| (g.key, crate::lang::t(g.title), g.key == guide.key))
            .collect(),
    })
}

/// `GET /panduan/gambar/{name}`: one of the guides' pictures.
pub async fn picture(_user: PageUser, Path(name): Path<String>) -> Result<Response, WebError> {
    let (_, bytes) = PICTURES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        *bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage {
    nav: Option<Nav>,
    /// (term, meaning), in the request's language.
    terms: Vec<(&'static str, &'static str)>,
}

/// The glossary's terms that are Indonesian words, shown in the request's language; the others
/// (abbreviations and names: BNBA, NIK, PKH, Verivali…) read the same in both.
const TRANSLATED_TERMS: &[&str] = &[
    "Desil",
    "Musdes / muskel",
    "Padan",
    "Penetapan",
    "Pengesahan",
    "Usulan",
];

/// `GET /istilah`: the glossary.
pub async fn glossary(user: PageUser, State(_): State<AppState>) -> Result<Html<String>, WebError> {
    use crate::lang::t;
    render(GlossaryPage {
        nav: Nav::of(&user),
        terms: GLOSSARY
            .iter()
            .map(|&(term, meaning)| {
                let term = if TRANSLATED_TERMS.contains(&term) {
                    t(term)
                } else {
                    term
                };
                (term, t(meaning))
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_picture_a_guide_names_is_there_and_every_role_has_a_guide() {
        for guide in ROLE_GUIDES {
            for task in guide.tasks {
                if let Some(p) = task.picture {
                    assert!(PICTURES.iter().any(|(n, _)| *n == p), "{p}");
                }
            }
        }
        for role in siks_domain::Role::ALL {
            assert!(
                ROLE_GUIDES.iter().any(|g| g.key == role.key()),
                "{role:?} has a guide"
            );
        }
    }

    #[test]
    fn every_translated_term_is_in_the_glossary() {
        for term in TRANSLATED_TERMS {
            assert!(GLOSSARY.iter().any(|(g, _)| g == term), "{term}");
        }
    }
}
