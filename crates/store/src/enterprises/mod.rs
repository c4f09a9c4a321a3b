//! Non-public enterprises and social organizations in SQL: the register and its coverage.

pub mod register;
