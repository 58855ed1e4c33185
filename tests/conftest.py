"""Shared fixtures: the real book, built once per test session in the quick profile, and small books."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding ``_toc.yml``)."""
    return ROOT


@pytest.fixture(scope="session")
def built_book(repo_root: Path) -> Path:
    """Build the real book (quick profile, with its PDF) once; return the repository root.

    The HTML is in ``<root>/_build/html`` (the PDF at its top), the executed
    notebooks in ``<root>/_build/executed`` and the figures in
    ``<root>/_build/figures``. The build's own cache makes this cheap when
    nothing changed.
    """
    result = subprocess.run([sys.executable, "-m", "superpos", "build", "--profile", "quick", "--pdf"],
                            cwd=repo_root, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"the book build failed (exit {result.returncode}):\n{result.stderr[-6000:]}\n{result.stdout[-3000:]}")
    return repo_root


def chapter_notebook(title: str, body, params: str = "seed = 0\nsize = 3"):
    """A chapter notebook: a title, a parameters cell, then ``body`` (one code cell, or a list of them)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    parameters = new_code_cell(params, metadata={"tags": ["parameters"]})
    bodies = [body] if isinstance(body, str) else body
    nb.cells = [new_markdown_cell(f"# {title}\n\nText."), parameters, *map(new_code_cell, bodies)]
    return nb


@pytest.fixture
def tiny_book(tmp_path: Path) -> Path:
    """A two-chapter book (alpha, beta) with its own (empty) superpos package folder, in a temporary folder."""
    import nbformat

    root = tmp_path / "book-root"
    (root / "book").mkdir(parents=True)
    (root / "superpos").mkdir()
    (root / "superpos" / "helper.py").write_text("VALUE = 1\n")
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    toc = {"format": "jb-book", "root": "book/intro",
           "chapters": [{"file": "book/alpha"}, {"file": "book/beta"}, {"file": "book/reproducibility"},
                        {"file": "book/gallery"}, {"file": "book/bibliography"}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    (root / "book" / "intro.md").write_text("# Tiny\n\n```{include} build-info.md\n```\n\n"
                                            "A tiny book {cite:p}`adler2024complexity`.\n")
    for page in ("reproducibility.md", "gallery.md", "bibliography.md", "build-info.md", "references.bib"):
        shutil.copy(ROOT / "book" / page, root / "book" / page)
    nbformat.write(chapter_notebook("Alpha", "print(size * 2)"), root / "book" / "alpha.ipynb")
    nbformat.write(chapter_notebook("Beta", "x = size + seed"), root / "book" / "beta.ipynb")
    profiles = {"quick": {"alpha": {"seed": 0, "size": 3}, "beta": {"seed": 1, "size": 4}},
                "full": {"alpha": {"seed": 0, "size": 30}, "beta": {"seed": 1, "size": 40}}}
    (root / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return root
