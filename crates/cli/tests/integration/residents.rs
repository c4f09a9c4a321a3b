//! 第一书记 and 驻村工作队 from the outside: a team sent to a village (a team of six and a term
//! of four years refused, nothing stored), the first secretary's month (their own voluntary
//! check-in, their record of a member's days, a figure over the month's days refused), leave
//! decided by the right level only, inspections whose absences are excused by approved leave
//! or not, and the yearly grade those absences allow; other towns and plain members see none.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::on_both;
use crate::roster::id_number;

fn days_ago(n: i64) -> String {
    (dangjian_service::today() - time::Duration::days(n)).to_string()
}

fn cadre<'a>(team: &'a Value, name: &str) -> &'a Value {
    team["cadres"]
        .as_array()
        .expect("cadres")
        .iter()
        .find(|c| c["cadre"]["name"] == name && c["cadre"]["ended_on"].is_null())
        .unwrap_or_else(|| panic!("no cadre {name} in {team}"))
}

fn person(name: &str, seq: u16) -> Value {
    json!({"person": {"name": name, "id_number": id_number(1988, 4, 12, seq), "education": "本科"}, "role": "member"})
}

on_both!(a_first_secretarys_month, async |t: &TestApp| {
    let town = t.api("town-500102013").await;
    let admin = t.api("admin").await;
    let village = t.account_named("baitao-village").scope_org_id;
    let member_id: i64 = rows(
        &mut *t.sql().await,
        "SELECT member_id FROM app_user WHERE username = 'baitao-member'",
    )
    .await[0][0]
        .parse()
        .expect("baitao-member is a member");

    // A team the demo may have sent there is withdrawn first.
    let active = rows(
        &mut *t.sql().await,
        &format!("SELECT id FROM resident_team WHERE org_id = {village} AND ended_on IS NULL"),
    )
    .await;
    for r in &active {
        let (s, v) = town
            .post(
                &format!("/api/v1/resident-teams/{}/withdraw", r[0]),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["team"]["ended_on"].is_string(), "{v}");
    }

    let started = days_ago(70);
    let ends = (dangjian_service::today() - time::Duration::days(70) + time::Duration::days(730))
        .to_string();
    let first = json!({"member_id": member_id, "role": "first_secretary", "unit": "区农业农村委"});
    let teams_before = t.count("SELECT COUNT(*) FROM resident_team").await;
    // Six is one too many; four years is a year too long.
    let six: Vec<Value> = std::iter::once(first.clone())
        .chain((0..5).map(|i| person(&format!("队员{i}"), 900 + i)))
        .collect();
    let (s, v) = town
            .post(
                "/api/v1/resident-teams",
                &json!({"org_id": village, "sending_unit": "区农业农村委", "started_on": started, "ends_on": ends, "cadres": six}),
            )
            .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("cadres", "team_size"))
    );
    let team = vec![first.clone(), person("柏林", 912), person("万青", 924)];
    let (s, v) = town
            .post(
                "/api/v1/resident-teams",
                &json!({"org_id": village, "sending_unit": "区农业农村委", "started_on": started,
                    "ends_on": (dangjian_service::today() + time::Duration::days(1460)).to_string(), "cadres": team}),
            )
            .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("ends_on", "term"))
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM resident_team").await,
        teams_before
    );

    let (s, sent) = town
            .post(
                "/api/v1/resident-teams",
                &json!({"org_id": village, "sending_unit": "区农业农村委", "started_on": started, "ends_on": ends, "cadres": team}),
            )
            .await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    let team_id = sent["team"]["id"].as_i64().expect("team id");
    assert_eq!(sent["team"]["size"], 3, "{sent}");
    let (s, v) = town
            .post(
                "/api/v1/resident-teams",
                &json!({"org_id": village, "sending_unit": "另一单位", "started_on": started, "ends_on": ends,
                    "cadres": [person("甲", 931), person("乙", 943), json!({"person": {"name": "丙", "id_number": id_number(1990, 1, 1, 955)}, "role": "first_secretary"})]}),
            )
            .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("org_id", "team_in_post"))
    );
    let secretary = sent["cadres"]
        .as_array()
        .expect("cadres")
        .iter()
        .find(|c| c["cadre"]["role"] == "first_secretary")
        .expect("a first secretary")
        .clone();
    let bailin = cadre(&sent, "柏林")["cadre"]["id"].as_i64().expect("id");

    // The first secretary checks in by their own account, once a day; someone who is not
    // a resident cadre cannot.
    let me = t.api("baitao-member").await;
    let (s, mine) = me.get_json("/api/v1/me/residency").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["team_id"], team_id, "{mine}");
    assert_eq!(mine["checked_in_today"], false);
    let before_in = mine["month"]["checked_in"].as_i64().expect("checked_in");
    for _ in 0..2 {
        let (s, v) = me.post("/api/v1/me/residency/check-in", &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["checked_in_today"], true, "{v}");
        assert_eq!(v["month"]["checked_in"], before_in + 1, "{v}");
    }
    let secretary_account = t.api("baitao-secretary").await;
    let (s, _) = secretary_account
        .post("/api/v1/me/residency/check-in", &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, none) = secretary_account.get_json("/api/v1/me/residency").await;
    assert_eq!(none, Value::Null);

    // The first secretary records a member's last month: more days than the month has
    // are refused; two approved days of leave make 18 days enough.
    let today = dangjian_service::today();
    let last = today.replace_day(1).expect("first") - time::Duration::days(1);
    let month = format!("{:04}-{:02}", last.year(), last.month() as u8);
    let month_path = format!("/api/v1/resident-cadres/{bailin}/months/{month}");
    let (s, v) = me
        .send_json(
            Method::PUT,
            &month_path,
            &json!({"days": last.day() + 1, "log": "走访"}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("days", "out_of_range"))
    );
    let (s, m) = me
        .send_json(
            Method::PUT,
            &month_path,
            &json!({"days": 18, "log": "走访农户32户，协调产业路硬化"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(
        (m["days"].as_i64(), m["met"].as_bool()),
        (Some(18), Some(false)),
        "{m}"
    );

    // Leave: two days in that month go to the town; five days to the district, which the
    // town cannot approve.
    let first_day = format!("{month}-01");
    let (s, short) = town
        .post(
            &format!("/api/v1/resident-cadres/{bailin}/leaves"),
            &json!({"from_on": first_day, "to_on": format!("{month}-02"), "reason": "家中有事"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{short}");
    assert_eq!(short["level"], "town");
    let (s, long) = town
        .post(
            &format!("/api/v1/resident-cadres/{bailin}/leaves"),
            &json!({"from_on": days_ago(5), "to_on": days_ago(1), "reason": "就医"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{long}");
    assert_eq!(
        (long["level"].as_str(), long["days"].as_i64()),
        (Some("district"), Some(5))
    );
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-leaves/{}/decision", long["id"]),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("level", "wrong_level"))
    );
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM resident_leave WHERE id = {} AND status = 'requested'",
            long["id"]
        ))
        .await,
        1
    );
    let (s, v) = admin
        .post(
            &format!("/api/v1/resident-leaves/{}/decision", long["id"]),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{v}"
    );
    // 云中心 counts last month's 18 days with 2 days of approved leave as the 20 required.
    let (_, panel) = town.get_json("/api/v1/cadres/summary").await;
    assert_eq!(panel["residents"]["month"], month.as_str(), "{panel}");
    let met_before = panel["residents"]["met"].as_i64().expect("met");
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-leaves/{}/decision", short["id"]),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{v}"
    );
    let (_, panel) = town.get_json("/api/v1/cadres/summary").await;
    assert_eq!(panel["residents"]["met"], met_before + 1, "{panel}");
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-leaves/{}/decision", short["id"]),
            &json!({"approve": false}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("leave", "decided"))
    );

    // Two more days right after the town's two make one leave of four: the district's.
    let (s, split) = town
        .post(
            &format!("/api/v1/resident-cadres/{bailin}/leaves"),
            &json!({"from_on": format!("{month}-03"), "to_on": format!("{month}-04"), "reason": "家中有事"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{split}");
    assert_eq!(split["level"], "district", "{split}");

    let (_, shown) = town
        .get_json(&format!(
            "/api/v1/resident-teams/{team_id}?year={}",
            last.year()
        ))
        .await;
    let months = cadre(&shown, "柏林")["months"]
        .as_array()
        .expect("months")
        .clone();
    let counted = months
        .iter()
        .find(|m| m["month"] == month.as_str())
        .unwrap_or_else(|| panic!("{month} in {shown}"));
    assert_eq!(
        (
            counted["days"].as_i64(),
            counted["leave_days"].as_i64(),
            counted["met"].as_bool()
        ),
        (Some(18), Some(2), Some(true)),
        "{counted}"
    );

    // Inspections: absent on a day of approved leave is excused; absent yesterday is not,
    // and one unexcused absence allows no 优秀.
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-teams/{team_id}/inspections"),
            &json!({"inspected_on": days_ago(3), "absent": [bailin], "note": "暗访"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-teams/{team_id}/inspections"),
            &json!({"inspected_on": days_ago(0), "absent": [bailin, secretary["cadre"]["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-teams/{team_id}/inspections"),
            &json!({"inspected_on": days_ago(1), "absent": [999_999]}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("absent", "not_in_team"))
    );
    let year = dangjian_service::today().year();
    let (_, shown) = town
        .get_json(&format!("/api/v1/resident-teams/{team_id}?year={year}"))
        .await;
    let excused: Vec<bool> = shown["inspections"]
        .as_array()
        .expect("inspections")
        .iter()
        .flat_map(|i| i["absent"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["cadre_id"] == bailin)
        .map(|a| a["excused"].as_bool().expect("excused"))
        .collect();
    let unexcused = excused.iter().filter(|e| !**e).count();
    assert_eq!(excused.len(), 2, "{shown}");
    assert_eq!(
        unexcused, 1,
        "the day of approved leave is excused: {shown}"
    );
    let c = cadre(&shown, "柏林");
    assert_eq!(c["unexcused_absences"], 1, "{c}");
    assert_eq!(c["best_grade"], "competent", "{c}");

    let grade_path = format!("/api/v1/resident-cadres/{bailin}/grade");
    let (s, _) = town
        .post(&grade_path, &json!({"year": year, "grade": "称职"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the district grades");
    let (s, v) = admin
        .post(&grade_path, &json!({"year": year, "grade": "优秀"}))
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("grade", "absences"))
    );
    let (s, v) = admin
        .post(&grade_path, &json!({"year": year, "grade": "称职"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(cadre(&v, "柏林")["grade"], "competent");
    // A second absence found afterwards brings the grade given down to what two allow.
    let (s, v) = town
        .post(
            &format!("/api/v1/resident-teams/{team_id}/inspections"),
            &json!({"inspected_on": days_ago(6), "absent": [bailin]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, shown) = town
        .get_json(&format!("/api/v1/resident-teams/{team_id}?year={year}"))
        .await;
    let c = cadre(&shown, "柏林");
    assert_eq!(
        (&c["unexcused_absences"], &c["grade"]),
        (&json!(2), &json!("basic")),
        "{c}"
    );

    // Another town reads none of it; a plain member reads no team.
    let other = t.another_town();
    let (s, _) = t
        .api(&other)
        .await
        .get_json(&format!("/api/v1/resident-teams/{team_id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = me.get_json("/api/v1/resident-teams").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Every change left its audit row.
    let actions = rows(
        &mut *t.sql().await,
        "SELECT DISTINCT action FROM audit_log WHERE action LIKE 'resident.%' ORDER BY action",
    )
    .await;
    let actions: Vec<&str> = actions.iter().map(|r| r[0].as_str()).collect();
    for a in [
        "resident.check_in",
        "resident.dispatch",
        "resident.grade",
        "resident.inspect",
        "resident.leave",
        "resident.leave_decision",
        "resident.month",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
});

on_both!(
    the_demo_sends_teams_within_the_rules,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        // 390 resident cadres at scale 1, the test demo's share of them.
        let cadres = t
            .count("SELECT COUNT(*) FROM resident_cadre WHERE ended_on IS NULL")
            .await;
        assert_eq!(cadres, (390.0_f64 * 0.02).round() as i64);
        let teams = rows(
            &mut *t.sql().await,
            "SELECT t.id, COUNT(*), SUM(CASE WHEN c.role = 'first_secretary' THEN 1 ELSE 0 END) \
             FROM resident_team t JOIN resident_cadre c ON c.team_id = t.id \
             WHERE t.ended_on IS NULL AND c.ended_on IS NULL GROUP BY t.id",
        )
        .await;
        assert!(!teams.is_empty());
        for team in &teams {
            let size: i64 = team[1].parse().expect("size");
            assert!((3..=5).contains(&size), "team {team:?}");
            assert_eq!(team[2], "1", "one first secretary: {team:?}");
        }
        let (s, list) = admin.get_json("/api/v1/resident-teams?active=true").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["total"], teams.len(), "{list}");
        // Every recorded month fits its month, and the team page counts them.
        assert_eq!(
            t.count("SELECT COUNT(*) FROM resident_month WHERE days < 0 OR days > 31")
                .await,
            0
        );
        let id = &teams[0][0];
        let (s, team) = admin
            .get_json(&format!("/api/v1/resident-teams/{id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{team}");
        let months: usize = team["cadres"]
            .as_array()
            .expect("cadres")
            .iter()
            .map(|c| c["months"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(months > 0, "{team}");
    }
);
