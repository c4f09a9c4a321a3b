//! The organization tree: create, rename with history, move, close, search.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both;

on_both!(
    org_lifecycle_keeps_history_and_counts,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let town = t.town_accounts()[0];
        let other_town = t.town_accounts()[1];
        let (s, created) = admin
        .post("/api/v1/orgs", &json!({"parent_id": town.scope_org_id, "kind": "party_committee", "owner": "private_enterprise", "name": "涪陵榨菜集团党委", "code": "TEST-ZC-1", "opened_on": "2010-05-04"}))
        .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        assert!(
            created["path"]
                .as_str()
                .expect("path")
                .ends_with(&format!("/{}/{id}/", town.scope_org_id))
        );

        let (s, dup) = admin.post("/api/v1/orgs", &json!({"parent_id": town.scope_org_id, "kind": "branch", "name": "重复", "code": "TEST-ZC-1"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup["error"]["field"], "code");
        let (s, wrong) = admin.post("/api/v1/orgs", &json!({"parent_id": town.scope_org_id, "kind": "grid_group", "name": "网格", "code": "TEST-W"})).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a grid group belongs in a branch"
        );
        assert_eq!(wrong["error"]["field"], "kind");

        let (_, branch) = admin.post("/api/v1/orgs", &json!({"parent_id": id, "kind": "branch", "owner": "private_enterprise", "name": "生产车间党支部", "code": "TEST-ZC-2", "opened_on": "2015-01-01"})).await;
        let branch_id = branch["id"].as_i64().expect("branch id");
        let (_, stats) = admin
            .get_json(&format!("/api/v1/stats/overview?org={}", town.scope_org_id))
            .await;
        let orgs_before = stats["orgs_total"].as_i64().expect("n");

        // Rename: the history keeps the old name with its date.
        let (s, renamed) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"name": "涪陵榨菜集团股份公司党委", "effective_on": "2021-06-30"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(renamed["name"], "涪陵榨菜集团股份公司党委");
        let b = t.browser(&t.account("district_admin").username).await;
        let (_, html) = b.page(&format!("/orgs/{id}")).await;
        assert!(
            html.contains("涪陵榨菜集团党委")
                && html.contains("2021-06-30")
                && html.contains("更名"),
            "history shows the rename"
        );

        // Move the committee with its branch to another town; counts move too.
        let (s, moved) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"parent_id": other_town.scope_org_id}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{moved}");
        let (_, child) = admin.get_json(&format!("/api/v1/orgs/{branch_id}")).await;
        assert!(
            child["path"]
                .as_str()
                .expect("path")
                .starts_with(&format!("/1/{}/{id}/", other_town.scope_org_id))
        );
        let (_, stats) = admin
            .get_json(&format!("/api/v1/stats/overview?org={}", town.scope_org_id))
            .await;
        assert_eq!(stats["orgs_total"].as_i64().expect("n"), orgs_before - 2);
        let (s, cycle) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"parent_id": branch_id}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{cycle}");

        // Closing needs an empty org: first the branch, then the committee.
        let (s, v) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"closed_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]["message"]
                .as_str()
                .expect("message")
                .contains("撤销下级组织")
        );
        let (s, _) = admin
            .patch(
                &format!("/api/v1/orgs/{branch_id}"),
                &json!({"closed_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, closed) = admin
            .patch(
                &format!("/api/v1/orgs/{id}"),
                &json!({"closed_on": "2026-01-02"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(closed["closed_on"], "2026-01-02");

        // A town admin cannot move their own scope root.
        let town_api = t.api(&town.username).await;
        let (s, _) = town_api
            .patch(
                &format!("/api/v1/orgs/{}", town.scope_org_id),
                &json!({"parent_id": other_town.scope_org_id}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

on_both!(
    the_renamed_town_keeps_its_former_name,
    async |t: &TestApp| {
        let luoyun = t.account_named("town-500102131");
        assert_eq!(luoyun.scope_org_name, "罗云镇党委");
        let b = t.browser(&t.account("district_admin").username).await;
        let (_, html) = b.page(&format!("/orgs/{}", luoyun.scope_org_id)).await;
        assert!(html.contains("罗云乡党委") && html.contains("2022-03-01"));
    }
);

on_both!(org_search_and_children, async |t: &TestApp| {
    let admin = t.api(&t.account("district_admin").username).await;
    let (s, v) = admin.get_json("/api/v1/orgs?q=白涛").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|o| o["name"] == "白涛街道党工委")
    );
    let (_, kids) = admin.get_json("/api/v1/orgs?parent=1").await;
    assert!(kids["items"].as_array().expect("items").len() >= 27);
    let (s, v) = admin.get_json("/api/v1/orgs").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "missing_parameter");
});
