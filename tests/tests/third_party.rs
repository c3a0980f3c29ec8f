//! Real BPF objects that other projects built with their own toolchains, never committed:
//! `scripts/fetch-third-party-bpf` (called by `scripts/setup-test-env`) puts them into
//! `target/third-party/<source>/<name>.o` (`$HELPER_BIND_THIRD_PARTY` overrides the place).
//! Today: xdp-tools' libxdp programs from Debian bookworm, trixie and unstable (three clang
//! generations) and cilium/ebpf's test objects (both byte orders, clang 7 without BTF to
//! clang 14, legacy `maps` sections, kfuncs, many programs).
//!
//! Every test runs over every object and reports all objects that fail at once. llvm-objdump,
//! llvm-readelf, libbpf (`bpftool gen object`, `bpftool prog loadall`) and the kernel's verifier
//! are the judges, never helper-bind itself.
//!
//! The kernel's own headers are the other third-party input: every `bpf.h` under the oracles
//! directory must go through `bpf-doc-gen` and `helper-bind --uapi`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use integration_tests::elf_view::{ElfView, SectionView, CALL_OPCODE};
use integration_tests::{kernel, scratch_dir, tool, workspace_root};
use object::elf;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The objects

/// One fetched object.
struct ThirdParty {
    /// `<source>/<name>.o`, for messages.
    label: String,
    path: PathBuf,
}

fn third_party_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_THIRD_PARTY")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/third-party"))
}

/// Every fetched object, sorted; panics naming the fetch script when there are none.
fn objects() -> Vec<ThirdParty> {
    let dir = third_party_dir();
    let mut found = Vec::new();
    for source in sorted_entries(&dir) {
        for file in sorted_entries(&source) {
            if file.extension().is_some_and(|e| e == "o") {
                found.push(ThirdParty {
                    label: format!(
                        "{}/{}",
                        source.file_name().unwrap().to_string_lossy(),
                        file.file_name().unwrap().to_string_lossy()
                    ),
                    path: file,
                });
            }
        }
    }
    assert!(
        !found.is_empty(),
        "no third-party BPF objects in {}: run scripts/fetch-third-party-bpf \
         (scripts/setup-test-env calls it)",
        dir.display()
    );
    found
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Problems found over all objects; the test fails at the end, listing every one.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
}

impl Findings {
    fn add(&mut self, label: &str, problem: impl std::fmt::Display) {
        self.problems.push(format!("{label}: {problem}"));
    }

    fn assert_none(self, what: &str, checked: usize) {
        assert!(
            self.problems.is_empty(),
            "{what}: {} problem(s) over {checked} object(s):\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

/// The harness's view of an object. cilium's objects carry a stale `.llvm_addrsig` (symbol indices
/// past the end of `.symtab`; `llvm-readelf --addrsig` warns too): the view names such entries
/// `<invalid symbol index N>`, and the round trip compares the section byte for byte.
fn read_view(path: &Path) -> ElfView {
    ElfView::read(path)
}

// ---------------------------------------------------------------------------------------------
// Running tools

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_string()
}

/// helper-bind's exit status; a panic (101) or a signal is always a finding.
fn exit_code(output: &Output) -> Result<i32, String> {
    match output.status.code() {
        Some(101) => Err(format!("panicked: {}", stderr(output))),
        Some(c) => Ok(c),
        None => Err(format!("killed by a signal: {}", output.status)),
    }
}

fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} (scripts/setup-test-env installs it): {e}")
        })
}

/// Whether the object calls externs that are no helper (they need `--allow-unresolved`).
fn calls_externs(path: &Path) -> Result<bool, String> {
    Ok(listed_calls(path)?
        .values()
        .any(|(kind, _)| kind == "extern"))
}

/// `helper-bind unbind --from linux -o OUT IN`, then `helper-bind --platform linux -o BACK OUT`
/// (with `--allow-unresolved` when IN itself calls externs that are no helper, such as cilium's
/// forward-declared function in fwd_decl: a later link resolves those).
fn round_trip(input: &Path, unbound: &Path, back: &Path) -> Result<(), String> {
    let calls_externs = calls_externs(input)?;
    let out = tool::run([
        "unbind".as_ref(),
        "--from".as_ref(),
        "linux".as_ref(),
        "-o".as_ref(),
        unbound.as_os_str(),
        input.as_os_str(),
    ]);
    if exit_code(&out)? != 0 {
        return Err(format!("unbind --from linux failed: {}", stderr(&out)));
    }
    let mut args = vec![
        "--platform".as_ref(),
        "linux".as_ref(),
        "-o".as_ref(),
        back.as_os_str(),
        unbound.as_os_str(),
    ];
    if calls_externs {
        args.push("--allow-unresolved".as_ref());
    }
    let out = tool::run(args);
    if exit_code(&out)? != 0 {
        return Err(format!(
            "--platform linux of the unbound object failed: {}",
            stderr(&out)
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// llvm-objdump: the call instructions, as another project's disassembler sees them

/// One `call` instruction from `llvm-objdump-19 -d`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct DisassembledCall {
    section: String,
    insn: u64,
    src_reg: u8,
    imm: i32,
}

fn objdump_calls(path: &Path, big_endian: bool) -> Result<Vec<DisassembledCall>, String> {
    let out = run_tool("llvm-objdump-19", &["-d".as_ref(), path.as_os_str()]);
    if !out.status.success() {
        return Err(format!("llvm-objdump-19 -d failed: {}", stderr(&out)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut calls = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("Disassembly of section ")
            .and_then(|l| l.strip_suffix(':'))
        {
            section = name.to_string();
            continue;
        }
        // "      12:\t85 00 00 00 01 00 00 00\tcall 0x1"
        let mut fields = line.split('\t');
        let (Some(address), Some(bytes)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(Ok(insn)) = address.trim().strip_suffix(':').map(str::parse::<u64>) else {
            continue;
        };
        let bytes: Vec<u8> = bytes
            .split_whitespace()
            .map(|b| u8::from_str_radix(b, 16))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("llvm-objdump line {line:?}: {e}"))?;
        if bytes.len() != 8 || bytes[0] != CALL_OPCODE {
            continue;
        }
        let imm: [u8; 4] = bytes[4..8].try_into().unwrap();
        let (src_reg, imm) = if big_endian {
            (bytes[1] & 0x0f, i32::from_be_bytes(imm))
        } else {
            (bytes[1] >> 4, i32::from_le_bytes(imm))
        };
        calls.push(DisassembledCall {
            section: section.clone(),
            insn,
            src_reg,
            imm,
        });
    }
    Ok(calls)
}

/// `helper-bind list --json` rows: (section, insn) -> (kind, id).
type ListedCalls = BTreeMap<(String, u64), (String, Option<i64>)>;

fn listed_calls(path: &Path) -> Result<ListedCalls, String> {
    let out = tool::run(["list".as_ref(), "--json".as_ref(), path.as_os_str()]);
    if exit_code(&out)? != 0 {
        return Err(format!("list --json failed: {}", stderr(&out)));
    }
    let rows: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("list --json is not JSON: {e}"))?;
    let rows = rows.as_array().ok_or("list --json is not an array")?;
    let mut listed = BTreeMap::new();
    for row in rows {
        let section = row["section"].as_str().ok_or("row without section")?;
        let insn = row["insn"].as_u64().ok_or("row without insn")?;
        let kind = row["kind"].as_str().ok_or("row without kind")?;
        if listed
            .insert(
                (section.to_string(), insn),
                (kind.to_string(), row["id"].as_i64()),
            )
            .is_some()
        {
            return Err(format!("list --json lists {section}:{insn} twice"));
        }
    }
    Ok(listed)
}

#[test]
fn list_reports_every_call_that_llvm_objdump_sees() {
    let mut findings = Findings::default();
    let all = objects();
    let (mut numeric_total, mut calls_total) = (0, 0);
    for object in &all {
        let view = read_view(&object.path);
        let disassembled = match objdump_calls(&object.path, view.big_endian) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let listed = match listed_calls(&object.path) {
            Ok(l) => l,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let text = tool::run(["list".as_ref(), object.path.as_os_str()]);
        match exit_code(&text) {
            Ok(0) => {}
            Ok(c) => findings.add(&object.label, format!("list exits {c}: {}", stderr(&text))),
            Err(e) => findings.add(&object.label, format!("list {e}")),
        }
        let numeric: Vec<&DisassembledCall> =
            disassembled.iter().filter(|c| c.src_reg == 0).collect();
        numeric_total += numeric.len();
        calls_total += disassembled.len();
        for call in &disassembled {
            let key = (call.section.clone(), call.insn);
            match (listed.get(&key), call.src_reg) {
                (None, _) => findings.add(
                    &object.label,
                    format!(
                        "list misses call {} (src_reg {}) at {}:{}",
                        call.imm, call.src_reg, call.section, call.insn
                    ),
                ),
                (Some((kind, id)), 0) if kind != "numeric" || *id != Some(i64::from(call.imm)) => {
                    findings.add(
                        &object.label,
                        format!(
                            "{}:{}: `call {}` (src_reg 0) listed as {kind} {id:?}",
                            call.section, call.insn, call.imm
                        ),
                    )
                }
                // clang emits kfunc calls like any extern call (src_reg 1) until libbpf resolves them.
                (Some((kind, _)), 1)
                    if !matches!(kind.as_str(), "local" | "extern" | "kfunc" | "other") =>
                {
                    findings.add(
                        &object.label,
                        format!(
                            "{}:{}: src_reg 1 call listed as {kind}",
                            call.section, call.insn
                        ),
                    )
                }
                (Some((kind, _)), 2) if !matches!(kind.as_str(), "kfunc" | "other") => findings
                    .add(
                        &object.label,
                        format!(
                            "{}:{}: src_reg 2 call listed as {kind}",
                            call.section, call.insn
                        ),
                    ),
                _ => {}
            }
        }
        if listed.len() != disassembled.len() {
            findings.add(
                &object.label,
                format!(
                    "list has {} rows, llvm-objdump-19 -d shows {} calls",
                    listed.len(),
                    disassembled.len()
                ),
            );
        }
        println!(
            "{}: {} calls, {} numeric helper calls (llvm-objdump-19 -d agrees)",
            object.label,
            disassembled.len(),
            numeric.len()
        );
    }
    println!(
        "{} objects, {calls_total} calls, {numeric_total} numeric helper calls",
        all.len()
    );
    findings.assert_none("list vs llvm-objdump-19", all.len());
}

// ---------------------------------------------------------------------------------------------
// Binding an early-bound object

#[test]
fn binding_an_early_bound_object_is_a_clean_no_op() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let mut early_bound = 0;
    for object in &all {
        let original = std::fs::read(&object.path).unwrap();
        let listed = match listed_calls(&object.path) {
            Ok(l) => l,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let externs = listed.values().filter(|(k, _)| k == "extern").count();
        let out_path = dir.path().join("out.o");
        let _ = std::fs::remove_file(&out_path);
        let out = tool::run([
            "--platform".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            out_path.as_os_str(),
            object.path.as_os_str(),
        ]);
        let code = match exit_code(&out) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        if externs > 0 {
            // Calls to externs that are no helper (cilium's fwd_decl: a function for a later
            // link): refused by default, naming them, with nothing written.
            if code != 1 || out_path.exists() {
                findings.add(
                    &object.label,
                    format!(
                        "{externs} unresolved extern call(s): expected exit 1 and no output, got {code}, output written: {}: {}",
                        out_path.exists(),
                        stderr(&out)
                    ),
                );
            }
            println!(
                "{}: {externs} call(s) to unknown externs, refused: {}",
                object.label,
                stderr(&out)
            );
            continue;
        }
        early_bound += 1;
        if code != 0 || !stderr(&out).contains("nothing to bind") {
            findings.add(
                &object.label,
                format!(
                    "exit {code}, expected 0 and \"nothing to bind\": {}",
                    stderr(&out)
                ),
            );
            continue;
        }
        if std::fs::read(&out_path).ok().as_ref() != Some(&original) {
            findings.add(
                &object.label,
                "-o output is not byte-identical to the input",
            );
        }
        // In place: the file must not change.
        let in_place = dir.path().join("in-place.o");
        std::fs::write(&in_place, &original).unwrap();
        let out = tool::run([
            "--platform".as_ref(),
            "linux".as_ref(),
            in_place.as_os_str(),
        ]);
        if exit_code(&out) != Ok(0) || std::fs::read(&in_place).unwrap() != original {
            findings.add(
                &object.label,
                format!(
                    "in-place no-op changed the file or failed: {}",
                    stderr(&out)
                ),
            );
        }
    }
    println!(
        "{early_bound} of {} objects early-bound: no-op checked",
        all.len()
    );
    findings.assert_none("--platform linux on early-bound objects", all.len());
}

// ---------------------------------------------------------------------------------------------
// unbind, then bind again

/// `.BTF` split into (types, strings) by its header, in the object's byte order.
fn btf_parts(data: &[u8], big_endian: bool) -> Option<(&[u8], &[u8])> {
    let word = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let hdr_len = word(4)? as usize;
    let (type_off, type_len) = (word(8)? as usize, word(12)? as usize);
    let (str_off, str_len) = (word(16)? as usize, word(20)? as usize);
    let types = data.get(hdr_len + type_off..hdr_len + type_off + type_len)?;
    let strings = data.get(hdr_len + str_off..hdr_len + str_off + str_len)?;
    Some((types, strings))
}

/// What a round trip may change: the symbol and string tables (names added then removed: the
/// symbols are compared entry by entry), the relocation sections of code (compared relocation
/// by relocation) and `.BTF` (extern FUNC entries appended: the original types and strings must
/// stay a prefix). `.llvm_addrsig` must come back byte for byte: the symbols are renumbered
/// back to where they were.
fn compare_round_trip(original: &ElfView, back: &ElfView) -> Vec<String> {
    let mut problems = Vec::new();
    let target_is_code = |rel: &SectionView, view: &ElfView| -> bool {
        // sh_info is not in the view: the relocation section of code is `.rel<code name>`.
        rel.name
            .strip_prefix(".rel")
            .and_then(|target| view.find_section(target))
            .is_some_and(SectionView::is_code)
    };
    for section in &original.sections {
        let Some(other) = back.find_section(&section.name) else {
            problems.push(format!("section {} is gone", section.name));
            continue;
        };
        if (section.sh_type, section.sh_flags) != (other.sh_type, other.sh_flags) {
            problems.push(format!("section {}: type or flags changed", section.name));
        }
        if section.relocations != other.relocations {
            problems.push(format!(
                "section {}: relocations differ ({} vs {})",
                section.name,
                section.relocations.len(),
                other.relocations.len()
            ));
        }
        let may_change = section.sh_type == elf::SHT_SYMTAB.0
            || section.sh_type == elf::SHT_STRTAB.0
            || section.name == ".BTF"
            || (section.sh_type == elf::SHT_REL.0 && target_is_code(section, original));
        if section.is_code() && section.data != other.data {
            problems.push(format!("code section {} differs", section.name));
        } else if !may_change && section.data != other.data {
            problems.push(format!(
                "section {} differs: {} became {}",
                section.name,
                short_hex(&section.data),
                short_hex(&other.data)
            ));
        }
        if section.name == ".BTF" {
            match (
                btf_parts(&section.data, original.big_endian),
                btf_parts(&other.data, back.big_endian),
            ) {
                (Some((t0, s0)), Some((t1, s1))) => {
                    if !t1.starts_with(t0) {
                        problems.push(".BTF: the original types are not kept as they were".into());
                    }
                    if !s1.starts_with(s0) {
                        problems
                            .push(".BTF: the original strings are not kept as they were".into());
                    }
                }
                _ => problems.push(".BTF header unreadable".into()),
            }
        }
        if section.sh_type == elf::SHT_STRTAB.0 && !other.data.starts_with(&section.data) {
            problems.push(format!(
                "string table {}: original strings not kept",
                section.name
            ));
        }
    }
    // unbind creates `.rel<code>` where the object had none; binding empties it again but keeps
    // the section (removing it would renumber every later section). An empty REL section is
    // harmless to every loader; anything else added is a problem.
    let added: Vec<&str> = back
        .sections
        .iter()
        .filter(|s| original.find_section(&s.name).is_none())
        .filter(|s| !(s.sh_type == elf::SHT_REL.0 && s.size == 0))
        .map(|s| s.name.as_str())
        .collect();
    if !added.is_empty() {
        problems.push(format!("sections added: {added:?}"));
    }
    if original.symbols != back.symbols {
        problems.push(format!(
            "symbols differ: {} before, {} after",
            original.symbols.len(),
            back.symbols.len()
        ));
    }
    if original.addrsig != back.addrsig {
        problems.push(".llvm_addrsig differs".into());
    }
    problems
}

/// The first bytes of a section, in hex, for messages.
fn short_hex(data: &[u8]) -> String {
    let hex: String = data.iter().take(48).map(|b| format!("{b:02x}")).collect();
    if data.len() > 48 {
        format!("{hex}... ({} bytes)", data.len())
    } else {
        format!("{hex} ({} bytes)", data.len())
    }
}

/// `llvm-readelf-19 -a` warnings (its stderr).
fn readelf_warnings(path: &Path) -> String {
    stderr(&run_tool(
        "llvm-readelf-19",
        &["-a".as_ref(), path.as_os_str()],
    ))
}

/// `bpftool gen object OUT IN`: libbpf's static linker accepts the object, or why not.
fn libbpf_links(input: &Path, dir: &Path) -> Result<(), String> {
    let out = run_tool(
        kernel::BPFTOOL,
        &[
            "gen".as_ref(),
            "object".as_ref(),
            dir.join("linked.o").as_os_str(),
            input.as_os_str(),
        ],
    );
    if out.status.success() {
        Ok(())
    } else {
        let text = stderr(&out);
        Err(text
            .lines()
            .find(|l| l.starts_with("libbpf:"))
            .unwrap_or(&text)
            .to_string())
    }
}

#[test]
fn unbind_then_bind_gives_the_original_back() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut unbound_calls, mut linked) = (0, 0);
    for object in &all {
        let unbound = dir.path().join("unbound.o");
        let back = dir.path().join("back.o");
        if let Err(e) = round_trip(&object.path, &unbound, &back) {
            findings.add(&object.label, e);
            continue;
        }
        let original = read_view(&object.path);
        for problem in compare_round_trip(&original, &read_view(&back)) {
            findings.add(&object.label, format!("after unbind + bind: {problem}"));
        }
        // The unbound object: no numeric helper call left, and what clang itself emits for
        // extern helpers, as far as llvm-readelf and libbpf's linker can tell.
        match listed_calls(&unbound) {
            Ok(rows) => {
                let left = rows.values().filter(|(k, _)| k == "numeric").count();
                let externs = rows.values().filter(|(k, _)| k == "extern").count();
                unbound_calls += externs;
                if left > 0 {
                    findings.add(
                        &object.label,
                        format!("{left} numeric call(s) left after unbind"),
                    );
                }
            }
            Err(e) => findings.add(&object.label, format!("unbound object: {e}")),
        }
        // Unbinding again finds nothing to do and changes nothing.
        let again = dir.path().join("again.o");
        let out = tool::run([
            "unbind".as_ref(),
            "--from".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            again.as_os_str(),
            unbound.as_os_str(),
        ]);
        if exit_code(&out) != Ok(0) || std::fs::read(&again).ok() != std::fs::read(&unbound).ok() {
            findings.add(
                &object.label,
                format!(
                    "unbinding the unbound object again is no no-op: {}",
                    stderr(&out)
                ),
            );
        }
        let warnings = readelf_warnings(&unbound);
        if !warnings.is_empty() && readelf_warnings(&object.path).is_empty() {
            findings.add(
                &object.label,
                format!("llvm-readelf-19 -a warns on the unbound object: {warnings}"),
            );
        }
        match (
            libbpf_links(&object.path, dir.path()),
            libbpf_links(&unbound, dir.path()),
        ) {
            (Ok(()), Ok(())) => linked += 1,
            (Ok(()), Err(e)) => findings.add(
                &object.label,
                format!("bpftool gen object refuses the unbound object: {e}"),
            ),
            (Err(e), _) => println!(
                "{}: bpftool gen object refuses the original too ({e})",
                object.label
            ),
        }
    }
    println!(
        "{} objects round-tripped ({unbound_calls} extern calls in the unbound objects); \
         {linked} unbound objects linked by bpftool gen object",
        all.len()
    );
    findings.assert_none("unbind --from linux, then --platform linux", all.len());
}

// ---------------------------------------------------------------------------------------------
// The kernel

/// A bpffs directory `/sys/fs/bpf/hb-tp-<pid>-<n>` for one `bpftool prog loadall`; removed with
/// every pin in it on drop, also when the test fails. Maps declared with
/// `pinning = LIBBPF_PIN_BY_NAME` (libxdp's) are pinned by libbpf at `/sys/fs/bpf/<map name>`,
/// outside that directory: those the load creates are removed on drop too.
struct Pins {
    dir: PathBuf,
    /// `/sys/fs/bpf/<map name>` for each map of the object that was not pinned before the load.
    by_name: Vec<PathBuf>,
}

impl Pins {
    fn new(object: &ElfView) -> Pins {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let by_name = object
            .symbols
            .iter()
            .filter(|s| {
                matches!(s.section.as_deref(), Some(".maps" | "maps")) && !s.name.is_empty()
            })
            .map(|s| Path::new(kernel::BPFFS).join(&s.name))
            .filter(|p| !p.exists())
            .collect();
        Pins {
            dir: Path::new(kernel::BPFFS).join(format!("hb-tp-{}-{n}", std::process::id())),
            by_name,
        }
    }

    /// `bpftool prog loadall OBJECT PINS`; the last libbpf or bpftool line on failure.
    fn load(&self, object: &Path) -> Result<(), String> {
        let out = run_tool(
            kernel::BPFTOOL,
            &[
                "prog".as_ref(),
                "loadall".as_ref(),
                object.as_os_str(),
                self.dir.as_os_str(),
            ],
        );
        if out.status.success() {
            return Ok(());
        }
        let text = stderr(&out);
        // libbpf's first complaint says why (bpftool's own last lines only say that it failed).
        Err(text
            .lines()
            .find(|l| l.starts_with("libbpf:") && !l.contains("skipping"))
            .or_else(|| text.lines().find(|l| l.starts_with("Error:")))
            .unwrap_or(&text)
            .to_string())
    }

    /// Pinned program name -> whether the kernel has BTF for it.
    fn programs_with_btf(&self) -> BTreeMap<String, bool> {
        let mut programs = BTreeMap::new();
        for pin in sorted_entries(&self.dir) {
            let info = kernel::program_info(&pin)
                .unwrap_or_else(|e| panic!("bpftool prog show pinned {}: {e}", pin.display()));
            programs.insert(
                pin.file_name().unwrap().to_string_lossy().into_owned(),
                info.get("btf_id")
                    .and_then(Value::as_u64)
                    .is_some_and(|id| id > 0),
            );
        }
        programs
    }
}

impl Drop for Pins {
    fn drop(&mut self) {
        if self.dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&self.dir) {
                eprintln!("warning: could not remove pins {}: {e}", self.dir.display());
            }
        }
        for pin in self.by_name.iter().filter(|p| p.exists()) {
            if let Err(e) = std::fs::remove_file(pin) {
                eprintln!("warning: could not remove pin {}: {e}", pin.display());
            }
        }
    }
}

#[test]
fn round_tripped_objects_load_where_the_originals_do() {
    if let Some(reason) = kernel::unavailable_reason() {
        println!("skipping the kernel check of third-party objects: {reason}");
        return;
    }
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut loaded, mut with_btf, mut skipped) = (0, 0, Vec::new());
    for object in &all {
        let view = read_view(&object.path);
        if view.big_endian {
            skipped.push(format!(
                "{}: big-endian, this kernel is little-endian",
                object.label
            ));
            continue;
        }
        let original = Pins::new(&view);
        if let Err(e) = original.load(&object.path) {
            skipped.push(format!(
                "{}: the original does not load standalone: {e}",
                object.label
            ));
            continue;
        }
        let before = original.programs_with_btf();
        drop(original);
        let (unbound, back) = (dir.path().join("unbound.o"), dir.path().join("back.o"));
        if let Err(e) = round_trip(&object.path, &unbound, &back) {
            findings.add(&object.label, e);
            continue;
        }
        let round_tripped = Pins::new(&view);
        if let Err(e) = round_tripped.load(&back) {
            findings.add(
                &object.label,
                format!("the original loads, the round-tripped object does not: {e}"),
            );
            continue;
        }
        let after = round_tripped.programs_with_btf();
        if before.keys().ne(after.keys()) {
            findings.add(
                &object.label,
                format!("programs {:?} became {:?}", before.keys(), after.keys()),
            );
        }
        for (program, had_btf) in &before {
            if *had_btf && !after.get(program).copied().unwrap_or(false) {
                findings.add(
                    &object.label,
                    format!("program {program} lost its BTF (no btf_id)"),
                );
            }
        }
        loaded += 1;
        with_btf += usize::from(before.values().any(|b| *b));
    }
    for s in &skipped {
        println!("skipped {s}");
    }
    println!(
        "{loaded} round-tripped objects loaded like their originals ({with_btf} with BTF kept), {} skipped",
        skipped.len()
    );
    assert!(
        loaded > 0,
        "no third-party object loaded at all: {skipped:#?}"
    );
    findings.assert_none("loading round-tripped objects", all.len());
}

// ---------------------------------------------------------------------------------------------
// Portability check for Windows

#[test]
fn check_for_windows_gives_every_object_a_verdict() {
    let mut findings = Findings::default();
    let all = objects();
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut clean, mut not_clean) = (0, 0);
    for object in &all {
        let out = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            "--json".as_ref(),
            object.path.as_os_str(),
        ]);
        let code = match exit_code(&out) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, format!("check {e}"));
                continue;
            }
        };
        if code != 0 && code != 1 {
            findings.add(
                &object.label,
                format!("check exits {code}: {}", stderr(&out)),
            );
            continue;
        }
        let report: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                findings.add(&object.label, format!("check --json is not JSON: {e}"));
                continue;
            }
        };
        if report["binds_cleanly"].as_bool() != Some(code == 0) {
            findings.add(
                &object.label,
                format!(
                    "exit {code} but binds_cleanly = {}",
                    report["binds_cleanly"]
                ),
            );
        }
        // The table a packager reads gives the same answer.
        let table = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            object.path.as_os_str(),
        ]);
        if exit_code(&table) != Ok(code) || table.stdout.is_empty() {
            findings.add(
                &object.label,
                format!(
                    "check without --json: {:?} (JSON: exit {code}), {} bytes of table: {}",
                    exit_code(&table),
                    table.stdout.len(),
                    stderr(&table)
                ),
            );
        }
        let mut mine: BTreeMap<&str, usize> = BTreeMap::new();
        for call in report["calls"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let verdict = call["verdict"].as_str().unwrap_or("<none>");
            *mine.entry(verdict).or_default() += 1;
            *verdicts.entry(verdict.to_string()).or_default() += 1;
        }
        if code == 0 {
            clean += 1;
        } else {
            not_clean += 1;
        }
        println!("{}: exit {code}, verdicts {mine:?}", object.label);
    }
    println!("windows: {clean} objects bind cleanly, {not_clean} do not; verdicts over all calls: {verdicts:?}");
    findings.assert_none("check --platform windows", all.len());
}

/// `helper-bind --from FROM --platform TO -o OUT IN`.
fn rebind(from: &str, to: &str, input: &Path, out: &Path) -> Output {
    tool::run([
        "--from".as_ref(),
        from.as_ref(),
        "--platform".as_ref(),
        to.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ])
}

/// Code sections of `moved` against `original`: identical except the immediates of the numeric
/// calls `expected` names ((section, insn) -> new ID); returns the differences.
fn code_differences(
    original: &ElfView,
    moved: &ElfView,
    expected: &BTreeMap<(String, u64), i64>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for section in original.sections.iter().filter(|s| s.is_code()) {
        let Some(other) = moved.find_section(&section.name) else {
            problems.push(format!("code section {} is gone", section.name));
            continue;
        };
        if other.data.len() != section.data.len() {
            problems.push(format!("code section {} changed size", section.name));
            continue;
        }
        for (insn, (a, b)) in section.data.chunks(8).zip(other.data.chunks(8)).enumerate() {
            let want = expected.get(&(section.name.clone(), insn as u64));
            match want {
                Some(&id) if a[0] == CALL_OPCODE => {
                    let same_but_imm = a[..4] == b[..4];
                    if !same_but_imm || i64::from(moved.imm(b)) != id {
                        problems.push(format!(
                            "{}:{insn}: expected `call {id}`, found imm {}",
                            section.name,
                            moved.imm(b)
                        ));
                    }
                }
                _ if a != b => problems.push(format!("{}:{insn} changed", section.name)),
                _ => {}
            }
        }
    }
    problems
}

/// Linux objects moved to Windows where `check` says they bind cleanly (and refused with nothing
/// written where it says they do not): every numeric call gets the Windows ID `check` named,
/// nothing else in the code changes, the code is what unbind + bind in two steps gives, and
/// moving back to Linux gives the original code.
#[test]
fn rebind_to_windows_agrees_with_check_and_comes_back() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut moved, mut refused, mut calls) = (0, 0, 0);
    for object in &all {
        let out = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            "--json".as_ref(),
            object.path.as_os_str(),
        ]);
        let Ok(report) = serde_json::from_slice::<Value>(&out.stdout) else {
            findings.add(&object.label, format!("check --json: {}", stderr(&out)));
            continue;
        };
        let clean = out.status.code() == Some(0);
        let windows = dir.path().join("windows.o");
        let _ = std::fs::remove_file(&windows);
        let out = rebind("linux", "windows", &object.path, &windows);
        match (exit_code(&out), clean) {
            (Ok(0), true) if windows.exists() => {}
            (Ok(1), false) if !windows.exists() => {
                refused += 1;
                continue;
            }
            (code, _) => {
                findings.add(
                    &object.label,
                    format!(
                        "check says binds cleanly = {clean}, rebind --from linux --platform windows gives {code:?} \
                         (output written: {}): {}",
                        windows.exists(),
                        stderr(&out)
                    ),
                );
                continue;
            }
        }
        let mut expected = BTreeMap::new();
        for call in report["calls"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if let (Some("numeric"), Some(section), Some(insn), Some(id)) = (
                call["call"].as_str(),
                call["section"].as_str(),
                call["insn"].as_u64(),
                call["id"].as_i64(),
            ) {
                expected.insert((section.to_string(), insn), id);
            }
        }
        calls += expected.len();
        let original = read_view(&object.path);
        for p in code_differences(&original, &read_view(&windows), &expected) {
            findings.add(&object.label, format!("moved to Windows: {p}"));
        }
        // The same code as unbind, then bind for Windows, in two steps.
        let (unbound, two_steps) = (dir.path().join("unbound.o"), dir.path().join("two-steps.o"));
        let unbind = tool::run([
            "unbind".as_ref(),
            "--from".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            unbound.as_os_str(),
            object.path.as_os_str(),
        ]);
        let bind = tool::run([
            "--platform".as_ref(),
            "windows".as_ref(),
            "-o".as_ref(),
            two_steps.as_os_str(),
            unbound.as_os_str(),
        ]);
        if exit_code(&unbind) != Ok(0) || exit_code(&bind) != Ok(0) {
            findings.add(
                &object.label,
                format!(
                    "rebind works, unbind + bind for Windows does not: {} {}",
                    stderr(&unbind),
                    stderr(&bind)
                ),
            );
        } else {
            for p in code_differences(
                &read_view(&windows),
                &read_view(&two_steps),
                &BTreeMap::new(),
            ) {
                findings.add(&object.label, format!("rebind vs unbind + bind: {p}"));
            }
        }
        let linux = dir.path().join("linux.o");
        let out = rebind("windows", "linux", &windows, &linux);
        if exit_code(&out) != Ok(0) {
            findings.add(
                &object.label,
                format!("moving back to Linux: {}", stderr(&out)),
            );
            continue;
        }
        for p in code_differences(&original, &read_view(&linux), &BTreeMap::new()) {
            findings.add(&object.label, format!("Linux -> Windows -> Linux: {p}"));
        }
        // Outside the code, moving changes only what a round trip may change.
        let windows_view = read_view(&windows);
        for p in compare_round_trip(&original, &windows_view) {
            if !p.starts_with("code section") {
                findings.add(&object.label, format!("moved to Windows: {p}"));
            }
        }
        for p in compare_round_trip(&original, &read_view(&linux)) {
            findings.add(&object.label, format!("Linux -> Windows -> Linux: {p}"));
        }
        moved += 1;
    }
    println!(
        "{moved} objects moved to Windows ({calls} numeric calls renumbered) and back; \
         {refused} refused as check predicted"
    );
    findings.assert_none("rebind Linux -> Windows -> Linux", all.len());
}

/// Batch mode over every unbound third-party object at once: the objects calling a non-helper
/// extern fail (exit 1, one line each, nothing written for them), every other output is
/// byte-identical to binding that object alone.
#[test]
fn batch_binding_of_every_unbound_object_matches_binding_each_alone() {
    let all = objects();
    let dir = scratch_dir();
    let (inputs, outputs) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::create_dir_all(&outputs).unwrap();
    let mut expected = BTreeMap::new(); // input name -> Some(alone-bound bytes) or None (fails)
    let mut args: Vec<std::ffi::OsString> = vec![
        "--platform".into(),
        "linux".into(),
        "-o".into(),
        format!("{}/", outputs.display()).into(),
    ];
    for (n, object) in all.iter().enumerate() {
        let name = format!("{n:03}.o");
        let (unbound, back) = (inputs.join(&name), dir.path().join("back.o"));
        round_trip(&object.path, &unbound, &back)
            .unwrap_or_else(|e| panic!("{}: {e}", object.label));
        let fails = calls_externs(&object.path).unwrap();
        expected.insert(
            name,
            (
                object.label.clone(),
                (!fails).then(|| std::fs::read(&back).unwrap()),
            ),
        );
        args.push(unbound.into_os_string());
    }
    let out = tool::run(&args);
    let failing = expected.values().filter(|(_, b)| b.is_none()).count();
    assert_eq!(
        exit_code(&out),
        Ok(if failing > 0 { 1 } else { 0 }),
        "batch of {} objects with {failing} unbindable: {}",
        expected.len(),
        stderr(&out)
    );
    let mut findings = Findings::default();
    for (name, (label, alone)) in &expected {
        let written = std::fs::read(outputs.join(name)).ok();
        match (alone, written) {
            (Some(a), Some(w)) if *a == w => {}
            (Some(_), Some(_)) => findings.add(label, "batch output differs from binding it alone"),
            (Some(_), None) => findings.add(label, "batch wrote no output"),
            (None, Some(_)) => findings.add(label, "batch wrote the output of a failed object"),
            (None, None) => {
                if stderr(&out)
                    .lines()
                    .filter(|l| l.contains(name.as_str()))
                    .count()
                    != 1
                {
                    findings.add(label, format!("expected one error line naming {name}"));
                }
            }
        }
    }
    println!(
        "batch: {} unbound objects, {failing} refused, the rest identical to binding alone",
        expected.len()
    );
    findings.assert_none("batch binding", expected.len());
}

// ---------------------------------------------------------------------------------------------
// The kernel's own headers

fn oracle_headers() -> Vec<PathBuf> {
    let oracles = std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/oracles"));
    let mut headers: Vec<PathBuf> = sorted_entries(&oracles)
        .into_iter()
        .map(|d| d.join("bpf.h"))
        .filter(|h| h.is_file())
        .collect();
    headers.extend(
        sorted_entries(&oracles.join("bpf-h"))
            .into_iter()
            .filter(|h| h.extension().is_some_and(|e| e == "h")),
    );
    // The system's own header (linux-libc-dev), bpf-doc-gen's default input.
    let system = PathBuf::from("/usr/include/linux/bpf.h");
    if system.is_file() {
        headers.push(system);
    }
    assert!(
        headers.len() >= 3,
        "kernel headers missing in {}: run scripts/setup-test-env",
        oracles.display()
    );
    headers
}

fn bpf_doc_gen_bin() -> PathBuf {
    // helper-bind and bpf-doc-gen are built into the same directory.
    let bin = tool::helper_bind_bin().with_file_name("bpf-doc-gen");
    if !bin.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let target = bin
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>");
        let mut cmd = Command::new(cargo);
        cmd.current_dir(workspace_root())
            .args(["build", "-p", "bpf-doc-gen", "--bin", "bpf-doc-gen"])
            .env("CARGO_TARGET_DIR", target);
        if bin
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "release")
        {
            cmd.arg("--release");
        }
        assert!(
            cmd.status().expect("cargo build").success(),
            "cargo build -p bpf-doc-gen failed"
        );
    }
    bin
}

#[test]
fn every_kernel_header_generates_and_binds_third_party_objects() {
    let mut findings = Findings::default();
    let headers = oracle_headers();
    let doc_gen = bpf_doc_gen_bin();
    let dir = scratch_dir();

    // Unbound third-party objects and what the built-in table binds them to.
    let mut unbound = Vec::new();
    for (n, object) in objects().iter().enumerate() {
        let (u, b) = (
            dir.path().join(format!("{n}-unbound.o")),
            dir.path().join(format!("{n}-back.o")),
        );
        if round_trip(&object.path, &u, &b).is_ok() && u.exists() {
            let externs = calls_externs(&object.path).unwrap_or(false);
            unbound.push((object.label.clone(), u, b, externs));
        }
    }

    for header in &headers {
        let label = header
            .strip_prefix(workspace_root())
            .unwrap_or(header)
            .display()
            .to_string();
        for format in ["header", "bpf-helper", "json"] {
            let out = run_tool(
                doc_gen.to_str().unwrap(),
                &["--format".as_ref(), format.as_ref(), header.as_os_str()],
            );
            if !out.status.success() || out.stdout.is_empty() {
                findings.add(
                    &label,
                    format!("bpf-doc-gen --format {format}: {}", stderr(&out)),
                );
            } else if format == "json" && serde_json::from_slice::<Value>(&out.stdout).is_err() {
                findings.add(&label, "bpf-doc-gen --format json is not JSON");
            }
        }
        let (mut same, mut refused) = (0, 0);
        for (object, u, builtin, externs) in &unbound {
            let out_path = dir.path().join("uapi.o");
            let mut args = vec![
                "--platform".as_ref(),
                "linux".as_ref(),
                "--uapi".as_ref(),
                header.as_os_str(),
                "-o".as_ref(),
                out_path.as_os_str(),
                u.as_os_str(),
            ];
            if *externs {
                args.push("--allow-unresolved".as_ref());
            }
            let out = tool::run(args);
            match exit_code(&out) {
                Ok(0) if std::fs::read(&out_path).ok() == std::fs::read(builtin).ok() => same += 1,
                Ok(0) => findings.add(
                    &label,
                    format!("{object}: --uapi binds differently from the built-in table"),
                ),
                // An older kernel without one of the helpers: refused, naming it.
                Ok(1) if stderr(&out).contains("is not a helper of this platform") => refused += 1,
                Ok(c) => findings.add(
                    &label,
                    format!("{object}: --uapi exits {c}: {}", stderr(&out)),
                ),
                Err(e) => findings.add(&label, format!("{object}: --uapi {e}")),
            }
        }
        println!("{label}: 3 formats generated; {same} objects bind as with the built-in table, {refused} refused (helper newer than the header)");
    }
    findings.assert_none("kernel headers", headers.len());
}

/// The fetched set is what the fetch script promises (a source silently lost would shrink
/// every other test's coverage).
#[test]
fn the_fetched_set_covers_both_byte_orders_btf_and_no_btf() {
    let all = objects();
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for object in &all {
        let view = read_view(&object.path);
        kinds.insert(if view.big_endian {
            "big-endian"
        } else {
            "little-endian"
        });
        kinds.insert(if view.find_section(".BTF").is_some() {
            "btf"
        } else {
            "no-btf"
        });
        if view.find_section("maps").is_some() {
            kinds.insert("legacy-maps");
        }
    }
    for source in sorted_entries(&third_party_dir()) {
        if let Ok(s) = std::fs::read_to_string(source.join("SOURCE")) {
            println!(
                "{}: {}",
                source.file_name().unwrap().to_string_lossy(),
                s.trim()
            );
        }
    }
    println!("{} objects: {kinds:?}", all.len());
    for wanted in [
        "big-endian",
        "little-endian",
        "btf",
        "no-btf",
        "legacy-maps",
    ] {
        assert!(
            kinds.contains(wanted),
            "no {wanted} object among {} (scripts/fetch-third-party-bpf)",
            all.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Minimal reproducers of findings on third-party objects

/// Every cilium/ebpf object has a stale `.llvm_addrsig`: symbol indices past the end of
/// `.symtab`. `unbind` appends helper symbols there, so a stale index silently starts naming a
/// helper, and binding then drops it with the helper symbol: the round trip changed the section
/// (loader-clang-14 and manyprogs, both byte orders). A stale entry must stay as it was.
#[test]
fn a_stale_addrsig_entry_survives_unbind_then_bind() {
    let dir = scratch_dir();
    let source = workspace_root().join("tests/third_party/stale_addrsig.c");
    for target in ["bpf", "bpfeb"] {
        let object = dir.path().join(format!("{target}.o"));
        let out = run_tool(
            "clang-19",
            &[
                "-O2".as_ref(),
                "-g".as_ref(),
                "-target".as_ref(),
                target.as_ref(),
                "-I/usr/include/x86_64-linux-gnu".as_ref(),
                "-c".as_ref(),
                source.as_os_str(),
                "-o".as_ref(),
                object.as_os_str(),
            ],
        );
        assert!(out.status.success(), "clang-19: {}", stderr(&out));
        // Point the last entry one past the last symbol, as cilium's objects do.
        let mut data = std::fs::read(&object).unwrap();
        let view = read_view(&object);
        let addrsig = view
            .sections
            .iter()
            .find(|s| s.name == ".llvm_addrsig")
            .expect("clang-19 writes .llvm_addrsig");
        let symbols = view.symbols.len() + 1; // the null symbol is not in the view
        assert!(
            symbols < 0x80
                && addrsig.size > 0
                && data[(addrsig.offset + addrsig.size - 1) as usize] < 0x80
        );
        data[(addrsig.offset + addrsig.size - 1) as usize] = symbols as u8;
        std::fs::write(&object, &data).unwrap();

        let (unbound, back) = (dir.path().join("unbound.o"), dir.path().join("back.o"));
        round_trip(&object, &unbound, &back).unwrap_or_else(|e| panic!("{target}: {e}"));
        let problems = compare_round_trip(&read_view(&object), &read_view(&back));
        assert!(problems.is_empty(), "-target {target}: {problems:#?}");
    }
}
