//! Helper prototypes: recognising a prototype line and splitting a prototype into return type,
//! name and arguments, exactly as the kernel script's regular expressions do.
//!
//! Both are spelled out by hand, because building and running a regex engine cost more than
//! the rest of a run. Recognising is a boolean question, answered by a small memoised search
//! over the pattern's structure; lines that are not ASCII or very long go to the script's own
//! pattern through `regex` (leftmost-first, like Python's `re`), compiled only then.
//! Splitting follows `proto_break_down`'s two patterns, whose backtracking is shallow enough
//! to spell out. Unit tests compare both with Python's `re` on generated prototypes.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::Arg;

/// `parse_proto`'s ` \* ?((.+) \**\w+\((((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\))$`
/// without the comment prefix: group 1 runs to the end of the line, so it is the rest of the
/// line after the prefix.
const PROTO: &str = r"^(.+) \**\w+\((((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\)$";

fn proto_regex(text: &str) -> &'static Regex {
    static ASCII: OnceLock<Regex> = OnceLock::new();
    static UNICODE: OnceLock<Regex> = OnceLock::new();
    // The pattern is a constant known to compile; a failure is a bug in this file.
    if text.is_ascii() {
        ASCII.get_or_init(|| {
            Regex::new(&PROTO.replace(r"\w", "[0-9A-Za-z_]")).expect("constant pattern")
        })
    } else {
        UNICODE.get_or_init(|| Regex::new(PROTO).expect("constant pattern"))
    }
}

/// The prototype on a helper's first documentation line, e.g.
/// `void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)`, or `None` if the line is
/// not a prototype line.
pub(crate) fn prototype_of_line(line: &str) -> Option<&str> {
    // ` \* ?`: with the space if that matches, else without (the regex's order).
    super::lines::after_star(line).find(|rest| is_proto(rest))
}

/// Longest line the hand matcher takes (it is quadratic in the worst case); longer or
/// non-ASCII lines go to the regex.
const HAND_MATCH_MAX: usize = 4096;

fn is_proto(rest: &str) -> bool {
    if rest.is_ascii() && rest.len() <= HAND_MATCH_MAX {
        proto_matches_ascii(rest.as_bytes())
    } else {
        proto_regex(rest).is_match(rest)
    }
}

fn ascii_word_len(s: &[u8]) -> usize {
    s.iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count()
}

/// [`PROTO`] on an ASCII string, without a regex engine (which cost more to build than the
/// whole parse): some space splits `(.+)` from ` \**\w+\(`, and from the `(` on, one to five
/// argument items reach the final `)`. Stars and the name are maximal runs, as a shorter run
/// could not be followed by what comes next.
fn proto_matches_ascii(s: &[u8]) -> bool {
    let n = s.len();
    if n < 2 || s[n - 1] != b')' {
        return false;
    }
    // Which (position, items so far) states are known to fail; shared by every split point,
    // as the items after `(` do not depend on where `(.+)` ended.
    let mut failed = vec![false; 6 * (n + 1)];
    (1..n).filter(|&p| s[p] == b' ').any(|p| {
        let mut q = p + 1;
        while q < n && s[q] == b'*' {
            q += 1;
        }
        let w = ascii_word_len(&s[q..]);
        q += w;
        w > 0 && q < n && s[q] == b'(' && items_reach_end(s, q + 1, 0, &mut failed)
    })
}

/// `(((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\)$` from `pos`, `done` items
/// already matched.
fn items_reach_end(s: &[u8], pos: usize, done: usize, failed: &mut [bool]) -> bool {
    if done >= 1 && pos + 1 == s.len() {
        return true;
    }
    let key = done * (s.len() + 1) + pos;
    if done == 5 || failed[key] {
        return false;
    }
    let mut ends = Vec::new();
    item_ends(s, pos, &mut ends);
    for e in ends {
        if items_reach_end(s, e, done + 1, failed) {
            return true;
        }
    }
    failed[key] = true;
    false
}

/// Every position one `((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?` starting at `pos`
/// can end at, longest first (so a well-formed prototype succeeds on the first path tried).
/// A word may end early (the next item continues it), so every end inside a run counts; only
/// a run's full length can be followed by ` ` or `, `.
fn item_ends(s: &[u8], pos: usize, ends: &mut Vec<usize>) {
    let push = |e: usize, ends: &mut Vec<usize>| {
        if s[e..].starts_with(b", ") {
            ends.push(e + 2);
        }
        ends.push(e);
    };
    let mut starts = [pos; 4];
    let mut count = 1;
    if s[pos..].starts_with(b"const ") {
        starts[count] = pos + 6;
        count += 1;
    }
    // `struct ` may follow either start found so far (not the ones this loop adds).
    let before_struct = count;
    for i in 0..before_struct {
        if s[starts[i]..].starts_with(b"struct ") {
            starts[count] = starts[i] + 7;
            count += 1;
        }
    }
    for &a in starts[..count].iter().rev() {
        let run = ascii_word_len(&s[a..]);
        let dots = s[a..].starts_with(b"...").then_some(a + 3);
        for core in (a + 1..=a + run).rev().chain(dots) {
            if s.get(core) == Some(&b' ') {
                let mut q = core + 1;
                while q < s.len() && s[q] == b'*' {
                    q += 1;
                }
                let run2 = ascii_word_len(&s[q..]);
                for e in (q + 1..=q + run2).rev() {
                    push(e, ends);
                }
            }
            push(core, ends);
        }
    }
}

/// A prototype split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split {
    pub ret_type: String,
    pub ret_star: String,
    pub name: String,
    pub args: Vec<Arg>,
}

/// Python's `\w` (close enough outside ASCII, exact within it).
fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Length in bytes of the run of word characters at the start of `s`.
fn word_len(s: &str) -> usize {
    s.find(|c| !is_word(c)).unwrap_or(s.len())
}

/// Splits a prototype as the script's `proto_break_down` does; `None` where the script would
/// crash on a failed match.
///
/// `(.+) (\**)(\w+)\(((([^,]+)(, )?){1,5})\)$`: the greedy `(.+)` makes the last space that
/// lets the rest match the split point. After it, stars and name are maximal runs (a shorter
/// run could not be followed by what comes next), so each candidate space is checked once.
pub(crate) fn split(proto: &str) -> Option<Split> {
    let body = proto.strip_suffix(')')?;
    let (p, stars, name, args) = body.rmatch_indices(' ').find_map(|(p, _)| {
        if p == 0 {
            return None;
        }
        let rest = &body[p + 1..];
        let stars = rest.bytes().take_while(|&b| b == b'*').count();
        let after_stars = &rest[stars..];
        let name = word_len(after_stars);
        let args = after_stars[name..].strip_prefix('(')?;
        (name > 0 && args_match(args)).then_some((p, stars, name, args))
    })?;
    let after_ret = &body[p + 1..];
    let args = args
        .split(", ")
        .map(split_arg)
        .collect::<Option<Vec<Arg>>>()?;
    Some(Split {
        ret_type: body[..p].to_string(),
        ret_star: after_ret[..stars].to_string(),
        name: after_ret[stars..stars + name].to_string(),
        args,
    })
}

/// `(([^,]+)(, )?){1,5}` over the whole of `s`: one to five comma-free, non-empty pieces
/// separated by `, `, optionally followed by one more `, `. (A piece may be matched by several
/// iterations, so five pieces is the limit, not five iterations.)
fn args_match(s: &str) -> bool {
    let s = s.strip_suffix(", ").filter(|t| !t.is_empty()).unwrap_or(s);
    let mut pieces = 0;
    for piece in s.split(", ") {
        pieces += 1;
        if piece.is_empty() || piece.contains(',') || pieces > 5 {
            return false;
        }
    }
    true
}

/// One argument, by `((\w+ )*?(\w+|...))( (\**)(\w+))?$` (the unescaped `...` matches any
/// three characters, as in the script). The lazy `(\w+ )*?` takes as few leading words as
/// possible, so the tail is tried after 0, 1, 2, ... of them.
fn split_arg(a: &str) -> Option<Arg> {
    let mut pos = 0;
    loop {
        if let Some(arg) = arg_tail(a, pos) {
            return Some(arg);
        }
        let w = word_len(&a[pos..]);
        if w == 0 || !a[pos + w..].starts_with(' ') {
            return None;
        }
        pos += w + 1;
    }
}

/// `(\w+|...)( (\**)(\w+))?$` at `pos`; the type is everything before the optional name.
fn arg_tail(a: &str, pos: usize) -> Option<Arg> {
    let s = &a[pos..];
    // `\w+` is greedy, and a shorter run would be followed by a word character, which
    // neither ` ` nor the end can match: only the full run needs trying.
    let w = word_len(s);
    if w > 0 {
        if let Some(arg) = arg_name_then_end(a, pos + w) {
            return Some(arg);
        }
    }
    // `...`: any three characters but a newline.
    let mut chars = s.char_indices();
    let mut end = 0;
    for _ in 0..3 {
        let (i, c) = chars.next()?;
        if c == '\n' {
            return None;
        }
        end = i + c.len_utf8();
    }
    arg_name_then_end(a, pos + end)
}

/// `( (\**)(\w+))?$` at `t`.
fn arg_name_then_end(a: &str, t: usize) -> Option<Arg> {
    let (ty, rest) = a.split_at(t);
    if let Some(r) = rest.strip_prefix(' ') {
        let stars = r.bytes().take_while(|&b| b == b'*').count();
        let name = &r[stars..];
        if !name.is_empty() && word_len(name) == name.len() {
            return Some(Arg {
                ty: ty.to_string(),
                star: r[..stars].to_string(),
                name: Some(name.to_string()),
            });
        }
    }
    rest.is_empty().then(|| Arg {
        ty: ty.to_string(),
        star: String::new(),
        name: None,
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
    /// Differential test against Python's `re` with the script's exact patterns, on strings
    /// built from the pieces prototypes are made of (a fixed pseudo-random sequence).
    #[test]
    fn agrees_with_python_re_on_generated_prototypes() {
        use std::io::Write;
        const PIECES: &[&str] = &[
            "void", "u64", "const ", "struct ", "*", "**", " ", ", ", ",", "(", ")", "...", "a",
            "x_1", "bpf_f", "é", ".", "  ", "\t",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases: Vec<String> = Vec::new();
        for _ in 0..3000 {
            let mut s = String::new();
            // Often shaped like a prototype, sometimes free-form.
            let shaped = next() % 3 != 0;
            if shaped {
                s.push_str(
                    ["long ", "void *", "u64 ", "struct x **", "int", "a b c "]
                        [next() as usize % 6],
                );
                s.push_str(["bpf_f", "f", "", "*g", "h i"][next() as usize % 5]);
                s.push('(');
                let items = if next() % 8 == 0 { 6 } else { 1 + next() % 5 };
                for i in 0..items {
                    if i > 0 {
                        s.push_str(
                            [", ", ", ", ", ", ", ", ", ", ", ", ",", ", , ", ""]
                                [next() as usize % 9],
                        );
                    }
                    s.push_str(["", "", "const ", "struct ", "const struct "][next() as usize % 5]);
                    s.push_str(
                        ["void", "u32", "...", "x_1", "é", "void", "u64", "a.b"]
                            [next() as usize % 8],
                    );
                    s.push_str(["", " ", " *", " **", "*", ""][next() as usize % 6]);
                    s.push_str(["", "name", "n2", "name", "n2", "(x)", " y"][next() as usize % 7]);
                    if next() % 16 == 0 {
                        s.push_str(PIECES[next() as usize % PIECES.len()]);
                    }
                }
                if next() % 6 == 0 {
                    s.push_str(", ");
                }
                s.push(')');
            } else {
                for _ in 0..(next() % 9) {
                    s.push_str(PIECES[next() as usize % PIECES.len()]);
                }
            }
            cases.push(s);
        }
        let script = r#"
import re, sys, json
line_re = re.compile(r' \* ?((.+) \**\w+\((((const )?(struct )?(\w+|\.\.\.)( \**\w+)?)(, )?){1,5}\))$')
proto_re = re.compile(r'(.+) (\**)(\w+)\(((([^,]+)(, )?){1,5})\)$')
arg_re = re.compile(r'((\w+ )*?(\w+|...))( (\**)(\w+))?$')
out = []
for s in json.load(sys.stdin):
    m = line_re.match(' * ' + s)
    line = m.group(1) if m else None
    c = proto_re.match(s)
    split = None
    if c:
        args = []
        for a in c.group(4).split(', '):
            ac = arg_re.match(a)
            if not ac:
                args = None
                break
            args.append([ac.group(1), ac.group(5) or '', ac.group(6)])
        if args is not None:
            split = [c.group(1), c.group(2), c.group(3), args]
    out.append([line, split])
json.dump(out, sys.stdout)
"#;
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let input = serde_json::to_vec(&cases).unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let expected: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        // The generator must reach both outcomes of both patterns often.
        let lines = expected.iter().filter(|e| !e[0].is_null()).count();
        let splits = expected.iter().filter(|e| !e[1].is_null()).count();
        assert!(
            lines > 150 && splits > 150,
            "{lines} line matches, {splits} splits"
        );
        assert!(
            lines < 2700 && splits < 2700,
            "{lines} line matches, {splits} splits"
        );
        for (s, e) in cases.iter().zip(&expected) {
            let rest = s.as_str();
            assert_eq!(
                proto_regex(rest).is_match(rest),
                e[0].as_str().is_some_and(|p| p == rest),
                "regex on {s:?}"
            );
            let line = format!(" * {s}");
            assert_eq!(
                e[0].as_str(),
                prototype_of_line(&line),
                "line match of {s:?}"
            );
            let ours = split(s).map(|sp| {
                serde_json::json!([
                    sp.ret_type,
                    sp.ret_star,
                    sp.name,
                    sp.args
                        .iter()
                        .map(|a| serde_json::json!([a.ty, a.star, a.name]))
                        .collect::<Vec<_>>()
                ])
            });
            assert_eq!(
                e[1],
                ours.unwrap_or(serde_json::Value::Null),
                "split of {s:?}"
            );
        }
    }
}
