//! Moving an object between platforms: the early-bound build of a portable source for one
//! platform, unbound (`unbind --from P`) and bound for the other (`--platform Q`), has
//! exactly the code of the early-bound build of the same source for the other platform.

use integration_tests::compile::{compile, portable_programs, Binding, Endian, Platform};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

fn moved_equals_native(from: Platform, to: Platform) {
    let dir = scratch_dir();
    for program in portable_programs(from) {
        let native = portable_programs(to)
            .into_iter()
            .find(|p| p.name == program.name)
            .unwrap();
        for endian in Endian::BOTH {
            let label = format!("{program} {endian:?} {} -> {}", from.name(), to.name());
            let sub = dir.path().join(from.name());
            std::fs::create_dir_all(&sub).unwrap();
            let source_build = compile(&program, endian, Binding::Early, &sub);
            let target_build = ElfView::read(&compile(&native, endian, Binding::Early, dir.path()));
            let unbound = sub.join(format!("{}-{}-unbound.o", program.name, endian.target()));
            let moved = sub.join(format!("{}-{}-moved.o", program.name, endian.target()));
            tool::run_ok([
                "unbind".as_ref(),
                "--from".as_ref(),
                from.name().as_ref(),
                "-o".as_ref(),
                unbound.as_os_str(),
                source_build.as_os_str(),
            ]);
            tool::bind(to.name(), &unbound, &moved);
            let moved = ElfView::read(&moved);
            let mut compared = 0;
            for section in target_build.code_sections() {
                assert_eq!(
                    section.data,
                    moved.section(&section.name).data,
                    "{label}: {} differs from the native build",
                    section.name
                );
                compared += 1;
            }
            assert!(compared > 0, "{label}: no code");
            assert_eq!(
                moved.undefined_symbols(),
                target_build.undefined_symbols(),
                "{label}: undefined symbols"
            );
        }
    }
}

#[test]
fn linux_build_moved_to_windows_equals_the_windows_build() {
    moved_equals_native(Platform::Linux, Platform::Windows);
}

#[test]
fn windows_build_moved_to_linux_equals_the_linux_build() {
    moved_equals_native(Platform::Windows, Platform::Linux);
}
