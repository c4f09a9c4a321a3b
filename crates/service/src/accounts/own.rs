//! One's own account (我的账号): the last login, the sessions open, a new password.

use dangjian_store::{second_factor, session, user};
use serde::Serialize;
use utoipa::ToSchema;

use super::SessionView;
use super::second_factor::next_stage;
use crate::audit::Entry;
use crate::auth::{hash_password, verify_password};
use crate::model::all;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAccount {
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub scope_name: String,
    /// The login before this session's, and from where.
    pub previous_login_at: Option<i64>,
    pub previous_login_ip: Option<String>,
    /// The password was set by an administrator: a new one is needed before anything else.
    pub must_change_password: bool,
    pub sessions: Vec<SessionView>,
    /// The handle of the session reading this.
    pub current_session: String,
}

impl App {
    pub async fn my_account(&self, actor: &Actor) -> ServiceResult<MyAccount> {
        let (Some(id), Some(s)) = (actor.user_id, &actor.session) else {
            return Err(ServiceError::Unauthenticated);
        };
        let mut conn = self.db.conn().await?;
        let u = user::by_id(&mut conn, id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        Ok(MyAccount {
            username: u.username,
            display_name: u.display_name,
            role_label: actor.role.label(),
            scope_name: u.scope_name,
            previous_login_at: s.previous_login_at,
            previous_login_ip: s.previous_login_ip.clone(),
            must_change_password: u.must_change_password,
            sessions: all(session::list_for_user(&mut conn, id).await?),
            current_session: s.handle.clone(),
        })
    }

    /// Replaces one's own password after checking the current one (throttled like a
    /// login, so that a session left open does not become a way to guess it). The other
    /// sessions end; this one goes on.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let (Some(id), Some(s)) = (actor.user_id, &actor.session) else {
            return Err(ServiceError::Unauthenticated);
        };
        let u = {
            let mut conn = self.db.conn().await?;
            user::by_id(&mut conn, id)
                .await?
                .ok_or(ServiceError::Unauthenticated)?
        };
        let key = (u.username.to_lowercase(), actor.ip.clone());
        let wrong = || {
            ServiceError::field(
                "current_password",
                "wrong_password",
                "当前密码不正确（多次输错后须稍候再试）",
            )
        };
        if !self.login_failures.try_attempt(key.clone(), now_ms()) {
            return Err(wrong());
        }
        if !verify_password(current.to_string(), u.password_hash.clone()).await {
            self.audit_alone(
                actor,
                Entry::ok("user.password", "user", id).with_result("failed"),
            )
            .await?;
            return Err(wrong());
        }
        self.login_failures.clear(&key);
        self.check_new_password(&u, new).await?;
        let hash = hash_password(new.to_string()).await?;
        let mut tx = self.begin_audited().await?;
        user::set_password(tx.conn(), id, &hash, false).await?;
        session::keep_only(tx.conn(), id, &s.handle).await?;
        let enabled = second_factor::get(tx.conn(), id)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        let changed = user::UserRow {
            must_change_password: false,
            ..u
        };
        let next = next_stage(&changed, actor.role, enabled);
        session::set_stage(tx.conn(), id, &s.handle, next.as_str()).await?;
        tx.commit(actor, Entry::ok("user.password", "user", id).detail("self"))
            .await
    }

    /// Ends one of one's own sessions (a computer left logged in elsewhere).
    pub async fn end_own_session(&self, actor: &Actor, handle: &str) -> ServiceResult<()> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        let u = {
            let mut conn = self.db.conn().await?;
            user::by_id(&mut conn, id)
                .await?
                .ok_or(ServiceError::Unauthenticated)?
        };
        self.end_session(actor, &u, handle).await
    }
}
