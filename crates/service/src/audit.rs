//! Writing the hash-chained audit log, and verifying it.

use dangjian_store::audit::{self, AuditRow};
use dangjian_store::{Conn, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::read_model;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

read_model! {
    /// A row of the audit log with its place in the hash chain.
    pub struct AuditEntry from AuditRow {
        pub seq: i64,
        pub at: i64,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub ip: String,
        pub action: String,
        pub object_type: String,
        pub object_id: String,
        pub result: String,
        pub detail: String,
        pub prev_hash: String,
        pub hash: String,
    }
}

/// What one audit row says happened.
pub struct Entry<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub result: &'a str,
    pub detail: String,
}

impl<'a> Entry<'a> {
    pub fn ok(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Self {
        Entry {
            action,
            object_type,
            object_id: object_id.to_string(),
            result: "ok",
            detail: String::new(),
        }
    }

    pub fn with_result(mut self, result: &'a str) -> Self {
        self.result = result;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// A write transaction that will carry its audit row. Opening it takes the audit head
/// first, which makes it the one writer until it commits.
pub struct Audited {
    tx: Transaction,
    seq: i64,
    prev: String,
}

impl Audited {
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.tx
    }

    pub async fn commit(mut self, actor: &Actor, e: Entry<'_>) -> ServiceResult<()> {
        let mut row = AuditRow {
            seq: self.seq,
            at: now_ms(),
            actor_id: actor.user_id,
            actor_name: actor.username.clone(),
            ip: actor.ip.clone(),
            action: e.action.to_string(),
            object_type: e.object_type.to_string(),
            object_id: e.object_id,
            result: e.result.to_string(),
            detail: e.detail,
            prev_hash: self.prev,
            hash: String::new(),
        };
        row.hash = row_hash(&row);
        audit::append(&mut self.tx, &row).await?;
        self.tx
            .commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }
}

/// The hash of a row's content and its predecessor's hash, fields separated by U+001F.
fn row_hash(r: &AuditRow) -> String {
    let actor_id = r.actor_id.map(|i| i.to_string()).unwrap_or_default();
    let fields = [
        r.seq.to_string(),
        r.at.to_string(),
        actor_id,
        r.actor_name.clone(),
        r.ip.clone(),
        r.action.clone(),
        r.object_type.clone(),
        r.object_id.clone(),
        r.result.clone(),
        r.detail.clone(),
        r.prev_hash.clone(),
    ];
    let mut h = Sha256::new();
    h.update(fields.join("\u{1f}").as_bytes());
    hex::encode(h.finalize())
}

#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The first broken sequence number and why, if any.
    pub problem: Option<(i64, String)>,
}

impl App {
    pub async fn begin_audited(&self) -> ServiceResult<Audited> {
        let mut tx = self.db.begin().await?;
        let (seq, prev) = audit::reserve(&mut tx).await?;
        Ok(Audited { tx, seq, prev })
    }

    /// A row on its own, for events that change nothing else (a refused login, a denial).
    pub async fn audit_alone(&self, actor: &Actor, e: Entry<'_>) -> ServiceResult<()> {
        self.begin_audited().await?.commit(actor, e).await
    }

    /// An export leaves a row: what was exported, of which org, how many rows, and whether
    /// identifiers were unmasked (with the reason given).
    pub async fn audit_export(
        &self,
        actor: &Actor,
        what: &str,
        org_id: i64,
        rows: usize,
        unmasked_for: Option<&str>,
    ) -> ServiceResult<()> {
        // Every export passes here, whichever list it was read from.
        crate::export::check_may_export(actor)?;
        let detail = match unmasked_for {
            Some(reason) => format!("{what}，{rows} 行，含完整身份证号，事由：{reason}"),
            None => format!("{what}，{rows} 行"),
        };
        self.audit_alone(actor, Entry::ok("export", "org", org_id).detail(detail))
            .await
    }

    /// Walks the whole chain: sequence without gaps, each row's hash, each link, the head.
    pub async fn verify_audit(&self) -> ServiceResult<VerifyReport> {
        let mut conn = self.db.conn().await?;
        let mut expected_seq = 1;
        let mut prev = "0".repeat(64);
        let mut rows = 0;
        loop {
            let page = audit::page(&mut conn, expected_seq - 1, 5000).await?;
            if page.is_empty() {
                break;
            }
            for r in page {
                let problem = if r.seq != expected_seq {
                    Some(format!("缺少第 {expected_seq} 条记录（可能被删除）"))
                } else if r.prev_hash != prev {
                    Some("与上一条记录的链接不符".to_string())
                } else if row_hash(&r) != r.hash {
                    Some("记录内容与哈希不符（可能被修改）".to_string())
                } else {
                    None
                };
                if let Some(p) = problem {
                    return Ok(VerifyReport {
                        rows,
                        problem: Some((expected_seq, p)),
                    });
                }
                prev = r.hash;
                expected_seq += 1;
                rows += 1;
            }
        }
        let (head_seq, head_hash) = audit::head(&mut conn).await?;
        let problem = if head_seq != rows {
            Some((
                rows + 1,
                format!("日志末尾缺少记录：应有 {head_seq} 条，实有 {rows} 条"),
            ))
        } else if head_hash != prev {
            Some((rows, "日志末尾的哈希与链头不符".to_string()))
        } else {
            None
        };
        Ok(VerifyReport { rows, problem })
    }

    /// The auditor's view of the log, newest first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        action: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<Vec<AuditEntry>> {
        if !actor.role.reads_audit() {
            return Err(ServiceError::NotFound);
        }
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            audit::recent(&mut conn, action, before, limit.clamp(1, 200)).await?,
        ))
    }
}
