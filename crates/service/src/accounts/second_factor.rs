//! Two-factor login: a TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) from an
//! authenticator app, or one of ten recovery codes, each used once. Required of every
//! administrative duty, optional for others. A code is accepted for the step before and after
//! the current one (clocks drift), and never twice.

use dangjian_domain::role::Role;
use dangjian_store::user::{self, UserRow};
use dangjian_store::{Conn, second_factor, session};
use rand::RngCore;
use serde::Serialize;
use totp_rs::{Algorithm, TOTP};
use utoipa::ToSchema;

use super::policy;
use crate::audit::Entry;
use crate::auth::Stage;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

const STEP_SECONDS: u64 = 30;
const SECRET_BYTES: usize = 20;
const RECOVERY_CODES: usize = 10;
/// What authenticator apps show as the account's issuer.
const ISSUER: &str = "智慧党建云";

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = base32_decode(secret_base32)?;
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECONDS, bytes).ok()
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(s.to_string()).to_bytes().ok()
}

/// The code an authenticator shows at `unix_seconds` for a secret in base32.
pub fn code_at(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    totp(secret_base32).map(|t| t.generate(unix_seconds))
}

/// The step of `code` among the steps around `now` later than `after`, if it is one.
fn matching_step(secret_base32: &str, code: &str, now_seconds: u64, after: i64) -> Option<i64> {
    let t = totp(secret_base32)?;
    let now = now_seconds / STEP_SECONDS;
    (now.saturating_sub(1)..=now + 1)
        .filter(|s| i64::try_from(*s).is_ok_and(|s| s > after))
        .find(|s| t.check(code, s * STEP_SECONDS))
        .and_then(|s| i64::try_from(s).ok())
}

/// Spaces and dashes dropped, lower case: "ABCDE-FGHIJ" and "abcdefghij" are one code.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn recovery_hash(crypto: &crate::Crypto, code: &str) -> String {
    crypto.digest(&[b"dangjian/recovery/v1:", normalise(code).as_bytes()])
}

fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 10];
            rng.fill_bytes(&mut b);
            let s: String = b
                .iter()
                .map(|x| ALPHABET[usize::from(*x) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn unix_seconds() -> u64 {
    u64::try_from(now_ms() / 1000).unwrap_or_default()
}

/// What an enrolment shows: the secret as text and as the `otpauth://` address a QR code
/// carries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    /// The account's role must use it (it cannot be turned off).
    pub required: bool,
    pub recovery_codes_left: i64,
}

/// The stage a session goes to after `passed` (the second factor, when the account has one):
/// a new password first, then an enrolment the role requires, then everything.
pub(crate) fn next_stage(u: &UserRow, role: Role, enabled: bool) -> Stage {
    if u.must_change_password {
        Stage::ChangePassword
    } else if role.requires_second_factor() && !enabled {
        Stage::Enrol
    } else {
        Stage::Ok
    }
}

fn wrong_code() -> ServiceError {
    ServiceError::field(
        "otp",
        "bad_second_factor",
        "验证码不正确或已使用（多次输错后须稍候再试）",
    )
}

impl App {
    /// Whether `code` is the account's current TOTP code or one of its unused recovery
    /// codes; either is used up by being accepted.
    pub(crate) async fn accept_second_factor(
        &self,
        conn: &mut Conn,
        user_id: i64,
        code: &str,
    ) -> ServiceResult<bool> {
        let Some(f) = second_factor::get(conn, user_id).await? else {
            return Ok(false);
        };
        if f.enabled_at.is_none() {
            return Ok(false);
        }
        let code = code.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            let secret = self
                .crypto()
                .decrypt(&f.secret_cipher)
                .ok_or_else(|| ServiceError::Internal("second factor secret unreadable".into()))?;
            return Ok(
                match matching_step(&secret, code, unix_seconds(), f.last_step) {
                    Some(step) => second_factor::use_step(conn, user_id, step).await?,
                    None => false,
                },
            );
        }
        if normalise(code).len() != 10 {
            return Ok(false);
        }
        Ok(second_factor::use_recovery_code(
            conn,
            user_id,
            &recovery_hash(self.crypto(), code),
            now_ms(),
        )
        .await?)
    }

    async fn own_user(&self, actor: &Actor) -> ServiceResult<(UserRow, String)> {
        let (Some(id), Some(s)) = (actor.user_id, &actor.session) else {
            return Err(ServiceError::Unauthenticated);
        };
        let mut conn = self.db.conn().await?;
        let u = user::by_id(&mut conn, id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        Ok((u, s.handle.clone()))
    }

    pub async fn second_factor_status(&self, actor: &Actor) -> ServiceResult<SecondFactorStatus> {
        let id = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
        let mut conn = self.db.conn().await?;
        let enabled = second_factor::get(&mut conn, id)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        Ok(SecondFactorStatus {
            enabled,
            required: actor.role.requires_second_factor(),
            recovery_codes_left: second_factor::unused_recovery_codes(&mut conn, id).await?,
        })
    }

    /// A secret to scan, kept until the first code confirms it (the same one on every visit
    /// of the page until then).
    pub async fn begin_enrolment(&self, actor: &Actor) -> ServiceResult<Enrolment> {
        let (u, _) = self.own_user(actor).await?;
        let mut tx = self.db.begin_write().await?;
        let secret = match second_factor::get(&mut tx, u.id).await? {
            Some(f) if f.enabled_at.is_some() => {
                return Err(ServiceError::field(
                    "otp",
                    "already_enabled",
                    "两步验证已经启用",
                ));
            }
            Some(f) => self
                .crypto()
                .decrypt(&f.secret_cipher)
                .ok_or_else(|| ServiceError::Internal("second factor secret unreadable".into()))?,
            None => {
                let mut raw = [0u8; SECRET_BYTES];
                rand::rng().fill_bytes(&mut raw);
                let secret = totp_rs::Secret::Raw(raw.to_vec()).to_encoded().to_string();
                second_factor::begin(&mut tx, u.id, &self.crypto().encrypt(&secret), now_ms())
                    .await?;
                secret
            }
        };
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        let uri = format!(
            "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
            percent(ISSUER),
            percent(&u.username),
            percent(ISSUER)
        );
        Ok(Enrolment { secret, uri })
    }

    /// Confirms the enrolment with a first code; answers the recovery codes, shown this once.
    /// A session that had to enrol goes on to everything.
    pub async fn confirm_enrolment(&self, actor: &Actor, code: &str) -> ServiceResult<Vec<String>> {
        let (u, handle) = self.own_user(actor).await?;
        let pending = {
            let mut conn = self.db.conn().await?;
            second_factor::get(&mut conn, u.id).await?
        };
        let Some(f) = pending.filter(|f| f.enabled_at.is_none()) else {
            return Err(ServiceError::field(
                "otp",
                "no_enrolment",
                "请先打开两步验证页面扫描二维码",
            ));
        };
        let secret = self
            .crypto()
            .decrypt(&f.secret_cipher)
            .ok_or_else(|| ServiceError::Internal("second factor secret unreadable".into()))?;
        let Some(step) = matching_step(&secret, code.trim(), unix_seconds(), 0) else {
            return Err(ServiceError::field(
                "otp",
                "bad_second_factor",
                "验证码不正确：请核对手机时间，输入验证器上当前显示的 6 位数字",
            ));
        };
        let codes = recovery_codes();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| recovery_hash(self.crypto(), c))
            .collect();
        let mut tx = self.begin_audited().await?;
        second_factor::enable(tx.conn(), u.id, now_ms(), step).await?;
        second_factor::set_recovery_codes(tx.conn(), u.id, &hashes).await?;
        let next = next_stage(&u, actor.role, true);
        session::set_stage(tx.conn(), u.id, &handle, next.as_str()).await?;
        tx.commit(
            actor,
            Entry::ok("user.second_factor", "user", u.id).detail("enabled"),
        )
        .await?;
        Ok(codes)
    }

    /// Turns the second factor off, for a role that may go without (a current code needed).
    pub async fn disable_second_factor(&self, actor: &Actor, code: &str) -> ServiceResult<()> {
        let (u, _) = self.own_user(actor).await?;
        if actor.role.requires_second_factor() {
            return Err(ServiceError::Forbidden("您的角色必须使用两步验证"));
        }
        let mut tx = self.begin_audited().await?;
        if !self.accept_second_factor(tx.conn(), u.id, code).await? {
            return Err(wrong_code());
        }
        second_factor::remove(tx.conn(), u.id).await?;
        tx.commit(
            actor,
            Entry::ok("user.second_factor", "user", u.id).detail("disabled"),
        )
        .await
    }

    /// The second step of a browser login: a code, then whatever the account must do next.
    /// Throttled with the login (one account from one address).
    pub async fn pass_second_factor(&self, actor: &Actor, code: &str) -> ServiceResult<Stage> {
        let (u, handle) = self.own_user(actor).await?;
        let key = (u.username.to_lowercase(), actor.ip.clone());
        if !self.login_failures.try_attempt(key.clone(), now_ms()) {
            return Err(wrong_code());
        }
        let mut tx = self.begin_audited().await?;
        if !self.accept_second_factor(tx.conn(), u.id, code).await? {
            drop(tx);
            self.audit_alone(
                actor,
                Entry::ok("login.second_factor", "user", u.id).with_result("failed"),
            )
            .await?;
            return Err(wrong_code());
        }
        self.login_failures.clear(&key);
        let next = next_stage(&u, actor.role, true);
        session::set_stage(tx.conn(), u.id, &handle, next.as_str()).await?;
        user::record_success(tx.conn(), u.id, now_ms(), &actor.ip).await?;
        tx.commit(actor, Entry::ok("login.second_factor", "user", u.id))
            .await?;
        Ok(next)
    }

    /// An account manager clears another account's second factor (a lost phone): its
    /// sessions end, and a role that requires one enrols again at its next login.
    pub async fn reset_second_factor(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let u = {
            let mut conn = self.db.conn().await?;
            user::by_id(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?
        };
        policy::check_change(actor, &u)?;
        let mut tx = self.begin_audited().await?;
        second_factor::remove(tx.conn(), u.id).await?;
        session::delete_for_user(tx.conn(), u.id).await?;
        tx.commit(
            actor,
            Entry::ok("user.second_factor", "user", u.id).detail(format!("{} reset", u.username)),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 (its 8-digit values, last 6 digits).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = totp_rs::Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        for (t, expected) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).as_deref(), Some(expected), "T = {t}");
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_never_twice() {
        let secret = totp_rs::Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let now = 1_800_000_000;
        let step = i64::try_from(now / STEP_SECONDS).expect("step");
        let code = code_at(&secret, now).expect("code");
        assert_eq!(matching_step(&secret, &code, now, 0), Some(step));
        assert_eq!(
            matching_step(&secret, &code, now + 30, 0),
            Some(step),
            "a step late"
        );
        assert_eq!(
            matching_step(&secret, &code, now - 30, 0),
            Some(step),
            "a step early"
        );
        assert_eq!(matching_step(&secret, &code, now + 90, 0), None, "too late");
        assert_eq!(matching_step(&secret, &code, now, step), None, "used");
        assert_eq!(matching_step(&secret, "12345", now, 0), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_loosely() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        let c = &codes[0];
        assert_eq!(c.len(), 11);
        let crypto = crate::Crypto::new(&[1; 32], crate::Suite::Sm);
        assert_eq!(
            recovery_hash(&crypto, c),
            recovery_hash(&crypto, &c.to_uppercase().replace('-', " "))
        );
    }
}
