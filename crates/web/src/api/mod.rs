//! The JSON API under /api/v1. Each handler declares its path, method and description with
//! `#[utoipa::path]`; the route table registers them and gathers the OpenAPI document, served
//! at /api/v1/openapi.json and as a page at /api/docs.

mod accounts;
mod assessment;
mod assessment_files;
mod auth;
mod body;
mod cadres;
mod contact;
mod doc;
mod documents;
mod dues;
mod enterprises;
mod imports;
mod life;
mod masses;
mod me;
mod members;
mod orgs;
mod people;
mod recruit;
mod request;
mod residents;
mod screen;
mod stats;
mod talents;
mod task_forces;
mod transfer;
mod volunteers;
mod weak;

use axum::http::header;
use axum::response::IntoResponse;
use dangjian_service::Actor;
use serde::Serialize;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES};
use crate::routes::Table;

pub(crate) use doc::json as doc_json;

/// The API's routes. Declared in parts: one chain of every route made a stack frame larger
/// than a worker thread's stack in an unoptimized build (the document is built on first
/// request, on a worker).
pub(crate) fn routes() -> Table {
    routes_5(routes_4(routes_3(routes_2(routes_1(Table::new())))))
}

fn routes_1(t: Table) -> Table {
    t.api(routes!(auth::login))
        .api(routes!(request::list))
        .api(routes!(request::dashboard))
        .api(routes!(request::get))
        .api(routes!(request::act))
        .api(routes!(request::phone))
        .api(routes!(request::redaction))
        .api(routes!(request::categories))
        .api(routes!(request::create_category))
        .api(routes!(request::update_category))
        .api(routes!(request::departments))
        .api(routes!(request::create_department))
        .api(routes!(request::update_department))
        .api(routes!(masses::evaluation::list))
        .api(routes!(masses::evaluation::create))
        .api(routes!(masses::evaluation::results))
        .api(routes!(masses::evaluation::respond))
        .api(routes!(masses::evaluation::publish))
        .api(routes!(masses::evaluation::public))
        .api(routes!(masses::public_card_photo))
        .api(routes!(masses::card_photo))
        .api_upload(routes!(masses::set_card_photo), MAX_UPLOAD_BYTES)
        .api(routes!(masses::deed_photo))
        .api_upload(routes!(masses::set_deed_photo), MAX_UPLOAD_BYTES)
        .api(routes!(request::public_form))
        .api(routes!(request::public_grids))
        .api(routes!(request::published))
        .api(routes!(request::submit))
        .api(routes!(request::track))
        .api(routes!(request::answer))
        .api(routes!(auth::me))
        .api(routes!(accounts::list))
        .api(routes!(accounts::create))
        .api(routes!(accounts::get))
        .api(routes!(accounts::disable))
        .api(routes!(accounts::enable))
        .api(routes!(accounts::unlock))
        .api(routes!(accounts::reset))
        .api(routes!(accounts::end_session))
        .api(routes!(accounts::own))
        .api(routes!(accounts::policy))
        .api(routes!(accounts::put_policy))
        .api(routes!(orgs::list))
        .api(routes!(orgs::create))
        .api(routes!(orgs::get))
        .api(routes!(orgs::update))
        .api(routes!(orgs::committee))
        .api(routes!(orgs::to_do))
        .api(routes!(orgs::appoint))
        .api(routes!(orgs::relieve))
        .api(routes!(members::list))
        .api(routes!(members::create))
        .api(routes!(imports::export))
        .api(routes!(members::get))
}

fn routes_2(t: Table) -> Table {
    t.api(routes!(members::update))
        .api(routes!(imports::template))
        .api_upload(routes!(imports::upload), MAX_IMPORT_BYTES)
        .api(routes!(imports::get))
        .api(routes!(imports::commit))
        .api(routes!(imports::discard))
        .api(routes!(imports::errors))
        .api(routes!(dues::member))
        .api(routes!(dues::set_base))
        .api(routes!(dues::pay))
        .api(routes!(dues::propose))
        .api(routes!(dues::ledger))
        .api(routes!(dues::pay_batch))
        .api(routes!(dues::arrears))
        .api(routes!(dues::by_child))
        .api(routes!(dues::lapses))
        .api(routes!(dues::book))
        .api(routes!(dues::reductions))
        .api(routes!(dues::decide))
        .api(routes!(transfer::request))
        .api(routes!(transfer::history))
        .api(routes!(transfer::list))
        .api(routes!(transfer::receive_in))
        .api(routes!(transfer::targets))
        .api(routes!(transfer::get))
        .api(routes!(transfer::step))
        .api(routes!(recruit::pipeline))
        .api(routes!(recruit::create))
        .api(routes!(recruit::pipeline_xlsx))
        .api(routes!(recruit::get))
        .api(routes!(recruit::file))
        .api(routes!(recruit::step))
        .api(routes!(recruit::extend))
        .api(routes!(recruit::cancel))
        .api(routes!(recruit::plan))
        .api(routes!(orgs::overview))
        .api(routes!(orgs::by_kind))
        .api(routes!(stats::annual))
        .api(routes!(stats::annual_xlsx))
        .api(routes!(stats::annual_pdf))
        .api(routes!(stats::report))
        .api(routes!(stats::report_pdf))
        .api(routes!(life::compliance))
        .api(routes!(life::compliance_xlsx))
        .api(routes!(life::record_book))
        .api(routes!(documents::start_record_books))
        .api(routes!(documents::job))
        .api(routes!(documents::file))
        .api(routes!(life::rules))
        .api(routes!(life::put_rule))
        .api(routes!(life::list))
        .api(routes!(life::create))
        .api(routes!(life::get))
}

fn routes_3(t: Table) -> Table {
    t.api(routes!(life::update))
        .api(routes!(life::delete))
        .api_upload(routes!(life::attach), MAX_UPLOAD_BYTES)
        .api(routes!(life::file))
        .api(routes!(life::delete_file))
        .api(routes!(life::checkin::open))
        .api(routes!(life::checkin::get))
        .api(routes!(life::checkin::check_in))
        .api(routes!(life::review::find))
        .api(routes!(life::review::open))
        .api(routes!(life::review::summary))
        .api(routes!(life::review::get))
        .api(routes!(life::review::entry))
        .api(routes!(life::review::decide))
        .api(routes!(masses::grids))
        .api(routes!(masses::create_grid))
        .api(routes!(masses::grid))
        .api(routes!(masses::add_household))
        .api(routes!(masses::households))
        .api(routes!(masses::households_xlsx))
        .api(routes!(masses::deeds_xlsx))
        .api(routes!(masses::household))
        .api(routes!(masses::pair))
        .api(routes!(masses::unpair))
        .api(routes!(masses::record_deed))
        .api(routes!(masses::deeds))
        .api(routes!(masses::confirm_deed))
        .api(routes!(masses::coverage))
        .api(routes!(masses::card))
        .api(routes!(masses::set_card))
        .api(routes!(masses::public_card))
        .api(routes!(masses::reports))
        .api(routes!(masses::register_community_checkin))
        .api(routes!(masses::report))
        .api(routes!(masses::report_service))
        .api(routes!(masses::rate_community_checkin))
        .api(routes!(masses::end_community_checkin))
        .api(routes!(masses::service_units))
        .api(routes!(masses::create_service_unit))
        .api(routes!(masses::service_unit))
        .api(routes!(masses::add_unit_member))
        .api(routes!(masses::remove_unit_member))
        .api(routes!(me::get))
        .api(routes!(me::colleagues))
        .api(routes!(notifications))
        .api(routes!(read_notifications))
        .api(routes!(openapi))
        .api(routes!(assessment::schemes))
        .api(routes!(assessment::save_scheme))
        .api(routes!(assessment::board))
        .api(routes!(assessment::export))
        .api(routes!(assessment::publish))
        .api(routes!(assessment::sheet))
        .api(routes!(assessment::act))
}

fn routes_4(t: Table) -> Table {
    t.api(routes!(assessment::object))
        .api(routes!(assessment::answer))
        .api(routes!(weak::rules, weak::put_rules))
        .api(routes!(weak::flag))
        .api(routes!(weak::screening))
        .api(routes!(weak::propose))
        .api(routes!(weak::decide))
        .api(routes!(weak::board))
        .api(routes!(weak::rectification))
        .api(routes!(weak::add_item))
        .api(routes!(weak::progress))
        .api(routes!(weak::support))
        .api(routes!(weak::sign_off))
        .api(routes!(weak::red_flags, weak::award))
        .api(routes!(weak::revoke))
        .api(routes!(contact::calendar, contact::put_calendar))
        .api(routes!(contact::points, contact::create_point))
        .api(routes!(contact::point))
        .api(routes!(contact::visit))
        .api(routes!(contact::end_point))
        .api(routes!(contact::rates))
        .api(routes!(contact::problems, contact::log))
        .api(routes!(contact::problem))
        .api(routes!(contact::ledger))
        .api(routes!(contact::act))
        .api(routes!(people::ratings, people::rate))
        .api(routes!(people::add_item))
        .api(routes!(people::finish_item))
        .api(routes!(people::projects, people::create_project))
        .api(routes!(people::advance))
        .api(routes!(people::summary))
        .api(routes!(cadres::rules, cadres::put_rules))
        .api(routes!(cadres::summary))
        .api(routes!(cadres::villages))
        .api(routes!(cadres::village))
        .api(routes!(cadres::appoint))
        .api(routes!(cadres::relieve))
        .api(routes!(cadres::elections, cadres::open))
        .api(routes!(cadres::stats))
        .api(routes!(cadres::election))
        .api(routes!(cadres::add_candidate))
        .api(routes!(cadres::remove_candidate))
        .api(routes!(cadres::vet))
        .api(routes!(cadres::result))
        .api(routes!(cadres::reserves, cadres::add_reserve))
        .api(routes!(cadres::reserve, cadres::update_reserve))
        .api(routes!(cadres::outcome))
        .api(routes!(cadres::review))
        .api(routes!(cadres::pools))
        .api(routes!(cadres::set_target))
        .api(routes!(residents::teams, residents::dispatch))
        .api(routes!(residents::team))
        .api(routes!(residents::join))
}

fn routes_5(t: Table) -> Table {
    t.api(routes!(residents::withdraw))
        .api(routes!(residents::inspect))
        .api(routes!(residents::rotate))
        .api(routes!(residents::leave_team))
        .api(routes!(residents::month))
        .api(routes!(residents::request_leave))
        .api(routes!(residents::decide_leave))
        .api(routes!(residents::grade))
        .api(routes!(residents::mine))
        .api(routes!(residents::check_in))
        .api(routes!(
            enterprises::enterprises,
            enterprises::add_enterprise
        ))
        .api(routes!(enterprises::coverage))
        .api(routes!(enterprises::rules, enterprises::put_rules))
        .api(routes!(
            enterprises::enterprise,
            enterprises::edit_enterprise
        ))
        .api(routes!(enterprises::helpers))
        .api(routes!(enterprises::detail))
        .api(routes!(enterprises::assign_helper))
        .api(routes!(enterprises::end_helper))
        .api(routes!(enterprises::log_visit))
        .api(routes!(volunteers::activities, volunteers::create_activity))
        .api(routes!(volunteers::activity))
        .api(routes!(volunteers::sign_up))
        .api(routes!(volunteers::confirm))
        .api(routes!(volunteers::cancel))
        .api(routes!(volunteers::summary))
        .api(routes!(volunteers::rules, volunteers::put_rules))
        .api(routes!(volunteers::mine))
        .api(routes!(screen::screen))
        .api_upload(
            routes!(screen::upload_boundary),
            screen::BOUNDARY_MIB * 1024 * 1024,
        )
        .api(routes!(screen::clear_boundary))
        .api(routes!(screen::place_tile))
        .api(routes!(task_forces::task_forces, task_forces::open))
        .api(routes!(task_forces::task_force))
        .api(routes!(task_forces::second))
        .api(routes!(task_forces::meeting))
        .api(routes!(task_forces::link_recruit))
        .api(routes!(task_forces::close))
        .api(routes!(task_forces::member_teams))
        .api(routes!(talents::talents, talents::add_talent))
        .api(routes!(talents::talent))
        .api(routes!(talents::programme))
        .api(routes!(talents::set_target))
        .api(routes!(talents::promotions, talents::add_promotion))
        .api(routes!(talents::studios, talents::open_studio))
        .api(routes!(talents::studio))
        .api(routes!(talents::add_apprentice))
        .api(routes!(talents::finish_apprentice))
        .api(routes!(talents::assess_studio))
        .api_upload(routes!(assessment_files::attach_report), MAX_UPLOAD_BYTES)
        .api(routes!(
            assessment_files::get_report,
            assessment_files::delete_report
        ))
        .api_upload(routes!(assessment_files::attach_project), MAX_UPLOAD_BYTES)
        .api(routes!(
            assessment_files::get_project,
            assessment_files::delete_project
        ))
        .api_upload(routes!(assessment_files::attach_listing), MAX_UPLOAD_BYTES)
        .api(routes!(
            assessment_files::get_listing,
            assessment_files::delete_listing
        ))
}

/// 提醒列表 / List reminders
///
/// The reminders the caller's role may read in their scope org, newest first (at most 100): a
/// member's account reads only those about meeting days, an auditor none (403). A scheduled
/// job writes them at start and every ten minutes; each has a unique key, so none is written
/// twice.
#[utoipa::path(
    get,
    path = "/notifications",
    operation_id = "listNotifications",
    tag = "life",
    responses((status = 200, description = "Reminders and how many are unread.", body = Notifications)),
)]
async fn notifications(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: crate::session::Auth,
) -> crate::error::ApiResult<axum::Json<Notifications>> {
    let items = st.app.notifications(&auth.actor).await?;
    let unread = items.iter().filter(|n| !n.read).count();
    Ok(axum::Json(Notifications { unread, items }))
}

/// The account's latest reminders (at most 100), newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Notifications {
    /// How many of them are unread.
    unread: usize,
    items: Vec<dangjian_service::remind::Notification>,
}

/// 全部标为已读 / Mark all reminders read
///
/// Marks every reminder the caller may read as read by the caller (other users keep their
/// own state).
#[utoipa::path(
    post,
    path = "/notifications/read",
    operation_id = "readNotifications",
    tag = "life",
    responses((status = 204, description = "Done.")),
)]
async fn read_notifications(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: crate::session::Auth,
) -> crate::error::ApiResult<axum::http::StatusCode> {
    st.app.read_notifications(&auth.actor).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// 接口描述文档 / This OpenAPI document
///
/// This document, generated from the handlers and their types. No login needed; the page
/// /api/docs shows the same for reading.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object)),
    security(()),
)]
async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc::json())
}

/// The account a session acts as.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserJson {
    id: Option<i64>,
    username: String,
    display_name: String,
    role: &'static str,
    /// Root of the subtree the user acts in.
    scope_org_id: i64,
    scope_org_name: String,
    /// For role `member`: the user's own member record (such a user reads only their own
    /// branch).
    member_id: Option<i64>,
}

impl From<&Actor> for UserJson {
    fn from(a: &Actor) -> Self {
        UserJson {
            id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.as_str(),
            scope_org_id: a.scope_org_id,
            scope_org_name: a.scope_name.clone(),
            member_id: a.member_id,
        }
    }
}
