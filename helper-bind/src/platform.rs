//! Platform helper tables as helper-bind uses them. (placeholder: interface agreed)
