//! The bell and the list of reminders the account may read.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::session::Auth;
use crate::view::{Layout, format_instant};

pub struct NoteView {
    title: String,
    body: String,
    link: String,
    at: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotesPage {
    l: Layout,
    unread: i64,
    items: Vec<NoteView>,
}

pub async fn page(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    let items = st.app.notifications(&auth.actor).await?;
    let unread = items.iter().filter(|n| !n.read).count() as i64;
    let items = items
        .into_iter()
        .map(|n| NoteView {
            title: n.title,
            body: n.body,
            link: n.link,
            at: format_instant(n.created_at),
            read: n.read,
        })
        .collect();
    Ok(render(&NotesPage {
        l: Layout::new(&auth.actor, &auth.csrf, "提醒", ""),
        unread,
        items,
    }))
}

/// The bell's label, loaded by htmx so that no page waits for it.
pub async fn count(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    let n = st.app.unread_notifications(&auth.actor).await?;
    let label = if n > 0 {
        format!("提醒 <b class=\"badge\" id=\"bell-count\">{n}</b>")
    } else {
        "提醒".to_string()
    };
    Ok(Html(label).into_response())
}

pub async fn read(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    st.app.read_notifications(&auth.actor).await?;
    Ok(Redirect::to("/notifications").into_response())
}
