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
        let other = t.another_town();
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

        // Joined to a branch's joint organization by the branch's code; an unknown code is
        // refused beside the field.
        let branch = t.account_named("baitao-secretary").scope_org_id;
        let branch_code = t
            .api("admin")
            .await
            .get_json(&format!("/api/v1/orgs/{branch}"))
            .await
            .1["code"]
            .as_str()
            .expect("code")
            .to_string();
        let joint = |party: &str| {
            let mut v = edit.clone();
            v.retain(|(k, _)| *k != "org_setup");
            v.push(("org_setup", "joint".into()));
            v.push(("party_org_code", party.to_string()));
            v
        };
        let (s, html, _) = b
            .post_form(&format!("/enterprises/{id}"), &refs(&joint("NO-SUCH")))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field=\"party_org_id\""), "{html}");
        let (s, _, _) = b
            .post_form(&format!("/enterprises/{id}"), &refs(&joint(&branch_code)))
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            t.count(&format!(
                "SELECT party_org_id FROM enterprise WHERE id = {id}"
            ))
            .await,
            branch
        );
        let (_, html) = b.page(&format!("/enterprises/{id}/edit")).await;
        assert!(
            html.contains(&format!("name=\"party_org_code\" value=\"{branch_code}\"")),
            "the form shows the organization's code: {html}"
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
        let other = t.another_town();
        let (s, _) = t
            .browser(&other)
            .await
            .page(&format!("/enterprises/{id}/edit"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

on_both!(
    a_register_roster_registers_the_valid_rows_and_names_the_rest,
    async |t: &TestApp| {
        let admin = t.api("admin").await;
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let code_of = |id: i64| {
            let api = &admin;
            async move {
                let (_, o) = api.get_json(&format!("/api/v1/orgs/{id}")).await;
                o["code"].as_str().expect("code").to_string()
            }
        };
        let town_code = code_of(town_id).await;
        let village = code_of(t.account_named("baitao-village").scope_org_id).await;
        let branch = t.account_named("baitao-secretary").scope_org_id;
        let branch_code = code_of(branch).await;
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .scope_org_id;
        let other_code = code_of(other).await;
        // The branch may cover two units more than it does: the file's third is one too many.
        let covered = t
            .count(&format!(
                "SELECT COUNT(*) FROM enterprise WHERE org_setup = 'joint' AND party_org_id = {branch}"
            ))
            .await;
        let (_, mut rules) = admin.get_json("/api/v1/enterprises/rules").await;
        rules["joint_max"] = json!(covered + 2);
        let (s, v) = admin
            .send_json(Method::PUT, "/api/v1/enterprises/rules", &rules)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let mut wrong = code(802);
        let last = wrong.pop().expect("check character");
        wrong.push(if last == '0' { '1' } else { '0' });
        let row = |place: &str,
                   name: &str,
                   credit: &str,
                   staff: &str,
                   setup: &str,
                   party: &str,
                   union: &str| {
            [
                place,
                name,
                credit,
                "非公企业",
                "制造业",
                "小型",
                staff,
                "白涛街道工业园",
                "",
                setup,
                party,
                "",
                union,
                "",
            ]
            .iter()
            .map(|c| (*c).to_string())
            .collect::<Vec<String>>()
        };
        let rows = vec![
            row(
                &town_code,
                "白涛化工配件厂",
                &code(801),
                "35",
                "未建立",
                "",
                "是",
            ),
            row(
                &village,
                "白涛榨菜合作社",
                &code(803),
                "12",
                "联合组建",
                &branch_code,
                "",
            ),
            row(
                &village,
                "白涛柑橘合作社",
                &code(809),
                "8",
                "联合组建",
                &branch_code,
                "",
            ),
            // Refused, in this order: the first row's code again, a wrong check character,
            // a place in another town, staff not a number, an unknown party organization, a
            // yes-or-no that is neither, the joint organization full with the file's rows.
            row(&town_code, "重复单位", &code(801), "5", "未建立", "", ""),
            row(&town_code, "校验位错", &wrong, "5", "未建立", "", ""),
            row(&other_code, "外镇单位", &code(804), "5", "未建立", "", ""),
            row(&town_code, "人数不明", &code(805), "很多", "未建立", "", ""),
            row(
                &town_code,
                "党组织不明",
                &code(806),
                "5",
                "联合组建",
                "NO-SUCH",
                "",
            ),
            row(
                &town_code,
                "工会不明",
                &code(807),
                "5",
                "未建立",
                "",
                "也许",
            ),
            row(
                &village,
                "联合超额",
                &code(808),
                "5",
                "联合组建",
                &branch_code,
                "",
            ),
        ];
        let headers: Vec<&str> = dangjian_service::enterprises::roster::ENTERPRISE_COLUMNS
            .iter()
            .map(|(h, _)| *h)
            .collect();
        let bytes = dangjian_report::roster::write("非公企业和社会组织名册", &headers, &rows, &[])
            .expect("xlsx");
        let units = "SELECT COUNT(*) FROM enterprise";
        let before = t.count(units).await;

        // A village keeps no register: its upload is refused.
        let (s, _) = crate::roster::upload_kind(
            &t.api("baitao-village").await,
            t.account_named("baitao-village").scope_org_id,
            "enterprises",
            "名册.xlsx",
            bytes.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let (s, job) =
            crate::roster::upload_kind(&town, town_id, "enterprises", "名册.xlsx", bytes).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(
            (
                job["total"].as_i64(),
                job["valid"].as_i64(),
                job["invalid"].as_i64()
            ),
            (Some(10), Some(3), Some(7)),
            "{job}"
        );
        let errors = job["errors"].as_array().expect("errors");
        let columns: Vec<&str> = errors
            .iter()
            .map(|e| e["problems"][0][0].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            columns,
            [
                "统一社会信用代码",
                "统一社会信用代码",
                "所在组织代码",
                "从业人员数",
                "党组织代码",
                "是否建立工会",
                "党组织代码",
            ],
            "{job}"
        );
        assert!(
            errors[0]["problems"][0][1]
                .as_str()
                .is_some_and(|m| m.contains("与第 2 行重复")),
            "{job}"
        );
        assert_eq!(
            t.count(units).await,
            before,
            "nothing is written before the commit"
        );

        let id = job["id"].as_i64().expect("job");
        let (s, v) = town
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert!(s.is_success(), "{v}");
        let done = crate::roster::wait_done(&town, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(t.count(units).await, before + 3);
        let (_, list) = town
            .get_json(&format!("/api/v1/enterprises?q={}", code(803)))
            .await;
        let unit = &list["items"][0];
        assert_eq!(unit["name"], "白涛榨菜合作社", "{list}");
        assert_eq!(
            (unit["org_setup"].as_str(), unit["party_org_id"].as_i64()),
            (Some("joint"), Some(branch)),
            "{list}"
        );
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.import' AND result = 'ok'"
            )
            .await,
            1
        );

        // The template has the sheet and its notes.
        let r = town
            .get("/api/v1/imports/template.xlsx?kind=enterprises")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let body = r.bytes().await.expect("template").to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an xlsx");
        let range = calamine::Reader::worksheet_range(&mut book, "非公企业和社会组织名册")
            .expect("the sheet");
        assert_eq!(
            range.get((0, 2)).map(ToString::to_string).as_deref(),
            Some("统一社会信用代码")
        );
    }
);
