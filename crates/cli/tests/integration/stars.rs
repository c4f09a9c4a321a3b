//! 星级评定 from the outside: a branch scores itself with its computed items pre-filled from
//! its records, the town reviews with reasons, the district confirms and publishes, a member
//! objects and the district answers; every refusal names its field and stores nothing, and
//! another town sees nothing of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, TestApp, refusal, rows};
use crate::on_both;

async fn scope_id(api: &Api) -> i64 {
    api.get_json("/api/v1/me").await.1["scope_org_id"]
        .as_i64()
        .expect("scope")
}

fn this_year() -> i64 {
    i64::from(dangjian_service::today().year())
}

/// Scores for every item typed by hand: full points, no deductions.
fn manual_scores(sheet: &Value) -> Vec<Value> {
    sheet["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["rule"] != "computed" && l["innovation"] == false)
        .map(|l| {
            if l["rule"] == "deduction" {
                json!({ "code": l["code"], "units": 0 })
            } else {
                json!({ "code": l["code"], "score_tenths": l["points_tenths"] })
            }
        })
        .collect()
}

async fn stored_ratings(t: &TestApp, org: i64) -> String {
    let mut conn = t.sql().await;
    rows(
        &mut conn,
        &format!(
            "SELECT COUNT(*) FROM star_rating WHERE org_id = {org} AND year = {}",
            this_year()
        ),
    )
    .await[0][0]
        .clone()
}

on_both!(
    a_branch_scores_itself_and_the_levels_above_review_confirm_and_publish,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = scope_id(&secretary).await;
        let sheet_path = format!("/api/v1/stars/{branch}");
        let (s, sheet) = secretary.get_json(&sheet_path).await;
        assert_eq!(s, StatusCode::OK, "{sheet}");
        assert!(
            sheet["rating"].is_null(),
            "nothing stored before the first save"
        );
        assert_eq!(sheet["stage"], "own");
        assert_eq!(sheet["actions"], json!(["save", "submit"]));
        let lines = sheet["lines"].as_array().expect("lines");
        let meetings = lines
            .iter()
            .find(|l| l["code"] == "4.1")
            .expect("the meetings item");
        assert_eq!(meetings["rule"], "computed");
        let figure = meetings["figure"].as_str().expect("a figure");
        assert!(figure.starts_with("三会一课：应开 "), "{figure}");
        assert!(meetings["computed_tenths"].as_i64().is_some());

        // Refused, naming the field, and nothing stored.
        let computed = meetings["computed_tenths"].as_i64().unwrap_or(0);
        let other = if computed > 0 { computed - 1 } else { 1 };
        let refusals = [
            (json!([{ "code": "1.2", "score_tenths": 101 }]), "score"),
            (json!([{ "code": "4.4", "units": -1 }]), "units"),
            (json!([{ "code": "9.9", "score_tenths": 1 }]), "scores"),
            (json!([{ "code": "4.1", "score_tenths": other }]), "reason"),
        ];
        for (scores, field) in refusals {
            let (s, v) = secretary
                .post(&sheet_path, &json!({ "action": "save", "scores": scores }))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(refusal(&v).0, field, "{v}");
        }
        let (s, v) = secretary
            .post(&sheet_path, &json!({ "action": "submit", "scores": [] }))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("scores", "incomplete"));
        assert_eq!(stored_ratings(t, branch).await, "0");

        // Another town does not see the branch at all.
        let other_town = t.another_town();
        let (s, _) = t.api(&other_town).await.get_json(&sheet_path).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The branch scores and submits; the scheme is now fixed.
        let (s, v) = secretary
            .post(
                &sheet_path,
                &json!({ "action": "submit", "scores": manual_scores(&sheet) }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "submitted");
        assert!(v["actions"].as_array().expect("actions").is_empty());
        let total = v["total_tenths"].as_i64().expect("total");
        assert!(total > 0);
        let (s, _) = secretary
            .post(&sheet_path, &json!({ "action": "save", "scores": [] }))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "the town's stage now");

        let admin = t.api("admin").await;
        let (s, v) = admin
            .post(
                "/api/v1/star-schemes",
                &json!({ "year": this_year(), "self_days": 12 }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("scheme", "fixed"));

        // The town finds it on its board and lowers an item, with a reason only.
        let town = t.api("town-500102013").await;
        let (s, board) = town.get_json("/api/v1/stars?state=submitted").await;
        assert_eq!(s, StatusCode::OK, "{board}");
        assert!(
            board["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|l| l["org_id"] == branch && l["rating"]["state"] == "submitted"),
            "{board}"
        );
        let lower = json!({ "code": "1.2", "score_tenths": 60 });
        let (s, v) = town
            .post(
                &sheet_path,
                &json!({ "action": "review", "scores": [lower] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("reason", "reason_required"));
        let lower = json!({ "code": "1.2", "score_tenths": 60, "reason": "班子分工未落实到人" });
        let (s, v) = town
            .post(
                &sheet_path,
                &json!({ "action": "review", "scores": [lower] }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "reviewed");
        assert_eq!(v["total_tenths"].as_i64(), Some(total - 40));
        let item = v["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["code"] == "1.2")
            .cloned()
            .expect("1.2");
        assert_eq!(item["town_reason"], "班子分工未落实到人");
        assert_eq!(
            item["own_tenths"], 100,
            "the branch's own score stays visible"
        );

        // The district confirms and publishes; a member objects, the district answers once.
        let (s, v) = admin
            .post(&sheet_path, &json!({ "action": "confirm", "scores": [] }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let root = scope_id(&admin).await;
        let (s, v) = admin
            .post("/api/v1/stars/publish", &json!({ "org_id": root }))
            .await;
        assert_eq!(
            (s, v["published"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{v}"
        );
        let member = t.api("baitao-member").await;
        let (s, v) = member.get_json(&sheet_path).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["state"].as_str(), v["may_object"].as_bool()),
            (Some("published"), Some(true))
        );
        let rating = v["rating"]["id"].as_i64().expect("rating");
        let (s, v) = member
            .post(
                &format!("/api/v1/star-ratings/{rating}/objections"),
                &json!({ "content": "" }),
            )
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "content")
        );
        let (s, v) = member
            .post(
                &format!("/api/v1/star-ratings/{rating}/objections"),
                &json!({ "content": "活动阵地已按七有标准建设，请复核" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let objection = v["objections"][0]["id"].as_i64().expect("objection");
        let answer = format!("/api/v1/star-objections/{objection}/answer");
        let (s, _) = town.post(&answer, &json!({ "answer": "已复核" })).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin
            .post(&answer, &json!({ "answer": "经复核，维持原评定" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["objections"][0]["answer"], "经复核，维持原评定");
        let (s, v) = admin.post(&answer, &json!({ "answer": "再答" })).await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "answered")
        );

        let mut conn = t.sql().await;
        let actions = rows(
            &mut conn,
            "SELECT action FROM audit_log WHERE action LIKE 'star.%' ORDER BY seq",
        )
        .await;
        let actions: Vec<&str> = actions.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            actions,
            [
                "star.submit",
                "star.review",
                "star.confirm",
                "star.publish",
                "star.object",
                "star.answer"
            ]
        );
    }
);

on_both!(
    last_years_stars_are_published_for_every_grassroots_organization,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let (s, board) = admin
            .get_json(&format!("/api/v1/stars?year={}", this_year() - 1))
            .await;
        assert_eq!(s, StatusCode::OK, "{board}");
        let total = board["total"].as_i64().expect("total");
        assert!(total > 10, "{board}");
        let published = board["by_state"]
            .as_array()
            .expect("states")
            .iter()
            .find(|c| c["state"] == "published")
            .and_then(|c| c["count"].as_i64());
        assert_eq!(published, Some(total), "every one rated and published");
        let by_stars: i64 = board["by_stars"]
            .as_array()
            .expect("stars")
            .iter()
            .map(|c| c["count"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(by_stars, total);
        // The board is paged in the database: a full first page, a second that goes on
        // from it, and a state filter that counts only its own.
        let per_page = board["per_page"].as_i64().expect("per page");
        let first_page = board["items"].as_array().expect("items");
        assert_eq!(first_page.len() as i64, per_page.min(total));
        let (_, second) = admin
            .get_json(&format!("/api/v1/stars?year={}&page=2", this_year() - 1))
            .await;
        let second_first = &second["items"][0]["org_id"];
        assert!(second_first.is_i64(), "{second}");
        assert!(first_page.iter().all(|l| &l["org_id"] != second_first));
        let (_, none) = admin
            .get_json(&format!(
                "/api/v1/stars?year={}&state=none",
                this_year() - 1
            ))
            .await;
        assert_eq!(none["total"].as_i64(), Some(0), "{none}");
        assert!(none["items"].as_array().expect("items").is_empty());
        // Each computed figure of a rating says where it came from.
        let first = board["items"][0]["org_id"].as_i64().expect("an org");
        let (s, sheet) = admin
            .get_json(&format!("/api/v1/stars/{first}?year={}", this_year() - 1))
            .await;
        assert_eq!(s, StatusCode::OK, "{sheet}");
        assert!(sheet["actions"].as_array().expect("actions").is_empty());
        let computed: Vec<&Value> = sheet["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter(|l| l["rule"] == "computed")
            .collect();
        assert!(computed.len() >= 8);
        assert!(
            computed
                .iter()
                .all(|l| l["figure"].as_str().is_some_and(|f| f.contains('：')))
        );

        // The export holds every organization with its figures.
        let town = t.browser("town-500102013").await;
        let cells = town
            .xlsx_cells(
                &format!("/stars/export.xlsx?year={}", this_year() - 1),
                "星级评定",
            )
            .await;
        assert!(
            cells.iter().any(|c| c.starts_with("三会一课：应开")),
            "{cells:?}"
        );
    }
);
