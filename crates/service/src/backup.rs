//! Backups of a live SQLite database and the checks a copy passes before it replaces the
//! database (PostgreSQL is backed up with `pg_dump`, see docs/operations.md).

use std::path::Path;

use dangjian_store::Backend;

use crate::database::Database;
use crate::{App, Config, Crypto, ServiceError, ServiceResult};

/// What a copy was found to be.
#[derive(Debug, Clone)]
pub struct CopyReport {
    pub audit_rows: i64,
    pub members: i64,
    pub orgs: i64,
}

impl App {
    /// A consistent copy of the live database at `to` while it keeps serving.
    pub async fn backup_to(&self, to: &Path) -> ServiceResult<()> {
        if self.db.backend() != Backend::Sqlite {
            return Err(ServiceError::Config(
                "PostgreSQL 数据库请用 pg_dump 备份（见运维文档）".into(),
            ));
        }
        if to.exists() {
            return Err(ServiceError::Config(format!(
                "备份文件 {} 已存在：请换一个文件名",
                to.display()
            )));
        }
        let path = to
            .to_str()
            .ok_or_else(|| ServiceError::Config("备份文件的路径应为 UTF-8".into()))?;
        Ok(self.db.backup_into(path).await?)
    }
}

/// Checks a copy before it is trusted: SQLite's integrity check, the migrations this version
/// needs (applied to the copy), the data key (the copy must have been written with it), the
/// audit chain and the kept counters against a recount. The copy is opened and may be
/// migrated; nothing else is touched.
pub async fn check_copy(url: &str, crypto: Crypto) -> ServiceResult<CopyReport> {
    let db = Database::connect(url).await?;
    let problems = db.0.integrity_problems().await?;
    if !problems.is_empty() {
        return Err(ServiceError::Config(format!(
            "副本未通过完整性检查：{}",
            problems.join("；")
        )));
    }
    db.migrate().await?;
    let app = App::open(db, crypto, Config::default()).await?;
    let report = app.verify_audit().await?;
    if let Some((seq, why)) = report.problem {
        app.close().await;
        return Err(ServiceError::Config(format!(
            "副本的审计日志校验失败：第 {seq} 条，{why}"
        )));
    }
    let drift = app.counter_drift().await?;
    if !drift.is_empty() {
        app.close().await;
        return Err(ServiceError::Config(format!(
            "副本的统计数与重新清点不一致：{}",
            drift.join("；")
        )));
    }
    let (orgs, members) = {
        let mut conn = app.db.conn().await?;
        dangjian_store::setting::totals(&mut conn).await?
    };
    app.close().await;
    Ok(CopyReport {
        audit_rows: report.rows,
        members,
        orgs,
    })
}
