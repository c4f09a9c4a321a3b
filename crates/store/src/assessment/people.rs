//! Secretaries' annual ratings with their rectification ledger, and service-centre projects,
//! in SQL.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct RatingRow {
        pub id: i64,
        pub year: i64,
        pub org_id: i64,
        pub org_path: String,
        pub secretary_name: String,
        pub report: String,
        pub meeting_on: String,
        pub present: i64,
        pub good: i64,
        pub fairly_good: i64,
        pub average: i64,
        pub poor: i64,
        pub grade: String,
        /// Rectification items not done.
        pub open_items: i64,
    }
}

const RATING_COLS: &str = "r.id, r.year, r.org_id, r.org_path, r.secretary_name, r.report, \
    r.meeting_on, r.present, r.good, r.fairly_good, r.average, r.poor, r.grade, \
    CAST((SELECT COUNT(*) FROM secretary_rectification x WHERE x.rating_id = r.id AND x.done_on IS NULL) AS BIGINT) AS open_items \
    FROM secretary_rating r";

pub async fn rating(conn: &mut AnyConnection, id: i64) -> Result<Option<RatingRow>> {
    let sql = format!("SELECT {RATING_COLS} WHERE r.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(RatingRow::read).transpose()
}

/// The ratings of a year of the children of `parent_id`.
pub async fn ratings_of_children(
    conn: &mut AnyConnection,
    parent_id: i64,
    year: i64,
) -> Result<Vec<RatingRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {RATING_COLS} JOIN org o ON o.id = r.org_id WHERE o.parent_id = "
    ));
    sql.int(parent_id).push(" AND r.year = ").int(year);
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(RatingRow::read).collect()
}

/// Grades of a year inside a subtree: `(grade, count)`.
pub async fn grades(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
) -> Result<Vec<(String, i64)>> {
    let mut sql =
        Sql::new("SELECT grade, CAST(COUNT(*) AS BIGINT) AS n FROM secretary_rating WHERE year = ");
    sql.int(year);
    sql.within("org_path", root_path);
    sql.push(" GROUP BY grade");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("grade")?, r.try_get("n")?)))
        .collect()
}

pub struct RatingWrite<'a> {
    pub year: i64,
    pub org: (i64, &'a str),
    pub secretary_name: &'a str,
    pub report: &'a str,
    pub meeting_on: &'a str,
    /// present, good, fairly good, average, poor.
    pub votes: [i64; 5],
    pub grade: &'a str,
    pub by: Option<i64>,
}

/// Writes a year's rating of an org, replacing the one entered before.
pub async fn put_rating(conn: &mut AnyConnection, w: &RatingWrite<'_>) -> Result<i64> {
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO secretary_rating (year, org_id, org_path, secretary_name, report, meeting_on, present, \
         good, fairly_good, average, poor, grade, rated_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (org_id, year) DO UPDATE SET secretary_name = excluded.secretary_name, \
         report = excluded.report, meeting_on = excluded.meeting_on, present = excluded.present, \
         good = excluded.good, fairly_good = excluded.fairly_good, average = excluded.average, \
         poor = excluded.poor, grade = excluded.grade, rated_by = excluded.rated_by, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(w.year)
    .bind(w.org.0)
    .bind(w.org.1)
    .bind(w.secretary_name)
    .bind(w.report)
    .bind(w.meeting_on)
    .bind(w.votes[0])
    .bind(w.votes[1])
    .bind(w.votes[2])
    .bind(w.votes[3])
    .bind(w.votes[4])
    .bind(w.grade)
    .bind(w.by)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct ItemRow {
        pub id: i64,
        pub rating_id: i64,
        pub content: String,
        pub deadline: String,
        pub done_on: Option<String>,
    }
}

/// The rectification items of the year's ratings of the children of `parent_id`.
pub async fn items_of_children(
    conn: &mut AnyConnection,
    parent_id: i64,
    year: i64,
) -> Result<Vec<ItemRow>> {
    let rs = sqlx::query(
        "SELECT x.id, x.rating_id, x.content, x.deadline, x.done_on \
         FROM secretary_rectification x JOIN secretary_rating r ON r.id = x.rating_id \
         JOIN org o ON o.id = r.org_id WHERE o.parent_id = $1 AND r.year = $2 ORDER BY x.id",
    )
    .bind(parent_id)
    .bind(year)
    .fetch_all(conn)
    .await?;
    rs.iter().map(ItemRow::read).collect()
}

row! {
    /// A secretary's rectification item past its deadline, with who rated them.
    #[derive(Debug, Clone)]
    pub struct OverdueItemRow {
        pub id: i64,
        pub content: String,
        pub deadline: String,
        pub year: i64,
        pub org_path: String,
        pub secretary_name: String,
        pub level_id: i64,
    }
}

/// Every secretary's rectification item not done by its deadline, before `today`.
pub async fn overdue_items(conn: &mut AnyConnection, today: &str) -> Result<Vec<OverdueItemRow>> {
    let rs = sqlx::query(
        "SELECT x.id, x.content, x.deadline, r.year, r.org_path, r.secretary_name, \
         o.parent_id AS level_id FROM secretary_rectification x \
         JOIN secretary_rating r ON r.id = x.rating_id JOIN org o ON o.id = r.org_id \
         WHERE x.done_on IS NULL AND x.deadline < $1 AND o.parent_id IS NOT NULL ORDER BY x.id",
    )
    .bind(today)
    .fetch_all(conn)
    .await?;
    rs.iter().map(OverdueItemRow::read).collect()
}

pub async fn item(conn: &mut AnyConnection, id: i64) -> Result<Option<ItemRow>> {
    let r = sqlx::query(
        "SELECT id, rating_id, content, deadline, done_on FROM secretary_rectification WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(ItemRow::read).transpose()
}

pub async fn insert_item(
    conn: &mut AnyConnection,
    rating_id: i64,
    content: &str,
    deadline: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO secretary_rectification (rating_id, content, deadline, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(rating_id)
    .bind(content)
    .bind(deadline)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Marks an item done once; false when it was done already.
pub async fn finish_item(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE secretary_rectification SET done_on = $1 WHERE id = $2 AND done_on IS NULL",
    )
    .bind(on)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

row! {
    #[derive(Debug, Clone)]
    pub struct ProjectRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub name: String,
        pub budget_fen: i64,
        pub stage: String,
        pub planned_on: String,
        pub started_on: Option<String>,
        pub completed_on: Option<String>,
        pub note: String,
    }
}

const PROJECT_COLS: &str = "p.id, p.org_id, p.org_path, o.name AS org_name, p.name, p.budget_fen, \
    p.stage, p.planned_on, p.started_on, p.completed_on, p.note \
    FROM service_project p JOIN org o ON o.id = p.org_id";

pub async fn project(conn: &mut AnyConnection, id: i64) -> Result<Option<ProjectRow>> {
    let sql = format!("SELECT {PROJECT_COLS} WHERE p.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(ProjectRow::read).transpose()
}

/// The projects inside a subtree, newest planned first: a page `(limit, offset)`, or all.
pub async fn projects(
    conn: &mut AnyConnection,
    root_path: &str,
    page: Option<(i64, i64)>,
) -> Result<Vec<ProjectRow>> {
    let mut sql = Sql::new(&format!("SELECT {PROJECT_COLS} WHERE 1 = 1"));
    sql.within("p.org_path", root_path);
    sql.push(" ORDER BY p.planned_on DESC, p.id DESC");
    if let Some((limit, offset)) = page {
        sql.push(" LIMIT ").int(limit).push(" OFFSET ").int(offset);
    }
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(ProjectRow::read).collect()
}

row! {
    /// A subtree's projects counted: by stage, and their budget in fen.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct ProjectTotals {
        pub total: i64,
        pub planned: i64,
        pub building: i64,
        pub completed: i64,
        pub budget_fen: i64,
    }
}

pub async fn project_totals(conn: &mut AnyConnection, root_path: &str) -> Result<ProjectTotals> {
    let count = |stage: &str| {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN p.stage = '{stage}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS {stage}"
        )
    };
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS total, {}, {}, {}, \
         CAST(COALESCE(SUM(p.budget_fen), 0) AS BIGINT) AS budget_fen FROM service_project p WHERE 1 = 1",
        count("planned"),
        count("building"),
        count("completed"),
    ));
    sql.within("p.org_path", root_path);
    ProjectTotals::read(&sql.fetch_one(conn).await?)
}

pub struct ProjectWrite<'a> {
    pub org: (i64, &'a str),
    pub name: &'a str,
    pub budget_fen: i64,
    pub stage: &'a str,
    pub planned_on: &'a str,
    pub started_on: Option<&'a str>,
    pub completed_on: Option<&'a str>,
    pub note: &'a str,
    pub by: Option<i64>,
}

const PROJECTS: Insert = Insert {
    table: "service_project",
    columns: &[
        ("org_id", Ty::Int),
        ("org_path", Ty::Text),
        ("name", Ty::Text),
        ("budget_fen", Ty::Int),
        ("stage", Ty::Text),
        ("planned_on", Ty::Text),
        ("started_on", Ty::Text),
        ("completed_on", Ty::Text),
        ("note", Ty::Text),
        ("created_by", Ty::Int),
        ("created_at", Ty::Int),
        ("updated_at", Ty::Int),
    ],
    suffix: "",
};

/// Writes projects; returns how many.
pub async fn insert_projects(conn: &mut AnyConnection, rows: &[ProjectWrite<'_>]) -> Result<u64> {
    let now = now_ms();
    PROJECTS
        .rows(
            conn,
            rows.iter().map(|p| -> [Val<'_>; 12] {
                [
                    p.org.0.into(),
                    p.org.1.into(),
                    p.name.into(),
                    p.budget_fen.into(),
                    p.stage.into(),
                    p.planned_on.into(),
                    p.started_on.into(),
                    p.completed_on.into(),
                    p.note.into(),
                    p.by.into(),
                    now.into(),
                    now.into(),
                ]
            }),
        )
        .await
}

/// The newest project of an org with this name (the one just written).
pub async fn last_project(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
) -> Result<Option<i64>> {
    let r =
        sqlx::query("SELECT MAX(id) AS id FROM service_project WHERE org_id = $1 AND name = $2")
            .bind(org_id)
            .bind(name)
            .fetch_one(conn)
            .await?;
    Ok(r.try_get("id")?)
}

/// Moves a project to its next stage from the stage it was read in; false otherwise.
pub async fn advance(
    conn: &mut AnyConnection,
    id: i64,
    (from, to): (&str, &str),
    on: &str,
) -> Result<bool> {
    let col = if to == "building" {
        "started_on"
    } else {
        "completed_on"
    };
    let sql = format!(
        "UPDATE service_project SET stage = $1, {col} = $2, updated_at = $3 WHERE id = $4 AND stage = $5"
    );
    let n = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to)
        .bind(on)
        .bind(now_ms())
        .bind(id)
        .bind(from)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}
