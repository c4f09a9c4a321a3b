//! Signing in and out of a browser session.

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_service::ServiceError;
use dangjian_service::auth::{SessionKind, Stage};
use rand::RngCore;
use serde::Deserialize;

use super::render_with;
use crate::AppState;
use crate::error::Problem;
use crate::extract::{PageForm, PageQuery};
use crate::session::{COOKIE, Caller, clear_cookie, cookie_value, session_cookie, stage_page};

/// Before a session exists, the login form is protected by a double-submit cookie.
const LOGIN_COOKIE: &str = "dj_login";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    username: String,
    error: Option<String>,
    next: String,
}

/// Where to go after logging in: only a path on this site.
fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and line breaks from a URL, so "/\t/evil" would become "//evil":
    // no control characters, spaces or backslashes at all, and no second slash up front.
    let plain = !next
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if plain && next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/"
    }
}

fn fresh_form(status: StatusCode, username: String, error: Option<String>, next: &str) -> Response {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    let token: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let cookie = format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict");
    let mut res = render_with(
        status,
        &LoginPage {
            csrf: token,
            username,
            error,
            next: safe_next(next).to_string(),
        },
    );
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn form(caller: Caller, PageQuery(q): PageQuery<NextQuery>) -> Response {
    if caller.auth.is_some() {
        return Redirect::to(safe_next(&q.next)).into_response();
    }
    fresh_form(StatusCode::OK, String::new(), None, &q.next)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageForm(f): PageForm<LoginForm>,
) -> Response {
    if f.csrf.is_empty() || cookie_value(&headers, LOGIN_COOKIE) != Some(f.csrf.as_str()) {
        return fresh_form(
            StatusCode::FORBIDDEN,
            f.username,
            Some("登录页面已过期，请重新输入".into()),
            &f.next,
        );
    }
    match st
        .app
        .login(&f.username, &f.password, None, &caller.ip, SessionKind::Web)
        .await
    {
        Ok(out) => {
            let to = match out.stage {
                Stage::Ok => safe_next(&f.next),
                other => stage_page(other),
            };
            let mut res = Redirect::to(to).into_response();
            for c in [
                session_cookie(&out.token, caller.tls),
                format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
            ] {
                if let Ok(v) = c.parse() {
                    res.headers_mut().append(SET_COOKIE, v);
                }
            }
            res
        }
        Err(
            e
            @ (ServiceError::Unavailable(_) | ServiceError::Internal(_) | ServiceError::Config(_)),
        ) => super::error_page(Problem::from(&e)),
        Err(e) => {
            let p = Problem::from(&e);
            fresh_form(p.status, f.username, Some(p.message), &f.next)
        }
    }
}

pub async fn logout(State(st): State<AppState>, caller: Caller) -> Response {
    if let (Some((actor, _)), Some(token)) = (&caller.auth, &caller.token)
        && let Err(e) = st.app.logout(token, actor).await
    {
        return super::error_page(Problem::from(&e));
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = clear_cookie(COOKIE).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}
