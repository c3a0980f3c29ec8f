//! The helper mapper macro, which gives each helper its ID.
//!
//! Linux 6.2 and later: `#define ___BPF_FUNC_MAPPER(FN, ctx...)` with `FN(name, id, ##ctx)`
//! entries. Before: `#define __BPF_FUNC_MAPPER(FN)` with `FN(name)` entries numbered by
//! position. As in the kernel script, the line after the `#define` (`FN(unspec...)`, ID 0) is
//! skipped and the list ends at the first line that is not an entry.

use std::sync::OnceLock;

use regex::Regex;

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

fn explicit_entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*FN\(([0-9A-Za-z_]+), ([0-9]+), ##ctx\)").expect("constant pattern")
    })
}

fn positional_entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*FN\(([0-9A-Za-z_]+)\)").expect("constant pattern"))
}

/// Finds and reads the mapper; `Ok(None)` when the header has none.
pub(crate) fn parse(lines: &Lines<'_>, file: &str) -> Result<Option<Mapper>, ParseError> {
    let (source, start, re) = if let Some(i) = lines.find(EXPLICIT_START) {
        (IdSource::ExplicitMapper, i, explicit_entry())
    } else if let Some(i) = lines.find(POSITIONAL_START) {
        (IdSource::PositionalMapper, i, positional_entry())
    } else {
        return Ok(None);
    };
    let mut entries: Vec<MapperEntry> = Vec::new();
    let mut cur = start + 2;
    while let Some(line) = lines.get(cur) {
        let Some(caps) = re.captures(line) else {
            break;
        };
        let name = format!("bpf_{}", &caps[1]);
        let id = match source {
            IdSource::ExplicitMapper => caps[2].parse::<u32>().map_err(|_| {
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
