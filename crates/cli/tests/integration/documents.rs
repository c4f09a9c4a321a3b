//! Printed documents from the outside: a branch's 三会一课记录本 is a PDF whose text (read
//! back with poppler's pdftotext) holds each meeting of the year as recorded, who was excused
//! and why, a running head and 第 N 页 / 共 M 页 on every page, and no punctuation at the start
//! of a line; a page renders (pdftoppm); it is audited like an export and stays in scope.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Api, TestApp, refusal};
use crate::on_both;

async fn pdf(api: &Api, path: &str) -> (StatusCode, Vec<u8>) {
    let r = api.get(path).await;
    let s = r.status();
    (s, r.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
}

/// The PDF's text as poppler reads it, page by page (pages end with a form feed).
fn text_of(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!(
        "dangjian-book-{}-{}",
        std::process::id(),
        dangjian_service::now_ms()
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
        let other = t
            .town_accounts()
            .into_iter()
            .find(|a| a.username != "town-500102013")
            .expect("another town")
            .username
            .clone();
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
