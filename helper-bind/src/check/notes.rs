//! Object-level facts a packager needs besides the call sites.

use std::collections::HashSet;
use std::fmt;

use crate::classify::{ksym_names, CallSite, CallTarget};
use crate::elf::ElfView;
use crate::error::ElfError;
use crate::platform::{Platform, PlatformKind};

use super::{CallCheck, CallKind};

/// How much an object note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteLevel {
    /// For information.
    Info,
    /// Probably needs attention; does not fail the check.
    Warning,
    /// The object cannot work on the target; fails the check.
    Error,
}

impl NoteLevel {
    /// `info`, `warning` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            NoteLevel::Info => "info",
            NoteLevel::Warning => "warning",
            NoteLevel::Error => "error",
        }
    }
}

/// One object-level note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectNote {
    /// How much it matters.
    pub level: NoteLevel,
    /// A stable key: `program-type`, `no-program-type`, `xdp-return-codes`, `kfuncs`,
    /// `undefined-symbols`, `legacy-maps`, `no-btf`, `numeric-calls`, `unbind`.
    pub kind: &'static str,
    /// The section it concerns, if one.
    pub section: Option<String>,
    /// What to know, in words.
    pub message: String,
}

impl fmt::Display for ObjectNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.level.name())?;
        if let Some(s) = &self.section {
            write!(f, "section `{s}`: ")?;
        }
        f.write_str(&self.message)
    }
}

fn note(
    level: NoteLevel,
    kind: &'static str,
    section: Option<&str>,
    message: String,
) -> ObjectNote {
    ObjectNote {
        level,
        kind,
        section: section.map(str::to_string),
        message,
    }
}

/// Code sections that hold programs: every executable section but `.text`, which holds
/// subprograms only.
fn program_sections(view: &ElfView) -> Vec<String> {
    view.sections
        .iter()
        .filter(|s| s.is_code() && s.name != b".text")
        .map(|s| s.name().into_owned())
        .collect()
}

/// Whether a section is an XDP program on `platform` (Windows: by its program type; Linux:
/// libbpf's `xdp` section names).
fn is_xdp(platform: &Platform, section: &str) -> bool {
    match platform.kind() {
        PlatformKind::Windows => platform
            .program_type_for_section(section)
            .is_some_and(|p| p.name == "xdp"),
        PlatformKind::Linux => {
            section == "xdp" || section.starts_with("xdp/") || section.starts_with("xdp.")
        }
    }
}

/// Every object-level note, in a fixed order.
pub fn object_notes(
    view: &ElfView,
    sites: &[CallSite],
    calls: &[CallCheck],
    from: &Platform,
    to: &Platform,
) -> Result<Vec<ObjectNote>, ElfError> {
    use NoteLevel::{Error, Info, Warning};
    let windows = to.kind() == PlatformKind::Windows;
    let mut notes = Vec::new();
    let programs = program_sections(view);

    if windows {
        for s in &programs {
            notes.push(match to.program_type_for_section(s) {
                Some(p) => note(
                    Info,
                    "program-type",
                    Some(s),
                    format!("program type {} ({}, {})", p.name, p.enum_name, p.id),
                ),
                None => note(
                    Warning,
                    "no-program-type",
                    Some(s),
                    "matches no registered section prefix: Windows gives it the unspecified \
                     program type; rename it after its program type (e.g. `xdp/...`, `bind/...`)"
                        .into(),
                ),
            });
        }
    }

    if from.kind() != to.kind() {
        for s in programs.iter().filter(|s| is_xdp(from, s) || is_xdp(to, s)) {
            notes.push(note(
                Warning,
                "xdp-return-codes",
                Some(s),
                format!(
                    "XDP return codes differ: Linux XDP_DROP=1, XDP_PASS=2; Windows XDP_PASS=1, \
                     XDP_DROP=2. The constants compiled for {} are not changed by helper-bind",
                    from.kind()
                ),
            ));
        }
    }

    let kfuncs: Vec<&str> = sites
        .iter()
        .filter_map(|s| match &s.target {
            CallTarget::Kfunc { name, .. } => Some(&**name),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !kfuncs.is_empty() {
        let list = kfuncs.join(", ");
        notes.push(if windows {
            note(
                Error,
                "kfuncs",
                None,
                format!("calls kfuncs ({list}), which exist on Linux only"),
            )
        } else {
            note(
                Info,
                "kfuncs",
                None,
                format!(
                    "calls kfuncs ({list}): libbpf resolves them against the running kernel's BTF"
                ),
            )
        });
    }

    let called: HashSet<usize> = sites
        .iter()
        .filter_map(|s| match s.target {
            CallTarget::Extern { symbol, .. } | CallTarget::Kfunc { symbol, .. } => Some(symbol),
            _ => None,
        })
        .collect();
    let ksyms = ksym_names(view)?;
    let mut undefined: Vec<String> = view
        .symbols
        .iter()
        .filter(|s| s.is_undefined() && !s.name.is_empty() && !called.contains(&s.index))
        .map(|s| {
            let kind = if ksyms.contains(&s.name) {
                " (.ksyms)"
            } else {
                ""
            };
            format!("{}{kind}", s.name())
        })
        .collect();
    undefined.sort();
    undefined.dedup();
    if !undefined.is_empty() {
        notes.push(note(
            Warning,
            "undefined-symbols",
            None,
            format!(
                "undefined symbols that are not calls ({}): a later link or the loader must \
                 resolve them (libbpf `__kconfig`/`__ksym` variables exist on Linux only)",
                undefined.join(", ")
            ),
        ));
    }

    if view.section_by_name("maps").is_some() {
        notes.push(if windows {
            note(
                Info,
                "legacy-maps",
                Some("maps"),
                "legacy `maps` section (struct bpf_map_def): eBPF for Windows reads it".into(),
            )
        } else {
            note(
                Warning,
                "legacy-maps",
                Some("maps"),
                "legacy `maps` section: libbpf 1.0 and later refuse it; declare maps in \
                 `.maps` (BTF-defined)"
                    .into(),
            )
        });
    }

    if view.section_by_name(".BTF").is_none() {
        notes.push(note(
            Info,
            "no-btf",
            None,
            "no .BTF section: BTF-defined maps, CO-RE and kfuncs need it (compile with -g)".into(),
        ));
    }

    let numeric = calls.iter().filter(|c| c.kind == CallKind::Numeric).count();
    if numeric > 0 {
        let message = if from.kind() == to.kind() {
            format!(
                "{numeric} call(s) already bound to {} IDs at compile time",
                to.kind()
            )
        } else {
            format!(
                "{numeric} call(s) carry {from} IDs from compile time: binding leaves numeric \
                 calls alone, rebind with `helper-bind --from {from} --platform {to}`",
                from = from.kind(),
                to = to.kind()
            )
        };
        notes.push(note(Info, "numeric-calls", None, message));
    }
    Ok(notes)
}
