"""Where the book lives and where its build writes: the repository root and the folders below ``_build/``.

The build (:mod:`superpos.book`) executes the chapters into ``_build/executed/``,
saves their figures in ``_build/figures/`` and renders ``_build/html/``;
:mod:`superpos.figures` writes into the figures folder when it is run outside
the build. Both take the names from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["BUILD_FOLDER", "PDF_NAME", "BuildPaths", "find_root"]

#: The folder below the repository root that the build writes.
BUILD_FOLDER = "_build"
#: The build's copy of the book's sources, into which the chapters are executed.
EXECUTED_FOLDER = "executed"
#: The PDF of the whole book, at the top of the HTML output (a stable address online).
PDF_NAME = "computation-in-superposition.pdf"


@dataclass(frozen=True)
class BuildPaths:
    """The folders of a build of the book at ``root``.

    Examples
    --------
    >>> paths = BuildPaths(Path("/repo"))
    >>> str(paths.executed), str(paths.figures), str(paths.results), str(paths.html)
    ('/repo/_build/executed', '/repo/_build/figures', '/repo/_build/results', '/repo/_build/html')
    >>> str(paths.pdf)
    '/repo/_build/html/computation-in-superposition.pdf'
    """

    root: Path

    @property
    def build(self) -> Path:
        """Everything the build writes: ``<root>/_build``."""
        return self.root / BUILD_FOLDER

    @property
    def executed(self) -> Path:
        """The copy of the book's sources with the chapters executed into it."""
        return self.build / EXECUTED_FOLDER

    @property
    def figures(self) -> Path:
        """Every saved figure (SVG, PDF, PNG and a JSON record of its caption)."""
        return self.build / "figures"

    @property
    def results(self) -> Path:
        """Tables a chapter saves for a later chapter to read (:mod:`superpos.results`)."""
        return self.build / "results"

    @property
    def html(self) -> Path:
        """The rendered book."""
        return self.build / "html"

    @property
    def singlehtml(self) -> Path:
        """The book rendered as one HTML page, from which the PDF is printed."""
        return self.build / "singlehtml"

    @property
    def pdf(self) -> Path:
        """The PDF of the whole book, inside the HTML output so that the site serves it."""
        return self.html / PDF_NAME


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current one) holding ``_toc.yml`` and ``book/``.

    The build's executed copy holds both too, so it is skipped. Returns None when there is none.

    Examples
    --------
    >>> find_root(Path("/")) is None
    True
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "book").is_dir() and folder.name != EXECUTED_FOLDER:
            return folder
    return None
