"""Asking on a terminal: every answer checked at once, and asked again after a mistake.

Choices (goals, departments, statuses …) are found by id or by part of their name;
several matches or none show a numbered list to pick from.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import typer

from ..findings import IsekError
from ..text import visible
from ..writing.choices import Option, find, listing

T = TypeVar("T")


def at_terminal() -> bool:
    """Someone types the answers: ask for missing fields instead of failing."""
    return sys.stdin.isatty()


def say(text: str) -> None:
    typer.echo(visible(text))


def complain(error: IsekError) -> None:
    """A mistake in an answer, said plainly, before the question comes again."""
    finding = error.finding
    say(f"  ✗ {finding.message}")
    if finding.hint:
        say(f"    {finding.hint}")
    for detail in error.details[:3]:
        say(f"    {detail.location}: {detail.message}")


def _prompt(text: str, default: str | None) -> str:
    try:
        if default is None:
            answer: str = typer.prompt(text)
        else:
            answer = typer.prompt(text, default=default, show_default=bool(default))
    except typer.Abort:  # Ctrl-D or Ctrl-C at the question
        say("\nAbgebrochen – es wurde nichts geschrieben.")
        raise typer.Exit(1) from None
    return answer.strip()


def ask(prompt: str, check: Callable[[str], T], *, default: str | None = None) -> T:
    """Ask until `check` accepts the answer (`default` "" makes the answer optional)."""
    while True:
        answer = _prompt(prompt, default)
        try:
            return check(answer)
        except IsekError as exc:
            complain(exc)


def confirm(prompt: str) -> bool:
    answer = _prompt(f"{prompt} [j/N]", "")
    return answer.casefold() in ("j", "ja", "y", "yes")


def show(options: list[Option]) -> None:
    for line in listing(options):
        say(line)


def pick_one(
    prompt: str,
    options: list[Option],
    *,
    what: str,
    default: str | None = None,
    optional: bool = False,
    shown: list[Option] | None = None,
    other: Callable[[str], str | None] | None = None,
) -> str | None:
    """The id of one option, chosen by id, by part of its name or by its number in a list.

    `other` may accept an answer that matches nothing (e.g. to add a new department).
    """
    listed = list(shown or [])
    while True:
        answer = _prompt(prompt, default if default is not None else ("" if optional else None))
        if not answer and optional:
            return None
        if answer in ("", "?"):
            listed = options
            show(listed)
            continue
        if answer.isdigit() and listed and 1 <= int(answer) <= len(listed):
            chosen = listed[int(answer) - 1]
            say(f"  → {chosen.label()}")
            return chosen.id
        found = find(answer, options)
        if len(found) == 1:
            if found[0].id != answer:
                say(f"  → {found[0].label()}")
            return found[0].id
        if found:
            say(f"  „{answer}“ passt zu mehreren; bitte die Nummer wählen:")
            listed = found
            show(listed)
            continue
        if other is not None:
            accepted = other(answer)
            if accepted is not None:
                return accepted
        say(f"  ✗ {what} „{answer}“ gibt es nicht. Zur Auswahl stehen:")
        listed = options
        show(listed)


def pick_many(prompt: str, options: list[Option], *, what: str) -> list[str]:
    """Several options at once, separated by commas; each chosen as in `pick_one`."""
    listed: list[Option] = []
    while True:
        answer = _prompt(prompt, None)
        if answer == "?":
            listed = options
            show(listed)
            continue
        chosen: list[str] = []
        for token in (t.strip() for t in answer.split(",")):
            if not token:
                continue
            if token.isdigit() and listed and 1 <= int(token) <= len(listed):
                chosen.append(listed[int(token) - 1].id)
                continue
            found = find(token, options)
            if len(found) == 1:
                chosen.append(found[0].id)
                continue
            if found:
                say(f"  „{token}“ passt zu mehreren:")
                show(found)
                picked = pick_one("  Welches? Nummer", found, what=what, shown=found)
                if picked:
                    chosen.append(picked)
                continue
            say(f"  ✗ {what} „{token}“ gibt es nicht. Zur Auswahl stehen:")
            listed = options
            show(listed)
            chosen = []
            break
        if chosen:
            unique = list(dict.fromkeys(chosen))
            labels = {o.id: o.label() for o in options}
            for identifier in unique:
                say(f"  → {labels.get(identifier, identifier)}")
            return unique
