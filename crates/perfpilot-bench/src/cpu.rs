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

/// Read the calling thread's resource usage now: the client's own cost even when a
/// server runs in the same process (the simulator, test servers). Peak RSS is still the
/// process's. On Linux this is `getrusage(RUSAGE_THREAD)` (user and system split);
/// elsewhere, or with the `portable-cpu` feature (so the fallback is compiled and tested
/// on Linux too), the POSIX thread CPU clock, all of it counted as user time.
pub fn thread_cpu_usage() -> CpuUsage {
    #[cfg(all(target_os = "linux", not(feature = "portable-cpu")))]
    {
        rusage(libc::RUSAGE_THREAD)
    }
    #[cfg(not(all(target_os = "linux", not(feature = "portable-cpu"))))]
    {
        portable_thread_usage()
    }
}

/// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` (POSIX; macOS 10.12+) for the thread's CPU
/// time, the process's peak RSS from `RUSAGE_SELF`.
#[cfg(not(all(target_os = "linux", not(feature = "portable-cpu"))))]
// Stated exception to `unsafe_code = "deny"`: clock_gettime has no safe wrapper in std.
#[allow(unsafe_code)]
fn portable_thread_usage() -> CpuUsage {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is valid.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    let user = if rc == 0 {
        Duration::from_secs(ts.tv_sec.max(0) as u64)
            + Duration::from_nanos(ts.tv_nsec.max(0) as u64)
    } else {
        Duration::ZERO
    };
    CpuUsage {
        user,
        system: Duration::ZERO,
        max_rss_bytes: rusage(libc::RUSAGE_SELF).max_rss_bytes,
    }
}

/// `ru_maxrss` is in bytes on Apple platforms and kilobytes elsewhere.
#[cfg(target_vendor = "apple")]
const MAXRSS_UNIT: u64 = 1;
#[cfg(not(target_vendor = "apple"))]
const MAXRSS_UNIT: u64 = 1024;

// Stated exception to the workspace's `unsafe_code = "deny"`: getrusage has no safe wrapper.
#[allow(unsafe_code)]
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
        max_rss_bytes: (ru.ru_maxrss.max(0) as u64) * MAXRSS_UNIT,
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
