//! QR codes for phones: this server's own addresses (check-in, member cards) and the
//! secret an authenticator app scans.

use axum::http::{HeaderMap, header};
use dangjian_service::ServiceError;
use qrcode::QrCode;
use qrcode::render::svg;

/// `path` on this server as the browser reached it.
pub fn absolute_url(headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}{path}")
}

/// The QR code of `url` as inline SVG.
pub fn svg(url: &str) -> Result<String, ServiceError> {
    QrCode::new(url.as_bytes())
        .map(|q| {
            q.render::<svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build()
        })
        .map_err(|e| ServiceError::Internal(format!("QR code: {e}")))
}
