//! Loading a whole database at once (the demo): PostgreSQL checks a foreign key with a
//! trigger per written row, which costs more than the writes themselves for millions of
//! rows, so the keys are set aside for the load and added back before it commits, each
//! checked by one query (as `pg_restore` does). SQLite needs nothing of this.

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
