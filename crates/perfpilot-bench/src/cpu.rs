//! The client's own CPU time and memory (getrusage).

use std::time::Duration;

/// CPU use of this process so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuUsage {
    /// User time.
    pub user: Duration,
    /// System time.
    pub system: Duration,
    /// Peak resident set size, bytes.
    pub max_rss_bytes: u64,
}

/// Read the whole process's resource usage now.
pub fn cpu_usage() -> CpuUsage {
    rusage(libc::RUSAGE_SELF)
}

/// Read the calling thread's resource usage now (Linux `RUSAGE_THREAD`): the client's
/// own cost even when a server runs in the same process (the simulator, test servers).
/// Peak RSS is still the process's.
pub fn thread_cpu_usage() -> CpuUsage {
    rusage(libc::RUSAGE_THREAD)
}

fn rusage(who: libc::c_int) -> CpuUsage {
    // SAFETY: getrusage writes into the zeroed struct we own; `who` is a valid selector.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(who, &mut ru) };
    if rc != 0 {
        return CpuUsage::default();
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    CpuUsage {
        user: tv(ru.ru_utime),
        system: tv(ru.ru_stime),
        // Linux reports kilobytes.
        max_rss_bytes: (ru.ru_maxrss.max(0) as u64) * 1024,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_time_grows_with_work() {
        let a = super::cpu_usage();
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < 30 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let b = super::cpu_usage();
        assert!(b.user + b.system > a.user + a.system);
        let t = super::thread_cpu_usage();
        assert!(t.user + t.system <= b.user + b.system);
        assert!(b.max_rss_bytes > 0);
    }
}
