//! The counts that computed assessment items rest on, for every organization of a subtree in
//! one query per source: the caller adds leaf counts up to their ancestors by path.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::sql::Sql;

/// A count per path: `(path, key, part, whole)`; `key` tells sources of one query apart.
pub type Counts = Vec<(String, String, i64, i64)>;

async fn read(sql: &Sql, conn: &mut AnyConnection) -> Result<Counts> {
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("path")?,
                r.try_get("k")?,
                r.try_get("part")?,
                r.try_get("whole")?,
            ))
        })
        .collect()
}

/// Meetings due and held on time per branch and kind, over due months `[from, to]`.
pub async fn meetings(
    conn: &mut AnyConnection,
    root_path: &str,
    from: &str,
    to: &str,
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT o.path AS path, t.kind AS k, CAST(SUM(t.on_time) AS BIGINT) AS part, \
         CAST(SUM(t.required) AS BIGINT) AS whole FROM life_tally t JOIN org o ON o.id = t.org_id \
         WHERE t.leaf = 1 AND t.month >= ",
    );
    sql.text(from).push(" AND t.month <= ").text(to);
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path, t.kind");
    read(&sql, conn).await
}

/// Branches that held a 民主评议 for the year, or decided one within it (the review of a year
/// is usually held early in the next): `(path, "", 1, 1)` once per branch.
pub async fn reviews_decided(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT DISTINCT org_path AS path, '' AS k, CAST(1 AS BIGINT) AS part, \
         CAST(1 AS BIGINT) AS whole FROM annual_review WHERE decided_on IS NOT NULL AND (year = ",
    );
    sql.int(year)
        .push(" OR (decided_on >= ")
        .text(format!("{year:04}-01-01"))
        .push(" AND decided_on <= ")
        .text(format!("{year:04}-12-31"))
        .push("))");
    sql.within("org_path", root_path);
    read(&sql, conn).await
}

/// Dues paid in the month they are for (or earlier), per branch, over months `[from, to]`.
pub async fn dues_on_time(
    conn: &mut AnyConnection,
    root_path: &str,
    from: &str,
    to: &str,
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT o.path AS path, '' AS k, CAST(COUNT(*) AS BIGINT) AS part, CAST(0 AS BIGINT) AS whole \
         FROM dues_payment p JOIN org o ON o.id = p.org_id \
         WHERE substr(p.paid_on, 1, 7) <= p.month AND p.month >= ",
    );
    sql.text(from).push(" AND p.month <= ").text(to);
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path");
    read(&sql, conn).await
}

/// Members per branch by the month they joined: `(path, YYYY-MM, members, 0)`.
pub async fn members_by_join_month(conn: &mut AnyConnection, root_path: &str) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT org_path AS path, substr(join_date, 1, 7) AS k, CAST(COUNT(*) AS BIGINT) AS part, \
         CAST(0 AS BIGINT) AS whole FROM member WHERE 1 = 1",
    );
    sql.within("org_path", root_path);
    sql.push(" GROUP BY org_path, substr(join_date, 1, 7)");
    read(&sql, conn).await
}

/// People the branch committee approved as 预备党员 (`step_no`) in `[from, to]`, per branch.
pub async fn recruits_approved(
    conn: &mut AnyConnection,
    root_path: &str,
    step_no: i64,
    (from, to): (&str, &str),
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT r.org_path AS path, '' AS k, CAST(COUNT(*) AS BIGINT) AS part, CAST(0 AS BIGINT) AS whole \
         FROM recruit_step s JOIN recruit r ON r.id = s.recruit_id WHERE s.step_no = ",
    );
    sql.int(step_no)
        .push(" AND s.done_on >= ")
        .text(from)
        .push(" AND s.done_on <= ")
        .text(to);
    sql.within("r.org_path", root_path);
    sql.push(" GROUP BY r.org_path");
    read(&sql, conn).await
}

/// Households' evaluations of members given in `[from_ms, to_ms)`, per member's branch: the
/// points given and the most they could have given (5 per question).
pub async fn household_evaluations(
    conn: &mut AnyConnection,
    root_path: &str,
    (from_ms, to_ms): (i64, i64),
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT member_path AS path, '' AS k, CAST(SUM(total) AS BIGINT) AS part, \
         CAST(SUM(5 * (length(answers) - length(replace(answers, ',', '')) + 1)) AS BIGINT) AS whole \
         FROM evaluation_response WHERE rater = 'household' AND created_at >= ",
    );
    sql.int(from_ms).push(" AND created_at < ").int(to_ms);
    sql.within("member_path", root_path);
    sql.push(" GROUP BY member_path");
    read(&sql, conn).await
}

/// Per org of the subtree with a secretary post ever recorded: `(path, last ended day or "",
/// held now 1/0, 0)`.
pub async fn secretaries(conn: &mut AnyConnection, root_path: &str, post: &str) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT o.path AS path, COALESCE(MAX(p.ended_on), '') AS k, \
         CAST(MAX(CASE WHEN p.ended_on IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS part, CAST(0 AS BIGINT) AS whole \
         FROM committee_post p JOIN org o ON o.id = p.org_id WHERE p.post = ",
    );
    sql.text(post);
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path");
    read(&sql, conn).await
}

/// Rollup counters summed over keys `[from, to]` for every org of the subtree, each already
/// covering its own subtree: `(path, metric, n, 0)`.
pub async fn counters(
    conn: &mut AnyConnection,
    root_path: &str,
    metrics: &[&str],
    (from, to): (&str, &str),
) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT o.path AS path, r.metric AS k, CAST(SUM(r.n) AS BIGINT) AS part, CAST(0 AS BIGINT) AS whole \
         FROM rollup r JOIN org o ON o.id = r.org_id WHERE r.key >= ",
    );
    sql.text(from)
        .push(" AND r.key <= ")
        .text(to)
        .push(" AND r.metric")
        .texts_in(metrics);
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path, r.metric");
    read(&sql, conn).await
}
