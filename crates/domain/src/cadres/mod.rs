//! Cadres and talents (DOMAIN.md §9): the village and community committees (两委) with their
//! elections, the reserve pool, first secretaries and resident work teams, and the rules and thresholds the district keeps as data.

pub mod committee;
pub mod election;
pub mod reserve;
pub mod resident;
pub mod rules;
pub mod stats;
pub mod talent;
