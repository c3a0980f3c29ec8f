//! `headers/linux/bpf_helper_defs.h` is `bpf-doc-gen --format bpf-helper --no-docs` of the
//! newest kernel bpf.h (the oracle in target/oracles/linux-unstable). Regenerated here; any
//! difference fails. `BLESS=1` rewrites the committed file instead.

mod support;

use std::path::Path;

use bpf_doc_gen::table::Table;
use bpf_doc_gen::{generate_file, Format, Options};

#[test]
fn committed_linux_header_is_the_newest_bpf_h_in_bpf_helper_form() {
    let committed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../headers/linux/bpf_helper_defs.h");
    let bpf_h = support::kernel("linux-unstable").join("bpf.h");
    let opts = Options {
        format: Format::BpfHelper,
        no_docs: true,
        ..Options::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bpf_helper_defs.h");
    generate_file(&bpf_h, &fresh, &opts).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    if std::env::var_os("BLESS").is_some() {
        bpf_doc_gen::write_atomic(&committed, fresh.as_bytes()).unwrap();
        return;
    }
    let old = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        old == fresh,
        "{} is stale: regenerate with BLESS=1 cargo test -p bpf-doc-gen --test headers_linux",
        committed.display()
    );
    // It holds every Linux helper, IDs 1..=211, ending at bpf_cgrp_storage_delete, and no
    // documentation text.
    let table = Table::parse_bpf_helper_header(&fresh, "bpf_helper_defs.h").unwrap();
    let ids: Vec<u32> = table.helpers.iter().map(|h| h.id).collect();
    assert_eq!(ids, (1..=211).collect::<Vec<u32>>());
    assert_eq!(
        table.helpers.last().unwrap().name,
        "bpf_cgrp_storage_delete"
    );
    assert!(!fresh.contains("Description") && !fresh.contains("Returns"));
}
