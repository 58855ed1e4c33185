"""Measure the book build: a cold quick build, a rebuild with nothing changed, and the full profile.

Run from the repository root::

    python benchmarks/build_time.py [--full] [--pdf] [--jobs N]

The builds run in a temporary clone of the current commit (with the working
tree's uncommitted changes copied over), so the working tree's own ``_build/``
is left alone and each first build is cold. Prints, for each build, its wall
time in seconds, the largest resident memory of any process it ran, and the
machine's load average when it started (other work on the machine inflates the
times). Targets: a cold quick build within 60 s, a rebuild with nothing changed
within 5 s, the full profile within 10 minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_sources(target: Path) -> None:
    """Clone the current commit into ``target`` and copy the working tree's changes over it."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", commit], cwd=target, check=True)
    changed = subprocess.run(["git", "ls-files", "--modified", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, changed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


#: Runs a command and prints the peak resident memory (kB) of any process it started, waited for.
PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def timed_build(root: Path, profile: str, jobs: int | None, pdf: bool) -> tuple[float, float]:
    """Wall seconds of one build and the peak resident memory (GB) of any one process it ran (kernels included)."""
    command = [sys.executable, "-c", PEAK, sys.executable, "-m", "superpos", "build", "--profile", profile]
    command += ["--jobs", str(jobs)] if jobs else []
    command += ["--pdf"] if pdf else []
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-4000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])  # Linux reports kB
    return seconds, peak_kb / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also build the full profile (about 50 minutes on two cores)")
    parser.add_argument("--pdf", action="store_true", help="print the PDF in every build")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    builds = [("quick", "cold build"), ("quick", "no-change rebuild")]
    if args.full:
        builds += [("full", "cold build"), ("full", "no-change rebuild")]
    print(f"{os.cpu_count()} cores; pdf: {'yes' if args.pdf else 'no'}")
    print(f"{'profile':<8} {'build':<18} {'seconds':>8} {'peak GB':>8} {'load (1 min)':>13}")
    with tempfile.TemporaryDirectory(prefix="superpos-build-") as folder:
        root = Path(folder) / "book"
        copy_sources(root)
        for profile, label in builds:
            load = os.getloadavg()[0]
            seconds, peak = timed_build(root, profile, args.jobs, args.pdf)
            print(f"{profile:<8} {label:<18} {seconds:8.1f} {peak:8.2f} {load:13.2f}", flush=True)


if __name__ == "__main__":
    main()
