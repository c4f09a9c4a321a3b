//! The JSON API under /api/v1, described by `openapi.json` (served as is, and checked
//! against the routes by the integration tests).

mod auth;
mod checkin;
mod dues;
mod evaluation;
mod imports;
mod life;
mod masses;
mod members;
mod orgs;
mod recruit;
mod request;
mod review;
mod transfer;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use dangjian_service::Actor;
use serde::Serialize;

use crate::AppState;
use crate::extract::{MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES};

const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/requests", get(request::list))
        .route("/requests/dashboard", get(request::dashboard))
        .route("/requests/{id}", get(request::get))
        .route("/requests/{id}/actions", post(request::act))
        .route("/requests/{id}/phone", post(request::phone))
        .route(
            "/requests/{id}/redaction",
            axum::routing::put(request::redaction),
        )
        .route(
            "/request-categories",
            get(request::categories).post(request::create_category),
        )
        .route(
            "/request-categories/{id}",
            axum::routing::put(request::update_category),
        )
        .route(
            "/request-departments",
            get(request::departments).post(request::create_department),
        )
        .route(
            "/request-departments/{id}",
            axum::routing::put(request::update_department),
        )
        .route(
            "/evaluations",
            get(evaluation::list).post(evaluation::create),
        )
        .route("/evaluations/{id}/results", get(evaluation::results))
        .route("/evaluations/{id}/responses", post(evaluation::respond))
        .route("/evaluations/{id}/publications", post(evaluation::publish))
        .route("/public/evaluations/{id}/{org}", get(evaluation::public))
        .route("/cards/{code}/photo", get(masses::public_card_photo))
        .route(
            "/members/{id}/card/photo",
            get(masses::card_photo)
                .post(masses::set_card_photo)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/deeds/{id}/photo",
            get(masses::deed_photo)
                .post(masses::set_deed_photo)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/public/request-form", get(request::public_form))
        .route("/public/grids", get(request::public_grids))
        .route(
            "/public/requests",
            get(request::published).post(request::submit),
        )
        .route("/public/requests/track", post(request::track))
        .route("/public/requests/answer", post(request::answer))
        .route("/me", get(auth::me))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{id}", get(orgs::get).patch(orgs::update))
        .route("/members", get(members::list).post(members::create))
        .route("/members/export.xlsx", get(imports::export))
        .route("/members/{id}", get(members::get).patch(members::update))
        .route("/imports/template.xlsx", get(imports::template))
        .route(
            "/imports",
            post(imports::upload).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/imports/{id}", get(imports::get))
        .route("/imports/{id}/commit", post(imports::commit))
        .route("/imports/{id}/discard", post(imports::discard))
        .route("/imports/{id}/errors.xlsx", get(imports::errors))
        .route("/members/{id}/dues", get(dues::member))
        .route(
            "/members/{id}/dues/base",
            axum::routing::put(dues::set_base),
        )
        .route("/members/{id}/dues/payments", post(dues::pay))
        .route("/members/{id}/dues/reductions", post(dues::propose))
        .route("/dues/ledger", get(dues::ledger).post(dues::pay_batch))
        .route("/dues/arrears", get(dues::arrears))
        .route("/dues/lapses", get(dues::lapses))
        .route("/dues/reductions", get(dues::reductions))
        .route("/dues/reductions/{id}/decision", post(dues::decide))
        .route("/members/{id}/transfers", post(transfer::request))
        .route("/members/{id}/history", get(transfer::history))
        .route("/transfers", get(transfer::list))
        .route("/transfers/in", post(transfer::receive_in))
        .route("/transfers/targets", get(transfer::targets))
        .route("/transfers/{id}", get(transfer::get))
        .route("/transfers/{id}/{action}", post(transfer::step))
        .route("/recruits", get(recruit::pipeline).post(recruit::create))
        .route("/recruits.xlsx", get(recruit::pipeline_xlsx))
        .route("/recruits/{id}", get(recruit::get))
        .route("/recruits/{id}/steps/{no}", post(recruit::step))
        .route("/recruits/{id}/extension", post(recruit::extend))
        .route("/recruits/{id}/cancel", post(recruit::cancel))
        .route("/plans", axum::routing::put(recruit::plan))
        .route("/stats/overview", get(orgs::overview))
        .route("/life/compliance", get(life::compliance))
        .route("/life/compliance.xlsx", get(life::compliance_xlsx))
        .route("/life/rules", get(life::rules).put(life::put_rule))
        .route("/meetings", get(life::list).post(life::create))
        .route(
            "/meetings/{id}",
            get(life::get).patch(life::update).delete(life::delete),
        )
        .route(
            "/meetings/{id}/files",
            post(life::attach).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/meetings/{id}/files/{file_id}",
            get(life::file).delete(life::delete_file),
        )
        .route("/checkins", post(checkin::open))
        .route("/checkins/{id}", get(checkin::get))
        .route("/checkin", post(checkin::check_in))
        .route("/reviews", get(review::find).post(review::open))
        .route("/reviews/summary", get(review::summary))
        .route("/reviews/{id}", get(review::get))
        .route(
            "/reviews/{id}/entries/{member_id}",
            axum::routing::patch(review::entry),
        )
        .route("/reviews/{id}/decision", post(review::decide))
        .route("/grids", get(masses::grids).post(masses::create_grid))
        .route("/grids/{id}", get(masses::grid))
        .route("/grids/{id}/households", post(masses::add_household))
        .route("/households", get(masses::households))
        .route("/households.xlsx", get(masses::households_xlsx))
        .route("/deeds.xlsx", get(masses::deeds_xlsx))
        .route("/households/{id}", get(masses::household))
        .route(
            "/households/{id}/pairing",
            post(masses::pair).delete(masses::unpair),
        )
        .route("/members/{id}/deeds", post(masses::record_deed))
        .route("/deeds", get(masses::deeds))
        .route("/deeds/{id}/confirm", post(masses::confirm_deed))
        .route("/masses/coverage", get(masses::coverage))
        .route(
            "/members/{id}/card",
            get(masses::card).put(masses::set_card),
        )
        .route("/cards/{code}", get(masses::public_card))
        .route(
            "/reports",
            get(masses::reports).post(masses::register_report),
        )
        .route("/reports/{id}", get(masses::report))
        .route("/reports/{id}/services", post(masses::report_service))
        .route("/reports/{id}/rating", post(masses::rate_report))
        .route("/reports/{id}/end", post(masses::end_report))
        .route(
            "/service-units",
            get(masses::service_units).post(masses::create_service_unit),
        )
        .route("/service-units/{id}", get(masses::service_unit))
        .route("/service-units/{id}/members", post(masses::add_unit_member))
        .route(
            "/service-units/{id}/members/{member_id}",
            axum::routing::delete(masses::remove_unit_member),
        )
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read_notifications))
        .route("/openapi.json", get(openapi))
}

async fn notifications(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: crate::session::Auth,
) -> crate::error::ApiResult<axum::Json<serde_json::Value>> {
    let items = st.app.notifications(&auth.actor).await?;
    let unread = items.iter().filter(|n| !n.read).count();
    Ok(axum::Json(
        serde_json::json!({ "unread": unread, "items": items }),
    ))
}

async fn read_notifications(
    axum::extract::State(st): axum::extract::State<AppState>,
    auth: crate::session::Auth,
) -> crate::error::ApiResult<axum::http::StatusCode> {
    st.app.read_notifications(&auth.actor).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Serialize)]
pub struct UserJson {
    id: Option<i64>,
    username: String,
    display_name: String,
    role: &'static str,
    scope_org_id: i64,
    scope_org_name: String,
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
