//! Opening a database of either engine and the pool the service holds.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::{Result, StoreError, migrate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A pool on one of the two engines.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Accepts `sqlite://file.db`, `sqlite:file.db` and `postgres://…`; a SQLite file is
/// created when missing.
fn normalise(url: &str) -> Result<(String, Backend)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres));
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            StoreError::Other(format!(
                "不支持的数据库地址：{url}（应以 sqlite:// 或 postgres:// 开头）"
            ))
        })?;
    if rest.is_empty() || rest.starts_with(":memory:") {
        return Err(StoreError::Other(
            "不支持内存数据库：每个连接会得到各自的空库".into(),
        ));
    }
    let with_mode = if rest.contains('?') {
        rest.to_string()
    } else {
        format!("{rest}?mode=rwc")
    };
    Ok((format!("sqlite://{with_mode}"), Backend::Sqlite))
}

/// What a pool is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Many readers beside one writer: SQLite keeps a write-ahead log.
    Serve,
    /// One transaction that writes a whole fresh database (the demo). In a write-ahead log
    /// every page read during the transaction is first looked up in the log, whose index grows
    /// with it: at 1.8 million members the load spent most of its time there. A rollback
    /// journal writes spilled pages into the file itself and journals only the pages that
    /// existed before (none, in a fresh file), and is as atomic: a load killed midway rolls
    /// back to the empty database when it is next opened.
    Load,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_for(url, Purpose::Serve).await
    }

    pub async fn connect_for(url: &str, purpose: Purpose) -> Result<Db> {
        install_default_drivers();
        let journal = match purpose {
            Purpose::Serve => "PRAGMA journal_mode = WAL",
            Purpose::Load => "PRAGMA journal_mode = DELETE",
        };
        let (url, backend) = normalise(url)?;
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .min_connections(1)
            // A database that went away must turn into a quick 503, not a hung request.
            .acquire_timeout(Duration::from_secs(3))
            .test_before_acquire(true)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute(
                                "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA cache_size = -32000;",
                            )
                            .await?;
                            conn.execute(journal).await?;
                        }
                        // Statements are prepared once per connection; a generic plan cannot
                        // see how narrow a subtree or name range is and picks poor indexes.
                        Backend::Postgres => {
                            conn.execute("SET plan_cache_mode = force_custom_plan")
                                .await?;
                        }
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn().await?;
        migrate::run(&mut conn, self.backend).await
    }

    pub async fn conn(&self) -> Result<PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn begin(&self) -> Result<Transaction<'static, Any>> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction that holds the write lock from its first statement. SQLite cannot turn a
    /// reading transaction into a writing one while another connection writes (it fails at
    /// once with "database is locked"), so work that reads before it writes starts here. On
    /// PostgreSQL the same statement queues it behind audited writers.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await?;
        tx.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
            .await?;
        Ok(tx)
    }

    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        conn.execute("SELECT 1").await?;
        Ok(())
    }

    /// Pool state for /metrics: (open connections, idle connections).
    pub fn pool_state(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Refreshes the planner's statistics after bulk loads.
    pub async fn analyze(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        conn.execute("ANALYZE").await?;
        Ok(())
    }

    /// After a bulk load: writes SQLite's write-ahead log back into the database file and
    /// empties it, so that no log the size of the data is left beside it. PostgreSQL keeps
    /// its own log.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            let mut conn = self.conn().await?;
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        Ok(())
    }

    /// SQLite: a consistent copy of the live database at `path` (`VACUUM INTO`, one read
    /// transaction: writers go on, the copy is the database as of its start). The path must
    /// not exist yet.
    pub async fn backup_into(&self, path: &str) -> Result<()> {
        let mut conn = self.conn().await?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// SQLite's own check of every page and index: the problems it finds, none when sound.
    /// PostgreSQL has no such check from SQL; it answers none.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        if self.backend() != Backend::Sqlite {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut *conn)
            .await?;
        let found: Vec<String> = rows
            .iter()
            .filter_map(|r| sqlx::Row::try_get::<String, _>(r, 0).ok())
            .filter(|s| s != "ok")
            .collect();
        Ok(found)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            normalise("sqlite://x.db").unwrap(),
            ("sqlite://x.db?mode=rwc".into(), Backend::Sqlite)
        );
        assert_eq!(
            normalise("sqlite:x.db?mode=ro").unwrap().0,
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(normalise("postgres://u@h/db").unwrap().1, Backend::Postgres);
        assert!(normalise("sqlite::memory:").is_err());
        assert!(normalise("mysql://x").is_err());
    }
}
