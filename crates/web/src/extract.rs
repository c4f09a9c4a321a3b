//! Extractors whose rejections speak the project's error format instead of axum's plain text.

use std::borrow::Cow;

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use dangjian_domain::text;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, PageError, Problem};

fn body_problem(status: StatusCode, detail: String, what: &str) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return Problem::new(status, "body_too_large", "请求内容超过 1 MiB 上限");
    }
    if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return Problem::new(
            status,
            "unsupported_media_type",
            format!("请求内容类型不正确，应为 {what}"),
        );
    }
    Problem::new(
        StatusCode::BAD_REQUEST,
        "malformed_body",
        format!("请求内容无法解析（{what}）：{detail}"),
    )
}

/// A text field holding a character that hides or reorders text (see `domain::text`).
fn hidden_problem(field: &str) -> Problem {
    Problem {
        field: Some(Cow::Owned(field.to_string())),
        ..Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_character",
            text::hidden_message(&format!("字段 {field} ")),
        )
    }
}

/// A screened value in place: NFC, except a password, which keeps its bytes so that a hash
/// made from it as typed still matches.
fn screen_value(key: &str, value: &mut String) -> Result<(), Problem> {
    match text::screen(value) {
        None => Err(hidden_problem(key)),
        Some(Cow::Owned(normal)) if !key.contains("password") => {
            *value = normal;
            Ok(())
        }
        Some(_) => Ok(()),
    }
}

/// Every string of a JSON body in NFC, or the first field with a hidden character.
fn screen_json(v: &mut Value, key: &str) -> Result<(), Problem> {
    match v {
        Value::String(s) => screen_value(key, s)?,
        Value::Array(items) => {
            for item in items {
                screen_json(item, key)?;
            }
        }
        Value::Object(fields) => {
            for (k, item) in fields {
                screen_json(item, k)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Each value of a form in NFC, or the first field with a hidden character (invalid UTF-8
/// decodes to one).
fn screen_pairs(pairs: &mut [(String, String)]) -> Result<(), Problem> {
    for (k, v) in pairs {
        screen_value(k, v)?;
    }
    Ok(())
}

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut v = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(e) => return Err(ApiError(json_problem(&e))),
        };
        screen_json(&mut v, "").map_err(ApiError)?;
        serde_json::from_value(v)
            .map(ApiJson)
            .map_err(|e| ApiError(body_problem(StatusCode::BAD_REQUEST, e.to_string(), "JSON")))
    }
}

fn json_problem(e: &JsonRejection) -> Problem {
    body_problem(e.status(), e.body_text(), "JSON")
}

pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        screened_query(parts).map(ApiQuery).map_err(ApiError)
    }
}

/// The query string read like a form: each value screened and in NFC (bytes that are not
/// UTF-8 decode to U+FFFD, which the screen refuses), then into the handler's type.
fn screened_query<T: DeserializeOwned>(parts: &Parts) -> Result<T, Problem> {
    let raw = parts.uri.query().unwrap_or_default();
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    screen_pairs(&mut pairs)?;
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    serde_urlencoded::from_str(&query).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_query",
            format!("查询参数有误：{e}"),
        )
    })
}

pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        screened_query(parts).map(PageQuery).map_err(PageError)
    }
}

pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut pairs = match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(pairs)) => pairs,
            Err(e) => return Err(PageError(form_problem(&e))),
        };
        screen_pairs(&mut pairs).map_err(PageError)?;
        // The screened values, read into the form's own type as they came.
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        serde_urlencoded::from_str(&body)
            .map(PageForm)
            .map_err(|e| PageError(body_problem(StatusCode::BAD_REQUEST, e.to_string(), "表单")))
    }
}

fn form_problem(e: &FormRejection) -> Problem {
    body_problem(e.status(), e.body_text(), "表单")
}

/// An id in the path that is not a number names nothing: 404 like any unknown id.
fn path_problem() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "对象不存在或不在您的管辖范围内",
    )
}

pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| ApiError(path_problem()))
    }
}

pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PagePath(p.0))
            .map_err(|_| PageError(path_problem()))
    }
}

/// Uploads may be larger than other requests: one attachment plus the form around it.
pub const MAX_UPLOAD_BYTES: usize = UPLOAD_MIB * 1024 * 1024;
pub const UPLOAD_MIB: usize = 6;

/// A roster to import: 60,000 members fill about 4 MB of xlsx, so 20 MiB leaves room.
pub const MAX_IMPORT_BYTES: usize = IMPORT_MIB * 1024 * 1024;
pub const IMPORT_MIB: usize = 20;

/// The `file` field of a multipart form: its name as the browser sent it, and its bytes.
pub struct Upload {
    pub name: String,
    pub body: Vec<u8>,
}

async fn read_upload(req: Request, limit_mib: usize) -> Result<Upload, Problem> {
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("上传内容超过 {limit_mib} MiB 上限"),
        )
    };
    let malformed = |detail: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_body",
            format!("上传内容无法解析（应为 multipart/form-data，文件字段名 file）：{detail}"),
        )
    };
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .map_err(|e| malformed(e.body_text()))?;
    loop {
        let field = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                malformed(e.body_text())
            }
        })?;
        let Some(field) = field else {
            return Err(Problem {
                field: Some(Cow::Borrowed("file")),
                ..Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "required",
                    "请选择要上传的文件",
                )
            });
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_string();
        let body = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                malformed(e.body_text())
            }
        })?;
        return Ok(Upload {
            name,
            body: body.to_vec(),
        });
    }
}

/// An uploaded file for the JSON API; `MIB` names the route's body limit in messages.
pub struct ApiUpload<const MIB: usize = UPLOAD_MIB>(pub Upload);

impl<S: Send + Sync, const MIB: usize> FromRequest<S> for ApiUpload<MIB> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        read_upload(req, MIB).await.map(ApiUpload).map_err(ApiError)
    }
}

pub struct PageUpload<const MIB: usize = UPLOAD_MIB>(pub Upload);

impl<S: Send + Sync, const MIB: usize> FromRequest<S> for PageUpload<MIB> {
    type Rejection = PageError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        read_upload(req, MIB)
            .await
            .map(PageUpload)
            .map_err(PageError)
    }
}

/// A multipart form of text fields and at most one file (the residents' form and its photo).
pub struct MultipartForm {
    pub fields: Vec<(String, String)>,
    pub file: Option<Upload>,
}

impl MultipartForm {
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

async fn read_multipart_form(req: Request, limit_mib: usize) -> Result<MultipartForm, Problem> {
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("提交内容超过 {limit_mib} MiB 上限，请换一张小一些的照片"),
        )
    };
    let fail = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_body",
                format!(
                    "提交内容无法解析（应为 multipart/form-data）：{}",
                    e.body_text()
                ),
            )
        }
    };
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_body",
                format!(
                    "提交内容无法解析（应为 multipart/form-data）：{}",
                    e.body_text()
                ),
            )
        })?;
    let mut out = MultipartForm {
        fields: Vec::new(),
        file: None,
    };
    while let Some(field) = form.next_field().await.map_err(fail)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let body = field.bytes().await.map_err(fail)?;
                // A file input left empty still sends a part, with no name and no bytes.
                if out.file.is_none() && !body.is_empty() {
                    out.file = Some(Upload {
                        name: file_name,
                        body: body.to_vec(),
                    });
                }
            }
            None => {
                let value = field.text().await.map_err(fail)?;
                out.fields.push((name, value));
            }
        }
    }
    screen_pairs(&mut out.fields)?;
    Ok(out)
}

pub struct PageMultipart<const MIB: usize>(pub MultipartForm);

impl<S: Send + Sync, const MIB: usize> FromRequest<S> for PageMultipart<MIB> {
    type Rejection = PageError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        read_multipart_form(req, MIB)
            .await
            .map(PageMultipart)
            .map_err(PageError)
    }
}
