//! Structure-aware: valid seed objects with `arbitrary`-chosen edits to their ELF header,
//! section headers, symbols, relocations, BTF and instructions, given to every object API.
#![no_main]

use helper_bind_fuzz::mutate::{apply, Plan};
use helper_bind_fuzz::{alloc_guard, exercise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|plan: Plan| {
    let (_seed, bytes) = apply(&plan);
    let _guard = alloc_guard::limit_for(bytes.len());
    exercise::elf_view(&bytes);
    exercise::unbind_all(&bytes);
    exercise::bind_all(&bytes);
    exercise::list_all(&bytes);
    exercise::check_all(&bytes);
});
