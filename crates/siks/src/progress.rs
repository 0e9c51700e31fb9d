//! Progress of long work: a bar on a terminal, plain lines (at most one every two seconds) when
//! the output goes to a file or CI log.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    last_line: Mutex<Option<Instant>>,
}

impl Progress {
    /// `total` 0 means unknown.
    pub fn new(label: &'static str, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = if total > 0 {
                ProgressBar::new(total)
            } else {
                ProgressBar::new_spinner()
            };
            let template = if total > 0 {
                "{msg} [{bar:40}] {pos}/{len} ({per_sec}, sisa {eta})"
            } else {
                "{spinner} {msg}: {pos} ({per_sec})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            label,
            last_line: Mutex::new(None),
        }
    }

    pub fn set(&self, n: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(n),
            None => {
                let Ok(mut last) = self.last_line.lock() else {
                    return;
                };
                if last.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
                    eprintln!("{}: {n}", self.label);
                    *last = Some(Instant::now());
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
