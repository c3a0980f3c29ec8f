//! Collects a table entry by entry and checks the [`Table`] invariants as it goes, so that every
//! reader reports a conflict at the line that causes it.

use super::{is_ident, Alias, ProgramType, SourceLines, Table, TableError, TableHelper};
use std::collections::HashMap;

/// A table under construction, with the line of every entry.
pub(crate) struct Builder {
    file: String,
    helpers: Vec<(TableHelper, usize)>,
    program_types: Vec<(ProgramType, usize)>,
    aliases: Vec<(Alias, usize)>,
    /// (scope, name) → line.
    names: HashMap<(Option<String>, String), usize>,
    /// (scope, id) → (name, line).
    ids: HashMap<(Option<String>, u32), (String, usize)>,
    /// section prefix → (program type, line).
    sections: HashMap<String, (String, usize)>,
}

impl Builder {
    /// An empty table read from `file` (the name used in messages).
    pub(crate) fn new(file: &str) -> Self {
        Builder {
            file: file.to_string(),
            helpers: Vec::new(),
            program_types: Vec::new(),
            aliases: Vec::new(),
            names: HashMap::new(),
            ids: HashMap::new(),
            sections: HashMap::new(),
        }
    }

    /// A builder holding `table`'s entries (as line 0), to which entries read from `file` are
    /// added with the usual checks.
    pub(crate) fn seeded(table: &Table, file: &str) -> Self {
        let mut builder = Builder::new(file);
        // `table` already satisfies the invariants, so none of these can fail.
        for p in &table.program_types {
            let _ = builder.add_program_type(p.clone(), 0);
        }
        for h in &table.helpers {
            let _ = builder.add_helper(h.clone(), 0);
        }
        for a in &table.aliases {
            let _ = builder.add_alias(a.clone(), 0);
        }
        builder
    }

    /// True when the exact helper (same scope, name, ID and prototype) is present.
    pub(crate) fn has_same_helper(&self, helper: &TableHelper) -> bool {
        self.helpers.iter().any(|(h, _)| h == helper)
    }

    /// True when the exact alias is present.
    pub(crate) fn has_same_alias(&self, alias: &Alias) -> bool {
        self.aliases.iter().any(|(a, _)| a == alias)
    }

    /// Names a different file in later messages (tables read from several files).
    pub(crate) fn set_file(&mut self, file: &str) {
        self.file = file.to_string();
    }

    /// An error at `line` of this file.
    pub(crate) fn error(&self, line: usize, message: impl Into<String>) -> TableError {
        TableError::invalid(&self.file, line, message)
    }

    /// The program type called `name`, if added.
    pub(crate) fn program_type(&self, name: &str) -> Option<&ProgramType> {
        self.program_types
            .iter()
            .map(|(p, _)| p)
            .find(|p| p.name == name)
    }

    /// Adds a program type; its name and section prefixes must be new.
    pub(crate) fn add_program_type(
        &mut self,
        program_type: ProgramType,
        line: usize,
    ) -> Result<(), TableError> {
        if !is_ident(&program_type.name) {
            return Err(self.error(
                line,
                format!(
                    "expected a program-type name (a C identifier), found `{}`",
                    program_type.name
                ),
            ));
        }
        if let Some((_, first)) = self
            .program_types
            .iter()
            .find(|(p, _)| p.name == program_type.name)
        {
            return Err(self.error(
                line,
                format!(
                    "program type `{}` is already declared{}; declare each program type once",
                    program_type.name,
                    at(*first)
                ),
            ));
        }
        for section in &program_type.sections {
            // Written back inside a C string: no quote, backslash or control character.
            if section.is_empty()
                || section.contains(['"', ',', '\\'])
                || section.contains(char::is_whitespace)
                || section.contains(char::is_control)
            {
                return Err(self.error(
                    line,
                    format!("expected section prefixes without spaces, quotes, backslashes, control characters or empty entries, found `{section:?}`"),
                ));
            }
            if let Some((other, first)) = self.sections.get(section) {
                return Err(self.error(
                    line,
                    format!(
                        "section prefix `{section}` of program type `{}` is already registered by `{other}`{}",
                        program_type.name,
                        at(*first)
                    ),
                ));
            }
            self.sections
                .insert(section.clone(), (program_type.name.clone(), line));
        }
        self.program_types.push((program_type, line));
        Ok(())
    }

    /// Adds a helper; its program type must exist and its name and ID must be new in its scope.
    pub(crate) fn add_helper(
        &mut self,
        helper: TableHelper,
        line: usize,
    ) -> Result<(), TableError> {
        if !is_ident(&helper.name) {
            return Err(self.error(
                line,
                format!(
                    "expected a helper name (a C identifier), found `{}`",
                    helper.name
                ),
            ));
        }
        if helper.return_type.is_empty() {
            return Err(self.error(
                line,
                format!("helper `{}` has an empty return type", helper.name),
            ));
        }
        // A return type is identifiers and pointer stars (`void *`, `__bpf_fastcall __u32`,
        // `struct bpf_sock *`): anything else would not survive as a BPF_HELPER argument.
        let c_type_chars = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '*';
        if !helper.return_type.chars().all(c_type_chars)
            || !helper.return_type.split([' ', '*']).any(is_ident)
        {
            return Err(self.error(
                line,
                format!(
                    "expected the return type of `{}` as C identifiers and `*`, like `void *`, found `{}`",
                    helper.name, helper.return_type
                ),
            ));
        }
        let inner = helper
            .args
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'));
        // Parameters never nest parentheses in these tables (function-pointer parameters are
        // spelled `void *`), so one pair around the whole list is all a line may have; inside
        // it only what C parameter declarations use (a quote or a comment opener would change
        // how the header reads back).
        let param_chars =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '*' | ',' | '.');
        if !inner.is_some_and(|a| a.chars().all(param_chars)) {
            return Err(self.error(
                line,
                format!(
                    "expected the parameter list of `{}` in parentheses, like `(void *map, const void *key)`, found `{}`",
                    helper.name, helper.args
                ),
            ));
        }
        if let Some(scope) = &helper.program_type {
            if self.program_type(scope).is_none() {
                return Err(self.error(
                    line,
                    format!(
                        "helper `{}` belongs to program type `{scope}`, which is not declared",
                        helper.name
                    ),
                ));
            }
        }
        let scope_text = match &helper.program_type {
            Some(p) => format!("program type `{p}`"),
            None => "the general helpers".to_string(),
        };
        let name_key = (helper.program_type.clone(), helper.name.clone());
        if let Some(first) = self.names.get(&name_key) {
            return Err(self.error(
                line,
                format!(
                    "helper `{}` is already declared in {scope_text}{}",
                    helper.name,
                    at(*first)
                ),
            ));
        }
        let id_key = (helper.program_type.clone(), helper.id);
        if let Some((other, first)) = self.ids.get(&id_key) {
            return Err(self.error(
                line,
                format!(
                    "ID {} of `{}` is already used by `{other}`{} in {scope_text}",
                    helper.id,
                    helper.name,
                    at(*first)
                ),
            ));
        }
        self.names.insert(name_key, line);
        self.ids.insert(id_key, (helper.name.clone(), line));
        self.helpers.push((helper, line));
        Ok(())
    }

    /// True when some helper (in any scope) is called `name`.
    pub(crate) fn has_helper(&self, name: &str) -> bool {
        self.helpers.iter().any(|(h, _)| h.name == name)
    }

    /// Adds an alias; it must name an existing helper and not be a helper or alias itself.
    pub(crate) fn add_alias(&mut self, alias: Alias, line: usize) -> Result<(), TableError> {
        if !is_ident(&alias.alias) || !is_ident(&alias.name) {
            return Err(self.error(
                line,
                format!(
                    "expected an alias and a helper name (C identifiers), found `{}` and `{}`",
                    alias.alias, alias.name
                ),
            ));
        }
        if !self.has_helper(&alias.name) {
            return Err(self.error(
                line,
                format!(
                    "alias `{}` stands for `{}`, which is no helper of this table",
                    alias.alias, alias.name
                ),
            ));
        }
        if self.has_helper(&alias.alias) {
            return Err(self.error(
                line,
                format!("alias `{}` is already the name of a helper", alias.alias),
            ));
        }
        if let Some((_, first)) = self.aliases.iter().find(|(a, _)| a.alias == alias.alias) {
            return Err(self.error(
                line,
                format!("alias `{}` is already declared{}", alias.alias, at(*first)),
            ));
        }
        self.aliases.push((alias, line));
        Ok(())
    }

    /// The finished table in header order (general helpers, then each program type's), with
    /// the line of every entry.
    pub(crate) fn finish(self) -> (Table, SourceLines) {
        let order: HashMap<&str, usize> = self
            .program_types
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.name.as_str(), i + 1))
            .collect();
        let mut helpers = self.helpers;
        // Stable: keeps the source order within each scope.
        helpers.sort_by_key(|(h, _)| h.program_type.as_deref().map_or(0, |p| order[p]));
        let (helpers, helper_lines) = helpers.into_iter().unzip();
        let (program_types, program_type_lines) = self.program_types.into_iter().unzip();
        let (aliases, alias_lines) = self.aliases.into_iter().unzip();
        (
            Table {
                helpers,
                program_types,
                aliases,
            },
            SourceLines {
                file: self.file,
                helpers: helper_lines,
                program_types: program_type_lines,
                aliases: alias_lines,
            },
        )
    }
}

/// ` at line N`, or ` by the table these entries are added to` for entries seeded from an
/// existing table (line 0).
fn at(line: usize) -> String {
    if line == 0 {
        " by the table these entries are added to".to_string()
    } else {
        format!(" at line {line}")
    }
}
