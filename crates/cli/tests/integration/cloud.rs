//! 云中心's panels from the outside: each figure of the 干部人才 and 组织建设 panels is the one
//! its list shows (the panels count from the records, never from figures typed twice); the
//! cadre panel loads after the page, shows nothing for a level without villages, and stays
//! within the caller's scope.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::TestApp;
use crate::on_both;

fn sum(items: &Value, key: &str) -> i64 {
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|x| x[key].as_i64().unwrap_or(0))
        .sum()
}

on_both!(
    the_cadre_panel_counts_what_the_lists_show,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let (s, k) = admin.get_json("/api/v1/cadres/summary").await;
        assert_eq!(s, StatusCode::OK, "{k}");

        let (_, villages) = admin.get_json("/api/v1/villages/committees").await;
        assert!(villages["total"].as_i64().unwrap_or(0) > 0, "{villages}");
        assert_eq!(k["villages"], villages["total"]);
        assert_eq!(k["structure"], villages["now"], "the committees' structure");

        let (_, pools) = admin.get_json("/api/v1/reserve-pools").await;
        assert!(pools["in_pool_sum"].as_i64().unwrap_or(0) > 0, "{pools}");
        assert_eq!(k["in_pool"], pools["in_pool_sum"]);
        assert_eq!(k["target_sum"], pools["target_sum"]);
        assert_eq!(k["villages_short"], pools["villages_short"]);
        // The short list holds exactly the villages below the target they are held to.
        let (_, short) = admin.get_json("/api/v1/reserve-pools?short=true").await;
        assert_eq!(short["total"], pools["villages_short"], "{short}");
        let below = short["items"].as_array().cloned().unwrap_or_default();
        assert!(
            !below.is_empty(),
            "the demo leaves some pools short: {pools}"
        );
        assert!(
            below
                .iter()
                .all(|p| p["in_pool"].as_i64() < p["target"].as_i64()),
            "{short}"
        );

        let teams = t
            .count("SELECT COUNT(*) FROM resident_team WHERE ended_on IS NULL")
            .await;
        assert!(teams > 0);
        assert_eq!(k["residents"]["teams"], teams);
        let (_, active) = admin.get_json("/api/v1/resident-teams?active=true").await;
        assert_eq!(active["total"], teams, "{active}");

        let (_, programme) = admin.get_json("/api/v1/talent-programme").await;
        assert_eq!(k["talents"]["cycle"], programme["years"], "this cycle");
        assert_eq!(k["talents"]["actual"], sum(&programme["lines"], "actual"));
        assert_eq!(k["talents"]["target"], sum(&programme["lines"], "target"));
        let (_, studios) = admin.get_json("/api/v1/studios").await;
        assert!(studios["open"].as_i64().unwrap_or(0) > 0, "{studios}");
        assert_eq!(k["talents"]["studios"], studios["open"]);
        assert_eq!(k["talents"]["apprentices_now"], studios["apprentices_now"]);

        // The home page asks for the panel after itself; the panel prints the same figures.
        let b = t.browser("admin").await;
        let (s, home) = b.page("/").await;
        assert_eq!(s, StatusCode::OK);
        let org = admin.scope_org().await;
        assert!(
            home.contains(&format!("hx-get=\"/cadres/summary?org={org}\"")),
            "{home}"
        );
        let (s, panel) = b.page(&format!("/cadres/summary?org={org}")).await;
        assert_eq!(s, StatusCode::OK);
        let in_pool = format!("id=\"summary-reserve\">{}<", k["in_pool"]);
        let studios_open = format!("id=\"summary-studio-count\">{}<", studios["open"]);
        assert!(
            panel.contains(&in_pool) && panel.contains(&studios_open),
            "{panel}"
        );

        // A town reads its own part; a branch has no villages; a member and another town
        // read nothing.
        let town = t.account_named("town-500102013");
        let town_api = t.api(&town.username).await;
        let (s, own) = town_api.get_json("/api/v1/cadres/summary").await;
        assert_eq!(s, StatusCode::OK, "{own}");
        assert_eq!(own["org_id"], town.scope_org_id);
        assert!(own["villages"].as_i64() <= k["villages"].as_i64());
        let branch = t.account_named("baitao-secretary").scope_org_id;
        let (s, _) = admin
            .get_json(&format!("/api/v1/cadres/summary?org={branch}"))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "a branch has no villages");
        let (s, _) = t
            .api("baitao-member")
            .await
            .get_json("/api/v1/cadres/summary")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != town.username)
            .expect("another town");
        let (s, _) = t
            .api(&other.username)
            .await
            .get_json(&format!("/api/v1/cadres/summary?org={}", town.scope_org_id))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "out of scope answers like missing"
        );
        let (s, empty) = t
            .browser(&other.username)
            .await
            .page(&format!("/cadres/summary?org={branch}"))
            .await;
        assert!(
            s == StatusCode::NOT_FOUND && !empty.contains("summary-reserve"),
            "{s} {empty}"
        );
    }
);

on_both!(
    the_assessment_panel_counts_what_the_lists_show,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let (s, a) = admin.get_json("/api/v1/assessment/summary").await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let (_, points) = admin.get_json("/api/v1/contact-points").await;
        let points = points.as_array().cloned().unwrap_or_default();
        let open = points.iter().filter(|p| p["ended_on"].is_null()).count();
        assert!(open > 0, "the demo keeps contact points");
        assert_eq!(a["contact_points"], open);
        let visits: i64 = points
            .iter()
            .map(|p| p["visits"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(a["visits"], visits, "this year's visits to every point");
    }
);
