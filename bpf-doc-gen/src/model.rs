//! The helper model: the single source of truth every output format is generated from.
//!
//! Field contents follow what the kernel's `scripts/bpf_doc.py` keeps for each element, so
//! that every emitter can reproduce the kernel's output byte for byte: `desc` and `ret` are
//! the documentation text with the ` * ` comment prefix and the first indentation level
//! removed, one `\n`-terminated line per source line, exactly as the script's `Helper.desc`
//! and `Helper.ret` strings.

/// Everything parsed from one `bpf.h`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Model {
    /// Every helper description in header order, which is also `id` order. A helper described
    /// several times (e.g. `bpf_get_socket_cookie` for different contexts) appears once per
    /// description, all with the same `id`, as in the kernel script's list.
    pub helpers: Vec<Helper>,
    /// The `DOC: eBPF Syscall Commands` block, when the header has one.
    pub syscalls: Option<Vec<SyscallCommand>>,
    /// The `enum bpf_cmd` entries the kernel script counts against the syscall block (aliases
    /// such as `BPF_PROG_RUN = BPF_PROG_TEST_RUN` left out, the list ending at the first line
    /// that does not start with a `BPF` name); empty when the header has no such enum.
    pub syscall_enum: Vec<String>,
    /// Which numbering scheme the IDs came from.
    pub id_source: IdSource,
}

/// How helper IDs were determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdSource {
    /// `FN(name, id, ##ctx)` in `___BPF_FUNC_MAPPER` (Linux 6.2 and later).
    #[default]
    ExplicitMapper,
    /// Position in `__BPF_FUNC_MAPPER(FN)` (`FN(unspec)` is 0).
    PositionalMapper,
    /// Order of the descriptions (headers without a mapper); the first helper is 1.
    DescriptionOrder,
}

/// One helper function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helper {
    /// Helper ID: the `imm` of `call` with `src_reg = 0`.
    pub id: u32,
    /// Function name, e.g. `bpf_map_lookup_elem`.
    pub name: String,
    /// The prototype exactly as documented, e.g.
    /// `void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)`.
    pub proto: String,
    /// Return type without the pointer stars, e.g. `void`.
    pub ret_type: String,
    /// The pointer stars of the return type, e.g. `*` (empty for none).
    pub ret_star: String,
    /// Arguments in order. `(void)` is one argument of type `void` with no name.
    pub args: Vec<Arg>,
    /// Description text (see the module documentation); empty when the helper has none.
    pub desc: String,
    /// Return-value text; empty when the helper has none.
    pub ret: String,
    /// Attributes, as written in the header's `Attributes` section (e.g. `__bpf_fastcall`).
    pub attrs: Vec<String>,
    /// 1-based line of the prototype in the input.
    pub line: usize,
}

/// One argument of a helper prototype.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Type without pointer stars, e.g. `const void`; `...` for the variadic tail.
    pub ty: String,
    /// Pointer stars, e.g. `*`; empty for none.
    pub star: String,
    /// Parameter name; `None` for `void` and `...`.
    pub name: Option<String>,
}

/// One command of `enum bpf_cmd` documented in the syscall block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyscallCommand {
    /// Command name, e.g. `BPF_MAP_CREATE`.
    pub name: String,
    /// Description text, same convention as [`Helper::desc`].
    pub desc: String,
    /// Return-value text.
    pub ret: String,
    /// 1-based line of the command name in the input.
    pub line: usize,
}
