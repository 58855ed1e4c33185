"""The real book, built in the quick profile: every page, figure and generated page is there."""

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
