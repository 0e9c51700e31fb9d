//! The "Panduan" of the pages drawn from shared templates (forms, the preview of a correction,
//! a job, a printed paper): what the page is for, the steps, and what happens next. Pages with a
//! template of their own carry their guide in the template.

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
