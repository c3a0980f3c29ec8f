//! Helper prototypes: recognising a prototype line and splitting a prototype into return type,
//! name and arguments, with the kernel script's own regular expressions.
//!
//! `regex` uses the same leftmost-first semantics as Python's backtracking `re`, so captures
//! agree. The patterns are compiled twice: an ASCII-only version (small, fast to build) used
//! for ASCII lines, where `\w` means the same in both, and a Unicode version, built only if a
//! non-ASCII line ever shows up, matching Python's Unicode `\w`.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::Arg;

/// `parse_proto`: ` \* ?((.+) \**\w+\((((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\))$`.
const LINE: &str =
    r"^ \* ?((.+) \**\w+\((((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\))$";
/// `proto_break_down`: `(.+) (\**)(\w+)\(((([^,]+)(, )?){1,5})\)$`.
const SPLIT: &str = r"^(.+) (\**)(\w+)\(((([^,]+)(, )?){1,5})\)$";
/// `proto_break_down`, per argument: `((\w+ )*?(\w+|...))( (\**)(\w+))?$` (the unescaped
/// `...` matches any three characters, as in the script).
const ARG: &str = r"^((\w+ )*?(\w+|...))( (\**)(\w+))?$";

struct Patterns {
    line: Regex,
    split: Regex,
    arg: Regex,
}

impl Patterns {
    fn build(unicode: bool) -> Patterns {
        // The patterns are constants known to compile; a failure is a bug in this file.
        let re = |p: &str| {
            let p = if unicode {
                p.to_string()
            } else {
                p.replace(r"\w", "[0-9A-Za-z_]")
            };
            Regex::new(&p).expect("constant pattern")
        };
        Patterns {
            line: re(LINE),
            split: re(SPLIT),
            arg: re(ARG),
        }
    }
}

fn patterns(text: &str) -> &'static Patterns {
    static ASCII: OnceLock<Patterns> = OnceLock::new();
    static UNICODE: OnceLock<Patterns> = OnceLock::new();
    if text.is_ascii() {
        ASCII.get_or_init(|| Patterns::build(false))
    } else {
        UNICODE.get_or_init(|| Patterns::build(true))
    }
}

/// The prototype on a helper's first documentation line, e.g.
/// `void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)`, or `None` if the line is
/// not a prototype line.
pub(crate) fn prototype_of_line(line: &str) -> Option<&str> {
    let caps = patterns(line).line.captures(line)?;
    caps.get(1).map(|m| m.as_str())
}

/// A prototype split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split {
    pub ret_type: String,
    pub ret_star: String,
    pub name: String,
    pub args: Vec<Arg>,
}

/// Splits a prototype as the script's `proto_break_down` does; `None` where the script would
/// crash on a failed match.
pub(crate) fn split(proto: &str) -> Option<Split> {
    let p = patterns(proto);
    let caps = p.split.captures(proto)?;
    let mut args = Vec::new();
    for a in caps.get(4)?.as_str().split(", ") {
        let ac = patterns(a).arg.captures(a)?;
        args.push(Arg {
            ty: ac.get(1)?.as_str().to_string(),
            star: ac.get(5).map_or("", |m| m.as_str()).to_string(),
            name: ac.get(6).map(|m| m.as_str().to_string()),
        });
    }
    Some(Split {
        ret_type: caps.get(1)?.as_str().to_string(),
        ret_star: caps.get(2)?.as_str().to_string(),
        name: caps.get(3)?.as_str().to_string(),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(ty: &str, star: &str, name: Option<&str>) -> Arg {
        Arg {
            ty: ty.into(),
            star: star.into(),
            name: name.map(Into::into),
        }
    }

    #[test]
    fn recognises_prototype_lines() {
        let l = " * void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)";
        assert_eq!(
            prototype_of_line(l),
            Some("void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)")
        );
        assert_eq!(prototype_of_line(" * \tDescription"), None);
        assert_eq!(prototype_of_line(" */"), None);
        // Six arguments are more than the script accepts.
        assert_eq!(
            prototype_of_line(" * long f(int a, int b, int c, int d, int e, int f)"),
            None
        );
        assert_eq!(
            prototype_of_line(" * long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)"),
            Some("long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)")
        );
    }

    #[test]
    fn splits_like_proto_break_down() {
        let s = split("void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)").unwrap();
        assert_eq!(s.ret_type, "void");
        assert_eq!(s.ret_star, "*");
        assert_eq!(s.name, "bpf_map_lookup_elem");
        assert_eq!(
            s.args,
            vec![
                arg("struct bpf_map", "*", Some("map")),
                arg("const void", "*", Some("key"))
            ]
        );
        let s = split("u64 bpf_ktime_get_ns(void)").unwrap();
        assert_eq!(s.args, vec![arg("void", "", None)]);
        let s = split("long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)").unwrap();
        assert_eq!(s.args[1], arg("u32", "", Some("fmt_size")));
        assert_eq!(s.args[2], arg("...", "", None));
        assert_eq!(split("nonsense"), None);
    }
}
