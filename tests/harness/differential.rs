//! The differential checks: what a late-bound build looks like before binding, and what a
//! bound object must look like next to the early-bound build of the same source (code) and
//! next to its own input (everything else).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::btf::{self, Btf};
use crate::compile::Platform;
use crate::elf_view::{is_relocation_section, Call, ElfView, Reloc, R_BPF_64_32};

/// Helper IDs as the committed `headers/<platform>/bpf_helper_defs.h` declares them, read
/// from its `BPF_HELPER(return_type, name, (args), id);` lines.
#[derive(Debug, Clone)]
pub struct HeaderIds {
    ids: BTreeMap<String, i32>,
}

impl HeaderIds {
    /// Reads the header of `platform` (see [`crate::compile::headers_dir`]).
    pub fn read(platform: Platform) -> HeaderIds {
        let path = crate::compile::headers_dir(platform).join("bpf_helper_defs.h");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let ids = parse_bpf_helper_lines(&text);
        assert!(
            !ids.is_empty(),
            "{}: no BPF_HELPER(...) lines found",
            path.display()
        );
        HeaderIds { ids }
    }

    /// These IDs plus the `BPF_HELPER` lines of another header (a `--helpers FILE`).
    pub fn with_file(mut self, path: &Path) -> HeaderIds {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        self.ids.extend(parse_bpf_helper_lines(&text));
        self
    }

    /// The ID of `name`, if the header declares it.
    pub fn id(&self, name: &str) -> Option<i32> {
        self.ids.get(name).copied()
    }

    /// Number of helpers declared.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the header declares no helper.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// `name -> id` of every `BPF_HELPER(ret, name, (args), id);` line (macro definitions and
/// comments excluded).
pub fn parse_bpf_helper_lines(text: &str) -> BTreeMap<String, i32> {
    let mut ids = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("BPF_HELPER(") else {
            continue;
        };
        let Some(body) = rest.strip_suffix(");") else {
            continue;
        };
        let Some(args_start) = body.find('(') else {
            continue;
        };
        let name = body[..args_start]
            .trim_end()
            .trim_end_matches(',')
            .rsplit(',')
            .next()
            .unwrap_or("")
            .trim();
        let id = body.rsplit(',').next().unwrap_or("").trim();
        let id = id
            .strip_prefix("0x")
            .map(|hex| i64::from_str_radix(hex, 16))
            .unwrap_or_else(|| id.parse::<i64>());
        if let (false, Ok(id)) = (name.is_empty(), id) {
            ids.insert(name.to_string(), id as i32);
        }
    }
    ids
}

/// How a late-bound call must line up with the early-bound call at the same place.
pub trait ExpectedId {
    /// Whether a late-bound call to `name` may correspond to an early-bound `call id`.
    fn accepts(&self, name: &str, id: i32) -> bool;
}

impl ExpectedId for HeaderIds {
    fn accepts(&self, name: &str, id: i32) -> bool {
        self.id(name) == Some(id)
    }
}

/// Windows: the header's IDs, its alias spellings (`#define alias name` lines), and the
/// variadic `bpf_trace_printk`, which stands for one of `bpf_trace_printk2..5` (12..15).
#[derive(Debug, Clone)]
pub struct WindowsIds {
    header: HeaderIds,
    aliases: BTreeMap<String, String>,
}

impl WindowsIds {
    /// Reads `headers/windows/bpf_helper_defs.h`.
    pub fn read() -> WindowsIds {
        let header = HeaderIds::read(Platform::Windows);
        let path = crate::compile::headers_dir(Platform::Windows).join("bpf_helper_defs.h");
        let text = std::fs::read_to_string(path).expect("read the Windows header");
        let aliases = text
            .lines()
            .filter_map(|line| {
                let mut words = line.strip_prefix("#define ")?.split_whitespace();
                let (alias, name) = (words.next()?, words.next()?);
                header.id(name)?;
                Some((alias.to_string(), name.to_string()))
            })
            .collect();
        WindowsIds { header, aliases }
    }

    /// `alias -> helper` spellings the header defines.
    pub fn aliases(&self) -> &BTreeMap<String, String> {
        &self.aliases
    }
}

impl ExpectedId for WindowsIds {
    fn accepts(&self, name: &str, id: i32) -> bool {
        if name == "bpf_trace_printk" {
            return (12..=15).contains(&id);
        }
        let name = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        self.header.accepts(name, id)
    }
}

/// Checks the compiler's output that helper-bind starts from: the late-bound build has, at
/// every place where the early build calls a helper by ID, `call -1` with `src_reg=1` and an
/// `R_BPF_64_32` relocation against an undefined symbol whose ID is that ID; every other
/// instruction is the same in both builds. Returns the problems found, one per line.
pub fn late_matches_early(early: &ElfView, late: &ElfView, ids: &dyn ExpectedId) -> String {
    let mut problems = String::new();
    let early_names: BTreeSet<_> = early.code_sections().map(|s| s.name.clone()).collect();
    let late_names: BTreeSet<_> = late.code_sections().map(|s| s.name.clone()).collect();
    if early_names != late_names {
        let _ = writeln!(
            problems,
            "code sections differ: early {early_names:?}, late {late_names:?}"
        );
        return problems;
    }
    let late_calls: BTreeMap<(String, usize), Call> = late
        .calls()
        .into_iter()
        .map(|c| ((c.section.clone(), c.index), c))
        .collect();
    let mut helper_calls = 0;
    for call in early.calls() {
        let key = (call.section.clone(), call.index);
        let Some(late_call) = late_calls.get(&key) else {
            let _ = writeln!(
                problems,
                "{}[{}]: call in early build only",
                call.section, call.index
            );
            continue;
        };
        let numeric_in_both = late_call.src_reg == 0 && late_call.imm == call.imm;
        if call.src_reg != 0 || numeric_in_both {
            continue; // bpf-to-bpf, kfunc or a numeric call written in the source
        }
        helper_calls += 1;
        match &late_call.target {
            Some(name) if late_call.src_reg == 1 && late_call.imm == -1 => {
                if !ids.accepts(name, call.imm) {
                    let _ = writeln!(
                        problems,
                        "{}[{}]: late build calls {name}, early build calls ID {}",
                        call.section, call.index, call.imm
                    );
                }
                if !late.undefined_symbols().contains(name) {
                    let _ = writeln!(
                        problems,
                        "{}[{}]: {name} is not undefined",
                        call.section, call.index
                    );
                }
            }
            _ => {
                let _ = writeln!(
                    problems,
                    "{}[{}]: early `call {}` but late {late_call:?}",
                    call.section, call.index, call.imm
                );
            }
        }
    }
    if helper_calls == 0 {
        let _ = writeln!(problems, "no helper calls at all: nothing to compare");
    }
    // Outside calls, the instructions must be the same.
    for section in early.code_sections() {
        let late_section = late.section(&section.name);
        if section.data.len() != late_section.data.len() {
            let _ = writeln!(problems, "{}: sizes differ", section.name);
            continue;
        }
        for (index, (a, b)) in section
            .data
            .chunks(8)
            .zip(late_section.data.chunks(8))
            .enumerate()
        {
            if a != b && a[0] != crate::elf_view::CALL_OPCODE {
                let _ = writeln!(problems, "{}[{index}]: {a:02x?} vs {b:02x?}", section.name);
            }
        }
    }
    problems
}

/// The helper symbols that binding removed: undefined in `late`, gone from `bound`.
pub fn bound_helpers(late: &ElfView, bound: &ElfView) -> BTreeSet<String> {
    late.undefined_symbols()
        .difference(&bound.undefined_symbols())
        .cloned()
        .collect()
}

/// Checks a bound object against the early build of the same source (every code section and
/// its relocations identical, no helper symbol left) and against its own late-bound input
/// (every other section unchanged except the edits binding promises: bound relocations and
/// helper symbols dropped, `.llvm_addrsig` renumbered, helper `FUNC`s in BTF made static
/// with named parameters). Returns the problems found, one per line.
pub fn bound_matches(early: &ElfView, late: &ElfView, bound: &ElfView) -> String {
    let mut problems = String::new();
    let removed = bound_helpers(late, bound);

    // Code: identical to the early build, relocations included.
    let early_code: BTreeSet<_> = early.code_sections().map(|s| s.name.clone()).collect();
    let bound_code: BTreeSet<_> = bound.code_sections().map(|s| s.name.clone()).collect();
    if early_code != bound_code {
        let _ = writeln!(
            problems,
            "code sections: early {early_code:?}, bound {bound_code:?}"
        );
    }
    for section in early.code_sections() {
        let Some(bound_section) = bound.find_section(&section.name) else {
            continue;
        };
        if section.data != bound_section.data {
            let first = section
                .data
                .chunks(8)
                .zip(bound_section.data.chunks(8))
                .position(|(a, b)| a != b);
            let _ = writeln!(
                problems,
                "{}: code differs from the early build (first at instruction {first:?}, sizes {} and {})",
                section.name,
                section.data.len(),
                bound_section.data.len()
            );
        }
        let mut expected = section.relocations.clone();
        let mut actual = bound_section.relocations.clone();
        expected.sort();
        actual.sort();
        if expected != actual {
            let _ = writeln!(
                problems,
                "{}: relocations differ from the early build:\n  early {expected:?}\n  bound {actual:?}",
                section.name
            );
        }
    }
    let leftover: Vec<_> = bound
        .undefined_symbols()
        .difference(&early.undefined_symbols())
        .cloned()
        .collect();
    if !leftover.is_empty() {
        let _ = writeln!(
            problems,
            "undefined symbols left that the early build does not have: {leftover:?}"
        );
    }

    // Symbols: the input's, in order, without the removed helpers.
    let expected_symbols: Vec<_> = late
        .symbols
        .iter()
        .filter(|s| !(s.undefined && removed.contains(&s.name)))
        .cloned()
        .collect();
    if expected_symbols != bound.symbols {
        let _ = writeln!(
            problems,
            "symbol table is not the input's minus {removed:?}:\n  expected {expected_symbols:?}\n  bound {:?}",
            bound.symbols
        );
    }
    let expected_addrsig: Vec<_> = late
        .addrsig
        .iter()
        .filter(|name| !removed.contains(*name))
        .cloned()
        .collect();
    if expected_addrsig != bound.addrsig {
        let _ = writeln!(
            problems,
            ".llvm_addrsig: expected {expected_addrsig:?}, bound {:?}",
            bound.addrsig
        );
    }

    // Every section: same names and kinds in the same order.
    let layout = |view: &ElfView| -> Vec<(String, u32, u64)> {
        view.sections
            .iter()
            .map(|s| (s.name.clone(), s.sh_type, s.sh_flags))
            .collect()
    };
    if layout(late) != layout(bound) {
        let _ = writeln!(problems, "section headers differ from the input");
    }

    for section in &late.sections {
        let Some(out) = bound.find_section(&section.name) else {
            let _ = writeln!(problems, "{}: missing from the bound object", section.name);
            continue;
        };
        // Relocations of non-code sections (.BTF, .BTF.ext, .debug_*) stay as they were.
        if !section.is_code() && section.relocations != out.relocations {
            let _ = writeln!(problems, "{}: relocations changed", section.name);
        }
        if section.is_code() {
            let expected: Vec<&Reloc> = section
                .relocations
                .iter()
                .filter(|r| {
                    !(r.r_type == R_BPF_64_32 && r.undefined && removed.contains(&r.symbol))
                })
                .collect();
            let actual: Vec<&Reloc> = out.relocations.iter().collect();
            if expected != actual {
                let _ = writeln!(
                    problems,
                    "{}: relocations are not the input's minus the bound helpers",
                    section.name
                );
            }
            continue; // contents compared with the early build above
        }
        let edited = is_relocation_section(section)
            || section.name == ".symtab"
            || section.name == ".BTF"
            || section.sh_type == crate::elf_view::SHT_LLVM_ADDRSIG;
        if !edited && section.data != out.data {
            let _ = writeln!(problems, "{}: contents changed", section.name);
        }
    }

    if let (Some(late_btf), Some(bound_btf)) =
        (late.find_section(".BTF"), bound.find_section(".BTF"))
    {
        problems += &btf_edit_problems(&late_btf.data, &bound_btf.data, late.big_endian, &removed);
    }
    problems
}

/// Checks that the bound `.BTF` equals the input's except each bound helper's `FUNC`
/// linkage (extern → static) and its prototype's parameter names (unnamed → named).
pub fn btf_edit_problems(
    late: &[u8],
    bound: &[u8],
    big_endian: bool,
    helpers: &BTreeSet<String>,
) -> String {
    let mut problems = String::new();
    if late.len() != bound.len() {
        let _ = writeln!(
            problems,
            ".BTF: size changed from {} to {}",
            late.len(),
            bound.len()
        );
        return problems;
    }
    let (late, bound) = match (Btf::parse(late, big_endian), Btf::parse(bound, big_endian)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let _ = writeln!(problems, ".BTF unreadable: {:?} / {:?}", a.err(), b.err());
            return problems;
        }
    };
    if late.header != bound.header || late.strings != bound.strings {
        let _ = writeln!(problems, ".BTF: header or string table changed");
    }
    if late.types.len() != bound.types.len() {
        let _ = writeln!(problems, ".BTF: type count changed");
        return problems;
    }
    // Prototypes that may change: those of the bound helpers' FUNCs.
    let mut helper_protos = BTreeSet::new();
    for helper in helpers {
        match bound.func(helper) {
            Some(func) => {
                helper_protos.insert(func.size_or_type);
                if func.vlen != btf::linkage::STATIC {
                    let _ = writeln!(
                        problems,
                        ".BTF: FUNC {helper} has linkage {}, not static",
                        func.vlen
                    );
                }
                let proto = bound.get(func.size_or_type);
                for (i, (name_off, type_id)) in proto
                    .map(|p| p.params())
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    // Type 0 is the `...` of a variadic prototype (bpf_trace_printk): it has
                    // no name, and the kernel accepts it without one.
                    let named =
                        *type_id == 0 || bound.string(*name_off).is_some_and(is_c_identifier);
                    if !named {
                        let _ =
                            writeln!(problems, ".BTF: {helper} parameter {i} has no valid name");
                    }
                }
            }
            None => {
                let _ = writeln!(problems, ".BTF: no FUNC for bound helper {helper}");
            }
        }
    }
    for (before, after) in late.types.iter().zip(&bound.types) {
        if before == after {
            continue;
        }
        let name = late.string(before.name_off).unwrap_or("?");
        let func_edit = before.kind == btf::kind::FUNC
            && helpers.contains(name)
            && FixedParts::of(before) == FixedParts::of(after);
        let proto_edit = before.kind == btf::kind::FUNC_PROTO
            && helper_protos.contains(&before.id)
            && FixedParts::of(before) == FixedParts::of(after)
            && before.vlen == after.vlen
            && before
                .params()
                .iter()
                .zip(after.params())
                .all(|(a, b)| a.1 == b.1 && (a.0 == b.0 || a.0 == 0));
        if !func_edit && !proto_edit {
            let _ = writeln!(
                problems,
                ".BTF: type {} ({name}) changed: {before:?} -> {after:?}",
                before.id
            );
        }
    }
    problems
}

/// The parts of a BTF type that binding never changes for a FUNC (all but `vlen`, which
/// holds the linkage) or a FUNC_PROTO (all but the parameter names in `extra`).
#[derive(PartialEq, Eq)]
struct FixedParts {
    name_off: u32,
    kind: u32,
    kind_flag: bool,
    size_or_type: u32,
    extra_len: usize,
}

impl FixedParts {
    fn of(t: &btf::BtfType) -> Self {
        FixedParts {
            name_off: t.name_off,
            kind: t.kind,
            kind_flag: t.kind_flag,
            size_or_type: t.size_or_type,
            extra_len: t.extra.len(),
        }
    }
}

fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The whole differential for one program: compiles it early- and late-bound with
/// `extra_args`, binds the late build for its platform with `helper-bind -o`, checks the
/// input is untouched, and returns [`bound_matches`]'s problems (empty when all is well).
pub fn bind_and_compare(
    program: &crate::compile::Program,
    endian: crate::compile::Endian,
    extra_args: &[&str],
    dir: &Path,
) -> String {
    use crate::compile::{compile_with, Binding};
    let early_path = compile_with(program, endian, Binding::Early, extra_args, dir);
    let late_path = compile_with(program, endian, Binding::Late, extra_args, dir);
    let bound_path = late_path.with_extension("bound.o");
    let input_before = file_bytes(&late_path);
    crate::tool::bind(program.platform.name(), &late_path, &bound_path);
    if input_before != file_bytes(&late_path) {
        return format!("{}: helper-bind modified its input\n", late_path.display());
    }
    bound_matches(
        &ElfView::read(&early_path),
        &ElfView::read(&late_path),
        &ElfView::read(&bound_path),
    )
}

/// Reads a file's bytes, for before/after comparisons of inputs.
pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bpf_helper_lines() {
        let text = "#define BPF_HELPER(return_type, name, args, id) extern\n\
                    BPF_HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);\n\
                    BPF_HELPER(long, bpf_trace_printk, (const char *fmt, __u32 fmt_size, ...), 6);\n\
                    BPF_HELPER(int, bpf_xdp_adjust_head, (xdp_md_t *ctx, int delta), 65536);\n";
        let ids = parse_bpf_helper_lines(text);
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert_eq!(ids["bpf_map_lookup_elem"], 1);
        assert_eq!(ids["bpf_trace_printk"], 6);
        assert_eq!(ids["bpf_xdp_adjust_head"], 65536);
    }

    #[test]
    fn c_identifiers() {
        assert!(is_c_identifier("map"));
        assert!(is_c_identifier("_a1"));
        assert!(!is_c_identifier(""));
        assert!(!is_c_identifier("1a"));
        assert!(!is_c_identifier("a-b"));
    }
}
