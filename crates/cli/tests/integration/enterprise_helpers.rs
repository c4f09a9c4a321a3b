//! Instructors, leaders who look after enterprises and factory liaisons from the outside:
//! the district assigns instructors and leaders, the town liaisons; an instructor takes no
//! more units than the district allows; visits stay inside the assignment and their month;
//! an instructor or a liaison in force brings the unit into work coverage and ending the
//! assignment takes it out; a problem the unit raised lands on the ledger with it; the
//! month's figures count the days on site against the minimum.

use dangjian_domain::enterprises::credit_code::CreditCode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal};
use crate::on_both;

fn code(n: u32) -> String {
    CreditCode::compose(&format!("91500102MA6H{n:05}"))
        .expect("code")
        .as_str()
        .to_string()
}

fn unit(place: i64, name: &str, code: &str) -> Value {
    json!({
        "org_id": place, "name": name, "credit_code": code, "kind": "非公企业",
        "industry": "制造业", "size": "小型", "staff": 30, "org_setup": "未建立",
    })
}

/// A member below the organization `org` who helps no unit yet.
async fn member_under(t: &TestApp, org: i64) -> i64 {
    t.count(&format!(
        "SELECT MIN(m.id) FROM member m WHERE m.org_path LIKE \
         (SELECT path FROM org WHERE id = {org}) || '%' \
         AND NOT EXISTS (SELECT 1 FROM enterprise_helper h WHERE h.member_id = m.id)"
    ))
    .await
}

on_both!(
    helpers_reach_units_and_their_visits_count,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let first = dangjian_domain::date::format(
            dangjian_service::today()
                .replace_day(1)
                .expect("first of the month"),
        );
        let (s, a) = town
            .post(
                "/api/v1/enterprises",
                &unit(town_id, "涪陵指导员测试厂", &code(1)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let a = a["id"].as_i64().expect("id");
        let (_, b) = town
            .post(
                "/api/v1/enterprises",
                &unit(town_id, "涪陵第二测试厂", &code(2)),
            )
            .await;
        let b = b["id"].as_i64().expect("id");
        let uncovered = |c: &Value| {
            c["coverage"]["all"]["uncovered"]
                .as_i64()
                .expect("uncovered")
        };
        let cov = format!("/api/v1/enterprises/coverage?org={town_id}");
        let (_, before) = town.get_json(&cov).await;
        assert!(uncovered(&before) >= 2, "{before}");

        // The town assigns liaisons but not instructors.
        let instructor = member_under(t, town_id).await;
        assert!(instructor > 0, "the town has members");
        let helpers = "SELECT COUNT(*) FROM enterprise_helper";
        let kept = t.count(helpers).await;
        let assign =
            |role: &str, member: i64| json!({"member_id": member, "role": role, "start_on": first});
        let (s, v) = town
            .post(
                &format!("/api/v1/enterprises/{a}/helpers"),
                &assign("党建指导员", instructor),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(t.count(helpers).await, kept);

        // The district assigns the instructor: the unit is reached, the term is the district's.
        let (s, h) = admin
            .post(
                &format!("/api/v1/enterprises/{a}/helpers"),
                &assign("instructor", instructor),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let h = h["id"].as_i64().expect("id");
        let end_on = t
            .count(&format!(
                "SELECT CAST(SUBSTR(end_on, 1, 4) AS INTEGER) FROM enterprise_helper WHERE id = {h}"
            ))
            .await;
        assert_eq!(
            end_on,
            i64::from(dangjian_service::today().year()) + 2,
            "a two-year term by default"
        );
        let (_, after) = town.get_json(&cov).await;
        assert_eq!(uncovered(&after), uncovered(&before) - 1, "{after}");
        let (_, unit_a) = town.get_json(&format!("/api/v1/enterprises/{a}")).await;
        assert_eq!(unit_a["helpers_reach"], true);

        // Twice in one role, and past the district's maximum of units: refused by field.
        let (s, v) = admin
            .post(
                &format!("/api/v1/enterprises/{a}/helpers"),
                &assign("instructor", instructor),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("member_id", "duplicate"));
        let (_, mut rules) = admin.get_json("/api/v1/enterprises/rules").await;
        rules["instructor_units"] = json!(1);
        let (s, _) = admin
            .send_json(reqwest::Method::PUT, "/api/v1/enterprises/rules", &rules)
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = admin
            .post(
                &format!("/api/v1/enterprises/{b}/helpers"),
                &assign("instructor", instructor),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("member_id", "instructor_full"));
        // A member of another town is out of the town's sight for a liaison.
        let other = t
            .town_accounts()
            .into_iter()
            .find(|x| x.username != "town-500102013")
            .expect("another town")
            .scope_org_id;
        let foreign = member_under(t, other).await;
        let (s, v) = town
            .post(
                &format!("/api/v1/enterprises/{b}/helpers"),
                &assign("驻厂员", foreign),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("member_id", "not_found"));
        assert_eq!(t.count(helpers).await, kept + 1);

        // Visits: inside the month and the assignment, not in the future.
        let visits = "SELECT COUNT(*) FROM enterprise_visit";
        let logged = t.count(visits).await;
        let url = format!("/api/v1/enterprise-helpers/{h}/visits");
        for (body, field, code_) in [
            (
                json!({"visited_on": first, "days": 40, "content": "驻企指导"}),
                "days",
                "out_of_range",
            ),
            (
                json!({"visited_on": "2000-01-03", "days": 1, "content": "驻企指导"}),
                "visited_on",
                "out_of_term",
            ),
            (
                json!({"visited_on": "2999-01-03", "days": 1, "content": "驻企指导"}),
                "visited_on",
                "future_date",
            ),
            (
                json!({"visited_on": first, "days": 2, "content": " "}),
                "content",
                "required",
            ),
        ] {
            let (s, v) = town.post(&url, &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(refusal(&v), (field, code_), "{body}: {v}");
        }
        assert_eq!(t.count(visits).await, logged);
        let report =
            format!("/api/v1/enterprises/helpers?org={town_id}&role=instructor&on={first}");
        let (_, r0) = town.get_json(&report).await;
        let n = |v: &Value, k: &str| v[k].as_i64().expect("figure");
        assert!(n(&r0, "in_post") >= 1, "{r0}");
        let (s, v) = town
            .post(
                &url,
                &json!({"visited_on": first, "days": 10, "content": "指导换届筹备"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, r) = town.get_json(&report).await;
        assert_eq!(
            n(&r, "met"),
            n(&r0, "met") + 1,
            "ten days on site meet the month: {r}"
        );
        let mine = r["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|x| x["member_id"] == instructor)
            .cloned()
            .expect("the instructor's line");
        assert_eq!(mine["days"], 10);

        // A problem the unit raised lands on the ledger with it, under the unit's place.
        let (s, p) = town
            .post(
                "/api/v1/problems",
                &json!({"enterprise_id": a, "content": "用工招聘困难", "unit": "区人力社保局",
                    "standard": "对接招聘会", "measures": "组织专场招聘", "deadline": "2999-12-31"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["source"], "enterprise");
        assert_eq!(p["org_id"], town_id);
        let (_, d) = town
            .get_json(&format!("/api/v1/enterprises/{a}/detail"))
            .await;
        assert_eq!(d["problems_total"], 1, "{d}");
        assert_eq!(d["visits"][0]["days"], 10);
        let foreign_unit = t
            .count(&format!(
                "SELECT COALESCE(MAX(x.id), 0) FROM enterprise x JOIN org o ON o.id = x.org_id \
                 WHERE o.path NOT LIKE (SELECT path FROM org WHERE id = {town_id}) || '%'"
            ))
            .await;
        if foreign_unit > 0 {
            let (s, v) = town
                .post(
                    "/api/v1/problems",
                    &json!({"enterprise_id": foreign_unit, "content": "越权", "unit": "某局",
                        "standard": "无", "measures": "无", "deadline": "2999-12-31"}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(refusal(&v), ("enterprise_id", "not_found"));
        }

        // Ending the assignment: not before it began; then the unit is uncovered again.
        let end = format!("/api/v1/enterprise-helpers/{h}/end");
        let (s, v) = admin.post(&end, &json!({"end_on": "2000-01-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("end_on", "before_start"));
        let yesterday =
            dangjian_domain::date::format(dangjian_service::today() - time::Duration::days(1));
        let end_day = if yesterday < first {
            first.clone()
        } else {
            yesterday
        };
        let (s, v) = admin.post(&end, &json!({"end_on": end_day})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if end_day < dangjian_domain::date::format(dangjian_service::today()) {
            let (_, again) = town.get_json(&cov).await;
            assert_eq!(uncovered(&again), uncovered(&before), "{again}");
        }
        // The town cannot end what the district assigned.
        let (s, _) = town.post(&end, &json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

on_both!(
    the_unit_page_assigns_and_records_visits,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let (_, u) = town
            .post(
                "/api/v1/enterprises",
                &unit(town_id, "涪陵页面驻厂员厂", &code(30)),
            )
            .await;
        let id = u["id"].as_i64().expect("id");
        let b = t.browser("town-500102013").await;
        let (s, html) = b.page(&format!("/enterprises/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("尚未选派人员"), "{html}");
        assert!(
            html.contains("value=\"liaison\""),
            "the town assigns liaisons"
        );
        assert!(
            !html.contains("value=\"instructor\""),
            "not instructors: {html}"
        );

        // No member chosen: the refusal beside its field, nothing stored.
        let (s, html, _) = b
            .post_form(
                &format!("/enterprises/{id}/helpers"),
                &[("role", "liaison")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"member_id\""), "{html}");

        let member = member_under(t, town_id).await.to_string();
        let (s, _, to) = b
            .post_form(
                &format!("/enterprises/{id}/helpers"),
                &[("role", "liaison"), ("member_id", &member)],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let h = t
            .count(&format!(
                "SELECT MAX(id) FROM enterprise_helper WHERE enterprise_id = {id}"
            ))
            .await;
        assert!(to.is_some_and(|to| to.ends_with(&format!("#helper-{h}"))));
        let today = dangjian_domain::date::format(dangjian_service::today());
        let (s, _, _) = b
            .post_form(
                &format!("/enterprises/{id}/helpers/{h}/visits"),
                &[
                    ("visited_on", &today),
                    ("days", "1"),
                    ("content", "走访了解用工情况"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = b.page(&format!("/enterprises/{id}")).await;
        assert!(html.contains("走访了解用工情况"), "{html}");
        assert!(html.contains("指导员或驻厂员"), "the liaison reaches it");
        let (_, html) = b
            .page(&format!("/enterprises/helpers?org={town_id}&role=liaison"))
            .await;
        assert!(html.contains("id=\"helpers-table\""), "{html}");

        // A member's account has no such page.
        let (s, _) = t
            .browser("baitao-member")
            .await
            .page(&format!("/enterprises/{id}"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);
