"""The command line: parse arguments, call the core, print, choose the exit code.

One module per group of commands; `common` holds the app, the shared options and
the guard that turns stop conditions, Ctrl-C and bugs into exit codes.
"""

from __future__ import annotations

import contextlib
import os
import sys

from . import check, compare, history, office, publish
from .common import app, safe_streams

__all__ = ["app", "check", "compare", "history", "main", "office", "publish"]


def main() -> None:
    from .. import memory

    memory.ONE_COMMAND = True  # this process runs one command and ends with _leave
    safe_streams()
    try:
        app()
    except SystemExit as done:
        _leave(done.code)


def _leave(code: object) -> None:
    """End the process once the output is out, without freeing the loaded data first.

    Every command has written its files and its output by now (nothing runs in the
    background). Taking a large loaded data set apart object by object at interpreter
    exit costs more than a tenth of a `validate` of 3,000 files; `os._exit` skips that.
    """
    if isinstance(code, str):  # sys.exit("message"): Python prints it and ends with 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: safe_streams has silenced it
            stream.flush()
    os._exit(code if isinstance(code, int) else 0)
