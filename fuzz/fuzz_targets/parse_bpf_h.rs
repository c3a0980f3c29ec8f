//! The bpf.h parser on arbitrary text (bytes decoded lossily, as a file would be after the
//! CLI's UTF-8 check), then the emitters on whatever parses.
//!
//! Oracles beyond "no panic": a parse error displays as `fuzz.h:LINE: ...` with LINE inside
//! the input; a model the `BPF_HELPER` emitter accepts survives the trip through that header
//! and the table reader helper-bind embeds (same names and IDs, in order), and so does the
//! table built straight from the model (the `--uapi` path).
#![no_main]

use bpf_doc_gen::parse::parse_str;
use bpf_doc_gen::table::Table;
use bpf_doc_gen::{render, Compat, Format, Options};
use helper_bind_fuzz::alloc_guard;
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 6] = [
    Format::Header,
    Format::BpfHelper,
    Format::Rst,
    Format::SyscallRst,
    Format::Json,
    Format::SyscallJson,
];

fuzz_target!(|data: &[u8]| {
    let _guard = alloc_guard::limit_for(data.len());
    let text = String::from_utf8_lossy(data);
    let model = match parse_str(&text, "fuzz.h") {
        Ok(model) => model,
        Err(e) => {
            let shown = e.to_string();
            assert!(
                shown.starts_with("fuzz.h:"),
                "error without the file: {shown}"
            );
            // Upper bound whatever the parser counts as a line break (\n, \r\n or \r).
            let lines = text.bytes().filter(|&b| b == b'\n' || b == b'\r').count() + 1;
            assert!(
                e.line <= lines + 1,
                "error line {} past the input ({lines} lines)",
                e.line
            );
            return;
        }
    };
    // One of the 24 output variants per input (chosen by its length), not all 24: keeps each
    // execution cheap while the corpus still covers every variant.
    let pick = data.len() % 24;
    let format = FORMATS[pick % 6];
    let compat = [Compat::Newest, Compat::Linux6_1][pick / 6 % 2];
    let no_docs = pick / 12 == 1;
    let _ = render(
        &model,
        &Options {
            format,
            compat,
            no_docs,
            ..Options::default()
        },
    );

    let helper_opts = Options {
        format: Format::BpfHelper,
        no_docs: true,
        ..Options::default()
    };
    let Ok(header) = render(&model, &helper_opts) else {
        return;
    };
    // A helper may be documented more than once (bpf.h does it for bpf_get_socket_cookie);
    // headers declare it once, at its first description.
    let mut expected: Vec<(String, u32)> = Vec::new();
    for h in &model.helpers {
        if !expected.iter().any(|(name, _)| *name == h.name) {
            expected.push((h.name.clone(), h.id));
        }
    }
    let ids = |t: &Table| {
        t.helpers
            .iter()
            .map(|h| (h.name.clone(), h.id))
            .collect::<Vec<_>>()
    };
    let back = Table::parse_bpf_helper_header(&header, "roundtrip.h").unwrap_or_else(|e| {
        panic!("the generated BPF_HELPER header does not parse: {e}\n{header}")
    });
    assert_eq!(ids(&back), expected, "BPF_HELPER header round trip");
    let table = Table::from_model(&model);
    let table_text = table.to_bpf_helper_header();
    let again = Table::parse_bpf_helper_header(&table_text, "table.h")
        .unwrap_or_else(|e| panic!("the model's table header does not parse: {e}\n{table_text}"));
    assert_eq!(ids(&again), expected, "table header round trip");
});
