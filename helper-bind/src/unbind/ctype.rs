//! Reading the C types of helper prototypes (`void *`, `const struct bpf_map *`,
//! `__u64 flags`, `...`) as the platform tables spell them, so the extern
//! FUNC that unbind records in BTF has the shape clang gives it. libbpf's
//! linker compares an extern's prototype with other objects' declarations of
//! the same helper: parameter count, integer sizes, pointer targets' kinds and
//! struct names.

/// A C type, reduced to what BTF and the linker compare.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CType {
    /// `void` (BTF type 0).
    Void,
    /// An integer: name as spelled, size in bytes, BTF encoding.
    Int {
        name: String,
        size: u32,
        encoding: u32,
    },
    /// A pointer to a type.
    Ptr(Box<CType>),
    /// A struct or union known only by name (BTF FWD).
    Fwd { name: String, union: bool },
}

/// A helper prototype.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proto {
    pub ret: CType,
    pub params: Vec<CType>,
    pub variadic: bool,
}

const SIGNED: u32 = 1;
const CHAR: u32 = 1; // clang gives `char` the signed encoding on BPF
const BOOL: u32 = 4;

/// Integer spellings the tables use: (name, size, encoding).
const INTS: &[(&str, u32, u32)] = &[
    ("unsigned long long", 8, 0),
    ("long long", 8, SIGNED),
    ("unsigned long", 8, 0),
    ("unsigned int", 4, 0),
    ("unsigned short", 2, 0),
    ("unsigned char", 1, 0),
    ("signed char", 1, SIGNED),
    ("unsigned", 4, 0),
    ("long", 8, SIGNED),
    ("int", 4, SIGNED),
    ("short", 2, SIGNED),
    ("char", 1, CHAR),
    ("_Bool", 1, BOOL),
    ("bool", 1, BOOL),
    ("__u8", 1, 0),
    ("__s8", 1, SIGNED),
    ("__u16", 2, 0),
    ("__s16", 2, SIGNED),
    ("__be16", 2, 0),
    ("__le16", 2, 0),
    ("__u32", 4, 0),
    ("__s32", 4, SIGNED),
    ("__be32", 4, 0),
    ("__le32", 4, 0),
    ("__wsum", 4, 0),
    ("__u64", 8, 0),
    ("__s64", 8, SIGNED),
    ("__be64", 8, 0),
    ("__le64", 8, 0),
    ("u8", 1, 0),
    ("u16", 2, 0),
    ("u32", 4, 0),
    ("u64", 8, 0),
    ("uint8_t", 1, 0),
    ("uint16_t", 2, 0),
    ("uint32_t", 4, 0),
    ("uint64_t", 8, 0),
    ("int8_t", 1, SIGNED),
    ("int16_t", 2, SIGNED),
    ("int32_t", 4, SIGNED),
    ("int64_t", 8, SIGNED),
    ("size_t", 8, 0),
    ("intptr_t", 8, SIGNED),
    ("uintptr_t", 8, 0),
];

/// Words that qualify a type without changing what BTF's linker compares.
const IGNORED: &[&str] = &[
    "const",
    "volatile",
    "restrict",
    "__restrict",
    "__bpf_fastcall",
];

fn is_identifier(w: &str) -> bool {
    let mut chars = w.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One type, optionally followed by a name: `const void *key`, `__u64`,
/// `struct bpf_map *map`, `unsigned long long x`. `None` if it is not one of
/// the forms the helper tables use.
pub(crate) fn parse_type(decl: &str) -> Option<CType> {
    let spaced = decl.replace('*', " * ");
    let words: Vec<&str> = spaced
        .split_whitespace()
        .filter(|w| !IGNORED.contains(w))
        .collect();
    let first_star = words.iter().position(|w| *w == "*").unwrap_or(words.len());
    let (base, rest) = words.split_at(first_star);
    // After the base: stars, then at most one name.
    let stars = rest.iter().take_while(|w| **w == "*").count();
    let tail = &rest[stars..];
    if tail.len() > 1 || tail.iter().any(|w| !is_identifier(w)) {
        return None;
    }
    let (base, named) = match base {
        ["struct" | "union", tag, name @ ..] if is_identifier(tag) && name.len() <= 1 => (
            CType::Fwd {
                name: tag.to_string(),
                union: base[0] == "union",
            },
            name.len(),
        ),
        _ => {
            // The longest known integer spelling at the start; `void`; or a
            // typedef name the table does not resolve (an opaque struct).
            let joined = base.join(" ");
            if let Some((name, size, encoding)) = INTS
                .iter()
                .filter(|(n, _, _)| joined == *n || joined.starts_with(&format!("{n} ")))
                .max_by_key(|(n, _, _)| n.len())
            {
                let words_used = name.split(' ').count();
                (
                    CType::Int {
                        name: name.to_string(),
                        size: *size,
                        encoding: *encoding,
                    },
                    base.len() - words_used,
                )
            } else if base.first() == Some(&"void") {
                (CType::Void, base.len() - 1)
            } else if let [typedef, ..] = base {
                if !is_identifier(typedef) {
                    return None;
                }
                (
                    CType::Fwd {
                        name: typedef.to_string(),
                        union: false,
                    },
                    base.len() - 1,
                )
            } else {
                return None;
            }
        }
    };
    // A name after the base only when there are no stars (`__u64 flags`).
    if named > 1 || (named == 1 && (stars > 0 || !tail.is_empty())) {
        return None;
    }
    let mut t = base;
    for _ in 0..stars {
        t = CType::Ptr(Box::new(t));
    }
    Some(t)
}

/// A prototype from the table's return type and parenthesised argument list.
pub(crate) fn parse_proto(ret: &str, args: &str) -> Option<Proto> {
    let ret = parse_type(ret)?;
    let inner = args.trim().strip_prefix('(')?.strip_suffix(')')?.trim();
    let mut params = Vec::new();
    let mut variadic = false;
    if !inner.is_empty() && inner != "void" {
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        for (i, p) in parts.iter().enumerate() {
            if *p == "..." && i + 1 == parts.len() {
                variadic = true;
            } else {
                let t = parse_type(p)?;
                if t == CType::Void {
                    return None;
                }
                params.push(t);
            }
        }
    }
    Some(Proto {
        ret,
        params,
        variadic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(name: &str, size: u32, encoding: u32) -> CType {
        CType::Int {
            name: name.into(),
            size,
            encoding,
        }
    }

    fn ptr(t: CType) -> CType {
        CType::Ptr(Box::new(t))
    }

    #[test]
    fn parameter_spellings() {
        assert_eq!(parse_type("const void *key"), Some(ptr(CType::Void)));
        assert_eq!(parse_type("void *"), Some(ptr(CType::Void)));
        assert_eq!(parse_type("__u64 flags"), Some(int("__u64", 8, 0)));
        assert_eq!(
            parse_type("unsigned long long x"),
            Some(int("unsigned long long", 8, 0))
        );
        assert_eq!(
            parse_type("unsigned long"),
            Some(int("unsigned long", 8, 0))
        );
        assert_eq!(
            parse_type("const struct bpf_dynptr *ptr"),
            Some(ptr(CType::Fwd {
                name: "bpf_dynptr".into(),
                union: false
            }))
        );
        assert_eq!(
            parse_type("__be32 **p"),
            Some(ptr(ptr(int("__be32", 4, 0))))
        );
        assert_eq!(
            parse_type("xdp_md_t *ctx"),
            Some(ptr(CType::Fwd {
                name: "xdp_md_t".into(),
                union: false
            }))
        );
        assert_eq!(parse_type("__bpf_fastcall __u32"), Some(int("__u32", 4, 0)));
        assert_eq!(parse_type("int (*cb)(void)"), None);
        assert_eq!(parse_type("void * p q"), None);
    }

    #[test]
    fn prototypes() {
        let p = parse_proto("long", "(const char *fmt, __u32 fmt_size, ...)").unwrap();
        assert_eq!(p.ret, int("long", 8, SIGNED));
        assert_eq!(
            p.params,
            vec![ptr(int("char", 1, CHAR)), int("__u32", 4, 0)]
        );
        assert!(p.variadic);
        let p = parse_proto("__u64", "(void)").unwrap();
        assert!(p.params.is_empty() && !p.variadic);
        assert_eq!(parse_proto("void *", "()").unwrap().ret, ptr(CType::Void));
        assert!(parse_proto("long", "(void, int)").is_none());
    }
}

#[cfg(test)]
mod table_tests {
    use super::parse_proto;
    use crate::platform::{Platform, PlatformKind};

    /// Every prototype of both built-in tables is readable, so every helper
    /// gets a real BTF prototype.
    #[test]
    fn every_builtin_prototype_parses() {
        for kind in PlatformKind::ALL {
            let platform = Platform::builtin(kind);
            let mut count = 0;
            for name in platform.helper_names() {
                let Some(h) = platform.helper(name) else {
                    continue;
                };
                assert!(
                    parse_proto(&h.return_type, &h.args).is_some(),
                    "{kind:?} {name}: {} {}",
                    h.return_type,
                    h.args
                );
                count += 1;
            }
            assert!(count > 40, "{kind:?}: only {count} helpers");
        }
    }
}
