//! Structure-aware: valid seed objects with `arbitrary`-chosen edits to their ELF header,
//! section headers, symbols, relocations, BTF and instructions, given to one of the object APIs
//! (the input chooses which).
#![no_main]

use helper_bind_fuzz::mutate::{apply, Plan};
use helper_bind_fuzz::{alloc_guard, exercise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|plan: Plan| {
    let (_seed, bytes) = apply(&plan);
    let _guard = alloc_guard::limit_for(bytes.len());
    match plan.api % 5 {
        0 => exercise::elf_view(&bytes),
        1 => exercise::unbind_all(&bytes),
        2 => exercise::bind_all(&bytes),
        3 => exercise::list_all(&bytes),
        _ => exercise::check_all(&bytes),
    }
});
