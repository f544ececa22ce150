//! Layer 4, rules and scoring: the field and cross-field rules, the standard's score, what it
//! decides (recommendation, level, fail grounds), the changes since the last audit, the next
//! record of the cycle, the text the fonts cannot print — and [`pipeline`], which strings
//! load → validate → score together for every application.

pub mod changes;
pub mod check;
pub mod cycle;
pub mod decision;
pub mod glyphs;
pub mod pipeline;
pub mod score;
pub mod validate;
