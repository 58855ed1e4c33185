"""The real book, built in the quick profile: every page, figure, figure's data, generated page and the PDF are there."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from superpos.book import build as bm
from superpos.paths import BuildPaths

pytestmark = pytest.mark.book


def _toc_pages(root):
    return bm.toc_docnames(yaml.safe_load((root / "_toc.yml").read_text()))


def test_every_page_is_built(built_book):
    html = BuildPaths(built_book).html
    for docname in _toc_pages(built_book):
        page = html / f"{docname}.html"
        assert page.is_file(), f"{docname} was not rendered"
        assert "Traceback (most recent call last)" not in page.read_text(), f"{docname} shows a traceback"


def test_every_chapter_was_executed_or_cached(built_book):
    cache = json.loads((BuildPaths(built_book).executed / bm.CACHE_FILE).read_text())
    for chapter in bm.chapters(built_book):
        assert cache[chapter.name]["status"] in {"executed", "cached"}, chapter.name


def test_figures_are_saved_in_three_formats(built_book):
    figures = BuildPaths(built_book).figures
    records = sorted(figures.glob("*.json"))
    for record in records:
        for fmt in ("svg", "pdf", "png"):
            path = figures / f"{record.stem}.{fmt}"
            assert path.is_file() and path.stat().st_size > 0, path
    gallery = (BuildPaths(built_book).html / "book" / "gallery.html").read_text()
    for record in records:
        assert record.stem in gallery, f"{record.stem} missing from the gallery"


def test_reproducibility_page_records_the_build(built_book):
    page = (BuildPaths(built_book).html / "book" / "reproducibility.html").read_text()
    assert re.search(r"[0-9a-f]{40}", page), "no git commit on the reproducibility page"
    for chapter in bm.chapters(built_book):
        assert chapter.title in page
    assert "numpy" in page and "papermill" in page


def test_every_figure_in_the_gallery_has_its_data(built_book):
    """Every figure is saved with the data it plots (save_figure(..., data=...)), and the gallery links the CSV."""
    paths = BuildPaths(built_book)
    gallery = (paths.html / "book" / "gallery.html").read_text()
    missing = []
    for record_path in sorted(paths.figures.glob("*.json")):
        name, record = record_path.stem, json.loads(record_path.read_text())
        csv = paths.figures / f"{name}.csv"
        if "csv" not in record["formats"] or not csv.is_file() or len(csv.read_text().splitlines()) < 2:
            missing.append(name)
        elif not re.search(rf'href="[^"]*/{re.escape(name)}\.csv"', gallery):
            missing.append(f"{name} (saved, but not linked from the gallery)")
    assert not missing, f"figures saved without their data (pass data= to save_figure): {missing}"


def test_the_book_has_its_pdf_linked_from_the_front_page(built_book):
    paths = BuildPaths(built_book)
    assert paths.pdf.read_bytes().startswith(b"%PDF-")
    front = (paths.html / "book" / "intro.html").read_text()
    assert f'href="../{bm.PDF_NAME}"' in front
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", front))
    assert re.search(r"with the quick profile on \d{4}-\d\d-\d\d \d\d:\d\d UTC, from commit [0-9a-f]{12}", words)
