//! The parts of the command line that tests reuse: key handling.

pub mod keys;
