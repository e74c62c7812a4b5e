"""The interactive commands at a real terminal (a pseudo-terminal), as a clerk types."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """isekctl in a pseudo-terminal: wait for a text, type an answer, read everything said."""

    def __init__(self, *args: str | Path) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "dumb"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "isekctl", *map(str, args)],
            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.said = ""
        self.seen = 0

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the program ended
            return False
        if not chunk:
            return False
        self.said += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return True

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.said[self.seen :]:
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"never saw {text!r}; the terminal showed:\n{self.said}")
        self.seen = self.said.index(text, self.seen) + len(text)

    def type(self, answer: str) -> None:
        os.write(self.master, answer.encode("utf-8") + b"\r")  # Enter, as a keyboard sends it

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self._read(0.2) and time.monotonic() < deadline:
            if self.process.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                break
        code = self.process.wait(timeout=timeout)
        os.close(self.master)
        return code


def test_new_report_at_a_terminal_with_typos_and_picks_by_name(repo: Path) -> None:
    measure = repo / "data" / "measures" / "M-1.yaml"
    term = Terminal("new", "report", "--repo", repo)
    term.expect("Maßnahme (ID oder Teil des Titels; ? = Liste):")
    term.type("Bürgerbüro")
    term.expect("„Bürgerbüro“ gibt es nicht. Zur Auswahl stehen:")
    term.expect("1) M-1 – Digitale Terminvergabe")
    term.type("terminvergabe")
    term.expect("→ M-1 – Digitale Terminvergabe")
    term.expect("Datum des Berichts [")
    term.type("31.02.2025")
    term.expect("✗")
    term.expect("Datum des Berichts [")
    term.type("2025-06-30")
    term.expect("Status [laufend]:")
    term.type("erledigt")
    term.expect("gibt es nicht")
    term.type("Abgeschl")
    term.expect("→ abgeschlossen")
    term.expect("Text (Sachstand, eine Zeile):")
    term.type("Fertig: alle 40 Termine online # ohne Kommentar")
    term.expect("Statusbericht vom 30.06.2025 ergänzt: data/measures/M-1.yaml")
    assert term.finish() == 0, term.said
    text = measure.read_text(encoding="utf-8")
    assert "status: abgeschlossen\n" in text
    assert text.endswith(
        "  - date: 2025-06-30\n    status: abgeschlossen\n"
        "    text: 'Fertig: alle 40 Termine online # ohne Kommentar'\n"
    )


def test_new_measure_at_a_terminal_adds_the_department_and_ctrl_d_writes_nothing(
    repo: Path,
) -> None:
    term = Terminal("new", "measure", "--repo", repo)
    term.expect("ID der Maßnahme (z. B. DIGI-WLAN):")
    term.type("M-5")
    term.expect("Titel:")
    term.type("Schulhöfe entsiegeln")
    term.expect("Ziele (ID oder Teil des Titels, mehrere mit Komma; ? = Liste):")
    term.type("gestalten")
    term.expect("Welches? Nummer:")
    term.type("2")
    term.expect("→ F1 – Digitalisierung gestalten")
    term.expect("Federführender Fachdienst")
    term.type("FD 66")
    term.expect("Neu eintragen? [j/N]:")
    term.type("j")
    term.expect("Name des Fachdienstes „FD 66“:")
    term.type("Tiefbau")
    for _ in range(3):  # status, start, end: the defaults
        term.expect(":")
        term.type("")
    term.expect("Haushaltsansatz")
    term.type("2026 investition 80000")
    term.expect("Haushaltsansatz")
    term.type("")
    term.expect("angelegt: data/measures/M-5.yaml")
    assert term.finish() == 0, term.said
    assert "  FD 66: Tiefbau\n" in (repo / "isek.yaml").read_text(encoding="utf-8")
    text = (repo / "data" / "measures" / "M-5.yaml").read_text(encoding="utf-8")
    assert "goals: [F1]\ndepartment: FD 66\nstatus: geplant\n" in text
    assert "  - {year: 2026, kind: investition, amount: 80000}\n" in text

    before = sorted(p.name for p in (repo / "data" / "measures").iterdir())
    term = Terminal("new", "measure", "--repo", repo)
    term.expect("ID der Maßnahme (z. B. DIGI-WLAN):")
    term.type("M-6")
    term.expect("Titel:")
    os.write(term.master, b"\x04")  # Ctrl-D
    term.expect("Abgebrochen – es wurde nichts geschrieben.")
    assert term.finish() == 1
    assert sorted(p.name for p in (repo / "data" / "measures").iterdir()) == before
