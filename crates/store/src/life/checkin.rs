//! Self check-in: a code the host opens for a meeting window, and who checked in with it.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct CheckinRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub kind: String,
        pub topic: String,
        pub code: String,
        /// Epoch milliseconds.
        pub opens_at: i64,
        pub closes_at: i64,
        pub meeting_id: Option<i64>,
    }
}

const COLS: &str = "c.id, c.org_id, o.name AS org_name, o.path AS org_path, c.kind, c.topic, c.code, c.opens_at, c.closes_at, c.meeting_id \
    FROM checkin c JOIN org o ON o.id = c.org_id";

pub struct CheckinWrite<'a> {
    pub org_id: i64,
    pub kind: &'a str,
    pub topic: &'a str,
    pub code: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub created_by: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, c: &CheckinWrite<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO checkin (org_id, kind, topic, code, opens_at, closes_at, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.org_id)
    .bind(c.kind)
    .bind(c.topic)
    .bind(c.code)
    .bind(c.opens_at)
    .bind(c.closes_at)
    .bind(c.created_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<CheckinRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(CheckinRow::read).transpose()
}

/// The windows open at `now` with this code (codes repeat only across closed windows).
pub async fn open_with_code(
    conn: &mut AnyConnection,
    code: &str,
    now: i64,
) -> Result<Vec<CheckinRow>> {
    let rs = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE c.code = $1 AND c.closes_at > $2 AND c.opens_at <= $2"
    )))
    .bind(code)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rs.iter().map(CheckinRow::read).collect()
}

/// Whether a code is taken by a window that has not closed yet.
pub async fn code_in_use(conn: &mut AnyConnection, code: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("SELECT COUNT(*) AS n FROM checkin WHERE code = $1 AND closes_at > $2")
        .bind(code)
        .bind(now)
        .fetch_one(conn)
        .await?;
    Ok(r.try_get::<i64, _>("n")? > 0)
}

/// Records a member's check-in; false when they had already checked in.
pub async fn add_member(conn: &mut AnyConnection, checkin_id: i64, member_id: i64) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO checkin_member (checkin_id, member_id, checked_in_at) VALUES ($1, $2, $3) \
         ON CONFLICT (checkin_id, member_id) DO NOTHING",
    )
    .bind(checkin_id)
    .bind(member_id)
    .bind(now_ms())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Who checked in, in order: (member id, name, epoch ms).
pub async fn members(conn: &mut AnyConnection, checkin_id: i64) -> Result<Vec<(i64, String, i64)>> {
    let rs = sqlx::query(
        "SELECT c.member_id, m.name, c.checked_in_at FROM checkin_member c JOIN member m ON m.id = c.member_id \
         WHERE c.checkin_id = $1 ORDER BY c.checked_in_at, c.member_id",
    )
    .bind(checkin_id)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("member_id")?,
                r.try_get("name")?,
                r.try_get("checked_in_at")?,
            ))
        })
        .collect()
}

/// Ties a window to the meeting recorded from it and closes it; false if it was already used.
pub async fn link_meeting(
    conn: &mut AnyConnection,
    checkin_id: i64,
    meeting_id: i64,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE checkin SET meeting_id = $1, closes_at = CASE WHEN closes_at > $2 THEN $2 ELSE closes_at END \
         WHERE id = $3 AND meeting_id IS NULL",
    )
    .bind(meeting_id)
    .bind(now)
    .bind(checkin_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}
