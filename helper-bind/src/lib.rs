//! `helper-bind`: binds BPF helper calls declared by name to a platform's helper IDs.

pub mod platform;
