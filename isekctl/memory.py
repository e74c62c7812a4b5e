"""How a process treats the memory of the data it builds: the cyclic garbage collector
paused while they are made, and, in a process that runs one command and ends, kept.

Reading, report contexts and rendering make hundreds of thousands of objects that all
stay alive and hold no cycles; every automatic collection would walk all of them again
(a fifth of a `validate` of 20,000 files, a third of building and rendering a report),
and the first collection after the collector is back walks everything made meanwhile.

The command line's `main` ends its process with `os._exit` (see `cli._leave`) and sets
ONE_COMMAND. Then what was made is frozen when the collector comes back (later
collections skip it) and what was loaded is kept to the end, instead of being taken
apart when a command returns: 0.05–0.1 s each at 20,000 measures. A longer process (a
library caller, the tests) must not: cyclic garbage that exists at a freeze is never
collected, and kept data is never freed. It freezes only a large load.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

ONE_COMMAND = False
FREEZE_OBJECTS: Final = 200_000  # objects made while loading; from here they are frozen anyway
_KEPT: list[object] = []


@contextmanager
def collector_paused(*, loading: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside; a caller's choice to have none is kept.

    `loading`: what is made inside stays alive as long as the data (a load), so a large
    amount of it is frozen even in a longer process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if ONE_COMMAND or (loading and gc.get_count()[0] > FREEZE_OBJECTS):
            gc.freeze()
        if enabled:
            gc.enable()


def keep(loaded: object) -> None:
    """Keep `loaded` until the process ends, if it runs one command (see above)."""
    if ONE_COMMAND:
        _KEPT.append(loaded)
