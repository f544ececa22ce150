//! A register of the typesettings in progress, for an application to stop one that runs too
//! long.
//!
//! A Typst compile cannot be interrupted (no cancellation hook; a `for` over a huge range in
//! a template runs as long as it likes), so a limit is a matter of the process: the engine
//! registers each typesetting here, and an application's watchdog thread
//! ([`Watchdog::overdue`]) ends the process, with its message, when one runs past the limit.
//! Deep recursion needs none of this: Typst stops it itself (maximum call depth).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::template::Origin;

/// The typesettings in progress.
#[derive(Debug, Default)]
pub struct Watchdog {
    running: Mutex<HashMap<u64, (Instant, Origin)>>,
    next: Mutex<u64>,
}

/// A typesetting in progress: unregistered when dropped.
pub struct Running<'a> {
    watchdog: &'a Watchdog,
    id: u64,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.watchdog.running.lock().expect("watchdog lock").remove(&self.id);
    }
}

impl Watchdog {
    pub fn new() -> Watchdog {
        Watchdog::default()
    }

    /// Registers a typesetting with the template of `origin`.
    pub fn start(&self, origin: &Origin) -> Running<'_> {
        let id = {
            let mut next = self.next.lock().expect("watchdog lock");
            *next += 1;
            *next
        };
        self.running.lock().expect("watchdog lock").insert(id, (Instant::now(), origin.clone()));
        Running { watchdog: self, id }
    }

    /// Whether a typesetting is in progress.
    pub fn busy(&self) -> bool {
        !self.running.lock().expect("watchdog lock").is_empty()
    }

    /// The template of a typesetting that has run `limit` or longer, if any.
    pub fn overdue(&self, limit: Duration) -> Option<Origin> {
        let running = self.running.lock().expect("watchdog lock");
        running.values().find(|(start, _)| start.elapsed() >= limit).map(|(_, origin)| origin.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typesetting_is_overdue_only_while_it_runs() {
        let watchdog = Watchdog::new();
        let running = watchdog.start(&Origin::Builtin);
        assert_eq!(watchdog.overdue(Duration::ZERO), Some(Origin::Builtin));
        assert_eq!(watchdog.overdue(Duration::from_secs(3600)), None);
        drop(running);
        assert_eq!(watchdog.overdue(Duration::ZERO), None);
    }
}
