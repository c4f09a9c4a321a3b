//! The route table: every route is declared once, one method at a time, so that the server
//! and the tests read the same list (the scope matrix walks it, and a route added without its
//! scope case fails that test). API routes are declared by their handlers' `#[utoipa::path]`,
//! whose descriptions the table gathers into the OpenAPI document as it registers them.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};
use utoipa::openapi::path::PathItem;
use utoipa::openapi::{Components, OpenApi};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::AppState;

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
        let endpoint = match limit {
            Some(bytes) => endpoint.layer(DefaultBodyLimit::max(bytes)),
            None => endpoint,
        };
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
    ) -> Self {
        // Axum merges the methods of one path declared in several calls.
        self.router = self.router.route(path, endpoint);
        self.routes.push(Route {
            method,
            path: path.to_string(),
        });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("GET", path, get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("POST", path, post(h))
    }

    /// A POST whose body may be larger than the server-wide limit (uploads), up to `bytes`.
    pub fn post_upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        h: H,
        bytes: usize,
    ) -> Self {
        self.add("POST", path, post(h).layer(DefaultBodyLimit::max(bytes)))
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
