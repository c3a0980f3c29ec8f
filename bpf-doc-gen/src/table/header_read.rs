//! Reads a `BPF_HELPER` header: `headers/<platform>/bpf_helper_defs.h`, or what
//! `bpf-doc-gen --format bpf-helper` writes.
//!
//! Three kinds of lines carry the table; everything else (comments, documentation, forward
//! declarations, the `BPF_HELPER` macro block, `#ifndef` blocks) is skipped:
//! * `BPF_HELPER(return_type, name, (args), id);` declares a helper. Leading attributes of the
//!   return type (`__bpf_fastcall`, `__attribute__((...))`) are dropped.
//! * `BPF_PROGRAM_TYPE(name, id, ENUM_NAME, "prefix1,prefix2")` starts a program type; the
//!   helpers after it belong to it. Helpers before the first marker are general.
//! * `#define ALIAS NAME`, where `NAME` is a helper of the table, declares an alias. Other
//!   two-identifier `#define`s are not aliases and are skipped.

use super::builder::Builder;
use super::{is_ident, normalize_type, split_top_level};
use super::{Alias, ProgramType, SourceLines, Table, TableError, TableHelper};

const HELPER_FORM: &str = "`BPF_HELPER(return_type, name, (args), id);`";
const PROGRAM_TYPE_FORM: &str = "`BPF_PROGRAM_TYPE(name, id, ENUM_NAME, \"prefix1,prefix2\")`";

impl Table {
    /// Reads a `BPF_HELPER` header (see the module documentation for the lines it takes).
    /// `file` names the input in error messages, which read `file:line: what was expected`.
    pub fn parse_bpf_helper_header(text: &str, file: &str) -> Result<Table, TableError> {
        Self::parse_bpf_helper_header_located(text, file).map(|(table, _)| table)
    }

    /// [`Table::parse_bpf_helper_header`], also returning the line of every entry.
    pub fn parse_bpf_helper_header_located(
        text: &str,
        file: &str,
    ) -> Result<(Table, SourceLines), TableError> {
        let code = blank_comments(text);
        let mut builder = Builder::new(file);
        let mut scope: Option<String> = None;
        let mut defines: Vec<(String, String, usize)> = Vec::new();
        for (index, line) in code.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if let Some(rest) = macro_call(line, "BPF_HELPER") {
                let helper = parse_helper(&builder, rest, scope.clone(), number)?;
                builder.add_helper(helper, number)?;
            } else if let Some(rest) = macro_call(line, "BPF_PROGRAM_TYPE") {
                let program_type = parse_program_type(&builder, rest, number)?;
                scope = Some(program_type.name.clone());
                builder.add_program_type(program_type, number)?;
            } else if let Some((alias, name)) = simple_define(line) {
                defines.push((alias, name, number));
            }
        }
        // Aliases may come before or after their helper; only defines naming a helper count.
        for (alias, name, number) in defines {
            if builder.has_helper(&name) {
                builder.add_alias(Alias { alias, name }, number)?;
            }
        }
        Ok(builder.finish())
    }
}

/// The text after `NAME` when `line` is a call of macro `NAME` (`NAME(` or `NAME (`).
fn macro_call<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(name)?;
    let rest = rest.trim_start();
    rest.starts_with('(').then_some(rest)
}

/// The arguments of a macro call `( a, b, c )` followed by an optional `;`, split at the
/// top-level commas; `form` is what the caller expected, for messages.
fn call_arguments<'a>(
    builder: &Builder,
    rest: &'a str,
    line: usize,
    form: &str,
    count: usize,
) -> Result<Vec<&'a str>, TableError> {
    let close = matching_paren(rest).ok_or_else(|| {
        builder.error(
            line,
            format!("expected {form} on one line, but its parentheses do not close"),
        )
    })?;
    let tail = rest[close + 1..].trim();
    if !(tail.is_empty() || tail == ";") {
        return Err(builder.error(
            line,
            format!("expected {form}, found `{tail}` after the closing parenthesis"),
        ));
    }
    let fields: Vec<&str> = split_top_level(&rest[1..close], ',')
        .into_iter()
        .map(str::trim)
        .collect();
    if fields.len() != count {
        return Err(builder.error(
            line,
            format!(
                "expected {form} with {count} arguments, found {}",
                fields.len()
            ),
        ));
    }
    Ok(fields)
}

/// Byte index of the `)` that closes the `(` at index 0, outside string literals.
fn matching_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_helper(
    builder: &Builder,
    rest: &str,
    scope: Option<String>,
    line: usize,
) -> Result<TableHelper, TableError> {
    let fields = call_arguments(builder, rest, line, HELPER_FORM, 4)?;
    let return_type = normalize_type(strip_attributes(fields[0]));
    if return_type.is_empty() {
        return Err(builder.error(
            line,
            format!("expected {HELPER_FORM}, but the return type is empty"),
        ));
    }
    let name = fields[1];
    if !is_ident(name) {
        return Err(builder.error(
            line,
            format!("expected {HELPER_FORM}, but the name `{name}` is not a C identifier"),
        ));
    }
    let args = fields[2];
    if !(args.starts_with('(') && matching_paren(args) == Some(args.len() - 1)) {
        return Err(builder.error(
            line,
            format!("expected {HELPER_FORM}, but the parameters of `{name}` are not one parenthesised list: `{args}`"),
        ));
    }
    let id = parse_number(fields[3]).ok_or_else(|| {
        builder.error(
            line,
            format!(
                "expected {HELPER_FORM}, but the ID of `{name}` is `{}`, not a number from 0 to 4294967295",
                fields[3]
            ),
        )
    })?;
    Ok(TableHelper {
        name: name.to_string(),
        id,
        return_type,
        args: normalize_type(args),
        program_type: scope,
    })
}

fn parse_program_type(
    builder: &Builder,
    rest: &str,
    line: usize,
) -> Result<ProgramType, TableError> {
    let fields = call_arguments(builder, rest, line, PROGRAM_TYPE_FORM, 4)?;
    let name = fields[0];
    if !is_ident(name) {
        return Err(builder.error(
            line,
            format!("expected {PROGRAM_TYPE_FORM}, but the name `{name}` is not a C identifier"),
        ));
    }
    let id = parse_number(fields[1]).ok_or_else(|| {
        builder.error(
            line,
            format!(
                "expected {PROGRAM_TYPE_FORM}, but the ID of `{name}` is `{}`, not a number",
                fields[1]
            ),
        )
    })?;
    let enum_name = fields[2];
    if !(enum_name.is_empty() || is_ident(enum_name)) {
        return Err(builder.error(
            line,
            format!("expected {PROGRAM_TYPE_FORM}, but the enum name `{enum_name}` is not a C identifier"),
        ));
    }
    let sections = fields[3]
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| {
            builder.error(
                line,
                format!(
                    "expected {PROGRAM_TYPE_FORM}, but the sections of `{name}` are `{}`, not one string literal",
                    fields[3]
                ),
            )
        })?;
    Ok(ProgramType {
        name: name.to_string(),
        id,
        enum_name: enum_name.to_string(),
        sections: split_sections(sections),
    })
}

/// `"a,b"` → `[a, b]`; an empty string is no sections.
pub(crate) fn split_sections(text: &str) -> Vec<String> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// Decimal or `0x` hexadecimal.
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        None => None,
    }
}

/// Drops leading attributes from a return type: `__bpf_*` markers such as `__bpf_fastcall`,
/// and `__attribute__((...))`.
fn strip_attributes(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("__attribute__") {
            let rest = rest.trim_start();
            match matching_paren(rest) {
                Some(close) if rest.starts_with('(') => text = &rest[close + 1..],
                _ => return text,
            }
        } else if text.starts_with("__bpf_") {
            let end = text
                .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
                .unwrap_or(text.len());
            text = &text[end..];
        } else {
            return text;
        }
    }
}

/// `#define ALIAS NAME` with two identifiers.
fn simple_define(line: &str) -> Option<(String, String)> {
    let rest = line
        .strip_prefix('#')?
        .trim_start()
        .strip_prefix("define")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let alias = words.next()?;
    let name = words.next()?;
    (words.next().is_none() && is_ident(alias) && is_ident(name))
        .then(|| (alias.to_string(), name.to_string()))
}

/// The text with every `/* */` and `//` comment replaced by spaces, newlines kept, so that
/// line numbers stay right and nothing inside a comment is read as a declaration.
fn blank_comments(text: &str) -> String {
    #[derive(PartialEq)]
    enum State {
        Code,
        Block,
        Line,
        Str,
        StrEscape,
    }
    let mut out = String::with_capacity(text.len());
    let mut state = State::Code;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match state {
            State::Code => match c {
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    out.push_str("  ");
                    state = State::Block;
                }
                '/' if chars.peek() == Some(&'/') => {
                    chars.next();
                    out.push_str("  ");
                    state = State::Line;
                }
                '"' => {
                    out.push(c);
                    state = State::Str;
                }
                _ => out.push(c),
            },
            State::Block => {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    out.push_str("  ");
                    state = State::Code;
                } else {
                    out.push(if c == '\n' { '\n' } else { ' ' });
                }
            }
            State::Line => {
                if c == '\n' {
                    out.push('\n');
                    state = State::Code;
                } else {
                    out.push(' ');
                }
            }
            State::Str => {
                out.push(c);
                state = match c {
                    '\\' => State::StrEscape,
                    '"' | '\n' => State::Code,
                    _ => State::Str,
                };
            }
            State::StrEscape => {
                out.push(c);
                state = State::Str;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_but_lines_kept() {
        let text = "a /* b\nBPF_HELPER(x) */ c // d\n\"/* e */\"\n";
        let out = blank_comments(text);
        assert_eq!(out.lines().count(), 3);
        assert!(!out.contains("BPF_HELPER"));
        assert!(out.contains("\"/* e */\""));
        assert!(!out.contains('d'));
    }

    #[test]
    fn attributes_are_dropped() {
        assert_eq!(strip_attributes("__bpf_fastcall __u32"), "__u32");
        assert_eq!(
            strip_attributes("__attribute__((bpf_fastcall)) void *"),
            "void *"
        );
        assert_eq!(strip_attributes("__u64"), "__u64");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("65536"), Some(65536));
        assert_eq!(parse_number("0x10000"), Some(65536));
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("4294967296"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn defines() {
        assert_eq!(
            simple_define("#define bpf_memcpy bpf_memcpy_s"),
            Some(("bpf_memcpy".into(), "bpf_memcpy_s".into()))
        );
        assert_eq!(
            simple_define("#  define a b"),
            Some(("a".into(), "b".into()))
        );
        assert_eq!(simple_define("#define GUARD"), None);
        assert_eq!(simple_define("#define BPF_HELPER(a, b) x"), None);
        assert_eq!(simple_define("#define A 1"), None);
        assert_eq!(simple_define("#defineA B"), None);
    }
}
