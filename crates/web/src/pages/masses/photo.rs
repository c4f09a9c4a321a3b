//! Photos of cards and deeds: shown inline, uploaded through htmx (a multipart form carries
//! the CSRF token in its header), answered with the fragment that shows the photo or the
//! reason it was refused.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::ServiceError;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PagePath, PageUpload};
use crate::pages::{FormOutcome, render};
use crate::session::Auth;

#[derive(Template)]
#[template(path = "photo_cell.html")]
struct PhotoCell {
    src: Option<String>,
    error: Option<String>,
}

fn cell(result: Result<(), ServiceError>, src: String) -> PageResult<Response> {
    match result.or_form()? {
        Ok(()) => Ok(render(&PhotoCell {
            // A new address each time, so that the browser shows the new photo.
            src: Some(format!("{src}?v={}", dangjian_service::now_ms())),
            error: None,
        })),
        Err(errs) => Ok(render(&PhotoCell {
            src: None,
            error: errs.first().map(|e| e.message.clone()),
        })),
    }
}

fn image((mime, body): (String, Vec<u8>)) -> Response {
    crate::pages::download("photo", &mime, true, body)
}

pub async fn card(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    Ok(image(st.app.card_photo(&auth.actor, id).await?))
}

pub async fn set_card(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    let r = st
        .app
        .set_card_photo(&auth.actor, id, &u.name, &u.body)
        .await;
    cell(r, format!("/members/{id}/card/photo"))
}

/// The photo of a published card, for anyone.
pub async fn public_card(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    Ok(image(st.app.public_card_photo(&code).await?))
}

pub async fn deed(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    Ok(image(st.app.deed_photo(&auth.actor, id).await?))
}

pub async fn set_deed(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    let r = st
        .app
        .set_deed_photo(&auth.actor, id, &u.name, &u.body)
        .await;
    cell(r, format!("/deeds/{id}/photo"))
}
