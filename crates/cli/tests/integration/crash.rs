//! Crash safety: the server process killed with SIGKILL in the middle of a roster import, a
//! batch of dues payments and a meeting record, again and again at random moments, and once
//! half-way through writing a roster of 60,000 members. After each kill and restart nothing
//! is half-written: each operation happened wholly or not at all, the kept counters equal a
//! recount, the audit chain verifies, and the database passes its integrity check.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, PASSWORD, TestApp};
use crate::on_both;

/// Rows of the rosters imported under random kills: a debug build writes this many in about
/// the time the kills need to land in the middle of it. The district's whole registry is
/// killed half-way once, in its own test.
const ROSTER_ROWS: usize = 2_000;
const DISTRICT_ROWS: usize = 60_000;
const ROUNDS: usize = 9;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(url: &str, key_file: &std::path::Path) -> Server {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_dangjian"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("DANGJIAN_DATABASE_URL", url)
            .env("DANGJIAN_KEY_FILE", key_file)
            .env("DANGJIAN_LOG", "warn")
            .env_remove("DANGJIAN_DATA_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
            {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start");
    }

    async fn login(&self, username: &str) -> Api {
        let client = reqwest::Client::new();
        let r = client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.expect("json");
        Api {
            client,
            base: self.base.clone(),
            token: v["token"].as_str().expect("token").to_string(),
        }
    }

    /// SIGKILL: no shutdown, no flush, as a power cut or the OOM killer would.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
    }
}

/// What each operation leaves: dues payments of the month, meetings and members of the branch.
async fn counts(t: &TestApp, branch: i64, month: &str) -> (i64, i64, i64) {
    let mut conn = t.sql().await;
    let rows = crate::harness::rows(
        &mut conn,
        &format!(
            "SELECT (SELECT COUNT(*) FROM dues_payment p JOIN member m ON m.id = p.member_id \
             WHERE m.org_id = {branch} AND p.month = '{month}'), \
             (SELECT COUNT(*) FROM meeting WHERE org_id = {branch}), \
             (SELECT COUNT(*) FROM member WHERE org_id = {branch})"
        ),
    )
    .await;
    let n = |i: usize| rows[0][i].parse::<i64>().expect("count");
    (n(0), n(1), n(2))
}

/// The database as a restart finds it: sound, its chain whole, its counters true.
async fn assert_sound(t: &TestApp, round: usize) {
    let (db, crypto) = t.reopen().await;
    let problems = db.integrity_problems().await.expect("integrity");
    assert!(problems.is_empty(), "round {round}: {problems:?}");
    let app = dangjian_service::App::open(db, crypto, Default::default())
        .await
        .expect("reopen");
    let report = app.verify_audit().await.expect("verify");
    assert_eq!(report.problem, None, "round {round}: the audit chain");
    let drift = app.counter_drift().await.expect("recount");
    assert!(drift.is_empty(), "round {round}: counters: {drift:#?}");
    app.close().await;
}

/// Rows with ID numbers unique across the rounds (the rare one the demo holds already is
/// refused by the check, and the expected count is the job's valid rows).
fn roster_rows(round: usize) -> Vec<Vec<String>> {
    rows_from(round * ROSTER_ROWS, ROSTER_ROWS)
}

/// `n` rows whose ID numbers are the `from`-th onwards (unique below 979,020).
fn rows_from(from: usize, n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let k = from + i;
            let seq = u16::try_from(k % 999 + 1).expect("seq");
            let day = u8::try_from((k / 999) % 28 + 1).expect("day");
            let year = 1960 + i32::try_from(k / (999 * 28) % 35).expect("year");
            // Names hold no digits: the index in the heavenly stems.
            let stems: String = k
                .to_string()
                .chars()
                .filter_map(|d| d.to_digit(10))
                .map(|d| ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'][d as usize])
                .collect();
            [
                format!("崩{stems}"),
                crate::roster::id_number(year, 5, day, seq),
                String::new(),
                "汉族".into(),
                String::new(),
                String::new(),
                "本科".into(),
                "在职".into(),
                "2015-07-01".into(),
                "2016-07-01".into(),
                "正式党员".into(),
                "否".into(),
                String::new(),
            ]
            .to_vec()
        })
        .collect()
}

/// A directory for the servers this test starts, the test app's data key in a file there,
/// and its database URL.
fn scratch(t: &TestApp, what: &str) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "dangjian-{what}-{}-{}",
        std::process::id(),
        dangjian_service::now_ms()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let key_file = dir.join("data.key");
    std::fs::write(&key_file, t.data_key()).expect("key");
    (dir, key_file, t.database_url().to_string())
}

fn copy(api: &Api) -> Api {
    Api {
        client: api.client.clone(),
        base: api.base.clone(),
        token: api.token.clone(),
    }
}

on_both!(
    a_server_killed_mid_write_leaves_nothing_half_written,
    async |t: &TestApp| {
        let (dir, key_file, url) = scratch(t, "crash");
        let here = t.api("baitao-secretary").await;
        let branch = here.scope_org().await;
        let month_back = |k: i64| {
            let day = dangjian_service::today();
            dangjian_domain::life::month_key(
                day.checked_sub(time::Duration::days(31 * k)).unwrap_or(day),
            )
        };
        let mut outcomes = Vec::new();
        let mut jobs = Vec::new();
        for round in 0..ROUNDS {
            let server = Server::start(&url, &key_file).await;
            let api = server.login("baitao-secretary").await;
            let op = round % 3;
            // A batch pays a month near now with members still to pay (paying ahead is
            // allowed a few months).
            let mut month = month_back(0);
            let mut unpaid = Vec::new();
            if op == 0 {
                for k in [0, -1, -2, -3, 1, 2, 3] {
                    month = month_back(k);
                    let (_, l) = api
                        .get_json(&format!("/api/v1/dues/ledger?org={branch}&month={month}"))
                        .await;
                    unpaid = l["lines"]
                        .as_array()
                        .expect("lines")
                        .iter()
                        .filter(|x| x["state"] == "unpaid")
                        .filter_map(|x| x["member_id"].as_i64())
                        .collect();
                    if !unpaid.is_empty() {
                        break;
                    }
                }
            }
            let before = counts(t, branch, &month).await;
            let expected = match op {
                0 => {
                    let n = unpaid.len() as i64;
                    assert!(n > 0, "round {round}: members to pay in a month near now");
                    let body = json!({"org_id": branch, "month": month, "member_ids": unpaid, "method": "cash"});
                    let api2 = copy(&api);
                    (
                        tokio::spawn(
                            async move { api2.post("/api/v1/dues/ledger", &body).await.0 },
                        ),
                        n,
                    )
                }
                1 => {
                    let body = json!({"org_id": branch, "kind": "committee_meeting",
                        "held_on": dangjian_service::today().to_string(), "topic": format!("断电测试 {round}")});
                    let api2 = copy(&api);
                    (
                        tokio::spawn(async move { api2.post("/api/v1/meetings", &body).await.0 }),
                        1,
                    )
                }
                _ => {
                    let (s, v) = crate::roster::upload(
                        &api,
                        branch,
                        "名册.xlsx",
                        crate::roster::roster(&roster_rows(round)),
                    )
                    .await;
                    assert!(s.is_success(), "upload: {s} {v}");
                    let id = v["id"].as_i64().expect("job");
                    let valid = v["valid"].as_i64().expect("valid rows");
                    assert!(
                        valid > ROSTER_ROWS as i64 * 9 / 10,
                        "valid {valid}: {}",
                        v["errors"][0]
                    );
                    jobs.push(id);
                    let api2 = copy(&api);
                    (
                        tokio::spawn(async move {
                            api2.post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
                                .await
                                .0
                        }),
                        valid,
                    )
                }
            };
            let (work, n) = expected;
            let wait = rand::rng().random_range(0..600);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            server.kill();
            let _ = work.await;
            assert_sound(t, round).await;
            let after = counts(t, branch, &month).await;
            let moved = match op {
                0 => after.0 - before.0,
                1 => after.1 - before.1,
                _ => after.2 - before.2,
            };
            assert!(
                moved == 0 || moved == n,
                "round {round} (op {op}): {moved} of {n} written"
            );
            outcomes.push((op, moved == n));
        }
        // An import cut off is marked failed at the next start, never left importing.
        let server = Server::start(&url, &key_file).await;
        let api = server.login("baitao-secretary").await;
        assert!(!jobs.is_empty());
        for id in &jobs {
            let (_, j) = api.get_json(&format!("/api/v1/imports/{id}")).await;
            assert_ne!(j["state"], "importing", "{j}");
        }
        server.kill();
        assert_eq!(outcomes.len(), ROUNDS);
        // The kills landed both before some writes ended and after others.
        assert!(outcomes.iter().any(|(_, whole)| !whole), "{outcomes:?}");
        assert!(outcomes.iter().any(|(_, whole)| *whole), "{outcomes:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
);

on_both!(
    a_district_roster_killed_half_way_writes_nothing,
    async |t: &TestApp| {
        let (dir, key_file, url) = scratch(t, "crash-big");
        let server = Server::start(&url, &key_file).await;
        let api = server.login("baitao-secretary").await;
        let branch = api.scope_org().await;
        let before = counts(t, branch, "").await.2;
        let (s, v) = crate::roster::upload(
            &api,
            branch,
            "名册.xlsx",
            crate::roster::roster(&rows_from(100_000, DISTRICT_ROWS)),
        )
        .await;
        assert!(s.is_success(), "upload: {s} {v}");
        let id = v["id"].as_i64().expect("job");
        let total = v["valid"].as_i64().expect("valid rows");
        assert!(total > DISTRICT_ROWS as i64 * 9 / 10, "valid {total}");
        let api2 = copy(&api);
        let work = tokio::spawn(async move {
            api2.post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
                .await
                .0
        });
        // Killed once the progress shows rows written and more to come: inside the write.
        let mut done = 0;
        for _ in 0..6_000 {
            let (_, j) = api.get_json(&format!("/api/v1/imports/{id}")).await;
            done = j["progress"]["done"].as_i64().unwrap_or(0);
            if done > 0 || j["state"] == "done" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.kill();
        let _ = work.await;
        assert!(
            done > 0 && done < total,
            "the kill landed inside the write: {done} of {total}"
        );
        assert_sound(t, 0).await;
        assert_eq!(
            counts(t, branch, "").await.2,
            before,
            "none of the {done} rows written before the kill is kept"
        );
        let server = Server::start(&url, &key_file).await;
        let api = server.login("baitao-secretary").await;
        let (_, j) = api.get_json(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(j["state"], "failed", "{j}");
        server.kill();
        let _ = std::fs::remove_dir_all(&dir);
    }
);
