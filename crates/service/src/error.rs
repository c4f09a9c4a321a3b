//! The service's errors, which the web layer maps to statuses and Chinese messages.

use dangjian_domain::FieldError;
use dangjian_store::StoreError;

/// What went wrong, in terms the web layer maps to a status code and a Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Missing, or outside the actor's scope: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// Inside the scope, but the role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, code, message)])
    }
}

#[allow(exported_private_dependencies)]
impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::Duplicate(m) => {
                ServiceError::Internal(format!("unexpected duplicate: {m}"))
            }
            StoreError::Other(m) => ServiceError::Internal(m),
        }
    }
}
