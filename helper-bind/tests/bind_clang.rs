//! Binding objects clang-19 builds from our C programs (tests/data/c): differential against the
//! early-bound build, byte-level locality of the edits, kernel loading, and every CLI rule.

mod support;

use std::fs;
use std::path::Path;

use support::*;

/// (source, platform) pairs that build for that platform.
const PROGRAMS: &[(&str, &str)] = &[
    ("maps_xdp.c", "linux"),
    ("tc_kfunc.c", "linux"),
    ("maps_xdp.c", "windows"),
    ("windows_types.c", "windows"),
];

#[test]
fn bound_late_objects_have_the_early_build_code_on_both_platforms_and_byte_orders() {
    let dir = tempfile::tempdir().unwrap();
    for &(source, platform) in PROGRAMS {
        for target in ["bpf", "bpfeb"] {
            let early = compile(dir.path(), source, platform, target, false);
            let late = compile(dir.path(), source, platform, target, true);
            let bound = dir.path().join("bound.o");
            let out = helper_bind(&[
                "--platform",
                platform,
                "-o",
                bound.to_str().unwrap(),
                late.to_str().unwrap(),
            ]);
            let (code, stderr) = status(&out);
            assert_eq!(code, 0, "{source} {platform} {target}: {stderr}");
            assert!(stderr.contains("bound "), "{stderr}");
            let early_code = code_sections(&fs::read(&early).unwrap());
            let bound_bytes = fs::read(&bound).unwrap();
            assert_eq!(
                code_sections(&bound_bytes),
                early_code,
                "{source} {platform} {target}: code differs from the early build"
            );
            // The call relocations left are exactly the early build's (subprograms, kfuncs).
            assert_eq!(
                code_relocations(&bound_bytes),
                code_relocations(&fs::read(&early).unwrap()),
                "{source} {platform} {target}"
            );
            assert_eq!(
                undefined_symbols(&bound_bytes),
                undefined_symbols(&fs::read(&early).unwrap()),
                "{source} {platform} {target}"
            );
        }
    }
}

/// File byte ranges binding may change: bound calls, relocation and symbol tables,
/// `.llvm_addrsig`, `.BTF`, and the section headers' `sh_size` / `sh_info`.
fn allowed_ranges(input: &[u8], bound: &[u8]) -> Vec<std::ops::Range<usize>> {
    use helper_bind::elf::{ElfView, SHT_LLVM_ADDRSIG, SHT_REL, SHT_SYMTAB};
    let v = ElfView::parse(input).unwrap();
    let mut ranges = Vec::new();
    for s in &v.sections {
        let name = s.name();
        if matches!(s.sh_type, SHT_REL | SHT_SYMTAB | SHT_LLVM_ADDRSIG) || name == ".BTF" {
            ranges.push(s.file_range());
            ranges.push(s.size_field_offset()..s.size_field_offset() + 8);
            ranges.push(s.info_field_offset()..s.info_field_offset() + 4);
        }
        if s.is_code() {
            // Only call instructions may change, and only their register byte and imm.
            for (k, chunk) in v.section_data(s.index).chunks(8).enumerate() {
                let at = s.offset as usize + k * 8;
                if chunk[0] == 0x85 && bound[at] == 0x85 {
                    ranges.push(at + 1..at + 2);
                    ranges.push(at + 4..at + 8);
                }
            }
        }
    }
    ranges
}

#[test]
fn binding_changes_only_calls_tables_and_btf_and_keeps_every_offset() {
    let dir = tempfile::tempdir().unwrap();
    for &(source, platform) in PROGRAMS {
        for target in ["bpf", "bpfeb"] {
            let late = compile(dir.path(), source, platform, target, true);
            let input = fs::read(&late).unwrap();
            let bound_path = dir.path().join("b.o");
            let out = helper_bind(&[
                "--platform",
                platform,
                "-o",
                bound_path.to_str().unwrap(),
                late.to_str().unwrap(),
            ]);
            assert_eq!(status(&out).0, 0, "{}", status(&out).1);
            let bound = fs::read(&bound_path).unwrap();
            assert_eq!(bound.len(), input.len());
            let allowed = allowed_ranges(&input, &bound);
            for (i, (a, b)) in input.iter().zip(&bound).enumerate() {
                if a != b {
                    assert!(
                        allowed.iter().any(|r| r.contains(&i)),
                        "{source} {platform} {target}: byte {i:#x} changed outside the allowed edits"
                    );
                }
            }
            // Sections the tool never edits are identical, found by name with `object`.
            let before = sections(&input);
            let after = sections(&bound);
            for ((n1, d1), (n2, d2)) in before.iter().zip(&after) {
                assert_eq!(n1, n2);
                let edited = n1.starts_with(".rel")
                    || n1 == ".symtab"
                    || n1 == ".llvm_addrsig"
                    || n1 == ".BTF";
                let code = code_sections(&input).iter().any(|(n, _)| n == n1);
                if !edited && !code {
                    assert_eq!(d1, d2, "{source} {platform} {target}: section {n1} changed");
                }
            }
            // The object is still readable by an independent reader and by llvm-readelf.
            let readelf = std::process::Command::new("llvm-readelf-19")
                .args(["-a", "--addrsig"])
                .arg(&bound_path)
                .output()
                .unwrap();
            assert!(readelf.status.success());
            let text =
                String::from_utf8_lossy(&readelf.stdout) + String::from_utf8_lossy(&readelf.stderr);
            assert!(
                !text.contains("warning"),
                "{source} {platform} {target}: {text}"
            );
        }
    }
}

#[test]
fn helper_btf_becomes_static_with_named_params_and_kfuncs_stay_extern() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "tc_kfunc.c", "linux", "bpf", true);
    let out = helper_bind(&["--platform", "linux", late.to_str().unwrap()]);
    assert_eq!(status(&out).0, 0, "{}", status(&out).1);
    let dump = std::process::Command::new("bpftool")
        .args(["btf", "dump", "file"])
        .arg(&late)
        .output()
        .expect("bpftool (scripts/setup-test-env installs it)");
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(
        text.contains("FUNC 'bpf_skb_load_bytes' type_id="),
        "{text}"
    );
    for line in text
        .lines()
        .filter(|l| l.starts_with('[') && l.contains("] FUNC '"))
    {
        if line.contains("'bpf_rcu_read_") {
            assert!(line.ends_with("linkage=extern"), "kfunc changed: {line}");
        } else {
            assert!(
                !line.ends_with("linkage=extern"),
                "helper left extern: {line}"
            );
        }
    }
    // Each helper's prototype parameters now have names.
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("'(anon)' type_id=") && !l.contains("type_id=0")),
        "{text}"
    );
}

#[test]
fn bound_linux_objects_load_through_libbpf_with_their_btf() {
    let dir = tempfile::tempdir().unwrap();
    let probe = compile(dir.path(), "maps_xdp.c", "linux", "bpf", false);
    if !can_load(&probe) {
        return;
    }
    for source in ["maps_xdp.c", "tc_kfunc.c"] {
        let late = compile(dir.path(), source, "linux", "bpf", true);
        // Unbound, libbpf refuses it (the helpers look like unresolvable externs).
        assert!(
            load_all(&late, "late").is_err(),
            "{source}: unbound object loaded"
        );
        let out = helper_bind(&["--platform", "linux", late.to_str().unwrap()]);
        assert_eq!(status(&out).0, 0, "{}", status(&out).1);
        let progs = load_all(&late, "bound")
            .unwrap_or_else(|e| panic!("{source}: bound object does not load: {e}"));
        assert_eq!(progs.len(), 2, "{source}");
        for p in progs {
            assert!(
                p["btf_id"].as_u64().unwrap_or(0) > 0,
                "{source}: program without BTF: {p}"
            );
        }
    }
}

#[test]
fn nothing_to_bind_is_a_clean_noop_and_binding_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let early = compile(dir.path(), "maps_xdp.c", "linux", "bpf", false);
    let before = fs::read(&early).unwrap();
    let out = helper_bind(&["--platform", "linux", early.to_str().unwrap()]);
    let (code, stderr) = status(&out);
    assert_eq!(code, 0);
    assert!(stderr.contains("nothing to bind"), "{stderr}");
    assert_eq!(fs::read(&early).unwrap(), before);
    let copy = dir.path().join("copy.o");
    let out = helper_bind(&[
        "--platform",
        "linux",
        "-o",
        copy.to_str().unwrap(),
        early.to_str().unwrap(),
    ]);
    assert_eq!(status(&out).0, 0);
    assert_eq!(fs::read(&copy).unwrap(), before);

    let late = compile(dir.path(), "maps_xdp.c", "linux", "bpf", true);
    assert_eq!(
        status(&helper_bind(&[
            "--platform",
            "linux",
            late.to_str().unwrap()
        ]))
        .0,
        0
    );
    let once = fs::read(&late).unwrap();
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "linux",
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    assert!(stderr.contains("nothing to bind"), "{stderr}");
    assert_eq!(fs::read(&late).unwrap(), once);
}

fn assert_unchanged_and_no_output(input: &Path, before: &[u8], output: &Path) {
    assert_eq!(fs::read(input).unwrap(), before, "input modified");
    assert!(!output.exists(), "output written on failure");
}

#[test]
fn unknown_externs_are_all_listed_with_place_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "unresolved.c", "linux", "bpf", true);
    let before = fs::read(&late).unwrap();
    let out_path = dir.path().join("out.o");
    for args in [
        vec![
            "--platform",
            "linux",
            "-o",
            out_path.to_str().unwrap(),
            late.to_str().unwrap(),
        ],
        vec!["--platform", "windows", late.to_str().unwrap()],
    ] {
        let (code, stderr) = status(&helper_bind(&args));
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(late.to_str().unwrap()), "{stderr}");
        assert!(
            stderr.contains("section `xdp` instruction") && stderr.contains("`bpf_map_lookup_elm`"),
            "{stderr}"
        );
        assert!(
            stderr.contains("did you mean `bpf_map_lookup_elem`?"),
            "{stderr}"
        );
        assert!(stderr.contains("`my_missing_function`"), "{stderr}");
        assert!(stderr.contains("2 call(s) cannot be bound"), "{stderr}");
        assert_unchanged_and_no_output(&late, &before, &out_path);
    }
}

#[test]
fn allow_unresolved_binds_the_helpers_and_leaves_the_rest_for_a_later_link() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "unresolved.c", "linux", "bpf", true);
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "linux",
        "--allow-unresolved",
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: left unbound"), "{stderr}");
    let bytes = fs::read(&late).unwrap();
    assert_eq!(
        undefined_symbols(&bytes),
        vec!["bpf_map_lookup_elm", "my_missing_function"]
    );
    let relocs: Vec<String> = code_relocations(&bytes).into_iter().map(|r| r.2).collect();
    assert!(relocs.contains(&"my_missing_function".to_string()));
    assert!(!relocs.contains(&"bpf_ktime_get_ns".to_string()));
}

#[test]
fn helpers_file_adds_names_and_uapi_gives_linux_ids() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "unresolved.c", "linux", "bpf", true);
    let tsv = dir.path().join("extra.tsv");
    fs::write(
        &tsv,
        "name\tid\treturn_type\tparams\tscope\tsections\n\
         bpf_map_lookup_elm\t4241\tvoid *\t(void *map, const void *key)\tgeneral\t-\n\
         my_missing_function\t4242\tint\t(int x)\tgeneral\t-\n",
    )
    .unwrap();
    let out = dir.path().join("o.o");
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "linux",
        "--helpers",
        tsv.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(undefined_symbols(&fs::read(&out).unwrap()).is_empty());

    let uapi = workspace().join("target/oracles/linux-6.12/bpf.h");
    assert!(
        uapi.exists(),
        "{} missing: run scripts/setup-test-env",
        uapi.display()
    );
    let late = compile(dir.path(), "maps_xdp.c", "linux", "bpf", true);
    let early = compile(dir.path(), "maps_xdp.c", "linux", "bpf", false);
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "linux",
        "--uapi",
        uapi.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        code_sections(&fs::read(&out).unwrap()),
        code_sections(&fs::read(&early).unwrap())
    );
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "windows",
        "--uapi",
        uapi.to_str().unwrap(),
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn windows_program_type_helper_outside_its_type_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "wrong_type.c", "windows", "bpf", true);
    let before = fs::read(&late).unwrap();
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "windows",
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`bpf_xdp_adjust_head` belongs to program type xdp"),
        "{stderr}"
    );
    assert!(stderr.contains("section `sockops`"), "{stderr}");
    assert_eq!(fs::read(&late).unwrap(), before);
}

#[test]
fn bpftool_links_bound_objects_and_linked_objects_bind() {
    let dir = tempfile::tempdir().unwrap();
    let a = compile(dir.path(), "maps_xdp.c", "linux", "bpf", true);
    let b = compile(dir.path(), "tc_kfunc.c", "linux", "bpf", true);
    // Link first, bind the linked object.
    let linked = dir.path().join("linked.o");
    let link = std::process::Command::new("bpftool")
        .args(["gen", "object"])
        .arg(&linked)
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        link.status.success(),
        "{}",
        String::from_utf8_lossy(&link.stderr)
    );
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "linux",
        linked.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(undefined_symbols(&fs::read(&linked).unwrap())
        .iter()
        .all(|s| s.starts_with("bpf_rcu_read_")));
    // Bind first, link the bound objects.
    for o in [&a, &b] {
        assert_eq!(
            status(&helper_bind(&["--platform", "linux", o.to_str().unwrap()])).0,
            0
        );
    }
    let linked2 = dir.path().join("linked2.o");
    let link = std::process::Command::new("bpftool")
        .args(["gen", "object"])
        .arg(&linked2)
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        link.status.success(),
        "{}",
        String::from_utf8_lossy(&link.stderr)
    );
    let probe = compile(dir.path(), "maps_xdp.c", "linux", "bpf", false);
    if can_load(&probe) {
        for obj in [&linked, &linked2] {
            let progs =
                load_all(obj, "linked").unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
            assert_eq!(progs.len(), 4);
            assert!(progs.iter().all(|p| p["btf_id"].as_u64().unwrap_or(0) > 0));
        }
    }
}

#[test]
fn program_type_helper_in_a_subprogram_binds_only_when_its_callers_agree() {
    // windows_types.c (in the differential above) binds such calls reached from xdp programs
    // only; here one subprogram is reached from xdp and sockops and another from nothing.
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "subprog_conflict.c", "windows", "bpf", true);
    let before = fs::read(&late).unwrap();
    let (code, stderr) = status(&helper_bind(&[
        "--platform",
        "windows",
        late.to_str().unwrap(),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("subprogram `orphan` is called from no program section"),
        "{stderr}"
    );
    assert!(
        stderr.contains("subprogram `shared` has no single ID for the programs calling it: `xdp` binds it to 65536, `sockops` is not of program type xdp"),
        "{stderr}"
    );
    assert_eq!(fs::read(&late).unwrap(), before);
    let list = helper_bind(&[
        "list",
        "--platform",
        "windows",
        "--json",
        late.to_str().unwrap(),
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let statuses: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "bpf_xdp_adjust_head")
        .map(|r| r["platforms"]["windows"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["subprogram-program-type"; 2]);
}

/// A late-bound C program of `functions` functions with five helper calls each and enough
/// arithmetic that code, BTF and `.BTF.ext` grow like real programs (the shape of
/// `scripts/bench-helper-bind`'s objects).
fn large_program(functions: usize) -> String {
    let mut out = String::from(
        "#include <linux/types.h>\n#include <bpf_helper_defs.h>\n\
         #define SEC(name) __attribute__((section(name), used))\n\
         struct { int (*type)[2]; int (*max_entries)[4]; __u32 *key; __u64 *value; } m SEC(\".maps\");\n",
    );
    for i in 0..functions {
        let mix: String = (0..12)
            .map(|j| {
                format!(
                    "\tx = (x ^ (x >> {})) * {}ULL + {};\n",
                    j % 13 + 3,
                    2654435761u64 + (i * 31 + j) as u64,
                    i * 7 + j
                )
            })
            .collect();
        out += &format!(
            "__attribute__((noinline)) __u64 f{i}(__u64 x)\n{{\n\t__u32 k = x & 3;\n\
             \t__u64 *v = bpf_map_lookup_elem(&m, &k);\n\tif (v) x += *v;\n{mix}\
             \tx ^= bpf_ktime_get_ns();\n\tbpf_map_update_elem(&m, &k, &x, 0);\n{mix}\
             \tx += bpf_get_prandom_u32() + bpf_get_smp_processor_id();\n\treturn x;\n}}\n"
        );
    }
    let calls: Vec<String> = (0..functions)
        .step_by(functions / 20 + 1)
        .map(|i| format!("f{i}(x)"))
        .collect();
    out += &format!(
        "SEC(\"xdp\") int entry(void *ctx) {{ __u64 x = bpf_ktime_get_ns(); return (int)({}); }}\n\
         char LICENSE[] SEC(\"license\") = \"GPL\";\n",
        calls.join(" + ")
    );
    out
}

/// A megabyte-sized object (many staging buffers of calls, kernel copies between them): the
/// file written, with `-o` and in place, is exactly the in-memory bind, in both byte orders;
/// binding it again changes nothing and leaves no temporary file.
#[test]
fn large_objects_written_are_the_in_memory_bind() {
    use helper_bind::platform::{Platform, PlatformKind};
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("large.c");
    fs::write(&source, large_program(150)).unwrap();
    let linux = Platform::builtin(PlatformKind::Linux);
    for target in ["bpf", "bpfeb"] {
        let late = compile_file(dir.path(), &source, "linux", target, true);
        let input = fs::read(&late).unwrap();
        assert!(
            input.len() > 1 << 20,
            "{target}: only {} bytes",
            input.len()
        );
        let mut expected = input.clone();
        let report =
            helper_bind::bind(&mut expected, &linux, helper_bind::BindOptions::default()).unwrap();
        assert!(report.bound_count() >= 750, "{target}");

        let out = dir.path().join("large-bound.o");
        let run = helper_bind(&[
            "--platform",
            "linux",
            "-o",
            out.to_str().unwrap(),
            late.to_str().unwrap(),
        ]);
        assert_eq!(status(&run).0, 0, "{}", status(&run).1);
        assert!(
            fs::read(&out).unwrap() == expected,
            "{target}: -o output differs"
        );
        let run = helper_bind(&["--platform", "linux", late.to_str().unwrap()]);
        assert_eq!(status(&run).0, 0, "{}", status(&run).1);
        assert!(
            fs::read(&late).unwrap() == expected,
            "{target}: in-place output differs"
        );
        // Bound already: nothing to bind, the file untouched.
        let run = helper_bind(&["--platform", "linux", late.to_str().unwrap()]);
        assert!(
            status(&run).1.contains("nothing to bind"),
            "{}",
            status(&run).1
        );
        assert!(
            fs::read(&late).unwrap() == expected,
            "{target}: no-op changed the file"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
