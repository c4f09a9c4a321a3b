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

use axum::http::header;
use axum::response::IntoResponse;
use dangjian_service::Actor;
use serde::Serialize;

use crate::AppState;
use crate::extract::{MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES};
use crate::routes::Table;

const OPENAPI: &str = include_str!("openapi.json");

pub(crate) fn routes() -> Table {
    Table::new()
        .post("/auth/login", auth::login)
        .get("/requests", request::list)
        .get("/requests/dashboard", request::dashboard)
        .get("/requests/{id}", request::get)
        .post("/requests/{id}/actions", request::act)
        .post("/requests/{id}/phone", request::phone)
        .put("/requests/{id}/redaction", request::redaction)
        .get("/request-categories", request::categories)
        .post("/request-categories", request::create_category)
        .put("/request-categories/{id}", request::update_category)
        .get("/request-departments", request::departments)
        .post("/request-departments", request::create_department)
        .put("/request-departments/{id}", request::update_department)
        .get("/evaluations", evaluation::list)
        .post("/evaluations", evaluation::create)
        .get("/evaluations/{id}/results", evaluation::results)
        .post("/evaluations/{id}/responses", evaluation::respond)
        .post("/evaluations/{id}/publications", evaluation::publish)
        .get("/public/evaluations/{id}/{org}", evaluation::public)
        .get("/cards/{code}/photo", masses::public_card_photo)
        .get("/members/{id}/card/photo", masses::card_photo)
        .post_upload(
            "/members/{id}/card/photo",
            masses::set_card_photo,
            MAX_UPLOAD_BYTES,
        )
        .get("/deeds/{id}/photo", masses::deed_photo)
        .post_upload(
            "/deeds/{id}/photo",
            masses::set_deed_photo,
            MAX_UPLOAD_BYTES,
        )
        .get("/public/request-form", request::public_form)
        .get("/public/grids", request::public_grids)
        .get("/public/requests", request::published)
        .post("/public/requests", request::submit)
        .post("/public/requests/track", request::track)
        .post("/public/requests/answer", request::answer)
        .get("/me", auth::me)
        .get("/orgs", orgs::list)
        .post("/orgs", orgs::create)
        .get("/orgs/{id}", orgs::get)
        .patch("/orgs/{id}", orgs::update)
        .get("/members", members::list)
        .post("/members", members::create)
        .get("/members/export.xlsx", imports::export)
        .get("/members/{id}", members::get)
        .patch("/members/{id}", members::update)
        .get("/imports/template.xlsx", imports::template)
        .post_upload("/imports", imports::upload, MAX_IMPORT_BYTES)
        .get("/imports/{id}", imports::get)
        .post("/imports/{id}/commit", imports::commit)
        .post("/imports/{id}/discard", imports::discard)
        .get("/imports/{id}/errors.xlsx", imports::errors)
        .get("/members/{id}/dues", dues::member)
        .put("/members/{id}/dues/base", dues::set_base)
        .post("/members/{id}/dues/payments", dues::pay)
        .post("/members/{id}/dues/reductions", dues::propose)
        .get("/dues/ledger", dues::ledger)
        .post("/dues/ledger", dues::pay_batch)
        .get("/dues/arrears", dues::arrears)
        .get("/dues/lapses", dues::lapses)
        .get("/dues/reductions", dues::reductions)
        .post("/dues/reductions/{id}/decision", dues::decide)
        .post("/members/{id}/transfers", transfer::request)
        .get("/members/{id}/history", transfer::history)
        .get("/transfers", transfer::list)
        .post("/transfers/in", transfer::receive_in)
        .get("/transfers/targets", transfer::targets)
        .get("/transfers/{id}", transfer::get)
        .post("/transfers/{id}/{action}", transfer::step)
        .get("/recruits", recruit::pipeline)
        .post("/recruits", recruit::create)
        .get("/recruits.xlsx", recruit::pipeline_xlsx)
        .get("/recruits/{id}", recruit::get)
        .post("/recruits/{id}/steps/{no}", recruit::step)
        .post("/recruits/{id}/extension", recruit::extend)
        .post("/recruits/{id}/cancel", recruit::cancel)
        .put("/plans", recruit::plan)
        .get("/stats/overview", orgs::overview)
        .get("/life/compliance", life::compliance)
        .get("/life/compliance.xlsx", life::compliance_xlsx)
        .get("/life/rules", life::rules)
        .put("/life/rules", life::put_rule)
        .get("/meetings", life::list)
        .post("/meetings", life::create)
        .get("/meetings/{id}", life::get)
        .patch("/meetings/{id}", life::update)
        .delete("/meetings/{id}", life::delete)
        .post_upload("/meetings/{id}/files", life::attach, MAX_UPLOAD_BYTES)
        .get("/meetings/{id}/files/{file_id}", life::file)
        .delete("/meetings/{id}/files/{file_id}", life::delete_file)
        .post("/checkins", checkin::open)
        .get("/checkins/{id}", checkin::get)
        .post("/checkin", checkin::check_in)
        .get("/reviews", review::find)
        .post("/reviews", review::open)
        .get("/reviews/summary", review::summary)
        .get("/reviews/{id}", review::get)
        .patch("/reviews/{id}/entries/{member_id}", review::entry)
        .post("/reviews/{id}/decision", review::decide)
        .get("/grids", masses::grids)
        .post("/grids", masses::create_grid)
        .get("/grids/{id}", masses::grid)
        .post("/grids/{id}/households", masses::add_household)
        .get("/households", masses::households)
        .get("/households.xlsx", masses::households_xlsx)
        .get("/deeds.xlsx", masses::deeds_xlsx)
        .get("/households/{id}", masses::household)
        .post("/households/{id}/pairing", masses::pair)
        .delete("/households/{id}/pairing", masses::unpair)
        .post("/members/{id}/deeds", masses::record_deed)
        .get("/deeds", masses::deeds)
        .post("/deeds/{id}/confirm", masses::confirm_deed)
        .get("/masses/coverage", masses::coverage)
        .get("/members/{id}/card", masses::card)
        .put("/members/{id}/card", masses::set_card)
        .get("/cards/{code}", masses::public_card)
        .get("/reports", masses::reports)
        .post("/reports", masses::register_community_checkin)
        .get("/reports/{id}", masses::report)
        .post("/reports/{id}/services", masses::report_service)
        .post("/reports/{id}/rating", masses::rate_community_checkin)
        .post("/reports/{id}/end", masses::end_community_checkin)
        .get("/service-units", masses::service_units)
        .post("/service-units", masses::create_service_unit)
        .get("/service-units/{id}", masses::service_unit)
        .post("/service-units/{id}/members", masses::add_unit_member)
        .delete(
            "/service-units/{id}/members/{member_id}",
            masses::remove_unit_member,
        )
        .get("/notifications", notifications)
        .post("/notifications/read", read_notifications)
        .get("/openapi.json", openapi)
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
