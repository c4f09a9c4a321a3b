//! Tables the pages show, as xlsx downloads.

use axum::response::Response;
use dangjian_domain::bands::Category;
use dangjian_domain::dues::PayMethod;
use dangjian_report::{Cell, Table};
use dangjian_service::dues::{ArrearsLine, Ledger};
use dangjian_service::import::{JobView, RosterKind};
use dangjian_service::life::{Attendance, Compliance};
use dangjian_service::masses::DeedRecord;
use dangjian_service::masses::Household;
use dangjian_service::recruit::Pipeline;
use dangjian_service::stats::annual::{ChildStat, PartyStatistics};
use dangjian_service::{App, ServiceError};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn tally_cells(t: &dangjian_domain::life::Tally, rate: Option<f64>) -> Vec<Cell> {
    vec![
        Cell::Int(t.required),
        Cell::Int(t.met),
        Cell::Int(t.on_time),
        Cell::Rate(rate),
    ]
}

fn attendance_cells(a: &Attendance) -> [Cell; 3] {
    [
        Cell::Int(a.expected),
        Cell::Int(a.present),
        Cell::Rate(a.rate),
    ]
}

fn headers(first: &str) -> Vec<String> {
    [first, "应开", "已开", "按时", "落实率"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

/// The compliance of an org for a period: the children ranked, each kind, and the
/// branches behind, one sheet each.
pub fn compliance(c: &Compliance) -> Result<Response, ServiceError> {
    let span = format!("{} 至 {}", c.from, c.to);
    let mut children = Table {
        sheet: "下级组织".into(),
        title: format!("{} 组织生活落实情况（{span}）", c.org.name),
        headers: headers("组织")
            .into_iter()
            .chain(["应到人次", "实到人次", "出勤率"].map(String::from))
            .collect(),
        rows: Vec::new(),
    };
    children.rows.push(
        [Cell::Text(format!("{}（合计）", c.org.name))]
            .into_iter()
            .chain(tally_cells(&c.total, c.rate))
            .chain(attendance_cells(&c.attendance))
            .collect(),
    );
    for ch in &c.children {
        children.rows.push(
            [Cell::Text(ch.org.name.clone())]
                .into_iter()
                .chain(tally_cells(&ch.tally, ch.rate))
                .chain(attendance_cells(&ch.attendance))
                .collect(),
        );
    }
    let by_kind = Table {
        sheet: "各类会议".into(),
        title: format!("{} 各类会议（{span}）", c.org.name),
        headers: headers("会议"),
        rows: c
            .by_kind
            .iter()
            .map(|k| {
                [Cell::Text(k.label.into())]
                    .into_iter()
                    .chain(tally_cells(&k.tally, k.rate))
                    .collect()
            })
            .collect(),
    };
    let behind = Table {
        sheet: "落后支部".into(),
        title: format!("{} 未按要求落实的支部（{span}）", c.org.name),
        headers: vec!["支部".into(), "缺开".into(), "当月应开".into()],
        rows: c
            .behind
            .iter()
            .map(|b| {
                vec![
                    Cell::Text(b.org.name.clone()),
                    Cell::Int(b.missed),
                    Cell::Int(b.required),
                ]
            })
            .collect(),
    };
    book(
        &[children, by_kind, behind],
        &format!("组织生活落实情况-{}-{}.xlsx", c.org.name, c.to),
    )
}

fn yuan(fen: Option<i64>) -> Cell {
    match fen {
        Some(f) => Cell::Text(dangjian_domain::dues::fen_to_yuan(f)),
        None => Cell::Text(String::new()),
    }
}

/// A branch's dues ledger for a month.
pub fn ledger(l: &Ledger) -> Result<Response, ServiceError> {
    let rows = l
        .lines
        .iter()
        .map(|x| {
            let p = x.row.payment.as_ref();
            vec![
                Cell::Text(x.row.name.clone()),
                Cell::Text(label_of(&x.row.category, Category::parse, Category::label)),
                yuan(x.row.base_fen),
                yuan(x.due_fen),
                Cell::Text(ledger_state(x.state).into()),
                yuan(p.map(|p| p.paid_fen)),
                Cell::Text(p.map_or_else(String::new, |p| p.paid_on.clone())),
                Cell::Text(p.map_or_else(String::new, |p| {
                    label_of(&p.method, PayMethod::parse, PayMethod::label)
                })),
            ]
        })
        .collect();
    let t = Table {
        sheet: "党费台账".into(),
        title: format!("{} {} 党费交纳台账", l.org_name, l.month),
        headers: [
            "姓名",
            "类别",
            "基数（元）",
            "应交（元）",
            "状态",
            "实交（元）",
            "交纳日期",
            "方式",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows,
    };
    book(&[t], &format!("党费台账-{}-{}.xlsx", l.org_name, l.month))
}

/// Members owing dues in a subtree.
pub fn arrears(org_name: &str, lines: &[ArrearsLine]) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "欠缴名单".into(),
        title: format!("{org_name} 党费欠缴名单"),
        headers: ["支部", "姓名", "入党日期", "欠缴月数", "交至"]
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
        rows: lines
            .iter()
            .map(|a| {
                vec![
                    Cell::Text(a.row.org_name.clone()),
                    Cell::Text(a.row.name.clone()),
                    Cell::Text(a.row.join_date.clone()),
                    Cell::Int(a.unpaid_months),
                    Cell::Text(a.row.last_paid.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("党费欠缴名单-{org_name}.xlsx"))
}

pub fn ledger_state(state: &str) -> &'static str {
    match state {
        "paid" => "已交",
        "unpaid" => "未交",
        "not_due" => "无需交纳",
        _ => "未核定基数",
    }
}

fn label_of<T: Copy>(
    code: &str,
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    parse(code).map_or_else(|| code.to_string(), |v| label(v).to_string())
}

pub(crate) fn book(tables: &[Table], name: &str) -> Result<Response, ServiceError> {
    let bytes =
        dangjian_report::xlsx(tables).map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
    Ok(crate::pages::download(name, XLSX, false, bytes))
}

/// A member roster in the import template's layout, written off the request threads.
pub async fn roster(
    app: &App,
    org_name: &str,
    rows: Vec<Vec<String>>,
) -> Result<Response, ServiceError> {
    let app = app.clone();
    let bytes = tokio::task::spawn_blocking(move || app.roster_xlsx(rows))
        .await
        .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))??;
    Ok(crate::pages::download(
        &format!("党员名册-{org_name}.xlsx"),
        XLSX,
        false,
        bytes,
    ))
}

/// The rows an import refused, with the problems of each, to correct and upload again.
pub fn import_errors(v: &JobView) -> Result<Response, ServiceError> {
    let columns = RosterKind::parse(&v.job.kind).unwrap_or_default().headers();
    let mut headers: Vec<&str> = vec!["行号"];
    headers.extend(columns.iter().copied());
    headers.push("错误");
    let rows: Vec<Vec<String>> = v
        .errors
        .iter()
        .map(|e| {
            let mut r = vec![e.line.to_string()];
            r.extend((0..columns.len()).map(|i| e.cells.get(i).cloned().unwrap_or_default()));
            r.push(
                e.problems
                    .iter()
                    .map(|(c, m)| format!("{c}：{m}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            );
            r
        })
        .collect();
    let bytes = dangjian_report::roster::write("错误报告", &headers, &rows, &[])
        .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
    let stem = v.job.file_name.trim_end_matches(".xlsx");
    Ok(crate::pages::download(
        &format!("{stem}-错误报告.xlsx"),
        XLSX,
        false,
        bytes,
    ))
}

/// The empty roster to fill in.
pub fn template(kind: RosterKind, app: &App) -> Result<Response, ServiceError> {
    let (name, bytes) = match kind {
        RosterKind::Members => ("党员名册导入模板.xlsx", app.member_template()?),
        RosterKind::Orgs => ("组织名册导入模板.xlsx", app.org_template()?),
        RosterKind::Committees => ("两委成员名册导入模板.xlsx", app.committee_template()?),
        RosterKind::Enterprises => (
            "非公企业和社会组织名册导入模板.xlsx",
            app.enterprise_template()?,
        ),
    };
    Ok(crate::pages::download(name, XLSX, false, bytes))
}

/// The people in the development pipeline of a subtree, by stage.
pub fn pipeline(p: &Pipeline) -> Result<Response, ServiceError> {
    let rows = p
        .stages
        .iter()
        .flat_map(|s| {
            s.cards.iter().map(move |c| {
                vec![
                    Cell::Text(c.org_name.clone()),
                    Cell::Text(c.name.clone()),
                    Cell::Text(s.label.into()),
                    Cell::Int(c.last_step),
                    Cell::Text(c.next_label.into()),
                    Cell::Text(c.latest.clone().unwrap_or_default()),
                    Cell::Text(
                        match c.due {
                            dangjian_domain::recruit::Due::Overdue => "已超期",
                            dangjian_domain::recruit::Due::Soon => "即将到期",
                            dangjian_domain::recruit::Due::Open => "",
                        }
                        .into(),
                    ),
                ]
            })
        })
        .collect();
    let t = Table {
        sheet: "发展党员".into(),
        title: format!("{} 发展党员名单（{} 年）", p.org_name, p.year),
        headers: [
            "支部",
            "姓名",
            "阶段",
            "已完成步骤",
            "下一步",
            "最迟日期",
            "提示",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows,
    };
    book(&[t], &format!("发展党员名单-{}.xlsx", p.org_name))
}

/// Households as listed (the head's name and the phone masked).
pub fn households(org_name: &str, rows: &[Household]) -> Result<Response, ServiceError> {
    use dangjian_domain::masses::{LegalBasis, mask_name, parse_needs};
    let t = Table {
        sheet: "住户".into(),
        title: format!("{org_name} 住户名单"),
        headers: [
            "网格",
            "住址",
            "户主",
            "电话",
            "人口",
            "重点关注",
            "联系党员",
            "联系起始",
            "登记依据",
            "保存至",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|h| {
                vec![
                    Cell::Text(h.grid_name.clone()),
                    Cell::Text(h.address.clone()),
                    Cell::Text(mask_name(&h.head_name)),
                    Cell::Text(h.phone_masked.clone().unwrap_or_default()),
                    Cell::Int(h.size),
                    Cell::Text(
                        parse_needs(&h.needs)
                            .iter()
                            .map(|n| n.label())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                    Cell::Text(h.member_name.clone().unwrap_or_default()),
                    Cell::Text(h.paired_on.clone().unwrap_or_default()),
                    Cell::Text(
                        LegalBasis::parse(&h.legal_basis)
                            .map_or("", LegalBasis::label)
                            .into(),
                    ),
                    Cell::Text(h.retain_until.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("住户名单-{org_name}.xlsx"))
}

/// Deeds as listed.
pub fn deeds(org_name: &str, rows: &[DeedRecord]) -> Result<Response, ServiceError> {
    use dangjian_domain::masses::DeedKind;
    let t = Table {
        sheet: "好事实事".into(),
        title: format!("{org_name} 好事实事"),
        headers: [
            "日期",
            "党员",
            "住户",
            "类型",
            "内容",
            "时长（小时）",
            "状态",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(d.done_on.clone()),
                    Cell::Text(d.member_name.clone()),
                    Cell::Text(d.household_address.clone().unwrap_or_default()),
                    Cell::Text(DeedKind::parse(&d.kind).map_or("", DeedKind::label).into()),
                    Cell::Text(d.description.clone()),
                    Cell::Text(dangjian_domain::masses::hours_text(d.minutes)),
                    Cell::Text(
                        if d.confirmed {
                            "已确认"
                        } else {
                            "待确认"
                        }
                        .into(),
                    ),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("好事实事-{org_name}.xlsx"))
}

/// Requests as listed, with the address and description staff see, never the phone.
pub fn requests(
    org_name: &str,
    rows: &[dangjian_service::request::Request],
) -> Result<Response, ServiceError> {
    use dangjian_domain::request::{RequestState, display_tracking_code};
    let instant = |ms: Option<i64>| ms.map(crate::view::format_instant).unwrap_or_default();
    let t = Table {
        sheet: "群众诉求".into(),
        title: format!("{org_name} 群众诉求"),
        headers: [
            "查询码",
            "类别",
            "村（社区）",
            "网格",
            "地点",
            "内容",
            "状态",
            "提交时间",
            "受理时间",
            "办结时间",
            "承办",
            "答复",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(display_tracking_code(&r.code)),
                    Cell::Text(r.category_name.clone()),
                    Cell::Text(r.community_name.clone()),
                    Cell::Text(r.grid_name.clone().unwrap_or_default()),
                    Cell::Text(r.address.clone()),
                    Cell::Text(r.description.clone()),
                    Cell::Text(
                        RequestState::parse(&r.times.state)
                            .map_or("", RequestState::label)
                            .into(),
                    ),
                    Cell::Text(instant(Some(r.submitted_at))),
                    Cell::Text(instant(r.times.answered_at)),
                    Cell::Text(instant(r.times.resolved_at)),
                    Cell::Text(
                        r.assignee_name
                            .clone()
                            .or_else(|| r.department_name.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::Text(r.times.reply.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("群众诉求-{org_name}.xlsx"))
}

/// Grids with their households and coverage, as listed.
pub fn grids(
    org_name: &str,
    rows: &[dangjian_service::masses::Grid],
) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "网格".into(),
        title: format!("{org_name} 网格"),
        headers: [
            "村（社区）",
            "网格",
            "网格党小组",
            "住户",
            "已落实联系党员",
            "覆盖率",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|g| {
                vec![
                    Cell::Text(g.org_name.clone()),
                    Cell::Text(g.name.clone()),
                    Cell::Text(g.group_name.clone().unwrap_or_default()),
                    Cell::Int(g.households),
                    Cell::Int(g.paired),
                    Cell::Text(dangjian_domain::masses::permille_text(
                        dangjian_domain::masses::coverage_permille(g.paired, g.households),
                    )),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("网格-{org_name}.xlsx"))
}

/// Members reporting to the communities (双报到), with the year's service and rating.
pub fn community_checkins(
    org_name: &str,
    year: i32,
    rows: &[dangjian_service::masses::CommunityCheckin],
) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "在职党员报到".into(),
        title: format!("{org_name} 在职党员报到（{year} 年）"),
        headers: [
            "党员",
            "所在支部",
            "报到村（社区）",
            "报到日期",
            "服务（小时）",
            "评价",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.member_name.clone()),
                    Cell::Text(r.branch_name.clone()),
                    Cell::Text(r.community_name.clone()),
                    Cell::Text(r.registered_on.clone()),
                    Cell::Text(dangjian_domain::masses::hours_text(r.minutes)),
                    Cell::Text(
                        r.rating
                            .as_deref()
                            .map_or(
                                "",
                                dangjian_service::masses::community_checkin::rating_label,
                            )
                            .into(),
                    ),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("在职党员报到-{org_name}.xlsx"))
}

/// A branch's or community's 三评 results: each member, then each question.
pub fn evaluation(
    r: &dangjian_service::masses::evaluation::Results,
) -> Result<Response, ServiceError> {
    use dangjian_domain::evaluation::{Answer, Band, score_text};
    let avg = |a: Option<i64>| a.map(score_text).unwrap_or_default();
    let members = Table {
        sheet: "党员".into(),
        title: format!("{} {} 党员评价结果", r.org.name, r.period.name),
        headers: [
            "党员",
            "支部",
            "群众评份数",
            "群众评",
            "互评份数",
            "互评",
            "组织评",
            "综合",
            "档次",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect(),
        rows: r
            .members
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.name.clone()),
                    Cell::Text(m.branch_name.clone()),
                    Cell::Int(m.household.count),
                    Cell::Text(avg(m.household.average_x100)),
                    Cell::Int(m.peer.count),
                    Cell::Text(avg(m.peer.average_x100)),
                    Cell::Text(avg(m.organization.average_x100)),
                    Cell::Text(avg(m.average_x100)),
                    Cell::Text(m.band.map_or("未评价", Band::label).into()),
                ]
            })
            .collect(),
    };
    let mut headers = vec!["问题".to_string()];
    headers.extend(Answer::ALL.iter().map(|a| a.label().to_string()));
    headers.push("平均分".into());
    let questions = Table {
        sheet: "各题".into(),
        title: format!("{} {} 各题评价", r.org.name, r.period.name),
        headers,
        rows: r
            .questions
            .iter()
            .map(|q| {
                let mut row = vec![Cell::Text(q.question.clone())];
                row.extend(q.counts.iter().map(|(_, n)| Cell::Int(*n)));
                row.push(Cell::Text(avg(q.average_x100)));
                row
            })
            .collect(),
    };
    book(
        &[members, questions],
        &format!("三评结果-{}.xlsx", r.org.name),
    )
}

/// A level's star ratings of a year: each rated organization with its state, total, stars and
/// every item's score, computed items followed by the figure they rest on.
pub fn stars(
    e: &dangjian_service::assessment::stars::StarExport,
) -> Result<Response, ServiceError> {
    use dangjian_domain::assessment::scheme::Rule;
    use dangjian_domain::assessment::stars::tenths;
    let computed: Vec<bool> = e
        .scheme
        .scheme
        .items()
        .map(|i| matches!(i.rule, Rule::Computed { .. }))
        .collect();
    let mut headers: Vec<String> = ["组织", "状态", "总分", "星级"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    for i in e.scheme.scheme.items() {
        headers.push(format!("{} {}", i.code, i.name));
        if matches!(i.rule, Rule::Computed { .. }) {
            headers.push(format!("{} 依据", i.code));
        }
    }
    let rows = e
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![
                Cell::Text(l.place.clone()),
                Cell::Text(l.state_label.into()),
                Cell::Text(tenths(l.total_tenths)),
                Cell::Int(l.stars),
            ];
            for (k, (score, figure)) in l.items.iter().enumerate() {
                row.push(Cell::Text(score.map(tenths).unwrap_or_default()));
                if computed.get(k).copied().unwrap_or(false) {
                    row.push(Cell::Text(figure.clone()));
                }
            }
            row
        })
        .collect();
    let t = Table {
        sheet: "星级评定".into(),
        title: format!(
            "{} {} 年度星级评定（方案第 {} 版）",
            e.org_name, e.year, e.scheme.version
        ),
        headers,
        rows,
    };
    book(&[t], &format!("星级评定-{}-{}.xlsx", e.org_name, e.year))
}

/// A level's weak-and-lax listings of a year: each organization's state, reasons, the
/// district's decision, its plan's progress, how often it was listed, and its support.
pub fn weak(b: &dangjian_service::assessment::weak::WeakBoard) -> Result<Response, ServiceError> {
    let headers = [
        "组织",
        "状态",
        "列入理由",
        "决定日期",
        "决定文号",
        "整改事项",
        "已完成",
        "逾期未完成",
        "累计列入次数",
        "区级联系领导",
        "镇街联系领导",
        "帮扶部门",
        "第一书记",
        "验收销号日期",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let rows = b
        .lines
        .iter()
        .map(|x| {
            let l = &x.listing;
            vec![
                Cell::Text(x.place.clone()),
                Cell::Text(l.state_label.clone()),
                Cell::Text(l.reasons.join("；")),
                Cell::Text(l.decided_on.clone().unwrap_or_default()),
                Cell::Text(l.document_no.clone().unwrap_or_default()),
                Cell::Int(x.items),
                Cell::Int(x.done),
                Cell::Int(x.overdue),
                Cell::Int(x.times_listed),
                Cell::Text(l.district_leader.clone()),
                Cell::Text(l.town_leader.clone()),
                Cell::Text(l.department.clone()),
                Cell::Text(l.first_secretary.clone()),
                Cell::Text(l.signed_off_on.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let t = Table {
        sheet: "软弱涣散".into(),
        title: format!("{} {} 年度软弱涣散基层党组织名单", b.org_name, b.year),
        headers,
        rows,
    };
    book(&[t], &format!("软弱涣散-{}-{}.xlsx", b.org_name, b.year))
}

/// A level's red-flag titles, newest year first; `runs` gives, per title not revoked, the
/// years held without a break up to it.
pub fn red_flags(
    org_name: &str,
    flags: &[dangjian_service::assessment::weak::RedFlag],
    runs: &std::collections::HashMap<i64, i64>,
) -> Result<Response, ServiceError> {
    let headers = [
        "年度",
        "组织",
        "授予日期",
        "授予文号",
        "连续获评年数",
        "累计获评年数",
        "状态",
        "撤销日期",
        "撤销理由",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let rows = flags
        .iter()
        .map(|f| {
            vec![
                Cell::Int(f.year),
                Cell::Text(f.place.clone()),
                Cell::Text(f.awarded_on.clone()),
                Cell::Text(f.document_no.clone()),
                match runs.get(&f.id) {
                    Some(n) => Cell::Int(*n),
                    None => Cell::Text(String::new()),
                },
                Cell::Int(f.times_held),
                Cell::Text(
                    if f.revoked_on.is_some() {
                        "已撤销"
                    } else {
                        "有效"
                    }
                    .into(),
                ),
                Cell::Text(f.revoked_on.clone().unwrap_or_default()),
                Cell::Text(f.revoked_reason.clone()),
            ]
        })
        .collect();
    let t = Table {
        sheet: "红旗党组织".into(),
        title: format!("{org_name} 红旗党组织"),
        headers,
        rows,
    };
    book(&[t], &format!("红旗党组织-{org_name}.xlsx"))
}

/// A level's contact points with their visits of a year against those expected; `reminders`
/// gives, line for line, what a point still lacks.
pub fn contact_points(
    org_name: &str,
    year: i64,
    points: &[dangjian_service::assessment::contact::ContactPoint],
    reminders: &[String],
) -> Result<Response, ServiceError> {
    let headers = [
        "领导干部",
        "职务",
        "联系组织",
        "建立日期",
        "结束日期",
        "本年度走访次数",
        "应走访次数",
        "最近走访",
        "提醒",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Cell::Text(p.leader_name.clone()),
                Cell::Text(p.leader_title.clone()),
                Cell::Text(p.org_name.clone()),
                Cell::Text(p.started_on.clone()),
                Cell::Text(p.ended_on.clone().unwrap_or_default()),
                Cell::Int(p.visits),
                Cell::Int(p.expected_visits),
                Cell::Text(p.last_visit.clone().unwrap_or_default()),
                Cell::Text(reminders.get(i).cloned().unwrap_or_default()),
            ]
        })
        .collect();
    let t = Table {
        sheet: "联系点".into(),
        title: format!("{org_name} {year} 年度领导干部联系点走访情况"),
        headers,
        rows,
    };
    book(&[t], &format!("领导干部联系点-{org_name}-{year}.xlsx"))
}

/// A level's problem ledger: each problem with its five facts, its clock and how it ended;
/// `what` names the filter (empty: all).
pub fn problems(
    org_name: &str,
    what: &str,
    items: &[dangjian_service::assessment::contact::ProblemView],
) -> Result<Response, ServiceError> {
    use dangjian_domain::assessment::problem::ProblemSource;
    let headers = [
        "编号",
        "来源",
        "组织",
        "联系领导",
        "问题内容",
        "责任单位",
        "办结标准",
        "整改措施",
        "办结时限",
        "需联席会议研究",
        "状态",
        "登记日期",
        "受理时限",
        "受理日期",
        "答复时限",
        "答复日期",
        "答复内容",
        "反馈时限",
        "办结日期",
        "反馈意见",
        "不予受理日期",
        "不予受理理由",
        "当前环节逾期",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let opt = |v: &Option<String>| Cell::Text(v.clone().unwrap_or_default());
    let yes = |b: bool| Cell::Text(if b { "是" } else { "" }.into());
    let rows = items
        .iter()
        .map(|v| {
            let p = &v.problem;
            // A refusal ends a problem too: its day is kept apart from a closing.
            let refused = p.state == "refused";
            let ended = |on: bool| {
                Cell::Text(if on {
                    p.closed_on.clone().unwrap_or_default()
                } else {
                    String::new()
                })
            };
            vec![
                Cell::Text(p.no.clone()),
                Cell::Text(
                    ProblemSource::parse(&p.source)
                        .map_or("", ProblemSource::label)
                        .into(),
                ),
                Cell::Text(p.org_name.clone()),
                opt(&p.leader_name),
                Cell::Text(p.content.clone()),
                Cell::Text(p.unit.clone()),
                Cell::Text(p.standard.clone()),
                Cell::Text(p.measures.clone()),
                Cell::Text(p.deadline.clone()),
                yes(p.joint),
                Cell::Text(v.state_label.clone()),
                Cell::Text(p.logged_on.clone()),
                Cell::Text(p.accept_due.clone()),
                opt(&p.accepted_on),
                opt(&p.reply_due),
                opt(&p.replied_on),
                Cell::Text(p.reply.clone()),
                opt(&p.feedback_due),
                ended(!refused),
                Cell::Text(p.feedback.clone()),
                ended(refused),
                Cell::Text(p.refused_reason.clone()),
                yes(v.overdue),
            ]
        })
        .collect();
    let title = if what.is_empty() {
        format!("{org_name} 问题台账")
    } else {
        format!("{org_name} 问题台账（{what}）")
    };
    let t = Table {
        sheet: "问题台账".into(),
        title,
        headers,
        rows,
    };
    book(&[t], &format!("问题台账-{org_name}.xlsx"))
}

/// 党内统计年报 as a workbook: one sheet of every table's figures, one of the children.
pub fn party_statistics(s: &PartyStatistics) -> Result<Response, ServiceError> {
    let mut rows = Vec::new();
    for t in &s.tables {
        rows.push(vec![Cell::Text(t.title.clone())]);
        rows.extend(
            t.lines
                .iter()
                .map(|l| vec![Cell::Text(format!("　{}", l.label)), Cell::Int(l.n)]),
        );
    }
    let figures = Table {
        sheet: "统计表".into(),
        title: format!("{} {} 年党内统计年报", s.org_title, s.year),
        headers: vec!["项目".into(), "数量".into()],
        rows,
    };
    let children = Table {
        sheet: "分单位".into(),
        title: format!("{} {} 年党员情况（按下级单位）", s.org_title, s.year),
        headers: CHILD_HEADERS.iter().map(|h| (*h).to_string()).collect(),
        rows: s
            .children
            .iter()
            .map(|c| {
                std::iter::once(Cell::Text(c.org.name.clone()))
                    .chain(child_figures(c).into_iter().map(Cell::Int))
                    .collect()
            })
            .collect(),
    };
    book(
        &[figures, children],
        &format!("党内统计年报-{}-{}.xlsx", s.org_title, s.year),
    )
}

/// The table by unit's columns, shared by the workbook and the PDF.
pub const CHILD_HEADERS: [&str; 8] = [
    "单位",
    "党员",
    "预备党员",
    "女",
    "少数民族",
    "30岁及以下",
    "大专及以上",
    "本年入党",
];

pub fn child_figures(c: &ChildStat) -> [i64; 7] {
    [
        c.members,
        c.probationary,
        c.women,
        c.minority,
        c.young,
        c.college,
        c.joined,
    ]
}
