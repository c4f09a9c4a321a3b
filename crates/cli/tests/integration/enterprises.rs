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
        let (s, _) = t
            .api("baitao-member")
            .await
            .get_json("/api/v1/enterprises")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        assert_eq!(
            t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.add'")
                .await,
            4
        );
    }
);
