//! First secretaries and resident work teams (第一书记, 驻村工作队) in SQL: teams, their cadres,
//! days in the village (check-ins and monthly records with the work log), leave, inspections
//! with the absences they found, and yearly grades.

use sqlx::{AnyConnection, Row};

use super::VILLAGE;
use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// A team as lists show it.
    #[derive(Debug, Clone)]
    pub struct TeamRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub sending_unit: String,
        pub started_on: String,
        pub ends_on: String,
        pub ended_on: Option<String>,
        /// The first secretary in post.
        pub first_secretary: Option<String>,
        /// Cadres in post.
        pub size: i64,
        /// Leave requests waiting for a decision.
        pub pending_leaves: i64,
    }
}

const TEAM_COLS: &str = "t.id, t.org_id, o.name AS org_name, o.path AS org_path, t.sending_unit, \
    t.started_on, t.ends_on, t.ended_on, \
    (SELECT pe.name FROM resident_cadre c JOIN person pe ON pe.id = c.person_id \
      WHERE c.team_id = t.id AND c.ended_on IS NULL AND c.role = 'first_secretary') AS first_secretary, \
    (SELECT COUNT(*) FROM resident_cadre c WHERE c.team_id = t.id AND c.ended_on IS NULL) AS size, \
    (SELECT COUNT(*) FROM resident_leave l JOIN resident_cadre c ON c.id = l.cadre_id \
      WHERE c.team_id = t.id AND l.status = 'requested') AS pending_leaves \
    FROM resident_team t JOIN org o ON o.id = t.org_id";

/// Filters of the teams' list.
#[derive(Debug, Clone, Default)]
pub struct TeamFilter {
    pub root_path: String,
    /// Part of the village's name or the sending unit's.
    pub q: Option<String>,
    /// In the village now (not withdrawn); none: all.
    pub active: Option<bool>,
    /// Only teams with leave waiting for a decision.
    pub pending: bool,
}

fn filtered(select: &str, f: &TeamFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} WHERE {VILLAGE}"));
    sql.within("o.path", &f.root_path);
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND (o.name LIKE ")
            .text(format!("%{q}%"))
            .push(" OR t.sending_unit LIKE ")
            .text(format!("%{q}%"))
            .push(")");
    }
    match f.active {
        Some(true) => {
            sql.push(" AND t.ended_on IS NULL");
        }
        Some(false) => {
            sql.push(" AND t.ended_on IS NOT NULL");
        }
        None => {}
    }
    if f.pending {
        sql.push(
            " AND EXISTS (SELECT 1 FROM resident_leave l JOIN resident_cadre c ON c.id = l.cadre_id \
             WHERE c.team_id = t.id AND l.status = 'requested')",
        );
    }
    sql
}

/// A page of teams in the tree's order (a village's latest team first), and how many match.
pub async fn teams(
    conn: &mut AnyConnection,
    f: &TeamFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<TeamRow>)> {
    let total: i64 = filtered(
        "COUNT(*) AS n FROM resident_team t JOIN org o ON o.id = t.org_id",
        f,
    )
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    let mut sql = filtered(TEAM_COLS, f);
    sql.push(" ORDER BY o.path, t.started_on DESC, t.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(TeamRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn team(conn: &mut AnyConnection, id: i64) -> Result<Option<TeamRow>> {
    let mut sql = Sql::new(&format!("SELECT {TEAM_COLS} WHERE t.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(TeamRow::read)
        .transpose()
}

/// The village's team in post, if any.
pub async fn active_team_of(conn: &mut AnyConnection, org_id: i64) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM resident_team WHERE ended_on IS NULL AND org_id = ");
    sql.int(org_id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(|r| Ok(r.try_get("id")?))
        .transpose()
}

pub async fn insert_team(
    conn: &mut AnyConnection,
    org_id: i64,
    sending_unit: &str,
    started_on: &str,
    ends_on: &str,
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO resident_team (org_id, sending_unit, started_on, ends_on, created_by, created_at) VALUES (",
    );
    sql.int(org_id)
        .push(", ")
        .text(sending_unit)
        .push(", ")
        .text(started_on)
        .push(", ")
        .text(ends_on)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Withdraws a team and ends its cadres' postings on `on`; false if it was withdrawn already.
pub async fn end_team(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let mut sql = Sql::new("UPDATE resident_team SET ended_on = ");
    sql.text(on)
        .push(" WHERE ended_on IS NULL AND id = ")
        .int(id);
    if sql.execute(conn).await? == 0 {
        return Ok(false);
    }
    let mut sql = Sql::new("UPDATE resident_cadre SET ended_on = ");
    sql.text(on)
        .push(" WHERE ended_on IS NULL AND team_id = ")
        .int(id);
    sql.execute(conn).await?;
    Ok(true)
}

row! {
    /// A cadre of a team, in post or not.
    #[derive(Debug, Clone)]
    pub struct CadreRow {
        pub id: i64,
        pub team_id: i64,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub role: String,
        pub unit: String,
        pub started_on: String,
        pub ended_on: Option<String>,
    }
}

const CADRE_COLS: &str = "c.id, c.team_id, c.person_id, m.id AS member_id, pe.name, pe.gender, \
    pe.birth_date, pe.education, pe.id_masked, c.role, c.unit, c.started_on, c.ended_on \
    FROM resident_cadre c JOIN person pe ON pe.id = c.person_id LEFT JOIN member m ON m.person_id = pe.id";

/// A team's cadres: those in post first (the first secretary leading), then those rotated out.
pub async fn cadres(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<CadreRow>> {
    let mut sql = Sql::new(&format!("SELECT {CADRE_COLS} WHERE c.team_id = "));
    sql.int(team_id).push(
        " ORDER BY CASE WHEN c.ended_on IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN c.role = 'first_secretary' THEN 0 ELSE 1 END, c.started_on, c.id",
    );
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(CadreRow::read)
        .collect()
}

pub async fn cadre(conn: &mut AnyConnection, id: i64) -> Result<Option<CadreRow>> {
    let mut sql = Sql::new(&format!("SELECT {CADRE_COLS} WHERE c.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CadreRow::read)
        .transpose()
}

/// The posting a person holds now, if any.
pub async fn posting_of(conn: &mut AnyConnection, person_id: i64) -> Result<Option<CadreRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {CADRE_COLS} WHERE c.ended_on IS NULL AND c.person_id = "
    ));
    sql.int(person_id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CadreRow::read)
        .transpose()
}

/// Posts a person to a team; a second posting of the person or a second first secretary is
/// refused by the partial unique indexes (`StoreError::Duplicate`).
pub async fn insert_cadre(
    conn: &mut AnyConnection,
    team_id: i64,
    person_id: i64,
    role: &str,
    unit: &str,
    started_on: &str,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO resident_cadre (team_id, person_id, role, unit, started_on, created_at) VALUES (",
    );
    sql.int(team_id)
        .push(", ")
        .int(person_id)
        .push(", ")
        .text(role)
        .push(", ")
        .text(unit)
        .push(", ")
        .text(started_on)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Ends a posting on `on`; false if it was ended already.
pub async fn end_cadre(conn: &mut AnyConnection, id: i64, on: &str) -> Result<bool> {
    let mut sql = Sql::new("UPDATE resident_cadre SET ended_on = ");
    sql.text(on)
        .push(" WHERE ended_on IS NULL AND id = ")
        .int(id);
    Ok(sql.execute(conn).await? == 1)
}

/// A day in the village checked in by the cadre; false if that day was checked in already.
pub async fn check_in(conn: &mut AnyConnection, cadre_id: i64, day: &str) -> Result<bool> {
    let mut sql = Sql::new("INSERT INTO resident_day (cadre_id, day, created_at) VALUES (");
    sql.int(cadre_id)
        .push(", ")
        .text(day)
        .push(", ")
        .int(now_ms())
        .push(") ON CONFLICT DO NOTHING");
    Ok(sql.execute(conn).await? == 1)
}

row! {
    /// A cadre's month: the recorded days (if recorded), the days checked in, the work log.
    #[derive(Debug, Clone)]
    pub struct MonthRow {
        pub cadre_id: i64,
        pub month: String,
        pub recorded: Option<i64>,
        pub checked_in: i64,
        pub log: String,
    }
}

/// The months of these cadres from `from` to `to` (`YYYY-MM`, both included) with anything
/// recorded or checked in, by cadre and month.
pub async fn months(
    conn: &mut AnyConnection,
    cadre_ids: &[i64],
    from: &str,
    to: &str,
) -> Result<Vec<MonthRow>> {
    if cadre_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT k.cadre_id, k.month, MAX(k.recorded) AS recorded, CAST(SUM(k.checked_in) AS BIGINT) AS checked_in, \
         MAX(k.log) AS log FROM (\
         SELECT cadre_id, month, days AS recorded, 0 AS checked_in, log FROM resident_month WHERE cadre_id",
    );
    sql.ints_in(cadre_ids).push(" AND month >= ")
        .text(from)
        .push(" AND month <= ")
        .text(to)
        .push(
            " UNION ALL SELECT cadre_id, SUBSTR(day, 1, 7) AS month, NULL AS recorded, 1 AS checked_in, '' AS log \
             FROM resident_day WHERE cadre_id",
        )
        .ints_in(cadre_ids)
        .push(" AND day >= ")
        .text(format!("{from}-01"))
        .push(" AND day <= ")
        .text(format!("{to}-31"))
        .push(") k GROUP BY k.cadre_id, k.month ORDER BY k.cadre_id, k.month");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(MonthRow::read)
        .collect()
}

/// Records a cadre's month: the days and the work log. Whoever writes one keeps the other:
/// no days keeps the figure on record (with none, the check-ins count), an empty log keeps
/// the log on record, so a cadre's log never wipes the first secretary's figure.
pub async fn record_month(
    conn: &mut AnyConnection,
    cadre_id: i64,
    month: &str,
    days: Option<i64>,
    log: &str,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new("SELECT days, log FROM resident_month WHERE cadre_id = ");
    sql.int(cadre_id).push(" AND month = ").text(month);
    let (days, log) = match sql.fetch_all(&mut *conn).await?.first() {
        Some(r) => (
            days.or(r.try_get::<Option<i64>, _>("days")?),
            if log.is_empty() {
                r.try_get::<String, _>("log")?
            } else {
                log.to_string()
            },
        ),
        None => (days, log.to_string()),
    };
    let log = log.as_str();
    let mut sql = Sql::new("DELETE FROM resident_month WHERE cadre_id = ");
    sql.int(cadre_id).push(" AND month = ").text(month);
    sql.execute(conn).await?;
    let mut sql = Sql::new(
        "INSERT INTO resident_month (cadre_id, month, days, log, recorded_by, recorded_at) VALUES (",
    );
    sql.int(cadre_id)
        .push(", ")
        .text(month)
        .push(", ")
        .opt_int(days)
        .push(", ")
        .text(log)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(")");
    sql.execute(conn).await?;
    Ok(())
}

row! {
    /// A leave request and its decision.
    #[derive(Debug, Clone)]
    pub struct LeaveRow {
        pub id: i64,
        pub cadre_id: i64,
        pub from_on: String,
        pub to_on: String,
        pub days: i64,
        pub reason: String,
        pub status: String,
        pub level: String,
    }
}

const LEAVE_FIELDS: &str =
    "l.id, l.cadre_id, l.from_on, l.to_on, l.days, l.reason, l.status, l.level";

/// The leave of these cadres, latest first.
pub async fn leaves(conn: &mut AnyConnection, cadre_ids: &[i64]) -> Result<Vec<LeaveRow>> {
    if cadre_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT {LEAVE_FIELDS} FROM resident_leave l WHERE l.cadre_id"
    ));
    sql.ints_in(cadre_ids)
        .push(" ORDER BY l.from_on DESC, l.id DESC");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(LeaveRow::read)
        .collect()
}

pub async fn leave(conn: &mut AnyConnection, id: i64) -> Result<Option<LeaveRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {LEAVE_FIELDS} FROM resident_leave l WHERE l.id = "
    ));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(LeaveRow::read)
        .transpose()
}

/// A leave that overlaps `from`..`to` and is not refused, if any.
pub async fn overlapping_leave(
    conn: &mut AnyConnection,
    cadre_id: i64,
    from: &str,
    to: &str,
) -> Result<Option<i64>> {
    let mut sql =
        Sql::new("SELECT id FROM resident_leave WHERE status <> 'refused' AND from_on <= ");
    sql.text(to)
        .push(" AND to_on >= ")
        .text(from)
        .push(" AND cadre_id = ")
        .int(cadre_id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(|r| Ok(r.try_get("id")?))
        .transpose()
}

/// A leave request as written.
#[derive(Debug, Clone)]
pub struct NewLeave<'a> {
    pub cadre_id: i64,
    pub from_on: &'a str,
    pub to_on: &'a str,
    pub days: i64,
    pub reason: &'a str,
    pub level: &'a str,
    pub requested_by: Option<i64>,
}

pub async fn insert_leave(conn: &mut AnyConnection, l: &NewLeave<'_>) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO resident_leave (cadre_id, from_on, to_on, days, reason, status, level, requested_by, created_at) VALUES (",
    );
    sql.int(l.cadre_id)
        .push(", ")
        .text(l.from_on)
        .push(", ")
        .text(l.to_on)
        .push(", ")
        .int(l.days)
        .push(", ")
        .text(l.reason)
        .push(", 'requested', ")
        .text(l.level)
        .push(", ")
        .opt_int(l.requested_by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Decides a request still waiting; false if it was decided already.
pub async fn decide_leave(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    by: Option<i64>,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE resident_leave SET status = ");
    sql.text(status)
        .push(", decided_by = ")
        .opt_int(by)
        .push(", decided_at = ")
        .int(now_ms())
        .push(" WHERE status = 'requested' AND id = ")
        .int(id);
    Ok(sql.execute(conn).await? == 1)
}

row! {
    /// An inspection of a team.
    #[derive(Debug, Clone)]
    pub struct InspectionRow {
        pub id: i64,
        pub team_id: i64,
        pub inspected_on: String,
        pub note: String,
    }
}

/// A team's inspections, latest first, each with the cadres it found absent.
pub async fn inspections(
    conn: &mut AnyConnection,
    team_id: i64,
) -> Result<Vec<(InspectionRow, Vec<i64>)>> {
    let mut sql = Sql::new(
        "SELECT i.id, i.team_id, i.inspected_on, i.note FROM resident_inspection i WHERE i.team_id = ",
    );
    sql.int(team_id)
        .push(" ORDER BY i.inspected_on DESC, i.id DESC");
    let mut out: Vec<(InspectionRow, Vec<i64>)> = sql
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((InspectionRow::read(r)?, Vec::new())))
        .collect::<Result<_>>()?;
    let mut sql = Sql::new(
        "SELECT a.inspection_id, a.cadre_id FROM resident_absence a \
         JOIN resident_inspection i ON i.id = a.inspection_id WHERE i.team_id = ",
    );
    sql.int(team_id);
    for r in sql.fetch_all(conn).await? {
        let (inspection, cadre): (i64, i64) = (r.try_get("inspection_id")?, r.try_get("cadre_id")?);
        if let Some((_, absent)) = out.iter_mut().find(|(i, _)| i.id == inspection) {
            absent.push(cadre);
        }
    }
    Ok(out)
}

pub async fn insert_inspection(
    conn: &mut AnyConnection,
    team_id: i64,
    on: &str,
    note: &str,
    absent: &[i64],
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO resident_inspection (team_id, inspected_on, note, created_by, created_at) VALUES (",
    );
    sql.int(team_id)
        .push(", ")
        .text(on)
        .push(", ")
        .text(note)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    let id: i64 = sql.fetch_one(conn).await?.try_get("id")?;
    for cadre in absent {
        let mut sql = Sql::new("INSERT INTO resident_absence (inspection_id, cadre_id) VALUES (");
        sql.int(id).push(", ").int(*cadre).push(")");
        sql.execute(conn).await?;
    }
    Ok(id)
}

/// The days in `year` a cadre was found absent by an inspection.
pub async fn absence_days(
    conn: &mut AnyConnection,
    cadre_id: i64,
    year: i64,
) -> Result<Vec<String>> {
    let mut sql = Sql::new(
        "SELECT i.inspected_on FROM resident_absence a JOIN resident_inspection i ON i.id = a.inspection_id \
         WHERE a.cadre_id = ",
    );
    sql.int(cadre_id)
        .push(" AND i.inspected_on >= ")
        .text(format!("{year:04}-01-01"))
        .push(" AND i.inspected_on <= ")
        .text(format!("{year:04}-12-31"));
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("inspected_on")?))
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct GradeRow {
        pub cadre_id: i64,
        pub year: i64,
        pub grade: String,
    }
}

/// The grades of these cadres, latest year first.
pub async fn grades(conn: &mut AnyConnection, cadre_ids: &[i64]) -> Result<Vec<GradeRow>> {
    if cadre_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT cadre_id, year, grade FROM resident_grade WHERE cadre_id");
    sql.ints_in(cadre_ids).push(" ORDER BY year DESC");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(GradeRow::read)
        .collect()
}

pub async fn set_grade(
    conn: &mut AnyConnection,
    cadre_id: i64,
    year: i64,
    grade: &str,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM resident_grade WHERE cadre_id = ");
    sql.int(cadre_id).push(" AND year = ").int(year);
    sql.execute(conn).await?;
    let mut sql = Sql::new(
        "INSERT INTO resident_grade (cadre_id, year, grade, graded_by, graded_at) VALUES (",
    );
    sql.int(cadre_id)
        .push(", ")
        .int(year)
        .push(", ")
        .text(grade)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(")");
    sql.execute(conn).await?;
    Ok(())
}

/// A month's days of the cadres in post below a level: how many were in post at some time
/// in it, how many reached the minimum days without counting leave, and the others with
/// approved leave in the month (one row per leave), whose leave days the caller counts.
#[derive(Debug, Clone, Default)]
pub struct MonthCounts {
    pub counted: i64,
    pub met_without_leave: i64,
    pub on_leave: Vec<(MonthRow, LeaveRow)>,
}

/// The days of a cadre (`c`) in `month`: recorded (`m`), else the check-ins.
fn month_days(sql: &mut Sql, first: &str, last: &str) {
    sql.push(
        "COALESCE(m.days, (SELECT COUNT(*) FROM resident_day d WHERE d.cadre_id = c.id AND d.day >= ",
    )
    .text(first)
    .push(" AND d.day <= ")
    .text(last)
    .push("))");
}

/// `FROM` the cadres in post below `root_path` at some time in the month from `first` to
/// `last`, with their month's record (`m`) and, with `on_leave`, their approved leave
/// overlapping it (`l`).
fn cadres_during(sql: &mut Sql, root_path: &str, month: &str, on_leave: bool) {
    let (first, last) = (format!("{month}-01"), format!("{month}-31"));
    sql.push(
        " FROM resident_cadre c JOIN resident_team t ON t.id = c.team_id \
         JOIN org o ON o.id = t.org_id LEFT JOIN resident_month m ON m.cadre_id = c.id AND m.month = ",
    )
    .text(month);
    if on_leave {
        sql.push(" JOIN resident_leave l ON l.cadre_id = c.id AND l.status = 'approved' AND l.from_on <= ")
            .text(last.clone())
            .push(" AND l.to_on >= ")
            .text(first.clone());
    }
    sql.push(&format!(" WHERE {VILLAGE}"));
    sql.within("o.path", root_path);
    sql.push(" AND c.started_on <= ")
        .text(last)
        .push(" AND (c.ended_on IS NULL OR c.ended_on >= ")
        .text(first)
        .push(")");
}

/// The month's days of the cadres below `root_path` (see [`MonthCounts`]), `min_days` the
/// minimum: two statements whatever the number of cadres, the rows only of those whose
/// leave may count.
pub async fn month_counts(
    conn: &mut AnyConnection,
    root_path: &str,
    month: &str,
    min_days: i64,
) -> Result<MonthCounts> {
    let (first, last) = (format!("{month}-01"), format!("{month}-31"));
    let mut sql = Sql::new("SELECT COUNT(*) AS counted, CAST(COALESCE(SUM(CASE WHEN ");
    month_days(&mut sql, &first, &last);
    sql.push(" >= ")
        .int(min_days)
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS met");
    cadres_during(&mut sql, root_path, month, false);
    let r = sql.fetch_one(conn).await?;
    let mut counts = MonthCounts {
        counted: r.try_get("counted")?,
        met_without_leave: r.try_get("met")?,
        on_leave: Vec::new(),
    };
    let mut sql = Sql::new(&format!(
        "SELECT {LEAVE_FIELDS}, m.days AS recorded, (SELECT COUNT(*) FROM resident_day d \
         WHERE d.cadre_id = c.id AND d.day >= "
    ));
    sql.text(first.clone())
        .push(" AND d.day <= ")
        .text(last.clone())
        .push(") AS checked_in");
    cadres_during(&mut sql, root_path, month, true);
    sql.push(" AND ");
    month_days(&mut sql, &first, &last);
    sql.push(" < ").int(min_days);
    for r in sql.fetch_all(conn).await? {
        let leave = LeaveRow::read(&r)?;
        let row = MonthRow {
            cadre_id: leave.cadre_id,
            month: month.to_string(),
            recorded: r.try_get("recorded")?,
            checked_in: r.try_get("checked_in")?,
            log: String::new(),
        };
        counts.on_leave.push((row, leave));
    }
    Ok(counts)
}

/// A team written by a load (the demo), with its id.
#[derive(Debug, Clone)]
pub struct TeamLoad {
    pub id: i64,
    pub org_id: i64,
    pub sending_unit: String,
    pub started_on: String,
    pub ends_on: String,
}

/// A cadre written by a load.
#[derive(Debug, Clone)]
pub struct CadreLoad {
    pub id: i64,
    pub team_id: i64,
    pub person_id: i64,
    pub role: &'static str,
    pub unit: String,
    pub started_on: String,
}

/// A yearly grade written by a load.
#[derive(Debug, Clone)]
pub struct GradeLoad {
    pub cadre_id: i64,
    pub year: i64,
    pub grade: &'static str,
}

/// A month written by a load.
#[derive(Debug, Clone)]
pub struct MonthLoad {
    pub cadre_id: i64,
    pub month: String,
    pub days: i64,
    pub log: String,
}

pub async fn insert_bulk(
    conn: &mut AnyConnection,
    teams: &[TeamLoad],
    cadres: &[CadreLoad],
    months: &[MonthLoad],
    grades: &[GradeLoad],
) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const TEAMS: Insert = Insert {
        table: "resident_team",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("sending_unit", Ty::Text),
            ("started_on", Ty::Text),
            ("ends_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const CADRES: Insert = Insert {
        table: "resident_cadre",
        columns: &[
            ("id", Ty::Int),
            ("team_id", Ty::Int),
            ("person_id", Ty::Int),
            ("role", Ty::Text),
            ("unit", Ty::Text),
            ("started_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const MONTHS: Insert = Insert {
        table: "resident_month",
        columns: &[
            ("cadre_id", Ty::Int),
            ("month", Ty::Text),
            ("days", Ty::Int),
            ("log", Ty::Text),
            ("recorded_at", Ty::Int),
        ],
        suffix: "",
    };
    const GRADES: Insert = Insert {
        table: "resident_grade",
        columns: &[
            ("cadre_id", Ty::Int),
            ("year", Ty::Int),
            ("grade", Ty::Text),
            ("graded_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    TEAMS
        .rows(
            conn,
            teams.iter().map(|t| -> [Val<'_>; 6] {
                [
                    t.id.into(),
                    t.org_id.into(),
                    (&t.sending_unit).into(),
                    (&t.started_on).into(),
                    (&t.ends_on).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    CADRES
        .rows(
            conn,
            cadres.iter().map(|c| -> [Val<'_>; 7] {
                [
                    c.id.into(),
                    c.team_id.into(),
                    c.person_id.into(),
                    c.role.into(),
                    (&c.unit).into(),
                    (&c.started_on).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    MONTHS
        .rows(
            conn,
            months.iter().map(|m| -> [Val<'_>; 5] {
                [
                    m.cadre_id.into(),
                    (&m.month).into(),
                    m.days.into(),
                    (&m.log).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    GRADES
        .rows(
            conn,
            grades.iter().map(|g| -> [Val<'_>; 4] {
                [g.cadre_id.into(), g.year.into(), g.grade.into(), now.into()]
            }),
        )
        .await?;
    Ok(())
}

/// The largest team and cadre ids, for a load to number after.
pub async fn max_ids(conn: &mut AnyConnection) -> Result<(i64, i64)> {
    let r = Sql::new(
        "SELECT CAST(COALESCE((SELECT MAX(id) FROM resident_team), 0) AS BIGINT) AS t, \
         CAST(COALESCE((SELECT MAX(id) FROM resident_cadre), 0) AS BIGINT) AS c",
    )
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("t")?, r.try_get("c")?))
}

/// Whether a cadre checked in on `day`.
pub async fn checked_in(conn: &mut AnyConnection, cadre_id: i64, day: &str) -> Result<bool> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM resident_day WHERE cadre_id = ");
    sql.int(cadre_id).push(" AND day = ").text(day);
    Ok(sql.fetch_one(conn).await?.try_get::<i64, _>("n")? > 0)
}

/// Cadres in post in the villages below `root_path`.
pub async fn in_post(conn: &mut AnyConnection, root_path: &str) -> Result<i64> {
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM resident_cadre c JOIN resident_team t ON t.id = c.team_id \
         JOIN org o ON o.id = t.org_id WHERE c.ended_on IS NULL AND {VILLAGE}"
    ));
    sql.within("o.path", root_path);
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}
