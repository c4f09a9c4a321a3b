//! Secretaries' annual ratings and service-centre projects from the outside: only the level
//! directly above rates, from the meeting's count; the rectification that follows is done
//! once; a project moves from planned to completed, its dates in order; refusals name their
//! field and store nothing; another town sees none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal};
use crate::minutes::{PNG, upload_to};
use crate::on_both;

on_both!(
    a_town_rates_its_villages_secretaries_and_keeps_its_projects,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let today = dangjian_service::today();
        // The latest round: this year's from November, else last year's (entered late).
        let year = if u8::from(today.month()) >= 11 {
            i64::from(today.year())
        } else {
            i64::from(today.year()) - 1
        };

        let (s, list) = town
            .get_json(&format!("/api/v1/secretary-ratings?year={year}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["may_rate"], true);
        let village = list["lines"][0]["org_id"]
            .as_i64()
            .expect("a village below the town");
        let rate = |votes: Value, grade: &str, on: String| {
            json!({ "org_id": village, "year": year, "secretary_name": "张书记",
                    "report": "抓基层党建述职", "meeting_on": on, "votes": votes, "grade": grade })
        };
        let votes = json!({ "present": 30, "good": 20, "fairly_good": 6, "average": 3, "poor": 1 });
        let too_many =
            json!({ "present": 30, "good": 20, "fairly_good": 6, "average": 3, "poor": 2 });
        let tomorrow = (today + time::Duration::days(1)).to_string();
        for (body, field) in [
            (rate(too_many, "好", today.to_string()), "poor"),
            (rate(votes.clone(), "优", today.to_string()), "grade"),
            (rate(votes.clone(), "好", tomorrow.clone()), "meeting_on"),
            (
                rate(votes.clone(), "好", format!("{year}-10-31")),
                "meeting_on",
            ),
        ] {
            let (s, v) = town.post("/api/v1/secretary-ratings", &body).await;
            assert_eq!(
                (s, refusal(&v).0),
                (StatusCode::UNPROCESSABLE_ENTITY, field),
                "{v}"
            );
        }
        let (s, _) = admin
            .post(
                "/api/v1/secretary-ratings",
                &rate(votes.clone(), "好", today.to_string()),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the district rates the towns, not their villages"
        );
        let (s, v) = town
            .post(
                "/api/v1/secretary-ratings",
                &rate(votes, "好", today.to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let line = v["lines"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["org_id"] == village).cloned())
            .expect("the village");
        assert_eq!(
            (
                line["rating"]["grade"].as_str(),
                line["approval_permille"].as_i64()
            ),
            (Some("good"), Some(866))
        );
        let rating = line["rating"]["id"].as_i64().expect("rating");

        // The report is kept with the rating; a renamed file of another type is refused and
        // nothing stored; another town reads none of it.
        let files = format!("/api/v1/secretary-ratings/{rating}/files");
        let (s, v) = upload_to(&town, &files, "述职报告.pdf", PNG.to_vec()).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("file", "content_mismatch")
            )
        );
        let (s, f) = upload_to(&town, &files, "述职会.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        let file = f["id"].as_i64().expect("file");
        let (_, list) = town
            .get_json(&format!("/api/v1/secretary-ratings?year={year}"))
            .await;
        let kept = list["lines"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["org_id"] == village).cloned())
            .expect("the village");
        assert_eq!(kept["files"].as_array().map(Vec::len), Some(1), "{kept}");
        assert_eq!(kept["may_attach"], true);
        let r = town
            .client
            .get(format!("{}{files}/{file}", town.base))
            .bearer_auth(&town.token)
            .send()
            .await
            .expect("download");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.expect("bytes").as_ref(), PNG);
        let stranger = t.another_town();
        let stranger = t.api(&stranger).await;
        let (s, _) = stranger.get_json(&format!("{files}/{file}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = upload_to(&stranger, &files, "x.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = town
            .send_json(
                reqwest::Method::DELETE,
                &format!("{files}/{file}"),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = town.get_json(&format!("{files}/{file}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "deleted");

        let items = format!("/api/v1/secretary-ratings/{rating}/items");
        let yesterday = (today - time::Duration::days(1)).to_string();
        let (s, v) = town
            .post(
                &items,
                &json!({ "content": "规范三会一课记录", "deadline": yesterday }),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("deadline", "before_start")
            )
        );
        let (s, v) = town
            .post(
                &items,
                &json!({ "content": "规范三会一课记录", "deadline": tomorrow }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let line = v["lines"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["org_id"] == village).cloned())
            .expect("the village");
        assert_eq!(line["rating"]["open_items"].as_i64(), Some(1));
        let item = line["items"][0]["id"].as_i64().expect("item");
        // Past its deadline and not done, the town that rated hears of it.
        t.app
            .run_reminders(today + time::Duration::days(2))
            .await
            .expect("job");
        let (_, bell) = town.get_json("/api/v1/notifications").await;
        assert!(
            bell["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|n| n["kind"] == "secretary_item_overdue"
                    && n["link"] == format!("/secretary-ratings?org={town_id}&year={year}")
                    && n["body"]
                        .as_str()
                        .is_some_and(|b| b.contains("规范三会一课记录"))),
            "{bell}"
        );
        let done = format!("/api/v1/secretary-rating-items/{item}/done");
        let (s, v) = town.post(&done, &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = town.post(&done, &json!({})).await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "done")
        );

        // A project from planned to completed.
        let project = |budget: &str| json!({ "org_id": village, "name": "党群服务中心提档升级", "budget": budget, "planned_on": today.to_string() });
        let (s, v) = town
            .post("/api/v1/service-projects", &project("三十万"))
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "budget")
        );
        let (s, p) = town
            .post("/api/v1/service-projects", &project("300000.50"))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(
            (p["stage"].as_str(), p["budget_fen"].as_i64()),
            (Some("planned"), Some(30_000_050))
        );
        let advance = format!("/api/v1/service-projects/{}/advance", p["id"]);
        let (s, v) = town.post(&advance, &json!({ "on": tomorrow })).await;
        assert_eq!((s, refusal(&v).0), (StatusCode::UNPROCESSABLE_ENTITY, "on"));
        for stage in ["building", "completed"] {
            let (s, v) = town
                .post(&advance, &json!({ "on": today.to_string() }))
                .await;
            assert_eq!(
                (s, v["stage"].as_str()),
                (StatusCode::OK, Some(stage)),
                "{v}"
            );
        }
        let (s, v) = town
            .post(&advance, &json!({ "on": today.to_string() }))
            .await;
        assert_eq!(
            (s, refusal(&v).1),
            (StatusCode::UNPROCESSABLE_ENTITY, "completed")
        );
        // A photo of the finished centre, kept with the project.
        let photos = format!("/api/v1/service-projects/{}/files", p["id"]);
        let (s, f) = upload_to(&town, &photos, "建成.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        let (_, list) = town.get_json("/api/v1/service-projects").await;
        let kept = list["items"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == p["id"]).cloned())
            .expect("the project");
        assert_eq!(kept["files"][0]["name"], "建成.png", "{kept}");
        assert!(list["completed"].as_i64().unwrap_or(0) >= 1);

        let other = t.another_town();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/service-projects?org={town_id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = t
            .api(&other)
            .await
            .post(&advance, &json!({ "on": today.to_string() }))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The demo's district rated its towns in the latest round, and keeps projects.
        let (_, projects) = admin.get_json("/api/v1/service-projects").await;
        let total = projects["total"].as_i64().unwrap_or(0);
        assert!(total > 1, "{projects}");
        let per_page = projects["per_page"].as_i64().expect("per page");
        let first = projects["items"].as_array().expect("items");
        assert_eq!(first.len() as i64, total.min(per_page), "one page");
        assert!(
            first
                .iter()
                .all(|p| p["org_name"].as_str().is_some_and(|n| n.contains(" / "))),
            "named with their town: {projects}"
        );
        let (_, next) = admin.get_json("/api/v1/service-projects?page=2").await;
        assert_eq!(next["total"].as_i64(), Some(total), "totals over all pages");
        let next = next["items"].as_array().expect("items");
        assert_eq!(next.len() as i64, (total - per_page).clamp(0, per_page));
        assert!(next.iter().all(|p| !first.contains(p)));
        let round = year;
        let (_, ratings) = admin
            .get_json(&format!("/api/v1/secretary-ratings?year={round}"))
            .await;
        let lines = ratings["lines"].as_array().cloned().unwrap_or_default();
        assert!(!lines.is_empty());
        assert!(
            lines.iter().all(|l| l["rating"]["grade"].is_string()),
            "every town rated: {ratings}"
        );
    }
);
