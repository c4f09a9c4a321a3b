//! QR codes for phones: this server's own addresses (check-in, member cards) and the
//! secret an authenticator app scans.

use axum::http::{HeaderMap, header};
use dangjian_service::ServiceError;
use qrcode::QrCode;
use qrcode::render::svg;

/// `path` on this server: at the configured public address, else as the browser reached it
/// (a Host header is the client's to write, so a deployment names its address).
pub fn absolute_url(public_url: Option<&str>, headers: &HeaderMap, path: &str) -> String {
    if let Some(base) = public_url {
        return format!("{}{path}", base.trim_end_matches('/'));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_address_wins_over_the_host_header() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "evil.example.com".parse().expect("host"));
        assert_eq!(
            absolute_url(Some("https://dj.example.gov.cn/"), &h, "/c/AB12"),
            "https://dj.example.gov.cn/c/AB12"
        );
        assert_eq!(
            absolute_url(None, &h, "/c/AB12"),
            "http://evil.example.com/c/AB12"
        );
    }
}
