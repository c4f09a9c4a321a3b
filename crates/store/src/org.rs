//! The organization tree: nodes with materialized paths, and their dated change events.

use dangjian_domain::path;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{ROWS_PER_INSERT, Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct OrgRow {
        pub id: i64,
        pub parent_id: Option<i64>,
        pub path: String,
        pub depth: i64,
        pub kind: String,
        pub owner: String,
        pub name: String,
        pub code: String,
        pub secretary: Option<String>,
        pub opened_on: String,
        pub closed_on: Option<String>,
    }
}

const COLS: &str =
    "id, parent_id, path, depth, kind, owner, name, code, secretary, opened_on, closed_on";

fn rows(rs: Vec<AnyRow>) -> Result<Vec<OrgRow>> {
    rs.iter().map(OrgRow::read).collect()
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<OrgRow>> {
    let sql = format!("SELECT {COLS} FROM org WHERE id = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(OrgRow::read).transpose()
}

pub async fn get_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<OrgRow>> {
    let sql = format!("SELECT {COLS} FROM org WHERE code = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(OrgRow::read).transpose()
}

/// The open villages and communities (the towns' children set up in one) with their
/// town's name, by path: where a member may report (双报到).
/// Open villages and communities with their town's name, in the order of their codes (the
/// administrative order residents know).
pub async fn communities(conn: &mut AnyConnection) -> Result<Vec<(i64, String, String)>> {
    let rs = sqlx::query(
        "SELECT c.id, c.name, t.name AS town FROM org c JOIN org t ON t.id = c.parent_id \
         WHERE c.depth = 3 AND c.owner IN ('village', 'community') AND c.closed_on IS NULL \
         AND c.kind NOT IN ('party_group', 'grid_group') ORDER BY t.code, c.code, c.id",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("town")?)))
        .collect()
}

/// Which of `codes` some org (open or closed, anywhere) already uses.
pub async fn existing_codes(
    conn: &mut AnyConnection,
    codes: &[String],
) -> Result<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in codes.chunks(ROWS_PER_INSERT / 2) {
        let mut sql = Sql::new("SELECT code FROM org WHERE code IN (");
        for (i, c) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.text(c.as_str());
        }
        sql.push(")");
        for r in sql.fetch_all(conn).await? {
            found.insert(r.try_get::<String, _>("code")?);
        }
    }
    Ok(found)
}

/// The nodes on the way from the root down to `path` (inclusive), in that order.
pub async fn ancestors(conn: &mut AnyConnection, node_path: &str) -> Result<Vec<OrgRow>> {
    let ids = path::ids(node_path);
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE id IN ("));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.int(*id);
    }
    sql.push(") ORDER BY depth");
    rows(sql.fetch_all(conn).await?)
}

pub async fn children(conn: &mut AnyConnection, parent_id: i64) -> Result<Vec<OrgRow>> {
    let sql =
        format!("SELECT {COLS} FROM org WHERE parent_id = $1 ORDER BY closed_on IS NOT NULL, code");
    rows(
        sqlx::query(AssertSqlSafe(sql))
            .bind(parent_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Open organizations of the given kinds inside a subtree, by code, at most `limit`.
pub async fn in_subtree(
    conn: &mut AnyConnection,
    root_path: &str,
    kinds: &[&str],
    limit: i64,
) -> Result<Vec<OrgRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE path >= "));
    sql.text(root_path)
        .push(" AND path < ")
        .text(path::upper(root_path));
    sql.push(" AND closed_on IS NULL AND kind")
        .texts_in(kinds)
        .push(" ORDER BY path LIMIT ")
        .int(limit);
    rows(sql.fetch_all(conn).await?)
}

/// Open organizations of the given kinds inside a subtree (the root included), of one owner
/// when asked, as the statistics count them: a page by path, and how many there are.
pub async fn open_page(
    conn: &mut AnyConnection,
    root_path: &str,
    (kinds, owner): (&[&str], Option<&str>),
    (limit, offset): (i64, i64),
) -> Result<(Vec<OrgRow>, i64)> {
    let filter = |sql: &mut Sql| {
        sql.text(root_path)
            .push(" AND path < ")
            .text(path::upper(root_path));
        sql.push(" AND closed_on IS NULL AND kind").texts_in(kinds);
        if let Some(o) = owner {
            sql.push(" AND owner = ").text(o);
        }
    };
    let mut count = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM org WHERE path >= ");
    filter(&mut count);
    let total: i64 = count.fetch_one(&mut *conn).await?.try_get("n")?;
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE path >= "));
    filter(&mut sql);
    sql.push(" ORDER BY path LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    Ok((rows(sql.fetch_all(conn).await?)?, total))
}

/// The nodes with the given ids, in no particular order.
pub async fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<OrgRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE id IN ("));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.int(*id);
    }
    sql.push(")");
    rows(sql.fetch_all(conn).await?)
}

/// Every node of the given kinds inside a subtree, closed ones included.
pub async fn in_subtree_all(
    conn: &mut AnyConnection,
    root_path: &str,
    kinds: &[&str],
) -> Result<Vec<OrgRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE path >= "));
    sql.text(root_path)
        .push(" AND path < ")
        .text(path::upper(root_path));
    sql.push(" AND kind").texts_in(kinds);
    rows(sql.fetch_all(conn).await?)
}

/// Organizations inside a subtree whose name or code contains `q`.
pub async fn search(
    conn: &mut AnyConnection,
    root_path: &str,
    q: &str,
    limit: i64,
) -> Result<Vec<OrgRow>> {
    let pattern = format!("%{}%", q.replace(['%', '_', '\\'], ""));
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM org WHERE path >= "));
    sql.text(root_path)
        .push(" AND path < ")
        .text(path::upper(root_path));
    sql.push(" AND (name LIKE ")
        .text(pattern.clone())
        .push(" OR code LIKE ")
        .text(pattern);
    sql.push(") ORDER BY depth, code LIMIT ").int(limit);
    rows(sql.fetch_all(conn).await?)
}

impl OrgRow {
    pub fn place(&self) -> Place<'_> {
        Place {
            id: self.id,
            path: &self.path,
        }
    }
}

/// Where a node sits: what inserting under it or moving it needs.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub id: i64,
    pub path: &'a str,
}

pub struct NewOrg<'a> {
    pub parent: Option<Place<'a>>,
    pub kind: &'a str,
    pub owner: &'a str,
    pub name: &'a str,
    pub code: &'a str,
    pub secretary: Option<&'a str>,
    pub opened_on: &'a str,
}

/// Inserts a node; its path needs its id, so the row is written with a placeholder first.
pub async fn insert(conn: &mut AnyConnection, o: &NewOrg<'_>) -> Result<OrgRow> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO org (parent_id, path, depth, kind, owner, name, code, secretary, opened_on, created_at, updated_at) \
         VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(o.parent.map(|p| p.id))
    .bind(format!("new:{}", o.code))
    .bind(o.kind)
    .bind(o.owner)
    .bind(o.name)
    .bind(o.code)
    .bind(o.secretary)
    .bind(o.opened_on)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    let node_path = path::child(o.parent.map(|p| p.path), id);
    sqlx::query("UPDATE org SET path = $1, depth = $2 WHERE id = $3")
        .bind(&node_path)
        .bind(i64::from(path::depth(&node_path)))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    get(conn, id)
        .await?
        .ok_or_else(|| crate::StoreError::Other("inserted org vanished".into()))
}

/// Writes many nodes with ids and paths chosen by the caller (demo and imports).
pub async fn insert_bulk(conn: &mut AnyConnection, orgs: &[OrgRow]) -> Result<()> {
    let now = now_ms();
    const ORGS: Insert = Insert {
        table: "org",
        columns: &[
            ("id", Ty::Int),
            ("parent_id", Ty::Int),
            ("path", Ty::Text),
            ("depth", Ty::Int),
            ("kind", Ty::Text),
            ("owner", Ty::Text),
            ("name", Ty::Text),
            ("code", Ty::Text),
            ("secretary", Ty::Text),
            ("opened_on", Ty::Text),
            ("closed_on", Ty::Text),
            ("created_at", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    ORGS.rows(
        conn,
        orgs.iter().map(|o| -> [Val<'_>; 13] {
            [
                o.id.into(),
                o.parent_id.into(),
                (&o.path).into(),
                o.depth.into(),
                (&o.kind).into(),
                (&o.owner).into(),
                (&o.name).into(),
                (&o.code).into(),
                o.secretary.as_ref().into(),
                (&o.opened_on).into(),
                o.closed_on.as_ref().into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;
    Ok(())
}

pub async fn rename(conn: &mut AnyConnection, id: i64, name: &str) -> Result<()> {
    sqlx::query("UPDATE org SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_secretary(
    conn: &mut AnyConnection,
    id: i64,
    secretary: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE org SET secretary = $1, updated_at = $2 WHERE id = $3")
        .bind(secretary)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn close(conn: &mut AnyConnection, id: i64, on: &str) -> Result<()> {
    sqlx::query("UPDATE org SET closed_on = $1, updated_at = $2 WHERE id = $3")
        .bind(on)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Re-roots the subtree of `node` under `new_parent`: the node's and every descendant's
/// path and depth, and the denormalised paths of their members.
pub async fn move_subtree(
    conn: &mut AnyConnection,
    node: Place<'_>,
    new_parent: Place<'_>,
) -> Result<String> {
    let new_path = path::child(Some(new_parent.path), node.id);
    let shift = path::depth(&new_path) - path::depth(node.path);
    let old_len = node.path.chars().count() as i64;
    let upper = path::upper(node.path);
    sqlx::query(
        "UPDATE org SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3, updated_at = $4 WHERE path >= $5 AND path < $6",
    )
    .bind(&new_path)
    .bind(old_len + 1)
    .bind(i64::from(shift))
    .bind(now_ms())
    .bind(node.path)
    .bind(&upper)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE org SET parent_id = $1 WHERE id = $2")
        .bind(new_parent.id)
        .bind(node.id)
        .execute(&mut *conn)
        .await?;
    // Every table that keeps a copy of its org's path for subtree queries follows the move.
    let copies = [
        ("member", "org_path"),
        ("meeting", "org_path"),
        ("annual_review", "org_path"),
        ("life_behind", "org_path"),
        ("transfer", "from_path"),
        ("transfer", "to_path"),
        ("recruit", "org_path"),
        ("grid", "org_path"),
        ("household", "org_path"),
        ("deed", "org_path"),
        ("community_report", "member_path"),
        ("community_report", "community_path"),
        ("service_unit", "org_path"),
        ("request", "community_path"),
        ("request", "department_path"),
        ("evaluation_period", "org_path"),
        ("evaluation_response", "member_path"),
        ("evaluation_publication", "org_path"),
        ("star_rating", "org_path"),
        ("weak_flag", "org_path"),
        ("weak_listing", "org_path"),
        ("red_flag", "org_path"),
        ("contact_point", "org_path"),
        ("problem", "org_path"),
        ("secretary_rating", "org_path"),
        ("service_project", "org_path"),
    ];
    for (table, col) in copies {
        let sql = format!(
            "UPDATE {table} SET {col} = $1 || substr({col}, CAST($2 AS INTEGER)) WHERE {col} >= $3 AND {col} < $4"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(&new_path)
            .bind(old_len + 1)
            .bind(node.path)
            .bind(&upper)
            .execute(&mut *conn)
            .await?;
    }
    Ok(new_path)
}

row! {
    #[derive(Debug, Clone)]
    pub struct OrgEvent {
        pub kind: String,
        pub effective_on: String,
        pub old_value: Option<String>,
        pub new_value: Option<String>,
        pub actor_id: Option<i64>,
        pub at: i64,
    }
}

pub async fn add_event(conn: &mut AnyConnection, org_id: i64, e: &OrgEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO org_event (org_id, kind, effective_on, old_value, new_value, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(org_id)
    .bind(&e.kind)
    .bind(&e.effective_on)
    .bind(&e.old_value)
    .bind(&e.new_value)
    .bind(e.actor_id)
    .bind(e.at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<OrgEvent>> {
    let rs = sqlx::query(
        "SELECT kind, effective_on, old_value, new_value, actor_id, at FROM org_event WHERE org_id = $1 ORDER BY effective_on, id",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(OrgEvent::read).collect()
}

/// Every open node with its path, kind and owner: the input of a rollup rebuild.
pub async fn all_open(conn: &mut AnyConnection) -> Result<Vec<(String, String, String)>> {
    let rs = sqlx::query("SELECT path, kind, owner FROM org WHERE closed_on IS NULL")
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("path")?, r.try_get("kind")?, r.try_get("owner")?)))
        .collect()
}

/// PostgreSQL identity sequences do not advance when ids are given explicitly.
pub async fn reset_sequences(conn: &mut AnyConnection) -> Result<()> {
    for table in [
        "org",
        "member",
        "org_event",
        "app_user",
        "meeting",
        "meeting_rule",
        "annual_review",
        "grid",
        "household",
        "community_report",
        "service_unit",
        "request_department",
        "request_category",
        "request",
        "evaluation_period",
        "evaluation_response",
        "contact_point",
        "contact_visit",
        "problem",
        "secretary_rating",
        "service_project",
        "person",
        "election",
        "reserve_cadre",
        "resident_team",
        "resident_cadre",
        "studio",
        "enterprise",
        "enterprise_helper",
        "task_force",
        "task_force_meeting",
        "volunteer_activity",
        "volunteer",
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The names of the given orgs, by id (ids not found are left out).
pub async fn names(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut sql = Sql::new("SELECT id, name FROM org WHERE id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.int(*id);
        }
        sql.push(")");
        for r in sql.fetch_all(&mut *conn).await? {
            out.push((r.try_get("id")?, r.try_get("name")?));
        }
    }
    Ok(out)
}
