"""Terminal output: findings as text, JSON or CI annotations, the `show`/`tree` views and
the diff in the terminal. These build rich objects or strings; the CLI prints them."""
