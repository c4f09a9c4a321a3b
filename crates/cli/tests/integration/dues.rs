//! 党费: the standard from category and base, the ledger, back payments, reductions approved
//! above the branch, arrears and lapse warnings, the export, and scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::bad_input::good_member;
use crate::harness::{Api, TestApp};
use crate::on_both;

fn this_month() -> String {
    dangjian_domain::life::month_key(dangjian_service::today())
}

fn month(n: i32) -> String {
    dangjian_domain::dues::shift_month(&this_month(), n).expect("month")
}

async fn branch_of(api: &Api) -> i64 {
    let (_, me) = api.get_json("/api/v1/me").await;
    me["scope_org_id"].as_i64().expect("scope")
}

async fn ledger(api: &Api, org: i64, m: &str) -> Value {
    let (s, v) = api
        .get_json(&format!("/api/v1/dues/ledger?org={org}&month={m}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn lines_where<'a>(l: &'a Value, pred: impl Fn(&Value) -> bool + 'a) -> Vec<&'a Value> {
    l["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|x| pred(x))
        .collect()
}

async fn set_base(api: &Api, member: i64, base: &str) -> (StatusCode, Value) {
    api.send_json(
        reqwest::Method::PUT,
        &format!("/api/v1/members/{member}/dues/base"),
        &json!({"from_month": this_month(), "base": base}),
    )
    .await
}

on_both!(
    the_standard_follows_category_and_base_at_the_bracket_edges,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, list) = admin
            .get_json("/api/v1/members?category=in_service&per_page=1")
            .await;
        let in_service = list["items"][0]["id"]
            .as_i64()
            .expect("an in-service member");
        for (base, standard) in [("3000.00", 1_500), ("3000.01", 3_000), ("10000.01", 20_000)] {
            let (s, v) = set_base(&admin, in_service, base).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let (_, d) = admin
                .get_json(&format!("/api/v1/members/{in_service}/dues"))
                .await;
            assert_eq!(d["monthly_standard_fen"], standard, "base {base}: {d}");
            assert_eq!(d["category"], "in_service");
            assert_eq!(d["base_fen"], json!(crate::dues::fen(base)));
        }
        // A retiree has a cliff of their own.
        let (_, list) = admin
            .get_json("/api/v1/members?category=retired&per_page=1")
            .await;
        let retiree = list["items"][0]["id"].as_i64().expect("a retired member");
        let (s, _) = set_base(&admin, retiree, "5000.00").await;
        assert_eq!(s, StatusCode::OK);
        let (_, d) = admin
            .get_json(&format!("/api/v1/members/{retiree}/dues"))
            .await;
        assert_eq!(d["monthly_standard_fen"], 2_500);
        set_base(&admin, retiree, "5000.01").await;
        let (_, d) = admin
            .get_json(&format!("/api/v1/members/{retiree}/dues"))
            .await;
        assert_eq!(d["monthly_standard_fen"], 5_000);

        // Negative, absurd and garbled bases are refused and change nothing.
        for (bad, code) in [
            ("-5", "negative"),
            ("99999999", "absurd"),
            ("三千", "invalid_amount"),
        ] {
            let (s, v) = set_base(&admin, retiree, bad).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert_eq!(v["error"]["code"], code, "{v}");
        }
        let (_, d) = admin
            .get_json(&format!("/api/v1/members/{retiree}/dues"))
            .await;
        assert_eq!(d["base_fen"], 500_001);

        // A member reads their own standard but cannot set it; another town sees nothing.
        let member = t.api("baitao-member").await;
        let (_, me) = member.get_json("/api/v1/me").await;
        let own = me["member_id"].as_i64().expect("member record");
        let (s, _) = member
            .get_json(&format!("/api/v1/members/{own}/dues"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = set_base(&member, own, "4000").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = set_base(&secretary, own, "4000").await;
        assert_eq!(s, StatusCode::OK);
        let other_town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let stranger = t.api(&other_town.username).await;
        let (s, _) = stranger
            .get_json(&format!("/api/v1/members/{own}/dues"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = set_base(&stranger, own, "4000").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

pub fn fen(yuan: &str) -> i64 {
    dangjian_domain::dues::yuan_to_fen(yuan).expect("amount")
}

on_both!(
    payments_are_recorded_once_within_the_back_payment_window,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        // Nobody in the demo has paid ahead: next month is open for everyone.
        let now = month(1);
        let l = ledger(&secretary, branch, &now).await;
        let unpaid: Vec<i64> = lines_where(&l, |x| x["state"] == "unpaid")
            .iter()
            .filter_map(|x| x["member_id"].as_i64())
            .collect();
        assert!(unpaid.len() >= 3, "{l}");
        let one = unpaid[0];
        let pay = |m: &str| json!({"from_month": m, "method": "wechat"});
        let (s, v) = secretary
            .post(&format!("/api/v1/members/{one}/dues/payments"), &pay(&now))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v[0]["month"], now.as_str());
        let (s, v) = secretary
            .post(&format!("/api/v1/members/{one}/dues/payments"), &pay(&now))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "already_paid");
        let (s, v) = secretary
            .post(
                &format!("/api/v1/members/{one}/dues/payments"),
                &pay(&month(-7)),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "too_old");
        // Three months ahead at once, with the branch's consent; less than due is refused.
        let ahead = json!({"from_month": month(2), "to_month": month(4), "method": "cash", "amount": "0.01"});
        let (s, v) = secretary
            .post(&format!("/api/v1/members/{one}/dues/payments"), &ahead)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let ahead = json!({"from_month": month(2), "to_month": month(4), "method": "cash"});
        let (s, v) = secretary
            .post(&format!("/api/v1/members/{one}/dues/payments"), &ahead)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v.as_array().map(Vec::len), Some(3));
        let (_, d) = secretary
            .get_json(&format!("/api/v1/members/{one}/dues"))
            .await;
        assert_eq!(d["paid_up_to"], month(4).as_str());

        // A batch with a member of another branch writes nothing at all.
        let (_, other) = t
            .api(&t.account("district_admin").username)
            .await
            .get_json("/api/v1/members?per_page=100")
            .await;
        let stranger = other["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|m| m["org_id"] != branch)
            .and_then(|m| m["id"].as_i64())
            .expect("a member elsewhere");
        let batch = json!({"org_id": branch, "month": now, "member_ids": [unpaid[1], stranger], "method": "cash"});
        let (s, v) = secretary.post("/api/v1/dues/ledger", &batch).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let l = ledger(&secretary, branch, &now).await;
        assert_eq!(
            lines_where(&l, |x| x["member_id"] == unpaid[1])[0]["state"],
            "unpaid"
        );
        let batch = json!({"org_id": branch, "month": now, "member_ids": [unpaid[1], unpaid[2]], "method": "cash"});
        let (s, v) = secretary.post("/api/v1/dues/ledger", &batch).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["recorded"], 2);
        let after = ledger(&secretary, branch, &now).await;
        for id in &unpaid[..3] {
            let line = lines_where(&after, |x| x["member_id"] == *id)[0];
            assert_eq!(line["state"], "paid", "{line}");
            assert_eq!(line["payment"]["paid_fen"], line["due_fen"]);
        }
        assert_eq!(
            after["paid_count"].as_i64(),
            l["paid_count"].as_i64().map(|n| n + 2)
        );
        // The month's counters above the branch (what 云中心 and the town read) moved with
        // each payment, one at a time and in a batch.
        t.assert_counters_agree().await;
    }
);

on_both!(
    a_reduction_is_approved_by_the_committee_above_the_branch,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let village = t.api("baitao-village").await;
        let branch = branch_of(&secretary).await;
        let l = ledger(&secretary, branch, &month(1)).await;
        let line = lines_where(&l, |x| x["state"] == "unpaid")[0];
        let id = line["member_id"].as_i64().expect("member");
        let body = json!({"from_month": month(1), "to_month": month(6), "monthly": "0", "reason": "因病住院，生活困难"});
        let (s, r) = secretary
            .post(&format!("/api/v1/members/{id}/dues/reductions"), &body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["state"], "proposed");
        let rid = r["id"].as_i64().expect("id");
        let decide = json!({"approve": true, "note": "同意"});
        let path = format!("/api/v1/dues/reductions/{rid}/decision");
        let (s, _) = secretary.post(&path, &decide).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the branch cannot approve its own request"
        );
        let (s, r) = village.post(&path, &decide).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "approved");
        let (s, v) = village.post(&path, &decide).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let l = ledger(&secretary, branch, &month(1)).await;
        let line = lines_where(&l, |x| x["member_id"] == id)[0];
        assert_eq!(line["due_fen"], 0, "{line}");
        assert_eq!(line["reduced_fen"], 0);
    }
);

on_both!(
    a_silent_member_is_flagged_until_they_pay,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        let mut body = good_member(&secretary).await;
        body["org_id"] = json!(branch);
        body["name"] = json!("久未联系");
        let (s, m) = secretary.post("/api/v1/members", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let id = m["id"].as_i64().expect("id");
        let (s, v) = secretary
            .get_json(&format!("/api/v1/dues/lapses?org={branch}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let flagged = v
            .as_array()
            .expect("list")
            .iter()
            .find(|x| x["member_id"] == id)
            .unwrap_or_else(|| panic!("a member who never paid nor attended is flagged: {v}"));
        assert_eq!(flagged["lapsed"], true);

        // The reminder job tells the branch and the town, once a month. (The server's own job
        // may have written this month's at its start: what counts is that they exist, once.)
        t.app
            .run_reminders(dangjian_service::today())
            .await
            .expect("reminders");
        let again = t
            .app
            .run_reminders(dangjian_service::today())
            .await
            .expect("reminders");
        assert_eq!(again, 0, "a second run repeats nothing");
        let (_, n) = secretary.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "lapse"),
            "{n}"
        );
        let town = t.api("town-500102013").await;
        let (_, n) = town.get_json("/api/v1/notifications").await;
        assert!(
            n["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|x| x["kind"] == "lapse")
        );

        // Paying last month ends the silence; an in-service member needs a base first.
        let pay = json!({"from_month": month(-1), "method": "cash"});
        let path = format!("/api/v1/members/{id}/dues/payments");
        let (s, v) = secretary.post(&path, &pay).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "no_base", "{v}");
        // A base from this month on does not reach back to last month.
        let (s, _) = set_base(&secretary, id, "4200").await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = secretary.post(&path, &pay).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = secretary
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/members/{id}/dues/base"),
                &json!({"from_month": month(-6), "base": 4200}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = secretary.post(&path, &pay).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v[0]["due_fen"], 4_200);
        let (_, v) = secretary
            .get_json(&format!("/api/v1/dues/lapses?org={branch}"))
            .await;
        assert!(
            !v.as_array()
                .expect("list")
                .iter()
                .any(|x| x["member_id"] == id)
        );
        // It owes nothing for the months before it joined... and still owes the ones since.
        let (_, arrears) = secretary
            .get_json(&format!("/api/v1/dues/arrears?org={branch}"))
            .await;
        let owed = arrears
            .as_array()
            .expect("list")
            .iter()
            .find(|x| x["member_id"] == id)
            .expect("in arrears");
        assert_eq!(owed["unpaid_months"], 5, "{owed}");
    }
);

on_both!(
    the_ledger_page_records_a_batch_and_exports_with_an_audit_row,
    async |t: &TestApp| {
        let browser = t.browser("baitao-secretary").await;
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        let now = month(1);
        let (s, html) = browser.page(&format!("/dues?org={branch}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"ledger\""), "{html}");
        let l = ledger(&secretary, branch, &now).await;
        let unpaid = lines_where(&l, |x| x["state"] == "unpaid")[0]["member_id"]
            .as_i64()
            .expect("unpaid");
        let path = format!("/dues/pay?org={branch}&month={now}");
        let (s, html, _) = browser
            .post_form(&path, &[("pay", &unpaid.to_string()), ("method", "")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请选择交纳方式"), "{html}");
        let (s, _, to) = browser
            .post_form(&path, &[("pay", &unpaid.to_string()), ("method", "cash")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert!(to.is_some_and(|to| to.starts_with("/dues?")));
        let l = ledger(&secretary, branch, &now).await;
        assert_eq!(
            lines_where(&l, |x| x["member_id"] == unpaid)[0]["state"],
            "paid"
        );

        let r = browser
            .client
            .get(t.url(&format!("/dues/ledger.xlsx?org={branch}&month={now}")))
            .send()
            .await
            .expect("export");
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.expect("body").to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
        let sheet = calamine::Reader::worksheet_range(&mut book, "党费台账").expect("sheet");
        let rows = l["lines"].as_array().map_or(0, Vec::len);
        assert_eq!(
            sheet.height(),
            rows + 3,
            "title, blank, header and one row a member"
        );
        let log = t
            .app
            .audit_log(&crate::audit::auditor_actor(t).await, None, None, 20)
            .await
            .expect("log");
        assert!(
            log.iter()
                .any(|r| r.action == "export" && r.detail.starts_with("党费台账")),
            "the export is audited"
        );
        let (s, html) = browser.page(&format!("/members/{unpaid}/dues")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&now), "{html}");
    }
);

on_both!(
    a_towns_collection_by_child_agrees_with_its_branches_ledgers,
    async |t: &TestApp| {
        let town = t.account_named("town-500102013");
        let api = t.api(&town.username).await;
        let (s, rows) = api
            .get_json(&format!("/api/v1/dues/by-child?org={}", town.scope_org_id))
            .await;
        assert_eq!(s, StatusCode::OK, "{rows}");
        let rows = rows.as_array().expect("rows");
        assert!(rows.len() > 1, "the town's total and its children");
        let (total, children) = rows.split_first().expect("a total");
        assert_eq!(total["org"]["id"].as_i64(), Some(town.scope_org_id));
        for key in ["members", "payers", "paid_fen"] {
            let sum: i64 = children.iter().filter_map(|c| c[key].as_i64()).sum();
            assert_eq!(
                total[key].as_i64(),
                Some(sum),
                "{key}: the total is the children's sum"
            );
        }
        assert!(total["payers"].as_i64() > Some(0), "the demo's members pay");
        // A branch's figure is its ledger's: the same payments, counted once.
        let branch = children
            .iter()
            .find(|c| matches!(c["org"]["kind"].as_str(), Some("branch" | "joint_branch")))
            .or_else(|| children.first())
            .expect("a child");
        let id = branch["org"]["id"].as_i64().expect("id");
        let (_, deeper) = api
            .get_json(&format!("/api/v1/dues/by-child?org={id}"))
            .await;
        let (s, ledger) = api.get_json(&format!("/api/v1/dues/ledger?org={id}")).await;
        if s == StatusCode::OK {
            assert_eq!(branch["payers"].as_i64(), ledger["paid_count"].as_i64());
            assert_eq!(branch["paid_fen"], ledger["paid_fen"]);
        } else {
            assert_eq!(
                deeper[0]["payers"], branch["payers"],
                "a village's total is its line above"
            );
        }
        let b = t.browser(&town.username).await;
        let (_, html) = b.page(&format!("/dues?org={}", town.scope_org_id)).await;
        assert!(html.contains("id=\"dues-children\"") && html.contains("收缴率"));
        let member = t.api("baitao-member").await;
        let (s, _) = member
            .get_json(&format!("/api/v1/dues/by-child?org={}", town.scope_org_id))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "a member's scope is their branch");
    }
);
