"""Reading: where files come from (a directory or a git commit), YAML to plain data with
positions, schema errors to findings, the load pipeline and its cache."""
