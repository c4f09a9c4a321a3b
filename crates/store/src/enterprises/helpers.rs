//! Instructors, leaders who look after enterprises and factory liaisons (`enterprise_helper`)
//! with their visits (`enterprise_visit`), and the figures of a period counted from them.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// An assignment of a member to a unit, with the unit's place and its visits so far.
    #[derive(Debug, Clone)]
    pub struct HelperRow {
        pub id: i64,
        pub enterprise_id: i64,
        pub enterprise_name: String,
        /// The path of the organization the unit lies under: who sees the assignment.
        pub org_path: String,
        pub member_id: i64,
        pub member_name: String,
        pub role: String,
        pub start_on: String,
        pub end_on: Option<String>,
        pub visits: i64,
        pub last_visit: Option<String>,
    }
}

const HELPER: &str = "SELECT h.id, h.enterprise_id, x.name AS enterprise_name, o.path AS org_path, \
    h.member_id, m.name AS member_name, h.role, h.start_on, h.end_on, \
    (SELECT COUNT(*) FROM enterprise_visit v WHERE v.helper_id = h.id) AS visits, \
    (SELECT MAX(v.visited_on) FROM enterprise_visit v WHERE v.helper_id = h.id) AS last_visit \
    FROM enterprise_helper h JOIN enterprise x ON x.id = h.enterprise_id \
    JOIN org o ON o.id = x.org_id JOIN member m ON m.id = h.member_id";

/// Every assignment to a unit, those open or ending latest first.
pub async fn of_enterprise(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<HelperRow>> {
    let mut sql = Sql::new(&format!("{HELPER} WHERE h.enterprise_id = "));
    sql.int(enterprise_id).push(
        " ORDER BY CASE WHEN h.end_on IS NULL THEN 0 ELSE 1 END, h.end_on DESC, h.role, h.id",
    );
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(HelperRow::read)
        .collect()
}

pub async fn helper(conn: &mut AnyConnection, id: i64) -> Result<Option<HelperRow>> {
    let mut sql = Sql::new(&format!("{HELPER} WHERE h.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(HelperRow::read)
        .transpose()
}

/// ` AND` the assignment (`h`) is in force on `day`.
fn in_force_on(sql: &mut Sql, day: &str) {
    sql.push(" AND h.start_on <= ")
        .text(day)
        .push(" AND (h.end_on IS NULL OR h.end_on >= ")
        .text(day)
        .push(")");
}

/// The units a member looks after in a role on `day`.
pub async fn units_of(
    conn: &mut AnyConnection,
    member_id: i64,
    role: &str,
    day: &str,
) -> Result<Vec<i64>> {
    let mut sql = Sql::new("SELECT h.enterprise_id FROM enterprise_helper h WHERE h.member_id = ");
    sql.int(member_id).push(" AND h.role = ").text(role);
    in_force_on(&mut sql, day);
    sql.fetch_ints(conn).await
}

/// An assignment as written.
pub struct HelperWrite<'a> {
    pub enterprise_id: i64,
    pub member_id: i64,
    pub role: &'a str,
    pub start_on: &'a str,
    pub end_on: Option<&'a str>,
    pub by: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, w: &HelperWrite<'_>) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO enterprise_helper (enterprise_id, member_id, role, start_on, end_on, \
         created_by, created_at) VALUES (",
    );
    sql.int(w.enterprise_id)
        .push(", ")
        .int(w.member_id)
        .push(", ")
        .text(w.role)
        .push(", ")
        .text(w.start_on)
        .push(", ")
        .opt_text(w.end_on.map(str::to_string))
        .push(", ")
        .opt_int(w.by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Ends an assignment on `on`; false when it was ended (or its term ran out) first.
pub async fn end(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let mut sql = Sql::new("UPDATE enterprise_helper SET end_on = ");
    sql.text(on)
        .push(" WHERE id = ")
        .int(id)
        .push(" AND (end_on IS NULL OR end_on > ")
        .text(on)
        .push(")");
    Ok(sql.execute(conn).await? == 1)
}

row! {
    /// A visit with who made it.
    #[derive(Debug, Clone)]
    pub struct VisitRow {
        pub id: i64,
        pub helper_id: i64,
        pub member_name: String,
        pub role: String,
        pub visited_on: String,
        pub days: i64,
        pub content: String,
    }
}

pub async fn insert_visit(
    conn: &mut AnyConnection,
    helper_id: i64,
    visited_on: &str,
    days: i64,
    content: &str,
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO enterprise_visit (helper_id, visited_on, days, content, created_by, \
         created_at) VALUES (",
    );
    sql.int(helper_id)
        .push(", ")
        .text(visited_on)
        .push(", ")
        .int(days)
        .push(", ")
        .text(content)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// The latest visits to a unit, most recent first.
pub async fn visits_of(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    limit: i64,
) -> Result<Vec<VisitRow>> {
    let mut sql = Sql::new(
        "SELECT v.id, v.helper_id, m.name AS member_name, h.role, v.visited_on, v.days, \
         v.content FROM enterprise_visit v JOIN enterprise_helper h ON h.id = v.helper_id \
         JOIN member m ON m.id = h.member_id WHERE h.enterprise_id = ",
    );
    sql.int(enterprise_id)
        .push(" ORDER BY v.visited_on DESC, v.id DESC LIMIT ")
        .int(limit);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(VisitRow::read)
        .collect()
}

/// A period to count visits in, and the role and subtree whose helpers count.
pub struct Period<'a> {
    pub root_path: &'a str,
    pub role: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

row! {
    /// One helper's period: the units they looked after in it (below the level), their visits
    /// and days on site.
    #[derive(Debug, Clone)]
    pub struct HelperPeriodRow {
        pub member_id: i64,
        pub member_name: String,
        pub units: i64,
        pub visits: i64,
        pub days: i64,
    }
}

/// Appends, per helper in the role with an assignment below the level at some time in the
/// period: `SELECT member_id, units, visits, days`, and `member_name` when `named` (the
/// counts need no names: reading them for every helper costs a district as much again).
fn per_helper(sql: &mut Sql, p: &Period<'_>, named: bool) {
    let (name, member) = if named {
        (
            "m.name AS member_name, ",
            "JOIN member m ON m.id = h.member_id ",
        )
    } else {
        ("", "")
    };
    sql.push(&format!(
        "SELECT h.member_id, {name}COUNT(DISTINCT h.enterprise_id) AS units, \
         COUNT(v.id) AS visits, CAST(COALESCE(SUM(v.days), 0) AS BIGINT) AS days \
         FROM enterprise_helper h JOIN enterprise x ON x.id = h.enterprise_id \
         JOIN org o ON o.id = x.org_id {member}\
         LEFT JOIN enterprise_visit v ON v.helper_id = h.id AND v.visited_on >= "
    ));
    sql.text(p.from)
        .push(" AND v.visited_on <= ")
        .text(p.to)
        .push(" WHERE h.role = ")
        .text(p.role)
        .push(" AND h.start_on <= ")
        .text(p.to)
        .push(" AND (h.end_on IS NULL OR h.end_on >= ")
        .text(p.from)
        .push(")");
    sql.within("o.path", p.root_path);
    sql.push(if named {
        " GROUP BY h.member_id, m.name"
    } else {
        " GROUP BY h.member_id"
    });
}

/// A page of helpers' periods by name.
pub async fn periods(
    conn: &mut AnyConnection,
    p: &Period<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<HelperPeriodRow>> {
    let mut sql = Sql::new("");
    per_helper(&mut sql, p, true);
    sql.push(" ORDER BY m.name, h.member_id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(HelperPeriodRow::read)
        .collect()
}

/// Helpers in the role in the period (as many as [`periods`] lists), and those whose `days` (or `visits`) reach `least`.
pub async fn period_summary(
    conn: &mut AnyConnection,
    p: &Period<'_>,
    by_days: bool,
    least: i64,
) -> Result<(i64, i64)> {
    let column = if by_days { "days" } else { "visits" };
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS in_post, CAST(COALESCE(SUM(CASE WHEN t.{column} >= "
    ));
    sql.int(least)
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS met FROM (");
    per_helper(&mut sql, p, false);
    sql.push(") t");
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("in_post")?, r.try_get("met")?))
}

/// An assignment as the demo writes it.
pub struct HelperLoad {
    pub id: i64,
    pub enterprise_id: i64,
    pub member_id: i64,
    pub role: &'static str,
    pub start_on: String,
    pub end_on: Option<String>,
}

/// A visit as the demo writes it.
pub struct VisitLoad {
    pub helper_id: i64,
    pub visited_on: String,
    pub days: i64,
    pub content: &'static str,
}

/// Writes the demo's assignments and visits at once.
pub async fn insert_bulk(
    conn: &mut AnyConnection,
    helpers: &[HelperLoad],
    visits: &[VisitLoad],
) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const HELPERS: Insert = Insert {
        table: "enterprise_helper",
        columns: &[
            ("id", Ty::Int),
            ("enterprise_id", Ty::Int),
            ("member_id", Ty::Int),
            ("role", Ty::Text),
            ("start_on", Ty::Text),
            ("end_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const VISITS: Insert = Insert {
        table: "enterprise_visit",
        columns: &[
            ("helper_id", Ty::Int),
            ("visited_on", Ty::Text),
            ("days", Ty::Int),
            ("content", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    HELPERS
        .rows(
            conn,
            helpers.iter().map(|h| -> [Val<'_>; 7] {
                [
                    h.id.into(),
                    h.enterprise_id.into(),
                    h.member_id.into(),
                    h.role.into(),
                    (&h.start_on).into(),
                    h.end_on.as_ref().into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    VISITS
        .rows(
            conn,
            visits.iter().map(|v| -> [Val<'_>; 5] {
                [
                    v.helper_id.into(),
                    (&v.visited_on).into(),
                    v.days.into(),
                    v.content.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}
