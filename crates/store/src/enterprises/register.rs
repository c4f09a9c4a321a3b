//! The register of non-public enterprises and social organizations (`enterprise`) and the
//! counts of their coverage.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// A registered unit with the organization it lies under and its party organization.
    #[derive(Debug, Clone)]
    pub struct EnterpriseRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub credit_code: String,
        pub kind: String,
        pub industry: String,
        pub size: String,
        pub staff: i64,
        pub address: String,
        pub operating: bool,
        pub org_setup: String,
        pub party_org_id: Option<i64>,
        pub party_org_name: Option<String>,
        pub party_org_code: Option<String>,
        pub party_org_path: Option<String>,
        pub members_elsewhere: i64,
        pub has_union: bool,
        pub has_youth_league: bool,
        /// An instructor or a liaison is assigned to it on the day read.
        pub helpers_reach: bool,
    }
}

const COLS: &str = "x.id, x.org_id, o.name AS org_name, o.path AS org_path, x.name, x.credit_code, \
    x.kind, x.industry, x.size, x.staff, x.address, x.operating, x.org_setup, x.party_org_id, \
    p.name AS party_org_name, p.code AS party_org_code, p.path AS party_org_path, x.members_elsewhere, x.has_union, \
    x.has_youth_league";

const FROM: &str =
    "FROM enterprise x JOIN org o ON o.id = x.org_id LEFT JOIN org p ON p.id = x.party_org_id";

/// `SELECT` of a unit's columns as of `day`, with its `FROM`.
fn select(day: &str) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {COLS}, CASE WHEN "));
    helpers_reach(&mut sql, day);
    sql.push(&format!(" THEN 1 ELSE 0 END AS helpers_reach {FROM}"));
    sql
}

/// Filters of the register.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub root_path: String,
    pub kind: Option<String>,
    pub org_setup: Option<String>,
    pub operating: Option<bool>,
    /// Operating units with neither a party organization nor party work reaching them on
    /// this day (`YYYY-MM-DD`).
    pub uncovered_on: Option<String>,
    /// The start of a name, or a whole credit code.
    pub q: Option<String>,
}

/// Party work reaches the unit (`x`) on `day` without an organization: a union, the youth
/// league, or an instructor or a liaison assigned to it that day.
fn work_reaches(sql: &mut Sql, day: &str) {
    sql.push("(x.has_union = 1 OR x.has_youth_league = 1 OR ");
    helpers_reach(sql, day);
    sql.push(")");
}

/// An instructor or a liaison is assigned to the unit (`x`) on `day`.
fn helpers_reach(sql: &mut Sql, day: &str) {
    sql.push(
        "EXISTS (SELECT 1 FROM enterprise_helper h WHERE h.enterprise_id = x.id \
         AND h.role IN ('instructor', 'liaison') AND h.start_on <= ",
    )
    .text(day)
    .push(" AND (h.end_on IS NULL OR h.end_on >= ")
    .text(day)
    .push("))");
}

/// `sql` (a `SELECT … FROM`) narrowed to the units the filter keeps.
fn filtered(mut sql: Sql, f: &EnterpriseFilter) -> Sql {
    sql.push(" WHERE 1 = 1");
    sql.within("o.path", &f.root_path);
    if let Some(k) = &f.kind {
        sql.push(" AND x.kind = ").text(k.as_str());
    }
    if let Some(s) = &f.org_setup {
        sql.push(" AND x.org_setup = ").text(s.as_str());
    }
    if let Some(op) = f.operating {
        sql.push(" AND x.operating = ").int(i64::from(op));
    }
    if let Some(day) = &f.uncovered_on {
        sql.push(" AND x.operating = 1 AND x.org_setup = 'none' AND NOT ");
        work_reaches(&mut sql, day);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND (x.name LIKE ")
            .text(format!("{q}%"))
            .push(" OR x.credit_code = ")
            .text(q.to_uppercase())
            .push(")");
    }
    sql
}

/// A page of units by name as of `day`, and how many match.
pub async fn enterprises(
    conn: &mut AnyConnection,
    f: &EnterpriseFilter,
    day: &str,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<EnterpriseRow>)> {
    let total: i64 = filtered(Sql::new(&format!("SELECT COUNT(*) AS n {FROM}")), f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    let mut sql = filtered(select(day), f);
    sql.push(" ORDER BY o.path, x.name, x.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter()
            .map(EnterpriseRow::read)
            .collect::<Result<_>>()?,
    ))
}

pub async fn enterprise(
    conn: &mut AnyConnection,
    id: i64,
    day: &str,
) -> Result<Option<EnterpriseRow>> {
    let mut sql = select(day);
    sql.push(" WHERE x.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(EnterpriseRow::read)
        .transpose()
}

/// The unit registered under a credit code, if any: its id, name and place.
pub async fn by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<(i64, String, String)>> {
    let mut sql = Sql::new(
        "SELECT x.id, x.name, o.path FROM enterprise x JOIN org o ON o.id = x.org_id \
         WHERE x.credit_code = ",
    );
    sql.text(code);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("path")?)))
        .transpose()
}

/// A unit as written.
#[derive(Debug, Clone)]
pub struct EnterpriseWrite {
    pub org_id: i64,
    pub name: String,
    pub credit_code: String,
    pub kind: &'static str,
    pub industry: String,
    pub size: &'static str,
    pub staff: i64,
    pub address: String,
    pub operating: bool,
    pub org_setup: &'static str,
    pub party_org_id: Option<i64>,
    pub members_elsewhere: i64,
    pub has_union: bool,
    pub has_youth_league: bool,
}

/// Writes a new unit; a credit code or an own organization registered before is
/// `StoreError::Duplicate`.
pub async fn insert(conn: &mut AnyConnection, w: &EnterpriseWrite, by: Option<i64>) -> Result<i64> {
    let now = now_ms();
    let mut sql = Sql::new(
        "INSERT INTO enterprise (org_id, name, credit_code, kind, industry, size, staff, address, \
         operating, org_setup, party_org_id, members_elsewhere, has_union, has_youth_league, \
         created_by, created_at, updated_at) VALUES (",
    );
    values(&mut sql, w);
    sql.push(", ")
        .opt_int(by)
        .push(", ")
        .int(now)
        .push(", ")
        .int(now)
        .push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

fn values(sql: &mut Sql, w: &EnterpriseWrite) {
    sql.int(w.org_id)
        .push(", ")
        .text(w.name.as_str())
        .push(", ")
        .text(w.credit_code.as_str())
        .push(", ")
        .text(w.kind)
        .push(", ")
        .text(w.industry.as_str())
        .push(", ")
        .text(w.size)
        .push(", ")
        .int(w.staff)
        .push(", ")
        .text(w.address.as_str())
        .push(", ")
        .int(i64::from(w.operating))
        .push(", ")
        .text(w.org_setup)
        .push(", ")
        .opt_int(w.party_org_id)
        .push(", ")
        .int(w.members_elsewhere)
        .push(", ")
        .int(i64::from(w.has_union))
        .push(", ")
        .int(i64::from(w.has_youth_league));
}

/// Rewrites a unit; false when there is none.
pub async fn update(conn: &mut AnyConnection, id: i64, w: &EnterpriseWrite) -> Result<bool> {
    let mut sql = Sql::new(
        "UPDATE enterprise SET (org_id, name, credit_code, kind, industry, size, \
         staff, address, operating, org_setup, party_org_id, members_elsewhere, has_union, \
         has_youth_league, updated_at) = (",
    );
    values(&mut sql, w);
    sql.push(", ").int(now_ms()).push(") WHERE id = ").int(id);
    Ok(sql.execute(conn).await? == 1)
}

/// The unit whose own organization is `org_id`: its id and name.
pub async fn own_of(conn: &mut AnyConnection, org_id: i64) -> Result<Option<(i64, String)>> {
    let mut sql =
        Sql::new("SELECT id, name FROM enterprise WHERE org_setup = 'own' AND party_org_id = ");
    sql.int(org_id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .transpose()
}

/// Units whose party organization is `org_id` as a joint one, other than `except`.
pub async fn joint_count(
    conn: &mut AnyConnection,
    org_id: i64,
    except: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n FROM enterprise WHERE org_setup = 'joint' AND party_org_id = ",
    );
    sql.int(org_id);
    if let Some(id) = except {
        sql.push(" AND id <> ").int(id);
    }
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// Operating units below `root_path` counted by how they are covered on `day`, by the
/// organization they lie under and their kind (the caller adds them up by child of the level).
pub async fn coverage_counts(
    conn: &mut AnyConnection,
    root_path: &str,
    day: &str,
) -> Result<Vec<CoverageRow>> {
    let mut sql = Sql::new(
        "SELECT o.path, x.kind, \
         CAST(SUM(CASE WHEN x.org_setup = 'own' THEN 1 ELSE 0 END) AS BIGINT) AS own_org, \
         CAST(SUM(CASE WHEN x.org_setup = 'joint' THEN 1 ELSE 0 END) AS BIGINT) AS joint_org, \
         CAST(SUM(CASE WHEN x.org_setup = 'none' AND ",
    );
    work_reaches(&mut sql, day);
    sql.push(
        " THEN 1 ELSE 0 END) AS BIGINT) AS work_only, COUNT(*) AS operating \
         FROM enterprise x JOIN org o ON o.id = x.org_id WHERE x.operating = 1",
    );
    sql.within("o.path", root_path);
    sql.push(" GROUP BY o.path, x.kind");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(CoverageRow::read)
        .collect()
}

row! {
    /// Operating units under one organization of one kind, by coverage.
    #[derive(Debug, Clone)]
    pub struct CoverageRow {
        pub path: String,
        pub kind: String,
        pub own_org: i64,
        pub joint_org: i64,
        pub work_only: i64,
        pub operating: i64,
    }
}

/// A unit as the demo writes it, with its id.
pub struct EnterpriseLoad {
    pub id: i64,
    pub write: EnterpriseWrite,
}

/// Writes the demo's units at once.
pub async fn insert_bulk(conn: &mut AnyConnection, units: &[EnterpriseLoad]) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const UNITS: Insert = Insert {
        table: "enterprise",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("name", Ty::Text),
            ("credit_code", Ty::Text),
            ("kind", Ty::Text),
            ("industry", Ty::Text),
            ("size", Ty::Text),
            ("staff", Ty::Int),
            ("address", Ty::Text),
            ("operating", Ty::Int),
            ("org_setup", Ty::Text),
            ("party_org_id", Ty::Int),
            ("members_elsewhere", Ty::Int),
            ("has_union", Ty::Int),
            ("has_youth_league", Ty::Int),
            ("created_at", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    UNITS
        .rows(
            conn,
            units.iter().map(|u| -> [Val<'_>; 17] {
                let w = &u.write;
                [
                    u.id.into(),
                    w.org_id.into(),
                    (&w.name).into(),
                    (&w.credit_code).into(),
                    w.kind.into(),
                    (&w.industry).into(),
                    w.size.into(),
                    w.staff.into(),
                    (&w.address).into(),
                    w.operating.into(),
                    w.org_setup.into(),
                    w.party_org_id.into(),
                    w.members_elsewhere.into(),
                    w.has_union.into(),
                    w.has_youth_league.into(),
                    now.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}
