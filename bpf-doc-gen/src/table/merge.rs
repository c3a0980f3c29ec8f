//! Adding one table to another (`helper-bind --helpers FILE` on top of a built-in table).

use super::builder::Builder;
use super::{SourceLines, Table, TableError};

impl Table {
    /// Adds `other`'s program types, helpers and aliases, read from `lines.file`. Entries
    /// identical to existing ones are skipped; anything that contradicts this table (same
    /// name or ID with a different meaning, a program type with other sections, a section
    /// prefix registered twice) is an error at `file:line` of `other`. A program type of
    /// `other` whose numeric ID and enum name are unknown (0 and empty, as from a TSV) matches
    /// an existing one by name and sections. On error `self` is unchanged.
    pub fn merge(&mut self, other: &Table, lines: &SourceLines) -> Result<(), TableError> {
        let mut builder = Builder::seeded(self, &lines.file);
        let line_of = |list: &[usize], i: usize| list.get(i).copied().unwrap_or(0);
        for (i, program_type) in other.program_types.iter().enumerate() {
            let line = line_of(&lines.program_types, i);
            match builder.program_type(&program_type.name) {
                None => builder.add_program_type(program_type.clone(), line)?,
                Some(known) => {
                    let unknown_numbers = program_type.id == 0 && program_type.enum_name.is_empty();
                    let same_numbers =
                        known.id == program_type.id && known.enum_name == program_type.enum_name;
                    if !super::same_sections(&known.sections, &program_type.sections)
                        || !(unknown_numbers || same_numbers)
                    {
                        return Err(builder.error(
                            line,
                            format!(
                                "program type `{}` ({}, {}, sections `{}`) differs from the one already known ({}, {}, sections `{}`)",
                                program_type.name,
                                program_type.id,
                                program_type.enum_name,
                                program_type.sections.join(","),
                                known.id,
                                known.enum_name,
                                known.sections.join(",")
                            ),
                        ));
                    }
                }
            }
        }
        for (i, helper) in other.helpers.iter().enumerate() {
            if !builder.has_same_helper(helper) {
                builder.add_helper(helper.clone(), line_of(&lines.helpers, i))?;
            }
        }
        for (i, alias) in other.aliases.iter().enumerate() {
            if !builder.has_same_alias(alias) {
                builder.add_alias(alias.clone(), line_of(&lines.aliases, i))?;
            }
        }
        *self = builder.finish().0;
        Ok(())
    }
}
