//! 支部委员会 in SQL: the posts of a committee and their holders over time.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct PostRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub member_id: i64,
        pub member_name: String,
        pub post: String,
        pub started_on: String,
        pub ended_on: Option<String>,
    }
}

const COLS: &str = "p.id, p.org_id, o.path AS org_path, p.member_id, m.name AS member_name, p.post, \
    p.started_on, p.ended_on \
    FROM committee_post p JOIN org o ON o.id = p.org_id JOIN member m ON m.id = p.member_id";

/// The committee of an org: the posts held now, or also those ended (newest first after the
/// current ones).
pub async fn posts(
    conn: &mut AnyConnection,
    org_id: i64,
    with_ended: bool,
) -> Result<Vec<PostRow>> {
    let sql = format!(
        "SELECT {COLS} WHERE p.org_id = $1{} \
         ORDER BY CASE WHEN p.ended_on IS NULL THEN 0 ELSE 1 END, p.ended_on DESC, p.id",
        if with_ended {
            ""
        } else {
            " AND p.ended_on IS NULL"
        }
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(PostRow::read).collect()
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<PostRow>> {
    let sql = format!("SELECT {COLS} WHERE p.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(PostRow::read).transpose()
}

pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    member_id: i64,
    post: &str,
    started_on: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO committee_post (org_id, member_id, post, started_on, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(member_id)
    .bind(post)
    .bind(started_on)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    crate::rollup::recount_committees(conn, org_id).await?;
    Ok(r.try_get("id")?)
}

/// Ends a post held now; false when it had already ended.
pub async fn end(conn: &mut AnyConnection, id: i64, ended_on: &str) -> Result<bool> {
    let r =
        sqlx::query("UPDATE committee_post SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
            .bind(ended_on)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    recount_post_org(conn, "committee_post", id).await?;
    Ok(r.rows_affected() == 1)
}

/// Recounts the committees of the organization a post belongs to (after it ended).
pub(crate) async fn recount_post_org(conn: &mut AnyConnection, table: &str, id: i64) -> Result<()> {
    let mut sql = Sql::new(&format!("SELECT org_id FROM {table} WHERE id = "));
    sql.int(id);
    for org in sql.fetch_ints(conn).await? {
        crate::rollup::recount_committees(conn, org).await?;
    }
    Ok(())
}

/// Ends the posts a member holds in organizations that no longer contain them (they moved
/// to `new_path`, or left: the empty path) and recounts those committees; returns the
/// organizations and posts ended. A member moving between the branches of one village keeps
/// their post on the village's committee.
pub async fn end_for_member(
    conn: &mut AnyConnection,
    member_id: i64,
    new_path: &str,
    ended_on: &str,
) -> Result<Vec<(i64, String)>> {
    let mut held = Sql::new(
        "SELECT c.id, c.org_id, c.post FROM committee_post c JOIN org o ON o.id = c.org_id \
         WHERE c.ended_on IS NULL AND c.member_id = ",
    );
    held.int(member_id);
    if !new_path.is_empty() {
        held.push(" AND ")
            .text(new_path)
            .push(" NOT LIKE o.path || '%'");
    }
    let mut ids = Vec::new();
    let mut ended = Vec::new();
    for r in held.fetch_all(conn).await? {
        ids.push(r.try_get::<i64, _>("id")?);
        ended.push((
            r.try_get::<i64, _>("org_id")?,
            r.try_get::<String, _>("post")?,
        ));
    }
    if ids.is_empty() {
        return Ok(ended);
    }
    let mut sql = Sql::new("UPDATE committee_post SET ended_on = ");
    sql.text(ended_on).push(" WHERE id");
    sql.ints_in(&ids);
    sql.execute(conn).await?;
    let mut orgs: Vec<i64> = ended.iter().map(|(o, _)| *o).collect();
    orgs.sort_unstable();
    orgs.dedup();
    for org in orgs {
        crate::rollup::recount_committees(conn, org).await?;
    }
    Ok(ended)
}

/// Committees for the demo: `(org_id, member_id, post, started_on)`.
pub async fn insert_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, &str, String)],
) -> Result<()> {
    const POSTS: Insert = Insert {
        table: "committee_post",
        columns: &[
            ("org_id", Ty::Int),
            ("member_id", Ty::Int),
            ("post", Ty::Text),
            ("started_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    POSTS
        .rows(
            conn,
            rows.iter().map(|(org, member, post, on)| -> [Val<'_>; 5] {
                [
                    (*org).into(),
                    (*member).into(),
                    (*post).into(),
                    on.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// Names each org's secretary after the holder of its 书记 post (the demo, after its
/// committees are written).
pub async fn name_secretaries(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query(
        "UPDATE org SET secretary = (SELECT m.name FROM committee_post p JOIN member m ON m.id = p.member_id \
         WHERE p.org_id = org.id AND p.post = 'secretary' AND p.ended_on IS NULL) \
         WHERE EXISTS (SELECT 1 FROM committee_post p WHERE p.org_id = org.id AND p.post = 'secretary' AND p.ended_on IS NULL)",
    )
    .execute(conn)
    .await?;
    Ok(())
}
