//! The check report for people (an aligned table) and for programs (JSON, schema in the
//! [module docs](super)).

use serde_json::{json, Value};

use super::{CallCheck, CheckReport, NoteLevel, Verdict};

/// Human text for a verdict.
pub fn detail(v: &Verdict) -> String {
    match v {
        Verdict::Resolves { id, helper } => format!("{helper} = {id}"),
        Verdict::PrintkArity { arity, id, helper } => {
            format!("{arity} arguments: {helper} = {id}")
        }
        Verdict::PrototypeDiffers {
            id,
            helper,
            differences,
        } => {
            let diffs: Vec<String> = differences
                .iter()
                .map(|d| format!("{} {d}", d.severity.name()))
                .collect();
            format!("{helper} = {id}; {}", diffs.join("; "))
        }
        Verdict::Missing {
            suggestion: Some(s),
        } => format!("no such helper (did you mean {s}?)"),
        Verdict::Missing { suggestion: None } => "no such helper".into(),
        Verdict::WrongProgramType { needs } => {
            format!("only for program type {}", needs.join(", "))
        }
        Verdict::UnknownArity { reason } => format!("argument count unknown: {reason}"),
        Verdict::Subprogram { function, callers } if callers.is_empty() => {
            format!("program-type helper in subprogram {function}, which no program calls")
        }
        Verdict::Subprogram { function, callers } => {
            format!("in subprogram {function}: {}", callers.join(", "))
        }
        Verdict::UnknownId => "the source platform has no helper with this ID".into(),
        Verdict::Kfunc { supported: true } => "kfunc, resolved by libbpf at load time".into(),
        Verdict::Kfunc { supported: false } => "kfunc: Linux only".into(),
        Verdict::Other { supported: true } => "left alone".into(),
        Verdict::Other { supported: false } => "call form the target does not run".into(),
        Verdict::Local => "bpf-to-bpf call".into(),
    }
}

fn call_label(c: &CallCheck) -> String {
    match (&c.name, c.imm) {
        (Some(n), Some(id)) => format!("call {id} ({n})"),
        (Some(n), None) => n.clone(),
        (None, Some(id)) => format!("call {id}"),
        (None, None) => format!("[{}]", c.kind.name()),
    }
}

/// The report as an aligned table, then the notes, then one summary line.
pub fn to_text(report: &CheckReport, file: &str) -> String {
    let mut rows = vec![[
        "SECTION".to_string(),
        "INSN".into(),
        "CALL".into(),
        "VERDICT".into(),
        "DETAIL".into(),
    ]];
    for c in &report.calls {
        let mut verdict = c.verdict.status().to_string();
        if c.verdict.fails() {
            verdict.push_str(" FAIL");
        }
        rows.push([
            c.section.clone(),
            c.insn.to_string(),
            call_label(c),
            verdict,
            detail(&c.verdict),
        ]);
    }
    let mut widths = [0usize; 5];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    if !report.calls.is_empty() {
        for r in &rows {
            let line = format!(
                "{:<w0$}  {:>w1$}  {:<w2$}  {:<w3$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3]
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    for n in &report.notes {
        out.push_str(&format!("{n}\n"));
    }
    let failing = report.failing().count();
    let platform = report.platform;
    if report.binds_cleanly() {
        out.push_str(&format!(
            "{file}: binds cleanly on {platform} ({} call site(s))\n",
            report.calls.len()
        ));
    } else {
        let errors = report
            .notes
            .iter()
            .filter(|n| n.level == NoteLevel::Error)
            .count();
        out.push_str(&format!(
            "{file}: does not bind cleanly on {platform}: {failing} of {} call site(s) fail, {errors} error note(s)\n",
            report.calls.len()
        ));
    }
    out
}

/// The report as JSON.
pub fn to_json(report: &CheckReport, file: &str) -> Value {
    let calls: Vec<Value> = report
        .calls
        .iter()
        .map(|c| {
            let (id, helper) = match c.verdict.target() {
                Some((id, h)) => (Some(id), Some(h.to_string())),
                None => (None, None),
            };
            let needs = match &c.verdict {
                Verdict::WrongProgramType { needs } => needs.clone(),
                _ => Vec::new(),
            };
            let arity = match &c.verdict {
                Verdict::PrintkArity { arity, .. } => Some(*arity),
                _ => None,
            };
            let differences: Vec<Value> = match &c.verdict {
                Verdict::PrototypeDiffers { differences, .. } => differences
                    .iter()
                    .map(|d| {
                        json!({ "place": d.place, "from": d.from, "to": d.to,
                                "what": d.what, "severity": d.severity.name() })
                    })
                    .collect(),
                _ => Vec::new(),
            };
            json!({
                "section": c.section, "insn": c.insn, "call": c.kind.name(),
                "name": c.name, "imm": c.imm, "verdict": c.verdict.status(),
                "ok": !c.verdict.fails(), "id": id, "helper": helper, "needs": needs,
                "arity": arity, "differences": differences, "detail": detail(&c.verdict),
            })
        })
        .collect();
    let notes: Vec<Value> = report
        .notes
        .iter()
        .map(|n| {
            json!({ "severity": n.level.name(), "kind": n.kind,
                    "section": n.section, "message": n.message })
        })
        .collect();
    let count = |l| report.notes.iter().filter(|n| n.level == l).count();
    json!({
        "file": file,
        "platform": report.platform.name(),
        "from": report.from.name(),
        "binds_cleanly": report.binds_cleanly(),
        "calls": calls,
        "notes": notes,
        "summary": {
            "calls": report.calls.len(),
            "failing": report.failing().count(),
            "errors": count(NoteLevel::Error),
            "warnings": count(NoteLevel::Warning),
        },
    })
}
