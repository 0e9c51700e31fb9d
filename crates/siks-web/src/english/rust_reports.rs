//! The English of the texts built in Rust, part reports (see `crate::lang`).

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // reports.rs: the report's sections, their charts and tables.
    ("Wilayah", "Region"),
    ("Jumlah", "Total"),
    ("Kode", "Code"),
    (
        "Rumah tangga menurut status, {}",
        "Households by status, {}",
    ),
    (
        "Rumah tangga menurut status per {}",
        "Households by status per {}",
    ),
    ("Rumah tangga aktif", "Active households"),
    ("Rumah tangga usulan", "Proposed households"),
    ("Rumah tangga nonaktif", "Inactive households"),
    ("Anggota aktif", "Active members"),
    ("Anggota usulan", "Proposed members"),
    ("Anggota nonaktif", "Inactive members"),
    ("Desil {}", "Decile {}"),
    ("Belum diperingkat", "Not yet ranked"),
    ("belum", "unranked"),
    (
        "Rumah tangga aktif menurut desil, {}",
        "Active households by decile, {}",
    ),
    (
        "Rumah tangga aktif menurut desil (1: termiskin)",
        "Active households by decile (1: poorest)",
    ),
    ("{}: rumah tangga", "{}: households"),
    ("{}: penerima", "{}: beneficiaries"),
    ("{}: nilai setahun (Rp)", "{}: yearly amount (Rp)"),
    (
        "Penerima program periode {}, {}",
        "Programme beneficiaries, period {}, {}",
    ),
    (
        "Rumah tangga penerima per program, periode {}",
        "Beneficiary households per programme, period {}",
    ),
    ("Penerima program, {}", "Programme beneficiaries, {}"),
    ("Keterangan", "Note"),
    (
        "Belum ada daftar penerima untuk periode ini; Kementerian membangunnya di halaman Program.",
        "There is no beneficiary list for this period yet; the Ministry builds it on the Programmes page.",
    ),
    (
        "Kualitas data: rumah tangga aktif valid dan tidak valid, {}",
        "Data quality: valid and not valid active households, {}",
    ),
    (
        "Rumah tangga aktif valid dan tidak valid (temuan galat terbuka)",
        "Valid and not valid active households (open error findings)",
    ),
    ("Valid", "Valid"),
    ("Tidak valid", "Not valid"),
    ("Rumah tangga valid", "Valid households"),
    ("Rumah tangga tidak valid", "Not valid households"),
    ("Anggota valid", "Valid members"),
    ("Anggota tidak valid", "Not valid members"),
    ("Usulan per tahap", "Proposals per stage"),
    ("Usulan menurut tahap, {}", "Proposals by stage, {}"),
    (
        "Rumah tangga aktif per periode, {}",
        "Active households per period, {}",
    ),
    (
        "Rumah tangga aktif saat periode ditutup",
        "Active households when the period was closed",
    ),
    ("Perubahan rumah tangga", "Change in households"),
    // programmes.rs: the programmes page, the rules page.
    ("dan", "and"),
    ("atau", "or"),
    ("bukan", "not"),
    (
        "(sudah keluar dari register)",
        "(no longer in the register)",
    ),
    ("rumah tangga", "household"),
    ("keluarga", "family"),
    ("orang", "person"),
    ("anak", "child"),
    ("kelompok keluarga", "group of families"),
    ("komunitas (desa)", "community (village)"),
    ("bawaan siks", "built into siks"),
    ("versi {}", "version {}"),
    ("definisi bawaan siks", "the definition built into siks"),
    ("(program baru)", "(new programme)"),
    (
        "Versi {} disimpan dan berlaku",
        "Version {} saved and in force",
    ),
    // findings.rs: findings, data quality, outside lists.
    (
        "pilih open, fixed atau dismissed",
        "choose open, fixed or dismissed",
    ),
    (
        "jenis temuan {} tidak dikenal",
        "unknown kind of finding {}",
    ),
    ("Rumah tangga {}", "Household: {}"),
    ("{}–{} dari {}", "{}–{} of {}"),
    ("Temuan diabaikan", "Finding dismissed"),
    ("pilih jenis daftar", "choose the kind of list"),
    ("pilih berkas CSV", "choose a CSV file"),
    (
        "{} dari {} diimpor ({} baris)",
        "{} from {} imported ({} rows)",
    ),
    (
        "{}; belum dicocokkan: {}, lalu jalankan pemeriksaan lagi",
        "{}; not matched yet: {}, then run the checks again",
    ),
    // users.rs: the accounts page.
    ("Nonaktifkan", "Deactivate"),
    ("Aktifkan", "Activate"),
    ("wilayah kerja: {}", "area: {}"),
    ("Akun {} dibuat.", "Account {} created."),
    ("Akun diaktifkan.", "Account activated."),
    (
        "Akun dinonaktifkan; sesi-sesinya berakhir.",
        "Account deactivated; its sessions have ended.",
    ),
    // jobs.rs: a job's name on its pages.
    ("wilayah {}", "region {}"),
    ("Pemeriksaan verivali {}", "Verivali check of {}"),
    (
        "Pemeriksaan verivali seluruh wilayah kerja",
        "Verivali check of your whole area",
    ),
    ("Penutupan periode {}", "Closing of the period {}"),
    (
        "Pembangunan daftar penerima periode {}",
        "Building the beneficiary lists of {}",
    ),
    ("Uji coba aturan program {}", "Rule dry run of programme {}"),
    // upload.rs: uploads of filled-in templates.
    (
        "Rumah tangga baru dengan anggotanya",
        "New households with their members",
    ),
    ("Perbaikan anggota", "Member corrections"),
    ("Perbaikan rumah tangga", "Household corrections"),
    ("Usulan penghapusan", "Removal proposals"),
    ("Hasil verivali", "Verivali results"),
    ("berjalan", "running"),
    ("ditolak", "refused"),
    (
        "pilih berkas .xlsx atau .csv",
        "choose an .xlsx or .csv file",
    ),
    (
        "berkas harus .xlsx atau .csv",
        "the file must be .xlsx or .csv",
    ),
    ("jenis unggahan tidak dikenal", "unknown kind of upload"),
    (
        "{} temuan diselesaikan, {} sudah diselesaikan sebelumnya, {} baris bermasalah",
        "{} findings settled, {} already settled before, {} rows with problems",
    ),
    (
        "{} usulan rumah tangga baru dibuat (draf), {} sudah terdaftar di register, {} sudah diusulkan, {} baris bermasalah",
        "{} new household proposals created (draft), {} already in the register, {} already proposed, {} rows with problems",
    ),
    (
        "{} usulan penghapusan dibuat (draf), {} baris sama dengan register, {} sudah diusulkan, {} baris bermasalah",
        "{} removal proposals created (draft), {} rows the same as the register, {} already proposed, {} rows with problems",
    ),
    (
        "{} usulan perbaikan dibuat (draf), {} baris sama dengan register, {} sudah diusulkan, {} baris bermasalah",
        "{} correction proposals created (draft), {} rows the same as the register, {} already proposed, {} rows with problems",
    ),
    ("{}; dibatalkan", "{}; cancelled"),
    (
        "Terjadi galat di server; tidak semua baris tersimpan. Unggah lagi: baris yang sudah tersimpan tidak dibuat dua kali.",
        "An error occurred on the server; not every row was saved. Upload again: rows already saved are not created twice.",
    ),
    ("{}; tidak ada yang disimpan", "{}; nothing was saved"),
    (
        "Dibatalkan: {} usulan sudah tersimpan sebelum dibatalkan (masing-masing utuh); unggah lagi untuk melanjutkan, yang sudah ada tidak dibuat dua kali.",
        "Cancelled: {} proposals were saved before the cancellation (each one whole); upload again to go on, those already saved are not created twice.",
    ),
    (
        "Dibatalkan: tidak ada yang disimpan.",
        "Cancelled: nothing was saved.",
    ),
    (
        "Tidak ada yang disimpan: perbaiki baris bermasalah, atau centang \"simpan baris yang sah\".",
        "Nothing was saved: fix the rows with problems, or tick \"Save the valid rows\".",
    ),
    ("Menyimpan usulan", "Saving proposals"),
    ("Memeriksa baris", "Checking rows"),
];
