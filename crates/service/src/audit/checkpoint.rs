//! Signed checkpoints of the audit chain: the sequence number and MAC of the newest row, the
//! time, and a MAC of the three, to keep outside the server (printed, mailed, in another
//! system). The chain alone shows rows changed or removed in the middle; a checkpoint also
//! shows rows removed from the end, or a database restored from an older copy, since the row
//! it names must still be there with the same MAC.

use dangjian_store::audit;

use crate::crypto::{AuditKey, Suite};
use crate::{App, ServiceResult, now_ms};

const PREFIX: &str = "dangjian-audit-checkpoint v1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    pub signature: String,
}

impl Checkpoint {
    /// One line: `dangjian-audit-checkpoint v1 seq=… hash=… at=… sig=…`.
    pub fn line(&self) -> String {
        format!(
            "{PREFIX} seq={} hash={} at={} sig={}",
            self.seq, self.hash, self.at, self.signature
        )
    }

    pub fn parse(line: &str) -> Option<Checkpoint> {
        let rest = line.trim().strip_prefix(PREFIX)?;
        let mut seq = None;
        let mut hash = None;
        let mut at = None;
        let mut signature = None;
        for part in rest.split_whitespace() {
            match part.split_once('=')? {
                ("seq", v) => seq = v.parse().ok(),
                ("hash", v) => hash = Some(v.to_string()),
                ("at", v) => at = v.parse().ok(),
                ("sig", v) => signature = Some(v.to_string()),
                _ => return None,
            }
        }
        Some(Checkpoint {
            seq: seq?,
            hash: hash?,
            at: at?,
            signature: signature?,
        })
    }
}

fn signature(key: &AuditKey, seq: i64, hash: &str, at: i64) -> String {
    key.mac(format!("audit-checkpoint:{seq}:{hash}:{at}").as_bytes())
}

impl App {
    /// A checkpoint of the chain as it is now.
    pub async fn audit_checkpoint(&self) -> ServiceResult<Checkpoint> {
        let mut conn = self.db.conn().await?;
        let (seq, hash) = audit::head(&mut conn).await?;
        let at = now_ms();
        Ok(Checkpoint {
            seq,
            signature: signature(&self.crypto.audit_key(), seq, &hash, at),
            hash,
            at,
        })
    }

    /// Whether a checkpoint was made with this key and the chain still holds the row it
    /// names, unchanged; else why not.
    pub async fn check_checkpoint(&self, c: &Checkpoint) -> ServiceResult<Result<(), String>> {
        // A checkpoint kept from before the database moved to 国密 was signed with the
        // standard key; both keys come from the data key.
        let signed = [Suite::Standard, Suite::Sm].into_iter().any(|suite| {
            signature(&self.crypto.audit_key_of(suite), c.seq, &c.hash, c.at) == c.signature
        });
        if !signed {
            return Ok(Err(
                "检查点的签名不符：不是用本系统的密钥生成的，或已被改动".into(),
            ));
        }
        let mut conn = self.db.conn().await?;
        let rows = audit::page(&mut conn, c.seq - 1, 1).await?;
        Ok(match rows.first() {
            Some(r) if r.seq == c.seq && r.hash == c.hash => Ok(()),
            Some(r) if r.seq == c.seq => {
                Err(format!("第 {} 条记录与检查点不一致：已被改动", c.seq))
            }
            _ => Err(format!(
                "检查点记录的第 {} 条已不存在：日志末尾的记录被删除，或数据库被旧副本覆盖",
                c.seq
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_from_its_line() {
        let c = Checkpoint {
            seq: 42,
            hash: "ab".repeat(32),
            at: 1_700_000_000_000,
            signature: "cd".repeat(32),
        };
        assert_eq!(Checkpoint::parse(&c.line()), Some(c.clone()));
        assert_eq!(
            Checkpoint::parse(&c.line().replace("seq=42", "seq=x")),
            None
        );
        assert_eq!(Checkpoint::parse("something else"), None);
    }

    #[test]
    fn the_signature_covers_every_field() {
        let key = |byte, suite| crate::Crypto::new(&[byte; 32], suite).audit_key();
        let k = key(3, Suite::Sm);
        let s = signature(&k, 5, "h", 9);
        assert_ne!(s, signature(&k, 6, "h", 9));
        assert_ne!(s, signature(&k, 5, "i", 9));
        assert_ne!(s, signature(&k, 5, "h", 10));
        assert_ne!(s, signature(&key(4, Suite::Sm), 5, "h", 9));
        assert_ne!(s, signature(&key(3, Suite::Standard), 5, "h", 9));
    }
}
