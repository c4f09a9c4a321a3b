//! Contact points, their visits, the problem ledger and the calendar's corrections in SQL.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

/// The district's calendar entries: `(day, kind, note)`, by day.
pub async fn calendar(conn: &mut AnyConnection) -> Result<Vec<(String, String, String)>> {
    let rs = sqlx::query("SELECT day, kind, note FROM work_calendar ORDER BY day")
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("day")?, r.try_get("kind")?, r.try_get("note")?)))
        .collect()
}

pub async fn set_day(
    conn: &mut AnyConnection,
    day: &str,
    kind: &str,
    note: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO work_calendar (day, kind, note, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note, \
         set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(day)
    .bind(kind)
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct PointRow {
        pub id: i64,
        pub leader_name: String,
        pub leader_title: String,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub started_on: String,
        pub ended_on: Option<String>,
        /// Visits in the year asked for.
        pub visits: i64,
        pub last_visit: Option<String>,
    }
}

/// Contact points inside a subtree with their visits of `year`, by leader.
pub async fn points(conn: &mut AnyConnection, root_path: &str, year: i64) -> Result<Vec<PointRow>> {
    let mut sql = Sql::new(
        "SELECT p.id, p.leader_name, p.leader_title, p.org_id, p.org_path, o.name AS org_name, \
         p.started_on, p.ended_on, \
         CAST((SELECT COUNT(*) FROM contact_visit v WHERE v.point_id = p.id AND v.visited_on >= ",
    );
    sql.text(format!("{year:04}-01-01"))
        .push(" AND v.visited_on <= ")
        .text(format!("{year:04}-12-31"))
        .push(
            ") AS BIGINT) AS visits, \
             (SELECT MAX(v.visited_on) FROM contact_visit v WHERE v.point_id = p.id) AS last_visit \
             FROM contact_point p JOIN org o ON o.id = p.org_id WHERE 1 = 1",
        );
    sql.within("p.org_path", root_path);
    sql.push(" ORDER BY p.leader_name, p.id");
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(PointRow::read).collect()
}

/// Open contact points inside a subtree, and the visits made in `year` to any of its
/// points: what the dashboard shows, without reading the points.
pub async fn point_totals(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
) -> Result<(i64, i64)> {
    let mut sql = Sql::new("SELECT (SELECT COUNT(*) FROM contact_point p WHERE p.ended_on IS NULL");
    sql.within("p.org_path", root_path);
    sql.push(
        ") AS open, (SELECT COUNT(*) FROM contact_point p JOIN contact_visit v ON v.point_id = p.id \
         WHERE v.visited_on >= ",
    )
    .text(format!("{year:04}-01-01"))
    .push(" AND v.visited_on <= ")
    .text(format!("{year:04}-12-31"));
    sql.within("p.org_path", root_path);
    sql.push(") AS visits");
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("open")?, r.try_get("visits")?))
}

pub async fn point(conn: &mut AnyConnection, id: i64, year: i64) -> Result<Option<PointRow>> {
    let mut sql = Sql::new(
        "SELECT p.id, p.leader_name, p.leader_title, p.org_id, p.org_path, o.name AS org_name, \
         p.started_on, p.ended_on, \
         CAST((SELECT COUNT(*) FROM contact_visit v WHERE v.point_id = p.id AND v.visited_on >= ",
    );
    sql.text(format!("{year:04}-01-01"))
        .push(" AND v.visited_on <= ")
        .text(format!("{year:04}-12-31"))
        .push(
            ") AS BIGINT) AS visits, \
             (SELECT MAX(v.visited_on) FROM contact_visit v WHERE v.point_id = p.id) AS last_visit \
             FROM contact_point p JOIN org o ON o.id = p.org_id WHERE p.id = ",
        )
        .int(id);
    let rs = sql.fetch_all(conn).await?;
    rs.first().map(PointRow::read).transpose()
}

/// Points a leader holds now.
pub async fn held_by(conn: &mut AnyConnection, leader_name: &str) -> Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n FROM contact_point WHERE leader_name = $1 AND ended_on IS NULL",
    )
    .bind(leader_name)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}

/// Ends an open point on `on`; false when it had ended already.
pub async fn end_point(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let n =
        sqlx::query("UPDATE contact_point SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
            .bind(on)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(n == 1)
}

pub async fn insert_point(
    conn: &mut AnyConnection,
    (leader_name, leader_title): (&str, &str),
    (org_id, org_path): (i64, &str),
    started_on: &str,
    by: Option<i64>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO contact_point (leader_name, leader_title, org_id, org_path, started_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(leader_name)
    .bind(leader_title)
    .bind(org_id)
    .bind(org_path)
    .bind(started_on)
    .bind(by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct VisitRow {
        pub id: i64,
        pub point_id: i64,
        pub visited_on: String,
        pub content: String,
        pub by_name: String,
    }
}

pub async fn visits(conn: &mut AnyConnection, point_id: i64) -> Result<Vec<VisitRow>> {
    let rs = sqlx::query(
        "SELECT id, point_id, visited_on, content, by_name FROM contact_visit WHERE point_id = $1 \
         ORDER BY visited_on DESC, id DESC",
    )
    .bind(point_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(VisitRow::read).collect()
}

pub async fn insert_visit(
    conn: &mut AnyConnection,
    point_id: i64,
    visited_on: &str,
    content: &str,
    by_name: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO contact_visit (point_id, visited_on, content, by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(point_id)
    .bind(visited_on)
    .bind(content)
    .bind(by_name)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct ProblemRow {
        pub id: i64,
        pub no: String,
        pub point_id: Option<i64>,
        pub leader_name: Option<String>,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub source: String,
        pub request_id: Option<i64>,
        pub enterprise_id: Option<i64>,
        pub enterprise_name: Option<String>,
        pub content: String,
        pub unit: String,
        pub standard: String,
        pub measures: String,
        pub deadline: String,
        pub joint: bool,
        pub state: String,
        pub logged_on: String,
        pub accept_due: String,
        pub accepted_on: Option<String>,
        pub reply_due: Option<String>,
        pub replied_on: Option<String>,
        pub reply: String,
        pub feedback_due: Option<String>,
        pub closed_on: Option<String>,
        pub feedback: String,
        pub refused_reason: String,
    }
}

const PROBLEM_COLS: &str = "q.id, q.no, q.point_id, p.leader_name, q.org_id, q.org_path, \
    o.name AS org_name, q.source, q.request_id, q.enterprise_id, x.name AS enterprise_name, \
    q.content, q.unit, q.standard, q.measures, \
    q.deadline, q.joint, q.state, q.logged_on, q.accept_due, q.accepted_on, q.reply_due, \
    q.replied_on, q.reply, q.feedback_due, q.closed_on, q.feedback, q.refused_reason \
    FROM problem q JOIN org o ON o.id = q.org_id LEFT JOIN contact_point p ON p.id = q.point_id \
    LEFT JOIN enterprise x ON x.id = q.enterprise_id";

/// Open problems whose current step (acceptance, reply or the reporter's feedback) is past
/// its due day on `today`.
pub async fn overdue_problems(conn: &mut AnyConnection, today: &str) -> Result<Vec<ProblemRow>> {
    let sql = format!(
        "SELECT {PROBLEM_COLS} WHERE (q.state = 'logged' AND q.accept_due < $1) \
         OR (q.state = 'accepted' AND q.reply_due < $2) \
         OR (q.state = 'replied' AND q.feedback_due < $3) ORDER BY q.id"
    );
    let rs = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .bind(today)
        .bind(today)
        .fetch_all(conn)
        .await?;
    rs.iter().map(ProblemRow::read).collect()
}

/// The paths of the open points, held since before `year`, with fewer than `due` visits in
/// it up to `until`.
pub async fn short_points(
    conn: &mut AnyConnection,
    year: i64,
    until: &str,
    due: i64,
) -> Result<Vec<String>> {
    let start = format!("{year:04}-01-01");
    let rs = sqlx::query(
        "SELECT p.org_path FROM contact_point p WHERE p.ended_on IS NULL AND p.started_on < $1 \
         AND (SELECT COUNT(*) FROM contact_visit v WHERE v.point_id = p.id \
         AND v.visited_on >= $2 AND v.visited_on <= $3) < $4",
    )
    .bind(&start)
    .bind(&start)
    .bind(until)
    .bind(due)
    .fetch_all(conn)
    .await?;
    rs.iter().map(|r| Ok(r.try_get("org_path")?)).collect()
}

pub async fn problem(conn: &mut AnyConnection, id: i64) -> Result<Option<ProblemRow>> {
    let sql = format!("SELECT {PROBLEM_COLS} WHERE q.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(ProblemRow::read).transpose()
}

/// The filter of a ledger: a subtree, optionally one point, state and the year logged.
pub struct ProblemFilter<'a> {
    pub root_path: &'a str,
    pub point_id: Option<i64>,
    /// Only the problems one enterprise raised.
    pub enterprise_id: Option<i64>,
    pub state: Option<&'a str>,
    pub year: Option<i64>,
    pub joint_only: bool,
}

fn filtered(select: &str, f: &ProblemFilter<'_>) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} WHERE 1 = 1"));
    sql.within("q.org_path", f.root_path);
    if let Some(p) = f.point_id {
        sql.push(" AND q.point_id = ").int(p);
    }
    if let Some(e) = f.enterprise_id {
        sql.push(" AND q.enterprise_id = ").int(e);
    }
    if let Some(s) = f.state {
        sql.push(" AND q.state = ").text(s);
    }
    if let Some(y) = f.year {
        sql.push(" AND q.logged_on >= ")
            .text(format!("{y:04}-01-01"))
            .push(" AND q.logged_on <= ")
            .text(format!("{y:04}-12-31"));
    }
    if f.joint_only {
        sql.push(" AND q.joint = 1");
    }
    sql
}

/// A page of the ledger, newest first, and the count of all matching.
pub async fn problems(
    conn: &mut AnyConnection,
    f: &ProblemFilter<'_>,
    (limit, offset): (i64, i64),
) -> Result<(Vec<ProblemRow>, i64)> {
    let mut sql = filtered(PROBLEM_COLS, f);
    sql.push(" ORDER BY q.logged_on DESC, q.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql
        .fetch_all(conn)
        .await?
        .iter()
        .map(ProblemRow::read)
        .collect::<Result<Vec<_>>>()?;
    let count = filtered(
        "CAST(COUNT(*) AS BIGINT) AS n FROM problem q JOIN org o ON o.id = q.org_id \
         LEFT JOIN contact_point p ON p.id = q.point_id",
        f,
    )
    .fetch_one(conn)
    .await?;
    Ok((rows, count.try_get("n")?))
}

/// The figures of 办结率 for problems logged in `year` inside a subtree, grouped by `by`
/// (`leader`, `unit` or the org at `depth`): `(group, due, on time, late)` where due counts
/// problems past their deadline or closed.
pub async fn closing(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
    today: &str,
    by: &str,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let group = match by {
        "leader" => "COALESCE(p.leader_name, '')".to_string(),
        "unit" => "q.unit".to_string(),
        // The org `by` characters of path long: the caller passes the child's path length.
        _ => "q.org_path".to_string(),
    };
    let mut sql = Sql::new(&format!(
        "SELECT {group} AS g, \
         CAST(SUM(CASE WHEN q.state = 'closed' OR q.deadline < "
    ));
    sql.text(today).push(
        " THEN 1 ELSE 0 END) AS BIGINT) AS due, \
         CAST(SUM(CASE WHEN q.state = 'closed' AND q.closed_on <= q.deadline THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
         CAST(SUM(CASE WHEN q.state = 'closed' AND q.closed_on > q.deadline THEN 1 ELSE 0 END) AS BIGINT) AS late \
         FROM problem q LEFT JOIN contact_point p ON p.id = q.point_id \
         WHERE q.state <> 'refused' AND q.logged_on >= ",
    );
    sql.text(format!("{year:04}-01-01"))
        .push(" AND q.logged_on <= ")
        .text(format!("{year:04}-12-31"));
    sql.within("q.org_path", root_path);
    sql.push(&format!(" GROUP BY {group}"));
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("g")?,
                r.try_get("due")?,
                r.try_get("on_time")?,
                r.try_get("late")?,
            ))
        })
        .collect()
}

/// The next number of a year's ledger (`WT2026-00001`).
pub async fn next_no(conn: &mut AnyConnection, year: i64) -> Result<String> {
    let r = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM problem WHERE no LIKE $1")
        .bind(format!("WT{year:04}-%"))
        .fetch_one(conn)
        .await?;
    let n: i64 = r.try_get("n")?;
    Ok(format!("WT{year:04}-{:05}", n + 1))
}

pub struct NewProblem<'a> {
    pub no: &'a str,
    pub point_id: Option<i64>,
    pub org: (i64, &'a str),
    pub source: &'a str,
    pub request_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub facts: [&'a str; 5],
    pub joint: bool,
    pub logged_on: &'a str,
    pub accept_due: &'a str,
    pub by: Option<i64>,
}

pub async fn insert_problem(conn: &mut AnyConnection, p: &NewProblem<'_>) -> Result<i64> {
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO problem (no, point_id, org_id, org_path, source, request_id, enterprise_id, \
         content, unit, standard, measures, deadline, joint, state, logged_on, accept_due, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, 'logged', $14, $15, $16, $17, $18) RETURNING id",
    )
    .bind(p.no)
    .bind(p.point_id)
    .bind(p.org.0)
    .bind(p.org.1)
    .bind(p.source)
    .bind(p.request_id)
    .bind(p.enterprise_id)
    .bind(p.facts[0])
    .bind(p.facts[1])
    .bind(p.facts[2])
    .bind(p.facts[3])
    .bind(p.facts[4])
    .bind(i64::from(p.joint))
    .bind(p.logged_on)
    .bind(p.accept_due)
    .bind(p.by)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// One move of a problem from the state it was read in; false when someone moved it first.
/// `sets` are `(column, value)` pairs the move writes.
pub async fn move_problem(
    conn: &mut AnyConnection,
    id: i64,
    (from, to): (&str, &str),
    sets: &[(&'static str, String)],
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE problem SET state = ");
    sql.text(to).push(", updated_at = ").int(now_ms());
    for (col, v) in sets {
        sql.push(&format!(", {col} = ")).text(v.clone());
    }
    sql.push(" WHERE id = ")
        .int(id)
        .push(" AND state = ")
        .text(from);
    Ok(sql.execute(conn).await? == 1)
}

/// A contact point as the demo writes it, with its id.
pub struct DemoPoint<'a> {
    pub id: i64,
    pub leader: (&'a str, &'a str),
    pub org: (i64, &'a str),
    pub started_on: &'a str,
}

/// A problem as the demo writes it, closed or open, with every date of its clock.
pub struct DemoProblem<'a> {
    pub no: String,
    pub point_id: i64,
    pub org: (i64, &'a str),
    pub facts: [&'a str; 5],
    pub state: &'a str,
    /// logged, accept due, accepted, reply due, replied, feedback due, closed.
    pub days: [Option<String>; 7],
    pub reply: &'a str,
    pub feedback: &'a str,
}

/// Writes the demo's points, visits (`(point, day, content)`) and problems at once.
pub async fn insert_demo(
    conn: &mut AnyConnection,
    points: &[DemoPoint<'_>],
    visits: &[(i64, String, &str)],
    problems: &[DemoProblem<'_>],
) -> Result<()> {
    const POINTS: Insert = Insert {
        table: "contact_point",
        columns: &[
            ("id", Ty::Int),
            ("leader_name", Ty::Text),
            ("leader_title", Ty::Text),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("started_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const VISITS: Insert = Insert {
        table: "contact_visit",
        columns: &[
            ("point_id", Ty::Int),
            ("visited_on", Ty::Text),
            ("content", Ty::Text),
            ("by_name", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const PROBLEMS: Insert = Insert {
        table: "problem",
        columns: &[
            ("no", Ty::Text),
            ("point_id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("source", Ty::Text),
            ("content", Ty::Text),
            ("unit", Ty::Text),
            ("standard", Ty::Text),
            ("measures", Ty::Text),
            ("deadline", Ty::Text),
            ("state", Ty::Text),
            ("logged_on", Ty::Text),
            ("accept_due", Ty::Text),
            ("accepted_on", Ty::Text),
            ("reply_due", Ty::Text),
            ("replied_on", Ty::Text),
            ("feedback_due", Ty::Text),
            ("closed_on", Ty::Text),
            ("reply", Ty::Text),
            ("feedback", Ty::Text),
            ("created_at", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    POINTS
        .rows(
            &mut *conn,
            points.iter().map(|p| -> [Val<'_>; 7] {
                [
                    p.id.into(),
                    p.leader.0.into(),
                    p.leader.1.into(),
                    p.org.0.into(),
                    p.org.1.into(),
                    p.started_on.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    VISITS
        .rows(
            &mut *conn,
            visits.iter().map(|(p, d, c)| -> [Val<'_>; 5] {
                [
                    (*p).into(),
                    d.into(),
                    (*c).into(),
                    "区委组织部".into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    PROBLEMS
        .rows(
            &mut *conn,
            problems.iter().map(|q| -> [Val<'_>; 22] {
                let d = |i: usize| -> Val<'_> { q.days[i].as_ref().into() };
                [
                    (&q.no).into(),
                    q.point_id.into(),
                    q.org.0.into(),
                    q.org.1.into(),
                    "contact".into(),
                    q.facts[0].into(),
                    q.facts[1].into(),
                    q.facts[2].into(),
                    q.facts[3].into(),
                    q.facts[4].into(),
                    q.state.into(),
                    d(0),
                    d(1),
                    d(2),
                    d(3),
                    d(4),
                    d(5),
                    d(6),
                    q.reply.into(),
                    q.feedback.into(),
                    now.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}
