//! Account management from the web, by the system administrators of each level: the
//! accounts of their subtree, paged and filtered; creating, disabling, resetting and
//! unlocking them; ending their sessions.

use dangjian_domain::role::Role;
use dangjian_store::user::{self, NewUser, UserFilter, UserRow};
use dangjian_store::{org, second_factor, session};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    SessionView, check_display_name, check_member_link, check_username, insert, parse_role, policy,
};
use crate::audit::Entry;
use crate::auth::{hash_password, random_password};
use crate::model::all;
use crate::orgs::places;
use crate::{Actor, App, ServiceError, ServiceResult};

const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// The start of a username or a display name.
    pub q: Option<String>,
    pub role: Option<String>,
    pub page: Option<i64>,
}

/// What the reader may do to an account: disable or enable it, reset its password, clear
/// its failed logins and end its sessions, all or none.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountActions {
    pub manage: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: &'static str,
    pub scope_org_id: i64,
    /// The scope named with its parents below the reader's scope.
    pub scope_place: String,
    pub member_id: Option<i64>,
    pub disabled: bool,
    /// A password set by an administrator, to be replaced at the next login.
    pub must_change_password: bool,
    /// Failed logins since the last success.
    pub failed_logins: i64,
    pub last_login_at: Option<i64>,
    pub last_login_ip: Option<String>,
    pub actions: AccountActions,
}

/// A role an account manager may give, for the form's choice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleChoice {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountPage {
    pub rows: Vec<Account>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    /// The roles the reader may give (the filter and the creation form).
    pub roles: Vec<RoleChoice>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDetail {
    pub account: Account,
    /// Whether the account logs in with a second factor.
    pub second_factor: bool,
    pub sessions: Vec<SessionView>,
}

pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The organization whose subtree the account acts in, by id or code.
    pub scope: String,
    pub member_id: Option<i64>,
}

/// An account just created or reset: the password to hand over, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedPassword {
    pub id: i64,
    pub username: String,
    pub temporary_password: String,
}

fn account(actor: &Actor, u: UserRow, scope_place: String) -> Account {
    let manage = policy::may_change(actor, &u);
    let role = Role::parse(&u.role);
    Account {
        id: u.id,
        role_label: role.map_or("未知", Role::label),
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        scope_org_id: u.scope_org_id,
        scope_place,
        member_id: u.member_id,
        disabled: u.disabled,
        must_change_password: u.must_change_password,
        failed_logins: u.failed_logins,
        last_login_at: u.last_login_at,
        last_login_ip: u.last_login_ip,
        actions: AccountActions { manage },
    }
}

fn roles_for(actor: &Actor) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .filter(|r| actor.role.may_grant(*r))
        .map(|r| RoleChoice {
            code: r.as_str(),
            label: r.label(),
        })
        .collect()
}

impl App {
    pub async fn accounts(&self, actor: &Actor, f: &AccountFilter) -> ServiceResult<AccountPage> {
        policy::check_manage_accounts(actor)?;
        let role = match f.role.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => Some(parse_role(r)?.as_str().to_string()),
            None => None,
        };
        let filter = UserFilter {
            root: actor.scope_path.clone(),
            q: f.q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_string),
            role,
        };
        let page = crate::model::page_number(f.page);
        let mut conn = self.db.conn().await?;
        let (rows, total) =
            user::list_under(&mut conn, &filter, (page - 1) * PER_PAGE, PER_PAGE).await?;
        let paths: Vec<&str> = rows.iter().map(|u| u.scope_path.as_str()).collect();
        let places = places(&mut conn, &actor.scope_path, &paths).await?;
        let rows = rows
            .into_iter()
            .map(|u| {
                let p = places.get(&u.scope_path).cloned().unwrap_or_default();
                account(actor, u, p)
            })
            .collect();
        Ok(AccountPage {
            rows,
            total,
            page,
            pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
            per_page: PER_PAGE,
            roles: roles_for(actor),
        })
    }

    /// The roles the actor may give, for the creation form.
    pub fn account_roles(&self, actor: &Actor) -> ServiceResult<Vec<RoleChoice>> {
        policy::check_manage_accounts(actor)?;
        Ok(roles_for(actor))
    }

    async fn readable_account(&self, actor: &Actor, id: i64) -> ServiceResult<UserRow> {
        let mut conn = self.db.conn().await?;
        let u = user::by_id(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &u)?;
        Ok(u)
    }

    async fn changeable_account(&self, actor: &Actor, id: i64) -> ServiceResult<UserRow> {
        let u = self.readable_account(actor, id).await?;
        policy::check_change(actor, &u)?;
        Ok(u)
    }

    pub async fn account(&self, actor: &Actor, id: i64) -> ServiceResult<AccountDetail> {
        let u = self.readable_account(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let sessions = all(session::list_for_user(&mut conn, u.id).await?);
        let second_factor = second_factor::get(&mut conn, u.id)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        let places = places(&mut conn, &actor.scope_path, &[u.scope_path.as_str()]).await?;
        let p = places.get(&u.scope_path).cloned().unwrap_or_default();
        Ok(AccountDetail {
            account: account(actor, u, p),
            second_factor,
            sessions,
        })
    }

    /// Opens an account with a random password that must be changed at its first login.
    pub async fn create_account(
        &self,
        actor: &Actor,
        new: &NewAccount,
    ) -> ServiceResult<IssuedPassword> {
        policy::check_manage_accounts(actor)?;
        let username = new.username.trim();
        check_username(username)?;
        check_display_name(&new.display_name)?;
        let role = parse_role(&new.role)?;
        let scope = {
            let mut conn = self.db.conn().await?;
            let wanted = new.scope.trim();
            let found = match wanted.parse::<i64>() {
                Ok(id) => org::get(&mut conn, id).await?,
                Err(_) => org::get_by_code(&mut conn, wanted).await?,
            };
            // One answer for a code that does not exist and one outside the subtree.
            let scope = found
                .filter(|o| dangjian_domain::path::contains(&actor.scope_path, &o.path))
                .ok_or_else(|| {
                    ServiceError::field(
                        "scope",
                        "unknown_org",
                        "找不到该组织：请填写本级或下级组织的代码",
                    )
                })?;
            policy::check_create(actor, role, &scope.path)?;
            check_member_link(&mut conn, role, &scope.path, new.member_id).await?;
            scope
        };
        let password = random_password();
        let hash = hash_password(password.clone()).await?;
        let mut tx = self.begin_audited().await?;
        let row = NewUser {
            username,
            display_name: new.display_name.trim(),
            password_hash: &hash,
            role: role.as_str(),
            scope_org_id: scope.id,
            member_id: new.member_id.filter(|_| role == Role::Member),
        };
        let id = insert(tx.conn(), &row, true).await?;
        tx.commit(
            actor,
            Entry::ok("user.create", "user", id).detail(format!(
                "{username} {} @{}",
                role.as_str(),
                scope.code
            )),
        )
        .await?;
        Ok(IssuedPassword {
            id,
            username: username.to_string(),
            temporary_password: password,
        })
    }

    /// Gives the account a random password to change at its next login, and ends its
    /// sessions.
    pub async fn reset_account_password(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<IssuedPassword> {
        let u = self.changeable_account(actor, id).await?;
        let password = random_password();
        let hash = hash_password(password.clone()).await?;
        let mut tx = self.begin_audited().await?;
        user::set_password(tx.conn(), u.id, &hash, true).await?;
        session::delete_for_user(tx.conn(), u.id).await?;
        tx.commit(
            actor,
            Entry::ok("user.reset", "user", u.id).detail(&u.username),
        )
        .await?;
        Ok(IssuedPassword {
            id: u.id,
            username: u.username,
            temporary_password: password,
        })
    }

    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        id: i64,
        disabled: bool,
    ) -> ServiceResult<()> {
        let u = self.changeable_account(actor, id).await?;
        self.write_disabled(actor, &u, disabled).await
    }

    /// Lets the account's owner try again at once from every address: clears the waits its
    /// failed logins earned and their count.
    pub async fn unlock_account(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let u = self.changeable_account(actor, id).await?;
        let mut tx = self.begin_audited().await?;
        user::clear_failures(tx.conn(), u.id).await?;
        tx.commit(
            actor,
            Entry::ok("user.unlock", "user", u.id).detail(&u.username),
        )
        .await?;
        let name = u.username.to_lowercase();
        self.login_failures.forget(|(who, _)| *who == name);
        Ok(())
    }

    /// Ends one of the account's sessions (a lost phone, a shared computer).
    pub async fn end_account_session(
        &self,
        actor: &Actor,
        id: i64,
        handle: &str,
    ) -> ServiceResult<()> {
        let u = self.changeable_account(actor, id).await?;
        self.end_session(actor, &u, handle).await
    }

    pub(super) async fn end_session(
        &self,
        actor: &Actor,
        u: &UserRow,
        handle: &str,
    ) -> ServiceResult<()> {
        if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::NotFound);
        }
        let mut tx = self.begin_audited().await?;
        if !session::delete_by_handle(tx.conn(), u.id, handle).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit(
            actor,
            Entry::ok("session.end", "user", u.id).detail(format!("{} {handle}", u.username)),
        )
        .await
    }
}
