"""Shared fixtures: the real book, built once per test session in the quick profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding ``_toc.yml``)."""
    return ROOT


@pytest.fixture(scope="session")
def built_book(repo_root: Path) -> Path:
    """Build the real book (quick profile) once; return the repository root.

    The HTML is in ``<root>/_build/html``, the executed notebooks in
    ``<root>/_build/executed`` and the figures in ``<root>/_build/figures``.
    The build's own cache makes this cheap when nothing changed.
    """
    result = subprocess.run([sys.executable, "-m", "superpos", "build", "--profile", "quick"], cwd=repo_root,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"the book build failed (exit {result.returncode}):\n{result.stderr[-6000:]}\n{result.stdout[-3000:]}")
    return repo_root
