//! The reminders of 组织建设: rectification items past their deadline (a weak organization's
//! plan, a secretary's ledger), problems whose step is past its due day, and contact points
//! behind their year's visits. Each is keyed so that the job writes it once: a plan once a
//! month while it stays behind, a problem once per step, a secretary's item once, the points
//! once a quarter.

use std::collections::BTreeMap;

use dangjian_domain::assessment::problem::ProblemState;
use dangjian_domain::assessment::visits;
use dangjian_domain::{date, life, path, remind};
use dangjian_store::assessment::{contact, people, weak};
use dangjian_store::notification::NewNotification;
use time::Date;

use super::contact::EXPECTED_VISITS;
use crate::remind::and_its_town;
use crate::{App, ServiceResult};

impl App {
    pub(crate) async fn assessment_reminders(
        &self,
        today: Date,
    ) -> ServiceResult<Vec<NewNotification>> {
        let on = date::format(today);
        let month = life::month_key(today);
        let mut conn = self.db.conn().await?;
        let mut out = Vec::new();

        let plans = weak::overdue_plans(&mut conn, &on).await?;
        let paths: Vec<&str> = plans.iter().map(|p| p.org_path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        for (p, place) in plans.iter().zip(places) {
            for to in and_its_town(p.org_id, &p.org_path) {
                out.push(NewNotification {
                    org_id: to,
                    kind: "rectify_overdue".into(),
                    dedupe_key: remind::key(
                        "rectify_overdue",
                        to,
                        &p.listing_id.to_string(),
                        &month,
                    ),
                    title: format!("{place}软弱涣散整改有 {} 项超期", p.overdue),
                    body: format!(
                        "{place}的整改方案有 {} 项已过完成时限（最早 {}），请抓紧落实并记录进展。",
                        p.overdue, p.first_deadline
                    ),
                    link: format!("/weak/listings/{}", p.listing_id),
                });
            }
        }

        let problems = contact::overdue_problems(&mut conn, &on).await?;
        let paths: Vec<&str> = problems.iter().map(|p| p.org_path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        for (p, place) in problems.iter().zip(places) {
            let (step, due) = match ProblemState::parse(&p.state) {
                Some(ProblemState::Logged) => ("受理", Some(p.accept_due.as_str())),
                Some(ProblemState::Accepted) => ("答复", p.reply_due.as_deref()),
                Some(ProblemState::Replied) => ("反馈办结", p.feedback_due.as_deref()),
                _ => continue,
            };
            for to in and_its_town(p.org_id, &p.org_path) {
                out.push(NewNotification {
                    org_id: to,
                    kind: "problem_overdue".into(),
                    dedupe_key: remind::key(
                        "problem_overdue",
                        to,
                        &format!("{}-{}", p.id, p.state),
                        "",
                    ),
                    title: format!("问题 {}（{place}）{step}已超期", p.no),
                    body: format!(
                        "{}：应于 {} 前{step}，责任单位 {}。",
                        p.content,
                        due.unwrap_or_default(),
                        p.unit
                    ),
                    link: format!("/problems/{}", p.id),
                });
            }
        }

        // The level above follows a secretary's rectification up: it hears of each item late.
        let items = people::overdue_items(&mut conn, &on).await?;
        let paths: Vec<&str> = items.iter().map(|i| i.org_path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        for (i, place) in items.iter().zip(places) {
            out.push(NewNotification {
                org_id: i.level_id,
                kind: "secretary_item_overdue".into(),
                dedupe_key: remind::key(
                    "secretary_item_overdue",
                    i.level_id,
                    &i.id.to_string(),
                    "",
                ),
                title: format!("{place}书记{}的述职整改事项已超期", i.secretary_name),
                body: format!("{}：应于 {} 前完成。", i.content, i.deadline),
                link: format!("/secretary-ratings?org={}&year={}", i.level_id, i.year),
            });
        }

        let due = visits::due_by(EXPECTED_VISITS, today);
        if due > 0 {
            let year = i64::from(today.year());
            let mut per_district: BTreeMap<i64, usize> = BTreeMap::new();
            for p in contact::short_points(&mut conn, year, &on, due).await? {
                if let Some(&root) = path::ids(&p).first() {
                    *per_district.entry(root).or_default() += 1;
                }
            }
            let quarter = format!("{year}-Q{}", visits::quarter(today));
            for (root, n) in per_district {
                out.push(NewNotification {
                    org_id: root,
                    kind: "visits_short".into(),
                    dedupe_key: remind::key("visits_short", root, "", &quarter),
                    title: format!("{n} 个联系点今年走访不足 {due} 次"),
                    body: format!(
                        "每个联系点每年应走访 {EXPECTED_VISITS} 次，按季度计截至 {on} 应不少于 {due} 次。"
                    ),
                    link: "/contact-points".into(),
                });
            }
        }
        Ok(out)
    }
}
