//! Errors of the unbind pass.

use std::fmt;

use crate::error::ElfError;

/// First Windows program-type (extension) helper ID.
const PROGRAM_TYPE_IDS: u32 = 65536;

/// A numeric helper call whose ID the source platform does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownHelperCall {
    /// Name of the code section holding the call.
    pub section: String,
    /// Index of the `call` instruction within its section (8-byte slots).
    pub insn_index: usize,
    /// The helper ID in the instruction's `imm` field.
    pub id: u32,
    /// For a call in a subprogram (`.text`), which has no program type of its
    /// own: the subprogram's name and what each program section reaching it
    /// would name the ID (empty: no program calls it).
    pub subprogram: Option<(String, Vec<String>)>,
}

/// Why an object could not be unbound. Messages name the section and the
/// instruction or offset; the caller adds the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnbindError {
    /// The input is not a BPF object the ELF view can read.
    Elf(ElfError),
    /// The object is readable but inconsistent in a way only unbind cares about.
    Malformed {
        /// What is wrong and where.
        what: String,
    },
    /// Numeric calls use IDs the source platform does not know (all listed).
    UnknownHelpers {
        /// Platform the IDs were looked up in.
        platform: String,
        /// Every offending call.
        calls: Vec<UnknownHelperCall>,
    },
    /// A helper's name is already taken by a symbol the object defines, so a
    /// relocation against that name would bind to the object's own symbol.
    NameTaken {
        /// Helper name.
        name: String,
        /// Section of the first call that needs it.
        section: String,
        /// Index of that call.
        insn_index: usize,
    },
    /// A well-formed object that uses a feature this pass does not edit.
    Unsupported {
        /// What feature, and where.
        what: String,
    },
}

impl UnbindError {
    /// Whether the input itself is broken (not a readable BPF object), as
    /// opposed to a readable object that cannot be unbound.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, UnbindError::Elf(_) | UnbindError::Malformed { .. })
    }

    /// Process exit status for a CLI: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.is_bad_input() {
            2
        } else {
            1
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        UnbindError::Malformed { what: what.into() }
    }

    pub(crate) fn unsupported(what: impl Into<String>) -> Self {
        UnbindError::Unsupported { what: what.into() }
    }
}

impl fmt::Display for UnbindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnbindError::Elf(e) => write!(f, "{e}"),
            UnbindError::Malformed { what } => {
                write!(f, "not a valid BPF object: {what}")
            }
            UnbindError::UnknownHelpers { platform, calls } => {
                write!(
                    f,
                    "{} numeric helper call(s) use IDs that {platform} does not define:",
                    calls.len()
                )?;
                for c in calls {
                    write!(
                        f,
                        "\n  section {}, instruction {}: call {}",
                        c.section, c.insn_index, c.id
                    )?;
                    match &c.subprogram {
                        Some((function, callers)) if callers.is_empty() => write!(
                            f,
                            " in subprogram `{function}`, which no program calls, so no program \
                             type names it"
                        )?,
                        Some((function, callers)) => write!(
                            f,
                            " in subprogram `{function}`, and its callers do not agree on one helper: {}",
                            callers.join(", ")
                        )?,
                        None => {}
                    }
                }
                if calls.iter().any(|c| c.id >= PROGRAM_TYPE_IDS) {
                    write!(
                        f,
                        "\nIDs from {PROGRAM_TYPE_IDS} belong to a program type, which the section \
                         name selects; a section without one (such as `.text`, where subprograms \
                         live) cannot name them"
                    )?;
                }
                write!(
                    f,
                    "\nwas the object compiled for another platform? try the other --from value"
                )
            }
            UnbindError::NameTaken {
                name,
                section,
                insn_index,
            } => write!(
                f,
                "section {section}, instruction {insn_index}: helper call would be named \
                 `{name}`, but the object defines a global symbol of that name; rename the \
                 object's symbol"
            ),
            UnbindError::Unsupported { what } => write!(f, "cannot unbind: {what}"),
        }
    }
}

impl std::error::Error for UnbindError {}

impl From<ElfError> for UnbindError {
    fn from(e: ElfError) -> Self {
        UnbindError::Elf(e)
    }
}
