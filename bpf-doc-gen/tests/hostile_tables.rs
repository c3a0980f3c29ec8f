//! Hostile helper tables (`helper-bind --helpers FILE`, `bpf-doc-gen --platform-tsv`): what the
//! TSV and BPF_HELPER-header readers accept must write back to a header that reads again as
//! the same table; what they refuse must name the file and line.

use bpf_doc_gen::table::Table;

const TSV_HEADER: &str = "name\tid\treturn_type\tparams\tscope\tsections\n";

/// Accepts either a `file:line:` refusal or a table that survives its own header.
fn refused_or_round_trips(text: &str, is_tsv: bool) -> Result<(), String> {
    let file = if is_tsv { "hostile.tsv" } else { "hostile.h" };
    let parsed = if is_tsv {
        Table::parse_tsv(text, file)
    } else {
        Table::parse_bpf_helper_header(text, file)
    };
    match parsed {
        Err(e) => {
            let shown = e.to_string();
            if shown.starts_with(&format!("{file}:")) {
                Ok(())
            } else {
                Err(format!("refused without `{file}:`: {shown}"))
            }
        }
        Ok(table) => {
            let header = table.to_bpf_helper_header();
            match Table::parse_bpf_helper_header(&header, "again.h") {
                Ok(again) if again == table => Ok(()),
                Ok(again) => Err(format!(
                    "accepted, but its header reads back differently: {again:?} vs {table:?}"
                )),
                Err(e) => Err(format!(
                    "accepted, but its own header does not read back: {e}"
                )),
            }
        }
    }
}

#[test]
fn parameter_lists_with_unbalanced_parentheses() {
    // Found by scripts/fuzz-smoke (helper_table): a TSV row whose params column closes its
    // parenthesis early was accepted and written as a BPF_HELPER line the header reader refuses.
    let mut failures = Vec::new();
    for params in [
        "(const void *ctx, const void *pro)g_array_map, uint32_t index)",
        "(void *map, const void *key",
        "void *map, const void *key)",
        "((void *map)",
        "(void *map))",
        "(int a) x",
        // Found by scripts/fuzz-smoke (helper_table) in CI: a quote inside the list made the
        // header reader take the rest of the line as a string.
        "(const\"void *ctx)",
        "(void *a /* b */)",
        "(v]id *map, const void *key)",
    ] {
        let tsv = format!("{TSV_HEADER}bpf_tail_call\t5\tint64_t\t{params}\tgeneral\t-\n");
        if let Err(why) = refused_or_round_trips(&tsv, true) {
            failures.push(format!("TSV params {params:?}: {why}"));
        }
        let header = format!("BPF_HELPER(long, bpf_tail_call, {params}, 5);\n");
        if let Err(why) = refused_or_round_trips(&header, false) {
            failures.push(format!("header args {params:?}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn names_and_types_that_are_not_c() {
    let mut failures = Vec::new();
    for (name, ret) in [
        ("8bpf_x", "long"),
        ("bpf x", "long"),
        ("bpf_x", "long (*"),
        ("bpf_x", "long;"),
        ("", "long"),
    ] {
        let tsv = format!("{TSV_HEADER}{name}\t5\t{ret}\t(void)\tgeneral\t-\n");
        if let Err(why) = refused_or_round_trips(&tsv, true) {
            failures.push(format!("TSV {name:?} {ret:?}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn section_prefixes_that_cannot_be_written_back() {
    // Found by the 2026-12-05 helper_table campaign (2.1 M executions in): a program-type
    // section prefix ending in a backslash was accepted from a TSV and written as
    // `"...\"`, where the header reader takes the backslash as escaping the closing quote.
    let mut failures = Vec::new();
    for sections in ["xdp\\", "a\\\"b", "x\\y", "tab\u{7}x", "xdp/\u{1b}[0m"] {
        let tsv = format!(
            "{TSV_HEADER}sample_helper\t65538\tint64_t\t(void *ctx)\tmy_prog\t{sections}\n"
        );
        if let Err(why) = refused_or_round_trips(&tsv, true) {
            failures.push(format!("TSV sections {sections:?}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
