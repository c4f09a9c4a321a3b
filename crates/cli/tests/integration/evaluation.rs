//! 三评, 一公开 from the outside: a town opens a period; the community enters households'
//! forms (only for households the member served), a peer and the branch answer; repeated
//! and untied evaluations are refused; poor household answers flag the member to the branch;
//! results are public only after an admin publishes them, and never show comments.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, TestApp};
use crate::on_both;

async fn me(api: &Api) -> Value {
    api.get_json("/api/v1/me").await.1
}

/// One response to the period's default questions, every answer `a`.
async fn respond(
    api: &Api,
    (pid, member_id): (i64, i64),
    rater: &str,
    household: Option<i64>,
    a: &str,
    comment: &str,
) -> (StatusCode, Value) {
    let answers = vec![a; dangjian_domain::evaluation::DEFAULT_QUESTIONS.len()];
    api.post(
        &format!("/api/v1/evaluations/{pid}/responses"),
        &json!({
            "member_id": member_id, "rater": rater, "household_id": household,
            "answers": answers, "comment": comment,
        }),
    )
    .await
}

fn day(offset: i64) -> String {
    dangjian_domain::date::format(dangjian_service::today() + time::Duration::days(offset))
}

on_both!(
    members_are_evaluated_by_those_they_serve_and_results_are_published,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = me(&village).await["scope_org_id"]
            .as_i64()
            .expect("village");
        let member = t.api("baitao-member").await;
        let m = me(&member).await;
        let member_id = m["member_id"].as_i64().expect("member id");
        let branch = m["scope_org_id"].as_i64().expect("branch");
        let town = t.api("town-500102013").await;
        let town_id = me(&town).await["scope_org_id"].as_i64().expect("town");

        let period = json!({ "org_id": town_id, "name": "2026 年度党员三评", "starts_on": day(-1), "ends_on": day(30), "questions": "" });
        let (s, _) = village
            .post(
                "/api/v1/evaluations",
                &json!({ "org_id": vid, "name": "x", "starts_on": day(0), "ends_on": day(1) }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a village does not open periods");
        let (s, e) = town
            .post(
                "/api/v1/evaluations",
                &json!({ "org_id": town_id, "name": "", "starts_on": day(5), "ends_on": day(1) }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, p) = town.post("/api/v1/evaluations", &period).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let pid = p["id"].as_i64().expect("period");
        let (_, list) = member.get_json("/api/v1/evaluations").await;
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["id"] == pid)
        );
        let other_town = t.api(&t.town_accounts()[6].username).await;
        let (s, _) = other_town
            .get_json(&format!("/api/v1/evaluations/{pid}/results"))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another town's period is not seen"
        );

        // Three households the member serves (made here if the demo gave fewer).
        let (_, served) = member.get_json("/api/v1/households").await;
        let mut households: Vec<i64> = served["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|h| h["id"].as_i64())
            .collect();
        let (s, g) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "三评网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let grid = g["id"].as_i64().expect("grid");
        let new_household = |n: usize| json!({ "address": format!("三评小区 {n} 号"), "head_name": "李大妈", "size": "2", "legal_basis": "duty" });
        while households.len() < 3 {
            let (s, h) = village
                .post(
                    &format!("/api/v1/grids/{grid}/households"),
                    &new_household(households.len()),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{h}");
            let hid = h["id"].as_i64().expect("household");
            let (s, v) = village
                .post(
                    &format!("/api/v1/households/{hid}/pairing"),
                    &json!({ "member_id": member_id }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            households.push(hid);
        }
        let (s, h) = village
            .post(
                &format!("/api/v1/grids/{grid}/households"),
                &new_household(99),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let stranger = h["id"].as_i64().expect("household");

        let ids = (pid, member_id);

        // A household that the member never served cannot rate them; an incomplete form is
        // refused; each household rates once.
        let (s, e) = respond(&village, ids, "household", Some(stranger), "5", "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "no_pairing");
        let (s, e) = village
            .post(
                &format!("/api/v1/evaluations/{pid}/responses"),
                &json!({ "member_id": member_id, "rater": "household", "household_id": households[0], "answers": ["5"] }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "incomplete");
        for (i, h) in households.iter().take(3).enumerate() {
            let (s, e) = respond(
                &village,
                ids,
                "household",
                Some(*h),
                "1",
                "很少见到人，希望多来走访",
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "household {i}: {e}");
        }
        let (s, e) = respond(&village, ids, "household", Some(households[0]), "5", "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "duplicate");

        // Three poor household answers: the branch is told.
        let secretary = t.api("baitao-secretary").await;
        let (_, n) = secretary.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "evaluation_poor"
                    && x["link"]
                        .as_str()
                        .is_some_and(|l| l.starts_with(&format!("/evaluations/{pid}?")))),
            "{n}"
        );

        // A member of the same branch reads when the branch meets, never the reminder about
        // a colleague's poor answers (the results page hides colleagues' scores too).
        let eighth = dangjian_service::today()
            .replace_day(8)
            .expect("the 8th of this month");
        t.app.run_reminders(eighth).await.expect("reminders");
        let (s, n) = member.get_json("/api/v1/notifications").await;
        assert_eq!(s, StatusCode::OK, "{n}");
        let seen = n["items"].as_array().expect("items");
        assert!(
            seen.iter().any(|x| x["kind"] == "fixed_day"),
            "the theme day reminder reaches the member: {n}"
        );
        assert!(
            seen.iter()
                .all(|x| x["kind"] == "fixed_day" || x["kind"] == "period_end"),
            "nothing about colleagues: {n}"
        );
        assert!(n["unread"].as_u64().expect("unread") <= seen.len() as u64);
        let (_, n) = secretary.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "fixed_day"),
            "{n}"
        );
        let auditor = t.api("auditor").await;
        let (s, _) = auditor.get_json("/api/v1/notifications").await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The member cannot rate themselves; a peer of the branch can, once.
        let (s, e) = respond(&member, ids, "peer", None, "5", "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "self");
        let (_, roster) = village
            .get_json(&format!("/api/v1/members?org={branch}&per_page=5"))
            .await;
        let peer_id = roster["items"]
            .as_array()
            .expect("members")
            .iter()
            .filter_map(|x| x["id"].as_i64())
            .find(|id| *id != member_id)
            .expect("another member of the branch");
        let peer = t
            .api(
                &t.with_user("peer-test", "member", branch, Some(peer_id))
                    .await,
            )
            .await;
        let (s, e) = respond(&peer, ids, "peer", None, "4", "").await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let (s, _) = respond(&peer, ids, "peer", None, "4", "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a peer rates once");
        let (s, e) = respond(&peer, ids, "organization", None, "5", "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "not_organization");

        // The branch rates once, whoever of its editors does it.
        let (s, e) = respond(&secretary, ids, "organization", None, "3", "").await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let (s, _) = respond(&village, ids, "organization", None, "5", "").await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "one organization evaluation"
        );

        // Results of the branch: weighted 1.0 × 50% + 4.0 × 25% + 3.0 × 25% = 2.25, flagged.
        let (s, r) = secretary
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={branch}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let mine = r["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|x| x["member_id"] == member_id)
            .expect("the member is listed")
            .clone();
        assert_eq!(mine["household"]["count"], 3);
        assert_eq!(mine["household"]["average_x100"], 100);
        assert_eq!(mine["average_x100"], 225);
        assert_eq!(mine["band"], "poor");
        assert_eq!(mine["flagged"], true);
        let q0 = r["questions"][0]["counts"]
            .as_array()
            .expect("counts")
            .clone();
        assert_eq!(q0.len(), 5, "one count per answer");
        assert_eq!(q0[4][0], "very_unsatisfied");
        assert!(q0[4][1].as_i64().expect("n") >= 3, "{q0:?}");

        // A member's own account sees whom to evaluate, not colleagues' scores.
        let (s, r) = member
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={branch}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert!(
            r["members"]
                .as_array()
                .expect("members")
                .iter()
                .all(|x| x["average_x100"].is_null()
                    && x["flagged"] == false
                    && x["band"].is_null())
        );
        let rows = r["members"].as_array().expect("members");
        assert!(rows.len() > 1, "the member and colleagues");
        for x in rows {
            assert_eq!(
                x["can_peer"],
                x["member_id"] != member_id,
                "a member rates colleagues, not themselves: {x}"
            );
        }

        // Above the branches, each child with its figures: the village's add up to its own.
        let (s, above) = town
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={town_id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{above}");
        let children = above["children"].as_array().expect("children");
        assert!(!children.is_empty(), "{above}");
        let ours = children
            .iter()
            .find(|c| c["org"]["id"] == vid)
            .expect("the village is a child of the town");
        let (_, village_results) = village
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={vid}"))
            .await;
        let count = |rater: &str| -> i64 {
            let members = village_results["members"].as_array().expect("members");
            members
                .iter()
                .map(|m| m[rater]["count"].as_i64().expect("count"))
                .sum()
        };
        assert!(
            ours["household"].as_i64().expect("household") >= 3,
            "{ours}"
        );
        for rater in ["household", "peer", "organization"] {
            assert_eq!(ours[rater].as_i64(), Some(count(rater)), "{rater}: {ours}");
        }
        assert!(ours["rated"].as_i64().expect("rated") >= 1);
        assert!(ours["members"].as_i64() >= ours["rated"].as_i64());
        assert!(ours["average_x100"].as_i64().is_some(), "{ours}");

        // An org outside the period's subtree has no results in it.
        let admin = t.api(&t.account("district_admin").username).await;
        let other = t.town_accounts()[6].scope_org_id;
        let (s, e) = admin
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={other}"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

        // Public only once published, by an admin within scope; no comments ever.
        let public = format!("/api/v1/public/evaluations/{pid}/{branch}");
        let get_public = || {
            let url = t.url(&public);
            async move { reqwest::get(url).await.expect("public") }
        };
        assert_eq!(get_public().await.status(), StatusCode::NOT_FOUND);
        let (s, _) = other_town
            .post(
                &format!("/api/v1/evaluations/{pid}/publications"),
                &json!({ "org_id": branch }),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = secretary
            .post(
                &format!("/api/v1/evaluations/{pid}/publications"),
                &json!({ "org_id": branch }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a branch secretary does not publish"
        );
        let (s, e) = village
            .post(
                &format!("/api/v1/evaluations/{pid}/publications"),
                &json!({ "org_id": vid }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let r = get_public().await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the community's publication covers its branch"
        );
        let text = r.text().await.expect("text");
        assert!(text.contains("\"band\":\"poor\""), "{text}");
        assert!(
            !text.contains("希望多来走访"),
            "comments are never published"
        );
        let b = t.browser("baitao-village").await;
        let (s, html) = b.page(&format!("/e/{pid}/{vid}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("较差") && !html.contains("希望多来走访"));
        let (s, html) = b.page(&format!("/evaluations/{pid}?org={branch}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("群众评价偏低"));
        // Figures and charts over the tables: members rated of all, responses, bands.
        let (_, results) = village
            .get_json(&format!("/api/v1/evaluations/{pid}/results?org={branch}"))
            .await;
        let all = results["members"].as_array().expect("members");
        let rated = all.iter().filter(|m| !m["band"].is_null()).count();
        assert!(rated > 0, "someone was rated");
        assert!(html.contains(&format!("id=\"rated-count\">{rated} / {}<", all.len())));
        assert_eq!(
            html.matches("class=\"chart\"").count(),
            2,
            "bands and averages"
        );

        // The pairing form finds members of the village by name.
        let (_, detail) = village
            .get_json(&format!("/api/v1/members/{member_id}"))
            .await;
        let name = detail["name"].as_str().expect("name").to_string();
        let prefix: String = name.chars().take(1).collect();
        let (s, html) = b
            .page(&format!(
                "/households/{}/candidates?q={prefix}",
                households[0]
            ))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&format!("value=\"{member_id}\"")), "{html}");
        let (_, html) = b
            .page(&format!(
                "/households/{}/candidates?q=不存在的姓名",
                households[0]
            ))
            .await;
        assert!(html.contains("没有找到党员"));

        // The results, the grids and the community reports export as listed.
        let cells = b
            .xlsx_cells(
                &format!("/evaluations/{pid}/export.xlsx?org={branch}"),
                "党员",
            )
            .await;
        assert!(
            cells.contains(&"较差".to_string()) && cells.contains(&"1.00".to_string()),
            "{cells:?}"
        );
        let cells = b
            .xlsx_cells(&format!("/grids/export.xlsx?org={vid}"), "网格")
            .await;
        assert!(cells.contains(&"三评网格".to_string()), "{cells:?}");
        let cells = b
            .xlsx_cells(&format!("/reports/export.xlsx?org={vid}"), "在职党员报到")
            .await;
        assert!(
            cells.iter().any(|c| c.contains("在职党员报到")),
            "{cells:?}"
        );
    }
);
