//! The OpenAPI 3 document of `/api/v1`, built from the access table so that it lists exactly the
//! routes the router serves. Served as JSON; no UI is bundled (nothing is downloaded).

use axum::Json;
use serde_json::{Map, Value, json};

use crate::{ROUTES, Who};

/// The document.
pub fn spec() -> Value {
    let mut paths = Map::new();
    for route in ROUTES.iter().filter(|r| r.api) {
        let path = route.path.trim_start_matches("/api/v1");
        let parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let access = match route.who {
            Who::Anyone => "No sign-in needed.".to_string(),
            Who::SignedIn => {
                "Any signed-in role; records outside the caller's region answer 404.".to_string()
            }
            Who::Roles(roles) => format!(
                "Roles: {}. Records outside the caller's region answer 404.",
                roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(", ")
            ),
        };
        let mut operation = json!({
            "summary": route.summary,
            "description": access,
            "parameters": parameters,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": {} } },
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "422": { "$ref": "#/components/responses/Error" }
            }
        });
        // Every call that changes something carries the session's CSRF token in a header.
        if matches!(route.method, "POST" | "PUT" | "DELETE")
            && let Some(parameters) = operation["parameters"].as_array_mut()
        {
            parameters.push(json!({ "name": "X-CSRF-Token", "in": "header", "required": true, "schema": { "type": "string" } }));
        }
        if matches!(route.method, "POST" | "PUT") {
            operation["requestBody"] = if route.path.ends_with("/scan") {
                let binary = json!({ "schema": { "type": "string", "format": "binary" } });
                json!({ "required": true, "content": {
                    "application/pdf": binary, "image/jpeg": binary, "image/png": binary
                } })
            } else {
                json!({ "required": true, "content": { "application/json": {} } })
            };
        }
        if route.who != Who::Anyone {
            operation["security"] = json!([{ "session": [] }]);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[route.method.to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "siks API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The social-welfare registry. Coded values are numeric codes; dates are YYYY-MM-DD; times RFC 3339 UTC."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": paths,
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE } },
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "error": { "type": "object", "properties": {
                            "code": { "type": "string" },
                            "message": { "type": "string", "description": "Indonesian" },
                            "fields": { "type": "object", "additionalProperties": { "type": "string" } }
                        } } }
                    } } }
                }
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
