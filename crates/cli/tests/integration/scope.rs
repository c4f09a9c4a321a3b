//! Scope is law: a town admin sees nothing of another town, through any route.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::on_both;

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

on_both!(town_admin_cannot_reach_another_town, async |t: &TestApp| {
    let towns = t.town_accounts();
    let (mine, theirs) = (towns[0], towns[1]);
    let me = t.api(&mine.username).await;
    let them = t.api(&theirs.username).await;

    // Facts about the other town, read by its own admin.
    let (_, their_members) = them.get_json("/api/v1/members?per_page=5").await;
    let their_member = &their_members["items"][0];
    let member_id = their_member["id"]
        .as_i64()
        .expect("a member in the other town");
    let member_name = their_member["name"].as_str().expect("name").to_string();
    let (_, their_children) = them
        .get_json(&format!("/api/v1/orgs?parent={}", theirs.scope_org_id))
        .await;
    let child_id = ids(&their_children)[0];
    let org = theirs.scope_org_id;

    // Every read answers 404, as if the object did not exist.
    for path in [
        format!("/api/v1/orgs/{org}"),
        format!("/api/v1/orgs/{child_id}"),
        format!("/api/v1/orgs?parent={org}"),
        format!("/api/v1/members/{member_id}"),
        format!("/api/v1/members?org={org}"),
        format!("/api/v1/stats/overview?org={org}"),
    ] {
        let (s, body) = me.get_json(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
        assert!(
            !body.to_string().contains(&member_name),
            "{path} leaks a name"
        );
    }

    // Searches and lists never include the other town.
    let (_, found) = me
        .get_json(&format!("/api/v1/members?q={member_name}&per_page=100"))
        .await;
    assert!(
        !ids(&found).contains(&member_id),
        "member search crosses scope"
    );
    let their_name = theirs.scope_org_name.chars().take(2).collect::<String>();
    let (_, orgs) = me.get_json(&format!("/api/v1/orgs?q={their_name}")).await;
    for o in orgs["items"].as_array().expect("items") {
        assert!(
            o["path"]
                .as_str()
                .expect("path")
                .contains(&format!("/{}/", mine.scope_org_id)),
            "org search crosses scope: {o}"
        );
    }
    let (_, my_list) = me.get_json("/api/v1/members?per_page=100").await;
    assert!(!ids(&my_list).contains(&member_id));

    // Counts and charts cover the own subtree only.
    let (_, mine_stats) = me.get_json("/api/v1/stats/overview").await;
    let (_, district) = t
        .api(&t.account("district_admin").username)
        .await
        .get_json("/api/v1/stats/overview")
        .await;
    assert!(mine_stats["members_total"].as_i64() < district["members_total"].as_i64());
    assert_eq!(mine_stats["org"]["id"], mine.scope_org_id);

    // Writes answer 404 and change nothing.
    let (s, _) = me
        .patch(
            &format!("/api/v1/members/{member_id}"),
            &json!({"name": "越权修改"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = me
        .patch(
            &format!("/api/v1/orgs/{child_id}"),
            &json!({"name": "越权改名"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = me
        .send_json(
            Method::POST,
            "/api/v1/orgs",
            &json!({"parent_id": org, "kind": "branch", "name": "越权支部", "code": "X-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, still) = them.get_json(&format!("/api/v1/members/{member_id}")).await;
    assert_eq!(still["name"], member_name.as_str());

    // Moving one's own member into the other town is refused as an unknown org.
    let (_, my_members) = me.get_json("/api/v1/members?per_page=1").await;
    let my_member = my_members["items"][0]["id"].as_i64().expect("own member");
    let (_, their_branches) = them
        .get_json(&format!("/api/v1/members?per_page=1&org={org}"))
        .await;
    let their_branch = their_branches["items"][0]["org_id"]
        .as_i64()
        .expect("branch");
    let (s, body) = me
        .patch(
            &format!("/api/v1/members/{my_member}"),
            &json!({"org_id": their_branch}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "org_id");

    // The pages agree.
    let b = t.browser(&mine.username).await;
    for path in [
        format!("/orgs/{org}"),
        format!("/members/{member_id}"),
        format!("/?org={org}"),
        format!("/members?org={org}"),
        format!("/members/{member_id}/edit"),
    ] {
        let (s, html) = b.page(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains(&member_name), "{path}");
    }
    let (s, _, _) = b
        .post_form(&format!("/members/{member_id}/edit"), &[("name", "越权")])
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

on_both!(
    member_sees_only_own_branch_and_auditor_only_the_log,
    async |t: &TestApp| {
        let member = t.api("baitao-member").await;
        let (s, me) = member.get_json("/api/v1/me").await;
        assert_eq!(s, StatusCode::OK);
        let own_id = me["member_id"]
            .as_i64()
            .expect("member account has a member");
        let (s, own) = member.get_json(&format!("/api/v1/members/{own_id}")).await;
        assert_eq!(s, StatusCode::OK);
        let branch = own["org_id"].as_i64().expect("org");
        let (_, list) = member.get_json("/api/v1/members?per_page=100").await;
        for m in list["items"].as_array().expect("items") {
            assert_eq!(
                m["org_id"].as_i64(),
                Some(branch),
                "a member sees their own branch only"
            );
        }
        // The town above the branch is out of reach, and a member edits nothing.
        let town = t
            .accounts
            .iter()
            .find(|a| a.username == "town-500102013")
            .expect("白涛 town admin");
        let (s, _) = member
            .get_json(&format!("/api/v1/orgs/{}", town.scope_org_id))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, body) = member
            .patch(
                &format!("/api/v1/members/{own_id}"),
                &json!({"name": "改名"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");

        let pages = t.browser("baitao-member").await;
        for path in [
            "/members/new".to_string(),
            format!("/members/{own_id}/edit"),
            format!("/orgs/{branch}/edit"),
        ] {
            assert_eq!(pages.page(&path).await.0, StatusCode::FORBIDDEN, "{path}");
        }
        let secretary = t.browser("baitao-secretary").await;
        assert_eq!(
            secretary.page(&format!("/orgs/{branch}/new")).await.0,
            StatusCode::FORBIDDEN,
            "a secretary manages people, not the tree"
        );
        assert_eq!(
            secretary.page(&format!("/members/{own_id}/edit")).await.0,
            StatusCode::OK
        );

        let auditor = t.api(&t.account("auditor").username).await;
        for path in [
            "/api/v1/members",
            "/api/v1/stats/overview",
            "/api/v1/orgs/1",
        ] {
            let (s, _) = auditor.get_json(path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }
        let b = t.browser(&t.account("auditor").username).await;
        let (s, html) = b.page("/audit").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("audit-table"));
        let admin = t.browser(&t.account("district_admin").username).await;
        assert_eq!(
            admin.page("/audit").await.0,
            StatusCode::NOT_FOUND,
            "only the auditor reads the log"
        );
    }
);
