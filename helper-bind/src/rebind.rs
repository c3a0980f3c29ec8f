//! `rebind`: move an object compiled for one platform to another in one step
//! (`helper-bind --from linux --platform windows prog.o`).
//!
//! The same as [`unbind()`] for `from` followed by [`bind()`] for `to`, with the portability
//! rules of [`check()`] applied first: an object whose check fails is refused with every
//! failing call listed, before anything is changed.
//! Binding goes through [`PortableTable`], so the source platform's fixed-arity printk
//! helpers (Windows `bpf_trace_printk2..5`) become the target's printk.
//!
//! Unbinding adds no BTF `FUNC` records for the helpers it names (they are bound again at
//! once), so the output carries the input's BTF as it was.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::bind::{bind, BindFailure, BindReport};
use crate::check::{check, CheckReport, PortableTable, Verdict};
use crate::error::ElfError;
use crate::plan::BindOptions;
use crate::platform::{Platform, PlatformKind};
use crate::unbind::{unbind, UnbindError, UnbindOptions};
use crate::write::write_atomically;

/// How to rebind.
#[derive(Debug, Clone, Copy, Default)]
pub struct RebindOptions {
    /// Leave helpers the target does not have as calls by name for a later link (like
    /// `--allow-unresolved` of bind) instead of refusing.
    pub allow_unresolved: bool,
    /// Rebind even where the two platforms declare a helper with different widths.
    pub allow_prototype_differences: bool,
}

/// What a rebind did.
#[derive(Debug, Clone)]
pub struct RebindOutput {
    /// The rebound object.
    pub bytes: Vec<u8>,
    /// Numeric calls that were unbound (named through `from`).
    pub unbound: usize,
    /// What binding for `to` did.
    pub bound: BindReport,
    /// The portability check it passed.
    pub check: CheckReport,
}

impl RebindOutput {
    /// Whether the output differs from the input.
    pub fn changed(&self) -> bool {
        self.unbound > 0 || !self.bound.is_noop()
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        if !self.changed() {
            return "nothing to rebind: no helper call; object unchanged".into();
        }
        format!(
            "rebound from {} to {}: {} numeric call(s) unbound, {} call(s) bound",
            self.check.from,
            self.check.platform,
            self.unbound,
            self.bound.bound_count()
        )
    }
}

/// Why a rebind failed.
#[derive(Debug)]
pub enum RebindError {
    /// Not a readable BPF object.
    BadInput(ElfError),
    /// The portability check failed; every failing call and error note, one per line.
    NotPortable {
        /// Source platform.
        from: PlatformKind,
        /// Target platform.
        to: PlatformKind,
        /// `section `S` instruction N: name: verdict detail` lines.
        failures: Vec<String>,
    },
    /// Unbinding failed.
    Unbind(UnbindError),
    /// Binding the unbound object failed.
    Bind(BindFailure),
    /// Reading the input or writing the output failed.
    Io {
        /// What was being done.
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl RebindError {
    /// Process exit status: 2 for bad input and I/O, 1 for objects that cannot be rebound.
    pub fn exit_code(&self) -> i32 {
        match self {
            RebindError::BadInput(_) | RebindError::Io { .. } => 2,
            RebindError::Bind(BindFailure::BadInput(_)) => 2,
            RebindError::Unbind(e) if e.is_bad_input() => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for RebindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RebindError::BadInput(e) => e.fmt(f),
            RebindError::NotPortable { from, to, failures } => {
                write!(
                    f,
                    "cannot rebind from {from} to {to}: {} problem(s):",
                    failures.len()
                )?;
                for line in failures {
                    write!(f, "\n  {line}")?;
                }
                write!(
                    f,
                    "\n(`helper-bind check --from {from} --platform {to}` shows every call site)"
                )
            }
            RebindError::Unbind(e) => write!(f, "unbinding {e}"),
            RebindError::Bind(e) => e.fmt(f),
            RebindError::Io {
                action,
                path,
                source,
            } => write!(f, "{}: {action}: {source}", path.display()),
        }
    }
}

impl std::error::Error for RebindError {}

/// Whether `options` let a failing verdict through.
fn allowed(verdict: &Verdict, options: RebindOptions) -> bool {
    match verdict {
        Verdict::Missing { .. } => options.allow_unresolved,
        Verdict::PrototypeDiffers { .. } => options.allow_prototype_differences,
        _ => false,
    }
}

/// Rebinds the object in `data` from `from`'s helper IDs to `to`'s.
pub fn rebind(
    data: &[u8],
    from: &Platform,
    to: &Platform,
    options: RebindOptions,
) -> Result<RebindOutput, RebindError> {
    // Same platform: the target table (with any --helpers or --uapi) names the IDs too.
    let from = if from.kind() == to.kind() { to } else { from };
    let report = check(data, from, to).map_err(RebindError::BadInput)?;
    let mut failures: Vec<String> = report
        .failing()
        .filter(|c| !allowed(&c.verdict, options))
        .map(|c| {
            format!(
                "section `{}` instruction {}: {}: {} ({})",
                c.section,
                c.insn,
                c.name.as_deref().unwrap_or("?"),
                c.verdict.status(),
                crate::check::render::detail(&c.verdict)
            )
        })
        .collect();
    failures.extend(
        report
            .notes
            .iter()
            .filter(|n| n.level == crate::check::NoteLevel::Error)
            .map(|n| n.to_string()),
    );
    if !failures.is_empty() {
        return Err(RebindError::NotPortable {
            from: from.kind(),
            to: to.kind(),
            failures,
        });
    }
    let unbound =
        unbind(data, from, &UnbindOptions { add_btf: false }).map_err(RebindError::Unbind)?;
    let mut bytes = unbound.bytes;
    let bound = bind(
        &mut bytes,
        &PortableTable { from, to },
        BindOptions {
            allow_unresolved: options.allow_unresolved,
        },
    )
    .map_err(RebindError::Bind)?;
    Ok(RebindOutput {
        bytes,
        unbound: unbound.calls.len(),
        bound,
        check: report,
    })
}

/// Rebinds `input` and writes the result to `output`, or back to `input` when `output` is
/// `None`, atomically. Nothing is written on error; an unchanged object is only copied to
/// an explicit `output`.
pub fn rebind_file(
    input: &Path,
    output: Option<&Path>,
    from: &Platform,
    to: &Platform,
    options: RebindOptions,
) -> Result<RebindOutput, RebindError> {
    let data = std::fs::read(input).map_err(|source| RebindError::Io {
        action: "cannot read the input",
        path: input.to_path_buf(),
        source,
    })?;
    let out = rebind(&data, from, to, options)?;
    let dest = match output {
        Some(o) => Some(o),
        None if out.changed() => Some(input),
        None => None,
    };
    if let Some(dest) = dest {
        write_atomically(dest, &out.bytes, Some(input)).map_err(|e| match e {
            crate::Error::Io {
                path,
                action,
                source,
            } => RebindError::Io {
                action,
                path,
                source,
            },
            other => RebindError::Io {
                action: "cannot write the output",
                path: dest.to_path_buf(),
                source: std::io::Error::other(other.to_string()),
            },
        })?;
    }
    Ok(out)
}
