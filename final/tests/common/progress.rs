//! How far a long wait has come, said at most every 15 s so that no wait is silent. The bench's
//! drain and the end-to-end test's waits share it (by path, as the chaos runner shares
//! `fail_writes.rs`).

use std::time::{Duration, Instant};

/// Lines of progress about work that began at a given instant.
pub struct Progress {
    started: Instant,
    said: Instant,
}

impl Progress {
    const EVERY: Duration = Duration::from_secs(15);

    /// Progress of the work that began at `started`; the first line comes 15 s from now.
    pub fn since(started: Instant) -> Self {
        Progress { started, said: Instant::now() }
    }

    /// Prints `line` on standard error (standard output is the bench's result) when 15 s have
    /// passed since the last one.
    pub fn say(&mut self, line: impl FnOnce(&Self) -> String) {
        if self.said.elapsed() >= Self::EVERY {
            eprintln!("{}", line(self));
            self.said = Instant::now();
        }
    }

    /// `done` of `total` `things` so far, with the rate since the work began and, at that rate,
    /// the time left.
    pub fn count(&self, done: usize, total: usize, things: &str) -> String {
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = done as f64 / seconds.max(f64::EPSILON);
        let left = if rate > 0.0 {
            format!("about {:.0} s left", total.saturating_sub(done) as f64 / rate)
        } else {
            "none yet".to_owned()
        };
        format!("{done} of {total} {things} in {seconds:.0} s, {rate:.1}/s, {left}")
    }
}
