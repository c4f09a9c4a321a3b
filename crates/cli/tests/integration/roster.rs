//! Rosters in and out of Excel: the template, an import with good and bad rows (preview,
//! error report, valid rows or nothing), malformed files, masked and unmasked exports that
//! read back in, and the command line doing the same.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::harness::{Api, TestApp};
use crate::on_both;

const HEADERS: [&str; 13] = [
    "姓名",
    "身份证号",
    "性别",
    "民族",
    "出生日期",
    "手机号",
    "学历",
    "人员类别",
    "入党日期",
    "转正日期",
    "党员状态",
    "流动党员",
    "所在支部代码",
];

/// A valid ID number born on the given day (sequence picks the person).
pub fn id_number(y: i32, m: u8, d: u8, seq: u16) -> String {
    let birth = time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d)
        .expect("date");
    dangjian_domain::id_number::IdNumber::compose("500102", birth, seq)
        .expect("id")
        .as_str()
        .to_string()
}

fn row(cells: [&str; 13]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_string()).collect()
}

pub fn roster(rows: &[Vec<String>]) -> Vec<u8> {
    dangjian_report::roster::write("党员名册", &HEADERS, rows, &[]).expect("xlsx")
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

pub async fn upload(api: &Api, org: i64, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    upload_kind(api, org, "members", name, body).await
}

/// Uploads a roster of a kind (`members`, `orgs`, `committees`, `enterprises`) to check.
pub async fn upload_kind(
    api: &Api,
    org: i64,
    kind: &str,
    name: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(body).file_name(name.to_string()));
    let r = api
        .client
        .post(format!("{}/api/v1/imports?org={org}&kind={kind}", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn bytes(api: &Api, path: &str) -> Vec<u8> {
    let r = api.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.expect("body").to_vec()
}

fn sheet(bytes: Vec<u8>, name: &str) -> calamine::Range<calamine::Data> {
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    calamine::Reader::worksheet_range(&mut book, name).expect("sheet")
}

pub async fn wait_done(api: &Api, id: i64) -> Value {
    for _ in 0..200 {
        let (_, v) = api.get_json(&format!("/api/v1/imports/{id}")).await;
        if v["state"] != "importing" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

async fn branch(api: &Api) -> (i64, String) {
    let (_, me) = api.get_json("/api/v1/me").await;
    let id = me["scope_org_id"].as_i64().expect("scope");
    let (_, o) = api.get_json(&format!("/api/v1/orgs/{id}")).await;
    (id, o["code"].as_str().expect("code").to_string())
}

on_both!(
    an_import_shows_each_bad_row_and_writes_the_good_ones_only_when_asked,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let (branch, code) = branch(&secretary).await;
        let template = sheet(
            bytes(&secretary, "/api/v1/imports/template.xlsx").await,
            "党员名册",
        );
        assert_eq!(
            template
                .get_value((0, 1))
                .map(ToString::to_string)
                .as_deref(),
            Some("身份证号")
        );

        let good_a = id_number(1990, 5, 4, 11);
        let good_b = id_number(1988, 3, 17, 22);
        let mut bad_check = id_number(1985, 1, 2, 33);
        bad_check.replace_range(17.., if bad_check.ends_with('1') { "2" } else { "1" });
        let rows = vec![
            // Full-width digits, spaces and a date with slashes are read as meant.
            row([
                "王小明 ",
                &full_width(&good_a),
                "",
                "汉族",
                "",
                "13800138000",
                "本科",
                "在职",
                "2015/7/1",
                "2016年7月1日",
                "正式党员",
                "否",
                &code,
            ]),
            // A date typed as Excel's serial number; no branch code means the chosen branch.
            row([
                "李秀英",
                &good_b,
                "女",
                "土家族",
                "",
                "",
                "大专",
                "农牧渔民",
                "42186",
                "",
                "预备党员",
                "",
                "",
            ]),
            row([
                "赵错号",
                &bad_check,
                "",
                "汉族",
                "",
                "",
                "本科",
                "在职",
                "2015-07-01",
                "2016-07-01",
                "正式党员",
                "",
                &code,
            ]),
            row([
                "钱手机",
                &id_number(1991, 2, 3, 44),
                "",
                "汉族",
                "",
                "12345",
                "本科",
                "在职",
                "2015-07-01",
                "2016-07-01",
                "正式党员",
                "",
                "NO-SUCH-CODE",
            ]),
            row([
                "孙重复",
                &good_a,
                "",
                "汉族",
                "",
                "",
                "本科",
                "在职",
                "2015-07-01",
                "2016-07-01",
                "正式党员",
                "也许",
                &code,
            ]),
        ];
        let before = secretary.members_total().await;
        let (s, job) = upload(&secretary, branch, "名册.xlsx", roster(&rows)).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(job["state"], "checked");
        assert_eq!(
            (
                job["total"].as_i64(),
                job["valid"].as_i64(),
                job["invalid"].as_i64()
            ),
            (Some(5), Some(2), Some(3)),
            "{job}"
        );
        let errors = job["errors"].as_array().expect("errors");
        let problems = |line: i64| -> Vec<String> {
            errors
                .iter()
                .find(|e| e["line"] == line)
                .map(|e| {
                    e["problems"]
                        .as_array()
                        .expect("problems")
                        .iter()
                        .map(|p| {
                            format!(
                                "{}:{}",
                                p[0].as_str().unwrap_or(""),
                                p[1].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        assert!(
            problems(4).iter().any(|p| p.starts_with("身份证号:")),
            "{:?}",
            problems(4)
        );
        assert!(
            problems(5).iter().any(|p| p.starts_with("手机号:")),
            "{:?}",
            problems(5)
        );
        assert!(
            problems(5).iter().any(|p| p.starts_with("所在支部代码:")),
            "{:?}",
            problems(5)
        );
        assert!(
            problems(6)
                .iter()
                .any(|p| p.contains("与第 2 行的身份证号重复")),
            "{:?}",
            problems(6)
        );
        assert!(
            problems(6).iter().any(|p| p.starts_with("流动党员:")),
            "{:?}",
            problems(6)
        );
        assert_eq!(
            secretary.members_total().await,
            before,
            "a check writes nothing"
        );

        // The error report lists the three rows with their cells and problems.
        let id = job["id"].as_i64().expect("id");
        let report = sheet(
            bytes(&secretary, &format!("/api/v1/imports/{id}/errors.xlsx")).await,
            "错误报告",
        );
        assert_eq!(report.height(), 4, "header and three rows");
        assert_eq!(
            report.get_value((1, 0)).map(ToString::to_string).as_deref(),
            Some("4")
        );
        assert_eq!(
            report.get_value((1, 1)).map(ToString::to_string).as_deref(),
            Some("赵错号")
        );

        // Someone else cannot see or commit the job.
        let village = t.api("baitao-village").await;
        let (s, _) = village.get_json(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = village
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (s, _) = secretary
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::ACCEPTED);
        let (s, _) = secretary
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "committed once");
        let done = wait_done(&secretary, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(done["imported"], 2);
        assert_eq!(secretary.members_total().await, before + 2);
        let (_, found) = secretary
            .get_json(&format!("/api/v1/members?q={good_b}"))
            .await;
        let m = &found["items"][0];
        assert_eq!(m["name"], "李秀英");
        assert_eq!(m["join_date"], "2015-07-01", "serial 42186 is 2015-07-01");
        assert_eq!(m["org_id"], branch);
        let (_, h) = secretary
            .get_json(&format!("/api/v1/members/{}/history", m["id"]))
            .await;
        assert_eq!(h["memberships"].as_array().map(Vec::len), Some(1));

        // The same file again: the good rows are now registered; discarding writes nothing.
        let (_, again) = upload(&secretary, branch, "名册.xlsx", roster(&rows)).await;
        assert_eq!(again["valid"], 0, "{again}");
        let again_id = again["id"].as_i64().expect("id");
        assert!(again["errors"].to_string().contains("已登记"));
        let (s, _) = secretary
            .post(&format!("/api/v1/imports/{again_id}/discard"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, v) = secretary
            .get_json(&format!("/api/v1/imports/{again_id}"))
            .await;
        assert_eq!(v["state"], "discarded");
        assert_eq!(secretary.members_total().await, before + 2);

        let log = t
            .app
            .audit_log(&crate::audit::auditor_actor(t).await, None, None, 50)
            .await
            .expect("log");
        assert!(
            log.iter()
                .any(|r| r.action == "member.import" && r.detail.contains("导入 2 名党员"))
        );
    }
);

on_both!(
    malformed_files_get_a_clear_answer_and_nothing_is_kept,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let (branch, _) = branch(&secretary).await;
        let (s, v) = upload(
            &secretary,
            branch,
            "名册.xlsx",
            b"PK\x03\x04 not really".to_vec(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("不是有效的 xlsx"),
            "{v}"
        );
        let (s, v) = upload(
            &secretary,
            branch,
            "名册.csv",
            "姓名,身份证号\n".as_bytes().to_vec(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let wrong =
            dangjian_report::roster::write("党员名册", &["姓名", "电话"], &[], &[]).expect("xlsx");
        let (s, v) = upload(&secretary, branch, "名册.xlsx", wrong).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("表头"),
            "{v}"
        );
        let (s, v) = upload(&secretary, branch, "名册.xlsx", roster(&[])).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "empty");
        // A member may not import; another town's branch is out of reach.
        let member = t.api("baitao-member").await;
        let (s, _) = upload(&member, branch, "名册.xlsx", roster(&[])).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("town");
        let (s, _) = upload(&secretary, other.scope_org_id, "名册.xlsx", roster(&[])).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // 21 MiB is refused before it is read, with the limit in the message.
        let bearer = format!("Bearer {}", secretary.token);
        let (s, body) = t
            .declare_body(
                &format!("/api/v1/imports?org={branch}"),
                &[
                    ("Authorization", bearer.as_str()),
                    ("Content-Type", "multipart/form-data; boundary=x"),
                ],
                21 * 1024 * 1024,
            )
            .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(
            body.contains("body_too_large") && body.contains("20 MiB"),
            "{body}"
        );
    }
);

on_both!(
    exports_are_masked_unless_a_reason_is_given_and_read_back_in,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let (branch, _) = branch(&secretary).await;
        let total = secretary.members_total().await;
        let masked = sheet(
            bytes(
                &secretary,
                &format!("/api/v1/members/export.xlsx?org={branch}"),
            )
            .await,
            "党员名册",
        );
        assert_eq!(masked.height() as i64, total + 1);
        let id_cell = masked
            .get_value((1, 1))
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(id_cell.contains('*'), "masked: {id_cell}");

        let (s, _) = t
            .api("baitao-member")
            .await
            .get_json(&format!(
                "/api/v1/members/export.xlsx?org={branch}&reason=核对党员信息"
            ))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = secretary
            .get_json(&format!(
                "/api/v1/members/export.xlsx?org={branch}&reason=短"
            ))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let full = bytes(
            &secretary,
            &format!("/api/v1/members/export.xlsx?org={branch}&reason=年度党员信息核对"),
        )
        .await;
        let unmasked = sheet(full.clone(), "党员名册");
        let id_cell = unmasked
            .get_value((1, 1))
            .map(ToString::to_string)
            .unwrap_or_default();
        assert_eq!(id_cell.len(), 18, "{id_cell}");
        assert!(
            dangjian_domain::id_number::IdNumber::parse(&id_cell, dangjian_service::today())
                .is_ok()
        );

        // Read back in, every row parses and is refused only as already registered.
        let (s, job) = upload(&secretary, branch, "导出.xlsx", full).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(job["invalid"].as_i64(), Some(total));
        for e in job["errors"].as_array().expect("errors") {
            let problems = e["problems"].as_array().expect("problems");
            assert_eq!(problems.len(), 1, "{e}");
            assert!(
                problems[0][1].as_str().unwrap_or("").contains("已登记"),
                "{e}"
            );
        }
        let log = t
            .app
            .audit_log(&crate::audit::auditor_actor(t).await, None, None, 50)
            .await
            .expect("log");
        assert!(
            log.iter()
                .any(|r| r.action == "export" && r.detail.contains("事由：年度党员信息核对"))
        );
        assert!(log.iter().any(|r| r.action == "export"
            && r.detail.starts_with("党员名册")
            && !r.detail.contains("事由")));
    }
);

on_both!(
    the_import_pages_check_preview_and_import,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let (branch, code) = branch(&secretary).await;
        let browser = t.browser("baitao-secretary").await;
        let (s, html) = browser.page(&format!("/imports?org={branch}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"import-form\""), "{html}");
        assert!(
            !html.contains("id=\"orgs-tab\""),
            "a secretary is not offered rosters of orgs: {html}"
        );
        let (s, _) = browser
            .page(&format!("/imports?org={branch}&kind=orgs"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let town = t.browser("town-500102013").await;
        let town_api = t.api("town-500102013").await;
        let (town_org, _) = crate::roster::branch(&town_api).await;
        let (_, html) = town.page(&format!("/orgs/{town_org}")).await;
        assert!(html.contains("id=\"orgs-import\""), "{html}");
        let (s, html) = town
            .page(&format!("/imports?org={town_org}&kind=orgs"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("批量导入下级党组织")
                && html.contains("/imports/template.xlsx?kind=orgs")
                && html.contains(&format!(
                    "hx-post=\"/imports?org={town_org}&amp;kind=orgs\""
                )),
            "{html}"
        );
        let post = |name: &str, body: Vec<u8>| {
            let form = Form::new().part("file", Part::bytes(body).file_name(name.to_string()));
            browser
                .client
                .post(t.url(&format!("/imports?org={branch}")))
                .header("x-csrf-token", &browser.csrf)
                .header("hx-request", "true")
                .multipart(form)
                .send()
        };
        let r = post("坏文件.xlsx", b"not a spreadsheet".to_vec())
            .await
            .expect("upload");
        assert_eq!(r.status(), StatusCode::OK);
        let fragment = r.text().await.expect("text");
        assert!(
            fragment.contains("upload-error") && fragment.contains("不是有效的 xlsx"),
            "{fragment}"
        );

        let rows = vec![
            row([
                "郑新",
                &id_number(1992, 6, 1, 5),
                "",
                "汉族",
                "",
                "",
                "本科",
                "在职",
                "2018-07-01",
                "2019-07-01",
                "正式党员",
                "",
                &code,
            ]),
            row([
                "冯错",
                "500102199206010000",
                "",
                "汉族",
                "",
                "",
                "本科",
                "在职",
                "2018-07-01",
                "2019-07-01",
                "正式党员",
                "",
                &code,
            ]),
        ];
        let r = post("名册.xlsx", roster(&rows)).await.expect("upload");
        let to = r
            .headers()
            .get("hx-redirect")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .expect("redirect to the check's result");
        let (_, html) = browser.page(&to).await;
        assert!(html.contains("id=\"import-errors\""), "{html}");
        assert!(
            html.contains("<td class=\"num\">3</td><td>身份证号</td>"),
            "row 3's ID is refused: {html}"
        );
        assert!(
            html.contains("id=\"commit-form\"") && html.contains("id=\"error-report\""),
            "{html}"
        );
        let before = secretary.members_total().await;
        let (s, _, _) = browser.post_form(&format!("{to}/commit"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let mut state = String::new();
        for _ in 0..200 {
            let (_, fragment) = browser.page(&format!("{to}/progress")).await;
            if fragment.contains("data-state=\"done\"") {
                state = "done".into();
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(state, "done");
        assert_eq!(secretary.members_total().await, before + 1);
    }
);

const ORG_HEADERS: [&str; 7] = [
    "组织名称",
    "组织代码",
    "上级组织代码",
    "组织类型",
    "所属单位类型",
    "书记",
    "成立日期",
];

fn org_roster(rows: &[[&str; 7]]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_string()).collect())
        .collect();
    dangjian_report::roster::write("组织名册", &ORG_HEADERS, &rows, &[]).expect("xlsx")
}

async fn upload_orgs(api: &Api, org: i64, body: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(body).file_name("组织.xlsx"));
    let r = api
        .client
        .post(format!("{}/api/v1/imports?org={org}&kind=orgs", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn find_org(api: &Api, name: &str) -> Option<Value> {
    let (_, v) = api.get_json(&format!("/api/v1/orgs?q={name}")).await;
    v["items"]
        .as_array()
        .and_then(|items| items.iter().find(|o| o["name"] == name).cloned())
}

async fn children(api: &Api, id: i64) -> Vec<Value> {
    let (s, v) = api.get_json(&format!("/api/v1/orgs?parent={id}")).await;
    assert_eq!(s, StatusCode::OK);
    v["items"].as_array().cloned().unwrap_or_default()
}

on_both!(
    an_org_roster_sets_up_a_subtree_parents_first_within_the_scope,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let (town_id, town_code) = branch(&town).await;
        let other_town = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town");
        let (_, foreign_code) = branch(&t.api(&other_town.username).await).await;

        let template = sheet(
            bytes(&town, "/api/v1/imports/template.xlsx?kind=orgs").await,
            "组织名册",
        );
        assert_eq!(
            template
                .get_value((0, 2))
                .map(ToString::to_string)
                .as_deref(),
            Some("上级组织代码")
        );

        // The grid group comes first in the file and its parents after it.
        let file = org_roster(&[
            ["一网格党小组", "IMP-G1", "IMP-B1", "网格党小组", "", "", ""],
            [
                "导入村党支部",
                "IMP-B1",
                "IMP-P1",
                "党支部",
                "村",
                "李四",
                "2021年7月1日",
            ],
            ["导入党委", "IMP-P1", "", "党委", "", "", "2021-06-01"],
            ["支部下的支部", "IMP-X1", "IMP-B1", "党支部", "", "", ""],
            ["外镇下级", "IMP-X2", &foreign_code, "党支部", "", "", ""],
            ["重复代码", &town_code, "", "党支部", "", "", ""],
        ]);
        let secretary = t.api("baitao-secretary").await;
        let (s, _) = upload_orgs(&secretary, town_id, file.clone()).await;
        assert!(
            s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
            "a branch secretary sets up no orgs: {s}"
        );
        let (s, _) = upload_orgs(&town, town_id, roster(&[])).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a roster of members is not one of orgs"
        );

        let (s, job) = upload_orgs(&town, town_id, file).await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(job["kind"], "orgs");
        assert_eq!(
            (job["total"].as_i64(), job["valid"].as_i64()),
            (Some(6), Some(3))
        );
        let problems: Vec<(i64, String)> = job["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .flat_map(|e| {
                let line = e["line"].as_i64().unwrap_or(0);
                e["problems"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |p| {
                        (
                            line,
                            format!(
                                "{}：{}",
                                p[0].as_str().unwrap_or(""),
                                p[1].as_str().unwrap_or("")
                            ),
                        )
                    })
            })
            .collect();
        assert_eq!(
            problems,
            [
                (5, "上级组织代码：党支部下不能设立党支部".to_string()),
                (
                    6,
                    "上级组织代码：上级组织代码不存在、不在管辖范围内，也不在本文件中".to_string()
                ),
                (7, "组织代码：该组织代码已被使用".to_string()),
            ]
        );
        let id = job["id"].as_i64().expect("id");
        let report = sheet(
            bytes(&town, &format!("/api/v1/imports/{id}/errors.xlsx")).await,
            "错误报告",
        );
        assert_eq!(
            report.get_value((0, 1)).map(ToString::to_string).as_deref(),
            Some("组织名称")
        );
        assert_eq!(report.height(), 4);
        assert!(
            find_org(&town, "导入党委").await.is_none(),
            "a check writes nothing"
        );

        let (s, _) = town
            .post(&format!("/api/v1/imports/{id}/commit"), &Value::Null)
            .await;
        assert_eq!(s, StatusCode::ACCEPTED);
        let done = wait_done(&town, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(done["imported"], 3);

        let committee = find_org(&town, "导入党委").await.expect("set up");
        assert_eq!(committee["parent_id"].as_i64(), Some(town_id));
        let below = children(&town, committee["id"].as_i64().expect("id")).await;
        assert_eq!(below.len(), 1);
        assert_eq!(below[0]["code"], "IMP-B1");
        assert_eq!(below[0]["kind"], "branch");
        assert_eq!(below[0]["owner"], "village");
        assert_eq!(below[0]["secretary"], "李四");
        assert_eq!(below[0]["opened_on"], "2021-07-01");
        let groups = children(&town, below[0]["id"].as_i64().expect("id")).await;
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0]["kind"], "grid_group");
        let summary = children(&town, town_id)
            .await
            .into_iter()
            .find(|c| c["code"] == "IMP-P1")
            .expect("the committee under the town");
        assert_eq!(
            (summary["orgs"].as_i64(), summary["grid_groups"].as_i64()),
            (Some(2), Some(1))
        );
        t.assert_counters_agree().await;
        assert!(
            find_org(&t.api(&other_town.username).await, "导入党委")
                .await
                .is_none(),
            "another town does not see them"
        );
    }
);
