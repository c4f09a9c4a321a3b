//! What the pages and the API show of members and the masses: grids, households, pairings, deeds, cards, community check-ins, service units and evaluation periods.

use dangjian_store::masses::community_checkin::{CommunityCheckinRow, ServiceRow};
use dangjian_store::masses::evaluation::PeriodRow;
use dangjian_store::masses::service_unit::{UnitMember as UnitMemberRow, UnitRow};
use dangjian_store::masses::{DeedRow, GridRow, HouseholdRow, PairingRow, PublicCard as CardRow};

use crate::model::read_model;

read_model! {
    /// A grid of a village or community with its households.
    pub struct Grid from GridRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub name: String,
        pub group_id: Option<i64>,
        pub group_name: Option<String>,
        pub households: i64,
        /// Households with a responsible member now.
        pub paired: i64,
    }
}

read_model! {
    /// A household with its responsible member; the phone only masked.
    pub struct Household from HouseholdRow {
        pub id: i64,
        pub grid_id: i64,
        pub grid_name: String,
        pub org_path: String,
        pub address: String,
        pub head_name: String,
        pub phone_masked: Option<String>,
        pub size: i64,
        pub needs: String,
        pub legal_basis: String,
        pub retain_until: String,
        pub member_id: Option<i64>,
        pub member_name: Option<String>,
        pub paired_on: Option<String>,
    }
}

read_model! {
    /// A member responsible for a household over a period.
    pub struct Pairing from PairingRow {
        pub id: i64,
        pub household_id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub from_on: String,
        pub to_on: Option<String>,
    }
}

read_model! {
    /// A good deed recorded by a member, confirmed or not by the branch.
    pub struct DeedRecord from DeedRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub org_path: String,
        pub household_id: Option<i64>,
        pub household_address: Option<String>,
        pub done_on: String,
        pub kind: String,
        pub description: String,
        pub minutes: i64,
        pub confirmed: bool,
    }
}

read_model! {
    /// A member's public card (三亮), readable without login.
    pub struct PublicCard from CardRow {
        /// Kept to find the card's photo; never shown.
        #[serde(skip)]
        pub member_id: i64,
        pub name: String,
        /// The branch with its town and village ("白涛街道 / 音观社区 / 第二党支部"), as
        /// residents know the places.
        pub org_name: String,
        pub duties: String,
        pub commitment: String,
        /// Whether the card has a photo: GET /cards/{code}/photo.
        pub has_photo: bool,
    }
}

read_model! {
    /// A member checked in to their home community (双报到).
    pub struct CommunityCheckin from CommunityCheckinRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub member_path: String,
        pub branch_name: String,
        pub community_id: i64,
        pub community_name: String,
        pub community_path: String,
        pub registered_on: String,
        pub ended_on: Option<String>,
        /// Minutes of service in the year asked about, confirmed or not.
        pub minutes: i64,
        /// The community's rating for that year, if given.
        pub rating: Option<String>,
    }
}

read_model! {
    /// A service done for the community by a checked-in member.
    pub struct CommunityService from ServiceRow {
        pub id: i64,
        pub done_on: String,
        pub kind: String,
        pub description: String,
        pub minutes: i64,
        pub confirmed: bool,
    }
}

read_model! {
    /// A unit of the service structure (集团 → 队 → 分队 → 小组).
    pub struct ServiceUnit from UnitRow {
        pub id: i64,
        pub parent_id: Option<i64>,
        /// 党员联系集团, 联系队, 联系分队, 联系小组.
        pub tier: String,
        pub name: String,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        /// The grid an estate's squad (and its buildings' cells) lies in.
        pub grid_id: Option<i64>,
        pub grid_name: Option<String>,
        /// How many members the unit has (a unit's detail lists them in `members`).
        #[serde(rename = "member_count")]
        pub members: i64,
    }
}

read_model! {
    /// A member of a service unit.
    pub struct UnitMember from UnitMemberRow {
        pub member_id: i64,
        pub name: String,
        pub branch_name: String,
        pub leader: bool,
        pub joined_on: String,
    }
}

read_model! {
    /// An evaluation period (三评一公开) opened by a town or the district.
    pub struct EvaluationPeriod from PeriodRow {
        pub id: i64,
        /// The org it was opened for; it covers that org's subtree.
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub starts_on: String,
        /// Last day responses are taken.
        pub ends_on: String,
        /// The questions in order; each response answers every one of them in this order.
        pub questions: Vec<String>,
    }
}
