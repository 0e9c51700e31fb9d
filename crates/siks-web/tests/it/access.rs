//! The access table for every route and role, scope that looks like absence, the OpenAPI list.

use crate::support::*;

#[tokio::test]
async fn out_of_scope_looks_exactly_like_missing() {
    let w = world().await;
    let b = login(&w.app, "desa.b").await;
    let missing = uuid::Uuid::now_v7();
    for path in [
        format!("/rumah-tangga/{}", w.household.id),
        format!("/rumah-tangga/{missing}"),
        "/rumah-tangga/bukan-id".to_string(),
    ] {
        let reply = send(&w.app, get(&path, Some(&b))).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.select("#pesan"), vec!["Data tidak ditemukan."]);
        // In the layout with the signed-in user's menu, to go on from there.
        assert!(
            reply.select("header nav a[href='/usulan']").len() == 1,
            "{}",
            reply.body
        );
        assert_eq!(reply.select("#pengguna").len(), 1);
    }
    // Without a session the error page has no menu; the tab has its icon.
    let anonymous = send(&w.app, get("/tidak-ada", None)).await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert!(anonymous.select("header nav").is_empty());
    assert!(
        anonymous
            .body
            .contains(r#"rel="icon" href="/static/favicon.svg""#)
    );
    let icon = send(&w.app, get("/static/favicon.svg", None)).await;
    assert_eq!(icon.status, StatusCode::OK);
    assert!(icon.body.starts_with("<svg"), "{}", icon.body);
    let foreign = send(
        &w.app,
        get(&format!("/api/v1/households/{}", w.household.id), Some(&b)),
    )
    .await;
    let absent = send(
        &w.app,
        get(&format!("/api/v1/households/{missing}"), Some(&b)),
    )
    .await;
    // Each answer names its own request; apart from that id they are the same.
    let without_request_id = |reply: &Reply| {
        let mut body = reply.json();
        let id = body["error"]
            .as_object_mut()
            .and_then(|e| e.remove("request_id"));
        assert!(
            id.is_some(),
            "a JSON error names its request: {}",
            reply.body
        );
        body
    };
    assert_eq!(
        (foreign.status, without_request_id(&foreign)),
        (absent.status, without_request_id(&absent))
    );
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let person = send(
        &w.app,
        get(&format!("/api/v1/persons/{}", w.members[0].id), Some(&b)),
    )
    .await;
    assert_eq!(person.status, StatusCode::NOT_FOUND);
    let search = send(
        &w.app,
        get(
            &format!("/api/v1/households?q={}", w.members[0].nik.raw()),
            Some(&b),
        ),
    )
    .await;
    assert_eq!(search.json(), serde_json::json!([]));
    let list = send(&w.app, get("/rumah-tangga", Some(&b))).await;
    assert!(list.select("tr.rumah-tangga").is_empty());
    // A page of a million is refused by the field, not served (SECURITY.md item 2).
    let huge = send(&w.app, get("/api/v1/households?limit=1000000", Some(&b))).await;
    assert_eq!(huge.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        huge.json()["error"]["fields"]["limit"],
        "harus 1 sampai 500"
    );

    // Every refusal is in the audit log as it happened (issue 18): the foreign id and the
    // missing one alike, page and API, with the user and the path; the NIK searched for only as
    // a kind and a keyed hash, never itself.
    let system = w.service.system_actor().await.unwrap();
    let entries = w.service.audit_entries(&system, None, 1000).await.unwrap();
    let refused: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.action == "access.refused" && e.actor_username == "desa.b")
        .map(|e| (e.target_id.as_str(), e.detail.as_str()))
        .collect();
    for (path, detail) in [
        (format!("/rumah-tangga/{}", w.household.id), "GET 404"),
        (format!("/rumah-tangga/{missing}"), "GET 404"),
        (format!("/api/v1/households/{}", w.household.id), "GET 404"),
        (format!("/api/v1/persons/{}", w.members[0].id), "GET 404"),
    ] {
        assert!(
            refused.contains(&(path.as_str(), detail)),
            "{path} not in {refused:?}"
        );
    }
    // A NIK typed into an address is masked in the entry of its refusal.
    let nik = w.members[0].nik.raw();
    let typed = send(&w.app, get(&format!("/rumah-tangga/{nik}"), Some(&b))).await;
    assert_eq!(typed.status, StatusCode::NOT_FOUND);
    let entries = w.service.audit_entries(&system, None, 1000).await.unwrap();
    assert!(
        entries.iter().any(
            |e| e.action == "access.refused" && e.target_id == "/rumah-tangga/################"
        )
    );
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.contains(&nik) && !e.target_id.contains(&nik))
    );
    let term = entries
        .iter()
        .filter(|e| e.action == "household.list" && e.actor_username == "desa.b")
        .find_map(|e| e.detail.strip_prefix("rows=0 search=id_number term="))
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert!(
        term.len() == 16 && term.chars().all(|c| c.is_ascii_hexdigit()),
        "{term}"
    );
    assert_eq!(
        w.service
            .verify_audit_chain(&system)
            .await
            .unwrap()
            .broken_at,
        None
    );
}

#[tokio::test]
async fn access_table_holds_for_every_route_and_role() {
    let w = world().await;
    let mut sessions = Vec::new();
    for (username, role, _) in accounts() {
        sessions.push((role, login(&w.app, username).await));
    }
    let mut checked = 0;
    for route in ROUTES {
        let path = concrete(route.path, &w);
        // Anonymous.
        let request = match route.method {
            "GET" => get(&path, None),
            method => Request::builder()
                .method(method)
                .uri(&path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("csrf=x"))
                .unwrap(),
        };
        let reply = send(&w.app, request).await;
        if route.who == Who::Anyone {
            assert!(
                reply.status != StatusCode::UNAUTHORIZED && reply.status != StatusCode::FORBIDDEN
                    || route.path == "/masuk",
                "{} {}: {}",
                route.method,
                route.path,
                reply.status
            );
        } else if route.api {
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{} {} anonymous",
                route.method,
                route.path
            );
        } else {
            assert_eq!(
                reply.status,
                StatusCode::SEE_OTHER,
                "{} {} anonymous",
                route.method,
                route.path
            );
            assert!(
                reply
                    .location
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("/masuk")
            );
        }
        // Each role, with a valid CSRF token on writes (an empty body, so nothing is changed
        // except by routes meant to: these only reach validation).
        for (role, session) in &sessions {
            let request = match (route.method, route.api) {
                ("GET", _) => get(&path, Some(session)),
                (method, true) => json_request(method, &path, session, true, "{}".into()),
                (_, false) if route.path == "/keluar" => continue,
                (_, false) => post_form(
                    &path,
                    &format!("siks_sesi={}", session.cookie),
                    &format!("csrf={}", session.csrf),
                ),
            };
            let reply = send(&w.app, request).await;
            let denied =
                reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::UNAUTHORIZED;
            assert_eq!(
                !denied,
                route.allows(Some(*role)),
                "{} {} as {}: {} {}",
                route.method,
                route.path,
                role.key(),
                reply.status,
                reply.body.chars().take(200).collect::<String>()
            );
            checked += 1;
        }
    }
    assert!(checked >= ROUTES.len() * 9);
    // Anything not in the table is not served.
    let any = &sessions[0].1;
    assert_eq!(
        send(&w.app, get("/api/v1/tidak-ada", Some(any)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&w.app, get("/admin", Some(any))).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn openapi_lists_every_api_route() {
    let w = world().await;
    let doc = send(&w.app, get("/api/v1/openapi.json", None)).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    // An independent reader of OpenAPI 3.1 takes the document as it is served.
    let parsed = oas3::from_json(doc.to_string());
    assert!(parsed.is_ok(), "not OpenAPI 3.1: {parsed:?}");
    let resolve = |schema: &serde_json::Value| -> serde_json::Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone()
            }
            None => schema.clone(),
        }
    };
    for route in ROUTES.iter().filter(|r| r.api) {
        let what = format!("{} {}", route.method, route.path);
        let path = route.path.trim_start_matches("/api/v1");
        let operation = &doc["paths"][path][route.method.to_lowercase()];
        assert!(operation.is_object(), "{what}");
        let takes = siks_web::openapi::route_takes(route);
        assert!(takes.is_some(), "{what} is not in the document's table");
        // Every parameter (path, query, header) has a schema with a type.
        let parameters = operation["parameters"].as_array().unwrap();
        for p in parameters {
            let schema = resolve(&p["schema"]);
            assert!(
                schema["type"].is_string()
                    || schema["type"].is_array()
                    || schema["enum"].is_array(),
                "{what}: parameter {} has no typed schema: {p}",
                p["name"]
            );
        }
        let names: Vec<&str> = parameters
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for segment in route.path.split('/').filter(|s| s.starts_with('{')) {
            assert!(names.contains(&segment.trim_matches(['{', '}'])), "{what}");
        }
        // Every change names its CSRF header; a JSON body resolves to an object with properties.
        if matches!(route.method, "POST" | "PUT" | "DELETE") {
            assert!(names.contains(&"X-CSRF-Token"), "{what}");
        }
        // Every answer on success is described: JSON answers by the type the handler builds.
        assert!(
            siks_web::openapi::route_answer(route).is_some(),
            "{what} has no answer in the document's table"
        );
        let success = operation["responses"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{what}: no success answer"));
        let content = success["content"].as_object().unwrap();
        if let Some(json) = content.get("application/json") {
            let schema = &json["schema"];
            let one = if schema["type"] == "array" {
                resolve(&schema["items"])
            } else {
                resolve(schema)
            };
            assert!(
                one["properties"].is_object() || route.path == "/api/v1/openapi.json",
                "{what}: answer without a schema: {success}"
            );
        } else {
            assert!(content.contains_key("application/pdf"), "{what}: {success}");
        }
        if let Some(body) = operation["requestBody"]["content"]["application/json"].get("schema") {
            let body = resolve(body);
            assert!(
                body["properties"].is_object()
                    || body["oneOf"].is_array()
                    || body["allOf"].is_array(),
                "{what}: body without a schema: {body}"
            );
        }
    }
    // The types the bodies use are components, down to the domain's coded values.
    let schemas = &doc["components"]["schemas"];
    for name in [
        "NewHousehold",
        "Household",
        "Person",
        "RegionCode",
        "Sex",
        "BackingDocument",
        "HouseholdAnswer",
        "FindingAnswer",
        "JobAnswer",
        "Section",
    ] {
        assert!(schemas[name].is_object(), "no schema {name}");
    }
    assert_eq!(schemas["Sex"]["type"], "integer");
    assert_eq!(schemas["Sex"]["enum"], serde_json::json!([1, 2]));
    assert!(
        doc["paths"]["/households"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "limit" && p["in"] == "query"),
        "the households query is described"
    );
    assert_eq!(send(&w.app, get("/healthz", None)).await.body, "ok");
}

/// Every id-taking page and API answer of a village's records (household, member, proposal,
/// paper), tried by another village's operator and by another regency's (SECURITY.md item 1):
/// each answers exactly as a missing id does, while the village itself opens each one (so the
/// ids are real).
#[tokio::test]
async fn every_id_of_another_village_answers_as_a_missing_one() {
    let w = world().await;
    let system = w.service.system_actor().await.unwrap();
    w.service
        .create_user(
            &system,
            NewUser {
                username: "kab.lain".into(),
                display_name: "Uji kab.lain".into(),
                role: Role::RegencyOperator,
                scope: Scope::parse("35.24").unwrap(),
                password_hash: Some(password_hash()),
            },
        )
        .await
        .unwrap();
    let owner = login(&w.app, "desa.a").await;
    let proposal = id_of(
        &send(
            &w.app,
            post_json(
                "/api/v1/proposals",
                &owner,
                true,
                // (Not to village B: the village a household moves to sees the proposal.)
                serde_json::json!({ "content": { "move": { "household": w.household.id, "to_village": "35.23.01.2003" } }, "note": "pindah" }).to_string(),
            ),
        )
        .await,
    );
    let paper = id_of(
        &send(
            &w.app,
            post_json(
                "/api/v1/sptjm",
                &owner,
                true,
                serde_json::json!({ "document": paper_json("sptjm", VILLAGE_A), "proposals": [&proposal] })
                    .to_string(),
            ),
        )
        .await,
    );
    let household = w.household.id.to_string();
    let person = w.members[0].id.to_string();
    let routes: Vec<(&str, &str)> = vec![
        ("/rumah-tangga/{}", household.as_str()),
        ("/rumah-tangga/{}/pdf", &household),
        ("/rumah-tangga/{}/ubah", &household),
        ("/rumah-tangga/{}/anggota-baru", &household),
        ("/rumah-tangga/{}/hapus", &household),
        ("/rumah-tangga/{}/pindah", &household),
        ("/rumah-tangga/{}/program", &household),
        ("/api/v1/households/{}", &household),
        ("/anggota/{}", &person),
        ("/anggota/{}/ubah", &person),
        ("/anggota/{}/hapus", &person),
        ("/api/v1/persons/{}", &person),
        ("/usulan/{}", &proposal),
        ("/api/v1/proposals/{}", &proposal),
        ("/dokumen/{}", &paper),
        ("/dokumen/{}/pdf", &paper),
        ("/api/v1/documents/{}", &paper),
    ];
    let strangers = [
        login(&w.app, "desa.b").await,
        login(&w.app, "kab.lain").await,
    ];
    // An answer without what names its request.
    let answer = |reply: &Reply| -> (StatusCode, String) {
        let text = if reply.body.trim_start().starts_with('{') {
            let mut body = reply.json();
            if let Some(error) = body["error"].as_object_mut() {
                error.remove("request_id");
            }
            body.to_string()
        } else {
            reply.select("#pesan").join("|")
        };
        (reply.status, text)
    };
    let mut tried = 0;
    for (route, id) in &routes {
        let path = route.replace("{}", id);
        let mine = send(&w.app, get(&path, Some(&owner))).await;
        assert_eq!(mine.status, StatusCode::OK, "{path} for its own village");
        let missing = route.replace("{}", &uuid::Uuid::now_v7().to_string());
        for stranger in &strangers {
            let foreign = send(&w.app, get(&path, Some(stranger))).await;
            let absent = send(&w.app, get(&missing, Some(stranger))).await;
            // Not found; or refused to a role that may not use the route at all (a regency
            // operator does not edit a household), for any id alike.
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&foreign.status),
                "{path}: {}",
                foreign.status
            );
            assert_eq!(answer(&foreign), answer(&absent), "{path}");
            // (The page's own address is echoed, by its language switch; nothing of the record.)
            assert!(
                !foreign.body.contains(&w.members[0].full_name)
                    && !foreign.body.contains(&w.members[0].nik.raw()),
                "{path} tells nothing of the record"
            );
            tried += 1;
        }
    }
    assert_eq!(tried, routes.len() * 2);
}
