//! 组织建设 and assessment: star ratings by tiers of a scheme's total, the sign-off of a weak
//! organization's rectification, and the working-day clock that problem ledgers run on. Every
//! threshold is data with the defaults local schemes commonly use (DOMAIN.md §8), edited by the
//! district, never constants in code.

pub mod problem;
pub mod signoff;
pub mod stars;
pub mod workday;
