//! Task forces (党员突击队) in SQL: teams under a parent, their secondments, meetings with
//! attendance, the deeds and applications linked to them.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// A team with its parent and what it holds.
    #[derive(Debug, Clone)]
    pub struct TeamRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub mission: String,
        pub leader_id: i64,
        pub leader_name: String,
        pub started_on: String,
        pub ends_on: String,
        pub closed_on: Option<String>,
        pub members: i64,
        pub meetings: i64,
        pub deeds: i64,
        pub recruits: i64,
    }
}

const TEAM: &str = "SELECT t.id, t.org_id, o.name AS org_name, t.org_path, t.name, t.mission, \
    t.leader_id, m.name AS leader_name, t.started_on, t.ends_on, t.closed_on, \
    (SELECT COUNT(*) FROM task_force_member s WHERE s.team_id = t.id) AS members, \
    (SELECT COUNT(*) FROM task_force_meeting g WHERE g.team_id = t.id) AS meetings, \
    (SELECT COUNT(*) FROM deed d WHERE d.task_force_id = t.id) AS deeds, \
    (SELECT COUNT(*) FROM recruit r WHERE r.task_force_id = t.id) AS recruits \
    FROM task_force t JOIN org o ON o.id = t.org_id JOIN member m ON m.id = t.leader_id";

#[derive(Debug, Clone, Default)]
pub struct TeamFilter {
    pub root_path: String,
    /// Only those still open.
    pub open: bool,
    /// Only those started in the year.
    pub year: Option<i64>,
    pub mission: Option<String>,
}

fn filtered(mut sql: Sql, f: &TeamFilter) -> Sql {
    sql.push(" WHERE 1 = 1");
    sql.within("t.org_path", &f.root_path);
    if f.open {
        sql.push(" AND t.closed_on IS NULL");
    }
    if let Some(y) = f.year {
        sql.push(" AND t.started_on >= ")
            .text(format!("{y:04}-01-01"))
            .push(" AND t.started_on <= ")
            .text(format!("{y:04}-12-31"));
    }
    if let Some(m) = &f.mission {
        sql.push(" AND t.mission = ").text(m.as_str());
    }
    sql
}

/// A page of teams, latest first, and how many match.
pub async fn teams(
    conn: &mut AnyConnection,
    f: &TeamFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<TeamRow>)> {
    let total: i64 = filtered(Sql::new("SELECT COUNT(*) AS n FROM task_force t"), f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    // The page's ids first: the counts of each team are read for the page only, not for
    // every team sorted (a district holds a hundred thousand at scale 30).
    let mut sql = filtered(Sql::new("SELECT t.id FROM task_force t"), f);
    sql.push(" ORDER BY t.started_on DESC, t.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let ids: Vec<i64> = sql
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    if ids.is_empty() {
        return Ok((total, Vec::new()));
    }
    let mut sql = Sql::new(&format!("{TEAM} WHERE t.id"));
    sql.ints_in(&ids)
        .push(" ORDER BY t.started_on DESC, t.id DESC");
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(TeamRow::read).collect::<Result<_>>()?,
    ))
}

/// Open teams below a level, and those started in `year`.
pub async fn counts(conn: &mut AnyConnection, root_path: &str, year: i64) -> Result<(i64, i64)> {
    let mut sql = Sql::new(
        "SELECT CAST(COALESCE(SUM(CASE WHEN t.closed_on IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS open, \
         CAST(COALESCE(SUM(CASE WHEN t.started_on >= ",
    );
    sql.text(format!("{year:04}-01-01"))
        .push(" AND t.started_on <= ")
        .text(format!("{year:04}-12-31"))
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS started FROM task_force t WHERE 1 = 1");
    sql.within("t.org_path", root_path);
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("open")?, r.try_get("started")?))
}

pub async fn team(conn: &mut AnyConnection, id: i64) -> Result<Option<TeamRow>> {
    let mut sql = Sql::new(&format!("{TEAM} WHERE t.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(TeamRow::read)
        .transpose()
}

pub struct TeamWrite<'a> {
    pub org: (i64, &'a str),
    pub name: &'a str,
    pub mission: &'a str,
    pub leader_id: i64,
    pub started_on: &'a str,
    pub ends_on: &'a str,
    pub by: Option<i64>,
}

pub async fn insert_team(conn: &mut AnyConnection, w: &TeamWrite<'_>) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO task_force (org_id, org_path, name, mission, leader_id, started_on, ends_on, \
         created_by, created_at) VALUES (",
    );
    sql.int(w.org.0)
        .push(", ")
        .text(w.org.1)
        .push(", ")
        .text(w.name)
        .push(", ")
        .text(w.mission)
        .push(", ")
        .int(w.leader_id)
        .push(", ")
        .text(w.started_on)
        .push(", ")
        .text(w.ends_on)
        .push(", ")
        .opt_int(w.by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Closes a team on `on` and ends its secondments running past that day; false when it was
/// closed first.
pub async fn close(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let mut sql = Sql::new("UPDATE task_force SET closed_on = ");
    sql.text(on)
        .push(" WHERE closed_on IS NULL AND id = ")
        .int(id);
    if sql.execute(conn).await? != 1 {
        return Ok(false);
    }
    let mut end = Sql::new("UPDATE task_force_member SET to_on = ");
    end.text(on)
        .push(" WHERE to_on > ")
        .text(on)
        .push(" AND team_id = ")
        .int(id);
    end.execute(conn).await?;
    Ok(true)
}

row! {
    /// A member seconded to a team.
    #[derive(Debug, Clone)]
    pub struct SecondmentRow {
        pub id: i64,
        pub team_id: i64,
        pub member_id: i64,
        pub member_name: String,
        /// The member's home branch: it stays theirs.
        pub org_path: String,
        pub org_name: String,
        pub from_on: String,
        pub to_on: String,
    }
}

pub async fn secondments(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<SecondmentRow>> {
    let mut sql = Sql::new(
        "SELECT s.id, s.team_id, s.member_id, m.name AS member_name, m.org_path, o.name AS org_name, \
         s.from_on, s.to_on FROM task_force_member s JOIN member m ON m.id = s.member_id \
         JOIN org o ON o.id = m.org_id WHERE s.team_id = ",
    );
    sql.int(team_id).push(" ORDER BY s.from_on, s.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(SecondmentRow::read)
        .collect()
}

/// Seconds a member; twice to one team is `StoreError::Duplicate`.
pub async fn insert_secondment(
    conn: &mut AnyConnection,
    team_id: i64,
    member_id: i64,
    from_on: &str,
    to_on: &str,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO task_force_member (team_id, member_id, from_on, to_on, created_at) VALUES (",
    );
    sql.int(team_id)
        .push(", ")
        .int(member_id)
        .push(", ")
        .text(from_on)
        .push(", ")
        .text(to_on)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct MeetingRow {
        pub id: i64,
        pub held_on: String,
        pub topic: String,
        pub attended: i64,
    }
}

pub async fn meetings(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<MeetingRow>> {
    let mut sql = Sql::new(
        "SELECT g.id, g.held_on, g.topic, (SELECT COUNT(*) FROM task_force_attendance a \
         WHERE a.meeting_id = g.id) AS attended FROM task_force_meeting g WHERE g.team_id = ",
    );
    sql.int(team_id).push(" ORDER BY g.held_on DESC, g.id DESC");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(MeetingRow::read)
        .collect()
}

pub async fn insert_meeting(
    conn: &mut AnyConnection,
    team_id: i64,
    held_on: &str,
    topic: &str,
    attended: &[i64],
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO task_force_meeting (team_id, held_on, topic, created_by, created_at) VALUES (",
    );
    sql.int(team_id)
        .push(", ")
        .text(held_on)
        .push(", ")
        .text(topic)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    let id: i64 = sql.fetch_one(conn).await?.try_get("id")?;
    if !attended.is_empty() {
        let mut ins = Sql::new("INSERT INTO task_force_attendance (meeting_id, member_id) VALUES ");
        for (i, m) in attended.iter().enumerate() {
            if i > 0 {
                ins.push(", ");
            }
            ins.push("(").int(id).push(", ").int(*m).push(")");
        }
        ins.execute(conn).await?;
    }
    Ok(id)
}

row! {
    /// A deed done for a team.
    #[derive(Debug, Clone)]
    pub struct TeamDeedRow {
        pub id: i64,
        pub member_name: String,
        pub done_on: String,
        pub kind: String,
        pub description: String,
        pub minutes: i64,
    }
}

pub async fn deeds(conn: &mut AnyConnection, team_id: i64, limit: i64) -> Result<Vec<TeamDeedRow>> {
    let mut sql = Sql::new(
        "SELECT d.id, m.name AS member_name, d.done_on, d.kind, d.description, d.minutes \
         FROM deed d JOIN member m ON m.id = d.member_id WHERE d.task_force_id = ",
    );
    sql.int(team_id)
        .push(" ORDER BY d.done_on DESC, d.id DESC LIMIT ")
        .int(limit);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(TeamDeedRow::read)
        .collect()
}

row! {
    /// An application in the pipeline, made during a mission.
    #[derive(Debug, Clone)]
    pub struct TeamRecruitRow {
        pub id: i64,
        pub name: String,
        pub stage: String,
        pub state: String,
        pub applied_on: String,
    }
}

const APPLIED: &str = "SELECT r.id, r.name, r.stage, r.state, s.done_on AS applied_on FROM recruit r \
    JOIN recruit_step s ON s.recruit_id = r.id AND s.step_no = 1";

pub async fn recruits(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<TeamRecruitRow>> {
    let mut sql = Sql::new(&format!("{APPLIED} WHERE r.task_force_id = "));
    sql.int(team_id).push(" ORDER BY s.done_on, r.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(TeamRecruitRow::read)
        .collect()
}

/// Applications below a level made between two days and not linked to any team.
pub async fn unlinked_recruits(
    conn: &mut AnyConnection,
    root_path: &str,
    from: &str,
    to: &str,
) -> Result<Vec<TeamRecruitRow>> {
    let mut sql = Sql::new(&format!(
        "{APPLIED} WHERE r.task_force_id IS NULL AND s.done_on >= "
    ));
    sql.text(from).push(" AND s.done_on <= ").text(to);
    sql.within("r.org_path", root_path);
    sql.push(" ORDER BY s.done_on, r.id LIMIT 200");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(TeamRecruitRow::read)
        .collect()
}

/// The application of a recruit (its path and the day it was made), if any.
pub async fn application(
    conn: &mut AnyConnection,
    recruit_id: i64,
) -> Result<Option<(String, String, Option<i64>)>> {
    let mut sql = Sql::new(
        "SELECT r.org_path, s.done_on, r.task_force_id FROM recruit r JOIN recruit_step s \
         ON s.recruit_id = r.id AND s.step_no = 1 WHERE r.id = ",
    );
    sql.int(recruit_id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(|r| {
            Ok((
                r.try_get("org_path")?,
                r.try_get("done_on")?,
                r.try_get("task_force_id")?,
            ))
        })
        .transpose()
}

pub async fn link_recruit(conn: &mut AnyConnection, recruit_id: i64, team_id: i64) -> Result<bool> {
    let mut sql = Sql::new("UPDATE recruit SET task_force_id = ");
    sql.int(team_id)
        .push(" WHERE task_force_id IS NULL AND id = ")
        .int(recruit_id);
    Ok(sql.execute(conn).await? == 1)
}

row! {
    /// A member's secondment as their own page lists it.
    #[derive(Debug, Clone)]
    pub struct MemberTeamRow {
        pub team_id: i64,
        pub name: String,
        pub mission: String,
        pub from_on: String,
        pub to_on: String,
        pub attended: i64,
        pub deeds: i64,
    }
}

pub async fn of_member(conn: &mut AnyConnection, member_id: i64) -> Result<Vec<MemberTeamRow>> {
    let mut sql = Sql::new(
        "SELECT t.id AS team_id, t.name, t.mission, s.from_on, s.to_on, \
         (SELECT COUNT(*) FROM task_force_attendance a JOIN task_force_meeting g ON g.id = a.meeting_id \
          WHERE g.team_id = t.id AND a.member_id = s.member_id) AS attended, \
         (SELECT COUNT(*) FROM deed d WHERE d.task_force_id = t.id AND d.member_id = s.member_id) AS deeds \
         FROM task_force_member s JOIN task_force t ON t.id = s.team_id WHERE s.member_id = ",
    );
    sql.int(member_id).push(" ORDER BY s.from_on DESC");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(MemberTeamRow::read)
        .collect()
}

/// A team as the demo writes it.
pub struct TeamLoad {
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub name: String,
    pub mission: &'static str,
    pub leader_id: i64,
    pub started_on: String,
    pub ends_on: String,
    pub closed_on: Option<String>,
}

/// The demo's teams with their secondments, meetings and attendance.
#[derive(Default)]
pub struct TeamsLoad {
    pub teams: Vec<TeamLoad>,
    /// team, member, from, to.
    pub members: Vec<(i64, i64, String, String)>,
    /// id, team, held on, topic.
    pub meetings: Vec<(i64, i64, String, &'static str)>,
    /// meeting, member.
    pub attendance: Vec<(i64, i64)>,
}

pub async fn insert_bulk(conn: &mut AnyConnection, l: &TeamsLoad) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const TEAMS: Insert = Insert {
        table: "task_force",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("name", Ty::Text),
            ("mission", Ty::Text),
            ("leader_id", Ty::Int),
            ("started_on", Ty::Text),
            ("ends_on", Ty::Text),
            ("closed_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const MEMBERS: Insert = Insert {
        table: "task_force_member",
        columns: &[
            ("team_id", Ty::Int),
            ("member_id", Ty::Int),
            ("from_on", Ty::Text),
            ("to_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const MEETINGS: Insert = Insert {
        table: "task_force_meeting",
        columns: &[
            ("id", Ty::Int),
            ("team_id", Ty::Int),
            ("held_on", Ty::Text),
            ("topic", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const ATTENDANCE: Insert = Insert {
        table: "task_force_attendance",
        columns: &[("meeting_id", Ty::Int), ("member_id", Ty::Int)],
        suffix: "",
    };
    let now = now_ms();
    TEAMS
        .rows(
            conn,
            l.teams.iter().map(|t| -> [Val<'_>; 10] {
                [
                    t.id.into(),
                    t.org_id.into(),
                    (&t.org_path).into(),
                    (&t.name).into(),
                    t.mission.into(),
                    t.leader_id.into(),
                    (&t.started_on).into(),
                    (&t.ends_on).into(),
                    t.closed_on.as_ref().into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    MEMBERS
        .rows(
            conn,
            l.members.iter().map(|m| -> [Val<'_>; 5] {
                [
                    m.0.into(),
                    m.1.into(),
                    (&m.2).into(),
                    (&m.3).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    MEETINGS
        .rows(
            conn,
            l.meetings.iter().map(|g| -> [Val<'_>; 5] {
                [
                    g.0.into(),
                    g.1.into(),
                    (&g.2).into(),
                    g.3.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    ATTENDANCE
        .rows(
            conn,
            l.attendance
                .iter()
                .map(|a| -> [Val<'_>; 2] { [a.0.into(), a.1.into()] }),
        )
        .await?;
    Ok(())
}
