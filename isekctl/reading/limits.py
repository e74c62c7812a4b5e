"""The limits every data file is read within (the reader refuses a file beyond them).

A module of its own, so that listing and reading files needs no YAML machinery.
"""

from __future__ import annotations

from typing import Final

MAX_BYTES: Final = 512 * 1024  # a measure file has ~2 KB, a large revision ~200 KB
MAX_DEPTH: Final = 30
MAX_NODES: Final = 100_000
