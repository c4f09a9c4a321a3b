//! The reserve pool (后备力量) in SQL: reserve cadres of villages, their yearly reviews, and
//! each village's target against its pool.

use sqlx::{AnyConnection, Row};

use super::VILLAGE;
use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct ReserveRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub source: String,
        pub joined_on: String,
        pub training: String,
        pub outcome: Option<String>,
        pub outcome_on: Option<String>,
        /// The latest yearly review: its year and grade.
        pub review_year: Option<i64>,
        pub review_grade: Option<String>,
    }
}

const COLS: &str = "r.id, r.org_id, o.name AS org_name, o.path AS org_path, r.person_id, m.id AS member_id, \
    pe.name, pe.gender, pe.birth_date, pe.education, pe.id_masked, r.source, r.joined_on, r.training, \
    r.outcome, r.outcome_on, \
    (SELECT MAX(v.year) FROM reserve_review v WHERE v.reserve_id = r.id) AS review_year, \
    (SELECT v.grade FROM reserve_review v WHERE v.reserve_id = r.id ORDER BY v.year DESC LIMIT 1) AS review_grade \
    FROM reserve_cadre r JOIN org o ON o.id = r.org_id JOIN person pe ON pe.id = r.person_id \
    LEFT JOIN member m ON m.person_id = pe.id";

/// Filters of the reserve list.
#[derive(Debug, Clone, Default)]
pub struct ReserveFilter {
    pub root_path: String,
    pub source: Option<String>,
    /// `pool` (still in it), `elected`, `left`; none: all.
    pub state: Option<String>,
    /// Part of the person's name.
    pub q: Option<String>,
}

fn filtered(select: &str, f: &ReserveFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} WHERE {VILLAGE}"));
    sql.within("o.path", &f.root_path);
    if let Some(s) = &f.source {
        sql.push(" AND r.source = ").text(s.as_str());
    }
    match f.state.as_deref() {
        Some("pool") => {
            sql.push(" AND r.outcome IS NULL");
        }
        Some(s) => {
            sql.push(" AND r.outcome = ").text(s);
        }
        None => {}
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND pe.name LIKE ").text(format!("{q}%"));
    }
    sql
}

/// A page of reserve cadres in the tree's order, and how many match.
pub async fn page(
    conn: &mut AnyConnection,
    f: &ReserveFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ReserveRow>)> {
    let total: i64 = filtered(
        "COUNT(*) AS n FROM reserve_cadre r JOIN org o ON o.id = r.org_id JOIN person pe ON pe.id = r.person_id",
        f,
    )
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    let mut sql = filtered(COLS, f);
    sql.push(" ORDER BY o.path, r.joined_on, r.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(ReserveRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ReserveRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} WHERE r.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(ReserveRow::read)
        .transpose()
}

/// What a reserve cadre is written with.
#[derive(Debug, Clone)]
pub struct ReserveWrite {
    pub org_id: i64,
    pub person_id: i64,
    pub source: String,
    pub joined_on: String,
    pub training: String,
}

/// Adds a person to a village's pool; a person is in one pool at a time
/// (`StoreError::Duplicate`).
pub async fn insert(conn: &mut AnyConnection, w: &ReserveWrite, by: Option<i64>) -> Result<i64> {
    let now = now_ms();
    let mut sql = Sql::new(
        "INSERT INTO reserve_cadre (org_id, person_id, source, joined_on, training, created_by, created_at, updated_at) VALUES (",
    );
    sql.int(w.org_id)
        .push(", ")
        .int(w.person_id)
        .push(", ")
        .text(w.source.as_str())
        .push(", ")
        .text(w.joined_on.as_str())
        .push(", ")
        .text(w.training.as_str())
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now)
        .push(", ")
        .int(now)
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Changes the source and training of a reserve cadre still in the pool.
pub async fn update(conn: &mut AnyConnection, id: i64, source: &str, training: &str) -> Result<()> {
    let mut sql = Sql::new("UPDATE reserve_cadre SET source = ");
    sql.text(source)
        .push(", training = ")
        .text(training)
        .push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE id = ")
        .int(id);
    sql.execute(conn).await?;
    Ok(())
}

/// Records what became of a reserve cadre still in the pool; false when it was already set.
pub async fn set_outcome(
    conn: &mut AnyConnection,
    id: i64,
    outcome: &str,
    on: &str,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE reserve_cadre SET outcome = ");
    sql.text(outcome)
        .push(", outcome_on = ")
        .text(on)
        .push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE outcome IS NULL AND id = ")
        .int(id);
    Ok(sql.execute(conn).await? == 1)
}

/// Those in a village's pool whom an election gave a post leave it as elected.
pub async fn mark_elected(
    conn: &mut AnyConnection,
    org_id: i64,
    person_ids: &[i64],
    on: &str,
) -> Result<u64> {
    if person_ids.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new("UPDATE reserve_cadre SET outcome = 'elected', outcome_on = ");
    sql.text(on)
        .push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE outcome IS NULL AND org_id = ")
        .int(org_id)
        .push(" AND person_id");
    sql.ints_in(person_ids);
    sql.execute(conn).await
}

/// Records (or corrects) the review of a year.
pub async fn review(
    conn: &mut AnyConnection,
    id: i64,
    year: i64,
    grade: &str,
    note: &str,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO reserve_review (reserve_id, year, grade, note, set_by, set_at) VALUES (",
    );
    sql.int(id)
        .push(", ")
        .int(year)
        .push(", ")
        .text(grade)
        .push(", ")
        .text(note)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(
            ") ON CONFLICT (reserve_id, year) DO UPDATE SET grade = excluded.grade, note = excluded.note, \
             set_by = excluded.set_by, set_at = excluded.set_at",
        );
    sql.execute(conn).await?;
    Ok(())
}

row! {
    /// A village's pool against its target.
    #[derive(Debug, Clone)]
    pub struct PoolRow {
        pub id: i64,
        pub name: String,
        pub path: String,
        /// The village's own target, if it set one (else the district's default applies).
        pub target: Option<i64>,
        pub in_pool: i64,
    }
}

/// Which villages' pools a list reads: those below a level, or only those below the target
/// they are held to (their own, or the district's default).
#[derive(Debug, Clone)]
pub struct PoolFilter<'a> {
    pub root_path: &'a str,
    pub default_target: i64,
    pub short: bool,
}

/// `x`: each village of the filter with its own target, the one it is held to, and its pool.
fn pool_select(select: &str, f: &PoolFilter<'_>) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM (SELECT o.id, o.name, o.path, t.target, COALESCE(t.target, "
    ));
    sql.int(f.default_target).push(&format!(
        ") AS held_to, (SELECT COUNT(*) FROM reserve_cadre r WHERE r.org_id = o.id AND r.outcome IS NULL) AS in_pool \
         FROM org o LEFT JOIN reserve_target t ON t.org_id = o.id WHERE {VILLAGE}"
    ));
    sql.within("o.path", f.root_path);
    sql.push(") x");
    if f.short {
        sql.push(" WHERE x.in_pool < x.held_to");
    }
    sql
}

/// The sums over the villages of a filter.
#[derive(Debug, Clone, Default)]
pub struct PoolTotals {
    pub villages: i64,
    pub target_sum: i64,
    pub in_pool_sum: i64,
    /// Villages below the target they are held to.
    pub villages_short: i64,
}

pub async fn pool_totals(conn: &mut AnyConnection, f: &PoolFilter<'_>) -> Result<PoolTotals> {
    let r = pool_select(
        "COUNT(*) AS villages, CAST(COALESCE(SUM(x.held_to), 0) AS BIGINT) AS target_sum, \
         CAST(COALESCE(SUM(x.in_pool), 0) AS BIGINT) AS in_pool_sum, \
         CAST(COALESCE(SUM(CASE WHEN x.in_pool < x.held_to THEN 1 ELSE 0 END), 0) AS BIGINT) AS villages_short",
        f,
    )
    .fetch_one(conn)
    .await?;
    Ok(PoolTotals {
        villages: r.try_get("villages")?,
        target_sum: r.try_get("target_sum")?,
        in_pool_sum: r.try_get("in_pool_sum")?,
        villages_short: r.try_get("villages_short")?,
    })
}

/// A page of the villages of a filter with their pool and own target, in the tree's order.
pub async fn pools(
    conn: &mut AnyConnection,
    f: &PoolFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PoolRow>> {
    let mut sql = pool_select("x.id, x.name, x.path, x.target, x.in_pool", f);
    sql.push(" ORDER BY x.path LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(PoolRow::read)
        .collect()
}

/// Sets a village's own target, or clears it (back to the default).
pub async fn set_target(
    conn: &mut AnyConnection,
    org_id: i64,
    target: Option<i64>,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query("DELETE FROM reserve_target WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    if let Some(t) = target {
        let mut sql =
            Sql::new("INSERT INTO reserve_target (org_id, target, set_by, set_at) VALUES (");
        sql.int(org_id)
            .push(", ")
            .int(t)
            .push(", ")
            .opt_int(by)
            .push(", ")
            .int(now_ms())
            .push(")");
        sql.execute(conn).await?;
    }
    Ok(())
}

/// A reserve cadre written by a load (the demo), with its id and its reviews.
#[derive(Debug, Clone)]
pub struct ReserveLoad {
    pub id: i64,
    pub org_id: i64,
    pub person_id: i64,
    pub source: &'static str,
    pub joined_on: String,
    pub training: &'static str,
    pub outcome: Option<&'static str>,
    pub outcome_on: Option<String>,
    /// `(year, grade)`.
    pub reviews: Vec<(i64, &'static str)>,
}

pub async fn insert_bulk(conn: &mut AnyConnection, rows: &[ReserveLoad]) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const RESERVES: Insert = Insert {
        table: "reserve_cadre",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("person_id", Ty::Int),
            ("source", Ty::Text),
            ("joined_on", Ty::Text),
            ("training", Ty::Text),
            ("outcome", Ty::Text),
            ("outcome_on", Ty::Text),
            ("created_at", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    const REVIEWS: Insert = Insert {
        table: "reserve_review",
        columns: &[
            ("reserve_id", Ty::Int),
            ("year", Ty::Int),
            ("grade", Ty::Text),
            ("set_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    RESERVES
        .rows(
            conn,
            rows.iter().map(|r| -> [Val<'_>; 10] {
                [
                    r.id.into(),
                    r.org_id.into(),
                    r.person_id.into(),
                    r.source.into(),
                    (&r.joined_on).into(),
                    r.training.into(),
                    r.outcome.into(),
                    r.outcome_on.as_deref().into(),
                    now.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    REVIEWS
        .rows(
            conn,
            rows.iter().flat_map(|r| {
                r.reviews.iter().map(move |(y, g)| -> [Val<'_>; 4] {
                    [r.id.into(), (*y).into(), (*g).into(), now.into()]
                })
            }),
        )
        .await?;
    Ok(())
}
