//! 账号 pages: the account managers' list, form and account page; one's own account (我的账号);
//! the security administrator's policy (安全策略).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::security::SecurityPolicy;
use dangjian_service::ServiceError;
use dangjian_service::accounts::security::{Setting, settings};
use dangjian_service::accounts::{
    Account, AccountDetail, AccountFilter, AccountPage, IssuedPassword, MyAccount, NewAccount,
    RoleChoice,
};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, no_store, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::{Auth, Staged};
use dangjian_service::auth::Stage;

mod second_factor;
use crate::view::{Layout, Pager, format_instant};
pub use second_factor::{
    disable as disable_factor, enrol, otp_form, otp_submit, page, reset as reset_factor,
};

/// An account's last login as a line: "2026-12-05 09:12:03 · 10.0.0.8", or "从未登录".
fn login_line(at: Option<i64>, ip: Option<&str>) -> String {
    match (at, ip) {
        (Some(at), Some(ip)) => format!("{} · {ip}", format_instant(at)),
        (Some(at), None) => format_instant(at),
        _ => "从未登录".into(),
    }
}

fn status(a: &Account) -> &'static str {
    if a.disabled {
        "已停用"
    } else if a.must_change_password {
        "待改密"
    } else {
        "正常"
    }
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    l: Layout,
    p: AccountPage,
    q: String,
    role: String,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    role: String,
    page: Option<i64>,
}

impl ListPage {
    fn last(&self, a: &Account) -> String {
        login_line(a.last_login_at, a.last_login_ip.as_deref())
    }
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let f = AccountFilter {
        q: Some(q.q.clone()),
        role: Some(q.role.clone()),
        page: q.page,
    };
    let p = st.app.accounts(&auth.actor, &f).await?;
    let pager = Pager::new(
        &[("q", q.q.clone()), ("role", q.role.clone())],
        p.page,
        p.per_page,
        p.total,
    );
    Ok(render(&ListPage {
        l: Layout::new(&auth.actor, &auth.csrf, "账号管理", "accounts"),
        p,
        q: q.q,
        role: q.role,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct FormPage {
    l: Layout,
    roles: Vec<RoleChoice>,
    input: AccountForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    username: String,
    display_name: String,
    role: String,
    /// The org's code (or id), prefilled when the form is opened from an org's page.
    org: String,
    member_id: String,
}

fn form_page(
    st: &AppState,
    auth: &Auth,
    input: AccountForm,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let page = FormPage {
        l: Layout::new(&auth.actor, &auth.csrf, "开设账号", "accounts"),
        roles: st.app.account_roles(&auth.actor)?,
        input,
        errors: FormErrors(errors),
    };
    Ok(render_with(page.errors.status(), &page))
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<AccountForm>,
) -> PageResult<Response> {
    form_page(&st, &auth, q, Vec::new())
}

#[derive(Template)]
#[template(path = "account_issued.html")]
struct IssuedPage {
    l: Layout,
    issued: IssuedPassword,
    created: bool,
}

fn issued(auth: &Auth, issued: IssuedPassword, created: bool) -> Response {
    let title = if created {
        "账号已开设"
    } else {
        "密码已重置"
    };
    // The password is shown this once: not kept by the browser's cache either.
    no_store(render(&IssuedPage {
        l: Layout::new(&auth.actor, &auth.csrf, title, "accounts"),
        issued,
        created,
    }))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<AccountForm>,
) -> PageResult<Response> {
    let member_id =
        if f.member_id.trim().is_empty() {
            None
        } else {
            Some(parse_id(&f.member_id).ok_or_else(|| {
                ServiceError::field("member_id", "invalid_id", "党员编号应为数字")
            })?)
        };
    let new = NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        scope: f.org.clone(),
        member_id,
    };
    match st.app.create_account(&auth.actor, &new).await.or_form()? {
        Ok(out) => Ok(issued(&auth, out, true)),
        Err(errs) => form_page(&st, &auth, f, errs),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct DetailPage {
    l: Layout,
    d: AccountDetail,
    status: &'static str,
    last_login: String,
    sessions: Vec<SessionLine>,
}

struct SessionLine {
    handle: String,
    kind: &'static str,
    created: String,
    last_seen: String,
    ip: String,
    current: bool,
}

fn session_lines(d: &[dangjian_service::accounts::SessionView], current: &str) -> Vec<SessionLine> {
    d.iter()
        .map(|s| SessionLine {
            handle: s.handle.clone(),
            kind: if s.kind == "api" {
                "接口令牌"
            } else {
                "浏览器"
            },
            created: format_instant(s.created_at),
            last_seen: format_instant(s.last_seen_at),
            ip: s.ip.clone(),
            current: s.handle == current,
        })
        .collect()
}

pub async fn detail(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let d = st.app.account(&auth.actor, id).await?;
    let a = &d.account;
    Ok(render(&DetailPage {
        l: Layout::new(
            &auth.actor,
            &auth.csrf,
            format!("账号 {}", a.username),
            "accounts",
        ),
        status: status(a),
        last_login: login_line(a.last_login_at, a.last_login_ip.as_deref()),
        sessions: session_lines(&d.sessions, ""),
        d,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    confirm: String,
}

fn confirmed(f: &ConfirmForm) -> Result<(), ServiceError> {
    if f.confirm == "yes" {
        Ok(())
    } else {
        Err(ServiceError::field(
            "confirm",
            "confirm_required",
            "请勾选确认后再操作",
        ))
    }
}

fn back(id: i64) -> Response {
    Redirect::to(&format!("/accounts/{id}")).into_response()
}

pub async fn disable(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    confirmed(&f)?;
    st.app.set_account_disabled(&auth.actor, id, true).await?;
    Ok(back(id))
}

pub async fn enable(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.set_account_disabled(&auth.actor, id, false).await?;
    Ok(back(id))
}

pub async fn unlock(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.unlock_account(&auth.actor, id).await?;
    Ok(back(id))
}

pub async fn reset(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    confirmed(&f)?;
    let out = st.app.reset_account_password(&auth.actor, id).await?;
    Ok(issued(&auth, out, false))
}

pub async fn end_session(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, handle)): PagePath<(i64, String)>,
) -> PageResult<Response> {
    st.app.end_account_session(&auth.actor, id, &handle).await?;
    Ok(back(id))
}

#[derive(Template)]
#[template(path = "my_account.html")]
struct OwnPage {
    l: Layout,
    me: MyAccount,
    previous: String,
    sessions: Vec<SessionLine>,
    min_chars: u32,
    errors: FormErrors,
    changed: bool,
}

async fn own_page(
    st: &AppState,
    auth: &Auth,
    errors: Vec<FieldError>,
    changed: bool,
) -> PageResult<Response> {
    let me = st.app.my_account(&auth.actor).await?;
    let page = OwnPage {
        l: Layout::new(&auth.actor, &auth.csrf, "我的账号", "account"),
        previous: login_line(me.previous_login_at, me.previous_login_ip.as_deref()),
        sessions: session_lines(&me.sessions, &me.current_session),
        min_chars: st.app.security_policy().min_password_chars,
        me,
        errors: FormErrors(errors),
        changed,
    };
    Ok(render_with(page.errors.status(), &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OwnQuery {
    changed: String,
}

/// 我的账号; also the page a session must pass when its password was set by an
/// administrator (hence `Staged`).
pub async fn own(
    State(st): State<AppState>,
    staged: Staged,
    PageQuery(q): PageQuery<OwnQuery>,
) -> PageResult<Response> {
    let auth = match staged.at(&[Stage::Ok, Stage::ChangePassword]) {
        Ok(a) => a,
        Err(to) => return Ok(to.into_response()),
    };
    own_page(&st, &auth, Vec::new(), q.changed == "1").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    password_again: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    staged: Staged,
    PageForm(f): PageForm<PasswordForm>,
) -> PageResult<Response> {
    let auth = match staged.at(&[Stage::Ok, Stage::ChangePassword]) {
        Ok(a) => a,
        Err(to) => return Ok(to.into_response()),
    };
    let result = if f.password != f.password_again {
        Err(ServiceError::field(
            "password_again",
            "mismatch",
            "两次输入的新密码不一致",
        ))
    } else {
        st.app
            .change_own_password(&auth.actor, &f.current_password, &f.password)
            .await
    };
    match result.or_form()? {
        // The next stage (an enrolment the role requires) or the account page.
        Ok(()) => Ok(Redirect::to("/account?changed=1").into_response()),
        Err(errs) => own_page(&st, &auth, errs, false).await,
    }
}

pub async fn end_own_session(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(handle): PagePath<String>,
) -> PageResult<Response> {
    st.app.end_own_session(&auth.actor, &handle).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    l: Layout,
    settings: Vec<Setting>,
    errors: FormErrors,
    saved: bool,
}

fn security_page(
    auth: &Auth,
    p: &SecurityPolicy,
    errors: Vec<FieldError>,
    saved: bool,
) -> Response {
    let page = SecurityPage {
        l: Layout::new(&auth.actor, &auth.csrf, "安全策略", "security"),
        settings: settings(p),
        errors: FormErrors(errors),
        saved,
    };
    render_with(page.errors.status(), &page)
}

pub async fn security(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OwnQuery>,
) -> PageResult<Response> {
    let p = st.app.read_security_policy(&auth.actor)?;
    Ok(security_page(&auth, &p, Vec::new(), q.changed == "1"))
}

/// Each setting is a whole number; a field left blank or not a number is named.
pub async fn save_security(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let current = st.app.read_security_policy(&auth.actor)?;
    let mut errors = Vec::new();
    let mut values = serde_json::Map::new();
    for s in settings(&current) {
        let given = f
            .iter()
            .find(|(k, _)| k == s.field)
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        match given.parse::<u32>() {
            Ok(v) => {
                values.insert(s.field.into(), v.into());
            }
            Err(_) => errors.push(FieldError::new(
                s.field,
                "not_a_number",
                format!("{}应为整数", s.label),
            )),
        }
    }
    if !errors.is_empty() {
        return Ok(security_page(&auth, &current, errors, false));
    }
    let new: SecurityPolicy =
        serde_json::from_value(values.into()).map_err(|e| ServiceError::Internal(e.to_string()))?;
    match st
        .app
        .set_security_policy(&auth.actor, new.clone())
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to("/security?changed=1").into_response()),
        Err(errs) => Ok(security_page(&auth, &new, errs, false)),
    }
}
