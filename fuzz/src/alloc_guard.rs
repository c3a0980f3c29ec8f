//! A global allocator that aborts on any single allocation above a per-input limit.
//!
//! The promise under test: no allocation is sized from a count or size field beyond what the
//! file can hold. A target calls [`limit_for`] with its input length; while the returned guard
//! lives, one allocation may be at most [`FACTOR`] times the input plus [`SLACK`] bytes. Every
//! legitimate buffer (a copy of the object, per-entry tables, rendered text) stays far below
//! that; a `Vec::with_capacity(e_shnum_like_field * 64)` read from a lying header does not.
//! Aborting (not panicking: an allocator must not unwind) makes libFuzzer save the input.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Allowed size of one allocation per input byte.
pub const FACTOR: usize = 64;
/// Allowed size of one allocation on top of `FACTOR * input length`.
pub const SLACK: usize = 16 << 20;

static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The allocator installed in every fuzz target.
pub struct GuardedAlloc;

#[global_allocator]
static GLOBAL: GuardedAlloc = GuardedAlloc;

fn check(size: usize) {
    let limit = LIMIT.load(Ordering::Relaxed);
    if size > limit {
        LIMIT.store(usize::MAX, Ordering::Relaxed);
        // Format without allocating: a fixed buffer on the stack.
        let mut buf = [0u8; 160];
        let mut cursor = std::io::Cursor::new(&mut buf[..]);
        let _ = writeln!(
            cursor,
            "alloc_guard: allocation of {size} bytes exceeds the limit of {limit} for this input"
        );
        let n = cursor.position() as usize;
        let _ = std::io::stderr().write_all(&buf[..n]);
        std::process::abort();
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator after a size check.
unsafe impl GlobalAlloc for GuardedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

/// Limits single allocations for an input of `input_len` bytes until the guard is dropped.
pub fn limit_for(input_len: usize) -> Guard {
    let limit = input_len.saturating_mul(FACTOR).saturating_add(SLACK);
    LIMIT.store(limit, Ordering::Relaxed);
    Guard
}

/// Lifts the limit when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        LIMIT.store(usize::MAX, Ordering::Relaxed);
    }
}
