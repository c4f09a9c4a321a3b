//! The member registry. Personal identifiers are stored encrypted, found by a keyed blind
//! index and shown masked; the service layer does the cryptography.

use dangjian_domain::path;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use crate::Result;
use crate::person;
use crate::row::row;
use crate::sql::{ROWS_PER_INSERT, Sql, now_ms};

/// A member as written: the service fills in the cipher texts, indexes and masks.
#[derive(Debug, Clone)]
pub struct MemberWrite {
    pub org_id: i64,
    pub org_path: String,
    pub group_id: Option<i64>,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_cipher: Vec<u8>,
    pub id_index: String,
    pub id_masked: String,
    pub phone_cipher: Option<Vec<u8>>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
    pub education: String,
    pub category: String,
    pub join_date: String,
    pub confirm_date: Option<String>,
    pub status: String,
    pub flowing: bool,
}

row! {
    #[derive(Debug, Clone)]
    pub struct MemberRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub org_code: String,
        pub group_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        pub birth_date: String,
        pub id_masked: String,
        pub phone_masked: Option<String>,
        pub education: String,
        pub category: String,
        pub join_date: String,
        pub confirm_date: Option<String>,
        pub status: String,
        pub flowing: bool,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

const COLS: &str = "m.id, m.org_id, m.org_path, o.name AS org_name, o.code AS org_code, m.group_id, m.name, m.gender, m.ethnicity, \
    m.birth_date, m.id_masked, m.phone_masked, m.education, m.category, m.join_date, m.confirm_date, m.status, \
    m.flowing, m.created_at, m.updated_at";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<MemberRow>> {
    let sql = format!("SELECT {COLS} FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(MemberRow::read).transpose()
}

/// The cipher texts of one member's identifiers, for the rare audited unmasking.
pub async fn ciphers(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(Vec<u8>, Option<Vec<u8>>)>> {
    let r = sqlx::query("SELECT id_cipher, phone_cipher FROM member WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok((r.try_get("id_cipher")?, r.try_get("phone_cipher")?)))
        .transpose()
}

/// The cipher texts of many members' identifiers (an export with a stated reason).
pub async fn ciphers_of(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (Vec<u8>, Option<Vec<u8>>)>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_INSERT / 2) {
        let mut sql = Sql::new("SELECT id, id_cipher, phone_cipher FROM member WHERE id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.int(*id);
        }
        sql.push(")");
        for r in sql.fetch_all(conn).await? {
            out.insert(
                r.try_get("id")?,
                (r.try_get("id_cipher")?, r.try_get("phone_cipher")?),
            );
        }
    }
    Ok(out)
}

pub async fn id_by_index(conn: &mut AnyConnection, id_index: &str) -> Result<Option<i64>> {
    let r = sqlx::query("SELECT id FROM member WHERE id_index = $1")
        .bind(id_index)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok(r.try_get("id")?)).transpose()
}

/// One row of values; `id` None lets the database number it.
fn push_values(sql: &mut Sql, id: Option<i64>, m: &MemberWrite, now: i64) {
    sql.push("(");
    if let Some(id) = id {
        sql.int(id).push(", ");
    }
    sql.int(m.org_id)
        .push(", ")
        .text(m.org_path.clone())
        .push(", ");
    sql.opt_int(m.group_id);
    for v in [&m.name, &m.gender, &m.ethnicity, &m.birth_date] {
        sql.push(", ").text(v.clone());
    }
    sql.push(", ")
        .bytes(m.id_cipher.clone())
        .push(", ")
        .text(m.id_index.clone())
        .push(", ")
        .text(m.id_masked.clone());
    sql.push(", ").opt_bytes(m.phone_cipher.clone());
    sql.push(", ")
        .opt_text(m.phone_index.clone())
        .push(", ")
        .opt_text(m.phone_masked.clone());
    for v in [&m.education, &m.category, &m.join_date] {
        sql.push(", ").text(v.clone());
    }
    sql.push(", ").opt_text(m.confirm_date.clone());
    sql.push(", ")
        .text(m.status.clone())
        .push(", ")
        .int(i64::from(m.flowing));
    sql.push(", ").int(now).push(", ").int(now).push(")");
}

const INSERT_COLS: &str = "org_id, org_path, group_id, name, gender, ethnicity, birth_date, id_cipher, id_index, id_masked, \
    phone_cipher, phone_index, phone_masked, education, category, join_date, confirm_date, status, flowing, created_at, updated_at";

/// Binds the written fields in the order of `INSERT_COLS` (without the timestamps).
fn bind_write<'q>(
    q: Query<'q, Any, AnyArguments>,
    m: &'q MemberWrite,
) -> Query<'q, Any, AnyArguments> {
    q.bind(m.org_id)
        .bind(&m.org_path)
        .bind(m.group_id)
        .bind(&m.name)
        .bind(&m.gender)
        .bind(&m.ethnicity)
        .bind(&m.birth_date)
        .bind(&m.id_cipher)
        .bind(&m.id_index)
        .bind(&m.id_masked)
        .bind(&m.phone_cipher)
        .bind(&m.phone_index)
        .bind(&m.phone_masked)
        .bind(&m.education)
        .bind(&m.category)
        .bind(&m.join_date)
        .bind(&m.confirm_date)
        .bind(&m.status)
        .bind(i64::from(m.flowing))
}

pub async fn insert(conn: &mut AnyConnection, m: &MemberWrite) -> Result<i64> {
    let sql = format!(
        "INSERT INTO member ({INSERT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id"
    );
    let row = bind_write(sqlx::query(AssertSqlSafe(sql)), m)
        .bind(now_ms())
        .fetch_one(&mut *conn)
        .await?;
    person::adopt_members(conn).await?;
    Ok(row.try_get("id")?)
}

/// Many members with ids chosen by the caller, in statements of a few hundred rows. A load in
/// batches: the caller gives them their persons once at the end (`person::adopt_members`).
pub async fn insert_bulk(conn: &mut AnyConnection, members: &[(i64, MemberWrite)]) -> Result<()> {
    let now = now_ms();
    for chunk in members.chunks(ROWS_PER_INSERT / 21) {
        let mut sql = Sql::new(&format!("INSERT INTO member (id, {INSERT_COLS}) VALUES "));
        for (i, (id, m)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            push_values(&mut sql, Some(*id), m, now);
        }
        sql.execute(conn).await?;
    }
    Ok(())
}

/// Many new members numbered by the database (an import), in statements of a few dozen rows.
pub async fn insert_many(conn: &mut AnyConnection, members: &[MemberWrite]) -> Result<()> {
    let now = now_ms();
    for chunk in members.chunks(ROWS_PER_INSERT / 21) {
        let mut sql = Sql::new(&format!("INSERT INTO member ({INSERT_COLS}) VALUES "));
        for (i, m) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            push_values(&mut sql, None, m, now);
        }
        sql.execute(conn).await?;
    }
    person::adopt_members(conn).await
}

/// Which of these blind indexes of ID numbers are already registered.
pub async fn existing_id_indexes(
    conn: &mut AnyConnection,
    indexes: &[String],
) -> Result<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in indexes.chunks(ROWS_PER_INSERT / 2) {
        let mut sql = Sql::new("SELECT id_index FROM member WHERE id_index IN (");
        for (i, x) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.text(x.as_str());
        }
        sql.push(")");
        for r in sql.fetch_all(conn).await? {
            found.insert(r.try_get::<String, _>("id_index")?);
        }
    }
    Ok(found)
}

pub async fn update(conn: &mut AnyConnection, id: i64, m: &MemberWrite) -> Result<()> {
    let q = sqlx::query(
        "UPDATE member SET org_id = $1, org_path = $2, group_id = $3, name = $4, gender = $5, ethnicity = $6, birth_date = $7, \
         id_cipher = $8, id_index = $9, id_masked = $10, phone_cipher = $11, phone_index = $12, phone_masked = $13, \
         education = $14, category = $15, join_date = $16, confirm_date = $17, status = $18, flowing = $19, updated_at = $20 \
         WHERE id = $21",
    );
    bind_write(q, m)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    person::mirror_member(conn, id).await
}

/// The path of a member who left the district: no subtree contains it, so every list, count
/// and scope check leaves them out, while their history stays attached to the row.
pub const DEPARTED_PATH: &str = "";

/// Moves a member into another branch (outside any of its groups).
pub async fn move_to(conn: &mut AnyConnection, id: i64, org_id: i64, org_path: &str) -> Result<()> {
    sqlx::query("UPDATE member SET org_id = $1, org_path = $2, group_id = NULL, updated_at = $3 WHERE id = $4")
        .bind(org_id)
        .bind(org_path)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A 预备党员 becomes a full member from `confirm_date` (the day probation ended).
pub async fn confirm(conn: &mut AnyConnection, id: i64, confirm_date: &str) -> Result<()> {
    sqlx::query(
        "UPDATE member SET status = 'full', confirm_date = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(confirm_date)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_flowing(conn: &mut AnyConnection, id: i64, flowing: bool) -> Result<()> {
    sqlx::query("UPDATE member SET flowing = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(flowing))
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    BirthDate,
    JoinDate,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "name" => Some(Sort::Name),
            "birth_date" => Some(Sort::BirthDate),
            "join_date" => Some(Sort::JoinDate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::BirthDate => "birth_date",
            Sort::JoinDate => "join_date",
        }
    }
}

/// A search of the registry inside one subtree; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub root_path: String,
    pub name_prefix: Option<String>,
    pub id_index: Option<String>,
    pub phone_index: Option<String>,
    pub status: Option<String>,
    pub gender: Option<String>,
    pub education: Option<String>,
    pub category: Option<String>,
    /// Inclusive bounds on the birth date (an age band).
    pub born_from: Option<String>,
    pub born_to: Option<String>,
    /// Inclusive bounds on the date of full membership (a party-age band: 党龄 counts from it).
    pub confirmed_from: Option<String>,
    pub confirmed_to: Option<String>,
    /// One ethnic group, by name.
    pub ethnicity: Option<String>,
    /// Every ethnic group but this one (the minorities: all but the Han).
    pub ethnicity_not: Option<String>,
    /// Inclusive bounds on the date of joining (a period of the annual statistics).
    pub joined_from: Option<String>,
    pub joined_to: Option<String>,
    pub sort: Sort,
    pub desc: bool,
}

impl MemberFilter {
    fn push_where(&self, sql: &mut Sql) {
        sql.push(" WHERE m.org_path >= ")
            .text(self.root_path.clone());
        sql.push(" AND m.org_path < ")
            .text(path::upper(&self.root_path));
        if let Some(p) = &self.name_prefix {
            // A range, not LIKE, so that SQLite can use the name index.
            sql.push(" AND m.name >= ")
                .text(p.clone())
                .push(" AND m.name < ")
                .text(format!("{p}\u{10FFFF}"));
        }
        let eq = [
            ("m.id_index", &self.id_index),
            ("m.phone_index", &self.phone_index),
            ("m.status", &self.status),
            ("m.gender", &self.gender),
            ("m.education", &self.education),
            ("m.category", &self.category),
            ("m.ethnicity", &self.ethnicity),
        ];
        for (col, v) in eq {
            if let Some(v) = v {
                sql.push(&format!(" AND {col} = ")).text(v.clone());
            }
        }
        if let Some(v) = &self.born_from {
            sql.push(" AND m.birth_date >= ").text(v.clone());
        }
        if let Some(v) = &self.born_to {
            sql.push(" AND m.birth_date <= ").text(v.clone());
        }
        if let Some(v) = &self.confirmed_from {
            sql.push(" AND m.confirm_date >= ").text(v.clone());
        }
        if let Some(v) = &self.confirmed_to {
            sql.push(" AND m.confirm_date <= ").text(v.clone());
        }
        if let Some(v) = &self.ethnicity_not {
            // As the statistics count minorities: a group recorded, and not this one.
            sql.push(" AND m.ethnicity <> '' AND m.ethnicity <> ")
                .text(v.clone());
        }
        if let Some(v) = &self.joined_from {
            sql.push(" AND m.join_date >= ").text(v.clone());
        }
        if let Some(v) = &self.joined_to {
            sql.push(" AND m.join_date <= ").text(v.clone());
        }
    }

    /// Whether only the subtree narrows the search, so the rollup already knows the count.
    pub fn is_whole_subtree(&self) -> bool {
        self.name_prefix.is_none()
            && self.id_index.is_none()
            && self.phone_index.is_none()
            && self.status.is_none()
            && self.gender.is_none()
            && self.education.is_none()
            && self.category.is_none()
            && self.born_from.is_none()
            && self.born_to.is_none()
            && self.confirmed_from.is_none()
            && self.confirmed_to.is_none()
            && self.ethnicity.is_none()
            && self.ethnicity_not.is_none()
            && self.joined_from.is_none()
            && self.joined_to.is_none()
    }
}

pub async fn list(
    conn: &mut AnyConnection,
    f: &MemberFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<MemberRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLS} FROM member m JOIN org o ON o.id = m.org_id"
    ));
    f.push_where(&mut sql);
    let dir = if f.desc { "DESC" } else { "ASC" };
    let col = match f.sort {
        Sort::Name => "m.name",
        Sort::BirthDate => "m.birth_date",
        Sort::JoinDate => "m.join_date",
    };
    sql.push(&format!(" ORDER BY {col} {dir}, m.id {dir} LIMIT "))
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(MemberRow::read)
        .collect()
}

row! {
    /// A member as the others of their branch see them.
    #[derive(Debug, Clone)]
    pub struct ColleagueRow {
        pub id: i64,
        pub name: String,
        pub group_name: Option<String>,
        /// The code of the member's public card, when they published it.
        pub card_code: Option<String>,
        /// The post held on the branch's committee, if any.
        pub post: Option<String>,
    }
}

/// The members of a branch by name, with their group, post and published card.
pub async fn colleagues(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<ColleagueRow>> {
    sqlx::query(
        "SELECT m.id, m.name, g.name AS group_name, c.code AS card_code, p.post FROM member m \
         LEFT JOIN org g ON g.id = m.group_id \
         LEFT JOIN committee_post p ON p.member_id = m.id AND p.org_id = m.org_id AND p.ended_on IS NULL \
         LEFT JOIN member_card c ON c.member_id = m.id AND c.published = 1 \
         WHERE m.org_id = $1 ORDER BY m.name, m.id",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(ColleagueRow::read)
    .collect()
}

pub async fn count(conn: &mut AnyConnection, f: &MemberFilter) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM member m");
    f.push_where(&mut sql);
    Ok(sql.fetch_one(conn).await?.try_get("n")?)
}

/// Direct counts per org for a rollup rebuild: (org_path, value of `expr`, count); without
/// an expression, the plain count per org with an empty value.
pub async fn counts_by(
    conn: &mut AnyConnection,
    expr: Option<&str>,
) -> Result<Vec<(String, Option<String>, i64)>> {
    let sql = match expr {
        Some(expr) => format!(
            "SELECT org_path, {expr} AS k, COUNT(*) AS n FROM member GROUP BY org_path, {expr}"
        ),
        None => "SELECT org_path, '' AS k, COUNT(*) AS n FROM member GROUP BY org_path".to_string(),
    };
    let rs = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("org_path")?, r.try_get("k")?, r.try_get("n")?)))
        .collect()
}
