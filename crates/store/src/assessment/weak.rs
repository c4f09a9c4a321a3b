//! 软弱涣散 and 红旗 in SQL: departments' flags, listings with their rectification plans,
//! progress and acceptance records, and red-flag titles.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct FlagRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub year: i64,
        pub source: String,
        pub note: String,
        pub created_at: i64,
    }
}

pub async fn insert_flag(
    conn: &mut AnyConnection,
    (org_id, org_path): (i64, &str),
    year: i64,
    (source, note): (&str, &str),
    by: Option<i64>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO weak_flag (org_id, org_path, year, source, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(org_path)
    .bind(year)
    .bind(source)
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// The flags of a year inside a subtree.
pub async fn flags(conn: &mut AnyConnection, root_path: &str, year: i64) -> Result<Vec<FlagRow>> {
    let mut sql = Sql::new(
        "SELECT id, org_id, org_path, year, source, note, created_at FROM weak_flag WHERE year = ",
    );
    sql.int(year);
    sql.within("org_path", root_path);
    sql.push(" ORDER BY id");
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(FlagRow::read).collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct ListingRow {
        pub id: i64,
        pub year: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub state: String,
        pub reasons: String,
        pub note: String,
        pub proposed_at: i64,
        pub decided_on: Option<String>,
        pub document_no: Option<String>,
        pub district_leader: String,
        pub town_leader: String,
        pub department: String,
        pub first_secretary: String,
        pub signed_off_on: Option<String>,
        pub follow_until: Option<String>,
    }
}

const LISTING_COLS: &str = "l.id, l.year, l.org_id, l.org_path, o.name AS org_name, l.state, \
    l.reasons, l.note, l.proposed_at, l.decided_on, l.document_no, l.district_leader, \
    l.town_leader, l.department, l.first_secretary, l.signed_off_on, l.follow_until \
    FROM weak_listing l JOIN org o ON o.id = l.org_id";

pub async fn listing(conn: &mut AnyConnection, id: i64) -> Result<Option<ListingRow>> {
    let sql = format!("SELECT {LISTING_COLS} WHERE l.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(ListingRow::read).transpose()
}

/// Listings inside a subtree: of one year, or of every year (`None`), in tree order.
pub async fn listings(
    conn: &mut AnyConnection,
    root_path: &str,
    year: Option<i64>,
) -> Result<Vec<ListingRow>> {
    let mut sql = Sql::new(&format!("SELECT {LISTING_COLS} WHERE 1 = 1"));
    if let Some(y) = year {
        sql.push(" AND l.year = ").int(y);
    }
    sql.within("l.org_path", root_path);
    sql.push(" ORDER BY l.year DESC, l.org_path");
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(ListingRow::read).collect()
}

pub async fn insert_listing(
    conn: &mut AnyConnection,
    year: i64,
    (org_id, org_path): (i64, &str),
    (reasons, note): (&str, &str),
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO weak_listing (year, org_id, org_path, state, reasons, note, proposed_by, proposed_at, updated_at) \
         VALUES ($1, $2, $3, 'proposed', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(year)
    .bind(org_id)
    .bind(org_path)
    .bind(reasons)
    .bind(note)
    .bind(by)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// The district's decision on a proposed listing; false when it was not proposed.
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    listed: bool,
    (decided_on, document_no): (&str, &str),
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE weak_listing SET state = $1, decided_on = $2, document_no = $3, updated_at = $4 \
         WHERE id = $5 AND state = 'proposed'",
    )
    .bind(if listed { "listed" } else { "not_listed" })
    .bind(decided_on)
    .bind(document_no)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub struct Support<'a> {
    pub district_leader: &'a str,
    pub town_leader: &'a str,
    pub department: &'a str,
    pub first_secretary: &'a str,
}

pub async fn set_support(conn: &mut AnyConnection, id: i64, s: &Support<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE weak_listing SET district_leader = $1, town_leader = $2, department = $3, \
         first_secretary = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(s.district_leader)
    .bind(s.town_leader)
    .bind(s.department)
    .bind(s.first_secretary)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Signs a listed organization off; false when it was not listed.
pub async fn sign_off_listing(
    conn: &mut AnyConnection,
    id: i64,
    (on, follow_until): (&str, &str),
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE weak_listing SET state = 'signed_off', signed_off_on = $1, follow_until = $2, \
         updated_at = $3 WHERE id = $4 AND state = 'listed'",
    )
    .bind(on)
    .bind(follow_until)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Years each org of a subtree was listed (the district's decision), for repeats.
pub async fn listed_years(conn: &mut AnyConnection, root_path: &str) -> Result<Vec<(i64, i64)>> {
    let mut sql =
        Sql::new("SELECT org_id, year FROM weak_listing WHERE state IN ('listed', 'signed_off')");
    sql.within("org_path", root_path);
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("org_id")?, r.try_get("year")?)))
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct ItemRow {
        pub id: i64,
        pub listing_id: i64,
        pub list: String,
        pub content: String,
        pub person: String,
        pub deadline: String,
        pub done_on: Option<String>,
    }
}

pub async fn items(conn: &mut AnyConnection, listing_id: i64) -> Result<Vec<ItemRow>> {
    let rs = sqlx::query(
        "SELECT id, listing_id, list, content, person, deadline, done_on FROM rectification_item \
         WHERE listing_id = $1 ORDER BY id",
    )
    .bind(listing_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(ItemRow::read).collect()
}

/// Per listing of a year inside a subtree: its plan's items, those done, and those past
/// their deadline on `today` and not done.
pub async fn item_tallies(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i64,
    today: &str,
) -> Result<Vec<(i64, i64, i64, i64)>> {
    let mut sql = Sql::new(
        "SELECT i.listing_id, COUNT(*) AS n, COUNT(i.done_on) AS done, \
         SUM(CASE WHEN i.done_on IS NULL AND i.deadline < ",
    );
    sql.text(today)
        .push(
            " THEN 1 ELSE 0 END) AS overdue FROM rectification_item i \
             JOIN weak_listing l ON l.id = i.listing_id WHERE l.year = ",
        )
        .int(year);
    sql.within("l.org_path", root_path);
    sql.push(" GROUP BY i.listing_id");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("listing_id")?,
                r.try_get("n")?,
                r.try_get("done")?,
                r.try_get("overdue")?,
            ))
        })
        .collect()
}

row! {
    /// A listed organization whose plan has items past their deadline and not done.
    #[derive(Debug, Clone)]
    pub struct OverduePlanRow {
        pub listing_id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub overdue: i64,
        pub first_deadline: String,
    }
}

/// Every listed organization's plan with items past their deadline on `today`, not done.
pub async fn overdue_plans(conn: &mut AnyConnection, today: &str) -> Result<Vec<OverduePlanRow>> {
    let rs = sqlx::query(
        "SELECT l.id AS listing_id, l.org_id, l.org_path, COUNT(*) AS overdue, \
         MIN(i.deadline) AS first_deadline FROM rectification_item i \
         JOIN weak_listing l ON l.id = i.listing_id \
         WHERE l.state = 'listed' AND i.done_on IS NULL AND i.deadline < $1 \
         GROUP BY l.id, l.org_id, l.org_path ORDER BY l.id",
    )
    .bind(today)
    .fetch_all(conn)
    .await?;
    rs.iter().map(OverduePlanRow::read).collect()
}

pub struct NewItem<'a> {
    pub listing_id: i64,
    pub list: &'a str,
    pub content: &'a str,
    pub person: &'a str,
    pub deadline: &'a str,
}

pub async fn insert_item(conn: &mut AnyConnection, i: &NewItem<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO rectification_item (listing_id, list, content, person, deadline, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(i.listing_id)
    .bind(i.list)
    .bind(i.content)
    .bind(i.person)
    .bind(i.deadline)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Marks an item done once; false when it was done already or is not the listing's.
pub async fn finish_item(
    conn: &mut AnyConnection,
    listing_id: i64,
    item_id: i64,
    on: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE rectification_item SET done_on = $1 WHERE id = $2 AND listing_id = $3 AND done_on IS NULL",
    )
    .bind(on)
    .bind(item_id)
    .bind(listing_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Gives the open items of a listing a new deadline (after a failed acceptance).
pub async fn extend_open_items(
    conn: &mut AnyConnection,
    listing_id: i64,
    deadline: &str,
) -> Result<u64> {
    let n = sqlx::query(
        "UPDATE rectification_item SET deadline = $1 WHERE listing_id = $2 AND done_on IS NULL",
    )
    .bind(deadline)
    .bind(listing_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n)
}

row! {
    #[derive(Debug, Clone)]
    pub struct ProgressRow {
        pub id: i64,
        pub item_id: Option<i64>,
        pub note: String,
        pub by_name: String,
        pub at: i64,
    }
}

pub async fn progress(conn: &mut AnyConnection, listing_id: i64) -> Result<Vec<ProgressRow>> {
    let rs = sqlx::query(
        "SELECT id, item_id, note, by_name, at FROM rectification_progress WHERE listing_id = $1 ORDER BY id",
    )
    .bind(listing_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(ProgressRow::read).collect()
}

pub async fn insert_progress(
    conn: &mut AnyConnection,
    listing_id: i64,
    item_id: Option<i64>,
    note: &str,
    by_name: &str,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO rectification_progress (listing_id, item_id, note, by_name, at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(listing_id)
    .bind(item_id)
    .bind(note)
    .bind(by_name)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct SignOffRow {
        pub id: i64,
        pub held_on: String,
        pub score: i64,
        pub present: i64,
        pub satisfied: i64,
        pub basically_satisfied: i64,
        pub dissatisfied: i64,
        pub passed: bool,
        pub verdict: String,
        pub new_deadline: Option<String>,
    }
}

pub async fn sign_offs(conn: &mut AnyConnection, listing_id: i64) -> Result<Vec<SignOffRow>> {
    let rs = sqlx::query(
        "SELECT id, held_on, score, present, satisfied, basically_satisfied, dissatisfied, passed, \
         verdict, new_deadline FROM sign_off WHERE listing_id = $1 ORDER BY id",
    )
    .bind(listing_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(SignOffRow::read).collect()
}

pub struct NewSignOff<'a> {
    pub listing_id: i64,
    pub held_on: &'a str,
    pub score: i64,
    pub vote: [i64; 4],
    pub passed: bool,
    pub verdict: &'a str,
    pub new_deadline: Option<&'a str>,
    pub by: Option<i64>,
}

pub async fn insert_sign_off(conn: &mut AnyConnection, s: &NewSignOff<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO sign_off (listing_id, held_on, score, present, satisfied, basically_satisfied, \
         dissatisfied, passed, verdict, new_deadline, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(s.listing_id)
    .bind(s.held_on)
    .bind(s.score)
    .bind(s.vote[0])
    .bind(s.vote[1])
    .bind(s.vote[2])
    .bind(s.vote[3])
    .bind(i64::from(s.passed))
    .bind(s.verdict)
    .bind(s.new_deadline)
    .bind(s.by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct RedFlagRow {
        pub id: i64,
        pub year: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub awarded_on: String,
        pub document_no: String,
        pub revoked_on: Option<String>,
        pub revoked_reason: String,
    }
}

const FLAG_COLS: &str = "f.id, f.year, f.org_id, f.org_path, o.name AS org_name, f.awarded_on, \
    f.document_no, f.revoked_on, f.revoked_reason FROM red_flag f JOIN org o ON o.id = f.org_id";

pub async fn red_flag(conn: &mut AnyConnection, id: i64) -> Result<Option<RedFlagRow>> {
    let sql = format!("SELECT {FLAG_COLS} WHERE f.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(RedFlagRow::read).transpose()
}

/// Red flags inside a subtree, of every year, newest first, in tree order.
pub async fn red_flags(conn: &mut AnyConnection, root_path: &str) -> Result<Vec<RedFlagRow>> {
    let mut sql = Sql::new(&format!("SELECT {FLAG_COLS} WHERE 1 = 1"));
    sql.within("f.org_path", root_path);
    sql.push(" ORDER BY f.year DESC, f.org_path");
    let rs = sql.fetch_all(conn).await?;
    rs.iter().map(RedFlagRow::read).collect()
}

pub async fn insert_red_flag(
    conn: &mut AnyConnection,
    year: i64,
    (org_id, org_path): (i64, &str),
    (awarded_on, document_no): (&str, &str),
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO red_flag (year, org_id, org_path, awarded_on, document_no, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(year)
    .bind(org_id)
    .bind(org_path)
    .bind(awarded_on)
    .bind(document_no)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Revokes a title once; false when it was revoked already.
pub async fn revoke_red_flag(
    conn: &mut AnyConnection,
    id: i64,
    on: &str,
    reason: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE red_flag SET revoked_on = $1, revoked_reason = $2 WHERE id = $3 AND revoked_on IS NULL",
    )
    .bind(on)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}
