//! What the pages and the API show of the organization tree.

use dangjian_store::org::{OrgEvent as EventRow, OrgRow, Place};

use crate::model::read_model;

read_model! {
    /// An organization: a node of the tree with its place (`path`, `depth`) and its dates.
    pub struct Org from OrgRow {
        pub id: i64,
        pub parent_id: Option<i64>,
        pub path: String,
        pub depth: i64,
        pub kind: String,
        pub owner: String,
        pub name: String,
        pub code: String,
        pub secretary: Option<String>,
        pub opened_on: String,
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
