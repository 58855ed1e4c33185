"""The offline extension: MathJax served from the built site, no CDN address in any page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from superpos.book import sphinxext
from superpos.paths import BuildPaths

#: ``src``/``href`` of every <script> and <link> element of a page.
ASSET = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", re.IGNORECASE)


def remote_assets(html: str) -> list[str]:
    """Addresses of scripts and stylesheets a page would fetch from the network."""
    return [url for url in ASSET.findall(html) if re.match(r"(https?:)?//", url)]


def test_remote_assets_finds_cdn_scripts_and_links():
    page = ('<script defer src="https://cdn.example/mathjax.js"></script>'
            '<link rel="stylesheet" href="//fonts.example/css">'
            '<script src="_static/local.js"></script><a href="https://arxiv.org/abs/1">paper</a>')
    assert remote_assets(page) == ["https://cdn.example/mathjax.js", "//fonts.example/css"]


def _build(tmp_path: Path, extensions: list[str]) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(f"extensions = {extensions!r}\nthebe_config = {{}}\n")
    (source / "index.rst").write_text("Maths\n=====\n\nInline :math:`\\sqrt{m' \\log m'}` and\n\n"
                                      ".. math::\n\n   \\boldsymbol{v} = \\sum_{i \\in A} e_i\n")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(source), str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """A one-page Sphinx site with maths and sphinx-thebe, built with the extension."""
    return _build(tmp_path_factory.mktemp("site"), ["sphinx_thebe", "superpos.book.sphinxext"])


@pytest.mark.book
def test_page_loads_mathjax_from_the_site(small_site):
    page = (small_site / "index.html").read_text()
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]*mathjax[^\"]*)\"", page, re.IGNORECASE)
    assert scripts and all(s.startswith(f"_static/mathjax/{sphinxext.MATHJAX_COMPONENT}") for s in scripts), scripts
    assert (small_site / "_static" / "mathjax" / sphinxext.MATHJAX_COMPONENT).is_file()


@pytest.mark.book
def test_fonts_extensions_and_licence_are_copied(small_site):
    mathjax = small_site / "_static" / "mathjax"
    assert (mathjax / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").stat().st_size > 0
    # \boldsymbol is autoloaded from this extension on first use.
    assert (mathjax / "input/tex/extensions/boldsymbol.js").is_file()
    assert "Apache License" in (mathjax / "LICENSE").read_text()


@pytest.mark.book
def test_only_the_needed_component_is_copied(small_site):
    mathjax = small_site / "_static" / "mathjax"
    components = sorted(p.name for p in mathjax.glob("*.js"))
    assert components == [sphinxext.MATHJAX_COMPONENT]
    assert not (mathjax / "output" / "svg").exists()


@pytest.mark.book
def test_no_page_fetches_from_the_network(small_site):
    for page in small_site.rglob("*.html"):
        html = page.read_text()
        assert remote_assets(html) == [], page
        assert "THEBE_JS_URL" not in html and "x-thebe-config" not in html, page


@pytest.mark.book
def test_pages_load_the_books_style_sheet(small_site):
    page = (small_site / "index.html").read_text()
    assert f'href="_static/{sphinxext.STYLE_FILE}' in page
    style = (small_site / "_static" / sphinxext.STYLE_FILE).read_text()
    assert style == sphinxext.STYLE


def test_the_style_scrolls_wide_tables_and_code_and_paginates_print():
    rules = re.sub(r"/\*.*?\*/", "", sphinxext.STYLE, flags=re.S)
    screen, _, printed = rules.partition("@media print")

    def block(css, selector):
        found = re.search(re.escape(selector) + r"[^{]*\{([^}]*)\}", css)
        assert found, selector
        return found.group(1)

    assert "overflow-x: auto" in block(screen, ".bd-article .pst-scrollable-table-container")
    assert "overflow-x: auto" in block(screen, ".bd-article .cell_output .text_html")
    assert "overflow-x: auto" in block(screen, ".bd-article div.highlight pre")
    assert "break-before: page" in block(printed, 'span[id^="document-"] + section')
    assert "white-space: pre-wrap" in block(printed, ".bd-article div.highlight pre")
    assert "display: none" in block(printed, ".superpos-pdf-link")


@pytest.mark.book
def test_without_the_extension_sphinx_would_use_a_cdn(tmp_path):
    """The check above can fail: the same page built without the extension loads a CDN."""
    site = _build(tmp_path, ["sphinx_thebe", "sphinx.ext.mathjax"])
    assert remote_assets((site / "index.html").read_text())


def _glue_notebook(value: float):
    """An executed notebook that glues ``value`` under the key ``chapter_value`` (as ``glue(..., display=False)``)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from myst_nb.ext.glue import GLUE_PREFIX

    cell = new_code_cell("glue('chapter_value', value, display=False)", execution_count=1, outputs=[new_output(
        "display_data", data={GLUE_PREFIX + "text/plain": repr(value)},
        metadata={"scrapbook": {"name": "chapter_value", "mime_prefix": GLUE_PREFIX}})])
    notebook = new_notebook(cells=[new_markdown_cell("# Chapter"), cell],
                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    return nbformat.writes(notebook)


def _build_site(source: Path, out: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(source), str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.book
@pytest.mark.parametrize("extension_loaded", [True, False])
def test_pasted_numbers_follow_a_reexecuted_chapter(tmp_path, extension_loaded):
    """A page pasting another page's glue value is rebuilt when that chapter changes.

    The pasting page is not the chapter's toctree parent (Sphinx re-reads parents anyway),
    so without the extension it keeps the old number: the check can fail.
    """
    import time

    extensions = ["myst_nb"] + (["superpos.book.sphinxext"] if extension_loaded else [])
    source, out = tmp_path / "src", tmp_path / "html"
    source.mkdir()
    (source / "conf.py").write_text(f"extensions = {extensions!r}\nnb_execution_mode = 'off'\n")
    (source / "index.md").write_text("# Front\n\n```{toctree}\nchapter\nledger\n```\n")
    (source / "ledger.md").write_text("# Ledger\n\nKey number: {glue:text}`chapter.ipynb::chapter_value:.3g`.\n")
    (source / "chapter.ipynb").write_text(_glue_notebook(0.125))
    _build_site(source, out)
    assert 'Key number: <span class="pasted-text">0.125</span>' in (out / "ledger.html").read_text()
    time.sleep(1.1)  # a newer modification time than the first read
    (source / "chapter.ipynb").write_text(_glue_notebook(0.5))
    _build_site(source, out)
    fresh = 'Key number: <span class="pasted-text">0.5</span>' in (out / "ledger.html").read_text()
    assert fresh == extension_loaded


def test_copy_is_incremental(tmp_path):
    source = sphinxext.mathjax_source()
    target = tmp_path / "mathjax"
    first = sphinxext.copy_mathjax(source, target)
    assert first == len(sphinxext.mathjax_files(source)) + 1  # the licence too
    assert sphinxext.copy_mathjax(source, target) == 0
    (target / sphinxext.MATHJAX_COMPONENT).write_text("stale")
    assert sphinxext.copy_mathjax(source, target) == 1
    assert (target / sphinxext.MATHJAX_COMPONENT).stat().st_size > 100_000


def test_missing_package_is_reported(monkeypatch):
    monkeypatch.setattr(sphinxext.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ExtensionError, match="pip install django-static-mathjax"):
        sphinxext.mathjax_source()


def test_missing_part_is_reported(tmp_path):
    (tmp_path / sphinxext.MATHJAX_COMPONENT).write_text("x")
    with pytest.raises(ExtensionError, match="has no 'input/tex/extensions'"):
        sphinxext.mathjax_files(tmp_path)


@pytest.mark.book
def test_built_book_needs_no_network(built_book):
    html = BuildPaths(built_book).html
    pages = sorted(html.rglob("*.html"))
    assert pages
    offenders = {str(p.relative_to(html)): remote_assets(p.read_text()) for p in pages}
    assert {k: v for k, v in offenders.items() if v} == {}
    math_pages = [p for p in pages if 'class="math' in p.read_text()]
    for page in math_pages:
        assert "_static/mathjax/" + sphinxext.MATHJAX_COMPONENT in page.read_text(), page
