//! Layer 6, the applications on the library: the batch, watch, the starter record, the HTTP
//! service ([`serve`]), and the
//! terminal printing the command line uses.

pub mod batch;
pub mod edit;
pub mod init;
pub mod serve;
pub mod terminal;
pub mod watch;
