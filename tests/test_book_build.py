"""Tests of the book machinery (`superpos.book.build`) on small books made in a temporary folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest
import yaml
from conftest import chapter_notebook as _notebook

from superpos.book import build as bm
from superpos.paths import BuildPaths

pytestmark = pytest.mark.book


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
    # The front page says which profile this copy is, when it was rendered and from what.
    front = _text(html / "book" / "intro.html")
    assert re.search(r"with the quick profile on \d{4}-\d\d-\d\d \d\d:\d\d UTC, from sources outside git: small "
                     r"sizes", front), front[:2000]
    assert bm.PDF_NAME not in (html / "book" / "intro.html").read_text()  # no PDF was made


def _text(page) -> str:
    """The words of an HTML page, without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text()))


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


# ------------------------------------------------------------------ chapters that read others' tables


SAVES = """
import os
from superpos.results import save_results
print("results in", os.environ["SUPERPOS_RESULTS_DIR"])
save_results("alpha-table", {"x": [size, size * 2]}, {"size": size})
"""
READS = """
from superpos.results import load_results
print("read", load_results("alpha-table", {"size": 3})["x"].tolist())
"""


@pytest.fixture
def dependent_book(tiny_book):
    """The tiny book where beta reads the table alpha saves, declared in book/profiles.yml."""
    nbformat.write(_notebook("Alpha", SAVES), tiny_book / "book" / "alpha.ipynb")
    nbformat.write(_notebook("Beta", READS), tiny_book / "book" / "beta.ipynb")
    _set_depends(tiny_book, {"beta": ["alpha"]})
    return tiny_book


def _set_depends(root, depends):
    profiles = yaml.safe_load((root / "book" / "profiles.yml").read_text())
    profiles["depends"] = depends
    (root / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))


def _outputs(root, chapter) -> str:
    executed = json.loads((BuildPaths(root).executed / "book" / f"{chapter}.ipynb").read_text())
    return "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))


def _times(root, chapter):
    """When papermill started the chapter's first cell and ended its last one."""
    cells = json.loads((BuildPaths(root).executed / "book" / f"{chapter}.ipynb").read_text())["cells"]
    stamps = [c["metadata"]["papermill"] for c in cells if c["metadata"].get("papermill", {}).get("start_time")]
    return stamps[0]["start_time"], stamps[-1]["end_time"]


def test_a_chapter_runs_after_the_chapters_it_reads(dependent_book):
    results = bm.execute_chapters(dependent_book, jobs=2)
    assert _statuses(results) == {"alpha": "executed", "beta": "executed"}
    assert f"results in {BuildPaths(dependent_book).results}" in _outputs(dependent_book, "alpha")
    assert "read [3, 6]" in _outputs(dependent_book, "beta")
    assert _times(dependent_book, "beta")[0] >= _times(dependent_book, "alpha")[1]  # with two workers free
    assert {r.name: r.results for r in results} == {"alpha": ["alpha-table"], "beta": []}


def test_a_change_upstream_reexecutes_the_chapters_that_read_it(dependent_book):
    bm.execute_chapters(dependent_book, jobs=2)
    nbformat.write(_notebook("Alpha", SAVES + "\n# a new comment"), dependent_book / "book" / "alpha.ipynb")
    assert _statuses(bm.execute_chapters(dependent_book, jobs=2)) == {"alpha": "executed", "beta": "executed"}
    # ... but not the other way round.
    nbformat.write(_notebook("Beta", READS + "\n# a new comment"), dependent_book / "book" / "beta.ipynb")
    assert _statuses(bm.execute_chapters(dependent_book, jobs=2)) == {"alpha": "cached", "beta": "executed"}
    # Without the declaration, beta's key ignores alpha.
    _set_depends(dependent_book, {})
    bm.execute_chapters(dependent_book, jobs=2)
    nbformat.write(_notebook("Alpha", SAVES + "\n# another comment"), dependent_book / "book" / "alpha.ipynb")
    assert _statuses(bm.execute_chapters(dependent_book, jobs=2)) == {"alpha": "executed", "beta": "cached"}


def test_only_runs_the_stale_chapters_it_reads_first(dependent_book):
    bm.execute_chapters(dependent_book, jobs=2)
    assert _statuses(bm.execute_chapters(dependent_book, only=["beta"])) == {"alpha": "cached", "beta": "cached"}
    # The table is gone: alpha runs again (beta's own copy is still valid).
    for path in BuildPaths(dependent_book).results.iterdir():
        path.unlink()
    assert _statuses(bm.execute_chapters(dependent_book, only=["beta"])) == {"alpha": "executed", "beta": "cached"}
    assert (BuildPaths(dependent_book).results / "alpha-table.csv").is_file()
    # alpha changed: both run, alpha first.
    nbformat.write(_notebook("Alpha", SAVES + "\n# changed"), dependent_book / "book" / "alpha.ipynb")
    assert _statuses(bm.execute_chapters(dependent_book, only=["beta"], jobs=2)) == {"alpha": "executed",
                                                                                      "beta": "executed"}
    assert _times(dependent_book, "beta")[0] >= _times(dependent_book, "alpha")[1]
    # --only alpha leaves beta stale ("kept"), as for any chapter not named.
    nbformat.write(_notebook("Alpha", SAVES + "\n# changed again"), dependent_book / "book" / "alpha.ipynb")
    assert _statuses(bm.execute_chapters(dependent_book, only=["alpha"])) == {"alpha": "executed", "beta": "kept"}


def test_a_table_overwritten_by_hand_reexecutes_the_chapter_that_saves_it(dependent_book):
    # A reader who runs alpha with papermill at another size writes its table into the same folder.
    bm.execute_chapters(dependent_book, jobs=2)
    table = BuildPaths(dependent_book).results / "alpha-table.csv"
    written = table.read_text()
    table.write_text(written + "9\n")
    # alpha runs again and writes its table as before, so beta's copy, made from it, is still valid.
    assert _statuses(bm.execute_chapters(dependent_book, jobs=2)) == {"alpha": "executed", "beta": "cached"}
    assert table.read_text() == written
    assert _statuses(bm.execute_chapters(dependent_book, jobs=2)) == {"alpha": "cached", "beta": "cached"}


def test_a_failed_chapter_stops_the_chapters_that_read_it(dependent_book):
    nbformat.write(_notebook("Alpha", "raise ValueError('broken on purpose')"), dependent_book / "book" / "alpha.ipynb")
    results = {r.name: r for r in bm.execute_chapters(dependent_book, jobs=2)}
    assert results["alpha"].status == "failed" and results["beta"].status == "failed"
    assert results["beta"].error == "not executed: it depends on alpha, which failed"


@pytest.mark.parametrize("depends, message", [
    ({"beta": ["gamma"]}, r"'depends' in book/profiles.yml names unknown chapter\(s\) \['gamma'\]"),
    ({"gamma": ["alpha"]}, r"unknown chapter\(s\) \['gamma'\]; the chapters are \['alpha', 'beta'\]"),
    ({"alpha": ["beta"], "beta": ["alpha"]}, r"holds a cycle: alpha -> beta -> alpha"),
    ({"alpha": ["alpha"]}, r"holds a cycle: alpha -> alpha"),
    ({"beta": [1]}, r"'beta' must list chapter names"),
    (["beta", "alpha"], r"must map a chapter to the list of chapters it depends on"),
])
def test_bad_dependencies_are_clear_errors(tiny_book, depends, message):
    _set_depends(tiny_book, depends)
    with pytest.raises(bm.BuildError, match=message):
        bm.execute_chapters(tiny_book)
    # No profile is called "depends".
    with pytest.raises(bm.BuildError, match="profile must be one of quick, full"):
        bm.load_parameters(tiny_book, "depends")


# --------------------------------------------------------------------------- the page's parameter cell


def test_the_page_shows_one_parameter_cell_with_the_values_used(tiny_book):
    source = "# Parameters: papermill replaces these values.\nseed = 0  # the seed\nsize = 3  # how many"
    nbformat.write(_notebook("Alpha", "print(size * 2)", params=source), tiny_book / "book" / "alpha.ipynb")
    assert bm.build(tiny_book, profile="full", jobs=2) == 0
    cells = json.loads((BuildPaths(tiny_book).executed / "book" / "alpha.ipynb").read_text())["cells"]
    (default,) = [c for c in cells if "parameters" in c["metadata"]["tags"]]
    (injected,) = [c for c in cells if "injected-parameters" in c["metadata"]["tags"]]
    assert "remove-cell" in default["metadata"]["tags"]
    assert "".join(injected["source"]) == (
        "# full profile (book/profiles.yml); to change: papermill book/alpha.ipynb out.ipynb -p NAME VALUE\n"
        "seed = 0  # the seed\nsize = 30  # how many")
    page = _text(BuildPaths(tiny_book).html / "book" / "alpha.html")
    assert "size = 30 # how many" in page and "papermill replaces" not in page and "size = 3 " not in page
    assert "60" in _outputs(tiny_book, "alpha")
    # The source notebook is left as it was.
    assert nbformat.read(tiny_book / "book" / "alpha.ipynb", as_version=4).cells[1].source == source


def test_without_profile_parameters_the_notebook_cell_shows(tiny_book):
    profiles = yaml.safe_load((tiny_book / "book" / "profiles.yml").read_text())
    del profiles["quick"]["beta"]
    (tiny_book / "book" / "profiles.yml").write_text(yaml.safe_dump(profiles))
    bm.execute_chapters(tiny_book, jobs=2)
    cells = json.loads((BuildPaths(tiny_book).executed / "book" / "beta.ipynb").read_text())["cells"]
    assert not [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
    (default,) = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert default["metadata"]["tags"] == ["parameters"]


# ------------------------------------------------------------------ rendering: only when something changed


FIGURE = """
import matplotlib.pyplot as plt
from superpos.figures import save_figure
fig, ax = plt.subplots()
ax.plot([0, 1], [0, size])
save_figure(fig, "alpha-line", caption="A line.", data={"x": [0, 1], "y": [0, size]})
plt.close(fig)
"""


def test_prose_changes_render_again_and_execute_nothing(tiny_book, capsys):
    nbformat.write(_notebook("Alpha", FIGURE), tiny_book / "book" / "alpha.ipynb")
    paths = BuildPaths(tiny_book)
    paths.html.mkdir(parents=True)
    (paths.html / bm.PDF_NAME).write_bytes(b"%PDF- from another build")
    assert bm.build(tiny_book, jobs=2) == 0
    assert not (paths.html / bm.PDF_NAME).exists()  # the front page does not link it: it would be stale
    # The figure's data reaches the book and the gallery links it.
    downloads = list(paths.html.glob("_downloads/*/alpha-line.csv"))
    assert len(downloads) == 1 and downloads[0].read_text() == "x,y\n0,0\n1,3\n"
    assert "data (CSV)" in _text(paths.html / "book" / "gallery.html")

    index = paths.html / "book" / "intro.html"
    rendered = index.stat().st_mtime_ns
    capsys.readouterr()
    assert bm.build(tiny_book, jobs=2) == 0
    assert "not rendered again" in capsys.readouterr().err
    assert index.stat().st_mtime_ns == rendered

    (tiny_book / "book" / "intro.md").write_text((tiny_book / "book" / "intro.md").read_text() + "\nMore prose.\n")
    assert bm.build(tiny_book, jobs=2) == 0
    assert "not rendered again" not in capsys.readouterr().err
    assert _statuses(bm.execute_chapters(tiny_book)) == {"alpha": "cached", "beta": "cached"}
    assert "More prose." in _text(index)


def test_pdf_needs_the_html(tiny_book):
    result = subprocess.run([sys.executable, "-m", "superpos", "build", "--pdf", "--no-html"], cwd=tiny_book,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "--pdf needs the HTML" in result.stderr


def test_the_longest_chain_of_work_starts_first(dependent_book):
    """With one worker, the order shows the priority: beta took longest last time, so it starts first."""
    _set_depends(dependent_book, {})
    nbformat.write(_notebook("Beta", "x = size"), dependent_book / "book" / "beta.ipynb")
    bm.execute_chapters(dependent_book, jobs=1)
    assert _times(dependent_book, "alpha")[0] < _times(dependent_book, "beta")[0]  # the book's order
    cache_path = BuildPaths(dependent_book).executed / bm.CACHE_FILE
    cache = json.loads(cache_path.read_text())
    cache["alpha"]["seconds"], cache["beta"]["seconds"] = 1.0, 100.0
    cache_path.write_text(json.dumps(cache))
    bm.execute_chapters(dependent_book, jobs=1, force=True)
    assert _times(dependent_book, "beta")[0] < _times(dependent_book, "alpha")[0]
    # A chapter that others read goes first, even when nothing is known of the times.
    assert bm.critical_paths({"alpha": [], "beta": ["gamma"], "gamma": []}, {}) == {"alpha": 1.0, "beta": 1.0,
                                                                                  "gamma": 2.0}
