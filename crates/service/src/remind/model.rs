//! What the pages and the API show of reminders.

use dangjian_store::notification::NotificationRow;

use crate::model::read_model;

read_model! {
    /// A reminder in an account's list, read or not.
    pub struct Notification from NotificationRow {
        pub id: i64,
        pub kind: String,
        pub title: String,
        pub body: String,
        pub link: String,
        pub created_at: i64,
        pub read: bool,
    }
}
