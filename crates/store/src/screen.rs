//! The big screen's own records: tiles of the schematic map, a level's boundary file, and
//! the one live count it reads outside the counters (today's requests).

use sqlx::{AnyConnection, Row};

use crate::Result;

/// The placed tiles of the children of `parent_id`: (org, column, row).
pub async fn child_tiles(conn: &mut AnyConnection, parent_id: i64) -> Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT t.org_id, t.tile_col, t.tile_row FROM map_tile t JOIN org o ON o.id = t.org_id \
         WHERE o.parent_id = $1",
    )
    .bind(parent_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Places an organization's tile (or moves it).
pub async fn set_tile(conn: &mut AnyConnection, org_id: i64, col: i64, row: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO map_tile (org_id, tile_col, tile_row) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id) DO UPDATE SET tile_col = excluded.tile_col, tile_row = excluded.tile_row",
    )
    .bind(org_id)
    .bind(col)
    .bind(row)
    .execute(conn)
    .await?;
    Ok(())
}

/// A level's boundary file as uploaded, with its feature count and time.
pub struct Boundary {
    pub geojson: String,
    pub drawing: String,
    pub features: i64,
    pub uploaded_at: i64,
}

pub async fn boundary(conn: &mut AnyConnection, org_id: i64) -> Result<Option<Boundary>> {
    let r = sqlx::query(
        "SELECT geojson, drawing, features, uploaded_at FROM map_boundary WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    r.map(|r| {
        Ok(Boundary {
            geojson: r.try_get(0)?,
            drawing: r.try_get(1)?,
            features: r.try_get(2)?,
            uploaded_at: r.try_get(3)?,
        })
    })
    .transpose()
}

/// A level's drawn boundaries (without the file itself), if it has any.
pub async fn drawing(conn: &mut AnyConnection, org_id: i64) -> Result<Option<String>> {
    let r = sqlx::query("SELECT drawing FROM map_boundary WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok(r.try_get(0)?)).transpose()
}

pub async fn set_boundary(
    conn: &mut AnyConnection,
    org_id: i64,
    b: &Boundary,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO map_boundary (org_id, geojson, drawing, features, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET geojson = excluded.geojson, \
         drawing = excluded.drawing, \
         features = excluded.features, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
    )
    .bind(org_id)
    .bind(&b.geojson)
    .bind(&b.drawing)
    .bind(b.features)
    .bind(by)
    .bind(b.uploaded_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a level's boundary file; whether there was one.
pub async fn clear_boundary(conn: &mut AnyConnection, org_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM map_boundary WHERE org_id = $1")
        .bind(org_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Requests submitted since `since_ms` in a subtree. The place is tested by a prefix that
/// no index serves, so that the day's rows are found by time (a handful) and not the
/// subtree's by place (hundreds of thousands for a city).
pub async fn requests_since(
    conn: &mut AnyConnection,
    root_path: &str,
    since_ms: i64,
) -> Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) FROM request WHERE submitted_at >= $1 \
         AND substr(community_path, 1, length($2)) = $2",
    )
    .bind(since_ms)
    .bind(root_path)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get(0)?)
}
