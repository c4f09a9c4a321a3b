//! 我的: a member's own page, phone first (see `dangjian_service::me`); for a first secretary
//! or a resident work team's member, their posting with the voluntary check-in of the day and
//! their own leave requests (nobody else sees this card).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::dues::fen_to_yuan;
use dangjian_domain::request::RequestState;
use dangjian_domain::transfer::TransferState;
use dangjian_service::ServiceError;
use dangjian_service::cadres::resident::{Leave, LeaveInput, MyPosting};
use dangjian_service::me::MyDay;
use serde::Deserialize;

use super::{FormErrors, FormOutcome, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageForm;
use crate::session::Auth;
use crate::view::{Layout, format_instant};

/// The caller's own leave request as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LeaveForm {
    from_on: String,
    to_on: String,
    reason: String,
}

/// A resident cadre's posting as their card shows it: this month so far, their leave.
struct Residency {
    village: String,
    role: &'static str,
    /// `YYYY-MM`.
    month: String,
    checked_in: i64,
    /// The month's days as the first secretary or the village recorded them, if they did.
    recorded: Option<i64>,
    leave_days: i64,
    checked_in_today: bool,
    leaves: Vec<Leave>,
}

impl From<MyPosting> for Residency {
    fn from(p: MyPosting) -> Self {
        Residency {
            village: p.village,
            role: p.cadre.role_label(),
            checked_in: p.month.checked_in,
            recorded: p.month.recorded.then_some(p.month.days),
            leave_days: p.month.leave_days,
            month: p.month.month,
            checked_in_today: p.checked_in_today,
            leaves: p.leaves,
        }
    }
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    l: Layout,
    d: MyDay,
    study_hours: String,
    dues_standard: String,
    dues_due: String,
    residency: Option<Residency>,
    leave: LeaveForm,
    leave_errs: FormErrors,
    /// The task forces the member served in.
    teams: Vec<dangjian_service::task_forces::teams::MemberTaskForce>,
}

impl MePage {
    fn attendance(&self, status: &str) -> &'static str {
        match status {
            "present" => "出席",
            "excused" => "请假",
            _ => "缺席",
        }
    }

    fn request_state(&self, state: &str) -> &'static str {
        RequestState::parse(state).map_or("", RequestState::label)
    }

    fn transfer_state(&self, state: &str) -> &'static str {
        TransferState::parse(state).map_or("", TransferState::label)
    }

    fn when(&self, ms: &i64) -> String {
        format_instant(*ms)
    }
}

async fn me_page(
    st: &AppState,
    auth: &Auth,
    leave: LeaveForm,
    leave_errs: FormErrors,
) -> PageResult<Response> {
    let d = st.app.my_day(&auth.actor).await?;
    let residency = st.app.my_posting(&auth.actor).await?.map(Residency::from);
    let teams = st.app.member_task_forces(&auth.actor, d.member.id).await?;
    let yuan = |f: Option<i64>| f.map(fen_to_yuan).unwrap_or_default();
    let status = leave_errs.status();
    Ok(render_with(
        status,
        &MePage {
            l: Layout::new(&auth.actor, &auth.csrf, "我的", "me"),
            study_hours: crate::view::hours(d.study_minutes),
            dues_standard: yuan(d.dues.monthly_standard_fen),
            dues_due: yuan(d.dues.due_fen),
            d,
            residency,
            leave,
            leave_errs,
            teams,
        },
    ))
}

pub async fn page(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    me_page(&st, &auth, LeaveForm::default(), FormErrors::default()).await
}

/// 今日在村: the resident cadre's own voluntary check-in for today (a second one changes
/// nothing).
pub async fn residency_check_in(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    st.app.resident_check_in(&auth.actor).await?;
    Ok(Redirect::to("/me#my-residency").into_response())
}

/// The resident cadre asks leave for themselves.
pub async fn residency_leave(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<LeaveForm>,
) -> PageResult<Response> {
    let Some(p) = st.app.my_posting(&auth.actor).await? else {
        return Err(
            ServiceError::Forbidden("只有在驻村期间的第一书记和工作队员可以在这里请假").into(),
        );
    };
    let input = LeaveInput {
        from_on: f.from_on.trim().to_string(),
        to_on: f.to_on.trim().to_string(),
        reason: f.reason.clone(),
    };
    match st
        .app
        .request_leave(&auth.actor, p.cadre.id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to("/me#my-residency").into_response()),
        Err(errs) => me_page(&st, &auth, f, FormErrors(errs)).await,
    }
}
