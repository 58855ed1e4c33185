"""Sphinx extension that makes the HTML book work without a network connection.

Sphinx loads MathJax from a CDN by default, so the book's mathematics would stay
raw TeX for a reader who is offline. This extension

- copies the MathJax 3 files the book needs from the ``django-static-mathjax``
  package (MathJax 3.2, Apache-2.0 licence, a plain copy of the MathJax
  distribution on PyPI) into ``_static/mathjax/`` of the HTML output, and points
  ``mathjax_path`` at the local copy; and
- switches off the parts of ``sphinx-thebe`` (which Jupyter Book always loads)
  that put a CDN address and a Binder configuration into every page; the book
  has no live-code buttons, so they would never be used; and
- makes a page that pastes glue values from other pages (such as the claims
  ledger, ``{glue:text}`chapter.ipynb::key:.3g```) depend on those pages'
  sources, so that it is rebuilt whenever a chapter is re-executed. Sphinx
  re-reads a page when its own source changes, or when a page in its toctree
  does; any other page that pastes numbers would keep the old ones; and
- adds the book's style sheet (:data:`STYLE`, served as ``_static/superpos.css``):
  wide tables (Markdown tables glued into a page, HTML tables a cell prints)
  scroll inside themselves instead of running past the text column, long code
  lines scroll inside their block, and, when printed (the PDF of
  :mod:`superpos.book.pdf`), every chapter of the one-page book starts on a
  new page, code wraps, and the web page's controls are hidden.

Register it in ``_config.yml``::

    sphinx:
      extra_extensions:
        - superpos.book.sphinxext

Only what MathJax loads at run time is copied: the combined component
``tex-mml-chtml.js`` (TeX and MathML input, HTML-CSS output, the menu), the TeX
extensions it autoloads on first use of a macro such as ``\\boldsymbol``, the
web fonts of its HTML output, and the accessibility parts that its menu can
switch on (``a11y/``, ``sre/``), plus MathJax's licence.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

__all__ = ["MATHJAX_COMPONENT", "STYLE", "STYLE_FILE", "copy_mathjax", "mathjax_files", "mathjax_source"]

logger = logging.getLogger(__name__)

#: The PyPI distribution that ships MathJax 3, and the import package it installs.
MATHJAX_DISTRIBUTION = "django-static-mathjax"
MATHJAX_IMPORT = "mathjax"
#: The MathJax component the pages load (the one Sphinx loads from its CDN by default).
MATHJAX_COMPONENT = "tex-mml-chtml.js"
#: Paths below MathJax's ``es5/`` folder that the component may load at run time.
MATHJAX_PARTS = (
    MATHJAX_COMPONENT,
    "input/tex/extensions",
    "input/mml",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
)
#: Where the copy lives below the HTML output's ``_static/`` folder.
STATIC_SUBDIR = "mathjax"
#: The book's style sheet, below ``_static/``.
STYLE_FILE = "superpos.css"
#: What the book adds to the theme's style.
STYLE = """/* The book's additions to the theme (written by superpos.book.sphinxext). */

/* Wide tables scroll inside themselves instead of running past the text column. Tables of
   Markdown (glued into a page, or printed by a cell) sit in the theme's scrolling container;
   HTML tables that a cell prints (pandas and the like) scroll in their output area. */
.bd-article .pst-scrollable-table-container,
.bd-article .cell_output .output,
.bd-article .cell_output .text_html {
  max-width: 100%;
  overflow-x: auto;
}
.bd-article .cell_output table {
  max-width: none;
}

/* Long code lines, and long lines a cell prints, scroll inside their block. */
.bd-article div.highlight pre,
.bd-article .cell_output pre {
  max-width: 100%;
  overflow-x: auto;
}

/* Displayed formulas wider than the column scroll too. */
.bd-article mjx-container[display="true"] {
  max-width: 100%;
  overflow-x: auto;
  overflow-y: hidden;
}

@media print {
  /* The one-page book (singlehtml): every chapter starts on a new page. */
  span[id^="document-"] + section {
    break-before: page;
  }
  /* Paper does not scroll: code wraps, and wide tables and formulas shrink to the column. */
  .bd-article div.highlight pre,
  .bd-article .cell_output pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    overflow: visible;
  }
  .bd-article .pst-scrollable-table-container,
  .bd-article .cell_output .output {
    overflow: visible;
  }
  .bd-article table {
    font-size: 85%;
  }
  .bd-article mjx-container[display="true"] {
    overflow: visible;
  }
  figure, img, table, .cell {
    break-inside: avoid;
  }
  h1, h2, h3 {
    break-after: avoid;
  }
  /* The web page's controls mean nothing on paper. */
  .superpos-pdf-link, a.headerlink, button.copybtn, .bd-header-article, .bd-sidebar-primary,
  .bd-sidebar-secondary, .prev-next-area, .bd-footer, .bd-footer-article, .bd-footer-content,
  details.hide > summary, .toggle-details summary {
    display: none !important;
  }
}
"""


def mathjax_source() -> Path:
    """Return MathJax's ``es5/`` folder inside the installed ``django-static-mathjax``.

    Raises
    ------
    ExtensionError
        If the package is not installed or does not hold the expected files.

    Examples
    --------
    >>> (mathjax_source() / MATHJAX_COMPONENT).is_file()
    True
    """
    spec = importlib.util.find_spec(MATHJAX_IMPORT)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(f"superpos.book.sphinxext needs MathJax from the {MATHJAX_DISTRIBUTION!r} package to "
                             f"render maths offline; install it with `pip install {MATHJAX_DISTRIBUTION}` "
                             "(it is in requirements.txt)")
    source = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (source / MATHJAX_COMPONENT).is_file():
        raise ExtensionError(f"the installed {MATHJAX_DISTRIBUTION!r} package has no {MATHJAX_COMPONENT} in "
                             f"{source}; reinstall it with `pip install --force-reinstall {MATHJAX_DISTRIBUTION}`")
    return source


def mathjax_files(source: Path) -> list[Path]:
    """Return the files (relative to ``source``, MathJax's ``es5/``) that the book needs.

    Examples
    --------
    >>> Path(MATHJAX_COMPONENT) in mathjax_files(mathjax_source())
    True
    """
    files = []
    for part in MATHJAX_PARTS:
        path = source / part
        if path.is_file():
            files.append(Path(part))
        elif path.is_dir():
            files.extend(p.relative_to(source) for p in sorted(path.rglob("*")) if p.is_file())
        else:
            raise ExtensionError(f"MathJax in {source} has no {part!r}; is {MATHJAX_DISTRIBUTION!r} a MathJax 3 copy?")
    return files


def copy_mathjax(source: Path, target: Path) -> int:
    """Copy the needed MathJax files from ``source`` into ``target``; return how many were copied.

    A file whose copy already has the same size and modification time is left
    alone, so that a rebuild costs nothing. MathJax's licence is copied too.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first, again = copy_mathjax(mathjax_source(), Path(folder)), copy_mathjax(mathjax_source(), Path(folder))
    >>> first == len(mathjax_files(mathjax_source())) + 1, again   # the licence too; nothing the second time
    (True, 0)
    """
    pairs = [(source / f, target / f) for f in mathjax_files(source)]
    pairs.append((source.parent / "LICENSE", target / "LICENSE"))
    copied = 0
    for origin, copy in pairs:
        stat = origin.stat()
        if copy.is_file():
            have = copy.stat()
            if have.st_size == stat.st_size and int(have.st_mtime) == int(stat.st_mtime):
                continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, copy)
        copied += 1
    return copied


def use_local_mathjax(app: Sphinx, config: Config) -> None:
    """Point ``mathjax_path`` at the copy below ``_static/`` (relative paths resolve there)."""
    config.mathjax_path = f"{STATIC_SUBDIR}/{MATHJAX_COMPONENT}"


def drop_thebe_assets(app: Sphinx, config: Config) -> None:
    """Disconnect the ``sphinx-thebe`` handlers that write a CDN script and a Binder config into pages."""
    for event in ("env-before-read-docs", "doctree-resolved"):
        for listener in list(app.events.listeners.get(event, [])):
            if getattr(listener.handler, "__module__", "") == "sphinx_thebe" and \
                    listener.handler.__name__ in {"init_thebe_core", "update_thebe_context"}:
                app.disconnect(listener.id)


def note_glue_sources(app: Sphinx, doctree) -> None:
    """Make the page being read depend on every page it pastes glue values from (``doctree-read``)."""
    from myst_nb.ext.glue.utils import PendingGlueReference

    for node in doctree.findall(PendingGlueReference):
        app.env.note_dependency(str(app.env.doc2path(node.refdoc)))


def install_mathjax_files(app: Sphinx) -> None:
    """Copy MathJax and the book's style sheet into the HTML output (``builder-inited``); other builders need none."""
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / STATIC_SUBDIR
    copied = copy_mathjax(mathjax_source(), target)
    if copied:
        logger.info(f"superpos.book.sphinxext: copied {copied} MathJax files to {target}")
    style = Path(app.outdir) / "_static" / STYLE_FILE
    if not style.is_file() or style.read_text() != STYLE:
        style.parent.mkdir(parents=True, exist_ok=True)
        style.write_text(STYLE)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.mathjax")
    # Late priority: run after every extension (and the user's conf) has set its values.
    app.connect("config-inited", use_local_mathjax, priority=900)
    app.connect("config-inited", drop_thebe_assets, priority=900)
    app.connect("builder-inited", install_mathjax_files)
    app.add_css_file(STYLE_FILE)
    app.connect("doctree-read", note_glue_sources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
