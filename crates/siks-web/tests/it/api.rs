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

    // A new household: CSRF, unknown fields, invalid NIK, then a good one, entered as a draft
    // proposal (the register does not change until a period close applies it).
    let mut household = proposed_copy(&w.household);
    household.id = siks_domain::HouseholdId::new();
    let mut member = w.members[0].clone();
    member.id = siks_domain::PersonId::new();
    member.household_id = household.id;
    member.nik = siks_domain::Recorded::Valid(siks_domain::Nik::parse("3523011203850999").unwrap());
    member.sex = siks_domain::codes::Sex::Male;
    member.birth_date = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let body = |h: &Household, m: &Person| serde_json::json!({ "household": client_household(h), "members": [client_person(m)], "reason": "pendataan baru" });
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
    // The fields only the system sets are refused by name, never silently taken or ignored.
    for (path, field, value) in [
        ("household", "status", serde_json::json!("active")),
        ("household", "programmes", serde_json::json!(["PKH"])),
        (
            "household",
            "last_verified",
            serde_json::json!("2026-11-01"),
        ),
        ("household", "desil", serde_json::json!(1)),
        ("household", "welfare_score", serde_json::json!(12.5)),
    ] {
        let mut sneaky = body(&household, &member);
        sneaky[path][field] = value;
        let refused = send(
            &w.app,
            post_json("/api/v1/households", &a, true, sneaky.to_string()),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            refused.json()["error"]["fields"][format!("{path}.{field}")]
                .as_str()
                .is_some_and(|m| m.contains(field)),
            "{}",
            refused.body
        );
    }
    let mut sneaky = body(&household, &member);
    sneaky["members"][0]["status"] = serde_json::json!("active");
    let refused = send(
        &w.app,
        post_json("/api/v1/households", &a, true, sneaky.to_string()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json()["error"]["fields"]["members[0].status"].is_string());
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
    assert_eq!(created.json()["stage"], "draft");
    let proposal = created.json()["id"].as_str().unwrap().to_string();
    let draft = send(
        &w.app,
        get(&format!("/api/v1/proposals/{proposal}"), Some(&a)),
    )
    .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    assert_eq!(draft.json()["proposal"]["kind"], 1, "{}", draft.body);
    // Not in the register: only the close puts it there.
    assert_eq!(
        send(
            &w.app,
            get(&format!("/api/v1/households/{}", household.id), Some(&a))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let stats = send(&w.app, get("/api/v1/stats", Some(&a))).await.json();
    assert_eq!(stats["total"]["households"]["total"], 1);
    // The same form twice enters it once.
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
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
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
        serde_json::json!({ "household": client_household(h), "version": version, "reason": "verifikasi" })
            .to_string()
    };
    // A correction is a draft proposal; the register keeps its version until the close.
    let put = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&changed, 1)),
    )
    .await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    assert_eq!(put.json()["stage"], "draft");
    let unchanged = send(&w.app, get(&path, Some(&a))).await.json();
    assert_eq!(unchanged["version"], 1);
    assert_eq!(
        unchanged["household"]["housing"]["rooms"],
        w.household.housing.rooms
    );
    // Based on a version that is not the register's: refused as stale.
    let stale = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&changed, 7)),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let mut other_id = changed.clone();
    other_id.id = siks_domain::HouseholdId::new();
    let mismatch = send(
        &w.app,
        json_request("PUT", &path, &a, true, body(&other_id, 1)),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.json()["error"]["fields"]["household.id"].is_string());
    // Programmes, status and the verification date are the close's: refused by name.
    let mut granted =
        serde_json::json!({ "household": client_household(&changed), "version": 1, "reason": "x" });
    granted["household"]["programmes"] = serde_json::json!(["PKH", "PBI-JK"]);
    let refused = send(
        &w.app,
        json_request("PUT", &path, &a, true, granted.to_string()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json()["error"]["fields"]["household.programmes"].is_string(),
        "{}",
        refused.body
    );

    let mut person = w.members[0].clone();
    person.full_name = "Nama Baru".into();
    let person_path = format!("/api/v1/persons/{}", person.id);
    let p_body =
        serde_json::json!({ "person": client_person(&person), "version": 1, "reason": "salah ketik" }).to_string();
    let put = send(&w.app, json_request("PUT", &person_path, &a, true, p_body)).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    let read = send(&w.app, get(&person_path, Some(&a))).await.json();
    assert_eq!(read["person"]["full_name"], w.members[0].full_name.as_str());
    assert_eq!(read["version"], 1);
    let mut inactive =
        serde_json::json!({ "person": client_person(&person), "version": 1, "reason": "x" });
    inactive["person"]["status"] = serde_json::json!({ "inactive": 1 });
    let refused = send(
        &w.app,
        json_request("PUT", &person_path, &a, true, inactive.to_string()),
    )
    .await;
    assert!(
        refused.json()["error"]["fields"]["person.status"].is_string(),
        "{}",
        refused.body
    );

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
            serde_json::json!({ "person": client_person(&baby), "reason": "kelahiran" })
                .to_string(),
        ),
    )
    .await;
    assert_eq!(add.status, StatusCode::CREATED, "{}", add.body);
    let joining = add.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        send(
            &w.app,
            get(&format!("/api/v1/proposals/{joining}"), Some(&a))
        )
        .await
        .json()["proposal"]["kind"],
        6
    );
    assert_eq!(
        send(&w.app, get(&path, Some(&a))).await.json()["members"]
            .as_array()
            .unwrap()
            .len(),
        w.members.len()
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
