//! The reminders of cadre work: a village's committee term coming to its end with no
//! election opened, sent to the village and its town once as it comes and once when it has
//! passed.

use dangjian_domain::{date, remind};
use dangjian_store::cadres::election;
use dangjian_store::notification::NewNotification;
use time::Date;

use crate::remind::and_its_town;
use crate::{App, ServiceResult};

impl App {
    pub(crate) async fn cadre_reminders(&self, today: Date) -> ServiceResult<Vec<NewNotification>> {
        let rules = self.cadre_rules().await?;
        let by = date::format(date::add_months(today, rules.term_reminder_months));
        let on = date::format(today);
        let mut conn = self.db.conn().await?;
        let ending = election::terms_ending(&mut conn, &by).await?;
        let paths: Vec<&str> = ending.iter().map(|t| t.org_path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        let mut out = Vec::new();
        for (t, place) in ending.iter().zip(places) {
            let passed = t.term_ends_on <= on;
            let (state, title, body) = if passed {
                (
                    "ended",
                    format!("{place}两委任期已于 {} 届满", t.term_ends_on),
                    format!("{place}村(社区)两委任期已届满，尚未启动换届，请及时组织换届选举。"),
                )
            } else {
                (
                    "coming",
                    format!("{place}两委任期将于 {} 届满", t.term_ends_on),
                    format!(
                        "{place}村(社区)两委任期将于 {} 届满，请提前筹备换届（人选摸排、县级联审）。",
                        t.term_ends_on
                    ),
                )
            };
            for to in and_its_town(t.org_id, &t.org_path) {
                out.push(NewNotification {
                    org_id: to,
                    kind: "term_ending".into(),
                    dedupe_key: remind::key(
                        "term_ending",
                        to,
                        &format!("{}-{state}", t.election_id),
                        "",
                    ),
                    title: title.clone(),
                    body: body.clone(),
                    link: format!("/cadres/villages/{}", t.org_id),
                });
            }
        }
        Ok(out)
    }
}
