//! 组织关系转接 from the outside: a transfer inside the district accepted, rejected and
//! expired; out of and into the district; closed targets; both sides' views and scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::bad_input::good_member;
use crate::harness::{Api, TestApp};
use crate::on_both;

const BAITAO_TOWN: &str = "town-500102013";

struct Sides {
    secretary: Api,
    receiver: Api,
    /// A member of the sending branch.
    member: i64,
    /// A branch in another town.
    target: i64,
}

async fn sides(t: &TestApp) -> Sides {
    let secretary = t.api("baitao-secretary").await;
    let (_, list) = secretary.get_json("/api/v1/members?per_page=5").await;
    let member = list["items"][1]["id"].as_i64().expect("a member");
    let town = t
        .town_accounts()
        .into_iter()
        .find(|a| a.username != BAITAO_TOWN)
        .expect("another town");
    let receiver = t.api(&town.username).await;
    let (_, theirs) = receiver.get_json("/api/v1/members?per_page=1").await;
    let target = theirs["items"][0]["org_id"]
        .as_i64()
        .expect("a branch there");
    Sides {
        secretary,
        receiver,
        member,
        target,
    }
}

async fn request(s: &Sides, body: &Value) -> i64 {
    let (st, v) = s
        .secretary
        .post(&format!("/api/v1/members/{}/transfers", s.member), body)
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], "requested");
    v["id"].as_i64().expect("id")
}

async fn step(api: &Api, id: i64, action: &str, body: &Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/transfers/{id}/{action}"), body)
        .await
}

on_both!(
    a_transfer_inside_the_district_moves_the_member_once_received,
    async |t: &TestApp| {
        let s = sides(t).await;
        let before_sender = s.secretary.members_total().await;
        let before_receiver = s.receiver.members_total().await;
        let (_, m) = s
            .secretary
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        // Pay this month so that the letter carries it.
        s.secretary
            .send_json(
                reqwest::Method::PUT,
                &format!("/api/v1/members/{}/dues/base", s.member),
                &json!({"from_month": dangjian_domain::life::month_key(dangjian_service::today()), "base": "3000"}),
            )
            .await;
        let id = request(
            &s,
            &json!({"kind": "internal", "to_org_id": s.target, "reason": "工作调动"}),
        )
        .await;
        let (_, again) = s
            .secretary
            .post(
                &format!("/api/v1/members/{}/transfers", s.member),
                &json!({"kind": "internal", "to_org_id": s.target, "reason": "重复发起"}),
            )
            .await;
        assert_eq!(again["error"]["code"], "open_transfer", "{again}");

        // Both sides see it; only the sending side approves, only the receiving side accepts.
        let (st, seen) = s
            .receiver
            .get_json(&format!("/api/v1/transfers/{id}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{seen}");
        let (st, _) = step(&s.receiver, id, "approve", &json!({})).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = step(&s.secretary, id, "receive", &json!({})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "not approved yet");
        let (st, v) = step(
            &s.secretary,
            id,
            "approve",
            &json!({"letter_no": "涪组转〔2026〕88号"}),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "approved");
        assert_eq!(v["letter_no"], "涪组转〔2026〕88号");
        assert!(v["valid_until"].is_string());
        let (st, _) = step(&s.secretary, id, "receive", &json!({})).await;
        assert_eq!(
            st,
            StatusCode::NOT_FOUND,
            "the sender cannot accept for the receiver"
        );
        let (st, v) = step(&s.receiver, id, "receive", &json!({})).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "received");
        let (st, _) = step(&s.receiver, id, "receive", &json!({})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "received once");

        // The member now belongs to the receiving branch only, with the same join date.
        let (st, moved) = s
            .receiver
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(moved["org_id"], s.target);
        assert_eq!(moved["join_date"], m["join_date"]);
        let (st, _) = s
            .secretary
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        assert_eq!(s.secretary.members_total().await, before_sender - 1);
        assert_eq!(s.receiver.members_total().await, before_receiver + 1);
        // The history shows both organizations with their dates; the letter carries the dues.
        let (_, h) = s
            .receiver
            .get_json(&format!("/api/v1/members/{}/history", s.member))
            .await;
        let lines = h["memberships"].as_array().expect("memberships");
        assert_eq!(lines.len(), 2, "{h}");
        assert_eq!(lines[0]["org_id"], m["org_id"]);
        assert_eq!(lines[0]["from_date"], m["join_date"]);
        assert!(lines[0]["to_date"].is_string());
        assert_eq!(lines[1]["org_id"], s.target);
        assert!(lines[1]["to_date"].is_null());
        assert_eq!(h["transfers"][0]["dues_paid_to"], v["dues_paid_to"]);
        assert!(v["dues_paid_to"].is_string(), "{v}");
    }
);

on_both!(
    a_transfer_is_rejected_with_a_reason_or_expires_and_the_member_stays,
    async |t: &TestApp| {
        let s = sides(t).await;
        let id = request(
            &s,
            &json!({"kind": "internal", "to_org_id": s.target, "reason": "随子女生活"}),
        )
        .await;
        step(&s.secretary, id, "approve", &json!({})).await;
        let (st, v) = step(&s.receiver, id, "reject", &json!({"note": " "})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (st, v) = step(
            &s.receiver,
            id,
            "reject",
            &json!({"note": "介绍信信息有误"}),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "rejected");
        assert_eq!(v["note"], "介绍信信息有误");
        let (st, _) = s
            .secretary
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        assert_eq!(st, StatusCode::OK, "still in the sending branch");

        // A second request, approved and never received: the letter expires.
        let id = request(
            &s,
            &json!({"kind": "internal", "to_org_id": s.target, "reason": "工作调动"}),
        )
        .await;
        step(&s.secretary, id, "approve", &json!({})).await;
        let later = dangjian_service::today() + time::Duration::days(120);
        t.app.run_reminders(later).await.expect("reminders");
        let (_, v) = s
            .receiver
            .get_json(&format!("/api/v1/transfers/{id}"))
            .await;
        assert_eq!(v["state"], "expired");
        let (st, v) = step(&s.receiver, id, "receive", &json!({})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, h) = s
            .secretary
            .get_json(&format!("/api/v1/members/{}/history", s.member))
            .await;
        assert_eq!(h["memberships"].as_array().map(Vec::len), Some(1));
        assert_eq!(h["transfers"].as_array().map(Vec::len), Some(2));

        // A withdrawn request, and a stranger who sees none of it.
        let id = request(
            &s,
            &json!({"kind": "out", "outside_org": "重庆市渝中区某社区党委", "reason": "迁居"}),
        )
        .await;
        let (st, v) = step(&s.secretary, id, "cancel", &json!({})).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let (st, _) = s
            .receiver
            .get_json(&format!("/api/v1/transfers/{id}"))
            .await;
        assert_eq!(
            st,
            StatusCode::NOT_FOUND,
            "an out-of-district transfer is the sender's alone"
        );
        let (_, list) = s.receiver.get_json("/api/v1/transfers").await;
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|x| x["id"] != id)
        );
    }
);

on_both!(
    closed_and_unfit_targets_are_refused_and_nothing_is_written,
    async |t: &TestApp| {
        let s = sides(t).await;
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, target) = admin.get_json(&format!("/api/v1/orgs/{}", s.target)).await;
        let parent = target["parent_id"].as_i64().expect("parent");
        let (st, b) = admin
            .post("/api/v1/orgs", &json!({"parent_id": parent, "kind": "branch", "name": "已撤销党支部", "code": "TEST-CLOSED-1", "opened_on": "2010-01-01"}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
        let closed = b["id"].as_i64().expect("id");
        admin
            .patch(
                &format!("/api/v1/orgs/{closed}"),
                &json!({"closed_on": "2026-01-01"}),
            )
            .await;
        let path = format!("/api/v1/members/{}/transfers", s.member);
        for (body, code) in [
            (
                json!({"kind": "internal", "to_org_id": closed, "reason": "调动"}),
                "closed",
            ),
            (
                json!({"kind": "internal", "to_org_id": parent, "reason": "调动"}),
                "not_a_branch",
            ),
            (
                json!({"kind": "internal", "to_org_id": 99_999_999, "reason": "调动"}),
                "unknown_org",
            ),
            (json!({"kind": "internal", "reason": "调动"}), "required"),
            (json!({"kind": "out", "reason": "调动"}), "required"),
            (
                json!({"kind": "teleport", "reason": "调动"}),
                "invalid_choice",
            ),
            (
                json!({"kind": "internal", "to_org_id": s.target, "reason": ""}),
                "required",
            ),
        ] {
            let (st, v) = s.secretary.post(&path, &body).await;
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(v["error"]["code"], code, "{body}: {v}");
        }
        let (_, list) = s.secretary.get_json("/api/v1/transfers").await;
        assert_eq!(list["total"], 0, "nothing written: {list}");
        // Only editors search targets; the search spans the district but names branches only.
        let (st, _) = t
            .api("baitao-member")
            .await
            .get_json("/api/v1/transfers/targets?q=支部")
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (_, found) = s
            .secretary
            .get_json("/api/v1/transfers/targets?q=已撤销")
            .await;
        assert_eq!(
            found.as_array().map(Vec::len),
            Some(0),
            "closed branches are not offered"
        );
        // A town admin cannot start a transfer of someone outside their scope.
        let (st, _) = s
            .receiver
            .post(
                &path,
                &json!({"kind": "out", "outside_org": "某地", "reason": "调动"}),
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
);

on_both!(
    members_leave_and_join_the_district_by_letter,
    async |t: &TestApp| {
        let s = sides(t).await;
        let before = s.secretary.members_total().await;
        let id = request(&s, &json!({"kind": "out", "outside_org": "重庆市渝北区龙溪街道党工委", "reason": "迁居渝北"})).await;
        step(&s.secretary, id, "approve", &json!({})).await;
        let (st, v) = step(&s.secretary, id, "receive", &json!({"note": "回执已收到"})).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(s.secretary.members_total().await, before - 1);
        let admin = t.api(&t.account("district_admin").username).await;
        let (st, _) = admin
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "gone from the registry");
        let (st, v) = s
            .secretary
            .get_json(&format!("/api/v1/transfers/{id}"))
            .await;
        assert_eq!(st, StatusCode::OK, "the sender keeps the record: {v}");

        // In from outside: the member is registered on the letter, history and all.
        let branch = {
            let (_, me) = s.secretary.get_json("/api/v1/me").await;
            me["scope_org_id"].as_i64().expect("scope")
        };
        let mut body = good_member(&s.secretary).await;
        body["org_id"] = json!(branch);
        body["outside_org"] = json!("重庆市万州区某镇党委");
        body["letter_no"] = json!("万组转〔2026〕12号");
        let (st, v) = s.secretary.post("/api/v1/transfers/in", &body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["state"], "received");
        let new_id = v["member_id"].as_i64().expect("member");
        let (_, h) = s
            .secretary
            .get_json(&format!("/api/v1/members/{new_id}/history"))
            .await;
        let lines = h["memberships"].as_array().expect("lines");
        assert_eq!(lines.len(), 2, "{h}");
        assert_eq!(lines[0]["org_name"], "重庆市万州区某镇党委");
        assert!(lines[0]["org_id"].is_null());
        assert_eq!(lines[1]["org_id"], branch);
        assert_eq!(s.secretary.members_total().await, before);
        // A bad member record writes neither the member nor the transfer.
        body["id_number"] = json!("500102198503170012");
        let (st, _) = s.secretary.post("/api/v1/transfers/in", &body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, list) = s
            .secretary
            .get_json("/api/v1/transfers?state=received")
            .await;
        assert_eq!(list["total"], 2);
    }
);

on_both!(
    a_flowing_member_stays_counted_at_home,
    async |t: &TestApp| {
        let s = sides(t).await;
        let before = s.secretary.members_total().await;
        let (_, stats) = s.secretary.get_json("/api/v1/stats/overview").await;
        let flowing_before = stats["members_flowing"].as_i64().expect("flowing");
        let id = request(&s, &json!({"kind": "flow_out", "outside_org": "广东省深圳市某流动党员党支部", "reason": "外出务工"})).await;
        step(&s.secretary, id, "approve", &json!({})).await;
        let (st, v) = step(&s.secretary, id, "receive", &json!({})).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let (_, m) = s
            .secretary
            .get_json(&format!("/api/v1/members/{}", s.member))
            .await;
        assert_eq!(m["flowing"], true);
        assert_eq!(s.secretary.members_total().await, before);
        let (_, stats) = s.secretary.get_json("/api/v1/stats/overview").await;
        assert_eq!(
            stats["members_flowing"].as_i64(),
            Some(flowing_before + 1),
            "{stats}"
        );
    }
);

on_both!(
    the_pages_take_a_transfer_from_request_to_receipt,
    async |t: &TestApp| {
        let s = sides(t).await;
        let sender = t.browser("baitao-secretary").await;
        let town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != BAITAO_TOWN)
            .expect("another town");
        let receiver = t.browser(&town.username).await;
        let (_, target) = s
            .receiver
            .get_json(&format!("/api/v1/orgs/{}", s.target))
            .await;
        let name = target["name"].as_str().expect("name");
        let code = target["code"].as_str().expect("code");

        let (st, html) = sender.page(&format!("/members/{}", s.member)).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("id=\"member-history\""), "{html}");
        let (st, html) = sender
            .page(&format!("/transfers/targets?target_q={code}"))
            .await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains(&format!("value=\"{}\"", s.target)), "{html}");
        assert!(html.contains(name));

        let path = format!("/members/{}/transfer", s.member);
        let (st, html, _) = sender
            .post_form(&path, &[("kind", "internal"), ("reason", "工作调动")])
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请选择接收党组织"), "{html}");
        let target_id = s.target.to_string();
        let (st, _, to) = sender
            .post_form(
                &path,
                &[
                    ("kind", "internal"),
                    ("to_org_id", &target_id),
                    ("reason", "工作调动"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        let detail = to.expect("redirect");
        let (_, html) = sender.page(&detail).await;
        assert!(html.contains("id=\"action-approve\""), "{html}");
        assert!(!html.contains("id=\"action-receive\""));
        let (st, _, _) = sender
            .post_form(&format!("{detail}/approve"), &[("letter_no", "")])
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER);

        let (_, list) = receiver.page("/transfers?state=approved").await;
        assert!(
            list.contains(&detail),
            "the receiving side lists it: {list}"
        );
        let (_, html) = receiver.page(&detail).await;
        assert!(html.contains("id=\"action-receive\""), "{html}");
        assert!(!html.contains("id=\"action-approve\""));
        let (st, _, _) = receiver.post_form(&format!("{detail}/receive"), &[]).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        let (_, html) = receiver.page(&detail).await;
        assert!(html.contains("已接收"), "{html}");
        let (st, _) = receiver.page(&format!("/members/{}", s.member)).await;
        assert_eq!(st, StatusCode::OK);
    }
);
