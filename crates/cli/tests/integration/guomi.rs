//! 国密: a database created with SM4-GCM and HMAC-SM3 works as any other and holds nothing the
//! standard cipher reads; a standard database moved to 国密 reads back every value, finds
//! members by ID number, and keeps a chain that verifies across the change.

use dangjian_service::members::MemberQuery;
use dangjian_service::{Actor, App, Config, Crypto, Suite};
use reqwest::StatusCode;
use sqlx::Row;

use crate::harness::{Engine, TestApp, connect};

/// Member ID ciphertexts as stored, by member id.
async fn id_ciphers(t: &TestApp) -> Vec<(i64, Vec<u8>)> {
    let mut conn = connect(t.database_url()).await;
    let rows = sqlx::query("SELECT id, id_cipher FROM member ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .expect("ciphers");
    let out: Vec<(i64, Vec<u8>)> = rows
        .iter()
        .map(|r| (r.get("id"), r.get("id_cipher")))
        .collect();
    assert!(!out.is_empty(), "the demo has members");
    out
}

async fn setting(t: &TestApp, key: &str) -> Option<String> {
    let mut conn = connect(t.database_url()).await;
    sqlx::query("SELECT value FROM setting WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .expect("setting")
        .map(|r| r.get("value"))
}

async fn created_with_sm(engine: Engine) {
    let Some(t) = TestApp::start_with(engine, |c| c.suite = Some(Suite::Sm)).await else {
        return;
    };
    assert_eq!(t.app.crypto().suite(), Suite::Sm);
    assert_eq!(setting(&t, "crypto_suite").await.as_deref(), Some("sm"));
    assert!(
        setting(&t, "audit_sm3_from")
            .await
            .is_some_and(|v| v.starts_with("1:")),
        "every row is linked with HMAC-SM3"
    );
    let standard = Crypto::from_hex(t.data_key()).expect("key");
    let sm = standard.with_suite(Suite::Sm);
    let ciphers = id_ciphers(&t).await;
    for (id, c) in &ciphers {
        assert!(standard.decrypt(c).is_none(), "member {id}: not ChaCha20");
        assert!(sm.decrypt(c).is_some(), "member {id}: SM4-GCM");
    }
    // The platform works through the web as ever: logins (session digests in SM3), a search
    // by ID number (its index in HMAC-SM3), a write and its audit row.
    let admin = t.api("baitao-secretary").await;
    let (_, page) = admin.get_json("/api/v1/members?page_size=1").await;
    let member_id = page["items"][0]["id"].as_i64().expect("a member");
    let cipher = &ciphers
        .iter()
        .find(|(id, _)| *id == member_id)
        .expect("stored")
        .1;
    let number = sm.decrypt(cipher).expect("readable");
    let (s, found) = admin.get_json(&format!("/api/v1/members?q={number}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], member_id);
    let report = t.app.verify_audit().await.expect("verify");
    assert!(report.rows > 0);
    assert_eq!(report.problem, None);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_created_with_sm_keeps_nothing_the_standard_cipher_reads_sqlite() {
    created_with_sm(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_created_with_sm_keeps_nothing_the_standard_cipher_reads_postgres() {
    created_with_sm(Engine::Postgres).await;
}

async fn moved_to_sm(engine: Engine) {
    let Some(t) = TestApp::start(engine).await else {
        return;
    };
    let standard = Crypto::from_hex(t.data_key()).expect("key");
    let before: Vec<(i64, String)> = id_ciphers(&t)
        .await
        .into_iter()
        .map(|(id, c)| (id, standard.decrypt(&c).expect("standard")))
        .collect();
    // An administrator enrolled in two-factor login holds recovery codes; a session is open.
    let actor = t.actor("admin").await;
    let api = t.api("baitao-secretary").await;
    let (s, _) = api.get_json("/api/v1/members").await;
    assert_eq!(s, StatusCode::OK);
    let rows_before = t.app.verify_audit().await.expect("verify").rows;

    // Asking an existing database for another suite at opening is refused, not ignored.
    let (db, crypto) = t.reopen().await;
    let config = Config {
        suite: Some(Suite::Sm),
        ..Config::default()
    };
    let refused = App::open(db, crypto, config).await.err().expect("refused");
    assert!(refused.to_string().contains("reencrypt"), "{refused}");

    // Only the operator's command moves a database; no account, however high, may.
    let by_user = t.app.reencrypt(&actor, Suite::Sm).await;
    assert!(by_user.is_err(), "refused to a user");
    let done = t
        .app
        .reencrypt(&Actor::system("test"), Suite::Sm)
        .await
        .expect("reencrypt");
    let members = done
        .values
        .iter()
        .find(|(what, _)| *what == "党员身份证号")
        .map(|(_, n)| *n);
    assert_eq!(members, Some(before.len()));
    assert!(done.recovery_accounts >= 1, "{done:?}");

    // Opened again as after a restart: the new suite, every value readable, nothing left in
    // the old cipher, the chain verified across the change with the move as its first SM3 row.
    let (db, crypto) = t.reopen().await;
    let app = App::open(db, crypto, Config::default())
        .await
        .expect("reopen");
    assert_eq!(app.crypto().suite(), Suite::Sm);
    let sm = standard.with_suite(Suite::Sm);
    let after = id_ciphers(&t).await;
    assert_eq!(after.len(), before.len());
    for ((id, c), (id_before, number)) in after.iter().zip(&before) {
        assert_eq!(id, id_before);
        assert!(
            standard.decrypt(c).is_none(),
            "member {id} still in ChaCha20"
        );
        assert_eq!(sm.decrypt(c).as_deref(), Some(number.as_str()));
    }
    let report = app.verify_audit().await.expect("verify");
    assert_eq!(report.problem, None);
    assert_eq!(report.rows, rows_before + 1);
    let mark = setting(&t, "audit_sm3_from").await.expect("marked");
    assert!(mark.starts_with(&format!("{}:", rows_before + 1)), "{mark}");
    // Sessions ended: their digests were SHA-256.
    assert!(app.authenticate(&api.token, "test").await.is_err());
    // Found by ID number through the new index.
    let (id, number) = &before[before.len() / 2];
    let page = app
        .members(
            &actor,
            &MemberQuery {
                q: Some(number.clone()),
                ..Default::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id, *id);
    // Once is enough, and there is no way back.
    let again = app.reencrypt(&Actor::system("test"), Suite::Sm).await;
    assert!(again.is_err_and(|e| e.to_string().contains("无需迁移")));
    let back = app.reencrypt(&Actor::system("test"), Suite::Standard).await;
    assert!(back.is_err_and(|e| e.to_string().contains("不能改回")));
    app.close().await;
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_database_moves_to_sm_and_reads_back_sqlite() {
    moved_to_sm(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_database_moves_to_sm_and_reads_back_postgres() {
    moved_to_sm(Engine::Postgres).await;
}
