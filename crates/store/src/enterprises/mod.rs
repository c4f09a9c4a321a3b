//! Non-public enterprises and social organizations in SQL: the register and its coverage, and
//! the helpers who reach the units with their visits.

pub mod helpers;
pub mod register;
