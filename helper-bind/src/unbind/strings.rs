//! Growing an ELF or BTF string table without moving any string in it.

use std::collections::HashMap;

/// A string table plus the names to append to it. Existing offsets stay valid,
/// so sections that share the table (clang's single `.strtab` names both
/// sections and symbols) keep working.
pub(crate) struct GrowingStrings<'a> {
    original: &'a [u8],
    appended: Vec<u8>,
    known: HashMap<Vec<u8>, u32>,
}

impl<'a> GrowingStrings<'a> {
    pub fn new(original: &'a [u8]) -> Self {
        GrowingStrings {
            original,
            appended: Vec::new(),
            known: HashMap::new(),
        }
    }

    /// Offset of `name`: an existing NUL-terminated occurrence (a suffix of a
    /// longer string counts, as in any ELF string table) or a new one at the end.
    pub fn offset_of(&mut self, name: &[u8]) -> u32 {
        if let Some(&off) = self.known.get(name) {
            return off;
        }
        let mut needle = name.to_vec();
        needle.push(0);
        let off = match self
            .original
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
        {
            Some(pos) => pos,
            None => {
                let pos = self.original.len() + self.appended.len();
                self.appended.extend_from_slice(&needle);
                pos
            }
        };
        let off = off as u32;
        self.known.insert(name.to_vec(), off);
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
    fn reuses_whole_strings_and_suffixes_and_appends_the_rest() {
        let table = b"\0.relxdp\0prog\0";
        let mut s = GrowingStrings::new(table);
        assert_eq!(s.offset_of(b"prog"), 9);
        assert_eq!(s.offset_of(b"xdp"), 5);
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
