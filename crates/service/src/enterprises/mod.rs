//! Non-public enterprises and social organizations (非公企业和社会组织): the register, the two
//! coverages counted from it, and the district's rules of the work.

pub mod helpers;
pub mod policy;
pub mod register;
pub mod roster;
pub mod summary;
