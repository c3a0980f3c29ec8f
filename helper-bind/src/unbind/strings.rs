//! Growing an ELF or BTF string table without moving any string in it.

use std::collections::HashMap;

/// A string table plus the names to append to it. Existing offsets stay valid,
/// so sections that share the table (clang's single `.strtab` names both
/// sections and symbols) keep working.
pub(crate) struct GrowingStrings<'a> {
    original: &'a [u8],
    appended: Vec<u8>,
    /// Every string in the table (original and appended) by content; the
    /// original's are indexed on first use, in one pass.
    known: Option<HashMap<Vec<u8>, u32>>,
}

impl<'a> GrowingStrings<'a> {
    pub fn new(original: &'a [u8]) -> Self {
        GrowingStrings {
            original,
            appended: Vec::new(),
            known: None,
        }
    }

    /// Offset of `name`: an existing string equal to it, or a new one at the end.
    pub fn offset_of(&mut self, name: &[u8]) -> u32 {
        let original = self.original;
        let known = self.known.get_or_insert_with(|| {
            let mut map = HashMap::new();
            let mut start = 0;
            for (i, &b) in original.iter().enumerate() {
                if b == 0 {
                    map.entry(original[start..i].to_vec())
                        .or_insert(start as u32);
                    start = i + 1;
                }
            }
            map
        });
        if let Some(&off) = known.get(name) {
            return off;
        }
        let off = (self.original.len() + self.appended.len()) as u32;
        self.appended.extend_from_slice(name);
        self.appended.push(0);
        known.insert(name.to_vec(), off);
        off
    }

    /// The table with the appended names, or `None` if nothing was appended.
    pub fn grown(&self) -> Option<Vec<u8>> {
        if self.appended.is_empty() {
            return None;
        }
        let mut all = Vec::with_capacity(self.original.len() + self.appended.len());
        all.extend_from_slice(self.original);
        all.extend_from_slice(&self.appended);
        Some(all)
    }

    /// Bytes appended so far.
    pub fn appended(&self) -> &[u8] {
        &self.appended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_whole_strings_and_appends_the_rest() {
        let table = b"\0.relxdp\0prog\0";
        let mut s = GrowingStrings::new(table);
        assert_eq!(s.offset_of(b"prog"), 9);
        assert_eq!(s.offset_of(b""), 0);
        assert_eq!(s.offset_of(b"bpf_ktime_get_ns"), table.len() as u32);
        assert_eq!(s.offset_of(b"bpf_ktime_get_ns"), table.len() as u32);
        let grown = s.grown().unwrap();
        assert_eq!(&grown[..table.len()], table);
        assert_eq!(&grown[table.len()..], b"bpf_ktime_get_ns\0");
    }

    #[test]
    fn nothing_appended_means_no_new_table() {
        let mut s = GrowingStrings::new(b"\0a\0");
        s.offset_of(b"a");
        assert!(s.grown().is_none());
    }
}
