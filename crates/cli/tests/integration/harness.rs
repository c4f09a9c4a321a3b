//! Boots the application on a fresh database with a small demo district, and gives tests an
//! HTTP client per user.

use dangjian_service::database::Database;
use dangjian_service::seed as demo;
use dangjian_service::{App, Config, Crypto};
use rand::Rng;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// What `/metrics` asks the test server for.
pub const METRICS_TOKEN: &str = "metrics-token-for-the-tests-0123";
pub const PASSWORD: &str = "integration-pass-42";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub accounts: Vec<demo::Account>,
    pub engine: Engine,
    /// The application's database, for the tests that look beneath the service (tampering
    /// with the audit log, a database kept by an older version).
    url: String,
    /// The data key, to open the database again as a restart or the command line would.
    key: String,
    pg_admin: Option<(String, String)>,
    _dir: Option<TempDir>,
    server: tokio::task::JoinHandle<()>,
    /// The authenticators of the accounts enrolled so far, as a phone would keep them.
    factors: std::sync::Mutex<std::collections::HashMap<String, Authenticator>>,
}

/// An enrolled account's secret and the last time step whose code was used (each code is
/// good once).
#[derive(Clone)]
pub struct Authenticator {
    pub secret: String,
    last_step: u64,
    /// The recovery codes not used yet: a test that logs in more often than the three time
    /// steps around now allow goes on with these before it waits.
    recovery: Vec<String>,
}

/// A directory removed when the test ends.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn random_suffix() -> String {
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

/// The PostgreSQL server to test against, or None (and a loud note) when not configured.
/// Under CI a missing server fails the test: a skipped PostgreSQL variant must not count as
/// passed there.
pub fn pg_server() -> Option<String> {
    match std::env::var("DANGJIAN_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false") => {
            panic!(
                "CI is set but DANGJIAN_TEST_PG names no PostgreSQL server: the PostgreSQL variant cannot run"
            )
        }
        _ => {
            eprintln!(
                "SKIPPED on PostgreSQL: set DANGJIAN_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run this test there too"
            );
            None
        }
    }
}

/// A connection of the test's own to a database, beside the application's pool.
pub async fn connect(url: &str) -> Box<sqlx::AnyConnection> {
    sqlx::any::install_default_drivers();
    let conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    Box::new(conn)
}

/// The rows of a query as text (integers written out), to compare whole tables.
pub async fn rows(conn: &mut sqlx::AnyConnection, sql: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<String, _>(i)
                        .or_else(|_| r.try_get::<i64, _>(i).map(|n| n.to_string()))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// Replaces the database name at the end of a PostgreSQL URL.
/// The field and code of an API refusal (`{"error": {"field", "code", …}}`), empty when absent.
pub fn refusal(v: &Value) -> (&str, &str) {
    (
        v["error"]["field"].as_str().unwrap_or_default(),
        v["error"]["code"].as_str().unwrap_or_default(),
    )
}

pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let root = base.rsplit_once('/').map_or(base, |(r, _)| r);
    format!("{root}/{db}{query}")
}

impl TestApp {
    pub async fn start(engine: Engine) -> Option<TestApp> {
        Self::start_via(engine, |url| url).await
    }

    /// Like `start`, with the application's database URL passed through `route` first
    /// (to put a proxy between the application and PostgreSQL).
    pub async fn start_via(
        engine: Engine,
        route: impl FnOnce(String) -> String,
    ) -> Option<TestApp> {
        Self::boot(engine, route, |_| {}).await
    }

    /// Like `start`, with the deployment's configuration changed by `tweak`.
    pub async fn start_with(engine: Engine, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        Self::boot(engine, |url| url, tweak).await
    }

    async fn boot(
        engine: Engine,
        route: impl FnOnce(String) -> String,
        tweak: impl FnOnce(&mut Config),
    ) -> Option<TestApp> {
        let (url, dir, pg_admin) = match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!("dangjian-test-{}", random_suffix()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("test.db").display());
                (url, Some(TempDir(dir)), None)
            }
            Engine::Postgres => {
                let server = pg_server()?;
                let name = format!("dj_test_{}", random_suffix());
                let mut conn = connect(&server).await;
                sqlx::Executor::execute(
                    &mut *conn,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create test database");
                drop(conn);
                (with_database(&server, &name), None, Some((server, name)))
            }
        };
        let db = Database::connect(&route(url.clone()))
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        let key = Crypto::generate_hex();
        let crypto = Crypto::from_hex(&key).expect("key");
        // The tests stand in for a proxy on this machine, naming clients in `X-Real-IP`.
        let mut config = Config {
            trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
            metrics_token: Some(METRICS_TOKEN.into()),
            // Longer than a password check in a debug build, so that a wait is seen as one.
            login_wait_ms: 5_000,
            ..Config::default()
        };
        tweak(&mut config);
        let app = App::open(db, crypto, config).await.expect("open app");
        let summary = demo::generate(&app, 0.02, 7, PASSWORD)
            .await
            .expect("demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let served = app.clone();
        let server = tokio::spawn(async move {
            let _ = dangjian_web::serve(served, listener).await;
        });
        Some(TestApp {
            base: format!("http://{addr}"),
            app,
            accounts: summary.accounts,
            engine,
            url,
            key,
            pg_admin,
            _dir: dir,
            server,
            factors: Default::default(),
        })
    }

    /// The database and key, opened again as a restart or the command line would.
    pub async fn reopen(&self) -> (Database, Crypto) {
        let db = Database::connect(&self.url).await.expect("connect");
        (db, Crypto::from_hex(&self.key).expect("key"))
    }

    /// The application's database, for a second process of the test's own.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// The data key in hex, for a second process of the test's own.
    pub fn data_key(&self) -> &str {
        &self.key
    }

    /// A connection of the test's own to the application's database.
    pub async fn sql(&self) -> Box<sqlx::AnyConnection> {
        connect(&self.url).await
    }

    /// The first column of the first row of a query, as a number (a count, an id).
    pub async fn count(&self, sql: &str) -> i64 {
        rows(&mut *self.sql().await, sql).await[0][0]
            .parse()
            .unwrap_or_else(|e| panic!("{sql}: a number: {e}"))
    }

    /// Runs one statement on the application's database (a change no screen makes).
    pub async fn exec(&self, text: &str) {
        let mut conn = self.sql().await;
        sqlx::Executor::execute(&mut *conn, sqlx::AssertSqlSafe(text.to_string()))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }

    /// The counters kept beside the records (rollup, tallies, behind-list) equal a recount.
    pub async fn assert_counters_agree(&self) {
        let drift = self.app.counter_drift().await.expect("recount");
        assert!(
            drift.is_empty(),
            "kept counters differ from a recount: {drift:#?}"
        );
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn stop(self) {
        self.server.abort();
        self.app.close().await;
        if let Some((server, name)) = self.pg_admin {
            let mut conn = connect(&server).await;
            sqlx::Executor::execute(
                &mut *conn,
                sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
            )
            .await
            .expect("drop test database");
        }
    }

    /// A new account of `role` scoped at the org `scope` (for a member, with their member
    /// record), so that a test names the few objects it needs instead of a demo username.
    /// Its password is `PASSWORD`; returns its username.
    pub async fn with_user(
        &self,
        username: &str,
        role: &str,
        scope: i64,
        member: Option<i64>,
    ) -> String {
        self.app
            .add_user(
                &dangjian_service::Actor::system("test"),
                &dangjian_service::accounts::UserSpec {
                    username,
                    display_name: "测试账号",
                    password: PASSWORD,
                    role,
                    scope: &scope.to_string(),
                    member_id: member,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("account {username}: {e}"));
        username.to_string()
    }

    pub fn account(&self, role: &str) -> &demo::Account {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .expect("demo account of that role")
    }

    /// The demo account of that username.
    pub fn account_named(&self, username: &str) -> &demo::Account {
        self.accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("demo account {username}"))
    }

    pub fn town_accounts(&self) -> Vec<&demo::Account> {
        self.accounts
            .iter()
            .filter(|a| a.role == "town_admin")
            .collect()
    }

    /// The username of a town's admin other than 白涛's (`town-500102013`, where the tests'
    /// branch lies): someone who must find nothing of it.
    pub fn another_town(&self) -> String {
        self.town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .username
            .clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// POSTs headers declaring a body of `length` bytes, sends none of it, and returns the
    /// answer's status and body. A client that sends a large body to a server refusing it
    /// half-way may find the connection reset before it reads the refusal; a server that
    /// refuses a declared excess at once answers here, one that waits for the body times out.
    pub async fn declare_body(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        length: usize,
    ) -> (StatusCode, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.base.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\nConnection: close\r\n"
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut answer),
        )
        .await
        .expect("answered without waiting for the body")
        .expect("read");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .and_then(|s| StatusCode::from_u16(s).ok())
            .expect("status line");
        let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
        (status, body.unwrap_or_default())
    }

    /// The next unused code of an enrolled account's authenticator (waiting for the next
    /// time step when the three around now are used); None when not enrolled.
    pub async fn otp(&self, username: &str) -> Option<String> {
        loop {
            let now = dangjian_service::now_ms().max(0) as u64 / 1000;
            let step = now / 30;
            let code = {
                let mut factors = self.factors.lock().expect("factors");
                let f = factors.get_mut(username)?;
                match (step.saturating_sub(1)..=step + 1).find(|s| *s > f.last_step) {
                    Some(s) => {
                        f.last_step = s;
                        dangjian_service::accounts::second_factor::code_at(&f.secret, s * 30)
                    }
                    None => f.recovery.pop(),
                }
            };
            match code {
                Some(c) => return Some(c),
                None => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    }

    /// Enrols the account's second factor through the pages, as its owner would at the first
    /// login; remembers the secret.
    pub async fn enrol(&self, username: &str) -> Authenticator {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let b = Browser {
            client,
            base: self.base.clone(),
            csrf: String::new(),
        };
        let r = b.login(username, PASSWORD).await;
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/account/2fa"),
            "{username} is sent to enrol"
        );
        self.complete_enrolment(&b, username).await
    }

    /// On a browser at the enrolment page: scans the secret, sends its code.
    pub async fn complete_enrolment(&self, b: &Browser, username: &str) -> Authenticator {
        let (s, html) = b.page("/account/2fa").await;
        assert_eq!(s, StatusCode::OK, "enrolment page of {username}");
        let marker = "id=\"totp-secret\">";
        let secret: String = html
            .split(marker)
            .nth(1)
            .map(|rest| rest.chars().take_while(|c| *c != '<').collect())
            .expect("the secret is shown");
        let now = dangjian_service::now_ms().max(0) as u64 / 1000;
        let code =
            dangjian_service::accounts::second_factor::code_at(&secret, now).expect("a code");
        let r = b
            .client
            .post(format!("{}/account/2fa", self.base))
            .form(&[
                ("_csrf", hidden_csrf(&html).as_str()),
                ("otp", code.as_str()),
            ])
            .send()
            .await
            .expect("enrol");
        assert_eq!(r.status(), StatusCode::OK, "enrolment of {username}");
        let html = r.text().await.expect("html");
        let recovery: Vec<String> = html
            .split("<li>")
            .skip(1)
            .filter_map(|s| s.split("</li>").next().map(str::to_string))
            .collect();
        assert_eq!(recovery.len(), 10, "recovery codes shown once");
        let f = Authenticator {
            secret,
            last_step: now / 30,
            recovery,
        };
        self.factors
            .lock()
            .expect("factors")
            .insert(username.to_string(), f.clone());
        f
    }

    /// The service's view of a logged-in account (for tests that call the service directly).
    pub async fn actor(&self, username: &str) -> dangjian_service::Actor {
        let api = self.api(username).await;
        self.app
            .authenticate(&api.token, "test")
            .await
            .expect("auth")
            .actor
    }

    /// An API client logged in as `username` with a bearer token (enrolling the account's
    /// second factor first where its role requires one).
    pub async fn api(&self, username: &str) -> Api {
        let client = Client::new();
        let mut r = self.api_login(&client, username).await;
        if r.status() == StatusCode::UNPROCESSABLE_ENTITY {
            let v: Value = r.json().await.expect("login json");
            assert_eq!(
                v["error"]["code"], "second_factor_enrolment_required",
                "login of {username}: {v}"
            );
            self.enrol(username).await;
            r = self.api_login(&client, username).await;
        }
        assert_eq!(r.status(), StatusCode::OK, "login of {username}");
        let body: Value = r.json().await.expect("login json");
        let token = body["token"].as_str().expect("token").to_string();
        Api {
            client,
            base: self.base.clone(),
            token,
        }
    }

    async fn api_login(&self, client: &Client, username: &str) -> Response {
        let otp = self.otp(username).await;
        client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD, "otp": otp}))
            .send()
            .await
            .expect("login request")
    }

    /// A browser-like client (cookies) logged in through the login form (and the code page,
    /// or the enrolment its role requires).
    pub async fn browser(&self, username: &str) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let b = Browser {
            client,
            base: self.base.clone(),
            csrf: String::new(),
        };
        let r = b.login(username, PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "form login of {username}"
        );
        match r.headers().get("location").and_then(|v| v.to_str().ok()) {
            Some("/account/2fa") => {
                self.complete_enrolment(&b, username).await;
            }
            Some("/login/otp") => {
                let (_, html) = b.page("/login/otp").await;
                let code = self.otp(username).await.expect("enrolled");
                let r = b
                    .client
                    .post(self.url("/login/otp"))
                    .form(&[
                        ("_csrf", hidden_csrf(&html).as_str()),
                        ("otp", code.as_str()),
                    ])
                    .send()
                    .await
                    .expect("code");
                assert_eq!(r.status(), StatusCode::SEE_OTHER, "code of {username}");
            }
            _ => {}
        }
        b.with_csrf().await
    }
}

pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let r = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PATCH, path, body).await
    }

    /// Total members of the actor's whole scope, as the statistics report it.
    /// The org the account is scoped at.
    pub async fn scope_org(&self) -> i64 {
        let (_, me) = self.get_json("/api/v1/me").await;
        me["scope_org_id"].as_i64().expect("scope")
    }

    pub async fn members_total(&self) -> i64 {
        let (s, v) = self.get_json("/api/v1/stats/overview").await;
        assert_eq!(s, StatusCode::OK);
        v["members_total"].as_i64().expect("members_total")
    }
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    pub async fn login(&self, username: &str, password: &str) -> Response {
        let page = self
            .client
            .get(format!("{}/login", self.base))
            .send()
            .await
            .expect("login page");
        let html = page.text().await.expect("html");
        let csrf = hidden_csrf(&html);
        self.client
            .post(format!("{}/login", self.base))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .expect("login post")
    }

    async fn with_csrf(mut self) -> Browser {
        for page in ["/account", "/members/new", "/audit", "/", "/me"] {
            self.csrf = hidden_csrf(&self.page(page).await.1);
            if !self.csrf.is_empty() {
                break;
            }
        }
        self
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("page");
        (r.status(), r.text().await.unwrap_or_default())
    }

    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(&all)
            .send()
            .await
            .expect("form post");
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (r.status(), r.text().await.unwrap_or_default(), location)
    }
}

impl Browser {
    /// The text of every cell of one sheet of a spreadsheet the page at `path` downloads.
    pub async fn xlsx_cells(&self, path: &str, sheet: &str) -> Vec<String> {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("export");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let bytes = r.bytes().await.expect("xlsx").to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
        let range = calamine::Reader::worksheet_range(&mut book, sheet).expect("sheet");
        range.rows().flatten().map(ToString::to_string).collect()
    }
}

pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// Runs a test body on SQLite and, if configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::harness::TestApp::start($crate::harness::Engine::Sqlite)
                    .await
                    .expect("sqlite app");
                ($body)(&t).await;
                t.stop().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) =
                    $crate::harness::TestApp::start($crate::harness::Engine::Postgres).await
                else {
                    return;
                };
                ($body)(&t).await;
                t.stop().await;
            }
        }
    };
}
