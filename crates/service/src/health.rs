//! What the probes and the metrics read of the database, so that no caller reaches the pool.

use serde::Serialize;

use crate::{App, ServiceResult};

/// The database pool's connections, for `/metrics`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PoolState {
    pub open: u32,
    pub idle: usize,
}

impl App {
    /// Whether the database answers a query now (`/healthz`).
    pub async fn database_ready(&self) -> ServiceResult<()> {
        Ok(self.db.ping().await?)
    }

    pub fn pool_state(&self) -> PoolState {
        let (open, idle) = self.db.pool_state();
        PoolState { open, idle }
    }

    /// Closes the database's connections; SQLite removes its `-wal` and `-shm` files when the
    /// last one closes.
    pub async fn close(&self) {
        self.db.close().await;
    }
}
