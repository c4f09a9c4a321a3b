//! What the pages and the API show of a member: identity numbers and phones only masked.

use dangjian_store::member::MemberRow;

use crate::model::read_model;

read_model! {
    /// A member of the registry with their branch.
    pub struct Member from MemberRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub org_code: String,
        pub group_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        pub birth_date: String,
        pub id_masked: String,
        pub phone_masked: Option<String>,
        pub education: String,
        pub category: String,
        pub join_date: String,
        pub confirm_date: Option<String>,
        pub status: String,
        pub flowing: bool,
        pub created_at: i64,
        pub updated_at: i64,
    }
}
