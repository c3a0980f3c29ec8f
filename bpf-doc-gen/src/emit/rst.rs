//! `--format rst`: the `bpf-helpers(7)` man-page source, byte for byte what the kernel's
//! `scripts/bpf_doc.py` (no `--header`) prints.
//!
//! The fixed prose of the page lives in `emit::man_text` (private); this module only lays out the
//! per-helper entries the way `PrinterHelpersRST` does.

use super::error::EmitError;
use super::man_text;
use crate::model::{Helper, Model};

/// Which kernel generation's `bpf_doc.py` output to reproduce.
///
/// The man pages differ between generations only in the license comment: Linux 6.1 prints two
/// spaces after `SPDX-License-Identifier:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RstStyle {
    /// Linux 6.2 and later (the default).
    #[default]
    Newest,
    /// Linux 6.1 (`bpf-doc-gen --compat 6.1`).
    Linux6_1,
}

/// Options for the man-page formats.
///
/// The script takes the `:Version:` and `:Date:` fields from the kernel git tree it sits in
/// (`git describe`, else `make kernelversion`; the last commit touching the helper block).
/// Outside a kernel tree both lookups fail and it prints `:Version: Linux` and no `:Date:`
/// line, which is what [`RstOptions::default`] reproduces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RstOptions {
    /// Kernel version: `Some("6.12.0")` prints `:Version: Linux 6.12.0`, `None` prints
    /// `:Version: Linux`. Only `bpf-helpers(7)` has this field.
    pub kernel_version: Option<String>,
    /// Date of the last documentation update, e.g. `2024-11-17`, printed as `:Date: ...`;
    /// `None` (or empty) omits the line. Only `bpf-helpers(7)` has this field.
    pub date: Option<String>,
    /// Which script generation to reproduce.
    pub style: RstStyle,
}

/// Renders the `bpf-helpers(7)` page source for every helper description in `model`, in model
/// order (a helper documented several times, like `bpf_get_socket_cookie`, appears once per
/// description, as in the script).
///
/// # Errors
/// [`EmitError::BadOption`] when the version or date contains a line break, which would
/// corrupt the page's field list.
pub fn helpers_rst(model: &Model, opts: &RstOptions) -> Result<String, EmitError> {
    let version = single_line("--man-version", opts.kernel_version.as_deref())?;
    let date = single_line("--man-date", opts.date.as_deref())?.unwrap_or("");

    let mut out = String::with_capacity(256 * 1024);
    push_license(&mut out, opts.style);
    out.push_str(man_text::HELPERS_HEADER_TOP);
    out.push_str(":Version: Linux");
    if let Some(version) = version {
        out.push(' ');
        out.push_str(version);
    }
    out.push('\n');
    if !date.is_empty() {
        out.push_str(":Date: ");
        out.push_str(date);
    }
    out.push('\n');
    out.push_str(man_text::HELPERS_HEADER_BOTTOM);
    out.push('\n');
    for helper in &model.helpers {
        push_proto(&mut out, helper);
        push_sections(&mut out, &helper.desc, &helper.ret);
    }
    out.push_str(man_text::HELPERS_FOOTER);
    out.push('\n');
    Ok(out)
}

/// Rejects option values the page cannot hold (`None` passes through).
fn single_line<'a>(
    option: &'static str,
    value: Option<&'a str>,
) -> Result<Option<&'a str>, EmitError> {
    match value {
        Some(v) if v.contains(['\n', '\r']) => Err(EmitError::BadOption {
            option,
            value: v.to_string(),
            reason: "must be a single line",
        }),
        other => Ok(other),
    }
}

/// The license comment both pages open with (`PrinterRST.print_license`), plus the blank line
/// `print` adds.
pub(crate) fn push_license(out: &mut String, style: RstStyle) {
    out.push_str(match style {
        RstStyle::Newest => man_text::LICENSE_NEWEST,
        RstStyle::Linux6_1 => man_text::LICENSE_6_1,
    });
    out.push('\n');
}

/// The bold/italic prototype line (`PrinterHelpersRST.print_proto`): types in bold, argument
/// names in italics, stars escaped, `\ ` to glue markup to adjacent text.
fn push_proto(out: &mut String, helper: &Helper) {
    out.push_str("**");
    out.push_str(&helper.ret_type);
    out.push(' ');
    out.push_str(&escape_stars(&helper.ret_star));
    out.push_str(&helper.name);
    out.push('(');
    for (i, arg) in helper.args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&arg.ty);
        // The script tests the name for truthiness: an empty name counts as none.
        if let Some(name) = arg.name.as_deref().filter(|n| !n.is_empty()) {
            if arg.star.is_empty() {
                out.push_str("** ");
            } else {
                out.push(' ');
                out.push_str(&escape_stars(&arg.star));
                out.push_str("**\\ ");
            }
            out.push('*');
            out.push_str(name);
            out.push_str("*\\ **");
        }
    }
    out.push_str(")**\n");
}

fn escape_stars(stars: &str) -> String {
    stars.replace('*', "\\*")
}

/// The `Description` and `Return` subsections and the blank line closing an entry
/// (`PrinterRST.print_elem`), shared with the syscall page.
pub(crate) fn push_sections(out: &mut String, desc: &str, ret: &str) {
    if !desc.is_empty() {
        out.push_str("\tDescription\n");
        // The script drops exactly one trailing newline (`re.sub('\n$', '', desc, count=1)`),
        // so a code block ending the section keeps the blank line that closes it.
        push_indented(out, desc.strip_suffix('\n').unwrap_or(desc));
    }
    if !ret.is_empty() {
        out.push_str("\tReturn\n");
        // Here the script uses `str.rstrip()`, which drops all trailing whitespace.
        push_indented(out, ret.trim_end_matches(is_python_space));
    }
    out.push('\n');
}

/// Each line indented by two tabs; empty lines stay empty.
fn push_indented(out: &mut String, text: &str) {
    for line in text.split('\n') {
        if !line.is_empty() {
            out.push_str("\t\t");
        }
        out.push_str(line);
        out.push('\n');
    }
}

/// Python's `str.isspace()`: Unicode White_Space plus the ASCII separators U+001C..U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arg;

    fn arg(ty: &str, star: &str, name: Option<&str>) -> Arg {
        Arg {
            ty: ty.into(),
            star: star.into(),
            name: name.map(Into::into),
        }
    }

    fn helper(desc: &str, ret: &str) -> Helper {
        Helper {
            id: 1,
            name: "bpf_frob".into(),
            proto: "void *bpf_frob(struct bpf_map *map, u64 flags, void)".into(),
            ret_type: "void".into(),
            ret_star: "*".into(),
            args: vec![
                arg("struct bpf_map", "*", Some("map")),
                arg("u64", "", Some("flags")),
                arg("void", "", None),
            ],
            desc: desc.into(),
            ret: ret.into(),
            attrs: vec![],
            line: 10,
        }
    }

    fn model(helpers: Vec<Helper>) -> Model {
        Model {
            helpers,
            ..Default::default()
        }
    }

    /// The text between the `HELPERS` heading and the footer.
    fn entries(page: &str) -> &str {
        let start = page.find("HELPERS\n=======\n\n").unwrap() + 17;
        let end = page.find(man_text::HELPERS_FOOTER).unwrap();
        &page[start..end]
    }

    #[test]
    fn prototype_marks_types_bold_names_italic_and_escapes_stars() {
        let page = helpers_rst(&model(vec![helper("Frobs.\n", "0\n")]), &Default::default());
        let page = page.unwrap();
        assert_eq!(
            entries(&page),
            "**void \\*bpf_frob(struct bpf_map \\***\\ *map*\\ **, u64** *flags*\\ **, void)**\n\
             \tDescription\n\t\tFrobs.\n\tReturn\n\t\t0\n\n"
        );
    }

    #[test]
    fn description_keeps_blank_line_after_trailing_code_but_return_is_stripped() {
        let h = helper("Code:\n\n::\n\n\tx = 1;\n\n", "0 on success.\n\n  \n");
        let page = helpers_rst(&model(vec![h]), &Default::default()).unwrap();
        let body = entries(&page);
        let body = &body[body.find('\n').unwrap() + 1..];
        assert_eq!(
            body,
            "\tDescription\n\t\tCode:\n\n\t\t::\n\n\t\t\tx = 1;\n\n\tReturn\n\t\t0 on success.\n\n"
        );
    }

    #[test]
    fn empty_sections_are_omitted() {
        let page = helpers_rst(&model(vec![helper("", "")]), &Default::default()).unwrap();
        assert!(entries(&page).ends_with(")**\n\n"), "{}", entries(&page));
    }

    #[test]
    fn version_and_date_fields_follow_the_scripts_fallbacks() {
        let m = model(vec![]);
        let page = helpers_rst(&m, &Default::default()).unwrap();
        assert!(page.contains("\n:Manual section: 7\n:Version: Linux\n\n\nDESCRIPTION\n"));
        let opts = RstOptions {
            kernel_version: Some("v6.12-rc1".into()),
            date: Some("2024-09-30".into()),
            style: RstStyle::Newest,
        };
        let page = helpers_rst(&m, &opts).unwrap();
        assert!(page.contains(
            "\n:Manual section: 7\n:Version: Linux v6.12-rc1\n:Date: 2024-09-30\n\nDESCRIPTION\n"
        ));
    }

    #[test]
    fn multi_line_option_is_refused() {
        let opts = RstOptions {
            date: Some("2024\n:Evil: x".into()),
            ..Default::default()
        };
        let err = helpers_rst(&model(vec![]), &opts).unwrap_err();
        assert!(matches!(
            err,
            EmitError::BadOption {
                option: "--man-date",
                ..
            }
        ));
    }

    #[test]
    fn compat_6_1_changes_only_the_spdx_line() {
        let m = model(vec![helper("D\n", "R\n")]);
        let newest = helpers_rst(&m, &Default::default()).unwrap();
        let old = helpers_rst(
            &m,
            &RstOptions {
                style: RstStyle::Linux6_1,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            old,
            newest.replacen("Identifier: Linux", "Identifier:  Linux", 1)
        );
        assert_ne!(old, newest);
    }

    #[test]
    fn python_rstrip_also_drops_ascii_separators() {
        assert!(is_python_space('\u{1f}'));
        assert!(is_python_space('\u{a0}'));
        assert!(!is_python_space('x'));
    }
}
