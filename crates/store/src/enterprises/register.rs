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
        pub party_org_path: Option<String>,
        pub members_elsewhere: i64,
        pub has_union: bool,
        pub has_youth_league: bool,
    }
}

const COLS: &str = "x.id, x.org_id, o.name AS org_name, o.path AS org_path, x.name, x.credit_code, \
    x.kind, x.industry, x.size, x.staff, x.address, x.operating, x.org_setup, x.party_org_id, \
    p.name AS party_org_name, p.path AS party_org_path, x.members_elsewhere, x.has_union, \
    x.has_youth_league";

const FROM: &str =
    "FROM enterprise x JOIN org o ON o.id = x.org_id LEFT JOIN org p ON p.id = x.party_org_id";

/// Filters of the register.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub root_path: String,
    pub kind: Option<String>,
    pub org_setup: Option<String>,
    pub operating: Option<bool>,
    /// Operating units with neither a party organization nor party work reaching them.
    pub uncovered: bool,
    /// The start of a name, or a whole credit code.
    pub q: Option<String>,
}

/// ` AND` party work reaches the unit (`x`) without an organization: a union or the youth
/// league for now; the instructors and liaisons join it as they are kept.
const WORK_REACHES: &str = "(x.has_union = 1 OR x.has_youth_league = 1)";

fn filtered(select: &str, f: &EnterpriseFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} {FROM} WHERE 1 = 1"));
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
    if f.uncovered {
        sql.push(&format!(
            " AND x.operating = 1 AND x.org_setup = 'none' AND NOT {WORK_REACHES}"
        ));
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

/// A page of units by name, and how many match.
pub async fn enterprises(
    conn: &mut AnyConnection,
    f: &EnterpriseFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<EnterpriseRow>)> {
    let total: i64 = filtered("COUNT(*) AS n", f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    let mut sql = filtered(COLS, f);
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

pub async fn enterprise(conn: &mut AnyConnection, id: i64) -> Result<Option<EnterpriseRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} {FROM} WHERE x.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(EnterpriseRow::read)
        .transpose()
}

/// The unit registered under a credit code, if any.
pub async fn by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<EnterpriseRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} {FROM} WHERE x.credit_code = "));
    sql.text(code);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(EnterpriseRow::read)
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

/// Operating units below `root_path` counted by how they are covered, by the organization
/// they lie under and their kind (the caller adds them up by child of the level).
pub async fn coverage_counts(
    conn: &mut AnyConnection,
    root_path: &str,
) -> Result<Vec<CoverageRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT o.path, x.kind, \
         CAST(SUM(CASE WHEN x.org_setup = 'own' THEN 1 ELSE 0 END) AS BIGINT) AS own_org, \
         CAST(SUM(CASE WHEN x.org_setup = 'joint' THEN 1 ELSE 0 END) AS BIGINT) AS joint_org, \
         CAST(SUM(CASE WHEN x.org_setup = 'none' AND {WORK_REACHES} THEN 1 ELSE 0 END) AS BIGINT) AS work_only, \
         COUNT(*) AS operating \
         FROM enterprise x JOIN org o ON o.id = x.org_id WHERE x.operating = 1"
    ));
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
