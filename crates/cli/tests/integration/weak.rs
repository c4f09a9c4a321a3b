//! 软弱涣散 from listing to sign-off, and 红旗, from the outside: a department's flag makes a
//! candidate, the town proposes with the reasons of the records, the district decides with
//! its document, the plan's items are done, a failed acceptance sets a new deadline and a
//! passed one signs off; a listed organization cannot be a red flag; every refusal names its
//! field and stores nothing; another town sees none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::minutes::{PNG, upload_to};
use crate::on_both;

fn year() -> i64 {
    i64::from(dangjian_service::today().year()) - 1
}

fn today() -> String {
    dangjian_service::today().to_string()
}

on_both!(
    a_weak_organization_goes_from_screening_to_sign_off,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let (s, before) = town
            .get_json(&format!(
                "/api/v1/weak/screening?org={town_id}&year={}",
                year()
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{before}");
        assert!(before["screened"].as_i64().unwrap_or(0) > 0, "{before}");

        // A department's flag makes an organization a candidate, with the flag as its reason.
        let mut conn = t.sql().await;
        let village: i64 = rows(
            &mut conn,
            &format!(
                "SELECT MIN(id) FROM org WHERE parent_id = {town_id} AND kind IN ('party_committee', 'general_branch', 'branch')"
            ),
        )
        .await[0][0]
            .parse()
            .expect("a village organization");
        let deep: i64 = rows(
            &mut conn,
            &format!("SELECT MIN(id) FROM org WHERE parent_id = {village}"),
        )
        .await[0][0]
            .parse()
            .expect("a branch below it");
        let (s, v) = admin
            .post(
                "/api/v1/weak/flags",
                &json!({ "org_id": village, "year": year(), "source": "信访", "note": "重复信访 3 件" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, screening) = town
            .get_json(&format!(
                "/api/v1/weak/screening?org={town_id}&year={}",
                year()
            ))
            .await;
        let candidate = screening["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .find(|c| c["org_id"] == village)
            .cloned()
            .expect("the flagged organization is a candidate");
        assert!(
            candidate["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .any(|r| r == "信访：重复信访 3 件"),
            "{candidate}"
        );

        // The town proposes; refusals name their field.
        let propose = |ids: Value, note: &str| json!({ "org_id": town_id, "year": year(), "org_ids": ids, "note": note });
        let (s, v) = town
            .post("/api/v1/weak/proposals", &propose(json!([deep]), ""))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("org_ids", "not_screened")
            )
        );
        let (s, v) = town
            .post("/api/v1/weak/proposals", &propose(json!([village]), ""))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["proposed"].as_i64(), Some(1));
        let (s, v) = town
            .post("/api/v1/weak/proposals", &propose(json!([village]), ""))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("org_ids", "duplicate"))
        );
        let (_, screening) = town
            .get_json(&format!(
                "/api/v1/weak/screening?org={town_id}&year={}",
                year()
            ))
            .await;
        let listing = screening["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .find(|c| c["org_id"] == village)
            .and_then(|c| c["listing"]["id"].as_i64())
            .expect("the proposal");

        // Another town sees nothing of it.
        let other = t.another_town();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/weak-listings/{listing}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Only the district decides, with a date not in the future and a document number.
        let decision = |on: &str, doc: &str| json!({ "listed": [listing], "decided_on": on, "document_no": doc });
        let (s, _) = town
            .post(
                "/api/v1/weak/decisions",
                &decision(&today(), "涪委组〔2026〕1号"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let tomorrow = (dangjian_service::today() + time::Duration::days(1)).to_string();
        let (s, v) = admin
            .post(
                "/api/v1/weak/decisions",
                &decision(&tomorrow, "涪委组〔2026〕1号"),
            )
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "decided_on")
        );
        let (s, v) = admin
            .post("/api/v1/weak/decisions", &decision(&today(), " "))
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "document_no")
        );
        let (s, v) = admin
            .post(
                "/api/v1/weak/decisions",
                &decision(&today(), "涪委组〔2026〕1号"),
            )
            .await;
        assert_eq!((s, v["listed"].as_i64()), (StatusCode::OK, Some(1)), "{v}");

        // A listed organization cannot be a red flag of that year.
        let award = |y: i64| json!({ "year": y, "org_ids": [village], "awarded_on": today(), "document_no": "涪委〔2026〕8号" });
        let (s, v) = admin.post("/api/v1/red-flags", &award(year())).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("org_ids", "on_weak_list")
            )
        );

        // The plan: three lists with persons and deadlines.
        let items = format!("/api/v1/weak-listings/{listing}/items");
        let item = |list: &str, deadline: &str| json!({ "list": list, "content": "软弱涣散整改", "person": "张书记", "deadline": deadline });
        let yesterday = (dangjian_service::today() - time::Duration::days(1)).to_string();
        let (s, v) = town.post(&items, &item("problem", &yesterday)).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("deadline", "before_start")
            )
        );
        let (s, v) = town.post(&items, &item("别的清单", &today())).await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "list")
        );
        let mut plan = Value::Null;
        for list in ["problem", "措施清单", "duty"] {
            let (s, v) = town.post(&items, &item(list, &today())).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            plan = v;
        }
        assert_eq!(plan["open_items"].as_i64(), Some(3));
        assert_eq!(plan["items"][1]["list"], "measure");

        // The day after their deadline the items are overdue: the town hears of the plan.
        let tomorrow_date = dangjian_service::today() + time::Duration::days(1);
        t.app.run_reminders(tomorrow_date).await.expect("job");
        let (_, bell) = town.get_json("/api/v1/notifications").await;
        let reminder = bell["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|n| {
                n["kind"] == "rectify_overdue" && n["link"] == format!("/weak/listings/{listing}")
            })
            .cloned()
            .expect("the town is reminded");
        assert!(
            reminder["title"]
                .as_str()
                .is_some_and(|x| x.contains("3 项超期")),
            "{reminder}"
        );

        // Evidence of the work is kept with the listing while it is listed.
        let files = format!("/api/v1/weak-listings/{listing}/files");
        let (s, f) = upload_to(&town, &files, "整改照片.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        let (_, plan) = town
            .get_json(&format!("/api/v1/weak-listings/{listing}"))
            .await;
        assert_eq!(plan["files"][0]["name"], "整改照片.png", "{plan}");

        // No acceptance while items are open.
        let sign_off = format!("/api/v1/weak-listings/{listing}/sign-offs");
        let acceptance = |score: i64, vote: [i64; 4], new_deadline: &str| {
            json!({ "held_on": today(), "score": score, "present": vote[0], "satisfied": vote[1],
                    "basically_satisfied": vote[2], "dissatisfied": vote[3], "new_deadline": new_deadline })
        };
        let (s, v) = admin
            .post(&sign_off, &acceptance(85, [15, 12, 2, 1], ""))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("items", "open_items"))
        );

        let progress = format!("/api/v1/weak-listings/{listing}/progress");
        let ids: Vec<i64> = plan["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["id"].as_i64())
            .collect();
        assert_eq!(ids.len(), 3);
        for id in &ids {
            let (s, v) = town
                .post(
                    &progress,
                    &json!({ "item_id": id, "note": "已完成", "done": true }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (s, v) = town
            .post(
                &progress,
                &json!({ "item_id": ids[0], "note": "再次完成", "done": true }),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("item_id", "done"))
        );

        // More votes than present; a failure without a new deadline; then a failure; then a pass.
        let (s, v) = admin
            .post(&sign_off, &acceptance(85, [15, 12, 2, 2], ""))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("dissatisfied", "too_many_votes")
            )
        );
        let (s, v) = admin
            .post(&sign_off, &acceptance(65, [15, 12, 2, 1], ""))
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "new_deadline")
        );
        let later = (dangjian_service::today() + time::Duration::days(60)).to_string();
        let (s, v) = admin
            .post(&sign_off, &acceptance(65, [15, 12, 2, 1], &later))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["listing"]["state"], "listed");
        assert_eq!(v["sign_offs"][0]["passed"], false);
        // Exactly half dissatisfied is not more than half: the score decides.
        let (s, v) = admin
            .post(&sign_off, &acceptance(80, [14, 7, 0, 7], ""))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["listing"]["state"], "signed_off");
        let (s, late) = upload_to(&town, &files, "补充.png", PNG.to_vec()).await;
        assert_eq!(
            (s, refusal(&late)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("file", "not_listed"))
        );
        assert!(
            v["listing"]["follow_until"]
                .as_str()
                .is_some_and(|d| d > today().as_str())
        );
        let (s, v) = town.post(&items, &item("problem", &today())).await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "state")
        );

        let (s, board) = admin
            .get_json(&format!("/api/v1/weak?year={}", year()))
            .await;
        assert_eq!(s, StatusCode::OK, "{board}");
        let line = board["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["listing"]["id"] == listing)
            .cloned()
            .expect("on the board");
        assert_eq!(
            (line["done"].as_i64(), line["times_listed"].as_i64()),
            (Some(3), Some(1))
        );

        // Signed off, it still is no red flag of the year it was listed; of the next it may be,
        // once; revoked with a reason, once.
        let (s, v) = admin.post("/api/v1/red-flags", &award(year())).await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "on_weak_list")
        );
        let (s, v) = admin.post("/api/v1/red-flags", &award(year() + 1)).await;
        assert_eq!((s, v["awarded"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
        let (s, v) = admin.post("/api/v1/red-flags", &award(year() + 1)).await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "duplicate")
        );
        let (_, flags) = town.get_json("/api/v1/red-flags").await;
        let flag = flags
            .as_array()
            .expect("flags")
            .iter()
            .find(|f| f["org_id"] == village)
            .cloned()
            .expect("the town sees its red flag");
        let revoke = format!("/api/v1/red-flags/{}/revoke", flag["id"]);
        let (s, _) = town
            .post(&revoke, &json!({ "reason": "发生违纪问题" }))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin.post(&revoke, &json!({ "reason": "" })).await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "reason")
        );
        let (s, _) = admin
            .post(&revoke, &json!({ "reason": "发生违纪问题" }))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, v) = admin
            .post(&revoke, &json!({ "reason": "发生违纪问题" }))
            .await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "revoked")
        );

        let actions = rows(
            &mut conn,
            "SELECT action FROM audit_log WHERE action LIKE 'weak.%' OR action LIKE 'red_flag.%' ORDER BY seq",
        )
        .await;
        let actions: Vec<&str> = actions.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            actions,
            [
                "weak.flag",
                "weak.propose",
                "weak.decide",
                "weak.item",
                "weak.item",
                "weak.item",
                "weak.progress",
                "weak.progress",
                "weak.progress",
                "weak.sign_off",
                "weak.sign_off",
                "red_flag.award",
                "red_flag.revoke",
            ]
        );
    }
);
