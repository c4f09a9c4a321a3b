//! 支部委员会: the demo gives every branch its committee, committee meetings expect it, and
//! appointing and relieving follow the rules.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, TestApp, rows};
use crate::on_both;

async fn committee(api: &Api, branch: i64) -> Value {
    let (s, c) = api
        .get_json(&format!("/api/v1/orgs/{branch}/committee"))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

fn ids(c: &Value) -> Vec<i64> {
    c["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter_map(|p| p["member_id"].as_i64())
        .collect()
}

on_both!(
    every_demo_branch_has_its_committee_and_its_meetings_expect_it,
    async |t: &TestApp| {
        let mut db = t.sql().await;
        // Branches of seven or more full members have 3–5 posts, smaller ones a secretary.
        let sizes = rows(
            &mut db,
            "SELECT o.id, \
               (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.status = 'full'), \
               (SELECT COUNT(*) FROM committee_post p WHERE p.org_id = o.id AND p.ended_on IS NULL) \
             FROM org o WHERE o.kind IN ('branch', 'joint_branch')",
        )
        .await;
        assert!(sizes.len() > 20, "the demo has branches");
        let mut with_committee = 0;
        for r in &sizes {
            let full: i64 = r[1].parse().expect("count");
            let posts: i64 = r[2].parse().expect("count");
            if full >= 7 {
                assert!(
                    (3..=5).contains(&posts),
                    "branch {} of {full}: {posts} posts",
                    r[0]
                );
                with_committee += 1;
            } else if full > 0 {
                assert_eq!(posts, 1, "branch {} of {full}: a secretary", r[0]);
            }
        }
        assert!(with_committee > 10, "most branches have a committee");
        // Every holder is a full member of the organization (a village's party committee
        // draws on the members of its branches), and the secretary names the organization's.
        let strays = rows(
            &mut db,
            "SELECT COUNT(*) FROM committee_post p JOIN member m ON m.id = p.member_id \
             JOIN org o ON o.id = p.org_id \
             WHERE p.ended_on IS NULL AND (m.status <> 'full' OR CASE \
               WHEN o.depth = 3 AND o.owner IN ('village', 'community') THEN m.org_path NOT LIKE o.path || '%' \
               ELSE m.org_id <> p.org_id END)",
        )
        .await;
        assert_eq!(strays[0][0], "0");
        let unnamed = rows(
            &mut db,
            "SELECT COUNT(*) FROM committee_post p JOIN member m ON m.id = p.member_id \
             JOIN org o ON o.id = p.org_id \
             WHERE p.ended_on IS NULL AND p.post = 'secretary' AND COALESCE(o.secretary, '') <> m.name",
        )
        .await;
        assert_eq!(unnamed[0][0], "0");
        // A committee meeting of a branch with a committee expects the committee, and its
        // attendance rows are the committee's.
        let off = rows(
            &mut db,
            "SELECT COUNT(*) FROM meeting mt WHERE mt.kind = 'committee_meeting' \
             AND mt.expected <> (SELECT COUNT(*) FROM committee_post p WHERE p.org_id = mt.org_id AND p.ended_on IS NULL) \
             AND EXISTS (SELECT 1 FROM committee_post p WHERE p.org_id = mt.org_id AND p.ended_on IS NULL)",
        )
        .await;
        assert_eq!(off[0][0], "0", "committee meetings expect the committee");
        let outsiders = rows(
            &mut db,
            "SELECT COUNT(*) FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id \
             WHERE mt.kind = 'committee_meeting' AND NOT EXISTS \
             (SELECT 1 FROM committee_post p WHERE p.org_id = mt.org_id AND p.member_id = a.member_id)",
        )
        .await;
        assert_eq!(outsiders[0][0], "0", "only the committee attends");
        let held = rows(
            &mut db,
            "SELECT COUNT(*) FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id \
             WHERE mt.kind = 'committee_meeting'",
        )
        .await;
        assert_ne!(held[0][0], "0", "committee meetings have attendance");
    }
);

on_both!(
    a_secretary_appoints_and_relieves_and_the_committee_meeting_follows,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let c = committee(&secretary, branch).await;
        let holders = ids(&c);
        assert!(holders.len() >= 3, "the demo branch has a committee: {c}");
        assert_eq!(c["posts"][0]["post"], "secretary", "书记 first");
        assert_eq!(c["can_edit"], true);

        // Without a list, the committee is expected and present.
        let today = dangjian_domain::date::format(dangjian_service::today());
        let meeting = |attendance: Option<Value>| {
            let mut m = json!({"org_id": branch, "kind": "committee_meeting", "held_on": today,
                "topic": "支委会：研究发展党员"});
            if let Some(a) = attendance {
                m["attendance"] = a;
            }
            m
        };
        let (s, m) = secretary.post("/api/v1/meetings", &meeting(None)).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["expected"], json!(holders.len()));
        assert_eq!(m["present"], json!(holders.len()));

        // One of them away: still a quorum when more than half came.
        let away: Vec<Value> = holders
            .iter()
            .enumerate()
            .map(|(i, id)| {
                json!({"member_id": id, "status": if i == 0 { "absent" } else { "present" }})
            })
            .collect();
        let (s, m) = secretary
            .post("/api/v1/meetings", &meeting(Some(json!(away))))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["present"], json!(holders.len() - 1));
        assert_eq!(m["quorum"], true);

        // A member off the committee listed as present is not expected there.
        let (_, list) = secretary
            .get_json(&format!("/api/v1/members?org={branch}&per_page=100"))
            .await;
        let members = list["items"].as_array().expect("items");
        let outsider = members
            .iter()
            .find(|m| m["status"] == "full" && !holders.contains(&m["id"].as_i64().unwrap_or(0)))
            .and_then(|m| m["id"].as_i64())
            .expect("a full member off the committee");
        let probationer = members
            .iter()
            .find(|m| m["status"] == "probationary")
            .and_then(|m| m["id"].as_i64());
        let mut wrong = away.clone();
        wrong.push(json!({"member_id": outsider, "status": "present"}));
        let (s, v) = secretary
            .post("/api/v1/meetings", &meeting(Some(json!(wrong))))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "not_expected");

        // Appointing: a held post, a member holding one, a probationer, another branch's member.
        let appoint = |member: i64, post: &str| json!({"member_id": member, "post": post});
        let url = format!("/api/v1/orgs/{branch}/committee");
        let (s, v) = secretary.post(&url, &appoint(outsider, "secretary")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "held", "{v}");
        let vacant = [
            "deputy_secretary",
            "organization",
            "propaganda",
            "discipline",
        ]
        .into_iter()
        .find(|p| {
            !c["posts"]
                .as_array()
                .expect("posts")
                .iter()
                .any(|x| x["post"] == *p)
        })
        .expect("a vacant post");
        let (s, v) = secretary.post(&url, &appoint(holders[1], vacant)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "holds_post", "{v}");
        if let Some(p) = probationer {
            let (s, v) = secretary.post(&url, &appoint(p, vacant)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(v["error"]["code"], "not_full_member", "{v}");
        }
        let mut db = t.sql().await;
        let elsewhere = rows(
            &mut db,
            &format!("SELECT id FROM member WHERE org_id <> {branch} AND status = 'full' ORDER BY id LIMIT 1"),
        )
        .await;
        let elsewhere: i64 = elsewhere[0][0].parse().expect("id");
        let (s, v) = secretary.post(&url, &appoint(elsewhere, vacant)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "not_found", "{v}");

        // A plain member reads the committee but may not change it.
        let member = t.api("baitao-member").await;
        let seen = committee(&member, branch).await;
        assert_eq!(ids(&seen), holders);
        assert_eq!(seen["can_edit"], false);
        assert_eq!(seen["candidates"], json!([]), "no candidates for a reader");
        let (s, _) = member.post(&url, &appoint(outsider, vacant)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The appointment counts at the next committee meeting.
        let (s, p) = secretary.post(&url, &appoint(outsider, vacant)).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let (_, m) = secretary.post("/api/v1/meetings", &meeting(None)).await;
        assert_eq!(m["expected"], json!(holders.len() + 1));

        // Relieving: once; the 书记 relieved leaves the branch without a named secretary.
        let first = c["posts"][0]["id"].as_i64().expect("id");
        let relieve = format!("/api/v1/committee-posts/{first}/relieve");
        let (s, v) = secretary.post(&relieve, &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["ended_on"], json!(today));
        let (s, v) = secretary.post(&relieve, &json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, o) = secretary.get_json(&format!("/api/v1/orgs/{branch}")).await;
        assert_eq!(o["secretary"], Value::Null, "{o}");
        let after = committee(&secretary, branch).await;
        assert_eq!(ids(&after).len(), holders.len());
        assert_eq!(after["former"][0]["id"], json!(first));
        let (_, m) = secretary.post("/api/v1/meetings", &meeting(None)).await;
        assert_eq!(m["expected"], json!(holders.len()));

        // Each change was audited.
        let audited = rows(
            &mut db,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('committee.appoint', 'committee.relieve')",
        )
        .await;
        assert_eq!(audited[0][0], "2");
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

on_both!(
    a_member_who_moves_leaves_the_committee,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let holder = ids(&committee(&secretary, branch).await)[1];
        let town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let receiver = t.api(&town.username).await;
        let (_, theirs) = receiver.get_json("/api/v1/members?per_page=1").await;
        let target = theirs["items"][0]["org_id"]
            .as_i64()
            .expect("a branch there");
        let (s, v) = secretary
            .post(
                &format!("/api/v1/members/{holder}/transfers"),
                &json!({"kind": "internal", "to_org_id": target, "reason": "工作调动"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().expect("id");
        let (s, v) = secretary
            .post(&format!("/api/v1/transfers/{id}/approve"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            ids(&committee(&secretary, branch).await)[1],
            holder,
            "still on the committee until received"
        );
        let (s, v) = receiver
            .post(&format!("/api/v1/transfers/{id}/receive"), &json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let after = committee(&secretary, branch).await;
        assert!(!ids(&after).contains(&holder), "{after}");
        assert!(
            after["former"]
                .as_array()
                .expect("former")
                .iter()
                .any(|p| p["member_id"] == json!(holder))
        );

        // The secretary moving away leaves the organization with no secretary named.
        let head = ids(&after)[0];
        let (_, org) = secretary.get_json(&format!("/api/v1/orgs/{branch}")).await;
        assert_eq!(after["posts"][0]["post"], "secretary", "{after}");
        let (_, m) = secretary.get_json(&format!("/api/v1/members/{head}")).await;
        assert!(m["name"].is_string(), "{m}");
        assert_eq!(org["secretary"], m["name"], "{org}");
        let town_staff = t.api("town-500102013").await;
        let (s, v) = town_staff
            .post(
                &format!("/api/v1/members/{head}/transfers"),
                &json!({"kind": "internal", "to_org_id": target, "reason": "工作调动"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().expect("id");
        for (who, step) in [(&town_staff, "approve"), (&receiver, "receive")] {
            let (s, v) = who
                .post(&format!("/api/v1/transfers/{id}/{step}"), &json!({}))
                .await;
            assert_eq!(s, StatusCode::OK, "{step}: {v}");
        }
        let (_, org) = town_staff.get_json(&format!("/api/v1/orgs/{branch}")).await;
        assert_eq!(org["secretary"], Value::Null, "{org}");
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_committee_page_appoints_and_refuses_with_the_reason,
    async |t: &TestApp| {
        let api = t.api("baitao-secretary").await;
        let branch = api.scope_org().await;
        let c = committee(&api, branch).await;
        let web = t.browser("baitao-secretary").await;
        let (s, org_page) = web.page(&format!("/orgs/{branch}")).await;
        assert_eq!(s, StatusCode::OK);
        let secretary = c["posts"][0]["member_name"].as_str().expect("name");
        assert!(org_page.contains("id=\"org-committee\""));
        assert!(
            org_page.contains(&format!("书记 {secretary}")),
            "the branch page names its committee"
        );
        // The demo's secretary account is that person, and the header names the role once.
        assert!(
            org_page.contains(&format!("<span>{secretary} · 支部书记 · ")),
            "the account is the branch's secretary"
        );
        let url = format!("/orgs/{branch}/committee");
        let (s, page) = web.page(&url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("id=\"appoint-form\""), "a secretary appoints");
        let candidate = c["candidates"][0]["member_id"].to_string();
        let (s, page, _) = web
            .post_form(&url, &[("post", "secretary"), ("member_id", &candidate)])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("书记已有人担任"),
            "the reason is shown beside the form"
        );
        let vacant = [
            "deputy_secretary",
            "organization",
            "propaganda",
            "discipline",
        ]
        .into_iter()
        .find(|p| {
            !c["posts"]
                .as_array()
                .expect("posts")
                .iter()
                .any(|x| x["post"] == *p)
        })
        .expect("a vacant post");
        let (s, _, location) = web
            .post_form(&url, &[("post", vacant), ("member_id", &candidate)])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(location.as_deref(), Some(url.as_str()));
        // Relieving asks for confirmation first.
        let post = c["posts"][1]["id"].to_string();
        let relieve = format!("/committee-posts/{post}/relieve");
        let org = branch.to_string();
        let (s, page, _) = web.post_form(&relieve, &[("org", &org)]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请勾选确认"));
        let (s, _, _) = web
            .post_form(&relieve, &[("org", &org), ("confirm", "yes")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let after = committee(&api, branch).await;
        assert_eq!(ids(&after).len(), ids(&c).len(), "one in, one out");

        // A member sees the committee, not the forms.
        let member = t.browser("baitao-member").await;
        let (s, page) = member.page(&url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains(secretary));
        assert!(!page.contains("appoint-form") && !page.contains("免去职务"));
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);
