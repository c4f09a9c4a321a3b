//! Volunteers, their activities and sign-ups in SQL (`volunteer`, `volunteer_activity`,
//! `volunteer_signup`), and the confirmed service counted for the rollup.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// A volunteer with their confirmed service.
    #[derive(Debug, Clone)]
    pub struct VolunteerRow {
        pub id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub phone_masked: Option<String>,
        pub code: Option<String>,
        pub minutes: i64,
        pub times: i64,
    }
}

const VOLUNTEER: &str =
    "SELECT id, member_id, name, phone_masked, code, minutes, times FROM volunteer WHERE ";

async fn one_volunteer(conn: &mut AnyConnection, sql: Sql) -> Result<Option<VolunteerRow>> {
    sql.fetch_all(conn)
        .await?
        .first()
        .map(VolunteerRow::read)
        .transpose()
}

pub async fn volunteer_of_member(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<VolunteerRow>> {
    let mut sql = Sql::new(&format!("{VOLUNTEER}member_id = "));
    sql.int(member_id);
    one_volunteer(conn, sql).await
}

pub async fn volunteer_by_phone(
    conn: &mut AnyConnection,
    phone_index: &str,
) -> Result<Option<VolunteerRow>> {
    let mut sql = Sql::new(&format!("{VOLUNTEER}phone_index = "));
    sql.text(phone_index);
    one_volunteer(conn, sql).await
}

pub async fn volunteer_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<VolunteerRow>> {
    let mut sql = Sql::new(&format!("{VOLUNTEER}code = "));
    sql.text(code);
    one_volunteer(conn, sql).await
}

pub async fn volunteer(conn: &mut AnyConnection, id: i64) -> Result<Option<VolunteerRow>> {
    let mut sql = Sql::new(&format!("{VOLUNTEER}id = "));
    sql.int(id);
    one_volunteer(conn, sql).await
}

/// A volunteer as written: a member, or a resident with their phone.
pub struct VolunteerWrite {
    pub member_id: Option<i64>,
    pub name: String,
    pub phone_cipher: Option<Vec<u8>>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
    pub code: Option<String>,
}

/// Writes a new volunteer; a member or a phone kept before is `StoreError::Duplicate`.
pub async fn insert_volunteer(conn: &mut AnyConnection, w: &VolunteerWrite) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO volunteer (member_id, name, phone_cipher, phone_index, phone_masked, code, \
         created_at) VALUES (",
    );
    sql.opt_int(w.member_id)
        .push(", ")
        .text(w.name.as_str())
        .push(", ")
        .opt_bytes(w.phone_cipher.clone())
        .push(", ")
        .opt_text(w.phone_index.clone())
        .push(", ")
        .opt_text(w.phone_masked.clone())
        .push(", ")
        .opt_text(w.code.clone())
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Adds confirmed service to a volunteer.
pub async fn add_service(
    conn: &mut AnyConnection,
    volunteer_id: i64,
    minutes: i64,
    times: i64,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE volunteer SET minutes = minutes + ");
    sql.int(minutes)
        .push(", times = times + ")
        .int(times)
        .push(" WHERE id = ")
        .int(volunteer_id);
    sql.execute(conn).await?;
    Ok(())
}

row! {
    /// An activity with its organizer and its sign-ups so far.
    #[derive(Debug, Clone)]
    pub struct ActivityRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub title: String,
        pub category: String,
        pub held_on: String,
        pub starts_at: String,
        pub minutes: i64,
        pub place: String,
        pub capacity: Option<i64>,
        pub code: String,
        pub state: String,
        pub signups: i64,
        pub attended: i64,
        pub served: i64,
    }
}

const ACTIVITY: &str = "SELECT a.id, a.org_id, o.name AS org_name, a.org_path, a.title, \
    a.category, a.held_on, a.starts_at, a.minutes, a.place, a.capacity, a.code, a.state, \
    (SELECT COUNT(*) FROM volunteer_signup s WHERE s.activity_id = a.id) AS signups, \
    (SELECT COUNT(*) FROM volunteer_signup s WHERE s.activity_id = a.id AND s.minutes > 0) AS attended, \
    (SELECT CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) FROM volunteer_signup s WHERE s.activity_id = a.id) AS served \
    FROM volunteer_activity a JOIN org o ON o.id = a.org_id";

/// The activities a list shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub root_path: String,
    /// Only those held by these organizations (a member's ancestors), when some.
    pub org_paths: Vec<String>,
    pub category: Option<String>,
    pub state: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn filtered(mut sql: Sql, f: &ActivityFilter) -> Sql {
    sql.push(" WHERE 1 = 1");
    sql.within("a.org_path", &f.root_path);
    if !f.org_paths.is_empty() {
        let paths: Vec<&str> = f.org_paths.iter().map(String::as_str).collect();
        sql.push(" AND a.org_path").texts_in(&paths);
    }
    if let Some(c) = &f.category {
        sql.push(" AND a.category = ").text(c.as_str());
    }
    if let Some(s) = &f.state {
        sql.push(" AND a.state = ").text(s.as_str());
    }
    if let Some(d) = &f.from {
        sql.push(" AND a.held_on >= ").text(d.as_str());
    }
    if let Some(d) = &f.to {
        sql.push(" AND a.held_on <= ").text(d.as_str());
    }
    sql
}

/// A page of activities, latest first, and how many match.
pub async fn activities(
    conn: &mut AnyConnection,
    f: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ActivityRow>)> {
    let total: i64 = filtered(
        Sql::new("SELECT COUNT(*) AS n FROM volunteer_activity a"),
        f,
    )
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    let mut sql = filtered(Sql::new(ACTIVITY), f);
    sql.push(" ORDER BY a.held_on DESC, a.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(ActivityRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn activity(conn: &mut AnyConnection, id: i64) -> Result<Option<ActivityRow>> {
    let mut sql = Sql::new(&format!("{ACTIVITY} WHERE a.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(ActivityRow::read)
        .transpose()
}

pub async fn activity_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<ActivityRow>> {
    let mut sql = Sql::new(&format!("{ACTIVITY} WHERE a.code = "));
    sql.text(code);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(ActivityRow::read)
        .transpose()
}

/// An activity as written.
pub struct ActivityWrite<'a> {
    pub org: (i64, &'a str),
    pub title: &'a str,
    pub category: &'a str,
    pub held_on: &'a str,
    pub starts_at: &'a str,
    pub minutes: i64,
    pub place: &'a str,
    pub capacity: Option<i64>,
    pub code: &'a str,
    pub by: Option<i64>,
}

pub async fn insert_activity(conn: &mut AnyConnection, w: &ActivityWrite<'_>) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO volunteer_activity (org_id, org_path, title, category, held_on, starts_at, \
         minutes, place, capacity, code, created_by, created_at) VALUES (",
    );
    sql.int(w.org.0)
        .push(", ")
        .text(w.org.1)
        .push(", ")
        .text(w.title)
        .push(", ")
        .text(w.category)
        .push(", ")
        .text(w.held_on)
        .push(", ")
        .text(w.starts_at)
        .push(", ")
        .int(w.minutes)
        .push(", ")
        .text(w.place)
        .push(", ")
        .opt_int(w.capacity)
        .push(", ")
        .text(w.code)
        .push(", ")
        .opt_int(w.by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Moves an activity from one state to another; false when it was moved first.
pub async fn set_state(conn: &mut AnyConnection, id: i64, from: &str, to: &str) -> Result<bool> {
    let mut sql = Sql::new("UPDATE volunteer_activity SET state = ");
    sql.text(to)
        .push(" WHERE id = ")
        .int(id)
        .push(" AND state = ")
        .text(from);
    Ok(sql.execute(conn).await? == 1)
}

row! {
    /// A sign-up with who signed up.
    #[derive(Debug, Clone)]
    pub struct SignupRow {
        pub id: i64,
        pub activity_id: i64,
        pub volunteer_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub phone_masked: Option<String>,
        pub signed_at: i64,
        pub minutes: Option<i64>,
    }
}

/// Every sign-up of an activity, in the order made.
pub async fn signups(conn: &mut AnyConnection, activity_id: i64) -> Result<Vec<SignupRow>> {
    let mut sql = Sql::new(
        "SELECT s.id, s.activity_id, s.volunteer_id, v.member_id, v.name, v.phone_masked, \
         s.signed_at, s.minutes FROM volunteer_signup s JOIN volunteer v ON v.id = s.volunteer_id \
         WHERE s.activity_id = ",
    );
    sql.int(activity_id).push(" ORDER BY s.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(SignupRow::read)
        .collect()
}

/// Signs a volunteer up; twice for one activity is `StoreError::Duplicate`.
pub async fn insert_signup(
    conn: &mut AnyConnection,
    activity_id: i64,
    volunteer_id: i64,
) -> Result<i64> {
    let mut sql =
        Sql::new("INSERT INTO volunteer_signup (activity_id, volunteer_id, signed_at) VALUES (");
    sql.int(activity_id)
        .push(", ")
        .int(volunteer_id)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Records a sign-up's confirmed minutes (0: absent).
pub async fn confirm(
    conn: &mut AnyConnection,
    signup_id: i64,
    minutes: i64,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE volunteer_signup SET minutes = ");
    sql.int(minutes)
        .push(", confirmed_by = ")
        .opt_int(by)
        .push(", confirmed_at = ")
        .int(now_ms())
        .push(" WHERE id = ")
        .int(signup_id);
    sql.execute(conn).await?;
    Ok(())
}

row! {
    /// One activity of a volunteer's own record.
    #[derive(Debug, Clone)]
    pub struct RecordRow {
        pub activity_id: i64,
        pub title: String,
        pub category: String,
        pub org_name: String,
        pub held_on: String,
        pub state: String,
        pub minutes: Option<i64>,
    }
}

/// A volunteer's activities, latest first.
pub async fn record(
    conn: &mut AnyConnection,
    volunteer_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<RecordRow>)> {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM volunteer_signup WHERE volunteer_id = ");
    count.int(volunteer_id);
    let total: i64 = count.fetch_one(conn).await?.try_get("n")?;
    let mut sql = Sql::new(
        "SELECT a.id AS activity_id, a.title, a.category, o.name AS org_name, a.held_on, a.state, \
         s.minutes FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id \
         JOIN org o ON o.id = a.org_id WHERE s.volunteer_id = ",
    );
    sql.int(volunteer_id)
        .push(" ORDER BY a.held_on DESC, a.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(RecordRow::read).collect::<Result<_>>()?,
    ))
}

/// Confirmed person-times and minutes by organizer and month held, for the rollup.
pub async fn service_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64, i64)>> {
    let rs = Sql::new(
        "SELECT a.org_path, SUBSTR(a.held_on, 1, 7) AS month, \
         CAST(SUM(CASE WHEN s.minutes > 0 THEN 1 ELSE 0 END) AS BIGINT) AS times, \
         CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS minutes \
         FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id \
         WHERE s.minutes IS NOT NULL GROUP BY a.org_path, SUBSTR(a.held_on, 1, 7)",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_path")?,
                r.try_get("month")?,
                r.try_get("times")?,
                r.try_get("minutes")?,
            ))
        })
        .collect()
}

/// An activity as the demo writes it.
pub struct ActivityLoad {
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub title: &'static str,
    pub category: &'static str,
    pub held_on: String,
    pub starts_at: &'static str,
    pub minutes: i64,
    pub place: &'static str,
    pub code: String,
    pub state: &'static str,
}

/// Writes the demo's activities and their sign-ups (`(activity, volunteer, minutes)`).
pub async fn insert_activities(
    conn: &mut AnyConnection,
    activities: &[ActivityLoad],
    signups: &[(i64, i64, Option<i64>)],
) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const ACTIVITIES: Insert = Insert {
        table: "volunteer_activity",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("title", Ty::Text),
            ("category", Ty::Text),
            ("held_on", Ty::Text),
            ("starts_at", Ty::Text),
            ("minutes", Ty::Int),
            ("place", Ty::Text),
            ("code", Ty::Text),
            ("state", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const SIGNUPS: Insert = Insert {
        table: "volunteer_signup",
        columns: &[
            ("activity_id", Ty::Int),
            ("volunteer_id", Ty::Int),
            ("signed_at", Ty::Int),
            ("minutes", Ty::Int),
            ("confirmed_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    ACTIVITIES
        .rows(
            conn,
            activities.iter().map(|a| -> [Val<'_>; 12] {
                [
                    a.id.into(),
                    a.org_id.into(),
                    (&a.org_path).into(),
                    a.title.into(),
                    a.category.into(),
                    (&a.held_on).into(),
                    a.starts_at.into(),
                    a.minutes.into(),
                    a.place.into(),
                    (&a.code).into(),
                    a.state.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    SIGNUPS
        .rows(
            conn,
            signups.iter().map(|s| -> [Val<'_>; 5] {
                [
                    s.0.into(),
                    s.1.into(),
                    now.into(),
                    s.2.into(),
                    s.2.map(|_| now).into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// Writes the demo's volunteers with their totals: `(id, who, minutes, times)`.
pub async fn insert_volunteers(
    conn: &mut AnyConnection,
    volunteers: &[(i64, VolunteerWrite, i64, i64)],
) -> Result<()> {
    let now = now_ms();
    for chunk in volunteers.chunks(crate::sql::ROWS_PER_INSERT / 10) {
        let mut sql = Sql::new(
            "INSERT INTO volunteer (id, member_id, name, phone_cipher, phone_index, phone_masked, \
             code, minutes, times, created_at) VALUES ",
        );
        for (i, (id, w, minutes, times)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .int(*id)
                .push(", ")
                .opt_int(w.member_id)
                .push(", ")
                .text(w.name.as_str())
                .push(", ")
                .opt_bytes(w.phone_cipher.clone())
                .push(", ")
                .opt_text(w.phone_index.clone())
                .push(", ")
                .opt_text(w.phone_masked.clone())
                .push(", ")
                .opt_text(w.code.clone())
                .push(", ")
                .int(*minutes)
                .push(", ")
                .int(*times)
                .push(", ")
                .int(now)
                .push(")");
        }
        sql.execute(conn).await?;
    }
    Ok(())
}

/// Writes the demo's member volunteers (`(id, member, minutes, times)`), to be named from the
/// registry by `recount_volunteers`.
pub async fn insert_member_volunteers(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, i64, i64)],
) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const VOLUNTEERS: Insert = Insert {
        table: "volunteer",
        columns: &[
            ("id", Ty::Int),
            ("member_id", Ty::Int),
            ("name", Ty::Text),
            ("minutes", Ty::Int),
            ("times", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    VOLUNTEERS
        .rows(
            conn,
            rows.iter().map(|r| -> [Val<'_>; 6] {
                [
                    r.0.into(),
                    r.1.into(),
                    "".into(),
                    r.2.into(),
                    r.3.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// Names the member volunteers from the registry and recounts every volunteer's totals from
/// their sign-ups: after a load that wrote them apart.
pub async fn recount_volunteers(conn: &mut AnyConnection) -> Result<()> {
    Sql::new(
        "UPDATE volunteer SET name = (SELECT m.name FROM member m WHERE m.id = volunteer.member_id) \
         WHERE member_id IS NOT NULL AND name = ''",
    )
    .execute(conn)
    .await?;
    Sql::new(
        "UPDATE volunteer SET \
         minutes = (SELECT CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) FROM volunteer_signup s \
         WHERE s.volunteer_id = volunteer.id), \
         times = (SELECT COUNT(*) FROM volunteer_signup s WHERE s.volunteer_id = volunteer.id \
         AND s.minutes > 0)",
    )
    .execute(conn)
    .await?;
    Ok(())
}
