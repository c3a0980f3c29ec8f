//! What each fuzz target does with an object, and the properties it checks beyond "no panic".
//! The per-API targets call one function each; `mutate_object` calls them all.

use helper_bind::check::{check, render};
use helper_bind::classify;
use helper_bind::elf::ElfView;
use helper_bind::insn::{Flow, OP_CALL};
use helper_bind::list;
use helper_bind::platform::{Platform, PlatformKind};
use helper_bind::rebind::{rebind, RebindOptions};
use helper_bind::unbind::{unbind, UnbindOptions};
use helper_bind::{bind, BindOptions, HelperTable};
use std::sync::OnceLock;

/// The built-in Linux and Windows platforms, built once.
pub fn platforms() -> &'static [Platform] {
    static PLATFORMS: OnceLock<Vec<Platform>> = OnceLock::new();
    PLATFORMS.get_or_init(|| {
        PlatformKind::ALL
            .iter()
            .map(|&k| Platform::builtin(k))
            .collect()
    })
}

/// The read-only ELF view, every section, symbol and relocation it offers, and the
/// argument-count analysis on every call of every code section.
pub fn elf_view(bytes: &[u8]) {
    let Ok(view) = ElfView::parse(bytes) else {
        return;
    };
    for s in &view.sections {
        let _ = s.name();
        let data = view.section_data(s.index);
        assert_eq!(data.len(), s.file_range().len());
        if s.is_code() {
            let entries = view
                .symbols
                .iter()
                .filter(|sym| sym.shndx as usize == s.index)
                .map(|sym| (sym.value / 8) as usize);
            let flow = Flow::new(view.endian, data, entries);
            for (i, insn) in data.chunks_exact(8).enumerate() {
                if insn[0] == OP_CALL {
                    let _ = flow.args_before(view.endian, data, i).contiguous_count();
                }
            }
            let _ = view.relocations_for(s.index).count();
        }
    }
    for sym in &view.symbols {
        let _ = (sym.name(), sym.is_undefined());
    }
    // Binding checks in-order call relocations as it reads them; the collecting check must
    // agree on every call and on the error.
    match (
        classify::relocated_calls(&view),
        classify::relocated_calls_as_binding_reads_them(&view),
    ) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the two relocated-call checks list different calls"),
        (Err(a), Err(b)) => assert_eq!(
            a.to_string(),
            b.to_string(),
            "the two checks fail differently"
        ),
        (a, b) => panic!("the two relocated-call checks disagree: {a:?} vs {b:?}"),
    }
}

/// `unbind --from linux|windows`. What it accepts and produces must be a valid object (when
/// the input was one) with no numeric helper call left.
pub fn unbind_all(bytes: &[u8]) {
    let input_valid = ElfView::parse(bytes).is_ok();
    for platform in platforms() {
        let Ok(out) = unbind(bytes, platform, &UnbindOptions::default()) else {
            continue;
        };
        if input_valid {
            if let Err(e) = ElfView::parse(&out.bytes) {
                panic!(
                    "unbind --from {:?} wrote an object the reader rejects: {e}",
                    platform.kind()
                );
            }
        }
        match unbind(&out.bytes, platform, &UnbindOptions::default()) {
            Ok(again) => assert!(
                again.calls.is_empty(),
                "unbind left numeric calls behind: {:?}",
                again.calls
            ),
            Err(e) => panic!("unbinding unbind's own output fails: {e}"),
        }
    }
}

/// Binding for each platform, strict and with `allow_unresolved`. A failed bind leaves the
/// bytes untouched; a successful one keeps the file size, gives an object the reader accepts,
/// is deterministic, and binding its output again is a no-op.
///
/// One (platform, `allow_unresolved`) variant per input, chosen by its length, strict in one
/// case of four: every variant on every input would multiply the cost of each execution (the
/// "did you mean" search for unresolved names dominates), while the corpus still covers each.
pub fn bind_all(bytes: &[u8]) {
    let pick = bytes.len() % 8;
    {
        let platform = &platforms()[pick % 2];
        {
            let allow_unresolved = pick >= 2;
            let options = BindOptions { allow_unresolved };
            let mut data = bytes.to_vec();
            let Ok(report) = bind(&mut data, platform, options) else {
                assert!(data == bytes, "a failed bind changed the bytes");
                return;
            };
            let kind = platform.kind();
            assert_eq!(
                data.len(),
                bytes.len(),
                "bind --platform {kind:?} changed the file size"
            );
            if report.is_noop() {
                assert!(data == bytes, "a no-op bind changed the bytes");
            }
            if let Err(e) = ElfView::parse(&data) {
                panic!("bind --platform {kind:?} wrote an object the reader rejects: {e}");
            }
            let mut again = bytes.to_vec();
            let _ = bind(&mut again, platform, options);
            assert!(again == data, "bind is not deterministic");
            let before = data.clone();
            match bind(&mut data, platform, options) {
                Ok(second) => {
                    assert!(
                        second.is_noop(),
                        "binding a bound object binds again: {:?}",
                        second.bound().collect::<Vec<_>>()
                    );
                    assert!(data == before, "binding a bound object changed it");
                }
                Err(e) => panic!("binding bind's own output fails: {e}"),
            }
        }
    }
}

/// `list` on both platforms, rendered as text and JSON.
pub fn list_all(bytes: &[u8]) {
    let p = platforms();
    let tables: [(&str, &dyn HelperTable); 2] = [("linux", &p[0]), ("windows", &p[1])];
    if let Ok(rows) = list::list(bytes, &tables) {
        let _ = list::to_text(&rows);
        let _ = list::to_json(&rows);
    }
}
/// `check` for every (from, to) pair, rendered; where it says the object rebinds cleanly,
/// `rebind` must succeed and give an object the reader accepts.
pub fn check_all(bytes: &[u8]) {
    for from in platforms() {
        for to in platforms() {
            let Ok(report) = check(bytes, from, to) else {
                continue;
            };
            let _ = render::to_text(&report, "fuzz.o");
            let _ = render::to_json(&report, "fuzz.o");
            if report.binds_cleanly() {
                match rebind(bytes, from, to, RebindOptions::default()) {
                    Ok(out) => {
                        if let Err(e) = ElfView::parse(&out.bytes) {
                            panic!(
                                "rebind {:?}->{:?} wrote an object the reader rejects: {e}",
                                from.kind(),
                                to.kind()
                            );
                        }
                    }
                    Err(e) => panic!(
                        "check {:?}->{:?} says the object rebinds cleanly, rebind fails: {e}",
                        from.kind(),
                        to.kind()
                    ),
                }
            }
        }
    }
}
