//! `unbind`: turns numeric helper calls (`call N`, src_reg=0) back into
//! name-bound calls, exactly as clang emits a call to an `extern` helper:
//! `call -1` with src_reg=1 plus an `R_BPF_64_32` relocation against an
//! undefined global `NOTYPE` symbol named after the helper.
//!
//! The result is a portable object: binding it for the platform it came from
//! gives back the original code sections. Sections that grow are copied to the
//! end of the file (module `layout`), so no existing section, symbol or type id
//! is renumbered.
//!
//! Naming: an ID is looked up for the call's section ([`HelperNames`]); on
//! Windows IDs from 65536 depend on the section's program type, and a call in
//! a `.text` subprogram is named through the programs that reach it (all must
//! agree), the same rule bind uses. `bpf_tail_call_static`'s inline `call 12`
//! is numeric too and is unbound like any other.
//!
//! # BTF, libbpf and the linker
//! Checked against libbpf 1.1 (bpftool 7.1) and its source:
//! - libbpf's linker (`bpftool gen object`) needs BTF in every input ("failed
//!   to find BTF info for object") and, for every global or extern symbol, a
//!   non-static BTF FUNC or VAR of that name ("failed to find BTF info for
//!   global/extern symbol"). So when the object has `.BTF`, unbind adds a
//!   `FUNC name linkage=extern` per new helper, with a `FUNC_PROTO` built from
//!   the platform table's C prototype (the early-bound object does not record
//!   it) in clang's shape, because the linker also compares it with other
//!   objects' declarations of the helper ("incompatible BTF kinds"); or it
//!   makes a FUNC that bind left static extern again. Without `.BTF` the
//!   linker refuses the unbound object exactly as it refuses clang's own
//!   extern-helper build.
//! - libbpf's loader (`bpf_object__open`) refuses any unresolved extern:
//!   without BTF "failed to find BTF for extern", with an extern FUNC outside
//!   `.ksyms` "failed to find BTF for extern '...' section". Clang's
//!   extern-helper objects fail identically; an unbound object is meant to be
//!   bound (or linked, then bound) before loading.
//! - After bind (which makes them static and names their parameters), the
//!   added entries pass the kernel's BTF check (tested by loading).

mod btf;
mod calls;
mod ctype;
mod error;
mod layout;
mod plan;
mod strings;

pub use error::{UnbindError, UnknownHelperCall};

/// Names a numeric helper ID as the source platform defines it.
pub trait HelperNames {
    /// The platform's name, for messages (`linux`, `windows`).
    fn platform_name(&self) -> &str;
    /// The helper that `id` calls in a program placed in `section`
    /// (program-type helpers depend on the section), or `None` if unknown.
    fn helper_name(&self, id: u32, section: &str) -> Option<&str>;
    /// The C return type and parenthesised parameter list of helper `name`
    /// (`"void *"`, `"(void *map, const void *key)"`), for its BTF prototype.
    fn prototype(&self, name: &str) -> Option<(&str, &str)> {
        let _ = name;
        None
    }
}

impl HelperNames for crate::platform::Platform {
    fn platform_name(&self) -> &str {
        self.kind().name()
    }
    fn helper_name(&self, id: u32, section: &str) -> Option<&str> {
        self.name_of_id(id, section)
    }
    fn prototype(&self, name: &str) -> Option<(&str, &str)> {
        self.helper(name)
            .map(|h| (h.return_type.as_str(), h.args.as_str()))
    }
}

/// How to unbind.
#[derive(Debug, Clone)]
pub struct UnbindOptions {
    /// Record each new extern helper in BTF (`FUNC linkage=extern`) as clang
    /// does, when the object has `.BTF`. libbpf's linker needs it.
    pub add_btf: bool,
}

impl Default for UnbindOptions {
    fn default() -> Self {
        UnbindOptions { add_btf: true }
    }
}

/// One call that was unbound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnboundCall {
    /// Code section holding the call.
    pub section: String,
    /// Instruction index within the section.
    pub insn_index: usize,
    /// The numeric ID the call had.
    pub id: u32,
    /// The helper name its relocation now refers to.
    pub name: String,
}

/// The unbound object and what was done to it.
#[derive(Debug, Clone)]
pub struct UnbindOutput {
    /// The new object file. Equal to the input when there was nothing to do.
    pub bytes: Vec<u8>,
    /// Every call that was unbound, in file order.
    pub calls: Vec<UnboundCall>,
    /// Undefined symbols added to `.symtab`.
    pub symbols_added: usize,
    /// Relocation sections created for code sections that had none.
    pub rel_sections_added: usize,
    /// Helper names that got a BTF `FUNC linkage=extern` entry.
    pub btf_funcs_added: Vec<String>,
    /// Helper names whose static BTF FUNC (as bind leaves it) became extern again.
    pub btf_funcs_made_extern: Vec<String>,
    /// Things the caller should know (for example why BTF was left alone).
    pub notes: Vec<String>,
}

impl UnbindOutput {
    /// One line for a human: what was unbound.
    pub fn summary(&self) -> String {
        if self.calls.is_empty() {
            return "no numeric helper calls: nothing to unbind".to_string();
        }
        let mut sections: Vec<&str> = self.calls.iter().map(|c| c.section.as_str()).collect();
        sections.sort_unstable();
        sections.dedup();
        let mut names: Vec<&str> = self.calls.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        format!(
            "unbound {} call(s) in {} section(s) to {} helper name(s)",
            self.calls.len(),
            sections.len(),
            names.len()
        )
    }
}

/// Unbind every numeric helper call of `input`, naming IDs through `names`.
///
/// Fails, listing every offender at once, when an ID is unknown to the
/// platform; fails on malformed input; never panics.
pub fn unbind<N: HelperNames + ?Sized>(
    input: &[u8],
    names: &N,
    opts: &UnbindOptions,
) -> Result<UnbindOutput, UnbindError> {
    let view = crate::elf::ElfView::parse(input)?;
    let sites = calls::call_sites(&view)?;
    let found = calls::numeric_calls(&view, &sites)?;
    if found.is_empty() {
        return Ok(UnbindOutput {
            bytes: input.to_vec(),
            calls: Vec::new(),
            symbols_added: 0,
            rel_sections_added: 0,
            btf_funcs_added: Vec::new(),
            btf_funcs_made_extern: Vec::new(),
            notes: Vec::new(),
        });
    }
    let named = plan::name_calls(&view, &sites, &found, names)?;
    plan::apply(&view, named, names, opts)
}
