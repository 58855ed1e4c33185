"""Measure the book build: a cold quick build and a rebuild with nothing changed.

Run from the repository root::

    python benchmarks/build_time.py [--profile quick] [--jobs N]

The build runs in a temporary copy of the tracked files, so the working
tree's own ``_build/`` is left alone. Prints the two wall times in seconds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_tracked_files(target: Path) -> None:
    """Copy the files git tracks (plus untracked, unignored ones) into ``target``."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(ROOT / ".git", target / ".git")  # the reproducibility page records the commit


def timed_build(root: Path, profile: str, jobs: int | None) -> float:
    command = [sys.executable, "-m", "superpos", "build", "--profile", profile]
    if jobs:
        command += ["--jobs", str(jobs)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-4000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick", choices=["quick", "full"])
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="superpos-build-") as folder:
        root = Path(folder)
        copy_tracked_files(root)
        cold = timed_build(root, args.profile, args.jobs)
        warm = timed_build(root, args.profile, args.jobs)
    print(f"profile            {args.profile}")
    print(f"cold build         {cold:7.1f} s")
    print(f"no-change rebuild  {warm:7.1f} s")


if __name__ == "__main__":
    main()
