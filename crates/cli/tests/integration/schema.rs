//! The two engines' migrations build the same schema: the same tables, columns (with their
//! type family and whether they take nulls), primary keys, indexes with their columns and
//! uniqueness, and foreign keys. The migrations are kept twice (one folder per engine), so
//! this is what keeps the two from drifting apart.

use std::collections::BTreeSet;

use dangjian_service::database::Database;
use sqlx::AnyConnection;

use crate::harness::{TempDir, connect, pg_server, rows, with_database};

/// What the test compares, one line per fact, so that a difference reads as a line.
type Facts = BTreeSet<String>;

/// A declared or reported type, reduced to what both engines agree on.
fn family(t: &str) -> &'static str {
    let t = t.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") {
        "text"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else if t.contains("real")
        || t.contains("double")
        || t.contains("float")
        || t.contains("numeric")
    {
        "real"
    } else if t.contains("bool") {
        "boolean"
    } else {
        "other"
    }
}

/// A database at `url` with every migration applied, closed again.
async fn migrated(url: &str) {
    let db = Database::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db.close().await;
}

async fn sqlite_facts(db: &mut AnyConnection) -> Facts {
    let mut facts = Facts::new();
    let tables = rows(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .await;
    for t in tables.iter().map(|r| r[0].clone()) {
        facts.insert(format!("table {t}"));
        let mut pk = Vec::new();
        for c in rows(
            db,
            &format!(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}') ORDER BY cid"
            ),
        )
        .await
        {
            // SQLite lets a primary key column take nulls unless it says otherwise; PostgreSQL
            // never does: a key column counts as not null on both.
            let not_null = c[2] == "1" || c[3] != "0";
            facts.insert(format!(
                "column {t}.{} {} null={}",
                c[0],
                family(&c[1]),
                !not_null
            ));
            if c[3] != "0" {
                pk.push((c[3].parse::<i64>().unwrap_or_default(), c[0].clone()));
            }
        }
        pk.sort();
        if !pk.is_empty() {
            let cols: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
            facts.insert(format!("primary key {t}({})", cols.join(", ")));
        }
        for idx in rows(
            db,
            &format!("SELECT name, \"unique\", origin FROM pragma_index_list('{t}')"),
        )
        .await
        {
            if idx[2] == "pk" {
                continue;
            }
            let cols: Vec<String> = rows(
                db,
                &format!(
                    "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                    idx[0]
                ),
            )
            .await
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
            facts.insert(format!(
                "index {t}({}) unique={}",
                cols.join(", "),
                idx[1] == "1"
            ));
        }
        for fk in rows(
            db,
            &format!("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{t}') ORDER BY id, seq"),
        )
        .await
        {
            facts.insert(format!("foreign key {t}.{} -> {}.{}", fk[0], fk[1], fk[2]));
        }
    }
    facts
}

async fn postgres_facts(db: &mut AnyConnection) -> Facts {
    let mut facts = Facts::new();
    for r in rows(
        db,
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
    .await
    {
        facts.insert(format!("table {}", r[0]));
    }
    for c in rows(
        db,
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(data_type AS TEXT), CAST(is_nullable AS TEXT) \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .await
    {
        facts.insert(format!(
            "column {}.{} {} null={}",
            c[0],
            c[1],
            family(&c[2]),
            c[3] == "YES"
        ));
    }
    // Index columns in order, whether unique, whether the primary key.
    for i in rows(
        db,
        "SELECT CAST(t.relname AS TEXT), CAST(ix.indisunique AS TEXT), CAST(ix.indisprimary AS TEXT), \
         (SELECT string_agg(CAST(a.attname AS TEXT), ', ' ORDER BY k.n) \
            FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) \
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = current_schema()",
    )
    .await
    {
        if i[2] == "true" {
            facts.insert(format!("primary key {}({})", i[0], i[3]));
        } else {
            facts.insert(format!("index {}({}) unique={}", i[0], i[3], i[1] == "true"));
        }
    }
    for fk in rows(
        db,
        "SELECT CAST(c.conrelid::regclass AS TEXT), CAST(a.attname AS TEXT), \
         CAST(c.confrelid::regclass AS TEXT), CAST(af.attname AS TEXT) \
         FROM pg_constraint c \
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col \
         JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol \
         WHERE c.contype = 'f' AND c.connamespace = CAST(current_schema() AS regnamespace)",
    )
    .await
    {
        facts.insert(format!(
            "foreign key {}.{} -> {}.{}",
            fk[0], fk[1], fk[2], fk[3]
        ));
    }
    facts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_build_the_same_schema() {
    let Some(server) = pg_server() else { return };
    let dir = std::env::temp_dir().join(format!("dangjian-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let _dir = TempDir(dir.clone());
    let sqlite_url = format!("sqlite://{}", dir.join("s.db").display());
    migrated(&sqlite_url).await;

    let name = format!("dj_schema_{}", std::process::id());
    let mut admin = connect(&server).await;
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::Executor::execute(&mut *admin, sqlx::AssertSqlSafe(sql))
            .await
            .expect("recreate the database");
    }
    let pg_url = with_database(&server, &name);
    migrated(&pg_url).await;

    let mut sqlite = connect(&sqlite_url).await;
    let mut pg = connect(&pg_url).await;
    let (s, p) = (
        sqlite_facts(&mut sqlite).await,
        postgres_facts(&mut pg).await,
    );
    drop((sqlite, pg));
    sqlx::Executor::execute(
        &mut *admin,
        sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
    )
    .await
    .expect("drop");

    assert!(
        s.iter().filter(|f| f.starts_with("table ")).count() > 30,
        "{s:?}"
    );
    assert!(
        s.iter().any(|f| f.starts_with("index ")),
        "indexes were read"
    );
    assert!(
        s.iter().any(|f| f.starts_with("foreign key ")),
        "keys were read"
    );
    let only_sqlite: Vec<&String> = s.difference(&p).collect();
    let only_postgres: Vec<&String> = p.difference(&s).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ.\nonly on SQLite:\n{}\nonly on PostgreSQL:\n{}",
        only_sqlite
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n"),
        only_postgres
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
