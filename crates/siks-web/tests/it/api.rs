//! The JSON API reading, creating, changing and refusing.

use crate::support::*;

#[tokio::test]
async fn api_reads_creates_and_refuses_bad_input() {
    let w = world().await;
    let a = login(&w.app, "desa.a").await;
    let one = send(
        &w.app,
        get(&format!("/api/v1/households/{}", w.household.id), Some(&a)),
    )
    .await;
    assert_eq!(one.status, StatusCode::OK);
    let body = one.json();
    assert_eq!(body["version"], 1);
    assert_eq!(body["members"].as_array().unwrap().len(), w.members.len());
    assert_eq!(body["household"]["address"]["village"], VILLAGE_A);

    let stats = send(&w.app, get("/api/v1/stats", Some(&a))).await.json();
    assert_eq!(stats["total"]["households"]["total"], 1);
    let regions = send(
        &w.app,
        get("/api/v1/regions?q=tuban&level=regency", Some(&a)),
    )
    .await
    .json();
    assert_eq!(regions[0]["code"], "35.23");
    let bad_level = send(&w.app, get("/api/v1/regions?q=x&level=kota", Some(&a))).await;
    assert_eq!(bad_level.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_level.json()["error"]["fields"]["level"].is_string());

    // A new household: CSRF, unknown fields, invalid NIK, then a good one.
    let mut household = w.household.clone();
    household.id = siks_domain::HouseholdId::new();
    let mut member = w.members[0].clone();
    member.id = siks_domain::PersonId::new();
    member.household_id = household.id;
    member.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850999").unwrap());
    member.sex = siks_domain::codes::Sex::Male;
    member.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let body = |h: &Household, m: &Person| serde_json::json!({ "household": h, "members": [m], "reason": "pendataan baru" });
    let no_csrf = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            false,
            body(&household, &member).to_string(),
        ),
    )
    .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert_eq!(no_csrf.json()["error"]["code"], "bad_csrf");
    let mut extra = body(&household, &member);
    extra["household"]["bonus"] = serde_json::json!(1);
    let unknown = send(
        &w.app,
        post_json("/api/v1/households", &a, true, extra.to_string()),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("bonus")
    );
    let mut wrong_sex = member.clone();
    wrong_sex.sex = siks_domain::codes::Sex::Female;
    let mismatch = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            true,
            body(&household, &wrong_sex).to_string(),
        ),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch.json()["error"]["fields"]["members[0].nik"]
            .as_str()
            .unwrap()
            .contains("jenis kelamin")
    );
    let mut bad_nik = body(&household, &member);
    bad_nik["members"][0]["nik"] = serde_json::json!("3523011213850001");
    let invalid = send(
        &w.app,
        post_json("/api/v1/households", &a, true, bad_nik.to_string()),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.json()["error"]["fields"]["members[0].nik"]
            .as_str()
            .unwrap()
            .contains("bulan")
    );
    let created = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            true,
            body(&household, &member).to_string(),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let again = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            true,
            body(&household, &member).to_string(),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut elsewhere = household.clone();
    elsewhere.id = siks_domain::HouseholdId::new();
    elsewhere.address.village = RegionCode::parse(VILLAGE_B).unwrap();
    let mut m2 = member.clone();
    m2.id = siks_domain::PersonId::new();
    m2.household_id = elsewhere.id;
    m2.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850998").unwrap());
    let foreign = send(
        &w.app,
        post_json(
            "/api/v1/households",
            &a,
            true,
            body(&elsewhere, &m2).to_string(),
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Oversized and malformed bodies are refused with our JSON error.
    let huge = format!(
        "{{\"reason\": \"{}\"}}",
        "x".repeat(siks_web::BODY_LIMIT + 10)
    );
    let too_big = send(&w.app, post_json("/api/v1/households", &a, true, huge)).await;
    assert!(too_big.status.is_client_error(), "{}", too_big.status);
    assert!(
        too_big.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("terlalu besar")
    );
    let not_json = send(
        &w.app,
        post_json("/api/v1/households", &a, true, "{".into()),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_json.json()["error"]["code"], "invalid");
}

#[tokio::test]
async fn api_changes_records_and_accounts() {
    let w = world().await;
    let a = login(&w.app, "desa.a").await;
    let path = format!("/api/v1/households/{}", w.household.id);
    let mut changed = w.household.clone();
    changed.housing.rooms = 5;
    let body = |h: &Household, version: i64| {
        serde_json::json!({ "household": h, "version": version, "reason": "verifikasi" })
            .to_string()
    };
    let put = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&changed, 1)),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.json()["version"], 2);
    let stale = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&changed, 1)),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let mut other_id = changed.clone();
    other_id.id = siks_domain::HouseholdId::new();
    let mismatch = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&other_id, 2)),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.json()["error"]["fields"]["household.id"].is_string());

    let mut person = w.members[0].clone();
    person.full_name = "Nama Baru".into();
    let person_path = format!("/api/v1/persons/{}", person.id);
    let p_body =
        serde_json::json!({ "person": person, "version": 1, "reason": "salah ketik" }).to_string();
    let put = send(&w.app, json_request("PUT", &person_path, &a, true, p_body)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    let read = send(&w.app, get(&person_path, Some(&a))).await.json();
    assert_eq!(read["person"]["full_name"], "Nama Baru");
    assert_eq!(read["version"], 2);

    let mut baby = w.members[0].clone();
    baby.id = siks_domain::PersonId::new();
    baby.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523015506250777").unwrap());
    baby.sex = siks_domain::codes::Sex::Female;
    baby.birth_date = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
    baby.relation_to_head = siks_domain::codes::Relation::Child;
    let add = send(
        &w.app,
        post_json(
            &format!("{path}/members"),
            &a,
            true,
            serde_json::json!({ "person": baby, "reason": "kelahiran" }).to_string(),
        ),
    )
    .await;
    assert_eq!(add.status, StatusCode::CREATED, "{}", add.body);
    assert_eq!(
        send(&w.app, get(&path, Some(&a))).await.json()["members"]
            .as_array()
            .unwrap()
            .len(),
        w.members.len() + 1
    );

    let admin = login(&w.app, "admin").await;
    let account = serde_json::json!({ "username": "desa.d", "display_name": "D", "role": "operator_desa", "scope": "35.23.01.2004", "password": PASSWORD });
    let made = send(
        &w.app,
        post_json("/api/v1/users", &admin, true, account.to_string()),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_str().unwrap().to_string();
    let weak = serde_json::json!({ "username": "desa.e", "display_name": "E", "role": "operator_desa", "scope": "35.23.01.2004", "password": "x" });
    let refused = send(
        &w.app,
        post_json("/api/v1/users", &admin, true, weak.to_string()),
    )
    .await;
    assert!(refused.json()["error"]["fields"]["password"].is_string());
    let off = send(
        &w.app,
        post_json(
            &format!("/api/v1/users/{id}/active"),
            &admin,
            true,
            r#"{"active": false}"#.into(),
        ),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(
        try_login(&w.app, "desa.d", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}
