//! Volunteer service from the outside: an activity from publishing to confirmed hours, with
//! a member signing themselves up, an organizer signing up a resident, and a resident
//! signing up by the activity's link; bad input (a start that is no time, a length out of
//! range, a second sign-up, minutes longer than the activity) named by field with nothing
//! stored; the counters and the volunteers' totals move with confirmations and corrections
//! and agree with a recount; a resident reads their record with their code and phone; other
//! towns and their members see none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, hidden_csrf, refusal};
use crate::on_both;

fn today() -> String {
    dangjian_domain::date::format(dangjian_service::today())
}

fn activity(org: i64, title: &str) -> Value {
    json!({
        "org_id": org, "title": title, "category": "文明城区创建", "held_on": today(),
        "starts_at": "09:00", "minutes": 120, "place": "白涛街道广场", "capacity": 3,
    })
}

/// A browser without an account: the residents' pages with their token.
async fn resident_post(
    t: &TestApp,
    page: &str,
    post: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let html = client
        .get(t.url(page))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    let csrf = hidden_csrf(&html);
    assert!(!csrf.is_empty(), "the page carries its token: {html}");
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = client
        .post(t.url(post))
        .form(&all)
        .send()
        .await
        .expect("post");
    (r.status(), r.text().await.unwrap_or_default())
}

on_both!(
    an_activity_goes_from_sign_up_to_confirmed_hours,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let activities = "SELECT COUNT(*) FROM volunteer_activity";
        let before = t.count(activities).await;

        // Bad input names its field; nothing stored.
        for (patch, field, code) in [
            (json!({"starts_at": "25:00"}), "starts_at", "invalid_time"),
            (json!({"minutes": 5}), "minutes", "out_of_range"),
            (json!({"category": "打卡"}), "category", "invalid_choice"),
            (json!({"title": " "}), "title", "required"),
        ] {
            let mut body = activity(town_id, "文明城区创建志愿服务");
            for (k, v) in patch.as_object().expect("patch") {
                body[k] = v.clone();
            }
            let (s, v) = town.post("/api/v1/volunteers/activities", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(refusal(&v), (field, code), "{body}: {v}");
        }
        assert_eq!(t.count(activities).await, before);

        let summary = format!("/api/v1/volunteers/summary?org={town_id}");
        let (_, base) = town.get_json(&summary).await;
        let figure = |v: &Value, k: &str| v["this_year"][k].as_i64().expect("figure");
        let (s, a) = town
            .post(
                "/api/v1/volunteers/activities",
                &activity(town_id, "文明城区创建志愿服务"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().expect("id");
        let code = a["code"].as_str().expect("code").to_string();

        // A member of the town signs themselves up, once.
        let member = t.api("baitao-member").await;
        let (_, before_mine) = member.get_json("/api/v1/me/volunteer").await;
        let own = before_mine["minutes"].as_i64().expect("minutes");
        let (_, list) = member.get_json("/api/v1/volunteers/activities").await;
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["id"] == id),
            "the town's activity is open to its members: {list}"
        );
        let signups = format!("/api/v1/volunteers/activities/{id}/signups");
        let (s, v) = member.post(&signups, &json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = member.post(&signups, &json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v).1, "duplicate");

        // The organizer signs up a resident; the same phone again is refused.
        let (s, r1) = town
            .post(
                &signups,
                &json!({"name": "张大妈", "phone": "136 0000 1111"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r1}");
        assert_eq!(r1["phone_masked"], "136****1111");
        let (s, v) = town
            .post(&signups, &json!({"name": "张大妈", "phone": "13600001111"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v).1, "duplicate");
        let cipher = t
            .count("SELECT COUNT(*) FROM volunteer WHERE phone_masked = '136****1111' AND phone_index IS NOT NULL")
            .await;
        assert_eq!(cipher, 1, "the phone is kept by its index, masked");

        // A resident signs up by the link and is given a record code.
        let (s, html) = resident_post(
            t,
            &format!("/r/v/{code}"),
            &format!("/r/v/{code}"),
            &[("name", "李师傅"), ("phone", "13700002222")],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("报名成功"), "{html}");
        let record_code = html
            .split("id=\"record-code\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("a record code")
            .to_string();
        // The activity is now full.
        let (s, v) = town
            .post(&signups, &json!({"name": "王五", "phone": "13600003333"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("activity", "full"));

        // Minutes longer than the activity: refused, nothing confirmed.
        let (_, d) = town
            .get_json(&format!("/api/v1/volunteers/activities/{id}"))
            .await;
        let lines: Vec<i64> = d["signups"]
            .as_array()
            .expect("signups")
            .iter()
            .map(|s| s["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(lines.len(), 3, "{d}");
        let confirm = format!("/api/v1/volunteers/activities/{id}/confirm");
        let (s, v) = town
            .post(
                &confirm,
                &json!({"lines": [{"signup_id": lines[0], "minutes": 121}]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("minutes", "longer_than_activity"));
        let (s, v) = town
            .post(
                &confirm,
                &json!({"lines": [{"signup_id": lines[0], "minutes": 60}, {"signup_id": lines[0], "minutes": 90}]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("signup_id", "duplicate"));
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM volunteer_signup WHERE activity_id = {id} AND minutes IS NOT NULL")).await,
            0
        );

        // Confirmed: the member 2 hours, the resident 1.5, the last absent.
        let (s, v) = town
            .post(
                &confirm,
                &json!({"lines": [
                    {"signup_id": lines[0], "minutes": 120},
                    {"signup_id": lines[1], "minutes": 90},
                    {"signup_id": lines[2], "minutes": 0}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["activity"]["state"], "closed");
        assert_eq!(v["activity"]["attended"], 2);
        let (_, sum) = town.get_json(&summary).await;
        assert_eq!(figure(&sum, "times"), figure(&base, "times") + 2, "{sum}");
        assert_eq!(
            figure(&sum, "minutes"),
            figure(&base, "minutes") + 210,
            "{sum}"
        );
        let (_, mine) = member.get_json("/api/v1/me/volunteer").await;
        let minutes = mine["minutes"].as_i64().expect("minutes");
        assert_eq!(minutes, own + 120, "{mine}");
        if minutes < 100 * 60 {
            assert_eq!(
                mine["to_next_star"].as_i64(),
                Some((100 * 60 - minutes + 59) / 60)
            );
        }
        t.assert_counters_agree().await;

        // A correction replaces what was confirmed.
        let (s, _) = town
            .post(
                &confirm,
                &json!({"lines": [{"signup_id": lines[0], "minutes": 60}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, sum) = town.get_json(&summary).await;
        assert_eq!(figure(&sum, "times"), figure(&base, "times") + 2);
        assert_eq!(figure(&sum, "minutes"), figure(&base, "minutes") + 150);
        let (_, mine) = member.get_json("/api/v1/me/volunteer").await;
        assert_eq!(mine["minutes"].as_i64(), Some(own + 60));
        t.assert_counters_agree().await;

        // The resident reads their record with the code and phone; a wrong phone is refused.
        let (s, html) = resident_post(
            t,
            "/r/volunteer",
            "/r/volunteer",
            &[("code", &record_code), ("phone", "13700002222")],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("文明城区创建志愿服务") && html.contains("未到"),
            "{html}"
        );
        let (s, html) = resident_post(
            t,
            "/r/volunteer",
            "/r/volunteer",
            &[("code", &record_code), ("phone", "13700002223")],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("记录码或手机号不正确"), "{html}");

        // Another town finds no such activity; neither do its members.
        let other = t
            .town_accounts()
            .into_iter()
            .find(|x| x.username != "town-500102013")
            .expect("another town")
            .username
            .clone();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/volunteers/activities/{id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = t
            .api(&other)
            .await
            .post(&signups, &json!({"name": "赵六", "phone": "13500004444"}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

on_both!(
    the_volunteer_pages_publish_sign_up_and_confirm,
    async |t: &TestApp| {
        let b = t.browser("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id.to_string();
        let (s, html) = b.page("/volunteers").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"activity-form\""), "{html}");
        let fields = |hours: &str| {
            vec![
                ("org", town_id.clone()),
                ("org_id", town_id.clone()),
                ("title", "助老志愿服务".to_string()),
                ("category", "elderly".to_string()),
                ("held_on", today()),
                ("starts_at", "14:30".to_string()),
                ("hours", hours.to_string()),
                ("place", "敬老院".to_string()),
            ]
        };
        let refs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
        let bad = refs(&fields("两小时"));
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, html, _) = b.post_form("/volunteers", &bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"minutes\""), "{html}");
        let good = fields("1.5");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, _, to) = b.post_form("/volunteers", &good).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("to the activity");
        let id = t.count("SELECT MAX(id) FROM volunteer_activity").await;
        assert_eq!(to, format!("/volunteers/{id}"));
        assert_eq!(
            t.count(&format!(
                "SELECT minutes FROM volunteer_activity WHERE id = {id}"
            ))
            .await,
            90
        );

        // A member signs up on the page; the organizer confirms 90 minutes.
        let m = t.browser("baitao-member").await;
        let (_, html) = m.page(&format!("/volunteers/{id}")).await;
        assert!(html.contains("id=\"self-signup\""), "{html}");
        let (s, _, _) = m.post_form(&format!("/volunteers/{id}/signups"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = m.page(&format!("/volunteers/{id}")).await;
        assert!(html.contains("id=\"signed-up\""), "{html}");
        let signup = t
            .count(&format!(
                "SELECT MAX(id) FROM volunteer_signup WHERE activity_id = {id}"
            ))
            .await;
        let key = format!("m{signup}");
        let (s, html, _) = b
            .post_form(&format!("/volunteers/{id}/confirm"), &[(&key, "100")])
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "longer than the activity"
        );
        assert!(html.contains("不能超过活动时长"), "{html}");
        let (s, _, _) = b
            .post_form(&format!("/volunteers/{id}/confirm"), &[(&key, "90")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = m.page("/me/volunteer").await;
        assert!(
            html.contains("助老志愿服务") && html.contains("1 小时 30 分钟"),
            "{html}"
        );
        let cells = b.xlsx_cells("/volunteers/export.xlsx", "志愿活动").await;
        assert!(cells.iter().any(|c| c == "助老志愿服务"), "{cells:?}");
    }
);
