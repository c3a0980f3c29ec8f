//! `--format json` (and `syscall-json`): the newest kernel `scripts/bpf_doc.py --json` output,
//! plus each helper's `id`.
//!
//! The script prints `json.dumps(obj, indent=4)`: keys in insertion order, four-space
//! indentation, `", "`-free separators and `ensure_ascii` escaping (everything outside
//! printable ASCII as `\uXXXX`). serde_json's [`PrettyFormatter`] lays out arrays and objects
//! the same way; we drive it directly, key by key, because `serde_json::Value` would sort the
//! keys, and escape strings the way Python does.

use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

use super::error::EmitError;
use crate::model::{Helper, Model, SyscallCommand};

/// A JSON value with keys kept in the order given.
enum Json<'a> {
    Null,
    Str(&'a str),
    Num(u32),
    Array(Vec<Json<'a>>),
    Object(Vec<(&'static str, Json<'a>)>),
}

/// Renders `{"helpers": [...]}` as the newest script's `--json` does, one object per helper
/// description in model order, each followed by our extra key `"id"` (the helper ID).
///
/// Per helper the keys are, in order: `proto`, `desc`, `ret`, `attrs`, `ret_type`,
/// `ret_star`, `name`, `args` (each `{"type", "star", "name"}`, with `star` and `name` `null`
/// for an unnamed argument such as `void`), then `id`.
///
/// # Errors
/// [`EmitError::Json`] only if serde_json's formatter fails, which writing to memory does not.
pub fn helpers_json(model: &Model) -> Result<String, EmitError> {
    let helpers = model.helpers.iter().map(helper_object).collect();
    render(&Json::Object(vec![("helpers", Json::Array(helpers))]))
}

/// Renders `{"syscall": [...]}` as the newest `bpf_doc.py --json syscall` does: per command
/// `proto` (the command name), `desc` and `ret`.
///
/// # Errors
/// [`EmitError::NoSyscallBlock`] when the input had no syscall documentation block,
/// [`EmitError::SyscallCountMismatch`] when it does not document every `enum bpf_cmd` entry.
pub fn syscalls_json(model: &Model) -> Result<String, EmitError> {
    let commands = super::syscall_rst::documented_commands(model)?;
    let commands = commands.iter().map(command_object).collect();
    render(&Json::Object(vec![("syscall", Json::Array(commands))]))
}

/// `Helper.to_dict()` of the script, plus `id`.
fn helper_object(h: &Helper) -> Json<'_> {
    let args = h
        .args
        .iter()
        .map(|a| {
            // The script's regex leaves the star group unmatched (None) when there is no name.
            let (star, name) = match &a.name {
                Some(name) => (Json::Str(&a.star), Json::Str(name)),
                None => (Json::Null, Json::Null),
            };
            Json::Object(vec![
                ("type", Json::Str(&a.ty)),
                ("star", star),
                ("name", name),
            ])
        })
        .collect();
    Json::Object(vec![
        ("proto", Json::Str(&h.proto)),
        ("desc", Json::Str(&h.desc)),
        ("ret", Json::Str(&h.ret)),
        (
            "attrs",
            Json::Array(h.attrs.iter().map(|a| Json::Str(a)).collect()),
        ),
        ("ret_type", Json::Str(&h.ret_type)),
        ("ret_star", Json::Str(&h.ret_star)),
        ("name", Json::Str(&h.name)),
        ("args", Json::Array(args)),
        ("id", Json::Num(h.id)),
    ])
}

/// `APIElement.to_dict()` of the script.
fn command_object(c: &SyscallCommand) -> Json<'_> {
    Json::Object(vec![
        ("proto", Json::Str(&c.name)),
        ("desc", Json::Str(&c.desc)),
        ("ret", Json::Str(&c.ret)),
    ])
}

/// Serializes with `indent=4` and the trailing newline `print` adds.
fn render(value: &Json<'_>) -> Result<String, EmitError> {
    let mut out = Vec::with_capacity(512 * 1024);
    let mut f = PrettyFormatter::with_indent(b"    ");
    write_value(&mut f, &mut out, value).map_err(|e| EmitError::Json(e.to_string()))?;
    out.push(b'\n');
    // Everything written is ASCII (see `write_str`).
    String::from_utf8(out).map_err(|e| EmitError::Json(e.to_string()))
}

fn write_value(
    f: &mut PrettyFormatter<'_>,
    w: &mut Vec<u8>,
    value: &Json<'_>,
) -> std::io::Result<()> {
    match value {
        Json::Null => f.write_null(w),
        Json::Str(s) => write_str(f, w, s),
        Json::Num(n) => f.write_u32(w, *n),
        Json::Array(items) => {
            f.begin_array(w)?;
            for (i, item) in items.iter().enumerate() {
                f.begin_array_value(w, i == 0)?;
                write_value(f, w, item)?;
                f.end_array_value(w)?;
            }
            f.end_array(w)
        }
        Json::Object(entries) => {
            f.begin_object(w)?;
            for (i, (key, item)) in entries.iter().enumerate() {
                f.begin_object_key(w, i == 0)?;
                write_str(f, w, key)?;
                f.end_object_key(w)?;
                f.begin_object_value(w)?;
                write_value(f, w, item)?;
                f.end_object_value(w)?;
            }
            f.end_object(w)
        }
    }
}

/// A string literal escaped like Python's `json.dumps(ensure_ascii=True)`: `\"`, `\\`, `\n`,
/// `\r`, `\t`, `\b`, `\f`; every other character outside `' '..='~'` as lowercase `\uXXXX`
/// (UTF-16 surrogate pairs above U+FFFF). `/` is not escaped.
fn write_str(f: &mut PrettyFormatter<'_>, w: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    f.begin_string(w)?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => Some(CharEscape::Quote),
            '\\' => Some(CharEscape::ReverseSolidus),
            '\n' => Some(CharEscape::LineFeed),
            '\r' => Some(CharEscape::CarriageReturn),
            '\t' => Some(CharEscape::Tab),
            '\u{8}' => Some(CharEscape::Backspace),
            '\u{c}' => Some(CharEscape::FormFeed),
            ' '..='~' => continue,
            _ => None,
        };
        if start < i {
            f.write_string_fragment(w, &s[start..i])?;
        }
        start = i + c.len_utf8();
        match escape {
            Some(escape) => f.write_char_escape(w, escape)?,
            None => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    f.write_string_fragment(w, &format!("\\u{unit:04x}"))?;
                }
            }
        }
    }
    if start < s.len() {
        f.write_string_fragment(w, &s[start..])?;
    }
    f.end_string(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Arg;

    fn sample() -> Model {
        Model {
            helpers: vec![Helper {
                id: 7,
                name: "bpf_frob".into(),
                proto: "long bpf_frob(void *ctx, u64 flags, void)".into(),
                ret_type: "long".into(),
                ret_star: "".into(),
                args: vec![
                    Arg {
                        ty: "void".into(),
                        star: "*".into(),
                        name: Some("ctx".into()),
                    },
                    Arg {
                        ty: "u64".into(),
                        star: "".into(),
                        name: Some("flags".into()),
                    },
                    Arg {
                        ty: "void".into(),
                        star: "".into(),
                        name: None,
                    },
                ],
                desc: "Say \"hi\"\\\tcaf\u{e9} \u{1F600}\u{7f}\u{1}/\n".into(),
                ret: "0\n".into(),
                attrs: vec!["__bpf_fastcall".into()],
                line: 3,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn layout_key_order_and_escaping_match_python_json_dumps() {
        let expected = r#"{
    "helpers": [
        {
            "proto": "long bpf_frob(void *ctx, u64 flags, void)",
            "desc": "Say \"hi\"\\\tcaf\u00e9 \ud83d\ude00\u007f\u0001/\n",
            "ret": "0\n",
            "attrs": [
                "__bpf_fastcall"
            ],
            "ret_type": "long",
            "ret_star": "",
            "name": "bpf_frob",
            "args": [
                {
                    "type": "void",
                    "star": "*",
                    "name": "ctx"
                },
                {
                    "type": "u64",
                    "star": "",
                    "name": "flags"
                },
                {
                    "type": "void",
                    "star": null,
                    "name": null
                }
            ],
            "id": 7
        }
    ]
}
"#;
        assert_eq!(helpers_json(&sample()).unwrap(), expected);
    }

    #[test]
    fn empty_lists_print_as_brackets() {
        let mut model = sample();
        model.helpers[0].attrs.clear();
        assert!(helpers_json(&model).unwrap().contains("\"attrs\": [],\n"));
        let empty = helpers_json(&Model::default()).unwrap();
        assert_eq!(empty, "{\n    \"helpers\": []\n}\n");
    }

    #[test]
    fn syscalls_need_the_block() {
        assert_eq!(syscalls_json(&sample()), Err(EmitError::NoSyscallBlock));
        let model = Model {
            syscalls: Some(vec![SyscallCommand {
                name: "BPF_MAP_CREATE".into(),
                desc: "d\n".into(),
                ret: "r\n".into(),
                line: 1,
            }]),
            syscall_enum: vec!["BPF_MAP_CREATE".into()],
            ..Default::default()
        };
        assert_eq!(
            syscalls_json(&model).unwrap(),
            "{\n    \"syscall\": [\n        {\n            \"proto\": \"BPF_MAP_CREATE\",\n            \
             \"desc\": \"d\\n\",\n            \"ret\": \"r\\n\"\n        }\n    ]\n}\n"
        );
    }
}
