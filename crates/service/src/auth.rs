//! Logins, their throttling, server-side sessions and API tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use dangjian_domain::role::Role;
use dangjian_store::session::{self, SessionRow};
use dangjian_store::user::{self, UserRow};
use dangjian_store::{Conn, member, second_factor};
use rand::RngCore;

use crate::accounts::second_factor::next_stage;
use crate::audit::Entry;
use crate::{Actor, App, ServiceError, ServiceResult, SessionInfo, now_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

pub struct LoginOutcome {
    pub token: String,
    pub csrf: String,
    pub actor: Actor,
    pub stage: Stage,
}

fn session_info(hash: &str, s: &SessionRow) -> SessionInfo {
    SessionInfo {
        handle: hash.chars().take(16).collect(),
        stage: Stage::parse(&s.stage),
        previous_login_at: s.prev_login_at,
        previous_login_ip: s.prev_login_ip.clone(),
    }
}

pub struct Authenticated {
    pub actor: Actor,
    pub csrf: String,
    pub kind: SessionKind,
    pub stage: Stage,
}

/// What a session may do: everything, or only what its account must do first, in this
/// order: the second factor, a new password, an enrolment its role requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Ok,
    /// The password was right; the code from the authenticator comes next.
    SecondFactor,
    /// The password was set by an administrator: a new one before anything else.
    ChangePassword,
    /// The role requires a second factor the account has not set up.
    Enrol,
}

impl Stage {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Ok => "ok",
            Stage::SecondFactor => "otp",
            Stage::ChangePassword => "password",
            Stage::Enrol => "enrol",
        }
    }

    pub(crate) fn parse(s: &str) -> Stage {
        match s {
            "ok" => Stage::Ok,
            "password" => Stage::ChangePassword,
            "enrol" => Stage::Enrol,
            // Anything else admits least.
            _ => Stage::SecondFactor,
        }
    }
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A password for someone to change at once (a reset, a new account, the demo): 16
/// characters without look-alikes, about 92 bits.
pub fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), run off the async threads.
pub async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

pub(crate) async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A fixed hash to verify against when the user does not exist, so that the answer takes
/// as long as for a real account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9mK0kkr0YQ1BiSk1LB3mXPYJyLxgtKSRlyXsdiU+5dY";

/// One answer for an unknown account, a wrong password and a try that must wait, so that
/// the answer tells a guesser neither which accounts exist nor whom it slowed.
fn bad_credentials() -> ServiceError {
    ServiceError::field(
        "password",
        "bad_credentials",
        "用户名或密码错误（多次输错后须稍候再试）",
    )
}

impl App {
    pub(crate) async fn actor_for(
        &self,
        conn: &mut Conn,
        u: &UserRow,
        ip: &str,
    ) -> ServiceResult<Actor> {
        let role = Role::parse(&u.role)
            .ok_or_else(|| ServiceError::Internal(format!("unknown role {}", u.role)))?;
        let member_org_path = match u.member_id {
            Some(id) => member::get(conn, id).await?.map(|m| m.org_path),
            None => None,
        };
        Ok(Actor {
            user_id: Some(u.id),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role,
            scope_org_id: u.scope_org_id,
            scope_path: u.scope_path.clone(),
            scope_name: u.scope_name.clone(),
            member_id: u.member_id,
            member_org_path,
            ip: ip.to_string(),
            session: None,
        })
    }

    /// A login. A browser session whose account has a second factor (or must change its
    /// password, or enrol) starts at that stage; an API token is given only to an account
    /// that has nothing left to do and, with a second factor, sends its code as `otp`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        otp: Option<&str>,
        ip: &str,
        kind: SessionKind,
    ) -> ServiceResult<LoginOutcome> {
        let username = username.trim();
        if username.is_empty()
            || username.len() > 64
            || password.is_empty()
            || password.len() > 1024
        {
            return Err(bad_credentials());
        }
        let now = now_ms();
        let mut who = Actor::system("login");
        who.username = username.to_string();
        who.ip = ip.to_string();
        // Tries are counted per account name and address, known account or not, before the
        // password is checked (a full success clears them: with a second factor, its code).
        let key = (username.to_lowercase(), ip.to_string());
        if !self.login_failures.try_attempt(key.clone(), now) {
            // As long as a real check, so that the time does not tell either.
            verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
            self.audit_alone(
                &who,
                Entry::ok("login", "user", username).with_result("throttled"),
            )
            .await?;
            return Err(bad_credentials());
        }
        let found = {
            let mut conn = self.db.conn().await?;
            user::by_username(&mut conn, username).await?
        };
        let Some(u) = found else {
            verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
            self.audit_alone(
                &who,
                Entry::ok("login", "user", username).with_result("unknown_user"),
            )
            .await?;
            return Err(bad_credentials());
        };
        who.user_id = Some(u.id);
        let ok = verify_password(password.to_string(), u.password_hash.clone()).await;
        let mut tx = self.begin_audited().await?;
        if !ok {
            user::record_failure(tx.conn(), u.id).await?;
            tx.commit(&who, Entry::ok("login", "user", u.id).with_result("failed"))
                .await?;
            return Err(bad_credentials());
        }
        if u.disabled {
            self.login_failures.clear(&key);
            tx.commit(
                &who,
                Entry::ok("login", "user", u.id).with_result("disabled"),
            )
            .await?;
            return Err(ServiceError::field(
                "username",
                "disabled",
                "该账号已停用，请联系管理员",
            ));
        }
        let role = Role::parse(&u.role)
            .ok_or_else(|| ServiceError::Internal(format!("unknown role {}", u.role)))?;
        let enabled = second_factor::get(tx.conn(), u.id)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        let stage = match kind {
            SessionKind::Web if enabled => Stage::SecondFactor,
            SessionKind::Web => next_stage(&u, role, enabled),
            SessionKind::Api => {
                let refused = |code: &'static str, message: &'static str| {
                    (code, ServiceError::field("otp", code, message))
                };
                let problem = if u.must_change_password {
                    Some((
                        "password_change_required",
                        ServiceError::field(
                            "password",
                            "password_change_required",
                            "该账号须先在网页上修改密码，之后才能取得令牌",
                        ),
                    ))
                } else if role.requires_second_factor() && !enabled {
                    Some(refused(
                        "second_factor_enrolment_required",
                        "该账号须先在网页上启用两步验证，之后才能取得令牌",
                    ))
                } else if !enabled {
                    None
                } else {
                    match otp.map(str::trim).filter(|c| !c.is_empty()) {
                        None => Some(refused("second_factor_required", "请提供两步验证码（otp）")),
                        Some(code) if self.accept_second_factor(tx.conn(), u.id, code).await? => {
                            None
                        }
                        Some(_) => Some(refused(
                            "bad_second_factor",
                            "验证码不正确或已使用（多次输错后须稍候再试）",
                        )),
                    }
                };
                if let Some((result, e)) = problem {
                    // The code's use stands even when the login fails after it: a code is
                    // good once.
                    tx.commit(&who, Entry::ok("login", "user", u.id).with_result(result))
                        .await?;
                    return Err(e);
                }
                Stage::Ok
            }
        };
        if stage != Stage::SecondFactor {
            self.login_failures.clear(&key);
            user::record_success(tx.conn(), u.id, now, ip).await?;
        }
        let token = random_hex(32);
        let csrf = random_hex(16);
        let hash = self.crypto.digest(&[token.as_bytes()]);
        let row = SessionRow {
            user_id: u.id,
            kind: kind.as_str().into(),
            csrf: csrf.clone(),
            created_at: now,
            last_seen_at: now,
            ip: ip.to_string(),
            stage: stage.as_str().into(),
            prev_login_at: u.last_login_at,
            prev_login_ip: u.last_login_ip.clone(),
        };
        session::insert(tx.conn(), &hash, &row).await?;
        let mut actor = self.actor_for(tx.conn(), &u, ip).await?;
        actor.session = Some(session_info(&hash, &row));
        tx.commit(
            &actor,
            Entry::ok("login", "user", u.id).detail(kind.as_str()),
        )
        .await?;
        Ok(LoginOutcome {
            token,
            csrf,
            actor,
            stage,
        })
    }

    /// Resolves a session cookie or bearer token to its actor, enforcing idle and absolute
    /// lifetimes.
    pub async fn authenticate(&self, token: &str, ip: &str) -> ServiceResult<Authenticated> {
        if token.len() != 64 {
            return Err(ServiceError::Unauthenticated);
        }
        let hash = self.crypto.digest(&[token.as_bytes()]);
        let mut conn = self.db.conn().await?;
        let s = session::get(&mut conn, &hash)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let now = now_ms();
        let policy = self.security.get();
        if now - s.last_seen_at > policy.session_idle_ms()
            || now - s.created_at > policy.session_max_ms()
        {
            session::delete(&mut conn, &hash).await?;
            return Err(ServiceError::Unauthenticated);
        }
        // Writing on every request would serialise readers behind SQLite's one writer.
        if now - s.last_seen_at > 60_000 {
            session::touch(&mut conn, &hash, now).await?;
        }
        let u = user::by_id(&mut conn, s.user_id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if u.disabled {
            return Err(ServiceError::Unauthenticated);
        }
        let mut actor = self.actor_for(&mut conn, &u, ip).await?;
        actor.session = Some(session_info(&hash, &s));
        let kind = if s.kind == "api" {
            SessionKind::Api
        } else {
            SessionKind::Web
        };
        Ok(Authenticated {
            actor,
            kind,
            stage: Stage::parse(&s.stage),
            csrf: s.csrf,
        })
    }

    pub async fn logout(&self, token: &str, actor: &Actor) -> ServiceResult<()> {
        let mut tx = self.begin_audited().await?;
        session::delete(tx.conn(), &self.crypto.digest(&[token.as_bytes()])).await?;
        tx.commit(
            actor,
            Entry::ok("logout", "user", actor.user_id.unwrap_or_default()),
        )
        .await
    }

    /// Removes expired sessions; run now and then.
    pub async fn purge_sessions(&self) -> ServiceResult<u64> {
        let now = now_ms();
        let policy = self.security.get();
        let mut conn = self.db.conn().await?;
        Ok(session::purge(
            &mut conn,
            now - policy.session_idle_ms(),
            now - policy.session_max_ms(),
        )
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
