//! The helper documentation block: from `Start of BPF helper function descriptions:` to the
//! end of that comment.
//!
//! Each entry is a prototype line followed by optional `Description`, `Return` and
//! `Attributes` sections. Newer scripts insist on the first two; the oldest headers and
//! scripts do not, so a missing section is read as empty text.

use super::error::{ParseError, ParseErrorKind};
use super::lines::{body_text, is_heading, Lines};
use super::proto::{self, Split};

/// The marker the kernel script seeks to.
pub(crate) const HELPERS_START: &str = "Start of BPF helper function descriptions:";

/// Attribute mnemonics the `Attributes` section may use (the script's `ATTRS`).
pub const KNOWN_ATTRIBUTES: &[&str] = &["__bpf_fastcall"];

/// One documented helper entry, before IDs are assigned.
pub(crate) struct DocEntry {
    pub proto: String,
    pub split: Split,
    pub desc: String,
    pub ret: String,
    pub attrs: Vec<String>,
    /// 0-based line of the prototype.
    pub idx: usize,
}

/// Reads every helper entry. Fails on a line that is neither an entry nor the block's end,
/// so a misformatted entry can never silently shorten the list.
pub(crate) fn parse(lines: &Lines<'_>, file: &str) -> Result<Vec<DocEntry>, ParseError> {
    let start = lines
        .find(HELPERS_START)
        .ok_or_else(|| ParseError::new(file, lines.len().max(1), ParseErrorKind::NotBpfH))?;
    // The script skips the marker line and the blank comment line after it.
    let mut cur = start + 2;
    let mut entries = Vec::new();
    loop {
        let Some(line) = lines.get(cur) else {
            return Err(cut_off(
                file,
                lines,
                "a helper prototype or the end of the block ' */'",
            ));
        };
        let Some(proto) = proto::prototype_of_line(line) else {
            if line.trim_start().starts_with("*/") {
                return Ok(entries);
            }
            // A stray last line is a truncated file rather than a malformed prototype.
            if cur + 1 == lines.len() {
                return Err(cut_off(
                    file,
                    lines,
                    "a helper prototype or the end of the block ' */'",
                ));
            }
            return Err(ParseError::new(
                file,
                cur + 1,
                ParseErrorKind::MalformedPrototype {
                    found: line.to_string(),
                },
            ));
        };
        let split = proto::split(proto).ok_or_else(|| {
            ParseError::new(
                file,
                cur + 1,
                ParseErrorKind::UnsplittablePrototype {
                    proto: proto.to_string(),
                },
            )
        })?;
        let idx = cur;
        cur += 1;
        let desc = section(lines, &mut cur, "Description");
        let ret = section(lines, &mut cur, "Return");
        let attrs = attributes(lines, &mut cur, file, &split.name)?;
        entries.push(DocEntry {
            proto: proto.to_string(),
            split,
            desc,
            ret,
            attrs,
            idx,
        });
    }
}

fn cut_off(file: &str, lines: &Lines<'_>, expected: &'static str) -> ParseError {
    ParseError::new(
        file,
        lines.len().max(1),
        ParseErrorKind::CutOff {
            block: "the helper documentation block",
            expected,
        },
    )
}

/// Reads a `Description` or `Return` section starting at `*cur` (empty if the heading is not
/// there), leaving `*cur` on the first line after it. Same text as the script's
/// `parse_desc`/`parse_ret`: blank comment lines become `\n`, body lines lose two indents.
pub(crate) fn section(lines: &Lines<'_>, cur: &mut usize, heading: &str) -> String {
    let mut text = String::new();
    if !lines.get(*cur).is_some_and(|l| is_heading(l, heading)) {
        return text;
    }
    loop {
        *cur += 1;
        let Some(line) = lines.get(*cur) else {
            return text;
        };
        if line == " *" {
            text.push('\n');
        } else if let Some(body) = body_text(line) {
            text.push_str(body);
            text.push('\n');
        } else {
            return text;
        }
    }
}

/// Reads an optional `Attributes` section: one body line of space-separated mnemonics, then a
/// blank comment line (consumed), as the newest script requires.
fn attributes(
    lines: &Lines<'_>,
    cur: &mut usize,
    file: &str,
    helper: &str,
) -> Result<Vec<String>, ParseError> {
    if !lines.get(*cur).is_some_and(|l| is_heading(l, "Attributes")) {
        return Ok(Vec::new());
    }
    let bad = |line: usize, problem: String| {
        ParseError::new(
            file,
            line,
            ParseErrorKind::BadAttributes {
                helper: helper.to_string(),
                problem,
            },
        )
    };
    *cur += 1;
    let body = lines.get(*cur).and_then(body_text).ok_or_else(|| {
        bad(
            *cur + 1,
            "incomplete 'Attributes' section: expected one line of attribute names indented by \
             two tabs"
                .into(),
        )
    })?;
    let attrs: Vec<String> = body.split(' ').map(str::to_string).collect();
    if let Some(unknown) = attrs
        .iter()
        .find(|a| !KNOWN_ATTRIBUTES.contains(&a.as_str()))
    {
        return Err(bad(
            *cur + 1,
            format!(
                "unexpected attribute '{unknown}'; known attributes: {}",
                KNOWN_ATTRIBUTES.join(", ")
            ),
        ));
    }
    *cur += 1;
    if lines.get(*cur) != Some(" *") {
        return Err(bad(
            *cur + 1,
            "expected an empty comment line ' *' after the 'Attributes' section".into(),
        ));
    }
    *cur += 1;
    Ok(attrs)
}
