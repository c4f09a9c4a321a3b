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
        let (s, _) = member.get_json("/api/v1/members?per_page=100").await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the registry search is the staff's"
        );
        // The town above the branch is out of reach, and a member edits nothing.
        let town = t.account_named("town-500102013");
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

on_both!(
    a_member_reads_colleagues_names_and_only_their_own_particulars,
    async |t: &TestApp| {
        let member = t.api("baitao-member").await;
        let (_, me) = member.get_json("/api/v1/me").await;
        let own_id = me["member_id"].as_i64().expect("member account");
        let secretary = t.api("baitao-secretary").await;
        let (_, own) = secretary
            .get_json(&format!("/api/v1/members/{own_id}"))
            .await;
        let branch = own["org_id"].as_i64().expect("branch");

        // Names of the branch, and nothing personal about them.
        let (s, list) = member.get_json("/api/v1/me/colleagues").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let colleagues = list["items"].as_array().expect("items");
        assert!(colleagues.len() > 1, "the branch has other members");
        let (_, staff_view) = secretary
            .get_json(&format!("/api/v1/members?org={branch}&per_page=100"))
            .await;
        let branch_members = staff_view["items"].as_array().expect("items");
        assert_eq!(colleagues.len(), branch_members.len());
        for c in colleagues {
            let keys: Vec<&str> = c
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                ["card_code", "group_name", "id", "name", "post"],
                "{c}"
            );
        }
        assert!(
            colleagues.iter().any(|c| c["post"] == "secretary"),
            "the branch's secretary is shown with the post"
        );
        let colleague = colleagues
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .find(|id| *id != own_id)
            .expect("a colleague");

        // A colleague's record, dues, history and review grades answer as missing.
        for path in [
            format!("/api/v1/members/{colleague}"),
            format!("/api/v1/members/{colleague}/dues"),
            format!("/api/v1/members/{colleague}/history"),
            format!("/api/v1/members/{colleague}/card"),
        ] {
            let (s, body) = member.get_json(&path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {body}");
        }
        // The member's own are theirs.
        for path in [
            format!("/api/v1/members/{own_id}"),
            format!("/api/v1/members/{own_id}/dues"),
            "/api/v1/me/day".to_string(),
        ] {
            let (s, body) = member.get_json(&path).await;
            assert_eq!(s, StatusCode::OK, "{path}: {body}");
        }
        // The branch's ledgers and lists of particulars, and every export, are the staff's.
        for path in [
            format!("/api/v1/dues/ledger?org={branch}"),
            format!("/api/v1/dues/arrears?org={branch}"),
            format!("/api/v1/dues/lapses?org={branch}"),
            format!("/api/v1/members?org={branch}"),
        ] {
            let (s, body) = member.get_json(&path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {body}");
            let (s, body) = secretary.get_json(&path).await;
            assert_eq!(s, StatusCode::OK, "{path} for the secretary: {body}");
        }
        let pages = t.browser("baitao-member").await;
        for path in [
            format!("/members/export.xlsx?org={branch}"),
            format!("/dues/ledger.xlsx?org={branch}"),
            format!("/dues/arrears.xlsx?org={branch}"),
            format!("/life/export.xlsx?org={branch}"),
        ] {
            let (s, _) = pages.page(&path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(
            pages.page(&format!("/members/{colleague}")).await.0,
            StatusCode::NOT_FOUND
        );
        // The list page shows names only; the home is the member's own.
        let (s, html) = pages.page("/members").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("本支部同志") && html.contains("id=\"colleagues\""));
        let (_, theirs) = secretary
            .get_json(&format!("/api/v1/members/{colleague}"))
            .await;
        let name = theirs["name"].as_str().expect("colleague's name");
        let born = theirs["birth_date"]
            .as_str()
            .expect("colleague's birth date");
        assert!(html.contains(name), "the colleague is listed by name");
        assert!(!html.contains(born), "but not with their birth date");
        let (s, html) = pages.page("/me").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(own["name"].as_str().expect("name")));
        assert!(html.contains("我的党费") && html.contains("my-life"));
        assert!(
            !html.contains("发展党员"),
            "the menu offers only the member's pages"
        );

        // A meeting of the branch: who came and why others did not are particulars, so the
        // member reads their own line of the attendance and the staff every line.
        let (s, meetings) = member
            .get_json(&format!("/api/v1/meetings?org={branch}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{meetings}");
        let held = meetings["items"].as_array().expect("items");
        assert!(!held.is_empty(), "the demo's branch has met");
        let mut compared = 0;
        for m in held.iter().take(10) {
            let path = format!("/api/v1/meetings/{}", m["id"]);
            let (_, all) = secretary.get_json(&path).await;
            let (s, mine) = member.get_json(&path).await;
            assert_eq!(s, StatusCode::OK, "{mine}");
            let lines = mine["attendance"].as_array().expect("attendance");
            assert!(lines.iter().all(|a| a["member_id"] == own_id), "{mine}");
            let staff_lines = all["attendance"].as_array().expect("attendance");
            let own_lines = staff_lines
                .iter()
                .filter(|a| a["member_id"] == own_id)
                .count();
            assert_eq!(
                lines.len(),
                own_lines,
                "the member's own line, as the staff see it"
            );
            compared += usize::from(staff_lines.len() > lines.len());
        }
        assert!(compared > 0, "the staff read lines the member does not");
    }
);
