//! Changing a recorded meeting: its description, its files, or deleting it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::life::MeetingKind;
use dangjian_service::ServiceError;
use dangjian_service::life::Meeting;
use dangjian_service::life::MeetingFile;
use dangjian_service::life::{MeetingInput, MeetingPatch};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageUpload};
use crate::pages::{FormErrors, FormOutcome, render, render_with};
use crate::session::Auth;
use crate::view::Layout;

pub struct FileView {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub is_image: bool,
}

impl From<&MeetingFile> for FileView {
    fn from(f: &MeetingFile) -> Self {
        FileView {
            id: f.id,
            name: f.name.clone(),
            size: size_text(f.size),
            is_image: f.mime.starts_with("image/"),
        }
    }
}

/// A file's size as a list shows it: whole KB rounded up, MB with one decimal.
pub(crate) fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[derive(Template)]
#[template(path = "meeting_files.html")]
pub struct FilesFragment {
    pub meeting_id: i64,
    pub files: Vec<FileView>,
    pub can_edit: bool,
    pub error: Option<String>,
}

async fn files_fragment(
    st: &AppState,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> PageResult<Response> {
    let d = st.app.meeting(&auth.actor, id).await?;
    Ok(render(&FilesFragment {
        meeting_id: id,
        files: d.files.iter().map(FileView::from).collect(),
        can_edit: st
            .app
            .branch_to_record(&auth.actor, d.meeting.org_id)
            .await
            .is_ok(),
        error,
    }))
}

/// Uploads from the meeting page (htmx): the list comes back with the new file, or with
/// the reason it was refused.
pub async fn upload(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    match st
        .app
        .attach_file(&auth.actor, id, &u.name, &u.body)
        .await
        .or_form()?
    {
        Ok(_) => files_fragment(&st, &auth, id, None).await,
        Err(errs) => {
            let msg = errs.first().map(|e| e.message.clone());
            files_fragment(&st, &auth, id, msg).await
        }
    }
}

pub async fn download(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    let (f, body) = st.app.meeting_file(&auth.actor, id, file_id).await?;
    Ok(crate::pages::file_response(&f, body))
}

pub async fn delete_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    st.app.delete_meeting_file(&auth.actor, id, file_id).await?;
    files_fragment(&st, &auth, id, None).await
}

#[derive(Template)]
#[template(path = "meeting_edit.html")]
struct EditPage {
    l: Layout,
    m: Meeting,
    kind: &'static str,
    input: MeetingInput,
    errors: FormErrors,
}

fn edit_page(auth: &Auth, m: Meeting, input: MeetingInput, errors: FormErrors) -> Response {
    let status = errors.status();
    render_with(
        status,
        &EditPage {
            l: Layout::new(&auth.actor, &auth.csrf, "修改会议记录", "life"),
            kind: MeetingKind::parse(&m.kind).map_or("会议", MeetingKind::label),
            m,
            input,
            errors,
        },
    )
}

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let d = st.app.meeting(&auth.actor, id).await?;
    st.app
        .branch_to_record(&auth.actor, d.meeting.org_id)
        .await?;
    let input = MeetingPatch::default().applied_to(&d.meeting);
    Ok(edit_page(&auth, d.meeting, input, FormErrors::default()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    starts_at: String,
    place: String,
    topic: String,
    host: String,
    lecturer: String,
    agenda: String,
    minutes: String,
    decisions: String,
    study_minutes: String,
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EditForm>,
) -> PageResult<Response> {
    // The form sends every field: all of them replace what is stored.
    let patch = MeetingPatch {
        starts_at: Some(f.starts_at),
        place: Some(f.place),
        topic: Some(f.topic),
        host: Some(f.host),
        lecturer: Some(f.lecturer),
        agenda: Some(f.agenda),
        minutes: Some(f.minutes),
        decisions: Some(f.decisions),
        study_minutes: Some(crate::pages::parse_minutes(&f.study_minutes).unwrap_or(0)),
    };
    match st
        .app
        .update_meeting(&auth.actor, id, &patch)
        .await
        .or_form()?
    {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}", m.id)).into_response()),
        Err(errs) => {
            let d = st.app.meeting(&auth.actor, id).await?;
            let typed = patch.applied_to(&d.meeting);
            Ok(edit_page(&auth, d.meeting, typed, FormErrors(errs)))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    confirm: String,
}

pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DeleteForm>,
) -> PageResult<Response> {
    let d = st.app.meeting(&auth.actor, id).await?;
    if f.confirm != "yes" {
        return Err(
            ServiceError::field("confirm", "confirm_required", "请勾选确认后再删除").into(),
        );
    }
    st.app.delete_meeting(&auth.actor, id).await?;
    Ok(Redirect::to(&format!("/meetings?org={}", d.meeting.org_id)).into_response())
}
