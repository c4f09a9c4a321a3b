//! After the meeting: self check-in with a code, files kept with the minutes, corrections and
//! deletions, study hours, and the compliance table as xlsx.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::harness::{Api, TestApp};
use crate::on_both;

fn n(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

async fn branch_of(api: &Api) -> i64 {
    let (_, me) = api.get_json("/api/v1/me").await;
    me["scope_org_id"].as_i64().expect("scope")
}

/// Sends a file as the browser's form does; `None` when the server cut the connection
/// before the body was sent (it may, for a body over the limit).
pub async fn upload(api: &Api, meeting: i64, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    upload_to(
        api,
        &format!("/api/v1/meetings/{meeting}/files"),
        name,
        body,
    )
    .await
}

/// Sends a file to any upload route of the API (`/api/v1/...`).
pub async fn upload_to(api: &Api, path: &str, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(body).file_name(name.to_string()));
    let r = api
        .client
        .post(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .expect("upload request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

on_both!(
    members_check_in_with_the_code_and_the_meeting_takes_their_attendance,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let member = t.api("baitao-member").await;
        let branch = branch_of(&secretary).await;
        let open = json!({"org_id": branch, "kind": "theme_day", "topic": "主题党日：学习党史", "minutes": 60});

        // Who may open a window, and with what.
        let (s, v) = member.post("/api/v1/checkins", &open).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a member does not open check-in: {v}"
        );
        let elsewhere = t.town_accounts()[3].scope_org_id;
        let mut out = open.clone();
        out["org_id"] = json!(elsewhere);
        let (s, _) = secretary.post("/api/v1/checkins", &out).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another town is out of scope");
        let mut short = open.clone();
        short["minutes"] = json!(5);
        let (s, v) = secretary.post("/api/v1/checkins", &short).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "minutes");

        let (s, c) = secretary.post("/api/v1/checkins", &open).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = n(&c, "id");
        let code = c["code"].as_str().expect("code").to_string();
        assert_eq!(code.len(), 6);

        // A wrong code, then the right one typed on a phone's full-width keyboard.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (s, v) = member
            .post("/api/v1/checkin", &json!({"code": wrong}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "wrong_code");
        let full_width: String = code
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).expect("digit"))
            .collect();
        let (s, v) = member
            .post("/api/v1/checkin", &json!({"code": full_width}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["already"], false);
        let (_, v) = member.post("/api/v1/checkin", &json!({"code": code})).await;
        assert_eq!(v["already"], true, "checking in twice counts once");

        // A member of another branch cannot use this branch's code.
        let (_, me) = member.get_json("/api/v1/me").await;
        let member_id = n(&me, "member_id");
        let other_town = t.town_accounts()[2];
        let (_, others) = t
            .api(&other_town.username)
            .await
            .get_json("/api/v1/members?per_page=1")
            .await;
        let stranger = &others["items"][0];
        let mut actor = dangjian_service::Actor::system("test");
        actor.role = dangjian_domain::role::Role::Member;
        actor.member_id = stranger["id"].as_i64();
        actor.member_org_path = stranger["org_path"].as_str().map(str::to_string);
        let e = t
            .app
            .check_in(&actor, &code)
            .await
            .expect_err("not their branch");
        assert!(
            matches!(e, dangjian_service::ServiceError::Invalid(_)),
            "{e:?}"
        );

        // The code is for the room: a member cannot read it from the window's page or API.
        let (s, v) = member.get_json(&format!("/api/v1/checkins/{id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, page) = t
            .browser("baitao-member")
            .await
            .page(&format!("/checkins/{id}"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(!page.contains(&code), "the code is not shown to a member");

        // The host's screen lists who checked in; another town sees nothing.
        let (s, d) = secretary.get_json(&format!("/api/v1/checkins/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(d["open"], true);
        let ids: Vec<i64> = d["checked_in"]
            .as_array()
            .expect("list")
            .iter()
            .map(|x| n(x, "member_id"))
            .collect();
        assert_eq!(ids, vec![member_id]);
        let (s, _) = t
            .api(&other_town.username)
            .await
            .get_json(&format!("/api/v1/checkins/{id}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let member_actor = actor_of(t, "baitao-member").await;
        let (_, minutes_before) = t
            .app
            .member_study(&member_actor, member_id)
            .await
            .expect("study");

        // The meeting recorded from the window: those who checked in present, the rest absent.
        let today = dangjian_domain::date::format(dangjian_service::today());
        let record = json!({"org_id": branch, "kind": "theme_day", "held_on": today, "topic": "主题党日：学习党史",
            "checkin_id": id, "study_minutes": 90});
        let (s, m) = secretary.post("/api/v1/meetings", &record).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(n(&m, "present"), 1);
        assert_eq!(n(&m, "study_minutes"), 90);
        let (_, detail) = secretary
            .get_json(&format!("/api/v1/meetings/{}", n(&m, "id")))
            .await;
        for a in detail["attendance"].as_array().expect("attendance") {
            let expected = if n(a, "member_id") == member_id {
                "present"
            } else {
                "absent"
            };
            assert_eq!(a["status"], expected, "{a}");
        }
        let (s, v) = secretary.post("/api/v1/meetings", &record).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "one window, one meeting: {v}"
        );
        assert_eq!(v["error"]["field"], "checkin_id");

        // Recording closed the window; a window past its time refuses codes too.
        let (s, v) = member.post("/api/v1/checkin", &json!({"code": code})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "closed: {v}");
        let (_, c2) = secretary.post("/api/v1/checkins", &open).await;
        let mut conn = t.sql().await;
        sqlx::query("UPDATE checkin SET closes_at = 1 WHERE id = $1")
            .bind(n(&c2, "id"))
            .execute(&mut *conn)
            .await
            .expect("expire");
        drop(conn);
        let (s, _) = member
            .post("/api/v1/checkin", &json!({"code": c2["code"]}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "expired");

        // The member's study hours count the meeting, on their page too.
        let (_, minutes_after) = t
            .app
            .member_study(&member_actor, member_id)
            .await
            .expect("study");
        assert_eq!(minutes_after, minutes_before + 90);
        let (s, page) = t
            .browser("baitao-member")
            .await
            .page(&format!("/members/{member_id}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let hours = format!("累计 <b>{:.1}</b> 小时", minutes_after as f64 / 60.0);
        t.assert_counters_agree().await;
        assert!(page.contains(&hours), "{hours} in the member page");

        // Guessing codes is cut off after a few misses, even in a parallel burst, and even for
        // a right code after them.
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..30 {
            let (client, url, token) = (
                member.client.clone(),
                format!("{}/api/v1/checkin", member.base),
                member.token.clone(),
            );
            burst.spawn(async move {
                let r = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"code": "999999x"}))
                    .send()
                    .await
                    .expect("guess");
                let v: Value = r.json().await.expect("json");
                v["error"]["code"].as_str().unwrap_or_default().to_string()
            });
        }
        let mut wrong_answers = 0;
        while let Some(code) = burst.join_next().await {
            if code.expect("task") == "wrong_code" {
                wrong_answers += 1;
            }
        }
        // Three misses came before (a wrong code, a closed and an expired window).
        assert_eq!(
            wrong_answers, 7,
            "only the misses left under the limit were checked"
        );
        let (_, c3) = secretary.post("/api/v1/checkins", &open).await;
        let mut last = Value::Null;
        for _ in 0..10 {
            last = member
                .post("/api/v1/checkin", &json!({"code": "12345x"}))
                .await
                .1;
        }
        assert_eq!(last["error"]["code"], "too_many_attempts", "{last}");
        let (s, v) = member
            .post("/api/v1/checkin", &json!({"code": c3["code"]}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "too_many_attempts");
    }
);

/// The service's view of a logged-in demo account.
async fn actor_of(t: &TestApp, username: &str) -> dangjian_service::Actor {
    t.actor(username).await
}

on_both!(
    files_are_type_checked_size_limited_and_scoped,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        let (_, list) = secretary
            .get_json(&format!("/api/v1/meetings?org={branch}"))
            .await;
        let meeting = n(&list["items"][0], "id");
        let (s, f) = upload(&secretary, meeting, "支部会.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        assert_eq!(f["mime"], "image/png");
        let file = n(&f, "id");

        let refused = [
            (
                "run.exe",
                b"MZ\x90\x00".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "forbidden_type",
            ),
            (
                "photo.jpg",
                b"MZ\x90\x00".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "content_mismatch",
            ),
            (
                "empty.pdf",
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty",
            ),
            (
                "big.pdf",
                [b"%PDF-".as_slice(), &vec![b'x'; 5 * 1024 * 1024]].concat(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_large",
            ),
        ];
        for (name, body, status, code) in refused {
            let (s, v) = upload(&secretary, meeting, name, body).await;
            assert_eq!(s, status, "{name}: {v}");
            assert_eq!(v["error"]["code"], code, "{name}: {v}");
        }
        // Over the route's limit, refused before a byte is read.
        let bearer = format!("Bearer {}", secretary.token);
        let (s, body) = t
            .declare_body(
                &format!("/api/v1/meetings/{meeting}/files"),
                &[
                    ("Authorization", bearer.as_str()),
                    ("Content-Type", "multipart/form-data; boundary=x"),
                ],
                7 * 1024 * 1024,
            )
            .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(
            body.contains("body_too_large") && body.contains("6 MiB"),
            "{body}"
        );
        let (_, detail) = secretary
            .get_json(&format!("/api/v1/meetings/{meeting}"))
            .await;
        assert_eq!(
            detail["files"].as_array().expect("files").len(),
            1,
            "refused files are not stored"
        );

        // Members of the branch can open it; another town cannot, nor upload.
        let r = t
            .api("baitao-member")
            .await
            .get(&format!("/api/v1/meetings/{meeting}/files/{file}"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.expect("bytes").as_ref(), PNG);
        let other = t.api(&t.town_accounts()[4].username).await;
        let r = other
            .get(&format!("/api/v1/meetings/{meeting}/files/{file}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let (s, _) = upload(&other, meeting, "x.png", PNG.to_vec()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = upload(
            &t.api("baitao-member").await,
            meeting,
            "x.png",
            PNG.to_vec(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "members do not add files");

        let (s, _) = secretary
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/meetings/{meeting}/files/{file}"),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let r = secretary
            .get(&format!("/api/v1/meetings/{meeting}/files/{file}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
);

on_both!(
    a_meeting_is_corrected_or_deleted_and_compliance_follows,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        let today = dangjian_service::today();
        let month = dangjian_domain::life::month_key(today);
        let body = json!({"org_id": branch, "kind": "study_session", "held_on": dangjian_domain::date::format(today),
            "topic": "党史学习", "study_minutes": 120});
        let this_year = format!("/api/v1/life/compliance?org={branch}");
        let (_, year_before) = secretary.get_json(&this_year).await;
        let (s, m) = secretary.post("/api/v1/meetings", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let id = n(&m, "id");
        let (_, year_after) = secretary.get_json(&this_year).await;
        assert_eq!(
            n(&year_after["study"], "sessions"),
            n(&year_before["study"], "sessions") + 1,
            "this year's study counts this month's sessions"
        );
        for (k, added) in [
            ("expected", n(&m, "expected")),
            ("present", n(&m, "present")),
        ] {
            assert_eq!(
                n(&year_after["attendance"], k),
                n(&year_before["attendance"], k) + added,
                "attendance {k} counts the meeting"
            );
        }
        let rate = year_after["attendance"]["rate"].as_f64().expect("rate");
        assert!(
            (rate
                - n(&year_after["attendance"], "present") as f64
                    / n(&year_after["attendance"], "expected") as f64)
                .abs()
                < 1e-9
        );

        let (s, v) = secretary
            .patch(&format!("/api/v1/meetings/{id}"), &json!({"topic": "党史学习：红岩精神", "minutes": "学习记录", "study_minutes": 100}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["topic"], "党史学习：红岩精神");
        assert_eq!(n(&v, "study_minutes"), 100);
        assert_eq!(v["held_on"], m["held_on"], "the date stays");
        let (s, v) = secretary
            .patch(
                &format!("/api/v1/meetings/{id}"),
                &json!({"place": "村便民服务中心"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["place"], "村便民服务中心");
        assert_eq!(v["topic"], "党史学习：红岩精神", "fields not sent stay");
        assert_eq!(v["minutes"], "学习记录");
        assert_eq!(n(&v, "study_minutes"), 100);
        let (s, v) = secretary
            .patch(
                &format!("/api/v1/meetings/{id}"),
                &json!({"topic": "x", "study_minutes": 1000}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, kept) = secretary.get_json(&format!("/api/v1/meetings/{id}")).await;
        assert_eq!(
            kept["topic"], "党史学习：红岩精神",
            "a refused change stores nothing"
        );
        let other = t.api(&t.town_accounts()[4].username).await;
        let (s, _) = other
            .patch(&format!("/api/v1/meetings/{id}"), &json!({"topic": "改"}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Deleting a theme day of an ended month lowers that month's compliance.
        let (_, c) = secretary
            .get_json(&format!("/api/v1/meetings?org={branch}&kind=theme_day"))
            .await;
        let held = c["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|x| x["due_month"].as_str().is_some_and(|d| d < month.as_str()))
            .cloned()
            .expect("an earlier theme day");
        let due = held["due_month"].as_str().expect("due").to_string();
        let before = secretary
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={due}"
            ))
            .await
            .1;
        let (s, _) = other
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/meetings/{}", n(&held, "id")),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another town cannot delete");
        let (s, _) = secretary
            .send_json(
                reqwest::Method::DELETE,
                &format!("/api/v1/meetings/{}", n(&held, "id")),
                &json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let after = secretary
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={due}"
            ))
            .await
            .1;
        assert_eq!(
            n(&after["total"], "met"),
            n(&before["total"], "met") - 1,
            "{before} {after}"
        );
        let (s, _) = secretary
            .get_json(&format!("/api/v1/meetings/{}", n(&held, "id")))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        t.assert_counters_agree().await;
        // Deleting the study meeting takes its study time out of the totals too.
        let (_, c) = secretary
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={month}"
            ))
            .await;
        // Two clicks at once: one deletes, the other finds nothing, and it is counted out once.
        let path = format!("/api/v1/meetings/{id}");
        let empty = json!({});
        let ((s1, _), (s2, _)) = tokio::join!(
            secretary.send_json(reqwest::Method::DELETE, &path, &empty),
            secretary.send_json(reqwest::Method::DELETE, &path, &empty),
        );
        let mut statuses = [s1, s2];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::NOT_FOUND]);
        let (_, after) = secretary
            .get_json(&format!(
                "/api/v1/life/compliance?org={branch}&period={month}"
            ))
            .await;
        assert_eq!(
            n(&after["study"], "sessions"),
            n(&c["study"], "sessions") - 1
        );
        assert_eq!(
            n(&after["study"], "member_minutes"),
            n(&c["study"], "member_minutes") - 100 * n(&m, "present")
        );
        t.assert_counters_agree().await;
        t.assert_counters_agree().await;
    }
);

on_both!(
    the_compliance_table_exports_to_xlsx_within_scope,
    async |t: &TestApp| {
        let admin = t.api(&t.account("district_admin").username).await;
        let (_, c) = admin.get_json("/api/v1/life/compliance").await;
        let r = admin.get("/api/v1/life/compliance.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .expect("type")
                .contains("spreadsheetml")
        );
        let bytes = r.bytes().await.expect("bytes").to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
        let sheet = calamine::Reader::worksheet_range(&mut book, "下级组织").expect("sheet");
        let children = c["children"].as_array().expect("children");
        assert_eq!(
            sheet.height(),
            3 + 1 + children.len(),
            "title, blank, header, total, children"
        );
        assert_eq!(
            sheet.get_value((3, 1)),
            Some(&calamine::Data::Float(n(&c["total"], "required") as f64))
        );
        assert_eq!(
            sheet.get_value((2, 7)).map(ToString::to_string).as_deref(),
            Some("出勤率")
        );
        assert_eq!(
            sheet.get_value((3, 5)),
            Some(&calamine::Data::Float(
                n(&c["attendance"], "expected") as f64
            ))
        );
        let first = sheet.get_value((4, 0)).map(ToString::to_string);
        assert_eq!(first.as_deref(), children[0]["org"]["name"].as_str());

        // A town exports its own table only.
        let town = t.town_accounts()[0];
        let api = t.api(&town.username).await;
        let r = api.get("/api/v1/life/compliance.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        let other = t.town_accounts()[1].scope_org_id;
        let r = api
            .get(&format!("/api/v1/life/compliance.xlsx?org={other}"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let b = t.browser(&town.username).await;
        let (s, _) = b
            .page(&format!("/life/export.xlsx?org={}", town.scope_org_id))
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = b.page(&format!("/life/export.xlsx?org={other}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Study records are rolled up with compliance.
        assert!(n(&c["study"], "sessions") > 0, "{}", c["study"]);
        assert!(n(&c["study"], "member_minutes") > 0);
    }
);

on_both!(
    a_scanned_code_leads_through_login_back_to_check_in,
    async |t: &TestApp| {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let r = client
            .get(t.url("/checkin?code=123456"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert_eq!(to, "/login?next=%2Fcheckin%3Fcode%3D123456");
        let (_, form) = crate::harness::Browser {
            client,
            base: t.base.clone(),
            csrf: String::new(),
        }
        .page(&to)
        .await;
        assert!(
            form.contains("name=\"next\" value=\"/checkin?code=123456\""),
            "{form}"
        );
        // Only a path on this site is followed after login.
        for (next, expected) in [
            ("/checkin?code=123456", "/checkin?code=123456"),
            ("//evil.example", "/"),
            ("https://evil.example", "/"),
            ("/\t/evil.example", "/"),
            ("/\\evil.example", "/"),
            ("/ /evil.example", "/"),
        ] {
            let b = crate::harness::Browser {
                client: reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("client"),
                base: t.base.clone(),
                csrf: String::new(),
            };
            let (_, form) = b.page("/login").await;
            let csrf = crate::harness::hidden_csrf(&form);
            let r = b
                .client
                .post(t.url("/login"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("username", "baitao-member"),
                    ("password", crate::harness::PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .expect("login");
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            assert_eq!(r.headers()["location"], expected, "{next}");
            if expected != "/" {
                let (s, page) = b.page(expected).await;
                assert_eq!(s, StatusCode::OK);
                assert!(page.contains("value=\"123456\""), "the code is filled in");
            }
        }
    }
);

on_both!(
    a_party_group_meeting_expects_the_group,
    async |t: &TestApp| {
        use sqlx::Row;
        let mut conn = t.sql().await;
        let rows = sqlx::query(
            "SELECT org_id, group_id, COUNT(*) AS n FROM member WHERE group_id IS NOT NULL \
             GROUP BY org_id, group_id ORDER BY org_id, group_id LIMIT 1",
        )
        .fetch_all(&mut *conn)
        .await
        .expect("groups");
        drop(conn);
        let (branch, group, size) = (
            rows[0].get::<i64, _>("org_id"),
            rows[0].get::<i64, _>("group_id"),
            rows[0].get::<i64, _>("n"),
        );
        let admin = t.api(&t.account("district_admin").username).await;
        let today = dangjian_domain::date::format(dangjian_service::today());
        let body = json!({"org_id": branch, "kind": "group_meeting", "held_on": today, "topic": "党小组学习", "group_id": group});
        let (s, m) = admin.post("/api/v1/meetings", &body).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(n(&m, "expected"), size, "the group's members are expected");
        assert_eq!(m["group_id"], group);
        assert!(m["group_name"].as_str().is_some_and(|g| !g.is_empty()));

        let mut wrong_kind = body.clone();
        wrong_kind["kind"] = json!("theme_day");
        let (s, v) = admin.post("/api/v1/meetings", &wrong_kind).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "not_a_group_meeting");
        // Another branch's group, or the branch itself, is not a group of this branch.
        let mut conn = t.sql().await;
        let foreign: i64 = sqlx::query(
            "SELECT MIN(group_id) AS g FROM member WHERE group_id IS NOT NULL AND org_id <> $1",
        )
        .bind(branch)
        .fetch_one(&mut *conn)
        .await
        .expect("another group")
        .get("g");
        drop(conn);
        for other in [foreign, branch] {
            let mut elsewhere = body.clone();
            elsewhere["group_id"] = json!(other);
            let (s, v) = admin.post("/api/v1/meetings", &elsewhere).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert_eq!(v["error"]["field"], "group_id");
        }
    }
);

on_both!(
    without_a_recorded_committee_the_list_marks_who_is_off_it,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = branch_of(&secretary).await;
        // Relieve the demo's committee: the branch is back to marking the list itself.
        let (_, c) = secretary
            .get_json(&format!("/api/v1/orgs/{branch}/committee"))
            .await;
        let posts = c["posts"].as_array().expect("posts");
        assert!(!posts.is_empty(), "the demo branch had a committee");
        for p in posts {
            let (s, v) = secretary
                .post(
                    &format!("/api/v1/committee-posts/{}/relieve", n(p, "id")),
                    &json!({}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (_, list) = secretary
            .get_json(&format!("/api/v1/members?org={branch}&per_page=100"))
            .await;
        let members = list["items"].as_array().expect("items");
        let full: Vec<i64> = members
            .iter()
            .filter(|m| m["status"] == "full")
            .filter_map(|m| m["id"].as_i64())
            .take(3)
            .collect();
        assert_eq!(
            full.len(),
            3,
            "the branch has a committee's worth of full members"
        );
        let today = dangjian_domain::date::format(dangjian_service::today());
        let with = |present: usize| {
            let attendance: Vec<Value> = members
                .iter()
                .filter_map(|m| m["id"].as_i64())
                .map(|id| match full.iter().position(|f| *f == id) {
                    Some(i) if i < present => json!({"member_id": id, "status": "present"}),
                    Some(_) => json!({"member_id": id, "status": "absent"}),
                    None => json!({"member_id": id, "status": "off_committee"}),
                })
                .collect();
            json!({"org_id": branch, "kind": "committee_meeting", "held_on": today,
                "topic": "支委会：研究发展党员", "attendance": attendance})
        };
        let (s, m) = secretary.post("/api/v1/meetings", &with(2)).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(
            n(&m, "expected"),
            3,
            "the committee is expected, not the branch"
        );
        assert_eq!(n(&m, "present"), 2);
        assert_eq!(m["quorum"], true, "two of three is more than half");
        let (_, detail) = secretary
            .get_json(&format!("/api/v1/meetings/{}", n(&m, "id")))
            .await;
        assert_eq!(detail["attendance"].as_array().expect("rows").len(), 3);
        let (s, m) = secretary.post("/api/v1/meetings", &with(1)).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["quorum"], false, "one of three is not");

        let mut theme_day = with(2);
        theme_day["kind"] = json!("theme_day");
        let (s, v) = secretary.post("/api/v1/meetings", &theme_day).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], "invalid_status");
    }
);
