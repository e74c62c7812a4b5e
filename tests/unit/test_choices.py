"""Finding what a clerk means by id or by part of a name."""

from __future__ import annotations

import pytest

from isekctl.writing.choices import Option, find

DEPARTMENTS = [
    Option("FD 32", "Ordnung und Sicherheit"),
    Option("FD 53", "Gesundheit"),
    Option("FD 70", "Abfallwirtschaft und Stadtreinigung"),
    Option("Digitalisierung", "Projekt Digitalisierung"),
]
MEASURES = [
    Option("DIGI-BUERGERPORTAL", "Bürgerportal als Vertriebsplattform"),
    Option("DIGI-FACHVERFAHREN", "Verknüpfung der Fachanwendungen mit Bürgerportal"),
]


@pytest.mark.parametrize(
    ("answer", "options", "expected"),
    [
        ("fd32", DEPARTMENTS, ["FD 32"]),  # case and blanks forgiven
        ("FD 3", DEPARTMENTS, []),  # a number only as a whole: never FD 32
        ("FD 99", DEPARTMENTS, []),
        ("Gesundheit", DEPARTMENTS, ["FD 53"]),  # the whole name
        ("ordnung", DEPARTMENTS, ["FD 32"]),  # part of the name
        ("stadtreinig", DEPARTMENTS, ["FD 70"]),
        ("digitalisierung", DEPARTMENTS, ["Digitalisierung"]),
        ("und", DEPARTMENTS, ["FD 32", "FD 53", "FD 70"]),  # several (gesUNDheit): listed
        ("Bürgerportal", MEASURES, ["DIGI-BUERGERPORTAL"]),  # the id's own word first
        ("buergerportal", MEASURES, ["DIGI-BUERGERPORTAL"]),  # ü written as ue
        ("Fachanwendungen", MEASURES, ["DIGI-FACHVERFAHREN"]),
        ("digi-bürgerportal", MEASURES, ["DIGI-BUERGERPORTAL"]),
        ("", MEASURES, []),
    ],
)
def test_find(answer: str, options: list[Option], expected: list[str]) -> None:
    assert [o.id for o in find(answer, options)] == expected
