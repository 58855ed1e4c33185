"""The PDF of the whole book (`superpos.book.pdf`, `python -m superpos build --pdf`)."""

from __future__ import annotations

import io
import os
import re

import nbformat
import pytest
from conftest import chapter_notebook

from superpos.book import build as bm
from superpos.book import pdf
from superpos.paths import BuildPaths


def test_pages_are_counted():
    assert pdf.count_pages(b"<< /Type /Pages /Kids [3 0 R] >> << /Type /Page >>") == 1
    assert pdf.count_pages(b"not a pdf") == 0


def test_a_missing_browser_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(pdf.BROWSER_VARIABLE, raising=False)
    monkeypatch.setattr(pdf, "BROWSERS", ("superpos-no-such-browser",))
    with pytest.raises(pdf.PdfError, match=r"no Chromium found .*apt-get install chromium chromium-driver"):
        pdf.find_chromium()


def test_a_browser_named_by_the_environment_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.DRIVER_VARIABLE, str(tmp_path / "chromedriver"))
    with pytest.raises(pdf.PdfError, match="SUPERPOS_CHROMEDRIVER=.* is not an executable file"):
        pdf.find_chromium()


def test_a_folder_without_the_one_page_book_is_refused(tmp_path):
    with pytest.raises(pdf.PdfError, match="has no index.html; was the book rendered with the singlehtml builder"):
        pdf.print_pdf(tmp_path, tmp_path / "book.pdf")


MATHS = r"""Inline maths $\sqrt{m' \log m'}$ and a display:

$$
\boldsymbol{v} = \sum_{i \in A} e_i
$$
"""
FIGURE = """
import matplotlib.pyplot as plt
from myst_nb import glue
from superpos.figures import save_figure
fig, ax = plt.subplots()
ax.plot([0, 1], [0, size])
save_figure(fig, "alpha-line", caption="A line.", data={"x": [0, 1], "y": [0, size]})
glue("alpha-line", fig, display=False)
plt.close(fig)
"""


@pytest.fixture
def chromium():
    """Skip without Chromium on a developer's machine; fail under CI, where .ci/run installs it."""
    try:
        return pdf.find_chromium()
    except pdf.PdfError as error:
        if os.environ.get("CI"):
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))


@pytest.mark.book
@pytest.mark.browser
def test_build_prints_the_book_with_figures_and_typeset_maths(tiny_book, chromium):
    pypdf = pytest.importorskip("pypdf")
    alpha = chapter_notebook("Alpha", FIGURE)
    alpha.cells.insert(1, nbformat.v4.new_markdown_cell(MATHS + "\n```{glue:figure} alpha-line\n\nA line.\n```\n"))
    nbformat.write(alpha, tiny_book / "book" / "alpha.ipynb")
    assert bm.build(tiny_book, jobs=2, pdf=True) == 0
    paths = BuildPaths(tiny_book)
    assert paths.pdf == paths.html / bm.PDF_NAME and paths.pdf.read_bytes().startswith(b"%PDF-")
    # The front page links it where the site serves it.
    front = (paths.html / "book" / "intro.html").read_text()
    (link,) = re.findall(r'href="([^"]+\.pdf)"', front)
    assert (paths.html / "book" / link).resolve() == paths.pdf.resolve()

    reader = pypdf.PdfReader(io.BytesIO(paths.pdf.read_bytes()))
    texts = [page.extract_text() for page in reader.pages]
    assert len(reader.pages) == pdf.count_pages(paths.pdf.read_bytes())
    # Every chapter starts a page: intro, alpha, beta, reproducibility, gallery, bibliography.
    # (Text is extracted in drawing order, which puts a bibliography's labels "[1]" first.)
    firsts = [" ".join([w for w in text.split() if not re.fullmatch(r"\[\d+\]", w)][:3]) for text in texts]
    for title in ("Tiny", "Alpha", "Beta", "Reproducibility", "Figure gallery", "Bibliography"):
        assert any(first.startswith(title) or re.match(rf"\d+\. {title}", first) for first in firsts), (title, firsts)
    assert len(reader.pages) >= 6
    whole = "\n".join(texts)
    assert "quick profile" in whole and "A tiny book" in whole
    assert "The whole book as one PDF" not in whole  # the web page's own link is not printed
    # The formulas were typeset by MathJax (its glyphs for the root and the sum), not left as TeX.
    assert not re.search(r"\\(sqrt|sum|boldsymbol|log)|\$\$|\\\(", whole), whole[:3000]
    assert "√" in whole and "∑" in whole, whole[:3000]
    # The figure is in it, as an image.
    assert sum(len(page.images) for page in reader.pages) >= 1


@pytest.mark.browser
def test_untypeset_maths_shows_as_tex_in_the_pdf(tmp_path, chromium):
    """The check above can fail: a page whose MathJax is missing prints its TeX source."""
    pypdf = pytest.importorskip("pypdf")
    (tmp_path / "index.html").write_text(r"<html><body><h1>Raw</h1><p>\(\sqrt{m}\) and \(\sum_i e_i\)</p></body></html>")
    assert pdf.print_pdf(tmp_path, tmp_path / "raw.pdf") == 1
    text = pypdf.PdfReader(tmp_path / "raw.pdf").pages[0].extract_text()
    assert "\\sqrt" in text and "√" not in text
