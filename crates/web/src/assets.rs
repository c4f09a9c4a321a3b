//! Static files compiled into the binary: the build needs no network and no Node.js.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::routes::Table;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "htmx.min.js",
        "text/javascript",
        include_bytes!("../assets/vendor/htmx.min.js"),
    ),
    (
        "echarts.min.js",
        "text/javascript",
        include_bytes!("../assets/vendor/echarts.min.js"),
    ),
    (
        "app.js",
        "text/javascript",
        include_bytes!("../assets/app/app.js"),
    ),
    (
        "app.css",
        "text/css",
        include_bytes!("../assets/app/app.css"),
    ),
];

pub(crate) fn routes() -> Table {
    Table::new().get("/assets/{name}", asset)
}

async fn asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
