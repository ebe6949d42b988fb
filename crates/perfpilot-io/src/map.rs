//! Read-only memory maps of regular files: a large log scanned where the page cache holds it,
//! without copying it into a buffer first (as ripgrep reads a large single file).

use std::fs::File;

/// A read-only, private memory map of a whole regular file, unmapped on drop.
///
/// The bytes are those of the file when it was mapped: a file that grows later is read up to
/// the length it had. One that another process truncates while it is mapped faults on access
/// to the lost pages (SIGBUS), as with any memory map; callers map only inputs they were
/// asked to read once, from start to end.
pub struct Mapped {
    ptr: *const u8,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by this value; shared `&[u8]` views of it may
// cross threads like any other immutable bytes.
#[allow(unsafe_code)]
unsafe impl Send for Mapped {}
// SAFETY: as above; nothing writes through the mapping.
#[allow(unsafe_code)]
unsafe impl Sync for Mapped {}

impl Mapped {
    /// Map all of `file`, or None where it cannot be: not a regular file (a FIFO, a device),
    /// empty, longer than the address space, or `mmap` failed. Callers then read it instead.
    #[cfg(unix)]
    pub fn new(file: &File) -> Option<Mapped> {
        use std::os::fd::AsRawFd;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() == 0 {
            return None;
        }
        let len = usize::try_from(meta.len()).ok()?;
        // SAFETY: a fresh private read-only mapping of an open file descriptor at offset 0;
        // the kernel picks the address. Failure is checked (MAP_FAILED) and becomes None.
        #[allow(unsafe_code)]
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED || ptr.is_null() {
            return None;
        }
        Some(Mapped { ptr: ptr.cast::<u8>().cast_const(), len })
    }

    /// No memory maps off Unix: callers read the file.
    #[cfg(not(unix))]
    pub fn new(_file: &File) -> Option<Mapped> {
        None
    }
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` is a live mapping of `len` readable bytes until `drop` unmaps it,
        // and the slice borrows `self`.
        #[allow(unsafe_code)]
        unsafe {
            std::slice::from_raw_parts(self.ptr, self.len)
        }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: unmapping exactly the region `new` mapped, once; no slice of it outlives
        // `self` (they borrow it).
        #[allow(unsafe_code)]
        unsafe {
            libc::munmap(self.ptr.cast_mut().cast::<libc::c_void>(), self.len);
        }
    }
}

impl std::fmt::Debug for Mapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapped").field("len", &self.len).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_maps_to_its_bytes_and_an_empty_one_does_not_map() {
        let dir = std::env::temp_dir().join(format!("pp-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log.txt");
        let body: Vec<u8> =
            (0..100_000u32).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        std::fs::write(&path, &body).unwrap();
        let m = Mapped::new(&File::open(&path).unwrap());
        if cfg!(unix) {
            assert_eq!(&m.expect("mapped")[..], &body[..]);
        }
        std::fs::write(&path, b"").unwrap();
        assert!(Mapped::new(&File::open(&path).unwrap()).is_none());
        assert!(Mapped::new(&File::open(&dir).unwrap()).is_none(), "a directory");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
