//! 星级评定 in SQL: schemes per year and version, ratings with their state, the score of every
//! item at every stage, and objections raised while results are published.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct SchemeRow {
        pub id: i64,
        pub year: i64,
        pub version: i64,
        pub body: String,
        pub self_opens_on: String,
        pub self_days: i64,
        pub publish_days: i64,
        pub fixed_at: Option<i64>,
        pub created_at: i64,
    }
}

const SCHEME_COLS: &str =
    "id, year, version, body, self_opens_on, self_days, publish_days, fixed_at, created_at";

pub struct SchemeWrite<'a> {
    pub body: &'a str,
    pub self_opens_on: &'a str,
    pub self_days: i64,
    pub publish_days: i64,
}

/// Every scheme, newest year and version first.
pub async fn schemes(conn: &mut AnyConnection) -> Result<Vec<SchemeRow>> {
    let sql = format!("SELECT {SCHEME_COLS} FROM star_scheme ORDER BY year DESC, version DESC");
    let rs = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rs.iter().map(SchemeRow::read).collect()
}

pub async fn scheme(conn: &mut AnyConnection, id: i64) -> Result<Option<SchemeRow>> {
    let sql = format!("SELECT {SCHEME_COLS} FROM star_scheme WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(SchemeRow::read).transpose()
}

/// The newest version of a year's scheme: the one new ratings are scored against.
pub async fn current_scheme(conn: &mut AnyConnection, year: i64) -> Result<Option<SchemeRow>> {
    let sql = format!(
        "SELECT {SCHEME_COLS} FROM star_scheme WHERE year = $1 ORDER BY version DESC LIMIT 1"
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(year)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(SchemeRow::read).transpose()
}

/// A new version of a year's scheme (the first is 1).
pub async fn insert_scheme(
    conn: &mut AnyConnection,
    year: i64,
    w: &SchemeWrite<'_>,
    by: Option<i64>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO star_scheme (year, version, body, self_opens_on, self_days, publish_days, created_by, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM star_scheme WHERE year = $2), $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(year)
    .bind(year)
    .bind(w.body)
    .bind(w.self_opens_on)
    .bind(w.self_days)
    .bind(w.publish_days)
    .bind(by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Changes a scheme nobody has scored against yet; false when it is fixed.
pub async fn update_scheme(conn: &mut AnyConnection, id: i64, w: &SchemeWrite<'_>) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE star_scheme SET body = $1, self_opens_on = $2, self_days = $3, publish_days = $4 \
         WHERE id = $5 AND fixed_at IS NULL",
    )
    .bind(w.body)
    .bind(w.self_opens_on)
    .bind(w.self_days)
    .bind(w.publish_days)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Fixes a scheme at its first score (a no-op once fixed).
pub async fn fix_scheme(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE star_scheme SET fixed_at = $1 WHERE id = $2 AND fixed_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct RatingRow {
        pub id: i64,
        pub scheme_id: i64,
        pub year: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub org_kind: String,
        pub state: String,
        pub total_tenths: i64,
        pub stars: i64,
        pub submitted_at: Option<i64>,
        pub reviewed_at: Option<i64>,
        pub confirmed_at: Option<i64>,
        pub published_at: Option<i64>,
        pub publish_until: Option<String>,
        pub returned_reason: String,
        pub updated_at: i64,
    }
}

const RATING_COLS: &str = "r.id, r.scheme_id, r.year, r.org_id, r.org_path, o.name AS org_name, \
    o.kind AS org_kind, r.state, r.total_tenths, r.stars, r.submitted_at, r.reviewed_at, \
    r.confirmed_at, r.published_at, r.publish_until, r.returned_reason, r.updated_at \
    FROM star_rating r JOIN org o ON o.id = r.org_id";

pub async fn rating(conn: &mut AnyConnection, id: i64) -> Result<Option<RatingRow>> {
    let sql = format!("SELECT {RATING_COLS} WHERE r.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(RatingRow::read).transpose()
}

pub async fn rating_of(
    conn: &mut AnyConnection,
    org_id: i64,
    year: i64,
) -> Result<Option<RatingRow>> {
    let sql = format!("SELECT {RATING_COLS} WHERE r.org_id = $1 AND r.year = $2");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org_id)
        .bind(year)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(RatingRow::read).transpose()
}

/// An org's ratings of every year, newest first: its stars going up and down.
pub async fn history(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<RatingRow>> {
    let sql = format!("SELECT {RATING_COLS} WHERE r.org_id = $1 ORDER BY r.year DESC");
    let rs = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org_id)
        .fetch_all(conn)
        .await?;
    rs.iter().map(RatingRow::read).collect()
}

/// Every rating of a year inside a subtree (the caller pages the joined list).
pub async fn ratings_under(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
) -> Result<Vec<RatingRow>> {
    let mut sql = Sql::new(&format!("SELECT {RATING_COLS} WHERE r.year = "));
    sql.int(year).within("r.org_path", root_path);
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(RatingRow::read).collect()
}

pub async fn insert_rating(
    conn: &mut AnyConnection,
    scheme_id: i64,
    year: i64,
    org_id: i64,
    org_path: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO star_rating (scheme_id, year, org_id, org_path, state, total_tenths, stars, updated_at) \
         VALUES ($1, $2, $3, $4, 'self', 0, 0, $5) RETURNING id",
    )
    .bind(scheme_id)
    .bind(year)
    .bind(org_id)
    .bind(org_path)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// One move of a rating, only from the state it was read in (false when someone moved it
/// meanwhile). `stamp` names the time column the move sets, if any.
pub struct Move<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub total_tenths: i64,
    pub stars: i64,
    pub stamp: Option<&'static str>,
    pub publish_until: Option<&'a str>,
    pub returned_reason: &'a str,
}

pub async fn move_rating(conn: &mut AnyConnection, id: i64, m: &Move<'_>) -> Result<bool> {
    let now = now_ms();
    let mut sql = Sql::new("UPDATE star_rating SET state = ");
    sql.text(m.to)
        .push(", total_tenths = ")
        .int(m.total_tenths)
        .push(", stars = ")
        .int(m.stars)
        .push(", returned_reason = ")
        .text(m.returned_reason)
        .push(", updated_at = ")
        .int(now);
    if let Some(col) = m.stamp {
        sql.push(&format!(", {col} = ")).int(now);
    }
    if let Some(until) = m.publish_until {
        sql.push(", publish_until = ").text(until);
    }
    sql.push(" WHERE id = ")
        .int(id)
        .push(" AND state = ")
        .text(m.from);
    Ok(sql.execute(conn).await? == 1)
}

row! {
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ScoreRow {
        pub item_code: String,
        pub computed_tenths: Option<i64>,
        pub figure: String,
        pub units: Option<i64>,
        pub self_tenths: Option<i64>,
        pub self_reason: String,
        pub town_tenths: Option<i64>,
        pub town_reason: String,
        pub district_tenths: Option<i64>,
        pub district_reason: String,
    }
}

pub async fn scores(conn: &mut AnyConnection, rating_id: i64) -> Result<Vec<ScoreRow>> {
    let rs = sqlx::query(
        "SELECT item_code, computed_tenths, figure, units, self_tenths, self_reason, town_tenths, \
         town_reason, district_tenths, district_reason FROM star_score WHERE rating_id = $1",
    )
    .bind(rating_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(ScoreRow::read).collect()
}

/// The scores of every rating of a year inside a subtree, with their rating's id: one read
/// for a level's export instead of one per organization.
pub async fn scores_under(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
) -> Result<Vec<(i64, ScoreRow)>> {
    let mut sql = Sql::new(
        "SELECT s.rating_id, s.item_code, s.computed_tenths, s.figure, s.units, s.self_tenths, \
         s.self_reason, s.town_tenths, s.town_reason, s.district_tenths, s.district_reason \
         FROM star_score s JOIN star_rating r ON r.id = s.rating_id WHERE r.year = ",
    );
    sql.int(year);
    sql.within("r.org_path", root_path);
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("rating_id")?, ScoreRow::read(r)?)))
        .collect()
}

const SCORES: Insert = Insert {
    table: "star_score",
    columns: &[
        ("rating_id", Ty::Int),
        ("item_code", Ty::Text),
        ("computed_tenths", Ty::Int),
        ("figure", Ty::Text),
        ("units", Ty::Int),
        ("self_tenths", Ty::Int),
        ("self_reason", Ty::Text),
        ("town_tenths", Ty::Int),
        ("town_reason", Ty::Text),
        ("district_tenths", Ty::Int),
        ("district_reason", Ty::Text),
    ],
    suffix: "",
};

/// Writes scores of many ratings: `(rating id, score)`.
pub async fn insert_scores(conn: &mut AnyConnection, rows: &[(i64, ScoreRow)]) -> Result<u64> {
    SCORES
        .rows(
            conn,
            rows.iter().map(|(id, r)| -> [Val<'_>; 11] {
                [
                    (*id).into(),
                    (&r.item_code).into(),
                    r.computed_tenths.into(),
                    (&r.figure).into(),
                    r.units.into(),
                    r.self_tenths.into(),
                    (&r.self_reason).into(),
                    r.town_tenths.into(),
                    (&r.town_reason).into(),
                    r.district_tenths.into(),
                    (&r.district_reason).into(),
                ]
            }),
        )
        .await
}

/// Replaces the scores of a rating.
pub async fn put_scores(conn: &mut AnyConnection, rating_id: i64, rows: &[ScoreRow]) -> Result<()> {
    sqlx::query("DELETE FROM star_score WHERE rating_id = $1")
        .bind(rating_id)
        .execute(&mut *conn)
        .await?;
    let rows: Vec<(i64, ScoreRow)> = rows.iter().map(|r| (rating_id, r.clone())).collect();
    insert_scores(conn, &rows).await?;
    Ok(())
}

/// A rating as the demo writes it, already published or at any stage.
pub struct DemoRating<'a> {
    pub scheme_id: i64,
    pub year: i64,
    pub org_id: i64,
    pub org_path: &'a str,
    pub state: &'a str,
    pub total_tenths: i64,
    pub stars: i64,
    pub at: i64,
    pub publish_until: Option<&'a str>,
}

/// Writes many ratings at once; returns `(org id, rating id)` of the year's ratings.
pub async fn insert_ratings(
    conn: &mut AnyConnection,
    year: i64,
    rows: &[DemoRating<'_>],
) -> Result<Vec<(i64, i64)>> {
    const RATINGS: Insert = Insert {
        table: "star_rating",
        columns: &[
            ("scheme_id", Ty::Int),
            ("year", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("state", Ty::Text),
            ("total_tenths", Ty::Int),
            ("stars", Ty::Int),
            ("submitted_at", Ty::Int),
            ("reviewed_at", Ty::Int),
            ("confirmed_at", Ty::Int),
            ("published_at", Ty::Int),
            ("publish_until", Ty::Text),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    RATINGS
        .rows(
            &mut *conn,
            rows.iter().map(|r| -> [Val<'_>; 13] {
                let published = r.state == "published";
                [
                    r.scheme_id.into(),
                    r.year.into(),
                    r.org_id.into(),
                    r.org_path.into(),
                    r.state.into(),
                    r.total_tenths.into(),
                    r.stars.into(),
                    (r.state != "self").then_some(r.at).into(),
                    published.then_some(r.at).into(),
                    published.then_some(r.at).into(),
                    published.then_some(r.at).into(),
                    r.publish_until.into(),
                    r.at.into(),
                ]
            }),
        )
        .await?;
    let rs = sqlx::query("SELECT org_id, id FROM star_rating WHERE year = $1")
        .bind(year)
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("org_id")?, r.try_get("id")?)))
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct ObjectionRow {
        pub id: i64,
        pub rating_id: i64,
        pub content: String,
        pub raised_by_name: String,
        pub raised_at: i64,
        pub answer: Option<String>,
        pub answered_at: Option<i64>,
    }
}

const OBJECTION_COLS: &str =
    "id, rating_id, content, raised_by_name, raised_at, answer, answered_at FROM star_objection";

pub async fn objections(conn: &mut AnyConnection, rating_id: i64) -> Result<Vec<ObjectionRow>> {
    let sql = format!("SELECT {OBJECTION_COLS} WHERE rating_id = $1 ORDER BY id");
    let rs = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(rating_id)
        .fetch_all(conn)
        .await?;
    rs.iter().map(ObjectionRow::read).collect()
}

pub async fn objection(conn: &mut AnyConnection, id: i64) -> Result<Option<ObjectionRow>> {
    let sql = format!("SELECT {OBJECTION_COLS} WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(ObjectionRow::read).transpose()
}

pub async fn insert_objection(
    conn: &mut AnyConnection,
    rating_id: i64,
    content: &str,
    by: Option<i64>,
    by_name: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO star_objection (rating_id, content, raised_by, raised_by_name, raised_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(rating_id)
    .bind(content)
    .bind(by)
    .bind(by_name)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Answers an objection once; false when it was already answered.
pub async fn answer_objection(
    conn: &mut AnyConnection,
    id: i64,
    answer: &str,
    by: Option<i64>,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE star_objection SET answer = $1, answered_by = $2, answered_at = $3 \
         WHERE id = $4 AND answer IS NULL",
    )
    .bind(answer)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Objections not yet answered on the ratings of a year inside a subtree.
pub async fn open_objections(conn: &mut AnyConnection, root_path: &str, year: i64) -> Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n FROM star_objection j JOIN star_rating r ON r.id = j.rating_id \
         WHERE j.answer IS NULL AND r.year = $1 AND r.org_path >= $2 AND r.org_path < $3",
    )
    .bind(year)
    .bind(root_path)
    .bind(dangjian_domain::path::upper(root_path))
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}

/// The open organizations of the given kinds in a subtree joined to their rating of a year.
fn board_from(sql: &mut Sql, root_path: &str, kinds: &[&str], year: i64) {
    sql.push(" FROM org o LEFT JOIN star_rating r ON r.org_id = o.id AND r.year = ")
        .int(year)
        .push(" WHERE o.closed_on IS NULL");
    sql.within("o.path", root_path);
    sql.push(" AND o.kind").texts_in(kinds);
}

/// How many open organizations of the given kinds inside a subtree stand in each state of
/// the year's rating; `none` counts those not started.
pub async fn board_states(
    conn: &mut AnyConnection,
    root_path: &str,
    kinds: &[&str],
    year: i64,
) -> Result<Vec<(String, i64)>> {
    let mut sql = Sql::new("SELECT COALESCE(r.state, 'none') AS state, COUNT(*) AS n");
    board_from(&mut sql, root_path, kinds, year);
    sql.push(" GROUP BY COALESCE(r.state, 'none')");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
        .collect()
}

/// Ratings of a year inside a subtree in one of `states`, counted by stars.
pub async fn star_counts(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
    states: &[&str],
) -> Result<Vec<(i64, i64)>> {
    let mut sql = Sql::new("SELECT r.stars, COUNT(*) AS n FROM star_rating r WHERE r.year = ");
    sql.int(year);
    sql.within("r.org_path", root_path);
    sql.push(" AND r.state").texts_in(states);
    sql.push(" GROUP BY r.stars");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("stars")?, r.try_get("n")?)))
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct BoardOrgRow {
        pub id: i64,
        pub path: String,
        pub name: String,
        pub kind: String,
    }
}

/// One page of a level's board in path order: the organizations only, optionally those in
/// one state (`none`: not started); their ratings are read for the page alone.
pub async fn board_page(
    conn: &mut AnyConnection,
    root_path: &str,
    kinds: &[&str],
    year: i64,
    state: Option<&str>,
    (offset, limit): (i64, i64),
) -> Result<Vec<BoardOrgRow>> {
    let mut sql = Sql::new("SELECT o.id, o.path, o.name, o.kind");
    board_from(&mut sql, root_path, kinds, year);
    match state {
        Some("none") => {
            sql.push(" AND r.id IS NULL");
        }
        Some(s) => {
            sql.push(" AND r.state = ").text(s);
        }
        None => {}
    }
    sql.push(" ORDER BY o.path LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(BoardOrgRow::read).collect()
}

/// The ratings of a year of the given organizations.
pub async fn ratings_of(
    conn: &mut AnyConnection,
    org_ids: &[i64],
    year: i64,
) -> Result<Vec<RatingRow>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!("SELECT {RATING_COLS} WHERE r.year = "));
    sql.int(year).push(" AND r.org_id").ints_in(org_ids);
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(RatingRow::read).collect()
}
