//! What the pages and the API show of the organization tree.

use dangjian_store::org::{OrgEvent as EventRow, OrgRow, Place};

use crate::model::read_model;

read_model! {
    /// An organization: a node of the tree with its place (`path`, `depth`) and its dates.
    pub struct Org from OrgRow {
        pub id: i64,
        /// Null for the root of the tree.
        pub parent_id: Option<i64>,
        /// Materialized path: the ids from the root down to this node, e.g. `/1/7/311/`.
        pub path: String,
        /// Depth counted from 1 at the root.
        pub depth: i64,
        pub kind: String,
        pub owner: String,
        /// Name 组织名称 (1–60 characters).
        pub name: String,
        /// Registry code 组织代码 (letters, digits and `-`, at most 32), unique.
        pub code: String,
        /// Secretary's name 书记, if recorded.
        pub secretary: Option<String>,
        /// Founding date 成立日期.
        pub opened_on: String,
        /// Closing date 撤销日期; null while the organization is open.
        pub closed_on: Option<String>,
    }
}

read_model! {
    /// A dated change of an organization: renamed, moved, closed, its secretary changed.
    pub struct OrgEvent from EventRow {
        pub kind: String,
        pub effective_on: String,
        pub old_value: Option<String>,
        pub new_value: Option<String>,
        pub actor_id: Option<i64>,
        pub at: i64,
    }
}

impl Org {
    /// Where the org sits, as the store's tree operations take it.
    pub(crate) fn place(&self) -> Place<'_> {
        Place {
            id: self.id,
            path: &self.path,
        }
    }
}
