//! The route table: every route is declared once, one method at a time, so that the server
//! and the tests read the same list (the scope matrix walks it, and a route added without its
//! scope case fails that test). API routes are declared by their handlers' `#[utoipa::path]`,
//! whose descriptions the table gathers into the OpenAPI document as it registers them.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use utoipa::openapi::path::PathItem;
use utoipa::openapi::{Components, OpenApi};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::error::{ApiError, PageError, Problem};
use crate::session::Caller;
use crate::{AppState, MAX_BODY_BYTES};

/// One route as served: its method and its path pattern, `{name}` for a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: String,
}

/// Routes being declared, with the list of what was declared.
pub(crate) struct Table {
    router: Router<AppState>,
    routes: Vec<Route>,
    /// The paths and schemas of the API routes, relative to where the table is nested.
    doc: OpenApi,
    /// Names given to two different schemas: the document would show only one of them.
    clashes: Vec<String>,
}

impl Table {
    pub fn new() -> Self {
        Table {
            router: Router::new(),
            routes: Vec::new(),
            doc: OpenApi::default(),
            clashes: Vec::new(),
        }
    }

    /// An API route as `utoipa_axum::routes!` gives it: path and method are those of the
    /// handler's `#[utoipa::path]`, and its description joins the table's document.
    pub fn api(self, r: UtoipaMethodRouter<AppState>) -> Self {
        self.api_limited(r, None)
    }

    /// An API upload: a POST whose body may be larger than the server-wide limit, up to `bytes`.
    pub fn api_upload(self, r: UtoipaMethodRouter<AppState>, bytes: usize) -> Self {
        self.api_limited(r, Some(bytes))
    }

    fn api_limited(
        mut self,
        (schemas, paths, endpoint): UtoipaMethodRouter<AppState>,
        limit: Option<usize>,
    ) -> Self {
        let endpoint = limited(endpoint, limit);
        for (path, item) in paths.paths {
            for method in methods(&item) {
                self.routes.push(Route {
                    method,
                    path: path.clone(),
                });
            }
            self.router = self.router.route(&path, endpoint.clone());
            match self.doc.paths.paths.get_mut(&path) {
                Some(known) => known.merge_operations(item),
                None => {
                    self.doc.paths.paths.insert(path, item);
                }
            }
        }
        let known = &mut self
            .doc
            .components
            .get_or_insert_with(Components::new)
            .schemas;
        for (name, schema) in schemas {
            if known.get(&name).is_some_and(|k| *k != schema) {
                self.clashes.push(name.clone());
            }
            known.insert(name, schema);
        }
        self
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        endpoint: MethodRouter<AppState>,
        limit: Option<usize>,
    ) -> Self {
        // Axum merges the methods of one path declared in several calls.
        self.router = self.router.route(path, limited(endpoint, limit));
        self.routes.push(Route {
            method,
            path: path.to_string(),
        });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("GET", path, get(h), None)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("POST", path, post(h), None)
    }

    /// A POST whose body may be larger than the server-wide limit (uploads), up to `bytes`.
    pub fn post_upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        h: H,
        bytes: usize,
    ) -> Self {
        self.add("POST", path, post(h), Some(bytes))
    }

    /// Another table's routes under `prefix`.
    pub fn nest(mut self, prefix: &str, other: Table) -> Self {
        self.router = self.router.nest(prefix, other.router);
        self.routes.extend(other.routes.into_iter().map(|r| Route {
            path: format!("{prefix}{}", r.path),
            ..r
        }));
        self
    }

    pub fn merge(mut self, other: Table) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self.doc.merge(other.doc);
        self.clashes.extend(other.clashes);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.routes)
    }

    /// The API description gathered from the routes declared with [`Table::api`], and the
    /// schema names that two types claimed.
    pub fn into_doc(self) -> (OpenApi, Vec<String>) {
        (self.doc, self.clashes)
    }
}

/// The methods a path item of the document answers, in the table's spelling.
fn methods(item: &PathItem) -> Vec<&'static str> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter(|(_, op)| op.is_some())
    .map(|(m, _)| m)
    .collect()
}

/// The body limit of one route, `limit` or the server's. A body declared larger is refused
/// before a byte of it is read: answering at once, while the client has sent nothing more
/// than its headers, is what lets the client read the answer, where a server that stops
/// reading half-way closes a connection the client is still writing into.
fn limited(endpoint: MethodRouter<AppState>, limit: Option<usize>) -> MethodRouter<AppState> {
    let bytes = limit.unwrap_or(MAX_BODY_BYTES);
    let endpoint = match limit {
        Some(bytes) => endpoint.layer(DefaultBodyLimit::max(bytes)),
        None => endpoint,
    };
    endpoint.layer(middleware::from_fn(move |req: Request, next: Next| {
        refuse_declared_excess(req, next, bytes)
    }))
}

async fn refuse_declared_excess(req: Request, next: Next, bytes: usize) -> Response {
    if declared_over(&req, bytes) {
        let problem = too_large(bytes);
        let api = req.extensions().get::<Caller>().is_some_and(|c| c.api);
        return if api {
            ApiError(problem).into_response()
        } else {
            PageError(problem).into_response()
        };
    }
    next.run(req).await
}

/// Whether the request's Content-Length declares more than `bytes`.
pub(crate) fn declared_over(req: &Request, bytes: usize) -> bool {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > bytes as u64)
}

/// The refusal of a body over `bytes`, naming the limit.
pub(crate) fn too_large(bytes: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("请求内容超过 {} MiB 上限", bytes.div_ceil(1024 * 1024)),
    )
}
