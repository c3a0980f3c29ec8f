//! The real kernel as an oracle: bpftool loads objects through libbpf and the verifier,
//! pins them under bpffs, runs programs with `BPF_PROG_TEST_RUN` and dumps maps.
//!
//! Every pin lives in a [`PinDir`], which removes itself on drop, also when a test fails.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// bpftool, installed by `scripts/setup-test-env`.
pub const BPFTOOL: &str = "bpftool";
/// Where bpffs is mounted.
pub const BPFFS: &str = "/sys/fs/bpf";

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_OBJ_GET: libc::c_long = 7;
const BPF_PROG_TEST_RUN: libc::c_long = 10;
const BPF_PROG_TYPE_SOCKET_FILTER: u32 = 1;

/// Why the kernel part of a test cannot run here (bpf() refused, no bpffs, no bpftool), or
/// `None` when it can. Tests print the reason and skip that part; they never fake it.
pub fn unavailable_reason() -> Option<String> {
    // r0 = 0; exit: the smallest program the verifier accepts.
    let insns: [u64; 2] = [u64::from_le_bytes([0xb7, 0, 0, 0, 0, 0, 0, 0]), 0x95];
    let license = c"GPL";
    let mut attr = [0u64; 16];
    attr[0] = u64::from(BPF_PROG_TYPE_SOCKET_FILTER) | (2u64 << 32);
    attr[1] = insns.as_ptr() as u64;
    attr[2] = license.as_ptr() as u64;
    let fd = bpf(
        BPF_PROG_LOAD,
        attr.as_mut_ptr().cast(),
        std::mem::size_of_val(&attr),
    );
    match fd {
        Ok(fd) => unsafe {
            libc::close(fd);
        },
        Err(e) => return Some(format!("bpf(BPF_PROG_LOAD) is refused: {e}")),
    }
    let mut statfs: libc::statfs = unsafe { std::mem::zeroed() };
    let path = c"/sys/fs/bpf";
    // BPF_FS_MAGIC
    if unsafe { libc::statfs(path.as_ptr(), &mut statfs) } != 0 || statfs.f_type != 0xcafe4a11 {
        return Some(format!("bpffs is not mounted at {BPFFS}"));
    }
    if Command::new(BPFTOOL).arg("version").output().is_err() {
        return Some("bpftool is not installed (scripts/setup-test-env installs it)".into());
    }
    None
}

fn bpf(cmd: libc::c_long, attr: *mut libc::c_void, size: usize) -> io::Result<i32> {
    // SAFETY: attr points to a zero-initialised buffer of `size` bytes laid out as the
    // kernel's union bpf_attr member for `cmd`, and every pointer in it outlives the call.
    let ret = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr, size) };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as i32)
    }
}

/// A directory under bpffs (`/sys/fs/bpf/hb-test-<pid>-<n>`) holding one load's pins;
/// removed with everything in it on drop.
#[derive(Debug)]
pub struct PinDir {
    path: PathBuf,
}

impl PinDir {
    /// Creates a fresh, uniquely named pin directory.
    pub fn new() -> PinDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(BPFFS).join(format!("hb-test-{}-{n}", std::process::id()));
        std::fs::create_dir(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        PinDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `load_all` pins programs.
    pub fn programs_dir(&self) -> PathBuf {
        self.path.join("progs")
    }

    /// Where `load_all` pins maps.
    pub fn maps_dir(&self) -> PathBuf {
        self.path.join("maps")
    }

    /// Names of the pinned programs, sorted.
    pub fn programs(&self) -> Vec<String> {
        list_dir(&self.programs_dir())
    }

    /// Names of the pinned maps, sorted.
    pub fn maps(&self) -> Vec<String> {
        list_dir(&self.maps_dir())
    }
}

impl Default for PinDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for PinDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.path) {
            eprintln!(
                "warning: could not remove pins {}: {e}",
                self.path.display()
            );
        }
    }
}

fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| {
                e.expect("read bpffs entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// Runs bpftool with `args`; `Err` carries its stderr and stdout.
pub fn bpftool<I, S>(args: I) -> Result<Vec<u8>, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(BPFTOOL);
    cmd.args(args);
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "{cmd:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ))
    }
}

fn bpftool_json<I, S>(args: I) -> Result<serde_json::Value, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut all: Vec<std::ffi::OsString> = vec!["--json".into()];
    all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
    let stdout = bpftool(&all)?;
    serde_json::from_slice(&stdout).map_err(|e| format!("bpftool {all:?}: bad JSON: {e}"))
}

/// `bpftool prog loadall OBJ PINS/progs pinmaps PINS/maps`: libbpf opens the object, the
/// verifier checks every program.
pub fn load_all(object: &Path, pins: &PinDir) -> Result<(), String> {
    bpftool([
        "prog".as_ref(),
        "loadall".as_ref(),
        object.as_os_str(),
        pins.programs_dir().as_os_str(),
        "pinmaps".as_ref(),
        pins.maps_dir().as_os_str(),
    ])
    .map(drop)
}

/// `bpftool prog show pinned PATH` as JSON (`type`, `name`, `btf_id`, ...).
pub fn program_info(pinned: &Path) -> Result<serde_json::Value, String> {
    bpftool_json([
        "prog".as_ref(),
        "show".as_ref(),
        "pinned".as_ref(),
        pinned.as_os_str(),
    ])
}

/// `bpftool map dump pinned PATH` as JSON.
pub fn dump_map(pinned: &Path) -> Result<serde_json::Value, String> {
    bpftool_json([
        "map".as_ref(),
        "dump".as_ref(),
        "pinned".as_ref(),
        pinned.as_os_str(),
    ])
}

/// What one `BPF_PROG_TEST_RUN` gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    /// The program's return value.
    pub retval: u32,
    /// The packet after the run.
    pub data_out: Vec<u8>,
}

/// `bpftool prog run pinned PATH data_in IN data_out OUT repeat 1` for packet programs.
pub fn run_packet(pinned: &Path, packet: &[u8], scratch: &Path) -> Result<RunResult, String> {
    let data_in = scratch.join("data_in");
    let data_out = scratch.join("data_out");
    std::fs::write(&data_in, packet).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&data_out);
    let json = bpftool_json([
        "prog".as_ref(),
        "run".as_ref(),
        "pinned".as_ref(),
        pinned.as_os_str(),
        "data_in".as_ref(),
        data_in.as_os_str(),
        "data_out".as_ref(),
        data_out.as_os_str(),
        "data_size_out".as_ref(),
        "4096".as_ref(),
        "repeat".as_ref(),
        "1".as_ref(),
    ])?;
    let retval = json["retval"]
        .as_u64()
        .ok_or_else(|| format!("no retval in {json}"))? as u32;
    let data_out = std::fs::read(&data_out).unwrap_or_default();
    Ok(RunResult { retval, data_out })
}

/// Runs a SYSCALL program with context `ctx` through `BPF_PROG_TEST_RUN` directly: bpftool
/// always sends `repeat`, which the kernel refuses for this program type. Returns the
/// return value and the context after the run.
pub fn run_syscall(pinned: &Path, ctx: &[u8]) -> Result<(u32, Vec<u8>), String> {
    let path = std::ffi::CString::new(pinned.as_os_str().as_encoded_bytes()).unwrap();
    let mut get = [0u64; 3];
    get[0] = path.as_ptr() as u64;
    let fd = bpf(
        BPF_OBJ_GET,
        get.as_mut_ptr().cast(),
        std::mem::size_of_val(&get),
    )
    .map_err(|e| format!("BPF_OBJ_GET {}: {e}", pinned.display()))?;

    // The kernel writes the context back into ctx_in and refuses a ctx_out for this type.
    let mut ctx_inout = ctx.to_vec();
    let mut attr = TestRunAttr {
        prog_fd: fd as u32,
        ctx_size_in: ctx_inout.len() as u32,
        ctx_in: ctx_inout.as_mut_ptr() as u64,
        ..TestRunAttr::default()
    };
    let result = bpf(
        BPF_PROG_TEST_RUN,
        (&mut attr as *mut TestRunAttr).cast(),
        std::mem::size_of::<TestRunAttr>(),
    );
    // SAFETY: fd came from BPF_OBJ_GET above and is closed once.
    unsafe { libc::close(fd) };
    result.map_err(|e| format!("BPF_PROG_TEST_RUN {}: {e}", pinned.display()))?;
    Ok((attr.retval, ctx_inout))
}

/// The `test` member of `union bpf_attr`.
#[repr(C)]
#[derive(Default)]
struct TestRunAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
    ctx_size_in: u32,
    ctx_size_out: u32,
    ctx_in: u64,
    ctx_out: u64,
    flags: u32,
    cpu: u32,
    batch_size: u32,
    padding: u32,
}
