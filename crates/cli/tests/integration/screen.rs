//! 大屏 from the outside: its figures are the ones the modules keep (the overview, the life
//! tallies), a theme day recorded shows on the next refresh at every level above it, the map
//! has the 27 towns on their tiles and takes a level's own boundaries; a display account
//! reads the screens of its scope and nothing else, and its screen links to no list and
//! names no one.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::harness::{Api, TestApp, refusal};
use crate::on_both;

async fn screen(api: &Api, org: i64, query: &str) -> Value {
    let (s, v) = api.get_json(&format!("/api/v1/screen/{org}{query}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("a number: {v}"))
}

fn children(v: &Value) -> &Vec<Value> {
    v["children"].as_array().expect("children")
}

on_both!(
    the_screen_counts_what_the_modules_keep,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let root = admin.scope_org().await;
        let s = screen(&admin, root, "").await;
        assert_eq!(s["open_lists"], true, "staff open the lists");
        let (_, o) = admin.get_json("/api/v1/stats/overview").await;
        assert!(n(&o["members_total"]) > 0, "{o}");
        assert_eq!(s["registry"]["members"], o["members_total"]);
        assert_eq!(s["registry"]["orgs"], o["orgs_total"]);
        assert_eq!(s["registry"]["by_gender"], o["by_gender"]);
        assert_eq!(s["registry"]["by_party_age_band"], o["by_party_age_band"]);

        // This month's theme day is the tallies' own, and the children's add up to it.
        let month = dangjian_domain::life::month_key(dangjian_service::today());
        let due = t
            .count(&format!(
                "SELECT CAST(COALESCE(SUM(required), 0) AS BIGINT) FROM life_tally WHERE org_id = {root} \
                 AND month = '{month}' AND kind = 'theme_day'"
            ))
            .await;
        assert!(due > 0, "branches owe a theme day this month");
        assert_eq!(n(&s["theme_day"]["due"]), due);
        let kids = children(&s);
        assert!(kids.len() >= 27, "the towns and the district's bodies");
        let by_children: i64 = kids.iter().map(|c| n(&c["theme_day"]["due"])).sum();
        assert_eq!(by_children, due);
        let members: i64 = kids.iter().map(|c| n(&c["members"])).sum();
        assert_eq!(members, n(&s["registry"]["members"]));
        let text = s.to_string();
        assert!(!text.contains("secretary"), "no person is named");

        // The district's map: every child a tile, 敦仁街道 where the data puts it.
        let tiles = s["map"]["tiles"].as_array().expect("tiles");
        assert_eq!(tiles.len(), kids.len());
        let dunren = tiles
            .iter()
            .find(|x| {
                x["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("敦仁街道"))
            })
            .expect("敦仁街道's tile");
        assert_eq!((n(&dunren["col"]), n(&dunren["row"])), (3, 3));
        let mut places: Vec<(i64, i64)> =
            tiles.iter().map(|x| (n(&x["col"]), n(&x["row"]))).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), tiles.len(), "no two tiles share a place");

        // Coloured by members: the figure is the child's count, the largest the deepest shade.
        let m = screen(&admin, root, "?measure=members").await;
        let largest = children(&m)
            .iter()
            .max_by_key(|c| n(&c["members"]))
            .expect("a child");
        let tile = m["map"]["tiles"]
            .as_array()
            .expect("tiles")
            .iter()
            .find(|x| x["org_id"] == largest["org"]["id"])
            .expect("its tile");
        assert_eq!(tile["value"], largest["members"].to_string());
        assert_eq!(tile["tone"], "s4");
        let (st, v) = admin
            .get_json(&format!("/api/v1/screen/{root}?measure=popularity"))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(refusal(&v), ("measure", "unknown_measure"));

        // A theme day recorded now shows on the branch's screen and the district's.
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let before = screen(&secretary, branch, "").await;
        assert_eq!(n(&before["theme_day"]["due"]), 1, "{}", before["theme_day"]);
        let held_before = n(&before["theme_day"]["held"]);
        let district_before = n(&screen(&admin, root, "").await["theme_day"]["held"]);
        let today = dangjian_domain::date::format(dangjian_service::today());
        let (st, mt) = secretary
            .post(
                "/api/v1/meetings",
                &json!({"org_id": branch, "kind": "theme_day", "held_on": today,
                        "topic": "主题党日：学习党章"}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{mt}");
        let after = screen(&secretary, branch, "").await;
        assert_eq!(n(&after["theme_day"]["held"]), 1);
        let district_after = n(&screen(&admin, root, "").await["theme_day"]["held"]);
        assert_eq!(district_after - district_before, 1 - held_before);

        // The page and its live part carry the figures, polled every minute.
        let b = t.browser("admin").await;
        let (st, html) = b.page(&format!("/screen/{root}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("hx-trigger=\"every 60s\""), "polls in place");
        assert!(
            html.contains(&format!("href=\"/members?org={root}\"")),
            "drills down"
        );
        assert!(html.contains(&format!("<b id=\"screen-theme-held\">{district_after}</b>")));
        let (st, live) = b
            .page(&format!("/screen/{root}/live?measure=dues&refresh=5"))
            .await;
        assert_eq!(st, StatusCode::OK);
        assert!(live.starts_with("\n<main") || live.trim_start().starts_with("<main"));
        assert!(live.contains("hx-trigger=\"every 5s\""));
        assert!(!live.contains("<html"), "the live part alone");
    }
);

on_both!(
    a_display_account_sees_figures_and_nothing_else,
    async |t: &TestApp| {
        let town = t.account_named("town-500102013").scope_org_id;
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.scope_org_id != town)
            .expect("another town")
            .scope_org_id;
        let lobby = t.with_user("baitao-lobby", "display", town, None).await;
        let display = t.api(&lobby).await;
        let s = screen(&display, town, "").await;
        assert_eq!(s["open_lists"], false);
        let staff = screen(&t.api("town-500102013").await, town, "").await;
        assert_eq!(s["registry"], staff["registry"], "the level's own figures");
        assert_eq!(s["life"], staff["life"]);
        assert!(n(&s["registry"]["members"]) > 0);
        assert!(!children(&s).is_empty());

        // Outside its scope, above it, and every list: refused.
        for path in [
            format!("/api/v1/screen/{other}"),
            format!(
                "/api/v1/screen/{}",
                t.account("district_admin").scope_org_id
            ),
        ] {
            let (st, _) = display.get_json(&path).await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
        }
        for path in [
            format!("/api/v1/members?org={town}"),
            format!("/api/v1/orgs/{town}"),
            format!("/api/v1/stats/overview?org={town}"),
            format!("/api/v1/life/compliance?org={town}"),
            format!("/api/v1/requests?org={town}"),
            "/api/v1/notifications".to_string(),
        ] {
            let (st, v) = display.get_json(&path).await;
            assert!(
                st == StatusCode::FORBIDDEN || st == StatusCode::NOT_FOUND,
                "{path}: {st} {v}"
            );
        }
        let (st, _) = display
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/screen/{town}/tile"),
                &json!({"col": 1, "row": 1}),
            )
            .await;
        assert_eq!(
            st,
            StatusCode::FORBIDDEN,
            "a display account changes nothing"
        );

        // In a browser: it lands on its screen, which opens no list and names no one.
        let b = t.browser(&lobby).await;
        let r = b.client.get(t.url("/")).send().await.expect("home");
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/screen")
        );
        let (st, html) = b.page(&format!("/screen/{town}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("id=\"screen-members\""));
        for list in [
            "/members",
            "/life?",
            "/dues",
            "/recruits",
            "/households",
            "/requests",
        ] {
            assert!(
                !html.contains(&format!("href=\"{list}")),
                "{list} is not linked"
            );
        }
        assert!(
            html.contains("href=\"/screen/"),
            "the children's screens are"
        );
        let names = crate::harness::rows(
            &mut *t.sql().await,
            &format!(
                "SELECT m.name FROM member m JOIN org o ON o.id = {town} \
                 WHERE m.org_path LIKE o.path || '%' ORDER BY m.id LIMIT 200"
            ),
        )
        .await;
        assert!(!names.is_empty());
        for name in names.iter().map(|r| &r[0]) {
            assert!(!html.contains(name.as_str()), "{name} on the screen");
        }
        let (st, _) = b.page(&format!("/members?org={town}")).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
);

async fn upload(api: &Api, org: i64, body: &str) -> (StatusCode, Value) {
    let form = Form::new().part(
        "file",
        Part::bytes(body.as_bytes().to_vec()).file_name("fuling.geojson"),
    );
    let r = api
        .client
        .post(format!("{}/api/v1/screen/{org}/boundary", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn square(name: &str, lon: f64, lat: f64) -> Value {
    json!({"type": "Feature", "properties": {"name": name},
           "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.1, lat],
             [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]]}})
}

on_both!(
    a_level_draws_its_children_by_its_own_boundaries,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let root = admin.scope_org().await;
        let kids = children(&screen(&admin, root, "").await).clone();
        let names: Vec<&str> = kids
            .iter()
            .filter_map(|c| c["org"]["name"].as_str())
            .filter(|n| n.contains("街道"))
            .take(2)
            .collect();
        assert_eq!(names.len(), 2);
        let file = json!({"type": "FeatureCollection", "features": [
            square(names[0], 107.3, 29.7), square(names[1], 107.4, 29.7),
            square("邻区某镇", 107.5, 29.7)]})
        .to_string();
        let audit = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'screen.%'";
        let audited = t.count(audit).await;

        // A file that cannot be drawn is refused whole, naming the fault.
        let swapped = file
            .replace("107.3, 29.7", "29.7, 207.3")
            .replace("[107.3,29.7]", "[29.7,207.3]");
        assert_ne!(swapped, file);
        for bad in [
            "{not json",
            r#"{"type":"FeatureCollection","features":[]}"#,
            &swapped,
        ] {
            let (s, v) = upload(&admin, root, bad).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(refusal(&v), ("file", "invalid_geojson"), "{v}");
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM map_boundary").await, 0);
        // A town does not draw the district.
        let (s, _) = upload(&t.api("town-500102013").await, root, &file).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (s, r) = upload(&admin, root, &file).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["features"], 3);
        assert_eq!(r["matched"], 2);
        assert_eq!(
            r["unmatched"].as_array().map(Vec::len),
            Some(kids.len() - 2)
        );
        let m = screen(&admin, root, "").await;
        assert!(m["map"]["tiles"].as_array().is_some_and(Vec::is_empty));
        let areas = m["map"]["areas"].as_array().expect("areas");
        assert_eq!(areas.len(), 3);
        assert_eq!(areas[0]["name"], names[0]);
        assert!(areas[0]["org_id"].is_i64() && areas[2]["org_id"].is_null());
        assert!(areas[0]["d"].as_str().is_some_and(|d| d.starts_with('M')));

        // Back to the tiles; and a tile moved where the district puts it.
        let url = format!("/api/v1/screen/{root}/boundary");
        let (s, _) = admin
            .send_json(reqwest::Method::DELETE, &url, &json!({}))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = admin
            .send_json(reqwest::Method::DELETE, &url, &json!({}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "nothing left to remove");
        let town = t.account_named("town-500102013").scope_org_id;
        let tile = format!("/api/v1/screen/{town}/tile");
        let (s, v) = admin
            .send_json(reqwest::Method::PUT, &tile, &json!({"col": 100, "row": 0}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refusal(&v), ("col", "out_of_range"));
        let (s, _) = t
            .api("town-500102013")
            .await
            .send_json(reqwest::Method::PUT, &tile, &json!({"col": 9, "row": 0}))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "the district's map is not the town's"
        );
        let (s, _) = admin
            .send_json(reqwest::Method::PUT, &tile, &json!({"col": 9, "row": 0}))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let m = screen(&admin, root, "").await;
        let moved = m["map"]["tiles"]
            .as_array()
            .expect("tiles")
            .iter()
            .find(|x| n(&x["org_id"]) == town)
            .expect("the town's tile");
        assert_eq!((n(&moved["col"]), n(&moved["row"])), (9, 0));
        assert_eq!(n(&m["map"]["cols"]), 10);
        assert_eq!(
            t.count(audit).await - audited,
            3,
            "uploaded, removed, moved"
        );
    }
);
