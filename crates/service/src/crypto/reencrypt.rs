//! Moving a database to the 国密 suite: every encrypted value decrypted with the standard
//! cipher and sealed again with SM4-GCM, every blind index computed again with HMAC-SM3, in
//! one transaction with its audit row, the first row linked with the SM3 key. Killed half-way,
//! nothing changed. Run with the server stopped: a server still running holds the old suite.

use dangjian_store::encrypted::{self, Column};
use dangjian_store::setting;

use super::Suite;
use crate::audit::Entry;
use crate::{Actor, App, Crypto, ServiceError, ServiceResult};

/// What a move to another suite rewrote.
#[derive(Debug)]
pub struct Reencrypted {
    /// Each column and how many values it held.
    pub values: Vec<(&'static str, usize)>,
    pub request_addresses: usize,
    /// Accounts whose unused recovery codes were dropped (they make new ones).
    pub recovery_accounts: i64,
}

/// The blind index kept beside a column, computed as the code that writes the column does.
fn index(column: Column, crypto: &Crypto, plain: &str) -> Option<String> {
    match column {
        Column::MemberId | Column::PersonId | Column::ApplicantId => {
            Some(crypto.blind_index("id", plain))
        }
        Column::MemberPhone | Column::PersonPhone => Some(crypto.blind_index("phone", plain)),
        Column::RequestPhone => Some(crate::request::public::phone_index(crypto, plain)),
        Column::HouseholdPhone | Column::SecondFactorSecret => None,
    }
}

impl App {
    pub async fn reencrypt(&self, actor: &Actor, to: Suite) -> ServiceResult<Reencrypted> {
        // An operator's command on a stopped server, never a user's action.
        if actor.user_id.is_some() {
            return Err(ServiceError::NotFound);
        }
        let from = self.crypto.suite();
        if from == to {
            return Err(ServiceError::Config(format!(
                "数据库已使用 {}，无需迁移",
                to.label()
            )));
        }
        if to != Suite::Sm {
            return Err(ServiceError::Config(
                "只能从标准算法迁移到国密，不能改回".into(),
            ));
        }
        // The old rows' links must hold before the next ones are made with another key.
        if let Some((seq, why)) = self.verify_audit().await?.problem {
            return Err(ServiceError::Config(format!(
                "审计日志校验失败（第 {seq} 条，{why}）：请先核查，未迁移"
            )));
        }
        let target = self.crypto.with_suite(to);
        let mut tx = self.begin_audited_with(target.audit_key()).await?;
        let mut values = Vec::new();
        for column in Column::ALL {
            let rows = encrypted::read(tx.conn(), column).await?;
            for (key, cipher) in &rows {
                let plain = self.crypto.decrypt(cipher).ok_or_else(|| {
                    ServiceError::Config(format!(
                        "{}（编号 {key}）无法用现有密钥解密：未迁移，请先核查",
                        column.label()
                    ))
                })?;
                let sealed = target.encrypt(&plain);
                let index = index(column, &target, &plain);
                encrypted::rewrite(tx.conn(), column, *key, &sealed, index.as_deref()).await?;
            }
            values.push((column.label(), rows.len()));
        }
        let addresses = encrypted::request_addresses(tx.conn()).await?;
        for (id, address) in &addresses {
            let index = crate::request::public::address_index(&target, address);
            encrypted::set_request_address_index(tx.conn(), *id, &index).await?;
        }
        let recovery_accounts = encrypted::drop_digests(tx.conn()).await?;
        setting::set(tx.conn(), setting::CRYPTO_SUITE, to.name()).await?;
        setting::set(tx.conn(), setting::KEY_CHECK, &target.key_check()).await?;
        let seq = tx.seq();
        self.mark_sm_audit(tx.conn(), seq).await?;
        let total: usize = values.iter().map(|(_, n)| n).sum();
        tx.commit(
            actor,
            Entry::ok("crypto.reencrypt", "database", to.name()).detail(format!(
                "{} → {}，{total} 个加密值，{} 个地址索引，{recovery_accounts} 个账号的恢复码作废",
                from.label(),
                to.label(),
                addresses.len()
            )),
        )
        .await?;
        Ok(Reencrypted {
            values,
            request_addresses: addresses.len(),
            recovery_accounts,
        })
    }
}
