//! The platform rules helper-bind binds by: section → program type, aliases, printk by
//! arity, wrong program types, numeric reverse lookups, `--uapi` and `--helpers`.

use helper_bind::platform::{Platform, PlatformError, PlatformKind, Resolution};
use std::path::{Path, PathBuf};

fn windows() -> Platform {
    Platform::builtin(PlatformKind::Windows)
}

fn helper(id: u32, canonical: &str) -> Resolution<'_> {
    Resolution::Helper { id, canonical }
}

fn oracles() -> PathBuf {
    std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracles"))
}

fn oracle_bpf_h(version: &str) -> PathBuf {
    let path = oracles().join(version).join("bpf.h");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup-test-env (or set HELPER_BIND_ORACLES)",
        path.display()
    );
    path
}

fn write_temp(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

#[test]
fn platform_names_parse_and_print() {
    assert_eq!("linux".parse::<PlatformKind>(), Ok(PlatformKind::Linux));
    assert_eq!("Windows".parse::<PlatformKind>(), Ok(PlatformKind::Windows));
    let error = "macos".parse::<PlatformKind>().unwrap_err().to_string();
    assert!(
        error.contains("`macos`") && error.contains("`linux` or `windows`"),
        "{error}"
    );
    assert_eq!(PlatformKind::Windows.to_string(), "windows");
    assert_eq!(PlatformKind::Linux.to_string(), "linux");
}

#[test]
fn builtin_windows_table_has_the_facts() {
    let w = windows();
    assert_eq!(w.kind(), PlatformKind::Windows);
    assert_eq!(w.table().helpers.len(), 50);
    assert_eq!(w.table().program_types.len(), 7);
    assert_eq!(
        w.resolve("bpf_map_lookup_elem", "xdp"),
        helper(1, "bpf_map_lookup_elem")
    );
    assert_eq!(
        w.resolve("bpf_redirect_map", "anything"),
        helper(35, "bpf_redirect_map")
    );
    assert_eq!(w.resolve("bpf_no_such_helper", "xdp"), Resolution::Unknown);
}

#[test]
fn section_selects_program_type_by_prefix_at_position_zero() {
    let w = windows();
    let pt = |s: &str| w.program_type_for_section(s).map(|p| p.name.as_str());
    assert_eq!(pt("xdp"), Some("xdp"));
    assert_eq!(pt("xdp/anything"), Some("xdp"));
    assert_eq!(pt("xdp_test"), Some("xdp"), "no separator required");
    assert_eq!(pt("bind/0"), Some("bind"));
    assert_eq!(pt("bind_1"), Some("bind"));
    assert_eq!(pt("sockops/x"), Some("sockops"));
    assert_eq!(pt("sample_ext/0"), Some("sample"));
    assert_eq!(pt("cgroup/connect4/anything"), Some("sock_addr"));
    assert_eq!(
        pt("cgroup/bind4"),
        Some("sock_addr"),
        "cgroup/bind4 is sock_addr, not bind"
    );
    assert_eq!(pt("mybind"), None, "the prefix must start at position 0");
    assert_eq!(pt("XDP"), None, "case matters");
    assert_eq!(pt(".text"), None);
    assert_eq!(pt(""), None);
}

#[test]
fn longest_registered_prefix_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = write_temp(
        &dir,
        "ext.tsv",
        "name\tid\treturn_type\tparams\tscope\tsections\n\
         xdp_test_helper\t65536\tint\t(void *ctx)\txdp_test\txdp_test,xdp/special\n",
    );
    let mut w = windows();
    w.add_helpers_file(&extra).expect("add");
    let pt = |s: &str| w.program_type_for_section(s).map(|p| p.name.clone());
    assert_eq!(pt("xdp_test/1").as_deref(), Some("xdp_test"));
    assert_eq!(pt("xdp/special_case").as_deref(), Some("xdp_test"));
    assert_eq!(pt("xdp/other").as_deref(), Some("xdp"));
    assert_eq!(pt("xdp_tes").as_deref(), Some("xdp"));
    assert_eq!(
        w.resolve("xdp_test_helper", "xdp_test/1"),
        helper(65536, "xdp_test_helper")
    );
    assert_eq!(
        w.resolve("bpf_xdp_adjust_head", "xdp/other"),
        helper(65536, "bpf_xdp_adjust_head")
    );
    assert_eq!(
        w.resolve("bpf_xdp_adjust_head", "xdp_test/1"),
        Resolution::WrongProgramType {
            needs: vec!["xdp".into()]
        }
    );
}

#[test]
fn program_type_helpers_need_their_program_type() {
    let w = windows();
    assert_eq!(
        w.resolve("bpf_xdp_adjust_head", "xdp/prog"),
        helper(65536, "bpf_xdp_adjust_head")
    );
    assert_eq!(
        w.resolve("bpf_sock_ops_get_flow_id", "sockops"),
        helper(65536, "bpf_sock_ops_get_flow_id")
    );
    assert_eq!(
        w.resolve("bpf_sock_addr_set_redirect_context", "cgroup/connect6"),
        helper(65537, "bpf_sock_addr_set_redirect_context")
    );
    assert_eq!(
        w.resolve("bpf_xdp_adjust_head", "sockops"),
        Resolution::WrongProgramType {
            needs: vec!["xdp".into()]
        }
    );
    assert_eq!(
        w.resolve("bpf_sock_addr_get_network_context", "bind/0"),
        Resolution::WrongProgramType {
            needs: vec!["sock_addr".into()]
        }
    );
    assert_eq!(
        w.resolve("bpf_process_get_image_path", ".text"),
        Resolution::WrongProgramType {
            needs: vec!["process".into()]
        },
        "a section of no program type gets only general helpers"
    );
}

#[test]
fn aliases_resolve_to_their_helper() {
    let w = windows();
    assert_eq!(w.resolve("bpf_memcpy", "xdp"), helper(22, "bpf_memcpy_s"));
    assert_eq!(w.resolve("bpf_memcmp", "xdp"), helper(23, "bpf_memcmp_s"));
    assert_eq!(
        w.resolve("bpf_memmove", "bind"),
        helper(25, "bpf_memmove_s")
    );
    assert_eq!(w.resolve("memcpy_s", ""), helper(22, "bpf_memcpy_s"));
    assert_eq!(w.resolve("memmove_s", ""), helper(25, "bpf_memmove_s"));
    assert_eq!(
        w.resolve("memcpy", ""),
        Resolution::Unknown,
        "clang-only macro, not an alias"
    );
    assert_eq!(
        w.helper("bpf_memcpy").map(|h| h.name.as_str()),
        Some("bpf_memcpy_s")
    );
}

#[test]
fn printk_resolves_by_arity_on_windows() {
    let w = windows();
    let expected: &[(u8, u32)] = &[(2, 12), (3, 13), (4, 14), (5, 15)];
    assert_eq!(
        w.resolve("bpf_trace_printk", "xdp"),
        Resolution::ByArity(expected)
    );
    assert_eq!(
        w.resolve("bpf_printk", "sockops"),
        Resolution::ByArity(expected)
    );
    assert_eq!(
        w.resolve("bpf_trace_printk3", "xdp"),
        helper(13, "bpf_trace_printk3")
    );
}

#[test]
fn printk_is_one_helper_on_linux() {
    let l = Platform::builtin(PlatformKind::Linux);
    assert_eq!(
        l.resolve("bpf_trace_printk", "xdp"),
        helper(6, "bpf_trace_printk")
    );
    assert_eq!(l.resolve("bpf_printk", "tc"), helper(6, "bpf_trace_printk"));
    assert_eq!(l.resolve("bpf_trace_printk3", "tc"), Resolution::Unknown);
}

#[test]
fn linux_has_no_program_types() {
    let l = Platform::builtin(PlatformKind::Linux);
    assert_eq!(l.kind(), PlatformKind::Linux);
    assert!(l.program_type_for_section("xdp").is_none());
    assert_eq!(
        l.resolve("bpf_xdp_adjust_head", "tc"),
        helper(44, "bpf_xdp_adjust_head")
    );
    assert_eq!(l.name_of_id(44, "anything"), Some("bpf_xdp_adjust_head"));
}

#[test]
fn numeric_ids_name_helpers_per_section() {
    let w = windows();
    assert_eq!(w.name_of_id(1, "sockops"), Some("bpf_map_lookup_elem"));
    assert_eq!(w.name_of_id(65536, "xdp"), Some("bpf_xdp_adjust_head"));
    assert_eq!(
        w.name_of_id(65536, "sockops"),
        Some("bpf_sock_ops_get_flow_id")
    );
    assert_eq!(
        w.name_of_id(65536, "process"),
        Some("bpf_process_get_image_path")
    );
    assert_eq!(
        w.name_of_id(65536, "cgroup/connect4"),
        None,
        "sock_addr starts at 65537"
    );
    assert_eq!(
        w.name_of_id(65537, "cgroup/connect4"),
        Some("bpf_sock_addr_set_redirect_context")
    );
    assert_eq!(w.name_of_id(65536, ".text"), None);
    assert_eq!(w.name_of_id(36, "xdp"), None);
}

#[test]
fn helper_names_are_everything_resolve_knows() {
    for kind in PlatformKind::ALL {
        let p = Platform::builtin(kind);
        let names: Vec<&str> = p.helper_names().collect();
        let unique: std::collections::HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{kind}: names repeat");
        for name in &names {
            // Every name resolves somewhere: in the section of its own program type, if any.
            let section = p
                .helper(name)
                .and_then(|h| h.program_type.as_ref())
                .and_then(|t| p.table().program_type(t))
                .and_then(|t| t.sections.first().cloned())
                .unwrap_or_default();
            assert_ne!(
                p.resolve(name, &section),
                Resolution::Unknown,
                "{kind}: {name}"
            );
        }
        assert!(names.contains(&"bpf_printk"), "{kind}");
        assert!(names.contains(&"bpf_trace_printk"), "{kind}");
    }
    let w = windows();
    let names: Vec<&str> = w.helper_names().collect();
    assert_eq!(names.len(), 50 + 5 + 2);
    assert!(names.contains(&"bpf_memcpy"));
}

#[test]
fn uapi_gives_linux_ids_of_that_header() {
    let unstable = Platform::from_uapi(&oracle_bpf_h("linux-unstable")).expect("unstable bpf.h");
    assert_eq!(unstable.kind(), PlatformKind::Linux);
    assert_eq!(unstable.table().helpers.len(), 211);
    assert_eq!(
        unstable.resolve("bpf_map_lookup_elem", "xdp"),
        helper(1, "bpf_map_lookup_elem")
    );
    assert_eq!(
        unstable.resolve("bpf_cgrp_storage_delete", "xdp"),
        helper(211, "bpf_cgrp_storage_delete")
    );
    let old = Platform::from_uapi(&oracle_bpf_h("linux-6.1")).expect("6.1 bpf.h");
    assert_eq!(
        old.resolve("bpf_cgrp_storage_delete", "xdp"),
        Resolution::Unknown,
        "added in 6.2"
    );
    assert_eq!(
        old.resolve("bpf_map_lookup_elem", "xdp"),
        helper(1, "bpf_map_lookup_elem")
    );
    assert!(old.table().helpers.len() < 211);
}

#[test]
fn builtin_linux_table_is_the_newest_uapi() {
    let builtin = Platform::builtin(PlatformKind::Linux);
    let unstable = Platform::from_uapi(&oracle_bpf_h("linux-unstable")).expect("unstable bpf.h");
    assert_eq!(builtin.table(), unstable.table());
}

#[test]
fn uapi_errors_name_the_file() {
    let missing = Platform::from_uapi(Path::new("/nonexistent/bpf.h")).unwrap_err();
    assert!(matches!(missing, PlatformError::Uapi(_)), "{missing:?}");
    assert!(
        missing.to_string().contains("/nonexistent/bpf.h"),
        "{missing}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let not_bpf = write_temp(&dir, "bpf.h", "int x;\n");
    let error = Platform::from_uapi(&not_bpf).unwrap_err().to_string();
    assert!(error.contains(&not_bpf.display().to_string()), "{error}");
}

#[test]
fn helpers_file_as_bpf_helper_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = write_temp(
        &dir,
        "ext_helpers.h",
        "/* my extension */\n\
         BPF_HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);\n\
         BPF_PROGRAM_TYPE(myext, 42, BPF_PROG_TYPE_MYEXT, \"myext/,myext_alt\")\n\
         BPF_HELPER(int, myext_do, (void *ctx, int n), 65536);\n\
         #define myext_do_alias myext_do\n",
    );
    let mut w = windows();
    w.add_helpers_file(&extra).expect("add");
    assert_eq!(
        w.table().helpers.len(),
        51,
        "the repeated general helper is not added twice"
    );
    assert_eq!(w.resolve("myext_do", "myext/0"), helper(65536, "myext_do"));
    assert_eq!(
        w.resolve("myext_do_alias", "myext_alt"),
        helper(65536, "myext_do")
    );
    assert_eq!(
        w.resolve("myext_do", "xdp"),
        Resolution::WrongProgramType {
            needs: vec!["myext".into()]
        }
    );
    assert_eq!(
        w.program_type_for_section("myext/x").map(|p| p.id),
        Some(42)
    );
    assert_eq!(w.name_of_id(65536, "myext/"), Some("myext_do"));
}

#[test]
fn helpers_file_as_tsv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = write_temp(
        &dir,
        "ext.tsv",
        "sock_helper\t65539\tint\t(bpf_sock_addr_t *ctx)\tsock_addr\tcgroup/connect4,cgroup/connect6,cgroup/recv_accept4,cgroup/recv_accept6,cgroup/connect_authorization4,cgroup/connect_authorization6,cgroup/bind4,cgroup/bind6,cgroup/listen4,cgroup/listen6\n\
         general_new\t36\tlong\t(void)\tgeneral\t-\n",
    );
    let mut w = windows();
    w.add_helpers_file(&extra)
        .expect("add, without a header row");
    assert_eq!(
        w.resolve("sock_helper", "cgroup/bind4"),
        helper(65539, "sock_helper")
    );
    assert_eq!(w.resolve("general_new", "xdp"), helper(36, "general_new"));
    assert_eq!(
        w.program_type_for_section("cgroup/bind4").map(|p| p.id),
        Some(3),
        "kept"
    );
}

#[test]
fn helpers_file_may_list_a_known_program_types_sections_in_any_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = write_temp(
        &dir,
        "ext.h",
        "BPF_PROGRAM_TYPE(sock_addr, 3, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, \"cgroup/listen6,cgroup/listen4,cgroup/bind6,cgroup/bind4,cgroup/connect_authorization6,cgroup/connect_authorization4,cgroup/recv_accept6,cgroup/recv_accept4,cgroup/connect6,cgroup/connect4\")\n\
         BPF_HELPER(int, sock_extra, (void *ctx), 65539);\n",
    );
    let mut w = windows();
    w.add_helpers_file(&extra)
        .expect("same sections, other order");
    assert_eq!(
        w.resolve("sock_extra", "cgroup/listen4"),
        helper(65539, "sock_extra")
    );
}

#[test]
fn helpers_file_errors_name_file_and_line_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "clash.h",
            "// comment\n\nBPF_HELPER(long, bpf_map_lookup_elem, (void *map), 99);\n",
            ":3: helper `bpf_map_lookup_elem` is already declared in the general helpers",
        ),
        (
            "id_clash.h",
            "BPF_HELPER(long, my_lookup, (void), 1);\n",
            ":1: ID 1 of `my_lookup` is already used by `bpf_map_lookup_elem`",
        ),
        (
            "bad_id.tsv",
            "name\tid\treturn_type\tparams\tscope\tsections\nx\t1\tint\t(void)\tgeneral\t-\ny\tnope\tint\t(void)\tgeneral\t-\n",
            ":3: expected the helper ID of `y` in column `id`",
        ),
        (
            "columns.tsv",
            "x\t40\tint\n",
            ":1: expected 6 tab-separated columns",
        ),
        (
            "prefix.h",
            "BPF_PROGRAM_TYPE(other, 50, BPF_PROG_TYPE_OTHER, \"xdp\")\n",
            ":1: section prefix `xdp` of program type `other` is already registered by `xdp`",
        ),
        (
            "pt.h",
            "BPF_PROGRAM_TYPE(xdp, 1, BPF_PROG_TYPE_XDP, \"xdp,xdp2\")\n",
            ":1: program type `xdp`",
        ),
        (
            "malformed.h",
            "BPF_HELPER(int, a, (void), 40);\nBPF_HELPER(int, b (void), 41);\n",
            ":2: expected `BPF_HELPER(return_type, name, (args), id);` with 4 arguments, found 3",
        ),
    ];
    for (name, text, expected) in cases {
        let path = write_temp(&dir, name, text);
        let mut w = windows();
        let before = w.table().clone();
        let error = w.add_helpers_file(&path).unwrap_err();
        assert!(
            matches!(error, PlatformError::Table(_)),
            "{name}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&path.display().to_string()) && message.contains(expected),
            "{name}: {message}"
        );
        assert_eq!(
            w.table(),
            &before,
            "{name}: platform changed by a failed add"
        );
    }
}

#[test]
fn helpers_file_unreadable_or_unrecognised() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut w = windows();
    let missing = dir.path().join("missing.h");
    let error = w.add_helpers_file(&missing).unwrap_err();
    assert!(matches!(error, PlatformError::Io { .. }), "{error:?}");
    assert!(
        error.to_string().contains("missing.h: cannot read"),
        "{error}"
    );
    let prose = write_temp(&dir, "notes.txt", "just some words\n");
    let error = w.add_helpers_file(&prose).unwrap_err();
    assert!(
        matches!(error, PlatformError::UnknownFormat { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("notes.txt:1: expected a BPF_HELPER header"),
        "{error}"
    );
}
