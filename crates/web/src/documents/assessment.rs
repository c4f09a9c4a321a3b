//! 问题台账: a level's problems, each with its five facts (content, unit, standard, measures,
//! deadline) and how far it has come, as the contact-point system's ledger is inspected.

use axum::response::Response;
use dangjian_domain::assessment::problem::{ProblemSource, ProblemState};
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::assessment::contact::{ProblemBook, ProblemQuery, ProblemView};

/// How far a problem has come: each step's day, the reply, the refusal's reason.
fn progress(v: &ProblemView) -> String {
    let p = &v.problem;
    let mut steps = vec![format!("{} 登记", p.logged_on)];
    if let Some(d) = &p.accepted_on {
        steps.push(format!("{d} 受理"));
    }
    if let Some(d) = &p.replied_on {
        steps.push(format!("{d} 答复：{}", p.reply));
    }
    match (p.state.as_str(), &p.closed_on) {
        ("refused", Some(d)) => steps.push(format!("{d} 不予受理：{}", p.refused_reason)),
        (_, Some(d)) => {
            let feedback = if p.feedback.is_empty() {
                String::new()
            } else {
                format!("：{}", p.feedback)
            };
            steps.push(format!("{d} 办结{feedback}"));
        }
        _ => {}
    }
    if v.overdue {
        steps.push("当前环节已逾期".into());
    }
    steps.join("；")
}

fn row(v: &ProblemView) -> Vec<String> {
    let p = &v.problem;
    let source = ProblemSource::parse(&p.source).map_or("", ProblemSource::label);
    let source = match &p.leader_name {
        Some(l) => format!("{source}（{l}）"),
        None => source.to_string(),
    };
    let joint = if p.joint {
        "（需联席会议研究）"
    } else {
        ""
    };
    vec![
        p.no.clone(),
        source,
        p.org_name.clone(),
        format!("{}{joint}", p.content),
        p.unit.clone(),
        format!("标准：{}；措施：{}", p.standard, p.measures),
        p.deadline.clone(),
        v.state_label.clone(),
        progress(v),
    ]
}

/// What a filter selects, in words for a document's title ("2026 年度，已办结").
pub fn problem_selection(q: &ProblemQuery) -> String {
    let mut what = Vec::new();
    if let Some(y) = q.year {
        what.push(format!("{y} 年度"));
    }
    if let Some(s) = ProblemState::parse(&q.state) {
        what.push(s.label().to_string());
    }
    if q.joint {
        what.push("需联席会议研究".to_string());
    }
    what.join("，")
}

/// 问题台账 of a level for a filter.
pub async fn problem_ledger(b: &ProblemBook, q: &ProblemQuery) -> Result<Response, ServiceError> {
    let what = problem_selection(q);
    let title = if what.is_empty() {
        "问题台账".to_string()
    } else {
        format!("问题台账（{what}）")
    };
    let mut d = Doc::new(&b.org_title, &title, &super::today()).landscape();
    d.heading(&title, 20.0);
    d.paragraph(&format!("党组织：{}", b.org_title));
    let count = |s: ProblemState| {
        b.items
            .iter()
            .filter(|v| v.problem.state == s.as_str())
            .count()
    };
    d.paragraph(&format!(
        "共 {} 个问题：已办结 {} 个，不予受理 {} 个，办理中 {} 个（其中当前环节逾期 {} 个）。各项取自问题登记及其受理、答复、办结记录。",
        b.items.len(),
        count(ProblemState::Closed),
        count(ProblemState::Refused),
        b.items.len() - count(ProblemState::Closed) - count(ProblemState::Refused),
        b.items.iter().filter(|v| v.overdue).count(),
    ));
    if b.items.is_empty() {
        d.paragraph("所选范围内没有登记的问题。");
    }
    let rows: Vec<Vec<String>> = b.items.iter().map(row).collect();
    d.compact_table(
        &super::columns(&[
            ("编号", 1.7),
            ("来源", 1.0),
            ("组织", 1.5),
            ("问题内容", 3.0),
            ("责任单位", 1.3),
            ("办结标准与整改措施", 3.0),
            ("办结时限", 1.2),
            ("状态", 0.9),
            ("办理情况", 3.2),
        ]),
        &rows,
    );
    let name = format!("{title}-{}.pdf", b.org_title);
    super::download(&name, d).await
}
