//! Service errors as HTTP answers: JSON `{"error":{"code","message","field"}}` for the API,
//! a page for the browser. Messages are Chinese; details of internal errors go to the log.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_service::ServiceError;
use serde::Serialize;

pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<Cow<'static, str>>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }
}

impl From<&ServiceError> for Problem {
    fn from(e: &ServiceError) -> Self {
        match e {
            ServiceError::NotFound => Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "对象不存在或不在您的管辖范围内",
            ),
            ServiceError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "forbidden", *m),
            ServiceError::Unauthenticated => {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
            }
            ServiceError::Invalid(errs) => match errs.first() {
                Some(f) => Problem {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: f.code,
                    message: f.message.clone(),
                    field: Some(Cow::Borrowed(f.field)),
                },
                None => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "输入有误"),
            },
            ServiceError::Unavailable(detail) => {
                tracing::warn!("database unavailable: {detail}");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "数据库暂时不可用，请稍后再试",
                )
            }
            ServiceError::Config(m) | ServiceError::Internal(m) => {
                tracing::error!("internal error: {m}");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请联系管理员",
                )
            }
        }
    }
}

/// An error answered as JSON.
pub struct ApiError(pub Problem);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(Problem::from(&e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let p = self.0;
        let body = ErrorBody {
            error: ErrorDetail {
                code: p.code,
                message: p.message,
                field: p.field,
            },
        };
        (p.status, Json(body)).into_response()
    }
}

/// How every API error is answered.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// What went wrong, for a program: `not_found`, `forbidden`, or a validation code.
    code: &'static str,
    /// What went wrong, in Chinese, for a person.
    message: String,
    /// The input field at fault, when one is.
    #[schema(value_type = Option<String>)]
    field: Option<Cow<'static, str>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// An error answered as a page; an expired login goes back to the login form.
pub struct PageError(pub Problem);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError(Problem::from(&e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.0.status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/login").into_response();
        }
        crate::pages::error_page(self.0)
    }
}

pub type PageResult<T> = Result<T, PageError>;
