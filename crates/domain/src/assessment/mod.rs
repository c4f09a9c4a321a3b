//! 组织建设 and assessment: star-rating schemes and their tiers, the yearly screening of weak
//! and lax organizations and the sign-off of their rectification, secretaries' annual
//! ratings, and the working-day clock that problem ledgers run on. Every threshold is data
//! with the defaults local schemes commonly use (DOMAIN.md §8), edited by the district, never
//! constants in code; every figure a score rests on comes from records the platform keeps.

pub mod problem;
pub mod rating;
pub mod records;
pub mod scheme;
pub mod signoff;
pub mod stars;
pub mod visits;
pub mod weak;
pub mod workday;
