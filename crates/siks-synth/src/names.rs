//! Indonesian names by cultural region: given names for men and women and, where the custom has
//! them, family names (marga, fam). Which list a household draws from follows its province.

/// A naming tradition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tradition {
    Javanese,
    Sundanese,
    Malay,
    Batak,
    Minangkabau,
    Bugis,
    Balinese,
    Papuan,
    Minahasa,
    NusaTenggaraChristian,
    Banjar,
}

pub struct NameList {
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
    /// Family names written after the given names; empty where the custom has none.
    pub family: &'static [&'static str],
    /// Birth places typical of the region, used when a person was born elsewhere.
    pub places: &'static [&'static str],
}

/// The tradition most households of a province follow.
pub fn tradition_for_province(province: &str) -> Tradition {
    match province {
        "33" | "34" | "35" => Tradition::Javanese,
        "32" | "36" => Tradition::Sundanese,
        "12" => Tradition::Batak,
        "13" => Tradition::Minangkabau,
        "51" => Tradition::Balinese,
        "71" => Tradition::Minahasa,
        "53" => Tradition::NusaTenggaraChristian,
        "72" | "73" | "74" | "75" | "76" => Tradition::Bugis,
        "63" | "62" | "64" | "65" => Tradition::Banjar,
        "81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" | "97" => Tradition::Papuan,
        "31" => Tradition::Javanese,
        _ => Tradition::Malay,
    }
}

/// Common Muslim given names used across traditions.
const MUSLIM_MALE: &[&str] = &[
    "Muhammad",
    "Ahmad",
    "Abdul Rahman",
    "Hasan",
    "Husin",
    "Ibrahim",
    "Ismail",
    "Yusuf",
    "Rahmat",
    "Hidayat",
    "Syamsul",
    "Nur Hadi",
    "Arifin",
    "Zainal",
    "Fauzi",
    "Ridwan",
    "Saiful",
    "Taufik",
];
const MUSLIM_FEMALE: &[&str] = &[
    "Siti Aminah",
    "Siti Fatimah",
    "Nur Aini",
    "Khadijah",
    "Aisyah",
    "Maryam",
    "Zainab",
    "Rohani",
    "Nurhayati",
    "Rahmawati",
    "Fitriani",
    "Halimah",
    "Aminah",
    "Salmah",
];

pub fn names(tradition: Tradition) -> NameList {
    match tradition {
        Tradition::Javanese => NameList {
            male: &[
                "Sutrisno",
                "Slamet",
                "Suparman",
                "Bambang",
                "Joko",
                "Agus",
                "Budi Santoso",
                "Sugeng",
                "Wahyudi",
                "Supriyadi",
                "Sukarno",
                "Mulyono",
                "Darmaji",
                "Kasiman",
                "Paimin",
                "Suyanto",
                "Purwanto",
                "Heru",
                "Eko Prasetyo",
                "Teguh",
                "Warsito",
                "Sumarno",
                "Tukiran",
                "Muhammad",
                "Ahmad Fauzi",
                "Imam",
                "Rudi Hartono",
                "Dwi Cahyono",
                "Yanto",
                "Gunawan",
            ],
            female: &[
                "Sumiati",
                "Suparmi",
                "Sri Wahyuni",
                "Siti Aminah",
                "Painem",
                "Sulastri",
                "Suwarni",
                "Endang",
                "Tri Wahyuni",
                "Lestari",
                "Yuliani",
                "Ngatini",
                "Kasmini",
                "Sumarni",
                "Dewi Sartika",
                "Rini",
                "Puji Astuti",
                "Wartini",
                "Marsinah",
                "Siti Khotijah",
                "Nur Hidayah",
                "Indah",
                "Sri Mulyani",
                "Tumini",
                "Ratna",
            ],
            family: &[],
            places: &[
                "Tuban",
                "Bojonegoro",
                "Lamongan",
                "Surabaya",
                "Semarang",
                "Solo",
                "Madiun",
                "Kediri",
                "Rembang",
                "Blora",
            ],
        },
        Tradition::Sundanese => NameList {
            male: &[
                "Asep",
                "Ujang",
                "Dadang",
                "Cecep",
                "Endang Suhendar",
                "Yayan",
                "Deden",
                "Acep",
                "Dede",
                "Ade Supriatna",
                "Iwan Setiawan",
                "Engkos",
                "Maman",
                "Ukar",
                "Jajang",
                "Nana Suryana",
                "Ahmad",
                "Rahmat",
                "Wawan",
                "Ohim",
            ],
            female: &[
                "Euis",
                "Neneng",
                "Imas",
                "Enok",
                "Cucu",
                "Popon",
                "Iis",
                "Entin",
                "Yeti",
                "Nining",
                "Elis Nurhayati",
                "Tati",
                "Ai Rohaeti",
                "Siti Nurjanah",
                "Dedeh",
                "Eti",
                "Lilis",
                "Nenden",
                "Ela",
            ],
            family: &[],
            places: &[
                "Bandung",
                "Garut",
                "Tasikmalaya",
                "Ciamis",
                "Sumedang",
                "Cianjur",
                "Sukabumi",
                "Bogor",
                "Serang",
                "Pandeglang",
            ],
        },
        Tradition::Malay => NameList {
            male: MUSLIM_MALE,
            female: MUSLIM_FEMALE,
            family: &[],
            places: &[
                "Palembang",
                "Jambi",
                "Pekanbaru",
                "Bengkulu",
                "Banda Aceh",
                "Pontianak",
                "Mataram",
                "Tanjung Pinang",
                "Pangkal Pinang",
                "Bandar Lampung",
            ],
        },
        Tradition::Batak => NameList {
            male: &[
                "Togar", "Maruli", "Parulian", "Binsar", "Hotman", "Sahat", "Poltak", "Mangasi",
                "Robert", "Jhonson", "Daniel", "Hendrik", "Tumpal", "Bonar",
            ],
            female: &[
                "Rosmawati",
                "Tiurma",
                "Nurmala",
                "Lasma",
                "Rotua",
                "Dameria",
                "Hotmauli",
                "Sarma",
                "Maria",
                "Ruth",
                "Lenny",
                "Erna",
            ],
            family: &[
                "Simanjuntak",
                "Siregar",
                "Nasution",
                "Hutapea",
                "Sitorus",
                "Situmorang",
                "Sinaga",
                "Pardede",
                "Manurung",
                "Tampubolon",
                "Lubis",
                "Harahap",
                "Panjaitan",
                "Sihombing",
            ],
            places: &[
                "Medan",
                "Tarutung",
                "Balige",
                "Pematang Siantar",
                "Sibolga",
                "Padang Sidempuan",
            ],
        },
        Tradition::Minangkabau => NameList {
            male: &[
                "Syahrial",
                "Zulkifli",
                "Afrizal",
                "Yusrizal",
                "Datuk Rajo",
                "Erwin",
                "Hendri",
                "Syafrudin",
                "Firdaus",
                "Irwan",
                "Muhammad",
                "Yulianto",
            ],
            female: &[
                "Yusnimar",
                "Nurlela",
                "Syafrida",
                "Rosmaniar",
                "Yenni",
                "Erniwati",
                "Desniati",
                "Fitri",
                "Gusnawati",
                "Nurmaini",
            ],
            family: &[],
            places: &[
                "Padang",
                "Bukittinggi",
                "Payakumbuh",
                "Solok",
                "Pariaman",
                "Batusangkar",
            ],
        },
        Tradition::Bugis => NameList {
            male: &[
                "Andi Baso",
                "La Ode",
                "Muhammad Nur",
                "Syamsuddin",
                "Abdullah",
                "Baharuddin",
                "Haruna",
                "Jamaluddin",
                "Kaharuddin",
                "Nasrullah",
                "Sudirman",
                "Yusuf",
            ],
            female: &[
                "Andi Tenri",
                "Hasnah",
                "Nurhaeda",
                "Haderiah",
                "Sitti Rahmah",
                "Hasmawati",
                "Marlina",
                "Nurhayati",
                "Rosdiana",
                "St. Aminah",
            ],
            family: &[],
            places: &[
                "Makassar",
                "Bone",
                "Wajo",
                "Parepare",
                "Sinjai",
                "Bulukumba",
                "Palu",
                "Kendari",
            ],
        },
        Tradition::Balinese => NameList {
            male: &[
                "I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Gede", "I Kadek",
                "I Komang",
            ],
            female: &[
                "Ni Wayan",
                "Ni Made",
                "Ni Nyoman",
                "Ni Ketut",
                "Ni Putu",
                "Ni Luh",
                "Ni Kadek",
                "Ni Komang",
            ],
            // Balinese birth-order names are followed by a personal name.
            family: &[
                "Sudarma",
                "Suarta",
                "Wirawan",
                "Sukerti",
                "Ariani",
                "Suastika",
                "Mertayasa",
                "Darmawan",
                "Sriasih",
                "Adnyana",
                "Wiadnyana",
                "Kartini",
            ],
            places: &[
                "Denpasar",
                "Gianyar",
                "Tabanan",
                "Buleleng",
                "Karangasem",
                "Klungkung",
                "Bangli",
            ],
        },
        Tradition::Papuan => NameList {
            male: &[
                "Yohanes", "Markus", "Yakob", "Petrus", "Paulus", "Simon", "Daniel", "Elias",
                "Frans", "Yunus", "Otto", "Benny",
            ],
            female: &[
                "Maria", "Yohana", "Agustina", "Ester", "Marta", "Debora", "Rahel", "Selfina",
                "Yuliana", "Naomi",
            ],
            family: &[
                "Wenda",
                "Kogoya",
                "Tabuni",
                "Wonda",
                "Rumbiak",
                "Mandowen",
                "Kambu",
                "Yikwa",
                "Murib",
                "Karubaba",
                "Sawaki",
                "Wanimbo",
                "Rumaropen",
                "Pattiasina",
                "Latumahina",
            ],
            places: &[
                "Jayapura",
                "Wamena",
                "Merauke",
                "Nabire",
                "Biak",
                "Manokwari",
                "Sorong",
                "Timika",
                "Ambon",
            ],
        },
        Tradition::Minahasa => NameList {
            male: &[
                "Johny", "Ferry", "Jefry", "Stenly", "Herman", "Ronald", "Alfrets", "Meiky",
                "Denny",
            ],
            female: &[
                "Meiske", "Stella", "Vivi", "Lenny", "Deisy", "Marlien", "Jeane", "Olvie", "Grace",
            ],
            family: &[
                "Rumengan",
                "Tumbelaka",
                "Lumenta",
                "Sumampouw",
                "Mandagi",
                "Wowor",
                "Pangemanan",
                "Kalalo",
                "Runtuwene",
                "Lengkong",
            ],
            places: &["Manado", "Tomohon", "Bitung", "Tondano", "Kotamobagu"],
        },
        Tradition::NusaTenggaraChristian => NameList {
            male: &[
                "Yosef",
                "Agustinus",
                "Fransiskus",
                "Yohanes",
                "Petrus",
                "Stefanus",
                "Kornelis",
                "Marselinus",
                "Hendrikus",
            ],
            female: &[
                "Maria",
                "Theresia",
                "Agnes",
                "Yuliana",
                "Magdalena",
                "Veronika",
                "Kristina",
                "Elisabeth",
            ],
            family: &[
                "Lado",
                "Bria",
                "Nahak",
                "Tefa",
                "Ndun",
                "Manafe",
                "Lake",
                "Seran",
                "Fanggidae",
                "Ratu",
            ],
            places: &[
                "Kupang", "Atambua", "Ende", "Maumere", "Ruteng", "Waingapu", "Soe",
            ],
        },
        Tradition::Banjar => NameList {
            male: &[
                "Abdul Gani",
                "Muhammad Arsyad",
                "Syahrani",
                "Jumberi",
                "Rusli",
                "Ahmad Husaini",
                "Ideham",
                "Masrani",
                "Rahmadi",
            ],
            female: &[
                "Siti Jubaidah",
                "Mariana",
                "Norhasanah",
                "Rusmini",
                "Salasiah",
                "Hamidah",
                "Masliani",
                "Rahmah",
            ],
            family: &[],
            places: &[
                "Banjarmasin",
                "Martapura",
                "Barabai",
                "Kandangan",
                "Palangka Raya",
                "Samarinda",
                "Balikpapan",
            ],
        },
    }
}

/// A plausible misspelling, as made when a name is typed again from a paper form.
pub fn misspell(name: &str, pick: u32) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("Muhammad", "Muhamad"),
        ("Siti", "St."),
        ("oe", "u"),
        ("u", "oe"),
        ("dj", "j"),
        ("j", "dj"),
        ("y", "i"),
        ("i", "y"),
        ("h", ""),
        ("a", "e"),
    ];
    for k in 0..SWAPS.len() {
        let (from, to) = SWAPS[(pick as usize + k) % SWAPS.len()];
        if let Some(pos) = name.find(from) {
            let mut out = name.to_string();
            out.replace_range(pos..pos + from.len(), to);
            if out != name && !out.trim().is_empty() {
                return out;
            }
        }
    }
    // No variant applied: double the last letter.
    let mut out = name.to_string();
    if let Some(last) = name.chars().last() {
        out.push(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelling_changes_the_name() {
        for (i, name) in ["Muhammad Nur", "Siti Aminah", "Sutrisno", "Dj", "Ui"]
            .iter()
            .enumerate()
        {
            let changed = misspell(name, i as u32);
            assert_ne!(&changed, name);
            assert!(!changed.is_empty());
        }
    }

    #[test]
    fn every_list_has_names() {
        for t in [
            Tradition::Javanese,
            Tradition::Sundanese,
            Tradition::Malay,
            Tradition::Batak,
            Tradition::Minangkabau,
            Tradition::Bugis,
            Tradition::Balinese,
            Tradition::Papuan,
            Tradition::Minahasa,
            Tradition::NusaTenggaraChristian,
            Tradition::Banjar,
        ] {
            let n = names(t);
            assert!(!n.male.is_empty() && !n.female.is_empty() && !n.places.is_empty());
        }
        assert_eq!(tradition_for_province("35"), Tradition::Javanese);
        assert_eq!(tradition_for_province("94"), Tradition::Papuan);
    }
}
