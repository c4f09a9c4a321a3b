//! A 三评 in progress: the district's evaluation of this year, answered in two streets by
//! households (through their communities), peers and branches, with the results of a few
//! communities published and the members households rated poorly flagged to their branch.

use std::collections::HashMap;

use crate::{ServiceResult, today};
use dangjian_domain::evaluation::{self as domain, DEFAULT_QUESTIONS, EvaluationRules, Rater};
use dangjian_domain::{date, path};
use dangjian_store::masses::evaluation::{self as store, NewPeriod, NewResponse};
use dangjian_store::notification::{self, NewNotification};
use dangjian_store::{Conn, masses};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::life::BranchMembers;
use super::tree::Tree;

pub struct Counts {
    pub responses: usize,
    pub published: usize,
}

/// Answers for one form: most members do well, one in fifty is seen poorly by households.
fn answers(rng: &mut ChaCha8Rng, poor: bool) -> Vec<i64> {
    (0..DEFAULT_QUESTIONS.len())
        .map(|_| {
            if poor {
                rng.random_range(1..=3)
            } else {
                [5, 5, 5, 4, 4, 3][rng.random_range(0..6)]
            }
        })
        .collect()
}

pub(crate) async fn generate(
    conn: &mut Conn,
    t: &Tree,
    branches: &[BranchMembers<'_>],
    rng: &mut ChaCha8Rng,
) -> ServiceResult<Counts> {
    let root = &t.orgs[0];
    let today = today();
    let starts = date::format(today - time::Duration::days(20));
    let ends = date::format(today + time::Duration::days(35));
    let questions: Vec<String> = DEFAULT_QUESTIONS.iter().map(|q| q.to_string()).collect();
    let period = store::insert_period(
        conn,
        &NewPeriod {
            org_id: root.id,
            org_path: &root.path,
            name: &format!("{} 年度党员三评", today.year()),
            starts_on: &starts,
            ends_on: &ends,
            questions: &questions,
            created_by: None,
        },
    )
    .await?;
    // The street of the demo's community accounts, and the first street.
    let mut towns: Vec<&str> = t
        .baitao_community
        .and_then(|c| t.orgs[c].parent_id)
        .and_then(|p| t.orgs.iter().find(|o| o.id == p))
        .map(|o| vec![o.path.as_str()])
        .unwrap_or_default();
    if let Some(&first) = t.towns.first()
        && !towns.contains(&t.orgs[first].path.as_str())
    {
        towns.push(&t.orgs[first].path);
    }
    let branch_of: HashMap<i64, &BranchMembers<'_>> =
        branches.iter().map(|b| (b.org.id, b)).collect();
    let rules = EvaluationRules::default();
    let mut rows: Vec<(i64, String, &'static str, String, Vec<i64>)> = Vec::new();
    let mut poor_members = Vec::new();
    for town in &towns {
        let pairings = masses::current_pairings_under(conn, town).await?;
        let mut by_member: Vec<(i64, i64, String, Vec<i64>)> = Vec::new();
        for (member, household, branch, branch_path) in pairings {
            match by_member.last_mut() {
                Some(last) if last.0 == member => last.3.push(household),
                _ => by_member.push((member, branch, branch_path, vec![household])),
            }
        }
        for (member, branch, branch_path, households) in by_member {
            let poor = rng.random_bool(0.02);
            let (mut total, mut n) = (0, 0);
            for h in households.iter().take(3) {
                let a = answers(rng, poor);
                total += a.iter().sum::<i64>();
                n += 1;
                rows.push((
                    member,
                    branch_path.clone(),
                    Rater::Household.as_str(),
                    format!("household:{h}"),
                    a,
                ));
            }
            if domain::poorly_rated(
                &rules,
                domain::average_x100(total, n * questions.len() as i64),
                n,
            ) {
                poor_members.push((member, branch));
            }
            if let Some(b) = branch_of.get(&branch).filter(|b| b.count > 1) {
                let mut peer = b.first_member + rng.random_range(0..b.count);
                if peer == member {
                    peer = b.first_member + (peer - b.first_member + 1) % b.count;
                }
                rows.push((
                    member,
                    branch_path.clone(),
                    Rater::Peer.as_str(),
                    format!("member:{peer}"),
                    answers(rng, false),
                ));
            }
            rows.push((
                member,
                branch_path,
                Rater::Organization.as_str(),
                format!("org:{branch}"),
                answers(rng, false),
            ));
        }
    }
    let responses: Vec<NewResponse<'_>> = rows
        .iter()
        .map(|(member, member_path, rater, key, a)| NewResponse {
            period_id: period,
            member_id: *member,
            member_path,
            rater,
            rater_key: key.clone(),
            answers: a,
            comment: "",
            recorded_by: None,
        })
        .collect();
    store::insert_responses_bulk(conn, &responses).await?;
    let flags: Vec<NewNotification> = poor_members
        .iter()
        .map(|(member, branch)| NewNotification {
            org_id: *branch,
            kind: "evaluation_poor".into(),
            dedupe_key: format!("evaluation_poor:{period}:{member}"),
            title: "党员群众评价偏低".into(),
            body: "联系户群众对这名党员的评价偏低，请支部了解情况、帮助改进。".into(),
            link: format!("/evaluations/{period}?org={branch}"),
        })
        .collect();
    for chunk in flags.chunks(notification::PER_BATCH) {
        notification::add_many(conn, chunk).await?;
    }
    // The first five communities of the first street publish (一公开).
    let first_town = towns.first().and_then(|p| path::ids(p).last().copied());
    let mut published = 0;
    for o in t
        .orgs
        .iter()
        .filter(|o| o.owner == "community" && o.parent_id.is_some() && o.parent_id == first_town)
        .take(5)
    {
        store::publish(conn, period, o.id, &o.path, None).await?;
        published += 1;
    }
    Ok(Counts {
        responses: rows.len(),
        published,
    })
}
