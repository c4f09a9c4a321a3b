//! The register of non-public enterprises and social organizations from the outside: a
//! credit code with a wrong check character, a code registered twice, an own organization
//! of the wrong owner or already another unit's, a joint organization past the district's
//! maximum, places and organizations out of scope: each a Chinese message naming the field
//! and nothing stored; the two coverages count what the register holds; plain members,
//! villages and other towns see or change none of it.

use dangjian_domain::enterprises::credit_code::CreditCode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{TestApp, refusal};
use crate::on_both;

/// A valid code whose first 17 characters end in `n`.
fn code(n: u32) -> String {
    CreditCode::compose(&format!("91500102MA5U{n:05}"))
        .expect("code")
        .as_str()
        .to_string()
}

fn unit(place: i64, name: &str, code: &str, setup: &str, party_org: Option<i64>) -> Value {
    json!({
        "org_id": place, "name": name, "credit_code": code, "kind": "非公企业",
        "industry": "制造业", "size": "小型", "staff": 40, "address": "白涛街道工业园",
        "org_setup": setup, "party_org_id": party_org,
    })
}

on_both!(
    the_register_refuses_bad_input_and_counts_the_coverages,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        // The figures below are exact: this test starts from an empty register.
        for table in ["enterprise_visit", "enterprise_helper", "enterprise"] {
            t.exec(&format!("DELETE FROM {table}")).await;
        }
        let units = "SELECT COUNT(*) FROM enterprise";
        let before = t.count(units).await;

        // A unit with no party organization yet, registered by its town.
        let (s, plain) = town
            .post(
                "/api/v1/enterprises",
                &unit(town_id, "涪陵榨菜包装厂", &code(1), "未建立", None),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{plain}");
        assert_eq!(plain["credit_code"], code(1));
        assert_eq!(plain["org_setup"], "none");

        // Bad input names its field and stores nothing.
        let mut wrong = code(2);
        let last = wrong.pop().expect("check character");
        wrong.push(if last == '0' { '1' } else { '0' });
        let other_town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .scope_org_id;
        let enterprise_org = t
            .count(
                "SELECT MIN(id) FROM org WHERE owner = 'private_enterprise' AND kind = 'branch' \
                 AND closed_on IS NULL",
            )
            .await;
        for (body, field, code_) in [
            (
                unit(town_id, "校验位错", &wrong, "未建立", None),
                "credit_code",
                "bad_check_character",
            ),
            (
                unit(town_id, "重复登记", &code(1), "未建立", None),
                "credit_code",
                "duplicate",
            ),
            (
                unit(town_id, "", &code(3), "未建立", None),
                "name",
                "required",
            ),
            (
                unit(other_town, "别的镇", &code(3), "未建立", None),
                "org_id",
                "not_found",
            ),
            (
                unit(town_id, "未建却选", &code(3), "未建立", Some(town_id)),
                "party_org_id",
                "not_expected",
            ),
            (
                unit(
                    town_id,
                    "看不见的党组织",
                    &code(3),
                    "单独组建",
                    Some(enterprise_org),
                ),
                "party_org_id",
                "not_found",
            ),
        ] {
            let (s, v) = town.post("/api/v1/enterprises", &body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(refusal(&v), (field, code_), "{body}: {v}");
        }
        assert_eq!(t.count(units).await, before + 1);

        // Its own organization: a private enterprise's branch, one unit's only, registered by
        // the district, who keeps that part of the tree.
        assert!(enterprise_org > 0, "the demo has enterprises' branches");
        let mut social = unit(
            town_id,
            "社会组织用企业支部",
            &code(4),
            "单独组建",
            Some(enterprise_org),
        );
        social["kind"] = json!("社会组织");
        let (s, v) = admin.post("/api/v1/enterprises", &social).await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("party_org_id", "wrong_owner")
            ),
            "{v}"
        );
        let (s, own) = admin
            .post(
                "/api/v1/enterprises",
                &unit(
                    town_id,
                    "太极制药涪陵分厂",
                    &code(5),
                    "单独组建",
                    Some(enterprise_org),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{own}");
        let (s, v) = admin
            .post(
                "/api/v1/enterprises",
                &unit(
                    town_id,
                    "抢支部",
                    &code(6),
                    "单独组建",
                    Some(enterprise_org),
                ),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("party_org_id", "taken")),
            "{v}"
        );

        // The town keeps the unit without seeing its organization: the link stays as it was.
        let id = own["id"].as_i64().expect("id");
        let mut edited = unit(
            town_id,
            "太极制药涪陵分厂",
            &code(5),
            "单独组建",
            Some(enterprise_org),
        );
        edited["staff"] = json!(120);
        edited["has_union"] = json!(true);
        let (s, v) = town
            .send_json(Method::PUT, &format!("/api/v1/enterprises/{id}"), &edited)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["staff"].as_i64(), v["party_org_id"].as_i64()),
            (Some(120), Some(enterprise_org))
        );

        // A joint organization covers at most the district's maximum (2 here).
        let (_, mut rules) = admin.get_json("/api/v1/enterprises/rules").await;
        rules["joint_max"] = json!(2);
        let (s, v) = admin
            .send_json(Method::PUT, "/api/v1/enterprises/rules", &rules)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = town
            .send_json(Method::PUT, "/api/v1/enterprises/rules", &rules)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let joint = t
            .count("SELECT MIN(id) FROM org WHERE kind = 'joint_branch' AND closed_on IS NULL")
            .await;
        assert!(joint > 0, "the demo has joint branches");
        for n in [7, 8] {
            let (s, v) = admin
                .post(
                    "/api/v1/enterprises",
                    &unit(
                        town_id,
                        &format!("联建单位{n}"),
                        &code(n),
                        "联合组建",
                        Some(joint),
                    ),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = admin
            .post(
                "/api/v1/enterprises",
                &unit(town_id, "联建单位9", &code(9), "联合组建", Some(joint)),
            )
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ("party_org_id", "joint_full")
            ),
            "{v}"
        );
        assert_eq!(t.count(units).await, before + 4);

        // The coverages of the town: 4 operating, 1 own, 2 joint, the own one also with a
        // union, the plain one uncovered.
        let (s, c) = town.get_json("/api/v1/enterprises/coverage").await;
        assert_eq!(s, StatusCode::OK, "{c}");
        let all = &c["coverage"]["all"];
        assert_eq!(
            (
                &all["operating"],
                &all["own_org"],
                &all["joint_org"],
                &all["uncovered"]
            ),
            (&json!(4), &json!(1), &json!(2), &json!(1)),
            "{c}"
        );
        assert_eq!(all["org_percent"], 75.0, "{c}");
        assert_eq!(all["own_percent"], 25.0, "{c}");
        let (_, list) = town.get_json("/api/v1/enterprises?uncovered=true").await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["items"][0]["name"], "涪陵榨菜包装厂", "{list}");
        let (_, found) = town
            .get_json(&format!("/api/v1/enterprises?q={}", code(5)))
            .await;
        assert_eq!(found["items"][0]["id"], id, "{found}");

        // Scope: another town reads none of it, a village keeps none, a member reads none.
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .username
            .clone();
        let other = t.api(&other).await;
        let (s, _) = other.get_json(&format!("/api/v1/enterprises/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, theirs) = other.get_json("/api/v1/enterprises").await;
        assert_eq!(theirs["total"], 0, "{theirs}");
        let village = t.api("baitao-village").await;
        let village_id = t.account_named("baitao-village").scope_org_id;
        let (s, _) = village
            .post(
                "/api/v1/enterprises",
                &unit(village_id, "村里的厂", &code(10), "未建立", None),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let member = t.api("baitao-member").await;
        for path in ["/api/v1/enterprises", "/api/v1/enterprises/rules"] {
            let (s, _) = member.get_json(path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }

        assert_eq!(
            t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.add'")
                .await,
            4
        );
    }
);

/// A form's fields as the browser posts them.
fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

on_both!(
    the_register_page_registers_edits_and_exports,
    async |t: &TestApp| {
        let b = t.browser("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let town_text = town_id.to_string();
        let units = "SELECT COUNT(*) FROM enterprise";
        let before = t.count(units).await;
        let exports = "SELECT COUNT(*) FROM audit_log WHERE action = 'export'";
        let exported = t.count(exports).await;
        let (s, html) = b.page("/enterprises").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("两个覆盖"), "{html}");
        assert!(html.contains("id=\"add-unit\""), "the town registers");

        // A wrong check character comes back with the message beside its field, the form
        // kept as typed, nothing stored.
        let mut wrong = code(20);
        let last = wrong.pop().expect("check character");
        wrong.push(if last == '0' { '1' } else { '0' });
        let fields = |credit: &str| {
            vec![
                ("org", town_text.clone()),
                ("org_id", town_text.clone()),
                ("name", "涪陵页面登记厂".to_string()),
                ("credit_code", credit.to_string()),
                ("kind", "enterprise".to_string()),
                ("industry", "制造业".to_string()),
                ("size", "small".to_string()),
                ("staff", "35".to_string()),
                ("operating", "1".to_string()),
                ("org_setup", "none".to_string()),
                ("has_union", "1".to_string()),
            ]
        };
        let (s, html, _) = b.post_form("/enterprises", &refs(&fields(&wrong))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("data-field=\"credit_code\""), "{html}");
        assert!(html.contains("校验位不正确"), "{html}");
        assert!(
            html.contains("涪陵页面登记厂"),
            "the form keeps what was typed"
        );
        assert_eq!(t.count(units).await, before);

        let (s, _, to) = b.post_form("/enterprises", &refs(&fields(&code(20)))).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let id = t.count("SELECT MAX(id) FROM enterprise").await;
        assert!(to.is_some_and(|to| to.ends_with(&format!("#unit-{id}"))));
        let (_, html) = b.page("/enterprises").await;
        assert!(html.contains(&format!("id=\"unit-{id}\"")), "{html}");
        assert!(html.contains("工会"), "work reaches it through the union");

        // Edited: the staff change, stored and shown.
        let (s, html) = b.page(&format!("/enterprises/{id}/edit")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&code(20)), "{html}");
        let mut edit = fields(&code(20));
        edit.retain(|(k, _)| *k != "staff");
        edit.push(("staff", "88".into()));
        let (s, _, _) = b
            .post_form(&format!("/enterprises/{id}"), &refs(&edit))
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            t.count(&format!("SELECT staff FROM enterprise WHERE id = {id}"))
                .await,
            88
        );

        // A unit under a village keeps its place when the district edits it.
        let village = t.account_named("baitao-village").scope_org_id;
        let mut under = fields(&code(21));
        under.retain(|(k, _)| *k != "org_id");
        under.push(("org_id", village.to_string()));
        let (s, _, _) = b.post_form("/enterprises", &refs(&under)).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let vid = t.count("SELECT MAX(id) FROM enterprise").await;
        let admin = t.browser("admin").await;
        let (_, html) = admin.page(&format!("/enterprises/{vid}/edit")).await;
        assert!(
            html.contains(&format!("<option value=\"{village}\" selected>")),
            "the village is offered and chosen: {html}"
        );

        // The export holds every unit, audited.
        let cells = b
            .xlsx_cells("/enterprises/export.xlsx", "非公企业和社会组织")
            .await;
        assert!(cells.iter().any(|c| c == &code(20)), "{cells:?}");
        assert_eq!(t.count(exports).await, exported + 1);

        // A member's account sees no such page; another town finds no such unit.
        let (s, _) = t.browser("baitao-member").await.page("/enterprises").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .username
            .clone();
        let (s, _) = t
            .browser(&other)
            .await
            .page(&format!("/enterprises/{id}/edit"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
