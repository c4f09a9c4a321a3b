//! 三会一课记录本.

use axum::response::Response;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::life::record_book::RecordBook;

/// 三会一课记录本 of one organization and year.
pub async fn record_book(b: &RecordBook) -> Result<Response, ServiceError> {
    let title = format!("三会一课记录本（{} 年度）", b.year);
    let mut d = Doc::new(&b.org_title, &title, &super::today());
    b.write_into(&mut d);
    let name = format!("三会一课记录本-{}-{}.pdf", b.org_title, b.year);
    super::download(&name, d).await
}
