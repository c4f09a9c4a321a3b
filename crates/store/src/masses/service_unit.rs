//! The service structure in SQL: units of four tiers under streets and communities, and
//! their members.

use dangjian_domain::natural::sort_key;
use dangjian_domain::path;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct UnitRow {
        pub id: i64,
        pub parent_id: Option<i64>,
        pub tier: String,
        pub name: String,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        /// The grid an estate's squad (and its buildings' cells) lies in.
        pub grid_id: Option<i64>,
        pub grid_name: Option<String>,
        pub members: i64,
    }
}

const UNIT_SELECT: &str = "SELECT u.id, u.parent_id, u.tier, u.name, u.org_id, o.name AS org_name, u.org_path, \
    u.grid_id, g.name AS grid_name, \
    (SELECT COUNT(*) FROM service_unit_member x WHERE x.unit_id = u.id) AS members \
    FROM service_unit u JOIN org o ON o.id = u.org_id LEFT JOIN grid g ON g.id = u.grid_id";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<UnitRow>> {
    let mut sql = Sql::new(UNIT_SELECT);
    sql.push(" WHERE u.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(UnitRow::read)
        .transpose()
}

/// The units standing at the orgs of a subtree, at most `limit`, by org and name.
pub async fn under(conn: &mut AnyConnection, root: &str, limit: i64) -> Result<Vec<UnitRow>> {
    let mut sql = Sql::new(UNIT_SELECT);
    sql.push(" WHERE u.org_path >= ")
        .text(root)
        .push(" AND u.org_path < ")
        .text(path::upper(root))
        .push(" ORDER BY u.org_path, u.sort_name, u.id LIMIT ")
        .int(limit);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(UnitRow::read)
        .collect()
}

/// The units set up under a unit.
pub async fn children(conn: &mut AnyConnection, parent_id: i64) -> Result<Vec<UnitRow>> {
    let mut sql = Sql::new(UNIT_SELECT);
    sql.push(" WHERE u.parent_id = ")
        .int(parent_id)
        .push(" ORDER BY u.sort_name, u.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(UnitRow::read)
        .collect()
}

pub struct NewUnit<'a> {
    pub parent_id: Option<i64>,
    pub tier: &'a str,
    pub name: &'a str,
    pub org_id: i64,
    pub org_path: &'a str,
    pub grid_id: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, u: &NewUnit<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO service_unit (parent_id, tier, name, sort_name, org_id, org_path, grid_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(u.parent_id)
    .bind(u.tier)
    .bind(u.name)
    .bind(sort_key(u.name))
    .bind(u.org_id)
    .bind(u.org_path)
    .bind(u.grid_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Units for the demo, ids given and parents first.
pub async fn insert_bulk(conn: &mut AnyConnection, rows: &[(i64, NewUnit<'_>)]) -> Result<()> {
    let now = now_ms();
    const UNITS: Insert = Insert {
        table: "service_unit",
        columns: &[
            ("id", Ty::Int),
            ("parent_id", Ty::Int),
            ("tier", Ty::Text),
            ("name", Ty::Text),
            ("sort_name", Ty::Text),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("grid_id", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let keys: Vec<String> = rows.iter().map(|(_, u)| sort_key(u.name)).collect();
    UNITS
        .rows(
            conn,
            rows.iter()
                .zip(&keys)
                .map(|((id, u), key)| -> [Val<'_>; 9] {
                    [
                        (*id).into(),
                        u.parent_id.into(),
                        u.tier.into(),
                        u.name.into(),
                        key.into(),
                        u.org_id.into(),
                        u.org_path.into(),
                        u.grid_id.into(),
                        now.into(),
                    ]
                }),
        )
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct UnitMember {
        pub member_id: i64,
        pub name: String,
        pub branch_name: String,
        pub leader: bool,
        pub joined_on: String,
    }
}

pub async fn members_of(conn: &mut AnyConnection, unit_id: i64) -> Result<Vec<UnitMember>> {
    let rs = sqlx::query(
        "SELECT x.member_id, m.name, o.name AS branch_name, x.leader, x.joined_on FROM service_unit_member x \
         JOIN member m ON m.id = x.member_id JOIN org o ON o.id = m.org_id WHERE x.unit_id = $1 \
         ORDER BY x.leader DESC, m.name",
    )
    .bind(unit_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(UnitMember::read).collect()
}

pub async fn add_member(
    conn: &mut AnyConnection,
    unit_id: i64,
    member_id: i64,
    leader: bool,
    on: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO service_unit_member (unit_id, member_id, leader, joined_on) VALUES ($1, $2, $3, $4)",
    )
    .bind(unit_id)
    .bind(member_id)
    .bind(i64::from(leader))
    .bind(on)
    .execute(conn)
    .await?;
    Ok(())
}

/// Members for the demo: `(unit_id, member_id, leader)`.
pub async fn add_members_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, bool)],
    on: &str,
) -> Result<()> {
    const MEMBERS: Insert = Insert {
        table: "service_unit_member",
        columns: &[
            ("unit_id", Ty::Int),
            ("member_id", Ty::Int),
            ("leader", Ty::Int),
            ("joined_on", Ty::Text),
        ],
        suffix: "",
    };
    MEMBERS
        .rows(
            conn,
            rows.iter().map(|(u, m, leader)| -> [Val<'_>; 4] {
                [(*u).into(), (*m).into(), (*leader).into(), on.into()]
            }),
        )
        .await?;
    Ok(())
}

pub async fn remove_member(conn: &mut AnyConnection, unit_id: i64, member_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM service_unit_member WHERE unit_id = $1 AND member_id = $2")
        .bind(unit_id)
        .bind(member_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}
