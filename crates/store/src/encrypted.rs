//! Every column holding a value encrypted or indexed with the data key, read and rewritten
//! together when a database moves to another suite of algorithms. A new encrypted column
//! belongs in `Column::ALL`, or a re-encrypted database could not read it.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    MemberId,
    MemberPhone,
    PersonId,
    PersonPhone,
    ApplicantId,
    HouseholdPhone,
    RequestPhone,
    SecondFactorSecret,
}

/// Where a column lives: table, key, ciphertext, and the blind index kept beside it.
struct Place {
    table: &'static str,
    key: &'static str,
    cipher: &'static str,
    index: Option<&'static str>,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::MemberId,
        Column::MemberPhone,
        Column::PersonId,
        Column::PersonPhone,
        Column::ApplicantId,
        Column::HouseholdPhone,
        Column::RequestPhone,
        Column::SecondFactorSecret,
    ];

    fn place(self) -> Place {
        let p = |table, key, cipher, index| Place {
            table,
            key,
            cipher,
            index,
        };
        match self {
            Column::MemberId => p("member", "id", "id_cipher", Some("id_index")),
            Column::MemberPhone => p("member", "id", "phone_cipher", Some("phone_index")),
            Column::PersonId => p("person", "id", "id_cipher", Some("id_index")),
            Column::PersonPhone => p("person", "id", "phone_cipher", Some("phone_index")),
            Column::ApplicantId => p("recruit", "id", "id_cipher", Some("id_index")),
            Column::HouseholdPhone => p("household", "id", "phone_cipher", None),
            Column::RequestPhone => p("request", "id", "phone_cipher", Some("phone_index")),
            Column::SecondFactorSecret => p("second_factor", "user_id", "secret_cipher", None),
        }
    }

    /// What the column holds, as an operator reads it.
    pub fn label(self) -> &'static str {
        match self {
            Column::MemberId => "党员身份证号",
            Column::MemberPhone => "党员手机号",
            Column::PersonId => "人员身份证号",
            Column::PersonPhone => "人员手机号",
            Column::ApplicantId => "发展对象身份证号",
            Column::HouseholdPhone => "住户电话",
            Column::RequestPhone => "群众诉求联系电话",
            Column::SecondFactorSecret => "两步验证密钥",
        }
    }
}

/// The ciphertexts of a column, by row key.
pub async fn read(conn: &mut AnyConnection, column: Column) -> Result<Vec<(i64, Vec<u8>)>> {
    let p = column.place();
    let sql = format!(
        "SELECT {key} AS k, {cipher} AS c FROM {table} WHERE {cipher} IS NOT NULL ORDER BY {key}",
        key = p.key,
        cipher = p.cipher,
        table = p.table
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("k")?, r.try_get("c")?)))
        .collect()
}

/// Replaces one row's ciphertext, and its blind index when the column has one.
pub async fn rewrite(
    conn: &mut AnyConnection,
    column: Column,
    key: i64,
    cipher: &[u8],
    index: Option<&str>,
) -> Result<()> {
    let p = column.place();
    let q = match (p.index, index) {
        (Some(index_column), Some(index)) => sqlx::query(AssertSqlSafe(format!(
            "UPDATE {} SET {} = $1, {index_column} = $2 WHERE {} = $3",
            p.table, p.cipher, p.key
        )))
        .bind(cipher)
        .bind(index.to_string())
        .bind(key),
        _ => sqlx::query(AssertSqlSafe(format!(
            "UPDATE {} SET {} = $1 WHERE {} = $2",
            p.table, p.cipher, p.key
        )))
        .bind(cipher)
        .bind(key),
    };
    q.execute(conn).await?;
    Ok(())
}

/// Each request's address, from which its keyed address index is computed.
pub async fn request_addresses(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT id, address FROM request ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("address")?)))
        .collect()
}

pub async fn set_request_address_index(
    conn: &mut AnyConnection,
    id: i64,
    index: &str,
) -> Result<()> {
    sqlx::query("UPDATE request SET address_index = $1 WHERE id = $2")
        .bind(index)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session and drops the recovery codes not yet used: both are stored as digests
/// that a new suite computes differently. Answers how many accounts lose recovery codes.
pub async fn drop_digests(conn: &mut AnyConnection) -> Result<i64> {
    let r =
        sqlx::query("SELECT COUNT(DISTINCT user_id) AS n FROM recovery_code WHERE used_at IS NULL")
            .fetch_one(&mut *conn)
            .await?;
    let accounts: i64 = r.try_get("n")?;
    sqlx::query("DELETE FROM recovery_code WHERE used_at IS NULL")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM session").execute(conn).await?;
    Ok(accounts)
}
