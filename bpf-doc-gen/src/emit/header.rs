//! `bpf_helper_defs.h` exactly as the kernel's `scripts/bpf_doc.py --header` prints it.
//!
//! Two generations of that printer matter: the newest ([`HeaderStyle::Newest`]: `(* const
//! name)` pointers, the `__bpf_fastcall` attribute block) and Linux 6.1's
//! ([`HeaderStyle::Linux6_1`]: `(*name)`, no attributes, a shorter forward-declaration list).
//! The `BPF_HELPER` form ([`super::bpf_helper`]) shares everything but the declaration line.

use std::collections::HashSet;

use super::error::EmitError;
use crate::model::{Helper, Model};

/// Which kernel script's `--header` output to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderStyle {
    /// The newest script (Linux 6.13 and later, checked against 7.2).
    #[default]
    Newest,
    /// The Linux 6.1 script (`--compat 6.1`).
    Linux6_1,
}

/// Options shared by the header formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeaderOptions {
    /// Which script generation to reproduce.
    pub style: HeaderStyle,
    /// Leave out the documentation comments: prototypes and IDs only.
    pub no_docs: bool,
}

/// The `bpf_doc.py --header` output for `model`.
///
/// Fails, like the script, on a type its header printer does not know.
pub fn helpers_header(model: &Model, opts: &HeaderOptions) -> Result<String, EmitError> {
    render(model, opts, Declaration::Classic)
}

/// How each helper is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declaration {
    /// `static RET (* const NAME)(ARGS) = (void *) ID;`
    Classic,
    /// `BPF_HELPER(RET, NAME, (ARGS), ID);` after the macro block.
    BpfHelper,
}

/// The forward declarations of the Linux 6.1 script (`type_fwds`).
const FWDS_6_1: &[&str] = &[
    "struct bpf_fib_lookup",
    "struct bpf_sk_lookup",
    "struct bpf_perf_event_data",
    "struct bpf_perf_event_value",
    "struct bpf_pidns_info",
    "struct bpf_redir_neigh",
    "struct bpf_sock",
    "struct bpf_sock_addr",
    "struct bpf_sock_ops",
    "struct bpf_sock_tuple",
    "struct bpf_spin_lock",
    "struct bpf_sysctl",
    "struct bpf_tcp_sock",
    "struct bpf_tunnel_key",
    "struct bpf_xfrm_state",
    "struct linux_binprm",
    "struct pt_regs",
    "struct sk_reuseport_md",
    "struct sockaddr",
    "struct tcphdr",
    "struct seq_file",
    "struct tcp6_sock",
    "struct tcp_sock",
    "struct tcp_timewait_sock",
    "struct tcp_request_sock",
    "struct udp6_sock",
    "struct unix_sock",
    "struct task_struct",
    "struct __sk_buff",
    "struct sk_msg_md",
    "struct xdp_md",
    "struct path",
    "struct btf_ptr",
    "struct inode",
    "struct socket",
    "struct file",
    "struct bpf_timer",
    "struct mptcp_sock",
    "struct bpf_dynptr",
    "struct iphdr",
    "struct ipv6hdr",
];

/// The newest script's list: 6.1's with `struct cgroup` after `struct task_struct`.
fn forward_declarations(style: HeaderStyle) -> impl Iterator<Item = &'static str> {
    let cut = FWDS_6_1
        .iter()
        .position(|&t| t == "struct __sk_buff")
        .unwrap_or(FWDS_6_1.len());
    let cgroup = match style {
        HeaderStyle::Newest => Some("struct cgroup"),
        HeaderStyle::Linux6_1 => None,
    };
    FWDS_6_1[..cut]
        .iter()
        .copied()
        .chain(cgroup)
        .chain(FWDS_6_1[cut..].iter().copied())
}

/// Types printed as written (`known_types`; the union over script generations, which only
/// ever added entries).
const KNOWN_TYPES: &[&str] = &[
    "...",
    "void",
    "const void",
    "char",
    "const char",
    "int",
    "long",
    "unsigned long",
    "__be16",
    "__be32",
    "__wsum",
    "struct bpf_fib_lookup",
    "struct bpf_perf_event_data",
    "struct bpf_perf_event_value",
    "struct bpf_pidns_info",
    "struct bpf_redir_neigh",
    "struct bpf_sk_lookup",
    "struct bpf_sock",
    "struct bpf_sock_addr",
    "struct bpf_sock_ops",
    "struct bpf_sock_tuple",
    "struct bpf_spin_lock",
    "struct bpf_sysctl",
    "struct bpf_tcp_sock",
    "struct bpf_tunnel_key",
    "struct bpf_xfrm_state",
    "struct linux_binprm",
    "struct pt_regs",
    "struct sk_reuseport_md",
    "struct sockaddr",
    "struct tcphdr",
    "struct seq_file",
    "struct tcp6_sock",
    "struct tcp_sock",
    "struct tcp_timewait_sock",
    "struct tcp_request_sock",
    "struct udp6_sock",
    "struct unix_sock",
    "struct task_struct",
    "struct cgroup",
    "struct path",
    "const struct path",
    "struct btf_ptr",
    "struct inode",
    "struct socket",
    "struct file",
    "struct bpf_timer",
    "struct mptcp_sock",
    "struct bpf_dynptr",
    "const struct bpf_dynptr",
    "struct iphdr",
    "struct ipv6hdr",
];

/// Kernel-internal types replaced by what a BPF program sees (`mapped_types`).
const MAPPED_TYPES: &[(&str, &str)] = &[
    ("u8", "__u8"),
    ("u16", "__u16"),
    ("u32", "__u32"),
    ("u64", "__u64"),
    ("s8", "__s8"),
    ("s16", "__s16"),
    ("s32", "__s32"),
    ("s64", "__s64"),
    ("size_t", "unsigned long"),
    ("struct bpf_map", "void"),
    ("struct sk_buff", "struct __sk_buff"),
    ("const struct sk_buff", "const struct __sk_buff"),
    ("struct sk_msg_buff", "struct sk_msg_md"),
    ("struct xdp_buff", "struct xdp_md"),
];

/// Helpers declared with `void *ctx` as first argument because they take several contexts.
const OVERLOADED_HELPERS: &[&str] = &["bpf_get_socket_cookie", "bpf_sk_assign"];

/// Whether argument `i` of `helper` is printed as `void *ctx` rather than as documented.
pub(crate) fn is_overloaded_ctx(helper: &Helper, i: usize) -> bool {
    i == 0 && OVERLOADED_HELPERS.contains(&helper.name.as_str())
}

/// What each attribute mnemonic expands to (`ATTRS`).
fn attribute_spelling(attr: &str) -> &str {
    match attr {
        "__bpf_fastcall" => "bpf_fastcall",
        other => other.trim_start_matches('_'),
    }
}

/// The type as the header spells it. A type no kernel script knows (only headers older than
/// the script's `--header` mode have one, e.g. Linux 5.2's `struct pt_reg` typo) has no
/// kernel-identical header; it is kept as written, and [`unlisted_structs`] declares it when it
/// is a struct, so that old headers still give a header in the same style.
pub(crate) fn map_type(ty: &str) -> &str {
    if KNOWN_TYPES.contains(&ty) {
        return ty;
    }
    MAPPED_TYPES
        .iter()
        .find(|(from, _)| *from == ty)
        .map_or(ty, |(_, to)| *to)
}

/// A helper's declaration parts, spelled as the script spells them.
struct Decl<'a> {
    attrs: String,
    ret: &'a str,
    star: &'a str,
    args: String,
}

/// A C identifier: what a helper or parameter name must be.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A type spelling a C declaration can hold: identifiers separated by single spaces
/// (`const struct bpf_map`, `unsigned long`), or `...`.
fn is_c_type(ty: &str) -> bool {
    ty == "..." || (!ty.is_empty() && ty.split(' ').all(is_identifier))
}

/// Refuses prototype parts that would make a header that does not compile. Types no script
/// knows are fine as long as they are spelled like C (see [`map_type`]).
fn check_is_c(helper: &Helper) -> Result<(), EmitError> {
    let not_c = |text: &str| EmitError::NotC {
        helper: helper.name.clone(),
        line: helper.line,
        text: text.to_string(),
    };
    if !is_identifier(&helper.name) {
        return Err(not_c(&helper.name));
    }
    let stars_ok = |s: &str| s.chars().all(|c| c == '*');
    // `...` is a C type only as the last parameter.
    if helper.ret_type == "..." || !is_c_type(&helper.ret_type) || !stars_ok(&helper.ret_star) {
        return Err(not_c(&format!("{} {}", helper.ret_type, helper.ret_star)));
    }
    for a in &helper.args {
        let name_ok = a.name.as_deref().map_or(true, is_identifier);
        if !is_c_type(&a.ty) || !stars_ok(&a.star) || !name_ok {
            let name = a.name.as_deref().unwrap_or("");
            return Err(not_c(&format!("{} {}{name}", a.ty, a.star)));
        }
    }
    Ok(())
}

fn declaration_parts<'a>(helper: &'a Helper, style: HeaderStyle) -> Result<Decl<'a>, EmitError> {
    check_is_c(helper)?;
    let mut args = String::new();
    for (i, a) in helper.args.iter().enumerate() {
        let (ty, name) = if is_overloaded_ctx(helper, i) {
            ("void", Some("ctx"))
        } else {
            (a.ty.as_str(), a.name.as_deref())
        };
        if i > 0 {
            args.push_str(", ");
        }
        args.push_str(map_type(ty));
        if let Some(n) = name {
            args.push(' ');
            args.push_str(&a.star);
            args.push_str(n);
        }
    }
    let attrs = match style {
        HeaderStyle::Newest => helper.attrs.join(" "),
        HeaderStyle::Linux6_1 => String::new(),
    };
    Ok(Decl {
        attrs,
        ret: map_type(&helper.ret_type),
        star: &helper.ret_star,
        args,
    })
}

fn push_classic(out: &mut String, helper: &Helper, d: &Decl<'_>, style: HeaderStyle) {
    out.push_str("static ");
    if !d.attrs.is_empty() {
        out.push_str(&d.attrs);
        out.push(' ');
    }
    let pointer = match style {
        HeaderStyle::Newest => "(* const ",
        HeaderStyle::Linux6_1 => "(*",
    };
    out.push_str(&format!(
        "{} {}{pointer}{})({}) = (void *) {};\n",
        d.ret, d.star, helper.name, d.args, helper.id
    ));
}

fn push_bpf_helper(out: &mut String, helper: &Helper, d: &Decl<'_>) {
    let mut ret = String::new();
    if !d.attrs.is_empty() {
        ret.push_str(&d.attrs);
        ret.push(' ');
    }
    ret.push_str(d.ret);
    if !d.star.is_empty() {
        ret.push(' ');
        ret.push_str(d.star);
    }
    out.push_str(&format!(
        "BPF_HELPER({ret}, {}, ({}), {});\n",
        helper.name, d.args, helper.id
    ));
}

/// The documentation comment, as `print_one` writes it.
fn push_doc(out: &mut String, helper: &Helper) {
    out.push_str("/*\n * ");
    out.push_str(&helper.name);
    out.push_str("\n *\n");
    if !helper.desc.is_empty() {
        // `re.sub('\n$', '', desc, count=1)`: one final newline goes.
        let desc = helper.desc.strip_suffix('\n').unwrap_or(&helper.desc);
        push_comment_lines(out, desc);
    }
    if !helper.ret.is_empty() {
        out.push_str(" *\n * Returns\n");
        push_comment_lines(out, helper.ret.trim_end_matches(is_python_space));
    }
    out.push_str(" */\n");
}

fn push_comment_lines(out: &mut String, text: &str) {
    for line in text.split('\n') {
        out.push_str(" *");
        if !line.is_empty() {
            out.push_str(" \t");
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Python's `str.isspace`, which `rstrip()` uses: Unicode whitespace plus the ASCII
/// separator controls U+001C..U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The whole header in either declaration form.
pub(crate) fn render(
    model: &Model,
    opts: &HeaderOptions,
    form: Declaration,
) -> Result<String, EmitError> {
    let mut out = String::with_capacity(if opts.no_docs { 32 << 10 } else { 256 << 10 });
    out.push_str(match form {
        Declaration::Classic => "/* This is auto-generated file. See bpf_doc.py for details. */\n",
        Declaration::BpfHelper => {
            "/* This is auto-generated file. See bpf-doc-gen (bpf_doc.py's BPF_HELPER form). */\n"
        }
    });
    out.push_str("\n/* Forward declarations of BPF structs */\n");
    let listed: Vec<&str> = forward_declarations(opts.style).collect();
    for fwd in &listed {
        out.push_str(fwd);
        out.push_str(";\n");
    }
    // A header newer than the style's script can use structs its list lacks (`struct cgroup`
    // with `--compat 6.1`); the script itself would have refused such a header, so declaring
    // them changes no output it produces, and keeps the header free of C warnings.
    for extra in unlisted_structs(model, &listed) {
        out.push_str(extra);
        out.push_str(";\n");
    }
    out.push('\n');
    if opts.style == HeaderStyle::Newest {
        push_attribute_block(&mut out, model);
    }
    if form == Declaration::BpfHelper {
        out.push_str(super::bpf_helper_macro::BPF_HELPER_MACRO);
        out.push('\n');
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for helper in &model.helpers {
        if !seen.insert(&helper.name) {
            continue;
        }
        let d = declaration_parts(helper, opts.style)?;
        if !opts.no_docs {
            push_doc(&mut out, helper);
        }
        match form {
            Declaration::Classic => push_classic(&mut out, helper, &d, opts.style),
            Declaration::BpfHelper => push_bpf_helper(&mut out, helper, &d),
        }
        // The kernel separates documented helpers by a blank line; bare declarations stay
        // one per line.
        if !opts.no_docs {
            out.push('\n');
        }
    }
    out.push('\n');
    Ok(out)
}

/// Struct types the helpers use (after type mapping) that `listed` does not declare, in order
/// of first use.
fn unlisted_structs<'a>(model: &'a Model, listed: &[&str]) -> Vec<&'a str> {
    let mut extra: Vec<&str> = Vec::new();
    for h in &model.helpers {
        let printed_args = h
            .args
            .iter()
            .enumerate()
            .filter(|&(i, _)| !is_overloaded_ctx(h, i))
            .map(|(_, a)| a.ty.as_str());
        let types = std::iter::once(h.ret_type.as_str()).chain(printed_args);
        for ty in types {
            let ty = map_type(ty);
            let ty = ty.strip_prefix("const ").unwrap_or(ty);
            if ty.starts_with("struct ") && !listed.contains(&ty) && !extra.contains(&ty) {
                extra.push(ty);
            }
        }
    }
    extra
}

/// `#define __bpf_fastcall __attribute__((bpf_fastcall))` guarded, for each attribute used.
fn push_attribute_block(out: &mut String, model: &Model) {
    let mut used: Vec<&str> = model
        .helpers
        .iter()
        .flat_map(|h| h.attrs.iter().map(String::as_str))
        .collect();
    used.sort_unstable();
    used.dedup();
    for attr in &used {
        let spelled = attribute_spelling(attr);
        out.push_str(&format!(
            "#ifndef {attr}\n#if __has_attribute({spelled})\n#define {attr} __attribute__(({spelled}))\n#else\n#define {attr}\n#endif\n#endif\n"
        ));
    }
    if !used.is_empty() {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arg;

    fn helper(name: &str, id: u32, ret: &str, args: Vec<Arg>) -> Helper {
        Helper {
            id,
            name: name.into(),
            proto: String::new(),
            ret_type: ret.into(),
            ret_star: String::new(),
            args,
            desc: "Does things.\n\n".into(),
            ret: "0 \n\n".into(),
            attrs: vec![],
            line: 7,
        }
    }

    fn arg(ty: &str, star: &str, name: Option<&str>) -> Arg {
        Arg {
            ty: ty.into(),
            star: star.into(),
            name: name.map(Into::into),
        }
    }

    #[test]
    fn one_helper_both_styles() {
        let mut h = helper(
            "bpf_x",
            3,
            "u32",
            vec![arg("struct bpf_map", "*", Some("map"))],
        );
        h.attrs = vec!["__bpf_fastcall".into()];
        let m = Model {
            helpers: vec![h.clone(), h],
            ..Model::default()
        };
        let new = helpers_header(&m, &HeaderOptions::default()).unwrap();
        assert!(new.contains("struct task_struct;\nstruct cgroup;\nstruct __sk_buff;"));
        assert!(new.contains("#ifndef __bpf_fastcall\n#if __has_attribute(bpf_fastcall)\n"));
        assert!(new.ends_with(
            "/*\n * bpf_x\n *\n * \tDoes things.\n *\n *\n * Returns\n * \t0\n */\n\
             static __bpf_fastcall __u32 (* const bpf_x)(void *map) = (void *) 3;\n\n\n"
        ));
        assert_eq!(
            new.matches("bpf_x)").count(),
            1,
            "repeated descriptions print once"
        );
        let old = helpers_header(
            &m,
            &HeaderOptions {
                style: HeaderStyle::Linux6_1,
                no_docs: true,
            },
        )
        .unwrap();
        assert!(!old.contains("cgroup") && !old.contains("fastcall") && !old.contains("/*\n"));
        assert!(old.ends_with("\n\nstatic __u32 (*bpf_x)(void *map) = (void *) 3;\n\n"));
    }

    #[test]
    fn unknown_type_is_kept_and_its_struct_declared() {
        let m = Model {
            helpers: vec![helper(
                "bpf_y",
                1,
                "int",
                vec![arg("struct nope", "*", Some("regs"))],
            )],
            ..Model::default()
        };
        let out = helpers_header(&m, &HeaderOptions::default()).unwrap();
        assert!(out.contains("struct nope;\n"), "{out}");
        assert!(out.contains("(struct nope *regs)"), "{out}");
    }

    #[test]
    fn a_type_that_is_not_c_is_refused() {
        let m = Model {
            helpers: vec![helper("bpf_y", 1, "int", vec![arg("voi[", "*", Some("p"))])],
            ..Model::default()
        };
        let e = helpers_header(&m, &HeaderOptions::default()).unwrap_err();
        assert_eq!(
            e,
            EmitError::NotC {
                helper: "bpf_y".into(),
                line: 7,
                text: "voi[ *p".into()
            }
        );
    }
}
