//! The English of the pages' templates, part c (see `crate::lang`).

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // lists.html
    (
        "Daftar dari luar (Dukcapil, kematian, ASN/TNI/Polri, pengecualian) dicocokkan dengan register pada setiap pemeriksaan. Unggah berkas daftar beserta sumber dan tanggalnya; berkas yang bermasalah ditolak seluruhnya dengan alasan per baris.",
        "Lists from outside (Dukcapil civil registry, deaths, civil servants/army/police, exclusions) are matched against the register at every check. Upload a list file with its source and date; a file with problems is refused as a whole, with the reason for each row.",
    ),
    (
        "Data Dukcapil, daftar kematian, ASN/TNI/Polri dan daftar pengecualian dicocokkan dengan register pada setiap pemeriksaan: tepat pada NIK, dan tanpa NIK pada nama, tanggal lahir, jenis kelamin dan tempat lahir. Daftar yang sangat besar (data Dukcapil nasional) diimpor oleh pengelola server.",
        "Dukcapil civil registry data, death lists, civil servant/army/police (ASN/TNI/Polri) lists and exclusion lists are matched against the register at every check: exactly on the NIK, and without a NIK on name, date of birth, sex and place of birth. Very large lists (the national Dukcapil data) are imported by the server's administrators.",
    ),
    (
        "Berkas ditolak; tidak ada yang disimpan:",
        "File refused; nothing was saved:",
    ),
    ("Jenis daftar", "Kind of list"),
    (
        "Sumber (mis. Dukcapil, BKN, PLN)",
        "Source (e.g. Dukcapil, BKN, PLN)",
    ),
    (
        "Berkas CSV (UTF-8). Baris pertama memuat judul kolom: NIK, Nama, Tanggal lahir (wajib), Status kependudukan (wajib untuk data Dukcapil), dan bila ada Jenis kelamin, Tempat lahir, No KK, Tanggal meninggal, Jenis aparatur, Instansi, Alasan.",
        "CSV file (UTF-8). The first row holds the column headings: nik, full_name, birth_date (required), status (the population status; required for Dukcapil data), and where present sex, birth_place, no_kk (family card number), date_of_death, kind (of civil servant), institution, reason. The Indonesian headings of the list are accepted too.",
    ),
    ("Impor lalu periksa", "Import and check"),
    (
        "Belum ada daftar yang diimpor.",
        "No list has been imported yet.",
    ),
    ("Diimpor", "Imported"),
    ("Jenis", "Kind"),
    ("Sumber", "Source"),
    ("Berkas", "File"),
    ("Baris", "Rows"),
    ("Status", "Status"),
    ("Oleh", "By"),
    ("berlaku", "in force"),
    ("diganti", "replaced"),
    // upload.html
    ("Unggah lembar kerja", "Upload a spreadsheet"),
    (
        "Unggah banyak rumah tangga baru, perbaikan anggota atau hasil verivali sekaligus dari templat XLSX/CSV. Berkas diperiksa baris demi baris; setiap baris yang bermasalah ditunjukkan dengan kolom dan alasannya. Yang sah menjadi usulan, bukan perubahan register.",
        "Upload many new households, member corrections or verivali (verification and validation) results at once from an XLSX/CSV template. The file is checked row by row; every row with a problem is shown with its column and the reason. What is valid becomes proposals, not changes to the register.",
    ),
    ("Rumah tangga baru: isi", "New households: fill in the"),
    ("templat rumah tangga baru", "new household template"),
    (
        "(lembar Rumah tangga dan Anggota, dihubungkan dengan No. ruta). Perbaikan: unduh anggota wilayah Anda",
        "(a sheet of households and a sheet of members, linked by the household number). Corrections: download the members of your area",
    ),
    ("rumah tangga", "household"),
    ("atau", "or"),
    ("templat perbaikan", "the correction template"),
    (
        "ubah sel yang salah, lalu unggah. Untuk penghapusan dan hasil verivali pakai",
        "change the wrong cells, then upload. For removals and verivali results use the",
    ),
    ("templat penghapusan", "removal template"),
    ("dan", "and"),
    ("templat hasil verivali", "the verivali results template"),
    (
        "Setiap baris menjadi usulan (draf) yang diperiksa dengan aturan yang sama dengan formulir; baris yang sama dengan register atau yang sudah diusulkan tidak membuat apa-apa, jadi berkas yang sama boleh diunggah lagi. Laporan galat dapat diperbaiki di tempat lalu diunggah lagi. Batas: 30 MiB, 400 MiB bila XLSX dibuka, 200.000 baris, 256 kolom, 12.000.000 sel.",
        "Every row becomes a proposal (a draft) checked by the same rules as the form; a row that equals the register or is already proposed makes nothing, so the same file may be uploaded again. The error report can be corrected in place and uploaded again. Limits: 30 MiB, 400 MiB once an XLSX is unpacked, 200.000 rows, 256 columns, 12.000.000 cells.",
    ),
    ("Berkas (.xlsx atau .csv)", "File (.xlsx or .csv)"),
    (
        "Simpan baris yang sah walaupun ada baris bermasalah (tanpa ini: tidak ada yang disimpan bila satu baris pun bermasalah)",
        "Save the valid rows even if some rows have problems (without this, nothing is saved if even one row has a problem)",
    ),
    ("Unggah", "Upload"),
    ("Unggahan terakhir Anda", "Your last uploads"),
    ("Keadaan", "State"),
    // close_confirm.html
    ("Tutup periode {}", "Close period {}"),
    (
        "Periksa angka di bawah sebelum menutup periode: yang ditetapkan mengubah register, yang dikembalikan kembali ke desa/kelurahan dengan alasannya. Penutupan tidak bisa dibatalkan; pemeriksaan verivali berjalan sesudahnya.",
        "Check the figures below before closing the period: what is determined changes the register, what is returned goes back to the village with its reason. A close cannot be undone; the verivali check runs after it.",
    ),
    ("Tutup periode {}?", "Close period {}?"),
    ("Penutupan akan menetapkan", "The close will determine"),
    ("usulan dan mengembalikan", "proposals and return"),
    (
        "usulan ke desa/kelurahannya dengan alasannya. Belum ada yang ditulis: register berubah setelah Anda menekan tombol di bawah. Sebelum menetapkan, seluruh register diperiksa ulang (verivali).",
        "proposals to their villages with their reasons. Nothing has been written yet: the register changes after you press the button below. Before determining, the whole register is checked again (verivali).",
    ),
    (
        "Tidak ada usulan yang diterima: penutupan hanya mencatat periode dan jumlah per desa/kelurahan.",
        "No proposal has been accepted: the close only records the period and the counts per village.",
    ),
    ("Kabupaten/kota", "Regency/city"),
    ("Yang ditetapkan, per jenis", "Determined, by kind"),
    ("Yang akan dikembalikan", "To be returned"),
    ("Desa/kelurahan", "Village"),
    ("Alasan", "Reason"),
    ("buka", "open"),
    ("{} pertama dari {}.", "The first {} of {}."),
    ("Ya, tutup periode {}", "Yes, close period {}"),
    ("Batal", "Cancel"),
    // upload_job.html
    ("Unggahan {}", "Upload {}"),
    (
        "Kemajuan dan hasil satu unggahan. Baris yang bermasalah ditunjukkan dengan nomor baris, kolom dan alasannya; perbaiki berkasnya lalu unggah lagi.",
        "The progress and result of one upload. Rows with problems are shown with the row number, column and reason; correct the file, then upload it again.",
    ),
    ("unggah berkas lain", "upload another file"),
    ("{}: {} dari {}", "{}: {} of {}"),
    (
        "Halaman ini memperbarui diri setiap detik; boleh ditutup atau dimuat ulang, unggahan tetap berjalan.",
        "This page refreshes itself every second; it may be closed or reloaded, the upload keeps running.",
    ),
    ("Membatalkan…", "Cancelling…"),
    ("Batalkan", "Cancel"),
    (
        "Unduh laporan galat (XLSX)",
        "Download the error report (XLSX)",
    ),
    (
        "salinan berkas Anda, sel bermasalah ditandai, kolom Masalah berisi alasannya. Perbaiki di tempat lalu unggah lagi.",
        "a copy of your file with the cells in error marked and a column “Masalah” (problem) giving the reason. Correct it in place, then upload it again.",
    ),
    ("Lembar", "Sheet"),
    ("Kolom", "Column"),
    ("Isi", "Value"),
    ("Masalah", "Problem"),
    (
        "{} masalah lainnya tidak ditampilkan di sini: semuanya ada di laporan galat.",
        "{} more problems are not shown here: all of them are in the error report.",
    ),
    // users.html
    (
        "Akun pengguna di bawah wilayah kerja Anda: buat akun baru dengan peran dan wilayah kerjanya, atau nonaktifkan akun yang tidak dipakai lagi (misalnya karena mutasi).",
        "The user accounts under your area: create a new account with its role and area, or deactivate an account no longer used (for instance after a transfer).",
    ),
    ("Nama pengguna", "Username"),
    ("Nama", "Name"),
    ("Peran", "Role"),
    ("Wilayah kerja", "Area"),
    ("Buat akun", "Create account"),
    (
        "Nama pengguna (huruf kecil, angka, titik)",
        "Username (lower-case letters, digits, dots)",
    ),
    ("Nama lengkap", "Full name"),
    (
        "Wilayah kerja (kode wilayah, atau * untuk seluruh Indonesia)",
        "Area (a region code, or * for the whole of Indonesia)",
    ),
    (
        "Kata sandi awal (minimal 12 karakter; kalimat beberapa kata lebih mudah diingat)",
        "First password (at least 12 characters; a phrase of a few words is easier to remember)",
    ),
    // ratify.html
    ("Pengesahan {}", "Ratification {}"),
    (
        "Usulan yang sudah diverifikasi Dinas Sosial menunggu pengesahan bupati/wali kota. Centang yang disahkan (atau tolak dengan alasan), lalu simpan: semuanya menjadi satu daftar pengesahan bernomor yang bisa dicetak.",
        "Proposals verified by the Social Affairs Office await ratification by the regent/mayor. Tick those ratified (or reject them with a reason), then save: they all become one numbered ratification list that can be printed.",
    ),
    (
        "Pilih kabupaten/kota yang daftar pengesahannya akan dibuat:",
        "Choose the regency/city whose ratification list is to be made:",
    ),
    (
        "Tidak ada usulan yang menunggu pengesahan di wilayah kerja Anda.",
        "No proposal awaits ratification in your area.",
    ),
    ("({} usulan)", "({} proposals)"),
    (
        "Tidak ada usulan yang menunggu pengesahan.",
        "No proposal awaits ratification.",
    ),
    (
        "{} usulan sudah diverifikasi Dinas Sosial dan menunggu pengesahan. Semua yang dicentang disahkan bersama sebagai satu daftar bernomor.",
        "{} proposals have been verified by the Social Affairs Office and await ratification. All those ticked are ratified together as one numbered list.",
    ),
    ("Pilih semua", "Select all"),
    (
        "Kepala rumah tangga dan alamat",
        "Head of household and address",
    ),
    ("Jenis usulan", "Kind of proposal"),
    ("Sahkan", "Ratify"),
    // form.html
    (
        "Data belum disimpan. Periksa isian berikut:",
        "Nothing has been saved yet. Check these entries:",
    ),
    ("Alasan (wajib)", "Reason (required)"),
    // job.html
    (
        "Pekerjaan ini berjalan di server. Halaman memperbarui diri sendiri; boleh ditutup dan dibuka lagi dari menu Proses. Hasilnya tampil di sini setelah selesai.",
        "This job runs on the server. The page refreshes itself; it may be closed and opened again from the Jobs menu. The result shows here once it is done.",
    ),
    ("Dimulai {}", "Started {}"),
    ("dijalankan {} kali", "run {} times"),
    ("semua tugas Anda", "all your jobs"),
    ("Keadaan:", "State:"),
    ("{}: langkah {} dari {}", "{}: step {} of {}"),
    (
        "Halaman ini memperbarui diri setiap detik; boleh ditutup atau dimuat ulang, tugas tetap berjalan di server.",
        "This page refreshes itself every second; it may be closed or reloaded, the job keeps running on the server.",
    ),
    ("Buka halamannya", "Open its page"),
    ("Jalankan lagi", "Run again"),
    // member.html
    ("Anggota {}", "Member {}"),
    (
        "Data satu anggota rumah tangga dan semua usulan tentang dirinya. Perbaikan dan penghapusan diajukan sebagai usulan dan baru berlaku setelah ditetapkan pada penutupan periode.",
        "The data of one household member and every proposal about them. Corrections and removals are made as proposals and take effect only once determined at a period close.",
    ),
    ("Kembali ke rumah tangga", "Back to the household"),
    ("Versi", "Version"),
    ("Usulkan perbaikan", "Propose a correction"),
    ("Usulkan penghapusan", "Propose removal"),
    ("Usulan tentang anggota ini", "Proposals about this member"),
    ("Belum ada usulan.", "No proposals yet."),
    ("Tahap", "Stage"),
    ("Keputusan / alasan terakhir", "Decision / last reason"),
    ("Riwayat perubahan register", "History of register changes"),
    ("Waktu", "Time"),
    ("Perubahan", "Change"),
    // quality.html
    (
        "Kualitas data per wilayah menurut pemeriksaan terakhir: seseorang tidak sah selama ada temuan galat terbuka atas dirinya atau rumah tangganya. Klik jumlah temuan untuk membuka daftarnya.",
        "Data quality per region according to the last check: a person is not valid while an open error finding stands against them or their household. Click a number of findings to open their list.",
    ),
    ("Kualitas data: {}", "Data quality: {}"),
    (
        "Menurut pemeriksaan terakhir: seseorang tidak sah selama ada temuan galat terbuka atas dirinya atau atas rumah tangganya.",
        "According to the last check: a person is not valid while an open error finding stands against them or against their household.",
    ),
    ("Lihat temuan", "See the findings"),
    ("Wilayah", "Region"),
    ("Orang sah", "Valid persons"),
    ("Tidak sah", "Not valid"),
    ("Bagian sah", "Share valid"),
    ("Rumah tangga sah", "Valid households"),
    // guide_book.html
    ("Panduan {}", "Guide: {}"),
    (
        "Panduan kerja setiap peran: tugas-tugasnya menurut urutan kerja, langkah demi langkah, dengan gambar halaman tempat tugas itu dikerjakan. Gambar diambil dari halaman yang sebenarnya setiap kali aplikasi diuji, jadi selalu sesuai. Pilih peran lain di bawah untuk melihat pekerjaan mereka; arti istilah ada di halaman",
        "The work guide of every role: its tasks in the order of the work, step by step, with a picture of the page where each task is done. The pictures are taken from the real pages every time the application is tested, so they always match. Choose another role below to see their work; for the meaning of the terms see the",
    ),
    ("Panduan: {}", "Guide: {}"),
    ("Halaman untuk: {}", "The page for: {}"),
    // audit.html
    (
        "Log audit mencatat setiap perubahan dan setiap kali data pribadi dilihat: siapa, kapan, dari mana, atas data apa. Rantai hash menunjukkan apakah log masih utuh. Saring dengan nomor data untuk melihat jejak satu rumah tangga, orang atau pengguna.",
        "The audit log records every change and every time personal data is viewed: who, when, from where, on what data. The hash chain shows whether the log is still intact. Filter by a record number to see the trail of one household, person or user.",
    ),
    (
        "Nomor data (rumah tangga, anggota, akun)",
        "Record number (household, member, account)",
    ),
    ("Saring", "Filter"),
    ("No", "No."),
    ("Tindakan", "Action"),
    ("Data", "Data"),
    ("Rincian", "Details"),
    ("Dari", "From"),
    // password.html
    ("Ganti kata sandi", "Change password"),
    (
        "Ganti kata sandi Anda: masukkan kata sandi lama, lalu yang baru dua kali. Gunakan kata sandi panjang yang tidak dipakai di tempat lain.",
        "Change your password: enter the old password, then the new one twice. Use a long password that you use nowhere else.",
    ),
    (
        "Kata sandi sudah diganti.",
        "The password has been changed.",
    ),
    ("Kata sandi sekarang", "Current password"),
    (
        "Kata sandi baru (minimal 12 karakter; kalimat beberapa kata lebih mudah diingat)",
        "New password (at least 12 characters; a phrase of a few words is easier to remember)",
    ),
    ("Ulangi kata sandi baru", "Repeat the new password"),
    ("Simpan", "Save"),
    // login.html
    ("Masuk", "Sign in"),
    (
        "Masuk dengan nama pengguna dan kata sandi dari admin wilayah Anda. Setelah lima kali salah, percobaan berikutnya harus menunggu sebentar, makin lama setiap kali salah lagi.",
        "Sign in with the username and password from your area's administrator. After five wrong attempts each next try waits a little, longer after each further failure.",
    ),
    ("Masuk ke siks", "Sign in to siks"),
    ("Tanpa akun:", "Without an account:"),
    (
        "ringkasan register per provinsi",
        "the register's summary by province",
    ),
    (
        "(hanya jumlah, tanpa data pribadi).",
        "(counts only, no personal data).",
    ),
    // preview.html
    (
        "Periksa perubahan yang akan diusulkan. Register baru berubah setelah usulan melewati musdes, verifikasi Dinas Sosial, pengesahan dan penetapan periode.",
        "Check the changes to be proposed. The register changes only after the proposal has passed the musdes (village meeting), the Social Affairs Office's verification, ratification and the period's determination.",
    ),
    ("Isian", "Field"),
    ("Sekarang", "Now"),
    (
        "Simpan sebagai usulan perbaikan",
        "Save as a correction proposal",
    ),
    ("Kembali ke isian", "Back to the form"),
    // papers.html
    (
        "Berita acara musdes, SPTJM dan daftar pengesahan yang dibuat di wilayah kerja Anda. Buka dokumen untuk mencetaknya atau mengunduh PDF-nya; unggah pindaian yang sudah ditandatangani bila masih <strong>belum</strong>.",
        "Minutes of the musdes (village meeting), SPTJMs (statements of absolute responsibility) and ratification lists made in your area. Open a document to print it or download its PDF; upload the signed scan while it still says <strong>not yet</strong>.",
    ),
    (
        "Berita acara, SPTJM dan daftar pengesahan",
        "Minutes, SPTJMs and ratification lists",
    ),
    (
        "Belum ada dokumen di wilayah kerja Anda.",
        "No documents in your area yet.",
    ),
    ("Tanggal / nomor", "Date / number"),
    ("Dibuat", "Created"),
    ("Pindaian", "Scan"),
    ("ada", "present"),
    // The bare "belum" is a ranking's "unranked" (rust_reports): the cell keeps its markup.
    ("<strong>belum</strong>", "<strong>not yet</strong>"),
    // Values of fields these templates wrap with t(), filled in Rust with fixed words that
    // neither `domain` nor the coded labels hold.
    // papers.html: the kinds of paper (workflow::papers).
    ("Berita acara musdes", "Musdes minutes"),
    ("SPTJM", "SPTJM"),
    ("Daftar pengesahan", "Ratification list"),
    // member.html: the member's fields (pages::member_page; NIK and No KK are in `domain`, the
    // sex and presence in templates_a).
    (
        "Hubungan dengan kepala rumah tangga",
        "Relation to the head of household",
    ),
    ("Tempat, tanggal lahir", "Place and date of birth"),
    ("Nama ibu kandung", "Mother's maiden name"),
    ("Status perkawinan", "Marital status"),
    ("Status di register", "Status in the register"),
    // job.html: a running job's phase as the service records it (siks-store/siks-service jobs).
    ("menunggu giliran", "waiting for its turn"),
    ("dimulai", "started"),
    ("memeriksa rumah tangga", "checking households"),
    (
        "membangun daftar penerima",
        "building the beneficiary lists",
    ),
    ("menilai setiap rumah tangga", "assessing every household"),
    (
        "memeriksa seluruh register dan menetapkan usulan",
        "checking the whole register and determining proposals",
    ),
    (
        "periode ditutup; menyimpan temuan",
        "period closed; saving findings",
    ),
    // subject_report.html and subjects.rs
    ("Laporan subjek data", "Data subject's report"),
    (
        "Bila seseorang meminta datanya (UU 27/2022 Pasal 32), masukkan NIK-nya: laporan ini memuat datanya, anggota rumah tangganya tanpa data spesifik mereka, riwayat perubahan, usulan, dan siapa saja yang memproses datanya. Serahkan dalam 3×24 jam; perbaikan yang ia minta dicatat di bawah laporan dan masuk ke antrean desanya.",
        "When a person asks for their data (Law 27/2022, article 32), enter their NIK: this report holds their data, their household's members without those members' specific data, the changes, the proposals, and everyone who processed their data. Hand it over within 3×24 hours; a correction they ask for is recorded below the report and goes to their village's queue.",
    ),
    ("NIK orang yang meminta", "NIK of the person asking"),
    ("Tampilkan laporan", "Show the report"),
    ("Unduh laporan (XLSX)", "Download the report (XLSX)"),
    ("Halaman anggota", "Member page"),
    ("Data pribadi", "Personal data"),
    (
        "Anggota rumah tangga lainnya (data spesifik disamarkan)",
        "Other members of the household (specific data withheld)",
    ),
    ("Tidak ada anggota lain.", "No other members."),
    ("Riwayat perubahan data", "History of changes to the data"),
    ("Belum ada perubahan.", "No changes yet."),
    (
        "Usulan tentang rumah tangga ini",
        "Proposals about this household",
    ),
    ("Belum ada usulan.", "No proposals yet."),
    (
        "Rekam jejak pemrosesan (siapa melihat, mengubah atau mengusulkan)",
        "Processing trail (who viewed, changed or proposed)",
    ),
    ("Akun", "Account"),
    ("Dari alamat", "From address"),
    (
        "Belum ada pemrosesan tercatat.",
        "No processing recorded yet.",
    ),
    (
        "Tidak ada orang dengan NIK itu di wilayah kerja Anda.",
        "No person with that NIK in your area of work.",
    ),
    ("NIK: {}", "NIK: {}"),
    // The member page's masked fields and their reveal (issue 19).
    ("Kesehatan", "Health"),
    ("(disembunyikan)", "(withheld)"),
    ("tidak ada catatan", "nothing recorded"),
    ("Tujuan membuka data", "Purpose of revealing the data"),
    ("Pilih tujuan…", "Choose a purpose…"),
    (
        "NIK dan No KK disamarkan; nama ibu kandung dan data kesehatan hanya untuk petugas pendataan dan verifikasi. Tampilkan satu kolom bila perlu, dengan tujuannya: setiap pembukaan dicatat di log audit.",
        "NIK and No KK are masked; the mother's maiden name and health data are for the staff who collect and verify them. Show one field when you need it, with its purpose: every reveal is recorded in the audit log.",
    ),
    (
        "Mencocokkan dengan KK/KTP",
        "Checking against the family card or ID card",
    ),
    ("Menyiapkan perbaikan data", "Preparing a correction"),
    (
        "Menindaklanjuti pengaduan atau sanggahan",
        "Following up a complaint or an objection",
    ),
    ("Permintaan pemilik data", "The data subject's own request"),
    (
        "Memeriksa data ganda atau temuan",
        "Checking a duplicate or a finding",
    ),
    // The members' download page and its warning (issue 19).
    ("Unduh anggota (BNBA)", "Download members (BNBA)"),
    (
        "Daftar anggota menurut nama dan alamat wilayah Anda, sebagai XLSX atau CSV. NIK dan No KK disamarkan kecuali Anda memerlukannya utuh (misalnya untuk memperbaiki data lewat unggahan) dan menyebut tujuannya; setiap unduhan dicatat di log audit.",
        "The members of your area by name by address, as XLSX or CSV. NIK and No KK are masked unless you need them whole (for instance to correct records by upload) and state the purpose; every download is recorded in the audit log.",
    ),
    (
        "Data pribadi dilindungi undang-undang.",
        "Personal data is protected by law.",
    ),
    (
        "Berkas ini memuat data pribadi warga yang dilindungi UU 27/2022 tentang Pelindungan Data Pribadi. Memperoleh, mengungkapkan atau menggunakan data pribadi yang bukan miliknya secara melawan hukum dilarang (Pasal 65) dan diancam pidana penjara paling lama 4 sampai 5 tahun dan/atau denda paling banyak Rp4 sampai 5 miliar (Pasal 67).",
        "This file holds citizens' personal data protected by Law 27/2022 on Personal Data Protection. Unlawfully obtaining, disclosing or using personal data that is not one's own is prohibited (Article 65) and punishable by up to 4 to 5 years in prison and/or a fine of up to Rp4 to 5 billion (Article 67).",
    ),
    (
        "Unduh hanya untuk tugas Anda, simpan di perangkat dinas, jangan dibagikan, dan hapus bila tidak lagi diperlukan.",
        "Download only for your duties, keep it on an official device, do not share it, and delete it when no longer needed.",
    ),
    ("NIK dan No KK disamarkan", "NIK and No KK masked"),
    (
        "NIK dan No KK utuh, untuk tujuan:",
        "NIK and No KK whole, for the purpose:",
    ),
    (
        "Peran Anda mengunduh NIK dan No KK yang disamarkan saja.",
        "Your role downloads NIK and No KK masked only.",
    ),
    ("Unduh XLSX", "Download XLSX"),
    ("Unduh CSV", "Download CSV"),
    (
        "NIK disamarkan cukup, kecuali untuk memperbaiki NIK",
        "masked NIKs will do, unless you correct a NIK",
    ),
    (
        "siks memuat data pribadi warga yang dilindungi UU 27/2022. Gunakan hanya untuk tugas Anda: memperoleh, mengungkapkan atau menggunakan data pribadi orang lain secara melawan hukum diancam pidana (Pasal 65 dan 67). Setiap tampilan, pencarian dan unduhan dicatat.",
        "siks holds citizens' personal data protected by Law 27/2022. Use it only for your duties: unlawfully obtaining, disclosing or using other people's personal data is a crime (Articles 65 and 67). Every view, search and download is recorded.",
    ),
    // The privacy notice (issue 19 item 9).
    ("Privasi", "Privacy"),
    ("Pemberitahuan privasi", "Privacy notice"),
    ("Dasar pemrosesan", "Lawful basis"),
    (
        "siks memproses data pribadi untuk melaksanakan tugas pemerintah di bidang kesejahteraan sosial: mendata keluarga miskin dan tidak mampu serta menentukan penerima bantuan sosial dan jaminan kesehatan (UU 27/2022 Pasal 20 ayat (2) huruf e: pelaksanaan tugas dalam rangka kepentingan umum atau pelayanan publik; UU 13/2011 tentang Penanganan Fakir Miskin).",
        "siks processes personal data to carry out the government's task in social welfare: registering poor and vulnerable families and deciding who receives social assistance and health insurance (Law 27/2022 Article 20(2)(e): a task in the public interest or a public service; Law 13/2011 on the Handling of the Poor).",
    ),
    ("Data yang disimpan", "What is kept"),
    (
        "Identitas anggota rumah tangga: nama, NIK, No KK, tempat dan tanggal lahir, jenis kelamin, hubungan keluarga, nama ibu kandung.",
        "The identity of household members: name, NIK, No KK, place and date of birth, sex, family relation, mother's maiden name.",
    ),
    (
        "Data spesifik: disabilitas, penyakit kronis, kehamilan, serta data anak. NIK, No KK, nama ibu kandung dan data kesehatan disimpan terenkripsi.",
        "Specific data: disability, chronic illness, pregnancy, and children's data. NIK, No KK, mother's maiden name and health data are stored encrypted.",
    ),
    (
        "Keadaan rumah dan aset, pendidikan dan pekerjaan, foto rumah, serta program bantuan yang diterima.",
        "The state of the house and assets, schooling and work, photos of the house, and the assistance programmes received.",
    ),
    (
        "Riwayat setiap perubahan dan setiap pemrosesan: siapa melihat, mencari, mengunduh atau mengubah data, kapan dan dari mana.",
        "The history of every change and every processing: who viewed, searched, downloaded or changed the data, when and from where.",
    ),
    ("Siapa yang dapat melihat", "Who can see it"),
    (
        "Hanya petugas berakun, sebatas wilayah kerjanya: operator desa dan kecamatan, Dinas Sosial kabupaten/kota dan provinsi, Kementerian Sosial, serta auditor. NIK dan No KK disamarkan di layar; membukanya memerlukan tujuan yang dicatat. Nama ibu kandung dan data kesehatan hanya untuk petugas pendataan dan verifikasi. Masyarakat umum hanya melihat jumlah, tanpa data pribadi.",
        "Only staff with an account, within their area of work: village and district operators, the regency/city and province social affairs offices, the Ministry of Social Affairs, and auditors. NIK and No KK are masked on screen; revealing them needs a recorded purpose. The mother's maiden name and health data are for the staff who collect and verify them. The public sees counts only, without personal data.",
    ),
    ("Hak Anda", "Your rights"),
    (
        "Anda berhak meminta salinan data Anda beserta rekam jejak pemrosesannya (Pasal 32), dan meminta perbaikan data yang salah (Pasal 6). Datanglah ke kantor desa/kelurahan atau Dinas Sosial kabupaten/kota dengan KTP: petugas menyerahkan laporan data Anda dalam 3×24 jam, dan perbaikan diajukan sebagai usulan yang dibahas di musyawarah desa, diverifikasi dan disahkan.",
        "You may ask for a copy of your data with the record of its processing (Article 32), and for wrong data to be corrected (Article 6). Come to the village office or the regency/city social affairs office with your ID card: the staff hand you the report of your data within 3×24 hours, and a correction is proposed, discussed at the village meeting, verified and ratified.",
    ),
    ("Lama penyimpanan", "How long it is kept"),
    (
        "Data disimpan selama keluarga terdaftar dalam register dan sesudahnya selama diperlukan untuk pertanggungjawaban penyaluran bantuan; cadangan data terenkripsi.",
        "Data is kept while the family is in the register and afterwards as long as needed to account for the assistance paid; backups are encrypted.",
    ),
    (
        "Halaman ini untuk siapa saja, juga tanpa akun: apa yang disimpan siks tentang warga, untuk apa, siapa yang melihatnya, dan bagaimana meminta salinan atau perbaikan data.",
        "This page is for anyone, also without an account: what siks keeps about citizens, what for, who sees it, and how to ask for a copy or a correction of one's data.",
    ),
    ("Faktor kedua", "Second factor"),
    (
        "Akun tingkat kabupaten ke atas dan setiap admin masuk dengan dua hal: kata sandi dan kode enam angka dari aplikasi autentikator di ponsel (misalnya Google Authenticator, Microsoft Authenticator, FreeOTP). Kode yang sama diminta lagi sebelum unduhan data massal, penutupan periode dan perubahan aturan program.",
        "Accounts at regency level and above, and every admin, sign in with two things: the password and a six-digit code from an authenticator app on the phone (for example Google Authenticator, Microsoft Authenticator, FreeOTP). A code is asked again before a bulk download, a period close and a programme rule change.",
    ),
    ("Kode pemulihan", "Recovery codes"),
    (
        "Faktor kedua sudah aktif. Simpan sepuluh kode pemulihan ini di tempat aman (cetak atau tulis): masing-masing dapat dipakai sekali bila ponsel hilang. Kode ini hanya ditampilkan sekarang.",
        "The second factor is on. Keep these ten recovery codes somewhere safe (print or write them down): each can be used once if the phone is lost. They are shown only now.",
    ),
    ("Sudah saya simpan, lanjutkan", "I have kept them, go on"),
    ("Lanjutkan", "Go on"),
    (
        "Akun Anda wajib memakai faktor kedua. Pindai kode QR ini dengan aplikasi autentikator di ponsel Anda, lalu ketik enam angka yang tampil.",
        "Your account must use a second factor. Scan this QR code with the authenticator app on your phone, then type the six digits it shows.",
    ),
    (
        "Tidak dapat memindai? Ketik kunci ini di aplikasi:",
        "Cannot scan? Type this key into the app:",
    ),
    (
        "Tindakan ini meminta kode faktor kedua yang baru. Ketik enam angka yang sedang tampil di aplikasi autentikator Anda.",
        "This act asks a fresh second-factor code. Type the six digits your authenticator app shows now.",
    ),
    (
        "Ketik enam angka yang sedang tampil di aplikasi autentikator Anda, atau satu kode pemulihan.",
        "Type the six digits your authenticator app shows now, or one recovery code.",
    ),
    ("Kode", "Code"),
    ("Kirim kode", "Send code"),
    ("Atur ulang faktor kedua", "Reset second factor"),
    (
        "Kode faktor kedua (enam angka dari aplikasi autentikator, atau satu kode pemulihan)",
        "Second-factor code (six digits from the authenticator app, or one recovery code)",
    ),
    ("Token API", "API tokens"),
    (
        "Token API dipakai aplikasi lain (bukan orang) untuk memanggil API siks atas nama akun Anda, dengan kepala Authorization: Bearer. Beri nama yang jelas, wilayah sesempit mungkin, akses baca bila cukup, dan masa berlaku sependek mungkin. Token hanya ditampilkan sekali; cabut segera bila bocor. Setiap pemakaian dicatat.",
        "An API token lets another application (not a person) call the siks API as your account, with the header Authorization: Bearer. Give it a clear name, the narrowest scope, read access where enough, and the shortest validity. A token is shown once; revoke it at once if it leaks. Every use is recorded.",
    ),
    ("Akun", "Account"),
    ("Akses", "Access"),
    ("Berlaku sampai", "Valid until"),
    ("Terakhir dipakai", "Last used"),
    ("Cabut", "Revoke"),
    ("Buat token", "Make a token"),
    ("Nama (untuk apa token ini)", "Name (what the token is for)"),
    (
        "Wilayah (kode wilayah di dalam wilayah kerja Anda, atau *)",
        "Scope (a region code inside your area of work, or *)",
    ),
    (
        "Masa berlaku (hari, paling lama 365)",
        "Validity (days, at most 365)",
    ),
    (
        "Unduh laporan (PDF, untuk diserahkan)",
        "Download the report (PDF, to hand over)",
    ),
    // citizens.rs, public.rs and their templates (issue 20)
    (
        "Alamat (jalan/dusun, RT/RW)",
        "Address (street/hamlet, RT/RW)",
    ),
    ("Alasan sanggahan", "Reason for the objection"),
    ("Bantuan yang diminta", "Aid asked for"),
    (
        "Bantuan yang diminta (boleh kosong)",
        "Aid asked for (may be left empty)",
    ),
    (
        "Baru, menunggu operator desa",
        "New, waiting for the village operator",
    ),
    ("Berapa {} tambah {}?", "What is {} plus {}?"),
    (
        "Buat usulan penghapusan rumah tangga ini",
        "Propose removing this household",
    ),
    (
        "Buat usulan perbaikan data orang ini",
        "Propose a correction of this person's data",
    ),
    (
        "Buat usulan rumah tangga baru dari permintaan ini",
        "Propose a new household from this request",
    ),
    (
        "Catat permintaan perbaikan",
        "Record the correction request",
    ),
    ("Cek Bansos", "Aid check (Cek Bansos)"),
    (
        "Data yang salah dan yang benar menurut subjek data",
        "What is wrong and what is right, as the data subject says",
    ),
    ("Dikirim", "Sent"),
    (
        "Jawab tanpa usulan (alasan untuk warga)",
        "Answer without a proposal (the reason the citizen reads)",
    ),
    ("Jawaban", "Answer"),
    (
        "Jawaban hitungan salah atau formulir sudah terlalu lama dibuka: jawab hitungan yang baru.",
        "The sum was answered wrong or the form was open too long: answer the new sum.",
    ),
    (
        "Keadaan dan alasan diusulkan",
        "Circumstances and why they should be registered",
    ),
    ("Kecamatan", "District"),
    ("Kembali ke Cek Bansos", "Back to the aid check"),
    ("Kirim", "Send"),
    ("Kirim jawaban", "Send the answer"),
    ("Kode tanda terima", "Receipt code"),
    (
        "Kode tanda terima itu tidak dikenal. Periksa kembali huruf dan angkanya.",
        "That receipt code is not known. Check its letters and digits again.",
    ),
    ("Lanjut", "Next"),
    (
        "Lihat tanda terima usulan atau sanggahan",
        "See the receipt of a proposal or an objection",
    ),
    (
        "NIK yang diusulkan (16 angka)",
        "NIK of the person proposed (16 digits)",
    ),
    ("Nama Anda", "Your name"),
    (
        "Nama lengkap sesuai KTP",
        "Full name as on the identity card",
    ),
    (
        "Nama tersebut tidak ditemukan sebagai penerima atau calon penerima di desa/kelurahan ini. Periksa ejaan sesuai KTP.",
        "That name was not found as a recipient or a candidate in this village. Check the spelling on the identity card.",
    ),
    ("Nama yang dimaksud", "Name concerned"),
    ("Nama yang diusulkan", "Name proposed"),
    (
        "Nama yang diusulkan (sesuai KTP)",
        "Name proposed (as on the identity card)",
    ),
    ("Nomor KK (16 angka)", "Family card number (16 digits)"),
    (
        "Nomor telepon (boleh kosong)",
        "Phone number (may be left empty)",
    ),
    ("Penerima yang disanggah", "Recipient objected to"),
    ("Pengirim", "Sender"),
    (
        "Periksa permintaan ini di lapangan bila perlu. Bila benar, buat usulan darinya: formulir usulan terbuka terisi, dan begitu usulan disimpan permintaan ini tercatat sudah diusulkan. Bila tidak perlu diusulkan (tidak benar, sudah terdaftar, bukan desa ini), jawab dengan alasan yang akan dibaca warga.",
        "Check this request in the field if needed. If it holds, make a proposal from it: the proposal form opens filled in, and once the proposal is saved this request is recorded as proposed. If no proposal is needed (not true, already registered, not this village), answer with the reason the citizen will read.",
    ),
    (
        "Permintaan koreksi subjek data",
        "Data subject's correction request",
    ),
    (
        "Permintaan perbaikan dari subjek data",
        "Correction requested by the data subject",
    ),
    (
        "Permintaan perbaikan tercatat di antrean desa. Kode tanda terima untuk subjek data:",
        "The correction request is in the village's queue. Receipt code for the data subject:",
    ),
    ("Permintaan warga", "Citizens' requests"),
    (
        "Pilih provinsi, kabupaten/kota, kecamatan dan desa/kelurahan satu per satu (tekan Lanjut setiap kali), lalu tulis nama lengkap sesuai KTP. Yang tampil hanya nama yang disamarkan, desil dan status setiap program; NIK, alamat dan data lain tidak pernah ditampilkan.",
        "Choose the province, regency/city, district and village one at a time (press Next each time), then write the full name as on the identity card. Only the masked name, the desil and each programme's status are shown; the NIK, the address and other data never are.",
    ),
    (
        "Sampaikan keberatan atas penerima bantuan di desa/kelurahan Anda, dengan alasannya. Sanggahan masuk ke antrean operator desa; simpan kode tanda terima untuk melihat hasilnya.",
        "Object to an aid recipient of your village, with your reason. The objection goes to the village operator's queue; keep the receipt code to see the outcome.",
    ),
    ("Sanggah", "Object"),
    ("Sanggahan", "Objection"),
    ("Sudah dijawab", "Answered"),
    ("Sudah diusulkan", "Proposed"),
    ("TIDAK", "NO"),
    ("Tahap usulan", "Proposal's stage"),
    ("Tanda terima", "Receipt"),
    ("Telepon", "Phone"),
    ("Terakhir berubah", "Last changed"),
    (
        "Terkirim. Simpan kode tanda terima ini untuk melihat hasilnya nanti:",
        "Sent. Keep this receipt code to see the outcome later:",
    ),
    (
        "Tidak ada permintaan dengan status ini.",
        "No request with this status.",
    ),
    (
        "Tulis kode tanda terima yang Anda terima saat mengirim usulan atau sanggahan untuk melihat statusnya dan jawaban operator desa.",
        "Write the receipt code you got when you sent a proposal or an objection to see its status and the village operator's answer.",
    ),
    ("Usul warga", "A citizen's proposal"),
    ("Usulan warga", "Citizens' proposal"),
    (
        "Usulan warga dan sanggahan yang dikirim lewat Cek Bansos, serta permintaan koreksi dari pejabat pelindungan data, masuk ke antrean desanya di sini. Buka satu, lalu buat usulan darinya (formulir usulan terisi dari permintaan itu) atau jawab dengan alasannya. Warga melihat jawaban dan nasib usulannya dengan kode tanda terimanya.",
        "Citizens' proposals and objections sent through the aid check, and correction requests from the data protection officer, land in their village's queue here. Open one, then make a proposal from it (the proposal form is filled in from the request) or answer it with the reason. The citizen sees the answer and the proposal's fate with the receipt code.",
    ),
    (
        "Usulkan diri Anda, keluarga Anda atau orang lain yang layak menerima bantuan tetapi belum terdaftar. Tulis nama, NIK dan nomor KK persis seperti di KTP dan KK. Usulan masuk ke antrean operator desa; simpan kode tanda terima untuk melihat hasilnya.",
        "Propose yourself, your family or someone else who should receive aid but is not registered. Write the name, NIK and family card number exactly as on the cards. The proposal goes to the village operator's queue; keep the receipt code to see the outcome.",
    ),
    (
        "Usulkan warga {} yang layak tetapi belum terdaftar",
        "Propose a resident of {} who qualifies but is not registered",
    ),
    ("YA", "YES"),
    (
        "Yang meminta (nama subjek data atau kuasanya)",
        "Who asks (the data subject or their representative)",
    ),
    ("belum diperingkat", "not ranked yet"),
    (
        "desa: kode desa/kelurahan tidak dikenal",
        "desa: unknown village code",
    ),
    ("status permintaan tidak dikenal", "unknown request status"),
    ("Lihat data orang ini", "See this person's data"),
    (
        "Lihat rumah tangga yang dimaksud",
        "See the household concerned",
    ),
    // social.rs and the PPKS and PSKS templates (issue 20)
    ("Alamat atau tempat ditemukan", "Address or where found"),
    ("Belum ada data PPKS aktif.", "No active PPKS record yet."),
    (
        "Belum ada data PSKS aktif di dalam wilayah ini.",
        "No active PSKS record inside this region yet.",
    ),
    (
        "Belum ada rumah tangga dampingan di wilayah Anda.",
        "No accompanied household in your region yet.",
    ),
    ("Berkas (XLSX atau CSV)", "File (XLSX or CSV)"),
    ("Berlaku mulai", "Valid from"),
    (
        "Berlaku sampai (boleh kosong)",
        "Valid until (may be left empty)",
    ),
    ("Data PPKS", "PPKS registry"),
    ("Data PPKS baru", "New PPKS record"),
    ("Data PSKS", "PSKS registry"),
    ("Data PSKS baru", "New PSKS record"),
    ("Hubungkan", "Link"),
    (
        "Isi satu baris per orang atau keluarga; kategori, satuan, layanan dan jenis kelamin dengan kodenya. Semua baris diperiksa dulu: bila satu salah, tidak ada yang disimpan.",
        "Fill one row per person or family; category, unit, service and sex by their codes. Every row is checked first: if one is wrong, nothing is saved.",
    ),
    (
        "Isi siapa dia, di mana ditemukan atau tinggal, kategorinya, kebutuhan hasil asesmen dan layanan yang diberikan. NIK dan No KK boleh kosong bila tidak punya (gelandangan, anak telantar). Setiap perubahan tercatat.",
        "Fill in who they are, where they were found or live, their category, the need the assessment found and the service given. The NIK and family card number may be left empty when they have none (a homeless person, a neglected child). Every change is recorded.",
    ),
    ("Jumlah per wilayah dan jenis", "Counts per region and kind"),
    (
        "Jumlah per wilayah dan kategori",
        "Counts per region and category",
    ),
    ("Kategori", "Category"),
    ("Kebutuhan hasil asesmen", "Need found by the assessment"),
    (
        "Kode wilayah kerja (kabupaten/kota, kecamatan atau desa/kelurahan)",
        "Area of work code (regency, district or village)",
    ),
    ("Layanan", "Service"),
    ("Layanan yang diberikan", "Service given"),
    ("Masa berlaku", "Validity"),
    ("NIK (boleh kosong)", "NIK (may be left empty)"),
    (
        "NIK (tenaga; kosongkan untuk lembaga)",
        "NIK (a worker; empty for an organisation)",
    ),
    (
        "Nama (perorangan, atau kepala keluarga)",
        "Name (the person, or the head of the family)",
    ),
    ("Nama pimpinan (lembaga)", "Leader's name (an organisation)"),
    (
        "No KK (boleh kosong)",
        "Family card number (may be left empty)",
    ),
    ("Nomor tanda daftar/SK", "Registration or decree number"),
    ("PPKS", "PPKS"),
    ("PSKS", "PSKS"),
    (
        "Panti/lembaga yang merawat (boleh kosong)",
        "Home or institution caring for them (may be left empty)",
    ),
    (
        "Pemerlu Pelayanan Kesejahteraan Sosial (PPKS): orang atau keluarga dalam 26 kategori Permensos 8/2012, termasuk yang tidak tercatat di rumah tangga mana pun (penghuni panti, gelandangan tanpa KK). Catat kebutuhannya dan layanan yang diberikan; nama dan NIK disimpan terenkripsi dan hanya tampil di wilayah kerja Anda.",
        "People needing social welfare services (PPKS): persons or families in the 26 categories of Ministerial Regulation 8/2012, including those in no registered household (residents of a home, homeless people without a family card). Record their need and the service given; names and NIKs are stored encrypted and shown only within your region.",
    ),
    (
        "Potensi dan Sumber Kesejahteraan Sosial (PSKS): tenaga (TKSK, PSM, pendamping PKH, Tagana, pekerja sosial) dan lembaga (LKS, Karang Taruna, LK3, panti) di wilayah Anda, dengan nomor tanda daftar, masa berlaku dan wilayah kerjanya. Pendamping PKH dihubungkan dengan rumah tangga dampingannya di halamannya.",
        "Social welfare resources (PSKS): workers (TKSK, PSM, PKH companions, Tagana, social workers) and organisations (LKS, Karang Taruna, LK3, homes) of your region, with their registration number, validity and area of work. A PKH companion is linked to the households she accompanies on her page.",
    ),
    ("Rumah tangga dampingan", "Accompanied households"),
    ("Satuan", "Unit"),
    ("Tambah data PPKS", "Add a PPKS record"),
    ("Tambah data PSKS", "Add a PSKS record"),
    (
        "Tanggal lahir (boleh kosong)",
        "Birth date (may be left empty)",
    ),
    (
        "Tautan atau kode rumah tangga (salin dari halaman rumah tangganya)",
        "The household's link or code (copy it from its page)",
    ),
    (
        "Tenaga kesejahteraan sosial diisi NIK-nya; lembaga diisi nama pimpinannya. TKSK bertugas di satu kecamatan. Masa berlaku mengikuti SK atau tanda daftarnya.",
        "A social welfare worker is entered with her NIK; an organisation with its leader's name. A TKSK works in one district. The validity follows the decree or registration.",
    ),
    ("Tersimpan.", "Saved."),
    (
        "Tidak ada data PPKS di wilayah ini.",
        "No PPKS record in this region.",
    ),
    (
        "Tidak ada data PSKS di wilayah ini.",
        "No PSKS record in this region.",
    ),
    ("Tidak berlaku", "Not valid"),
    ("Unduh (CSV)", "Download (CSV)"),
    ("Unduh (XLSX)", "Download (XLSX)"),
    (
        "Unduh templat PPKS (XLSX)",
        "Download the PPKS template (XLSX)",
    ),
    ("Unggah banyak sekaligus", "Upload many at once"),
    ("baris {}, kolom {}: {}", "row {}, column {}: {}"),
    (
        "berlaku mulai wajib diisi",
        "the start of validity is required",
    ),
    (
        "desa/kelurahan di luar wilayah kerja Anda",
        "the village is outside your region",
    ),
    (
        "pilih berkas XLSX atau CSV hasil templat PPKS",
        "choose an XLSX or CSV file filled in from the PPKS template",
    ),
    (
        "rumah tangga: tempel tautan atau kode rumah tangga dari halamannya",
        "household: paste the household's link or code from its page",
    ),
    (
        "tanggal lahir: tulis TTTT-BB-HH, mis. 1985-03-12",
        "birth date: write YYYY-MM-DD, e.g. 1985-03-12",
    ),
    (
        "tanggal: tulis TTTT-BB-HH, mis. 2026-01-01",
        "date: write YYYY-MM-DD, e.g. 2026-01-01",
    ),
    (
        "wilayah kerja di luar wilayah kerja Anda",
        "the area of work is outside your region",
    ),
    ("— tidak diketahui —", "— unknown —"),
    (
        "permintaan warga ini sudah ditangani operator lain; buka antreannya lagi",
        "this citizen's request was handled by another operator; open the queue again",
    ),
    (
        "arsip log audit lain sedang atau baru saja berjalan; jalankan lagi nanti (arsip ini tidak dipakai)",
        "another audit archive run is going on or just ended; run again later (this archive is not used)",
    ),
    (
        "Unduh templat PSKS (XLSX)",
        "Download the PSKS template (XLSX)",
    ),
    (
        "Isi satu baris per tenaga atau lembaga; jenis dengan kodenya, wilayah kerja dengan kode wilayahnya, tanggal sebagai TTTT-BB-HH. Semua baris diperiksa dulu: bila satu salah, tidak ada yang disimpan.",
        "Fill in one row per worker or organisation; the kind by its code, the area of work by its region code, dates as YYYY-MM-DD. Every row is checked first: if one is wrong, nothing is saved.",
    ),
    (
        "pilih berkas XLSX atau CSV hasil templat PSKS",
        "choose an XLSX or CSV file filled in from the PSKS template",
    ),
    (
        "unggahan hanya menambah catatan aktif; akhiri catatan dari halamannya",
        "an upload only adds active records; end a record on its own page",
    ),
    ("sama dengan baris {}", "the same as row {}"),
    (
        "{} keluarga satu desa per kelompok; kelompok terakhir paling sedikit {}",
        "{} families of one village per group; the last group at least {}",
    ),
    (
        "Foto rumah (boleh kosong; JPEG atau PNG, paling besar 2 MB)",
        "Photo of the house (optional; JPEG or PNG, at most 2 MB)",
    ),
    ("Foto rumah", "Photo of the house"),
    (
        "anggota terdaftar yang dirujuk tidak dikenal",
        "the registered member named is not known",
    ),
    (
        "Anggota rumah tangga terdaftar:",
        "A member of a registered household:",
    ),
    ("lihat di register", "see in the register"),
    ("Catat sebagai PPKS", "Record as PPKS"),
];
