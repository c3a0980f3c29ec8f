//! The parts of BTF that binding reads and edits: the `.ksyms` DATASEC (to recognise kfuncs)
//! and the `FUNC ... linkage=extern` records clang writes for extern helpers.
//!
//! The kernel rejects `linkage=extern` FUNCs ("Invalid func linkage"), and rejects a static FUNC
//! whose `FUNC_PROTO` has unnamed parameters ("Invalid arg#N"); libbpf then loads the program
//! without BTF. The fix here is size-preserving: linkage becomes static and each unnamed,
//! typed parameter gets the FUNC's own name as its name (a valid identifier already in the
//! string section, as libbpf does for `.ksyms` functions). No type id changes; `.BTF.ext` is
//! untouched.

use std::collections::HashSet;

use crate::elf::Endian;

const BTF_MAGIC: u16 = 0xeb9f;
const KIND_FUNC: u32 = 12;
const KIND_FUNC_PROTO: u32 = 13;
const KIND_DATASEC: u32 = 15;
const LINKAGE_STATIC: u32 = 0;
const LINKAGE_EXTERN: u32 = 2;

/// One BTF type record.
#[derive(Debug, Clone, Copy)]
struct TypeRecord {
    /// Byte offset of the record inside the `.BTF` section.
    offset: usize,
    name_off: u32,
    info: u32,
    size_or_type: u32,
}

impl TypeRecord {
    fn kind(&self) -> u32 {
        (self.info >> 24) & 0x1f
    }
    fn vlen(&self) -> usize {
        (self.info & 0xffff) as usize
    }
}

/// A parsed `.BTF` section (borrowed).
///
/// Parsing walks every type record once (to validate them) and keeps only what binding reads
/// later: the few DATASEC and `linkage=extern` FUNC records, and the offset of every
/// 16th record, from which any type id is found by walking at most 15 records. A large
/// object has 10^5 types: an offset per type would be the largest allocation of a bind.
#[derive(Debug, Clone)]
pub struct Btf<'a> {
    data: &'a [u8],
    endian: Endian,
    /// `checkpoints[k]`: byte offset of type id `k * CHECKPOINT` (entry 0: of type id 1, the
    /// first record; `void`, id 0, has none).
    checkpoints: Vec<u32>,
    /// Number of type ids, `void` included.
    count: u32,
    /// Offsets of the DATASEC records.
    datasecs: Vec<u32>,
    /// Offsets of the FUNC records with `linkage=extern`.
    extern_funcs: Vec<u32>,
    strings: std::ops::Range<usize>,
}

/// Every this many type ids, the offset of the record is kept (see [`Btf`]).
const CHECKPOINT: u32 = 16;

/// One 4-byte edit inside the `.BTF` section: write `value` at `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BtfEdit {
    /// Byte offset inside the section.
    pub offset: usize,
    /// New value, in the object's byte order when written.
    pub value: u32,
}

/// The record at byte `at` of `data` (the caller checked that 12 bytes are there).
fn record(data: &[u8], endian: Endian, at: usize) -> TypeRecord {
    TypeRecord {
        offset: at,
        name_off: endian.u32(&data[at..]),
        info: endian.u32(&data[at + 4..]),
        size_or_type: endian.u32(&data[at + 8..]),
    }
}

/// Size of the trailing data after a type record, or `None` for an unknown kind.
fn trailing_size(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        1 | 14 | 17 => 4,             // INT, VAR, DECL_TAG
        2 | 7..=12 | 16 | 18 => 0, // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
        3 => 12,                   // ARRAY
        4 | 5 | 15 | 19 => vlen * 12, // STRUCT, UNION, DATASEC, ENUM64
        6 | 13 => vlen * 8,        // ENUM, FUNC_PROTO
        _ => return None,
    })
}

impl<'a> Btf<'a> {
    /// Parses a `.BTF` section. Errors say what and at which section offset.
    pub fn parse(data: &'a [u8], endian: Endian) -> Result<Self, String> {
        if data.len() < 24 {
            return Err(format!("header needs 24 bytes, section has {}", data.len()));
        }
        let magic = endian.u16(data);
        if magic != BTF_MAGIC {
            return Err(format!(
                "magic {magic:#06x} at offset 0 is not 0xeb9f in the object's byte order"
            ));
        }
        let hdr_len = endian.u32(&data[4..]) as usize;
        let field = |o: usize| endian.u32(&data[o..]) as usize;
        let (type_off, type_len, str_off, str_len) = (field(8), field(12), field(16), field(20));
        let range = |off: usize, len: usize, what: &str| {
            hdr_len
                .checked_add(off)
                .and_then(|s| s.checked_add(len).map(|e| (s, e)))
                .filter(|&(_, e)| e <= data.len())
                .map(|(s, e)| s..e)
                .ok_or_else(|| {
                    format!("{what} (offset {off:#x}, length {len:#x}) extends past the section ({:#x} bytes)", data.len())
                })
        };
        if hdr_len < 24 {
            return Err(format!("header length {hdr_len} is below 24"));
        }
        let type_range = range(type_off, type_len, "type section")?;
        let strings = range(str_off, str_len, "string section")?;
        if u32::try_from(type_range.end).is_err() {
            return Err(format!(
                "type section ends at {:#x}, beyond the 4 GiB BTF can address",
                type_range.end
            ));
        }
        let mut checkpoints = vec![type_range.start as u32];
        let (mut datasecs, mut extern_funcs) = (Vec::new(), Vec::new());
        let mut id: u32 = 1;
        let mut at = type_range.start;
        while at < type_range.end {
            if at + 12 > type_range.end {
                return Err(format!("type record at offset {at:#x} is truncated"));
            }
            let t = record(data, endian, at);
            let extra = trailing_size(t.kind(), t.vlen()).ok_or_else(|| {
                format!(
                    "type id {id} at offset {at:#x} has unknown kind {}",
                    t.kind()
                )
            })?;
            at += 12 + extra;
            if at > type_range.end {
                return Err(format!(
                    "type id {id} at offset {:#x} extends past the type section",
                    t.offset
                ));
            }
            if id % CHECKPOINT == 0 {
                checkpoints.push(t.offset as u32);
            }
            match t.kind() {
                KIND_DATASEC => datasecs.push(t.offset as u32),
                KIND_FUNC if t.vlen() as u32 == LINKAGE_EXTERN => {
                    extern_funcs.push(t.offset as u32)
                }
                _ => {}
            }
            // At most one id per 12 bytes of a section below 4 GiB: no overflow.
            id += 1;
        }
        Ok(Btf {
            data,
            endian,
            checkpoints,
            count: id,
            datasecs,
            extern_funcs,
            strings,
        })
    }

    /// The record at byte offset `at` (one the parse validated).
    fn record_at(&self, at: u32) -> TypeRecord {
        record(self.data, self.endian, at as usize)
    }

    /// Type `id`, if it exists (`void`, id 0, does not).
    fn type_by_id(&self, id: u32) -> Option<TypeRecord> {
        if id == 0 || id >= self.count {
            return None;
        }
        let k = id / CHECKPOINT;
        let mut at_id = if k == 0 { 1 } else { k * CHECKPOINT };
        let mut at = *self.checkpoints.get(k as usize)? as usize;
        while at_id < id {
            let r = record(self.data, self.endian, at);
            // Validated by the parse: every record is whole and of a known kind.
            at += 12 + trailing_size(r.kind(), r.vlen())?;
            at_id += 1;
        }
        Some(record(self.data, self.endian, at))
    }

    /// The string at `off` of the string section (without NUL), if valid.
    fn string(&self, off: u32) -> Option<&'a [u8]> {
        let s = &self.data[self.strings.clone()];
        let rest = s.get(off as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(&rest[..end])
    }

    /// Names of the functions and variables in the `.ksyms` DATASEC: the kfuncs and kernel
    /// symbols the object imports.
    pub fn ksyms(&self) -> HashSet<&'a [u8]> {
        let mut out = HashSet::new();
        for t in self.datasecs.iter().map(|&at| self.record_at(at)) {
            if self.string(t.name_off) != Some(b".ksyms") {
                continue;
            }
            for k in 0..t.vlen() {
                let var_type = self.endian.u32(&self.data[t.offset + 12 + k * 12..]);
                if let Some(v) = self.type_by_id(var_type) {
                    if let Some(name) = self.string(v.name_off) {
                        out.insert(name);
                    }
                }
            }
        }
        out
    }

    /// Edits that make each `FUNC name linkage=extern` with a name in `names` loadable: linkage
    /// static, and every unnamed typed parameter of its prototype named after the function.
    /// Also returns how many FUNC records it changes.
    pub fn fix_extern_funcs(&self, names: &HashSet<&[u8]>) -> (Vec<BtfEdit>, usize) {
        let mut edits = Vec::new();
        let mut funcs = 0;
        for t in self.extern_funcs.iter().map(|&at| self.record_at(at)) {
            match self.string(t.name_off) {
                Some(name) if names.contains(name) => {}
                _ => continue,
            }
            funcs += 1;
            edits.push(BtfEdit {
                offset: t.offset + 4,
                value: (t.info & !0xffff) | LINKAGE_STATIC,
            });
            let Some(proto) = self.type_by_id(t.size_or_type) else {
                continue;
            };
            if proto.kind() != KIND_FUNC_PROTO {
                continue;
            }
            for k in 0..proto.vlen() {
                let p = proto.offset + 12 + k * 8;
                let name_off = self.endian.u32(&self.data[p..]);
                let ty = self.endian.u32(&self.data[p + 4..]);
                if name_off == 0 && ty != 0 {
                    edits.push(BtfEdit {
                        offset: p,
                        value: t.name_off,
                    });
                }
            }
        }
        // A prototype shared by two fixed FUNCs would be edited twice; keep one edit per offset.
        edits.sort_by_key(|e| e.offset);
        edits.dedup_by_key(|e| e.offset);
        (edits, funcs)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a little BTF blob: types as (name, info, size_or_type, trailing u32s).
    pub(crate) fn blob(
        endian: Endian,
        strings: &[u8],
        types: &[(u32, u32, u32, Vec<u32>)],
    ) -> Vec<u8> {
        let mut t = Vec::new();
        for (name, info, st, extra) in types {
            for v in [*name, *info, *st].iter().chain(extra) {
                t.extend_from_slice(&endian.u32_bytes(*v));
            }
        }
        let mut out = Vec::new();
        let magic = match endian {
            Endian::Little => BTF_MAGIC.to_le_bytes(),
            Endian::Big => BTF_MAGIC.to_be_bytes(),
        };
        out.extend_from_slice(&magic);
        out.extend_from_slice(&[1, 0]);
        for v in [24, 0, t.len() as u32, t.len() as u32, strings.len() as u32] {
            out.extend_from_slice(&endian.u32_bytes(v));
        }
        out.extend_from_slice(&t);
        out.extend_from_slice(strings);
        out
    }

    pub(crate) const STRINGS: &[u8] = b"\0int\0bpf_map_lookup_elem\0.ksyms\0bpf_rcu_read_lock\0";

    pub(crate) fn sample(endian: Endian) -> Vec<u8> {
        blob(
            endian,
            STRINGS,
            &[
                (1, 1 << 24, 4, vec![32]),                // 1 INT int
                (0, (13 << 24) | 2, 1, vec![0, 1, 0, 1]), // 2 FUNC_PROTO (int, int)
                (5, (12 << 24) | 2, 2, vec![]),           // 3 FUNC bpf_map_lookup_elem extern
                (0, 13 << 24, 0, vec![]),                 // 4 FUNC_PROTO void(void)
                (32, (12 << 24) | 2, 4, vec![]),          // 5 FUNC bpf_rcu_read_lock extern
                (25, (15 << 24) | 1, 0, vec![5, 0, 0]),   // 6 DATASEC .ksyms
            ],
        )
    }

    #[test]
    fn finds_ksyms_and_fixes_only_named_extern_funcs() {
        for endian in [Endian::Little, Endian::Big] {
            let data = sample(endian);
            let btf = Btf::parse(&data, endian).unwrap();
            let ksyms = btf.ksyms();
            assert!(ksyms.contains(&b"bpf_rcu_read_lock"[..]));
            assert_eq!(ksyms.len(), 1);
            let names: HashSet<&[u8]> = [&b"bpf_map_lookup_elem"[..]].into();
            let (edits, funcs) = btf.fix_extern_funcs(&names);
            assert_eq!(funcs, 1);
            // FUNC info (linkage) + the two unnamed params of type 2.
            let types_start = 24;
            let proto = types_start + 16;
            let func = proto + 12 + 16;
            assert_eq!(
                edits,
                vec![
                    BtfEdit {
                        offset: proto + 12,
                        value: 5
                    },
                    BtfEdit {
                        offset: proto + 20,
                        value: 5
                    },
                    BtfEdit {
                        offset: func + 4,
                        value: 12 << 24
                    },
                ]
            );
        }
    }

    /// Type ids found from the checkpoints are the records a walk from the start finds, on
    /// both sides of every checkpoint, with records of different lengths.
    #[test]
    fn finds_every_type_id_past_the_checkpoints() {
        let mut types = Vec::new();
        for i in 0..100u32 {
            match i % 3 {
                0 => types.push((1, 1 << 24, 4, vec![32])), // INT: 16 bytes
                1 => types.push((0, 2 << 24, 1, vec![])),   // PTR: 12 bytes
                _ => types.push((0, (13 << 24) | 2, 1, vec![0, 1, 0, 1])), // FUNC_PROTO: 28
            }
        }
        let data = blob(Endian::Little, STRINGS, &types);
        let btf = Btf::parse(&data, Endian::Little).unwrap();
        let mut at = 24;
        for id in 1..=100u32 {
            assert_eq!(btf.type_by_id(id).unwrap().offset, at, "type id {id}");
            let (_, _, _, extra) = &types[id as usize - 1];
            at += 12 + 4 * extra.len();
        }
        assert!(btf.type_by_id(0).is_none());
        assert!(btf.type_by_id(101).is_none());
        assert!(btf.type_by_id(u32::MAX).is_none());
    }

    #[test]
    fn rejects_bad_headers_and_unknown_kinds() {
        let data = sample(Endian::Little);
        assert!(Btf::parse(&data, Endian::Big)
            .unwrap_err()
            .contains("magic"));
        assert!(Btf::parse(&data[..20], Endian::Little).is_err());
        let mut short = data.clone();
        short.truncate(data.len() - 3);
        assert!(Btf::parse(&short, Endian::Little)
            .unwrap_err()
            .contains("string section"));
        let bad = blob(Endian::Little, b"\0", &[(0, 31 << 24, 0, vec![])]);
        assert!(Btf::parse(&bad, Endian::Little)
            .unwrap_err()
            .contains("unknown kind 31"));
        let cut = blob(Endian::Little, b"\0", &[(0, (4 << 24) | 100, 0, vec![])]);
        assert!(Btf::parse(&cut, Endian::Little)
            .unwrap_err()
            .contains("past the type section"));
    }
}
