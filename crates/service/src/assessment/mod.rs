//! 组织建设 and assessment: star ratings scored from what the platform records, moving from
//! the organization's own scoring through the town's review to the district's confirmation
//! and publication.

pub mod contact;
pub(crate) mod figures;
pub mod files;
pub(crate) mod input;
mod model;
pub mod people;
pub mod policy;
mod remind;
pub mod stars;
pub mod summary;
pub mod weak;

pub use figures::rated_kinds;
pub use model::*;
