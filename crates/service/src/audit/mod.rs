//! Writing the audit log, each row chained to the one before by a MAC keyed with a subkey of
//! the data key (HMAC-SHA-256), and verifying it. Someone who can write the database but
//! does not hold the key cannot rewrite a row and recompute the chain. Rows written before
//! the chain was keyed (databases from before this version) keep their plain SHA-256 links;
//! the sequence number where keyed rows begin is stored with its own MAC, so it cannot be
//! moved to pass keyed rows off as plain ones.

mod checkpoint;
mod denied;

pub use checkpoint::Checkpoint;
pub(crate) use denied::Denials;

use dangjian_store::audit::{self, AuditRow};
use dangjian_store::setting;
use dangjian_store::{Conn, Transaction};
use hmac::{Hmac, Mac};
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
    key: [u8; 32],
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
        row.hash = row_hash(Some(&self.key), &row);
        audit::append(&mut self.tx, &row).await?;
        self.tx
            .commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }
}

/// The link of a row: its content and its predecessor's link, fields separated by U+001F,
/// MACed with the key (plain SHA-256 for rows written before the chain was keyed).
fn row_hash(key: Option<&[u8; 32]>, r: &AuditRow) -> String {
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
    let content = fields.join("\u{1f}");
    match key {
        Some(key) => mac(key, content.as_bytes()),
        None => hex::encode(Sha256::digest(content.as_bytes())),
    }
}

fn mac(key: &[u8; 32], content: &[u8]) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(content);
    hex::encode(m.finalize().into_bytes())
}

/// The stored form of the first keyed sequence number: `seq:MAC(seq)`.
fn keyed_from_value(key: &[u8; 32], seq: i64) -> String {
    format!(
        "{seq}:{}",
        mac(key, format!("audit-keyed-from:{seq}").as_bytes())
    )
}

/// The first keyed sequence number, if its MAC holds.
fn keyed_from(key: &[u8; 32], stored: &str) -> Option<i64> {
    let seq: i64 = stored.split_once(':')?.0.parse().ok()?;
    (keyed_from_value(key, seq) == stored).then_some(seq)
}

#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The first broken sequence number and why, if any.
    pub problem: Option<(i64, String)>,
}

/// The chain checked row by row: rows from `first_keyed` on by their MAC, older ones by
/// their plain SHA-256.
async fn walk(conn: &mut Conn, key: &[u8; 32], first_keyed: i64) -> ServiceResult<VerifyReport> {
    let mut expected_seq = 1;
    let mut prev = "0".repeat(64);
    let mut rows = 0;
    loop {
        let page = audit::page(conn, expected_seq - 1, 5000).await?;
        if page.is_empty() {
            break;
        }
        for r in page {
            let problem = if r.seq != expected_seq {
                Some(format!("缺少第 {expected_seq} 条记录（可能被删除）"))
            } else if r.prev_hash != prev {
                Some("与上一条记录的链接不符".to_string())
            } else if row_hash((r.seq >= first_keyed).then_some(key), &r) != r.hash {
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
    let (head_seq, head_hash) = audit::head(conn).await?;
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

/// Keys the chain of a log written before it was keyed, once, before the platform opens it:
/// checks every existing row's plain link, then marks the next row as the first keyed one.
/// Returns how many rows were checked.
pub async fn key_audit_chain(
    database: &crate::database::Database,
    crypto: &crate::Crypto,
) -> ServiceResult<i64> {
    let mut conn = database.0.conn().await?;
    if setting::get(&mut conn, setting::AUDIT_KEYED_FROM)
        .await?
        .is_some()
    {
        return Err(ServiceError::Config("审计日志的密钥链已经启用".into()));
    }
    let key = crypto.audit_key();
    let report = walk(&mut conn, &key, i64::MAX).await?;
    if let Some((seq, why)) = report.problem {
        return Err(ServiceError::Config(format!(
            "已有审计记录校验失败（第 {seq} 条，{why}），未启用密钥链：请先核查"
        )));
    }
    let value = keyed_from_value(&key, report.rows + 1);
    setting::set(&mut conn, setting::AUDIT_KEYED_FROM, &value).await?;
    Ok(report.rows)
}

impl App {
    pub async fn begin_audited(&self) -> ServiceResult<Audited> {
        let mut tx = self.db.begin().await?;
        let (seq, prev) = audit::reserve(&mut tx).await?;
        Ok(Audited {
            tx,
            seq,
            prev,
            key: self.crypto.audit_key(),
        })
    }

    /// At opening: a new log is keyed from its first row. A log that has rows but no mark was
    /// written before the chain was keyed: the operator keys it once (`key_audit_chain`),
    /// after checking it, since a mark made here could equally hide a log rewritten by
    /// someone who deleted the mark.
    pub(crate) async fn mark_keyed_audit(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        if setting::get(&mut conn, setting::AUDIT_KEYED_FROM)
            .await?
            .is_some()
        {
            return Ok(());
        }
        match audit::head(&mut conn).await? {
            (0, _) => {
                let value = keyed_from_value(&self.crypto.audit_key(), 1);
                setting::set(&mut conn, setting::AUDIT_KEYED_FROM, &value).await?;
                Ok(())
            }
            _ => Err(ServiceError::Config(
                "审计日志尚未启用密钥链：升级后请先运行一次 dangjian audit key（先校验已有记录，\
                 再从下一条起以密钥链接）。若已运行过，说明标记被删除，请先核查数据库"
                    .into(),
            )),
        }
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

    /// Walks the whole chain: sequence without gaps, each row's link, each MAC, the head.
    pub async fn verify_audit(&self) -> ServiceResult<VerifyReport> {
        let mut conn = self.db.conn().await?;
        let key = self.crypto.audit_key();
        let stored = setting::get(&mut conn, setting::AUDIT_KEYED_FROM).await?;
        let Some(first_keyed) = stored.as_deref().and_then(|s| keyed_from(&key, s)) else {
            return Ok(VerifyReport {
                rows: 0,
                problem: Some((0, "密钥链的起点缺失或被改动（或密钥不对）".to_string())),
            });
        };
        walk(&mut conn, &key, first_keyed).await
    }

    /// The auditor's view of the log, newest first.
    /// Starts the auditor's export of the rows written from `from` to `to` (dates, both
    /// included): checks the role and the span and writes the export's own audit row; the
    /// rows follow page by page from `audit_export_page`. Answers the span in epoch ms.
    pub async fn begin_audit_export(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
    ) -> ServiceResult<(i64, i64)> {
        if !actor.role.reads_audit() {
            return Err(ServiceError::NotFound);
        }
        let day = |field: &'static str, s: &str| {
            dangjian_domain::date::parse(s.trim())
                .ok_or_else(|| ServiceError::field(field, "invalid_date", "日期应为 YYYY-MM-DD"))
        };
        let (f, t) = (day("from", from)?, day("to", to)?);
        if t < f {
            return Err(ServiceError::field(
                "to",
                "before_from",
                "结束日期不能早于开始日期",
            ));
        }
        let ms = |d: time::Date| {
            d.midnight()
                .assume_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC))
                .unix_timestamp()
                * 1000
        };
        let span = (ms(f), ms(t + time::Duration::days(1)));
        self.audit_alone(
            actor,
            Entry::ok("audit.export", "audit_log", format!("{from}..{to}")),
        )
        .await?;
        Ok(span)
    }

    /// One page of the auditor's export, oldest first, after `after_seq`.
    pub async fn audit_export_page(
        &self,
        actor: &Actor,
        span: (i64, i64),
        after_seq: i64,
        limit: i64,
    ) -> ServiceResult<Vec<AuditEntry>> {
        if !actor.role.reads_audit() {
            return Err(ServiceError::NotFound);
        }
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            audit::page_between(&mut conn, after_seq, span.0, span.1, limit.clamp(1, 5000)).await?,
        ))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_of_the_keyed_chain_cannot_be_moved_without_the_key() {
        let key = [7u8; 32];
        let stored = keyed_from_value(&key, 42);
        assert_eq!(keyed_from(&key, &stored), Some(42));
        let moved = stored.replacen("42:", "4200:", 1);
        assert_eq!(
            keyed_from(&key, &moved),
            None,
            "another number, the same MAC"
        );
        assert_eq!(keyed_from(&[8u8; 32], &stored), None, "another key");
        assert_eq!(keyed_from(&key, "garbage"), None);
    }

    #[test]
    fn a_keyed_link_differs_from_the_plain_one_and_from_another_keys() {
        let row = AuditRow {
            seq: 1,
            at: 0,
            actor_id: None,
            actor_name: "system".into(),
            ip: String::new(),
            action: "login".into(),
            object_type: "user".into(),
            object_id: "1".into(),
            result: "ok".into(),
            detail: String::new(),
            prev_hash: "0".repeat(64),
            hash: String::new(),
        };
        let plain = row_hash(None, &row);
        let keyed = row_hash(Some(&[1u8; 32]), &row);
        assert_eq!(plain.len(), 64);
        assert_eq!(keyed.len(), 64);
        assert_ne!(plain, keyed);
        assert_ne!(keyed, row_hash(Some(&[2u8; 32]), &row));
    }
}
