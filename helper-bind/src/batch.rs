//! Batch packaging: bind (or rebind) many objects at once, on every core.
//!
//! `helper-bind --platform P -o OUTDIR/ A.o B.o ...` writes `OUTDIR/A.o`, `OUTDIR/B.o`, ...
//! Each object is read, transformed and written atomically on its own; a failed object
//! writes nothing and does not stop the others. Work is spread over
//! `std::thread::available_parallelism()` scoped threads pulling from a shared index (no
//! thread-pool crate: one job per file is all the scheduling needed). A progress bar
//! (`indicatif`) is drawn only when stderr is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::bind::bind;
use crate::plan::BindOptions;
use crate::platform::Platform;
use crate::rebind::{rebind, RebindOptions};
use crate::write::write_atomically;

/// What to do to each object.
#[derive(Clone, Copy)]
pub enum Job<'a> {
    /// Bind calls by name for a platform.
    Bind {
        /// Target platform.
        to: &'a Platform,
        /// Bind options.
        options: BindOptions,
    },
    /// Rebind from one platform to another.
    Rebind {
        /// Source platform.
        from: &'a Platform,
        /// Target platform.
        to: &'a Platform,
        /// Rebind options.
        options: RebindOptions,
    },
}

/// A failed object: exit status (1 cannot be bound, 2 bad input or I/O) and one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFailure {
    /// 1 or 2, as for a single object.
    pub code: i32,
    /// The error, on one line, without the file name.
    pub message: String,
}

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectResult {
    /// The input file.
    pub input: PathBuf,
    /// Where its output goes (or went).
    pub output: PathBuf,
    /// A summary on success.
    pub outcome: Result<String, ObjectFailure>,
}

/// Results of a batch, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// One per input, in input order.
    pub results: Vec<ObjectResult>,
}

impl BatchReport {
    /// Whether every object succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.results.iter().all(|r| r.outcome.is_ok())
    }

    /// 0 when all succeeded, else the highest exit status of a failed object.
    pub fn exit_code(&self) -> i32 {
        self.results
            .iter()
            .filter_map(|r| r.outcome.as_ref().err().map(|f| f.code))
            .max()
            .unwrap_or(0)
    }
}

/// Whether `-o PATH` names an output directory: it ends in a path separator or is an
/// existing directory.
pub fn is_output_dir(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with(std::path::MAIN_SEPARATOR) || text.ends_with('/') || path.is_dir()
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs `job` on bytes: the new bytes (when changed) and a summary.
fn transform(job: &Job, data: Vec<u8>) -> Result<(Option<Vec<u8>>, String), ObjectFailure> {
    match *job {
        Job::Bind { to, options } => {
            let mut data = data;
            match bind(&mut data, to, options) {
                Ok(r) if r.is_noop() => Ok((None, r.summary())),
                Ok(r) => Ok((Some(data), r.summary())),
                Err(e) => Err(ObjectFailure {
                    code: match e {
                        crate::BindFailure::BadInput(_) => 2,
                        crate::BindFailure::Bind(_) => 1,
                    },
                    message: one_line(&e.to_string()),
                }),
            }
        }
        Job::Rebind { from, to, options } => match rebind(&data, from, to, options) {
            Ok(out) if !out.changed() => Ok((None, out.summary())),
            Ok(out) => {
                let summary = out.summary();
                Ok((Some(out.bytes), summary))
            }
            Err(e) => Err(ObjectFailure {
                code: e.exit_code(),
                message: one_line(&e.to_string()),
            }),
        },
    }
}

/// Processes one input: read, transform, write atomically. With no output directory the
/// input is rewritten in place, only when something changed.
fn process(
    job: &Job,
    input: &Path,
    output: &Path,
    in_place: bool,
) -> Result<String, ObjectFailure> {
    let io = |what: String| ObjectFailure {
        code: 2,
        message: what,
    };
    let data = std::fs::read(input).map_err(|e| io(format!("cannot read the input: {e}")))?;
    let (bytes, summary) = transform(job, data)?;
    match bytes {
        Some(b) => write_atomically(output, &b, Some(input)),
        None if in_place => Ok(()),
        None => std::fs::read(input)
            .map_err(|source| crate::Error::Io {
                path: input.to_path_buf(),
                action: "cannot read the input",
                source,
            })
            .and_then(|b| write_atomically(output, &b, Some(input))),
    }
    .map_err(|e| io(one_line(&e.to_string())))?;
    Ok(summary)
}

/// Output paths: `outdir/<file name>`, or the input itself without an output directory.
/// Two inputs with the same file name would overwrite each other: the later ones fail.
fn plan_outputs(inputs: &[PathBuf], outdir: Option<&Path>) -> Vec<Result<PathBuf, ObjectFailure>> {
    let mut seen = std::collections::HashMap::new();
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let Some(dir) = outdir else {
                return Ok(input.clone());
            };
            let Some(name) = input.file_name() else {
                return Err(ObjectFailure {
                    code: 2,
                    message: "has no file name to use in the output directory".into(),
                });
            };
            if let Some(first) = seen.insert(name.to_os_string(), i) {
                seen.insert(name.to_os_string(), first);
                return Err(ObjectFailure {
                    code: 2,
                    message: format!(
                        "same file name as {}: both would be written to {}",
                        inputs[first].display(),
                        dir.join(name).display()
                    ),
                });
            }
            Ok(dir.join(name))
        })
        .collect()
}

/// Runs `job` on every input with up to `threads` threads (at least one), writing outputs
/// to `outdir` (created if missing) or in place. `done` is called once per finished object,
/// from the worker thread (for progress).
pub fn run_batch(
    inputs: &[PathBuf],
    outdir: Option<&Path>,
    job: &Job,
    threads: usize,
    done: &(dyn Fn(&ObjectResult) + Sync),
) -> BatchReport {
    let outputs = plan_outputs(inputs, outdir);
    let dir_error = outdir.and_then(|d| std::fs::create_dir_all(d).err().map(|e| (d, e)));
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<ObjectResult>>> = Mutex::new(vec![None; inputs.len()]);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = inputs.get(i) else { break };
        let (output, outcome) = match (&outputs[i], &dir_error) {
            (_, Some((d, e))) => (
                input.clone(),
                Err(ObjectFailure {
                    code: 2,
                    message: format!("cannot create the output directory {}: {e}", d.display()),
                }),
            ),
            (Err(f), None) => (input.clone(), Err(f.clone())),
            (Ok(out), None) => (out.clone(), process(job, input, out, outdir.is_none())),
        };
        let result = ObjectResult {
            input: input.clone(),
            output,
            outcome,
        };
        done(&result);
        if let Ok(mut s) = slots.lock() {
            s[i] = Some(result);
        }
    };
    let threads = threads.clamp(1, inputs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(worker);
        }
    });
    let results = slots
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect();
    BatchReport { results }
}

/// The command-line batch: all cores, a progress bar when stderr is a terminal, then one
/// line on stderr per failed object (`INPUT: error`). Returns the exit status
/// ([`BatchReport::exit_code`]) and a summary line for the caller to print (as the error
/// message when the status is not 0).
pub fn run_batch_cli(inputs: &[PathBuf], outdir: Option<&Path>, job: &Job) -> (i32, String) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = run_batch(inputs, outdir, job, threads, &|r| {
        bar.set_message(r.input.display().to_string());
        bar.inc(1);
    });
    bar.finish_and_clear();
    let failed = report.results.iter().filter(|r| r.outcome.is_err()).count();
    for r in &report.results {
        if let Err(f) = &r.outcome {
            eprintln!("{}: {}", r.input.display(), f.message);
        }
    }
    let verb = match job {
        Job::Bind { .. } => "bound",
        Job::Rebind { .. } => "rebound",
    };
    let summary = format!(
        "{verb} {} of {} object(s); {failed} failed{}",
        report.results.len() - failed,
        report.results.len(),
        if failed == 0 {
            ""
        } else {
            " (their outputs were not written)"
        }
    );
    (report.exit_code(), summary)
}
