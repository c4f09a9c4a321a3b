//! The one door to the data. Every call carries the acting user; whether an object lies in
//! the actor's subtree is decided here, never in a handler. Every write appends its audit
//! row in the same transaction.

pub mod accounts;
mod actor;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod book;
pub mod cadres;
mod crypto;
pub mod database;
pub mod document;
pub mod dues;
pub mod enterprises;
mod error;
mod export;
pub mod health;
pub mod import;
pub mod life;
mod limit;
pub mod masses;
pub mod me;
pub mod members;
mod model;
pub mod org_roster;
pub mod orgs;
pub mod recruit;
pub mod remind;
pub mod request;
pub mod screen;
pub mod seed;
pub mod stats;
pub mod task_forces;
pub mod transfer;
pub mod volunteers;

use dangjian_store::{Db, setting};
use time::{Date, OffsetDateTime, UtcOffset};

pub use actor::{Actor, SessionInfo};
pub use crypto::{Crypto, KeyError, Reencrypted, Suite};
pub use error::{ServiceError, ServiceResult};

/// Limits and rules a deployment may change.
#[derive(Debug, Clone)]
pub struct Config {
    /// The first wait of a login past its free tries, doubled with each further failure, and
    /// the longest. (The free tries, password rules and session lifetimes are the security
    /// administrator's, kept in the database: see `accounts::security`.)
    pub login_wait_ms: i64,
    pub max_login_wait_ms: i64,
    /// Proxies whose `X-Real-IP` names the client; from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The token `/metrics` asks for (`Authorization: Bearer`); without one it is not served.
    pub metrics_token: Option<String>,
    /// The address users reach the platform at (`https://dangjian.example.gov.cn`), without a
    /// trailing slash: QR codes carry it rather than the request's Host header, and when it
    /// is https every cookie is `Secure` and every answer carries HSTS.
    pub public_url: Option<String>,
    /// Refused attempts of one kind (account, address, route) are written once in this
    /// window; the repeats are counted and written with the next row.
    pub denied_window_ms: i64,
    /// The algorithms a new database is created with (`init --crypto sm`). A database keeps
    /// the suite it was created with; asking an existing one for another is refused.
    pub suite: Option<Suite>,
    pub member_rules: dangjian_domain::member::MemberRules,
    pub dues_rules: dangjian_domain::dues::DuesRules,
    pub transfer_rules: dangjian_domain::transfer::TransferRules,
    pub recruit_rules: dangjian_domain::recruit::RecruitRules,
    pub masses_rules: dangjian_domain::masses::MassesRules,
    pub request_rules: dangjian_domain::request::RequestRules,
    pub evaluation_rules: dangjian_domain::evaluation::EvaluationRules,
}

impl Config {
    /// Whether users reach the platform over https (so that cookies are `Secure` and HSTS is
    /// sent).
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            login_wait_ms: 1_000,
            max_login_wait_ms: 15 * 60 * 1000,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            public_url: None,
            denied_window_ms: 10 * 60 * 1000,
            suite: None,
            member_rules: Default::default(),
            dues_rules: Default::default(),
            transfer_rules: Default::default(),
            recruit_rules: Default::default(),
            masses_rules: Default::default(),
            request_rules: Default::default(),
            evaluation_rules: Default::default(),
        }
    }
}

/// The application: database, keys and rules.
#[derive(Clone)]
pub struct App {
    db: Db,
    crypto: Crypto,
    pub config: Config,
    /// Wrong check-in codes per member, so that a code cannot be guessed from afar.
    checkin_misses: life::checkin::Misses,
    /// Public submissions per network address in the last hour.
    request_submits: limit::Window<String>,
    /// Wrong tracking code and phone pairs per network address.
    request_track_misses: limit::Window<String>,
    /// Progress of the imports this process is writing.
    imports: import::Running,
    /// Failed logins per account and address.
    login_failures: limit::Throttle<(String, String)>,
    /// The security policy, read at opening and replaced when the security administrator
    /// changes it.
    security: accounts::security::Current,
    /// Refused attempts counted in their window (see `audit::denied`).
    denials: audit::Denials,
}

/// China Standard Time: dates on forms and deadlines are local dates in Chongqing.
const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(CST).date()
}

pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `crypto` in the database's suite. A new database (no key check yet) takes the one asked
/// for, or the standard one; an existing database keeps its own, and asking it for another
/// is refused rather than ignored.
async fn adopt_suite(
    conn: &mut dangjian_store::Conn,
    crypto: Crypto,
    asked: Option<Suite>,
) -> ServiceResult<Crypto> {
    let stored = setting::get(conn, setting::CRYPTO_SUITE).await?;
    let fresh = setting::get(conn, setting::KEY_CHECK).await?.is_none();
    let suite = match stored.as_deref() {
        Some(name) => Suite::parse(name)
            .ok_or_else(|| ServiceError::Config(format!("数据库记录的密码算法 {name} 无法识别")))?,
        None if fresh => {
            let suite = asked.unwrap_or_default();
            setting::set(conn, setting::CRYPTO_SUITE, suite.name()).await?;
            suite
        }
        None => Suite::Standard,
    };
    if let Some(asked) = asked
        && asked != suite
    {
        return Err(ServiceError::Config(format!(
            "数据库已使用 {}，不能改为 {}：迁移到国密请运行 dangjian crypto reencrypt --to sm",
            suite.label(),
            asked.label()
        )));
    }
    Ok(crypto.with_suite(suite))
}

impl App {
    /// Opens the application on a migrated database, checking that `crypto` is the key the
    /// data was written with (a fresh database adopts it).
    pub async fn open(
        database: database::Database,
        crypto: Crypto,
        config: Config,
    ) -> ServiceResult<App> {
        let db = database.0;
        let mut conn = db.conn().await?;
        let crypto = adopt_suite(&mut conn, crypto, config.suite).await?;
        let check = crypto.key_check();
        match setting::get(&mut conn, setting::KEY_CHECK).await? {
            Some(stored) if stored != check => return Err(ServiceError::Config(
                "数据密钥与数据库不匹配：请使用写入这些数据时的密钥（DANGJIAN_DATA_KEY 或密钥文件）".into(),
            )),
            Some(_) => {}
            None => setting::set(&mut conn, setting::KEY_CHECK, &check).await?,
        }
        drop(conn);
        let request_submits =
            limit::Window::new(config.request_rules.max_per_ip_per_hour, 60 * 60 * 1000);
        let request_track_misses =
            limit::Window::new(config.request_rules.max_track_misses, 15 * 60 * 1000);
        let security = accounts::security::Current::load(&db).await?;
        let login_failures = limit::Throttle::new(
            security.get().free_failed_logins,
            config.login_wait_ms,
            config.max_login_wait_ms,
        );
        let app = App {
            login_failures,
            security,
            denials: Default::default(),
            db,
            crypto,
            config,
            checkin_misses: life::checkin::misses(),
            request_submits,
            request_track_misses,
            imports: Default::default(),
        };
        // Before anything writes a row: every row from here on is keyed.
        app.mark_keyed_audit().await?;
        app.ensure_rollup_metrics().await?;
        app.ensure_life_rules().await?;
        app.ensure_life_year().await?;
        app.ensure_sort_names().await?;
        Ok(app)
    }

    /// Natural-order keys for grids and service units written before they were kept: once,
    /// since every write keeps them from then on.
    async fn ensure_sort_names(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        let done = setting::get(&mut conn, setting::SORT_NAMES)
            .await?
            .is_some();
        drop(conn);
        if done {
            return Ok(());
        }
        let mut tx = self.db.begin_write().await?;
        dangjian_store::masses::fill_sort_names(&mut tx).await?;
        setting::set(&mut tx, setting::SORT_NAMES, "1").await?;
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }

    /// Recomputes the rollup when it was kept by a version that counted fewer metrics.
    async fn ensure_rollup_metrics(&self) -> ServiceResult<()> {
        use dangjian_store::rollup;
        let mut conn = self.db.conn().await?;
        let stored = setting::get(&mut conn, setting::ROLLUP_METRICS).await?;
        drop(conn);
        if stored.as_deref() == Some(rollup::METRICS_VERSION) {
            return Ok(());
        }
        let mut tx = self.db.begin_write().await?;
        rollup::rebuild(&mut tx).await?;
        setting::set(&mut tx, setting::ROLLUP_METRICS, rollup::METRICS_VERSION).await?;
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }

    pub fn crypto(&self) -> &Crypto {
        &self.crypto
    }

    pub async fn is_demo(&self) -> ServiceResult<bool> {
        let mut conn = self.db.conn().await?;
        Ok(setting::get(&mut conn, setting::DEMO).await?.as_deref() == Some("1"))
    }
}
