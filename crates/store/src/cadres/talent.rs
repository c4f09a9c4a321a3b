//! Talents in SQL: talent records, the "百千万" programme's targets against actuals counted
//! from the records, promotions, and mentor studios with apprentices and assessments.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

const PERSON_COLS: &str =
    "x.person_id, pe.name, pe.gender, pe.birth_date, pe.education, pe.id_masked";

row! {
    /// A talent record.
    #[derive(Debug, Clone)]
    pub struct TalentRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub person_id: i64,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub category: String,
        pub line: Option<String>,
        pub origin: String,
        pub level: String,
        pub field: String,
        pub employer: String,
        pub recognised_year: i64,
    }
}

/// Filters of the talents' list.
#[derive(Debug, Clone, Default)]
pub struct TalentFilter {
    pub root_path: String,
    pub category: Option<String>,
    pub line: Option<String>,
    pub origin: Option<String>,
    pub year: Option<i64>,
    /// The start of a name.
    pub q: Option<String>,
}

fn talents_sql(select: &str, f: &TalentFilter) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM talent x JOIN org o ON o.id = x.org_id JOIN person pe ON pe.id = x.person_id WHERE 1 = 1"
    ));
    sql.within("o.path", &f.root_path);
    if let Some(c) = &f.category {
        sql.push(" AND x.category = ").text(c.as_str());
    }
    if let Some(l) = &f.line {
        sql.push(" AND x.line = ").text(l.as_str());
    }
    if let Some(o) = &f.origin {
        sql.push(" AND x.origin = ").text(o.as_str());
    }
    if let Some(y) = f.year {
        sql.push(" AND x.recognised_year = ").int(y);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND pe.name LIKE ").text(format!("{q}%"));
    }
    sql
}

/// A page of talents, latest recognised first, and how many match.
pub async fn talents(
    conn: &mut AnyConnection,
    f: &TalentFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<TalentRow>)> {
    let total: i64 = talents_sql("COUNT(*) AS n", f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    let mut sql = talents_sql(
        &format!(
            "x.id, x.org_id, o.name AS org_name, o.path AS org_path, {PERSON_COLS}, x.category, x.line, \
             x.origin, x.level, x.field, x.employer, x.recognised_year"
        ),
        f,
    );
    sql.push(" ORDER BY x.recognised_year DESC, x.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(TalentRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn talent(conn: &mut AnyConnection, id: i64) -> Result<Option<TalentRow>> {
    let f = TalentFilter {
        root_path: "/".into(),
        ..TalentFilter::default()
    };
    let mut sql = talents_sql(
        &format!(
            "x.id, x.org_id, o.name AS org_name, o.path AS org_path, {PERSON_COLS}, x.category, x.line, \
             x.origin, x.level, x.field, x.employer, x.recognised_year"
        ),
        &f,
    );
    sql.push(" AND x.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(TalentRow::read)
        .transpose()
}

/// A talent record as written.
#[derive(Debug, Clone)]
pub struct TalentWrite {
    pub org_id: i64,
    pub person_id: i64,
    pub category: &'static str,
    pub line: Option<&'static str>,
    pub origin: &'static str,
    pub level: String,
    pub field: String,
    pub employer: String,
    pub recognised_year: i64,
}

/// Writes a record; a second one of the person in the category is `StoreError::Duplicate`.
pub async fn insert_talent(
    conn: &mut AnyConnection,
    w: &TalentWrite,
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO talent (org_id, person_id, category, line, origin, level, field, employer, recognised_year, created_by, created_at) VALUES (",
    );
    sql.int(w.org_id)
        .push(", ")
        .int(w.person_id)
        .push(", ")
        .text(w.category)
        .push(", ")
        .opt_text(w.line.map(String::from))
        .push(", ")
        .text(w.origin)
        .push(", ")
        .text(w.level.as_str())
        .push(", ")
        .text(w.field.as_str())
        .push(", ")
        .text(w.employer.as_str())
        .push(", ")
        .int(w.recognised_year)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Talents below `root_path` recognised from `from` to `to` (years), by the path of the
/// organization keeping them, category, origin, line and year.
pub async fn talent_counts(
    conn: &mut AnyConnection,
    root_path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, String, Option<String>, i64, i64)>> {
    let mut sql = Sql::new(
        "SELECT o.path, x.category, x.origin, x.line, x.recognised_year, COUNT(*) AS n \
         FROM talent x JOIN org o ON o.id = x.org_id WHERE x.recognised_year >= ",
    );
    sql.int(from).push(" AND x.recognised_year <= ").int(to);
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path, x.category, x.origin, x.line, x.recognised_year");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("path")?,
                r.try_get("category")?,
                r.try_get("origin")?,
                r.try_get("line")?,
                r.try_get("recognised_year")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// The programme's targets of a cycle below `root_path`: the organization's path, line, target.
pub async fn targets(
    conn: &mut AnyConnection,
    root_path: &str,
    cycle_start: i64,
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut sql = Sql::new(
        "SELECT t.org_id, o.path, t.line, t.target FROM programme_target t JOIN org o ON o.id = t.org_id \
         WHERE t.cycle_start = ",
    );
    sql.int(cycle_start);
    sql.within("o.path", root_path);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("path")?,
                r.try_get("line")?,
                r.try_get("target")?,
            ))
        })
        .collect()
}

/// Sets (or, with none, clears) an organization's target for a line and cycle.
pub async fn set_target(
    conn: &mut AnyConnection,
    org_id: i64,
    line: &str,
    cycle_start: i64,
    target: Option<i64>,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM programme_target WHERE org_id = ");
    sql.int(org_id)
        .push(" AND line = ")
        .text(line)
        .push(" AND cycle_start = ")
        .int(cycle_start);
    sql.execute(conn).await?;
    if let Some(t) = target {
        let mut sql = Sql::new(
            "INSERT INTO programme_target (org_id, line, cycle_start, target, set_by, set_at) VALUES (",
        );
        sql.int(org_id)
            .push(", ")
            .text(line)
            .push(", ")
            .int(cycle_start)
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

row! {
    /// A promotion of a cadre.
    #[derive(Debug, Clone)]
    pub struct PromotionRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub person_id: i64,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub promoted_on: String,
        pub from_post: String,
        pub to_post: String,
        pub recognised_work: String,
    }
}

/// Filters of the promotions' list.
#[derive(Debug, Clone, Default)]
pub struct PromotionFilter {
    pub root_path: String,
    pub year: Option<i64>,
    pub work: Option<String>,
}

fn promotions_sql(select: &str, f: &PromotionFilter) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT {select} FROM promotion x JOIN org o ON o.id = x.org_id JOIN person pe ON pe.id = x.person_id WHERE 1 = 1"
    ));
    sql.within("o.path", &f.root_path);
    if let Some(y) = f.year {
        sql.push(" AND x.promoted_on >= ")
            .text(format!("{y:04}-01-01"))
            .push(" AND x.promoted_on <= ")
            .text(format!("{y:04}-12-31"));
    }
    if let Some(w) = &f.work {
        sql.push(" AND x.recognised_work = ").text(w.as_str());
    }
    sql
}

pub async fn promotions(
    conn: &mut AnyConnection,
    f: &PromotionFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<PromotionRow>)> {
    let total: i64 = promotions_sql("COUNT(*) AS n", f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    let mut sql = promotions_sql(
        &format!(
            "x.id, x.org_id, o.name AS org_name, o.path AS org_path, {PERSON_COLS}, x.promoted_on, \
             x.from_post, x.to_post, x.recognised_work"
        ),
        f,
    );
    sql.push(" ORDER BY x.promoted_on DESC, x.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(PromotionRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn promotion(conn: &mut AnyConnection, id: i64) -> Result<Option<PromotionRow>> {
    let f = PromotionFilter {
        root_path: "/".into(),
        ..PromotionFilter::default()
    };
    let mut sql = promotions_sql(
        &format!(
            "x.id, x.org_id, o.name AS org_name, o.path AS org_path, {PERSON_COLS}, x.promoted_on, \
             x.from_post, x.to_post, x.recognised_work"
        ),
        &f,
    );
    sql.push(" AND x.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(PromotionRow::read)
        .transpose()
}

/// Promotions below `root_path` by year and the work recognised.
pub async fn promotion_counts(
    conn: &mut AnyConnection,
    root_path: &str,
) -> Result<Vec<(i64, String, i64)>> {
    let mut sql = Sql::new(
        "SELECT CAST(SUBSTR(x.promoted_on, 1, 4) AS INTEGER) AS y, x.recognised_work, COUNT(*) AS n \
         FROM promotion x JOIN org o ON o.id = x.org_id WHERE 1 = 1",
    );
    sql.within("o.path", root_path);
    sql.push(" GROUP BY CAST(SUBSTR(x.promoted_on, 1, 4) AS INTEGER), x.recognised_work ORDER BY 1 DESC, 2");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>("y")?,
                r.try_get("recognised_work")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// A promotion as written.
#[derive(Debug, Clone)]
pub struct PromotionWrite {
    pub org_id: i64,
    pub person_id: i64,
    pub promoted_on: String,
    pub from_post: String,
    pub to_post: String,
    pub recognised_work: String,
}

pub async fn insert_promotion(
    conn: &mut AnyConnection,
    w: &PromotionWrite,
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO promotion (org_id, person_id, promoted_on, from_post, to_post, recognised_work, created_by, created_at) VALUES (",
    );
    sql.int(w.org_id)
        .push(", ")
        .int(w.person_id)
        .push(", ")
        .text(w.promoted_on.as_str())
        .push(", ")
        .text(w.from_post.as_str())
        .push(", ")
        .text(w.to_post.as_str())
        .push(", ")
        .text(w.recognised_work.as_str())
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

row! {
    /// A mentor studio with its apprentices now and in all.
    #[derive(Debug, Clone)]
    pub struct StudioRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub master_person_id: i64,
        pub master: String,
        pub field: String,
        pub host_unit: String,
        pub opened_on: String,
        pub cycle_ends_on: String,
        pub closed_on: Option<String>,
        pub closed_reason: Option<String>,
        pub apprentices_now: i64,
        pub apprentices_total: i64,
        pub graduates_total: i64,
    }
}

const STUDIO_COLS: &str = "s.id, s.org_id, o.name AS org_name, o.path AS org_path, s.name, s.master_person_id, \
    pe.name AS master, s.field, s.host_unit, s.opened_on, s.cycle_ends_on, s.closed_on, s.closed_reason, \
    (SELECT COUNT(*) FROM apprentice a WHERE a.studio_id = s.id AND a.finished_on IS NULL) AS apprentices_now, \
    (SELECT COUNT(*) FROM apprentice a WHERE a.studio_id = s.id) AS apprentices_total, \
    (SELECT COUNT(*) FROM apprentice a WHERE a.studio_id = s.id AND a.graduated = 1) AS graduates_total \
    FROM studio s JOIN org o ON o.id = s.org_id JOIN person pe ON pe.id = s.master_person_id";

/// Filters of the studios' list.
#[derive(Debug, Clone, Default)]
pub struct StudioFilter {
    pub root_path: String,
    /// Open now; none: all.
    pub open: Option<bool>,
    /// Part of the studio's name or field.
    pub q: Option<String>,
}

fn studios_sql(select: &str, f: &StudioFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} WHERE 1 = 1"));
    sql.within("o.path", &f.root_path);
    match f.open {
        Some(true) => {
            sql.push(" AND s.closed_on IS NULL");
        }
        Some(false) => {
            sql.push(" AND s.closed_on IS NOT NULL");
        }
        None => {}
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND (s.name LIKE ")
            .text(format!("%{q}%"))
            .push(" OR s.field LIKE ")
            .text(format!("%{q}%"))
            .push(")");
    }
    sql
}

pub async fn studios(
    conn: &mut AnyConnection,
    f: &StudioFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<StudioRow>)> {
    let total: i64 = studios_sql(
        "COUNT(*) AS n FROM studio s JOIN org o ON o.id = s.org_id",
        f,
    )
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    let mut sql = studios_sql(STUDIO_COLS, f);
    sql.push(" ORDER BY o.path, s.opened_on, s.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(StudioRow::read).collect::<Result<_>>()?,
    ))
}

pub async fn studio(conn: &mut AnyConnection, id: i64) -> Result<Option<StudioRow>> {
    let mut sql = Sql::new(&format!("SELECT {STUDIO_COLS} WHERE s.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(StudioRow::read)
        .transpose()
}

/// A studio as written.
#[derive(Debug, Clone)]
pub struct StudioWrite {
    pub org_id: i64,
    pub name: String,
    pub master_person_id: i64,
    pub field: String,
    pub host_unit: String,
    pub opened_on: String,
    pub cycle_ends_on: String,
}

/// Opens a studio; a master with a studio open is `StoreError::Duplicate`.
pub async fn insert_studio(
    conn: &mut AnyConnection,
    w: &StudioWrite,
    by: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO studio (org_id, name, master_person_id, field, host_unit, opened_on, cycle_ends_on, created_by, created_at) VALUES (",
    );
    sql.int(w.org_id)
        .push(", ")
        .text(w.name.as_str())
        .push(", ")
        .int(w.master_person_id)
        .push(", ")
        .text(w.field.as_str())
        .push(", ")
        .text(w.host_unit.as_str())
        .push(", ")
        .text(w.opened_on.as_str())
        .push(", ")
        .text(w.cycle_ends_on.as_str())
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Closes a studio and finishes its apprentices (not as graduates); false if closed already.
pub async fn close_studio(
    conn: &mut AnyConnection,
    id: i64,
    on: &str,
    reason: &str,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE studio SET closed_on = ");
    sql.text(on)
        .push(", closed_reason = ")
        .text(reason)
        .push(" WHERE closed_on IS NULL AND id = ")
        .int(id);
    if sql.execute(conn).await? == 0 {
        return Ok(false);
    }
    let mut sql = Sql::new("UPDATE apprentice SET finished_on = ");
    sql.text(on)
        .push(" WHERE finished_on IS NULL AND studio_id = ")
        .int(id);
    sql.execute(conn).await?;
    Ok(true)
}

/// The latest day a studio of this master was closed as failed, if any.
pub async fn last_failed(
    conn: &mut AnyConnection,
    master_person_id: i64,
) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT MAX(s.closed_on) AS d FROM studio s JOIN studio_assessment a ON a.studio_id = s.id \
         AND a.grade = 'failed' WHERE s.master_person_id = ",
    );
    sql.int(master_person_id);
    Ok(sql.fetch_one(conn).await?.try_get("d")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct ApprenticeRow {
        pub id: i64,
        pub studio_id: i64,
        pub person_id: i64,
        pub name: String,
        pub started_on: String,
        pub finished_on: Option<String>,
        pub graduated: bool,
    }
}

/// A studio's apprentices, those training now first.
pub async fn apprentices(conn: &mut AnyConnection, studio_id: i64) -> Result<Vec<ApprenticeRow>> {
    let mut sql = Sql::new(
        "SELECT a.id, a.studio_id, a.person_id, pe.name, a.started_on, a.finished_on, a.graduated \
         FROM apprentice a JOIN person pe ON pe.id = a.person_id WHERE a.studio_id = ",
    );
    sql.int(studio_id).push(
        " ORDER BY CASE WHEN a.finished_on IS NULL THEN 0 ELSE 1 END, a.started_on DESC, a.id DESC",
    );
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(ApprenticeRow::read)
        .collect()
}

pub async fn apprentice(conn: &mut AnyConnection, id: i64) -> Result<Option<ApprenticeRow>> {
    let mut sql = Sql::new(
        "SELECT a.id, a.studio_id, a.person_id, pe.name, a.started_on, a.finished_on, a.graduated \
         FROM apprentice a JOIN person pe ON pe.id = a.person_id WHERE a.id = ",
    );
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(ApprenticeRow::read)
        .transpose()
}

/// Takes an apprentice on; one training in another studio is `StoreError::Duplicate`.
pub async fn insert_apprentice(
    conn: &mut AnyConnection,
    studio_id: i64,
    person_id: i64,
    started_on: &str,
) -> Result<i64> {
    let mut sql =
        Sql::new("INSERT INTO apprentice (studio_id, person_id, started_on, created_at) VALUES (");
    sql.int(studio_id)
        .push(", ")
        .int(person_id)
        .push(", ")
        .text(started_on)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Finishes an apprenticeship; false if finished already.
pub async fn finish_apprentice(
    conn: &mut AnyConnection,
    id: i64,
    on: &str,
    graduated: bool,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE apprentice SET finished_on = ");
    sql.text(on)
        .push(", graduated = ")
        .int(i64::from(graduated))
        .push(" WHERE finished_on IS NULL AND id = ")
        .int(id);
    Ok(sql.execute(conn).await? == 1)
}

/// A studio's year from its records: apprentices training at some time in the year, and
/// those who finished in it as high-skill graduates.
pub async fn studio_year(
    conn: &mut AnyConnection,
    studio_id: i64,
    year: i64,
) -> Result<(i64, i64)> {
    let (first, last) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN a.graduated = 1 AND a.finished_on >= ",
    );
    sql.text(first.as_str())
        .push(" AND a.finished_on <= ")
        .text(last.as_str())
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS g FROM apprentice a WHERE a.studio_id = ")
        .int(studio_id)
        .push(" AND a.started_on <= ")
        .text(last.as_str())
        .push(" AND (a.finished_on IS NULL OR a.finished_on >= ")
        .text(first.as_str())
        .push(")");
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("n")?, r.try_get("g")?))
}

row! {
    #[derive(Debug, Clone)]
    pub struct AssessmentRow {
        pub studio_id: i64,
        pub year: i64,
        pub apprentices: i64,
        pub graduates: i64,
        pub grade: String,
    }
}

pub async fn assessments(conn: &mut AnyConnection, studio_id: i64) -> Result<Vec<AssessmentRow>> {
    let mut sql = Sql::new(
        "SELECT studio_id, year, apprentices, graduates, grade FROM studio_assessment WHERE studio_id = ",
    );
    sql.int(studio_id).push(" ORDER BY year DESC");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(AssessmentRow::read)
        .collect()
}

/// Studios open at some time in `year` in the whole district, and those graded 优秀 that year
/// other than `except`.
pub async fn excellent_share(
    conn: &mut AnyConnection,
    year: i64,
    except: i64,
) -> Result<(i64, i64)> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM studio WHERE opened_on <= ");
    sql.text(format!("{year:04}-12-31"))
        .push(" AND (closed_on IS NULL OR closed_on >= ")
        .text(format!("{year:04}-01-01"))
        .push(")");
    let open: i64 = sql.fetch_one(&mut *conn).await?.try_get("n")?;
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n FROM studio_assessment WHERE grade = 'excellent' AND year = ",
    );
    sql.int(year).push(" AND studio_id <> ").int(except);
    let excellent: i64 = sql.fetch_one(conn).await?.try_get("n")?;
    Ok((excellent, open))
}

pub async fn set_assessment(
    conn: &mut AnyConnection,
    a: &AssessmentRow,
    by: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM studio_assessment WHERE studio_id = ");
    sql.int(a.studio_id).push(" AND year = ").int(a.year);
    sql.execute(conn).await?;
    let mut sql = Sql::new(
        "INSERT INTO studio_assessment (studio_id, year, apprentices, graduates, grade, graded_by, graded_at) VALUES (",
    );
    sql.int(a.studio_id)
        .push(", ")
        .int(a.year)
        .push(", ")
        .int(a.apprentices)
        .push(", ")
        .int(a.graduates)
        .push(", ")
        .text(a.grade.as_str())
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now_ms())
        .push(")");
    sql.execute(conn).await?;
    Ok(())
}

/// Studios open and apprentices training now below `root_path`, and apprentices ever.
pub async fn studio_totals(conn: &mut AnyConnection, root_path: &str) -> Result<(i64, i64, i64)> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n, \
         CAST(COALESCE(SUM((SELECT COUNT(*) FROM apprentice a WHERE a.studio_id = s.id AND a.finished_on IS NULL)), 0) AS BIGINT) AS now, \
         CAST(COALESCE(SUM((SELECT COUNT(*) FROM apprentice a WHERE a.studio_id = s.id)), 0) AS BIGINT) AS ever \
         FROM studio s JOIN org o ON o.id = s.org_id WHERE s.closed_on IS NULL",
    );
    sql.within("o.path", root_path);
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("n")?, r.try_get("now")?, r.try_get("ever")?))
}

/// A talent written by a load (the demo).
#[derive(Debug, Clone)]
pub struct TalentLoad {
    pub org_id: i64,
    pub person_id: i64,
    pub category: &'static str,
    pub line: Option<&'static str>,
    pub origin: &'static str,
    pub field: String,
    pub employer: String,
    pub recognised_year: i64,
}

#[derive(Debug, Clone)]
pub struct TargetLoad {
    pub org_id: i64,
    pub line: &'static str,
    pub cycle_start: i64,
    pub target: i64,
}

#[derive(Debug, Clone)]
pub struct PromotionLoad {
    pub org_id: i64,
    pub person_id: i64,
    pub promoted_on: String,
    pub from_post: String,
    pub to_post: String,
    pub recognised_work: String,
}

#[derive(Debug, Clone)]
pub struct StudioLoad {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub master_person_id: i64,
    pub field: String,
    pub host_unit: String,
    pub opened_on: String,
    pub cycle_ends_on: String,
}

#[derive(Debug, Clone)]
pub struct ApprenticeLoad {
    pub studio_id: i64,
    pub person_id: i64,
    pub started_on: String,
    pub finished_on: Option<String>,
    pub graduated: bool,
}

/// What a load writes, in one call.
pub struct Load<'a> {
    pub talents: &'a [TalentLoad],
    pub targets: &'a [TargetLoad],
    pub promotions: &'a [PromotionLoad],
    pub studios: &'a [StudioLoad],
    pub apprentices: &'a [ApprenticeLoad],
    pub assessments: &'a [AssessmentRow],
}

pub async fn insert_bulk(conn: &mut AnyConnection, l: &Load<'_>) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const TALENTS: Insert = Insert {
        table: "talent",
        columns: &[
            ("org_id", Ty::Int),
            ("person_id", Ty::Int),
            ("category", Ty::Text),
            ("line", Ty::Text),
            ("origin", Ty::Text),
            ("field", Ty::Text),
            ("employer", Ty::Text),
            ("recognised_year", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const TARGETS: Insert = Insert {
        table: "programme_target",
        columns: &[
            ("org_id", Ty::Int),
            ("line", Ty::Text),
            ("cycle_start", Ty::Int),
            ("target", Ty::Int),
            ("set_at", Ty::Int),
        ],
        suffix: "",
    };
    const PROMOTIONS: Insert = Insert {
        table: "promotion",
        columns: &[
            ("org_id", Ty::Int),
            ("person_id", Ty::Int),
            ("promoted_on", Ty::Text),
            ("from_post", Ty::Text),
            ("to_post", Ty::Text),
            ("recognised_work", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const STUDIOS: Insert = Insert {
        table: "studio",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("name", Ty::Text),
            ("master_person_id", Ty::Int),
            ("field", Ty::Text),
            ("host_unit", Ty::Text),
            ("opened_on", Ty::Text),
            ("cycle_ends_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const APPRENTICES: Insert = Insert {
        table: "apprentice",
        columns: &[
            ("studio_id", Ty::Int),
            ("person_id", Ty::Int),
            ("started_on", Ty::Text),
            ("finished_on", Ty::Text),
            ("graduated", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const ASSESSMENTS: Insert = Insert {
        table: "studio_assessment",
        columns: &[
            ("studio_id", Ty::Int),
            ("year", Ty::Int),
            ("apprentices", Ty::Int),
            ("graduates", Ty::Int),
            ("grade", Ty::Text),
            ("graded_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    TALENTS
        .rows(
            conn,
            l.talents.iter().map(|t| -> [Val<'_>; 9] {
                [
                    t.org_id.into(),
                    t.person_id.into(),
                    t.category.into(),
                    t.line.into(),
                    t.origin.into(),
                    (&t.field).into(),
                    (&t.employer).into(),
                    t.recognised_year.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    TARGETS
        .rows(
            conn,
            l.targets.iter().map(|t| -> [Val<'_>; 5] {
                [
                    t.org_id.into(),
                    t.line.into(),
                    t.cycle_start.into(),
                    t.target.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    PROMOTIONS
        .rows(
            conn,
            l.promotions.iter().map(|p| -> [Val<'_>; 7] {
                [
                    p.org_id.into(),
                    p.person_id.into(),
                    (&p.promoted_on).into(),
                    (&p.from_post).into(),
                    (&p.to_post).into(),
                    (&p.recognised_work).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    STUDIOS
        .rows(
            conn,
            l.studios.iter().map(|s| -> [Val<'_>; 9] {
                [
                    s.id.into(),
                    s.org_id.into(),
                    (&s.name).into(),
                    s.master_person_id.into(),
                    (&s.field).into(),
                    (&s.host_unit).into(),
                    (&s.opened_on).into(),
                    (&s.cycle_ends_on).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    APPRENTICES
        .rows(
            conn,
            l.apprentices.iter().map(|a| -> [Val<'_>; 6] {
                [
                    a.studio_id.into(),
                    a.person_id.into(),
                    (&a.started_on).into(),
                    a.finished_on.as_deref().into(),
                    a.graduated.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    ASSESSMENTS
        .rows(
            conn,
            l.assessments.iter().map(|a| -> [Val<'_>; 6] {
                [
                    a.studio_id.into(),
                    a.year.into(),
                    a.apprentices.into(),
                    a.graduates.into(),
                    a.grade.as_str().into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// The largest studio id, for a load to number after.
pub async fn max_studio_id(conn: &mut AnyConnection) -> Result<i64> {
    Ok(
        Sql::new("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM studio")
            .fetch_one(conn)
            .await?
            .try_get("n")?,
    )
}
