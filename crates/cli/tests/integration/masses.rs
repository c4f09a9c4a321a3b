//! 党员联系群众 over the API and the pages: grids, households with a masked phone, pairings
//! with their history, deeds recorded by secretaries and by members themselves, coverage
//! that stays equal to a recount, and households invisible outside their subtree.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, TestApp};
use crate::on_both;

async fn me(api: &Api) -> Value {
    api.get_json("/api/v1/me").await.1
}

async fn coverage(api: &Api, org: i64) -> (i64, i64, i64) {
    let (s, c) = api
        .get_json(&format!("/api/v1/masses/coverage?org={org}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let t = &c["total"];
    (
        t["households"].as_i64().unwrap_or(-1),
        t["paired"].as_i64().unwrap_or(-1),
        t["deeds"].as_i64().unwrap_or(-1),
    )
}

fn today() -> String {
    dangjian_domain::date::format(dangjian_service::today())
}

fn yesterday() -> String {
    dangjian_domain::date::format(
        dangjian_service::today()
            .previous_day()
            .expect("a day before"),
    )
}

on_both!(
    households_are_paired_served_and_counted_within_their_subtree,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = me(&village).await["scope_org_id"].as_i64().expect("scope");

        let (s, g) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "测试网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let grid = g["id"].as_i64().expect("grid id");
        let (s, e) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "测试网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "duplicate");
        let town = t.api("town-500102013").await;
        let town_id = me(&town).await["scope_org_id"].as_i64().expect("scope");
        let (s, e) = town
            .post(
                "/api/v1/grids",
                &json!({ "org_id": town_id, "name": "镇级网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "not_a_community");

        let (h0, p0, d0) = coverage(&village, vid).await;
        let (s, e) = village
            .post(
                &format!("/api/v1/grids/{grid}/households"),
                &json!({ "address": "", "head_name": "王建国", "phone": "12345", "size": "0", "legal_basis": "" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(coverage(&village, vid).await.0, h0, "nothing stored");
        let (s, h) = village
            .post(
                &format!("/api/v1/grids/{grid}/households"),
                &json!({
                    "address": "花园社区 3 栋 2 单元 501", "head_name": "王建国", "phone": "13800138000",
                    "size": "3", "needs": ["独居老人", "low_income"], "legal_basis": "duty"
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let hid = h["id"].as_i64().expect("household id");
        assert_eq!(h["phone_masked"], "138****8000");
        assert!(
            !h.to_string().contains("13800138000"),
            "the phone is never sent in full: {h}"
        );
        assert_eq!(h["needs"], "elderly_alone,low_income");
        assert_eq!(coverage(&village, vid).await, (h0 + 1, p0, d0));

        let (_, members) = village
            .get_json(&format!("/api/v1/members?org={vid}&per_page=5"))
            .await;
        let member = t.api("baitao-member").await;
        let own = me(&member).await["member_id"].as_i64().expect("member id");
        let ids: Vec<i64> = members["items"]
            .as_array()
            .expect("members")
            .iter()
            .filter_map(|m| m["id"].as_i64())
            .filter(|id| *id != own)
            .collect();
        let (first, second) = (ids[0], ids[1]);
        let (s, v) = village
            .post(
                &format!("/api/v1/households/{hid}/pairing"),
                &json!({ "member_id": first }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["member_id"], first);
        assert_eq!(coverage(&village, vid).await.1, p0 + 1);
        let (s, e) = village
            .post(
                &format!("/api/v1/households/{hid}/pairing"),
                &json!({ "member_id": first }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "already_paired");
        let (s, v) = village
            .post(
                &format!("/api/v1/households/{hid}/pairing"),
                &json!({ "member_id": second }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let history = v["pairings"].as_array().expect("history");
        assert_eq!(history.len(), 2);
        assert_eq!(history[0]["member_id"], second);
        assert_eq!(
            history[1]["to_on"],
            today(),
            "the first pairing ended today"
        );
        assert_eq!(
            coverage(&village, vid).await.1,
            p0 + 1,
            "still one household"
        );

        // Deeds: the household's member, on a day they served it.
        let deed = |when: String| json!({ "done_on": when, "kind": "visit", "description": "入户走访", "hours": "1.5", "household_id": hid });
        let (s, e) = village
            .post(
                &format!("/api/v1/members/{second}/deeds"),
                &deed(yesterday()),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not yet paired yesterday"
        );
        assert_eq!(e["error"]["code"], "not_paired");
        let (s, d) = village
            .post(&format!("/api/v1/members/{second}/deeds"), &deed(today()))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let (_, list) = village
            .get_json(&format!("/api/v1/deeds?org={vid}&household={hid}"))
            .await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["minutes"], 90);
        assert_eq!(list["items"][0]["confirmed"], true);
        assert_eq!(coverage(&village, vid).await.2, d0 + 1);

        // Out of scope: another town sees and changes nothing of it.
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let other = t.api(&other.username).await;
        for path in [
            format!("/api/v1/households/{hid}"),
            format!("/api/v1/grids/{grid}"),
        ] {
            assert_eq!(
                other.get_json(&path).await.0,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let (s, _) = other
            .post(
                &format!("/api/v1/households/{hid}/pairing"),
                &json!({ "member_id": first }),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, theirs) = other.get_json("/api/v1/households?q=花园社区 3 栋").await;
        assert_eq!(theirs["total"], 0);

        // A member serves a household and records their own deed; the branch confirms it.
        assert_eq!(
            member
                .get_json(&format!("/api/v1/households/{hid}"))
                .await
                .0,
            StatusCode::NOT_FOUND,
            "not theirs yet"
        );
        let (_, theirs) = member.get_json("/api/v1/households").await;
        let served = |v: &Value| -> Vec<i64> {
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .inspect(|h| assert_eq!(h["member_id"], own, "only their own households"))
                .filter_map(|h| h["id"].as_i64())
                .collect()
        };
        let before = served(&theirs);
        assert_eq!(theirs["total"], before.len());
        assert!(!before.contains(&hid));
        let (s, v) = village
            .post(
                &format!("/api/v1/households/{hid}/pairing"),
                &json!({ "member_id": own }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            member
                .get_json(&format!("/api/v1/households/{hid}"))
                .await
                .0,
            StatusCode::OK
        );
        let (_, theirs) = member.get_json("/api/v1/households").await;
        let after = served(&theirs);
        assert_eq!(after.len(), before.len() + 1);
        assert!(after.contains(&hid));
        let (s, d) = member
            .post(&format!("/api/v1/members/{own}/deeds"), &deed(today()))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let deed_id = d["id"].as_i64().expect("deed id");
        let (s, _) = member
            .post(&format!("/api/v1/members/{second}/deeds"), &deed(today()))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a member records only their own");
        let (s, _) = member
            .post(&format!("/api/v1/deeds/{deed_id}/confirm"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = village
            .post(&format!("/api/v1/deeds/{deed_id}/confirm"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, e) = village
            .post(&format!("/api/v1/deeds/{deed_id}/confirm"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "already_confirmed");

        let (s, _) = village
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/households/{hid}/pairing"),
                &Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(coverage(&village, vid).await, (h0 + 1, p0, d0 + 2));
        let (s, e) = village
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/households/{hid}/pairing"),
                &Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "not_paired");
        for path in ["/api/v1/households?need=富裕", "/api/v1/deeds?kind=bogus"] {
            let (s, e) = village.get_json(path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            assert_eq!(e["error"]["code"], "invalid_choice", "{path}");
        }
        let (_, needy) = village
            .get_json(&format!(
                "/api/v1/households?org={vid}&need=独居老人&q=花园社区"
            ))
            .await;
        assert_eq!(needy["total"], 1, "a need by its label, with a search");
        // Unfiltered totals come from the counters; filtered ones count rows: they agree.
        let total = |v: &Value| v["total"].as_i64().unwrap_or(-1);
        let (h, p, _) = coverage(&village, vid).await;
        let all = village
            .get_json(&format!("/api/v1/households?org={vid}"))
            .await
            .1;
        assert_eq!(total(&all), h);
        let unpaired = village
            .get_json(&format!("/api/v1/households?org={vid}&unpaired=true"))
            .await
            .1;
        assert_eq!(total(&unpaired), h - p);
        let grids = village
            .get_json(&format!("/api/v1/grids?org={vid}"))
            .await
            .1;
        let by_grid: i64 = grids["items"]
            .as_array()
            .expect("grids")
            .iter()
            .filter_map(|g| g["households"].as_i64())
            .sum();
        assert_eq!(by_grid, h, "grids hold every household");
        let deeds = village
            .get_json(&format!("/api/v1/deeds?org={vid}"))
            .await
            .1;
        let counted = village
            .get_json(&format!("/api/v1/deeds?org={vid}&from=2000-01-01"))
            .await
            .1;
        assert_eq!(total(&deeds), total(&counted));
        assert_eq!(deeds["minutes"], counted["minutes"]);
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_pages_list_households_masked_and_unmask_with_a_reason,
    async |t: &TestApp| {
        let b = t.browser("baitao-village").await;
        let (s, html) = b.page("/masses").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"coverage-rate\""), "{html}");
        let (s, html) = b.page("/grids").await;
        assert_eq!(s, StatusCode::OK);
        let grid: i64 = html
            .split("/households?grid=")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|id| id.parse().ok())
            .expect("a demo grid");
        let (s, html, _) = b
            .post_form(
                &format!("/households?grid={grid}"),
                &[
                    ("address", "花园路 8 号"),
                    ("head_name", "李秀英"),
                    ("size", ""),
                    ("legal_basis", "consent"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"size\""), "{html}");
        let (s, _, to) = b
            .post_form(
                &format!("/households?grid={grid}"),
                &[
                    ("address", "花园路 8 号"),
                    ("head_name", "李秀英"),
                    ("phone", "13900139000"),
                    ("size", "2"),
                    ("needs", "elderly_alone"),
                    ("needs", "sick"),
                    ("legal_basis", "consent"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("to the household");
        let (_, html) = b.page(&to).await;
        assert!(
            html.contains("139****9000") && !html.contains("13900139000"),
            "{html}"
        );
        assert!(html.contains("独居老人、大病重病"), "{html}");
        let (_, list) = b.page(&format!("/households?grid={grid}&q=花园路")).await;
        assert!(list.contains("李**") && !list.contains("李秀英"), "{list}");
        let (s, html, _) = b
            .post_form(&format!("{to}/unmask"), &[("reason", "核实")])
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason of four characters at least"
        );
        assert!(!html.contains("13900139000"));
        let (s, html, _) = b
            .post_form(
                &format!("{to}/unmask"),
                &[("reason", "联系住户核实困难情况")],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("13900139000"), "{html}");
        let (s, html) = b.page("/deeds").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("id=\"deeds\""),
            "the demo's deeds are listed: {html}"
        );

        // The lists export as filtered, masked, and audited.
        let r = b
            .client
            .get(t.url(&format!("/households/export.xlsx?grid={grid}&q=花园路")))
            .send()
            .await
            .expect("export");
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.expect("xlsx").to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
        let sheet = calamine::Reader::worksheet_range(&mut book, "住户").expect("sheet");
        let cells: Vec<String> = sheet.rows().flatten().map(ToString::to_string).collect();
        assert!(
            cells.contains(&"李**".to_string()) && cells.contains(&"139****9000".to_string()),
            "{cells:?}"
        );
        assert!(
            !cells
                .iter()
                .any(|c| c.contains("13900139000") || c.contains("李秀英"))
        );
        assert_eq!(
            sheet.height(),
            4,
            "title, a blank row, header and the one household"
        );
        let api = t.api("baitao-village").await;
        let r = api.get("/api/v1/deeds.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        let auditor = t.browser(&t.account("auditor").username).await;
        let (_, log) = auditor.page("/audit?action=export").await;
        assert!(
            log.contains("住户名单") && log.contains("好事实事"),
            "{log}"
        );
    }
);

on_both!(
    a_member_publishes_a_card_that_anyone_opens_and_nothing_else,
    async |t: &TestApp| {
        let member = t.api("baitao-member").await;
        let own = me(&member).await["member_id"].as_i64().expect("member id");
        let path = format!("/api/v1/members/{own}/card");
        let (s, c) = member.get_json(&path).await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["code"], Value::Null);
        assert_eq!(
            (c["can_edit"].as_bool(), c["can_set_duties"].as_bool()),
            (Some(true), Some(false))
        );
        let (s, e) = member
            .send_json(reqwest::Method::PUT, &path, &json!({ "published": true }))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["field"], "commitment");
        let (s, c) = member
            .send_json(
                reqwest::Method::PUT,
                &path,
                &json!({ "duties": "自己写的职责", "commitment": "随叫随到，有事必应", "published": true }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["duties"], "", "the branch sets the duties");
        let code = c["code"].as_str().expect("a code").to_string();
        assert_eq!(code.len(), 8);
        let secretary = t.api("baitao-secretary").await;
        let (s, c) = secretary
            .send_json(
                reqwest::Method::PUT,
                &path,
                &json!({ "duties": "负责第3网格联系服务", "commitment": "随叫随到，有事必应", "published": true }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(
            (c["duties"].as_str(), c["code"].as_str()),
            (Some("负责第3网格联系服务"), Some(code.as_str()))
        );

        // Anyone, without logging in, sees the name, the branch, duties and commitment only.
        let anyone = reqwest::Client::new();
        let r = anyone
            .get(t.url(&format!("/api/v1/cards/{code}")))
            .send()
            .await
            .expect("card");
        assert_eq!(r.status(), StatusCode::OK);
        let card: Value = r.json().await.expect("json");
        let mut keys: Vec<&str> = card
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["commitment", "duties", "has_photo", "name", "org_name"]
        );
        // Residents know places: the branch with its town and village.
        let place = card["org_name"].as_str().expect("org_name");
        assert!(
            place.starts_with("白涛街道 / ") && place.matches(" / ").count() >= 2,
            "{place}"
        );
        let page = anyone
            .get(t.url(&format!("/c/{code}")))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("html");
        assert!(
            html.contains("随叫随到，有事必应")
                && html.contains(card["name"].as_str().unwrap_or("?")),
            "{html}"
        );
        for forged in ["zzzzzzzz", "ABCDEFGH", "k7m2q9x0", "short"] {
            let r = anyone
                .get(t.url(&format!("/api/v1/cards/{forged}")))
                .send()
                .await
                .expect("forged");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{forged}");
        }

        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let other = t.api(&other.username).await;
        assert_eq!(other.get_json(&path).await.0, StatusCode::NOT_FOUND);
        let (s, _) = other
            .send_json(
                reqwest::Method::PUT,
                &path,
                &json!({ "commitment": "篡改" }),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let b = t.browser("baitao-secretary").await;
        let (s, html) = b.page(&format!("/members/{own}/card")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("<svg") && html.contains(&format!("/c/{code}")),
            "{html}"
        );

        let (s, _) = member
            .send_json(
                reqwest::Method::PUT,
                &path,
                &json!({ "commitment": "随叫随到，有事必应", "published": false }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let r = anyone
            .get(t.url(&format!("/c/{code}")))
            .send()
            .await
            .expect("page");
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "an unpublished card is gone"
        );
    }
);

on_both!(
    members_of_units_report_to_their_community_serve_and_are_rated_once_a_year,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = me(&village).await["scope_org_id"].as_i64().expect("scope");
        let town = t.api("town-500102013").await;
        let town_id = me(&town).await["scope_org_id"].as_i64().expect("scope");

        let member = t.api("baitao-member").await;
        let own = me(&member).await["member_id"].as_i64().expect("member id");
        let (s, e) = member
            .post(
                "/api/v1/reports",
                &json!({ "member_id": own, "community_id": vid }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "not_in_service");
        let (_, html) = t.browser("baitao-member").await.page("/masses").await;
        assert!(
            html.contains("id=\"report-form\"") && html.contains("<optgroup label=\"白涛街道\">"),
            "the communities to report to, grouped by their town: {html}"
        );

        // A member of the town's agencies, registered by the town.
        let (_, children) = town
            .get_json(&format!("/api/v1/orgs?parent={town_id}"))
            .await;
        let agency = children["items"]
            .as_array()
            .expect("children")
            .iter()
            .find(|c| c["code"].as_str().is_some_and(|c| c.ends_with("-JG")))
            .and_then(|c| c["id"].as_i64())
            .expect("the town's agency committee");
        let (_, ms) = town
            .get_json(&format!("/api/v1/members?org={agency}&per_page=1"))
            .await;
        let m = ms["items"][0]["id"].as_i64().expect("an agency member");
        let (s, r) = town
            .post(
                "/api/v1/reports",
                &json!({ "member_id": m, "community_id": vid }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let id = r["id"].as_i64().expect("report id");
        assert_eq!(r["community_id"], vid);
        let (s, e) = town
            .post(
                "/api/v1/reports",
                &json!({ "member_id": m, "community_id": vid }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "already_reported");

        let listed = |v: &Value| {
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|x| x["id"] == id)
                .cloned()
        };
        let (_, list) = village
            .get_json(&format!("/api/v1/reports?org={vid}"))
            .await;
        assert_eq!(listed(&list).expect("listed")["minutes"], 0);

        let service = |on: String| json!({ "done_on": on, "kind": "policy", "description": "社区政策宣讲", "hours": "2" });
        let (s, e) = village
            .post(
                &format!("/api/v1/reports/{id}/services"),
                &service(yesterday()),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "before_registered");
        let (s, _) = village
            .post(&format!("/api/v1/reports/{id}/services"), &service(today()))
            .await;
        assert_eq!(s, StatusCode::CREATED);

        let year = dangjian_service::today().year();
        let (s, e) = village
            .post(
                &format!("/api/v1/reports/{id}/rating"),
                &json!({ "year": year + 1, "rating": "excellent" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "invalid_year");
        let (s, _) = village
            .post(
                &format!("/api/v1/reports/{id}/rating"),
                &json!({ "rating": "优秀", "comment": "积极参加社区服务" }),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, e) = village
            .post(
                &format!("/api/v1/reports/{id}/rating"),
                &json!({ "rating": "good" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "already_rated");
        let (_, list) = village
            .get_json(&format!("/api/v1/reports?org={vid}"))
            .await;
        let row = listed(&list).expect("listed");
        assert_eq!(
            (row["minutes"].as_i64(), row["rating"].as_str()),
            (Some(120), Some("excellent"))
        );

        let b = t.browser("baitao-village").await;
        let (s, html) = b.page("/reports").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("id=\"reports\"") && html.contains("优秀"),
            "{html}"
        );

        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let other = t.api(&other.username).await;
        assert_eq!(
            other.get_json(&format!("/api/v1/reports/{id}")).await.0,
            StatusCode::NOT_FOUND
        );
        let (s, _) = other
            .post(
                &format!("/api/v1/reports/{id}/rating"),
                &json!({ "rating": "poor", "year": year - 1 }),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (s, _) = village
            .post(&format!("/api/v1/reports/{id}/end"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, list) = village
            .get_json(&format!("/api/v1/reports?org={vid}"))
            .await;
        assert!(listed(&list).is_none(), "an ended report leaves the list");
        let (s, e) = village
            .post(&format!("/api/v1/reports/{id}/end"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "ended");
    }
);

on_both!(
    the_service_structure_runs_street_community_estate_building,
    async |t: &TestApp| {
        let village = t.api("baitao-village").await;
        let vid = me(&village).await["scope_org_id"].as_i64().expect("scope");
        let town = t.api("town-500102013").await;
        let town_id = me(&town).await["scope_org_id"].as_i64().expect("scope");
        let create = |org: i64, parent: Option<i64>, name: &str| json!({ "org_id": org, "parent_id": parent, "name": name });

        let (s, g) = town
            .post(
                "/api/v1/service-units",
                &create(town_id, None, "测试联系集团"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        assert_eq!(g["tier"], "group");
        let group = g["id"].as_i64().expect("group");
        let (s, e) = village
            .post("/api/v1/service-units", &create(vid, None, "社区里的集团"))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "not_allowed_here");

        let (s, team) = village
            .post(
                "/api/v1/service-units",
                &create(vid, Some(group), "测试联系队"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{team}");
        assert_eq!(team["tier"], "team");
        let team = team["id"].as_i64().expect("team");
        // An estate's squad lies in a grid of its community, and its buildings' cells too.
        let (s, grid) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "分队网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{grid}");
        let grid = grid["id"].as_i64().expect("grid");
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, all_grids) = admin.get_json("/api/v1/grids").await;
        if let Some(foreign) = all_grids["items"]
            .as_array()
            .expect("grids")
            .iter()
            .find(|g| g["org_id"] != vid)
            .and_then(|g| g["id"].as_i64())
        {
            let mut body = create(vid, Some(team), "别处网格的分队");
            body["grid_id"] = json!(foreign);
            let (s, e) = village.post("/api/v1/service-units", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["error"]["field"], "grid_id");
        }
        let mut body = create(vid, Some(team), "测试分队");
        body["grid_id"] = json!(grid);
        let (s, squad) = village.post("/api/v1/service-units", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{squad}");
        assert_eq!(squad["grid_name"], "分队网格");
        let squad = squad["id"].as_i64().expect("squad");
        let (s, e) = village
            .post(
                "/api/v1/service-units",
                &create(vid, Some(team), "测试分队"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "duplicate");
        let (s, e) = town
            .post(
                "/api/v1/service-units",
                &create(town_id, Some(team), "镇里的分队"),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a squad stands at its team's community"
        );
        assert_eq!(e["error"]["code"], "unknown_unit");
        let (s, cell) = village
            .post(
                "/api/v1/service-units",
                &create(vid, Some(squad), "1号楼小组"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{cell}");
        assert_eq!(cell["tier"], "cell");
        assert_eq!(
            cell["grid_id"], grid,
            "a building lies in its estate's grid"
        );
        let cell = cell["id"].as_i64().expect("cell");
        let (s, e) = village
            .post(
                "/api/v1/service-units",
                &create(vid, Some(cell), "更下一级"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "lowest_tier");

        let (_, ms) = village
            .get_json(&format!("/api/v1/members?org={vid}&per_page=1"))
            .await;
        let m = ms["items"][0]["id"].as_i64().expect("a member");
        let path = format!("/api/v1/service-units/{cell}/members");
        let (s, v) = village
            .post(&path, &json!({ "member_id": m, "leader": true }))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["members"][0]["member_id"], m);
        assert_eq!(v["members"][0]["leader"], true);
        // The count and the list have names of their own (one key, one meaning).
        assert_eq!(v["member_count"], 1, "{v}");
        let (s, e) = village.post(&path, &json!({ "member_id": m })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "duplicate");
        let (_, sq) = village
            .get_json(&format!("/api/v1/service-units/{squad}"))
            .await;
        assert_eq!(sq["children"][0]["id"], cell);

        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let other = t.api(&other.username).await;
        assert_eq!(
            other
                .get_json(&format!("/api/v1/service-units/{cell}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let (s, _) = other.post(&path, &json!({ "member_id": m })).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let b = t.browser("baitao-village").await;
        let (s, html) = b.page("/service-units").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("测试联系队") && html.contains("1号楼小组"),
            "{html}"
        );

        let (s, _) = village
            .send_json(
                reqwest::Method::DELETE,
                &format!("{path}/{m}"),
                &Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = village
            .send_json(
                reqwest::Method::DELETE,
                &format!("{path}/{m}"),
                &Value::Null,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

/// A PNG's signature and some bytes: enough for the content check.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(&[7u8; 100]);
    b
}

async fn upload(api: &Api, path: &str, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(body).file_name(name.to_string()),
    );
    let r = api
        .client
        .post(format!("{}{}", api.base, path))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

on_both!(
    cards_and_deeds_carry_a_photo_shown_only_where_they_are,
    async |t: &TestApp| {
        let member = t.api("baitao-member").await;
        let own = me(&member).await["member_id"].as_i64().expect("member id");
        let photo_path = format!("/api/v1/members/{own}/card/photo");
        let (s, e) = upload(&member, &photo_path, "简历.pdf", b"%PDF-1.7".to_vec()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "not_an_image");
        let (s, e) = upload(&member, &photo_path, "我.png", png()).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let r = member.get(&photo_path).await;
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.expect("bytes").to_vec(), png());
        let other_town = t.api(&t.town_accounts()[6].username).await;
        assert_eq!(
            other_town.get(&photo_path).await.status(),
            StatusCode::NOT_FOUND
        );
        let (s, _) = upload(&other_town, &photo_path, "x.png", png()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "out of scope");

        // The public card shows it only once published.
        let (_, c) = member
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/members/{own}/card"),
                &json!({ "commitment": "随叫随到", "published": false }),
            )
            .await;
        let code = c["code"].as_str().expect("code").to_string();
        assert_eq!(c["has_photo"], true);
        let public = t.url(&format!("/api/v1/cards/{code}/photo"));
        assert_eq!(
            reqwest::get(&public).await.expect("get").status(),
            StatusCode::NOT_FOUND
        );
        member
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/members/{own}/card"),
                &json!({ "commitment": "随叫随到", "published": true }),
            )
            .await;
        let r = reqwest::get(&public).await.expect("get");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.expect("bytes").to_vec(), png());
        let html = reqwest::get(t.url(&format!("/c/{code}")))
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(html.contains(&format!("/c/{code}/photo")));

        // A deed's photo: by the member who did it, seen by the branch, not by others.
        let (s, d) = member
            .post(
                &format!("/api/v1/members/{own}/deeds"),
                &json!({ "done_on": dangjian_domain::date::format(dangjian_service::today()), "kind": "visit", "description": "入户走访", "hours": "1" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let deed = d["id"].as_i64().expect("deed");
        let deed_photo = format!("/api/v1/deeds/{deed}/photo");
        assert_eq!(
            member.get(&deed_photo).await.status(),
            StatusCode::NOT_FOUND,
            "none yet"
        );
        let (s, e) = upload(&member, &deed_photo, "走访.png", png()).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let secretary = t.api("baitao-secretary").await;
        assert_eq!(secretary.get(&deed_photo).await.status(), StatusCode::OK);
        assert_eq!(
            other_town.get(&deed_photo).await.status(),
            StatusCode::NOT_FOUND
        );
        let (_, page) = member.get_json("/api/v1/deeds").await;
        assert!(
            page["with_photo"]
                .as_array()
                .expect("with_photo")
                .iter()
                .any(|x| x == deed),
            "{page}"
        );
        let auditor = t.browser(&t.account("auditor").username).await;
        let (_, log) = auditor.page("/audit?action=deed.photo").await;
        assert!(log.contains("deed.photo"), "audited");
    }
);

on_both!(grids_sort_their_numbers_as_numbers, async |t: &TestApp| {
    let village = t.api("baitao-village").await;
    let vid = me(&village).await["scope_org_id"].as_i64().expect("scope");
    for name in ["排序第10组", "排序第2组", "排序第1组"] {
        let (s, g) = village
            .post("/api/v1/grids", &json!({ "org_id": vid, "name": name }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
    }
    let (_, grids) = village.get_json(&format!("/api/v1/grids?org={vid}")).await;
    let names: Vec<&str> = grids["items"]
        .as_array()
        .expect("grids")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .filter(|n| n.starts_with("排序"))
        .collect();
    assert_eq!(names, ["排序第1组", "排序第2组", "排序第10组"]);
    // The demo's own grids (第1网格 … 第N网格) come back in their numbers' order too.
    let demo: Vec<&str> = grids["items"]
        .as_array()
        .expect("grids")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .filter(|n| n.ends_with("网格"))
        .collect();
    assert!(!demo.is_empty(), "the village has demo grids");
    let mut natural = demo.clone();
    natural.sort_by_key(|n| dangjian_domain::natural::sort_key(n));
    assert_eq!(demo, natural);

    // A database from before the keys were kept gets them once, on start.
    let mut conn = t.sql().await;
    for sql in [
        "UPDATE grid SET sort_name = ''",
        "UPDATE service_unit SET sort_name = ''",
        "DELETE FROM setting WHERE key = 'sort_names'",
    ] {
        sqlx::query(sql)
            .execute(&mut *conn)
            .await
            .expect("downgrade");
    }
    dangjian_service::App::open(
        t.app.database(),
        t.app.crypto().clone(),
        dangjian_service::Config::default(),
    )
    .await
    .expect("reopen");
    let (_, again) = village.get_json(&format!("/api/v1/grids?org={vid}")).await;
    assert_eq!(
        again["items"], grids["items"],
        "the same order after the keys are filled"
    );
    let missing = crate::harness::rows(
        &mut conn,
        "SELECT (SELECT COUNT(*) FROM grid WHERE sort_name = '') + \
         (SELECT COUNT(*) FROM service_unit WHERE sort_name = '')",
    )
    .await;
    assert_eq!(missing, [["0".to_string()]]);
});

on_both!(
    households_past_their_retention_are_anonymised_and_the_figures_stay,
    async |t: &TestApp| {
        // The security administrator's period sets a new household's date.
        let security = t.api("security").await;
        let (_, mut policy) = security.get_json("/api/v1/security-policy").await;
        policy["household_retention_years"] = json!(2);
        let (s, v) = security
            .send_json(reqwest::Method::PUT, "/api/v1/security-policy", &policy)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let village = t.api("baitao-village").await;
        let vid = me(&village).await["scope_org_id"].as_i64().expect("scope");
        let (s, g) = village
            .post(
                "/api/v1/grids",
                &json!({ "org_id": vid, "name": "保存期限网格" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let grid = g["id"].as_i64().expect("grid");
        let (s, h) = village
            .post(
                &format!("/api/v1/grids/{grid}/households"),
                &json!({
                    "address": "保存期限小区 1 号", "head_name": "孙大爷", "phone": "13900139000",
                    "size": "2", "needs": ["low_income"], "legal_basis": "duty"
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let hid = h["id"].as_i64().expect("id");
        let today = dangjian_service::today();
        let expected = today
            .replace_year(today.year() + 2)
            .unwrap_or(today)
            .to_string();
        assert_eq!(h["retain_until"], expected);
        let before = coverage(&village, vid).await;

        // Past its date, the job takes name, address and phone, once; the figures stay.
        let mut conn = t.sql().await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE household SET retain_until = '2020-01-01' WHERE id = {hid}"
        )))
        .execute(&mut *conn)
        .await
        .expect("backdate");
        let n = t
            .app
            .anonymise_expired_households(today)
            .await
            .expect("job");
        assert!(n >= 1, "{n}");
        let row = crate::harness::rows(
            &mut conn,
            &format!(
                "SELECT head_name, address, COALESCE(phone_masked, '-'), anonymised_on FROM household WHERE id = {hid}"
            ),
        )
        .await;
        assert_eq!(
            row[0],
            ["（已匿名）", "（已匿名）", "-", today.to_string().as_str()]
        );
        let phone = crate::harness::rows(
            &mut conn,
            &format!("SELECT COUNT(*) FROM household WHERE id = {hid} AND phone_cipher IS NULL"),
        )
        .await;
        assert_eq!(phone[0][0], "1", "the encrypted phone is gone too");
        assert_eq!(coverage(&village, vid).await, before, "the figures stay");
        t.assert_counters_agree().await;
        let audited = crate::harness::rows(
            &mut conn,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'household.anonymise'",
        )
        .await;
        assert_eq!(audited[0][0], "1");
        assert_eq!(
            t.app
                .anonymise_expired_households(today)
                .await
                .expect("job"),
            0,
            "once"
        );
    }
);
