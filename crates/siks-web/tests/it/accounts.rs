//! Admins manage the accounts below them.

use crate::support::*;

#[tokio::test]
async fn admins_manage_accounts_below_them() {
    let w = world().await;
    let admin = login(&w.app, "admin").await;
    let cookie = format!("siks_sesi={}", admin.cookie);
    let page = send(&w.app, get("/pengguna", Some(&admin))).await;
    assert_eq!(page.status, StatusCode::OK);
    let names = page.select("tr.akun td:first-child");
    assert!(
        names.contains(&"desa.a".to_string()) && !names.contains(&"system".to_string()),
        "{names:?}"
    );
    // A bad scope, a weak password, then a good account.
    let form = |scope: &str, password: &str| {
        format!(
            "csrf={}&nama_pengguna=desa.c&nama=Operator+C&peran=operator_desa&wilayah={}&sandi={}",
            admin.csrf,
            encode(scope),
            encode(password)
        )
    };
    let bad_scope = send(
        &w.app,
        post_form("/pengguna", &cookie, &form("35.23", PASSWORD)),
    )
    .await;
    assert_eq!(bad_scope.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_scope.select("#pesan")[0].contains("wilayah kerja"),
        "{:?}",
        bad_scope.select("#pesan")
    );
    let weak = send(
        &w.app,
        post_form("/pengguna", &cookie, &form("35.23.01.2003", "pendek")),
    )
    .await;
    assert!(weak.select("#pesan")[0].contains("minimal 12"));
    // `password12` was accepted before (ten characters of letters and digits); a common one of
    // twelve is refused too.
    for (password, why) in [
        ("password12", "minimal 12"),
        ("Password1234", "terlalu umum"),
    ] {
        let refused = send(
            &w.app,
            post_form("/pengguna", &cookie, &form("35.23.01.2003", password)),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password}"
        );
        assert!(
            refused.select("#pesan")[0].contains(why),
            "{password}: {:?}",
            refused.select("#pesan")
        );
    }
    let made = send(
        &w.app,
        post_form("/pengguna", &cookie, &form("35.23.01.2003", PASSWORD)),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK);
    assert_eq!(made.select("#berhasil"), vec!["Akun desa.c dibuat."]);
    assert_eq!(
        try_login(&w.app, "desa.c", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Deactivation ends the account's sessions and sign-ins.
    let c_session = login(&w.app, "desa.c").await;
    let id = w
        .service
        .user_by_username("desa.c")
        .await
        .unwrap()
        .unwrap()
        .id;
    let off = send(
        &w.app,
        post_form(
            &format!("/pengguna/{id}/status"),
            &cookie,
            &format!("csrf={}&aktif=0", admin.csrf),
        ),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(
        send(&w.app, get("/", Some(&c_session))).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        try_login(&w.app, "desa.c", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A regency admin does not see accounts outside its regency.
    let admin_actor = w
        .service
        .actor_for_username("admin")
        .await
        .unwrap()
        .unwrap();
    w.service
        .create_user(
            &admin_actor,
            NewUser {
                username: "admin.tuban".into(),
                display_name: "Admin Tuban".into(),
                role: Role::Admin,
                scope: Scope::parse("35.23").unwrap(),
                password_hash: Some(password_hash()),
            },
        )
        .await
        .unwrap();
    let regional = login(&w.app, "admin.tuban").await;
    let seen = send(&w.app, get("/pengguna", Some(&regional)))
        .await
        .select("tr.akun td:first-child");
    assert!(
        seen.contains(&"dinsos".to_string())
            && !seen.contains(&"pusat".to_string())
            && !seen.contains(&"provinsi".to_string()),
        "{seen:?}"
    );
}
