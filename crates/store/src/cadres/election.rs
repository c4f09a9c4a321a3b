//! Elections (换届) of villages' two committees and their candidates in SQL.

use sqlx::{AnyConnection, Row};

use std::collections::HashMap;

use dangjian_domain::bands::Education;
use dangjian_domain::cadres::stats::{VillageFigures, YOUNG_BELOW, education_from};

use super::VILLAGE;
use super::committee::BODIES;
use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct ElectionRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub started_on: String,
        pub party_voted_on: Option<String>,
        pub residents_voted_on: Option<String>,
        pub finished_on: Option<String>,
        pub term_ends_on: Option<String>,
        pub note: String,
        pub candidates: i64,
        pub pending: i64,
        pub refused: i64,
        pub elected: i64,
    }
}

const COLS: &str = "e.id, e.org_id, o.name AS org_name, o.path AS org_path, e.started_on, \
    e.party_voted_on, e.residents_voted_on, e.finished_on, e.term_ends_on, e.note, \
    (SELECT COUNT(*) FROM election_candidate c WHERE c.election_id = e.id) AS candidates, \
    (SELECT COUNT(*) FROM election_candidate c WHERE c.election_id = e.id AND c.vetting = 'pending') AS pending, \
    (SELECT COUNT(*) FROM election_candidate c WHERE c.election_id = e.id AND c.vetting = 'refused') AS refused, \
    (SELECT COUNT(*) FROM election_candidate c WHERE c.election_id = e.id AND c.elected = 1) AS elected \
    FROM election e JOIN org o ON o.id = e.org_id";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ElectionRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} WHERE e.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(ElectionRow::read)
        .transpose()
}

/// Filters of the elections' list.
#[derive(Debug, Clone, Default)]
pub struct ElectionFilter {
    pub root_path: String,
    /// Started in this year.
    pub year: Option<i64>,
    /// Only those under way (true) or finished (false).
    pub open: Option<bool>,
}

fn filtered(select: &str, f: &ElectionFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} WHERE {VILLAGE}"));
    sql.within("o.path", &f.root_path);
    if let Some(y) = f.year {
        sql.push(" AND e.started_on >= ")
            .text(format!("{y:04}-01-01"))
            .push(" AND e.started_on < ")
            .text(format!("{:04}-01-01", y + 1));
    }
    match f.open {
        Some(true) => {
            sql.push(" AND e.finished_on IS NULL");
        }
        Some(false) => {
            sql.push(" AND e.finished_on IS NOT NULL");
        }
        None => {}
    }
    sql
}

/// A page of elections, newest first, and how many match.
pub async fn page(
    conn: &mut AnyConnection,
    f: &ElectionFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ElectionRow>)> {
    let total: i64 = filtered(
        "COUNT(*) AS n FROM election e JOIN org o ON o.id = e.org_id",
        f,
    )
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    let mut sql = filtered(COLS, f);
    sql.push(" ORDER BY e.started_on DESC, o.path LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(ElectionRow::read).collect::<Result<_>>()?,
    ))
}

/// Opens an election; a village has one under way at a time (`StoreError::Duplicate`).
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    started_on: &str,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let mut sql = Sql::new(
        "INSERT INTO election (org_id, started_on, note, created_by, created_at, updated_at) VALUES (",
    );
    sql.int(org_id)
        .push(", ")
        .text(started_on)
        .push(", ")
        .text(note)
        .push(", ")
        .opt_int(by)
        .push(", ")
        .int(now)
        .push(", ")
        .int(now)
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Records the votes and the term; false when the election had already finished.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    party_voted_on: Option<&str>,
    residents_voted_on: Option<&str>,
    finished_on: &str,
    term_ends_on: &str,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE election SET party_voted_on = ");
    sql.opt_text(party_voted_on.map(String::from))
        .push(", residents_voted_on = ")
        .opt_text(residents_voted_on.map(String::from))
        .push(", finished_on = ")
        .text(finished_on)
        .push(", term_ends_on = ")
        .text(term_ends_on)
        .push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE finished_on IS NULL AND id = ")
        .int(id);
    Ok(sql.execute(conn).await? == 1)
}

row! {
    #[derive(Debug, Clone)]
    pub struct CandidateRow {
        pub id: i64,
        pub election_id: i64,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub member_status: Option<String>,
        pub member_path: Option<String>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub body: String,
        pub post: String,
        pub vetting: String,
        pub refusal_reason: Option<String>,
        pub vetted_on: Option<String>,
        pub elected: bool,
        /// In the village's reserve pool as a local talent (本土人才), now or before.
        pub local_talent: bool,
    }
}

const CANDIDATE_COLS: &str = "c.id, c.election_id, c.person_id, m.id AS member_id, m.status AS member_status, \
    m.org_path AS member_path, pe.name, pe.gender, pe.birth_date, pe.education, pe.id_masked, c.body, c.post, \
    c.vetting, c.refusal_reason, c.vetted_on, c.elected, \
    CASE WHEN EXISTS (SELECT 1 FROM reserve_cadre rc JOIN election el ON el.id = c.election_id \
      WHERE rc.person_id = c.person_id AND rc.org_id = el.org_id AND rc.source = 'local_talent') \
      THEN 1 ELSE 0 END AS local_talent \
    FROM election_candidate c JOIN person pe ON pe.id = c.person_id \
    LEFT JOIN member m ON m.person_id = pe.id";

/// An election's candidates, party first, in the order they were added.
pub async fn candidates(conn: &mut AnyConnection, election_id: i64) -> Result<Vec<CandidateRow>> {
    let mut sql = Sql::new(&format!("SELECT {CANDIDATE_COLS} WHERE c.election_id = "));
    sql.int(election_id).push(" ORDER BY c.body, c.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(CandidateRow::read)
        .collect()
}

pub async fn candidate(conn: &mut AnyConnection, id: i64) -> Result<Option<CandidateRow>> {
    let mut sql = Sql::new(&format!("SELECT {CANDIDATE_COLS} WHERE c.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(CandidateRow::read)
        .transpose()
}

/// Adds a candidate; one person stands once per committee of an election
/// (`StoreError::Duplicate`).
pub async fn insert_candidate(
    conn: &mut AnyConnection,
    election_id: i64,
    person_id: i64,
    body: &str,
    post: &str,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO election_candidate (election_id, person_id, body, post, created_at) VALUES (",
    );
    sql.int(election_id)
        .push(", ")
        .int(person_id)
        .push(", ")
        .text(body)
        .push(", ")
        .text(post)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// Records the vetting of a candidate.
pub async fn vet(
    conn: &mut AnyConnection,
    id: i64,
    vetting: &str,
    reason: Option<&str>,
    on: &str,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE election_candidate SET vetting = ");
    sql.text(vetting)
        .push(", refusal_reason = ")
        .opt_text(reason.map(String::from))
        .push(", vetted_on = ")
        .text(on)
        .push(" WHERE id = ")
        .int(id);
    sql.execute(conn).await?;
    Ok(())
}

pub async fn delete_candidate(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM election_candidate WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_elected(conn: &mut AnyConnection, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE election_candidate SET elected = 1 WHERE id");
    sql.ints_in(ids);
    sql.execute(conn).await?;
    Ok(())
}

row! {
    /// A village whose term ends (or ended) with no election opened since.
    #[derive(Debug, Clone)]
    pub struct TermEndRow {
        pub election_id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub term_ends_on: String,
    }
}

/// Villages whose latest finished election's term ends on or before `by`, with no election
/// opened after it.
pub async fn terms_ending(conn: &mut AnyConnection, by: &str) -> Result<Vec<TermEndRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT e.id AS election_id, o.id AS org_id, o.path AS org_path, o.name AS org_name, e.term_ends_on \
         FROM election e JOIN org o ON o.id = e.org_id WHERE {VILLAGE} AND e.finished_on IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM election n WHERE n.org_id = e.org_id AND n.id <> e.id \
           AND n.started_on >= e.started_on) \
         AND e.term_ends_on <= "
    ));
    sql.text(by).push(" ORDER BY o.path");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(TermEndRow::read)
        .collect()
}

/// Elections under way below `root_path`.
pub async fn open_count(conn: &mut AnyConnection, root_path: &str) -> Result<i64> {
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM election e JOIN org o ON o.id = e.org_id WHERE {VILLAGE}"
    ));
    sql.within("o.path", root_path);
    sql.push(" AND e.finished_on IS NULL");
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// An election written by a load (the demo), with its id.
#[derive(Debug, Clone)]
pub struct ElectionLoad {
    pub id: i64,
    pub org_id: i64,
    pub started_on: String,
    pub party_voted_on: Option<String>,
    pub residents_voted_on: Option<String>,
    pub finished_on: Option<String>,
    pub term_ends_on: Option<String>,
}

/// A candidate written by a load.
#[derive(Debug, Clone)]
pub struct CandidateLoad {
    pub election_id: i64,
    pub person_id: i64,
    pub body: &'static str,
    pub post: &'static str,
    pub vetting: &'static str,
    pub refusal_reason: Option<String>,
    pub vetted_on: Option<String>,
    pub elected: bool,
}

pub async fn insert_bulk(
    conn: &mut AnyConnection,
    elections: &[ElectionLoad],
    candidates: &[CandidateLoad],
) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const ELECTIONS: Insert = Insert {
        table: "election",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("started_on", Ty::Text),
            ("party_voted_on", Ty::Text),
            ("residents_voted_on", Ty::Text),
            ("finished_on", Ty::Text),
            ("term_ends_on", Ty::Text),
            ("created_at", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    const CANDIDATES: Insert = Insert {
        table: "election_candidate",
        columns: &[
            ("election_id", Ty::Int),
            ("person_id", Ty::Int),
            ("body", Ty::Text),
            ("post", Ty::Text),
            ("vetting", Ty::Text),
            ("refusal_reason", Ty::Text),
            ("vetted_on", Ty::Text),
            ("elected", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    ELECTIONS
        .rows(
            conn,
            elections.iter().map(|e| -> [Val<'_>; 9] {
                [
                    e.id.into(),
                    e.org_id.into(),
                    (&e.started_on).into(),
                    e.party_voted_on.as_deref().into(),
                    e.residents_voted_on.as_deref().into(),
                    e.finished_on.as_deref().into(),
                    e.term_ends_on.as_deref().into(),
                    now.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    CANDIDATES
        .rows(
            conn,
            candidates.iter().map(|c| -> [Val<'_>; 9] {
                [
                    c.election_id.into(),
                    c.person_id.into(),
                    c.body.into(),
                    c.post.into(),
                    c.vetting.into(),
                    c.refusal_reason.as_deref().into(),
                    c.vetted_on.as_deref().into(),
                    c.elected.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// The villages below `root_path` with an election under way.
pub async fn open_in(conn: &mut AnyConnection, root_path: &str) -> Result<Vec<i64>> {
    let mut sql = Sql::new(
        "SELECT e.org_id FROM election e JOIN org o ON o.id = e.org_id WHERE e.finished_on IS NULL",
    );
    sql.within("o.path", root_path);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("org_id")?))
        .collect()
}

/// The day a village's latest finished election finished.
pub async fn last_finished(conn: &mut AnyConnection, org_id: i64) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT MAX(finished_on) AS d FROM election WHERE finished_on IS NOT NULL AND org_id = ",
    );
    sql.int(org_id);
    Ok(sql.fetch_one(conn).await?.try_get("d")?)
}

/// Whose figures to keep: one election just finished, or every finished election without
/// them (a load's, or those finished before figures were kept).
#[derive(Debug, Clone, Copy)]
pub enum Kept {
    One(i64),
    Missing,
}

/// The figures of one term of one finished election, as kept.
#[derive(Debug, Clone)]
pub struct TermFigures {
    pub election_id: i64,
    /// `elected` or `closed`.
    pub term: String,
    /// `village` is the election's organization.
    pub figures: VillageFigures,
    /// Local talents (本土人才) from the village's reserve pool elected secretary (elected
    /// term only).
    pub local_talent_secretaries: i64,
}

/// The elected term and the closed one.
pub const ELECTED: &str = "elected";
pub const CLOSED: &str = "closed";

/// ` AND` the elections (`e`) whose figures to keep.
fn kept(sql: &mut Sql, which: Kept) {
    match which {
        Kept::One(id) => sql.push(" AND e.id = ").int(id),
        Kept::Missing => sql.push(
            " AND e.finished_on IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM election_figures f WHERE f.election_id = e.id)",
        ),
    };
}

/// Counts the figures of finished elections and keeps them (`election_figures`): the
/// committees each elected and those it closed (posts held on the eve of each committee's
/// vote), each person once, ages on the day it finished. Called once per election, in the
/// transaction that records its result, after its posts are written; what it returns is what
/// it kept, for the counters.
pub async fn keep_figures(conn: &mut AnyConnection, which: Kept) -> Result<Vec<TermFigures>> {
    // Local talents elected secretary, by election.
    let mut sql = Sql::new(
        "SELECT c.election_id, COUNT(*) AS n FROM committee_post c JOIN election e ON e.id = c.election_id \
         JOIN member m ON m.id = c.member_id WHERE c.post = 'secretary' \
         AND EXISTS (SELECT 1 FROM reserve_cadre r WHERE r.person_id = m.person_id AND r.org_id = c.org_id \
           AND r.source = 'local_talent' AND r.outcome = 'elected')",
    );
    kept(&mut sql, which);
    sql.push(" GROUP BY c.election_id");
    let mut talents = HashMap::new();
    for r in sql.fetch_all(conn).await? {
        talents.insert(
            r.try_get::<i64, _>("election_id")?,
            r.try_get::<i64, _>("n")?,
        );
    }
    let mut sql = Sql::new(
        "SELECT p.election_id, p.org_id, p.term, CAST(MAX(p.one) AS BIGINT) AS one_shoulder, \
         CAST(SUM(CASE WHEN p.bodies = 2 THEN 1 ELSE 0 END) AS BIGINT) AS cross_posted, \
         CAST(COUNT(*) AS BIGINT) AS people, \
         CAST(SUM(CASE WHEN p.gender = 'female' THEN 1 ELSE 0 END) AS BIGINT) AS women, ",
    );
    for (band, name) in [
        (Education::Senior, "high_school_plus"),
        (Education::College, "college_plus"),
        (Education::Bachelor, "bachelor_plus"),
    ] {
        sql.push("CAST(SUM(CASE WHEN p.education");
        sql.texts_in(&education_from(band));
        sql.push(&format!(" THEN 1 ELSE 0 END) AS BIGINT) AS {name}, "));
    }
    // Full years on the day the election finished: the year's difference, one less before
    // the birthday.
    sql.push(&format!(
        "CAST(SUM(CASE WHEN p.age < {YOUNG_BELOW} THEN 1 ELSE 0 END) AS BIGINT) AS under_35, \
         CAST(SUM(p.age) AS BIGINT) AS age_sum FROM (\
         SELECT u.election_id, u.org_id, u.term, MAX(u.party) + MAX(u.res) AS bodies, \
         MAX(u.sec) * MAX(u.dir) AS one, pe.gender, pe.education, \
         CAST(SUBSTR(u.finished_on, 1, 4) AS INTEGER) - CAST(SUBSTR(pe.birth_date, 1, 4) AS INTEGER) \
         - CASE WHEN SUBSTR(pe.birth_date, 6, 5) > SUBSTR(u.finished_on, 6, 5) THEN 1 ELSE 0 END AS age \
         FROM ("
    ));
    let mut first = true;
    for (i, (table, holder, flags)) in BODIES.into_iter().enumerate() {
        let voted = if i == 0 {
            "e.party_voted_on"
        } else {
            "e.residents_voted_on"
        };
        for term in [ELECTED, CLOSED] {
            if !first {
                sql.push(" UNION ALL ");
            }
            first = false;
            let on = if term == ELECTED {
                "x.election_id = e.id"
            } else {
                "x.org_id = e.org_id"
            };
            sql.push(&format!(
                "SELECT e.id AS election_id, e.org_id, e.finished_on, '{term}' AS term, {flags} \
                 FROM election e JOIN {table} x ON {on} {holder} WHERE e.finished_on IS NOT NULL"
            ));
            if term == CLOSED {
                sql.push(&format!(
                    " AND (x.election_id IS NULL OR x.election_id <> e.id) AND x.started_on < {voted} \
                     AND (x.ended_on IS NULL OR x.ended_on >= {voted})"
                ));
            }
            kept(&mut sql, which);
        }
    }
    sql.push(
        ") u JOIN person pe ON pe.id = u.person_id \
         GROUP BY u.election_id, u.org_id, u.term, u.finished_on, u.person_id, pe.gender, \
         pe.education, pe.birth_date) p GROUP BY p.election_id, p.org_id, p.term",
    );
    let figures = sql
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let election_id: i64 = r.try_get("election_id")?;
            let term: String = r.try_get("term")?;
            let local_talent_secretaries = match term.as_str() {
                ELECTED => talents.get(&election_id).copied().unwrap_or(0),
                _ => 0,
            };
            Ok(TermFigures {
                election_id,
                term,
                figures: village_figures(r)?,
                local_talent_secretaries,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    FIGURES
        .rows(
            conn,
            figures.iter().map(|t| -> [Val<'_>; 12] {
                let f = &t.figures;
                [
                    t.election_id.into(),
                    t.term.as_str().into(),
                    f.one_shoulder.into(),
                    f.cross_posted.into(),
                    f.people.into(),
                    f.women.into(),
                    f.high_school_plus.into(),
                    f.college_plus.into(),
                    f.bachelor_plus.into(),
                    f.under_35.into(),
                    f.age_sum.into(),
                    t.local_talent_secretaries.into(),
                ]
            }),
        )
        .await?;
    Ok(figures)
}

const FIGURES: Insert = Insert {
    table: "election_figures",
    columns: &[
        ("election_id", Ty::Int),
        ("term", Ty::Text),
        ("one_shoulder", Ty::Int),
        ("cross_posted", Ty::Int),
        ("people", Ty::Int),
        ("women", Ty::Int),
        ("high_school_plus", Ty::Int),
        ("college_plus", Ty::Int),
        ("bachelor_plus", Ty::Int),
        ("under_35", Ty::Int),
        ("age_sum", Ty::Int),
        ("local_talent_secretaries", Ty::Int),
    ],
    suffix: "",
};

/// One village's figures from the columns named like them (`org_id` the village).
fn village_figures(r: &sqlx::any::AnyRow) -> Result<VillageFigures> {
    Ok(VillageFigures {
        village: r.try_get("org_id")?,
        one_shoulder: r.try_get::<i64, _>("one_shoulder")? == 1,
        cross_posted: r.try_get("cross_posted")?,
        people: r.try_get("people")?,
        women: r.try_get("women")?,
        high_school_plus: r.try_get("high_school_plus")?,
        college_plus: r.try_get("college_plus")?,
        bachelor_plus: r.try_get("bachelor_plus")?,
        under_35: r.try_get("under_35")?,
        age_sum: r.try_get("age_sum")?,
    })
}

/// Every kept figure with its village's path and the year its election finished: what the
/// counters are rebuilt from.
pub async fn all_figures(conn: &mut AnyConnection) -> Result<Vec<(String, i64, TermFigures)>> {
    let rs = sqlx::query(
        "SELECT o.path, e.finished_on, e.org_id, f.* FROM election_figures f \
         JOIN election e ON e.id = f.election_id JOIN org o ON o.id = e.org_id",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            let finished: String = r.try_get("finished_on")?;
            Ok((
                r.try_get("path")?,
                year_of(&finished),
                TermFigures {
                    election_id: r.try_get("election_id")?,
                    term: r.try_get("term")?,
                    figures: village_figures(r)?,
                    local_talent_secretaries: r.try_get("local_talent_secretaries")?,
                },
            ))
        })
        .collect()
}

/// The finished elections by their village's path and the year finished: (path, year, n).
pub async fn finished_by_path(conn: &mut AnyConnection) -> Result<Vec<(String, i64, i64)>> {
    let rs = sqlx::query(
        "SELECT o.path, SUBSTR(e.finished_on, 1, 4) AS y, COUNT(*) AS n FROM election e \
         JOIN org o ON o.id = e.org_id WHERE e.finished_on IS NOT NULL GROUP BY o.path, SUBSTR(e.finished_on, 1, 4)",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            let y: String = r.try_get("y")?;
            Ok((r.try_get("path")?, year_of(&y), r.try_get("n")?))
        })
        .collect()
}

/// The year of a `YYYY-MM-DD` day (0 when it is not one).
pub fn year_of(day: &str) -> i64 {
    day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}
