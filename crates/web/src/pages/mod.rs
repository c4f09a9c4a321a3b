//! HTML pages: one module per area, each rendering askama templates from service results.

mod audit;
mod checkin;
mod dues;
mod evaluation;
mod home;
mod imports;
mod life;
mod login;
mod masses;
mod members;
mod minutes;
mod notifications;
mod orgs;
mod photo;
mod public_request;
mod recruit;
mod report;
mod request;
mod rules;
mod service_unit;
mod transfer;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use dangjian_domain::FieldError;

use crate::AppState;
use crate::error::Problem;
use crate::extract::{MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES};

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
        .route("/members/groups", get(members::groups))
        .route(
            "/members/export.xlsx",
            get(members::export_masked).post(members::export_unmasked),
        )
        .route(
            "/imports",
            get(imports::page)
                .post(imports::upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/imports/template.xlsx", get(imports::template))
        .route("/imports/{id}", get(imports::job))
        .route("/imports/{id}/progress", get(imports::progress))
        .route("/imports/{id}/commit", post(imports::commit))
        .route("/imports/{id}/discard", post(imports::discard))
        .route("/imports/{id}/errors.xlsx", get(imports::errors))
        .route("/masses", get(masses::page))
        .route(
            "/service-units",
            get(service_unit::list).post(service_unit::create),
        )
        .route("/service-units/{id}", get(service_unit::unit))
        .route(
            "/service-units/{id}/members",
            post(service_unit::add_member),
        )
        .route(
            "/service-units/{id}/members/{member_id}/remove",
            post(service_unit::remove_member),
        )
        .route("/reports", get(report::list).post(report::register))
        .route("/reports/export.xlsx", get(report::export))
        .route("/reports/{id}/service", post(report::service))
        .route("/reports/{id}/rate", post(report::rate))
        .route("/reports/{id}/end", post(report::end))
        .route(
            "/members/{id}/card",
            get(masses::card).post(masses::save_card),
        )
        .route("/c/{code}", get(masses::public_card))
        .route("/c/{code}/photo", get(photo::public_card))
        .route(
            "/members/{id}/card/photo",
            get(photo::card)
                .post(photo::set_card)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/deeds/{id}/photo",
            get(photo::deed)
                .post(photo::set_deed)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/r",
            get(public_request::new_form)
                .post(public_request::submit)
                .layer(DefaultBodyLimit::max(
                    public_request::MAX_PUBLIC_MIB * 1024 * 1024,
                )),
        )
        .route("/r/grids", get(public_request::grids))
        .route("/e/{id}/{org}", get(evaluation::public))
        .route(
            "/evaluations",
            get(evaluation::list).post(evaluation::create),
        )
        .route("/evaluations/{id}", get(evaluation::results))
        .route("/evaluations/{id}/export.xlsx", get(evaluation::export))
        .route("/evaluations/{id}/publish", post(evaluation::publish))
        .route(
            "/evaluations/{id}/members/{member_id}",
            get(evaluation::form).post(evaluation::submit),
        )
        .route(
            "/r/track",
            get(public_request::track_form).post(public_request::track),
        )
        .route("/r/answer", post(public_request::answer))
        .route("/r/list", get(public_request::published))
        .route("/requests", get(request::list))
        .route("/requests/export.xlsx", get(request::export))
        .route("/requests/dashboard", get(request::dashboard))
        .route("/requests/settings", get(request::settings))
        .route("/requests/categories", post(request::save_category))
        .route("/requests/departments", post(request::save_department))
        .route("/requests/{id}", get(request::page))
        .route("/requests/{id}/act", post(request::act))
        .route("/requests/{id}/unmask", post(request::unmask))
        .route("/requests/{id}/redact", post(request::redact))
        .route("/requests/{id}/photo", get(request::photo))
        .route("/requests/{id}/assignees", get(request::assignees))
        .route("/grids", get(masses::grids).post(masses::create_grid))
        .route("/grids/export.xlsx", get(masses::grids_xlsx))
        .route(
            "/households",
            get(masses::households).post(masses::add_household),
        )
        .route("/households/export.xlsx", get(masses::households_xlsx))
        .route("/deeds/export.xlsx", get(masses::deeds_xlsx))
        .route("/households/{id}", get(masses::household))
        .route("/households/{id}/pair", post(masses::pair))
        .route("/households/{id}/candidates", get(masses::candidates))
        .route("/households/{id}/unpair", post(masses::unpair))
        .route("/households/{id}/unmask", post(masses::unmask))
        .route("/deeds", get(masses::deeds).post(masses::record_deed))
        .route("/deeds/{id}/confirm", post(masses::confirm_deed))
        .route("/members/{id}", get(members::page))
        .route(
            "/members/{id}/edit",
            get(members::edit_form).post(members::update),
        )
        .route("/members/{id}/unmask", post(members::unmask))
        .route("/members/{id}/dues", get(dues::member))
        .route("/members/{id}/dues/base", post(dues::set_base))
        .route("/members/{id}/dues/pay", post(dues::pay))
        .route("/members/{id}/dues/reduction", post(dues::propose))
        .route("/dues", get(dues::page))
        .route("/dues/pay", post(dues::pay_batch))
        .route("/dues/ledger.xlsx", get(dues::ledger_xlsx))
        .route("/dues/arrears.xlsx", get(dues::arrears_xlsx))
        .route("/dues/lapses", get(dues::lapses))
        .route("/dues/reductions/{id}/decide", post(dues::decide))
        .route(
            "/members/{id}/transfer",
            get(transfer::new_form).post(transfer::create),
        )
        .route("/transfers", get(transfer::list))
        .route("/transfers/targets", get(transfer::targets))
        .route("/transfers/{id}", get(transfer::page))
        .route("/transfers/{id}/{action}", post(transfer::step))
        .route("/recruits", get(recruit::page))
        .route("/recruits.xlsx", get(recruit::export))
        .route("/recruits/plan", post(recruit::plan))
        .route(
            "/recruits/new",
            get(recruit::new_form).post(recruit::create),
        )
        .route("/recruits/{id}", get(recruit::show))
        .route("/recruits/{id}/steps/{no}", post(recruit::step))
        .route("/recruits/{id}/extension", post(recruit::extend))
        .route("/recruits/{id}/cancel", post(recruit::cancel))
        .route("/audit", get(audit::page))
        .route("/notifications", get(notifications::page))
        .route("/notifications/count", get(notifications::count))
        .route("/notifications/read", post(notifications::read))
        .route("/life", get(life::compliance))
        .route("/life/export.xlsx", get(life::export))
        .route("/life/rules", get(rules::page).post(rules::save))
        .route("/meetings", get(life::list))
        .route("/meetings/new", get(life::new_form).post(life::create))
        .route("/meetings/{id}", get(life::page))
        .route(
            "/meetings/{id}/edit",
            get(minutes::edit_form).post(minutes::update),
        )
        .route("/meetings/{id}/delete", post(minutes::delete))
        .route(
            "/meetings/{id}/files",
            post(minutes::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/meetings/{id}/files/{file_id}", get(minutes::download))
        .route(
            "/meetings/{id}/files/{file_id}/delete",
            post(minutes::delete_file),
        )
        .route(
            "/checkins/new",
            get(checkin::new_form).post(checkin::create),
        )
        .route("/checkins/{id}", get(checkin::host_page))
        .route("/checkins/{id}/list", get(checkin::list))
        .route(
            "/checkin",
            get(checkin::member_form).post(checkin::member_submit),
        )
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
pub struct FormErrors(pub Vec<FieldError>);

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

    /// The answer's status: 422 when a field was refused, so that scripts see the failure.
    pub fn status(&self) -> StatusCode {
        if self.0.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// A number from a form or query, where an empty or garbled value means "none".
pub fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// A stored attachment as a download: images shown inline, documents saved.
pub fn file_response(f: &dangjian_service::store::life::FileRow, body: Vec<u8>) -> Response {
    download(&f.name, &f.mime, f.mime.starts_with("image/"), body)
}

/// Bytes with their type and file name, shown in the browser or saved, never cached.
pub fn download(name: &str, mime: &str, inline: bool, body: Vec<u8>) -> Response {
    use axum::http::header;
    let disposition = if inline { "inline" } else { "attachment" };
    // RFC 5987 wants %20 where form encoding writes '+'.
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Study minutes from a form: empty means none; anything else unparsable is sent on as an
/// impossible value so that the service explains the range.
pub fn parse_minutes(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        Some(s.parse().unwrap_or(-1))
    }
}
