//! Inputs that are valid but large: a million helper calls, each with its relocation. They must
//! bind completely, within the same 1 GiB address-space cap as every hostile run (so memory use
//! follows the file, not a multiple of the entry count times something large).

mod hostile_support;

use hostile_support::*;
use std::fs;

const CALLS: usize = 1_000_000;

#[test]
fn a_million_relocations_bind_completely() {
    for (big_endian, platform, id) in [(false, "linux", 5u32), (true, "windows", 9u32)] {
        let bytes = minimal_object(big_endian, CALLS, "xdp");
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("million.o");
        let out = dir.path().join("bound.o");
        fs::write(&input, &bytes).unwrap();
        let run = helper_bind(&args([
            "--platform".into(),
            platform.into(),
            "-o".into(),
            out.clone().into_os_string(),
            input.clone().into_os_string(),
        ]));
        assert_eq!(run.code, Some(0), "{platform}: {run:?}");
        assert_eq!(fs::read(&input).unwrap(), bytes, "input changed");

        let bound = Obj::parse(fs::read(&out).unwrap());
        let code = bound.section("xdp");
        let src_reg_byte = 0x00;
        for k in 0..CALLS {
            let at = code.offset as usize + k * 8;
            assert_eq!(bound.bytes[at], 0x85, "instruction {k} is no longer a call");
            assert_eq!(
                bound.bytes[at + 1],
                src_reg_byte,
                "instruction {k}: src_reg"
            );
            assert_eq!(
                bound.u32_at(at + 4),
                id,
                "instruction {k}: helper id on {platform}"
            );
        }
        // Every relocation was a bound helper call: none may be left.
        let left: u64 = bound
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_REL)
            .map(|s| s.size / rel::SIZEOF as u64)
            .sum();
        assert_eq!(left, 0, "{platform}: relocations left after binding");
    }
}

#[test]
fn a_million_relocations_list() {
    let bytes = minimal_object(false, CALLS, "xdp");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("million.o");
    fs::write(&input, &bytes).unwrap();
    let run = helper_bind(&args([
        "list".into(),
        "--json".into(),
        input.into_os_string(),
    ]));
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(
        run.stdout.matches(MINIMAL_HELPER).count() >= CALLS,
        "every call site listed"
    );
}
