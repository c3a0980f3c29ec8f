//! The ELF reader and instruction analysis on arbitrary bytes.
#![no_main]

use helper_bind_fuzz::{alloc_guard, exercise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _guard = alloc_guard::limit_for(data.len());
    exercise::elf_view(data);
});
