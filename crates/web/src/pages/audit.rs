//! The audit log, for auditors: newest first, filtered by action, fifty a page.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PageQuery};
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
    /// The export form's span by default: the six months the log must be kept.
    export_from: String,
    export_to: String,
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
    let today = dangjian_service::today();
    let half_year = today
        .checked_sub(time::Duration::days(183))
        .unwrap_or(today);
    Ok(render(&AuditPage {
        l: Layout::new(&auth.actor, &auth.csrf, "审计日志", "audit"),
        export_from: dangjian_domain::date::format(half_year),
        export_to: dangjian_domain::date::format(today),
        action: action.to_string(),
        rows,
        next,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportForm {
    from: String,
    to: String,
}

/// One CSV field: quoted when it holds a comma, quote or line break, and a leading `=`, `+`,
/// `-` or `@` defused, so that a spreadsheet opening the file runs no formula a user typed.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(r: &dangjian_service::audit::AuditEntry) -> String {
    let fields = [
        r.seq.to_string(),
        format_instant(r.at),
        r.actor_name.clone(),
        r.ip.clone(),
        r.action.clone(),
        r.object_type.clone(),
        r.object_id.clone(),
        r.result.clone(),
        r.detail.clone(),
        r.prev_hash.clone(),
        r.hash.clone(),
    ];
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    line.join(",") + "\r\n"
}

/// The auditor's export of a span of days as CSV (with the chain's links, so that it can be
/// checked elsewhere), streamed page by page; the export is itself audited.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<ExportForm>,
) -> PageResult<Response> {
    let span = st
        .app
        .begin_audit_export(&auth.actor, &f.from, &f.to)
        .await?;
    const HEADER: &str =
        "\u{feff}序号,时间,用户,来源,操作,对象类型,对象,结果,说明,前一条链值,本条链值\r\n";
    let app = st.app.clone();
    let actor = auth.actor.clone();
    // (after this sequence number, done)
    let pages = futures_util::stream::unfold((0i64, false), move |(after, done)| {
        let app = app.clone();
        let actor = actor.clone();
        async move {
            if done {
                return None;
            }
            match app.audit_export_page(&actor, span, after, 1000).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.seq);
                    let text: String = rows.iter().map(csv_line).collect();
                    Some((Ok::<_, std::io::Error>(text), (last, false)))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), (after, true))),
            }
        }
    });
    let body = futures_util::stream::once(async { Ok(HEADER.to_string()) }).chain(pages);
    let name: String =
        form_urlencoded::byte_serialize(format!("审计日志_{}_{}.csv", f.from, f.to).as_bytes())
            .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{name}"),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}
