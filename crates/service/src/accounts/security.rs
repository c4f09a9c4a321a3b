//! The security policy: read by every login and request, set by the security administrator.

use std::sync::{Arc, RwLock};

use dangjian_domain::security::{BOUNDS, SecurityPolicy};
use dangjian_store::{Db, setting};

use super::policy;
use crate::audit::Entry;
use crate::{Actor, App, ServiceError, ServiceResult};

/// The policy in force, shared by every clone of the application.
#[derive(Clone)]
pub(crate) struct Current(Arc<RwLock<SecurityPolicy>>);

impl Current {
    pub(crate) async fn load(db: &Db) -> ServiceResult<Current> {
        let mut conn = db.conn().await?;
        let policy = match setting::get(&mut conn, setting::SECURITY_POLICY).await? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                ServiceError::Config(format!(
                    "安全策略无法读取（setting {}）：{e}",
                    setting::SECURITY_POLICY
                ))
            })?,
            None => SecurityPolicy::default(),
        };
        Ok(Current(Arc::new(RwLock::new(policy))))
    }

    pub(crate) fn get(&self) -> SecurityPolicy {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set(&self, p: SecurityPolicy) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = p;
    }
}

/// One setting as the form shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Setting {
    pub field: &'static str,
    pub label: &'static str,
    pub value: u32,
    pub min: u32,
    pub max: u32,
}

pub fn settings(p: &SecurityPolicy) -> Vec<Setting> {
    BOUNDS
        .iter()
        .map(|(field, label, min, max)| Setting {
            field,
            label,
            value: p.get(field).unwrap_or_default(),
            min: *min,
            max: *max,
        })
        .collect()
}

impl App {
    /// The policy in force, for the checks that need it.
    pub fn security_policy(&self) -> SecurityPolicy {
        self.security.get()
    }

    /// The policy as its administrator reads it.
    pub fn read_security_policy(&self, actor: &Actor) -> ServiceResult<SecurityPolicy> {
        policy::check_security(actor)?;
        Ok(self.security.get())
    }

    /// Replaces the policy; the audit row names each value changed, from and to.
    pub async fn set_security_policy(
        &self,
        actor: &Actor,
        new: SecurityPolicy,
    ) -> ServiceResult<()> {
        policy::check_security(actor)?;
        new.validate().map_err(ServiceError::Invalid)?;
        let old = self.security.get();
        let changes: Vec<String> = BOUNDS
            .iter()
            .filter_map(|(field, ..)| {
                let (a, b) = (old.get(field)?, new.get(field)?);
                (a != b).then(|| format!("{field}: {a} → {b}"))
            })
            .collect();
        let json =
            serde_json::to_string(&new).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.begin_audited().await?;
        setting::set(tx.conn(), setting::SECURITY_POLICY, &json).await?;
        tx.commit(
            actor,
            Entry::ok("security.policy", "setting", setting::SECURITY_POLICY)
                .detail(changes.join("; ")),
        )
        .await?;
        self.login_failures.set_free(new.free_failed_logins);
        self.security.set(new);
        Ok(())
    }
}
