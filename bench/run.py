"""Benchmarks of isekctl against baselines measured in the same run.

    python bench/run.py                 # all sizes (300, 3,000, 20,000 measures)
    python bench/run.py --sizes 300,3000 --repeat 3

Every figure is the median wall time of whole processes, so start-up counts. The
baselines are measured on the same files in the same run, so the ratios hold on
any machine: PyYAML's C loader (the parse floor: reading without any checking)
and check-jsonschema with the exported measure schema (a peer that checks less).
Targets are printed next to each ratio; the exit code is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import make_repository  # noqa: E402

PARSE_FLOOR = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
for folder in ("goals", "measures", "revisions"):
    for path in sorted((root / "data" / folder).glob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
NOOP_TYPER = """
import typer
app = typer.Typer()
@app.command()
def main() -> None:
    pass
app()
"""


def timed(command: list[str], *, env: dict[str, str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"benchmark command failed ({result.returncode}): {' '.join(command[:4])} …\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


def median(
    repeat: int, command: list[str], *, env: dict[str, str], cwd: Path | None = None
) -> float:
    return statistics.median(timed(command, env=env, cwd=cwd) for _ in range(repeat))


class Report:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def add(
        self, what: str, seconds: float, ratio: str = "", target: str = "", met: bool | None = None
    ) -> None:
        verdict = "" if met is None else ("ok" if met else "MISSED")
        if met is False:
            self.missed.append(what)
        print(f"{what:<60} {seconds:7.2f} s  {ratio:<20} {target} {verdict}", flush=True)


ISEKCTL = [sys.executable, "-m", "isekctl"]


def floor_of(repo: Path, repeat: int, env: dict[str, str]) -> float:
    return median(repeat, [sys.executable, "-c", PARSE_FLOOR, str(repo)], env=env)


def bench_startup(report: Report, work: Path, repeat: int, env: dict[str, str]) -> None:
    noop = work / "noop_typer.py"
    noop.write_text(NOOP_TYPER, encoding="utf-8")
    base = median(repeat * 3, [sys.executable, str(noop), "--help"], env=env)
    report.add("no-op Typer app --help", base)
    ours = median(repeat * 3, [*ISEKCTL, "--help"], env=env)
    ratio = ours / base
    report.add("isekctl --help", ours, f"{ratio:.2f}× no-op", "≤ 1.10×", ratio <= 1.10)


def bench_size(report: Report, work: Path, size: int, repeat: int, env: dict[str, str]) -> None:
    """validate (cold, warm, against the peers), then the reports on the same tree."""
    repo = make_repository(work / f"repo-{size}", size)
    reps = 1 if size >= 20_000 else repeat
    target = size == 3000
    floor = floor_of(repo, reps, env)
    report.add(f"{size:>6} measures: parse floor (PyYAML CSafeLoader)", floor)
    cold = median(reps, [*ISEKCTL, "validate", "--repo", str(repo), "--no-cache"], env=env)
    ratio = cold / floor
    report.add(f"{size:>6} measures: isekctl validate (cold)", cold, f"{ratio:.2f}× floor",
               "≤ 1.5× floor" if target else "", ratio <= 1.5 if target else None)  # fmt: skip
    if shutil.which("check-jsonschema"):
        subprocess.run(
            [*ISEKCTL, "schema", "--out", str(work)], env=env, check=True, capture_output=True
        )
        files = sorted(
            str(p.relative_to(repo)) for p in (repo / "data" / "measures").glob("*.yaml")
        )
        peer = median(
            reps,
            ["check-jsonschema", "--schemafile", str(work / "measure.schema.json"), *files],
            env=env,
            cwd=repo,
        )
        ratio = cold / peer
        report.add(f"{size:>6} measures: check-jsonschema (measures only)", peer, f"validate {ratio:.2f}×",
                   "< 0.5× peer" if target else "", ratio < 0.5 if target else None)  # fmt: skip
    else:
        print("  (check-jsonschema not installed: pip install '.[bench]')")
    timed([*ISEKCTL, "validate", "--repo", str(repo)], env=env)  # fill the cache
    warm = median(repeat, [*ISEKCTL, "validate", "--repo", str(repo)], env=env)
    report.add(f"{size:>6} measures: isekctl validate (warm cache)", warm, "",
               "< 0.3 s" if target else "", warm < 0.3 if target else None)  # fmt: skip
    if size >= 3000:
        # a report loads and checks like validate (reusing its cache) and then renders;
        # "adds at most 30 %": the whole report command takes at most 1.3x validate
        for kind in ("massnahmenliste", "haushaltsbericht"):
            out = str(work / "out")
            command = [
                *ISEKCTL,
                "report",
                "--repo",
                str(repo),
                "-k",
                kind,
                "-f",
                "html",
                "--out",
                out,
            ]
            took = median(reps, command, env=env)
            ratio = took / cold
            label = f"{size:>6} measures: report {kind} html (cached model)"
            report.add(label, took, f"{ratio:.2f}× validate", "≤ 1.3× validate", ratio <= 1.3)


MAX_RSS = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(0 if result.returncode in (0, 1) else result.returncode)
"""


def bench_fmt(report: Report, work: Path, size: int, repeat: int, env: dict[str, str]) -> None:
    """fmt --check on formatted files: cold (no remembered contents), warm, and one large file
    just under the 512 KiB limit (the issue's 1 MB file is refused by that limit, ISEK007).

    The baseline is the parse floor of the same files: fmt must at least read them.
    The issue's targets (3,000 files: cold <= 3 s, warm < 0.5 s on two cores, measured
    with a floor of 0.66 s) are checked as ratios to the floor: cold <= 4.5x, warm <= 0.75x.
    """
    repo = make_repository(work / f"fmt-{size}", size)
    subprocess.run([*ISEKCTL, "fmt", "--repo", str(repo)], env=env, capture_output=True)
    floor = floor_of(repo, repeat, env)
    report.add(f"{size:>6} files: parse floor (PyYAML CSafeLoader)", floor)
    check = [*ISEKCTL, "fmt", "--check", "--repo", str(repo)]
    colds = []
    for run in range(repeat):
        fresh = {**env, "ISEKCTL_CACHE_DIR": str(work / f"fmt-cache-{size}-{run}")}
        colds.append(timed(check, env=fresh))
    cold = statistics.median(colds)
    ratio = cold / floor
    report.add(f"{size:>6} files: fmt --check (cold)", cold, f"{ratio:.2f}× floor",
               "≤ 4.5× floor (3 s)", ratio <= 4.5)  # fmt: skip
    warm_env = {**env, "ISEKCTL_CACHE_DIR": str(work / f"fmt-cache-{size}-0")}
    warm = median(repeat, check, env=warm_env)
    ratio = warm / floor
    report.add(f"{size:>6} files: fmt --check (warm, unchanged)", warm, f"{ratio:.2f}× floor",
               "≤ 0.75× floor (0.5 s)", ratio <= 0.75)  # fmt: skip
    big = make_repository(work / "fmt-large", 0)
    # just under the 512 KiB per-file limit (a larger file is refused, ISEK007)
    items = ",\n  ".join(f"Eintrag-{i:05d}" for i in range(30_000))
    (big / "data" / "measures" / "M-GROSS.yaml").write_text(
        f"id: M-GROSS\ntitle: Eine große Datei\ngoals: [\n  {items}]\ndepartment: FD 32\n"
        "status: laufend\n",
        encoding="utf-8",
    )  # one item per line: fmt rewrites it as one flow list
    size_mb = (big / "data" / "measures" / "M-GROSS.yaml").stat().st_size / 1e6
    big_floor = floor_of(big, repeat, env)
    report.add(f"one {size_mb:.1f} MB file: parse floor", big_floor)
    command = [sys.executable, "-c", MAX_RSS, *ISEKCTL, "fmt", "--check", "--repo", str(big)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    took = time.perf_counter() - started
    rss = int(result.stdout.split()[-1]) / 1024
    report.add(f"one {size_mb:.1f} MB file: fmt --check", took, f"{took / big_floor:.2f}× floor",
               "< 5 s", took < 5)  # fmt: skip
    report.add(f"one {size_mb:.1f} MB file: fmt --check peak memory {rss:.0f} MB", 0.0, "",
               "< 300 MB", rss < 300)  # fmt: skip


def bench_diff(report: Report, work: Path, size: int, repeat: int, env: dict[str, str]) -> None:
    old = make_repository(work / f"diff-old-{size}", size)
    new = make_repository(work / f"diff-new-{size}", size, changed_share=0.05)
    reps = 1 if size >= 20_000 else repeat
    floor = floor_of(old, reps, env) + floor_of(new, reps, env)
    report.add(f"{size:>6} + {size} measures: parse floor of both trees", floor)
    command = [
        *ISEKCTL,
        "diff",
        str(old),
        str(new),
        "--repo",
        str(new),
        "--no-cache",
        "--format",
        "json",
    ]
    took = median(reps, command, env=env)
    ratio = took / floor
    report.add(
        f"{size:>6} measures, 5 % changed: isekctl diff (cold)",
        took,
        f"{ratio:.2f}× floor",
        "< 3× floor",
        ratio < 3,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="300,3000,20000", help="measure counts, comma-separated")
    parser.add_argument(
        "--diff-size", type=int, default=20_000, help="measures per tree for the diff benchmark"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure (median); 20,000 runs once"
    )
    parser.add_argument(
        "--fmt-size", type=int, default=3000, help="files for the fmt benchmark (0: skip)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(tempfile.mkdtemp(prefix="isekctl-bench-"))
    env = {**os.environ, "ISEKCTL_CACHE_DIR": str(work / "cache"), "NO_COLOR": "1"}
    report = Report()
    print(
        f"isekctl benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]} ({work})\n"
    )
    try:
        bench_startup(report, work, args.repeat, env)
        for size in sizes:
            bench_size(report, work, size, args.repeat, env)
        if args.fmt_size:
            bench_fmt(report, work, args.fmt_size, args.repeat, env)
        if args.diff_size:
            bench_diff(report, work, args.diff_size, args.repeat, env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\nall targets met" if not report.missed else f"\nmissed: {', '.join(report.missed)}")
    return 1 if report.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
