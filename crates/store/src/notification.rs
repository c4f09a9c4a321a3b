//! In-app reminders: written once per key, read per user.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::sql::{ROWS_PER_INSERT, Sql, now_ms};

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub org_id: i64,
    pub kind: String,
    pub dedupe_key: String,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// How many reminders go into one statement (seven parameters each).
pub const PER_BATCH: usize = ROWS_PER_INSERT / 7;

/// Writes the reminders whose key is new, skipping the others; returns how many were new.
pub async fn add_many(conn: &mut AnyConnection, batch: &[NewNotification]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let now = now_ms();
    let mut sql = Sql::new(
        "INSERT INTO notification (org_id, kind, dedupe_key, title, body, link, created_at) VALUES ",
    );
    for (i, n) in batch.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(").int(n.org_id);
        for v in [&n.kind, &n.dedupe_key, &n.title, &n.body, &n.link] {
            sql.push(", ").text(v.clone());
        }
        sql.push(", ").int(now).push(")");
    }
    sql.push(" ON CONFLICT (dedupe_key) DO NOTHING");
    sql.execute(conn).await
}

#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// Which reminders of an org a reader may see: all of them, or only some kinds.
#[derive(Debug, Clone, Copy)]
pub enum Kinds<'a> {
    All,
    Only(&'a [&'a str]),
}

/// `n.org_id = $1`, the reader as `$2`, and the kinds the reader may see.
fn addressed(sql: &mut Sql, org_id: i64, user_id: i64, kinds: Kinds<'_>) {
    sql.push(" LEFT JOIN notification_read r ON r.notification_id = n.id AND r.user_id = ")
        .int(user_id)
        .push(" WHERE n.org_id = ")
        .int(org_id);
    if let Kinds::Only(kinds) = kinds {
        sql.push(" AND n.kind IN (''");
        for k in kinds {
            sql.push(", ").text(*k);
        }
        sql.push(")");
    }
}

/// Reminders addressed to an org, newest first, with whether this user has read them.
pub async fn for_org(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    kinds: Kinds<'_>,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let mut sql = Sql::new(
        "SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, CASE WHEN r.user_id IS NULL THEN 0 ELSE 1 END AS seen \
         FROM notification n",
    );
    addressed(&mut sql, org_id, user_id, kinds);
    sql.push(" ORDER BY n.id DESC LIMIT ").int(limit);
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok(NotificationRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<i64, _>("seen")? != 0,
            })
        })
        .collect()
}

pub async fn unread(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    kinds: Kinds<'_>,
) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM notification n");
    addressed(&mut sql, org_id, user_id, kinds);
    sql.push(" AND r.user_id IS NULL");
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// Marks every reminder of the org that the reader may see as read by them.
pub async fn mark_all_read(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
    kinds: Kinds<'_>,
) -> Result<()> {
    let mut sql =
        Sql::new("INSERT INTO notification_read (notification_id, user_id, read_at) SELECT n.id, ");
    sql.int(user_id)
        .push(", ")
        .int(now_ms())
        .push(" FROM notification n");
    addressed(&mut sql, org_id, user_id, kinds);
    sql.push(" AND r.user_id IS NULL");
    sql.execute(conn).await?;
    Ok(())
}

/// A branch behind in every month asked about.
pub struct Behind {
    pub id: i64,
    pub path: String,
}

/// Branches behind in every one of the given months (any kind).
pub async fn behind_in_all(conn: &mut AnyConnection, months: &[String]) -> Result<Vec<Behind>> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let rs = sqlx::query(
        "SELECT t.org_id, o.path FROM life_tally t JOIN org o ON o.id = t.org_id WHERE t.leaf = 1 AND t.behind > 0 \
         AND t.month >= $1 AND t.month <= $2 GROUP BY t.org_id, o.path HAVING COUNT(DISTINCT t.month) = $3",
    )
    .bind(first.as_str())
    .bind(last.as_str())
    .bind(months.len() as i64)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok(Behind {
                id: r.try_get("org_id")?,
                path: r.try_get("path")?,
            })
        })
        .collect()
}
