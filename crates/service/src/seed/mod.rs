//! Seeding: a fresh database filled with a synthetic district shaped like Fuling, for
//! `dangjian demo` and the tests. It writes through the store's bulk loaders, behind this
//! module, so that it keeps its speed; the accounts it makes go through `add_user` and are
//! audited like any other.

mod assessment;
mod cadres;
mod dues;
mod enterprises;
mod evaluation;
mod fuling;
mod life;
mod masses;
mod people;
mod recruit;
mod requests;
mod residents;
mod review;
mod talents;
mod task_forces;
mod tree;
mod volunteers;

use crate::accounts::UserSpec;
use crate::members::to_write;
use crate::{Actor, App, ServiceResult, now_ms, today};
use dangjian_domain::bands::Status;
use dangjian_domain::{committee, date};
use dangjian_store::org::{self, OrgEvent};
use dangjian_store::{Backend, load, member, rollup, setting};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use self::people::People;
use self::tree::{Tree, scaled};

#[derive(Debug, Serialize)]
pub struct Account {
    pub username: String,
    pub role: String,
    pub scope_org_id: i64,
    pub scope_org_name: String,
}

pub struct Summary {
    pub orgs: usize,
    pub members: usize,
    pub meetings: usize,
    pub attendance: usize,
    pub masses: masses::Counts,
    /// Residents' requests over the last year.
    pub requests: usize,
    pub evaluations: evaluation::Counts,
    pub accounts: Vec<Account>,
}

/// Fills an empty, migrated database. Deterministic for a given seed and scale.
pub async fn generate(app: &App, scale: f64, seed: u64, password: &str) -> ServiceResult<Summary> {
    let mut phase = Phases::start();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut t = Tree::build(scale, &mut rng);
    t.add_grid_groups(scaled(2977.0, scale));

    let mut tx = app.db.begin().await?;
    let keys = load::set_foreign_keys_aside(&mut tx).await?;
    org::insert_bulk(&mut tx, &t.orgs).await?;
    for (code, former, on) in fuling::RENAMED {
        if let Some(o) = t.orgs.iter().find(|o| o.code == code) {
            let new_value = o.name.clone();
            let old_value = new_value.replacen(&former.replace('乡', "镇"), former, 1);
            let created = OrgEvent {
                kind: "created".into(),
                effective_on: o.opened_on.clone(),
                old_value: None,
                new_value: Some(old_value.clone()),
                actor_id: None,
                at: now_ms(),
            };
            let renamed = OrgEvent {
                kind: "renamed".into(),
                effective_on: on.into(),
                old_value: Some(old_value),
                new_value: Some(new_value),
                actor_id: None,
                at: now_ms(),
            };
            org::add_event(&mut tx, o.id, &created).await?;
            org::add_event(&mut tx, o.id, &renamed).await?;
        }
    }
    for (code, col, row) in fuling::TILES {
        if let Some(o) = t.orgs.iter().find(|o| o.code == code) {
            dangjian_store::screen::set_tile(&mut tx, o.id, col, row).await?;
        }
    }

    // Members, drawn branch by branch and written in batches.
    let indexes = load::set_indexes_aside(&mut tx, "member").await?;
    let total_members = scaled(60_000.0, scale);
    let weight_sum: f64 = t.holders.iter().map(|h| h.weight).sum();
    let mut people = People::new(today());
    let mut batch = Vec::with_capacity(8_000);
    let mut next_id: i64 = 1;
    let mut remaining = total_members;
    let mut baitao_member = None;
    let mut branch_members = Vec::with_capacity(t.holders.len());
    let mut payers = Vec::with_capacity(total_members);
    let mut probationers = Vec::new();
    let mut committees = Vec::new();
    for (i, h) in t.holders.iter().enumerate() {
        let n = if i + 1 == t.holders.len() {
            remaining
        } else {
            ((total_members as f64 * h.weight / weight_sum).round() as usize)
                .clamp(3, remaining.max(3))
                .min(remaining)
        };
        remaining -= n;
        let o = &t.orgs[h.org];
        let first_member = next_id;
        // The committee: the first full members drawn, as many as the branch's size calls for.
        let mut full = Vec::new();
        for k in 0..n {
            let draft = people.member(h.sector, &mut rng);
            if draft.status == Status::Full {
                full.push(next_id);
            }
            payers.push(dues::Payer {
                member_id: next_id,
                org_id: o.id,
                category: draft.category,
                join_month: dangjian_domain::life::month_key(draft.join_date),
                last_of_branch: k + 1 == n,
            });
            let group = (!h.groups.is_empty()).then(|| t.orgs[h.groups[k % h.groups.len()]].id);
            batch.push((next_id, to_write(app.crypto(), &draft, o.place(), group)));
            if draft.status == Status::Probationary {
                probationers.push(recruit::Probationer {
                    member_id: next_id,
                    org: o,
                    draft,
                });
            }
            next_id += 1;
        }
        let posts = committee::posts_for(full.len() as i64);
        // The demo's member account: a full member of 白涛 who holds no post.
        if Some(h.org) == t.baitao_branch {
            baitao_member = full.get(posts.len()).copied().or(Some(next_id - 1));
        }
        let elected = date::format(today() - time::Duration::days(200 + o.id % 700));
        for (post, member_id) in posts.iter().zip(&full) {
            committees.push((o.id, *member_id, post.as_str(), elected.clone()));
        }
        branch_members.push(life::BranchMembers {
            org: o,
            first_member,
            count: n as i64,
            committee: posts.len().min(full.len()) as i64,
        });
        if batch.len() >= 8_000 {
            member::insert_bulk(&mut tx, &batch).await?;
            batch.clear();
        }
    }
    member::insert_bulk(&mut tx, &batch).await?;
    load::restore_indexes(&mut tx, indexes).await?;
    dangjian_store::person::adopt_members(&mut tx).await?;
    dangjian_store::committee::insert_bulk(&mut tx, &committees).await?;
    dangjian_store::committee::name_secretaries(&mut tx).await?;
    // Their own stream, so that the figures drawn after them stay as they were.
    let mut cards_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    masses::publish_committee_cards(&mut tx, &committees, &mut cards_rng).await?;
    drop(committees);
    dangjian_store::transfer::fill_memberships(&mut tx).await?;
    phase.done("组织和党员");
    let indexes = load::set_indexes_aside(&mut tx, "attendance").await?;
    let (meetings, attendance, first_month) =
        life::generate(&mut tx, &branch_members, &mut rng).await?;
    load::restore_indexes(&mut tx, indexes).await?;
    phase.done("会议和出勤");
    review::generate(&mut tx, &branch_members, &mut rng).await?;
    phase.done("民主评议");
    let indexes = load::set_indexes_aside(&mut tx, "dues_payment").await?;
    dues::generate(&mut tx, &payers, &app.config.dues_rules, &mut rng).await?;
    load::restore_indexes(&mut tx, indexes).await?;
    phase.done("党费");
    recruit::generate(
        &mut tx,
        app.crypto(),
        &branch_members,
        &mut people,
        &mut rng,
    )
    .await?;
    recruit::probationers(&mut tx, app.crypto(), &probationers).await?;
    drop(probationers);
    recruit::plans(&mut tx, &t.orgs, &mut rng).await?;
    phase.done("发展党员");
    let mut aside = Vec::new();
    for table in ["household", "pairing", "deed"] {
        aside.push(load::set_indexes_aside(&mut tx, table).await?);
    }
    let masses = masses::generate(&mut tx, &t, &branch_members, &people, scale, &mut rng).await?;
    for indexes in aside {
        load::restore_indexes(&mut tx, indexes).await?;
    }
    phase.done("联系群众");
    let requests = requests::generate(
        &mut tx,
        app.crypto(),
        &masses::villages(&t),
        &branch_members,
        scale,
        &mut rng,
    )
    .await?;
    phase.done("群众诉求");
    let evaluations = evaluation::generate(&mut tx, &t, &branch_members, &mut rng).await?;
    phase.done("三评");
    // Their own stream, so that the figures drawn before them stay as they were.
    let mut outside_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(3));
    enterprises::generate(&mut tx, &t, &branch_members, scale, &mut outside_rng).await?;
    task_forces::generate(&mut tx, &t, &branch_members, scale, &mut outside_rng).await?;
    let indexes = load::set_indexes_aside(&mut tx, "volunteer_signup").await?;
    volunteers::generate(
        &mut tx,
        app.crypto(),
        &t,
        &branch_members,
        scale,
        &mut outside_rng,
    )
    .await?;
    load::restore_indexes(&mut tx, indexes).await?;
    dangjian_store::volunteers::recount_volunteers(&mut tx).await?;
    phase.done("两新组织、突击队和志愿服务");
    // The rollup counts members, orgs, grades and study records: after all of them.
    rollup::rebuild(&mut tx).await?;
    phase.done("汇总计数");
    app.start_life_at(&mut tx, &first_month).await?;
    phase.done("组织生活统计");
    assessment::stars(&mut tx, &t, &mut rng).await?;
    assessment::weak_and_red(&mut tx, &t, scale, &mut rng).await?;
    assessment::contact_points(&mut tx, &t, scale, &mut rng).await?;
    assessment::projects_and_ratings(&mut tx, &t, scale, &mut rng).await?;
    phase.done("组织建设与考核");
    // Their own stream, so that the figures drawn before them stay as they were.
    let mut cadres_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(2));
    cadres::generate(
        &mut tx,
        app.crypto(),
        &masses::villages(&t),
        &branch_members,
        &mut people,
        scale,
        &mut cadres_rng,
    )
    .await?;
    dangjian_store::committee::name_secretaries(&mut tx).await?;
    residents::generate(
        &mut tx,
        app.crypto(),
        &masses::villages(&t),
        &mut people,
        scale,
        &mut cadres_rng,
    )
    .await?;
    if let Some(district) = t.orgs.iter().find(|o| o.parent_id.is_none()) {
        let towns: Vec<&dangjian_store::org::OrgRow> =
            t.towns.iter().map(|&i| &t.orgs[i]).collect();
        talents::generate(
            &mut tx,
            app.crypto(),
            district,
            &towns,
            &mut people,
            scale,
            &mut cadres_rng,
        )
        .await?;
    }
    // The committees' structure is counted from the posts just written.
    rollup::rebuild_committees(&mut tx).await?;
    phase.done("两委、后备力量、驻村工作队和人才");
    setting::set(&mut tx, setting::DEMO, "1").await?;
    if app.db.backend() == Backend::Postgres {
        org::reset_sequences(&mut tx).await?;
    }
    load::restore_foreign_keys(&mut tx, keys).await?;
    phase.done("外键校验");
    tx.commit()
        .await
        .map_err(dangjian_store::StoreError::from)?;
    phase.done("提交");
    app.db.analyze().await?;
    phase.done("统计信息");

    let accounts = accounts(app, &t, baitao_member, password).await?;
    app.db.checkpoint().await?;
    phase.done("账号和检查点");
    Ok(Summary {
        orgs: t.orgs.len(),
        members: (next_id - 1) as usize,
        meetings,
        attendance,
        masses,
        requests,
        evaluations,
        accounts,
    })
}

/// Logs how long each part of the generation took, so that a slow part shows itself.
struct Phases(std::time::Instant);

impl Phases {
    fn start() -> Self {
        Phases(std::time::Instant::now())
    }

    fn done(&mut self, what: &str) {
        tracing::info!("演示数据：{what}，用时 {} ms", self.0.elapsed().as_millis());
        self.0 = std::time::Instant::now();
    }
}

async fn accounts(
    app: &App,
    t: &Tree,
    baitao_member: Option<i64>,
    password: &str,
) -> ServiceResult<Vec<Account>> {
    let system = Actor::system("demo");
    let root = &t.orgs[0];
    // Display names say who the person is; the header adds the role and the scope.
    let mut conn = app.db.conn().await?;
    let secretary = match t.baitao_branch {
        Some(b) => org::get(&mut conn, t.orgs[b].id)
            .await?
            .and_then(|o| o.secretary),
        None => None,
    };
    let member_name = match baitao_member {
        Some(id) => member::get(&mut conn, id).await?.map(|m| m.name),
        None => None,
    };
    drop(conn);
    let mut specs: Vec<(
        String,
        String,
        &str,
        &dangjian_store::org::OrgRow,
        Option<i64>,
    )> = vec![
        (
            "admin".into(),
            "组织部干部".into(),
            "district_admin",
            root,
            None,
        ),
        (
            "security".into(),
            "安全管理员".into(),
            "security_admin",
            root,
            None,
        ),
        ("auditor".into(), "审计专员".into(), "auditor", root, None),
        (
            "screen".into(),
            "组织部大厅大屏".into(),
            "display",
            root,
            None,
        ),
    ];
    for &town in &t.towns {
        let o = &t.orgs[town];
        specs.push((
            format!("town-{}", o.code),
            "组织干事".into(),
            "town_admin",
            o,
            None,
        ));
    }
    if let Some(c) = t.baitao_community {
        specs.push((
            "baitao-village".into(),
            "党务干事".into(),
            "village_admin",
            &t.orgs[c],
            None,
        ));
    }
    if let Some(b) = t.baitao_branch {
        specs.push((
            "baitao-secretary".into(),
            secretary.clone().unwrap_or_else(|| "支部书记".into()),
            "branch_secretary",
            &t.orgs[b],
            None,
        ));
        if baitao_member.is_some() {
            specs.push((
                "baitao-member".into(),
                member_name.clone().unwrap_or_else(|| "党员".into()),
                "member",
                &t.orgs[b],
                baitao_member,
            ));
        }
    }
    let mut out = Vec::new();
    for (username, display, role, o, member_id) in specs {
        let scope = o.id.to_string();
        let spec = UserSpec {
            username: &username,
            display_name: &display,
            password,
            role,
            scope: &scope,
            member_id,
        };
        app.add_user(&system, &spec).await?;
        out.push(Account {
            username,
            role: role.into(),
            scope_org_id: o.id,
            scope_org_name: o.name.clone(),
        });
    }
    Ok(out)
}
