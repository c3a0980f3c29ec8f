//! The parser on small bpf.h texts written here: the three ID schemes, optional sections, and
//! each error with its line.

use bpf_doc_gen::parse::{parse_str, ParseErrorKind};
use bpf_doc_gen::IdSource;

/// One documented helper: prototype plus optional sections.
struct Doc<'a> {
    proto: &'a str,
    desc: bool,
    ret: bool,
    attrs: Option<&'a str>,
}

fn doc(proto: &str) -> Doc<'_> {
    Doc {
        proto,
        desc: true,
        ret: true,
        attrs: None,
    }
}

enum Mapper<'a> {
    None,
    Positional(&'a [&'a str]),
    Explicit(&'a [(&'a str, u32)]),
}

fn bpf_h(docs: &[Doc<'_>], mapper: Mapper<'_>) -> String {
    let mut s =
        String::from("/* test header */\n/*\n * Start of BPF helper function descriptions:\n *\n");
    for d in docs {
        s += &format!(" * {}\n", d.proto);
        if d.desc {
            s += " * \tDescription\n * \t\tDoes a thing.\n *\n * \t\t\tindented\n";
        }
        if d.ret {
            s += " * \tReturn\n * \t\t0 on success.\n";
        }
        if let Some(a) = d.attrs {
            s += &format!(" * \tAttributes\n * \t\t{a}\n");
        }
        s += " *\n";
    }
    s += " */\n";
    match mapper {
        Mapper::None => {}
        Mapper::Positional(names) => {
            s += "#define __BPF_FUNC_MAPPER(FN)\t\\\n\tFN(unspec),\t\\\n";
            for n in names {
                s += &format!("\tFN({n}),\t\\\n");
            }
            s += "\t/* */\n";
        }
        Mapper::Explicit(entries) => {
            s += "#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\\n\tFN(unspec, 0, ##ctx)\t\\\n";
            for (n, id) in entries {
                s += &format!("\tFN({n}, {id}, ##ctx)\t\\\n");
            }
            s += "\t/* */\n";
        }
    }
    s
}

/// Line (1-based) of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

const A: &str = "long bpf_a(void *ctx)";
const B: &str = "u64 bpf_b(void)";
const C: &str = "void *bpf_c(struct bpf_map *map, const void *key)";

#[test]
fn ids_from_each_scheme() {
    let docs = || vec![doc(A), doc(B), doc(C)];
    let m = parse_str(&bpf_h(&docs(), Mapper::None), "t.h").unwrap();
    assert_eq!(m.id_source, IdSource::DescriptionOrder);
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );

    let m = parse_str(&bpf_h(&docs(), Mapper::Positional(&["a", "b", "c"])), "t.h").unwrap();
    assert_eq!(m.id_source, IdSource::PositionalMapper);
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );

    let text = bpf_h(&docs(), Mapper::Explicit(&[("a", 7), ("b", 9), ("c", 40)]));
    let m = parse_str(&text, "t.h").unwrap();
    assert_eq!(m.id_source, IdSource::ExplicitMapper);
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [7, 9, 40]
    );
    assert_eq!(m.helpers[2].line, line_of(&text, "bpf_c("));
    assert_eq!(m.helpers[0].desc, "Does a thing.\n\n\tindented\n");
    assert_eq!(m.helpers[0].ret, "0 on success.\n\n");
    assert!(m.syscalls.is_none(), "no syscall block in this header");
}

#[test]
fn missing_sections_and_attributes() {
    let docs = vec![
        Doc {
            desc: false,
            ..doc(A)
        },
        Doc {
            ret: false,
            ..doc(B)
        },
        Doc {
            attrs: Some("__bpf_fastcall"),
            ..doc(C)
        },
    ];
    let m = parse_str(&bpf_h(&docs, Mapper::Positional(&["a", "b", "c"])), "t.h").unwrap();
    assert_eq!(
        (m.helpers[0].desc.as_str(), m.helpers[0].ret.as_str()),
        ("", "0 on success.\n\n")
    );
    assert_eq!(m.helpers[1].ret, "");
    assert_eq!(m.helpers[2].attrs, ["__bpf_fastcall"]);
}

#[test]
fn repeated_descriptions_share_an_id() {
    let docs = vec![doc(A), doc("long bpf_a(struct sk_buff *skb)"), doc(B)];
    let m = parse_str(&bpf_h(&docs, Mapper::Positional(&["a", "b"])), "t.h").unwrap();
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 1, 2]
    );
    let m = parse_str(&bpf_h(&docs, Mapper::None), "t.h").unwrap();
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 1, 2]
    );
    // Without a mapper nothing says a repeat must be grouped; it keeps its first ID.
    let docs = vec![
        doc(A),
        doc(B),
        doc("long bpf_a(struct sk_buff *skb)"),
        doc(C),
    ];
    let m = parse_str(&bpf_h(&docs, Mapper::None), "t.h").unwrap();
    assert_eq!(
        m.helpers.iter().map(|h| h.id).collect::<Vec<_>>(),
        [1, 2, 1, 3]
    );
}

fn err(text: &str) -> (usize, ParseErrorKind, String) {
    let e = parse_str(text, "t.h").unwrap_err();
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("t.h:{}: ", e.line)), "{shown}");
    (e.line, e.kind, shown)
}

#[test]
fn documented_but_not_in_mapper() {
    let text = bpf_h(&[doc(A), doc(B)], Mapper::Explicit(&[("a", 1)]));
    let (line, kind, _) = err(&text);
    assert_eq!(line, line_of(&text, "bpf_b("));
    assert!(matches!(kind, ParseErrorKind::NotInMapper { helper, .. } if helper == "bpf_b"));
}

#[test]
fn in_mapper_but_not_documented() {
    let text = bpf_h(&[doc(A)], Mapper::Explicit(&[("a", 1), ("b", 2)]));
    let (line, kind, _) = err(&text);
    assert_eq!(line, line_of(&text, "FN(b, 2"));
    assert!(matches!(kind, ParseErrorKind::NotDocumented { helper } if helper == "bpf_b"));
}

#[test]
fn duplicate_ids() {
    let text = bpf_h(&[doc(A), doc(B)], Mapper::Explicit(&[("a", 1), ("b", 1)]));
    let (line, kind, shown) = err(&text);
    assert_eq!(line, line_of(&text, "FN(b, 1"));
    assert!(
        shown.contains("bpf_b") && shown.contains("bpf_a"),
        "{shown}"
    );
    assert!(matches!(kind, ParseErrorKind::DuplicateId { id: 1, .. }));
}

#[test]
fn order_and_grouping() {
    let text = bpf_h(&[doc(B), doc(A)], Mapper::Positional(&["a", "b"]));
    let (line, kind, _) = err(&text);
    assert_eq!(line, line_of(&text, "bpf_b("));
    assert!(matches!(
        kind,
        ParseErrorKind::OrderMismatch {
            desc_pos: 1,
            mapper_pos: 2,
            ..
        }
    ));

    let text = bpf_h(&[doc(A), doc(B), doc(A)], Mapper::Positional(&["a", "b"]));
    let (_, kind, _) = err(&text);
    assert!(matches!(
        kind,
        ParseErrorKind::DescriptionsNotGrouped { .. }
    ));
}

#[test]
fn malformed_prototype_is_refused_where_it_is() {
    let text = bpf_h(
        &[doc(A), doc("long bpf_b(int a,int b)"), doc(C)],
        Mapper::None,
    );
    let (line, kind, _) = err(&text);
    assert_eq!(line, line_of(&text, "bpf_b("));
    assert!(matches!(kind, ParseErrorKind::MalformedPrototype { .. }));
}

#[test]
fn cut_off_block() {
    let full = bpf_h(&[doc(A), doc(B)], Mapper::None);
    let cut = &full[..full.find(" * u64 bpf_b").unwrap() + 4];
    let (line, kind, _) = err(cut);
    assert_eq!(line, cut.lines().count());
    assert!(matches!(kind, ParseErrorKind::CutOff { .. }));
}

#[test]
fn bad_attributes() {
    let text = bpf_h(
        &[Doc {
            attrs: Some("__nope"),
            ..doc(A)
        }],
        Mapper::None,
    );
    let (line, kind, _) = err(&text);
    assert_eq!(line, line_of(&text, "__nope"));
    assert!(matches!(kind, ParseErrorKind::BadAttributes { .. }));
}

#[test]
fn not_a_bpf_h() {
    let (line, kind, _) = err("int main(void)\n{\n}\n");
    assert_eq!(line, 3);
    assert_eq!(kind, ParseErrorKind::NotBpfH);
}

#[test]
fn crlf_reads_like_lf() {
    let text = bpf_h(&[doc(A), doc(B)], Mapper::Positional(&["a", "b"]));
    let lf = parse_str(&text, "t.h").unwrap();
    let crlf = parse_str(&text.replace('\n', "\r\n"), "t.h").unwrap();
    assert_eq!(lf, crlf);
}
