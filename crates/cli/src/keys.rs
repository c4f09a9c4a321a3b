//! The data key (encryption at rest) and the demo database's life cycle.

use std::path::{Path, PathBuf};

use dangjian_service::Crypto;
use dangjian_service::database::{Database, Engine};

pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

pub fn default_key_file(url: &str) -> PathBuf {
    match sqlite_file(url) {
        Some(f) => {
            let mut s = f.into_os_string();
            s.push(".key");
            PathBuf::from(s)
        }
        None => PathBuf::from("dangjian.key"),
    }
}

/// The key from DANGJIAN_DATA_KEY or the key file, never a new one (a restore checks a copy
/// against the key the deployment holds).
pub fn existing(url: &str, key_file: Option<&Path>) -> Result<Crypto, String> {
    if let Ok(hex) = std::env::var("DANGJIAN_DATA_KEY") {
        return Crypto::from_hex(&hex).map_err(|e| e.to_string());
    }
    let path = key_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_key_file(url));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("无法读取数据密钥 {}：{e}", path.display()))?;
    Crypto::from_hex(&text).map_err(|e| format!("{}：{e}", path.display()))
}

/// The key from DANGJIAN_DATA_KEY, or from the key file; a new key file is written only
/// for a database that holds no data yet.
pub async fn load(url: &str, key_file: Option<&Path>, db: &Database) -> Result<Crypto, String> {
    if let Ok(hex) = std::env::var("DANGJIAN_DATA_KEY") {
        return Crypto::from_hex(&hex).map_err(|e| e.to_string());
    }
    let path = key_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_key_file(url));
    match std::fs::read_to_string(&path) {
        Ok(text) => Crypto::from_hex(&text).map_err(|e| format!("{}：{e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if db.has_data().await.map_err(|e| e.to_string())? {
                return Err(format!(
                    "找不到数据密钥文件 {}：数据库已有数据，必须使用写入时的密钥",
                    path.display()
                ));
            }
            let hex = Crypto::generate_hex();
            write_private(&path, &hex)?;
            eprintln!(
                "已生成新的数据密钥：{}（请与数据库分开备份）",
                path.display()
            );
            Crypto::from_hex(&hex).map_err(|e| e.to_string())
        }
        Err(e) => Err(format!("无法读取数据密钥 {}：{e}", path.display())),
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| format!("无法创建密钥文件 {}：{e}", path.display()))?;
        f.write_all(text.as_bytes()).map_err(|e| e.to_string())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, text).map_err(|e| e.to_string())
    }
}

/// Empties a demo database so it can be generated anew; refuses one that is not a demo.
pub async fn reset_demo(url: &str, key_file: Option<&Path>) -> Result<(), String> {
    let db = Database::connect(url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let has_data = db.has_data().await.map_err(|e| e.to_string())?;
    let is_demo = db.is_demo().await.map_err(|e| e.to_string())?;
    if has_data && !is_demo {
        return Err(format!("{url} 不是演示数据库，拒绝覆盖"));
    }
    let engine = db.engine();
    if has_data || engine == Engine::Sqlite {
        match engine {
            Engine::Sqlite => {
                db.close().await;
                if let Some(f) = sqlite_file(url) {
                    for suffix in ["", "-wal", "-shm"] {
                        let mut p = f.clone().into_os_string();
                        p.push(suffix);
                        let _ = std::fs::remove_file(PathBuf::from(p));
                    }
                }
            }
            Engine::Postgres => db.reset_schema().await.map_err(|e| e.to_string())?,
        }
        let key = key_file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| default_key_file(url));
        let _ = std::fs::remove_file(key);
    }
    Ok(())
}
