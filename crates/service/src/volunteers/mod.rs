//! Volunteer service (志愿服务): activities with sign-ups and confirmed hours, a volunteer's
//! own record with their stars, and the person-times and hours of a level and its children.

pub mod activities;
pub mod policy;
pub mod record;
