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

/// Breach scoping (issue 19, checklist item 23): a planted credential's views, export and
/// writes between two moments, by account and by address, counted by region with the kinds of
/// data and the channels, and the notice with the law's three contents.
async fn breach_scope(db: &TestDb) {
    use siks_domain::breach::{Channel, DataKind};
    use siks_store::audit::BreachActor;
    use siks_store::export::ExportList;
    let store = &db.store;
    let c = cast(store).await;
    let (h1, m1) = fake_household(VILLAGE_A)
        .members(3)
        .serials_from(900)
        .build();
    let (h2, m2) = fake_household(VILLAGE_A)
        .members(2)
        .serials_from(910)
        .build();
    for (h, m) in [(&h1, &m1), (&h2, &m2)] {
        store
            .create_household(&c.village_a, h, m, "baru")
            .await
            .unwrap();
    }
    use siks_domain::clock::Stamp;
    let from =
        Stamp::parse(&store.audit_entries(&c.auditor, None, 1).await.unwrap()[0].at).unwrap();
    // The stolen credential, used from an address of its own.
    let thief = c.village_a.clone().from_origin("203.0.113.9");
    store.household(&thief, h1.id).await.unwrap();
    store.household(&thief, h1.id).await.unwrap();
    store.person(&thief, m2[0].id).await.unwrap();
    let exported = store
        .export(
            &thief,
            ExportList::Persons,
            None,
            siks_domain::disclosure::ExportNumbers::Full(
                siks_domain::disclosure::RevealPurpose::Correction,
            ),
            |_| Ok::<(), std::convert::Infallible>(()),
        )
        .await
        .unwrap();
    assert_eq!(exported, 5);
    // Someone else, elsewhere, in the same time.
    let other = c.regency.clone().from_origin("10.0.0.1");
    store.household(&other, h2.id).await.unwrap();
    let to = &Stamp::parse("2999-01-01T00:00:00Z").unwrap();

    assert!(matches!(
        store
            .breach_scope(&c.village_a, BreachActor::Account("op.a"), &from, to)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let scope = store
        .breach_scope(&c.auditor, BreachActor::Account("op.a"), &from, to)
        .await
        .unwrap();
    assert_eq!(scope.exposing, 4, "{scope:?}");
    assert_eq!(
        scope.totals(),
        (1, 1, 5),
        "one person, one household, five rows"
    );
    assert_eq!(scope.channels[&Channel::Export], 1);
    assert_eq!(scope.channels[&Channel::PageOrApi], 3);
    assert!(!scope.channels.contains_key(&Channel::Upload));
    assert!(
        [
            DataKind::Identity,
            DataKind::MothersName,
            DataKind::Health,
            DataKind::Housing
        ]
        .iter()
        .all(|k| scope.kinds.contains(k)),
        "{:?}",
        scope.kinds
    );
    assert!(scope.origins.contains("203.0.113.9"));
    assert!(!scope.origins.contains("10.0.0.1"));
    assert_eq!(scope.regions[VILLAGE_A].households.len(), 1);
    // By address: the same four, not the regency's view.
    let by_address = store
        .breach_scope(&c.auditor, BreachActor::Origin("203.0.113.9"), &from, to)
        .await
        .unwrap();
    assert_eq!((by_address.exposing, by_address.totals()), (4, (1, 1, 5)));
    // Before the credential was used: nothing.
    let before = store
        .breach_scope(
            &c.auditor,
            BreachActor::Account("op.a"),
            &Stamp::parse("2000-01-01T00:00:00Z").unwrap(),
            &from,
        )
        .await
        .unwrap();
    assert_eq!(before.exposing, 0);
    // An auditor of another regency sees none of it.
    let elsewhere = store
        .create_user(
            &c.admin,
            NewUser {
                username: "auditor.bojonegoro".into(),
                display_name: "A".into(),
                role: Role::Auditor,
                scope: Scope::parse("35.22").unwrap(),
                password_hash: None,
            },
        )
        .await
        .unwrap()
        .actor();
    let hidden = store
        .breach_scope(&elsewhere, BreachActor::Account("op.a"), &from, to)
        .await
        .unwrap();
    assert_eq!(hidden.exposing, 0);
    let notice = scope.notice("akun op.a", &from.text(), &to.text(), &|code| {
        code.to_string()
    });
    for part in [
        "a. Data pribadi yang terungkap",
        "b. Kapan dan bagaimana data pribadi terungkap",
        "c. Upaya penanganan dan pemulihan",
        "nama ibu kandung",
        "203.0.113.9",
    ] {
        assert!(notice.contains(part), "{part}: {notice}");
    }
}

#[tokio::test]
async fn breach_scope_on_both_engines() {
    on_both_engines!(breach_scope);
}

/// Runs `statements` on the database as someone who can write it directly (the triggers that
/// keep the log append-only dropped first): what the anchor and the key are for.
async fn as_database_writer(db: &TestDb, statements: &[String]) {
    match db.store.engine() {
        Engine::Sqlite => {
            let raw = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::raw_sql("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete")
                .execute(&raw)
                .await
                .unwrap();
            for s in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(s.clone()))
                    .execute(&raw)
                    .await
                    .unwrap();
            }
            raw.close().await;
        }
        Engine::Postgres => {
            let raw = sqlx::PgPool::connect(&db.url).await.unwrap();
            // Schema 27 moved the refusal of a delete into a trigger of its own.
            sqlx::raw_sql(
                "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log; \
                 DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
            )
            .execute(&raw)
            .await
            .unwrap();
            for s in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(s.clone()))
                    .execute(&raw)
                    .await
                    .unwrap();
            }
            raw.close().await;
        }
    }
}

/// A keyed chain and its anchor (issue 18): a removed tail, which the chain alone cannot show,
/// shows against an anchor; a chain recomputed by a database writer does not hold under the
/// key; an altered anchor is called forged; a search leaves its kind and a keyed hash of the
/// term, never the term.
async fn audit_anchor(db: &TestDb) {
    use siks_store::audit::AnchorCheck;
    use siks_store::audit_key::AuditKey;
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("siks.audit-key");
    let (store, made) = db.store.clone().use_audit_key(&key_path).await.unwrap();
    assert!(made);
    let keyed_after = store.audit_key().unwrap().keyed_after();
    let c = cast(&store).await;
    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let nik = members[0].nik.raw();
    let search = HouseholdFilter {
        search: siks_domain::search::SearchQuery::parse(&nik),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_households(&c.village_a, &search)
            .await
            .unwrap()
            .len(),
        1
    );
    let searched = store.audit_entries(&c.auditor, None, 1).await.unwrap();
    assert_eq!(searched[0].action, "household.list");
    let term = store.audit_key().unwrap().term_hash("id_number", &nik);
    assert_eq!(
        searched[0].detail,
        format!("rows=1 search=id_number term={term}")
    );
    assert!(!searched[0].detail.contains(&nik));

    for _ in 0..12 {
        store.household(&c.village_a, household.id).await.unwrap();
    }
    let anchor = store.audit_anchor(&c.auditor).await.unwrap();
    assert!(anchor.entries > keyed_after + 12, "{anchor:?}");
    assert!(store.audit_anchor(&c.village_a).await.is_err());
    let anchor = siks_store::audit::AuditAnchor::parse(&anchor.to_text()).unwrap();
    assert_eq!(
        store.check_audit_anchor(&c.auditor, &anchor).await.unwrap(),
        AnchorCheck::Holds
    );
    // Entries after the anchor change nothing; the same key read back from its file agrees.
    store.household(&c.village_a, household.id).await.unwrap();
    let (reopened, made) = db.store.clone().use_audit_key(&key_path).await.unwrap();
    assert!(!made);
    assert_eq!(
        reopened
            .check_audit_anchor(&c.auditor, &anchor)
            .await
            .unwrap(),
        AnchorCheck::Holds
    );
    assert_eq!(
        reopened
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
    // Another key: neither the anchor nor the keyed links hold.
    let stranger = db.store.clone().with_audit_key(AuditKey::ephemeral());
    assert_eq!(
        stranger
            .check_audit_anchor(&c.auditor, &anchor)
            .await
            .unwrap(),
        AnchorCheck::Forged
    );
    assert_eq!(
        stranger
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(keyed_after + 1)
    );
    let mut altered = anchor.clone();
    altered.entries -= 3;
    assert_eq!(
        store
            .check_audit_anchor(&c.auditor, &altered)
            .await
            .unwrap(),
        AnchorCheck::Forged
    );

    // A database writer removes the last ten entries and moves the head back to what is left:
    // the chain alone still reads whole; the anchor does not.
    let total = store.verify_audit_chain(&c.auditor).await.unwrap().entries as i64;
    let keep = anchor.entries - 10;
    let kept_hash: String = store
        .audit_entries(&c.auditor, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.seq == keep)
        .unwrap()
        .hash;
    as_database_writer(
        db,
        &[
            format!("DELETE FROM audit_log WHERE seq > {keep}"),
            format!("UPDATE audit_head SET seq = {keep}, hash = '{kept_hash}' WHERE id = 1"),
        ],
    )
    .await;
    assert!(total > keep);
    let chain = store.verify_audit_chain(&c.auditor).await.unwrap();
    assert_eq!((chain.entries as i64, chain.broken_at), (keep, None));
    assert_eq!(
        store.check_audit_anchor(&c.auditor, &anchor).await.unwrap(),
        AnchorCheck::Truncated {
            anchored: anchor.entries,
            present: keep
        }
    );

    // The writer edits an entry and recomputes every link after it the only way it can, as
    // plain SHA-256: under the key the first link it recomputed breaks.
    let edited = keep - 2;
    assert!(edited > keyed_after);
    let entries = store.audit_entries(&c.auditor, None, 1000).await.unwrap();
    let mut chain: Vec<_> = entries.into_iter().filter(|e| e.seq >= edited).collect();
    chain.sort_by_key(|e| e.seq);
    let mut prev = chain[0].prev_hash.clone();
    let mut rewrite = Vec::new();
    for mut e in chain {
        if e.seq == edited {
            e.detail = "rows=0".into();
        }
        e.hash = e.expected_hash(&prev, None);
        rewrite.push(format!(
            "UPDATE audit_log SET detail = '{}', prev_hash = '{prev}', hash = '{}' WHERE seq = {}",
            e.detail, e.hash, e.seq
        ));
        prev = e.hash.clone();
    }
    rewrite.push(format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ));
    as_database_writer(db, &rewrite).await;
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(edited)
    );
}

#[tokio::test]
async fn audit_anchor_on_both_engines() {
    on_both_engines!(audit_anchor);
}

/// Every kind of tampering with a keyed log (SECURITY.md item 21), each undone before the next:
/// a middle entry deleted, two entries swapped, a forged entry appended, the whole log emptied.
/// The guard triggers refuse the app's own DELETE and TRUNCATE; past them, the chain or the
/// anchor shows each.
async fn audit_tampering(db: &TestDb) {
    use siks_store::audit::AnchorCheck;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = db
        .store
        .clone()
        .use_audit_key(&dir.path().join("key"))
        .await
        .unwrap();
    let c = cast(&store).await;
    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    for member in &members {
        store.person(&c.village_a, member.id).await.unwrap();
    }
    store.household(&c.village_a, household.id).await.unwrap();
    let anchor = store.audit_anchor(&c.auditor).await.unwrap();
    let mut entries = store.audit_entries(&c.auditor, None, 1000).await.unwrap();
    entries.sort_by_key(|e| e.seq);
    let last = entries.last().unwrap().clone();
    let middle = entries[entries.len() - 3].clone();
    let next = entries[entries.len() - 2].clone();
    assert!(middle.seq > store.audit_key().unwrap().keyed_after());
    let quote = |t: &str| t.replace('\'', "''");
    let insert = |e: &siks_store::AuditEntry| {
        format!(
            "INSERT INTO audit_log (seq, at, actor_id, actor_username, actor_role, action, \
             target_kind, target_id, region_code, detail, prev_hash, hash, origin) VALUES \
             ({}, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')",
            e.seq,
            quote(&e.at),
            quote(&e.actor_id),
            quote(&e.actor_username),
            quote(&e.actor_role),
            quote(&e.action),
            quote(&e.target_kind),
            quote(&e.target_id),
            quote(&e.region_code),
            quote(&e.detail),
            quote(&e.prev_hash),
            quote(&e.hash),
            quote(&e.origin)
        )
    };
    let whole = || async {
        assert_eq!(
            store
                .verify_audit_chain(&c.auditor)
                .await
                .unwrap()
                .broken_at,
            None
        );
        assert_eq!(
            store.check_audit_anchor(&c.auditor, &anchor).await.unwrap(),
            AnchorCheck::Holds
        );
    };
    whole().await;

    // The app's own statements meet the guards.
    let guarded = match store.engine() {
        Engine::Sqlite => {
            let raw = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let refused = sqlx::raw_sql("DELETE FROM audit_log")
                .execute(&raw)
                .await
                .is_err();
            raw.close().await;
            vec![refused]
        }
        Engine::Postgres => {
            let raw = sqlx::PgPool::connect(&db.url).await.unwrap();
            let delete = sqlx::raw_sql("DELETE FROM audit_log")
                .execute(&raw)
                .await
                .is_err();
            let truncate = sqlx::raw_sql("TRUNCATE audit_log")
                .execute(&raw)
                .await
                .is_err();
            raw.close().await;
            vec![delete, truncate]
        }
    };
    assert!(guarded.iter().all(|refused| *refused), "{guarded:?}");

    // A middle entry deleted: the chain breaks where the gap is.
    as_database_writer(
        db,
        &[format!("DELETE FROM audit_log WHERE seq = {}", middle.seq)],
    )
    .await;
    let broken = store
        .verify_audit_chain(&c.auditor)
        .await
        .unwrap()
        .broken_at;
    assert_eq!(broken, Some(next.seq), "a gap");
    as_database_writer(db, &[insert(&middle)]).await;
    whole().await;

    // Two entries swapped (their contents, each keeping its place): the first breaks.
    let swapped = |a: &siks_store::AuditEntry, b: &siks_store::AuditEntry| {
        let mut moved = b.clone();
        moved.seq = a.seq;
        moved
    };
    as_database_writer(
        db,
        &[
            format!(
                "DELETE FROM audit_log WHERE seq IN ({}, {})",
                middle.seq, next.seq
            ),
            insert(&swapped(&middle, &next)),
            insert(&swapped(&next, &middle)),
        ],
    )
    .await;
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(middle.seq),
        "a swap"
    );
    as_database_writer(
        db,
        &[
            format!(
                "DELETE FROM audit_log WHERE seq IN ({}, {})",
                middle.seq, next.seq
            ),
            insert(&middle),
            insert(&next),
        ],
    )
    .await;
    whole().await;

    // A forged entry appended by someone without the key (its hash plain SHA-256), the head
    // moved to it: the chain breaks at it.
    let mut forged = last.clone();
    forged.seq = last.seq + 1;
    forged.action = "household.view".into();
    forged.prev_hash = last.hash.clone();
    forged.hash = forged.expected_hash(&last.hash, None);
    as_database_writer(
        db,
        &[
            insert(&forged),
            format!(
                "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
                forged.seq, forged.hash
            ),
        ],
    )
    .await;
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        Some(forged.seq),
        "an insertion"
    );
    as_database_writer(
        db,
        &[
            format!("DELETE FROM audit_log WHERE seq = {}", forged.seq),
            format!(
                "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
                last.seq, last.hash
            ),
        ],
    )
    .await;
    whole().await;

    // Everything emptied and the head set back to the start: an empty chain is whole, the
    // anchor is not.
    as_database_writer(
        db,
        &[
            "DELETE FROM audit_log".to_string(),
            format!(
                "UPDATE audit_head SET seq = 0, hash = '{}' WHERE id = 1",
                siks_store::audit::GENESIS_HASH
            ),
        ],
    )
    .await;
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
    assert_eq!(
        store.check_audit_anchor(&c.auditor, &anchor).await.unwrap(),
        AnchorCheck::Truncated {
            anchored: anchor.entries,
            present: 0
        }
    );
}

#[tokio::test]
async fn audit_tampering_on_both_engines() {
    on_both_engines!(audit_tampering);
}

/// The server's view journal (SQLite, issue 18 item 9): while a bulk writer holds the one write
/// lock, views and searches are answered at once (their entries on disk in the journal), and
/// are in the audit log, chained, once the lock is free.
#[tokio::test]
async fn views_wait_for_no_bulk_writer() {
    let db = sqlite_db().await;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = db
        .store
        .clone()
        .use_audit_key(&dir.path().join("key"))
        .await
        .unwrap();
    let store = store
        .with_view_journal(&dir.path().join("views"))
        .await
        .unwrap();
    // One server a journal: a second one on the same folder is refused.
    let second = db
        .store
        .clone()
        .with_view_journal(&dir.path().join("views"))
        .await;
    assert!(
        second
            .as_ref()
            .is_err_and(|e| e.to_string().contains("dipakai server lain")),
        "{:?}",
        second.err()
    );
    let c = cast(&store).await;
    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    let raw = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let mut bulk = raw.begin_with("BEGIN IMMEDIATE").await.unwrap();
    sqlx::query("UPDATE households SET street = street")
        .execute(&mut *bulk)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    for _ in 0..20 {
        assert!(
            store
                .household(&c.village_a, household.id)
                .await
                .unwrap()
                .is_some()
        );
    }
    let search = HouseholdFilter {
        search: siks_domain::search::SearchQuery::parse(&members[0].nik.raw()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_households(&c.village_a, &search)
            .await
            .unwrap()
            .len(),
        1
    );
    let waited = started.elapsed();
    // Straight into the log, each would have waited for the lock (ten seconds, then failed).
    assert!(waited < std::time::Duration::from_secs(2), "{waited:?}");
    // A write does wait, the busy timeout, then says the database was busy (the pages answer
    // 503 with Retry-After, not a server error) and wrote nothing.
    let (other, other_members) = fake_household(VILLAGE_A).members(1).build();
    let refused = store
        .create_household(&c.village_a, &other, &other_members, "baru")
        .await
        .unwrap_err();
    assert!(refused.is_busy(), "{refused:?}");
    assert!(!StoreError::NotFound.is_busy());
    bulk.rollback().await.unwrap();
    assert!(
        store
            .household(&c.village_a, other.id)
            .await
            .unwrap()
            .is_none()
    );
    raw.close().await;
    store.fold_views_now().await.unwrap();
    let entries = store.audit_entries(&c.auditor, None, 1000).await.unwrap();
    let viewed = entries
        .iter()
        .filter(|e| e.action == "household.view" && e.actor_username == "op.a")
        .count();
    assert_eq!(viewed, 20);
    assert!(entries.iter().any(|e| e.action == "household.list"));
    assert_eq!(
        store
            .verify_audit_chain(&c.auditor)
            .await
            .unwrap()
            .broken_at,
        None
    );
}

/// A crash between a view's answer and its fold loses nothing and enters nothing twice: the
/// next start folds the files left, and files already folded are only removed.
#[tokio::test]
async fn acknowledged_views_survive_a_crash_once() {
    let db = sqlite_db().await;
    let dir = tempfile::tempdir().unwrap();
    let views = dir.path().join("views");
    let never = std::time::Duration::from_secs(3600);
    let store = db
        .store
        .clone()
        .with_view_journal_folded_every(&views, never)
        .await
        .unwrap();
    let c = cast(&store).await;
    let (household, members) = fake_household(VILLAGE_A).members(2).build();
    store
        .create_household(&c.village_a, &household, &members, "baru")
        .await
        .unwrap();
    for _ in 0..5 {
        store.person(&c.village_a, members[0].id).await.unwrap();
    }
    async fn views_of(store: &Store, auditor: &Actor) -> usize {
        store
            .audit_entries(auditor, None, 1000)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "person.view")
            .count()
    }
    let person_views = |store: Store| {
        let auditor = c.auditor.clone();
        async move { views_of(&store, &auditor).await }
    };
    assert_eq!(person_views(store.clone()).await, 0, "not folded yet");
    // The crash: the server is gone, its journal files stay (copied twice, as a disk keeps them).
    let copy = |to: &std::path::Path| {
        std::fs::create_dir_all(to).unwrap();
        for file in std::fs::read_dir(&views).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
        }
    };
    let left = dir.path().join("left");
    let again = dir.path().join("again");
    copy(&left);
    copy(&again);
    drop(store);
    let restarted = db
        .store
        .clone()
        .with_view_journal_folded_every(&left, never)
        .await
        .unwrap();
    assert_eq!(person_views(restarted.clone()).await, 5);
    assert_eq!(journal_files(&left), 0);
    // The same files once more (a crash after the fold, before they were removed): removed.
    let twice = db
        .store
        .clone()
        .with_view_journal_folded_every(&again, never)
        .await
        .unwrap();
    assert_eq!(person_views(twice).await, 5);
    assert_eq!(journal_files(&again), 0);
}

/// The journal files left in a folder (its lock file aside).
fn journal_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .is_ok_and(|f| f.path().extension().is_some_and(|e| e == "journal"))
        })
        .count()
}
