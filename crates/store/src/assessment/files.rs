//! Files kept with the work of 组织建设, each owned by a secretary's rating, a project or a
//! weak-list listing (`owner_kind`, `owner_id`).

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct FileRow {
        pub id: i64,
        pub owner_id: i64,
        pub name: String,
        pub mime: String,
        pub size: i64,
        pub created_at: i64,
    }
}

pub struct NewFile<'a> {
    pub owner_kind: &'a str,
    pub owner_id: i64,
    pub name: &'a str,
    pub mime: &'a str,
    pub body: &'a [u8],
    pub by: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, f: &NewFile<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO assessment_file (owner_kind, owner_id, name, mime, size, body, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(f.owner_kind)
    .bind(f.owner_id)
    .bind(f.name)
    .bind(f.mime)
    .bind(f.body.len() as i64)
    .bind(f.body)
    .bind(f.by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// The files of the given owners of one kind, oldest first.
pub async fn of(
    conn: &mut AnyConnection,
    owner_kind: &str,
    owner_ids: &[i64],
) -> Result<Vec<FileRow>> {
    if owner_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, owner_id, name, mime, size, created_at FROM assessment_file WHERE owner_kind = ",
    );
    sql.text(owner_kind)
        .push(" AND owner_id")
        .ints_in(owner_ids)
        .push(" ORDER BY id");
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(FileRow::read).collect()
}

/// The total size of an owner's files, for the per-owner limit.
pub async fn size_of(conn: &mut AnyConnection, owner_kind: &str, owner_id: i64) -> Result<i64> {
    let r = sqlx::query(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM assessment_file \
         WHERE owner_kind = $1 AND owner_id = $2",
    )
    .bind(owner_kind)
    .bind(owner_id)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}

/// One file of an owner with its bytes.
pub async fn get(
    conn: &mut AnyConnection,
    owner_kind: &str,
    owner_id: i64,
    id: i64,
) -> Result<Option<(FileRow, Vec<u8>)>> {
    let r = sqlx::query(
        "SELECT id, owner_id, name, mime, size, created_at, body FROM assessment_file \
         WHERE owner_kind = $1 AND owner_id = $2 AND id = $3",
    )
    .bind(owner_kind)
    .bind(owner_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.map(|r| Ok((FileRow::read(&r)?, r.try_get("body")?)))
        .transpose()
}

pub async fn delete(
    conn: &mut AnyConnection,
    owner_kind: &str,
    owner_id: i64,
    id: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "DELETE FROM assessment_file WHERE owner_kind = $1 AND owner_id = $2 AND id = $3",
    )
    .bind(owner_kind)
    .bind(owner_id)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}
