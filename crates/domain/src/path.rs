//! Materialized paths of the organization tree: `/1/7/311/` lists the ids from the root down.
//!
//! "Inside a subtree" is a range `[path, upper)` on the path column, which both SQLite and
//! PostgreSQL answer from an index (a `LIKE` prefix would not be indexed under SQLite's
//! default collation).

/// The path of a child of `parent` (`None` for a root).
pub fn child(parent: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent.unwrap_or("/"))
}

/// The exclusive upper bound of the subtree under `path`: `/1/7/` → `/1/70`.
/// `'0'` is the byte right after `'/'`, so every descendant sorts below it.
pub fn upper(path: &str) -> String {
    let mut s = path.trim_end_matches('/').to_string();
    s.push('0');
    s
}

/// Whether `path` lies in the subtree rooted at `root` (a node is inside its own subtree).
pub fn contains(root: &str, path: &str) -> bool {
    path.starts_with(root) && root.ends_with('/')
}

/// The ids on a path from the root down to the node itself.
pub fn ids(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// When the node at `old` moves to `new`, the counts it carries leave its old ancestors and
/// reach its new ones: each ancestor id (the node itself excluded) with the sign to apply.
pub fn moved_ancestors(old: &str, new: &str) -> Vec<(i64, i64)> {
    let strip = |p: &str| {
        let mut ids = ids(p);
        ids.pop();
        ids
    };
    let mut out: Vec<(i64, i64)> = strip(old).into_iter().map(|id| (id, -1)).collect();
    out.extend(strip(new).into_iter().map(|id| (id, 1)));
    out
}

/// Depth counted from 1 at the root.
pub fn depth(path: &str) -> i32 {
    path.matches('/').count().saturating_sub(1) as i32
}

/// The path after moving the subtree `old_root` under a new root `new_root`.
pub fn rebase(path: &str, old_root: &str, new_root: &str) -> Option<String> {
    path.strip_prefix(old_root)
        .map(|rest| format!("{new_root}{rest}"))
}

/// The path of the ancestor `levels` deep (1 is the root); the path itself when it is not
/// that deep.
pub fn ancestor(path: &str, levels: usize) -> String {
    let ids: Vec<String> = ids(path).iter().take(levels).map(i64::to_string).collect();
    format!("/{}/", ids.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ancestors_by_depth() {
        assert_eq!(ancestor("/1/7/30/311/", 2), "/1/7/");
        assert_eq!(ancestor("/1/7/30/311/", 1), "/1/");
        assert_eq!(ancestor("/1/7/", 3), "/1/7/", "not that deep: itself");
    }

    #[test]
    fn basics() {
        assert_eq!(child(None, 1), "/1/");
        assert_eq!(child(Some("/1/7/"), 311), "/1/7/311/");
        assert_eq!(ids("/1/7/311/"), vec![1, 7, 311]);
        assert_eq!(depth("/1/7/311/"), 3);
        assert_eq!(upper("/1/7/"), "/1/70");
        assert!(contains("/1/7/", "/1/7/311/"));
        assert!(contains("/1/7/", "/1/7/"));
        assert!(!contains("/1/7/", "/1/70/"));
        assert_eq!(
            rebase("/1/7/311/9/", "/1/7/311/", "/1/8/311/").unwrap(),
            "/1/8/311/9/"
        );
        assert_eq!(
            moved_ancestors("/1/7/311/", "/1/8/311/"),
            vec![(1, -1), (7, -1), (1, 1), (8, 1)]
        );
    }

    fn arb_path() -> impl Strategy<Value = String> {
        proptest::collection::vec(1i64..5000, 1..6).prop_map(|ids| {
            ids.iter()
                .fold(String::from("/"), |p, id| format!("{p}{id}/"))
        })
    }

    proptest! {
        #[test]
        fn range_matches_prefix(root in arb_path(), other in arb_path()) {
            let in_range = other.as_str() >= root.as_str() && other < upper(&root);
            prop_assert_eq!(in_range, contains(&root, &other));
        }

        #[test]
        fn ids_round_trip(path in arb_path()) {
            let rebuilt = ids(&path).iter().fold(String::from("/"), |p, id| format!("{p}{id}/"));
            prop_assert_eq!(rebuilt, path.clone());
            prop_assert_eq!(depth(&path) as usize, ids(&path).len());
        }
    }
}
