//! What the probes and the metrics read of the database, so that no caller reaches the pool.

use serde::Serialize;

use dangjian_store::{StoreError, life, rollup};

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

impl App {
    /// The counters kept beside the records (the rollup of every subtree, the 组织生活
    /// tallies and the list of branches behind), each compared with a recount from the
    /// records inside a transaction that is rolled back. Empty when all agree; otherwise one
    /// line per counter naming its first difference.
    pub async fn counter_drift(&self) -> ServiceResult<Vec<String>> {
        let mut conn = self.db.conn().await?;
        let rollup_kept = rollup::snapshot(&mut conn).await?;
        let tallies_kept = life::snapshot(&mut conn).await?;
        let behind_kept = life::behind_snapshot(&mut conn).await?;
        drop(conn);
        let from = tallies_kept.iter().map(|r| r.month.clone()).min();
        let mut tx = self.db.begin_write().await?;
        rollup::rebuild(&mut tx).await?;
        let rollup_counted = rollup::snapshot(&mut tx).await?;
        if let Some(from) = &from {
            self.rebuild_life_in(&mut tx, from).await?;
        }
        let tallies_counted = life::snapshot(&mut tx).await?;
        let behind_counted = life::behind_snapshot(&mut tx).await?;
        tx.rollback().await.map_err(StoreError::from)?;
        let mut drift = Vec::new();
        drift.extend(difference("rollup", &rollup_kept, &rollup_counted));
        drift.extend(difference("life_tally", &tallies_kept, &tallies_counted));
        drift.extend(difference("life_behind", &behind_kept, &behind_counted));
        Ok(drift)
    }
}

/// How two lists of rows differ, by their lengths and the first row that is not the same.
fn difference<T: PartialEq + std::fmt::Debug>(
    what: &str,
    kept: &[T],
    counted: &[T],
) -> Option<String> {
    if kept == counted {
        return None;
    }
    let first = kept
        .iter()
        .zip(counted)
        .position(|(k, c)| k != c)
        .unwrap_or(kept.len().min(counted.len()));
    Some(format!(
        "{what}: {} rows kept, {} recounted; first difference at {first}: kept {:?}, recounted {:?}",
        kept.len(),
        counted.len(),
        kept.get(first),
        counted.get(first)
    ))
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn difference_names_the_first_row_that_differs() {
        assert_eq!(difference("x", &[1, 2, 3], &[1, 2, 3]), None);
        let d = difference("x", &[1, 2, 3], &[1, 5, 3]).expect("differs");
        assert!(
            d.contains("first difference at 1: kept Some(2), recounted Some(5)"),
            "{d}"
        );
        let d = difference("x", &[1, 2], &[1, 2, 3]).expect("differs");
        assert!(d.contains("2 rows kept, 3 recounted"), "{d}");
        assert!(d.contains("kept None, recounted Some(3)"), "{d}");
    }
}
