//! Damaged tables give errors, never panics: every line of the generated Windows header and of
//! the fact TSV, cut short at every character or with bytes spliced in, is parsed (each
//! damaged line on its own, after the lines before it, so the run stays short).

use bpf_doc_gen::table::Table;
use std::path::{Path, PathBuf};

fn platforms_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_PLATFORMS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/platforms"))
}

/// Every line of `text` cut at each character, or with each of `insert` put there, preceded
/// by a valid marker line (`context`) so that program-type lines are exercised too.
fn damaged(text: &str, context: &str, insert: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        for (cut, _) in line.char_indices() {
            out.push(format!("{context}{}", &line[..cut]));
            for x in insert {
                out.push(format!("{context}{}{x}{}", &line[..cut], &line[cut..]));
            }
        }
    }
    out
}

#[test]
fn damaged_headers_do_not_panic() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    let header = table.to_bpf_helper_header();
    let mut errors = 0;
    for text in damaged(
        &header,
        "BPF_PROGRAM_TYPE(p, 1, P, \"p\")\n",
        &["(", ")", ",", "\"", "/*", "é", "\t", ";x"],
    ) {
        if Table::parse_bpf_helper_header(&text, "damaged.h").is_err() {
            errors += 1;
        }
    }
    assert!(errors > 1000, "damage is noticed ({errors} errors)");
}

#[test]
fn damaged_tsvs_do_not_panic() {
    let text = std::fs::read_to_string(platforms_dir().join("windows.tsv")).expect("windows.tsv");
    let mut errors = 0;
    for text in damaged(&text, "", &["\t", "(", "é", "x"]) {
        if Table::parse_tsv(&text, "damaged.tsv").is_err() {
            errors += 1;
        }
    }
    assert!(errors > 1000, "damage is noticed ({errors} errors)");
}
