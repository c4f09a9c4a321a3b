//! 我的: a member's own page, phone first (see `dangjian_service::me`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_domain::dues::fen_to_yuan;
use dangjian_domain::request::RequestState;
use dangjian_domain::transfer::TransferState;
use dangjian_service::me::MyDay;

use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::session::Auth;
use crate::view::{Layout, format_instant};

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    l: Layout,
    d: MyDay,
    study_hours: String,
    dues_standard: String,
    dues_due: String,
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

pub async fn page(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    let d = st.app.my_day(&auth.actor).await?;
    let yuan = |f: Option<i64>| f.map(fen_to_yuan).unwrap_or_default();
    Ok(render(&MePage {
        l: Layout::new(&auth.actor, &auth.csrf, "我的", "me"),
        study_hours: crate::view::hours(d.study_minutes),
        dues_standard: yuan(d.dues.monthly_standard_fen),
        dues_due: yuan(d.dues.due_fen),
        d,
    }))
}
