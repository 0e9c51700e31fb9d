//! The coded values of the record (the answer lists of the DTKS questionnaire), each an enum with
//! a stable numeric code (what files and the database hold) and Indonesian and English labels.

use crate::message::Bilingual;

/// A text that is not one of the codes of a coded value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.indonesian())]
pub struct CodeError {
    /// The Indonesian name of the coded value ("jenis kelamin").
    pub what: &'static str,
    pub value: String,
    /// The codes allowed, for the message.
    pub allowed: String,
}

impl Bilingual for CodeError {
    fn indonesian(&self) -> String {
        if self.value.is_empty() {
            return format!("{} wajib dipilih", self.what);
        }
        format!(
            "'{}' bukan kode {} yang dikenal (pilihan: {})",
            self.value, self.what, self.allowed
        )
    }
    fn english(&self) -> String {
        if self.value.is_empty() {
            return format!("{} must be chosen", self.what);
        }
        format!(
            "'{}' is not a known code of {} (choices: {})",
            self.value, self.what, self.allowed
        )
    }
}

/// Behaviour every coded value shares.
pub trait Coded: Sized + Copy + 'static {
    /// Indonesian name of the list, used in messages.
    const WHAT: &'static str;
    const ALL: &'static [Self];
    fn code(self) -> u8;
    fn label(self) -> &'static str;
    fn label_en(self) -> &'static str;

    fn from_code(code: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }

    /// Parses the numeric code as written in a file or form.
    fn parse_code(text: &str) -> Result<Self, CodeError> {
        text.trim()
            .parse::<u8>()
            .ok()
            .and_then(Self::from_code)
            .ok_or_else(|| CodeError {
                what: Self::WHAT,
                value: text.trim().to_string(),
                allowed: Self::ALL
                    .iter()
                    .map(|v| format!("{}={}", v.code(), v.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The OpenAPI schema of a coded value: an integer, one of `codes`, each explained in English.
pub fn code_schema(
    what: &str,
    codes: &[(u8, &str)],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    let meaning: Vec<String> = codes.iter().map(|(c, en)| format!("{c} = {en}")).collect();
    utoipa::openapi::RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .enum_values(Some(codes.iter().map(|(c, _)| *c)))
            .description(Some(format!("Kode {what}: {}", meaning.join("; "))))
            .build(),
    ))
}

macro_rules! coded {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $variant:ident = $code:literal, $id:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $variant, )+
        }

        impl $crate::codes::Coded for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$( $name::$variant, )+];
            fn code(self) -> u8 {
                match self { $( $name::$variant => $code, )+ }
            }
            fn label(self) -> &'static str {
                match self { $( $name::$variant => $id, )+ }
            }
            fn label_en(self) -> &'static str {
                match self { $( $name::$variant => $en, )+ }
            }
        }

        impl $name {
            pub fn code(self) -> u8 { $crate::codes::Coded::code(self) }
            pub fn label(self) -> &'static str { $crate::codes::Coded::label(self) }
            pub fn label_en(self) -> &'static str { $crate::codes::Coded::label_en(self) }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::codes::Coded::label(*self))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8($crate::codes::Coded::code(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <u8 as ::serde::Deserialize>::deserialize(d)?;
                <$name as $crate::codes::Coded>::from_code(code).ok_or_else(|| {
                    serde::de::Error::custom(format!("kode {} tidak dikenal: {}", $what, code))
                })
            }
        }

        // In the API's document: the integer code, its values, and what each means.
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::codes::code_schema(
                    $what,
                    &[$( ($code, $en), )+],
                )
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

coded!(Sex, "jenis kelamin" {
    Male = 1, "Laki-laki", "Male";
    Female = 2, "Perempuan", "Female";
});

coded!(BuildingTenure, "status kepemilikan bangunan" {
    Own = 1, "Milik sendiri", "Own";
    Rented = 2, "Kontrak/sewa", "Rented";
    RentFree = 3, "Bebas sewa", "Rent-free";
    Official = 4, "Dinas", "Official housing";
    Other = 5, "Lainnya", "Other";
});

coded!(LandTenure, "status kepemilikan lahan" {
    Own = 1, "Milik sendiri", "Own";
    OthersLand = 2, "Milik orang lain", "Someone else's";
    State = 3, "Tanah negara", "State land";
    Other = 4, "Lainnya", "Other";
});

coded!(FloorMaterial, "jenis lantai terluas" {
    Marble = 1, "Marmer/granit", "Marble/granite";
    Ceramic = 2, "Keramik", "Ceramic";
    ParquetVinyl = 3, "Parket/vinil/karpet", "Parquet/vinyl/carpet";
    TileTerrazzo = 4, "Ubin/tegel/teraso", "Tile/terrazzo";
    GoodWood = 5, "Kayu/papan kualitas tinggi", "High-quality wood";
    Cement = 6, "Semen/bata merah", "Cement/red brick";
    Bamboo = 7, "Bambu", "Bamboo";
    CheapWood = 8, "Kayu/papan kualitas rendah", "Low-quality wood";
    Earth = 9, "Tanah", "Earth";
    Other = 10, "Lainnya", "Other";
});

coded!(WallMaterial, "jenis dinding terluas" {
    PlasteredBrick = 1, "Tembok diplester", "Plastered masonry";
    Plasterboard = 2, "Plesteran anyaman bambu/kawat", "Plastered bamboo or wire";
    Wood = 3, "Kayu/papan", "Wood/boards";
    UnplasteredBrick = 4, "Tembok tanpa plester", "Unplastered masonry";
    Bamboo = 5, "Anyaman bambu", "Woven bamboo";
    Thatch = 6, "Rumbia/daun", "Thatch/leaves";
    CheapWood = 7, "Kayu kualitas rendah", "Low-quality wood";
    Other = 8, "Lainnya", "Other";
});

coded!(Condition, "kondisi" {
    Good = 1, "Bagus/kualitas tinggi", "Good";
    Poor = 2, "Jelek/kualitas rendah", "Poor";
});

coded!(RoofMaterial, "jenis atap terluas" {
    Concrete = 1, "Beton", "Concrete";
    ClayTile = 2, "Genteng tanah liat", "Clay tile";
    MetalTile = 3, "Genteng metal/keramik", "Metal or ceramic tile";
    Zinc = 4, "Seng", "Zinc sheet";
    Asbestos = 5, "Asbes", "Asbestos";
    WoodShingle = 6, "Sirap", "Wood shingle";
    Bamboo = 7, "Bambu", "Bamboo";
    Thatch = 8, "Jerami/ijuk/daun/rumbia", "Straw/palm/thatch";
    Other = 9, "Lainnya", "Other";
});

coded!(WaterSource, "sumber air minum" {
    BottledBranded = 1, "Air kemasan bermerk", "Branded bottled water";
    Refill = 2, "Air isi ulang", "Refill water";
    PipedMetered = 3, "Leding meteran", "Piped, metered";
    PipedRetail = 4, "Leding eceran", "Piped, retail";
    Borehole = 5, "Sumur bor/pompa", "Borehole/pump";
    ProtectedWell = 6, "Sumur terlindung", "Protected well";
    UnprotectedWell = 7, "Sumur tak terlindung", "Unprotected well";
    ProtectedSpring = 8, "Mata air terlindung", "Protected spring";
    UnprotectedSpring = 9, "Mata air tak terlindung", "Unprotected spring";
    River = 10, "Air sungai/danau/waduk", "River/lake/reservoir";
    Rain = 11, "Air hujan", "Rainwater";
    Other = 12, "Lainnya", "Other";
});

coded!(WaterAcquisition, "cara memperoleh air minum" {
    Bought = 1, "Membeli eceran", "Bought";
    Subscription = 2, "Langganan", "Subscription";
    Free = 3, "Tidak membeli", "Free";
});

coded!(LightingSource, "sumber penerangan utama" {
    PlnMetered = 1, "Listrik PLN dengan meteran", "PLN electricity, metered";
    PlnUnmetered = 2, "Listrik PLN tanpa meteran", "PLN electricity, unmetered";
    NonPln = 3, "Listrik non-PLN", "Non-PLN electricity";
    NotElectric = 4, "Bukan listrik", "Not electric";
});

coded!(InstalledPower, "daya terpasang" {
    Va450 = 1, "450 VA", "450 VA";
    Va900 = 2, "900 VA", "900 VA";
    Va1300 = 3, "1.300 VA", "1,300 VA";
    Va2200 = 4, "2.200 VA", "2,200 VA";
    Above2200 = 5, "Lebih dari 2.200 VA", "Above 2,200 VA";
    NoMeter = 6, "Tanpa meteran", "No meter";
});

coded!(CookingFuel, "bahan bakar memasak" {
    Electricity = 1, "Listrik", "Electricity";
    LpgLarge = 2, "Gas elpiji 5,5 kg/blue gaz", "LPG 5.5 kg or larger";
    Lpg3Kg = 3, "Gas elpiji 3 kg", "LPG 3 kg";
    CityGas = 4, "Gas kota/biogas", "City gas/biogas";
    Kerosene = 5, "Minyak tanah", "Kerosene";
    Briquette = 6, "Briket", "Briquette";
    Charcoal = 7, "Arang", "Charcoal";
    Firewood = 8, "Kayu bakar", "Firewood";
    NoCooking = 9, "Tidak memasak di rumah", "No cooking at home";
});

coded!(ToiletFacility, "fasilitas buang air besar" {
    Own = 1, "Sendiri", "Own";
    Shared = 2, "Bersama", "Shared";
    Public = 3, "Umum", "Public";
    None = 4, "Tidak ada", "None";
});

coded!(SewageDisposal, "tempat pembuangan akhir tinja" {
    SepticTank = 1, "Tangki septik", "Septic tank";
    Ipal = 2, "IPAL", "Sewage treatment plant";
    PondField = 3, "Kolam/sawah/kebun", "Pond/field/garden";
    River = 4, "Sungai/danau/laut", "River/lake/sea";
    Pit = 5, "Lubang tanah", "Pit";
    OpenField = 6, "Pantai/tanah lapang", "Beach/open field";
    Other = 7, "Lainnya", "Other";
});

coded!(
    /// Relation to the head of the household (and, with the same list, to the head of the family).
    Relation, "hubungan dengan kepala" {
    Head = 1, "Kepala", "Head";
    Spouse = 2, "Istri/suami", "Spouse";
    Child = 3, "Anak", "Child";
    ChildInLaw = 4, "Menantu", "Child-in-law";
    Grandchild = 5, "Cucu", "Grandchild";
    Parent = 6, "Orang tua/mertua", "Parent/parent-in-law";
    OtherRelative = 7, "Famili lain", "Other relative";
    Other = 8, "Lainnya", "Other";
});

coded!(MaritalStatus, "status perkawinan" {
    Single = 1, "Belum kawin", "Single";
    Married = 2, "Kawin", "Married";
    Divorced = 3, "Cerai hidup", "Divorced";
    Widowed = 4, "Cerai mati", "Widowed";
});

coded!(DisabilityType, "jenis disabilitas" {
    Physical = 1, "Disabilitas fisik", "Physical";
    Intellectual = 2, "Disabilitas intelektual", "Intellectual";
    Mental = 3, "Disabilitas mental", "Mental";
    Sight = 4, "Disabilitas sensorik netra", "Visual";
    Hearing = 5, "Disabilitas sensorik rungu", "Hearing";
    Speech = 6, "Disabilitas sensorik wicara", "Speech";
    Multiple = 7, "Disabilitas ganda", "Multiple";
});

coded!(Severity, "tingkat keparahan" {
    Mild = 1, "Ringan", "Mild";
    Moderate = 2, "Sedang", "Moderate";
    Severe = 3, "Berat", "Severe";
});

coded!(ChronicIllness, "penyakit kronis" {
    Hypertension = 1, "Hipertensi", "Hypertension";
    Rheumatism = 2, "Rematik", "Rheumatism";
    Asthma = 3, "Asma", "Asthma";
    Heart = 4, "Masalah jantung", "Heart disease";
    Diabetes = 5, "Diabetes", "Diabetes";
    Tuberculosis = 6, "TBC", "Tuberculosis";
    Stroke = 7, "Stroke", "Stroke";
    Cancer = 8, "Kanker/tumor", "Cancer";
    Kidney = 9, "Gagal ginjal", "Kidney failure";
    Other = 10, "Lainnya", "Other";
});

coded!(SchoolParticipation, "partisipasi sekolah" {
    Never = 1, "Tidak/belum pernah sekolah", "Never attended";
    Attending = 2, "Masih sekolah", "Attending";
    Left = 3, "Tidak bersekolah lagi", "No longer attending";
});

coded!(Education, "pendidikan tertinggi" {
    NoSchooling = 1, "Tidak/belum tamat SD", "No primary certificate";
    Primary = 2, "SD/MI/Paket A", "Primary";
    JuniorSecondary = 3, "SMP/MTs/Paket B", "Junior secondary";
    SeniorSecondary = 4, "SMA/SMK/MA/Paket C", "Senior secondary";
    Diploma = 5, "D1/D2/D3", "Diploma";
    Bachelor = 6, "D4/S1", "Bachelor";
    Postgraduate = 7, "S2/S3", "Postgraduate";
});

coded!(WorkStatus, "status bekerja" {
    Working = 1, "Bekerja", "Working";
    NotWorking = 2, "Tidak bekerja", "Not working";
    LookingForWork = 3, "Mencari kerja", "Looking for work";
    InSchool = 4, "Sekolah", "In school";
    Housekeeping = 5, "Mengurus rumah tangga", "Housekeeping";
});

coded!(OccupationSector, "lapangan usaha" {
    FoodCrops = 1, "Pertanian tanaman padi/palawija", "Food-crop farming";
    Horticulture = 2, "Hortikultura", "Horticulture";
    Plantation = 3, "Perkebunan", "Plantation";
    Fisheries = 4, "Perikanan", "Fisheries";
    Livestock = 5, "Peternakan", "Livestock";
    Forestry = 6, "Kehutanan", "Forestry";
    Mining = 7, "Pertambangan/penggalian", "Mining/quarrying";
    Manufacturing = 8, "Industri pengolahan", "Manufacturing";
    Utilities = 9, "Listrik dan gas", "Electricity and gas";
    Construction = 10, "Bangunan/konstruksi", "Construction";
    Trade = 11, "Perdagangan", "Trade";
    Hospitality = 12, "Hotel dan rumah makan", "Hotels and restaurants";
    Transport = 13, "Transportasi dan pergudangan", "Transport and storage";
    Communication = 14, "Informasi dan komunikasi", "Information and communication";
    Finance = 15, "Keuangan dan asuransi", "Finance and insurance";
    Services = 16, "Jasa pendidikan/kesehatan/kemasyarakatan", "Education/health/social services";
    Government = 17, "Pemerintahan (ASN/TNI/Polri)", "Government (civil service/military/police)";
    Other = 18, "Lainnya", "Other";
});

coded!(Presence, "keberadaan anggota" {
    LivesHere = 1, "Tinggal di rumah tangga", "Lives here";
    Moved = 2, "Pindah", "Moved";
    Died = 3, "Meninggal", "Died";
    NotFound = 4, "Tidak ditemukan", "Not found";
    NewMember = 5, "Anggota baru", "New member";
});

coded!(DukcapilStatus, "status padan Dukcapil" {
    Unchecked = 1, "Belum dipadankan", "Not yet matched";
    Matched = 2, "Padan", "Matches the civil registry";
    NotMatched = 3, "Tidak padan", "Does not match the civil registry";
});

coded!(
    /// The 26 categories of people with social-welfare problems (PMKS/PPKS, Permensos 8/2012).
    PmksCategory, "kategori PPKS" {
    NeglectedToddler = 1, "Anak balita telantar", "Neglected child under five";
    NeglectedChild = 2, "Anak telantar", "Neglected child";
    ChildInConflictWithLaw = 3, "Anak berhadapan dengan hukum", "Child in conflict with the law";
    StreetChild = 4, "Anak jalanan", "Street child";
    ChildWithDisability = 5, "Anak dengan kedisabilitasan", "Child with a disability";
    ChildVictimOfViolence = 6, "Anak korban tindak kekerasan", "Child victim of violence";
    ChildNeedingProtection = 7, "Anak yang memerlukan perlindungan khusus", "Child needing special protection";
    NeglectedElderly = 8, "Lanjut usia telantar", "Neglected elderly";
    PersonWithDisability = 9, "Penyandang disabilitas", "Person with a disability";
    SexWorker = 10, "Tuna susila", "Sex worker";
    Homeless = 11, "Gelandangan", "Homeless";
    Beggar = 12, "Pengemis", "Beggar";
    Scavenger = 13, "Pemulung", "Scavenger";
    MinorityGroup = 14, "Kelompok minoritas", "Minority group";
    FormerPrisoner = 15, "Bekas warga binaan lembaga pemasyarakatan", "Former prisoner";
    PeopleWithHiv = 16, "Orang dengan HIV/AIDS", "Person living with HIV/AIDS";
    DrugAbuseVictim = 17, "Korban penyalahgunaan NAPZA", "Victim of drug abuse";
    TraffickingVictim = 18, "Korban perdagangan orang", "Victim of trafficking";
    ViolenceVictim = 19, "Korban tindak kekerasan", "Victim of violence";
    TroubledMigrantWorker = 20, "Pekerja migran bermasalah sosial", "Migrant worker with social problems";
    NaturalDisasterVictim = 21, "Korban bencana alam", "Victim of natural disaster";
    SocialDisasterVictim = 22, "Korban bencana sosial", "Victim of social disaster";
    VulnerableWoman = 23, "Perempuan rawan sosial ekonomi", "Socio-economically vulnerable woman";
    Destitute = 24, "Fakir miskin", "Destitute";
    TroubledFamily = 25, "Keluarga bermasalah sosial psikologis", "Family with psychosocial problems";
    RemoteIndigenous = 26, "Komunitas adat terpencil", "Remote indigenous community";
});

coded!(
    /// Why a household or person left the register.
    InactiveReason, "alasan nonaktif" {
    Died = 1, "Meninggal", "Died";
    Moved = 2, "Pindah", "Moved";
    Duplicate = 3, "Data ganda", "Duplicate";
    NotFound = 4, "Tidak ditemukan", "Not found";
    NoLongerPoor = 5, "Sudah mampu", "No longer poor";
    CivilServant = 6, "ASN/TNI/Polri", "Civil servant/military/police";
    Other = 7, "Lainnya", "Other";
});

coded!(CivilServantKind, "jenis aparatur" {
    Asn = 1, "ASN", "Civil servant";
    Tni = 2, "TNI", "Military";
    Polri = 3, "Polri", "Police";
});

coded!(CivilRegistryStatus, "status kependudukan" {
    Alive = 1, "Hidup", "Alive";
    Dead = 2, "Meninggal", "Dead";
    Deactivated = 3, "NIK dinonaktifkan", "NIK deactivated";
});

/// Every coded value's Indonesian label with its English one, for the pages' English switch.
pub fn every_label() -> Vec<(&'static str, &'static str)> {
    fn of<C: Coded>(out: &mut Vec<(&'static str, &'static str)>) {
        out.extend(C::ALL.iter().map(|v| (v.label(), v.label_en())));
    }
    let mut out = Vec::new();
    macro_rules! all {
        ($($t:ty),+ $(,)?) => { $( of::<$t>(&mut out); )+ };
    }
    all!(
        Sex,
        BuildingTenure,
        LandTenure,
        FloorMaterial,
        WallMaterial,
        Condition,
        RoofMaterial,
        WaterSource,
        WaterAcquisition,
        LightingSource,
        InstalledPower,
        CookingFuel,
        ToiletFacility,
        SewageDisposal,
        Relation,
        MaritalStatus,
        DisabilityType,
        Severity,
        ChronicIllness,
        SchoolParticipation,
        Education,
        WorkStatus,
        OccupationSector,
        Presence,
        DukcapilStatus,
        PmksCategory,
        InactiveReason,
        CivilServantKind,
        CivilRegistryStatus,
        crate::lists::ListKind,
        crate::checks::FindingKind,
        crate::record::EvidenceKind,
        crate::workflow::ProposalKind,
        crate::social::PpksUnit,
        crate::social::PpksService,
        crate::social::PsksKind,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_are_unique<T: Coded>() {
        let mut seen = std::collections::HashSet::new();
        for v in T::ALL {
            assert!(seen.insert(v.code()), "{} code {} twice", T::WHAT, v.code());
            assert_eq!(T::from_code(v.code()).map(|x| x.code()), Some(v.code()));
            assert!(!v.label().is_empty() && !v.label_en().is_empty());
        }
    }

    #[test]
    fn every_list_has_unique_codes_and_labels() {
        codes_are_unique::<Sex>();
        codes_are_unique::<BuildingTenure>();
        codes_are_unique::<LandTenure>();
        codes_are_unique::<FloorMaterial>();
        codes_are_unique::<WallMaterial>();
        codes_are_unique::<Condition>();
        codes_are_unique::<RoofMaterial>();
        codes_are_unique::<WaterSource>();
        codes_are_unique::<WaterAcquisition>();
        codes_are_unique::<LightingSource>();
        codes_are_unique::<InstalledPower>();
        codes_are_unique::<CookingFuel>();
        codes_are_unique::<ToiletFacility>();
        codes_are_unique::<SewageDisposal>();
        codes_are_unique::<Relation>();
        codes_are_unique::<MaritalStatus>();
        codes_are_unique::<DisabilityType>();
        codes_are_unique::<Severity>();
        codes_are_unique::<ChronicIllness>();
        codes_are_unique::<SchoolParticipation>();
        codes_are_unique::<Education>();
        codes_are_unique::<WorkStatus>();
        codes_are_unique::<OccupationSector>();
        codes_are_unique::<Presence>();
        codes_are_unique::<DukcapilStatus>();
        codes_are_unique::<PmksCategory>();
        codes_are_unique::<InactiveReason>();
        codes_are_unique::<CivilServantKind>();
        codes_are_unique::<CivilRegistryStatus>();
        assert_eq!(PmksCategory::ALL.len(), 26);
    }

    #[test]
    fn parse_code_explains_the_choices() {
        assert_eq!(Sex::parse_code(" 2 "), Ok(Sex::Female));
        let err = Sex::parse_code("3").unwrap_err();
        assert!(err.indonesian().contains("1=Laki-laki, 2=Perempuan"));
        assert!(err.english().contains("jenis kelamin"));
        assert!(Sex::parse_code("laki").is_err());
        assert_eq!(
            Sex::parse_code(" ").unwrap_err().indonesian(),
            "jenis kelamin wajib dipilih"
        );
    }

    #[test]
    fn serde_uses_the_numeric_code() {
        assert_eq!(serde_json::to_string(&CookingFuel::Firewood).unwrap(), "8");
        assert_eq!(
            serde_json::from_str::<CookingFuel>("8").unwrap(),
            CookingFuel::Firewood
        );
        assert!(serde_json::from_str::<CookingFuel>("99").is_err());
    }
}
