"""Tests of the book machinery (`superpos.book.build`) on small books made in a temporary folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from superpos.book import build as bm
from superpos.paths import BuildPaths

pytestmark = pytest.mark.book

CONFIG = (Path(__file__).resolve().parents[1] / "_config.yml").read_text()


def _notebook(title: str, body: str, params: str = "seed = 0\nsize = 3") -> nbformat.NotebookNode:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    parameters = new_code_cell(params, metadata={"tags": ["parameters"]})
    nb.cells = [new_markdown_cell(f"# {title}\n\nText."), parameters, new_code_cell(body)]
    return nb


@pytest.fixture
def tiny_book(tmp_path: Path) -> Path:
    """A two-chapter book with its own (empty) superpos package folder."""
    root = tmp_path / "book-root"
    (root / "book").mkdir(parents=True)
    (root / "superpos").mkdir()
    (root / "superpos" / "helper.py").write_text("VALUE = 1\n")
    (root / "_config.yml").write_text(CONFIG)
    toc = {"format": "jb-book", "root": "book/intro",
           "chapters": [{"file": "book/alpha"}, {"file": "book/beta"}, {"file": "book/reproducibility"},
                        {"file": "book/gallery"}, {"file": "book/bibliography"}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    (root / "book" / "intro.md").write_text("# Tiny\n\nA tiny book {cite:p}`adler2024complexity`.\n")
    for page in ("reproducibility", "gallery", "bibliography"):
        shutil.copy(Path(__file__).resolve().parents[1] / "book" / f"{page}.md", root / "book" / f"{page}.md")
    shutil.copy(Path(__file__).resolve().parents[1] / "book" / "references.bib", root / "book" / "references.bib")
    nbformat.write(_notebook("Alpha", "print(size * 2)"), root / "book" / "alpha.ipynb")
    nbformat.write(_notebook("Beta", "x = size + seed"), root / "book" / "beta.ipynb")
    profiles = {"quick": {"alpha": {"seed": 0, "size": 3}, "beta": {"seed": 1, "size": 4}},
                "full": {"alpha": {"seed": 0, "size": 30}, "beta": {"seed": 1, "size": 40}}}
    (root / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return root


def _statuses(results):
    return {r.name: r.status for r in results}


def test_chapters_follow_the_table_of_contents(tiny_book):
    assert [c.name for c in bm.chapters(tiny_book)] == ["alpha", "beta"]
    assert bm.chapters(tiny_book)[0].title == "Alpha"


def test_execute_then_cache_then_invalidate(tiny_book):
    first = bm.execute_chapters(tiny_book, jobs=2)
    assert _statuses(first) == {"alpha": "executed", "beta": "executed"}
    executed = json.loads((BuildPaths(tiny_book).executed / "book" / "alpha.ipynb").read_text())
    assert any("6" in "".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))
    # The source notebook is never executed in place.
    source = json.loads((tiny_book / "book" / "alpha.ipynb").read_text())
    assert all(not c.get("outputs") for c in source["cells"] if c["cell_type"] == "code")

    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "cached", "beta": "cached"}

    # A change in the package re-executes every chapter, even though no code cell changed.
    (tiny_book / "superpos" / "helper.py").write_text("VALUE = 2\n")
    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "executed", "beta": "executed"}
    # The book machinery is not part of what the chapters compute with.
    (tiny_book / "superpos" / "book").mkdir()
    (tiny_book / "superpos" / "book" / "render.py").write_text("STYLE = 1\n")
    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "cached", "beta": "cached"}

    # A change in one chapter's parameters re-executes that chapter alone.
    profiles = yaml.safe_load((tiny_book / "book" / "profiles.yml").read_text())
    profiles["quick"]["beta"]["size"] = 5
    (tiny_book / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "cached", "beta": "executed"}

    # So does a change in its notebook, and --force re-executes regardless.
    nbformat.write(_notebook("Alpha", "print(size * 3)"), tiny_book / "book" / "alpha.ipynb")
    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "executed", "beta": "cached"}
    assert _statuses(bm.execute_chapters(tiny_book, force=True)) == {"alpha": "executed", "beta": "executed"}

    # --only executes the named chapter and keeps the other's copy.
    assert _statuses(bm.execute_chapters(tiny_book, only=["beta"], force=True)) == {"alpha": "cached",
                                                                                    "beta": "executed"}


def test_parameters_reach_the_notebook(tiny_book):
    bm.execute_chapters(tiny_book, profile="full")
    executed = json.loads((BuildPaths(tiny_book).executed / "book" / "alpha.ipynb").read_text())
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "size = 30" in "".join(injected[0]["source"])
    outputs = "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))
    assert "60" in outputs


def test_failing_chapter_is_reported_and_the_others_still_run(tiny_book, capsys):
    nbformat.write(_notebook("Beta", "raise ValueError('broken on purpose')"), tiny_book / "book" / "beta.ipynb")
    code = bm.build(tiny_book, jobs=2)
    assert code == 1
    err = capsys.readouterr().err
    assert "FAILED book/beta.ipynb" in err
    assert "cell 3 of 3" in err and "ValueError: broken on purpose" in err
    assert "the HTML book was not built" in err
    assert (BuildPaths(tiny_book).executed / "book" / "beta.ipynb").is_file()  # kept for inspection
    assert not (BuildPaths(tiny_book).html).exists()
    cache = json.loads((BuildPaths(tiny_book).executed / bm.CACHE_FILE).read_text())
    assert cache["alpha"]["status"] == "executed" and cache["beta"]["status"] == "failed"
    # A failed chapter is never taken from the cache.
    assert _statuses(bm.execute_chapters(tiny_book))["beta"] == "failed"


def test_full_build_writes_html_and_generated_pages(tiny_book):
    assert bm.build(tiny_book, jobs=2) == 0
    html = BuildPaths(tiny_book).html
    for page in ("intro", "alpha", "beta", "reproducibility", "gallery", "bibliography"):
        assert (html / "book" / f"{page}.html").is_file(), page
    record = (html / "book" / "reproducibility.html").read_text()
    assert "size=3" in record and "numpy" in record and "executed" in record


def test_sphinx_warnings_fail_the_build(tiny_book):
    (tiny_book / "book" / "intro.md").write_text("# Tiny\n\nA reference to {ref}`no-such-label`.\n")
    assert bm.build(tiny_book, jobs=1) != 0


def test_bad_options_are_clear_errors(tiny_book):
    with pytest.raises(bm.BuildError, match="profile must be one of quick, full"):
        bm.execute_chapters(tiny_book, profile="huge")
    with pytest.raises(bm.BuildError, match=r"unknown chapter\(s\) \['gamma'\]"):
        bm.execute_chapters(tiny_book, only=["gamma"])
    with pytest.raises(bm.BuildError, match="--jobs must be at least 1"):
        bm.execute_chapters(tiny_book, jobs=0)
    with pytest.raises(bm.BuildError, match="has never been executed successfully"):
        bm.execute_chapters(tiny_book, only=["alpha"])
    profiles = yaml.safe_load((tiny_book / "book" / "profiles.yml").read_text())
    profiles["quick"]["gamma"] = {"seed": 0}
    (tiny_book / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    with pytest.raises(bm.BuildError, match="not chapters in _toc.yml"):
        bm.execute_chapters(tiny_book)


def test_command_line_reports_errors_without_traceback(tiny_book):
    result = subprocess.run([sys.executable, "-m", "superpos", "build", "--only", "gamma"], cwd=tiny_book,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "superpos build: error:" in result.stderr and "Traceback" not in result.stderr
