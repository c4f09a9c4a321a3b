//! Accounts managed from the web (三权分立): account managers inside their subtree and at or
//! below their level, temporary passwords changed at the first login, the security
//! administrator's password rules, sessions listed and ended, the last login shown.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, PASSWORD, TestApp, hidden_csrf};
use crate::on_both;

/// A browser session logged in with `password`, wherever the login sends it.
async fn browser_with(t: &TestApp, username: &str, password: &str) -> (Browser, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut b = Browser {
        client,
        base: t.url(""),
        csrf: String::new(),
    };
    let r = b.login(username, password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    b.csrf = hidden_csrf(&b.page("/account").await.1);
    assert!(!b.csrf.is_empty(), "the account page carries a token");
    (b, to)
}

async fn audit_count(t: &TestApp, action: &str, object_id: i64) -> i64 {
    let mut conn = t.sql().await;
    let rows = crate::harness::rows(
        &mut conn,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND object_id = '{object_id}'"
        ),
    )
    .await;
    rows[0][0].parse().expect("count")
}

on_both!(
    account_managers_manage_their_subtree_at_or_below_their_level,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let village_scope = t.api("baitao-village").await.scope_org().await;
        let (s, list) = town.get_json("/api/v1/accounts").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let rows = list["rows"].as_array().expect("rows");
        assert!(!rows.is_empty());
        assert!(rows.iter().any(|a| a["username"] == "baitao-village"));
        assert!(
            rows.iter()
                .all(|a| a["role"] != "district_admin" && a["role"] != "auditor"),
            "nothing above the town: {list}"
        );
        let roles: Vec<&str> = list["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .filter_map(|r| r["code"].as_str())
            .collect();
        assert_eq!(
            roles,
            [
                "town_admin",
                "village_admin",
                "branch_secretary",
                "member",
                "display"
            ]
        );

        // Refused: above the town, a duty, outside the town (as if missing), a bad name.
        let new = |username: &str, role: &str, scope: Value| json!({"username": username, "display_name": "新干事", "role": role, "scope": scope});
        for (body, field, code) in [
            (
                new(
                    "up-high",
                    "district_admin",
                    json!(village_scope.to_string()),
                ),
                "role",
                "role_above_own",
            ),
            (
                new("an-auditor", "auditor", json!(village_scope.to_string())),
                "role",
                "role_above_own",
            ),
            (
                new("far-away", "village_admin", json!("1")),
                "scope",
                "unknown_org",
            ),
            (
                new("far-away", "village_admin", json!("no-such-code")),
                "scope",
                "unknown_org",
            ),
            (
                new(
                    "Bad Name",
                    "village_admin",
                    json!(village_scope.to_string()),
                ),
                "username",
                "invalid_username",
            ),
        ] {
            let (s, v) = town.post("/api/v1/accounts", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} {v}");
            assert_eq!(v["error"]["field"], field, "{v}");
            assert_eq!(v["error"]["code"], code, "{v}");
        }

        let (s, made) = town
            .post(
                "/api/v1/accounts",
                &new(
                    "new-clerk",
                    "branch_secretary",
                    json!(village_scope.to_string()),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{made}");
        let id = made["id"].as_i64().expect("id");
        let temporary = made["temporary_password"].as_str().expect("password");
        assert_eq!(temporary.len(), 16);
        assert_eq!(audit_count(t, "user.create", id).await, 1);
        let (s, v) = town
            .post(
                "/api/v1/accounts",
                &new(
                    "new-clerk",
                    "branch_secretary",
                    json!(village_scope.to_string()),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "duplicate");
        // A screen for the town's lobby: a display account, opened like any other.
        let (s, lobby) = town
            .post(
                "/api/v1/accounts",
                &new("town-lobby", "display", json!(village_scope.to_string())),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{lobby}");
        let role =
            "SELECT COUNT(*) FROM app_user WHERE username = 'town-lobby' AND role = 'display'";
        assert_eq!(t.count(role).await, 1, "{lobby}");

        // The temporary password gets no token, and a browser only the password page.
        let client = reqwest::Client::new();
        let r = client
            .post(t.url("/api/v1/auth/login"))
            .json(&json!({"username": "new-clerk", "password": temporary}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["error"]["code"], "password_change_required");
        let (b, to) = browser_with(t, "new-clerk", temporary).await;
        assert_eq!(to, "/account/password");
        for path in ["/", "/members", "/orgs"] {
            let r = b.client.get(t.url(path)).send().await.expect("page");
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(
                r.headers().get("location").and_then(|v| v.to_str().ok()),
                Some("/account/password")
            );
        }
        let (s, html) = b.page("/account/password").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"must-change\""));
        for (current, new, again, field, code) in [
            (
                "wrong-password-xx",
                "a-new-password-1",
                "a-new-password-1",
                "current_password",
                "wrong_password",
            ),
            (temporary, "short", "short", "password", "too_short"),
            (
                temporary,
                "a-new-password-1",
                "a-new-password-2",
                "password_again",
                "mismatch",
            ),
            (temporary, temporary, temporary, "password", "reused"),
        ] {
            let (s, html, _) = b
                .post_form(
                    "/account/password",
                    &[
                        ("current_password", current),
                        ("password", new),
                        ("password_again", again),
                    ],
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
            assert!(
                html.contains(&format!("data-field=\"{field}\"")),
                "{code}: {field} named"
            );
        }
        let (s, _, to) = b
            .post_form(
                "/account/password",
                &[
                    ("current_password", temporary),
                    ("password", "clerk-own-password-1"),
                    ("password_again", "clerk-own-password-1"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some("/account?changed=1"));
        let (s, _) = b.page("/").await;
        assert_eq!(s, StatusCode::OK, "past its stage");

        // The town reads it with its sessions; another town and the village itself do not.
        let (s, d) = town.get_json(&format!("/api/v1/accounts/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(d["account"]["actions"]["manage"], true);
        assert_eq!(d["account"]["must_change_password"], false);
        let sessions = d["sessions"].as_array().expect("sessions");
        assert_eq!(sessions.len(), 1, "{d}");
        let other_town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let other = t.api(&other_town.username).await;
        let (s, _) = other.get_json(&format!("/api/v1/accounts/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = other
            .post(&format!("/api/v1/accounts/{id}/disable"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let secretary = t.api("baitao-secretary").await;
        let (s, _) = secretary.get_json("/api/v1/accounts").await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Ending the session by its handle logs the browser out.
        let handle = sessions[0]["handle"].as_str().expect("handle");
        let (s, _) = town
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/accounts/{id}/sessions/{handle}"),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let r = b.client.get(t.url("/")).send().await.expect("page");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/login")
        );

        // Disabled: no login, even with the right password; enabled again: logs in.
        let (s, _) = town
            .post(&format!("/api/v1/accounts/{id}/disable"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let r = client
            .post(t.url("/api/v1/auth/login"))
            .json(&json!({"username": "new-clerk", "password": "clerk-own-password-1"}))
            .send()
            .await
            .expect("login");
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["error"]["code"], "disabled");
        let (s, _) = town
            .post(&format!("/api/v1/accounts/{id}/enable"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);

        // Failed logins from one address wait; the manager's unlock lets the owner in at once.
        let from = "198.51.100.23";
        let login_from = |password: &str| {
            client
                .post(t.url("/api/v1/auth/login"))
                .header("x-real-ip", from)
                .json(&json!({"username": "new-clerk", "password": password}))
                .send()
        };
        for _ in 0..6 {
            login_from("wrong-password-xx").await.expect("login");
        }
        let r = login_from("clerk-own-password-1").await.expect("login");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "waiting");
        let (_, d) = town.get_json(&format!("/api/v1/accounts/{id}")).await;
        assert!(
            d["account"]["failed_logins"].as_i64().unwrap_or(0) >= 5,
            "{d}"
        );
        let (s, _) = town
            .post(&format!("/api/v1/accounts/{id}/unlock"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let r = login_from("clerk-own-password-1").await.expect("login");
        assert_eq!(r.status(), StatusCode::OK, "unlocked");
        let (_, d) = town.get_json(&format!("/api/v1/accounts/{id}")).await;
        assert_eq!(d["account"]["failed_logins"], 0);
        assert_eq!(d["account"]["last_login_ip"], from);

        // A reset issues a new temporary password and ends the sessions it had.
        let (s, reset) = town
            .post(&format!("/api/v1/accounts/{id}/reset"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{reset}");
        assert_ne!(reset["temporary_password"], made["temporary_password"]);
        let (_, d) = town.get_json(&format!("/api/v1/accounts/{id}")).await;
        assert_eq!(d["account"]["must_change_password"], true);
        assert_eq!(d["sessions"].as_array().map(Vec::len), Some(0));
        assert_eq!(audit_count(t, "user.reset", id).await, 1);
        assert_eq!(audit_count(t, "user.disable", id).await, 1);
        assert_eq!(audit_count(t, "user.unlock", id).await, 1);
        assert_eq!(audit_count(t, "session.end", id).await, 1);

        // Nobody manages their own account or an account above them here.
        let me = town.get_json("/api/v1/me").await.1["id"]
            .as_i64()
            .expect("my id");
        let (s, _) = town
            .post(&format!("/api/v1/accounts/{me}/disable"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let district = t.api("admin").await;
        let (_, all) = district.get_json("/api/v1/accounts?role=auditor").await;
        let auditor = &all["rows"][0];
        assert_eq!(auditor["username"], "auditor", "{all}");
        assert_eq!(auditor["actions"]["manage"], false);
        let aid = auditor["id"].as_i64().expect("id");
        let (s, _) = district
            .post(&format!("/api/v1/accounts/{aid}/reset"), &json!({}))
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the audit duty is not the system admin's"
        );
    }
);

on_both!(
    the_security_administrator_alone_sets_the_password_rules,
    async |t: &TestApp| {
        let district = t.api("admin").await;
        // Made under the old rules; its next password follows the new ones.
        let user = t
            .with_user(
                "rule-taker",
                "branch_secretary",
                district.scope_org().await,
                None,
            )
            .await;
        let (s, _) = district.get_json("/api/v1/security-policy").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let security = t.api("security").await;
        let (s, _) = security.get_json("/api/v1/members").await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the security duty reads no registry"
        );
        let (s, _) = security.get_json("/api/v1/accounts").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "nor manages accounts");
        let (s, p) = security.get_json("/api/v1/security-policy").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(p["min_password_chars"], 12);
        assert_eq!(p["password_history"], 5);

        let mut bad = p.clone();
        bad["min_password_chars"] = json!(4);
        let (s, v) = security
            .send_json(reqwest::Method::PUT, "/api/v1/security-policy", &bad)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "min_password_chars");

        let mut rules = p.clone();
        rules["min_password_chars"] = json!(20);
        rules["password_history"] = json!(2);
        let (s, v) = security
            .send_json(reqwest::Method::PUT, "/api/v1/security-policy", &rules)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["min_password_chars"], 20);
        let mut conn = t.sql().await;
        let detail = crate::harness::rows(
            &mut conn,
            "SELECT detail FROM audit_log WHERE action = 'security.policy'",
        )
        .await;
        assert_eq!(detail.len(), 1);
        assert!(
            detail[0][0].contains("min_password_chars: 12 → 20"),
            "{detail:?}"
        );

        // The rules bind every account's next password.
        let (b, _) = browser_with(t, &user, PASSWORD).await;
        let change = |current: &'static str, new: &'static str| {
            let b = &b;
            async move {
                b.post_form(
                    "/account/password",
                    &[
                        ("current_password", current),
                        ("password", new),
                        ("password_again", new),
                    ],
                )
                .await
            }
        };
        let (s, html, _) = change(PASSWORD, "nineteen-chars-long").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("至少 20 个字符"));
        const A: &str = "first-password-of-twenty";
        const B: &str = "second-password-of-twenty";
        const C: &str = "third-password-of-twenty";
        assert_eq!(change(PASSWORD, A).await.0, StatusCode::SEE_OTHER);
        assert_eq!(change(A, B).await.0, StatusCode::SEE_OTHER);
        let (s, html, _) = change(B, A).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "A is one of the last 2"
        );
        assert!(html.contains("不能使用最近 2 次用过的密码"));
        assert_eq!(change(B, C).await.0, StatusCode::SEE_OTHER);
        assert_eq!(
            change(C, A).await.0,
            StatusCode::SEE_OTHER,
            "A is three passwords ago"
        );

        // The policy outlives a restart.
        let (db, crypto) = t.reopen().await;
        let app = dangjian_service::App::open(db, crypto, Default::default())
            .await
            .expect("reopen");
        assert_eq!(app.security_policy().min_password_chars, 20);
        app.close().await;
    }
);

on_both!(
    each_login_shows_the_one_before_and_sessions_can_be_ended,
    async |t: &TestApp| {
        let scope = t.api("admin").await.scope_org().await;
        assert!(scope > 0);
        let user = t
            .with_user("twice-in", "branch_secretary", scope, None)
            .await;
        let (first, _) = browser_with(t, &user, PASSWORD).await;
        let (_, html) = first.page("/account").await;
        assert!(
            html.contains("首次登录"),
            "the first login has none before it"
        );
        let (second, _) = browser_with(t, &user, PASSWORD).await;
        let (_, html) = second.page("/").await;
        assert!(
            html.contains("id=\"last-login\">上次登录 ") && html.contains("127.0.0.1"),
            "the login before is in the frame of every page"
        );
        // The second session ends the first from 我的账号.
        let (_, html) = second.page("/account").await;
        let handles: Vec<String> = html
            .split("action=\"/account/sessions/")
            .skip(1)
            .filter_map(|s| s.split('/').next().map(str::to_string))
            .collect();
        assert_eq!(handles.len(), 1, "the other session, not this one");
        assert!(html.contains("本次登录"));
        let (s, _, _) = second
            .post_form(&format!("/account/sessions/{}/end", handles[0]), &[])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let r = first.client.get(t.url("/")).send().await.expect("page");
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/login"),
            "the first session has ended"
        );
        let (s, _) = second.page("/").await;
        assert_eq!(s, StatusCode::OK, "this one goes on");
        let (s, _, _) = second
            .post_form("/account/sessions/0123456789abcdef/end", &[])
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "no such session of mine");
    }
);
