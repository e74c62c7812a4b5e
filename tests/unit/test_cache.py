"""The cache: never stale, never planted, plain JSON, and exact when it serves models."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from isekctl.kinds import FileKind
from isekctl.model import Config, GoalsFile, Measure, Revision
from isekctl.reading import cache as cache_module
from isekctl.reading import plain
from isekctl.reading.cache import Cache
from isekctl.reading.pipeline import load, process_file
from isekctl.reading.sources import Directory

from ..conftest import ROOT


class Counting(Directory):
    """A directory that counts which files were read."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reads: list[str] = []

    def read(self, path: str) -> bytes | Any:
        self.reads.append(path)
        return super().read(path)


def folder_of(cache: Path, repo: Path) -> Path:
    opened = Cache.open(repo, cache)
    assert opened is not None
    return opened.folder


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust stat entries at once (the racy-clean margin would need files 3 s old)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)


@pytest.mark.usefixtures("trusting")
def test_unchanged_files_are_not_read_again(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(Directory(example), cache_root=cache, need_project=False)
    source = Counting(example)
    warm = load(source, cache_root=cache, need_project=False)
    assert warm.from_cache and source.reads == []


@pytest.mark.usefixtures("trusting")
def test_a_same_size_edit_with_the_old_mtime_is_seen(example: Path, tmp_path: Path) -> None:
    """`cp -p`, `rsync -a`, `touch -r`: the mtime is restored, the ctime is not."""
    cache = tmp_path / "cache"
    baseline = load(Directory(example), cache_root=cache, need_project=False).findings
    measure = example / "data" / "measures" / "DIGI-WLAN.yaml"
    before = measure.stat()
    time.sleep(0.02)  # a later tick for the ctime
    text = measure.read_text(encoding="utf-8")
    assert "status: geplant" in text
    measure.write_text(text.replace("status: geplant", "status: ungenau"), encoding="utf-8")
    os.utime(measure, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = measure.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    source = Counting(example)
    outcome = load(source, cache_root=cache, need_project=False)
    assert "data/measures/DIGI-WLAN.yaml" in source.reads
    assert [f.code for f in outcome.findings if f.code not in {g.code for g in baseline}] == [
        "ISEK042"
    ]


def test_a_file_changed_in_the_tick_it_was_read_is_read_again(
    example: Path, tmp_path: Path
) -> None:
    """The racy-clean rule: files younger than RACY_NS when they were looked at are read again."""
    cache = tmp_path / "cache"
    load(Directory(example), cache_root=cache, need_project=False)
    source = Counting(example)
    assert load(source, cache_root=cache, need_project=False).from_cache
    assert set(source.reads) == {e.path for e in source.entries()}, "files written just now"


def test_the_racy_clean_rule_in_numbers(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    size, mtime, ctime, inode = 10, 5_000_000_000, 6_000_000_000, 77
    key = (size, mtime, ctime, inode)
    cache.remember_stat("a.yaml", key, "d1", seen=ctime + cache_module.RACY_NS)
    assert cache.known_digest("a.yaml", key) is None, "looked at within the margin"
    cache.remember_stat("a.yaml", key, "d1", seen=ctime + cache_module.RACY_NS + 1)
    assert cache.known_digest("a.yaml", key) == "d1"
    for changed in ((11, mtime, ctime, inode), (size, mtime + 1, ctime, inode),
                    (size, mtime, ctime + 1, inode), (size, mtime, ctime, inode + 1)):  # fmt: skip
        assert cache.known_digest("a.yaml", changed) is None
    assert cache.known_digest("a.yaml", None) is None
    cache.stats["a.yaml"] = ["garbage"]
    assert cache.known_digest("a.yaml", key) is None


def test_no_cache_inside_the_repository(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = example / ".cache"
    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(planted))
    assert Cache.open(example) is None
    load(Directory(example), need_project=False)
    load(Directory(example), need_project=False)
    assert not planted.exists(), "nothing is written into the repository"


def test_a_planted_cache_inside_the_repository_is_never_read(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request that commits a cache claiming "no findings" for a broken file."""
    planted = example / "cache"
    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(planted))
    measure = example / "data" / "measures" / "DIGI-WLAN.yaml"
    measure.write_text("id: [kaputt\n", encoding="utf-8")
    import hashlib

    folder = (
        planted / hashlib.blake2b(os.fsencode(os.path.realpath(example)), digest_size=8).hexdigest()
    )
    folder.mkdir(parents=True)
    forged = {
        "format": [cache_module._FORMAT, cache_module.tool_fingerprint()],
        "stats": {},
        "runs": {},
        "segments": [],
    }
    (folder / "index.json").write_text(json.dumps(forged), encoding="utf-8")
    outcome = load(Directory(example), need_project=False)
    assert "ISEK001" in {f.code for f in outcome.findings}


@pytest.mark.usefixtures("trusting")
def test_cache_files_writable_by_others_are_ignored(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    baseline = load(Directory(example), cache_root=cache, need_project=False).findings
    folder = folder_of(cache, example)
    index = folder / "index.json"
    index.chmod(0o666)
    source = Counting(example)
    outcome = load(source, cache_root=cache, need_project=False)
    assert not outcome.from_cache and set(source.reads) == {e.path for e in source.entries()}
    for segment in folder.glob("files-*.json"):
        segment.chmod(0o664)
    second = load(Directory(example), cache_root=cache)
    assert second.findings == baseline and second.project is not None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
@pytest.mark.usefixtures("trusting")
def test_cache_files_of_another_user_are_ignored(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(Directory(example), cache_root=cache, need_project=False)
    index = folder_of(cache, example) / "index.json"
    os.chown(index, 4242, 4242)
    source = Counting(example)
    assert not load(source, cache_root=cache, need_project=False).from_cache
    assert set(source.reads) == {e.path for e in source.entries()}


@pytest.mark.usefixtures("trusting")
def test_a_foreign_cache_folder_is_neither_read_nor_written(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = folder_of(cache, example)
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    assert Cache.open(example, cache) is None
    load(Directory(example), cache_root=cache, need_project=False)
    assert list(folder.iterdir()) == []


def test_the_cache_is_plain_json_and_damage_only_costs_time(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load(Directory(example), cache_root=cache)
    folder = folder_of(cache, example)
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "files-" + names[0][6:] and names[-1] == "index.json"
    for path in folder.iterdir():
        json.loads(path.read_text(encoding="utf-8"))  # JSON, nothing that could run code
    # a pickle planted under the old name is never looked at
    (folder / "files.pickle").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    for damage in (b"{", b'{"format": 1}', b"[]", b"\x80\x04K\x01."):
        for segment in folder.glob("files-*.json"):
            segment.write_bytes(damage)
        again = load(Directory(example), cache_root=cache)
        assert again.findings == fresh.findings
        assert again.project is not None and fresh.project is not None
        assert [m.model for m in again.project.measures] == [
            m.model for m in fresh.project.measures
        ]


def test_rows_that_are_not_what_they_claim_are_read_again(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load(Directory(example), cache_root=cache)
    folder = folder_of(cache, example)
    for segment in folder.glob("files-*.json"):
        loaded = json.loads(segment.read_text(encoding="utf-8"))
        for entry in loaded["files"]:
            entry[2][1] = ["nonsense", 1, {"x": None}]  # a model row of the wrong shape
        segment.write_text(json.dumps(loaded), encoding="utf-8")
    again = load(Directory(example), cache_root=cache)
    assert again.project is not None and fresh.project is not None
    assert [g.model for g in again.project.goals] == [g.model for g in fresh.project.goals]


def test_a_repository_path_that_is_not_utf8(tmp_path: Path) -> None:
    """The cache key hashes the path's bytes (it crashed with exit 3 before)."""
    try:
        root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/repo-\xff"))
        root.mkdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    shutil.copy2(ROOT / "isek.yaml", root / "isek.yaml")
    shutil.copytree(ROOT / "data", root / "data")
    cache = tmp_path / "cache"
    fresh = load(Directory(root), use_cache=False, need_project=False).findings
    assert load(Directory(root), cache_root=cache, need_project=False).findings == fresh
    assert load(Directory(root), cache_root=cache, need_project=False).findings == fresh


def test_segments_are_added_and_compacted(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    baseline = load(Directory(example), cache_root=cache).findings
    folder = folder_of(cache, example)
    measure = example / "data" / "measures" / "DIGI-WLAN.yaml"
    text = measure.read_text(encoding="utf-8")
    for i in range(12):
        measure.write_text(text.replace("title: ", f"title: {i} ", 1), encoding="utf-8")
        outcome = load(Directory(example), cache_root=cache)
        assert outcome.findings == baseline
        assert len(list(folder.glob("files-*.json"))) <= cache_module._MAX_SEGMENTS
    stored = Cache.open(example, cache)
    assert stored is not None
    rows = stored.files()
    assert len(rows) <= 2 * len(Directory(example).entries()) + 64


def test_segments_of_an_earlier_tool_version_are_removed(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load(Directory(example), cache_root=cache)
    folder = folder_of(cache, example)
    (old,) = folder.glob("files-*.json")
    an_hour_ago = time.time() - cache_module._ORPHAN_AGE - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    monkeypatch.setattr(cache_module, "tool_fingerprint", lambda: "an upgraded isekctl")
    load(Directory(example), cache_root=cache)
    (new,) = folder.glob("files-*.json")
    assert new != old  # the upgrade wrote its own segment, and the old one is gone


# --- plain rows: models back exactly as validation made them ------------------------------


def assert_same(original: Any, rebuilt: Any) -> None:
    assert type(rebuilt) is type(original)
    assert rebuilt == original
    assert rebuilt.model_fields_set == original.model_fields_set
    for name in type(original).model_fields:
        mine, theirs = getattr(original, name), getattr(rebuilt, name)
        assert type(theirs) is type(mine), name
        if isinstance(mine, BaseModel):
            assert_same(mine, theirs)
        elif isinstance(mine, list):
            for a, b in zip(mine, theirs, strict=True):
                assert type(b) is type(a)
                if isinstance(a, BaseModel):
                    assert_same(a, b)
        elif isinstance(mine, Decimal):
            assert str(theirs) == str(mine)  # 1.50 stays 1.50
        elif hasattr(mine, "text"):
            assert str(theirs) == str(mine)  # a partial date keeps the form it was written in


def round_trip(result: Any) -> Any:
    return plain.result(result.path, json.loads(json.dumps(plain.result_row(result))))


def test_every_example_file_comes_back_exactly() -> None:
    files = [ROOT / "isek.yaml", *sorted((ROOT / "data").rglob("*.yaml"))]
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        kind = FileKind.of_path(relative)
        assert kind is not None
        result = process_file(relative, kind, path.read_bytes())
        back = round_trip(result)
        assert back.findings == result.findings
        assert result.model is not None
        assert_same(result.model, back.model)


def test_words_read_back_are_shared_and_texts_are_not() -> None:
    """Ids, keys and fixed words come back as one string each; everything else anew."""
    raw = (
        "id: M-{n}\ntitle: Titel {n}\ngoals: [PB1-ZIEL-01]\ndepartment: FD-60\nstatus: laufend\n"
        "budget:\n  - {{year: 2021, kind: aufwand, amount: 1500}}\n"
        "reports:\n  - {{date: 2021-06-30, status: laufend, text: Sachstand}}\n"
    )
    first, second = (
        round_trip(
            process_file(f"data/measures/M-{n}.yaml", FileKind.MEASURE, raw.format(n=n).encode())
        ).model
        for n in (1, 2)
    )
    assert first.department is second.department and first.status is second.status
    assert first.goals[0] is second.goals[0]
    assert first.budget[0].kind is second.budget[0].kind
    assert first.reports[0].status is second.reports[0].status
    assert first.reports[0].text is not second.reports[0].text
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    copy = first.model_copy(update={"rating": "gruen"})  # a copy gets a set of its own
    assert "rating" in copy.__pydantic_fields_set__
    assert "rating" not in first.__pydantic_fields_set__ | second.__pydantic_fields_set__


def test_findings_and_positions_come_back_exactly() -> None:
    raw = b"id: M-1\ntitle: T\ngoals: [X]\ndepartment: FD 1\nstatus: x\nbudget:\n  - {year: 2021, kind: aufwand, amount: 1.500}\n"
    result = process_file("data/measures/M-2.yaml", FileKind.MEASURE, raw)
    assert result.findings and result.positions.values
    back = round_trip(result)
    assert [(f.location, f.code, f.message, f.hint, f.severity) for f in back.findings] == [
        (f.location, f.code, f.message, f.hint, f.severity) for f in result.findings
    ]
    assert back.positions.values == result.positions.values
    assert back.positions.keys == result.positions.keys
    assert back.complete == result.complete


TEXTS = st.sampled_from(["Grünfläche", "ß", "  zwei  ", "A\nB\n", "x" * 40, "😀", "„Zitat“"])
IDS = st.from_regex(r"[A-Z][A-Z0-9-]{0,6}[0-9]", fullmatch=True)
AMOUNTS = st.sampled_from(["0", "1500", "1500.5", "1500.50", "99999999.99", 25000, 7])
DATES = st.sampled_from(["2021", "2021-09", "2021-Q3", "2021-H2", "2021-09-30", 2022])
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)).map(str)


def maybe(**fields: Any) -> Any:
    """A dict of some of `fields` (each present or not), so field sets vary too."""
    return st.fixed_dictionaries({}, optional=fields)


MEASURES = st.builds(
    lambda required, optional: {**required, **optional},
    st.fixed_dictionaries({
        "id": IDS, "title": TEXTS, "goals": st.lists(IDS, min_size=1, max_size=3),
        "department": TEXTS, "status": st.sampled_from(["laufend", "geplant"]),
    }),
    maybe(
        decided_by=st.sampled_from(["selbstverwaltung", "verwaltung"]),
        rating=st.sampled_from(["gruen", "gelb", "rot"]), rating_reason=TEXTS,
        start=DATES, end=DATES, description=TEXTS, product_area=st.sampled_from(["1", 2, "03"]),
        budget=st.lists(maybe(year=st.just(2021), kind=st.just("aufwand"), amount=AMOUNTS,
                              actual=AMOUNTS).map(lambda d: {"year": 2021, "kind": "aufwand",
                                                              "amount": 1, **d}), max_size=3),
        resolutions=st.lists(st.one_of(
            st.just("0503/2018/DS"),
            maybe(title=TEXTS, url=st.just("https://example.org/x")).map(
                lambda d: {"number": "1/2020/A", **d}),
            st.just({"body": "Rat", "date": "2020-02-18"}),
        ), max_size=3),
        sdgs=st.lists(st.integers(1, 17), max_size=3), themes=st.lists(TEXTS, max_size=2),
        reports=st.lists(st.fixed_dictionaries({"date": DAYS, "status": st.just("laufend"),
                                                "text": TEXTS}), max_size=3),
        assumptions=st.lists(st.sampled_from(["title", "budget"]), max_size=2, unique=True),
    ),
)  # fmt: skip
OBSERVATIONS = st.fixed_dictionaries({"year": st.integers(1990, 2100), "value": AMOUNTS})
GOALS = st.builds(
    lambda required, optional: {**required, **optional},
    st.fixed_dictionaries({"id": IDS, "title": TEXTS, "level": st.just("L1")}),
    maybe(
        product_area=st.just("1"), parent=IDS, contributes_to=st.lists(IDS, max_size=2),
        description=TEXTS, sdgs=st.lists(st.integers(1, 17), max_size=2),
        indicators=st.lists(st.builds(
            lambda required, optional: {**required, **optional},
            st.fixed_dictionaries({"id": IDS, "name": TEXTS}),
            maybe(unit=TEXTS, baseline=OBSERVATIONS, target=OBSERVATIONS,
                  values=st.lists(OBSERVATIONS, max_size=2)),
        ), max_size=2),
    ),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MEASURES, min_size=1, max_size=3), st.lists(GOALS, max_size=3), st.data())
def test_models_come_back_exactly(measures: Any, goals: Any, data: st.DataObject) -> None:
    built = []
    for item in measures:
        with contextlib.suppress(ValidationError):
            built.append(Measure.model_validate(item))
    try:
        built.append(GoalsFile.model_validate({"goals": goals}))
        built.append(
            Revision.model_validate(
                {"id": "R1", "title": "T", "state": "beschlossen", "decided_on": "2020-02-18",
                 "budget_years": [2021], "goals": goals,
                 "measures": data.draw(st.sampled_from([None, list(measures[:1])]))}
            )
        )  # fmt: skip
    except ValidationError:
        pass
    assume(built)
    for model in built:
        row = plain.codec(type(model)).encode(model)
        assert_same(model, plain.codec(type(model)).decode(json.loads(json.dumps(row))))


def test_config_with_statuses_of_both_forms_comes_back_exactly() -> None:
    config = Config.model_validate(
        {"municipality": "Stadt", "levels": [{"id": "a", "name": "A"}],
         "statuses": ["offen", {"id": "zu", "name": "Zu"}], "product_areas": {"1": "Eins"},
         "open_data": {"license": "cc-zero"}, "checks": {"ISEK070": "off"}}
    )  # fmt: skip
    row = plain.codec(Config).encode(config)
    assert_same(config, plain.codec(Config).decode(json.loads(json.dumps(row))))
