//! 党员联系群众 in SQL: grids, households, pairings with their history, and deeds.

pub mod community_checkin;
pub mod evaluation;
pub mod photo;
pub mod service_unit;

use dangjian_domain::natural::sort_key;
use dangjian_domain::path;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct GridRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub name: String,
        pub group_id: Option<i64>,
        pub group_name: Option<String>,
        pub households: i64,
        pub paired: i64,
    }
}

const GRID_COLS: &str = "g.id, g.org_id, g.org_path, o.name AS org_name, g.name, g.group_id, gg.name AS group_name, \
    (SELECT COUNT(*) FROM household h WHERE h.grid_id = g.id) AS households, \
    (SELECT COUNT(*) FROM household h JOIN pairing p ON p.household_id = h.id AND p.to_on IS NULL WHERE h.grid_id = g.id) AS paired";
const GRID_FROM: &str =
    "FROM grid g JOIN org o ON o.id = g.org_id LEFT JOIN org gg ON gg.id = g.group_id";

pub async fn insert_grid(
    conn: &mut AnyConnection,
    org_id: i64,
    org_path: &str,
    name: &str,
    group_id: Option<i64>,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO grid (org_id, org_path, name, sort_name, group_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(org_path)
    .bind(name)
    .bind(sort_key(name))
    .bind(group_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Grids for the demo: `(org_id, org_path, name, group_id)`, ids given.
pub async fn insert_grids_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, String, String, Option<i64>)],
) -> Result<()> {
    let now = now_ms();
    const GRIDS: Insert = Insert {
        table: "grid",
        columns: &[
            ("id", Ty::Int),
            ("org_id", Ty::Int),
            ("org_path", Ty::Text),
            ("name", Ty::Text),
            ("sort_name", Ty::Text),
            ("group_id", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let keys: Vec<String> = rows.iter().map(|r| sort_key(&r.3)).collect();
    GRIDS
        .rows(
            conn,
            rows.iter()
                .zip(&keys)
                .map(|((id, org, p, name, group), key)| -> [Val<'_>; 7] {
                    [
                        (*id).into(),
                        (*org).into(),
                        p.into(),
                        name.into(),
                        key.into(),
                        (*group).into(),
                        now.into(),
                    ]
                }),
        )
        .await?;
    Ok(())
}

pub async fn grid(conn: &mut AnyConnection, id: i64) -> Result<Option<GridRow>> {
    let mut sql = Sql::new(&format!("SELECT {GRID_COLS} {GRID_FROM} WHERE g.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(GridRow::read)
        .transpose()
}

/// The grids of a subtree, by org and name.
pub async fn grids_under(
    conn: &mut AnyConnection,
    root: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<GridRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {GRID_COLS} {GRID_FROM} WHERE g.org_path >= "
    ));
    sql.text(root)
        .push(" AND g.org_path < ")
        .text(path::upper(root))
        .push(" ORDER BY g.org_path, g.sort_name, g.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(GridRow::read)
        .collect()
}

pub async fn count_grids_under(conn: &mut AnyConnection, root: &str) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM grid WHERE org_path >= ");
    sql.text(root)
        .push(" AND org_path < ")
        .text(path::upper(root));
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// A new household; the phone already encrypted and masked.
pub struct NewHousehold<'a> {
    pub grid_id: i64,
    pub org_path: &'a str,
    pub address: &'a str,
    pub head_name: &'a str,
    pub phone_cipher: Option<Vec<u8>>,
    pub phone_masked: Option<String>,
    pub size: i64,
    pub needs: &'a str,
    pub legal_basis: &'a str,
    pub retain_until: &'a str,
    pub created_by: Option<i64>,
}

/// The placeholder an anonymised household's name and address read.
pub const ANONYMISED: &str = "（已匿名）";

/// Anonymises the households whose retention date is before `today`: name, address and phone
/// go; the household stays (its size and needs, which carry no identity, keep the figures and
/// counters as they were). Answers how many.
pub async fn anonymise_expired_households(conn: &mut AnyConnection, today: &str) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE household SET head_name = $1, address = $1, phone_cipher = NULL, phone_masked = NULL, \
         anonymised_on = $2 WHERE retain_until < $2 AND anonymised_on IS NULL",
    )
    .bind(ANONYMISED)
    .bind(today)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

pub async fn insert_household(conn: &mut AnyConnection, h: &NewHousehold<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO household (grid_id, org_path, address, head_name, phone_cipher, phone_masked, size, needs, legal_basis, \
         retain_until, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(h.grid_id)
    .bind(h.org_path)
    .bind(h.address)
    .bind(h.head_name)
    .bind(h.phone_cipher.clone())
    .bind(h.phone_masked.clone())
    .bind(h.size)
    .bind(h.needs)
    .bind(h.legal_basis)
    .bind(h.retain_until)
    .bind(h.created_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Households for the demo, ids given (no phones: the demo keeps residents' data out).
pub async fn insert_households_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, NewHousehold<'_>)],
) -> Result<()> {
    let now = now_ms();
    const HOUSEHOLDS: Insert = Insert {
        table: "household",
        columns: &[
            ("id", Ty::Int),
            ("grid_id", Ty::Int),
            ("org_path", Ty::Text),
            ("address", Ty::Text),
            ("head_name", Ty::Text),
            ("size", Ty::Int),
            ("needs", Ty::Text),
            ("legal_basis", Ty::Text),
            ("retain_until", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    HOUSEHOLDS
        .rows(
            conn,
            rows.iter().map(|(id, h)| -> [Val<'_>; 10] {
                [
                    (*id).into(),
                    h.grid_id.into(),
                    h.org_path.into(),
                    h.address.into(),
                    h.head_name.into(),
                    h.size.into(),
                    h.needs.into(),
                    h.legal_basis.into(),
                    h.retain_until.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct HouseholdRow {
        pub id: i64,
        pub grid_id: i64,
        pub grid_name: String,
        pub org_path: String,
        pub address: String,
        pub head_name: String,
        pub phone_masked: Option<String>,
        pub size: i64,
        pub needs: String,
        pub legal_basis: String,
        pub retain_until: String,
        pub member_id: Option<i64>,
        pub member_name: Option<String>,
        pub paired_on: Option<String>,
    }
}

const HOUSEHOLD_COLS: &str = "h.id, h.grid_id, g.name AS grid_name, h.org_path, h.address, h.head_name, h.phone_masked, h.size, \
    h.needs, h.legal_basis, h.retain_until, p.member_id, m.name AS member_name, p.from_on AS paired_on";
const HOUSEHOLD_FROM: &str = "FROM household h JOIN grid g ON g.id = h.grid_id \
    LEFT JOIN pairing p ON p.household_id = h.id AND p.to_on IS NULL LEFT JOIN member m ON m.id = p.member_id";

pub async fn household(conn: &mut AnyConnection, id: i64) -> Result<Option<HouseholdRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {HOUSEHOLD_COLS} {HOUSEHOLD_FROM} WHERE h.id = "
    ));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(HouseholdRow::read)
        .transpose()
}

pub async fn phone_cipher(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT phone_cipher FROM household WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(match r {
        Some(r) => r.try_get("phone_cipher")?,
        None => None,
    })
}

/// Which households a list shows.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub root: String,
    pub grid_id: Option<i64>,
    /// Only households without a responsible member.
    pub unpaired: bool,
    pub need: Option<String>,
    /// Only the households a member is responsible for now.
    pub member_id: Option<i64>,
    /// A part of the address or of the head's name.
    pub q: Option<String>,
}

fn household_where(sql: &mut Sql, f: &HouseholdFilter) {
    sql.push(" WHERE h.org_path >= ")
        .text(f.root.as_str())
        .push(" AND h.org_path < ")
        .text(path::upper(&f.root));
    if let Some(g) = f.grid_id {
        sql.push(" AND h.grid_id = ").int(g);
    }
    if f.unpaired {
        sql.push(" AND p.id IS NULL");
    }
    if let Some(n) = &f.need {
        sql.push(" AND (',' || h.needs || ',') LIKE ")
            .text(format!("%,{n},%"));
    }
    if let Some(m) = f.member_id {
        sql.push(" AND p.member_id = ").int(m);
    }
    if let Some(q) = &f.q {
        let like = format!("%{}%", q.replace(['%', '_'], ""));
        sql.push(" AND (h.address LIKE ")
            .text(like.clone())
            .push(" OR h.head_name LIKE ")
            .text(like)
            .push(")");
    }
}

pub async fn households(
    conn: &mut AnyConnection,
    f: &HouseholdFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<HouseholdRow>> {
    let mut sql = Sql::new(&format!("SELECT {HOUSEHOLD_COLS} {HOUSEHOLD_FROM}"));
    household_where(&mut sql, f);
    sql.push(" ORDER BY h.org_path, h.id LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(HouseholdRow::read)
        .collect()
}

pub async fn count_households(conn: &mut AnyConnection, f: &HouseholdFilter) -> Result<i64> {
    // Only the joins the filter needs: counting a district's households must not join them all.
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM household h");
    if f.unpaired || f.member_id.is_some() {
        sql.push(" LEFT JOIN pairing p ON p.household_id = h.id AND p.to_on IS NULL");
    }
    household_where(&mut sql, f);
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

row! {
    #[derive(Debug, Clone)]
    pub struct PairingRow {
        pub id: i64,
        pub household_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub from_on: String,
        pub to_on: Option<String>,
    }
}

/// A household's responsible members, newest first.
pub async fn pairings_of(conn: &mut AnyConnection, household_id: i64) -> Result<Vec<PairingRow>> {
    let rs = sqlx::query(
        "SELECT p.id, p.household_id, p.member_id, m.name AS member_name, p.from_on, p.to_on \
         FROM pairing p JOIN member m ON m.id = p.member_id WHERE p.household_id = $1 ORDER BY p.id DESC",
    )
    .bind(household_id)
    .fetch_all(conn)
    .await?;
    rs.iter().map(PairingRow::read).collect()
}

/// Ends the household's current pairing, if any, on `on`; true when there was one.
pub async fn end_pairing(conn: &mut AnyConnection, household_id: i64, on: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE pairing SET to_on = $1 WHERE household_id = $2 AND to_on IS NULL")
        .bind(on)
        .bind(household_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn insert_pairing(
    conn: &mut AnyConnection,
    household_id: i64,
    member_id: i64,
    from_on: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO pairing (household_id, member_id, from_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(household_id)
    .bind(member_id)
    .bind(from_on)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Current pairings for the demo: `(household_id, member_id, from_on)`.
pub async fn insert_pairings_bulk(
    conn: &mut AnyConnection,
    rows: &[(i64, i64, String)],
) -> Result<()> {
    const PAIRINGS: Insert = Insert {
        table: "pairing",
        columns: &[
            ("household_id", Ty::Int),
            ("member_id", Ty::Int),
            ("from_on", Ty::Text),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    PAIRINGS
        .rows(
            conn,
            rows.iter().map(|(h, m, from)| -> [Val<'_>; 4] {
                [(*h).into(), (*m).into(), from.into(), now.into()]
            }),
        )
        .await?;
    Ok(())
}

/// Households a member is responsible for now.
pub async fn current_count(conn: &mut AnyConnection, member_id: i64) -> Result<i64> {
    let r = sqlx::query("SELECT COUNT(*) AS n FROM pairing WHERE member_id = $1 AND to_on IS NULL")
        .bind(member_id)
        .fetch_one(conn)
        .await?;
    Ok(r.try_get("n")?)
}

pub struct NewDeed<'a> {
    pub member_id: i64,
    pub org_path: &'a str,
    pub household_id: Option<i64>,
    pub done_on: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub minutes: i64,
    /// Confirmed as recorded (by a secretary), with who confirmed it when known.
    pub confirmed: bool,
    pub confirmed_by: Option<i64>,
    pub recorded_by: Option<i64>,
    /// The task force it was done for.
    pub task_force_id: Option<i64>,
}

pub async fn insert_deed(conn: &mut AnyConnection, d: &NewDeed<'_>) -> Result<i64> {
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO deed (member_id, org_path, household_id, done_on, kind, description, minutes, confirmed_by, confirmed_at, \
         recorded_by, recorded_at, task_force_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(d.member_id)
    .bind(d.org_path)
    .bind(d.household_id)
    .bind(d.done_on)
    .bind(d.kind)
    .bind(d.description)
    .bind(d.minutes)
    .bind(d.confirmed_by)
    .bind(d.confirmed.then_some(now))
    .bind(d.recorded_by)
    .bind(now)
    .bind(d.task_force_id)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

/// Deeds for the demo, confirmed as recorded.
pub async fn insert_deeds_bulk(conn: &mut AnyConnection, rows: &[NewDeed<'_>]) -> Result<()> {
    const DEEDS: Insert = Insert {
        table: "deed",
        columns: &[
            ("member_id", Ty::Int),
            ("org_path", Ty::Text),
            ("household_id", Ty::Int),
            ("done_on", Ty::Text),
            ("kind", Ty::Text),
            ("description", Ty::Text),
            ("minutes", Ty::Int),
            ("confirmed_at", Ty::Int),
            ("recorded_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    DEEDS
        .rows(
            conn,
            rows.iter().map(|d| -> [Val<'_>; 9] {
                [
                    d.member_id.into(),
                    d.org_path.into(),
                    d.household_id.into(),
                    d.done_on.into(),
                    d.kind.into(),
                    d.description.into(),
                    d.minutes.into(),
                    d.confirmed.then_some(now).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone)]
    pub struct DeedRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub org_path: String,
        pub household_id: Option<i64>,
        pub household_address: Option<String>,
        /// Where the household lives and who serves it now: whether the reader may open it.
        pub household_path: Option<String>,
        pub household_member: Option<i64>,
        pub done_on: String,
        pub kind: String,
        pub description: String,
        pub minutes: i64,
        pub confirmed: bool,
    }
}

pub async fn set_confirmed(conn: &mut AnyConnection, id: i64, by: Option<i64>) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE deed SET confirmed_by = $1, confirmed_at = $2 WHERE id = $3 AND confirmed_at IS NULL",
    )
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, Clone, Default)]
pub struct DeedFilter {
    pub root: String,
    pub member_id: Option<i64>,
    pub household_id: Option<i64>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub unconfirmed: bool,
    /// The subtree holds a good share of all deeds: read the newest through the date index
    /// and skip the others, rather than sort the whole subtree by date.
    pub by_date: bool,
}

fn deed_where(sql: &mut Sql, f: &DeedFilter) {
    // `|| ''` keeps the planner off the path index, which it would otherwise prefer.
    let col = if f.by_date {
        "d.org_path || ''"
    } else {
        "d.org_path"
    };
    sql.push(&format!(" WHERE {col} >= "))
        .text(f.root.as_str())
        .push(&format!(" AND {col} < "))
        .text(path::upper(&f.root));
    if let Some(m) = f.member_id {
        sql.push(" AND d.member_id = ").int(m);
    }
    if let Some(h) = f.household_id {
        sql.push(" AND d.household_id = ").int(h);
    }
    if let Some(from) = &f.from {
        sql.push(" AND d.done_on >= ").text(from.as_str());
    }
    if let Some(to) = &f.to {
        sql.push(" AND d.done_on <= ").text(to.as_str());
    }
    if let Some(k) = &f.kind {
        sql.push(" AND d.kind = ").text(k.as_str());
    }
    if f.unconfirmed {
        sql.push(" AND d.confirmed_at IS NULL");
    }
}

pub async fn deed(conn: &mut AnyConnection, id: i64) -> Result<Option<DeedRow>> {
    let f = DeedFilter {
        root: "/".into(),
        ..Default::default()
    };
    let mut sql = Sql::new(DEED_SELECT);
    deed_where(&mut sql, &f);
    sql.push(" AND d.id = ").int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(DeedRow::read)
        .transpose()
}

const DEED_SELECT: &str = "SELECT d.id, d.member_id, m.name AS member_name, d.org_path, d.household_id, h.address AS household_address, \
    h.org_path AS household_path, hp.member_id AS household_member, \
    d.done_on, d.kind, d.description, d.minutes, \
    CAST(CASE WHEN d.confirmed_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS confirmed \
    FROM deed d JOIN member m ON m.id = d.member_id LEFT JOIN household h ON h.id = d.household_id \
    LEFT JOIN pairing hp ON hp.household_id = h.id AND hp.to_on IS NULL";

pub async fn deeds(
    conn: &mut AnyConnection,
    f: &DeedFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<DeedRow>> {
    let mut sql = Sql::new(DEED_SELECT);
    deed_where(&mut sql, f);
    sql.push(" ORDER BY d.done_on DESC, d.id DESC LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(DeedRow::read)
        .collect()
}

/// How many deeds match and their minutes.
pub async fn deed_totals(conn: &mut AnyConnection, f: &DeedFilter) -> Result<(i64, i64)> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(d.minutes), 0) AS BIGINT) AS minutes FROM deed d",
    );
    deed_where(&mut sql, f);
    let r = sql.fetch_one(conn).await?;
    Ok((r.try_get("n")?, r.try_get("minutes")?))
}

/// For the rollup's rebuild: households per path and needs, and paired ones per path.
pub async fn household_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64, i64)>> {
    let rs = sqlx::query(
        "SELECT h.org_path, h.needs, COUNT(*) AS n, COUNT(p.id) AS paired FROM household h \
         LEFT JOIN pairing p ON p.household_id = h.id AND p.to_on IS NULL GROUP BY h.org_path, h.needs",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_path")?,
                r.try_get("needs")?,
                r.try_get("n")?,
                r.try_get("paired")?,
            ))
        })
        .collect()
}

/// For the rollup's rebuild: deeds and minutes per path and month.
pub async fn deed_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64, i64)>> {
    let rs = sqlx::query(
        "SELECT org_path, substr(done_on, 1, 7) AS month, COUNT(*) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes FROM deed \
         GROUP BY org_path, substr(done_on, 1, 7)",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_path")?,
                r.try_get("month")?,
                r.try_get("n")?,
                r.try_get("minutes")?,
            ))
        })
        .collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct CardRow {
        pub member_id: i64,
        pub code: String,
        pub duties: String,
        pub commitment: String,
        pub published: bool,
    }
}

pub async fn card_of(conn: &mut AnyConnection, member_id: i64) -> Result<Option<CardRow>> {
    let r = sqlx::query(
        "SELECT member_id, code, duties, commitment, published FROM member_card WHERE member_id = $1",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(CardRow::read).transpose()
}

/// Writes a card; a new one takes `code`, an existing one keeps its own.
pub async fn save_card(conn: &mut AnyConnection, c: &CardRow, by: Option<i64>) -> Result<()> {
    sqlx::query(
        "INSERT INTO member_card (member_id, code, duties, commitment, published, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (member_id) DO UPDATE SET duties = excluded.duties, \
         commitment = excluded.commitment, published = excluded.published, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(c.member_id)
    .bind(c.code.as_str())
    .bind(c.duties.as_str())
    .bind(c.commitment.as_str())
    .bind(i64::from(c.published))
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes new cards in bulk (the demo's), each published.
pub async fn insert_cards_bulk(conn: &mut AnyConnection, cards: &[CardRow]) -> Result<()> {
    const CARDS: Insert = Insert {
        table: "member_card",
        columns: &[
            ("member_id", Ty::Int),
            ("code", Ty::Text),
            ("duties", Ty::Text),
            ("commitment", Ty::Text),
            ("published", Ty::Int),
            ("updated_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    CARDS
        .rows(
            conn,
            cards.iter().map(|c| -> [Val<'_>; 6] {
                [
                    c.member_id.into(),
                    c.code.as_str().into(),
                    c.duties.as_str().into(),
                    c.commitment.as_str().into(),
                    i64::from(c.published).into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// What anyone may see of a published card: the name, the branch, duties and commitment.
#[derive(Debug, Clone)]
pub struct PublicCard {
    /// Kept to find the card's photo; never shown.
    pub member_id: i64,
    pub name: String,
    pub org_name: String,
    /// Where the branch is, for naming it with its parents.
    pub org_path: String,
    pub duties: String,
    pub commitment: String,
    pub has_photo: bool,
}

/// A published card of a member still in the district, by its code.
pub async fn public_card(conn: &mut AnyConnection, code: &str) -> Result<Option<PublicCard>> {
    let r = sqlx::query(
        "SELECT m.id, m.name, o.name AS org_name, m.org_path, c.duties, c.commitment FROM member_card c \
         JOIN member m ON m.id = c.member_id JOIN org o ON o.id = m.org_id \
         WHERE c.code = $1 AND c.published = 1 AND m.org_path <> $2",
    )
    .bind(code)
    .bind(crate::member::DEPARTED_PATH)
    .fetch_optional(conn)
    .await?;
    r.map(|r| {
        Ok(PublicCard {
            member_id: r.try_get("id")?,
            name: r.try_get("name")?,
            org_name: r.try_get("org_name")?,
            org_path: r.try_get("org_path")?,
            duties: r.try_get("duties")?,
            commitment: r.try_get("commitment")?,
            has_photo: false,
        })
    })
    .transpose()
}

/// The grids of one village or community by name: (id, name), for the residents' form.
pub async fn grid_names(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(i64, String)>> {
    let rs = sqlx::query("SELECT id, name FROM grid WHERE org_id = $1 ORDER BY sort_name, id")
        .bind(org_id)
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// Current pairings of the households of a subtree: (member, household, the member's branch
/// id and path), by member.
pub async fn current_pairings_under(
    conn: &mut AnyConnection,
    root: &str,
) -> Result<Vec<(i64, i64, i64, String)>> {
    let rs = sqlx::query(
        "SELECT p.member_id, p.household_id, m.org_id, m.org_path FROM pairing p \
         JOIN household h ON h.id = p.household_id JOIN member m ON m.id = p.member_id \
         WHERE p.to_on IS NULL AND h.org_path >= $1 AND h.org_path < $2 ORDER BY p.member_id, p.household_id",
    )
    .bind(root)
    .bind(path::upper(root))
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("member_id")?,
                r.try_get("household_id")?,
                r.try_get("org_id")?,
                r.try_get("org_path")?,
            ))
        })
        .collect()
}

/// Gives rows written before natural order was kept their sort key (grids and service
/// units); returns how many. Runs on start and finds nothing once done.
pub async fn fill_sort_names(conn: &mut AnyConnection) -> Result<u64> {
    let mut filled = 0;
    for table in ["grid", "service_unit"] {
        let rs = sqlx::query(AssertSqlSafe(format!(
            "SELECT id, name FROM {table} WHERE sort_name = '' AND name <> ''"
        )))
        .fetch_all(&mut *conn)
        .await?;
        for r in rs {
            let (id, name): (i64, String) = (r.try_get("id")?, r.try_get("name")?);
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} SET sort_name = $1 WHERE id = $2"
            )))
            .bind(sort_key(&name))
            .bind(id)
            .execute(&mut *conn)
            .await?;
            filled += 1;
        }
    }
    Ok(filled)
}
