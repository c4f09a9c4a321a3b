//! 组织生活 in SQL: rules, meetings, attendance and the compliance tallies.

pub mod checkin;
pub mod review;

use std::collections::HashMap;

use dangjian_domain::path;
use futures_util::TryStreamExt;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct RuleRow {
        pub id: i64,
        pub org_kind: String,
        pub meeting_kind: String,
        pub period: String,
        pub times: i64,
        pub fixed_day: Option<i64>,
        pub effective_from: String,
    }
}

pub async fn rules(conn: &mut AnyConnection) -> Result<Vec<RuleRow>> {
    let rs = sqlx::query(
        "SELECT id, org_kind, meeting_kind, period, times, fixed_day, effective_from FROM meeting_rule \
         ORDER BY org_kind, meeting_kind, effective_from",
    )
    .fetch_all(conn)
    .await?;
    rs.iter().map(RuleRow::read).collect()
}

/// Adds a rule, or replaces the one of the same kinds and start date.
pub async fn put_rule(conn: &mut AnyConnection, r: &RuleRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO meeting_rule (org_kind, meeting_kind, period, times, fixed_day, effective_from, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_kind, meeting_kind, effective_from) \
         DO UPDATE SET period = excluded.period, times = excluded.times, fixed_day = excluded.fixed_day",
    )
    .bind(&r.org_kind)
    .bind(&r.meeting_kind)
    .bind(&r.period)
    .bind(r.times)
    .bind(r.fixed_day)
    .bind(&r.effective_from)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct MeetingRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        /// For a party-group meeting: the group that met.
        pub group_id: Option<i64>,
        pub group_name: Option<String>,
        pub kind: String,
        pub held_on: String,
        pub starts_at: String,
        pub place: String,
        pub topic: String,
        pub host: String,
        pub lecturer: String,
        pub agenda: String,
        pub minutes: String,
        pub decisions: String,
        pub due_month: String,
        pub on_time: bool,
        pub expected: i64,
        pub present: i64,
        pub quorum: Option<bool>,
        /// Study time each member present is credited with (党史学习教育).
        pub study_minutes: i64,
    }
}

/// A meeting as written; the ids of the org and of the recorder come with it.
#[derive(Debug, Clone)]
pub struct MeetingWrite {
    pub org_id: i64,
    pub org_path: String,
    pub group_id: Option<i64>,
    pub kind: String,
    pub held_on: String,
    pub starts_at: String,
    pub place: String,
    pub topic: String,
    pub host: String,
    pub lecturer: String,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    pub due_month: String,
    pub on_time: bool,
    pub expected: i64,
    pub present: i64,
    pub quorum: Option<bool>,
    pub study_minutes: i64,
    pub created_by: Option<i64>,
}

const COLS: &str = "m.id, m.org_id, o.name AS org_name, m.group_id, g.name AS group_name, m.kind, m.held_on, m.starts_at, m.place, m.topic, m.host, m.lecturer, \
    m.agenda, m.minutes, m.decisions, m.due_month, m.on_time, m.expected, m.present, m.quorum, m.study_minutes";

const INSERT_COLS: &str = "org_id, org_path, group_id, kind, held_on, starts_at, place, topic, host, lecturer, agenda, minutes, decisions, \
    due_month, on_time, expected, present, quorum, study_minutes, created_by, created_at";

fn push_meeting(sql: &mut Sql, id: Option<i64>, m: &MeetingWrite, now: i64) {
    sql.push("(");
    if let Some(id) = id {
        sql.int(id).push(", ");
    }
    sql.int(m.org_id)
        .push(", ")
        .text(m.org_path.clone())
        .push(", ")
        .opt_int(m.group_id);
    for v in [
        &m.kind,
        &m.held_on,
        &m.starts_at,
        &m.place,
        &m.topic,
        &m.host,
        &m.lecturer,
        &m.agenda,
        &m.minutes,
        &m.decisions,
        &m.due_month,
    ] {
        sql.push(", ").text(v.clone());
    }
    sql.push(", ")
        .int(i64::from(m.on_time))
        .push(", ")
        .int(m.expected)
        .push(", ")
        .int(m.present);
    sql.push(", ")
        .opt_int(m.quorum.map(i64::from))
        .push(", ")
        .int(m.study_minutes)
        .push(", ")
        .opt_int(m.created_by)
        .push(", ")
        .int(now)
        .push(")");
}

pub async fn insert_meeting(conn: &mut AnyConnection, m: &MeetingWrite) -> Result<i64> {
    let mut sql = Sql::new(&format!("INSERT INTO meeting ({INSERT_COLS}) VALUES "));
    push_meeting(&mut sql, None, m, now_ms());
    sql.push(" RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Meetings with ids chosen by the caller (the demo).
pub async fn insert_meetings_bulk(
    conn: &mut AnyConnection,
    meetings: &[(i64, MeetingWrite)],
) -> Result<()> {
    const MEETINGS: Insert = Insert {
        table: "meeting",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("group_id", Ty::Int),
            ("kind", Ty::Text),
            ("held_on", Ty::Text),
            ("starts_at", Ty::Text),
            ("place", Ty::Text),
            ("topic", Ty::Text),
            ("host", Ty::Text),
            ("lecturer", Ty::Text),
            ("agenda", Ty::Text),
            ("minutes", Ty::Text),
            ("decisions", Ty::Text),
            ("due_month", Ty::Text),
            ("on_time", Ty::Int),
            ("expected", Ty::Int),
            ("present", Ty::Int),
            ("quorum", Ty::Int),
            ("study_minutes", Ty::Int),
            ("created_by", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    MEETINGS
        .rows(
            conn,
            meetings.iter().map(|(id, m)| -> [Val<'_>; 22] {
                [
                    (*id).into(),
                    m.org_id.into(),
                    (&m.org_path).into(),
                    m.group_id.into(),
                    (&m.kind).into(),
                    (&m.held_on).into(),
                    (&m.starts_at).into(),
                    (&m.place).into(),
                    (&m.topic).into(),
                    (&m.host).into(),
                    (&m.lecturer).into(),
                    (&m.agenda).into(),
                    (&m.minutes).into(),
                    (&m.decisions).into(),
                    (&m.due_month).into(),
                    m.on_time.into(),
                    m.expected.into(),
                    m.present.into(),
                    m.quorum.into(),
                    m.study_minutes.into(),
                    m.created_by.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// One attendee's record: (member id, status, reason).
pub type Attendance = (i64, String, String);

pub async fn insert_attendance(
    conn: &mut AnyConnection,
    meeting_id: i64,
    rows: &[Attendance],
) -> Result<()> {
    let all: Vec<(i64, &Attendance)> = rows.iter().map(|r| (meeting_id, r)).collect();
    insert_attendance_bulk(conn, &all).await
}

async fn insert_attendance_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, &Attendance)],
) -> Result<()> {
    const ATTENDANCE: Insert = Insert {
        table: "attendance",
        columns: &[
            ("meeting_id", Ty::Int),
            ("member_id", Ty::Int),
            ("status", Ty::Text),
            ("reason", Ty::Text),
        ],
        suffix: "",
    };
    ATTENDANCE
        .rows(
            conn,
            rows.iter()
                .map(|(meeting, (member, status, reason))| -> [Val<'_>; 4] {
                    [
                        (*meeting).into(),
                        (*member).into(),
                        status.into(),
                        reason.into(),
                    ]
                }),
        )
        .await?;
    Ok(())
}

/// The demo's attendance for its meetings due from `from_month` on, derived in one statement
/// instead of millions of bound rows: the first `present` members of the branch (members
/// are written branch by branch with consecutive ids) attended, the others were excused or
/// absent, by a fixed rule on the two ids. Returns the rows written.
pub async fn fill_demo_attendance(conn: &mut AnyConnection, from_month: &str) -> Result<u64> {
    if conn.backend_name() != "SQLite" {
        // The tables were filled in this transaction: without statistics PostgreSQL plans
        // the join for empty tables.
        sqlx::query("ANALYZE meeting, member, committee_post")
            .execute(&mut *conn)
            .await?;
    }
    let members = sqlx::query(
        "INSERT INTO attendance (meeting_id, member_id, status, reason) \
         SELECT m.id, mb.id, \
                CASE WHEN mb.id - b.first_id < m.present THEN 'present' \
                     WHEN (m.id + mb.id) % 5 < 3 THEN 'excused' ELSE 'absent' END, \
                CASE WHEN mb.id - b.first_id >= m.present AND (m.id + mb.id) % 5 < 3 \
                     THEN '外出务工' ELSE '' END \
         FROM meeting m \
         JOIN (SELECT org_id, MIN(id) AS first_id FROM member GROUP BY org_id) b ON b.org_id = m.org_id \
         JOIN member mb ON mb.org_id = m.org_id \
         WHERE m.due_month >= $1 \
           AND (m.kind <> 'committee_meeting' OR NOT EXISTS \
                (SELECT 1 FROM committee_post cp WHERE cp.org_id = m.org_id AND cp.ended_on IS NULL)) \
         ORDER BY m.id, mb.id",
    )
    .bind(from_month)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // A committee meeting expects the committee; the first `present` of it by id came.
    let committee = sqlx::query(
        "INSERT INTO attendance (meeting_id, member_id, status, reason) \
         SELECT m.id, cp.member_id, \
                CASE WHEN (SELECT COUNT(*) FROM committee_post c2 WHERE c2.org_id = cp.org_id \
                           AND c2.ended_on IS NULL AND c2.member_id < cp.member_id) < m.present \
                     THEN 'present' ELSE 'excused' END, \
                CASE WHEN (SELECT COUNT(*) FROM committee_post c2 WHERE c2.org_id = cp.org_id \
                           AND c2.ended_on IS NULL AND c2.member_id < cp.member_id) < m.present \
                     THEN '' ELSE '外出办事' END \
         FROM meeting m JOIN committee_post cp ON cp.org_id = m.org_id AND cp.ended_on IS NULL \
         WHERE m.due_month >= $1 AND m.kind = 'committee_meeting' \
         ORDER BY m.id, cp.member_id",
    )
    .bind(from_month)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(members + committee)
}

pub async fn meeting(conn: &mut AnyConnection, id: i64) -> Result<Option<(MeetingRow, String)>> {
    let sql = format!(
        "SELECT {COLS}, m.org_path FROM meeting m JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id WHERE m.id = $1"
    );
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok((MeetingRow::read(&r)?, r.try_get("org_path")?)))
        .transpose()
}

/// Meetings inside a subtree, newest first, optionally of one kind.
pub async fn meetings(
    conn: &mut AnyConnection,
    root_path: &str,
    kind: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<MeetingRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLS} FROM meeting m JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id WHERE m.org_path >= "
    ));
    sql.text(root_path)
        .push(" AND m.org_path < ")
        .text(path::upper(root_path));
    if let Some(k) = kind {
        sql.push(" AND m.kind = ").text(k);
    }
    sql.push(" ORDER BY m.held_on DESC, m.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(MeetingRow::read)
        .collect()
}

/// The meetings an organization held itself (its party groups' included) between two days,
/// oldest first: a year's record book.
pub async fn meetings_held(
    conn: &mut AnyConnection,
    org_path: &str,
    (from, to): (&str, &str),
) -> Result<Vec<MeetingRow>> {
    let sql = format!(
        "SELECT {COLS} FROM meeting m JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id \
         WHERE m.org_path = $1 AND m.held_on >= $2 AND m.held_on <= $3 ORDER BY m.held_on, m.id"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(org_path)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?
        .iter()
        .map(MeetingRow::read)
        .collect()
}

/// The parts of a recorded meeting that may be corrected afterwards; its kind, date and
/// attendance decide compliance and stay as recorded.
#[derive(Debug, Clone)]
pub struct MeetingText {
    pub starts_at: String,
    pub place: String,
    pub topic: String,
    pub host: String,
    pub lecturer: String,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    pub study_minutes: i64,
}

pub async fn update_meeting(conn: &mut AnyConnection, id: i64, t: &MeetingText) -> Result<()> {
    sqlx::query(
        "UPDATE meeting SET starts_at = $1, place = $2, topic = $3, host = $4, lecturer = $5, agenda = $6, \
         minutes = $7, decisions = $8, study_minutes = $9 WHERE id = $10",
    )
    .bind(&t.starts_at)
    .bind(&t.place)
    .bind(&t.topic)
    .bind(&t.host)
    .bind(&t.lecturer)
    .bind(&t.agenda)
    .bind(&t.minutes)
    .bind(&t.decisions)
    .bind(t.study_minutes)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a meeting with its attendance and files; false if it was already gone.
pub async fn delete_meeting(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    for sql in [
        "DELETE FROM attendance WHERE meeting_id = $1",
        "DELETE FROM meeting_file WHERE meeting_id = $1",
        "UPDATE checkin SET meeting_id = NULL WHERE meeting_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    let n = sqlx::query("DELETE FROM meeting WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

row! {
    #[derive(Debug, Clone)]
    pub struct FileRow {
        pub id: i64,
        pub meeting_id: i64,
        pub name: String,
        pub mime: String,
        pub size: i64,
    }
}

pub async fn insert_file(
    conn: &mut AnyConnection,
    meeting_id: i64,
    name: &str,
    mime: &str,
    body: &[u8],
    created_by: Option<i64>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO meeting_file (meeting_id, name, mime, size, body, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(meeting_id)
    .bind(name)
    .bind(mime)
    .bind(body.len() as i64)
    .bind(body)
    .bind(created_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn files(conn: &mut AnyConnection, meeting_id: i64) -> Result<Vec<FileRow>> {
    let rs = sqlx::query(
        "SELECT id, meeting_id, name, mime, size FROM meeting_file WHERE meeting_id = $1 ORDER BY id",
    )
    .bind(meeting_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(FileRow::read).collect()
}

/// The total size of a meeting's files, for the per-meeting limit.
pub async fn files_size(conn: &mut AnyConnection, meeting_id: i64) -> Result<i64> {
    let r = sqlx::query(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM meeting_file WHERE meeting_id = $1",
    )
    .bind(meeting_id)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}

pub async fn file(
    conn: &mut AnyConnection,
    meeting_id: i64,
    file_id: i64,
) -> Result<Option<(FileRow, Vec<u8>)>> {
    let r = sqlx::query(
        "SELECT id, meeting_id, name, mime, size, body FROM meeting_file WHERE meeting_id = $1 AND id = $2",
    )
    .bind(meeting_id)
    .bind(file_id)
    .fetch_optional(conn)
    .await?;
    r.map(|r| Ok((FileRow::read(&r)?, r.try_get("body")?)))
        .transpose()
}

pub async fn delete_file(conn: &mut AnyConnection, meeting_id: i64, file_id: i64) -> Result<bool> {
    let n = sqlx::query("DELETE FROM meeting_file WHERE meeting_id = $1 AND id = $2")
        .bind(meeting_id)
        .bind(file_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// One member's study minutes from meetings held in `[from, to]` that they attended.
pub async fn member_study_minutes(
    conn: &mut AnyConnection,
    member_id: i64,
    from: &str,
    to: &str,
) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(m.study_minutes), 0) AS BIGINT) AS minutes FROM attendance a \
         JOIN meeting m ON m.id = a.meeting_id WHERE a.member_id = $1 AND a.status = 'present' \
         AND m.study_minutes > 0 AND m.held_on >= $2 AND m.held_on <= $3",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("n")?, r.try_get("minutes")?))
}

row! {
    /// A meeting a member was expected at, and how they attended it.
    #[derive(Debug, Clone)]
    pub struct MemberMeetingRow {
        pub meeting_id: i64,
        pub kind: String,
        pub held_on: String,
        pub topic: String,
        pub status: String,
    }
}

/// The meetings a member was expected at between two dates, newest first.
pub async fn member_meetings(
    conn: &mut AnyConnection,
    member_id: i64,
    (from, to): (&str, &str),
    limit: i64,
) -> Result<Vec<MemberMeetingRow>> {
    sqlx::query(
        "SELECT m.id AS meeting_id, m.kind, m.held_on, m.topic, a.status FROM attendance a \
         JOIN meeting m ON m.id = a.meeting_id \
         WHERE a.member_id = $1 AND m.held_on >= $2 AND m.held_on <= $3 \
         ORDER BY m.held_on DESC, m.id DESC LIMIT $4",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(MemberMeetingRow::read)
    .collect()
}

/// The meetings a branch held from a day on: (kind, day held).
pub async fn held_from(
    conn: &mut AnyConnection,
    org_id: i64,
    from: &str,
) -> Result<Vec<(String, String)>> {
    let rs = sqlx::query("SELECT kind, held_on FROM meeting WHERE org_id = $1 AND held_on >= $2")
        .bind(org_id)
        .bind(from)
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("kind")?, r.try_get("held_on")?)))
        .collect()
}

/// How many meetings a member was expected at between two dates, and attended.
pub async fn member_attendance(
    conn: &mut AnyConnection,
    member_id: i64,
    (from, to): (&str, &str),
) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS expected, \
         CAST(COALESCE(SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), 0) AS BIGINT) AS present \
         FROM attendance a JOIN meeting m ON m.id = a.meeting_id \
         WHERE a.member_id = $1 AND m.held_on >= $2 AND m.held_on <= $3",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("expected")?, r.try_get("present")?))
}

/// What the rollup counts of the meetings of one org in one month held.
pub struct MonthCounts {
    pub org_path: String,
    pub month: String,
    pub study_sessions: i64,
    pub study_minutes: i64,
    pub expected: i64,
    pub present: i64,
}

/// The meetings' counts per org path and month held, for rebuilding the rollup.
pub async fn month_counts_by_path(conn: &mut AnyConnection) -> Result<Vec<MonthCounts>> {
    let rs = sqlx::query(
        "SELECT org_path, substr(held_on, 1, 7) AS month, \
         CAST(SUM(CASE WHEN study_minutes > 0 THEN 1 ELSE 0 END) AS BIGINT) AS sessions, \
         CAST(SUM(study_minutes * present) AS BIGINT) AS minutes, \
         CAST(SUM(expected) AS BIGINT) AS expected, CAST(SUM(present) AS BIGINT) AS present \
         FROM meeting GROUP BY org_path, substr(held_on, 1, 7)",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok(MonthCounts {
                org_path: r.try_get("org_path")?,
                month: r.try_get("month")?,
                study_sessions: r.try_get("sessions")?,
                study_minutes: r.try_get("minutes")?,
                expected: r.try_get("expected")?,
                present: r.try_get("present")?,
            })
        })
        .collect()
}

/// The members at a meeting with their status: (member id, name, status, reason).
/// Those who did not come to any of these meetings, by meeting: (meeting, name, status,
/// reason), excused and absent only, by name. One query for a book of many meetings.
pub async fn not_present(
    conn: &mut AnyConnection,
    meeting_ids: &[i64],
) -> Result<Vec<(i64, String, String, String)>> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(crate::sql::ROWS_PER_INSERT) {
        let mut sql = Sql::new(
            "SELECT a.meeting_id, m.name, a.status, a.reason FROM attendance a \
             JOIN member m ON m.id = a.member_id WHERE a.status IN ('excused', 'absent') AND a.meeting_id",
        );
        sql.ints_in(chunk).push(" ORDER BY m.name, m.id");
        for r in sql.fetch_all(conn).await? {
            out.push((
                r.try_get("meeting_id")?,
                r.try_get("name")?,
                r.try_get("status")?,
                r.try_get("reason")?,
            ));
        }
    }
    Ok(out)
}

pub async fn attendance(
    conn: &mut AnyConnection,
    meeting_id: i64,
) -> Result<Vec<(i64, String, String, String)>> {
    let rs = sqlx::query(
        "SELECT a.member_id, m.name, a.status, a.reason FROM attendance a JOIN member m ON m.id = a.member_id WHERE a.meeting_id = $1 ORDER BY m.name, m.id",
    )
    .bind(meeting_id)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("member_id")?,
                r.try_get("name")?,
                r.try_get("status")?,
                r.try_get("reason")?,
            ))
        })
        .collect()
}

/// Held and on-time counts of one branch for due months in `[from, to]`: (kind, month) → (held, on_time).
pub async fn held_by_branch(
    conn: &mut AnyConnection,
    org_id: i64,
    from: &str,
    to: &str,
) -> Result<HashMap<(String, String), (i64, i64)>> {
    let rs = sqlx::query(
        "SELECT kind, due_month, COUNT(*) AS n, CAST(COALESCE(SUM(on_time), 0) AS BIGINT) AS t FROM meeting \
         WHERE org_id = $1 AND due_month >= $2 AND due_month <= $3 GROUP BY kind, due_month",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                (r.try_get("kind")?, r.try_get("due_month")?),
                (r.try_get("n")?, r.try_get("t")?),
            ))
        })
        .collect()
}

/// Held and on-time counts of every branch from a due month on: (org_id, kind, month) → (held, on_time).
pub async fn held_since(
    conn: &mut AnyConnection,
    from_month: &str,
) -> Result<HashMap<(i64, String, String), (i64, i64)>> {
    // Read row by row: at provincial scale the groups are two million rows, several times
    // their map's size as rows held whole.
    let mut rows = sqlx::query(
        "SELECT org_id, kind, due_month, COUNT(*) AS n, CAST(COALESCE(SUM(on_time), 0) AS BIGINT) AS t \
         FROM meeting WHERE due_month >= $1 GROUP BY org_id, kind, due_month",
    )
    .bind(from_month)
    .fetch(conn);
    let mut held = HashMap::new();
    while let Some(r) = rows.try_next().await? {
        held.insert(
            (
                r.try_get("org_id")?,
                r.try_get("kind")?,
                r.try_get("due_month")?,
            ),
            (r.try_get("n")?, r.try_get("t")?),
        );
    }
    Ok(held)
}

row! {
    /// One tally row: org, due month, meeting kind and the four counts.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TallyRow {
        pub org_id: i64,
        pub month: String,
        pub kind: String,
        pub required: i64,
        pub met: i64,
        pub on_time: i64,
        pub behind: i64,
        /// A branch's own row, as opposed to a sum kept for an ancestor.
        pub leaf: bool,
    }
}

/// Adds the rows' counts to what is stored (deltas), merging equal keys first.
pub async fn add_tallies(conn: &mut AnyConnection, rows: &[TallyRow]) -> Result<()> {
    // [required, met, on_time, behind, leaf]; leaf is the same for every row of one key.
    let mut merged: HashMap<(i64, &str, &str), [i64; 5]> = HashMap::new();
    for r in rows {
        let e = merged
            .entry((r.org_id, r.month.as_str(), r.kind.as_str()))
            .or_default();
        e[0] += r.required;
        e[1] += r.met;
        e[2] += r.on_time;
        e[3] += r.behind;
        e[4] = i64::from(r.leaf);
    }
    let mut rows: Vec<_> = merged
        .into_iter()
        .filter(|(_, v)| v[..4].iter().any(|n| *n != 0))
        .collect();
    rows.sort();
    const TALLIES: Insert = Insert {
        table: "life_tally",
        columns: &[
            ("org_id", Ty::Int),
            ("month", Ty::Text),
            ("kind", Ty::Text),
            ("required", Ty::Int),
            ("met", Ty::Int),
            ("on_time", Ty::Int),
            ("behind", Ty::Int),
            ("leaf", Ty::Int),
        ],
        suffix: "ON CONFLICT (org_id, month, kind) DO UPDATE SET required = life_tally.required + excluded.required, \
             met = life_tally.met + excluded.met, on_time = life_tally.on_time + excluded.on_time, \
             behind = life_tally.behind + excluded.behind",
    };
    TALLIES
        .rows(
            conn,
            rows.iter().map(|((id, month, kind), v)| -> [Val<'_>; 8] {
                [
                    (*id).into(),
                    (*month).into(),
                    (*kind).into(),
                    v[0].into(),
                    v[1].into(),
                    v[2].into(),
                    v[3].into(),
                    v[4].into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

const TALLY_COLS: &str =
    "t.org_id, t.month, t.kind, t.required, t.met, t.on_time, t.behind, t.leaf";

/// The rows of one org for due months in `[from, to]`.
pub async fn tallies(
    conn: &mut AnyConnection,
    org_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<TallyRow>> {
    let sql = format!(
        "SELECT {TALLY_COLS} FROM life_tally t WHERE t.org_id = $1 AND t.month >= $2 AND t.month <= $3"
    );
    let rs = sqlx::query(AssertSqlSafe(sql))
        .bind(org_id)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?;
    rs.iter().map(TallyRow::read).collect()
}

/// The rows of every child of `parent_id` for due months in `[from, to]`.
pub async fn child_tallies(
    conn: &mut AnyConnection,
    parent_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<TallyRow>> {
    let sql = format!(
        "SELECT {TALLY_COLS} FROM org o JOIN life_tally t ON t.org_id = o.id WHERE o.parent_id = $1 AND t.month >= $2 AND t.month <= $3"
    );
    let rs = sqlx::query(AssertSqlSafe(sql))
        .bind(parent_id)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?;
    rs.iter().map(TallyRow::read).collect()
}

/// The running-total columns of `life_behind`: missed (`m`) or required (`r`) through month `n`.
fn running(prefix: char, n: u8) -> String {
    if n == 0 {
        "0".into()
    } else {
        format!("{prefix}{n:02}")
    }
}

/// Every running-total column: missed through January to December, then required.
fn running_columns() -> Vec<String> {
    (1..=12u8)
        .map(|n| running('m', n))
        .chain((1..=12u8).map(|n| running('r', n)))
        .collect()
}

/// Recomputes the behind rows of the years `[from_year, to_year]` from the branch tallies, for
/// one branch or for all.
pub async fn rebuild_behind(
    conn: &mut AnyConnection,
    from_year: i32,
    to_year: i32,
    org_id: Option<i64>,
) -> Result<()> {
    let mut del = Sql::new("DELETE FROM life_behind WHERE year >= ");
    del.int(i64::from(from_year))
        .push(" AND year <= ")
        .int(i64::from(to_year));
    if let Some(id) = org_id {
        del.push(" AND org_id = ").int(id);
    }
    del.execute(conn).await?;

    let names = running_columns();
    let sums: Vec<String> = (1..=12u8)
        .map(|n| format!("SUM(CASE WHEN substr(t.month, 6, 2) <= '{n:02}' THEN t.required - t.met ELSE 0 END)"))
        .chain((1..=12u8).map(|n| {
            format!("SUM(CASE WHEN substr(t.month, 6, 2) <= '{n:02}' THEN t.required ELSE 0 END)")
        }))
        .collect();
    let mut ins = Sql::new(&format!(
        "INSERT INTO life_behind (org_id, org_path, year, {}) SELECT t.org_id, o.path, CAST(substr(t.month, 1, 4) AS BIGINT), {} \
         FROM life_tally t JOIN org o ON o.id = t.org_id WHERE t.leaf = 1 AND t.behind > 0 AND t.month >= ",
        names.join(", "),
        sums.join(", ")
    ));
    ins.text(format!("{from_year:04}-01"))
        .push(" AND t.month <= ")
        .text(format!("{to_year:04}-12"));
    if let Some(id) = org_id {
        ins.push(" AND t.org_id = ").int(id);
    }
    ins.push(" GROUP BY t.org_id, o.path, substr(t.month, 1, 4)");
    ins.execute(conn).await?;
    Ok(())
}

/// Branches inside a subtree that fell behind in months `[from, to]` of `year`, most missed
/// first: (branch id, meetings missed, meetings required in the months it fell behind).
pub async fn behind_branches(
    conn: &mut AnyConnection,
    root_path: &str,
    year: i32,
    from: u8,
    to: u8,
    limit: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    let (from, to) = (from.clamp(1, 12), to.clamp(1, 12));
    let missed = format!("{} - {}", running('m', to), running('m', from - 1));
    let required = format!("{} - {}", running('r', to), running('r', from - 1));
    let mut sql = Sql::new(&format!(
        "SELECT org_id, {missed} AS missed, {required} AS required FROM life_behind WHERE year = "
    ));
    sql.int(i64::from(year))
        .push(" AND org_path >= ")
        .text(root_path)
        .push(" AND org_path < ")
        .text(path::upper(root_path))
        .push(&format!(
            " AND {missed} > 0 ORDER BY missed DESC, org_id LIMIT "
        ))
        .int(limit);
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("missed")?,
                r.try_get("required")?,
            ))
        })
        .collect()
}

/// Moves a subtree's tallies from its old ancestors to its new ones (as for the rollup).
pub async fn move_subtree(
    conn: &mut AnyConnection,
    node_id: i64,
    old_path: &str,
    new_path: &str,
) -> Result<()> {
    let own = tallies(conn, node_id, "0000-00", "9999-99").await?;
    let mut rows = Vec::new();
    for (id, sign) in path::moved_ancestors(old_path, new_path) {
        rows.extend(own.iter().map(|t| TallyRow {
            org_id: id,
            required: sign * t.required,
            met: sign * t.met,
            on_time: sign * t.on_time,
            behind: sign * t.behind,
            leaf: false,
            ..t.clone()
        }));
    }
    add_tallies(conn, &rows).await
}

pub async fn clear_tallies(conn: &mut AnyConnection, from_month: &str) -> Result<()> {
    sqlx::query("DELETE FROM life_tally WHERE month >= $1")
        .bind(from_month)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every behind row as (org id, org path, year, running totals), in key order.
pub async fn behind_snapshot(
    conn: &mut AnyConnection,
) -> Result<Vec<(i64, String, i64, Vec<i64>)>> {
    let cols = running_columns();
    let sql = format!(
        "SELECT org_id, org_path, year, {} FROM life_behind ORDER BY org_id, year",
        cols.join(", ")
    );
    let rs = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            let totals = cols
                .iter()
                .map(|c| r.try_get::<i64, _>(c.as_str()))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok((
                r.try_get("org_id")?,
                r.try_get("org_path")?,
                r.try_get("year")?,
                totals,
            ))
        })
        .collect()
}

pub async fn snapshot(conn: &mut AnyConnection) -> Result<Vec<TallyRow>> {
    let sql = format!(
        "SELECT {TALLY_COLS} FROM life_tally t WHERE t.required <> 0 OR t.met <> 0 OR t.on_time <> 0 OR t.behind <> 0 ORDER BY t.org_id, t.month, t.kind"
    );
    sqlx::query(AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?
        .iter()
        .map(TallyRow::read)
        .collect()
}
