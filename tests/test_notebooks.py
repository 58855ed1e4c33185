"""The chapter sources: committed clean, each with a papermill parameters cell that the profiles match, and quiet.

Quiet pages (the rules are :mod:`superpos.book.cells`): a cell that only glues
values is removed from the page, a cell that only draws and saves a figure
shows no code, and no code line is longer than 100 characters.
"""

from __future__ import annotations

import json
import os
import warnings
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from papermill.inspection import inspect_notebook

from superpos.book import build as bm
from superpos.book import cells as rules

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = bm.chapters(ROOT)


def _cells(chapter):
    return json.loads((ROOT / chapter.source).read_text())["cells"]


def _parameter_names(chapter) -> set[str]:
    cells = [c for c in _cells(chapter) if "parameters" in c["metadata"].get("tags", [])]
    assert len(cells) == 1, f"{chapter.source} must have exactly one cell tagged 'parameters', has {len(cells)}"
    # papermill's own reading of the cell: a line it cannot parse cannot be set from the command line.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return set(inspect_notebook(str(ROOT / chapter.source)))


def test_every_chapter_is_listed():
    assert {c.name for c in CHAPTERS} == {p.stem for p in (ROOT / "book").glob("*.ipynb")}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_committed_without_outputs(chapter):
    for index, cell in enumerate(_cells(chapter)):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{chapter.source} cell {index + 1} has outputs"
            assert cell.get("execution_count") is None, f"{chapter.source} cell {index + 1} has an execution count"
        assert "papermill" not in cell["metadata"], f"{chapter.source} cell {index + 1} holds papermill metadata"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_profiles_match_the_parameters_cell(chapter):
    names = _parameter_names(chapter)
    assert "seed" in names, f"{chapter.source} must take a seed in its parameters cell"
    profiles = yaml.safe_load((ROOT / "book" / "profiles.yml").read_text())
    for profile in bm.PROFILES:
        given = set(profiles[profile].get(chapter.name) or {})
        assert given, f"book/profiles.yml ({profile}) has no parameters for {chapter.name}"
        assert given <= names, f"{profile} profile sets {sorted(given - names)}, not in {chapter.source}'s parameters"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_one_title_per_chapter(chapter):
    titles = [line for c in _cells(chapter) if c["cell_type"] == "markdown"
              for line in "".join(c["source"]).splitlines() if line.startswith("# ")]
    assert len(titles) == 1, f"{chapter.source} must have one '# ' title, has {titles}"


def _problems(chapter, kind: str) -> list[str]:
    notebook = json.loads((ROOT / chapter.source).read_text())
    return [f"cell {cell}: {problem}" for cell, problem in rules.notebook_problems(notebook) if kind in problem]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_cells_that_only_glue_are_removed_from_the_page(chapter):
    bad = _problems(chapter, "only glues")
    assert not bad, f"{chapter.source}:\n" + "\n".join(bad)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_cells_that_only_draw_a_figure_hide_their_code(chapter):
    bad = _problems(chapter, "only draws")
    assert not bad, f"{chapter.source}:\n" + "\n".join(bad)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_no_code_line_is_too_long(chapter):
    bad = _problems(chapter, "characters")
    assert not bad, f"{chapter.source} has code lines over {rules.LINE_LIMIT} characters:\n" + "\n".join(bad)


@pytest.mark.book
def test_papermill_reruns_a_chapter_at_another_size(tmp_path):
    """A reader's command: `papermill book/<chapter>.ipynb out.ipynb -p NAME VALUE`."""
    # The cheapest chapter that reads no other chapter's tables (those refuse tables of another seed).
    readers = set(yaml.safe_load((ROOT / "book" / "profiles.yml").read_text()).get("depends") or {})
    chapter = min((c for c in CHAPTERS if c.name not in readers), key=lambda c: len(json.dumps(_cells(c))))
    out = tmp_path / "out.ipynb"
    result = subprocess.run([sys.executable, "-m", "papermill", str(ROOT / chapter.source), str(out),
                             "-p", "seed", "7", "--cwd", str(ROOT / "book")], capture_output=True, text=True,
                            env={**os.environ, "SUPERPOS_FIGURES_DIR": str(tmp_path / "figures"),
                                 "SUPERPOS_RESULTS_DIR": str(tmp_path / "results")})
    assert result.returncode == 0, result.stderr[-3000:]
    cells = json.loads(out.read_text())["cells"]
    injected = [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "seed = 7" in "".join(injected[0]["source"])
