//! Static files compiled into the binary: the build needs no network and no Node.js.
//!
//! Pages name each file with its content's hash (`/assets/app.js?v=…`), so a browser keeps
//! it for a year and asks again only when a new binary changed it; a request without the
//! hash is answered with an ETag and revalidated. The compression layer gzips them.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::routes::Table;

struct File {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const FILES: &[File] = &[
    File {
        name: "htmx.min.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/vendor/htmx.min.js"),
    },
    File {
        name: "echarts.min.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/vendor/echarts.min.js"),
    },
    File {
        name: "app.js",
        mime: "text/javascript",
        body: include_bytes!("../assets/app/app.js"),
    },
    File {
        name: "app.css",
        mime: "text/css",
        body: include_bytes!("../assets/app/app.css"),
    },
    File {
        name: "screen.css",
        mime: "text/css",
        body: include_bytes!("../assets/app/screen.css"),
    },
];

/// Each file's version: a hash of its bytes, fixed for the life of the binary.
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|f| {
            let mut h = DefaultHasher::new();
            f.body.hash(&mut h);
            format!("{:016x}", h.finish())
        })
        .collect()
});

/// The address a page links a file at, with its version.
pub fn url(name: &str) -> String {
    match FILES.iter().position(|f| f.name == name) {
        Some(i) => format!("/assets/{name}?v={}", VERSIONS[i]),
        None => format!("/assets/{name}"),
    }
}

pub(crate) fn routes() -> Table {
    Table::new().get("/assets/{name}", asset)
}

async fn asset(Path(name): Path<String>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let Some(i) = FILES.iter().position(|f| f.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let f = &FILES[i];
    let version = &VERSIONS[i];
    let etag = format!("\"{version}\"");
    // A hashed address never changes content; a plain one is checked each time.
    let cache = if q.is_some_and(|q| q == format!("v={version}")) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache.into())],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, f.mime.to_string()),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache.into()),
        ],
        f.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_versioned_address() {
        assert!(!FILES.is_empty());
        for f in FILES {
            let u = url(f.name);
            assert!(u.starts_with(&format!("/assets/{}?v=", f.name)), "{u}");
            assert_eq!(u.len(), format!("/assets/{}?v=", f.name).len() + 16);
        }
        assert_eq!(url("missing.js"), "/assets/missing.js");
    }
}
