//! The OpenAPI 3.1 document of `/api/v1`, built from the access table so that it lists exactly the
//! routes the router serves, with what each takes: its path parameters, its query (from the
//! handler's query type) and its body (from the handler's body type), the schemas generated from
//! those types and the domain's own (`Household`, `Person`, coded values, region codes), and the
//! CSRF header of every change. Served as JSON; no UI is bundled (nothing is downloaded).

use axum::Json;
use serde_json::{Map, Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

use crate::answers::*;
use crate::api::{
    AccountStatus, AuditQuery, BeneficiariesQuery, ChangedHousehold, ChangedPerson, CompareQuery,
    FindingsApiQuery, HouseholdsQuery, MusdesBody, NewAccount, NewHousehold, NewMember,
    NewProposal, ProposalsQuery, PublicReportQuery, RatifyBody, RegionsQuery, ReportQuery,
    RevealQuery, SptjmBody, StatsQuery, StepsRequest,
};
use crate::jobs::NewJob;
use crate::{ROUTES, RouteSpec, Who};

/// What a route takes besides the session.
pub struct Takes {
    /// Its query parameters, from the handler's query type.
    pub query: Vec<Parameter>,
    pub body: Body,
    /// The status of a success: 200, 201 (created) or 202 (a job started).
    pub success: u16,
}

/// A route's request body.
pub enum Body {
    None,
    /// JSON of a type: its name and schema, and the schemas it refers to.
    Json {
        name: String,
        schemas: Vec<(String, RefOr<Schema>)>,
    },
    /// The bytes of a scan (PDF, JPEG or PNG).
    Scan,
}

/// What a route answers on success.
pub enum Answer {
    /// JSON of a type (its name and schemas), or a list of them.
    Json {
        name: String,
        list: bool,
        schemas: Vec<(String, RefOr<Schema>)>,
    },
    /// The bytes of a scan, in its own type.
    Scan,
    /// This document.
    Document,
}

fn answer<T: ToSchema>() -> Option<Answer> {
    let mut schemas = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut schemas);
    Some(Answer::Json {
        name: T::name().into_owned(),
        list: false,
        schemas,
    })
}

fn answers<T: ToSchema>() -> Option<Answer> {
    match answer::<T>() {
        Some(Answer::Json { name, schemas, .. }) => Some(Answer::Json {
            name,
            list: true,
            schemas,
        }),
        other => other,
    }
}

/// What each API route answers on success; `None` for a route this table does not know (a test
/// requires every API route here). The handler builds the same type.
pub fn route_answer(route: &RouteSpec) -> Option<Answer> {
    match (route.method, route.path) {
        ("GET", "/api/v1/openapi.json") => Some(Answer::Document),
        ("GET", "/api/v1/regions") => answers::<RegionAnswer>(),
        ("GET", "/api/v1/public/check") => answer::<crate::public::CheckAnswer>(),
        ("GET", "/api/v1/ppks") => answers::<crate::social::api::PpksAnswer>(),
        ("GET", "/api/v1/ppks/{id}") | ("POST", "/api/v1/ppks") => {
            answer::<crate::social::api::PpksAnswer>()
        }
        ("GET", "/api/v1/psks") => answers::<crate::social::api::PsksAnswer>(),
        ("GET", "/api/v1/psks/{id}") | ("POST", "/api/v1/psks") => {
            answer::<crate::social::api::PsksAnswer>()
        }
        ("GET", "/api/v1/households") => answers::<HouseholdRow>(),
        ("POST", "/api/v1/households")
        | ("PUT", "/api/v1/households/{id}")
        | ("POST", "/api/v1/households/{id}/members")
        | ("PUT", "/api/v1/persons/{id}") => answer::<ProposalCreated>(),
        ("GET", "/api/v1/periods/{period}/preview") => answer::<ClosePreviewAnswer>(),
        ("GET", "/api/v1/households/{id}") => answer::<HouseholdAnswer>(),
        ("GET", "/api/v1/households/{id}/as-of/{period}") => answer::<AsOfAnswer>(),
        ("GET", "/api/v1/persons/{id}") => answer::<VersionedPerson>(),
        ("GET", "/api/v1/stats") => answer::<StatsAnswer>(),
        ("GET", "/api/v1/quality") => answer::<QualityAnswer>(),
        ("GET", "/api/v1/users") => answers::<UserAnswer>(),
        ("POST", "/api/v1/users") => answer::<UserCreated>(),
        ("POST", "/api/v1/users/{id}/active") => answer::<UserActive>(),
        ("GET", "/api/v1/audit") => answers::<AuditAnswer>(),
        ("GET", "/api/v1/proposals") => answers::<ProposalAnswer>(),
        ("GET", "/api/v1/proposals/{id}") => answer::<ProposalWithSteps>(),
        ("POST", "/api/v1/proposals") => answer::<ProposalCreated>(),
        ("POST", "/api/v1/proposals/steps") => answer::<StepsTaken>(),
        ("POST", "/api/v1/musdes") | ("POST", "/api/v1/sptjm") => answer::<Created>(),
        ("GET", "/api/v1/documents") => answers::<PaperAnswer>(),
        ("GET", "/api/v1/documents/{id}") => answer::<DocumentAnswer>(),
        ("PUT", "/api/v1/documents/{id}/scan") => answer::<ScanReceived>(),
        ("GET", "/api/v1/documents/{id}/scan") => Some(Answer::Scan),
        ("POST", "/api/v1/ratifications") => answer::<RatificationCreated>(),
        ("GET", "/api/v1/ratifications/{id}") => answer::<RatificationAnswer>(),
        ("POST", "/api/v1/periods/{period}/close") => answer::<CloseAnswer>(),
        ("GET", "/api/v1/periods/{period}/counts") => answer::<PeriodCountsAnswer>(),
        ("GET", "/api/v1/periods/compare") => answer::<ComparisonAnswer>(),
        ("GET", "/api/v1/findings") => answer::<FindingsAnswer>(),
        ("GET", "/api/v1/programmes") => answer::<ProgrammesAnswer>(),
        ("GET", "/api/v1/programmes/{code}/beneficiaries") => answer::<BeneficiariesAnswer>(),
        ("GET", "/api/v1/reports") | ("GET", "/api/v1/public/provinces/{code}") => {
            answer::<ReportAnswer>()
        }
        ("GET", "/api/v1/jobs") => answer::<JobsAnswer>(),
        ("POST", "/api/v1/jobs")
        | ("GET", "/api/v1/jobs/{id}")
        | ("POST", "/api/v1/jobs/{id}/retry") => answer::<JobAnswer>(),
        _ => None,
    }
}

/// A string that is one of `keys`.
fn one_of(keys: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(keys))
        .build()
}

/// The keys of the roles (for a new account).
pub(crate) fn role_keys() -> utoipa::openapi::Object {
    one_of(siks_domain::Role::ALL.map(|r| r.key()))
}

/// The keys of the workflow's stages (an inbox's stage).
pub(crate) fn stage_keys() -> utoipa::openapi::Object {
    one_of(siks_domain::workflow::Stage::ALL.map(|s| s.key()))
}

/// The keys of a finding's statuses.
pub(crate) fn finding_status_keys() -> utoipa::openapi::Object {
    one_of(siks_domain::checks::FindingStatus::ALL.map(|s| s.key()))
}

fn query<T: IntoParams>() -> Vec<Parameter> {
    T::into_params(|| Some(ParameterIn::Query))
}

fn json<T: ToSchema>() -> Body {
    let mut schemas = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut schemas);
    Body::Json {
        name: T::name().into_owned(),
        schemas,
    }
}

fn takes(query: Vec<Parameter>, body: Body) -> Option<Takes> {
    Some(Takes {
        query,
        body,
        success: 200,
    })
}

/// A route that creates what its body describes (201), or starts a job (202).
fn answering(success: u16, body: Body) -> Option<Takes> {
    Some(Takes {
        query: Vec::new(),
        body,
        success,
    })
}

/// What each API route takes; `None` for a route this table does not know (a test requires
/// every API route here, so a new route cannot go undocumented).
pub fn route_takes(route: &RouteSpec) -> Option<Takes> {
    let none = Vec::new;
    match (route.method, route.path) {
        ("GET", "/api/v1/openapi.json")
        | ("GET", "/api/v1/households/{id}")
        | ("GET", "/api/v1/households/{id}/as-of/{period}")
        | ("GET", "/api/v1/users")
        | ("GET", "/api/v1/proposals/{id}")
        | ("GET", "/api/v1/documents")
        | ("GET", "/api/v1/documents/{id}")
        | ("GET", "/api/v1/documents/{id}/scan")
        | ("GET", "/api/v1/ratifications/{id}")
        | ("GET", "/api/v1/periods/{period}/counts")
        | ("GET", "/api/v1/periods/{period}/preview")
        | ("GET", "/api/v1/programmes")
        | ("GET", "/api/v1/jobs")
        | ("GET", "/api/v1/jobs/{id}")
        | ("POST", "/api/v1/periods/{period}/close") => takes(none(), Body::None),
        ("POST", "/api/v1/jobs/{id}/retry") => answering(202, Body::None),
        ("GET", "/api/v1/regions") => takes(query::<RegionsQuery>(), Body::None),
        ("GET", "/api/v1/public/check") => {
            takes(query::<crate::public::PublicCheckQuery>(), Body::None)
        }
        ("GET", "/api/v1/ppks") | ("GET", "/api/v1/psks") => {
            takes(query::<crate::social::api::SocialQuery>(), Body::None)
        }
        ("GET", "/api/v1/ppks/{id}") | ("GET", "/api/v1/psks/{id}") => takes(none(), Body::None),
        ("POST", "/api/v1/ppks") => answering(201, json::<crate::social::api::PpksBody>()),
        ("POST", "/api/v1/psks") => answering(201, json::<crate::social::api::PsksBody>()),
        ("GET", "/api/v1/households") => takes(query::<HouseholdsQuery>(), Body::None),
        ("GET", "/api/v1/persons/{id}") => takes(query::<RevealQuery>(), Body::None),
        ("GET", "/api/v1/stats") | ("GET", "/api/v1/quality") => {
            takes(query::<StatsQuery>(), Body::None)
        }
        ("GET", "/api/v1/audit") => takes(query::<AuditQuery>(), Body::None),
        ("GET", "/api/v1/proposals") => takes(query::<ProposalsQuery>(), Body::None),
        ("GET", "/api/v1/periods/compare") => takes(query::<CompareQuery>(), Body::None),
        ("GET", "/api/v1/findings") => takes(query::<FindingsApiQuery>(), Body::None),
        ("GET", "/api/v1/programmes/{code}/beneficiaries") => {
            takes(query::<BeneficiariesQuery>(), Body::None)
        }
        ("GET", "/api/v1/reports") => takes(query::<ReportQuery>(), Body::None),
        ("GET", "/api/v1/public/provinces/{code}") => {
            takes(query::<PublicReportQuery>(), Body::None)
        }
        ("POST", "/api/v1/households") => answering(201, json::<NewHousehold>()),
        ("PUT", "/api/v1/households/{id}") => answering(201, json::<ChangedHousehold>()),
        ("POST", "/api/v1/households/{id}/members") => answering(201, json::<NewMember>()),
        ("PUT", "/api/v1/persons/{id}") => answering(201, json::<ChangedPerson>()),
        ("POST", "/api/v1/users") => answering(201, json::<NewAccount>()),
        ("POST", "/api/v1/users/{id}/active") => takes(none(), json::<AccountStatus>()),
        ("POST", "/api/v1/proposals") => answering(201, json::<NewProposal>()),
        ("POST", "/api/v1/proposals/steps") => takes(none(), json::<StepsRequest>()),
        ("POST", "/api/v1/musdes") => answering(201, json::<MusdesBody>()),
        ("POST", "/api/v1/sptjm") => answering(201, json::<SptjmBody>()),
        ("PUT", "/api/v1/documents/{id}/scan") => takes(none(), Body::Scan),
        ("POST", "/api/v1/ratifications") => answering(201, json::<RatifyBody>()),
        ("POST", "/api/v1/jobs") => answering(202, json::<NewJob>()),
        _ => None,
    }
}

/// The schema of a path parameter, by its name and route.
fn path_parameter(name: &str, path: &str) -> Value {
    match name {
        "id" => json!({ "type": "string", "format": "uuid" }),
        "period" => {
            json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "examples": ["2026-12"] })
        }
        "code" if path.contains("/provinces/") => {
            json!({ "type": "string", "pattern": "^[0-9]{2}$", "examples": ["35"] })
        }
        "code" => {
            json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$", "examples": ["PKH"] })
        }
        _ => json!({ "type": "string" }),
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The document.
pub fn spec() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for route in ROUTES.iter().filter(|r| r.api) {
        let path = route.path.trim_start_matches("/api/v1");
        let mut parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": path_parameter(name, route.path) }))
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
        let takes = route_takes(route).unwrap_or(Takes {
            query: Vec::new(),
            body: Body::None,
            success: 200,
        });
        parameters.extend(takes.query.iter().map(to_value));
        // Every call that changes something carries the session's CSRF token in a header.
        if matches!(route.method, "POST" | "PUT" | "DELETE") {
            parameters.push(json!({ "name": "X-CSRF-Token", "in": "header", "required": true, "schema": { "type": "string" } }));
        }
        let success = match route_answer(route) {
            Some(Answer::Json {
                name,
                list,
                schemas: used,
            }) => {
                for (name, schema) in used {
                    schemas.insert(name, to_value(&schema));
                }
                let one = json!({ "$ref": format!("#/components/schemas/{name}") });
                let schema = if list {
                    json!({ "type": "array", "items": one })
                } else {
                    one
                };
                json!({ "description": "Done", "content": { "application/json": { "schema": schema } } })
            }
            Some(Answer::Scan) => {
                let binary = json!({ "schema": { "type": "string", "contentMediaType": "application/octet-stream" } });
                json!({ "description": "The scan as it was sent", "content": {
                    "application/pdf": binary, "image/jpeg": binary, "image/png": binary
                } })
            }
            Some(Answer::Document) | None => {
                json!({ "description": "This document", "content": { "application/json": { "schema": { "type": "object" } } } })
            }
        };
        let mut operation = json!({
            "summary": route.summary,
            "description": access,
            "parameters": parameters,
            "responses": {
                takes.success.to_string(): success,
                "400": { "$ref": "#/components/responses/Error" },
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "409": { "$ref": "#/components/responses/Error" },
                "413": { "$ref": "#/components/responses/Error" },
                "422": { "$ref": "#/components/responses/Error" }
            }
        });
        match takes.body {
            Body::None => {}
            Body::Json {
                name,
                schemas: used,
            } => {
                operation["requestBody"] = json!({ "required": true, "content": {
                    "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } }
                } });
                for (name, schema) in used {
                    schemas.insert(name, to_value(&schema));
                }
            }
            Body::Scan => {
                let binary = json!({ "schema": { "type": "string", "contentMediaType": "application/octet-stream" } });
                operation["requestBody"] = json!({ "required": true, "content": {
                    "application/pdf": binary, "image/jpeg": binary, "image/png": binary
                } });
            }
        }
        if route.who != Who::Anyone {
            // A session (the pages' cookie, with X-CSRF-Token on writes), or a machine client's
            // token, except where no token may call (accounts, a period's close).
            let token_barred =
                matches!(route.who, Who::Roles(r) if r == crate::ADMINS || r == crate::DETERMINERS);
            operation["security"] = if token_barred {
                json!([{ "session": [] }])
            } else {
                json!([{ "session": [] }, { "token": [] }])
            };
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[route.method.to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "siks API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The social-welfare registry. Coded values are numeric codes; dates are YYYY-MM-DD; times RFC 3339 UTC. Every refusal answers the error body below, with the request id to quote."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE },
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made on /akun/token (shown once; `siks token list`/`revoke`): the account's role within the token's scope, read (GET only) or read-write; no CSRF header; every use audited under the account. Expired, revoked or unknown: 401 token_refused."
                }
            },
            "responses": {
                "Error": {
                    "description": "A refusal or failure, in Indonesian, with the request id",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "required": ["error"],
                        "properties": { "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": { "type": "string" },
                                "message": { "type": "string", "description": "Indonesian" },
                                "fields": { "type": "object", "additionalProperties": { "type": "string" } },
                                "request_id": { "type": "string" }
                            }
                        } }
                    } } }
                }
            }
        }
    })
}

/// Serves the document, built once per process: it depends only on the route table and types.
pub async fn document() -> Json<Value> {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    Json(SPEC.get_or_init(spec).clone())
}
