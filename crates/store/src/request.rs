//! 群众诉求 in SQL: categories and departments, requests with their timeline and photo, and
//! the reads of the public side (rate limits, tracking, the published list).

use dangjian_domain::path;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{ROWS_PER_INSERT, Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct DepartmentRow {
        pub id: i64,
        pub name: String,
        pub contact: String,
        pub org_id: Option<i64>,
        pub org_name: Option<String>,
        pub org_path: Option<String>,
        pub active: bool,
    }
}

const DEPARTMENT_SELECT: &str = "SELECT d.id, d.name, d.contact, d.org_id, o.name AS org_name, o.path AS org_path, d.active \
    FROM request_department d LEFT JOIN org o ON o.id = d.org_id";

pub async fn departments(conn: &mut AnyConnection) -> Result<Vec<DepartmentRow>> {
    let mut sql = Sql::new(DEPARTMENT_SELECT);
    sql.push(" ORDER BY d.name");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(DepartmentRow::read)
        .collect()
}

pub async fn department(conn: &mut AnyConnection, id: i64) -> Result<Option<DepartmentRow>> {
    let mut sql = Sql::new(DEPARTMENT_SELECT);
    sql.push(" WHERE d.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(DepartmentRow::read)
        .transpose()
}

pub struct DepartmentData<'a> {
    pub name: &'a str,
    pub contact: &'a str,
    pub org_id: Option<i64>,
    pub active: bool,
}

pub async fn insert_department(conn: &mut AnyConnection, d: &DepartmentData<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO request_department (name, contact, org_id, active, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(d.name)
    .bind(d.contact)
    .bind(d.org_id)
    .bind(i64::from(d.active))
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn update_department(
    conn: &mut AnyConnection,
    id: i64,
    d: &DepartmentData<'_>,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE request_department SET name = $1, contact = $2, org_id = $3, active = $4 WHERE id = $5",
    )
    .bind(d.name)
    .bind(d.contact)
    .bind(d.org_id)
    .bind(i64::from(d.active))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

row! {
    #[derive(Debug, Clone)]
    pub struct CategoryRow {
        pub id: i64,
        pub name: String,
        pub accept_hours: i64,
        pub resolve_hours: i64,
        pub department_id: Option<i64>,
        pub department_name: Option<String>,
        pub sort: i64,
        pub active: bool,
    }
}

const CATEGORY_SELECT: &str = "SELECT c.id, c.name, c.accept_hours, c.resolve_hours, c.department_id, \
    d.name AS department_name, c.sort, c.active \
    FROM request_category c LEFT JOIN request_department d ON d.id = c.department_id";

/// Categories in their order; only those offered to residents when `active_only`.
pub async fn categories(conn: &mut AnyConnection, active_only: bool) -> Result<Vec<CategoryRow>> {
    let mut sql = Sql::new(CATEGORY_SELECT);
    if active_only {
        sql.push(" WHERE c.active = 1");
    }
    sql.push(" ORDER BY c.sort, c.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(CategoryRow::read)
        .collect()
}

pub async fn category(conn: &mut AnyConnection, id: i64) -> Result<Option<CategoryRow>> {
    let mut sql = Sql::new(CATEGORY_SELECT);
    sql.push(" WHERE c.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CategoryRow::read)
        .transpose()
}

pub struct CategoryData<'a> {
    pub name: &'a str,
    pub accept_hours: i64,
    pub resolve_hours: i64,
    pub department_id: Option<i64>,
    pub sort: i64,
    pub active: bool,
}

pub async fn insert_category(conn: &mut AnyConnection, c: &CategoryData<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO request_category (name, accept_hours, resolve_hours, department_id, sort, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(c.name)
    .bind(c.accept_hours)
    .bind(c.resolve_hours)
    .bind(c.department_id)
    .bind(c.sort)
    .bind(i64::from(c.active))
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn update_category(
    conn: &mut AnyConnection,
    id: i64,
    c: &CategoryData<'_>,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE request_category SET name = $1, accept_hours = $2, resolve_hours = $3, department_id = $4, \
         sort = $5, active = $6 WHERE id = $7",
    )
    .bind(c.name)
    .bind(c.accept_hours)
    .bind(c.resolve_hours)
    .bind(c.department_id)
    .bind(c.sort)
    .bind(i64::from(c.active))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// A request as stored, for inserting (one from the public form, or many for the demo).
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// Given by the demo, so that its timelines can name their requests; None otherwise.
    pub id: Option<i64>,
    pub code: String,
    pub category_id: i64,
    pub community_id: i64,
    pub community_path: String,
    pub grid_id: Option<i64>,
    pub address: String,
    pub description: String,
    pub phone_cipher: Vec<u8>,
    pub phone_masked: String,
    pub phone_index: String,
    pub address_index: String,
    pub submitted_at: i64,
    pub accept_due_at: i64,
    pub times: Times,
}

row! {
    /// The clock of a request: what changes as it moves, besides its state.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Times {
        pub state: String,
        pub answered_at: Option<i64>,
        pub resolve_due_at: Option<i64>,
        pub resolved_at: Option<i64>,
        pub closed_at: Option<i64>,
        pub due_at: Option<i64>,
        pub escalation: i64,
        pub assignee_member_id: Option<i64>,
        pub department_id: Option<i64>,
        pub department_path: Option<String>,
        pub reply: String,
    }
}

const INSERT_COLUMNS: &str = "INSERT INTO request (code, category_id, community_id, community_path, grid_id, address, description, \
    phone_cipher, phone_masked, phone_index, address_index, state, submitted_at, answered_at, accept_due_at, \
    resolve_due_at, resolved_at, closed_at, due_at, escalation, assignee_member_id, department_id, department_path, \
    reply, updated_at) VALUES ";
const INSERT_PARAMS: usize = 26;

fn push_values(sql: &mut Sql, r: &NewRequest) {
    let t = &r.times;
    sql.push("(");
    if let Some(id) = r.id {
        sql.int(id).push(", ");
    }
    sql.text(r.code.as_str())
        .push(", ")
        .int(r.category_id)
        .push(", ")
        .int(r.community_id)
        .push(", ")
        .text(r.community_path.as_str())
        .push(", ")
        .opt_int(r.grid_id)
        .push(", ")
        .text(r.address.as_str())
        .push(", ")
        .text(r.description.as_str())
        .push(", ")
        .bytes(r.phone_cipher.clone())
        .push(", ")
        .text(r.phone_masked.as_str())
        .push(", ")
        .text(r.phone_index.as_str())
        .push(", ")
        .text(r.address_index.as_str())
        .push(", ")
        .text(t.state.as_str())
        .push(", ")
        .int(r.submitted_at)
        .push(", ")
        .opt_int(t.answered_at)
        .push(", ")
        .int(r.accept_due_at)
        .push(", ")
        .opt_int(t.resolve_due_at)
        .push(", ")
        .opt_int(t.resolved_at)
        .push(", ")
        .opt_int(t.closed_at)
        .push(", ")
        .opt_int(t.due_at)
        .push(", ")
        .int(t.escalation)
        .push(", ")
        .opt_int(t.assignee_member_id)
        .push(", ")
        .opt_int(t.department_id)
        .push(", ")
        .opt_text(t.department_path.clone())
        .push(", ")
        .text(t.reply.as_str())
        .push(", ")
        .int(r.submitted_at)
        .push(")");
}

pub async fn insert(conn: &mut AnyConnection, r: &NewRequest) -> Result<i64> {
    let mut sql = Sql::new(INSERT_COLUMNS);
    push_values(&mut sql, r);
    sql.push(" RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Many requests at once, ids given (the demo); their timelines are written by
/// `insert_events_bulk`.
pub async fn insert_bulk(conn: &mut AnyConnection, rows: &[NewRequest]) -> Result<()> {
    let with_ids = INSERT_COLUMNS.replacen("(code,", "(id, code,", 1);
    for chunk in rows.chunks(ROWS_PER_INSERT / INSERT_PARAMS) {
        let mut sql = Sql::new(&with_ids);
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            push_values(&mut sql, r);
        }
        sql.execute(conn).await?;
    }
    Ok(())
}

/// Moves a request from `from_state`, only if it is still there (two people acting at once:
/// the second finds it moved and is told so).
pub async fn save_times(
    conn: &mut AnyConnection,
    id: i64,
    from_state: &str,
    t: &Times,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE request SET state = ");
    sql.text(t.state.as_str())
        .push(", answered_at = ")
        .opt_int(t.answered_at)
        .push(", resolve_due_at = ")
        .opt_int(t.resolve_due_at)
        .push(", resolved_at = ")
        .opt_int(t.resolved_at)
        .push(", closed_at = ")
        .opt_int(t.closed_at)
        .push(", due_at = ")
        .opt_int(t.due_at)
        .push(", escalation = ")
        .int(t.escalation)
        .push(", assignee_member_id = ")
        .opt_int(t.assignee_member_id)
        .push(", department_id = ")
        .opt_int(t.department_id)
        .push(", department_path = ")
        .opt_text(t.department_path.clone())
        .push(", reply = ")
        .text(t.reply.as_str())
        .push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE id = ")
        .int(id)
        .push(" AND state = ")
        .text(from_state);
    Ok(sql.execute(conn).await? > 0)
}

pub async fn set_escalation(conn: &mut AnyConnection, id: i64, level: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE request SET escalation = $1 WHERE id = $2 AND escalation < $1")
        .bind(level)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn set_redacted(conn: &mut AnyConnection, id: i64, redacted: bool) -> Result<()> {
    sqlx::query("UPDATE request SET redacted = $1 WHERE id = $2")
        .bind(i64::from(redacted))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct RequestRow {
        pub id: i64,
        pub code: String,
        pub category_id: i64,
        pub category_name: String,
        pub accept_hours: i64,
        pub resolve_hours: i64,
        pub routed_department_id: Option<i64>,
        pub community_id: i64,
        pub community_name: String,
        pub community_path: String,
        pub grid_id: Option<i64>,
        pub grid_name: Option<String>,
        pub address: String,
        pub description: String,
        pub phone_masked: String,
        pub submitted_at: i64,
        pub accept_due_at: i64,
        pub times: Times,
        pub assignee_name: Option<String>,
        pub department_name: Option<String>,
        pub redacted: bool,
        pub has_photo: bool,
    }
}

const REQUEST_SELECT: &str = "SELECT r.id, r.code, r.category_id, c.name AS category_name, c.accept_hours, c.resolve_hours, \
    c.department_id AS routed_department_id, r.community_id, o.name AS community_name, r.community_path, r.grid_id, \
    g.name AS grid_name, r.address, r.description, r.phone_masked, r.state, r.submitted_at, r.answered_at, \
    r.accept_due_at, r.resolve_due_at, r.resolved_at, r.closed_at, r.due_at, r.escalation, r.assignee_member_id, \
    m.name AS assignee_name, r.department_id, d.name AS department_name, r.department_path, r.reply, r.redacted, \
    CASE WHEN EXISTS (SELECT 1 FROM request_photo p WHERE p.request_id = r.id) THEN 1 ELSE 0 END AS has_photo \
    FROM request r JOIN request_category c ON c.id = r.category_id JOIN org o ON o.id = r.community_id \
    LEFT JOIN grid g ON g.id = r.grid_id LEFT JOIN member m ON m.id = r.assignee_member_id \
    LEFT JOIN request_department d ON d.id = r.department_id";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<RequestRow>> {
    let mut sql = Sql::new(REQUEST_SELECT);
    sql.push(" WHERE r.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(RequestRow::read)
        .transpose()
}

/// A request by its tracking code, with its phone index for the caller to compare.
pub async fn by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<(RequestRow, String)>> {
    let mut sql =
        Sql::new(&REQUEST_SELECT.replacen("SELECT r.id,", "SELECT r.phone_index, r.id,", 1));
    sql.push(" WHERE r.code = ").text(code);
    let rs = sql.fetch_all(conn).await?;
    match rs.first() {
        Some(r) => Ok(Some((RequestRow::read(r)?, r.try_get("phone_index")?))),
        None => Ok(None),
    }
}

pub async fn phone_cipher(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT phone_cipher FROM request WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(match r {
        Some(r) => Some(r.try_get("phone_cipher")?),
        None => None,
    })
}

/// Whose requests a list shows.
#[derive(Debug, Clone)]
pub enum Whose {
    /// Requests to the communities of a subtree.
    Communities(String),
    /// Requests sent to departments whose organization lies in a subtree.
    Departments(String),
    /// Requests assigned to one member.
    Assignee(i64),
}

#[derive(Debug, Clone)]
pub struct RequestFilter {
    pub whose: Whose,
    pub states: Vec<String>,
    /// Only requests whose deadline passed before this instant.
    pub overdue_at: Option<i64>,
    pub category_id: Option<i64>,
}

fn request_where(sql: &mut Sql, f: &RequestFilter) {
    match &f.whose {
        Whose::Communities(root) => {
            sql.push(" WHERE r.community_path >= ")
                .text(root.as_str())
                .push(" AND r.community_path < ")
                .text(path::upper(root));
        }
        Whose::Departments(root) => {
            sql.push(" WHERE r.department_path >= ")
                .text(root.as_str())
                .push(" AND r.department_path < ")
                .text(path::upper(root));
        }
        Whose::Assignee(member) => {
            sql.push(" WHERE r.assignee_member_id = ").int(*member);
        }
    }
    if !f.states.is_empty() {
        sql.push(" AND r.state IN (");
        for (i, s) in f.states.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.text(s.as_str());
        }
        sql.push(")");
    }
    if let Some(at) = f.overdue_at {
        sql.push(" AND r.due_at < ").int(at);
    }
    if let Some(c) = f.category_id {
        sql.push(" AND r.category_id = ").int(c);
    }
}

/// Newest first.
pub async fn list(
    conn: &mut AnyConnection,
    f: &RequestFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<RequestRow>> {
    let mut sql = Sql::new(REQUEST_SELECT);
    request_where(&mut sql, f);
    sql.push(" ORDER BY r.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(RequestRow::read)
        .collect()
}

pub async fn count(conn: &mut AnyConnection, f: &RequestFilter) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM request r");
    request_where(&mut sql, f);
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// How many requests a phone (or an address) sent since an instant, by its keyed index.
pub async fn count_since(
    conn: &mut AnyConnection,
    phone_index: &str,
    address_index: &str,
    since: i64,
) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM request WHERE phone_index = $1 AND submitted_at >= $3) AS by_phone, \
         (SELECT COUNT(*) FROM request WHERE address_index = $2 AND submitted_at >= $3) AS by_address",
    )
    .bind(phone_index)
    .bind(address_index)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("by_phone")?, r.try_get("by_address")?))
}

/// Requests of a subtree submitted in `[from_ms, to_ms)`, by category: (name, n), most first.
pub async fn by_category(
    conn: &mut AnyConnection,
    root: &str,
    (from_ms, to_ms): (i64, i64),
) -> Result<Vec<(String, i64)>> {
    let rs = sqlx::query(
        "SELECT c.name, COUNT(*) AS n FROM request r JOIN request_category c ON c.id = r.category_id \
         WHERE r.community_path >= $1 AND r.community_path < $2 \
         AND r.submitted_at >= $3 AND r.submitted_at < $4 \
         GROUP BY c.name ORDER BY n DESC, c.name",
    )
    .bind(root)
    .bind(path::upper(root))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("n")?)))
        .collect()
}

/// Open requests of a subtree whose deadline has passed, by community: (path, n).
pub async fn overdue_by_community(
    conn: &mut AnyConnection,
    root: &str,
    now: i64,
) -> Result<Vec<(String, i64)>> {
    let rs = sqlx::query(
        "SELECT community_path, COUNT(*) AS n FROM request WHERE due_at < $1 AND community_path >= $2 \
         AND community_path < $3 GROUP BY community_path",
    )
    .bind(now)
    .bind(root)
    .bind(path::upper(root))
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("community_path")?, r.try_get("n")?)))
        .collect()
}

row! {
    /// What the job needs of an overdue request.
    #[derive(Debug, Clone)]
    pub struct Overdue {
        pub id: i64,
        pub code: String,
        pub community_path: String,
        pub community_name: String,
        pub category_name: String,
        pub state: String,
        pub due_at: i64,
        pub escalation: i64,
        pub span_hours: i64,
    }
}

pub async fn overdue(conn: &mut AnyConnection, now: i64) -> Result<Vec<Overdue>> {
    let rs = sqlx::query(
        "SELECT r.id, r.code, r.community_path, o.name AS community_name, c.name AS category_name, r.state, \
         r.due_at, r.escalation, CASE WHEN r.state = 'submitted' THEN c.accept_hours ELSE c.resolve_hours END AS span_hours \
         FROM request r JOIN request_category c ON c.id = r.category_id JOIN org o ON o.id = r.community_id \
         WHERE r.due_at < $1 ORDER BY r.id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    rs.iter().map(Overdue::read).collect()
}

/// Requests the job closes: confirmed ones, and resolved or rejected ones left unanswered
/// since `before`.
pub async fn to_close(conn: &mut AnyConnection, before: i64) -> Result<Vec<i64>> {
    let rs = sqlx::query(
        "SELECT id FROM request WHERE state = 'confirmed' \
         OR (state = 'resolved' AND resolved_at < $1) OR (state = 'rejected' AND answered_at < $1) ORDER BY id",
    )
    .bind(before)
    .fetch_all(conn)
    .await?;
    rs.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct EventRow {
        pub at: i64,
        pub action: String,
        pub to_state: String,
        pub actor_label: String,
        pub note: String,
    }
}

pub struct NewEvent<'a> {
    pub request_id: i64,
    pub at: i64,
    pub action: &'a str,
    pub to_state: &'a str,
    pub actor_label: &'a str,
    pub user_id: Option<i64>,
    pub note: &'a str,
}

pub async fn add_event(conn: &mut AnyConnection, e: &NewEvent<'_>) -> Result<()> {
    insert_events_bulk(conn, std::slice::from_ref(e)).await
}

pub async fn insert_events_bulk(conn: &mut AnyConnection, rows: &[NewEvent<'_>]) -> Result<()> {
    const EVENTS: Insert = Insert {
        table: "request_event",
        columns: &[
            ("request_id", Ty::Int),
            ("at", Ty::Int),
            ("action", Ty::Text),
            ("to_state", Ty::Text),
            ("actor_label", Ty::Text),
            ("user_id", Ty::Int),
            ("note", Ty::Text),
        ],
        suffix: "",
    };
    EVENTS
        .rows(
            conn,
            rows.iter().map(|e| -> [Val<'_>; 7] {
                [
                    e.request_id.into(),
                    e.at.into(),
                    e.action.into(),
                    e.to_state.into(),
                    e.actor_label.into(),
                    e.user_id.into(),
                    e.note.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

pub async fn events(conn: &mut AnyConnection, request_id: i64) -> Result<Vec<EventRow>> {
    let rs = sqlx::query(
        "SELECT at, action, to_state, actor_label, note FROM request_event WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(EventRow::read).collect()
}

pub async fn save_photo(
    conn: &mut AnyConnection,
    request_id: i64,
    mime: &str,
    body: &[u8],
) -> Result<()> {
    sqlx::query("INSERT INTO request_photo (request_id, mime, body) VALUES ($1, $2, $3)")
        .bind(request_id)
        .bind(mime)
        .bind(body)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn photo(conn: &mut AnyConnection, request_id: i64) -> Result<Option<(String, Vec<u8>)>> {
    let r = sqlx::query("SELECT mime, body FROM request_photo WHERE request_id = $1")
        .bind(request_id)
        .fetch_optional(conn)
        .await?;
    Ok(match r {
        Some(r) => Some((r.try_get("mime")?, r.try_get("body")?)),
        None => None,
    })
}

/// A line of the published list: nothing that names or reaches a resident.
#[derive(Debug, Clone)]
pub struct PublishedRow {
    pub code_tail: String,
    pub category_name: String,
    pub community_name: String,
    pub grid_name: Option<String>,
    pub state: String,
    pub submitted_at: i64,
    pub resolved_at: Option<i64>,
    /// The reply, unless staff redacted it.
    pub reply: Option<String>,
}

/// Answered requests of a subtree, newest first: resolved, confirmed, or closed after
/// being resolved.
pub async fn published(
    conn: &mut AnyConnection,
    root: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<PublishedRow>> {
    let rs = sqlx::query(
        "SELECT r.code, c.name AS category_name, o.name AS community_name, g.name AS grid_name, r.state, \
         r.submitted_at, r.resolved_at, r.reply, r.redacted \
         FROM request r JOIN request_category c ON c.id = r.category_id JOIN org o ON o.id = r.community_id \
         LEFT JOIN grid g ON g.id = r.grid_id \
         WHERE r.resolved_at IS NOT NULL AND r.community_path >= $1 AND r.community_path < $2 \
         ORDER BY r.id DESC LIMIT $3 OFFSET $4",
    )
    .bind(root)
    .bind(path::upper(root))
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            let code: String = r.try_get("code")?;
            let redacted = r.try_get::<i64, _>("redacted")? != 0;
            let reply: String = r.try_get("reply")?;
            Ok(PublishedRow {
                code_tail: code
                    .chars()
                    .skip(code.chars().count().saturating_sub(4))
                    .collect::<String>()
                    .to_uppercase(),
                category_name: r.try_get("category_name")?,
                community_name: r.try_get("community_name")?,
                grid_name: r.try_get("grid_name")?,
                state: r.try_get("state")?,
                submitted_at: r.try_get("submitted_at")?,
                resolved_at: r.try_get("resolved_at")?,
                reply: (!redacted).then_some(reply),
            })
        })
        .collect()
}

row! {
    /// The facts the rollup counts of one request.
    #[derive(Debug, Clone)]
    pub struct FactRow {
        pub community_path: String,
        pub state: String,
        pub submitted_at: i64,
        pub accept_due_at: i64,
        pub answered_at: Option<i64>,
        pub resolve_due_at: Option<i64>,
        pub resolved_at: Option<i64>,
    }
}

/// Every request's facts, for the rollup's rebuild.
pub async fn all_facts(conn: &mut AnyConnection) -> Result<Vec<FactRow>> {
    let rs = sqlx::query(
        "SELECT community_path, state, submitted_at, accept_due_at, answered_at, resolve_due_at, resolved_at FROM request",
    )
    .fetch_all(conn)
    .await?;
    rs.iter().map(FactRow::read).collect()
}
