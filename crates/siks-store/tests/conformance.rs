//! The store's conformance story: every store function, run on SQLite always and on PostgreSQL
//! whenever `SIKS_TEST_POSTGRES_URL` names a server where this user may create databases.
//! Under `CI=true` a missing PostgreSQL is a failure, not a skip.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use siks_domain::codes::*;
use siks_domain::interchange::{HOUSEHOLDS_FILE, PERSONS_FILE};
use siks_domain::record::{Address, Assets, Housing};
use siks_domain::{
    Actor, Household, HouseholdId, Nik, NoKk, Person, PersonId, Recorded, RegionCode, Regions,
    RegistryStatus, Role, Scope,
};
use siks_store::bench::RawRows;
use siks_store::import::{ImportError, ImportFile};
use siks_store::{Engine, HouseholdFilter, NewUser, OpenMode, Store, StoreError};

const VILLAGE_A: &str = "35.23.01.2001";
const VILLAGE_B: &str = "35.23.01.2002";
/// A village of the neighbouring regency (Lamongan).
const VILLAGE_ELSEWHERE: &str = "35.24.01.2001";

/// A signed scan the store accepts: what makes a file a PDF is its first bytes.
const SCAN: &[u8] = b"%PDF-1.4 berita acara yang ditandatangani";

/// The details of a village paper held or signed today.
fn paper(
    kind: siks_domain::workflow::Backing,
    village: &str,
) -> siks_domain::documents::BackingDocument {
    siks_domain::documents::BackingDocument {
        kind,
        village: RegionCode::parse(village).unwrap(),
        held_on: chrono::Utc::now().date_naive(),
        place: "Balai Desa".into(),
        attendees: 37,
        chair: "Sutrisno".into(),
        chair_title: "Kepala Desa".into(),
    }
}

// ---------------------------------------------------------------- fixtures (builders)

struct HouseholdBuilder {
    village: RegionCode,
    members: usize,
    first_serial: u32,
}

fn fake_household(village: &str) -> HouseholdBuilder {
    HouseholdBuilder {
        village: RegionCode::parse(village).unwrap(),
        members: 1,
        first_serial: 1,
    }
}

impl HouseholdBuilder {
    fn members(mut self, n: usize) -> Self {
        self.members = n;
        self
    }

    /// NIK serials start here, so that tests can make households with distinct NIKs.
    fn serials_from(mut self, serial: u32) -> Self {
        self.first_serial = serial;
        self
    }

    fn build(self) -> (Household, Vec<Person>) {
        let household = Household {
            id: HouseholdId::new(),
            address: Address {
                village: self.village,
                rt: "001".into(),
                rw: "002".into(),
                street: "Jl. Pahlawan 3".into(),
                sls_name: "Dusun Krajan".into(),
                location: None,
            },
            housing: Housing {
                building_tenure: BuildingTenure::Own,
                land_tenure: LandTenure::Own,
                floor_area_m2: 30,
                floor_material: FloorMaterial::Earth,
                wall_material: WallMaterial::Bamboo,
                wall_condition: Condition::Poor,
                roof_material: RoofMaterial::ClayTile,
                roof_condition: Condition::Good,
                rooms: 2,
                water_source: WaterSource::UnprotectedWell,
                water_acquisition: WaterAcquisition::Free,
                lighting: LightingSource::PlnMetered,
                installed_power: Some(InstalledPower::Va450),
                cooking_fuel: CookingFuel::Firewood,
                toilet: ToiletFacility::Shared,
                sewage: Some(SewageDisposal::Pit),
            },
            assets: Assets::default(),
            evidence: Vec::new(),
            status: RegistryStatus::Active,
            welfare_score: None,
            desil: None,
            programmes: vec!["PKH".into()],
            last_verified: NaiveDate::from_ymd_opt(2026, 1, 10),
        };
        let persons = (0..self.members)
            .map(|i| {
                let serial = self.first_serial + i as u32;
                let (relation, sex, day) = match i {
                    0 => (Relation::Head, Sex::Male, 12),
                    1 => (Relation::Spouse, Sex::Female, 55),
                    _ => (Relation::Child, Sex::Male, 3),
                };
                let year = if i < 2 { 85 } else { 10 };
                let nik = Nik::parse(&format!("352301{day:02}03{year:02}{serial:04}")).unwrap();
                Person {
                    id: PersonId::new(),
                    household_id: household.id,
                    nik: Recorded::Valid(nik),
                    no_kk: Recorded::Valid(NoKk::parse("3523011203150004").unwrap()),
                    family_no: 1,
                    full_name: format!("Anggota {i}"),
                    sex,
                    birth_place: "Tuban".into(),
                    birth_date: NaiveDate::from_ymd_opt(
                        if i < 2 { 1985 } else { 2010 },
                        3,
                        if day > 40 { day - 40 } else { day },
                    )
                    .unwrap(),
                    relation_to_head: relation,
                    relation_to_family_head: relation,
                    marital_status: if i < 2 {
                        MaritalStatus::Married
                    } else {
                        MaritalStatus::Single
                    },
                    mother_name: "Sumiati".into(),
                    pregnant: false,
                    disability: None,
                    disability_severity: None,
                    chronic_illness: None,
                    school_participation: SchoolParticipation::Left,
                    education: Some(Education::Primary),
                    work_status: Some(WorkStatus::Working),
                    occupation_sector: Some(OccupationSector::FoodCrops),
                    presence: Presence::LivesHere,
                    dukcapil: DukcapilStatus::Unchecked,
                    pmks: None,
                    status: RegistryStatus::Active,
                }
            })
            .collect();
        (household, persons)
    }
}

// ---------------------------------------------------------------- engines

struct TestDb {
    store: Store,
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    async fn drop_database(mut self) {
        self.store.close().await;
        if let Some((_, name)) = self.cleanup.take() {
            // Plain DROP DATABASE stops an autovacuum worker itself; WITH (FORCE) would try to
            // terminate it too and fail for want of the right to signal a superuser's process.
            let pool = raw_pg(&self.store).await;
            let mut last = None;
            for _ in 0..10 {
                match sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name}"
                )))
                .execute(&pool)
                .await
                {
                    Ok(_) => {
                        last = None;
                        break;
                    }
                    Err(e) => {
                        last = Some(e);
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    }
                }
            }
            pool.close().await;
            if let Some(e) = last {
                panic!("could not drop the test database {name}: {e}");
            }
        }
    }
}

/// A story that panicked never reaches [`TestDb::drop_database`]: its PostgreSQL database is
/// dropped here instead, so that a failing run leaves no database behind. The store's own
/// connections may still be open, so they are ended first (they are this role's, which it may
/// end; the autovacuum's are not, hence the retries).
impl Drop for TestDb {
    fn drop(&mut self) {
        let (Some((_, name)), Some(admin)) = (self.cleanup.take(), postgres_admin_url()) else {
            return;
        };
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let pool = sqlx::PgPool::connect(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                let mut last = String::new();
                for _ in 0..10 {
                    let _ = sqlx::query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()",
                    )
                    .bind(&name)
                    .execute(&pool)
                    .await;
                    match sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name}"
                    )))
                    .execute(&pool)
                    .await
                    {
                        Ok(_) => return Ok(()),
                        Err(e) => last = e.to_string(),
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
                Err(format!("could not drop the test database {name}: {last}"))
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("{e}");
        }
    }
}

async fn admin_exec(store: &Store, sql: &str) {
    let pool = raw_pg(store).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

async fn raw_pg(_store: &Store) -> sqlx::PgPool {
    sqlx::PgPool::connect(&postgres_admin_url().unwrap())
        .await
        .unwrap()
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("SIKS_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Replaces the database name at the end of a URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').unwrap();
    format!("{}/{name}{query}", &base[..cut])
}

async fn prepared(url: &str) -> Store {
    let store = Store::open(url, OpenMode::CreateIfMissing).await.unwrap();
    store.migrate().await.unwrap();
    store.load_regions(Regions::embedded()).await.unwrap();
    store
}

async fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    TestDb {
        store: prepared(&url).await,
        url,
        cleanup: None,
        _dir: Some(dir),
    }
}

async fn postgres_db() -> Option<TestDb> {
    let Some(admin_url) = postgres_admin_url() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "SIKS_TEST_POSTGRES_URL is not set under CI=true: the PostgreSQL conformance run may not be skipped"
            );
        }
        eprintln!(
            "\n*** SKIPPED: PostgreSQL conformance (set SIKS_TEST_POSTGRES_URL to run it) ***\n"
        );
        return None;
    };
    let name = format!("siks_test_{}", uuid::Uuid::now_v7().simple());
    let admin = Store::open(&admin_url, OpenMode::MustExist).await.unwrap();
    admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
    admin.close().await;
    let url = with_database(&admin_url, &name);
    Some(TestDb {
        store: prepared(&url).await,
        url,
        cleanup: Some((admin_url, name)),
        _dir: None,
    })
}

/// Runs a story on SQLite, then on PostgreSQL when available.
macro_rules! on_both_engines {
    ($story:ident) => {{
        let db = sqlite_db().await;
        assert_eq!(db.store.engine(), Engine::Sqlite);
        $story(&db).await;
        db.drop_database().await;
        if let Some(db) = postgres_db().await {
            assert_eq!(db.store.engine(), Engine::Postgres);
            $story(&db).await;
            db.drop_database().await;
        }
    }};
}

// ---------------------------------------------------------------- actors

struct Cast {
    admin: Actor,
    village_a: Actor,
    village_b: Actor,
    regency: Actor,
    auditor: Actor,
}

async fn cast(store: &Store) -> Cast {
    let admin = store.system_actor().await.unwrap();
    let make = async |username: &str, role: Role, scope: &str| {
        store
            .create_user(
                &admin,
                NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    role,
                    scope: Scope::parse(scope).unwrap(),
                    password_hash: None,
                },
            )
            .await
            .unwrap()
            .actor()
    };
    Cast {
        village_a: make("op.a", Role::VillageOperator, VILLAGE_A).await,
        village_b: make("op.b", Role::VillageOperator, VILLAGE_B).await,
        regency: make("dinsos.tuban", Role::RegencyOperator, "35.23").await,
        auditor: make("auditor", Role::Auditor, "*").await,
        admin,
    }
}

// ---------------------------------------------------------------- stories

/// Takes village A's proposals from draft to accepted as an admin (who acts at every stage),
/// with an SPTJM and its scan.
async fn accept_as_admin(store: &Store, admin: &Actor, ids: &[uuid::Uuid]) {
    use siks_domain::workflow::{Backing, Step, WorkflowConfig};
    let config = WorkflowConfig::default();
    store
        .sign_sptjm(
            admin,
            paper(Backing::Sptjm, VILLAGE_A),
            ids,
            Some(SCAN),
            config,
        )
        .await
        .unwrap();
    store
        .step_proposals(admin, ids, &Step::Verify, config)
        .await
        .unwrap();
    store
        .ratify(
            admin,
            &RegionCode::parse("35.23").unwrap(),
            Some(ids),
            config,
        )
        .await
        .unwrap();
    for step in [Step::Forward, Step::Accept] {
        store
            .step_proposals(admin, ids, &step, config)
            .await
            .unwrap();
    }
}

/// Runs engine-specific SQL on the story's own database (to make a failure happen).
async fn raw_exec(db: &TestDb, sqlite: &str, postgres: &str) {
    match db.store.engine() {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sqlite.to_string()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(postgres.to_string()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

/// One number from engine-specific SQL on the story's own database (to look at the schema).
async fn raw_count(db: &TestDb, sqlite: &str, postgres: &str) -> i64 {
    match db.store.engine() {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sqlite.to_string()))
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            n
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(postgres.to_string()))
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            n
        }
    }
}

/// Verivali: a check run finds what the catalogue looks for and the same NIK active twice, keeps
/// findings across runs (new ones opened, fixed ones closed, dismissed ones left alone), and
/// stays in scope.
async fn checks_find_and_reconcile(db: &TestDb) {
    use siks_domain::checks::FindingKind;
    let store = &db.store;
    let c = cast(store).await;
    let (mut odd, mut odd_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(900)
        .build();
    odd.last_verified = None;
    odd_members[0].full_name = "B4mbang".into();
    odd_members[1].relation_to_head = Relation::Head;
    store
        .create_household(&c.village_a, &odd, &odd_members, "baru")
        .await
        .unwrap();
    let (twin, twin_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(910)
        .build();
    store
        .create_household(&c.village_b, &twin, &twin_members, "baru")
        .await
        .unwrap();
    // The same person registered again in another household, under a NIK of its own.
    let (again_home, again_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(920)
        .build();
    let mut copy = odd_members[1].clone();
    copy.id = again_members[0].id;
    copy.household_id = again_home.id;
    copy.nik = again_members[0].nik.clone();
    store
        .create_household(&c.village_b, &again_home, &[copy.clone()], "baru")
        .await
        .unwrap();
    // A NIK shared by two active people (the store refuses it at entry; legacy data has it).
    raw_exec(
        db,
        &format!(
            "UPDATE persons SET nik = '{}' WHERE id = '{}'",
            odd_members[0].nik.raw(),
            twin_members[0].id
        ),
        &format!(
            "UPDATE persons SET nik = '{}' WHERE id = '{}'",
            odd_members[0].nik.raw(),
            twin_members[0].id
        ),
    )
    .await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tuban = RegionCode::parse("35.23").unwrap();
    assert!(matches!(
        store.run_checks(&c.auditor, Some(&tuban), today).await,
        Err(StoreError::Forbidden(_))
    ));
    let report = store
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    assert_eq!(report.households, 3);
    let open = |k: FindingKind| report.open.get(&k.code()).copied().unwrap_or(0);
    // "B4mbang", and the fixture's "Anggota 1" (twice) and "Anggota 0" (digits in a name).
    assert_eq!(open(FindingKind::ImplausibleName), 4);
    assert_eq!(open(FindingKind::DuplicatePerson), 1, "{report:?}");
    assert_eq!(open(FindingKind::TwoHeads), 1);
    assert_eq!(open(FindingKind::NotVerified), 1);
    assert_eq!(open(FindingKind::DuplicateNik), 2, "one finding per holder");
    assert_eq!(report.opened, report.open.values().sum::<u64>());
    assert_eq!(
        store
            .finding_counts(&c.regency, None, "open")
            .await
            .unwrap(),
        report.open,
        "the counts the page shows are the run's"
    );

    let in_a = store
        .findings(&c.village_a, None, None, Some("open"), 100)
        .await
        .unwrap();
    let same = store
        .findings(
            &c.regency,
            None,
            Some(FindingKind::DuplicatePerson),
            None,
            10,
        )
        .await
        .unwrap();
    let pair = [same[0].person.clone(), same[0].other_person.clone()];
    assert!(
        pair.contains(&Some(copy.id.to_string()))
            && pair.contains(&Some(odd_members[1].id.to_string())),
        "{same:?}"
    );
    assert!(
        same[0].detail.contains("full_name="),
        "explained: {}",
        same[0].detail
    );
    assert!(!same[0].detail.contains("Anggota"), "no name in a finding");
    assert!(in_a.iter().all(|f| f.village.as_str() == VILLAGE_A));
    let dup_b = store
        .findings(
            &c.village_b,
            None,
            Some(FindingKind::DuplicateNik),
            None,
            100,
        )
        .await
        .unwrap();
    assert_eq!(dup_b.len(), 1);
    assert_eq!(
        dup_b[0].other_person.as_deref(),
        Some(odd_members[0].id.to_string().as_str())
    );
    assert!(
        !dup_b[0].detail.contains(&odd_members[0].nik.raw()),
        "no NIK in a finding"
    );

    // Dismiss one (with a reason), fix another, run again.
    let stale = in_a
        .iter()
        .find(|f| f.kind == FindingKind::NotVerified)
        .unwrap();
    assert!(matches!(
        store.dismiss_finding(&c.village_a, stale.id, "").await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .dismiss_finding(&c.village_b, stale.id, "sudah dicek di lapangan")
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .dismiss_finding(&c.village_a, stale.id, "sudah dicek di lapangan")
        .await
        .unwrap();
    let mut renamed = store
        .person(&c.village_a, odd_members[0].id)
        .await
        .unwrap()
        .unwrap();
    renamed.record.full_name = "Bambang".into();
    store
        .update_person(
            &c.village_a,
            &renamed.record,
            renamed.version,
            "salah ketik",
        )
        .await
        .unwrap();
    // A duplicate calls for a removal, entered as the village's draft; a misspelt name does not.
    let proposal = store
        .propose_from_finding(&c.village_b, dup_b[0].id)
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_b, proposal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.content,
        siks_domain::workflow::ProposalContent::Removal {
            household: twin.id,
            person: Some(twin_members[0].id),
            reason: InactiveReason::Duplicate,
        }
    );
    let misspelt = in_a
        .iter()
        .find(|f| f.kind == FindingKind::ImplausibleName)
        .unwrap();
    assert!(matches!(
        store.propose_from_finding(&c.village_a, misspelt.id).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.propose_from_finding(&c.village_a, dup_b[0].id).await,
        Err(StoreError::NotFound)
    ));
    let again = store
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    assert_eq!((again.opened, again.fixed), (0, 1), "{again:?}");
    assert_eq!(
        again.open.get(&FindingKind::NotVerified.code()),
        None,
        "dismissed stays dismissed"
    );
    let dismissed = store
        .findings(&c.village_a, None, Some(FindingKind::NotVerified), None, 10)
        .await
        .unwrap();
    assert_eq!(
        (
            dismissed[0].status.as_str(),
            dismissed[0].status_reason.as_str()
        ),
        ("dismissed", "sudah dicek di lapangan")
    );
}

/// The outside lists: imported by the pusat role only, matched at the next check run exactly
/// on the NIK and, where the NIK is missing, by the linkage engine; a NIK typed on someone else
/// makes no finding; the civil registry confirms people (padan) or does not; the quality count
/// follows the findings.
async fn outside_lists_become_findings(db: &TestDb) {
    use siks_domain::checks::FindingKind;
    use siks_domain::lists::{ListKind, read_list};
    let store = &db.store;
    let c = cast(store).await;
    let heads = [
        "Sutrisno Hadi",
        "Wagiman",
        "Slamet Riyadi",
        "Bambang Irawan",
        "Joko Susilo",
        "Agus Salim",
    ];
    let spouses = [
        "Siti Aminah",
        "Rukmini",
        "Sri Wahyuni",
        "Endang Lestari",
        "Tri Handayani",
        "Dewi Sartika",
    ];
    let mut people = Vec::new();
    for (i, (head, spouse)) in heads.iter().zip(spouses).enumerate() {
        let (village, actor) = if i % 2 == 0 {
            (VILLAGE_A, &c.village_a)
        } else {
            (VILLAGE_B, &c.village_b)
        };
        let (h, mut members) = fake_household(village)
            .members(2)
            .serials_from(700 + 2 * i as u32)
            .build();
        members[0].full_name = head.to_string();
        members[1].full_name = spouse.to_string();
        store
            .create_household(actor, &h, &members, "baru")
            .await
            .unwrap();
        people.extend(members);
    }
    let person = |name: &str| people.iter().find(|p| p.full_name == name).unwrap();
    let nik = |name: &str| person(name).nik.raw();
    let row = |p: &Person, birth: &str, status: u8| {
        format!(
            "{},{},{},{birth},{status}\n",
            p.nik.raw(),
            p.full_name,
            p.sex.code()
        )
    };

    let deaths = format!(
        "nik,full_name,sex,birth_date,birth_place,date_of_death\n\
         {},Sutrisno Hadi,1,1985-03-12,Tuban,2026-10-01\n\
         ,Roekmini,2,1985-03-15,Tuban,2026-09-09\n\
         3523010101400999,Paijo,1,1940-01-01,Blora,2026-01-01\n",
        nik("Sutrisno Hadi")
    );
    let servants = format!(
        "nik,full_name,birth_date,kind,institution\n{},Hendra Gunawan,1970-05-05,1,Dinas Pendidikan\n",
        nik("Wagiman")
    );
    let excluded = format!(
        "NIK,Nama,Tanggal Lahir,Alasan\n{},Siti Aminah,15-03-1985,pengurus perusahaan\n",
        nik("Siti Aminah")
    );
    let mut registry = "nik,full_name,sex,birth_date,status\n".to_string();
    for p in &people {
        match p.full_name.as_str() {
            "Rukmini" => {}
            "Sutrisno Hadi" => registry.push_str(&row(p, "1985-03-12", 2)),
            "Wagiman" => registry.push_str(&row(p, "1985-03-13", 1)),
            _ => registry.push_str(&row(p, &p.birth_date.to_string(), 1)),
        }
    }
    let read = |kind, text: &str| read_list(kind, text.as_bytes()).unwrap();

    // Only the pusat role (and admins) import; a source is required.
    assert!(matches!(
        store
            .import_list(
                &c.regency,
                ListKind::Deaths,
                "Dukcapil",
                "d.csv",
                read(ListKind::Deaths, &deaths)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .import_list(
                &c.admin,
                ListKind::Deaths,
                " ",
                "d.csv",
                read(ListKind::Deaths, &deaths)
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    for (kind, source, text) in [
        (ListKind::Deaths, "Dukcapil", &deaths),
        (ListKind::CivilServants, "BKN", &servants),
        (ListKind::Exclusion, "AHU", &excluded),
        (ListKind::CivilRegistry, "Dukcapil", &registry),
    ] {
        let list = store
            .import_list(&c.admin, kind, source, "daftar.csv", read(kind, text))
            .await
            .unwrap();
        assert!(list.in_force && list.rows > 0);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let report = store.run_checks(&c.admin, None, today).await.unwrap();
    let open = |k: FindingKind| report.open.get(&k.code()).copied().unwrap_or(0);
    assert_eq!(open(FindingKind::Deceased), 2, "{report:?}");
    assert_eq!(
        open(FindingKind::CivilServant),
        0,
        "a NIK typed on someone else"
    );
    assert_eq!(open(FindingKind::Excluded), 1);
    assert_eq!(open(FindingKind::NotInCivilRegistry), 2);
    assert_eq!(report.padan, Some((9, 3)));

    let deceased = store
        .findings(&c.regency, None, Some(FindingKind::Deceased), None, 10)
        .await
        .unwrap();
    let by_name = |name: &str| {
        deceased
            .iter()
            .find(|f| f.person.as_deref() == Some(person(name).id.to_string().as_str()))
            .unwrap_or_else(|| panic!("{name} not found dead: {deceased:?}"))
    };
    assert!(by_name("Sutrisno Hadi").detail.contains("cocok NIK"));
    let fuzzy = by_name("Rukmini");
    assert!(fuzzy.detail.contains("cocok tanpa NIK"), "{}", fuzzy.detail);
    assert!(
        fuzzy.detail.contains("full_name="),
        "explained: {}",
        fuzzy.detail
    );
    assert!(!fuzzy.detail.contains("Roekmini"), "no name in a finding");
    let registry_findings = store
        .findings(
            &c.regency,
            None,
            Some(FindingKind::NotInCivilRegistry),
            None,
            10,
        )
        .await
        .unwrap();
    let reasons: Vec<&str> = registry_findings
        .iter()
        .map(|f| f.detail.as_str())
        .collect();
    assert!(
        reasons.iter().any(|d| d.contains("tanggal lahir berbeda")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|d| d.contains("tidak ditemukan")),
        "{reasons:?}"
    );

    // An exclusion calls for a removal as no longer poor.
    let excluded_finding = store
        .findings(&c.village_a, None, Some(FindingKind::Excluded), None, 10)
        .await
        .unwrap();
    let proposal = store
        .propose_from_finding(&c.village_a, excluded_finding[0].id)
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_a, proposal)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        p.content,
        siks_domain::workflow::ProposalContent::Removal {
            reason: InactiveReason::NoLongerPoor,
            ..
        }
    ));

    // Quality: a person is not valid while an open error finding names them.
    let quality = store.quality(&c.regency, None).await.unwrap();
    assert_eq!(quality.total.persons, 12);
    assert_eq!(quality.total.persons_not_valid, 4, "{quality:?}");
    assert_eq!(quality.children.len(), 1, "one district");
    assert_eq!(quality.children[0].persons_not_valid, 4);
    assert_eq!(
        quality.total.open.get(&FindingKind::Excluded.code()),
        Some(&1)
    );
    let in_a = store.quality(&c.village_a, None).await.unwrap();
    assert_eq!(in_a.total.persons, 6, "scoped");
    assert!(matches!(
        store
            .quality(&c.village_a, Some(&RegionCode::parse(VILLAGE_B).unwrap()))
            .await,
        Err(StoreError::NotFound)
    ));

    // A newer list from the same source replaces the older; the finding it made is fixed.
    store
        .import_list(
            &c.admin,
            ListKind::Exclusion,
            "AHU",
            "kosong.csv",
            Vec::new(),
        )
        .await
        .unwrap();
    let lists = store.outside_lists(&c.regency).await.unwrap();
    assert_eq!(lists.len(), 5);
    assert_eq!(lists.iter().filter(|l| !l.in_force).count(), 1);
    let again = store.run_checks(&c.admin, None, today).await.unwrap();
    assert_eq!(
        again.open.get(&FindingKind::Excluded.code()),
        None,
        "{again:?}"
    );
    assert!(again.fixed >= 1);
    let audit = store.audit_entries(&c.admin, None, 200).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "list.import").count(),
        5
    );
    let _ = nik;
}

/// Uploaded member corrections: a changed row becomes one correction draft; the same file again
/// creates nothing; a bad row stops everything unless the valid rows are wanted; out of scope
/// looks like a missing id.
async fn uploads_become_correction_drafts(db: &TestDb) {
    use siks_domain::interchange::{PERSON_COLUMNS, person_row};
    use siks_store::uploads::{UploadMode, UploadRow, UploadRun};
    let store = &db.store;
    let c = cast(store).await;
    let (h, members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(600)
        .build();
    store
        .create_household(&c.village_a, &h, &members, "baru")
        .await
        .unwrap();
    let row_of = |row: u32, p: &Person, change: &[(&'static str, &str)]| UploadRow {
        sheet: "Anggota".into(),
        row,
        cells: PERSON_COLUMNS
            .iter()
            .zip(person_row(p))
            .map(|(c, v)| {
                let changed = change
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.to_string());
                (*c, changed.unwrap_or(v))
            })
            .collect(),
    };
    let renamed = row_of(2, &members[0], &[("full_name", "Anggota Nol Baru")]);
    let same = row_of(3, &members[1], &[]);
    let bad_sex = row_of(3, &members[1], &[("sex", "7")]);
    let bad_nik = row_of(3, &members[1], &[("nik", "123")]);
    let chosen = row_of(3, &members[1], &[("marital_status", "3 - Cerai hidup")]);

    // All or nothing: a bad row stops the good one.
    let report = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed.clone(), bad_sex.clone()],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert!(!report.written && report.proposed.is_empty());
    assert_eq!(report.problems.len(), 1);
    assert_eq!(
        (report.problems[0].row, report.problems[0].column.as_str()),
        (3, "Jenis kelamin")
    );
    let nik = store
        .upload_person_corrections(
            &c.village_a,
            &[bad_nik],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(nik.problems[0].column, "NIK", "{nik:?}");

    // Valid rows only: the renamed member becomes a draft; the unchanged one nothing.
    let report = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed.clone(), same, bad_sex],
            &UploadRun::new(UploadMode::ValidOnly, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            report.proposed.len(),
            report.unchanged,
            report.problems.len()
        ),
        (1, 1, 1)
    );
    let (p, _) = store
        .proposal(&c.village_a, report.proposed[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.stage, siks_domain::workflow::Stage::Draft);
    let siks_domain::workflow::ProposalContent::PersonCorrection {
        person,
        base_version,
    } = &p.content
    else {
        panic!("a correction: {:?}", p.content);
    };
    assert_eq!(person.full_name, "Anggota Nol Baru");
    assert_eq!(*base_version, 1);
    assert_eq!(person.nik, members[0].nik, "only the edited cell changed");

    // The same file again creates nothing twice; a code written as its drop-down text is read.
    let again = store
        .upload_person_corrections(
            &c.village_a,
            &[renamed, chosen],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.proposed.len(), again.already_proposed),
        (1, 1),
        "{again:?}"
    );

    // Another village's operator cannot reach these members.
    let outside = store
        .upload_person_corrections(
            &c.village_b,
            &[row_of(2, &members[0], &[("full_name", "X")])],
            &UploadRun::new(UploadMode::ValidOnly, "uji"),
        )
        .await
        .unwrap();
    assert!(outside.proposed.is_empty());
    assert!(
        outside.problems[0].reason.contains("tidak ditemukan"),
        "{outside:?}"
    );

    // Removals: each valid row a removal draft with its note; bad reasons, short notes and
    // households elsewhere are reported by cell.
    let removal =
        |row: u32, household: String, person: String, reason: &str, note: &str| UploadRow {
            sheet: "Anggota".into(),
            row,
            cells: vec![
                ("household_id", household),
                ("person_id", person),
                ("reason", reason.to_string()),
                ("note", note.to_string()),
            ],
        };
    let good = removal(
        2,
        h.id.to_string(),
        members[1].id.to_string(),
        "1 - Meninggal",
        "meninggal dunia 2026",
    );
    let rows = [
        good.clone(),
        removal(
            3,
            h.id.to_string(),
            String::new(),
            "9",
            "pindah ke luar kota",
        ),
        removal(4, h.id.to_string(), String::new(), "2", "x"),
        removal(
            5,
            uuid::Uuid::now_v7().to_string(),
            String::new(),
            "2",
            "pindah ke luar kota",
        ),
    ];
    let refused = store
        .upload_removals(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(!refused.written);
    let columns: Vec<&str> = refused.problems.iter().map(|p| p.column.as_str()).collect();
    assert_eq!(
        columns,
        ["Alasan", "Keterangan", "Id rumah tangga"],
        "{refused:?}"
    );
    let done = store
        .upload_removals(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::ValidOnly, ""),
        )
        .await
        .unwrap();
    assert_eq!(done.proposed.len(), 1);
    let (p, _) = store
        .proposal(&c.village_a, done.proposed[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.content,
        siks_domain::workflow::ProposalContent::Removal {
            household: h.id,
            person: Some(members[1].id),
            reason: InactiveReason::Died,
        }
    );
    let again = store
        .upload_removals(
            &c.village_a,
            &[good],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!((again.proposed.len(), again.already_proposed), (0, 1));

    // Verivali results: settle open findings (fixed, or dismissed with a reason).
    let tuban = RegionCode::parse("35.23").unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store
        .run_checks(&c.admin, Some(&tuban), today)
        .await
        .unwrap();
    let open = store
        .findings(&c.village_a, None, None, Some("open"), 10)
        .await
        .unwrap();
    assert!(open.len() >= 2, "{open:?}");
    let result = |row: u32, id: String, result: &str, reason: &str| UploadRow {
        sheet: "Hasil verivali".into(),
        row,
        cells: vec![
            ("finding_id", id),
            ("result", result.to_string()),
            ("reason", reason.to_string()),
        ],
    };
    let rows = [
        result(
            2,
            open[0].id.to_string(),
            "2 - Ditolak",
            "sudah benar menurut KK",
        ),
        result(3, open[1].id.to_string(), "1", ""),
        result(4, open[1].id.to_string(), "3", ""),
        result(5, uuid::Uuid::now_v7().to_string(), "1", ""),
        result(6, open[0].id.to_string(), "2", ""),
    ];
    let refused = store
        .upload_results(
            &c.village_a,
            &rows,
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        (refused.written, refused.problems.len()),
        (false, 3),
        "{refused:?}"
    );
    let done = store
        .upload_results(
            &c.village_a,
            &rows[..2],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(done.written && done.problems.is_empty(), "{done:?}");
    let settled = store
        .findings(&c.village_a, None, None, None, 50)
        .await
        .unwrap();
    let status = |id| settled.iter().find(|f| f.id == id).unwrap().status.clone();
    assert_eq!(status(open[0].id), "dismissed");
    assert_eq!(status(open[1].id), "fixed");
    // The same file again settles nothing twice; another result for a settled finding is a problem.
    let again = store
        .upload_results(
            &c.village_a,
            &rows[..2],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            again.already_proposed,
            again.unchanged,
            again.problems.len()
        ),
        (2, 0, 0),
        "{again:?}"
    );
    let other = store
        .upload_results(
            &c.village_a,
            &[result(
                2,
                open[1].id.to_string(),
                "2",
                "bukan masalah sama sekali",
            )],
            &UploadRun::new(UploadMode::AllOrNothing, ""),
        )
        .await
        .unwrap();
    assert!(other.problems[0].reason.contains("hasil lain"), "{other:?}");
    let b = store
        .upload_results(
            &c.village_b,
            &rows[..1],
            &UploadRun::new(UploadMode::ValidOnly, ""),
        )
        .await
        .unwrap();
    assert_eq!(
        b.problems.len(),
        1,
        "another village's findings are not found"
    );

    // Household corrections: the changed cell becomes a draft; the village stays.
    use siks_domain::interchange::{HOUSEHOLD_COLUMNS, household_row};
    let household_upload = |row: u32, change: &[(&'static str, &str)]| UploadRow {
        sheet: "Anggota".into(),
        row,
        cells: HOUSEHOLD_COLUMNS
            .iter()
            .zip(household_row(&h))
            .map(|(c, v)| {
                let changed = change
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.to_string());
                (*c, changed.unwrap_or(v))
            })
            .collect(),
    };
    let rows = [
        household_upload(2, &[("floor_area_m2", "42")]),
        household_upload(3, &[("village_code", VILLAGE_B)]),
        household_upload(4, &[("floor_material", "99")]),
    ];
    for (bad, says) in [(&rows[1], "usulan pindah"), (&rows[2], "kode")] {
        let refused = store
            .upload_household_corrections(
                &c.village_a,
                std::slice::from_ref(bad),
                &UploadRun::new(UploadMode::AllOrNothing, "uji"),
            )
            .await
            .unwrap();
        assert!(
            !refused.written && refused.problems[0].reason.contains(says),
            "{refused:?}"
        );
    }
    let twice = store
        .upload_household_corrections(
            &c.village_a,
            &[rows[0].clone(), rows[0].clone()],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    assert!(
        twice.problems[0].reason.contains("sudah ada di baris 2"),
        "{twice:?}"
    );
    let done = store
        .upload_household_corrections(
            &c.village_a,
            &rows[..1],
            &UploadRun::new(UploadMode::AllOrNothing, "uji"),
        )
        .await
        .unwrap();
    let (p, _) = store
        .proposal(&c.village_a, done.proposed[0])
        .await
        .unwrap()
        .unwrap();
    let siks_domain::workflow::ProposalContent::HouseholdCorrection { household, .. } = &p.content
    else {
        panic!("{:?}", p.content);
    };
    assert_eq!(household.housing.floor_area_m2, 42);
}

/// A close that fails half-way (here: the database refuses one update) leaves the register,
/// the proposals, the periods and the audit log exactly as they were.
/// New households from the template's two sheets: each household with its members one draft,
/// checked as the form checks; the same file twice creates nothing twice, whether the first
/// upload is still a proposal or already in the register; a NIK held elsewhere, a village out
/// of scope and an unchosen field are problems of their rows; a cancelled upload writes nothing.
async fn uploads_bring_new_households(db: &TestDb) {
    use siks_domain::interchange::{HOUSEHOLD_COLUMNS, PERSON_COLUMNS, household_row, person_row};
    use siks_domain::workflow::ProposalContent;
    use siks_store::uploads::{UploadMode, UploadRow, UploadRun};
    let store = &db.store;
    let c = cast(store).await;
    let (new, new_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(700)
        .build();
    let (registered, registered_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(710)
        .build();
    store
        .create_household(&c.village_a, &registered, &registered_members, "baru")
        .await
        .unwrap();
    let (elsewhere, elsewhere_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(720)
        .build();
    let household_row_of = |row: u32, no: &str, h: &Household, drop: &str| UploadRow {
        sheet: "Rumah tangga".into(),
        row,
        cells: std::iter::once(("household_no", no.to_string()))
            .chain(
                HOUSEHOLD_COLUMNS
                    .iter()
                    .copied()
                    .zip(household_row(h))
                    .filter(|(c, _)| *c != drop),
            )
            .collect(),
    };
    let member_rows_of = |first: u32, no: &str, members: &[Person]| -> Vec<UploadRow> {
        members
            .iter()
            .enumerate()
            .map(|(i, p)| UploadRow {
                sheet: "Anggota".into(),
                row: first + i as u32,
                cells: std::iter::once(("household_no", no.to_string()))
                    .chain(PERSON_COLUMNS.iter().copied().zip(person_row(p)))
                    .collect(),
            })
            .collect()
    };
    let all_or_nothing = || UploadRun::new(UploadMode::AllOrNothing, "uji");
    let households = [household_row_of(2, "1", &new, "")];
    let members = member_rows_of(2, "1", &new_members);
    // Cancelled before it starts: nothing.
    let cancelled = all_or_nothing();
    cancelled.progress.cancel();
    let report = store
        .upload_new_households(&c.village_a, &households, &members, &cancelled)
        .await
        .unwrap();
    assert!(
        report.cancelled && !report.written && report.proposed.is_empty(),
        "{report:?}"
    );
    // One draft with both members, under a household id of the server's.
    let run = all_or_nothing();
    let report = store
        .upload_new_households(&c.village_a, &households, &members, &run)
        .await
        .unwrap();
    assert_eq!(report.proposed.len(), 1, "{report:?}");
    assert_eq!(
        run.progress.now(),
        siks_store::uploads::ProgressNow {
            writing: true,
            done: 1,
            total: 1
        }
    );
    assert!(report.problems.is_empty() && report.written);
    let proposal = store
        .proposal(&c.village_a, report.proposed[0])
        .await
        .unwrap()
        .unwrap();
    match &proposal.0.content {
        ProposalContent::NewHousehold { household, members } => {
            assert_ne!(household.id, new.id, "the id is the server's");
            assert_eq!(members.len(), 2);
            assert!(members.iter().all(|m| m.household_id == household.id));
            assert_eq!(members[0].nik, new_members[0].nik);
        }
        other => panic!("not a new household: {other:?}"),
    }
    // The same file again: already proposed. The registered household: already there.
    let again = store
        .upload_new_households(&c.village_a, &households, &members, &all_or_nothing())
        .await
        .unwrap();
    assert_eq!(
        (
            again.proposed.len(),
            again.already_proposed,
            again.problems.len()
        ),
        (0, 1, 0),
        "{again:?}"
    );
    let known = store
        .upload_new_households(
            &c.village_a,
            &[household_row_of(2, "1", &registered, "")],
            &member_rows_of(2, "1", &registered_members),
            &all_or_nothing(),
        )
        .await
        .unwrap();
    assert_eq!((known.proposed.len(), known.unchanged), (0, 1), "{known:?}");
    // Problems: a village out of scope; a registered NIK beside a new one; an unchosen field;
    // a member whose household is not in the file.
    let mut mixed_members = vec![registered_members[0].clone()];
    let (_, fresh) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(730)
        .build();
    mixed_members.push(fresh[0].clone());
    mixed_members[1].relation_to_head = siks_domain::codes::Relation::Child;
    let (another, another_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(740)
        .build();
    let mut members = member_rows_of(2, "1", &elsewhere_members);
    members.extend(member_rows_of(3, "2", &mixed_members));
    members.extend(member_rows_of(5, "3", &another_members));
    members.extend(member_rows_of(6, "9", &fresh));
    let rows = [
        household_row_of(2, "1", &elsewhere, ""),
        household_row_of(3, "2", &new, ""),
        household_row_of(4, "3", &another, "rooms"),
    ];
    let run = all_or_nothing();
    let refused = store
        .upload_new_households(&c.village_a, &rows, &members, &run)
        .await
        .unwrap();
    let now = run.progress.now();
    assert_eq!(
        (now.writing, now.done, now.total),
        (false, 8, 8),
        "every row counted, the stray member too"
    );
    let found: Vec<(&str, u32, &str)> = refused
        .problems
        .iter()
        .map(|p| (&*p.sheet, p.row, p.column.as_str()))
        .collect();
    for expected in [
        ("Rumah tangga", 2, "Kode desa/kelurahan"),
        ("Anggota", 3, "NIK"),
        ("Rumah tangga", 4, "Jumlah kamar tidur"),
        ("Anggota", 6, "No. ruta"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!refused.written && refused.proposed.is_empty());
    let nik_problem = refused
        .problems
        .iter()
        .find(|p| p.row == 3 && &*p.sheet == "Anggota")
        .unwrap();
    assert!(
        nik_problem.reason.contains("terdaftar di rumah tangga"),
        "{nik_problem:?}"
    );
    // Out of scope for village B's operator: the draft of village A stays A's.
    let pending = store.list_proposals(&c.village_b, None, 100).await.unwrap();
    assert!(pending.is_empty());
}

/// Welfare ranking: every household scored with the model as the domain scores it (the SQL
/// summary of members agrees with the Rust one), ranked into desil nationally and within the
/// regency, the latest score and desil carried by the household without a new version, the
/// explanation in scope only, and only the ministry may rank.
async fn welfare_ranking(db: &TestDb) {
    use siks_domain::welfare::{MemberSummary, Model};
    let store = &db.store;
    let c = cast(store).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut made = Vec::new();
    for i in 0..10u32 {
        let village = if i < 8 { VILLAGE_A } else { "35.24.01.2001" };
        let (mut h, members) = fake_household(village)
            .members(1 + (i as usize % 4))
            .serials_from(800 + i * 10)
            .build();
        // Richer with each step: a bigger floor, then a fridge, a motorbike, a car.
        h.housing.floor_area_m2 = 20 + 15 * i;
        h.assets.fridge = i >= 3;
        h.assets.motorbike = i >= 5;
        h.assets.car = i >= 8;
        if i >= 6 {
            h.housing.floor_material = FloorMaterial::Ceramic;
            h.housing.wall_material = WallMaterial::PlasteredBrick;
            h.housing.cooking_fuel = CookingFuel::Lpg3Kg;
        }
        store
            .create_household(&c.admin, &h, &members, "baru")
            .await
            .unwrap();
        made.push((h, members));
    }
    let model = Model::default_model();
    assert!(matches!(
        store.rank(&c.village_a, &model, today).await,
        Err(StoreError::Forbidden(_))
    ));
    let report = store.rank(&c.admin, &model, today).await.unwrap();
    assert_eq!(report.households, 10);
    // The village index a run drops for its update (on SQLite) is back, with the desil.
    assert_eq!(
        raw_count(
            db,
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
             AND name = 'households_village_status' AND sql LIKE '%desil%'",
            "SELECT COUNT(*) FROM pg_indexes \
             WHERE indexname = 'households_village_status' AND indexdef LIKE '%desil%'",
        )
        .await,
        1
    );
    assert_eq!(report.by_desil, [1; 10], "ten households, one per desil");
    // The lowest score as the domain computes it is desil 1, the highest 10; the regency has its
    // own ranking.
    let welfare =
        async |actor: &Actor, i: usize| store.household_welfare(actor, made[i].0.id).await.unwrap();
    let expected: Vec<f64> = made
        .iter()
        .map(|(h, members)| model.score(h, &MemberSummary::of(members, today)))
        .collect();
    let order = |pick: fn(f64, f64) -> bool| {
        (0..expected.len())
            .reduce(|a, b| if pick(expected[b], expected[a]) { b } else { a })
            .unwrap()
    };
    let poorest = welfare(&c.admin, order(|a, b| a < b)).await.unwrap();
    let richest = welfare(&c.admin, order(|a, b| a > b)).await.unwrap();
    assert!(poorest.score < richest.score);
    assert_eq!((poorest.desil, richest.desil), (1, 10));
    // Two households: the poorer is the first tenth, the richer the sixth.
    let (richer, poorer) = if expected[8] > expected[9] {
        (8, 9)
    } else {
        (9, 8)
    };
    assert_eq!(
        (
            welfare(&c.admin, poorer).await.unwrap().desil_regency,
            welfare(&c.admin, richer).await.unwrap().desil_regency
        ),
        (1, 6),
        "the two of regency 35.24 ranked among themselves"
    );
    assert_eq!(poorest.model, "siks-ilustratif-2026");
    assert_eq!(poorest.bps.len(), 14);
    assert!(!poorest.reasons.is_empty());
    for (i, (h, members)) in made.iter().enumerate() {
        let expected = model.score(h, &MemberSummary::of(members, today));
        let stored = welfare(&c.admin, i).await.unwrap().score;
        assert!(
            (stored - expected).abs() < 1e-6 * expected,
            "household {i}: stored {stored}, the domain says {expected}"
        );
    }
    // The household carries the latest desil, at the same version.
    let view = store
        .household(&c.admin, made[0].0.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        view.household.record.desil,
        Some(welfare(&c.admin, 0).await.unwrap().desil)
    );
    assert_eq!(view.household.version, 1);
    // A change of the record written after the run keeps the run's score and desil, even when
    // it was made from the record as it stood before the run.
    let mut corrected = made[0].0.clone();
    corrected.address.street = "Jl. Baru 1".into();
    store
        .update_household(&c.village_a, &corrected, 1, "perbaikan alamat")
        .await
        .unwrap();
    let after = store
        .household(&c.admin, made[0].0.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.household.version, 2);
    assert_eq!(after.household.record.desil, view.household.record.desil);
    assert_eq!(
        after.household.record.welfare_score,
        view.household.record.welfare_score
    );
    // In scope only.
    assert!(welfare(&c.village_b, 0).await.is_none());
    assert!(welfare(&c.village_a, 0).await.is_some());
    // A second run with another model: the latest run counts.
    let flat = Model::parse("name = \"datar\"\nintercept = 13.0\n[coefficients]\n").unwrap();
    store.rank(&c.admin, &flat, today).await.unwrap();
    assert_eq!(welfare(&c.admin, 0).await.unwrap().model, "datar");
}

/// Programme lists: built from the register, the latest ranking and the open findings with the
/// definitions in force; PKH amounts from components; an open ASN finding excludes; a regency's
/// quota cuts the list and the household cut is a departure with its reason; a bad definition
/// or quota is refused and the one in force stays; a closed period's lists are fixed.
async fn programme_lists(db: &TestDb) {
    use siks_domain::welfare::Model;
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    // The poorest: a pregnant mother and a child of three; the next, poor but a civil servant;
    // two better off.
    let (poorest, mut poorest_members) = fake_household(VILLAGE_A)
        .members(4)
        .serials_from(900)
        .build();
    poorest_members[1].pregnant = true;
    poorest_members[2].birth_date = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap();
    for m in &mut poorest_members {
        m.school_participation = SchoolParticipation::Left;
    }
    let (servant, servant_members) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(910)
        .build();
    let mut better = Vec::new();
    for i in 0..2u32 {
        let (mut h, members) = fake_household(VILLAGE_A)
            .members(1)
            .serials_from(920 + i * 10)
            .build();
        h.housing.floor_material = FloorMaterial::Ceramic;
        h.housing.wall_material = WallMaterial::PlasteredBrick;
        h.housing.floor_area_m2 = 120;
        h.assets.car = true;
        h.assets.fridge = true;
        better.push((h, members));
    }
    for (h, m) in [(&poorest, &poorest_members), (&servant, &servant_members)]
        .into_iter()
        .chain(better.iter().map(|(h, m)| (h, m)))
    {
        store
            .create_household(&c.admin, h, m, "baru")
            .await
            .unwrap();
    }
    let finding = format!(
        "INSERT INTO findings (id, finding_key, kind, severity, village_code, household_id, person_id, \
         other_person_id, fields, detail, status, status_reason, status_by, found_at, updated_at) VALUES \
         ('{}', 'uji-asn', 15, 'error', '{VILLAGE_A}', '{}', '{}', NULL, '', '{{}}', 'open', '', NULL, \
         '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
        uuid::Uuid::now_v7(),
        servant.id,
        servant_members[0].id
    );
    raw_exec(db, &finding, &finding).await;
    store
        .rank(&c.admin, &Model::default_model(), today)
        .await
        .unwrap();
    let december = Period::parse("2026-12").unwrap();
    assert!(matches!(
        store.build_lists(&c.village_a, december, today).await,
        Err(StoreError::Forbidden(_))
    ));
    let reports = store
        .build_lists(&c.admin, december, today)
        .await
        .unwrap()
        .lists;
    let codes: Vec<&str> = reports.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["BST", "PBI-JK", "PKH", "SEMBAKO"]);
    let list = |actor: &Actor, period: Period, code: &'static str| {
        let actor = actor.clone();
        async move {
            store
                .beneficiaries(&actor, period, code, None)
                .await
                .unwrap()
        }
    };
    let pkh = list(&c.village_a, december, "PKH").await;
    assert_eq!(pkh.len(), 1, "{pkh:?}");
    assert_eq!(pkh[0].household_id, poorest.id.0);
    assert_eq!(pkh[0].amount, 6_000_000, "pregnant and a young child");
    assert!(pkh[0].components.contains("Ibu hamil/nifas x1"));
    let pbi = list(&c.village_a, december, "PBI-JK").await;
    assert_eq!(
        pbi.len(),
        4,
        "every member of the poorest; the civil servant's excluded"
    );
    assert!(
        pbi.iter()
            .all(|b| b.person_id.is_some() && b.amount == 504_000)
    );
    assert!(list(&c.village_b, december, "PKH").await.is_empty());
    match store
        .beneficiaries(&c.village_a, december, "BLT", None)
        .await
    {
        Err(StoreError::Invalid { indonesian, .. }) => {
            assert!(
                indonesian.contains("tidak dikenal") && indonesian.contains("PKH"),
                "{indonesian}"
            )
        }
        other => panic!("an unknown programme: {other:?}"),
    }
    // A quota of nothing for Sembako in the regency: next period the household is cut.
    let regency = RegionCode::parse("35.23").unwrap();
    for bad in [-1, 5] {
        assert!(matches!(
            store.set_quota(&c.admin, "SEMBAKO", &regency, bad).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    store
        .set_quota(&c.admin, "SEMBAKO", &regency, 0)
        .await
        .unwrap();
    let january = Period::parse("2027-01").unwrap();
    let reports = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    let sembako = reports.iter().find(|r| r.code == "SEMBAKO").unwrap();
    assert_eq!(
        (sembako.units, sembako.over_quota, sembako.departed),
        (0, 1, 1)
    );
    let gone = store
        .departures(&c.village_a, january, "SEMBAKO", None)
        .await
        .unwrap();
    assert_eq!(
        gone,
        [(poorest.id.0, "di luar kuota kabupaten/kota".to_string())]
    );
    // Definitions: a bad one is refused with its line; a good one becomes version 1.
    let bad =
        "code = \"BST\"\nname = \"x\"\nunit = \"household\"\namount = 1\neligible = \"yacht\"\n";
    match store.save_programme(&c.admin, bad, "uji salah").await {
        Err(StoreError::Invalid { indonesian, .. }) => {
            assert!(indonesian.contains("baris 5"), "{indonesian}")
        }
        other => panic!("{other:?}"),
    }
    let narrower = "code = \"BST\"\nname = \"BST\"\nunit = \"household\"\namount = 1800000\neligible = \"desil == 1 && members >= 5\"\n";
    // The dry run: the poorest (desil 1, four members) would leave BST; nothing is written.
    let run = store
        .dry_run_programme(&c.admin, narrower, today)
        .await
        .unwrap();
    assert_eq!(run.compared_with, Some(0));
    assert_eq!(
        (
            run.total.before,
            run.total.after,
            run.total.added,
            run.total.dropped
        ),
        (run.total.before, run.total.before - 1, 0, 1),
        "{run:?}"
    );
    assert!(run.total.before >= 1);
    assert_eq!(run.regions[0].code, Some(RegionCode::parse("35").unwrap()));
    assert!(matches!(
        store.dry_run_programme(&c.village_a, narrower, today).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(store.programme_versions("BST").await.unwrap().len(), 1);
    assert_eq!(
        store
            .save_programme(&c.admin, narrower, "hanya keluarga besar")
            .await
            .unwrap(),
        1
    );
    let in_force = store.programmes().await.unwrap();
    let bst = in_force.iter().find(|p| p.programme.code == "BST").unwrap();
    assert_eq!(bst.version, 1);
    let versions = store.programme_versions("BST").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.note.as_str()))
            .collect::<Vec<_>>(),
        [(1, "hanya keluarga besar"), (0, "definisi bawaan siks")]
    );
    assert!(!versions[0].saved_by.is_empty());
    let reports = store
        .build_lists(&c.admin, january, today)
        .await
        .unwrap()
        .lists;
    assert_eq!(reports.iter().find(|r| r.code == "BST").unwrap().units, 0);
    // A closed period's lists are fixed.
    store
        .check_and_close_period(&c.admin, Period::parse("2026-11").unwrap(), today)
        .await
        .unwrap();
    assert!(matches!(
        store
            .build_lists(&c.admin, Period::parse("2026-11").unwrap(), today)
            .await,
        Err(StoreError::Invalid { .. })
    ));

    // The report counts what the lists and the register hold, for the region asked.
    let report = store
        .report(&c.regency, None, Some(december))
        .await
        .unwrap();
    let programmes = report.programmes.as_ref().unwrap();
    assert_eq!(programmes.period, december);
    assert_eq!(programmes.households.total.get("PKH"), Some(&1));
    assert_eq!(programmes.amount.total.get("PKH"), Some(&6_000_000));
    assert_eq!(programmes.units.total.get("PBI-JK"), Some(&4));
    let district = RegionCode::parse("35.23.01").unwrap();
    assert_eq!(programmes.households.children[0].0, district);
    let ranked: u64 = report.desil.total.values().sum();
    assert_eq!(ranked, report.stats.total.households.active);
    assert_eq!(
        report.desil.total.get(&1),
        Some(&1),
        "the poorest alone in desil 1"
    );
    assert_eq!(report.periods.len(), 1);
    assert_eq!(
        report.periods[0].households, report.stats.total.households.active,
        "nothing changed since November closed"
    );
    assert!(report.quality.is_some());
    // January's lists are the newest; village B has nobody on them.
    let newest = store.report(&c.village_b, None, None).await.unwrap();
    let january_lists = newest.programmes.unwrap();
    assert_eq!(january_lists.period, january);
    assert!(january_lists.households.total.is_empty());
    let village_a = RegionCode::parse(VILLAGE_A).unwrap();
    assert!(matches!(
        store.report(&c.village_b, Some(&village_a), None).await,
        Err(StoreError::NotFound)
    ));
    // The public summary: a province only, without the workflow's counts.
    let province = RegionCode::parse("35").unwrap();
    let public = store
        .public_report(&province, Some(december))
        .await
        .unwrap();
    assert_eq!(
        public.stats.total,
        store.stats(&c.admin, Some(&province)).await.unwrap().total
    );
    assert!(public.quality.is_none() && public.pipeline.is_empty());
    assert!(matches!(
        store.public_report(&district, None).await,
        Err(StoreError::NotFound)
    ));
}

async fn a_failed_close_changes_nothing(db: &TestDb) {
    use siks_domain::workflow::{Period, ProposalContent, Stage};
    let store = &db.store;
    let c = cast(store).await;
    let mut ids = Vec::new();
    let mut households = Vec::new();
    for (serial, rt) in [(800, "004"), (810, "999")] {
        let (h, members) = fake_household(VILLAGE_A)
            .members(1)
            .serials_from(serial)
            .build();
        store
            .create_household(&c.village_a, &h, &members, "baru")
            .await
            .unwrap();
        let mut corrected = h.clone();
        corrected.address.rt = rt.into();
        ids.push(
            store
                .propose(
                    &c.village_a,
                    &ProposalContent::HouseholdCorrection {
                        household: corrected,
                        base_version: 1,
                    },
                    "rt",
                )
                .await
                .unwrap(),
        );
        households.push(h);
    }
    accept_as_admin(store, &c.admin, &ids).await;
    let audit_before = store.audit_entries(&c.auditor, None, 10_000).await.unwrap();
    raw_exec(
        db,
        "CREATE TRIGGER fail_close BEFORE UPDATE ON households WHEN NEW.rt = '999' \
         BEGIN SELECT RAISE(ABORT, 'uji: pembaruan ditolak'); END;",
        "CREATE FUNCTION fail_close() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'uji: pembaruan ditolak'; END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER fail_close BEFORE UPDATE ON households FOR EACH ROW WHEN (NEW.rt = '999') EXECUTE FUNCTION fail_close();",
    )
    .await;
    let november = Period::parse("2026-11").unwrap();
    assert!(matches!(
        store.close_period(&c.admin, november).await,
        Err(StoreError::Database(_))
    ));
    for h in &households {
        let view = store.household(&c.regency, h.id).await.unwrap().unwrap();
        assert_eq!(
            (
                view.household.version,
                view.household.record.address.rt.as_str()
            ),
            (1, h.address.rt.as_str()),
            "the first correction was undone with the rest"
        );
    }
    assert!(store.closed_periods().await.unwrap().is_empty());
    for id in &ids {
        let (p, steps) = store.proposal(&c.regency, *id).await.unwrap().unwrap();
        assert_eq!(p.stage, Stage::Accepted);
        assert!(steps.iter().all(|s| s.step != "apply"));
    }
    let audit_after = store.audit_entries(&c.auditor, None, 10_000).await.unwrap();
    assert!(
        audit_after
            .iter()
            .all(|e| e.action != "period.close" && e.action != "household.update"),
        "no audit entry of the failed close"
    );
    assert!(
        audit_after.len() > audit_before.len(),
        "only the views above were added"
    );
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
    raw_exec(
        db,
        "DROP TRIGGER fail_close;",
        "DROP TRIGGER fail_close ON households; DROP FUNCTION fail_close();",
    )
    .await;
    let report = store.close_period(&c.admin, november).await.unwrap();
    assert_eq!((report.applied, report.sent_back.len()), (2, 0));
}

async fn schema_and_reference_data(db: &TestDb) {
    let store = &db.store;
    assert_eq!(
        store.migrate().await.unwrap(),
        Store::schema_version_needed()
    );
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::schema_version_needed()
    );
    store.ensure_current().await.unwrap();
    assert_eq!(store.region_count().await.unwrap(), 91_599);
    assert_eq!(
        store.load_regions(Regions::embedded()).await.unwrap(),
        91_599
    );
    let a = store.system_actor().await.unwrap();
    let b = store.system_actor().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.scope, Scope::Nation);
    // Reopening an existing database works without creation.
    let again = Store::open(&db.url, OpenMode::MustExist).await.unwrap();
    again.ensure_current().await.unwrap();
    again.close().await;
}

async fn users_and_scopes(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let new = |username: &str, role, scope: &str| NewUser {
        username: username.into(),
        display_name: "X".into(),
        role,
        scope: Scope::parse(scope).unwrap(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    };
    let dup = store
        .create_user(&c.admin, new("op.a", Role::VillageOperator, VILLAGE_A))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    let bad = store
        .create_user(&c.admin, new("Op A!", Role::VillageOperator, VILLAGE_A))
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid { .. })));
    let misfit = store
        .create_user(&c.admin, new("op.c", Role::VillageOperator, "35.23"))
        .await;
    assert!(matches!(misfit, Err(StoreError::Invalid { .. })));
    let forbidden = store
        .create_user(&c.regency, new("op.d", Role::VillageOperator, VILLAGE_A))
        .await;
    assert!(matches!(forbidden, Err(StoreError::Forbidden(_))));

    // A regency admin manages accounts inside its regency only.
    let tuban_admin = store
        .create_user(&c.admin, new("admin.tuban", Role::Admin, "35.23"))
        .await
        .unwrap();
    assert_eq!(
        tuban_admin
            .password_hash
            .as_deref()
            .map(|h| h.starts_with("$argon2id$")),
        Some(true)
    );
    let tuban_admin = tuban_admin.actor();
    let outside = store
        .create_user(
            &tuban_admin,
            new("op.e", Role::VillageOperator, "35.24.01.2001"),
        )
        .await;
    assert!(matches!(outside, Err(StoreError::Invalid { .. })));
    let listed: Vec<String> = store
        .list_users(&tuban_admin)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert!(listed.contains(&"op.a".to_string()) && listed.contains(&"dinsos.tuban".to_string()));
    assert!(!listed.contains(&"auditor".to_string()) && !listed.contains(&"system".to_string()));
    assert!(store.list_users(&c.village_a).await.is_err());
    assert_eq!(
        store
            .user_by_id(&tuban_admin, c.auditor.user_id)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .user_by_id(&tuban_admin, c.village_a.user_id)
            .await
            .unwrap()
            .is_some()
    );

    // Hand-over: deactivate, the account can no longer act; nothing else is lost.
    store
        .set_user_active(&tuban_admin, c.village_b.user_id, false)
        .await
        .unwrap();
    assert_eq!(store.actor_for_username("op.b").await.unwrap(), None);
    assert!(
        !store
            .user_by_username("op.b")
            .await
            .unwrap()
            .unwrap()
            .active
    );
    store
        .set_user_active(&tuban_admin, c.village_b.user_id, true)
        .await
        .unwrap();
    assert!(store.actor_for_username("op.b").await.unwrap().is_some());
    assert!(matches!(
        store
            .set_user_active(&tuban_admin, c.auditor.user_id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .set_user_active(&tuban_admin, tuban_admin.user_id, false)
            .await
            .is_err()
    );
}

async fn households_persons_history(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let (household, members) = fake_household(VILLAGE_A).members(3).build();
    assert!(matches!(
        store
            .create_household(&c.village_a, &household, &members, " ")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .create_household(&c.village_b, &household, &members, "pendataan baru")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .create_household(&c.auditor, &household, &members, "pendataan baru")
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .create_household(&c.village_a, &household, &[], "pendataan baru")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store
            .create_household(&c.village_a, &household, &members, "pendataan baru")
            .await
            .unwrap(),
        1
    );

    // The same NIK cannot be registered again while active.
    let (other, mut other_members) = fake_household(VILLAGE_B)
        .members(1)
        .serials_from(500)
        .build();
    other_members[0].nik = members[0].nik.clone();
    let conflict = store
        .create_household(&c.village_b, &other, &other_members, "baru")
        .await;
    match conflict {
        Err(StoreError::Conflict { indonesian, .. }) => {
            assert!(
                indonesian.contains("di luar wilayah kerja Anda"),
                "{indonesian}"
            );
            assert!(
                !indonesian.contains(&members[0].nik.raw()),
                "full NIK leaked: {indonesian}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Views inside the scope; outside it looks exactly like a missing id.
    let view = store
        .household(&c.village_a, household.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.household.record, household);
    assert_eq!(view.household.version, 1);
    assert_eq!(view.members.len(), 3);
    assert_eq!(view.members[0].record, members[0]);
    assert_eq!(
        store.household(&c.village_b, household.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .household(&c.village_a, HouseholdId::new())
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .household(&c.regency, household.id)
            .await
            .unwrap()
            .is_some()
    );
    let person = store
        .person(&c.village_a, members[1].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.record, members[1]);
    assert_eq!(
        store.person(&c.village_b, members[1].id).await.unwrap(),
        None
    );
    assert_eq!(
        store.person(&c.village_a, PersonId::new()).await.unwrap(),
        None
    );

    // Edits: versioned, stale refused, out of scope not found.
    let mut changed = household.clone();
    changed.housing.floor_material = FloorMaterial::Cement;
    changed.assets.phone = true;
    assert_eq!(
        store
            .update_household(&c.village_a, &changed, 1, "lantai sudah disemen")
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        store
            .update_household(&c.village_a, &changed, 1, "lagi")
            .await,
        Err(StoreError::Stale {
            expected: 1,
            current: 2
        })
    ));
    assert!(matches!(
        store
            .update_household(&c.village_b, &changed, 2, "lagi")
            .await,
        Err(StoreError::NotFound)
    ));
    let mut moved = changed.clone();
    moved.address.village = RegionCode::parse(VILLAGE_B).unwrap();
    assert!(matches!(
        store
            .update_household(&c.village_a, &moved, 2, "pindah")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    // The regency may move it between its villages; members follow.
    assert_eq!(
        store
            .update_household(&c.regency, &moved, 2, "salah desa")
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store.person(&c.village_a, members[0].id).await.unwrap(),
        None
    );
    assert!(
        store
            .person(&c.village_b, members[0].id)
            .await
            .unwrap()
            .is_some()
    );

    let mut person = members[2].clone();
    person.full_name = "Anggota Dua".into();
    assert_eq!(
        store
            .update_person(&c.village_b, &person, 1, "salah ketik nama")
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        store.update_person(&c.village_b, &person, 1, "lagi").await,
        Err(StoreError::Stale { .. })
    ));
    assert!(matches!(
        store.update_person(&c.village_a, &person, 2, "lagi").await,
        Err(StoreError::NotFound)
    ));
    let mut elsewhere = person.clone();
    elsewhere.household_id = HouseholdId::new();
    assert!(matches!(
        store
            .update_person(&c.village_b, &elsewhere, 2, "pindah")
            .await,
        Err(StoreError::Invalid { .. })
    ));

    let (_, newborn) = fake_household(VILLAGE_B)
        .members(3)
        .serials_from(900)
        .build();
    let mut newborn = newborn[2].clone();
    newborn.household_id = household.id;
    assert_eq!(
        store
            .add_person(&c.village_b, &newborn, "kelahiran")
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.add_person(&c.village_b, &newborn, "kelahiran").await,
        Err(StoreError::Conflict { .. }) | Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.add_person(&c.village_a, &newborn, "kelahiran").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .household(&c.village_b, household.id)
            .await
            .unwrap()
            .unwrap()
            .members
            .len(),
        4
    );

    // History keeps every change with before and after.
    let history = store
        .history(&c.regency, &household.id.to_string())
        .await
        .unwrap();
    let kinds: Vec<(i64, &str)> = history
        .iter()
        .map(|h| (h.version, h.change_kind.as_str()))
        .collect();
    assert_eq!(kinds, vec![(1, "created"), (2, "updated"), (3, "updated")]);
    assert!(
        history[1]
            .before_json
            .as_deref()
            .unwrap()
            .contains("\"floor_material\":9")
    );
    assert!(
        history[1]
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"floor_material\":6")
    );
    assert_eq!(history[1].reason, "lantai sudah disemen");
    assert_eq!(history[2].actor_role, "operator_kabupaten");
    let person_history = store
        .history(&c.village_b, &person.id.to_string())
        .await
        .unwrap();
    assert_eq!(person_history.len(), 1);
    assert!(
        person_history[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains("Anggota 2")
    );
    assert!(
        store
            .history(&c.village_a, &person.id.to_string())
            .await
            .unwrap()
            .is_empty()
    );

    // Lists.
    let all = store
        .list_households(
            &c.regency,
            &HouseholdFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].members, 4);
    assert_eq!(all[0].head_name.as_deref(), Some("Anggota 0"));
    assert!(
        store
            .list_households(
                &c.village_a,
                &HouseholdFilter {
                    limit: 50,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    let none = HouseholdFilter {
        status: Some("proposed".into()),
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.regency, &none)
            .await
            .unwrap()
            .is_empty()
    );
    let foreign = HouseholdFilter {
        region: Some(RegionCode::parse("35.24").unwrap()),
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.regency, &foreign)
            .await
            .unwrap()
            .is_empty()
    );

    // Stats inside the scope only.
    let stats = store.stats(&c.regency, None).await.unwrap();
    assert_eq!(stats.total.households.active, 1);
    assert_eq!(stats.total.persons.total(), 4);
    assert_eq!(stats.children.len(), 1);
    assert_eq!(
        stats.children[0].code.as_ref().map(|c| c.as_str()),
        Some("35.23.01")
    );
    assert!(matches!(
        store
            .stats(&c.village_a, Some(&RegionCode::parse("35.23").unwrap()))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .stats(&c.village_a, None)
            .await
            .unwrap()
            .total
            .households
            .total(),
        0
    );
    let nation = store.stats(&c.admin, None).await.unwrap();
    assert_eq!(nation.total.name, "Indonesia");
    assert_eq!(
        nation.children[0].code.as_ref().map(|c| c.as_str()),
        Some("35")
    );
}

fn generated(region: &str, households: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = siks_synth::Config::new(RegionCode::parse(region).unwrap(), households, 11);
    siks_synth::generate(&config, dir.path(), &|_| {}).unwrap();
    dir
}

async fn import_dir(
    store: &Store,
    actor: &Actor,
    dir: &std::path::Path,
) -> Result<siks_store::import::ImportReport, ImportError> {
    let open = |name: &str| ImportFile {
        name: name.to_string(),
        reader: std::io::BufReader::new(std::fs::File::open(dir.join(name)).unwrap()),
    };
    store
        .import(
            actor,
            open(HOUSEHOLDS_FILE),
            open(PERSONS_FILE),
            Arc::new(|_| {}),
        )
        .await
}

fn rejected(
    result: Result<siks_store::import::ImportReport, ImportError>,
) -> Vec<siks_store::import::RowProblem> {
    match result {
        Err(ImportError::Rejected(problems)) => problems,
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

/// Rewrites one cell of a CSV file (line is 1-based and counts the header).
fn edit_cell(path: &std::path::Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let index = header.iter().position(|h| h == column).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if i + 2 == line {
            cells[index] = value.to_string();
        }
        writer.write_record(&cells).unwrap();
    }
    std::fs::write(path, writer.into_inner().unwrap()).unwrap();
}

async fn bulk_import(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let data = generated("35.23.01", 120);
    let report = import_dir(store, &c.regency, data.path()).await.unwrap();
    assert_eq!(report.households, 120);
    assert!(report.persons > 300);
    assert!(
        report.invalid_niks >= 1,
        "the generator injects invalid NIKs"
    );
    let stats = store.stats(&c.regency, None).await.unwrap();
    assert_eq!(stats.total.households.total(), 120);
    assert_eq!(stats.total.persons.total(), report.persons);
    let before = (stats.total.households.total(), stats.total.persons.total());
    let counts = || async {
        let s = store.stats(&c.regency, None).await.unwrap();
        (s.total.households.total(), s.total.persons.total())
    };

    // Every imported household has its creation in the history.
    let any = store
        .list_households(
            &c.regency,
            &HouseholdFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let history = store
        .history(&c.regency, &any[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(history[0].change_kind, "imported");

    // The same files again: every id is already there; nothing changes.
    let problems = rejected(import_dir(store, &c.regency, data.path()).await);
    assert!(
        problems.iter().all(|p| p.reason.contains("sudah ada")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.file == HOUSEHOLDS_FILE && p.line >= 2)
    );
    assert_eq!(counts().await, before);

    // A village operator may not import another village's households.
    let fresh = generated("35.23.01", 30);
    let problems = rejected(import_dir(store, &c.village_a, fresh.path()).await);
    assert!(
        problems
            .iter()
            .any(|p| p.column == "village_code" && p.reason.contains("di luar wilayah kerja"))
    );
    assert_eq!(counts().await, before);

    // Each kind of bad input names file, line and column, and writes nothing.
    let cases: Vec<(&str, usize, &str, &str, &str)> = vec![
        (PERSONS_FILE, 5, "nik", "3.52301E+15", "sebagai teks"),
        (
            HOUSEHOLDS_FILE,
            3,
            "village_code",
            "35.99.01.2001",
            "tidak dikenal",
        ),
        (PERSONS_FILE, 4, "birth_date", "31/02/1990", "TTTT-BB-HH"),
        (PERSONS_FILE, 6, "sex", "3", "jenis kelamin"),
    ];
    for (file, line, column, value, expect) in cases {
        let bad = generated("35.23.01", 30);
        edit_cell(&bad.path().join(file), line, column, value);
        let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
        let p = &problems[0];
        assert_eq!(
            (p.file.as_str(), p.line, p.column.as_str()),
            (file, line as u64, column),
            "{p}"
        );
        assert!(p.reason.contains(expect), "{p}");
        assert_eq!(counts().await, before);
    }

    // Duplicated id within a file.
    let bad = generated("35.23.01", 30);
    let path = bad.path().join(HOUSEHOLDS_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(1).unwrap().to_string();
    std::fs::write(&path, format!("{text}{second}\n")).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems
            .iter()
            .any(|p| p.column == "id" && p.reason.contains("baris 2")),
        "{problems:?}"
    );

    // Wrong column count, malformed header, non-UTF-8 bytes.
    let bad = generated("35.23.01", 30);
    let path = bad.path().join(PERSONS_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("a,b,c\n");
    std::fs::write(&path, &text).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems.iter().any(|p| p.reason.contains("3 kolom")),
        "{problems:?}"
    );

    let bad = generated("35.23.01", 30);
    let path = bad.path().join(HOUSEHOLDS_FILE);
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("village_code,rt", "rt,village_code", 1);
    std::fs::write(&path, text).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert_eq!(problems[0].line, 1);
    assert!(problems[0].reason.contains("baris judul"));

    let bad = generated("35.23.01", 30);
    let path = bad.path().join(PERSONS_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 40;
    bytes[at] = 0xFF;
    std::fs::write(&path, bytes).unwrap();
    let problems = rejected(import_dir(store, &c.regency, bad.path()).await);
    assert!(
        problems[0].reason.contains("UTF-8") && problems[0].line == 4,
        "{problems:?}"
    );
    assert_eq!(counts().await, before);

    // Roles that may not write cannot import.
    assert!(matches!(
        import_dir(store, &c.auditor, data.path()).await,
        Err(ImportError::Store(StoreError::Forbidden(_)))
    ));
}

async fn audit_log(db: &TestDb) {
    let store = &db.store;
    let c = cast(store).await;
    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    store.household(&c.village_a, household.id).await.unwrap();
    store.person(&c.village_a, members[0].id).await.unwrap();
    assert!(matches!(
        store.audit_entries(&c.village_a, None, 10).await,
        Err(StoreError::Forbidden(_))
    ));
    let entries = store.audit_entries(&c.auditor, None, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "person.view",
        "household.view",
        "household.create",
        "user.create",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let nik = members[0].nik.raw();
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.contains(&nik) && !e.detail.contains("Anggota"))
    );
    let about = store
        .audit_entries(&c.auditor, Some(&members[0].id.to_string()), 10)
        .await
        .unwrap();
    assert_eq!(about.len(), 1);
    assert_eq!(about[0].actor_username, "op.a");
    // A regency auditor sees its own region's entries only.
    let regional = store
        .create_user(
            &c.admin,
            NewUser {
                username: "auditor.lain".into(),
                display_name: "A".into(),
                role: Role::Auditor,
                scope: Scope::parse("35.24").unwrap(),
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .actor();
    let seen = store.audit_entries(&regional, None, 100).await.unwrap();
    assert!(!seen.is_empty(), "its own creation is in its region");
    assert!(
        seen.iter().all(|e| e.region_code.starts_with("35.24")),
        "{seen:?}"
    );

    let verified = store.verify_audit_chain(&c.auditor).await.unwrap();
    assert_eq!(verified.broken_at, None);
    assert!(verified.entries as usize >= entries.len());
    assert!(store.verify_audit_chain(&c.regency).await.is_err());

    // The log refuses edits; with the guard removed, an edit is caught by the chain.
    let seq = about[0].seq;
    let tamper = format!("UPDATE audit_log SET detail = 'x' WHERE seq = {seq}");
    match store.engine() {
        Engine::Sqlite => {
            let path = db.url.trim_start_matches("sqlite://");
            let raw = sqlx::SqlitePool::connect(&format!("sqlite://{path}"))
                .await
                .unwrap();
            assert!(
                sqlx::raw_sql(sqlx::AssertSqlSafe(tamper.clone()))
                    .execute(&raw)
                    .await
                    .is_err()
            );
            sqlx::raw_sql("DROP TRIGGER audit_log_no_update")
                .execute(&raw)
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(tamper))
                .execute(&raw)
                .await
                .unwrap();
            raw.close().await;
        }
        Engine::Postgres => {
            let raw = sqlx::PgPool::connect(&db.url).await.unwrap();
            assert!(
                sqlx::raw_sql(sqlx::AssertSqlSafe(tamper.clone()))
                    .execute(&raw)
                    .await
                    .is_err()
            );
            sqlx::raw_sql("DROP TRIGGER audit_log_no_update ON audit_log")
                .execute(&raw)
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(tamper))
                .execute(&raw)
                .await
                .unwrap();
            raw.close().await;
        }
    }
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(seq)
    );
}

async fn benchmark_baselines(db: &TestDb) {
    let store = &db.store;
    let data = generated("35.23.01", 20);
    let rows = RawRows::from_files(
        std::fs::File::open(data.path().join(HOUSEHOLDS_FILE)).unwrap(),
        std::fs::File::open(data.path().join(PERSONS_FILE)).unwrap(),
    )
    .unwrap();
    assert_eq!(rows.households.len(), 20);
    assert_eq!(
        store.baseline_insert(&rows).await.unwrap(),
        rows.len() as u64
    );
    assert_eq!(store.baseline_count(false).await.unwrap(), 20);
    assert_eq!(
        store.baseline_count(true).await.unwrap(),
        rows.persons.len() as u64
    );
    match store.engine() {
        Engine::Sqlite => assert!(store.wipe_postgres_scratch().await.is_err()),
        Engine::Postgres => {
            store.wipe_postgres_scratch().await.unwrap();
            assert_eq!(store.schema_version().await.unwrap(), 0);
        }
    }
}

async fn sessions_and_sign_in(db: &TestDb) {
    use siks_store::{LoginGate, SessionPolicy};
    let store = &db.store;
    let c = cast(store).await;
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    // Accounts without a password cannot sign in at all.
    assert_eq!(store.login_gate("op.a").await.unwrap(), LoginGate::Unknown);
    assert_eq!(
        store.login_gate("nobody").await.unwrap(),
        LoginGate::Unknown
    );
    assert!(matches!(
        store.change_own_password(&c.village_a, "plain-text").await,
        Err(StoreError::Invalid { .. })
    ));
    store.change_own_password(&c.village_a, hash).await.unwrap();
    let LoginGate::Open(user) = store.login_gate(" op.a ").await.unwrap() else {
        panic!("account with a password is open");
    };
    assert_eq!(user.password_hash.as_deref(), Some(hash));

    let policy = SessionPolicy {
        max_failures: 3,
        ..Default::default()
    };
    for _ in 0..2 {
        store
            .record_login_failure(&user, &policy, "10.0.0.1")
            .await
            .unwrap();
    }
    assert!(matches!(
        store.login_gate("op.a").await.unwrap(),
        LoginGate::Open(_)
    ));
    store
        .record_login_failure(&user, &policy, "10.0.0.1")
        .await
        .unwrap();
    assert!(matches!(
        store.login_gate("op.a").await.unwrap(),
        LoginGate::Locked(_)
    ));
    // An admin reset does not unlock by itself; the lock runs out (here: a zero-length lockout).
    store.reset_password(&c.admin, user.id, hash).await.unwrap();
    assert!(matches!(
        store.reset_password(&c.regency, user.id, hash).await,
        Err(StoreError::Forbidden(_))
    ));

    let short = SessionPolicy {
        lockout: std::time::Duration::ZERO,
        max_failures: 1,
        ..Default::default()
    };
    let LoginGate::Open(other) = ({
        store.change_own_password(&c.village_b, hash).await.unwrap();
        store.login_gate("op.b").await.unwrap()
    }) else {
        panic!("op.b open");
    };
    store
        .record_login_failure(&other, &short, "10.0.0.2")
        .await
        .unwrap();
    assert!(
        matches!(store.login_gate("op.b").await.unwrap(), LoginGate::Open(_)),
        "a lock of zero length is over at once"
    );

    let started = store.start_session(&other, "10.0.0.2").await.unwrap();
    assert_eq!(started.token.len(), 64);
    assert_ne!(started.token, started.csrf_token);
    let session = store
        .session(&started.token, &SessionPolicy::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.actor, c.village_b);
    assert_eq!(session.csrf_token, started.csrf_token);
    assert_eq!(
        store
            .session("not-a-token", &SessionPolicy::default())
            .await
            .unwrap(),
        None
    );
    // An idle limit of zero ends it; the row is removed.
    let idle = SessionPolicy {
        idle: std::time::Duration::ZERO,
        ..Default::default()
    };
    assert_eq!(store.session(&started.token, &idle).await.unwrap(), None);
    assert_eq!(
        store
            .session(&started.token, &SessionPolicy::default())
            .await
            .unwrap(),
        None
    );

    let again = store.start_session(&other, "10.0.0.2").await.unwrap();
    store.end_session(&c.village_b, &again.token).await.unwrap();
    assert_eq!(
        store
            .session(&again.token, &SessionPolicy::default())
            .await
            .unwrap(),
        None
    );
    // Deactivating the account ends its sessions' use; a password change ends them all.
    let third = store.start_session(&other, "10.0.0.2").await.unwrap();
    store
        .set_user_active(&c.admin, other.id, false)
        .await
        .unwrap();
    assert_eq!(
        store
            .session(&third.token, &SessionPolicy::default())
            .await
            .unwrap(),
        None
    );
    store
        .set_user_active(&c.admin, other.id, true)
        .await
        .unwrap();
    let fourth = store.start_session(&other, "10.0.0.2").await.unwrap();
    store.change_own_password(&c.village_b, hash).await.unwrap();
    assert_eq!(
        store
            .session(&fourth.token, &SessionPolicy::default())
            .await
            .unwrap(),
        None
    );

    let actions: Vec<String> = store
        .audit_entries(&c.auditor, None, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in [
        "login",
        "login.failed",
        "login.locked",
        "logout",
        "password.change",
        "password.reset",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} not audited"
        );
    }
    assert_ne!(siks_store::random_token(), siks_store::random_token());
}

async fn household_search(db: &TestDb) {
    use siks_domain::search::SearchQuery;
    let store = &db.store;
    let c = cast(store).await;
    let (mut household, mut members) = fake_household(VILLAGE_A).members(2).build();
    household.address.street = "Jl. Mawar Merah 7".into();
    household.address.rt = "003".into();
    members[0].full_name = "Siti  Aminah".into();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let (other, other_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(700)
        .build();
    store
        .create_household(&c.village_a, &other, &other_members, "baru")
        .await
        .unwrap();
    let regency = &c.regency;
    let find = async |search: Option<SearchQuery>| {
        let filter = HouseholdFilter {
            search,
            limit: 10,
            ..Default::default()
        };
        store
            .list_households(regency, &filter)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find(SearchQuery::parse(&members[1].nik.raw())).await,
        vec![household.id]
    );
    assert_eq!(
        find(SearchQuery::parse(&members[1].no_kk.raw()))
            .await
            .len(),
        2,
        "both share the fixture's No KK"
    );
    assert_eq!(
        find(SearchQuery::parse("siti am")).await,
        vec![household.id]
    );
    assert_eq!(find(SearchQuery::parse("SITI")).await, vec![household.id]);
    assert!(
        find(SearchQuery::parse("aminah")).await.is_empty(),
        "name search is by prefix"
    );
    assert_eq!(find(SearchQuery::parse("RT 3")).await, vec![household.id]);
    assert_eq!(
        find(SearchQuery::address("mawar")).await,
        vec![household.id]
    );
    assert!(
        find(SearchQuery::address("100%")).await.is_empty(),
        "LIKE wildcards are literal"
    );
    assert_eq!(find(None).await.len(), 2);
    // A village operator's name search reads its own village (the narrow plan) with the same result.
    let by_name = HouseholdFilter {
        search: SearchQuery::parse("siti am"),
        limit: 10,
        ..Default::default()
    };
    let mine: Vec<_> = store
        .list_households(&c.village_a, &by_name)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(mine, vec![household.id]);
    assert!(
        store
            .list_households(&c.village_b, &by_name)
            .await
            .unwrap()
            .is_empty()
    );
    // Search stays inside the scope.
    let filter = HouseholdFilter {
        search: SearchQuery::parse(&members[1].nik.raw()),
        limit: 10,
        ..Default::default()
    };
    assert!(
        store
            .list_households(&c.village_b, &filter)
            .await
            .unwrap()
            .is_empty()
    );
    // A renamed member is found under the new name.
    let mut renamed = members[0].clone();
    renamed.full_name = "Sri Lestari".into();
    store
        .update_person(&c.village_a, &renamed, 1, "salah nama")
        .await
        .unwrap();
    assert_eq!(
        find(SearchQuery::parse("sri les")).await,
        vec![household.id]
    );
    assert!(find(SearchQuery::parse("siti")).await.is_empty());
}

async fn evidence_photos(db: &TestDb) {
    use siks_domain::record::EvidenceKind;
    let store = &db.store;
    let c = cast(store).await;
    let (household, members) = fake_household(VILLAGE_A).members(1).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 500][..]].concat();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[9u8; 300][..]].concat();
    let v2 = store
        .add_evidence_photo(
            &c.village_a,
            household.id,
            1,
            EvidenceKind::HouseFront,
            &jpeg,
            "foto depan",
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                1,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await,
        Err(StoreError::Stale { .. })
    ));
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                b"<svg/>",
                "lantai"
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let huge = [
        &[0xFF, 0xD8, 0xFF][..],
        &vec![0u8; siks_store::photos::MAX_PHOTO_BYTES][..],
    ]
    .concat();
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                &huge,
                "lantai"
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.village_b,
                household.id,
                2,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .add_evidence_photo(
                &c.village_a,
                household.id,
                2,
                EvidenceKind::Floor,
                &png,
                "lantai"
            )
            .await
            .unwrap(),
        3
    );
    // A new photo of the same indicator replaces the old one in the list.
    let jpeg2 = [&[0xFF, 0xD8, 0xFF, 0xE1][..], &[8u8; 100][..]].concat();
    store
        .add_evidence_photo(
            &c.village_a,
            household.id,
            3,
            EvidenceKind::HouseFront,
            &jpeg2,
            "foto baru",
        )
        .await
        .unwrap();
    let view = store
        .household(&c.village_a, household.id)
        .await
        .unwrap()
        .unwrap();
    let evidence = &view.household.record.evidence;
    assert_eq!(
        evidence.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EvidenceKind::HouseFront, EvidenceKind::Floor]
    );
    assert_eq!(evidence[1].content_type, "image/png");
    let (kind, bytes) = store
        .evidence_photo(&c.village_a, household.id, &evidence[0].sha256)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kind.as_str(), bytes), ("image/jpeg", jpeg2.clone()));
    assert_eq!(
        store
            .evidence_photo(&c.village_b, household.id, &evidence[0].sha256)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .evidence_photo(&c.village_a, household.id, "0000")
            .await
            .unwrap(),
        None
    );
    let history = store
        .history(&c.village_a, &household.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 4);
    assert!(matches!(
        store
            .add_evidence_photo(
                &c.auditor,
                household.id,
                4,
                EvidenceKind::Roof,
                &png,
                "atap"
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn proposals_go_up_tier_by_tier(db: &TestDb) {
    use siks_domain::workflow::{Backing, ProposalContent, Stage, Step, WorkflowConfig};
    let store = &db.store;
    let c = cast(store).await;
    let make = async |username: &str, role: Role, scope: &str| {
        store
            .create_user(
                &c.admin,
                NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    role,
                    scope: Scope::parse(scope).unwrap(),
                    password_hash: None,
                },
            )
            .await
            .unwrap()
            .actor()
    };
    let verifier = make("verifikator", Role::RegencyVerifier, "35.23").await;
    let ratifier = make("pengesah", Role::Ratifier, "35.23").await;
    let province = make("provinsi", Role::ProvinceOperator, "35").await;
    let pusat = make("pusat", Role::Pusat, "*").await;
    let config = WorkflowConfig::default();

    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    let content = ProposalContent::NewHousehold {
        household: household.clone(),
        members: members.clone(),
    };
    assert!(matches!(
        store.propose(&c.regency, &content, "baru").await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.propose(&c.village_b, &content, "baru").await,
        Err(StoreError::Invalid { .. })
    ));
    let id = store
        .propose(&c.village_a, &content, "pendataan baru")
        .await
        .unwrap();
    let inbox = store
        .list_proposals(&c.village_a, Some(Stage::Draft), 10)
        .await
        .unwrap();
    assert_eq!(inbox.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    assert!(
        store
            .list_proposals(&c.village_b, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.proposal(&c.village_b, id).await.unwrap(), None);

    // Wrong role, wrong stage, and a batch with one bad member changes nothing.
    assert!(matches!(
        store
            .step_proposals(&verifier, &[id], &Step::Verify, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .step_proposals(&c.village_a, &[id], &Step::Apply, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .step_proposals(
                &c.village_a,
                &[id, uuid::Uuid::now_v7()],
                &Step::Submit(Backing::Musdes),
                config
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_proposals(&c.village_a, Some(Stage::Draft), 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // The steps that come with a signed paper are refused as bare steps.
    for step in [
        Step::Submit(Backing::Sptjm),
        Step::MusdesDecision {
            approved: true,
            reason: String::new(),
        },
        Step::Ratify,
    ] {
        assert!(matches!(
            store.step_proposals(&c.admin, &[id], &step, config).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    let step = async |actor: &Actor, step: Step| {
        store
            .step_proposals(actor, &[id], &step, config)
            .await
            .unwrap()
    };
    assert_eq!(
        step(&c.village_a, Step::Submit(Backing::Musdes)).await,
        vec![Stage::Musdes]
    );
    // The musdes: its details are checked, and only the village's own operator records it.
    let mut no_place = paper(Backing::Musdes, VILLAGE_A);
    no_place.place = " ".into();
    let approve = [siks_store::documents::MusdesDecision {
        proposal: id,
        approved: true,
        reason: String::new(),
    }];
    assert!(matches!(
        store
            .record_musdes(&c.village_a, no_place, &approve, None, config)
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .record_musdes(
                &c.village_b,
                paper(Backing::Musdes, VILLAGE_A),
                &approve,
                None,
                config
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let musdes = store
        .record_musdes(
            &c.village_a,
            paper(Backing::Musdes, VILLAGE_A),
            &approve,
            None,
            config,
        )
        .await
        .unwrap();
    // Without the signed scan the regency cannot verify; a file that is no scan is refused.
    let refused = store
        .step_proposals(&verifier, &[id], &Step::Verify, config)
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("pindaian")),
        "{refused:?}"
    );
    assert!(matches!(
        store.attach_scan(&c.village_a, musdes, b"not a scan").await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.attach_scan(&c.village_b, musdes, SCAN).await,
        Err(StoreError::NotFound)
    ));
    store.attach_scan(&c.village_a, musdes, SCAN).await.unwrap();
    let ba = store
        .village_document(&c.regency, musdes)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ba.details.attendees, 37);
    assert_eq!(ba.scan_type.as_deref(), Some("application/pdf"));
    assert_eq!(ba.rows.len(), 1);
    assert_eq!(ba.rows[0].row, 1);
    assert_eq!(ba.rows[0].name, members[0].full_name);
    assert!(ba.rows[0].nik_masked.contains("**********"));
    assert!(ba.rows[0].approved);
    assert_eq!(
        store.document_scan(&c.regency, musdes).await.unwrap(),
        Some(("application/pdf".to_string(), SCAN.to_vec()))
    );
    assert_eq!(
        store.village_document(&c.village_b, musdes).await.unwrap(),
        None
    );

    assert_eq!(
        step(
            &verifier,
            Step::Return {
                reason: "foto rumah belum ada".into(),
            }
        )
        .await,
        vec![Stage::Returned]
    );
    // Resubmitted with an SPTJM (no second musdes), scanned at once.
    let sptjm = store
        .sign_sptjm(
            &c.village_a,
            paper(Backing::Sptjm, VILLAGE_A),
            &[id],
            Some(SCAN),
            config,
        )
        .await
        .unwrap();
    assert_eq!(
        step(&verifier, Step::Verify).await,
        vec![Stage::Ratification]
    );
    assert!(
        matches!(
            store.attach_scan(&c.village_a, sptjm, SCAN).await,
            Err(StoreError::Invalid { .. })
        ),
        "a scan the regency relied on cannot be replaced"
    );
    // The BA keeps its row though the proposal moved on to another paper.
    assert_eq!(
        store
            .village_document(&c.regency, musdes)
            .await
            .unwrap()
            .unwrap()
            .rows
            .len(),
        1
    );
    let tuban = RegionCode::parse("35.23").unwrap();
    assert!(matches!(
        store.ratify(&verifier, &tuban, None, config).await,
        Err(StoreError::Forbidden(_))
    ));
    let list = store.ratify(&ratifier, &tuban, None, config).await.unwrap();
    let ratified = store.ratification(&ratifier, list).await.unwrap().unwrap();
    assert!(
        ratified.number.starts_with("0001/PENGESAHAN-DTSEN/35.23/"),
        "{}",
        ratified.number
    );
    assert_eq!(
        ratified.rows.iter().map(|r| r.proposal).collect::<Vec<_>>(),
        vec![id]
    );
    assert_eq!(ratified.ratified_by, "pengesah");
    assert!(
        matches!(
            store.ratify(&ratifier, &tuban, None, config).await,
            Err(StoreError::Invalid { .. })
        ),
        "nothing is left to ratify"
    );
    assert_eq!(
        store
            .ratification(&c.village_b, list)
            .await
            .unwrap()
            .unwrap()
            .rows
            .len(),
        0,
        "another village sees the list, not village A's rows"
    );
    let papers = store.list_papers(&c.village_a, 10).await.unwrap();
    assert_eq!(
        papers.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(),
        vec!["pengesahan", "sptjm", "musdes"]
    );
    assert_eq!(step(&province, Step::Forward).await, vec![Stage::PusatQc]);
    assert_eq!(step(&pusat, Step::Accept).await, vec![Stage::Accepted]);
    let (proposal, steps) = store.proposal(&c.regency, id).await.unwrap().unwrap();
    assert_eq!(proposal.stage, Stage::Accepted);
    assert_eq!(proposal.content, content);
    assert_eq!(proposal.backing, Some(Backing::Sptjm));
    assert_eq!(proposal.document, Some(sptjm));
    assert_eq!(
        proposal.reason, "foto rumah belum ada",
        "the last return's reason is kept"
    );
    assert_eq!(steps.len(), 9);
    assert_eq!(steps[3].note, "foto rumah belum ada");
    assert_eq!(steps[3].actor_role, "verifikator_kabupaten");
    // The register has not changed: only the period close applies proposals.
    assert_eq!(
        store.household(&c.regency, household.id).await.unwrap(),
        None
    );

    // Proposals about existing households are scoped by the household's village.
    let (existing, existing_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(300)
        .build();
    store
        .create_household(&c.village_a, &existing, &existing_members, "baru")
        .await
        .unwrap();
    let mut corrected = existing.clone();
    corrected.housing.rooms = 3;
    let correction = ProposalContent::HouseholdCorrection {
        household: corrected,
        base_version: 1,
    };
    assert!(matches!(
        store.propose(&c.village_b, &correction, "salah").await,
        Err(StoreError::NotFound)
    ));
    let correction_id = store
        .propose(&c.village_a, &correction, "jumlah kamar salah")
        .await
        .unwrap();
    let bad_move = ProposalContent::Move {
        household: existing.id,
        to_village: RegionCode::parse("35.23").unwrap(),
    };
    assert!(matches!(
        store.propose(&c.village_a, &bad_move, "pindah").await,
        Err(StoreError::Invalid { .. })
    ));
    let removal = ProposalContent::Removal {
        household: existing.id,
        person: Some(existing_members[0].id),
        reason: InactiveReason::Died,
    };
    let removal_id = store
        .propose(&c.village_a, &removal, "meninggal")
        .await
        .unwrap();
    store
        .sign_sptjm(
            &c.village_a,
            paper(Backing::Sptjm, VILLAGE_A),
            &[removal_id],
            None,
            config,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .step_proposals(
                &verifier,
                &[removal_id],
                &Step::Reject { reason: "x".into() },
                config
            )
            .await
            .ok(),
        None,
        "the regency returns, it does not reject"
    );
    // A move is seen by the receiving regency, which cannot act on it.
    let move_id = store
        .propose(
            &c.village_a,
            &ProposalContent::Move {
                household: existing.id,
                to_village: RegionCode::parse(VILLAGE_ELSEWHERE).unwrap(),
            },
            "pindah ke Lamongan",
        )
        .await
        .unwrap();
    let lamongan = make("dinsos.lamongan", Role::RegencyVerifier, "35.24").await;
    assert_eq!(
        store
            .list_proposals(&lamongan, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![move_id]
    );
    assert!(store.proposal(&lamongan, move_id).await.unwrap().is_some());
    assert!(matches!(
        store
            .step_proposals(&lamongan, &[move_id], &Step::Verify, config)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .list_proposals(&c.village_a, None, 10)
            .await
            .unwrap()
            .len(),
        4
    );
    // The pipeline per child region and stage.
    let pipeline = store.pipeline(&c.regency, None).await.unwrap();
    let at = |stage: Stage| {
        pipeline
            .iter()
            .filter(|p| p.stage == stage)
            .map(|p| (p.region.to_string(), p.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(Stage::Accepted), vec![("35.23.01".to_string(), 1)]);
    assert_eq!(at(Stage::Draft), vec![("35.23.01".to_string(), 2)]);
    assert_eq!(
        at(Stage::RegencyVerification),
        vec![("35.23.01".to_string(), 1)]
    );
    assert!(
        store
            .pipeline(&c.village_b, Some(&RegionCode::parse(VILLAGE_A).unwrap()))
            .await
            .unwrap()
            .is_empty()
    );
    // A draft the register has outgrown cannot leave draft, and says why.
    let mut edited = existing.clone();
    edited.housing.rooms = 2;
    store
        .update_household(&c.village_a, &edited, 1, "kamar diukur ulang")
        .await
        .unwrap();
    let outgrown = store
        .step_proposals(
            &c.village_a,
            &[correction_id],
            &Step::Submit(Backing::Musdes),
            config,
        )
        .await;
    assert!(
        matches!(&outgrown, Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("sudah berubah sejak usulan dibuat")),
        "{outgrown:?}"
    );
    let dead_again = store
        .propose(&c.village_a, &removal, "meninggal (ganda)")
        .await
        .unwrap();
    let mut gone = store
        .person(&c.village_a, existing_members[0].id)
        .await
        .unwrap()
        .unwrap();
    gone.record.status = RegistryStatus::Inactive(InactiveReason::Died);
    store
        .update_person(&c.village_a, &gone.record, gone.version, "meninggal")
        .await
        .unwrap();
    assert!(matches!(
        store
            .sign_sptjm(&c.village_a, paper(Backing::Sptjm, VILLAGE_A), &[dead_again], None, config)
            .await,
        Err(StoreError::Invalid { indonesian, .. }) if indonesian.contains("sudah tidak aktif")
    ));
    let audited: Vec<String> = store
        .audit_entries(&c.auditor, Some(&id.to_string()), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        audited.contains(&"proposal.create".to_string())
            && audited.iter().filter(|a| *a == "proposal.step").count() == 8
    );
}

async fn period_close_applies_accepted_proposals_together(db: &TestDb) {
    use siks_domain::workflow::{Period, ProposalContent, Stage};
    let store = &db.store;
    let c = cast(store).await;
    let pusat = store
        .create_user(
            &c.admin,
            NewUser {
                username: "pusat".into(),
                display_name: "Pusat".into(),
                role: Role::Pusat,
                scope: Scope::Nation,
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .actor();
    // Admins act at every stage: walk a proposal straight to accepted.
    let accept = async |id: uuid::Uuid| accept_as_admin(store, &c.admin, &[id]).await;
    let (existing, existing_members) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(400)
        .build();
    store
        .create_household(&c.village_a, &existing, &existing_members, "baru")
        .await
        .unwrap();

    let (new_household, new_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(500)
        .build();
    let new_id = store
        .propose(
            &c.village_a,
            &ProposalContent::NewHousehold {
                household: new_household.clone(),
                members: new_members,
            },
            "baru",
        )
        .await
        .unwrap();
    let mut rooms = existing.clone();
    rooms.housing.rooms = 4;
    let first = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: rooms,
                base_version: 1,
            },
            "kamar",
        )
        .await
        .unwrap();
    let mut rooms_again = existing.clone();
    rooms_again.housing.rooms = 5;
    let second = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: rooms_again,
                base_version: 1,
            },
            "kamar lagi",
        )
        .await
        .unwrap();
    let died = store
        .propose(
            &c.village_a,
            &ProposalContent::Removal {
                household: existing.id,
                person: Some(existing_members[1].id),
                reason: InactiveReason::Died,
            },
            "meninggal",
        )
        .await
        .unwrap();
    let programme = store
        .propose(
            &c.village_a,
            &ProposalContent::ProgrammeRequest {
                household: existing.id,
                programme: "PKH".into(),
            },
            "usul PKH",
        )
        .await
        .unwrap();
    // Corrections of other fields of the same records take effect together with those above.
    let mut toilet = existing.clone();
    toilet.housing.toilet = if existing.housing.toilet == ToiletFacility::Shared {
        ToiletFacility::Own
    } else {
        ToiletFacility::Shared
    };
    let toilet_id = store
        .propose(
            &c.village_a,
            &ProposalContent::HouseholdCorrection {
                household: toilet.clone(),
                base_version: 1,
            },
            "jamban",
        )
        .await
        .unwrap();
    let mut renamed = existing_members[0].clone();
    renamed.full_name = format!("{} Saputra", renamed.full_name);
    let mut mother = existing_members[0].clone();
    mother.mother_name = "Wartini".into();
    let mut person_ids = Vec::new();
    for (person, note) in [(&renamed, "nama"), (&mother, "nama ibu")] {
        person_ids.push(
            store
                .propose(
                    &c.village_a,
                    &ProposalContent::PersonCorrection {
                        person: person.clone(),
                        base_version: 1,
                    },
                    note,
                )
                .await
                .unwrap(),
        );
    }
    let draft_only = store
        .propose(
            &c.village_a,
            &ProposalContent::ProgrammeRequest {
                household: existing.id,
                programme: "BPNT".into(),
            },
            "belum diajukan",
        )
        .await
        .unwrap();
    for id in [new_id, first, second, died, programme, toilet_id]
        .into_iter()
        .chain(person_ids)
    {
        accept(id).await;
    }

    let november = Period::parse("2026-11").unwrap();
    assert!(matches!(
        store.close_period(&c.regency, november).await,
        Err(StoreError::Forbidden(_))
    ));
    let report = store.close_period(&pusat, november).await.unwrap();
    assert!(!report.already_closed);
    // The fixture's household already has "PKH", so that request changes nothing but is applied.
    assert_eq!(report.applied, 7, "{report:?}");
    assert_eq!(
        report
            .sent_back
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        vec![second]
    );
    assert!(report.sent_back[0].1.contains("rooms"));

    let view = store
        .household(&c.regency, existing.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.household.record.housing.rooms, 4);
    assert_eq!(view.household.record.housing.toilet, toilet.housing.toilet);
    let first_member = view
        .members
        .iter()
        .find(|m| m.record.id == existing_members[0].id)
        .unwrap();
    assert_eq!(
        (
            first_member.record.full_name.as_str(),
            first_member.record.mother_name.as_str()
        ),
        (renamed.full_name.as_str(), "Wartini")
    );
    let dead = view
        .members
        .iter()
        .find(|m| m.record.id == existing_members[1].id)
        .unwrap();
    assert_eq!(
        dead.record.status,
        RegistryStatus::Inactive(InactiveReason::Died)
    );
    assert_eq!(dead.record.presence, Presence::Died);
    let added = store
        .household(&c.regency, new_household.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(added.household.record.status, RegistryStatus::Active);
    assert_eq!(
        store
            .proposal(&c.regency, second)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Rejected
    );
    assert_eq!(
        store
            .proposal(&c.regency, new_id)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Applied
    );
    assert_eq!(
        store
            .proposal(&c.regency, draft_only)
            .await
            .unwrap()
            .unwrap()
            .0
            .stage,
        Stage::Draft
    );

    // Closing again does nothing; an earlier period can no longer be closed.
    let again = store.close_period(&pusat, november).await.unwrap();
    assert!(again.already_closed && again.applied == 0);
    assert!(matches!(
        store
            .close_period(&pusat, Period::parse("2026-10").unwrap())
            .await,
        Err(StoreError::Invalid { .. })
    ));

    // A direct edit after November's close belongs to December.
    let now = store
        .household(&c.regency, existing.id)
        .await
        .unwrap()
        .unwrap();
    let mut nine = now.household.record.clone();
    nine.housing.rooms = 9;
    store
        .update_household(&c.village_a, &nine, now.household.version, "kamar ditambah")
        .await
        .unwrap();
    let (late, late_members) = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(600)
        .build();
    store
        .create_household(&c.village_a, &late, &late_members, "baru")
        .await
        .unwrap();

    // December: one household leaves; the comparison counts it.
    let leaves = store
        .propose(
            &c.village_a,
            &ProposalContent::Removal {
                household: new_household.id,
                person: None,
                reason: InactiveReason::Moved,
            },
            "pindah",
        )
        .await
        .unwrap();
    accept(leaves).await;
    let december = Period::parse("2026-12").unwrap();
    assert_eq!(
        store.close_period(&pusat, december).await.unwrap().applied,
        1
    );
    assert_eq!(
        store.closed_periods().await.unwrap(),
        vec![november, december]
    );
    let cmp = store
        .compare_periods(&c.regency, None, november, december)
        .await
        .unwrap();
    assert_eq!(
        (cmp.households_before, cmp.households_after),
        (2, 2),
        "one left, one was registered directly"
    );
    assert_eq!((cmp.entered, cmp.left), (0, 1));
    let nov = store
        .compare_periods(
            &c.regency,
            None,
            Period::parse("2026-10").unwrap(),
            november,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            nov.households_before,
            nov.households_after,
            nov.entered,
            nov.changed
        ),
        (0, 2, 1, 6),
        "four corrections, a death and a programme request changed the register"
    );
    assert!(matches!(
        store
            .compare_periods(
                &c.village_a,
                Some(&RegionCode::parse("35.24").unwrap()),
                november,
                december
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // The fixed counts equal a recount from the history, though the register changed since.
    for period in [november, december] {
        let fixed = store.period_counts(&pusat, period).await.unwrap();
        assert!(!fixed.is_empty());
        assert_eq!(
            store.recount_period(&pusat, period).await.unwrap(),
            fixed,
            "{period}"
        );
    }
    assert_eq!(
        store.period_counts(&pusat, november).await.unwrap()[VILLAGE_A],
        (2, 2),
        "the existing household (one of two members died) and the new one of one"
    );

    // Any household as of a closed period, members included, rebuilt from the history.
    let mut newcomer = fake_household(VILLAGE_A)
        .members(1)
        .serials_from(710)
        .build()
        .1
        .remove(0);
    newcomer.household_id = existing.id;
    store
        .add_person(&c.village_a, &newcomer, "lahir")
        .await
        .unwrap();
    let then = store
        .household_as_of(&c.regency, existing.id, november)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(then.household.housing.rooms, 4, "before December's edit");
    assert_eq!(then.members.len(), 2, "the newcomer came later");
    let died = then
        .members
        .iter()
        .find(|m| m.id == existing_members[1].id)
        .unwrap();
    assert_eq!(died.status, RegistryStatus::Inactive(InactiveReason::Died));
    let december_view = store
        .household_as_of(&c.regency, existing.id, december)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(december_view.household.housing.rooms, 9);
    assert_eq!(
        store
            .household_as_of(&c.regency, new_household.id, december)
            .await
            .unwrap()
            .unwrap()
            .household
            .status,
        RegistryStatus::Inactive(InactiveReason::Moved)
    );
    assert_eq!(
        store
            .household_as_of(&c.regency, late.id, november)
            .await
            .unwrap(),
        None,
        "registered after November closed"
    );
    assert!(matches!(
        store
            .household_as_of(&c.regency, existing.id, Period::parse("2027-01").unwrap())
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .household_as_of(&c.village_b, existing.id, november)
            .await,
        Err(StoreError::NotFound)
    ));
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn schema_and_reference_data_on_both_engines() {
    on_both_engines!(schema_and_reference_data);
}

#[tokio::test]
async fn users_and_scopes_on_both_engines() {
    on_both_engines!(users_and_scopes);
}

#[tokio::test]
async fn households_persons_history_on_both_engines() {
    on_both_engines!(households_persons_history);
}

#[tokio::test]
async fn bulk_import_on_both_engines() {
    on_both_engines!(bulk_import);
}

#[tokio::test]
async fn audit_log_on_both_engines() {
    on_both_engines!(audit_log);
}

#[tokio::test]
async fn sessions_and_sign_in_on_both_engines() {
    on_both_engines!(sessions_and_sign_in);
}

#[tokio::test]
async fn household_search_on_both_engines() {
    on_both_engines!(household_search);
}

#[tokio::test]
async fn evidence_photos_on_both_engines() {
    on_both_engines!(evidence_photos);
}

#[tokio::test]
async fn proposals_go_up_tier_by_tier_on_both_engines() {
    on_both_engines!(proposals_go_up_tier_by_tier);
}

#[tokio::test]
async fn checks_find_and_reconcile_on_both_engines() {
    on_both_engines!(checks_find_and_reconcile);
}

#[tokio::test]
async fn outside_lists_become_findings_on_both_engines() {
    on_both_engines!(outside_lists_become_findings);
}

#[tokio::test]
async fn uploads_become_correction_drafts_on_both_engines() {
    on_both_engines!(uploads_become_correction_drafts);
}

#[tokio::test]
async fn programme_lists_on_both_engines() {
    on_both_engines!(programme_lists);
}

#[tokio::test]
async fn welfare_ranking_on_both_engines() {
    on_both_engines!(welfare_ranking);
}

#[tokio::test]
async fn uploads_bring_new_households_on_both_engines() {
    on_both_engines!(uploads_bring_new_households);
}

#[tokio::test]
async fn a_failed_close_changes_nothing_on_both_engines() {
    on_both_engines!(a_failed_close_changes_nothing);
}

#[tokio::test]
async fn period_close_on_both_engines() {
    on_both_engines!(period_close_applies_accepted_proposals_together);
}

#[tokio::test]
async fn benchmark_baselines_on_both_engines() {
    on_both_engines!(benchmark_baselines);
}

#[tokio::test]
async fn opening_refuses_what_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
    assert!(matches!(
        Store::open(&missing, OpenMode::MustExist).await,
        Err(StoreError::DatabaseMissing(_))
    ));
    assert!(
        !dir.path().join("typo.db").exists(),
        "a typo must not create a database"
    );
    assert!(matches!(
        Store::open("mysql://x", OpenMode::MustExist).await,
        Err(StoreError::BadUrl(_))
    ));
    assert!(matches!(
        Store::open("sqlite://", OpenMode::MustExist).await,
        Err(StoreError::BadUrl(_))
    ));
    // A new file has no schema until it is migrated.
    let fresh = format!("sqlite://{}", dir.path().join("new.db").display());
    let store = Store::open(&fresh, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    assert!(matches!(
        store.ensure_current().await,
        Err(StoreError::SchemaOutdated { found: 0, .. })
    ));
    if let Some(admin) = postgres_admin_url() {
        let url = with_database(&admin, "siks_no_such_database");
        assert!(matches!(
            Store::open(&url, OpenMode::MustExist).await,
            Err(StoreError::DatabaseMissing(_))
        ));
    }
}

#[test]
fn migrations_of_both_engines_stay_in_step() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let list = |engine: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(engine))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert_eq!(
        sqlite,
        list("postgres"),
        "migration files differ between engines"
    );
    // Same tables with the same columns in the same order, and the same indexes.
    let columns = |engine: &str, file: &str| {
        let text = std::fs::read_to_string(root.join(engine).join(file)).unwrap();
        let mut out = Vec::new();
        let mut table = String::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("ALTER TABLE ")
                && let Some((table, column)) = rest.split_once(" ADD COLUMN ")
            {
                out.push(format!(
                    "{table}.{}",
                    column.split_whitespace().next().unwrap()
                ));
            } else if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                table = rest.split_whitespace().next().unwrap().to_string();
            } else if line.starts_with("    ") && !table.is_empty() {
                let word = line.split_whitespace().next().unwrap();
                if word != "--" {
                    out.push(format!("{table}.{word}"));
                }
            } else if line.starts_with(");") {
                table.clear();
            } else if line.starts_with("CREATE INDEX")
                || line.starts_with("CREATE UNIQUE INDEX")
                || line.starts_with("DROP INDEX")
            {
                out.push(line.to_string());
            }
        }
        out
    };
    for file in &sqlite {
        let s = columns("sqlite", file);
        assert!(!s.is_empty());
        assert_eq!(s, columns("postgres", file), "{file}: columns differ");
    }
}

// ---------------------------------------------------------------- jobs

/// Jobs kept in the database: a job is its starter's (anyone else finds nothing, an admin sees
/// it), it is claimed once, advances, ends done or failed; a server's start marks the running and
/// queued ones interrupted, and those (and failed ones) can be queued again, never a done one.
/// Starting, each run, the end and the interruption are audited.
async fn jobs_are_kept_claimed_and_recovered(db: &TestDb) {
    use siks_domain::jobs::{JobRequest, JobState};
    use siks_domain::workflow::Period;
    let store = &db.store;
    let c = cast(store).await;
    let region = RegionCode::parse("35.23").unwrap();
    let request = JobRequest::CheckRun {
        region: Some(region.clone()),
    };
    let job = store.create_job(&c.regency, &request).await.unwrap();
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.request, request);
    assert_eq!(job.region_code, "35.23");
    assert_eq!((job.done_steps, job.total_steps, job.attempts), (0, 1, 0));
    assert_eq!(job.created_by, c.regency.user_id);
    // Someone else's job looks like no job; an admin sees it.
    assert!(matches!(
        store.job(&c.village_a, job.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.claim_job(&c.village_a, job.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.job(&c.admin, job.id).await.unwrap().id, job.id);
    assert!(store.jobs_of(&c.village_a, 10).await.unwrap().is_empty());
    assert_eq!(
        store.jobs_of(&c.regency, 10).await.unwrap(),
        vec![job.clone()]
    );

    // Claimed once: a second runner finds it taken.
    assert!(store.claim_job(&c.regency, job.id).await.unwrap());
    assert!(!store.claim_job(&c.regency, job.id).await.unwrap());
    store
        .set_job_progress(&c.regency, job.id, "memeriksa", 0)
        .await
        .unwrap();
    let running = store.job(&c.regency, job.id).await.unwrap();
    assert_eq!(running.state, JobState::Running);
    assert_eq!((running.phase.as_str(), running.attempts), ("memeriksa", 1));
    assert!(running.started_at.is_some() && running.finished_at.is_none());
    // A running or done job is not queued again.
    assert!(matches!(
        store.requeue_job(&c.regency, job.id).await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .finish_job(&c.regency, job.id, Ok("3 rumah tangga diperiksa".into()))
        .await
        .unwrap();
    let done = store.job(&c.regency, job.id).await.unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.outcome.as_deref(), Some("3 rumah tangga diperiksa"));
    assert_eq!(done.done_steps, done.total_steps);
    assert!(done.finished_at.is_some());
    assert!(matches!(
        store.requeue_job(&c.regency, job.id).await,
        Err(StoreError::Conflict { .. })
    ));

    // A failed job, one cut off while running and one never started.
    let failed = store.create_job(&c.regency, &request).await.unwrap();
    assert!(store.claim_job(&c.regency, failed.id).await.unwrap());
    store
        .finish_job(&c.regency, failed.id, Err("basis data sibuk".into()))
        .await
        .unwrap();
    let failed = store.job(&c.regency, failed.id).await.unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.outcome.as_deref(), Some("basis data sibuk"));
    let cut = store.create_job(&c.regency, &request).await.unwrap();
    assert!(store.claim_job(&c.regency, cut.id).await.unwrap());
    let waiting = store
        .create_job(
            &c.admin,
            &JobRequest::PeriodClose {
                period: Period::parse("2026-11").unwrap(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (waiting.region_code.as_str(), waiting.total_steps),
        ("*", 2)
    );

    // The next server's start.
    assert_eq!(store.interrupt_running_jobs(&c.admin).await.unwrap(), 2);
    assert_eq!(store.interrupt_running_jobs(&c.admin).await.unwrap(), 0);
    for id in [cut.id, waiting.id] {
        let j = store.job(&c.admin, id).await.unwrap();
        assert_eq!(j.state, JobState::Interrupted, "{id}");
        assert!(j.outcome.unwrap().contains("Server berhenti"));
    }
    assert_eq!(
        store.job(&c.regency, failed.id).await.unwrap().state,
        JobState::Failed
    );
    let counts = store.job_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![
            ("check-run".to_string(), JobState::Done, 1),
            ("check-run".to_string(), JobState::Failed, 1),
            ("check-run".to_string(), JobState::Interrupted, 1),
            ("period-close".to_string(), JobState::Interrupted, 1),
        ]
    );

    // Interrupted and failed ones run again, from the start, counted as another attempt.
    for id in [cut.id, failed.id] {
        let again = store.requeue_job(&c.regency, id).await.unwrap();
        assert_eq!(again.state, JobState::Queued);
        assert!(store.claim_job(&c.regency, id).await.unwrap());
        let j = store.job(&c.regency, id).await.unwrap();
        assert_eq!(
            (j.state, j.attempts, j.outcome),
            (JobState::Running, 2, None)
        );
        store
            .finish_job(&c.regency, id, Ok("selesai".into()))
            .await
            .unwrap();
    }
    assert!(matches!(
        store.requeue_job(&c.village_a, waiting.id).await,
        Err(StoreError::NotFound)
    ));

    let audit = store.audit_entries(&c.admin, None, 1_000).await.unwrap();
    let count = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!(count("job.create"), 4);
    assert_eq!(count("job.run"), 5);
    assert_eq!(count("job.finish"), 4);
    assert_eq!(count("job.interrupt"), 1);
    assert_eq!(count("job.requeue"), 2);
    assert!(
        audit
            .iter()
            .filter(|e| e.action.starts_with("job."))
            .all(|e| e.target_kind == "job")
    );
}

// ---------------------------------------------------------------- schemas read back

/// A migrated database's schema as read back from the engine's own catalogue, in terms both
/// engines share: column types as classes, primary keys, unique constraints, foreign keys,
/// explicit indexes (with their columns, uniqueness and whether partial) and the statements each
/// table's triggers refuse.
#[derive(Debug, Default, PartialEq)]
struct ReadSchema {
    columns: Vec<String>,
    primary_keys: BTreeSet<String>,
    uniques: BTreeSet<String>,
    foreign_keys: BTreeSet<String>,
    indexes: BTreeSet<String>,
    triggers: BTreeSet<String>,
}

/// The class both engines agree on for a declared or reported column type.
fn type_class(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t == "text" {
        "text"
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t == "numeric" {
        "real"
    } else if t.contains("bool") {
        "boolean"
    } else if t == "blob" || t == "bytea" {
        "blob"
    } else {
        return t;
    }
    .to_string()
}

async fn read_sqlite_schema(url: &str) -> ReadSchema {
    use sqlx::Row;
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let mut schema = ReadSchema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE '!_sqlx%' ESCAPE '!' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut pk_of = HashMap::new();
    for table in &tables {
        let rows = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut pk = Vec::new();
        for row in rows {
            let (name, declared): (String, String) = (row.get(0), row.get(1));
            let (not_null, pk_pos): (i64, i64) = (row.get(2), row.get(3));
            // SQLite lets a non-integer primary key hold NULL; the store never writes one, and
            // PostgreSQL reports every key column NOT NULL.
            let nullable = if not_null == 1 || pk_pos > 0 {
                "not null"
            } else {
                "null"
            };
            schema.columns.push(format!(
                "{table}.{name} {} {nullable}",
                type_class(&declared)
            ));
            if pk_pos > 0 {
                pk.push((pk_pos, name));
            }
        }
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, n)| n).collect();
        pk_of.insert(table.clone(), pk.join(","));
        if !pk.is_empty() {
            schema
                .primary_keys
                .insert(format!("{table}({})", pk.join(",")));
        }
    }
    for table in &tables {
        let indexes =
            sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
                .bind(table)
                .fetch_all(&pool)
                .await
                .unwrap();
        for index in indexes {
            let (name, unique, origin, partial): (String, i64, String, i64) =
                (index.get(0), index.get(1), index.get(2), index.get(3));
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    schema
                        .uniques
                        .insert(format!("{table}({})", columns.join(",")));
                }
                _ => {
                    schema.indexes.insert(format!(
                        "{name} ON {table}({}){}{}",
                        columns.join(","),
                        if unique == 1 { " unique" } else { "" },
                        if partial == 1 { " partial" } else { "" }
                    ));
                }
            }
        }
        let keys = sqlx::query(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        for key in keys {
            let (id, target, from, to): (i64, String, String, Option<String>) =
                (key.get(0), key.get(1), key.get(2), key.get(3));
            let entry = by_id.entry(id).or_insert((target.clone(), vec![], vec![]));
            entry.1.push(from);
            // `REFERENCES t` without a column names t's primary key.
            entry
                .2
                .push(to.unwrap_or_else(|| pk_of.get(&target).cloned().unwrap_or_default()));
        }
        for (_, (target, from, to)) in by_id {
            schema.foreign_keys.insert(format!(
                "{table}({}) -> {target}({})",
                from.join(","),
                to.join(",")
            ));
        }
    }
    let triggers = sqlx::query("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(&pool)
        .await
        .unwrap();
    for trigger in triggers {
        let (table, sql): (String, String) = (trigger.get(0), trigger.get(1));
        let sql = sql.to_ascii_uppercase();
        for event in ["INSERT", "UPDATE", "DELETE"] {
            if sql.contains(&format!(" {event} ON ")) || sql.contains(&format!(" {event} OR ")) {
                schema.triggers.insert(format!("{table} {event}"));
            }
        }
    }
    pool.close().await;
    schema
}

async fn read_postgres_schema(url: &str) -> ReadSchema {
    use sqlx::Row;
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut schema = ReadSchema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_type = 'BASE TABLE' AND table_name NOT LIKE '!_sqlx%' ESCAPE '!' ORDER BY table_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in &tables {
        let rows = sqlx::query(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for row in rows {
            let (name, declared, nullable): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            let nullable = if nullable == "NO" { "not null" } else { "null" };
            schema.columns.push(format!(
                "{table}.{name} {} {nullable}",
                type_class(&declared)
            ));
        }
        let indexes = sqlx::query(
            "SELECT ic.relname::text, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u')), \
                    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) AS k ORDER BY k) \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             WHERE i.indrelid = $1::regclass",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for index in indexes {
            let (name, unique, primary, partial, backs_constraint, columns): (
                String,
                bool,
                bool,
                bool,
                bool,
                Vec<String>,
            ) = (
                index.get(0),
                index.get(1),
                index.get(2),
                index.get(3),
                index.get(4),
                index.get(5),
            );
            if primary {
                schema
                    .primary_keys
                    .insert(format!("{table}({})", columns.join(",")));
            } else if backs_constraint {
                schema
                    .uniques
                    .insert(format!("{table}({})", columns.join(",")));
            } else {
                schema.indexes.insert(format!(
                    "{name} ON {table}({}){}{}",
                    columns.join(","),
                    if unique { " unique" } else { "" },
                    if partial { " partial" } else { "" }
                ));
            }
        }
        let keys = sqlx::query(
            "SELECT c.confrelid::regclass::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), \
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) \
             FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1::regclass",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for key in keys {
            let (target, from, to): (String, Vec<String>, Vec<String>) =
                (key.get(0), key.get(1), key.get(2));
            schema.foreign_keys.insert(format!(
                "{table}({}) -> {target}({})",
                from.join(","),
                to.join(",")
            ));
        }
    }
    // TRUNCATE has no SQLite counterpart, so only row statements are compared.
    let triggers = sqlx::query(
        "SELECT event_object_table::text, event_manipulation::text FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for trigger in triggers {
        let (table, event): (String, String) = (trigger.get(0), trigger.get(1));
        schema.triggers.insert(format!("{table} {event}"));
    }
    pool.close().await;
    schema
}

/// Both engines migrated from scratch hold the same schema, read back from their catalogues:
/// the same tables and columns in the same order with the same type classes and nullability,
/// the same keys, unique constraints, foreign keys, indexes and guarded statements.
async fn migrated_schemas_agree(sqlite: &TestDb, postgres: &TestDb) {
    let a = read_sqlite_schema(&sqlite.url).await;
    let b = read_postgres_schema(&postgres.url).await;
    assert!(a.columns.len() > 100, "{} columns read", a.columns.len());
    assert!(a.triggers.contains("audit_log UPDATE") && a.triggers.contains("audit_log DELETE"));
    let lines = |v: &[String]| v.join("\n");
    assert_eq!(lines(&a.columns), lines(&b.columns), "columns differ");
    assert_eq!(a.primary_keys, b.primary_keys, "primary keys differ");
    assert_eq!(a.uniques, b.uniques, "unique constraints differ");
    assert_eq!(a.foreign_keys, b.foreign_keys, "foreign keys differ");
    assert_eq!(a.indexes, b.indexes, "indexes differ");
    assert_eq!(a.triggers, b.triggers, "triggers differ");
}

#[tokio::test]
async fn jobs_on_both_engines() {
    on_both_engines!(jobs_are_kept_claimed_and_recovered);
}

#[tokio::test]
async fn migrated_schemas_agree_on_both_engines() {
    let sqlite = sqlite_db().await;
    if let Some(postgres) = postgres_db().await {
        migrated_schemas_agree(&sqlite, &postgres).await;
        postgres.drop_database().await;
    }
    sqlite.drop_database().await;
}
