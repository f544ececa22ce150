//! Layer 2, the record model: the typed audit record, the CB profile, the scoring scheme (the
//! standard's indicators, maxima and thresholds as data), and the JSON Schemas generated from
//! them.

pub mod annotations;
pub mod profile;
pub mod record;
pub mod schema;
pub mod scheme;
