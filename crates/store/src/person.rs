//! Persons in SQL: one row per human the platform knows by ID number, member or not. A member
//! points to its person; the member's identity is mirrored here by the member writes, so that
//! reads of cadres and talents find one truth wherever the person came from.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};

row! {
    #[derive(Debug, Clone)]
    pub struct PersonRow {
        pub id: i64,
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub phone_masked: Option<String>,
        /// The member this person is, if any (whose registry edits the identity).
        pub member_id: Option<i64>,
        pub member_status: Option<String>,
        pub member_path: Option<String>,
    }
}

/// What a person is written with, identifiers already encrypted, indexed and masked.
#[derive(Debug, Clone)]
pub struct PersonWrite {
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub education: String,
    pub id_cipher: Vec<u8>,
    pub id_index: String,
    pub id_masked: String,
    pub phone_cipher: Option<Vec<u8>>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
}

const COLS: &str = "p.id, p.name, p.gender, p.ethnicity, p.birth_date, p.education, p.id_masked, \
    p.phone_masked, m.id AS member_id, m.status AS member_status, m.org_path AS member_path \
    FROM person p LEFT JOIN member m ON m.person_id = p.id";

const IDENTITY: &str = "name, gender, ethnicity, birth_date, education, id_cipher, id_index, \
    id_masked, phone_cipher, phone_index, phone_masked";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<PersonRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} WHERE p.id = "));
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(PersonRow::read)
        .transpose()
}

/// These persons, in no particular order.
pub async fn many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<PersonRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!("SELECT {COLS} WHERE p.id"));
    sql.ints_in(ids);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(PersonRow::read)
        .collect()
}

/// The person with this blind index of an ID number, if one is registered.
pub async fn by_id_index(conn: &mut AnyConnection, id_index: &str) -> Result<Option<PersonRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} WHERE p.id_index = "));
    sql.text(id_index);
    sql.fetch_all(conn)
        .await?
        .first()
        .map(PersonRow::read)
        .transpose()
}

/// The person of a member.
pub async fn of_member(conn: &mut AnyConnection, member_id: i64) -> Result<Option<i64>> {
    let r = sqlx::query("SELECT person_id FROM member WHERE id = $1")
        .bind(member_id)
        .fetch_optional(conn)
        .await?;
    Ok(r.map(|r| r.try_get::<Option<i64>, _>("person_id"))
        .transpose()?
        .flatten())
}

/// The values of `IDENTITY` and the two timestamps, in that order.
fn push_identity(sql: &mut Sql, p: &PersonWrite, now: i64) {
    sql.text(p.name.as_str())
        .push(", ")
        .text(p.gender.as_str())
        .push(", ")
        .text(p.ethnicity.as_str())
        .push(", ")
        .text(p.birth_date.as_str())
        .push(", ")
        .text(p.education.as_str())
        .push(", ")
        .bytes(p.id_cipher.clone())
        .push(", ")
        .text(p.id_index.as_str())
        .push(", ")
        .text(p.id_masked.as_str())
        .push(", ")
        .opt_bytes(p.phone_cipher.clone())
        .push(", ")
        .opt_text(p.phone_index.clone())
        .push(", ")
        .opt_text(p.phone_masked.clone())
        .push(", ")
        .int(now)
        .push(", ")
        .int(now);
}

pub async fn insert(conn: &mut AnyConnection, p: &PersonWrite) -> Result<i64> {
    let now = now_ms();
    let mut sql = Sql::new(&format!(
        "INSERT INTO person ({IDENTITY}, created_at, updated_at) VALUES ("
    ));
    push_identity(&mut sql, p, now);
    sql.push(") RETURNING id");
    Ok(sql.fetch_one(conn).await?.try_get("id")?)
}

/// A person who is not a member takes new facts: education, and the phone when one is given
/// (a blank phone keeps the one on record); the identity (ID number, name, birth) stays as
/// registered.
pub async fn update_facts(conn: &mut AnyConnection, id: i64, p: &PersonWrite) -> Result<()> {
    let mut sql = Sql::new("UPDATE person SET education = ");
    sql.text(p.education.as_str());
    if p.phone_cipher.is_some() {
        sql.push(", phone_cipher = ")
            .opt_bytes(p.phone_cipher.clone())
            .push(", phone_index = ")
            .opt_text(p.phone_index.clone())
            .push(", phone_masked = ")
            .opt_text(p.phone_masked.clone());
    }
    sql.push(", updated_at = ")
        .int(now_ms())
        .push(" WHERE id = ")
        .int(id)
        .push(" AND NOT EXISTS (SELECT 1 FROM member m WHERE m.person_id = person.id)");
    sql.execute(conn).await?;
    recount_villages_of(conn, id).await
}

/// Recounts the committees a person sits on after their facts changed.
async fn recount_villages_of(conn: &mut AnyConnection, person_id: i64) -> Result<()> {
    for village in crate::cadres::committee::villages_of_person(conn, person_id).await? {
        crate::rollup::recount_committees(conn, village).await?;
    }
    Ok(())
}

/// The organizations whose records name a person who is not a member: posts, candidacies,
/// pools. Whoever reads all of them may correct the person's facts.
pub async fn record_paths(conn: &mut AnyConnection, id: i64) -> Result<Vec<String>> {
    let mut sql = Sql::new(
        "SELECT o.path FROM residents_post r JOIN org o ON o.id = r.org_id WHERE r.person_id = ",
    );
    sql.int(id).push(
        " UNION SELECT o.path FROM election_candidate c JOIN election e ON e.id = c.election_id \
         JOIN org o ON o.id = e.org_id WHERE c.person_id = ",
    );
    sql.int(id).push(
        " UNION SELECT o.path FROM reserve_cadre r JOIN org o ON o.id = r.org_id WHERE r.person_id = ",
    );
    sql.int(id);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("path")?))
        .collect()
}

/// Gives every member written since the last call its person: the one registered with the
/// same ID number (who thereby joins the party, identity now kept by the registry), or a new
/// one. Member writes call it in their transaction, so no member is left without a person.
pub async fn adopt_members(conn: &mut AnyConnection) -> Result<()> {
    // Persons registered before who now join: their facts become the registry's.
    let joining = Sql::new(
        "SELECT p.id FROM person p JOIN member m ON m.id_index = p.id_index WHERE m.person_id IS NULL",
    )
    .fetch_ints(conn)
    .await?;
    let now = now_ms();
    let mut sql = Sql::new(&format!(
        "INSERT INTO person ({IDENTITY}, created_at, updated_at) \
         SELECT {IDENTITY}, "
    ));
    sql.int(now).push(", ").int(now).push(
        " FROM member WHERE person_id IS NULL \
         ON CONFLICT (id_index) DO UPDATE SET name = excluded.name, gender = excluded.gender, \
         ethnicity = excluded.ethnicity, birth_date = excluded.birth_date, \
         education = excluded.education, id_cipher = excluded.id_cipher, \
         id_masked = excluded.id_masked, phone_cipher = excluded.phone_cipher, \
         phone_index = excluded.phone_index, phone_masked = excluded.phone_masked, \
         updated_at = excluded.updated_at",
    );
    sql.execute(conn).await?;
    sqlx::query(
        "UPDATE member SET person_id = (SELECT p.id FROM person p WHERE p.id_index = member.id_index) \
         WHERE person_id IS NULL",
    )
    .execute(&mut *conn)
    .await?;
    for person in joining {
        recount_villages_of(conn, person).await?;
    }
    Ok(())
}

/// Copies a member's identity to their person after the registry changed it.
pub async fn mirror_member(conn: &mut AnyConnection, member_id: i64) -> Result<()> {
    let mut sql = Sql::new(&format!(
        "UPDATE person SET ({IDENTITY}) = (SELECT {IDENTITY} FROM member m WHERE m.person_id = person.id), \
         updated_at = "
    ));
    sql.int(now_ms())
        .push(" WHERE id = (SELECT person_id FROM member WHERE id = ")
        .int(member_id)
        .push(")");
    sql.execute(conn).await?;
    let mut person = Sql::new("SELECT person_id FROM member WHERE person_id IS NOT NULL AND id = ");
    person.int(member_id);
    for id in person.fetch_ints(conn).await? {
        recount_villages_of(conn, id).await?;
    }
    Ok(())
}

/// Many persons with ids chosen by the caller (the demo), in statements of a few dozen rows.
pub async fn insert_bulk(conn: &mut AnyConnection, persons: &[(i64, PersonWrite)]) -> Result<()> {
    let now = now_ms();
    for chunk in persons.chunks(crate::sql::ROWS_PER_INSERT / 14) {
        let mut sql = Sql::new(&format!(
            "INSERT INTO person (id, {IDENTITY}, created_at, updated_at) VALUES "
        ));
        for (i, (id, p)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").int(*id).push(", ");
            push_identity(&mut sql, p, now);
            sql.push(")");
        }
        sql.execute(conn).await?;
    }
    Ok(())
}

/// The largest person id (0 when none): a load numbers its persons after it.
pub async fn max_id(conn: &mut AnyConnection) -> Result<i64> {
    let r = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM person")
        .fetch_one(conn)
        .await?;
    Ok(r.try_get("n")?)
}

row! {
    /// What a load needs of a member to give them a post.
    #[derive(Debug, Clone)]
    pub struct MemberFacts {
        pub member_id: i64,
        pub person_id: i64,
        pub status: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
    }
}

/// These members' persons and facts.
pub async fn member_facts(
    conn: &mut AnyConnection,
    member_ids: &[i64],
) -> Result<Vec<MemberFacts>> {
    let mut out = Vec::with_capacity(member_ids.len());
    for chunk in member_ids.chunks(crate::sql::ROWS_PER_INSERT) {
        let mut sql = Sql::new(
            "SELECT id AS member_id, person_id, status, gender, birth_date, education FROM member WHERE id",
        );
        sql.ints_in(chunk);
        for r in sql.fetch_all(conn).await? {
            out.push(MemberFacts::read(&r)?);
        }
    }
    Ok(out)
}

/// The registered persons among these blind indexes of ID numbers, each with its index.
pub async fn by_id_indexes(
    conn: &mut AnyConnection,
    indexes: &[String],
) -> Result<Vec<(String, PersonRow)>> {
    let mut out = Vec::new();
    for chunk in indexes.chunks(crate::sql::ROWS_PER_INSERT) {
        let mut sql = Sql::new(&format!(
            "SELECT p.id_index AS idx, {COLS} WHERE p.id_index"
        ));
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        sql.texts_in(&refs);
        for r in sql.fetch_all(conn).await? {
            out.push((r.try_get("idx")?, PersonRow::read(&r)?));
        }
    }
    Ok(out)
}
