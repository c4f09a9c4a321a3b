//! What the pages and the API show of residents' requests: the request and its timeline, categories, departments and the published list.

use dangjian_store::request::{
    CategoryRow, DepartmentRow, EventRow, PublishedRow, RequestRow, Times,
};

use crate::model::read_model;

read_model! {
    /// One step on a request's timeline.
    pub struct RequestEvent from EventRow {
        /// Milliseconds since the Unix epoch.
        pub at: i64,
        /// A RequestAction code, `submit` or `escalate`.
        pub action: String,
        pub to_state: String,
        /// Who, as residents read it: 群众, 系统, or the acting user's organization.
        pub actor_label: String,
        pub note: String,
    }
}

read_model! {
    /// A category of requests with its time limits and department.
    pub struct RequestCategory from CategoryRow {
        pub id: i64,
        pub name: String,
        pub accept_hours: i64,
        pub resolve_hours: i64,
        pub department_id: Option<i64>,
        pub department_name: Option<String>,
        pub sort: i64,
        pub active: bool,
    }
}

read_model! {
    /// A department requests may be sent to.
    pub struct RequestDepartment from DepartmentRow {
        pub id: i64,
        pub name: String,
        pub contact: String,
        pub org_id: Option<i64>,
        pub org_name: Option<String>,
        pub org_path: Option<String>,
        pub active: bool,
    }
}

read_model! {
    /// An answered request as published, without anything of the resident.
    pub struct PublishedRequest from PublishedRow {
        /// Last 4 letters of the code, upper case.
        pub code_tail: String,
        pub category_name: String,
        pub community_name: String,
        pub grid_name: Option<String>,
        pub state: String,
        /// Milliseconds since the Unix epoch.
        pub submitted_at: i64,
        /// Milliseconds since the Unix epoch.
        pub resolved_at: Option<i64>,
        /// The reply, unless staff redacted it.
        pub reply: Option<String>,
    }
}

read_model! {
    /// A resident's request with its clock and who handles it; the phone only masked.
    pub struct Request from RequestRow {
        pub id: i64,
        /// Tracking code as stored (10 lower-case letters and digits).
        pub code: String,
        pub category_id: i64,
        pub category_name: String,
        /// The category's limit to accept.
        pub accept_hours: i64,
        /// The category's limit to resolve, from acceptance.
        pub resolve_hours: i64,
        /// The category's usual department.
        pub routed_department_id: Option<i64>,
        pub community_id: i64,
        pub community_name: String,
        pub community_path: String,
        pub grid_id: Option<i64>,
        pub grid_name: Option<String>,
        pub address: String,
        pub description: String,
        pub phone_masked: String,
        /// Milliseconds since the Unix epoch.
        pub submitted_at: i64,
        /// Milliseconds since the Unix epoch.
        pub accept_due_at: i64,
        #[serde(flatten)]
        pub times: RequestTimes,
        pub assignee_name: Option<String>,
        pub department_name: Option<String>,
        /// Reply hidden on the published list.
        pub redacted: bool,
        pub has_photo: bool,
    }
}

read_model! {
    /// The clock of a request: what changes as it moves, besides its state.
    pub struct RequestTimes from Times {
        pub state: String,
        pub answered_at: Option<i64>,
        pub resolve_due_at: Option<i64>,
        pub resolved_at: Option<i64>,
        pub closed_at: Option<i64>,
        pub due_at: Option<i64>,
        pub escalation: i64,
        pub assignee_member_id: Option<i64>,
        pub department_id: Option<i64>,
        pub department_path: Option<String>,
        pub reply: String,
    }
}

/// The state machine works on the clock as it is stored.
#[allow(exported_private_dependencies)]
impl From<RequestTimes> for Times {
    fn from(t: RequestTimes) -> Self {
        Times {
            state: t.state,
            answered_at: t.answered_at,
            resolve_due_at: t.resolve_due_at,
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
            due_at: t.due_at,
            escalation: t.escalation,
            assignee_member_id: t.assignee_member_id,
            department_id: t.department_id,
            department_path: t.department_path,
            reply: t.reply,
        }
    }
}
