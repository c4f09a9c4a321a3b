//! The parts of the command line that tests reuse: the demo generator and key handling.

pub mod demo;
pub mod keys;
