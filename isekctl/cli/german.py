"""German for the words the command-line library writes itself.

Typer (with the click it carries) writes its help frame and its usage errors in
English ("Usage:", "Show this message and exit.", "Error: No such option: --bogus").
Those texts are no longer translatable through gettext in the Typer versions isekctl
supports, so the German comes in at the two places they leave the library:

* `GermanContext.get_help()` / `get_usage()` translate the help and usage text;
  every command of the tree gets this context class (`GermanGroup.__init__`).
* `GermanGroup.main()` runs the command tree without click's own error printing
  and shows usage errors in German (`show_error`), with the same exit codes.

Only public Typer API is used for this (`typer.Context`, `typer.core.TyperGroup`,
the exception classes found through `typer.BadParameter`), so it works across the
vendored-click releases from Typer 0.26 on. A text without a translation is shown as
it is. The context also hands the options' conversion to `coercion`, the one place
that reaches into Typer, and only where Typer has the slot for it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any, Final

import typer
from typer.core import TyperGroup

from . import coercion

# (pattern, replacement) applied in order; patterns allow the line breaks of wrapped help
_HELP: Final = [
    (r"(?m)^Usage: ", "Aufruf: "),
    (r"(?m)^Options:$", "Optionen:"),
    (r"(?m)^Arguments:$", "Argumente:"),
    (r"(?m)^Commands:$", "Befehle:"),
    (r"\[OPTIONS\]", "[OPTIONEN]"),
    (r"COMMAND \[ARGS\]\.\.\.", "BEFEHL [ARGUMENTE]..."),
    (r"Show this message\s+and\s+exit\.", "Diese Hilfe anzeigen und beenden."),
    (r"Install completion\s+for\s+the\s+current\s+shell\.",
     "Vervollständigung für die Shell einrichten."),
    (r"Show completion\s+for\s+the\s+current\s+shell,\s+to\s+copy\s+it\s+or\s+customize\s+the\s+"
     r"installation\.", "Vervollständigung für die Shell anzeigen."),
    (r"\[default: ", "[Standard: "),
    (r"\[required\]", "[Pflicht]"),
    (r"\[env var: ", "[Umgebungsvariable: "),
]  # fmt: skip

# metavars in help and usage; the column after them keeps its place (see _metavars)
_METAVARS: Final = {
    "<str>": "<Text>",
    "<dir>": "<Ordner>",
    "<file>": "<Datei>",
    "<path>": "<Pfad>",
    "<int>": "<Zahl>",
    "<int range>": "<Zahl>",
    "<float>": "<Zahl>",
    "<%Y-%m-%d>": "<JJJJ-MM-TT>",
    "<list[Path]>": "<Pfade>",
    "<list[str]>": "<Texte>",
}

_ERRORS: Final = [
    # Typer 0.26 formats the suggestion as a tuple: ('(Possible options: --jobs)',)
    (r"\('\(Possible options: ([^)]*)\)',\)", r"(mögliche Optionen: \1)"),
    (r"\(Possible options: ([^)]*)\)", r"(mögliche Optionen: \1)"),
    (r"^No such option: ", "Diese Option gibt es nicht: "),
    (r"^No such command ('[^']*')\.", r"Den Befehl \1 gibt es nicht."),
    (r"Did you mean (.+)\?", r"Meinten Sie \1?"),
    (r"^Missing argument ('[^']*')\.", r"Das Argument \1 fehlt."),
    (r"^Missing option (.+)\.$", r"Die Option \1 fehlt."),
    (r"^Missing parameter: (.+)$", r"Die Angabe \1 fehlt."),
    (r"^Missing command\.", "Ein Befehl fehlt."),
    (r"^Option ('[^']*') requires an argument\.", r"Die Option \1 braucht einen Wert."),
    (r"^Option ('[^']*') requires (\d+) arguments\.", r"Die Option \1 braucht \2 Werte."),
    (r"^Option ('[^']*') does not take a value\.", r"Die Option \1 nimmt keinen Wert."),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", r"Unerwartete weitere Angaben: \1"),
    (r"^Invalid value for (.+?): ", r"Ungültiger Wert für \1: "),
    (r"Value error, ", ""),
    (r"('[^']*') is not one of (.+)\.$", r"\1 ist nicht erlaubt; möglich sind: \2."),
    (r"('[^']*') is not a valid integer(?: range)?\.", r"\1 ist keine ganze Zahl."),
    (r"Input should be a valid integer.*$", "eine ganze Zahl angeben."),
    (r"('[^']*') is not a valid float(?: range)?\.", r"\1 ist keine Zahl."),
    (r"Input should be a valid number.*$", "eine Zahl angeben."),
    (r"Input should be greater than or equal to (\S+)", r"mindestens \1 angeben."),
    (r"Input should be less than or equal to (\S+)", r"höchstens \1 angeben."),
    (r"Input should be greater than (\S+)", r"mehr als \1 angeben."),
    (r"Input should be less than (\S+)", r"weniger als \1 angeben."),
    (r"('[^']*') is not a valid boolean\.", r"\1 ist weder true noch false."),
    (r"('[^']*') does not match the formats? '%Y-%m-%d'\.", r"\1 ist kein Datum der Form JJJJ-MM-TT."),
    (r"('[^']*') does not match the formats? (.+)\.", r"\1 passt nicht zum Format \2."),
    (r"(\S+) is not in the range (.+)\.", r"\1 liegt nicht im Bereich \2."),
    (r"(?:[Dd]irectory|[Dd]ir|[Ff]ile|[Pp]ath) ('[^']*'|\"[^\"]*\") is a file\.", r"\1 ist eine Datei, kein Ordner."),
    (r"(?:[Dd]irectory|[Dd]ir|[Ff]ile|[Pp]ath) ('[^']*'|\"[^\"]*\") is a directory\.", r"\1 ist ein Ordner, keine Datei."),
    (r"(?:[Dd]irectory|[Dd]ir|[Ff]ile|[Pp]ath) ('[^']*'|\"[^\"]*\") does not exist\.", r"\1 gibt es nicht."),
    (r"(?:[Dd]irectory|[Dd]ir|[Ff]ile|[Pp]ath) ('[^']*'|\"[^\"]*\") is not (readable|writable)\.",
     r"\1 darf nicht gelesen oder geschrieben werden."),
    (r"Aborted!", "Abgebrochen."),
]  # fmt: skip

_COMPILED_HELP: Final = [(re.compile(p), r) for p, r in _HELP]
_COMPILED_ERRORS: Final = [(re.compile(p), r) for p, r in _ERRORS]


_METAVAR: Final = re.compile("(" + "|".join(re.escape(m) for m in _METAVARS) + ")( *)")


def _metavar(match: re.Match[str]) -> str:
    """The German metavar; the blanks after it shrink or grow so the next column stays put."""
    old, blanks = match[1], match[2]
    new = _METAVARS[old]
    if len(blanks) >= 2:  # a column follows
        blanks = " " * max(2, len(blanks) + len(old) - len(new))
    return new + blanks


def german_help(text: str) -> str:
    for pattern, replacement in _COMPILED_HELP:
        text = pattern.sub(replacement, text)
    return _METAVAR.sub(_metavar, text)


def german_error(message: str) -> str:
    for pattern, replacement in _COMPILED_ERRORS:
        message = pattern.sub(replacement, message)
    return german_help(message)


def _exception_class(name: str) -> type[Exception]:
    """click's exception class `name`, found through Typer's public BadParameter."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


ClickException: Final = _exception_class("ClickException")
UsageError: Final = _exception_class("UsageError")


class GermanContext(typer.Context):
    """A context whose help and usage text is German, and whose options need no pydantic."""

    def __init__(self, command: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        coercion.install(command.get_params(self))

    def get_help(self) -> str:
        return german_help(super().get_help())

    def get_usage(self) -> str:
        return german_help(super().get_usage())


def _germanise(command: Any) -> None:
    command.context_class = GermanContext
    for sub in getattr(command, "commands", {}).values():
        _germanise(sub)


def show_error(error: Exception) -> None:
    """An error as click shows it, in German: usage and where help is, then the reason."""
    message = german_error(error.format_message())  # type: ignore[attr-defined]
    if type(error).__name__ == "NoArgsIsHelpError":  # the help itself, already German
        typer.echo(message, err=True)
        return
    ctx = getattr(error, "ctx", None)
    if isinstance(error, UsageError) and ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"Hilfe: {ctx.command_path} {ctx.help_option_names[0]}\n", err=True)
    typer.echo(f"Fehler: {message}", err=True)


class GermanGroup(TyperGroup):
    """The root command: German help everywhere and German usage errors."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _germanise(self)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = super().main
        if not standalone_mode:
            return run(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            result = run(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as error:
            show_error(error)
            sys.exit(error.exit_code)  # type: ignore[attr-defined]
        except typer.Abort:
            typer.echo("Abgebrochen.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)
