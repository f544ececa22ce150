//! The applications on the library: the browser editor.

pub mod edit;
