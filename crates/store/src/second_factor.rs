//! Two-factor login: each account's TOTP secret (encrypted) and its recovery codes (hashed).

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;

row! {
    #[derive(Debug, Clone)]
    pub struct FactorRow {
        pub user_id: i64,
        pub secret_cipher: Vec<u8>,
        pub enabled_at: Option<i64>,
        pub last_step: i64,
    }
}

pub async fn get(conn: &mut AnyConnection, user_id: i64) -> Result<Option<FactorRow>> {
    let r = sqlx::query(
        "SELECT user_id, secret_cipher, enabled_at, last_step FROM second_factor WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(FactorRow::read).transpose()
}

/// Starts (or starts again) an enrolment with a new secret, not yet enabled.
pub async fn begin(conn: &mut AnyConnection, user_id: i64, cipher: &[u8], at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO second_factor (user_id, secret_cipher, enabled_at, last_step, created_at) \
         VALUES ($1, $2, NULL, 0, $3) ON CONFLICT (user_id) DO UPDATE SET \
         secret_cipher = excluded.secret_cipher, enabled_at = NULL, last_step = 0, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(cipher)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn enable(conn: &mut AnyConnection, user_id: i64, at: i64, step: i64) -> Result<()> {
    sqlx::query("UPDATE second_factor SET enabled_at = $1, last_step = $2 WHERE user_id = $3")
        .bind(at)
        .bind(step)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the step of a code accepted; false when a code of this step or a later one was
/// accepted already (a replay, or two logins racing with one code).
pub async fn use_step(conn: &mut AnyConnection, user_id: i64, step: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE second_factor SET last_step = $1 WHERE user_id = $2 AND last_step < $1 AND enabled_at IS NOT NULL",
    )
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Removes the account's second factor and its recovery codes.
pub async fn remove(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM second_factor WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the account's recovery codes.
pub async fn set_recovery_codes(
    conn: &mut AnyConnection,
    user_id: i64,
    hashes: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for h in hashes {
        sqlx::query(
            "INSERT INTO recovery_code (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
        )
        .bind(user_id)
        .bind(h)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Uses a recovery code once: whether it was one of the account's, unused.
pub async fn use_recovery_code(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE recovery_code SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn unused_recovery_codes(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_code WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("n")?)
}
