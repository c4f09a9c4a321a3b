//! 组织建设 and assessment in SQL: star ratings, and the counts of records their computed
//! items rest on.

pub mod contact;
pub mod figures;
pub mod files;
pub mod people;
pub mod stars;
pub mod weak;
