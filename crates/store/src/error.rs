//! The store's errors, sorted by what the layers above must tell apart.

/// What the layers above need to tell apart: a database that is away (503), a duplicate
/// (409/422) and everything else (500).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("duplicate value: {0}")]
    Duplicate(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(
                format!("{} {}", db.constraint().unwrap_or_default(), db.message()),
            ),
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                // SQLite busy/locked; PostgreSQL connection and shutdown classes (08, 57P).
                if matches!(code.as_ref(), "5" | "6" | "517")
                    || code.starts_with("08")
                    || code.starts_with("57P")
                {
                    StoreError::Unavailable(e.to_string())
                } else {
                    StoreError::Other(e.to_string())
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}
