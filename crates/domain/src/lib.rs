//! The rules of the party-building domain, free of I/O: a newcomer should read this crate first.
//!
//! Everything here is deterministic: "today" is always passed in, never read from a clock.

pub mod assessment;
pub mod attachment;
pub mod bands;
pub mod cadres;
pub mod committee;
pub mod date;
pub mod dues;
pub mod enterprises;
pub mod error;
pub mod evaluation;
pub mod id_number;
pub mod labelled;
pub mod life;
pub mod mask;
pub mod masses;
pub mod member;
pub mod natural;
pub mod org;
pub mod path;
pub mod period;
pub mod person;
pub mod phone;
pub mod recruit;
pub mod remind;
pub mod request;
pub mod review;
pub mod role;
pub mod screen;
pub mod security;
pub mod task_forces;
pub mod text;
pub mod transfer;
pub mod volunteers;

pub use error::FieldError;
