//! Real bpf.h files with deterministic pseudo-random damage (truncation, lost, doubled or
//! swapped lines, garbage, stray characters), concentrated on the helper block and the
//! mapper: parsing and every output format must answer with a result or an error, never a
//! panic, and every parse error must name a line inside the file.

mod support;

use bpf_doc_gen::parse::parse_str;
use bpf_doc_gen::{render, Compat, Format, Options};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const GARBAGE: &[&str] = &[
    "",
    " *",
    " */",
    " * \tDescription",
    " * \tReturn",
    " * \tAttributes",
    " * \t\t__bpf_fastcall",
    " * \t\t__nope",
    " * long bpf_x(void)",
    " * long bpf_x(int a, int b, int c, int d, int e, int f)",
    " * void *(void)",
    " * BPF_X",
    "\tFN(x, 9999999999, ##ctx)\t\\",
    "\tFN(x, 1, ##ctx)\t\\",
    "\tFN(),\t\\",
    "#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\",
    "#define __BPF_FUNC_MAPPER(FN)\t\\",
    " * Start of BPF helper function descriptions:",
    " * DOC: eBPF Syscall Commands",
    "enum bpf_cmd {",
    " * \t\tévé ünïcode ✓",
    " * long bpf_é(void)",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Mostly inside the helper block and mapper, where the parser does the most.
    let start = lines
        .iter()
        .position(|l| l.contains("Start of BPF helper function descriptions:"))
        .unwrap_or(0);
    let pick = |rng: &mut Rng, lines: &Vec<String>| {
        if rng.below(4) == 0 || start >= lines.len() {
            rng.below(lines.len())
        } else {
            start + rng.below(lines.len() - start)
        }
    };
    for _ in 0..1 + rng.below(3) {
        if lines.is_empty() {
            break;
        }
        let i = pick(rng, &lines);
        match rng.below(6) {
            0 => lines.truncate(i),
            1 => {
                lines.remove(i);
            }
            2 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            3 => {
                let j = pick(rng, &lines);
                lines.swap(i, j);
            }
            4 => lines[i] = GARBAGE[rng.below(GARBAGE.len())].to_string(),
            _ => {
                let l = &mut lines[i];
                let at = (0..=l.len())
                    .filter(|&k| l.is_char_boundary(k))
                    .nth(rng.below(l.len() + 1))
                    .unwrap_or(0);
                l.insert(at, ['\t', ' ', ',', '(', ')', '*', 'é'][rng.below(7)]);
            }
        }
    }
    let mut out = lines.join("\n");
    if rng.below(2) == 0 {
        out.push('\n');
    }
    out
}

#[test]
fn damaged_headers_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut outcomes = (0, 0);
    for oracle in ["linux-6.1", "linux-unstable"] {
        let text = std::fs::read_to_string(support::kernel(oracle).join("bpf.h")).unwrap();
        for _ in 0..150 {
            let damaged = mutate(&text, &mut rng);
            match parse_str(&damaged, "damaged.h") {
                Ok(model) => {
                    outcomes.0 += 1;
                    for format in [
                        Format::Header,
                        Format::BpfHelper,
                        Format::Rst,
                        Format::SyscallRst,
                        Format::Json,
                        Format::SyscallJson,
                    ] {
                        for compat in [Compat::Newest, Compat::Linux6_1] {
                            let opts = Options {
                                format,
                                compat,
                                ..Options::default()
                            };
                            let _ = render(&model, &opts);
                        }
                    }
                }
                Err(e) => {
                    outcomes.1 += 1;
                    let lines = damaged.lines().count().max(1);
                    assert!(
                        e.line >= 1 && e.line <= lines,
                        "{e} (file has {lines} lines)"
                    );
                }
            }
        }
    }
    // Both outcomes must occur, or the damage is not exercising anything.
    assert!(
        outcomes.0 > 10 && outcomes.1 > 10,
        "{outcomes:?} (parsed, refused)"
    );
}
