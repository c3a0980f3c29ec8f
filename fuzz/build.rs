//! Compiles the seed BPF programs (seeds-src/*.c) into OUT_DIR with clang-19, so the
//! structure-aware target can embed valid objects to mutate (fuzz/make-seeds does the work).
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("objects");
    println!("cargo:rerun-if-changed=seeds-src");
    println!("cargo:rerun-if-changed=make-seeds");
    let status = Command::new(manifest.join("make-seeds"))
        .arg("--objects-only")
        .arg(&out)
        .status()
        .expect("fuzz/make-seeds could not be started");
    assert!(
        status.success(),
        "fuzz/make-seeds failed (clang-19 missing? run scripts/setup-test-env)"
    );
    // seeds.rs: the objects as a slice of (file name, bytes), for `include!`.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".o"))
        .collect();
    names.sort();
    let mut list = String::from("&[\n");
    for n in &names {
        list += &format!("    ({n:?}, include_bytes!({:?})),\n", out.join(n));
    }
    list += "]\n";
    std::fs::write(out.parent().unwrap().join("seeds.rs"), list).unwrap();
}
