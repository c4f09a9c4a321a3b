//! Printed documents from the outside: a branch's 三会一课记录本 is a PDF whose text (read
//! back with poppler's pdftotext) holds each meeting of the year as recorded, who was excused
//! and why, a running head and 第 N 页 / 共 M 页 on every page, and no punctuation at the start
//! of a line; a page renders (pdftoppm); it is audited like an export and stays in scope. The
//! dues book, a person's recruitment file and the problem ledger read back the same way.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Api, TestApp, refusal, rows};
use crate::on_both;

async fn pdf(api: &Api, path: &str) -> (StatusCode, Vec<u8>) {
    let r = api.get(path).await;
    let s = r.status();
    (s, r.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
}

/// The PDF's text as poppler reads it, page by page (pages end with a form feed).
pub fn text_of(bytes: &[u8]) -> String {
    // Tests read documents at once: each gets its own directory.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "dangjian-book-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("book.pdf");
    std::fs::write(&file, bytes).expect("write");
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.join("page");
    let shown = Command::new("pdftoppm")
        .args(["-r", "40", "-png", "-f", "1", "-l", "1"])
        .arg(&file)
        .arg(&png)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(shown.success());
    let rendered = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .max()
        .unwrap_or(0);
    assert!(
        rendered > 2_000,
        "page 1 renders to an image ({rendered} bytes)"
    );
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

on_both!(
    a_branch_prints_its_record_book_of_the_year,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let today = dangjian_domain::date::format(dangjian_service::today());
        let year = dangjian_service::today().year();
        let topic = "主题党日：学习《中国共产党章程》，讨论“我为群众办实事”清单";
        let minutes = "会议由支部书记主持。".repeat(40);
        let (s, m) = secretary
            .post(
                "/api/v1/meetings",
                &json!({"org_id": branch, "kind": "theme_day", "held_on": today,
                        "place": "村党群服务中心", "host": "支部书记", "topic": topic,
                        "minutes": minutes}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let held = t
            .count(&format!(
                "SELECT COUNT(*) FROM meeting WHERE org_id = {branch} AND held_on >= '{year}-01-01' \
                 AND held_on <= '{year}-12-31'"
            ))
            .await;
        assert!(held >= 2, "the demo's meetings and ours");

        let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '三会一课记录本%'";
        let before = t.count(audit).await;
        let (s, bytes) = pdf(
            &secretary,
            &format!("/api/v1/life/record-book.pdf?org={branch}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(t.count(audit).await - before, 1, "audited like an export");
        let text = text_of(&bytes);
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains("三会一课记录本"), "{text}");
        assert!(
            squeezed.contains(&format!("本年度登记会议{held}次")),
            "{text}"
        );
        assert!(squeezed.contains("学习《中国共产党章程》，讨论“我为群众办实事”清单"));
        assert!(squeezed.contains("村党群服务中心"));
        assert!(
            squeezed.contains(&minutes),
            "the minutes whole, across lines"
        );
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                p.contains(&format!("第{}页/共{}页", i + 1, pages.len())),
                "page {i}"
            );
            assert!(
                p.contains(&format!("三会一课记录本（{year}年度）·第")),
                "page {i}: the foot"
            );
            assert!(p.contains("生成日期："), "page {i}: the head");
        }
        for line in text.lines() {
            let first = line.trim_start().chars().next();
            assert!(
                !first.is_some_and(|c| "，。、；：？！）》」”".contains(c)),
                "a line starts with punctuation: {line}"
            );
        }

        // A page's link; other years and bad input.
        let b = t.browser("baitao-secretary").await;
        let (_, html) = b.page(&format!("/life?org={branch}")).await;
        assert!(html.contains(&format!(
            "/life/record-book.pdf?org={branch}&amp;year={year}"
        )));
        let (s, _) = pdf(
            &secretary,
            &format!("/api/v1/life/record-book.pdf?org={branch}&year=1999"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = secretary
            .get_json(&format!(
                "/api/v1/life/record-book.pdf?org={branch}&year=1999"
            ))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("year", "out_of_range"))
        );

        // Elsewhere, and a member: refused; a town is not a branch.
        let other = t.another_town();
        let (s, _) = pdf(
            &t.api(&other).await,
            &format!("/api/v1/life/record-book.pdf?org={branch}"),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = pdf(
            &t.api("baitao-member").await,
            &format!("/api/v1/life/record-book.pdf?org={branch}"),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let town = t.account_named("town-500102013").scope_org_id;
        let (s, v) = t
            .api("town-500102013")
            .await
            .get_json(&format!("/api/v1/life/record-book.pdf?org={town}"))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("org", "not_a_branch"))
        );
    }
);

/// The text without its spaces and line breaks, as a reader follows it across lines.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A download's status, its text and how many export rows the audit gained meanwhile.
async fn read_audited(t: &TestApp, api: &Api, path: &str, what: &str) -> (StatusCode, String, i64) {
    let audit =
        format!("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '{what}%'");
    let before = t.count(&audit).await;
    let (s, bytes) = pdf(api, path).await;
    let text = if s == StatusCode::OK {
        assert!(bytes.starts_with(b"%PDF-"));
        text_of(&bytes)
    } else {
        String::new()
    };
    (s, text, t.count(&audit).await - before)
}

on_both!(
    a_branch_prints_its_dues_book_of_the_year,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let month = dangjian_domain::life::month_key(dangjian_service::today());
        let (_, l) = secretary
            .get_json(&format!("/api/v1/dues/ledger?org={branch}&month={month}"))
            .await;
        let unpaid: Vec<(i64, String, i64)> = l["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter(|x| x["state"] == "unpaid" && x["due_fen"].as_i64().is_some())
            .filter_map(|x| {
                Some((
                    x["member_id"].as_i64()?,
                    x["name"].as_str()?.to_string(),
                    x["due_fen"].as_i64()?,
                ))
            })
            .collect();
        assert!(unpaid.len() >= 2, "{l}");
        let (payer, payer_name, due) = &unpaid[0];
        // A little over what is due, so that the amount is the payment's own.
        let amount = dangjian_domain::dues::fen_to_yuan(due + 7);
        let (s, v) = secretary
            .post(
                &format!("/api/v1/members/{payer}/dues/payments"),
                &json!({"from_month": month, "method": "wechat", "amount": amount}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        let year = dangjian_service::today().year();
        let (s, text, audited) = read_audited(
            t,
            &secretary,
            &format!("/api/v1/dues/book.pdf?org={branch}&year={year}"),
            "党费收缴台账",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(audited, 1, "audited like an export");
        let all = squeezed(&text);
        assert!(all.contains("党费收缴台账"), "{text}");
        assert!(all.contains(&format!("{year}年度")));
        // The payer's line holds the payment; someone still owing shows 未缴 on theirs.
        let line_of = |name: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(name))
                .unwrap_or_default()
                .to_string()
        };
        assert!(line_of(payer_name).contains(&amount), "{text}");
        let (_, owing, _) = &unpaid[1];
        assert!(line_of(owing).contains("未缴"), "{}", line_of(owing));
        // The day of payment is listed with the month.
        let today = dangjian_domain::date::format(dangjian_service::today());
        assert!(all.contains(&today), "{text}");
        // The month's total counts the payment: the ledger's paid sum after it.
        let (_, l) = secretary
            .get_json(&format!("/api/v1/dues/ledger?org={branch}&month={month}"))
            .await;
        let paid = dangjian_domain::dues::fen_to_yuan(l["paid_fen"].as_i64().expect("paid"));
        let totals = text
            .lines()
            .find(|l| l.trim_start().starts_with("合计"))
            .expect("a totals row");
        assert!(totals.contains(&paid), "{totals} holds {paid}");

        // The dues page offers it; a town is not a branch; another town and a member: refused.
        let b = t.browser("baitao-secretary").await;
        let (_, html) = b.page(&format!("/dues?org={branch}")).await;
        assert!(html.contains(&format!("/dues/book.pdf?org={branch}&amp;year={year}")));
        let town = t.account_named("town-500102013").scope_org_id;
        let (s, v) = t
            .api("town-500102013")
            .await
            .get_json(&format!("/api/v1/dues/book.pdf?org={town}"))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("org", "not_a_branch"))
        );
        let other = t.another_town();
        let (s, _, audited) = read_audited(
            t,
            &t.api(&other).await,
            &format!("/api/v1/dues/book.pdf?org={branch}"),
            "党费收缴台账",
        )
        .await;
        assert_eq!((s, audited), (StatusCode::NOT_FOUND, 0));
    }
);

on_both!(
    a_recruits_file_prints_the_25_steps_as_recorded,
    async |t: &TestApp| {
        let secretary = t.api("baitao-secretary").await;
        let branch = secretary.scope_org().await;
        let mut conn = t.sql().await;
        let found = rows(
            &mut conn,
            &format!(
                "SELECT r.id, r.name FROM recruit r WHERE r.org_id = {branch} AND r.last_step >= 9 \
                 ORDER BY r.last_step DESC, r.id LIMIT 1"
            ),
        )
        .await;
        let (id, name) = match found.first() {
            Some(r) => (r[0].parse::<i64>().expect("id"), r[1].clone()),
            None => panic!("the demo has a recruit past step 9 in the branch"),
        };
        let (_, detail) = secretary.get_json(&format!("/api/v1/recruits/{id}")).await;
        let done: Vec<&serde_json::Value> = detail["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|s| !s["done"].is_null())
            .collect();
        assert!(done.len() >= 9, "{detail}");

        let (s, text, audited) = read_audited(
            t,
            &secretary,
            &format!("/api/v1/recruits/{id}/file.pdf"),
            "发展党员纪实表",
        )
        .await;
        assert_eq!((s, audited), (StatusCode::OK, 1));
        let all = squeezed(&text);
        assert!(all.contains("发展党员纪实表"));
        assert!(all.contains(&name), "{text}");
        assert!(
            all.contains(detail["id_masked"].as_str().expect("masked")),
            "the ID number masked"
        );
        for s in detail["steps"].as_array().expect("steps") {
            let label: String = squeezed(s["label"].as_str().expect("label"));
            assert!(all.contains(&label), "step {} {label}", s["no"]);
        }
        for s in &done {
            let on = s["done"]["done_on"].as_str().expect("done_on");
            assert!(all.contains(on), "step {} done on {on}", s["no"]);
        }

        // The person's page offers it; another town finds nothing.
        let b = t.browser("baitao-secretary").await;
        let (_, html) = b.page(&format!("/recruits/{id}")).await;
        assert!(html.contains(&format!("/recruits/{id}/file.pdf")));
        let other = t.another_town();
        let (s, _, audited) = read_audited(
            t,
            &t.api(&other).await,
            &format!("/api/v1/recruits/{id}/file.pdf"),
            "发展党员纪实表",
        )
        .await;
        assert_eq!((s, audited), (StatusCode::NOT_FOUND, 0));
    }
);

on_both!(a_town_prints_its_problem_ledger, async |t: &TestApp| {
    let town = t.api("town-500102013").await;
    let town_id = t.account_named("town-500102013").scope_org_id;
    let mut conn = t.sql().await;
    let village: i64 = rows(
        &mut conn,
        &format!("SELECT MIN(id) FROM org WHERE parent_id = {town_id}"),
    )
    .await[0][0]
        .parse()
        .expect("a village");
    let deadline =
        dangjian_domain::date::format(dangjian_service::today() + time::Duration::days(30));
    let content = "村道护栏缺失，雨季行车存在安全隐患，群众多次反映";
    let (s, v) = town
        .post(
            "/api/v1/problems",
            &json!({"org_id": village, "source": "other", "content": content,
                        "unit": "镇交通办", "standard": "护栏安装完成并验收",
                        "measures": "列入本年度整治计划", "deadline": deadline}),
        )
        .await;
    assert!(s.is_success(), "{v}");
    let no = v["no"].as_str().expect("no").to_string();
    let (_, listed) = town.get_json("/api/v1/problems").await;
    let total = listed["total"].as_i64().expect("total");
    assert!(total >= 1);

    let (s, text, audited) =
        read_audited(t, &town, "/api/v1/problems/ledger.pdf", "问题台账").await;
    assert_eq!((s, audited), (StatusCode::OK, 1));
    let all = squeezed(&text);
    assert!(all.contains(&format!("共{total}个问题")), "{text}");
    assert!(all.contains(&no), "{text}");
    // A cell wraps beside its neighbours, so its lines are read apart.
    assert!(all.contains("村道护栏缺失"), "{text}");
    assert!(all.contains("群众多次反映"), "{text}");
    assert!(all.contains("镇交通办"));
    assert!(all.contains(&squeezed(&format!(
        "{} 登记",
        dangjian_domain::date::format(dangjian_service::today())
    ))));

    // A filter narrows it and names itself in the title.
    let (s, text, _) = read_audited(
        t,
        &town,
        "/api/v1/problems/ledger.pdf?state=closed",
        "问题台账",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(squeezed(&text).contains("问题台账（已办结）"));
    assert!(
        !squeezed(&text).contains(&no),
        "an open problem is not closed"
    );

    // The ledger page offers it; another town's ledger does not hold this problem.
    let b = t.browser("town-500102013").await;
    let (_, html) = b.page("/problems").await;
    assert!(html.contains("/problems/ledger.pdf?"), "the link");
    let other = t.another_town();
    let (s, text, _) = read_audited(
        t,
        &t.api(&other).await,
        "/api/v1/problems/ledger.pdf",
        "问题台账",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!squeezed(&text).contains(&no));
    let (s, _, audited) = read_audited(
        t,
        &t.api(&other).await,
        &format!("/api/v1/problems/ledger.pdf?org={village}"),
        "问题台账",
    )
    .await;
    assert_eq!((s, audited), (StatusCode::NOT_FOUND, 0));
});

/// Follows a job until it stops running (at most half a minute).
async fn finished(api: &Api, id: i64) -> serde_json::Value {
    for _ in 0..300 {
        let (s, j) = api.get_json(&format!("/api/v1/documents/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{j}");
        if j["state"] != "running" {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("document {id} still running");
}

on_both!(
    a_towns_record_books_are_made_in_the_background_as_one_file,
    async |t: &TestApp| {
        let town = t.api("town-500102013").await;
        let town_id = t.account_named("town-500102013").scope_org_id;
        let year = dangjian_service::today().year();
        let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND detail LIKE '三会一课记录本（合订）%'";
        let audited = t.count(audit).await;
        let (s, job) = town
            .post("/api/v1/documents/record-books", &json!({"year": year}))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{job}");
        assert_eq!(t.count(audit).await, audited + 1, "audited when started");
        let id = job["id"].as_i64().expect("id");
        let total = job["total"].as_i64().expect("total");
        let branches = t
            .count(&format!(
                "SELECT COUNT(*) FROM org WHERE closed_on IS NULL AND kind IN ('branch', 'joint_branch') \
                 AND path LIKE (SELECT path FROM org WHERE id = {town_id}) || '%'"
            ))
            .await;
        assert_eq!(total, branches);
        assert!(total >= 2, "{job}");
        let done = finished(&town, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(done["done"], total);

        let (s, bytes) = pdf(&town, &format!("/api/v1/documents/{id}/file")).await;
        assert_eq!(s, StatusCode::OK);
        let text = text_of(&bytes);
        let all = squeezed(&text);
        assert_eq!(
            all.matches("本年度登记会议").count() as i64,
            total,
            "one book per branch"
        );
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() as i64 >= total);
        let last = squeezed(pages.last().copied().unwrap_or_default());
        assert!(last.contains(&format!("第{}页/共{}页", pages.len(), pages.len())));

        // Someone else's job answers as missing; a member may not start one.
        let other = t.another_town();
        let stranger = t.api(&other).await;
        let (s, _) = stranger.get_json(&format!("/api/v1/documents/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = pdf(&stranger, &format!("/api/v1/documents/{id}/file")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = t
            .api("baitao-member")
            .await
            .post("/api/v1/documents/record-books", &json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = town
            .post("/api/v1/documents/record-books", &json!({"year": 1999}))
            .await;
        assert_eq!(
            (s, refusal(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("year", "out_of_range"))
        );

        // From the pages: the town's 组织生活 offers it; the job's page follows it.
        let b = t.browser("town-500102013").await;
        let (_, life) = b.page(&format!("/life?org={town_id}")).await;
        assert!(life.contains("/documents/record-books"), "the form");
        let (s, _, location) = b
            .post_form(
                "/documents/record-books",
                &[("org", &town_id.to_string()), ("year", &year.to_string())],
            )
            .await;
        assert!(s.is_redirection(), "{s}");
        let at = location.expect("to the job's page");
        let page_id: i64 = at
            .trim_start_matches("/documents/")
            .parse()
            .expect("a job id");
        finished(&town, page_id).await;
        let (_, html) = b.page(&at).await;
        assert!(
            html.contains(&format!("/documents/{page_id}/file")),
            "{html}"
        );

        // A job a stopped process left running is marked failed at the next start.
        t.exec(&format!(
            "INSERT INTO document_job (user_id, org_id, kind, year, state, total, created_at) \
             VALUES (NULL, {town_id}, 'record_books', {year}, 'running', 3, 0)"
        ))
        .await;
        t.app.recover_documents().await.expect("recover");
        assert_eq!(
            t.count("SELECT COUNT(*) FROM document_job WHERE state = 'running'")
                .await,
            0
        );
    }
);
