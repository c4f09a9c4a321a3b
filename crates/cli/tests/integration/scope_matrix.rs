//! The scope matrix, generated from the router's own table: every route that takes an id or
//! an org is called by five accounts from elsewhere (another town's admin, the admin of a
//! sibling village, the secretary of a sibling branch, a member of that branch, the auditor)
//! with objects of one branch, its community and its town. Reads must answer 404 or 403;
//! writes too, or a refusal of the input, and nothing may be written (the audit log, which
//! every write and every unmasking appends to, does not grow). No answer may carry the
//! foreign branch's member names. A route the matrix does not know fails the test, so a new
//! route cannot be added without its scope case.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{Api, Browser, TestApp};
use crate::on_both;

/// How a route is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// It lists what lies in the actor's own scope whatever `?org=` says: it is called with
    /// the foreign org and must not name the foreign branch's members.
    OwnList,
    /// Its path names objects: they are filled with foreign ones.
    Ids,
    /// It reads or writes inside an org given as `?org=` or in the body: the foreign branch.
    Org,
    /// It takes no id or org: the actor's own account, the district's settings (refused by
    /// role, checked elsewhere), or what anyone may read.
    NoObject,
}

/// Routes that take no id or org, each with why. Everything else is tried.
const NO_OBJECT: &[(&str, &str, &str)] = &[
    ("GET", "/", "the actor's own home"),
    ("GET", "/login", "public"),
    ("POST", "/login", "public"),
    ("POST", "/logout", "ends the actor's own session"),
    ("GET", "/r", "public request form"),
    ("POST", "/r", "public request form"),
    ("GET", "/r/grids", "public: the grids of a community"),
    ("GET", "/r/track", "public: by code and phone"),
    ("POST", "/r/track", "public: by code and phone"),
    ("POST", "/r/answer", "public: by code and phone"),
    ("GET", "/r/list", "public: the published list"),
    ("GET", "/c/{code}", "public: a published card"),
    ("GET", "/c/{code}/photo", "public: a published card"),
    ("GET", "/e/{id}/{org}", "public: published results"),
    (
        "GET",
        "/r/v/{code}",
        "public: an activity's sign-up by its link",
    ),
    (
        "POST",
        "/r/v/{code}",
        "public: an activity's sign-up by its link",
    ),
    ("GET", "/r/volunteer", "public: a record by code and phone"),
    ("POST", "/r/volunteer", "public: a record by code and phone"),
    ("GET", "/me/volunteer", "the actor's own volunteer record"),
    (
        "GET",
        "/api/v1/me/volunteer",
        "the actor's own volunteer record",
    ),
    (
        "GET",
        "/api/v1/volunteers/rules",
        "the district's stars' hours, read by all",
    ),
    (
        "PUT",
        "/api/v1/volunteers/rules",
        "the district's stars' hours: refused by role",
    ),
    ("GET", "/screen", "the top of the actor's own scope"),
    ("GET", "/audit", "the auditor's own log"),
    ("GET", "/account", "the actor's own account"),
    ("GET", "/login/otp", "the actor's own login"),
    ("POST", "/login/otp", "the actor's own login"),
    ("GET", "/account/2fa", "the actor's own second factor"),
    ("POST", "/account/2fa", "the actor's own second factor"),
    (
        "POST",
        "/account/2fa/disable",
        "the actor's own second factor",
    ),
    ("GET", "/account/password", "the actor's own account"),
    ("POST", "/account/password", "the actor's own account"),
    (
        "POST",
        "/account/sessions/{handle}/end",
        "the actor's own sessions",
    ),
    ("GET", "/security", "the security policy: refused by role"),
    ("POST", "/security", "the security policy: refused by role"),
    ("GET", "/api/v1/account", "the actor's own account"),
    ("GET", "/api/v1/me/residency", "the actor's own posting"),
    ("POST", "/me/residency/check-in", "the actor's own check-in"),
    (
        "POST",
        "/me/residency/leave",
        "leave for the actor's own posting",
    ),
    (
        "POST",
        "/api/v1/me/residency/check-in",
        "the actor's own check-in",
    ),
    (
        "GET",
        "/api/v1/security-policy",
        "the security policy: refused by role",
    ),
    (
        "PUT",
        "/api/v1/security-policy",
        "the security policy: refused by role",
    ),
    ("GET", "/notifications", "the actor's own reminders"),
    ("GET", "/notifications/count", "the actor's own reminders"),
    ("POST", "/notifications/read", "the actor's own reminders"),
    ("GET", "/checkin", "a member's own check-in"),
    ("POST", "/checkin", "a member's own check-in, by code"),
    ("GET", "/life/rules", "the district's rules, read by all"),
    (
        "POST",
        "/life/rules",
        "the district's rules: refused by role",
    ),
    (
        "GET",
        "/requests/settings",
        "the district's settings: refused by role",
    ),
    (
        "POST",
        "/requests/categories",
        "the district's settings: refused by role",
    ),
    (
        "POST",
        "/requests/departments",
        "the district's settings: refused by role",
    ),
    ("GET", "/imports/template.xlsx", "an empty template"),
    (
        "GET",
        "/stars/schemes",
        "the district's star schemes, read by all",
    ),
    (
        "POST",
        "/stars/schemes",
        "the district's star schemes: refused by role",
    ),
    (
        "GET",
        "/api/v1/star-schemes",
        "the district's star schemes, read by all",
    ),
    (
        "POST",
        "/api/v1/star-schemes",
        "the district's star schemes: refused by role",
    ),
    (
        "POST",
        "/weak/rules",
        "the district's thresholds: refused by role",
    ),
    (
        "GET",
        "/api/v1/weak/rules",
        "the district's thresholds, read by all",
    ),
    (
        "PUT",
        "/api/v1/weak/rules",
        "the district's thresholds: refused by role",
    ),
    (
        "GET",
        "/api/v1/cadres/rules",
        "the district's cadre rules, read by staff",
    ),
    (
        "PUT",
        "/api/v1/cadres/rules",
        "the district's cadre rules: refused by role",
    ),
    (
        "GET",
        "/api/v1/enterprises/rules",
        "the district's rules of non-public party work, read by staff",
    ),
    (
        "PUT",
        "/api/v1/enterprises/rules",
        "the district's rules of non-public party work: refused by role",
    ),
    (
        "GET",
        "/calendar",
        "the district's working-day calendar, read by all",
    ),
    (
        "POST",
        "/calendar",
        "the district's working-day calendar: refused by role",
    ),
    (
        "GET",
        "/api/v1/calendar",
        "the district's working-day calendar, read by all",
    ),
    (
        "PUT",
        "/api/v1/calendar",
        "the district's working-day calendar: refused by role",
    ),
    ("POST", "/api/v1/auth/login", "public"),
    ("GET", "/api/v1/me", "the actor's own account"),
    ("GET", "/api/v1/notifications", "the actor's own reminders"),
    (
        "POST",
        "/api/v1/notifications/read",
        "the actor's own reminders",
    ),
    ("GET", "/api/v1/openapi.json", "the API description"),
    ("GET", "/api/docs", "the API description, as a page"),
    (
        "POST",
        "/api/v1/checkin",
        "a member's own check-in, by code",
    ),
    (
        "GET",
        "/api/v1/life/rules",
        "the district's rules, read by all",
    ),
    (
        "PUT",
        "/api/v1/life/rules",
        "the district's rules: refused by role",
    ),
    (
        "GET",
        "/api/v1/request-categories",
        "the district's settings",
    ),
    (
        "POST",
        "/api/v1/request-categories",
        "the district's settings: refused by role",
    ),
    (
        "GET",
        "/api/v1/request-departments",
        "the district's settings",
    ),
    (
        "POST",
        "/api/v1/request-departments",
        "the district's settings: refused by role",
    ),
    ("GET", "/api/v1/imports/template.xlsx", "an empty template"),
    ("GET", "/api/v1/public/request-form", "public"),
    (
        "GET",
        "/api/v1/public/grids",
        "public: the grids of a community",
    ),
    (
        "GET",
        "/api/v1/public/requests",
        "public: the published list",
    ),
    ("POST", "/api/v1/public/requests", "public request form"),
    (
        "POST",
        "/api/v1/public/requests/track",
        "public: by code and phone",
    ),
    (
        "POST",
        "/api/v1/public/requests/answer",
        "public: by code and phone",
    ),
    (
        "GET",
        "/api/v1/public/evaluations/{id}/{org}",
        "public: published results",
    ),
    ("GET", "/api/v1/cards/{code}", "public: a published card"),
    (
        "GET",
        "/api/v1/cards/{code}/photo",
        "public: a published card",
    ),
    ("GET", "/healthz", "a probe"),
    ("GET", "/metrics", "counters, no objects"),
    ("GET", "/assets/{name}", "static files"),
];

/// Lists of the actor's own scope that take no org.
const OWN_LISTS: &[(&str, &str)] = &[
    ("GET", "/me"),
    ("GET", "/api/v1/me/day"),
    ("GET", "/api/v1/me/colleagues"),
    ("GET", "/orgs"),
    ("GET", "/orgs/search"),
    ("GET", "/evaluations"),
    ("GET", "/transfers"),
    ("GET", "/transfers/targets"),
    ("GET", "/api/v1/evaluations"),
    ("GET", "/api/v1/transfers"),
    ("GET", "/api/v1/transfers/targets"),
    ("GET", "/accounts"),
    ("GET", "/accounts/new"),
    ("GET", "/api/v1/accounts"),
];

/// Routes that name their org under another query parameter than `org`.
const ORG_PARAM: &[(&str, &str)] = &[("/api/v1/orgs", "parent")];

/// Evaluation periods are opened by a town for its whole subtree: accounts inside the town
/// read the period (their own part of the results), never the foreign branch's members.
fn shared_with_town(path: &str) -> bool {
    path.starts_with("/evaluations/{id}") || path.starts_with("/api/v1/evaluations/{id}")
}

fn case_of(method: &str, path: &str) -> Case {
    if OWN_LISTS.iter().any(|(m, p)| *m == method && *p == path) {
        Case::OwnList
    } else if NO_OBJECT.iter().any(|(m, p, _)| *m == method && *p == path) {
        Case::NoObject
    } else if path.contains('{') {
        Case::Ids
    } else {
        Case::Org
    }
}

/// The kind of object a `{id}` names, from the segment before it.
fn kind_of(segment: &str) -> Option<&'static str> {
    Some(match segment {
        "orgs" => "org",
        "members" => "member",
        "imports" => "import",
        "documents" => "document",
        "service-units" => "unit",
        "reports" => "report",
        "deeds" => "deed",
        "evaluations" => "period",
        "requests" => "request",
        "households" => "household",
        "grids" => "grid",
        "reductions" => "reduction",
        "transfers" => "transfer",
        "recruits" => "recruit",
        "meetings" => "meeting",
        "checkins" => "checkin",
        "reviews" => "review",
        "request-categories" => "category",
        "request-departments" => "department",
        "committee-posts" => "committee_post",
        "accounts" => "account",
        "ratings" | "star-ratings" => "rating",
        "objections" | "star-objections" => "objection",
        "weak-listings" | "listings" => "listing",
        "secretary-ratings" => "secretary_rating",
        "secretary-rating-items" => "secretary_item",
        "service-projects" => "project",
        "red-flags" => "red_flag",
        "contact-points" => "point",
        "problems" => "problem",
        "villages" => "village",
        "elections" => "election",
        "election-candidates" => "candidate",
        "reserves" => "reserve",
        "persons" => "person",
        "resident-teams" | "residents" => "resident_team",
        "resident-cadres" => "resident_cadre",
        "resident-leaves" => "resident_leave",
        "talents" => "talent",
        "enterprises" => "enterprise",
        "enterprise-helpers" => "enterprise_helper",
        "activities" | "volunteers" => "volunteer_activity",
        "task-forces" => "task_force",
        "studios" => "studio",
        "apprentices" => "apprentice",
        _ => return None,
    })
}

/// The path with every parameter replaced by a foreign object.
fn fill(path: &str, ids: &HashMap<&'static str, i64>) -> String {
    let mut out = Vec::new();
    let mut before = "";
    for seg in path.split('/') {
        let value = match seg {
            "{id}" => {
                let kind = kind_of(before).unwrap_or_else(|| panic!("no kind for {path}"));
                ids.get(kind)
                    .unwrap_or_else(|| panic!("no foreign {kind} for {path}"))
                    .to_string()
            }
            "{member_id}" => ids["member"].to_string(),
            "{org_id}" => ids["org"].to_string(),
            "{file_id}" => ids["file"].to_string(),
            "{post_id}" => ids["residents_post"].to_string(),
            "{helper}" => ids["enterprise_helper"].to_string(),
            "{month}" => "2024-05".to_string(),
            "{no}" => "2".to_string(),
            "{handle}" => "0123456789abcdef".to_string(),
            "{action}" => "approve".to_string(),
            "{code}" => "scopetst".to_string(),
            s if s.starts_with('{') => panic!("unknown parameter {s} in {path}"),
            s => s.to_string(),
        };
        before = seg;
        out.push(value);
    }
    out.join("/")
}

/// A body naming foreign objects under every name the forms and the API use.
fn foreign_body(ids: &HashMap<&'static str, i64>) -> Vec<(&'static str, String)> {
    let org = ids["org"].to_string();
    let member = ids["member"].to_string();
    vec![
        ("org", org.clone()),
        ("org_id", org.clone()),
        ("parent_id", org.clone()),
        ("branch_id", org.clone()),
        ("to_org_id", org.clone()),
        ("community_id", ids["community"].to_string()),
        ("member_id", member.clone()),
        ("members", member.clone()),
        ("household_id", ids["household"].to_string()),
        ("grid_id", ids["grid"].to_string()),
        ("kind", "theme_day".into()),
        ("name", "越权测试".into()),
        ("reason", "越权测试".into()),
        ("year", dangjian_service::today().year().to_string()),
        ("quota", "3".into()),
        ("held_on", dangjian_service::today().to_string()),
        (
            "month",
            dangjian_domain::life::month_key(dangjian_service::today()),
        ),
        ("approve", "true".into()),
    ]
}

fn as_json(fields: &[(&'static str, String)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in fields {
        let value = match v.parse::<i64>() {
            Ok(n) if *k != "month" => json!(n),
            _ if v == "true" => json!(true),
            _ => json!(v),
        };
        m.insert((*k).to_string(), value);
    }
    m.insert("member_ids".into(), json!([ids_member(fields)]));
    Value::Object(m)
}

fn ids_member(fields: &[(&'static str, String)]) -> i64 {
    fields
        .iter()
        .find(|(k, _)| *k == "member_id")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_default()
}

async fn scalar(t: &TestApp, sql: &str) -> Option<i64> {
    let mut conn = t.sql().await;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_optional(&mut *conn)
        .await
        .expect(sql)
        .map(|r| r.get::<i64, _>(0))
}

async fn strings(t: &TestApp, sql: &str) -> Vec<String> {
    let mut conn = t.sql().await;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(&mut *conn)
        .await
        .expect(sql)
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect()
}

async fn org_id(t: &TestApp, path: &str) -> i64 {
    scalar(t, &format!("SELECT id FROM org WHERE path = '{path}'"))
        .await
        .expect("org")
}

/// Audit rows that record a write or an unmasking. Logins and the outsiders' exports of
/// their own part of a town's evaluation are theirs to make.
fn audited_writes(own_orgs: &[i64]) -> String {
    let own: Vec<String> = own_orgs.iter().map(|o| format!("'{o}'")).collect();
    format!(
        "FROM audit_log WHERE action NOT IN ('login', 'logout', 'denied') \
         AND NOT (action = 'export' AND object_type = 'org' AND object_id IN ({}))",
        own.join(", ")
    )
}

/// An object of a table in the foreign town, preferring the foreign branch, never in the
/// subtrees the matrix's own accounts act in.
async fn foreign(t: &TestApp, table: &str, path: &str, also: &str, places: &Places) -> Option<i64> {
    scalar(
        t,
        &format!(
            "SELECT id FROM {table} WHERE {path} LIKE '{town}%' AND {path} NOT LIKE '{village}%' \
             AND {path} NOT LIKE '{sibling}%' {also} \
             ORDER BY CASE WHEN {path} LIKE '{branch}%' THEN 0 ELSE 1 END, id LIMIT 1",
            town = places.town,
            village = places.sibling_village,
            sibling = places.sibling_branch,
            branch = places.branch,
        ),
    )
    .await
}

/// The foreign branch, its community and town, and the sibling village and branch the
/// matrix's accounts act in (paths).
struct Places {
    branch: String,
    town: String,
    sibling_village: String,
    sibling_branch: String,
}

async fn created(api: &Api, path: &str, body: &Value) -> i64 {
    let (s, v) = api.post(path, body).await;
    assert!(s.is_success(), "{path}: {s} {v}");
    v["id"].as_i64().unwrap_or_else(|| panic!("{path}: {v}"))
}

/// The objects of each kind the matrix names, made where the demo has none.
async fn objects(t: &TestApp, places: &Places) -> HashMap<&'static str, i64> {
    let owner = t.api("baitao-secretary").await;
    let town_admin = t
        .accounts
        .iter()
        .find(|a| a.role == "town_admin" && places.town.ends_with(&format!("/{}/", a.scope_org_id)))
        .expect("the foreign town's admin");
    let town = t.api(&town_admin.username).await;
    let branch = scalar(
        t,
        &format!("SELECT id FROM org WHERE path = '{}'", places.branch),
    )
    .await
    .expect("branch");
    let mut ids: HashMap<&'static str, i64> = HashMap::new();
    ids.insert("org", branch);
    ids.insert(
        "recruit",
        created(
            &owner,
            "/api/v1/recruits",
            &json!({"org_id": branch, "name": "越权测试", "id_number": crate::roster::id_number(1995, 3, 3, 7),
                "ethnicity": "汉族", "education": "bachelor", "category": "in_service",
                "applied_on": dangjian_service::today().to_string()}),
        )
        .await,
    );
    // Households served by, and deeds and reports of, members of the outsiders' own
    // subtrees are theirs to read.
    let outsiders_members = format!(
        "SELECT id FROM member WHERE org_path LIKE '{}%' OR org_path LIKE '{}%'",
        places.sibling_village, places.sibling_branch
    );
    let unserved = format!(
        "AND id NOT IN (SELECT household_id FROM pairing WHERE member_id IN ({outsiders_members}))"
    );
    let not_theirs = format!("AND member_id NOT IN ({outsiders_members})");
    for (kind, table, path, also) in [
        ("member", "member", "org_path", ""),
        ("meeting", "meeting", "org_path", ""),
        ("household", "household", "org_path", unserved.as_str()),
        ("grid", "grid", "org_path", ""),
        ("deed", "deed", "org_path", not_theirs.as_str()),
        ("review", "annual_review", "org_path", ""),
        ("rating", "star_rating", "org_path", ""),
        ("unit", "service_unit", "org_path", ""),
        ("request", "request", "community_path", ""),
        (
            "report",
            "community_report",
            "community_path",
            not_theirs.as_str(),
        ),
    ] {
        let id = foreign(t, table, path, also, places)
            .await
            .unwrap_or_else(|| panic!("the demo has a {kind} in the foreign town"));
        ids.insert(kind, id);
    }
    ids.insert(
        "community",
        scalar(
            t,
            &format!(
                "SELECT community_id FROM request WHERE id = {}",
                ids["request"]
            ),
        )
        .await
        .expect("community"),
    );
    ids.insert(
        "category",
        scalar(t, "SELECT MIN(id) FROM request_category")
            .await
            .expect("category"),
    );
    ids.insert(
        "department",
        scalar(t, "SELECT MIN(id) FROM request_department")
            .await
            .expect("department"),
    );
    ids.insert(
        "committee_post",
        scalar(
            t,
            &format!(
                "SELECT MIN(p.id) FROM committee_post p JOIN org o ON o.id = p.org_id \
                 WHERE o.path = '{}'",
                places.branch
            ),
        )
        .await
        .expect("the foreign branch's committee"),
    );
    // An objection to the foreign rating, written as if raised in its publication.
    let mut conn = t.sql().await;
    sqlx::query(
        "INSERT INTO star_objection (rating_id, content, raised_by_name, raised_at) \
         VALUES ($1, '越权测试', '越权测试', 0)",
    )
    .bind(ids["rating"])
    .execute(&mut *conn)
    .await
    .expect("an objection");
    // A listing and a red flag of the foreign branch, as the district's decisions leave them.
    for sql in [
        "INSERT INTO weak_listing (year, org_id, org_path, state, reasons, proposed_at, decided_on, document_no, updated_at) \
         SELECT 1999, id, path, 'listed', '[]', 0, '1999-03-01', '越权测试', 0 FROM org WHERE id = $1",
        "INSERT INTO red_flag (year, org_id, org_path, awarded_on, document_no, created_at) \
         SELECT 1999, id, path, '1999-03-01', '越权测试', 0 FROM org WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(branch)
            .execute(&mut *conn)
            .await
            .expect("a foreign listing or flag");
    }
    // A leader's contact point at the foreign branch and a problem of its ledger, as the
    // district's records and a visit leave them.
    sqlx::query(
        "INSERT INTO contact_point (leader_name, leader_title, org_id, org_path, started_on, created_at) \
         SELECT '越权测试', '越权测试', id, path, '1999-03-01', 0 FROM org WHERE id = $1",
    )
    .bind(branch)
    .execute(&mut *conn)
    .await
    .expect("a foreign contact point");
    sqlx::query(
        "INSERT INTO problem (no, point_id, org_id, org_path, source, content, unit, standard, measures, \
         deadline, joint, state, logged_on, accept_due, created_at, updated_at) \
         SELECT 'WT1999-99999', p.id, o.id, o.path, 'contact', '越权测试', '越权测试', '越权测试', '越权测试', \
         '1999-04-01', 0, 'logged', '1999-03-01', '1999-03-03', 0, 0 \
         FROM org o JOIN contact_point p ON p.org_id = o.id AND p.leader_name = '越权测试' WHERE o.id = $1",
    )
    .bind(branch)
    .execute(&mut *conn)
    .await
    .expect("a foreign problem");
    // The foreign branch's secretary rated (by its village) with a ledger item, and a project.
    for sql in [
        "INSERT INTO secretary_rating (year, org_id, org_path, secretary_name, report, meeting_on, present, \
         good, fairly_good, average, poor, grade, created_at, updated_at) \
         SELECT 1999, id, path, '越权测试', '越权测试', '1999-11-20', 30, 20, 5, 5, 0, 'good', 0, 0 FROM org WHERE id = $1",
        "INSERT INTO secretary_rectification (rating_id, content, deadline, created_at) \
         SELECT r.id, '越权测试', '1999-12-31', 0 FROM secretary_rating r WHERE r.year = 1999 AND r.org_id = $1",
        "INSERT INTO service_project (org_id, org_path, name, budget_fen, stage, planned_on, created_at, updated_at) \
         SELECT id, path, '越权测试', 100, 'planned', '1999-03-01', 0, 0 FROM org WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(branch)
            .execute(&mut *conn)
            .await
            .expect("a foreign rating or project");
    }
    sqlx::query(
        "INSERT INTO volunteer_activity (org_id, org_path, title, category, held_on, starts_at, minutes, place, code, created_at) \
         SELECT id, path, '越权测试活动', 'civic', '2024-05-10', '09:00', 60, '广场', 'scopetst', 0 FROM org WHERE path = $1",
    )
    .bind(&places.branch)
    .execute(&mut *conn)
    .await
    .expect("a foreign activity");
    sqlx::query(
        "INSERT INTO task_force (org_id, org_path, name, mission, leader_id, started_on, ends_on, created_at) \
         SELECT o.id, o.path, '越权测试突击队', 'flood', (SELECT MIN(m.id) FROM member m WHERE m.org_path = o.path), \
         '2024-05-01', '2024-06-30', 0 FROM org o WHERE o.path = $1",
    )
    .bind(&places.branch)
    .execute(&mut *conn)
    .await
    .expect("a foreign task force");
    drop(conn);
    for (kind, sql) in [
        (
            "secretary_rating",
            format!("SELECT id FROM secretary_rating WHERE year = 1999 AND org_id = {branch}"),
        ),
        (
            "secretary_item",
            format!(
                "SELECT x.id FROM secretary_rectification x JOIN secretary_rating r ON r.id = x.rating_id \
                 WHERE r.year = 1999 AND r.org_id = {branch}"
            ),
        ),
        (
            "project",
            format!("SELECT id FROM service_project WHERE name = '越权测试' AND org_id = {branch}"),
        ),
    ] {
        ids.insert(kind, scalar(t, &sql).await.expect("the foreign row"));
    }
    for (kind, table, mark) in [
        ("point", "contact_point", "leader_name = '越权测试'"),
        ("problem", "problem", "no = 'WT1999-99999'"),
    ] {
        let id = scalar(
            t,
            &format!("SELECT id FROM {table} WHERE {mark} AND org_id = {branch}"),
        )
        .await
        .expect("the foreign row");
        ids.insert(kind, id);
    }
    for (kind, table) in [("listing", "weak_listing"), ("red_flag", "red_flag")] {
        let id = scalar(
            t,
            &format!("SELECT id FROM {table} WHERE year = 1999 AND org_id = {branch}"),
        )
        .await
        .expect("the foreign row");
        ids.insert(kind, id);
    }
    ids.insert(
        "objection",
        scalar(t, "SELECT MAX(id) FROM star_objection")
            .await
            .expect("objection"),
    );
    let member = ids["member"];
    let today = dangjian_service::today();
    let month = dangjian_domain::life::month_key(today);
    ids.insert(
        "reduction",
        created(
            &owner,
            &format!("/api/v1/members/{member}/dues/reductions"),
            &json!({"from_month": month, "to_month": month, "monthly": "0", "reason": "生活困难"}),
        )
        .await,
    );
    // The receiving side reads a transfer: it goes to a town none of the outsiders is in.
    let (_, other) = t
        .api(
            &t.town_accounts()
                .iter()
                .filter(|a| !places.town.ends_with(&format!("/{}/", a.scope_org_id)))
                .nth(1)
                .expect("a third town")
                .username,
        )
        .await
        .get_json("/api/v1/members?per_page=1")
        .await;
    let target = other["items"][0]["org_id"]
        .as_i64()
        .expect("a branch elsewhere");
    ids.insert(
        "transfer",
        created(
            &owner,
            &format!("/api/v1/members/{member}/transfers"),
            &json!({"kind": "internal", "to_org_id": target, "reason": "工作调动"}),
        )
        .await,
    );
    ids.insert(
        "checkin",
        created(
            &owner,
            "/api/v1/checkins",
            &json!({"org_id": branch, "kind": "theme_day", "topic": "主题党日", "minutes": 60}),
        )
        .await,
    );
    let period_body = json!({
        "org_id": scalar(t, &format!("SELECT id FROM org WHERE path = '{}'", places.town)).await,
        "name": "越权测试三评",
        "starts_on": today.to_string(),
        "ends_on": (today + time::Duration::days(30)).to_string(),
        "questions": "",
    });
    ids.insert(
        "period",
        created(&town, "/api/v1/evaluations", &period_body).await,
    );
    let meeting = ids["meeting"];
    let png = crate::minutes::PNG.to_vec();
    let (s, v) = crate::minutes::upload(&owner, meeting, "现场.png", png).await;
    assert!(s.is_success(), "meeting file: {s} {v}");
    ids.insert("file", v["id"].as_i64().expect("file id"));
    let one = [
        "越权测",
        &crate::roster::id_number(1990, 5, 4, 19),
        "",
        "汉族",
        "",
        "",
        "本科",
        "在职",
        "2015-07-01",
        "",
        "预备党员",
        "",
        "",
    ]
    .map(str::to_string)
    .to_vec();
    let bytes = crate::roster::roster(&[one]);
    let (s, v) = crate::roster::upload(&owner, branch, "名册.xlsx", bytes).await;
    assert!(s.is_success(), "import: {s} {v}");
    ids.insert("import", v["id"].as_i64().expect("import id"));
    // A document made in the background: its requester's alone.
    let (s, v) = owner
        .post("/api/v1/documents/record-books", &json!({ "org": branch }))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "document: {v}");
    ids.insert("document", v["id"].as_i64().expect("document id"));
    // The foreign branch's village with its 2021 election, a candidate, a residents'
    // committee post, and a reserve cadre written as the village's pool keeps them.
    let village = scalar(
        t,
        &format!(
            "SELECT id FROM org WHERE path = '{}'",
            dangjian_domain::path::ancestor(&places.branch, 3)
        ),
    )
    .await
    .expect("the foreign branch's village");
    ids.insert("village", village);
    let mut conn = t.sql().await;
    sqlx::query(
        "INSERT INTO reserve_cadre (org_id, person_id, source, joined_on, created_at, updated_at) \
         SELECT $1, MIN(p.id), 'other', '2024-03-01', 0, 0 FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM reserve_cadre r WHERE r.person_id = p.id AND r.outcome IS NULL)",
    )
    .bind(village)
    .execute(&mut *conn)
    .await
    .expect("a foreign reserve cadre");
    // A resident work team there, with a cadre and a leave waiting for a decision.
    for sql in [
        "INSERT INTO resident_team (org_id, sending_unit, started_on, ends_on, created_at) \
         VALUES ($1, '区级派出单位', '2024-03-01', '2027-03-01', 0)",
        "INSERT INTO resident_cadre (team_id, person_id, role, unit, started_on, created_at) \
         SELECT (SELECT MAX(t.id) FROM resident_team t WHERE t.org_id = $1), MIN(p.id), 'member', \
         '区级派出单位', '2024-03-01', 0 FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM resident_cadre c WHERE c.person_id = p.id AND c.ended_on IS NULL)",
        "INSERT INTO resident_leave (cadre_id, from_on, to_on, days, reason, status, level, created_at) \
         SELECT MAX(c.id), '2024-05-01', '2024-05-02', 2, '事假', 'requested', 'town', 0 \
         FROM resident_cadre c JOIN resident_team t ON t.id = c.team_id WHERE t.org_id = $1",
    ] {
        sqlx::query(sql)
            .bind(village)
            .execute(&mut *conn)
            .await
            .expect("a foreign resident team");
    }
    // A talent and a studio with an apprentice kept by the foreign town.
    let town = scalar(
        t,
        &format!(
            "SELECT id FROM org WHERE path = '{}'",
            dangjian_domain::path::ancestor(&places.branch, 2)
        ),
    )
    .await
    .expect("the foreign branch's town");
    for sql in [
        "INSERT INTO talent (org_id, person_id, category, origin, field, employer, recognised_year, created_at) \
         SELECT $1, MIN(p.id), 'rural', 'cultivated', '种植', '合作社', 2024, 0 FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM talent x WHERE x.person_id = p.id AND x.category = 'rural')",
        "INSERT INTO studio (org_id, name, master_person_id, field, host_unit, opened_on, cycle_ends_on, created_at) \
         SELECT $1, '越权测试工作室', MIN(p.id), '焊接', '某厂', '2024-03-01', '2027-03-01', 0 FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM studio s WHERE s.master_person_id = p.id AND s.closed_on IS NULL)",
        "INSERT INTO enterprise (org_id, name, credit_code, kind, industry, size, staff, org_setup, created_at, updated_at) \
         VALUES ($1, '越权测试企业', '91500102MA5U000999', 'enterprise', '制造业', 'small', 10, 'none', 0, 0)",
        "INSERT INTO enterprise_helper (enterprise_id, member_id, role, start_on, created_at) \
         SELECT MAX(x.id), (SELECT MIN(m.id) FROM member m), 'liaison', '2024-01-01', 0 FROM enterprise x \
         WHERE x.org_id = $1",
        "INSERT INTO apprentice (studio_id, person_id, started_on, created_at) \
         SELECT (SELECT MAX(s.id) FROM studio s WHERE s.org_id = $1), MAX(p.id), '2024-04-01', 0 FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM apprentice a WHERE a.person_id = p.id AND a.finished_on IS NULL)",
    ] {
        sqlx::query(sql)
            .bind(town)
            .execute(&mut *conn)
            .await
            .expect("a foreign talent or studio");
    }
    drop(conn);
    for (kind, sql) in [
        (
            "election",
            format!("SELECT MIN(id) FROM election WHERE org_id = {village}"),
        ),
        (
            "candidate",
            format!(
                "SELECT MIN(c.id) FROM election_candidate c JOIN election e ON e.id = c.election_id \
                 WHERE e.org_id = {village}"
            ),
        ),
        (
            "residents_post",
            format!(
                "SELECT MIN(id) FROM residents_post WHERE org_id = {village} AND ended_on IS NULL"
            ),
        ),
        (
            "reserve",
            format!("SELECT MAX(id) FROM reserve_cadre WHERE org_id = {village}"),
        ),
        (
            "person",
            format!("SELECT MIN(person_id) FROM residents_post WHERE org_id = {village}"),
        ),
        (
            "talent",
            format!("SELECT MAX(id) FROM talent WHERE org_id = {town}"),
        ),
        (
            "studio",
            format!("SELECT MAX(id) FROM studio WHERE org_id = {town}"),
        ),
        (
            "enterprise",
            format!("SELECT MAX(id) FROM enterprise WHERE org_id = {town}"),
        ),
        (
            "task_force",
            "SELECT MAX(id) FROM task_force WHERE name = '越权测试突击队'".to_string(),
        ),
        (
            "volunteer_activity",
            "SELECT MAX(id) FROM volunteer_activity WHERE code = 'scopetst'".to_string(),
        ),
        (
            "enterprise_helper",
            format!(
                "SELECT MAX(h.id) FROM enterprise_helper h JOIN enterprise x ON x.id = h.enterprise_id \
                 WHERE x.org_id = {town}"
            ),
        ),
        (
            "apprentice",
            format!(
                "SELECT MAX(a.id) FROM apprentice a JOIN studio s ON s.id = a.studio_id WHERE s.org_id = {town}"
            ),
        ),
        (
            "resident_team",
            format!("SELECT MAX(id) FROM resident_team WHERE org_id = {village}"),
        ),
        (
            "resident_cadre",
            format!(
                "SELECT MAX(c.id) FROM resident_cadre c JOIN resident_team t ON t.id = c.team_id \
                 WHERE t.org_id = {village}"
            ),
        ),
        (
            "resident_leave",
            format!(
                "SELECT MAX(l.id) FROM resident_leave l JOIN resident_cadre c ON c.id = l.cadre_id \
                 JOIN resident_team t ON t.id = c.team_id WHERE t.org_id = {village}"
            ),
        ),
    ] {
        ids.insert(kind, scalar(t, &sql).await.expect("the foreign row"));
    }
    ids.insert(
        "account",
        scalar(
            t,
            &format!(
                "SELECT MIN(u.id) FROM app_user u JOIN org o ON o.id = u.scope_org_id \
                 WHERE o.path = '{}'",
                places.branch
            ),
        )
        .await
        .expect("an account of the foreign branch"),
    );
    ids
}

/// An account of the matrix: its name, an API client and a browser.
struct Outsider {
    who: String,
    /// Acts inside the foreign town (a sibling village or branch).
    in_town: bool,
    api: Api,
    browser: Browser,
}

async fn outsider(t: &TestApp, who: &str, role: &str, scope: i64, member: Option<i64>) -> Outsider {
    if role != "auditor" && role != "town_admin" {
        t.with_user(who, role, scope, member).await;
    }
    let browser = t.browser(who).await;
    assert!(!browser.csrf.is_empty(), "{who} has a form token");
    Outsider {
        who: format!("{role} {who}"),
        in_town: matches!(role, "village_admin" | "branch_secretary" | "member"),
        api: t.api(who).await,
        browser,
    }
}

async fn call(
    o: &Outsider,
    method: &str,
    path: &str,
    body: &[(&'static str, String)],
) -> (StatusCode, String) {
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    if path.starts_with("/api/") {
        let mut req = o
            .api
            .client
            .request(method.clone(), format!("{}{path}", o.api.base))
            .bearer_auth(&o.api.token);
        if method != Method::GET {
            req = req.json(&as_json(body));
        }
        let r = req.send().await.expect("api call");
        (r.status(), r.text().await.unwrap_or_default())
    } else if method == Method::GET {
        o.browser.page(path).await
    } else {
        let fields: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, text, _) = o.browser.post_form(path, &fields).await;
        (s, text)
    }
}

on_both!(
    every_route_refuses_objects_of_elsewhere,
    async |t: &TestApp| {
        // The foreign branch is the demo's 白涛 branch; the matrix acts from its sibling branch,
        // a sibling community and another town.
        let owner = t.account("branch_secretary");
        let branch_path: String = strings(
            t,
            &format!("SELECT path FROM org WHERE id = {}", owner.scope_org_id),
        )
        .await
        .pop()
        .expect("branch path");
        let parts: Vec<&str> = branch_path.trim_matches('/').split('/').collect();
        assert!(
            parts.len() >= 4,
            "district/town/community/branch: {branch_path}"
        );
        let town = format!("/{}/{}/", parts[0], parts[1]);
        let community = format!("{town}{}/", parts[2]);
        let sibling_branch: String = strings(
        t,
        &format!(
            "SELECT path FROM org WHERE parent_id = {} AND path <> '{branch_path}' AND kind = 'branch' ORDER BY id",
            parts[2]
        ),
    )
    .await
    .into_iter()
    .find(|p| p != &branch_path)
    .expect("a sibling branch");
        let sibling_village: String = strings(
            t,
            &format!(
                "SELECT path FROM org WHERE parent_id = {} AND path <> '{community}' \
             ORDER BY CASE WHEN owner IN ('village', 'community') THEN 0 ELSE 1 END, id",
                parts[1]
            ),
        )
        .await
        .into_iter()
        .next()
        .expect("a sibling of the community (a village or community where the town has one)");
        let places = Places {
            branch: branch_path.clone(),
            town: town.clone(),
            sibling_village: sibling_village.clone(),
            sibling_branch: sibling_branch.clone(),
        };
        let ids = objects(t, &places).await;
        let markers = strings(
            t,
            // Names no one else in the district has, so that an answer naming one names the
            // foreign member.
            &format!(
                "SELECT name FROM member WHERE org_path LIKE '{branch_path}%' \
             AND name IN (SELECT name FROM member GROUP BY name HAVING COUNT(*) = 1)"
            ),
        )
        .await;
        assert!(!markers.is_empty(), "the foreign branch has members");

        let sibling_branch_id = org_id(t, &sibling_branch).await;
        let sibling_village_id = org_id(t, &sibling_village).await;
        let sibling_member = scalar(
            t,
            &format!("SELECT MIN(id) FROM member WHERE org_id = {sibling_branch_id}"),
        )
        .await
        .expect("a member of the sibling branch");
        let other_town = t
            .town_accounts()
            .into_iter()
            .find(|a| !town.ends_with(&format!("/{}/", a.scope_org_id)))
            .expect("another town")
            .username
            .clone();
        let outsiders = vec![
            outsider(t, &other_town, "town_admin", 0, None).await,
            outsider(
                t,
                "matrix-village",
                "village_admin",
                sibling_village_id,
                None,
            )
            .await,
            outsider(
                t,
                "matrix-secretary",
                "branch_secretary",
                sibling_branch_id,
                None,
            )
            .await,
            outsider(
                t,
                "matrix-member",
                "member",
                sibling_branch_id,
                Some(sibling_member),
            )
            .await,
            outsider(t, "auditor", "auditor", 0, None).await,
        ];

        let routes = dangjian_web::route_table();
        assert!(
            routes.len() > 200,
            "the router's table was read: {}",
            routes.len()
        );
        let body = foreign_body(&ids);
        let writes = audited_writes(&[sibling_village_id, sibling_branch_id]);
        let writes_before = scalar(t, &format!("SELECT COUNT(*) {writes}"))
            .await
            .unwrap_or_default();
        let mut tried = 0;
        let mut failures = Vec::new();
        for r in &routes {
            let target = match case_of(r.method, &r.path) {
                Case::NoObject => continue,
                Case::Ids => fill(&r.path, &ids),
                Case::Org | Case::OwnList => {
                    let param = ORG_PARAM
                        .iter()
                        .find(|(p, _)| *p == r.path)
                        .map_or("org", |(_, name)| name);
                    format!("{}?{param}={}", r.path, ids["org"])
                }
            };
            for o in &outsiders {
                let (status, text) = call(o, r.method, &target, &body).await;
                tried += 1;
                let refused = matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
                    || (r.method == "GET"
                        && (case_of(r.method, &r.path) == Case::OwnList
                            || (o.in_town && shared_with_town(&r.path)))
                        && (status.is_success() || status.is_redirection()));
                // A write may be refused for its input before its objects are looked at; the
                // audit log shows below that nothing was written.
                let input_refused = r.method != "GET"
                    && matches!(
                        status,
                        StatusCode::BAD_REQUEST
                            | StatusCode::UNPROCESSABLE_ENTITY
                            | StatusCode::UNSUPPORTED_MEDIA_TYPE
                            | StatusCode::PAYLOAD_TOO_LARGE
                    );
                if !(refused || input_refused) {
                    failures.push(format!("{} {target} as {}: {status}", r.method, o.who));
                } else if let Some(m) = markers.iter().find(|m| text.contains(m.as_str())) {
                    failures.push(format!(
                        "{} {target} as {}: {status} names {m}",
                        r.method, o.who
                    ));
                }
            }
        }
        assert!(tried > 500, "the matrix ran: {tried} calls");
        assert!(
            failures.is_empty(),
            "{} of {tried} calls let through:\n{}",
            failures.len(),
            failures.join("\n")
        );
        let written = strings(
            t,
            &format!(
                "SELECT actor_name || ' ' || action || ' ' || object_type || ' ' || object_id {writes} \
                 ORDER BY seq LIMIT 100 OFFSET {writes_before}"
            ),
        )
        .await;
        assert!(
            written.is_empty(),
            "nothing is written or unmasked: {written:?}"
        );
        // The refusals are in the log, one row per account and route however often tried.
        let denied = scalar(
            t,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND result = 'denied'",
        )
        .await
        .unwrap_or_default();
        let kinds = scalar(
            t,
            "SELECT COUNT(*) FROM (SELECT DISTINCT actor_id, object_id FROM audit_log \
             WHERE action = 'denied') k",
        )
        .await
        .unwrap_or_default();
        assert!(denied > 100, "refusals are audited: {denied}");
        assert_eq!(denied, kinds, "one row per account and route in a window");
        // Every route of the table was classified: the exempt ones are all still routed.
        for (m, p, why) in NO_OBJECT {
            assert!(
                routes.iter().any(|r| r.method == *m && r.path == *p),
                "{m} {p} ({why}) is no longer routed: drop it from the list"
            );
        }
    }
);
