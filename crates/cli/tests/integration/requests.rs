//! 群众诉求 from the outside: a resident submits and tracks without an account; the
//! community accepts and sends it on; the member or department resolves; the resident
//! confirms or reopens; overdue requests climb to the level above; nothing of a resident is
//! shown to anyone else, and refused input stores nothing.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::harness::{Api, TestApp};
use crate::on_both;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// The answer to a challenge such as "3 加 5 等于几？".
fn solve(question: &str) -> String {
    let digits: Vec<i64> = question
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    assert_eq!(digits.len(), 2, "{question}");
    (digits[0] + digits[1]).to_string()
}

async fn public_form(t: &TestApp) -> Value {
    let r = reqwest::get(t.url("/api/v1/public/request-form"))
        .await
        .expect("form");
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("json")
}

async fn public_post(t: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(t.url(path))
        .json(body)
        .send()
        .await
        .expect("post");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Submits a request with a freshly solved challenge; `extra` overrides fields.
async fn submit(t: &TestApp, community: i64, phone: &str, extra: Value) -> (StatusCode, Value) {
    let f = public_form(t).await;
    let category = f["categories"][0][0].as_i64().expect("a category");
    let mut body = json!({
        "category_id": category.to_string(),
        "community_id": community.to_string(),
        "grid_id": "",
        "address": "幸福小区 3 栋门口",
        "description": "路灯坏了一个多月，晚上看不见路",
        "phone": phone,
        "challenge": f["challenge"]["token"],
        "answer": solve(f["challenge"]["question"].as_str().expect("question")),
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    public_post(t, "/api/v1/public/requests", &body).await
}

async fn track(t: &TestApp, code: &str, phone: &str) -> (StatusCode, Value) {
    public_post(
        t,
        "/api/v1/public/requests/track",
        &json!({ "code": code, "phone": phone }),
    )
    .await
}

async fn scope_id(api: &Api) -> i64 {
    api.get_json("/api/v1/me").await.1["scope_org_id"]
        .as_i64()
        .expect("scope")
}

/// The id of the request with this tracking code in a staff list.
async fn find(api: &Api, code: &str) -> i64 {
    let (s, v) = api.get_json("/api/v1/requests").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let stored = code.replace('-', "").to_lowercase();
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["code"] == stored.as_str())
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("{code} not in {v}"))
}

async fn act(api: &Api, id: i64, body: Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/requests/{id}/actions"), &body)
        .await
}

on_both!(
    a_request_goes_from_resident_to_community_to_member_and_back,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = scope_id(&village).await;
        let (s, g) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "诉求网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let grid = g["id"].as_i64().expect("grid");

        // The public form offers the community and its grids.
        let f = public_form(t).await;
        assert!(
            f["communities"]
                .as_array()
                .expect("communities")
                .iter()
                .any(|c| c["id"] == vid)
        );
        let grids = reqwest::get(t.url(&format!("/api/v1/public/grids?community_id={vid}")))
            .await
            .expect("grids")
            .json::<Value>()
            .await
            .expect("json");
        assert!(
            grids["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["id"] == grid)
        );

        let (_, before) = village.get_json("/api/v1/requests").await;
        let before = before["total"].as_i64().expect("total");

        // Refused: a wrong answer, a grid of another community, a bad phone. Nothing stored.
        let (s, e) = submit(t, vid, "13800001111", json!({ "answer": "1000" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "challenge");
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, other_grids) = admin.get_json("/api/v1/grids").await;
        let foreign = other_grids["items"]
            .as_array()
            .expect("grids")
            .iter()
            .find(|x| x["org_id"] != vid)
            .and_then(|x| x["id"].as_i64());
        if let Some(foreign) = foreign {
            let (s, e) = submit(
                t,
                vid,
                "13800001111",
                json!({ "grid_id": foreign.to_string() }),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["error"]["code"], "not_in_community");
        }
        let (s, e) = submit(t, vid, "12345", json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["field"], "phone");
        let (_, after) = village.get_json("/api/v1/requests").await;
        assert_eq!(after["total"].as_i64(), Some(before), "nothing stored");

        let (s, sub) = submit(
            t,
            vid,
            "138 0000 1111",
            json!({ "grid_id": grid.to_string() }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        let code = sub["code"].as_str().expect("code").to_string();

        // Tracking needs the code and the phone it was sent with; a wrong phone and an
        // unknown code answer alike.
        let (s, wrong_phone) = track(t, &code, "13900002222").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, forged) = track(t, "ABCDE-FGHJK", "13800001111").await;
        assert_eq!(wrong_phone["error"], forged["error"], "same answer");
        let (s, r) = track(t, &code.to_lowercase(), "13800001111").await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "submitted");
        assert_eq!(r["events"].as_array().map(Vec::len), Some(1));
        assert!(r.get("phone").is_none() && r.get("phone_masked").is_none());

        // Staff of the community see it, with the phone masked; another town does not.
        let (_, list) = village.get_json("/api/v1/requests").await;
        assert_eq!(list["total"].as_i64(), Some(before + 1));
        let id = find(&village, &code).await;
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["phone_masked"], "138****1111");
        assert!(!v.to_string().contains("13800001111"));
        let other_town = t.api(&t.town_accounts()[6].username).await;
        let (s, _) = other_town.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = act(&other_town, id, json!({ "action": "accept" })).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The full phone needs a reason, and is audited.
        let (s, e) = village
            .post(
                &format!("/api/v1/requests/{id}/phone"),
                &json!({ "reason": "" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, p) = village
            .post(
                &format!("/api/v1/requests/{id}/phone"),
                &json!({ "reason": "上门核实情况" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["phone"], "13800001111");

        // The state machine refuses what does not apply now.
        let (s, e) = act(
            &village,
            id,
            json!({ "action": "resolve", "note": "已修好" }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "not_now");
        let (s, v) = act(&village, id, json!({ "action": "accept" })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "accepted");
        assert!(v["due_at"].as_i64().is_some());

        // Assigned to a member of the community, who starts and resolves it.
        let member = t.api("baitao-member").await;
        let member_id = member.get_json("/api/v1/me").await.1["member_id"]
            .as_i64()
            .expect("member id");
        let (s, v) = act(
            &village,
            id,
            json!({ "action": "assign", "member_id": member_id }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "assigned");
        // A member's own list is what was sent to them, with or without asking.
        for path in ["/api/v1/requests?view=mine", "/api/v1/requests"] {
            let (s, mine) = member.get_json(path).await;
            assert_eq!(s, StatusCode::OK, "{mine}");
            assert_eq!(mine["view"], "mine");
            assert!(
                mine["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .any(|r| r["id"] == id)
            );
        }
        let (s, _) = act(&member, id, json!({ "action": "start" })).await;
        assert_eq!(s, StatusCode::OK);
        let (s, e) = act(&member, id, json!({ "action": "resolve", "note": "" })).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reply is needed: {e}"
        );
        let (s, v) = act(
            &member,
            id,
            json!({ "action": "resolve", "note": "已联系供电所更换灯泡" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "resolved");

        // The resident says it is not fixed: a note is needed; then it is back with the
        // community, which sends it to a department this time.
        let (_, r) = track(t, &code, "13800001111").await;
        assert_eq!(r["can_answer"], true);
        assert_eq!(r["reply"], "已联系供电所更换灯泡");
        let answer = |action: &str, note: &str| json!({ "code": code, "phone": "13800001111", "action": action, "note": note });
        let (s, _) = public_post(t, "/api/v1/public/requests/answer", &answer("reopen", "")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, r) = public_post(
            t,
            "/api/v1/public/requests/answer",
            &answer("reopen", "还是不亮"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "reopened");
        let (s, _) = public_post(t, "/api/v1/public/requests/answer", &answer("confirm", "")).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing to confirm now"
        );

        let (_, deps) = village.get_json("/api/v1/request-departments").await;
        let dep = deps["items"][0]["id"].as_i64().expect("a department");
        let (s, v) = act(
            &village,
            id,
            json!({ "action": "dispatch", "department_id": dep }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "dispatched");
        assert!(v["assignee_member_id"].is_null());
        let (s, _) = act(&member, id, json!({ "action": "start" })).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "no longer the member's");
        let (s, v) = act(
            &village,
            id,
            json!({ "action": "resolve", "note": "城管部门已更换线路" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, r) = public_post(t, "/api/v1/public/requests/answer", &answer("confirm", "")).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "confirmed");
        let words: Vec<&str> = r["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            words,
            [
                "submit", "accept", "assign", "start", "resolve", "reopen", "dispatch", "resolve",
                "confirm"
            ]
        );

        // The job closes confirmed requests; the rollup stays equal to a recount.
        assert!(
            t.app
                .run_request_job(dangjian_service::now_ms())
                .await
                .expect("job")
                >= 1
        );
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["state"], "closed");
        t.assert_counters_agree().await;

        // The published list shows the outcome, never the resident; redaction hides the reply.
        let published = |t: &TestApp| {
            let url = t.url(&format!("/api/v1/public/requests?community_id={vid}"));
            async move {
                reqwest::get(url)
                    .await
                    .expect("list")
                    .json::<Value>()
                    .await
                    .expect("json")
            }
        };
        let p = published(t).await;
        let text = p.to_string();
        assert!(text.contains("城管部门已更换线路"), "{text}");
        assert!(
            !text.contains("1380000") && !text.contains("幸福小区") && !text.contains("路灯坏了")
        );
        let (s, _) = village
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/requests/{id}/redaction"),
                &json!({ "redacted": true }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(
            !published(t)
                .await
                .to_string()
                .contains("城管部门已更换线路")
        );

        // The staff's export lists it without the resident's phone.
        let b = t.browser("baitao-village").await;
        let cells = b
            .xlsx_cells("/requests/export.xlsx?state=closed", "群众诉求")
            .await;
        assert!(cells.contains(&code), "{code} in the export");
        assert!(!cells.iter().any(|c| c.contains("13800001111")));

        // The dashboard counts it for the village and its town.
        let (s, d) = village
            .get_json(&format!("/api/v1/requests/dashboard?org={vid}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert!(d["total"]["total"].as_i64().expect("total") >= 1);
        assert!(d["total"]["resolved"].as_i64().expect("resolved") >= 1);
        assert!(d["total"]["median_answer_hours"].as_f64().is_some());

        // The district's figures agree with each other: months and categories add up to the
        // year, the satisfaction rate is made of the residents' answers.
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, d) = admin.get_json("/api/v1/requests/dashboard").await;
        let total = d["total"]["total"].as_i64().expect("total");
        assert!(total > 0, "the demo has requests this year: {d}");
        let sum = |key: &str| -> i64 {
            d[key]
                .as_array()
                .expect(key)
                .iter()
                .map(|x| x[1].as_i64().unwrap_or(0))
                .sum()
        };
        assert_eq!(d["by_month"].as_array().map(Vec::len), Some(12));
        assert_eq!(sum("by_month"), total, "months add up to the year");
        assert_eq!(sum("by_category"), total, "categories add up to the year");
        let state = |code: &str| -> i64 {
            d["by_state"]
                .as_array()
                .expect("states")
                .iter()
                .find(|x| x[0] == code)
                .and_then(|x| x[1].as_i64())
                .unwrap_or(0)
        };
        assert_eq!(d["satisfied"].as_i64(), Some(state("confirmed")));
        assert_eq!(d["unsatisfied"].as_i64(), Some(state("reopened")));
        let web = t.browser(&t.account("district_admin").username).await;
        let (s, page) = web.page("/requests/dashboard").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            page.matches("class=\"chart\"").count(),
            3,
            "state, month, category"
        );
        assert!(page.contains("id=\"dash-satisfaction\""));
        // The list says what each request is about.
        let (_, list) = web.page("/requests?state=closed").await;
        assert!(
            list.contains("<td class=\"about\">路灯坏了一个多月"),
            "the description"
        );
    }
);

on_both!(
    overdue_requests_climb_to_the_town_then_the_district,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = scope_id(&village).await;
        let (s, sub) = submit(t, vid, "13700003333", json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        let code = sub["code"].as_str().expect("code").to_string();
        let id = find(&village, &code).await;
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        let due = v["due_at"].as_i64().expect("due");

        // The demo's own overdue requests may climb too: this one is looked at.
        t.app.run_request_job(due - 1).await.expect("job");
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["escalation"], 0, "not yet due");
        t.app.run_request_job(due + 1).await.expect("job");
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["escalation"], 1);
        assert_eq!(
            v["events"]
                .as_array()
                .and_then(|e| e.last())
                .map(|e| e["action"].clone()),
            Some(json!("escalate"))
        );
        // Running again at the same moment adds nothing.
        let again = t.app.run_request_job(due + 1).await.expect("job");
        let (_, v2) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v2["events"], v["events"], "{again}");

        // The town is told; the overdue list shows it.
        let town = t.api("town-500102013").await;
        let (_, n) = town.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "request_overdue" && x["link"] == format!("/requests/{id}")),
            "{n}"
        );
        let (_, list) = village.get_json("/api/v1/requests").await;
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|r| r["id"] == id && r["escalation"] == 1)
        );
        let (_, overdue) = village.get_json("/api/v1/requests?state=overdue").await;
        assert!(
            !overdue["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|r| r["id"] == id),
            "not overdue by the clock yet"
        );
        // Let the clock pass the deadline: the overdue list and the page show it in red.
        let mut conn = t.sql().await;
        sqlx::query("UPDATE request SET due_at = due_at - $1 WHERE id = $2")
            .bind(30 * 24 * HOUR_MS)
            .bind(id)
            .execute(&mut *conn)
            .await
            .expect("shift the deadline");
        drop(conn);
        let (_, overdue) = village.get_json("/api/v1/requests?state=overdue").await;
        assert!(
            overdue["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|r| r["id"] == id)
        );
        let b = t.browser("baitao-village").await;
        let (_, html) = b.page(&format!("/requests/{id}")).await;
        assert!(html.contains("request-overdue"), "{html}");
        let (_, html) = b.page("/requests?state=overdue").await;
        assert!(html.contains("class=\"red\""));
        let (s, d) = village
            .get_json(&format!("/api/v1/requests/dashboard?org={vid}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(d["total"]["overdue"].as_i64().expect("overdue") >= 1, "{d}");

        // A further span later it reaches the district.
        let span = v["accept_hours"].as_i64().expect("hours") * HOUR_MS;
        t.app.run_request_job(due + span + 1).await.expect("job");
        let (_, v) = village.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["escalation"], 2);
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, n) = admin.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "request_overdue"),
            "{n}"
        );

        // Accepting starts the resolution clock afresh, without the escalation.
        let (s, v) = act(&village, id, json!({ "action": "accept" })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["escalation"], 0);
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_public_side_limits_abuse_and_reveals_nothing,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = scope_id(&village).await;
        let limit = dangjian_domain::request::RequestRules::default().max_per_phone_per_day;
        for i in 0..limit {
            let (s, e) = submit(
                t,
                vid,
                "13600004444",
                json!({ "address": format!("第 {i} 号楼") }),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{e}");
        }
        let (s, e) = submit(t, vid, "13600004444", json!({ "address": "另一栋楼" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "too_many");

        // Wrong answers count against the client address like any try: a script working
        // through the few possible sums is stopped.
        let f = public_form(t).await;
        let hour = dangjian_domain::request::RequestRules::default().max_per_ip_per_hour;
        let mut last = Value::Null;
        for guess in 0..=hour {
            let r = reqwest::Client::new()
                .post(t.url("/api/v1/public/requests"))
                .header("x-real-ip", "10.7.7.7")
                .json(&json!({
                    "category_id": f["categories"][0][0], "community_id": vid,
                    "address": "猜答案", "description": "脚本反复猜验证题", "phone": "13900009999",
                    "challenge": f["challenge"]["token"], "answer": (100 + guess).to_string(),
                }))
                .send()
                .await
                .expect("post");
            last = r.json().await.unwrap_or(Value::Null);
        }
        assert_eq!(last["error"]["code"], "too_many", "{last}");

        // A challenge is signed: a made-up token is refused.
        let (s, e) = submit(
            t,
            vid,
            "13600005555",
            json!({ "challenge": "1.2.99999999999999.abc", "answer": "3" }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "challenge");

        // The page form: without its token nothing is stored; with it a photo goes along,
        // but only an image within the limit.
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let html = client
            .get(t.url("/r"))
            .send()
            .await
            .expect("form")
            .text()
            .await
            .expect("html");
        let csrf = crate::harness::hidden_csrf(&html);
        assert_eq!(csrf.len(), 32, "the form carries its token");
        let question = html
            .split("验证：")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("question");
        let token_marker = "name=\"challenge\" value=\"";
        let token: String = html
            .split(token_marker)
            .nth(1)
            .map(|s| s.chars().take_while(|c| *c != '"').collect())
            .expect("token");
        let f = public_form(t).await;
        let category = f["categories"][0][0]
            .as_i64()
            .expect("category")
            .to_string();
        let form = |csrf: &str, photo: Option<(&str, Vec<u8>)>| {
            let mut form = Form::new()
                .text("_csrf", csrf.to_string())
                .text("category_id", category.clone())
                .text("community_id", vid.to_string())
                .text("grid_id", "")
                .text("address", "页面提交的地点")
                .text("description", "页面提交的诉求内容")
                .text("phone", "13500006666")
                .text("challenge", token.clone())
                .text("answer", solve(question));
            if let Some((name, body)) = photo {
                form = form.part("photo", Part::bytes(body).file_name(name.to_string()));
            }
            form
        };
        let (_, before) = village.get_json("/api/v1/requests").await;
        let r = client
            .post(t.url("/r"))
            .multipart(form("forged", None))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap_or_default().contains("页面已过期"));
        let r = client
            .post(t.url("/r"))
            .multipart(form(&csrf, Some(("x.png", b"MZ not an image".to_vec()))))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A photo over the limit is refused before a byte of it is read.
        let (s, body) = t
            .declare_body(
                "/r",
                &[("Content-Type", "multipart/form-data; boundary=x")],
                4 * 1024 * 1024,
            )
            .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("MiB 上限"), "{body}");
        // Bytes that are not UTF-8 are refused, not stored as mojibake.
        let r = client
            .post(t.url("/r"))
            .multipart(form(&csrf, None).part("description", Part::bytes(vec![0xff, 0xfe, 0xfd])))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap_or_default().contains("不可见"));
        let (_, after) = village.get_json("/api/v1/requests").await;
        assert_eq!(after["total"], before["total"], "nothing stored");

        let png = {
            let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
            b.extend_from_slice(&[0u8; 64]);
            b
        };
        let r = client
            .post(t.url("/r"))
            .multipart(form(&csrf, Some(("灯.png", png.clone()))))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::CREATED);
        let html = r.text().await.expect("html");
        let code: String = html
            .split("id=\"tracking-code\">")
            .nth(1)
            .map(|s| s.chars().take_while(|c| *c != '<').collect())
            .expect("code shown");
        let id = find(&village, &code).await;
        let photo = village.get(&format!("/api/v1/requests/{id}")).await;
        let v: Value = photo.json().await.expect("json");
        assert_eq!(v["has_photo"], true);
        let b = t.browser("baitao-village").await;
        let r = b
            .client
            .get(t.url(&format!("/requests/{id}/photo")))
            .send()
            .await
            .expect("photo");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.expect("bytes").to_vec(), png);

        // Tracking by the page: too many wrong tries from one address are stopped.
        let misses = dangjian_domain::request::RequestRules::default().max_track_misses;
        let mut last = StatusCode::OK;
        let mut body = String::new();
        for _ in 0..=misses {
            let r = client
                .post(t.url("/r/track"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("code", "ABCDE-FGHJK"),
                    ("phone", "13500006666"),
                ])
                .send()
                .await
                .expect("track");
            last = r.status();
            body = r.text().await.unwrap_or_default();
        }
        assert_eq!(last, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("15 分钟"), "{body}");
        let (s, e) = track(t, &code, "13500006666").await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "even the right pair waits: {e}"
        );
        // Another resident behind the same proxy is counted apart.
        let r = reqwest::Client::new()
            .post(t.url("/api/v1/public/requests/track"))
            .header("x-real-ip", "10.1.2.3")
            .json(&json!({ "code": code, "phone": "13500006666" }))
            .send()
            .await
            .expect("track");
        assert_eq!(r.status(), StatusCode::OK);

        // Scripts may send ids as numbers.
        let f = public_form(t).await;
        let (s, e) = public_post(
            t,
            "/api/v1/public/requests",
            &json!({
                "category_id": f["categories"][0][0], "community_id": vid, "grid_id": null,
                "address": "数字编号", "description": "用数字提交的诉求", "phone": "13300008888",
                "challenge": f["challenge"]["token"],
                "answer": solve(f["challenge"]["question"].as_str().expect("question")),
            }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
);

on_both!(
    categories_and_departments_are_the_district_s_to_edit,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let (s, _) = village
            .post(
                "/api/v1/request-categories",
                &json!({ "name": "测试类别", "accept_hours": "8", "resolve_hours": "48", "active": true }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let admin = t.api(&t.account("district_admin").username).await;
        let (s, e) = admin
            .post(
                "/api/v1/request-categories",
                &json!({ "name": "测试类别", "accept_hours": "0", "resolve_hours": "x", "active": true }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, c) = admin
            .post(
                "/api/v1/request-categories",
                &json!({ "name": "测试类别", "accept_hours": "8", "resolve_hours": "48", "active": true }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let (s, e) = admin
            .post(
                "/api/v1/request-categories",
                &json!({ "name": "测试类别", "accept_hours": "8", "resolve_hours": "48", "active": true }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "duplicate");
        let f = public_form(t).await;
        assert!(f["categories"].to_string().contains("测试类别"));

        // A category turned off is no longer offered, nor accepted.
        let id = c["id"].as_i64().expect("id");
        let (s, _) = admin
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/request-categories/{id}"),
                &json!({ "name": "测试类别", "accept_hours": "8", "resolve_hours": "48", "active": false }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(
            !public_form(t).await["categories"]
                .to_string()
                .contains("测试类别")
        );
        let vid = scope_id(&village).await;
        let (s, e) = submit(
            t,
            vid,
            "13400007777",
            json!({ "category_id": id.to_string() }),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["field"], "category_id");
    }
);

on_both!(
    the_assignee_reads_the_phone_only_until_the_request_is_closed,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = scope_id(&village).await;
        let (s, sub) = submit(t, vid, "13800003333", json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        let code = sub["code"].as_str().expect("code").to_string();
        let id = find(&village, &code).await;
        let member = t.api("baitao-member").await;
        let member_id = member.get_json("/api/v1/me").await.1["member_id"]
            .as_i64()
            .expect("member id");
        for body in [
            json!({ "action": "accept" }),
            json!({ "action": "assign", "member_id": member_id }),
        ] {
            let (s, v) = act(&village, id, body).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let phone = |who: &'static str| {
            let api = if who == "member" { &member } else { &village };
            async move {
                api.post(
                    &format!("/api/v1/requests/{id}/phone"),
                    &json!({ "reason": "上门核实情况" }),
                )
                .await
            }
        };
        let (s, p) = phone("member").await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["phone"], "13800003333");
        let (_, v) = member.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["reads_phone"], true);
        for body in [
            json!({ "action": "start" }),
            json!({ "action": "resolve", "note": "已上门修好" }),
        ] {
            let (s, v) = act(&member, id, body).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (s, _) = public_post(
            t,
            "/api/v1/public/requests/answer",
            &json!({ "code": code, "phone": "13800003333", "action": "confirm", "note": "" }),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = act(&village, id, json!({ "action": "close" })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "closed");
        let (s, _) = phone("member").await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "closed: the member's need has ended"
        );
        let (_, v) = member.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(v["reads_phone"], false);
        let (s, _) = phone("village").await;
        assert_eq!(s, StatusCode::OK, "the community still answers for it");
    }
);
