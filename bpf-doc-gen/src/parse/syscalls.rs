//! The syscall commands block (`DOC: eBPF Syscall Commands`, Linux 5.12 and later) and the
//! `enum bpf_cmd` entries the script counts against it.

use super::error::{ParseError, ParseErrorKind};
use super::helpers::section;
use super::lines::{after_star, Lines};
use crate::model::SyscallCommand;

const DOC_START: &str = "* DOC: eBPF Syscall Commands";
const ENUM_START: &str = "enum bpf_cmd {";

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The command name on a ` \* ?(BPF\w+)$` line.
fn command_of_line(line: &str) -> Option<&str> {
    after_star(line).find(|s| s.starts_with("BPF") && s.len() > 3 && s.chars().all(is_word))
}

/// The documented commands, or `None` if the header has no syscall block.
pub(crate) fn parse_doc(
    lines: &Lines<'_>,
    file: &str,
) -> Result<Option<Vec<SyscallCommand>>, ParseError> {
    let Some(start) = lines.find(DOC_START) else {
        return Ok(None);
    };
    // As the script: skip the marker line and the blank line after it.
    let mut cur = start + 2;
    let mut commands = Vec::new();
    while let Some(name) = lines.get(cur).and_then(command_of_line) {
        let line = cur + 1;
        cur += 1;
        let desc = section(lines, &mut cur, "Description");
        let ret = section(lines, &mut cur, "Return");
        commands.push(SyscallCommand {
            name: name.to_string(),
            desc,
            ret,
            line,
        });
    }
    if lines.get(cur).is_none() {
        return Err(ParseError::new(
            file,
            lines.len().max(1),
            ParseErrorKind::CutOff {
                block: "the syscall commands block",
                expected: "more commands or the end of the block",
            },
        ));
    }
    Ok(Some(commands))
}

/// The `enum bpf_cmd` names as the script's `parse_enum_syscall` collects them: lines up to
/// the first one that does not start with a `BPF` name, skipping `BPF_A = BPF_B` aliases.
pub(crate) fn parse_enum(lines: &Lines<'_>) -> Vec<String> {
    let Some(start) = lines.find(ENUM_START) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut cur = start + 1;
    while let Some(line) = lines.get(cur) {
        cur += 1;
        let rest = line.trim_start();
        let Some(name) = leading_bpf_word(rest) else {
            break;
        };
        let after = rest[name.len()..].trim_start();
        if let Some(value) = after.strip_prefix('=') {
            if leading_bpf_word(value.trim_start()).is_some() {
                continue;
            }
        }
        // `re.findall(r'(BPF\w+)+', ...)` over the line: every maximal BPF-word.
        let mut s = rest;
        while let Some(pos) = s.find("BPF") {
            let word = leading_bpf_word(&s[pos..]).unwrap_or("");
            if word.is_empty() {
                s = &s[pos + 3..];
                continue;
            }
            names.push(word.to_string());
            s = &s[pos + word.len()..];
        }
    }
    names
}

/// `BPF\w+` at the start of `s`.
fn leading_bpf_word(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("BPF")?;
    let len = rest.find(|c| !is_word(c)).unwrap_or(rest.len());
    (len > 0).then(|| &s[..3 + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_like_the_script() {
        let text = "enum bpf_cmd {\n\tBPF_A,\n\tBPF_B,\n\tBPF_C = BPF_B,\n\tBPF_D = 1 << 16, /* BPF_E */\n\t__MAX_BPF_CMD,\n\tBPF_F,\n};\n";
        let l = Lines::new(text);
        assert_eq!(parse_enum(&l), vec!["BPF_A", "BPF_B", "BPF_D", "BPF_E"]);
    }

    #[test]
    fn command_lines() {
        assert_eq!(command_of_line(" * BPF_MAP_CREATE"), Some("BPF_MAP_CREATE"));
        assert_eq!(command_of_line(" *BPF_X"), Some("BPF_X"));
        assert_eq!(command_of_line(" * BPF"), None);
        assert_eq!(command_of_line(" * NOTES"), None);
        assert_eq!(command_of_line(" * BPF_X y"), None);
    }
}
