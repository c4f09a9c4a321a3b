//! 民主评议党员 in SQL: reviews per branch and year, and each member's entry.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct ReviewRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub year: i64,
        pub decided_on: Option<String>,
    }
}

row! {
    #[derive(Debug, Clone)]
    pub struct EntryRow {
        pub member_id: i64,
        pub name: String,
        pub status: String,
        pub self_evaluation: String,
        pub peer_score: Option<i64>,
        pub votes_for: Option<i64>,
        pub proposed: Option<String>,
        pub grade: Option<String>,
    }
}

pub async fn create(
    conn: &mut AnyConnection,
    org_id: i64,
    org_path: &str,
    year: i64,
) -> Result<i64> {
    let r = sqlx::query("INSERT INTO annual_review (org_id, org_path, year, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(org_id)
        .bind(org_path)
        .bind(year)
        .bind(now_ms())
        .fetch_one(conn)
        .await?;
    Ok(r.try_get("id")?)
}

pub async fn add_entries(conn: &mut AnyConnection, review_id: i64, members: &[i64]) -> Result<()> {
    const ENTRIES: Insert = Insert {
        table: "review_entry",
        columns: &[("review_id", Ty::Int), ("member_id", Ty::Int)],
        suffix: "",
    };
    ENTRIES
        .rows(
            conn,
            members
                .iter()
                .map(|m| -> [Val<'_>; 2] { [review_id.into(), (*m).into()] }),
        )
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ReviewRow>> {
    let r = sqlx::query(
        "SELECT id, org_id, org_path, year, decided_on FROM annual_review WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(ReviewRow::read).transpose()
}

pub async fn by_org_year(
    conn: &mut AnyConnection,
    org_id: i64,
    year: i64,
) -> Result<Option<ReviewRow>> {
    let r = sqlx::query("SELECT id, org_id, org_path, year, decided_on FROM annual_review WHERE org_id = $1 AND year = $2")
        .bind(org_id)
        .bind(year)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(ReviewRow::read).transpose()
}

pub async fn entries(conn: &mut AnyConnection, review_id: i64) -> Result<Vec<EntryRow>> {
    let rs = sqlx::query(
        "SELECT e.member_id, m.name, m.status, e.self_evaluation, e.peer_score, e.votes_for, e.proposed, e.grade \
         FROM review_entry e JOIN member m ON m.id = e.member_id WHERE e.review_id = $1 ORDER BY m.name, m.id",
    )
    .bind(review_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(EntryRow::read).collect()
}

/// The steps before the decision: self-evaluation, peer score, votes, the committee's proposal.
pub struct EntryChange<'a> {
    pub self_evaluation: Option<&'a str>,
    pub peer_score: Option<i64>,
    pub votes_for: Option<i64>,
    pub proposed: Option<&'a str>,
}

pub async fn update_entry(
    conn: &mut AnyConnection,
    review_id: i64,
    member_id: i64,
    c: &EntryChange<'_>,
) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE review_entry SET self_evaluation = COALESCE($1, self_evaluation), peer_score = COALESCE($2, peer_score), \
         votes_for = COALESCE($3, votes_for), proposed = COALESCE($4, proposed) WHERE review_id = $5 AND member_id = $6",
    )
    .bind(c.self_evaluation)
    .bind(c.peer_score)
    .bind(c.votes_for)
    .bind(c.proposed)
    .bind(review_id)
    .bind(member_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

pub async fn decide(
    conn: &mut AnyConnection,
    review_id: i64,
    grades: &[(i64, &str)],
    on: &str,
) -> Result<bool> {
    // Claim the decision first: a second, concurrent decision finds it taken.
    let claimed = sqlx::query(
        "UPDATE annual_review SET decided_on = $1 WHERE id = $2 AND decided_on IS NULL",
    )
    .bind(on)
    .bind(review_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    for (member, grade) in grades {
        sqlx::query("UPDATE review_entry SET grade = $1 WHERE review_id = $2 AND member_id = $3")
            .bind(*grade)
            .bind(review_id)
            .bind(*member)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Decided grades per review: (org path, year, grade, members), for rebuilding the rollup.
pub async fn grades_by_path(conn: &mut AnyConnection) -> Result<Vec<(String, i64, String, i64)>> {
    let rs = sqlx::query(
        "SELECT r.org_path, r.year, e.grade, COUNT(*) AS n FROM annual_review r JOIN review_entry e ON e.review_id = r.id \
         WHERE e.grade IS NOT NULL GROUP BY r.org_path, r.year, e.grade",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_path")?,
                r.try_get("year")?,
                r.try_get("grade")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// A member's decided grades, newest year first: (year, grade).
pub async fn member_grades(conn: &mut AnyConnection, member_id: i64) -> Result<Vec<(i64, String)>> {
    let rs = sqlx::query(
        "SELECT r.year, e.grade FROM review_entry e JOIN annual_review r ON r.id = e.review_id \
         WHERE e.member_id = $1 AND e.grade IS NOT NULL ORDER BY r.year DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("year")?, r.try_get("grade")?)))
        .collect()
}

/// A decided review as the demo writes it: (review id, org id, org path, year, decided on).
pub type DecidedReview = (i64, i64, String, i64, String);
/// One member's decided entry: (review id, member id, peer score, votes for, grade).
pub type DecidedEntry = (i64, i64, i64, i64, &'static str);

/// Reviews already decided, with ids chosen by the caller (the demo).
pub async fn insert_decided_bulk(
    conn: &mut AnyConnection,
    reviews: &[DecidedReview],
    entries: &[DecidedEntry],
) -> Result<()> {
    let now = now_ms();
    const REVIEWS: Insert = Insert {
        table: "annual_review",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("year", Ty::Int),
            ("decided_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    REVIEWS
        .rows(
            conn,
            reviews
                .iter()
                .map(|(id, org, path, year, on)| -> [Val<'_>; 6] {
                    [
                        (*id).into(),
                        (*org).into(),
                        path.into(),
                        (*year).into(),
                        on.into(),
                        now.into(),
                    ]
                }),
        )
        .await?;
    const DECIDED: Insert = Insert {
        table: "review_entry",
        columns: &[
            ("review_id", Ty::Int),
            ("member_id", Ty::Int),
            ("peer_score", Ty::Int),
            ("votes_for", Ty::Int),
            ("proposed", Ty::Text),
            ("grade", Ty::Text),
        ],
        suffix: "",
    };
    DECIDED
        .rows(
            conn,
            entries
                .iter()
                .map(|(review, member, score, votes, grade)| -> [Val<'_>; 6] {
                    [
                        (*review).into(),
                        (*member).into(),
                        (*score).into(),
                        (*votes).into(),
                        (*grade).into(),
                        (*grade).into(),
                    ]
                }),
        )
        .await?;
    Ok(())
}
