//! Every malformed or contradictory table line is an error naming `file:line` and what was
//! expected; lines that are not table lines are skipped.

use bpf_doc_gen::table::{Table, TableError};

fn header_error(text: &str) -> String {
    match Table::parse_bpf_helper_header(text, "t.h") {
        Err(e @ TableError::Invalid { .. }) => e.to_string(),
        other => panic!("expected an error for {text:?}, got {other:?}"),
    }
}

fn tsv_error(text: &str) -> String {
    match Table::parse_tsv(text, "t.tsv") {
        Err(e @ TableError::Invalid { .. }) => e.to_string(),
        other => panic!("expected an error for {text:?}, got {other:?}"),
    }
}

#[test]
fn malformed_helper_lines() {
    let form = "expected `BPF_HELPER(return_type, name, (args), id);`";
    let cases = [
        (
            "\nBPF_HELPER(int, x, (void));",
            "t.h:2: ",
            "with 4 arguments, found 3",
        ),
        (
            "BPF_HELPER(int, x, (void), 1, 2);",
            "t.h:1: ",
            "with 4 arguments, found 5",
        ),
        (
            "BPF_HELPER(int, x, (void), 1",
            "t.h:1: ",
            "on one line, but its parentheses do not close",
        ),
        (
            "BPF_HELPER(int, x, (void), 1) junk",
            "t.h:1: ",
            "found `junk` after the closing parenthesis",
        ),
        (
            "BPF_HELPER(, x, (void), 1);",
            "t.h:1: ",
            "but the return type is empty",
        ),
        (
            "BPF_HELPER(__bpf_fastcall, x, (void), 1);",
            "t.h:1: ",
            "but the return type is empty",
        ),
        (
            "BPF_HELPER(int, 9x, (void), 1);",
            "t.h:1: ",
            "but the name `9x` is not a C identifier",
        ),
        (
            "BPF_HELPER(int, x, void, 1);",
            "t.h:1: ",
            "the parameters of `x` are not one parenthesised list: `void`",
        ),
        (
            "BPF_HELPER(int, x, (a)(b), 1);",
            "t.h:1: ",
            "not one parenthesised list",
        ),
        (
            "BPF_HELPER(int, x, (void), -1);",
            "t.h:1: ",
            "the ID of `x` is `-1`, not a number",
        ),
        (
            "BPF_HELPER(int, x, (void), 4294967296);",
            "t.h:1: ",
            "not a number from 0 to 4294967295",
        ),
    ];
    for (text, at, what) in cases {
        let error = header_error(text);
        assert!(error.starts_with(at), "{text:?}: {error}");
        assert!(error.contains(form), "{text:?}: {error}");
        assert!(error.contains(what), "{text:?}: {error}");
    }
}

#[test]
fn malformed_program_type_lines() {
    let cases = [
        (
            "BPF_PROGRAM_TYPE(xdp, 1, BPF_PROG_TYPE_XDP)",
            "with 4 arguments, found 3",
        ),
        (
            "BPF_PROGRAM_TYPE(xdp, one, BPF_PROG_TYPE_XDP, \"xdp\")",
            "the ID of `xdp` is `one`",
        ),
        (
            "BPF_PROGRAM_TYPE(xdp, 1, BPF PROG, \"xdp\")",
            "the enum name `BPF PROG` is not a C identifier",
        ),
        (
            "BPF_PROGRAM_TYPE(xdp, 1, X, xdp)",
            "the sections of `xdp` are `xdp`, not one string literal",
        ),
        (
            "BPF_PROGRAM_TYPE(x-y, 1, X, \"xdp\")",
            "the name `x-y` is not a C identifier",
        ),
        (
            "BPF_PROGRAM_TYPE(xdp, 1, X, \"xdp,,b\")",
            "expected section prefixes without spaces",
        ),
    ];
    for (text, what) in cases {
        let error = header_error(text);
        assert!(error.starts_with("t.h:1: "), "{text:?}: {error}");
        assert!(error.contains(what), "{text:?}: {error}");
    }
}

#[test]
fn contradictions_name_both_lines() {
    let cases = [
        (
            "BPF_HELPER(int, a, (void), 1);\nBPF_HELPER(int, a, (void), 2);",
            "t.h:2: helper `a` is already declared in the general helpers at line 1",
        ),
        (
            "BPF_HELPER(int, a, (void), 1);\nBPF_HELPER(int, b, (void), 1);",
            "t.h:2: ID 1 of `b` is already used by `a` at line 1 in the general helpers",
        ),
        (
            "BPF_PROGRAM_TYPE(p, 1, P, \"p\")\nBPF_PROGRAM_TYPE(p, 2, Q, \"q\")",
            "t.h:2: program type `p` is already declared at line 1; declare each program type once",
        ),
        (
            "BPF_PROGRAM_TYPE(p, 1, P, \"p\")\nBPF_PROGRAM_TYPE(q, 2, Q, \"x,p\")",
            "t.h:2: section prefix `p` of program type `q` is already registered by `p` at line 1",
        ),
        (
            "BPF_HELPER(int, a, (void), 1);\nBPF_HELPER(int, b, (void), 2);\n#define a b",
            "t.h:3: alias `a` is already the name of a helper",
        ),
        (
            "BPF_HELPER(int, a, (void), 1);\n#define x a\n#define x a",
            "t.h:3: alias `x` is already declared at line 2",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(header_error(text), expected, "{text:?}");
    }
}

#[test]
fn same_id_and_name_are_fine_in_different_program_types() {
    let text = "BPF_PROGRAM_TYPE(p, 1, P, \"p\")\nBPF_HELPER(int, h, (void), 65536);\n\
                BPF_PROGRAM_TYPE(q, 2, Q, \"q\")\nBPF_HELPER(int, h, (void), 65536);\n\
                BPF_HELPER(int, other, (void), 65537);\n";
    let table = Table::parse_bpf_helper_header(text, "t.h").expect("parses");
    assert_eq!(table.helpers.len(), 3);
}

#[test]
fn non_table_lines_are_skipped() {
    let text = "\
/* BPF_HELPER(int, in_comment, (void), 1); */
// BPF_HELPER(int, in_line_comment, (void), 2);
/*
 * BPF_HELPER(int, in_doc, (void), 3);
 */
#ifndef BPF_HELPER
#define BPF_HELPER(return_type, name, args, id) extern return_type name args
#endif
#ifndef __bpf_fastcall
#define __bpf_fastcall __attribute__((bpf_fastcall))
#endif
#define GUARD_H
#define NOT_A_HELPER something_else
#define NUMBER 5
struct bpf_sock;
typedef struct xdp_md xdp_md_t;
static long (* const classic)(void) = (void *) 9;
BPF_HELPER(int, real, (void), 4);
";
    let table = Table::parse_bpf_helper_header(text, "t.h").expect("parses");
    let names: Vec<&str> = table.helpers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["real"]);
    assert!(table.aliases.is_empty(), "NOT_A_HELPER names no helper");
}

#[test]
fn tsv_errors() {
    let header = "name\tid\treturn_type\tparams\tscope\tsections\n";
    let cases = [
        (format!("{header}a\t1\tint\n"), "t.tsv:2: expected 6 tab-separated columns (name, id, return_type, params, scope, sections), found 3"),
        (format!("{header}a\tx\tint\t(void)\tgeneral\t-\n"), "t.tsv:2: expected the helper ID of `a` in column `id`"),
        (format!("{header}a\t1\tint\t(void)\tgeneral\txdp\n"), "t.tsv:2: general helper `a` must have `-` in column `sections`, found `xdp`"),
        (format!("{header}a\t1\tint\t(void)\tp\tp\nb\t2\tint\t(void)\tp\tq\n"), "t.tsv:3: helper `b`: the sections `q` differ from those of program type `p`: `p`"),
        (format!("{header}a\t1\tint\tvoid\tgeneral\t-\n"), "t.tsv:2: expected the parameter list of `a` in parentheses"),
        (format!("{header}a\t1\t\t(void)\tgeneral\t-\n"), "t.tsv:2: helper `a` has an empty return type"),
        (format!("{header}a b\t1\tint\t(void)\tgeneral\t-\n"), "t.tsv:2: expected a helper name (a C identifier), found `a b`"),
    ];
    for (text, expected) in cases {
        let error = tsv_error(&text);
        assert!(error.starts_with(expected), "{text:?}: {error}");
    }
}
