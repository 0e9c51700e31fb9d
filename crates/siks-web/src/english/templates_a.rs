//! The English of the pages' templates, part a (see `crate::lang`).

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // household.html
    (
        "Data rumah tangga seperti tercatat di register, anggotanya, program yang diterima, desil kesejahteraan, dan riwayat perubahannya. Tombol di atas membuat usulan perubahan (perbaikan, anggota masuk, pindah, hapus, program, foto); register berubah hanya setelah usulan ditetapkan. Buka nama anggota untuk perbaikan atau penghapusan satu orang.",
        "The household's data as recorded in the register: its members, the programmes it receives, its welfare decile and the history of its changes. The links above make a change proposal (correction, member joining, move, removal, programme, photo); the register changes only once the proposal is determined. Open a member's name to correct or remove one person.",
    ),
    ("terakhir diverifikasi {}", "last verified {}"),
    (
        "Penerima program menurut daftar {}: {}",
        "Programmes received according to the lists of {}: {}",
    ),
    ("Unduh lembar data (PDF)", "Download the data sheet (PDF)"),
    (
        "Perubahan data diajukan sebagai usulan: register berubah setelah musdes, verifikasi, pengesahan dan penetapan periode.",
        "Changes to the data are made as proposals: the register changes after the musdes (village meeting), verification, ratification and the period's determination.",
    ),
    ("Usulkan perbaikan data", "Propose a data correction"),
    ("Usulkan anggota masuk", "Propose a member joining"),
    (
        "Usulkan pindah desa/kelurahan",
        "Propose a move to another village",
    ),
    ("Usulkan program bantuan", "Propose an assistance programme"),
    (
        "Usulkan penghapusan rumah tangga",
        "Propose removing the household",
    ),
    ("Hubungan", "Relation to head"),
    ("Jenis kelamin", "Sex"),
    ("Tanggal lahir", "Date of birth"),
    ("Keberadaan", "Presence"),
    ("tidak valid", "not valid"),
    ("Kesejahteraan", "Welfare"),
    ("Desil nasional", "National decile"),
    ("desil di kabupaten/kota", "decile in the regency/city"),
    ("perkiraan pengeluaran", "estimated spending"),
    ("per orang per bulan", "per person per month"),
    ("Model {}, pemeringkatan {}.", "Model {}, ranked {}."),
    (
        "Desil 1 adalah 10 % rumah tangga dengan perkiraan pengeluaran terendah.",
        "Decile 1 is the 10 % of households with the lowest estimated spending.",
    ),
    (
        "Indikator yang paling berpengaruh",
        "The indicators that weigh most",
    ),
    ("Indikator", "Indicator"),
    ("Nilai", "Value"),
    (
        "Pengaruh pada perkiraan pengeluaran",
        "Effect on estimated spending",
    ),
    (
        "14 kriteria kemiskinan BPS: {} terpenuhi",
        "The 14 poverty criteria of BPS (Statistics Indonesia): {} met",
    ),
    (
        "Miskin menurut BPS bila paling sedikit 9 kriteria terpenuhi; 4 kriteria tidak tercatat di register dan dihitung tidak terpenuhi.",
        "Poor by the BPS measure when at least 9 criteria are met; 4 criteria are not recorded in the register and count as not met.",
    ),
    (
        "Belum diperingkat: pemeringkatan kesejahteraan dijalankan oleh Kementerian.",
        "Not ranked yet: the welfare ranking is run by the Ministry.",
    ),
    ("Perumahan", "Housing"),
    ("Aset", "Assets"),
    ("Belum ada foto.", "No photos yet."),
    ("Foto untuk", "Photo of"),
    (
        "Berkas (JPEG atau PNG, paling besar 2 MB)",
        "File (JPEG or PNG, at most 2 MB)",
    ),
    (
        "Foto diajukan sebagai usulan perbaikan: tampil di sini setelah ditetapkan, dan langsung terlihat oleh verifikator pada halaman usulannya.",
        "A photo is proposed as a correction: it shows here once determined, and the verifier sees it at once on the proposal's page.",
    ),
    (
        "Unggah foto sebagai usulan",
        "Upload the photo as a proposal",
    ),
    (
        "Usulan tentang rumah tangga ini",
        "Proposals about this household",
    ),
    ("Belum ada usulan.", "No proposals yet."),
    ("Jenis", "Kind"),
    ("Keputusan / alasan terakhir", "Decision / last reason"),
    ("Riwayat perubahan register", "History of register changes"),
    (
        "Register berubah hanya pada penetapan periode; setiap perubahan rumah tangga dan anggotanya tercatat di sini.",
        "The register changes only when a period is determined; every change of the household and its members is recorded here.",
    ),
    ("Versi", "Version"),
    ("Data", "Data"),
    ("Perubahan", "Change"),
    ("Oleh", "By"),
    ("Keadaan per periode", "As it stood per period"),
    (
        "Belum ada periode yang ditutup.",
        "No period has been closed yet.",
    ),
    ("Periode yang sudah ditutup", "Closed periods"),
    ("Lihat", "View"),
    (
        "Per penutupan periode {}: status",
        "At the close of period {}: status",
    ),
    ("{} anggota.", "{} members."),
    ("Status saat itu", "Status then"),
    (
        "Rumah tangga ini belum terdaftar pada penutupan periode {}.",
        "This household was not registered yet when period {} closed.",
    ),
    // household.html: the housing and asset labels (HouseholdPage.housing/.assets, pages.rs),
    // wrapped with t(); "Lantai", "Dinding", "Atap" and "Penerangan" are coded values already.
    ("Status bangunan", "Building tenure"),
    ("Status lahan", "Land tenure"),
    ("Luas lantai", "Floor area"),
    ("Jumlah kamar", "Rooms"),
    ("Sumber air minum", "Drinking water source"),
    ("Daya terpasang", "Installed power"),
    ("Bahan bakar memasak", "Cooking fuel"),
    ("Fasilitas BAB", "Toilet facility"),
    ("Pembuangan tinja", "Sewage disposal"),
    (
        "Tabung gas 5,5 kg atau lebih",
        "Gas cylinder of 5.5 kg or more",
    ),
    ("Lemari es", "Refrigerator"),
    ("AC", "Air conditioner"),
    ("Pemanas air", "Water heater"),
    ("Telepon/HP", "Telephone/mobile phone"),
    ("Televisi", "Television"),
    ("Emas/perhiasan ≥10 gram", "Gold/jewellery ≥10 grams"),
    ("Komputer/laptop", "Computer/laptop"),
    ("Sepeda", "Bicycle"),
    ("Sepeda motor", "Motorbike"),
    ("Mobil", "Car"),
    ("Perahu", "Boat"),
    ("Motor tempel", "Outboard motor"),
    ("Perahu motor", "Motorboat"),
    ("Kapal", "Ship"),
    ("Lahan", "Land"),
    ("Rumah di tempat lain", "House elsewhere"),
    (
        "Sapi / kerbau / kuda / babi / kambing",
        "Cattle / buffalo / horses / pigs / goats",
    ),
    ("Anggota memiliki usaha", "A member runs a business"),
    // household.html: a history row's change (HistoryRow.change, pages.rs), wrapped with t().
    ("Dibuat", "Created"),
    ("Diimpor", "Imported"),
    ("Diubah", "Changed"),
    // household.html: a BPS criterion's answer and an indicator's direction (Welfare.bps,
    // Welfare.reasons, pages.rs), wrapped with t().
    ("Ya", "Yes"),
    ("Tidak", "No"),
    ("tidak tercatat", "not recorded"),
    ("menaikkan", "raises"),
    ("menurunkan", "lowers"),
    // household.html: the welfare indicators (siks_domain::welfare::INDICATORS), wrapped with t().
    (
        "Jumlah anggota (logaritma)",
        "Number of members (logarithm)",
    ),
    (
        "Bagian anak di bawah 15 tahun",
        "Share of children under 15",
    ),
    ("Jumlah lansia (60+)", "Number of elderly (60+)"),
    ("Bagian anggota yang bekerja", "Share of members working"),
    (
        "Jumlah anggota dengan disabilitas",
        "Number of members with a disability",
    ),
    ("Kepala rumah tangga perempuan", "Female head of household"),
    (
        "Lama sekolah kepala rumah tangga (tahun)",
        "Head of household's years of schooling",
    ),
    (
        "Kepala bekerja di pertanian/perikanan/bangunan",
        "Head works in farming/fishing/construction",
    ),
    (
        "Luas lantai per orang (m², paling banyak 100)",
        "Floor area per person (m², at most 100)",
    ),
    (
        "Lantai tanah/bambu/kayu murah",
        "Earth/bamboo/cheap wood floor",
    ),
    (
        "Dinding bambu/rumbia/kayu murah/tembok tanpa plester",
        "Bamboo/thatch/cheap wood/unplastered masonry walls",
    ),
    (
        "Atap bambu/jerami/ijuk/rumbia",
        "Bamboo/straw/palm-fibre/thatch roof",
    ),
    ("Tidak punya jamban sendiri", "No toilet of its own"),
    ("Air minum tidak terlindung", "Unprotected drinking water"),
    (
        "Penerangan bukan listrik PLN",
        "Lighting not from PLN electricity",
    ),
    ("Daya listrik 900 VA", "900 VA electricity"),
    (
        "Daya listrik 1.300 VA atau lebih",
        "1,300 VA electricity or more",
    ),
    (
        "Memasak dengan kayu/arang/minyak tanah/briket",
        "Cooks with wood/charcoal/kerosene/briquettes",
    ),
    ("Rumah milik sendiri", "Owns the house"),
    (
        "Emas/perhiasan 10 gram atau lebih",
        "Gold/jewellery of 10 grams or more",
    ),
    ("Perahu/motor tempel/kapal", "Boat/outboard motor/ship"),
    (
        "Lahan dimiliki (ha, paling banyak 10)",
        "Land owned (ha, at most 10)",
    ),
    ("Rumah lain", "Another house"),
    (
        "Ternak (satuan ternak besar)",
        "Livestock (large livestock units)",
    ),
    ("Anggota punya usaha", "A member has a business"),
    // household.html: the 14 BPS criteria (siks_domain::welfare::bps_criteria), wrapped with t().
    (
        "Luas lantai kurang dari 8 m² per orang",
        "Floor area under 8 m² per person",
    ),
    (
        "Lantai tanah/bambu/kayu murahan",
        "Earth/bamboo/cheap wood floor",
    ),
    (
        "Dinding bambu/rumbia/kayu murahan/tembok tanpa plester",
        "Bamboo/thatch/cheap wood/unplastered masonry walls",
    ),
    (
        "Tidak punya jamban atau bersama",
        "No toilet, or a shared one",
    ),
    ("Penerangan bukan listrik", "Lighting not electric"),
    (
        "Air minum dari sumur/mata air tak terlindung, sungai atau hujan",
        "Drinking water from an unprotected well or spring, a river or rain",
    ),
    (
        "Memasak dengan kayu bakar/arang/minyak tanah",
        "Cooks with firewood/charcoal/kerosene",
    ),
    (
        "Daging/susu/ayam hanya sekali seminggu",
        "Meat/milk/chicken only once a week",
    ),
    (
        "Satu stel pakaian baru setahun",
        "One new set of clothes a year",
    ),
    (
        "Makan satu atau dua kali sehari",
        "Eats once or twice a day",
    ),
    (
        "Tidak sanggup membayar puskesmas/poliklinik",
        "Cannot pay for the health centre/clinic",
    ),
    (
        "Kepala bekerja sebagai petani kecil/buruh/nelayan/bangunan",
        "Head works as a smallholder/labourer/fisher/builder",
    ),
    (
        "Kepala berpendidikan paling tinggi SD",
        "Head's schooling at most primary",
    ),
    (
        "Tidak punya tabungan/barang senilai Rp500.000 (dari aset tercatat)",
        "No savings/goods worth Rp500,000 (from the recorded assets)",
    ),
    // paper_form.html
    ("Hasil musdes", "Musdes result"),
    (
        "Pilih usulan yang dibahas, isi tanggal dan tempat, nama pimpinan dan peserta, lalu catat keputusan tiap usulan. Setelah disimpan, cetak berita acaranya, tandatangani, dan unggah pindaiannya di halaman dokumen.",
        "Choose the proposals discussed, fill in the date and place, the chair's name and the participants, then record the decision on each proposal. Once saved, print its minutes (berita acara), sign them, and upload the scan on the documents page.",
    ),
    (
        "Tanpa musdes, kepala desa/lurah menjamin kebenaran usulan dengan Surat Pernyataan Tanggung Jawab Mutlak (SPTJM). Pilih usulan yang diajukan, isi nama dan jabatan penanda tangan dan tanggalnya, lalu simpan. Cetak SPTJM-nya, tandatangani, dan unggah pindaiannya: usulan baru dapat diverifikasi setelah pindaian diunggah.",
        "Without a musdes (village meeting), the village head vouches for the proposals with a statement of absolute responsibility (SPTJM). Choose the proposals submitted, fill in the signer's name, position and the date, then save. Print the SPTJM, sign it, and upload its scan: the proposals can be verified only once the scan is uploaded.",
    ),
    (
        "Catat hasil musyawarah desa/kelurahan",
        "Record the result of the village meeting (musdes)",
    ),
    ("Ajukan dengan SPTJM", "Submit with an SPTJM"),
    (
        "Tidak ada usulan yang menunggu musdes.",
        "No proposals are waiting for a musdes.",
    ),
    (
        "Tidak ada draf atau usulan yang dikembalikan.",
        "No drafts or returned proposals.",
    ),
    (
        "Belum disimpan: {}. Centangan dan isian Anda tetap di bawah.",
        "Not saved: {}. Your ticks and entries are kept below.",
    ),
    ("Berita acara", "Minutes (berita acara)"),
    ("Penanda tangan", "Signer"),
    ("Tanggal musdes", "Date of the musdes"),
    ("Tanggal ditandatangani", "Date signed"),
    ("Tempat", "Place"),
    ("Jumlah peserta", "Number of participants"),
    ("Pimpinan musdes", "Chair of the musdes"),
    ("Nama penanda tangan", "Signer's name"),
    ("Jabatan", "Position"),
    (
        "Pindaian yang ditandatangani (PDF/JPEG/PNG; boleh menyusul)",
        "Signed scan (PDF/JPEG/PNG; may follow later)",
    ),
    ("Keputusan", "Decision"),
    ("Alasan bila tidak disetujui", "Reason if not approved"),
    ("Disetujui", "Approved"),
    ("Tidak disetujui", "Not approved"),
    ("Simpan", "Save"),
    // periods.html
    (
        "Register berubah hanya saat periode ditutup (penetapan bulanan). Menutup periode menetapkan semua usulan yang sudah diterima Kementerian dan menjalankan pemeriksaan verivali. Sebelum menutup, halaman berikutnya menunjukkan apa yang akan ditetapkan dan dikembalikan per kabupaten/kota.",
        "The register changes only when a period is closed (the monthly determination). Closing a period determines every proposal the Ministry has accepted and runs the verivali (verification and validation) checks. Before closing, the next page shows what will be determined and returned per regency/city.",
    ),
    ("Periode penetapan", "Determination periods"),
    ("belum ada", "none yet"),
    (
        "{} usulan diterima dan menunggu penetapan.",
        "{} proposals accepted and awaiting determination.",
    ),
    (
        "Periode berikutnya belum bisa ditutup: {}.",
        "The next period cannot be closed yet: {}.",
    ),
    (
        "Menutup periode menetapkan semuanya sekaligus; usulan yang bertentangan atau usang dikembalikan dengan alasannya. Halaman berikutnya menunjukkan per kabupaten/kota apa yang akan ditetapkan dan dikembalikan; belum ada yang berubah sebelum Anda mengonfirmasi.",
        "Closing the period determines them all at once; proposals that conflict or are out of date are returned with their reason. The next page shows per regency/city what will be determined and returned; nothing changes before you confirm.",
    ),
    ("Periksa sebelum menutup", "Check before closing"),
    ("Periode awal", "First period"),
    ("Periode akhir", "Last period"),
    ("Bandingkan", "Compare"),
    ("{}: {} dan {}", "{}: {} and {}"),
    ("Masuk (rumah tangga baru)", "In (new households)"),
    ("Keluar (rumah tangga dihapus)", "Out (households removed)"),
    ("Berubah", "Changed"),
    ("Unduh per wilayah", "Download per region"),
    ("Jiwa", "Persons"),
    // A column's "Masuk"/"Keluar" (households in/out), apart from the sign-in page's "Masuk" and
    // the menu's "Keluar" (sign out): keyed with an empty `{}` filled with "" (periods.html,
    // programme_rules.html).
    ("kolom|Masuk", "In"),
    ("kolom|Keluar", "Out"),
    // programme_rules.html
    ("Aturan {}", "Rules: {}"),
    (
        "Definisi program: syarat rumah tangga, komponen bantuan, nilai setahun dan pengecualian. Ubah definisi, lalu <strong>uji coba</strong> untuk melihat berapa rumah tangga per provinsi yang akan menerima sebelum menyimpan. Setiap versi disimpan dengan catatan perubahannya.",
        "A programme's definition: the household's conditions, the assistance components, the yearly amounts and the exclusions. Edit the definition, then <strong>dry run</strong> it to see how many households per province would receive before you save. Every version is kept with its change note.",
    ),
    ("Aturan program {}: {}", "Programme rules {}: {}"),
    ("Yang berlaku:", "In force:"),
    (
        "Ubah definisi di bawah, lalu <strong>uji coba</strong> untuk melihat berapa rumah tangga per provinsi yang masuk atau keluar sebelum menyimpan. Setiap versi disimpan; yang terbaru berlaku untuk daftar penerima berikutnya.",
        "Edit the definition below, then <strong>dry run</strong> it to see how many households per province come in or drop out before you save. Every version is kept; the newest applies to the next beneficiary lists.",
    ),
    ("Kembali ke program", "Back to programmes"),
    (
        "Definisi (TOML; syarat ditulis sebagai ekspresi CEL)",
        "Definition (TOML; conditions written as CEL expressions)",
    ),
    (
        "Catatan perubahan (wajib saat menyimpan)",
        "Change note (required when saving)",
    ),
    ("Uji coba (tidak disimpan)", "Dry run (not saved)"),
    ("Simpan sebagai versi baru", "Save as a new version"),
    ("Hasil uji coba", "Dry run result"),
    (
        "Dibandingkan dengan {}; {} rumah tangga diperiksa.",
        "Compared with {}; {} households assessed.",
    ),
    (
        "Jumlah rumah tangga yang memenuhi syarat, sebelum kuota.",
        "Households that meet the conditions, before the quota.",
    ),
    ("Provinsi", "Province"),
    ("Dengan definisi ini", "With this definition"),
    ("Nilai yang dapat dibaca aturan", "Values a rule can read"),
    ("Nilai rumah tangga", "Household value"),
    ("Arti", "Meaning"),
    (
        "Nilai anggota (aturan anggota dan komponen)",
        "Member value (member and component rules)",
    ),
    ("Riwayat versi", "Version history"),
    ("Disimpan", "Saved"),
    ("Definisi", "Definition"),
    ("lihat", "view"),
    // programme_rules.html: what a rule's values mean (siks_domain::programmes::HOUSEHOLD_VALUES
    // and MEMBER_VALUES), wrapped with t().
    (
        "desil nasional dari pemeringkatan terakhir (0: belum diperingkat)",
        "national decile from the latest ranking (0: not ranked yet)",
    ),
    (
        "desil di kabupaten/kota (0: belum diperingkat)",
        "decile within the regency/city (0: not ranked yet)",
    ),
    (
        "perkiraan pengeluaran per orang per bulan (rupiah)",
        "estimated spending per person per month (rupiah)",
    ),
    (
        "jumlah kriteria kemiskinan BPS yang terpenuhi",
        "number of BPS poverty criteria met",
    ),
    (
        "anggota yang dihitung (hidup, tinggal di rumah tangga)",
        "members counted (alive, living in the household)",
    ),
    ("jumlah keluarga", "number of families"),
    ("anggota hamil", "pregnant members"),
    ("anak usia 0-6 tahun", "children aged 0-6"),
    (
        "anak 6-21 tahun yang masih sekolah dan belum 12 tahun sekolah",
        "children aged 6-21 still at school with under 12 years of schooling",
    ),
    (
        "anggota dengan disabilitas berat",
        "members with a severe disability",
    ),
    ("anggota 60 tahun ke atas", "members aged 60 or over"),
    ("anggota 70 tahun ke atas", "members aged 70 or over"),
    (
        "anggota dengan kategori PPKS",
        "members with a PPKS category",
    ),
    (
        "anggota dengan kategori PPKS komunitas adat terpencil (KAT)",
        "members in the PPKS category remote customary community (KAT)",
    ),
    (
        "kode desa/kelurahan, mis. \"35.23.01.2001\"",
        "village code, e.g. \"35.23.01.2001\"",
    ),
    (
        "kode kategori PPKS (1-26, Permensos 8/2012; 0: bukan PPKS)",
        "PPKS category code (1-26, Permensos 8/2012; 0: not PPKS)",
    ),
    (
        "penyandang disabilitas (ringan, sedang atau berat)",
        "has a disability (mild, moderate or severe)",
    ),
    ("kode provinsi, mis. \"35\"", "province code, e.g. \"35\""),
    (
        "kode kabupaten/kota, mis. \"35.23\"",
        "regency/city code, e.g. \"35.23\"",
    ),
    (
        "\"active\" (ditetapkan) atau \"proposed\" (diusulkan)",
        "\"active\" (determined) or \"proposed\"",
    ),
    ("umur dalam tahun", "age in years"),
    ("1 laki-laki, 2 perempuan", "1 male, 2 female"),
    ("hamil", "pregnant"),
    ("disabilitas berat", "severe disability"),
    ("masih sekolah", "still at school"),
    (
        "lama sekolah dari pendidikan tertinggi yang ditamatkan",
        "years of schooling of the highest level completed",
    ),
    (
        "hubungan dengan kepala rumah tangga (1 kepala, 2 istri/suami, 3 anak, ...)",
        "relation to the head of household (1 head, 2 wife/husband, 3 child, ...)",
    ),
    ("bekerja", "working"),
    // findings.html
    ("Temuan verivali", "Verivali findings"),
    (
        "Temuan pemeriksaan verivali: orang yang meninggal, data ganda, ASN/TNI/Polri, NIK yang tidak padan, dan rumah tangga yang tidak lagi miskin. Saring menurut jenis dan status, buka orangnya, lalu selesaikan temuan dengan usulan perbaikan atau penghapusan, atau abaikan dengan alasan.",
        "Findings of the verivali (verification and validation) checks: people who have died, duplicate records, civil servants, military or police (ASN/TNI/Polri), NIKs that do not match the civil registry, and households no longer poor. Filter by kind and status, open the person, then settle the finding with a correction or removal proposal, or dismiss it with a reason.",
    ),
    (
        "Unduh semua temuan wilayah kerja",
        "Download every finding in your area",
    ),
    ("Jalankan pemeriksaan", "Run the checks"),
    ("Tidak ada temuan.", "No findings."),
    ("Jenis temuan", "Kind of finding"),
    ("Temuan {}", "Findings {}"),
    ("Orang", "Person"),
    ("Bukti", "Evidence"),
    ("Tindak lanjut", "Follow-up"),
    ("Buat usulan penghapusan", "Make a removal proposal"),
    ("alasan mengabaikan", "reason for dismissing"),
    ("Abaikan", "Dismiss"),
    // error.html
    ("Kesalahan {}", "Error {}"),
    (
        "Permintaan ini tidak dapat dipenuhi; alasannya tertulis di bawah. Kembali ke dasbor atau ke halaman sebelumnya; bila masalahnya berulang, sebutkan kode permintaan kepada admin.",
        "This request could not be carried out; the reason is written below. Go back to the dashboard or to the previous page; if the problem comes back, quote the request code to the admin.",
    ),
    ("Kode permintaan:", "Request code:"),
    (
        "Sebutkan kode ini bila menghubungi admin.",
        "Quote this code when you contact the admin.",
    ),
    ("Kembali ke dasbor", "Back to the dashboard"),
    // public_index.html
    ("Ringkasan per provinsi", "Summary by province"),
    (
        "Ringkasan register untuk umum: jumlah rumah tangga dan anggota, desil, dan penerima program per provinsi dan kabupaten/kota, tanpa data pribadi.",
        "The register's summary for the public: the number of households and members, deciles, and programme beneficiaries per province and regency/city, without personal data.",
    ),
    (
        "Ringkasan register per provinsi",
        "Register summary by province",
    ),
    (
        "Untuk umum: jumlah rumah tangga dan anggota, desil, dan penerima program per kabupaten/kota. Tidak ada data pribadi.",
        "For the public: the number of households and members, deciles, and programme beneficiaries per regency/city. No personal data.",
    ),
    // glossary.html
    (
        "Arti singkatan dan istilah yang dipakai di halaman-halaman siks, dari BNBA sampai verivali.",
        "What the abbreviations and terms used on the pages of siks mean, from BNBA to verivali.",
    ),
    (
        "Panduan kerja setiap peran ada di halaman",
        "Each role's guide to its work is in the",
    ),
    // A member row's links: one person's correction or removal.
    ("anggota|perbaikan", "correction"),
    ("anggota|penghapusan", "removal"),
];
