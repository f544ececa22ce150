//! The command line's own parts: how the events of the long-running applications are shown
//! on a terminal. The applications report, the command line prints.

pub mod batch;
pub mod watch;
