//! 两委, 换届 and 后备力量 from the outside: an election from candidates through the county's
//! vetting to the new posts (一肩挑, the organization's secretary, the term, the previous
//! term's posts ended, the statistics); a candidate refused by the vetting cannot be elected;
//! two directors at once, an end before the start and other bad input name their field and
//! store nothing; the reserve pool against its target; plain members and other towns see
//! none of it; the demo's committees, elections and pools agree with each other.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::on_both;
use crate::roster::id_number;

fn days_ago(n: i64) -> String {
    (dangjian_service::today() - time::Duration::days(n)).to_string()
}

fn candidate<'a>(e: &'a Value, name: &str, body: &str) -> &'a Value {
    e["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .find(|c| c["name"] == name && c["body"] == body)
        .unwrap_or_else(|| panic!("no candidate {name} ({body}) in {e}"))
}

on_both!(
    an_election_goes_from_candidates_to_new_posts,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let admin = t.api("admin").await;
        let village = t.account_named("baitao-village").scope_org_id;

        // The demo elected the village in 2021; its committees are on record.
        let (s, before) = town
            .get_json(&format!("/api/v1/villages/{village}/committee"))
            .await;
        assert_eq!(s, StatusCode::OK, "{before}");
        assert!(
            !before["party"].as_array().expect("party").is_empty(),
            "{before}"
        );
        assert!(
            !before["residents"]
                .as_array()
                .expect("residents")
                .is_empty(),
            "{before}"
        );

        let (s, e) = town
            .post(
                "/api/v1/elections",
                &json!({"org_id": village, "started_on": days_ago(30), "note": "第十二届换届"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        assert_eq!(e["stage"], "preparing");
        let id = e["election"]["id"].as_i64().expect("id");
        let (s, v) = town
            .post(
                "/api/v1/elections",
                &json!({"org_id": village, "started_on": days_ago(3)}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("org_id", "open"))
        );

        // Two full members of the village for the party committee, the secretary also
        // standing for director (一肩挑); two residents by ID number.
        assert!(!e["members"].as_array().expect("members").is_empty(), "{e}");
        // Members young enough for any post (a secretary is at most 60).
        let young = rows(
            &mut *t.sql().await,
            &format!(
                "SELECT m.id, m.name FROM member m JOIN org o ON o.id = {village} \
                 WHERE m.org_path LIKE o.path || '%' AND m.status = 'full' AND m.birth_date > '{}' \
                 ORDER BY m.id LIMIT 2",
                days_ago(50 * 365)
            ),
        )
        .await;
        assert_eq!(young.len(), 2, "two members under 50 in the village");
        let member =
            |r: &Vec<String>| json!({"member_id": r[0].parse::<i64>().expect("id"), "name": r[1]});
        let (secretary, organizer) = (&member(&young[0]), &member(&young[1]));
        let path = format!("/api/v1/elections/{id}/candidates");
        for (body, post, who) in [
            (
                "party",
                "secretary",
                json!({"member_id": secretary["member_id"]}),
            ),
            (
                "party",
                "organization",
                json!({"member_id": organizer["member_id"]}),
            ),
            (
                "residents",
                "director",
                json!({"member_id": secretary["member_id"]}),
            ),
            (
                "residents",
                "member",
                json!({"person": {"name": "柳青禾", "id_number": id_number(1992, 4, 5, 22), "education": "本科"}}),
            ),
            (
                "residents",
                "member",
                json!({"person": {"name": "程大坤", "id_number": id_number(1979, 8, 9, 31), "education": "初中"}}),
            ),
        ] {
            let mut b = who.clone();
            b["body"] = json!(body);
            b["post"] = json!(post);
            let (s, v) = town.post(&path, &b).await;
            assert_eq!(s, StatusCode::OK, "{body} {post}: {v}");
        }
        // Bad input names its field and adds no one.
        let candidates = "SELECT COUNT(*) FROM election_candidate WHERE election_id = ";
        let before_bad = t.count(&format!("{candidates}{id}")).await;
        for (b, field, code) in [
            (
                json!({"body": "residents", "post": "member", "person": {"name": "错号", "id_number": "500102199001011234", "education": "本科"}}),
                "id_number",
                "checksum",
            ),
            (
                json!({"body": "party", "post": "secretary", "person": {"name": "非党员"}}),
                "member_id",
                "required",
            ),
            (
                json!({"body": "party", "post": "主任", "member_id": organizer["member_id"]}),
                "post",
                "invalid",
            ),
            (
                json!({"body": "residents", "post": "member", "person": {"name": "另一个名字", "id_number": id_number(1992, 4, 5, 22), "education": "本科"}}),
                "id_number",
                "name_mismatch",
            ),
            (
                json!({"body": "residents", "post": "director", "person": {"name": "年长者", "id_number": id_number(1950, 1, 1, 41), "education": "senior"}}),
                "post",
                "too_old",
            ),
            (
                json!({"body": "party", "post": "propaganda", "member_id": secretary["member_id"]}),
                "member_id",
                "duplicate",
            ),
        ] {
            let (s, v) = town.post(&path, &b).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {v}");
            let (f, c) = refusal(&v);
            assert_eq!(f, field, "{b}: {v}");
            if code != "checksum" {
                assert_eq!(c, code, "{b}: {v}");
            }
        }
        assert_eq!(t.count(&format!("{candidates}{id}")).await, before_bad);

        // The county's joint vetting is the district's: one refused with a listed reason.
        let (_, e) = town.get_json(&format!("/api/v1/elections/{id}")).await;
        assert_eq!(e["stage"], "vetting");
        let refused = candidate(&e, "程大坤", "residents")["id"]
            .as_i64()
            .expect("id");
        let vet = format!("/api/v1/election-candidates/{refused}/vetting");
        let (s, _) = town.post(&vet, &json!({"result": "passed"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin
            .post(&vet, &json!({"result": "refused", "reason": "看着不顺眼"}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("reason", "invalid_choice")
            )
        );
        let (s, v) = admin.post(&vet, &json!({"result": "refused"})).await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("reason", "required"))
        );
        let (s, v) = admin
            .post(
                &vet,
                &json!({"result": "refused", "reason": "存在村霸或涉黑涉恶问题"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let mut elected = Vec::new();
        for c in e["candidates"].as_array().expect("candidates") {
            let cid = c["id"].as_i64().expect("id");
            if cid != refused {
                let (s, v) = admin
                    .post(
                        &format!("/api/v1/election-candidates/{cid}/vetting"),
                        &json!({"result": "通过"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                elected.push(cid);
            }
        }
        let (_, e) = town.get_json(&format!("/api/v1/elections/{id}")).await;
        assert_eq!(e["stage"], "voting");
        assert_eq!(
            candidate(&e, "程大坤", "residents")["refusal_reason"],
            "存在村霸或涉黑涉恶问题"
        );

        // The refused cannot be elected, and nothing moves.
        let result = format!("/api/v1/elections/{id}/result");
        let mut with_refused = elected.clone();
        with_refused.push(refused);
        let (s, v) = town
            .post(
                &result,
                &json!({"party_voted_on": days_ago(5), "residents_voted_on": days_ago(2), "elected": with_refused}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("elected", "not_vetted"))
        );
        let (s, v) = town
            .post(&result, &json!({"party_voted_on": days_ago(60), "residents_voted_on": days_ago(2), "elected": elected}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("party_voted_on", "before_start")
            )
        );
        let residents_only: Vec<i64> = e["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .filter(|c| c["body"] == "residents" && c["id"] != refused)
            .filter_map(|c| c["id"].as_i64())
            .collect();
        let (s, v) = town
            .post(&result, &json!({"party_voted_on": days_ago(5), "residents_voted_on": days_ago(2), "elected": residents_only}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("party_voted_on", "none_elected")
            )
        );
        // A member who joined the residents' committee ten days ago cannot be voted out by a
        // vote held twenty days ago.
        let (s, late) = town
            .post(
                &format!("/api/v1/villages/{village}/residents-posts"),
                &json!({"post": "member", "started_on": days_ago(10),
                    "person": {"name": "闵晓", "id_number": id_number(1991, 9, 9, 62), "education": "大专"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{late}");
        let (s, v) = town
            .post(&result, &json!({"party_voted_on": days_ago(5), "residents_voted_on": days_ago(20), "elected": elected}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("residents_voted_on", "before_term")
            )
        );
        let (_, still) = town
            .get_json(&format!("/api/v1/villages/{village}/committee"))
            .await;
        assert_eq!(still["party"], before["party"]);
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM election WHERE id = {id} AND finished_on IS NULL"
            ))
            .await,
            1
        );

        let (s, done) = town
            .post(&result, &json!({"party_voted_on": days_ago(5), "residents_voted_on": days_ago(2), "elected": elected}))
            .await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["stage"], "finished");
        let finished = dangjian_service::today() - time::Duration::days(2);
        let term_end =
            time::Date::from_calendar_date(finished.year() + 5, finished.month(), finished.day())
                .expect("term end");
        assert_eq!(done["election"]["term_ends_on"], term_end.to_string());
        let (s, v) = town.post(&result, &json!({"elected": elected})).await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("election", "finished"))
        );

        // The new committees: 一肩挑, the old posts ended on the vote days, the organization
        // names its new secretary.
        let (_, after) = town
            .get_json(&format!("/api/v1/villages/{village}/committee"))
            .await;
        let name = secretary["name"].as_str().expect("name");
        let party = after["party"].as_array().expect("party");
        assert_eq!(party.len(), 2, "{after}");
        assert!(
            party
                .iter()
                .any(|p| p["post"] == "secretary" && p["name"] == name),
            "{after}"
        );
        let residents = after["residents"].as_array().expect("residents");
        assert_eq!(residents.len(), 2, "{after}");
        assert_eq!(after["one_shoulder"], true, "{after}");
        assert_eq!(after["cross_posted"], json!([name]));
        let former = after["former"].as_array().expect("former");
        for old in before["party"].as_array().expect("party") {
            assert!(
                former.iter().any(|f| f["id"] == old["id"]
                    && f["body"] == "party"
                    && f["ended_on"] == days_ago(5)),
                "{old} ended on the party vote: {after}"
            );
        }
        for old in before["residents"].as_array().expect("residents") {
            assert!(
                former.iter().any(|f| f["id"] == old["id"]
                    && f["body"] == "residents"
                    && f["ended_on"] == days_ago(2)),
                "{old} ended on the residents' vote: {after}"
            );
        }
        let (_, org) = town.get_json(&format!("/api/v1/orgs/{village}")).await;
        assert_eq!(org["secretary"], name, "{org}");

        // The statistics of this year below the town count the election, against the term it
        // closed.
        let (s, stats) = town
            .get_json(&format!(
                "/api/v1/elections/stats?year={}",
                dangjian_service::today().year()
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{stats}");
        assert_eq!(stats["finished"], 1, "{stats}");
        assert_eq!(stats["new_term"]["villages"], 1, "{stats}");
        assert_eq!(stats["new_term"]["one_shoulder"], 1, "{stats}");
        assert_eq!(stats["new_term"]["people"], 3, "{stats}");
        let now: Vec<&Value> = party.iter().chain(residents).collect();
        let expected = structure(&now, finished);
        for (field, value) in &expected {
            assert_eq!(&stats["new_term"][field], value, "{field}: {stats}");
        }
        let mut replaced: Vec<i64> = before["party"]
            .as_array()
            .into_iter()
            .chain(before["residents"].as_array())
            .flatten()
            .chain(std::iter::once(&late))
            .filter_map(|p| p["person_id"].as_i64())
            .collect();
        replaced.sort_unstable();
        replaced.dedup();
        assert_eq!(stats["previous_term"]["people"], replaced.len(), "{stats}");
        let closed: Vec<&Value> = before["party"]
            .as_array()
            .into_iter()
            .chain(before["residents"].as_array())
            .flatten()
            .chain(std::iter::once(&late))
            .collect();
        for (field, value) in structure(&closed, finished) {
            assert_eq!(stats["previous_term"][field], value, "{field}: {stats}");
        }
        assert_eq!(
            stats["children"][0]["new_term"], stats["new_term"],
            "{stats}"
        );
        assert_eq!(
            stats["children"].as_array().map(Vec::len),
            Some(1),
            "{stats}"
        );
        assert_eq!(stats["children"][0]["finished"], 1, "{stats}");

        // What an election reported stays as it was: a correction of its people's facts
        // afterwards changes the committees now, not the year's statistics.
        let ids: Vec<String> = now
            .iter()
            .filter_map(|p| p["person_id"].as_i64())
            .map(|id| id.to_string())
            .collect();
        let facts = format!(
            "SELECT id, gender, education, birth_date FROM person WHERE id IN ({})",
            ids.join(", ")
        );
        let kept = rows(&mut *t.sql().await, &facts).await;
        assert!(!kept.is_empty());
        t.exec(&format!(
            "UPDATE person SET gender = 'female', education = 'postgraduate', birth_date = '2000-01-01' \
             WHERE id IN ({})",
            ids.join(", ")
        ))
        .await;
        let (_, again) = town
            .get_json(&format!(
                "/api/v1/elections/stats?year={}",
                dangjian_service::today().year()
            ))
            .await;
        assert_eq!(again, stats);
        for r in &kept {
            t.exec(&format!(
                "UPDATE person SET gender = '{}', education = '{}', birth_date = '{}' WHERE id = {}",
                r[1], r[2], r[3], r[0]
            ))
            .await;
        }

        let actions = rows(
            &mut *t.sql().await,
            &format!("SELECT DISTINCT action FROM audit_log WHERE object_type = 'election' AND object_id = '{id}' ORDER BY action"),
        )
        .await;
        let actions: Vec<&str> = actions.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            actions,
            [
                "election.candidate",
                "election.open",
                "election.result",
                "election.vet"
            ]
        );
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

on_both!(
    residents_posts_and_the_pool_refuse_bad_input_and_stay_in_scope,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let village = t.account_named("baitao-village").scope_org_id;
        let (_, c) = town
            .get_json(&format!("/api/v1/villages/{village}/committee"))
            .await;
        let posts = "SELECT COUNT(*) FROM residents_post";
        let n = t.count(posts).await;
        let director = json!({"post": "director", "person": {"name": "石磊", "id_number": id_number(1985, 6, 7, 51), "education": "大专"}});
        let (s, v) = town
            .post(
                &format!("/api/v1/villages/{village}/residents-posts"),
                &director,
            )
            .await;
        assert!(
            c["residents"]
                .as_array()
                .is_some_and(|r| r.iter().any(|p| p["post"] == "director")),
            "the demo's village has a director: {c}"
        );
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("post", "held"))
        );
        assert_eq!(t.count(posts).await, n);
        let member = json!({"post": "member", "started_on": days_ago(10),
            "person": {"name": "石磊", "id_number": id_number(1985, 6, 7, 51), "education": "大专"}});
        let (s, seat) = town
            .post(
                &format!("/api/v1/villages/{village}/residents-posts"),
                &member,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{seat}");
        let relieve = format!(
            "/api/v1/villages/{village}/residents-posts/{}/relieve",
            seat["id"]
        );
        let (s, v) = town
            .post(&relieve, &json!({"ended_on": days_ago(20)}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("ended_on", "before_start")
            )
        );
        let (s, v) = town.post(&relieve, &json!({"ended_on": days_ago(1)})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = town.post(&relieve, &json!({})).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("ended_on", "already_ended")
            )
        );

        // The pool: the same person twice is refused; the village's target moves its gap.
        let (_, pools) = town.get_json("/api/v1/reserve-pools").await;
        let line = |p: &Value| {
            p["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|x| x["org_id"] == village)
                .cloned()
                .expect("the village's pool")
        };
        let was = line(&pools)["in_pool"].as_i64().expect("in_pool");
        let add = json!({"org_id": village, "source": "返乡回引人员", "training": "跟岗锻炼",
            "person": {"name": "何晓燕", "id_number": id_number(1996, 2, 3, 62), "education": "本科"}});
        let (s, r) = town.post("/api/v1/reserves", &add).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["source"], "returnee");
        let (s, v) = town.post("/api/v1/reserves", &add).await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "duplicate"))
        );
        let (s, v) = town
            .post(
                "/api/v1/reserves",
                &json!({"org_id": village, "source": "外星人"}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("source", "invalid_choice")
            )
        );
        let (s, _) = town
            .send_json(
                Method::PUT,
                &format!("/api/v1/villages/{village}/reserve-target"),
                &json!({"target": was + 3}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, pools) = town.get_json("/api/v1/reserve-pools").await;
        let now = line(&pools);
        assert_eq!(now["in_pool"], was + 1, "{now}");
        assert_eq!(
            (
                now["target"].clone(),
                now["own_target"].clone(),
                now["shortfall"].clone()
            ),
            (json!(was + 3), json!(true), json!(2))
        );
        let (s, v) = town
            .send_json(
                Method::PUT,
                &format!("/api/v1/villages/{village}/reserve-target"),
                &json!({"target": 99}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("target", "out_of_range"))
        );
        let rid = r["id"].as_i64().expect("id");
        let (s, v) = town
            .post(
                &format!("/api/v1/reserves/{rid}/reviews"),
                &json!({"year": dangjian_service::today().year(), "grade": "优秀"}),
            )
            .await;
        assert_eq!(
            (s, v["review_grade"].clone()),
            (StatusCode::OK, json!("excellent"))
        );
        let (s, v) = town
            .post(
                &format!("/api/v1/reserves/{rid}/outcome"),
                &json!({"outcome": "left"}),
            )
            .await;
        assert_eq!((s, v["outcome"].clone()), (StatusCode::OK, json!("left")));
        let (s, v) = town
            .post(
                &format!("/api/v1/reserves/{rid}/outcome"),
                &json!({"outcome": "left"}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("outcome", "already_set"))
        );

        // A member of another town, by record or by ID number, is not this village's.
        let stranger: i64 = t.count(&format!(
                "SELECT MIN(m.id) FROM member m JOIN org o ON o.id = {} \
                 WHERE m.org_path NOT LIKE o.path || '%' AND m.status = 'full' AND m.org_path <> ''",
                t.account_named("town-500102013").scope_org_id
            ),
        )
        .await;
        let posts_now = t.count(posts).await;
        let (s, v) = town
            .post(
                &format!("/api/v1/villages/{village}/residents-posts"),
                &json!({"post": "member", "member_id": stranger}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("member_id", "not_found"))
        );
        let (s, v) = town
            .post(
                "/api/v1/reserves",
                &json!({"org_id": village, "source": "other", "member_id": stranger}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("member_id", "not_found"))
        );
        let (s, v) = town
            .post(
                &format!("/api/v1/villages/{village}/residents-posts"),
                &json!({"post": "member", "person": {"name": "随便", "id_number": id_of(t, stranger).await, "education": "本科"}}),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("id_number", "not_here"))
        );
        assert_eq!(t.count(posts).await, posts_now);

        // A member's account reads none of it; another town's admin finds nothing.
        let member = t.api("baitao-member").await;
        for path in [
            "/api/v1/villages/committees",
            "/api/v1/reserves",
            "/api/v1/elections",
        ] {
            let (s, _) = member.get_json(path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }
        let other = t.another_town();
        let other = t.api(&other).await;
        for path in [
            format!("/api/v1/villages/{village}/committee"),
            format!("/api/v1/reserves/{rid}"),
        ] {
            let (s, _) = other.get_json(&path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        }
        let (_, list) = other.get_json("/api/v1/reserves?q=何晓燕").await;
        assert_eq!(list["total"], 0, "{list}");
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_demo_committees_elections_and_pools_agree,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let villages = t
            .count(
                "SELECT COUNT(*) FROM org WHERE depth = 3 AND owner IN ('village', 'community') \
             AND kind NOT IN ('party_group', 'grid_group') AND closed_on IS NULL",
            )
            .await;
        assert!(villages > 0);
        let (s, stats) = admin.get_json("/api/v1/elections/stats?year=2021").await;
        assert_eq!(s, StatusCode::OK, "{stats}");
        assert_eq!(stats["finished"], villages, "{stats}");
        assert_eq!(stats["new_term"]["villages"], villages, "{stats}");
        assert!(
            stats["new_term"]["one_shoulder_percent"]
                .as_f64()
                .unwrap_or(0.0)
                > 50.0,
            "{stats}"
        );
        assert!(
            stats["new_term"]["women"].as_i64().unwrap_or(0) >= villages,
            "a woman in every residents' committee: {stats}"
        );
        assert!(
            stats["previous_term"]["villages"].as_i64().unwrap_or(0) > 0,
            "{stats}"
        );
        let talent_secretaries = t.count("SELECT COUNT(*) FROM reserve_cadre WHERE source = 'local_talent' AND outcome = 'elected'",
        )
        .await;
        assert!(talent_secretaries > 0);
        assert_eq!(
            stats["local_talent_secretaries"], talent_secretaries,
            "{stats}"
        );
        let (_, pools) = admin.get_json("/api/v1/reserve-pools").await;
        let in_pool = t
            .count("SELECT COUNT(*) FROM reserve_cadre WHERE outcome IS NULL")
            .await;
        assert!(in_pool > 0);
        assert_eq!(pools["in_pool_sum"], in_pool, "{pools}");
        assert_eq!(pools["total"], villages, "{pools}");
        assert_eq!(pools["default_target"], 3);
        // Every member still has their person, and persons' identities match their members'.
        assert_eq!(
            t.count("SELECT COUNT(*) FROM member WHERE person_id IS NULL")
                .await,
            0
        );
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM member m JOIN person p ON p.id = m.person_id \
                 WHERE p.id_index <> m.id_index OR p.name <> m.name",
            )
            .await,
            0
        );
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

/// A member's ID number, read as the platform reads it.
async fn id_of(t: &TestApp, member: i64) -> String {
    let mut conn = t.sql().await;
    let cipher: Vec<u8> = sqlx::Row::get(
        &sqlx::query("SELECT id_cipher FROM member WHERE id = $1")
            .bind(member)
            .fetch_one(&mut *conn)
            .await
            .expect("member"),
        0,
    );
    t.app.crypto().decrypt(&cipher).expect("readable")
}

async fn upload_committees(
    api: &crate::harness::Api,
    org: i64,
    rows: &[Vec<String>],
) -> (StatusCode, Value) {
    let headers = [
        "村(社区)组织代码",
        "委员会",
        "职务",
        "姓名",
        "身份证号",
        "民族",
        "学历",
        "手机号",
        "选举日期",
    ];
    let bytes = dangjian_report::roster::write("两委成员名册", &headers, rows, &[]).expect("xlsx");
    crate::roster::upload_kind(api, org, "committees", "两委.xlsx", bytes).await
}

on_both!(
    a_committee_roster_records_the_elections_it_lists,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let village = t.account_named("baitao-village").scope_org_id;
        let (_, o) = town.get_json(&format!("/api/v1/orgs/{village}")).await;
        let code = o["code"].as_str().expect("code").to_string();
        let young = rows(
            &mut *t.sql().await,
            &format!(
                "SELECT m.id, m.name FROM member m JOIN org o ON o.id = {village} \
                 WHERE m.org_path LIKE o.path || '%' AND m.status = 'full' AND m.birth_date > '{}' \
                 ORDER BY m.id LIMIT 2",
                days_ago(50 * 365)
            ),
        )
        .await;
        assert_eq!(young.len(), 2);
        let (a, b) = (&young[0], &young[1]);
        let (a_id, b_id) = (
            id_of(t, a[0].parse().expect("id")).await,
            id_of(t, b[0].parse().expect("id")).await,
        );
        let on = days_ago(3);
        // The cells without 民族, which is left blank (汉族).
        let row = |cells: [&str; 8]| {
            let mut v: Vec<String> = cells.iter().map(|c| (*c).to_string()).collect();
            v.insert(5, String::new());
            v
        };
        let newcomer = id_number(1990, 7, 8, 73);
        let rows_in = vec![
            row([
                &code,
                "村(社区)党组织",
                "书记",
                &a[1],
                &a_id,
                "大专",
                "",
                &on,
            ]),
            row([
                &code,
                "村(社区)党组织",
                "组织委员",
                &b[1],
                &b_id,
                "高中/中专",
                "",
                &on,
            ]),
            row([
                &code,
                "村(居)民委员会",
                "主任",
                &a[1],
                &a_id,
                "大专",
                "",
                &on,
            ]),
            row([
                &code,
                "村(居)民委员会",
                "委员",
                "龙小梅",
                &newcomer,
                "本科",
                "13912345678",
                &on,
            ]),
            // Refused: unknown village, a non-member on the party committee, a second
            // secretary, a bad ID number, a vote in the future.
            row([
                "NO-SUCH",
                "村(居)民委员会",
                "委员",
                "甲",
                &id_number(1991, 1, 1, 81),
                "本科",
                "",
                &on,
            ]),
            row([
                &code,
                "村(社区)党组织",
                "宣传委员",
                "乙",
                &id_number(1991, 1, 1, 91),
                "本科",
                "",
                &on,
            ]),
            row([
                &code,
                "村(社区)党组织",
                "书记",
                &b[1],
                &b_id,
                "高中/中专",
                "",
                &on,
            ]),
            row([
                &code,
                "村(居)民委员会",
                "委员",
                "丙",
                "500102199101011111",
                "本科",
                "",
                &on,
            ]),
            row([
                &code,
                "村(居)民委员会",
                "副主任",
                "丁",
                &id_number(1992, 2, 2, 95),
                "本科",
                "",
                &days_ago(-5),
            ]),
        ];
        // A committee is replaced whole or not at all: the good rows of a village's committee
        // with a refused row are held back with it.
        let (s, job) = upload_committees(&town, town_id, &rows_in).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(
            (
                job["total"].clone(),
                job["valid"].clone(),
                job["invalid"].clone()
            ),
            (json!(9), json!(0), json!(9)),
            "{job}"
        );
        let errors = job["errors"].as_array().expect("errors");
        let columns: Vec<&str> = errors
            .iter()
            .map(|e| e["problems"][0][0].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            columns,
            [
                "村(社区)组织代码",
                "村(社区)组织代码",
                "村(社区)组织代码",
                "村(社区)组织代码",
                "村(社区)组织代码",
                "身份证号",
                "职务",
                "身份证号",
                "选举日期"
            ],
            "{job}"
        );
        for e in &errors[..4] {
            assert!(
                e["problems"][0][1]
                    .as_str()
                    .unwrap_or_default()
                    .contains("本组未导入"),
                "{e}"
            );
        }
        let (s, job) = upload_committees(&town, town_id, &rows_in[..4]).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(
            (job["valid"].clone(), job["invalid"].clone()),
            (json!(4), json!(0)),
            "{job}"
        );
        // Nothing is written before the commit.
        let elections = format!("SELECT COUNT(*) FROM election WHERE org_id = {village}");
        let before = t.count(&elections).await;
        let id = job["id"].as_i64().expect("job");
        let (s, v) = town
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert!(s.is_success(), "{v}");
        let done = crate::roster::wait_done(&town, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(t.count(&elections).await, before + 1);
        let (_, c) = town
            .get_json(&format!("/api/v1/villages/{village}/committee"))
            .await;
        assert_eq!(c["one_shoulder"], true, "{c}");
        assert_eq!(c["party"].as_array().map(Vec::len), Some(2), "{c}");
        assert_eq!(c["residents"].as_array().map(Vec::len), Some(2), "{c}");
        assert!(
            c["party"]
                .as_array()
                .expect("party")
                .iter()
                .all(|p| p["started_on"] == on),
            "{c}"
        );
        let (_, stats) = town
            .get_json(&format!(
                "/api/v1/elections/stats?year={}",
                dangjian_service::today().year()
            ))
            .await;
        assert_eq!(stats["finished"], 1, "{stats}");
        assert_eq!(stats["new_term"]["people"], 3, "{stats}");

        // A vote earlier than the members now in office took their posts is refused.
        let early = [row([
            &code,
            "村(社区)党组织",
            "书记",
            &a[1],
            &a_id,
            "大专",
            "",
            &days_ago(10),
        ])];
        let (_, again) = upload_committees(&town, town_id, &early).await;
        assert_eq!(again["invalid"], 1, "{again}");
        assert_eq!(again["errors"][0]["problems"][0][0], "选举日期", "{again}");

        // A village with an election under way is refused, row by row.
        let (s, _) = town
            .post(
                "/api/v1/elections",
                &json!({"org_id": village, "started_on": days_ago(1)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, again) = upload_committees(&town, town_id, &rows_in[..1]).await;
        assert_eq!(again["invalid"], 1, "{again}");
        assert!(
            again["errors"][0]["problems"][0][1]
                .as_str()
                .unwrap_or_default()
                .contains("正在进行的换届"),
            "{again}"
        );
        // A village's own account may not import committees.
        let (s, _) =
            upload_committees(&t.api("baitao-village").await, village, &rows_in[..1]).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // The committees' structure kept as counters agrees with a recount.
        t.assert_counters_agree().await;
    }
);

on_both!(
    every_cadre_list_exports_all_its_rows_audited,
    async |t: &TestApp| {
        let b = t.browser("town-500102013").await;
        let villages = t
            .count(&format!(
                "SELECT COUNT(*) FROM org o JOIN org t ON t.id = o.parent_id \
                 WHERE t.id = {} AND o.owner IN ('village', 'community') AND o.closed_on IS NULL \
                 AND o.kind NOT IN ('party_group', 'grid_group')",
                t.account_named("town-500102013").scope_org_id
            ))
            .await;
        assert!(villages > 0);
        let exports = "SELECT COUNT(*) FROM audit_log WHERE action = 'export'";
        let before = t.count(exports).await;
        // Each list's sheet: a title row, the header, then one row per record, every page.
        let per_row = |cells: &[String], header: &str| {
            let i = cells
                .iter()
                .position(|c| c == header)
                .unwrap_or_else(|| panic!("{header} in {cells:?}"));
            cells[i..].to_vec()
        };
        let cells = b.xlsx_cells("/cadres/villages/export.xlsx", "两委").await;
        let body = per_row(&cells, "村(社区)");
        assert_eq!(body.len() % 9, 0, "{body:?}");
        assert_eq!((body.len() / 9 - 1) as i64, villages, "{body:?}");
        let cells = b
            .xlsx_cells("/cadres/reserve-pools/export.xlsx", "后备力量目标")
            .await;
        let body = per_row(&cells, "村(社区)");
        assert_eq!((body.len() / 5 - 1) as i64, villages, "{body:?}");
        let in_pool = t
            .count(&format!(
                "SELECT COUNT(*) FROM reserve_cadre r JOIN org o ON o.id = r.org_id \
                 WHERE o.parent_id = {} AND r.outcome IS NULL",
                t.account_named("town-500102013").scope_org_id
            ))
            .await;
        let cells = b
            .xlsx_cells("/cadres/reserves/export.xlsx?state=pool", "后备力量")
            .await;
        assert!(in_pool > 0);
        assert_eq!(
            cells.iter().filter(|c| *c == "在库").count() as i64,
            in_pool,
            "one line per reserve cadre in the pool"
        );
        let cells = b.xlsx_cells("/cadres/elections/export.xlsx", "换届").await;
        assert!(cells.iter().any(|c| c == "已完成"), "{cells:?}");
        let cells = b
            .xlsx_cells("/cadres/elections/stats/export.xlsx?year=2021", "换届统计")
            .await;
        assert!(cells.iter().any(|c| c.contains("一肩挑")), "{cells:?}");
        assert_eq!(t.count(exports).await, before + 5);
    }
);

/// The structure figures of these posts (each person once), counted here from the committee
/// the API shows, to hold the statistics' SQL to the rules: 交叉任职, women, education bands,
/// under 35 and the average age on the day the election finished.
fn structure(seats: &[&Value], today: time::Date) -> Vec<(&'static str, Value)> {
    let mut people: Vec<(i64, &Value, usize)> = Vec::new();
    for s in seats {
        let id = s["person_id"].as_i64().expect("person_id");
        match people.iter_mut().find(|(p, _, _)| *p == id) {
            Some(p) => p.2 += 1,
            None => people.push((id, s, 1)),
        }
    }
    assert!(!people.is_empty(), "no posts to count");
    let ages: Vec<i64> = people
        .iter()
        .map(|(_, s, _)| {
            let born = time::Date::parse(
                s["birth_date"].as_str().expect("birth_date"),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .expect("a birth date");
            let mut age = i64::from(today.year() - born.year());
            if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
                age -= 1;
            }
            age
        })
        .collect();
    let count = |f: &dyn Fn(&Value) -> bool| people.iter().filter(|(_, s, _)| f(s)).count();
    let average = (ages.iter().sum::<i64>() as f64 / ages.len() as f64 * 10.0).round() / 10.0;
    vec![
        (
            "cross_posted",
            json!(people.iter().filter(|p| p.2 > 1).count()),
        ),
        ("women", json!(count(&|s| s["gender"] == "female"))),
        (
            "college_plus",
            json!(count(&|s| ["college", "bachelor", "postgraduate"]
                .contains(&s["education"].as_str().unwrap_or_default()))),
        ),
        (
            "bachelor_plus",
            json!(count(&|s| ["bachelor", "postgraduate"]
                .contains(&s["education"].as_str().unwrap_or_default()))),
        ),
        ("under_35", json!(ages.iter().filter(|a| **a < 35).count())),
        ("average_age", json!(average)),
    ]
}
