//! Files kept with the work of 组织建设 as the pages show them: a rectification's evidence,
//! a secretary's report and its materials, a project's photos. Each owner's files are one
//! block of the page (`assessment_files.html`): the list with downloads, and the upload and
//! delete forms for whoever keeps them. The handlers sit beside the page they return to, since
//! a refusal shows that whole page again with the reason beside the block.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_service::assessment::files::{AssessmentFile, Owner};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Upload;
use crate::pages::FormOutcome;
use crate::pages::life::minutes::{FileView, size_text};
use crate::session::Auth;

/// One owner's files on a page.
pub struct FilesBlock {
    /// The block's element id: an upload through htmx replaces it with the answer's.
    pub id: String,
    /// `{base}/{file_id}` downloads a file, `{base}/{file_id}/delete` removes it.
    pub base: String,
    /// The page to come back to: the upload's query, and the delete forms' hidden fields.
    pub query: String,
    pub back: Vec<(&'static str, String)>,
    pub files: Vec<FileView>,
    pub may_edit: bool,
    /// Why the last upload or delete was refused.
    pub error: Option<String>,
    /// What the files are (整改佐证材料), in the empty list and the upload's label.
    pub what: &'static str,
}

impl FilesBlock {
    pub fn new(
        id: String,
        base: String,
        files: &[AssessmentFile],
        may_edit: bool,
        what: &'static str,
    ) -> Self {
        FilesBlock {
            id,
            base,
            query: String::new(),
            back: Vec::new(),
            files: files.iter().map(file_view).collect(),
            may_edit,
            error: None,
            what,
        }
    }

    /// The page to come back to after a change (empty values are left out).
    pub fn back(mut self, fields: Vec<(&'static str, String)>) -> Self {
        let fields: Vec<_> = fields.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if !fields.is_empty() {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &fields {
                s.append_pair(k, v);
            }
            self.query = format!("?{}", s.finish());
        }
        self.back = fields;
        self
    }

    /// Shows the first reason of a refused upload or delete.
    pub fn refused(&mut self, errs: &[FieldError]) {
        self.error = errs.first().map(|e| e.message.clone());
    }
}

fn file_view(f: &AssessmentFile) -> FileView {
    FileView {
        id: f.id,
        name: f.name.clone(),
        size: size_text(f.size),
        is_image: f.mime.starts_with("image/"),
    }
}

/// The page an upload or delete came from: the level with its year or page of the list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Back {
    pub org: String,
    pub year: String,
    pub page: String,
}

/// A file for whoever reads its owner: images shown, documents saved.
pub async fn download(
    st: &AppState,
    auth: &Auth,
    owner: Owner,
    file_id: i64,
) -> PageResult<Response> {
    let (f, body) = st.app.assessment_file(&auth.actor, owner, file_id).await?;
    Ok(crate::pages::download(
        &f.name,
        &f.mime,
        f.mime.starts_with("image/"),
        body,
    ))
}

/// Stores an upload, or the reasons it was refused (type, size, an owner no longer kept).
pub async fn attach(
    st: &AppState,
    auth: &Auth,
    owner: Owner,
    u: &Upload,
) -> PageResult<Result<(), Vec<FieldError>>> {
    Ok(st
        .app
        .attach_assessment_file(&auth.actor, owner, &u.name, &u.body)
        .await
        .or_form()?
        .map(|_| ()))
}

/// Removes a file, or the reasons it may not be (a listing signed off meanwhile).
pub async fn delete(
    st: &AppState,
    auth: &Auth,
    owner: Owner,
    file_id: i64,
) -> PageResult<Result<(), Vec<FieldError>>> {
    st.app
        .delete_assessment_file(&auth.actor, owner, file_id)
        .await
        .or_form()
}

/// Back to the page once a change is stored. The upload form posts through htmx (a multipart
/// body carries the CSRF token only in its header), which follows `HX-Redirect` with a whole
/// page load instead of swapping the page into the block.
pub fn back_to(headers: &HeaderMap, to: &str) -> Response {
    if headers.contains_key("hx-request") {
        ([("hx-redirect", to.to_string())], "").into_response()
    } else {
        Redirect::to(to).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_leaves_out_empty_values() {
        let b = FilesBlock::new("x".into(), "/x".into(), &[], true, "材料").back(vec![
            ("org", "7".into()),
            ("year", String::new()),
            ("page", "2".into()),
        ]);
        assert_eq!(b.query, "?org=7&page=2");
        assert_eq!(b.back.len(), 2);
        let b = FilesBlock::new("x".into(), "/x".into(), &[], true, "材料").back(Vec::new());
        assert_eq!(b.query, "");
    }

    #[test]
    fn a_refusal_shows_its_first_reason() {
        let mut b = FilesBlock::new("x".into(), "/x".into(), &[], true, "材料");
        b.refused(&[
            FieldError::new(
                "file",
                "content_mismatch",
                "文件内容与扩展名不符".to_string(),
            ),
            FieldError::new("file", "other", "其他".to_string()),
        ]);
        assert_eq!(b.error.as_deref(), Some("文件内容与扩展名不符"));
    }
}
