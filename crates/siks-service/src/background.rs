//! Bulk work gives way to people waiting: an import, an upload's checking, a check run or a
//! ranking run at a lower CPU priority (nice 10) than the requests of the people using the
//! pages, so that on a small server (two cores) a page answers while the bulk work goes on, and
//! the bulk work takes what is left (issue 18: an operator's p95 went from 13 ms to over a
//! second while an upload and an import ran beside the server at the same priority).
//!
//! Linux keeps a priority per thread: a thread given a lower one keeps it, and only a
//! privileged process may raise it again, so only threads of their own (or a process of its
//! own, `siks import`) are lowered, never a pooled thread that serves requests afterwards.

/// The nice value of bulk work: about a tenth of the CPU of a request's thread when both want it.
pub const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's CPU priority to [`BACKGROUND_NICE`] (threads it starts inherit
/// it); one already lower stays as it is. Where the system cannot, the work runs at the
/// priority it has.
pub fn lower_this_thread() {
    lower(rustix::thread::gettid());
}

fn lower(thread: rustix::process::Pid) {
    let now = rustix::process::getpriority_process(Some(thread)).unwrap_or(0);
    let _ = rustix::process::setpriority_process(Some(thread), now.max(BACKGROUND_NICE));
}

/// Lowers every thread of this process (for a command that is bulk work as a whole); the
/// threads started afterwards inherit it from the ones that start them.
pub fn lower_this_process() {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        lower_this_thread();
        return;
    };
    for task in tasks.flatten() {
        let tid = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<i32>().ok());
        if let Some(thread) = tid.and_then(rustix::process::Pid::from_raw) {
            lower(thread);
        }
    }
}

/// The calling thread's nice value, where the system tells.
pub fn this_thread_nice() -> Option<i32> {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_of_its_own_is_lowered_and_the_others_are_not() {
        let before = this_thread_nice();
        let lowered = std::thread::spawn(|| {
            lower_this_thread();
            let child = std::thread::spawn(this_thread_nice).join().unwrap();
            (this_thread_nice(), child)
        })
        .join()
        .unwrap();
        if cfg!(target_os = "linux") {
            let low = before.unwrap_or(0).max(BACKGROUND_NICE);
            assert_eq!(lowered, (Some(low), Some(low)));
        }
        assert_eq!(this_thread_nice(), before);
    }
}
