//! Loading a whole database at once (the demo): PostgreSQL checks a foreign key with a
//! trigger per written row, which costs more than the writes themselves for millions of
//! rows, so the keys are set aside for the load and added back before it commits, each
//! checked by one query (as `pg_restore` does). On both engines a secondary index written
//! row by row in random order costs a page read per row once it outgrows the cache, while
//! building it afterwards is one sort, so a big table's indexes are set aside while it is
//! filled.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Result;

/// The foreign keys set aside: table, name and definition.
#[must_use = "the keys must be restored before the load commits"]
pub struct SetAside(Vec<(String, String, String)>);

/// Drops the schema's foreign keys inside the caller's transaction (PostgreSQL only).
pub async fn set_foreign_keys_aside(conn: &mut AnyConnection) -> Result<SetAside> {
    if conn.backend_name() == "SQLite" {
        return Ok(SetAside(Vec::new()));
    }
    let keys: Vec<(String, String, String)> = sqlx::query(
        "SELECT CAST(CAST(conrelid AS regclass) AS TEXT) AS tbl, quote_ident(conname) AS name, \
         pg_get_constraintdef(oid) AS def FROM pg_constraint \
         WHERE contype = 'f' AND connamespace = CAST(current_schema() AS regnamespace) ORDER BY oid",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("tbl")?, r.try_get("name")?, r.try_get("def")?)))
    .collect::<Result<_>>()?;
    for (table, name, _) in &keys {
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table} DROP CONSTRAINT {name}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(SetAside(keys))
}

/// Adds the keys back; a row that breaks one fails the load.
pub async fn restore_foreign_keys(conn: &mut AnyConnection, keys: SetAside) -> Result<()> {
    for (table, name, def) in keys.0 {
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {name} {def}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The secondary indexes set aside: name and definition.
#[must_use = "the indexes must be restored before the table is read"]
pub struct IndexesAside(Vec<(String, String)>);

/// Drops the indexes of `table` that no constraint needs (the primary key and unique
/// constraints stay), inside the caller's transaction.
pub async fn set_indexes_aside(conn: &mut AnyConnection, table: &str) -> Result<IndexesAside> {
    let sql = if conn.backend_name() == "SQLite" {
        "SELECT name, sql AS def FROM sqlite_master \
         WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name"
    } else {
        "SELECT quote_ident(i.relname) AS name, pg_get_indexdef(i.oid) AS def \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relname = $1 AND t.relnamespace = CAST(current_schema() AS regnamespace) \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) \
         ORDER BY i.relname"
    };
    let indexes: Vec<(String, String)> = sqlx::query(sql)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("def")?)))
        .collect::<Result<_>>()?;
    for (name, _) in &indexes {
        sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(IndexesAside(indexes))
}

/// Builds the indexes again; a unique one that the loaded rows break fails the load.
pub async fn restore_indexes(conn: &mut AnyConnection, indexes: IndexesAside) -> Result<()> {
    for (_, def) in indexes.0 {
        sqlx::query(AssertSqlSafe(def)).execute(&mut *conn).await?;
    }
    Ok(())
}
