//! Documents as PDF, typeset on the server: Chinese text broken by character with 禁则,
//! tables that repeat their header on every page, the organization, the document and the
//! date at the head of each page and 第 N 页 / 共 M 页 at its foot, one embedded font.

mod font;
mod layout;
mod lines;
mod write;

pub use font::printable;
pub use layout::{Column, Doc, Mark};
pub use lines::break_lines;
pub use write::pdf;
