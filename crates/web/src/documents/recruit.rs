//! 发展党员纪实表: one person's way to membership, the 25 steps with their windows, the day
//! each was done and its document, as the file kept on paper asks.

use axum::response::Response;
use dangjian_domain::bands::{Category, Education};
use dangjian_domain::id_number::Gender;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::recruit::{RecruitFile, StepView};

fn state_of(f: &RecruitFile) -> String {
    let r = &f.detail.row;
    match r.state.as_str() {
        "active" => format!("{}（已完成 {} / 25 步）", f.detail.stage_label, r.last_step),
        "completed" => "已转为正式党员".into(),
        _ => format!("已终止：{}", r.note),
    }
}

fn step_row(s: &StepView) -> Vec<String> {
    let window = match (&s.earliest, &s.latest) {
        (Some(e), Some(l)) => format!("{e} 至 {l}"),
        (Some(e), None) => format!("{e} 起"),
        (None, Some(l)) => format!("{l} 前"),
        (None, None) => String::new(),
    };
    let (on, document, note) = match &s.done {
        Some(d) => {
            let mut document = d.document.clone();
            if !d.sponsors.is_empty() {
                document.push_str(&format!("（介绍人：{}）", d.sponsors));
            }
            if let Some(h) = d.hours {
                document.push_str(&format!("（{h} 学时）"));
            }
            let on = if d.late {
                format!("{}（逾期）", d.done_on)
            } else {
                d.done_on.clone()
            };
            (on, document, d.note.clone())
        }
        None => (String::new(), s.document.to_string(), String::new()),
    };
    vec![
        s.no.to_string(),
        s.stage.to_string(),
        s.label.to_string(),
        window,
        on,
        document,
        note,
    ]
}

/// 发展党员纪实表 of one person.
pub async fn recruit_file(f: &RecruitFile) -> Result<Response, ServiceError> {
    let r = &f.detail.row;
    let title = format!("发展党员纪实表（{}）", r.name);
    let mut d = Doc::new(&f.org_title, &title, &super::today());
    d.heading("发展党员纪实表", 20.0);
    let facts = vec![
        vec!["姓名".into(), r.name.clone()],
        vec![
            "性别".into(),
            Gender::parse(&r.gender).map_or("", Gender::label).into(),
        ],
        vec!["民族".into(), r.ethnicity.clone()],
        vec!["出生日期".into(), r.birth_date.clone()],
        vec!["身份证号".into(), r.id_masked.clone()],
        vec![
            "学历".into(),
            Education::parse(&r.education)
                .map_or("", Education::label)
                .into(),
        ],
        vec![
            "类别".into(),
            Category::parse(&r.category)
                .map_or("", Category::label)
                .into(),
        ],
        vec!["所在党组织".into(), f.org_title.clone()],
        vec!["状态".into(), state_of(f)],
        vec![
            "预备期满".into(),
            f.detail.probation_end.clone().unwrap_or_default(),
        ],
    ];
    d.table(&super::columns(&[("项目", 1.0), ("内容", 4.0)]), &facts);
    d.heading("发展程序（25 步）", 13.0);
    d.paragraph(
        "各步的完成日期、材料和备注取自发展党员登记；“时限”为按规定可办理的最早与最迟日期。",
    );
    let rows: Vec<Vec<String>> = f.detail.steps.iter().map(step_row).collect();
    d.compact_table(
        &super::columns(&[
            ("步骤", 0.6),
            ("阶段", 1.3),
            ("内容", 2.6),
            ("时限", 2.1),
            ("完成日期", 1.5),
            ("材料", 2.2),
            ("备注", 1.6),
        ]),
        &rows,
    );
    let name = format!("发展党员纪实表-{}-{}.pdf", r.name, r.id);
    super::download(&name, d).await
}
