//! Contact points and the problem ledger from the outside: the district sets a later year's
//! calendar and a leader's points; a visit logs a problem with its five facts; the problem is
//! accepted, answered and closed on a clock counted in working days, never closed without a
//! reply; 办结率 counts it; every refusal names its field and stores nothing; another town sees
//! none of it.

use dangjian_domain::assessment::workday::{Calendar, NOTICE_2026};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::on_both;

fn working_days_after(n: u32) -> String {
    Calendar::default()
        .with(&NOTICE_2026)
        .add_working_days(dangjian_service::today(), n)
        .to_string()
}

on_both!(
    a_problem_goes_from_a_visit_to_its_closing_on_a_working_day_clock,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let today = dangjian_service::today();

        // The calendar: 2026 as the notice says; a later year entered by the district.
        let (s, days) = admin.get_json("/api/v1/calendar?year=2026").await;
        assert_eq!(s, StatusCode::OK, "{days}");
        let has = |days: &Value, d: &str, kind: &str| {
            days.as_array()
                .is_some_and(|a| a.iter().any(|x| x["day"] == d && x["kind"] == kind))
        };
        assert!(has(&days, "2026-10-01", "holiday") && has(&days, "2026-10-10", "workday"));
        let (s, v) = admin
            .send_json(
                reqwest::Method::PUT,
                "/api/v1/calendar",
                &json!({ "days": [{ "day": "2027-01-04", "kind": "workday" }] }),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("kind", "not_weekend"))
        );
        let (s, _) = town
            .send_json(
                reqwest::Method::PUT,
                "/api/v1/calendar",
                &json!({ "days": [{ "day": "2027-01-01", "kind": "holiday" }] }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin
            .send_json(
                reqwest::Method::PUT,
                "/api/v1/calendar",
                &json!({ "days": [{ "day": "2027-01-01", "kind": "holiday", "note": "元旦" }] }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let (_, days) = admin.get_json("/api/v1/calendar?year=2027").await;
        assert!(has(&days, "2027-01-01", "holiday"), "{days}");

        // A leader's points: two at most.
        let mut conn = t.sql().await;
        let villages: Vec<i64> = rows(
            &mut conn,
            &format!("SELECT id FROM org WHERE parent_id = {town_id} ORDER BY id LIMIT 3"),
        )
        .await
        .iter()
        .filter_map(|r| r[0].parse().ok())
        .collect();
        assert_eq!(
            villages.len(),
            3,
            "the town has three organizations to hold points"
        );
        let point = |org: i64| json!({ "leader_name": "测试领导", "leader_title": "区委常委", "org_id": org, "started_on": today.to_string() });
        let mut first = 0;
        for (i, org) in villages.iter().enumerate() {
            let (s, v) = admin.post("/api/v1/contact-points", &point(*org)).await;
            if i < 2 {
                assert_eq!(s, StatusCode::CREATED, "{v}");
                if i == 0 {
                    first = v["id"].as_i64().expect("point");
                }
            } else {
                assert_eq!(
                    (s, refusal(&v)),
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ("leader_name", "too_many")
                    )
                );
            }
        }

        // A visit with a problem whose deadline lies before it: refused, nothing stored.
        let visits = format!("/api/v1/contact-points/{first}/visits");
        let problem = |deadline: String| {
            json!({ "content": "村道路灯损坏", "unit": "区住房城乡建委", "standard": "路灯全部修复",
                    "measures": "排查线路，更换灯具", "deadline": deadline, "joint": true })
        };
        let yesterday = (today - time::Duration::days(1)).to_string();
        let visit = |p: Value| json!({ "visited_on": today.to_string(), "content": "走访调研", "problems": [p] });
        let (s, v) = town.post(&visits, &visit(problem(yesterday))).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("deadline", "before_start")
            )
        );
        let (_, detail) = town
            .get_json(&format!("/api/v1/contact-points/{first}"))
            .await;
        assert_eq!(
            detail["visits"].as_array().map(Vec::len),
            Some(0),
            "nothing stored"
        );
        let deadline = (today + time::Duration::days(30)).to_string();
        let (s, detail) = town.post(&visits, &visit(problem(deadline))).await;
        assert_eq!(s, StatusCode::OK, "{detail}");
        assert_eq!(detail["point"]["visits"].as_i64(), Some(1));
        let p = &detail["problems"][0];
        assert!(p["no"].as_str().is_some_and(|n| n.starts_with("WT")), "{p}");
        assert_eq!(p["state"], "logged");
        assert_eq!(
            p["accept_due"].as_str(),
            Some(working_days_after(2).as_str())
        );
        let id = p["id"].as_i64().expect("problem");

        // Left unanswered past its acceptance day, the town hears of it, once.
        let late = today + time::Duration::days(10);
        t.app.run_reminders(late).await.expect("job");
        let (_, bell) = town.get_json("/api/v1/notifications").await;
        let reminded: Vec<&Value> = bell["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| n["kind"] == "problem_overdue" && n["link"] == format!("/problems/{id}"))
            .collect();
        assert_eq!(reminded.len(), 1, "{bell}");
        assert!(
            reminded[0]["title"]
                .as_str()
                .is_some_and(|x| x.contains("受理已超期")),
            "{bell}"
        );
        t.app.run_reminders(late).await.expect("job");
        let (_, again) = town.get_json("/api/v1/notifications").await;
        assert_eq!(
            again["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|n| n["kind"] == "problem_overdue" && n["link"] == format!("/problems/{id}"))
                .count(),
            1
        );
        // A point held since before a year with no visit in it by October is short: the
        // district hears of its points behind, once a quarter.
        let october = time::Date::from_calendar_date(today.year() + 1, time::Month::October, 1)
            .expect("a day");
        t.app.run_reminders(october).await.expect("job");
        let (_, bell) = admin.get_json("/api/v1/notifications").await;
        assert!(
            bell["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|n| n["kind"] == "visits_short"
                    && n["title"]
                        .as_str()
                        .is_some_and(|x| x.contains("走访不足 3 次"))),
            "{bell}"
        );

        // Another town sees nothing of it.
        let other = t.another_town();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/problems/{id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let act = format!("/api/v1/problems/{id}/actions");
        let (s, v) = town
            .post(&act, &json!({ "action": "close", "note": "满意" }))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("action", "not_now"))
        );
        let (s, v) = town.post(&act, &json!({ "action": "accept" })).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["reply_due"].as_str(),
            Some(working_days_after(5).as_str())
        );
        let (s, v) = town
            .post(&act, &json!({ "action": "close", "note": "满意" }))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("action", "not_now")),
            "no 办结 without a reply"
        );
        let (s, v) = town
            .post(&act, &json!({ "action": "reply", "note": " " }))
            .await;
        assert_eq!(
            (s, refusal(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, "note")
        );
        let (s, v) = town
            .post(
                &act,
                &json!({ "action": "reply", "note": "已更换灯具 12 盏" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "replied");
        let (s, v) = town
            .post(&act, &json!({ "action": "close", "note": "群众满意" }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["state"].as_str(), v["closed_on"].as_str()),
            (Some("closed"), Some(today.to_string().as_str()))
        );

        // A problem from a resident's request names a request the town can read: a forged
        // or another town's id is refused on its field, nothing stored.
        let town_path = rows(
            &mut conn,
            &format!("SELECT path FROM org WHERE id = {town_id}"),
        )
        .await[0][0]
            .clone();
        let request_in = |inside: bool| {
            format!(
                "SELECT MIN(id) FROM request WHERE community_path {} '{town_path}%'",
                if inside { "LIKE" } else { "NOT LIKE" }
            )
        };
        let own: i64 = rows(&mut conn, &request_in(true)).await[0][0]
            .parse()
            .expect("a request in the town");
        let foreign: i64 = rows(&mut conn, &request_in(false)).await[0][0]
            .parse()
            .expect("a request elsewhere");
        let from_request = |rid: i64| {
            json!({ "org_id": villages[0], "source": "request", "request_id": rid,
                    "content": "小区路面破损", "unit": "镇街城建办", "standard": "修复完成",
                    "measures": "安排施工", "deadline": (today + time::Duration::days(20)).to_string() })
        };
        let (_, before) = town.get_json("/api/v1/problems").await;
        for rid in [foreign, 987_654_321] {
            let (s, v) = town.post("/api/v1/problems", &from_request(rid)).await;
            assert_eq!(
                (s, refusal(&v)),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ("request_id", "not_found")
                ),
                "{v}"
            );
        }
        let (_, after) = town.get_json("/api/v1/problems").await;
        assert_eq!(before["total"], after["total"], "nothing stored");
        let (s, v) = town.post("/api/v1/problems", &from_request(own)).await;
        assert!(s.is_success(), "{v}");
        assert_eq!(
            (v["source"].as_str(), v["request_id"].as_i64()),
            (Some("request"), Some(own))
        );

        // The leader moves on: the district ends the point (not in the future, not before it
        // began, once); no later visit is taken, and the leader may hold another.
        let end = format!("/api/v1/contact-points/{first}/end");
        let ended_on = |d: time::Date| json!({ "ended_on": d.to_string() });
        let (s, _) = town.post(&end, &ended_on(today)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        for (d, code) in [
            (today + time::Duration::days(1), "future"),
            (today - time::Duration::days(1), "before_start"),
        ] {
            let (s, v) = admin.post(&end, &ended_on(d)).await;
            assert_eq!(
                (s, refusal(&v)),
                (StatusCode::UNPROCESSABLE_ENTITY, ("ended_on", code))
            );
        }
        let (s, v) = admin.post(&end, &ended_on(today)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (
                v["point"]["ended_on"].as_str(),
                v["may_end"].as_bool(),
                v["may_record"].as_bool()
            ),
            (Some(today.to_string().as_str()), Some(false), Some(false))
        );
        let (s, v) = admin.post(&end, &ended_on(today)).await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("ended_on", "ended"))
        );
        let (s, v) = admin
            .post("/api/v1/contact-points", &point(villages[2]))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        // The joint-meeting list and 办结率 count it.
        let (_, joint) = town.get_json("/api/v1/problems?joint=true").await;
        assert!(
            joint["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == id)),
            "{joint}"
        );
        let (s, rates) = town.get_json("/api/v1/problems/rates").await;
        assert_eq!(s, StatusCode::OK, "{rates}");
        let leader = rates["by_leader"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["name"] == "测试领导").cloned())
            .expect("the leader's line");
        assert_eq!(
            (
                leader["rate"]["due"].as_i64(),
                leader["rate"]["on_time"].as_i64()
            ),
            (Some(1), Some(1))
        );
        assert_eq!(leader["on_time_permille"].as_i64(), Some(1000));

        let actions = rows(
            &mut conn,
            "SELECT action FROM audit_log WHERE action LIKE 'contact.%' OR action LIKE 'problem.%' OR action = 'calendar.set' ORDER BY seq",
        )
        .await;
        let actions: Vec<&str> = actions.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            actions,
            [
                "calendar.set",
                "contact.point",
                "contact.point",
                "contact.visit",
                "problem.act",
                "problem.act",
                "problem.act",
                "problem.log",
                "contact.end",
                "contact.point",
            ]
        );
    }
);

on_both!(
    the_demo_holds_three_years_of_contact_points_and_problems,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let year = i64::from(dangjian_service::today().year());
        let (s, points) = admin
            .get_json(&format!("/api/v1/contact-points?year={}", year - 1))
            .await;
        assert_eq!(s, StatusCode::OK, "{points}");
        let points = points.as_array().cloned().unwrap_or_default();
        assert!(!points.is_empty());
        assert!(
            points.iter().all(|p| p["visits"] == 4),
            "four visits each last year"
        );
        let (s, rates) = admin
            .get_json(&format!("/api/v1/problems/rates?year={}", year - 1))
            .await;
        assert_eq!(s, StatusCode::OK, "{rates}");
        let total = &rates["total"]["rate"];
        assert!(total["due"].as_i64().unwrap_or(0) > 0, "{rates}");
        assert_eq!(
            total["due"].as_i64(),
            Some(total["on_time"].as_i64().unwrap_or(0) + total["late"].as_i64().unwrap_or(0)),
            "last year's problems are all closed: {rates}"
        );

        // The district reads each problem's organization with its town.
        let (_, ledger) = admin.get_json("/api/v1/problems").await;
        let items = ledger["items"].as_array().expect("items");
        assert!(!items.is_empty());
        assert!(
            items
                .iter()
                .all(|p| p["org_name"].as_str().is_some_and(|n| n.contains(" / "))),
            "{ledger}"
        );

        // A point ended yesterday takes no visit today.
        let today = dangjian_service::today();
        let id = points[0]["id"].as_i64().expect("a point");
        let yesterday = (today - time::Duration::days(1)).to_string();
        let (s, v) = admin
            .post(
                &format!("/api/v1/contact-points/{id}/end"),
                &json!({ "ended_on": yesterday }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = admin
            .post(
                &format!("/api/v1/contact-points/{id}/visits"),
                &json!({ "visited_on": today.to_string(), "content": "走访" }),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("visited_on", "ended"))
        );
    }
);
