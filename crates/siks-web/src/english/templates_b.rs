//! The English of the pages' templates, part b (see `crate::lang`).

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // programmes.html
    ("Program bantuan", "Assistance programmes"),
    (
        "Program bantuan dan daftar penerimanya (KPM) per periode. Aturan tiap program adalah data yang bisa dibaca dan diuji. Kementerian membangun daftar penerima suatu periode dari halaman ini; daftar disusun menurut desil, dari yang paling miskin.",
        "Assistance programmes and their beneficiary lists (KPM, beneficiary families) per period. Each programme's rules are data that can be read and tested. The Ministry builds a period's beneficiary lists from this page; a list is ordered by decile, poorest first.",
    ),
    (
        "Aturan tiap program adalah data: syarat rumah tangga, komponen, nilai setahun dan pengecualian. Daftar penerima (KPM) dibangun per periode oleh Kementerian, berurutan menurut desil lalu perkiraan pengeluaran di tiap kabupaten/kota, dipotong kuota.",
        "Each programme's rules are data: the household's conditions, components, yearly amounts and exclusions. The beneficiary lists (KPM) are built per period by the Ministry, ordered by decile and then by estimated spending in each regency/city, and cut at the quota.",
    ),
    ("Periode (TTTT-BB)", "Period (YYYY-MM)"),
    (
        "Kode wilayah (kosong: seluruh wilayah kerja)",
        "Region code (empty: all of your area)",
    ),
    ("Tampilkan", "Show"),
    (
        "Bangun daftar penerima semua program untuk periode {} dari register saat ini. Daftar periode ini yang sudah ada diganti; daftar periode yang sudah ditutup tetap.",
        "Build every programme's beneficiary list for the period {} from the register as it stands now. This period's existing lists are replaced; the lists of closed periods stay.",
    ),
    ("Bangun daftar {}", "Build the lists of {}"),
    (
        "Ubah aturan, uji coba, riwayat versi",
        "Edit rules, dry run, version history",
    ),
    ("Per {}", "Per {}"),
    ("syarat:", "eligible if:"),
    ("{} setahun per {}", "{} a year per {}"),
    ("Komponen", "Component"),
    ("Nilai setahun", "Yearly amount"),
    ("Paling banyak", "At most"),
    ("Periode {}:", "Period {}:"),
    (
        "penerima ({} rumah tangga), {} setahun",
        "beneficiaries ({} households), {} a year",
    ),
    ("unduh", "download"),
    (
        "Belum ada daftar periode {} di wilayah ini.",
        "No list for {} in this region yet.",
    ),
    (
        "{} rumah tangga keluar sejak daftar sebelumnya",
        "{} households left since the previous list",
    ),
    ("Kepala rumah tangga", "Head of household"),
    ("Alasan", "Reason"),
    // A programme's unit (Row.unit, programmes.rs), wrapped with t().
    ("rumah tangga", "household"),
    ("keluarga", "family"),
    ("orang", "person"),
    // inbox.html
    ("Usulan: {}", "Proposals: {}"),
    (
        "Usulan di wilayah kerja Anda, dikelompokkan menurut tahap. Desa/kelurahan membawa <em>draf</em> ke musdes dan mencatat hasilnya (atau mengajukan dengan SPTJM); Dinas Sosial memverifikasi; bupati/wali kota mengesahkan; provinsi dan Kementerian meneruskan. Centang beberapa usulan untuk memprosesnya bersama; usulan yang ditolak kembali ke desa dengan alasannya.",
        "Proposals in your area, grouped by stage. The village takes a <em>draft</em> to the musdes (village meeting) and records its result (or submits it with an SPTJM, a statement of absolute responsibility); the Social Affairs Office verifies; the regent/mayor ratifies; the province and the Ministry forward. Tick several proposals to process them together; a rejected proposal goes back to the village with its reason.",
    ),
    (
        "Unduh semua usulan wilayah kerja dengan tahapnya:",
        "Download every proposal in your area with its stage:",
    ),
    (
        "Belum diproses: {}. Centangan dan isian Anda tetap di bawah.",
        "Not processed: {}. Your ticks and entries are kept below.",
    ),
    (
        "Catat hasil musdes dan berita acaranya",
        "Record the musdes (village meeting) result and its minutes",
    ),
    (
        "Ajukan dengan SPTJM (tanpa musdes)",
        "Submit with an SPTJM (statement of absolute responsibility, without a musdes)",
    ),
    (
        "Sahkan sebagai satu daftar pengesahan",
        "Ratify as one ratification list",
    ),
    (
        "Tidak ada usulan pada tahap ini.",
        "No proposals at this stage.",
    ),
    ("Pilih semua", "Select all"),
    (
        "Kepala rumah tangga dan alamat",
        "Head of household and address",
    ),
    ("Jenis usulan", "Kind of proposal"),
    ("Desa/kelurahan", "Village"),
    ("Catatan", "Note"),
    ("(masuk ke wilayah Anda)", "(moving into your area)"),
    (
        "Langkah untuk usulan yang dicentang",
        "Step for the ticked proposals",
    ),
    (
        "Alasan (wajib untuk mengembalikan, menolak atau membatalkan)",
        "Reason (required to return, reject or withdraw)",
    ),
    // The batch steps offered (StepChoice.label, siks_domain::workflow::Step::offered), wrapped with t().
    (
        "Ajukan ke musdes/muskel",
        "Submit to the musdes/muskel (village meeting)",
    ),
    ("Batalkan usulan", "Withdraw the proposal"),
    (
        "Verifikasi: teruskan ke pengesahan",
        "Verify: forward to ratification",
    ),
    ("Kembalikan ke desa/kelurahan", "Return to the village"),
    (
        "Kembalikan ke Dinas Sosial kabupaten/kota",
        "Return to the Regency Social Affairs Office",
    ),
    ("Teruskan ke pusat", "Forward to the Ministry"),
    ("Terima untuk penetapan", "Accept for determination"),
    ("Tolak", "Reject"),
    // proposal.html
    ("Usulan {}", "Proposal: {}"),
    (
        "Satu usulan: apa yang diubah, tahapnya, dan jejak setiap langkah (siapa, kapan, alasan). Bila usulan dikembalikan, desa/kelurahan memperbaikinya lalu mengajukannya lagi, atau membatalkannya dengan alasan.",
        "One proposal: what it changes, its stage, and the trail of every step (who, when, why). When a proposal is returned, the village corrects it and submits it again, or withdraws it with a reason.",
    ),
    (
        "Usulan tersimpan sebagai {}. Register belum berubah: usulan diajukan ke musdes (atau dengan SPTJM), lalu diverifikasi, disahkan dan ditetapkan pada penutupan periode.",
        "Proposal saved as {}. The register has not changed yet: the proposal is submitted to the musdes (village meeting) or with an SPTJM, then verified, ratified and determined when the period closes.",
    ),
    ("Nomor usulan", "Proposal number"),
    ("Tahap", "Stage"),
    ("buka rumah tangga", "open the household"),
    ("Alasan terakhir", "Last reason"),
    ("Dasar", "Basis"),
    ("Berita acara / SPTJM", "Minutes / SPTJM"),
    ("Ubah usulan", "Edit the proposal"),
    ("Alasan pembatalan", "Reason for withdrawing"),
    ("Isi usulan", "What the proposal asks"),
    ("Isian", "Field"),
    ("Sekarang", "Now"),
    ("Foto bukti", "Photo evidence"),
    ("Riwayat", "History"),
    ("Waktu", "Time"),
    ("Langkah", "Step"),
    ("Peran", "Role"),
    // paper.html
    (
        "Cetak dokumen ini (atau unduh PDF-nya), tandatangani, lalu unggah pindaiannya di bawah. Usulan yang tercantum baru bisa dilanjutkan ke tahap berikutnya setelah pindaiannya diunggah.",
        "Print this document (or download its PDF), sign it, then upload its scan below. The proposals listed can go on to the next stage only once the scan is uploaded.",
    ),
    ("Cetak", "Print"),
    ("Unduh PDF", "Download PDF"),
    ("Pindaian yang ditandatangani:", "Signed scan:"),
    ("lihat ({})", "view ({})"),
    (
        "Pindaian yang ditandatangani belum diunggah: kabupaten/kota belum dapat memverifikasi usulan ini.",
        "The signed scan has not been uploaded: the regency/city cannot verify these proposals yet.",
    ),
    (
        "Unggah pindaian (PDF/JPEG/PNG)",
        "Upload the scan (PDF/JPEG/PNG)",
    ),
    ("Unggah", "Upload"),
    // The scan's kind (PaperPage.scan, workflow.rs), wrapped with t().
    ("PDF", "PDF"),
    ("foto JPEG", "JPEG photo"),
    ("gambar PNG", "PNG image"),
    ("berkas", "file"),
    // households.html
    (
        "Cari rumah tangga dengan nama (ejaan tidak harus persis), NIK, No KK atau RT/RW, lalu buka untuk melihat anggotanya. Perubahan data tidak langsung masuk register: setiap perubahan menjadi usulan yang dibahas di musdes, diverifikasi dan disahkan, lalu ditetapkan saat periode ditutup. Templat XLSX di atas dipakai untuk mengusulkan banyak rumah tangga sekaligus.",
        "Search for a household by name (the spelling need not be exact), NIK, No KK (family card number) or RT/RW, then open it to see its members. A change of data does not go into the register at once: every change becomes a proposal that is discussed at the musdes (village meeting), verified and ratified, then determined when the period closes. The XLSX templates above are for proposing many households at once.",
    ),
    (
        "Unggah perbaikan anggota dari XLSX/CSV",
        "Upload member corrections from XLSX/CSV",
    ),
    (
        "Templat unggahan (XLSX dengan daftar pilihan dan petunjuk):",
        "Upload templates (XLSX with choice lists and instructions):",
    ),
    ("rumah tangga baru", "new households"),
    ("perbaikan", "corrections"),
    ("penghapusan", "removals"),
    (
        "hasil verivali",
        "verivali (verification and validation) results",
    ),
    (
        "Unduh wilayah ini: rumah tangga",
        "Download this region: households",
    ),
    ("anggota (BNBA)", "members (BNBA, by name by address)"),
    ("+ Usulkan rumah tangga baru", "+ Propose a new household"),
    (
        "Nama (ejaan boleh berbeda), NIK, No KK, atau RT/RW",
        "Name (spelling may differ), NIK, No KK (family card number) or RT/RW",
    ),
    ("mis. Siti, 3523…, RT 3 RW 2", "e.g. Siti, 3523…, RT 3 RW 2"),
    ("Alamat", "Address"),
    ("Kode wilayah", "Region code"),
    ("mis. 35.23.01", "e.g. 35.23.01"),
    ("Status", "Status"),
    ("Cari", "Search"),
    ("RT/RW", "RT/RW"),
    ("Anggota", "Members"),
    (
        "Tidak ada rumah tangga yang cocok.",
        "No household matches.",
    ),
    ("‹ Sebelumnya", "‹ Previous"),
    ("Halaman {}", "Page {}"),
    ("Berikutnya ›", "Next ›"),
    // The status filter's first choice (ListPage.statuses, pages.rs), wrapped with t().
    ("Semua", "All"),
    // report.html
    ("Laporan {}", "Report: {}"),
    (
        "Laporan wilayah: jumlah rumah tangga dan anggota, sebaran desil, penerima program dan usulan per tahap, untuk wilayah ini dan wilayah di bawahnya. Klik nama wilayah untuk turun satu tingkat; unduh tabelnya sebagai XLSX atau CSV.",
        "The region's report: households and members, their spread over deciles, programme beneficiaries and proposals by stage, for this region and the regions below it. Click a region's name to go down one level; download its tables as XLSX or CSV.",
    ),
    (
        "Ringkasan untuk umum: hanya jumlah, tanpa data pribadi. Data berasal dari register kesejahteraan sosial yang dikelola siks.",
        "A summary for the public: counts only, no personal data. The data come from the social welfare register kept in siks.",
    ),
    (
        "Periode daftar penerima (TTTT-BB, kosong: terbaru)",
        "Period of the beneficiary lists (YYYY-MM, empty: the latest)",
    ),
    (
        "Laporan wilayah di bawahnya",
        "Reports of the regions below",
    ),
    ("Belum ada data.", "No data yet."),
    ("Unduh tabel:", "Download the table:"),
    // dashboard.html
    ("Dasbor {}", "Dashboard: {}"),
    (
        "Dasbor meringkas wilayah kerja Anda: jumlah rumah tangga dan anggota menurut status, dan wilayah di bawahnya. <strong>Tugas Anda</strong> menghitung apa yang menunggu Anda; setiap baris membuka daftarnya. Mulailah dari tugas yang paling atas, lalu kembali ke sini.",
        "The dashboard sums up your area: households and members by status, and the regions below it. <strong>Your tasks</strong> counts what is waiting for you; each line opens its list. Start with the top task, then come back here.",
    ),
    ("Tugas Anda", "Your tasks"),
    (
        "Tidak ada yang menunggu Anda saat ini.",
        "Nothing is waiting for you now.",
    ),
    ("Jumlah", "Total"),
    ("Anggota rumah tangga", "Household members"),
    ("Lihat daftar rumah tangga", "See the list of households"),
    ("Kode", "Code"),
    ("Nama", "Name"),
    ("Rumah tangga aktif", "Active households"),
    (
        "Belum ada data di wilayah ini.",
        "No data in this region yet.",
    ),
    ("Usulan dalam proses", "Proposals under way"),
    (
        "Tidak ada usulan yang sedang diproses.",
        "No proposals are under way.",
    ),
    ("Wilayah", "Region"),
    // subject.html
    ("anggota: {}", "member: {}"),
    ("temuan: {}", "finding: {}"),
    ("pindaian belum diunggah", "scan not uploaded yet"),
    // jobs.html
    (
        "Pekerjaan panjang (pemeriksaan verivali, penutupan periode, pembangunan daftar penerima, unggahan) berjalan di server; di sini 50 pekerjaan terakhir Anda dengan keadaan dan hasilnya. Halaman pekerjaan boleh ditutup; pekerjaan tetap berjalan.",
        "Long work (verivali checks, period closes, building beneficiary lists, uploads) runs on the server; here are your last 50 jobs with their state and outcome. You may close a job's page; the job keeps running.",
    ),
    ("Proses di server", "Jobs on the server"),
    ("Belum ada proses.", "No jobs yet."),
    ("Keadaan", "State"),
    ("Dimulai", "Started"),
    ("Hasil", "Outcome"),
];
