//! Helpers of `tests/tests/third_party.rs`: the fetched third-party objects ([`objects`]), the
//! tools that judge them ([`run`], [`disasm`]), comparisons of an object with what helper-bind
//! made of it ([`compare`]) and bpffs pins that clean up after themselves ([`pins`]).

pub mod compare;
pub mod disasm;
pub mod objects;
pub mod pins;
pub mod run;
