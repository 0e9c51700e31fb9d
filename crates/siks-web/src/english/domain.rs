//! The English of the domain's labels that have no English of their own (roles, region levels,
//! stages, steps, statuses, job states) (see `crate::lang`); coded values carry their own.

pub(super) const ENTRIES: &[(&str, &str)] = &[
    // Roles (siks_domain::Role::label).
    ("Operator desa/kelurahan", "Village operator"),
    ("Operator kecamatan", "District operator"),
    (
        "Operator Dinas Sosial kabupaten/kota",
        "Regency Social Affairs Office operator",
    ),
    (
        "Verifikator Dinas Sosial kabupaten/kota",
        "Regency Social Affairs Office verifier",
    ),
    ("Pengesah (Bupati/Walikota)", "Ratifier (regent/mayor)"),
    (
        "Operator Dinas Sosial provinsi",
        "Province Social Affairs Office operator",
    ),
    (
        "Pusat (Kementerian Sosial)",
        "Ministry (Ministry of Social Affairs)",
    ),
    ("Auditor", "Auditor"),
    ("Administrator", "Administrator"),
    // Region levels.
    ("provinsi", "province"),
    ("kabupaten/kota", "regency/city"),
    ("kecamatan", "district"),
    ("desa/kelurahan", "village"),
    // Finding statuses.
    ("Terbuka", "Open"),
    ("Sudah diperbaiki", "Fixed"),
    ("Diabaikan", "Dismissed"),
    // Register statuses.
    ("status|Usulan", "Proposed"),
    ("Aktif", "Active"),
    ("Nonaktif", "Inactive"),
    ("Nonaktif ({})", "Inactive ({})"),
    // Stages of a proposal.
    ("Draf desa/kelurahan", "Village draft"),
    ("Musyawarah desa/kelurahan", "Village meeting (musdes)"),
    (
        "Verifikasi Dinas Sosial kabupaten/kota",
        "Regency Social Affairs Office verification",
    ),
    (
        "Pengesahan Bupati/Walikota",
        "Ratification by the regent/mayor",
    ),
    ("Verifikasi provinsi", "Province verification"),
    ("Pemeriksaan pusat", "Ministry check"),
    (
        "Diterima, menunggu penetapan",
        "Accepted, awaiting determination",
    ),
    ("Ditetapkan", "Determined"),
    ("Dikembalikan ke desa/kelurahan", "Returned to the village"),
    ("Ditolak", "Rejected"),
    ("Dibatalkan desa/kelurahan", "Withdrawn by the village"),
    // Their short labels.
    ("Draf", "Draft"),
    ("Musdes", "Musdes"),
    ("Verifikasi kab./kota", "Regency verification"),
    ("Pengesahan", "Ratification"),
    ("Pusat", "Ministry"),
    ("Diterima", "Accepted"),
    ("Dikembalikan", "Returned"),
    ("Dibatalkan", "Withdrawn"),
    // Steps of a proposal's trail.
    ("Diusulkan", "Proposed"),
    ("Diajukan", "Submitted"),
    ("Keputusan musdes", "Musdes decision"),
    ("Diverifikasi", "Verified"),
    ("Disahkan", "Ratified"),
    ("Diteruskan", "Forwarded"),
    ("Diperbaiki desa/kelurahan", "Revised by the village"),
    // Job states.
    ("Menunggu", "Waiting"),
    ("Berjalan", "Running"),
    ("Selesai", "Done"),
    ("Gagal", "Failed"),
    ("Terputus", "Interrupted"),
    // Identity numbers keep their names.
    ("NIK", "NIK"),
    ("No KK", "No KK"),
    (
        "Pejabat Pelindungan Data Pribadi",
        "Data protection officer",
    ),
];
