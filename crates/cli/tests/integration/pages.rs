//! The pages as a browser sees them, and the operational endpoints.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::harness::{Browser, TestApp, rows};
use crate::minutes::PNG;
use crate::on_both;

on_both!(dashboard_lists_and_forms, async |t: &TestApp| {
    let b = t.browser(&t.account("district_admin").username).await;
    let (s, home) = b.page("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("云中心") && home.matches("class=\"chart\"").count() >= 7);
    assert!(
        home.contains("白涛街道党工委"),
        "children of the district are listed"
    );

    let (s, list) = b
        .page("/members?status=full&sort=join_date&desc=true")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("id=\"member-total\"") && list.contains("member-link"));
    assert!(
        !list.contains("预备党员</td>"),
        "the filter shows full members only"
    );
    let (s, bad) = b.page("/members?age_band=nonsense").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("年龄段无效"));

    // The form shows each error beside its field, in Chinese, and keeps what was typed.
    let (s, html, _) = b
        .post_form(
            "/members/new",
            &[
                ("name", "测试党员"),
                ("id_number", "500102198503170012"),
                ("phone", "123"),
                ("education", "bachelor"),
                ("category", "in_service"),
                ("status", "full"),
                ("join_date", "2010-07-01"),
                ("confirm_date", "2011-07-01"),
                ("org_id", "0"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("data-field=\"id_number\"") && html.contains("校验位"),
        "{html}"
    );
    assert!(html.contains("data-field=\"phone\""));
    assert!(html.contains("value=\"测试党员\""), "typed values are kept");

    // A good form creates the member and leads to its page, with masked identifiers.
    let (_, form) = b.page("/members/new").await;
    let org_id = form
        .split("name=\"org_id\"")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("an org option")
        .to_string();
    let (s, _, location) = b
        .post_form(
            "/members/new",
            &[
                ("name", "测试党员"),
                ("id_number", "500102198503170013"),
                ("phone", "13800138000"),
                ("education", "bachelor"),
                ("category", "in_service"),
                ("status", "full"),
                ("join_date", "2010-07-01"),
                ("confirm_date", "2011-07-01"),
                ("org_id", org_id.as_str()),
                ("ethnicity", "土家族"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let location = location.expect("redirect to the member");
    let (_, page) = b.page(&location).await;
    assert!(
        page.contains("<h1>测试党员</h1>")
            && page.contains("5001**********0013")
            && page.contains("138****8000")
    );
    assert!(!page.contains("500102198503170013"));

    // The edit form hides the stored identifiers; leaving them empty keeps them.
    let (s, edit) = b.page(&format!("{location}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !edit.contains("500102198503170013") && !edit.contains("13800138000"),
        "identifiers stay hidden"
    );
    assert!(edit.contains("5001**********0013（留空则不修改）"));
    let (s, _, _) = b
        .post_form(
            &format!("{location}/edit"),
            &[
                ("name", "测试党员甲"),
                ("id_number", ""),
                ("phone", ""),
                ("education", "college"),
                ("category", "in_service"),
                ("status", "full"),
                ("join_date", "2010-07-01"),
                ("confirm_date", "2011-07-01"),
                ("org_id", org_id.as_str()),
                ("ethnicity", "土家族"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.page(&location).await;
    assert!(
        page.contains("<h1>测试党员甲</h1>")
            && page.contains("5001**********0013")
            && page.contains("138****8000")
            && page.contains("大专")
    );

    // Unmasking needs a reason and is audited.
    let unmask = format!("{location}/unmask");
    let (s, frag, _) = b.post_form(&unmask, &[("reason", "")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(frag.contains("事由"));
    let (s, frag, _) = b
        .post_form(&unmask, &[("reason", "核对组织关系转接材料")])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(frag.contains("500102198503170013"));
    let auditor = t.browser(&t.account("auditor").username).await;
    let (_, log) = auditor.page("/audit?action=member.unmask").await;
    assert!(log.contains("核对组织关系转接材料"));

    // The org browser.
    let (s, org) = b.page("/orgs/1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(org.contains("org-children") && org.contains("白涛街道党工委"));
    let (s, found) = b.page("/orgs/search?q=白涛").await;
    assert_eq!(s, StatusCode::OK);
    assert!(found.contains("白涛街道党工委"));
});

on_both!(health_metrics_assets_openapi, async |t: &TestApp| {
    let client = reqwest::Client::new();
    let r = client.get(t.url("/healthz")).send().await.expect("healthz");
    assert_eq!(r.status(), StatusCode::OK);
    let api = t.api(&t.account("district_admin").username).await;
    api.get("/api/v1/members?per_page=3").await;
    // Only to the token the configuration names: the counts tell how the platform is used.
    for auth in [None, Some("wrong-token-for-the-metrics-000")] {
        let mut r = client.get(t.url("/metrics"));
        if let Some(token) = auth {
            r = r.bearer_auth(token);
        }
        let r = r.send().await.expect("metrics");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{auth:?}");
    }
    let metrics = client
        .get(t.url("/metrics"))
        .bearer_auth(crate::harness::METRICS_TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(
            "dangjian_http_requests_total{method=\"GET\",route=\"/api/v1/members\",status=\"200\"}"
        ),
        "{metrics}"
    );
    assert!(metrics.contains(
        "dangjian_http_request_duration_seconds_bucket{route=\"/api/v1/members\",le=\"+Inf\"}"
    ));
    assert!(metrics.contains("dangjian_db_pool_connections{state=\"open\"}"));
    for (path, ctype) in [
        ("/assets/htmx.min.js", "text/javascript"),
        ("/assets/echarts.min.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
    ] {
        let r = client.get(t.url(path)).send().await.expect("asset");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], ctype);
    }
    let doc: serde_json::Value = client
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    // The router's own table: a route added without its description fails here.
    let routes: Vec<_> = dangjian_web::route_table()
        .into_iter()
        .filter_map(|r| {
            r.path
                .strip_prefix("/api/v1")
                .map(|p| (p.to_string(), r.method.to_ascii_lowercase()))
        })
        .collect();
    assert!(routes.len() > 50, "the router was read: {routes:?}");
    for (path, method) in routes {
        assert!(
            paths.get(&path).and_then(|p| p.get(&method)).is_some(),
            "{method} {path} is routed but not in openapi.json"
        );
    }
    // The reference page, without login and without anything from outside the binary.
    let r = client.get(t.url("/api/docs")).send().await.expect("docs");
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("text");
    assert!(page.contains("/api/v1/members/{id}") && page.contains("getMember"));
    assert!(page.contains("id=\"schema-Member\"") && page.contains("数据结构"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing loaded from elsewhere"
    );
});

on_both!(
    the_member_form_places_a_member_in_a_party_group,
    async |t: &TestApp| {
        use sqlx::Row;
        let mut conn = t.sql().await;
        let row = sqlx::query(
            "SELECT id, org_id, group_id FROM member WHERE group_id IS NOT NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .expect("a member in a group");
        let (id, branch, group) = (
            row.get::<i64, _>("id"),
            row.get::<i64, _>("org_id"),
            row.get::<i64, _>("group_id"),
        );
        let foreign: i64 = sqlx::query(
            "SELECT MIN(group_id) AS g FROM member WHERE group_id IS NOT NULL AND org_id <> $1",
        )
        .bind(branch)
        .fetch_one(&mut *conn)
        .await
        .expect("another branch's group")
        .get("g");
        drop(conn);
        let admin = t.account("district_admin").username.clone();
        let b = t.browser(&admin).await;

        // The edit form offers the branch's groups with the member's own chosen; the list
        // follows the branch picked (htmx).
        let (s, form) = b.page(&format!("/members/{id}/edit")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            form.contains(&format!("<option value=\"{group}\" selected>")),
            "the member's group is chosen"
        );
        let (s, options) = b.page(&format!("/members/groups?org_id={branch}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(options.contains(&format!("value=\"{group}\"")));
        let branch_path = t
            .app
            .org(&dangjian_service::Actor::system("test"), branch)
            .await
            .expect("branch")
            .path;
        let stranger = t
            .town_accounts()
            .into_iter()
            .find(|a| !dangjian_domain::path::ids(&branch_path).contains(&a.scope_org_id))
            .expect("a town the branch is not in");
        let (s, _) = t
            .browser(&stranger.username)
            .await
            .page(&format!("/members/groups?org_id={branch}"))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another town's groups are not listed"
        );

        // Saving the form keeps the group; a group of another branch is refused.
        let api = t.api(&admin).await;
        let (_, m) = api.get_json(&format!("/api/v1/members/{id}")).await;
        let text = |k: &str| m[k].as_str().unwrap_or_default().to_string();
        let fields = |group_id: String| {
            vec![
                ("name", text("name")),
                ("id_number", String::new()),
                ("phone", String::new()),
                ("education", text("education")),
                ("category", text("category")),
                ("status", text("status")),
                ("join_date", text("join_date")),
                ("confirm_date", text("confirm_date")),
                ("ethnicity", text("ethnicity")),
                ("org_id", branch.to_string()),
                ("group_id", group_id),
            ]
        };
        let post = |fields: Vec<(&'static str, String)>| {
            let (client, url, csrf) = (
                b.client.clone(),
                format!("{}/members/{id}/edit", b.base),
                b.csrf.clone(),
            );
            async move {
                let mut all = vec![("_csrf", csrf)];
                all.extend(fields);
                let r = client.post(url).form(&all).send().await.expect("post");
                (r.status(), r.text().await.unwrap_or_default())
            }
        };
        let (s, page) = post(fields(foreign.to_string())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("data-field=\"group_id\""));
        let (s, page) = post(fields(group.to_string())).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let (_, after) = api.get_json(&format!("/api/v1/members/{id}")).await;
        assert_eq!(after["group_id"], group, "the group is kept");
    }
);

on_both!(
    pages_print_with_a_title_block_and_assets_are_cached_by_version,
    async |t: &TestApp| {
        let b = t.browser("baitao-secretary").await;
        let (_, me) = t.api("baitao-secretary").await.get_json("/api/v1/me").await;
        let branch = me["scope_org_id"].as_i64().expect("scope");
        let (s, life) = b.page(&format!("/life?org={branch}&period=2026-Q1")).await;
        assert_eq!(s, StatusCode::OK);
        let block = &life[life.find("class=\"print-title\"").expect("a title block")..];
        let block = &block[..block.find("</div>").expect("end")];
        assert!(block.contains("组织生活"), "{block}");
        assert!(
            block.contains("白涛街道党工委 / "),
            "named with its parents: {block}"
        );
        assert!(
            block.contains("期间：2026-Q1（2026-01 至 2026-03）"),
            "{block}"
        );
        assert!(block.contains("打印日期："), "{block}");

        // The stylesheet numbers printed pages and hides the navigation.
        let css_url = life
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|u| u.starts_with("/assets/app.css?v="))
            .expect("a versioned stylesheet")
            .to_string();
        let client = reqwest::Client::new();
        let r = client.get(t.url(&css_url)).send().await.expect("css");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let etag = r.headers()["etag"].to_str().expect("etag").to_string();
        let css = r.text().await.expect("text");
        assert!(css.contains("counter(page)") && css.contains(".print-title { display: block;"));
        // Unversioned, it is revalidated, and unchanged it is not sent again.
        let r = client
            .get(t.url("/assets/app.css"))
            .send()
            .await
            .expect("css");
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let r = client
            .get(t.url("/assets/app.css"))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("css");
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    }
);

on_both!(
    long_lists_page_and_residents_pick_their_community_by_town,
    async |t: &TestApp| {
        let b = t.browser(&t.account("district_admin").username).await;
        // 发展党员: each stage shows its most urgent twenty, and one stage pages by fifty.
        let secretary = t.api("baitao-secretary").await;
        let (_, me) = secretary.get_json("/api/v1/me").await;
        let branch = me["scope_org_id"].as_i64().expect("scope");
        for i in 0..75_u16 {
            let (s, v) = secretary
                .post(
                    "/api/v1/recruits",
                    &serde_json::json!({"org_id": branch, "name": format!("申请{}{}", char::from_u32(0x4e00 + u32::from(i) / 20).unwrap_or('一'), char::from_u32(0x4e00 + u32::from(i) % 20).unwrap_or('一')),
                        "id_number": crate::roster::id_number(1996, 1 + (i % 12) as u8, 1 + (i % 28) as u8, 100 + i),
                        "ethnicity": "汉族", "education": "bachelor", "category": "in_service",
                        "applied_on": dangjian_service::today().to_string()}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, board) = b.page("/recruits").await;
        assert_eq!(s, StatusCode::OK);
        let columns = board.matches("class=\"panel column\"").count();
        assert!(columns >= 4, "the stages are shown");
        let cards = board.matches("class=\"person").count();
        assert!(cards <= columns * 20, "at most twenty a stage: {cards}");
        let more = board
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|u| u.contains("&amp;stage="))
            .expect("a stage with more people than the board shows")
            .replace("&amp;", "&");
        let (s, stage) = b.page(&more).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(stage.matches("class=\"panel column\"").count(), 1);
        assert_eq!(stage.matches("class=\"person").count(), 50, "a full page");
        assert!(stage.contains("rel=\"next\""), "more pages follow");
        assert!(
            stage.contains(" / "),
            "each card names its branch with its parents"
        );

        // 服务单元: a hundred to a page with the total.
        let (s, units) = b.page("/service-units").await;
        assert_eq!(s, StatusCode::OK);
        let total: usize = units
            .split("id=\"unit-total\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .and_then(|n| n.parse().ok())
            .expect("a total");
        assert!(total > 100, "the district has many units: {total}");
        let shown = units.matches("<li class=\"tier-").count();
        assert_eq!(shown, 100);
        let (_, last) = b
            .page(&format!("/service-units?page={}", total.div_ceil(100)))
            .await;
        assert_eq!(
            last.matches("<li class=\"tier-").count(),
            total - (total.div_ceil(100) - 1) * 100
        );

        // The residents' picker: grouped by town, once each, by the names residents know.
        let client = reqwest::Client::new();
        let form = client
            .get(t.url("/r"))
            .send()
            .await
            .expect("form")
            .text()
            .await
            .expect("html");
        assert!(
            form.contains("<optgroup label=\"白涛街道\">"),
            "towns by place name"
        );
        assert!(
            form.contains("data-filter-for=\"community-select\""),
            "searchable"
        );
        let picker = &form[form.find("id=\"community-select\"").expect("picker")..];
        let picker = &picker[..picker.find("</select>").expect("end")];
        let towns: Vec<&str> = picker
            .split("<optgroup label=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert_eq!(towns.len(), 27, "each town once: {towns:?}");
        assert!(!picker.contains("党委"), "place names, not party names");
    }
);

on_both!(
    contact_points_visits_and_the_problem_ledger_as_pages,
    async |t: &TestApp| {
        let b = t.browser(&t.account("district_admin").username).await;
        let today = dangjian_service::today();

        // The calendar: 2026 as the notice says; the district sets a later year's day, a
        // weekday refused as a day worked in exchange with what was typed kept.
        let (s, cal) = b.page("/calendar?year=2026").await;
        assert_eq!(s, StatusCode::OK);
        assert!(cal.contains("id=\"day-2026-10-01\"") && cal.contains("调休上班"));
        assert!(cal.contains("id=\"day-form\""), "the district sets days");
        let (s, html, _) = b
            .post_form(
                "/calendar",
                &[
                    ("day", "2027-01-04"),
                    ("kind", "workday"),
                    ("note", "调休测试"),
                    ("year", "2027"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("data-field=\"kind\"") && html.contains("value=\"调休测试\""));
        let (s, _, to) = b
            .post_form(
                "/calendar",
                &[
                    ("day", "2027-01-01"),
                    ("kind", "holiday"),
                    ("note", "元旦"),
                    ("year", "2027"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("back to the year");
        assert!(to.starts_with("/calendar?year=2027"), "{to}");
        let (_, cal) = b.page(&to).await;
        assert!(cal.contains("id=\"day-2027-01-01\"") && cal.contains("元旦"));

        // A point: refused without its organization, the typed leader kept; then set.
        let (s, list) = b.page("/contact-points").await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.contains("id=\"point-form\"") && list.contains("<b>联系点</b>"));
        let picker = &list[list.find("id=\"point-org\"").expect("the org picker")..];
        let org = picker
            .split("<option value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|v| !v.is_empty())
            .expect("an organization to pick")
            .to_string();
        let org = org.as_str();
        let started = today.to_string();
        let (s, html, _) = b
            .post_form(
                "/contact-points",
                &[
                    ("leader_name", "页面测试领导"),
                    ("leader_title", "区委常委"),
                    ("org_id", ""),
                    ("started_on", started.as_str()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"org_id\"") && html.contains("value=\"页面测试领导\""));
        let (s, _, to) = b
            .post_form(
                "/contact-points",
                &[
                    ("leader_name", "页面测试领导"),
                    ("leader_title", "区委常委"),
                    ("org_id", org),
                    ("started_on", started.as_str()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let point_url = to.expect("to the point");
        let (s, page) = b.page(&point_url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("0 / 4") && page.contains("提醒：本年度还需走访 4 次"),
            "{page}"
        );
        assert!(page.contains("id=\"visit-form\""));

        // A visit with half a problem is refused whole, the problem's field named; one
        // without a problem and one with a whole problem are logged.
        let visits = format!("{point_url}/visits");
        let (s, html, _) = b
            .post_form(
                &visits,
                &[
                    ("visited_on", started.as_str()),
                    ("content", "座谈走访"),
                    ("p_content", "路灯损坏"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("data-field=\"p_deadline\"") && html.contains("路灯损坏</textarea>"),
            "{html}"
        );
        let (s, _, _) = b
            .post_form(
                &visits,
                &[("visited_on", started.as_str()), ("content", "座谈走访")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let deadline = (today + time::Duration::days(30)).to_string();
        let (s, _, _) = b
            .post_form(
                &visits,
                &[
                    ("visited_on", started.as_str()),
                    ("content", "入户走访"),
                    ("p_content", "村道路灯损坏"),
                    ("p_unit", "区住房城乡建委"),
                    ("p_standard", "路灯全部修复"),
                    ("p_measures", "排查线路，更换灯具"),
                    ("p_deadline", deadline.as_str()),
                    ("p_joint", "true"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = b.page(&point_url).await;
        assert!(page.contains("2 / 4") && page.contains("还需走访 2 次"));
        let problem = page
            .split("href=\"/problems/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the problem found")
            .to_string();
        assert!(page.contains(">WT") && page.contains("tag warn\">联席会议"));

        // The ledger, its filters, its exports and 办结率.
        let (s, ledger) = b.page("/problems?joint=true").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            ledger.contains(&format!("id=\"problem-{problem}\""))
                && ledger.contains("页面测试领导")
        );
        assert!(
            ledger.contains("id=\"problem-form\""),
            "the district logs problems"
        );
        let (s, _) = b.page("/problems?state=closed&year=1999").await;
        assert_eq!(s, StatusCode::OK);
        let cells = b
            .xlsx_cells("/problems/export.xlsx?joint=true", "问题台账")
            .await;
        assert!(cells.iter().any(|c| c == "村道路灯损坏"), "{cells:?}");
        let cells = b.xlsx_cells("/contact-points/export.xlsx", "联系点").await;
        assert!(cells.iter().any(|c| c == "页面测试领导"));
        let (s, rates) = b.page("/problems/rates").await;
        assert_eq!(s, StatusCode::OK);
        assert!(rates.contains("id=\"rates-leader\""));
        // A problem outside a visit: from a request without its number, refused.
        let (s, html, _) = b
            .post_form(
                "/problems",
                &[
                    ("org_id", org),
                    ("source", "request"),
                    ("content", "诉求转办"),
                    ("unit", "区民政局"),
                    ("standard", "落实照料"),
                    ("measures", "安排志愿者"),
                    ("deadline", deadline.as_str()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"request_id\"") && html.contains("诉求转办</textarea>"));
        let (s, _, to) = b
            .post_form(
                "/problems",
                &[
                    ("org_id", org),
                    ("source", "enterprise"),
                    ("content", "企业用电报装慢"),
                    ("unit", "区发展改革委"),
                    ("standard", "完成报装"),
                    ("measures", "协调供电公司"),
                    ("deadline", deadline.as_str()),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert!(to.is_some_and(|l| l.starts_with("/problems/")));

        // The problem's moves: no reply before acceptance, a reply needs its text.
        let url = format!("/problems/{problem}");
        let (s, page) = b.page(&url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("id=\"act-accept\"")
                && page.contains("id=\"act-refuse\"")
                && page.contains("不予受理的理由")
        );
        let act = format!("{url}/actions");
        let (s, _, _) = b
            .post_form(&act, &[("action", "reply"), ("note", "已修复")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _, _) = b.post_form(&act, &[("action", "accept")]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, html, _) = b
            .post_form(&act, &[("action", "reply"), ("note", " ")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"note\"") && html.contains("答复内容"));
        let (s, _, _) = b
            .post_form(&act, &[("action", "reply"), ("note", "已更换灯具 12 盏")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = b.page(&url).await;
        assert!(page.contains("已更换灯具 12 盏") && page.contains("反映人的反馈意见"));
    }
);

on_both!(
    secretary_ratings_and_service_projects_as_pages,
    async |t: &TestApp| {
        let today = dangjian_service::today();
        // The latest round: a year is rated from its November (a late round in January).
        let year = if u8::from(today.month()) >= 11 {
            today.year()
        } else {
            today.year() - 1
        };
        let town_id = t.account_named("town-500102013").scope_org_id;
        let town_api = t.api("town-500102013").await;
        let b = t.browser("town-500102013").await;

        // The town's villages and communities, each on a line of its own.
        let (_, children) = town_api
            .get_json(&format!("/api/v1/orgs?parent={town_id}"))
            .await;
        let villages: Vec<(i64, String)> = children["items"]
            .as_array()
            .expect("children")
            .iter()
            .filter(|c| {
                matches!(c["owner"].as_str(), Some("village" | "community"))
                    && c["closed_on"].is_null()
            })
            .filter_map(|c| Some((c["id"].as_i64()?, c["name"].as_str()?.to_string())))
            .collect();
        assert!(!villages.is_empty(), "the town has villages: {children}");
        let url = format!("/secretary-ratings?year={year}");
        let (s, page) = b.page(&url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("<b>述职评议</b>"), "its tab is lit");
        assert!(page.contains("id=\"ratings-window\"") && page.contains("11 月至 12 月"));
        for (id, name) in &villages {
            assert!(
                page.contains(&format!("id=\"rating-{id}\"")) && page.contains(name.as_str()),
                "{name} is listed"
            );
        }
        let (village, village_name) = villages[0].clone();
        assert!(
            page.contains(&format!("id=\"rate-form-{village}\"")),
            "the town rates its villages"
        );
        let line = async || {
            let (_, v) = town_api
                .get_json(&format!("/api/v1/secretary-ratings?year={year}"))
                .await;
            v["lines"]
                .as_array()
                .and_then(|a| a.iter().find(|l| l["org_id"] == village).cloned())
                .expect("the village's line")
        };
        let before = line().await;

        // More votes than present: refused beside the field, in Chinese, nothing stored.
        let village_s = village.to_string();
        let year_s = year.to_string();
        let today_s = today.to_string();
        let town_s = town_id.to_string();
        let rating = |poor: &'static str| {
            vec![
                ("org", town_s.clone()),
                ("year", year_s.clone()),
                ("org_id", village_s.clone()),
                ("secretary_name", "页面书记".to_string()),
                ("report", "页面述职要点".to_string()),
                ("meeting_on", today_s.clone()),
                ("present", "30".to_string()),
                ("good", "20".to_string()),
                ("fairly_good", "6".to_string()),
                ("average", "3".to_string()),
                ("poor", poor.to_string()),
                ("grade", "good".to_string()),
            ]
        };
        let post = async |path: &str, fields: &[(&str, String)]| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post_form(path, &fields).await
        };
        let (s, html, _) = post("/secretary-ratings", &rating("2")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let error = &html[html
            .find("data-field=\"poor\"")
            .expect("the error beside 差")..];
        assert!(
            error[..error.find("</p>").expect("end")].contains("票数合计 31 超过到会人数 30"),
            "{error}"
        );
        assert!(
            html.contains("页面述职要点</textarea>"),
            "what was typed is kept"
        );
        assert_eq!(line().await, before, "nothing is stored");

        // A good rating is stored and shown on the village's line.
        let (s, _, to) = post("/secretary-ratings", &rating("1")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("back to the level");
        assert!(
            to.starts_with(&format!("/secretary-ratings?org={town_id}&year={year}")),
            "{to}"
        );
        let (_, page) = b.page(&to).await;
        let row = &page[page
            .find(&format!("id=\"rating-{village}\""))
            .expect("the line")..];
        let row = &row[..row.find("</tr>").expect("end")];
        assert!(
            row.contains("页面书记") && row.contains("86.6%") && row.contains(">好</b>"),
            "{row}"
        );
        let after = line().await;
        assert_eq!(
            (
                after["rating"]["grade"].as_str(),
                after["rating"]["report"].as_str()
            ),
            (Some("good"), Some("页面述职要点"))
        );
        let rating_id = after["rating"]["id"].as_i64().expect("a rating");

        // Its rectification: an item added with its deadline, then marked done once.
        let items = format!("/secretary-ratings/{rating_id}/items");
        assert!(page.contains(&format!("action=\"{items}\"")));
        let deadline = (today + time::Duration::days(30)).to_string();
        let back = |more: Vec<(&'static str, String)>| {
            let mut f = vec![("org", town_s.clone()), ("year", year_s.clone())];
            f.extend(more);
            f
        };
        let (s, html, _) = post(
            &items,
            &back(vec![
                ("content", "规范三会一课记录".into()),
                ("deadline", String::new()),
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("data-field=\"deadline\"")
                && html.contains("规范三会一课记录</textarea>")
        );
        let (s, _, _) = post(
            &items,
            &back(vec![
                ("content", "规范三会一课记录".into()),
                ("deadline", deadline.clone()),
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let item = line().await["items"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|i| i["content"] == "规范三会一课记录")
                    .cloned()
            })
            .expect("the item");
        let item_id = item["id"].as_i64().expect("id");
        let (_, page) = b.page(&url).await;
        let ledger = &page[page
            .find(&format!("id=\"item-{item_id}\""))
            .expect("on the ledger")..];
        let ledger = &ledger[..ledger.find("</tr>").expect("end")];
        assert!(
            ledger.contains(&village_name) && ledger.contains(&deadline) && ledger.contains("销号")
        );
        let done = format!("/secretary-rating-items/{item_id}/done");
        let (s, _, _) = post(&done, &back(Vec::new())).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, html, _) = post(&done, &back(Vec::new())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("该事项已完成"));
        assert_eq!(line().await["rating"]["open_items"].as_i64(), Some(0));

        let cells = b
            .xlsx_cells(
                &format!("/secretary-ratings/export.xlsx?year={year}"),
                "述职评议",
            )
            .await;
        assert!(cells.iter().any(|c| c == "页面述职要点"), "{cells:?}");
        let cells = b
            .xlsx_cells(
                &format!("/secretary-ratings/export.xlsx?year={year}"),
                "整改台账",
            )
            .await;
        assert!(cells.iter().any(|c| c == "规范三会一课记录"), "{cells:?}");

        // 阵地建设: the district registers a project through the form and moves it on.
        let admin = t.browser(&t.account("district_admin").username).await;
        let total = |html: &str| -> i64 {
            html.split("id=\"projects-total\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .and_then(|n| n.parse().ok())
                .expect("a total")
        };
        let (s, list) = admin.page("/service-projects").await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.contains("<b>阵地建设</b>") && list.contains("id=\"project-form\""));
        let total_before = total(&list);
        let picker = &list[list.find("id=\"project-org\"").expect("the org picker")..];
        let org = picker
            .split("<option value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|v| !v.is_empty())
            .expect("an organization to pick")
            .to_string();
        let project = |budget: &str| {
            vec![
                ("org_id", org.clone()),
                ("name", "页面测试服务中心".to_string()),
                ("budget", budget.to_string()),
                ("planned_on", today_s.clone()),
                ("note", "提档升级".to_string()),
            ]
        };
        let admin_post = async |path: &str, fields: &[(&str, String)]| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post_form(path, &fields).await
        };
        let (s, html, _) = admin_post("/service-projects", &project("三十万")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("data-field=\"budget\"") && html.contains("value=\"页面测试服务中心\"")
        );
        assert_eq!(total(&html), total_before, "nothing is stored");
        let (s, _, to) = admin_post("/service-projects", &project("300000.50")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.expect("back to the list");
        let id: i64 = to
            .split("#project-")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("the project's anchor");
        let row_of = |html: &str| -> String {
            let row = &html[html.find(&format!("id=\"project-{id}\"")).expect("the row")..];
            row[..row.find("</tr>").expect("end")].to_string()
        };
        let (_, list) = admin.page(&to).await;
        assert_eq!(total(&list), total_before + 1);
        let row = row_of(&list);
        assert!(
            row.contains("页面测试服务中心") && row.contains("300000.50") && row.contains("计划中"),
            "{row}"
        );
        assert!(row.contains("记为开工"), "{row}");

        let advance = format!("/service-projects/{id}/advance");
        let tomorrow = (today + time::Duration::days(1)).to_string();
        let (s, html, _) = admin_post(&advance, &[("on", tomorrow)]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(row_of(&html).contains("日期不能晚于今天"));
        for (stage, next) in [("建设中", "记为建成"), ("已建成", "")] {
            let (s, _, to) = admin_post(&advance, &[("on", today_s.clone())]).await;
            assert_eq!(s, StatusCode::SEE_OTHER);
            let (_, list) = admin.page(&to.expect("back")).await;
            let row = row_of(&list);
            assert!(row.contains(stage) && row.contains(&today_s), "{row}");
            if next.is_empty() {
                assert!(
                    !row.contains("记为"),
                    "a completed project moves no more: {row}"
                );
            } else {
                assert!(row.contains(next), "{row}");
            }
        }
        let cells = admin
            .xlsx_cells("/service-projects/export.xlsx", "阵地建设")
            .await;
        assert!(
            cells.iter().any(|c| c == "页面测试服务中心") && cells.iter().any(|c| c == "300000.50"),
            "{cells:?}"
        );
        let (_, log) = t
            .browser(&t.account("auditor").username)
            .await
            .page("/audit?action=export")
            .await;
        assert!(log.contains("书记述职评议") && log.contains("党群服务中心建设项目"));
    }
);

/// A file sent through a page's upload form as htmx sends it: multipart with the CSRF token in
/// its header. With `htmx` the header htmx adds goes too, and a stored file is answered with
/// `HX-Redirect` instead of a redirect; the last value is where either points.
async fn page_upload(
    b: &Browser,
    path: &str,
    name: &str,
    body: &[u8],
    htmx: bool,
) -> (StatusCode, String, Option<String>) {
    let form = Form::new().part(
        "file",
        Part::bytes(body.to_vec()).file_name(name.to_string()),
    );
    let mut req = b
        .client
        .post(format!("{}{path}", b.base))
        .header("x-csrf-token", &b.csrf)
        .multipart(form);
    if htmx {
        req = req.header("hx-request", "true");
    }
    let r = req.send().await.expect("upload");
    let to = r
        .headers()
        .get(if htmx { "hx-redirect" } else { "location" })
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status(), r.text().await.unwrap_or_default(), to)
}

/// A download as the browser gets it: status, content type, disposition and bytes.
async fn page_download(b: &Browser, path: &str) -> (StatusCode, String, String, Vec<u8>) {
    let r = b
        .client
        .get(format!("{}{path}", b.base))
        .send()
        .await
        .expect("download");
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (mime, disposition) = (header("content-type"), header("content-disposition"));
    let status = r.status();
    let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    (status, mime, disposition, body)
}

/// The files block with this element id: it holds no `div` of its own, so it ends at the
/// first `</div>`.
fn files_block(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("<div id=\"{id}\""))
        .unwrap_or_else(|| panic!("no block {id} in {html}"));
    let rest = &html[start..];
    rest[..rest.find("</div>").expect("the block's end")].to_string()
}

/// The ids of the files linked as `{base}/{id}`, once each, in the page's order.
fn file_ids(html: &str, base: &str) -> Vec<i64> {
    let marker = format!("href=\"{base}/");
    let mut ids = Vec::new();
    for (i, _) in html.match_indices(&marker) {
        let id = html[i + marker.len()..]
            .split('"')
            .next()
            .and_then(|n| n.parse::<i64>().ok());
        if let Some(id) = id
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// An organization the town rates (a line of its 述职评议), with its path.
async fn rated_by_town(t: &TestApp) -> (i64, i64) {
    let town = t.api("town-500102013").await;
    let (s, v) = town.get_json("/api/v1/secretary-ratings?year=1998").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let org = v["lines"][0]["org_id"]
        .as_i64()
        .expect("a line below the town");
    (t.account_named("town-500102013").scope_org_id, org)
}

on_both!(
    rectification_evidence_on_the_listing_page,
    async |t: &TestApp| {
        let (_, village) = rated_by_town(t).await;
        let mut conn = t.sql().await;
        rows(
            &mut conn,
            &format!(
                "INSERT INTO weak_listing (year, org_id, org_path, state, reasons, proposed_at, decided_on, document_no, updated_at) \
                 SELECT 1998, id, path, 'listed', '[]', 0, '1998-03-01', '页面测试', 0 FROM org WHERE id = {village}"
            ),
        )
        .await;
        let id: i64 = rows(
            &mut conn,
            &format!("SELECT id FROM weak_listing WHERE year = 1998 AND org_id = {village}"),
        )
        .await[0][0]
            .parse()
            .expect("the listing");
        drop(conn);
        let stored = format!(
            "SELECT COUNT(*) FROM assessment_file WHERE owner_kind = 'listing' AND owner_id = {id}"
        );
        let b = t.browser("town-500102013").await;
        let page_url = format!("/weak/listings/{id}");
        let files = format!("/weak/listings/{id}/files");

        let (s, page) = b.page(&page_url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("<h2>整改佐证材料</h2>"), "{page}");
        let block = files_block(&page, "listing-files");
        assert!(
            block.contains("还没有整改佐证材料") && block.contains(&format!("hx-post=\"{files}\"")),
            "{block}"
        );

        // Stored through the form (as htmx sends it): htmx is told to load the page again.
        let (s, _, to) = page_upload(&b, &files, "整改现场.png", PNG, true).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(to.as_deref(), Some(format!("{page_url}#evidence").as_str()));
        assert_eq!(t.count(&stored).await, 1);
        let (_, page) = b.page(&page_url).await;
        let block = files_block(&page, "listing-files");
        let ids = file_ids(&block, &files);
        assert_eq!(ids.len(), 1, "{block}");
        let file = format!("{files}/{}", ids[0]);
        assert!(
            block.contains("整改现场.png")
                && block.contains(&format!("<img src=\"{file}\""))
                && block.contains(&format!("action=\"{file}/delete\""))
                && block.contains("data-confirm="),
            "a thumbnail, a link and a delete button: {block}"
        );
        let (s, mime, disposition, body) = page_download(&b, &file).await;
        assert_eq!((s, mime.as_str()), (StatusCode::OK, "image/png"));
        assert!(disposition.starts_with("inline"), "{disposition}");
        assert_eq!(body, PNG);

        // A PNG named .pdf: the page again, 422, the reason beside the upload, nothing stored.
        let (s, html, _) = page_upload(&b, &files, "x.pdf", PNG, false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let block = files_block(&html, "listing-files");
        assert!(
            block.contains("data-field=\"file\"") && block.contains("文件内容与扩展名 .pdf 不符"),
            "{block}"
        );
        assert_eq!(t.count(&stored).await, 1);

        // Another town reads none of it.
        let other = t.another_town();
        let outsider = t.browser(&other).await;
        let (s, _, _, body) = page_download(&outsider, &file).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_ne!(body, PNG);

        // Deleted through its button: back at the evidence, gone from the page and the store.
        let (s, _, to) = b.post_form(&format!("{file}/delete"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(format!("{page_url}#evidence").as_str()));
        assert_eq!(t.count(&stored).await, 0);
        let (_, page) = b.page(&page_url).await;
        assert!(file_ids(&page, &files).is_empty(), "{page}");
        let (s, _, _, _) = page_download(&b, &file).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Signed off: the evidence stays readable, nothing more is added or removed.
        let (s, _, _) = page_upload(&b, &files, "验收材料.pdf", b"%PDF-1.4 test", false).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let mut conn = t.sql().await;
        rows(
            &mut conn,
            &format!("UPDATE weak_listing SET state = 'signed_off', signed_off_on = '1998-12-01' WHERE id = {id}"),
        )
        .await;
        drop(conn);
        let (_, page) = b.page(&page_url).await;
        let block = files_block(&page, "listing-files");
        let ids = file_ids(&block, &files);
        assert_eq!(ids.len(), 1, "{block}");
        assert!(
            block.contains("验收材料.pdf")
                && !block.contains("hx-post")
                && !block.contains("/delete"),
            "{block}"
        );
        let (s, _, disposition, body) = page_download(&b, &format!("{files}/{}", ids[0])).await;
        assert_eq!(s, StatusCode::OK);
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert_eq!(body, b"%PDF-1.4 test");
        let (s, html, _) = page_upload(&b, &files, "补充.png", PNG, false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            files_block(&html, "listing-files").contains("尚未销号的组织才能上传整改材料"),
            "{html}"
        );
        let (s, html, _) = b
            .post_form(&format!("{files}/{}/delete", ids[0]), &[])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            files_block(&html, "listing-files").contains("尚未销号的组织才能上传整改材料"),
            "{html}"
        );
        assert_eq!(t.count(&stored).await, 1);
    }
);

on_both!(
    report_files_on_the_secretary_ratings_page,
    async |t: &TestApp| {
        let (town, village) = rated_by_town(t).await;
        let mut conn = t.sql().await;
        rows(
            &mut conn,
            &format!(
                "INSERT INTO secretary_rating (year, org_id, org_path, secretary_name, report, meeting_on, present, \
                 good, fairly_good, average, poor, grade, created_at, updated_at) \
                 SELECT 1998, id, path, '材料书记', '述职要点', '1998-11-20', 30, 20, 5, 5, 0, 'good', 0, 0 FROM org WHERE id = {village}"
            ),
        )
        .await;
        let rating: i64 = rows(
            &mut conn,
            &format!("SELECT id FROM secretary_rating WHERE year = 1998 AND org_id = {village}"),
        )
        .await[0][0]
            .parse()
            .expect("the rating");
        drop(conn);
        let stored = format!(
            "SELECT COUNT(*) FROM assessment_file WHERE owner_kind = 'secretary_rating' AND owner_id = {rating}"
        );
        let b = t.browser("town-500102013").await;
        let url = format!("/secretary-ratings?org={town}&year=1998");
        let files = format!("/secretary-ratings/{rating}/files");
        let block_id = format!("report-files-{rating}");
        let back = format!("{url}#report-{rating}");

        let (s, page) = b.page(&url).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("述职报告及材料（1998 年度）"), "{page}");
        let row = &page[page
            .find(&format!("id=\"rating-{village}\""))
            .expect("the line")..];
        assert!(
            row[..row.find("</tr>").expect("end")]
                .contains(&format!("<a href=\"#report-{rating}\">0 份</a>")),
            "{row}"
        );
        let block = files_block(&page, &block_id);
        let upload = format!("{files}?org={town}&year=1998");
        assert!(
            block.contains("还没有述职报告及材料")
                && block.contains(&format!("hx-post=\"{}\"", upload.replace('&', "&#38;"))),
            "the upload keeps the level and the year: {block}"
        );

        let report = b"%PDF-1.7 report".to_vec();
        let (s, _, to) = page_upload(&b, &upload, "述职报告.pdf", &report, false).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(back.as_str()));
        let (_, page) = b.page(&back).await;
        let block = files_block(&page, &block_id);
        let ids = file_ids(&block, &files);
        assert_eq!(ids.len(), 1, "{block}");
        assert!(block.contains("述职报告.pdf"), "{block}");
        assert!(page.contains(&format!("<a href=\"#report-{rating}\">1 份</a>")));
        let file = format!("{files}/{}", ids[0]);
        let (s, mime, disposition, body) = page_download(&b, &file).await;
        assert_eq!((s, mime.as_str()), (StatusCode::OK, "application/pdf"));
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert_eq!(body, report);

        let (s, html, _) = page_upload(&b, &upload, "x.pdf", PNG, false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let block = files_block(&html, &block_id);
        assert!(
            block.contains("data-field=\"file\"") && block.contains("文件内容与扩展名 .pdf 不符"),
            "the reason beside the line's upload: {block}"
        );
        assert!(
            html.contains("述职报告及材料（1998 年度）"),
            "the same year again"
        );
        assert_eq!(t.count(&stored).await, 1);

        let year = "1998".to_string();
        let org = town.to_string();
        let (s, _, to) = b
            .post_form(
                &format!("{file}/delete"),
                &[("org", org.as_str()), ("year", year.as_str())],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(back.as_str()));
        assert_eq!(t.count(&stored).await, 0);
        let (_, page) = b.page(&back).await;
        assert!(file_ids(&page, &files).is_empty(), "{page}");
    }
);

on_both!(
    project_files_and_pages_of_the_projects_list,
    async |t: &TestApp| {
        let (town, village) = rated_by_town(t).await;
        let b = t.browser("town-500102013").await;
        let mut conn = t.sql().await;
        for n in 0..60 {
            rows(
                &mut conn,
                &format!(
                    "INSERT INTO service_project (org_id, org_path, name, budget_fen, stage, planned_on, created_at, updated_at) \
                     SELECT id, path, '分页项目{n}', 100, 'planned', '1998-03-01', 0, 0 FROM org WHERE id = {village}"
                ),
            )
            .await;
        }
        drop(conn);
        let project_ids = |html: &str| -> Vec<i64> {
            html.match_indices("<tr id=\"project-")
                .filter_map(|(i, m)| {
                    html[i + m.len()..]
                        .split('"')
                        .next()
                        .and_then(|n| n.parse().ok())
                })
                .collect()
        };

        let (s, first) = b.page(&format!("/service-projects?org={town}")).await;
        assert_eq!(s, StatusCode::OK);
        let total: i64 = first
            .split("id=\"projects-total\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .and_then(|n| n.parse().ok())
            .expect("a total");
        assert!(total >= 60, "the total counts every page: {total}");
        let next = format!("href=\"?org={town}&#38;page=2\" rel=\"next\"");
        assert!(first.contains(&next), "the pager keeps the level: {first}");
        assert!(!first.contains("rel=\"prev\""));
        let one = project_ids(&first);
        assert_eq!(one.len(), 50);
        let (s, second) = b
            .page(&format!("/service-projects?org={town}&page=2"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            second.contains(&format!("href=\"?org={town}&#38;page=1\" rel=\"prev\"")),
            "{second}"
        );
        assert!(second.contains("第 2 / "), "{second}");
        let two = project_ids(&second);
        assert!(!two.is_empty());
        assert!(
            two.iter().all(|id| !one.contains(id)),
            "page 2 shows other projects: {one:?} {two:?}"
        );
        if total <= 100 {
            assert_eq!(one.len() + two.len(), usize::try_from(total).unwrap_or(0));
        }
        // The stages are the level's, counted over every page, not the rows shown.
        let planned = t
            .count(&format!(
                "SELECT COUNT(*) FROM service_project p JOIN org t ON t.id = {town} \
                 WHERE p.stage = 'planned' AND p.org_path LIKE t.path || '%'"
            ))
            .await;
        assert!(planned >= 60);
        assert!(
            second.contains(&format!("<b id=\"projects-planned\">{planned}</b>")),
            "{second}"
        );

        // A project on page 2 keeps its photos; the way back is page 2.
        let project = two[0];
        let files = format!("/service-projects/{project}/files");
        let upload = format!("{files}?org={town}&page=2");
        let block_id = format!("project-files-{project}");
        let back = format!("/service-projects?org={town}&page=2#files-of-{project}");
        let stored = format!(
            "SELECT COUNT(*) FROM assessment_file WHERE owner_kind = 'project' AND owner_id = {project}"
        );
        let block = files_block(&second, &block_id);
        assert!(
            block.contains(&format!("hx-post=\"{}\"", upload.replace('&', "&#38;"))),
            "{block}"
        );
        let (s, _, to) = page_upload(&b, &upload, "外景.png", PNG, false).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(back.as_str()));
        let (_, page) = b.page(&back).await;
        let block = files_block(&page, &block_id);
        let ids = file_ids(&block, &files);
        assert_eq!(ids.len(), 1, "{block}");
        let file = format!("{files}/{}", ids[0]);
        assert!(
            block.contains("外景.png") && block.contains(&format!("<img src=\"{file}\"")),
            "{block}"
        );
        let (s, _, _, body) = page_download(&b, &file).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body, PNG);

        let (s, html, _) = page_upload(&b, &upload, "x.pdf", PNG, false).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            files_block(&html, &block_id).contains("文件内容与扩展名 .pdf 不符"),
            "the page it came from, with the reason: {html}"
        );
        assert_eq!(t.count(&stored).await, 1);

        let page_no = "2".to_string();
        let org = town.to_string();
        let (s, _, to) = b
            .post_form(
                &format!("{file}/delete"),
                &[("org", org.as_str()), ("page", page_no.as_str())],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(to.as_deref(), Some(back.as_str()));
        assert_eq!(t.count(&stored).await, 0);
        let (_, page) = b.page(&back).await;
        assert!(file_ids(&page, &files).is_empty());
        let (s, _, _, _) = page_download(&b, &file).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
