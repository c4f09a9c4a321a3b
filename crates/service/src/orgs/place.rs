//! Names that say where: an organization shown outside its parent's page is named with its
//! parents below the reader's scope ("白涛街道 / 音观社区 / 第二党支部"), so that two
//! 第一党支部 in a list can be told apart.

use std::collections::HashMap;

use dangjian_domain::path;
use dangjian_store::{Conn, org};

use crate::ServiceResult;

/// Joins the names of a place's levels.
pub const SEPARATOR: &str = " / ";

/// An organization of a list named with its parents below the caller's scope.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Place {
    pub org_id: i64,
    /// "白涛街道 / 音观社区 / 第二党支部"; the org's own name when it is the caller's scope.
    pub place: String,
}

/// The ids a place names: the levels of `p` under `root`; the org alone when it is the root
/// or lies outside it.
fn levels_below(root: &str, p: &str) -> Vec<i64> {
    let ids = path::ids(p);
    match ids.strip_prefix(path::ids(root).as_slice()) {
        Some(rest) if !rest.is_empty() => rest.to_vec(),
        _ => ids.last().copied().into_iter().collect(),
    }
}

/// The place of each org at `paths`, read below `root` (the reader's scope path): the names
/// of the levels under the root down to the org. The root itself is named alone.
pub(crate) async fn places(
    conn: &mut Conn,
    root: &str,
    paths: &[&str],
) -> ServiceResult<HashMap<String, String>> {
    let asked: Vec<(&str, &str)> = paths.iter().map(|p| (root, *p)).collect();
    Ok(places_each(conn, &asked).await?.into_iter().collect())
}

/// Like `places`, each path read below its own root (a reminder below the town it is sent
/// to); the labels come back in the order asked.
pub(crate) async fn places_each(
    conn: &mut Conn,
    asked: &[(&str, &str)],
) -> ServiceResult<Vec<(String, String)>> {
    let levels: Vec<(String, Vec<i64>)> = asked
        .iter()
        .map(|(root, p)| (p.to_string(), levels_below(root, p)))
        .collect();
    let mut wanted: Vec<i64> = levels
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let names: HashMap<i64, String> = org::names(conn, &wanted).await?.into_iter().collect();
    Ok(levels
        .into_iter()
        .map(|(p, ids)| {
            let label = ids
                .iter()
                .filter_map(|id| names.get(id).map(String::as_str))
                .collect::<Vec<_>>()
                .join(SEPARATOR);
            (p, label)
        })
        .collect())
}

/// An org as residents know where it is: the levels below the district, the town and the
/// village by their place names ("白涛街道 / 花堡社区 / 第二党支部").
pub(crate) async fn public_place(conn: &mut Conn, p: &str) -> ServiceResult<String> {
    let ids = levels_below(&path::ancestor(p, 1), p);
    let names: HashMap<i64, String> = org::names(conn, &ids).await?.into_iter().collect();
    let last = ids.len().saturating_sub(1);
    Ok(ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let name = names.get(id)?.as_str();
            Some(if i < last {
                dangjian_domain::org::place_name(name)
            } else {
                name
            })
        })
        .collect::<Vec<_>>()
        .join(SEPARATOR))
}

/// Each org at `paths` named below its town, as a reminder sent to the town names it
/// ("音观社区 / 第二党支部"); in the order asked.
pub(crate) async fn places_below_towns(
    conn: &mut Conn,
    paths: &[&str],
) -> ServiceResult<Vec<String>> {
    let towns: Vec<String> = paths.iter().map(|p| path::ancestor(p, 2)).collect();
    let asked: Vec<(&str, &str)> = towns
        .iter()
        .map(String::as_str)
        .zip(paths.iter().copied())
        .collect();
    Ok(places_each(conn, &asked)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_levels_below_the_root_are_named() {
        let below = levels_below;
        assert_eq!(below("/1/", "/1/7/30/311/"), [7, 30, 311]);
        assert_eq!(below("/1/7/", "/1/7/30/311/"), [30, 311]);
        assert_eq!(
            below("/1/7/30/311/", "/1/7/30/311/"),
            [311],
            "the root alone"
        );
        assert_eq!(
            below("/1/8/", "/1/7/30/"),
            [30],
            "outside the root: its own name"
        );
    }
}
