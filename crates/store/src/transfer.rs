//! 组织关系转接 in SQL: transfers, seen from both sides, and each member's organizations.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct TransferRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub kind: String,
        pub state: String,
        pub from_org_id: Option<i64>,
        pub from_org_name: Option<String>,
        pub from_path: String,
        pub to_org_id: Option<i64>,
        pub to_org_name: Option<String>,
        pub to_path: String,
        pub outside_org: String,
        pub letter_no: String,
        pub valid_until: Option<String>,
        pub dues_paid_to: Option<String>,
        pub reason: String,
        pub note: String,
        /// Epoch milliseconds.
        pub requested_at: i64,
        pub decided_at: Option<i64>,
        pub done_at: Option<i64>,
    }
}

const COLS: &str = "t.id, t.member_id, t.member_name, t.kind, t.state, t.from_org_id, f.name AS from_org_name, t.from_path, \
    t.to_org_id, o.name AS to_org_name, t.to_path, t.outside_org, t.letter_no, t.valid_until, t.dues_paid_to, t.reason, t.note, \
    t.requested_at, t.decided_at, t.done_at \
    FROM transfer t LEFT JOIN org f ON f.id = t.from_org_id LEFT JOIN org o ON o.id = t.to_org_id";

pub struct NewTransfer<'a> {
    pub member_id: i64,
    pub member_name: &'a str,
    pub kind: &'a str,
    pub state: &'a str,
    pub from_org_id: Option<i64>,
    pub from_path: &'a str,
    pub to_org_id: Option<i64>,
    pub to_path: &'a str,
    pub outside_org: &'a str,
    pub letter_no: &'a str,
    pub dues_paid_to: Option<&'a str>,
    pub reason: &'a str,
    pub by: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, t: &NewTransfer<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO transfer (member_id, member_name, kind, state, from_org_id, from_path, to_org_id, to_path, outside_org, \
         letter_no, dues_paid_to, reason, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(t.member_id)
    .bind(t.member_name)
    .bind(t.kind)
    .bind(t.state)
    .bind(t.from_org_id)
    .bind(t.from_path)
    .bind(t.to_org_id)
    .bind(t.to_path)
    .bind(t.outside_org)
    .bind(t.letter_no)
    .bind(t.dues_paid_to)
    .bind(t.reason)
    .bind(t.by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<TransferRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE t.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(TransferRow::read).transpose()
}

/// Transfers with either side inside the subtree at `root_path`, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    root_path: &str,
    state: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TransferRow>, i64)> {
    let upper = dangjian_domain::path::upper(root_path);
    let filter = |sql: &mut Sql| {
        sql.push(" WHERE ((t.from_path >= ").text(root_path);
        sql.push(" AND t.from_path < ").text(upper.as_str());
        sql.push(") OR (t.to_path >= ").text(root_path);
        sql.push(" AND t.to_path < ")
            .text(upper.as_str())
            .push("))");
        if let Some(s) = state {
            sql.push(" AND t.state = ").text(s);
        }
    };
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM transfer t");
    filter(&mut count);
    let total: i64 = count.fetch_one(conn).await?.try_get("n")?;
    let mut sql = Sql::new(&format!("SELECT {COLS}"));
    filter(&mut sql);
    sql.push(" ORDER BY t.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        rows.iter().map(TransferRow::read).collect::<Result<_>>()?,
        total,
    ))
}

/// A member's open transfer (requested or approved), if any.
pub async fn open_for(conn: &mut AnyConnection, member_id: i64) -> Result<Option<TransferRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE t.member_id = $1 AND t.state IN ('requested', 'approved') ORDER BY t.id DESC LIMIT 1"
    )))
    .bind(member_id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(TransferRow::read).transpose()
}

pub async fn for_member(conn: &mut AnyConnection, member_id: i64) -> Result<Vec<TransferRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE t.member_id = $1 ORDER BY t.id DESC"
    )))
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(TransferRow::read).collect()
}

/// What a step changes besides the state.
#[derive(Default)]
pub struct Step<'a> {
    pub letter_no: Option<&'a str>,
    pub valid_until: Option<&'a str>,
    pub note: Option<&'a str>,
    /// A decision (approve, reject on request) or an ending (receive, reject later, expire).
    pub decided: bool,
}

/// Moves a transfer from `from_state` to `to_state`; false when it was no longer in
/// `from_state` (a double click, or the other side acted first).
pub async fn step(
    conn: &mut AnyConnection,
    id: i64,
    from_state: &str,
    to_state: &str,
    by: Option<i64>,
    s: &Step<'_>,
) -> Result<bool> {
    let now = now_ms();
    let mut sql = Sql::new("UPDATE transfer SET state = ");
    sql.text(to_state);
    if let Some(l) = s.letter_no {
        sql.push(", letter_no = ").text(l);
    }
    if let Some(v) = s.valid_until {
        sql.push(", valid_until = ").text(v);
    }
    if let Some(n) = s.note {
        sql.push(", note = ").text(n);
    }
    if s.decided {
        sql.push(", decided_by = ")
            .opt_int(by)
            .push(", decided_at = ")
            .int(now);
    } else {
        sql.push(", done_by = ")
            .opt_int(by)
            .push(", done_at = ")
            .int(now);
    }
    sql.push(" WHERE id = ")
        .int(id)
        .push(" AND state = ")
        .text(from_state);
    Ok(sql.execute(conn).await? == 1)
}

/// Letters whose validity ran out before anyone received them.
pub async fn expire_due(conn: &mut AnyConnection, today: &str) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE transfer SET state = 'expired', done_at = $1 WHERE state = 'approved' AND valid_until < $2",
    )
    .bind(now_ms())
    .bind(today)
    .execute(conn)
    .await?
    .rows_affected())
}

row! {
    #[derive(Debug, Clone)]
    pub struct MembershipRow {
        pub org_id: Option<i64>,
        pub org_name: String,
        pub from_date: String,
        pub to_date: Option<String>,
        pub transfer_id: Option<i64>,
    }
}

pub async fn history(conn: &mut AnyConnection, member_id: i64) -> Result<Vec<MembershipRow>> {
    let rows = sqlx::query(
        "SELECT org_id, org_name, from_date, to_date, transfer_id FROM membership WHERE member_id = $1 ORDER BY from_date, id",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(MembershipRow::read).collect()
}

/// Closes the member's current organization on `on` and, unless they left, opens the next.
pub async fn change_membership(
    conn: &mut AnyConnection,
    member_id: i64,
    on: &str,
    next: Option<(Option<i64>, &str)>,
    transfer_id: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE membership SET to_date = $1 WHERE member_id = $2 AND to_date IS NULL")
        .bind(on)
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    if let Some((org_id, name)) = next {
        open_membership(conn, member_id, org_id, name, on, transfer_id).await?;
    }
    Ok(())
}

pub async fn open_membership(
    conn: &mut AnyConnection,
    member_id: i64,
    org_id: Option<i64>,
    org_name: &str,
    from: &str,
    transfer_id: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO membership (member_id, org_id, org_name, from_date, transfer_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(member_id)
    .bind(org_id)
    .bind(org_name)
    .bind(from)
    .bind(transfer_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Names the organization a member belonged to before `until` as one outside the district
/// (a member registered on a transfer in: their first line ends the day they arrived).
pub async fn mark_outside_until(
    conn: &mut AnyConnection,
    member_id: i64,
    outside: &str,
    until: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE membership SET org_id = NULL, org_name = $1 WHERE member_id = $2 AND to_date = $3 AND transfer_id IS NULL",
    )
    .bind(outside)
    .bind(member_id)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every member's first organization from their join date (the demo, after a bulk load).
pub async fn fill_memberships(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query(
        "INSERT INTO membership (member_id, org_id, org_name, from_date) \
         SELECT m.id, m.org_id, o.name, m.join_date FROM member m JOIN org o ON o.id = m.org_id \
         WHERE NOT EXISTS (SELECT 1 FROM membership x WHERE x.member_id = m.id)",
    )
    .execute(conn)
    .await?;
    Ok(())
}
