//! Hostile objects: every way an ELF file can lie, built from valid objects one corrupted field
//! at a time. Each must be refused by every subcommand with exit status 2 and an error that names
//! the file (and the section where one is at fault), without a panic, without an allocation
//! sized from the lie (runs are capped at 1 GiB of address space), without any output or temp
//! file, and with the input byte-identical afterwards.
//!
//! The valid objects they start from are checked to bind first, so a tool that refuses
//! everything cannot pass.

mod hostile_support;

use hostile_support::*;
use std::fs;

/// One corrupted object and what its error message must mention (any one of `any_of`, beside
/// the file name).
struct Case {
    name: String,
    bytes: Vec<u8>,
    any_of: Vec<String>,
}

fn case(name: impl Into<String>, bytes: Vec<u8>, any_of: &[&str]) -> Case {
    Case {
        name: name.into(),
        bytes,
        any_of: any_of.iter().map(|s| s.to_string()).collect(),
    }
}

/// A section may be named by its name or by its index as `[N]` (the name cannot always be
/// shown: the corruption may be in the name table itself). Adds `[N]` for every expected
/// section name of `obj`.
fn with_indices(obj: &Obj, cases: Vec<Case>) -> Vec<Case> {
    cases
        .into_iter()
        .map(|mut c| {
            let extra: Vec<String> = obj
                .sections
                .iter()
                .filter(|s| c.any_of.contains(&s.name))
                .map(|s| format!("[{}]", s.index))
                .collect();
            c.any_of.extend(extra);
            c
        })
        .collect()
}

/// The valid objects every corruption starts from: clang-built (with BTF, several sections)
/// and hand-built minimal, in both byte orders.
fn bases() -> Vec<(String, Obj)> {
    let mut bases = Vec::new();
    for target in ["bpf", "bpfeb"] {
        bases.push((
            format!("clang-{target}"),
            Obj::parse(clang_object(SAMPLE_C, target)),
        ));
    }
    for (label, big_endian) in [("minimal-le", false), ("minimal-be", true)] {
        bases.push((
            label.to_string(),
            Obj::parse(minimal_object(big_endian, 3, "xdp")),
        ));
    }
    bases
}

/// The command lines every hostile input is given to; `{in}` and `{out}` are replaced by paths.
const MODES: &[&[&str]] = &[
    &["--platform", "linux", "-o", "{out}", "{in}"],
    &["--platform", "windows", "-o", "{out}", "{in}"],
    &["--platform", "linux", "{in}"],
    &["list", "{in}"],
    &["list", "--json", "{in}"],
    &["unbind", "--from", "linux", "-o", "{out}", "{in}"],
    &["check", "--platform", "windows", "{in}"],
];

/// The binding and listing modes only (for inputs a tool may accept).
const BIND_MODES: &[&[&str]] = &[
    &["--platform", "linux", "-o", "{out}", "{in}"],
    &["--platform", "linux", "{in}"],
    &["list", "{in}"],
];

/// Runs every mode on every case; returns one line per broken promise.
fn failures_of(cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        for mode in MODES {
            if let Err(why) = refused_cleanly(case, mode, &[2]) {
                failures.push(format!(
                    "{} | helper-bind {}: {why}",
                    case.name,
                    mode.join(" ")
                ));
            }
        }
    }
    failures
}

/// Runs `mode` on the case and checks every promise of a refusal. `exit_codes` are the
/// acceptable exit statuses (2, bad input, for the hostile cases).
fn refused_cleanly(case: &Case, mode: &[&str], exit_codes: &[i32]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.o");
    let output = dir.path().join("out.o");
    fs::write(&input, &case.bytes).unwrap();
    let argv = args(mode.iter().map(|a| match *a {
        "{in}" => input.clone().into_os_string(),
        "{out}" => output.clone().into_os_string(),
        other => other.into(),
    }));
    let run = helper_bind(&argv);
    let mut why = Vec::new();
    if run.stderr.contains("panicked") || run.code.is_none() {
        why.push(format!("crashed (status {:?})", run.code));
    } else if !run.code.is_some_and(|c| exit_codes.contains(&c)) {
        why.push(format!("exit {:?}, expected {exit_codes:?}", run.code));
    }
    if !run.stderr.contains("hostile.o") {
        why.push("error does not name the file".to_string());
    }
    if !case.any_of.is_empty() && !case.any_of.iter().any(|m| run.stderr.contains(m.as_str())) {
        why.push(format!("error mentions none of {:?}", case.any_of));
    }
    if fs::read(&input).unwrap() != case.bytes {
        why.push("input modified".to_string());
    }
    let left = dir_entries(dir.path());
    if left != ["hostile.o"] {
        why.push(format!("files left behind: {left:?}"));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} [stderr: {}]",
            why.join("; "),
            run.stderr.trim()
        ))
    }
}

fn assert_all_refused(cases: Vec<Case>) {
    assert!(!cases.is_empty());
    let failures = failures_of(&cases);
    assert!(
        failures.is_empty(),
        "{} of {} hostile runs broke a promise:\n{}",
        failures.len(),
        cases.len() * MODES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_base_object_binds_and_lists() {
    for (label, obj) in bases() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("valid.o");
        fs::write(&input, &obj.bytes).unwrap();
        for platform in ["linux", "windows"] {
            let out = dir.path().join(format!("{platform}.o"));
            let run = helper_bind(&args([
                "--platform".into(),
                platform.into(),
                "-o".into(),
                out.clone().into_os_string(),
                input.clone().into_os_string(),
            ]));
            assert_eq!(run.code, Some(0), "{label} on {platform}: {run:?}");
            assert_eq!(
                fs::read(&out).unwrap().len(),
                obj.bytes.len(),
                "{label}: bound size"
            );
        }
        let run = helper_bind(&args(["list".into(), input.clone().into_os_string()]));
        assert_eq!(run.code, Some(0), "{label} list: {run:?}");
        assert!(
            run.stdout.contains("bpf_ktime_get_ns"),
            "{label} list: {run:?}"
        );
        let out = dir.path().join("unbound.o");
        let run = helper_bind(&args([
            "unbind".into(),
            "--from".into(),
            "linux".into(),
            "-o".into(),
            out.into_os_string(),
            input.clone().into_os_string(),
        ]));
        assert_eq!(run.code, Some(0), "{label} unbind: {run:?}");
        let run = helper_bind(&args([
            "check".into(),
            "--platform".into(),
            "windows".into(),
            input.into_os_string(),
        ]));
        assert!(matches!(run.code, Some(0 | 1)), "{label} check: {run:?}");
    }
}

#[test]
fn em_none_objects_are_still_accepted() {
    // Some old objects carry e_machine = EM_NONE; the design says they must bind.
    let obj = Obj::parse(minimal_object(false, 2, "xdp"));
    let bytes = obj.with(|o| o.put_u16(ehdr::MACHINE, 0));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("em_none.o");
    let out = dir.path().join("out.o");
    fs::write(&input, &bytes).unwrap();
    let run = helper_bind(&args([
        "--platform".into(),
        "linux".into(),
        "-o".into(),
        out.clone().into_os_string(),
        input.into_os_string(),
    ]));
    assert_eq!(run.code, Some(0), "{run:?}");
    let bound = fs::read(&out).unwrap();
    let code = &bound[64..64 + 8];
    assert_eq!(
        code,
        [0x85, 0x00, 0, 0, 5, 0, 0, 0],
        "call bpf_ktime_get_ns = 5, src_reg 0"
    );
}

/// Lengths at every header boundary: each ELF header field, each section header, each
/// section's start and last byte.
fn header_boundaries(obj: &Obj) -> Vec<usize> {
    let mut cuts = vec![
        0, 1, 4, 5, 6, 7, 16, 18, 20, 24, 32, 40, 48, 52, 54, 56, 58, 60, 62, 63, 64,
    ];
    for s in &obj.sections {
        cuts.push(s.header_at);
        cuts.push(s.header_at + shdr::OFFSET);
        cuts.push(s.header_at + shdr::SIZEOF - 1);
        if s.size > 0 && s.sh_type != 8 {
            cuts.push(s.offset as usize);
            cuts.push((s.offset + s.size) as usize - 1);
        }
    }
    cuts.retain(|&c| c < obj.bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

#[test]
fn truncated_at_every_header_boundary() {
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        for cut in header_boundaries(&obj) {
            cases.push(case(
                format!("{label} truncated to {cut} bytes"),
                obj.bytes[..cut].to_vec(),
                &[],
            ));
        }
    }
    assert_all_refused(cases);
}

#[test]
fn not_elf_wrong_class_machine_or_byte_order() {
    let mut cases = vec![
        case("empty file", Vec::new(), &[]),
        case("text file", b"int main(void) { return 0; }\n".to_vec(), &[]),
        case("zeros", vec![0; 4096], &[]),
    ];
    for (label, obj) in bases() {
        let b = &obj;
        cases.push(case(
            format!("{label} bad magic"),
            b.with(|o| o.bytes[1] = b'X'),
            &[],
        ));
        cases.push(case(
            format!("{label} 32-bit class"),
            b.with(|o| o.bytes[ehdr::CLASS] = 1),
            &["64"],
        ));
        cases.push(case(
            format!("{label} class 0"),
            b.with(|o| o.bytes[ehdr::CLASS] = 0),
            &[],
        ));
        cases.push(case(
            format!("{label} byte order 0"),
            b.with(|o| o.bytes[ehdr::DATA] = 0),
            &[],
        ));
        cases.push(case(
            format!("{label} byte order 3"),
            b.with(|o| o.bytes[ehdr::DATA] = 3),
            &[],
        ));
        cases.push(case(
            format!("{label} byte order flag flipped"),
            b.with(|o| o.bytes[ehdr::DATA] = 3 - o.bytes[ehdr::DATA]),
            &[],
        ));
        cases.push(case(
            format!("{label} x86-64 machine"),
            b.with(|o| o.put_u16(ehdr::MACHINE, 62)),
            &["BPF", "machine"],
        ));
        cases.push(case(
            format!("{label} e_shoff past the end"),
            b.with(|o| {
                let len = o.bytes.len() as u64;
                o.put_u64(ehdr::SHOFF, len)
            }),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shoff overflows"),
            b.with(|o| o.put_u64(ehdr::SHOFF, u64::MAX - 16)),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shnum 65535"),
            b.with(|o| o.put_u16(ehdr::SHNUM, 0xffff)),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shnum 0 with a huge extended count"),
            b.with(|o| {
                o.put_u16(ehdr::SHNUM, 0);
                let at = o.shoff as usize + shdr::SIZE;
                o.put_u64(at, 0xffff_ffff);
            }),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shentsize 32"),
            b.with(|o| o.put_u16(ehdr::SHENTSIZE, 32)),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shentsize 0"),
            b.with(|o| o.put_u16(ehdr::SHENTSIZE, 0)),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shstrndx out of range"),
            b.with(|o| {
                let n = o.sections.len() as u16;
                o.put_u16(ehdr::SHSTRNDX, n + 3)
            }),
            &[],
        ));
        cases.push(case(
            format!("{label} e_shstrndx SHN_XINDEX with a huge link"),
            b.with(|o| {
                o.put_u16(ehdr::SHSTRNDX, 0xffff);
                let at = o.shoff as usize + shdr::LINK;
                o.put_u32(at, 0xfff_ffff);
            }),
            &[],
        ));
    }
    assert_all_refused(cases);
}

/// The code section holding a helper call, its relocation section and the symbol table.
fn key_sections(obj: &Obj) -> (Section, Section, Section, Section) {
    let rel = obj.helper_rel_section().clone();
    let code = obj.sections[rel.info as usize].clone();
    let symtab = obj.section_of_type(SHT_SYMTAB).clone();
    let strtab = obj.sections[symtab.link as usize].clone();
    (code, rel, symtab, strtab)
}

#[test]
fn section_offsets_sizes_and_links_that_lie() {
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        let mut local = Vec::new();
        let (code, rel, symtab, _) = key_sections(&obj);
        let len = obj.bytes.len() as u64;
        let shnum = obj.sections.len() as u32;
        for s in [&code, &rel, &symtab] {
            let n = &s.name;
            let l = format!("{label} {n}");
            let names: &[&str] = &[n.as_str()];
            local.push(case(
                format!("{l} offset past the end"),
                obj.with(|o| o.put_u64(s.field(shdr::OFFSET), len)),
                names,
            ));
            local.push(case(
                format!("{l} size past the end"),
                obj.with(|o| o.put_u64(s.field(shdr::SIZE), len)),
                names,
            ));
            local.push(case(
                format!("{l} size huge"),
                obj.with(|o| o.put_u64(s.field(shdr::SIZE), u64::MAX)),
                names,
            ));
            local.push(case(
                format!("{l} offset+size overflows"),
                obj.with(|o| o.put_u64(s.field(shdr::OFFSET), u64::MAX - 7)),
                names,
            ));
        }
        for s in [&rel, &symtab] {
            let n = &s.name;
            let l = format!("{label} {n}");
            let names: &[&str] = &[n.as_str()];
            for entsize in [1u64, 8, 0xffff_ffff] {
                local.push(case(
                    format!("{l} entsize {entsize}"),
                    obj.with(|o| o.put_u64(s.field(shdr::ENTSIZE), entsize)),
                    names,
                ));
            }
            local.push(case(
                format!("{l} size not a multiple of entsize"),
                obj.with(|o| o.put_u64(s.field(shdr::SIZE), s.size - 3)),
                names,
            ));
            local.push(case(
                format!("{l} claims a million entries"),
                obj.with(|o| o.put_u64(s.field(shdr::SIZE), 1_000_000 * s.entsize)),
                names,
            ));
        }
        let r = format!("{label} {}", rel.name);
        let rn: &[&str] = &[rel.name.as_str()];
        let self_index = rel.index as u32;
        local.push(case(
            format!("{r} sh_info points at itself"),
            obj.with(|o| o.put_u32(rel.field(shdr::INFO), self_index)),
            rn,
        ));
        local.push(case(
            format!("{r} sh_link points at itself"),
            obj.with(|o| o.put_u32(rel.field(shdr::LINK), self_index)),
            rn,
        ));
        local.push(case(
            format!("{r} sh_info out of range"),
            obj.with(|o| o.put_u32(rel.field(shdr::INFO), shnum + 9)),
            rn,
        ));
        local.push(case(
            format!("{r} sh_link out of range"),
            obj.with(|o| o.put_u32(rel.field(shdr::LINK), shnum + 9)),
            rn,
        ));
        local.push(case(
            format!("{r} sh_link 0"),
            obj.with(|o| o.put_u32(rel.field(shdr::LINK), 0)),
            rn,
        ));
        local.push(case(
            format!("{r} sh_link is the string table"),
            obj.with(|o| o.put_u32(rel.field(shdr::LINK), symtab.link)),
            rn,
        ));
        let st = format!("{label} .symtab");
        for (what, sh_type) in [("SHT_PROGBITS", SHT_PROGBITS), ("SHT_NULL", 0)] {
            // Relocations whose symbol table is gone: no symbol index can be valid.
            local.push(case(
                format!("{st} turned into {what}: relocations without a symbol table"),
                obj.with(|o| o.put_u32(symtab.field(shdr::TYPE), sh_type)),
                &[rel.name.as_str(), ".symtab"],
            ));
        }
        let sn: &[&str] = &[".symtab"];
        let sym_index = symtab.index as u32;
        local.push(case(
            format!("{st} sh_link points at itself"),
            obj.with(|o| o.put_u32(symtab.field(shdr::LINK), sym_index)),
            sn,
        ));
        local.push(case(
            format!("{st} sh_link out of range"),
            obj.with(|o| o.put_u32(symtab.field(shdr::LINK), shnum + 9)),
            sn,
        ));
        // Overlaps: the relocation entries read from the code, the symbols read from the
        // relocations, the code read from the section header table.
        local.push(case(
            format!("{r} overlaps its code section"),
            obj.with(|o| o.put_u64(rel.field(shdr::OFFSET), code.offset)),
            &[rel.name.as_str(), code.name.as_str()],
        ));
        local.push(case(
            format!("{st} overlaps {}", rel.name),
            obj.with(|o| o.put_u64(symtab.field(shdr::OFFSET), rel.offset)),
            &[".symtab", rel.name.as_str()],
        ));
        local.push(case(
            format!("{label} {} overlaps the section headers", code.name),
            obj.with(|o| {
                let shoff = o.shoff;
                o.put_u64(code.field(shdr::OFFSET), shoff)
            }),
            &[code.name.as_str()],
        ));
        // Found by fuzzing (bind target, before overlaps were refused): a string table sharing
        // bytes with another section made bind write an object it could not bind again.
        local.push(case(
            format!("{label} .strtab overlaps .symtab"),
            obj.with(|o| {
                o.put_u64(
                    obj.sections[symtab.link as usize].field(shdr::OFFSET),
                    symtab.offset,
                )
            }),
            &[".strtab", ".symtab"],
        ));
        // Found by fuzzing (mutate_object, through unbind): entries read from the ELF header
        // are R_BPF_NONE against symbol 0, so nothing else about them looks wrong.
        local.push(case(
            format!("{r} overlaps the ELF header"),
            obj.with(|o| o.put_u64(rel.field(shdr::OFFSET), 0)),
            &[rel.name.as_str()],
        ));
        local.push(case(
            format!("{label} {} overlaps the ELF header", code.name),
            obj.with(|o| o.put_u64(code.field(shdr::OFFSET), 0)),
            &[code.name.as_str()],
        ));
        cases.extend(with_indices(&obj, local));
    }
    assert_all_refused(cases);
}

#[test]
fn relocations_that_do_not_sit_on_a_call() {
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        let mut local = Vec::new();
        let (code, rel, symtab, _) = key_sections(&obj);
        let k = obj.helper_relocation(&rel).unwrap();
        let at = rel.offset as usize + k * rel::SIZEOF;
        let r_offset = obj.u64_at(at + rel::OFFSET);
        let r_info = obj.u64_at(at + rel::INFO);
        let l = format!("{label} {} entry {k}", rel.name);
        let names: &[&str] = &[rel.name.as_str(), code.name.as_str()];
        let put_offset = |v: u64| obj.with(|o| o.put_u64(at + rel::OFFSET, v));
        local.push(case(
            format!("{l} offset at the end of the section"),
            put_offset(code.size),
            names,
        ));
        local.push(case(
            format!("{l} offset straddles the end"),
            put_offset(code.size - 4),
            names,
        ));
        local.push(case(
            format!("{l} offset u64::MAX"),
            put_offset(u64::MAX),
            names,
        ));
        local.push(case(
            format!("{l} offset not 8-byte aligned"),
            put_offset(r_offset + 4),
            names,
        ));
        local.push(case(
            format!("{l} offset 1"),
            put_offset(r_offset + 1),
            names,
        ));
        // Found by fuzzing: an offset whose low 32 bits point at the call.
        local.push(case(
            format!("{l} offset + 4 GiB"),
            put_offset(r_offset + (1 << 32)),
            names,
        ));
        // The last instruction of every code section here is `exit`, never a call.
        local.push(case(
            format!("{l} on an exit instruction"),
            put_offset(code.size - 8),
            names,
        ));
        let nsyms = symtab.size / sym::SIZEOF as u64;
        let put_symbol =
            |s: u64| obj.with(|o| o.put_u64(at + rel::INFO, (s << 32) | (r_info & 0xffff_ffff)));
        local.push(case(
            format!("{l} symbol index just past the table"),
            put_symbol(nsyms),
            names,
        ));
        local.push(case(
            format!("{l} symbol index 0xffffffff"),
            put_symbol(0xffff_ffff),
            names,
        ));
        local.push(case(
            format!("{l} against the null symbol"),
            put_symbol(0),
            names,
        ));
        local.push(case(
            format!("{l} against symbol 0, no symbol table"),
            obj.with(|o| {
                o.put_u64(at + rel::INFO, r_info & 0xffff_ffff);
                o.put_u32(symtab.field(shdr::TYPE), 0);
            }),
            names,
        ));
        // Found by fuzzing (check target): readers disagreed on these two, so `check` called
        // an object clean that `rebind`/`unbind` then refused. A relocated call must be a
        // pseudo call (src_reg 1); a code section holds whole instructions.
        let call_at = code.offset as usize + r_offset as usize;
        let src0 = obj.with(|o| o.bytes[call_at + 1] &= if o.big_endian { 0xf0 } else { 0x0f });
        local.push(case(
            format!("{l}: the relocated call has src_reg 0"),
            src0,
            names,
        ));
        local.push(case(
            format!("{label} {} size not a multiple of 8", code.name),
            obj.with(|o| o.put_u64(code.field(shdr::SIZE), code.size - 1)),
            &[code.name.as_str()],
        ));
        // Two relocations for the same call: which name binds it is ambiguous.
        if let Some(other) = (0..rel.size as usize / rel::SIZEOF).find(|&j| j != k) {
            let other_at = rel.offset as usize + other * rel::SIZEOF;
            local.push(case(
                format!("{l} shares its call with entry {other}"),
                obj.with(|o| {
                    let v = o.u64_at(other_at + rel::OFFSET);
                    o.put_u64(at + rel::OFFSET, v)
                }),
                names,
            ));
        }
        cases.extend(with_indices(&obj, local));
    }
    assert_all_refused(cases);
}

#[test]
fn extended_section_indices_that_lie() {
    // Found by fuzzing (bind target): a symbol with st_shndx = SHN_XINDEX read its real index
    // from an SHT_SYMTAB_SHNDX section too short for it (elf.rs sliced past its end).
    const SHT_SYMTAB_SHNDX: u32 = 18;
    let mut cases = Vec::new();
    for big_endian in [false, true] {
        let obj = Obj::parse(padded_object(big_endian, 2, "xdp", 64));
        let label = if big_endian { "padded-be" } else { "padded-le" };
        let symtab = obj.section(".symtab").clone();
        let bulk = obj.section(".bulk").clone();
        let helper_at = symtab.offset as usize + 2 * sym::SIZEOF;
        let xindex = |o: &mut Obj| o.put_u16(helper_at + sym::SHNDX, 0xffff);
        let mut local = Vec::new();
        local.push(case(
            format!("{label}: SHN_XINDEX without an SHT_SYMTAB_SHNDX section"),
            obj.with(xindex),
            &[".symtab"],
        ));
        for (what, size) in [("empty", 0u64), ("too short", 8)] {
            local.push(case(
                format!("{label}: SHN_XINDEX with an {what} SHT_SYMTAB_SHNDX section"),
                obj.with(|o| {
                    xindex(o);
                    o.put_u32(bulk.field(shdr::TYPE), SHT_SYMTAB_SHNDX);
                    o.put_u32(bulk.field(shdr::LINK), symtab.index as u32);
                    o.put_u64(bulk.field(shdr::SIZE), size);
                }),
                &[".bulk", ".symtab"],
            ));
        }
        local.push(case(
            format!("{label}: SHN_XINDEX whose extended index is past the section table"),
            obj.with(|o| {
                xindex(o);
                o.put_u32(bulk.field(shdr::TYPE), SHT_SYMTAB_SHNDX);
                o.put_u32(bulk.field(shdr::LINK), symtab.index as u32);
                o.put_u64(bulk.field(shdr::SIZE), 3 * 4);
                o.put_u32(bulk.offset as usize + 2 * 4, 0x7fff_ffff);
            }),
            &[".bulk", ".symtab"],
        ));
        cases.extend(with_indices(&obj, local));
    }
    assert_all_refused(cases);
}

/// Every entry of every relocation section rewritten by `edit(r_info) -> r_info`.
fn every_relocation(o: &mut Obj, edit: impl Fn(u64) -> u64) {
    let rels: Vec<Section> = o
        .sections
        .iter()
        .filter(|s| s.sh_type == SHT_REL)
        .cloned()
        .collect();
    for r in rels {
        for k in 0..r.size as usize / rel::SIZEOF {
            let at = r.offset as usize + k * rel::SIZEOF + rel::INFO;
            let v = o.u64_at(at);
            o.put_u64(at, edit(v));
        }
    }
}

#[test]
fn relocations_without_a_symbol_table() {
    // Found by fuzzing (bind target): with no SHT_SYMTAB left, relocation symbol indices were
    // not checked and binding panicked indexing the empty symbol list (plan.rs unused_after).
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        let (_, rel, symtab, _) = key_sections(&obj);
        let mut local = Vec::new();
        let expect: &[&str] = &[rel.name.as_str(), ".symtab", "symbol"];
        for (what, kind) in [
            ("R_BPF_64_32", Some(R_BPF_64_32 as u64)),
            ("R_BPF_NONE", Some(0)),
            ("their own type", None),
        ] {
            local.push(case(
                format!("{label}: every relocation against symbol 0 as {what}, symbol table turned SHT_NULL"),
                obj.with(|o| {
                    every_relocation(o, |info| kind.unwrap_or(info & 0xffff_ffff));
                    o.put_u32(symtab.field(shdr::TYPE), 0);
                }),
                expect,
            ));
        }
        cases.extend(with_indices(&obj, local));
    }
    assert_all_refused(cases);
}

#[test]
fn symbols_and_strings_out_of_range_or_unterminated() {
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        let mut local = Vec::new();
        let (_, rel, symtab, strtab) = key_sections(&obj);
        let k = obj.helper_relocation(&rel).unwrap();
        let r_info = obj.u64_at(rel.offset as usize + k * rel::SIZEOF + rel::INFO);
        let helper_sym = (r_info >> 32) as usize;
        let helper = obj.symbol_name(helper_sym);
        let sym_at = symtab.offset as usize + helper_sym * sym::SIZEOF;
        let name_off = obj.u32_at(sym_at + sym::NAME);
        let l = format!("{label} symbol {helper_sym} ({helper})");
        let sn: &[&str] = &[".symtab", ".strtab", &helper];
        local.push(case(
            format!("{l} name index past the string table"),
            obj.with(|o| o.put_u32(sym_at + sym::NAME, strtab.size as u32 + 100)),
            sn,
        ));
        local.push(case(
            format!("{l} name index 0xffffffff"),
            obj.with(|o| o.put_u32(sym_at + sym::NAME, u32::MAX)),
            sn,
        ));
        local.push(case(
            format!("{l} name runs off the end of .strtab without a NUL"),
            obj.with(|o| o.put_u64(strtab.field(shdr::SIZE), name_off as u64 + 3)),
            sn,
        ));
        let shnum = obj.sections.len() as u16;
        local.push(case(
            format!("{l} defined in a section that does not exist"),
            obj.with(|o| o.put_u16(sym_at + sym::SHNDX, shnum + 7)),
            sn,
        ));
        local.push(case(
            format!("{label} section name index past the string table"),
            obj.with(|o| {
                let at = rel.field(shdr::NAME);
                o.put_u32(at, 0xffff_fff0)
            }),
            &[],
        ));
        local.push(case(
            format!("{label} section-name table without a final NUL"),
            obj.with(|o| {
                let strtab_end = (strtab.offset + strtab.size) as usize - 1;
                o.bytes[strtab_end] = b'x';
            }),
            &[],
        ));
        local.push(case(
            format!("{label} .symtab sh_info (first global) past the table"),
            obj.with(|o| o.put_u32(symtab.field(shdr::INFO), 0x7fff_ffff)),
            &[".symtab"],
        ));
        cases.extend(with_indices(&obj, local));
    }
    assert_all_refused(cases);
}

/// Inputs a tool may read leniently or refuse: `sh_entsize` 0 (taken as the ELF64 entry
/// size) and non-relocatable file types. Either way: no crash, and all or nothing: refused
/// without output and with the input intact, or accepted with an output that lists again.
#[test]
fn lenient_inputs_are_accepted_whole_or_refused_cleanly() {
    let mut cases = Vec::new();
    for (label, obj) in bases() {
        let (_, rel, symtab, _) = key_sections(&obj);
        for s in [&rel, &symtab] {
            cases.push(case(
                format!("{label} {} entsize 0", s.name),
                obj.with(|o| o.put_u64(s.field(shdr::ENTSIZE), 0)),
                &[],
            ));
        }
        // Found by fuzz-smoke (elf_view): section 0 typed SHT_SYMTAB_SHNDX with an offset near
        // 2^64 made the overlap check overflow (a panic in debug builds, a wrapped range in
        // release builds).
        cases.push(case(
            format!("{label} null section typed SHT_SYMTAB_SHNDX, offset near 2^64"),
            obj.with(|o| {
                let at = o.shoff as usize;
                o.put_u32(at + shdr::TYPE, 18);
                o.put_u64(at + shdr::OFFSET, 0xffff_ff04_0008_0008);
                o.put_u64(at + shdr::SIZE, 0x7c0b_0014_0000_0000);
            }),
            &[],
        ));
        // Found by the elf_view fuzz run: section 0 typed SHT_REL has no file data (section 0
        // never does) but was read as relocation entries (slice out of range).
        cases.push(case(
            format!("{label} null section typed SHT_REL with entries"),
            obj.with(|o| {
                let at = o.shoff as usize;
                o.put_u32(at + shdr::TYPE, SHT_REL);
                o.put_u64(at + shdr::OFFSET, rel.offset);
                o.put_u64(at + shdr::SIZE, 2 * rel::SIZEOF as u64);
                o.put_u64(at + shdr::ENTSIZE, rel::SIZEOF as u64);
                o.put_u32(at + shdr::LINK, symtab.index as u32);
                o.put_u32(at + shdr::INFO, rel.info);
            }),
            &[],
        ));
        cases.push(case(
            format!("{label} ET_EXEC"),
            obj.with(|o| o.put_u16(ehdr::TYPE, 2)),
            &[],
        ));
        cases.push(case(
            format!("{label} ET_DYN"),
            obj.with(|o| o.put_u16(ehdr::TYPE, 3)),
            &[],
        ));
    }
    let mut failures = Vec::new();
    for case in &cases {
        for mode in BIND_MODES {
            let dir = tempfile::tempdir().unwrap();
            let input = dir.path().join("hostile.o");
            let output = dir.path().join("out.o");
            fs::write(&input, &case.bytes).unwrap();
            let argv = args(mode.iter().map(|a| match *a {
                "{in}" => input.clone().into_os_string(),
                "{out}" => output.clone().into_os_string(),
                other => other.into(),
            }));
            let run = helper_bind(&argv);
            let what = format!("{} | helper-bind {}", case.name, mode.join(" "));
            match run.code {
                Some(0) => {
                    let in_place = !mode.contains(&"{out}") && mode[0] != "list";
                    if !in_place && fs::read(&input).unwrap() != case.bytes {
                        failures.push(format!("{what}: accepted but the input changed"));
                    }
                    let result = if in_place { &input } else { &output };
                    if mode[0] != "list" {
                        let relist =
                            helper_bind(&args(["list".into(), result.clone().into_os_string()]));
                        if relist.code != Some(0) {
                            failures.push(format!(
                                "{what}: accepted, but its output does not list: {}",
                                relist.stderr.trim()
                            ));
                        }
                    }
                }
                Some(1) | Some(2) => {
                    if let Err(why) = refused_cleanly(case, mode, &[1, 2]) {
                        failures.push(format!("{what}: {why}"));
                    }
                }
                other => failures.push(format!(
                    "{what}: crashed or odd exit {other:?}: {}",
                    run.stderr.trim()
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_and_bind_agree_on_a_truncated_addrsig() {
    // Found by the check fuzz run (15:45): `.llvm_addrsig` ending inside a ULEB128. bind exits 2
    // (bad input), `check --platform linux` exits 0 ("binds cleanly") and `list` exits 0.
    for target in ["bpf", "bpfeb"] {
        let obj = Obj::parse(clang_object(SAMPLE_C, target));
        let addrsig = obj.section(".llvm_addrsig").clone();
        let bytes = obj.with(|o| o.bytes[(addrsig.offset + addrsig.size) as usize - 1] |= 0x80);
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("addrsig.o");
        fs::write(&input, &bytes).unwrap();
        let out = dir.path().join("out.o");
        let bind = helper_bind(&args([
            "--platform".into(),
            "linux".into(),
            "-o".into(),
            out.into_os_string(),
            input.clone().into_os_string(),
        ]));
        let check = helper_bind(&args([
            "check".into(),
            "--platform".into(),
            "linux".into(),
            input.into_os_string(),
        ]));
        assert_eq!(bind.code, Some(2), "{target} bind: {bind:?}");
        assert_eq!(
            check.code,
            Some(2),
            "{target}: check must agree with bind: {check:?}"
        );
    }
}
