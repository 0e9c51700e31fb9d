//! The audit log: appended with every write and view, chained, verifiable.

use crate::support::*;

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

#[tokio::test]
async fn audit_log_on_both_engines() {
    on_both_engines!(audit_log);
}
