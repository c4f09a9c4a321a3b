//! 三评 in SQL: periods, responses (one per evaluator, member and period, by a unique index)
//! and publications.

use dangjian_domain::path;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::sql::{Sql, now_ms};

#[derive(Debug, Clone)]
pub struct PeriodRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub questions: Vec<String>,
}

fn period_row(r: &AnyRow) -> Result<PeriodRow> {
    let questions: String = r.try_get("questions")?;
    Ok(PeriodRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        name: r.try_get("name")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        questions: questions.lines().map(str::to_string).collect(),
    })
}

const PERIOD_SELECT: &str = "SELECT p.id, p.org_id, o.name AS org_name, p.org_path, p.name, p.starts_on, p.ends_on, p.questions \
    FROM evaluation_period p JOIN org o ON o.id = p.org_id";

pub struct NewPeriod<'a> {
    pub org_id: i64,
    pub org_path: &'a str,
    pub name: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub questions: &'a [String],
    pub created_by: Option<i64>,
}

pub async fn insert_period(conn: &mut AnyConnection, p: &NewPeriod<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO evaluation_period (org_id, org_path, name, starts_on, ends_on, questions, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.org_id)
    .bind(p.org_path)
    .bind(p.name)
    .bind(p.starts_on)
    .bind(p.ends_on)
    .bind(p.questions.join("\n"))
    .bind(p.created_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn period(conn: &mut AnyConnection, id: i64) -> Result<Option<PeriodRow>> {
    let mut sql = Sql::new(PERIOD_SELECT);
    sql.push(" WHERE p.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(period_row)
        .transpose()
}

/// Periods that concern a subtree: set by one of its ancestors (or itself), or inside it.
pub async fn periods_for(conn: &mut AnyConnection, root: &str) -> Result<Vec<PeriodRow>> {
    let mut sql = Sql::new(PERIOD_SELECT);
    sql.push(" WHERE (p.org_path >= ")
        .text(root)
        .push(" AND p.org_path < ")
        .text(path::upper(root))
        .push(") OR p.org_id IN (");
    for (i, id) in path::ids(root).iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.int(*id);
    }
    sql.push(") ORDER BY p.starts_on DESC, p.id DESC");
    sql.fetch_all(conn).await?.iter().map(period_row).collect()
}

pub struct NewResponse<'a> {
    pub period_id: i64,
    pub member_id: i64,
    pub member_path: &'a str,
    pub rater: &'a str,
    pub rater_key: String,
    pub answers: &'a [i64],
    pub comment: &'a str,
    pub recorded_by: Option<i64>,
}

fn answers_text(a: &[i64]) -> String {
    a.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub async fn insert_response(conn: &mut AnyConnection, r: &NewResponse<'_>) -> Result<()> {
    insert_responses_bulk(conn, std::slice::from_ref(r)).await
}

pub async fn insert_responses_bulk(
    conn: &mut AnyConnection,
    rows: &[NewResponse<'_>],
) -> Result<()> {
    let now = now_ms();
    const RESPONSES: Insert = Insert {
        table: "evaluation_response",
        columns: &[
            ("period_id", Ty::Int),
            ("member_id", Ty::Int),
            ("member_path", Ty::Text),
            ("rater", Ty::Text),
            ("rater_key", Ty::Text),
            ("answers", Ty::Text),
            ("total", Ty::Int),
            ("comment", Ty::Text),
            ("recorded_by", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let answers: Vec<String> = rows.iter().map(|r| answers_text(r.answers)).collect();
    RESPONSES
        .rows(
            conn,
            rows.iter().zip(&answers).map(|(r, text)| -> [Val<'_>; 10] {
                [
                    r.period_id.into(),
                    r.member_id.into(),
                    r.member_path.into(),
                    r.rater.into(),
                    (&r.rater_key).into(),
                    text.into(),
                    r.answers.iter().sum::<i64>().into(),
                    r.comment.into(),
                    r.recorded_by.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub member_id: i64,
    pub member_name: String,
    pub member_path: String,
    pub branch_name: String,
    pub rater: String,
    pub answers: Vec<i64>,
    pub comment: String,
}

/// Every response of a period for members of a subtree.
pub async fn responses_under(
    conn: &mut AnyConnection,
    period_id: i64,
    root: &str,
) -> Result<Vec<ResponseRow>> {
    let rs = sqlx::query(
        "SELECT r.member_id, m.name AS member_name, r.member_path, b.name AS branch_name, r.rater, r.answers, r.comment \
         FROM evaluation_response r JOIN member m ON m.id = r.member_id JOIN org b ON b.id = m.org_id \
         WHERE r.period_id = $1 AND r.member_path >= $2 AND r.member_path < $3 ORDER BY r.member_path, m.name, r.id",
    )
    .bind(period_id)
    .bind(root)
    .bind(path::upper(root))
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            let answers: String = r.try_get("answers")?;
            Ok(ResponseRow {
                member_id: r.try_get("member_id")?,
                member_name: r.try_get("member_name")?,
                member_path: r.try_get("member_path")?,
                branch_name: r.try_get("branch_name")?,
                rater: r.try_get("rater")?,
                answers: answers.split(',').filter_map(|a| a.parse().ok()).collect(),
                comment: r.try_get("comment")?,
            })
        })
        .collect()
}

/// The responses of a period about the members of a subtree, summed.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Members with at least one response.
    pub rated: i64,
    pub household: i64,
    pub peer: i64,
    pub organization: i64,
    /// The sum of every answer of every response.
    pub total: i64,
}

/// The responses of a period about the members of the subtree at `root`, summed: the
/// figures of a child above the level where results are read.
pub async fn tally_under(conn: &mut AnyConnection, period_id: i64, root: &str) -> Result<Tally> {
    let r = sqlx::query(
        "SELECT COUNT(DISTINCT member_id) AS rated, \
         CAST(COALESCE(SUM(CASE WHEN rater = 'household' THEN 1 ELSE 0 END), 0) AS BIGINT) AS household, \
         CAST(COALESCE(SUM(CASE WHEN rater = 'peer' THEN 1 ELSE 0 END), 0) AS BIGINT) AS peer, \
         CAST(COALESCE(SUM(CASE WHEN rater = 'organization' THEN 1 ELSE 0 END), 0) AS BIGINT) AS organization, \
         CAST(COALESCE(SUM(total), 0) AS BIGINT) AS total \
         FROM evaluation_response WHERE period_id = $1 AND member_path >= $2 AND member_path < $3",
    )
    .bind(period_id)
    .bind(root)
    .bind(path::upper(root))
    .fetch_one(conn)
    .await?;
    Ok(Tally {
        rated: r.try_get("rated")?,
        household: r.try_get("household")?,
        peer: r.try_get("peer")?,
        organization: r.try_get("organization")?,
        total: r.try_get("total")?,
    })
}

/// The sum of a member's household answers in a period and how many households answered.
pub async fn household_totals(
    conn: &mut AnyConnection,
    period_id: i64,
    member_id: i64,
) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) AS total, COUNT(*) AS n FROM evaluation_response \
         WHERE period_id = $1 AND member_id = $2 AND rater = 'household'",
    )
    .bind(period_id)
    .bind(member_id)
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("total")?, r.try_get("n")?))
}

/// Whether the member served the household at some time between two dates: a pairing that
/// overlaps them, or a confirmed deed for it then.
pub async fn served(
    conn: &mut AnyConnection,
    member_id: i64,
    household_id: i64,
    from: &str,
    to: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM pairing WHERE member_id = $1 AND household_id = $2 AND from_on <= $4 \
         AND (to_on IS NULL OR to_on >= $3)) + (SELECT COUNT(*) FROM deed WHERE member_id = $1 AND household_id = $2 \
         AND done_on >= $3 AND done_on <= $4 AND confirmed_at IS NOT NULL) AS n",
    )
    .bind(member_id)
    .bind(household_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get::<i64, _>("n")? > 0)
}

/// The households a member was responsible for at some time between two dates: (id, address).
pub async fn households_served(
    conn: &mut AnyConnection,
    member_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, String)>> {
    let rs = sqlx::query(
        "SELECT DISTINCT h.id, h.address FROM pairing p JOIN household h ON h.id = p.household_id \
         WHERE p.member_id = $1 AND p.from_on <= $3 AND (p.to_on IS NULL OR p.to_on >= $2) ORDER BY h.id",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("address")?)))
        .collect()
}

pub async fn publish(
    conn: &mut AnyConnection,
    period_id: i64,
    org_id: i64,
    org_path: &str,
    by: Option<i64>,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO evaluation_publication (period_id, org_id, org_path, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (period_id, org_id) DO NOTHING",
    )
    .bind(period_id)
    .bind(org_id)
    .bind(org_path)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// The orgs whose results of a period are published (their subtrees are public).
pub async fn published_orgs(conn: &mut AnyConnection, period_id: i64) -> Result<Vec<i64>> {
    let rs = sqlx::query("SELECT org_id FROM evaluation_publication WHERE period_id = $1")
        .bind(period_id)
        .fetch_all(conn)
        .await?;
    rs.iter().map(|r| Ok(r.try_get("org_id")?)).collect()
}

/// Whether the results of `node_path` are public: published for it or for an ancestor.
pub async fn is_published(
    conn: &mut AnyConnection,
    period_id: i64,
    node_path: &str,
) -> Result<bool> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM evaluation_publication WHERE period_id = ");
    sql.int(period_id).push(" AND org_id IN (");
    for (i, id) in path::ids(node_path).iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.int(*id);
    }
    sql.push(")");
    Ok(sql.fetch_one(conn).await?.try_get::<i64, _>("n")? > 0)
}
