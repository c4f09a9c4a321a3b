//! 民主评议党员: the steps, the one-third cap on 优秀, results on the member page and rolled up.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::on_both;

on_both!(annual_review_with_the_one_third_cap, async |t: &TestApp| {
    let secretary = t.api("baitao-secretary").await;
    let (_, me) = secretary.get_json("/api/v1/me").await;
    let branch = me["scope_org_id"].as_i64().expect("branch");
    // Last year's reviews are in the demo; this year's is still to be held.
    let year = dangjian_service::today().year();
    let (s, v) = secretary
        .get_json(&format!("/api/v1/reviews?org={branch}&year={year}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, review) = secretary
        .post("/api/v1/reviews", &json!({"org_id": branch, "year": year}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{review}");
    let id = review["id"].as_i64().expect("id");
    let entries: Vec<i64> = review["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["member_id"].as_i64())
        .collect();
    let n = entries.len() as i64;
    assert!(n >= 3, "the branch has members to review");
    assert_eq!(review["max_excellent"], n / 3);
    let (s, v) = secretary
        .post("/api/v1/reviews", &json!({"org_id": branch, "year": year}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "duplicate");

    // The member writes their own self-evaluation, and only that.
    let member = t.api("baitao-member").await;
    let (_, m) = member.get_json("/api/v1/me").await;
    let own = m["member_id"].as_i64().expect("member");
    let (s, v) = member
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{own}"),
            &json!({"self_evaluation": "认真学习，积极参加组织生活。"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = member
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{own}"),
            &json!({"votes_for": 99}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = entries
        .iter()
        .copied()
        .find(|e| *e != own)
        .expect("another member");
    let (s, _) = member
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{other}"),
            &json!({"self_evaluation": "代写"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = secretary
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{other}"),
            &json!({"peer_score": 101}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = secretary
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{other}"),
            &json!({"peer_score": 92, "votes_for": 10, "proposed": "优秀"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // One 优秀 too many is refused with the cap in the message; nothing is decided.
    let grades = |excellent: usize| -> Value {
        let list: Vec<Value> = entries
            .iter()
            .enumerate()
            .map(|(i, m)| json!({"member_id": m, "grade": if i < excellent { "excellent" } else { "qualified" }}))
            .collect();
        json!({ "grades": list })
    };
    let too_many = (n / 3 + 1) as usize;
    let (s, v) = secretary
        .post(&format!("/api/v1/reviews/{id}/decision"), &grades(too_many))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "excellent_cap");
    assert!(
        v["error"]["message"]
            .as_str()
            .expect("message")
            .contains("三分之一")
    );
    let partial = json!({"grades": [{"member_id": entries[0], "grade": "qualified"}]});
    let (s, v) = secretary
        .post(&format!("/api/v1/reviews/{id}/decision"), &partial)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "incomplete");
    let (_, still) = secretary.get_json(&format!("/api/v1/reviews/{id}")).await;
    assert!(still["decided_on"].is_null());

    let (s, decided) = secretary
        .post(
            &format!("/api/v1/reviews/{id}/decision"),
            &grades((n / 3) as usize),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{decided}");
    assert!(decided["decided_on"].is_string());
    let (s, v) = secretary
        .patch(
            &format!("/api/v1/reviews/{id}/entries/{other}"),
            &json!({"peer_score": 50}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    t.assert_counters_agree().await;
    // Results roll up, and show on the member's page.
    let admin = t.api(&t.account("district_admin").username).await;
    let (_, summary) = admin
        .get_json(&format!("/api/v1/reviews/summary?year={year}"))
        .await;
    let count = |code: &str| {
        summary["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["code"] == code)
            .and_then(|s| s["n"].as_i64())
            .unwrap_or(0)
    };
    assert_eq!(count("excellent"), n / 3);
    assert_eq!(count("qualified"), n - n / 3);
    let b = t.browser("baitao-secretary").await;
    let (_, page) = b.page(&format!("/members/{}", entries[0])).await;
    assert!(
        page.contains("民主评议") && page.contains(&format!("{year}")),
        "the grade shows on the member page"
    );

    // The demo's decided reviews of last year roll up within the cap, and chart on the home page.
    let (_, last) = admin
        .get_json(&format!("/api/v1/reviews/summary?year={}", year - 1))
        .await;
    let total: i64 = last["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|s| s["n"].as_i64())
        .sum();
    let excellent = last["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["code"] == "excellent")
        .and_then(|s| s["n"].as_i64())
        .expect("excellent");
    assert!(
        total > 0 && excellent > 0 && excellent * 3 <= total,
        "{last}"
    );
    let (_, home) = t
        .browser(&t.account("district_admin").username)
        .await
        .page("/")
        .await;
    let last_year = dangjian_service::today().year() - 1;
    assert!(
        home.contains(&format!("民主评议等次（{last_year}年度）")),
        "the grade chart"
    );
    let home = home.replace("&#34;", "\"").replace("&quot;", "\"");
    assert!(
        home.contains(&format!("\"name\":\"优秀\",\"value\":{excellent}")),
        "with the counts"
    );

    // Another town sees nothing of it.
    let other_town = t.api(&t.town_accounts()[4].username).await;
    let (s, _) = other_town.get_json(&format!("/api/v1/reviews/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});
