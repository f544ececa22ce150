//! Layer 1, core types and formatting: what every other layer stands on and nothing of the
//! domain's rules — dates, the report's way of printing numbers and dates, diagnostics,
//! prose markup, and safe file reading and writing.

pub mod date;
pub mod diagnostic;
pub mod files;
pub mod fonts;
pub mod format;
pub mod markup;
pub mod output;
