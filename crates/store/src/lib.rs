//! All SQL of dangjian. One text per query serves SQLite and PostgreSQL through sqlx's `Any`
//! driver: `$n` placeholders, integer ids, TEXT dates, BIGINT epoch-ms instants.
//!
//! Functions take `&mut AnyConnection` so that the service layer decides what runs in one
//! transaction.

pub mod assessment;
pub mod audit;
mod bulk;
pub mod cadres;
pub mod committee;
mod db;
pub mod document;
pub mod dues;
pub mod encrypted;
pub mod enterprises;
mod error;
pub mod import;
pub mod life;
pub mod load;
pub mod masses;
pub mod member;
mod migrate;
pub mod notification;
pub mod org;
pub mod person;
pub mod recruit;
pub mod request;
pub mod rollup;
mod row;
pub mod screen;
pub mod second_factor;
pub mod session;
pub mod setting;
mod sql;
pub mod task_forces;
pub mod transfer;
pub mod user;
pub mod volunteers;

pub use db::{Backend, Db, Purpose};
pub use error::StoreError;
pub use sqlx::AnyConnection as Conn;

/// A transaction on either engine.
pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Drops everything in PostgreSQL's public schema (demo databases only; the caller checks).
pub async fn reset_schema(conn: &mut Conn) -> Result<()> {
    use sqlx::Executor;
    conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        .await?;
    Ok(())
}
