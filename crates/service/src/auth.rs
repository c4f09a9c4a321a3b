//! Logins, their throttling, server-side sessions and API tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use dangjian_domain::role::Role;
use dangjian_store::session::{self, SessionRow};
use dangjian_store::user::{self, UserRow};
use dangjian_store::{Conn, member};
use rand::RngCore;
use sha2::{Digest, Sha256};

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

/// What a session may do: everything, or only what its account must do first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Ok,
    /// The password was set by an administrator: a new one before anything else.
    ChangePassword,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Ok => "ok",
            Stage::ChangePassword => "password",
        }
    }

    fn parse(s: &str) -> Stage {
        match s {
            "ok" => Stage::Ok,
            // Anything else admits less, never more.
            _ => Stage::ChangePassword,
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

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

    pub async fn login(
        &self,
        username: &str,
        password: &str,
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
        // Tries are counted per account name and address, known account or not.
        // Tries are counted per account name and address, known account or not, before the
        // password is checked (a success clears them).
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
        self.login_failures.clear(&key);
        if u.disabled {
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
        let stage = if u.must_change_password {
            Stage::ChangePassword
        } else {
            Stage::Ok
        };
        if kind == SessionKind::Api && stage != Stage::Ok {
            tx.commit(
                &who,
                Entry::ok("login", "user", u.id).with_result("password_change_required"),
            )
            .await?;
            return Err(ServiceError::field(
                "password",
                "password_change_required",
                "该账号须先在网页上修改密码，之后才能取得令牌",
            ));
        }
        user::record_success(tx.conn(), u.id, now, ip).await?;
        let token = random_hex(32);
        let csrf = random_hex(16);
        let hash = token_hash(&token);
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
        let hash = token_hash(token);
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
        session::delete(tx.conn(), &token_hash(token)).await?;
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
