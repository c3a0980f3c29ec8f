//! `check` (and `rebind` where check says it is clean) on arbitrary bytes, every platform pair.
#![no_main]

use helper_bind_fuzz::{alloc_guard, exercise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _guard = alloc_guard::limit_for(data.len());
    exercise::check_all(data);
});
