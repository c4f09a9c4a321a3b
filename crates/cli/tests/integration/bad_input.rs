//! Bad input gets a clear Chinese 4xx and stores nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::on_both;

/// A valid new member for the first branch the actor can see.
pub async fn good_member(api: &crate::harness::Api) -> Value {
    let (_, list) = api.get_json("/api/v1/members?per_page=1").await;
    let org_id = list["items"][0]["org_id"]
        .as_i64()
        .expect("a branch with members");
    json!({
        "org_id": org_id,
        "name": "测试党员",
        "id_number": "500102198503170013",
        "phone": "13800138000",
        "education": "bachelor",
        "category": "in_service",
        "status": "full",
        "join_date": "2008-07-01",
        "confirm_date": "2009-07-01"
    })
}

fn with(base: &Value, key: &str, value: Value) -> Value {
    let mut v = base.clone();
    v[key] = value;
    v
}

on_both!(
    each_bad_member_is_refused_and_nothing_stored,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let good = good_member(&admin).await;
        let before = admin.members_total().await;
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "wrong check digit",
                with(&good, "id_number", json!("500102198503170012")),
                "id_number",
                "校验位",
            ),
            (
                "short id",
                with(&good, "id_number", json!("5001021985")),
                "id_number",
                "18 位",
            ),
            (
                "bad phone",
                with(&good, "phone", json!("12345")),
                "phone",
                "手机号码",
            ),
            ("empty name", with(&good, "name", json!("")), "name", "姓名"),
            (
                "huge name",
                with(&good, "name", json!("党".repeat(10_000))),
                "name",
                "不能超过",
            ),
            (
                "future birth date",
                with(&good, "birth_date", json!("2099-01-01")),
                "birth_date",
                "不能晚于今天",
            ),
            (
                "gender against id",
                with(&good, "gender", json!("female")),
                "gender",
                "身份证",
            ),
            (
                "unknown org",
                with(&good, "org_id", json!(987_654_321)),
                "org_id",
                "不存在",
            ),
            (
                "org is not a branch",
                with(&good, "org_id", json!(1)),
                "org_id",
                "党支部",
            ),
            (
                "too young",
                with(&good, "join_date", json!("2000-01-01")),
                "join_date",
                "18",
            ),
            (
                "bad status",
                with(&good, "status", json!("pirate")),
                "status",
                "党员状态",
            ),
        ];
        for (what, body, field, words) in cases {
            let (s, v) = admin.post("/api/v1/members", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {v}");
            assert_eq!(v["error"]["field"], field, "{what}: {v}");
            let message = v["error"]["message"].as_str().expect("message");
            assert!(message.contains(words), "{what}: {message}");
        }
        assert_eq!(admin.members_total().await, before, "nothing stored");

        // The good one goes in once; the second time its ID number is a duplicate.
        let (s, created) = admin.post("/api/v1/members", &good).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        assert_eq!(created["id_masked"], "5001**********0013");
        assert_eq!(created["phone_masked"], "138****8000");
        assert!(
            !created.to_string().contains("500102198503170013"),
            "the full ID never leaves unmasked"
        );
        let dup = with(&good, "phone", json!("13900139000"));
        let (s, v) = admin.post("/api/v1/members", &dup).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "duplicate");
        assert_eq!(admin.members_total().await, before + 1);
    }
);

on_both!(malformed_and_oversized_bodies, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let before = admin.members_total().await;
    let send = |body: Vec<u8>, ctype: &'static str| {
        admin
            .client
            .post(t.url("/api/v1/members"))
            .bearer_auth(&admin.token)
            .header("content-type", ctype)
            .body(body)
            .send()
    };
    let r = send(b"{\"name\": ".to_vec(), "application/json")
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error"]["code"], "malformed_body");
    assert!(
        v["error"]["message"]
            .as_str()
            .expect("message")
            .contains("无法解析")
    );

    let r = send(b"{\"org_id\": \"one\"}".to_vec(), "application/json")
        .await
        .expect("request");
    assert!(r.status().is_client_error());

    let r = send(b"name=x".to_vec(), "text/plain")
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Over 1 MiB is refused before a byte is read.
    let bearer = format!("Bearer {}", admin.token);
    let (s, body) = t
        .declare_body(
            "/api/v1/members",
            &[
                ("Authorization", bearer.as_str()),
                ("Content-Type", "application/json"),
            ],
            1024 * 1024 + 10,
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("body_too_large"), "{body}");

    // Forms too: a page form over 1 MiB is refused before any handler.
    let (s, body) = t
        .declare_body(
            "/members/new",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            1024 * 1024 + 10,
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("1 MiB 上限"), "{body}");

    // A page number past any offset (the fuzzer's find) answers an empty page, not a 500.
    for path in [
        "/api/v1/public/requests?page=9223372036854775807",
        "/api/v1/requests?page=9223372036854775807",
        "/api/v1/households?page=9223372036854775807",
    ] {
        let (s, v) = admin.get_json(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{path}: {v}");
    }

    // Bad query and path values.
    let (s, v) = admin.get_json("/api/v1/members?page=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "malformed_query");
    // Query strings pass the same screen as forms: a right-to-left override, a zero-width
    // space or bytes that are not UTF-8 are refused, naming the parameter.
    for q in ["%E2%80%AE%E7%8E%8B", "%FF%FE"] {
        let (s, v) = admin.get_json(&format!("/api/v1/members?q={q}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert_eq!(v["error"]["field"], "q", "{v}");
    }
    let b = t.browser(&t.account("district_admin").username).await;
    let (s, html) = b.page("/members?q=%E2%80%8B%E7%8E%8B").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不可见"), "the page says why");
    let (s, _) = admin.get_json("/api/v1/members/not-a-number").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = admin.get_json("/api/v1/members?status=pirate").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "status");
    let (s, _) = admin.get_json("/api/v1/members?page=999999999999").await;
    assert!(s.is_client_error());
    assert_eq!(admin.members_total().await, before);
});

on_both!(
    hidden_characters_are_refused_text_is_kept_in_nfc_and_full_exports_need_a_token,
    async |t: &TestApp| {
        let admin_account = t.account("district_admin").username.clone();
        let admin = t.api(&admin_account).await;
        let good = good_member(&admin).await;
        let before = admin.members_total().await;
        // Characters that reorder or hide text are refused, whatever the field.
        for (what, key, value) in [
            ("right-to-left override", "name", "张\u{202E}三"),
            ("zero-width space", "name", "张\u{200B}三"),
            ("byte order mark", "phone", "\u{FEFF}13800138000"),
            ("NUL", "name", "张三\u{0}"),
        ] {
            let (s, v) = admin
                .post("/api/v1/members", &with(&good, key, json!(value)))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {v}");
            assert_eq!(v["error"]["code"], "invalid_character", "{what}: {v}");
            assert_eq!(v["error"]["field"], key, "{what}: {v}");
            let message = v["error"]["message"].as_str().expect("message");
            assert!(message.contains("不可见"), "{what}: {message}");
        }
        assert_eq!(admin.members_total().await, before, "nothing stored");
        // Text is kept in NFC: a name typed with a combining accent is the composed name.
        let (s, created) = admin
            .post(
                "/api/v1/members",
                &with(&good, "name", json!("Jose\u{301}")),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        assert_eq!(created["name"], "Jos\u{e9}");
        let id = created["id"].as_i64().expect("id");
        let org = created["org_id"].as_i64().expect("org");

        // A reason made of NUL bytes or line breaks is no reason, on a page form as in JSON.
        let b = t.browser(&admin_account).await;
        for reason in ["\u{0}\u{0}\u{0}\u{0}\u{0}", "核对\n档案信息"] {
            let (s, html, _) = b
                .post_form(&format!("/members/{id}/unmask"), &[("reason", reason)])
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{reason:?}: {html}");
            assert!(html.contains("不可见"), "{reason:?}");
        }
        // A form whose bytes are not UTF-8 is refused, not stored as mojibake.
        let r = b
            .client
            .post(format!("{}/members/{id}/unmask", b.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", b.csrf.as_str())
            .body(b"reason=%FF%FE%FD%FC%FB".to_vec())
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The full roster comes to an API token, never to a browser's cookie by a link.
        let export = format!("/api/v1/members/export.xlsx?org={org}&reason=年度党员信息核对");
        let (s, page) = b.page(&export).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
        assert!(page.contains("token_required"), "{page}");
        let r = admin.get(&export).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
);
