//! Shared tools for the hostile-input and crash-safety tests: valid BPF objects to start from
//! (compiled by clang-19 at test time, or a hand-built minimal ELF), a small reader for their
//! layout so a test can corrupt one field at a known offset, and a runner for the CLI that checks
//! the promises every rejected input must keep.
//!
//! The reader here is deliberately independent of the library under test: it only ever reads
//! objects this module built or clang produced, so it may panic on anything else.
#![allow(dead_code)] // each test file uses a different part of it

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SHT_PROGBITS: u32 = 1;
pub const SHT_SYMTAB: u32 = 2;
pub const SHT_STRTAB: u32 = 3;
pub const SHT_REL: u32 = 9;
pub const SHF_ALLOC: u64 = 0x2;
pub const SHF_EXECINSTR: u64 = 0x4;
pub const SHF_INFO_LINK: u64 = 0x40;
pub const EM_BPF: u16 = 247;
pub const R_BPF_64_32: u32 = 10;

/// Offsets of the ELF64 file-header fields.
pub mod ehdr {
    pub const CLASS: usize = 4;
    pub const DATA: usize = 5;
    pub const TYPE: usize = 16;
    pub const MACHINE: usize = 18;
    pub const SHOFF: usize = 40;
    pub const EHSIZE: usize = 52;
    pub const SHENTSIZE: usize = 58;
    pub const SHNUM: usize = 60;
    pub const SHSTRNDX: usize = 62;
    pub const SIZE: usize = 64;
}

/// Offsets of the ELF64 section-header fields.
pub mod shdr {
    pub const NAME: usize = 0;
    pub const TYPE: usize = 4;
    pub const FLAGS: usize = 8;
    pub const OFFSET: usize = 24;
    pub const SIZE: usize = 32;
    pub const LINK: usize = 40;
    pub const INFO: usize = 44;
    pub const ENTSIZE: usize = 56;
    pub const SIZEOF: usize = 64;
}

/// Offsets of the ELF64 symbol fields.
pub mod sym {
    pub const NAME: usize = 0;
    pub const INFO: usize = 4;
    pub const SHNDX: usize = 6;
    pub const VALUE: usize = 8;
    pub const SIZEOF: usize = 24;
}

/// Offsets of the ELF64 REL entry fields.
pub mod rel {
    pub const OFFSET: usize = 0;
    pub const INFO: usize = 8;
    pub const SIZEOF: usize = 16;
}

/// One section header as read back from a valid object.
#[derive(Debug, Clone)]
pub struct Section {
    pub index: usize,
    pub name: String,
    pub sh_type: u32,
    pub flags: u64,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
    pub info: u32,
    pub entsize: u64,
    /// File offset of this section's header.
    pub header_at: usize,
}

impl Section {
    /// File offset of one of this section's header fields (see [`shdr`]).
    pub fn field(&self, field: usize) -> usize {
        self.header_at + field
    }
}

/// A valid ELF64 object and its layout; the `put_*` methods corrupt it field by field in the
/// object's own byte order.
#[derive(Debug, Clone)]
pub struct Obj {
    pub bytes: Vec<u8>,
    pub big_endian: bool,
    pub shoff: u64,
    pub sections: Vec<Section>,
}

impl Obj {
    /// Reads the layout of a valid object (panics on anything this module did not build).
    pub fn parse(bytes: Vec<u8>) -> Obj {
        assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
        let big_endian = bytes[ehdr::DATA] == 2;
        let mut obj = Obj {
            bytes,
            big_endian,
            shoff: 0,
            sections: Vec::new(),
        };
        obj.shoff = obj.u64_at(ehdr::SHOFF);
        let shnum = obj.u16_at(ehdr::SHNUM) as usize;
        let shstrndx = obj.u16_at(ehdr::SHSTRNDX) as usize;
        for index in 0..shnum {
            let at = obj.shoff as usize + index * shdr::SIZEOF;
            obj.sections.push(Section {
                index,
                name: String::new(),
                sh_type: obj.u32_at(at + shdr::TYPE),
                flags: obj.u64_at(at + shdr::FLAGS),
                offset: obj.u64_at(at + shdr::OFFSET),
                size: obj.u64_at(at + shdr::SIZE),
                link: obj.u32_at(at + shdr::LINK),
                info: obj.u32_at(at + shdr::INFO),
                entsize: obj.u64_at(at + shdr::ENTSIZE),
                header_at: at,
            });
        }
        let names = obj.sections[shstrndx].offset as usize;
        for index in 0..shnum {
            let at = obj.sections[index].header_at;
            let name_at = names + obj.u32_at(at + shdr::NAME) as usize;
            obj.sections[index].name = obj.c_str(name_at);
        }
        obj
    }

    /// The section called `name`.
    pub fn section(&self, name: &str) -> &Section {
        self.sections
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no section {name}"))
    }

    /// The first section of type `sh_type`.
    pub fn section_of_type(&self, sh_type: u32) -> &Section {
        self.sections
            .iter()
            .find(|s| s.sh_type == sh_type)
            .expect("no such section type")
    }

    /// The first relocation section that applies to an executable section and holds at least
    /// one `R_BPF_64_32` entry against an undefined symbol (a late-bound helper call).
    pub fn helper_rel_section(&self) -> &Section {
        self.sections
            .iter()
            .find(|s| {
                s.sh_type == SHT_REL
                    && self
                        .sections
                        .get(s.info as usize)
                        .is_some_and(|t| t.flags & SHF_EXECINSTR != 0)
                    && self.helper_relocation(s).is_some()
            })
            .expect("no relocation section with a helper call")
    }

    /// Index of the first entry of `rel_section` that is `R_BPF_64_32` against an undefined
    /// symbol.
    pub fn helper_relocation(&self, rel_section: &Section) -> Option<usize> {
        let symtab = self.section_of_type(SHT_SYMTAB);
        (0..(rel_section.size / rel::SIZEOF as u64) as usize).find(|&k| {
            let info = self.u64_at(rel_section.offset as usize + k * rel::SIZEOF + rel::INFO);
            let sym_at = symtab.offset as usize + (info >> 32) as usize * sym::SIZEOF;
            info as u32 == R_BPF_64_32 && (info >> 32) != 0 && self.u16_at(sym_at + sym::SHNDX) == 0
        })
    }

    /// Name of symbol `index`.
    pub fn symbol_name(&self, index: usize) -> String {
        let symtab = self.section_of_type(SHT_SYMTAB);
        let strtab = &self.sections[symtab.link as usize];
        let at = symtab.offset as usize + index * sym::SIZEOF;
        self.c_str(strtab.offset as usize + self.u32_at(at + sym::NAME) as usize)
    }

    fn c_str(&self, at: usize) -> String {
        let end = self.bytes[at..]
            .iter()
            .position(|&b| b == 0)
            .expect("unterminated")
            + at;
        String::from_utf8_lossy(&self.bytes[at..end]).into_owned()
    }

    pub fn u16_at(&self, at: usize) -> u16 {
        let b: [u8; 2] = self.bytes[at..at + 2].try_into().unwrap();
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    pub fn u32_at(&self, at: usize) -> u32 {
        let b: [u8; 4] = self.bytes[at..at + 4].try_into().unwrap();
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
    pub fn u64_at(&self, at: usize) -> u64 {
        let b: [u8; 8] = self.bytes[at..at + 8].try_into().unwrap();
        if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    }
    pub fn put_u16(&mut self, at: usize, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 2].copy_from_slice(&b);
    }
    pub fn put_u32(&mut self, at: usize, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 4].copy_from_slice(&b);
    }
    pub fn put_u64(&mut self, at: usize, v: u64) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 8].copy_from_slice(&b);
    }

    /// A copy with one edit applied.
    pub fn with(&self, edit: impl FnOnce(&mut Obj)) -> Vec<u8> {
        let mut copy = self.clone();
        edit(&mut copy);
        copy.bytes
    }
}

/// The workspace root (tests run from the crate directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A late-bound BPF program with the shapes binding cares about: helper calls in two sections,
/// a bpf-to-bpf call, a kfunc, printk and a map, so every part of the object is populated.
pub const SAMPLE_C: &str = r#"
typedef unsigned int __u32;
typedef unsigned long long __u64;
#define SEC(name) __attribute__((section(name), used))
extern void *bpf_map_lookup_elem(void *map, const void *key);
extern long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags);
extern __u64 bpf_ktime_get_ns(void);
extern __u32 bpf_get_prandom_u32(void);
extern long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...);
extern void bpf_rcu_read_lock(void) __attribute__((section(".ksyms")));
extern void bpf_rcu_read_unlock(void) __attribute__((section(".ksyms")));

struct {
	int (*type)[2];
	int (*max_entries)[2];
	__u32 *key;
	__u64 *value;
} slots SEC(".maps");

static __attribute__((noinline)) __u64 stamp(__u32 key)
{
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&slots, &key, &now, 0);
	return now;
}

SEC("xdp")
int on_packet(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&slots, &key);
	char fmt[] = "n=%llu\n";
	if (v)
		bpf_trace_printk(fmt, sizeof(fmt), *v);
	return stamp(bpf_get_prandom_u32() & 1) ? 2 : 1;
}

SEC("tc")
int on_skb(void *skb)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return stamp(1) & 1;
}

char LICENSE[] SEC("license") = "GPL";
"#;

/// [`SAMPLE_C`] compiled early-bound, as the classic bpf_helper_defs.h does: Linux helper IDs
/// baked into `call N` (what `unbind` takes apart).
pub fn early_sample_c() -> String {
    let mut src = SAMPLE_C.to_string();
    for (decl, early) in [
        (
            "extern void *bpf_map_lookup_elem(void *map, const void *key);",
            "static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;",
        ),
        (
            "extern long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags);",
            "static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;",
        ),
        ("extern __u64 bpf_ktime_get_ns(void);", "static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;"),
        ("extern __u32 bpf_get_prandom_u32(void);", "static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;"),
        (
            "extern long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...);",
            "static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;",
        ),
    ] {
        assert!(src.contains(decl), "SAMPLE_C lost {decl}");
        src = src.replace(decl, early);
    }
    src
}

/// Compiles C source with clang-19 for `target` (`bpf` or `bpfeb`) with BTF, and returns the
/// object bytes.
pub fn clang_object(source: &str, target: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("prog.c");
    let o = dir.path().join("prog.o");
    fs::write(&c, source).unwrap();
    let out = Command::new("clang-19")
        .args(["-O2", "-g", "-target", target, "-c"])
        .arg(&c)
        .arg("-o")
        .arg(&o)
        .output()
        .unwrap_or_else(|e| panic!("clang-19 not runnable ({e}): run scripts/setup-test-env"));
    assert!(
        out.status.success(),
        "clang-19 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read(&o).unwrap()
}

/// The name of the one helper in [`minimal_object`]: known on Linux (5) and Windows (9).
pub const MINIMAL_HELPER: &str = "bpf_ktime_get_ns";

/// A hand-built late-bound BPF relocatable object: section `code_section` holds `calls`
/// `call -1` instructions (each with an `R_BPF_64_32` relocation against the undefined
/// [`MINIMAL_HELPER`]), then `r0 = 0; exit`. Sections: null, code, `.rel<code>`, `.strtab`
/// (also the section-name table, as LLVM does), `.symtab`; section headers last.
pub fn minimal_object(big_endian: bool, calls: usize, code_section: &str) -> Vec<u8> {
    padded_object(big_endian, calls, code_section, 0)
}

/// [`minimal_object`] followed by `padding` bytes of a non-code `.bulk` section (a stand-in for
/// large BTF or data): a file that takes long to write but little work to bind.
pub fn padded_object(
    big_endian: bool,
    calls: usize,
    code_section: &str,
    padding: usize,
) -> Vec<u8> {
    let mut w = Writer {
        bytes: vec![0; ehdr::SIZE],
        big_endian,
    };

    let code_at = w.bytes.len();
    let src_reg_byte = if big_endian { 0x01 } else { 0x10 }; // src_reg=1, dst_reg=0
    for _ in 0..calls {
        w.bytes.extend_from_slice(&[0x85, src_reg_byte, 0, 0]);
        w.u32(u32::MAX); // imm = -1
    }
    w.bytes.extend_from_slice(&[0xb7, 0, 0, 0, 0, 0, 0, 0]); // r0 = 0
    w.bytes.extend_from_slice(&[0x95, 0, 0, 0, 0, 0, 0, 0]); // exit
    let code_size = w.bytes.len() - code_at;

    let rel_at = w.bytes.len();
    for k in 0..calls {
        w.u64((k * 8) as u64);
        w.u64((2u64 << 32) | R_BPF_64_32 as u64); // symbol 2: the helper
    }
    let rel_size = w.bytes.len() - rel_at;

    let rel_name = format!(".rel{code_section}");
    let mut strtab = vec![0u8];
    let mut name = |s: &str| {
        let at = strtab.len() as u32;
        strtab.extend_from_slice(s.as_bytes());
        strtab.push(0);
        at
    };
    let (n_code, n_rel, n_strtab, n_symtab) = (
        name(code_section),
        name(&rel_name),
        name(".strtab"),
        name(".symtab"),
    );
    let (n_prog, n_helper) = (name("prog"), name(MINIMAL_HELPER));
    let n_bulk = name(".bulk");
    let strtab_at = w.bytes.len();
    w.bytes.extend_from_slice(&strtab);
    w.align(8);

    let symtab_at = w.bytes.len();
    w.bytes.extend_from_slice(&[0; sym::SIZEOF]); // null symbol
    w.symbol(n_prog, 0x12, 1, code_size as u64); // GLOBAL FUNC in section 1
    w.symbol(n_helper, 0x10, 0, 0); // GLOBAL NOTYPE undefined
    let symtab_size = w.bytes.len() - symtab_at;
    w.align(8);

    let bulk_at = w.bytes.len();
    // A recognisable pattern, so a torn write cannot pass for the real thing.
    w.bytes.extend((0..padding).map(|i| (i % 251) as u8));
    w.align(8);

    let shoff = w.bytes.len();
    w.bytes.extend_from_slice(&[0; shdr::SIZEOF]);
    let flags_code = SHF_ALLOC | SHF_EXECINSTR;
    w.section(
        n_code,
        SHT_PROGBITS,
        flags_code,
        code_at,
        code_size,
        0,
        0,
        8,
        0,
    );
    w.section(
        n_rel,
        SHT_REL,
        SHF_INFO_LINK,
        rel_at,
        rel_size,
        4,
        1,
        8,
        rel::SIZEOF as u64,
    );
    w.section(n_strtab, SHT_STRTAB, 0, strtab_at, strtab.len(), 0, 0, 1, 0);
    w.section(
        n_symtab,
        SHT_SYMTAB,
        0,
        symtab_at,
        symtab_size,
        3,
        1,
        8,
        sym::SIZEOF as u64,
    );
    let shnum = if padding > 0 {
        w.section(n_bulk, SHT_PROGBITS, 0, bulk_at, padding, 0, 0, 1, 0);
        6
    } else {
        5
    };

    let mut header = vec![
        0x7f,
        b'E',
        b'L',
        b'F',
        2,
        if big_endian { 2 } else { 1 },
        1,
        0,
    ];
    header.resize(16, 0);
    w.bytes[..16].copy_from_slice(&header);
    w.put16(ehdr::TYPE, 1); // ET_REL
    w.put16(ehdr::MACHINE, EM_BPF);
    w.put32(20, 1); // e_version
    w.put64(ehdr::SHOFF, shoff as u64);
    w.put16(ehdr::EHSIZE, ehdr::SIZE as u16);
    w.put16(ehdr::SHENTSIZE, shdr::SIZEOF as u16);
    w.put16(ehdr::SHNUM, shnum);
    w.put16(ehdr::SHSTRNDX, 3);
    w.bytes
}

struct Writer {
    bytes: Vec<u8>,
    big_endian: bool,
}

impl Writer {
    fn u32(&mut self, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }
    fn u64(&mut self, v: u64) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }
    fn u16(&mut self, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }
    fn put16(&mut self, at: usize, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 2].copy_from_slice(&b);
    }
    fn put32(&mut self, at: usize, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 4].copy_from_slice(&b);
    }
    fn put64(&mut self, at: usize, v: u64) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 8].copy_from_slice(&b);
    }
    fn align(&mut self, to: usize) {
        while self.bytes.len() % to != 0 {
            self.bytes.push(0);
        }
    }
    fn symbol(&mut self, name: u32, info: u8, shndx: u16, size: u64) {
        self.u32(name);
        self.bytes.extend_from_slice(&[info, 0]);
        self.u16(shndx);
        self.u64(0);
        self.u64(size);
    }
    #[allow(clippy::too_many_arguments)] // one argument per ELF section-header field
    fn section(
        &mut self,
        name: u32,
        sh_type: u32,
        flags: u64,
        offset: usize,
        size: usize,
        link: u32,
        info: u32,
        align: u64,
        entsize: u64,
    ) {
        self.u32(name);
        self.u32(sh_type);
        self.u64(flags);
        self.u64(0);
        self.u64(offset as u64);
        self.u64(size as u64);
        self.u32(link);
        self.u32(info);
        self.u64(align);
        self.u64(entsize);
    }
}

/// What one run of the CLI did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Address-space limit for every CLI run (KiB): far above what a sane run of these small
/// inputs needs, far below what an allocation sized from a corrupted count would ask for, so
/// such an allocation aborts the run and the test sees it.
pub const ADDRESS_SPACE_LIMIT_KIB: u64 = 1 << 20;

/// Runs the `helper-bind` binary with `args` under [`ADDRESS_SPACE_LIMIT_KIB`].
pub fn helper_bind(args: &[OsString]) -> Run {
    let out: Output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_helper-bind"))
        .args(args)
        .output()
        .expect("helper-bind could not be started");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Builds an argument list.
pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(items: I) -> Vec<OsString> {
    items.into_iter().map(Into::into).collect()
}

/// Names of every entry of `dir`, sorted.
pub fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
