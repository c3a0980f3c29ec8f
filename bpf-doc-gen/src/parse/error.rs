//! Why a `bpf.h` could not be read into a [`crate::Model`].

use std::fmt;

/// A parse failure: where it happened and what was expected there.
///
/// Displays as `file:line: message`, the form compilers use, so editors can jump to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The input's name as given to the parser (usually its path).
    pub file: String,
    /// 1-based line the problem was found on; 0 when it concerns the whole file.
    pub line: usize,
    /// What went wrong.
    pub kind: ParseErrorKind,
}

/// The kinds of parse failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The file could not be read.
    Io(String),
    /// The file is not UTF-8 text.
    NotUtf8,
    /// The helper documentation block (`Start of BPF helper function descriptions:`) is missing.
    NotBpfH,
    /// The file ends inside a block.
    CutOff {
        /// What the parser was reading, e.g. `the helper documentation block`.
        block: &'static str,
        /// What should have followed.
        expected: &'static str,
    },
    /// A line inside the helper block is neither a prototype nor the end of the block.
    MalformedPrototype {
        /// The offending line.
        found: String,
    },
    /// A prototype passed the line check but cannot be split into return type, name and
    /// arguments.
    UnsplittablePrototype {
        /// The prototype.
        proto: String,
    },
    /// An `Attributes` section that is malformed.
    BadAttributes {
        /// The helper.
        helper: String,
        /// What is wrong.
        problem: String,
    },
    /// A helper is documented but not listed in the helper mapper macro.
    NotInMapper {
        /// The helper.
        helper: String,
        /// The mapper macro's name.
        mapper: &'static str,
    },
    /// A helper is listed in the mapper but has no (well-formed) description.
    NotDocumented {
        /// The helper.
        helper: String,
    },
    /// Two helpers share one ID.
    DuplicateId {
        /// The second helper.
        helper: String,
        /// The shared ID.
        id: u32,
        /// The helper that had it first.
        first: String,
    },
    /// One name listed twice in the mapper.
    DuplicateMapperEntry {
        /// The helper.
        helper: String,
    },
    /// Descriptions of one helper that are not next to each other.
    DescriptionsNotGrouped {
        /// The helper.
        helper: String,
    },
    /// The description order differs from the mapper order.
    OrderMismatch {
        /// The helper.
        helper: String,
        /// Its ID.
        id: u32,
        /// 1-based position among the descriptions.
        desc_pos: usize,
        /// 1-based position in the mapper.
        mapper_pos: usize,
    },
    /// A mapper entry that cannot be read.
    BadMapperEntry {
        /// The offending line.
        found: String,
    },
}

impl ParseError {
    pub(crate) fn new(file: &str, line: usize, kind: ParseErrorKind) -> Self {
        ParseError {
            file: file.to_string(),
            line,
            kind,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.file, self.line)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "{}", self.kind)
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ParseErrorKind::*;
        match self {
            Io(e) => write!(f, "cannot read: {e}"),
            NotUtf8 => write!(f, "not UTF-8 text; expected include/uapi/linux/bpf.h"),
            NotBpfH => write!(
                f,
                "end of file without 'Start of BPF helper function descriptions:'; expected \
                 include/uapi/linux/bpf.h from a Linux kernel 4.18 or later"
            ),
            CutOff { block, expected } => write!(
                f,
                "file ends inside {block}; expected {expected} (is the file truncated?)"
            ),
            MalformedPrototype { found } => write!(
                f,
                "expected a helper prototype ' * RET NAME(ARGS)' (at most 5 arguments) or the \
                 end of the helper block ' */', found {found:?}"
            ),
            UnsplittablePrototype { proto } => write!(
                f,
                "cannot split prototype {proto:?} into return type, name and arguments"
            ),
            BadAttributes { helper, problem } => write!(f, "{helper}: {problem}"),
            NotInMapper { helper, mapper } => write!(
                f,
                "helper {helper} is documented but missing from {mapper} (enum bpf_func_id); \
                 add it there or remove its description"
            ),
            NotDocumented { helper } => write!(
                f,
                "helper {helper} is listed in the helper mapper but has no description in the \
                 helper documentation block; add one (prototype, Description, Return)"
            ),
            DuplicateId { helper, id, first } => {
                write!(f, "helper {helper} has ID {id}, already used by {first}")
            }
            DuplicateMapperEntry { helper } => {
                write!(f, "helper {helper} is listed twice in the helper mapper")
            }
            DescriptionsNotGrouped { helper } => write!(
                f,
                "helper {helper} has several descriptions that are not next to each other"
            ),
            OrderMismatch {
                helper,
                id,
                desc_pos,
                mapper_pos,
            } => write!(
                f,
                "helper {helper} (ID {id}) is description #{desc_pos} but entry #{mapper_pos} \
                 of the helper mapper; the descriptions must follow the mapper's order"
            ),
            BadMapperEntry { found } => write!(
                f,
                "expected a helper mapper entry 'FN(name)' or 'FN(name, id, ##ctx)', found {found:?}"
            ),
        }
    }
}

impl std::error::Error for ParseError {}
