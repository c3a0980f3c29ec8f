//! Parsing `include/uapi/linux/bpf.h` into a [`Model`].
//!
//! Reads the helper documentation block the way the kernel's `scripts/bpf_doc.py` does (same
//! text in `desc`/`ret`, same prototype splitting), for every kernel generation: IDs come from
//! `___BPF_FUNC_MAPPER` (explicit), `__BPF_FUNC_MAPPER` (position) or, without a mapper, from
//! the order of the descriptions. Where the script would silently stop or crash, this parser
//! returns a [`ParseError`] naming the line.

mod error;
mod helpers;
mod lines;
mod mapper;
mod proto;
mod syscalls;

use std::collections::{HashMap, HashSet};
use std::path::Path;

pub use error::{ParseError, ParseErrorKind};
pub use helpers::KNOWN_ATTRIBUTES;

use crate::model::{Helper, IdSource, Model};
use helpers::DocEntry;
use lines::Lines;
use mapper::Mapper;

/// Reads and parses a `bpf.h` file. Errors name `path` as the file.
pub fn parse_file(path: &Path) -> Result<Model, ParseError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| ParseError::new(&name, 0, ParseErrorKind::Io(e.to_string())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        ParseError::new(&name, line, ParseErrorKind::NotUtf8)
    })?;
    parse_str(&text, &name)
}

/// Parses the text of a `bpf.h`; `file_name` is used in error messages only.
pub fn parse_str(text: &str, file_name: &str) -> Result<Model, ParseError> {
    let text = lines::normalize_newlines(text);
    let lines = Lines::new(&text);
    // The syscall block comes first in the file; a file cut off inside it is reported as such.
    let syscalls = syscalls::parse_doc(&lines, file_name)?;
    let entries = helpers::parse(&lines, file_name)?;
    let mapper = mapper::parse(&lines, file_name)?;
    let (id_source, ids) = match &mapper {
        Some(m) => (m.source, ids_from_mapper(&entries, m, file_name)?),
        None => (IdSource::DescriptionOrder, ids_from_order(&entries)),
    };
    let helpers = entries
        .into_iter()
        .zip(ids)
        .map(|(e, id)| Helper {
            id,
            name: e.split.name,
            proto: e.proto,
            ret_type: e.split.ret_type,
            ret_star: e.split.ret_star,
            args: e.split.args,
            desc: e.desc,
            ret: e.ret,
            attrs: e.attrs,
            line: e.idx + 1,
        })
        .collect();
    Ok(Model {
        helpers,
        syscalls,
        syscall_enum: syscalls::parse_enum(&lines),
        id_source,
    })
}

/// IDs by description order: the first helper is 1; every description of a helper gets the
/// ID of its first one (as the old scripts numbered only the first).
fn ids_from_order(entries: &[DocEntry]) -> Vec<u32> {
    let mut first_ids: HashMap<&str, u32> = HashMap::new();
    entries
        .iter()
        .map(|e| {
            let next = first_ids.len() as u32 + 1;
            *first_ids.entry(e.split.name.as_str()).or_insert(next)
        })
        .collect()
}

/// IDs from the mapper, with the checks of the script's `validate_helpers` and
/// `elem_number_check`, in the same order (duplicate IDs are already refused by the mapper
/// parser, at the mapper line).
fn ids_from_mapper(
    entries: &[DocEntry],
    mapper: &Mapper,
    file: &str,
) -> Result<Vec<u32>, ParseError> {
    let by_name: HashMap<&str, (usize, &mapper::MapperEntry)> = mapper
        .entries
        .iter()
        .enumerate()
        .map(|(pos, e)| (e.name.as_str(), (pos, e)))
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut last = "";
    let mut ids = Vec::with_capacity(entries.len());
    for e in entries {
        let name = e.split.name.as_str();
        let err = |kind| ParseError::new(file, e.idx + 1, kind);
        let Some(&(pos, m)) = by_name.get(name) else {
            return Err(err(ParseErrorKind::NotInMapper {
                helper: name.to_string(),
                mapper: mapper.macro_name(),
            }));
        };
        if seen.contains(name) {
            if last != name {
                return Err(err(ParseErrorKind::DescriptionsNotGrouped {
                    helper: name.to_string(),
                }));
            }
            ids.push(m.id);
            continue;
        }
        if pos != seen.len() {
            return Err(err(ParseErrorKind::OrderMismatch {
                helper: name.to_string(),
                id: m.id,
                desc_pos: seen.len() + 1,
                mapper_pos: pos + 1,
            }));
        }
        seen.insert(name);
        last = name;
        ids.push(m.id);
    }
    if let Some(missing) = mapper.entries.get(seen.len()) {
        return Err(ParseError::new(
            file,
            missing.idx + 1,
            ParseErrorKind::NotDocumented {
                helper: missing.name.clone(),
            },
        ));
    }
    Ok(ids)
}
