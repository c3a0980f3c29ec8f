//! Output formats, one module each. (placeholder)
