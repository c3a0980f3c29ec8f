//! `check`: before shipping an object, tell a packager whether it binds cleanly for a
//! platform, call site by call site, plus what else about the object matters there.
//!
//! The object was compiled for one platform (`from`, Linux unless told otherwise): numeric
//! calls carry that platform's IDs and the code was compiled against its prototypes. Each
//! call site gets one [`Verdict`] for the target platform (`to`), the same decision that
//! binding (or rebinding, when `from` differs) makes, through the shared
//! [`classify`](crate::classify) and [`Resolver`]:
//!
//! | verdict | fails | meaning |
//! |---|---|---|
//! | `resolves` | no | binds to helper `id` |
//! | `printk-arity` | no | printk maps to the target's helper for that argument count |
//! | `prototype-differs` | if any difference is a failure | binds, but the prototypes differ (see [`proto`]) |
//! | `missing` | yes | no helper of that name on the target |
//! | `wrong-program-type` | yes | the helper exists only for other program types (`needs`) |
//! | `unknown-arity` | yes | printk whose argument count cannot be read from the code |
//! | `subprogram` | yes | a program-type helper in a subprogram whose callers disagree |
//! | `unknown-id` | yes | a numeric call whose ID `from` does not know |
//! | `kfunc` | on Windows | kernel functions exist on Linux only |
//! | `other` | on Windows | a call by BTF id (Linux kfunc form) |
//! | `local` | no | a bpf-to-bpf call |
//!
//! Object-level [`ObjectNote`]s (`info`, `warning`, `error`; only `error` fails) cover the
//! program type each section gets on Windows and sections that match no registered prefix,
//! XDP return codes (Linux `XDP_DROP`=1, `XDP_PASS`=2; Windows `XDP_PASS`=1, `XDP_DROP`=2),
//! kfuncs, undefined symbols that are not calls, a legacy `maps` section, a missing `.BTF`
//! and numeric calls that need a rebind.
//!
//! # JSON (`--json`)
//!
//! ```text
//! { "file": "prog.o", "platform": "windows", "from": "linux", "binds_cleanly": false,
//!   "calls": [ { "section": "xdp", "insn": 12,
//!                "call": "extern" | "numeric" | "kfunc" | "local" | "other",
//!                "name": "bpf_csum_diff" | null,   // symbol, or the `from` name of a numeric ID
//!                "imm": 28 | null,                 // the immediate of a numeric call
//!                "verdict": "prototype-differs",   // see the table above
//!                "ok": false,
//!                "id": 10 | null, "helper": "bpf_csum_diff" | null,  // what it binds to
//!                "needs": ["xdp"],                 // wrong-program-type, else []
//!                "arity": 4 | null,                // printk-arity
//!                "differences": [ { "place": "return", "from": "__s64", "to": "int",
//!                                   "what": "width 64 vs 32 bits", "severity": "failure" } ],
//!                "detail": "human-readable text" } ],
//!   "notes": [ { "severity": "info" | "warning" | "error", "kind": "program-type",
//!                "section": "xdp" | null, "message": "..." } ],
//!   "summary": { "calls": 14, "failing": 2, "errors": 0, "warnings": 1 } }
//! ```

pub mod notes;
pub mod proto;
pub mod render;

use std::io::Write;
use std::path::Path;

use crate::callgraph::{CallGraph, SUBPROGRAM_SECTION};
use crate::classify::{classify, CallSite, CallTarget};
use crate::elf::ElfView;
use crate::error::{BindProblem, ElfError, Error};
use crate::plan::{HelperTable, Outcome, Resolver};
use crate::platform::{Platform, PlatformKind, Resolution};

pub use notes::{NoteLevel, ObjectNote};
pub use proto::{ProtoDiff, Severity};

/// Spelling of the one variadic printk; fixed-arity helpers add the argument count.
const PRINTK: &str = "bpf_trace_printk";

/// The target platform's table as a rebind sees it: the target's own names, plus the
/// source platform's fixed-arity printk helpers (`bpf_trace_printk3` on Windows), which
/// are the target's printk when it has no helper of that name (Linux's variadic one).
pub struct PortableTable<'a> {
    /// The platform the object was compiled for.
    pub from: &'a Platform,
    /// The platform to bind for.
    pub to: &'a Platform,
}

impl PortableTable<'_> {
    /// The argument count of a fixed-arity printk helper of `from`.
    fn printk_arity(&self, name: &str) -> Option<u8> {
        let n = name.strip_prefix(PRINTK)?.parse().ok()?;
        self.from.helper(name).map(|_| n)
    }
}

impl HelperTable for PortableTable<'_> {
    fn resolve(&self, name: &str, section: &str) -> Resolution<'_> {
        match self.to.resolve(name, section) {
            Resolution::Unknown if self.printk_arity(name).is_some() => {
                self.to.resolve(PRINTK, section)
            }
            r => r,
        }
    }
    fn names(&self) -> Vec<&str> {
        self.to.helper_name_list()
    }
    fn name_of_id(&self, id: u32, section: &str) -> Option<&str> {
        self.to.name_of_id(id, section)
    }
}

/// What one call site does on the target platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Binds to helper `id`.
    Resolves {
        /// Target helper ID.
        id: u32,
        /// Target helper name.
        helper: String,
    },
    /// printk, mapped by argument count.
    PrintkArity {
        /// Total argument count, `fmt` and `fmt_size` included.
        arity: u8,
        /// Target helper ID.
        id: u32,
        /// Target helper name.
        helper: String,
    },
    /// Binds, but the two platforms declare the helper differently.
    PrototypeDiffers {
        /// Target helper ID.
        id: u32,
        /// Target helper name.
        helper: String,
        /// Every difference, return value first.
        differences: Vec<ProtoDiff>,
    },
    /// No helper of that name on the target.
    Missing {
        /// The nearest known name, when one is close.
        suggestion: Option<String>,
    },
    /// The helper exists on the target only for other program types.
    WrongProgramType {
        /// The program types that provide it.
        needs: Vec<String>,
    },
    /// printk whose argument count cannot be read from the code.
    UnknownArity {
        /// Why not.
        reason: String,
    },
    /// A program-type helper in a subprogram whose calling programs do not agree on one ID
    /// (or that no program calls).
    Subprogram {
        /// The subprogram.
        function: String,
        /// What each calling program section makes of the helper.
        callers: Vec<String>,
    },
    /// A numeric call whose ID the source platform does not know.
    UnknownId,
    /// A kfunc call.
    Kfunc {
        /// Whether the target has kfuncs (Linux).
        supported: bool,
    },
    /// A call by BTF id or another form left alone.
    Other {
        /// Whether the target runs such calls (Linux).
        supported: bool,
    },
    /// A bpf-to-bpf call.
    Local,
}

impl Verdict {
    /// The status word (JSON `verdict`).
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::Resolves { .. } => "resolves",
            Verdict::PrintkArity { .. } => "printk-arity",
            Verdict::PrototypeDiffers { .. } => "prototype-differs",
            Verdict::Missing { .. } => "missing",
            Verdict::WrongProgramType { .. } => "wrong-program-type",
            Verdict::UnknownArity { .. } => "unknown-arity",
            Verdict::Subprogram { .. } => "subprogram",
            Verdict::UnknownId => "unknown-id",
            Verdict::Kfunc { .. } => "kfunc",
            Verdict::Other { .. } => "other",
            Verdict::Local => "local",
        }
    }

    /// Whether this call keeps the object from binding cleanly.
    pub fn fails(&self) -> bool {
        match self {
            Verdict::Resolves { .. } | Verdict::PrintkArity { .. } | Verdict::Local => false,
            Verdict::PrototypeDiffers { differences, .. } => {
                differences.iter().any(|d| d.severity == Severity::Failure)
            }
            Verdict::Kfunc { supported } | Verdict::Other { supported } => !supported,
            Verdict::Missing { .. }
            | Verdict::WrongProgramType { .. }
            | Verdict::UnknownArity { .. }
            | Verdict::Subprogram { .. }
            | Verdict::UnknownId => true,
        }
    }

    /// The helper ID and name it binds to, when it binds.
    pub fn target(&self) -> Option<(u32, &str)> {
        match self {
            Verdict::Resolves { id, helper }
            | Verdict::PrintkArity { id, helper, .. }
            | Verdict::PrototypeDiffers { id, helper, .. } => Some((*id, helper)),
            _ => None,
        }
    }
}

/// The kind of call instruction, independent of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A call bound by name (`call -1` + relocation to an undefined symbol).
    Extern,
    /// `call N` with a helper ID from compile time.
    Numeric,
    /// A kfunc (`.ksyms`).
    Kfunc,
    /// A bpf-to-bpf call.
    Local,
    /// Anything else.
    Other,
}

impl CallKind {
    /// The JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Extern => "extern",
            CallKind::Numeric => "numeric",
            CallKind::Kfunc => "kfunc",
            CallKind::Local => "local",
            CallKind::Other => "other",
        }
    }
}

/// One call site and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCheck {
    /// Section name.
    pub section: String,
    /// Instruction index in the section.
    pub insn: usize,
    /// What kind of call it is.
    pub kind: CallKind,
    /// The called symbol, or for a numeric call the helper `from` calls with that ID.
    pub name: Option<String>,
    /// The immediate of a numeric call.
    pub imm: Option<u32>,
    /// What happens on the target.
    pub verdict: Verdict,
}

/// Everything `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The target platform.
    pub platform: PlatformKind,
    /// The platform the object was compiled for.
    pub from: PlatformKind,
    /// Every call site, in section and instruction order.
    pub calls: Vec<CallCheck>,
    /// Object-level notes.
    pub notes: Vec<ObjectNote>,
}

impl CheckReport {
    /// Whether the object binds (or rebinds) cleanly for the target: no failing call and no
    /// error note.
    pub fn binds_cleanly(&self) -> bool {
        self.failing().next().is_none() && !self.notes.iter().any(|n| n.level == NoteLevel::Error)
    }

    /// The failing call sites.
    pub fn failing(&self) -> impl Iterator<Item = &CallCheck> {
        self.calls.iter().filter(|c| c.verdict.fails())
    }
}

/// Checks the object in `data`, compiled for `from`, against `to`.
///
/// When both are the same platform, `to` serves as both: it may carry helpers added with
/// `--helpers` or IDs from `--uapi` that numeric calls use.
pub fn check(data: &[u8], from: &Platform, to: &Platform) -> Result<CheckReport, ElfError> {
    let from = if from.kind() == to.kind() { to } else { from };
    let view = ElfView::parse(data)?;
    let sites = classify(&view)?;
    let table = PortableTable { from, to };
    let mut resolver = Resolver::new(&view, &sites);
    let mut graph = None;
    let calls = sites
        .iter()
        .map(|site| {
            let name = numeric_name(&view, &sites, site, from, &mut graph);
            check_site(&view, site, name, &table, &mut resolver)
        })
        .collect::<Vec<_>>();
    let mut notes = notes::object_notes(&view, &sites, &calls, from, to)?;
    // Rebinding an early-bound object unbinds it first, which needs a place for the helper
    // symbols and relocations: an object that cannot be unbound does not rebind, whatever its
    // calls say (found by fuzzing: an object without .symtab was called clean).
    let numeric = sites
        .iter()
        .any(|s| matches!(s.target, CallTarget::Numeric { .. }));
    if numeric {
        let options = crate::unbind::UnbindOptions { add_btf: false };
        if let Err(e) = crate::unbind::unbind(data, from, &options) {
            notes.push(notes::ObjectNote {
                level: notes::NoteLevel::Error,
                kind: "unbind",
                section: None,
                message: format!("its numeric calls cannot be unbound for rebinding: {e}"),
            });
        }
    }
    Ok(CheckReport {
        platform: to.kind(),
        from: from.kind(),
        calls,
        notes,
    })
}

/// The name `from` gives a numeric call: by its section, or for a call in a subprogram
/// (`.text`, no program type) by the programs reaching it, which must all agree (as
/// unbind names it).
fn numeric_name(
    view: &ElfView,
    sites: &[CallSite],
    site: &CallSite,
    from: &Platform,
    graph: &mut Option<CallGraph>,
) -> Option<String> {
    let CallTarget::Numeric { id } = site.target else {
        return None;
    };
    let section = view.section_name(site.section);
    if let Some(name) = from.name_of_id(id, &section) {
        return Some(name.to_string());
    }
    if section != SUBPROGRAM_SECTION {
        return None;
    }
    let graph = graph.get_or_insert_with(|| CallGraph::new(view, sites));
    let programs = graph
        .function_at(site.section, site.insn)
        .map(|f| graph.reaching_programs(view, f))
        .unwrap_or_default();
    let mut names = programs
        .iter()
        .map(|&p| from.name_of_id(id, &view.section_name(p)));
    let first = names.next()??;
    names.all(|n| n == Some(first)).then(|| first.to_string())
}

fn check_site(
    view: &ElfView,
    site: &CallSite,
    numeric_name: Option<String>,
    table: &PortableTable,
    resolver: &mut Resolver,
) -> CallCheck {
    let section = view.section_name(site.section).into_owned();
    let linux = table.to.kind() == PlatformKind::Linux;
    let (kind, name, imm, verdict) = match &site.target {
        CallTarget::Extern { name, .. } => (
            CallKind::Extern,
            Some(name.to_string()),
            None,
            helper_verdict(view, site, name, table, resolver),
        ),
        CallTarget::Numeric { id } => match numeric_name.as_deref() {
            Some(name) => {
                // Judge it as the call by name that unbinding it would give.
                let as_extern = CallSite {
                    target: CallTarget::Extern {
                        symbol: 0,
                        name: name.into(),
                    },
                    ..site.clone()
                };
                let verdict = helper_verdict(view, &as_extern, name, table, resolver);
                (
                    CallKind::Numeric,
                    Some(name.to_string()),
                    Some(*id),
                    verdict,
                )
            }
            None => (CallKind::Numeric, None, Some(*id), Verdict::UnknownId),
        },
        CallTarget::Kfunc { name, .. } => (
            CallKind::Kfunc,
            Some(name.to_string()),
            None,
            Verdict::Kfunc { supported: linux },
        ),
        CallTarget::Local { symbol } => (
            CallKind::Local,
            symbol.map(|s| local_name(view, s, site.raw.imm)),
            None,
            Verdict::Local,
        ),
        CallTarget::Other => (
            CallKind::Other,
            None,
            Some(site.raw.imm as u32),
            Verdict::Other { supported: linux },
        ),
    };
    CallCheck {
        section,
        insn: site.insn,
        kind,
        name,
        imm,
        verdict,
    }
}

/// A called symbol's name. A section symbol (static functions) is named after the function
/// at its target, `imm + 1` instructions into the section, or after the section (as `list`
/// does).
fn local_name(view: &ElfView, symbol: usize, imm: i32) -> String {
    let s = &view.symbols[symbol];
    if !s.name.is_empty() {
        return s.name().into_owned();
    }
    // Wrapping: symbol values come from the file and may be anything.
    let target = s.value.wrapping_add_signed((i64::from(imm) + 1) * 8);
    view.symbols
        .iter()
        .find(|f| f.kind() == 2 && f.shndx == s.shndx && f.value == target)
        .map(|f| f.name().into_owned())
        .unwrap_or_else(|| view.section_name(s.shndx as usize).into_owned())
}

/// The verdict for a helper called by `name` (as compiled for `table.from`).
fn helper_verdict(
    view: &ElfView,
    site: &CallSite,
    name: &str,
    table: &PortableTable,
    resolver: &mut Resolver,
) -> Verdict {
    let section = view.section_name(site.section);
    let by_arity = match table.resolve(name, &section) {
        Resolution::ByArity(choices) => Some(choices.to_vec()),
        _ => None,
    };
    match resolver.resolve(site, table) {
        Outcome::Bind { id, canonical } => {
            let canonical = canonical.to_string();
            if let Some(choices) = by_arity {
                let arity = choices.iter().find(|c| c.1 == id).map_or(0, |c| c.0);
                return Verdict::PrintkArity {
                    arity,
                    id,
                    helper: canonical,
                };
            }
            if let Some(arity) = table.printk_arity(name).filter(|_| canonical == PRINTK) {
                return Verdict::PrintkArity {
                    arity,
                    id,
                    helper: canonical,
                };
            }
            let differences = if table.from.kind() == table.to.kind() {
                Vec::new()
            } else {
                match (table.from.helper(name), table.to.helper(&canonical)) {
                    (Some(a), Some(b)) => {
                        proto::compare(&a.return_type, &a.args, &b.return_type, &b.args)
                    }
                    _ => Vec::new(),
                }
            };
            if differences.is_empty() {
                Verdict::Resolves {
                    id,
                    helper: canonical,
                }
            } else {
                Verdict::PrototypeDiffers {
                    id,
                    helper: canonical,
                    differences,
                }
            }
        }
        Outcome::Problem(BindProblem::Unresolved { suggestion, .. }) => {
            // A helper of the source platform is no typo: a similar target name would
            // mislead.
            let known_on_from =
                table.from.kind() != table.to.kind() && table.from.helper(name).is_some();
            Verdict::Missing {
                suggestion: suggestion.filter(|_| !known_on_from),
            }
        }
        Outcome::Problem(BindProblem::WrongProgramType { needs, .. }) => {
            Verdict::WrongProgramType { needs }
        }
        Outcome::Problem(BindProblem::UnknownArity { reason, .. }) => {
            Verdict::UnknownArity { reason }
        }
        Outcome::Problem(BindProblem::Subprogram {
            function, callers, ..
        }) => Verdict::Subprogram { function, callers },
        // The resolver gives these only for non-extern targets, which never get here.
        Outcome::Numeric { .. } | Outcome::Local | Outcome::Kfunc | Outcome::Other => {
            Verdict::Missing { suggestion: None }
        }
    }
}

/// Reads `input`, checks it and writes the table (or JSON) to `out`. Returns whether the
/// object binds cleanly (exit status 0) or not (1); bad input and I/O are errors (2).
pub fn run_check(
    input: &Path,
    from: &Platform,
    to: &Platform,
    json: bool,
    out: &mut dyn Write,
) -> Result<bool, Error> {
    let data = std::fs::read(input).map_err(|source| Error::Io {
        path: input.to_path_buf(),
        action: "cannot read the input",
        source,
    })?;
    let report = check(&data, from, to).map_err(|source| Error::BadInput {
        path: input.to_path_buf(),
        source,
    })?;
    let file = input.display().to_string();
    let text = if json {
        let mut v =
            serde_json::to_string_pretty(&render::to_json(&report, &file)).unwrap_or_default();
        v.push('\n');
        v
    } else {
        render::to_text(&report, &file)
    };
    out.write_all(text.as_bytes()).map_err(|source| Error::Io {
        path: "<stdout>".into(),
        action: "cannot write the report",
        source,
    })?;
    Ok(report.binds_cleanly())
}
