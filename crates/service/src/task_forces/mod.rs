//! Task forces (党员突击队): temporary branches opened for a mission, their secondments,
//! meetings, deeds and applications made during the mission.

pub mod policy;
pub mod teams;
