//! The HTTP face: HTML pages (askama + htmx) and the JSON API under /api/v1, both calling
//! the service layer with the acting user. No scope decisions are taken here.

mod api;
mod assets;
mod documents;
mod error;
mod export;
mod extract;
mod headers;
mod metrics;
mod pages;
mod qr;
mod routes;
mod session;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;

use axum::{Router, middleware};
use dangjian_service::App;
pub use routes::Route;
use routes::Table;
use tower_http::compression::CompressionLayer;

/// Requests larger than this are refused before any handler sees them.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<metrics::Metrics>,
}

/// Every route the server answers, pages and API, as declared.
pub fn route_table() -> Vec<Route> {
    let (_, mut routes) = counted().into_parts();
    routes.extend(uncounted().into_parts().1);
    routes
}

/// The routes whose requests the metrics count.
fn counted() -> Table {
    Table::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
}

/// Probes, metrics and static assets.
fn uncounted() -> Table {
    Table::new()
        .get("/healthz", health)
        .get("/metrics", metrics::render)
        .merge(assets::routes())
}

pub fn router(app: App) -> Router {
    let state = AppState {
        app,
        metrics: Arc::new(metrics::Metrics::default()),
    };
    Router::new()
        .merge(counted().into_parts().0)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            session::audit_denied,
        ))
        .merge(uncounted().into_parts().0)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::authenticate,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn health(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match st.app.database_ready().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}

/// Serves until the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    if let Err(e) = app.recover_imports().await {
        tracing::warn!("marking interrupted imports failed: {e}");
    }
    if let Err(e) = app.recover_documents().await {
        tracing::warn!("marking interrupted documents failed: {e}");
    }
    let chores = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = chores.purge_sessions().await {
                tracing::warn!("session purge failed: {e}");
            }
            if let Err(e) = chores.flush_denials().await {
                tracing::warn!("writing the counted refusals failed: {e}");
            }
            if let Err(e) = chores
                .anonymise_expired_households(dangjian_service::today())
                .await
            {
                tracing::warn!("the household retention job failed: {e}");
            }
            // A new year brings new requirements for every branch.
            if let Err(e) = chores.ensure_life_year().await {
                tracing::warn!("extending the compliance tallies failed: {e}");
            }
            match chores.run_reminders(dangjian_service::today()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{n} new reminders"),
                Err(e) => tracing::warn!("reminder job failed: {e}"),
            }
            // Overdue residents' requests climb to the level above; answered ones close.
            match chores.run_request_job(dangjian_service::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{n} requests escalated or closed"),
                Err(e) => tracing::warn!("request job failed: {e}"),
            }
        }
    });
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
