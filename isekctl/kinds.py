"""The four kinds of data file and what differs between them, apart from their model.

Kept apart from `model` so that finding and hashing files, and a run answered from the
cache, never import pydantic; `model.model_of` gives a kind's model class.
"""

from __future__ import annotations

import enum


class FileKind(enum.Enum):
    """The four kinds of data file, with everything that differs between them."""

    CONFIG = (
        "config",
        "isek.yaml",
        "isek.schema.json",
        "Konfiguration",
        "ISEK-Konfiguration (isek.yaml)",
        "isek.yaml beginnt mit `municipality: …` und `levels:`.",
    )
    GOALS = (
        "goals",
        "data/goals",
        "goals.schema.json",
        "Zieldatei",
        "ISEK-Ziele (data/goals/*.yaml)",
        "Eine Zieldatei beginnt mit `goals:`; die Ziele stehen eingerückt darunter als Liste.",
    )
    MEASURE = (
        "measure",
        "data/measures",
        "measure.schema.json",
        "Maßnahme",
        "ISEK-Schlüsselmaßnahme (data/measures/<id>.yaml)",
        "Eine Maßnahmendatei beginnt mit `id: …`, `title: …` (eine Maßnahme je Datei).",
    )
    REVISION = ("revision", "data/revisions", "revision.schema.json", "Revision",
                "ISEK-Revision (data/revisions/<id>.yaml)",
                "Eine Revisionsdatei beginnt mit `id: …`, `title: …`, `state: …`.")  # fmt: skip

    def __init__(
        self,
        key: str,
        place: str,
        schema_file: str,
        german: str,
        schema_title: str,
        hint: str,
    ) -> None:
        self.key = key
        self.place = place  # the file itself (config) or the folder holding the files
        self.schema_file = schema_file
        self.german = german  # what a message calls one such file
        self.schema_title = schema_title
        self.root_hint = hint  # how such a file begins, for a file of the wrong shape

    @property
    def is_folder(self) -> bool:
        return self is not FileKind.CONFIG

    @classmethod
    def folders(cls) -> list[FileKind]:
        return [kind for kind in cls if kind.is_folder]

    @classmethod
    def of_path(cls, path: str) -> FileKind | None:
        """The kind of a file from where it lives (`data/measures/x.yaml`, `isek.yaml`)."""
        parts = path.replace("\\", "/").split("/")
        if parts[-1] == "isek.yaml":
            return cls.CONFIG
        folder = "/".join(parts[-3:-1])
        return next((k for k in cls.folders() if k.place == folder), None)
