"""The book machinery: execute the chapters, render the HTML book, write its generated pages.

* :mod:`superpos.book.build`: ``python -m superpos build`` (also the
  ``superpos`` command) executes the chapters with papermill, caches them, and
  renders the book with Jupyter Book;
* :mod:`superpos.book.pages`: the reproducibility record and the figure gallery;
* :mod:`superpos.book.sphinxext`: the Sphinx extension that serves MathJax from
  the built site, so the book works offline.

The chapters never import this subpackage, so the build's cache keys on the
rest of the package only.
"""
