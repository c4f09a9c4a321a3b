//! 党内统计年报 from the outside: every figure agrees with the registry counted directly, each
//! classification adds up to the whole, each member figure's list holds exactly as many
//! members, a member recorded now moves the right figures, and the workbook and the PDF carry
//! the same figures, audited, in scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal, rows};
use crate::on_both;

fn lines<'a>(s: &'a Value, title_part: &str) -> &'a Vec<Value> {
    s["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["title"].as_str().is_some_and(|x| x.contains(title_part)))
        .and_then(|t| t["lines"].as_array())
        .unwrap_or_else(|| panic!("a table {title_part}: {s}"))
}

fn figure(s: &Value, title_part: &str, label: &str) -> i64 {
    lines(s, title_part)
        .iter()
        .find(|l| l["label"] == label)
        .and_then(|l| l["n"].as_i64())
        .unwrap_or_else(|| panic!("{label} in {title_part}"))
}

fn sum(ls: &[Value]) -> i64 {
    ls.iter().filter_map(|l| l["n"].as_i64()).sum()
}

on_both!(
    the_annual_statistics_agree_with_the_registry_and_open_their_lists,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let year = dangjian_service::today().year();
        let mut conn = t.sql().await;
        let path = rows(
            &mut conn,
            &format!("SELECT path FROM org WHERE id = {town_id}"),
        )
        .await[0][0]
            .clone();
        let count = |cond: &str| {
            format!("SELECT COUNT(*) FROM member WHERE org_path LIKE '{path}%' AND {cond}")
        };

        let (s, before) = town.get_json("/api/v1/stats/annual").await;
        assert_eq!(s, StatusCode::OK, "{before}");
        let total = figure(&before, "表一", "党员总数");
        assert!(total >= 10, "{total}");
        assert_eq!(total, t.count(&count("1 = 1")).await);
        assert_eq!(
            figure(&before, "表一", "女党员"),
            t.count(&count("gender = 'female'")).await
        );
        assert_eq!(
            figure(&before, "表一", "少数民族党员"),
            t.count(&count("ethnicity <> '汉族' AND ethnicity <> ''"))
                .await
        );
        assert_eq!(
            figure(&before, "表一", &format!("{year} 年发展党员（入党）")),
            t.count(&count(&format!("join_date LIKE '{year}-%'"))).await
        );
        // Each classification counts everyone once (party age: full members only).
        for table in ["表二", "表四", "表五", "表六", "表八"] {
            assert_eq!(sum(lines(&before, table)), total, "{table}");
        }
        let ethnic = lines(&before, "表三");
        assert_eq!(
            sum(ethnic) - figure(&before, "表三", "少数民族合计"),
            total,
            "every ethnic group and the Han"
        );
        assert_eq!(
            sum(lines(&before, "表七")),
            figure(&before, "表一", "正式党员")
        );

        // Each member figure's list holds as many members as it counts.
        let listed: Vec<&Value> = before["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .flat_map(|t| t["lines"].as_array().into_iter().flatten())
            .filter(|l| l["list"].is_string())
            .collect();
        assert!(listed.len() >= 30, "{} figures with a list", listed.len());
        for l in &listed {
            let q = l["list"].as_str().expect("list");
            let (s, page) = town
                .get_json(&format!("/api/v1/members?{q}&per_page=1"))
                .await;
            assert_eq!(s, StatusCode::OK, "{q}: {page}");
            assert_eq!(page["total"], l["n"], "{} ({q})", l["label"]);
        }
        // Each organization figure's list holds as many organizations.
        let org_lines: Vec<&Value> = before["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .flat_map(|t| t["lines"].as_array().into_iter().flatten())
            .filter(|l| l["orgs"].is_string())
            .collect();
        assert!(
            org_lines.len() >= 8,
            "{} organization figures",
            org_lines.len()
        );
        assert!(org_lines.iter().any(|l| l["n"].as_i64() > Some(0)));
        for l in &org_lines {
            let q = l["orgs"].as_str().expect("orgs");
            let (s, page) = town.get_json(&format!("/api/v1/orgs/list?{q}")).await;
            assert_eq!(s, StatusCode::OK, "{q}: {page}");
            assert_eq!(page["total"], l["n"], "{} ({q})", l["label"]);
        }
        let (s, v) = town.get_json("/api/v1/orgs/list?kind=castle").await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("kind", "invalid_choice"))
        );

        // The children's figures are their own subtrees'.
        let children = before["children"].as_array().expect("children");
        assert!(!children.is_empty());
        for c in children.iter().take(3) {
            let id = c["org"]["id"].as_i64().expect("id");
            let n = t
                .count(&format!(
                    "SELECT COUNT(*) FROM member WHERE gender = 'female' AND org_path LIKE \
                     (SELECT path FROM org WHERE id = {id}) || '%'"
                ))
                .await;
            assert_eq!(c["women"].as_i64(), Some(n), "{c}");
        }

        // A 土家族 member admitted this year moves exactly their figures.
        let (_, some) = town.get_json("/api/v1/members?per_page=1").await;
        let branch = some["items"][0]["org_id"].as_i64().expect("a branch");
        let today = dangjian_domain::date::format(dangjian_service::today());
        let (s, v) = town
            .post(
                "/api/v1/members",
                &json!({"org_id": branch, "name": "田新党", "id_number": crate::roster::id_number(1990, 1, 1, 37),
                        "ethnicity": "土家族", "education": "bachelor", "category": "farmer",
                        "status": "probationary", "join_date": today}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, after) = town.get_json("/api/v1/stats/annual").await;
        for (table, label) in [
            ("表一", "党员总数"),
            ("表一", "预备党员"),
            ("表一", "少数民族党员"),
            ("表三", "土家族"),
            ("表三", "少数民族合计"),
            ("表八", "2013年及以后"),
        ] {
            assert_eq!(
                figure(&after, table, label),
                figure(&before, table, label) + 1,
                "{table} {label}"
            );
        }
        assert_eq!(
            figure(&after, "表一", &format!("{year} 年发展党员（入党）")),
            figure(&before, "表一", &format!("{year} 年发展党员（入党）")) + 1
        );
        assert_eq!(
            figure(&after, "表三", "汉族"),
            figure(&before, "表三", "汉族")
        );
        t.assert_counters_agree().await;

        // The workbook and the PDF carry the figures; each is audited.
        let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '党内统计年报%'";
        let audited = t.count(audit).await;
        let b = t.browser("town-500102013").await;
        let cells = b.xlsx_cells("/stats/annual.xlsx", "统计表").await;
        assert!(
            cells.iter().any(|c| c.contains("少数民族党员")),
            "{cells:?}"
        );
        assert!(cells.contains(&(total + 1).to_string()), "{cells:?}");
        let r = town.get("/api/v1/stats/annual.pdf").await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        let text: String = crate::documents::text_of(&bytes)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains("党内统计年报"));
        assert!(text.contains("表八入党时间"));
        assert!(text.contains(&format!("党员{}名", total + 1)), "{text}");
        assert_eq!(t.count(audit).await, audited + 2);

        // The page shows the tables with their lists' links.
        let (s, html) = b.page("/stats/annual").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("表三 党员民族"));
        assert!(html.contains(&format!("/orgs/list?org={town_id}&#38;kind=branch")));
        let (s, list) = b
            .page(&format!("/orgs/list?org={town_id}&kind=branch"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.contains("党组织名单") && list.contains("org-list-total"));
        // `&` is written as a character reference, which browsers read as `&`.
        assert!(
            html.contains(&format!("/members?org={town_id}&#38;ethnicity=minority")),
            "{html}"
        );

        // A member reads the figures of their branch without lists; another town and a
        // bad year are refused.
        let member = t.api("baitao-member").await;
        let (s, own) = member.get_json("/api/v1/stats/annual").await;
        assert_eq!(s, StatusCode::OK, "{own}");
        assert!(!own.to_string().contains("\"list\":\"org="), "no lists");
        let other = t.another_town();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/stats/annual?org={town_id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = town.get_json("/api/v1/stats/annual?year=1999").await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("year", "out_of_range"))
        );
        let (s, v) = town.get_json("/api/v1/members?ethnicity=火星族").await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("ethnicity", "invalid_choice")
            )
        );
    }
);

fn report_figure(r: &Value, label: &str) -> (Option<i64>, Option<i64>) {
    let f = r["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("{label}: {r}"));
    (f["now"].as_i64(), f["before"].as_i64())
}

on_both!(
    the_work_report_reads_each_module_against_the_period_before,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let today = dangjian_service::today();
        let year = today.year();
        let this_month = dangjian_domain::life::month_key(today);
        let path = {
            let mut conn = t.sql().await;
            rows(
                &mut conn,
                &format!("SELECT path FROM org WHERE id = {town_id}"),
            )
            .await[0][0]
                .clone()
        };

        // A whole year: the figures against the modules' own answers.
        let (s, r) = town
            .get_json(&format!("/api/v1/stats/report?period={year}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["report_name"], "年报");
        let (_, life) = town
            .get_json(&format!(
                "/api/v1/life/compliance?org={town_id}&period={year}"
            ))
            .await;
        assert_eq!(
            report_figure(&r, "应开展会议").0,
            life["total"]["required"].as_i64()
        );
        assert!(report_figure(&r, "应开展会议").0 > Some(0), "{life}");
        assert_eq!(
            report_figure(&r, "三会一课落实率").0,
            life["rate"].as_f64().map(|x| (x * 1000.0).round() as i64)
        );
        let applied = t
            .count(&format!(
                "SELECT COUNT(*) FROM recruit_step s JOIN recruit r ON r.id = s.recruit_id \
                 WHERE r.org_path LIKE '{path}%' AND s.step_no = 1 AND s.done_on >= '{year}-01-01' \
                 AND s.done_on <= '{year}-12-31'"
            ))
            .await;
        assert_eq!(report_figure(&r, "递交入党申请").0, Some(applied));
        // The period before reads as that period's own report.
        let (_, last_year) = town
            .get_json(&format!("/api/v1/stats/report?period={}", year - 1))
            .await;
        let figures = r["figures"].as_array().expect("figures");
        assert!(figures.len() >= 15);
        for f in figures {
            let label = f["label"].as_str().expect("label");
            assert_eq!(
                f["before"],
                report_figure(&last_year, label)
                    .0
                    .map_or(Value::Null, Value::from),
                "{label}"
            );
        }
        // The children's dues add up to the level's.
        let children = r["children"].as_array().expect("children");
        assert!(!children.is_empty());
        let sum: i64 = children
            .iter()
            .filter_map(|c| c["dues_paid_fen"].as_i64())
            .sum();
        assert_eq!(Some(sum), report_figure(&r, "党费收缴").0);

        // A payment recorded now moves this month's dues, not last month's.
        let month_report = format!("/api/v1/stats/report?period={this_month}");
        let (_, before) = town.get_json(&month_report).await;
        assert_eq!(before["report_name"], "月报");
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let (_, l) = secretary
            .get_json(&format!(
                "/api/v1/dues/ledger?org={branch}&month={this_month}"
            ))
            .await;
        let (member, due) = l["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|x| x["state"] == "unpaid" && x["due_fen"].as_i64().is_some())
            .and_then(|x| Some((x["member_id"].as_i64()?, x["due_fen"].as_i64()?)))
            .expect("someone owes this month");
        let (s, v) = secretary
            .post(
                &format!("/api/v1/members/{member}/dues/payments"),
                &json!({"from_month": this_month, "method": "cash"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, after) = town.get_json(&month_report).await;
        let (paid_before, last_month) = report_figure(&before, "党费收缴");
        assert_eq!(
            report_figure(&after, "党费收缴"),
            (paid_before.map(|p| p + due), last_month)
        );
        assert_eq!(
            report_figure(&after, "缴纳人次").0,
            report_figure(&before, "缴纳人次").0.map(|n| n + 1)
        );

        // Printed: the figures and the headings, audited; the page; refusals.
        let audit =
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '党建工作%'";
        let audited = t.count(audit).await;
        let resp = town
            .get(&format!("/api/v1/stats/report.pdf?period={year}"))
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.bytes().await.expect("pdf");
        let text: String = crate::documents::text_of(&bytes)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains("党建工作年报"), "{text}");
        assert!(text.contains("一、主要数据") && text.contains("四、需要跟进的事项"));
        assert!(text.contains(&format!("与{}年相比较", year - 1)), "{text}");
        assert_eq!(t.count(audit).await, audited + 1);
        let b = t.browser("town-500102013").await;
        let (s, html) = b.page(&format!("/stats/report?period={this_month}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("党建工作月报"));
        let (_, home) = b.page("/").await;
        assert!(home.contains("/stats/report?org="));
        let (s, v) = town.get_json("/api/v1/stats/report?period=2026-13").await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("period", "invalid_period")
            )
        );
        let other = t.another_town();
        let (s, _) = t
            .api(&other)
            .await
            .get_json(&format!("/api/v1/stats/report?org={town_id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
