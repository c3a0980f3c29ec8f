//! The helper-table readers behind `helper-bind --helpers FILE`: a `BPF_HELPER` header or a
//! TSV of helpers, on arbitrary text. What parses must write back to a header that parses to
//! the same table.
#![no_main]

use bpf_doc_gen::table::Table;
use helper_bind_fuzz::alloc_guard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _guard = alloc_guard::limit_for(data.len());
    let text = String::from_utf8_lossy(data);
    for table in [
        Table::parse_bpf_helper_header(&text, "fuzz.h").ok(),
        Table::parse_tsv(&text, "fuzz.tsv").ok(),
    ]
    .into_iter()
    .flatten()
    {
        let header = table.to_bpf_helper_header();
        let back = Table::parse_bpf_helper_header(&header, "roundtrip.h")
            .unwrap_or_else(|e| panic!("a table's own header does not parse: {e}\n{header}"));
        assert_eq!(table, back, "table header round trip\n{header}");
    }
});
