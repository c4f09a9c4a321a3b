//! Prometheus text exposition: request counts and latency histograms per route, pool state.
//! Kept per application instance (no global recorder), so several apps can share a process.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_string()).or_default();
            for (i, le) in BUCKETS.iter().enumerate() {
                if seconds <= *le {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }
}

pub async fn record(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    st.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

/// The figures, to whoever shows the configured token; without a token configured, to no one
/// (404), since the counts by route tell an outsider how the platform is used.
pub async fn render(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let shown = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&st.app.config.metrics_token, shown) {
        // Compared in full whatever differs, so that the time tells nothing.
        (Some(token), Some(shown)) => {
            token.len() == shown.len()
                && token
                    .bytes()
                    .zip(shown.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        }
        _ => false,
    };
    if !allowed {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let mut out = String::new();
    out.push_str(
        "# HELP dangjian_http_requests_total HTTP requests by method, route and status.\n",
    );
    out.push_str("# TYPE dangjian_http_requests_total counter\n");
    if let Ok(r) = st.metrics.requests.lock() {
        for ((method, route, status), n) in r.iter() {
            let _ = writeln!(
                out,
                "dangjian_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str("# HELP dangjian_http_request_duration_seconds Time to answer, by route.\n");
    out.push_str("# TYPE dangjian_http_request_duration_seconds histogram\n");
    if let Ok(l) = st.metrics.latency.lock() {
        for (route, h) in l.iter() {
            for (le, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "dangjian_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "dangjian_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "dangjian_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "dangjian_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
    }
    let dangjian_service::health::PoolState { open, idle } = st.app.pool_state();
    out.push_str("# HELP dangjian_db_pool_connections Database pool connections by state.\n");
    out.push_str("# TYPE dangjian_db_pool_connections gauge\n");
    let _ = writeln!(out, "dangjian_db_pool_connections{{state=\"open\"}} {open}");
    let _ = writeln!(out, "dangjian_db_pool_connections{{state=\"idle\"}} {idle}");
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
