//! A small reader of the `.BTF` section: header, type list and string table. Enough to check
//! that binding changes only the helpers' `FUNC` linkage and their prototypes' parameter
//! names, and that kfuncs stay listed in `.ksyms`.

/// BTF kinds this harness looks at by name.
pub mod kind {
    /// `BTF_KIND_FUNC`: `vlen` holds the linkage.
    pub const FUNC: u32 = 12;
    /// `BTF_KIND_FUNC_PROTO`: `vlen` parameters follow.
    pub const FUNC_PROTO: u32 = 13;
    /// `BTF_KIND_DATASEC`: `vlen` variable/function entries follow.
    pub const DATASEC: u32 = 15;
}

/// `FUNC` linkage values.
pub mod linkage {
    /// `BTF_FUNC_STATIC`.
    pub const STATIC: u32 = 0;
    /// `BTF_FUNC_GLOBAL`.
    pub const GLOBAL: u32 = 1;
    /// `BTF_FUNC_EXTERN`.
    pub const EXTERN: u32 = 2;
}

/// One type record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfType {
    /// Type id (1-based; 0 is `void`).
    pub id: u32,
    /// Byte offset of the record in the `.BTF` section.
    pub offset: usize,
    /// Offset of its name in the string table.
    pub name_off: u32,
    /// `BTF_KIND_*`.
    pub kind: u32,
    /// Kind-specific count (members, parameters) or, for `FUNC`, the linkage.
    pub vlen: u32,
    /// The `kind_flag` bit.
    pub kind_flag: bool,
    /// The size or type field.
    pub size_or_type: u32,
    /// The words that follow the common header, in order.
    pub extra: Vec<u32>,
}

impl BtfType {
    /// `(name_off, type)` of each `FUNC_PROTO` parameter; empty for other kinds.
    pub fn params(&self) -> Vec<(u32, u32)> {
        if self.kind != kind::FUNC_PROTO {
            return Vec::new();
        }
        self.extra.chunks(2).map(|p| (p[0], p[1])).collect()
    }
}

/// A parsed `.BTF` section.
#[derive(Debug, Clone)]
pub struct Btf {
    /// All types, index `i` holding type id `i + 1`.
    pub types: Vec<BtfType>,
    /// The raw string table.
    pub strings: Vec<u8>,
    /// The raw header bytes.
    pub header: Vec<u8>,
}

/// Number of 32-bit words that follow a type's 12-byte header.
fn extra_words(kind: u32, vlen: u32) -> Option<usize> {
    let vlen = vlen as usize;
    Some(match kind {
        1 | 14 | 17 => 1,            // INT, VAR, DECL_TAG
        2 | 7..=12 | 16 | 18 => 0,   // PTR, FWD, TYPEDEF..FUNC, FLOAT, TYPE_TAG
        3 => 3,                      // ARRAY
        4 | 5 | 15 | 19 => 3 * vlen, // STRUCT, UNION, DATASEC, ENUM64
        6 | 13 => 2 * vlen,          // ENUM, FUNC_PROTO
        _ => return None,
    })
}

impl Btf {
    /// Parses a `.BTF` section of an object with the given byte order.
    pub fn parse(data: &[u8], big_endian: bool) -> Result<Btf, String> {
        let word = |at: usize| -> Result<u32, String> {
            let bytes: [u8; 4] = data
                .get(at..at + 4)
                .ok_or_else(|| format!("BTF truncated at {at}"))?
                .try_into()
                .unwrap();
            Ok(if big_endian {
                u32::from_be_bytes(bytes)
            } else {
                u32::from_le_bytes(bytes)
            })
        };
        let magic_bytes = data.get(..2).ok_or("BTF shorter than its magic")?;
        let magic = if big_endian {
            u16::from_be_bytes([magic_bytes[0], magic_bytes[1]])
        } else {
            u16::from_le_bytes([magic_bytes[0], magic_bytes[1]])
        };
        if magic != 0xeb9f {
            return Err(format!("bad BTF magic {magic:#x}"));
        }
        let hdr_len = word(4)? as usize;
        let (type_off, type_len) = (word(8)? as usize, word(12)? as usize);
        let (str_off, str_len) = (word(16)? as usize, word(20)? as usize);
        let types_start = hdr_len + type_off;
        let strings_start = hdr_len + str_off;
        let strings = data
            .get(strings_start..strings_start + str_len)
            .ok_or("BTF string table outside the section")?
            .to_vec();

        let mut types = Vec::new();
        let mut at = types_start;
        while at < types_start + type_len {
            let info = word(at + 4)?;
            let kind = (info >> 24) & 0x1f;
            let vlen = info & 0xffff;
            let count = extra_words(kind, vlen).ok_or(format!("unknown BTF kind {kind}"))?;
            let extra = (0..count)
                .map(|i| word(at + 12 + 4 * i))
                .collect::<Result<Vec<_>, _>>()?;
            types.push(BtfType {
                id: types.len() as u32 + 1,
                offset: at,
                name_off: word(at)?,
                kind,
                vlen,
                kind_flag: info >> 31 == 1,
                size_or_type: word(at + 8)?,
                extra,
            });
            at += 12 + 4 * count;
        }
        Ok(Btf {
            types,
            strings,
            header: data[..hdr_len].to_vec(),
        })
    }

    /// The string at `offset`, or `None` if it is outside the table or not UTF-8.
    pub fn string(&self, offset: u32) -> Option<&str> {
        let rest = self.strings.get(offset as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        std::str::from_utf8(&rest[..end]).ok()
    }

    /// The type with id `id`.
    pub fn get(&self, id: u32) -> Option<&BtfType> {
        id.checked_sub(1).and_then(|i| self.types.get(i as usize))
    }

    /// The `FUNC` type called `name`, if any.
    pub fn func(&self, name: &str) -> Option<&BtfType> {
        self.types
            .iter()
            .find(|t| t.kind == kind::FUNC && self.string(t.name_off) == Some(name))
    }

    /// Names of the entries of the `DATASEC` called `section` (e.g. `.ksyms`).
    pub fn datasec_entries(&self, section: &str) -> Vec<String> {
        let Some(datasec) = self
            .types
            .iter()
            .find(|t| t.kind == kind::DATASEC && self.string(t.name_off) == Some(section))
        else {
            return Vec::new();
        };
        datasec
            .extra
            .chunks(3)
            .filter_map(|entry| self.get(entry[0]))
            .filter_map(|t| self.string(t.name_off))
            .map(str::to_string)
            .collect()
    }
}
