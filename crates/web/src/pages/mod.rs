//! HTML pages: one module per area, each rendering askama templates from service results.

mod accounts;
mod api_docs;
mod assessment;
mod audit;
mod cadres;
mod chart;
mod documents;
mod dues;
mod enterprises;
mod home;
mod imports;
mod life;
mod login;
mod masses;
mod me;
mod members;
mod notifications;
mod orgs;
mod recruit;
mod request;
mod screen;
mod stats;
mod task_forces;
mod transfer;
mod volunteers;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dangjian_domain::FieldError;
use dangjian_service::ServiceError;

use crate::AppState;
use crate::error::{PageError, PageResult, Problem};
use crate::extract::{MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES};
use crate::routes::Table;
use crate::view::OrgView;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/", home::page)
        .get("/me", me::page)
        .post("/me/residency/check-in", me::residency_check_in)
        .post("/me/residency/leave", me::residency_leave)
        .get("/api/docs", api_docs::page)
        .get("/login", login::form)
        .post("/login", login::submit)
        .post("/logout", login::logout)
        .get("/orgs", orgs::home)
        .get("/orgs/search", orgs::search)
        .get("/orgs/list", orgs::list)
        .get("/orgs/{id}", orgs::page)
        .get("/orgs/{id}/new", orgs::new_form)
        .post("/orgs/{id}/new", orgs::create)
        .get("/orgs/{id}/edit", orgs::edit_form)
        .post("/orgs/{id}/edit", orgs::update)
        .post("/orgs/{id}/close", orgs::close)
        .get("/orgs/{id}/committee", orgs::committee::page)
        .get("/orgs/{id}/to-do", orgs::to_do)
        .post("/orgs/{id}/committee", orgs::committee::appoint)
        .post("/committee-posts/{id}/relieve", orgs::committee::relieve)
        .get("/members", members::list)
        .get("/members/new", members::new_form)
        .post("/members/new", members::create)
        .get("/members/groups", members::groups)
        .get("/members/export.xlsx", members::export_masked)
        .post("/members/export.xlsx", members::export_unmasked)
        .get("/imports", imports::page)
        .post_upload("/imports", imports::upload, MAX_IMPORT_BYTES)
        .get("/imports/template.xlsx", imports::template)
        .get("/imports/{id}", imports::job)
        .get("/imports/{id}/progress", imports::progress)
        .post("/imports/{id}/commit", imports::commit)
        .post("/imports/{id}/discard", imports::discard)
        .get("/imports/{id}/errors.xlsx", imports::errors)
        .get("/masses", masses::page)
        .get("/service-units", masses::service_unit::list)
        .post("/service-units", masses::service_unit::create)
        .get("/service-units/{id}", masses::service_unit::unit)
        .post(
            "/service-units/{id}/members",
            masses::service_unit::add_member,
        )
        .post(
            "/service-units/{id}/members/{member_id}/remove",
            masses::service_unit::remove_member,
        )
        .get("/reports", masses::community_checkin::list)
        .post("/reports", masses::community_checkin::register)
        .get("/reports/export.xlsx", masses::community_checkin::export)
        .post("/reports/{id}/service", masses::community_checkin::service)
        .post("/reports/{id}/rate", masses::community_checkin::rate)
        .post("/reports/{id}/end", masses::community_checkin::end)
        .get("/members/{id}/card", masses::card)
        .post("/members/{id}/card", masses::save_card)
        .get("/c/{code}", masses::public_card)
        .get("/c/{code}/photo", masses::photo::public_card)
        .get("/members/{id}/card/photo", masses::photo::card)
        .post_upload(
            "/members/{id}/card/photo",
            masses::photo::set_card,
            MAX_UPLOAD_BYTES,
        )
        .get("/deeds/{id}/photo", masses::photo::deed)
        .post_upload(
            "/deeds/{id}/photo",
            masses::photo::set_deed,
            MAX_UPLOAD_BYTES,
        )
        .get("/r", request::public::new_form)
        .post_upload(
            "/r",
            request::public::submit,
            request::public::MAX_PUBLIC_MIB * 1024 * 1024,
        )
        .get("/r/grids", request::public::grids)
        .get("/e/{id}/{org}", masses::evaluation::public)
        .get("/evaluations", masses::evaluation::list)
        .post("/evaluations", masses::evaluation::create)
        .get("/evaluations/{id}", masses::evaluation::results)
        .get("/evaluations/{id}/export.xlsx", masses::evaluation::export)
        .post("/evaluations/{id}/publish", masses::evaluation::publish)
        .get(
            "/evaluations/{id}/members/{member_id}",
            masses::evaluation::form,
        )
        .post(
            "/evaluations/{id}/members/{member_id}",
            masses::evaluation::submit,
        )
        .get("/r/v/{code}", volunteers::public::page)
        .post("/r/v/{code}", volunteers::public::sign_up)
        .get("/r/volunteer", volunteers::public::lookup_form)
        .post("/r/volunteer", volunteers::public::lookup)
        .get("/r/track", request::public::track_form)
        .post("/r/track", request::public::track)
        .post("/r/answer", request::public::answer)
        .get("/r/list", request::public::published)
        .get("/requests", request::list)
        .get("/requests/export.xlsx", request::export)
        .get("/requests/dashboard", request::dashboard)
        .get("/requests/settings", request::settings)
        .post("/requests/categories", request::save_category)
        .post("/requests/departments", request::save_department)
        .get("/requests/{id}", request::page)
        .post("/requests/{id}/act", request::act)
        .post("/requests/{id}/unmask", request::unmask)
        .post("/requests/{id}/redact", request::redact)
        .get("/requests/{id}/photo", request::photo)
        .get("/requests/{id}/assignees", request::assignees)
        .get("/grids", masses::grids)
        .post("/grids", masses::create_grid)
        .get("/grids/export.xlsx", masses::grids_xlsx)
        .get("/households", masses::households)
        .post("/households", masses::add_household)
        .get("/households/export.xlsx", masses::households_xlsx)
        .get("/deeds/export.xlsx", masses::deeds_xlsx)
        .get("/households/{id}", masses::household)
        .post("/households/{id}/pair", masses::pair)
        .get("/households/{id}/candidates", masses::candidates)
        .post("/households/{id}/unpair", masses::unpair)
        .post("/households/{id}/unmask", masses::unmask)
        .get("/deeds", masses::deeds)
        .post("/deeds", masses::record_deed)
        .post("/deeds/{id}/confirm", masses::confirm_deed)
        .get("/members/{id}", members::page)
        .get("/members/{id}/edit", members::edit_form)
        .post("/members/{id}/edit", members::update)
        .post("/members/{id}/unmask", members::unmask)
        .get("/members/{id}/dues", dues::member)
        .post("/members/{id}/dues/base", dues::set_base)
        .post("/members/{id}/dues/pay", dues::pay)
        .post("/members/{id}/dues/reduction", dues::propose)
        .get("/dues", dues::page)
        .post("/dues/pay", dues::pay_batch)
        .get("/dues/ledger.xlsx", dues::ledger_xlsx)
        .get("/dues/book.pdf", dues::book_pdf)
        .get("/dues/arrears.xlsx", dues::arrears_xlsx)
        .get("/dues/lapses", dues::lapses)
        .post("/dues/reductions/{id}/decide", dues::decide)
        .get("/members/{id}/transfer", transfer::new_form)
        .post("/members/{id}/transfer", transfer::create)
        .get("/transfers", transfer::list)
        .get("/transfers/targets", transfer::targets)
        .get("/transfers/{id}", transfer::page)
        .post("/transfers/{id}/{action}", transfer::step)
        .get("/recruits", recruit::page)
        .get("/recruits.xlsx", recruit::export)
        .post("/recruits/plan", recruit::plan)
        .get("/recruits/new", recruit::new_form)
        .post("/recruits/new", recruit::create)
        .get("/recruits/{id}", recruit::show)
        .get("/recruits/{id}/file.pdf", recruit::file_pdf)
        .post("/recruits/{id}/steps/{no}", recruit::step)
        .post("/recruits/{id}/extension", recruit::extend)
        .post("/recruits/{id}/cancel", recruit::cancel)
        .get("/audit", audit::page)
        .post("/audit/export.csv", audit::export)
        .get("/accounts", accounts::list)
        .get("/accounts/new", accounts::new_form)
        .post("/accounts/new", accounts::create)
        .get("/accounts/{id}", accounts::detail)
        .post("/accounts/{id}/disable", accounts::disable)
        .post("/accounts/{id}/enable", accounts::enable)
        .post("/accounts/{id}/unlock", accounts::unlock)
        .post("/accounts/{id}/reset", accounts::reset)
        .post(
            "/accounts/{id}/sessions/{handle}/end",
            accounts::end_session,
        )
        .get("/account", accounts::own)
        .get("/account/password", accounts::own)
        .post("/account/password", accounts::change_password)
        .post("/account/sessions/{handle}/end", accounts::end_own_session)
        .get("/login/otp", accounts::otp_form)
        .post("/login/otp", accounts::otp_submit)
        .get("/account/2fa", accounts::page)
        .post("/account/2fa", accounts::enrol)
        .post("/account/2fa/disable", accounts::disable_factor)
        .post("/accounts/{id}/second-factor/reset", accounts::reset_factor)
        .get("/security", accounts::security)
        .post("/security", accounts::save_security)
        .get("/notifications", notifications::page)
        .get("/notifications/count", notifications::count)
        .post("/notifications/read", notifications::read)
        .get("/life", life::compliance)
        .get("/life/export.xlsx", life::export)
        .get("/life/record-book.pdf", life::record_book)
        .post("/documents/record-books", documents::start_record_books)
        .get("/documents/{id}", documents::job)
        .get("/documents/{id}/progress", documents::progress)
        .get("/documents/{id}/file", documents::file)
        .get("/life/rules", life::rules::page)
        .post("/life/rules", life::rules::save)
        .get("/meetings", life::list)
        .get("/meetings/new", life::new_form)
        .post("/meetings/new", life::create)
        .get("/meetings/{id}", life::page)
        .get("/meetings/{id}/edit", life::minutes::edit_form)
        .post("/meetings/{id}/edit", life::minutes::update)
        .post("/meetings/{id}/delete", life::minutes::delete)
        .post_upload(
            "/meetings/{id}/files",
            life::minutes::upload,
            MAX_UPLOAD_BYTES,
        )
        .get("/meetings/{id}/files/{file_id}", life::minutes::download)
        .post(
            "/meetings/{id}/files/{file_id}/delete",
            life::minutes::delete_file,
        )
        .get("/checkins/new", life::checkin::new_form)
        .post("/checkins/new", life::checkin::create)
        .get("/checkins/{id}", life::checkin::host_page)
        .get("/checkins/{id}/list", life::checkin::list)
        .get("/checkin", life::checkin::member_form)
        .post("/checkin", life::checkin::member_submit)
        .get("/stars", assessment::board)
        .post("/stars/publish", assessment::publish)
        .get("/stars/export.xlsx", assessment::export)
        .get("/stars/schemes", assessment::schemes::page)
        .post("/stars/schemes", assessment::schemes::save)
        .get("/stars/{org_id}", assessment::sheet::page)
        .post("/stars/{org_id}", assessment::sheet::act)
        .post("/stars/ratings/{id}/objections", assessment::sheet::object)
        .post("/stars/objections/{id}/answer", assessment::sheet::answer)
        .get("/weak", assessment::weak::board)
        .get("/weak/export.xlsx", assessment::weak::export)
        .get("/weak/screening", assessment::weak::screening)
        .post("/weak/screening", assessment::weak::propose)
        .post("/weak/decisions", assessment::weak::decide)
        .post("/weak/flags", assessment::weak::flag)
        .post("/weak/rules", assessment::weak::save_rules)
        .get("/weak/listings/{id}", assessment::weak::listing)
        .post("/weak/listings/{id}/items", assessment::weak::add_item)
        .post(
            "/weak/listings/{id}/progress",
            assessment::weak::add_progress,
        )
        .post("/weak/listings/{id}/support", assessment::weak::set_support)
        .post("/weak/listings/{id}/sign-offs", assessment::weak::sign_off)
        .post_upload(
            "/weak/listings/{id}/files",
            assessment::weak::upload_file,
            MAX_UPLOAD_BYTES,
        )
        .get(
            "/weak/listings/{id}/files/{file_id}",
            assessment::weak::download_file,
        )
        .post(
            "/weak/listings/{id}/files/{file_id}/delete",
            assessment::weak::delete_file,
        )
        .get("/red-flags", assessment::red_flag::list)
        .post("/red-flags", assessment::red_flag::award)
        .get("/red-flags/export.xlsx", assessment::red_flag::export)
        .post("/red-flags/{id}/revoke", assessment::red_flag::revoke)
        .get("/contact-points", assessment::contact::list)
        .post("/contact-points", assessment::contact::create)
        .get("/contact-points/export.xlsx", assessment::contact::export)
        .get("/contact-points/{id}", assessment::contact::point)
        .post("/contact-points/{id}/visits", assessment::contact::visit)
        .post("/contact-points/{id}/end", assessment::contact::end)
        .get("/problems", assessment::problem::ledger)
        .post("/problems", assessment::problem::log)
        .get("/problems/export.xlsx", assessment::problem::export)
        .get("/problems/ledger.pdf", assessment::problem::ledger_pdf)
        .get("/problems/rates", assessment::problem::rates)
        .get("/problems/{id}", assessment::problem::page)
        .post("/problems/{id}/actions", assessment::problem::act)
        .get("/calendar", assessment::contact::calendar)
        .post("/calendar", assessment::contact::set_day)
        .get("/secretary-ratings", assessment::people::ratings)
        .post("/secretary-ratings", assessment::people::rate)
        .get(
            "/secretary-ratings/export.xlsx",
            assessment::people::ratings_export,
        )
        .post(
            "/secretary-ratings/{id}/items",
            assessment::people::add_item,
        )
        .post(
            "/secretary-rating-items/{id}/done",
            assessment::people::finish_item,
        )
        .post_upload(
            "/secretary-ratings/{id}/files",
            assessment::people::upload_report_file,
            MAX_UPLOAD_BYTES,
        )
        .get(
            "/secretary-ratings/{id}/files/{file_id}",
            assessment::people::download_report_file,
        )
        .post(
            "/secretary-ratings/{id}/files/{file_id}/delete",
            assessment::people::delete_report_file,
        )
        .get("/service-projects", assessment::people::projects)
        .post("/service-projects", assessment::people::create_project)
        .get(
            "/service-projects/export.xlsx",
            assessment::people::projects_export,
        )
        .post(
            "/service-projects/{id}/advance",
            assessment::people::advance_project,
        )
        .post_upload(
            "/service-projects/{id}/files",
            assessment::people::upload_project_file,
            MAX_UPLOAD_BYTES,
        )
        .get(
            "/service-projects/{id}/files/{file_id}",
            assessment::people::download_project_file,
        )
        .post(
            "/service-projects/{id}/files/{file_id}/delete",
            assessment::people::delete_project_file,
        )
        .get("/cadres/summary", cadres::summary::panel)
        .get("/cadres/villages", cadres::villages::list)
        .get("/cadres/villages/export.xlsx", cadres::villages::export)
        .get("/cadres/villages/{id}", cadres::villages::page)
        .post("/cadres/villages/{id}/residents", cadres::villages::appoint)
        .post(
            "/cadres/villages/{id}/residents/{post_id}/relieve",
            cadres::villages::relieve,
        )
        .post(
            "/cadres/villages/{id}/reserve-target",
            cadres::villages::set_target,
        )
        .get("/cadres/elections", cadres::elections::list)
        .post("/cadres/elections", cadres::villages::open_election)
        .get("/cadres/elections/export.xlsx", cadres::elections::export)
        .get("/cadres/elections/stats", cadres::elections::stats)
        .get(
            "/cadres/elections/stats/export.xlsx",
            cadres::elections::stats_export,
        )
        .get("/cadres/elections/{id}", cadres::elections::page)
        .post(
            "/cadres/elections/{id}/candidates",
            cadres::elections::add_candidate,
        )
        .post(
            "/cadres/elections/{id}/result",
            cadres::elections::record_result,
        )
        .post(
            "/cadres/election-candidates/{id}/remove",
            cadres::elections::remove_candidate,
        )
        .post(
            "/cadres/election-candidates/{id}/vetting",
            cadres::elections::vet,
        )
        .get("/cadres/reserves", cadres::reserves::list)
        .post("/cadres/reserves", cadres::reserves::add)
        .get("/cadres/reserves/export.xlsx", cadres::reserves::export)
        .get("/cadres/reserves/{id}", cadres::reserves::page)
        .post("/cadres/reserves/{id}/edit", cadres::reserves::update)
        .post("/cadres/reserves/{id}/outcome", cadres::reserves::outcome)
        .post("/cadres/reserves/{id}/reviews", cadres::reserves::review)
        .get("/cadres/reserve-pools", cadres::reserves::pools)
        .get(
            "/cadres/reserve-pools/export.xlsx",
            cadres::reserves::pools_export,
        )
        .get("/cadres/residents", cadres::residents::list)
        .post("/cadres/residents", cadres::residents::dispatch)
        .get("/cadres/residents/export.xlsx", cadres::residents::export)
        .get("/cadres/residents/members", cadres::residents::member_picks)
        .get("/cadres/residents/{id}", cadres::residents::page)
        .post("/cadres/residents/{id}/cadres", cadres::residents::join)
        .post(
            "/cadres/residents/{id}/withdraw",
            cadres::residents::withdraw,
        )
        .post(
            "/cadres/residents/{id}/inspections",
            cadres::residents::inspect,
        )
        .post(
            "/cadres/resident-cadres/{id}/rotate",
            cadres::residents::rotate,
        )
        .post("/cadres/resident-cadres/{id}/end", cadres::residents::end)
        .post(
            "/cadres/resident-cadres/{id}/month",
            cadres::residents::month,
        )
        .post(
            "/cadres/resident-cadres/{id}/leaves",
            cadres::residents::request_leave,
        )
        .post(
            "/cadres/resident-cadres/{id}/grade",
            cadres::residents::grade,
        )
        .post(
            "/cadres/resident-leaves/{id}/decision",
            cadres::residents::decide_leave,
        )
        .get("/enterprises", enterprises::list)
        .post("/enterprises", enterprises::add)
        .get("/enterprises/export.xlsx", enterprises::export)
        .get("/task-forces/panel", task_forces::panel)
        .get("/stats/annual", stats::page)
        .get("/stats/annual.xlsx", stats::xlsx)
        .get("/stats/annual.pdf", stats::pdf)
        .get("/stats/report", stats::report)
        .get("/stats/report.pdf", stats::report_pdf)
        .get("/screen", screen::own)
        .get("/screen/{org_id}", screen::page)
        .get("/screen/{org_id}/live", screen::live)
        .get("/screen/{org_id}/map", screen::map)
        .post_upload(
            "/screen/{org_id}/boundary",
            screen::upload_boundary,
            screen::BOUNDARY_MIB * 1024 * 1024,
        )
        .post("/screen/{org_id}/boundary/clear", screen::clear_boundary)
        .post("/screen/{org_id}/tile", screen::tile)
        .get("/volunteers/panel", volunteers::panel)
        .get("/enterprises/panel", enterprises::panel::panel)
        .get("/task-forces", task_forces::list)
        .post("/task-forces", task_forces::open)
        .get("/task-forces/export.xlsx", task_forces::export)
        .get("/task-forces/{id}", task_forces::page)
        .post("/task-forces/{id}/members", task_forces::second)
        .post("/task-forces/{id}/meetings", task_forces::meeting)
        .post("/task-forces/{id}/deeds", task_forces::deed)
        .post("/task-forces/{id}/recruits", task_forces::link_recruit)
        .post("/task-forces/{id}/close", task_forces::close)
        .get("/volunteers", volunteers::list)
        .post("/volunteers", volunteers::create)
        .get("/volunteers/export.xlsx", volunteers::export)
        .get("/volunteers/{id}", volunteers::page)
        .post("/volunteers/{id}/signups", volunteers::sign_up)
        .post("/volunteers/{id}/confirm", volunteers::confirm)
        .post("/volunteers/{id}/cancel", volunteers::cancel)
        .get("/me/volunteer", volunteers::mine)
        .get("/enterprises/helpers", enterprises::helpers::page)
        .get(
            "/enterprises/helpers/export.xlsx",
            enterprises::helpers::export,
        )
        .get("/enterprises/{id}", enterprises::unit::page)
        .get("/enterprises/{id}/edit", enterprises::edit_form)
        .post("/enterprises/{id}", enterprises::edit)
        .post("/enterprises/{id}/helpers", enterprises::unit::assign)
        .post(
            "/enterprises/{id}/helpers/{helper}/end",
            enterprises::unit::end,
        )
        .post(
            "/enterprises/{id}/helpers/{helper}/visits",
            enterprises::unit::visit,
        )
        .post("/enterprises/{id}/problems", enterprises::unit::log_problem)
        .get("/cadres/talents", cadres::talents::list)
        .post("/cadres/talents", cadres::talents::add)
        .get("/cadres/talents/export.xlsx", cadres::talents::export)
        .get("/cadres/talent-programme", cadres::talents::programme)
        .post(
            "/cadres/talent-programme/targets",
            cadres::talents::set_target,
        )
        .get("/cadres/promotions", cadres::promotions::list)
        .post("/cadres/promotions", cadres::promotions::add)
        .get("/cadres/promotions/export.xlsx", cadres::promotions::export)
        .get("/cadres/studios", cadres::studios::list)
        .post("/cadres/studios", cadres::studios::open)
        .get("/cadres/studios/export.xlsx", cadres::studios::export)
        .get("/cadres/studios/{id}", cadres::studios::page)
        .post(
            "/cadres/studios/{id}/apprentices",
            cadres::studios::add_apprentice,
        )
        .post("/cadres/studios/{id}/assessment", cadres::studios::assess)
        .post("/cadres/apprentices/{id}/finish", cadres::studios::finish)
}

/// A page that holds a secret shown once (a temporary password, a second-factor secret,
/// recovery codes): kept by no cache.
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
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

/// The one path of a form the service refused: its fields' errors come back, to show the form
/// again beside them; any other error becomes the error page.
pub trait FormOutcome<T> {
    fn or_form(self) -> Result<Result<T, Vec<FieldError>>, PageError>;
}

impl<T> FormOutcome<T> for Result<T, ServiceError> {
    fn or_form(self) -> Result<Result<T, Vec<FieldError>>, PageError> {
        match self {
            Ok(v) => Ok(Ok(v)),
            Err(ServiceError::Invalid(errs)) => Ok(Err(errs)),
            Err(e) => Err(e.into()),
        }
    }
}

/// A number from a form or query, where an empty or garbled value means "none".
/// `?year=` of a page shown for one year (empty: the page's default).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

pub fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// A stored attachment as a download: images shown inline, documents saved.
pub fn file_response(f: &dangjian_service::life::MeetingFile, body: Vec<u8>) -> Response {
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

/// The breadcrumbs from the actor's scope down to an org.
pub async fn trail_of(
    st: &AppState,
    actor: &dangjian_service::Actor,
    o: &dangjian_service::orgs::Org,
) -> PageResult<Vec<OrgView>> {
    Ok(st
        .app
        .org_trail(actor, o)
        .await?
        .iter()
        .map(OrgView::from)
        .collect())
}
