//! 双报到 in SQL: members' reports to the communities where they live, the service they log
//! there, and the community's yearly rating.

use dangjian_domain::path;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct CommunityCheckinRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub member_path: String,
        pub branch_name: String,
        pub community_id: i64,
        pub community_name: String,
        pub community_path: String,
        pub registered_on: String,
        pub ended_on: Option<String>,
        /// Minutes of service in the year asked about, confirmed or not.
        pub minutes: i64,
        /// The community's rating for that year, if given.
        pub rating: Option<String>,
    }
}

fn report_select(year: i32) -> String {
    format!(
        "SELECT r.id, r.member_id, m.name AS member_name, r.member_path, b.name AS branch_name, r.community_id, \
         c.name AS community_name, r.community_path, r.registered_on, r.ended_on, \
         CAST(COALESCE((SELECT SUM(s.minutes) FROM report_service s WHERE s.report_id = r.id \
         AND s.done_on >= '{year}-01-01' AND s.done_on <= '{year}-12-31'), 0) AS BIGINT) AS minutes, \
         (SELECT g.rating FROM report_rating g WHERE g.report_id = r.id AND g.year = {year}) AS rating \
         FROM community_report r JOIN member m ON m.id = r.member_id JOIN org b ON b.id = m.org_id \
         JOIN org c ON c.id = r.community_id"
    )
}

pub async fn get(
    conn: &mut AnyConnection,
    id: i64,
    year: i32,
) -> Result<Option<CommunityCheckinRow>> {
    let mut sql = Sql::new(&report_select(year));
    sql.push(" WHERE r.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CommunityCheckinRow::read)
        .transpose()
}

/// A member's current report, if any.
pub async fn current_of(
    conn: &mut AnyConnection,
    member_id: i64,
    year: i32,
) -> Result<Option<CommunityCheckinRow>> {
    let mut sql = Sql::new(&report_select(year));
    sql.push(" WHERE r.member_id = ")
        .int(member_id)
        .push(" AND r.ended_on IS NULL");
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CommunityCheckinRow::read)
        .transpose()
}

/// Current reports to the communities of a subtree, by community and member.
pub async fn to_communities(
    conn: &mut AnyConnection,
    root: &str,
    year: i32,
    limit: i64,
    offset: i64,
) -> Result<Vec<CommunityCheckinRow>> {
    let mut sql = Sql::new(&report_select(year));
    sql.push(" WHERE r.ended_on IS NULL AND r.community_path >= ")
        .text(root)
        .push(" AND r.community_path < ")
        .text(path::upper(root))
        .push(" ORDER BY r.community_path, r.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(CommunityCheckinRow::read)
        .collect()
}

pub async fn count_to_communities(conn: &mut AnyConnection, root: &str) -> Result<i64> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n FROM community_report WHERE ended_on IS NULL AND community_path >= ",
    );
    sql.text(root)
        .push(" AND community_path < ")
        .text(path::upper(root));
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

pub async fn end(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let r =
        sqlx::query("UPDATE community_report SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
            .bind(on)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(r.rows_affected() > 0)
}

pub struct NewCommunityCheckin<'a> {
    pub member_id: i64,
    pub member_path: &'a str,
    pub community_id: i64,
    pub community_path: &'a str,
    pub registered_on: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, r: &NewCommunityCheckin<'_>) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO community_report (member_id, member_path, community_id, community_path, registered_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(r.member_id)
    .bind(r.member_path)
    .bind(r.community_id)
    .bind(r.community_path)
    .bind(r.registered_on)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Reports for the demo, ids given.
pub async fn insert_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, NewCommunityCheckin<'_>)],
) -> Result<()> {
    let now = now_ms();
    const REPORTS: Insert = Insert {
        table: "community_report",
        columns: &[
            ("id", Ty::Int),
            ("member_id", Ty::Int),
            ("member_path", Ty::Text),
            ("community_id", Ty::Int),
            ("community_path", Ty::Text),
            ("registered_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    REPORTS
        .rows(
            conn,
            rows.iter().map(|(id, r)| -> [Val<'_>; 7] {
                [
                    (*id).into(),
                    r.member_id.into(),
                    r.member_path.into(),
                    r.community_id.into(),
                    r.community_path.into(),
                    r.registered_on.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

pub struct NewService<'a> {
    pub report_id: i64,
    pub done_on: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub minutes: i64,
    pub confirmed: bool,
    pub confirmed_by: Option<i64>,
}

pub async fn insert_service(conn: &mut AnyConnection, s: &NewService<'_>) -> Result<i64> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO report_service (report_id, done_on, kind, description, minutes, confirmed_by, confirmed_at, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.report_id)
    .bind(s.done_on)
    .bind(s.kind)
    .bind(s.description)
    .bind(s.minutes)
    .bind(s.confirmed_by)
    .bind(s.confirmed.then_some(now))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Service entries for the demo, confirmed.
pub async fn insert_services_bulk(conn: &mut AnyConnection, rows: &[NewService<'_>]) -> Result<()> {
    let now = now_ms();
    const SERVICES: Insert = Insert {
        table: "report_service",
        columns: &[
            ("report_id", Ty::Int),
            ("done_on", Ty::Text),
            ("kind", Ty::Text),
            ("description", Ty::Text),
            ("minutes", Ty::Int),
            ("confirmed_at", Ty::Int),
            ("recorded_at", Ty::Int),
        ],
        suffix: "",
    };
    SERVICES
        .rows(
            conn,
            rows.iter().map(|s| -> [Val<'_>; 7] {
                [
                    s.report_id.into(),
                    s.done_on.into(),
                    s.kind.into(),
                    s.description.into(),
                    s.minutes.into(),
                    s.confirmed.then_some(now).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub id: i64,
    pub done_on: String,
    pub kind: String,
    pub description: String,
    pub minutes: i64,
    pub confirmed: bool,
}

pub async fn services_of(conn: &mut AnyConnection, report_id: i64) -> Result<Vec<ServiceRow>> {
    let rs = sqlx::query(
        "SELECT id, done_on, kind, description, minutes, confirmed_at FROM report_service WHERE report_id = $1 \
         ORDER BY done_on DESC, id DESC LIMIT 200",
    )
    .bind(report_id)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok(ServiceRow {
                id: r.try_get("id")?,
                done_on: r.try_get("done_on")?,
                kind: r.try_get("kind")?,
                description: r.try_get("description")?,
                minutes: r.try_get("minutes")?,
                confirmed: r.try_get::<Option<i64>, _>("confirmed_at")?.is_some(),
            })
        })
        .collect()
}

pub async fn rate(
    conn: &mut AnyConnection,
    report_id: i64,
    year: i32,
    rating: &str,
    comment: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_rating (report_id, year, rating, comment, rated_by, rated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(report_id)
    .bind(i64::from(year))
    .bind(rating)
    .bind(comment)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Ratings for the demo: `(report_id, year, rating)`.
pub async fn rate_bulk(conn: &mut AnyConnection, rows: &[(i64, i32, &str)]) -> Result<()> {
    let now = now_ms();
    const RATINGS: Insert = Insert {
        table: "report_rating",
        columns: &[
            ("report_id", Ty::Int),
            ("year", Ty::Int),
            ("rating", Ty::Text),
            ("rated_at", Ty::Int),
        ],
        suffix: "",
    };
    RATINGS
        .rows(
            conn,
            rows.iter().map(|(id, year, rating)| -> [Val<'_>; 4] {
                [
                    (*id).into(),
                    i64::from(*year).into(),
                    (*rating).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}
