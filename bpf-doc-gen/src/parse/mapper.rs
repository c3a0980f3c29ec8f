//! The helper mapper macro, which gives each helper its ID.
//!
//! Linux 6.2 and later: `#define ___BPF_FUNC_MAPPER(FN, ctx...)` with `FN(name, id, ##ctx)`
//! entries. Before: `#define __BPF_FUNC_MAPPER(FN)` with `FN(name)` entries numbered by
//! position. As in the kernel script, the line after the `#define` (`FN(unspec...)`, ID 0) is
//! skipped and the list ends at the first line that is not an entry.

use super::error::{ParseError, ParseErrorKind};
use super::lines::Lines;
use crate::model::IdSource;

const EXPLICIT_START: &str = "#define ___BPF_FUNC_MAPPER(FN, ctx...)";
const POSITIONAL_START: &str = "#define __BPF_FUNC_MAPPER(FN)";

/// One mapper entry.
pub(crate) struct MapperEntry {
    /// Helper name with the `bpf_` prefix the script adds.
    pub name: String,
    pub id: u32,
    /// 0-based line.
    pub idx: usize,
}

/// The mapper, if the header has one.
pub(crate) struct Mapper {
    pub source: IdSource,
    pub entries: Vec<MapperEntry>,
}

impl Mapper {
    /// The macro's name, for messages.
    pub(crate) fn macro_name(&self) -> &'static str {
        match self.source {
            IdSource::ExplicitMapper => "___BPF_FUNC_MAPPER",
            _ => "__BPF_FUNC_MAPPER",
        }
    }
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// `\s*FN\((\w+)` at the start of `line`: the name and what follows it.
fn entry_name(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("FN(")?;
    let len = rest.find(|c| !is_word(c)).unwrap_or(rest.len());
    (len > 0).then(|| rest.split_at(len))
}

/// `\s*FN\((\w+), (\d+), ##ctx\)`: name and ID text.
fn explicit_entry(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = entry_name(line)?;
    let rest = rest.strip_prefix(", ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[digits..].starts_with(", ##ctx)").then_some(())?;
    (digits > 0).then(|| (name, &rest[..digits]))
}

/// `\s*FN\((\w+)\)`: the name.
fn positional_entry(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = entry_name(line)?;
    rest.starts_with(')').then_some((name, ""))
}

/// Finds and reads the mapper; `Ok(None)` when the header has none.
pub(crate) fn parse(lines: &Lines<'_>, file: &str) -> Result<Option<Mapper>, ParseError> {
    type EntryParser = fn(&str) -> Option<(&str, &str)>;
    let (source, start, entry): (IdSource, usize, EntryParser) =
        if let Some(i) = lines.find(EXPLICIT_START) {
            (IdSource::ExplicitMapper, i, explicit_entry)
        } else if let Some(i) = lines.find(POSITIONAL_START) {
            (IdSource::PositionalMapper, i, positional_entry)
        } else {
            return Ok(None);
        };
    let mut entries: Vec<MapperEntry> = Vec::new();
    let mut cur = start + 2;
    while let Some(line) = lines.get(cur) {
        let Some((short_name, id_text)) = entry(line) else {
            break;
        };
        let name = format!("bpf_{short_name}");
        let id = match source {
            IdSource::ExplicitMapper => id_text.parse::<u32>().map_err(|_| {
                ParseError::new(
                    file,
                    cur + 1,
                    ParseErrorKind::BadMapperEntry {
                        found: line.to_string(),
                    },
                )
            })?,
            // Position, counting the skipped FN(unspec) as 0.
            _ => entries.len() as u32 + 1,
        };
        if entries.iter().any(|e| e.name == name) {
            return Err(ParseError::new(
                file,
                cur + 1,
                ParseErrorKind::DuplicateMapperEntry { helper: name },
            ));
        }
        if let Some(first) = entries.iter().find(|e| e.id == id) {
            return Err(ParseError::new(
                file,
                cur + 1,
                ParseErrorKind::DuplicateId {
                    helper: name,
                    id,
                    first: first.name.clone(),
                },
            ));
        }
        entries.push(MapperEntry { name, id, idx: cur });
        cur += 1;
    }
    if lines.get(cur).is_none() {
        return Err(ParseError::new(
            file,
            lines.len(),
            ParseErrorKind::CutOff {
                block: "the helper mapper macro",
                expected: "the end of the macro",
            },
        ));
    }
    Ok(Some(Mapper { source, entries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_like_the_script_patterns() {
        assert_eq!(
            explicit_entry("\tFN(map_lookup_elem, 1, ##ctx)\t\t\\"),
            Some(("map_lookup_elem", "1"))
        );
        assert_eq!(explicit_entry("FN(x, 12, ##ctx)"), Some(("x", "12")));
        assert_eq!(explicit_entry("\tFN(x, , ##ctx)"), None);
        assert_eq!(explicit_entry("\tFN(x, 1,##ctx)"), None);
        assert_eq!(explicit_entry("\tFN(x)"), None);
        assert_eq!(
            positional_entry("\tFN(map_lookup_elem),\t\\"),
            Some(("map_lookup_elem", ""))
        );
        assert_eq!(positional_entry("\tFN(x, 1, ##ctx)"), None);
        assert_eq!(positional_entry("\t/* */"), None);
        assert_eq!(positional_entry("\tFN()"), None);
    }
}
