//! The member registry over the API: search, filters, paging, edits, and counters that stay
//! equal to a full recount.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::bad_input::good_member;
use crate::harness::TestApp;
use crate::on_both;

on_both!(search_filter_sort_page, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let (s, all) = admin.get_json("/api/v1/members?per_page=100").await;
    assert_eq!(s, StatusCode::OK);
    let total = all["total"].as_i64().expect("total");
    assert_eq!(total, admin.members_total().await);
    assert_eq!(all["items"].as_array().expect("items").len(), 100);
    let names: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "sorted by name");

    // Page 2 continues page 1 without overlap.
    let (_, p1) = admin.get_json("/api/v1/members?per_page=10&page=1").await;
    let (_, p2) = admin.get_json("/api/v1/members?per_page=10&page=2").await;
    let first: Vec<i64> = p1["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    let second: Vec<i64> = p2["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    assert!(first.iter().all(|id| !second.contains(id)));
    let (_, p1_again) = admin.get_json("/api/v1/members?per_page=10&page=1").await;
    assert_eq!(p1, p1_again, "stable order");

    // Name prefix search.
    let surname: String = names[0].chars().take(1).collect();
    let (_, found) = admin
        .get_json(&format!("/api/v1/members?q={surname}&per_page=100"))
        .await;
    assert!(found["total"].as_i64().expect("total") > 0);
    for m in found["items"].as_array().expect("items") {
        assert!(m["name"].as_str().expect("name").starts_with(&surname));
    }

    // Filters agree with each other: the statuses add up to the whole.
    let (_, full) = admin
        .get_json("/api/v1/members?status=full&per_page=1")
        .await;
    let (_, prob) = admin
        .get_json("/api/v1/members?status=probationary&per_page=1")
        .await;
    assert_eq!(
        full["total"].as_i64().expect("n") + prob["total"].as_i64().expect("n"),
        total
    );
    let (_, women) = admin
        .get_json("/api/v1/members?gender=female&status=full&per_page=100")
        .await;
    for m in women["items"].as_array().expect("items") {
        assert_eq!(m["gender"], "female");
        assert_eq!(m["status"], "full");
    }
    let (_, young) = admin
        .get_json("/api/v1/members?age_band=to30&per_page=100&sort=birth_date&desc=true")
        .await;
    let year = 2026;
    for m in young["items"].as_array().expect("items") {
        let birth_year: i32 = m["birth_date"].as_str().expect("date")[..4]
            .parse()
            .expect("year");
        assert!(year - birth_year <= 31, "{m}");
    }
    let (_, edu) = admin
        .get_json("/api/v1/members?education=bachelor&category=in_service&per_page=5")
        .await;
    for m in edu["items"].as_array().expect("items") {
        assert_eq!(m["education"], "bachelor");
        assert_eq!(m["category"], "in_service");
    }
});

on_both!(search_by_full_id_and_phone, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let body = good_member(&admin).await;
    let (s, created) = admin.post("/api/v1/members", &body).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = created["id"].as_i64().expect("id");
    for q in ["500102198503170013", "13800138000"] {
        let (_, found) = admin.get_json(&format!("/api/v1/members?q={q}")).await;
        assert_eq!(found["total"], 1, "{q}");
        assert_eq!(found["items"][0]["id"], id);
    }
});

on_both!(create_edit_move_and_counters, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let body = good_member(&admin).await;
    let (_, created) = admin.post("/api/v1/members", &body).await;
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["status"], "full");
    t.assert_counters_agree().await;

    // Edit: probationary needs an empty confirmation date.
    let (s, v) = admin
        .patch(
            &format!("/api/v1/members/{id}"),
            &json!({"status": "probationary"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "confirm_date");
    let (s, v) = admin
        .patch(&format!("/api/v1/members/{id}"), &json!({"status": "probationary", "confirm_date": "", "join_date": "2026-01-05", "education": "postgraduate"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["education"], "postgraduate");
    t.assert_counters_agree().await;

    // Move to a branch in another town: counts follow.
    let town = t.town_accounts()[3];
    let (_, there) = admin
        .get_json(&format!(
            "/api/v1/members?org={}&per_page=1",
            town.scope_org_id
        ))
        .await;
    let target = there["items"][0]["org_id"].as_i64().expect("branch");
    let (_, before) = admin
        .get_json(&format!("/api/v1/stats/overview?org={}", town.scope_org_id))
        .await;
    let (s, moved) = admin
        .patch(&format!("/api/v1/members/{id}"), &json!({"org_id": target}))
        .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["org_id"], target);
    let (_, after) = admin
        .get_json(&format!("/api/v1/stats/overview?org={}", town.scope_org_id))
        .await;
    assert_eq!(
        after["members_total"].as_i64().expect("n"),
        before["members_total"].as_i64().expect("n") + 1
    );
    t.assert_counters_agree().await;
    let (_, got) = admin.get_json(&format!("/api/v1/members/{id}")).await;
    assert_eq!(got["org_id"], target);
});

on_both!(overview_has_the_figures, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let (s, v) = admin.get_json("/api/v1/stats/overview?org=1").await;
    assert_eq!(s, StatusCode::OK);
    for k in [
        "orgs_total",
        "members_total",
        "members_full",
        "members_probationary",
        "grid_groups",
    ] {
        assert!(v[k].as_i64().expect(k) > 0, "{k}");
    }
    assert_eq!(
        v["members_full"].as_i64().expect("n") + v["members_probationary"].as_i64().expect("n"),
        v["members_total"].as_i64().expect("n")
    );
    let sum = |key: &str| -> i64 {
        v[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|s| s["n"].as_i64().unwrap_or(0))
            .sum()
    };
    for k in ["by_gender", "by_education", "by_category", "by_age_band"] {
        assert_eq!(sum(k), v["members_total"].as_i64().expect("n"), "{k}");
    }
    let children: i64 = v["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["members"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
        children,
        v["members_total"].as_i64().expect("n"),
        "children add up to the district"
    );
    assert_eq!(
        v["children"]
            .as_array()
            .expect("children")
            .iter()
            .filter(|c| c["kind"] == "town_committee")
            .count(),
        27
    );
    let orgs_by_kind: Value = v["orgs_by_kind"].clone();
    assert!(
        orgs_by_kind
            .as_array()
            .expect("kinds")
            .iter()
            .all(|s| s["code"] != "grid_group"),
        "groups are not organizations"
    );
});

on_both!(
    an_older_rollup_is_recounted_on_start,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let year = dangjian_service::today().year() - 1;
        let summary = format!("/api/v1/reviews/summary?year={year}");
        let (_, before) = admin.get_json(&summary).await;
        // A database kept by a version without grade counters.
        let mut conn = t.sql().await;
        for sql in [
            "DELETE FROM rollup WHERE metric = 'r.grade'",
            "UPDATE setting SET value = '1' WHERE key = 'rollup_metrics'",
        ] {
            sqlx::query(sql)
                .execute(&mut *conn)
                .await
                .expect("downgrade");
        }
        drop(conn);
        let (_, emptied) = admin.get_json(&summary).await;
        assert_ne!(emptied, before, "the grade counters were gone");
        dangjian_service::App::open(
            t.app.database(),
            t.app.crypto().clone(),
            dangjian_service::Config::default(),
        )
        .await
        .expect("reopen");
        let (_, after) = admin.get_json(&summary).await;
        assert_eq!(after, before, "recounted on start");
        t.assert_counters_agree().await;
    }
);

on_both!(
    members_of_a_town_are_shown_with_their_branch_and_its_parents,
    async |t: &TestApp| {
        let town = t.account_named("town-500102013");
        let api = t.api(&town.username).await;
        let (s, page) = api.get_json("/api/v1/members?per_page=100").await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let items = page["items"].as_array().expect("items");
        let places = page["places"].as_array().expect("places");
        assert!(!items.is_empty() && !places.is_empty());
        for m in items {
            let place = places
                .iter()
                .find(|p| p["org_id"] == m["org_id"])
                .and_then(|p| p["place"].as_str())
                .expect("each member's branch is named");
            let branch = m["org_name"].as_str().expect("branch name");
            assert!(place.ends_with(branch), "{place} ends with {branch}");
            assert!(
                !place.contains(&town.scope_org_name),
                "{place}: the town itself is not repeated"
            );
        }
        assert!(
            places
                .iter()
                .filter_map(|p| p["place"].as_str())
                .any(|p| p.contains(" / ")),
            "branches of villages are named with their village"
        );
        let b = t.browser(&town.username).await;
        let (_, html) = b.page("/members").await;
        let first = places[0]["place"].as_str().expect("place");
        assert!(html.contains(first), "the list page shows {first}");
    }
);

on_both!(
    every_slice_of_the_dashboard_opens_a_list_of_as_many_members,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, v) = admin.get_json("/api/v1/stats/overview").await;
        let org = v["org"]["id"].as_i64().expect("org");
        let mut checked = 0;
        for (key, param) in [
            ("by_status", "status"),
            ("by_gender", "gender"),
            ("by_education", "education"),
            ("by_category", "category"),
            ("by_age_band", "age_band"),
            ("by_party_age_band", "party_age_band"),
        ] {
            for s in v[key].as_array().expect(key) {
                let code = s["code"].as_str().expect("code");
                let (status, list) = admin
                    .get_json(&format!(
                        "/api/v1/members?org={org}&{param}={code}&per_page=1"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{param}={code}: {list}");
                assert_eq!(
                    list["total"], s["n"],
                    "{key} {code}: the chart and its list agree"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "the charts have slices");
        // The page links each slice to that list, and a period picker drives its panels.
        let web = t.browser(&t.account("district_admin").username).await;
        let (s, home) = web.page("/?period=2026-Q1").await;
        assert_eq!(s, StatusCode::OK);
        // Askama writes the `&` of a link as `&#38;`.
        assert!(home.contains(&format!("/members?org={org}&#38;education=bachelor")));
        assert!(home.contains("<option value=\"2026-Q1\" selected>2026年第一季度</option>"));
        let (s, _) = web.page("/?period=someday").await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a period not offered is refused"
        );
    }
);
