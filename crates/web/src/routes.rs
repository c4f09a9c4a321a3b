//! The route table: every route is declared once, one method at a time, so that the server
//! and the tests read the same list (the scope matrix walks it, and a route added without its
//! scope case fails that test).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

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
}

impl Table {
    pub fn new() -> Self {
        Table {
            router: Router::new(),
            routes: Vec::new(),
        }
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

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("PUT", path, put(h))
    }

    pub fn patch<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("PATCH", path, patch(h))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("DELETE", path, delete(h))
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
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.routes)
    }
}
