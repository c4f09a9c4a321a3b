//! 发展党员 from the outside: one person's whole way from application to full membership on
//! dates that keep the rules, every refusal on the way, the board's counts, cancellation,
//! reminders and scope.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::harness::{Api, TestApp, rows};
use crate::on_both;
use crate::roster::id_number;

/// Days after the application on which steps 1..=25 are recorded.
const PLAN: [i64; 25] = [
    0, 20, 60, 75, 75, 120, 435, 445, 450, 460, 470, 490, 500, 510, 520, 540, 560, 570, 580, 600,
    620, 860, 890, 900, 910,
];

fn day(start: time::Date, offset: i64) -> String {
    dangjian_domain::date::format(start + Duration::days(offset))
}

async fn branch(api: &Api) -> i64 {
    let (_, me) = api.get_json("/api/v1/me").await;
    me["scope_org_id"].as_i64().expect("scope")
}

async fn step(api: &Api, id: i64, no: usize, body: Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/recruits/{id}/steps/{no}"), &body)
        .await
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

on_both!(
    one_person_goes_from_application_to_full_membership,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let org = branch(&secretary).await;
        let start = dangjian_service::today() - Duration::days(1000);

        let young = json!({"org_id": org, "name": "少年", "id_number": id_number(2010, 6, 1, 3), "ethnicity": "汉族",
            "education": "junior", "category": "student", "applied_on": day(start, 990)});
        let (s, v) = secretary.post("/api/v1/recruits", &young).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(code(&v), "under_age");

        let id_no = id_number(1995, 3, 3, 5);
        let body = json!({"org_id": org, "name": "张发展", "id_number": id_no, "ethnicity": "汉族",
            "education": "bachelor", "category": "in_service", "applied_on": day(start, 0)});
        let (s, r) = secretary.post("/api/v1/recruits", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let id = r["id"].as_i64().expect("id");
        assert_eq!(r["stage"], "applicant");
        assert_eq!(r["next_step"], 2);
        assert_eq!(
            r["steps"][1]["latest"],
            dangjian_domain::date::format(dangjian_domain::date::add_months(start, 1)),
            "the talk is due a month after the application"
        );
        let (s, v) = secretary.post("/api/v1/recruits", &body).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "duplicate")
        );

        let (_, sponsors) = secretary
            .get_json(&format!("/api/v1/members?org={org}&status=full&per_page=2"))
            .await;
        let sponsor_ids: Vec<i64> = sponsors["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|m| m["id"].as_i64())
            .collect();
        assert_eq!(sponsor_ids.len(), 2);
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, prob) = admin
            .get_json("/api/v1/members?status=probationary&per_page=1")
            .await;
        let probationary = prob["items"][0]["id"]
            .as_i64()
            .expect("a probationary member");

        let before = secretary.members_total().await;
        for (i, offset) in PLAN.iter().enumerate().skip(1) {
            let no = i + 1;
            let on = day(start, *offset);
            let mut body = json!({"on": on});
            match no {
                3 => {
                    let (s, v) = step(&secretary, id, 4, json!({"on": on})).await;
                    assert_eq!(
                        (s, code(&v)),
                        (StatusCode::UNPROCESSABLE_ENTITY, "out_of_order"),
                        "{v}"
                    );
                }
                7 => {
                    let early = day(start, PLAN[2] + 300);
                    let (s, v) = step(&secretary, id, 7, json!({"on": early})).await;
                    assert_eq!(
                        (s, code(&v)),
                        (StatusCode::UNPROCESSABLE_ENTITY, "too_early"),
                        "{v}"
                    );
                    assert!(
                        v["error"]["message"]
                            .as_str()
                            .unwrap_or("")
                            .contains("1 年"),
                        "{v}"
                    );
                }
                9 => {
                    for bad in [
                        json!([sponsor_ids[0]]),
                        json!([sponsor_ids[0], sponsor_ids[0]]),
                        json!([sponsor_ids[0], probationary]),
                    ] {
                        let (s, v) =
                            step(&secretary, id, 9, json!({"on": on, "sponsors": bad})).await;
                        assert_eq!(
                            (s, code(&v)),
                            (StatusCode::UNPROCESSABLE_ENTITY, "sponsors"),
                            "{v}"
                        );
                    }
                    body["sponsors"] = json!(sponsor_ids);
                }
                11 => {
                    let (s, v) = step(&secretary, id, 11, json!({"on": on, "hours": 20})).await;
                    assert_eq!(
                        (s, code(&v)),
                        (StatusCode::UNPROCESSABLE_ENTITY, "too_few_hours"),
                        "{v}"
                    );
                    body["hours"] = json!(24);
                }
                25 => {
                    let (s, v) = secretary
                        .post(
                            &format!("/api/v1/recruits/{id}/cancel"),
                            &json!({"reason": "误操作测试：已转正不能取消"}),
                        )
                        .await;
                    assert_eq!(
                        (s, code(&v)),
                        (StatusCode::UNPROCESSABLE_ENTITY, "already_full"),
                        "{v}"
                    );
                }
                21 => {
                    let (s, v) = secretary
                        .post(
                            &format!("/api/v1/recruits/{id}/extension"),
                            &json!({"months": 5, "reason": "考察期表现需继续观察"}),
                        )
                        .await;
                    assert_eq!(
                        (s, code(&v)),
                        (StatusCode::UNPROCESSABLE_ENTITY, "extension"),
                        "{v}"
                    );
                }
                _ => {}
            }
            let (s, v) = step(&secretary, id, no, body).await;
            assert_eq!(s, StatusCode::OK, "step {no}: {v}");
            assert_eq!(v["last_step"], no as i64);
            if no == 17 {
                let (_, found) = secretary
                    .get_json(&format!("/api/v1/members?q={id_no}"))
                    .await;
                let m = &found["items"][0];
                assert_eq!(m["status"], "probationary", "{found}");
                assert_eq!(
                    m["join_date"],
                    day(start, PLAN[14]),
                    "joined on the day of the branch meeting"
                );
                assert_eq!(secretary.members_total().await, before + 1);
                assert_eq!(v["member_id"], m["id"]);
            }
        }
        let (_, r) = secretary.get_json(&format!("/api/v1/recruits/{id}")).await;
        assert_eq!(r["state"], "completed");
        assert_eq!(r["stage"], "full");
        let (_, m) = secretary
            .get_json(&format!("/api/v1/members/{}", r["member_id"]))
            .await;
        assert_eq!(m["status"], "full");
        let admitted = start + Duration::days(PLAN[14]);
        assert_eq!(
            m["confirm_date"],
            dangjian_domain::date::format(dangjian_domain::date::add_months(admitted, 12))
        );
        let (s, v) = step(&secretary, id, 25, json!({"on": day(start, 995)})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // A stranger sees nothing of it.
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("town");
        let (s, _) = t
            .api(&other.username)
            .await
            .get_json(&format!("/api/v1/recruits/{id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

on_both!(
    the_board_warns_of_deadlines_and_a_withdrawal_ends_the_process,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let org = branch(&secretary).await;
        let (_, me) = t.api("town-500102013").await.get_json("/api/v1/me").await;
        let town_id = me["scope_org_id"].as_i64().expect("town");
        let applied = dangjian_service::today() - Duration::days(40);
        let body = json!({"org_id": org, "name": "李迟谈", "id_number": id_number(1996, 4, 4, 7), "ethnicity": "土家族",
            "education": "college", "category": "farmer", "applied_on": dangjian_domain::date::format(applied)});
        let (s, r) = secretary.post("/api/v1/recruits", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let id = r["id"].as_i64().expect("id");
        assert_eq!(
            r["steps"][1]["due"], "overdue",
            "the talk was due within a month: {r}"
        );

        let (_, board) = secretary
            .get_json(&format!("/api/v1/recruits?org={org}"))
            .await;
        assert!(board["overdue"].as_i64().unwrap_or(0) >= 1, "{board}");
        let (_, home) = t.browser("baitao-secretary").await.page("/").await;
        assert!(
            home.contains("id=\"recruit-overdue\""),
            "the dashboard warns: {home}"
        );
        let applicants = board["stages"][0]["cards"].as_array().expect("cards");
        assert!(
            applicants
                .iter()
                .any(|c| c["id"] == id && c["due"] == "overdue")
        );
        let town = t.api("town-500102013").await;
        let (_, up) = town
            .get_json(&format!("/api/v1/recruits?org={town_id}"))
            .await;
        assert!(
            up["totals"][0].as_i64().unwrap_or(0) >= 1,
            "the town counts its branches' applicants: {up}"
        );

        // Plans come from above: the town sets one for the branch, the branch cannot.
        let (s, _) = secretary
            .send_json(
                reqwest::Method::PUT,
                "/api/v1/plans",
                &json!({"org_id": org, "year": 2026, "quota": 3}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let year = dangjian_service::today().year();
        let (s, v) = town
            .send_json(
                reqwest::Method::PUT,
                "/api/v1/plans",
                &json!({"org_id": org, "year": year, "quota": 3}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let (_, board) = secretary
            .get_json(&format!("/api/v1/recruits?org={org}"))
            .await;
        assert_eq!(board["quota"], 3);

        t.app
            .run_reminders(dangjian_service::today())
            .await
            .expect("reminders");
        let (_, n) = secretary.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "recruit" && x["link"] == format!("/recruits/{id}")),
            "{n}"
        );
        let (_, n) = town.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "recruit"),
            "overdue goes to the town too"
        );

        let (s, v) = secretary
            .post(
                &format!("/api/v1/recruits/{id}/cancel"),
                &json!({"reason": ""}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = secretary
            .post(
                &format!("/api/v1/recruits/{id}/cancel"),
                &json!({"reason": "本人申请撤回入党申请"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "cancelled");
        let (s, v) = step(
            &secretary,
            id,
            2,
            json!({"on": dangjian_domain::date::format(dangjian_service::today())}),
        )
        .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "not_active")
        );
        let (s, _) = t
            .api("baitao-member")
            .await
            .post("/api/v1/recruits", &body)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let member = t.api("baitao-member").await;
        let (s, _) = member
            .get_json(&format!("/api/v1/recruits?org={org}"))
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "applicants' files are not for every member"
        );
        let (s, _) = member.get_json(&format!("/api/v1/recruits/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

on_both!(
    the_pages_register_an_applicant_and_record_a_step,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let org = branch(&secretary).await;
        let browser = t.browser("baitao-secretary").await;
        let (s, html) = browser.page(&format!("/recruits?org={org}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"add-recruit\""), "{html}");
        let today = dangjian_domain::date::format(dangjian_service::today());
        let id_no = id_number(1990, 9, 9, 9);
        let path = format!("/recruits/new?org={org}");
        let (s, html, _) = browser
            .post_form(
                &path,
                &[
                    ("name", "王页面"),
                    ("id_number", "500102199009090000"),
                    ("ethnicity", "汉族"),
                    ("education", "bachelor"),
                    ("category", "in_service"),
                    ("applied_on", &today),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"id_number\""), "{html}");
        let (s, _, to) = browser
            .post_form(
                &path,
                &[
                    ("name", "王页面"),
                    ("id_number", &id_no),
                    ("ethnicity", "汉族"),
                    ("education", "bachelor"),
                    ("category", "in_service"),
                    ("applied_on", &today),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("detail");
        let (_, html) = browser.page(&to).await;
        assert!(
            html.contains("id=\"step-form\"") && html.contains("党组织派人谈话"),
            "{html}"
        );
        let (s, _, _) = browser
            .post_form(
                &format!("{to}/steps/2"),
                &[("on", &today), ("document", "谈话记录 2026-01")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = browser.page(&to).await;
        assert!(html.contains("谈话记录 2026-01"), "{html}");
        let r = browser
            .client
            .get(t.url(&format!("/recruits.xlsx?org={org}")))
            .send()
            .await
            .expect("export");
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.expect("body").starts_with(b"PK"));
    }
);

on_both!(
    the_registry_and_the_pipeline_count_the_same_probationers,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (s, overview) = admin.get_json("/api/v1/stats/overview").await;
        assert_eq!(s, StatusCode::OK, "{overview}");
        let registry = overview["by_status"]
            .as_array()
            .expect("by_status")
            .iter()
            .find(|x| x["code"] == "probationary")
            .and_then(|x| x["n"].as_i64())
            .expect("probationary members counted");
        assert!(registry > 0, "the demo has probationary members");
        let district = t.account("district_admin").scope_org_id;
        let (s, pipeline) = admin
            .get_json(&format!("/api/v1/recruits?org={district}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{pipeline}");
        let stages = pipeline["stages"].as_array().expect("stages");
        let at = stages
            .iter()
            .position(|c| c["stage"] == "probationary")
            .expect("a 预备党员 column");
        assert_eq!(
            pipeline["totals"][at].as_i64(),
            Some(registry),
            "every 预备党员 of the registry has the record that made them one"
        );
        // And each is linked to their registry record.
        let mut sql = t.sql().await;
        let unlinked = rows(
            &mut sql,
            "SELECT COUNT(*) FROM member m WHERE m.status = 'probationary' \
             AND NOT EXISTS (SELECT 1 FROM recruit r WHERE r.member_id = m.id AND r.last_step >= 17)",
        )
        .await;
        assert_eq!(unlinked, [["0".to_string()]]);
    }
);
