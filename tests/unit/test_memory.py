"""The collector is paused while data are built and restored after; only a one-command
process (or a large load) freezes what was made."""

from __future__ import annotations

import gc

import pytest

from isekctl import memory
from isekctl.memory import collector_paused


def test_collector_paused_restores_the_collector_even_after_an_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


@pytest.mark.parametrize("one_command", [False, True])
def test_only_a_one_command_process_freezes_what_was_made(
    one_command: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "ONE_COMMAND", one_command)
    gc.unfreeze()
    with collector_paused():
        made = [[i] for i in range(1000)]  # tracked objects
    assert (gc.get_freeze_count() >= len(made)) is one_command
    assert gc.isenabled()


def test_a_large_load_is_frozen_in_any_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "FREEZE_OBJECTS", 100)
    gc.unfreeze()
    with collector_paused():
        small = [[i] for i in range(500)]
    assert gc.get_freeze_count() == 0, "a report in a longer process is not frozen"
    with collector_paused(loading=True):
        large = [[i] for i in range(500)]
    assert gc.get_freeze_count() >= len(large) + len(small)
