//! `list`: every call site of an object and what it resolves to on each platform.

use crate::classify::{classify, CallTarget};
use crate::elf::ElfView;
use crate::error::{BindProblem, ElfError};
use crate::plan::{HelperTable, Outcome, Resolver};

/// One call site with its resolution per platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// Section name.
    pub section: String,
    /// Instruction index in the section.
    pub insn: usize,
    /// `extern`, `numeric`, `local`, `kfunc` or `other`.
    pub kind: &'static str,
    /// The called symbol's name, when the call is relocated.
    pub name: Option<String>,
    /// The immediate of a numeric call.
    pub id: Option<u32>,
    /// `(platform name, outcome)` per requested platform.
    pub platforms: Vec<(String, Outcome)>,
}

/// Lists every call of the object in `data`, resolved on each of `tables`.
pub fn list(data: &[u8], tables: &[(&str, &dyn HelperTable)]) -> Result<Vec<ListRow>, ElfError> {
    let mut rows = Vec::new();
    for_each_row(data, tables, |row| rows.push(row))?;
    Ok(rows)
}

/// Calls `f` with each call site's row, in section and instruction order, without keeping
/// them (objects can have 10^6 calls). Every error is reported before the first row.
pub fn for_each_row(
    data: &[u8],
    tables: &[(&str, &dyn HelperTable)],
    mut f: impl FnMut(ListRow),
) -> Result<(), ElfError> {
    let view = ElfView::parse(data)?;
    let sites = classify(&view)?;
    let mut resolvers: Vec<Resolver> = tables
        .iter()
        .map(|_| Resolver::new(&view, &sites))
        .collect();
    for site in &sites {
        let (kind, name, id) = match &site.target {
            CallTarget::Numeric { id } => ("numeric", None, Some(*id)),
            CallTarget::Local { symbol } => (
                "local",
                symbol.map(|s| local_name(&view, s, site.raw.imm)),
                None,
            ),
            CallTarget::Kfunc { name, .. } => ("kfunc", Some(name.to_string()), None),
            CallTarget::Extern { name, .. } => ("extern", Some(name.to_string()), None),
            CallTarget::Other => ("other", None, Some(site.raw.imm as u32)),
        };
        let platforms = tables
            .iter()
            .zip(resolvers.iter_mut())
            .map(|((pname, table), resolver)| (pname.to_string(), resolver.resolve(site, *table)))
            .collect();
        f(ListRow {
            section: view.section_name(site.section).into_owned(),
            insn: site.insn,
            kind,
            name,
            id,
            platforms,
        });
    }
    Ok(())
}

/// A called symbol's name. A section symbol (static functions) is named after the function at
/// its target, `imm + 1` instructions into the section, or after the section.
fn local_name(view: &ElfView, symbol: usize, imm: i32) -> String {
    let s = &view.symbols[symbol];
    if !s.name.is_empty() {
        return s.name().into_owned();
    }
    // Wrapping: st_value comes from the file and may be anything.
    let target = s.value.wrapping_add_signed((i64::from(imm) + 1) * 8);
    view.symbols
        .iter()
        .find(|f| f.kind() == 2 && f.shndx == s.shndx && f.value == target)
        .map(|f| f.name().into_owned())
        .unwrap_or_else(|| view.section_name(s.shndx as usize).into_owned())
}

/// Short human text for an outcome.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Bind { id, canonical } => format!("{id} ({canonical})"),
        Outcome::Numeric { id, name: Some(n) } => format!("{id} ({n})"),
        Outcome::Numeric { id, name: None } => format!("{id} (no such helper here)"),
        Outcome::Local => "bpf-to-bpf call, left alone".into(),
        Outcome::Kfunc => "kfunc, left alone".into(),
        Outcome::Other => "left alone".into(),
        Outcome::Problem(BindProblem::Unresolved {
            suggestion: Some(s),
            ..
        }) => {
            format!("unresolved (did you mean {s}?)")
        }
        Outcome::Problem(BindProblem::Unresolved { .. }) => "unresolved".into(),
        Outcome::Problem(BindProblem::WrongProgramType { needs, .. }) => {
            format!("only for program type {}", needs.join(", "))
        }
        Outcome::Problem(BindProblem::UnknownArity { reason, .. }) => {
            format!("argument count unknown: {reason}")
        }
        Outcome::Problem(BindProblem::Subprogram { callers, .. }) if callers.is_empty() => {
            "program-type helper in a subprogram no program calls".into()
        }
        Outcome::Problem(BindProblem::Subprogram { callers, .. }) => {
            format!("callers disagree: {}", callers.join(", "))
        }
    }
}

/// Machine-readable status word for an outcome.
pub fn status(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Bind { .. } => "binds",
        Outcome::Numeric { name: Some(_), .. } => "numeric",
        Outcome::Numeric { name: None, .. } => "unknown-id",
        Outcome::Local => "local",
        Outcome::Kfunc => "kfunc",
        Outcome::Other => "other",
        Outcome::Problem(BindProblem::Unresolved { .. }) => "unresolved",
        Outcome::Problem(BindProblem::WrongProgramType { .. }) => "wrong-program-type",
        Outcome::Problem(BindProblem::UnknownArity { .. }) => "unknown-arity",
        Outcome::Problem(BindProblem::Subprogram { .. }) => "subprogram-program-type",
    }
}

/// Rows as JSON: an array of [`row_json`] objects.
pub fn to_json(rows: &[ListRow]) -> serde_json::Value {
    serde_json::Value::Array(rows.iter().map(row_json).collect())
}

/// One row as JSON: `section`, `insn`, `kind`, `name`, `id` and
/// `platforms: {name: {status, id, helper, detail}}`.
pub fn row_json(r: &ListRow) -> serde_json::Value {
    use serde_json::{json, Map};
    let mut platforms = Map::new();
    for (p, o) in &r.platforms {
        let (id, helper) = match o {
            Outcome::Bind { id, canonical } => (Some(*id), Some(canonical.to_string())),
            Outcome::Numeric { id, name } => (Some(*id), name.clone()),
            _ => (None, None),
        };
        platforms.insert(
            p.clone(),
            json!({ "status": status(o), "id": id, "helper": helper, "detail": describe(o) }),
        );
    }
    json!({
        "section": r.section, "insn": r.insn, "kind": r.kind,
        "name": r.name, "id": r.id, "platforms": platforms,
    })
}

/// Rows as an aligned text table.
pub fn to_text(rows: &[ListRow]) -> String {
    let mut header = vec!["SECTION".to_string(), "INSN".into(), "CALL".into()];
    if let Some(r) = rows.first() {
        header.extend(r.platforms.iter().map(|(p, _)| p.to_uppercase()));
    }
    let mut table = vec![header];
    for r in rows {
        let call = match (&r.name, r.id) {
            (Some(n), _) => format!("{n} [{}]", r.kind),
            (None, Some(id)) => format!("call {id} [{}]", r.kind),
            (None, None) => format!("[{}]", r.kind),
        };
        let mut line = vec![r.section.clone(), r.insn.to_string(), call];
        line.extend(r.platforms.iter().map(|(_, o)| describe(o)));
        table.push(line);
    }
    let cols = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            table
                .iter()
                .filter_map(|l| l.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &table {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c + 1 == line.len() {
                    s.clone()
                } else {
                    format!("{s:<w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{Endian, R_BPF_64_32};
    use crate::insn::{Insn, OP_CALL};
    use crate::synth::ObjectBuilder;

    #[test]
    fn hostile_section_symbol_value_does_not_overflow() {
        // Regression (found by H): st_value near u64::MAX overflowed the callee computation.
        let e = Endian::Little;
        let mut b = ObjectBuilder::new(e);
        let call = Insn {
            code: OP_CALL,
            dst: 0,
            src: 1,
            off: 0,
            imm: 1,
        }
        .encode(e);
        let text = b.code_section(".text", &[call, [0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let section_symbol = b.symbol("", 0x03, text as u16, u64::MAX, 0);
        b.reloc(text, 0, section_symbol, R_BPF_64_32);
        let obj = b.build();
        let rows = list(&obj, &[]).unwrap();
        assert_eq!(rows[0].kind, "local");
        assert_eq!(rows[0].name.as_deref(), Some(".text"));
    }
}
