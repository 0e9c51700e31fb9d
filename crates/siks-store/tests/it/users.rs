//! Accounts and scopes, sessions and sign-in.

use crate::support::*;

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

    // Another admin only below: not a peer of the same scope, not a wider one. The peer is made
    // from above, and the regency's admin cannot deactivate it; an admin of a district it can.
    let peer = store
        .create_user(&tuban_admin, new("admin.tuban2", Role::Admin, "35.23"))
        .await;
    assert!(matches!(peer, Err(StoreError::Invalid { .. })), "{peer:?}");
    let wider = store
        .create_user(&tuban_admin, new("admin.jatim", Role::Admin, "35"))
        .await;
    assert!(
        matches!(wider, Err(StoreError::Invalid { .. })),
        "{wider:?}"
    );
    let peer = store
        .create_user(&c.admin, new("admin.tuban2", Role::Admin, "35.23"))
        .await
        .unwrap();
    let refused = store.set_user_active(&tuban_admin, peer.id, false).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid { .. })),
        "{refused:?}"
    );
    assert!(
        store
            .user_by_username("admin.tuban2")
            .await
            .unwrap()
            .unwrap()
            .active,
        "a refused deactivation changes nothing"
    );
    let below = store
        .create_user(&tuban_admin, new("admin.kec", Role::Admin, "35.23.01"))
        .await
        .unwrap();
    store
        .set_user_active(&tuban_admin, below.id, false)
        .await
        .unwrap();
    store
        .create_user(
            &tuban_admin,
            new("dinsos.tuban2", Role::RegencyOperator, "35.23"),
        )
        .await
        .unwrap();
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

    // Wrong passwords are counted and audited; the store locks nothing any more (a guesser is
    // made to wait by the service's throttle, whatever the name: ADR 0018), so the account
    // stays open to its rightful user.
    for _ in 0..6 {
        store.record_login_failure(&user, "10.0.0.1").await.unwrap();
    }
    assert!(matches!(
        store.login_gate("op.a").await.unwrap(),
        LoginGate::Open(_)
    ));
    let failed = store
        .audit_entries(&c.admin, None, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "login.failed" && e.target_id == user.id.to_string())
        .count();
    assert_eq!(failed, 6, "every wrong password is audited");
    // A name no account has, and a try held back, are audited too, under the name typed.
    store
        .record_unknown_login(" nobody\u{7} ", "10.0.0.3")
        .await
        .unwrap();
    store
        .record_throttled_login("op.a", "10.0.0.3")
        .await
        .unwrap();
    let entries = store.audit_entries(&c.admin, None, 5).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "login.failed"
        && e.target_kind == "username"
        && e.target_id == "nobody"));
    assert!(
        entries
            .iter()
            .any(|e| e.action == "login.throttled" && e.target_id == "op.a")
    );
    // An admin resets a password; a regency operator may not.
    store.reset_password(&c.admin, user.id, hash).await.unwrap();
    assert!(matches!(
        store.reset_password(&c.regency, user.id, hash).await,
        Err(StoreError::Forbidden(_))
    ));

    let LoginGate::Open(other) = ({
        store.change_own_password(&c.village_b, hash).await.unwrap();
        store.login_gate("op.b").await.unwrap()
    }) else {
        panic!("op.b open");
    };

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
        "login.throttled",
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

#[tokio::test]
async fn users_and_scopes_on_both_engines() {
    on_both_engines!(users_and_scopes);
}

#[tokio::test]
async fn sessions_and_sign_in_on_both_engines() {
    on_both_engines!(sessions_and_sign_in);
}

/// The second factor and API tokens in the store (ADR 0022): the TOTP secret sealed while it
/// waits and once enrolled, recovery codes kept as hashes, each code taken once, a session half
/// open until its code; a key rotation re-seals the secret and it still opens; a token kept as
/// its hash only, acting within its scope, refused once revoked or expired.
async fn second_factor_and_tokens(db: &TestDb) {
    use siks_store::second_factor::FactorCheck;
    use siks_store::tokens::{NewToken, TokenAccess, TokenRefusal};
    let keys_dir = tempfile::tempdir().unwrap();
    let (store, _) = db
        .store
        .clone()
        .use_field_keys(&keys_dir.path().join("siks.field-keys"))
        .await
        .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
        .unwrap()
        .to_utc();
    let clock = siks_domain::clock::ManualClock::starting_at(start);
    let store = store.with_clock(Arc::new(clock.clone()));
    let c = cast(&store).await;
    let user = store
        .user_by_username("dinsos.tuban")
        .await
        .unwrap()
        .unwrap();
    let sealed = |column: &str| {
        format!(
            "SELECT COUNT(*) FROM users WHERE {column} LIKE 'f1%' AND username = 'dinsos.tuban'"
        )
    };

    let secret = store.begin_enrolment(&user).await.unwrap();
    assert_eq!(
        store.begin_enrolment(&user).await.unwrap(),
        secret,
        "the waiting secret again"
    );
    assert_eq!(
        raw_count(db, &sealed("totp_pending"), &sealed("totp_pending")).await,
        1
    );
    let session = store.start_session(&user, "10.0.0.7").await.unwrap();
    let policy = siks_store::SessionPolicy::default();
    assert_eq!(store.session(&session.token, &policy).await.unwrap(), None);
    let half = store
        .any_session(&session.token, &policy)
        .await
        .unwrap()
        .unwrap();
    assert!(half.factor.required && !half.factor.enrolled && half.factor.given_at.is_none());

    let now = || siks_domain::clock::Clock::now(&clock).timestamp();
    assert_eq!(
        store
            .confirm_enrolment(&user, &session.token, "000000", "10.0.0.7")
            .await
            .unwrap()
            .filter(|_| secret.code_at(now()) != "000000"),
        None
    );
    let enrolled = store
        .confirm_enrolment(&user, &session.token, &secret.code_at(now()), "10.0.0.7")
        .await
        .unwrap()
        .expect("the right code");
    assert_eq!(enrolled.recovery_codes.len(), 10);
    assert_eq!(
        raw_count(db, &sealed("totp_secret"), &sealed("totp_secret")).await,
        1
    );
    let kept = "SELECT COUNT(*) FROM recovery_codes";
    assert_eq!(raw_count(db, kept, kept).await, 10);
    let plain = format!(
        "SELECT COUNT(*) FROM recovery_codes WHERE code_hash = '{}'",
        enrolled.recovery_codes[0]
    );
    assert_eq!(raw_count(db, &plain, &plain).await, 0, "hashes only");
    let open = store
        .session(&session.token, &policy)
        .await
        .unwrap()
        .unwrap();
    assert!(open.factor.enrolled && open.factor.given_at.is_some());

    let user = store
        .user_by_username("dinsos.tuban")
        .await
        .unwrap()
        .unwrap();
    assert!(user.second_factor);
    let second = store.start_session(&user, "10.0.0.7").await.unwrap();
    let check = |typed: String| {
        let store = store.clone();
        let user = user.clone();
        let token = second.token.clone();
        async move {
            store
                .check_second_factor(&user, &token, &typed, "sign_in", "10.0.0.7")
                .await
                .unwrap()
        }
    };
    assert_eq!(
        check(secret.code_at(now())).await,
        FactorCheck::Refused,
        "a code once"
    );
    assert_eq!(
        check(secret.code_at(now() + 30)).await,
        FactorCheck::Accepted {
            recovery_left: None
        }
    );

    // A rotation re-seals the secret; a later code still opens it.
    store
        .rotate_field_keys(std::time::Duration::ZERO, &|_, _| {})
        .await
        .unwrap();
    let status = store.sealing_status().await.unwrap();
    assert_eq!(status.old_keys, 0, "{status:?}");
    clock.advance(chrono::Duration::seconds(90));
    assert_eq!(
        check(secret.code_at(now())).await,
        FactorCheck::Accepted {
            recovery_left: None
        }
    );
    assert_eq!(
        check(enrolled.recovery_codes[3].clone()).await,
        FactorCheck::Accepted {
            recovery_left: Some(9)
        }
    );
    assert_eq!(
        check(enrolled.recovery_codes[3].clone()).await,
        FactorCheck::Refused
    );

    // A token: its hash only, its scope, refused once revoked or expired.
    let (token, secret) = store
        .create_api_token(
            &c.regency,
            NewToken {
                name: "sinkron".into(),
                scope: Scope::parse(VILLAGE_A).unwrap(),
                access: TokenAccess::Read,
                days: 2,
            },
        )
        .await
        .unwrap();
    let stored = format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{secret}'");
    assert_eq!(
        raw_count(db, &stored, &stored).await,
        0,
        "never the token itself"
    );
    let (actor, _) = store
        .token_actor(&secret, "GET /api/v1/households", "10.0.0.8")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(actor.username, "dinsos.tuban");
    assert_eq!(actor.scope, Scope::parse(VILLAGE_A).unwrap());
    let wider = store
        .create_api_token(
            &c.regency,
            NewToken {
                name: "lebar".into(),
                scope: Scope::Nation,
                access: TokenAccess::Read,
                days: 2,
            },
        )
        .await;
    assert!(matches!(wider, Err(StoreError::Invalid { .. })));
    clock.advance(chrono::Duration::days(3));
    assert_eq!(
        store
            .token_actor(&secret, "GET /api/v1/stats", "10.0.0.8")
            .await
            .unwrap()
            .unwrap_err(),
        TokenRefusal::Expired
    );
    store.revoke_api_token(&c.regency, &token.id).await.unwrap();
    assert_eq!(
        store
            .token_actor(&secret, "GET /api/v1/stats", "10.0.0.8")
            .await
            .unwrap()
            .unwrap_err(),
        TokenRefusal::Revoked
    );
    assert!(
        store
            .revoke_api_token(&c.village_a, &token.id)
            .await
            .is_err(),
        "another's token is not found"
    );
}

#[tokio::test]
async fn second_factor_and_tokens_on_both_engines() {
    on_both_engines!(second_factor_and_tokens);
}
