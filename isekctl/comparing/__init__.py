"""Comparing: the two operands of a diff, the semantic diff by stable id, the word diff,
and the JSON output of a comparison."""
