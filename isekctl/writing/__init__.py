"""Writing: the canonical YAML style, fmt, scaffolding new files, freezing revisions,
and atomic writes. Only these modules change files of a data repository."""
