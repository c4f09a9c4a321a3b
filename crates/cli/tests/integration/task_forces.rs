//! Task forces (党员突击队) from the outside: a team opened under a town with a leader,
//! members seconded for spans inside it (a span beyond the team's end, a member elsewhere,
//! twice: refused by field, nothing stored), a meeting with who attended, a deed done for it
//! that shows on the member's teams, closing that ends the secondments still running; other
//! towns see none of it.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{TestApp, refusal};
use crate::on_both;
use crate::roster::id_number;

fn day(offset: i64) -> String {
    dangjian_domain::date::format(dangjian_service::today() + time::Duration::days(offset))
}

async fn member_under(t: &TestApp, org: i64, nth: i64) -> i64 {
    t.count(&format!(
        "SELECT id FROM member WHERE org_path LIKE (SELECT path FROM org WHERE id = {org}) || '%' \
         ORDER BY id LIMIT 1 OFFSET {nth}"
    ))
    .await
}

on_both!(a_team_goes_from_opening_to_closing, async |t: &TestApp| {
    let town = t.api("town-500102013").await;
    let town_id = t.account_named("town-500102013").scope_org_id;
    let leader = member_under(t, town_id, 0).await;
    let second = member_under(t, town_id, 1).await;
    let third = member_under(t, town_id, 2).await;
    assert!(
        leader > 0 && second > 0 && third > 0,
        "the town has members"
    );
    let teams = "SELECT COUNT(*) FROM task_force";
    let before = t.count(teams).await;
    let body = |leader: i64, ends: &str| {
        json!({"org_id": town_id, "name": "白涛街道防汛抢险党员突击队", "mission": "防汛抢险",
                "leader_id": leader, "started_on": day(-10), "ends_on": ends})
    };
    let other = t
        .town_accounts()
        .into_iter()
        .find(|x| x.username != "town-500102013")
        .expect("another town")
        .scope_org_id;
    let foreign = member_under(t, other, 0).await;
    for (b, field, code) in [
        (body(leader, &day(-11)), "ends_on", "before_start"),
        (body(foreign, &day(20)), "leader_id", "not_found"),
    ] {
        let (s, v) = town.post("/api/v1/task-forces", &b).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {v}");
        assert_eq!(refusal(&v), (field, code), "{b}: {v}");
    }
    assert_eq!(t.count(teams).await, before);
    let (s, d) = town
        .post("/api/v1/task-forces", &body(leader, &day(20)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["team"]["id"].as_i64().expect("id");
    assert_eq!(
        d["members"].as_array().map(Vec::len),
        Some(1),
        "the leader is in"
    );

    // Secondments stay inside the team; a member elsewhere and twice are refused.
    let url = format!("/api/v1/task-forces/{id}/members");
    for (b, field, code) in [
        (
            json!({"member_id": second, "from_on": day(-5), "to_on": day(21)}),
            "to_on",
            "beyond_team",
        ),
        (
            json!({"member_id": second, "from_on": day(-11)}),
            "from_on",
            "outside_team",
        ),
        (json!({"member_id": foreign}), "member_id", "not_found"),
        (json!({"member_id": leader}), "member_id", "duplicate"),
    ] {
        let (s, v) = town.post(&url, &b).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {v}");
        assert_eq!(refusal(&v), (field, code), "{b}: {v}");
    }
    let (s, d) = town
        .post(&url, &json!({"member_id": second, "from_on": day(-5)}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, _) = town
        .post(
            &url,
            &json!({"member_id": third, "from_on": day(-2), "to_on": day(15)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // A member's home branch stays theirs.
    assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM member WHERE id = {second} AND org_path LIKE (SELECT path FROM org WHERE id = {town_id}) || '%'")).await,
            1
        );

    // A meeting: only members in the team that day attend.
    let meetings = format!("/api/v1/task-forces/{id}/meetings");
    let (s, v) = town
        .post(
            &meetings,
            &json!({"held_on": day(-4), "topic": "部署巡堤", "attended": [leader, third]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(refusal(&v), ("attended", "not_seconded"));
    let (s, d) = town
        .post(
            &meetings,
            &json!({"held_on": day(-4), "topic": "部署巡堤", "attended": [leader, second]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["meetings"][0]["attended"], 2);

    // A deed for the team shows on the member's teams.
    let (s, v) = town
            .post(
                &format!("/api/v1/members/{second}/deeds"),
                &json!({"done_on": day(-3), "kind": "其他", "description": "夜间巡堤", "hours": "3", "task_force_id": id}),
            )
            .await;
    assert!(s.is_success(), "{s}: {v}");
    let (_, mine) = town
        .get_json(&format!("/api/v1/members/{second}/task-forces"))
        .await;
    let line = mine
        .as_array()
        .expect("teams")
        .iter()
        .find(|x| x["team_id"] == id)
        .cloned()
        .expect("the team on the member's list");
    assert_eq!(line["attended"], 1, "{mine}");
    assert_eq!(line["deeds"], 1, "{mine}");
    // Not a member of the team that day: refused.
    let (s, v) = town
            .post(
                &format!("/api/v1/members/{third}/deeds"),
                &json!({"done_on": day(-4), "kind": "其他", "description": "巡堤", "hours": "1", "task_force_id": id}),
            )
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(refusal(&v), ("task_force_id", "not_seconded"));

    // Closing ends the secondments running past it.
    let close = format!("/api/v1/task-forces/{id}/close");
    let (s, v) = town.post(&close, &json!({"closed_on": day(-11)})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, d) = town.post(&close, &json!({"closed_on": day(0)})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let today = day(0);
    for m in d["members"].as_array().expect("members") {
        assert!(
            m["to_on"].as_str().is_some_and(|x| x <= today.as_str()),
            "{m}"
        );
    }
    let (s, v) = town.post(&url, &json!({"member_id": foreign})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(refusal(&v), ("team", "closed"));

    // Another town finds no such team.
    let other_name = t
        .town_accounts()
        .into_iter()
        .find(|x| x.username != "town-500102013")
        .expect("another town")
        .username
        .clone();
    let (s, _) = t
        .api(&other_name)
        .await
        .get_json(&format!("/api/v1/task-forces/{id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

on_both!(
    applications_made_during_the_mission_link_to_the_team,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = t.account_named("baitao-secretary").scope_org_id;
        let leader = member_under(t, branch, 0).await;
        assert!(leader > 0, "the branch has members");
        let (s, d) = secretary
            .post(
                "/api/v1/task-forces",
                &json!({"org_id": branch, "name": "白涛防汛党员突击队", "mission": "flood",
                    "leader_id": leader, "started_on": day(-10), "ends_on": day(20)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let team = d["team"]["id"].as_i64().expect("id");
        let apply = |n: u16, applied: String| {
            let name = if n == 1 {
                "火线申请甲"
            } else {
                "火线申请乙"
            };
            json!({"org_id": branch, "name": name,
                "id_number": id_number(1998, 4, 4, n), "ethnicity": "汉族",
                "education": "bachelor", "category": "in_service", "applied_on": applied})
        };
        let mut ids = Vec::new();
        for (n, applied) in [(1, day(-5)), (2, day(-30))] {
            let (s, r) = secretary.post("/api/v1/recruits", &apply(n, applied)).await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            ids.push(r["id"].as_i64().expect("recruit id"));
        }
        let (_, detail) = secretary
            .get_json(&format!("/api/v1/task-forces/{team}"))
            .await;
        let offered: Vec<i64> = detail["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect();
        assert!(
            offered.contains(&ids[0]) && !offered.contains(&ids[1]),
            "only the application made during the mission is offered: {detail}"
        );

        let url = format!("/api/v1/task-forces/{team}/recruits");
        let (s, d) = secretary.post(&url, &json!({"recruit_id": ids[0]})).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["recruits"][0]["id"].as_i64(), Some(ids[0]), "{d}");
        assert_eq!(d["team"]["recruits"], 1, "{d}");
        for (id, code) in [
            (ids[0], "linked"),
            (ids[1], "outside_team"),
            (0, "not_found"),
        ] {
            let (s, v) = secretary.post(&url, &json!({"recruit_id": id})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(refusal(&v), ("recruit_id", code), "{v}");
        }
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM recruit WHERE task_force_id = {team}"
            ))
            .await,
            1,
            "only one application is linked"
        );
    }
);

on_both!(
    the_team_pages_open_second_meet_and_close,
    async |t: &TestApp| {
        let b = t.browser("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let town = town_id.to_string();
        let leader = member_under(t, town_id, 0).await.to_string();
        let other = member_under(t, town_id, 1).await.to_string();
        let (s, html) = b.page("/task-forces").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"team-form\""), "{html}");
        let (start, end) = (day(-3), day(30));
        let open = |leader: &str| {
            vec![
                ("org", town.clone()),
                ("org_id", town.clone()),
                ("name", "白涛街道疫情防控党员突击队".to_string()),
                ("mission", "epidemic".to_string()),
                ("member_id", leader.to_string()),
                ("started_on", start.clone()),
                ("ends_on", end.clone()),
            ]
        };
        let refs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
        let none = refs(&open(""));
        let none: Vec<(&str, &str)> = none.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, html, _) = b.post_form("/task-forces", &none).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("data-field=\"member_id\""),
            "the leader's refusal by its picker: {html}"
        );
        let good = open(&leader);
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, _, to) = b.post_form("/task-forces", &good).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let id = t.count("SELECT MAX(id) FROM task_force").await;
        assert_eq!(to.as_deref(), Some(format!("/task-forces/{id}").as_str()));

        let beyond = day(31);
        let (s, html, _) = b
            .post_form(
                &format!("/task-forces/{id}/members"),
                &[("member_id", &other), ("to_on", &beyond)],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"to_on\""), "{html}");
        let (s, _, _) = b
            .post_form(
                &format!("/task-forces/{id}/members"),
                &[("member_id", &other)],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let held = day(0);
        let (s, _, _) = b
            .post_form(
                &format!("/task-forces/{id}/meetings"),
                &[
                    ("held_on", &held),
                    ("topic", "部署核酸检测"),
                    ("attended", &leader),
                    ("attended", &other),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = b.page(&format!("/task-forces/{id}")).await;
        assert!(
            html.contains("部署核酸检测") && html.contains("参会 2 人"),
            "{html}"
        );
        let (_, html) = b.page(&format!("/members/{other}")).await;
        assert!(
            html.contains("白涛街道疫情防控党员突击队"),
            "the member's page shows the team: {html}"
        );
        let (s, _, _) = b
            .post_form(&format!("/task-forces/{id}/close"), &[("closed_on", &held)])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM task_force_member WHERE team_id = {id} AND to_on > '{held}'"
            ))
            .await,
            0,
            "closing ended every secondment"
        );
        let cells = b.xlsx_cells("/task-forces/export.xlsx", "党员突击队").await;
        assert!(
            cells.iter().any(|c| c == "白涛街道疫情防控党员突击队"),
            "{cells:?}"
        );
    }
);

on_both!(
    the_demo_units_helpers_teams_and_volunteers_match_the_seed,
    async |t: &TestApp| {
        let scaled = |n: f64| (n * 0.02_f64).round().max(1.0) as i64;
        // Every enterprise's and social organization's own organization has its unit.
        let own_orgs = t
            .count(
                "SELECT COUNT(*) FROM org WHERE owner IN ('private_enterprise', 'social_org') \
                 AND kind IN ('branch', 'general_branch') AND closed_on IS NULL",
            )
            .await;
        assert!(own_orgs > 0, "the demo has enterprises' organizations");
        assert_eq!(
            t.count("SELECT COUNT(*) FROM enterprise WHERE org_setup = 'own'")
                .await,
            own_orgs
        );
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM (SELECT party_org_id FROM enterprise WHERE org_setup = 'joint' \
                 GROUP BY party_org_id HAVING COUNT(*) > 10) t"
            )
            .await,
            0,
            "no joint organization covers more than ten"
        );
        assert!(
            t.count("SELECT COUNT(*) FROM enterprise WHERE org_setup = 'none'")
                .await
                > 0
        );
        assert_eq!(
            t.count("SELECT COUNT(*) FROM enterprise_helper WHERE role = 'leader'")
                .await,
            scaled(118.0)
        );
        assert_eq!(
            t.count("SELECT COUNT(*) FROM enterprise_helper WHERE role = 'liaison'")
                .await,
            scaled(350.0)
        );
        assert!(
            t.count("SELECT COUNT(*) FROM enterprise_helper WHERE role = 'instructor'")
                .await
                > 0
        );
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM (SELECT member_id FROM enterprise_helper WHERE role = 'instructor' \
                 GROUP BY member_id HAVING COUNT(*) > 3) t"
            )
            .await,
            0,
            "no instructor looks after more than three"
        );
        // Task forces: the year's teams, closed; secondments inside their teams.
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM task_force WHERE started_on >= '2020-01-01' AND started_on <= '2020-12-31'"
            )
            .await,
            scaled(3633.0)
        );
        assert!(
            t.count("SELECT COUNT(*) FROM task_force WHERE closed_on IS NULL")
                .await
                > 0
        );
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM task_force_member s JOIN task_force f ON f.id = s.team_id \
                 WHERE s.from_on < f.started_on OR s.to_on > COALESCE(f.closed_on, f.ends_on)"
            )
            .await,
            0
        );
        // Volunteers: the person-times, each volunteer's totals as their sign-ups add up, the
        // counters as a recount finds them.
        let times = t
            .count("SELECT COUNT(*) FROM volunteer_signup WHERE minutes > 0")
            .await;
        assert!(times >= scaled(500_000.0), "{times} person-times");
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM volunteer v WHERE v.minutes <> (SELECT COALESCE(SUM(s.minutes), 0) \
                 FROM volunteer_signup s WHERE s.volunteer_id = v.id) OR v.times <> (SELECT COUNT(*) \
                 FROM volunteer_signup s WHERE s.volunteer_id = v.id AND s.minutes > 0)"
            )
            .await,
            0
        );
        let admin = t.api("admin").await;
        let (s, sum) = admin.get_json("/api/v1/volunteers/summary").await;
        assert_eq!(s, StatusCode::OK, "{sum}");
        assert_eq!(sum["all_years"]["times"].as_i64(), Some(times), "{sum}");
        t.assert_counters_agree().await;
        // The panels of 云中心 show them.
        let b = t.browser("admin").await;
        for (path, marker) in [
            ("/enterprises/panel", "summary-org-coverage"),
            ("/volunteers/panel", "panel-volunteer-times"),
            ("/task-forces/panel", "panel-task-forces-open"),
        ] {
            let (s, html) = b.page(path).await;
            assert_eq!(s, StatusCode::OK, "{path}");
            assert!(html.contains(marker), "{path}: {html}");
        }
    }
);
