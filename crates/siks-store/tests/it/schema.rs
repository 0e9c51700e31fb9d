//! The schema: migrations, reference data, opening, and both engines' schemas compared.

use crate::support::*;

async fn schema_and_reference_data(db: &TestDb) {
    let store = &db.store;
    // What a server's start-up check reads: the test databases keep acknowledged writes.
    let durability = store.durability().await.unwrap();
    assert!(durability.is_safe(), "{durability:?}");
    assert!(
        durability.line().contains("synchronous") || durability.line().contains("fsync="),
        "{}",
        durability.line()
    );
    assert_eq!(
        store.migrate().await.unwrap(),
        Store::schema_version_needed()
    );
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::schema_version_needed()
    );
    store.ensure_current().await.unwrap();
    assert_eq!(store.region_count().await.unwrap(), 91_599);
    assert_eq!(
        store.load_regions(Regions::embedded()).await.unwrap(),
        91_599
    );
    let a = store.system_actor().await.unwrap();
    let b = store.system_actor().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.scope, Scope::Nation);
    // Reopening an existing database works without creation.
    let again = Store::open(&db.url, OpenMode::MustExist).await.unwrap();
    again.ensure_current().await.unwrap();
    again.close().await;
}

#[tokio::test]
async fn schema_and_reference_data_on_both_engines() {
    on_both_engines!(schema_and_reference_data);
}

#[tokio::test]
async fn opening_refuses_what_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
    assert!(matches!(
        Store::open(&missing, OpenMode::MustExist).await,
        Err(StoreError::DatabaseMissing(_))
    ));
    assert!(
        !dir.path().join("typo.db").exists(),
        "a typo must not create a database"
    );
    assert!(matches!(
        Store::open("mysql://x", OpenMode::MustExist).await,
        Err(StoreError::BadUrl(_))
    ));
    assert!(matches!(
        Store::open("sqlite://", OpenMode::MustExist).await,
        Err(StoreError::BadUrl(_))
    ));
    // A new file has no schema until it is migrated.
    let fresh = format!("sqlite://{}", dir.path().join("new.db").display());
    let store = Store::open(&fresh, OpenMode::CreateIfMissing)
        .await
        .unwrap();
    assert!(matches!(
        store.ensure_current().await,
        Err(StoreError::SchemaOutdated { found: 0, .. })
    ));
    if let Some(admin) = postgres_admin_url() {
        let url = with_database(&admin, "siks_no_such_database");
        assert!(matches!(
            Store::open(&url, OpenMode::MustExist).await,
            Err(StoreError::DatabaseMissing(_))
        ));
    }
}

#[test]
fn migrations_of_both_engines_stay_in_step() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let list = |engine: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(engine))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert_eq!(
        sqlite,
        list("postgres"),
        "migration files differ between engines"
    );
    // Same tables with the same columns in the same order, and the same indexes.
    let columns = |engine: &str, file: &str| {
        let text = std::fs::read_to_string(root.join(engine).join(file)).unwrap();
        let mut out = Vec::new();
        let mut table = String::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("ALTER TABLE ")
                && let Some((table, column)) = rest.split_once(" ADD COLUMN ")
            {
                out.push(format!(
                    "{table}.{}",
                    column.split_whitespace().next().unwrap()
                ));
            } else if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                table = rest.split_whitespace().next().unwrap().to_string();
            } else if line.starts_with("    ") && !table.is_empty() {
                let word = line.split_whitespace().next().unwrap();
                if word != "--" {
                    out.push(format!("{table}.{word}"));
                }
            } else if line.starts_with(");") {
                table.clear();
            } else if line.starts_with("CREATE INDEX")
                || line.starts_with("CREATE UNIQUE INDEX")
                || line.starts_with("DROP INDEX")
            {
                out.push(line.to_string());
            }
        }
        out
    };
    for file in &sqlite {
        let s = columns("sqlite", file);
        assert!(!s.is_empty());
        assert_eq!(s, columns("postgres", file), "{file}: columns differ");
    }
}

/// A migrated database's schema as read back from the engine's own catalogue, in terms both
/// engines share: column types as classes, primary keys, unique constraints, foreign keys,
/// explicit indexes (with their columns, uniqueness and whether partial) and the statements each
/// table's triggers refuse.
#[derive(Debug, Default, PartialEq)]
struct ReadSchema {
    columns: Vec<String>,
    primary_keys: BTreeSet<String>,
    uniques: BTreeSet<String>,
    foreign_keys: BTreeSet<String>,
    indexes: BTreeSet<String>,
    triggers: BTreeSet<String>,
}

/// The class both engines agree on for a declared or reported column type.
fn type_class(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t == "text" {
        "text"
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t == "numeric" {
        "real"
    } else if t.contains("bool") {
        "boolean"
    } else if t == "blob" || t == "bytea" {
        "blob"
    } else {
        return t;
    }
    .to_string()
}

async fn read_sqlite_schema(url: &str) -> ReadSchema {
    use sqlx::Row;
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let mut schema = ReadSchema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE '!_sqlx%' ESCAPE '!' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut pk_of = HashMap::new();
    for table in &tables {
        let rows = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut pk = Vec::new();
        for row in rows {
            let (name, declared): (String, String) = (row.get(0), row.get(1));
            let (not_null, pk_pos): (i64, i64) = (row.get(2), row.get(3));
            // SQLite lets a non-integer primary key hold NULL; the store never writes one, and
            // PostgreSQL reports every key column NOT NULL.
            let nullable = if not_null == 1 || pk_pos > 0 {
                "not null"
            } else {
                "null"
            };
            schema.columns.push(format!(
                "{table}.{name} {} {nullable}",
                type_class(&declared)
            ));
            if pk_pos > 0 {
                pk.push((pk_pos, name));
            }
        }
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, n)| n).collect();
        pk_of.insert(table.clone(), pk.join(","));
        if !pk.is_empty() {
            schema
                .primary_keys
                .insert(format!("{table}({})", pk.join(",")));
        }
    }
    for table in &tables {
        let indexes =
            sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
                .bind(table)
                .fetch_all(&pool)
                .await
                .unwrap();
        for index in indexes {
            let (name, unique, origin, partial): (String, i64, String, i64) =
                (index.get(0), index.get(1), index.get(2), index.get(3));
            let named: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            // An expression has no column name: it is read from the index's own statement.
            let written: Option<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
            )
            .bind(&name)
            .fetch_optional(&pool)
            .await
            .unwrap()
            .flatten();
            let terms = written.as_deref().map(index_terms).unwrap_or_default();
            let columns: Vec<String> = named
                .into_iter()
                .enumerate()
                .map(|(i, n)| n.unwrap_or_else(|| terms.get(i).cloned().unwrap_or_default()))
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    schema
                        .uniques
                        .insert(format!("{table}({})", columns.join(",")));
                }
                _ => {
                    schema.indexes.insert(format!(
                        "{name} ON {table}({}){}{}",
                        columns.join(","),
                        if unique == 1 { " unique" } else { "" },
                        if partial == 1 { " partial" } else { "" }
                    ));
                }
            }
        }
        let keys = sqlx::query(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        for key in keys {
            let (id, target, from, to): (i64, String, String, Option<String>) =
                (key.get(0), key.get(1), key.get(2), key.get(3));
            let entry = by_id.entry(id).or_insert((target.clone(), vec![], vec![]));
            entry.1.push(from);
            // `REFERENCES t` without a column names t's primary key.
            entry
                .2
                .push(to.unwrap_or_else(|| pk_of.get(&target).cloned().unwrap_or_default()));
        }
        for (_, (target, from, to)) in by_id {
            schema.foreign_keys.insert(format!(
                "{table}({}) -> {target}({})",
                from.join(","),
                to.join(",")
            ));
        }
    }
    let triggers = sqlx::query("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(&pool)
        .await
        .unwrap();
    for trigger in triggers {
        let (table, sql): (String, String) = (trigger.get(0), trigger.get(1));
        let sql = sql.to_ascii_uppercase();
        for event in ["INSERT", "UPDATE", "DELETE"] {
            if sql.contains(&format!(" {event} ON ")) || sql.contains(&format!(" {event} OR ")) {
                schema.triggers.insert(format!("{table} {event}"));
            }
        }
    }
    pool.close().await;
    schema
}

async fn read_postgres_schema(url: &str) -> ReadSchema {
    use sqlx::Row;
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut schema = ReadSchema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_type = 'BASE TABLE' AND table_name NOT LIKE '!_sqlx%' ESCAPE '!' ORDER BY table_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in &tables {
        let rows = sqlx::query(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for row in rows {
            let (name, declared, nullable): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            let nullable = if nullable == "NO" { "not null" } else { "null" };
            schema.columns.push(format!(
                "{table}.{name} {} {nullable}",
                type_class(&declared)
            ));
        }
        let indexes = sqlx::query(
            "SELECT ic.relname::text, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u')), \
                    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) AS k ORDER BY k) \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             WHERE i.indrelid = $1::regclass",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for index in indexes {
            let (name, unique, primary, partial, backs_constraint, columns): (
                String,
                bool,
                bool,
                bool,
                bool,
                Vec<String>,
            ) = (
                index.get(0),
                index.get(1),
                index.get(2),
                index.get(3),
                index.get(4),
                index.get(5),
            );
            if primary {
                schema
                    .primary_keys
                    .insert(format!("{table}({})", columns.join(",")));
            } else if backs_constraint {
                schema
                    .uniques
                    .insert(format!("{table}({})", columns.join(",")));
            } else {
                schema.indexes.insert(format!(
                    "{name} ON {table}({}){}{}",
                    columns.join(","),
                    if unique { " unique" } else { "" },
                    if partial { " partial" } else { "" }
                ));
            }
        }
        let keys = sqlx::query(
            "SELECT c.confrelid::regclass::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), \
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) \
             FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1::regclass",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for key in keys {
            let (target, from, to): (String, Vec<String>, Vec<String>) =
                (key.get(0), key.get(1), key.get(2));
            schema.foreign_keys.insert(format!(
                "{table}({}) -> {target}({})",
                from.join(","),
                to.join(",")
            ));
        }
    }
    // TRUNCATE has no SQLite counterpart, so only row statements are compared.
    let triggers = sqlx::query(
        "SELECT event_object_table::text, event_manipulation::text FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for trigger in triggers {
        let (table, event): (String, String) = (trigger.get(0), trigger.get(1));
        schema.triggers.insert(format!("{table} {event}"));
    }
    pool.close().await;
    schema
}

/// Both engines migrated from scratch hold the same schema, read back from their catalogues:
/// the same tables and columns in the same order with the same type classes and nullability,
/// the same keys, unique constraints, foreign keys, indexes and guarded statements.
async fn migrated_schemas_agree(sqlite: &TestDb, postgres: &TestDb) {
    let a = read_sqlite_schema(&sqlite.url).await;
    let b = read_postgres_schema(&postgres.url).await;
    assert!(a.columns.len() > 100, "{} columns read", a.columns.len());
    assert!(a.triggers.contains("audit_log UPDATE") && a.triggers.contains("audit_log DELETE"));
    let lines = |v: &[String]| v.join("\n");
    assert_eq!(lines(&a.columns), lines(&b.columns), "columns differ");
    assert_eq!(a.primary_keys, b.primary_keys, "primary keys differ");
    assert_eq!(a.uniques, b.uniques, "unique constraints differ");
    assert_eq!(a.foreign_keys, b.foreign_keys, "foreign keys differ");
    assert_eq!(a.indexes, b.indexes, "indexes differ");
    assert_eq!(a.triggers, b.triggers, "triggers differ");
}

#[tokio::test]
async fn migrated_schemas_agree_on_both_engines() {
    let sqlite = sqlite_db().await;
    if let Some(postgres) = postgres_db().await {
        migrated_schemas_agree(&sqlite, &postgres).await;
        postgres.drop_database().await;
    }
    sqlite.drop_database().await;
}

/// The terms of a `CREATE INDEX … ON table (a, substr(b, 1, 5), c)` statement, split at its
/// top-level commas.
fn index_terms(statement: &str) -> Vec<String> {
    let Some(open) = statement.find('(') else {
        return Vec::new();
    };
    let mut terms = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for ch in statement[open + 1..].chars() {
        match ch {
            '(' => {
                depth += 1;
                current.push(ch);
            }
            ')' if depth == 0 => break,
            ')' => {
                depth -= 1;
                current.push(ch);
            }
            ',' if depth == 0 => terms.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(ch),
        }
    }
    terms.push(current.trim().to_string());
    terms
}
