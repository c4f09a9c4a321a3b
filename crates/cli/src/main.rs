//! `dangjian`: the command line of the party-building cloud.

use dangjian::keys;
use dangjian_service::seed as demo;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dangjian_service::accounts::UserSpec;
use dangjian_service::database::Database;
use dangjian_service::import::{FileImport, RosterKind};
use dangjian_service::{Actor, App, Config, ServiceError, Suite};

#[derive(Parser)]
#[command(
    name = "dangjian",
    version,
    about = "智慧党建云：区—镇街—村(社区)三级党建平台"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// sqlite://FILE or postgres://USER@HOST/DB
    #[arg(
        long,
        env = "DANGJIAN_DATABASE_URL",
        default_value = "sqlite://dangjian.db"
    )]
    database_url: String,
    /// File holding the 32-byte data key in hex (default: beside a SQLite file, else ./dangjian.key).
    /// DANGJIAN_DATA_KEY, when set, gives the key itself.
    #[arg(long, env = "DANGJIAN_KEY_FILE")]
    key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web application and the API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "DANGJIAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Create a fresh demo database shaped like Fuling, print its accounts and serve it.
    Demo(DemoArgs),
    /// A consistent copy of the live SQLite database while it serves (PostgreSQL: pg_dump).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The copy to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the SQLite database with a backup, after checking the copy: integrity, the
    /// migrations, the data key, the audit chain and the counters. Stop the server first.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        from: PathBuf,
    },
    /// Start a real deployment: create the root organization and the first district admin.
    Init {
        #[command(flatten)]
        db: DbArgs,
        /// Name of the root, e.g. 涪陵区委.
        #[arg(long)]
        name: String,
        /// Code of the root, e.g. 500102.
        #[arg(long)]
        code: String,
        /// Username of the first district admin.
        #[arg(long, default_value = "admin")]
        admin: String,
        #[arg(long, env = "DANGJIAN_PASSWORD", hide_env_values = true)]
        password: String,
        /// The algorithms the data is protected with, kept for the database's life: `sm`
        /// (国密 SM4-GCM, HMAC-SM3) or `standard` (ChaCha20-Poly1305, HMAC-SHA-256, the default).
        #[arg(long, env = "DANGJIAN_CRYPTO", value_parser = parse_suite)]
        crypto: Option<Suite>,
    },
    /// Move the data to other algorithms (`--to sm`): every encrypted value and keyed index
    /// is rewritten in one transaction. Stop the server first; sessions end, and unused
    /// recovery codes must be made again.
    Crypto {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        cmd: CryptoCmd,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage accounts.
    User {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Import a roster from an xlsx file laid out as the web template.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        what: ImportCmd,
    },
    /// Export a roster to an xlsx file that imports back.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        what: ExportCmd,
    },
    /// Check the audit log's hash chain.
    Audit {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        cmd: AuditCmd,
    },
}

#[derive(Subcommand)]
enum CryptoCmd {
    /// Which algorithms the database uses.
    Status,
    /// Re-encrypt the database with other algorithms.
    Reencrypt {
        #[arg(long, value_parser = parse_suite)]
        to: Suite,
    },
}

fn parse_suite(s: &str) -> Result<Suite, String> {
    Suite::parse(s).ok_or_else(|| format!("密码算法应为 sm（国密）或 standard：{s}"))
}

#[derive(Args)]
struct DemoArgs {
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    #[arg(
        long,
        env = "DANGJIAN_DATABASE_URL",
        default_value = "sqlite://dangjian-demo.db"
    )]
    database_url: String,
    #[arg(long, env = "DANGJIAN_KEY_FILE")]
    key_file: Option<PathBuf>,
    #[arg(long, env = "DANGJIAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// One password for every demo account (at least 12 characters); random when absent.
    #[arg(long)]
    password: Option<String>,
    /// Also write the accounts as JSON to this file.
    #[arg(long)]
    accounts_json: Option<PathBuf>,
    /// Generate only; do not start the server.
    #[arg(long)]
    no_serve: bool,
    /// The algorithms the demo's data is protected with: `standard` or `sm` (国密).
    #[arg(long, env = "DANGJIAN_CRYPTO", default_value = "standard", value_parser = parse_suite)]
    crypto: Suite,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add an account; the password is read from DANGJIAN_PASSWORD or --password. The only
    /// way to open the security and audit duties (三权分立), which no web page can create.
    Add {
        username: String,
        /// district_admin, town_admin, village_admin, branch_secretary, member,
        /// security_admin or auditor.
        #[arg(long)]
        role: String,
        /// Scope org: id or code.
        #[arg(long)]
        scope: String,
        #[arg(long)]
        name: Option<String>,
        /// The member record of a `member` account.
        #[arg(long)]
        member: Option<i64>,
        #[arg(long, env = "DANGJIAN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Set a new password (ends the user's sessions).
    Passwd {
        username: String,
        #[arg(long, env = "DANGJIAN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Members into the subtree of an org: every row is checked first; with any refused row
    /// nothing is written unless --skip-invalid.
    Members {
        file: PathBuf,
        /// Code of the org whose subtree receives the members (rows name their branch).
        #[arg(long)]
        org: String,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and leave out the refused ones.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Organizations to set up under an org: rows name their parent by code (an org in its
    /// subtree or another row); with any refused row nothing is written unless --skip-invalid.
    Orgs {
        file: PathBuf,
        /// Code of the org under which the rows are set up.
        #[arg(long)]
        org: String,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and leave out the refused ones.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand)]
enum ExportCmd {
    /// The members of an org's subtree; ID numbers and phones masked unless a reason is given.
    Members {
        #[arg(long)]
        org: String,
        file: PathBuf,
        /// Export full ID numbers and phones, for this reason (audited).
        #[arg(long)]
        unmask_reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the chain and report the first changed or missing row; with --checkpoints,
    /// also check each checkpoint line of that file (rows removed from the end, an older
    /// copy restored).
    Verify {
        #[arg(long)]
        checkpoints: Option<std::path::PathBuf>,
    },
    /// Print a signed checkpoint of the chain (sequence, MAC, time) to keep elsewhere.
    Checkpoint,
    /// Once, after upgrading a database written before the chain was keyed: check the rows
    /// there are, then link every later row with the data key.
    Key,
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::FAILURE
}

fn explain(e: &ServiceError) -> String {
    match e {
        ServiceError::Invalid(errs) => errs
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

async fn open(db: &DbArgs) -> Result<App, String> {
    let database = Database::connect(&db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    open_on(db, database, None).await
}

/// Opens the platform on `database`; a new database is created with `suite` (default the
/// standard one), an existing one must already use it.
async fn open_on(db: &DbArgs, database: Database, suite: Option<Suite>) -> Result<App, String> {
    database.migrate().await.map_err(|e| e.to_string())?;
    let crypto = keys::load(&db.database_url, db.key_file.as_deref(), &database).await?;
    let config = Config {
        suite,
        ..config_from_env()?
    };
    App::open(database, crypto, config)
        .await
        .map_err(|e| explain(&e))
}

/// The settings the environment gives: `DANGJIAN_TRUSTED_PROXIES` (addresses, separated by
/// commas, whose `X-Real-IP` names the client), `DANGJIAN_METRICS_TOKEN` (what `/metrics`
/// asks for; without it `/metrics` is not served) and `DANGJIAN_PUBLIC_URL` (the address users
/// reach the platform at; https makes cookies `Secure` and sends HSTS).
fn config_from_env() -> Result<Config, String> {
    let mut config = Config::default();
    if let Ok(list) = std::env::var("DANGJIAN_TRUSTED_PROXIES") {
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let ip = item.parse().map_err(|_| {
                format!("DANGJIAN_TRUSTED_PROXIES 中的 {item} 不是 IP 地址（多个地址用逗号分隔）")
            })?;
            config.trusted_proxies.push(ip);
        }
    }
    if let Ok(token) = std::env::var("DANGJIAN_METRICS_TOKEN") {
        if token.len() < 24 {
            return Err("DANGJIAN_METRICS_TOKEN 至少须 24 个字符".into());
        }
        config.metrics_token = Some(token);
    }
    if let Ok(url) = std::env::var("DANGJIAN_PUBLIC_URL") {
        let url = url.trim().trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or_default();
        if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
            return Err(format!(
                "DANGJIAN_PUBLIC_URL 应为 https://主机名[:端口]，不含路径：{url}"
            ));
        }
        config.public_url = Some(url.to_string());
    }
    Ok(config)
}

async fn listen(addr: &str) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("无法监听 {addr}：{e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DANGJIAN_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli.cmd).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

async fn run(cmd: Cmd) -> Result<(), String> {
    match cmd {
        Cmd::Serve { db, listen: addr } => serve(&db, &addr).await,
        Cmd::Demo(args) => demo_cmd(args).await,
        Cmd::Init {
            db,
            name,
            code,
            admin,
            password,
            crypto,
        } => init(&db, &name, &code, &admin, &password, crypto).await,
        Cmd::Crypto { db, cmd } => crypto_cmd(&db, cmd).await,
        Cmd::Migrate { db } => migrate(&db).await,
        Cmd::User { db, cmd } => user(&db, cmd).await,
        Cmd::Import { db, what } => import(&db, what).await,
        Cmd::Export {
            db,
            what:
                ExportCmd::Members {
                    org,
                    file,
                    unmask_reason,
                },
        } => export(&db, &org, &file, unmask_reason.as_deref()).await,
        Cmd::Backup { db, to } => {
            let app = open(&db).await?;
            app.backup_to(&to).await.map_err(|e| explain(&e))?;
            app.close().await;
            println!("已备份到 {}（请与数据密钥分开保存）", to.display());
            Ok(())
        }
        Cmd::Restore { db, from } => restore(&db, &from).await,
        Cmd::Audit {
            db,
            cmd: AuditCmd::Verify { checkpoints },
        } => audit(&db, checkpoints.as_deref()).await,
        Cmd::Audit {
            db,
            cmd: AuditCmd::Checkpoint,
        } => {
            let app = open(&db).await?;
            let c = app.audit_checkpoint().await.map_err(|e| explain(&e))?;
            println!("{}", c.line());
            Ok(())
        }
        Cmd::Audit {
            db,
            cmd: AuditCmd::Key,
        } => key_audit(&db).await,
    }
}

async fn serve(db: &DbArgs, addr: &str) -> Result<(), String> {
    let app = open(db).await?;
    let listener = listen(addr).await?;
    println!("智慧党建云已启动：http://{addr}");
    dangjian_web::serve(app, listener)
        .await
        .map_err(|e| e.to_string())
}

/// `demo`: a fresh demo database, its accounts printed, then served unless `--no-serve`.
async fn demo_cmd(args: DemoArgs) -> Result<(), String> {
    let DemoArgs {
        scale,
        seed,
        database_url,
        key_file,
        listen: addr,
        password,
        accounts_json,
        no_serve,
        crypto,
    } = args;
    if !(scale > 0.0 && scale <= 100.0) {
        return Err("--scale 应在 0 到 100 之间".into());
    }
    let password = password.unwrap_or_else(dangjian_service::auth::random_password);
    let db = DbArgs {
        database_url,
        key_file,
    };
    keys::reset_demo(&db.database_url, db.key_file.as_deref()).await?;
    let loading = Database::connect_for_load(&db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let app = open_on(&db, loading, Some(crypto)).await?;
    app.check_password(&password).map_err(|e| explain(&e))?;
    let started = std::time::Instant::now();
    let summary = demo::generate(&app, scale, seed, &password)
        .await
        .map_err(|e| explain(&e))?;
    println!(
        "演示数据已生成（scale {scale}, seed {seed}）：{} 个组织节点，{} 名党员，{} 次会议，{} 条出勤记录，\
         {} 个网格，{} 户住户（{} 户已落实联系党员），{} 件好事实事，{} 名在职党员社区报到，{} 个服务单元，{} 件群众诉求，{} 份三评（{} 个村社区已公开），用时 {:.1} 秒",
        summary.orgs,
        summary.members,
        summary.meetings,
        summary.attendance,
        summary.masses.grids,
        summary.masses.households,
        summary.masses.paired,
        summary.masses.deeds,
        summary.masses.reported,
        summary.masses.units,
        summary.requests,
        summary.evaluations.responses,
        summary.evaluations.published,
        started.elapsed().as_secs_f64()
    );
    println!("演示账号（密码均为：{password}）：");
    println!(
        "  管理员、安全管理员和审计管理员首次登录时须用手机验证器扫码绑定两步验证；支部书记和党员只需密码。"
    );
    for a in &summary.accounts {
        println!(
            "  {:<22} {:<16} {}（#{}）",
            a.username, a.role, a.scope_org_name, a.scope_org_id
        );
    }
    if let Some(path) = accounts_json {
        let json = serde_json::to_string_pretty(&summary.accounts).map_err(|e| e.to_string())?;
        std::fs::write(&path, json).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    }
    app.close().await;
    if no_serve {
        return Ok(());
    }
    let app = open(&db).await?;
    let listener = listen(&addr).await?;
    println!("请访问 http://{addr} 登录");
    dangjian_web::serve(app, listener)
        .await
        .map_err(|e| e.to_string())
}

/// `init`: the root organization and the first district admin of a real deployment.
async fn init(
    db: &DbArgs,
    name: &str,
    code: &str,
    admin: &str,
    password: &str,
    suite: Option<Suite>,
) -> Result<(), String> {
    let database = Database::connect(&db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let app = open_on(db, database, suite).await?;
    app.check_password(password).map_err(|e| explain(&e))?;
    let system = Actor::system("init");
    let root = app
        .create_root(&system, name, code)
        .await
        .map_err(|e| explain(&e))?;
    let scope = root.id.to_string();
    let spec = UserSpec {
        username: admin,
        display_name: "区委组织部管理员",
        password,
        role: "district_admin",
        scope: &scope,
        member_id: None,
    };
    app.add_user(&system, &spec)
        .await
        .map_err(|e| explain(&e))?;
    println!(
        "已建立根组织 {name}（{code}）和管理员 {admin}；数据以 {} 保护",
        app.crypto().suite().label()
    );
    Ok(())
}

/// `crypto status` and `crypto reencrypt`.
async fn crypto_cmd(db: &DbArgs, cmd: CryptoCmd) -> Result<(), String> {
    let app = open(db).await?;
    let to = match cmd {
        CryptoCmd::Status => {
            println!("数据以 {} 保护", app.crypto().suite().label());
            app.close().await;
            return Ok(());
        }
        CryptoCmd::Reencrypt { to } => to,
    };
    let started = std::time::Instant::now();
    let done = app
        .reencrypt(&Actor::system("cli"), to)
        .await
        .map_err(|e| explain(&e))?;
    app.close().await;
    for (what, n) in &done.values {
        println!("  {what}：{n} 个");
    }
    println!("  诉求地址索引：{} 个", done.request_addresses);
    // Opened again as the server will open it: the new suite, the chain verified.
    let app = open(db).await?;
    let report = app.verify_audit().await.map_err(|e| explain(&e))?;
    app.close().await;
    if let Some((seq, why)) = report.problem {
        return Err(format!("迁移后审计日志校验失败：第 {seq} 条，{why}"));
    }
    println!(
        "已迁移到 {}（用时 {:.1} 秒），审计日志 {} 条校验通过；所有会话已结束，{} 个账号须重新生成恢复码",
        to.label(),
        started.elapsed().as_secs_f64(),
        report.rows,
        done.recovery_accounts
    );
    Ok(())
}

async fn migrate(db: &DbArgs) -> Result<(), String> {
    let database = Database::connect(&db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let applied = database.migrate().await.map_err(|e| e.to_string())?;
    if applied.is_empty() {
        println!("数据库已是最新");
    } else {
        println!("已应用迁移：{}", applied.join(", "));
    }
    Ok(())
}

async fn user(db: &DbArgs, cmd: UserCmd) -> Result<(), String> {
    let app = open(db).await?;
    let system = Actor::system("cli");
    match cmd {
        UserCmd::Add {
            username,
            role,
            scope,
            name,
            member,
            password,
        } => {
            let display = name.unwrap_or_else(|| username.clone());
            let spec = UserSpec {
                username: &username,
                display_name: &display,
                password: &password,
                role: &role,
                scope: &scope,
                member_id: member,
            };
            let id = app
                .add_user(&system, &spec)
                .await
                .map_err(|e| explain(&e))?;
            println!("已创建用户 {username}（#{id}）");
        }
        UserCmd::Passwd { username, password } => {
            app.set_password(&system, &username, &password)
                .await
                .map_err(|e| explain(&e))?;
            println!("已为 {username} 设置新密码");
        }
        UserCmd::Disable { username } => {
            app.set_disabled(&system, &username, true)
                .await
                .map_err(|e| explain(&e))?;
            println!("已停用 {username}");
        }
        UserCmd::Enable { username } => {
            app.set_disabled(&system, &username, false)
                .await
                .map_err(|e| explain(&e))?;
            println!("已启用 {username}");
        }
        UserCmd::List => {
            for u in app.users().await.map_err(|e| explain(&e))? {
                let state = if u.disabled { "停用" } else { "正常" };
                println!(
                    "{:<6} {:<22} {:<16} {:<24} {state}",
                    u.id, u.username, u.role, u.scope_name
                );
            }
        }
    }
    Ok(())
}

/// `import`: a roster of members or organizations under an org, all rows or none.
async fn import(db: &DbArgs, what: ImportCmd) -> Result<(), String> {
    let (kind, file, org, dry_run, skip_invalid) = match what {
        ImportCmd::Members {
            file,
            org,
            dry_run,
            skip_invalid,
        } => (RosterKind::Members, file, org, dry_run, skip_invalid),
        ImportCmd::Orgs {
            file,
            org,
            dry_run,
            skip_invalid,
        } => (RosterKind::Orgs, file, org, dry_run, skip_invalid),
    };
    let app = open(db).await?;
    let system = Actor::system("import");
    let root = app
        .org_by_code(&system, &org)
        .await
        .map_err(|e| explain(&e))?;
    let bytes = std::fs::read(&file).map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let how = FileImport {
        kind,
        skip_invalid,
        dry_run,
    };
    let outcome = app
        .import_file(&system, &root, how, &name, bytes)
        .await
        .map_err(|e| explain(&e))?;
    for e in &outcome.invalid {
        for (col, msg) in &e.problems {
            eprintln!("第 {} 行 {col}：{msg}", e.line);
        }
    }
    println!(
        "共 {} 行：有效 {} 行，有误 {} 行；已导入 {} 行",
        outcome.total,
        outcome.valid,
        outcome.invalid.len(),
        outcome.written
    );
    if dry_run {
        println!("试运行：未写入任何数据");
    }
    if !outcome.invalid.is_empty() && !skip_invalid && !dry_run {
        return Err(
            "有误的行未修正，未写入任何数据（修正后重试，或加 --skip-invalid 只导入有效行）".into(),
        );
    }
    Ok(())
}

/// `export members`: a subtree's roster, masked unless a reason is given (audited).
async fn export(
    db: &DbArgs,
    org: &str,
    file: &std::path::Path,
    unmask_reason: Option<&str>,
) -> Result<(), String> {
    let app = open(db).await?;
    let system = Actor::system("export");
    let root = app
        .org_by_code(&system, org)
        .await
        .map_err(|e| explain(&e))?;
    let q = dangjian_service::members::MemberQuery {
        org: Some(root.id),
        ..Default::default()
    };
    let (_, rows) = app
        .export_members(&system, &q, unmask_reason)
        .await
        .map_err(|e| explain(&e))?;
    let n = rows.len();
    let bytes = app.roster_xlsx(rows).map_err(|e| explain(&e))?;
    std::fs::write(file, bytes).map_err(|e| format!("无法写入 {}：{e}", file.display()))?;
    println!("已导出 {n} 名党员到 {}", file.display());
    Ok(())
}

async fn key_audit(db: &DbArgs) -> Result<(), String> {
    let database = Database::connect(&db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    database.migrate().await.map_err(|e| e.to_string())?;
    let crypto = keys::load(&db.database_url, db.key_file.as_deref(), &database).await?;
    let rows = dangjian_service::audit::key_audit_chain(&database, &crypto)
        .await
        .map_err(|e| explain(&e))?;
    println!("已校验 {rows} 条审计记录；此后的记录以密钥链接");
    Ok(())
}

/// Checks a copy beside the database, then puts it in the database's place.
async fn restore(db: &DbArgs, from: &std::path::Path) -> Result<(), String> {
    let target = keys::sqlite_file(&db.database_url)
        .ok_or("restore 只用于 SQLite；PostgreSQL 请用 pg_restore（见运维文档）")?;
    let crypto = keys::existing(&db.database_url, db.key_file.as_deref())?;
    let mut staged = target.clone().into_os_string();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    let sidecars = |p: &std::path::Path| {
        ["-wal", "-shm", "-journal"].map(|s| {
            let mut f = p.to_path_buf().into_os_string();
            f.push(s);
            PathBuf::from(f)
        })
    };
    for f in std::iter::once(staged.clone()).chain(sidecars(&staged)) {
        let _ = std::fs::remove_file(f);
    }
    std::fs::copy(from, &staged).map_err(|e| format!("无法读取备份 {}：{e}", from.display()))?;
    let url = format!("sqlite://{}", staged.display());
    let report = match dangjian_service::backup::check_copy(&url, crypto).await {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(format!(
                "备份未通过检查，数据库未作任何改动：{}",
                explain(&e)
            ));
        }
    };
    for f in sidecars(&target).into_iter().chain(sidecars(&staged)) {
        let _ = std::fs::remove_file(f);
    }
    std::fs::rename(&staged, &target)
        .map_err(|e| format!("无法替换数据库 {}：{e}", target.display()))?;
    println!(
        "已从 {} 恢复：组织 {} 个，党员 {} 名，审计记录 {} 条，哈希链和统计数校验通过",
        from.display(),
        report.orgs,
        report.members,
        report.audit_rows
    );
    Ok(())
}

async fn audit(db: &DbArgs, checkpoints: Option<&std::path::Path>) -> Result<(), String> {
    let app = open(db).await?;
    let report = app.verify_audit().await.map_err(|e| explain(&e))?;
    if let Some((seq, why)) = report.problem {
        return Err(format!("审计日志校验失败：第 {seq} 条，{why}"));
    }
    println!("审计日志完整：共 {} 条记录，哈希链校验通过", report.rows);
    if let Some(path) = checkpoints {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("无法读取检查点文件 {}：{e}", path.display()))?;
        let mut checked = 0;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let c = dangjian_service::audit::Checkpoint::parse(line)
                .ok_or_else(|| format!("检查点文件第 {} 行格式不对", n + 1))?;
            app.check_checkpoint(&c)
                .await
                .map_err(|e| explain(&e))?
                .map_err(|why| format!("检查点文件第 {} 行：{why}", n + 1))?;
            checked += 1;
        }
        println!("{checked} 个检查点均与日志一致");
    }
    Ok(())
}
