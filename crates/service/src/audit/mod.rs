//! Writing the audit log, each row chained to the one before by a MAC keyed with a subkey of
//! the data key (HMAC-SHA-256, or HMAC-SM3 in the 国密 suite), and verifying it. Someone who
//! can write the database but does not hold the key cannot rewrite a row and recompute the
//! chain. Rows written before the chain was keyed (databases from before this version) keep
//! their plain SHA-256 links, and rows written before a database moved to 国密 their
//! HMAC-SHA-256; the sequence numbers where keyed and SM3 rows begin are stored with their
//! own MACs, so they cannot be moved to pass rows off as of an older kind.

mod checkpoint;
mod denied;

pub use checkpoint::Checkpoint;
pub(crate) use denied::Denials;

use dangjian_store::audit::{self, AuditRow};
use dangjian_store::setting;
use dangjian_store::{Conn, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::crypto::{AuditKey, Suite};
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
    key: AuditKey,
}

impl Audited {
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.tx
    }

    /// The sequence number this transaction's row will take.
    pub(crate) fn seq(&self) -> i64 {
        self.seq
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
fn row_hash(key: Option<&AuditKey>, r: &AuditRow) -> String {
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
        Some(key) => key.mac(content.as_bytes()),
        None => hex::encode(Sha256::digest(content.as_bytes())),
    }
}

/// Where rows of one kind begin, stored as `seq:MAC(label:seq)` under that kind's key.
struct Mark {
    label: &'static str,
}

/// The first row MACed at all (with the standard key).
const KEYED: Mark = Mark {
    label: "audit-keyed-from",
};
/// The first row MACed with the 国密 key.
const SM: Mark = Mark {
    label: "audit-sm3-from",
};

impl Mark {
    fn value(&self, key: &AuditKey, seq: i64) -> String {
        format!(
            "{seq}:{}",
            key.mac(format!("{}:{seq}", self.label).as_bytes())
        )
    }

    /// The sequence number stored, if its MAC holds.
    fn read(&self, key: &AuditKey, stored: &str) -> Option<i64> {
        let seq: i64 = stored.split_once(':')?.0.parse().ok()?;
        (self.value(key, seq) == stored).then_some(seq)
    }
}

/// Which key links each row: none before `keyed`, the 国密 one from `sm` on, else the
/// standard one.
struct Eras {
    keyed: i64,
    sm: Option<i64>,
    standard_key: AuditKey,
    sm_key: AuditKey,
}

impl Eras {
    fn key(&self, seq: i64) -> Option<&AuditKey> {
        if seq < self.keyed {
            None
        } else if self.sm.is_some_and(|from| seq >= from) {
            Some(&self.sm_key)
        } else {
            Some(&self.standard_key)
        }
    }

    /// The eras as the database records them, or why they cannot be trusted.
    async fn read(conn: &mut Conn, crypto: &crate::Crypto) -> ServiceResult<Result<Eras, String>> {
        let standard_key = crypto.audit_key_of(Suite::Standard);
        let sm_key = crypto.audit_key_of(Suite::Sm);
        let stored = setting::get(conn, setting::AUDIT_KEYED_FROM).await?;
        let Some(keyed) = stored.as_deref().and_then(|s| KEYED.read(&standard_key, s)) else {
            return Ok(Err("密钥链的起点缺失或被改动（或密钥不对）".to_string()));
        };
        let sm = match setting::get(conn, setting::AUDIT_SM3_FROM).await? {
            None if crypto.suite() == Suite::Sm => {
                return Ok(Err("国密密钥链的起点缺失".to_string()));
            }
            None => None,
            Some(s) => match SM.read(&sm_key, &s) {
                Some(seq) => Some(seq),
                None => return Ok(Err("国密密钥链的起点被改动（或密钥不对）".to_string())),
            },
        };
        Ok(Ok(Eras {
            keyed,
            sm,
            standard_key,
            sm_key,
        }))
    }
}

#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The first broken sequence number and why, if any.
    pub problem: Option<(i64, String)>,
}

/// The chain checked row by row, each by the key of its era.
async fn walk(conn: &mut Conn, eras: &Eras) -> ServiceResult<VerifyReport> {
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
            } else if row_hash(eras.key(r.seq), &r) != r.hash {
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

/// The audit log's one policy: read and exported by the roles that read it (the auditor);
/// anyone else finds nothing there.
fn check_reads_audit(actor: &Actor) -> ServiceResult<()> {
    if actor.role.reads_audit() {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
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
    let key = crypto.audit_key_of(Suite::Standard);
    let plain = Eras {
        keyed: i64::MAX,
        sm: None,
        standard_key: key,
        sm_key: key,
    };
    let report = walk(&mut conn, &plain).await?;
    if let Some((seq, why)) = report.problem {
        return Err(ServiceError::Config(format!(
            "已有审计记录校验失败（第 {seq} 条，{why}），未启用密钥链：请先核查"
        )));
    }
    let value = KEYED.value(&key, report.rows + 1);
    setting::set(&mut conn, setting::AUDIT_KEYED_FROM, &value).await?;
    Ok(report.rows)
}

impl App {
    pub async fn begin_audited(&self) -> ServiceResult<Audited> {
        self.begin_audited_with(self.crypto.audit_key()).await
    }

    /// A write whose row is linked with `key` (the move to another suite links its own row
    /// with the new one).
    pub(crate) async fn begin_audited_with(&self, key: AuditKey) -> ServiceResult<Audited> {
        let mut tx = self.db.begin().await?;
        let (seq, prev) = audit::reserve(&mut tx).await?;
        Ok(Audited { tx, seq, prev, key })
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
                let value = KEYED.value(&self.crypto.audit_key_of(Suite::Standard), 1);
                setting::set(&mut conn, setting::AUDIT_KEYED_FROM, &value).await?;
                if self.crypto.suite() == Suite::Sm {
                    self.mark_sm_audit(&mut conn, 1).await?;
                }
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

    /// An export that writes something of its own (a job for a file made later): the caller
    /// has checked `check_may_export` and commits this row in the transaction of its write.
    pub(crate) fn export_entry(what: &str, org_id: i64, rows: usize) -> Entry<'static> {
        Entry::ok("export", "org", org_id).detail(format!("{what}，{rows} 行"))
    }

    /// Walks the whole chain: sequence without gaps, each row's link, each MAC, the head.
    pub async fn verify_audit(&self) -> ServiceResult<VerifyReport> {
        let mut conn = self.db.conn().await?;
        match Eras::read(&mut conn, &self.crypto).await? {
            Ok(eras) => walk(&mut conn, &eras).await,
            Err(why) => Ok(VerifyReport {
                rows: 0,
                problem: Some((0, why)),
            }),
        }
    }

    /// Marks `seq` as the first row linked with the 国密 key.
    pub(crate) async fn mark_sm_audit(&self, conn: &mut Conn, seq: i64) -> ServiceResult<()> {
        let value = SM.value(&self.crypto.audit_key_of(Suite::Sm), seq);
        setting::set(conn, setting::AUDIT_SM3_FROM, &value).await?;
        Ok(())
    }

    /// Starts the auditor's export of the rows written from `from` to `to` (dates, both
    /// included): checks the role and the span and writes the export's own audit row; the
    /// rows follow page by page from `audit_export_page`. Answers the span in epoch ms.
    pub async fn begin_audit_export(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
    ) -> ServiceResult<(i64, i64)> {
        check_reads_audit(actor)?;
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
        check_reads_audit(actor)?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            audit::page_between(&mut conn, after_seq, span.0, span.1, limit.clamp(1, 5000)).await?,
        ))
    }

    /// The auditor's view of the log, newest first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        action: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<Vec<AuditEntry>> {
        check_reads_audit(actor)?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            audit::recent(&mut conn, action, before, limit.clamp(1, 200)).await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8, suite: Suite) -> AuditKey {
        crate::Crypto::new(&[byte; 32], suite).audit_key()
    }

    #[test]
    fn the_start_of_an_era_cannot_be_moved_without_the_key() {
        for (mark, suite) in [(KEYED, Suite::Standard), (SM, Suite::Sm)] {
            let k = key(7, suite);
            let stored = mark.value(&k, 42);
            assert_eq!(mark.read(&k, &stored), Some(42));
            let moved = stored.replacen("42:", "4200:", 1);
            assert_eq!(mark.read(&k, &moved), None, "another number, the same MAC");
            assert_eq!(mark.read(&key(8, suite), &stored), None, "another key");
            assert_eq!(mark.read(&k, "garbage"), None);
        }
        let k = key(7, Suite::Standard);
        assert_eq!(
            SM.read(&k, &KEYED.value(&k, 3)),
            None,
            "one mark for another"
        );
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
        let keyed = row_hash(Some(&key(1, Suite::Standard)), &row);
        let sm = row_hash(Some(&key(1, Suite::Sm)), &row);
        assert_eq!(plain.len(), 64);
        assert_eq!(keyed.len(), 64);
        assert_eq!(sm.len(), 64);
        assert_ne!(plain, keyed);
        assert_ne!(keyed, sm, "the suites differ");
        assert_ne!(keyed, row_hash(Some(&key(2, Suite::Standard)), &row));
    }

    #[test]
    fn each_row_is_linked_with_the_key_of_its_era() {
        let eras = Eras {
            keyed: 3,
            sm: Some(10),
            standard_key: key(1, Suite::Standard),
            sm_key: key(1, Suite::Sm),
        };
        let mac = |seq| eras.key(seq).map(|k| k.mac(b"x"));
        assert_eq!(mac(2), None);
        assert_eq!(mac(3), Some(key(1, Suite::Standard).mac(b"x")));
        assert_eq!(mac(9), mac(3));
        assert_eq!(mac(10), Some(key(1, Suite::Sm).mac(b"x")));
    }
}
