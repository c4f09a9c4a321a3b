//! Last year's 民主评议党员 for every demo branch, decided: most members 合格, up to a
//! third 优秀, a few 基本合格 and, rarely, 不合格.

use crate::{ServiceResult, today};
use dangjian_domain::org::OrgKind;
use dangjian_domain::review::{ExcellentCap, Grade};
use dangjian_store::Conn;
use dangjian_store::life::review::{DecidedEntry, DecidedReview, insert_decided_bulk};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::life::BranchMembers;

/// Returns the number of members graded.
pub(crate) async fn generate(
    conn: &mut Conn,
    branches: &[BranchMembers<'_>],
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let year = i64::from(today().year() - 1);
    let decided_on = format!("{}-01-20", year + 1);
    let cap = ExcellentCap::default();
    let mut reviews: Vec<DecidedReview> = Vec::new();
    let mut entries: Vec<DecidedEntry> = Vec::new();
    let mut graded = 0;
    for (i, b) in branches.iter().enumerate() {
        if b.count == 0 || !OrgKind::parse(&b.org.kind).is_some_and(OrgKind::holds_members) {
            continue;
        }
        let id = i as i64 + 1;
        reviews.push((id, b.org.id, b.org.path.clone(), year, decided_on.clone()));
        let max_excellent = cap.max(b.count);
        let mut excellent = 0;
        for k in 0..b.count {
            let roll: f64 = rng.random();
            let grade = if roll < 0.18 && excellent < max_excellent {
                excellent += 1;
                Grade::Excellent
            } else if roll < 0.97 {
                Grade::Qualified
            } else if roll < 0.995 {
                Grade::BasicallyQualified
            } else {
                Grade::Unqualified
            };
            let score = match grade {
                Grade::Excellent => rng.random_range(90..=100),
                Grade::Qualified => rng.random_range(75..90),
                Grade::BasicallyQualified => rng.random_range(60..75),
                Grade::Unqualified => rng.random_range(30..60),
            };
            let votes = (b.count as f64 * f64::from(score) / 100.0).round() as i64;
            entries.push((
                id,
                b.first_member + k,
                i64::from(score),
                votes,
                grade.as_str(),
            ));
        }
        graded += b.count as usize;
        if entries.len() >= 20_000 {
            insert_decided_bulk(conn, &reviews, &entries).await?;
            reviews.clear();
            entries.clear();
        }
    }
    insert_decided_bulk(conn, &reviews, &entries).await?;
    Ok(graded)
}
