//! Whatever a stranger sends to the routes that need no login (the residents' request form,
//! its tracking and answer pages, their JSON twins, the login form), as multipart, form or
//! JSON bodies, the platform answers with a page or an error it chose: never a panic and
//! never a 5xx. The first byte picks the route; the rest is the body, in which `@CSRF@`,
//! `@CHALLENGE@` and `@ANSWER@` stand for a valid form token and a solved challenge, so that
//! the fuzzer reaches past them into the parsers and the rules behind.
#![no_main]

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use dangjian_service::database::Database;
use dangjian_service::{App, Config, Crypto};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// Method, path and content type of each route the first byte may pick.
const ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "/r", "multipart/form-data; boundary=dangjian-fuzz"),
    ("POST", "/r/track", "application/x-www-form-urlencoded"),
    ("POST", "/r/answer", "application/x-www-form-urlencoded"),
    ("POST", "/api/v1/public/requests", "application/json"),
    ("POST", "/api/v1/public/requests/track", "application/json"),
    ("POST", "/api/v1/public/requests/answer", "application/json"),
    ("POST", "/login", "application/x-www-form-urlencoded"),
    ("GET", "/r/grids?", ""),
    ("GET", "/api/v1/public/requests?", ""),
];

struct World {
    rt: Runtime,
    router: Router,
    csrf: String,
    challenge: String,
    answer: String,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = Runtime::new().expect("runtime");
        let (router, csrf, challenge, answer) = rt.block_on(async {
            let dir = std::env::temp_dir().join(format!("dangjian-fuzz-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            let url = format!("sqlite://{}", dir.join("fuzz.db").display());
            let db = Database::connect(&url).await.expect("database");
            db.migrate().await.expect("migrate");
            let crypto = Crypto::from_hex(&Crypto::generate_hex()).expect("key");
            let mut config = Config::default();
            // One address sends everything here: the per-address limits would end the run.
            config.request_rules.max_per_ip_per_hour = u32::MAX;
            config.request_rules.max_track_misses = u32::MAX;
            config.request_rules.challenge_minutes = 7 * 24 * 60;
            let app = App::open(db, crypto, config).await.expect("open");
            dangjian_service::seed::generate(&app, 0.01, 1, "fuzz-password-1")
                .await
                .expect("demo");
            let challenge = app.request_challenge();
            let answer = solve(&challenge.question);
            let router = dangjian_web::router(app);
            // The residents' form token is a cookie the form page sets.
            let page = router
                .clone()
                .oneshot(Request::get("/r").body(Body::empty()).expect("request"))
                .await
                .expect("page");
            let cookie = page
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|v| v.strip_prefix("dj_public="))
                .and_then(|v| v.split(';').next())
                .expect("form token")
                .to_string();
            (router, cookie, challenge.token, answer)
        });
        World {
            rt,
            router,
            csrf,
            challenge,
            answer,
        }
    })
}

fn solve(question: &str) -> String {
    let n: Vec<i64> = question
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    n.iter().sum::<i64>().to_string()
}

/// `body` with the placeholders filled in.
fn filled(body: &[u8], w: &World) -> Vec<u8> {
    let mut out = body.to_vec();
    for (mark, value) in [
        ("@CSRF@", &w.csrf),
        ("@CHALLENGE@", &w.challenge),
        ("@ANSWER@", &w.answer),
    ] {
        let mark = mark.as_bytes();
        let mut i = 0;
        while let Some(at) = out[i..].windows(mark.len()).position(|win| win == mark) {
            let at = i + at;
            out.splice(at..at + mark.len(), value.bytes());
            i = at + value.len();
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let w = world();
    let (method, path, content_type) = ROUTES[pick as usize % ROUTES.len()];
    let body = filled(body, w);
    let request = if method == "GET" {
        // The body becomes the query string, as far as it makes a valid URI.
        let Ok(query) = std::str::from_utf8(&body) else {
            return;
        };
        match Request::get(format!("{path}{query}")).body(Body::empty()) {
            Ok(r) => r,
            Err(_) => return,
        }
    } else {
        Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, format!("dj_public={}", w.csrf))
            .body(Body::from(body))
            .expect("request")
    };
    let response = w
        .rt
        .block_on(w.router.clone().oneshot(request))
        .expect("the router does not fail");
    assert!(
        !response.status().is_server_error(),
        "{method} {path}: {}",
        response.status()
    );
});
