//! Two-factor login: required of administrative roles (enrolled at the first login before
//! anything else), optional for others; codes good once; recovery codes; no API token
//! before the second factor; a manager's reset after a lost phone.

use dangjian_service::accounts::second_factor::code_at;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, PASSWORD, TestApp, hidden_csrf};
use crate::on_both;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn form_login(t: &TestApp, username: &str) -> (Browser, String) {
    let b = Browser {
        client: client(),
        base: t.url(""),
        csrf: String::new(),
    };
    let r = b.login(username, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (b, to)
}

async fn location(b: &Browser, path: &str) -> Option<String> {
    let r = b
        .client
        .get(b.base.clone() + path)
        .send()
        .await
        .expect("get");
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn post(b: &Browser, path: &str, csrf: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("_csrf", csrf)];
    all.extend_from_slice(fields);
    b.client
        .post(b.base.clone() + path)
        .form(&all)
        .send()
        .await
        .expect("post")
}

async fn api_login(t: &TestApp, username: &str, otp: Option<&str>) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(t.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD, "otp": otp}))
        .send()
        .await
        .expect("login");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn now() -> u64 {
    dangjian_service::now_ms().max(0) as u64 / 1000
}

on_both!(
    an_administrator_enrols_before_anything_else_and_then_needs_a_code_each_time,
    async |t: &TestApp| {
        let scope = t.api("baitao-secretary").await.scope_org().await;
        let user = t
            .with_user("new-village-admin", "village_admin", scope, None)
            .await;
        // No token before the second factor.
        let (s, v) = api_login(t, &user, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "second_factor_enrolment_required");

        let (b, to) = form_login(t, &user).await;
        assert_eq!(to, "/account/2fa");
        for path in ["/", "/members", "/account", "/api/v1/me"] {
            let r = b.client.get(t.url(path)).send().await.expect("get");
            if path.starts_with("/api/") {
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
            } else {
                assert_eq!(
                    r.headers().get("location").and_then(|v| v.to_str().ok()),
                    Some("/account/2fa"),
                    "{path}"
                );
            }
        }
        // A fragment the page loads (the bell) sends the whole page there, not itself.
        for (client, to) in [(&b.client, "/account/2fa"), (&client(), "/login")] {
            let r = client
                .get(t.url("/notifications/count"))
                .header("hx-request", "true")
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(
                r.headers().get("hx-redirect").and_then(|v| v.to_str().ok()),
                Some(to)
            );
        }
        let (s, html) = b.page("/account/2fa").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(html.matches("id=\"factor-required\"").count(), 1);
        assert!(html.contains("<svg"), "a QR code to scan");
        let secret: String = html
            .split("id=\"totp-secret\">")
            .nth(1)
            .map(|r| r.chars().take_while(|c| *c != '<').collect())
            .expect("secret");
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let (_, again) = b.page("/account/2fa").await;
        assert!(again.contains(&secret), "the same secret until confirmed");
        let csrf = hidden_csrf(&html);
        let r = post(&b, "/account/2fa", &csrf, &[("otp", "000000")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap_or_default()
                .contains("data-field=\"otp\"")
        );
        let t0 = now();
        let code = code_at(&secret, t0).expect("code");
        let r = post(&b, "/account/2fa", &csrf, &[("otp", &code)]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.expect("html");
        let recovery: Vec<String> = html
            .split("<li>")
            .skip(1)
            .filter_map(|s| s.split("</li>").next().map(str::to_string))
            .collect();
        assert_eq!(recovery.len(), 10);
        let (s, _) = b.page("/").await;
        assert_eq!(s, StatusCode::OK, "enrolled: everything");

        // The next login asks for a code; a wrong one is refused and audited, the one just
        // used is refused (never twice), the next step's is taken.
        let (b2, to) = form_login(t, &user).await;
        assert_eq!(to, "/login/otp");
        for path in ["/", "/account/password", "/account/2fa"] {
            assert_eq!(
                location(&b2, path).await.as_deref(),
                Some("/login/otp"),
                "{path}: the password alone opens nothing"
            );
        }
        let (_, html) = b2.page("/login/otp").await;
        let csrf2 = hidden_csrf(&html);
        let r = post(&b2, "/login/otp", &csrf2, &[("otp", "123456")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = post(&b2, "/login/otp", &csrf2, &[("otp", &code)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a replay");
        let next = code_at(&secret, t0 + 30).expect("code");
        let r = post(&b2, "/login/otp", &csrf2, &[("otp", &next)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/")
        );
        let mut conn = t.sql().await;
        let failed = crate::harness::rows(
            &mut conn,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login.second_factor' AND result = 'failed'",
        )
        .await;
        assert_eq!(failed[0][0], "2");

        // The API: no code, a used one, then a recovery code (once).
        let (s, v) = api_login(t, &user, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "second_factor_required");
        let (s, v) = api_login(t, &user, Some(&next)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "bad_second_factor");
        let loose = recovery[0].to_uppercase().replace('-', " ");
        let (s, v) = api_login(t, &user, Some(&loose)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["token"].as_str().is_some());
        let (s, _) = api_login(t, &user, Some(&recovery[0])).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a recovery code is good once"
        );

        // A lost phone: the village's town resets it; the account enrols again.
        let id = t
            .api("town-500102013")
            .await
            .get_json("/api/v1/accounts?q=new-village")
            .await
            .1["rows"][0]["id"]
            .as_i64()
            .expect("id");
        let town = t.browser("town-500102013").await;
        let (_, html) = town.page(&format!("/accounts/{id}")).await;
        assert!(html.contains("id=\"factor-reset-form\""));
        let (s, _, _) = town
            .post_form(
                &format!("/accounts/{id}/second-factor/reset"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            location(&b2, "/").await.as_deref(),
            Some("/login"),
            "its sessions ended"
        );
        let (_, to) = form_login(t, &user).await;
        assert_eq!(to, "/account/2fa");
    }
);

on_both!(
    a_secretary_may_choose_a_second_factor_and_turn_it_off,
    async |t: &TestApp| {
        let user = t.account("branch_secretary").username.clone();
        let (b, to) = form_login(t, &user).await;
        assert_ne!(to, "/account/2fa", "not required");
        let (_, html) = b.page("/account/2fa").await;
        assert!(!html.contains("id=\"factor-required\""));
        let secret: String = html
            .split("id=\"totp-secret\">")
            .nth(1)
            .map(|r| r.chars().take_while(|c| *c != '<').collect())
            .expect("secret");
        let csrf = hidden_csrf(&html);
        let t0 = now();
        let r = post(
            &b,
            "/account/2fa",
            &csrf,
            &[("otp", &code_at(&secret, t0).expect("code"))],
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (s, v) = api_login(t, &user, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "now it asks: {v}");
        let r = post(&b, "/account/2fa/disable", &csrf, &[("otp", "999999")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = post(
            &b,
            "/account/2fa/disable",
            &csrf,
            &[("otp", &code_at(&secret, t0 + 30).expect("code"))],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (s, _) = api_login(t, &user, None).await;
        assert_eq!(s, StatusCode::OK, "the password alone again");

        // An administrator cannot turn theirs off.
        let admin = t.browser("admin").await;
        let (_, html) = admin.page("/account/2fa").await;
        assert!(html.contains("id=\"factor-enabled\""));
        assert!(!html.contains("id=\"factor-disable\""));
        let (s, _, _) = admin
            .post_form("/account/2fa/disable", &[("otp", "123456")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);
