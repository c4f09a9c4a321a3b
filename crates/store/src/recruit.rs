//! 发展党员 in SQL: the people in the pipeline, their steps, and development plans.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct RecruitRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        pub birth_date: String,
        pub id_masked: String,
        pub education: String,
        pub category: String,
        pub stage: String,
        pub state: String,
        pub last_step: i64,
        /// The latest date of the next step.
        pub next_due: Option<String>,
        pub extension_months: i64,
        pub member_id: Option<i64>,
        pub note: String,
    }
}

const COLS: &str = "r.id, r.org_id, o.name AS org_name, r.org_path, r.name, r.gender, r.ethnicity, r.birth_date, r.id_masked, \
    r.education, r.category, r.stage, r.state, r.last_step, r.next_due, r.extension_months, r.member_id, r.note \
    FROM recruit r JOIN org o ON o.id = r.org_id";

pub struct NewRecruit<'a> {
    pub org_id: i64,
    pub org_path: &'a str,
    pub name: &'a str,
    pub gender: &'a str,
    pub ethnicity: &'a str,
    pub birth_date: &'a str,
    pub id_cipher: &'a [u8],
    pub id_index: &'a str,
    pub id_masked: &'a str,
    pub education: &'a str,
    pub category: &'a str,
}

/// A new applicant, before any step.
pub async fn insert(conn: &mut AnyConnection, n: &NewRecruit<'_>) -> Result<i64> {
    insert_along(conn, n, &APPLICANT).await
}

/// Where a person already some way along stands (the demo's probationers, written with
/// their steps in bulk).
pub struct Along<'a> {
    pub stage: &'a str,
    pub last_step: i64,
    pub next_due: Option<&'a str>,
    pub member_id: Option<i64>,
}

/// Where a new applicant stands.
pub const APPLICANT: Along<'static> = Along {
    stage: "applicant",
    last_step: 0,
    next_due: None,
    member_id: None,
};

/// A person inserted at `a.last_step` (0 for a new applicant); the steps of one already
/// along are written with `insert_steps_bulk`.
pub async fn insert_along(
    conn: &mut AnyConnection,
    n: &NewRecruit<'_>,
    a: &Along<'_>,
) -> Result<i64> {
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO recruit (org_id, org_path, name, gender, ethnicity, birth_date, id_cipher, id_index, id_masked, education, category, \
         stage, state, last_step, next_due, member_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(n.org_id)
    .bind(n.org_path)
    .bind(n.name)
    .bind(n.gender)
    .bind(n.ethnicity)
    .bind(n.birth_date)
    .bind(n.id_cipher)
    .bind(n.id_index)
    .bind(n.id_masked)
    .bind(n.education)
    .bind(n.category)
    .bind(a.stage)
    .bind(a.last_step)
    .bind(a.next_due)
    .bind(a.member_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Steps of people inserted with `insert_along`, in one statement per chunk.
pub async fn insert_steps_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, StepWrite<'_>)],
) -> Result<()> {
    const STEPS: Insert = Insert {
        table: "recruit_step",
        columns: &[
            ("recruit_id", Ty::Int),
            ("step_no", Ty::Int),
            ("done_on", Ty::Text),
            ("document", Ty::Text),
            ("note", Ty::Text),
            ("sponsors", Ty::Text),
            ("hours", Ty::Int),
            ("late", Ty::Int),
            ("recorded_by", Ty::Int),
            ("recorded_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    STEPS
        .rows(
            conn,
            rows.iter().map(|(id, s)| -> [Val<'_>; 10] {
                [
                    (*id).into(),
                    s.step_no.into(),
                    s.done_on.into(),
                    s.document.into(),
                    s.note.into(),
                    s.sponsors.into(),
                    s.hours.into(),
                    s.late.into(),
                    s.by.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<RecruitRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(RecruitRow::read).transpose()
}

pub async fn cipher(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT id_cipher FROM recruit WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok(r.try_get("id_cipher")?)).transpose()
}

/// People of the subtree in the pipeline (`active`) or done, by stage and name.
pub async fn list(
    conn: &mut AnyConnection,
    root_path: &str,
    state: &str,
    limit: i64,
) -> Result<Vec<RecruitRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE r.org_path LIKE $1 AND r.state = $2 ORDER BY r.last_step DESC, r.name, r.id LIMIT $3"
    )))
    .bind(format!("{root_path}%"))
    .bind(state)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(RecruitRow::read).collect()
}

/// Active people per branch path and stage, for the counts of every level.
pub async fn counts_by_path(
    conn: &mut AnyConnection,
    root_path: &str,
) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT org_path, stage, COUNT(*) AS n FROM recruit WHERE org_path LIKE $1 AND state = 'active' GROUP BY org_path, stage",
    )
    .bind(format!("{root_path}%"))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("org_path")?, r.try_get("stage")?, r.try_get("n")?)))
        .collect()
}

/// Per stage: active people of the subtree, and how many of them are past (`overdue`) or
/// within `soon_until` of their next deadline.
pub async fn summary(
    conn: &mut AnyConnection,
    root_path: &str,
    today: &str,
    soon_until: &str,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT stage, COUNT(*) AS n, \
         SUM(CASE WHEN next_due < $2 THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN next_due >= $2 AND next_due <= $3 THEN 1 ELSE 0 END) AS soon \
         FROM recruit WHERE org_path LIKE $1 AND state = 'active' GROUP BY stage",
    )
    .bind(format!("{root_path}%"))
    .bind(today)
    .bind(soon_until)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("stage")?,
                r.try_get("n")?,
                r.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0),
                r.try_get::<Option<i64>, _>("soon")?.unwrap_or(0),
            ))
        })
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct StepRow {
        pub step_no: i64,
        pub done_on: String,
        pub document: String,
        pub note: String,
        pub sponsors: String,
        pub hours: Option<i64>,
        pub late: bool,
    }
}

pub async fn steps(conn: &mut AnyConnection, recruit_id: i64) -> Result<Vec<StepRow>> {
    let rows = sqlx::query(
        "SELECT step_no, done_on, document, note, sponsors, hours, late FROM recruit_step WHERE recruit_id = $1 ORDER BY step_no",
    )
    .bind(recruit_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(StepRow::read).collect()
}

/// The dates of the steps of the active people of a subtree, for the pipeline board.
pub async fn steps_under(
    conn: &mut AnyConnection,
    root_path: &str,
) -> Result<Vec<(i64, i64, String)>> {
    let rows = sqlx::query(
        "SELECT s.recruit_id, s.step_no, s.done_on FROM recruit_step s JOIN recruit r ON r.id = s.recruit_id \
         WHERE r.state = 'active' AND r.org_path LIKE $1",
    )
    .bind(format!("{root_path}%"))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("recruit_id")?,
                r.try_get("step_no")?,
                r.try_get("done_on")?,
            ))
        })
        .collect()
}

/// Active people whose next step is due by `until` (or already late).
pub async fn due_by(conn: &mut AnyConnection, until: &str) -> Result<Vec<RecruitRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} WHERE r.state = 'active' AND r.next_due <= $1 ORDER BY r.id"
    )))
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.iter().map(RecruitRow::read).collect()
}

pub struct StepWrite<'a> {
    pub step_no: i64,
    pub done_on: &'a str,
    pub document: &'a str,
    pub note: &'a str,
    pub sponsors: &'a str,
    pub hours: Option<i64>,
    pub late: bool,
    pub stage: &'a str,
    /// The latest date of the step after this one, if it has one.
    pub next_due: Option<&'a str>,
    pub by: Option<i64>,
}

/// Records the next step; false when another step was recorded meanwhile (a double click).
pub async fn add_step(
    conn: &mut AnyConnection,
    recruit_id: i64,
    s: &StepWrite<'_>,
) -> Result<bool> {
    let claimed = sqlx::query(
        "UPDATE recruit SET last_step = $1, stage = $2, next_due = $3, updated_at = $4 WHERE id = $5 AND last_step = $6 AND state = 'active'",
    )
    .bind(s.step_no)
    .bind(s.stage)
    .bind(s.next_due)
    .bind(now_ms())
    .bind(recruit_id)
    .bind(s.step_no - 1)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO recruit_step (recruit_id, step_no, done_on, document, note, sponsors, hours, late, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(recruit_id)
    .bind(s.step_no)
    .bind(s.done_on)
    .bind(s.document)
    .bind(s.note)
    .bind(s.sponsors)
    .bind(s.hours)
    .bind(i64::from(s.late))
    .bind(s.by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(true)
}

pub async fn set_state(conn: &mut AnyConnection, id: i64, state: &str, note: &str) -> Result<()> {
    sqlx::query(
        "UPDATE recruit SET state = $1, note = $2, next_due = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(state)
    .bind(note)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_member(conn: &mut AnyConnection, id: i64, member_id: i64) -> Result<()> {
    sqlx::query("UPDATE recruit SET member_id = $1 WHERE id = $2")
        .bind(member_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Extends probation once; false when it was already extended.
pub async fn extend(
    conn: &mut AnyConnection,
    id: i64,
    months: i64,
    next_due: Option<&str>,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE recruit SET extension_months = $1, next_due = $2, updated_at = $3 WHERE id = $4 AND extension_months = 0 AND state = 'active'",
    )
    .bind(months)
    .bind(next_due)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn set_plan(
    conn: &mut AnyConnection,
    org_id: i64,
    year: i64,
    quota: i64,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dev_plan (org_id, year, quota, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, year) DO UPDATE SET quota = excluded.quota, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(org_id)
    .bind(year)
    .bind(quota)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn plan(conn: &mut AnyConnection, org_id: i64, year: i64) -> Result<Option<i64>> {
    let r = sqlx::query("SELECT quota FROM dev_plan WHERE org_id = $1 AND year = $2")
        .bind(org_id)
        .bind(year)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok(r.try_get("quota")?)).transpose()
}

/// People of the subtree the committee approved (step `step_no`) within a year.
pub async fn approved_in(
    conn: &mut AnyConnection,
    root_path: &str,
    step_no: i64,
    year: i64,
) -> Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n FROM recruit_step s JOIN recruit r ON r.id = s.recruit_id \
         WHERE r.org_path LIKE $1 AND s.step_no = $2 AND s.done_on >= $3 AND s.done_on <= $4",
    )
    .bind(format!("{root_path}%"))
    .bind(step_no)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}

/// How many of each step the people of a subtree did between two days (both included):
/// step number → count.
pub async fn steps_done_between(
    conn: &mut AnyConnection,
    root_path: &str,
    (from, to): (&str, &str),
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT s.step_no, COUNT(*) AS n FROM recruit_step s JOIN recruit r ON r.id = s.recruit_id \
         WHERE r.org_path LIKE $1 AND s.done_on >= $2 AND s.done_on <= $3 GROUP BY s.step_no",
    )
    .bind(format!("{root_path}%"))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("step_no")?, r.try_get("n")?)))
        .collect()
}
