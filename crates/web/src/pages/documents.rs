//! Documents made in the background: starting one, its progress (polled by htmx), its file.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_service::book::BookQuery;
use dangjian_service::document::DocumentJob;
use serde::Deserialize;

use super::{parse_id, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath};
use crate::session::Auth;
use crate::view::Layout;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BooksForm {
    org: String,
    year: String,
}

/// Starts a level's record books as one file, then shows its progress.
pub async fn start_record_books(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<BooksForm>,
) -> PageResult<Response> {
    let q = BookQuery {
        org: parse_id(&f.org),
        year: parse_id(&f.year).and_then(|y| i32::try_from(y).ok()),
    };
    let job = st.app.start_record_books(&auth.actor, &q).await?;
    Ok(Redirect::to(&format!("/documents/{}", job.id)).into_response())
}

#[derive(Template)]
#[template(path = "document.html")]
struct JobPage {
    l: Layout,
    j: DocumentJob,
}

pub async fn job(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let j = st.app.document_job(&auth.actor, id).await?;
    Ok(render(&JobPage {
        l: Layout::new(&auth.actor, &auth.csrf, "记录本合订", "life"),
        j,
    }))
}

#[derive(Template)]
#[template(path = "document_progress.html")]
struct ProgressFragment {
    j: DocumentJob,
}

/// The htmx fragment the page polls while the file is made.
pub async fn progress(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let j = st.app.document_job(&auth.actor, id).await?;
    Ok(render(&ProgressFragment { j }))
}

pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let (name, bytes) = st.app.document_file(&auth.actor, id).await?;
    Ok(super::download(&name, "application/pdf", false, bytes))
}
