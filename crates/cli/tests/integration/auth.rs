//! Logins, throttling, sessions, tokens and CSRF.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{PASSWORD, TestApp};
use crate::on_both;

on_both!(
    a_guesser_is_slowed_and_cannot_lock_the_owner_out,
    async |t: &TestApp| {
        // An account without a second factor: the password alone logs it in.
        let user = &t.account("branch_secretary").username;
        let client = reqwest::Client::new();
        // The test server is its own proxy: it believes the address a local peer names.
        let login = |username: &str, password: &str, from: &str| {
            client
                .post(t.url("/api/v1/auth/login"))
                .header("x-real-ip", from)
                .json(&json!({"username": username, "password": password}))
                .send()
        };
        let answer = |r: reqwest::Response| async move {
            let status = r.status();
            let body: serde_json::Value = r.json().await.expect("json");
            (status, body)
        };
        let stranger = "203.0.113.7";
        let wrong = answer(
            login(user, "wrong-password-xx", stranger)
                .await
                .expect("login"),
        )
        .await;
        assert_eq!(wrong.0, StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = answer(
            login("nobody-here", "wrong-password-xx", stranger)
                .await
                .expect("login"),
        )
        .await;
        assert_eq!(
            unknown, wrong,
            "an unknown account answers as a wrong password"
        );
        for _ in 2..=5 {
            let r = answer(
                login(user, "wrong-password-xx", stranger)
                    .await
                    .expect("login"),
            )
            .await;
            assert_eq!(r, wrong);
        }
        // Past five failures the stranger's address waits, with the very same answer, even
        // when it guesses right.
        let waiting = answer(login(user, PASSWORD, stranger).await.expect("login")).await;
        assert_eq!(
            waiting, wrong,
            "a try that must wait answers as a wrong password"
        );
        // The owner, from their own address, is not locked out.
        let owner = login(user, PASSWORD, "198.51.100.20").await.expect("login");
        assert_eq!(owner.status(), StatusCode::OK);
        // And the stranger's wait ends: after it, the right password works.
        tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
        let later = login(user, PASSWORD, stranger).await.expect("login");
        assert_eq!(later.status(), StatusCode::OK, "the first wait is over");
        let other = t.api(&t.account("district_admin").username).await;
        assert_eq!(other.get("/api/v1/me").await.status(), StatusCode::OK);
    }
);

on_both!(unknown_user_and_bad_token, async |t: &TestApp| {
    let client = reqwest::Client::new();
    let r = client
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": "nobody-here", "password": PASSWORD}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = client
        .get(t.url("/api/v1/me"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthenticated");
    let page = client.get(t.url("/members")).send().await.expect("request");
    assert!(
        page.url().path().ends_with("/login"),
        "pages redirect to the login form"
    );
});

on_both!(token_gives_user_and_scope, async |t: &TestApp| {
    let town = t.account("town_admin");
    let api = t.api(&town.username).await;
    let (s, me) = api.get_json("/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["role"], "town_admin");
    assert_eq!(me["scope_org_id"], town.scope_org_id);
});

/// Logs in through the form with a raw client; returns the session cookie that was set.
async fn form_login(
    t: &TestApp,
    extra_headers: &[(&str, &str)],
    planted_session: Option<&str>,
) -> String {
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = raw
        .get(t.url("/login"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = crate::harness::hidden_csrf(&page);
    let mut cookie = format!("dj_login={csrf}");
    if let Some(s) = planted_session {
        cookie.push_str(&format!("; dj_session={s}"));
    }
    let mut req = raw.post(t.url("/login")).header("cookie", cookie);
    for (k, v) in extra_headers {
        req = req.header(*k, *v);
    }
    let r = req
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", t.account("district_admin").username.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dj_session="))
        .expect("session cookie")
        .to_string()
}

on_both!(session_cookie_flags_and_renewal, async |t: &TestApp| {
    let cookie = form_login(t, &[], None).await;
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP gets no Secure flag");
    // Behind a TLS proxy the cookie is Secure.
    let cookie = form_login(t, &[("x-forwarded-proto", "https")], None).await;
    assert!(cookie.contains("Secure"), "{cookie}");
    // A session id planted before login is never adopted: login issues a new one.
    let planted = "a".repeat(64);
    let cookie = form_login(t, &[], Some(&planted)).await;
    assert!(!cookie.contains(&planted));

    let b = t.browser(&t.account("district_admin").username).await;
    let headers = b.client.get(t.url("/")).send().await.expect("home");
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert!(headers.headers().contains_key(h), "missing {h}");
    }
    assert!(
        headers.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("frame-ancestors 'none'")
    );
});

on_both!(csrf_is_required_for_cookie_writes, async |t: &TestApp| {
    let b = t.browser(&t.account("district_admin").username).await;
    let before = t
        .api(&t.account("district_admin").username)
        .await
        .members_total()
        .await;
    let r = b
        .client
        .post(t.url("/members/new"))
        .form(&[
            ("name", "无令牌"),
            ("id_number", "500102198503170013"),
            ("org_id", "1"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("html").contains("页面已过期"));
    // JSON through the cookie also needs the header.
    let r = b
        .client
        .patch(t.url("/api/v1/orgs/1"))
        .json(&json!({"name": "改名"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .client
        .patch(t.url("/api/v1/orgs/1"))
        .header("x-csrf-token", &b.csrf)
        .json(&json!({"secretary": "张书记"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        t.api(&t.account("district_admin").username)
            .await
            .members_total()
            .await,
        before
    );
    // A login form posted without its cookie is refused.
    let r = reqwest::Client::new()
        .post(t.url("/login"))
        .form(&[
            ("_csrf", "forged"),
            ("username", "admin"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

on_both!(logout_ends_the_session, async |t: &TestApp| {
    let b = t.browser(&t.account("district_admin").username).await;
    assert_eq!(b.page("/members").await.0, StatusCode::OK);
    let (s, _, loc) = b.post_form("/logout", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/login"));
    let (s, _) = b.page("/members").await;
    assert_eq!(
        s,
        StatusCode::SEE_OTHER,
        "after logout pages send the user to the login form"
    );
});

/// A deployment whose public address is https: every cookie is `Secure` and every answer
/// carries HSTS.
async fn https_deployment(engine: crate::harness::Engine) {
    let Some(t) = TestApp::start_with(engine, |c| {
        c.public_url = Some("https://dangjian.example.gov.cn".into());
    })
    .await
    else {
        return;
    };
    let r = reqwest::get(t.url("/login")).await.expect("login page");
    assert_eq!(
        r.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let login_cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        login_cookie.starts_with("dj_login=") && login_cookie.ends_with("; Secure"),
        "{login_cookie}"
    );
    let cookie = form_login(&t, &[], None).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(cookie.matches("Secure").count(), 1, "{cookie}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_deployment_marks_cookies_secure_and_sends_hsts_sqlite() {
    https_deployment(crate::harness::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_deployment_marks_cookies_secure_and_sends_hsts_postgres() {
    https_deployment(crate::harness::Engine::Postgres).await;
}
