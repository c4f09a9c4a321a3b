//! What the pages and the API show of a member: identity numbers and phones only masked.

use dangjian_store::member::{ColleagueRow, MemberRow};

use crate::model::read_model;

read_model! {
    /// A member of the registry with their branch.
    pub struct Member from MemberRow {
        pub id: i64,
        /// The branch (branch or joint_branch) the member belongs to.
        pub org_id: i64,
        /// Materialized path of that branch.
        pub org_path: String,
        /// Name of that branch.
        pub org_name: String,
        pub org_code: String,
        /// The party or grid group inside the branch, if any.
        pub group_id: Option<i64>,
        /// Name 姓名.
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        /// Birth date 出生日期.
        pub birth_date: String,
        /// Citizen ID number 身份证号码, masked: first 4 and last 4 characters kept.
        pub id_masked: String,
        /// Mobile number 手机号码, masked: first 3 and last 4 digits kept; null if none.
        pub phone_masked: Option<String>,
        pub education: String,
        pub category: String,
        /// Date of joining the party 入党日期.
        pub join_date: String,
        /// Date of confirmation as a full member 转正日期; null for probationary members.
        pub confirm_date: Option<String>,
        pub status: String,
        /// Flowing (migrant) member 流动党员.
        pub flowing: bool,
        /// Creation time, milliseconds since the Unix epoch.
        pub created_at: i64,
        /// Last change, milliseconds since the Unix epoch.
        pub updated_at: i64,
    }
}

read_model! {
    /// A member as the others of their branch see them: no particulars.
    pub struct Colleague from ColleagueRow {
        pub id: i64,
        /// Name 姓名.
        pub name: String,
        /// The party group inside the branch, if any.
        pub group_name: Option<String>,
        /// The code of the member's public card (`/c/{code}`), when they published it.
        pub card_code: Option<String>,
        /// The post held on the branch's committee (`secretary`, `organization`, …), if any.
        pub post: Option<String>,
    }
}

impl Colleague {
    /// The post in Chinese, e.g. 组织委员.
    pub fn post_label(&self) -> Option<&'static str> {
        self.post
            .as_deref()
            .and_then(dangjian_domain::committee::Post::parse)
            .map(dangjian_domain::committee::Post::label)
    }
}
