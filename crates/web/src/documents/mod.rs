//! Documents as PDF, made from the service's read models and typeset by the report crate off
//! the request threads; one file per business area.

mod assessment;
mod dues;
mod life;
mod recruit;
mod stats;

pub use assessment::{problem_ledger, problem_selection};
pub use dues::dues_book;
pub use life::record_book;
pub use recruit::recruit_file;
pub use stats::{change_text, figure_text, party_statistics, work_report};

use axum::response::Response;
use dangjian_report::pdf::{Column, Doc, pdf};
use dangjian_service::ServiceError;

const PDF: &str = "application/pdf";

/// Typesets off the request threads: a book of a few hundred pages is tens of milliseconds
/// of work that would otherwise hold a worker.
async fn typeset(doc: Doc) -> Result<Vec<u8>, ServiceError> {
    tokio::task::spawn_blocking(move || pdf(&doc))
        .await
        .map_err(|e| ServiceError::Internal(format!("PDF: {e}")))?
        .map_err(ServiceError::Internal)
}

/// The document typeset and sent as a download named `name`.
async fn download(name: &str, doc: Doc) -> Result<Response, ServiceError> {
    let bytes = typeset(doc).await?;
    Ok(crate::pages::download(name, PDF, false, bytes))
}

/// Today, as every document's head shows it.
fn today() -> String {
    dangjian_domain::date::format(dangjian_service::today())
}

/// Columns from titles and shares.
fn columns<'a>(spec: &[(&'a str, f32)]) -> Vec<Column<'a>> {
    spec.iter()
        .map(|&(title, share)| Column { title, share })
        .collect()
}
