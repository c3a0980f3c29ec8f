//! Comparing one helper's C prototype on two platforms.
//!
//! Types are reduced to what the BPF calling convention sees: a register holding an integer
//! of some width and signedness, a pointer, nothing (`void`), or the variadic tail of printk.
//! Spellings that mean the same register contents compare equal: `__u64`, `u64`,
//! `uint64_t`, `unsigned long` and `size_t` are all an unsigned 64-bit integer; `long`,
//! `int64_t`, `__s64` and `intptr_t` a signed one (BPF is LP64). Byte-order and checksum
//! typedefs (`__be32`, `__wsum`) are unsigned integers of their width.
//!
//! What counts ([`Severity`]):
//! * **failure**: a different width (return value or argument), a pointer where the other
//!   platform has a 32-bit or narrower integer, or a different number of arguments. Code
//!   compiled for one width reads or passes the wrong bits on the other platform
//!   (`bpf_csum_diff` returns `__s64` on Linux but `int` on Windows: a negative checksum
//!   difference no longer tests negative).
//! * **note**: signedness alone (same bits in the register), `const` on a pointer target, a
//!   pointer against a 64-bit integer (`void *` vs `intptr_t`), `void` against a value the
//!   program cannot have used, a variadic tail that becomes fixed `uint64_t` arguments, and
//!   types this module cannot reduce whose spelling differs.
//! * ignored: parameter names, the pointed-to type (`struct bpf_map *` vs `void *`,
//!   `struct xdp_md *` vs `xdp_md_t *`: the register holds an address either way) and
//!   attributes such as `__bpf_fastcall`.

use std::fmt;

/// How much a prototype difference matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; the call works.
    Note,
    /// The call passes or reads different bits: the object does not port cleanly.
    Failure,
}

impl Severity {
    /// `note` or `failure` (the JSON spelling).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Failure => "failure",
        }
    }
}

/// One difference between two prototypes of the same helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoDiff {
    /// `return` or `argN` (1-based).
    pub place: String,
    /// The type on the platform the code was compiled for.
    pub from: String,
    /// The type on the target platform.
    pub to: String,
    /// What differs, in words (`width 32 vs 64 bits`).
    pub what: String,
    /// Whether it breaks the call.
    pub severity: Severity,
}

impl fmt::Display for ProtoDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: `{}` vs `{}` ({})",
            self.place, self.from, self.to, self.what
        )
    }
}

/// A C type as a BPF register sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Void,
    Int {
        bits: u8,
        signed: bool,
    },
    Pointer {
        const_target: bool,
    },
    Variadic,
    /// Not reducible; compared by its normalised spelling.
    Other(String),
}

/// Integer spellings: (name, bits, signed). `char` is signed on BPF.
const INTEGERS: &[(&str, u8, bool)] = &[
    ("char", 8, true),
    ("signed char", 8, true),
    ("__s8", 8, true),
    ("s8", 8, true),
    ("int8_t", 8, true),
    ("unsigned char", 8, false),
    ("__u8", 8, false),
    ("u8", 8, false),
    ("uint8_t", 8, false),
    ("short", 16, true),
    ("short int", 16, true),
    ("__s16", 16, true),
    ("s16", 16, true),
    ("int16_t", 16, true),
    ("unsigned short", 16, false),
    ("__u16", 16, false),
    ("u16", 16, false),
    ("uint16_t", 16, false),
    ("__be16", 16, false),
    ("__le16", 16, false),
    ("__sum16", 16, false),
    ("int", 32, true),
    ("signed", 32, true),
    ("signed int", 32, true),
    ("__s32", 32, true),
    ("s32", 32, true),
    ("int32_t", 32, true),
    ("unsigned", 32, false),
    ("unsigned int", 32, false),
    ("__u32", 32, false),
    ("u32", 32, false),
    ("uint32_t", 32, false),
    ("__be32", 32, false),
    ("__le32", 32, false),
    ("__wsum", 32, false),
    ("long", 64, true),
    ("long int", 64, true),
    ("long long", 64, true),
    ("__s64", 64, true),
    ("s64", 64, true),
    ("int64_t", 64, true),
    ("intptr_t", 64, true),
    ("ssize_t", 64, true),
    ("unsigned long", 64, false),
    ("unsigned long long", 64, false),
    ("__u64", 64, false),
    ("u64", 64, false),
    ("uint64_t", 64, false),
    ("uintptr_t", 64, false),
    ("size_t", 64, false),
    ("__be64", 64, false),
    ("__le64", 64, false),
];

/// Qualifiers and attributes that do not change what the register holds.
const IGNORED_WORDS: &[&str] = &["const", "volatile", "__bpf_fastcall", "restrict"];

fn shape(ty: &str) -> Shape {
    let ty = ty.trim();
    if ty == "..." {
        return Shape::Variadic;
    }
    if let Some(star) = ty.rfind('*') {
        // `const T *p`: const before the star qualifies the target. A const after the last
        // star (`T *const p`) qualifies the pointer itself, which the callee cannot see.
        return Shape::Pointer {
            const_target: ty[..star].split_whitespace().any(|w| w == "const"),
        };
    }
    let words: Vec<&str> = ty
        .split_whitespace()
        .filter(|w| !IGNORED_WORDS.contains(w))
        .collect();
    let spelled = words.join(" ");
    if spelled == "void" {
        return Shape::Void;
    }
    match INTEGERS.iter().find(|(n, _, _)| *n == spelled) {
        Some(&(_, bits, signed)) => Shape::Int { bits, signed },
        None => Shape::Other(spelled),
    }
}

/// The type of one parameter, without its name: `const void *key` → `const void *`,
/// `__u32 size` → `__u32`, `unsigned long` → `unsigned long`.
fn param_type(param: &str) -> String {
    let p = param.trim();
    if let Some(star) = p.rfind('*') {
        return p[..=star].trim().to_string();
    }
    let words: Vec<&str> = p.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    let is_type_word = |w: &str| {
        IGNORED_WORDS.contains(&w)
            || INTEGERS
                .iter()
                .any(|(n, _, _)| n.split(' ').any(|x| x == w))
            || w == "void"
            || w == "..."
    };
    if words.len() > 1 && !is_type_word(last) {
        words[..words.len() - 1].join(" ")
    } else {
        words.join(" ")
    }
}

/// The parameter types of a `(...)` list; `(void)` and `()` are empty.
pub fn params(list: &str) -> Vec<String> {
    let inner = list.trim();
    let inner = inner.strip_prefix('(').unwrap_or(inner);
    let inner = inner.strip_suffix(')').unwrap_or(inner).trim();
    if inner.is_empty() || inner == "void" {
        return Vec::new();
    }
    inner.split(',').map(param_type).collect()
}

/// Differences between two register shapes; `place` names the return value or argument.
fn compare_one(place: &str, from: &str, to: &str) -> Option<ProtoDiff> {
    let diff = |what: String, severity| {
        Some(ProtoDiff {
            place: place.to_string(),
            from: from.trim().to_string(),
            to: to.trim().to_string(),
            what,
            severity,
        })
    };
    match (shape(from), shape(to)) {
        (a, b) if a == b => None,
        (
            Shape::Int {
                bits: a,
                signed: sa,
            },
            Shape::Int {
                bits: b,
                signed: sb,
            },
        ) => {
            if a != b {
                diff(format!("width {a} vs {b} bits"), Severity::Failure)
            } else {
                let s = |signed| if signed { "signed" } else { "unsigned" };
                diff(format!("signedness {} vs {}", s(sa), s(sb)), Severity::Note)
            }
        }
        (Shape::Pointer { const_target: a }, Shape::Pointer { const_target: b }) => {
            let c = |k| if k { "const" } else { "non-const" };
            diff(format!("{} vs {} target", c(a), c(b)), Severity::Note)
        }
        (Shape::Pointer { .. }, Shape::Int { bits: 64, .. })
        | (Shape::Int { bits: 64, .. }, Shape::Pointer { .. }) => {
            diff("pointer vs 64-bit integer".into(), Severity::Note)
        }
        (Shape::Pointer { .. }, Shape::Int { bits, .. })
        | (Shape::Int { bits, .. }, Shape::Pointer { .. }) => {
            diff(format!("pointer vs {bits}-bit integer"), Severity::Failure)
        }
        (Shape::Void, _) | (_, Shape::Void) if place == "return" => {
            diff("void vs a value".into(), Severity::Note)
        }
        (Shape::Other(a), Shape::Other(b)) if a == b => None,
        (Shape::Other(_), _) | (_, Shape::Other(_)) => {
            diff("types this tool cannot compare".into(), Severity::Note)
        }
        _ => diff("different kinds of value".into(), Severity::Failure),
    }
}

/// Every difference between `from_ret from_args` (the prototype the code was compiled
/// against) and `to_ret to_args` (the target's), return value first.
pub fn compare(from_ret: &str, from_args: &str, to_ret: &str, to_args: &str) -> Vec<ProtoDiff> {
    let mut out: Vec<ProtoDiff> = compare_one("return", from_ret, to_ret)
        .into_iter()
        .collect();
    let (a, b) = (params(from_args), params(to_args));
    let variadic_from = a.last().is_some_and(|t| t == "...");
    let fixed_from = if variadic_from {
        &a[..a.len() - 1]
    } else {
        &a[..]
    };
    for (i, (x, y)) in fixed_from.iter().zip(&b).enumerate() {
        out.extend(compare_one(&format!("arg{}", i + 1), x, y));
    }
    if variadic_from && b.len() >= fixed_from.len() {
        if b.len() > fixed_from.len() {
            out.push(ProtoDiff {
                place: format!("arg{}..", fixed_from.len() + 1),
                from: "...".into(),
                to: b[fixed_from.len()..].join(", "),
                what: "variadic arguments become fixed ones: pass 64-bit values".into(),
                severity: Severity::Note,
            });
        }
    } else if fixed_from.len() != b.len() {
        out.push(ProtoDiff {
            place: "arguments".into(),
            from: from_args.trim().to_string(),
            to: to_args.trim().to_string(),
            what: format!("{} vs {} arguments", a.len(), b.len()),
            severity: Severity::Failure,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn severities(d: &[ProtoDiff]) -> Vec<(String, Severity)> {
        d.iter().map(|d| (d.place.clone(), d.severity)).collect()
    }

    #[test]
    fn spellings_of_the_same_register_contents_are_equal() {
        assert!(compare("__u64", "(void *map)", "uint64_t", "(struct bpf_map *m)").is_empty());
        assert!(compare("long", "(__u32 x)", "int64_t", "(uint32_t y)").is_empty());
        assert!(compare("__bpf_fastcall __u32", "(void)", "u32", "()").is_empty());
        assert!(compare("intptr_t", "(size_t n)", "__s64", "(unsigned long n)").is_empty());
    }

    #[test]
    fn width_is_a_failure_signedness_and_const_are_notes() {
        // bpf_get_smp_processor_id: Linux __u32, Windows uint64_t.
        let d = compare("__u32", "(void)", "uint64_t", "(void)");
        assert_eq!(severities(&d), vec![("return".into(), Severity::Failure)]);
        assert!(d[0].what.contains("32 vs 64"), "{}", d[0]);
        // bpf_csum_diff: Linux __s64 (__be32 *, __u32, __be32 *, __u32, __wsum), Windows int.
        let d = compare(
            "__s64",
            "(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __wsum seed)",
            "int",
            "(const void *from, int from_size, const void *to, int to_size, int seed)",
        );
        assert_eq!(
            severities(&d),
            vec![
                ("return".into(), Severity::Failure),
                ("arg1".into(), Severity::Note),
                ("arg2".into(), Severity::Note),
                ("arg3".into(), Severity::Note),
                ("arg4".into(), Severity::Note),
                ("arg5".into(), Severity::Note),
            ]
        );
        // bpf_get_socket_cookie: __u64 vs int64_t, void * vs const void *.
        let d = compare("__u64", "(void *ctx)", "int64_t", "(const void *ctx)");
        assert!(d.iter().all(|d| d.severity == Severity::Note), "{d:?}");
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn argument_count_and_pointer_width_mismatches_fail() {
        let d = compare("long", "(void *a, __u64 b)", "long", "(void *a)");
        assert_eq!(
            severities(&d),
            vec![("arguments".into(), Severity::Failure)]
        );
        let d = compare("long", "(void *a)", "long", "(__u32 a)");
        assert_eq!(severities(&d), vec![("arg1".into(), Severity::Failure)]);
        let d = compare("void *", "(void)", "intptr_t", "(void)");
        assert_eq!(severities(&d), vec![("return".into(), Severity::Note)]);
    }

    #[test]
    fn variadic_printk_against_a_fixed_arity_helper_is_a_note() {
        let d = compare(
            "long",
            "(const char *fmt, __u32 fmt_size, ...)",
            "long",
            "(const char *fmt, uint32_t fmt_size, uint64_t arg3, uint64_t arg4)",
        );
        assert_eq!(severities(&d), vec![("arg3..".into(), Severity::Note)]);
        assert_eq!(d[0].to, "uint64_t, uint64_t");
    }

    #[test]
    fn parameter_names_are_dropped() {
        assert_eq!(
            params("(const void *key, unsigned long buf_len, __u32 cpu, int)"),
            vec!["const void *", "unsigned long", "__u32", "int"]
        );
        assert!(params("(void)").is_empty());
        assert!(params("()").is_empty());
    }
}
