//! `bpf-doc-gen`: command-line front end of the `bpf_doc_gen` library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use bpf_doc_gen::table::Table;
use bpf_doc_gen::{parse, render, write_atomic, Compat, Format, Options};
use clap::{Parser, ValueEnum};

/// Generate bpf_helper_defs.h, BPF_HELPER headers, man pages or JSON from the helper
/// documentation of include/uapi/linux/bpf.h.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Header)]
    format: FormatArg,
    /// Reproduce the output of this kernel's scripts/bpf_doc.py instead of the newest one.
    #[arg(long, value_name = "VERSION", value_parser = ["6.1"])]
    compat: Option<String>,
    /// Header formats: prototypes and IDs only, no documentation text.
    #[arg(long)]
    no_docs: bool,
    /// Write here (atomically) instead of to standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    /// Man pages: kernel version for the `:Version:` field (`Linux VERSION`).
    #[arg(long, value_name = "VERSION")]
    man_version: Option<String>,
    /// Man pages: date for the `:Date:` field (left out by default).
    #[arg(long, value_name = "DATE")]
    man_date: Option<String>,
    /// Instead of a bpf.h, read a platform's helper fact tables (a directory like
    /// shared/platforms) and write its BPF_HELPER table header.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["bpf_h", "compat", "man_version", "man_date"])]
    platform_tsv: Option<PathBuf>,
    /// The bpf.h to read.
    #[arg(value_name = "BPF_H", default_value = "/usr/include/linux/bpf.h")]
    bpf_h: PathBuf,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    /// The kernel's bpf_helper_defs.h (bpf_doc.py --header).
    Header,
    /// Every helper as BPF_HELPER(return_type, name, (args), id).
    BpfHelper,
    /// The bpf-helpers(7) man-page source.
    Rst,
    /// The bpf(2) man-page source.
    SyscallRst,
    /// Helpers as JSON (bpf_doc.py --json, plus ids).
    Json,
    /// Syscall commands as JSON (bpf_doc.py --json syscall).
    SyscallJson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Header => Format::Header,
            FormatArg::BpfHelper => Format::BpfHelper,
            FormatArg::Rst => Format::Rst,
            FormatArg::SyscallRst => Format::SyscallRst,
            FormatArg::Json => Format::Json,
            FormatArg::SyscallJson => Format::SyscallJson,
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let text = match &cli.platform_tsv {
        Some(dir) => {
            if !matches!(cli.format, FormatArg::BpfHelper | FormatArg::Header) {
                bail!(
                    "--platform-tsv writes a BPF_HELPER table header; --format {:?} does not apply",
                    cli.format
                );
            }
            // Table errors already name the file and line.
            let table = Table::from_platform_dir(dir).map_err(anyhow::Error::msg)?;
            table.to_bpf_helper_header()
        }
        None => {
            let model = parse::parse_file(&cli.bpf_h).map_err(anyhow::Error::msg)?;
            let opts = Options {
                format: cli.format.into(),
                compat: match cli.compat.as_deref() {
                    Some("6.1") => Compat::Linux6_1,
                    _ => Compat::Newest,
                },
                no_docs: cli.no_docs,
                man_version: cli.man_version,
                man_date: cli.man_date,
            };
            render(&model, &opts).map_err(|source| {
                anyhow::Error::msg(bpf_doc_gen::Error::Emit {
                    file: cli.bpf_h.display().to_string(),
                    source,
                })
            })?
        }
    };
    match &cli.output {
        Some(out) => write_atomic(out, text.as_bytes())
            .with_context(|| format!("{}: cannot write", out.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}
