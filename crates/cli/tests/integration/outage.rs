//! A database that goes away: requests answer 503 at once, and the application recovers by
//! itself when the database is back. PostgreSQL only: an embedded SQLite file cannot be
//! taken away from a running process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::harness::{Engine, TestApp, pg_server};

/// A TCP relay that can cut every connection and refuse new ones, like a network outage.
struct Relay {
    addr: String,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("addr").to_string();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, links2) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue;
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links2.lock().await.push(link);
            }
        });
        Relay { addr, up, links }
    }

    async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().await.drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user@host:port/db` → `host:port`.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_gives_503_and_recovers() {
    let Some(server) = pg_server() else {
        return;
    };
    let target = host_port(&server);
    let relay = Relay::start(target.clone()).await;
    let via = relay.addr.clone();
    let t = TestApp::start_via(Engine::Postgres, move |url| url.replacen(&target, &via, 1))
        .await
        .expect("app");
    let api = t.api(&t.account("district_admin").username).await;
    assert_eq!(api.get("/api/v1/members").await.status(), StatusCode::OK);

    relay.cut().await;
    let (s, body) = api.get_json("/api/v1/members").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "unavailable");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("数据库暂时不可用")
    );
    let health = reqwest::get(t.url("/healthz")).await.expect("healthz");
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);

    relay.restore();
    let mut recovered = false;
    for _ in 0..20 {
        if api.get("/api/v1/members").await.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the application recovers when the database is back"
    );
    t.stop().await;
}

#[test]
fn host_port_of_urls() {
    assert_eq!(
        host_port("postgres://postgres@127.0.0.1:5432/test"),
        "127.0.0.1:5432"
    );
    assert_eq!(
        host_port("postgres://u:p@db:6543/x?sslmode=disable"),
        "db:6543"
    );
}
