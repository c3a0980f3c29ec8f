//! `helper-bind` command line: a thin layer over the `helper_bind` library.
//!
//! Exit status: 0 success (including nothing to bind), 1 calls that cannot be bound, 2 bad
//! input or usage.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use helper_bind::platform::{Platform, PlatformKind};
use helper_bind::unbind::{unbind, UnbindOptions};
use helper_bind::{bind_file, list, BindOptions, Error, HelperTable};

/// Bind BPF helper calls declared by name (`extern` helpers) to a platform's helper IDs.
///
/// Without a subcommand: bind INPUT for --platform, in place or to -o OUT.
#[derive(Parser)]
#[command(
    name = "helper-bind",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Exit status: 0 bound (or nothing to bind), 1 calls that cannot be bound, 2 bad input or usage.\n\
                  Outputs are written atomically (temporary file + rename); a symbolic link is written\n\
                  through: its target is replaced and the link kept, as strip and objcopy do."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    bind: BindArgs,
}

#[derive(Args, Debug, PartialEq)]
struct TableArgs {
    /// Take Linux helper IDs from this include/uapi/linux/bpf.h instead of the built-in table.
    #[arg(long, value_name = "BPF_H")]
    uapi: Option<PathBuf>,
    /// Add helpers from a BPF_HELPER header or a helper TSV (repeatable).
    #[arg(long = "helpers", value_name = "FILE")]
    helpers: Vec<PathBuf>,
}

#[derive(Args, Debug, PartialEq)]
struct BindArgs {
    /// Target platform.
    #[arg(long, value_name = "linux|windows", required = true)]
    platform: Option<PlatformKind>,
    /// Write here instead of rewriting INPUT in place.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    tables: TableArgs,
    /// Leave calls to unknown externs for a later link instead of failing.
    #[arg(long)]
    allow_unresolved: bool,
    /// Rebind: the object's numeric helper calls are this platform's IDs (unbind, then bind).
    #[arg(long, value_name = "linux|windows")]
    from: Option<PlatformKind>,
    /// With --from: rebind even where the platforms declare a helper with different widths.
    #[arg(long, requires = "from")]
    allow_prototype_differences: bool,
    /// The BPF object(s) to bind; several need -o OUTDIR/ (or bind each in place).
    #[arg(value_name = "INPUT.o", required = true)]
    inputs: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// List every call site and what it resolves to on each platform.
    List {
        /// Only this platform (default: every platform).
        #[arg(long, value_name = "linux|windows")]
        platform: Option<PlatformKind>,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        tables: TableArgs,
        /// The BPF object.
        #[arg(value_name = "INPUT.o")]
        input: PathBuf,
    },
    /// Tell whether INPUT binds cleanly for --platform: exit 0 yes, 1 no, 2 bad input.
    Check {
        /// Target platform.
        #[arg(long, value_name = "linux|windows")]
        platform: PlatformKind,
        /// The platform the object was compiled for (its numeric IDs and prototypes).
        #[arg(long, value_name = "linux|windows", default_value = "linux")]
        from: PlatformKind,
        /// JSON instead of a table (schema: helper_bind::check module docs).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        tables: TableArgs,
        /// The BPF object.
        #[arg(value_name = "INPUT.o")]
        input: PathBuf,
    },
    /// Turn numeric helper calls back into calls bound by name (the inverse of binding).
    Unbind {
        /// The platform whose helper IDs the object uses.
        #[arg(long, value_name = "linux|windows")]
        from: PlatformKind,
        /// Write here instead of rewriting INPUT in place.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// The BPF object.
        #[arg(value_name = "INPUT.o")]
        input: PathBuf,
    },
}

/// An error with the exit status it maps to.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: e.exit_code() as u8,
            error: e.into(),
        }
    }
}

fn usage(error: anyhow::Error) -> Failure {
    Failure { code: 2, error }
}

fn platform(kind: PlatformKind, tables: &TableArgs) -> Result<Platform, Failure> {
    let mut p = match (&tables.uapi, kind) {
        (Some(path), PlatformKind::Linux) => {
            Platform::from_uapi(path).map_err(|e| usage(e.into()))?
        }
        (Some(_), PlatformKind::Windows) => {
            return Err(usage(anyhow::anyhow!(
                "--uapi gives Linux helper IDs; it cannot be used with --platform windows"
            )))
        }
        (None, kind) => Platform::builtin(kind),
    };
    for file in &tables.helpers {
        p.add_helpers_file(file).map_err(|e| usage(e.into()))?;
    }
    Ok(p)
}

fn run_bind(args: BindArgs) -> Result<(), Failure> {
    let (Some(kind), Some(input)) = (args.platform, args.inputs.first().cloned()) else {
        return Err(usage(anyhow::anyhow!(
            "--platform and INPUT.o are required"
        )));
    };
    let table = platform(kind, &args.tables)?;
    let options = BindOptions {
        allow_unresolved: args.allow_unresolved,
    };
    let from = args.from.map(Platform::builtin);
    let rebind_options = helper_bind::rebind::RebindOptions {
        allow_unresolved: args.allow_unresolved,
        allow_prototype_differences: args.allow_prototype_differences,
    };
    let outdir = args
        .output
        .as_deref()
        .filter(|o| helper_bind::batch::is_output_dir(o));
    if args.inputs.len() > 1 || outdir.is_some() {
        use helper_bind::batch::{run_batch_cli, Job};
        let job = match &from {
            Some(from) => Job::Rebind {
                from,
                to: &table,
                options: rebind_options,
            },
            None => Job::Bind {
                to: &table,
                options,
            },
        };
        if args.output.is_some() && outdir.is_none() {
            return Err(usage(anyhow::anyhow!(
                "several inputs need -o OUTDIR/ (a directory: trailing slash or existing)"
            )));
        }
        return match run_batch_cli(&args.inputs, outdir, &job) {
            (0, summary) => {
                eprintln!("helper-bind: {summary}");
                Ok(())
            }
            (code, summary) => Err(Failure {
                code: code as u8,
                error: anyhow::anyhow!(summary),
            }),
        };
    }
    if let Some(from) = &from {
        let out = helper_bind::rebind::rebind_file(
            &input,
            args.output.as_deref(),
            from,
            &table,
            rebind_options,
        )
        .map_err(|e| Failure {
            code: e.exit_code() as u8,
            error: anyhow::anyhow!("{}: {e}", input.display()),
        })?;
        eprintln!("{}: {}", input.display(), out.summary());
        return Ok(());
    }
    let report = bind_file(&input, args.output.as_deref(), &table, options)?;
    for p in &report.left_unresolved {
        eprintln!("{}: warning: left unbound: {p}", input.display());
    }
    eprintln!("{}: {}", input.display(), report.summary());
    Ok(())
}

fn read(input: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(input).map_err(|source| {
        Failure::from(Error::Io {
            path: input.to_path_buf(),
            action: "cannot read the input",
            source,
        })
    })
}

fn run_list(
    only: Option<PlatformKind>,
    json: bool,
    tables: &TableArgs,
    input: &Path,
) -> Result<(), Failure> {
    let kinds: Vec<PlatformKind> = match only {
        Some(k) => vec![k],
        None => PlatformKind::ALL.to_vec(),
    };
    let mut platforms = Vec::new();
    for k in kinds {
        // --uapi only concerns Linux; other platforms use their built-in table.
        let t = if k == PlatformKind::Linux || tables.uapi.is_none() {
            platform(k, tables)?
        } else {
            platform(
                k,
                &TableArgs {
                    uapi: None,
                    helpers: tables.helpers.clone(),
                },
            )?
        };
        platforms.push((k.name(), t));
    }
    let refs: Vec<(&str, &dyn HelperTable)> = platforms
        .iter()
        .map(|(n, t)| (*n, t as &dyn HelperTable))
        .collect();
    let data = read(input)?;
    let bad_input = |source| {
        Failure::from(Error::BadInput {
            path: input.to_path_buf(),
            source,
        })
    };
    if json {
        // Streamed row by row: an object may have 10^6 calls.
        use std::io::Write as _;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut first = true;
        let mut failed = None;
        list::for_each_row(&data, &refs, |row| {
            let text = serde_json::to_string_pretty(&list::row_json(&row)).unwrap_or_default();
            let sep = if first { "[\n  " } else { ",\n  " };
            first = false;
            if let Err(e) = write!(out, "{sep}{}", text.replace('\n', "\n  ")) {
                failed.get_or_insert(e);
            }
        })
        .map_err(bad_input)?;
        let end = if first { "[]\n" } else { "\n]\n" };
        let result = match failed {
            Some(e) => Err(e),
            None => write!(out, "{end}").and_then(|()| out.flush()),
        };
        // A closed pipe (`| head`) is not an error of ours.
        if let Err(e) = result {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(usage(anyhow::anyhow!("cannot write the listing: {e}")));
            }
        }
        return Ok(());
    }
    let rows = list::list(&data, &refs).map_err(bad_input)?;
    if rows.is_empty() {
        eprintln!("{}: no call instructions", input.display());
    } else {
        print!("{}", list::to_text(&rows));
    }
    Ok(())
}

fn run_unbind(from: PlatformKind, output: Option<PathBuf>, input: &Path) -> Result<(), Failure> {
    let table = Platform::builtin(from);
    let data = read(input)?;
    let out = unbind(&data, &table, &UnbindOptions::default()).map_err(|e| Failure {
        code: e.exit_code() as u8,
        error: anyhow::Error::new(e).context(input.display().to_string()),
    })?;
    if !out.calls.is_empty() || output.is_some() {
        let dest = output.as_deref().unwrap_or(input);
        helper_bind::write::write_atomically(dest, &out.bytes, Some(input))?;
    }
    for note in &out.notes {
        eprintln!("{}: note: {note}", input.display());
    }
    eprintln!("{}: {}", input.display(), out.summary());
    Ok(())
}

fn run_check(
    to: PlatformKind,
    from: PlatformKind,
    json: bool,
    tables: &TableArgs,
    input: &Path,
) -> Result<(), Failure> {
    let to_table = platform(to, tables)?;
    let from_table = Platform::builtin(from);
    let clean =
        helper_bind::check::run_check(input, &from_table, &to_table, json, &mut std::io::stdout())?;
    if clean {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            error: anyhow::anyhow!("{}: does not bind cleanly for {to}", input.display()),
        })
    }
}

/// The call packaging scripts make, `--platform P [-o OUT] [--allow-unresolved] INPUT.o` (in
/// any order), read without clap: building clap's command for every subcommand costs
/// 80-100 µs at each start, a few percent of binding a megabyte-sized object. Anything else,
/// every malformed call included, returns `None` and goes to clap, which also reports the
/// errors. A test checks that clap reads every call accepted here the same way.
fn simple_bind_args(args: &[OsString]) -> Option<BindArgs> {
    let (mut platform, mut output, mut input) = (None, None, None);
    let mut allow_unresolved = false;
    // A value or input clap would read as an option, or not at all.
    let plain = |arg: &OsString| {
        let bytes = arg.as_encoded_bytes();
        !bytes.is_empty() && !bytes.starts_with(b"-")
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--platform") if platform.is_none() => {
                platform = Some(args.next()?.to_str()?.parse::<PlatformKind>().ok()?);
            }
            Some("-o" | "--output") if output.is_none() => {
                let value = args.next().filter(|v| plain(v))?;
                output = Some(PathBuf::from(value));
            }
            Some("--allow-unresolved") if !allow_unresolved => allow_unresolved = true,
            Some("list" | "check" | "unbind" | "help") => return None,
            _ if plain(arg) && input.is_none() => input = Some(PathBuf::from(arg)),
            _ => return None,
        }
    }
    Some(BindArgs {
        platform: Some(platform?),
        output,
        tables: TableArgs {
            uapi: None,
            helpers: Vec::new(),
        },
        allow_unresolved,
        from: None,
        allow_prototype_differences: false,
        inputs: vec![input?],
    })
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match simple_bind_args(args.get(1..).unwrap_or_default()) {
        Some(bind) => Cli {
            command: None,
            bind,
        },
        None => Cli::parse_from(args),
    };
    let result = match cli.command {
        None => run_bind(cli.bind),
        Some(Command::List {
            platform,
            json,
            tables,
            input,
        }) => run_list(platform, json, &tables, &input),
        Some(Command::Check {
            platform,
            from,
            json,
            tables,
            input,
        }) => run_check(platform, from, json, &tables, &input),
        Some(Command::Unbind {
            from,
            output,
            input,
        }) => run_unbind(from, output, &input),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Print the chain, skipping causes whose text a message already includes.
            let mut message = f.error.to_string();
            for cause in f.error.chain().skip(1) {
                let text = cause.to_string();
                if !message.contains(&text) {
                    message = format!("{message}: {text}");
                }
            }
            eprintln!("helper-bind: {message}");
            ExitCode::from(f.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every call `simple_bind_args` accepts, clap reads the same way. Calls are built from
    /// option fragments in random order, with values that make valid and invalid binds, and
    /// sometimes tokens it leaves to clap (subcommands, other options, `--`).
    #[test]
    fn simple_bind_args_reads_calls_as_clap_does() {
        let platforms = ["linux", "windows", "Linux", "WINDOWS", "bogus", "-o", ""];
        let values = ["out.o", "dir/", "a b.o", "-x", "", "list", "--platform"];
        let inputs = [
            "in.o", "x/y.o", "a b.o", "list", "check", "help", "-", "--", "",
        ];
        let others = [
            "--uapi",
            "bpf.h",
            "--helpers",
            "--from",
            "linux",
            "--platform=linux",
            "-oout.o",
            "--output=o.o",
            "--help",
            "-V",
            "--allow-prototype-differences",
            "unbind",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..50_000 {
            let mut fragments: Vec<Vec<&str>> = Vec::new();
            for _ in 0..1 + next(5) {
                fragments.push(match next(6) {
                    0 | 1 => vec!["--platform", platforms[next(platforms.len())]],
                    2 => vec![["-o", "--output"][next(2)], values[next(values.len())]],
                    3 => vec!["--allow-unresolved"],
                    4 => vec![inputs[next(inputs.len())]],
                    _ if next(3) == 0 => vec![others[next(others.len())]],
                    _ => vec!["in.o"],
                });
            }
            let argv: Vec<OsString> = fragments.concat().into_iter().map(OsString::from).collect();
            let Some(fast) = simple_bind_args(&argv) else {
                continue;
            };
            accepted += 1;
            let mut full = vec![OsString::from("helper-bind")];
            full.extend(argv.iter().cloned());
            match Cli::try_parse_from(&full) {
                Ok(cli) => {
                    assert!(cli.command.is_none(), "{argv:?}");
                    assert_eq!(cli.bind, fast, "{argv:?}");
                }
                Err(e) => panic!("{argv:?}: accepted here, clap says: {e}"),
            }
        }
        assert!(
            accepted > 1000,
            "only {accepted} calls took the simple path"
        );
    }
}
