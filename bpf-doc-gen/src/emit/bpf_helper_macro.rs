//! The `BPF_HELPER` macro block shared by every `BPF_HELPER` header this project writes
//! (`bpf-doc-gen --format bpf-helper` and the tables in `headers/`).

/// Defines `BPF_HELPER(return_type, name, args, id)` unless the includer already did.
///
/// The default binds early, exactly like the kernel's `bpf_helper_defs.h`: a static function
/// pointer whose value is the helper ID. Defining `BPF_HELPER_LATE_BINDING` before the include
/// switches every helper to an `extern` declaration, so clang emits `call -1` with an
/// `R_BPF_64_32` relocation against the helper's name, for `helper-bind` to resolve later.
pub const BPF_HELPER_MACRO: &str = "\
/*
 * Every helper below is declared with BPF_HELPER(return_type, name, args, id).
 *
 * By default a helper binds early: a static function pointer holding its ID, as in
 * the kernel's bpf_helper_defs.h. Define BPF_HELPER_LATE_BINDING before including
 * this file to bind late instead: each helper becomes
 *     extern return_type name args;
 * clang then emits `call -1` with a relocation against the helper's name, and
 * `helper-bind --platform P prog.o` binds it to platform P's ID when the object is
 * packaged or installed. A BPF_HELPER defined before the include overrides both.
 */
#ifndef BPF_HELPER
#ifdef BPF_HELPER_LATE_BINDING
#define BPF_HELPER(return_type, name, args, id) extern return_type name args
#else
#define BPF_HELPER(return_type, name, args, id) static return_type(*name) args = (void *) id
#endif
#endif
";
