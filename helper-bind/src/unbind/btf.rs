//! Adding the BTF clang records for an extern helper: `FUNC name
//! linkage=extern` pointing at a `FUNC_PROTO`.
//!
//! libbpf's linker (`bpftool gen object`) looks up every global or extern ELF
//! symbol in BTF and refuses the object ("failed to find BTF info for
//! global/extern symbol") when one is missing, so an unbound object with BTF
//! needs these entries to link. Types are appended after the last type (no
//! type id changes) and names after the last string (no string offset
//! changes), so `.BTF.ext` and `.rel.BTF` stay valid.
//!
//! The prototype comes from the platform table (the early-bound object does
//! not record it), shaped as clang writes an extern's: unnamed parameters,
//! integers by size, pointers to `void`, integers or named struct FWDs. The
//! linker compares it with other objects' declarations of the same helper.
//! Without a readable prototype the FUNC_PROTO is empty (`vlen` 0, returns
//! void), which links only with objects that do not declare the helper.

use std::collections::HashMap;

use crate::elf::Endian;

use super::ctype::{CType, Proto};

use super::strings::GrowingStrings;

const BTF_MAGIC: u16 = 0xeb9f;
const KIND_INT: u32 = 1;
const KIND_PTR: u32 = 2;
const KIND_FWD: u32 = 7;
const KIND_FUNC: u32 = 12;
const KIND_FUNC_PROTO: u32 = 13;
const LINKAGE_STATIC: u32 = 0;
const LINKAGE_EXTERN: u32 = 2;
/// Size of `struct btf_type` (name_off, info, size/type).
const TYPE_HEADER: usize = 12;
/// Fixed fields of `struct btf_header` up to `str_len`.
const MIN_HEADER: usize = 24;

/// A helper that needs an extern FUNC.
pub(crate) struct Wanted<'a> {
    pub name: &'a str,
    /// No function of that name is defined, so a static FUNC of that name is
    /// a helper bind made static.
    pub may_relink: bool,
    /// Its C prototype, when the platform table has one unbind can read.
    pub proto: Option<Proto>,
}

/// Appends BTF types for C types, each distinct type once.
struct Emitter<'r, 'a, 's> {
    r: &'r Reader,
    types: &'a mut Vec<u8>,
    strings: &'a mut GrowingStrings<'s>,
    count: &'a mut u32,
    ids: &'a mut HashMap<CType, u32>,
}

impl Emitter<'_, '_, '_> {
    fn push(&mut self, name_off: u32, info: u32, size_or_type: u32, extra: &[u32]) -> u32 {
        self.r.put_u32(self.types, name_off);
        self.r.put_u32(self.types, info);
        self.r.put_u32(self.types, size_or_type);
        for &x in extra {
            self.r.put_u32(self.types, x);
        }
        *self.count += 1;
        *self.count
    }

    fn ty(&mut self, t: &CType) -> u32 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = match t {
            CType::Void => return 0,
            CType::Int {
                name,
                size,
                encoding,
            } => {
                let name_off = self.strings.offset_of(name.as_bytes());
                self.push(
                    name_off,
                    KIND_INT << 24,
                    *size,
                    &[(encoding << 24) | (size * 8)],
                )
            }
            CType::Ptr(to) => {
                let to = self.ty(to);
                self.push(0, KIND_PTR << 24, to, &[])
            }
            CType::Fwd { name, union } => {
                let name_off = self.strings.offset_of(name.as_bytes());
                let kind_flag = if *union { 1 << 31 } else { 0 };
                self.push(name_off, (KIND_FWD << 24) | kind_flag, 0, &[])
            }
        };
        self.ids.insert(t.clone(), id);
        id
    }

    /// A FUNC_PROTO with unnamed parameters, as clang writes an extern's;
    /// a variadic one ends in a parameter of type 0.
    fn proto(&mut self, p: &Proto) -> u32 {
        let ret = self.ty(&p.ret);
        let mut params: Vec<u32> = p.params.iter().map(|t| self.ty(t)).collect();
        if p.variadic {
            params.push(0);
        }
        let extra: Vec<u32> = params.iter().flat_map(|&t| [0, t]).collect();
        self.push(
            0,
            (KIND_FUNC_PROTO << 24) | params.len() as u32,
            ret,
            &extra,
        )
    }
}

/// What adding extern FUNC entries did.
pub(crate) struct BtfEdit {
    /// The new `.BTF` contents.
    pub data: Vec<u8>,
    /// Names that got a new FUNC entry.
    pub added: Vec<String>,
    /// Names whose existing static FUNC entry became extern again.
    pub relinked: Vec<String>,
}

/// Reads and writes BTF integers in the object's byte order, bounds-checked.
struct Reader {
    endian: Endian,
}

impl Reader {
    fn u16(&self, b: &[u8], at: usize) -> Option<u16> {
        Some(self.endian.u16(b.get(at..at.checked_add(2)?)?))
    }
    fn u32(&self, b: &[u8], at: usize) -> Option<u32> {
        Some(self.endian.u32(b.get(at..at.checked_add(4)?)?))
    }
    fn put_u32(&self, out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&self.endian.u32_bytes(v));
    }
    fn set_u32(&self, out: &mut [u8], at: usize, v: u32) {
        out[at..at + 4].copy_from_slice(&self.endian.u32_bytes(v));
    }
}

/// The NUL-terminated string at `offset` of a string table.
fn c_str(table: &[u8], offset: usize) -> Option<&[u8]> {
    let rest = table.get(offset..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..end])
}

/// Bytes that follow the 12-byte header of a type of `kind` with `vlen`.
fn extra_size(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        // INT, VAR, DECL_TAG
        1 | 14 | 17 => 4,
        // ARRAY
        3 => 12,
        // STRUCT, UNION, DATASEC, ENUM64
        4 | 5 | 15 | 19 => 12 * vlen,
        // ENUM, FUNC_PROTO
        6 | 13 => 8 * vlen,
        // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
        2 | 7 | 8 | 9 | 10 | 11 | 12 | 16 | 18 => 0,
        _ => return None,
    })
}

/// Append an extern FUNC (and its FUNC_PROTO) for each of `names` that has no
/// FUNC entry yet; make an existing static FUNC extern again where the flag
/// says the object defines no function of that name (bind makes helper FUNCs
/// static, and libbpf's linker only looks at non-static ones). `Ok(None)`: nothing to add. `Err`: why the BTF could not be
/// edited (the caller reports it and leaves BTF alone).
pub(crate) fn add_extern_funcs(
    endian: Endian,
    btf: &[u8],
    names: &[Wanted<'_>],
) -> Result<Option<BtfEdit>, String> {
    let r = Reader { endian };
    if r.u16(btf, 0) != Some(BTF_MAGIC) {
        return Err("no BTF magic in the object's byte order".into());
    }
    let field = |at| r.u32(btf, at).ok_or("BTF header is truncated");
    let hdr_len = field(4)? as usize;
    let (type_off, type_len) = (field(8)? as usize, field(12)? as usize);
    let (str_off, str_len) = (field(16)? as usize, field(20)? as usize);
    if hdr_len < MIN_HEADER || type_off + type_len != str_off {
        return Err("BTF type and string sections are not laid out back to back".into());
    }
    let types_start = hdr_len + type_off;
    let strings_start = hdr_len + str_off;
    if strings_start + str_len > btf.len() {
        return Err("BTF string section runs past the end of .BTF".into());
    }
    let types = &btf[types_start..strings_start];
    let strings = &btf[strings_start..strings_start + str_len];

    // Walk the types: count them and collect existing FUNCs (name, offset
    // of their info word, linkage).
    let mut existing: Vec<(Vec<u8>, usize, u32)> = Vec::new();
    let mut count: u32 = 0;
    let mut at = 0;
    while at < types.len() {
        let name_off = r.u32(types, at).ok_or("BTF type is truncated")? as usize;
        let info = r.u32(types, at + 4).ok_or("BTF type is truncated")?;
        let kind = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        let extra = extra_size(kind, vlen).ok_or(format!("unknown BTF kind {kind}"))?;
        if kind == KIND_FUNC {
            if let Some(name) = c_str(strings, name_off) {
                existing.push((name.to_vec(), at + 4, vlen as u32));
            }
        }
        at += TYPE_HEADER + extra;
        count += 1;
    }
    if at != types.len() {
        return Err("last BTF type runs past the type section".into());
    }

    let mut names_table = GrowingStrings::new(strings);
    let mut new_types = Vec::new();
    let mut added = Vec::new();
    let mut relinked = Vec::new();
    let mut types = types.to_vec();
    let mut type_ids: HashMap<CType, u32> = HashMap::new();
    for w in names {
        let (name, may_relink, proto) = (w.name, w.may_relink, w.proto.as_ref());
        if added.iter().chain(&relinked).any(|a| a == name) {
            continue;
        }
        let mut funcs = existing
            .iter()
            .filter(|e| e.0 == name.as_bytes())
            .peekable();
        if funcs.peek().is_some() {
            // A helper FUNC that bind made static: extern again, as clang
            // wrote it (same type id, same size).
            for &(_, info_at, linkage) in funcs {
                if linkage == LINKAGE_STATIC && may_relink {
                    r.set_u32(&mut types, info_at, (KIND_FUNC << 24) | LINKAGE_EXTERN);
                    if !relinked.iter().any(|n| n == name) {
                        relinked.push(name.to_string());
                    }
                }
            }
            continue;
        }
        let proto_id = match proto {
            Some(p) => {
                let mut emitter = Emitter {
                    r: &r,
                    types: &mut new_types,
                    strings: &mut names_table,
                    count: &mut count,
                    ids: &mut type_ids,
                };
                emitter.proto(p)
            }
            None => {
                // FUNC_PROTO: anonymous, vlen 0, returns type 0.
                r.put_u32(&mut new_types, 0);
                r.put_u32(&mut new_types, KIND_FUNC_PROTO << 24);
                r.put_u32(&mut new_types, 0);
                count += 1;
                count
            }
        };
        // FUNC name linkage=extern -> proto.
        let name_off = names_table.offset_of(name.as_bytes());
        r.put_u32(&mut new_types, name_off);
        r.put_u32(&mut new_types, (KIND_FUNC << 24) | LINKAGE_EXTERN);
        r.put_u32(&mut new_types, proto_id);
        count += 1;
        added.push(name.to_string());
    }
    if added.is_empty() && relinked.is_empty() {
        return Ok(None);
    }

    let appended = names_table.appended();
    let new_type_len = type_len + new_types.len();
    let new_str_len = str_len + appended.len();
    let mut data = Vec::with_capacity(hdr_len + new_type_len + new_str_len);
    data.extend_from_slice(&btf[..types_start]);
    data.extend_from_slice(&types);
    data.extend_from_slice(&new_types);
    data.extend_from_slice(strings);
    data.extend_from_slice(appended);
    let too_big = || "BTF would exceed 4 GiB".to_string();
    r.set_u32(
        &mut data,
        12,
        u32::try_from(new_type_len).map_err(|_| too_big())?,
    );
    r.set_u32(
        &mut data,
        16,
        u32::try_from(type_off + new_type_len).map_err(|_| too_big())?,
    );
    r.set_u32(
        &mut data,
        20,
        u32::try_from(new_str_len).map_err(|_| too_big())?,
    );
    Ok(Some(BtfEdit {
        data,
        added,
        relinked,
    }))
}
