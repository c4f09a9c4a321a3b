//! The reminder job and the bell: reminders are written once per key, so the job can run at
//! every start and every few minutes without repeating itself.

mod model;
pub use model::*;

use dangjian_domain::life::{self, PeriodType};
use dangjian_domain::org::OrgKind;
use dangjian_domain::remind::{self, ReminderPolicy};
use dangjian_domain::{date, path};
use dangjian_store::notification::{self, NewNotification};
use time::Date;

use crate::life::load_rules;
use crate::{Actor, App, ServiceResult};

mod policy;

/// An organization and the town above it (none when it is a town or above): who hears of
/// work behind at that organization.
pub(crate) fn and_its_town(org_id: i64, org_path: &str) -> Vec<i64> {
    let town = path::ids(org_path).get(1).copied().filter(|t| *t != org_id);
    std::iter::once(org_id).chain(town).collect()
}

impl App {
    /// Writes the reminders due on `today`; returns how many were new.
    pub async fn run_reminders(&self, today: Date) -> ServiceResult<usize> {
        let policy = ReminderPolicy::default();
        self.expire_transfers(today).await?;
        self.drop_stale_imports().await?;
        self.drop_stale_documents().await?;
        let month = life::month_key(today);
        // Read without the write lock; write in short batches below, so that logins and
        // recordings are not kept waiting behind a long run (a first run at a large scale
        // writes over a hundred thousand reminders).
        let mut tx = self.db.conn().await?;
        let rules = load_rules(&mut tx).await?;
        let kinds: Vec<&str> = OrgKind::ALL
            .iter()
            .filter(|k| k.holds_members())
            .map(|k| k.as_str())
            .collect();
        let branches = dangjian_store::org::in_subtree_all(&mut tx, "/", &kinds).await?;
        let held = dangjian_store::life::held_since(&mut tx, &month).await?;
        let mut due = Vec::new();
        for b in branches.iter().filter(|b| {
            b.closed_on.is_none() && date::parse(&b.opened_on).is_some_and(|d| d <= today)
        }) {
            for (kind, period, rule) in life::due_in(&rules, &b.kind, &month) {
                let (n, _) = held
                    .get(&(b.id, kind.as_str().to_string(), month.clone()))
                    .copied()
                    .unwrap_or((0, 0));
                if n < i64::from(rule.times) {
                    due.push((b, kind, period, rule));
                }
            }
        }
        // Named below the town, as the town's lists name it: "音观社区 / 第二党支部".
        let paths: Vec<&str> = due.iter().map(|(b, ..)| b.path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut tx, &paths).await?;
        let mut reminders = Vec::new();
        for ((b, kind, period, rule), place) in due.into_iter().zip(places) {
            // The period in the title, so that this month's reminder is not last month's.
            let when = period.label();
            // The branch's meetings, which every member reading the reminder may open; those
            // who record meetings find 记录会议 at its top.
            let link = format!("/meetings?org={}", b.id);
            if let Some(day) = rule.fixed_day
                && policy.before_fixed_day(today, day)
            {
                reminders.push(NewNotification {
                    org_id: b.id,
                    kind: "fixed_day".into(),
                    dedupe_key: remind::key("fixed_day", b.id, kind.as_str(), &month),
                    title: format!("{when}{}将于 {day} 日举行", kind.label()),
                    body: format!("{place}{when}的{}尚未记录，请按时组织。", kind.label()),
                    link: link.clone(),
                });
            }
            if policy.period_ending(today, &period) {
                reminders.push(NewNotification {
                    org_id: b.id,
                    kind: "period_end".into(),
                    dedupe_key: remind::key("period_end", b.id, kind.as_str(), &month),
                    title: format!("{when}{}尚未召开", kind.label()),
                    body: format!(
                        "{place}{when}应召开{}，截至 {} 尚未记录。",
                        kind.label(),
                        date::format(period.end)
                    ),
                    link,
                });
            }
        }
        // The town hears of a branch behind in each of the last months.
        let last = life::Period::containing(PeriodType::Month, today)
            .start
            .previous_day()
            .unwrap_or(today);
        let first = (1..policy.behind_months).fold(last, |d, _| {
            life::Period::containing(PeriodType::Month, d)
                .start
                .previous_day()
                .unwrap_or(d)
        });
        let months = life::months(&life::month_key(first), &life::month_key(last));
        let behind_all = notification::behind_in_all(&mut tx, &months).await?;
        // Named below the town that reads it: "音观社区 / 第二党支部".
        let paths: Vec<&str> = behind_all.iter().map(|b| b.path.as_str()).collect();
        let names = crate::orgs::places_below_towns(&mut tx, &paths).await?;
        for (behind, name) in behind_all.iter().zip(names) {
            let branch = behind.id;
            let Some(&town) = path::ids(&behind.path).get(1) else {
                continue;
            };
            if town == branch {
                continue;
            }
            reminders.push(NewNotification {
                org_id: town,
                kind: "behind".into(),
                dedupe_key: remind::key("behind", branch, "", &month),
                title: format!("{name}连续 {} 个月组织生活未落实", months.len()),
                body: format!(
                    "{name}在 {} 至 {} 有应开会议未召开，请督促整改。",
                    months.first().map_or("", |m| m),
                    months.last().map_or("", |m| m)
                ),
                link: format!("/life?org={branch}"),
            });
        }
        drop(tx);
        reminders.extend(self.lapse_reminders(&month).await?);
        reminders.extend(self.recruit_reminders(today).await?);
        reminders.extend(self.assessment_reminders(today).await?);
        reminders.extend(self.cadre_reminders(today).await?);
        let mut added = 0;
        for batch in reminders.chunks(notification::PER_BATCH) {
            let mut tx = self.db.begin_write().await?;
            added += notification::add_many(&mut tx, batch).await?;
            tx.commit()
                .await
                .map_err(dangjian_store::StoreError::from)?;
        }
        Ok(usize::try_from(added).unwrap_or(usize::MAX))
    }

    /// Letters whose validity ran out are marked expired, so that both sides see it.
    async fn expire_transfers(&self, today: Date) -> ServiceResult<()> {
        let mut tx = self.db.begin_write().await?;
        dangjian_store::transfer::expire_due(&mut tx, &date::format(today)).await?;
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }

    /// Members silent for months, flagged once a month to their branch and their town.
    async fn lapse_reminders(&self, month: &str) -> ServiceResult<Vec<NewNotification>> {
        let mut per_branch: std::collections::BTreeMap<i64, (String, String, usize, usize)> =
            Default::default();
        for line in self.lapses_under("/").await? {
            let e = per_branch
                .entry(line.row.org_id)
                .or_insert_with(|| (String::new(), line.row.org_path.clone(), 0, 0));
            e.2 += 1;
            e.3 += usize::from(line.lapsed);
        }
        // Named below the town: the branch and the town read the same reminder.
        let mut conn = self.db.conn().await?;
        let paths: Vec<String> = per_branch.values().map(|e| e.1.clone()).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let names = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        drop(conn);
        for (e, name) in per_branch.values_mut().zip(names) {
            e.0 = name;
        }
        let mut out = Vec::new();
        for (branch, (name, branch_path, silent, lapsed)) in per_branch {
            let title = format!("{name}有 {silent} 名党员长期未交党费、未参加组织生活");
            let body = format!(
                "其中 {lapsed} 名已连续 {} 个月以上，按规定可视为自行脱党，请及时谈话教育并按程序处置。",
                self.config.dues_rules.lapse_after
            );
            let link = format!("/dues/lapses?org={branch}");
            for to in and_its_town(branch, &branch_path) {
                out.push(NewNotification {
                    org_id: to,
                    kind: "lapse".into(),
                    dedupe_key: remind::key("lapse", to, &branch.to_string(), month),
                    title: title.clone(),
                    body: body.clone(),
                    link: link.clone(),
                });
            }
        }
        Ok(out)
    }

    /// The reminders addressed to the actor's scope org that the actor's role may read.
    pub async fn notifications(&self, actor: &Actor) -> ServiceResult<Vec<Notification>> {
        let (user, kinds) = policy::readable(actor)?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            notification::for_org(&mut conn, actor.scope_org_id, user, kinds, 100).await?,
        ))
    }

    pub async fn unread_notifications(&self, actor: &Actor) -> ServiceResult<i64> {
        let (user, kinds) = policy::readable(actor)?;
        let mut conn = self.db.conn().await?;
        Ok(notification::unread(&mut conn, actor.scope_org_id, user, kinds).await?)
    }

    pub async fn read_notifications(&self, actor: &Actor) -> ServiceResult<()> {
        let (user, kinds) = policy::readable(actor)?;
        let mut conn = self.db.conn().await?;
        Ok(notification::mark_all_read(&mut conn, actor.scope_org_id, user, kinds).await?)
    }
}
