//! Error types of the library.
//!
//! [`ElfError`] is bad input: the bytes are not a BPF object this tool can read, and the error says
//! where (section and file offset) and what is wrong. [`BindError`] is a well-formed object that
//! cannot be bound (unknown helpers, helpers outside their program type, unknowable printk arity):
//! it lists every problem at once. [`Error`] adds the file name and I/O failures.

use std::fmt;
use std::path::PathBuf;

/// Where a problem sits in the input file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// Section index and name, when the problem is inside (or about) one section.
    pub section: Option<(usize, String)>,
    /// Byte offset in the file.
    pub offset: Option<u64>,
}

impl Location {
    /// A location at a file offset outside any particular section.
    pub fn at(offset: u64) -> Self {
        Location {
            section: None,
            offset: Some(offset),
        }
    }

    /// A location inside section `index` named `name`, at file offset `offset`.
    pub fn in_section(index: usize, name: impl Into<String>, offset: u64) -> Self {
        Location {
            section: Some((index, name.into())),
            offset: Some(offset),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.section, self.offset) {
            (Some((i, n)), Some(o)) => write!(f, "section [{i}] `{n}`, file offset {o:#x}"),
            (Some((i, n)), None) => write!(f, "section [{i}] `{n}`"),
            (None, Some(o)) => write!(f, "file offset {o:#x}"),
            (None, None) => write!(f, "file"),
        }
    }
}

/// The input is not a BPF object this tool can read or safely change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong.
    pub kind: ElfErrorKind,
}

impl ElfError {
    /// An error of `kind` at `location`.
    pub fn new(location: Location, kind: ElfErrorKind) -> Self {
        ElfError { location, kind }
    }
}

/// What is wrong with an input object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfErrorKind {
    /// The file does not start with the ELF magic.
    NotElf,
    /// ELF class other than 64-bit.
    Not64Bit {
        /// The `EI_CLASS` byte.
        class: u8,
    },
    /// `EI_DATA` is neither little nor big endian.
    BadEncoding {
        /// The `EI_DATA` byte.
        data: u8,
    },
    /// `e_machine` is neither `EM_BPF` nor `EM_NONE`.
    NotBpf {
        /// The `e_machine` value.
        machine: u16,
    },
    /// The file ends before a structure it declares.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed from the location's offset.
        needed: u64,
        /// Bytes the file has from that offset.
        available: u64,
    },
    /// A declared range does not fit in the file.
    OutOfFile {
        /// What the range is.
        what: &'static str,
        /// Start offset.
        start: u64,
        /// Length.
        size: u64,
        /// File length.
        file_len: u64,
    },
    /// A table's entry size is too small or its size is not a multiple of it.
    BadEntrySize {
        /// What table.
        what: &'static str,
        /// Declared entry size.
        entsize: u64,
        /// Declared table size.
        size: u64,
        /// Minimum entry size.
        min: u64,
    },
    /// An index refers to something that does not exist.
    IndexOutOfRange {
        /// What kind of index (section, symbol, string).
        what: &'static str,
        /// The index.
        index: u64,
        /// Number of valid entries (or bytes, for string offsets).
        limit: u64,
    },
    /// A string in a string table has no terminating NUL.
    UnterminatedString {
        /// Offset in the string table.
        offset: u64,
    },
    /// A relocation that must patch a call instruction points at something else.
    RelocationNotOnCall {
        /// Offset of the relocated instruction inside its section.
        insn_offset: u64,
        /// The opcode byte found there.
        opcode: u8,
        /// The relocation's symbol name.
        symbol: String,
    },
    /// A relocation's offset is outside its target section or not instruction-aligned.
    BadRelocationOffset {
        /// Offset inside the target section.
        insn_offset: u64,
        /// Size of the target section.
        section_size: u64,
    },
    /// Two relocations patch the same call instruction.
    DuplicateRelocation {
        /// Offset inside the target section.
        insn_offset: u64,
    },
    /// The BTF section cannot be parsed.
    Btf {
        /// What is wrong.
        what: String,
    },
    /// A structural problem not covered above.
    Malformed {
        /// What is wrong.
        what: String,
    },
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        match &self.kind {
            ElfErrorKind::NotElf => write!(f, "not an ELF file (no \\x7fELF magic); expected a BPF object built with clang -target bpf"),
            ElfErrorKind::Not64Bit { class } => write!(f, "ELF class {class} is not 64-bit; BPF objects are ELF64 (clang -target bpf)"),
            ElfErrorKind::BadEncoding { data } => write!(f, "unknown ELF data encoding {data} (expected 1 = little or 2 = big endian)"),
            ElfErrorKind::NotBpf { machine } => write!(f, "e_machine {machine} is not BPF (247) or none (0); this is not a BPF object"),
            ElfErrorKind::Truncated { what, needed, available } => write!(f, "file truncated: {what} needs {needed} bytes, only {available} left"),
            ElfErrorKind::OutOfFile { what, start, size, file_len } => write!(f, "{what} at offset {start:#x} with size {size:#x} extends past the end of the file ({file_len:#x} bytes)"),
            ElfErrorKind::BadEntrySize { what, entsize, size, min } => write!(f, "{what}: entry size {entsize} (minimum {min}) does not divide the table size {size}"),
            ElfErrorKind::IndexOutOfRange { what, index, limit } => write!(f, "{what} {index} out of range (only {limit})"),
            ElfErrorKind::UnterminatedString { offset } => write!(f, "string at offset {offset:#x} of the string table has no terminating NUL"),
            ElfErrorKind::RelocationNotOnCall { insn_offset, opcode, symbol } => write!(f, "R_BPF_64_32 relocation against `{symbol}` at section offset {insn_offset:#x} (instruction {}) sits on opcode {opcode:#04x}, not on a call (0x85)", insn_offset / 8),
            ElfErrorKind::BadRelocationOffset { insn_offset, section_size } => write!(f, "relocation offset {insn_offset:#x} is not an 8-byte aligned instruction inside the target section (size {section_size:#x})"),
            ElfErrorKind::DuplicateRelocation { insn_offset } => write!(f, "two R_BPF_64_32 relocations patch the call at section offset {insn_offset:#x}"),
            ElfErrorKind::Btf { what } => write!(f, "bad BTF: {what}"),
            ElfErrorKind::Malformed { what } => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for ElfError {}

/// One reason a call site cannot be bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindProblem {
    /// An undefined call target that is neither a known helper nor a kfunc.
    Unresolved {
        /// The symbol name.
        name: String,
        /// Section name of the call.
        section: String,
        /// Instruction index of the call inside its section.
        insn: usize,
        /// The nearest known helper name, if any is close.
        suggestion: Option<String>,
    },
    /// A program-type helper called from a section of another program type.
    WrongProgramType {
        /// The helper name.
        name: String,
        /// Section name of the call.
        section: String,
        /// Instruction index of the call.
        insn: usize,
        /// Program types that provide the helper.
        needs: Vec<String>,
    },
    /// A program-type helper called from a subprogram (in `.text`) whose calling programs do
    /// not all give it the same ID, or that no program calls.
    Subprogram {
        /// The helper name.
        name: String,
        /// Section name of the call (`.text`).
        section: String,
        /// Instruction index of the call.
        insn: usize,
        /// The subprogram containing the call.
        function: String,
        /// What each calling program section makes of the helper; empty when none calls it.
        callers: Vec<String>,
    },
    /// A helper bound by argument count whose count cannot be read from the code.
    UnknownArity {
        /// The helper name.
        name: String,
        /// Section name of the call.
        section: String,
        /// Instruction index of the call.
        insn: usize,
        /// Why the count is unknown.
        reason: String,
    },
}

impl fmt::Display for BindProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindProblem::Unresolved { name, section, insn, suggestion } => {
                write!(f, "section `{section}` instruction {insn}: `{name}` is not a helper of this platform, nor a kfunc (.ksyms) or a function defined in the object")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            BindProblem::WrongProgramType { name, section, insn, needs } => write!(
                f,
                "section `{section}` instruction {insn}: helper `{name}` belongs to program type {} but section `{section}` is not of that type; put the program in a section of that type",
                needs.join(" or ")
            ),
            BindProblem::Subprogram { name, section, insn, function, callers } if callers.is_empty() => write!(
                f,
                "section `{section}` instruction {insn}: helper `{name}` belongs to a program type, and subprogram `{function}` is called from no program section that would give it one"
            ),
            BindProblem::Subprogram { name, section, insn, function, callers } => write!(
                f,
                "section `{section}` instruction {insn}: helper `{name}` in subprogram `{function}` has no single ID for the programs calling it: {}; split the subprogram per program type",
                callers.join(", ")
            ),
            BindProblem::UnknownArity { name, section, insn, reason } => write!(
                f,
                "section `{section}` instruction {insn}: cannot tell how many arguments `{name}` gets ({reason}); call the fixed-arity helper (e.g. bpf_trace_printk3) directly"
            ),
        }
    }
}

/// A well-formed object that cannot be bound; lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindError {
    /// Every problem, in section and instruction order.
    pub problems: Vec<BindProblem>,
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} call(s) cannot be bound:", self.problems.len())?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        if self
            .problems
            .iter()
            .any(|p| matches!(p, BindProblem::Unresolved { .. }))
        {
            write!(f, "\n(use --allow-unresolved to leave unknown externs for a later link, or --helpers FILE to add helpers)")?;
        }
        Ok(())
    }
}

impl std::error::Error for BindError {}

/// Any failure of a file-level operation, with the file it concerns.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The input is not a readable BPF object.
    BadInput {
        /// The file.
        path: PathBuf,
        /// What is wrong and where.
        source: ElfError,
    },
    /// The object cannot be bound.
    Bind {
        /// The file.
        path: PathBuf,
        /// Every problem.
        source: BindError,
    },
}

impl Error {
    /// Process exit status for this error: 1 for binding problems, 2 for bad input or I/O.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Bind { .. } => 1,
            Error::Io { .. } | Error::BadInput { .. } => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                path,
                action,
                source,
            } => write!(f, "{}: {action}: {source}", path.display()),
            Error::BadInput { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Bind { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

/// The Display text already includes the underlying error, so no `source()` is reported
/// (error reporters such as anyhow would print it twice).
impl std::error::Error for Error {}
