//! The audit log, for auditors: newest first, filtered by action, fifty a page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::session::Auth;
use crate::view::{Layout, format_instant};

pub struct AuditView {
    seq: i64,
    at: String,
    actor: String,
    ip: String,
    action: String,
    object: String,
    result: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    action: String,
    rows: Vec<AuditView>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    before: Option<i64>,
}

const PAGE: i64 = 50;

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult<Response> {
    let action = q.action.trim();
    let rows = st
        .app
        .audit_log(
            &auth.actor,
            (!action.is_empty()).then_some(action),
            q.before,
            PAGE,
        )
        .await?;
    let next = (rows.len() as i64 == PAGE).then(|| {
        let last = rows.last().map_or(0, |r| r.seq);
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !action.is_empty() {
            s.append_pair("action", action);
        }
        s.append_pair("before", &last.to_string());
        format!("?{}", s.finish())
    });
    let rows = rows
        .into_iter()
        .map(|r| AuditView {
            seq: r.seq,
            at: format_instant(r.at),
            actor: r.actor_name,
            ip: r.ip,
            action: r.action,
            object: format!("{} {}", r.object_type, r.object_id),
            result: r.result,
            detail: r.detail,
        })
        .collect();
    Ok(render(&AuditPage {
        l: Layout::new(&auth.actor, &auth.csrf, "审计日志", "audit"),
        action: action.to_string(),
        rows,
        next,
    }))
}
