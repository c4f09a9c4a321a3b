//! 组织生活: compliance at every level, recording meetings, bad input, rules.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Engine, TestApp, rows};
use crate::on_both;

fn n(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// A due month of this year that has ended, with a requirement the branch missed.
async fn missed(api: &crate::harness::Api, branch: i64) -> Option<(String, String)> {
    let (_, c) = api
        .get_json(&format!("/api/v1/life/compliance?org={branch}"))
        .await;
    let from = c["from"].as_str()?.to_string();
    let to = c["to"].as_str()?.to_string();
    let months = dangjian_domain::life::months(&from, &to);
    for month in months.iter().rev() {
        let (_, m) = api
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={month}"
            ))
            .await;
        for k in m["by_kind"].as_array()? {
            if n(&k["tally"], "met") < n(&k["tally"], "required") {
                return Some((month.clone(), k["kind"].as_str()?.to_string()));
            }
        }
    }
    None
}

on_both!(
    an_upgraded_database_fills_its_behind_list_from_the_tallies,
    async |t: &TestApp| {
        let migration = match t.engine {
            Engine::Sqlite => include_str!("../../../store/migrations/sqlite/0005_behind.sql"),
            Engine::Postgres => {
                include_str!("../../../store/migrations/postgres/0005_behind.sql")
            }
        };
        let fill = &migration[migration.find("INSERT").expect("the migration fills")..];
        let mut conn = t.sql().await;
        let behind = "SELECT * FROM life_behind ORDER BY org_id, year";
        let kept = rows(&mut conn, behind).await;
        assert!(!kept.is_empty(), "the demo has branches behind");
        sqlx::query("DELETE FROM life_behind")
            .execute(&mut *conn)
            .await
            .expect("empty");
        sqlx::raw_sql(sqlx::AssertSqlSafe(fill))
            .execute(&mut *conn)
            .await
            .expect("fill");
        assert_eq!(kept, rows(&mut conn, behind).await);
        t.assert_counters_agree().await;
    }
);

on_both!(
    compliance_rolls_up_and_a_recorded_meeting_counts,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (s, district) = admin.get_json("/api/v1/life/compliance").await;
        assert_eq!(s, StatusCode::OK, "{district}");
        let total = &district["total"];
        assert!(n(total, "required") > 0 && n(total, "met") <= n(total, "required"));
        let rate = district["rate"].as_f64().expect("rate");
        assert!(
            rate > 0.5 && rate <= 1.0,
            "most branches keep to the rules: {rate}"
        );
        let children_required: i64 = district["children"]
            .as_array()
            .expect("children")
            .iter()
            .map(|c| n(&c["tally"], "required"))
            .sum();
        assert_eq!(
            children_required,
            n(total, "required"),
            "children add up to the district"
        );
        for c in district["children"].as_array().expect("children") {
            assert!(["green", "yellow", "red"].contains(&c["light"].as_str().expect("light")));
        }
        // A quarter is the sum of its three months.
        let year = &district["from"].as_str().expect("from")[..4];
        let (s, q1) = admin
            .get_json(&format!("/api/v1/life/compliance?period={year}-Q1"))
            .await;
        assert_eq!(s, StatusCode::OK, "{q1}");
        let mut months_required = 0;
        for m in ["01", "02", "03"] {
            let (_, v) = admin
                .get_json(&format!("/api/v1/life/compliance?period={year}-{m}"))
                .await;
            months_required += n(&v["total"], "required");
        }
        assert_eq!(n(&q1["total"], "required"), months_required);
        for bad in ["2026-Q5", "2026年", "二〇二六", "2026-13"] {
            let (s, v) = admin
                .get_json(&format!("/api/v1/life/compliance?period={bad}"))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        }
        let (_, padded) = admin
            .get_json(&format!("/api/v1/life/compliance?period={year}-03"))
            .await;
        let (_, unpadded) = admin
            .get_json(&format!("/api/v1/life/compliance?period={year}-3"))
            .await;
        assert_eq!(padded["total"], unpadded["total"]);
        let behind = district["behind"].as_array().expect("behind");
        assert!(!behind.is_empty(), "the demo has branches that fell behind");
        for b in behind.iter().take(3) {
            let id = b["org"]["id"].as_i64().expect("id");
            let (_, own) = admin
                .get_json(&format!("/api/v1/life/compliance?org={id}"))
                .await;
            assert_eq!(
                n(b, "missed"),
                n(&own["total"], "required") - n(&own["total"], "met"),
                "the behind-list counts what the branch missed: {b}"
            );
        }
        let missed_counts: Vec<i64> = behind.iter().map(|b| n(b, "missed")).collect();
        assert!(
            missed_counts.windows(2).all(|w| w[0] >= w[1]),
            "most missed first: {missed_counts:?}"
        );

        // Record the missed meeting late, for its own period: held, but not on time.
        let branch = behind[0]["org"]["id"].as_i64().expect("branch");
        let (month, kind) = missed(&admin, branch).await.expect("a missed requirement");
        let (_, before) = admin
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={month}"
            ))
            .await;
        let (_, town_before) = admin
            .get_json(&format!("/api/v1/life/compliance?period={month}"))
            .await;
        let today = dangjian_service::today();
        let body = json!({
            "org_id": branch, "kind": kind, "held_on": dangjian_domain::date::format(today),
            "for_period": format!("{month}-15"), "topic": "补开会议", "lecturer": "书记"
        });
        let (s, meeting) = admin.post("/api/v1/meetings", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{meeting}");
        assert_eq!(meeting["on_time"], false);
        assert_eq!(
            meeting["expected"], meeting["present"],
            "without a list everyone is present"
        );
        let (_, after) = admin
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={month}"
            ))
            .await;
        assert_eq!(n(&after["total"], "met"), n(&before["total"], "met") + 1);
        assert_eq!(
            n(&after["total"], "on_time"),
            n(&before["total"], "on_time")
        );
        let (_, town_after) = admin
            .get_json(&format!("/api/v1/life/compliance?period={month}"))
            .await;
        assert_eq!(
            n(&town_after["total"], "met"),
            n(&town_before["total"], "met") + 1,
            "the district sees it the same day"
        );
        t.assert_counters_agree().await;

        let (s, detail) = admin
            .get_json(&format!("/api/v1/meetings/{}", meeting["id"]))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            detail["attendance"].as_array().expect("attendance").len() as i64,
            n(&meeting, "expected")
        );
    }
);

on_both!(
    bad_meetings_are_refused_and_nothing_stored,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let (_, me) = secretary.get_json("/api/v1/me").await;
        let branch = me["scope_org_id"].as_i64().expect("branch");
        let (_, list) = secretary
            .get_json(&format!("/api/v1/members?org={branch}&per_page=100"))
            .await;
        let members: Vec<i64> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|m| m["id"].as_i64())
            .collect();
        let (_, before) = secretary
            .get_json(&format!("/api/v1/meetings?org={branch}"))
            .await;
        let count = before["items"].as_array().expect("items").len();
        let good = json!({"org_id": branch, "kind": "committee_meeting", "held_on": "2026-03-05", "topic": "支委会"});
        let with = |k: &str, v: Value| {
            let mut b = good.clone();
            b[k] = v;
            b
        };
        let other_town = t.town_accounts()[5];
        let (_, others) = t
            .api(&other_town.username)
            .await
            .get_json("/api/v1/members?per_page=1")
            .await;
        let stranger = others["items"][0]["id"]
            .as_i64()
            .expect("someone elsewhere");
        let cases = [
            (
                "future date",
                with("held_on", json!("2099-01-01")),
                "held_on",
            ),
            ("unknown kind", with("kind", json!("party")), "kind"),
            ("no topic", with("topic", json!(" ")), "topic"),
            (
                "lecture without lecturer",
                with("kind", json!("party_lecture")),
                "lecturer",
            ),
            (
                "period after the meeting",
                with("for_period", json!("2026-04-01")),
                "for_period",
            ),
            (
                "stranger attending",
                with(
                    "attendance",
                    json!([{"member_id": stranger, "status": "present"}]),
                ),
                "attendance",
            ),
            (
                "excused without reason",
                with(
                    "attendance",
                    json!([{"member_id": members[0], "status": "excused"}]),
                ),
                "attendance",
            ),
            (
                "bad status",
                with(
                    "attendance",
                    json!([{"member_id": members[0], "status": "asleep"}]),
                ),
                "attendance",
            ),
        ];
        for (what, body, field) in cases {
            let (s, v) = secretary.post("/api/v1/meetings", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {v}");
            assert_eq!(v["error"]["field"], field, "{what}: {v}");
        }
        let (s, _) = secretary
            .post(
                "/api/v1/meetings",
                &with("org_id", json!(other_town.scope_org_id)),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another town's org is out of scope"
        );
        let member = t.api("baitao-member").await;
        let (s, _) = member.post("/api/v1/meetings", &good).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a member does not record meetings"
        );
        let (_, after) = secretary
            .get_json(&format!("/api/v1/meetings?org={branch}"))
            .await;
        assert_eq!(
            after["items"].as_array().expect("items").len(),
            count,
            "nothing stored"
        );

        // A committee meeting the committee missed is recorded, flagged as without quorum.
        let (_, c) = secretary
            .get_json(&format!("/api/v1/orgs/{branch}/committee"))
            .await;
        let absent: Vec<Value> = c["posts"]
            .as_array()
            .expect("posts")
            .iter()
            .map(|p| json!({"member_id": p["member_id"], "status": "absent"}))
            .collect();
        assert!(!absent.is_empty(), "the demo branch has its committee");
        let (s, m) = secretary
            .post("/api/v1/meetings", &with("attendance", Value::from(absent)))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["quorum"], false);
        assert_eq!(m["present"], 0);
    }
);

on_both!(
    rules_are_data_and_only_the_district_changes_them,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (s, rules) = admin.get_json("/api/v1/life/rules").await;
        assert_eq!(s, StatusCode::OK);
        let theme = rules["items"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["meeting_kind"] == "theme_day" && r["org_kind"] == "branch")
            .expect("theme day rule");
        assert_eq!(theme["fixed_day"], 10, "Fuling's theme day is on the 10th");
        let (_, before) = admin.get_json("/api/v1/life/compliance").await;
        let next_year = dangjian_service::today().year() + 1;
        let rule = json!({"org_kind": "branch", "meeting_kind": "party_lecture", "period": "year", "times": 2, "effective_from": format!("{next_year}-01-01")});
        let town = t.api(&t.account("town_admin").username).await;
        let (s, _) = town
            .send_json(reqwest::Method::PUT, "/api/v1/life/rules", &rule)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin
            .send_json(reqwest::Method::PUT, "/api/v1/life/rules", &rule)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|r| r["meeting_kind"] == "party_lecture" && r["period"] == "year")
        );
        let labelled = json!({"org_kind": "branch", "meeting_kind": "党课", "period": "每年", "times": 3, "effective_from": format!("{next_year}-01-01")});
        let (s, v) = admin
            .send_json(reqwest::Method::PUT, "/api/v1/life/rules", &labelled)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let starting = format!("{next_year}-01-01");
        let stored: Vec<&Value> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|r| r["effective_from"] == starting.as_str())
            .collect();
        assert_eq!(
            stored.len(),
            1,
            "labels are stored as codes, so the same rule is replaced: {stored:?}"
        );
        assert_eq!(stored[0]["meeting_kind"], "party_lecture");
        assert_eq!(stored[0]["times"], 3);
        let (_, after) = admin.get_json("/api/v1/life/compliance").await;
        assert_eq!(
            before["total"], after["total"],
            "a rule from next year leaves this year's figures alone"
        );
        let past = json!({"org_kind": "branch", "meeting_kind": "party_lecture", "period": "year", "times": 2, "effective_from": "2020-01-01"});
        let (s, v) = admin
            .send_json(reqwest::Method::PUT, "/api/v1/life/rules", &past)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], "effective_from");
        t.assert_counters_agree().await;
    }
);

on_both!(life_pages, async |t: &TestApp| {
    let b = t.browser("baitao-secretary").await;
    let (s, html) = b.page("/life").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"life-rate\"") && html.contains("组织生活落实情况"));
    assert!(
        html.contains("id=\"life-calendar\""),
        "a branch sees its calendar of required and held meetings"
    );
    let (s, form) = b.page("/meetings/new?org=0").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{form}");
    let secretary = t.api("baitao-secretary").await;
    let (_, me) = secretary.get_json("/api/v1/me").await;
    let branch = me["scope_org_id"].as_i64().expect("branch").to_string();
    let (s, form) = b.page(&format!("/meetings/new?org={branch}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("attendance-form") && form.contains("name=\"att_"));
    let action = format!("/meetings/new?org={branch}");
    let (s, html, _) = b
        .post_form(
            &action,
            &[
                ("kind", "theme_day"),
                ("held_on", "2099-01-10"),
                ("topic", "主题党日"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("data-field=\"held_on\"") && html.contains("不能晚于今天"));
    let (s, _, location) = b
        .post_form(
            &action,
            &[
                ("kind", "theme_day"),
                ("held_on", "2026-10-10"),
                ("topic", "重温入党誓词"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, page) = b.page(&location.expect("meeting page")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("重温入党誓词") && page.contains("attendance-table"));
    let (s, list) = b.page(&format!("/meetings?org={branch}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("重温入党誓词"));
    let admin = t.browser(&t.account("district_admin").username).await;
    let (_, home) = admin.page("/").await;
    assert!(home.contains("id=\"stat-life\"") && home.contains("组织生活落实率"));
});

on_both!(
    meetings_and_compliance_follow_a_moved_branch,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (a, b) = (t.town_accounts()[0], t.town_accounts()[1]);
        let body = json!({"parent_id": a.scope_org_id, "kind": "branch", "owner": "agency", "name": "迁移测试支部", "code": "TEST-MOVE", "opened_on": "2020-01-01"});
        let (s, branch) = admin.post("/api/v1/orgs", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{branch}");
        let id = branch["id"].as_i64().expect("id");
        let (s, m) = admin.post("/api/v1/meetings", &json!({"org_id": id, "kind": "committee_meeting", "held_on": "2026-02-03", "topic": "迁移前的支委会"})).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let (_, before_b) = admin
            .get_json(&format!("/api/v1/life/compliance?org={}", b.scope_org_id))
            .await;
        let (_, own) = admin
            .get_json(&format!("/api/v1/life/compliance?org={id}"))
            .await;

        let (s, moved) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"parent_id": b.scope_org_id}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{moved}");
        // The meeting is now the new town's: its admin sees it, the old town's does not.
        let path = format!("/api/v1/meetings/{}", m["id"]);
        assert_eq!(
            t.api(&b.username).await.get(&path).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            t.api(&a.username).await.get(&path).await.status(),
            StatusCode::NOT_FOUND
        );
        let (_, after_b) = admin
            .get_json(&format!("/api/v1/life/compliance?org={}", b.scope_org_id))
            .await;
        assert_eq!(
            n(&after_b["total"], "required"),
            n(&before_b["total"], "required") + n(&own["total"], "required")
        );
        assert_eq!(
            n(&after_b["total"], "met"),
            n(&before_b["total"], "met") + n(&own["total"], "met")
        );
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_district_edits_rules_on_their_page,
    async |t: &TestApp| {
        let district = t.browser(&t.account("district_admin").username).await;
        let (s, page) = district.page("/life/rules").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("主题党日") && page.contains("10 日"),
            "{page}"
        );
        assert!(page.contains("id=\"rule-form\""));
        let town = t.browser(&t.town_accounts()[0].username).await;
        let (s, page) = town.page("/life/rules").await;
        assert_eq!(s, StatusCode::OK, "towns read the rules");
        assert!(!page.contains("id=\"rule-form\""), "but have no form");

        // A month that has not started: the first of it is a valid start for a rule.
        let next_month =
            dangjian_domain::life::month_key(dangjian_service::today() + time::Duration::days(40));
        let rule = |from: String| {
            vec![
                ("org_kind", "branch".to_string()),
                ("meeting_kind", "group_meeting".to_string()),
                ("period", "month".to_string()),
                ("times", "1".to_string()),
                ("fixed_day", String::new()),
                ("effective_from", from),
            ]
        };
        let send = |b: &crate::harness::Browser, fields: Vec<(&'static str, String)>| {
            let owned: Vec<(String, String)> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            let base = b.base.clone();
            let csrf = b.csrf.clone();
            let client = b.client.clone();
            async move {
                let mut all = vec![("_csrf".to_string(), csrf)];
                all.extend(owned);
                let r = client
                    .post(format!("{base}/life/rules"))
                    .form(&all)
                    .send()
                    .await
                    .expect("post");
                (r.status(), r.text().await.unwrap_or_default())
            }
        };
        let (s, _) = send(&town, rule(format!("{next_month}-01"))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "only the district changes rules");
        let (s, page) = send(&district, rule("2020-01-01".into())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("规则只能从本月起生效"), "{page}");
        let (s, page) = send(&district, rule(format!("{next_month}-01"))).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let (_, page) = district.page("/life/rules").await;
        assert!(
            page.contains(&format!("{next_month}-01")) && page.contains("党小组会"),
            "the new rule is listed"
        );
    }
);

on_both!(
    a_towns_meeting_list_names_each_branch_with_its_parents,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let (s, list) = town.get_json("/api/v1/meetings").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let items = list["items"].as_array().expect("items");
        assert!(!items.is_empty(), "the town's branches met");
        for m in items {
            let name = m["org_name"].as_str().expect("name");
            assert!(name.contains(" / "), "named with its parents: {name}");
            assert!(
                !name.starts_with("白涛街道党工委"),
                "below the reader's scope: {name}"
            );
        }
    }
);
