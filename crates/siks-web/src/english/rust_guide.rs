//! The English of the texts built in Rust, part guide (see `crate::lang`).

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // guide.rs: the per-page guides (NEW_HOUSEHOLD, HOUSEHOLD_CORRECTION, MEMBER, REMOVAL, MOVE,
    // PROGRAMME, PREVIEW), shown by form.html and preview.html.
    (
        "Isi alamat, kondisi rumah dan aset rumah tangga, lalu anggotanya mulai dari kepala rumah tangga; NIK dan No KK diketik seperti di KTP dan KK. Simpan menjadikannya usulan (draf): register belum berubah sampai usulan dibahas di musdes, diverifikasi, disahkan dan ditetapkan. Isian yang salah ditandai di tempatnya dengan alasannya, dan yang sudah diketik tetap ada.",
        "Fill in the household's address, housing condition and assets, then its members, starting with the head of household; type the NIK and No KK as they are on the identity card (KTP) and family card (KK). Saving makes it a proposal (draft): the register does not change until the proposal has been discussed at the musdes (village meeting), verified, ratified and determined. A wrong entry is marked where it is, with the reason, and what you have typed stays.",
    ),
    (
        "Ubah hanya isian yang memang berubah dan tulis alasannya. Halaman berikutnya menunjukkan setiap perubahan (lama → baru) sebelum disimpan sebagai usulan; register berubah setelah usulan ditetapkan.",
        "Change only the entries that have really changed and write the reason. The next page shows every change (old → new) before it is saved as a proposal; the register changes once the proposal is determined.",
    ),
    (
        "Isi data anggota seperti di KTP dan KK, dan tulis alasannya. Simpan menjadikannya usulan; data anggota di register berubah setelah usulan ditetapkan pada penutupan periode.",
        "Fill in the member's data as they are on the identity card (KTP) and family card (KK), and write the reason. Saving makes it a proposal; the member's data in the register change once the proposal is determined when the period closes.",
    ),
    (
        "Pilih alasan penghapusan. Untuk kematian tulis nomor akta kematian; untuk \"lainnya\" tulis keterangannya. Penghapusan juga diajukan sebagai usulan dan baru berlaku setelah ditetapkan.",
        "Choose the reason for the removal. For a death, write the death certificate number; for “other”, write what it is. A removal is also submitted as a proposal and takes effect only once it is determined.",
    ),
    (
        "Cari desa/kelurahan tujuan dengan nama atau kode; bila namanya dipakai beberapa desa, pilih dari daftar. Usulan pindah dibahas dan disahkan seperti usulan lain; rumah tangga pindah ke desa tujuan saat ditetapkan.",
        "Search for the destination village by name or code; if several villages share the name, choose from the list. A move proposal is discussed and ratified like any other proposal; the household moves to the destination village when it is determined.",
    ),
    (
        "Pilih program bantuan yang diusulkan untuk rumah tangga ini dan tulis alasannya. Kementerian memutuskan kepesertaan saat daftar penerima periode dibangun.",
        "Choose the assistance programme proposed for this household and write the reason. The Ministry decides who takes part when the period's beneficiary lists are built.",
    ),
    (
        "Periksa setiap perubahan (lama → baru). \"Simpan sebagai usulan\" menyimpannya; \"Kembali ke isian\" membuka formulir seperti yang Anda ketik.",
        "Check every change (old → new). “Save as a proposal” saves it; “Back to the form” opens the form as you typed it.",
    ),
    // guide.rs: the role guides (/panduan): titles that are not role labels (domain.rs), intros,
    // tasks and steps.
    (
        "Pengesah (bupati/wali kota atau pejabat yang ditunjuk)",
        "Ratifier (regent/mayor or an appointed official)",
    ),
    (
        "Kementerian Sosial (pusat)",
        "Ministry of Social Affairs (central)",
    ),
    (
        "Anda mendata rumah tangga miskin dan rentan di desa/kelurahan Anda dan mengusulkan setiap perubahan datanya. Register tidak berubah karena ketikan Anda: setiap perubahan menjadi usulan yang dibahas di musdes, diverifikasi Dinas Sosial, disahkan bupati/wali kota, lalu ditetapkan Kementerian setiap bulan.",
        "You record the poor and vulnerable households of your village and propose every change to their data. Your typing does not change the register: every change becomes a proposal that is discussed at the musdes (village meeting), verified by the Social Affairs Office, ratified by the regent/mayor, then determined by the Ministry each month.",
    ),
    ("Mulai dari Tugas Anda", "Start from Your tasks"),
    (
        "Buka Dasbor. Kotak Tugas Anda menghitung apa yang menunggu: draf untuk musdes, usulan yang dikembalikan, berita acara tanpa pindaian, temuan verivali.",
        "Open the Dashboard. The Your tasks box counts what is waiting: drafts for the musdes, returned proposals, minutes (berita acara) without a scan, verivali findings.",
    ),
    (
        "Klik satu baris untuk membuka daftarnya, selesaikan, lalu kembali ke Dasbor.",
        "Click a row to open its list, deal with it, then go back to the Dashboard.",
    ),
    (
        "Mengusulkan perubahan data rumah tangga",
        "Proposing a change to a household's data",
    ),
    (
        "Buka Rumah tangga, cari dengan nama (ejaan boleh berbeda), NIK atau No KK, lalu buka rumah tangganya.",
        "Open Households, search by name (the spelling may differ), NIK or No KK, then open the household.",
    ),
    (
        "Pilih perubahan: perbaikan data, anggota masuk, pindah, program bantuan, penghapusan, atau foto bukti. Untuk satu anggota, klik namanya.",
        "Choose the change: a data correction, a member joining, a move, an assistance programme, a removal, or a photo as evidence. For one member, click their name.",
    ),
    (
        "Isi formulir dan alasan. Perbaikan menampilkan setiap perubahan (lama → baru) sebelum disimpan.",
        "Fill in the form and the reason. A correction shows every change (old → new) before it is saved.",
    ),
    (
        "Simpan: usulan tersimpan sebagai draf dan tampil di Tugas Anda.",
        "Save: the proposal is kept as a draft and appears in Your tasks.",
    ),
    (
        "Mendaftarkan rumah tangga baru",
        "Registering a new household",
    ),
    (
        "Di Rumah tangga, klik Usulkan rumah tangga baru (atau unggah banyak sekaligus dengan templat XLSX).",
        "In Households, click Propose a new household (or upload many at once with the XLSX template).",
    ),
    (
        "Isi alamat, kondisi rumah, aset, lalu anggotanya mulai dari kepala rumah tangga. NIK dan No KK diketik seperti di KTP dan KK.",
        "Fill in the address, housing condition and assets, then the members, starting with the head of household. Type the NIK and No KK as they are on the identity card (KTP) and family card (KK).",
    ),
    (
        "Isian yang salah ditandai di tempatnya dengan alasannya; yang sudah diketik tetap ada.",
        "A wrong entry is marked where it is, with the reason; what you have typed stays.",
    ),
    (
        "Membawa draf ke musdes dan mencatat hasilnya",
        "Taking drafts to the musdes and recording the outcome",
    ),
    (
        "Di Usulan, tab Draf, centang usulan lalu pilih Ajukan ke musdes/muskel.",
        "In Proposals, Draft tab, tick the proposals, then choose Submit to the musdes/muskel.",
    ),
    (
        "Setelah musyawarah, buka Catat hasil musdes: isi tanggal, tempat, pimpinan dan jumlah peserta, lalu keputusan tiap usulan.",
        "After the meeting, open Record the musdes result: fill in the date, place, chair and number of participants, then the decision on each proposal.",
    ),
    (
        "Cetak berita acara (atau unduh PDF-nya), tandatangani, dan unggah pindaiannya: tanpa pindaian Dinas Sosial tidak dapat memverifikasi.",
        "Print the minutes (berita acara) (or download them as a PDF), sign them and upload the scan: without the scan the Social Affairs Office cannot verify.",
    ),
    (
        "Tanpa musdes, usulan dapat diajukan dengan SPTJM yang ditandatangani kepala desa/lurah.",
        "Without a musdes, proposals can be submitted with an SPTJM (statement of absolute responsibility) signed by the village head.",
    ),
    (
        "Memperbaiki usulan yang dikembalikan",
        "Correcting returned proposals",
    ),
    (
        "Di Usulan, tab Dikembalikan, baca alasan dari kabupaten/kota atau provinsi.",
        "In Proposals, Returned tab, read the reason given by the regency/city or the province.",
    ),
    (
        "Buka usulannya, klik Ubah usulan, perbaiki, lalu ajukan lagi; atau batalkan dengan alasan.",
        "Open the proposal, click Edit the proposal, correct it, then submit it again; or withdraw it with a reason.",
    ),
    (
        "Anda memantau desa/kelurahan di kecamatan Anda: jumlah data, usulan yang berjalan, temuan verivali dan kualitas data. Anda tidak mengubah data.",
        "You monitor the villages of your district: the amount of data, proposals under way, verivali findings and data quality. You do not change data.",
    ),
    ("Memantau desa/kelurahan", "Monitoring villages"),
    (
        "Dasbor menunjukkan jumlah rumah tangga per desa/kelurahan dan usulan per tahap; klik nama desa untuk membukanya.",
        "The Dashboard shows the number of households per village and the proposals per stage; click a village's name to open it.",
    ),
    (
        "Kualitas data dan Temuan menunjukkan desa mana yang datanya perlu diperbaiki; sampaikan kepada operatornya.",
        "Data quality and Findings show which villages have data that need correcting; tell their operators.",
    ),
    (
        "Anda menjaga kualitas data kabupaten/kota: menjalankan pemeriksaan verivali, membaca temuannya, dan menyusun laporan.",
        "You look after the regency's/city's data quality: you run the verivali (verification and validation) checks, read their findings and prepare reports.",
    ),
    (
        "Menjalankan pemeriksaan dan membaca temuan",
        "Running the checks and reading the findings",
    ),
    (
        "Buka Temuan, klik Jalankan pemeriksaan (kosongkan kode wilayah untuk seluruh kabupaten/kota). Pemeriksaan berjalan di server; hasilnya tampil di halaman ini.",
        "Open Findings, click Run the checks (leave the region code empty for the whole regency/city). The checks run on the server; their results appear on that page.",
    ),
    (
        "Saring menurut jenis temuan. Setiap baris menyebut orangnya, NIK tersamar, desanya, dan buktinya dalam kata-kata.",
        "Filter by kind of finding. Each row names the person, the masked NIK, the village and the evidence, in words.",
    ),
    (
        "Temuan diselesaikan desa dengan usulan perbaikan atau penghapusan, atau diabaikan dengan alasan.",
        "A finding is resolved by the village with a correction or removal proposal, or dismissed with a reason.",
    ),
    ("Membaca laporan", "Reading the reports"),
    (
        "Buka Laporan: jumlah per status, sebaran desil, penerima program dan usulan per tahap, dengan grafik dan tabel.",
        "Open Reports: counts per status, the spread over deciles, programme beneficiaries and proposals per stage, with charts and tables.",
    ),
    (
        "Klik nama wilayah untuk turun satu tingkat; unduh tabel sebagai XLSX atau CSV.",
        "Click a region's name to go down one level; download a table as XLSX or CSV.",
    ),
    (
        "Anda memeriksa usulan desa/kelurahan yang sudah melalui musdes atau SPTJM sebelum diajukan untuk disahkan.",
        "You check the villages' proposals that have been through a musdes or an SPTJM before they are put forward for ratification.",
    ),
    ("Memverifikasi usulan", "Verifying proposals"),
    (
        "Buka Usulan: tab Verifikasi kab./kota berisi usulan yang menunggu Anda, dengan lama menunggu.",
        "Open Proposals: the Regency verification tab holds the proposals waiting for you, with how long they have waited.",
    ),
    (
        "Buka usulan untuk melihat perubahan dan berita acaranya. Temuan NIK yang sudah terdaftar di tempat lain ditandai.",
        "Open a proposal to see its changes and its minutes (berita acara). A finding that a NIK is already registered elsewhere is marked.",
    ),
    (
        "Centang usulan yang benar dan pilih Verifikasi; kembalikan yang salah dengan alasan yang jelas bagi desa.",
        "Tick the proposals that are right and choose Verify; return the wrong ones with a reason the village can understand.",
    ),
    (
        "Anda mengesahkan usulan yang sudah diverifikasi Dinas Sosial sebagai satu daftar bernomor.",
        "You ratify the proposals the Social Affairs Office has verified, as one numbered list.",
    ),
    ("Mengesahkan usulan", "Ratifying proposals"),
    (
        "Buka Pengesahan: usulan yang menunggu tercantum dengan kepala rumah tangga dan desanya.",
        "Open Ratification: the waiting proposals are listed with their head of household and village.",
    ),
    (
        "Centang yang disahkan lalu klik Sahkan. Daftar pengesahan bernomor dibuat dan dapat dicetak atau diunduh sebagai PDF.",
        "Tick those to ratify, then click Ratify. A numbered ratification list is made, which can be printed or downloaded as a PDF.",
    ),
    (
        "Anda meneruskan usulan yang sudah disahkan kabupaten/kota ke Kementerian, atau mengembalikannya.",
        "You forward the proposals the regency/city has ratified to the Ministry, or return them.",
    ),
    ("Meneruskan usulan", "Forwarding proposals"),
    (
        "Buka Usulan, tab Verifikasi provinsi.",
        "Open Proposals, Province verification tab.",
    ),
    (
        "Centang usulan lalu pilih Teruskan; kembalikan yang bermasalah dengan alasannya.",
        "Tick the proposals, then choose Forward; return those with a problem, with the reason.",
    ),
    (
        "Anda menerima usulan, menutup periode (penetapan bulanan), menjaga aturan program, dan membangun daftar penerima.",
        "You accept proposals, close periods (the monthly determination), look after the programme rules and build the beneficiary lists.",
    ),
    ("Menutup periode", "Closing a period"),
    (
        "Terima usulan di Usulan, tab Pusat.",
        "Accept proposals in Proposals, Ministry tab.",
    ),
    (
        "Buka Periode dan klik tutup: halaman berikutnya menunjukkan per kabupaten/kota apa yang akan ditetapkan dan dikembalikan.",
        "Open Periods and click close: the next page shows, per regency/city, what will be determined and what will be returned.",
    ),
    (
        "Konfirmasi. Penutupan dan pemeriksaan verivali berjalan di server sebagai proses.",
        "Confirm. The closing and the verivali checks run on the server as jobs.",
    ),
    (
        "Membangun daftar penerima program",
        "Building the programmes' beneficiary lists",
    ),
    (
        "Buka Program, pilih periode, lalu klik Bangun daftar. Pembangunan berjalan di server sebagai proses dengan kemajuannya.",
        "Open Programmes, choose the period, then click Build the lists. The build runs on the server as a job, showing its progress.",
    ),
    (
        "Setelah selesai, setiap program menunjukkan jumlah penerima dan nilainya; unduh daftarnya sebagai XLSX atau CSV.",
        "When it is done, each programme shows its number of beneficiaries and their value; download its list as XLSX or CSV.",
    ),
    (
        "Aturan program diubah di halaman aturannya; uji coba dulu untuk melihat akibatnya per provinsi.",
        "A programme's rules are changed on its rules page; do a dry run first to see the effect per province.",
    ),
    (
        "Anda memeriksa siapa melakukan apa atas data pribadi, dan apakah log audit masih utuh.",
        "You check who did what with personal data, and whether the audit log is still intact.",
    ),
    ("Membaca log audit", "Reading the audit log"),
    (
        "Buka Log audit: setiap baris menyebut waktu, pengguna, perannya, tindakan, data dan asal permintaan.",
        "Open Audit log: each row gives the time, the user, their role, the action, the data and where the request came from.",
    ),
    (
        "Klik nomor data untuk melihat jejak satu rumah tangga, anggota atau akun.",
        "Click a data reference to see the trail of one household, member or account.",
    ),
    (
        "Rantai hash di atas tabel menyatakan apakah log masih utuh.",
        "The hash chain above the table states whether the log is still intact.",
    ),
    (
        "Anda mengelola akun di wilayah kerja Anda.",
        "You manage the accounts in your area.",
    ),
    (
        "Membuat dan menonaktifkan akun",
        "Creating and deactivating accounts",
    ),
    (
        "Buka Pengguna, isi nama pengguna, nama, peran dan wilayah kerja; kata sandi pertama tampil sekali.",
        "Open Users, fill in the username, name, role and area; the first password is shown once.",
    ),
    (
        "Nonaktifkan akun yang tidak dipakai lagi (misalnya karena mutasi); semua yang pernah dilakukannya tetap tercatat.",
        "Deactivate accounts no longer in use (for instance after a transfer); everything they ever did stays on record.",
    ),
    // guide.rs: the glossary (/istilah): terms that are Indonesian words ("Pengesahan" and "Usulan"
    // are in layout.rs; "Padan" is a coded value's label), then the meanings.
    ("Desil", "Decile (desil)"),
    ("Musdes / muskel", "Musdes / muskel (village meeting)"),
    ("Penetapan", "Determination (penetapan)"),
    (
        "By name by address: data per orang dengan nama dan alamatnya, seperti lembar data rumah tangga.",
        "By name by address: data per person with their name and address, like the household data sheet.",
    ),
    (
        "Kelompok kesejahteraan 1 sampai 10 menurut perkiraan pengeluaran; desil 1 adalah 10 % rumah tangga termiskin.",
        "Welfare group 1 to 10 by estimated spending; decile 1 is the poorest 10 % of households.",
    ),
    (
        "Data Terpadu Kesejahteraan Sosial, kini Data Tunggal Sosial dan Ekonomi Nasional: register rumah tangga miskin dan rentan yang menjadi dasar bantuan sosial.",
        "<i lang=\"id\">Data Terpadu Kesejahteraan Sosial</i> (the integrated social welfare data), now <i lang=\"id\">Data Tunggal Sosial dan Ekonomi Nasional</i> (the single national social and economic data): the register of poor and vulnerable households on which social assistance is based.",
    ),
    (
        "Dinas Kependudukan dan Pencatatan Sipil, pemilik data NIK dan KK; data siks dipadankan dengannya.",
        "<i lang=\"id\">Dinas Kependudukan dan Pencatatan Sipil</i>, the population and civil registration office, which owns the NIK and KK data; the data in siks are matched against it.",
    ),
    (
        "Keluarga penerima manfaat: rumah tangga atau keluarga yang tercantum dalam daftar penerima suatu program.",
        "Keluarga penerima manfaat (beneficiary family): a household or family on a programme's beneficiary list.",
    ),
    (
        "Musyawarah desa atau kelurahan yang membahas dan menyetujui usulan perubahan data; hasilnya dicatat dalam berita acara.",
        "Musyawarah desa or kelurahan: the village meeting that discusses and approves proposed changes to the data; its outcome is recorded in minutes (berita acara).",
    ),
    (
        "Nomor Induk Kependudukan, 16 angka di KTP. Di daftar dan dokumen ditulis tersamar (3523**********01).",
        "Nomor Induk Kependudukan, the 16-digit population number on the identity card (KTP). In lists and documents it is masked (3523**********01).",
    ),
    (
        "Nomor Kartu Keluarga, 16 angka.",
        "Nomor Kartu Keluarga, the 16-digit family card number.",
    ),
    (
        "Cocok dengan data Dukcapil: NIK, nama dan tanggal lahir seseorang sama dengan catatan kependudukan.",
        "Agreeing with the Dukcapil data: a person's NIK, name and date of birth are the same as in the civil registry.",
    ),
    (
        "Penerima Bantuan Iuran Jaminan Kesehatan: iuran JKN dibayar negara.",
        "Penerima Bantuan Iuran Jaminan Kesehatan (health insurance contribution assistance): the state pays the JKN (national health insurance) contribution.",
    ),
    (
        "Penutupan periode bulanan oleh Kementerian: semua usulan yang diterima berlaku sekaligus dan register berubah.",
        "The Ministry's closing of the monthly period: every accepted proposal takes effect at once and the register changes.",
    ),
    (
        "Persetujuan bupati/wali kota (atau pejabat yang ditunjuk) atas usulan yang sudah diverifikasi, dalam satu daftar bernomor.",
        "The approval by the regent/mayor (or an appointed official) of verified proposals, in one numbered list.",
    ),
    (
        "Program Keluarga Harapan: bantuan tunai bersyarat per keluarga menurut komponennya (ibu hamil, anak sekolah, lanjut usia, disabilitas).",
        "Program Keluarga Harapan (the Family Hope Programme): conditional cash assistance per family according to its components (pregnant women, schoolchildren, elderly people, disability).",
    ),
    (
        "Pemerlu Pelayanan Kesejahteraan Sosial, misalnya anak terlantar, lanjut usia terlantar, penyandang disabilitas, gelandangan.",
        "Pemerlu Pelayanan Kesejahteraan Sosial, people with social welfare problems, for example neglected children, neglected elderly people, people with disabilities, homeless people.",
    ),
    (
        "Potensi dan Sumber Kesejahteraan Sosial: pendamping, TKSK, Karang Taruna, LKS dan sebagainya.",
        "<i lang=\"id\">Potensi dan Sumber Kesejahteraan Sosial</i> (social welfare potential and resources): facilitators, TKSK (district social welfare workers), Karang Taruna (youth organisations), LKS (social welfare institutions) and so on.",
    ),
    (
        "Bantuan pangan non-tunai per keluarga setiap bulan.",
        "Non-cash food assistance per family every month.",
    ),
    (
        "Satuan lingkungan setempat: dusun, lingkungan atau RW tempat rumah tangga tinggal.",
        "Satuan lingkungan setempat (local neighbourhood unit): the hamlet (dusun), neighbourhood (lingkungan) or RW where the household lives.",
    ),
    (
        "Surat Pernyataan Tanggung Jawab Mutlak: kepala desa/lurah menjamin kebenaran usulan yang diajukan tanpa musdes.",
        "Surat Pernyataan Tanggung Jawab Mutlak (statement of absolute responsibility): the village head vouches for the truth of proposals submitted without a musdes.",
    ),
    (
        "Permintaan perubahan data (rumah tangga baru, perbaikan, anggota masuk, pindah, penghapusan, program) yang berjalan dari desa sampai penetapan.",
        "A request to change the data (new household, correction, member joining, move, removal, programme) that goes from the village to determination.",
    ),
    (
        "Verifikasi dan validasi: pemeriksaan data terhadap aturan dan daftar luar (kematian, ASN/TNI/Polri, Dukcapil) yang menghasilkan temuan.",
        "Verification and validation: checking the data against rules and outside lists (deaths, civil servants, military and police (ASN/TNI/Polri), Dukcapil), which produces findings.",
    ),
    // guide.rs: guide_book's refusal of an unknown role.
    ("peran '{}' tidak dikenal", "role '{}' is not known"),
    (
        "Anda menjawab permintaan warga atas datanya dan memeriksa siapa memproses data pribadi; Anda tidak mengubah atau mengunduh daftar data.",
        "You answer citizens' requests about their data and check who processes personal data; you neither change nor download lists of data.",
    ),
    (
        "Bila sebuah akun, alamat atau token API diduga bocor, minta admin sistem menyusun cakupan kebocoran: data yang terungkap per wilayah dan surat pemberitahuannya.",
        "When an account, an address or an API token may have leaked, ask the system's admin for the breach scope: what was exposed, by region, and the notification letter.",
    ),
    (
        "Buka Laporan subjek data, ketik NIK dari KTP warga yang meminta.",
        "Open the data subject's report and type the NIK from the ID card of the citizen asking.",
    ),
    (
        "Buka Log audit untuk melihat siapa melihat, mencari, mengunduh atau mengubah data, kapan dan dari mana.",
        "Open the audit log to see who viewed, searched, downloaded or changed data, when and from where.",
    ),
    (
        "Memeriksa pemrosesan dan kebocoran (Pasal 46)",
        "Checking processing and breaches (Article 46)",
    ),
    (
        "Mengatur ulang faktor kedua dan mencabut token",
        "Resetting a second factor and revoking tokens",
    ),
    (
        "Menyerahkan laporan data kepada warga (Pasal 32)",
        "Handing citizens the report of their data (Article 32)",
    ),
    (
        "Periksa isinya: data warga itu, anggota rumah tangga lain hanya nama dan hubungannya, setiap perubahan, usulan dan pemrosesan.",
        "Check what it holds: that citizen's data, the other household members by name and relation only, every change, proposal and processing.",
    ),
    (
        "Ponsel pegawai hilang: di Pengguna tekan Atur ulang faktor kedua pada akunnya; sesinya berakhir dan ia mendaftarkan aplikasi lagi saat masuk.",
        "A staff member's phone is lost: on Accounts press Reset second factor on their account; their sessions end and they enrol an app again at sign-in.",
    ),
    (
        "Token API yang bocor dicabut di halaman Token API (milik Anda dan akun di bawah Anda).",
        "A leaked API token is revoked on the API tokens page (yours and those of the accounts below you).",
    ),
    (
        "Unduh PDF, tanda tangani bersama warga, dan serahkan dalam 3×24 jam.",
        "Download the PDF, sign it with the citizen and hand it over within 3×24 hours.",
    ),
    (
        "Bila warga meminta datanya diperbaiki, catat di bawah laporan apa yang salah dan yang benar: permintaan masuk ke antrean desanya, dan kode tanda terimanya diserahkan kepada warga untuk diikuti di Cek Bansos.",
        "When the citizen asks for a correction, record below the report what is wrong and what is right: the request goes to their village's queue, and its receipt code is handed to the citizen to follow on the aid check.",
    ),
    (
        "Menangani usulan warga, sanggahan dan permintaan koreksi",
        "Handling citizens' proposals, objections and correction requests",
    ),
    (
        "Buka Permintaan warga: usulan dan sanggahan yang dikirim warga lewat Cek Bansos, dan permintaan koreksi dari pejabat pelindungan data, menunggu di sini.",
        "Open Citizens' requests: the proposals and objections citizens sent through the aid check, and the correction requests of the data protection officer, wait here.",
    ),
    (
        "Buka satu dan periksa di lapangan bila perlu. Bila benar, klik tombol buat usulan: formulirnya terbuka terisi dari permintaan itu; lengkapi lalu simpan.",
        "Open one and check it in the field if needed. If it holds, click the make-a-proposal button: its form opens filled in from the request; complete it and save.",
    ),
    (
        "Bila tidak perlu diusulkan, tulis jawaban dengan alasannya. Warga membaca jawaban dan tahap usulannya dengan kode tanda terima.",
        "If no proposal is needed, write the answer with its reason. The citizen reads the answer and the proposal's stage with the receipt code.",
    ),
    (
        "Mendata PPKS dan PSKS",
        "Keeping the PPKS and PSKS registries",
    ),
    (
        "Buka PPKS: catat orang atau keluarga dalam 26 kategori PPKS, termasuk yang tidak punya KK (gelandangan, penghuni panti), kebutuhan hasil asesmen dan layanan yang diberikan (ATENSI, rehabilitasi, panti). Banyak sekaligus dengan templat XLSX.",
        "Open PPKS: record people or families in the 26 PPKS categories, including those without a family card (homeless people, residents of a home), the need the assessment found and the service given (ATENSI, rehabilitation, a home). Many at once with the XLSX template.",
    ),
    (
        "Buka PSKS: daftarkan TKSK, PSM, pendamping PKH, Tagana, pekerja sosial, dan lembaga (LKS, Karang Taruna, LK3, panti) dengan nomor SK dan masa berlakunya, satu per satu atau banyak sekaligus dengan templat XLSX; hubungkan pendamping PKH dengan rumah tangga dampingannya.",
        "Open PSKS: register TKSK, PSM, PKH companions, Tagana, social workers and organisations (LKS, Karang Taruna, LK3, homes) with their decree number and validity, one at a time or many at once with the XLSX template; link a PKH companion to the households she accompanies.",
    ),
    (
        "Jumlah per wilayah dan kategori tampil di atas setiap daftar; unduh daftarnya sebagai XLSX atau CSV.",
        "The counts per region and category show above each list; download the list as XLSX or CSV.",
    ),
];
