//! Talents from the outside: a talent recorded once per category and counted by the
//! "百千万" programme against the targets the district sets; promotions with the work from the
//! district's list; a mentor studio with its apprentices (one studio at a time), the yearly
//! assessment no better than its records and within the share of 优秀, a failed studio closed
//! and its master barred; other towns and plain members see none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::on_both;
use crate::roster::id_number;

fn someone(name: &str, seq: u16) -> Value {
    json!({"name": name, "id_number": id_number(1985, 6, 6, seq), "education": "本科"})
}

fn line<'a>(lines: &'a Value, code: &str) -> &'a Value {
    lines
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["line"] == code)
        .unwrap_or_else(|| panic!("no line {code} in {lines}"))
}

on_both!(talents_studios_and_promotions, async |t: &TestApp| {
    let town = t.api("town-500102013").await;
    let admin = t.api("admin").await;
    let town_org = t.account_named("town-500102013").scope_org_id;
    let year = dangjian_service::today().year();
    let cycle = 2021 + (i64::from(year) - 2021).div_euclid(3) * 3;

    // A doctor introduced this year, once.
    let programme = format!("/api/v1/talent-programme?cycle={cycle}");
    let (_, before) = admin.get_json(&programme).await;
    let doctors = line(&before["lines"], "doctor")["actual"]
        .as_i64()
        .expect("actual");
    let talent = json!({"org_id": town_org, "person": someone("闻博", 501), "category": "高端人才",
            "line": "博士", "origin": "引进", "field": "材料化学", "employer": "长江师范学院", "recognised_year": year});
    let (s, v) = town.post("/api/v1/talents", &talent).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = town.post("/api/v1/talents", &talent).await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("category", "duplicate"))
    );
    let (s, after) = admin.get_json(&programme).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(line(&after["lines"], "doctor")["actual"], doctors + 1);

    // Targets: the district sets them for a cycle's first year; the level adds up those
    // set below it.
    let target = json!({"org_id": town_org, "line": "doctor", "cycle_start": cycle, "target": 7});
    let (s, _) = town
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/talent-programme/targets",
            &target,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = admin
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/talent-programme/targets",
            &json!({"org_id": town_org, "line": "doctor", "cycle_start": cycle + 1, "target": 7}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("cycle_start", "invalid"))
    );
    let (s, v) = admin
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/talent-programme/targets",
            &target,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, shown) = admin.get_json(&programme).await;
    let set = t.count(&format!(
                "SELECT CAST(COALESCE(SUM(target), 0) AS BIGINT) FROM programme_target WHERE line = 'doctor' AND cycle_start = {cycle}"
            ),
        )
        .await;
    assert_eq!(line(&shown["lines"], "doctor")["target"], set, "{shown}");
    let child = shown["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|c| c["org_id"] == town_org)
        .unwrap_or_else(|| panic!("the town in {shown}"));
    let under_town = t.count(&format!(
                "SELECT CAST(COALESCE(SUM(p.target), 0) AS BIGINT) FROM programme_target p JOIN org o ON o.id = p.org_id \
                 JOIN org town ON town.id = {town_org} WHERE p.line = 'doctor' AND p.cycle_start = {cycle} \
                 AND o.path LIKE town.path || '%'"
            ),
        )
        .await;
    assert_eq!(line(&child["lines"], "doctor")["target"], under_town);
    assert!(under_town >= 7);

    // Promotions name the work from the district's list.
    let promotion = |work: &str| {
        json!({"org_id": town_org, "person": someone("冉升", 513), "promoted_on": dangjian_service::today().to_string(),
                "from_post": "镇街党委委员", "to_post": "镇街党委副书记", "recognised_work": work})
    };
    let (s, v) = town
        .post("/api/v1/promotions", &promotion("加班最多"))
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("recognised_work", "invalid_choice")
        )
    );
    let (s, v) = town
        .post("/api/v1/promotions", &promotion("脱贫攻坚一线"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, list) = town
        .get_json(&format!("/api/v1/promotions?year={year}"))
        .await;
    assert!(
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|p| p["name"] == "冉升"),
        "{list}"
    );
    assert!(
        list["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .any(|c| c["year"] == year
                && c["recognised_work"] == "脱贫攻坚一线"
                && c["count"].as_i64().unwrap_or(0) >= 1),
        "{list}"
    );

    // A studio, its master once, an apprentice in one studio at a time.
    let studio = |name: &str, master: Value| json!({"org_id": town_org, "name": name, "person": master, "field": "榨菜加工", "host_unit": "涪陵榨菜集团"});
    let (s, one) = town
        .post(
            "/api/v1/studios",
            &studio("青菜头加工大师工作室", someone("谭师", 525)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{one}");
    let one_id = one["studio"]["id"].as_i64().expect("id");
    let (s, v) = town
        .post(
            "/api/v1/studios",
            &studio("第二个工作室", someone("谭师", 525)),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "duplicate"))
    );
    let (s, two) = town
        .post(
            "/api/v1/studios",
            &studio("电商直播工作室", someone("龚师", 537)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{two}");
    let two_id = two["studio"]["id"].as_i64().expect("id");
    let learner = json!({"person": someone("冉学", 549)});
    let (s, v) = town
        .post(&format!("/api/v1/studios/{one_id}/apprentices"), &learner)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["studio"]["apprentices_now"], 1, "{v}");
    let (s, v) = town
        .post(&format!("/api/v1/studios/{two_id}/apprentices"), &learner)
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "duplicate"))
    );
    let (s, v) = town
        .post(
            &format!("/api/v1/studios/{one_id}/apprentices"),
            &json!({"person": someone("谭师", 525)}),
        )
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "master"))
    );
    let apprentice = one_id_apprentice(t, one_id).await;
    let (s, v) = town
        .post(
            &format!("/api/v1/apprentices/{apprentice}/finish"),
            &json!({"graduated": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["year_apprentices"].as_i64(), v["year_graduates"].as_i64()),
        (Some(1), Some(1)),
        "{v}"
    );
    assert_eq!(
        v["best_grade"], "failed",
        "one apprentice is fewer than half of ten: {v}"
    );

    // The assessment: the district, no better than the records; 不合格 closes the studio
    // and bars its master.
    let assess = format!("/api/v1/studios/{one_id}/assessment");
    let (s, _) = town
        .post(&assess, &json!({"year": year, "grade": "合格"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = admin
        .post(&assess, &json!({"year": year, "grade": "合格"}))
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("grade", "records"))
    );
    let (s, v) = admin
        .post(&assess, &json!({"year": year, "grade": "不合格"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["studio"]["closed_on"].is_string(), "{v}");
    let (s, v) = admin
        .post(&assess, &json!({"year": year, "grade": "合格"}))
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("studio", "closed"))
    );
    let (s, v) = town
        .post("/api/v1/studios", &studio("再次申报", someone("谭师", 525)))
        .await;
    assert_eq!(
        (s, refusal(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "barred"))
    );

    // 优秀 only within the district's share of the studios open this year.
    let names = [
        "甘雨", "付云", "邓雪", "秦川", "夏露", "程林", "罗霞", "蒋涛", "韦华", "沈明",
    ];
    for (i, name) in (0u16..).zip(names) {
        let (s, v) = town
            .post(
                &format!("/api/v1/studios/{two_id}/apprentices"),
                &json!({"person": someone(name, 600 + i * 7)}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let learners = rows(
        &mut *t.sql().await,
        &format!("SELECT id FROM apprentice WHERE studio_id = {two_id} ORDER BY id LIMIT 3"),
    )
    .await;
    for a in &learners {
        let (s, v) = town
            .post(
                &format!("/api/v1/apprentices/{}/finish", a[0]),
                &json!({"graduated": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (_, v) = town.get_json(&format!("/api/v1/studios/{two_id}")).await;
    assert_eq!(v["best_grade"], "excellent", "{v}");
    let open = t
        .count(&format!(
            "SELECT COUNT(*) FROM studio WHERE opened_on <= '{year}-12-31' \
                 AND (closed_on IS NULL OR closed_on >= '{year}-01-01')"
        ))
        .await;
    let excellent = t
        .count(&format!(
            "SELECT COUNT(*) FROM studio_assessment WHERE grade = 'excellent' AND year = {year}"
        ))
        .await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/studios/{two_id}/assessment"),
            &json!({"year": year, "grade": "优秀"}),
        )
        .await;
    if excellent < open * 20 / 100 {
        assert_eq!(s, StatusCode::OK, "{v}");
    } else {
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("grade", "excellent_share")
            )
        );
    }

    // Another town and a plain member read none of it.
    let other = t.another_town();
    let (s, _) = t
        .api(&other)
        .await
        .get_json(&format!("/api/v1/studios/{two_id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .api("baitao-member")
        .await
        .get_json("/api/v1/talents")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

async fn one_id_apprentice(t: &TestApp, studio: i64) -> i64 {
    t.count(&format!(
        "SELECT MIN(id) FROM apprentice WHERE studio_id = {studio}"
    ))
    .await
}

on_both!(the_demo_talents_match_the_seed, async |t: &TestApp| {
    let admin = t.api("admin").await;
    let scaled = |n: f64| (n * 0.02_f64).round().max(1.0) as i64;
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM talent WHERE category = 'high_end' AND origin = 'introduced'"
        )
        .await,
        scaled(146.0)
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM talent WHERE category = 'high_skill'")
            .await,
        scaled(560.0)
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM promotion").await,
        scaled(106.0)
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM studio").await, scaled(104.0));
    let (s, list) = admin.get_json("/api/v1/studios").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], scaled(104.0));
    // Every stored assessment agrees with what its studio's records count.
    let stored = rows(
            &mut *t.sql().await,
            "SELECT studio_id, year, apprentices, graduates FROM studio_assessment ORDER BY studio_id, year",
        )
        .await;
    assert!(!stored.is_empty());
    for a in &stored {
        let (_, v) = admin
            .get_json(&format!("/api/v1/studios/{}?year={}", a[0], a[1]))
            .await;
        assert_eq!(v["year_apprentices"].to_string(), a[2], "{a:?} {v}");
        assert_eq!(v["year_graduates"].to_string(), a[3], "{a:?} {v}");
    }
    let (s, p) = admin.get_json("/api/v1/talent-programme?cycle=2021").await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let actual: i64 = p["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["actual"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
            actual,
            t.count("SELECT COUNT(*) FROM talent WHERE line IS NOT NULL AND recognised_year BETWEEN 2021 AND 2023").await
        );
});
