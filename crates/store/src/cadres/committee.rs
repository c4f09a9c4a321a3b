//! The two committees (两委) in SQL: party posts are `committee_post` rows of the village's
//! organization (held by members, read through their person), residents' committee posts are
//! `residents_post` rows (held by persons).

use sqlx::{AnyConnection, Row};

use super::VILLAGE;
use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    /// A post of either committee and who holds or held it.
    #[derive(Debug, Clone)]
    pub struct SeatRow {
        pub id: i64,
        pub org_id: i64,
        /// `party` or `residents`.
        pub body: String,
        pub post: String,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub started_on: String,
        pub ended_on: Option<String>,
        pub election_id: Option<i64>,
    }
}

/// Both committees' posts as one relation (`x`), for the reads below to filter.
const SEATS: &str = "(SELECT c.id, c.org_id, 'party' AS body, c.post, pe.id AS person_id, m.id AS member_id, \
      pe.name, pe.gender, pe.birth_date, pe.education, c.started_on, c.ended_on, c.election_id \
      FROM committee_post c JOIN member m ON m.id = c.member_id JOIN person pe ON pe.id = m.person_id \
    UNION ALL \
    SELECT r.id, r.org_id, 'residents' AS body, r.post, pe.id AS person_id, \
      (SELECT mm.id FROM member mm WHERE mm.person_id = pe.id) AS member_id, \
      pe.name, pe.gender, pe.birth_date, pe.education, r.started_on, r.ended_on, r.election_id \
      FROM residents_post r JOIN person pe ON pe.id = r.person_id) x";

const SEAT_COLS: &str = "x.id, x.org_id, x.body, x.post, x.person_id, x.member_id, x.name, x.gender, \
    x.birth_date, x.education, x.started_on, x.ended_on, x.election_id";

/// A village's posts on both committees: held now, or also those ended.
pub async fn seats(
    conn: &mut AnyConnection,
    org_id: i64,
    with_ended: bool,
) -> Result<Vec<SeatRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {SEAT_COLS} FROM {SEATS} WHERE x.org_id = "
    ));
    sql.int(org_id);
    if !with_ended {
        sql.push(" AND x.ended_on IS NULL");
    }
    sql.push(" ORDER BY CASE WHEN x.ended_on IS NULL THEN 0 ELSE 1 END, x.ended_on DESC, x.id");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(SeatRow::read)
        .collect()
}

/// The two committees' posts as the structure counts them: the table (`x`), how its holder
/// is reached, and the person with flags for the party side, the residents' side, the
/// secretary and the director (一肩挑 is one person with both).
pub(super) const BODIES: [(&str, &str, &str); 2] = [
    (
        "committee_post",
        "JOIN member m ON m.id = x.member_id",
        "m.person_id, 1 AS party, 0 AS res, CASE WHEN x.post = 'secretary' THEN 1 ELSE 0 END AS sec, 0 AS dir",
    ),
    (
        "residents_post",
        "",
        "x.person_id, 0 AS party, 1 AS res, 0 AS sec, CASE WHEN x.post = 'director' THEN 1 ELSE 0 END AS dir",
    ),
];

/// The posts held now in the villages below `root_path`, with their holders' facts.
pub async fn current_seats(conn: &mut AnyConnection, root_path: &str) -> Result<Vec<SeatRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {SEAT_COLS} FROM {SEATS} JOIN org o ON o.id = x.org_id WHERE {VILLAGE} AND x.ended_on IS NULL"
    ));
    sql.within("o.path", root_path);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(SeatRow::read)
        .collect()
}

row! {
    /// A person in post on a village's committees now, once per village: what the kept
    /// structure counts (`rollup::committee_facts`).
    #[derive(Debug, Clone)]
    pub struct HolderRow {
        pub org_id: i64,
        pub org_path: String,
        /// 2: on both committees (交叉任职).
        pub bodies: i64,
        /// 1: the party secretary who also directs the residents' committee (一肩挑).
        pub one: i64,
        pub gender: String,
        pub education: String,
        pub birth_date: String,
    }
}

/// The persons in post now in one village (or every village), in village order.
pub async fn holders(conn: &mut AnyConnection, village: Option<i64>) -> Result<Vec<HolderRow>> {
    let mut sql = Sql::new(
        "SELECT u.org_id, u.org_path, MAX(u.party) + MAX(u.res) AS bodies, \
         MAX(u.sec) * MAX(u.dir) AS one, pe.gender, pe.education, pe.birth_date FROM (",
    );
    for (i, (table, holder, flags)) in BODIES.into_iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(&format!(
            "SELECT x.org_id, o.path AS org_path, {flags} FROM org o JOIN {table} x ON x.org_id = o.id \
             {holder} WHERE {VILLAGE} AND x.ended_on IS NULL"
        ));
        if let Some(v) = village {
            sql.push(" AND o.id = ").int(v);
        }
    }
    sql.push(
        ") u JOIN person pe ON pe.id = u.person_id \
         GROUP BY u.org_id, u.org_path, u.person_id, pe.gender, pe.education, pe.birth_date \
         ORDER BY u.org_id",
    );
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(HolderRow::read)
        .collect()
}

/// The villages where a person holds a post now.
pub async fn villages_of_person(conn: &mut AnyConnection, person_id: i64) -> Result<Vec<i64>> {
    let mut sql = Sql::new(
        "SELECT c.org_id FROM committee_post c JOIN member m ON m.id = c.member_id \
         WHERE c.ended_on IS NULL AND m.person_id = ",
    );
    sql.int(person_id).push(
        " UNION SELECT r.org_id FROM residents_post r WHERE r.ended_on IS NULL AND r.person_id = ",
    );
    sql.int(person_id);
    sql.fetch_ints(conn).await
}

row! {
    /// A village as the committees' list shows it.
    #[derive(Debug, Clone)]
    pub struct VillageRow {
        pub id: i64,
        pub name: String,
        pub path: String,
        pub secretary: Option<String>,
        pub secretary_person: Option<i64>,
        pub director: Option<String>,
        pub director_person: Option<i64>,
        pub party_posts: i64,
        pub residents_posts: i64,
        /// The end of the term set by the village's latest finished election.
        pub term_ends_on: Option<String>,
        /// The village's election under way, if any.
        pub open_election: Option<i64>,
        /// When the secretary's or director's post was last held, if it is vacant now.
        pub secretary_vacant_since: Option<String>,
        pub director_vacant_since: Option<String>,
    }
}

/// Filters of the committees' list.
#[derive(Debug, Clone, Default)]
pub struct VillageFilter {
    pub root_path: String,
    /// Part of the village's name.
    pub q: Option<String>,
    /// Only villages whose secretary or director post is vacant.
    pub vacant: bool,
}

const SECRETARY: &str = "(SELECT pe.{col} FROM committee_post c JOIN member m ON m.id = c.member_id \
    JOIN person pe ON pe.id = m.person_id WHERE c.org_id = o.id AND c.post = 'secretary' AND c.ended_on IS NULL)";
const DIRECTOR: &str = "(SELECT pe.{col} FROM residents_post r JOIN person pe ON pe.id = r.person_id \
    WHERE r.org_id = o.id AND r.post = 'director' AND r.ended_on IS NULL)";

fn filtered(select: &str, f: &VillageFilter) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {select} FROM org o WHERE {VILLAGE}"));
    sql.within("o.path", &f.root_path);
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        sql.push(" AND o.name LIKE ").text(format!("%{q}%"));
    }
    if f.vacant {
        sql.push(&format!(
            " AND (NOT EXISTS {} OR NOT EXISTS {})",
            SECRETARY.replace("{col}", "id"),
            DIRECTOR.replace("{col}", "id")
        ));
    }
    sql
}

/// A page of villages with both committees' heads, counts and terms, in the tree's order.
pub async fn villages(
    conn: &mut AnyConnection,
    f: &VillageFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<VillageRow>)> {
    let total: i64 = filtered("COUNT(*) AS n", f)
        .fetch_one(conn)
        .await?
        .try_get("n")?;
    let vacant_since = |table: &str, post: &str, head: &str| {
        format!(
            "CASE WHEN NOT EXISTS {head} THEN (SELECT MAX(v.ended_on) FROM {table} v \
             WHERE v.org_id = o.id AND v.post = '{post}') END"
        )
    };
    let select = format!(
        "o.id, o.name, o.path, {sn} AS secretary, {si} AS secretary_person, {dn} AS director, \
         {di} AS director_person, \
         (SELECT COUNT(*) FROM committee_post c WHERE c.org_id = o.id AND c.ended_on IS NULL) AS party_posts, \
         (SELECT COUNT(*) FROM residents_post r WHERE r.org_id = o.id AND r.ended_on IS NULL) AS residents_posts, \
         (SELECT MAX(e.term_ends_on) FROM election e WHERE e.org_id = o.id AND e.finished_on IS NOT NULL) AS term_ends_on, \
         (SELECT e.id FROM election e WHERE e.org_id = o.id AND e.finished_on IS NULL) AS open_election, \
         {sv} AS secretary_vacant_since, {dv} AS director_vacant_since",
        sn = SECRETARY.replace("{col}", "name"),
        si = SECRETARY.replace("{col}", "id"),
        dn = DIRECTOR.replace("{col}", "name"),
        di = DIRECTOR.replace("{col}", "id"),
        sv = vacant_since(
            "committee_post",
            "secretary",
            &SECRETARY.replace("{col}", "id")
        ),
        dv = vacant_since(
            "residents_post",
            "director",
            &DIRECTOR.replace("{col}", "id")
        ),
    );
    let mut sql = filtered(&select, f);
    sql.push(" ORDER BY o.path LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql.fetch_all(conn).await?;
    Ok((
        total,
        rows.iter().map(VillageRow::read).collect::<Result<_>>()?,
    ))
}

/// Appoints a person to the residents' committee; the partial unique indexes refuse a second
/// director or a second post for the person (`StoreError::Duplicate`).
pub async fn insert_residents(
    conn: &mut AnyConnection,
    org_id: i64,
    person_id: i64,
    post: &str,
    started_on: &str,
    election_id: Option<i64>,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO residents_post (org_id, person_id, post, started_on, election_id, created_at) VALUES (",
    );
    sql.int(org_id)
        .push(", ")
        .int(person_id)
        .push(", ")
        .text(post)
        .push(", ")
        .text(started_on)
        .push(", ")
        .opt_int(election_id)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    let id = sql.fetch_one(conn).await?.try_get("id")?;
    crate::rollup::recount_committees(conn, org_id).await?;
    Ok(id)
}

/// A party post set by an election.
pub async fn insert_party(
    conn: &mut AnyConnection,
    org_id: i64,
    member_id: i64,
    post: &str,
    started_on: &str,
    election_id: i64,
) -> Result<i64> {
    let mut sql = Sql::new(
        "INSERT INTO committee_post (org_id, member_id, post, started_on, election_id, created_at) VALUES (",
    );
    sql.int(org_id)
        .push(", ")
        .int(member_id)
        .push(", ")
        .text(post)
        .push(", ")
        .text(started_on)
        .push(", ")
        .int(election_id)
        .push(", ")
        .int(now_ms())
        .push(") RETURNING id");
    let id = sql.fetch_one(conn).await?.try_get("id")?;
    crate::rollup::recount_committees(conn, org_id).await?;
    Ok(id)
}

/// Ends a residents' committee post held now; false when it had already ended.
pub async fn end_residents(conn: &mut AnyConnection, id: i64, ended_on: &str) -> Result<bool> {
    let r =
        sqlx::query("UPDATE residents_post SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
            .bind(ended_on)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    crate::committee::recount_post_org(conn, "residents_post", id).await?;
    Ok(r.rows_affected() == 1)
}

/// Ends every post of one committee of a village held now (a new one was elected).
pub async fn end_body(
    conn: &mut AnyConnection,
    org_id: i64,
    party: bool,
    ended_on: &str,
) -> Result<u64> {
    let table = if party {
        "committee_post"
    } else {
        "residents_post"
    };
    let mut sql = Sql::new(&format!("UPDATE {table} SET ended_on = "));
    sql.text(ended_on)
        .push(" WHERE ended_on IS NULL AND org_id = ")
        .int(org_id);
    let n = sql.execute(conn).await?;
    crate::rollup::recount_committees(conn, org_id).await?;
    Ok(n)
}

/// A post written by a load (the demo): `holder` is a member for a party post, a person
/// for a residents' one.
#[derive(Debug, Clone)]
pub struct SeatLoad {
    pub org_id: i64,
    pub holder: i64,
    pub post: &'static str,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub election_id: Option<i64>,
}

/// Posts of one committee for the demo, in multi-row statements.
pub async fn insert_bulk(conn: &mut AnyConnection, party: bool, rows: &[SeatLoad]) -> Result<()> {
    use crate::bulk::{Insert, Ty, Val};
    const PARTY: Insert = Insert {
        table: "committee_post",
        columns: &[
            ("org_id", Ty::Int),
            ("member_id", Ty::Int),
            ("post", Ty::Text),
            ("started_on", Ty::Text),
            ("ended_on", Ty::Text),
            ("election_id", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    const RESIDENTS: Insert = Insert {
        table: "residents_post",
        columns: &[
            ("org_id", Ty::Int),
            ("person_id", Ty::Int),
            ("post", Ty::Text),
            ("started_on", Ty::Text),
            ("ended_on", Ty::Text),
            ("election_id", Ty::Int),
            ("created_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    let table = if party { PARTY } else { RESIDENTS };
    table
        .rows(
            conn,
            rows.iter().map(|r| -> [Val<'_>; 7] {
                [
                    r.org_id.into(),
                    r.holder.into(),
                    r.post.into(),
                    (&r.started_on).into(),
                    r.ended_on.as_deref().into(),
                    r.election_id.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// Dates the party posts held now in villages whose election finished (a load's committees,
/// written before their elections) from the party vote, and ties them to the election.
pub async fn attach_to_elections(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query(
        "UPDATE committee_post SET \
         election_id = (SELECT MAX(e.id) FROM election e WHERE e.org_id = committee_post.org_id AND e.finished_on IS NOT NULL), \
         started_on = (SELECT MAX(e.party_voted_on) FROM election e WHERE e.org_id = committee_post.org_id AND e.finished_on IS NOT NULL) \
         WHERE ended_on IS NULL AND election_id IS NULL \
         AND org_id IN (SELECT org_id FROM election WHERE finished_on IS NOT NULL)",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The day the latest current member of one committee of a village took office: a new vote
/// cannot be earlier.
pub async fn latest_start(
    conn: &mut AnyConnection,
    org_id: i64,
    party: bool,
) -> Result<Option<String>> {
    let table = if party {
        "committee_post"
    } else {
        "residents_post"
    };
    let mut sql = Sql::new(&format!(
        "SELECT MAX(started_on) AS d FROM {table} WHERE ended_on IS NULL AND org_id = "
    ));
    sql.int(org_id);
    Ok(sql.fetch_one(conn).await?.try_get("d")?)
}
