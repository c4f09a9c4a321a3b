//! Counts per org that cover its whole subtree, so that a dashboard reads a few dozen rows
//! instead of scanning the registry. Every write adds its deltas to the org and all its
//! ancestors in the same transaction; `rebuild` recomputes everything from the facts.

use std::collections::HashMap;

use dangjian_domain::cadres::stats::{HolderCounts, TermTotals, YOUNG_BELOW};
use dangjian_domain::path;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::cadres::committee::HolderRow;
use crate::cadres::election::{CLOSED, ELECTED, Kept, TermFigures, keep_figures};
use crate::sql::Sql;

pub const MEMBER_TOTAL: &str = "m.total";
pub const MEMBER_STATUS: &str = "m.status";
pub const MEMBER_GENDER: &str = "m.gender";
pub const MEMBER_EDUCATION: &str = "m.education";
pub const MEMBER_CATEGORY: &str = "m.category";
pub const MEMBER_BIRTH_YEAR: &str = "m.birth_year";
/// Year of confirmation as a full member: party age is counted from it.
pub const MEMBER_CONFIRM_YEAR: &str = "m.confirm_year";
pub const MEMBER_FLOWING: &str = "m.flowing";
/// By ethnic group, keyed by its name (汉族, 土家族 …), for the annual statistics.
pub const MEMBER_ETHNICITY: &str = "m.ethnicity";
/// Year of joining (the branch meeting that admitted the member), for the annual statistics.
pub const MEMBER_JOIN_YEAR: &str = "m.join_year";
/// Open nodes by kind, the node itself included.
pub const ORG_KIND: &str = "o.kind";
/// Open grassroots organizations by owner.
pub const ORG_OWNER: &str = "o.owner";

/// Raised whenever a metric is added, so that a database kept by an older version gets its
/// counters recomputed once on start.
pub const METRICS_VERSION: &str = "10";

/// Decided 民主评议 grades, keyed `YEAR:grade`.
pub const REVIEW_GRADE: &str = "r.grade";
/// Study meetings (党史学习教育) and the minutes credited to those present, keyed by the
/// month held (`YYYY-MM`).
pub const STUDY_SESSIONS: &str = "s.sessions";
pub const STUDY_MINUTES: &str = "s.minutes";
/// Members expected at meetings, and those present, keyed by the month held.
pub const ATTEND_EXPECTED: &str = "a.expected";
pub const ATTEND_PRESENT: &str = "a.present";
/// Households by their grid's org, those with a responsible member now, and by need.
pub const HOUSEHOLD_TOTAL: &str = "h.total";
pub const HOUSEHOLD_PAIRED: &str = "h.paired";
pub const HOUSEHOLD_NEED: &str = "h.need";
/// Deeds and their minutes by the member's branch, keyed by the month done.
pub const DEED_COUNT: &str = "d.count";
pub const DEED_MINUTES: &str = "d.minutes";

/// Confirmed volunteer service by the organizing organization, keyed by the month held:
/// person-times (sign-ups credited any minutes) and the minutes credited.
pub const VOLUNTEER_TIMES: &str = "v.times";
pub const VOLUNTEER_MINUTES: &str = "v.minutes";

/// Dues paid, keyed by the month paid for: the payments (one per member and month) and
/// their sum in fen, by the branch the member belonged to when paying.
pub const DUES_PAYERS: &str = "u.payers";
pub const DUES_PAID: &str = "u.paid_fen";

/// The committees (两委) of the villages and communities in post now: villages with anyone
/// in post and those 一肩挑, persons (once per village), those on both committees, women, by
/// education code and by birth date (`YYYY-MM-DD`, so that ages are exact on any day). A
/// write never works out their deltas: it recounts the village (`recount_committees`).
pub const COMMITTEE_VILLAGES: &str = "c.villages";
pub const COMMITTEE_ONE_SHOULDER: &str = "c.one_shoulder";
pub const COMMITTEE_PEOPLE: &str = "c.people";
pub const COMMITTEE_CROSS_POSTED: &str = "c.cross_posted";
pub const COMMITTEE_WOMEN: &str = "c.women";
pub const COMMITTEE_EDUCATION: &str = "c.education";
pub const COMMITTEE_BIRTH: &str = "c.birth";
const COMMITTEE_METRICS: [&str; 7] = [
    COMMITTEE_VILLAGES,
    COMMITTEE_ONE_SHOULDER,
    COMMITTEE_PEOPLE,
    COMMITTEE_CROSS_POSTED,
    COMMITTEE_WOMEN,
    COMMITTEE_EDUCATION,
    COMMITTEE_BIRTH,
];

/// The facts of one village's holders (none without anyone in post).
pub fn committee_facts(holders: &[HolderRow]) -> Vec<Fact> {
    let mut facts = Vec::new();
    if holders.is_empty() {
        return facts;
    }
    facts.push((COMMITTEE_VILLAGES, String::new()));
    if holders.iter().any(|h| h.one == 1) {
        facts.push((COMMITTEE_ONE_SHOULDER, String::new()));
    }
    for h in holders {
        facts.push((COMMITTEE_PEOPLE, String::new()));
        if h.bodies == 2 {
            facts.push((COMMITTEE_CROSS_POSTED, String::new()));
        }
        if h.gender == "female" {
            facts.push((COMMITTEE_WOMEN, String::new()));
        }
        facts.push((COMMITTEE_EDUCATION, h.education.clone()));
        facts.push((COMMITTEE_BIRTH, h.birth_date.clone()));
    }
    facts
}

/// The committee counters of one org or of each child of one: (org, metric, key, n).
async fn committee_counters(
    conn: &mut AnyConnection,
    orgs: Orgs,
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut sql = Sql::new("SELECT r.org_id, r.metric, r.key, r.n FROM rollup r");
    match orgs {
        Orgs::One(id) => sql.push(" WHERE r.org_id = ").int(id),
        Orgs::ChildrenOf(id) => sql
            .push(" JOIN org o ON o.id = r.org_id WHERE o.parent_id = ")
            .int(id),
    };
    sql.push(" AND r.n <> 0 AND r.metric");
    sql.texts_in(&COMMITTEE_METRICS);
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("metric")?,
                r.try_get("key")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// The committees in post below (and at) one org, as its counters keep them, ages on `on`:
/// the birth dates (tens of thousands at a city's level) are summed where they are kept.
pub async fn committee_counts(
    conn: &mut AnyConnection,
    org_id: i64,
    on: time::Date,
) -> Result<HolderCounts> {
    let mut c = HolderCounts::default();
    let mut sql = Sql::new("SELECT r.org_id, r.metric, r.key, r.n FROM rollup r WHERE r.org_id = ");
    sql.int(org_id).push(" AND r.n <> 0 AND r.metric");
    let counted: Vec<&str> = COMMITTEE_METRICS
        .into_iter()
        .filter(|m| *m != COMMITTEE_BIRTH)
        .collect();
    sql.texts_in(&counted);
    for r in sql.fetch_all(conn).await? {
        let n: i64 = r.try_get("n")?;
        match r.try_get::<String, _>("metric")?.as_str() {
            COMMITTEE_VILLAGES => c.villages += n,
            COMMITTEE_ONE_SHOULDER => c.one_shoulder += n,
            COMMITTEE_PEOPLE => c.people += n,
            COMMITTEE_CROSS_POSTED => c.cross_posted += n,
            COMMITTEE_WOMEN => c.women += n,
            COMMITTEE_EDUCATION => c.by_education.push((r.try_get("key")?, n)),
            _ => {}
        }
    }
    // Full years on `on`: the year's difference, one less before the birthday.
    let mut sql = Sql::new(&format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN a.age < {YOUNG_BELOW} THEN a.n ELSE 0 END), 0) AS BIGINT) \
         AS under_35, CAST(COALESCE(SUM(a.n * a.age), 0) AS BIGINT) AS age_sum FROM (SELECT n, "
    ));
    sql.int(i64::from(on.year()))
        .push(" - CAST(SUBSTR(key, 1, 4) AS INTEGER) - CASE WHEN SUBSTR(key, 6, 5) > ")
        .text(format!("{:02}-{:02}", on.month() as u8, on.day()))
        .push(" THEN 1 ELSE 0 END AS age FROM rollup WHERE org_id = ")
        .int(org_id)
        .push(" AND metric = ")
        .text(COMMITTEE_BIRTH)
        .push(" AND n <> 0) a");
    let r = sql.fetch_one(conn).await?;
    c.under_35 = r.try_get("under_35")?;
    c.age_sum = r.try_get("age_sum")?;
    Ok(c)
}

/// Recounts one org's own committee facts from its posts now (a village's; none for any
/// other org) and applies the difference to it and its ancestors. Its own part is its
/// counters less its children's, so an org that stopped being a village (closed, moved,
/// another owner) gives back what it held, and any other org changes nothing. Every write
/// of posts, of their holders' facts or of a village calls it in its transaction.
pub async fn recount_committees(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    let Some(org) = crate::org::get(conn, org_id).await? else {
        return Ok(());
    };
    let holders = crate::cadres::committee::holders(conn, Some(org_id)).await?;
    let mut diff: HashMap<(String, String), i64> = HashMap::new();
    for (metric, key) in committee_facts(&holders) {
        *diff.entry((metric.to_string(), key)).or_default() += 1;
    }
    for (_, metric, key, n) in committee_counters(conn, Orgs::One(org_id)).await? {
        *diff.entry((metric, key)).or_default() -= n;
    }
    for (_, metric, key, n) in committee_counters(conn, Orgs::ChildrenOf(org_id)).await? {
        *diff.entry((metric, key)).or_default() += n;
    }
    let mut rows = Vec::new();
    for id in path::ids(&org.path) {
        for ((metric, key), n) in &diff {
            rows.push((id, metric.clone(), key.clone(), *n));
        }
    }
    upsert(conn, &rows).await
}

/// Recounts the committee facts of every org below `root_path` that is a village now or
/// held committee counters before: after a move that changed the subtree's depths.
pub async fn recount_committees_below(conn: &mut AnyConnection, root_path: &str) -> Result<()> {
    let mut sql = Sql::new(
        "SELECT o.id FROM org o WHERE (o.depth = 3 OR EXISTS (SELECT 1 FROM rollup r WHERE r.org_id = o.id AND r.metric = ",
    );
    sql.text(COMMITTEE_VILLAGES).push(" AND r.n <> 0))");
    sql.within("o.path", root_path);
    for id in sql.fetch_ints(conn).await? {
        recount_committees(conn, id).await?;
    }
    Ok(())
}

/// Recounts every village's committee facts and its elections' (keeping the figures of
/// those without): after a load that wrote posts and elections (the demo).
pub async fn rebuild_committees(conn: &mut AnyConnection) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM rollup WHERE metric");
    let metrics: Vec<&str> = COMMITTEE_METRICS
        .into_iter()
        .chain(ELECTION_METRICS)
        .collect();
    sql.texts_in(&metrics);
    sql.execute(conn).await?;
    committee_totals(conn).await?.write(conn).await?;
    election_totals(conn).await?.write(conn).await
}

async fn committee_totals(conn: &mut AnyConnection) -> Result<Totals> {
    let mut t = Totals::default();
    let holders = crate::cadres::committee::holders(conn, None).await?;
    for village in holders.chunk_by(|a, b| a.org_id == b.org_id) {
        for (metric, key) in committee_facts(village) {
            t.add(&village[0].org_path, metric, key, 1);
        }
    }
    Ok(t)
}

/// Elections (换届) by their village: those finished, keyed by the year finished, and the
/// figures each kept when it finished (`election_figures`), keyed `YEAR:elected` for the
/// committees it elected and `YEAR:closed` for those it closed. Written once per election,
/// like the figures.
pub const ELECTION_FINISHED: &str = "e.finished";
pub const ELECTION_LOCAL_TALENT: &str = "e.local_talent";
pub const ELECTION_VILLAGES: &str = "e.villages";
pub const ELECTION_ONE_SHOULDER: &str = "e.one_shoulder";
pub const ELECTION_CROSS_POSTED: &str = "e.cross_posted";
pub const ELECTION_PEOPLE: &str = "e.people";
pub const ELECTION_WOMEN: &str = "e.women";
pub const ELECTION_HIGH_SCHOOL: &str = "e.high_school";
pub const ELECTION_COLLEGE: &str = "e.college";
pub const ELECTION_BACHELOR: &str = "e.bachelor";
pub const ELECTION_UNDER_35: &str = "e.under_35";
pub const ELECTION_AGE_SUM: &str = "e.age_sum";
const ELECTION_METRICS: [&str; 12] = [
    ELECTION_FINISHED,
    ELECTION_LOCAL_TALENT,
    ELECTION_VILLAGES,
    ELECTION_ONE_SHOULDER,
    ELECTION_CROSS_POSTED,
    ELECTION_PEOPLE,
    ELECTION_WOMEN,
    ELECTION_HIGH_SCHOOL,
    ELECTION_COLLEGE,
    ELECTION_BACHELOR,
    ELECTION_UNDER_35,
    ELECTION_AGE_SUM,
];

/// The counters of one kept term of an election finished in `year`: (metric, key, n).
fn election_facts(year: i64, t: &TermFigures) -> Vec<(&'static str, String, i64)> {
    let f = &t.figures;
    let key = format!("{year}:{}", t.term);
    let mut facts: Vec<(&'static str, String, i64)> = [
        (ELECTION_VILLAGES, 1),
        (ELECTION_ONE_SHOULDER, i64::from(f.one_shoulder)),
        (ELECTION_CROSS_POSTED, f.cross_posted),
        (ELECTION_PEOPLE, f.people),
        (ELECTION_WOMEN, f.women),
        (ELECTION_HIGH_SCHOOL, f.high_school_plus),
        (ELECTION_COLLEGE, f.college_plus),
        (ELECTION_BACHELOR, f.bachelor_plus),
        (ELECTION_UNDER_35, f.under_35),
        (ELECTION_AGE_SUM, f.age_sum),
    ]
    .into_iter()
    .map(|(m, n)| (m, key.clone(), n))
    .collect();
    if t.local_talent_secretaries > 0 {
        facts.push((
            ELECTION_LOCAL_TALENT,
            year.to_string(),
            t.local_talent_secretaries,
        ));
    }
    facts
}

/// Counts an election that has just finished, in `year`, with the figures it kept.
pub async fn count_election(
    conn: &mut AnyConnection,
    village_path: &str,
    year: i64,
    kept: &[TermFigures],
) -> Result<()> {
    let mut facts = vec![(ELECTION_FINISHED, year.to_string(), 1)];
    for t in kept {
        facts.extend(election_facts(year, t));
    }
    let mut rows = Vec::new();
    for id in path::ids(village_path) {
        for (metric, key, n) in &facts {
            rows.push((id, metric.to_string(), key.clone(), *n));
        }
    }
    upsert(conn, &rows).await
}

/// What a level's counters hold of a year's elections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ElectionCounts {
    pub finished: i64,
    pub local_talent_secretaries: i64,
    pub elected: TermTotals,
    pub closed: TermTotals,
}

/// The counters of a year's elections of one org or of each child of one, by org.
pub async fn election_counts(
    conn: &mut AnyConnection,
    orgs: Orgs,
    year: i64,
) -> Result<HashMap<i64, ElectionCounts>> {
    let (from, to) = (year.to_string(), format!("{year}:~"));
    let mut out: HashMap<i64, ElectionCounts> = HashMap::new();
    for (org, metric, key, n) in for_orgs(conn, orgs, &ELECTION_METRICS, (&from, &to), 0).await? {
        let c = out.entry(org).or_default();
        let term = match key.strip_prefix(&format!("{year}:")) {
            Some(ELECTED) => &mut c.elected,
            Some(CLOSED) => &mut c.closed,
            _ => {
                match metric.as_str() {
                    ELECTION_FINISHED => c.finished += n,
                    ELECTION_LOCAL_TALENT => c.local_talent_secretaries += n,
                    _ => {}
                }
                continue;
            }
        };
        let figure = match metric.as_str() {
            ELECTION_VILLAGES => &mut term.villages,
            ELECTION_ONE_SHOULDER => &mut term.one_shoulder,
            ELECTION_CROSS_POSTED => &mut term.cross_posted,
            ELECTION_PEOPLE => &mut term.people,
            ELECTION_WOMEN => &mut term.women,
            ELECTION_HIGH_SCHOOL => &mut term.high_school_plus,
            ELECTION_COLLEGE => &mut term.college_plus,
            ELECTION_BACHELOR => &mut term.bachelor_plus,
            ELECTION_UNDER_35 => &mut term.under_35,
            ELECTION_AGE_SUM => &mut term.age_sum,
            _ => continue,
        };
        *figure += n;
    }
    Ok(out)
}

/// The year of the latest election finished below (and at) one org.
pub async fn latest_election_year(conn: &mut AnyConnection, org_id: i64) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT MAX(key) AS y FROM rollup WHERE org_id = ");
    sql.int(org_id)
        .push(" AND n > 0 AND metric = ")
        .text(ELECTION_FINISHED);
    let y: Option<String> = sql.fetch_one(conn).await?.try_get("y")?;
    Ok(y.and_then(|y| y.parse().ok()))
}

/// Keeps the figures of finished elections that have none (a load's), then counts every
/// finished election from the kept figures.
async fn election_totals(conn: &mut AnyConnection) -> Result<Totals> {
    keep_figures(conn, Kept::Missing).await?;
    let mut t = Totals::default();
    for (p, year, n) in crate::cadres::election::finished_by_path(conn).await? {
        t.add(&p, ELECTION_FINISHED, year.to_string(), n);
    }
    for (p, year, kept) in crate::cadres::election::all_figures(conn).await? {
        for (metric, key, n) in election_facts(year, &kept) {
            t.add(&p, metric, key, n);
        }
    }
    Ok(t)
}

/// Requests by their community: by current state (all time), and keyed by the month
/// submitted: how many, how many answered (accepted or rejected) and resolved, how many of
/// those within their limit, and their durations in buckets (`YYYY-MM:NN`) for medians.
pub const REQUEST_STATE: &str = "q.state";
pub const REQUEST_COUNT: &str = "q.count";
pub const REQUEST_ANSWERED: &str = "q.answered";
pub const REQUEST_ANSWERED_ON_TIME: &str = "q.answered_ontime";
pub const REQUEST_ANSWER_HOURS: &str = "q.answer_h";
pub const REQUEST_RESOLVED: &str = "q.resolved";
pub const REQUEST_RESOLVED_ON_TIME: &str = "q.resolved_ontime";
pub const REQUEST_RESOLVE_HOURS: &str = "q.resolve_h";

/// The facts of one request, from its row.
pub fn request_facts(r: &crate::request::FactRow) -> Vec<Fact> {
    use dangjian_domain::request::duration_bucket;
    let month = dangjian_domain::date::month_of_ms(r.submitted_at);
    let bucket = |ms: i64| format!("{month}:{:02}", duration_bucket(ms));
    let mut facts = vec![
        (REQUEST_STATE, r.state.clone()),
        (REQUEST_COUNT, month.clone()),
    ];
    if let Some(at) = r.answered_at {
        facts.push((REQUEST_ANSWERED, month.clone()));
        if at <= r.accept_due_at {
            facts.push((REQUEST_ANSWERED_ON_TIME, month.clone()));
        }
        facts.push((REQUEST_ANSWER_HOURS, bucket(at - r.submitted_at)));
    }
    if let Some(at) = r.resolved_at {
        facts.push((REQUEST_RESOLVED, month.clone()));
        if r.resolve_due_at.is_some_and(|due| at <= due) {
            facts.push((REQUEST_RESOLVED_ON_TIME, month.clone()));
        }
        facts.push((REQUEST_RESOLVE_HOURS, bucket(at - r.submitted_at)));
    }
    facts
}

/// The facts of one household (needs as stored, comma-separated).
pub fn household_facts(needs: &str, paired: bool) -> Vec<Fact> {
    let mut facts = vec![(HOUSEHOLD_TOTAL, String::new())];
    if paired {
        facts.push((HOUSEHOLD_PAIRED, String::new()));
    }
    facts.extend(
        needs
            .split(',')
            .filter(|n| !n.is_empty())
            .map(|n| (HOUSEHOLD_NEED, n.to_string())),
    );
    facts
}

pub fn grade_key(year: i64, grade: &str) -> String {
    format!("{year}:{grade}")
}

/// The facts of one member that the rollup counts.
pub struct MemberFacts<'a> {
    pub status: &'a str,
    pub gender: &'a str,
    pub ethnicity: &'a str,
    pub education: &'a str,
    pub category: &'a str,
    pub birth_date: &'a str,
    pub join_date: &'a str,
    pub confirm_date: Option<&'a str>,
    pub flowing: bool,
}

pub type Fact = (&'static str, String);

fn year(date: &str) -> String {
    date.get(..4).unwrap_or_default().to_string()
}

pub fn member_facts(m: &MemberFacts<'_>) -> Vec<Fact> {
    let mut facts = vec![
        (MEMBER_TOTAL, String::new()),
        (MEMBER_STATUS, m.status.to_string()),
        (MEMBER_GENDER, m.gender.to_string()),
        (MEMBER_EDUCATION, m.education.to_string()),
        (MEMBER_CATEGORY, m.category.to_string()),
        (MEMBER_BIRTH_YEAR, year(m.birth_date)),
        (MEMBER_ETHNICITY, m.ethnicity.to_string()),
        (MEMBER_JOIN_YEAR, year(m.join_date)),
    ];
    if let Some(c) = m.confirm_date {
        facts.push((MEMBER_CONFIRM_YEAR, year(c)));
    }
    if m.flowing {
        facts.push((MEMBER_FLOWING, "1".into()));
    }
    facts
}

pub fn org_facts(kind: &str, owner: &str, grassroots: bool) -> Vec<Fact> {
    let mut facts = vec![(ORG_KIND, kind.to_string())];
    if grassroots {
        facts.push((ORG_OWNER, owner.to_string()));
    }
    facts
}

/// Adds `delta` of every fact to every org of `path` (the node and its ancestors).
pub async fn apply(
    conn: &mut AnyConnection,
    node_path: &str,
    facts: &[Fact],
    delta: i64,
) -> Result<()> {
    let ids = path::ids(node_path);
    let mut rows = Vec::with_capacity(ids.len() * facts.len());
    for id in ids {
        for (metric, key) in facts {
            rows.push((id, metric.to_string(), key.clone(), delta));
        }
    }
    upsert(conn, &rows).await
}

/// Adds one for each fact of many new nodes (an import): counted per path first, so that the
/// ancestors are written once per counter rather than once per member.
pub async fn apply_many<'a>(
    conn: &mut AnyConnection,
    items: impl Iterator<Item = (&'a str, Vec<Fact>)>,
) -> Result<()> {
    let mut per_path: HashMap<(&'a str, &'static str, String), i64> = HashMap::new();
    for (node_path, facts) in items {
        for (metric, key) in facts {
            *per_path.entry((node_path, metric, key)).or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    for ((node_path, metric, key), n) in per_path {
        for id in path::ids(node_path) {
            rows.push((id, metric.to_string(), key.clone(), n));
        }
    }
    upsert(conn, &rows).await
}

/// Adds a different delta to each counter of one key, for `node_path` and its ancestors.
pub async fn apply_deltas(
    conn: &mut AnyConnection,
    node_path: &str,
    key: &str,
    deltas: &[(&'static str, i64)],
) -> Result<()> {
    let mut rows = Vec::new();
    for id in path::ids(node_path) {
        for (metric, n) in deltas {
            rows.push((id, metric.to_string(), key.to_string(), *n));
        }
    }
    upsert(conn, &rows).await
}

/// Applies the difference between two fact lists (an edit), skipping what did not change.
pub async fn apply_change(
    conn: &mut AnyConnection,
    old_path: &str,
    old: &[Fact],
    new_path: &str,
    new: &[Fact],
) -> Result<()> {
    if old_path == new_path {
        let removed: Vec<Fact> = old.iter().filter(|f| !new.contains(f)).cloned().collect();
        let added: Vec<Fact> = new.iter().filter(|f| !old.contains(f)).cloned().collect();
        apply(conn, old_path, &removed, -1).await?;
        apply(conn, new_path, &added, 1).await
    } else {
        apply(conn, old_path, old, -1).await?;
        apply(conn, new_path, new, 1).await
    }
}

/// Adds the deltas; equal keys are merged first, since PostgreSQL refuses to update one row
/// twice in a single statement.
/// Adds to the counters; a counter not kept yet starts at zero.
const ROLLUP: Insert = Insert {
    table: "rollup",
    columns: &[
        ("org_id", Ty::Int),
        ("metric", Ty::Text),
        ("key", Ty::Text),
        ("n", Ty::Int),
    ],
    suffix: "ON CONFLICT (org_id, metric, key) DO UPDATE SET n = rollup.n + excluded.n",
};

async fn upsert(conn: &mut AnyConnection, rows: &[(i64, String, String, i64)]) -> Result<()> {
    let mut merged: HashMap<(i64, &str, &str), i64> = HashMap::new();
    for (id, metric, key, n) in rows {
        *merged
            .entry((*id, metric.as_str(), key.as_str()))
            .or_default() += n;
    }
    let mut rows: Vec<_> = merged.into_iter().filter(|(_, n)| *n != 0).collect();
    rows.sort();
    ROLLUP
        .rows(
            conn,
            rows.iter().map(|((id, metric, key), n)| -> [Val<'_>; 4] {
                [(*id).into(), (*metric).into(), (*key).into(), (*n).into()]
            }),
        )
        .await?;
    Ok(())
}

/// Moves a subtree's totals from its old ancestors to its new ones. The subtree's own rows
/// (and those of its descendants) describe themselves and stay as they are.
pub async fn move_subtree(
    conn: &mut AnyConnection,
    node_id: i64,
    old_path: &str,
    new_path: &str,
) -> Result<()> {
    let own = for_org(conn, node_id).await?;
    let mut rows = Vec::new();
    for (id, sign) in path::moved_ancestors(old_path, new_path) {
        rows.extend(
            own.iter()
                .map(|(m, k, n)| (id, m.clone(), k.clone(), sign * n)),
        );
    }
    upsert(conn, &rows).await
}

/// All counters of one org: (metric, key, n).
pub async fn for_org(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(String, String, i64)>> {
    let rs = sqlx::query("SELECT metric, key, n FROM rollup WHERE org_id = $1 AND n <> 0")
        .bind(org_id)
        .fetch_all(conn)
        .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("metric")?, r.try_get("key")?, r.try_get("n")?)))
        .collect()
}

/// The sums of some metrics of one org over a range of keys: metric → n.
pub async fn sum_range(
    conn: &mut AnyConnection,
    org_id: i64,
    metrics: &[&str],
    from_key: &str,
    to_key: &str,
) -> Result<HashMap<String, i64>> {
    let mut sql =
        Sql::new("SELECT metric, CAST(SUM(n) AS BIGINT) AS n FROM rollup WHERE org_id = ");
    sql.int(org_id).push(" AND metric IN (");
    for (i, m) in metrics.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(*m);
    }
    sql.push(") AND key >= ")
        .text(from_key)
        .push(" AND key <= ")
        .text(to_key)
        .push(" GROUP BY metric");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("metric")?, r.try_get("n")?)))
        .collect()
}

/// The counters of one metric of one org for the given keys: (key, n).
pub async fn for_keys(
    conn: &mut AnyConnection,
    org_id: i64,
    metric: &str,
    keys: &[String],
) -> Result<Vec<(String, i64)>> {
    let mut sql = Sql::new("SELECT key, n FROM rollup WHERE org_id = ");
    sql.int(org_id)
        .push(" AND metric = ")
        .text(metric)
        .push(" AND key IN (");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(k.clone());
    }
    sql.push(")");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| Ok((r.try_get("key")?, r.try_get("n")?)))
        .collect()
}

/// The sums of some metrics of each child of `parent_id` over a range of keys:
/// (child id, metric) → n.
pub async fn sum_range_children(
    conn: &mut AnyConnection,
    parent_id: i64,
    metrics: &[&str],
    from_key: &str,
    to_key: &str,
) -> Result<HashMap<(i64, String), i64>> {
    let mut sql = Sql::new(
        "SELECT r.org_id, r.metric, CAST(SUM(r.n) AS BIGINT) AS n FROM org o JOIN rollup r ON r.org_id = o.id \
         WHERE o.parent_id = ",
    );
    sql.int(parent_id).push(" AND r.metric IN (");
    for (i, m) in metrics.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(*m);
    }
    sql.push(") AND r.key >= ")
        .text(from_key)
        .push(" AND r.key <= ")
        .text(to_key)
        .push(" GROUP BY r.org_id, r.metric");
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                (r.try_get("org_id")?, r.try_get("metric")?),
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// One counter for each child of `parent_id`: (child id, key, n) for the given metric.
pub async fn for_children(
    conn: &mut AnyConnection,
    parent_id: i64,
    metric: &str,
) -> Result<Vec<(i64, String, i64)>> {
    let rs = sqlx::query(
        "SELECT r.org_id, r.key, r.n FROM org o JOIN rollup r ON r.org_id = o.id WHERE o.parent_id = $1 AND r.metric = $2",
    )
    .bind(parent_id)
    .bind(metric)
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| Ok((r.try_get("org_id")?, r.try_get("key")?, r.try_get("n")?)))
        .collect()
}

/// Every counter of some metrics for each child of `parent_id`: (child id, metric, key, n).
pub async fn for_children_of(
    conn: &mut AnyConnection,
    parent_id: i64,
    metrics: &[&str],
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut sql = Sql::new(
        "SELECT r.org_id, r.metric, r.key, r.n FROM org o JOIN rollup r ON r.org_id = o.id WHERE o.parent_id = ",
    );
    sql.int(parent_id).push(" AND r.metric");
    sql.texts_in(metrics);
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("metric")?,
                r.try_get("key")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

pub async fn get(conn: &mut AnyConnection, org_id: i64, metric: &str, key: &str) -> Result<i64> {
    let r = sqlx::query("SELECT n FROM rollup WHERE org_id = $1 AND metric = $2 AND key = $3")
        .bind(org_id)
        .bind(metric)
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(match r {
        Some(r) => r.try_get("n")?,
        None => 0,
    })
}

/// Counters summed up the tree in memory for one source of facts, then written in key
/// order (an append to the table's primary key rather than a page read per row). Holding
/// one source at a time keeps the memory to the largest source: at provincial scale all
/// counters together are 11 million.
#[derive(Default)]
struct Totals(HashMap<(i64, &'static str, String), i64>);

impl Totals {
    fn add(&mut self, node_path: &str, metric: &'static str, key: String, n: i64) {
        for id in path::ids(node_path) {
            *self.0.entry((id, metric, key.clone())).or_default() += n;
        }
    }

    async fn write(self, conn: &mut AnyConnection) -> Result<()> {
        let mut rows: Vec<_> = self.0.into_iter().filter(|(_, n)| *n != 0).collect();
        rows.sort_unstable();
        ROLLUP
            .rows(
                conn,
                rows.iter().map(|((id, metric, key), n)| -> [Val<'_>; 4] {
                    [
                        (*id).into(),
                        (*metric).into(),
                        key.as_str().into(),
                        (*n).into(),
                    ]
                }),
            )
            .await?;
        Ok(())
    }
}

/// Recomputes every counter from the registry: direct counts per org from the database,
/// summed up the tree in memory one source at a time.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("DELETE FROM rollup")
        .execute(&mut *conn)
        .await?;
    let member_dims: [(&'static str, Option<&str>); 10] = [
        (MEMBER_TOTAL, None),
        (MEMBER_STATUS, Some("status")),
        (MEMBER_GENDER, Some("gender")),
        (MEMBER_EDUCATION, Some("education")),
        (MEMBER_CATEGORY, Some("category")),
        (MEMBER_BIRTH_YEAR, Some("substr(birth_date, 1, 4)")),
        (MEMBER_CONFIRM_YEAR, Some("substr(confirm_date, 1, 4)")),
        (MEMBER_ETHNICITY, Some("ethnicity")),
        (MEMBER_JOIN_YEAR, Some("substr(join_date, 1, 4)")),
        (MEMBER_FLOWING, Some("CASE WHEN flowing = 1 THEN '1' END")),
    ];
    for (metric, expr) in member_dims {
        let mut t = Totals::default();
        for (p, key, n) in crate::member::counts_by(conn, expr).await? {
            if let Some(key) = key {
                t.add(&p, metric, key, n);
            }
        }
        t.write(conn).await?;
    }
    let mut t = Totals::default();
    for (p, kind, owner) in crate::org::all_open(conn).await? {
        let grassroots =
            dangjian_domain::org::OrgKind::parse(&kind).is_some_and(|k| k.is_grassroots());
        for (metric, key) in org_facts(&kind, &owner, grassroots) {
            t.add(&p, metric, key, 1);
        }
    }
    for (p, year, grade, n) in crate::life::review::grades_by_path(conn).await? {
        t.add(&p, REVIEW_GRADE, grade_key(year, &grade), n);
    }
    t.write(conn).await?;
    let months = crate::life::month_counts_by_path(conn).await?;
    for (metric, figure) in [
        (STUDY_SESSIONS, 0),
        (STUDY_MINUTES, 1),
        (ATTEND_EXPECTED, 2),
        (ATTEND_PRESENT, 3),
    ] {
        let mut t = Totals::default();
        for c in &months {
            let n = [c.study_sessions, c.study_minutes, c.expected, c.present][figure];
            t.add(&c.org_path, metric, c.month.clone(), n);
        }
        t.write(conn).await?;
    }
    drop(months);
    let mut t = Totals::default();
    for (p, needs, n, paired) in crate::masses::household_counts(conn).await? {
        for (metric, key) in household_facts(&needs, false) {
            t.add(&p, metric, key, n);
        }
        t.add(&p, HOUSEHOLD_PAIRED, String::new(), paired);
    }
    for (p, month, n, minutes) in crate::masses::deed_counts(conn).await? {
        t.add(&p, DEED_COUNT, month.clone(), n);
        t.add(&p, DEED_MINUTES, month, minutes);
    }
    for (p, month, n, minutes) in crate::volunteers::service_counts(conn).await? {
        t.add(&p, VOLUNTEER_TIMES, month.clone(), n);
        t.add(&p, VOLUNTEER_MINUTES, month, minutes);
    }
    t.write(conn).await?;
    committee_totals(conn).await?.write(conn).await?;
    election_totals(conn).await?.write(conn).await?;
    let mut t = Totals::default();
    for (p, month, payers, paid) in crate::dues::paid_counts(conn).await? {
        t.add(&p, DUES_PAYERS, month.clone(), payers);
        t.add(&p, DUES_PAID, month, paid);
    }
    t.write(conn).await?;
    let mut t = Totals::default();
    for r in crate::request::all_facts(conn).await? {
        for (metric, key) in request_facts(&r) {
            t.add(&r.community_path, metric, key, 1);
        }
    }
    t.write(conn).await
}

/// Every counter, for comparing an incrementally kept rollup with a rebuilt one.
pub async fn snapshot(conn: &mut AnyConnection) -> Result<Vec<(i64, String, String, i64)>> {
    let rs = sqlx::query(
        "SELECT org_id, metric, key, n FROM rollup WHERE n <> 0 ORDER BY org_id, metric, key",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("metric")?,
                r.try_get("key")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// Whose counters to read: one org, or every child of one (a town may have thousands).
#[derive(Debug, Clone, Copy)]
pub enum Orgs {
    One(i64),
    ChildrenOf(i64),
}

/// The counters of some metrics over a range of keys, summed over the first `skip`
/// characters of the key (`skip` 8 sums `YYYY-MM:NN` over the months, by `NN`):
/// (org, metric, rest of the key, n).
pub async fn for_orgs(
    conn: &mut AnyConnection,
    orgs: Orgs,
    metrics: &[&str],
    (from_key, to_key): (&str, &str),
    skip: usize,
) -> Result<Vec<(i64, String, String, i64)>> {
    let tail = format!("substr(r.key, {})", skip + 1);
    let mut sql = Sql::new(&format!(
        "SELECT r.org_id, r.metric, {tail} AS key, CAST(SUM(r.n) AS BIGINT) AS n FROM rollup r"
    ));
    match orgs {
        Orgs::One(id) => sql.push(" WHERE r.org_id = ").int(id),
        Orgs::ChildrenOf(id) => sql
            .push(" JOIN org o ON o.id = r.org_id WHERE o.parent_id = ")
            .int(id),
    };
    sql.push(" AND r.metric IN (");
    for (i, m) in metrics.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(*m);
    }
    sql.push(") AND r.key >= ")
        .text(from_key)
        .push(" AND r.key <= ")
        .text(to_key)
        .push(&format!(" GROUP BY r.org_id, r.metric, {tail}"));
    let rs = sql.fetch_all(conn).await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("org_id")?,
                r.try_get("metric")?,
                r.try_get("key")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}
