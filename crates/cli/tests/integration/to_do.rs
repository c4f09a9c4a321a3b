//! 待办: the hub of each level counts what needs action, each count the length of the list
//! it links to.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both;

on_both!(
    the_branch_hub_lists_what_needs_action_with_the_figures_of_its_lists,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let (s, todo) = secretary
            .get_json(&format!("/api/v1/orgs/{branch}/to-do"))
            .await;
        assert_eq!(s, StatusCode::OK, "{todo}");
        let items = todo["items"].as_array().expect("items");
        let item = |key: &str| {
            items
                .iter()
                .find(|i| i["key"] == key)
                .unwrap_or_else(|| panic!("{key} in {todo}"))
                .clone()
        };
        // Each count is the length of the list it links to.
        let (_, arrears) = secretary
            .get_json(&format!("/api/v1/dues/arrears?org={branch}"))
            .await;
        assert_eq!(
            item("arrears")["count"],
            json!(arrears.as_array().map_or(0, Vec::len))
        );
        let (_, households) = secretary
            .get_json(&format!("/api/v1/households?org={branch}&unpaired=true"))
            .await;
        assert_eq!(item("households")["count"], households["total"]);
        // The meetings not yet held this period are named, and recording one clears it.
        let meetings = item("meetings");
        let before = meetings["count"].as_i64().expect("count");
        assert!(
            before > 0,
            "the demo leaves this month's meetings to be held"
        );
        {
            let kind = if meetings["detail"]
                .as_str()
                .unwrap_or("")
                .contains("主题党日")
            {
                "theme_day"
            } else {
                "committee_meeting"
            };
            let today = dangjian_domain::date::format(dangjian_service::today());
            let (s, m) = secretary
                .post(
                    "/api/v1/meetings",
                    &json!({"org_id": branch, "kind": kind, "held_on": today, "topic": "本月会议"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{m}");
            let (_, after) = secretary
                .get_json(&format!("/api/v1/orgs/{branch}/to-do"))
                .await;
            let after = after["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["key"] == "meetings")
                .and_then(|i| i["count"].as_i64())
                .expect("count");
            assert!(after < before, "{before} → {after}");
        }
        // The page shows the same, with links to every module of the branch.
        let web = t.browser("baitao-secretary").await;
        let (_, page) = web.page(&format!("/orgs/{branch}")).await;
        assert!(
            page.contains(&format!("hx-get=\"/orgs/{branch}/to-do\"")),
            "loaded after the page"
        );
        let (s, fragment) = web.page(&format!("/orgs/{branch}/to-do")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(fragment.contains(&format!("/dues?org={branch}#arrears")));
        // A plain member's own things are on 我的, not the branch's.
        let member = t.api("baitao-member").await;
        let (s, _) = member
            .get_json(&format!("/api/v1/orgs/{branch}/to-do"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // A town sees its level: branches behind, not a branch's own meetings.
        let town = t.api("town-500102013").await;
        let (_, me) = town.get_json("/api/v1/me").await;
        let town_id = me["scope_org_id"].as_i64().expect("scope");
        let (s, todo) = town
            .get_json(&format!("/api/v1/orgs/{town_id}/to-do"))
            .await;
        assert_eq!(s, StatusCode::OK, "{todo}");
        assert!(todo["items"].as_array().expect("items").len() >= 5);
        let (_, life) = town
            .get_json(&format!("/api/v1/life/compliance?org={town_id}"))
            .await;
        let behind = todo["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["key"] == "meetings")
            .map(|i| i["count"].clone());
        assert_eq!(behind, Some(life["total"]["behind"].clone()));
    }
);
