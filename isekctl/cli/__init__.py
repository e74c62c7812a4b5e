"""The command line: parse arguments, call the core, print, choose the exit code.

One module per group of commands; `common` holds the app, the shared options and
the guard that turns stop conditions, Ctrl-C and bugs into exit codes.
"""

from __future__ import annotations

from . import check, compare, office, publish
from .common import app, safe_streams

__all__ = ["app", "check", "compare", "main", "office", "publish"]


def main() -> None:
    safe_streams()
    app()
