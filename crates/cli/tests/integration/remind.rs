//! Reminders: before the theme day, before a period ends, to the town for a branch behind;
//! the job can run again without repeating itself.

use reqwest::StatusCode;
use time::Date;

use crate::harness::TestApp;
use crate::on_both;

fn day(d: u8) -> Date {
    let today = dangjian_service::today();
    Date::from_calendar_date(today.year(), today.month(), d).expect("a day of this month")
}

on_both!(
    reminders_are_sent_once_to_the_right_people,
    async |t: &TestApp| {
        // The demo holds no meetings yet this month: every branch is due a theme day
        // reminder on the 8th and a period-end one near the month's end. The server's own job
        // may have written today's already, so the test looks at what exists, not at counts.
        t.app.run_reminders(day(8)).await.expect("job");
        assert_eq!(
            t.app.run_reminders(day(8)).await.expect("job"),
            0,
            "running again repeats nothing"
        );
        let month_end = dangjian_domain::life::Period::containing(
            dangjian_domain::life::PeriodType::Month,
            day(1),
        )
        .end;
        t.app.run_reminders(month_end).await.expect("job");
        assert_eq!(t.app.run_reminders(month_end).await.expect("job"), 0);

        let secretary = t.api("baitao-secretary").await;
        let (s, v) = secretary.get_json("/api/v1/notifications").await;
        assert_eq!(s, StatusCode::OK);
        let items = v["items"].as_array().expect("items");
        assert!(
            items.iter().any(|n| n["kind"] == "fixed_day"
                && n["title"].as_str().expect("title").contains("主题党日")),
            "{v}"
        );
        assert!(items.iter().any(|n| n["kind"] == "period_end"), "{v}");
        assert!(v["unread"].as_u64().expect("unread") > 0);
        // Each names its period, so that this month's is not last month's, and the branch
        // with its parents below the town ("音观社区 / 第二党支部").
        let month = dangjian_domain::life::Period::containing(
            dangjian_domain::life::PeriodType::Month,
            day(1),
        )
        .label();
        let theme_day = items
            .iter()
            .find(|n| n["kind"] == "fixed_day")
            .expect("a theme day reminder");
        let title = theme_day["title"].as_str().expect("title");
        assert!(title.starts_with(&month), "{title} names {month}");
        let body = theme_day["body"].as_str().expect("body");
        assert!(body.contains(" / ") && body.contains(&month), "{body}");

        // A member of the branch reads the same reminder, and its link opens for them too.
        let member = t.browser("baitao-member").await;
        let link = theme_day["link"].as_str().expect("link");
        let (s, _) = member.page(link).await;
        assert_eq!(s, StatusCode::OK, "{link} opens for a member");
        let (_, html) = member.page("/notifications").await;
        assert!(html.contains(title), "the member sees the reminder");

        // The bell shows the count; reading clears it for this user only.
        let b = t.browser("baitao-secretary").await;
        let (_, bell) = b.page("/notifications/count").await;
        assert!(bell.contains("bell-count"));
        let (s, _, _) = b.post_form("/notifications/read", &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, v) = secretary.get_json("/api/v1/notifications").await;
        assert_eq!(v["unread"], 0);
        let (_, bell) = b.page("/notifications/count").await;
        assert!(!bell.contains("bell-count"));

        // Reminders go to the org they concern: another town's admin sees none of the
        // branch's (a town hears of its own branches behind, silent or late, not of meeting days).
        let branch = t.account("branch_secretary").scope_org_id;
        let other = t.api(&t.town_accounts()[6].username).await;
        let (_, v) = other.get_json("/api/v1/notifications").await;
        let theirs = v["items"].as_array().expect("items");
        assert!(
            theirs
                .iter()
                .all(|n| n["kind"] != "fixed_day" && n["kind"] != "period_end"),
            "{v}"
        );
        assert!(
            theirs.iter().all(|n| !n["link"]
                .as_str()
                .expect("link")
                .ends_with(&format!("org={branch}"))),
            "{v}"
        );
    }
);

on_both!(
    towns_hear_of_branches_behind_two_months,
    async |t: &TestApp| {
        // A branch on the books since 2020 that has never met is behind every month.
        let admin = t.api(&t.account("district_admin").username).await;
        let town = t.town_accounts()[2];
        let body = serde_json::json!({"parent_id": town.scope_org_id, "kind": "branch", "owner": "agency", "name": "沉寂党支部", "code": "TEST-SILENT", "opened_on": "2020-01-01"});
        let (s, branch) = admin.post("/api/v1/orgs", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{branch}");
        let (_, c) = admin
            .get_json(&format!("/api/v1/life/compliance?org={}", branch["id"]))
            .await;
        assert_eq!(c["total"]["met"], 0);
        assert!(c["total"]["behind"].as_i64().expect("behind") > 0, "{c}");

        t.app
            .run_reminders(dangjian_service::today())
            .await
            .expect("job");
        let (_, v) = t
            .api(&town.username)
            .await
            .get_json("/api/v1/notifications")
            .await;
        let told = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| {
                n["kind"] == "behind"
                    && n["title"]
                        .as_str()
                        .is_some_and(|t| t.contains("沉寂党支部"))
            })
            .count();
        assert_eq!(told, 1, "the town is told once: {v}");
        t.app
            .run_reminders(dangjian_service::today())
            .await
            .expect("job");
        let (_, v) = t
            .api(&town.username)
            .await
            .get_json("/api/v1/notifications")
            .await;
        let again = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| {
                n["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("沉寂党支部"))
            })
            .count();
        assert_eq!(again, 1, "and only once");
    }
);
