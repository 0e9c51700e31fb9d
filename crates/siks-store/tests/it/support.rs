//! What every story shares: fixtures (builders), the two engines and their test databases,
//! the cast of actors, and small raw-SQL helpers.
pub(crate) use chrono::NaiveDate;
pub(crate) use siks_domain::checks::FindingStatus;
pub(crate) use siks_domain::codes::*;
pub(crate) use siks_domain::interchange::{HOUSEHOLDS_FILE, PERSONS_FILE};
pub(crate) use siks_domain::record::{Address, Assets, Housing};
pub(crate) use siks_domain::{
    Actor, ChangeKind, Household, HouseholdId, Nik, NoKk, Person, PersonId, Recorded, RegionCode,
    Regions, RegistryStatus, Role, Scope,
};
pub(crate) use siks_store::bench::RawRows;
pub(crate) use siks_store::import::{ImportError, ImportFile};
pub(crate) use siks_store::{Engine, HouseholdFilter, NewUser, OpenMode, Store, StoreError};
pub(crate) use std::collections::{BTreeMap, BTreeSet, HashMap};
pub(crate) use std::sync::Arc;

pub(crate) const VILLAGE_A: &str = "35.23.01.2001";

pub(crate) const VILLAGE_B: &str = "35.23.01.2002";

/// A village of the neighbouring regency (Lamongan).
pub(crate) const VILLAGE_ELSEWHERE: &str = "35.24.01.2001";

/// A signed scan the store accepts: what makes a file a PDF is its first bytes.
pub(crate) const SCAN: &[u8] = b"%PDF-1.4 berita acara yang ditandatangani";

/// The details of a village paper held or signed today.
pub(crate) fn paper(
    kind: siks_domain::workflow::Backing,
    village: &str,
) -> siks_domain::documents::BackingDocument {
    siks_domain::documents::BackingDocument {
        kind,
        village: RegionCode::parse(village).unwrap(),
        held_on: siks_domain::clock::Clock::now(&siks_domain::clock::SystemClock).date_naive(),
        place: "Balai Desa".into(),
        attendees: 37,
        chair: "Sutrisno".into(),
        chair_title: "Kepala Desa".into(),
    }
}

pub(crate) struct HouseholdBuilder {
    pub(crate) village: RegionCode,
    pub(crate) members: usize,
    pub(crate) first_serial: u32,
}

pub(crate) fn fake_household(village: &str) -> HouseholdBuilder {
    HouseholdBuilder {
        village: RegionCode::parse(village).unwrap(),
        members: 1,
        first_serial: 1,
    }
}

impl HouseholdBuilder {
    pub(crate) fn members(mut self, n: usize) -> Self {
        self.members = n;
        self
    }

    /// NIK serials start here, so that tests can make households with distinct NIKs.
    pub(crate) fn serials_from(mut self, serial: u32) -> Self {
        self.first_serial = serial;
        self
    }

    /// A household as a village proposes it: the fields only the system sets left blank
    /// (status "proposed", no programmes, never verified).
    pub(crate) fn build_proposed(self) -> (Household, Vec<Person>) {
        let (mut household, mut members) = self.build();
        household.status = RegistryStatus::Proposed;
        household.programmes.clear();
        household.last_verified = None;
        for m in &mut members {
            m.status = RegistryStatus::Proposed;
        }
        (household, members)
    }

    pub(crate) fn build(self) -> (Household, Vec<Person>) {
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

pub(crate) struct TestDb {
    pub(crate) store: Store,
    pub(crate) url: String,
    pub(crate) cleanup: Option<(String, String)>,
    pub(crate) _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub(crate) async fn drop_database(mut self) {
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

pub(crate) async fn admin_exec(store: &Store, sql: &str) {
    let pool = raw_pg(store).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

pub(crate) async fn raw_pg(_store: &Store) -> sqlx::PgPool {
    sqlx::PgPool::connect(&postgres_admin_url().unwrap())
        .await
        .unwrap()
}

pub(crate) fn postgres_admin_url() -> Option<String> {
    std::env::var("SIKS_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Replaces the database name at the end of a URL.
pub(crate) fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').unwrap();
    format!("{}/{name}{query}", &base[..cut])
}

pub(crate) async fn prepared(url: &str) -> Store {
    let store = Store::open(url, OpenMode::CreateIfMissing).await.unwrap();
    store.migrate().await.unwrap();
    store.load_regions(Regions::embedded()).await.unwrap();
    store
}

pub(crate) async fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    TestDb {
        store: prepared(&url).await,
        url,
        cleanup: None,
        _dir: Some(dir),
    }
}

pub(crate) async fn postgres_db() -> Option<TestDb> {
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

pub(crate) struct Cast {
    pub(crate) admin: Actor,
    pub(crate) village_a: Actor,
    pub(crate) village_b: Actor,
    pub(crate) regency: Actor,
    pub(crate) auditor: Actor,
}

pub(crate) async fn cast(store: &Store) -> Cast {
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

/// Takes village A's proposals from draft to accepted as an admin (who acts at every stage),
/// with an SPTJM and its scan.
pub(crate) async fn accept_as_admin(store: &Store, admin: &Actor, ids: &[uuid::Uuid]) {
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
pub(crate) async fn raw_exec(db: &TestDb, sqlite: &str, postgres: &str) {
    raw_try(db, sqlite, postgres).await.unwrap();
}

/// Engine-specific SQL on the story's own database, its refusal returned (a trigger's).
pub(crate) async fn raw_try(db: &TestDb, sqlite: &str, postgres: &str) -> Result<(), sqlx::Error> {
    match db.store.engine() {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sqlite.to_string()))
                .execute(&pool)
                .await;
            pool.close().await;
            done.map(drop)
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            let done = sqlx::raw_sql(sqlx::AssertSqlSafe(postgres.to_string()))
                .execute(&pool)
                .await;
            pool.close().await;
            done.map(drop)
        }
    }
}

/// One number from engine-specific SQL on the story's own database (to look at the schema).
pub(crate) async fn raw_count(db: &TestDb, sqlite: &str, postgres: &str) -> i64 {
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

/// The check run is a use case of the service (it reads a snapshot from the store, runs the
/// checks and the linkage, and writes its findings back through the store): the stories that
/// need findings run it there, over the story's store.
pub(crate) fn checker(store: &Store) -> siks_service::Service {
    siks_service::Service::new(store.clone())
}
