//! Reads the Windows fact tables of `shared/platforms/` (see its README) and helper lists in
//! the same columns.

use super::builder::Builder;
use super::header_read::{parse_number, split_sections};
use super::{is_ident, normalize_type};
use super::{Alias, ProgramType, SourceLines, Table, TableError, TableHelper};
use std::path::Path;

/// Helper rows: `name id return_type params scope sections`.
pub const HELPERS_FILE: &str = "windows.tsv";
/// Alias rows: `alias name`.
pub const ALIASES_FILE: &str = "windows-aliases.tsv";
/// Program-type rows: `program_type prog_type_id prog_type_enum sections`.
pub const PROGRAM_TYPES_FILE: &str = "windows-program-types.tsv";

const HELPER_COLUMNS: [&str; 6] = ["name", "id", "return_type", "params", "scope", "sections"];
const ALIAS_COLUMNS: [&str; 2] = ["alias", "name"];
const PROGRAM_TYPE_COLUMNS: [&str; 4] =
    ["program_type", "prog_type_id", "prog_type_enum", "sections"];

/// How helper rows find their program type.
#[derive(PartialEq)]
enum Scopes {
    /// The program types are declared already (`windows-program-types.tsv`); a row's sections
    /// must match its program type's.
    Declared,
    /// A row's scope declares its program type on first use, with the row's sections.
    FromRows,
}

impl Table {
    /// Reads `windows-program-types.tsv`, `windows.tsv` and `windows-aliases.tsv` from `dir`
    /// (normally `shared/platforms/`, beside the repository). Every helper's scope must be a
    /// listed program type with the same sections, and every alias must name a helper.
    pub fn from_platform_dir(dir: &Path) -> Result<Table, TableError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (text, path.display().to_string()))
                .map_err(|source| TableError::Io { path, source })
        };
        let (program_types, program_types_file) = read(PROGRAM_TYPES_FILE)?;
        let (helpers, helpers_file) = read(HELPERS_FILE)?;
        let (aliases, aliases_file) = read(ALIASES_FILE)?;

        let mut builder = Builder::new(&program_types_file);
        for (line, fields) in rows(&builder, &program_types, &PROGRAM_TYPE_COLUMNS)? {
            let id = parse_number(fields[1]).ok_or_else(|| {
                builder.error(
                    line,
                    format!(
                        "expected a program type number in column `prog_type_id`, found `{}`",
                        fields[1]
                    ),
                )
            })?;
            let program_type = ProgramType {
                name: fields[0].to_string(),
                id,
                enum_name: fields[2].to_string(),
                sections: split_sections(fields[3]),
            };
            if !is_ident(&program_type.enum_name) {
                return Err(builder.error(
                    line,
                    format!(
                        "expected an enum name in column `prog_type_enum`, found `{}`",
                        fields[2]
                    ),
                ));
            }
            builder.add_program_type(program_type, line)?;
        }
        builder.set_file(&helpers_file);
        let mut builder = add_helper_rows(builder, &helpers, Scopes::Declared)?;
        builder.set_file(&aliases_file);
        for (line, fields) in rows(&builder, &aliases, &ALIAS_COLUMNS)? {
            let alias = Alias {
                alias: fields[0].to_string(),
                name: fields[1].to_string(),
            };
            builder.add_alias(alias, line)?;
        }
        Ok(builder.finish().0)
    }

    /// Reads helper rows in the columns of `windows.tsv` (`name id return_type params scope
    /// sections`, tab-separated, header row optional), as given to `helper-bind --helpers`.
    /// A scope other than `general` declares a program type with that row's sections; its
    /// numeric ID and enum name are unknown (0 and empty).
    pub fn parse_tsv(text: &str, file: &str) -> Result<Table, TableError> {
        Self::parse_tsv_located(text, file).map(|(table, _)| table)
    }

    /// [`Table::parse_tsv`], also returning the line of every entry.
    pub fn parse_tsv_located(text: &str, file: &str) -> Result<(Table, SourceLines), TableError> {
        Ok(add_helper_rows(Builder::new(file), text, Scopes::FromRows)?.finish())
    }
}

fn add_helper_rows(
    mut builder: Builder,
    text: &str,
    scopes: Scopes,
) -> Result<Builder, TableError> {
    for (line, fields) in rows(&builder, text, &HELPER_COLUMNS)? {
        let name = fields[0];
        let id = parse_number(fields[1]).ok_or_else(|| {
            builder.error(line, format!("expected the helper ID of `{name}` in column `id` (a number from 0 to 4294967295), found `{}`", fields[1]))
        })?;
        let (scope, sections) = (fields[4], fields[5]);
        let program_type = if scope == "general" {
            if sections != "-" {
                return Err(builder.error(line, format!("general helper `{name}` must have `-` in column `sections`, found `{sections}`")));
            }
            None
        } else {
            let sections = split_sections(sections);
            match builder.program_type(scope) {
                Some(known) if !super::same_sections(&known.sections, &sections) => {
                    return Err(builder.error(
                        line,
                        format!(
                            "helper `{name}`: the sections `{}` differ from those of program type `{scope}`: `{}`",
                            sections.join(","),
                            known.sections.join(",")
                        ),
                    ));
                }
                Some(_) => {}
                None if scopes == Scopes::Declared => {
                    return Err(builder.error(line, format!("helper `{name}` has scope `{scope}`, which is neither `general` nor a program type of {PROGRAM_TYPES_FILE}")));
                }
                None => {
                    let program_type = ProgramType {
                        name: scope.to_string(),
                        id: 0,
                        enum_name: String::new(),
                        sections,
                    };
                    builder.add_program_type(program_type, line)?;
                }
            }
            Some(scope.to_string())
        };
        let helper = TableHelper {
            name: name.to_string(),
            id,
            return_type: normalize_type(fields[2]),
            args: normalize_type(fields[3]),
            program_type,
        };
        builder.add_helper(helper, line)?;
    }
    Ok(builder)
}

/// The data rows of a TSV with the given columns: 1-based line and fields. A first row equal
/// to the column names is a header; empty lines and `#` comments are skipped.
fn rows<'a>(
    builder: &Builder,
    text: &'a str,
    columns: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, TableError> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if out.is_empty() && fields == columns {
            continue;
        }
        if fields.len() != columns.len() {
            return Err(builder.error(
                number,
                format!(
                    "expected {} tab-separated columns ({}), found {}",
                    columns.len(),
                    columns.join(", "),
                    fields.len()
                ),
            ));
        }
        out.push((number, fields));
    }
    Ok(out)
}
