//! Batch binding: `helper-bind --platform P -o OUTDIR/ A.o B.o ...` binds every object as
//! binding it alone would, writes nothing for the objects that fail, reports one line per
//! failed object, and says in its exit status whether all succeeded.

use std::path::{Path, PathBuf};

use integration_tests::compile::{compile, extra_program, programs, Binding, Endian, Platform};
use integration_tests::differential::file_bytes;
use integration_tests::{scratch_dir, tool};

fn batch(platform: Platform, out_dir: &Path, inputs: &[PathBuf]) -> std::process::Output {
    let out_arg = format!("{}/", out_dir.display());
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--platform".as_ref(),
        platform.name().as_ref(),
        "-o".as_ref(),
        out_arg.as_ref(),
    ];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    tool::run(args)
}

/// Every program of `platform` (late-bound, one byte order per directory so names stay
/// unique) plus, if given, one object that cannot bind.
fn inputs(platform: Platform, endian: Endian, dir: &Path, failing: Option<&str>) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = programs(platform)
        .iter()
        .map(|p| compile(p, endian, Binding::Late, dir))
        .collect();
    if let Some(source) = failing {
        inputs.push(compile(
            &extra_program(source, platform),
            endian,
            Binding::Late,
            dir,
        ));
    }
    inputs
}

#[test]
fn batch_outputs_equal_single_binds() {
    for platform in [Platform::Linux, Platform::Windows] {
        for endian in Endian::BOTH {
            let dir = scratch_dir();
            let inputs = inputs(platform, endian, dir.path(), None);
            let out_dir = dir.path().join("out");
            std::fs::create_dir(&out_dir).unwrap();
            let output = batch(platform, &out_dir, &inputs);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{stderr}");
            // Not a terminal here: no progress bar redraws or colours.
            assert!(
                !stderr.contains('\r') && !stderr.contains('\u{1b}'),
                "progress output although stderr is not a terminal: {stderr:?}"
            );
            for input in &inputs {
                let single = input.with_extension("single.o");
                tool::bind(platform.name(), input, &single);
                let batched = out_dir.join(input.file_name().unwrap());
                assert_eq!(
                    file_bytes(&batched),
                    file_bytes(&single),
                    "{platform:?} {endian:?} {}: batch output differs from a single bind",
                    input.display()
                );
            }
        }
    }
}

#[test]
fn a_failing_object_is_reported_once_and_not_written() {
    let cases = [
        (Platform::Linux, "errors/misspelled_helper.c"),
        (Platform::Windows, "errors/windows_helper_outside_type.c"),
    ];
    for (platform, failing) in cases {
        let dir = scratch_dir();
        let inputs = inputs(platform, Endian::Little, dir.path(), Some(failing));
        let before: Vec<Vec<u8>> = inputs.iter().map(|p| file_bytes(p)).collect();
        let out_dir = dir.path().join("out");
        std::fs::create_dir(&out_dir).unwrap();
        let output = batch(platform, &out_dir, &inputs);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{platform:?}: {stderr}");

        let failed = inputs.last().unwrap();
        let failed_name = failed.file_name().unwrap().to_string_lossy().into_owned();
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains(&failed_name))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "{platform:?}: one line for {failed_name}:\n{stderr}"
        );
        assert!(
            !out_dir.join(&failed_name).exists(),
            "{failed_name}: output written"
        );
        for input in &inputs[..inputs.len() - 1] {
            assert!(
                out_dir.join(input.file_name().unwrap()).is_file(),
                "{}: a good object was not written because another failed",
                input.display()
            );
        }
        let after: Vec<Vec<u8>> = inputs.iter().map(|p| file_bytes(p)).collect();
        assert_eq!(before, after, "{platform:?}: inputs modified");
    }
}
