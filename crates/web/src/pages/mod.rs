//! HTML pages: one module per area, each rendering askama templates from service results.

mod audit;
mod home;
mod life;
mod login;
mod members;
mod notifications;
mod orgs;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use dangjian_domain::FieldError;

use crate::AppState;
use crate::error::Problem;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/orgs", get(orgs::home))
        .route("/orgs/search", get(orgs::search))
        .route("/orgs/{id}", get(orgs::page))
        .route("/orgs/{id}/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/close", post(orgs::close))
        .route("/members", get(members::list))
        .route("/members/new", get(members::new_form).post(members::create))
        .route("/members/{id}", get(members::page))
        .route(
            "/members/{id}/edit",
            get(members::edit_form).post(members::update),
        )
        .route("/members/{id}/unmask", post(members::unmask))
        .route("/audit", get(audit::page))
        .route("/notifications", get(notifications::page))
        .route("/notifications/count", get(notifications::count))
        .route("/notifications/read", post(notifications::read))
        .route("/life", get(life::compliance))
        .route("/meetings", get(life::list))
        .route("/meetings/new", get(life::new_form).post(life::create))
        .route("/meetings/{id}", get(life::page))
}

pub fn render<T: Template>(t: &T) -> Response {
    render_with(StatusCode::OK, t)
}

pub fn render_with<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("template error: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

pub fn error_page(p: Problem) -> Response {
    render_with(
        p.status,
        &ErrorPage {
            status: p.status.as_u16(),
            message: p.message,
        },
    )
}

/// Field errors of a form, for showing each beside its field.
#[derive(Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A number from a form or query, where an empty or garbled value means "none".
pub fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}
