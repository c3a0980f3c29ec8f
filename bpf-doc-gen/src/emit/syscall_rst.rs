//! `--format syscall-rst`: the `bpf(2)` man-page source, byte for byte what the kernel's
//! `scripts/bpf_doc.py syscall` prints.

use super::error::EmitError;
use super::man_text;
use super::rst::{push_license, push_sections, RstOptions};
use crate::model::{Model, SyscallCommand};

/// Renders the `bpf(2)` page source: one entry per documented command of `enum bpf_cmd`.
///
/// Of `opts` only [`RstOptions::style`] matters; this page has no version or date field.
///
/// # Errors
/// [`EmitError::NoSyscallBlock`] when the input had no `DOC: eBPF Syscall Commands` block,
/// [`EmitError::SyscallCountMismatch`] when it does not document every `enum bpf_cmd` entry.
pub fn syscalls_rst(model: &Model, opts: &RstOptions) -> Result<String, EmitError> {
    let commands = documented_commands(model)?;
    let mut out = String::with_capacity(64 * 1024);
    push_license(&mut out, opts.style);
    out.push_str(man_text::SYSCALL_HEADER);
    out.push('\n');
    for command in commands {
        // `PrinterSyscallRST.print_one`
        out.push_str("**");
        out.push_str(&command.name);
        out.push_str("**\n");
        push_sections(&mut out, &command.desc, &command.ret);
    }
    Ok(out)
}

/// The documented commands, after the check every syscall printer of `bpf_doc.py` makes
/// (`elem_number_check`): as many descriptions as `enum bpf_cmd` entries.
pub(crate) fn documented_commands(model: &Model) -> Result<&[SyscallCommand], EmitError> {
    let commands = model.syscalls.as_deref().ok_or(EmitError::NoSyscallBlock)?;
    if commands.len() != model.syscall_enum.len() {
        let first_undocumented = model
            .syscall_enum
            .iter()
            .find(|name| !commands.iter().any(|c| &c.name == *name))
            .cloned();
        return Err(EmitError::SyscallCountMismatch {
            documented: commands.len(),
            in_enum: model.syscall_enum.len(),
            first_undocumented,
        });
    }
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SyscallCommand;

    fn command(name: &str, desc: &str, ret: &str) -> SyscallCommand {
        SyscallCommand {
            name: name.into(),
            desc: desc.into(),
            ret: ret.into(),
            line: 1,
        }
    }

    #[test]
    fn commands_follow_the_header_in_order() {
        let model = Model {
            syscalls: Some(vec![
                command("BPF_MAP_CREATE", "Create a map.\n", "A file descriptor.\n"),
                command("BPF_PROG_LOAD", "Load.\n\n", ""),
            ]),
            syscall_enum: vec!["BPF_MAP_CREATE".into(), "BPF_PROG_LOAD".into()],
            ..Default::default()
        };
        let page = syscalls_rst(&model, &RstOptions::default()).unwrap();
        let header_end = page.find("COMMANDS\n========\n\n").unwrap() + 19;
        assert!(page.starts_with(man_text::LICENSE_NEWEST));
        assert_eq!(
            &page[header_end..],
            "**BPF_MAP_CREATE**\n\tDescription\n\t\tCreate a map.\n\tReturn\n\t\tA file descriptor.\n\n\
             **BPF_PROG_LOAD**\n\tDescription\n\t\tLoad.\n\n\n"
        );
    }

    #[test]
    fn missing_syscall_block_is_an_error() {
        let err = syscalls_rst(&Model::default(), &RstOptions::default()).unwrap_err();
        assert_eq!(err, EmitError::NoSyscallBlock);
    }

    #[test]
    fn an_undocumented_enum_entry_is_an_error_naming_it() {
        let model = Model {
            syscalls: Some(vec![command("BPF_MAP_CREATE", "d\n", "r\n")]),
            syscall_enum: vec!["BPF_MAP_CREATE".into(), "BPF_NEW_CMD".into()],
            ..Default::default()
        };
        let err = syscalls_rst(&model, &RstOptions::default()).unwrap_err();
        assert_eq!(
            err,
            EmitError::SyscallCountMismatch {
                documented: 1,
                in_enum: 2,
                first_undocumented: Some("BPF_NEW_CMD".into()),
            }
        );
        assert!(err
            .to_string()
            .contains("description of BPF_NEW_CMD is missing"));
    }
}
