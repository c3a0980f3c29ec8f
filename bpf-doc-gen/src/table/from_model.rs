//! A Linux table from a parsed `bpf.h`, spelled as the kernel's `bpf_helper_defs.h` (and so
//! `headers/linux/bpf_helper_defs.h`) spells each prototype.

use super::{Table, TableHelper};
// The same type spelling as the kernel-style header: one table of mapped types for both.
use crate::emit::header::{is_overloaded_ctx, map_type};
use crate::model::{Arg, Helper, Model};

impl Table {
    /// The Linux table of a parsed `bpf.h`: every helper general, in ID order, no program
    /// types, no aliases. Types are mapped as the kernel's `bpf_helper_defs.h` maps them
    /// (`struct bpf_map *` becomes `void *`, `u32` becomes `__u32`, ...).
    pub fn from_model(model: &Model) -> Table {
        let mut helpers: Vec<TableHelper> = Vec::with_capacity(model.helpers.len());
        for helper in &model.helpers {
            // The kernel's header prints a helper documented twice once.
            if helpers.iter().any(|h| h.name == helper.name) {
                continue;
            }
            helpers.push(table_helper(helper));
        }
        Table {
            helpers,
            program_types: Vec::new(),
            aliases: Vec::new(),
        }
    }
}

fn table_helper(helper: &Helper) -> TableHelper {
    let return_type = super::normalize_type(&format!(
        "{} {}",
        map_type(&helper.ret_type),
        helper.ret_star
    ));
    let args: Vec<String> = helper
        .args
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            if is_overloaded_ctx(helper, i) {
                render_arg(&Arg {
                    ty: "void".to_string(),
                    star: arg.star.clone(),
                    name: Some("ctx".to_string()),
                })
            } else {
                render_arg(arg)
            }
        })
        .collect();
    TableHelper {
        name: helper.name.clone(),
        id: helper.id,
        return_type,
        args: super::normalize_type(&format!("({})", args.join(", "))),
        program_type: None,
    }
}

fn render_arg(arg: &Arg) -> String {
    let ty = map_type(&arg.ty);
    match &arg.name {
        Some(name) => format!("{ty} {}{name}", arg.star),
        None => format!("{ty} {}", arg.star),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(ty: &str, star: &str, name: Option<&str>) -> Arg {
        Arg {
            ty: ty.into(),
            star: star.into(),
            name: name.map(Into::into),
        }
    }

    fn helper(id: u32, name: &str, ret: (&str, &str), args: Vec<Arg>) -> Helper {
        Helper {
            id,
            name: name.into(),
            proto: String::new(),
            ret_type: ret.0.into(),
            ret_star: ret.1.into(),
            args,
            desc: String::new(),
            ret: String::new(),
            attrs: vec!["__bpf_fastcall".into()],
            line: 1,
        }
    }

    #[test]
    fn maps_types_like_the_kernel_header() {
        let model = Model {
            helpers: vec![
                helper(
                    1,
                    "bpf_map_lookup_elem",
                    ("void", "*"),
                    vec![
                        arg("struct bpf_map", "*", Some("map")),
                        arg("const void", "*", Some("key")),
                    ],
                ),
                helper(
                    8,
                    "bpf_get_smp_processor_id",
                    ("u32", ""),
                    vec![arg("void", "", None)],
                ),
                helper(
                    46,
                    "bpf_get_socket_cookie",
                    ("u64", ""),
                    vec![arg("struct sk_buff", "*", Some("skb"))],
                ),
                helper(
                    6,
                    "bpf_trace_printk",
                    ("long", ""),
                    vec![
                        arg("const char", "*", Some("fmt")),
                        arg("u32", "", Some("fmt_size")),
                        arg("...", "", None),
                    ],
                ),
            ],
            ..Model::default()
        };
        let table = Table::from_model(&model);
        let got: Vec<(u32, &str, &str, &str)> = table
            .helpers
            .iter()
            .map(|h| {
                (
                    h.id,
                    h.name.as_str(),
                    h.return_type.as_str(),
                    h.args.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    "bpf_map_lookup_elem",
                    "void *",
                    "(void *map, const void *key)"
                ),
                (8, "bpf_get_smp_processor_id", "__u32", "(void)"),
                (46, "bpf_get_socket_cookie", "__u64", "(void *ctx)"),
                (
                    6,
                    "bpf_trace_printk",
                    "long",
                    "(const char *fmt, __u32 fmt_size, ...)"
                ),
            ]
        );
        assert!(table.program_types.is_empty() && table.aliases.is_empty());
    }
}
